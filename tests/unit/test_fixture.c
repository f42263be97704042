/*
 * test_fixture.c: the test fixture library checks itself. Minted
 * certificates are parsed back with the OpenSSL API and must carry exactly
 * the requested fields; the loopback servers must behave as named.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sys/socket.h>
#include <sys/time.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <errno.h>

#include <cmocka.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "mint.h"
#include "tlsserver.h"

#define DAY	(24L * 60 * 60)

static void	 cn_of(X509 *, char *, size_t);
static void	 o_of(X509 *, char *, size_t);
static int	 sig_nid(X509 *);
static int	 verify_chain(X509 *, X509 *const *, size_t, X509 *);
static uint32_t	 eku_of(X509 *);
static X509	*roundtrip(const struct mint_spec *, EVP_PKEY *);
static int	 tcp_connect(const char *, int);
static size_t	 client_hello(unsigned char *, size_t);
static ssize_t	 read_all(int, unsigned char *, size_t);
static double	 now_s(void);
static SSL	*tls_connect(const char *, int, int, X509 *, EVP_PKEY *, int *);
static void	 tls_close(SSL *, int);
static int	 client_cert_cb(SSL *, X509 **, EVP_PKEY **);
static struct tlsserver *hostile(enum tlsserver_mode, int, int *);

static int	 cert_requested;

/* The subject CN as a NUL-terminated string. */
static void
cn_of(X509 *x, char *buf, size_t len)
{
	buf[0] = '\0';
	X509_NAME_get_text_by_NID(X509_get_subject_name(x), NID_commonName,
	    buf, (int)len);
}

/* The subject O as a NUL-terminated string. */
static void
o_of(X509 *x, char *buf, size_t len)
{
	buf[0] = '\0';
	X509_NAME_get_text_by_NID(X509_get_subject_name(x),
	    NID_organizationName, buf, (int)len);
}

/* The signature algorithm NID. */
static int
sig_nid(X509 *x)
{
	return X509_get_signature_nid(x);
}

/* The extended key usage bits, or UINT32_MAX when there is no EKU. */
static uint32_t
eku_of(X509 *x)
{
	if ((X509_get_extension_flags(x) & EXFLAG_XKUSAGE) == 0)
		return UINT32_MAX;
	return X509_get_extended_key_usage(x);
}

/* Verify leaf through the untrusted certificates to root: X509_V_OK or error. */
static int
verify_chain(X509 *leaf, X509 *const *untrusted, size_t n, X509 *root)
{
	X509_STORE	*store;
	X509_STORE_CTX	*ctx;
	STACK_OF(X509)	*sk;
	int		 rc;

	store = X509_STORE_new();
	assert_non_null(store);
	assert_int_equal(X509_STORE_add_cert(store, root), 1);
	sk = mint_stack(untrusted, n);
	assert_non_null(sk);
	ctx = X509_STORE_CTX_new();
	assert_non_null(ctx);
	assert_int_equal(X509_STORE_CTX_init(ctx, store, leaf, sk), 1);
	X509_STORE_CTX_set_depth(ctx, 200);
	rc = X509_verify_cert(ctx) == 1 ? X509_V_OK :
	    X509_STORE_CTX_get_error(ctx);
	X509_STORE_CTX_free(ctx);
	sk_X509_pop_free(sk, X509_free);
	X509_STORE_free(store);
	return rc;
}

/* The seed certificate carries exactly the seed's fields. */
static void
test_mint_edge(void **state)
{
	struct mint_pki		 pki;
	struct mint_spec	 spec;
	EVP_PKEY		*key;
	X509			*leaf;
	GENERAL_NAMES		*gens;
	GENERAL_NAME		*gen;
	STACK_OF(DIST_POINT)	*dps;
	DIST_POINT		*dp;
	const char *const	 want[] = {
		"sip.contoso.com", "webcon.contoso.com", "sip.fabrikam.com"
	};
	char			 buf[256];
	time_t			 now = time(NULL);
	int			 i, n;

	(void)state;
	assert_int_equal(mint_pki_init(&pki, MINT_RSA, 0), 0);
	mint_spec_edge(&spec);
	key = mint_key(MINT_RSA, 0);
	assert_non_null(key);
	assert_int_equal(EVP_PKEY_get_bits(key), 2048);
	leaf = mint_cert(&spec, key, pki.inter, pki.inter_key);
	assert_non_null(leaf);

	cn_of(leaf, buf, sizeof(buf));
	assert_string_equal(buf, "sip.contoso.com");
	o_of(leaf, buf, sizeof(buf));
	assert_string_equal(buf, "Contoso");
	assert_int_equal(X509_NAME_entry_count(X509_get_subject_name(leaf)),
	    2);
	assert_int_equal(X509_NAME_cmp(X509_get_issuer_name(leaf),
	    X509_get_subject_name(pki.inter)), 0);
	assert_int_equal(X509_get_version(leaf), X509_VERSION_3);

	gens = X509_get_ext_d2i(leaf, NID_subject_alt_name, NULL, NULL);
	assert_non_null(gens);
	n = sk_GENERAL_NAME_num(gens);
	assert_int_equal(n, 3);
	for (i = 0; i < n; i++) {
		gen = sk_GENERAL_NAME_value(gens, i);
		assert_int_equal(gen->type, GEN_DNS);
		assert_int_equal(ASN1_STRING_length(gen->d.dNSName),
		    (int)strlen(want[i]));
		assert_memory_equal(ASN1_STRING_get0_data(gen->d.dNSName),
		    want[i], strlen(want[i]));
	}
	GENERAL_NAMES_free(gens);

	assert_int_equal(eku_of(leaf), XKU_SSL_SERVER | XKU_SSL_CLIENT);
	assert_int_equal(X509_check_ca(leaf), 0);
	assert_int_equal(X509_get_key_usage(leaf),
	    KU_DIGITAL_SIGNATURE | KU_KEY_ENCIPHERMENT);
	assert_int_equal(sig_nid(leaf), NID_sha256WithRSAEncryption);

	dps = X509_get_ext_d2i(leaf, NID_crl_distribution_points, NULL, NULL);
	assert_non_null(dps);
	assert_int_equal(sk_DIST_POINT_num(dps), 1);
	dp = sk_DIST_POINT_value(dps, 0);
	assert_non_null(dp->distpoint);
	assert_int_equal(dp->distpoint->type, 0);
	assert_int_equal(sk_GENERAL_NAME_num(dp->distpoint->name.fullname), 1);
	gen = sk_GENERAL_NAME_value(dp->distpoint->name.fullname, 0);
	assert_int_equal(gen->type, GEN_URI);
	assert_string_equal((const char *)ASN1_STRING_get0_data(
	    gen->d.uniformResourceIdentifier),
	    "http://crl.example.test/edge.crl");
	sk_DIST_POINT_pop_free(dps, DIST_POINT_free);

	/* Defaults: notBefore now - 1 day, notAfter now + 365 days. */
	assert_true(X509_cmp_time(X509_get0_notBefore(leaf), &now) < 0);
	now -= DAY + 60;
	assert_true(X509_cmp_time(X509_get0_notBefore(leaf), &now) > 0);
	now += DAY + 60 + 364 * DAY;
	assert_true(X509_cmp_time(X509_get0_notAfter(leaf), &now) > 0);
	now += 2 * DAY;
	assert_true(X509_cmp_time(X509_get0_notAfter(leaf), &now) < 0);

	assert_int_equal(X509_check_issued(pki.inter, leaf), X509_V_OK);
	assert_non_null(X509_get0_authority_key_id(leaf));
	assert_int_equal(ASN1_OCTET_STRING_cmp(X509_get0_authority_key_id(leaf),
	    X509_get0_subject_key_id(pki.inter)), 0);
	assert_int_equal(X509_verify(leaf, pki.inter_key), 1);
	assert_int_equal(verify_chain(leaf, &pki.inter, 1, pki.root),
	    X509_V_OK);
	assert_int_equal(verify_chain(leaf, NULL, 0, pki.root),
	    X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY);

	X509_free(leaf);
	EVP_PKEY_free(key);
	mint_pki_free(&pki);
}

