/*
 * once.c: one round over every endpoint, a report, an exit status.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "args.h"
#include "check.h"
#include "conf.h"
#include "log.h"
#include "once.h"
#include "plugin.h"
#include "policy.h"
#include "probe.h"
#include "report.h"
#include "result.h"
#include "tlsctx.h"
#include "vcache.h"
#include "xmalloc.h"

struct once_round;

/* A target's endpoints, in member then port order. */
struct once_target {
	struct once_round	 *round;
	struct result		**results;
	size_t			  n;
};

struct once_round {
	struct probe_engine	*eng;
	X509_STORE		*store;
	struct vcache		*vcache;	/* shared by every endpoint */
	struct once_target	*targets;
	size_t			  ntargets;
	size_t			  pending;	/* lookups + probes not done */
};

/* Where one probe's result goes. */
struct once_slot {
	struct once_round	*round;
	struct result		**dst;
};

static void	 once_members(const struct conf_target *,
		    struct check_member *, size_t, void *);
static void	 once_done(struct result *, void *);
static void	 once_settle(struct once_round *);
static int	 once_report(struct result **, struct plugin_limits *, size_t,
		    enum once_output);

/* Probe everything once and report; returns 0, 1, 2 or 3. */
int
once_run(const struct conf *conf, enum once_output out)
{
	struct once_round	 round;
	struct result		**all = NULL;
	struct plugin_limits	*lim = NULL;
	SSL_CTX			*ctx;
	char			*cause = NULL;
	size_t			 i, j, n = 0;
	int			 rc;

	/*
	 * A server that drops the connection with our ClientHello unread
	 * makes OpenSSL's alert write fail with EPIPE: that must be a
	 * HANDSHAKE_FAILED finding, not the death of --once or probe by
	 * SIGPIPE (the daemon ignores it too).
	 */
	signal(SIGPIPE, SIG_IGN);
	memset(&round, 0, sizeof(round));
	if ((round.store = tlsctx_store(conf->ca_file, &cause)) == NULL) {
		args_error("%s", cause);
		free(cause);
		return EXIT_USAGE;
	}
	round.vcache = vcache_new(round.store, VCACHE_MAX);
	if ((ctx = tlsctx_client(&cause)) == NULL ||
	    (round.eng = probe_engine_new(ctx, conf->concurrency,
	    &cause)) == NULL)
		fatalx("%s", cause);
	if (conf->resolver != NULL && probe_engine_set_resolver(round.eng,
	    conf->resolver, conf->resolver_port, &cause) == -1) {
		args_error("%s", cause);
		free(cause);
		probe_engine_free(round.eng);
		SSL_CTX_free(ctx);
		vcache_free(round.vcache);
		X509_STORE_free(round.store);
		return EXIT_USAGE;
	}

	round.ntargets = conf->ntargets;
	round.targets = xcalloc(conf->ntargets, sizeof(*round.targets));
	round.pending = conf->ntargets;
	for (i = 0; i < conf->ntargets; i++) {
		round.targets[i].round = &round;
		check_members(round.eng, &conf->targets[i], once_members,
		    &round.targets[i]);
	}
	if (round.pending > 0)
		probe_engine_run(round.eng);

	for (i = 0; i < round.ntargets; i++) {
		policy_pool(round.targets[i].results, round.targets[i].n);
		all = xreallocarray(all, n + round.targets[i].n, sizeof(*all));
		lim = xreallocarray(lim, n + round.targets[i].n, sizeof(*lim));
		for (j = 0; j < round.targets[i].n; j++) {
			lim[n].warn_days = conf->targets[i].warn_days;
			lim[n].crit_days = conf->targets[i].crit_days;
			all[n++] = round.targets[i].results[j];
		}
		free(round.targets[i].results);
	}
	free(round.targets);

	rc = once_report(all, lim, n, out);
	probe_engine_free(round.eng);
	SSL_CTX_free(ctx);
	vcache_free(round.vcache);
	X509_STORE_free(round.store);
	return rc;
}

/*
 * Print the results (lim[i]: the thresholds rs[i] was judged with), free
 * them, and return the exit status they give.
 */
static int
once_report(struct result **all, struct plugin_limits *lim, size_t n,
    enum once_output out)
{
	enum status	 worst;
	char		*doc;
	size_t		 i;

	if (out == ONCE_PLUGIN)
		plugin_report(stdout, all, lim, n);
	else if (out == ONCE_JSON) {
		doc = report_json(all, n);
		fputs(doc, stdout);
		fputc('\n', stdout);
		free(doc);
	} else
		report_human(stdout, all, n, isatty(STDOUT_FILENO));
	fflush(stdout);
	worst = result_worst(all, n);
	for (i = 0; i < n; i++)
		result_free(all[i]);
	free(all);
	free(lim);
	switch (worst) {
	case STATUS_OK:
		return EXIT_OK;
	case STATUS_WARNING:
		return EXIT_WARNING;
	default:
		return EXIT_CRITICAL;
	}
}

/* Judge a chain from a file with the first target's policy; report. */
int
once_cert(const struct conf *conf, STACK_OF(X509) *chain,
    enum once_output out)
{
	struct result		**all;
	struct plugin_limits	*lim;
	X509_STORE		*store;
	char			*cause = NULL;

	if ((store = tlsctx_store(conf->ca_file, &cause)) == NULL) {
		args_error("%s", cause);
		free(cause);
		sk_X509_pop_free(chain, X509_free);
		return EXIT_USAGE;
	}
	all = xcalloc(1, sizeof(*all));
	all[0] = check_chain(&conf->targets[0], store, chain);
	lim = xcalloc(1, sizeof(*lim));
	lim[0].warn_days = conf->targets[0].warn_days;
	lim[0].crit_days = conf->targets[0].crit_days;
	X509_STORE_free(store);
	return once_report(all, lim, 1, out);
}

/* A target's members are known: start every endpoint's probe. */
static void
once_members(const struct conf_target *t, struct check_member *m, size_t n,
    void *arg)
{
	struct once_target	*ot = arg;
	struct once_round	*round = ot->round;
	struct once_slot	*slot;
	const int		*ports;
	size_t			 i, j, k = 0, np;

	ot->n = 0;
	for (i = 0; i < n; i++)
		ot->n += check_member_ports(t, &m[i], &ports);
	ot->results = xcalloc(ot->n ? ot->n : 1, sizeof(*ot->results));
	for (i = 0; i < n; i++) {
		np = check_member_ports(t, &m[i], &ports);
		for (j = 0; j < np; j++, k++) {
			if (m[i].address == NULL) {
				ot->results[k] = check_member_failed(t, &m[i],
				    ports[j]);
				continue;
			}
			slot = xcalloc(1, sizeof(*slot));
			slot->round = round;
			slot->dst = &ot->results[k];
			round->pending++;
			check_endpoint(round->eng, round->store,
			    round->vcache, t, m[i].address, ports[j],
			    m[i].srv, once_done, slot);
		}
	}
	round->pending--;
	once_settle(round);
}

/* One endpoint is judged. */
static void
once_done(struct result *r, void *arg)
{
	struct once_slot	*slot = arg;
	struct once_round	*round = slot->round;

	*slot->dst = r;
	free(slot);
	round->pending--;
	once_settle(round);
}

/* Stop the loop when nothing is left. */
static void
once_settle(struct once_round *round)
{
	if (round->pending == 0)
		probe_engine_stop(round->eng);
}

