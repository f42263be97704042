/*
 * conf.c: libconfig -> validated, immutable struct conf; all errors as
 * FILE:LINE.
 *
 * Every setting is described once, in conf_keys[]: its type, its bounds, its
 * default, the struct field it fills and where it may appear (top level, a
 * target, the syslog group; a key allowed both at the top level and in a
 * target is a per-target override of the global value). The walkers below
 * only interpret that table. Like relayd's parse.y, nothing stops at the
 * first problem: every error is collected with the file and line of the
 * offending setting, sorted by position, and handed to the caller.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include <libconfig.h>

#include "conf.h"
#include "xmalloc.h"

#define CONF_DEFAULT_IDENT	"edgeprobe"

/* What a setting holds. */
enum conf_type {
	CONF_INT,		/* int or int64 within [min, max] */
	CONF_BOOL,		/* true or false */
	CONF_STRING,		/* a non-empty string */
	CONF_STRINGS,		/* array or list of non-empty strings */
	CONF_PORTS,		/* array or list of ports 1..65535 */
	CONF_FACILITY,		/* a syslog(3) facility name */
	CONF_GROUP,		/* the syslog group */
	CONF_TARGETS		/* the list of target groups */
};

/* Where a key may appear: a mask of these. */
#define CONF_GLOBAL	0x1
#define CONF_TARGET	0x2
#define CONF_SYSLOG	0x4

#define NOFF		((size_t)-1)

/* One known key; for lists, min and max bound the number of entries. */
struct conf_key {
	const char	*name;
	enum conf_type	 type;
	int		 scope;
	long long	 min;
	long long	 max;
	long long	 def;	/* CONF_INT, CONF_BOOL, CONF_FACILITY */
	size_t		 goff;	/* field in struct conf, or NOFF */
	size_t		 toff;	/* field in struct conf_target, or NOFF */
	size_t		 noff;	/* CONF_STRINGS: count in struct conf_target */
};

enum {
	K_INTERVAL,
	K_TIMEOUT,
	K_CONCURRENCY,
	K_WARN_DAYS,
	K_CRIT_DAYS,
	K_LOG_OK,
	K_CA_FILE,
	K_SYSLOG,
	K_IDENT,
	K_FACILITY,
	K_TARGETS,
	K_NAME,
	K_HOST,
	K_PORTS,
	K_SNI,
	K_SUBJECT,
	K_SAN,
	K_PUBLIC_IM,
	K_POOL,
	K_METRICS_LISTEN,
	K_MAX
};

#define G(f)	offsetof(struct conf, f)
#define T(f)	offsetof(struct conf_target, f)

static const struct conf_key conf_keys[K_MAX] = {
	[K_INTERVAL] =	  { "interval", CONF_INT, CONF_GLOBAL | CONF_TARGET,
			    1, INT_MAX, 300, G(interval), T(interval), NOFF },
	[K_TIMEOUT] =	  { "timeout", CONF_INT, CONF_GLOBAL | CONF_TARGET,
			    1, 3600, 10, G(timeout), T(timeout), NOFF },
	[K_CONCURRENCY] = { "concurrency", CONF_INT, CONF_GLOBAL,
			    1, 100000, 200, G(concurrency), NOFF, NOFF },
	[K_WARN_DAYS] =	  { "warn_days", CONF_INT, CONF_GLOBAL | CONF_TARGET,
			    0, INT_MAX, 30, G(warn_days), T(warn_days), NOFF },
	[K_CRIT_DAYS] =	  { "crit_days", CONF_INT, CONF_GLOBAL | CONF_TARGET,
			    0, INT_MAX, 7, G(crit_days), T(crit_days), NOFF },
	[K_LOG_OK] =	  { "log_ok", CONF_BOOL, CONF_GLOBAL,
			    0, 1, 1, G(log_ok), NOFF, NOFF },
	[K_CA_FILE] =	  { "ca_file", CONF_STRING, CONF_GLOBAL,
			    0, 0, 0, G(ca_file), NOFF, NOFF },
	[K_SYSLOG] =	  { "syslog", CONF_GROUP, CONF_GLOBAL,
			    0, 0, 0, NOFF, NOFF, NOFF },
	[K_IDENT] =	  { "ident", CONF_STRING, CONF_SYSLOG,
			    0, 0, 0, G(syslog_ident), NOFF, NOFF },
	[K_FACILITY] =	  { "facility", CONF_FACILITY, CONF_SYSLOG,
			    0, 0, LOG_DAEMON, G(syslog_facility), NOFF, NOFF },
	[K_TARGETS] =	  { "targets", CONF_TARGETS, CONF_GLOBAL,
			    0, 0, 0, NOFF, NOFF, NOFF },
	[K_NAME] =	  { "name", CONF_STRING, CONF_TARGET,
			    0, 0, 0, NOFF, T(name), NOFF },
	[K_HOST] =	  { "host", CONF_STRING, CONF_TARGET,
			    0, 0, 0, NOFF, T(host), NOFF },
	[K_PORTS] =	  { "ports", CONF_PORTS, CONF_TARGET,
			    1, CONF_MAX_PORTS, 0, NOFF, T(ports), T(nports) },
	[K_SNI] =	  { "sni", CONF_STRING, CONF_TARGET,
			    0, 0, 0, NOFF, T(sni), NOFF },
	[K_SUBJECT] =	  { "subject", CONF_STRING, CONF_TARGET,
			    0, 0, 0, NOFF, T(subject), NOFF },
	[K_SAN] =	  { "san", CONF_STRINGS, CONF_TARGET,
			    0, INT_MAX, 0, NOFF, T(san), T(nsan) },
	[K_PUBLIC_IM] =	  { "public_im", CONF_BOOL, CONF_TARGET,
			    0, 1, 0, NOFF, T(public_im), NOFF },
	[K_POOL] =	  { "pool", CONF_STRINGS, CONF_TARGET,
			    1, INT_MAX, 0, NOFF, T(pool), T(npool) },
	[K_METRICS_LISTEN] = { "metrics_listen", CONF_STRING, CONF_GLOBAL,
			    0, 0, 0, G(metrics_listen), NOFF, NOFF },
};

