/*
 * probe_session.c: one probe's state machine.
 *
 *	QUEUED -> CONNECTING -> HANDSHAKE [-> CONFIRM] -> DONE
 *
 * Every way out goes through probe_finish(), which frees the probe's
 * resources and then calls the user's callback exactly once. One timer per
 * probe is the deadline for connect + handshake together: no inactivity
 * timers, so a peer trickling a byte a second cannot keep a slot forever.
 */
#include <sys/types.h>
#include <sys/queue.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>
#include <event2/event_struct.h>
#include <event2/util.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "log.h"
#include "probe.h"
#include "probe_bio.h"
#include "probe_int.h"
#include "probe_session.h"
#include "probe_sip.h"
#include "probe_tls.h"
#include "xmalloc.h"

static const char	*probe_state_name(enum probe_state);
static void		 probe_enter_state(struct probe *, enum probe_state);
static void		 probe_fail_early(struct probe *, enum probe_error,
			    const char *, ...)
			    __attribute__((__format__(__printf__, 3, 4)));
static void		 probe_wait(struct probe *, short);
static void		 probe_dispatch(evutil_socket_t, short, void *);
static void		 probe_deadline(evutil_socket_t, short, void *);
static void		 probe_connected(struct probe *);
static void		 probe_handshake(struct probe *);
static void		 probe_confirm(struct probe *);
static void		 probe_handshake_done(struct probe *);
static void		 probe_sip(struct probe *);
static void		 probe_handshake_error(struct probe *, int, int);
static void		 probe_finish(struct probe *, enum probe_error,
			    const char *);
static long		 probe_elapsed_ms(const struct probe *);

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
	case PS_SIP:
		return "sip";
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

/* A new probe for probe_start(), its deadline assigned but not armed. */
struct probe *
probe_session_new(struct probe_engine *eng, const struct probe_req *req,
    probe_done_cb done, void *arg)
{
	struct probe	*p;

	p = xcalloc(1, sizeof(*p));
	p->eng = eng;
	p->fd = -1;
	p->port = req->port;
	p->timeout_ms = req->timeout_ms > 0 ? req->timeout_ms : 10000;
	p->sip_options = req->sip_options;
	p->done = done;
	p->arg = arg;
	if (req->sni != NULL && *req->sni != '\0')
		p->sni = xstrdup(req->sni);
	snprintf(p->address, sizeof(p->address), "%s", req->address);
	if (req->client_cert != NULL && req->client_key != NULL) {
		p->client_cert = req->client_cert;
		p->client_chain = req->client_chain;
		p->client_key = req->client_key;
	}
	evtimer_assign(&p->deadline, eng->base, probe_deadline, p);
	return p;
}

