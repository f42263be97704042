/*
 * daemon.c: daemon mode: start-up, the signals and the main loop. The
 * schedule and its rounds are daemon_sched.c, what is remembered of the
 * endpoints and the change lines daemon_state.c, loading a configuration
 * daemon_reload.c, the messages to systemd sdnotify.c, the metrics text
 * metrics.c and their listener probe_http.c.
 *
 * SIGHUP swaps in a valid configuration (an invalid one is logged and the
 * running one stays); SIGTERM/SIGINT start nothing new and leave the loop
 * once the checks in flight are back, each bounded by its timeout.
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include <openssl/crypto.h>

#include "conf.h"
#include "daemon.h"
#include "daemon_reload.h"
#include "log.h"
#include "logfmt.h"
#include "metrics.h"
#include "probe.h"
#include "probe_http.h"
#include "daemon_sched.h"
#include "sdnotify.h"
#include "tlsctx.h"
#include "version.h"
#include "xmalloc.h"

#define DAEMON_EXIT_OK		0
#define DAEMON_EXIT_FAILURE	1
#define DAEMON_EXIT_CONFIG	3

struct daemon {
	char			*path;
	int			 mirror;
	char			*ident;		/* openlog() keeps the pointer */
	int			 facility;
	SSL_CTX			*ctx;
	struct probe_engine	*engine;
	struct daemon_sched_gen	*gen;		/* the running configuration */
	struct daemon_sched	*sched;
	struct sdnotify		*notify;
	struct probe_http	*http;		/* metrics; NULL when off */
	char			*metrics_listen;	/* as bound at start-up */
	struct probe_timer	*deadline;	/* the stop's safety net */
	int			 stopping;
};

static void	 daemon_openlog(struct daemon *, const struct conf *);
static int	 daemon_start(struct daemon *);
static int	 daemon_metrics_start(struct daemon *);
static char	*daemon_metrics_addr(const struct conf *);
static char	*daemon_metrics(size_t *, void *);
static void	 daemon_metrics_reload(struct daemon *, const struct conf *);
static void	 daemon_status(struct daemon *);
static void	 daemon_round_done(void *);
static void	 daemon_reload(void *);
static void	 daemon_stop(void *);
static void	 daemon_deadline(void *);
static int	 daemon_max_timeout(const struct conf *);

/* (Re)open syslog with the configuration's ident and facility. */
static void
daemon_openlog(struct daemon *d, const struct conf *conf)
{
	char	*old = d->ident;

	if (old != NULL && strcmp(old, conf->syslog_ident) == 0 &&
	    d->facility == conf->syslog_facility)
		return;
	d->ident = xstrdup(conf->syslog_ident);
	d->facility = conf->syslog_facility;
	log_init(d->mirror ? 2 : 1, d->ident, d->facility);
	free(old);
}

/*
 * Build the TLS context and the engine, hook the signals and the watchdog
 * and schedule every target. Returns 0, or -1 with the error logged.
 */
static int
daemon_start(struct daemon *d)
{
	char	*cause = NULL;

	/* The resolver is bound at start-up; a reload keeps it. */
	if ((d->ctx = tlsctx_client(&cause)) == NULL ||
	    (d->engine = probe_engine_new(d->ctx, d->gen->conf->concurrency,
	    &cause)) == NULL || (d->gen->conf->resolver != NULL &&
	    probe_engine_set_resolver(d->engine, d->gen->conf->resolver,
	    d->gen->conf->resolver_port, &cause) == -1)) {
		log_emit(LOG_ERR, "start-up failed: %s",
		    cause != NULL ? cause : "unknown error");
		free(cause);
		probe_engine_free(d->engine);
		d->engine = NULL;
		SSL_CTX_free(d->ctx);
		d->ctx = NULL;
		return -1;
	}
	if (daemon_metrics_start(d) == -1) {
		probe_engine_free(d->engine);
		SSL_CTX_free(d->ctx);
		d->ctx = NULL;
		return -1;
	}
	if (probe_signal(d->engine, SIGHUP, daemon_reload, d) == -1 ||
	    probe_signal(d->engine, SIGTERM, daemon_stop, d) == -1 ||
	    probe_signal(d->engine, SIGINT, daemon_stop, d) == -1)
		fatalx("cannot set up signal handling");
	d->notify = sdnotify_new(d->engine);
	d->sched = daemon_sched_new(d->engine, daemon_round_done, d);
	daemon_sched_apply(d->sched, d->gen);
	daemon_reload_loaded("start", LOG_INFO, d->path, d->gen);
	sdnotify_ready();
	daemon_status(d);
	return 0;
}

