/*
 * probe_http.h: a small HTTP server on the engine's loop (libevent evhttp)
 * that serves one document at one path, for the Prometheus scrape. Every
 * other path is 404, every other method 405. Request headers and body are
 * bounded, connections are capped and time out, so a slow or hostile
 * client can hold neither the loop nor the probes' sockets.
 */
#ifndef EDGEPROBE_PROBE_HTTP_H
#define EDGEPROBE_PROBE_HTTP_H

#include <stddef.h>

struct probe_engine;
struct probe_http;

/* The document: malloc'ed, its length in *len; the server frees it. */
typedef char	*(*probe_http_render_cb)(size_t *len, void *);

/*
 * Listen on "ADDR:PORT" (numeric IPv4, or [IPv6]) and serve render()'s
 * document as content_type at path. NULL with *cause when the address is
 * not valid or cannot be bound.
 */
struct probe_http	*probe_http_new(struct probe_engine *,
			    const char *addr, const char *path,
			    const char *content_type, probe_http_render_cb,
			    void *, char **cause);
/* Close the listener and every connection. */
void			 probe_http_free(struct probe_http *);
/* Connections open now. */
size_t			 probe_http_connections(const struct probe_http *);

#endif
