/*
 * tlsserver.c: real TLS listeners on loopback for the tests, and hostile
 * peers.
 *
 * Each server is one thread that accepts and serves one connection at a
 * time. All socket I/O is non-blocking and waits in poll() on the socket
 * and on a self-pipe, so tlsserver_stop() returns at once whatever the
 * server is doing, and every wait is bounded so that no test can hang.
 * The TLS side runs through memory BIOs: the server decides exactly which
 * of OpenSSL's bytes reach the wire and when (all of them, one a second,
 * or only the first record).
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "mint.h"
#include "tlsserver.h"

#define TS_WAIT_MS	10000	/* bound on any single wait */
#define TS_IDLE_MS	3000	/* after a handshake: wait for the client to close */
#define TS_DRAIN_MS	2000	/* after our last byte: wait for the client's FIN */
#define TS_TRICKLE_MS	1000	/* one byte per second */
#define TS_FLOOD_BATCH	1024	/* TS_TICKET_FLOOD: tickets per write */
/*
 * How long a silent or stalled server holds a connection the client keeps
 * open: longer than any probe timeout (the default is 10 s), so that the
 * client times out before the server gives up. stop() still interrupts it.
 */
#define TS_HOLD_MS	120000

struct tlsserver {
	enum tlsserver_mode	 mode;
	SSL_CTX			*ctx;
	int			 lfd;
	int			 stopfd[2];
	int			 port;
	atomic_int		 accepted;
	pthread_t		 thread;
};

static int	 ts_listen(const char *, int, int *);
static SSL_CTX	*ts_ctx(const struct tlsserver_spec *);
static int	 ts_verify_any(int, X509_STORE_CTX *);
static int	 ts_client_cas(SSL_CTX *, const struct tlsserver_spec *);
static void	*ts_main(void *);
static void	 ts_serve(struct tlsserver *, int);
static int	 ts_wait(struct tlsserver *, int, short, int);
static ssize_t	 ts_recv(struct tlsserver *, int, void *, size_t, int);
static int	 ts_send(struct tlsserver *, int, const void *, size_t);
static void	 ts_read_hello(struct tlsserver *, int);
static void	 ts_hold(struct tlsserver *, int, int);
static void	 ts_finish(struct tlsserver *, int);
static void	 ts_serve_tls(struct tlsserver *, int);
static int	 ts_flush(struct tlsserver *, int, BIO *, BIO *, int *);
static void	 ts_flood(struct tlsserver *, int, SSL *, BIO *);
static void	 ts_hello_flood(struct tlsserver *, int);

