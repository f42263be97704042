/*
 * sip_request.c: one SIP OPTIONS request (RFC 3261), pure.
 *
 * The request. Every field comes from the caller and is checked against a
 * grammar narrower than RFC 3261's before it is written: a host is a DNS
 * host name or an IP address (an IPv6 one is written between brackets), a
 * branch, tag or version is an RFC 3261 token, a Call-ID is made of token
 * characters and '@'. So no parameter can carry CR, LF, a space, '<', ';'
 * or anything else that would end a header or add a parameter to it.
 */
#include <arpa/inet.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sip_request.h"
#include "srv.h"

static int	 sip_request_host(const char *);
static int	 sip_request_token(const char *, size_t, const char *);
static int	 sip_request_append(char *, size_t, size_t *, const char *, ...)
		    __attribute__((__format__(__printf__, 4, 5)));

/* Whether a host is a DNS host name or an IP address. */
static int
sip_request_host(const char *host)
{
	unsigned char	 addr[16];

	if (host == NULL)
		return 0;
	if (strchr(host, ':') != NULL)
		return strlen(host) < 46 && inet_pton(AF_INET6, host, addr) == 1;
	return srv_name_valid(host);
}

/* Whether s is 1..max RFC 3261 token characters, or bytes of extra. */
static int
sip_request_token(const char *s, size_t max, const char *extra)
{
	static const char	 mark[] = "-.!%*_+`'~";
	const char		*p;

	if (s == NULL || *s == '\0' || strlen(s) > max)
		return 0;
	for (p = s; *p != '\0'; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr(mark, *p) != NULL ||
		    strchr(extra, *p) != NULL)
			continue;
		return 0;
	}
	return 1;
}

/* Append to buf at *off; -1 when it does not fit. */
static int
sip_request_append(char *buf, size_t size, size_t *off, const char *fmt, ...)
{
	va_list	 ap;
	int	 n;

	if (*off >= size)
		return -1;
	va_start(ap, fmt);
	n = vsnprintf(buf + *off, size - *off, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= size - *off)
		return -1;
	*off += (size_t)n;
	return 0;
}

/* Write one OPTIONS request; see sip.h. */
int
sip_request_build(const struct sip_request *r, char *buf, size_t size,
    size_t *len, const char **cause)
{
	const char	*ulb, *urb, *vlb, *vrb;
	size_t		 off = 0;

	if (!sip_request_host(r->sni)) {
		*cause = "SIP request: invalid SNI host";
		return -1;
	}
	if (!sip_request_host(r->via_host)) {
		*cause = "SIP request: invalid Via host";
		return -1;
	}
	if (!sip_request_host(r->from_domain)) {
		*cause = "SIP request: invalid From domain";
		return -1;
	}
	if (r->port < 1 || r->port > 65535 || r->via_port < 1 ||
	    r->via_port > 65535) {
		*cause = "SIP request: port out of 1..65535";
		return -1;
	}
	if (!sip_request_token(r->branch, SIP_TOKEN_MAX, "") ||
	    !sip_request_token(r->tag, SIP_TOKEN_MAX, "") ||
	    !sip_request_token(r->version, SIP_TOKEN_MAX, "")) {
		*cause = "SIP request: invalid branch, tag or version";
		return -1;
	}
	if (!sip_request_token(r->call_id, SIP_CALLID_MAX, "@")) {
		*cause = "SIP request: invalid Call-ID";
		return -1;
	}
	ulb = strchr(r->sni, ':') != NULL ? "[" : "";
	urb = *ulb != '\0' ? "]" : "";
	vlb = strchr(r->via_host, ':') != NULL ? "[" : "";
	vrb = *vlb != '\0' ? "]" : "";

	if (sip_request_append(buf, size, &off,
	    "OPTIONS sip:%s%s%s:%d;transport=tls SIP/2.0\r\n"
	    "Via: SIP/2.0/TLS %s%s%s:%d;rport;branch=z9hG4bK%s\r\n"
	    "Max-Forwards: 70\r\n"
	    "From: <sip:edgeprobe@%s%s%s>;tag=%s\r\n"
	    "To: <sip:%s%s%s>\r\n"
	    "Call-ID: %s\r\n"
	    "CSeq: 1 OPTIONS\r\n",
	    ulb, r->sni, urb, r->port,
	    vlb, r->via_host, vrb, r->via_port, r->branch,
	    strchr(r->from_domain, ':') != NULL ? "[" : "", r->from_domain,
	    strchr(r->from_domain, ':') != NULL ? "]" : "", r->tag,
	    ulb, r->sni, urb, r->call_id) == -1 ||
	    (r->contact && sip_request_append(buf, size, &off,
	    "Contact: <sip:edgeprobe@%s%s%s:%d;transport=tls>\r\n",
	    vlb, r->via_host, vrb, r->via_port) == -1) ||
	    sip_request_append(buf, size, &off,
	    "User-Agent: edgeprobe/%s\r\n"
	    "Accept: application/sdp\r\n"
	    "Content-Length: 0\r\n"
	    "\r\n", r->version) == -1) {
		*cause = "SIP request: does not fit the buffer";
		return -1;
	}
	*len = off;
	return 0;
}
