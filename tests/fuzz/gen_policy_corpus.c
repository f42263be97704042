/*
 * gen_policy_corpus.c: write the seed corpus of fuzz_policy into a
 * directory, one input per scenario of issue 3, in fuzz_policy.c's input
 * format. Keys are minted here and thrown away; only certificates (public
 * data) end up in the corpus. Dates are relative to FUZZ_NOW, the time the
 * fuzzer judges at, so each seed keeps meaning what its name says.
 *
 * Build and run (see README):
 *   cc -Iinclude -Itests/lib -o build/fuzz/gen_policy_corpus \
 *       tests/fuzz/gen_policy_corpus.c tests/lib/mint.c \
 *       tests/lib/mintocsp.c -lcrypto
 *   build/fuzz/gen_policy_corpus tests/fuzz/corpus_policy
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/ocsp.h>
#include <openssl/x509.h>

#include "mint.h"
#include "mintocsp.h"

#define FUZZ_NOW	1767323045LL	/* as in fuzz_policy.c */
#define DAY		(24LL * 60 * 60)

/* An input being built. */
struct input {
	unsigned char	 buf[32768];
	size_t		 len;
};

static void	 put(struct input *, const void *, size_t);
static void	 header(struct input *, int, int, int, int, int32_t);
static void	 strings(struct input *, const char *const *, size_t);
static void	 cert(struct input *, X509 *);
static void	 staple(struct input *, const struct mintocsp_spec *);
static void	 save(const char *, const char *, const struct input *);
static X509	*ca(const char *, EVP_PKEY *, X509 *, EVP_PKEY *, int,
		    const char *);
static void	 die(const char *) __attribute__((__noreturn__));

/* Stop on a failure: a corpus must be complete. */
static void
die(const char *what)
{
	fprintf(stderr, "gen_policy_corpus: %s\n", what);
	exit(1);
}

/* Append bytes. */
static void
put(struct input *in, const void *p, size_t n)
{
	if (n > sizeof(in->buf) - in->len)
		die("input too large");
	memcpy(in->buf + in->len, p, n);
	in->len += n;
}

/* The 8-byte header: flags, warn, crit, protocol, now - FUZZ_NOW. */
static void
header(struct input *in, int flags, int warn, int crit, int proto,
    int32_t delta)
{
	unsigned char	 h[8];

	in->len = 0;
	h[0] = (unsigned char)flags;
	h[1] = (unsigned char)(int8_t)warn;
	h[2] = (unsigned char)(int8_t)crit;
	h[3] = (unsigned char)proto;
	h[4] = (unsigned char)((uint32_t)delta >> 24);
	h[5] = (unsigned char)((uint32_t)delta >> 16);
	h[6] = (unsigned char)((uint32_t)delta >> 8);
	h[7] = (unsigned char)(uint32_t)delta;
	put(in, h, sizeof(h));
}

/* The strings record: sni, subject, SANs, NUL-separated. */
static void
strings(struct input *in, const char *const *v, size_t n)
{
	unsigned char	 l[2];
	size_t		 i, total = 0;

	for (i = 0; i < n; i++)
		total += strlen(v[i]) + (i + 1 < n);
	l[0] = (unsigned char)(total >> 8);
	l[1] = (unsigned char)total;
	put(in, l, 2);
	for (i = 0; i < n; i++)
		put(in, v[i], strlen(v[i]) + (i + 1 < n));
}

/* One certificate record. */
static void
cert(struct input *in, X509 *x)
{
	unsigned char	*der = NULL, l[2];
	int		 len;

	if ((len = i2d_X509(x, &der)) <= 0 || len > 0xffff)
		die("i2d_X509");
	l[0] = (unsigned char)(len >> 8);
	l[1] = (unsigned char)len;
	put(in, l, 2);
	put(in, der, (size_t)len);
	OPENSSL_free(der);
}

/* One stapled OCSP response record (flags bit 7). */
static void
staple(struct input *in, const struct mintocsp_spec *spec)
{
	unsigned char	*der, l[2];
	size_t		 len;

	if ((der = mintocsp_response(spec, &len)) == NULL || len > 0xffff)
		die("mintocsp_response");
	l[0] = (unsigned char)(len >> 8);
	l[1] = (unsigned char)len;
	put(in, l, 2);
	put(in, der, len);
	free(der);
}

/* Write one input as DIR/NAME. */
static void
save(const char *dir, const char *name, const struct input *in)
{
	char	 path[1024];
	FILE	*f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((f = fopen(path, "wb")) == NULL ||
	    fwrite(in->buf, 1, in->len, f) != in->len || fclose(f) != 0)
		die(path);
}

/* A CA certificate, self-signed when issuer is NULL. */
static X509 *
ca(const char *cn, EVP_PKEY *key, X509 *issuer, EVP_PKEY *ikey, int eku,
    const char *md)
{
	struct mint_spec	 spec;
	X509			*x;

	memset(&spec, 0, sizeof(spec));
	spec.cn = cn;
	spec.o = "Fuzz PKI";
	spec.ca = 1;
	spec.eku = eku;
	spec.md = md;
	spec.not_before = (time_t)(FUZZ_NOW - 365 * DAY);
	spec.not_after = (time_t)(FUZZ_NOW + 3650 * DAY);
	if ((x = mint_cert(&spec, key, issuer, ikey)) == NULL)
		die(cn);
	return x;
}

