/*
 * conf_target.c: the "targets" list of a configuration.
 *
 * Each target starts from the global values it may override, is walked
 * against the target keys of conf_keys[], then checked as a whole (a name
 * and a host, days in order). Names are unique across the list: a
 * duplicate is reported at the second name, with the line of the first.
 *
 * Memory (issue 12): libconfig's tree of a 100,000-target file is about
 * 2 KB a target, several times what the loaded targets need. The list is
 * converted from its last target to its first and each target's setting
 * is removed from the tree as soon as it is converted: the tree was built
 * front to back, so what is freed is the top of the heap and glibc gives
 * it back as the load goes. The loaded targets and their strings go to
 * the configuration's arena (conf_arena.c), interned.
 */
#include <stdlib.h>
#include <string.h>
#ifdef __GLIBC__	/* defined by the headers above */
#include <malloc.h>
#endif

#include <libconfig.h>

#include "conf.h"
#include "conf_arena.h"
#include "conf_err.h"
#include "conf_file.h"
#include "conf_keys.h"
#include "conf_target.h"
#include "tlsctx.h"
#include "xmalloc.h"

/*
 * A target name and where it was set, for the duplicate check (the
 * setting itself is gone by then; file belongs to the config_t).
 */
struct conf_name {
	const char		*name;
	const char		*file;
	unsigned int		 line;
	size_t			 index;
};

#define CONF_TRIM_EVERY		2048		/* targets between heap trims */

static const int conf_default_ports[] = { 443, 5061 };

static void	 conf_target(struct conf_ctx *, const config_setting_t *,
		    size_t, struct conf_target *);
static void	 conf_target_identity(struct conf_ctx *, struct conf_target *,
		    const config_setting_t **);
static void	 conf_target_check(struct conf_ctx *, const config_setting_t *,
		    struct conf_target *, const config_setting_t **, int,
		    const char *);
static void	 conf_target_where(struct conf_ctx *, const config_setting_t *,
		    const config_setting_t **, int, const char *);
static int	 conf_name_cmp(const void *, const void *);
static void	 conf_check_names(struct conf_ctx *, struct conf_name *,
		    size_t);
static void	 conf_target_pack(struct conf *, struct conf_target *);

/*
 * The list of targets, last to first, each removed from the tree once
 * converted; then the duplicate names across them. Errors are grouped by
 * target so that they come out as if the list were walked front to back.
 */
void
conf_target_list(struct conf_ctx *ctx, config_setting_t *s)
{
	struct conf		*conf = ctx->conf;
	struct conf_name	*names;
	struct conf_target	*t;
	const config_setting_t	*e, *name;
	size_t			 i, n, nnames = 0;

	n = (size_t)config_setting_length(s);
	if (n == 0) {
		conf_err(&ctx->err, s, "\"targets\" is empty: at least one "
		    "target is required");
		return;
	}
	if (conf->arena == NULL)
		conf->arena = conf_arena_new();
	/* Zeroed pages, touched one target at a time (zero: nothing owned). */
	conf->targets = conf_arena_alloc(conf->arena,
	    n * sizeof(*conf->targets));
	conf->ntargets = n;
	names = xcalloc(n, sizeof(*names));
	for (i = n; i-- > 0;) {
		e = config_setting_get_elem(s, (unsigned int)i);
		t = &conf->targets[i];
		conf_target_init(conf, t);
		ctx->err.group = i + 1;
		if (!config_setting_is_group(e))
			conf_err(&ctx->err, e, "target #%zu must be a group: "
			    "{ name = \"...\"; host = \"...\"; }", i + 1);
		else {
			conf_target(ctx, e, i, t);
			conf_target_pack(conf, t);
			if (t->name != NULL &&
			    (name = config_setting_get_member(e, "name")) !=
			    NULL) {
				names[nnames].name = t->name;
				names[nnames].file = conf_err_file(&ctx->err,
				    name);
				names[nnames].line =
				    config_setting_source_line(name);
				names[nnames].index = i;
				nnames++;
			}
		}
		config_setting_remove_elem(s, (unsigned int)i);
#ifdef __GLIBC__
		/*
		 * The tree's blocks are small: free() keeps them in its fast
		 * bins, where they neither merge nor shrink the heap. Let
		 * glibc merge them and give the pages back now and then.
		 */
		if (i % CONF_TRIM_EVERY == 0)
			malloc_trim(0);
#endif
	}
	ctx->err.group = n + 1;
	conf_check_names(ctx, names, nnames);
	ctx->err.group = 0;
	free(names);
	conf_arena_seal(conf->arena);
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
		label = conf_err_quote(v);
	else
		xasprintf(&label, "#%zu", index + 1);
	xasprintf(&where, " in target %s", label);

	memset(seen, 0, sizeof(seen));
	ctx->where = where;
	ctx->scope = CONF_TARGET;
	conf_keys_walk(ctx, s, t, seen, &bad);

	conf_target_check(ctx, s, t, seen, bad, label);

	ctx->where = "";
	ctx->scope = CONF_GLOBAL;
	free(where);
	free(label);
}

