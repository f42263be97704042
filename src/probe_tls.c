/*
 * probe_tls.c: the engine's OpenSSL callbacks, which capture what a probe
 * reports: the chain exactly as the server presented it, whether it asked
 * for a client certificate, and the last fatal alert it sent.
 */
#include <stdio.h>

#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "probe.h"
#include "probe_int.h"
#include "probe_tls.h"
#include "xmalloc.h"

static int	 probe_ssl_idx = -1;

static struct probe *probe_tls_probe(const SSL *);
static int	 probe_cert_cb(X509_STORE_CTX *, void *);
static int	 probe_client_cert_cb(SSL *, X509 **, EVP_PKEY **);
static void	 probe_info_cb(const SSL *, int, int);

/* The ex-data index that ties an SSL to its probe, made once. */
int
probe_tls_init(char **cause)
{
	if (probe_ssl_idx == -1 &&
	    (probe_ssl_idx = SSL_get_ex_new_index(0, NULL, NULL, NULL,
	    NULL)) == -1) {
		*cause = xstrdup("SSL_get_ex_new_index failed");
		return -1;
	}
	return 0;
}

/* Install the capture callbacks on the engine's context. */
void
probe_tls_ctx(SSL_CTX *ctx)
{
	/*
	 * Why the chain is captured here and not verified: a certificate
	 * problem is a finding, never a reason to abort the handshake, and
	 * the policy verifies once, after the handshake, against the
	 * configured store at a time it is given. This callback replaces
	 * OpenSSL's own chain verification (which SSL_VERIFY_NONE alone
	 * would still run), so no signature is checked twice. It is called
	 * as soon as the Certificate message arrives, so a server that
	 * aborts afterwards (an MTLS Edge refusing us) is still judged.
	 */
	SSL_CTX_set_cert_verify_callback(ctx, probe_cert_cb, NULL);
	SSL_CTX_set_client_cert_cb(ctx, probe_client_cert_cb);
	SSL_CTX_set_info_callback(ctx, probe_info_cb);
}

/* Tie an SSL to its probe, for the callbacks below. */
void
probe_tls_bind(SSL *ssl, struct probe *p)
{
	SSL_set_ex_data(ssl, probe_ssl_idx, p);
}

/* The probe an SSL belongs to, or NULL. */
static struct probe *
probe_tls_probe(const SSL *ssl)
{
	return SSL_get_ex_data(ssl, probe_ssl_idx);
}

/* OpenSSL's chain check, replaced: keep the chain as sent, accept it. */
static int
probe_cert_cb(X509_STORE_CTX *xctx, void *arg)
{
	STACK_OF(X509)	*sent;
	SSL		*ssl;
	struct probe	*p;
	int		 i, n;

	(void)arg;
	ssl = X509_STORE_CTX_get_ex_data(xctx,
	    SSL_get_ex_data_X509_STORE_CTX_idx());
	if (ssl == NULL || (p = probe_tls_probe(ssl)) == NULL)
		return 1;
	if ((sent = X509_STORE_CTX_get0_untrusted(xctx)) == NULL)
		return 1;
	sk_X509_pop_free(p->chain, X509_free);
	if ((p->chain = sk_X509_new_reserve(NULL, PROBE_MAX_CHAIN)) == NULL)
		return 1;
	n = p->chain_sent = sk_X509_num(sent);
	if (n > PROBE_MAX_CHAIN)
		n = PROBE_MAX_CHAIN;
	for (i = 0; i < n; i++) {
		X509	*x = sk_X509_value(sent, i);

		X509_up_ref(x);
		sk_X509_push(p->chain, x);
	}
	return 1;
}

/* The server asked for a client certificate: note it, send none. */
static int
probe_client_cert_cb(SSL *ssl, X509 **x509, EVP_PKEY **pkey)
{
	struct probe	*p;

	(void)x509;
	(void)pkey;
	if ((p = probe_tls_probe(ssl)) != NULL)
		p->cert_requested = 1;
	return 0;
}

/* Remember the last alert the server sent, for the failure message. */
static void
probe_info_cb(const SSL *ssl, int where, int ret)
{
	struct probe	*p;

	if ((where & SSL_CB_ALERT) == 0 || (where & SSL_CB_READ) == 0)
		return;
	if ((p = probe_tls_probe(ssl)) == NULL)
		return;
	if ((ret >> 8) == SSL3_AL_FATAL)
		snprintf(p->alert, sizeof(p->alert), "%s",
		    SSL_alert_desc_string_long(ret));
}
