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
#include "discover.h"
#include "log.h"
#include "policy.h"
#include "policy_names.h"
#include "policy_ocsp.h"
#include "probe.h"
#include "result.h"
#include "tlsctx.h"
#include "vcache.h"
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
	struct vcache		*vcache;	/* NULL: none */
	char			*address;
	int			 port;
	struct result_srv	 srv;		/* srv.name NULL: not a domain */
	check_done_cb		 cb;
	void			*arg;
};

static void	 check_resolved(const char *, struct strlist *, const char *,
		    void *);
static void	 check_members_done(struct check_resolving *);
static void	 check_probed(struct probe_outcome *, void *);
static void	 check_failure(struct result *, const struct probe_outcome *,
		    const char *);
static void	 check_judge(struct check_probe *, struct result *,
		    struct probe_outcome *);
static void	 check_sip(struct result *, const struct probe_outcome *,
		    const char *);
static void	 check_endpoint_text(char *, size_t, const char *, int);
static void	 check_policy(const struct conf_target *, X509_STORE *,
		    struct vcache *, struct result *, int, int, time_t);

/* Resolve every name of a target (host, or each pool entry). */
void
check_members(struct probe_engine *eng, const struct conf_target *t,
    check_members_cb cb, void *arg)
{
	struct check_resolving	*cr;
	struct check_name	*cn;
	size_t			 i;

	if (t->domain != NULL) {
		discover_domain(eng, t, cb, arg);
		return;
	}
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
			memset(&m[n], 0, sizeof(m[n]));
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
			memset(&m[n], 0, sizeof(m[n]));
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

/* The ports a member is probed on. */
size_t
check_member_ports(const struct conf_target *t, const struct check_member *m,
    const int **ports)
{
	if (m->port != 0) {
		*ports = &m->port;
		return 1;
	}
	*ports = t->ports;
	return t->nports;
}

/* The result of a member without address: DNS_FAILED or SRV_MISSING. */
struct result *
check_member_failed(const struct conf_target *t, const struct check_member *m,
    int port)
{
	struct result	*r;

	r = result_new(t->name, m->srv != NULL ? m->srv->target :
	    t->domain != NULL ? t->domain : t->host, m->name, port,
	    m->srv != NULL ? m->srv->target : t->sni);
	if (m->srv != NULL)
		result_set_srv(r, m->srv);
	if (m->srv_missing)
		findings_add(&r->findings, F_SRV_MISSING, SEV_CRITICAL,
		    "%s has %s: partners cannot find the Access Edge of %s; "
		    "publish _sipfederationtls._tcp.%s pointing at the Edge's "
		    "external name, port 5061", m->name,
		    m->srv_missing == 1 ? "no SRV record" :
		    "no usable SRV record (\".\" or not host names)",
		    t->domain, t->domain);
	else
		findings_add(&r->findings, F_DNS_FAILED, SEV_CRITICAL,
		    "%s does not resolve (%s); the Edge's external name must "
		    "be in public DNS", m->name,
		    m->error != NULL ? m->error : "no address");
	result_finish(r);
	return r;
}

/* Probe one endpoint, then judge it. */
void
check_endpoint(struct probe_engine *eng, X509_STORE *store,
    struct vcache *vc, const struct conf_target *t, const char *address,
    int port, const struct result_srv *srv, check_done_cb cb, void *arg)
{
	struct check_probe	*cp;
	struct probe_req	 req;

	cp = xcalloc(1, sizeof(*cp));
	cp->target = t;
	cp->store = store;
	cp->vcache = vc;
	cp->address = xstrdup(address);
	cp->port = port;
	if (srv != NULL) {
		cp->srv = *srv;
		cp->srv.name = xstrdup(srv->name);
		cp->srv.target = xstrdup(srv->target);
	}
	cp->cb = cb;
	cp->arg = arg;
	memset(&req, 0, sizeof(req));
	req.address = address;
	req.port = port;
	/* A partner sends the SRV target as SNI. */
	req.sni = srv != NULL ? srv->target : t->sni;
	req.timeout_ms = t->timeout * 1000;
	req.sip_options = t->sip_options;
	if (t->identity != NULL) {
		req.client_cert = t->identity->cert;
		req.client_chain = t->identity->chain;
		req.client_key = t->identity->key;
	}
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
	const char			*host, *sni;
	struct result			*r;
	char				 ep[80];

	host = cp->srv.name != NULL ? cp->srv.target : t->host;
	sni = cp->srv.name != NULL ? cp->srv.target : t->sni;
	r = result_new(t->name, host, cp->address, cp->port, sni);
	if (cp->srv.name != NULL)
		result_set_srv(r, &cp->srv);
	check_endpoint_text(ep, sizeof(ep), cp->address, cp->port);
	check_failure(r, o, ep);
	if (o->has_tls)
		check_judge(cp, r, o);
	check_sip(r, o, ep);
	result_finish(r);
	cp->cb(r, cp->arg);
	free(cp->srv.name);
	free(cp->srv.target);
	free(cp->address);
	free(cp);
}

/* The finding for a probe that did not complete, if it did not. */
static void
check_failure(struct result *r, const struct probe_outcome *o, const char *ep)
{
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
	case PROBE_MTLS_REJECTED:
		findings_add(&r->findings, F_MTLS_REJECTED, SEV_CRITICAL,
		    "%s refused our client certificate: %s; a partner with "
		    "this certificate cannot federate (is its CA trusted "
		    "there, does it carry clientAuth?)", ep, o->cause);
		break;
	case PROBE_HANDSHAKE_FAILED:
		findings_add(&r->findings, F_HANDSHAKE_FAILED, SEV_CRITICAL,
		    "%s: %s", ep, o->cause);
		break;
	}
}

