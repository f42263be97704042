/*
 * daemon_sched.h: the daemon's schedule. Every `interval` a target's round
 * resolves its members again, checks each endpoint (member x port) through
 * a fixed pool of `concurrency` slots, judges the pool over the whole round
 * and hands the results to the target's daemon_state.
 */
#ifndef EDGEPROBE_DAEMON_SCHED_H
#define EDGEPROBE_DAEMON_SCHED_H

#include <stddef.h>
#include <openssl/x509.h>

struct conf;
struct metrics_endpoint;
struct metrics_stats;
struct probe_engine;
struct daemon_sched;
struct vcache;

/*
 * One loaded configuration, its trust store and that store's verification
 * cache (vcache.h), shared by the rounds: a reload starts a new cache.
 */
struct daemon_sched_gen {
	struct conf		*conf;
	X509_STORE		*store;
	struct vcache		*vcache;
	int			 refs;
};

/* Called after every round that ends while the loop runs. */
typedef void	(*daemon_sched_round_cb)(void *);

/* Wrap a configuration and its store with one reference (the caller's). */
struct daemon_sched_gen *daemon_sched_gen_new(struct conf *, X509_STORE *);
void		 daemon_sched_gen_unref(struct daemon_sched_gen *);

struct daemon_sched *daemon_sched_new(struct probe_engine *,
		    daemon_sched_round_cb, void *);
/*
 * Run under g (a reference is taken): new targets are scheduled at a random
 * point of their interval, targets g does not name are forgotten, kept ones
 * keep their endpoints' state and take the new settings at their next round.
 */
void		 daemon_sched_apply(struct daemon_sched *,
		    struct daemon_sched_gen *g);
/*
 * Start nothing new and drop the checks waiting for a slot; the rounds that
 * nothing runs for any more end now, the others when their checks are back.
 */
void		 daemon_sched_stop(struct daemon_sched *);
/* No round is in progress. */
int		 daemon_sched_idle(const struct daemon_sched *);
size_t		 daemon_sched_inflight(const struct daemon_sched *);
/* Endpoints of the configured targets, and the critical and warning ones. */
void		 daemon_sched_count(const struct daemon_sched *, size_t *n,
		    size_t *crit, size_t *warn);
/* Probe durations and results counted since the start. */
const struct metrics_stats *daemon_sched_stats(const struct daemon_sched *);
/* Append a view of every endpoint (see daemon_state_export()). */
void		 daemon_sched_export(const struct daemon_sched *,
		    struct metrics_endpoint **v, size_t *n, size_t *cap);
/*
 * The loop is over: drop the timers. Freeing the engine after this may still
 * call back the checks it held; they only collect their results.
 */
void		 daemon_sched_exit(struct daemon_sched *);
/* After daemon_sched_exit() and the engine's end: free everything. */
void		 daemon_sched_free(struct daemon_sched *);

#endif