#undef G
#undef T

static const int conf_default_ports[] = { 443, 5061 };

static const struct {
	const char	*name;
	int		 facility;
} conf_facilities[] = {
	{ "auth",	LOG_AUTH },
	{ "authpriv",	LOG_AUTHPRIV },
	{ "cron",	LOG_CRON },
	{ "daemon",	LOG_DAEMON },
	{ "ftp",	LOG_FTP },
	{ "kern",	LOG_KERN },
	{ "lpr",	LOG_LPR },
	{ "mail",	LOG_MAIL },
	{ "news",	LOG_NEWS },
	{ "syslog",	LOG_SYSLOG },
	{ "user",	LOG_USER },
	{ "uucp",	LOG_UUCP },
	{ "local0",	LOG_LOCAL0 },
	{ "local1",	LOG_LOCAL1 },
	{ "local2",	LOG_LOCAL2 },
	{ "local3",	LOG_LOCAL3 },
	{ "local4",	LOG_LOCAL4 },
	{ "local5",	LOG_LOCAL5 },
	{ "local6",	LOG_LOCAL6 },
	{ "local7",	LOG_LOCAL7 },
};

/* One collected error, kept with its position for sorting. */
struct conf_err {
	size_t		 fileno;	/* order of first appearance of FILE */
	unsigned int	 line;
	size_t		 seq;
	char		*text;		/* "FILE:LINE: message" */
};

/* A target name and where it was set, for the duplicate check. */
struct conf_name {
	const char		*name;
	const config_setting_t	*setting;
	size_t			 index;
};

/* The state of one load. */
struct conf_ctx {
	const char		 *name;		/* FILE as given */
	struct conf		 *conf;
	struct conf_err		 *errv;
	size_t			  nerr;
	size_t			  errcap;
	const char		**files;	/* distinct FILEs seen */
	size_t			  nfiles;
	const char		 *where;	/* "", " in syslog", " in target X" */
	int			  scope;	/* CONF_GLOBAL, _TARGET, _SYSLOG */
};

static struct conf *conf_read(struct conf_ctx *, config_t *, int);
static void	 conf_verror(struct conf_ctx *, const char *, unsigned int,
		    const char *, va_list)
		    __attribute__((__format__(__printf__, 4, 0)));
static void	 conf_error_at(struct conf_ctx *, const char *, unsigned int,
		    const char *, ...)
		    __attribute__((__format__(__printf__, 4, 5)));
static void	 conf_error(struct conf_ctx *, const config_setting_t *,
		    const char *, ...)
		    __attribute__((__format__(__printf__, 3, 4)));
static int	 conf_err_cmp(const void *, const void *);
static void	 conf_finish(struct conf_ctx *, struct conf_errors *);
static char	*conf_quote(const char *);
static const char *conf_place(int);
static int	 conf_key_find(const char *, int, int *);
static void	 conf_walk(struct conf_ctx *, const config_setting_t *,
		    void *, const config_setting_t **, int *);
static int	 conf_set(struct conf_ctx *, int, const config_setting_t *,
		    void *);
static int	 conf_set_int(struct conf_ctx *, const struct conf_key *,
		    const config_setting_t *, int *);
static int	 conf_set_string(struct conf_ctx *, const struct conf_key *,
		    const config_setting_t *, char **);
static int	 conf_set_strings(struct conf_ctx *, const struct conf_key *,
		    const config_setting_t *, char ***, size_t *);
