/*
 * probe_session.h: one probe's state machine (engine-internal).
 *
 *	QUEUED -> CONNECTING -> HANDSHAKE [-> CONFIRM] -> DONE
 *
 * probe.c queues the probes and hands each to probe_session_begin() when a
 * slot is free; the session reports through the probe's callback once.
 */
#ifndef EDGEPROBE_PROBE_SESSION_H
#define EDGEPROBE_PROBE_SESSION_H

#include "probe_int.h"

struct probe	*probe_session_new(struct probe_engine *,
		    const struct probe_req *, probe_done_cb, void *);
void		 probe_session_begin(struct probe *);
/* End a running probe now: reported as PROBE_TIMEOUT with cause, freed. */
void		 probe_session_abort(struct probe *, const char *cause);

#endif
