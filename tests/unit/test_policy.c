/*
 * test_policy.c: every finding code of CONTRACT.md section 5 that concerns
 * a chain, each triggered by a minted chain and absent from a near twin,
 * with exact codes, severities, counts and the message parts an operator
 * relies on. Time is fixed: `now` is taken once and every certificate is
 * minted relative to it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include <openssl/dsa.h>
#include <openssl/evp.h>
#include <openssl/tls1.h>
#include <openssl/x509.h>

#include "chain.h"
#include "finding.h"
#include "mint.h"
#include "policy.h"
#include "result.h"

#define DAY	(24L * 60 * 60)

/* What every test shares: one clock reading, keys and two small PKIs. */
struct fixture {
	time_t			 now;
	struct mint_pki		 pki;		/* intermediate without EKU */
	struct mint_pki		 srv;		/* intermediate: serverAuth only */
	EVP_PKEY		*leafkey;	/* RSA-2048 */
	EVP_PKEY		*eckey;		/* P-256 */
	EVP_PKEY		*rsa1024;
	X509_STORE		*store;		/* both roots */
	X509_STORE		*empty;
};

static struct fixture	 F;

static const char *const seed_san[] = {
	"sip.contoso.com", "webcon.contoso.com", "sip.fabrikam.com"
};

static int	 setup(void **);
static int	 teardown(void **);
static void	 seed_policy(struct policy *);
static void	 seed_spec(struct mint_spec *);
static X509	*mint_under(const struct mint_spec *, EVP_PKEY *,
		    const struct mint_pki *);
static char	*judge(const struct policy *, X509 *const *, size_t,
		    X509_STORE *, struct findings *, long long *);
static char	*judge_leaf(const struct mint_spec *, const struct policy *,
		    struct findings *);
static char	*codes_of(const struct findings *);
static enum severity sev_of(const struct findings *, enum finding_code);
static const char *msg_of(const struct findings *, enum finding_code,
		    size_t);
static X509_STORE *store_of(X509 *);
static struct result *pool_result(const char *, int, const char *);
static EVP_PKEY	*dsa_key(int);

/* One clock reading, keys and PKIs for the whole group. */
static int
setup(void **state)
{
	(void)state;
	memset(&F, 0, sizeof(F));
	F.now = time(NULL);
	if (mint_pki_init(&F.pki, MINT_RSA, 0) != 0 ||
	    mint_pki_init(&F.srv, MINT_RSA, MINT_EKU_SERVER) != 0)
		return -1;
	if ((F.leafkey = mint_key(MINT_RSA, 2048)) == NULL ||
	    (F.eckey = mint_key(MINT_EC, 256)) == NULL ||
	    (F.rsa1024 = mint_key(MINT_RSA, 1024)) == NULL)
		return -1;
	if ((F.store = X509_STORE_new()) == NULL ||
	    X509_STORE_add_cert(F.store, F.pki.root) != 1 ||
	    X509_STORE_add_cert(F.store, F.srv.root) != 1 ||
	    (F.empty = X509_STORE_new()) == NULL)
		return -1;
	return 0;
}

/* Free the group's keys and stores. */
static int
teardown(void **state)
{
	(void)state;
	X509_STORE_free(F.store);
	X509_STORE_free(F.empty);
	EVP_PKEY_free(F.leafkey);
	EVP_PKEY_free(F.eckey);
	EVP_PKEY_free(F.rsa1024);
	mint_pki_free(&F.pki);
	mint_pki_free(&F.srv);
	return 0;
}

/* The seed's target: sni and subject sip.contoso.com, its three SANs. */
static void
seed_policy(struct policy *pol)
{
	memset(pol, 0, sizeof(*pol));
	pol->sni = "sip.contoso.com";
	pol->subject = "sip.contoso.com";
	pol->san = seed_san;
	pol->nsan = 3;
	pol->public_im = 1;
	pol->warn_days = 30;
	pol->crit_days = 7;
	pol->tls_version = TLS1_2_VERSION;
}

/* The seed's Edge certificate, valid from a day ago for 100 days. */
static void
seed_spec(struct mint_spec *spec)
{
	mint_spec_edge(spec);
	spec->not_before = F.now - DAY;
	spec->not_after = F.now + 100 * DAY + 3600;
}

/* A certificate for key issued by the PKI's intermediate. */
static X509 *
mint_under(const struct mint_spec *spec, EVP_PKEY *key,
    const struct mint_pki *pki)
{
	X509	*x;

	x = mint_cert(spec, key, pki->inter, pki->inter_key);
	assert_non_null(x);
	return x;
}

/* Judge certs (leaf first); the codes in order, "A,B"; caller frees. */
static char *
judge(const struct policy *pol, X509 *const *certs, size_t n,
    X509_STORE *store, struct findings *fs, long long *days)
{
	STACK_OF(X509)	*sk;
	long long	 d = 12345;

	sk = mint_stack(certs, n);
	assert_non_null(sk);
	findings_init(fs);
	assert_int_equal(policy_evaluate(pol, sk, store, F.now, fs, &d),
	    n > 0 ? 0 : -1);
	sk_X509_pop_free(sk, X509_free);
	if (days != NULL)
		*days = d;
	return codes_of(fs);
}

/* Mint a leaf under F.pki and judge [leaf, intermediate] against F.store. */
static char *
judge_leaf(const struct mint_spec *spec, const struct policy *pol,
    struct findings *fs)
{
	X509	*leaf, *c[2];
	char	*codes;

	leaf = mint_under(spec, F.leafkey, &F.pki);
	c[0] = leaf;
	c[1] = F.pki.inter;
	codes = judge(pol, c, 2, F.store, fs, NULL);
	X509_free(leaf);
	return codes;
}

/* The codes of a list in order, comma-separated. */
static char *
codes_of(const struct findings *fs)
{
	char	*s;
	size_t	 i, len = 1;

	for (i = 0; i < fs->n; i++)
		len += strlen(finding_code_name(fs->v[i].code)) + 1;
	s = calloc(1, len);
	assert_non_null(s);
	for (i = 0; i < fs->n; i++) {
		if (i > 0)
			strcat(s, ",");
		strcat(s, finding_code_name(fs->v[i].code));
	}
	return s;
}

/* The severity of the (only) finding with this code. */
static enum severity
sev_of(const struct findings *fs, enum finding_code code)
{
	size_t	 i;

	for (i = 0; i < fs->n; i++)
		if (fs->v[i].code == code)
			return fs->v[i].severity;
	fail_msg("no %s finding", finding_code_name(code));
	return SEV_INFO;
}

/* The message of the nth finding with this code. */
static const char *
msg_of(const struct findings *fs, enum finding_code code, size_t nth)
{
	size_t	 i;

	for (i = 0; i < fs->n; i++)
		if (fs->v[i].code == code && nth-- == 0)
			return fs->v[i].message;
	fail_msg("no such %s finding", finding_code_name(code));
	return NULL;
}

/* A DSA key with a 160-bit q, as DSA-1024 servers had. */
static EVP_PKEY *
dsa_key(int bits)
{
	EVP_PKEY_CTX	*pc, *kc;
	EVP_PKEY	*params = NULL, *key = NULL;

	pc = EVP_PKEY_CTX_new_from_name(NULL, "DSA", NULL);
	assert_non_null(pc);
	assert_int_equal(EVP_PKEY_paramgen_init(pc), 1);
	assert_int_equal(EVP_PKEY_CTX_set_dsa_paramgen_bits(pc, bits), 1);
	assert_int_equal(EVP_PKEY_CTX_set_dsa_paramgen_q_bits(pc, 160), 1);
	assert_int_equal(EVP_PKEY_paramgen(pc, &params), 1);
	kc = EVP_PKEY_CTX_new_from_pkey(NULL, params, NULL);
	assert_non_null(kc);
	assert_int_equal(EVP_PKEY_keygen_init(kc), 1);
	assert_int_equal(EVP_PKEY_keygen(kc, &key), 1);
	EVP_PKEY_CTX_free(kc);
	EVP_PKEY_CTX_free(pc);
	EVP_PKEY_free(params);
	return key;
}

/* A store holding one certificate. */
static X509_STORE *
store_of(X509 *x)
{
	X509_STORE	*st;

	st = X509_STORE_new();
	assert_non_null(st);
	assert_int_equal(X509_STORE_add_cert(st, x), 1);
	return st;
}

