/*
 * test_chain.c: the display fields of CONTRACT.md section 4 "chain", exact
 * to the byte, for minted certificates of every key and signature kind,
 * and the escaping that keeps hostile bytes out of JSON and syslog.
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

#include <openssl/bn.h>
#include <openssl/dsa.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "chain.h"
#include "mint.h"

#define DAY		(24L * 60 * 60)
#define T_2026		1767323045	/* 2026-01-02T03:04:05Z */
#define T_2051		2556241445	/* 2051-01-02T03:04:05Z */

/* Keys and a PKI shared by the group. */
struct fixture {
	struct mint_pki		 pki;
	EVP_PKEY		*rsa;
	EVP_PKEY		*ec;
};

static struct fixture	 F;

static int	 setup(void **);
static int	 teardown(void **);
static void	 sha256_of(X509 *, char *);
static void	 resign(X509 *, EVP_PKEY *);
static void	 info_of(X509 *, struct cert_info *);
static EVP_PKEY	*dsa_key(int);
static void	 assert_printable(const char *);

/* A PKI and two keys for the whole group. */
static int
setup(void **state)
{
	(void)state;
	memset(&F, 0, sizeof(F));
	if (mint_pki_init(&F.pki, MINT_RSA, 0) != 0 ||
	    (F.rsa = mint_key(MINT_RSA, 2048)) == NULL ||
	    (F.ec = mint_key(MINT_EC, 256)) == NULL)
		return -1;
	return 0;
}

/* Free the group's keys. */
static int
teardown(void **state)
{
	(void)state;
	EVP_PKEY_free(F.rsa);
	EVP_PKEY_free(F.ec);
	mint_pki_free(&F.pki);
	return 0;
}

