/*
 * daemon_reload.h: loading the configuration file and its trust store into
 * a generation the schedule runs under, at start-up and on SIGHUP, and the
 * event lines that say what was loaded.
 */
#ifndef EDGEPROBE_DAEMON_RELOAD_H
#define EDGEPROBE_DAEMON_RELOAD_H

struct daemon_sched_gen;

/*
 * Load path and its trust store. Every error goes to the log at LOG_ERR as
 * "FILE:LINE: message". Returns a generation with one reference, or NULL.
 */
struct daemon_sched_gen *daemon_reload_load(const char *path);
/* event=start (at LOG_INFO) or event=reload (at LOG_NOTICE) for g. */
void		 daemon_reload_loaded(const char *event, int pri,
		    const char *path, const struct daemon_sched_gen *g);
/* event=reload_failed: the running configuration is kept. */
void		 daemon_reload_failed(const char *path);

#endif