/* The seed's certificate, exactly as the seed's table: no finding at all. */
static void
test_seed_clean(void **state)
{
	struct mint_spec	 spec;
	struct policy		 pol;
	struct findings		 fs;
	X509			*leaf, *c[2];
	char			*codes;
	long long		 days;

	(void)state;
	seed_spec(&spec);
	seed_policy(&pol);
	leaf = mint_under(&spec, F.leafkey, &F.pki);
	c[0] = leaf;
	c[1] = F.pki.inter;
	codes = judge(&pol, c, 2, F.store, &fs, &days);
	assert_string_equal(codes, "");
	assert_int_equal(days, 100);
	assert_int_equal(findings_status(&fs), STATUS_OK);
	free(codes);
	findings_free(&fs);

	/* Without public IM, without expectations: still nothing. */
	pol.public_im = 0;
	pol.subject = NULL;
	pol.nsan = 0;
	codes = judge(&pol, c, 2, F.store, &fs, &days);
	assert_string_equal(codes, "");
	free(codes);
	findings_free(&fs);
	X509_free(leaf);
}

/* An EC leaf and an Ed25519 leaf are judged the same way. */
static void
test_seed_ec_clean(void **state)
{
	struct mint_spec	 spec;
	struct policy		 pol;
	struct findings		 fs;
	X509			*leaf, *c[2];
	EVP_PKEY		*ed;
	char			*codes;

	(void)state;
	seed_spec(&spec);
	seed_policy(&pol);
	leaf = mint_under(&spec, F.eckey, &F.pki);
	c[0] = leaf;
	c[1] = F.pki.inter;
	codes = judge(&pol, c, 2, F.store, &fs, NULL);
	assert_string_equal(codes, "");
	free(codes);
	findings_free(&fs);
	X509_free(leaf);

	ed = mint_key(MINT_ED25519, 0);
	assert_non_null(ed);
	leaf = mint_under(&spec, ed, &F.pki);
	c[0] = leaf;
	codes = judge(&pol, c, 2, F.store, &fs, NULL);
	assert_string_equal(codes, "");
	free(codes);
	findings_free(&fs);
	X509_free(leaf);
	EVP_PKEY_free(ed);
}

/* An empty chain judges nothing (LEGACY_TLS aside) and returns -1. */
static void
test_empty_chain(void **state)
{
	struct policy	 pol;
	struct findings	 fs;
	char		*codes;

	(void)state;
	seed_policy(&pol);
	codes = judge(&pol, NULL, 0, F.store, &fs, NULL);
	assert_string_equal(codes, "");
	free(codes);
	findings_free(&fs);
	pol.tls_version = TLS1_VERSION;
	codes = judge(&pol, NULL, 0, F.store, &fs, NULL);
	assert_string_equal(codes, "LEGACY_TLS");
	free(codes);
	findings_free(&fs);
	findings_init(&fs);
	assert_int_equal(policy_evaluate(&pol, NULL, F.store, F.now, &fs,
	    NULL), -1);
	findings_free(&fs);
}

/* A root the server sends but the store does not hold: UNTRUSTED. */
static void
test_untrusted_root(void **state)
{
	struct mint_spec	 spec;
	struct policy		 pol;
	struct findings		 fs;
	X509			*leaf, *c[3];
	char			*codes;

	(void)state;
	seed_spec(&spec);
	seed_policy(&pol);
	leaf = mint_under(&spec, F.leafkey, &F.pki);
	c[0] = leaf;
	c[1] = F.pki.inter;
	c[2] = F.pki.root;
	codes = judge(&pol, c, 3, F.empty, &fs, NULL);
	assert_string_equal(codes, "UNTRUSTED");
	assert_int_equal(sev_of(&fs, F_UNTRUSTED), SEV_CRITICAL);
	assert_non_null(strstr(msg_of(&fs, F_UNTRUSTED, 0),
	    "root CN=EdgeProbe Test Root CA,O=EdgeProbe Test PKI (sha256 "));
	assert_non_null(strstr(msg_of(&fs, F_UNTRUSTED, 0),
	    "the trust store does not hold"));
	free(codes);
	findings_free(&fs);

	/* Twin: the same three certificates, the root trusted. */
	codes = judge(&pol, c, 3, F.store, &fs, NULL);
	assert_string_equal(codes, "");
	free(codes);
	findings_free(&fs);
	X509_free(leaf);
}

/* A leaf whose signature was made with another key: UNTRUSTED. */
static void
test_untrusted_bad_signature(void **state)
{
	struct mint_spec	 spec;
	struct policy		 pol;
	struct findings		 fs;
	X509			*leaf, *c[2];
	char			*codes;

	(void)state;
	seed_spec(&spec);
	seed_policy(&pol);
	/* Named as issued by the intermediate, signed by another RSA key. */
	leaf = mint_cert(&spec, F.leafkey, F.pki.inter, F.srv.inter_key);
	assert_non_null(leaf);
	c[0] = leaf;
	c[1] = F.pki.inter;
	codes = judge(&pol, c, 2, F.store, &fs, NULL);
	assert_string_equal(codes, "UNTRUSTED");
	assert_non_null(strstr(msg_of(&fs, F_UNTRUSTED, 0),
	    "the signature on leaf CN=sip.contoso.com,O=Contoso (sha256 "));
	free(codes);
	findings_free(&fs);
	X509_free(leaf);

	/*
	 * Signed by an EC key: OpenSSL does not even take the RSA
	 * intermediate as a candidate issuer, so the chain is incomplete,
	 * and the message says a certificate of that name was sent.
	 */
	leaf = mint_cert(&spec, F.leafkey, F.pki.inter, F.eckey);
	assert_non_null(leaf);
	c[0] = leaf;
	codes = judge(&pol, c, 2, F.store, &fs, NULL);
	assert_string_equal(codes, "CHAIN_INCOMPLETE");
	assert_non_null(strstr(msg_of(&fs, F_CHAIN_INCOMPLETE, 0),
	    "the server sent a certificate of that name, but not the one "
	    "that issued it"));
	free(codes);
	findings_free(&fs);
	X509_free(leaf);
}

/* A self-signed leaf: SELF_SIGNED, trusted by the store or not. */
static void
test_self_signed(void **state)
{
	struct mint_spec	 spec;
	struct policy		 pol;
	struct findings		 fs;
	X509			*leaf;
	X509_STORE		*st;
	char			*codes;

	(void)state;
	seed_spec(&spec);
	seed_policy(&pol);
	leaf = mint_cert(&spec, F.leafkey, NULL, NULL);
	assert_non_null(leaf);
	codes = judge(&pol, &leaf, 1, F.store, &fs, NULL);
	assert_string_equal(codes, "SELF_SIGNED");
	assert_int_equal(sev_of(&fs, F_SELF_SIGNED), SEV_CRITICAL);
	assert_non_null(strstr(msg_of(&fs, F_SELF_SIGNED, 0),
	    "leaf CN=sip.contoso.com,O=Contoso (sha256 "));
	free(codes);
	findings_free(&fs);

	/* Put in the trust store, it verifies: still self-signed. */
	st = store_of(leaf);
	codes = judge(&pol, &leaf, 1, st, &fs, NULL);
	assert_string_equal(codes, "SELF_SIGNED");
	free(codes);
	findings_free(&fs);
	X509_STORE_free(st);
	X509_free(leaf);
}