/* The SHA-256 of the DER, computed here independently of chain.c. */
static void
sha256_of(X509 *x, char *out)
{
	unsigned char	*der = NULL, md[32];
	unsigned int	 mdlen = 0, i;
	int		 len;

	len = i2d_X509(x, &der);
	assert_true(len > 0);
	assert_int_equal(EVP_Digest(der, (size_t)len, md, &mdlen,
	    EVP_sha256(), NULL), 1);
	assert_int_equal(mdlen, 32);
	for (i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
	OPENSSL_free(der);
}

/* Sign again after a field was changed by hand. */
static void
resign(X509 *x, EVP_PKEY *key)
{
	assert_true(X509_sign(x, key, EVP_sha256()) > 0);
}

/* chain_cert_info() that must succeed. */
static void
info_of(X509 *x, struct cert_info *ci)
{
	assert_non_null(x);
	assert_int_equal(chain_cert_info(x, ci), 0);
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

/* Every byte is printable ASCII. */
static void
assert_printable(const char *s)
{
	const unsigned char	*p;

	assert_non_null(s);
	for (p = (const unsigned char *)s; *p != '\0'; p++)
		if (*p < 0x20 || *p > 0x7e)
			fail_msg("byte 0x%02x in \"%s\"", *p, s);
}

/* The seed's certificate: every field exactly. */
static void
test_seed_fields(void **state)
{
	struct mint_spec	 spec;
	struct cert_info	 ci;
	X509			*x;
	char			 sha[65];

	(void)state;
	mint_spec_edge(&spec);
	spec.serial = 0x0a1b2c;
	spec.not_before = T_2026;
	spec.not_after = T_2051;	/* a GeneralizedTime */
	x = mint_cert(&spec, F.rsa, F.pki.inter, F.pki.inter_key);
	info_of(x, &ci);
	assert_string_equal(ci.subject, "CN=sip.contoso.com,O=Contoso");
	assert_string_equal(ci.issuer,
	    "CN=EdgeProbe Test Intermediate CA,O=EdgeProbe Test PKI");
	assert_string_equal(ci.serial, "0a1b2c");
	sha256_of(x, sha);
	assert_string_equal(ci.sha256, sha);
	assert_string_equal(ci.not_before, "2026-01-02T03:04:05Z");
	assert_string_equal(ci.not_after, "2051-01-02T03:04:05Z");
	assert_int_equal(ci.san.n, 3);
	assert_string_equal(ci.san.v[0], "sip.contoso.com");
	assert_string_equal(ci.san.v[1], "webcon.contoso.com");
	assert_string_equal(ci.san.v[2], "sip.fabrikam.com");
	assert_int_equal(ci.has_eku, 1);
	assert_int_equal(ci.eku.n, 2);
	assert_string_equal(ci.eku.v[0], "serverAuth");
	assert_string_equal(ci.eku.v[1], "clientAuth");
	assert_string_equal(ci.key, "RSA-2048");
	assert_string_equal(ci.signature, "sha256WithRSAEncryption");

	/* chain_sha256_hex alone, and the struct can be reused. */
	chain_sha256_hex(x, sha);
	assert_string_equal(sha, ci.sha256);
	chain_cert_info_free(&ci);
	assert_null(ci.subject);
	assert_int_equal(ci.san.n, 0);
	X509_free(x);

	/* The root: subject equals issuer. */
	info_of(F.pki.root, &ci);
	assert_string_equal(ci.subject,
	    "CN=EdgeProbe Test Root CA,O=EdgeProbe Test PKI");
	assert_string_equal(ci.issuer, ci.subject);
	assert_int_equal(ci.san.n, 0);
	assert_int_equal(ci.has_eku, 0);
	assert_int_equal(ci.eku.n, 0);
	chain_cert_info_free(&ci);
	assert_int_equal(chain_cert_info(NULL, &ci), -1);
}

/* Serials: lowercase hex, whole bytes, zero and negative ones too. */
static void
test_serials(void **state)
{
	static const struct {
		long		 serial;
		const char	*hex;
	} t[] = {
		{ 1, "01" }, { 0x0f, "0f" }, { 0x80, "80" }, { 0xff, "ff" },
		{ 0x100, "0100" }, { 0x7fffffffL, "7fffffff" },
		{ -5, "-05" }, { -0x1234, "-1234" },
	};
	struct mint_spec	 spec;
	struct cert_info	 ci;
	ASN1_INTEGER		*ai;
	BIGNUM			*bn = NULL;
	X509			*x;
	size_t			 i;

	(void)state;
	mint_spec_edge(&spec);
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		spec.serial = t[i].serial;
		x = mint_cert(&spec, F.ec, NULL, NULL);
		info_of(x, &ci);
		assert_string_equal(ci.serial, t[i].hex);
		chain_cert_info_free(&ci);
		X509_free(x);
	}

	/* Zero, and a 20-byte serial with the top bit set. */
	spec.serial = 1;
	x = mint_cert(&spec, F.ec, NULL, NULL);
	assert_non_null(x);
	ai = ASN1_INTEGER_new();
	assert_int_equal(ASN1_INTEGER_set(ai, 0), 1);
	assert_int_equal(X509_set_serialNumber(x, ai), 1);
	ASN1_INTEGER_free(ai);
	resign(x, F.ec);
	info_of(x, &ci);
	assert_string_equal(ci.serial, "00");
	chain_cert_info_free(&ci);
	assert_true(BN_hex2bn(&bn,
	    "F00DFACE0123456789ABCDEF0123456789ABCDEF") > 0);
	ai = BN_to_ASN1_INTEGER(bn, NULL);
	assert_non_null(ai);
	assert_int_equal(X509_set_serialNumber(x, ai), 1);
	ASN1_INTEGER_free(ai);
	BN_free(bn);
	resign(x, F.ec);
	info_of(x, &ci);
	assert_string_equal(ci.serial,
	    "f00dface0123456789abcdef0123456789abcdef");
	chain_cert_info_free(&ci);
	X509_free(x);
}

/* Key names: RSA-2048, RSA-1024, EC-256, EC-384, Ed25519, DSA-1024. */
static void
test_keys(void **state)
{
	struct mint_spec	 spec;
	struct cert_info	 ci;
	EVP_PKEY		*k[6];
	static const char *const name[6] = {
		"RSA-2048", "RSA-1024", "EC-256", "EC-384", "Ed25519",
		"DSA-1024"
	};
	X509			*x;
	size_t			 i;

	(void)state;
	k[0] = F.rsa;
	EVP_PKEY_up_ref(F.rsa);
	k[1] = mint_key(MINT_RSA, 1024);
	k[2] = F.ec;
	EVP_PKEY_up_ref(F.ec);
	k[3] = mint_key(MINT_EC, 384);
	k[4] = mint_key(MINT_ED25519, 0);
	k[5] = dsa_key(1024);
	mint_spec_edge(&spec);
	for (i = 0; i < 6; i++) {
		assert_non_null(k[i]);
		/* Issued by the RSA intermediate: only the subject key varies. */
		x = mint_cert(&spec, k[i], F.pki.inter, F.pki.inter_key);
		info_of(x, &ci);
		assert_string_equal(ci.key, name[i]);
		assert_string_equal(ci.signature, "sha256WithRSAEncryption");
		chain_cert_info_free(&ci);
		X509_free(x);
		EVP_PKEY_free(k[i]);
	}
}

/* Signature names are OpenSSL's long names. */
static void
test_signatures(void **state)
{
	static const struct {
		const char	*md;
		int		 pss;
		const char	*name;
	} t[] = {
		{ "sha256", 0, "sha256WithRSAEncryption" },
		{ "sha384", 0, "sha384WithRSAEncryption" },
		{ "sha1", 0, "sha1WithRSAEncryption" },
		{ "md5", 0, "md5WithRSAEncryption" },
		{ "sha256", 1, "rsassaPss" },
	};
	struct mint_spec	 spec;
	struct cert_info	 ci;
	EVP_PKEY		*ed;
	X509			*x;
	size_t			 i;

	(void)state;
	mint_spec_edge(&spec);
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		spec.md = t[i].md;
		spec.pss = t[i].pss;
		x = mint_cert(&spec, F.rsa, F.pki.inter, F.pki.inter_key);
		info_of(x, &ci);
		assert_string_equal(ci.signature, t[i].name);
		chain_cert_info_free(&ci);
		X509_free(x);
	}
	spec.md = "sha256";
	spec.pss = 0;
	x = mint_cert(&spec, F.ec, NULL, NULL);
	info_of(x, &ci);
	assert_string_equal(ci.signature, "ecdsa-with-SHA256");
	chain_cert_info_free(&ci);
	X509_free(x);
	ed = mint_key(MINT_ED25519, 0);
	x = mint_cert(&spec, ed, NULL, NULL);
	info_of(x, &ci);
	assert_string_equal(ci.key, "Ed25519");
	assert_string_equal(ci.signature, "ED25519");
	chain_cert_info_free(&ci);
	X509_free(x);
	EVP_PKEY_free(ed);
}

