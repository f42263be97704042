/*
 * test_ocsp.c: the judgement of stapled OCSP responses (policy_ocsp.c),
 * against responses minted with the OpenSSL API (tests/lib/mintocsp.c):
 * good, revoked, unknown, signed by the wrong key, by an unrelated
 * responder, by a delegated responder with and without id-kp-OCSPSigning,
 * stale, not yet valid, for another serial, the issuer found in the store
 * or nowhere, garbage, cut short and an error answer. Each row says the
 * exact status, dates, finding code, severity and the message parts an
 * operator relies on. `now` is read once; everything is minted relative
 * to it.
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

#include <openssl/evp.h>
#include <openssl/ocsp.h>
#include <openssl/x509.h>

#include "finding.h"
#include "mint.h"
#include "mintocsp.h"
#include "policy_ocsp.h"

#define DAY	(24L * 60 * 60)
#define NMSG	3		/* message fragments one row checks */
#define NONE	(-1)		/* no finding expected */

/* What every row shares: one clock reading and two small PKIs. */
struct fixture {
	time_t		 now;
	struct mint_pki	 pki;		/* issues the leaf */
	EVP_PKEY	*leafkey;
	X509		*leaf;
	X509		*sibling;	/* another leaf of the same issuer */
	EVP_PKEY	*wrongkey;
	X509		*impostor;	/* the issuer's name, another key */
	X509		*delegate;	/* issuer-signed, OCSPSigning */
	X509		*nodelegate;	/* issuer-signed, serverAuth only */
	X509		*rogue;		/* self-signed, unrelated */
	X509_STORE	*store;		/* the main root */
	X509_STORE	*store2;	/* the main root and intermediate */
};

static struct fixture	 fx;

/* Who signs a row's response. */
enum signer {
	SIG_ISSUER = 0,
	SIG_IMPOSTOR,		/* the issuer's name, the wrong key */
	SIG_ROGUE,		/* an unrelated, self-signed responder */
	SIG_DELEGATE,
	SIG_NODELEGATE
};

/* What the server staples. */
enum staple {
	ST_SIGNED = 0,
	ST_GARBAGE,
	ST_TRUNCATED,		/* a good response cut by one byte */
	ST_TRYLATER
};

struct row {
	const char	*name;
	enum staple	 staple;
	enum signer	 signer;
	int		 status;	/* V_OCSP_CERTSTATUS_* */
	int		 for_sibling;	/* the CertID names another serial */
	long		 this_off;	/* thisUpdate = now + this_off */
	long		 next_off;	/* nextUpdate = now + next_off; 0 none */
	int		 leaf_only;	/* the issuer is not sent */
	int		 no_store;	/* judge with a NULL store; 2: store2 */
	const char	*want_status;
	int		 want_dates;	/* this/next_update as minted */
	int		 want_code;	/* enum finding_code or NONE */
	enum severity	 want_sev;
	const char	*want_msg[NMSG];
};

