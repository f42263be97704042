/*
 * probe_http.c: the metrics listener, an engine file: it registers libevent
 * callbacks (evhttp's) on the engine's loop, like probe.c.
 *
 * A scraper is a client we do not control, on the same loop as every probe,
 * so each of its resources is bounded: request headers (8 KiB) and body
 * (1 KiB: a GET has none), connections (PROBE_HTTP_MAX_CONN: at the cap the
 * listener stops accepting and the kernel's backlog holds the rest until
 * one closes), and every read or write times out after PROBE_HTTP_TIMEOUT
 * seconds of silence. Nothing here blocks: a slow reader only keeps its own
 * connection, never the loop.
 *
 * evhttp has no connection count before libevent 2.2. So the bufferevent of
 * each connection is made here and holds one more reference: when evhttp
 * frees it, its callbacks are cleared but it stays allocated, and a sweep
 * (at each new connection and every second while any is open) drops those
 * whose callbacks are gone. (A pass-through filter bufferevent with a free
 * callback was tried first: evhttp then stalled on a fraction of requests.)
 */
#include <sys/queue.h>
#include <sys/socket.h>

#include <errno.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <event2/listener.h>

#include "probe.h"
#include "probe_http.h"
#include "xmalloc.h"

#define PROBE_HTTP_MAX_CONN	32
#define PROBE_HTTP_TIMEOUT	5		/* seconds */
#define PROBE_HTTP_MAX_HEADERS	8192
#define PROBE_HTTP_MAX_BODY	1024
#define PROBE_HTTP_SWEEP_SEC	1

/* One connection's bufferevent, referenced until evhttp is done with it. */
struct probe_http_conn {
	TAILQ_ENTRY(probe_http_conn) entry;
	struct bufferevent	*bev;
};
TAILQ_HEAD(probe_http_conns, probe_http_conn);

struct probe_http {
	struct event_base	*base;
	struct evhttp		*http;
	struct evhttp_bound_socket *bound;
	char			*path;
	char			*content_type;
	probe_http_render_cb	 render;
	void			*arg;
	struct probe_http_conns	 conns;
	size_t			 nconn;
	struct event		*sweep;
	int			 paused;	/* at the cap: not accepting */
};

static int	 probe_http_bind(const char *, char **);
static struct bufferevent *probe_http_bev(struct event_base *, void *);
static void	 probe_http_sweep(struct probe_http *);
static void	 probe_http_sweep_cb(evutil_socket_t, short, void *);
static void	 probe_http_request(struct evhttp_request *, void *);
static void	 probe_http_reply(struct evhttp_request *, int, const char *);

/* Listen on addr and serve path; NULL with *cause on any error. */
struct probe_http *
probe_http_new(struct probe_engine *eng, const char *addr,
    const char *path, const char *content_type, probe_http_render_cb render,
    void *arg, char **cause)
{
	struct probe_http	*h;
	int			 fd;

	if ((fd = probe_http_bind(addr, cause)) == -1)
		return NULL;
	h = xcalloc(1, sizeof(*h));
	h->base = probe_engine_base(eng);
	h->path = xstrdup(path);
	h->content_type = xstrdup(content_type);
	h->render = render;
	h->arg = arg;
	TAILQ_INIT(&h->conns);
	if ((h->sweep = evtimer_new(h->base, probe_http_sweep_cb, h)) == NULL ||
	    (h->http = evhttp_new(h->base)) == NULL ||
	    (h->bound = evhttp_accept_socket_with_handle(h->http, fd)) ==
	    NULL) {
		xasprintf(cause, "%s: evhttp set-up failed", addr);
		close(fd);
		if (h->http != NULL)
			evhttp_free(h->http);
		if (h->sweep != NULL)
			event_free(h->sweep);
		free(h->path);
		free(h->content_type);
		free(h);
		return NULL;
	}
	evhttp_set_max_headers_size(h->http, PROBE_HTTP_MAX_HEADERS);
	evhttp_set_max_body_size(h->http, PROBE_HTTP_MAX_BODY);
	evhttp_set_timeout(h->http, PROBE_HTTP_TIMEOUT);
	evhttp_set_allowed_methods(h->http, EVHTTP_REQ_GET | EVHTTP_REQ_POST |
	    EVHTTP_REQ_HEAD | EVHTTP_REQ_PUT | EVHTTP_REQ_DELETE |
	    EVHTTP_REQ_OPTIONS | EVHTTP_REQ_TRACE | EVHTTP_REQ_CONNECT |
	    EVHTTP_REQ_PATCH);
	evhttp_set_bevcb(h->http, probe_http_bev, h);
	evhttp_set_gencb(h->http, probe_http_request, h);
	return h;
}

/* Close the listener and every connection, then free. */
void
probe_http_free(struct probe_http *h)
{
	if (h == NULL)
		return;
	evhttp_free(h->http);		/* clears every connection's callbacks */
	h->http = NULL;
	probe_http_sweep(h);
	event_free(h->sweep);
	free(h->path);
	free(h->content_type);
	free(h);
}

/* Connections open now. */
size_t
probe_http_connections(const struct probe_http *h)
{
	return h->nconn;
}

/*
 * A listening socket on "ADDR:PORT" or "[ADDR]:PORT", numeric only: a name
 * would be resolved once, at start-up, and silently go stale.
 */
