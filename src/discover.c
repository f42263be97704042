/*
 * discover.c: a domain's Edge endpoints through DNS SRV, as a partner finds
 * them.
 *
 * Two SRV lookups run at once (the federation service on 5061, the access
 * service on 443); each answer is put in probing order and capped by srv.c,
 * then every SRV target is resolved (all its addresses). When the last
 * lookup is back the members go to the caller in a fixed order: federation
 * records first, then access records, each record's addresses in the
 * resolver's order. No libevent here: the engine calls back.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "conf.h"
#include "discover.h"
#include "log.h"
#include "probe.h"
#include "result.h"
#include "srv.h"
#include "xmalloc.h"

struct discover;

/* One SRV service of the domain and what its lookups gave. */
struct discover_service {
	struct discover		*d;
	char			*name;		/* _service._proto.DOMAIN */
	int			 required;	/* SRV_MISSING without a record */
	int			 port;		/* for results without a record */
	char			*error;		/* the SRV lookup failed */
	struct srv_record	*rec;		/* probing order */
	size_t			 nall;		/* records held in rec */
	size_t			 nrec;		/* kept, the first of rec */
	struct result_srv	*srv;		/* per kept record */
	struct strlist		*addrs;		/* per kept record */
	char			**errors;	/* per kept record */
};

struct discover {
	const struct conf_target *target;
	struct probe_engine	*eng;
	struct discover_service	 svc[2];
	size_t			 pending;	/* lookups not back */
	check_members_cb	 cb;
	void			*arg;
};

/* One SRV target being resolved. */
struct discover_name {
	struct discover_service	*svc;
	size_t			 idx;
};

static void	 discover_answer(const char *, const struct probe_srv_rr *,
		    size_t, size_t, const char *, void *);
static void	 discover_resolved(const char *, struct strlist *,
		    const char *, void *);
static void	 discover_done(struct discover *);
static size_t	 discover_members(struct discover_service *,
		    struct check_member **, size_t);
static void	 discover_member_add(struct check_member **, size_t *,
		    const char *, const char *, const char *, int,
		    struct result_srv *);
static void	 discover_free(struct discover *);

/* Start both SRV lookups of t->domain. */
void
discover_domain(struct probe_engine *eng, const struct conf_target *t,
    check_members_cb cb, void *arg)
{
	static const char *const services[2] = { DISCOVER_FEDERATION,
	    DISCOVER_ACCESS };
	static const int	 ports[2] = { 5061, 443 };
	struct discover		*d;
	size_t			 i;

	d = xcalloc(1, sizeof(*d));
	d->target = t;
	d->eng = eng;
	d->cb = cb;
	d->arg = arg;
	d->pending = 2;
	for (i = 0; i < 2; i++) {
		d->svc[i].d = d;
		xasprintf(&d->svc[i].name, "%s.%s", services[i], t->domain);
		d->svc[i].required = i == 0;
		d->svc[i].port = ports[i];
	}
	for (i = 0; i < 2; i++)
		probe_resolve_srv(eng, d->svc[i].name, discover_answer,
		    &d->svc[i]);
}

/* An SRV answer: order it, then resolve every target kept. */
static void
discover_answer(const char *name, const struct probe_srv_rr *rr, size_t n,
    size_t dropped, const char *error, void *arg)
{
	struct discover_service	*svc = arg;
	struct discover		*d = svc->d;
	struct discover_name	*dn;
	struct srv_dropped	 drop;
	size_t			 i;

	if (error != NULL)
		svc->error = xstrdup(error);
	svc->rec = xcalloc(n ? n : 1, sizeof(*svc->rec));
	for (i = 0; i < n; i++) {
		svc->rec[i].name = xstrdup(rr[i].target);
		svc->rec[i].port = (uint16_t)rr[i].port;
		svc->rec[i].priority = (uint16_t)rr[i].priority;
		svc->rec[i].weight = (uint16_t)rr[i].weight;
	}
	svc->nall = n;
	svc->nrec = srv_order(svc->rec, n, &drop);
	drop.capped += dropped;
	if (drop.capped + drop.invalid + drop.duplicate > 0)
		log_info("%s: %zu SRV records set aside (%zu beyond the %d "
		    "probed, %zu not host names, %zu duplicates)", name,
		    drop.capped + drop.invalid + drop.duplicate, drop.capped,
		    SRV_MAX_TARGETS, drop.invalid, drop.duplicate);
	svc->srv = xcalloc(svc->nrec ? svc->nrec : 1, sizeof(*svc->srv));
	svc->addrs = xcalloc(svc->nrec ? svc->nrec : 1, sizeof(*svc->addrs));
	svc->errors = xcalloc(svc->nrec ? svc->nrec : 1,
	    sizeof(*svc->errors));
	for (i = 0; i < svc->nrec; i++) {
		svc->srv[i].name = svc->name;
		svc->srv[i].target = svc->rec[i].name;
		svc->srv[i].port = svc->rec[i].port;
		svc->srv[i].priority = svc->rec[i].priority;
		svc->srv[i].weight = svc->rec[i].weight;
		dn = xcalloc(1, sizeof(*dn));
		dn->svc = svc;
		dn->idx = i;
		d->pending++;
		probe_resolve(d->eng, svc->rec[i].name, discover_resolved, dn);
	}
	if (--d->pending == 0)
		discover_done(d);
}

