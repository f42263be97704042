/*
 * benchcost.c: what the OpenSSL operations of one probe cost on this
 * machine, in isolation, in CPU microseconds.
 *
 *	benchcost DIR [ITERATIONS]
 *
 * DIR is benchpki's output. For each key type (ec, rsa) it times, over
 * ITERATIONS (2000) repetitions each, with CLOCK_PROCESS_CPUTIME_ID:
 *	d2i_X509	parsing the leaf as libssl does when the Certificate
 *			message arrives (the public key decoded with it)
 *	decoder_setup	OSSL_DECODER_CTX_new_for_pkey() + free alone: the
 *			part of d2i_X509 that OpenSSL 3.0 spends looking up
 *			decoders before it reads a byte of the key
 *	X509_verify	one certificate signature (the leaf's, with the
 *			intermediate's key)
 *	X509_verify_cert the whole chain check the policy does (leaf,
 *			intermediate as untrusted, root in the store)
 *	X25519		a key share: keygen + derive with a fixed peer
 * and prints one line per operation and key type. The crypto floor of one
 * probe is X25519 + 3 x X509_verify (CertificateVerify is one signature
 * check of the same kind, without the certificate's DER to hash).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/decoder.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

struct benchcost_pki {
	X509		*leaf;
	X509		*inter;
	X509_STORE	*store;
	unsigned char	*der;		/* the leaf's DER */
	int		 derlen;
};

static double	 benchcost_now(void);
static int	 benchcost_load(const char *, const char *,
		    struct benchcost_pki *);
static void	 benchcost_free(struct benchcost_pki *);
static void	 benchcost_run(const char *, const struct benchcost_pki *,
		    EVP_PKEY *, int);
static void	 benchcost_line(const char *, const char *, double, int);

