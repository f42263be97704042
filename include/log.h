/*
 * log.h: diagnostics to stderr in the foreground, to syslog in the daemon.
 */
#ifndef EDGEPROBE_LOG_H
#define EDGEPROBE_LOG_H

#include <stdarg.h>

/* to_syslog: 0 stderr only, 1 syslog, 2 syslog mirrored to stderr. */
void	log_init(int to_syslog, const char *ident, int facility);
void	log_setverbose(int);
void	log_emit(int priority, const char *, ...)
	    __attribute__((__format__(__printf__, 2, 3)));
void	log_warn(const char *, ...)
	    __attribute__((__format__(__printf__, 1, 2)));
void	log_warnx(const char *, ...)
	    __attribute__((__format__(__printf__, 1, 2)));
void	log_info(const char *, ...)
	    __attribute__((__format__(__printf__, 1, 2)));
void	log_debug(const char *, ...)
	    __attribute__((__format__(__printf__, 1, 2)));
void	fatal(const char *, ...)
	    __attribute__((__format__(__printf__, 1, 2), __noreturn__));
void	fatalx(const char *, ...)
	    __attribute__((__format__(__printf__, 1, 2), __noreturn__));

#endif
