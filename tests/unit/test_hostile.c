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
#include <unistd.h>

#include <cmocka.h>

#include <openssl/ssl.h>

#include "enginetest.h"
#include "mint.h"
#include "probe.h"
#include "tlsserver.h"

#define TIMEOUT_MS	1500

struct env {
	struct enginetest	 et;
	struct tlsserver	*healthy;
};

static struct tlsserver *serve(struct env *, enum tlsserver_mode, X509 *,
		    X509 *const *, size_t);
static void	 race(struct env *, struct tlsserver *,
		    struct enginetest_got *, struct enginetest_got *);

static int
setup(void **state)
{
	struct env	*e;

	e = calloc(1, sizeof(*e));
	assert_non_null(e);
	assert_int_equal(enginetest_init(&e->et, MINT_EC, 0), 0);
	e->healthy = serve(e, TS_TLS, e->et.leaf, &e->et.pki.inter, 1);
	*state = e;
	return 0;
}

static int
teardown(void **state)
{
	struct env	*e = *state;

	tlsserver_stop(e->healthy);
	enginetest_free(&e->et);
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

	enginetest_spec(&e->et, mode, &s);
	s.leaf = leaf;
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
race(struct env *e, struct tlsserver *hostile, struct enginetest_got *h,
    struct enginetest_got *ok)
{
	struct probe_req	 req;
	double			 t0;

	memset(&req, 0, sizeof(req));
	req.address = "127.0.0.1";
	req.sni = "sip.contoso.com";
	req.timeout_ms = TIMEOUT_MS;
	t0 = enginetest_now_ms();
	req.port = tlsserver_port(hostile);
	enginetest_start(&e->et, &req, h);
	req.port = tlsserver_port(e->healthy);
	enginetest_start(&e->et, &req, ok);
	assert_int_equal(enginetest_run(&e->et), 0);
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
	struct enginetest_got	 h, ok;

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
	struct tlsserver	*ts = serve(e, TS_TICKET_FLOOD, e->et.leaf,
				    &e->et.pki.inter, 1);
	struct enginetest_got	 h, ok;

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
	struct tlsserver	*ts = serve(e, TS_STALL_AFTER_CERT, e->et.leaf,
				    &e->et.pki.inter, 1);
	struct enginetest_got	 h, ok;

	race(e, ts, &h, &ok);
	assert_int_equal(h.err, PROBE_TIMEOUT);
	assert_non_null(strstr(h.cause, "stalled after the certificate"));
	assert_int_equal(sk_X509_num(h.chain), 2);
	assert_int_equal(X509_cmp(sk_X509_value(h.chain, 0), e->et.leaf), 0);
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
	struct enginetest_got	 h, ok;
	int			 i;

	memset(&spec, 0, sizeof(spec));
	spec.ca = 1;
	extra[0] = e->et.pki.inter;
	for (i = 1; i < 99; i++) {
		snprintf(cn, sizeof(cn), "Junk %d", i);
		spec.cn = cn;
		extra[i] = mint_cert(&spec, e->et.key, NULL, NULL);
		assert_non_null(extra[i]);
	}
	ts = serve(e, TS_TLS, e->et.leaf, extra, 99);
	race(e, ts, &h, &ok);
	assert_int_equal(h.err, PROBE_OK);
	assert_int_equal(sk_X509_num(h.chain), 64);
	assert_int_equal(X509_cmp(sk_X509_value(h.chain, 0), e->et.leaf), 0);
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
	struct enginetest_got	 h, ok;

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
	leaf = mint_cert(&spec, e->et.key, e->et.pki.inter, e->et.pki.inter_key);
	assert_non_null(leaf);
	assert_true(i2d_X509(leaf, NULL) > 256 * 1024);
	ts = serve(e, TS_TLS, leaf, &e->et.pki.inter, 1);
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
