/*
 * test_engine.c: the probe engine against real TLS listeners on loopback.
 *
 * Every case starts real servers (tests/lib/tlsserver.c) presenting
 * certificates minted for the run, drives the engine's loop and asserts the
 * exact outcome: error kind, captured chain, negotiated protocol, timing.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <openssl/ssl.h>

#include "enginetest.h"
#include "mint.h"
#include "probe.h"
#include "tlsserver.h"

static struct enginetest	*E;

static int
setup(void **state)
{
	struct enginetest	*e;

	e = calloc(1, sizeof(*e));
	assert_non_null(e);
	assert_int_equal(enginetest_init(e, MINT_RSA, 2048), 0);
	E = e;
	*state = e;
	return 0;
}

static int
teardown(void **state)
{
	struct enginetest	*e = *state;

	enginetest_free(e);
	free(e);
	return 0;
}

/* Start a server presenting leaf + intermediate in the given mode. */
static struct tlsserver *
serve(struct enginetest *e, enum tlsserver_mode mode, int maxv,
    const char *bind)
{
	struct tlsserver_spec	 s;
	struct tlsserver	*ts;

	enginetest_spec(e, mode, &s);
	s.bind = bind;
	s.max_version = maxv;
	ts = tlsserver_start(&s);
	assert_non_null(ts);
	return ts;
}

/* A client identity for a probe: leaf, chain after it, key. */
struct ident {
	X509		*cert;
	STACK_OF(X509)	*chain;
	EVP_PKEY	*key;
};

/* Probe one address:port as id (NULL: none) and run until it is done. */
static void
probe_as(struct enginetest *e, const char *addr, int port, int timeout_ms,
    const struct ident *id, struct enginetest_got *g)
{
	struct probe_req	 req;

	memset(&req, 0, sizeof(req));
	req.address = addr;
	req.port = port;
	req.sni = "sip.contoso.com";
	req.timeout_ms = timeout_ms;
	if (id != NULL) {
		req.client_cert = id->cert;
		req.client_chain = id->chain;
		req.client_key = id->key;
	}
	enginetest_start(e, &req, g);
	/* The callback never runs inside probe_start(). */
	assert_int_equal(g->done, 0);
	assert_int_equal(enginetest_run(e), 0);
	assert_int_equal(g->done, 1);
}

/* Probe one address:port without a client identity. */
static void
probe_one(struct enginetest *e, const char *addr, int port, int timeout_ms,
    struct enginetest_got *g)
{
	probe_as(e, addr, port, timeout_ms, NULL, g);
}

/* A normal server: OK, the chain exactly as sent, TLS 1.3. */
static void
test_ok_chain_as_sent(void **state)
{
	struct enginetest	*e = *state;
	struct tlsserver	*ts = serve(e, TS_TLS, 0, NULL);
	struct enginetest_got	 g;

	probe_one(e, "127.0.0.1", tlsserver_port(ts), 5000, &g);
	assert_int_equal(g.err, PROBE_OK);
	assert_int_equal(g.has_tls, 1);
	assert_int_equal(sk_X509_num(g.chain), 2);
	assert_int_equal(X509_cmp(sk_X509_value(g.chain, 0), e->leaf), 0);
	assert_int_equal(X509_cmp(sk_X509_value(g.chain, 1), e->pki.inter), 0);
	assert_int_equal(g.tls_version, TLS1_3_VERSION);
	assert_string_equal(g.version_name, "TLSv1.3");
	assert_true(strlen(g.cipher) > 0);
	assert_int_equal(g.cert_requested, 0);
	assert_true(g.handshake_ms > 0.0 && g.handshake_ms < 5000.0);
	sk_X509_pop_free(g.chain, X509_free);
	tlsserver_stop(ts);
}

