/*
 * mint.c: keys and certificates minted at test time through the OpenSSL 3
 * API, so that no key or certificate is ever committed.
 *
 * Every field a test may ask for is set explicitly; nothing is taken from a
 * configuration file. The weak choices (RSA-1024, MD5, SHA-1) exist because
 * the probe must recognise them on a real Edge server.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "mint.h"

#define MINT_DAY	(24L * 60 * 60)

static EVP_PKEY	*mint_key_new(enum mint_keytype, int);
static EVP_PKEY	*mint_key_cached(const char *, enum mint_keytype, int);
static int	 mint_set_serial(X509 *, const struct mint_spec *);
static int	 mint_add_exts(X509 *, X509 *, const struct mint_spec *);
static int	 mint_utf8_ok(const unsigned char *, size_t);
static int	 mint_set_subject(X509 *, const struct mint_spec *);
static int	 mint_add_conf(X509 *, X509V3_CTX *, int, const char *);
static int	 mint_add_san(X509 *, const struct mint_spec *);
static int	 mint_add_eku(X509 *, X509V3_CTX *, int);
static int	 mint_sign(X509 *, EVP_PKEY *, const struct mint_spec *);

/*
 * A new key; bits 0 means the type's default. With MINT_KEYDIR set in the
 * environment, the nth key of a type and size that a process asks for is
 * read from that directory when an earlier process left it there, and
 * written there otherwise (see mint_key_cached).
 */
EVP_PKEY *
mint_key(enum mint_keytype type, int bits)
{
	const char	*dir = getenv("MINT_KEYDIR");

	if (dir != NULL && *dir != '\0')
		return mint_key_cached(dir, type, bits);
	return mint_key_new(type, bits);
}

/*
 * MINT_KEYDIR: keys generated at test time and kept for the next process
 * of the same run, never committed. Under valgrind one RSA-2048 key takes
 * some 20 s to generate, so tests/regress/valgrind.sh runs a test once
 * natively to fill a temporary directory and then again under valgrind,
 * which reads the same keys in the same order: each process still gets
 * distinct keys, in the order it asks for them. Not for threads: the
 * counters are plain statics.
 */
static EVP_PKEY *
mint_key_cached(const char *dir, enum mint_keytype type, int bits)
{
	static unsigned	 seq[3][8];
	char		 path[1024], tmp[1100];
	EVP_PKEY	*key;
	FILE		*f;
	unsigned	 n;
	int		 ok;

	/* A counter per type and size: bits 0..4096 by 512, others last. */
	n = seq[type][bits >= 0 && bits <= 4096 && bits % 512 == 0 ?
	    bits / 512 % 8 : 7]++;
	if ((size_t)snprintf(path, sizeof(path), "%s/key-%d-%d-%u.pem", dir,
	    (int)type, bits, n) >= sizeof(path))
		return NULL;
	if ((f = fopen(path, "r")) != NULL) {
		key = PEM_read_PrivateKey(f, NULL, NULL, NULL);
		fclose(f);
		if (key != NULL)
			return key;
	}
	if ((key = mint_key_new(type, bits)) == NULL)
		return NULL;
	/* Written aside and renamed: a reader never sees half a key. */
	snprintf(tmp, sizeof(tmp), "%s.%ld", path, (long)getpid());
	if ((f = fopen(tmp, "w")) != NULL) {
		ok = PEM_write_PrivateKey(f, key, NULL, NULL, 0, NULL,
		    NULL) == 1;
		if (fclose(f) != 0)
			ok = 0;
		if (!ok || rename(tmp, path) == -1)
			unlink(tmp);
	}
	return key;
}

/* A freshly generated key; bits 0 means the type's default. */
static EVP_PKEY *
mint_key_new(enum mint_keytype type, int bits)
{
	switch (type) {
	case MINT_RSA:
		return EVP_PKEY_Q_keygen(NULL, NULL, "RSA",
		    (size_t)(bits > 0 ? bits : 2048));
	case MINT_EC:
		return EVP_PKEY_Q_keygen(NULL, NULL, "EC",
		    bits == 384 ? "P-384" : "P-256");
	case MINT_ED25519:
		return EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	}
	return NULL;
}

/* An EC key on a named curve ("secp256k1", "brainpoolP256r1"). */
EVP_PKEY *
mint_key_ec_curve(const char *curve)
{
	return EVP_PKEY_Q_keygen(NULL, NULL, "EC", curve);
}