static const struct row rows[] = {
	{ "good", ST_SIGNED, SIG_ISSUER, V_OCSP_CERTSTATUS_GOOD, 0,
	    -3600, 7 * DAY, 0, 0, "good", 1, NONE, SEV_INFO, { NULL } },
	{ "good_without_next_update", ST_SIGNED, SIG_ISSUER,
	    V_OCSP_CERTSTATUS_GOOD, 0, -3600, 0, 0, 0, "good", 1, NONE,
	    SEV_INFO, { NULL } },
	{ "revoked", ST_SIGNED, SIG_ISSUER, V_OCSP_CERTSTATUS_REVOKED, 0,
	    -3600, 7 * DAY, 0, 0, "revoked", 1, F_REVOKED, SEV_CRITICAL,
	    { "leaf CN=sip.contoso.com,O=Contoso (sha256 ",
	    "(reason: keyCompromise)",
	    "assign a new certificate on every Edge server now" } },
	{ "unknown", ST_SIGNED, SIG_ISSUER, V_OCSP_CERTSTATUS_UNKNOWN, 0,
	    -3600, 7 * DAY, 0, 0, "unknown", 1, NONE, SEV_INFO, { NULL } },
	{ "wrong_key", ST_SIGNED, SIG_IMPOSTOR, V_OCSP_CERTSTATUS_GOOD, 0,
	    -3600, 7 * DAY, 0, 0, "unknown", 1, F_OCSP_STAPLE_INVALID,
	    SEV_WARNING, { "the OCSP staple sent with leaf CN=sip.contoso.com",
	    "does not verify: its signature does not match its signer's key",
	    "the Edge must staple a current response signed by its CA" } },
	{ "revoked_wrong_key", ST_SIGNED, SIG_IMPOSTOR,
	    V_OCSP_CERTSTATUS_REVOKED, 0, -3600, 7 * DAY, 0, 0, "unknown", 1,
	    F_OCSP_STAPLE_INVALID, SEV_WARNING,
	    { "does not verify: its signature does not match" } },
	{ "unrelated_responder", ST_SIGNED, SIG_ROGUE, V_OCSP_CERTSTATUS_GOOD, 0,
	    -3600, 7 * DAY, 0, 0, "unknown", 1, F_OCSP_STAPLE_INVALID,
	    SEV_WARNING, { "does not verify: it is signed by "
	    "CN=Rogue OCSP Responder, neither "
	    "the leaf's issuer nor a responder the issuer delegated "
	    "(id-kp-OCSPSigning)" } },
	{ "delegated", ST_SIGNED, SIG_DELEGATE, V_OCSP_CERTSTATUS_REVOKED, 0,
	    -3600, 7 * DAY, 0, 0, "revoked", 1, F_REVOKED, SEV_CRITICAL,
	    { "is revoked since " } },
	{ "delegated_without_ocsp_signing", ST_SIGNED, SIG_NODELEGATE,
	    V_OCSP_CERTSTATUS_GOOD, 0, -3600, 7 * DAY, 0, 0, "unknown", 1,
	    F_OCSP_STAPLE_INVALID, SEV_WARNING,
	    { "it is signed by CN=ocsp.contoso.com, neither" } },
	{ "expired_next_update", ST_SIGNED, SIG_ISSUER,
	    V_OCSP_CERTSTATUS_GOOD, 0, -8 * DAY, -DAY, 0, 0, "good", 1,
	    F_OCSP_STAPLE_INVALID, SEV_WARNING,
	    { "is stale: its nextUpdate ", " is past, so the Edge no longer "
	    "refreshes it" } },
	{ "this_update_ahead", ST_SIGNED, SIG_ISSUER, V_OCSP_CERTSTATUS_GOOD,
	    0, 600, 7 * DAY, 0, 0, "good", 1, F_OCSP_STAPLE_INVALID,
	    SEV_WARNING, { "is not valid yet: its thisUpdate ",
	    "is more than 5 minutes ahead" } },
	{ "this_update_within_skew", ST_SIGNED, SIG_ISSUER,
	    V_OCSP_CERTSTATUS_GOOD, 0, 240, 7 * DAY, 0, 0, "good", 1, NONE,
	    SEV_INFO, { NULL } },
	{ "another_serial", ST_SIGNED, SIG_ISSUER, V_OCSP_CERTSTATUS_GOOD, 1,
	    -3600, 7 * DAY, 0, 0, "unknown", 0, F_OCSP_STAPLE_INVALID,
	    SEV_WARNING, { "is for another certificate: none of its 1 answers "
	    "is for this leaf and its issuer" } },
	{ "issuer_not_sent", ST_SIGNED, SIG_ISSUER, V_OCSP_CERTSTATUS_GOOD, 0,
	    -3600, 7 * DAY, 1, 0, "unknown", 0, F_OCSP_STAPLE_INVALID,
	    SEV_WARNING, { "cannot be checked: the leaf's issuer is neither "
	    "sent nor in the trust store" } },
	{ "issuer_from_store", ST_SIGNED, SIG_ISSUER, V_OCSP_CERTSTATUS_GOOD,
	    0, -3600, 7 * DAY, 1, 2, "good", 1, NONE, SEV_INFO, { NULL } },
	{ "untrusted_store", ST_SIGNED, SIG_ISSUER, V_OCSP_CERTSTATUS_GOOD, 0,
	    -3600, 7 * DAY, 0, 1, "unknown", 1, F_OCSP_STAPLE_INVALID,
	    SEV_WARNING, { "its signer's certificate does not verify to the "
	    "trust store (unable to get local issuer certificate)" } },
	{ "garbage", ST_GARBAGE, SIG_ISSUER, 0, 0, 0, 0, 0, 0, "unknown", 0,
	    F_OCSP_STAPLE_INVALID, SEV_WARNING,
	    { "does not parse as an OCSP response (5 bytes)" } },
	{ "truncated", ST_TRUNCATED, SIG_ISSUER, V_OCSP_CERTSTATUS_GOOD, 0,
	    -3600, 7 * DAY, 0, 0, "unknown", 0, F_OCSP_STAPLE_INVALID,
	    SEV_WARNING, { "does not parse as an OCSP response" } },
	{ "try_later", ST_TRYLATER, SIG_ISSUER, 0, 0, 0, 0, 0, 0, "unknown",
	    0, F_OCSP_STAPLE_INVALID, SEV_WARNING,
	    { "is an OCSP error answer (trylater), not a signed response" } },
};
#define NROWS	(sizeof(rows) / sizeof(rows[0]))

