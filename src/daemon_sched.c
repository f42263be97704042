/*
 * daemon_sched.c: the daemon's schedule, the targets and their turns.
 *
 * The unit of scheduling is a round of one target (daemon_round.c): every
 * `interval` the target's members are resolved again (so a DNS pool that
 * grows or shrinks is followed), each endpoint (member x port) is checked,
 * and when the last check of the round is back, POOL_MISMATCH is computed
 * over the whole round before any line is logged. The first round of each
 * target starts at a random point of its interval, so thousands of
 * endpoints never start at once; the rounds keep that phase afterwards. A
 * round still running when its next turn comes is not doubled: that turn
 * is skipped.
 *
 * Checks go through a fixed pool of `concurrency` slots that pull the next
 * waiting endpoint, so on a stop nothing waits in the engine: the slots in
 * use end within their timeout and nothing else starts.
 */
#include <sys/queue.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "conf.h"
#include "daemon_state.h"
#include "log.h"
#include "metrics.h"
#include "probe.h"
#include "vcache.h"
#include "daemon_sched.h"
#include "daemon_sched_int.h"
#include "xmalloc.h"

static struct daemon_sched_target *daemon_sched_target_new(
		    struct daemon_sched *, const struct conf_target *);
static int	 daemon_sched_target_cmp(const void *, const void *);
static struct daemon_sched_target *daemon_sched_target_find(
		    struct daemon_sched_target **, size_t, const char *);
static void	 daemon_sched_target_schedule(struct daemon_sched_target *,
		    int);
static void	 daemon_sched_target_next(struct daemon_sched_target *);
static long long daemon_sched_ival_ms(const struct daemon_sched_target *);
static void	 daemon_sched_target_remove(struct daemon_sched_target *);
static void	 daemon_sched_tick(void *);

/* The monotonic clock in milliseconds. */
long long
daemon_sched_now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Wrap a configuration and its trust store with one reference. */
struct daemon_sched_gen *
daemon_sched_gen_new(struct conf *conf, X509_STORE *store)
{
	struct daemon_sched_gen	*g;

	g = xcalloc(1, sizeof(*g));
	g->conf = conf;
	g->store = store;
	g->vcache = vcache_new(store, VCACHE_MAX);
	g->refs = 1;
	return g;
}

/* Drop one reference; the last one frees the configuration and store. */
void
daemon_sched_gen_unref(struct daemon_sched_gen *g)
{
	if (g == NULL || --g->refs > 0)
		return;
	vcache_free(g->vcache);
	X509_STORE_free(g->store);
	conf_free(g->conf);
	free(g);
}

/* An empty schedule; round_cb(arg) follows every round that ends. */
struct daemon_sched *
daemon_sched_new(struct probe_engine *engine, daemon_sched_round_cb round_cb,
    void *arg)
{
	struct daemon_sched	*s;

	s = xcalloc(1, sizeof(*s));
	s->engine = engine;
	s->round_cb = round_cb;
	s->round_arg = arg;
	TAILQ_INIT(&s->targets);
	TAILQ_INIT(&s->rounds);
	TAILQ_INIT(&s->queue);
	TAILQ_INIT(&s->running);
	return s;
}

/* Swap g in: forget, add and retune targets, then apply its concurrency. */
void
daemon_sched_apply(struct daemon_sched *s, struct daemon_sched_gen *g)
{
	struct daemon_sched_gen	*old = s->gen;
	struct daemon_sched_target	*t, *tmp, **live;
	const struct conf_target *ct;
	size_t			 i, n = 0;
	int			 ival;

	g->refs++;
	s->gen = g;
	/* The live targets by name: 100,000 of them are n log n, not n^2. */
	TAILQ_FOREACH(t, &s->targets, entry)
		n += !t->removed;
	live = xcalloc(n > 0 ? n : 1, sizeof(*live));
	n = 0;
	TAILQ_FOREACH(t, &s->targets, entry)
		if (!t->removed) {
			t->kept = 0;
			live[n++] = t;
		}
	qsort(live, n, sizeof(*live), daemon_sched_target_cmp);
	for (i = 0; i < g->conf->ntargets; i++) {
		ct = &g->conf->targets[i];
		if ((t = daemon_sched_target_find(live, n, ct->name)) == NULL) {
			daemon_sched_target_new(s, ct)->kept = 1;
			continue;
		}
		t->kept = 1;
		ival = t->ct->interval;
		t->ct = ct;
		if (ival != ct->interval)
			daemon_sched_target_schedule(t, 0);
	}
	free(live);
	TAILQ_FOREACH_SAFE(t, &s->targets, entry, tmp)
		if (!t->removed && !t->kept)
			daemon_sched_target_remove(t);
	/* No target points into the old configuration any more. */
	daemon_sched_gen_unref(old);
	s->concurrency = g->conf->concurrency;
	probe_engine_set_concurrency(s->engine, s->concurrency);
	daemon_round_dispatch(s);
}