/* A DSA key of bits, with domain parameters generated for it. */
EVP_PKEY *
mint_key_dsa(int bits)
{
	EVP_PKEY_CTX	*pctx, *kctx = NULL;
	EVP_PKEY	*params = NULL, *key = NULL;

	if ((pctx = EVP_PKEY_CTX_new_from_name(NULL, "DSA", NULL)) == NULL)
		return NULL;
	if (EVP_PKEY_paramgen_init(pctx) != 1 ||
	    EVP_PKEY_CTX_set_dsa_paramgen_bits(pctx, bits) != 1 ||
	    EVP_PKEY_paramgen(pctx, &params) != 1)
		goto out;
	if ((kctx = EVP_PKEY_CTX_new_from_pkey(NULL, params, NULL)) == NULL ||
	    EVP_PKEY_keygen_init(kctx) != 1 ||
	    EVP_PKEY_keygen(kctx, &key) != 1)
		key = NULL;
out:
	EVP_PKEY_CTX_free(kctx);
	EVP_PKEY_free(params);
	EVP_PKEY_CTX_free(pctx);
	return key;
}

/* Set the exact serial asked for, the given one, or a random 63-bit one. */
static int
mint_set_serial(X509 *x, const struct mint_spec *spec)
{
	BIGNUM		*bn = NULL;
	ASN1_INTEGER	*ai;
	int		 ok;

	if (spec->serial_hex != NULL) {
		ok = 0;
		if (BN_hex2bn(&bn, spec->serial_hex) != 0 &&
		    (ai = BN_to_ASN1_INTEGER(bn, NULL)) != NULL) {
			ok = X509_set_serialNumber(x, ai) == 1;
			ASN1_INTEGER_free(ai);
		}
		BN_free(bn);
		return ok;
	}
	if (spec->serial != 0)
		return ASN1_INTEGER_set(X509_get_serialNumber(x),
		    spec->serial) == 1;
	if ((bn = BN_new()) == NULL)
		return 0;
	ok = 0;
	if (BN_rand(bn, 63, BN_RAND_TOP_ONE, BN_RAND_BOTTOM_ANY) == 1 &&
	    (ai = BN_to_ASN1_INTEGER(bn, NULL)) != NULL) {
		ok = X509_set_serialNumber(x, ai) == 1;
		ASN1_INTEGER_free(ai);
	}
	BN_free(bn);
	return ok;
}

/* Whether OpenSSL accepts bytes as the content of a UTF8String. */
static int
mint_utf8_ok(const unsigned char *p, size_t len)
{
	ASN1_STRING	*s;
	unsigned char	*out = NULL;
	int		 n;

	if ((s = ASN1_STRING_type_new(V_ASN1_UTF8STRING)) == NULL)
		return 0;
	if (ASN1_STRING_set(s, p, (int)len) != 1) {
		ASN1_STRING_free(s);
		return 0;
	}
	ERR_set_mark();
	n = ASN1_STRING_to_UTF8(&out, s);
	ERR_pop_to_mark();
	OPENSSL_free(out);
	ASN1_STRING_free(s);
	return n >= 0;
}

/* Build the subject name: O, then CN (raw bytes win over the string). */
static int
mint_set_subject(X509 *x, const struct mint_spec *spec)
{
	X509_NAME	*name = X509_get_subject_name(x);
	X509_NAME_ENTRY	*ne;
	int		 ok;

	if (spec->o != NULL && X509_NAME_add_entry_by_NID(name,
	    NID_organizationName, MBSTRING_UTF8,
	    (const unsigned char *)spec->o, -1, -1, 0) != 1)
		return 0;
	if (spec->cn_raw != NULL) {
		/*
		 * A plain string type (no MBSTRING flag) stores the bytes as
		 * they are, so NUL and control bytes survive. OpenSSL 3
		 * canonicalises every name it encodes or parses and refuses a
		 * UTF8String that is not UTF-8, so such a certificate could
		 * neither be minted nor read by the probe: invalid UTF-8 is
		 * stored as a T61String instead, which OpenSSL reads as
		 * Latin-1, and the bytes still reach the display code.
		 */
		ne = X509_NAME_ENTRY_create_by_NID(NULL, NID_commonName,
		    mint_utf8_ok(spec->cn_raw, spec->cn_raw_len) ?
		    V_ASN1_UTF8STRING : V_ASN1_T61STRING, spec->cn_raw,
		    (int)spec->cn_raw_len);
		if (ne == NULL)
			return 0;
		ok = X509_NAME_add_entry(name, ne, -1, 0) == 1;
		X509_NAME_ENTRY_free(ne);
		if (!ok)
			return 0;
	} else if (spec->cn != NULL && X509_NAME_add_entry_by_NID(name,
	    NID_commonName, MBSTRING_UTF8,
	    (const unsigned char *)spec->cn, -1, -1, 0) != 1)
		return 0;
	return 1;
}