static int	 conf_set_ports(struct conf_ctx *, const struct conf_key *,
		    const config_setting_t *, int *, size_t *);
static int	 conf_list_length(struct conf_ctx *, const struct conf_key *,
		    const config_setting_t *, const char *);
static void	 conf_syslog(struct conf_ctx *, const config_setting_t *);
static void	 conf_targets(struct conf_ctx *, const config_setting_t *);
static void	 conf_target(struct conf_ctx *, const config_setting_t *,
		    size_t, struct conf_target *);
static void	 conf_target_init(const struct conf *, struct conf_target *);
static void	 conf_target_clear(struct conf_target *);
static void	 conf_check_days(struct conf_ctx *, int, int,
		    const config_setting_t **);
static void	 conf_check_ca_file(struct conf_ctx *,
		    const config_setting_t *);
static int	 conf_name_cmp(const void *, const void *);
static void	 conf_check_names(struct conf_ctx *, struct conf_name *,
		    size_t);

/* Read, validate and return the configuration in path, or NULL and errs. */
struct conf *
conf_load(const char *path, struct conf_errors *errs)
{
	struct conf_ctx	 ctx;
	struct conf	*conf = NULL;
	struct stat	 st;
	config_t	 cfg;
	FILE		*fp;
	int		 ok;

	memset(&ctx, 0, sizeof(ctx));
	ctx.name = path;
	if ((fp = fopen(path, "r")) == NULL) {
		conf_error_at(&ctx, path, 0, "cannot open: %s",
		    strerror(errno));
		conf_finish(&ctx, errs);
		return NULL;
	}
	if (fstat(fileno(fp), &st) == 0 && S_ISDIR(st.st_mode)) {
		conf_error_at(&ctx, path, 0, "cannot open: %s",
		    strerror(EISDIR));
		fclose(fp);
		conf_finish(&ctx, errs);
		return NULL;
	}
	config_init(&cfg);
	ok = config_read(&cfg, fp);
	fclose(fp);
	conf = conf_read(&ctx, &cfg, ok);
	config_destroy(&cfg);
#ifdef __GLIBC__
	/*
	 * libconfig's tree costs about 1.6 KB per target and is gone now, but
	 * its small blocks were interleaved with the ones struct conf keeps, so
	 * glibc cannot shrink the heap by itself: a 100,000-target file would
	 * leave the daemon at 190 MB instead of 36 MB. Hand the free pages back.
	 */
	malloc_trim(0);
#endif
	conf_finish(&ctx, errs);
	return conf;
}

/* Validate text as if it were the file called name. */
struct conf *
conf_load_string(const char *name, const char *text, struct conf_errors *errs)
{
	struct conf_ctx	 ctx;
	struct conf	*conf;
	config_t	 cfg;
	int		 ok;

	memset(&ctx, 0, sizeof(ctx));
	ctx.name = name;
	config_init(&cfg);
	ok = config_read_string(&cfg, text);
	conf = conf_read(&ctx, &cfg, ok);
	config_destroy(&cfg);
	conf_finish(&ctx, errs);
	return conf;
}

/* Build the configuration from a parsed tree; NULL after any error. */
static struct conf *
conf_read(struct conf_ctx *ctx, config_t *cfg, int parsed)
{
	const config_setting_t	*root, *seen[K_MAX];
	const char		*file;
	struct conf		*conf;
	int			 bad = 0;

	if (!parsed) {
		file = config_error_file(cfg) != NULL ?
		    config_error_file(cfg) : ctx->name;
		if (config_error_type(cfg) == CONFIG_ERR_PARSE)
			conf_error_at(ctx, file, config_error_line(cfg),
			    "%s", config_error_text(cfg));
		else
			conf_error_at(ctx, file, 0, "%s",
			    config_error_text(cfg));
		return NULL;
	}

	conf = ctx->conf = conf_new();
	conf->path = xstrdup(ctx->name);
	root = config_root_setting(cfg);
	memset(seen, 0, sizeof(seen));
	ctx->where = "";
	ctx->scope = CONF_GLOBAL;
	conf_walk(ctx, root, conf, seen, &bad);

	if (seen[K_WARN_DAYS] != NULL || seen[K_CRIT_DAYS] != NULL) {
		if ((bad & (1 << K_WARN_DAYS | 1 << K_CRIT_DAYS)) == 0)
			conf_check_days(ctx, conf->warn_days, conf->crit_days,
			    seen);
	}
	if (seen[K_CA_FILE] != NULL)
		conf_check_ca_file(ctx, seen[K_CA_FILE]);
	if (seen[K_TARGETS] != NULL)
		conf_targets(ctx, seen[K_TARGETS]);
	else if ((bad & 1 << K_TARGETS) == 0)
		conf_error_at(ctx, ctx->name, 1,
		    "no \"targets\": at least one target is required");

	if (ctx->nerr != 0) {
		conf_free(conf);
		conf = NULL;
	}
	ctx->conf = NULL;
	return conf;
}