/* EKU lists: short names in order, dotted OIDs, [] when absent. */
static void
test_eku(void **state)
{
	struct mint_spec	 spec;
	struct cert_info	 ci;
	X509_EXTENSION		*ext;
	X509			*x;

	(void)state;
	mint_spec_edge(&spec);
	spec.eku = MINT_EKU_NONE;
	x = mint_cert(&spec, F.ec, NULL, NULL);
	info_of(x, &ci);
	assert_int_equal(ci.has_eku, 0);
	assert_int_equal(ci.eku.n, 0);
	chain_cert_info_free(&ci);
	X509_free(x);

	spec.eku = MINT_EKU_OTHER;
	x = mint_cert(&spec, F.ec, NULL, NULL);
	info_of(x, &ci);
	assert_int_equal(ci.has_eku, 1);
	assert_int_equal(ci.eku.n, 1);
	assert_string_equal(ci.eku.v[0], "codeSigning");
	chain_cert_info_free(&ci);
	X509_free(x);

	spec.eku = MINT_EKU_SERVER;
	x = mint_cert(&spec, F.ec, NULL, NULL);
	info_of(x, &ci);
	assert_int_equal(ci.eku.n, 1);
	assert_string_equal(ci.eku.v[0], "serverAuth");
	chain_cert_info_free(&ci);
	X509_free(x);

	/* An OID OpenSSL has no name for is shown dotted. */
	spec.eku = MINT_EKU_NONE;
	x = mint_cert(&spec, F.ec, NULL, NULL);
	assert_non_null(x);
	ext = X509V3_EXT_conf_nid(NULL, NULL, NID_ext_key_usage,
	    "clientAuth,1.2.3.4.5.6789,serverAuth");
	assert_non_null(ext);
	assert_int_equal(X509_add_ext(x, ext, -1), 1);
	X509_EXTENSION_free(ext);
	resign(x, F.ec);
	info_of(x, &ci);
	assert_int_equal(ci.has_eku, 1);
	assert_int_equal(ci.eku.n, 3);
	assert_string_equal(ci.eku.v[0], "clientAuth");
	assert_string_equal(ci.eku.v[1], "1.2.3.4.5.6789");
	assert_string_equal(ci.eku.v[2], "serverAuth");
	chain_cert_info_free(&ci);
	X509_free(x);
}

