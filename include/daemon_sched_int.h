/*
 * daemon_sched_int.h: the schedule's state, shared by daemon_sched.c (the
 * targets and their turns) and daemon_round.c (a round, its checks and the
 * slots) only; daemon_sched.h is the API the daemon uses.
 */
#ifndef EDGEPROBE_DAEMON_SCHED_INT_H
#define EDGEPROBE_DAEMON_SCHED_INT_H

#include <sys/queue.h>

#include <stddef.h>

#include "metrics.h"
#include "result.h"

/* glibc's <sys/queue.h> lacks the removal-safe loop. */
#ifndef TAILQ_FOREACH_SAFE
#define TAILQ_FOREACH_SAFE(var, head, field, tvar)			\
	for ((var) = TAILQ_FIRST(head);					\
	    (var) != NULL && ((tvar) = TAILQ_NEXT(var, field), 1);	\
	    (var) = (tvar))
#endif

struct conf_target;
struct daemon_state;
struct probe_engine;
struct probe_timer;

struct daemon_sched_round;

/* One configured target and its schedule. */
struct daemon_sched_target {
	TAILQ_ENTRY(daemon_sched_target) entry;
	struct daemon_sched		*s;
	char			*name;
	const struct conf_target *ct;		/* in s->gen->conf */
	struct probe_timer	*timer;
	long long		 next_ms;	/* monotonic time of the next round */
	struct daemon_sched_round	*round;		/* NULL when idle */
	int			 removed;	/* gone from the configuration */
	int			 kept;		/* named by the configuration applied */
	struct daemon_state	*state;
};
TAILQ_HEAD(daemon_sched_targets, daemon_sched_target);

/* One round of one target: its members, its checks and their results. */
struct daemon_sched_round {
	TAILQ_ENTRY(daemon_sched_round) entry;
	struct daemon_sched_target	*t;
	struct daemon_sched_gen	*gen;		/* a reference, for ct and store */
	const struct conf_target *ct;
	int			 resolving;
	int			 aborted;	/* stopped: not every endpoint ran */
	size_t			 pending;	/* checks not back yet */
	struct result		**results;	/* one slot per endpoint, in order */
	size_t			 nresults;
};
TAILQ_HEAD(daemon_sched_rounds, daemon_sched_round);

/* One endpoint check, waiting for a slot or holding one. */
struct daemon_sched_job {
	TAILQ_ENTRY(daemon_sched_job)	 entry;
	struct daemon_sched_round	*round;
	size_t			 slot;		/* in round->results */
	char			*address;
	int			 port;
	struct result_srv	 srv;		/* srv.name NULL: not a domain */
	long long		 start_ms;	/* when it took its slot */
};
TAILQ_HEAD(daemon_sched_jobs, daemon_sched_job);

struct daemon_sched {
	struct probe_engine	*engine;
	struct daemon_sched_gen	*gen;		/* a reference: new rounds run under it */
	daemon_sched_round_cb		 round_cb;
	void			*round_arg;
	struct daemon_sched_targets	 targets;
	struct daemon_sched_rounds	 rounds;	/* rounds in progress */
	struct daemon_sched_jobs	 queue;		/* waiting for a slot */
	struct daemon_sched_jobs	 running;	/* holding a slot */
	size_t			 inflight;
	int			 concurrency;
	int			 stopping;
	int			 exiting;	/* the loop is over: drop everything */
	struct metrics_stats	 stats;
};

/* daemon_sched.c */
long long	 daemon_sched_now_ms(void);
/* Free a target and its state; it must have no round. */
void		 daemon_sched_target_free(struct daemon_sched_target *);

/* daemon_round.c */
/* A target's turn has come and its last round is over: start a round. */
void		 daemon_round_start(struct daemon_sched_target *);
/* The round is complete (or stopped): judge, log and free it. */
void		 daemon_round_finish(struct daemon_sched_round *);
void		 daemon_round_free(struct daemon_sched_round *);
/* Fill the free slots with waiting checks. */
void		 daemon_round_dispatch(struct daemon_sched *);
void		 daemon_round_job_free(struct daemon_sched_job *);

#endif