/*
 * The Prometheus listener on metrics_listen, bound before the first round:
 * an address that cannot be bound is a start-up error, not a silent gap.
 */
static int
daemon_metrics_start(struct daemon *d)
{
	char		*addr, *cause = NULL;

	if ((addr = daemon_metrics_addr(d->gen->conf)) == NULL)
		return 0;
	d->http = probe_http_new(d->engine, addr, "/metrics",
	    "text/plain; version=0.0.4; charset=utf-8", daemon_metrics, d,
	    &cause);
	if (d->http == NULL) {
		log_emit(LOG_ERR, "start-up failed: metrics_listen %s",
		    cause != NULL ? cause : addr);
		free(cause);
		free(addr);
		return -1;
	}
	d->metrics_listen = addr;
	return 0;
}

/* "ADDR:PORT" or "[ADDR6]:PORT" of metrics_listen; NULL when off. */
static char *
daemon_metrics_addr(const struct conf *conf)
{
	char	*s;

	if (conf->metrics_listen == NULL)
		return NULL;
	if (strchr(conf->metrics_listen, ':') != NULL)
		xasprintf(&s, "[%s]:%d", conf->metrics_listen,
		    conf->metrics_port);
	else
		xasprintf(&s, "%s:%d", conf->metrics_listen,
		    conf->metrics_port);
	return s;
}

/* A scrape: the exposition of every endpoint and counter, now. */
static char *
daemon_metrics(size_t *len, void *arg)
{
	struct daemon		*d = arg;
	struct metrics_endpoint	*v = NULL;
	size_t			 n = 0, cap = 0;
	char			*text;

	daemon_sched_export(d->sched, &v, &n, &cap);
	text = metrics_render(v, n, daemon_sched_stats(d->sched),
	    EDGEPROBE_VERSION, OpenSSL_version(OPENSSL_VERSION_STRING), len);
	free(v);
	return text;
}

/*
 * The listener stays where start-up bound it: the sandbox may forbid a new
 * bind, and a scrape target that moves on SIGHUP is a surprise. Say so.
 */
static void
daemon_metrics_reload(struct daemon *d, const struct conf *conf)
{
	const char	*was = d->metrics_listen;
	char		*line, *now = daemon_metrics_addr(conf);

	if ((was == NULL && now == NULL) ||
	    (was != NULL && now != NULL && strcmp(was, now) == 0)) {
		free(now);
		return;
	}
	line = logfmt_append(NULL, "event", "metrics_listen_kept");
	line = logfmt_append(line, "listen", was != NULL ? was : "off");
	line = logfmt_append(line, "wanted", now != NULL ? now : "off");
	line = logfmt_append(line, "msg", "a new metrics_listen takes a restart");
	log_emit(LOG_WARNING, "%s", line);
	free(line);
	free(now);
}

/* Tell systemd how many endpoints there are and how many are bad. */
static void
daemon_status(struct daemon *d)
{
	size_t	 n, crit, warn;

	daemon_sched_count(d->sched, &n, &crit, &warn);
	sdnotify_status(d->notify, n, crit, warn);
}

/* A round ended: update the status; while stopping, leave once idle. */
static void
daemon_round_done(void *arg)
{
	struct daemon	*d = arg;

	daemon_status(d);
	if (d->stopping && daemon_sched_idle(d->sched))
		probe_engine_stop(d->engine);
}

/*
 * SIGHUP: load the file again. A valid one is swapped in: new targets are
 * scheduled, removed ones forgotten, kept ones keep their endpoints' state
 * (so no false status change) and take the new settings at their next
 * round. An invalid one is logged and the running configuration stays.
 */
