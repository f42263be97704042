/*
 * probe_dns.h: the engine's resolver (engine-internal); probe_resolve() in
 * probe.h is its user-facing half.
 */
#ifndef EDGEPROBE_PROBE_DNS_H
#define EDGEPROBE_PROBE_DNS_H

#include <event2/event.h>
#include <event2/dns.h>

/* A resolver on base, configured before the loop. NULL with *cause. */
struct evdns_base	*probe_dns_new(struct event_base *, char **cause);

#endif