/* TLS 1.2 negotiates TLS 1.2 and names its cipher. */
static void
test_tls12(void **state)
{
	struct enginetest	*e = *state;
	struct tlsserver	*ts = serve(e, TS_TLS, TLS1_2_VERSION, NULL);
	struct enginetest_got	 g;

	probe_one(e, "127.0.0.1", tlsserver_port(ts), 5000, &g);
	assert_int_equal(g.err, PROBE_OK);
	assert_string_equal(g.version_name, "TLSv1.2");
	assert_string_equal(g.cipher, "ECDHE-RSA-AES256-GCM-SHA384");
	sk_X509_pop_free(g.chain, X509_free);
	tlsserver_stop(ts);
}

/* A Lync 2013 era server: TLS 1.0 only, SHA-1, RSA-1024: captured. */
static void
test_legacy_tls10_sha1_1024(void **state)
{
	struct enginetest	*e = *state;
	struct mint_spec	 spec;
	struct tlsserver_spec	 s;
	struct tlsserver	*ts;
	EVP_PKEY		*k;
	X509			*leaf;
	struct enginetest_got	 g;

	k = mint_key(MINT_RSA, 1024);
	mint_spec_edge(&spec);
	spec.md = "sha1";
	leaf = mint_cert(&spec, k, e->pki.inter, e->pki.inter_key);
	assert_non_null(leaf);
	enginetest_spec(e, TS_TLS, &s);
	s.leaf = leaf;
	s.key = k;
	s.min_version = TLS1_VERSION;
	s.max_version = TLS1_VERSION;
	ts = tlsserver_start(&s);
	assert_non_null(ts);
	probe_one(e, "127.0.0.1", tlsserver_port(ts), 5000, &g);
	assert_int_equal(g.err, PROBE_OK);
	assert_string_equal(g.version_name, "TLSv1");
	assert_int_equal(sk_X509_num(g.chain), 2);
	assert_int_equal(X509_cmp(sk_X509_value(g.chain, 0), leaf), 0);
	sk_X509_pop_free(g.chain, X509_free);
	tlsserver_stop(ts);
	X509_free(leaf);
	EVP_PKEY_free(k);
}

/* An MTLS Edge (TLS 1.2) refusing us: HANDSHAKE_FAILED, chain kept. */
static void
test_require_cert_tls12(void **state)
{
	struct enginetest	*e = *state;
	struct tlsserver	*ts = serve(e, TS_REQUIRE_CERT, TLS1_2_VERSION,
				    NULL);
	struct enginetest_got	 g;

	probe_one(e, "127.0.0.1", tlsserver_port(ts), 5000, &g);
	assert_int_equal(g.err, PROBE_HANDSHAKE_FAILED);
	assert_int_equal(g.cert_requested, 1);
	assert_int_equal(g.has_tls, 1);
	assert_int_equal(sk_X509_num(g.chain), 2);
	assert_int_equal(X509_cmp(sk_X509_value(g.chain, 0), e->leaf), 0);
	assert_non_null(strstr(g.cause, "after sending its certificate"));
	assert_non_null(strstr(g.cause, "client certificate"));
	assert_int_equal(g.client_cert_sent, 0);
	assert_int_equal(g.acceptable_cas.n, 0);
	sk_X509_pop_free(g.chain, X509_free);
	tlsserver_stop(ts);
}

/* The same refusal in TLS 1.3 arrives after our Finished: still caught. */
static void
test_require_cert_tls13(void **state)
{
	struct enginetest	*e = *state;
	struct tlsserver	*ts = serve(e, TS_REQUIRE_CERT, TLS1_3_VERSION,
				    NULL);
	struct enginetest_got	 g;

	probe_one(e, "127.0.0.1", tlsserver_port(ts), 5000, &g);
	assert_int_equal(g.err, PROBE_HANDSHAKE_FAILED);
	assert_int_equal(g.cert_requested, 1);
	assert_int_equal(sk_X509_num(g.chain), 2);
	assert_string_equal(g.version_name, "TLSv1.3");
	sk_X509_pop_free(g.chain, X509_free);
	tlsserver_stop(ts);
}