/* The intermediate not sent: CHAIN_INCOMPLETE naming the leaf's issuer. */
static void
test_chain_incomplete(void **state)
{
	struct mint_spec	 spec;
	struct policy		 pol;
	struct findings		 fs;
	X509			*leaf, *c[2];
	char			*codes;

	(void)state;
	seed_spec(&spec);
	seed_policy(&pol);
	leaf = mint_under(&spec, F.leafkey, &F.pki);
	codes = judge(&pol, &leaf, 1, F.store, &fs, NULL);
	assert_string_equal(codes, "CHAIN_INCOMPLETE");
	assert_int_equal(sev_of(&fs, F_CHAIN_INCOMPLETE), SEV_CRITICAL);
	assert_non_null(strstr(msg_of(&fs, F_CHAIN_INCOMPLETE, 0),
	    "the chain stops at leaf CN=sip.contoso.com,O=Contoso (sha256 "));
	assert_non_null(strstr(msg_of(&fs, F_CHAIN_INCOMPLETE, 0),
	    "its issuer CN=EdgeProbe Test Intermediate CA,"
	    "O=EdgeProbe Test PKI was neither sent"));
	assert_null(strstr(msg_of(&fs, F_CHAIN_INCOMPLETE, 0),
	    "a certificate of that name"));
	free(codes);
	findings_free(&fs);

	/* An unknown root not sent: the chain stops at the intermediate. */
	c[0] = leaf;
	c[1] = F.pki.inter;
	codes = judge(&pol, c, 2, F.empty, &fs, NULL);
	assert_string_equal(codes, "CHAIN_INCOMPLETE");
	assert_non_null(strstr(msg_of(&fs, F_CHAIN_INCOMPLETE, 0),
	    "the chain stops at intermediate CN=EdgeProbe Test Intermediate "
	    "CA,O=EdgeProbe Test PKI (sha256 "));
	assert_non_null(strstr(msg_of(&fs, F_CHAIN_INCOMPLETE, 0),
	    "its issuer CN=EdgeProbe Test Root CA,O=EdgeProbe Test PKI"));
	free(codes);
	findings_free(&fs);

	/* Twin: the intermediate sent. */
	codes = judge(&pol, c, 2, F.store, &fs, NULL);
	assert_string_equal(codes, "");
	free(codes);
	findings_free(&fs);
	X509_free(leaf);
}

/* Problems are all reported: a missing intermediate and a PSS leaf. */
static void
test_every_problem(void **state)
{
	struct mint_spec	 spec;
	struct policy		 pol;
	struct findings		 fs;
	X509			*leaf;
	char			*codes;

	(void)state;
	seed_spec(&spec);
	seed_policy(&pol);
	spec.eku = MINT_EKU_SERVER;
	spec.not_after = F.now - 3600;
	spec.not_before = F.now - 400 * DAY;
	leaf = mint_under(&spec, F.leafkey, &F.pki);
	codes = judge(&pol, &leaf, 1, F.empty, &fs, NULL);
	assert_string_equal(codes,
	    "CHAIN_INCOMPLETE,EXPIRED,CLIENT_EKU_MISSING");
	free(codes);
	findings_free(&fs);
	X509_free(leaf);
}

/* sni not among the DNS SANs: HOSTNAME_MISMATCH; the CN never counts. */
static void
test_hostname_mismatch(void **state)
{
	static const char *const sans[] = {
		"webcon.contoso.com", "sip.fabrikam.com"
	};
	static const char *const wild[] = {
		"sip.contoso.com", "*.contoso.com"
	};
	struct mint_spec	 spec;
	struct policy		 pol;
	struct findings		 fs;
	char			*codes;

	(void)state;
	seed_spec(&spec);
	seed_policy(&pol);
	pol.subject = NULL;
	pol.nsan = 0;
	pol.sni = "sip.contoso.net";
	codes = judge_leaf(&spec, &pol, &fs);
	assert_string_equal(codes, "HOSTNAME_MISMATCH");
	assert_int_equal(sev_of(&fs, F_HOSTNAME_MISMATCH), SEV_CRITICAL);
	assert_non_null(strstr(msg_of(&fs, F_HOSTNAME_MISMATCH, 0),
	    "does not cover sip.contoso.net: its DNS SANs are "
	    "[sip.contoso.com, webcon.contoso.com, sip.fabrikam.com]"));
	free(codes);
	findings_free(&fs);

	/* The CN is sip.contoso.com, the SANs are not: mismatch. */
	pol.sni = "sip.contoso.com";
	spec.dns = sans;
	spec.ndns = 2;
	codes = judge_leaf(&spec, &pol, &fs);
	assert_string_equal(codes,
	    "HOSTNAME_MISMATCH,SUBJECT_NOT_IN_SAN,SAN_ORDER");
	free(codes);
	findings_free(&fs);

	/* Twin: a wildcard SAN covers one label. */
	pol.sni = "webcon.contoso.com";
	spec.dns = wild;
	spec.ndns = 2;
	codes = judge_leaf(&spec, &pol, &fs);
	assert_string_equal(codes, "");
	free(codes);
	findings_free(&fs);
	pol.sni = "a.b.contoso.com";
	codes = judge_leaf(&spec, &pol, &fs);
	assert_string_equal(codes, "HOSTNAME_MISMATCH");
	free(codes);
	findings_free(&fs);
}

/* An embedded NUL in a SAN can never match the real name. */
static void
test_hostname_nul(void **state)
{
	static const unsigned char raw[] = "sip.contoso.com\0.evil.example";
	struct mint_spec	 spec;
	struct policy		 pol;
	struct findings		 fs;
	char			*codes;

	(void)state;
	seed_spec(&spec);
	seed_policy(&pol);
	pol.subject = NULL;
	pol.nsan = 0;
	spec.cn = "sip.contoso.com";
	spec.ndns = 0;
	spec.dns_raw = raw;
	spec.dns_raw_len = sizeof(raw) - 1;
	codes = judge_leaf(&spec, &pol, &fs);
	/* The NUL is outside the DNS syntax: NONCONFORMANT (dns-syntax). */
	assert_string_equal(codes, "HOSTNAME_MISMATCH,SUBJECT_NOT_IN_SAN,"
	    "SAN_ORDER,NONCONFORMANT");
	assert_non_null(strstr(msg_of(&fs, F_HOSTNAME_MISMATCH, 0),
	    "[sip.contoso.com\\x00.evil.example]"));
	free(codes);
	findings_free(&fs);
}

/* The wildcard rules of the contract, one row each. */
static void
test_host_match_table(void **state)
{
	static const struct {
		const char	*pattern;
		const char	*name;
		int		 match;
	} t[] = {
		{ "sip.contoso.com", "sip.contoso.com", 1 },
		{ "SIP.Contoso.COM", "sip.contoso.com", 1 },
		{ "sip.contoso.com", "SIP.CONTOSO.COM", 1 },
		{ "sip.contoso.com.", "sip.contoso.com", 1 },
		{ "sip.contoso.com", "sip.contoso.com.", 1 },
		{ "sip.contoso.com", "sip.contoso.co", 0 },
		{ "sip.contoso.com", "xsip.contoso.com", 0 },
		{ "*.contoso.com", "sip.contoso.com", 1 },
		{ "*.CONTOSO.com", "Sip.Contoso.Com", 1 },
		{ "*.contoso.com", "a.b.contoso.com", 0 },
		{ "*.contoso.com", "contoso.com", 0 },
		{ "*.contoso.com", ".contoso.com", 0 },
		{ "*.contoso.com", "sip.contoso.com.evil", 0 },
		{ "*.contoso.com", "sipcontoso.com", 0 },
		{ "*.com", "contoso.com", 0 },
		{ "*.com", "sip.com", 0 },
		{ "*", "sip", 0 },
		{ "*", "sip.contoso.com", 0 },
		{ "*.", "sip.", 0 },
		{ "*.*.com", "a.b.com", 0 },
		{ "s*.contoso.com", "sip.contoso.com", 0 },
		{ "*sip.contoso.com", "xsip.contoso.com", 0 },
		{ "sip.*.com", "sip.contoso.com", 0 },
		{ "*..com", "a..com", 0 },
		{ "*.contoso..com", "a.contoso..com", 0 },
		{ "sip.contoso.com\\x00.evil.com", "sip.contoso.com", 0 },
		{ "*.contoso.com\\x00", "sip.contoso.com", 0 },
		{ "", "", 0 },
		{ "sip.contoso.com", "", 0 },
	};
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		if (policy_host_match(t[i].pattern, t[i].name) != t[i].match)
			fail_msg("row %zu: %s vs %s: expected %d", i,
			    t[i].pattern, t[i].name, t[i].match);
	}
	assert_int_equal(policy_host_match(NULL, "a.b.c"), 0);
	assert_int_equal(policy_host_match("a.b.c", NULL), 0);
}

