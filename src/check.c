/*
 * check.c: one endpoint checked end to end, shared by --once and the daemon.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "chain.h"
#include "check.h"
#include "conf.h"
#include "log.h"
#include "policy.h"
#include "policy_ocsp.h"
#include "probe.h"
#include "result.h"
#include "xmalloc.h"

/* A target's resolution in progress: one lookup per name. */
struct check_resolving {
	const struct conf_target *target;
	size_t			  pending;
	struct strlist		 *addrs;	/* per name */
	char			**errors;	/* per name */
	size_t			  nnames;
	check_members_cb	  cb;
	void			 *arg;
};

struct check_name {
	struct check_resolving	*cr;
	size_t			 idx;
};

struct check_probe {
	const struct conf_target *target;
	X509_STORE		*store;
	char			*address;
	int			 port;
	check_done_cb		 cb;
	void			*arg;
};

static void	 check_resolved(const char *, struct strlist *, const char *,
		    void *);
static void	 check_members_done(struct check_resolving *);
static void	 check_probed(struct probe_outcome *, void *);
static void	 check_endpoint_text(char *, size_t, const char *, int);

/* Resolve every name of a target (host, or each pool entry). */
void
check_members(struct probe_engine *eng, const struct conf_target *t,
    check_members_cb cb, void *arg)
{
	struct check_resolving	*cr;
	struct check_name	*cn;
	size_t			 i;

	cr = xcalloc(1, sizeof(*cr));
	cr->target = t;
	cr->cb = cb;
	cr->arg = arg;
	cr->nnames = t->npool > 0 ? t->npool : 1;
	cr->addrs = xcalloc(cr->nnames, sizeof(*cr->addrs));
	cr->errors = xcalloc(cr->nnames, sizeof(*cr->errors));
	cr->pending = cr->nnames;
	for (i = 0; i < cr->nnames; i++) {
		cn = xcalloc(1, sizeof(*cn));
		cn->cr = cr;
		cn->idx = i;
		probe_resolve(eng, t->npool > 0 ? t->pool[i] : t->host,
		    check_resolved, cn);
	}
}

/* One name answered; when all have, hand the members over in order. */
static void
check_resolved(const char *name, struct strlist *addrs, const char *error,
    void *arg)
{
	struct check_name	*cn = arg;
	struct check_resolving	*cr = cn->cr;
	size_t			 i;

	(void)name;
	if (error != NULL)
		cr->errors[cn->idx] = xstrdup(error);
	else
		for (i = 0; i < addrs->n; i++)
			strlist_add(&cr->addrs[cn->idx], addrs->v[i]);
	free(cn);
	if (--cr->pending == 0)
		check_members_done(cr);
}

/* Flatten the answers into members: unique addresses, failed names. */
static void
check_members_done(struct check_resolving *cr)
{
	const struct conf_target *t = cr->target;
	struct check_member	*m = NULL;
	size_t			 n = 0, i, j, k;

	for (i = 0; i < cr->nnames; i++) {
		const char *name = t->npool > 0 ? t->pool[i] : t->host;

		if (cr->errors[i] != NULL) {
			m = xreallocarray(m, n + 1, sizeof(*m));
			m[n].address = NULL;
			m[n].name = xstrdup(name);
			m[n].error = cr->errors[i];
			cr->errors[i] = NULL;
			n++;
			continue;
		}
		for (j = 0; j < cr->addrs[i].n; j++) {
			for (k = 0; k < n; k++)
				if (m[k].address != NULL && strcmp(m[k].address,
				    cr->addrs[i].v[j]) == 0)
					break;
			if (k < n)
				continue;
			m = xreallocarray(m, n + 1, sizeof(*m));
			m[n].address = xstrdup(cr->addrs[i].v[j]);
			m[n].name = xstrdup(name);
			m[n].error = NULL;
			n++;
		}
	}
	cr->cb(t, m, n, cr->arg);
	for (k = 0; k < n; k++) {
		free(m[k].address);
		free(m[k].name);
		free(m[k].error);
	}
	free(m);
	for (i = 0; i < cr->nnames; i++) {
		strlist_free(&cr->addrs[i]);
		free(cr->errors[i]);
	}
	free(cr->addrs);
	free(cr->errors);
	free(cr);
}

