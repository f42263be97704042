/*
 * probe_tls.c: the engine's OpenSSL callbacks, which capture what a probe
 * reports: the chain exactly as the server presented it, whether it asked
 * for a client certificate and from which CAs, and the last fatal alert it
 * sent; and they present the probe's client identity when it has one.
 * It also copies the stapled OCSP response out of a finished handshake.
 */
#include <stdio.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/err.h>

#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "probe.h"
#include "probe_int.h"
#include "probe_tls.h"
#include "xmalloc.h"

static int	 probe_ssl_idx = -1;

static struct probe *probe_tls_probe(const SSL *);
static int	 probe_cert_cb(X509_STORE_CTX *, void *);
static int	 probe_cert_request_cb(SSL *, void *);
static void	 probe_tls_cas(struct probe *, const SSL *);
static void	 probe_tls_identity(struct probe *, SSL *);
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
	/*
	 * A CertificateRequest runs the cert callback first (once, when our
	 * Certificate is due), then, only when no usable certificate is set,
	 * the client-cert callback. The identity is set on the probe's SSL
	 * there, not on the shared context: one SSL_CTX for every probe.
	 */
	SSL_CTX_set_cert_cb(ctx, probe_cert_request_cb, NULL);
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

/* The server asked for a client certificate: note its CAs, set ours. */
static int
probe_cert_request_cb(SSL *ssl, void *arg)
{
	struct probe	*p;

	(void)arg;
	if ((p = probe_tls_probe(ssl)) == NULL)
		return 1;
	p->cert_requested = 1;
	probe_tls_cas(p, ssl);
	if (p->client_cert != NULL)
		probe_tls_identity(p, ssl);
	return 1;
}

/*
 * Keep the CA names of the request as RFC 4514 strings, in order. A
 * hostile server may send thousands, or one enormous name: the first
 * PROBE_MAX_CAS are kept, each cut at PROBE_MAX_CA_LEN bytes (the RFC 2253
 * flags escape every byte outside printable ASCII, so a cut never splits
 * a character and no control byte reaches a log line).
 */
static void
probe_tls_cas(struct probe *p, const SSL *ssl)
{
	const STACK_OF(X509_NAME)	*names;
	char				 buf[PROBE_MAX_CA_LEN + 1];
	char				*data;
	BIO				*bio;
	long				 len;
	int				 i, n;

	strlist_free(&p->acceptable_cas);
	if ((names = SSL_get0_peer_CA_list(ssl)) == NULL ||
	    (n = sk_X509_NAME_num(names)) <= 0)
		return;
	if (n > PROBE_MAX_CAS)
		n = PROBE_MAX_CAS;
	if ((bio = BIO_new(BIO_s_mem())) == NULL)
		return;
	for (i = 0; i < n; i++) {
		(void)BIO_reset(bio);
		if (X509_NAME_print_ex(bio, sk_X509_NAME_value(names, i), 0,
		    XN_FLAG_RFC2253) < 0)
			continue;
		if ((len = BIO_get_mem_data(bio, &data)) < 0)
			len = 0;
		if (len > PROBE_MAX_CA_LEN)
			len = PROBE_MAX_CA_LEN;
		memcpy(buf, data, (size_t)len);
		buf[len] = '\0';
		strlist_add(&p->acceptable_cas, buf);
	}
	BIO_free(bio);
	ERR_clear_error();
}

/*
 * Present the probe's identity: leaf, key and chain on this SSL only.
 * OpenSSL then sends it if it suits the server's signature algorithms;
 * if not, it calls probe_client_cert_cb(), which says "none".
 */
static void
probe_tls_identity(struct probe *p, SSL *ssl)
{
	if (SSL_use_certificate(ssl, p->client_cert) == 1 &&
	    SSL_use_PrivateKey(ssl, p->client_key) == 1 &&
	    (p->client_chain == NULL ||
	    SSL_set1_chain(ssl, p->client_chain) == 1))
		p->client_cert_sent = 1;
	else
		ERR_clear_error();
}

/* No usable client certificate is set: send none (an empty Certificate). */
static int
probe_client_cert_cb(SSL *ssl, X509 **x509, EVP_PKEY **pkey)
{
	struct probe	*p;

	(void)x509;
	(void)pkey;
	if ((p = probe_tls_probe(ssl)) != NULL) {
		p->cert_requested = 1;
		p->client_cert_sent = 0;
	}
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

/* Copy the stapled OCSP response, if one came, at most PROBE_MAX_OCSP bytes. */
void
probe_tls_staple(SSL *ssl, struct probe_outcome *o)
{
	const unsigned char	*der = NULL;
	long			 len;

	len = SSL_get_tlsext_status_ocsp_resp(ssl, &der);
	if (len <= 0 || der == NULL)
		return;
	o->ocsp_len = len > PROBE_MAX_OCSP ? PROBE_MAX_OCSP : (size_t)len;
	o->ocsp_der = xmalloc(o->ocsp_len);
	memcpy(o->ocsp_der, der, o->ocsp_len);
}
