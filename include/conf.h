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

struct conf_target {
	char		 *name;
	char		 *host;
	char		 *sni;		/* never NULL: defaults to host */
	char		 *subject;	/* NULL: not checked */
	char		**san;
	size_t		  nsan;
	int		  ports[CONF_MAX_PORTS];
	size_t		  nports;
	char		**pool;		/* NULL/0: resolve host */
	size_t		  npool;
	int		  public_im;
	int		  warn_days;	/* inherited unless overridden */
	int		  crit_days;
	int		  timeout;	/* seconds */
	int		  interval;	/* seconds */
	int		  line;		/* where the target starts */
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
	char			*metrics_listen;	/* "ADDR:PORT"; NULL: off */
	struct conf_target	*targets;
	size_t			 ntargets;
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
/* Append a target with the global defaults applied; fields are strdup'ed. */
struct conf_target *conf_add_target(struct conf *, const char *name,
		    const char *host);
void		 conf_free(struct conf *);
void		 conf_errors_free(struct conf_errors *);
/* syslog facility by name ("daemon", "local0" ...); -1 if unknown. */
int		 conf_facility(const char *);

#endif
