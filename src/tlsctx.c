/*
 * tlsctx.c: the probe's SSL_CTX and the trust store, built before the loop.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "tlsctx.h"
#include "xmalloc.h"

static void	 tlsctx_cause(char **, const char *, const char *);

/* Set *cause to "what: OpenSSL's first error". */
static void
tlsctx_cause(char **cause, const char *what, const char *arg)
{
	char	 buf[256];
	unsigned long e;

	e = ERR_get_error();
	if (e != 0)
		ERR_error_string_n(e, buf, sizeof(buf));
	else
		strncpy(buf, "unknown error", sizeof(buf));
	ERR_clear_error();
	if (arg != NULL)
		xasprintf(cause, "%s %s: %s", what, arg, buf);
	else
		xasprintf(cause, "%s: %s", what, buf);
}

/*
 * The one client context shared by every probe.
 *
 * Why it is this permissive: edgeprobe is a monitor, not a client that
 * trusts what it reads. It must complete handshakes with Lync 2013 era Edges
 * that speak only TLS 1.0/1.1, sign with SHA-1, carry 1024-bit keys or lack
 * secure renegotiation, and then *report* those weaknesses. So the security
 * level is 0, every protocol version and cipher is allowed, and legacy
 * server connect is on. No application data is ever sent over these
 * connections, so nothing is exposed by the weaker settings. Except the
 * anonymous and null suites: a server that takes one presents no
 * certificate, and a probe that sees none must not come back OK.
 *
 * No verification happens in the handshake: a certificate problem is a
 * finding, never a reason to abort. The engine (probe.c) installs the
 * callback that captures the chain in place of OpenSSL's verification.
 */
SSL_CTX *
tlsctx_client(char **cause)
{
	SSL_CTX	*ctx;

	if ((ctx = SSL_CTX_new(TLS_client_method())) == NULL) {
		tlsctx_cause(cause, "SSL_CTX_new", NULL);
		return NULL;
	}
	SSL_CTX_set_security_level(ctx, 0);
	if (!SSL_CTX_set_min_proto_version(ctx, 0) ||
	    !SSL_CTX_set_max_proto_version(ctx, 0) ||
	    !SSL_CTX_set_cipher_list(ctx,
	    "ALL:COMPLEMENTOFDEFAULT:!aNULL:!eNULL:@SECLEVEL=0")) {
		tlsctx_cause(cause, "SSL_CTX settings", NULL);
		SSL_CTX_free(ctx);
		return NULL;
	}
	SSL_CTX_set_options(ctx, SSL_OP_LEGACY_SERVER_CONNECT |
	    SSL_OP_NO_TICKET | SSL_OP_NO_COMPRESSION);
	SSL_CTX_clear_options(ctx, SSL_OP_NO_TLSv1 | SSL_OP_NO_TLSv1_1);
	SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
	/* Every probe is a fresh look at the server: no session reuse. */
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
	/* Bound what one hostile server can make us buffer for its chain. */
	SSL_CTX_set_max_cert_list(ctx, 256L * 1024);
	/*
	 * A probe spends most of its life waiting for the server: give the
	 * 16 KB read and write buffers back between records, so a thousand
	 * probes in flight do not hold 32 MB of empty buffers.
	 */
	SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
	return ctx;
}

/*
 * The trust store, read whole now: the engine never touches the disk, and
 * the systemd sandbox can stay tight. The system default is the bundle file
 * (SSL_CERT_FILE or OpenSSL's default), not the hashed directory, which
 * OpenSSL would read lazily during verification.
 */
X509_STORE *
tlsctx_store(const char *ca_file, char **cause)
{
	X509_STORE	*store;
	const char	*path = ca_file;

	if ((store = X509_STORE_new()) == NULL) {
		tlsctx_cause(cause, "X509_STORE_new", NULL);
		return NULL;
	}
	if (path == NULL) {
		path = getenv(X509_get_default_cert_file_env());
		if (path == NULL)
			path = X509_get_default_cert_file();
	}
	if (!X509_STORE_load_file(store, path)) {
		tlsctx_cause(cause, "cannot load trust store", path);
		X509_STORE_free(store);
		return NULL;
	}
	return store;
}

/*
 * Load the identity we present to servers that ask for one. The key is
 * refused when others may read it (a partner's key is a secret), before
 * a byte of it is read.
 */
struct tlsctx_identity *
tlsctx_identity_load(const char *cert, const char *key, char **cause)
{
	struct tlsctx_identity	*id;
	struct stat		 st;
	FILE			*fp;
	X509			*x;

	if (stat(key, &st) == -1) {
		xasprintf(cause, "client_key %s: %s", key, strerror(errno));
		return NULL;
	}
	if ((st.st_mode & 077) != 0) {
		xasprintf(cause, "client_key %s: readable by group or others "
		    "(mode %03o); chmod 600 it", key,
		    (unsigned)(st.st_mode & 0777));
		return NULL;
	}
	id = xcalloc(1, sizeof(*id));
	if ((fp = fopen(cert, "r")) == NULL) {
		xasprintf(cause, "client_cert %s: %s", cert, strerror(errno));
		goto fail;
	}
	id->cert = PEM_read_X509(fp, NULL, NULL, NULL);
	if (id->cert != NULL && (id->chain = sk_X509_new_null()) != NULL)
		while ((x = PEM_read_X509(fp, NULL, NULL, NULL)) != NULL)
			if (sk_X509_push(id->chain, x) == 0) {
				X509_free(x);
				break;
			}
	fclose(fp);
	ERR_clear_error();
	if (id->cert == NULL || id->chain == NULL) {
		xasprintf(cause, "client_cert %s: no PEM certificate", cert);
		goto fail;
	}
	if ((fp = fopen(key, "r")) == NULL) {
		xasprintf(cause, "client_key %s: %s", key, strerror(errno));
		goto fail;
	}
	id->key = PEM_read_PrivateKey(fp, NULL, NULL, NULL);
	fclose(fp);
	if (id->key == NULL) {
		tlsctx_cause(cause, "client_key", key);
		goto fail;
	}
	if (X509_check_private_key(id->cert, id->key) != 1) {
		ERR_clear_error();
		xasprintf(cause, "client_key %s does not match client_cert %s",
		    key, cert);
		goto fail;
	}
	return id;
fail:
	tlsctx_identity_free(id);
	return NULL;
}

/* Free an identity. */
void
tlsctx_identity_free(struct tlsctx_identity *id)
{
	if (id == NULL)
		return;
	X509_free(id->cert);
	sk_X509_pop_free(id->chain, X509_free);
	EVP_PKEY_free(id->key);
	free(id);
}