static int	 setup(void **);
static int	 teardown(void **);
static X509	*issued(const char *, int, EVP_PKEY *);
static unsigned char *staple(const struct row *, size_t *);
static void	 iso(time_t, char *);
static void	 test_row(void **);
static void	 test_null_inputs(void **);

/* A certificate the main intermediate issues for key. */
static X509 *
issued(const char *cn, int eku, EVP_PKEY *key)
{
	struct mint_spec	 spec;

	mint_spec_edge(&spec);
	spec.cn = cn;
	spec.eku = eku;
	if (strcmp(cn, "sip.contoso.com") != 0) {
		spec.o = NULL;
		spec.ndns = 0;
		spec.crl_dp = NULL;
	}
	return mint_cert(&spec, key, fx.pki.inter, fx.pki.inter_key);
}

/* Mint the shared PKI, leaves and responders once. */
static int
setup(void **state)
{
	struct mint_spec	 spec;

	(void)state;
	fx.now = time(NULL);
	if (mint_pki_init(&fx.pki, MINT_RSA, 0) != 0 ||
	    (fx.leafkey = mint_key(MINT_RSA, 0)) == NULL ||
	    (fx.wrongkey = mint_key(MINT_RSA, 0)) == NULL)
		return -1;
	fx.leaf = issued("sip.contoso.com", MINT_EKU_SERVER | MINT_EKU_CLIENT,
	    fx.leafkey);
	fx.sibling = issued("sip.contoso.com", MINT_EKU_SERVER |
	    MINT_EKU_CLIENT, fx.leafkey);
	fx.delegate = issued("ocsp.contoso.com", MINT_EKU_OCSP, fx.wrongkey);
	fx.nodelegate = issued("ocsp.contoso.com", MINT_EKU_SERVER,
	    fx.wrongkey);
	memset(&spec, 0, sizeof(spec));
	spec.cn = "Rogue OCSP Responder";
	spec.eku = MINT_EKU_OCSP;
	fx.rogue = mint_cert(&spec, fx.wrongkey, NULL, NULL);
	/* The issuer's own certificate re-signed with another key. */
	if ((fx.impostor = X509_dup(fx.pki.inter)) == NULL ||
	    X509_set_pubkey(fx.impostor, fx.wrongkey) != 1 ||
	    X509_sign(fx.impostor, fx.wrongkey, EVP_sha256()) <= 0)
		return -1;
	if (fx.leaf == NULL || fx.sibling == NULL || fx.delegate == NULL ||
	    fx.nodelegate == NULL || fx.rogue == NULL ||
	    (fx.store = X509_STORE_new()) == NULL ||
	    X509_STORE_add_cert(fx.store, fx.pki.root) != 1 ||
	    (fx.store2 = X509_STORE_new()) == NULL ||
	    X509_STORE_add_cert(fx.store2, fx.pki.root) != 1 ||
	    X509_STORE_add_cert(fx.store2, fx.pki.inter) != 1)
		return -1;
	return 0;
}

/* Free the fixture. */
static int
teardown(void **state)
{
	(void)state;
	X509_STORE_free(fx.store);
	X509_STORE_free(fx.store2);
	X509_free(fx.leaf);
	X509_free(fx.sibling);
	X509_free(fx.delegate);
	X509_free(fx.nodelegate);
	X509_free(fx.impostor);
	EVP_PKEY_free(fx.leafkey);
	EVP_PKEY_free(fx.wrongkey);
	mint_pki_free(&fx.pki);
	X509_free(fx.rogue);
	return 0;
}