/* Bind and listen on bind:port; the socket, or -1. */
static int
ts_listen(const char *bind_addr, int port, int *bound)
{
	struct sockaddr_storage	 ss;
	struct sockaddr_in	*sin = (struct sockaddr_in *)&ss;
	struct sockaddr_in6	*sin6 = (struct sockaddr_in6 *)&ss;
	socklen_t		 len;
	int			 fd, one = 1;

	memset(&ss, 0, sizeof(ss));
	if (bind_addr == NULL)
		bind_addr = "127.0.0.1";
	if (inet_pton(AF_INET, bind_addr, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons((unsigned short)port);
		len = sizeof(*sin);
	} else if (inet_pton(AF_INET6, bind_addr, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((unsigned short)port);
		len = sizeof(*sin6);
	} else
		return -1;
	if ((fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (ss.ss_family == AF_INET6)
		(void)setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one,
		    sizeof(one));
	if (bind(fd, (struct sockaddr *)&ss, len) == -1 ||
	    listen(fd, 64) == -1 ||
	    getsockname(fd, (struct sockaddr *)&ss, &len) == -1) {
		close(fd);
		return -1;
	}
	*bound = ntohs(ss.ss_family == AF_INET ? sin->sin_port :
	    sin6->sin6_port);
	return fd;
}

/* Accept any client certificate: the tests only need the request. */
static int
ts_verify_any(int ok, X509_STORE_CTX *ctx)
{
	(void)ok;
	(void)ctx;
	return 1;
}

/*
 * The server's SSL_CTX. Security level 0, because the tests serve what a
 * badly kept Edge serves (RSA-1024, SHA-1, TLS 1.0) and the probe must see
 * it. The chain is sent exactly as given: no auto-chain, no rebuilding.
 * No session resumption, so that every probe sees a full handshake.
 */
static SSL_CTX *
ts_ctx(const struct tlsserver_spec *spec)
{
	SSL_CTX		*ctx;
	size_t		 i;
	int		 maxv = spec->max_version;

	if ((ctx = SSL_CTX_new(TLS_server_method())) == NULL)
		return NULL;
	SSL_CTX_set_security_level(ctx, 0);
	if (SSL_CTX_set_cipher_list(ctx, "ALL:@SECLEVEL=0") != 1)
		goto fail;
	if (maxv == 0)
		maxv = spec->mode == TS_REQUIRE_CERT ? TLS1_2_VERSION :
		    TLS1_3_VERSION;
	/* The Certificate must be visible on the wire: not TLS 1.3. */
	if (spec->mode == TS_STALL_AFTER_CERT && maxv > TLS1_2_VERSION)
		maxv = TLS1_2_VERSION;
	if (SSL_CTX_set_min_proto_version(ctx, spec->min_version) != 1 ||
	    SSL_CTX_set_max_proto_version(ctx, maxv) != 1)
		goto fail;
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
	/* TS_TICKET_FLOOD sends its tickets by hand (stateless ones). */
	if (spec->mode != TS_TICKET_FLOOD)
		SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
	SSL_CTX_set_num_tickets(ctx, 0);
	SSL_CTX_set_mode(ctx, SSL_MODE_NO_AUTO_CHAIN);
	if (SSL_CTX_use_certificate(ctx, spec->leaf) != 1 ||
	    SSL_CTX_use_PrivateKey(ctx, spec->key) != 1 ||
	    SSL_CTX_check_private_key(ctx) != 1)
		goto fail;
	for (i = 0; i < spec->nextra; i++)
		if (SSL_CTX_add1_chain_cert(ctx, spec->extra[i]) != 1)
			goto fail;
	if (spec->mode == TS_REQUIRE_CERT && spec->nclient_cas > 0) {
		if (ts_client_cas(ctx, spec) == -1)
			goto fail;
		SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER |
		    SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
	} else if (spec->mode == TS_REQUIRE_CERT)
		SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER |
		    SSL_VERIFY_FAIL_IF_NO_PEER_CERT, ts_verify_any);
	else if (spec->request_cert || spec->mode == TS_TICKET_FLOOD)
		SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, ts_verify_any);
	return ctx;
fail:
	SSL_CTX_free(ctx);
	return NULL;
}

/*
 * Trust exactly the given client CAs (a store of their own, not the
 * system's) and advertise their subjects, in order.
 */
static int
ts_client_cas(SSL_CTX *ctx, const struct tlsserver_spec *spec)
{
	X509_STORE	*store;
	size_t		 i;

	if ((store = X509_STORE_new()) == NULL)
		return -1;
	SSL_CTX_set_cert_store(ctx, store);
	for (i = 0; i < spec->nclient_cas; i++)
		if (X509_STORE_add_cert(store, spec->client_cas[i]) != 1 ||
		    SSL_CTX_add_client_CA(ctx, spec->client_cas[i]) != 1)
			return -1;
	return 0;
}

/* Start listening (the port is bound before return); NULL on error. */
struct tlsserver *
tlsserver_start(const struct tlsserver_spec *spec)
{
	struct tlsserver	*ts;
	struct mint_spec	 ms;
	EVP_PKEY		*key = NULL;
	X509			*leaf = NULL;
	struct tlsserver_spec	 s = *spec;

	if ((ts = calloc(1, sizeof(*ts))) == NULL)
		return NULL;
	ts->mode = spec->mode;
	ts->lfd = ts->stopfd[0] = ts->stopfd[1] = -1;
	atomic_init(&ts->accepted, 0);
	switch (spec->mode) {
	case TS_TLS:
	case TS_REQUIRE_CERT:
	case TS_TRICKLE:
	case TS_STALL_AFTER_HELLO:
	case TS_STALL_AFTER_CERT:
	case TS_TICKET_FLOOD:
		/* A hostile TLS peer needs some certificate; mint one. */
		if (s.leaf == NULL || s.key == NULL) {
			memset(&ms, 0, sizeof(ms));
			ms.cn = "localhost";
			ms.eku = MINT_EKU_SERVER;
			if ((key = mint_key(MINT_EC, 0)) == NULL ||
			    (leaf = mint_cert(&ms, key, NULL, NULL)) == NULL)
				goto fail;
			s.leaf = leaf;
			s.key = key;
			s.extra = NULL;
			s.nextra = 0;
		}
		ts->ctx = ts_ctx(&s);
		X509_free(leaf);
		EVP_PKEY_free(key);
		if (ts->ctx == NULL)
			goto fail;
		break;
	default:
		break;
	}
	if (pipe(ts->stopfd) == -1)
		goto fail;
	if ((ts->lfd = ts_listen(spec->bind, spec->port, &ts->port)) == -1)
		goto fail;
	if (fcntl(ts->lfd, F_SETFL, O_NONBLOCK) == -1)
		goto fail;
	if (pthread_create(&ts->thread, NULL, ts_main, ts) != 0)
		goto fail;
	return ts;
fail:
	if (ts->lfd != -1)
		close(ts->lfd);
	if (ts->stopfd[0] != -1) {
		close(ts->stopfd[0]);
		close(ts->stopfd[1]);
	}
	SSL_CTX_free(ts->ctx);
	free(ts);
	ERR_clear_error();
	return NULL;
}

/* The bound port. */
int
tlsserver_port(const struct tlsserver *ts)
{
	return ts->port;
}

/* Connections accepted so far. */
int
tlsserver_accepted(const struct tlsserver *ts)
{
	return atomic_load(&ts->accepted);
}

/* Stop the thread (at once, whatever it is doing) and free everything. */
void
tlsserver_stop(struct tlsserver *ts)
{
	char	 c = 's';

	if (ts == NULL)
		return;
	while (write(ts->stopfd[1], &c, 1) == -1 && errno == EINTR)
		;
	pthread_join(ts->thread, NULL);
	close(ts->lfd);
	close(ts->stopfd[0]);
	close(ts->stopfd[1]);
	SSL_CTX_free(ts->ctx);
	free(ts);
}

/* A loopback port with nothing listening (bound then closed). */
int
tlsserver_closed_port(const char *bind_addr)
{
	int	 fd, port;

	if ((fd = ts_listen(bind_addr, 0, &port)) == -1)
		return -1;
	close(fd);
	return port;
}

/* The accept loop: one connection at a time until stopped. */
static void *
ts_main(void *arg)
{
	struct tlsserver	*ts = arg;
	int			 fd, r;

	for (;;) {
		if ((r = ts_wait(ts, ts->lfd, POLLIN, -1)) == -1)
			break;
		if (r == 0)
			continue;
		fd = accept(ts->lfd, NULL, NULL);
		if (fd == -1)
			continue;
		atomic_fetch_add(&ts->accepted, 1);
		if (fcntl(fd, F_SETFL, O_NONBLOCK) == -1) {
			close(fd);
			continue;
		}
		ts_serve(ts, fd);
	}
	return NULL;
}

/*
 * Wait for events on fd, or for the stop pipe, for at most ms (-1: no
 * bound). 1: ready; 0: timed out; -1: stopping.
 */
static int
ts_wait(struct tlsserver *ts, int fd, short events, int ms)
{
	struct pollfd	 pfd[2];
	int		 r;

	pfd[0].fd = ts->stopfd[0];
	pfd[0].events = POLLIN;
	pfd[1].fd = fd;
	pfd[1].events = events;
	for (;;) {
		pfd[0].revents = pfd[1].revents = 0;
		r = poll(pfd, fd == -1 ? 1 : 2, ms);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1 || pfd[0].revents != 0)
			return -1;
		return r > 0;
	}
}