static void
daemon_reload(void *arg)
{
	struct daemon		*d = arg;
	struct daemon_sched_gen	*g, *old;

	if (d->stopping)
		return;
	sdnotify_reloading();
	if ((g = daemon_reload_load(d->path)) == NULL) {
		daemon_reload_failed(d->path);
		sdnotify_ready();
		daemon_status(d);
		return;
	}
	old = d->gen;
	d->gen = g;
	daemon_openlog(d, g->conf);
	daemon_metrics_reload(d, g->conf);
	daemon_sched_apply(d->sched, g);
	daemon_sched_gen_unref(old);
	daemon_reload_loaded("reload", LOG_NOTICE, d->path, g);
	sdnotify_ready();
	daemon_status(d);
}

/*
 * SIGTERM/SIGINT: start nothing new, drop the checks waiting for a slot,
 * let the ones in flight end (each is bounded by its timeout), then leave
 * the loop. A safety net ends the loop at the longest timeout regardless.
 */
static void
daemon_stop(void *arg)
{
	struct daemon	*d = arg;
	long		 ms;

	if (d->stopping)
		return;
	d->stopping = 1;
	sdnotify_stopping();
	log_emit(LOG_INFO, "event=stopping inflight=%zu",
	    daemon_sched_inflight(d->sched));
	daemon_sched_stop(d->sched);
	ms = (long)daemon_max_timeout(d->gen->conf) * 1000;
	d->deadline = probe_timer_new(d->engine, daemon_deadline, d);
	probe_timer_set(d->deadline, ms);
	if (daemon_sched_idle(d->sched))
		probe_engine_stop(d->engine);
}

/* The stop's safety net: whatever still runs, leave the loop now. */
static void
daemon_deadline(void *arg)
{
	struct daemon	*d = arg;

	log_debug("stop deadline: %zu checks still in flight",
	    daemon_sched_inflight(d->sched));
	probe_engine_stop(d->engine);
}

/* The longest probe timeout of a configuration, in seconds. */
static int
daemon_max_timeout(const struct conf *conf)
{
	size_t	 i;
	int	 max = conf->timeout;

	for (i = 0; i < conf->ntargets; i++)
		if (conf->targets[i].timeout > max)
			max = conf->targets[i].timeout;
	return max;
}

/* Run the daemon in the foreground until SIGTERM/SIGINT. */
int
daemon_run(const char *path, int mirror_stderr, int verbose)
{
	struct daemon	 d;
	int		 rc = DAEMON_EXIT_OK;

	memset(&d, 0, sizeof(d));
	d.path = xstrdup(path);
	d.mirror = mirror_stderr;
	log_setverbose(verbose);
	signal(SIGPIPE, SIG_IGN);

	/* Until the configuration names them: stderr and the default ident. */
	d.ident = xstrdup("edgeprobe");
	d.facility = LOG_DAEMON;
	log_init(2, d.ident, d.facility);
	if ((d.gen = daemon_reload_load(d.path)) == NULL) {
		rc = DAEMON_EXIT_CONFIG;
		goto out;
	}
	/* Force the configured ident, facility and mirroring. */
	free(d.ident);
	d.ident = NULL;
	daemon_openlog(&d, d.gen->conf);
	if (daemon_start(&d) == -1) {
		daemon_sched_gen_unref(d.gen);
		rc = DAEMON_EXIT_FAILURE;
		goto out;
	}

	probe_engine_run(d.engine);

	/*
	 * The loop is over. Freeing the engine may still call back the checks
	 * it held (after a forced stop): daemon_sched_exit() makes those calls
	 * only collect their results, freed below with their rounds.
	 */
	daemon_sched_exit(d.sched);
	if (d.deadline != NULL)
		probe_timer_free(d.deadline);
	sdnotify_free(d.notify);
	probe_http_free(d.http);
	probe_engine_free(d.engine);
	daemon_sched_free(d.sched);
	daemon_sched_gen_unref(d.gen);
	SSL_CTX_free(d.ctx);
	log_emit(LOG_INFO, "event=exit");
out:
	closelog();
	free(d.metrics_listen);
	free(d.ident);
	free(d.path);
	return rc;
}