/* What one target needs as a whole, once its settings are read. */
static void
conf_target_check(struct conf_ctx *ctx, const config_setting_t *s,
    struct conf_target *t, const config_setting_t **seen, int bad,
    const char *label)
{
	if (seen[K_NAME] == NULL && (bad & 1 << K_NAME) == 0)
		conf_err(&ctx->err, s, "target %s has no \"name\"", label);
	conf_target_where(ctx, s, seen, bad, label);
	if (seen[K_POOL] != NULL && seen[K_DOMAIN] != NULL)
		conf_err(&ctx->err, seen[K_POOL], "\"pool\"%s is not allowed "
		    "with \"domain\" (the members come from DNS SRV)",
		    ctx->where);
	if (t->sni == NULL && t->host != NULL)
		t->sni = xstrdup(t->host);
	if ((seen[K_WARN_DAYS] != NULL || seen[K_CRIT_DAYS] != NULL) &&
	    (bad & (1 << K_WARN_DAYS | 1 << K_CRIT_DAYS)) == 0)
		conf_keys_check_days(ctx, t->warn_days, t->crit_days, seen);
	if ((bad & (1 << K_CLIENT_CERT | 1 << K_CLIENT_KEY)) == 0)
		conf_target_identity(ctx, t, seen);
}

/*
 * Check the client identity and, when it is good, keep it loaded: the
 * engine presents it, and everything read from disk is read now.
 */
static void
conf_target_identity(struct conf_ctx *ctx, struct conf_target *t,
    const config_setting_t **seen)
{
	size_t	 n = ctx->err.n;
	char	*cause = NULL;

	conf_file_client(ctx, t, seen[K_CLIENT_CERT], seen[K_CLIENT_KEY]);
	if (ctx->err.n != n || t->client_cert == NULL || t->client_key == NULL)
		return;
	if ((t->identity = tlsctx_identity_load(t->client_cert,
	    t->client_key, &cause)) == NULL) {
		conf_err(&ctx->err, seen[K_CLIENT_KEY], "%s", cause);
		free(cause);
	}
}

/*
 * Exactly one of host and domain: none is reported at the target, both at
 * the one written second.
 */
static void
conf_target_where(struct conf_ctx *ctx, const config_setting_t *s,
    const config_setting_t **seen, int bad, const char *label)
{
	const config_setting_t	*h = seen[K_HOST], *d = seen[K_DOMAIN];
	const config_setting_t	*first, *second;

	if (h == NULL && d == NULL) {
		if ((bad & (1 << K_HOST | 1 << K_DOMAIN)) == 0)
			conf_err(&ctx->err, s, "target %s has no \"host\"",
			    label);
		return;
	}
	if (h == NULL || d == NULL)
		return;
	if (config_setting_index(h) < config_setting_index(d)) {
		first = h;
		second = d;
	} else {
		first = d;
		second = h;
	}
	conf_err(&ctx->err, second, "\"%s\"%s conflicts with \"%s\" at line "
	    "%u: a target has either \"host\" or \"domain\"",
	    config_setting_name(second), ctx->where,
	    config_setting_name(first), config_setting_source_line(first));
}

/* A target with the global defaults applied and nothing of its own. */
void
conf_target_init(const struct conf *conf, struct conf_target *t)
{
	memset(t, 0, sizeof(*t));
	conf_keys_inherit(conf, t);
	memcpy(t->ports, conf_default_ports, sizeof(conf_default_ports));
	t->nports = sizeof(conf_default_ports) / sizeof(*conf_default_ports);
}

/* Free what a target owns (its arena's strings go with the arena). */
void
conf_target_clear(struct conf_target *t)
{
	size_t	 i;

	tlsctx_identity_free(t->identity);
	t->identity = NULL;
	if (t->in_arena)
		return;
	free(t->name);
	free(t->host);
	free(t->sni);
	free(t->subject);
	free(t->domain);
	free(t->client_cert);
	free(t->client_key);
	for (i = 0; i < t->nsan; i++)
		free(t->san[i]);
	free(t->san);
	for (i = 0; i < t->npool; i++)
		free(t->pool[i]);
	free(t->pool);
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
	const struct conf_name	*first;
	size_t			 i, f;
	char			*q;

	if (n > 1)
		qsort(names, n, sizeof(*names), conf_name_cmp);
	for (i = 1, f = 0; i < n; i++) {
		if (strcmp(names[i].name, names[f].name) != 0) {
			f = i;
			continue;
		}
		first = &names[f];
		q = conf_err_quote(names[i].name);
		if (strcmp(first->file, names[i].file) == 0)
			conf_err_at(&ctx->err, names[i].file, names[i].line,
			    "duplicate target "
			    "name %s (first at line %u)", q, first->line);
		else
			conf_err_at(&ctx->err, names[i].file, names[i].line,
			    "duplicate target "
			    "name %s (first at %s:%u)", q, first->file,
			    first->line);
		free(q);
	}
}

/*
 * Move a converted target into the arena: every string and list interned,
 * the malloc'ed copies freed. A target of another shard keeps only its
 * name (for the duplicate check); conf_shard() drops it.
 */
static void
conf_target_pack(struct conf *conf, struct conf_target *t)
{
	struct conf_arena	*a = conf->arena;
	char			*name;

	if (conf->shard_count > 1 && t->name != NULL &&
	    conf_shard_of(t->name, conf->shard_count) != conf->shard_index) {
		name = t->name;
		t->name = NULL;
		conf_target_clear(t);
		memset(t, 0, sizeof(*t));
		t->name = conf_arena_copy(a, name);
		t->in_arena = 1;
		return;
	}
	/* Names are unique: interning them would only fill the table. */
	t->name = conf_arena_copy(a, t->name);
	t->host = conf_arena_str(a, t->host);
	t->domain = conf_arena_str(a, t->domain);
	t->sni = conf_arena_str(a, t->sni);
	t->subject = conf_arena_str(a, t->subject);
	t->client_cert = conf_arena_str(a, t->client_cert);
	t->client_key = conf_arena_str(a, t->client_key);
	t->san = conf_arena_strv(a, t->san, t->nsan);
	t->pool = conf_arena_strv(a, t->pool, t->npool);
	t->in_arena = 1;
}
