/*
 * conf.h: the validated, immutable configuration.
 *
 * conf_load() reads a libconfig file, checks every setting against a table of
 * known keys, and collects every error as "FILE:LINE: message". A reload
 * builds a new struct conf and swaps it in; nobody modifies one in place.
 */
#ifndef EDGEPROBE_CONF_H
#define EDGEPROBE_CONF_H

#include <stddef.h>

#define CONF_DEFAULT_PATH	"/etc/edgeprobe/edgeprobe.conf"
#define CONF_MAX_PORTS		16
#define CONF_MAX_SHARDS		1024
#define CONF_RESOLVER_PORT	53	/* "resolver" without a port */

struct conf_arena;
struct tlsctx_identity;

/*
 * A target has exactly one of host and domain. A domain target (host NULL)
 * is found through DNS SRV: no pool, its ports are ignored, and sni is NULL
 * unless set (the SRV target name is the SNI then).
 */
struct conf_target {
	char		 *name;
	char		 *host;		/* NULL for a domain target */
	char		 *domain;	/* NULL for a host target */
	char		 *sni;		/* defaults to host; see above */
	char		 *subject;	/* NULL: not checked */
	char		**san;
	size_t		  nsan;
	int		  ports[CONF_MAX_PORTS];
	size_t		  nports;
	char		**pool;		/* NULL/0: resolve host */
	size_t		  npool;
	int		  public_im;
	int		  sip_options;	/* inherited unless overridden */
	/*
	 * Both or neither; checked by conf_load: readable regular files, the
	 * key not group- or world-readable, and matching the certificate
	 * (PEM; client_cert may hold the chain after the leaf).
	 */
	char		 *client_cert;
	char		 *client_key;
	int		  warn_days;	/* inherited unless overridden */
	int		  crit_days;
	int		  timeout;	/* seconds */
	int		  interval;	/* seconds */
	int		  line;		/* where the target starts */
	/*
	 * conf_load's targets keep their strings and lists in the arena of
	 * their struct conf (interned: equal strings are one copy) and must
	 * not be changed; conf_add_target's are malloc'ed one by one.
	 */
	int		  in_arena;
	struct tlsctx_identity *identity; /* client_cert/client_key, loaded */
};

struct conf {
	char			*path;
	int			 interval;
	int			 timeout;
	int			 concurrency;
	int			 warn_days;
	int			 crit_days;
	int			 log_ok;
	char			*ca_file;	/* NULL: system default store */
	char			*syslog_ident;
	int			 syslog_facility;	/* LOG_DAEMON ... */
	int			 sip_options;	/* default of the targets' */
	/*
	 * "resolver" and "metrics_listen": a numeric address as text, without
	 * the brackets of "[v6]:PORT" (NULL: not set), and its port.
	 */
	char			*resolver;	/* NULL: resolv.conf */
	int			 resolver_port;	/* CONF_RESOLVER_PORT if omitted */
	char			*metrics_listen; /* NULL: no metrics */
	int			 metrics_port;
	/* "shard = K/N": probe the K-th of N shares (1 <= K <= N). */
	int			 shard_index;	/* K, from 1; default 1 */
	int			 shard_count;	/* N; default 1 */
	struct conf_target	*targets;	/* in arena if set */
	size_t			 ntargets;	/* this shard's */
	size_t			 ntargets_all;	/* in the file, every shard */
	struct conf_arena	*arena;		/* conf_load's: see above */
};

struct conf_errors {
	char			**v;	/* "FILE:LINE: message" */
	size_t			  n;
};

/*
 * Load and validate; NULL with errs filled when the file is not valid.
 * errs (may be NULL) is reset first; free it with conf_errors_free().
 */
struct conf	*conf_load(const char *path, struct conf_errors *errs);
/* The same from text in memory; name stands for FILE in the messages. */
struct conf	*conf_load_string(const char *name, const char *text,
		    struct conf_errors *errs);
/* A configuration with every default and no target (for `probe`). */
struct conf	*conf_new(void);
/*
 * Append a target with the global defaults applied; fields are strdup'ed.
 * Only to conf_new()'s configuration: a loaded one is immutable.
 */
struct conf_target *conf_add_target(struct conf *, const char *name,
		    const char *host);
void		 conf_free(struct conf *);
void		 conf_errors_free(struct conf_errors *);
/* syslog facility by name ("daemon", "local0" ...); -1 if unknown. */
int		 conf_facility(const char *);

/* The shard, 1..count, that the target called name belongs to. */
int		 conf_shard_of(const char *name, int count);

#endif