/* One SRV target's addresses are known. */
static void
discover_resolved(const char *name, struct strlist *addrs, const char *error,
    void *arg)
{
	struct discover_name	*dn = arg;
	struct discover_service	*svc = dn->svc;
	struct discover		*d = svc->d;
	size_t			 i;

	(void)name;
	if (error != NULL)
		svc->errors[dn->idx] = xstrdup(error);
	else
		for (i = 0; i < addrs->n; i++)
			strlist_add(&svc->addrs[dn->idx], addrs->v[i]);
	free(dn);
	if (--d->pending == 0)
		discover_done(d);
}

/* Every lookup is back: hand the members over, then free everything. */
static void
discover_done(struct discover *d)
{
	struct check_member	*m = NULL;
	size_t			 n = 0, i;

	for (i = 0; i < 2; i++)
		n = discover_members(&d->svc[i], &m, n);
	d->cb(d->target, m, n, d->arg);
	for (i = 0; i < n; i++) {
		free(m[i].address);
		free(m[i].name);
		free(m[i].error);
	}
	free(m);
	discover_free(d);
}

/*
 * Append one service's members to *m (n so far): a failed lookup or a
 * missing required record as one member without address, else every
 * address of every record kept.
 */
static size_t
discover_members(struct discover_service *svc, struct check_member **m,
    size_t n)
{
	size_t	 i, j;

	if (svc->error != NULL) {
		discover_member_add(m, &n, NULL, svc->name, svc->error,
		    svc->port, NULL);
		return n;
	}
	if (svc->nrec == 0) {
		if (svc->required) {
			discover_member_add(m, &n, NULL, svc->name, NULL,
			    svc->port, NULL);
			(*m)[n - 1].srv_missing = svc->nall > 0 ? 2 : 1;
		}
		return n;
	}
	for (i = 0; i < svc->nrec; i++) {
		if (svc->errors[i] != NULL) {
			discover_member_add(m, &n, NULL, svc->rec[i].name,
			    svc->errors[i], svc->rec[i].port, &svc->srv[i]);
			continue;
		}
		for (j = 0; j < svc->addrs[i].n; j++)
			discover_member_add(m, &n, svc->addrs[i].v[j],
			    svc->rec[i].name, NULL, svc->rec[i].port,
			    &svc->srv[i]);
	}
	return n;
}

/* Append one member (strings copied; srv borrowed until the callback). */
static void
discover_member_add(struct check_member **m, size_t *n, const char *address,
    const char *name, const char *error, int port, struct result_srv *srv)
{
	struct check_member	*e;

	*m = xreallocarray(*m, *n + 1, sizeof(**m));
	e = &(*m)[(*n)++];
	memset(e, 0, sizeof(*e));
	e->address = address != NULL ? xstrdup(address) : NULL;
	e->name = xstrdup(name);
	e->error = error != NULL ? xstrdup(error) : NULL;
	e->port = port;
	e->srv = srv;
}

/* Free a discovery and its services. */
static void
discover_free(struct discover *d)
{
	struct discover_service	*svc;
	size_t			 i, j;

	for (i = 0; i < 2; i++) {
		svc = &d->svc[i];
		for (j = 0; j < svc->nall; j++)
			free(svc->rec[j].name);
		for (j = 0; j < svc->nrec; j++) {
			strlist_free(&svc->addrs[j]);
			free(svc->errors[j]);
		}
		free(svc->rec);
		free(svc->srv);
		free(svc->addrs);
		free(svc->errors);
		free(svc->error);
		free(svc->name);
	}
	free(d);
}
