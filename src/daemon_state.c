/*
 * daemon_state.c: one target's endpoints as the daemon remembers them, and
 * the result and change lines logged from them. The first probe of an
 * endpoint is no change; a failed probe in between does not hide a renewal.
 */
#include <sys/queue.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include "chain.h"
#include "daemon_state.h"
#include "finding.h"
#include "log.h"
#include "logfmt.h"
#include "metrics.h"
#include "result.h"
#include "xmalloc.h"

/* What is remembered of one endpoint from one round to the next. */
struct daemon_endpoint {
	TAILQ_ENTRY(daemon_endpoint) entry;
	char			*address;	/* numeric, or the name that failed */
	char			*host;
	int			 port;
	enum status		 status;	/* of the last probe */
	char			 sha256[65];	/* last leaf seen; "" none yet */
	int			 seen;		/* in the round being logged */
	int			 success;	/* the last handshake completed */
	int			 has_not_after;
	long long		 not_after;	/* of the last leaf seen */
	struct metrics_finding	*findings;	/* of the last probe */
	size_t			 nfindings;
};
TAILQ_HEAD(daemon_endpoints, daemon_endpoint);

struct daemon_state {
	char			*target;
	struct daemon_endpoints	 endpoints;
};

static void	 daemon_state_log_result(const struct result *, int);
static struct daemon_endpoint *daemon_state_find(struct daemon_state *,
		    const struct result *);
static void	 daemon_state_update(struct daemon_state *,
		    const struct result *);
static void	 daemon_state_keep(struct daemon_endpoint *,
		    const struct result *);
static void	 daemon_state_log_removed(const struct daemon_state *,
		    const struct daemon_endpoint *);
static void	 daemon_state_clear(struct daemon_state *);
static void	 daemon_state_endpoint_free(struct daemon_endpoint *);

/* The state of a target with no endpoint seen yet. */
struct daemon_state *
daemon_state_new(const char *target)
{
	struct daemon_state	*st;

	st = xcalloc(1, sizeof(*st));
	st->target = xstrdup(target);
	TAILQ_INIT(&st->endpoints);
	return st;
}

/* Free a target's state, silently. */
void
daemon_state_free(struct daemon_state *st)
{
	if (st == NULL)
		return;
	daemon_state_clear(st);
	free(st->target);
	free(st);
}

/* Log a round's results in order, then forget the endpoints it missed. */
void
daemon_state_round(struct daemon_state *st, struct result *const *res,
    size_t n, int log_ok, int complete)
{
	struct daemon_endpoint	*ep, *tmp;
	size_t			 i;

	TAILQ_FOREACH(ep, &st->endpoints, entry)
		ep->seen = 0;
	for (i = 0; i < n; i++) {
		daemon_state_log_result(res[i], log_ok);
		daemon_state_update(st, res[i]);
	}
	if (!complete)
		return;
	for (ep = TAILQ_FIRST(&st->endpoints); ep != NULL; ep = tmp) {
		tmp = TAILQ_NEXT(ep, entry);
		if (ep->seen)
			continue;
		daemon_state_log_removed(st, ep);
		TAILQ_REMOVE(&st->endpoints, ep, entry);
		daemon_state_endpoint_free(ep);
	}
}

/* A NOTICE for every endpoint of a target that is gone, then forget them. */
void
daemon_state_forget(struct daemon_state *st)
{
	struct daemon_endpoint	*ep;

	TAILQ_FOREACH(ep, &st->endpoints, entry)
		daemon_state_log_removed(st, ep);
	daemon_state_clear(st);
}

/* Count the endpoints, and the critical and warning ones among them. */
void
daemon_state_count(const struct daemon_state *st, size_t *n, size_t *crit,
    size_t *warn)
{
	const struct daemon_endpoint *ep;

	TAILQ_FOREACH(ep, &st->endpoints, entry) {
		(*n)++;
		if (ep->status == STATUS_CRITICAL)
			(*crit)++;
		else if (ep->status == STATUS_WARNING)
			(*warn)++;
	}
}