/* An optional CertificateRequest is reported, and the probe is OK. */
static void
test_optional_cert_request(void **state)
{
	struct enginetest	*e = *state;
	struct tlsserver_spec	 s;
	struct tlsserver	*ts;
	struct enginetest_got	 g;

	enginetest_spec(e, TS_TLS, &s);
	s.max_version = TLS1_2_VERSION;
	s.request_cert = 1;
	ts = tlsserver_start(&s);
	assert_non_null(ts);
	probe_one(e, "127.0.0.1", tlsserver_port(ts), 5000, &g);
	assert_int_equal(g.err, PROBE_OK);
	assert_int_equal(g.cert_requested, 1);
	sk_X509_pop_free(g.chain, X509_free);
	tlsserver_stop(ts);
}

/* Nothing listens: CONNECT_FAILED naming the refusal. */
static void
test_connect_refused(void **state)
{
	struct enginetest	*e = *state;
	struct enginetest_got	 g;

	probe_one(e, "127.0.0.1", tlsserver_closed_port("127.0.0.1"), 5000,
	    &g);
	assert_int_equal(g.err, PROBE_CONNECT_FAILED);
	assert_non_null(strstr(g.cause, "Connection refused"));
	assert_int_equal(g.has_tls, 0);
	assert_int_equal(sk_X509_num(g.chain), 0);
	sk_X509_pop_free(g.chain, X509_free);
}

/* Accepts and never speaks: TIMEOUT at the deadline, not later. */
static void
test_silent_timeout(void **state)
{
	struct enginetest	*e = *state;
	struct tlsserver	*ts = serve(e, TS_SILENT, 0, NULL);
	struct enginetest_got	 g;
	double			 t0 = enginetest_now_ms(), dt;

	probe_one(e, "127.0.0.1", tlsserver_port(ts), 700, &g);
	dt = enginetest_now_ms() - t0;
	assert_int_equal(g.err, PROBE_TIMEOUT);
	assert_non_null(strstr(g.cause, "no certificate received"));
	assert_true(dt >= 690.0 && dt < 1500.0);
	sk_X509_pop_free(g.chain, X509_free);
	tlsserver_stop(ts);
}

/* A byte a second: the one deadline ends it, inactivity does not count. */
static void
test_trickle_timeout(void **state)
{
	struct enginetest	*e = *state;
	struct tlsserver	*ts = serve(e, TS_TRICKLE, 0, NULL);
	struct enginetest_got	 g;
	double			 t0 = enginetest_now_ms(), dt;

	probe_one(e, "127.0.0.1", tlsserver_port(ts), 2500, &g);
	dt = enginetest_now_ms() - t0;
	assert_int_equal(g.err, PROBE_TIMEOUT);
	assert_true(dt >= 2490.0 && dt < 3500.0);
	sk_X509_pop_free(g.chain, X509_free);
	tlsserver_stop(ts);
}

/* Hostile peers that end the handshake: HANDSHAKE_FAILED each. */
static void
test_handshake_failures(void **state)
{
	static const struct {
		enum tlsserver_mode	 mode;
		const char		*cause;
	} cases[] = {
		{ TS_CLOSE,	"closed the connection" },
		{ TS_GARBAGE,	"TLS protocol error" },
		{ TS_HTTP,	"does not speak TLS" },
		{ TS_ALERT,	"handshake failure" },
	};
	struct enginetest	*e = *state;
	struct tlsserver	*ts;
	struct enginetest_got	 g;
	size_t			 i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ts = serve(e, cases[i].mode, 0, NULL);
		probe_one(e, "127.0.0.1", tlsserver_port(ts), 5000, &g);
		if (g.err != PROBE_HANDSHAKE_FAILED ||
		    strstr(g.cause, cases[i].cause) == NULL)
			fail_msg("mode %d: err %d cause \"%s\", want \"%s\"",
			    (int)cases[i].mode, (int)g.err, g.cause,
			    cases[i].cause);
		assert_int_equal(sk_X509_num(g.chain), 0);
		sk_X509_pop_free(g.chain, X509_free);
		tlsserver_stop(ts);
	}
}

