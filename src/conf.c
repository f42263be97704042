/*
 * conf.c: libconfig -> validated, immutable struct conf; all errors as
 * FILE:LINE.
 *
 * The load and the public API: read the file, walk the top level against
 * the key table (conf_keys.c), check what spans settings (days, ca_file),
 * hand the targets to conf_target.c, and return either a configuration or
 * every error sorted by position (conf_err.c), never both.
 */
#include <sys/stat.h>

#include <errno.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include <libconfig.h>

#include "conf.h"
#include "conf_arena.h"
#include "conf_err.h"
#include "conf_file.h"
#include "conf_keys.h"
#include "conf_target.h"
#include "log.h"
#include "xmalloc.h"

#define CONF_DEFAULT_IDENT	"edgeprobe"

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

static void	 conf_shard(struct conf *);
static struct conf *conf_read(struct conf_ctx *, config_t *, int);

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
	ctx.err.name = path;
	if ((fp = fopen(path, "r")) == NULL) {
		conf_err_at(&ctx.err, path, 0, "cannot open: %s",
		    strerror(errno));
		conf_err_finish(&ctx.err, errs);
		return NULL;
	}
	if (fstat(fileno(fp), &st) == 0 && S_ISDIR(st.st_mode)) {
		conf_err_at(&ctx.err, path, 0, "cannot open: %s",
		    strerror(EISDIR));
		fclose(fp);
		conf_err_finish(&ctx.err, errs);
		return NULL;
	}
	config_init(&cfg);
	ok = config_read(&cfg, fp);
	fclose(fp);
	conf = conf_read(&ctx, &cfg, ok);
	config_destroy(&cfg);
#ifdef __GLIBC__
	/*
	 * conf_target.c freed the targets' part of libconfig's tree (about
	 * 2 KB a target) as it went and trimmed the heap every few thousand;
	 * hand back what the rest of the tree and the last stretch left.
	 */
	malloc_trim(0);
#endif
	conf_err_finish(&ctx.err, errs);
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
	ctx.err.name = name;
	config_init(&cfg);
	ok = config_read_string(&cfg, text);
	conf = conf_read(&ctx, &cfg, ok);
	config_destroy(&cfg);
	conf_err_finish(&ctx.err, errs);
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
		    config_error_file(cfg) : ctx->err.name;
		if (config_error_type(cfg) == CONFIG_ERR_PARSE)
			conf_err_at(&ctx->err, file, config_error_line(cfg),
			    "%s", config_error_text(cfg));
		else
			conf_err_at(&ctx->err, file, 0, "%s",
			    config_error_text(cfg));
		return NULL;
	}

	conf = ctx->conf = conf_new();
	conf->path = xstrdup(ctx->err.name);
	root = config_root_setting(cfg);
	memset(seen, 0, sizeof(seen));
	ctx->where = "";
	ctx->scope = CONF_GLOBAL;
	conf_keys_walk(ctx, root, conf, seen, &bad);

	if (seen[K_WARN_DAYS] != NULL || seen[K_CRIT_DAYS] != NULL) {
		if ((bad & (1 << K_WARN_DAYS | 1 << K_CRIT_DAYS)) == 0)
			conf_keys_check_days(ctx, conf->warn_days,
			    conf->crit_days, seen);
	}
	if (seen[K_CA_FILE] != NULL)
		conf_file_readable(ctx, seen[K_CA_FILE], "ca_file",
		    conf->ca_file);
	/* The same setting as seen[K_TARGETS], which the load may change. */
	if (seen[K_TARGETS] != NULL)
		conf_target_list(ctx, config_setting_get_member(
		    config_root_setting(cfg), "targets"));
	else if ((bad & 1 << K_TARGETS) == 0)
		conf_err_at(&ctx->err, ctx->err.name, 1,
		    "no \"targets\": at least one target is required");

	if (ctx->err.n != 0) {
		conf_free(conf);
		conf = NULL;
	} else
		conf_shard(conf);
	ctx->conf = NULL;
	return conf;
}

/*
 * Which shard a target belongs to: FNV-1a (64 bits) of its name, modulo
 * the shard count. Stable across machines, versions and the order of the
 * file, so N instances given one file split it with no coordination; a
 * target's members and ports go with it (POOL_MISMATCH sees them all).
 */
int
conf_shard_of(const char *name, int count)
{
	uint64_t		 h = 14695981039346656037ULL;
	const unsigned char	*p;

	for (p = (const unsigned char *)name; *p != '\0'; p++) {
		h ^= *p;
		h *= 1099511628211ULL;
	}
	return (int)(h % (uint64_t)(count > 0 ? count : 1)) + 1;
}

/* Keep only the targets of this instance's shard (all, without shard). */
static void
conf_shard(struct conf *conf)
{
	size_t	 i, n = 0;

	conf->ntargets_all = conf->ntargets;
	if (conf->shard_count <= 1)
		return;
	for (i = 0; i < conf->ntargets; i++) {
		if (conf_shard_of(conf->targets[i].name, conf->shard_count) !=
		    conf->shard_index) {
			conf_target_clear(&conf->targets[i]);
			continue;
		}
		if (n != i)
			conf->targets[n] = conf->targets[i];
		n++;
	}
	conf->ntargets = n;
	if (conf->arena != NULL)
		conf_arena_shrink(conf->arena, conf->targets,
		    n * sizeof(*conf->targets));
}

/* A configuration with every default and no target. */
struct conf *
conf_new(void)
{
	struct conf		*conf;

	conf = xcalloc(1, sizeof(*conf));
	conf_keys_defaults(conf);
	conf->ca_file = NULL;
	conf->syslog_ident = xstrdup(CONF_DEFAULT_IDENT);
	conf->shard_index = 1;
	conf->shard_count = 1;
	return conf;
}

/* Append a target with the global defaults applied (not to a loaded one). */
struct conf_target *
conf_add_target(struct conf *conf, const char *name, const char *host)
{
	struct conf_target	*t;

	if (conf->arena != NULL)
		fatalx("conf_add_target: a loaded configuration is immutable");
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
	if (conf->arena != NULL)
		conf_arena_free(conf->arena);	/* the targets with it */
	else
		free(conf->targets);
	free(conf->path);
	free(conf->ca_file);
	free(conf->syslog_ident);
	free(conf->resolver);
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