/* The PKI: a self-signed root CA, an intermediate CA, an EKU restriction. */
static void
test_mint_pki(void **state)
{
	struct mint_pki	 pki;
	char		 buf[256];

	(void)state;
	assert_int_equal(mint_pki_init(&pki, MINT_EC, MINT_EKU_SERVER), 0);
	assert_int_equal(X509_check_ca(pki.root), 1);
	assert_int_equal(X509_check_ca(pki.inter), 1);
	assert_true(X509_get_extension_flags(pki.root) & EXFLAG_SS);
	assert_false(X509_get_extension_flags(pki.inter) & EXFLAG_SS);
	assert_int_equal(X509_EXTENSION_get_critical(X509_get_ext(pki.inter,
	    X509_get_ext_by_NID(pki.inter, NID_basic_constraints, -1))), 1);
	assert_int_equal(X509_EXTENSION_get_critical(X509_get_ext(pki.inter,
	    X509_get_ext_by_NID(pki.inter, NID_key_usage, -1))), 1);
	assert_int_equal(X509_get_key_usage(pki.root),
	    KU_KEY_CERT_SIGN | KU_CRL_SIGN);
	assert_int_equal(eku_of(pki.root), UINT32_MAX);
	assert_int_equal(eku_of(pki.inter), XKU_SSL_SERVER);
	assert_int_equal(sig_nid(pki.inter), NID_ecdsa_with_SHA256);
	cn_of(pki.inter, buf, sizeof(buf));
	assert_string_equal(buf, "EdgeProbe Test Intermediate CA");
	assert_int_equal(X509_verify(pki.root, pki.root_key), 1);
	assert_int_equal(X509_verify(pki.inter, pki.root_key), 1);
	assert_int_equal(X509_check_issued(pki.root, pki.inter), X509_V_OK);
	assert_int_equal(ASN1_OCTET_STRING_cmp(X509_get0_authority_key_id(
	    pki.root), X509_get0_subject_key_id(pki.root)), 0);
	assert_int_equal(verify_chain(pki.inter, NULL, 0, pki.root),
	    X509_V_OK);
	mint_pki_free(&pki);
	assert_null(pki.root);

	assert_int_equal(mint_pki_init(&pki, MINT_RSA, 0), 0);
	assert_int_equal(eku_of(pki.inter), UINT32_MAX);
	assert_int_equal(EVP_PKEY_get_bits(pki.inter_key), 2048);
	mint_pki_free(&pki);
}

/* Signature algorithms and key types are exactly what was asked. */
static void
test_mint_sigalgs(void **state)
{
	struct mint_spec	 spec;
	EVP_PKEY		*rsa, *rsa1k, *ec, *ec384, *ed;
	X509			*x;
	const X509_ALGOR	*calg;
	const ASN1_OBJECT	*obj;
	const struct {
		const char	*md;
		int		 pss;
		EVP_PKEY	**key;
		int		 nid;
	} cases[] = {
		{ "sha256", 0, &rsa, NID_sha256WithRSAEncryption },
		{ "sha1", 0, &rsa, NID_sha1WithRSAEncryption },
		{ "md5", 0, &rsa, NID_md5WithRSAEncryption },
		{ "sha1", 0, &rsa1k, NID_sha1WithRSAEncryption },
		{ "sha256", 1, &rsa, NID_rsassaPss },
		{ NULL, 0, &ec, NID_ecdsa_with_SHA256 },
		{ "sha384", 0, &ec384, NID_ecdsa_with_SHA384 },
		{ NULL, 0, &ed, NID_ED25519 },
	};
	size_t			 i;

	(void)state;
	rsa = mint_key(MINT_RSA, 0);
	rsa1k = mint_key(MINT_RSA, 1024);
	ec = mint_key(MINT_EC, 0);
	ec384 = mint_key(MINT_EC, 384);
	ed = mint_key(MINT_ED25519, 0);
	assert_non_null(rsa);
	assert_non_null(rsa1k);
	assert_non_null(ec);
	assert_non_null(ec384);
	assert_non_null(ed);
	assert_int_equal(EVP_PKEY_get_bits(rsa1k), 1024);
	assert_true(EVP_PKEY_is_a(ec, "EC"));
	assert_int_equal(EVP_PKEY_get_bits(ec), 256);
	assert_int_equal(EVP_PKEY_get_bits(ec384), 384);
	assert_true(EVP_PKEY_is_a(ed, "ED25519"));

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		mint_spec_edge(&spec);
		spec.md = cases[i].md;
		spec.pss = cases[i].pss;
		x = mint_cert(&spec, *cases[i].key, NULL, NULL);
		assert_non_null(x);
		assert_int_equal(sig_nid(x), cases[i].nid);
		assert_int_equal(X509_verify(x, *cases[i].key), 1);
		X509_get0_signature(NULL, &calg, x);
		X509_ALGOR_get0(&obj, NULL, NULL, calg);
		assert_int_equal(OBJ_obj2nid(obj), cases[i].nid);
		X509_free(x);
	}

	/* A PSS certificate names SHA-256 in its parameters. */
	mint_spec_edge(&spec);
	spec.pss = 1;
	x = mint_cert(&spec, rsa, NULL, NULL);
	assert_non_null(x);
	{
		int	 mdnid = 0, pknid = 0, secbits = 0;
		uint32_t flags = 0;

		assert_int_equal(X509_get_signature_info(x, &mdnid, &pknid,
		    &secbits, &flags), 1);
		assert_int_equal(mdnid, NID_sha256);
		assert_int_equal(pknid, NID_rsassaPss);
	}
	X509_free(x);

	/* An unknown digest is an error, not a silent default. */
	mint_spec_edge(&spec);
	spec.md = "no-such-digest";
	assert_null(mint_cert(&spec, rsa, NULL, NULL));
	ERR_clear_error();

	EVP_PKEY_free(rsa);
	EVP_PKEY_free(rsa1k);
	EVP_PKEY_free(ec);
	EVP_PKEY_free(ec384);
	EVP_PKEY_free(ed);
}

/* Mint, then parse back from DER, so what a peer would read is checked. */
static X509 *
roundtrip(const struct mint_spec *spec, EVP_PKEY *key)
{
	X509			*x, *y;
	unsigned char		*der = NULL;
	const unsigned char	*p;
	int			 len;

	x = mint_cert(spec, key, NULL, NULL);
	assert_non_null(x);
	len = i2d_X509(x, &der);
	assert_true(len > 0);
	p = der;
	y = d2i_X509(NULL, &p, len);
	assert_non_null(y);
	assert_int_equal(X509_cmp(x, y), 0);
	OPENSSL_free(der);
	X509_free(x);
	return y;
}