/* Receive what is there within ms: bytes, 0 at EOF, -1 otherwise. */
static ssize_t
ts_recv(struct tlsserver *ts, int fd, void *buf, size_t len, int ms)
{
	ssize_t	 n;

	for (;;) {
		n = recv(fd, buf, len, 0);
		if (n >= 0)
			return n;
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			return -1;
		if (ts_wait(ts, fd, POLLIN, ms) != 1)
			return -1;
	}
}

/* Send all of buf; 0 on success, -1 on error, timeout or stop. */
static int
ts_send(struct tlsserver *ts, int fd, const void *buf, size_t len)
{
	const unsigned char	*p = buf;
	ssize_t			 n;

	while (len > 0) {
		n = send(fd, p, len, MSG_NOSIGNAL);
		if (n >= 0) {
			p += n;
			len -= (size_t)n;
			continue;
		}
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			return -1;
		if (ts_wait(ts, fd, POLLOUT, TS_WAIT_MS) != 1)
			return -1;
	}
	return 0;
}

/* Read the client's first record (its ClientHello), or what comes. */
static void
ts_read_hello(struct tlsserver *ts, int fd)
{
	unsigned char	 buf[16384 + 5];
	size_t		 have = 0, want = 5;
	ssize_t		 n;

	while (have < want) {
		n = ts_recv(ts, fd, buf + have, want - have, TS_WAIT_MS);
		if (n <= 0)
			return;
		have += (size_t)n;
		if (have == 5) {
			if (buf[0] != 0x16)
				return;		/* not TLS: what came is enough */
			want = 5 + ((size_t)buf[3] << 8 | buf[4]);
			if (want > sizeof(buf))
				return;
		}
	}
}

