/*
 * mint.h: certificates minted for the tests through the OpenSSL API.
 *
 * Nothing is committed: every key and certificate is generated at test time.
 */
#ifndef EDGEPROBE_TEST_MINT_H
#define EDGEPROBE_TEST_MINT_H

#include <stddef.h>
#include <time.h>
#include <openssl/x509.h>

enum mint_keytype {
	MINT_RSA = 0,		/* bits: 2048 by default */
	MINT_EC,		/* bits: 256 (P-256) by default, 384 for P-384 */
	MINT_ED25519
};

#define MINT_EKU_SERVER		0x01
#define MINT_EKU_CLIENT		0x02
#define MINT_EKU_OTHER		0x04	/* codeSigning, to have an EKU without either */
#define MINT_EKU_ANY		0x08	/* anyExtendedKeyUsage */
#define MINT_EKU_OCSP		0x10	/* OCSPSigning: a delegated OCSP responder */
#define MINT_EKU_NONE		(-1)	/* no EKU extension at all */

struct mint_spec {
	const char		*cn;		/* subject CN; NULL: none */
	const unsigned char	*cn_raw;	/* raw CN bytes as UTF8String (NUL ok); */
						/* invalid UTF-8: T61String, see mint.c */
	size_t			 cn_raw_len;
	const char		*o;		/* subject O; NULL: none */
	const char *const	*dns;		/* DNS SANs in order */
	size_t			 ndns;
	const unsigned char	*dns_raw;	/* one extra DNS SAN of raw bytes (NUL ok) */
	size_t			 dns_raw_len;
	const char		*ip;		/* one IP SAN, "127.0.0.1" */
	int			 eku;		/* MINT_EKU_* mask, or MINT_EKU_NONE; 0 = NONE */
	int			 ca;		/* basicConstraints CA:TRUE + keyCertSign */
	time_t			 not_before;	/* 0: now - 1 day */
	time_t			 not_after;	/* 0: now + 365 days */
	const char		*md;		/* "sha256" (default), "sha1", "md5" */
	int			 pss;		/* sign with RSASSA-PSS (issuer key RSA) */
	const char		*crl_dp;	/* CRL distribution point URI; NULL: none */
	long			 serial;	/* 0: random */

	/* For the conformance rules: certificates RFC 5280 or the BR forbid. */
	const char		*serial_hex;	/* exact serial for BN_hex2bn ("0",
						   "-1", 21 octets); wins over serial */
	int			 version;	/* 0: v3; 1: v1, no extension at all;
						   2: v2 (extensions still added) */
	const char		*basic_constraints; /* openssl.cnf syntax instead of
						   the default; "": none */
	const char		*key_usage;	/* likewise */
	const char		*aki;		/* likewise ("issuer:always") */
	int			 no_ski;	/* no subjectKeyIdentifier */
	int			 san_critical;	/* subjectAltName marked critical */
	const char		*aia;		/* authorityInfoAccess, openssl.cnf
						   ("caIssuers;URI:ldap://...") */
	const char		*name_constraints; /* openssl.cnf syntax */
};

/* A new key; bits 0 means the type's default. */
EVP_PKEY	*mint_key(enum mint_keytype, int bits);
/* An EC key on a named curve ("secp256k1", "brainpoolP256r1"). */
EVP_PKEY	*mint_key_ec_curve(const char *curve);
/* A DSA key of bits (fresh domain parameters: slow, seconds). */
EVP_PKEY	*mint_key_dsa(int bits);
/* A certificate for key signed by issuer_key (self-signed when issuer NULL). */
X509		*mint_cert(const struct mint_spec *, EVP_PKEY *key, X509 *issuer,
		    EVP_PKEY *issuer_key);

/*
 * A small public-CA stand-in: root -> intermediate, both CA:TRUE.
 * inter_eku restricts the intermediate's EKU (0: no EKU extension).
 */
struct mint_pki {
	EVP_PKEY	*root_key;
	X509		*root;
	EVP_PKEY	*inter_key;
	X509		*inter;
};
int		 mint_pki_init(struct mint_pki *, enum mint_keytype, int inter_eku);
void		 mint_pki_free(struct mint_pki *);

/*
 * The seed's Access Edge certificate (CONTRACT/seed): CN sip.contoso.com,
 * SANs sip.contoso.com, webcon.contoso.com, sip.fabrikam.com, server +
 * client EKU, CRL DP, SHA-256, RSA-2048 (or EC when keytype says so).
 * Fill spec with it; the caller then changes what a test needs.
 */
void		 mint_spec_edge(struct mint_spec *);

/* PEM files. Return 0 on success. */
int		 mint_write_certs(const char *path, X509 *const *, size_t);
int		 mint_write_key(const char *path, EVP_PKEY *);

/* A STACK_OF(X509) of the given certificates, each up-ref'ed. */
STACK_OF(X509)	*mint_stack(X509 *const *, size_t);

#endif
