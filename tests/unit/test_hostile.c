/*
 * test_hostile.c: the probe engine against the hostile peers that
 * test_engine.c does not cover: floods, a stall after the certificate,
 * chains past the engine's bounds. Each case runs a healthy probe in the
 * same loop and times both: a hostile server must never hold the loop,
 * so the healthy probe ends in milliseconds whatever the other does.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include <openssl/ssl.h>

#include "mint.h"
#include "probe.h"
#include "tlsctx.h"
#include "tlsserver.h"

#define TIMEOUT_MS	1500

struct got {
	int			 done;
	enum probe_error	 err;
	char			 cause[256];
	STACK_OF(X509)		*chain;
	int			 cert_requested;
	double			 at_ms;		/* when the callback ran */
};

struct env {
	SSL_CTX			*ctx;
	struct probe_engine	*eng;
	struct mint_pki		 pki;
	EVP_PKEY		*key;
	X509			*leaf;
	struct tlsserver	*healthy;
	int			 left;
};

static struct env	*E;

static double	 now_ms(void);
static void	 on_done(struct probe_outcome *, void *);
static struct tlsserver *serve(struct env *, enum tlsserver_mode, X509 *,
		    X509 *const *, size_t);
static void	 race(struct env *, struct tlsserver *, struct got *,
		    struct got *);

/* Milliseconds of the monotonic clock. */
static double
now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

/* Record an outcome and when it came; stop when both are in. */
static void
on_done(struct probe_outcome *o, void *arg)
{
	struct got	*g = arg;

	g->done++;
	g->err = o->err;
	g->at_ms = now_ms();
	snprintf(g->cause, sizeof(g->cause), "%s", o->cause);
	g->chain = o->chain;
	o->chain = NULL;
	g->cert_requested = o->cert_requested;
	if (--E->left == 0)
		probe_engine_stop(E->eng);
}

static int
setup(void **state)
{
	struct env		*e;
	struct mint_spec	 spec;
	char			*cause = NULL;

	e = calloc(1, sizeof(*e));
	assert_non_null(e);
	assert_int_equal(mint_pki_init(&e->pki, MINT_EC, 0), 0);
	e->key = mint_key(MINT_EC, 0);
	assert_non_null(e->key);
	mint_spec_edge(&spec);
	e->leaf = mint_cert(&spec, e->key, e->pki.inter, e->pki.inter_key);
	assert_non_null(e->leaf);
	e->ctx = tlsctx_client(&cause);
	assert_non_null(e->ctx);
	e->eng = probe_engine_new(e->ctx, 8, &cause);
	assert_non_null(e->eng);
	e->healthy = serve(e, TS_TLS, e->leaf, &e->pki.inter, 1);
	E = e;
	*state = e;
	return 0;
}

static int
teardown(void **state)
{
	struct env	*e = *state;

	tlsserver_stop(e->healthy);
	probe_engine_free(e->eng);
	SSL_CTX_free(e->ctx);
	X509_free(e->leaf);
	EVP_PKEY_free(e->key);
	mint_pki_free(&e->pki);
	free(e);
	return 0;
}

/* A server presenting leaf + extra in the given mode. */
static struct tlsserver *
serve(struct env *e, enum tlsserver_mode mode, X509 *leaf,
    X509 *const *extra, size_t nextra)
{
	struct tlsserver_spec	 s;
	struct tlsserver	*ts;

	memset(&s, 0, sizeof(s));
	s.mode = mode;
	s.leaf = leaf;
	s.key = e->key;
	s.extra = extra;
	s.nextra = nextra;
	ts = tlsserver_start(&s);
	assert_non_null(ts);
	return ts;
}

/*
 * Probe the hostile server, then the healthy one, in one loop: h gets the
 * hostile outcome, ok the healthy one; at_ms relative to the start.
 */
static void
race(struct env *e, struct tlsserver *hostile, struct got *h, struct got *ok)
{
	struct probe_req	 req;
	double			 t0;

	memset(h, 0, sizeof(*h));
	memset(ok, 0, sizeof(*ok));
	memset(&req, 0, sizeof(req));
	req.address = "127.0.0.1";
	req.sni = "sip.contoso.com";
	req.timeout_ms = TIMEOUT_MS;
	e->left = 2;
	t0 = now_ms();
	req.port = tlsserver_port(hostile);
	probe_start(e->eng, &req, on_done, h);
	req.port = tlsserver_port(e->healthy);
	probe_start(e->eng, &req, on_done, ok);
	assert_int_equal(probe_engine_run(e->eng), 0);
	assert_int_equal(h->done, 1);
	assert_int_equal(ok->done, 1);
	h->at_ms -= t0;
	ok->at_ms -= t0;
	/*
	 * The healthy probe never waits for the hostile one: it ends well
	 * before the hostile probe's deadline could free the loop.
	 */
	assert_int_equal(ok->err, PROBE_OK);
	assert_int_equal(sk_X509_num(ok->chain), 2);
	sk_X509_pop_free(ok->chain, X509_free);
	if (ok->at_ms > TIMEOUT_MS * 2 / 3) {
		sk_X509_pop_free(h->chain, X509_free);
		fail_msg("the healthy probe took %.0f ms", ok->at_ms);
	}
}

/*
 * HelloRequests without end: OpenSSL skips them in a loop while bytes
 * keep coming; the read budget gives the loop back, the deadline ends it.
 */