static int
probe_http_bind(const char *addr, char **cause)
{
	struct addrinfo	 hints, *ai = NULL;
	char		*host, *port, *end;
	int		 fd = -1, on = 1, rc;

	host = xstrdup(addr);
	if ((port = strrchr(host, ':')) == NULL || port[1] == '\0') {
		xasprintf(cause, "%s: not ADDR:PORT", addr);
		goto out;
	}
	*port++ = '\0';
	(void)strtol(port, &end, 10);
	if (*end != '\0') {
		xasprintf(cause, "%s: the port is not a number", addr);
		goto out;
	}
	if (host[0] == '[' && (end = strchr(host, ']')) != NULL &&
	    end[1] == '\0') {
		*end = '\0';
		memmove(host, host + 1, strlen(host));
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE;
	if ((rc = getaddrinfo(host, port, &hints, &ai)) != 0) {
		xasprintf(cause, "%s: %s", addr, gai_strerror(rc));
		goto out;
	}
	if ((fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0)) == -1 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) == -1 ||
	    bind(fd, ai->ai_addr, ai->ai_addrlen) == -1 ||
	    listen(fd, 64) == -1) {
		xasprintf(cause, "%s: cannot listen: %s", addr,
		    strerror(errno));
		if (fd != -1)
			close(fd);
		fd = -1;
	}
out:
	if (ai != NULL)
		freeaddrinfo(ai);
	free(host);
	return fd;
}

/*
 * A new connection: its bufferevent, counted and referenced. At the cap the
 * listener pauses until the sweep sees one go.
 */
static struct bufferevent *
probe_http_bev(struct event_base *base, void *arg)
{
	struct probe_http	*h = arg;
	struct probe_http_conn	*c;
	struct bufferevent	*bev;
	struct timeval		 tv = { PROBE_HTTP_SWEEP_SEC, 0 };

	probe_http_sweep(h);
	if ((bev = bufferevent_socket_new(base, -1,
	    BEV_OPT_CLOSE_ON_FREE)) == NULL)
		return NULL;
	bufferevent_incref(bev);
	c = xcalloc(1, sizeof(*c));
	c->bev = bev;
	TAILQ_INSERT_TAIL(&h->conns, c, entry);
	if (++h->nconn >= PROBE_HTTP_MAX_CONN && !h->paused) {
		evconnlistener_disable(evhttp_bound_socket_get_listener(
		    h->bound));
		h->paused = 1;
	}
	if (!evtimer_pending(h->sweep, NULL))
		evtimer_add(h->sweep, &tv);
	return bev;
}

/*
 * Drop the connections evhttp has freed (their read callback is gone) and
 * accept again below the cap.
 */
static void
probe_http_sweep(struct probe_http *h)
{
	struct probe_http_conn	*c, *next;
	bufferevent_data_cb	 readcb;

	for (c = TAILQ_FIRST(&h->conns); c != NULL; c = next) {
		next = TAILQ_NEXT(c, entry);
		bufferevent_getcb(c->bev, &readcb, NULL, NULL, NULL);
		if (readcb != NULL)
			continue;
		bufferevent_disable(c->bev, EV_READ | EV_WRITE);
		bufferevent_decref(c->bev);	/* closes the socket */
		TAILQ_REMOVE(&h->conns, c, entry);
		free(c);
		h->nconn--;
	}
	if (h->paused && h->nconn < PROBE_HTTP_MAX_CONN && h->http != NULL) {
		evconnlistener_enable(evhttp_bound_socket_get_listener(
		    h->bound));
		h->paused = 0;
	}
}

/* The periodic sweep, while any connection is open. */
static void
probe_http_sweep_cb(evutil_socket_t fd, short what, void *arg)
{
	struct probe_http	*h = arg;
	struct timeval		 tv = { PROBE_HTTP_SWEEP_SEC, 0 };

	(void)fd;
	(void)what;
	probe_http_sweep(h);
	if (!TAILQ_EMPTY(&h->conns))
		evtimer_add(h->sweep, &tv);
}

/* GET on the path serves the document; anything else is an error. */
static void
probe_http_request(struct evhttp_request *req, void *arg)
{
	struct probe_http	*h = arg;
	const struct evhttp_uri	*uri;
	const char		*path = NULL;
	struct evbuffer		*body;
	char			*doc;
	size_t			 len = 0;

	if ((uri = evhttp_request_get_evhttp_uri(req)) != NULL)
		path = evhttp_uri_get_path(uri);
	if (path == NULL || strcmp(path, h->path) != 0) {
		probe_http_reply(req, HTTP_NOTFOUND, "not found\n");
		return;
	}
	if (evhttp_request_get_command(req) != EVHTTP_REQ_GET) {
		evhttp_add_header(evhttp_request_get_output_headers(req),
		    "Allow", "GET");
		probe_http_reply(req, HTTP_BADMETHOD, "only GET\n");
		return;
	}
	doc = h->render(&len, h->arg);
	if ((body = evbuffer_new()) == NULL ||
	    evbuffer_add(body, doc, len) == -1) {
		free(doc);
		if (body != NULL)
			evbuffer_free(body);
		evhttp_send_error(req, HTTP_INTERNAL, NULL);
		return;
	}
	free(doc);
	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Content-Type", h->content_type);
	evhttp_send_reply(req, HTTP_OK, "OK", body);
	evbuffer_free(body);
}

/* A short plain-text error reply. */
static void
probe_http_reply(struct evhttp_request *req, int code, const char *text)
{
	struct evbuffer	*body;

	if ((body = evbuffer_new()) == NULL) {
		evhttp_send_error(req, code, NULL);
		return;
	}
	evbuffer_add(body, text, strlen(text));
	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Content-Type", "text/plain; charset=utf-8");
	evhttp_send_reply(req, code, NULL, body);
	evbuffer_free(body);
}
