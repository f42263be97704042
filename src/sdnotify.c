/*
 * sdnotify.c: the daemon's messages to systemd. The watchdog is a timer on
 * the engine's loop, so a stuck loop stops the pings and systemd restarts
 * the service.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <systemd/sd-daemon.h>

#include "probe.h"
#include "sdnotify.h"
#include "xmalloc.h"

struct sdnotify {
	struct probe_timer	*watchdog;	/* NULL: no watchdog */
	long			 watchdog_ms;
	char			 status[128];	/* last STATUS= sent */
};

static void	 sdnotify_watchdog(void *);

/* Tell systemd's watchdog that the loop is alive, and re-arm. */
static void
sdnotify_watchdog(void *arg)
{
	struct sdnotify	*sn = arg;

	sd_notify(0, "WATCHDOG=1");
	probe_timer_set(sn->watchdog, sn->watchdog_ms);
}

/* A notifier; pings at half of WATCHDOG_USEC when it is set. */
struct sdnotify *
sdnotify_new(struct probe_engine *engine)
{
	struct sdnotify	*sn;
	uint64_t	 usec = 0;

	sn = xcalloc(1, sizeof(*sn));
	if (sd_watchdog_enabled(0, &usec) > 0 && usec > 0) {
		sn->watchdog_ms = (long)(usec / 2000);
		if (sn->watchdog_ms < 1)
			sn->watchdog_ms = 1;
		sn->watchdog = probe_timer_new(engine, sdnotify_watchdog, sn);
		probe_timer_set(sn->watchdog, sn->watchdog_ms);
	}
	return sn;
}

/* Stop the watchdog and free the notifier. */
void
sdnotify_free(struct sdnotify *sn)
{
	if (sn == NULL)
		return;
	if (sn->watchdog != NULL)
		probe_timer_free(sn->watchdog);
	free(sn);
}

/* The configuration is loaded and the daemon serves. */
void
sdnotify_ready(void)
{
	sd_notify(0, "READY=1");
}

/* A reload starts; READY=1 ends it. */
void
sdnotify_reloading(void)
{
	sd_notify(0, "RELOADING=1");
}

/* The daemon is on its way out. */
void
sdnotify_stopping(void)
{
	sd_notify(0, "STOPPING=1");
}

/* Tell systemd how many endpoints there are and how many are bad. */
void
sdnotify_status(struct sdnotify *sn, size_t n, size_t crit, size_t warn)
{
	char	 line[sizeof(sn->status)];

	snprintf(line, sizeof(line), "%zu endpoints, %zu critical, %zu warning",
	    n, crit, warn);
	if (strcmp(line, sn->status) == 0)
		return;
	memcpy(sn->status, line, sizeof(sn->status));
	sd_notifyf(0, "STATUS=%s", sn->status);
}
