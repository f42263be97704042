/*
 * probe.c: the probe engine.
 *
 * One libevent loop; per probe an explicit state machine:
 *
 *	QUEUED -> CONNECTING -> HANDSHAKE [-> CONFIRM] -> DONE
 *
 * Every way out goes through probe_finish(), which frees the probe's
 * resources and then calls the user's callback exactly once. One timer per
 * probe is the deadline for connect + handshake together: no inactivity
 * timers, so a peer trickling a byte a second cannot keep a slot forever.
 * This is the only file that registers libevent callbacks.
 */
#include <sys/types.h>
#include <sys/queue.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>
#include <event2/event_struct.h>
#include <event2/dns.h>
#include <event2/util.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "log.h"
#include "probe.h"
#include "xmalloc.h"

/* How long a TLS 1.3 probe waits for a client-certificate rejection. */
#define PROBE_CONFIRM_MS	1000
/*
 * The bytes OpenSSL may read for one probe in one callback. OpenSSL skips
 * some messages in a loop for as long as bytes keep coming (HelloRequests
 * during the handshake, session tickets after it), so a server sending
 * them faster than we parse them would hold the loop: no deadline, no
 * other probe. Past the budget the probe's read BIO says "retry", the
 * probe waits for readiness again, and timers run in between.
 */
#define PROBE_READ_BUDGET	(64 * 1024)

enum probe_state {
	PS_QUEUED = 0,
	PS_CONNECTING,
	PS_HANDSHAKE,
	PS_CONFIRM,
	PS_DONE
};

struct probe {
	TAILQ_ENTRY(probe)	 entry;
	struct probe_engine	*eng;
	enum probe_state	 state;
	char			 address[INET6_ADDRSTRLEN];
	int			 port;
	char			*sni;
	int			 timeout_ms;
	struct sockaddr_storage	 ss;
	socklen_t		 sslen;

	int			 fd;
	SSL			*ssl;
	struct event		 ev;		/* socket readiness */
	struct event		 deadline;	/* the one timer */
	int			 ev_set;
	struct timespec		 t_start;
	long			 confirm_until_ms;

	enum probe_error	 early_err;	/* failed before the loop ran */
	char			 early_cause[256];
	char			 alert[64];	/* last alert received */
	STACK_OF(X509)		*chain;		/* captured as presented */
	int			 chain_sent;	/* how many the server sent */
	int			 cert_requested;
	int			 read_budget;	/* left in this callback */

	probe_done_cb		 done;
	void			*arg;
};

TAILQ_HEAD(probe_queue, probe);

struct probe_engine {
	struct event_base	*base;
	struct evdns_base	*dns;
	SSL_CTX			*ctx;
	int			 concurrency;
	size_t			 inflight;
	size_t			 queued;
	struct probe_queue	 queue;
	struct probe_queue	 running;	/* in flight */
	SLIST_HEAD(, probe_sig)	 sigs;
	int			 stopping;
};

struct probe_timer {
	struct event		 ev;
	probe_event_cb		 cb;
	void			*arg;
};

struct probe_sig {
	SLIST_ENTRY(probe_sig)	 entry;
	struct event		*ev;
	probe_event_cb		 cb;
	void			*arg;
};

struct probe_resolution {
	struct probe_engine	*eng;
	char			*name;
	struct strlist		 addrs;
	char			*error;
	probe_resolve_cb	 cb;
	void			*arg;
};

static int		 probe_ssl_idx = -1;
static BIO_METHOD	*probe_bio_method;

static const char	*probe_state_name(enum probe_state);
static void		 probe_enter_state(struct probe *, enum probe_state);
static void		 probe_pump(struct probe_engine *);
static void		 probe_begin(struct probe *);
static void		 probe_fail_early(struct probe *, enum probe_error,
			    const char *, ...)
			    __attribute__((__format__(__printf__, 3, 4)));
static void		 probe_wait(struct probe *, short);
static void		 probe_dispatch(evutil_socket_t, short, void *);
static void		 probe_deadline(evutil_socket_t, short, void *);
static void		 probe_connected(struct probe *);
static void		 probe_handshake(struct probe *);
static void		 probe_confirm(struct probe *);
static void		 probe_handshake_error(struct probe *, int, int);
static void		 probe_finish(struct probe *, enum probe_error,
			    const char *);
