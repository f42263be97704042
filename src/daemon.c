/*
 * daemon.c: daemon mode: scheduled probing of every endpoint, syslog result
 * and event lines, reload on SIGHUP, clean stop on SIGTERM, systemd
 * notification.
 *
 * The unit of scheduling is a round of one target: every `interval` the
 * target's members are resolved again (so a DNS pool that grows or shrinks
 * is followed), each endpoint (member x port) is checked, and when the last
 * check of the round is back, POOL_MISMATCH is computed over the whole round
 * before any line is logged. The result lines therefore always carry the
 * pool finding of the round they describe. The first round of each target
 * starts at a random point of its interval, so thousands of endpoints never
 * start at once; the rounds keep that phase afterwards. A round still
 * running when its next turn comes is not doubled: that turn is skipped.
 *
 * Checks go through a fixed pool of `concurrency` slots that pull the next
 * waiting endpoint, so on SIGTERM nothing waits in the engine: the slots in
 * use end within their timeout and nothing else starts.
 */
#include <sys/queue.h>

#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include <systemd/sd-daemon.h>

#include "check.h"
#include "conf.h"
#include "daemon.h"
#include "log.h"
#include "logfmt.h"
#include "policy.h"
#include "probe.h"
#include "result.h"
#include "tlsctx.h"
#include "xmalloc.h"

/* glibc's <sys/queue.h> lacks the removal-safe loop. */
#ifndef TAILQ_FOREACH_SAFE
#define TAILQ_FOREACH_SAFE(var, head, field, tvar)			\
	for ((var) = TAILQ_FIRST(head);					\
	    (var) != NULL && ((tvar) = TAILQ_NEXT(var, field), 1);	\
	    (var) = (tvar))
#endif

#define DAEMON_EXIT_OK		0
#define DAEMON_EXIT_FAILURE	1
#define DAEMON_EXIT_CONFIG	3

/* One loaded configuration and its trust store, shared by the rounds. */
struct daemon_gen {
	struct conf		*conf;
	X509_STORE		*store;
	int			 refs;
};

/* What is remembered of one endpoint from one round to the next. */
struct daemon_endpoint {
	TAILQ_ENTRY(daemon_endpoint) entry;
	char			*address;	/* numeric, or the name that failed */
	char			*host;
	int			 port;
	enum status		 status;	/* of the last probe */
	char			 sha256[65];	/* last leaf seen; "" none yet */
	int			 seen;		/* in the round being logged */
};
TAILQ_HEAD(daemon_endpoints, daemon_endpoint);

struct daemon_round;

/* One configured target and its schedule. */
struct daemon_target {
	TAILQ_ENTRY(daemon_target) entry;
	struct daemon		*d;
	char			*name;
	const struct conf_target *ct;		/* in d->gen->conf */
	struct probe_timer	*timer;
	long long		 next_ms;	/* monotonic time of the next round */
	struct daemon_round	*round;		/* NULL when idle */
	int			 removed;	/* gone from the configuration */
	struct daemon_endpoints	 endpoints;
};
TAILQ_HEAD(daemon_targets, daemon_target);

/* One round of one target: its members, its checks and their results. */
struct daemon_round {
	TAILQ_ENTRY(daemon_round) entry;
	struct daemon_target	*t;
	struct daemon_gen	*gen;		/* a reference, for ct and store */
	const struct conf_target *ct;
	int			 resolving;
	int			 aborted;	/* stopped: not every endpoint ran */
	size_t			 pending;	/* checks not back yet */
	struct result		**results;	/* one slot per endpoint, in order */
	size_t			 nresults;
};
TAILQ_HEAD(daemon_rounds, daemon_round);

/* One endpoint check, waiting for a slot or holding one. */
struct daemon_job {
	TAILQ_ENTRY(daemon_job)	 entry;
	struct daemon_round	*round;
	size_t			 slot;		/* in round->results */
	char			*address;
	int			 port;
};
TAILQ_HEAD(daemon_jobs, daemon_job);