/* A reset in the middle of the handshake. */
static void
test_reset(void **state)
{
	struct enginetest	*e = *state;
	struct tlsserver	*ts = serve(e, TS_RST, 0, NULL);
	struct enginetest_got	 g;

	probe_one(e, "127.0.0.1", tlsserver_port(ts), 5000, &g);
	assert_int_equal(g.err, PROBE_HANDSHAKE_FAILED);
	assert_non_null(strstr(g.cause, "reset"));
	sk_X509_pop_free(g.chain, X509_free);
	tlsserver_stop(ts);
}

/* IPv6 loopback works like IPv4. */
static void
test_ipv6(void **state)
{
	struct enginetest	*e = *state;
	struct tlsserver	*ts = serve(e, TS_TLS, 0, "::1");
	struct enginetest_got	 g;

	probe_one(e, "::1", tlsserver_port(ts), 5000, &g);
	assert_int_equal(g.err, PROBE_OK);
	assert_int_equal(sk_X509_num(g.chain), 2);
	sk_X509_pop_free(g.chain, X509_free);
	tlsserver_stop(ts);
}

static size_t	 conc_max;
static int	 conc_left;

/* Track the most probes in flight at once. */
static void
on_conc(struct probe_outcome *o, void *arg)
{
	struct probe_engine	*eng = arg;
	size_t			 n = probe_engine_inflight(eng) + 1;

	if (o->err != PROBE_OK)
		fail_msg("probe failed: %s", o->cause);
	if (n > conc_max)
		conc_max = n;
	if (--conc_left == 0)
		probe_engine_stop(eng);
}

/* Never more than `concurrency` in flight; every queued probe runs. */
static void
test_concurrency_cap(void **state)
{
	struct enginetest	*e = *state;
	struct tlsserver	*ts[3];
	struct probe_req	 req;
	int			 i;

	for (i = 0; i < 3; i++)
		ts[i] = serve(e, TS_TLS, 0, NULL);
	probe_engine_set_concurrency(e->eng, 2);
	conc_max = 0;
	conc_left = 24;
	memset(&req, 0, sizeof(req));
	req.address = "127.0.0.1";
	req.sni = "sip.contoso.com";
	req.timeout_ms = 5000;
	for (i = 0; i < 24; i++) {
		req.port = tlsserver_port(ts[i % 3]);
		probe_start(e->eng, &req, on_conc, e->eng);
	}
	assert_int_equal(probe_engine_queued(e->eng), 22);
	assert_int_equal(probe_engine_inflight(e->eng), 2);
	assert_int_equal(probe_engine_run(e->eng), 0);
	assert_int_equal(conc_left, 0);
	assert_int_equal(conc_max, 2);
	assert_int_equal(probe_engine_inflight(e->eng), 0);
	probe_engine_set_concurrency(e->eng, 8);
	for (i = 0; i < 3; i++)
		tlsserver_stop(ts[i]);
}

struct resolved {
	int	 done;
	char	 addrs[8][64];
	int	 n;
	char	 error[128];
};

/* Record a resolution. */
static void
on_resolved(const char *name, struct strlist *addrs, const char *error,
    void *arg)
{
	struct resolved	*r = arg;
	size_t		 i;

	(void)name;
	r->done++;
	if (error != NULL)
		snprintf(r->error, sizeof(r->error), "%s", error);
	for (i = 0; i < addrs->n && i < 8; i++)
		snprintf(r->addrs[r->n++], sizeof(r->addrs[0]), "%s",
		    addrs->v[i]);
	probe_engine_stop(E->eng);
}