/* The result of a name that did not resolve. */
struct result *
check_dns_failed(const struct conf_target *t, const char *name, int port,
    const char *error)
{
	struct result	*r;

	r = result_new(t->name, t->host, name, port, t->sni);
	findings_add(&r->findings, F_DNS_FAILED, SEV_CRITICAL,
	    "%s does not resolve (%s); the Edge's external name must be in "
	    "public DNS", name, error != NULL ? error : "no address");
	result_finish(r);
	return r;
}

/* Probe one endpoint, then judge it. */
void
check_endpoint(struct probe_engine *eng, X509_STORE *store,
    const struct conf_target *t, const char *address, int port,
    check_done_cb cb, void *arg)
{
	struct check_probe	*cp;
	struct probe_req	 req;

	cp = xcalloc(1, sizeof(*cp));
	cp->target = t;
	cp->store = store;
	cp->address = xstrdup(address);
	cp->port = port;
	cp->cb = cb;
	cp->arg = arg;
	memset(&req, 0, sizeof(req));
	req.address = address;
	req.port = port;
	req.sni = t->sni;
	req.timeout_ms = t->timeout * 1000;
	probe_start(eng, &req, check_probed, cp);
}

/* "192.0.2.10:5061" or "[2001:db8::1]:5061". */
static void
check_endpoint_text(char *buf, size_t len, const char *address, int port)
{
	if (strchr(address, ':') != NULL)
		snprintf(buf, len, "[%s]:%d", address, port);
	else
		snprintf(buf, len, "%s:%d", address, port);
}

/* The engine is done with an endpoint: build and judge its result. */
static void
check_probed(struct probe_outcome *o, void *arg)
{
	struct check_probe		*cp = arg;
	const struct conf_target	*t = cp->target;
	struct result			*r;
	struct policy			 pol;
	char				 ep[80];
	time_t				 now;

	r = result_new(t->name, t->host, cp->address, cp->port, t->sni);
	check_endpoint_text(ep, sizeof(ep), cp->address, cp->port);
	switch (o->err) {
	case PROBE_OK:
		break;
	case PROBE_CONNECT_FAILED:
		findings_add(&r->findings, F_CONNECT_FAILED, SEV_CRITICAL,
		    "cannot connect to %s (%s): the Edge is down or a "
		    "firewall blocks the port", ep, o->cause);
		break;
	case PROBE_TIMEOUT:
		findings_add(&r->findings, F_TIMEOUT, SEV_CRITICAL,
		    "%s: %s", ep, o->cause);
		break;
	case PROBE_HANDSHAKE_FAILED:
		findings_add(&r->findings, F_HANDSHAKE_FAILED, SEV_CRITICAL,
		    "%s: %s", ep, o->cause);
		break;
	}
	if (o->has_tls) {
		r->has_tls = 1;
		r->handshake_ms = o->handshake_ms;
		snprintf(r->tls_version, sizeof(r->tls_version), "%s",
		    o->version_name);
		snprintf(r->cipher, sizeof(r->cipher), "%s", o->cipher);
		r->client_cert_requested = o->cert_requested;
		sk_X509_free(r->chain);
		r->chain = o->chain;
		o->chain = NULL;
		chain_sha256_hex(sk_X509_value(r->chain, 0), r->leaf_sha256);

		memset(&pol, 0, sizeof(pol));
		pol.sni = t->sni;
		pol.subject = t->subject;
		pol.san = (const char *const *)t->san;
		pol.nsan = t->nsan;
		pol.public_im = t->public_im;
		pol.warn_days = t->warn_days;
		pol.crit_days = t->crit_days;
		pol.tls_version = o->tls_version;
		pol.chain_sent = o->chain_sent;
		now = time(NULL);
		(void)policy_evaluate(&pol, r->chain, cp->store, now,
		    &r->findings, &r->days_left);
		/* An unreadable notAfter leaves days_left null, not 0. */
		r->has_days = policy_days_left(sk_X509_value(r->chain, 0), now,
		    &r->days_left) == 0;
		if (o->ocsp_der != NULL)
			policy_ocsp_result(r, o->ocsp_der, o->ocsp_len,
			    cp->store, now);
	}
	result_finish(r);
	cp->cb(r, cp->arg);
	free(cp->address);
	free(cp);
}
