/*
 * sip_request.h: one SIP OPTIONS request, built from parameters only
 * (RFC 3261), pure; the random parts (Via branch, From tag, Call-ID) are
 * the caller's.
 */
#ifndef EDGEPROBE_SIP_REQUEST_H
#define EDGEPROBE_SIP_REQUEST_H

#include <stddef.h>

#define SIP_HOST_MAX		253	/* a host name in the request */
#define SIP_TOKEN_MAX		64	/* branch, tag, version */
#define SIP_CALLID_MAX		128
#define SIP_REQUEST_MAX		2048	/* any valid request fits in this */

struct sip_request {
	const char	*sni;		/* Request-URI and To host: the SNI */
	int		 port;		/* Request-URI port */
	const char	*via_host;	/* our address (IPv6 unbracketed) */
	int		 via_port;	/* our port */
	const char	*from_domain;	/* From: <sip:edgeprobe@FROM_DOMAIN> */
	const char	*branch;	/* after "z9hG4bK": random, a token */
	const char	*tag;		/* From tag: random, a token */
	const char	*call_id;	/* random; token characters and '@' */
	const char	*version;	/* User-Agent: edgeprobe/VERSION */
	int		 contact;	/* add Contact: our Via host and port */
};

/*
 * Write the request into buf (size bytes) and its length to *len; 0 on
 * success, -1 with a static *cause when a parameter is invalid (a name
 * with CR, LF, a space or any byte outside its grammar, too long, a port
 * out of 1..65535) or the request does not fit (SIP_REQUEST_MAX always
 * does). buf is NUL-terminated on success; *len does not count the NUL.
 */
int	 sip_request_build(const struct sip_request *, char *buf, size_t size,
	    size_t *len, const char **cause);

#endif
