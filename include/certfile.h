/*
 * certfile.h: a certificate file read for `edgeprobe cert FILE`, the check
 * of a renewed certificate before it is assigned to the Edge.
 */
#ifndef EDGEPROBE_CERTFILE_H
#define EDGEPROBE_CERTFILE_H

#include <openssl/x509.h>

#define CERTFILE_MAX_BYTES	1048576		/* 1 MiB; a larger file is refused */
#define CERTFILE_MAX_CERTS	64		/* as PROBE_MAX_CHAIN */

/*
 * The chain in path, leaf first: PEM (the leaf, then its intermediates),
 * one DER certificate, or PKCS#12 (password NULL: an empty one). NULL with
 * *cause (a sentence naming the file) when it is none of these.
 */
STACK_OF(X509)	*certfile_load(const char *path, const char *password,
		    char **cause);
/* The first line of a password file; NULL with *cause. */
char		*certfile_password(const char *path, char **cause);

#endif