/* The leaf past its notAfter: EXPIRED, and days_left negative. */
static void
test_expired_leaf(void **state)
{
	struct mint_spec	 spec;
	struct policy		 pol;
	struct findings		 fs;
	X509			*leaf, *c[2];
	char			*codes;
	long long		 days;

	(void)state;
	seed_spec(&spec);
	seed_policy(&pol);
	spec.not_before = F.now - 400 * DAY;
	spec.not_after = F.now - 2 * DAY - 60;
	leaf = mint_under(&spec, F.leafkey, &F.pki);
	c[0] = leaf;
	c[1] = F.pki.inter;
	codes = judge(&pol, c, 2, F.store, &fs, &days);
	assert_string_equal(codes, "EXPIRED");
	assert_int_equal(days, -3);
	assert_int_equal(sev_of(&fs, F_EXPIRED), SEV_CRITICAL);
	assert_non_null(strstr(msg_of(&fs, F_EXPIRED, 0),
	    "leaf CN=sip.contoso.com,O=Contoso (sha256 "));
	assert_non_null(strstr(msg_of(&fs, F_EXPIRED, 0), "(2 days ago)"));
	free(codes);
	findings_free(&fs);
	X509_free(leaf);

	/* Twin: one second before notAfter it is not expired (but soon). */
	spec.not_after = F.now + 1;
	leaf = mint_under(&spec, F.leafkey, &F.pki);
	c[0] = leaf;
	codes = judge(&pol, c, 2, F.store, &fs, &days);
	assert_string_equal(codes, "EXPIRES_SOON");
	assert_int_equal(days, 0);
	free(codes);
	findings_free(&fs);
	X509_free(leaf);

	/* At notAfter exactly: still valid (RFC 5280 includes it). */
	spec.not_after = F.now;
	leaf = mint_under(&spec, F.leafkey, &F.pki);
	c[0] = leaf;
	codes = judge(&pol, c, 2, F.store, &fs, &days);
	assert_string_equal(codes, "EXPIRES_SOON");
	free(codes);
	findings_free(&fs);
	X509_free(leaf);
}

/* An expired intermediate: EXPIRED, and the message says intermediate. */
static void
test_expired_intermediate(void **state)
{
	struct mint_spec	 spec, ispec;
	struct policy		 pol;
	struct findings		 fs;
	X509			*leaf, *inter, *c[2];
	char			*codes;

	(void)state;
	memset(&ispec, 0, sizeof(ispec));
	ispec.cn = "Old Intermediate CA";
	ispec.ca = 1;
	ispec.not_before = F.now - 800 * DAY;
	ispec.not_after = F.now - 10 * DAY;
	inter = mint_cert(&ispec, F.pki.inter_key, F.pki.root,
	    F.pki.root_key);
	assert_non_null(inter);
	seed_spec(&spec);
	seed_policy(&pol);
	leaf = mint_cert(&spec, F.leafkey, inter, F.pki.inter_key);
	assert_non_null(leaf);
	c[0] = leaf;
	c[1] = inter;
	codes = judge(&pol, c, 2, F.store, &fs, NULL);
	assert_string_equal(codes, "EXPIRED");
	assert_non_null(strstr(msg_of(&fs, F_EXPIRED, 0),
	    "intermediate CN=Old Intermediate CA (sha256 "));
	assert_non_null(strstr(msg_of(&fs, F_EXPIRED, 0), "(10 days ago)"));
	free(codes);
	findings_free(&fs);
	X509_free(leaf);
	X509_free(inter);
}

/* Before notBefore: NOT_YET_VALID. */
static void
test_not_yet_valid(void **state)
{
	struct mint_spec	 spec;
	struct policy		 pol;
	struct findings		 fs;
	char			*codes;

	(void)state;
	seed_spec(&spec);
	seed_policy(&pol);
	spec.not_before = F.now + 2 * DAY;
	codes = judge_leaf(&spec, &pol, &fs);
	assert_string_equal(codes, "NOT_YET_VALID");
	assert_int_equal(sev_of(&fs, F_NOT_YET_VALID), SEV_CRITICAL);
	free(codes);
	findings_free(&fs);

	/* Twin: notBefore is now. */
	spec.not_before = F.now;
	codes = judge_leaf(&spec, &pol, &fs);
	assert_string_equal(codes, "");
	free(codes);
	findings_free(&fs);
}

/* EXPIRES_SOON: warning at warn_days or fewer, critical at crit_days. */
static void
test_expires_soon(void **state)
{
	static const struct {
		long		 secs;		/* notAfter - now */
		long long	 days;
		const char	*codes;
		enum severity	 sev;
	} t[] = {
		{ 31 * DAY + 60, 31, "", SEV_INFO },
		{ 31 * DAY - 60, 30, "EXPIRES_SOON", SEV_WARNING },
		{ 30 * DAY, 30, "EXPIRES_SOON", SEV_WARNING },
		{ 8 * DAY, 8, "EXPIRES_SOON", SEV_WARNING },
		{ 8 * DAY - 1, 7, "EXPIRES_SOON", SEV_CRITICAL },
		{ 3600, 0, "EXPIRES_SOON", SEV_CRITICAL },
	};
	struct mint_spec	 spec;
	struct policy		 pol;
	struct findings		 fs;
	X509			*leaf, *c[2];
	char			*codes;
	long long		 days;
	size_t			 i;

	(void)state;
	seed_spec(&spec);
	seed_policy(&pol);
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		spec.not_after = F.now + t[i].secs;
		leaf = mint_under(&spec, F.leafkey, &F.pki);
		c[0] = leaf;
		c[1] = F.pki.inter;
		codes = judge(&pol, c, 2, F.store, &fs, &days);
		assert_string_equal(codes, t[i].codes);
		assert_int_equal(days, t[i].days);
		if (fs.n > 0)
			assert_int_equal(sev_of(&fs, F_EXPIRES_SOON), t[i].sev);
		free(codes);
		findings_free(&fs);
		X509_free(leaf);
	}
}

/* days_left is a floor, also below zero. */
static void
test_days_left_floor(void **state)
{
	static const struct {
		long		 secs;
		long long	 days;
	} t[] = {
		{ 0, 0 }, { 1, 0 }, { DAY - 1, 0 }, { DAY, 1 },
		{ -1, -1 }, { -DAY + 1, -1 }, { -DAY, -1 }, { -DAY - 1, -2 },
		{ -10 * DAY, -10 }, { -10 * DAY - 1, -11 },
	};
	struct mint_spec	 spec;
	X509			*x;
	long long		 days;
	size_t			 i;

	(void)state;
	seed_spec(&spec);
	spec.not_before = F.now - 30 * DAY;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		spec.not_after = F.now + t[i].secs;
		x = mint_cert(&spec, F.eckey, NULL, NULL);
		assert_non_null(x);
		assert_int_equal(policy_days_left(x, F.now, &days), 0);
		if (days != t[i].days)
			fail_msg("row %zu: %lld days, expected %lld", i, days,
			    t[i].days);
		X509_free(x);
	}
}

/* EKU without serverAuth: SERVER_EKU_MISSING, not also UNTRUSTED. */
static void
test_server_eku_missing(void **state)
{
	struct mint_spec	 spec;
	struct policy		 pol;
	struct findings		 fs;
	char			*codes;

	(void)state;
	seed_spec(&spec);
	seed_policy(&pol);
	spec.eku = MINT_EKU_CLIENT;
	codes = judge_leaf(&spec, &pol, &fs);
	assert_string_equal(codes, "SERVER_EKU_MISSING");
	assert_int_equal(sev_of(&fs, F_SERVER_EKU_MISSING), SEV_CRITICAL);
	assert_non_null(strstr(msg_of(&fs, F_SERVER_EKU_MISSING, 0),
	    "has EKU clientAuth, without serverAuth"));
	free(codes);
	findings_free(&fs);

	/* codeSigning only: neither purpose. */
	spec.eku = MINT_EKU_OTHER;
	codes = judge_leaf(&spec, &pol, &fs);
	assert_string_equal(codes, "SERVER_EKU_MISSING,CLIENT_EKU_MISSING");
	free(codes);
	findings_free(&fs);

	/* Twin: no EKU extension at all is valid for every purpose. */
	spec.eku = MINT_EKU_NONE;
	codes = judge_leaf(&spec, &pol, &fs);
	assert_string_equal(codes, "");
	free(codes);
	findings_free(&fs);
}