/* Add one extension written in the openssl.cnf syntax. */
static int
mint_add_conf(X509 *x, X509V3_CTX *ctx, int nid, const char *value)
{
	X509_EXTENSION	*ext;
	int		 ok;

	if ((ext = X509V3_EXT_conf_nid(NULL, ctx, nid, value)) == NULL)
		return 0;
	ok = X509_add_ext(x, ext, -1) == 1;
	X509_EXTENSION_free(ext);
	return ok;
}

/* Build subjectAltName by hand: DNS names in order, the raw one, the IP. */
static int
mint_add_san(X509 *x, const struct mint_spec *spec)
{
	GENERAL_NAMES		*gens;
	GENERAL_NAME		*gen;
	ASN1_IA5STRING		*ia5;
	ASN1_OCTET_STRING	*ip;
	size_t			 i;
	int			 ok = 0;

	if (spec->ndns == 0 && spec->dns_raw == NULL && spec->ip == NULL)
		return 1;
	if ((gens = sk_GENERAL_NAME_new_null()) == NULL)
		return 0;
	for (i = 0; i < spec->ndns + (spec->dns_raw != NULL); i++) {
		if ((ia5 = ASN1_IA5STRING_new()) == NULL)
			goto out;
		if ((i < spec->ndns ? ASN1_STRING_set(ia5, spec->dns[i], -1) :
		    ASN1_STRING_set(ia5, spec->dns_raw,
		    (int)spec->dns_raw_len)) != 1 ||
		    (gen = GENERAL_NAME_new()) == NULL) {
			ASN1_IA5STRING_free(ia5);
			goto out;
		}
		GENERAL_NAME_set0_value(gen, GEN_DNS, ia5);
		if (sk_GENERAL_NAME_push(gens, gen) == 0) {
			GENERAL_NAME_free(gen);
			goto out;
		}
	}
	if (spec->ip != NULL) {
		if ((ip = a2i_IPADDRESS(spec->ip)) == NULL)
			goto out;
		if ((gen = GENERAL_NAME_new()) == NULL) {
			ASN1_OCTET_STRING_free(ip);
			goto out;
		}
		GENERAL_NAME_set0_value(gen, GEN_IPADD, ip);
		if (sk_GENERAL_NAME_push(gens, gen) == 0) {
			GENERAL_NAME_free(gen);
			goto out;
		}
	}
	ok = X509_add1_ext_i2d(x, NID_subject_alt_name, gens,
	    spec->san_critical ? 1 : 0, X509V3_ADD_DEFAULT) == 1;
out:
	GENERAL_NAMES_free(gens);
	return ok;
}

/* Add extendedKeyUsage for the MINT_EKU_* mask; none when mask <= 0. */
static int
mint_add_eku(X509 *x, X509V3_CTX *ctx, int mask)
{
	char	 buf[64];

	if (mask <= 0)
		return 1;
	buf[0] = '\0';
	if (mask & MINT_EKU_SERVER)
		strcat(buf, ",serverAuth");
	if (mask & MINT_EKU_CLIENT)
		strcat(buf, ",clientAuth");
	if (mask & MINT_EKU_OTHER)
		strcat(buf, ",codeSigning");
	if (mask & MINT_EKU_ANY)
		strcat(buf, ",anyExtendedKeyUsage");
	if (mask & MINT_EKU_OCSP)
		strcat(buf, ",OCSPSigning");
	if (buf[0] == '\0')
		return 0;
	return mint_add_conf(x, ctx, NID_ext_key_usage, buf + 1);
}

/*
 * Sign with the issuer key. The digest is looked up by name so MD5 and
 * SHA-1 work: outside FIPS mode OpenSSL 3 still signs with them, and only
 * the TLS security level (not used here) would refuse them. Ed25519 takes
 * no digest.
 */
