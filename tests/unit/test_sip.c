/*
 * test_sip.c: the OPTIONS request and the reader of its answer (sip.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sip.h"
#include "sip_request.h"

#define OK_200	"SIP/2.0 200 OK\r\n" \
		"Via: SIP/2.0/TLS 192.0.2.7:40123;rport=40123;branch=z9hG4bKa1;received=192.0.2.7\r\n" \
		"From: <sip:edgeprobe@fabrikam.com>;tag=t9\r\n" \
		"To: <sip:sip.contoso.com>;tag=8f3c\r\n" \
		"Call-ID: c1@edgeprobe\r\n" \
		"CSeq: 1 OPTIONS\r\n" \
		"Server: kamailio (5.6.3 (x86_64/linux))\r\n" \
		"Content-Length: 0\r\n" \
		"\r\n"

static struct sip_request req_base(void);
static enum sip_parse	 feed_all(struct sip_parser *, const char *, size_t);
static void		 assert_answer(const char *, size_t, int, const char *,
			    const char *);
static void		 assert_result(const char *, size_t, enum sip_parse);
static void		 assert_server(const char *, const char *);
static char		*repeat(const char *, size_t);

/* The request parameters of most tests. */
static struct sip_request
req_base(void)
{
	struct sip_request	 r;

	memset(&r, 0, sizeof(r));
	r.sni = "sip.contoso.com";
	r.port = 5061;
	r.via_host = "192.0.2.7";
	r.via_port = 40123;
	r.from_domain = "fabrikam.com";
	r.branch = "a1b2c3";
	r.tag = "t9";
	r.call_id = "c1@edgeprobe";
	r.version = "0.1.0";
	return r;
}

/* Feed len bytes at once. */
static enum sip_parse
feed_all(struct sip_parser *p, const char *s, size_t len)
{
	return sip_parser_feed(p, s, len);
}

/*
 * The answer is read to exactly this, whether fed at once, one byte at a
 * time (NEED_MORE before the last byte, DONE on it), or in two parts split
 * at every position.
 */
static void
assert_answer(const char *s, size_t len, int status, const char *reason,
    const char *server)
{
	struct sip_parser		*p;
	const struct sip_response	*r;
	size_t				 i, cut;

	p = sip_parser_new();
	assert_int_equal(feed_all(p, s, len), SIP_DONE);
	r = sip_parser_response(p);
	assert_non_null(r);
	assert_int_equal(r->status, status);
	assert_string_equal(r->reason, reason);
	assert_string_equal(r->server, server);
	sip_parser_free(p);

	p = sip_parser_new();
	for (i = 0; i + 1 < len; i++) {
		assert_int_equal(sip_parser_feed(p, s + i, 1), SIP_NEED_MORE);
		assert_null(sip_parser_response(p));
	}
	assert_int_equal(sip_parser_feed(p, s + len - 1, 1), SIP_DONE);
	r = sip_parser_response(p);
	assert_non_null(r);
	assert_int_equal(r->status, status);
	assert_string_equal(r->reason, reason);
	assert_string_equal(r->server, server);
	sip_parser_free(p);

	for (cut = 0; cut <= len; cut++) {
		p = sip_parser_new();
		assert_int_equal(sip_parser_feed(p, s, cut),
		    cut == len ? SIP_DONE : SIP_NEED_MORE);
		assert_int_equal(sip_parser_feed(p, s + cut, len - cut),
		    SIP_DONE);
		r = sip_parser_response(p);
		assert_int_equal(r->status, status);
		assert_string_equal(r->reason, reason);
		assert_string_equal(r->server, server);
		sip_parser_free(p);
	}
}

/* Fed at once and one byte at a time, the bytes end in this result. */
static void
assert_result(const char *s, size_t len, enum sip_parse want)
{
	struct sip_parser	*p;
	enum sip_parse		 got = SIP_NEED_MORE;
	size_t			 i;

	p = sip_parser_new();
	assert_int_equal(feed_all(p, s, len), want);
	assert_null(sip_parser_response(p));
	sip_parser_free(p);

	p = sip_parser_new();
	for (i = 0; i < len && got == SIP_NEED_MORE; i++)
		got = sip_parser_feed(p, s + i, 1);
	assert_int_equal(got, want);
	sip_parser_free(p);
}