struct daemon {
	char			*path;
	int			 mirror;
	char			*ident;		/* openlog() keeps the pointer */
	int			 facility;
	SSL_CTX			*ctx;
	struct probe_engine	*engine;
	struct daemon_gen	*gen;		/* the running configuration */
	struct daemon_targets	 targets;
	struct daemon_rounds	 rounds;	/* rounds in progress */
	struct daemon_jobs	 queue;		/* waiting for a slot */
	struct daemon_jobs	 running;	/* holding a slot */
	size_t			 inflight;
	int			 concurrency;
	struct probe_timer	*watchdog;
	long			 watchdog_ms;
	struct probe_timer	*deadline;	/* the stop's safety net */
	char			 status[128];	/* last STATUS= sent */
	int			 stopping;
	int			 exiting;	/* the loop is over: drop everything */
};

static long long	 daemon_now_ms(void);
static struct daemon_gen *daemon_gen_new(struct conf *, X509_STORE *);
static void		 daemon_gen_unref(struct daemon_gen *);
static int		 daemon_load(struct daemon *, struct daemon_gen **);
static void		 daemon_openlog(struct daemon *, const struct conf *);
static struct daemon_target *daemon_target_new(struct daemon *,
			    const struct conf_target *);
static struct daemon_target *daemon_target_find(struct daemon *,
			    const char *);
static void		 daemon_target_schedule(struct daemon_target *, int);
static void		 daemon_target_remove(struct daemon_target *);
static void		 daemon_target_free(struct daemon_target *);
static void		 daemon_tick(void *);
static void		 daemon_members(const struct conf_target *,
			    struct check_member *, size_t, void *);
static void		 daemon_round_maybe_finish(struct daemon_round *);
static void		 daemon_round_finish(struct daemon_round *);
static void		 daemon_round_free(struct daemon_round *);
static void		 daemon_log_result(struct daemon_target *,
			    struct result *, int);
static void		 daemon_log_removed(const struct daemon_target *,
			    const struct daemon_endpoint *);
static void		 daemon_endpoint_free(struct daemon_endpoint *);
static void		 daemon_dispatch(struct daemon *);
static void		 daemon_job_done(struct result *, void *);
static void		 daemon_job_free(struct daemon_job *);
static void		 daemon_status(struct daemon *);
static void		 daemon_reload(void *);
static void		 daemon_stop(void *);
static void		 daemon_maybe_stopped(struct daemon *);
static void		 daemon_deadline(void *);
static void		 daemon_watchdog(void *);
static int		 daemon_max_timeout(const struct conf *);

/* The monotonic clock in milliseconds. */
static long long
daemon_now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Wrap a configuration and its trust store with one reference. */
static struct daemon_gen *
daemon_gen_new(struct conf *conf, X509_STORE *store)
{
	struct daemon_gen	*g;

	g = xcalloc(1, sizeof(*g));
	g->conf = conf;
	g->store = store;
	g->refs = 1;
	return g;
}

/* Drop one reference; the last one frees the configuration and store. */
static void
daemon_gen_unref(struct daemon_gen *g)
{
	if (g == NULL || --g->refs > 0)
		return;
	X509_STORE_free(g->store);
	conf_free(g->conf);
	free(g);
}

/*
 * Load the configuration file and its trust store. Every error goes to the
 * log at LOG_ERR as "FILE:LINE: message". Returns 0 and *out, or -1.
 */
