/*
 * conf_keys.c: the table of known configuration keys and the checks of
 * their values.
 *
 * The walkers only interpret conf_keys[]: a key's type says how its value
 * is checked, its offsets where it is stored, its scope where it may be
 * written. Every problem is reported through conf_err with the setting's
 * position; a bad value leaves the default in place and the walk goes on.
 */
#include <limits.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include <libconfig.h>

#include "conf.h"
#include "conf_err.h"
#include "conf_keys.h"
#include "conf_syntax.h"
#include "xmalloc.h"

#define G(f)	offsetof(struct conf, f)
#define T(f)	offsetof(struct conf_target, f)

const struct conf_key conf_keys[K_MAX] = {
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
	[K_SIP_OPTIONS] = { "sip_options", CONF_BOOL, CONF_GLOBAL | CONF_TARGET,
			    0, 1, 0, G(sip_options), T(sip_options), NOFF },
	[K_DOMAIN] =	  { "domain", CONF_DNSNAME, CONF_TARGET,
			    0, 0, 0, NOFF, T(domain), NOFF },
	[K_CLIENT_CERT] = { "client_cert", CONF_STRING, CONF_TARGET,
			    0, 0, 0, NOFF, T(client_cert), NOFF },
	[K_CLIENT_KEY] =  { "client_key", CONF_STRING, CONF_TARGET,
			    0, 0, 0, NOFF, T(client_key), NOFF },
	[K_RESOLVER] =	  { "resolver", CONF_ADDRPORT, CONF_GLOBAL,
			    0, 0, CONF_RESOLVER_PORT, G(resolver), NOFF,
			    G(resolver_port) },
	[K_METRICS_LISTEN] = { "metrics_listen", CONF_ADDRPORT, CONF_GLOBAL,
			    0, 0, 0, G(metrics_listen), NOFF, G(metrics_port) },
	[K_SHARD] =	  { "shard", CONF_SHARD, CONF_GLOBAL,
			    1, CONF_MAX_SHARDS, 0, G(shard_index), NOFF,
			    G(shard_count) },
};

#undef G
#undef T

static const char *conf_place(int);
static int	 conf_key_find(const char *, int, int *);
static int	 conf_set(struct conf_ctx *, int, const config_setting_t *,
		    void *);
static int	 conf_set_int(struct conf_ctx *, const struct conf_key *,
		    const config_setting_t *, int *);
static int	 conf_set_bool(struct conf_ctx *, const struct conf_key *,
		    const config_setting_t *, int *);
static int	 conf_set_facility(struct conf_ctx *, const struct conf_key *,
		    const config_setting_t *, int *);
static int	 conf_set_dnsname(struct conf_ctx *, const struct conf_key *,
		    const config_setting_t *, char **);
static int	 conf_set_addrport(struct conf_ctx *, const struct conf_key *,
		    const config_setting_t *, char **, int *);
static int	 conf_set_shard(struct conf_ctx *, const struct conf_key *,
		    const config_setting_t *, int *, int *);
static int	 conf_set_string(struct conf_ctx *, const struct conf_key *,
		    const config_setting_t *, char **);
static int	 conf_set_strings(struct conf_ctx *, const struct conf_key *,
		    const config_setting_t *, char ***, size_t *);
static int	 conf_set_ports(struct conf_ctx *, const struct conf_key *,
		    const config_setting_t *, int *, size_t *);
static int	 conf_list_length(struct conf_ctx *, const struct conf_key *,
		    const config_setting_t *, const char *);
