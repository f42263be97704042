/*
 * probe_srv.c: DNS SRV lookups with c-ares on the engine's event loop.
 *
 * c-ares tells us which sockets it wants watched (the socket-state
 * callback) and when it next needs to run (ares_timeout); one persistent
 * event per socket and one timer feed ares_process_fd(). Every answer is
 * handed to its user from a fresh loop turn, never from inside c-ares, so
 * a callback may start new queries or free what it likes.
 */
#include <sys/types.h>
#include <sys/queue.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ares.h>
#include <event2/event.h>
#include <event2/event_struct.h>

#include "log.h"
#include "probe_srv.h"
#include "xmalloc.h"

/* c-ares's per-try timeout and tries, as the A/AAAA resolver's. */
#define PROBE_SRV_TIMEOUT_MS	3000
#define PROBE_SRV_TRIES		2

struct probe_srv_sock {
	LIST_ENTRY(probe_srv_sock) entry;
	struct probe_srv	*srv;
	ares_socket_t		 fd;
	struct event		 ev;
};

struct probe_srv {
	struct event_base	*base;
	ares_channel		 channel;
	struct event		 timer;
	LIST_HEAD(, probe_srv_sock) socks;
};

struct probe_srv_query {
	struct probe_srv	*srv;
	char			*name;
	struct probe_srv_rr	*rr;
	size_t			 n;
	size_t			 dropped;
	char			*error;
	probe_srv_cb		 cb;
	void			*arg;
};

static void	 probe_srv_sock_state(void *, ares_socket_t, int, int);
static void	 probe_srv_sock_cb(evutil_socket_t, short, void *);
static void	 probe_srv_timer_cb(evutil_socket_t, short, void *);
static void	 probe_srv_rearm(struct probe_srv *);
static void	 probe_srv_answer(void *, int, int, unsigned char *, int);
static void	 probe_srv_deliver(evutil_socket_t, short, void *);
static void	 probe_srv_query_free(struct probe_srv_query *);

static int	 probe_srv_lib_ready;

/* A c-ares channel watched by base. */
struct probe_srv *
probe_srv_new(struct event_base *base, const char *resolver, char **cause)
{
	struct probe_srv	*srv;
	struct ares_options	 opts;
	const char		*resolv;
	int			 mask, r;

	if (!probe_srv_lib_ready) {
		if ((r = ares_library_init(ARES_LIB_INIT_ALL)) != ARES_SUCCESS) {
			xasprintf(cause, "c-ares: %s", ares_strerror(r));
			return NULL;
		}
		probe_srv_lib_ready = 1;
	}
	srv = xcalloc(1, sizeof(*srv));
	srv->base = base;
	LIST_INIT(&srv->socks);
	evtimer_assign(&srv->timer, base, probe_srv_timer_cb, srv);

	memset(&opts, 0, sizeof(opts));
	opts.sock_state_cb = probe_srv_sock_state;
	opts.sock_state_cb_data = srv;
	opts.timeout = PROBE_SRV_TIMEOUT_MS;
	opts.tries = PROBE_SRV_TRIES;
	mask = ARES_OPT_SOCK_STATE_CB | ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES;
	/* The same resolv.conf as the A/AAAA resolver (probe.c). */
	if ((resolv = getenv("EDGEPROBE_RESOLV_CONF")) != NULL &&
	    *resolv != '\0') {
		opts.resolvconf_path = xstrdup(resolv);
		mask |= ARES_OPT_RESOLVCONF;
	}
	r = ares_init_options(&srv->channel, &opts, mask);
	free(opts.resolvconf_path);
	if (r != ARES_SUCCESS) {
		xasprintf(cause, "c-ares: %s", ares_strerror(r));
		free(srv);
		return NULL;
	}
	if (resolver != NULL && probe_srv_set_server(srv, resolver,
	    cause) == -1) {
		ares_destroy(srv->channel);
		free(srv);
		return NULL;
	}
	return srv;
}

/* Send every query to one server. */
int
probe_srv_set_server(struct probe_srv *srv, const char *addrport,
    char **cause)
{
	int	 r;

	if ((r = ares_set_servers_ports_csv(srv->channel, addrport)) !=
	    ARES_SUCCESS) {
		xasprintf(cause, "resolver %s: %s", addrport, ares_strerror(r));
		return -1;
	}
	return 0;
}

/* Free the channel: pending queries end with ARES_EDESTRUCTION, unreported. */
void
probe_srv_free(struct probe_srv *srv)
{
	struct probe_srv_sock	*s;

	if (srv == NULL)
		return;
	ares_destroy(srv->channel);
	while ((s = LIST_FIRST(&srv->socks)) != NULL) {
		LIST_REMOVE(s, entry);
		event_del(&s->ev);
		free(s);
	}
	evtimer_del(&srv->timer);
	free(srv);
}