/* Raw CN bytes and a raw DNS SAN with a NUL survive, with an IP SAN. */
static void
test_mint_raw(void **state)
{
	static const unsigned char	 bad[] = { 's', 'i', 'p', 0xff, 0xfe,
	    0x00, 'x' };
	static const unsigned char	 ctl[] = "sip\0\x1b[31m\xe2\x80\xae\n";
	static const unsigned char	 nul[] = "sip.contoso.com\0.evil.test";
	static const unsigned char	 ip[] = { 127, 0, 0, 1 };
	const char *const		 dns[] = { "a.contoso.com" };
	const struct {
		const unsigned char	*cn;
		size_t			 len;
		int			 type;
	} cases[] = {
		{ ctl, sizeof(ctl) - 1, V_ASN1_UTF8STRING },
		{ bad, sizeof(bad), V_ASN1_T61STRING },
	};
	struct mint_spec		 spec;
	EVP_PKEY			*key;
	X509				*x;
	X509_NAME_ENTRY			*ne;
	const ASN1_STRING		*s;
	GENERAL_NAMES			*gens;
	GENERAL_NAME			*gen;
	size_t				 i;

	(void)state;
	key = mint_key(MINT_EC, 0);
	assert_non_null(key);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(&spec, 0, sizeof(spec));
		spec.cn = "ignored.example";
		spec.cn_raw = cases[i].cn;
		spec.cn_raw_len = cases[i].len;
		spec.dns = dns;
		spec.ndns = 1;
		spec.dns_raw = nul;
		spec.dns_raw_len = sizeof(nul) - 1;
		spec.ip = "127.0.0.1";
		x = roundtrip(&spec, key);

		assert_int_equal(X509_NAME_entry_count(
		    X509_get_subject_name(x)), 1);
		ne = X509_NAME_get_entry(X509_get_subject_name(x), 0);
		assert_int_equal(OBJ_obj2nid(X509_NAME_ENTRY_get_object(ne)),
		    NID_commonName);
		s = X509_NAME_ENTRY_get_data(ne);
		assert_int_equal(ASN1_STRING_type(s), cases[i].type);
		assert_int_equal(ASN1_STRING_length(s), (int)cases[i].len);
		assert_memory_equal(ASN1_STRING_get0_data(s), cases[i].cn,
		    cases[i].len);

		gens = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
		assert_non_null(gens);
		assert_int_equal(sk_GENERAL_NAME_num(gens), 3);
		gen = sk_GENERAL_NAME_value(gens, 0);
		assert_int_equal(gen->type, GEN_DNS);
		assert_int_equal(ASN1_STRING_length(gen->d.dNSName), 13);
		gen = sk_GENERAL_NAME_value(gens, 1);
		assert_int_equal(gen->type, GEN_DNS);
		assert_int_equal(ASN1_STRING_length(gen->d.dNSName),
		    (int)sizeof(nul) - 1);
		assert_memory_equal(ASN1_STRING_get0_data(gen->d.dNSName), nul,
		    sizeof(nul) - 1);
		assert_int_equal(ASN1_STRING_get0_data(gen->d.dNSName)[15], 0);
		gen = sk_GENERAL_NAME_value(gens, 2);
		assert_int_equal(gen->type, GEN_IPADD);
		assert_int_equal(ASN1_STRING_length(gen->d.iPAddress), 4);
		assert_memory_equal(ASN1_STRING_get0_data(gen->d.iPAddress),
		    ip, 4);
		GENERAL_NAMES_free(gens);

		/* No CRL DP and no EKU were asked for. */
		assert_int_equal(X509_get_ext_by_NID(x,
		    NID_crl_distribution_points, -1), -1);
		assert_int_equal(eku_of(x), UINT32_MAX);
		X509_free(x);
	}
	EVP_PKEY_free(key);
}

/* Each EKU mask gives exactly its key purposes, or no extension. */
static void
test_mint_eku(void **state)
{
	struct mint_spec	 spec;
	EVP_PKEY		*key;
	X509			*x;
	const struct {
		int		 mask;
		uint32_t	 want;
	} cases[] = {
		{ MINT_EKU_NONE, UINT32_MAX },
		{ 0, UINT32_MAX },
		{ MINT_EKU_SERVER, XKU_SSL_SERVER },
		{ MINT_EKU_CLIENT, XKU_SSL_CLIENT },
		{ MINT_EKU_OTHER, XKU_CODE_SIGN },
		{ MINT_EKU_SERVER | MINT_EKU_CLIENT | MINT_EKU_OTHER,
		    XKU_SSL_SERVER | XKU_SSL_CLIENT | XKU_CODE_SIGN },
	};
	size_t			 i;

	(void)state;
	key = mint_key(MINT_EC, 0);
	assert_non_null(key);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		mint_spec_edge(&spec);
		spec.eku = cases[i].mask;
		x = mint_cert(&spec, key, NULL, NULL);
		assert_non_null(x);
		assert_int_equal(eku_of(x), cases[i].want);
		assert_int_equal(X509_get_ext_by_NID(x, NID_ext_key_usage, -1)
		    == -1, cases[i].want == UINT32_MAX);
		X509_free(x);
	}
	EVP_PKEY_free(key);
}

/* Given dates and serial are exact; random serials differ. */
static void
test_mint_dates_serial(void **state)
{
	struct mint_spec	 spec;
	EVP_PKEY		*key;
	X509			*x, *y;
	time_t			 nb = 1700000000, na = 1800000000, t;
	int64_t			 serial;

	(void)state;
	key = mint_key(MINT_ED25519, 0);
	assert_non_null(key);
	mint_spec_edge(&spec);
	spec.not_before = nb;
	spec.not_after = na;
	spec.serial = 4242;
	x = mint_cert(&spec, key, NULL, NULL);
	assert_non_null(x);
	assert_int_equal(ASN1_INTEGER_get_int64(&serial,
	    X509_get0_serialNumber(x)), 1);
	assert_int_equal(serial, 4242);
	t = nb - 1;
	assert_int_equal(X509_cmp_time(X509_get0_notBefore(x), &t), 1);
	t = nb + 1;
	assert_int_equal(X509_cmp_time(X509_get0_notBefore(x), &t), -1);
	t = na - 1;
	assert_int_equal(X509_cmp_time(X509_get0_notAfter(x), &t), 1);
	t = na + 1;
	assert_int_equal(X509_cmp_time(X509_get0_notAfter(x), &t), -1);
	X509_free(x);

	spec.serial = 0;
	x = mint_cert(&spec, key, NULL, NULL);
	y = mint_cert(&spec, key, NULL, NULL);
	assert_non_null(x);
	assert_non_null(y);
	assert_int_not_equal(ASN1_INTEGER_cmp(X509_get0_serialNumber(x),
	    X509_get0_serialNumber(y)), 0);
	assert_true(ASN1_INTEGER_get_int64(&serial,
	    X509_get0_serialNumber(x)) == 1 && serial > 0);
	X509_free(x);
	X509_free(y);
	EVP_PKEY_free(key);
}