static int
daemon_load(struct daemon *d, struct daemon_gen **out)
{
	struct conf_errors	 errs = { NULL, 0 };
	struct conf		*conf;
	X509_STORE		*store;
	char			*cause = NULL;
	size_t			 i;

	if ((conf = conf_load(d->path, &errs)) == NULL) {
		for (i = 0; i < errs.n; i++)
			log_emit(LOG_ERR, "%s", errs.v[i]);
		if (errs.n == 0)
			log_emit(LOG_ERR, "%s: cannot load", d->path);
		conf_errors_free(&errs);
		return -1;
	}
	conf_errors_free(&errs);
	if ((store = tlsctx_store(conf->ca_file, &cause)) == NULL) {
		log_emit(LOG_ERR, "%s: trust store: %s", d->path,
		    cause != NULL ? cause : "cannot load");
		free(cause);
		conf_free(conf);
		return -1;
	}
	*out = daemon_gen_new(conf, store);
	return 0;
}

/* (Re)open syslog with the configuration's ident and facility. */
static void
daemon_openlog(struct daemon *d, const struct conf *conf)
{
	char	*old = d->ident;

	if (old != NULL && strcmp(old, conf->syslog_ident) == 0 &&
	    d->facility == conf->syslog_facility)
		return;
	d->ident = xstrdup(conf->syslog_ident);
	d->facility = conf->syslog_facility;
	log_init(d->mirror ? 2 : 1, d->ident, d->facility);
	free(old);
}

/* A new target with no state yet, scheduled at a random point of its interval. */
static struct daemon_target *
daemon_target_new(struct daemon *d, const struct conf_target *ct)
{
	struct daemon_target	*t;

	t = xcalloc(1, sizeof(*t));
	t->d = d;
	t->name = xstrdup(ct->name);
	t->ct = ct;
	TAILQ_INIT(&t->endpoints);
	t->timer = probe_timer_new(d->engine, daemon_tick, t);
	TAILQ_INSERT_TAIL(&d->targets, t, entry);
	daemon_target_schedule(t, 1);
	return t;
}

/* The live target called name, or NULL. */
static struct daemon_target *
daemon_target_find(struct daemon *d, const char *name)
{
	struct daemon_target	*t;

	TAILQ_FOREACH(t, &d->targets, entry)
		if (!t->removed && strcmp(t->name, name) == 0)
			return t;
	return NULL;
}

/*
 * Arm the target's timer. The first round (fresh) starts at a random point
 * of the interval: ten thousand endpoints loaded at once are spread over it
 * instead of hitting the network, the resolver and the log in one burst.
 * Later rounds keep that phase.
 */
static void
daemon_target_schedule(struct daemon_target *t, int fresh)
{
	long long	 now = daemon_now_ms(), ival;

	ival = (long long)t->ct->interval * 1000;
	if (ival <= 0)
		ival = 1000;
	if (fresh || t->next_ms - now > ival)
		t->next_ms = now + (ival <= UINT32_MAX ?
		    (long long)arc4random_uniform((uint32_t)ival) :
		    (long long)((((uint64_t)arc4random() << 32) |
		    arc4random()) % (uint64_t)ival));
	else
		while (t->next_ms <= now)
			t->next_ms += ival;
	probe_timer_set(t->timer, (long)(t->next_ms - now));
}

/* Forget a target that left the configuration, with a NOTICE per endpoint. */
static void
daemon_target_remove(struct daemon_target *t)
{
	struct daemon_endpoint	*ep;

	t->removed = 1;
	probe_timer_clear(t->timer);
	TAILQ_FOREACH(ep, &t->endpoints, entry)
		daemon_log_removed(t, ep);
	if (t->round == NULL)
		daemon_target_free(t);
}

/* Free a target and its endpoints; it must have no round. */
static void
daemon_target_free(struct daemon_target *t)
{
	struct daemon_endpoint	*ep;

	while ((ep = TAILQ_FIRST(&t->endpoints)) != NULL) {
		TAILQ_REMOVE(&t->endpoints, ep, entry);
		daemon_endpoint_free(ep);
	}
	TAILQ_REMOVE(&t->d->targets, t, entry);
	if (t->timer != NULL)
		probe_timer_free(t->timer);
	free(t->name);
	free(t);
}