/* SANs: DNS names only, in order, hostile bytes escaped. */
static void
test_san_order(void **state)
{
	static const char *const dns[] = {
		"webcon.contoso.com", "SIP.contoso.com", "*.fabrikam.com"
	};
	static const unsigned char raw[] = "sip.contoso.com\0.evil\\x.com\n";
	struct mint_spec	 spec;
	struct cert_info	 ci;
	struct strlist		 l;
	X509			*x;

	(void)state;
	mint_spec_edge(&spec);
	spec.dns = dns;
	spec.ndns = 3;
	spec.dns_raw = raw;
	spec.dns_raw_len = sizeof(raw) - 1;
	spec.ip = "127.0.0.1";
	x = mint_cert(&spec, F.ec, NULL, NULL);
	info_of(x, &ci);
	assert_int_equal(ci.san.n, 4);
	assert_string_equal(ci.san.v[0], "webcon.contoso.com");
	assert_string_equal(ci.san.v[1], "SIP.contoso.com");
	assert_string_equal(ci.san.v[2], "*.fabrikam.com");
	assert_string_equal(ci.san.v[3],
	    "sip.contoso.com\\x00.evil\\x5cx.com\\x0a");
	chain_cert_info_free(&ci);

	memset(&l, 0, sizeof(l));
	chain_dns_sans(x, &l);
	assert_int_equal(l.n, 4);
	assert_string_equal(l.v[0], "webcon.contoso.com");
	strlist_free(&l);
	assert_int_equal(l.n, 0);
	X509_free(x);

	spec.ndns = 0;
	spec.dns_raw = NULL;
	x = mint_cert(&spec, F.ec, NULL, NULL);
	info_of(x, &ci);
	assert_int_equal(ci.san.n, 0);
	chain_cert_info_free(&ci);
	X509_free(x);
}

/* chain_escape: printable bytes kept, others and the backslash \xNN. */
static void
test_escape(void **state)
{
	static const unsigned char in[] = {
		'a', '\\', 'b', 0x00, 0x1f, 0x20, 0x7e, 0x7f, 0x80, 0xff, '"'
	};
	char	*s;

	(void)state;
	s = chain_escape(in, sizeof(in));
	assert_string_equal(s,
	    "a\\x5cb\\x00\\x1f ~\\x7f\\x80\\xff\"");
	free(s);
	s = chain_escape((const unsigned char *)"", 0);
	assert_string_equal(s, "");
	free(s);
	s = chain_escape((const unsigned char *)"sip.contoso.com", 15);
	assert_string_equal(s, "sip.contoso.com");
	free(s);
}

