/*
 * enginetest.c: the engine set-up the engine tests share (enginetest.h).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <openssl/ssl.h>

#include "enginetest.h"
#include "mint.h"
#include "probe.h"
#include "tlsctx.h"
#include "tlsserver.h"

static void	 enginetest_done(struct probe_outcome *, void *);

/* Mint the PKI and an Edge leaf, make the context and the engine. */
int
enginetest_init(struct enginetest *et, enum mint_keytype type, int bits)
{
	struct mint_spec	 spec;
	char			*cause = NULL;

	memset(et, 0, sizeof(*et));
	if (mint_pki_init(&et->pki, type, 0) != 0)
		return -1;
	if ((et->key = mint_key(type, bits)) == NULL)
		return -1;
	mint_spec_edge(&spec);
	if ((et->leaf = mint_cert(&spec, et->key, et->pki.inter,
	    et->pki.inter_key)) == NULL)
		return -1;
	if ((et->ctx = tlsctx_client(&cause)) == NULL)
		return -1;
	if ((et->eng = probe_engine_new(et->ctx, 8, &cause)) == NULL)
		return -1;
	return 0;
}

/* Free the engine, the context and what was minted. */
void
enginetest_free(struct enginetest *et)
{
	probe_engine_free(et->eng);
	SSL_CTX_free(et->ctx);
	X509_free(et->leaf);
	EVP_PKEY_free(et->key);
	mint_pki_free(&et->pki);
}

/* A server spec presenting leaf + intermediate, everything else default. */
void
enginetest_spec(const struct enginetest *et, enum tlsserver_mode mode,
    struct tlsserver_spec *s)
{
	memset(s, 0, sizeof(*s));
	s->mode = mode;
	s->leaf = et->leaf;
	s->key = et->key;
	s->extra = &et->pki.inter;
	s->nextra = 1;
}

/* Start one probe reporting into g. */
void
enginetest_start(struct enginetest *et, const struct probe_req *req,
    struct enginetest_got *g)
{
	memset(g, 0, sizeof(*g));
	g->et = et;
	et->left++;
	probe_start(et->eng, req, enginetest_done, g);
}

/* Run the loop; it stops when the last probe started has reported. */
int
enginetest_run(struct enginetest *et)
{
	return probe_engine_run(et->eng);
}

/* Milliseconds of the monotonic clock. */
double
enginetest_now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

/* Record an outcome and when it came; stop when every probe is in. */
static void
enginetest_done(struct probe_outcome *o, void *arg)
{
	struct enginetest_got	*g = arg;

	g->done++;
	g->at_ms = enginetest_now_ms();
	g->err = o->err;
	snprintf(g->cause, sizeof(g->cause), "%s", o->cause);
	g->chain = o->chain;
	o->chain = NULL;
	g->has_tls = o->has_tls;
	g->tls_version = o->tls_version;
	snprintf(g->version_name, sizeof(g->version_name), "%s",
	    o->version_name);
	snprintf(g->cipher, sizeof(g->cipher), "%s", o->cipher);
	g->cert_requested = o->cert_requested;
	g->acceptable_cas = o->acceptable_cas;
	memset(&o->acceptable_cas, 0, sizeof(o->acceptable_cas));
	g->client_cert_sent = o->client_cert_sent;
	g->handshake_ms = o->handshake_ms;
	if (--g->et->left == 0)
		probe_engine_stop(g->et->eng);
}