/* A target's turn: resolve its members again, unless its last round runs. */
static void
daemon_tick(void *arg)
{
	struct daemon_target	*t = arg;
	struct daemon		*d = t->d;
	struct daemon_round	*r;

	if (d->stopping || t->removed)
		return;
	daemon_target_schedule(t, 0);
	if (t->round != NULL) {
		log_debug("target %s: round still running, turn skipped",
		    t->name);
		return;
	}
	r = xcalloc(1, sizeof(*r));
	r->t = t;
	r->gen = d->gen;
	r->gen->refs++;
	r->ct = t->ct;
	r->resolving = 1;
	t->round = r;
	TAILQ_INSERT_TAIL(&d->rounds, r, entry);
	log_debug("target %s: round starts", t->name);
	check_members(d->engine, r->ct, daemon_members, r);
}

/*
 * The members of a round's target are known: one result slot per endpoint,
 * in member then port order, and one check queued for each address.
 */
static void
daemon_members(const struct conf_target *ct, struct check_member *m,
    size_t n, void *arg)
{
	struct daemon_round	*r = arg;
	struct daemon		*d = r->t->d;
	struct daemon_job	*j;
	size_t			 i, p;

	r->resolving = 0;
	if (d->exiting)
		return;
	r->nresults = n * ct->nports;
	r->results = xcalloc(r->nresults ? r->nresults : 1,
	    sizeof(*r->results));
	for (i = 0; i < n && !d->stopping; i++) {
		for (p = 0; p < ct->nports; p++) {
			if (m[i].address == NULL) {
				r->results[i * ct->nports + p] =
				    check_dns_failed(ct, m[i].name,
				    ct->ports[p], m[i].error);
				continue;
			}
			j = xcalloc(1, sizeof(*j));
			j->round = r;
			j->slot = i * ct->nports + p;
			j->address = xstrdup(m[i].address);
			j->port = ct->ports[p];
			r->pending++;
			TAILQ_INSERT_TAIL(&d->queue, j, entry);
		}
	}
	if (d->stopping)
		r->aborted = 1;
	/* Hold the round: a check that ends at once must not free it here. */
	r->pending++;
	daemon_dispatch(d);
	r->pending--;
	daemon_round_maybe_finish(r);
}

/* Finish the round once its members are known and every check is back. */
static void
daemon_round_maybe_finish(struct daemon_round *r)
{
	if (r->resolving || r->pending > 0)
		return;
	daemon_round_finish(r);
}

/*
 * The round is complete: judge the pool over all its results, log each
 * result and the events it causes, forget the endpoints that are gone.
 */
static void
daemon_round_finish(struct daemon_round *r)
{
	struct daemon_target	*t = r->t;
	struct daemon		*d = t->d;
	struct daemon_endpoint	*ep, *tmp;
	size_t			 i, n;

	/* An aborted round has empty slots: close the gaps. */
	for (i = n = 0; i < r->nresults; i++)
		if (r->results[i] != NULL)
			r->results[n++] = r->results[i];
	r->nresults = n;
	if (!t->removed && !d->exiting) {
		policy_pool(r->results, r->nresults);
		TAILQ_FOREACH(ep, &t->endpoints, entry)
			ep->seen = 0;
		for (i = 0; i < r->nresults; i++) {
			result_finish(r->results[i]);
			daemon_log_result(t, r->results[i],
			    r->gen->conf->log_ok);
		}
		/* An aborted round did not see everyone: forget nobody. */
		TAILQ_FOREACH_SAFE(ep, &t->endpoints, entry, tmp) {
			if (ep->seen || r->aborted)
				continue;
			daemon_log_removed(t, ep);
			TAILQ_REMOVE(&t->endpoints, ep, entry);
			daemon_endpoint_free(ep);
		}
		log_debug("target %s: round done, %zu results", t->name,
		    r->nresults);
	}
	t->round = NULL;
	TAILQ_REMOVE(&d->rounds, r, entry);
	daemon_round_free(r);
	if (t->removed)
		daemon_target_free(t);
	if (!d->exiting) {
		daemon_status(d);
		daemon_maybe_stopped(d);
	}
}

