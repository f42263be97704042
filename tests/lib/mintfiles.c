/*
 * mintfiles.c: `epfixture mint-files DIR`, a test PKI as PEM files.
 *
 * The main root signs an intermediate, which issues an Edge server
 * certificate and a federation partner's client certificate; a second,
 * unrelated root (its own distinct names) issues a client certificate no
 * peer trusts. Files written in DIR, certificates leaf first:
 *
 *	ca.pem			the main root alone: the trust store for
 *				both sides (edgeprobe's ca_file, a server's
 *				client CA list)
 *	inter.pem		the intermediate alone
 *	inter.key		its key (an OCSP responder for the tests
 *				signs with it: `openssl ocsp -rkey`)
 *	server.pem, .key	the seed's Access Edge certificate (CN
 *				sip.contoso.com, SANs sip.contoso.com,
 *				webcon.contoso.com, sip.fabrikam.com, EKU
 *				serverAuth + clientAuth) + intermediate
 *	partner.pem, .key	a partner Edge: CN sip.fabrikam.com, O
 *				Fabrikam, SAN sip.fabrikam.com, EKU
 *				serverAuth + clientAuth, + intermediate
 *	partner-noclient.pem	the same name and key as partner, EKU
 *				serverAuth only (a renewal that lost
 *				clientAuth), + intermediate
 *	untrusted.pem, .key	CN sip.fabrikam.com, EKU serverAuth +
 *				clientAuth, issued directly by the other
 *				root, sent with it
 *	untrusted-ca.pem	the other root (CN EdgeProbe Untrusted Root
 *				CA), trusted by nobody
 *	mismatch.key		a P-256 key that matches no certificate here
 *
 * Leaves are valid from now - 1 day to now + 365 days + 1 hour, RSA-2048,
 * SHA-256; the CAs for years. Every file is written aside and renamed,
 * ca.pem last, so a test may wait for DIR/ca.pem to appear.
 */
#include <sys/stat.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "mint.h"
#include "mintfiles.h"

#define MF_DAY		(24L * 60 * 60)
#define MF_HOUR		(60L * 60)

/* What mintfiles_write makes, freed by mf_free. */
struct mf_pki {
	struct mint_pki	 main;
	EVP_PKEY	*other_key;
	X509		*other;
	EVP_PKEY	*server_key;
	X509		*server;
	EVP_PKEY	*partner_key;
	X509		*partner;
	X509		*noclient;
	EVP_PKEY	*untrusted_key;
	X509		*untrusted;
	EVP_PKEY	*mismatch_key;
};

static int	 mf_mint(struct mf_pki *, time_t);
static void	 mf_partner_spec(struct mint_spec *, time_t);
static int	 mf_certs(const char *, const char *, X509 *, X509 *);
static int	 mf_key(const char *, const char *, EVP_PKEY *);
static int	 mf_path(char *, size_t, const char *, const char *,
		    const char *);
static void	 mf_free(struct mf_pki *);

/* The partner's leaf: CN and SAN sip.fabrikam.com, both EKUs. */
static void
mf_partner_spec(struct mint_spec *spec, time_t now)
{
	static const char *const dns[] = { "sip.fabrikam.com" };

	memset(spec, 0, sizeof(*spec));
	spec->cn = dns[0];
	spec->o = "Fabrikam";
	spec->dns = dns;
	spec->ndns = 1;
	spec->eku = MINT_EKU_SERVER | MINT_EKU_CLIENT;
	spec->md = "sha256";
	spec->not_before = now - MF_DAY;
	spec->not_after = now + 365 * MF_DAY + MF_HOUR;
}

/* Mint every key and certificate. 0 on success. */
static int
mf_mint(struct mf_pki *p, time_t now)
{
	struct mint_spec	 spec;

	if (mint_pki_init(&p->main, MINT_RSA, 0) == -1)
		return -1;

	mint_spec_edge(&spec);
	spec.not_before = now - MF_DAY;
	spec.not_after = now + 365 * MF_DAY + MF_HOUR;
	if ((p->server_key = mint_key(MINT_RSA, 2048)) == NULL ||
	    (p->server = mint_cert(&spec, p->server_key, p->main.inter,
	    p->main.inter_key)) == NULL)
		return -1;

	mf_partner_spec(&spec, now);
	if ((p->partner_key = mint_key(MINT_RSA, 2048)) == NULL ||
	    (p->partner = mint_cert(&spec, p->partner_key, p->main.inter,
	    p->main.inter_key)) == NULL)
		return -1;
	spec.eku = MINT_EKU_SERVER;
	if ((p->noclient = mint_cert(&spec, p->partner_key, p->main.inter,
	    p->main.inter_key)) == NULL)
		return -1;

	/* Names of its own: no peer may take it for the main root. */
	memset(&spec, 0, sizeof(spec));
	spec.cn = "EdgeProbe Untrusted Root CA";
	spec.o = "EdgeProbe Untrusted PKI";
	spec.ca = 1;
	spec.not_before = now - 30 * MF_DAY;
	spec.not_after = now + 3650 * MF_DAY;
	if ((p->other_key = mint_key(MINT_RSA, 2048)) == NULL ||
	    (p->other = mint_cert(&spec, p->other_key, NULL, NULL)) == NULL)
		return -1;
	mf_partner_spec(&spec, now);
	if ((p->untrusted_key = mint_key(MINT_RSA, 2048)) == NULL ||
	    (p->untrusted = mint_cert(&spec, p->untrusted_key, p->other,
	    p->other_key)) == NULL)
		return -1;

	if ((p->mismatch_key = mint_key(MINT_EC, 256)) == NULL)
		return -1;
	return 0;
}