/* A 200 whose only Server header is this value gives this server. */
static void
assert_server(const char *value, const char *want)
{
	size_t	 size = strlen(value) + 64;
	char	*s;
	int	 n;

	s = malloc(size);
	assert_non_null(s);
	n = snprintf(s, size, "SIP/2.0 200 OK\r\nServer:%s\r\n\r\n", value);
	assert_true(n > 0 && (size_t)n < size);
	assert_answer(s, (size_t)n, 200, "OK", want);
	free(s);
}

/* count copies of s; caller frees. */
static char *
repeat(const char *s, size_t count)
{
	size_t	 n = strlen(s), i;
	char	*out;

	out = malloc(n * count + 1);
	assert_non_null(out);
	for (i = 0; i < count; i++)
		memcpy(out + i * n, s, n);
	out[n * count] = '\0';
	return out;
}

/* The request, byte for byte. */
static void
test_request_exact(void **state)
{
	static const char want[] =
	    "OPTIONS sip:sip.contoso.com:5061;transport=tls SIP/2.0\r\n"
	    "Via: SIP/2.0/TLS 192.0.2.7:40123;rport;branch=z9hG4bKa1b2c3\r\n"
	    "Max-Forwards: 70\r\n"
	    "From: <sip:edgeprobe@fabrikam.com>;tag=t9\r\n"
	    "To: <sip:sip.contoso.com>\r\n"
	    "Call-ID: c1@edgeprobe\r\n"
	    "CSeq: 1 OPTIONS\r\n"
	    "User-Agent: edgeprobe/0.1.0\r\n"
	    "Accept: application/sdp\r\n"
	    "Content-Length: 0\r\n"
	    "\r\n";
	struct sip_request	 r = req_base();
	const char		*cause = NULL;
	char			 buf[SIP_REQUEST_MAX];
	size_t			 len = 0;

	(void)state;
	assert_int_equal(sip_request_build(&r, buf, sizeof(buf), &len, &cause),
	    0);
	assert_null(cause);
	assert_int_equal(len, sizeof(want) - 1);
	assert_memory_equal(buf, want, sizeof(want));
}

/* Contact, and IPv6 addresses between brackets. */
static void
test_request_contact_ipv6(void **state)
{
	static const char want[] =
	    "OPTIONS sip:[2001:db8::5]:443;transport=tls SIP/2.0\r\n"
	    "Via: SIP/2.0/TLS [::1]:5070;rport;branch=z9hG4bKx.y-z\r\n"
	    "Max-Forwards: 70\r\n"
	    "From: <sip:edgeprobe@fabrikam.com>;tag=t9\r\n"
	    "To: <sip:[2001:db8::5]>\r\n"
	    "Call-ID: c1@edgeprobe\r\n"
	    "CSeq: 1 OPTIONS\r\n"
	    "Contact: <sip:edgeprobe@[::1]:5070;transport=tls>\r\n"
	    "User-Agent: edgeprobe/0.1.0\r\n"
	    "Accept: application/sdp\r\n"
	    "Content-Length: 0\r\n"
	    "\r\n";
	struct sip_request	 r = req_base();
	const char		*cause = NULL;
	char			 buf[SIP_REQUEST_MAX];
	size_t			 len = 0;

	(void)state;
	r.sni = "2001:db8::5";
	r.port = 443;
	r.via_host = "::1";
	r.via_port = 5070;
	r.branch = "x.y-z";
	r.contact = 1;
	assert_int_equal(sip_request_build(&r, buf, sizeof(buf), &len, &cause),
	    0);
	assert_int_equal(len, sizeof(want) - 1);
	assert_memory_equal(buf, want, sizeof(want));
}

