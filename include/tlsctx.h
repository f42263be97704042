/*
 * tlsctx.h: the probe's SSL_CTX and the trust store, both built before the
 * event loop starts (everything read from disk is read at start-up or
 * reload, never by the engine).
 */
#ifndef EDGEPROBE_TLSCTX_H
#define EDGEPROBE_TLSCTX_H

#include <openssl/ssl.h>

/* One shared client context for every probe; NULL with *cause on error. */
SSL_CTX		*tlsctx_client(char **cause);
/* The trust store: ca_file, or the system default bundle when NULL. */
X509_STORE	*tlsctx_store(const char *ca_file, char **cause);

/*
 * The certificate (and the chain after it) and key we present when a
 * server asks, like a federating partner's Edge (client_cert/client_key).
 */
struct tlsctx_identity {
	X509		*cert;
	STACK_OF(X509)	*chain;		/* the intermediates after the leaf */
	EVP_PKEY	*key;
};

/*
 * Load an identity: PEM files, the key neither group- nor world-readable
 * and matching the certificate. NULL with *cause (a sentence) on error.
 */
struct tlsctx_identity *tlsctx_identity_load(const char *cert,
		    const char *key, char **cause);
void		 tlsctx_identity_free(struct tlsctx_identity *);

#endif