static long		 probe_elapsed_ms(const struct probe *);
static int		 probe_cert_cb(X509_STORE_CTX *, void *);
static int		 probe_client_cert_cb(SSL *, X509 **, EVP_PKEY **);
static void		 probe_info_cb(const SSL *, int, int);
static void		 probe_timer_cb(evutil_socket_t, short, void *);
static void		 probe_signal_cb(evutil_socket_t, short, void *);
static void		 probe_gai_cb(int, struct evutil_addrinfo *, void *);
static void		 probe_resolved(evutil_socket_t, short, void *);
static void		 probe_evlog(int, const char *);
static BIO_METHOD	*probe_bio_new_method(void);
static int		 probe_bio_create(BIO *);
static int		 probe_bio_read(BIO *, char *, int);
static int		 probe_bio_write(BIO *, const char *, int);
static long		 probe_bio_ctrl(BIO *, int, long, void *);

/* The name of a state, for debug logs. */
static const char *
probe_state_name(enum probe_state s)
{
	switch (s) {
	case PS_QUEUED:
		return "queued";
	case PS_CONNECTING:
		return "connecting";
	case PS_HANDSHAKE:
		return "handshake";
	case PS_CONFIRM:
		return "confirm";
	case PS_DONE:
		return "done";
	}
	return "unknown";
}

/* Move a probe to a new state, logging the transition at debug level. */
static void
probe_enter_state(struct probe *p, enum probe_state s)
{
	log_debug("probe %s:%d: %s -> %s", p->address, p->port,
	    probe_state_name(p->state), probe_state_name(s));
	p->state = s;
}

/* Create an engine on a new event base, with its resolver. */
struct probe_engine *
probe_engine_new(SSL_CTX *ctx, int concurrency, char **cause)
{
	struct probe_engine	*eng;
	const char		*resolv;
	int			 r;

	if (probe_ssl_idx == -1 &&
	    (probe_ssl_idx = SSL_get_ex_new_index(0, NULL, NULL, NULL,
	    NULL)) == -1) {
		*cause = xstrdup("SSL_get_ex_new_index failed");
		return NULL;
	}
	if (probe_bio_method == NULL &&
	    (probe_bio_method = probe_bio_new_method()) == NULL) {
		*cause = xstrdup("BIO_meth_new failed");
		return NULL;
	}
	/* libevent's own messages (evdns: "nameserver failed") are debug. */
	event_set_log_callback(probe_evlog);
	eng = xcalloc(1, sizeof(*eng));
	TAILQ_INIT(&eng->queue);
	TAILQ_INIT(&eng->running);
	SLIST_INIT(&eng->sigs);
	eng->ctx = ctx;
	eng->concurrency = concurrency > 0 ? concurrency : 1;
	if ((eng->base = event_base_new()) == NULL) {
		*cause = xstrdup("event_base_new failed");
		free(eng);
		return NULL;
	}
	/*
	 * The resolver reads its configuration (and /etc/hosts) now, before
	 * the loop. EDGEPROBE_RESOLV_CONF names another resolv.conf: tests
	 * point it at a loopback DNS server, operators at split DNS.
	 */
	if ((eng->dns = evdns_base_new(eng->base, 0)) == NULL) {
		*cause = xstrdup("evdns_base_new failed");
		event_base_free(eng->base);
		free(eng);
		return NULL;
	}
	if ((resolv = getenv("EDGEPROBE_RESOLV_CONF")) == NULL ||
	    *resolv == '\0')
		resolv = "/etc/resolv.conf";
	r = evdns_base_resolv_conf_parse(eng->dns, DNS_OPTIONS_ALL, resolv);
	if (r != 0 && r != 6)	/* 6: no nameserver, 127.0.0.1 is used */
		log_debug("resolver: %s: error %d, using defaults", resolv, r);
	evdns_base_set_option(eng->dns, "timeout:", "3");
	evdns_base_set_option(eng->dns, "attempts:", "2");

	/*
	 * Why the chain is captured here and not verified: a certificate
	 * problem is a finding, never a reason to abort the handshake, and
	 * the policy verifies once, after the handshake, against the
	 * configured store at a time it is given. This callback replaces
	 * OpenSSL's own chain verification (which SSL_VERIFY_NONE alone
	 * would still run), so no signature is checked twice. It is called
	 * as soon as the Certificate message arrives, so a server that
	 * aborts afterwards (an MTLS Edge refusing us) is still judged.
	 */
	SSL_CTX_set_cert_verify_callback(ctx, probe_cert_cb, NULL);
	SSL_CTX_set_client_cert_cb(ctx, probe_client_cert_cb);
	SSL_CTX_set_info_callback(ctx, probe_info_cb);
	return eng;
}