/* Numeric addresses and /etc/hosts answer without a DNS query. */
static void
test_resolve_numeric_and_hosts(void **state)
{
	struct enginetest	*e = *state;
	struct resolved	 r;

	memset(&r, 0, sizeof(r));
	probe_resolve(e->eng, "127.0.0.7", on_resolved, &r);
	assert_int_equal(r.done, 0);
	probe_engine_run(e->eng);
	assert_int_equal(r.done, 1);
	assert_int_equal(r.n, 1);
	assert_string_equal(r.addrs[0], "127.0.0.7");

	memset(&r, 0, sizeof(r));
	probe_resolve(e->eng, "::1", on_resolved, &r);
	probe_engine_run(e->eng);
	assert_int_equal(r.n, 1);
	assert_string_equal(r.addrs[0], "::1");

	memset(&r, 0, sizeof(r));
	probe_resolve(e->eng, "localhost", on_resolved, &r);
	probe_engine_run(e->eng);
	assert_int_equal(r.done, 1);
	assert_true(r.n >= 1);
	assert_string_equal(r.addrs[0], "127.0.0.1");
}

static int	 freed_called;

/* A probe a freed engine reports: TIMEOUT, stopped, nothing captured. */
static void
on_freed(struct probe_outcome *o, void *arg)
{
	(void)arg;
	assert_int_equal(o->err, PROBE_TIMEOUT);
	assert_string_equal(o->cause, "stopped before it ended");
	assert_int_equal(o->has_tls, 0);
	freed_called++;
}

/* Stop the loop from a timer. */
static void
on_stop_timer(void *arg)
{
	probe_engine_stop(arg);
}

/*
 * A forced stop: freeing an engine with probes in flight and queued ends
 * each with one callback (TIMEOUT, "stopped before it ended"), so that its
 * owner can free what it holds, and without a leak (LeakSanitizer checks).
 */
static void
test_free_with_probes_in_flight(void **state)
{
	struct enginetest	*e = *state;
	struct tlsserver	*ts = serve(e, TS_SILENT, 0, NULL);
	struct probe_engine	*eng;
	struct probe_timer	*t;
	struct probe_req	 req;
	char			*cause = NULL;
	int			 i;

	eng = probe_engine_new(e->ctx, 2, &cause);
	assert_non_null(eng);
	memset(&req, 0, sizeof(req));
	req.address = "127.0.0.1";
	req.port = tlsserver_port(ts);
	req.sni = "sip.contoso.com";
	req.timeout_ms = 10000;
	for (i = 0; i < 5; i++)
		probe_start(eng, &req, on_freed, NULL);
	t = probe_timer_new(eng, on_stop_timer, eng);
	probe_timer_set(t, 200);
	assert_int_equal(probe_engine_run(eng), 0);
	assert_int_equal(probe_engine_inflight(eng), 2);
	assert_int_equal(probe_engine_queued(eng), 3);
	probe_timer_free(t);
	assert_int_equal(freed_called, 0);
	probe_engine_free(eng);
	assert_int_equal(freed_called, 5);
	/* The engine shares the context: put its callbacks back for E. */
	probe_engine_free(e->eng);
	e->eng = probe_engine_new(e->ctx, 8, &cause);
	assert_non_null(e->eng);
	tlsserver_stop(ts);
}

/*
 * A federating partner's PKI: root -> issuing CA -> client leaf (clientAuth),
 * another CA the server also names, and a rogue CA (its own key and name)
 * that issued the same leaf name.
 */
struct partner {
	EVP_PKEY	*key;
	X509		*root;
	X509		*inter;
	X509		*leaf;
	X509		*other;
	X509		*cas[2];	/* what the server trusts and names */
	STACK_OF(X509)	*chain;		/* the issuing CA */
	EVP_PKEY	*rogue_key;
	X509		*rogue_root;
	X509		*rogue_leaf;
	STACK_OF(X509)	*rogue_chain;
};

/* The names the server advertises, RFC 4514, in its order. */
static const char *const partner_names[] = {
	"CN=Fabrikam Partner Root CA,O=Fabrikam\\, Inc.",
	"CN=Litware Federation CA",
};

