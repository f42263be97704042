/*
 * daemon_state.h: what the daemon remembers of one target's endpoints from
 * one round to the next, and the lines it logs from it: one result line per
 * endpoint, event=status_change and event=cert_change against the previous
 * probe, event=endpoint_removed when an endpoint leaves.
 */
#ifndef EDGEPROBE_DAEMON_STATE_H
#define EDGEPROBE_DAEMON_STATE_H

#include <stddef.h>

struct daemon_state;
struct metrics_endpoint;
struct result;

struct daemon_state	*daemon_state_new(const char *target);
void			 daemon_state_free(struct daemon_state *);
/*
 * Log a finished round's results (OK lines only with log_ok) and the changes
 * they make. A complete round forgets the endpoints it did not see; an
 * aborted one forgets nobody.
 */
void			 daemon_state_round(struct daemon_state *,
			    struct result *const *, size_t, int log_ok,
			    int complete);
/* The target left the configuration: a NOTICE per endpoint, then forget. */
void			 daemon_state_forget(struct daemon_state *);
/* Add this target's endpoints and bad ones to the counters. */
void			 daemon_state_count(const struct daemon_state *,
			    size_t *n, size_t *crit, size_t *warn);
/*
 * Append a view of each endpoint to *v (n used, cap allocated, grown as
 * needed); the strings stay the state's, valid until its next change.
 */
void			 daemon_state_export(const struct daemon_state *,
			    struct metrics_endpoint **v, size_t *n,
			    size_t *cap);

#endif