/* A certificate over 64 KiB is mintable and parses back. */
static void
test_mint_big(void **state)
{
	struct mint_spec	 spec;
	EVP_PKEY		*key;
	X509			*x, *back;
	char			**names;
	unsigned char		*der = NULL;
	const unsigned char	*p;
	GENERAL_NAMES		*gens;
	size_t			 i, n = 3000;
	int			 len;

	(void)state;
	names = calloc(n, sizeof(*names));
	assert_non_null(names);
	for (i = 0; i < n; i++) {
		names[i] = malloc(32);
		assert_non_null(names[i]);
		snprintf(names[i], 32, "host%04zu.contoso.com", i);
	}
	mint_spec_edge(&spec);
	spec.dns = (const char *const *)names;
	spec.ndns = n;
	key = mint_key(MINT_EC, 0);
	assert_non_null(key);
	x = mint_cert(&spec, key, NULL, NULL);
	assert_non_null(x);
	len = i2d_X509(x, &der);
	assert_true(len > 65536);
	p = der;
	back = d2i_X509(NULL, &p, len);
	assert_non_null(back);
	assert_int_equal(X509_cmp(x, back), 0);
	gens = X509_get_ext_d2i(back, NID_subject_alt_name, NULL, NULL);
	assert_non_null(gens);
	assert_int_equal(sk_GENERAL_NAME_num(gens), (int)n);
	assert_memory_equal(ASN1_STRING_get0_data(sk_GENERAL_NAME_value(gens,
	    2999)->d.dNSName), "host2999.contoso.com", 20);
	GENERAL_NAMES_free(gens);
	OPENSSL_free(der);
	X509_free(back);
	X509_free(x);
	EVP_PKEY_free(key);
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

/* A chain of 100 certificates can be built and verifies. */
static void
test_mint_chain100(void **state)
{
	struct mint_spec	 spec;
	EVP_PKEY		*keys[100];
	X509			*certs[100], *untrusted[98];
	char			 cn[64];
	int			 i;

	(void)state;
	memset(&spec, 0, sizeof(spec));
	for (i = 0; i < 100; i++) {
		snprintf(cn, sizeof(cn), "Level %d", i);
		spec.cn = cn;
		spec.ca = i < 99;
		keys[i] = mint_key(MINT_EC, 0);
		assert_non_null(keys[i]);
		certs[i] = mint_cert(&spec, keys[i], i ? certs[i - 1] : NULL,
		    i ? keys[i - 1] : NULL);
		assert_non_null(certs[i]);
	}
	for (i = 1; i < 100; i++)
		assert_int_equal(X509_verify(certs[i], keys[i - 1]), 1);
	/* untrusted: level 98 down to 1; the root is level 0. */
	for (i = 0; i < 98; i++)
		untrusted[i] = certs[98 - i];
	assert_int_equal(verify_chain(certs[99], untrusted, 98, certs[0]),
	    X509_V_OK);
	for (i = 0; i < 100; i++) {
		X509_free(certs[i]);
		EVP_PKEY_free(keys[i]);
	}
}

/*
 * MINT_KEYDIR: each key asked for is kept in the directory under its
 * type, size and rank, and a key already there is read back instead.
 */
static void
test_mint_keydir(void **state)
{
	char		 dir[] = "/tmp/mint-keydir.XXXXXX", path[256];
	EVP_PKEY	*k1, *k2, *k3, *back, *planted;
	FILE		*f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	assert_int_equal(setenv("MINT_KEYDIR", dir, 1), 0);
	k1 = mint_key(MINT_EC, 0);
	k2 = mint_key(MINT_EC, 0);
	assert_non_null(k1);
	assert_non_null(k2);
	assert_int_equal(EVP_PKEY_eq(k1, k2), 0);

	/* Both were written, each under its rank. */
	snprintf(path, sizeof(path), "%s/key-%d-0-0.pem", dir, (int)MINT_EC);
	f = fopen(path, "r");
	assert_non_null(f);
	back = PEM_read_PrivateKey(f, NULL, NULL, NULL);
	fclose(f);
	assert_non_null(back);
	assert_int_equal(EVP_PKEY_eq(k1, back), 1);
	EVP_PKEY_free(back);
	unlink(path);
	snprintf(path, sizeof(path), "%s/key-%d-0-1.pem", dir, (int)MINT_EC);
	f = fopen(path, "r");
	assert_non_null(f);
	back = PEM_read_PrivateKey(f, NULL, NULL, NULL);
	fclose(f);
	assert_int_equal(EVP_PKEY_eq(k2, back), 1);
	EVP_PKEY_free(back);
	unlink(path);

	/* A key left by an earlier process for the next rank is taken. */
	unsetenv("MINT_KEYDIR");
	planted = mint_key(MINT_EC, 0);
	assert_non_null(planted);
	snprintf(path, sizeof(path), "%s/key-%d-0-2.pem", dir, (int)MINT_EC);
	assert_int_equal(mint_write_key(path, planted), 0);
	assert_int_equal(setenv("MINT_KEYDIR", dir, 1), 0);
	k3 = mint_key(MINT_EC, 0);
	assert_non_null(k3);
	assert_int_equal(EVP_PKEY_eq(k3, planted), 1);
	unlink(path);
	unsetenv("MINT_KEYDIR");
	assert_int_equal(rmdir(dir), 0);
	EVP_PKEY_free(k1);
	EVP_PKEY_free(k2);
	EVP_PKEY_free(k3);
	EVP_PKEY_free(planted);
}

/* PEM files and stacks hold the same certificates, in order. */
static void
test_mint_files(void **state)
{
	struct mint_pki	 pki;
	X509		*two[2], *x;
	EVP_PKEY	*k;
	STACK_OF(X509)	*sk;
	FILE		*f;
	char		 path[] = "/tmp/test_fixture.XXXXXX";
	int		 fd;

	(void)state;
	assert_int_equal(mint_pki_init(&pki, MINT_EC, 0), 0);
	two[0] = pki.inter;
	two[1] = pki.root;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(mint_write_certs(path, two, 2), 0);
	f = fopen(path, "r");
	assert_non_null(f);
	x = PEM_read_X509(f, NULL, NULL, NULL);
	assert_non_null(x);
	assert_int_equal(X509_cmp(x, pki.inter), 0);
	X509_free(x);
	x = PEM_read_X509(f, NULL, NULL, NULL);
	assert_non_null(x);
	assert_int_equal(X509_cmp(x, pki.root), 0);
	X509_free(x);
	assert_null(PEM_read_X509(f, NULL, NULL, NULL));
	ERR_clear_error();
	fclose(f);

	assert_int_equal(mint_write_key(path, pki.inter_key), 0);
	f = fopen(path, "r");
	assert_non_null(f);
	k = PEM_read_PrivateKey(f, NULL, NULL, NULL);
	assert_non_null(k);
	assert_int_equal(EVP_PKEY_eq(k, pki.inter_key), 1);
	EVP_PKEY_free(k);
	fclose(f);
	unlink(path);
	assert_int_equal(mint_write_certs("/nonexistent/dir/x.pem", two, 2),
	    -1);

	sk = mint_stack(two, 2);
	assert_non_null(sk);
	assert_int_equal(sk_X509_num(sk), 2);
	assert_ptr_equal(sk_X509_value(sk, 0), pki.inter);
	assert_ptr_equal(sk_X509_value(sk, 1), pki.root);
	sk_X509_pop_free(sk, X509_free);
	mint_pki_free(&pki);
}

/* A blocking TCP connection with 1 s receive and send timeouts, or -1. */
static int
tcp_connect(const char *addr, int port)
{
	struct sockaddr_storage	 ss;
	struct sockaddr_in	*sin = (struct sockaddr_in *)&ss;
	struct sockaddr_in6	*sin6 = (struct sockaddr_in6 *)&ss;
	struct timeval		 tv = { 1, 0 };
	socklen_t		 len;
	int			 fd;

	memset(&ss, 0, sizeof(ss));
	if (inet_pton(AF_INET, addr, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons((unsigned short)port);
		len = sizeof(*sin);
	} else {
		assert_int_equal(inet_pton(AF_INET6, addr, &sin6->sin6_addr),
		    1);
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((unsigned short)port);
		len = sizeof(*sin6);
	}
	fd = socket(ss.ss_family, SOCK_STREAM, 0);
	assert_true(fd >= 0);
	assert_int_equal(setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv,
	    sizeof(tv)), 0);
	assert_int_equal(setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv,
	    sizeof(tv)), 0);
	if (connect(fd, (struct sockaddr *)&ss, len) == -1) {
		close(fd);
		return -1;
	}
	return fd;
}

