/*
 * discover.h: a `domain` target's endpoints, found the way a federating
 * partner finds them: DNS SRV (_sipfederationtls._tcp for 5061, _sip._tls
 * for 443), then every address of every SRV target.
 */
#ifndef EDGEPROBE_DISCOVER_H
#define EDGEPROBE_DISCOVER_H

#include "check.h"

struct conf_target;
struct probe_engine;

/* The SRV services looked up for a domain, in result order. */
#define DISCOVER_FEDERATION	"_sipfederationtls._tcp"
#define DISCOVER_ACCESS		"_sip._tls"

/*
 * Look up t->domain's SRV records and resolve every target: cb exactly
 * once with the members (check.h), each with its own port and SRV record.
 */
void	 discover_domain(struct probe_engine *, const struct conf_target *,
	    check_members_cb, void *);

#endif