/* serverAuth only: CLIENT_EKU_MISSING, critical with public IM, else info. */
static void
test_client_eku_missing(void **state)
{
	struct mint_spec	 spec;
	struct policy		 pol;
	struct findings		 fs;
	X509			*leaf, *c[2];
	char			*codes, nb[21], want[512];
	const char		*m;

	(void)state;
	seed_spec(&spec);
	seed_policy(&pol);
	spec.eku = MINT_EKU_SERVER;
	leaf = mint_under(&spec, F.leafkey, &F.pki);
	c[0] = leaf;
	c[1] = F.pki.inter;
	codes = judge(&pol, c, 2, F.store, &fs, NULL);
	assert_string_equal(codes, "CLIENT_EKU_MISSING");
	assert_int_equal(sev_of(&fs, F_CLIENT_EKU_MISSING), SEV_CRITICAL);
	assert_int_equal(findings_status(&fs), STATUS_CRITICAL);
	m = msg_of(&fs, F_CLIENT_EKU_MISSING, 0);
	assert_int_equal(chain_time_iso(X509_get0_notBefore(leaf), nb), 0);
	snprintf(want, sizeof(want), ", issued by CN=EdgeProbe Test "
	    "Intermediate CA,O=EdgeProbe Test PKI on %s, has EKU serverAuth "
	    "only; AOL public IM federation requires clientAuth as well.", nb);
	assert_non_null(strstr(m, "leaf CN=sip.contoso.com,O=Contoso "
	    "(sha256 "));
	assert_non_null(strstr(m, want));
	assert_non_null(strstr(m, "Chrome root program"));
	assert_non_null(strstr(m, "ask the CA for a certificate profile that "
	    "still includes clientAuth"));
	free(codes);
	findings_free(&fs);

	pol.public_im = 0;
	codes = judge(&pol, c, 2, F.store, &fs, NULL);
	assert_string_equal(codes, "CLIENT_EKU_MISSING");
	assert_int_equal(sev_of(&fs, F_CLIENT_EKU_MISSING), SEV_INFO);
	assert_int_equal(findings_status(&fs), STATUS_OK);
	free(codes);
	findings_free(&fs);
	X509_free(leaf);

	/* Twin: server and client EKU. */
	pol.public_im = 1;
	spec.eku = MINT_EKU_SERVER | MINT_EKU_CLIENT;
	codes = judge_leaf(&spec, &pol, &fs);
	assert_string_equal(codes, "");
	free(codes);
	findings_free(&fs);
}

/* An expired renewal that also lost clientAuth: both reported. */
static void
test_expired_and_client_eku(void **state)
{
	struct mint_spec	 spec;
	struct policy		 pol;
	struct findings		 fs;
	char			*codes;

	(void)state;
	seed_spec(&spec);
	seed_policy(&pol);
	spec.eku = MINT_EKU_SERVER;
	spec.not_before = F.now - 400 * DAY;
	spec.not_after = F.now - DAY;
	codes = judge_leaf(&spec, &pol, &fs);
	assert_string_equal(codes, "EXPIRED,CLIENT_EKU_MISSING");
	assert_int_equal(sev_of(&fs, F_EXPIRED), SEV_CRITICAL);
	assert_int_equal(sev_of(&fs, F_CLIENT_EKU_MISSING), SEV_CRITICAL);
	free(codes);
	findings_free(&fs);
}

/* clientAuth leaf under a serverAuth-only intermediate: CLIENT_CHAIN_INVALID. */
static void
test_client_chain_invalid(void **state)
{
	struct mint_spec	 spec;
	struct policy		 pol;
	struct findings		 fs;
	X509			*leaf, *c[2], *c3[3];
	char			*codes, nb[21], want[512];
	const char		*m;

	(void)state;
	seed_spec(&spec);
	seed_policy(&pol);
	leaf = mint_under(&spec, F.leafkey, &F.srv);
	c[0] = leaf;
	c[1] = F.srv.inter;
	codes = judge(&pol, c, 2, F.store, &fs, NULL);
	assert_string_equal(codes, "CLIENT_CHAIN_INVALID");
	assert_int_equal(sev_of(&fs, F_CLIENT_CHAIN_INVALID), SEV_CRITICAL);
	m = msg_of(&fs, F_CLIENT_CHAIN_INVALID, 0);
	assert_int_equal(chain_time_iso(X509_get0_notBefore(leaf), nb), 0);
	snprintf(want, sizeof(want), ", issued by CN=EdgeProbe Test "
	    "Intermediate CA,O=EdgeProbe Test PKI on %s, has clientAuth, but "
	    "intermediate CN=EdgeProbe Test Intermediate CA,O=EdgeProbe Test "
	    "PKI (sha256 ", nb);
	assert_non_null(strstr(m, want));
	assert_non_null(strstr(m, "restricts its EKU to serverAuth"));
	assert_non_null(strstr(m, "Chrome root program"));
	free(codes);
	findings_free(&fs);

	pol.public_im = 0;
	codes = judge(&pol, c, 2, F.store, &fs, NULL);
	assert_string_equal(codes, "CLIENT_CHAIN_INVALID");
	assert_int_equal(sev_of(&fs, F_CLIENT_CHAIN_INVALID), SEV_INFO);
	free(codes);
	findings_free(&fs);
	X509_free(leaf);

	/* serverAuth-only leaf there: the EKU finding, not the chain one. */
	pol.public_im = 1;
	spec.eku = MINT_EKU_SERVER;
	leaf = mint_under(&spec, F.leafkey, &F.srv);
	c[0] = leaf;
	codes = judge(&pol, c, 2, F.store, &fs, NULL);
	assert_string_equal(codes, "CLIENT_EKU_MISSING");
	free(codes);
	findings_free(&fs);
	X509_free(leaf);

	/* clientAuth only: not valid for the server, so only that. */
	spec.eku = MINT_EKU_CLIENT;
	leaf = mint_under(&spec, F.leafkey, &F.srv);
	c[0] = leaf;
	codes = judge(&pol, c, 2, F.store, &fs, NULL);
	assert_string_equal(codes, "SERVER_EKU_MISSING");
	free(codes);
	findings_free(&fs);
	X509_free(leaf);

	/* No EKU on the leaf: valid for every purpose, no finding. */
	spec.eku = MINT_EKU_NONE;
	leaf = mint_under(&spec, F.leafkey, &F.srv);
	c[0] = leaf;
	codes = judge(&pol, c, 2, F.store, &fs, NULL);
	assert_string_equal(codes, "");
	free(codes);
	findings_free(&fs);
	X509_free(leaf);

	/* The chain does not verify (root untrusted): no chain finding. */
	spec.eku = MINT_EKU_SERVER | MINT_EKU_CLIENT;
	leaf = mint_under(&spec, F.leafkey, &F.srv);
	c3[0] = leaf;
	c3[1] = F.srv.inter;
	c3[2] = F.srv.root;
	codes = judge(&pol, c3, 3, F.empty, &fs, NULL);
	assert_string_equal(codes, "UNTRUSTED");
	free(codes);
	findings_free(&fs);
	X509_free(leaf);

	/* The chain does not verify (no intermediate): no chain finding. */
	spec.eku = MINT_EKU_SERVER | MINT_EKU_CLIENT;
	leaf = mint_under(&spec, F.leafkey, &F.srv);
	codes = judge(&pol, &leaf, 1, F.store, &fs, NULL);
	assert_string_equal(codes, "CHAIN_INCOMPLETE");
	free(codes);
	findings_free(&fs);
	X509_free(leaf);
}

/* An intermediate with clientAuth only: the server chain fails, UNTRUSTED. */
static void
test_intermediate_client_only(void **state)
{
	struct mint_spec	 spec, ispec;
	struct policy		 pol;
	struct findings		 fs;
	X509			*leaf, *inter, *c[2];
	char			*codes;

	(void)state;
	memset(&ispec, 0, sizeof(ispec));
	ispec.cn = "Client Only CA";
	ispec.ca = 1;
	ispec.eku = MINT_EKU_CLIENT;
	ispec.not_before = F.now - 30 * DAY;
	ispec.not_after = F.now + 900 * DAY;
	inter = mint_cert(&ispec, F.pki.inter_key, F.pki.root,
	    F.pki.root_key);
	assert_non_null(inter);
	seed_spec(&spec);
	seed_policy(&pol);
	leaf = mint_cert(&spec, F.leafkey, inter, F.pki.inter_key);
	assert_non_null(leaf);
	c[0] = leaf;
	c[1] = inter;
	codes = judge(&pol, c, 2, F.store, &fs, NULL);
	assert_string_equal(codes, "UNTRUSTED");
	assert_non_null(strstr(msg_of(&fs, F_UNTRUSTED, 0),
	    "intermediate CN=Client Only CA (sha256 "));
	assert_non_null(strstr(msg_of(&fs, F_UNTRUSTED, 0),
	    "is not valid for TLS server authentication"));
	free(codes);
	findings_free(&fs);
	X509_free(leaf);
	X509_free(inter);
}