/* Free an engine; probes queued or in flight are dropped without callback. */
void
probe_engine_free(struct probe_engine *eng)
{
	struct probe		*p;
	struct probe_sig	*s;

	if (eng == NULL)
		return;
	while ((s = SLIST_FIRST(&eng->sigs)) != NULL) {
		SLIST_REMOVE_HEAD(&eng->sigs, entry);
		event_free(s->ev);
		free(s);
	}
	while ((p = TAILQ_FIRST(&eng->queue)) != NULL) {
		TAILQ_REMOVE(&eng->queue, p, entry);
		free(p->sni);
		free(p);
	}
	/* A forced stop: connections in flight are closed, unreported. */
	while ((p = TAILQ_FIRST(&eng->running)) != NULL) {
		TAILQ_REMOVE(&eng->running, p, entry);
		if (p->ev_set)
			event_del(&p->ev);
		evtimer_del(&p->deadline);
		SSL_free(p->ssl);
		if (p->fd != -1)
			close(p->fd);
		sk_X509_pop_free(p->chain, X509_free);
		free(p->sni);
		free(p);
	}
	evdns_base_free(eng->dns, 1);
	event_base_free(eng->base);
	free(eng);
}

/* Change the number of probes allowed in flight. */
void
probe_engine_set_concurrency(struct probe_engine *eng, int concurrency)
{
	eng->concurrency = concurrency > 0 ? concurrency : 1;
	probe_pump(eng);
}

/* Run the loop until probe_engine_stop() or nothing is left to do. */
int
probe_engine_run(struct probe_engine *eng)
{
	eng->stopping = 0;
	return event_base_loop(eng->base, 0) == -1 ? -1 : 0;
}

/* Make probe_engine_run() return after the current callback. */
void
probe_engine_stop(struct probe_engine *eng)
{
	eng->stopping = 1;
	event_base_loopbreak(eng->base);
}

/* The event loop, for src/probe_http.c: one loop for every engine file. */
struct event_base *
probe_engine_base(struct probe_engine *eng)
{
	return eng->base;
}

/* Probes connecting or handshaking now. */
size_t
probe_engine_inflight(const struct probe_engine *eng)
{
	return eng->inflight;
}

/* Probes waiting for a slot. */
size_t
probe_engine_queued(const struct probe_engine *eng)
{
	return eng->queued;
}

/* Queue a probe; it starts when a slot is free. */
void
probe_start(struct probe_engine *eng, const struct probe_req *req,
    probe_done_cb done, void *arg)
{
	struct probe	*p;

	p = xcalloc(1, sizeof(*p));
	p->eng = eng;
	p->fd = -1;
	p->port = req->port;
	p->timeout_ms = req->timeout_ms > 0 ? req->timeout_ms : 10000;
	p->done = done;
	p->arg = arg;
	if (req->sni != NULL && *req->sni != '\0')
		p->sni = xstrdup(req->sni);
	snprintf(p->address, sizeof(p->address), "%s", req->address);
	evtimer_assign(&p->deadline, eng->base, probe_deadline, p);
	TAILQ_INSERT_TAIL(&eng->queue, p, entry);
	eng->queued++;
	probe_pump(eng);
}

/* Start queued probes while slots are free. */
static void
probe_pump(struct probe_engine *eng)
{
	struct probe	*p;

	while (eng->inflight < (size_t)eng->concurrency &&
	    (p = TAILQ_FIRST(&eng->queue)) != NULL) {
		TAILQ_REMOVE(&eng->queue, p, entry);
		TAILQ_INSERT_TAIL(&eng->running, p, entry);
		eng->queued--;
		eng->inflight++;
		probe_begin(p);
	}
}

/* Milliseconds since the probe began connecting. */
static long
probe_elapsed_ms(const struct probe *p)
{
	struct timespec	 now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - p->t_start.tv_sec) * 1000 +
	    (now.tv_nsec - p->t_start.tv_nsec) / 1000000;
}