/* Record one error at file:line (line 0: none) with a formatted message. */
static void
conf_verror(struct conf_ctx *ctx, const char *file, unsigned int line,
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

	for (i = 0; i < ctx->nfiles; i++)
		if (strcmp(ctx->files[i], file) == 0)
			break;
	if (i == ctx->nfiles) {
		ctx->files = xreallocarray(ctx->files, ctx->nfiles + 1,
		    sizeof(*ctx->files));
		ctx->files[ctx->nfiles++] = file;
	}
	if (ctx->nerr == ctx->errcap) {
		ctx->errcap = ctx->errcap == 0 ? 8 : ctx->errcap * 2;
		ctx->errv = xreallocarray(ctx->errv, ctx->errcap,
		    sizeof(*ctx->errv));
	}
	e = &ctx->errv[ctx->nerr];
	e->fileno = i;
	e->line = line;
	e->seq = ctx->nerr++;
	if (line == 0)
		xasprintf(&e->text, "%s: %s", file, msg);
	else
		xasprintf(&e->text, "%s:%u: %s", file, line, msg);
	free(msg);
}

/* Record one error at an explicit position. */
static void
conf_error_at(struct conf_ctx *ctx, const char *file, unsigned int line,
    const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	conf_verror(ctx, file, line, fmt, ap);
	va_end(ap);
}

/* Record one error at the position of a setting. */
static void
conf_error(struct conf_ctx *ctx, const config_setting_t *s,
    const char *fmt, ...)
{
	const char	*file;
	va_list		 ap;

	file = config_setting_source_file(s) != NULL ?
	    config_setting_source_file(s) : ctx->name;
	va_start(ap, fmt);
	conf_verror(ctx, file, config_setting_source_line(s), fmt, ap);
	va_end(ap);
}

/* Order errors by file (as first met), line, then discovery. */
static int
conf_err_cmp(const void *a, const void *b)
{
	const struct conf_err	*ea = a, *eb = b;

	if (ea->fileno != eb->fileno)
		return ea->fileno < eb->fileno ? -1 : 1;
	if (ea->line != eb->line)
		return ea->line < eb->line ? -1 : 1;
	if (ea->seq != eb->seq)
		return ea->seq < eb->seq ? -1 : 1;
	return 0;
}

/* Sort the collected errors and hand them to the caller (or drop them). */
static void
conf_finish(struct conf_ctx *ctx, struct conf_errors *errs)
{
	size_t	 i;

	if (ctx->nerr > 1)
		qsort(ctx->errv, ctx->nerr, sizeof(*ctx->errv), conf_err_cmp);
	if (errs != NULL) {
		errs->v = NULL;
		errs->n = 0;
		if (ctx->nerr != 0)
			errs->v = xcalloc(ctx->nerr, sizeof(*errs->v));
	}
	for (i = 0; i < ctx->nerr; i++) {
		if (errs != NULL)
			errs->v[errs->n++] = ctx->errv[i].text;
		else
			free(ctx->errv[i].text);
	}
	free(ctx->errv);
	free(ctx->files);
	ctx->errv = NULL;
	ctx->files = NULL;
	ctx->nerr = ctx->errcap = ctx->nfiles = 0;
}

/* Quote a user string for a message: one line, printable, in "". */
static char *
conf_quote(const char *s)
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

/* Where a scope is, for "not allowed" messages. */
static const char *
conf_place(int scope)
{
	if ((scope & (CONF_GLOBAL | CONF_TARGET)) ==
	    (CONF_GLOBAL | CONF_TARGET))
		return "at the top level or in a target";
	if (scope & CONF_GLOBAL)
		return "at the top level";
	if (scope & CONF_TARGET)
		return "in a target";
	return "in syslog";
}

/*
 * Find a key allowed in scope: its index, or -1. With a key of that name
 * elsewhere, *other is its scope (else 0).
 */
static int
conf_key_find(const char *name, int scope, int *other)
{
	int	 i;

	*other = 0;
	for (i = 0; i < K_MAX; i++) {
		if (strcmp(conf_keys[i].name, name) != 0)
			continue;
		if (conf_keys[i].scope & scope)
			return i;
		*other = conf_keys[i].scope;
	}
	return -1;
}