/* The expected subject: SUBJECT_MISMATCH, case-insensitive. */
static void
test_subject_mismatch(void **state)
{
	struct mint_spec	 spec;
	struct policy		 pol;
	struct findings		 fs;
	char			*codes;

	(void)state;
	seed_spec(&spec);
	seed_policy(&pol);
	pol.subject = "sip.fabrikam.com";
	codes = judge_leaf(&spec, &pol, &fs);
	assert_string_equal(codes, "SUBJECT_MISMATCH");
	assert_int_equal(sev_of(&fs, F_SUBJECT_MISMATCH), SEV_CRITICAL);
	assert_non_null(strstr(msg_of(&fs, F_SUBJECT_MISMATCH, 0),
	    "has subject CN sip.contoso.com, expected sip.fabrikam.com"));
	free(codes);
	findings_free(&fs);

	/* Twin: the same name in other case. */
	pol.subject = "SIP.Contoso.COM";
	codes = judge_leaf(&spec, &pol, &fs);
	assert_string_equal(codes, "");
	free(codes);
	findings_free(&fs);
}

/* The CN not among the DNS SANs: SUBJECT_NOT_IN_SAN (and SAN_ORDER). */
static void
test_subject_not_in_san(void **state)
{
	static const char *const upper[] = {
		"SIP.CONTOSO.COM", "webcon.contoso.com", "sip.fabrikam.com"
	};
	struct mint_spec	 spec;
	struct policy		 pol;
	struct findings		 fs;
	char			*codes;

	(void)state;
	seed_spec(&spec);
	seed_policy(&pol);
	pol.subject = NULL;
	pol.sni = "webcon.contoso.com";
	spec.cn = "edge.contoso.com";
	codes = judge_leaf(&spec, &pol, &fs);
	assert_string_equal(codes, "SUBJECT_NOT_IN_SAN,SAN_ORDER");
	assert_int_equal(sev_of(&fs, F_SUBJECT_NOT_IN_SAN), SEV_CRITICAL);
	assert_non_null(strstr(msg_of(&fs, F_SUBJECT_NOT_IN_SAN, 0),
	    "has subject CN edge.contoso.com, which is not among its DNS "
	    "SANs [sip.contoso.com, webcon.contoso.com, sip.fabrikam.com]"));
	free(codes);
	findings_free(&fs);

	/* No CN at all: the subject name is not replicated either. */
	spec.cn = NULL;
	codes = judge_leaf(&spec, &pol, &fs);
	assert_string_equal(codes, "SUBJECT_NOT_IN_SAN");
	free(codes);
	findings_free(&fs);

	/* Twin: the CN is a SAN in other case. */
	spec.cn = "sip.contoso.com";
	spec.dns = upper;
	codes = judge_leaf(&spec, &pol, &fs);
	assert_string_equal(codes, "");
	free(codes);
	findings_free(&fs);
}

/* One SAN_MISSING per missing name; a wildcard SAN does not count. */
static void
test_san_missing(void **state)
{
	static const char *const want[] = {
		"sip.contoso.com", "webcon.contoso.com", "sip.fabrikam.com",
		"sip.northwind.com", "Meet.Contoso.com"
	};
	static const char *const wild[] = {
		"sip.contoso.com", "*.contoso.com", "sip.fabrikam.com"
	};
	static const char *const upper[] = {
		"sip.contoso.com", "WEBCON.CONTOSO.COM", "sip.fabrikam.com"
	};
	struct mint_spec	 spec;
	struct policy		 pol;
	struct findings		 fs;
	char			*codes;

	(void)state;
	seed_spec(&spec);
	seed_policy(&pol);
	pol.san = want;
	pol.nsan = 5;
	codes = judge_leaf(&spec, &pol, &fs);
	assert_string_equal(codes, "SAN_MISSING,SAN_MISSING");
	assert_int_equal(findings_count(&fs, F_SAN_MISSING), 2);
	assert_int_equal(sev_of(&fs, F_SAN_MISSING), SEV_CRITICAL);
	assert_non_null(strstr(msg_of(&fs, F_SAN_MISSING, 0),
	    "lacks the DNS SAN sip.northwind.com"));
	assert_non_null(strstr(msg_of(&fs, F_SAN_MISSING, 1),
	    "lacks the DNS SAN Meet.Contoso.com"));
	free(codes);
	findings_free(&fs);

	/* webcon.contoso.com under *.contoso.com: still missing. */
	pol.san = seed_san;
	pol.nsan = 3;
	spec.dns = wild;
	codes = judge_leaf(&spec, &pol, &fs);
	assert_string_equal(codes, "SAN_MISSING");
	assert_non_null(strstr(msg_of(&fs, F_SAN_MISSING, 0),
	    "lacks the DNS SAN webcon.contoso.com"));
	free(codes);
	findings_free(&fs);

	/* Twin: present in other case. */
	spec.dns = upper;
	codes = judge_leaf(&spec, &pol, &fs);
	assert_string_equal(codes, "");
	free(codes);
	findings_free(&fs);
}

/* The first DNS SAN not the CN: SAN_ORDER, info only. */
static void
test_san_order(void **state)
{
	static const char *const order[] = {
		"webcon.contoso.com", "sip.contoso.com", "sip.fabrikam.com"
	};
	struct mint_spec	 spec;
	struct policy		 pol;
	struct findings		 fs;
	char			*codes;

	(void)state;
	seed_spec(&spec);
	seed_policy(&pol);
	spec.dns = order;
	codes = judge_leaf(&spec, &pol, &fs);
	assert_string_equal(codes, "SAN_ORDER");
	assert_int_equal(sev_of(&fs, F_SAN_ORDER), SEV_INFO);
	assert_int_equal(findings_status(&fs), STATUS_OK);
	assert_non_null(strstr(msg_of(&fs, F_SAN_ORDER, 0),
	    "lists webcon.contoso.com as its first DNS SAN, not the subject "
	    "CN sip.contoso.com"));
	free(codes);
	findings_free(&fs);
}

/* A wildcard subject CN: WILDCARD_SUBJECT, a warning. */
static void
test_wildcard_subject(void **state)
{
	static const char *const sans[] = {
		"*.contoso.com", "sip.contoso.com", "webcon.contoso.com",
		"sip.fabrikam.com"
	};
	struct mint_spec	 spec;
	struct policy		 pol;
	struct findings		 fs;
	char			*codes;

	(void)state;
	seed_spec(&spec);
	seed_policy(&pol);
	pol.subject = NULL;
	spec.cn = "*.contoso.com";
	spec.dns = sans;
	spec.ndns = 4;
	codes = judge_leaf(&spec, &pol, &fs);
	assert_string_equal(codes, "WILDCARD_SUBJECT");
	assert_int_equal(sev_of(&fs, F_WILDCARD_SUBJECT), SEV_WARNING);
	assert_int_equal(findings_status(&fs), STATUS_WARNING);
	free(codes);
	findings_free(&fs);
}

/* No CRL Distribution Point: CRL_DP_MISSING, a warning. */
static void
test_crl_dp_missing(void **state)
{
	struct mint_spec	 spec;
	struct policy		 pol;
	struct findings		 fs;
	char			*codes;

	(void)state;
	seed_spec(&spec);
	seed_policy(&pol);
	spec.crl_dp = NULL;
	codes = judge_leaf(&spec, &pol, &fs);
	assert_string_equal(codes, "CRL_DP_MISSING");
	assert_int_equal(sev_of(&fs, F_CRL_DP_MISSING), SEV_WARNING);
	free(codes);
	findings_free(&fs);
}

