/*
 * daemon_round.c: one round of one target. Its members are resolved
 * (check_members), one check per endpoint waits for a slot of the fixed
 * pool of `concurrency`, and when the last check is back POOL_MISMATCH is
 * judged over the whole round before the target's daemon_state logs each
 * result. The schedule that starts rounds is daemon_sched.c.
 */
#include <sys/queue.h>

#include <stdlib.h>

#include "check.h"
#include "conf.h"
#include "daemon_state.h"
#include "log.h"
#include "metrics.h"
#include "policy.h"
#include "result.h"
#include "daemon_sched.h"
#include "daemon_sched_int.h"
#include "xmalloc.h"

static void	 daemon_round_members(const struct conf_target *,
		    struct check_member *, size_t, void *);
static void	 daemon_round_maybe_finish(struct daemon_sched_round *);
static void	 daemon_round_job_done(struct result *, void *);

/* A target's turn has come and its last round is over: start a round. */
void
daemon_round_start(struct daemon_sched_target *t)
{
	struct daemon_sched		*s = t->s;
	struct daemon_sched_round	*r;

	r = xcalloc(1, sizeof(*r));
	r->t = t;
	r->gen = s->gen;
	r->gen->refs++;
	r->ct = t->ct;
	r->resolving = 1;
	t->round = r;
	TAILQ_INSERT_TAIL(&s->rounds, r, entry);
	log_debug("target %s: round starts", t->name);
	check_members(s->engine, r->ct, daemon_round_members, r);
}

/*
 * The members of a round's target are known: one result slot per endpoint,
 * in member then port order, and one check queued for each address.
 */
static void
daemon_round_members(const struct conf_target *ct, struct check_member *m,
    size_t n, void *arg)
{
	struct daemon_sched_round	*r = arg;
	struct daemon_sched		*s = r->t->s;
	struct daemon_sched_job	*j;
	const int		*ports;
	size_t			 i, p, k = 0, np;

	r->resolving = 0;
	if (s->exiting)
		return;
	r->nresults = 0;
	for (i = 0; i < n; i++)
		r->nresults += check_member_ports(ct, &m[i], &ports);
	r->results = xcalloc(r->nresults ? r->nresults : 1,
	    sizeof(*r->results));
	for (i = 0; i < n && !s->stopping; i++) {
		np = check_member_ports(ct, &m[i], &ports);
		for (p = 0; p < np; p++, k++) {
			if (m[i].address == NULL) {
				r->results[k] = check_member_failed(ct, &m[i],
				    ports[p]);
				continue;
			}
			j = xcalloc(1, sizeof(*j));
			j->round = r;
			j->slot = k;
			j->address = xstrdup(m[i].address);
			j->port = ports[p];
			if (m[i].srv != NULL) {
				j->srv = *m[i].srv;
				j->srv.name = xstrdup(m[i].srv->name);
				j->srv.target = xstrdup(m[i].srv->target);
			}
			r->pending++;
			TAILQ_INSERT_TAIL(&s->queue, j, entry);
		}
	}
	if (s->stopping)
		r->aborted = 1;
	/* Hold the round: a check that ends at once must not free it here. */
	r->pending++;
	daemon_round_dispatch(s);
	r->pending--;
	daemon_round_maybe_finish(r);
}

/* Finish the round once its members are known and every check is back. */
static void
daemon_round_maybe_finish(struct daemon_sched_round *r)
{
	if (r->resolving || r->pending > 0)
		return;
	daemon_round_finish(r);
}

/*
 * The round is complete: judge the pool over all its results, then let the
 * target's state log each result and the events it causes.
 */
void
daemon_round_finish(struct daemon_sched_round *r)
{
	struct daemon_sched_target	*t = r->t;
	struct daemon_sched		*s = t->s;
	size_t			 i, n;

	/* An aborted round has empty slots: close the gaps. */
	for (i = n = 0; i < r->nresults; i++)
		if (r->results[i] != NULL)
			r->results[n++] = r->results[i];
	r->nresults = n;
	if (!t->removed && !s->exiting) {
		policy_pool(r->results, r->nresults);
		for (i = 0; i < r->nresults; i++) {
			result_finish(r->results[i]);
			metrics_count(&s->stats, r->results[i]->status);
		}
		/* An aborted round did not see everyone: forget nobody. */
		daemon_state_round(t->state, r->results, r->nresults,
		    r->gen->conf->log_ok, !r->aborted);
		log_debug("target %s: round done, %zu results", t->name,
		    r->nresults);
	}
	t->round = NULL;
	TAILQ_REMOVE(&s->rounds, r, entry);
	daemon_round_free(r);
	if (t->removed)
		daemon_sched_target_free(t);
	if (!s->exiting && s->round_cb != NULL)
		s->round_cb(s->round_arg);
}

/* Free a round, its results and its reference to the configuration. */
void
daemon_round_free(struct daemon_sched_round *r)
{
	size_t	 i;

	for (i = 0; i < r->nresults; i++)
		result_free(r->results[i]);	/* NULL: an empty slot */
	free(r->results);
	daemon_sched_gen_unref(r->gen);
	free(r);
}

/* Fill the free slots with waiting checks. */
void
daemon_round_dispatch(struct daemon_sched *s)
{
	struct daemon_sched_job	*j;
	struct daemon_sched_round	*r;

	while (!s->stopping && !s->exiting &&
	    s->inflight < (size_t)s->concurrency &&
	    (j = TAILQ_FIRST(&s->queue)) != NULL) {
		TAILQ_REMOVE(&s->queue, j, entry);
		TAILQ_INSERT_TAIL(&s->running, j, entry);
		s->inflight++;
		j->start_ms = daemon_sched_now_ms();
		r = j->round;
		check_endpoint(s->engine, r->gen->store, r->gen->vcache, r->ct,
		    j->address, j->port, j->srv.name != NULL ? &j->srv : NULL,
		    daemon_round_job_done, j);
	}
}

/* One check is back: keep its result, free the slot, refill. */
static void
daemon_round_job_done(struct result *res, void *arg)
{
	struct daemon_sched_job	*j = arg;
	struct daemon_sched_round	*r = j->round;
	struct daemon_sched		*s = r->t->s;

	TAILQ_REMOVE(&s->running, j, entry);
	s->inflight--;
	metrics_observe(&s->stats,
	    (double)(daemon_sched_now_ms() - j->start_ms) / 1000);
	r->results[j->slot] = res;
	daemon_round_job_free(j);
	r->pending--;
	if (s->exiting)
		return;
	daemon_round_maybe_finish(r);	/* may free r */
	daemon_round_dispatch(s);
}

/* Free a job (not its round). */
void
daemon_round_job_free(struct daemon_sched_job *j)
{
	free(j->srv.name);
	free(j->srv.target);
	free(j->address);
	free(j);
}
