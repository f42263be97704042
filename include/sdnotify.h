/*
 * sdnotify.h: the daemon's messages to systemd (Type=notify): READY=1,
 * RELOADING=1, STOPPING=1, a STATUS= summary sent only when it changes, and
 * WATCHDOG=1 at half of WATCHDOG_USEC when the unit asks for it. Without
 * NOTIFY_SOCKET every call is a no-op.
 */
#ifndef EDGEPROBE_SDNOTIFY_H
#define EDGEPROBE_SDNOTIFY_H

#include <stddef.h>

struct probe_engine;
struct sdnotify;

/* Arm the watchdog on the engine's loop if systemd asked for one. */
struct sdnotify	*sdnotify_new(struct probe_engine *);
void		 sdnotify_free(struct sdnotify *);
void		 sdnotify_ready(void);
void		 sdnotify_reloading(void);
void		 sdnotify_stopping(void);
/* STATUS= with the endpoint counts, unless it is the one sent last. */
void		 sdnotify_status(struct sdnotify *, size_t endpoints,
		    size_t critical, size_t warning);

#endif
