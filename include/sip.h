/*
 * sip.h: one SIP OPTIONS request and an incremental reader of its answer
 * (RFC 3261), pure: no I/O, no clock, no randomness.
 *
 * The request is built from parameters only; the random parts (the Via
 * branch, the From tag, the Call-ID) are chosen by the caller. The reader
 * is fed the bytes of the answer as they arrive; it holds less than a
 * kilobyte of state (no line is kept) and, whatever the peer sends, reads
 *   - at most SIP_RESPONSE_MAX bytes in all (provisional answers, their
 *     bodies, keep-alive empty lines and the final answer's head), so a
 *     flood of 1xx answers ends in SIP_TOO_LARGE;
 *   - at most SIP_LINE_MAX bytes per physical line (a folded header's
 *     lines count one by one);
 *   - the reason phrase and the Server (or User-Agent) value, cut to
 *     SIP_TEXT_MAX bytes on a character boundary.
 */
#ifndef EDGEPROBE_SIP_H
#define EDGEPROBE_SIP_H

#include <stddef.h>

#define SIP_RESPONSE_MAX	16384	/* bytes read in all, to the final head */
#define SIP_LINE_MAX		8192	/* bytes in one line, without CR LF */
#define SIP_TEXT_MAX		128	/* bytes kept of reason and server */
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

enum sip_parse {
	SIP_NEED_MORE,		/* no final answer yet: feed more */
	SIP_DONE,		/* a final answer's head was read */
	SIP_NOT_SIP,		/* the peer does not speak SIP */
	SIP_TOO_LARGE		/* a bound above was passed */
};

/* The final answer, sanitised: valid UTF-8, no control byte. */
struct sip_response {
	int	 status;			/* 200..699 */
	char	 reason[SIP_TEXT_MAX + 1];	/* may be "" */
	char	 server[SIP_TEXT_MAX + 1];	/* Server, else User-Agent, else "" */
};

struct sip_parser;

struct sip_parser	*sip_parser_new(void);
void			 sip_parser_free(struct sip_parser *);
/*
 * Feed the next len bytes; returns the state after them. Once the state
 * is not SIP_NEED_MORE it stays, and further bytes are ignored.
 */
enum sip_parse		 sip_parser_feed(struct sip_parser *, const void *,
			    size_t len);
/* The final answer once the state is SIP_DONE, NULL before. */
const struct sip_response *sip_parser_response(const struct sip_parser *);
/* "need_more", "done", "not_sip", "too_large". */
const char		*sip_parse_name(enum sip_parse);

#endif