/* A subject CN of control bytes and invalid UTF-8 stays printable. */
static void
test_hostile_subject(void **state)
{
	static const unsigned char cn[] = "sip\x01\n\xff\xfe\\,x";
	struct mint_spec	 spec;
	struct cert_info	 ci;
	X509			*x;
	char			*s;

	(void)state;
	mint_spec_edge(&spec);
	spec.o = NULL;
	spec.cn = NULL;
	spec.cn_raw = cn;
	spec.cn_raw_len = sizeof(cn) - 1;
	x = mint_cert(&spec, F.ec, NULL, NULL);
	info_of(x, &ci);
	assert_printable(ci.subject);
	assert_printable(ci.issuer);
	/* RFC 4514 escapes from OpenSSL: hex pairs, "\\" and "\,". */
	assert_string_equal(ci.subject,
	    "CN=sip\\01\\0A\\C3\\BF\\C3\\BE\\\\\\,x");
	chain_cert_info_free(&ci);

	/* The CN alone is escaped the DNS way (Latin-1 read as UTF-8). */
	s = chain_subject_cn(x);
	assert_string_equal(s, "sip\\x01\\x0a\\xc3\\xbf\\xc3\\xbe\\x5c,x");
	free(s);
	X509_free(x);

	/* No CN at all. */
	spec.cn_raw = NULL;
	spec.o = "Contoso";
	x = mint_cert(&spec, F.ec, NULL, NULL);
	assert_null(chain_subject_cn(x));
	info_of(x, &ci);
	assert_string_equal(ci.subject, "O=Contoso");
	chain_cert_info_free(&ci);
	X509_free(x);
}

/* A name with a comma and a non-ASCII character: RFC 4514 as OpenSSL. */
static void
test_rfc4514(void **state)
{
	X509_NAME	*n;
	char		*s;

	(void)state;
	n = X509_NAME_new();
	assert_non_null(n);
	assert_int_equal(X509_NAME_add_entry_by_txt(n, "O", MBSTRING_UTF8,
	    (const unsigned char *)"Contoso, Inc.", -1, -1, 0), 1);
	assert_int_equal(X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_UTF8,
	    (const unsigned char *)"M\xc3\xbcller", -1, -1, 0), 1);
	s = chain_name_str(n);
	assert_string_equal(s, "CN=M\\C3\\BCller,O=Contoso\\, Inc.");
	free(s);
	X509_NAME_free(n);
	assert_null(chain_name_str(NULL));
}

/* chain_time_iso: UTCTime and GeneralizedTime; garbage refused. */
static void
test_time_iso(void **state)
{
	ASN1_TIME	*t;
	char		 out[21];

	(void)state;
	t = ASN1_TIME_set(NULL, 946684799);
	assert_non_null(t);
	assert_int_equal(chain_time_iso(t, out), 0);
	assert_string_equal(out, "1999-12-31T23:59:59Z");
	assert_int_equal(ASN1_TIME_set_string(t, "20510102030405Z"), 1);
	assert_int_equal(chain_time_iso(t, out), 0);
	assert_string_equal(out, "2051-01-02T03:04:05Z");
	assert_int_equal(ASN1_STRING_set(t, "99x", 3), 1);
	assert_int_equal(chain_time_iso(t, out), -1);
	assert_string_equal(out, "");
	assert_int_equal(chain_time_iso(NULL, out), -1);
	ASN1_TIME_free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_seed_fields),
		cmocka_unit_test(test_serials),
		cmocka_unit_test(test_keys),
		cmocka_unit_test(test_signatures),
		cmocka_unit_test(test_eku),
		cmocka_unit_test(test_san_order),
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_hostile_subject),
		cmocka_unit_test(test_rfc4514),
		cmocka_unit_test(test_time_iso),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