/* Stop the timers, drop the waiting checks, end the idle rounds. */
void
daemon_sched_stop(struct daemon_sched *s)
{
	struct daemon_sched_target	*t;
	struct daemon_sched_round	*r;
	struct daemon_sched_job	*j;

	s->stopping = 1;
	TAILQ_FOREACH(t, &s->targets, entry)
		probe_timer_clear(t->timer);
	while ((j = TAILQ_FIRST(&s->queue)) != NULL) {
		TAILQ_REMOVE(&s->queue, j, entry);
		j->round->pending--;
		j->round->aborted = 1;
		daemon_round_job_free(j);
	}
	/* Finish the rounds that nothing is running for any more. */
	for (;;) {
		TAILQ_FOREACH(r, &s->rounds, entry)
			if (!r->resolving && r->pending == 0)
				break;
		if (r == NULL)
			break;
		daemon_round_finish(r);
	}
}

/* No round in progress. */
int
daemon_sched_idle(const struct daemon_sched *s)
{
	return TAILQ_EMPTY(&s->rounds);
}

/* Checks holding a slot. */
size_t
daemon_sched_inflight(const struct daemon_sched *s)
{
	return s->inflight;
}

/* Count the endpoints of the targets still configured. */
void
daemon_sched_count(const struct daemon_sched *s, size_t *n, size_t *crit,
    size_t *warn)
{
	const struct daemon_sched_target *t;

	*n = *crit = *warn = 0;
	TAILQ_FOREACH(t, &s->targets, entry)
		if (!t->removed)
			daemon_state_count(t->state, n, crit, warn);
}

/* The counters of the metrics. */
const struct metrics_stats *
daemon_sched_stats(const struct daemon_sched *s)
{
	return &s->stats;
}

/* A view of every endpoint of the targets still configured. */
void
daemon_sched_export(const struct daemon_sched *s, struct metrics_endpoint **v,
    size_t *n, size_t *cap)
{
	const struct daemon_sched_target *t;

	TAILQ_FOREACH(t, &s->targets, entry)
		if (!t->removed)
			daemon_state_export(t->state, v, n, cap);
}

/* The loop is over: from now on callbacks only collect; drop the timers. */
void
daemon_sched_exit(struct daemon_sched *s)
{
	struct daemon_sched_target	*t;

	s->exiting = 1;
	TAILQ_FOREACH(t, &s->targets, entry) {
		probe_timer_free(t->timer);
		t->timer = NULL;
	}
}

/* Free the jobs, rounds and targets left, and the reference held. */
void
daemon_sched_free(struct daemon_sched *s)
{
	struct daemon_sched_target	*t;
	struct daemon_sched_round	*r;
	struct daemon_sched_job	*j;

	while ((j = TAILQ_FIRST(&s->running)) != NULL) {
		TAILQ_REMOVE(&s->running, j, entry);
		daemon_round_job_free(j);
	}
	while ((j = TAILQ_FIRST(&s->queue)) != NULL) {
		TAILQ_REMOVE(&s->queue, j, entry);
		daemon_round_job_free(j);
	}
	while ((r = TAILQ_FIRST(&s->rounds)) != NULL) {
		TAILQ_REMOVE(&s->rounds, r, entry);
		r->t->round = NULL;
		daemon_round_free(r);
	}
	/*
	 * daemon_sched_target_free() unlinks t through t->s, which is s: the
	 * analyzer cannot see the alias and takes t for still linked.
	 */
	while ((t = TAILQ_FIRST(&s->targets)) != NULL)
		daemon_sched_target_free(t);	/* NOLINT(clang-analyzer-unix.Malloc) */
	daemon_sched_gen_unref(s->gen);
	free(s);
}