/* Start one SRV query. */
void
probe_srv_query(struct probe_srv *srv, const char *name, probe_srv_cb cb,
    void *arg)
{
	struct probe_srv_query	*q;

	q = xcalloc(1, sizeof(*q));
	q->srv = srv;
	q->name = xstrdup(name);
	q->cb = cb;
	q->arg = arg;
	/* ares_query, not ares_search: the name is absolute, no search list. */
	ares_query(srv->channel, name, 1 /* C_IN */, 33 /* T_SRV */,
	    probe_srv_answer, q);
	probe_srv_rearm(srv);
}

/* c-ares opens, closes or changes interest in a socket. */
static void
probe_srv_sock_state(void *arg, ares_socket_t fd, int readable, int writable)
{
	struct probe_srv	*srv = arg;
	struct probe_srv_sock	*s;
	short			 what;

	LIST_FOREACH(s, &srv->socks, entry)
		if (s->fd == fd)
			break;
	if (s != NULL) {
		event_del(&s->ev);
		if (!readable && !writable) {
			LIST_REMOVE(s, entry);
			free(s);
			return;
		}
	} else {
		if (!readable && !writable)
			return;
		s = xcalloc(1, sizeof(*s));
		s->srv = srv;
		s->fd = fd;
		LIST_INSERT_HEAD(&srv->socks, s, entry);
	}
	what = EV_PERSIST | (readable ? EV_READ : 0) | (writable ? EV_WRITE : 0);
	event_assign(&s->ev, srv->base, fd, what, probe_srv_sock_cb, s);
	event_add(&s->ev, NULL);
}

/* A socket c-ares watches is ready. */
static void
probe_srv_sock_cb(evutil_socket_t fd, short what, void *arg)
{
	struct probe_srv_sock	*s = arg;
	struct probe_srv	*srv = s->srv;

	/* s may be freed inside ares_process_fd (sock_state closes it). */
	ares_process_fd(srv->channel,
	    (what & EV_READ) ? fd : ARES_SOCKET_BAD,
	    (what & EV_WRITE) ? fd : ARES_SOCKET_BAD);
	probe_srv_rearm(srv);
}

/* c-ares's next timeout is due: let it retry or give up. */
static void
probe_srv_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct probe_srv	*srv = arg;

	(void)fd;
	(void)what;
	ares_process_fd(srv->channel, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
	probe_srv_rearm(srv);
}

/* Arm the timer for c-ares's next timeout, if it has queries pending. */
static void
probe_srv_rearm(struct probe_srv *srv)
{
	struct timeval	 tv, *tvp;

	evtimer_del(&srv->timer);
	if ((tvp = ares_timeout(srv->channel, NULL, &tv)) != NULL)
		evtimer_add(&srv->timer, tvp);
}

/* c-ares has the answer (or gave up): parse it, deliver from the loop. */
static void
probe_srv_answer(void *arg, int status, int timeouts, unsigned char *abuf,
    int alen)
{
	struct probe_srv_query	*q = arg;
	struct ares_srv_reply	*list = NULL, *r;
	struct timeval		 tv = { 0, 0 };
	size_t			 n = 0;
	int			 pr;

	(void)timeouts;
	if (status == ARES_EDESTRUCTION) {
		probe_srv_query_free(q);
		return;
	}
	if (status == ARES_SUCCESS) {
		if ((pr = ares_parse_srv_reply(abuf, alen, &list)) ==
		    ARES_SUCCESS) {
			for (r = list; r != NULL; r = r->next)
				n++;
		} else if (pr != ARES_ENODATA)
			xasprintf(&q->error, "bad SRV answer (%s)",
			    ares_strerror(pr));
	} else if (status != ARES_ENOTFOUND && status != ARES_ENODATA)
		xasprintf(&q->error, "%s", ares_strerror(status));
	if (n > PROBE_SRV_MAX_RR) {
		q->dropped = n - PROBE_SRV_MAX_RR;
		n = PROBE_SRV_MAX_RR;
	}
	if (n > 0) {
		q->rr = xcalloc(n, sizeof(*q->rr));
		for (r = list; r != NULL && q->n < n; r = r->next) {
			q->rr[q->n].target = xstrdup(r->host);
			q->rr[q->n].port = r->port;
			q->rr[q->n].priority = r->priority;
			q->rr[q->n].weight = r->weight;
			q->n++;
		}
	}
	if (list != NULL)
		ares_free_data(list);
	event_base_once(q->srv->base, -1, EV_TIMEOUT, probe_srv_deliver, q,
	    &tv);
}

/* Hand one query's answers to its user. */
static void
probe_srv_deliver(evutil_socket_t fd, short what, void *arg)
{
	struct probe_srv_query	*q = arg;

	(void)fd;
	(void)what;
	q->cb(q->name, q->rr, q->n, q->dropped, q->error, q->arg);
	probe_srv_query_free(q);
}

/* Free a query and its answers. */
static void
probe_srv_query_free(struct probe_srv_query *q)
{
	size_t	 i;

	for (i = 0; i < q->n; i++)
		free(q->rr[i].target);
	free(q->rr);
	free(q->error);
	free(q->name);
	free(q);
}