/* Apply every member of a group to base; note valid and bad keys. */
static void
conf_walk(struct conf_ctx *ctx, const config_setting_t *group, void *base,
    const config_setting_t **seen, int *bad)
{
	const config_setting_t	*m;
	const char		*name;
	int			 i, k, n, other;

	n = config_setting_length(group);
	for (i = 0; i < n; i++) {
		m = config_setting_get_elem(group, (unsigned int)i);
		name = config_setting_name(m);
		if ((k = conf_key_find(name, ctx->scope, &other)) == -1) {
			if (other == 0)
				conf_error(ctx, m, "unknown setting \"%s\"%s",
				    name, ctx->where);
			else if (ctx->scope == CONF_GLOBAL)
				conf_error(ctx, m, "\"%s\" is not allowed %s "
				    "(only %s)", name, conf_place(ctx->scope),
				    conf_place(other));
			else
				conf_error(ctx, m, "\"%s\" is not allowed%s "
				    "(only %s)", name, ctx->where,
				    conf_place(other));
			continue;
		}
		if (conf_set(ctx, k, m, base) == 0)
			seen[k] = m;
		else
			*bad |= 1 << k;
	}
}

/* Check one setting against its key and store it; -1 if invalid. */
static int
conf_set(struct conf_ctx *ctx, int k, const config_setting_t *s, void *base)
{
	const struct conf_key	*key = &conf_keys[k];
	char			*p = base;
	size_t			 off;
	const char		*name;
	int			 f;

	off = ctx->scope == CONF_TARGET ? key->toff : key->goff;
	switch (key->type) {
	case CONF_INT:
		return conf_set_int(ctx, key, s, (int *)(void *)(p + off));
	case CONF_BOOL:
		if (config_setting_type(s) != CONFIG_TYPE_BOOL) {
			conf_error(ctx, s, "\"%s\"%s must be true or false",
			    key->name, ctx->where);
			return -1;
		}
		*(int *)(void *)(p + off) = config_setting_get_bool(s);
		return 0;
	case CONF_STRING:
		return conf_set_string(ctx, key, s, (char **)(void *)(p + off));
	case CONF_STRINGS:
		return conf_set_strings(ctx, key, s,
		    (char ***)(void *)(p + off),
		    (size_t *)(void *)(p + key->noff));
	case CONF_PORTS:
		return conf_set_ports(ctx, key, s, (int *)(void *)(p + off),
		    (size_t *)(void *)(p + key->noff));
	case CONF_FACILITY:
		if (config_setting_type(s) != CONFIG_TYPE_STRING) {
			conf_error(ctx, s, "\"%s\"%s must be a string",
			    key->name, ctx->where);
			return -1;
		}
		name = config_setting_get_string(s);
		if ((f = conf_facility(name)) == -1) {
			char	*q = conf_quote(name);

			conf_error(ctx, s, "unknown syslog facility %s", q);
			free(q);
			return -1;
		}
		*(int *)(void *)(p + off) = f;
		return 0;
	case CONF_GROUP:
		if (!config_setting_is_group(s)) {
			conf_error(ctx, s, "\"%s\" must be a group: "
			    "%s = { ident = \"...\"; facility = \"...\"; };",
			    key->name, key->name);
			return -1;
		}
		conf_syslog(ctx, s);
		return 0;
	case CONF_TARGETS:
		/* Checked after the globals, which the targets inherit. */
		if (!config_setting_is_list(s)) {
			conf_error(ctx, s, "\"%s\" must be a list of groups: "
			    "%s = ( { name = \"...\"; host = \"...\"; } );",
			    key->name, key->name);
			return -1;
		}
		return 0;
	}
	return -1;
}

/* An integer within the key's bounds; int and int64 both accepted. */
static int
conf_set_int(struct conf_ctx *ctx, const struct conf_key *key,
    const config_setting_t *s, int *dst)
{
	long long	 v;

	if (config_setting_type(s) != CONFIG_TYPE_INT &&
	    config_setting_type(s) != CONFIG_TYPE_INT64) {
		conf_error(ctx, s, "\"%s\"%s must be an integer", key->name,
		    ctx->where);
		return -1;
	}
	v = config_setting_get_int64(s);
	if (v < key->min || v > key->max) {
		if (key->max == INT_MAX)
			conf_error(ctx, s, "\"%s\"%s must be at least %lld, "
			    "not %lld", key->name, ctx->where, key->min, v);
		else
			conf_error(ctx, s, "\"%s\"%s must be between %lld and "
			    "%lld, not %lld", key->name, ctx->where, key->min,
			    key->max, v);
		return -1;
	}
	*dst = (int)v;
	return 0;
}

/* A non-empty string. */
static int
conf_set_string(struct conf_ctx *ctx, const struct conf_key *key,
    const config_setting_t *s, char **dst)
{
	const char	*v;

	if (config_setting_type(s) != CONFIG_TYPE_STRING) {
		conf_error(ctx, s, "\"%s\"%s must be a string", key->name,
		    ctx->where);
		return -1;
	}
	v = config_setting_get_string(s);
	if (*v == '\0') {
		conf_error(ctx, s, "\"%s\"%s must not be empty", key->name,
		    ctx->where);
		return -1;
	}
	free(*dst);
	*dst = xstrdup(v);
	return 0;
}

