/*
 * enginetest.h: the engine set-up the engine tests share: a PKI and an Edge
 * leaf minted for the run, the client context, an engine, servers that
 * present leaf + intermediate, and a recorder that stops the loop once
 * every probe started has reported.
 */
#ifndef EDGEPROBE_TEST_ENGINETEST_H
#define EDGEPROBE_TEST_ENGINETEST_H

#include <openssl/ssl.h>

#include "mint.h"
#include "probe.h"
#include "tlsserver.h"

struct enginetest {
	SSL_CTX			*ctx;
	struct probe_engine	*eng;		/* concurrency 8 */
	struct mint_pki		 pki;
	EVP_PKEY		*key;
	X509			*leaf;		/* an Edge leaf under pki.inter */
	int			 left;		/* reports before the loop stops */
};

/* One probe's outcome as its callback saw it. */
struct enginetest_got {
	struct enginetest	*et;
	int			 done;		/* callbacks: 1 exactly */
	enum probe_error	 err;
	char			 cause[256];
	STACK_OF(X509)		*chain;		/* stolen: the test frees it */
	int			 has_tls;
	int			 tls_version;
	char			 version_name[16];
	char			 cipher[64];
	int			 cert_requested;
	struct strlist		 acceptable_cas;	/* stolen: the test frees it */
	int			 client_cert_sent;
	double			 handshake_ms;
	double			 at_ms;		/* enginetest_now_ms() then */
};

/* Mint, make the context and the engine: 0, or -1 on any failure. */
int	 enginetest_init(struct enginetest *, enum mint_keytype, int bits);
void	 enginetest_free(struct enginetest *);
/* A server spec in mode presenting et's leaf + intermediate with its key. */
void	 enginetest_spec(const struct enginetest *, enum tlsserver_mode,
	    struct tlsserver_spec *);
/* Start a probe that reports into g (cleared first); never reports at once. */
void	 enginetest_start(struct enginetest *, const struct probe_req *,
	    struct enginetest_got *);
/* Run the loop until every probe started has reported. */
int	 enginetest_run(struct enginetest *);
/* Milliseconds of the monotonic clock. */
double	 enginetest_now_ms(void);

#endif