int
main(int argc, char *argv[])
{
	static const char *const seed[] = {
		"sip.contoso.com", "sip.contoso.com", "sip.contoso.com",
		"webcon.contoso.com", "sip.fabrikam.com"
	};
	static const char *const wild[] = {
		"sip.contoso.com", "*.contoso.com", "*.com", "*",
		"a.b.contoso.com"
	};
	static const unsigned char nul_san[] = "sip.contoso.com\0.evil.example";
	static const unsigned char bad_cn[] = "sip\x01\n\xff\\,+\"";
	static const char *const dns_wild[] = { "*.contoso.com" };
	static const struct {
		const char	*name;
		int		 status;
		int		 wrong;		/* signed by another CA */
		int32_t		 delta;		/* now - FUZZ_NOW */
	} ocsp[] = {
		{ "ocsp-good", V_OCSP_CERTSTATUS_GOOD, 0, 0 },
		{ "ocsp-revoked", V_OCSP_CERTSTATUS_REVOKED, 0, 0 },
		{ "ocsp-stale", V_OCSP_CERTSTATUS_GOOD, 0, (int32_t)(8 * DAY) },
		{ "ocsp-wrong-signer", V_OCSP_CERTSTATUS_REVOKED, 1, 0 },
	};
	struct mintocsp_spec	 os;
	size_t			 i;
	struct input		 in;
	struct mint_spec	 spec;
	EVP_PKEY		*rk, *ik, *lk, *weak, *eck, *edk;
	X509			*root, *inter, *srv, *leaf, *x;
	const char		*dir;
	int			 full = 0x01 | 0x02 | 0x04 | 0x08 | 0x10;

	if (argc != 2) {
		fprintf(stderr, "usage: gen_policy_corpus DIR\n");
		return 2;
	}
	dir = argv[1];
	if ((rk = mint_key(MINT_RSA, 2048)) == NULL ||
	    (ik = mint_key(MINT_RSA, 2048)) == NULL ||
	    (lk = mint_key(MINT_RSA, 2048)) == NULL ||
	    (weak = mint_key(MINT_RSA, 1024)) == NULL ||
	    (eck = mint_key(MINT_EC, 256)) == NULL ||
	    (edk = mint_key(MINT_ED25519, 0)) == NULL)
		die("mint_key");
	root = ca("Fuzz Root CA", rk, NULL, NULL, 0, NULL);
	inter = ca("Fuzz Intermediate CA", ik, root, rk, 0, NULL);
	srv = ca("Fuzz ServerAuth-only CA", ik, root, rk, MINT_EKU_SERVER,
	    NULL);

	/* The seed's Edge certificate: no finding. */
	mint_spec_edge(&spec);
	spec.not_before = (time_t)(FUZZ_NOW - DAY);
	spec.not_after = (time_t)(FUZZ_NOW + 200 * DAY);
	if ((leaf = mint_cert(&spec, lk, inter, ik)) == NULL)
		die("leaf");
	header(&in, full, 30, 7, 3, 0);
	strings(&in, seed, 5);
	cert(&in, leaf);
	cert(&in, inter);
	cert(&in, root);
	save(dir, "seed-edge", &in);

	/* The same with OCSP staples: good, revoked, stale, wrong signer. */
	memset(&os, 0, sizeof(os));
	os.cert = leaf;
	os.issuer = inter;
	os.signer = inter;
	os.signer_key = ik;
	os.reason = OCSP_REVOKED_STATUS_KEYCOMPROMISE;
	os.revoked_at = (time_t)(FUZZ_NOW - DAY);
	os.this_update = (time_t)(FUZZ_NOW - 3600);
	os.next_update = (time_t)(FUZZ_NOW + 7 * DAY);
	for (i = 0; i < sizeof(ocsp) / sizeof(ocsp[0]); i++) {
		os.status = ocsp[i].status;
		os.signer = ocsp[i].wrong ? srv : inter;
		header(&in, full | 0x80, 30, 7, 3, ocsp[i].delta);
		strings(&in, seed, 5);
		staple(&in, &os);
		cert(&in, leaf);
		cert(&in, inter);
		cert(&in, root);
		save(dir, ocsp[i].name, &in);
	}

	/* The same, 195 days later: expiring, then expired. */
	header(&in, full, 30, 7, 3, (int32_t)(195 * DAY));
	strings(&in, seed, 5);
	cert(&in, leaf);
	cert(&in, inter);
	cert(&in, root);
	save(dir, "expires-soon", &in);
	header(&in, full, 30, 7, 3, (int32_t)(201 * DAY));
	strings(&in, seed, 5);
	cert(&in, leaf);
	cert(&in, inter);
	cert(&in, root);
	save(dir, "expired", &in);

	/* The intermediate not sent. */
	header(&in, full, 30, 7, 3, 0);
	strings(&in, seed, 5);
	cert(&in, leaf);
	cert(&in, root);
	save(dir, "chain-incomplete", &in);

	/* The root sent but not trusted (shared store). */
	header(&in, full & ~0x30, 30, 7, 3, 0);
	strings(&in, seed, 5);
	cert(&in, leaf);
	cert(&in, inter);
	cert(&in, root);
	save(dir, "untrusted-root", &in);
	X509_free(leaf);

	/* A renewal that lost clientAuth. */
	spec.eku = MINT_EKU_SERVER;
	if ((leaf = mint_cert(&spec, lk, inter, ik)) == NULL)
		die("leaf");
	header(&in, full, 30, 7, 3, 0);
	strings(&in, seed, 5);
	cert(&in, leaf);
	cert(&in, inter);
	cert(&in, root);
	save(dir, "client-eku-missing", &in);
	X509_free(leaf);

	/* A clientAuth leaf under a serverAuth-only intermediate. */
	spec.eku = MINT_EKU_SERVER | MINT_EKU_CLIENT;
	if ((leaf = mint_cert(&spec, lk, srv, ik)) == NULL)
		die("leaf");
	header(&in, full, 30, 7, 3, 0);
	strings(&in, seed, 5);
	cert(&in, leaf);
	cert(&in, srv);
	cert(&in, root);
	save(dir, "client-chain-invalid", &in);
	X509_free(leaf);

	/* TLS 1.0, SHA-1, RSA-1024, no CRL DP. */
	spec.md = "sha1";
	spec.crl_dp = NULL;
	if ((leaf = mint_cert(&spec, weak, inter, ik)) == NULL)
		die("leaf");
	header(&in, full, 30, 7, 1, 0);
	strings(&in, seed, 5);
	cert(&in, leaf);
	cert(&in, inter);
	cert(&in, root);
	save(dir, "legacy-sha1-1024", &in);
	X509_free(leaf);

	/* RSASSA-PSS. */
	mint_spec_edge(&spec);
	spec.not_before = (time_t)(FUZZ_NOW - DAY);
	spec.not_after = (time_t)(FUZZ_NOW + 200 * DAY);
	spec.pss = 1;
	if ((leaf = mint_cert(&spec, lk, inter, ik)) == NULL)
		die("leaf");
	header(&in, full, 30, 7, 4, 0);
	strings(&in, seed, 5);
	cert(&in, leaf);
	cert(&in, inter);
	cert(&in, root);
	save(dir, "pss", &in);
	X509_free(leaf);

	/* A wildcard subject, and the wildcard strings for host matching. */
	spec.pss = 0;
	spec.cn = "*.contoso.com";
	spec.dns = dns_wild;
	spec.ndns = 1;
	if ((leaf = mint_cert(&spec, eck, inter, ik)) == NULL)
		die("leaf");
	header(&in, full, 30, 7, 3, 0);
	strings(&in, wild, 5);
	cert(&in, leaf);
	cert(&in, inter);
	cert(&in, root);
	save(dir, "wildcard", &in);
	X509_free(leaf);

	/* Hostile bytes: a NUL in a SAN, control bytes and bad UTF-8. */
	mint_spec_edge(&spec);
	spec.cn = NULL;
	spec.cn_raw = bad_cn;
	spec.cn_raw_len = sizeof(bad_cn) - 1;
	spec.dns_raw = nul_san;
	spec.dns_raw_len = sizeof(nul_san) - 1;
	spec.ip = "127.0.0.1";
	spec.not_before = (time_t)(FUZZ_NOW - DAY);
	spec.not_after = (time_t)(FUZZ_NOW + 200 * DAY);
	if ((leaf = mint_cert(&spec, edk, inter, ik)) == NULL)
		die("leaf");
	header(&in, full, 30, 7, 3, 0);
	strings(&in, seed, 5);
	cert(&in, leaf);
	cert(&in, inter);
	cert(&in, root);
	save(dir, "hostile-names", &in);
	X509_free(leaf);

	/* Self-signed, no EKU, not yet valid. */
	mint_spec_edge(&spec);
	spec.eku = MINT_EKU_NONE;
	spec.not_before = (time_t)(FUZZ_NOW + 10 * DAY);
	spec.not_after = (time_t)(FUZZ_NOW + 200 * DAY);
	if ((x = mint_cert(&spec, eck, NULL, NULL)) == NULL)
		die("self-signed");
	header(&in, 0x0e, 30, 7, 0, 0);
	strings(&in, seed, 5);
	cert(&in, x);
	save(dir, "self-signed", &in);
	X509_free(x);

	X509_free(srv);
	X509_free(inter);
	X509_free(root);
	EVP_PKEY_free(rk);
	EVP_PKEY_free(ik);
	EVP_PKEY_free(lk);
	EVP_PKEY_free(weak);
	EVP_PKEY_free(eck);
	EVP_PKEY_free(edk);
	return 0;
}
