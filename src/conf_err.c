/*
 * conf_err.c: the errors of one configuration load.
 *
 * Like relayd's parse.y, the loader never stops at the first problem: every
 * error is kept with the file and line of the offending setting, then
 * sorted by position (files in the order first met) and handed over as
 * "FILE:LINE: message" lines.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libconfig.h>

#include "conf.h"
#include "conf_err.h"
#include "xmalloc.h"

/* One collected error, kept with its position for sorting. */
struct conf_err {
	size_t		 fileno;	/* files[]; at the end, order first met */
	unsigned int	 line;
	size_t		 group;		/* log->group when recorded */
	size_t		 seq;
	char		*text;		/* "FILE:LINE: message" */
};

static void	 conf_err_vat(struct conf_errlog *, const char *, unsigned int,
		    const char *, va_list)
		    __attribute__((__format__(__printf__, 4, 0)));
static int	 conf_err_cmp(const void *, const void *);
static int	 conf_err_found_cmp(const void *, const void *);
static void	 conf_err_rank_files(struct conf_errlog *);

/* Record one error at file:line (line 0: none) with a formatted message. */
static void
conf_err_vat(struct conf_errlog *log, const char *file, unsigned int line,
    const char *fmt, va_list ap)
{
	struct conf_err	*e;
	va_list		 ap2;
	char		*msg;
	size_t		 i;
	int		 n;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		n = 0;
	msg = xmalloc((size_t)n + 1);
	vsnprintf(msg, (size_t)n + 1, fmt, ap);

	for (i = 0; i < log->nfiles; i++)
		if (strcmp(log->files[i], file) == 0)
			break;
	if (i == log->nfiles) {
		log->files = xreallocarray(log->files, log->nfiles + 1,
		    sizeof(*log->files));
		log->files[log->nfiles++] = file;
	}
	if (log->n == log->cap) {
		log->cap = log->cap == 0 ? 8 : log->cap * 2;
		log->v = xreallocarray(log->v, log->cap, sizeof(*log->v));
	}
	e = &log->v[log->n];
	e->fileno = i;
	e->line = line;
	e->group = log->group;
	e->seq = log->n++;
	if (line == 0)
		xasprintf(&e->text, "%s: %s", file, msg);
	else
		xasprintf(&e->text, "%s:%u: %s", file, line, msg);
	free(msg);
}

/* Record one error at an explicit position. */
void
conf_err_at(struct conf_errlog *log, const char *file, unsigned int line,
    const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	conf_err_vat(log, file, line, fmt, ap);
	va_end(ap);
}

/* Record one error at the position of a setting. */
void
conf_err(struct conf_errlog *log, const config_setting_t *s,
    const char *fmt, ...)
{
	va_list		 ap;

	va_start(ap, fmt);
	conf_err_vat(log, conf_err_file(log, s),
	    config_setting_source_line(s), fmt, ap);
	va_end(ap);
}

/* The file a setting was read from, or the name given to the load. */
const char *
conf_err_file(const struct conf_errlog *log, const config_setting_t *s)
{
	return config_setting_source_file(s) != NULL ?
	    config_setting_source_file(s) : log->name;
}

/* Order errors as they would be found walking the file front to back. */
static int
conf_err_found_cmp(const void *a, const void *b)
{
	const struct conf_err	*ea = a, *eb = b;

	if (ea->group != eb->group)
		return ea->group < eb->group ? -1 : 1;
	if (ea->seq != eb->seq)
		return ea->seq < eb->seq ? -1 : 1;
	return 0;
}

/*
 * Number the files in the order a front-to-back walk meets them: by the
 * first of their errors in (group, discovery) order.
 */
static void
conf_err_rank_files(struct conf_errlog *log)
{
	size_t	*rank, i, next = 0;

	qsort(log->v, log->n, sizeof(*log->v), conf_err_found_cmp);
	rank = xcalloc(log->nfiles, sizeof(*rank));
	for (i = 0; i < log->nfiles; i++)
		rank[i] = (size_t)-1;
	for (i = 0; i < log->n; i++)
		if (rank[log->v[i].fileno] == (size_t)-1)
			rank[log->v[i].fileno] = next++;
	for (i = 0; i < log->n; i++)
		log->v[i].fileno = rank[log->v[i].fileno];
	free(rank);
}

/* Order errors by file (as first met), line, group, then discovery. */
static int
conf_err_cmp(const void *a, const void *b)
{
	const struct conf_err	*ea = a, *eb = b;

	if (ea->fileno != eb->fileno)
		return ea->fileno < eb->fileno ? -1 : 1;
	if (ea->line != eb->line)
		return ea->line < eb->line ? -1 : 1;
	if (ea->group != eb->group)
		return ea->group < eb->group ? -1 : 1;
	if (ea->seq != eb->seq)
		return ea->seq < eb->seq ? -1 : 1;
	return 0;
}

/* Sort the collected errors and hand them to the caller (or drop them). */
void
conf_err_finish(struct conf_errlog *log, struct conf_errors *errs)
{
	size_t	 i;

	if (log->n > 1) {
		conf_err_rank_files(log);
		qsort(log->v, log->n, sizeof(*log->v), conf_err_cmp);
	}
	if (errs != NULL) {
		errs->v = NULL;
		errs->n = 0;
		if (log->n != 0)
			errs->v = xcalloc(log->n, sizeof(*errs->v));
	}
	for (i = 0; i < log->n; i++) {
		if (errs != NULL)
			errs->v[errs->n++] = log->v[i].text;
		else
			free(log->v[i].text);
	}
	free(log->v);
	free(log->files);
	log->v = NULL;
	log->files = NULL;
	log->n = log->cap = log->nfiles = log->group = 0;
}

/* Quote a user string for a message: one line, printable, in "". */
char *
conf_err_quote(const char *s)
{
	const unsigned char	*p;
	char			*out, *o;
	size_t			 len = 3;

	for (p = (const unsigned char *)s; *p != '\0'; p++)
		len += (*p < 0x20 || *p == 0x7f) ? 4 :
		    (*p == '"' || *p == '\\') ? 2 : 1;
	o = out = xmalloc(len);
	*o++ = '"';
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p < 0x20 || *p == 0x7f) {
			snprintf(o, 5, "\\x%02x", *p);
			o += 4;
		} else {
			if (*p == '"' || *p == '\\')
				*o++ = '\\';
			*o++ = (char)*p;
		}
	}
	*o++ = '"';
	*o = '\0';
	return out;
}