/* Discard input until the client closes, ms pass or we are stopped. */
static void
ts_hold(struct tlsserver *ts, int fd, int ms)
{
	unsigned char	 buf[4096];
	struct timespec	 t0, t;
	int		 left;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		clock_gettime(CLOCK_MONOTONIC, &t);
		left = ms - (int)((t.tv_sec - t0.tv_sec) * 1000 +
		    (t.tv_nsec - t0.tv_nsec) / 1000000);
		if (left <= 0 || ts_recv(ts, fd, buf, sizeof(buf), left) <= 0)
			return;
	}
}

/*
 * Close gracefully: FIN first, then wait for the client's FIN, so that
 * unread bytes in our socket do not turn the close into a reset before
 * the client has read what we sent.
 */
static void
ts_finish(struct tlsserver *ts, int fd)
{
	(void)shutdown(fd, SHUT_WR);
	ts_hold(ts, fd, TS_DRAIN_MS);
	close(fd);
}

/* Serve one accepted connection as the mode says, then close it. */
static void
ts_serve(struct tlsserver *ts, int fd)
{
	static const unsigned char	 alert[] = {
		0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28
	};
	static const char		 http[] =
	    "HTTP/1.1 400 Bad Request\r\n"
	    "Server: nginx\r\n"
	    "Content-Type: text/html\r\n"
	    "Content-Length: 54\r\n"
	    "Connection: close\r\n"
	    "\r\n"
	    "<html><body><h1>400 Bad Request</h1></body></html>\r\n\r\n";
	unsigned char			 junk[64];
	struct linger			 lg;

	switch (ts->mode) {
	case TS_TLS:
	case TS_REQUIRE_CERT:
	case TS_TRICKLE:
	case TS_STALL_AFTER_HELLO:
	case TS_STALL_AFTER_CERT:
	case TS_TICKET_FLOOD:
		ts_serve_tls(ts, fd);
		return;
	case TS_SILENT:
		ts_hold(ts, fd, TS_HOLD_MS);
		break;
	case TS_CLOSE:
		break;
	case TS_RST:
		ts_read_hello(ts, fd);
		lg.l_onoff = 1;
		lg.l_linger = 0;
		(void)setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
		close(fd);
		return;
	case TS_GARBAGE:
		ts_read_hello(ts, fd);
		if (RAND_bytes(junk, sizeof(junk)) != 1)
			memset(junk, 0xa5, sizeof(junk));
		junk[0] = 0xff;		/* no TLS content type */
		junk[1] = 0x00;
		(void)ts_send(ts, fd, junk, sizeof(junk));
		break;
	case TS_HTTP:
		ts_read_hello(ts, fd);
		(void)ts_send(ts, fd, http, sizeof(http) - 1);
		break;
	case TS_ALERT:
		ts_read_hello(ts, fd);
		(void)ts_send(ts, fd, alert, sizeof(alert));
		break;
	case TS_HELLO_REQUEST_FLOOD:
		ts_read_hello(ts, fd);
		ts_hello_flood(ts, fd);
		break;
	}
	ts_finish(ts, fd);
}