/* Every field is checked: no CR, LF, space or foreign byte gets through. */
static void
test_request_rejects(void **state)
{
	static const char *const hosts[] = {
		"sip.contoso.com\r\nX-Evil: 1", "sip.contoso.com ",
		"sip contoso.com", "sip.contoso.com\n", "sip.contoso.com>",
		"sip.contoso.com;lr", "user@sip.contoso.com", "", "::g",
		"[::1]", "sip.contoso.com:5061",
	};
	static const char *const tokens[] = {
		"a b", "a\r\n", "a;b", "a=b", "a@b", "", "a\tb", "\xc3\xa9",
	};
	struct sip_request	 r;
	const char		*cause;
	char			 buf[SIP_REQUEST_MAX];
	size_t			 len, i;

	(void)state;
	for (i = 0; i < sizeof(hosts) / sizeof(hosts[0]); i++) {
		r = req_base();
		r.sni = hosts[i];
		cause = NULL;
		assert_int_equal(sip_request_build(&r, buf, sizeof(buf), &len,
		    &cause), -1);
		assert_string_equal(cause, "SIP request: invalid SNI host");
		r = req_base();
		r.via_host = hosts[i];
		assert_int_equal(sip_request_build(&r, buf, sizeof(buf), &len,
		    &cause), -1);
		assert_string_equal(cause, "SIP request: invalid Via host");
		r = req_base();
		r.from_domain = hosts[i];
		assert_int_equal(sip_request_build(&r, buf, sizeof(buf), &len,
		    &cause), -1);
		assert_string_equal(cause, "SIP request: invalid From domain");
	}
	for (i = 0; i < sizeof(tokens) / sizeof(tokens[0]); i++) {
		r = req_base();
		r.branch = tokens[i];
		assert_int_equal(sip_request_build(&r, buf, sizeof(buf), &len,
		    &cause), -1);
		assert_string_equal(cause,
		    "SIP request: invalid branch, tag or version");
		r = req_base();
		r.tag = tokens[i];
		assert_int_equal(sip_request_build(&r, buf, sizeof(buf), &len,
		    &cause), -1);
		r = req_base();
		r.version = tokens[i];
		assert_int_equal(sip_request_build(&r, buf, sizeof(buf), &len,
		    &cause), -1);
		/* '@' is allowed in a Call-ID, nothing else of the list. */
		r = req_base();
		r.call_id = tokens[i];
		assert_int_equal(sip_request_build(&r, buf, sizeof(buf), &len,
		    &cause), strcmp(tokens[i], "a@b") == 0 ? 0 : -1);
	}
	r = req_base();
	r.sni = NULL;
	assert_int_equal(sip_request_build(&r, buf, sizeof(buf), &len, &cause),
	    -1);
	r = req_base();
	r.port = 0;
	assert_int_equal(sip_request_build(&r, buf, sizeof(buf), &len, &cause),
	    -1);
	assert_string_equal(cause, "SIP request: port out of 1..65535");
	r = req_base();
	r.via_port = 65536;
	assert_int_equal(sip_request_build(&r, buf, sizeof(buf), &len, &cause),
	    -1);
	assert_string_equal(cause, "SIP request: port out of 1..65535");
}

/* Too long, and a buffer too small by one byte. */
static void
test_request_sizes(void **state)
{
	struct sip_request	 r = req_base();
	const char		*cause;
	char			 buf[SIP_REQUEST_MAX], host[300], tok[200];
	size_t			 len, need, i;

	(void)state;
	/* The largest valid inputs fit SIP_REQUEST_MAX. */
	for (i = 0; i < 253; i++)
		host[i] = (i % 64 == 63) ? '.' : 'h';
	host[253] = '\0';
	memset(tok, 'k', SIP_CALLID_MAX);
	tok[SIP_CALLID_MAX] = '\0';
	r.sni = r.from_domain = host;
	r.via_host = "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255";
	r.port = r.via_port = 65535;
	r.call_id = tok;
	r.branch = r.tag = r.version = tok + SIP_CALLID_MAX - SIP_TOKEN_MAX;
	r.contact = 1;
	assert_int_equal(sip_request_build(&r, buf, sizeof(buf), &len, &cause),
	    0);
	assert_true(len < SIP_REQUEST_MAX);

	/* One byte more is refused. */
	host[253] = 'h';
	host[254] = '\0';
	assert_int_equal(sip_request_build(&r, buf, sizeof(buf), &len, &cause),
	    -1);
	host[253] = '\0';
	r.branch = tok + SIP_CALLID_MAX - SIP_TOKEN_MAX - 1;
	assert_int_equal(sip_request_build(&r, buf, sizeof(buf), &len, &cause),
	    -1);
	r = req_base();
	tok[SIP_CALLID_MAX] = 'k';
	tok[SIP_CALLID_MAX + 1] = '\0';
	r.call_id = tok;
	assert_int_equal(sip_request_build(&r, buf, sizeof(buf), &len, &cause),
	    -1);

	/* The buffer needs the length plus the NUL. */
	r = req_base();
	assert_int_equal(sip_request_build(&r, buf, sizeof(buf), &need, &cause),
	    0);
	assert_int_equal(sip_request_build(&r, buf, need, &len, &cause), -1);
	assert_string_equal(cause, "SIP request: does not fit the buffer");
	assert_int_equal(sip_request_build(&r, buf, need + 1, &len, &cause), 0);
	assert_int_equal(len, need);
	assert_int_equal(sip_request_build(&r, buf, 0, &len, &cause), -1);
}

