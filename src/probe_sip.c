/*
 * probe_sip.c: one SIP OPTIONS over the probe's TLS connection.
 *
 * A federating partner's first request to an Access Edge after the
 * handshake is SIP; OPTIONS is the one every stack must answer (RFC 3261
 * 11). Any final answer, 403 and 405 included, proves the stack is there.
 * The request's random parts come from OpenSSL's RAND_bytes; the answer
 * is read inside the probe's deadline and read budget, and sip.c bounds
 * its bytes (SIP_RESPONSE_MAX), so a server cannot make us read forever.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>

#include "probe.h"
#include "probe_int.h"
#include "probe_sip.h"
#include "sip.h"
#include "sip_request.h"
#include "version.h"
#include "xmalloc.h"

/* The domain of our From: a reserved name (RFC 6761), never a real one. */
#define PROBE_SIP_FROM		"edgeprobe.invalid"

struct probe_sip {
	char			 req[SIP_REQUEST_MAX];
	size_t			 len;
	size_t			 off;		/* written so far */
	struct sip_parser	*parser;
	enum sip_parse		 state;
	char			 error[128];	/* why no answer */
};

static void	 probe_sip_random(char *, size_t);
static void	 probe_sip_local(const struct probe *, char *, size_t, int *);
static enum probe_sip_step probe_sip_read(struct probe *, int *, int *);
static enum probe_sip_step probe_sip_ssl_error(struct probe *, int, int,
		    int *, int *);

/* (size - 1) / 2 random bytes in hex, NUL-terminated (size odd, <= 65). */
static void
probe_sip_random(char *out, size_t size)
{
	static const char	 hex[] = "0123456789abcdef";
	unsigned char		 b[32];
	size_t			 i, n = (size - 1) / 2;

	if (n > sizeof(b))
		n = sizeof(b);
	if (RAND_bytes(b, (int)n) != 1)
		memset(b, 0, n);	/* uniqueness is a courtesy here */
	for (i = 0; i < n; i++) {
		out[2 * i] = hex[b[i] >> 4];
		out[2 * i + 1] = hex[b[i] & 0x0f];
	}
	out[2 * n] = '\0';
}

/* Our end of the connection, for Via (the address unbracketed). */
static void
probe_sip_local(const struct probe *p, char *host, size_t len, int *port)
{
	struct sockaddr_storage	 ss;
	socklen_t		 sl = sizeof(ss);
	const void		*a = NULL;

	snprintf(host, len, "%s", p->ss.ss_family == AF_INET6 ? "::1" :
	    "127.0.0.1");
	*port = 5061;
	if (getsockname(p->fd, (struct sockaddr *)&ss, &sl) == -1)
		return;
	if (ss.ss_family == AF_INET) {
		a = &((struct sockaddr_in *)(void *)&ss)->sin_addr;
		*port = ntohs(((struct sockaddr_in *)(void *)&ss)->sin_port);
	} else if (ss.ss_family == AF_INET6) {
		a = &((struct sockaddr_in6 *)(void *)&ss)->sin6_addr;
		*port = ntohs(((struct sockaddr_in6 *)(void *)&ss)->sin6_port);
	}
	if (a != NULL)
		(void)inet_ntop(ss.ss_family, a, host, (socklen_t)len);
}

/* Build the request: Request-URI and To from the SNI (or the address). */
int
probe_sip_begin(struct probe *p)
{
	struct probe_sip	*s;
	struct sip_request	 rq;
	char			 via[INET6_ADDRSTRLEN], branch[17], tag[11];
	char			 callid[33];
	const char		*cause;

	s = p->sip = xcalloc(1, sizeof(*p->sip));
	if ((s->parser = sip_parser_new()) == NULL) {
		snprintf(s->error, sizeof(s->error), "out of memory");
		return -1;
	}
	s->state = SIP_NEED_MORE;
	probe_sip_random(branch, sizeof(branch));
	probe_sip_random(tag, sizeof(tag));
	probe_sip_random(callid, sizeof(callid));
	memset(&rq, 0, sizeof(rq));
	probe_sip_local(p, via, sizeof(via), &rq.via_port);
	rq.sni = p->sni != NULL ? p->sni : p->address;
	rq.port = p->port;
	rq.via_host = via;
	rq.from_domain = PROBE_SIP_FROM;
	rq.branch = branch;
	rq.tag = tag;
	rq.call_id = callid;
	rq.version = EDGEPROBE_VERSION;
	if (sip_request_build(&rq, s->req, sizeof(s->req), &s->len,
	    &cause) == -1) {
		snprintf(s->error, sizeof(s->error), "no OPTIONS sent: %s",
		    cause);
		return -1;
	}
	return 0;
}