/* The DER staple a row describes. */
static unsigned char *
staple(const struct row *r, size_t *len)
{
	struct mintocsp_spec	 spec;
	unsigned char		*der;

	if (r->staple == ST_GARBAGE) {
		*len = 5;
		der = malloc(*len);
		assert_non_null(der);
		/* A SEQUENCE of 16 bytes whose content stops after 3. */
		memcpy(der, "\x30\x10\x0a\x01\x00", *len);
		return der;
	}
	if (r->staple == ST_TRYLATER)
		return mintocsp_error(OCSP_RESPONSE_STATUS_TRYLATER, len);
	memset(&spec, 0, sizeof(spec));
	spec.cert = r->for_sibling ? fx.sibling : fx.leaf;
	spec.issuer = fx.pki.inter;
	spec.status = r->status;
	spec.reason = OCSP_REVOKED_STATUS_KEYCOMPROMISE;
	spec.revoked_at = fx.now - 2 * DAY;
	spec.this_update = fx.now + r->this_off;
	spec.next_update = r->next_off != 0 ? fx.now + r->next_off : 0;
	switch (r->signer) {
	case SIG_ISSUER:
		spec.signer = fx.pki.inter;
		spec.signer_key = fx.pki.inter_key;
		break;
	case SIG_IMPOSTOR:
		spec.signer = fx.impostor;
		spec.signer_key = fx.wrongkey;
		spec.nocerts = 1;
		break;
	case SIG_ROGUE:
		spec.signer = fx.rogue;
		spec.signer_key = fx.wrongkey;
		break;
	case SIG_DELEGATE:
		spec.signer = fx.delegate;
		spec.signer_key = fx.wrongkey;
		break;
	case SIG_NODELEGATE:
		spec.signer = fx.nodelegate;
		spec.signer_key = fx.wrongkey;
		break;
	}
	der = mintocsp_response(&spec, len);
	assert_non_null(der);
	if (r->staple == ST_TRUNCATED)
		(*len)--;
	return der;
}

/* YYYY-MM-DDTHH:MM:SSZ of t, as the report prints it. */
static void
iso(time_t t, char *out)
{
	struct tm	 tm;

	assert_non_null(gmtime_r(&t, &tm));
	assert_int_equal(strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm), 20);
}

/* One row: exact status, dates, code, severity and message parts. */
static void
test_row(void **state)
{
	const struct row	*r = *state;
	struct policy_ocsp	 out;
	struct findings		 fs;
	STACK_OF(X509)		*chain;
	X509			*sent[2];
	unsigned char		*der;
	char			 want[21];
	size_t			 len, i;

	sent[0] = fx.leaf;
	sent[1] = fx.pki.inter;
	chain = mint_stack(sent, r->leaf_only ? 1 : 2);
	assert_non_null(chain);
	der = staple(r, &len);
	findings_init(&fs);
	memset(&out, 'x', sizeof(out));
	policy_ocsp_judge(der, len, chain, r->no_store == 1 ? NULL :
	    r->no_store == 2 ? fx.store2 : fx.store, fx.now, &out, &fs);

	assert_string_equal(out.status, r->want_status);
	if (r->want_dates) {
		iso(fx.now + r->this_off, want);
		assert_string_equal(out.this_update, want);
		if (r->next_off != 0) {
			iso(fx.now + r->next_off, want);
			assert_string_equal(out.next_update, want);
		} else
			assert_string_equal(out.next_update, "");
	} else {
		assert_string_equal(out.this_update, "");
		assert_string_equal(out.next_update, "");
	}
	if (r->want_code == NONE)
		assert_int_equal(fs.n, 0);
	else {
		assert_int_equal(fs.n, 1);
		assert_int_equal(fs.v[0].code, r->want_code);
		assert_int_equal(fs.v[0].severity, r->want_sev);
		for (i = 0; i < NMSG && r->want_msg[i] != NULL; i++)
			if (strstr(fs.v[0].message, r->want_msg[i]) == NULL)
				fail_msg("message \"%s\" lacks \"%s\"",
				    fs.v[0].message, r->want_msg[i]);
	}
	findings_free(&fs);
	free(der);
	sk_X509_pop_free(chain, X509_free);
}

/* No staple or no chain: "unknown", no dates, no finding. */
static void
test_null_inputs(void **state)
{
	struct policy_ocsp	 out;
	struct findings		 fs;
	STACK_OF(X509)		*chain;

	(void)state;
	chain = sk_X509_new_null();
	assert_non_null(chain);
	findings_init(&fs);
	policy_ocsp_judge(NULL, 0, chain, fx.store, fx.now, &out, &fs);
	assert_string_equal(out.status, "unknown");
	assert_string_equal(out.this_update, "");
	policy_ocsp_judge((const unsigned char *)"\x30\x00", 2, chain,
	    fx.store, fx.now, &out, &fs);
	assert_string_equal(out.status, "unknown");
	assert_int_equal(fs.n, 0);
	findings_free(&fs);
	sk_X509_free(chain);
}

int
main(void)
{
	struct CMUnitTest	 tests[NROWS + 1];
	size_t			 i;

	for (i = 0; i < NROWS; i++) {
		tests[i].name = rows[i].name;
		tests[i].test_func = test_row;
		tests[i].setup_func = NULL;
		tests[i].teardown_func = NULL;
		tests[i].initial_state = (void *)(uintptr_t)&rows[i];
	}
	tests[NROWS] = (struct CMUnitTest)cmocka_unit_test(test_null_inputs);
	return cmocka_run_group_tests(tests, setup, teardown);
}