/* The number of entries of an array or list within bounds, or -1. */
static int
conf_list_length(struct conf_ctx *ctx, const struct conf_key *key,
    const config_setting_t *s, const char *what)
{
	int	 n;

	if (!config_setting_is_array(s) && !config_setting_is_list(s)) {
		conf_error(ctx, s, "\"%s\"%s must be a list of %s", key->name,
		    ctx->where, what);
		return -1;
	}
	n = config_setting_length(s);
	if (n < key->min) {
		conf_error(ctx, s, "\"%s\"%s is empty", key->name, ctx->where);
		return -1;
	}
	if (n > key->max) {
		conf_error(ctx, s, "\"%s\"%s has %d entries; at most %lld "
		    "are allowed", key->name, ctx->where, n, key->max);
		return -1;
	}
	return n;
}

/* An array or list of non-empty strings. */
static int
conf_set_strings(struct conf_ctx *ctx, const struct conf_key *key,
    const config_setting_t *s, char ***dst, size_t *ndst)
{
	const config_setting_t	*e;
	const char		*v;
	char			**list;
	int			 i, n, rc = 0;

	if ((n = conf_list_length(ctx, key, s, "strings")) == -1)
		return -1;
	for (i = 0; i < n; i++) {
		e = config_setting_get_elem(s, (unsigned int)i);
		if (config_setting_type(e) != CONFIG_TYPE_STRING) {
			conf_error(ctx, e, "\"%s\"%s must be a list of strings",
			    key->name, ctx->where);
			rc = -1;
		} else if (*config_setting_get_string(e) == '\0') {
			conf_error(ctx, e, "\"%s\"%s has an empty entry",
			    key->name, ctx->where);
			rc = -1;
		}
	}
	if (rc == -1)
		return -1;
	list = xcalloc((size_t)n, sizeof(*list));
	for (i = 0; i < n; i++) {
		v = config_setting_get_string_elem(s, i);
		list[i] = xstrdup(v);
	}
	*dst = list;
	*ndst = (size_t)n;
	return 0;
}

/* An array or list of distinct ports 1..65535, at most CONF_MAX_PORTS. */
static int
conf_set_ports(struct conf_ctx *ctx, const struct conf_key *key,
    const config_setting_t *s, int *dst, size_t *ndst)
{
	const config_setting_t	*e;
	int			 ports[CONF_MAX_PORTS];
	long long		 v;
	int			 i, j, n, rc = 0;

	if ((n = conf_list_length(ctx, key, s, "ports")) == -1)
		return -1;
	for (i = 0; i < n; i++) {
		e = config_setting_get_elem(s, (unsigned int)i);
		ports[i] = 0;
		if (config_setting_type(e) != CONFIG_TYPE_INT &&
		    config_setting_type(e) != CONFIG_TYPE_INT64) {
			conf_error(ctx, e, "\"%s\"%s must be a list of ports",
			    key->name, ctx->where);
			rc = -1;
			continue;
		}
		v = config_setting_get_int64(e);
		if (v < 1 || v > 65535) {
			conf_error(ctx, e, "port %lld%s is outside 1..65535",
			    v, ctx->where);
			rc = -1;
			continue;
		}
		ports[i] = (int)v;
		for (j = 0; j < i; j++) {
			if (ports[j] == ports[i]) {
				conf_error(ctx, e, "port %d is listed twice%s",
				    ports[i], ctx->where);
				rc = -1;
				break;
			}
		}
	}
	if (rc == -1)
		return -1;
	memcpy(dst, ports, (size_t)n * sizeof(*ports));
	*ndst = (size_t)n;
	return 0;
}

/* The syslog group: ident and facility. */
static void
conf_syslog(struct conf_ctx *ctx, const config_setting_t *s)
{
	const config_setting_t	*seen[K_MAX];
	const char		*where = ctx->where;
	int			 bad = 0;

	memset(seen, 0, sizeof(seen));
	ctx->where = " in syslog";
	ctx->scope = CONF_SYSLOG;
	conf_walk(ctx, s, ctx->conf, seen, &bad);
	ctx->where = where;
	ctx->scope = CONF_GLOBAL;
}

