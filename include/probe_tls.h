/*
 * probe_tls.h: what the engine's OpenSSL callbacks capture (engine-internal):
 * the chain as presented, a CertificateRequest, the server's last alert,
 * the OCSP staple.
 */
#ifndef EDGEPROBE_PROBE_TLS_H
#define EDGEPROBE_PROBE_TLS_H

#include <openssl/ssl.h>

#include "probe_int.h"

/* Once per process, before the first probe. -1 with *cause on error. */
int	probe_tls_init(char **cause);
/* Install the capture callbacks on the engine's context. */
void	probe_tls_ctx(SSL_CTX *);
/* Tie an SSL to its probe, for the callbacks. */
void	probe_tls_bind(SSL *, struct probe *);
/* The stapled OCSP response into o, at most PROBE_MAX_OCSP bytes. */
void	probe_tls_staple(SSL *, struct probe_outcome *);

#endif
