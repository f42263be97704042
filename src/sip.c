/*
 * sip.c: an incremental reader of the answer to SIP OPTIONS (RFC 3261),
 * pure; sip_request.c builds the request.
 *
 * The answer. The reader is a byte-at-a-time state machine, so it does
 * not care where the peer's segments, or our reads, split the bytes. It
 * keeps no line: it matches the status line against "SIP/2.0 " as bytes
 * come (an HTTP server or a TLS-speaking something else is NOT_SIP at its
 * first wrong byte), keeps a header name only up to the longest one it
 * reads, and a header value only for Server, User-Agent and
 * Content-Length. Lines end with CR LF or a bare LF; a CR not followed by
 * LF is a byte of the line. Header names are case-insensitive, "l" is
 * Content-Length, a line starting with a space or a tab continues the
 * header before it (RFC 3261 7.3.1 folding), and empty lines before a
 * status line are keep-alives (RFC 5626) and skipped. A provisional (1xx)
 * answer is read to its end, its body (Content-Length, 0 if absent, as
 * stream transports require) skipped, and the reader goes on to the next
 * answer; the first final answer (200..699) ends the reading at the empty
 * line after its headers: its body is never needed. Everything counts
 * against SIP_RESPONSE_MAX.
 *
 * Sanitising. The reason phrase and the Server or User-Agent value are
 * what a peer chooses to say, and they go to JSON and syslog: runs of
 * spaces and tabs (and a fold) become one space, leading and trailing ones
 * go, every control byte (C0, DEL, and C1 as U+0080..U+009F) and every
 * byte that is not part of a well-formed UTF-8 sequence (RFC 3629: no
 * overlong form, no surrogate, nothing past U+10FFFF) becomes '?', and the
 * text stops before the first character that would pass SIP_TEXT_MAX
 * bytes, so it is never cut inside a character.
 */
#include <arpa/inet.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sip.h"
#include "srv.h"
#include "xmalloc.h"

#define SIP_PREFIX	"SIP/2.0 "
#define SIP_CODE_END	11	/* index of the space after the status code */
#define SIP_NAME_KEEP	16	/* header name bytes kept: "content-length" */

enum sip_state {
	ST_LINE,		/* at the start of a line */
	ST_STATUS,		/* in the status line */
	ST_NAME,		/* in a header name */
	ST_COLON,		/* between a header name and its colon */
	ST_VALUE,		/* in a header value */
	ST_SKIP,		/* in a line that is not read, to its end */
	ST_BODY,		/* in the body of a provisional answer */
	ST_END			/* result says how it ended */
};

enum sip_hdr {
	HDR_NONE,		/* no header: a continuation line is skipped */
	HDR_OTHER,		/* a header that is not read */
	HDR_SERVER,
	HDR_UA,
	HDR_CLEN
};

/* Sanitised text being collected, see the top of the file. */
struct sip_text {
	char		 buf[SIP_TEXT_MAX + 1];
	size_t		 len;
	unsigned char	 seq[4];	/* an incomplete UTF-8 sequence */
	size_t		 seqlen;
	size_t		 seqneed;
	int		 space;		/* a space is due before the next char */
	int		 full;
};

struct sip_parser {
	enum sip_parse		 result;
	enum sip_state		 state;
	size_t			 total;		/* bytes read in all */
	size_t			 lpos;		/* bytes in this line, no CR LF */
	int			 cr;		/* a CR was read: LF ends the line */
	int			 in_head;	/* the status line was read */
	int			 status;
	enum sip_hdr		 hdr;
	char			 name[SIP_NAME_KEEP + 1];
	size_t			 namelen;
	int			 server_seen;
	int			 ua_seen;
	int			 clen_state;	/* 0 nothing, 1 digits, 2 after */
	int			 clen_bad;
	int			 clen_seen;
	size_t			 clen;
	size_t			 clen_cur;
	size_t			 body_left;
	struct sip_text		 reason;
	struct sip_text		 server;
	struct sip_text		 ua;
	struct sip_response	 resp;
};

static void	 sip_text_reset(struct sip_text *);
static void	 sip_text_put(struct sip_text *, const unsigned char *, size_t);
static void	 sip_text_byte(struct sip_text *, unsigned char);
static void	 sip_text_break(struct sip_text *);
static int	 sip_utf8_next(unsigned char, unsigned char);
static void	 sip_answer_reset(struct sip_parser *);
static void	 sip_fail(struct sip_parser *, enum sip_parse);
static void	 sip_byte(struct sip_parser *, unsigned char);
static void	 sip_content(struct sip_parser *, unsigned char);
static void	 sip_line_start(struct sip_parser *, unsigned char);
static void	 sip_line_end(struct sip_parser *);
static void	 sip_status_byte(struct sip_parser *, unsigned char);
static void	 sip_name_byte(struct sip_parser *, unsigned char);
static void	 sip_header_begin(struct sip_parser *);
static void	 sip_header_end(struct sip_parser *);
static void	 sip_value_byte(struct sip_parser *, unsigned char);
static void	 sip_clen_byte(struct sip_parser *, unsigned char);
static void	 sip_head_end(struct sip_parser *);

