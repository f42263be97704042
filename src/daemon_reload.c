/*
 * daemon_reload.c: a configuration file and its trust store, read in full
 * before the schedule sees them, so a file that is not valid never
 * replaces the running one.
 */
#include <stdio.h>
#include <stdlib.h>
#include <syslog.h>

#include "conf.h"
#include "daemon_reload.h"
#include "log.h"
#include "logfmt.h"
#include "daemon_sched.h"
#include "tlsctx.h"

/* Load the file and its store; errors logged. NULL when not valid. */
struct daemon_sched_gen *
daemon_reload_load(const char *path)
{
	struct conf_errors	 errs = { NULL, 0 };
	struct conf		*conf;
	X509_STORE		*store;
	char			*cause = NULL;
	size_t			 i;

	if ((conf = conf_load(path, &errs)) == NULL) {
		for (i = 0; i < errs.n; i++)
			log_emit(LOG_ERR, "%s", errs.v[i]);
		if (errs.n == 0)
			log_emit(LOG_ERR, "%s: cannot load", path);
		conf_errors_free(&errs);
		return NULL;
	}
	conf_errors_free(&errs);
	if ((store = tlsctx_store(conf->ca_file, &cause)) == NULL) {
		log_emit(LOG_ERR, "%s: trust store: %s", path,
		    cause != NULL ? cause : "cannot load");
		free(cause);
		conf_free(conf);
		return NULL;
	}
	return daemon_sched_gen_new(conf, store);
}

/* The line that says a configuration is running, and how many targets. */
void
daemon_reload_loaded(const char *event, int pri, const char *path,
    const struct daemon_sched_gen *g)
{
	char	*line, num[32];

	snprintf(num, sizeof(num), "%zu", g->conf->ntargets);
	line = logfmt_append(NULL, "event", event);
	line = logfmt_append(line, "file", path);
	line = logfmt_append(line, "targets", num);
	log_emit(pri, "%s", line);
	free(line);
}

/* The line that says a reload was refused. */
void
daemon_reload_failed(const char *path)
{
	char	*line;

	line = logfmt_append(NULL, "event", "reload_failed");
	line = logfmt_append(line, "file", path);
	line = logfmt_append(line, "msg",
	    "configuration not valid, the running one is kept");
	log_emit(LOG_ERR, "%s", line);
	free(line);
}
