/*
 * srv.h: the order in which DNS SRV answers (RFC 2782) are probed, pure.
 *
 * edgeprobe probes every target of an SRV answer, so the order only
 * decides the order of the results; it is deterministic (see srv.c).
 */
#ifndef EDGEPROBE_SRV_H
#define EDGEPROBE_SRV_H

#include <stddef.h>
#include <stdint.h>

#define SRV_MAX_TARGETS	64	/* targets kept of one answer; the rest are counted */
#define SRV_NAME_MAX	253	/* bytes of a target name, without a final dot */

struct srv_record {
	char		*name;		/* target host; owned by the caller */
	uint16_t	 port;
	uint16_t	 priority;
	uint16_t	 weight;
};

/* How many records srv_order() set aside, and why. */
struct srv_dropped {
	size_t		 unavailable;	/* target "." (or ""): no service here */
	size_t		 invalid;	/* not a DNS host name, or port 0 */
	size_t		 duplicate;	/* same (name, port) as a record kept */
	size_t		 capped;	/* valid, but beyond SRV_MAX_TARGETS */
};

/*
 * Reorder the n records of v in place: the first N (the return value, at
 * most SRV_MAX_TARGETS) are the targets to probe, in probing order; the
 * records after them are the ones set aside, counted in *dropped, in no
 * particular order. Only the order changes: every name pointer the caller
 * gave is still in v, so the caller frees them all as before.
 */
size_t	 srv_order(struct srv_record *v, size_t n, struct srv_dropped *dropped);

/*
 * Whether name is a DNS host name: labels of 1..63 letters, digits and
 * inner hyphens, separated by single dots, at most SRV_NAME_MAX bytes in
 * all, no final dot.
 */
int	 srv_name_valid(const char *name);

#endif