/* Arm the deadline and start a non-blocking connect. */
static void
probe_begin(struct probe *p)
{
	struct sockaddr_in	*sin = (struct sockaddr_in *)&p->ss;
	struct sockaddr_in6	*sin6 = (struct sockaddr_in6 *)&p->ss;
	struct timeval		 tv;

	clock_gettime(CLOCK_MONOTONIC, &p->t_start);
	tv.tv_sec = p->timeout_ms / 1000;
	tv.tv_usec = (suseconds_t)(p->timeout_ms % 1000) * 1000;
	evtimer_add(&p->deadline, &tv);
	probe_enter_state(p, PS_CONNECTING);

	memset(&p->ss, 0, sizeof(p->ss));
	if (inet_pton(AF_INET, p->address, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons((unsigned short)p->port);
		p->sslen = sizeof(*sin);
	} else if (inet_pton(AF_INET6, p->address, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((unsigned short)p->port);
		p->sslen = sizeof(*sin6);
	} else {
		probe_fail_early(p, PROBE_CONNECT_FAILED,
		    "%s is not a numeric address", p->address);
		return;
	}
	p->fd = socket(p->ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0);
	if (p->fd == -1) {
		probe_fail_early(p, PROBE_CONNECT_FAILED, "socket: %s",
		    strerror(errno));
		return;
	}
	if (connect(p->fd, (struct sockaddr *)&p->ss, p->sslen) == 0) {
		probe_connected(p);
		return;
	}
	if (errno != EINPROGRESS) {
		probe_fail_early(p, PROBE_CONNECT_FAILED, "connect: %s",
		    strerror(errno));
		return;
	}
	probe_wait(p, EV_WRITE);
}

/*
 * A failure before the loop could run the probe: report it from the loop,
 * never from inside probe_start(), by firing the deadline timer now.
 */
static void
probe_fail_early(struct probe *p, enum probe_error err, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(p->early_cause, sizeof(p->early_cause), fmt, ap);
	va_end(ap);
	p->early_err = err;
	event_active(&p->deadline, EV_TIMEOUT, 0);
}

/* Wait for the socket to become readable or writable. */
static void
probe_wait(struct probe *p, short what)
{
	if (p->ev_set)
		event_del(&p->ev);
	event_assign(&p->ev, p->eng->base, p->fd, what, probe_dispatch, p);
	p->ev_set = 1;
	event_add(&p->ev, NULL);
}

/* The socket is ready: advance the state machine. */
static void
probe_dispatch(evutil_socket_t fd, short what, void *arg)
{
	struct probe	*p = arg;
	int		 err = 0;
	socklen_t	 len = sizeof(err);

	(void)fd;
	(void)what;
	switch (p->state) {
	case PS_CONNECTING:
		if (getsockopt(p->fd, SOL_SOCKET, SO_ERROR, &err, &len) == -1)
			err = errno;
		if (err != 0) {
			char	 cause[256];

			snprintf(cause, sizeof(cause), "connect: %s",
			    strerror(err));
			probe_finish(p, PROBE_CONNECT_FAILED, cause);
			return;
		}
		probe_connected(p);
		break;
	case PS_HANDSHAKE:
		probe_handshake(p);
		break;
	case PS_CONFIRM:
		probe_confirm(p);
		break;
	default:
		break;
	}
}

/* The deadline passed (or an early failure is due). */
static void
probe_deadline(evutil_socket_t fd, short what, void *arg)
{
	struct probe	*p = arg;
	char		 cause[256];

	(void)fd;
	(void)what;
	if (p->early_err != PROBE_OK) {
		probe_finish(p, p->early_err, p->early_cause);
		return;
	}
	switch (p->state) {
	case PS_CONNECTING:
		snprintf(cause, sizeof(cause),
		    "no TCP connection within %d.%03d s", p->timeout_ms / 1000,
		    p->timeout_ms % 1000);
		break;
	case PS_CONFIRM:
		/* The grace period for a rejection ended: all is well. */
		probe_finish(p, PROBE_OK, "");
		return;
	default:
		snprintf(cause, sizeof(cause),
		    "TLS handshake not complete within %d.%03d s%s",
		    p->timeout_ms / 1000, p->timeout_ms % 1000,
		    p->chain != NULL ? " (stalled after the certificate)" :
		    " (no certificate received)");
		break;
	}
	probe_finish(p, PROBE_TIMEOUT, cause);
}

/* TCP is up: start the TLS handshake. */
static void
probe_connected(struct probe *p)
{
	struct in6_addr	 a6;
	struct in_addr	 a4;
	BIO		*sbio, *fbio;

	if ((p->ssl = SSL_new(p->eng->ctx)) == NULL) {
		probe_fail_early(p, PROBE_HANDSHAKE_FAILED, "SSL_new failed");
		return;
	}
	SSL_set_ex_data(p->ssl, probe_ssl_idx, p);
	/* The socket under a filter that enforces PROBE_READ_BUDGET. */
	if ((sbio = BIO_new_socket(p->fd, BIO_NOCLOSE)) == NULL ||
	    (fbio = BIO_new(probe_bio_method)) == NULL) {
		BIO_free(sbio);
		probe_fail_early(p, PROBE_HANDSHAKE_FAILED, "BIO_new failed");
		return;
	}
	BIO_set_data(fbio, p);
	SSL_set_bio(p->ssl, BIO_push(fbio, sbio), fbio);
	SSL_set_connect_state(p->ssl);
	/* RFC 6066: a literal IP address is not sent as SNI. */
	if (p->sni != NULL && inet_pton(AF_INET, p->sni, &a4) != 1 &&
	    inet_pton(AF_INET6, p->sni, &a6) != 1)
		SSL_set_tlsext_host_name(p->ssl, p->sni);
	probe_enter_state(p, PS_HANDSHAKE);
	probe_handshake(p);
}

/* Drive SSL_do_handshake one step. */
static void
probe_handshake(struct probe *p)
{
	int	 r, e;

	ERR_clear_error();
	errno = 0;
	p->read_budget = PROBE_READ_BUDGET;
	r = SSL_do_handshake(p->ssl);
	if (r == 1) {
		/*
		 * TLS 1.3 finishes the client's handshake before the server
		 * has seen our (empty) Certificate: an MTLS server refuses us
		 * only after. Give it a moment to say so.
		 */
		if (p->cert_requested &&
		    SSL_version(p->ssl) >= TLS1_3_VERSION) {
			p->confirm_until_ms = probe_elapsed_ms(p) +
			    PROBE_CONFIRM_MS;
			probe_enter_state(p, PS_CONFIRM);
			probe_confirm(p);
			return;
		}
		probe_finish(p, PROBE_OK, "");
		return;
	}
	e = SSL_get_error(p->ssl, r);
	switch (e) {
	case SSL_ERROR_WANT_READ:
		probe_wait(p, EV_READ);
		break;
	case SSL_ERROR_WANT_WRITE:
		probe_wait(p, EV_WRITE);
		break;
	default:
		probe_handshake_error(p, r, e);
		break;
	}
}

/* After a TLS 1.3 handshake with a CertificateRequest: rejected or not? */
static void
probe_confirm(struct probe *p)
{
	unsigned char	 buf[256];
	struct timeval	 tv;
	long		 left;
	int		 r, e;

	ERR_clear_error();
	errno = 0;
	p->read_budget = PROBE_READ_BUDGET;
	r = SSL_read(p->ssl, buf, sizeof(buf));
	if (r > 0) {
		/* The server talks to us: it accepted the connection. */
		probe_finish(p, PROBE_OK, "");
		return;
	}
	e = SSL_get_error(p->ssl, r);
	if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
		left = p->confirm_until_ms - probe_elapsed_ms(p);
		if (left <= 0) {
			probe_finish(p, PROBE_OK, "");
			return;
		}
		/* Shorten the deadline to the grace period if it is sooner. */
		if (left < p->timeout_ms - probe_elapsed_ms(p)) {
			tv.tv_sec = left / 1000;
			tv.tv_usec = (left % 1000) * 1000;
			evtimer_add(&p->deadline, &tv);
		}
		probe_wait(p, e == SSL_ERROR_WANT_READ ? EV_READ : EV_WRITE);
		return;
	}
	if (e == SSL_ERROR_ZERO_RETURN) {
		probe_finish(p, PROBE_HANDSHAKE_FAILED,
		    "the server closed the connection right after the "
		    "handshake (it requested a client certificate)");
		return;
	}
	probe_handshake_error(p, r, e);
}

/* Turn a failed handshake step into a cause a person can act on. */
static void
probe_handshake_error(struct probe *p, int r, int e)
{
	char		 cause[256], reason[128];
	unsigned long	 err;
	const char	*after;
	int		 closed;

	after = p->chain != NULL ? " after sending its certificate" : "";
	err = e == SSL_ERROR_SSL ? ERR_peek_error() : 0;
	/* OpenSSL 3 reports an EOF mid-handshake as a protocol error. */
	closed = (err != 0 &&
	    ERR_GET_REASON(err) == SSL_R_UNEXPECTED_EOF_WHILE_READING) ||
	    (e == SSL_ERROR_SYSCALL && errno == 0) ||
	    e == SSL_ERROR_ZERO_RETURN;
	if (p->alert[0] != '\0') {
		snprintf(cause, sizeof(cause),
		    "the server sent a fatal TLS alert%s: %s%s", after,
		    p->alert, p->cert_requested && p->chain != NULL ?
		    " (it requires a client certificate)" : "");
	} else if (closed) {
		snprintf(cause, sizeof(cause), "the server closed the "
		    "connection during the TLS handshake%s%s", after,
		    p->cert_requested && p->chain != NULL ?
		    " (it requires a client certificate)" : "");
	} else if (err != 0) {
		const char *rs = ERR_reason_error_string(err);

		snprintf(reason, sizeof(reason), "%s",
		    rs != NULL ? rs : "protocol error");
		snprintf(cause, sizeof(cause), "TLS protocol error%s: %s%s",
		    after, reason,
		    ERR_GET_REASON(err) == SSL_R_WRONG_VERSION_NUMBER ||
		    ERR_GET_REASON(err) == SSL_R_PACKET_LENGTH_TOO_LONG ?
		    " (the server does not speak TLS on this port?)" : "");
	} else if (e == SSL_ERROR_SYSCALL) {
		snprintf(cause, sizeof(cause), "connection failed during the "
		    "TLS handshake%s: %s", after, strerror(errno));
	} else {
		snprintf(cause, sizeof(cause), "TLS handshake failed%s "
		    "(SSL error %d, return %d)", after, e, r);
	}
	ERR_clear_error();
	probe_finish(p, PROBE_HANDSHAKE_FAILED, cause);
}

/* The one way out: free the probe's resources, then report exactly once. */
static void
probe_finish(struct probe *p, enum probe_error err, const char *cause)
{
	struct probe_engine	*eng = p->eng;
	struct probe_outcome	 o;
	const SSL_CIPHER	*c;
	struct timespec		 now;

	memset(&o, 0, sizeof(o));
	o.err = err;
	snprintf(o.cause, sizeof(o.cause), "%s", cause);
	clock_gettime(CLOCK_MONOTONIC, &now);
	o.handshake_ms = (double)(now.tv_sec - p->t_start.tv_sec) * 1000.0 +
	    (double)(now.tv_nsec - p->t_start.tv_nsec) / 1e6;
	o.chain = p->chain != NULL ? p->chain : sk_X509_new_null();
	if (o.chain == NULL)
		fatalx("out of memory");
	p->chain = NULL;
	o.chain_sent = p->chain_sent;
	o.has_tls = sk_X509_num(o.chain) > 0;
	if (p->ssl != NULL && o.has_tls) {
		o.tls_version = SSL_version(p->ssl);
		snprintf(o.version_name, sizeof(o.version_name), "%s",
		    SSL_get_version(p->ssl));
		if ((c = SSL_get_current_cipher(p->ssl)) == NULL)
			c = SSL_get_pending_cipher(p->ssl);
		if (c != NULL)
			snprintf(o.cipher, sizeof(o.cipher), "%s",
			    SSL_CIPHER_get_name(c));
	}
	o.cert_requested = p->cert_requested;

	probe_enter_state(p, PS_DONE);
	if (p->ev_set)
		event_del(&p->ev);
	evtimer_del(&p->deadline);
	if (p->ssl != NULL) {
		if (err == PROBE_OK) {
			/* Be polite: one close_notify, never waited for. */
			SSL_set_quiet_shutdown(p->ssl, 0);
			(void)SSL_shutdown(p->ssl);
		}
		SSL_free(p->ssl);
	}
	ERR_clear_error();
	if (p->fd != -1)
		close(p->fd);
	free(p->sni);
	TAILQ_REMOVE(&eng->running, p, entry);
	eng->inflight--;

	p->done(&o, p->arg);
	sk_X509_pop_free(o.chain, X509_free);
	free(p);
	if (!eng->stopping)
		probe_pump(eng);
}

/* OpenSSL's chain check, replaced: keep the chain as sent, accept it. */
static int
probe_cert_cb(X509_STORE_CTX *xctx, void *arg)
{
	STACK_OF(X509)	*sent;
	SSL		*ssl;
	struct probe	*p;
	int		 i, n;

	(void)arg;
	ssl = X509_STORE_CTX_get_ex_data(xctx,
	    SSL_get_ex_data_X509_STORE_CTX_idx());
	if (ssl == NULL || (p = SSL_get_ex_data(ssl, probe_ssl_idx)) == NULL)
		return 1;
	if ((sent = X509_STORE_CTX_get0_untrusted(xctx)) == NULL)
		return 1;
	sk_X509_pop_free(p->chain, X509_free);
	if ((p->chain = sk_X509_new_reserve(NULL, PROBE_MAX_CHAIN)) == NULL)
		return 1;
	n = p->chain_sent = sk_X509_num(sent);
	if (n > PROBE_MAX_CHAIN)
		n = PROBE_MAX_CHAIN;
	for (i = 0; i < n; i++) {
		X509	*x = sk_X509_value(sent, i);

		X509_up_ref(x);
		sk_X509_push(p->chain, x);
	}
	return 1;
}

/* The server asked for a client certificate: note it, send none. */
static int
probe_client_cert_cb(SSL *ssl, X509 **x509, EVP_PKEY **pkey)
{
	struct probe	*p;

	(void)x509;
	(void)pkey;
	if ((p = SSL_get_ex_data(ssl, probe_ssl_idx)) != NULL)
		p->cert_requested = 1;
	return 0;
}

/* Remember the last alert the server sent, for the failure message. */
static void
probe_info_cb(const SSL *ssl, int where, int ret)
{
	struct probe	*p;

	if ((where & SSL_CB_ALERT) == 0 || (where & SSL_CB_READ) == 0)
		return;
	if ((p = SSL_get_ex_data(ssl, probe_ssl_idx)) == NULL)
		return;
	if ((ret >> 8) == SSL3_AL_FATAL)
		snprintf(p->alert, sizeof(p->alert), "%s",
		    SSL_alert_desc_string_long(ret));
}

/* A timer for the engine's users. */
struct probe_timer *
probe_timer_new(struct probe_engine *eng, probe_event_cb cb, void *arg)
{
	struct probe_timer	*t;

	t = xcalloc(1, sizeof(*t));
	t->cb = cb;
	t->arg = arg;
	evtimer_assign(&t->ev, eng->base, probe_timer_cb, t);
	return t;
}

/* (Re)arm a timer to fire once, ms from now. */
void
probe_timer_set(struct probe_timer *t, long ms)
{
	struct timeval	 tv;

	if (ms < 0)
		ms = 0;
	tv.tv_sec = ms / 1000;
	tv.tv_usec = (ms % 1000) * 1000;
	evtimer_add(&t->ev, &tv);
}

/* Disarm a timer. */
void
probe_timer_clear(struct probe_timer *t)
{
	evtimer_del(&t->ev);
}

/* Disarm and free a timer. */
void
probe_timer_free(struct probe_timer *t)
{
	if (t == NULL)
		return;
	evtimer_del(&t->ev);
	free(t);
}

/* A timer fired: call its user. */
static void
probe_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct probe_timer	*t = arg;

	(void)fd;
	(void)what;
	t->cb(t->arg);
}

