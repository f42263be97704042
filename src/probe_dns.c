/*
 * probe_dns.c: the engine's resolver: every A and AAAA of a name, each
 * answer delivered from the loop, never from inside probe_resolve().
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>
#include <event2/dns.h>
#include <event2/util.h>

#include "log.h"
#include "probe.h"
#include "probe_dns.h"
#include "probe_int.h"
#include "probe_srv.h"
#include "xmalloc.h"

struct probe_resolution {
	struct probe_engine	*eng;
	char			*name;
	struct strlist		 addrs;
	char			*error;
	probe_resolve_cb	 cb;
	void			*arg;
};

static void	probe_dns_gai_cb(int, struct evutil_addrinfo *, void *);
static void	probe_dns_add(struct probe_resolution *,
		    const struct evutil_addrinfo *);
static void	probe_dns_resolved(evutil_socket_t, short, void *);
static void	probe_dns_free(struct probe_resolution *);

/* A resolver on base, its configuration read now, before the loop. */
struct evdns_base *
probe_dns_new(struct event_base *base, char **cause)
{
	struct evdns_base	*dns;
	const char		*resolv;
	int			 r;

	/*
	 * The resolver reads its configuration (and /etc/hosts) now, before
	 * the loop. EDGEPROBE_RESOLV_CONF names another resolv.conf: tests
	 * point it at a loopback DNS server, operators at split DNS.
	 */
	if ((dns = evdns_base_new(base, 0)) == NULL) {
		*cause = xstrdup("evdns_base_new failed");
		return NULL;
	}
	if ((resolv = getenv("EDGEPROBE_RESOLV_CONF")) == NULL ||
	    *resolv == '\0')
		resolv = "/etc/resolv.conf";
	r = evdns_base_resolv_conf_parse(dns, DNS_OPTIONS_ALL, resolv);
	if (r != 0 && r != 6)	/* 6: no nameserver, 127.0.0.1 is used */
		log_debug("resolver: %s: error %d, using defaults", resolv, r);
	evdns_base_set_option(dns, "timeout:", "3");
	evdns_base_set_option(dns, "attempts:", "2");
	return dns;
}

/* One DNS server for every lookup, A/AAAA (evdns) and SRV (c-ares). */
int
probe_engine_set_resolver(struct probe_engine *eng, const char *addr,
    int port, char **cause)
{
	struct sockaddr_storage	 ss;
	int			 len = (int)sizeof(ss);
	char			 addrport[INET6_ADDRSTRLEN + 16];

	snprintf(addrport, sizeof(addrport), strchr(addr, ':') != NULL ?
	    "[%s]:%d" : "%s:%d", addr, port);
	memset(&ss, 0, sizeof(ss));
	if (evutil_parse_sockaddr_port(addrport, (struct sockaddr *)&ss,
	    &len) == -1) {
		xasprintf(cause, "resolver %s: not ADDR:PORT", addrport);
		return -1;
	}
	evdns_base_clear_nameservers_and_suspend(eng->dns);
	if (evdns_base_nameserver_sockaddr_add(eng->dns,
	    (struct sockaddr *)&ss, (ev_socklen_t)len, 0) != 0) {
		evdns_base_resume(eng->dns);
		xasprintf(cause, "resolver %s: cannot be used", addrport);
		return -1;
	}
	evdns_base_resume(eng->dns);
	return probe_srv_set_server(eng->srv, addrport, cause);
}

/* A name's SRV records, from c-ares on the same loop. */
void
probe_resolve_srv(struct probe_engine *eng, const char *name,
    probe_srv_cb cb, void *arg)
{
	probe_srv_query(eng->srv, name, cb, arg);
}

/* Resolve a name to all its addresses, A and AAAA; cb once, from the loop. */
void
probe_resolve(struct probe_engine *eng, const char *name,
    probe_resolve_cb cb, void *arg)
{
	struct probe_resolution	*res;
	struct evutil_addrinfo	 hints;

	res = xcalloc(1, sizeof(*res));
	res->eng = eng;
	res->name = xstrdup(name);
	res->cb = cb;
	res->arg = arg;
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_protocol = IPPROTO_TCP;
	/* The answer may come at once (numeric, /etc/hosts): see _gai_cb. */
	evdns_getaddrinfo(eng->dns, name, NULL, &hints, probe_dns_gai_cb, res);
}

/* The resolver answered: collect unique addresses, deliver from the loop. */
static void
probe_dns_gai_cb(int result, struct evutil_addrinfo *ai, void *arg)
{
	struct probe_resolution	*res = arg;
	struct evutil_addrinfo	*a;
	struct timeval		 tv = { 0, 0 };

	if (result != 0) {
		xasprintf(&res->error, "%s", evutil_gai_strerror(result));
	} else {
		for (a = ai; a != NULL; a = a->ai_next)
			probe_dns_add(res, a);
		if (res->addrs.n == 0)
			res->error = xstrdup("no address");
	}
	if (ai != NULL)
		evutil_freeaddrinfo(ai);
	if (result == EVUTIL_EAI_CANCEL) {
		/* The engine is being freed. */
		probe_dns_free(res);
		return;
	}
	event_base_once(res->eng->base, -1, EV_TIMEOUT, probe_dns_resolved,
	    res, &tv);
}

/* Add one answer's address to the list, unless it is there already. */
static void
probe_dns_add(struct probe_resolution *res, const struct evutil_addrinfo *a)
{
	char		 buf[INET6_ADDRSTRLEN];
	const void	*src;
	size_t		 i;

	if (a->ai_family == AF_INET)
		src = &((const struct sockaddr_in *)
		    (const void *)a->ai_addr)->sin_addr;
	else if (a->ai_family == AF_INET6)
		src = &((const struct sockaddr_in6 *)
		    (const void *)a->ai_addr)->sin6_addr;
	else
		return;
	if (inet_ntop(a->ai_family, src, buf, sizeof(buf)) == NULL)
		return;
	for (i = 0; i < res->addrs.n; i++)
		if (strcmp(res->addrs.v[i], buf) == 0)
			return;
	strlist_add(&res->addrs, buf);
}

/* Hand a resolution to its user. */
static void
probe_dns_resolved(evutil_socket_t fd, short what, void *arg)
{
	struct probe_resolution	*res = arg;

	(void)fd;
	(void)what;
	res->cb(res->name, &res->addrs, res->error, res->arg);
	probe_dns_free(res);
}

/* Free a resolution and what it collected. */
static void
probe_dns_free(struct probe_resolution *res)
{
	strlist_free(&res->addrs);
	free(res->error);
	free(res->name);
	free(res);
}