/* Empty a text. */
static void
sip_text_reset(struct sip_text *t)
{
	memset(t, 0, sizeof(*t));
}

/* Add one whole character (n bytes), after the space due, if it fits. */
static void
sip_text_put(struct sip_text *t, const unsigned char *c, size_t n)
{
	size_t	 sp;

	if (t->full)
		return;
	/* C1 controls, U+0080..U+009F, are C2 80..C2 9F. */
	if (n == 2 && c[0] == 0xc2 && c[1] < 0xa0) {
		c = (const unsigned char *)"?";
		n = 1;
	}
	sp = t->space && t->len > 0 ? 1 : 0;
	if (t->len + sp + n > SIP_TEXT_MAX) {
		t->full = 1;
		return;
	}
	if (sp)
		t->buf[t->len++] = ' ';
	memcpy(t->buf + t->len, c, n);
	t->len += n;
	t->buf[t->len] = '\0';
	t->space = 0;
}

/*
 * Whether b may follow the lead byte lead as its second byte (RFC 3629
 * table: no overlong form, no surrogate, nothing past U+10FFFF).
 */
static int
sip_utf8_next(unsigned char lead, unsigned char b)
{
	switch (lead) {
	case 0xe0:
		return b >= 0xa0 && b <= 0xbf;
	case 0xed:
		return b >= 0x80 && b <= 0x9f;
	case 0xf0:
		return b >= 0x90 && b <= 0xbf;
	case 0xf4:
		return b >= 0x80 && b <= 0x8f;
	default:
		return b >= 0x80 && b <= 0xbf;
	}
}

/* Add one byte of a value to a text, sanitised. */
static void
sip_text_byte(struct sip_text *t, unsigned char b)
{
	int	 ok;

	if (t->seqlen > 0) {
		ok = t->seqlen == 1 ? sip_utf8_next(t->seq[0], b) :
		    b >= 0x80 && b <= 0xbf;
		if (ok) {
			t->seq[t->seqlen++] = b;
			if (t->seqlen == t->seqneed) {
				sip_text_put(t, t->seq, t->seqlen);
				t->seqlen = 0;
			}
			return;
		}
		/* A broken sequence is one '?'; b starts afresh. */
		sip_text_put(t, (const unsigned char *)"?", 1);
		t->seqlen = 0;
	}
	if (b == ' ' || b == '\t')
		t->space = 1;
	else if (b >= 0x20 && b < 0x7f)
		sip_text_put(t, &b, 1);
	else if (b >= 0xc2 && b <= 0xf4) {
		t->seq[0] = b;
		t->seqlen = 1;
		t->seqneed = b <= 0xdf ? 2 : b <= 0xef ? 3 : 4;
	} else	/* control, DEL, lone 80..BF, overlong C0 C1, F5..FF */
		sip_text_put(t, (const unsigned char *)"?", 1);
}

/* A line ends inside a text: an open sequence is broken, a space is due. */
static void
sip_text_break(struct sip_text *t)
{
	if (t->seqlen > 0) {
		sip_text_put(t, (const unsigned char *)"?", 1);
		t->seqlen = 0;
	}
	t->space = 1;
}

/* A new parser, waiting for the first byte of an answer. */
struct sip_parser *
sip_parser_new(void)
{
	struct sip_parser	*p;

	p = xcalloc(1, sizeof(*p));
	p->result = SIP_NEED_MORE;
	p->state = ST_LINE;
	return p;
}

/* Free a parser; NULL is allowed. */
void
sip_parser_free(struct sip_parser *p)
{
	free(p);
}

/* Forget the answer being read, to read the next one. */
static void
sip_answer_reset(struct sip_parser *p)
{
	p->in_head = 0;
	p->status = 0;
	p->hdr = HDR_NONE;
	p->server_seen = p->ua_seen = 0;
	p->clen_state = p->clen_bad = p->clen_seen = 0;
	p->clen = p->clen_cur = 0;
	sip_text_reset(&p->reason);
	sip_text_reset(&p->server);
	sip_text_reset(&p->ua);
}

/* End the reading with a result other than SIP_DONE. */
static void
sip_fail(struct sip_parser *p, enum sip_parse result)
{
	p->result = result;
	p->state = ST_END;
}

