/*
 * benchpki.c: the benchmark's two test PKIs, minted at run time.
 *
 *	benchpki DIR
 *
 * Writes DIR/ec/ and DIR/rsa/, each with ca.pem (the root alone: the trust
 * store for edgeprobe and s_client), chain.pem (leaf + intermediate, what
 * nginx sends) and key.pem (the leaf's key). ec is ECDSA P-256 throughout
 * (root, intermediate, leaf, ecdsa-with-SHA256); rsa is RSA-2048 throughout
 * (sha256WithRSAEncryption). The leaf is the seed's Access Edge certificate
 * (mint_spec_edge(): CN sip.contoso.com, three DNS SANs, serverAuth +
 * clientAuth, a CRL DP), so the probe's whole policy runs and finds nothing.
 * Exits 0 on success, 1 on failure, 2 on usage.
 */
#include <sys/stat.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/x509.h>

#include "mint.h"

static int	 benchpki_one(const char *, const char *, enum mint_keytype);

/* Mint one PKI of one key type into DIR/SUB. */
static int
benchpki_one(const char *dir, const char *sub, enum mint_keytype type)
{
	struct mint_pki		 pki;
	struct mint_spec	 spec;
	EVP_PKEY		*key = NULL;
	X509			*leaf = NULL, *chain[2];
	char			 path[PATH_MAX], file[PATH_MAX + 16];
	int			 rc = -1;

	snprintf(path, sizeof(path), "%s/%s", dir, sub);
	if (mkdir(path, 0700) == -1 && errno != EEXIST) {
		fprintf(stderr, "benchpki: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (mint_pki_init(&pki, type, 0) == -1) {
		fprintf(stderr, "benchpki: %s: cannot mint the CA\n", sub);
		return -1;
	}
	mint_spec_edge(&spec);
	if ((key = mint_key(type, 0)) == NULL ||
	    (leaf = mint_cert(&spec, key, pki.inter, pki.inter_key)) == NULL) {
		fprintf(stderr, "benchpki: %s: cannot mint the leaf\n", sub);
		goto out;
	}
	chain[0] = leaf;
	chain[1] = pki.inter;
	snprintf(file, sizeof(file), "%s/ca.pem", path);
	if (mint_write_certs(file, &pki.root, 1) == -1)
		goto fail;
	snprintf(file, sizeof(file), "%s/chain.pem", path);
	if (mint_write_certs(file, chain, 2) == -1)
		goto fail;
	snprintf(file, sizeof(file), "%s/key.pem", path);
	if (mint_write_key(file, key) == -1)
		goto fail;
	rc = 0;
	goto out;
fail:
	fprintf(stderr, "benchpki: cannot write %s\n", file);
out:
	X509_free(leaf);
	EVP_PKEY_free(key);
	mint_pki_free(&pki);
	return rc;
}

int
main(int argc, char *argv[])
{
	if (argc != 2) {
		fprintf(stderr, "usage: benchpki DIR\n");
		return 2;
	}
	if (benchpki_one(argv[1], "ec", MINT_EC) == -1 ||
	    benchpki_one(argv[1], "rsa", MINT_RSA) == -1) {
		ERR_print_errors_fp(stderr);
		return 1;
	}
	return 0;
}