/* A 200 from a real stack's shape, Server header and all. */
static void
test_200_server(void **state)
{
	(void)state;
	assert_answer(OK_200, sizeof(OK_200) - 1, 200, "OK",
	    "kamailio (5.6.3 (x86_64/linux))");
}

/* 100 Trying, then 404: the provisional one is skipped. */
static void
test_trying_then_404(void **state)
{
	static const char s[] =
	    "SIP/2.0 100 Trying\r\n"
	    "Via: SIP/2.0/TLS 192.0.2.7:40123;branch=z9hG4bKa1\r\n"
	    "Server: provisional-server\r\n"
	    "Content-Length: 0\r\n"
	    "\r\n"
	    "SIP/2.0 404 Not Found\r\n"
	    "User-Agent: FreeSWITCH-mod_sofia/1.10\r\n"
	    "Content-Length: 0\r\n"
	    "\r\n";

	(void)state;
	assert_answer(s, sizeof(s) - 1, 404, "Not Found",
	    "FreeSWITCH-mod_sofia/1.10");
}

/* 403 and 405 are final answers like any other. */
static void
test_403_405(void **state)
{
	static const char s403[] =
	    "SIP/2.0 403 Forbidden\r\nServer: RTC/7.0\r\n\r\n";
	static const char s405[] =
	    "SIP/2.0 405 Method Not Allowed\r\nAllow: INVITE, ACK\r\n\r\n";
	static const char s699[] = "SIP/2.0 699 \r\n\r\n";
	static const char s600[] = "SIP/2.0 600\r\n\r\n";

	(void)state;
	assert_answer(s403, sizeof(s403) - 1, 403, "Forbidden", "RTC/7.0");
	assert_answer(s405, sizeof(s405) - 1, 405, "Method Not Allowed", "");
	assert_answer(s699, sizeof(s699) - 1, 699, "", "");
	assert_answer(s600, sizeof(s600) - 1, 600, "", "");
}

/* Compact and odd-case names, space before the colon, bare LF lines. */
static void
test_compact_case_lf(void **state)
{
	static const char s[] =
	    "SIP/2.0 180 Ringing\n"
	    "v: SIP/2.0/TLS 192.0.2.7:40123\n"
	    "l : 13\n"
	    "\n"
	    "SIP/2.0 500 x\n"
	    "SIP/2.0 202 Accepted\r\n"
	    "i: c1@edgeprobe\r\n"
	    "user-AGENT: ua-first\r\n"
	    "sErVeR\t :  Mixed  Case \r\n"
	    "SERVER: second-server-ignored\r\n"
	    "\n";

	(void)state;
	assert_answer(s, sizeof(s) - 1, 202, "Accepted", "Mixed Case");
}

/* Keep-alive empty lines before the answer, and a folded Server value. */
static void
test_keepalive_fold(void **state)
{
	static const char s[] =
	    "\r\n\r\n\n"
	    "SIP/2.0 200 OK\r\n"
	    "Server: part-one\r\n"
	    "\t  part-two\r\n"
	    " part-three\r\n"
	    "Bogus line without colon\r\n"
	    " continued bogus\r\n"
	    "\r\n";

	(void)state;
	assert_answer(s, sizeof(s) - 1, 200, "OK",
	    "part-one part-two part-three");
}