/* Call cb from the loop whenever signo arrives; lives as long as the engine. */
int
probe_signal(struct probe_engine *eng, int signo, probe_event_cb cb, void *arg)
{
	struct probe_sig	*s;

	s = xcalloc(1, sizeof(*s));
	s->cb = cb;
	s->arg = arg;
	s->ev = evsignal_new(eng->base, signo, probe_signal_cb, s);
	if (s->ev == NULL || evsignal_add(s->ev, NULL) == -1) {
		if (s->ev != NULL)
			event_free(s->ev);
		free(s);
		return -1;
	}
	SLIST_INSERT_HEAD(&eng->sigs, s, entry);
	return 0;
}

/* A signal arrived: call its user. */
static void
probe_signal_cb(evutil_socket_t fd, short what, void *arg)
{
	struct probe_sig	*s = arg;

	(void)fd;
	(void)what;
	s->cb(s->arg);
}

/* Resolve a name to all its addresses, A and AAAA; cb once, from the loop. */
void
probe_resolve(struct probe_engine *eng, const char *name,
    probe_resolve_cb cb, void *arg)
{
	struct probe_resolution	*res;
	struct evutil_addrinfo	 hints;

	res = xcalloc(1, sizeof(*res));
	res->eng = eng;
	res->name = xstrdup(name);
	res->cb = cb;
	res->arg = arg;
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_protocol = IPPROTO_TCP;
	/* The answer may come at once (numeric, /etc/hosts): see _gai_cb. */
	evdns_getaddrinfo(eng->dns, name, NULL, &hints, probe_gai_cb, res);
}

