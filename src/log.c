/*
 * log.c: diagnostics to stderr in the foreground, to syslog in the daemon.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "log.h"

static int	 log_to_syslog;		/* 0 stderr, 1 syslog, 2 both */
static int	 log_verbose;

static void	 vlog(int, const char *, va_list)
		    __attribute__((__format__(__printf__, 2, 0)));

/* Choose where diagnostics go; opens syslog when asked. */
void
log_init(int to_syslog, const char *ident, int facility)
{
	log_to_syslog = to_syslog;
	if (to_syslog) {
		closelog();
		openlog(ident, LOG_PID | LOG_NDELAY, facility);
	}
}

/* Show debug messages when verbose is set. */
void
log_setverbose(int verbose)
{
	log_verbose = verbose;
}

/* Write one message at priority to the configured places. */
static void
vlog(int pri, const char *fmt, va_list ap)
{
	va_list	 ap2;

	va_copy(ap2, ap);
	if (log_to_syslog)
		vsyslog(pri, fmt, ap);
	if (log_to_syslog != 1) {
		vfprintf(stderr, fmt, ap2);
		fputc('\n', stderr);
		fflush(stderr);
	}
	va_end(ap2);
}

/* Log at an explicit syslog priority. */
void
log_emit(int pri, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vlog(pri, fmt, ap);
	va_end(ap);
}

/* Log a warning with the current errno appended. */
void
log_warn(const char *fmt, ...)
{
	char	 buf[1024];
	va_list	 ap;
	int	 saved = errno;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	log_emit(LOG_WARNING, "%s: %s", buf, strerror(saved));
	errno = saved;
}

/* Log a warning. */
void
log_warnx(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vlog(LOG_WARNING, fmt, ap);
	va_end(ap);
}

/* Log an informational message. */
void
log_info(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vlog(LOG_INFO, fmt, ap);
	va_end(ap);
}

/* Log a debug message when verbose. */
void
log_debug(const char *fmt, ...)
{
	va_list	 ap;

	if (!log_verbose)
		return;
	va_start(ap, fmt);
	vlog(LOG_DEBUG, fmt, ap);
	va_end(ap);
}

/* Log with errno and exit: for bugs and start-up failures only. */
void
fatal(const char *fmt, ...)
{
	char	 buf[1024];
	va_list	 ap;
	int	 saved = errno;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	log_emit(LOG_CRIT, "fatal: %s: %s", buf, strerror(saved));
	exit(1);
}

/* Log and exit: for bugs and start-up failures only. */
void
fatalx(const char *fmt, ...)
{
	char	 buf[1024];
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	log_emit(LOG_CRIT, "fatal: %s", buf);
	exit(1);
}