/* A chain came: take the TLS facts and judge it with the policy. */
static void
check_judge(struct check_probe *cp, struct result *r, struct probe_outcome *o)
{
	const struct conf_target	*t = cp->target;
	time_t				 now;

	r->has_tls = 1;
	r->handshake_ms = o->handshake_ms;
	snprintf(r->tls_version, sizeof(r->tls_version), "%s",
	    o->version_name);
	snprintf(r->cipher, sizeof(r->cipher), "%s", o->cipher);
	r->client_cert_requested = o->cert_requested;
	r->client_cert_sent = o->client_cert_sent;
	r->acceptable_cas = o->acceptable_cas;
	memset(&o->acceptable_cas, 0, sizeof(o->acceptable_cas));
	sk_X509_free(r->chain);
	r->chain = o->chain;
	o->chain = NULL;
	chain_sha256_hex(sk_X509_value(r->chain, 0), r->leaf_sha256);

	now = time(NULL);
	check_policy(t, cp->store, cp->vcache, r, o->tls_version,
	    o->chain_sent, now);
	if (o->ocsp_der != NULL)
		policy_ocsp_result(r, o->ocsp_der, o->ocsp_len, cp->store, now);
	if (cp->srv.name != NULL)
		policy_names_srv_target(sk_X509_value(r->chain, 0), cp->srv.name,
		    cp->srv.target, &r->findings);
}

/*
 * The SIP answer, or SIP_NO_RESPONSE when the handshake completed and no
 * final answer came (a failed handshake already says why not).
 */
static void
check_sip(struct result *r, const struct probe_outcome *o, const char *ep)
{
	if (!o->sip_asked)
		return;
	r->sip_asked = 1;
	if (o->sip_status > 0) {
		r->sip_status = o->sip_status;
		r->sip_reason = xstrdup(o->sip_reason);
		if (o->sip_server[0] != '\0')
			r->sip_server = xstrdup(o->sip_server);
		return;
	}
	if (o->err == PROBE_OK)
		findings_add(&r->findings, F_SIP_NO_RESPONSE, SEV_CRITICAL,
		    "%s: %s: the TLS handshake works but no SIP stack "
		    "answers; partners cannot federate through this port",
		    ep, o->sip_error);
}

/*
 * Judge r's chain with t's policy, now; with vc, a verification of the
 * same chain found there is replayed, and one made is kept there.
 */
static void
check_policy(const struct conf_target *t, X509_STORE *store, struct vcache *vc,
    struct result *r, int tls_version, int chain_sent, time_t now)
{
	struct policy		 pol;
	struct policy_verified	 rec;
	struct vcache_key	 key;

	memset(&pol, 0, sizeof(pol));
	memset(&rec, 0, sizeof(rec));
	if (vc != NULL && (pol.verified = vcache_get(vc, store, r->chain, now,
	    &key)) == NULL)
		pol.record = &rec;
	pol.sni = r->sni;
	pol.subject = t->subject;
	pol.san = (const char *const *)t->san;
	pol.nsan = t->nsan;
	pol.public_im = t->public_im;
	pol.warn_days = t->warn_days;
	pol.crit_days = t->crit_days;
	pol.tls_version = tls_version;
	pol.chain_sent = chain_sent;
	(void)policy_evaluate(&pol, r->chain, store, now, &r->findings,
	    &r->days_left);
	if (pol.record != NULL)
		vcache_put(vc, &key, r->chain, now, &rec);
	/* An unreadable notAfter leaves days_left null, not 0. */
	r->has_days = policy_days_left(sk_X509_value(r->chain, 0), now,
	    &r->days_left) == 0;
}

/* A chain from a file, judged as a probe's would be. */
struct result *
check_chain(const struct conf_target *t, X509_STORE *store,
    STACK_OF(X509) *chain)
{
	struct result	*r;

	r = result_new(t->name, t->host, "", 0, t->sni);
	r->no_endpoint = 1;
	sk_X509_free(r->chain);
	r->chain = chain;
	chain_sha256_hex(sk_X509_value(r->chain, 0), r->leaf_sha256);
	/* No handshake: tls_version 0 means unknown, LEGACY_TLS cannot fire. */
	check_policy(t, store, NULL, r, 0, 0, time(NULL));
	result_finish(r);
	return r;
}
