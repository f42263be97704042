/*
 * probe.c: the probe engine, its slot pool, timers and signals.
 *
 * One libevent loop runs every probe. probe_start() queues a probe; while
 * fewer than `concurrency` are in flight the pool hands the next one to its
 * state machine (probe_session.c), whose one completion funnel gives the
 * slot back here. The engine's files (src/probe*.c, see probe_int.h) are
 * the only ones that register libevent callbacks; the daemon's timers and
 * signals come through probe_timer_* and probe_signal.
 */
#include <sys/types.h>
#include <sys/queue.h>

#include <stdlib.h>

#include <event2/event.h>
#include <event2/event_struct.h>
#include <event2/dns.h>
#include <event2/util.h>

#include "log.h"
#include "probe.h"
#include "probe_bio.h"
#include "probe_dns.h"
#include "probe_srv.h"
#include "probe_int.h"
#include "probe_session.h"
#include "probe_tls.h"
#include "xmalloc.h"

/* A user's callback and its argument, for timers and signals alike. */
struct probe_call {
	probe_event_cb		 cb;
	void			*arg;
};

struct probe_timer {
	struct event		 ev;
	struct probe_call	 call;
};

struct probe_sig {
	SLIST_ENTRY(probe_sig)	 entry;
	struct event		*ev;
	struct probe_call	 call;
};

static void	probe_call_cb(evutil_socket_t, short, void *);
static void	probe_evlog(int, const char *);

/* Create an engine on a new event base, with its resolver. */
struct probe_engine *
probe_engine_new(SSL_CTX *ctx, int concurrency, char **cause)
{
	struct probe_engine	*eng;

	if (probe_tls_init(cause) == -1 || probe_bio_init(cause) == -1)
		return NULL;
	/* libevent's own messages (evdns: "nameserver failed") are debug. */
	event_set_log_callback(probe_evlog);
	eng = xcalloc(1, sizeof(*eng));
	TAILQ_INIT(&eng->queue);
	TAILQ_INIT(&eng->running);
	SLIST_INIT(&eng->sigs);
	eng->ctx = ctx;
	eng->concurrency = concurrency > 0 ? concurrency : 1;
	if ((eng->base = event_base_new()) == NULL) {
		*cause = xstrdup("event_base_new failed");
		free(eng);
		return NULL;
	}
	if ((eng->dns = probe_dns_new(eng->base, cause)) == NULL) {
		event_base_free(eng->base);
		free(eng);
		return NULL;
	}
	if ((eng->srv = probe_srv_new(eng->base, NULL, cause)) == NULL) {
		evdns_base_free(eng->dns, 1);
		event_base_free(eng->base);
		free(eng);
		return NULL;
	}
	probe_tls_ctx(ctx);
	return eng;
}

/* Free an engine; probes queued or in flight are reported first (TIMEOUT). */
void
probe_engine_free(struct probe_engine *eng)
{
	struct probe		*p;
	struct probe_sig	*s;

	if (eng == NULL)
		return;
	while ((s = SLIST_FIRST(&eng->sigs)) != NULL) {
		SLIST_REMOVE_HEAD(&eng->sigs, entry);
		event_free(s->ev);
		free(s);
	}
	/*
	 * A forced stop: every probe left is reported (TIMEOUT) and freed, so
	 * that its owner frees what it holds for it; nothing new starts.
	 */
	eng->stopping = 1;
	while ((p = TAILQ_FIRST(&eng->queue)) != NULL) {
		TAILQ_REMOVE(&eng->queue, p, entry);
		TAILQ_INSERT_TAIL(&eng->running, p, entry);
		eng->queued--;
		eng->inflight++;
	}
	while ((p = TAILQ_FIRST(&eng->running)) != NULL)
		probe_session_abort(p, "stopped before it ended");
	probe_srv_free(eng->srv);
	evdns_base_free(eng->dns, 1);
	event_base_free(eng->base);
	free(eng);
}

/* Change the number of probes allowed in flight. */
void
probe_engine_set_concurrency(struct probe_engine *eng, int concurrency)
{
	eng->concurrency = concurrency > 0 ? concurrency : 1;
	probe_engine_pump(eng);
}