/* The resolver answered: collect unique addresses, deliver from the loop. */
static void
probe_gai_cb(int result, struct evutil_addrinfo *ai, void *arg)
{
	struct probe_resolution	*res = arg;
	struct evutil_addrinfo	*a;
	char			 buf[INET6_ADDRSTRLEN];
	const void		*src;
	size_t			 i;
	struct timeval		 tv = { 0, 0 };

	if (result != 0) {
		xasprintf(&res->error, "%s", evutil_gai_strerror(result));
	} else {
		for (a = ai; a != NULL; a = a->ai_next) {
			if (a->ai_family == AF_INET)
				src = &((struct sockaddr_in *)
				    (void *)a->ai_addr)->sin_addr;
			else if (a->ai_family == AF_INET6)
				src = &((struct sockaddr_in6 *)
				    (void *)a->ai_addr)->sin6_addr;
			else
				continue;
			if (inet_ntop(a->ai_family, src, buf,
			    sizeof(buf)) == NULL)
				continue;
			for (i = 0; i < res->addrs.n; i++)
				if (strcmp(res->addrs.v[i], buf) == 0)
					break;
			if (i == res->addrs.n)
				strlist_add(&res->addrs, buf);
		}
		if (res->addrs.n == 0)
			res->error = xstrdup("no address");
	}
	if (ai != NULL)
		evutil_freeaddrinfo(ai);
	if (result == EVUTIL_EAI_CANCEL) {
		/* The engine is being freed. */
		strlist_free(&res->addrs);
		free(res->error);
		free(res->name);
		free(res);
		return;
	}
	event_base_once(res->eng->base, -1, EV_TIMEOUT, probe_resolved, res,
	    &tv);
}