/* A provisional answer's body is skipped by its Content-Length. */
static void
test_provisional_body(void **state)
{
	static const char s[] =
	    "SIP/2.0 183 Session Progress\r\n"
	    "Content-Length: 32\r\n"
	    "\r\n"
	    "SIP/2.0 503 Fake\r\n\r\nv=0\r\no=- 1\r\n"
	    "SIP/2.0 486 Busy Here\r\n"
	    "\r\n";

	(void)state;
	assert_answer(s, sizeof(s) - 1, 486, "Busy Here", "");
}

/* A provisional answer that cannot be framed: not SIP. */
static void
test_provisional_bad_length(void **state)
{
	static const char bad[] =
	    "SIP/2.0 100 Trying\r\nContent-Length: 1x\r\n\r\n";
	static const char empty[] =
	    "SIP/2.0 100 Trying\r\nContent-Length:\r\n\r\n";
	static const char twice[] =
	    "SIP/2.0 100 Trying\r\nContent-Length: 1\r\nl: 2\r\n\r\n";
	static const char gap[] =
	    "SIP/2.0 100 Trying\r\nContent-Length: 1\r\n 2\r\n\r\n";
	static const char huge[] =
	    "SIP/2.0 100 Trying\r\nContent-Length: 99999999999999999999999\r\n\r\n";
	/* 45 bytes of head: a body of 16339 leaves no byte for an answer. */
	static const char edge[] =
	    "SIP/2.0 100 Trying\r\nContent-Length: 16339\r\n\r\n";
	static const char fits[] =
	    "SIP/2.0 100 Trying\r\nContent-Length: 16338\r\n\r\n";
	struct sip_parser	*p;
	char			*body;
	static const char same[] =
	    "SIP/2.0 100 Trying\r\nContent-Length: 0\r\nl: 0\r\n\r\n"
	    "SIP/2.0 200 OK\r\n\r\n";

	(void)state;
	assert_result(bad, sizeof(bad) - 1, SIP_NOT_SIP);
	assert_result(empty, sizeof(empty) - 1, SIP_NOT_SIP);
	assert_result(twice, sizeof(twice) - 1, SIP_NOT_SIP);
	assert_result(gap, sizeof(gap) - 1, SIP_NOT_SIP);
	/* Known to be too large as soon as the head ends. */
	assert_result(huge, sizeof(huge) - 1, SIP_TOO_LARGE);
	assert_result(edge, sizeof(edge) - 1, SIP_TOO_LARGE);
	/* 16338 fits, and then the bound is reached. */
	assert_int_equal(sizeof(fits) - 1, 45);
	body = repeat("SIP/2.0 200 OK\r\n\r\n", 1000);
	p = sip_parser_new();
	assert_int_equal(sip_parser_feed(p, fits, 45), SIP_NEED_MORE);
	assert_int_equal(sip_parser_feed(p, body, 16338), SIP_NEED_MORE);
	assert_int_equal(sip_parser_feed(p, "S", 1), SIP_TOO_LARGE);
	sip_parser_free(p);
	free(body);
	assert_answer(same, sizeof(same) - 1, 200, "OK", "");
}

/* A bad Content-Length in the final answer does not matter: not read. */
static void
test_final_length_ignored(void **state)
{
	static const char s[] =
	    "SIP/2.0 200 OK\r\nContent-Length: lots\r\n\r\n";

	(void)state;
	assert_answer(s, sizeof(s) - 1, 200, "OK", "");
}

/* Cut anywhere before the end of the head: still waiting. */
static void
test_truncated(void **state)
{
	struct sip_parser	*p;
	size_t			 cut;

	(void)state;
	for (cut = 0; cut < sizeof(OK_200) - 1; cut++) {
		p = sip_parser_new();
		assert_int_equal(sip_parser_feed(p, OK_200, cut),
		    SIP_NEED_MORE);
		assert_null(sip_parser_response(p));
		sip_parser_free(p);
	}
}