/*
 * Send what OpenSSL wrote into wbio as the mode says: all of it; one byte
 * a second (reading the client meanwhile into rbio); or only the first
 * record, after which *stalled is set. 0, or -1 when the connection is over.
 */
static int
ts_flush(struct tlsserver *ts, int fd, BIO *wbio, BIO *rbio, int *stalled)
{
	unsigned char	 buf[65536], in[4096];
	size_t		 len, i, rlen;
	ssize_t		 n;
	int		 r;

	while ((r = BIO_read(wbio, buf, sizeof(buf))) > 0) {
		len = (size_t)r;
		switch (ts->mode) {
		case TS_STALL_AFTER_HELLO:
			if (len >= 5 && 5 + ((size_t)buf[3] << 8 | buf[4]) <
			    len)
				len = 5 + ((size_t)buf[3] << 8 | buf[4]);
			*stalled = 1;
			return ts_send(ts, fd, buf, len);
		case TS_STALL_AFTER_CERT:
			/*
			 * Whole records, up to the one that starts the
			 * Certificate message (handshake type 11).
			 */
			for (i = 0; i + 5 <= len; i += rlen) {
				rlen = 5 + ((size_t)buf[i + 3] << 8 |
				    buf[i + 4]);
				if (i + rlen > len)
					rlen = len - i;
				if (buf[i] == 0x16 && rlen > 5 &&
				    buf[i + 5] == 11) {
					*stalled = 1;
					return ts_send(ts, fd, buf, i + rlen);
				}
			}
			if (ts_send(ts, fd, buf, len) == -1)
				return -1;
			break;
		case TS_TRICKLE:
			for (i = 0; i < len; i++) {
				if (ts_send(ts, fd, buf + i, 1) == -1)
					return -1;
				r = ts_wait(ts, fd, POLLIN, TS_TRICKLE_MS);
				if (r == -1)
					return -1;
				if (r == 1) {
					n = recv(fd, in, sizeof(in), 0);
					if (n == 0 || (n == -1 &&
					    errno != EAGAIN && errno != EINTR))
						return -1;
					if (n > 0)
						(void)BIO_write(rbio, in,
						    (int)n);
					/* Keep the pace: wait out the second. */
					if (ts_wait(ts, -1, 0,
					    TS_TRICKLE_MS / 2) == -1)
						return -1;
				}
			}
			break;
		default:
			if (ts_send(ts, fd, buf, len) == -1)
				return -1;
			break;
		}
	}
	return 0;
}

/*
 * TS_TICKET_FLOOD: NewSessionTicket messages, TS_FLOOD_BATCH at a time
 * (some 250 KiB), as fast as the
 * client takes them, until it closes, an error, TS_HOLD_MS or a stop.
 */