/* Feed bytes; see sip.h. */
enum sip_parse
sip_parser_feed(struct sip_parser *p, const void *data, size_t len)
{
	const unsigned char	*b = data;
	size_t			 i;

	for (i = 0; i < len && p->result == SIP_NEED_MORE; i++) {
		p->total++;
		sip_byte(p, b[i]);
		/* No byte after the last allowed one can finish the head. */
		if (p->result == SIP_NEED_MORE && p->total >= SIP_RESPONSE_MAX)
			sip_fail(p, SIP_TOO_LARGE);
	}
	return p->result;
}

/* One byte: body, line end, or a byte of the line. */
static void
sip_byte(struct sip_parser *p, unsigned char b)
{
	if (p->state == ST_BODY) {
		if (--p->body_left == 0)
			p->state = ST_LINE;
		return;
	}
	if (p->cr) {
		p->cr = 0;
		if (b == '\n') {
			sip_line_end(p);
			return;
		}
		sip_content(p, '\r');
		if (p->result != SIP_NEED_MORE)
			return;
	}
	if (b == '\r')
		p->cr = 1;
	else if (b == '\n')
		sip_line_end(p);
	else
		sip_content(p, b);
}

/* One byte of a line (not its end), by state. */
static void
sip_content(struct sip_parser *p, unsigned char b)
{
	if (++p->lpos > SIP_LINE_MAX) {
		sip_fail(p, SIP_TOO_LARGE);
		return;
	}
	switch (p->state) {
	case ST_LINE:
		sip_line_start(p, b);
		break;
	case ST_STATUS:
		sip_status_byte(p, b);
		break;
	case ST_NAME:
	case ST_COLON:
		sip_name_byte(p, b);
		break;
	case ST_VALUE:
		sip_value_byte(p, b);
		break;
	case ST_SKIP:
	case ST_BODY:
	case ST_END:
		break;
	}
}

/* The first byte of a non-empty line: status, continuation or header. */
static void
sip_line_start(struct sip_parser *p, unsigned char b)
{
	if (!p->in_head) {
		p->state = ST_STATUS;
		sip_status_byte(p, b);
	} else if (b == ' ' || b == '\t') {
		p->state = p->hdr == HDR_NONE ? ST_SKIP : ST_VALUE;
		sip_value_byte(p, b);
	} else {
		sip_header_end(p);
		p->state = ST_NAME;
		p->namelen = 0;
		sip_name_byte(p, b);
	}
}

/* A line ended (CR LF or LF). */
static void
sip_line_end(struct sip_parser *p)
{
	enum sip_state	 was = p->state;
	size_t		 n = p->lpos;

	p->state = ST_LINE;
	p->lpos = 0;
	switch (was) {
	case ST_LINE:
		/* An empty line: a keep-alive before an answer, or the end. */
		if (p->in_head) {
			sip_header_end(p);
			sip_head_end(p);
		}
		break;
	case ST_STATUS:
		if (n < SIP_CODE_END)
			sip_fail(p, SIP_NOT_SIP);
		else {
			sip_text_break(&p->reason);
			p->in_head = 1;
			p->hdr = HDR_NONE;
		}
		break;
	case ST_NAME:
	case ST_COLON:
		/* A header line without a colon is ignored. */
		p->hdr = HDR_NONE;
		break;
	case ST_VALUE:
		if (p->hdr == HDR_SERVER)
			sip_text_break(&p->server);
		else if (p->hdr == HDR_UA)
			sip_text_break(&p->ua);
		else if (p->hdr == HDR_CLEN)
			sip_clen_byte(p, ' ');
		break;
	case ST_SKIP:
	case ST_BODY:
	case ST_END:
		break;
	}
}

/* One byte of the status line: "SIP/2.0 ", a code, a space, a reason. */
static void
sip_status_byte(struct sip_parser *p, unsigned char b)
{
	size_t	 i = p->lpos - 1;

	if (i < sizeof(SIP_PREFIX) - 1) {
		if (b != (unsigned char)SIP_PREFIX[i])
			sip_fail(p, SIP_NOT_SIP);
	} else if (i < SIP_CODE_END) {
		if (b < (i == sizeof(SIP_PREFIX) - 1 ? '1' : '0') ||
		    b > (i == sizeof(SIP_PREFIX) - 1 ? '6' : '9'))
			sip_fail(p, SIP_NOT_SIP);
		else
			p->status = p->status * 10 + (b - '0');
	} else if (i == SIP_CODE_END) {
		if (b != ' ')
			sip_fail(p, SIP_NOT_SIP);
	} else
		sip_text_byte(&p->reason, b);
}

