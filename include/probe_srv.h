/*
 * probe_srv.h: DNS SRV lookups on the engine's loop (engine-internal).
 *
 * libevent's evdns has no SRV query; c-ares has, and it is driven here by
 * the same event_base through its socket-state callback: no thread, no
 * blocking call. Only the engine files use this header; the engine's users
 * call probe_resolve_srv() (probe.h).
 */
#ifndef EDGEPROBE_PROBE_SRV_H
#define EDGEPROBE_PROBE_SRV_H

#include <stddef.h>

#include "probe.h"

struct event_base;
struct probe_srv;

/*
 * A resolver on base. resolver is NULL (resolv.conf, or the file named by
 * EDGEPROBE_RESOLV_CONF) or "ADDR:PORT" / "[ADDR6]:PORT". NULL with *cause
 * on error.
 */
struct probe_srv	*probe_srv_new(struct event_base *, const char *resolver,
			    char **cause);
/* Send every query to one server, "ADDR:PORT"; -1 with *cause. */
int			 probe_srv_set_server(struct probe_srv *, const char *,
			    char **cause);
/* Free it; queries still pending end without callback. */
void			 probe_srv_free(struct probe_srv *);
/* Ask for name's SRV records; cb exactly once, from the loop. */
void			 probe_srv_query(struct probe_srv *, const char *name,
			    probe_srv_cb, void *);

#endif