/* The list of targets, then the duplicate names across them. */
static void
conf_targets(struct conf_ctx *ctx, const config_setting_t *s)
{
	struct conf		*conf = ctx->conf;
	struct conf_name	*names;
	const config_setting_t	*e, *name;
	size_t			 i, n, nnames = 0;

	n = (size_t)config_setting_length(s);
	if (n == 0) {
		conf_error(ctx, s, "\"targets\" is empty: at least one "
		    "target is required");
		return;
	}
	conf->targets = xcalloc(n, sizeof(*conf->targets));
	names = xcalloc(n, sizeof(*names));
	for (i = 0; i < n; i++) {
		e = config_setting_get_elem(s, (unsigned int)i);
		conf_target_init(conf, &conf->targets[i]);
		conf->ntargets++;
		if (!config_setting_is_group(e)) {
			conf_error(ctx, e, "target #%zu must be a group: "
			    "{ name = \"...\"; host = \"...\"; }", i + 1);
			continue;
		}
		conf_target(ctx, e, i, &conf->targets[i]);
		if (conf->targets[i].name != NULL &&
		    (name = config_setting_get_member(e, "name")) != NULL) {
			names[nnames].name = conf->targets[i].name;
			names[nnames].setting = name;
			names[nnames].index = i;
			nnames++;
		}
	}
	conf_check_names(ctx, names, nnames);
	free(names);
}

/* One target: its settings over the inherited globals, then its checks. */
static void
conf_target(struct conf_ctx *ctx, const config_setting_t *s, size_t index,
    struct conf_target *t)
{
	const config_setting_t	*seen[K_MAX], *name;
	const char		*v;
	char			*label, *where;
	int			 bad = 0;

	t->line = (int)config_setting_source_line(s);
	name = config_setting_get_member(s, "name");
	if (name != NULL && config_setting_type(name) == CONFIG_TYPE_STRING &&
	    *(v = config_setting_get_string(name)) != '\0')
		label = conf_quote(v);
	else
		xasprintf(&label, "#%zu", index + 1);
	xasprintf(&where, " in target %s", label);

	memset(seen, 0, sizeof(seen));
	ctx->where = where;
	ctx->scope = CONF_TARGET;
	conf_walk(ctx, s, t, seen, &bad);

	if (seen[K_NAME] == NULL && (bad & 1 << K_NAME) == 0)
		conf_error(ctx, s, "target %s has no \"name\"", label);
	if (seen[K_HOST] == NULL && (bad & 1 << K_HOST) == 0)
		conf_error(ctx, s, "target %s has no \"host\"", label);
	if (t->sni == NULL && t->host != NULL)
		t->sni = xstrdup(t->host);
	if ((seen[K_WARN_DAYS] != NULL || seen[K_CRIT_DAYS] != NULL) &&
	    (bad & (1 << K_WARN_DAYS | 1 << K_CRIT_DAYS)) == 0)
		conf_check_days(ctx, t->warn_days, t->crit_days, seen);

	ctx->where = "";
	ctx->scope = CONF_GLOBAL;
	free(where);
	free(label);
}

/* A target with the global defaults applied and nothing of its own. */
static void
conf_target_init(const struct conf *conf, struct conf_target *t)
{
	const struct conf_key	*k;
	size_t			 i;

	memset(t, 0, sizeof(*t));
	for (i = 0; i < K_MAX; i++) {
		k = &conf_keys[i];
		if (k->type == CONF_INT && k->goff != NOFF &&
		    k->toff != NOFF)
			*(int *)(void *)((char *)t + k->toff) =
			    *(const int *)(const void *)
			    ((const char *)conf + k->goff);
		else if (k->type == CONF_BOOL && k->toff != NOFF)
			*(int *)(void *)((char *)t + k->toff) = (int)k->def;
	}
	memcpy(t->ports, conf_default_ports, sizeof(conf_default_ports));
	t->nports = sizeof(conf_default_ports) / sizeof(*conf_default_ports);
}

/* Free what a target owns. */
static void
conf_target_clear(struct conf_target *t)
{
	size_t	 i;

	free(t->name);
	free(t->host);
	free(t->sni);
	free(t->subject);
	for (i = 0; i < t->nsan; i++)
		free(t->san[i]);
	free(t->san);
	for (i = 0; i < t->npool; i++)
		free(t->pool[i]);
	free(t->pool);
}

/* warn_days must not be below crit_days: flag the setting that breaks it. */
static void
conf_check_days(struct conf_ctx *ctx, int warn, int crit,
    const config_setting_t **seen)
{
	const config_setting_t	*s;

	if (warn >= crit)
		return;
	s = seen[K_WARN_DAYS] != NULL ? seen[K_WARN_DAYS] : seen[K_CRIT_DAYS];
	conf_error(ctx, s, "warn_days (%d) is less than crit_days (%d)%s",
	    warn, crit, ctx->where);
}

/*
 * The trust store is read before the loop starts and the daemon may run in
 * a sandbox that cannot see the file system later: check now that ca_file
 * is a regular file we can open, so a typo fails --check-config and start-up
 * rather than every probe. stat() first so that a device or FIFO is never
 * opened.
 */