/* Run the loop until probe_engine_stop() or nothing is left to do. */
int
probe_engine_run(struct probe_engine *eng)
{
	eng->stopping = 0;
	return event_base_loop(eng->base, 0) == -1 ? -1 : 0;
}

/* Make probe_engine_run() return after the current callback. */
void
probe_engine_stop(struct probe_engine *eng)
{
	eng->stopping = 1;
	event_base_loopbreak(eng->base);
}

/* The event loop, for src/probe_http.c: one loop for every engine file. */
struct event_base *
probe_engine_base(struct probe_engine *eng)
{
	return eng->base;
}

/* Probes connecting or handshaking now. */
size_t
probe_engine_inflight(const struct probe_engine *eng)
{
	return eng->inflight;
}

/* Probes waiting for a slot. */
size_t
probe_engine_queued(const struct probe_engine *eng)
{
	return eng->queued;
}

/* Queue a probe; it starts when a slot is free. */
void
probe_start(struct probe_engine *eng, const struct probe_req *req,
    probe_done_cb done, void *arg)
{
	struct probe	*p;

	p = probe_session_new(eng, req, done, arg);
	TAILQ_INSERT_TAIL(&eng->queue, p, entry);
	eng->queued++;
	probe_engine_pump(eng);
}

/* Start queued probes while slots are free. */
void
probe_engine_pump(struct probe_engine *eng)
{
	struct probe	*p;

	while (eng->inflight < (size_t)eng->concurrency &&
	    (p = TAILQ_FIRST(&eng->queue)) != NULL) {
		TAILQ_REMOVE(&eng->queue, p, entry);
		TAILQ_INSERT_TAIL(&eng->running, p, entry);
		eng->queued--;
		eng->inflight++;
		probe_session_begin(p);
	}
}

/* A probe is done: its slot is free (the caller refills it, or not). */
void
probe_engine_release(struct probe_engine *eng, struct probe *p)
{
	TAILQ_REMOVE(&eng->running, p, entry);
	eng->inflight--;
}

/* A timer for the engine's users. */
struct probe_timer *
probe_timer_new(struct probe_engine *eng, probe_event_cb cb, void *arg)
{
	struct probe_timer	*t;

	t = xcalloc(1, sizeof(*t));
	t->call.cb = cb;
	t->call.arg = arg;
	evtimer_assign(&t->ev, eng->base, probe_call_cb, &t->call);
	return t;
}

/* (Re)arm a timer to fire once, ms from now. */
void
probe_timer_set(struct probe_timer *t, long ms)
{
	struct timeval	 tv;

	if (ms < 0)
		ms = 0;
	tv.tv_sec = ms / 1000;
	tv.tv_usec = (ms % 1000) * 1000;
	evtimer_add(&t->ev, &tv);
}

/* Disarm a timer. */
void
probe_timer_clear(struct probe_timer *t)
{
	evtimer_del(&t->ev);
}

/* Disarm and free a timer. */
void
probe_timer_free(struct probe_timer *t)
{
	if (t == NULL)
		return;
	evtimer_del(&t->ev);
	free(t);
}

/* Call cb from the loop whenever signo arrives; lives as long as the engine. */
int
probe_signal(struct probe_engine *eng, int signo, probe_event_cb cb, void *arg)
{
	struct probe_sig	*s;

	s = xcalloc(1, sizeof(*s));
	s->call.cb = cb;
	s->call.arg = arg;
	s->ev = evsignal_new(eng->base, signo, probe_call_cb, &s->call);
	if (s->ev == NULL || evsignal_add(s->ev, NULL) == -1) {
		if (s->ev != NULL)
			event_free(s->ev);
		free(s);
		return -1;
	}
	SLIST_INSERT_HEAD(&eng->sigs, s, entry);
	return 0;
}

/* A timer fired or a signal arrived: call its user. */
static void
probe_call_cb(evutil_socket_t fd, short what, void *arg)
{
	struct probe_call	*c = arg;

	(void)fd;
	(void)what;
	c->cb(c->arg);
}

/* libevent's diagnostics go to the debug log, never to stdout or stderr. */
static void
probe_evlog(int severity, const char *msg)
{
	log_debug("libevent[%d]: %s", severity, msg);
}