/* CPU seconds used by the process. */
static double
benchcost_now(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Read DIR/KT/chain.pem (leaf, intermediate) and DIR/KT/ca.pem. */
static int
benchcost_load(const char *dir, const char *kt, struct benchcost_pki *pki)
{
	char	 path[4096];
	FILE	*f;

	memset(pki, 0, sizeof(*pki));
	snprintf(path, sizeof(path), "%s/%s/chain.pem", dir, kt);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	pki->leaf = PEM_read_X509(f, NULL, NULL, NULL);
	pki->inter = PEM_read_X509(f, NULL, NULL, NULL);
	fclose(f);
	snprintf(path, sizeof(path), "%s/%s/ca.pem", dir, kt);
	if (pki->leaf == NULL || pki->inter == NULL ||
	    (pki->store = X509_STORE_new()) == NULL ||
	    X509_STORE_load_file(pki->store, path) != 1)
		return -1;
	pki->der = NULL;
	if ((pki->derlen = i2d_X509(pki->leaf, &pki->der)) <= 0)
		return -1;
	return 0;
}

/* Free what benchcost_load() read. */
static void
benchcost_free(struct benchcost_pki *pki)
{
	X509_free(pki->leaf);
	X509_free(pki->inter);
	X509_STORE_free(pki->store);
	OPENSSL_free(pki->der);
}

/* One result line. */
static void
benchcost_line(const char *kt, const char *op, double secs, int n)
{
	printf("%-5s %-18s %9.1f\n", kt, op, secs * 1e6 / n);
}

/* Time every operation for one key type. */
static void
benchcost_run(const char *kt, const struct benchcost_pki *pki,
    EVP_PKEY *peer, int n)
{
	STACK_OF(X509)	*untrusted;
	X509_STORE_CTX	*xctx;
	OSSL_DECODER_CTX *dctx;
	EVP_PKEY	*ipk, *pk;
	EVP_PKEY_CTX	*pctx;
	X509		*x;
	const unsigned char *p;
	unsigned char	 secret[64];
	size_t		 slen;
	double		 t0;
	int		 i, bad = 0;

	t0 = benchcost_now();
	for (i = 0; i < n; i++) {
		p = pki->der;
		if ((x = d2i_X509(NULL, &p, pki->derlen)) == NULL ||
		    X509_get0_pubkey(x) == NULL)
			bad++;
		X509_free(x);
	}
	benchcost_line(kt, "d2i_X509", benchcost_now() - t0, n);

	t0 = benchcost_now();
	for (i = 0; i < n; i++) {
		pk = NULL;
		dctx = OSSL_DECODER_CTX_new_for_pkey(&pk, "DER",
		    "SubjectPublicKeyInfo", strcmp(kt, "ec") == 0 ?
		    "EC" : "RSA", EVP_PKEY_PUBLIC_KEY, NULL, NULL);
		if (dctx == NULL)
			bad++;
		OSSL_DECODER_CTX_free(dctx);
	}
	benchcost_line(kt, "decoder_setup", benchcost_now() - t0, n);

	ipk = X509_get0_pubkey(pki->inter);
	t0 = benchcost_now();
	for (i = 0; i < n; i++)
		if (X509_verify(pki->leaf, ipk) != 1)
			bad++;
	benchcost_line(kt, "X509_verify", benchcost_now() - t0, n);

	if ((untrusted = sk_X509_new_null()) == NULL ||
	    sk_X509_push(untrusted, pki->inter) == 0)
		bad++;
	t0 = benchcost_now();
	for (i = 0; i < n; i++) {
		if ((xctx = X509_STORE_CTX_new()) == NULL ||
		    X509_STORE_CTX_init(xctx, pki->store, pki->leaf,
		    untrusted) != 1 || X509_verify_cert(xctx) != 1)
			bad++;
		X509_STORE_CTX_free(xctx);
	}
	benchcost_line(kt, "X509_verify_cert", benchcost_now() - t0, n);
	sk_X509_free(untrusted);

	t0 = benchcost_now();
	for (i = 0; i < n; i++) {
		slen = sizeof(secret);
		if ((pk = EVP_PKEY_Q_keygen(NULL, NULL, "X25519")) == NULL ||
		    (pctx = EVP_PKEY_CTX_new(pk, NULL)) == NULL ||
		    EVP_PKEY_derive_init(pctx) != 1 ||
		    EVP_PKEY_derive_set_peer(pctx, peer) != 1 ||
		    EVP_PKEY_derive(pctx, secret, &slen) != 1)
			bad++;
		EVP_PKEY_CTX_free(pctx);
		pctx = NULL;
		EVP_PKEY_free(pk);
	}
	benchcost_line(kt, "X25519", benchcost_now() - t0, n);
	if (bad) {
		fprintf(stderr, "benchcost: %s: %d operations failed\n", kt,
		    bad);
		ERR_print_errors_fp(stderr);
		exit(1);
	}
}

int
main(int argc, char *argv[])
{
	static const char *const kts[] = { "ec", "rsa" };
	struct benchcost_pki	 pki;
	EVP_PKEY		*peer;
	size_t			 i;
	int			 n = 2000;

	if (argc != 2 && argc != 3) {
		fprintf(stderr, "usage: benchcost DIR [ITERATIONS]\n");
		return 2;
	}
	if (argc == 3 && (n = atoi(argv[2])) <= 0) {
		fprintf(stderr, "benchcost: bad iteration count\n");
		return 2;
	}
	if ((peer = EVP_PKEY_Q_keygen(NULL, NULL, "X25519")) == NULL) {
		ERR_print_errors_fp(stderr);
		return 1;
	}
	printf("%-5s %-18s %9s\n", "key", "operation", "cpu_us");
	for (i = 0; i < sizeof(kts) / sizeof(kts[0]); i++) {
		if (benchcost_load(argv[1], kts[i], &pki) == -1) {
			fprintf(stderr, "benchcost: cannot read %s/%s\n",
			    argv[1], kts[i]);
			ERR_print_errors_fp(stderr);
			return 1;
		}
		benchcost_run(kts[i], &pki, peer, n);
		benchcost_free(&pki);
	}
	EVP_PKEY_free(peer);
	return 0;
}
