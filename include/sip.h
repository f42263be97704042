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