/* A real ClientHello record from an OpenSSL client; its length. */
static size_t
client_hello(unsigned char *buf, size_t len)
{
	SSL_CTX	*ctx;
	SSL	*ssl;
	BIO	*rbio, *wbio;
	int	 n;

	ctx = SSL_CTX_new(TLS_client_method());
	assert_non_null(ctx);
	ssl = SSL_new(ctx);
	assert_non_null(ssl);
	rbio = BIO_new(BIO_s_mem());
	wbio = BIO_new(BIO_s_mem());
	SSL_set_bio(ssl, rbio, wbio);
	assert_int_equal(SSL_connect(ssl), -1);
	n = BIO_read(wbio, buf, (int)len);
	assert_true(n > 5);
	assert_int_equal(buf[0], 0x16);
	SSL_free(ssl);
	SSL_CTX_free(ctx);
	ERR_clear_error();
	return (size_t)n;
}

/* Read until EOF (the count) or an error (-1, errno set). */
static ssize_t
read_all(int fd, unsigned char *buf, size_t len)
{
	size_t	 have = 0;
	ssize_t	 n;

	while (have < len) {
		if ((n = recv(fd, buf + have, len - have, 0)) == -1)
			return -1;
		if (n == 0)
			break;
		have += (size_t)n;
	}
	return (ssize_t)have;
}

