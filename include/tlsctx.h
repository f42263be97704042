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

#endif