static int
mint_sign(X509 *x, EVP_PKEY *key, const struct mint_spec *spec)
{
	EVP_MD_CTX	*mctx;
	EVP_PKEY_CTX	*pctx = NULL;
	const EVP_MD	*md = NULL;
	const char	*mdname = spec->md != NULL ? spec->md : "sha256";
	int		 ok = 0;

	if (EVP_PKEY_is_a(key, "ED25519") == 0 &&
	    EVP_PKEY_is_a(key, "ED448") == 0 &&
	    (md = EVP_get_digestbyname(mdname)) == NULL)
		return 0;
	if ((mctx = EVP_MD_CTX_new()) == NULL)
		return 0;
	if (EVP_DigestSignInit(mctx, &pctx, md, NULL, key) != 1)
		goto out;
	if (spec->pss) {
		if (EVP_PKEY_CTX_set_rsa_padding(pctx,
		    RSA_PKCS1_PSS_PADDING) <= 0 ||
		    EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx,
		    RSA_PSS_SALTLEN_DIGEST) <= 0)
			goto out;
	}
	ok = X509_sign_ctx(x, mctx) > 0;
out:
	EVP_MD_CTX_free(mctx);
	return ok;
}

/*
 * The extensions: basicConstraints and keyUsage (CA or leaf defaults, or
 * the spec's own), EKU, SAN, the key identifiers, CRL DP, AIA and name
 * constraints, in that order.
 */
static int
mint_add_exts(X509 *x, X509 *issuer, const struct mint_spec *spec)
{
	X509V3_CTX	 ctx;
	const char	*bc, *ku, *aki;
	char		 uri[1024];

	bc = spec->basic_constraints != NULL ? spec->basic_constraints :
	    spec->ca ? "critical,CA:TRUE" : "";
	ku = spec->key_usage != NULL ? spec->key_usage : spec->ca ?
	    "critical,keyCertSign,cRLSign" :
	    "critical,digitalSignature,keyEncipherment";
	aki = spec->aki != NULL ? spec->aki : "keyid:always";

	/* Self-signed: the certificate is its own issuer for the key ids. */
	X509V3_set_ctx(&ctx, issuer != NULL ? issuer : x, x, NULL, NULL, 0);
	if ((*bc != '\0' &&
	    !mint_add_conf(x, &ctx, NID_basic_constraints, bc)) ||
	    (*ku != '\0' && !mint_add_conf(x, &ctx, NID_key_usage, ku)))
		return 0;
	if (!mint_add_eku(x, &ctx, spec->eku) ||
	    !mint_add_san(x, spec) ||
	    (!spec->no_ski &&
	    !mint_add_conf(x, &ctx, NID_subject_key_identifier, "hash")) ||
	    (*aki != '\0' &&
	    !mint_add_conf(x, &ctx, NID_authority_key_identifier, aki)))
		return 0;
	if (spec->crl_dp != NULL &&
	    ((size_t)snprintf(uri, sizeof(uri), "URI:%s", spec->crl_dp) >=
	    sizeof(uri) ||
	    !mint_add_conf(x, &ctx, NID_crl_distribution_points, uri)))
		return 0;
	if (spec->aia != NULL &&
	    !mint_add_conf(x, &ctx, NID_info_access, spec->aia))
		return 0;
	if (spec->name_constraints != NULL &&
	    !mint_add_conf(x, &ctx, NID_name_constraints,
	    spec->name_constraints))
		return 0;
	return 1;
}

/* A certificate for key signed by issuer_key (self-signed when issuer NULL). */
X509 *
mint_cert(const struct mint_spec *spec, EVP_PKEY *key, X509 *issuer,
    EVP_PKEY *issuer_key)
{
	X509		*x;
	time_t		 now = time(NULL), nb, na;

	if (key == NULL || (issuer != NULL && issuer_key == NULL))
		return NULL;
	if (issuer == NULL)
		issuer_key = key;
	if ((x = X509_new()) == NULL)
		return NULL;
	nb = spec->not_before != 0 ? spec->not_before : now - MINT_DAY;
	na = spec->not_after != 0 ? spec->not_after : now + 365 * MINT_DAY;
	if (X509_set_version(x, spec->version == 1 ? X509_VERSION_1 :
	    spec->version == 2 ? X509_VERSION_2 : X509_VERSION_3) != 1 ||
	    !mint_set_serial(x, spec) ||
	    !mint_set_subject(x, spec) ||
	    X509_set_issuer_name(x, issuer != NULL ?
	    X509_get_subject_name(issuer) : X509_get_subject_name(x)) != 1 ||
	    ASN1_TIME_set(X509_getm_notBefore(x), nb) == NULL ||
	    ASN1_TIME_set(X509_getm_notAfter(x), na) == NULL ||
	    X509_set_pubkey(x, key) != 1)
		goto fail;
	/* A v1 certificate has no extensions. */
	if (spec->version != 1 && !mint_add_exts(x, issuer, spec))
		goto fail;
	if (!mint_sign(x, issuer_key, spec))
		goto fail;
	return x;
fail:
	X509_free(x);
	return NULL;
}