/* Monotonic seconds. */
static double
now_s(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Note that the server asked for a client certificate. */
static int
client_cert_cb(SSL *ssl, X509 **x, EVP_PKEY **k)
{
	(void)ssl;
	(void)x;
	(void)k;
	cert_requested++;
	return 0;
}

/*
 * A plain blocking OpenSSL client at security level 0, verifying nothing;
 * the SSL after a successful handshake, or NULL with *reason set.
 */
static SSL *
tls_connect(const char *addr, int port, int version, X509 *cert,
    EVP_PKEY *key, int *reason)
{
	SSL_CTX	*ctx;
	SSL	*ssl;
	int	 fd;

	*reason = 0;
	ctx = SSL_CTX_new(TLS_client_method());
	assert_non_null(ctx);
	SSL_CTX_set_security_level(ctx, 0);
	assert_int_equal(SSL_CTX_set_cipher_list(ctx, "ALL:@SECLEVEL=0"), 1);
	assert_int_equal(SSL_CTX_set_min_proto_version(ctx, version), 1);
	assert_int_equal(SSL_CTX_set_max_proto_version(ctx, version), 1);
	/* edgeprobe's bound (src/tlsctx.c), above OpenSSL's 100 KiB. */
	SSL_CTX_set_max_cert_list(ctx, 256L * 1024);
	if (cert != NULL) {
		assert_int_equal(SSL_CTX_use_certificate(ctx, cert), 1);
		assert_int_equal(SSL_CTX_use_PrivateKey(ctx, key), 1);
	} else
		SSL_CTX_set_client_cert_cb(ctx, client_cert_cb);
	ssl = SSL_new(ctx);
	assert_non_null(ssl);
	SSL_CTX_free(ctx);
	fd = tcp_connect(addr, port);
	assert_true(fd >= 0);
	assert_int_equal(SSL_set_fd(ssl, fd), 1);
	if (SSL_connect(ssl) != 1) {
		*reason = ERR_GET_REASON(ERR_peek_last_error());
		ERR_clear_error();
		tls_close(ssl, 0);
		return NULL;
	}
	return ssl;
}

/* Close the client (with close_notify when asked) and its socket. */
static void
tls_close(SSL *ssl, int notify)
{
	int	 fd = SSL_get_fd(ssl);

	if (notify)
		(void)SSL_shutdown(ssl);
	SSL_free(ssl);
	close(fd);
	ERR_clear_error();
}

/* A TS_TLS server presents exactly leaf + extra, in the given order. */
static void
test_ts_tls_chain(void **state)
{
	struct mint_pki		 pki;
	struct mint_spec	 spec;
	struct tlsserver_spec	 ts;
	struct tlsserver	*srv;
	EVP_PKEY		*key;
	X509			*leaf, *extra[2];
	STACK_OF(X509)		*chain;
	SSL			*ssl;
	int			 reason;

	(void)state;
	assert_int_equal(mint_pki_init(&pki, MINT_EC, 0), 0);
	mint_spec_edge(&spec);
	key = mint_key(MINT_EC, 0);
	assert_non_null(key);
	leaf = mint_cert(&spec, key, pki.inter, pki.inter_key);
	assert_non_null(leaf);
	/* Root first, then the intermediate: the wrong order, on purpose. */
	extra[0] = pki.root;
	extra[1] = pki.inter;
	memset(&ts, 0, sizeof(ts));
	ts.mode = TS_TLS;
	ts.leaf = leaf;
	ts.key = key;
	ts.extra = extra;
	ts.nextra = 2;
	srv = tlsserver_start(&ts);
	assert_non_null(srv);
	assert_true(tlsserver_port(srv) > 0);
	assert_int_equal(tlsserver_accepted(srv), 0);

	ssl = tls_connect("127.0.0.1", tlsserver_port(srv), TLS1_3_VERSION,
	    NULL, NULL, &reason);
	assert_non_null(ssl);
	assert_int_equal(SSL_version(ssl), TLS1_3_VERSION);
	chain = SSL_get_peer_cert_chain(ssl);
	assert_non_null(chain);
	assert_int_equal(sk_X509_num(chain), 3);
	assert_int_equal(X509_cmp(sk_X509_value(chain, 0), leaf), 0);
	assert_int_equal(X509_cmp(sk_X509_value(chain, 1), pki.root), 0);
	assert_int_equal(X509_cmp(sk_X509_value(chain, 2), pki.inter), 0);
	tls_close(ssl, 1);
	assert_int_equal(tlsserver_accepted(srv), 1);

	ssl = tls_connect("127.0.0.1", tlsserver_port(srv), TLS1_2_VERSION,
	    NULL, NULL, &reason);
	assert_non_null(ssl);
	assert_int_equal(SSL_version(ssl), TLS1_2_VERSION);
	assert_int_equal(sk_X509_num(SSL_get_peer_cert_chain(ssl)), 3);
	tls_close(ssl, 0);
	assert_int_equal(tlsserver_accepted(srv), 2);
	tlsserver_stop(srv);

	/* No extra certificates: the leaf alone, nothing added. */
	ts.extra = NULL;
	ts.nextra = 0;
	srv = tlsserver_start(&ts);
	assert_non_null(srv);
	ssl = tls_connect("127.0.0.1", tlsserver_port(srv), TLS1_3_VERSION,
	    NULL, NULL, &reason);
	assert_non_null(ssl);
	chain = SSL_get_peer_cert_chain(ssl);
	assert_int_equal(sk_X509_num(chain), 1);
	assert_int_equal(X509_cmp(sk_X509_value(chain, 0), leaf), 0);
	tls_close(ssl, 1);
	tlsserver_stop(srv);

	X509_free(leaf);
	EVP_PKEY_free(key);
	mint_pki_free(&pki);
}

/*
 * A hostile chain goes over the wire whole: a leaf over 64 KiB, then 99
 * unrelated CAs, 100 certificates in the order given.
 */
static void
test_ts_big_chain(void **state)
{
	struct mint_spec	 spec;
	struct tlsserver_spec	 ts;
	struct tlsserver	*srv;
	EVP_PKEY		*key;
	X509			*leaf, *extra[99];
	STACK_OF(X509)		*chain;
	char			**names, cn[64];
	unsigned char		*der = NULL;
	SSL			*ssl;
	size_t			 i, n = 3000;
	int			 reason, v;

	(void)state;
	names = calloc(n, sizeof(*names));
	assert_non_null(names);
	for (i = 0; i < n; i++) {
		names[i] = malloc(32);
		assert_non_null(names[i]);
		snprintf(names[i], 32, "edge%04zu.contoso.com", i);
	}
	key = mint_key(MINT_EC, 0);
	assert_non_null(key);
	mint_spec_edge(&spec);
	spec.dns = (const char *const *)names;
	spec.ndns = n;
	leaf = mint_cert(&spec, key, NULL, NULL);
	assert_non_null(leaf);
	assert_true(i2d_X509(leaf, &der) > 65536);
	OPENSSL_free(der);
	memset(&spec, 0, sizeof(spec));
	spec.ca = 1;
	for (i = 0; i < 99; i++) {
		snprintf(cn, sizeof(cn), "Junk %zu", i);
		spec.cn = cn;
		extra[i] = mint_cert(&spec, key, NULL, NULL);
		assert_non_null(extra[i]);
	}
	memset(&ts, 0, sizeof(ts));
	ts.mode = TS_TLS;
	ts.leaf = leaf;
	ts.key = key;
	ts.extra = extra;
	ts.nextra = 99;
	srv = tlsserver_start(&ts);
	assert_non_null(srv);
	for (v = 0; v < 2; v++) {
		ssl = tls_connect("127.0.0.1", tlsserver_port(srv),
		    v ? TLS1_2_VERSION : TLS1_3_VERSION, NULL, NULL, &reason);
		if (ssl == NULL)
			fail_msg("handshake failed: reason %d", reason);
		chain = SSL_get_peer_cert_chain(ssl);
		assert_int_equal(sk_X509_num(chain), 100);
		assert_int_equal(X509_cmp(sk_X509_value(chain, 0), leaf), 0);
		assert_int_equal(X509_cmp(sk_X509_value(chain, 1), extra[0]), 0);
		assert_int_equal(X509_cmp(sk_X509_value(chain, 99), extra[98]),
		    0);
		tls_close(ssl, 1);
	}
	tlsserver_stop(srv);
	for (i = 0; i < 99; i++)
		X509_free(extra[i]);
	X509_free(leaf);
	EVP_PKEY_free(key);
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

/* TLS 1.0 with an RSA-1024 SHA-1 leaf is served; no resumption. */
static void
test_ts_legacy(void **state)
{
	struct mint_spec	 spec;
	struct tlsserver_spec	 ts;
	struct tlsserver	*srv;
	EVP_PKEY		*key;
	X509			*leaf;
	SSL			*ssl;
	SSL_SESSION		*sess;
	SSL_CTX			*ctx;
	int			 reason, fd;

	(void)state;
	mint_spec_edge(&spec);
	spec.md = "sha1";
	key = mint_key(MINT_RSA, 1024);
	assert_non_null(key);
	leaf = mint_cert(&spec, key, NULL, NULL);
	assert_non_null(leaf);
	memset(&ts, 0, sizeof(ts));
	ts.mode = TS_TLS;
	ts.leaf = leaf;
	ts.key = key;
	ts.min_version = TLS1_VERSION;
	ts.max_version = TLS1_VERSION;
	srv = tlsserver_start(&ts);
	assert_non_null(srv);

	/* A TLS 1.2 client is refused: the server's maximum is honoured. */
	assert_null(tls_connect("127.0.0.1", tlsserver_port(srv),
	    TLS1_2_VERSION, NULL, NULL, &reason));
	assert_int_equal(reason, SSL_R_UNSUPPORTED_PROTOCOL);

	ssl = tls_connect("127.0.0.1", tlsserver_port(srv), TLS1_VERSION,
	    NULL, NULL, &reason);
	assert_non_null(ssl);
	assert_int_equal(SSL_version(ssl), TLS1_VERSION);
	assert_int_equal(X509_get_signature_nid(SSL_get0_peer_certificate(
	    ssl)), NID_sha1WithRSAEncryption);
	sess = SSL_get1_session(ssl);
	assert_non_null(sess);
	ctx = SSL_get_SSL_CTX(ssl);
	SSL_CTX_up_ref(ctx);
	tls_close(ssl, 1);

	/* Offer the session again: the server does a full handshake. */
	ssl = SSL_new(ctx);
	assert_non_null(ssl);
	assert_int_equal(SSL_set_session(ssl, sess), 1);
	fd = tcp_connect("127.0.0.1", tlsserver_port(srv));
	assert_true(fd >= 0);
	SSL_set_fd(ssl, fd);
	assert_int_equal(SSL_connect(ssl), 1);
	assert_int_equal(SSL_session_reused(ssl), 0);
	tls_close(ssl, 1);
	SSL_SESSION_free(sess);
	SSL_CTX_free(ctx);
	assert_int_equal(tlsserver_accepted(srv), 3);
	tlsserver_stop(srv);
	X509_free(leaf);
	EVP_PKEY_free(key);
}

/* TS_REQUIRE_CERT asks for a certificate and aborts without one. */
static void
test_ts_require_cert(void **state)
{
	struct mint_spec	 spec;
	struct tlsserver_spec	 ts;
	struct tlsserver	*srv;
	EVP_PKEY		*key;
	X509			*leaf;
	SSL			*ssl;
	int			 reason;

	(void)state;
	mint_spec_edge(&spec);
	key = mint_key(MINT_EC, 0);
	assert_non_null(key);
	leaf = mint_cert(&spec, key, NULL, NULL);
	assert_non_null(leaf);
	memset(&ts, 0, sizeof(ts));
	ts.mode = TS_REQUIRE_CERT;
	ts.leaf = leaf;
	ts.key = key;
	srv = tlsserver_start(&ts);
	assert_non_null(srv);

	cert_requested = 0;
	assert_null(tls_connect("127.0.0.1", tlsserver_port(srv),
	    TLS1_2_VERSION, NULL, NULL, &reason));
	assert_int_equal(reason, SSL_R_SSLV3_ALERT_HANDSHAKE_FAILURE);
	assert_int_equal(cert_requested, 1);

	/* Capped at TLS 1.2 by default. */
	assert_null(tls_connect("127.0.0.1", tlsserver_port(srv),
	    TLS1_3_VERSION, NULL, NULL, &reason));
	assert_int_equal(reason, SSL_R_TLSV1_ALERT_PROTOCOL_VERSION);

	/* Any client certificate is accepted. */
	ssl = tls_connect("127.0.0.1", tlsserver_port(srv), TLS1_2_VERSION,
	    leaf, key, &reason);
	assert_non_null(ssl);
	tls_close(ssl, 1);
	tlsserver_stop(srv);

	/* request_cert: asked for, optional, in TLS 1.3 too. */
	ts.mode = TS_TLS;
	ts.request_cert = 1;
	srv = tlsserver_start(&ts);
	assert_non_null(srv);
	cert_requested = 0;
	ssl = tls_connect("127.0.0.1", tlsserver_port(srv), TLS1_3_VERSION,
	    NULL, NULL, &reason);
	assert_non_null(ssl);
	assert_int_equal(cert_requested, 1);
	tls_close(ssl, 1);
	tlsserver_stop(srv);

	/* A plain TS_TLS server asks for nothing. */
	ts.request_cert = 0;
	srv = tlsserver_start(&ts);
	assert_non_null(srv);
	cert_requested = 0;
	ssl = tls_connect("127.0.0.1", tlsserver_port(srv), TLS1_2_VERSION,
	    NULL, NULL, &reason);
	assert_non_null(ssl);
	assert_int_equal(cert_requested, 0);
	tls_close(ssl, 1);
	tlsserver_stop(srv);
	X509_free(leaf);
	EVP_PKEY_free(key);
}

/* A server on ::1, with a minted throwaway certificate. */
static void
test_ts_ipv6(void **state)
{
	struct tlsserver_spec	 ts;
	struct tlsserver	*srv;
	SSL			*ssl;
	int			 reason, fd;

	(void)state;
	if ((fd = socket(AF_INET6, SOCK_STREAM, 0)) == -1)
		skip();
	close(fd);
	memset(&ts, 0, sizeof(ts));
	ts.mode = TS_TLS;
	ts.bind = "::1";
	srv = tlsserver_start(&ts);
	if (srv == NULL)
		skip();		/* no IPv6 loopback here */
	ssl = tls_connect("::1", tlsserver_port(srv), TLS1_3_VERSION, NULL,
	    NULL, &reason);
	assert_non_null(ssl);
	assert_int_equal(sk_X509_num(SSL_get_peer_cert_chain(ssl)), 1);
	tls_close(ssl, 1);
	/* IPv6 only: nothing on 127.0.0.1 at that port. */
	assert_int_equal(tcp_connect("127.0.0.1", tlsserver_port(srv)), -1);
	assert_int_equal(errno, ECONNREFUSED);
	tlsserver_stop(srv);
}

/* Start a hostile server; connect; send a real ClientHello unless hello 0. */
static struct tlsserver *
hostile(enum tlsserver_mode mode, int hello, int *fd)
{
	struct tlsserver_spec	 ts;
	struct tlsserver	*srv;
	unsigned char		 buf[4096];
	size_t			 len;

	memset(&ts, 0, sizeof(ts));
	ts.mode = mode;
	srv = tlsserver_start(&ts);
	assert_non_null(srv);
	*fd = tcp_connect("127.0.0.1", tlsserver_port(srv));
	assert_true(*fd >= 0);
	if (hello) {
		len = client_hello(buf, sizeof(buf));
		assert_int_equal(send(*fd, buf, len, MSG_NOSIGNAL),
		    (ssize_t)len);
	}
	return srv;
}

/* TS_CLOSE: EOF at once, without a byte. */
static void
test_ts_close(void **state)
{
	struct tlsserver	*srv;
	unsigned char		 buf[16];
	int			 fd;

	(void)state;
	srv = hostile(TS_CLOSE, 0, &fd);
	assert_int_equal(recv(fd, buf, sizeof(buf), 0), 0);
	assert_int_equal(tlsserver_accepted(srv), 1);
	close(fd);
	tlsserver_stop(srv);
}

/* TS_SILENT: nothing within a second; stop() still returns at once. */
static void
test_ts_silent(void **state)
{
	struct tlsserver	*srv;
	unsigned char		 buf[16];
	double			 t;
	int			 fd;

	(void)state;
	srv = hostile(TS_SILENT, 1, &fd);
	t = now_s();
	errno = 0;
	assert_int_equal(recv(fd, buf, sizeof(buf), 0), -1);
	assert_true(errno == EAGAIN || errno == EWOULDBLOCK);
	assert_true(now_s() - t >= 0.9);
	assert_int_equal(tlsserver_accepted(srv), 1);
	t = now_s();
	tlsserver_stop(srv);
	assert_true(now_s() - t < 0.5);
	close(fd);
}

/* TS_RST: the ClientHello is answered by a reset. */
static void
test_ts_rst(void **state)
{
	struct tlsserver	*srv;
	unsigned char		 buf[16];
	int			 fd;

	(void)state;
	srv = hostile(TS_RST, 1, &fd);
	errno = 0;
	assert_int_equal(recv(fd, buf, sizeof(buf), 0), -1);
	assert_int_equal(errno, ECONNRESET);
	close(fd);
	tlsserver_stop(srv);
}

/* TS_GARBAGE: 64 bytes that are not TLS, then EOF. */
static void
test_ts_garbage(void **state)
{
	struct tlsserver	*srv;
	unsigned char		 buf[256];
	int			 fd;

	(void)state;
	srv = hostile(TS_GARBAGE, 1, &fd);
	assert_int_equal(read_all(fd, buf, sizeof(buf)), 64);
	assert_int_equal(buf[0], 0xff);
	assert_int_equal(buf[1], 0x00);
	close(fd);
	tlsserver_stop(srv);
}

/* TS_HTTP: an HTTP 400, then EOF. */
static void
test_ts_http(void **state)
{
	struct tlsserver	*srv;
	unsigned char		 buf[1024];
	ssize_t			 n;
	int			 fd;

	(void)state;
	srv = hostile(TS_HTTP, 1, &fd);
	n = read_all(fd, buf, sizeof(buf) - 1);
	assert_true(n > 26);
	buf[n] = '\0';
	assert_memory_equal(buf, "HTTP/1.1 400 Bad Request\r\n", 26);
	assert_non_null(strstr((char *)buf, "\r\n\r\n<html>"));
	close(fd);
	tlsserver_stop(srv);
}

/* TS_ALERT: exactly a fatal handshake_failure alert record, then EOF. */
static void
test_ts_alert(void **state)
{
	static const unsigned char	 want[] = {
		0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28
	};
	struct tlsserver		*srv;
	struct tlsserver_spec		 ts;
	unsigned char			 buf[64];
	int				 fd, reason;

	(void)state;
	srv = hostile(TS_ALERT, 1, &fd);
	assert_int_equal(read_all(fd, buf, sizeof(buf)), (ssize_t)sizeof(want));
	assert_memory_equal(buf, want, sizeof(want));
	close(fd);
	tlsserver_stop(srv);

	memset(&ts, 0, sizeof(ts));
	ts.mode = TS_ALERT;
	srv = tlsserver_start(&ts);
	assert_non_null(srv);
	assert_null(tls_connect("127.0.0.1", tlsserver_port(srv),
	    TLS1_2_VERSION, NULL, NULL, &reason));
	assert_int_equal(reason, SSL_R_SSLV3_ALERT_HANDSHAKE_FAILURE);
	tlsserver_stop(srv);
}

/* TS_STALL_AFTER_HELLO: one ServerHello record, then nothing. */
static void
test_ts_stall(void **state)
{
	struct tlsserver	*srv;
	unsigned char		 buf[16384];
	size_t			 len;
	int			 fd;

	(void)state;
	srv = hostile(TS_STALL_AFTER_HELLO, 1, &fd);
	assert_int_equal(recv(fd, buf, 5, MSG_WAITALL), 5);
	assert_int_equal(buf[0], 0x16);
	assert_int_equal(buf[1], 0x03);
	len = (size_t)buf[3] << 8 | buf[4];
	assert_true(len > 4 && len < sizeof(buf));
	assert_int_equal(recv(fd, buf, len, MSG_WAITALL), (ssize_t)len);
	assert_int_equal(buf[0], 2);	/* ServerHello */
	errno = 0;
	assert_int_equal(recv(fd, buf, sizeof(buf), 0), -1);
	assert_true(errno == EAGAIN || errno == EWOULDBLOCK);
	close(fd);
	tlsserver_stop(srv);
}

/* TS_STALL_AFTER_CERT: ServerHello and Certificate records, then nothing. */
static void
test_ts_stall_cert(void **state)
{
	struct tlsserver	*srv;
	unsigned char		 buf[16384];
	size_t			 len;
	int			 fd, i;

	(void)state;
	srv = hostile(TS_STALL_AFTER_CERT, 1, &fd);
	for (i = 0; i < 2; i++) {
		assert_int_equal(recv(fd, buf, 5, MSG_WAITALL), 5);
		assert_int_equal(buf[0], 0x16);
		assert_int_equal(buf[1], 0x03);
		assert_int_equal(buf[2], 0x03);		/* TLS 1.2 record */
		len = (size_t)buf[3] << 8 | buf[4];
		assert_true(len > 4 && len < sizeof(buf));
		assert_int_equal(recv(fd, buf, len, MSG_WAITALL),
		    (ssize_t)len);
		/* ServerHello, then Certificate. */
		assert_int_equal(buf[0], i == 0 ? 2 : 11);
	}
	errno = 0;
	assert_int_equal(recv(fd, buf, sizeof(buf), 0), -1);
	assert_true(errno == EAGAIN || errno == EWOULDBLOCK);
	close(fd);
	tlsserver_stop(srv);
}

/*
 * TS_TICKET_FLOOD: TLS 1.3 with a CertificateRequest, then session
 * tickets in bulk: over 100 KiB reach the client within half a second.
 */
static void
test_ts_ticket_flood(void **state)
{
	struct tlsserver_spec	 ts;
	struct tlsserver	*srv;
	struct timeval		 tv = { 0, 500000 };
	unsigned char		 buf[16];
	uint64_t		 before;
	SSL			*ssl;
	int			 reason;

	(void)state;
	memset(&ts, 0, sizeof(ts));
	ts.mode = TS_TICKET_FLOOD;
	srv = tlsserver_start(&ts);
	assert_non_null(srv);
	cert_requested = 0;
	ssl = tls_connect("127.0.0.1", tlsserver_port(srv), TLS1_3_VERSION,
	    NULL, NULL, &reason);
	assert_non_null(ssl);
	assert_int_equal(cert_requested, 1);
	assert_int_equal(setsockopt(SSL_get_fd(ssl), SOL_SOCKET, SO_RCVTIMEO,
	    &tv, sizeof(tv)), 0);
	before = BIO_number_read(SSL_get_rbio(ssl));
	/* No application data ever comes: the read ends on the timeout. */
	assert_true(SSL_read(ssl, buf, sizeof(buf)) <= 0);
	assert_true(BIO_number_read(SSL_get_rbio(ssl)) - before > 100000);
	tls_close(ssl, 0);
	tlsserver_stop(srv);
}

/* TS_HELLO_REQUEST_FLOOD: 16 KiB handshake records of HelloRequests. */
static void
test_ts_hello_flood(void **state)
{
	struct tlsserver	*srv;
	unsigned char		 buf[5 + 16384];
	size_t			 i;
	int			 fd, rec;

	(void)state;
	srv = hostile(TS_HELLO_REQUEST_FLOOD, 1, &fd);
	for (rec = 0; rec < 8; rec++) {
		assert_int_equal(recv(fd, buf, sizeof(buf), MSG_WAITALL),
		    (ssize_t)sizeof(buf));
		assert_int_equal(buf[0], 0x16);
		assert_int_equal(buf[3] << 8 | buf[4], 16384);
		for (i = 5; i < sizeof(buf); i++)
			if (buf[i] != 0)
				fail_msg("record %d byte %zu: %02x", rec, i,
				    buf[i]);
	}
	close(fd);
	tlsserver_stop(srv);
}

/* TS_TRICKLE: one byte of a real ServerHello, the next a second later. */
static void
test_ts_trickle(void **state)
{
	struct tlsserver	*srv;
	struct timeval		 tv = { 3, 0 };
	unsigned char		 buf[16];
	double			 t0, dt;
	int			 fd;

	(void)state;
	srv = hostile(TS_TRICKLE, 1, &fd);
	/* A byte a second: more than tcp_connect's 1 s receive timeout. */
	assert_int_equal(setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv,
	    sizeof(tv)), 0);
	assert_int_equal(recv(fd, buf, sizeof(buf), 0), 1);
	t0 = now_s();
	assert_int_equal(buf[0], 0x16);
	assert_int_equal(recv(fd, buf, sizeof(buf), 0), 1);
	dt = now_s() - t0;
	assert_int_equal(buf[0], 0x03);
	assert_true(dt > 0.7 && dt < 1.5);
	t0 = now_s();
	tlsserver_stop(srv);
	assert_true(now_s() - t0 < 0.5);
	close(fd);
}

/* A closed port refuses; a given port is used. */
static void
test_ts_ports(void **state)
{
	struct tlsserver_spec	 ts;
	struct tlsserver	*srv;
	int			 port;

	(void)state;
	port = tlsserver_closed_port("127.0.0.1");
	assert_true(port > 0);
	errno = 0;
	assert_int_equal(tcp_connect("127.0.0.1", port), -1);
	assert_int_equal(errno, ECONNREFUSED);
	memset(&ts, 0, sizeof(ts));
	ts.mode = TS_CLOSE;
	ts.port = port;
	srv = tlsserver_start(&ts);
	assert_non_null(srv);
	assert_int_equal(tlsserver_port(srv), port);
	tlsserver_stop(srv);
	ts.bind = "not-an-address";
	ts.port = 0;
	assert_null(tlsserver_start(&ts));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mint_edge),
		cmocka_unit_test(test_mint_pki),
		cmocka_unit_test(test_mint_sigalgs),
		cmocka_unit_test(test_mint_raw),
		cmocka_unit_test(test_mint_eku),
		cmocka_unit_test(test_mint_dates_serial),
		cmocka_unit_test(test_mint_big),
		cmocka_unit_test(test_mint_chain100),
		cmocka_unit_test(test_mint_files),
		cmocka_unit_test(test_mint_keydir),
		cmocka_unit_test(test_ts_tls_chain),
		cmocka_unit_test(test_ts_big_chain),
		cmocka_unit_test(test_ts_legacy),
		cmocka_unit_test(test_ts_require_cert),
		cmocka_unit_test(test_ts_ipv6),
		cmocka_unit_test(test_ts_close),
		cmocka_unit_test(test_ts_silent),
		cmocka_unit_test(test_ts_rst),
		cmocka_unit_test(test_ts_garbage),
		cmocka_unit_test(test_ts_http),
		cmocka_unit_test(test_ts_alert),
		cmocka_unit_test(test_ts_stall),
		cmocka_unit_test(test_ts_stall_cert),
		cmocka_unit_test(test_ts_ticket_flood),
		cmocka_unit_test(test_ts_hello_flood),
		cmocka_unit_test(test_ts_trickle),
		cmocka_unit_test(test_ts_ports),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