/* Not SIP: HTTP, another version, bad codes, binary, TLS. */
static void
test_not_sip(void **state)
{
	static const char *const lines[] = {
		"HTTP/1.1 200 OK\r\n\r\n", "sip/2.0 200 OK\r\n\r\n",
		"SIP/2.1 200 OK\r\n\r\n", "SIP/2.0  200 OK\r\n\r\n",
		"SIP/2.0 099 x\r\n\r\n", "SIP/2.0 700 x\r\n\r\n",
		"SIP/2.0 20x x\r\n\r\n", "SIP/2.0 2000 x\r\n\r\n",
		"SIP/2.0 200\tOK\r\n\r\n", "SIP/2.0 20\r\n\r\n",
		"SIP/2.0\r\n\r\n", "\rSIP/2.0 200 OK\r\n\r\n",
		" SIP/2.0 200 OK\r\n\r\n", "OPTIONS sip:x SIP/2.0\r\n\r\n",
	};
	static const unsigned char tls[] = {
		0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28,
	};
	struct sip_parser	*p;
	unsigned char		 junk[512];
	uint32_t		 x = 0x2545f491;
	size_t			 i;

	(void)state;
	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
		assert_result(lines[i], strlen(lines[i]), SIP_NOT_SIP);

	/* Known at the first wrong byte, not at the end of the line. */
	p = sip_parser_new();
	assert_int_equal(sip_parser_feed(p, "SIP/", 4), SIP_NEED_MORE);
	assert_int_equal(sip_parser_feed(p, "1", 1), SIP_NOT_SIP);
	assert_int_equal(sip_parser_feed(p, OK_200, sizeof(OK_200) - 1),
	    SIP_NOT_SIP);
	assert_null(sip_parser_response(p));
	sip_parser_free(p);

	p = sip_parser_new();
	assert_int_equal(sip_parser_feed(p, tls, sizeof(tls)), SIP_NOT_SIP);
	sip_parser_free(p);

	/* Binary garbage from a fixed xorshift, made to start with 0x80+. */
	for (i = 0; i < sizeof(junk); i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		junk[i] = (unsigned char)x;
	}
	junk[0] |= 0x80;
	assert_result((const char *)junk, sizeof(junk), SIP_NOT_SIP);
	p = sip_parser_new();
	assert_int_equal(sip_parser_feed(p, junk, 1), SIP_NOT_SIP);
	sip_parser_free(p);
}

/* 16 KiB in all, 8 KiB a line: an endless answer ends. */
static void
test_too_large(void **state)
{
	struct sip_parser	*p;
	char			*s, *line;
	size_t			 i;

	(void)state;
	/* A line of SIP_LINE_MAX bytes is read; one more byte is too many. */
	line = repeat("a", SIP_LINE_MAX + 1);
	memcpy(line, "X-Pad: ", 7);
	p = sip_parser_new();
	assert_int_equal(sip_parser_feed(p, "SIP/2.0 200 OK\r\n", 16),
	    SIP_NEED_MORE);
	assert_int_equal(sip_parser_feed(p, line, SIP_LINE_MAX),
	    SIP_NEED_MORE);
	assert_int_equal(sip_parser_feed(p, "\r\n\r\n", 4), SIP_DONE);
	sip_parser_free(p);
	p = sip_parser_new();
	assert_int_equal(sip_parser_feed(p, "SIP/2.0 200 OK\r\n", 16),
	    SIP_NEED_MORE);
	assert_int_equal(sip_parser_feed(p, line, SIP_LINE_MAX + 1),
	    SIP_TOO_LARGE);
	sip_parser_free(p);
	/* The status line too, and a CR alone is a byte of the line. */
	memcpy(line, "SIP/2.0 200 ", 12);
	line[SIP_LINE_MAX - 1] = '\r';
	p = sip_parser_new();
	assert_int_equal(sip_parser_feed(p, line, SIP_LINE_MAX + 1),
	    SIP_TOO_LARGE);
	sip_parser_free(p);
	free(line);

	/*
	 * Headers of 1000 bytes each: the head of exactly SIP_RESPONSE_MAX
	 * bytes is read, a head one byte longer is too large at the byte
	 * SIP_RESPONSE_MAX, whatever comes after.
	 */
	line = repeat("b", SIP_RESPONSE_MAX);
	memcpy(line, "SIP/2.0 200 OK\r\n", 16);
	for (i = 1000; i + 2 < SIP_RESPONSE_MAX; i += 1000) {
		line[i] = '\r';
		line[i + 1] = '\n';
		line[i + 2] = 'X';
		line[i + 3] = ':';
	}
	memcpy(line + SIP_RESPONSE_MAX - 4, "\r\n\r\n", 4);
	p = sip_parser_new();
	assert_int_equal(sip_parser_feed(p, line, SIP_RESPONSE_MAX), SIP_DONE);
	sip_parser_free(p);
	s = repeat("c", SIP_RESPONSE_MAX + 100);
	memcpy(s, line, SIP_RESPONSE_MAX - 4);
	memcpy(s + SIP_RESPONSE_MAX - 3, "\r\n\r\n", 4);
	p = sip_parser_new();
	assert_int_equal(sip_parser_feed(p, s, SIP_RESPONSE_MAX - 1),
	    SIP_NEED_MORE);
	assert_int_equal(sip_parser_feed(p, s + SIP_RESPONSE_MAX - 1, 1),
	    SIP_TOO_LARGE);
	assert_int_equal(sip_parser_feed(p, "\r\n\r\n", 4), SIP_TOO_LARGE);
	assert_null(sip_parser_response(p));
	sip_parser_free(p);
	free(s);
	free(line);
}