/* Mint a partner PKI. */
static void
partner_init(struct partner *pt)
{
	struct mint_spec	 spec;

	memset(pt, 0, sizeof(*pt));
	pt->key = mint_key(MINT_EC, 0);
	assert_non_null(pt->key);
	memset(&spec, 0, sizeof(spec));
	spec.ca = 1;
	spec.o = "Fabrikam, Inc.";
	spec.cn = "Fabrikam Partner Root CA";
	pt->root = mint_cert(&spec, pt->key, NULL, NULL);
	spec.cn = "Fabrikam Issuing CA";
	pt->inter = mint_cert(&spec, pt->key, pt->root, pt->key);
	spec.o = NULL;
	spec.cn = "Litware Federation CA";
	pt->other = mint_cert(&spec, pt->key, NULL, NULL);
	pt->rogue_key = mint_key(MINT_EC, 0);
	assert_non_null(pt->rogue_key);
	spec.cn = "Rogue Root CA";
	pt->rogue_root = mint_cert(&spec, pt->rogue_key, NULL, NULL);
	memset(&spec, 0, sizeof(spec));
	spec.o = "Fabrikam, Inc.";
	spec.cn = "sip.fabrikam.com";
	spec.eku = MINT_EKU_CLIENT | MINT_EKU_SERVER;
	pt->leaf = mint_cert(&spec, pt->key, pt->inter, pt->key);
	pt->rogue_leaf = mint_cert(&spec, pt->key, pt->rogue_root,
	    pt->rogue_key);
	assert_non_null(pt->root);
	assert_non_null(pt->inter);
	assert_non_null(pt->other);
	assert_non_null(pt->rogue_root);
	assert_non_null(pt->leaf);
	assert_non_null(pt->rogue_leaf);
	pt->cas[0] = pt->root;
	pt->cas[1] = pt->other;
	pt->chain = mint_stack(&pt->inter, 1);
	pt->rogue_chain = mint_stack(&pt->rogue_root, 1);
	assert_non_null(pt->chain);
	assert_non_null(pt->rogue_chain);
}

/* Free a partner PKI. */
static void
partner_free(struct partner *pt)
{
	sk_X509_pop_free(pt->chain, X509_free);
	sk_X509_pop_free(pt->rogue_chain, X509_free);
	X509_free(pt->leaf);
	X509_free(pt->rogue_leaf);
	X509_free(pt->rogue_root);
	X509_free(pt->other);
	X509_free(pt->inter);
	X509_free(pt->root);
	EVP_PKEY_free(pt->rogue_key);
	EVP_PKEY_free(pt->key);
}

/* An MTLS Edge of one TLS version that trusts the partner's root. */
static struct tlsserver *
serve_mtls(struct enginetest *e, const struct partner *pt, int version)
{
	struct tlsserver_spec	 s;
	struct tlsserver	*ts;

	enginetest_spec(e, TS_REQUIRE_CERT, &s);
	s.min_version = version;
	s.max_version = version;
	s.client_cas = pt->cas;
	s.nclient_cas = 2;
	ts = tlsserver_start(&s);
	assert_non_null(ts);
	return ts;
}

/* The request's CA names came, exactly and in order. */
static void
assert_partner_names(const struct enginetest_got *g)
{
	assert_int_equal(g->acceptable_cas.n, 2);
	assert_string_equal(g->acceptable_cas.v[0], partner_names[0]);
	assert_string_equal(g->acceptable_cas.v[1], partner_names[1]);
}

/*
 * Probe the partner's MTLS Edge in TLS 1.2, then 1.3, presenting leaf and
 * chain with the partner's key: each time the
 * outcome is want_err with cause want_cause exactly, we presented the
 * certificate, the request's names came, the server's chain was captured.
 */