static void
ts_flood(struct tlsserver *ts, int fd, SSL *ssl, BIO *wbio)
{
	unsigned char	 buf[65536];
	struct timespec	 t0, t;
	ssize_t		 n;
	int		 i, r;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		for (i = 0; i < TS_FLOOD_BATCH; i++)
			if (SSL_new_session_ticket(ssl) != 1)
				return;
		if (SSL_do_handshake(ssl) != 1)
			return;
		while ((r = BIO_read(wbio, buf, sizeof(buf))) > 0)
			if (ts_send(ts, fd, buf, (size_t)r) == -1)
				return;
		/* The client's close, or what it sends: drop it. */
		n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n == 0 || (n == -1 && errno != EAGAIN &&
		    errno != EWOULDBLOCK && errno != EINTR))
			return;
		if (ts_wait(ts, -1, 0, 0) == -1)
			return;
		clock_gettime(CLOCK_MONOTONIC, &t);
		if ((t.tv_sec - t0.tv_sec) * 1000 > TS_HOLD_MS)
			return;
	}
}

/*
 * TS_HELLO_REQUEST_FLOOD: handshake records of 16 KiB, each 4096
 * HelloRequest messages, sent without pause until the client closes, an
 * error, TS_HOLD_MS or a stop.
 */
static void
ts_hello_flood(struct tlsserver *ts, int fd)
{
	static unsigned char	 buf[4 * (5 + 16384)];
	struct timespec		 t0, t;
	size_t			 i;

	for (i = 0; i < sizeof(buf); i += 5 + 16384) {
		buf[i] = 0x16;
		buf[i + 1] = 0x03;
		buf[i + 2] = 0x03;
		buf[i + 3] = 0x40;	/* 16384 */
		buf[i + 4] = 0x00;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		if (ts_send(ts, fd, buf, sizeof(buf)) == -1)
			return;
		clock_gettime(CLOCK_MONOTONIC, &t);
		if ((t.tv_sec - t0.tv_sec) * 1000 > TS_HOLD_MS)
			return;
	}
}

/* A TLS session through memory BIOs, so the mode controls the wire. */
static void
ts_serve_tls(struct tlsserver *ts, int fd)
{
	SSL		*ssl;
	BIO		*rbio, *wbio;
	unsigned char	 buf[16384];
	ssize_t		 n;
	int		 r, err, done = 0, stalled = 0;

	if ((ssl = SSL_new(ts->ctx)) == NULL) {
		close(fd);
		return;
	}
	rbio = BIO_new(BIO_s_mem());
	wbio = BIO_new(BIO_s_mem());
	if (rbio == NULL || wbio == NULL) {
		BIO_free(rbio);
		BIO_free(wbio);
		SSL_free(ssl);
		close(fd);
		return;
	}
	BIO_set_mem_eof_return(rbio, -1);
	SSL_set_bio(ssl, rbio, wbio);
	SSL_set_accept_state(ssl);
	for (;;) {
		if (!done) {
			r = SSL_do_handshake(ssl);
			if (r == 1)
				done = 1;
			if (r == 1 && ts->mode == TS_TICKET_FLOOD) {
				ts_flood(ts, fd, ssl, wbio);
				break;
			}
		} else {
			r = SSL_read(ssl, buf, sizeof(buf));
			if (r > 0)
				continue;	/* discard application data */
		}
		err = r == 1 && done ? SSL_ERROR_WANT_READ :
		    SSL_get_error(ssl, r);
		if (err == SSL_ERROR_ZERO_RETURN)
			(void)SSL_shutdown(ssl);	/* our close_notify */
		if (ts_flush(ts, fd, wbio, rbio, &stalled) == -1)
			break;
		if (stalled) {
			ts_hold(ts, fd, TS_HOLD_MS);
			break;
		}
		if (err != SSL_ERROR_WANT_READ)
			break;		/* failed, or closed by the client */
		n = ts_recv(ts, fd, buf, sizeof(buf), done ? TS_IDLE_MS :
		    TS_WAIT_MS);
		if (n <= 0)
			break;
		(void)BIO_write(rbio, buf, (int)n);
	}
	SSL_free(ssl);
	ERR_clear_error();
	ts_finish(ts, fd);
}