/* DIR/NAME + SUFFIX into buf. 0 on success. */
static int
mf_path(char *buf, size_t len, const char *dir, const char *name,
    const char *suffix)
{
	if ((size_t)snprintf(buf, len, "%s/%s%s", dir, name, suffix) >= len)
		return -1;
	return 0;
}

/* Write DIR/NAME: one certificate, or two (a leaf, then second). 0 on success. */
static int
mf_certs(const char *dir, const char *name, X509 *first, X509 *second)
{
	char	 tmp[PATH_MAX], path[PATH_MAX];
	X509	*certs[2];

	certs[0] = first;
	certs[1] = second;
	if (mf_path(tmp, sizeof(tmp), dir, name, ".tmp") == -1 ||
	    mf_path(path, sizeof(path), dir, name, "") == -1)
		return -1;
	if (mint_write_certs(tmp, certs, second != NULL ? 2 : 1) == -1 ||
	    rename(tmp, path) == -1) {
		fprintf(stderr, "epfixture: %s: cannot write\n", path);
		(void)unlink(tmp);
		return -1;
	}
	return 0;
}

/*
 * Write DIR/NAME, a private key, mode 0600: edgeprobe refuses a key that
 * group or others may read, and so should any test that hands one over.
 * 0 on success.
 */
static int
mf_key(const char *dir, const char *name, EVP_PKEY *key)
{
	char	 tmp[PATH_MAX], path[PATH_MAX];
	mode_t	 old;
	int	 rc;

	if (mf_path(tmp, sizeof(tmp), dir, name, ".tmp") == -1 ||
	    mf_path(path, sizeof(path), dir, name, "") == -1)
		return -1;
	old = umask(077);
	rc = mint_write_key(tmp, key);
	umask(old);
	if (rc == -1 || chmod(tmp, 0600) == -1 || rename(tmp, path) == -1) {
		fprintf(stderr, "epfixture: %s: cannot write\n", path);
		(void)unlink(tmp);
		return -1;
	}
	return 0;
}

/* Free what mf_mint made. */
static void
mf_free(struct mf_pki *p)
{
	mint_pki_free(&p->main);
	X509_free(p->other);
	EVP_PKEY_free(p->other_key);
	X509_free(p->server);
	EVP_PKEY_free(p->server_key);
	X509_free(p->partner);
	X509_free(p->noclient);
	EVP_PKEY_free(p->partner_key);
	X509_free(p->untrusted);
	EVP_PKEY_free(p->untrusted_key);
	EVP_PKEY_free(p->mismatch_key);
	memset(p, 0, sizeof(*p));
}

/* Mint the PKI and write it into dir. 0 on success. */
int
mintfiles_write(const char *dir)
{
	struct mf_pki	 p;
	int		 rc = -1;

	if (mkdir(dir, 0755) == -1 && errno != EEXIST) {
		fprintf(stderr, "epfixture: %s: %s\n", dir, strerror(errno));
		return -1;
	}
	memset(&p, 0, sizeof(p));
	if (mf_mint(&p, time(NULL)) == -1) {
		fprintf(stderr, "epfixture: cannot mint the PKI\n");
		goto out;
	}
	if (mf_certs(dir, "inter.pem", p.main.inter, NULL) == -1 ||
	    mf_key(dir, "inter.key", p.main.inter_key) == -1 ||
	    mf_certs(dir, "server.pem", p.server, p.main.inter) == -1 ||
	    mf_key(dir, "server.key", p.server_key) == -1 ||
	    mf_certs(dir, "partner.pem", p.partner, p.main.inter) == -1 ||
	    mf_key(dir, "partner.key", p.partner_key) == -1 ||
	    mf_certs(dir, "partner-noclient.pem", p.noclient,
	    p.main.inter) == -1 ||
	    mf_certs(dir, "untrusted.pem", p.untrusted, p.other) == -1 ||
	    mf_key(dir, "untrusted.key", p.untrusted_key) == -1 ||
	    mf_certs(dir, "untrusted-ca.pem", p.other, NULL) == -1 ||
	    mf_key(dir, "mismatch.key", p.mismatch_key) == -1 ||
	    mf_certs(dir, "ca.pem", p.main.root, NULL) == -1)
		goto out;
	rc = 0;
out:
	mf_free(&p);
	return rc;
}