/* A flood of 100 Trying never ends the bound: too large at 16 KiB. */
static void
test_provisional_flood(void **state)
{
	static const char one[] = "SIP/2.0 100 Trying\r\n\r\n";
	struct sip_parser	*p;
	char			*flood;
	size_t			 n = sizeof(one) - 1, count, i;
	enum sip_parse		 got = SIP_NEED_MORE;

	(void)state;
	count = SIP_RESPONSE_MAX / n + 2;
	flood = repeat(one, count);
	p = sip_parser_new();
	for (i = 0; i < count * n && got == SIP_NEED_MORE; i++)
		got = sip_parser_feed(p, flood + i, 1);
	assert_int_equal(got, SIP_TOO_LARGE);
	assert_int_equal(i, SIP_RESPONSE_MAX);
	sip_parser_free(p);

	/* Keep-alive empty lines count too. */
	free(flood);
	flood = repeat("\r\n", SIP_RESPONSE_MAX / 2);
	assert_result(flood, SIP_RESPONSE_MAX, SIP_TOO_LARGE);
	free(flood);
}

/* Bytes after the end change nothing. */
static void
test_after_done(void **state)
{
	struct sip_parser		*p;
	const struct sip_response	*r;

	(void)state;
	p = sip_parser_new();
	assert_int_equal(sip_parser_feed(p, OK_200 "SIP/2.0 500 Later\r\n\r\n",
	    sizeof(OK_200) - 1 + 21), SIP_DONE);
	assert_int_equal(sip_parser_feed(p, "\0\xff", 2), SIP_DONE);
	r = sip_parser_response(p);
	assert_int_equal(r->status, 200);
	assert_string_equal(r->reason, "OK");
	sip_parser_free(p);
	sip_parser_free(NULL);
	assert_string_equal(sip_parse_name(SIP_NEED_MORE), "need_more");
	assert_string_equal(sip_parse_name(SIP_DONE), "done");
	assert_string_equal(sip_parse_name(SIP_NOT_SIP), "not_sip");
	assert_string_equal(sip_parse_name(SIP_TOO_LARGE), "too_large");
}

/* Control bytes, broken UTF-8 and C1 become '?'; good UTF-8 stays. */
static void
test_sanitise(void **state)
{
	static const char nul[] =
	    "SIP/2.0 200 O\0K\r\nServer: x\0y\r\n\r\n";

	(void)state;
	assert_server("  a\x01" "b\x7f" "c\033[31m  ", "a?b?c?[31m");
	assert_server("M\xc3\xbcller \xe2\x82\xac \xf0\x9f\x98\x80",
	    "M\xc3\xbcller \xe2\x82\xac \xf0\x9f\x98\x80");
	/* Overlong '/', a surrogate, past U+10FFFF, lone bytes, C1. */
	assert_server("a\xc0\xaf" "b", "a??b");
	assert_server("a\xe0\x80\xaf" "b", "a???b");
	assert_server("a\xed\xa0\x80" "b", "a???b");
	assert_server("a\xf4\x90\x80\x80" "b", "a????b");
	assert_server("a\x80\xbf\xfe\xff" "b", "a????b");
	assert_server("a\xc2\x85" "b\xc2\xa0" "c", "a?b\xc2\xa0" "c");
	/* A sequence cut by a byte that does not continue it, or the end. */
	assert_server("a\xe2\x82" "b", "a?b");
	assert_server("a\xe2\x82", "a?");
	assert_server("a\xe2\x82\r\n \xac", "a? ?");
	/* A NUL is a control byte like the others. */
	assert_answer(nul, sizeof(nul) - 1, 200, "O?K", "x?y");
	assert_answer("SIP/2.0 200 \t\tO \t K \r\n\r\n", 24, 200, "O K", "");
	assert_answer("SIP/2.0 200 a\rb\r\n\r\n", 19, 200, "a?b", "");
}