/* An RSASSA-PSS signature: PSS_SIGNATURE, one per certificate. */
static void
test_pss_signature(void **state)
{
	struct mint_spec	 spec, ispec;
	struct policy		 pol;
	struct findings		 fs;
	X509			*leaf, *inter, *c[2];
	char			*codes;

	(void)state;
	seed_spec(&spec);
	seed_policy(&pol);
	spec.pss = 1;
	codes = judge_leaf(&spec, &pol, &fs);
	assert_string_equal(codes, "PSS_SIGNATURE");
	assert_int_equal(sev_of(&fs, F_PSS_SIGNATURE), SEV_WARNING);
	assert_non_null(strstr(msg_of(&fs, F_PSS_SIGNATURE, 0),
	    "leaf CN=sip.contoso.com,O=Contoso (sha256 "));
	free(codes);
	findings_free(&fs);

	/* The intermediate too: two findings. */
	memset(&ispec, 0, sizeof(ispec));
	ispec.cn = "PSS Intermediate CA";
	ispec.ca = 1;
	ispec.pss = 1;
	ispec.not_before = F.now - 30 * DAY;
	ispec.not_after = F.now + 900 * DAY;
	inter = mint_cert(&ispec, F.pki.inter_key, F.pki.root,
	    F.pki.root_key);
	assert_non_null(inter);
	leaf = mint_cert(&spec, F.leafkey, inter, F.pki.inter_key);
	assert_non_null(leaf);
	c[0] = leaf;
	c[1] = inter;
	codes = judge(&pol, c, 2, F.store, &fs, NULL);
	assert_string_equal(codes, "PSS_SIGNATURE,PSS_SIGNATURE");
	assert_non_null(strstr(msg_of(&fs, F_PSS_SIGNATURE, 1),
	    "intermediate CN=PSS Intermediate CA (sha256 "));
	free(codes);
	findings_free(&fs);
	X509_free(leaf);
	X509_free(inter);
}

/* RSA-1024 (leaf and intermediate): one WEAK_KEY each; EC-224, DSA-1024. */
static void
test_weak_key(void **state)
{
	struct mint_spec	 spec, ispec;
	struct policy		 pol;
	struct findings		 fs;
	X509			*leaf, *inter, *c[2];
	EVP_PKEY		*k;
	char			*codes;

	(void)state;
	seed_spec(&spec);
	seed_policy(&pol);
	leaf = mint_under(&spec, F.rsa1024, &F.pki);
	c[0] = leaf;
	c[1] = F.pki.inter;
	codes = judge(&pol, c, 2, F.store, &fs, NULL);
	/* RSA-1024 also breaks BR 6.1.5: NONCONFORMANT (rsa-key). */
	assert_string_equal(codes, "WEAK_KEY,NONCONFORMANT");
	assert_int_equal(sev_of(&fs, F_WEAK_KEY), SEV_WARNING);
	assert_non_null(strstr(msg_of(&fs, F_WEAK_KEY, 0),
	    "has key RSA-1024; use at least RSA-2048 or EC-256"));
	free(codes);
	findings_free(&fs);
	X509_free(leaf);

	memset(&ispec, 0, sizeof(ispec));
	ispec.cn = "Weak Intermediate CA";
	ispec.ca = 1;
	ispec.not_before = F.now - 30 * DAY;
	ispec.not_after = F.now + 900 * DAY;
	inter = mint_cert(&ispec, F.rsa1024, F.pki.root, F.pki.root_key);
	assert_non_null(inter);
	leaf = mint_cert(&spec, F.rsa1024, inter, F.rsa1024);
	assert_non_null(leaf);
	c[0] = leaf;
	c[1] = inter;
	codes = judge(&pol, c, 2, F.store, &fs, NULL);
	assert_string_equal(codes,
	    "WEAK_KEY,WEAK_KEY,NONCONFORMANT,NONCONFORMANT");
	assert_non_null(strstr(msg_of(&fs, F_WEAK_KEY, 1),
	    "intermediate CN=Weak Intermediate CA"));
	free(codes);
	findings_free(&fs);
	X509_free(leaf);
	X509_free(inter);

	/* EC-224 is weak, EC-256 is not (test_seed_ec_clean). */
	k = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-224");
	assert_non_null(k);
	leaf = mint_under(&spec, k, &F.pki);
	c[0] = leaf;
	c[1] = F.pki.inter;
	codes = judge(&pol, c, 2, F.store, &fs, NULL);
	/* Also outside BR 6.1.5: NONCONFORMANT (ec-curve). */
	assert_string_equal(codes, "WEAK_KEY,NONCONFORMANT");
	assert_non_null(strstr(msg_of(&fs, F_WEAK_KEY, 0),
	    "has key EC-224;"));
	free(codes);
	findings_free(&fs);
	X509_free(leaf);
	EVP_PKEY_free(k);

	/* DSA-1024. */
	k = dsa_key(1024);
	leaf = mint_under(&spec, k, &F.pki);
	c[0] = leaf;
	codes = judge(&pol, c, 2, F.store, &fs, NULL);
	/* Also outside BR 6.1.5: NONCONFORMANT (dsa-key). */
	assert_string_equal(codes, "WEAK_KEY,NONCONFORMANT");
	assert_non_null(strstr(msg_of(&fs, F_WEAK_KEY, 0),
	    "has key DSA-1024;"));
	free(codes);
	findings_free(&fs);
	X509_free(leaf);
	EVP_PKEY_free(k);
}

/* SHA-1 and MD5: WEAK_SIGNATURE per certificate, a self-signed root excepted. */
static void
test_weak_signature(void **state)
{
	struct mint_spec	 spec, rspec;
	struct policy		 pol;
	struct findings		 fs;
	X509			*leaf, *root, *c[3];
	X509_STORE		*st;
	char			*codes;

	(void)state;
	seed_spec(&spec);
	seed_policy(&pol);
	spec.md = "sha1";
	codes = judge_leaf(&spec, &pol, &fs);
	assert_string_equal(codes, "WEAK_SIGNATURE");
	assert_int_equal(sev_of(&fs, F_WEAK_SIGNATURE), SEV_WARNING);
	assert_non_null(strstr(msg_of(&fs, F_WEAK_SIGNATURE, 0),
	    "is signed with SHA1"));
	free(codes);
	findings_free(&fs);

	spec.md = "md5";
	codes = judge_leaf(&spec, &pol, &fs);
	assert_string_equal(codes, "WEAK_SIGNATURE");
	assert_non_null(strstr(msg_of(&fs, F_WEAK_SIGNATURE, 0),
	    "is signed with MD5"));
	free(codes);
	findings_free(&fs);

	/* A SHA-1 self-signed root, sent: excepted. */
	memset(&rspec, 0, sizeof(rspec));
	rspec.cn = "Old SHA-1 Root";
	rspec.ca = 1;
	rspec.md = "sha1";
	rspec.not_before = F.now - 3000 * DAY;
	rspec.not_after = F.now + 3000 * DAY;
	root = mint_cert(&rspec, F.pki.root_key, NULL, NULL);
	assert_non_null(root);
	spec.md = "sha256";
	leaf = mint_cert(&spec, F.leafkey, root, F.pki.root_key);
	assert_non_null(leaf);
	st = store_of(root);
	c[0] = leaf;
	c[1] = root;
	codes = judge(&pol, c, 2, st, &fs, NULL);
	assert_string_equal(codes, "");
	free(codes);
	findings_free(&fs);
	X509_free(leaf);

	/* A SHA-1 leaf and intermediate: two. */
	spec.md = "sha1";
	rspec.cn = "SHA-1 Intermediate";
	c[1] = mint_cert(&rspec, F.pki.inter_key, root, F.pki.root_key);
	assert_non_null(c[1]);
	c[0] = mint_cert(&spec, F.leafkey, c[1], F.pki.inter_key);
	assert_non_null(c[0]);
	c[2] = root;
	codes = judge(&pol, c, 3, st, &fs, NULL);
	assert_string_equal(codes, "WEAK_SIGNATURE,WEAK_SIGNATURE");
	assert_non_null(strstr(msg_of(&fs, F_WEAK_SIGNATURE, 1),
	    "intermediate CN=SHA-1 Intermediate (sha256 "));
	free(codes);
	findings_free(&fs);
	X509_free(c[0]);
	X509_free(c[1]);
	X509_free(root);
	X509_STORE_free(st);
}