/* Free a round, its results and its reference to the configuration. */
static void
daemon_round_free(struct daemon_round *r)
{
	size_t	 i;

	for (i = 0; i < r->nresults; i++)
		result_free(r->results[i]);	/* NULL: an empty slot */
	free(r->results);
	daemon_gen_unref(r->gen);
	free(r);
}

/*
 * Log one result line (unless OK lines are off), then the status and
 * certificate changes against the endpoint's previous probe.
 */
static void
daemon_log_result(struct daemon_target *t, struct result *res, int log_ok)
{
	struct daemon_endpoint	*ep;
	char			*line;
	int			 pri;

	switch (res->status) {
	case STATUS_CRITICAL:
		pri = LOG_ERR;
		break;
	case STATUS_WARNING:
		pri = LOG_WARNING;
		break;
	default:
		pri = LOG_INFO;
		break;
	}
	if (res->status != STATUS_OK || log_ok) {
		line = logfmt_result(res);
		log_emit(pri, "%s", line);
		free(line);
	}

	TAILQ_FOREACH(ep, &t->endpoints, entry)
		if (ep->port == res->port &&
		    strcmp(ep->address, res->address) == 0)
			break;
	if (ep == NULL) {
		/* The first probe of an endpoint is no change. */
		ep = xcalloc(1, sizeof(*ep));
		ep->address = xstrdup(res->address);
		ep->host = xstrdup(res->host);
		ep->port = res->port;
		ep->status = res->status;
		TAILQ_INSERT_TAIL(&t->endpoints, ep, entry);
	} else {
		if (ep->status != res->status) {
			line = logfmt_status_change(res, ep->status);
			log_emit(LOG_NOTICE, "%s", line);
			free(line);
		}
		/* A failed probe in between does not hide a renewal. */
		if (ep->sha256[0] != '\0' && res->leaf_sha256[0] != '\0' &&
		    strcmp(ep->sha256, res->leaf_sha256) != 0) {
			line = logfmt_cert_change(res, ep->sha256);
			log_emit(LOG_NOTICE, "%s", line);
			free(line);
		}
		ep->status = res->status;
		if (strcmp(ep->host, res->host) != 0) {
			free(ep->host);
			ep->host = xstrdup(res->host);
		}
	}
	if (res->leaf_sha256[0] != '\0')
		memcpy(ep->sha256, res->leaf_sha256, sizeof(ep->sha256));
	ep->seen = 1;
}

/* The NOTICE line of an endpoint that is forgotten. */
static void
daemon_log_removed(const struct daemon_target *t,
    const struct daemon_endpoint *ep)
{
	char	*line, port[16];

	snprintf(port, sizeof(port), "%d", ep->port);
	line = logfmt_append(NULL, "event", "endpoint_removed");
	line = logfmt_append(line, "target", t->name);
	line = logfmt_append(line, "host", ep->host);
	line = logfmt_append(line, "address", ep->address);
	line = logfmt_append(line, "port", port);
	log_emit(LOG_NOTICE, "%s", line);
	free(line);
}

/* Free one endpoint's state. */
static void
daemon_endpoint_free(struct daemon_endpoint *ep)
{
	free(ep->address);
	free(ep->host);
	free(ep);
}

/* Fill the free slots with waiting checks. */
static void
daemon_dispatch(struct daemon *d)
{
	struct daemon_job	*j;
	struct daemon_round	*r;

	while (!d->stopping && !d->exiting &&
	    d->inflight < (size_t)d->concurrency &&
	    (j = TAILQ_FIRST(&d->queue)) != NULL) {
		TAILQ_REMOVE(&d->queue, j, entry);
		TAILQ_INSERT_TAIL(&d->running, j, entry);
		d->inflight++;
		r = j->round;
		check_endpoint(d->engine, r->gen->store, r->ct, j->address,
		    j->port, daemon_job_done, j);
	}
}