static void	 conf_syslog(struct conf_ctx *, const config_setting_t *);

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
void
conf_keys_walk(struct conf_ctx *ctx, const config_setting_t *group, void *base,
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
				conf_err(&ctx->err, m,
				    "unknown setting \"%s\"%s",
				    name, ctx->where);
			else if (ctx->scope == CONF_GLOBAL)
				conf_err(&ctx->err, m,
				    "\"%s\" is not allowed %s "
				    "(only %s)", name, conf_place(ctx->scope),
				    conf_place(other));
			else
				conf_err(&ctx->err, m,
				    "\"%s\" is not allowed%s "
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

	off = ctx->scope == CONF_TARGET ? key->toff : key->goff;
	switch (key->type) {
	case CONF_INT:
		return conf_set_int(ctx, key, s, (int *)(void *)(p + off));
	case CONF_BOOL:
		return conf_set_bool(ctx, key, s, (int *)(void *)(p + off));
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
		return conf_set_facility(ctx, key, s,
		    (int *)(void *)(p + off));
	case CONF_DNSNAME:
		return conf_set_dnsname(ctx, key, s,
		    (char **)(void *)(p + off));
	case CONF_ADDRPORT:
		return conf_set_addrport(ctx, key, s,
		    (char **)(void *)(p + off),
		    (int *)(void *)(p + key->noff));
	case CONF_SHARD:
		return conf_set_shard(ctx, key, s, (int *)(void *)(p + off),
		    (int *)(void *)(p + key->noff));
	case CONF_GROUP:
		if (!config_setting_is_group(s)) {
			conf_err(&ctx->err, s, "\"%s\" must be a group: "
			    "%s = { ident = \"...\"; facility = \"...\"; };",
			    key->name, key->name);
			return -1;
		}
		conf_syslog(ctx, s);
		return 0;
	case CONF_TARGETS:
		/* Checked after the globals, which the targets inherit. */
		if (!config_setting_is_list(s)) {
			conf_err(&ctx->err, s,
			    "\"%s\" must be a list of groups: "
			    "%s = ( { name = \"...\"; host = \"...\"; } );",
			    key->name, key->name);
			return -1;
		}
		return 0;
	}
	return -1;
}

/* true or false. */
static int
conf_set_bool(struct conf_ctx *ctx, const struct conf_key *key,
    const config_setting_t *s, int *dst)
{
	if (config_setting_type(s) != CONFIG_TYPE_BOOL) {
		conf_err(&ctx->err, s, "\"%s\"%s must be true or false",
		    key->name, ctx->where);
		return -1;
	}
	*dst = config_setting_get_bool(s);
	return 0;
}

/* A syslog(3) facility by name. */
static int
conf_set_facility(struct conf_ctx *ctx, const struct conf_key *key,
    const config_setting_t *s, int *dst)
{
	const char	*name;
	char		*q;
	int		 f;

	if (config_setting_type(s) != CONFIG_TYPE_STRING) {
		conf_err(&ctx->err, s, "\"%s\"%s must be a string",
		    key->name, ctx->where);
		return -1;
	}
	name = config_setting_get_string(s);
	if ((f = conf_facility(name)) == -1) {
		q = conf_err_quote(name);
		conf_err(&ctx->err, s, "unknown syslog facility %s", q);
		free(q);
		return -1;
	}
	*dst = f;
	return 0;
}

/* An integer within the key's bounds; int and int64 both accepted. */
static int
conf_set_int(struct conf_ctx *ctx, const struct conf_key *key,
    const config_setting_t *s, int *dst)
{
	long long	 v;

	if (config_setting_type(s) != CONFIG_TYPE_INT &&
	    config_setting_type(s) != CONFIG_TYPE_INT64) {
		conf_err(&ctx->err, s, "\"%s\"%s must be an integer", key->name,
		    ctx->where);
		return -1;
	}
	v = config_setting_get_int64(s);
	if (v < key->min || v > key->max) {
		if (key->max == INT_MAX)
			conf_err(&ctx->err, s,
			    "\"%s\"%s must be at least %lld, "
			    "not %lld", key->name, ctx->where, key->min, v);
		else
			conf_err(&ctx->err, s,
			    "\"%s\"%s must be between %lld and "
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
		conf_err(&ctx->err, s, "\"%s\"%s must be a string", key->name,
		    ctx->where);
		return -1;
	}
	v = config_setting_get_string(s);
	if (*v == '\0') {
		conf_err(&ctx->err, s, "\"%s\"%s must not be empty", key->name,
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
		conf_err(&ctx->err, s,
		    "\"%s\"%s must be a list of %s", key->name,
		    ctx->where, what);
		return -1;
	}
	n = config_setting_length(s);
	if (n < key->min) {
		conf_err(&ctx->err, s,
		    "\"%s\"%s is empty", key->name, ctx->where);
		return -1;
	}
	if (n > key->max) {
		conf_err(&ctx->err, s, "\"%s\"%s has %d entries; at most %lld "
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
			conf_err(&ctx->err, e,
			    "\"%s\"%s must be a list of strings",
			    key->name, ctx->where);
			rc = -1;
		} else if (*config_setting_get_string(e) == '\0') {
			conf_err(&ctx->err, e, "\"%s\"%s has an empty entry",
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
			conf_err(&ctx->err, e,
			    "\"%s\"%s must be a list of ports",
			    key->name, ctx->where);
			rc = -1;
			continue;
		}
		v = config_setting_get_int64(e);
		if (v < 1 || v > 65535) {
			conf_err(&ctx->err, e,
			    "port %lld%s is outside 1..65535",
			    v, ctx->where);
			rc = -1;
			continue;
		}
		ports[i] = (int)v;
		for (j = 0; j < i; j++) {
			if (ports[j] == ports[i]) {
				conf_err(&ctx->err, e,
				    "port %d is listed twice%s",
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

/* A DNS name: a non-empty string first, then its labels. */
static int
conf_set_dnsname(struct conf_ctx *ctx, const struct conf_key *key,
    const config_setting_t *s, char **dst)
{
	char	*q;

	if (conf_set_string(ctx, key, s, dst) == -1)
		return -1;
	if (conf_syntax_dnsname(*dst))
		return 0;
	q = conf_err_quote(*dst);
	conf_err(&ctx->err, s, "\"%s\"%s must be a DNS name, not %s",
	    key->name, ctx->where, q);
	free(q);
	free(*dst);
	*dst = NULL;
	return -1;
}

/* "ADDR:PORT" or "[IPv6]:PORT", numeric; the port optional with a default. */
static int
conf_set_addrport(struct conf_ctx *ctx, const struct conf_key *key,
    const config_setting_t *s, char **dst, int *port)
{
	const char	*v, *cause;
	char		*addr, *q;

	if (config_setting_type(s) != CONFIG_TYPE_STRING) {
		conf_err(&ctx->err, s, "\"%s\"%s must be a string",
		    key->name, ctx->where);
		return -1;
	}
	v = config_setting_get_string(s);
	if (conf_syntax_addrport(v, (int)key->def, &addr, port,
	    &cause) == -1) {
		q = conf_err_quote(v);
		conf_err(&ctx->err, s, "\"%s\" must be %s, not %s: %s",
		    key->name, key->def != 0 ? "ADDR[:PORT] or [IPv6][:PORT]" :
		    "ADDR:PORT or [IPv6]:PORT", q, cause);
		free(q);
		return -1;
	}
	free(*dst);
	*dst = addr;
	return 0;
}

/* "K/N": this process probes the K-th of N shares of the endpoints. */
static int
conf_set_shard(struct conf_ctx *ctx, const struct conf_key *key,
    const config_setting_t *s, int *k, int *n)
{
	const char	*v;
	char		*q;

	if (config_setting_type(s) != CONFIG_TYPE_STRING) {
		conf_err(&ctx->err, s, "\"%s\"%s must be a string \"K/N\"",
		    key->name, ctx->where);
		return -1;
	}
	v = config_setting_get_string(s);
	if (conf_syntax_shard(v, (int)key->max, k, n) == 0)
		return 0;
	q = conf_err_quote(v);
	conf_err(&ctx->err, s, "\"%s\" must be \"K/N\" with "
	    "1 <= K <= N <= %lld, not %s", key->name, key->max, q);
	free(q);
	return -1;
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
	conf_keys_walk(ctx, s, ctx->conf, seen, &bad);
	ctx->where = where;
	ctx->scope = CONF_GLOBAL;
}

/* warn_days must not be below crit_days: flag the setting that breaks it. */
void
conf_keys_check_days(struct conf_ctx *ctx, int warn, int crit,
    const config_setting_t **seen)
{
	const config_setting_t	*s;

	if (warn >= crit)
		return;
	s = seen[K_WARN_DAYS] != NULL ? seen[K_WARN_DAYS] : seen[K_CRIT_DAYS];
	conf_err(&ctx->err, s, "warn_days (%d) is less than crit_days (%d)%s",
	    warn, crit, ctx->where);
}

/* The global defaults of every key that has one. */
void
conf_keys_defaults(struct conf *conf)
{
	const struct conf_key	*k;
	size_t			 i;

	for (i = 0; i < K_MAX; i++) {
		k = &conf_keys[i];
		if ((k->type == CONF_INT || k->type == CONF_BOOL ||
		    k->type == CONF_FACILITY) && k->goff != NOFF)
			*(int *)(void *)((char *)conf + k->goff) = (int)k->def;
	}
}

/* The values a target inherits from the globals or the table's defaults. */
void
conf_keys_inherit(const struct conf *conf, struct conf_target *t)
{
	const struct conf_key	*k;
	size_t			 i;

	for (i = 0; i < K_MAX; i++) {
		k = &conf_keys[i];
		if ((k->type == CONF_INT || k->type == CONF_BOOL) &&
		    k->goff != NOFF && k->toff != NOFF)
			*(int *)(void *)((char *)t + k->toff) =
			    *(const int *)(const void *)
			    ((const char *)conf + k->goff);
		else if (k->type == CONF_BOOL && k->toff != NOFF)
			*(int *)(void *)((char *)t + k->toff) = (int)k->def;
	}
}