static void
test_hello_request_flood(void **state)
{
	struct env		*e = *state;
	struct tlsserver	*ts = serve(e, TS_HELLO_REQUEST_FLOOD, NULL,
				    NULL, 0);
	struct got		 h, ok;

	race(e, ts, &h, &ok);
	assert_int_equal(h.err, PROBE_TIMEOUT);
	assert_non_null(strstr(h.cause, "no certificate received"));
	assert_int_equal(sk_X509_num(h.chain), 0);
	if (h.at_ms < TIMEOUT_MS - 10 || h.at_ms > TIMEOUT_MS + 500)
		fail_msg("the flooded probe ended after %.0f ms", h.at_ms);
	sk_X509_pop_free(h.chain, X509_free);
	tlsserver_stop(ts);
}

/* Session tickets without end after a TLS 1.3 CertificateRequest: OK. */
static void
test_ticket_flood(void **state)
{
	struct env		*e = *state;
	struct tlsserver	*ts = serve(e, TS_TICKET_FLOOD, e->leaf,
				    &e->pki.inter, 1);
	struct got		 h, ok;

	race(e, ts, &h, &ok);
	assert_int_equal(h.err, PROBE_OK);
	assert_int_equal(h.cert_requested, 1);
	assert_int_equal(sk_X509_num(h.chain), 2);
	/* The one second of grace for a refusal, and not much more. */
	if (h.at_ms < 990.0 || h.at_ms > TIMEOUT_MS)
		fail_msg("the ticket-flooded probe ended after %.0f ms",
		    h.at_ms);
	sk_X509_pop_free(h.chain, X509_free);
	tlsserver_stop(ts);
}

/* The Certificate, then silence: TIMEOUT, with the chain captured. */
static void
test_stall_after_cert(void **state)
{
	struct env		*e = *state;
	struct tlsserver	*ts = serve(e, TS_STALL_AFTER_CERT, e->leaf,
				    &e->pki.inter, 1);
	struct got		 h, ok;

	race(e, ts, &h, &ok);
	assert_int_equal(h.err, PROBE_TIMEOUT);
	assert_non_null(strstr(h.cause, "stalled after the certificate"));
	assert_int_equal(sk_X509_num(h.chain), 2);
	assert_int_equal(X509_cmp(sk_X509_value(h.chain, 0), e->leaf), 0);
	sk_X509_pop_free(h.chain, X509_free);
	tlsserver_stop(ts);
}

/* 100 certificates sent: the first 64 are kept, in order. */
static void
test_chain_cap(void **state)
{
	struct env		*e = *state;
	struct mint_spec	 spec;
	struct tlsserver	*ts;
	X509			*extra[99];
	char			 cn[64];
	struct got		 h, ok;
	int			 i;

	memset(&spec, 0, sizeof(spec));
	spec.ca = 1;
	extra[0] = e->pki.inter;
	for (i = 1; i < 99; i++) {
		snprintf(cn, sizeof(cn), "Junk %d", i);
		spec.cn = cn;
		extra[i] = mint_cert(&spec, e->key, NULL, NULL);
		assert_non_null(extra[i]);
	}
	ts = serve(e, TS_TLS, e->leaf, extra, 99);
	race(e, ts, &h, &ok);
	assert_int_equal(h.err, PROBE_OK);
	assert_int_equal(sk_X509_num(h.chain), 64);
	assert_int_equal(X509_cmp(sk_X509_value(h.chain, 0), e->leaf), 0);
	for (i = 1; i < 64; i++)
		assert_int_equal(X509_cmp(sk_X509_value(h.chain, i),
		    extra[i - 1]), 0);
	sk_X509_pop_free(h.chain, X509_free);
	tlsserver_stop(ts);
	for (i = 1; i < 99; i++)
		X509_free(extra[i]);
}

/* A certificate list over 256 KiB is refused at once. */
static void
test_cert_list_bound(void **state)
{
	struct env		*e = *state;
	struct mint_spec	 spec;
	struct tlsserver	*ts;
	X509			*leaf;
	char			**names;
	size_t			 i, n = 12000;
	struct got		 h, ok;

	names = calloc(n, sizeof(*names));
	assert_non_null(names);
	for (i = 0; i < n; i++) {
		names[i] = malloc(32);
		assert_non_null(names[i]);
		snprintf(names[i], 32, "edge-%05zu.pool.contoso.com", i);
	}
	mint_spec_edge(&spec);
	spec.dns = (const char *const *)names;
	spec.ndns = n;
	leaf = mint_cert(&spec, e->key, e->pki.inter, e->pki.inter_key);
	assert_non_null(leaf);
	assert_true(i2d_X509(leaf, NULL) > 256 * 1024);
	ts = serve(e, TS_TLS, leaf, &e->pki.inter, 1);
	race(e, ts, &h, &ok);
	assert_int_equal(h.err, PROBE_HANDSHAKE_FAILED);
	assert_non_null(strstr(h.cause, "excessive message size"));
	assert_int_equal(sk_X509_num(h.chain), 0);
	if (h.at_ms > 500.0)
		fail_msg("the refusal took %.0f ms", h.at_ms);
	sk_X509_pop_free(h.chain, X509_free);
	tlsserver_stop(ts);
	X509_free(leaf);
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hello_request_flood),
		cmocka_unit_test(test_ticket_flood),
		cmocka_unit_test(test_stall_after_cert),
		cmocka_unit_test(test_chain_cap),
		cmocka_unit_test(test_cert_list_bound),
	};

	/* A server that holds the loop would hang the test: end it. */
	alarm(60);
	return cmocka_run_group_tests(tests, setup, teardown);
}