/* One check is back: keep its result, free the slot, refill. */
static void
daemon_job_done(struct result *res, void *arg)
{
	struct daemon_job	*j = arg;
	struct daemon_round	*r = j->round;
	struct daemon		*d = r->t->d;

	TAILQ_REMOVE(&d->running, j, entry);
	d->inflight--;
	r->results[j->slot] = res;
	daemon_job_free(j);
	r->pending--;
	if (d->exiting)
		return;
	daemon_round_maybe_finish(r);	/* may free r */
	daemon_dispatch(d);
}

/* Free a job (not its round). */
static void
daemon_job_free(struct daemon_job *j)
{
	free(j->address);
	free(j);
}

/* Tell systemd how many endpoints there are and how many are bad. */
static void
daemon_status(struct daemon *d)
{
	struct daemon_target	*t;
	struct daemon_endpoint	*ep;
	size_t			 n = 0, crit = 0, warn = 0;
	char			 line[sizeof(d->status)];

	TAILQ_FOREACH(t, &d->targets, entry) {
		if (t->removed)
			continue;
		TAILQ_FOREACH(ep, &t->endpoints, entry) {
			n++;
			if (ep->status == STATUS_CRITICAL)
				crit++;
			else if (ep->status == STATUS_WARNING)
				warn++;
		}
	}
	snprintf(line, sizeof(line), "%zu endpoints, %zu critical, %zu warning",
	    n, crit, warn);
	if (strcmp(line, d->status) == 0)
		return;
	memcpy(d->status, line, sizeof(d->status));
	sd_notifyf(0, "STATUS=%s", d->status);
}

/*
 * SIGHUP: load the file again. A valid one is swapped in: new targets are
 * scheduled, removed ones forgotten, kept ones keep their endpoints' state
 * (so no false status change) and take the new settings at their next
 * round. An invalid one is logged and the running configuration stays.
 */
static void
daemon_reload(void *arg)
{
	struct daemon		*d = arg;
	struct daemon_gen	*g, *old;
	struct daemon_target	*t, *tmp;
	const struct conf_target *ct;
	char			*line, num[32];
	size_t			 i;
	int			 ival;

	if (d->stopping)
		return;
	sd_notify(0, "RELOADING=1");
	if (daemon_load(d, &g) == -1) {
		line = logfmt_append(NULL, "event", "reload_failed");
		line = logfmt_append(line, "file", d->path);
		line = logfmt_append(line, "msg",
		    "configuration not valid, the running one is kept");
		log_emit(LOG_ERR, "%s", line);
		free(line);
		sd_notify(0, "READY=1");
		daemon_status(d);
		return;
	}
	old = d->gen;
	d->gen = g;
	daemon_openlog(d, g->conf);

	TAILQ_FOREACH_SAFE(t, &d->targets, entry, tmp) {
		if (t->removed)
			continue;
		for (i = 0; i < g->conf->ntargets; i++)
			if (strcmp(g->conf->targets[i].name, t->name) == 0)
				break;
		if (i == g->conf->ntargets)
			daemon_target_remove(t);
	}
	for (i = 0; i < g->conf->ntargets; i++) {
		ct = &g->conf->targets[i];
		if ((t = daemon_target_find(d, ct->name)) == NULL) {
			daemon_target_new(d, ct);
			continue;
		}
		ival = t->ct->interval;
		t->ct = ct;
		if (ival != ct->interval)
			daemon_target_schedule(t, 0);
	}
	daemon_gen_unref(old);

	d->concurrency = g->conf->concurrency;
	probe_engine_set_concurrency(d->engine, d->concurrency);
	daemon_dispatch(d);

	snprintf(num, sizeof(num), "%zu", g->conf->ntargets);
	line = logfmt_append(NULL, "event", "reload");
	line = logfmt_append(line, "file", d->path);
	line = logfmt_append(line, "targets", num);
	log_emit(LOG_NOTICE, "%s", line);
	free(line);
	sd_notify(0, "READY=1");
	daemon_status(d);
}