/* A new target with no state yet, due at a random point of its interval. */
static struct daemon_sched_target *
daemon_sched_target_new(struct daemon_sched *s, const struct conf_target *ct)
{
	struct daemon_sched_target	*t;

	t = xcalloc(1, sizeof(*t));
	t->s = s;
	t->name = xstrdup(ct->name);
	t->ct = ct;
	t->state = daemon_state_new(ct->name);
	t->timer = probe_timer_new(s->engine, daemon_sched_tick, t);
	TAILQ_INSERT_TAIL(&s->targets, t, entry);
	daemon_sched_target_schedule(t, 1);
	return t;
}

/* Order targets by name (qsort). */
static int
daemon_sched_target_cmp(const void *a, const void *b)
{
	const struct daemon_sched_target *const *x = a, *const *y = b;

	return strcmp((*x)->name, (*y)->name);
}

/* The target called name in v, sorted by name, or NULL. */
static struct daemon_sched_target *
daemon_sched_target_find(struct daemon_sched_target **v, size_t n,
    const char *name)
{
	size_t	 lo = 0, hi = n, mid;
	int	 c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if ((c = strcmp(name, v[mid]->name)) == 0)
			return v[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

/*
 * Arm the target's timer. The first round (fresh) starts at a random point
 * of the interval: ten thousand endpoints loaded at once are spread over it
 * instead of hitting the network, the resolver and the log in one burst.
 * Later rounds keep that phase.
 */
static void
daemon_sched_target_schedule(struct daemon_sched_target *t, int fresh)
{
	long long	 now = daemon_sched_now_ms(), ival;

	ival = daemon_sched_ival_ms(t);
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

/*
 * The turn due at next_ms is being taken: arm the one an interval later.
 * libevent arms a timer from the time it cached when the loop woke, which
 * lags the clock by the work of the callbacks before, so the timer may
 * fire a few milliseconds before next_ms; re-arming for the same next_ms
 * then took one turn twice.
 */
static void
daemon_sched_target_next(struct daemon_sched_target *t)
{
	long long	 now = daemon_sched_now_ms(), ival;

	ival = daemon_sched_ival_ms(t);
	t->next_ms += ival;
	while (t->next_ms <= now)
		t->next_ms += ival;
	probe_timer_set(t->timer, (long)(t->next_ms - now));
}

/* A target's interval in milliseconds (never 0). */
static long long
daemon_sched_ival_ms(const struct daemon_sched_target *t)
{
	long long	 ival = (long long)t->ct->interval * 1000;

	return ival > 0 ? ival : 1000;
}

/* Forget a target that left the configuration, with a NOTICE per endpoint. */
static void
daemon_sched_target_remove(struct daemon_sched_target *t)
{
	t->removed = 1;
	probe_timer_clear(t->timer);
	daemon_state_forget(t->state);
	if (t->round == NULL)
		daemon_sched_target_free(t);
}

/* Free a target and its state; it must have no round. */
void
daemon_sched_target_free(struct daemon_sched_target *t)
{
	TAILQ_REMOVE(&t->s->targets, t, entry);
	daemon_state_free(t->state);
	if (t->timer != NULL)
		probe_timer_free(t->timer);
	free(t->name);
	free(t);
}

/* A target's turn: resolve its members again, unless its last round runs. */
static void
daemon_sched_tick(void *arg)
{
	struct daemon_sched_target	*t = arg;
	struct daemon_sched		*s = t->s;

	if (s->stopping || t->removed)
		return;
	daemon_sched_target_next(t);
	if (t->round != NULL) {
		log_debug("target %s: round still running, turn skipped",
		    t->name);
		return;
	}
	daemon_round_start(t);
}

