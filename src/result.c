/*
 * result.c: what one probe of one endpoint produced, judged.
 */
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "result.h"
#include "xmalloc.h"

/* A new result with no TLS data, no chain and no finding. */
struct result *
result_new(const char *target, const char *host, const char *address,
    int port, const char *sni)
{
	struct result	*r;

	r = xcalloc(1, sizeof(*r));
	r->target = xstrdup(target ? target : "");
	r->host = xstrdup(host ? host : "");
	r->address = xstrdup(address ? address : "");
	r->sni = xstrdup(sni ? sni : "");
	r->port = port;
	r->status = STATUS_OK;
	if ((r->chain = sk_X509_new_null()) == NULL)
		fatalx("out of memory");
	findings_init(&r->findings);
	return r;
}

/* Free a result and everything it holds. */
void
result_free(struct result *r)
{
	if (r == NULL)
		return;
	free(r->target);
	free(r->host);
	free(r->address);
	free(r->sni);
	sk_X509_pop_free(r->chain, X509_free);
	findings_free(&r->findings);
	strlist_free(&r->acceptable_cas);
	free(r->sip_reason);
	free(r->sip_server);
	if (r->srv != NULL) {
		free(r->srv->name);
		free(r->srv->target);
		free(r->srv);
	}
	free(r);
}

/* Record the SRV answer a result came from. */
void
result_set_srv(struct result *r, const struct result_srv *srv)
{
	if (r->srv == NULL)
		r->srv = xcalloc(1, sizeof(*r->srv));
	else {
		free(r->srv->name);
		free(r->srv->target);
	}
	*r->srv = *srv;
	r->srv->name = xstrdup(srv->name != NULL ? srv->name : "");
	r->srv->target = xstrdup(srv->target != NULL ? srv->target : "");
}

/* Recompute the status from the findings. */
void
result_finish(struct result *r)
{
	r->status = findings_status(&r->findings);
}

/* The worst status of n results. */
enum status
result_worst(struct result *const *rs, size_t n)
{
	enum status	 st = STATUS_OK;
	size_t		 i;

	for (i = 0; i < n; i++)
		if (rs[i]->status > st)
			st = rs[i]->status;
	return st;
}
