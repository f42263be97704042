/*
 * conf_keys.h: the table of known configuration keys and the walker that
 * checks a libconfig group against it.
 *
 * Every setting is described once, in conf_keys[]: its type, its bounds, its
 * default, the struct field it fills and where it may appear (top level, a
 * target, the syslog group; a key allowed both at the top level and in a
 * target is a per-target override of the global value).
 */
#ifndef EDGEPROBE_CONF_KEYS_H
#define EDGEPROBE_CONF_KEYS_H

#include <stddef.h>

#include <libconfig.h>

#include "conf_err.h"

struct conf;
struct conf_target;

/* What a setting holds. */
enum conf_type {
	CONF_INT,		/* int or int64 within [min, max] */
	CONF_BOOL,		/* true or false */
	CONF_STRING,		/* a non-empty string */
	CONF_STRINGS,		/* array or list of non-empty strings */
	CONF_PORTS,		/* array or list of ports 1..65535 */
	CONF_FACILITY,		/* a syslog(3) facility name */
	CONF_DNSNAME,		/* a DNS name */
	CONF_ADDRPORT,		/* "ADDR:PORT", "[ADDR6]:PORT"; def: port if
				   omitted, 0: required; noff: the port */
	CONF_SHARD,		/* "K/N", 1 <= K <= N <= max; noff: N */
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
	size_t		 noff;	/* CONF_STRINGS, _PORTS: count in struct
				   conf_target; CONF_ADDRPORT, _SHARD: second
				   field in struct conf */
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
	K_SIP_OPTIONS,
	K_DOMAIN,
	K_CLIENT_CERT,
	K_CLIENT_KEY,
	K_RESOLVER,
	K_METRICS_LISTEN,
	K_SHARD,
	K_MAX
};

extern const struct conf_key conf_keys[K_MAX];

/* The state of one load, shared by the walkers. */
struct conf_ctx {
	struct conf_errlog	 err;
	struct conf		*conf;
	const char		*where;	/* "", " in syslog", " in target X" */
	int			 scope;	/* CONF_GLOBAL, _TARGET, _SYSLOG */
};

/*
 * Check every member of group against the keys of ctx->scope and store it
 * in base (struct conf or struct conf_target): seen[k] is the setting of
 * each valid key, bit k of *bad is set for each invalid one.
 */
void	 conf_keys_walk(struct conf_ctx *, const config_setting_t *group,
	    void *base, const config_setting_t **seen, int *bad);
/* Fill the global defaults of the table into conf. */
void	 conf_keys_defaults(struct conf *);
/* Give t the global values it may override and the per-target defaults. */
void	 conf_keys_inherit(const struct conf *, struct conf_target *);
/* warn_days must not be below crit_days: report the setting that breaks it. */
void	 conf_keys_check_days(struct conf_ctx *, int warn, int crit,
	    const config_setting_t **seen);

#endif