static void
probe_mtls_both(struct enginetest *e, const struct partner *pt, X509 *leaf,
    STACK_OF(X509) *chain, enum probe_error want_err, const char *want_cause)
{
	static const int	 versions[] = { TLS1_2_VERSION, TLS1_3_VERSION };
	static const char *const names[] = { "TLSv1.2", "TLSv1.3" };
	struct ident		 id;
	struct tlsserver	*ts;
	struct enginetest_got	 g;
	size_t			 i;

	id.cert = leaf;
	id.chain = chain;
	id.key = pt->key;
	for (i = 0; i < 2; i++) {
		ts = serve_mtls(e, pt, versions[i]);
		probe_as(e, "127.0.0.1", tlsserver_port(ts), 5000, &id, &g);
		if (g.err != want_err || strcmp(g.cause, want_cause) != 0)
			fail_msg("%s: err %d cause \"%s\"", names[i],
			    (int)g.err, g.cause);
		assert_string_equal(g.version_name, names[i]);
		assert_int_equal(g.has_tls, 1);
		assert_int_equal(g.cert_requested, 1);
		assert_int_equal(g.client_cert_sent, 1);
		assert_partner_names(&g);
		assert_int_equal(sk_X509_num(g.chain), 2);
		assert_int_equal(X509_cmp(sk_X509_value(g.chain, 0), e->leaf),
		    0);
		sk_X509_pop_free(g.chain, X509_free);
		strlist_free(&g.acceptable_cas);
		tlsserver_stop(ts);
	}
}

/* We present the partner's certificate and chain: accepted, both TLS. */
static void
test_mtls_accepted(void **state)
{
	struct enginetest	*e = *state;
	struct partner		 pt;

	partner_init(&pt);
	probe_mtls_both(e, &pt, pt.leaf, pt.chain, PROBE_OK, "");
	partner_free(&pt);
}

/*
 * The chain is presented too: without the issuing CA the server cannot
 * reach its root and refuses the same leaf.
 */
static void
test_mtls_chain_needed(void **state)
{
	struct enginetest	*e = *state;
	struct partner		 pt;
	struct ident		 id;
	struct tlsserver	*ts;
	struct enginetest_got	 g;

	partner_init(&pt);
	id.cert = pt.leaf;
	id.chain = NULL;
	id.key = pt.key;
	ts = serve_mtls(e, &pt, TLS1_2_VERSION);
	probe_as(e, "127.0.0.1", tlsserver_port(ts), 5000, &id, &g);
	assert_int_equal(g.err, PROBE_MTLS_REJECTED);
	assert_string_equal(g.cause, "unknown CA");
	assert_int_equal(g.client_cert_sent, 1);
	sk_X509_pop_free(g.chain, X509_free);
	strlist_free(&g.acceptable_cas);
	tlsserver_stop(ts);
	partner_free(&pt);
}

/*
 * A certificate from another CA: MTLS_REJECTED with the server's alert,
 * after our Certificate in TLS 1.2 and after our Finished, in the
 * confirmation window, in TLS 1.3.
 */
static void
test_mtls_rejected(void **state)
{
	struct enginetest	*e = *state;
	struct partner		 pt;

	partner_init(&pt);
	probe_mtls_both(e, &pt, pt.rogue_leaf, pt.rogue_chain,
	    PROBE_MTLS_REJECTED, "unknown CA");
	partner_free(&pt);
}

/* The same Edge without an identity: today's HANDSHAKE_FAILED, names kept. */
static void
test_mtls_no_identity(void **state)
{
	struct enginetest	*e = *state;
	struct partner		 pt;
	struct tlsserver	*ts;
	struct enginetest_got	 g;

	partner_init(&pt);
	ts = serve_mtls(e, &pt, TLS1_2_VERSION);
	probe_one(e, "127.0.0.1", tlsserver_port(ts), 5000, &g);
	assert_int_equal(g.err, PROBE_HANDSHAKE_FAILED);
	assert_int_equal(g.cert_requested, 1);
	assert_int_equal(g.client_cert_sent, 0);
	assert_partner_names(&g);
	assert_non_null(strstr(g.cause, "after sending its certificate"));
	assert_non_null(strstr(g.cause, "client certificate"));
	sk_X509_pop_free(g.chain, X509_free);
	strlist_free(&g.acceptable_cas);
	tlsserver_stop(ts);
	partner_free(&pt);
}

/*
 * A request naming 100 CAs, the first with a name of 1,280 characters:
 * the first 64 are kept, in order, the long one cut at 1 KiB.
 */