/*
 * SIGTERM/SIGINT: start nothing new, drop the checks waiting for a slot,
 * let the ones in flight end (each is bounded by its timeout), then leave
 * the loop. A safety net ends the loop at the longest timeout regardless.
 */
static void
daemon_stop(void *arg)
{
	struct daemon		*d = arg;
	struct daemon_target	*t;
	struct daemon_round	*r;
	struct daemon_job	*j;
	long			 ms;

	if (d->stopping)
		return;
	d->stopping = 1;
	sd_notify(0, "STOPPING=1");
	log_emit(LOG_INFO, "event=stopping inflight=%zu", d->inflight);
	TAILQ_FOREACH(t, &d->targets, entry)
		probe_timer_clear(t->timer);
	while ((j = TAILQ_FIRST(&d->queue)) != NULL) {
		TAILQ_REMOVE(&d->queue, j, entry);
		j->round->pending--;
		j->round->aborted = 1;
		daemon_job_free(j);
	}
	/* Finish the rounds that nothing is running for any more. */
	for (;;) {
		TAILQ_FOREACH(r, &d->rounds, entry)
			if (!r->resolving && r->pending == 0)
				break;
		if (r == NULL)
			break;
		daemon_round_finish(r);
	}
	ms = (long)daemon_max_timeout(d->gen->conf) * 1000;
	d->deadline = probe_timer_new(d->engine, daemon_deadline, d);
	probe_timer_set(d->deadline, ms);
	daemon_maybe_stopped(d);
}

/* While stopping, leave the loop once no round is left. */
static void
daemon_maybe_stopped(struct daemon *d)
{
	if (d->stopping && TAILQ_EMPTY(&d->rounds))
		probe_engine_stop(d->engine);
}

/* The stop's safety net: whatever still runs, leave the loop now. */
static void
daemon_deadline(void *arg)
{
	struct daemon	*d = arg;

	log_debug("stop deadline: %zu checks still in flight", d->inflight);
	probe_engine_stop(d->engine);
}

/* Tell systemd's watchdog that the loop is alive, and re-arm. */
static void
daemon_watchdog(void *arg)
{
	struct daemon	*d = arg;

	sd_notify(0, "WATCHDOG=1");
	probe_timer_set(d->watchdog, d->watchdog_ms);
}

/* The longest probe timeout of a configuration, in seconds. */
static int
daemon_max_timeout(const struct conf *conf)
{
	size_t	 i;
	int	 max = conf->timeout;

	for (i = 0; i < conf->ntargets; i++)
		if (conf->targets[i].timeout > max)
			max = conf->targets[i].timeout;
	return max;
}