/* The negotiated protocol: LEGACY_TLS below TLS 1.2. */
static void
test_legacy_tls(void **state)
{
	struct mint_spec	 spec;
	struct policy		 pol;
	struct findings		 fs;
	char			*codes;

	(void)state;
	seed_spec(&spec);
	seed_policy(&pol);
	pol.tls_version = TLS1_VERSION;
	codes = judge_leaf(&spec, &pol, &fs);
	assert_string_equal(codes, "LEGACY_TLS");
	assert_int_equal(sev_of(&fs, F_LEGACY_TLS), SEV_WARNING);
	assert_non_null(strstr(msg_of(&fs, F_LEGACY_TLS, 0),
	    "the server negotiated TLSv1, older than TLS 1.2"));
	free(codes);
	findings_free(&fs);

	pol.tls_version = TLS1_1_VERSION;
	codes = judge_leaf(&spec, &pol, &fs);
	assert_string_equal(codes, "LEGACY_TLS");
	assert_non_null(strstr(msg_of(&fs, F_LEGACY_TLS, 0), "TLSv1.1"));
	free(codes);
	findings_free(&fs);

	/* Twins: TLS 1.3, and unknown. */
	pol.tls_version = TLS1_3_VERSION;
	codes = judge_leaf(&spec, &pol, &fs);
	assert_string_equal(codes, "");
	free(codes);
	findings_free(&fs);
	pol.tls_version = 0;
	codes = judge_leaf(&spec, &pol, &fs);
	assert_string_equal(codes, "");
	free(codes);
	findings_free(&fs);
}

/* The TLS 1.0, SHA-1, RSA-1024 server of the issue: all reported. */
static void
test_legacy_server(void **state)
{
	struct mint_spec	 spec;
	struct policy		 pol;
	struct findings		 fs;
	X509			*leaf, *c[2];
	char			*codes;

	(void)state;
	seed_spec(&spec);
	seed_policy(&pol);
	pol.tls_version = TLS1_VERSION;
	spec.md = "sha1";
	leaf = mint_under(&spec, F.rsa1024, &F.pki);
	c[0] = leaf;
	c[1] = F.pki.inter;
	codes = judge(&pol, c, 2, F.store, &fs, NULL);
	assert_string_equal(codes,
	    "WEAK_KEY,WEAK_SIGNATURE,LEGACY_TLS,NONCONFORMANT");
	assert_int_equal(findings_status(&fs), STATUS_WARNING);
	free(codes);
	findings_free(&fs);
	X509_free(leaf);
}

/* Every message is printable ASCII, also for a hostile subject. */
static void
test_messages_printable(void **state)
{
	static const unsigned char cn[] = "sip\x01\n\xff\\.contoso.com";
	struct mint_spec	 spec;
	struct policy		 pol;
	struct findings		 fs;
	const unsigned char	*p;
	char			*codes;
	size_t			 i;

	(void)state;
	seed_spec(&spec);
	seed_policy(&pol);
	spec.cn = NULL;
	spec.cn_raw = cn;
	spec.cn_raw_len = sizeof(cn) - 1;
	spec.crl_dp = NULL;
	codes = judge_leaf(&spec, &pol, &fs);
	assert_string_equal(codes, "SUBJECT_MISMATCH,SUBJECT_NOT_IN_SAN,"
	    "SAN_ORDER,CRL_DP_MISSING");
	for (i = 0; i < fs.n; i++)
		for (p = (const unsigned char *)fs.v[i].message; *p; p++)
			assert_true(*p >= 0x20 && *p <= 0x7e);
	assert_non_null(strstr(msg_of(&fs, F_SUBJECT_MISMATCH, 0),
	    "has subject CN sip\\x01\\x0a"));
	free(codes);
	findings_free(&fs);
}

/* A result with a leaf hash, as the engine would make it. */
static struct result *
pool_result(const char *addr, int port, const char *sha)
{
	struct result	*r;

	r = result_new("contoso-access-edge", "sip.contoso.com", addr, port,
	    "sip.contoso.com");
	if (sha != NULL)
		snprintf(r->leaf_sha256, sizeof(r->leaf_sha256), "%s", sha);
	return r;
}

#define SHA_A "3f2a91c000112233445566778899aabbccddeeff00112233445566778899aabb"
#define SHA_B "77ab12cd00112233445566778899aabbccddeeff00112233445566778899aabb"

/* Different leaves on one port: POOL_MISMATCH on each of those results. */
static void
test_pool_mismatch(void **state)
{
	struct result	*r[6];
	size_t		 i;

	(void)state;
	r[0] = pool_result("192.0.2.10", 5061, SHA_A);
	r[1] = pool_result("192.0.2.11", 5061, SHA_B);
	r[2] = pool_result("192.0.2.12", 5061, SHA_A);
	r[3] = pool_result("192.0.2.13", 5061, NULL);	/* no TLS */
	r[4] = pool_result("192.0.2.10", 443, SHA_A);
	r[5] = pool_result("192.0.2.11", 443, SHA_A);
	policy_pool(r, 6);
	for (i = 0; i < 3; i++) {
		assert_int_equal(r[i]->findings.n, 1);
		assert_int_equal(r[i]->findings.v[0].code, F_POOL_MISMATCH);
		assert_int_equal(r[i]->findings.v[0].severity, SEV_WARNING);
		assert_int_equal(r[i]->status, STATUS_WARNING);
	}
	assert_string_equal(r[1]->findings.v[0].message,
	    "the members of contoso-access-edge present 2 different leaf "
	    "certificates on port 5061: sha256 3f2a91c0 (192.0.2.10, "
	    "192.0.2.12), sha256 77ab12cd (192.0.2.11); this member "
	    "(192.0.2.11) presents sha256 77ab12cd; every member of an Edge "
	    "pool must present the same certificate");
	for (i = 3; i < 6; i++) {
		assert_int_equal(r[i]->findings.n, 0);
		assert_int_equal(r[i]->status, STATUS_OK);
	}

	/* A second call adds nothing. */
	policy_pool(r, 6);
	for (i = 0; i < 3; i++)
		assert_int_equal(r[i]->findings.n, 1);
	for (i = 0; i < 6; i++)
		result_free(r[i]);

	/* Twin: the same leaf everywhere. */
	r[0] = pool_result("192.0.2.10", 5061, SHA_A);
	r[1] = pool_result("2001:db8::10", 5061, SHA_A);
	policy_pool(r, 2);
	assert_int_equal(r[0]->findings.n, 0);
	assert_int_equal(r[1]->findings.n, 0);
	result_free(r[0]);
	result_free(r[1]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_seed_clean),
		cmocka_unit_test(test_seed_ec_clean),
		cmocka_unit_test(test_empty_chain),
		cmocka_unit_test(test_untrusted_root),
		cmocka_unit_test(test_untrusted_bad_signature),
		cmocka_unit_test(test_self_signed),
		cmocka_unit_test(test_chain_incomplete),
		cmocka_unit_test(test_every_problem),
		cmocka_unit_test(test_hostname_mismatch),
		cmocka_unit_test(test_hostname_nul),
		cmocka_unit_test(test_host_match_table),
		cmocka_unit_test(test_expired_leaf),
		cmocka_unit_test(test_expired_intermediate),
		cmocka_unit_test(test_not_yet_valid),
		cmocka_unit_test(test_expires_soon),
		cmocka_unit_test(test_days_left_floor),
		cmocka_unit_test(test_server_eku_missing),
		cmocka_unit_test(test_client_eku_missing),
		cmocka_unit_test(test_expired_and_client_eku),
		cmocka_unit_test(test_client_chain_invalid),
		cmocka_unit_test(test_intermediate_client_only),
		cmocka_unit_test(test_subject_mismatch),
		cmocka_unit_test(test_subject_not_in_san),
		cmocka_unit_test(test_san_missing),
		cmocka_unit_test(test_san_order),
		cmocka_unit_test(test_wildcard_subject),
		cmocka_unit_test(test_crl_dp_missing),
		cmocka_unit_test(test_pss_signature),
		cmocka_unit_test(test_weak_key),
		cmocka_unit_test(test_weak_signature),
		cmocka_unit_test(test_legacy_tls),
		cmocka_unit_test(test_legacy_server),
		cmocka_unit_test(test_messages_printable),
		cmocka_unit_test(test_pool_mismatch),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