/* A root CA and an intermediate under it; 0 on success. */
int
mint_pki_init(struct mint_pki *pki, enum mint_keytype type, int inter_eku)
{
	struct mint_spec	 spec;
	time_t			 now = time(NULL);

	memset(pki, 0, sizeof(*pki));
	memset(&spec, 0, sizeof(spec));
	spec.cn = "EdgeProbe Test Root CA";
	spec.o = "EdgeProbe Test PKI";
	spec.ca = 1;
	spec.not_before = now - 30 * MINT_DAY;
	spec.not_after = now + 3650 * MINT_DAY;
	if ((pki->root_key = mint_key(type, 0)) == NULL ||
	    (pki->root = mint_cert(&spec, pki->root_key, NULL, NULL)) == NULL)
		goto fail;
	spec.cn = "EdgeProbe Test Intermediate CA";
	spec.eku = inter_eku;
	spec.not_after = now + 1825 * MINT_DAY;
	if ((pki->inter_key = mint_key(type, 0)) == NULL ||
	    (pki->inter = mint_cert(&spec, pki->inter_key, pki->root,
	    pki->root_key)) == NULL)
		goto fail;
	return 0;
fail:
	mint_pki_free(pki);
	return -1;
}

/* Free what mint_pki_init made. */
void
mint_pki_free(struct mint_pki *pki)
{
	X509_free(pki->inter);
	EVP_PKEY_free(pki->inter_key);
	X509_free(pki->root);
	EVP_PKEY_free(pki->root_key);
	memset(pki, 0, sizeof(*pki));
}

/* Fill spec with the seed's Access Edge certificate. */
void
mint_spec_edge(struct mint_spec *spec)
{
	static const char *const dns[] = {
		"sip.contoso.com", "webcon.contoso.com", "sip.fabrikam.com"
	};

	memset(spec, 0, sizeof(*spec));
	spec->cn = "sip.contoso.com";
	spec->o = "Contoso";
	spec->dns = dns;
	spec->ndns = sizeof(dns) / sizeof(dns[0]);
	spec->eku = MINT_EKU_SERVER | MINT_EKU_CLIENT;
	spec->md = "sha256";
	spec->crl_dp = "http://crl.example.test/edge.crl";
}

/* Write certificates as PEM, in order; 0 on success. */
int
mint_write_certs(const char *path, X509 *const *certs, size_t n)
{
	FILE	*f;
	size_t	 i;
	int	 ok = 1;

	if ((f = fopen(path, "w")) == NULL)
		return -1;
	for (i = 0; i < n && ok; i++)
		ok = PEM_write_X509(f, certs[i]) == 1;
	if (fclose(f) != 0)
		ok = 0;
	return ok ? 0 : -1;
}

/* Write a private key as unencrypted PEM; 0 on success. */
int
mint_write_key(const char *path, EVP_PKEY *key)
{
	FILE	*f;
	int	 ok;

	if ((f = fopen(path, "w")) == NULL)
		return -1;
	ok = PEM_write_PrivateKey(f, key, NULL, NULL, 0, NULL, NULL) == 1;
	if (fclose(f) != 0)
		ok = 0;
	return ok ? 0 : -1;
}

/* A STACK_OF(X509) of the given certificates, each up-ref'ed. */
STACK_OF(X509) *
mint_stack(X509 *const *certs, size_t n)
{
	STACK_OF(X509)	*sk;
	size_t		 i;

	if ((sk = sk_X509_new_null()) == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		if (X509_up_ref(certs[i]) != 1)
			goto fail;
		if (sk_X509_push(sk, certs[i]) == 0) {
			X509_free(certs[i]);
			goto fail;
		}
	}
	return sk;
fail:
	sk_X509_pop_free(sk, X509_free);
	return NULL;
}