/* End a running probe now (a forced stop): reported, then freed. */
void
probe_session_abort(struct probe *p, const char *cause)
{
	probe_finish(p, PROBE_TIMEOUT, cause);
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
void
probe_session_begin(struct probe *p)
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
	case PS_SIP:
		probe_sip(p);
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
	case PS_SIP:
		/* The handshake is done: only the SIP answer is missing. */
		probe_sip_timeout(p);
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
	BIO		*bio;

	if ((p->ssl = SSL_new(p->eng->ctx)) == NULL) {
		probe_fail_early(p, PROBE_HANDSHAKE_FAILED, "SSL_new failed");
		return;
	}
	probe_tls_bind(p->ssl, p);
	/* The socket under a filter that enforces PROBE_READ_BUDGET. */
	if ((bio = probe_bio_new(p->fd, &p->read_budget)) == NULL) {
		probe_fail_early(p, PROBE_HANDSHAKE_FAILED, "BIO_new failed");
		return;
	}
	SSL_set_bio(p->ssl, bio, bio);
	SSL_set_connect_state(p->ssl);
	/* RFC 6066: a literal IP address is not sent as SNI. */
	if (p->sni != NULL && inet_pton(AF_INET, p->sni, &a4) != 1 &&
	    inet_pton(AF_INET6, p->sni, &a6) != 1)
		SSL_set_tlsext_host_name(p->ssl, p->sni);
	/*
	 * Ask for an OCSP staple (status_request). The staple is only ever
	 * read and judged offline: no OCSP responder or CRL is fetched,
	 * because a URL in a hostile certificate must never make edgeprobe
	 * call out.
	 */
	SSL_set_tlsext_status_type(p->ssl, TLSEXT_STATUSTYPE_ocsp);
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
	if (r == 1 && p->sip_options) {
		probe_handshake_done(p);
		return;
	}
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
	if (e == SSL_ERROR_ZERO_RETURN && p->client_cert_sent) {
		probe_finish(p, PROBE_MTLS_REJECTED, "the server closed the "
		    "connection right after the handshake, without an alert");
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

/*
 * The handshake is complete and SIP OPTIONS is due. The exchange also
 * settles what PS_CONFIRM waits for: a server refusing our certificate
 * after the handshake refuses the request too, with an alert.
 */
static void
probe_handshake_done(struct probe *p)
{
	struct timespec	 now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	p->handshake_ms = (double)(now.tv_sec - p->t_start.tv_sec) * 1000.0 +
	    (double)(now.tv_nsec - p->t_start.tv_nsec) / 1e6;
	probe_enter_state(p, PS_SIP);
	if (probe_sip_begin(p) == -1) {
		probe_finish(p, PROBE_OK, "");
		return;
	}
	probe_sip(p);
}

/* One step of the SIP exchange. */
static void
probe_sip(struct probe *p)
{
	int	 r = 0, e = 0;

	switch (probe_sip_step(p, &r, &e)) {
	case PROBE_SIP_WANT_READ:
		probe_wait(p, EV_READ);
		break;
	case PROBE_SIP_WANT_WRITE:
		probe_wait(p, EV_WRITE);
		break;
	case PROBE_SIP_DONE:
		probe_finish(p, PROBE_OK, "");
		break;
	case PROBE_SIP_TLS_ERROR:
		probe_handshake_error(p, r, e);
		break;
	}
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
	if (p->client_cert_sent && (p->alert[0] != '\0' || closed)) {
		/* We presented a certificate: the server refused it. */
		probe_finish(p, PROBE_MTLS_REJECTED, p->alert[0] != '\0' ?
		    p->alert : "the server closed the connection without an "
		    "alert");
		return;
	}
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

	/* Never OK without a server certificate (see tlsctx_client()). */
	if (err == PROBE_OK && (p->chain == NULL || sk_X509_num(p->chain) == 0)) {
		err = PROBE_HANDSHAKE_FAILED;
		cause = "the handshake completed without a server certificate";
	}

	memset(&o, 0, sizeof(o));
	o.err = err;
	snprintf(o.cause, sizeof(o.cause), "%s", cause);
	clock_gettime(CLOCK_MONOTONIC, &now);
	o.handshake_ms = (double)(now.tv_sec - p->t_start.tv_sec) * 1000.0 +
	    (double)(now.tv_nsec - p->t_start.tv_nsec) / 1e6;
	/* With SIP, the handshake ended before the exchange. */
	if (p->handshake_ms > 0 && err == PROBE_OK)
		o.handshake_ms = p->handshake_ms;
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
	o.acceptable_cas = p->acceptable_cas;
	memset(&p->acceptable_cas, 0, sizeof(p->acceptable_cas));
	o.client_cert_sent = p->client_cert_sent;
	probe_sip_outcome(p, &o);
	probe_sip_free(p);
	if (p->ssl != NULL)
		probe_tls_staple(p->ssl, &o);

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
	probe_engine_release(eng, p);

	p->done(&o, p->arg);
	sk_X509_pop_free(o.chain, X509_free);
	strlist_free(&o.acceptable_cas);
	free(o.ocsp_der);
	free(p);
	if (!eng->stopping)
		probe_engine_pump(eng);
}