/* Run the daemon in the foreground until SIGTERM/SIGINT. */
int
daemon_run(const char *path, int mirror_stderr, int verbose)
{
	struct daemon		 d;
	struct daemon_target	*t;
	struct daemon_round	*r;
	struct daemon_job	*j;
	char			*cause = NULL, *line, num[32];
	uint64_t		 usec = 0;
	size_t			 i;

	memset(&d, 0, sizeof(d));
	TAILQ_INIT(&d.targets);
	TAILQ_INIT(&d.rounds);
	TAILQ_INIT(&d.queue);
	TAILQ_INIT(&d.running);
	d.path = xstrdup(path);
	d.mirror = mirror_stderr;
	log_setverbose(verbose);
	signal(SIGPIPE, SIG_IGN);

	/* Until the configuration names them: stderr and the default ident. */
	d.ident = xstrdup("edgeprobe");
	d.facility = LOG_DAEMON;
	log_init(2, d.ident, d.facility);
	if (daemon_load(&d, &d.gen) == -1) {
		closelog();
		free(d.ident);
		free(d.path);
		return DAEMON_EXIT_CONFIG;
	}
	/* Force the configured ident, facility and mirroring. */
	free(d.ident);
	d.ident = NULL;
	daemon_openlog(&d, d.gen->conf);

	if ((d.ctx = tlsctx_client(&cause)) == NULL ||
	    (d.engine = probe_engine_new(d.ctx, d.gen->conf->concurrency,
	    &cause)) == NULL) {
		log_emit(LOG_ERR, "start-up failed: %s",
		    cause != NULL ? cause : "unknown error");
		free(cause);
		SSL_CTX_free(d.ctx);
		daemon_gen_unref(d.gen);
		closelog();
		free(d.ident);
		free(d.path);
		return DAEMON_EXIT_FAILURE;
	}
	d.concurrency = d.gen->conf->concurrency;
	if (probe_signal(d.engine, SIGHUP, daemon_reload, &d) == -1 ||
	    probe_signal(d.engine, SIGTERM, daemon_stop, &d) == -1 ||
	    probe_signal(d.engine, SIGINT, daemon_stop, &d) == -1)
		fatalx("cannot set up signal handling");
	if (sd_watchdog_enabled(0, &usec) > 0 && usec > 0) {
		d.watchdog_ms = (long)(usec / 2000);
		if (d.watchdog_ms < 1)
			d.watchdog_ms = 1;
		d.watchdog = probe_timer_new(d.engine, daemon_watchdog, &d);
		probe_timer_set(d.watchdog, d.watchdog_ms);
	}
	for (i = 0; i < d.gen->conf->ntargets; i++)
		daemon_target_new(&d, &d.gen->conf->targets[i]);

	snprintf(num, sizeof(num), "%zu", d.gen->conf->ntargets);
	line = logfmt_append(NULL, "event", "start");
	line = logfmt_append(line, "file", d.path);
	line = logfmt_append(line, "targets", num);
	log_emit(LOG_INFO, "%s", line);
	free(line);
	sd_notify(0, "READY=1");
	daemon_status(&d);

	probe_engine_run(d.engine);

	/*
	 * The loop is over. Freeing the engine may still call back the checks
	 * it held (after a forced stop): exiting makes those calls only
	 * collect their results, freed below with their rounds.
	 */
	d.exiting = 1;
	if (d.deadline != NULL)
		probe_timer_free(d.deadline);
	if (d.watchdog != NULL)
		probe_timer_free(d.watchdog);
	TAILQ_FOREACH(t, &d.targets, entry) {
		probe_timer_free(t->timer);
		t->timer = NULL;
	}
	probe_engine_free(d.engine);
	while ((j = TAILQ_FIRST(&d.running)) != NULL) {
		TAILQ_REMOVE(&d.running, j, entry);
		daemon_job_free(j);
	}
	while ((j = TAILQ_FIRST(&d.queue)) != NULL) {
		TAILQ_REMOVE(&d.queue, j, entry);
		daemon_job_free(j);
	}
	while ((r = TAILQ_FIRST(&d.rounds)) != NULL) {
		TAILQ_REMOVE(&d.rounds, r, entry);
		r->t->round = NULL;
		daemon_round_free(r);
	}
	/*
	 * daemon_target_free() unlinks t through t->d, which is &d: the
	 * analyzer cannot see the alias and takes t for still linked.
	 */
	while ((t = TAILQ_FIRST(&d.targets)) != NULL)
		daemon_target_free(t);	/* NOLINT(clang-analyzer-unix.Malloc) */
	daemon_gen_unref(d.gen);
	SSL_CTX_free(d.ctx);
	log_emit(LOG_INFO, "event=exit");
	closelog();
	free(d.ident);
	free(d.path);
	return DAEMON_EXIT_OK;
}