static void
conf_check_ca_file(struct conf_ctx *ctx, const config_setting_t *s)
{
	const char	*path = ctx->conf->ca_file;
	struct stat	 st;
	char		*q;
	int		 fd, error = 0;

	if (path == NULL)
		return;
	if (stat(path, &st) == 0) {
		if (!S_ISREG(st.st_mode))
			error = S_ISDIR(st.st_mode) ? EISDIR : EINVAL;
		else if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) == -1)
			error = errno;
		else
			close(fd);
	} else
		error = errno;
	if (error == 0)
		return;
	q = conf_quote(path);
	if (error == EINVAL)
		conf_error(ctx, s, "cannot read ca_file %s: not a regular file",
		    q);
	else
		conf_error(ctx, s, "cannot read ca_file %s: %s", q,
		    strerror(error));
	free(q);
}

/* Order target names, then by position, so duplicates are adjacent. */
static int
conf_name_cmp(const void *a, const void *b)
{
	const struct conf_name	*na = a, *nb = b;
	int			 rc;

	if ((rc = strcmp(na->name, nb->name)) != 0)
		return rc;
	if (na->index != nb->index)
		return na->index < nb->index ? -1 : 1;
	return 0;
}

/*
 * Report every target whose name was used before, at its own name setting.
 * Sorting keeps this O(n log n): configurations have 100,000 targets.
 */
static void
conf_check_names(struct conf_ctx *ctx, struct conf_name *names, size_t n)
{
	const config_setting_t	*first;
	const char		*ffile, *file;
	size_t			 i, f;
	char			*q;

	if (n > 1)
		qsort(names, n, sizeof(*names), conf_name_cmp);
	for (i = 1, f = 0; i < n; i++) {
		if (strcmp(names[i].name, names[f].name) != 0) {
			f = i;
			continue;
		}
		first = names[f].setting;
		ffile = config_setting_source_file(first) != NULL ?
		    config_setting_source_file(first) : ctx->name;
		file = config_setting_source_file(names[i].setting) != NULL ?
		    config_setting_source_file(names[i].setting) : ctx->name;
		q = conf_quote(names[i].name);
		if (strcmp(ffile, file) == 0)
			conf_error(ctx, names[i].setting, "duplicate target "
			    "name %s (first at line %u)", q,
			    config_setting_source_line(first));
		else
			conf_error(ctx, names[i].setting, "duplicate target "
			    "name %s (first at %s:%u)", q, ffile,
			    config_setting_source_line(first));
		free(q);
	}
}

/* A configuration with every default and no target. */
struct conf *
conf_new(void)
{
	struct conf		*conf;
	const struct conf_key	*k;
	size_t			 i;

	conf = xcalloc(1, sizeof(*conf));
	for (i = 0; i < K_MAX; i++) {
		k = &conf_keys[i];
		if ((k->type == CONF_INT || k->type == CONF_BOOL ||
		    k->type == CONF_FACILITY) && k->goff != NOFF)
			*(int *)(void *)((char *)conf + k->goff) = (int)k->def;
	}
	conf->ca_file = NULL;
	conf->syslog_ident = xstrdup(CONF_DEFAULT_IDENT);
	return conf;
}

/* Append a target with the global defaults applied. */
struct conf_target *
conf_add_target(struct conf *conf, const char *name, const char *host)
{
	struct conf_target	*t;

	conf->targets = xreallocarray(conf->targets, conf->ntargets + 1,
	    sizeof(*conf->targets));
	t = &conf->targets[conf->ntargets++];
	conf_target_init(conf, t);
	t->name = xstrdup(name);
	t->host = xstrdup(host);
	t->sni = xstrdup(host);
	return t;
}

/* Free a configuration and everything it owns. */
void
conf_free(struct conf *conf)
{
	size_t	 i;

	if (conf == NULL)
		return;
	for (i = 0; i < conf->ntargets; i++)
		conf_target_clear(&conf->targets[i]);
	free(conf->targets);
	free(conf->path);
	free(conf->ca_file);
	free(conf->syslog_ident);
	free(conf->metrics_listen);
	free(conf);
}

/* Free the messages of a failed load. */
void
conf_errors_free(struct conf_errors *errs)
{
	size_t	 i;

	if (errs == NULL)
		return;
	for (i = 0; i < errs->n; i++)
		free(errs->v[i]);
	free(errs->v);
	errs->v = NULL;
	errs->n = 0;
}

/* The syslog facility called name, or -1. */
int
conf_facility(const char *name)
{
	size_t	 i;

	for (i = 0; i < sizeof(conf_facilities) / sizeof(*conf_facilities);
	    i++)
		if (strcmp(conf_facilities[i].name, name) == 0)
			return conf_facilities[i].facility;
	return -1;
}