/* Texts stop at SIP_TEXT_MAX bytes, never inside a character. */
static void
test_cut(void **state)
{
	char	*v, *want;

	(void)state;
	v = repeat("x", SIP_TEXT_MAX + 50);
	want = repeat("x", SIP_TEXT_MAX);
	assert_server(v, want);
	free(want);
	free(v);

	/* 127 bytes, then a 2-byte character that would end at 129. */
	v = repeat("y", SIP_TEXT_MAX - 1);
	v = realloc(v, SIP_TEXT_MAX + 8);
	assert_non_null(v);
	strcat(v, "\xc3\xa9zz");
	want = repeat("y", SIP_TEXT_MAX - 1);
	assert_server(v, want);
	free(want);
	/* Then a space that would leave a trailing one: dropped. */
	v[SIP_TEXT_MAX - 1] = ' ';
	v[SIP_TEXT_MAX] = 'z';
	assert_server(v, want = repeat("y", SIP_TEXT_MAX - 1));
	free(want);
	free(v);

	/* 126 + a 2-byte character fills it exactly. */
	v = repeat("w", SIP_TEXT_MAX - 2);
	v = realloc(v, SIP_TEXT_MAX + 8);
	assert_non_null(v);
	strcat(v, "\xc3\xa9w");
	want = repeat("w", SIP_TEXT_MAX - 2);
	want = realloc(want, SIP_TEXT_MAX + 1);
	assert_non_null(want);
	strcat(want, "\xc3\xa9");
	assert_server(v, want);
	assert_int_equal(strlen(want), SIP_TEXT_MAX);
	free(want);
	free(v);
}

/* Server wins over User-Agent, in either order; an empty Server does not. */
static void
test_server_choice(void **state)
{
	static const char ua_first[] =
	    "SIP/2.0 200 OK\r\nUser-Agent: ua\r\nServer: srv\r\n\r\n";
	static const char empty_server[] =
	    "SIP/2.0 200 OK\r\nServer:   \r\nUser-Agent: ua\r\n\r\n";
	static const char long_name[] =
	    "SIP/2.0 200 OK\r\nServerServerServerX: no\r\n"
	    "Content-Length-And-More: 1\r\n\r\n";

	(void)state;
	assert_answer(ua_first, sizeof(ua_first) - 1, 200, "OK", "srv");
	assert_answer(empty_server, sizeof(empty_server) - 1, 200, "OK", "ua");
	assert_answer(long_name, sizeof(long_name) - 1, 200, "OK", "");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_request_exact),
		cmocka_unit_test(test_request_contact_ipv6),
		cmocka_unit_test(test_request_rejects),
		cmocka_unit_test(test_request_sizes),
		cmocka_unit_test(test_200_server),
		cmocka_unit_test(test_trying_then_404),
		cmocka_unit_test(test_403_405),
		cmocka_unit_test(test_compact_case_lf),
		cmocka_unit_test(test_keepalive_fold),
		cmocka_unit_test(test_provisional_body),
		cmocka_unit_test(test_provisional_bad_length),
		cmocka_unit_test(test_final_length_ignored),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_not_sip),
		cmocka_unit_test(test_too_large),
		cmocka_unit_test(test_provisional_flood),
		cmocka_unit_test(test_after_done),
		cmocka_unit_test(test_sanitise),
		cmocka_unit_test(test_cut),
		cmocka_unit_test(test_server_choice),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