/* Write what is left of the request, then read the answer. */
enum probe_sip_step
probe_sip_step(struct probe *p, int *r, int *e)
{
	struct probe_sip	*s = p->sip;
	int			 n;

	while (s->off < s->len) {
		ERR_clear_error();
		errno = 0;
		n = SSL_write(p->ssl, s->req + s->off, (int)(s->len - s->off));
		if (n <= 0)
			return probe_sip_ssl_error(p, n,
			    SSL_get_error(p->ssl, n), r, e);
		s->off += (size_t)n;
	}
	return probe_sip_read(p, r, e);
}

/* Read and parse until a final answer, a verdict, or no more bytes. */
static enum probe_sip_step
probe_sip_read(struct probe *p, int *r, int *e)
{
	struct probe_sip	*s = p->sip;
	unsigned char		 buf[4096];
	int			 n;

	p->read_budget = PROBE_READ_BUDGET;
	for (;;) {
		ERR_clear_error();
		errno = 0;
		n = SSL_read(p->ssl, buf, sizeof(buf));
		if (n <= 0)
			return probe_sip_ssl_error(p, n,
			    SSL_get_error(p->ssl, n), r, e);
		s->state = sip_parser_feed(s->parser, buf, (size_t)n);
		switch (s->state) {
		case SIP_NEED_MORE:
			continue;
		case SIP_DONE:
			return PROBE_SIP_DONE;
		case SIP_NOT_SIP:
			snprintf(s->error, sizeof(s->error), "the answer to "
			    "OPTIONS is not SIP");
			return PROBE_SIP_DONE;
		case SIP_TOO_LARGE:
			snprintf(s->error, sizeof(s->error), "no final SIP "
			    "answer within the first %d bytes",
			    SIP_RESPONSE_MAX);
			return PROBE_SIP_DONE;
		}
	}
}

/*
 * A read or write that did not go through: wait, a TLS abort (an alert:
 * the server refused us after the handshake), or the end of the answer.
 */
static enum probe_sip_step
probe_sip_ssl_error(struct probe *p, int n, int err, int *r, int *e)
{
	struct probe_sip	*s = p->sip;

	switch (err) {
	case SSL_ERROR_WANT_READ:
		return PROBE_SIP_WANT_READ;
	case SSL_ERROR_WANT_WRITE:
		return PROBE_SIP_WANT_WRITE;
	case SSL_ERROR_ZERO_RETURN:
		snprintf(s->error, sizeof(s->error), "the server closed the "
		    "connection without answering OPTIONS");
		return PROBE_SIP_DONE;
	default:
		break;
	}
	if (p->alert[0] != '\0') {
		*r = n;
		*e = err;
		return PROBE_SIP_TLS_ERROR;
	}
	snprintf(s->error, sizeof(s->error), "the connection ended without "
	    "an answer to OPTIONS%s%s", errno != 0 ? ": " : "",
	    errno != 0 ? strerror(errno) : "");
	ERR_clear_error();
	return PROBE_SIP_DONE;
}

/* The deadline passed while we waited for the answer. */
void
probe_sip_timeout(struct probe *p)
{
	snprintf(p->sip->error, sizeof(p->sip->error), "no final answer to "
	    "OPTIONS within %d.%03d s of the connect", p->timeout_ms / 1000,
	    p->timeout_ms % 1000);
}

/* What the outcome says of the exchange. */
void
probe_sip_outcome(const struct probe *p, struct probe_outcome *o)
{
	const struct sip_response	*rs;

	if (p->sip == NULL)
		return;
	o->sip_asked = 1;
	if (p->sip->state == SIP_DONE &&
	    (rs = sip_parser_response(p->sip->parser)) != NULL) {
		o->sip_status = rs->status;
		snprintf(o->sip_reason, sizeof(o->sip_reason), "%s",
		    rs->reason);
		snprintf(o->sip_server, sizeof(o->sip_server), "%s",
		    rs->server);
		return;
	}
	snprintf(o->sip_error, sizeof(o->sip_error), "%s",
	    p->sip->error[0] != '\0' ? p->sip->error :
	    "no SIP exchange (the handshake did not complete)");
}

/* Free the exchange's state. */
void
probe_sip_free(struct probe *p)
{
	if (p->sip == NULL)
		return;
	sip_parser_free(p->sip->parser);
	free(p->sip);
	p->sip = NULL;
}
