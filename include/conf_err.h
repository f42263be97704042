/*
 * conf_err.h: the errors of one configuration load, collected and reported
 * as "FILE:LINE: message", sorted by position.
 */
#ifndef EDGEPROBE_CONF_ERR_H
#define EDGEPROBE_CONF_ERR_H

#include <stdarg.h>
#include <stddef.h>

#include <libconfig.h>

struct conf_errors;
struct conf_err;

/*
 * The errors collected so far; zero it, set name, then report into it.
 * group orders discovery when the loader does not walk the file in order
 * (conf_target.c converts the targets last to first): errors sort by file
 * (in the order first met), line, group, then discovery, and a file is
 * "first met" by (group, discovery) too, so the result is the same as
 * walking front to back.
 */
struct conf_errlog {
	const char		 *name;		/* FILE as given */
	struct conf_err		 *v;
	size_t			  n;
	size_t			  cap;
	const char		**files;	/* distinct FILEs seen */
	size_t			  nfiles;
	size_t			  group;	/* of the errors recorded now */
};

/* Record an error at file:line (line 0: none). */
void	 conf_err_at(struct conf_errlog *, const char *file,
	    unsigned int line, const char *, ...)
	    __attribute__((__format__(__printf__, 4, 5)));
/* Record an error at the position of a setting. */
void	 conf_err(struct conf_errlog *, const config_setting_t *,
	    const char *, ...)
	    __attribute__((__format__(__printf__, 3, 4)));
/* The file a setting comes from: its @include file or the log's name. */
const char *conf_err_file(const struct conf_errlog *,
	    const config_setting_t *);
/* Sort the errors into errs (may be NULL: dropped) and empty the log. */
void	 conf_err_finish(struct conf_errlog *, struct conf_errors *);
/* A user string quoted for a message: one line, printable, in "". */
char	*conf_err_quote(const char *);

#endif
