/*
 * fuzz_sip.c: libFuzzer target over the bytes of a SIP answer (sip.c).
 *
 * An input is one byte of split position, then the answer. The answer is
 * fed three ways: at once, in two parts cut at the position the first
 * byte gives (scaled to the answer's length), and one byte at a time.
 * Besides memory errors (ASan, UBSan, LSan), the reader's promises are
 * checked and abort() when broken: the three ways end in the same state
 * with the same answer (where reads split the bytes must not matter);
 * a state other than NEED_MORE stays whatever comes next; an answer only
 * with DONE; a status of 200..699; a reason and a server of at most
 * SIP_TEXT_MAX bytes, well-formed UTF-8 (checked here, independently of
 * sip.c) without a control byte, no space at either end nor two in a row;
 * DONE or NEED_MORE only within SIP_RESPONSE_MAX bytes.
 *
 * The same bytes, up to their first NUL, also go to sip_request_build()
 * as the SNI: when the request is built, it must be lines of printable
 * ASCII ended by CR LF, eleven of them (twelve with Contact), the last
 * one empty.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sip.h"
#include "sip_request.h"

int	 LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static int	 fuzz_utf8_ok(const unsigned char *, size_t);
static void	 fuzz_check_text(const char *);
static void	 fuzz_check_response(const struct sip_response *);
static enum sip_parse fuzz_feed(const uint8_t *, size_t, size_t, size_t,
		    struct sip_response *);
static void	 fuzz_request(const uint8_t *, size_t);

/* Whether s[0..n) is well-formed UTF-8 (RFC 3629, Table 3-7). */
static int
fuzz_utf8_ok(const unsigned char *s, size_t n)
{
	size_t		 i = 0, k, need;
	unsigned char	 lo, hi;

	while (i < n) {
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		lo = 0x80;
		hi = 0xbf;
		if (s[i] >= 0xc2 && s[i] <= 0xdf)
			need = 1;
		else if (s[i] >= 0xe0 && s[i] <= 0xef) {
			need = 2;
			if (s[i] == 0xe0)
				lo = 0xa0;
			if (s[i] == 0xed)
				hi = 0x9f;
		} else if (s[i] >= 0xf0 && s[i] <= 0xf4) {
			need = 3;
			if (s[i] == 0xf0)
				lo = 0x90;
			if (s[i] == 0xf4)
				hi = 0x8f;
		} else
			return 0;
		if (i + need >= n)
			return 0;
		for (k = 1; k <= need; k++) {
			if (s[i + k] < (k == 1 ? lo : 0x80) ||
			    s[i + k] > (k == 1 ? hi : 0xbf))
				return 0;
		}
		/* C1 controls are U+0080..U+009F: C2 80..C2 9F. */
		if (s[i] == 0xc2 && s[i + 1] < 0xa0)
			return 0;
		i += need + 1;
	}
	return 1;
}

/* A reason or server keeps every promise of sip.h. */
static void
fuzz_check_text(const char *t)
{
	size_t	 n, i;

	n = strnlen(t, SIP_TEXT_MAX + 1);
	if (n > SIP_TEXT_MAX)
		abort();
	if (!fuzz_utf8_ok((const unsigned char *)t, n))
		abort();
	for (i = 0; i < n; i++) {
		if ((unsigned char)t[i] < 0x20 || t[i] == 0x7f)
			abort();
		if (t[i] == ' ' && (i == 0 || i == n - 1 || t[i + 1] == ' '))
			abort();
	}
}

/* A final answer keeps every promise of sip.h. */
static void
fuzz_check_response(const struct sip_response *r)
{
	if (r->status < 200 || r->status > 699)
		abort();
	fuzz_check_text(r->reason);
	fuzz_check_text(r->server);
}

/*
 * Feed the answer: first bytes, then parts of step bytes (0: the rest at
 * once). Check the state stays once it is not NEED_MORE, even when more
 * bytes come; return the state after the answer, and the answer in *out.
 */