/* One byte of a header name, or between it and the colon. */
static void
sip_name_byte(struct sip_parser *p, unsigned char b)
{
	static const char	 mark[] = "-.!%*_+`'~";

	if (b == ':') {
		sip_header_begin(p);
		p->state = ST_VALUE;
	} else if (b == ' ' || b == '\t')
		p->state = ST_COLON;
	else if (p->state == ST_NAME && b != '\0' &&
	    ((b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') ||
	    (b >= '0' && b <= '9') || strchr(mark, b) != NULL)) {
		if (p->namelen < SIP_NAME_KEEP)
			p->name[p->namelen] =
			    (char)(b >= 'A' && b <= 'Z' ? b - 'A' + 'a' : b);
		p->namelen++;
	} else {
		/* Not a header line: ignored, and so are its continuations. */
		p->state = ST_SKIP;
		p->hdr = HDR_NONE;
	}
}

/* The colon after a header name: which header this is. */
static void
sip_header_begin(struct sip_parser *p)
{
	size_t	 n = p->namelen;

	p->name[n < SIP_NAME_KEEP ? n : SIP_NAME_KEEP] = '\0';
	p->hdr = HDR_OTHER;
	if (n > SIP_NAME_KEEP)
		return;
	if (strcmp(p->name, "server") == 0 && !p->server_seen) {
		p->hdr = HDR_SERVER;
		p->server_seen = 1;
	} else if (strcmp(p->name, "user-agent") == 0 && !p->ua_seen) {
		p->hdr = HDR_UA;
		p->ua_seen = 1;
	} else if (strcmp(p->name, "content-length") == 0 ||
	    strcmp(p->name, "l") == 0) {
		p->hdr = HDR_CLEN;
		p->clen_state = 0;
		p->clen_cur = 0;
	}
}

/* A header is over (a new one starts, or the head ends). */
static void
sip_header_end(struct sip_parser *p)
{
	if (p->hdr == HDR_CLEN) {
		if (p->clen_state == 0 ||
		    (p->clen_seen && p->clen != p->clen_cur))
			p->clen_bad = 1;
		p->clen_seen = 1;
		p->clen = p->clen_cur;
	}
	p->hdr = HDR_NONE;
}

/* One byte of a header value, to the header being read. */
static void
sip_value_byte(struct sip_parser *p, unsigned char b)
{
	switch (p->hdr) {
	case HDR_SERVER:
		sip_text_byte(&p->server, b);
		break;
	case HDR_UA:
		sip_text_byte(&p->ua, b);
		break;
	case HDR_CLEN:
		sip_clen_byte(p, b);
		break;
	case HDR_NONE:
	case HDR_OTHER:
		break;
	}
}

/*
 * One byte of a Content-Length value: digits between optional spaces.
 * A value past SIP_RESPONSE_MAX is held at SIP_RESPONSE_MAX + 1: it is
 * too large whatever it is, and the sum cannot overflow.
 */
static void
sip_clen_byte(struct sip_parser *p, unsigned char b)
{
	if (b == ' ' || b == '\t') {
		if (p->clen_state == 1)
			p->clen_state = 2;
	} else if (b >= '0' && b <= '9' && p->clen_state != 2) {
		p->clen_state = 1;
		p->clen_cur = p->clen_cur * 10 + (size_t)(b - '0');
		if (p->clen_cur > SIP_RESPONSE_MAX)
			p->clen_cur = SIP_RESPONSE_MAX + 1;
	} else
		p->clen_bad = 1;
}

/* The empty line after the headers: done, or skip to the next answer. */
static void
sip_head_end(struct sip_parser *p)
{
	struct sip_response	*r = &p->resp;
	size_t			 body;

	if (p->status >= 200) {
		r->status = p->status;
		memcpy(r->reason, p->reason.buf, sizeof(r->reason));
		memcpy(r->server, p->server.len > 0 ? p->server.buf :
		    p->ua.buf, sizeof(r->server));
		p->result = SIP_DONE;
		p->state = ST_END;
		return;
	}
	if (p->clen_bad) {
		sip_fail(p, SIP_NOT_SIP);
		return;
	}
	body = p->clen_seen ? p->clen : 0;
	if (body > 0 && body >= SIP_RESPONSE_MAX - p->total) {
		sip_fail(p, SIP_TOO_LARGE);
		return;
	}
	sip_answer_reset(p);
	if (body > 0) {
		p->state = ST_BODY;
		p->body_left = body;
	}
}

/* The final answer once done. */
const struct sip_response *
sip_parser_response(const struct sip_parser *p)
{
	return p->result == SIP_DONE ? &p->resp : NULL;
}

/* The name of a parse state, for logs. */
const char *
sip_parse_name(enum sip_parse s)
{
	switch (s) {
	case SIP_NEED_MORE:
		return "need_more";
	case SIP_DONE:
		return "done";
	case SIP_NOT_SIP:
		return "not_sip";
	case SIP_TOO_LARGE:
		return "too_large";
	}
	return "unknown";
}
