/*
 * daemon.h: daemon mode: scheduled probing of every endpoint, syslog result
 * and event lines, reload on SIGHUP, clean stop on SIGTERM, systemd
 * notification.
 */
#ifndef EDGEPROBE_DAEMON_H
#define EDGEPROBE_DAEMON_H

/*
 * Run in the foreground until SIGTERM/SIGINT. path is the configuration
 * file; mirror_stderr copies every syslog line to stderr (-f/--stderr).
 * Returns the process exit status.
 */
int	daemon_run(const char *path, int mirror_stderr, int verbose);

#endif