static enum sip_parse
fuzz_feed(const uint8_t *data, size_t size, size_t first, size_t step,
    struct sip_response *out)
{
	struct sip_parser		*p;
	const struct sip_response	*r;
	enum sip_parse			 s, last = SIP_NEED_MORE;
	size_t				 off = 0, n;
	int				 started = 0;

	p = sip_parser_new();
	while (off < size) {
		/* A first part of 0 bytes is a feed of nothing, then the rest. */
		n = !started ? first : step != 0 ? step : size - off;
		started = 1;
		if (n > size - off)
			n = size - off;
		s = sip_parser_feed(p, data + off, n);
		if (last != SIP_NEED_MORE && s != last)
			abort();
		last = s;
		off += n;
	}
	r = sip_parser_response(p);
	if ((r != NULL) != (last == SIP_DONE))
		abort();
	memset(out, 0, sizeof(*out));
	if (r != NULL) {
		fuzz_check_response(r);
		*out = *r;
	}
	/* What comes after an end changes neither the state nor the answer. */
	s = sip_parser_feed(p, "\r\n\r\n", 4);
	if (last != SIP_NEED_MORE && (s != last ||
	    (r != NULL && memcmp(r, out, sizeof(*out)) != 0)))
		abort();
	if ((r = sip_parser_response(p)) != NULL)
		fuzz_check_response(r);
	sip_parser_free(p);
	return last;
}

/* The bytes as the SNI of a request: refused, or a clean request. */
static void
fuzz_request(const uint8_t *data, size_t size)
{
	struct sip_request	 req;
	char			 sni[SIP_HOST_MAX + 2], buf[SIP_REQUEST_MAX];
	const char		*cause = NULL;
	size_t			 len, i, lines = 0;

	if (size > SIP_HOST_MAX + 1)
		size = SIP_HOST_MAX + 1;
	memcpy(sni, data, size);
	sni[size] = '\0';
	memset(&req, 0, sizeof(req));
	req.sni = sni;
	req.port = 5061;
	req.via_host = "::1";
	req.via_port = 5061;
	req.from_domain = "fabrikam.com";
	req.branch = req.tag = req.call_id = req.version = "x";
	req.contact = data[0] & 1;
	if (sip_request_build(&req, buf, sizeof(buf), &len, &cause) == -1) {
		if (cause == NULL)
			abort();
		return;
	}
	if (len != strlen(buf) || len < 4 ||
	    memcmp(buf + len - 4, "\r\n\r\n", 4) != 0)
		abort();
	for (i = 0; i < len; i++) {
		if (buf[i] == '\r') {
			if (buf[i + 1] != '\n')
				abort();
			lines++;
			i++;
		} else if ((unsigned char)buf[i] < 0x20 ||
		    (unsigned char)buf[i] > 0x7e)
			abort();
	}
	if (lines != (req.contact ? 12U : 11U))
		abort();
}

/* One input: a split position, then the bytes of an answer. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sip_response	 a, b, c;
	struct sip_parser	*p;
	enum sip_parse		 sa, sb, sc;
	size_t			 cut;

	if (size < 1)
		return 0;
	cut = (size_t)data[0] * (size - 1) / 255;
	data++;
	size--;
	if (size > 0)
		fuzz_request(data, size);

	sa = fuzz_feed(data, size, size, 0, &a);
	sb = fuzz_feed(data, size, cut, 0, &b);
	sc = fuzz_feed(data, size, 1, 1, &c);
	if (sa != sb || sa != sc || memcmp(&a, &b, sizeof(a)) != 0 ||
	    memcmp(&a, &c, sizeof(a)) != 0)
		abort();

	/* The bound: after SIP_RESPONSE_MAX bytes, never NEED_MORE. */
	if (size >= SIP_RESPONSE_MAX) {
		p = sip_parser_new();
		if (sip_parser_feed(p, data, SIP_RESPONSE_MAX) ==
		    SIP_NEED_MORE)
			abort();
		sip_parser_free(p);
	}
	return 0;
}