static void
test_mtls_ca_bounds(void **state)
{
	struct enginetest	*e = *state;
	struct mint_spec	 spec;
	struct tlsserver_spec	 s;
	struct tlsserver	*ts;
	struct enginetest_got	 g;
	X509_NAME		*name;
	EVP_PKEY		*k;
	X509			*cas[100];
	char			 ou[61], cn[32], want[1400];
	size_t			 i, len = 0;

	k = mint_key(MINT_EC, 0);
	assert_non_null(k);
	memset(&spec, 0, sizeof(spec));
	spec.ca = 1;
	for (i = 0; i < 100; i++) {
		snprintf(cn, sizeof(cn), "Junk CA %03zu", i);
		spec.cn = cn;
		cas[i] = mint_cert(&spec, k, NULL, NULL);
		assert_non_null(cas[i]);
	}
	/* The first: 20 OUs of 60 characters, 20 * 64 - 1 printed. */
	memset(ou, 'u', 60);
	ou[60] = '\0';
	assert_non_null(name = X509_NAME_new());
	for (i = 0; i < 20; i++) {
		assert_int_equal(X509_NAME_add_entry_by_NID(name,
		    NID_organizationalUnitName, MBSTRING_ASC,
		    (const unsigned char *)ou, -1, -1, 0), 1);
		len += (size_t)snprintf(want + len, sizeof(want) - len,
		    "%sOU=%s", i > 0 ? "," : "", ou);
	}
	assert_int_equal(len, 20 * 64 - 1);
	want[PROBE_MAX_CA_LEN] = '\0';
	assert_int_equal(X509_set_subject_name(cas[0], name), 1);
	assert_true(X509_sign(cas[0], k, EVP_sha256()) > 0);
	X509_NAME_free(name);

	enginetest_spec(e, TS_REQUIRE_CERT, &s);
	s.max_version = TLS1_2_VERSION;
	s.client_cas = cas;
	s.nclient_cas = 100;
	ts = tlsserver_start(&s);
	assert_non_null(ts);
	probe_one(e, "127.0.0.1", tlsserver_port(ts), 5000, &g);
	assert_int_equal(g.err, PROBE_HANDSHAKE_FAILED);
	assert_int_equal(g.acceptable_cas.n, PROBE_MAX_CAS);
	assert_int_equal(strlen(g.acceptable_cas.v[0]), PROBE_MAX_CA_LEN);
	assert_string_equal(g.acceptable_cas.v[0], want);
	for (i = 1; i < PROBE_MAX_CAS; i++) {
		snprintf(cn, sizeof(cn), "CN=Junk CA %03zu", i);
		assert_string_equal(g.acceptable_cas.v[i], cn);
	}
	sk_X509_pop_free(g.chain, X509_free);
	strlist_free(&g.acceptable_cas);
	tlsserver_stop(ts);
	for (i = 0; i < 100; i++)
		X509_free(cas[i]);
	EVP_PKEY_free(k);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ok_chain_as_sent),
		cmocka_unit_test(test_tls12),
		cmocka_unit_test(test_legacy_tls10_sha1_1024),
		cmocka_unit_test(test_require_cert_tls12),
		cmocka_unit_test(test_require_cert_tls13),
		cmocka_unit_test(test_optional_cert_request),
		cmocka_unit_test(test_connect_refused),
		cmocka_unit_test(test_silent_timeout),
		cmocka_unit_test(test_trickle_timeout),
		cmocka_unit_test(test_handshake_failures),
		cmocka_unit_test(test_reset),
		cmocka_unit_test(test_ipv6),
		cmocka_unit_test(test_concurrency_cap),
		cmocka_unit_test(test_resolve_numeric_and_hosts),
		cmocka_unit_test(test_free_with_probes_in_flight),
		cmocka_unit_test(test_mtls_accepted),
		cmocka_unit_test(test_mtls_chain_needed),
		cmocka_unit_test(test_mtls_rejected),
		cmocka_unit_test(test_mtls_no_identity),
		cmocka_unit_test(test_mtls_ca_bounds),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