/* Hand a resolution to its user. */
static void
probe_resolved(evutil_socket_t fd, short what, void *arg)
{
	struct probe_resolution	*res = arg;

	(void)fd;
	(void)what;
	res->cb(res->name, &res->addrs, res->error, res->arg);
	strlist_free(&res->addrs);
	free(res->error);
	free(res->name);
	free(res);
}

/* The read-budget filter BIO's method, made once. */
static BIO_METHOD *
probe_bio_new_method(void)
{
	BIO_METHOD	*m;

	if ((m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_FILTER,
	    "edgeprobe read budget")) == NULL)
		return NULL;
	if (BIO_meth_set_create(m, probe_bio_create) != 1 ||
	    BIO_meth_set_read(m, probe_bio_read) != 1 ||
	    BIO_meth_set_write(m, probe_bio_write) != 1 ||
	    BIO_meth_set_ctrl(m, probe_bio_ctrl) != 1) {
		BIO_meth_free(m);
		return NULL;
	}
	return m;
}

/* A new filter: ready at once; its probe is set by probe_connected(). */
static int
probe_bio_create(BIO *b)
{
	BIO_set_init(b, 1);
	return 1;
}

/* Read through to the socket within the probe's budget, else "retry". */
static int
probe_bio_read(BIO *b, char *buf, int len)
{
	struct probe	*p = BIO_get_data(b);
	BIO		*next = BIO_next(b);
	int		 n;

	BIO_clear_retry_flags(b);
	if (next == NULL || p == NULL)
		return 0;
	if (p->read_budget <= 0) {
		BIO_set_retry_read(b);
		return -1;
	}
	if (len > p->read_budget)
		len = p->read_budget;
	n = BIO_read(next, buf, len);
	if (n > 0)
		p->read_budget -= n;
	BIO_copy_next_retry(b);
	return n;
}

/* Writes go through unchanged. */
static int
probe_bio_write(BIO *b, const char *buf, int len)
{
	BIO	*next = BIO_next(b);
	int	 n;

	BIO_clear_retry_flags(b);
	if (next == NULL)
		return 0;
	n = BIO_write(next, buf, len);
	BIO_copy_next_retry(b);
	return n;
}

/* Controls go to the socket BIO. */
static long
probe_bio_ctrl(BIO *b, int cmd, long num, void *ptr)
{
	BIO	*next = BIO_next(b);

	if (next == NULL)
		return 0;
	return BIO_ctrl(next, cmd, num, ptr);
}

/* libevent's diagnostics go to the debug log, never to stdout or stderr. */
static void
probe_evlog(int severity, const char *msg)
{
	log_debug("libevent[%d]: %s", severity, msg);
}