/* Append this target's endpoints, in the order they were first seen. */
void
daemon_state_export(const struct daemon_state *st, struct metrics_endpoint **v,
    size_t *n, size_t *cap)
{
	const struct daemon_endpoint *ep;
	struct metrics_endpoint	*m;

	TAILQ_FOREACH(ep, &st->endpoints, entry) {
		if (*n == *cap) {
			*cap = *cap ? *cap * 2 : 64;
			*v = xreallocarray(*v, *cap, sizeof(**v));
		}
		m = &(*v)[(*n)++];
		m->target = st->target;
		m->address = ep->address;
		m->port = ep->port;
		m->success = ep->success;
		m->status = ep->status;
		m->has_not_after = ep->has_not_after;
		m->not_after = ep->not_after;
		m->findings = ep->findings;
		m->nfindings = ep->nfindings;
	}
}

/* The result line, at a priority that follows its status. */
static void
daemon_state_log_result(const struct result *res, int log_ok)
{
	char	*line;
	int	 pri;

	if (res->status == STATUS_OK && !log_ok)
		return;
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
	line = logfmt_result(res);
	log_emit(pri, "%s", line);
	free(line);
}

/* The endpoint a result is about, or NULL the first time. */
static struct daemon_endpoint *
daemon_state_find(struct daemon_state *st, const struct result *res)
{
	struct daemon_endpoint	*ep;

	TAILQ_FOREACH(ep, &st->endpoints, entry)
		if (ep->port == res->port &&
		    strcmp(ep->address, res->address) == 0)
			return ep;
	return NULL;
}

/* Log the status and certificate changes of a result and remember it. */
static void
daemon_state_update(struct daemon_state *st, const struct result *res)
{
	struct daemon_endpoint	*ep;
	char			*line;

	if ((ep = daemon_state_find(st, res)) == NULL) {
		/* The first probe of an endpoint is no change. */
		ep = xcalloc(1, sizeof(*ep));
		ep->address = xstrdup(res->address);
		ep->host = xstrdup(res->host);
		ep->port = res->port;
		ep->status = res->status;
		TAILQ_INSERT_TAIL(&st->endpoints, ep, entry);
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
	daemon_state_keep(ep, res);
}

/* Remember what the metrics show of a result: the last leaf stays known. */
static void
daemon_state_keep(struct daemon_endpoint *ep, const struct result *res)
{
	X509		*leaf;
	struct tm	 tm;
	size_t		 i;

	if (res->leaf_sha256[0] != '\0')
		memcpy(ep->sha256, res->leaf_sha256, sizeof(ep->sha256));
	ep->seen = 1;
	ep->success = res->has_tls;
	if (sk_X509_num(res->chain) > 0) {
		leaf = sk_X509_value(res->chain, 0);
		if (chain_time_tm(X509_get0_notAfter(leaf), &tm) == 0) {
			ep->not_after = (long long)timegm(&tm);
			ep->has_not_after = 1;
		}
	}
	free(ep->findings);
	ep->findings = xcalloc(res->findings.n ? res->findings.n : 1,
	    sizeof(*ep->findings));
	ep->nfindings = res->findings.n;
	for (i = 0; i < res->findings.n; i++) {
		ep->findings[i].code = res->findings.v[i].code;
		ep->findings[i].severity = res->findings.v[i].severity;
	}
}

/* The NOTICE line of an endpoint that is forgotten. */
static void
daemon_state_log_removed(const struct daemon_state *st,
    const struct daemon_endpoint *ep)
{
	char	*line, port[16];

	snprintf(port, sizeof(port), "%d", ep->port);
	line = logfmt_append(NULL, "event", "endpoint_removed");
	line = logfmt_append(line, "target", st->target);
	line = logfmt_append(line, "host", ep->host);
	line = logfmt_append(line, "address", ep->address);
	line = logfmt_append(line, "port", port);
	log_emit(LOG_NOTICE, "%s", line);
	free(line);
}

/* Forget every endpoint, silently. */
static void
daemon_state_clear(struct daemon_state *st)
{
	struct daemon_endpoint	*ep;

	while ((ep = TAILQ_FIRST(&st->endpoints)) != NULL) {
		TAILQ_REMOVE(&st->endpoints, ep, entry);
		daemon_state_endpoint_free(ep);
	}
}

/* Free one endpoint's state (unlinked). */
static void
daemon_state_endpoint_free(struct daemon_endpoint *ep)
{
	free(ep->address);
	free(ep->host);
	free(ep->findings);
	free(ep);
}
