/*
 * report.c: the human report and the JSON document (CONTRACT.md section 4).
 *
 * The JSON document is built with jansson and returned without a trailing
 * newline (the caller prints it with one). Every string goes through
 * report_utf8_clean() first: chain.c already escapes certificate strings to
 * printable ASCII, but a target name, an error text or a future field may
 * carry anything, and jansson refuses invalid UTF-8 outright. Cleaning
 * instead of trusting keeps the promise of the contract: the output is
 * valid UTF-8 JSON whatever bytes come in.
 *
 * The human report never writes a byte a terminal would interpret: control
 * bytes, DEL and every byte >= 0x80 are written as \xNN.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "chain.h"
#include "finding.h"
#include "log.h"
#include "logfmt.h"
#include "report.h"
#include "result.h"
#include "xmalloc.h"

#define REPORT_COLOR_OK		"\033[32m"
#define REPORT_COLOR_WARNING	"\033[33m"
#define REPORT_COLOR_CRITICAL	"\033[31m"
#define REPORT_COLOR_RESET	"\033[0m"

/* The escaped columns of one line of the human report. */
struct report_line {
	char	*target;
	char	*endpoint;	/* address:port, [v6]:port */
	char	*sni;		/* sni=NAME */
	char	*days;		/* days_left=N */
};

static char	*report_utf8_clean(const char *);
static json_t	*report_checked(json_t *);
static json_t	*report_jstr(const char *);
static json_t	*report_jstr_or_null(const char *);
static void	 report_set(json_t *, const char *, json_t *);
static void	 report_push(json_t *, json_t *);
static json_t	*report_strlist(const struct strlist *);
static json_t	*report_cert(X509 *);
static json_t	*report_result(const struct result *);
static json_t	*report_sip(const struct result *);
static json_t	*report_ocsp(const struct result *);
static json_t	*report_srv(const struct result_srv *);
static double	 report_ms(double);
static char	*report_escape(const char *);
static void	 report_line_init(struct report_line *, const struct result *);
static void	 report_line_free(struct report_line *);
static const char *report_status_color(enum status);

/*
 * Copy s as valid UTF-8: every maximal ill-formed subsequence (a stray
 * continuation byte, a truncated sequence, an overlong form, a surrogate,
 * anything above U+10FFFF, bytes 0xc0, 0xc1, 0xf5..0xff) becomes one
 * U+FFFD, as the Unicode standard recommends. Caller frees.
 */
static char *
report_utf8_clean(const char *s)
{
	const unsigned char	*p = (const unsigned char *)s;
	unsigned char		 lo, hi;
	char			*out, *o;
	size_t			 need, j;

	o = out = xreallocarray(NULL, strlen(s) + 1, 3);
	while (*p != '\0') {
		lo = 0x80;
		hi = 0xbf;
		if (*p < 0x80) {
			*o++ = (char)*p++;
			continue;
		} else if (*p >= 0xc2 && *p <= 0xdf)
			need = 1;
		else if (*p == 0xe0) {
			need = 2;
			lo = 0xa0;
		} else if (*p == 0xed) {
			need = 2;
			hi = 0x9f;
		} else if (*p >= 0xe1 && *p <= 0xef)
			need = 2;
		else if (*p == 0xf0) {
			need = 3;
			lo = 0x90;
		} else if (*p >= 0xf1 && *p <= 0xf3)
			need = 3;
		else if (*p == 0xf4) {
			need = 3;
			hi = 0x8f;
		} else
			need = 0;
		for (j = 1; j <= need; j++) {
			if (p[j] < lo || p[j] > hi)
				break;
			lo = 0x80;
			hi = 0xbf;
		}
		if (need != 0 && j > need) {
			memcpy(o, p, need + 1);
			o += need + 1;
			p += need + 1;
		} else {
			memcpy(o, "\xef\xbf\xbd", 3);
			o += 3;
			p += j;		/* j >= 1: the lead byte at least */
		}
	}
	*o = '\0';
	return out;
}

/* A jansson value, or fatal: only running out of memory gives NULL. */
static json_t *
report_checked(json_t *v)
{
	if (v == NULL)
		fatalx("json: cannot build a value (out of memory)");
	return v;
}

/* A JSON string of s cleaned to valid UTF-8. */
static json_t *
report_jstr(const char *s)
{
	json_t	*v;
	char	*clean;

	clean = report_utf8_clean(s != NULL ? s : "");
	v = report_checked(json_string(clean));
	free(clean);
	return v;
}

/* A JSON string of s, or null when s is NULL or empty. */
static json_t *
report_jstr_or_null(const char *s)
{
	if (s == NULL || *s == '\0')
		return report_checked(json_null());
	return report_jstr(s);
}

/* Set obj[key] = v (stealing v), or fatal. */
static void
report_set(json_t *obj, const char *key, json_t *v)
{
	if (json_object_set_new(obj, key, v) == -1)
		fatalx("json: cannot set %s", key);
}

/* Append v to arr (stealing v), or fatal. */
static void
report_push(json_t *arr, json_t *v)
{
	if (json_array_append_new(arr, v) == -1)
		fatalx("json: cannot append");
}

/* A JSON array of the strings of l. */
static json_t *
report_strlist(const struct strlist *l)
{
	json_t	*arr;
	size_t	 i;

	arr = report_checked(json_array());
	for (i = 0; i < l->n; i++)
		report_push(arr, report_jstr(l->v[i]));
	return arr;
}

/*
 * One certificate object. When chain_cert_info() fails part-way, the
 * fields it did fill are kept and the others are null: the certificate is
 * still listed, so the chain keeps its length and order.
 */
static json_t *
report_cert(X509 *x)
{
	struct cert_info	 ci;
	json_t			*o;

	memset(&ci, 0, sizeof(ci));
	if (chain_cert_info(x, &ci) == -1 && ci.sha256[0] == '\0')
		chain_sha256_hex(x, ci.sha256);
	o = report_checked(json_object());
	report_set(o, "subject", ci.subject != NULL ?
	    report_jstr(ci.subject) : report_checked(json_null()));
	report_set(o, "issuer", ci.issuer != NULL ?
	    report_jstr(ci.issuer) : report_checked(json_null()));
	report_set(o, "serial", report_jstr_or_null(ci.serial));
	report_set(o, "sha256", report_jstr_or_null(ci.sha256));
	report_set(o, "not_before", report_jstr_or_null(ci.not_before));
	report_set(o, "not_after", report_jstr_or_null(ci.not_after));
	report_set(o, "san", report_strlist(&ci.san));
	report_set(o, "eku", report_strlist(&ci.eku));
	report_set(o, "key", report_jstr_or_null(ci.key));
	report_set(o, "signature", report_jstr_or_null(ci.signature));
	chain_cert_info_free(&ci);
	return o;
}

/*
 * The handshake time rounded to 0.1 ms. The document is dumped with 15
 * significant digits, so the rounded value prints as typed ("12.3", not
 * "12.300000000000001"); a time that makes no sense is clamped.
 */
static double
report_ms(double ms)
{
	if (!isfinite(ms) || ms < 0)
		return 0;
	if (ms > 1e12)
		ms = 1e12;
	return (double)(long long)(ms * 10 + 0.5) / 10;
}

/* One result object, keys in the order of CONTRACT.md section 4. */
static json_t *
report_result(const struct result *r)
{
	const struct finding	*f;
	json_t			*o, *tls, *chain, *fs, *fo;
	int			 i;
	size_t			 k;

	o = report_checked(json_object());
	report_set(o, "target", report_jstr(r->target));
	report_set(o, "host", report_jstr(r->host));
	report_set(o, "address", r->no_endpoint ? report_checked(json_null()) :
	    report_jstr(r->address));
	report_set(o, "port", r->no_endpoint ? report_checked(json_null()) :
	    report_checked(json_integer(r->port)));
	report_set(o, "sni", report_jstr(r->sni));
	report_set(o, "status", report_jstr(status_name(r->status)));
	report_set(o, "handshake_ms", r->has_tls ?
	    report_checked(json_real(report_ms(r->handshake_ms))) :
	    report_checked(json_null()));
	report_set(o, "days_left", r->has_days ?
	    report_checked(json_integer(r->days_left)) :
	    report_checked(json_null()));
	if (r->has_tls) {
		tls = report_checked(json_object());
		report_set(tls, "version", report_jstr(r->tls_version));
		report_set(tls, "cipher", report_jstr(r->cipher));
		report_set(tls, "client_cert_requested",
		    report_checked(json_boolean(r->client_cert_requested)));
		report_set(tls, "acceptable_cas",
		    report_strlist(&r->acceptable_cas));
		report_set(tls, "client_cert_sent",
		    report_checked(json_boolean(r->client_cert_sent)));
		report_set(tls, "ocsp", report_ocsp(r));
	} else
		tls = report_checked(json_null());
	report_set(o, "tls", tls);

	chain = report_checked(json_array());
	for (i = 0; r->chain != NULL && i < sk_X509_num(r->chain); i++)
		report_push(chain, report_cert(sk_X509_value(r->chain, i)));
	report_set(o, "chain", chain);

	fs = report_checked(json_array());
	for (k = 0; k < r->findings.n; k++) {
		f = &r->findings.v[k];
		fo = report_checked(json_object());
		report_set(fo, "code", report_jstr(finding_code_name(f->code)));
		report_set(fo, "severity",
		    report_jstr(severity_name(f->severity)));
		report_set(fo, "message", report_jstr(f->message));
		report_push(fs, fo);
	}
	report_set(o, "findings", fs);
	report_set(o, "sip", report_sip(r));
	report_set(o, "srv", report_srv(r->srv));
	return o;
}

/* The `tls.ocsp` object: null when no staple came. */
static json_t *
report_ocsp(const struct result *r)
{
	json_t	*o;

	if (!r->has_ocsp)
		return report_checked(json_null());
	o = report_checked(json_object());
	report_set(o, "status", report_jstr(r->ocsp_status));
	report_set(o, "this_update", report_jstr_or_null(r->ocsp_this_update));
	report_set(o, "next_update", report_jstr_or_null(r->ocsp_next_update));
	return o;
}

/* The `sip` object: null unless sip_options asked for an OPTIONS. */
static json_t *
report_sip(const struct result *r)
{
	json_t	*o;

	if (!r->sip_asked)
		return report_checked(json_null());
	o = report_checked(json_object());
	report_set(o, "status", r->sip_status > 0 ?
	    report_checked(json_integer(r->sip_status)) :
	    report_checked(json_null()));
	report_set(o, "reason", r->sip_status > 0 ?
	    report_jstr_or_null(r->sip_reason) : report_checked(json_null()));
	report_set(o, "server", report_jstr_or_null(r->sip_server));
	return o;
}

/* The `srv` object: null unless the result came from a domain. */
static json_t *
report_srv(const struct result_srv *srv)
{
	json_t	*o;

	if (srv == NULL)
		return report_checked(json_null());
	o = report_checked(json_object());
	report_set(o, "name", report_jstr(srv->name));
	report_set(o, "target", report_jstr(srv->target));
	report_set(o, "port", report_checked(json_integer(srv->port)));
	report_set(o, "priority", report_checked(json_integer(srv->priority)));
	report_set(o, "weight", report_checked(json_integer(srv->weight)));
	return o;
}

/* The JSON document, without a trailing newline; caller frees. */
char *
report_json(struct result *const *rs, size_t n)
{
	json_t	*doc, *arr;
	char	*s;
	size_t	 i;

	doc = report_checked(json_object());
	report_set(doc, "version", report_checked(json_integer(1)));
	report_set(doc, "status", report_jstr(status_name(result_worst(rs,
	    n))));
	arr = report_checked(json_array());
	for (i = 0; i < n; i++)
		report_push(arr, report_result(rs[i]));
	report_set(doc, "results", arr);
	s = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER |
	    JSON_REAL_PRECISION(15));
	json_decref(doc);
	if (s == NULL)
		fatalx("json: cannot serialize the report");
	return s;
}

/* Copy s with control bytes, DEL and bytes >= 0x80 as \xNN; caller frees. */
static char *
report_escape(const char *s)
{
	static const char	 hex[] = "0123456789abcdef";
	const unsigned char	*p;
	char			*out, *o;

	if (s == NULL)
		s = "";
	o = out = xreallocarray(NULL, strlen(s) + 1, 4);
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p < 0x20 || *p >= 0x7f) {
			*o++ = '\\';
			*o++ = 'x';
			*o++ = hex[*p >> 4];
			*o++ = hex[*p & 0x0f];
		} else
			*o++ = (char)*p;
	}
	*o = '\0';
	return out;
}

/* Escape and format the columns of one result. */
static void
report_line_init(struct report_line *l, const struct result *r)
{
	char	*addr, *sni;

	l->target = report_escape(r->target);
	addr = report_escape(r->address);
	if (r->no_endpoint)
		l->endpoint = xstrdup("(file)");
	else if (strchr(addr, ':') != NULL)
		xasprintf(&l->endpoint, "[%s]:%d", addr, r->port);
	else
		xasprintf(&l->endpoint, "%s:%d", addr, r->port);
	free(addr);
	sni = report_escape(r->sni);
	xasprintf(&l->sni, "sni=%s", sni);
	free(sni);
	if (r->has_days)
		xasprintf(&l->days, "days_left=%lld", r->days_left);
	else
		l->days = xstrdup("days_left=-");
}

/* Free the columns of one line. */
static void
report_line_free(struct report_line *l)
{
	free(l->target);
	free(l->endpoint);
	free(l->sni);
	free(l->days);
}

/* The ANSI colour of a status. */
static const char *
report_status_color(enum status st)
{
	switch (st) {
	case STATUS_OK:
		return REPORT_COLOR_OK;
	case STATUS_WARNING:
		return REPORT_COLOR_WARNING;
	default:
		return REPORT_COLOR_CRITICAL;
	}
}

/*
 * One line per endpoint, columns padded to the widest value, then the
 * warning and critical findings indented, then a summary line:
 *
 * CRITICAL  edge  192.0.2.10:5061  sni=sip.contoso.com  days_left=41  findings=SAN_MISSING
 *     SAN_MISSING: ...
 * 1 endpoints: 0 ok, 0 warning, 1 critical
 */
void
report_human(FILE *fp, struct result *const *rs, size_t n, int color)
{
	struct report_line	*lines;
	const struct result	*r;
	const struct finding	*f;
	size_t			 i, k, count[3] = { 0, 0, 0 };
	int			 wt = 0, we = 0, ws = 0, wd = 0, len;
	char			*codes, *code, *msg;

	lines = xcalloc(n, sizeof(*lines));
	for (i = 0; i < n; i++) {
		report_line_init(&lines[i], rs[i]);
		if ((len = (int)strlen(lines[i].target)) > wt)
			wt = len;
		if ((len = (int)strlen(lines[i].endpoint)) > we)
			we = len;
		if ((len = (int)strlen(lines[i].sni)) > ws)
			ws = len;
		if ((len = (int)strlen(lines[i].days)) > wd)
			wd = len;
	}
	for (i = 0; i < n; i++) {
		r = rs[i];
		if ((unsigned)r->status <= STATUS_CRITICAL)
			count[r->status]++;
		if (color)
			fprintf(fp, "%s%s%s", report_status_color(r->status),
			    status_word(r->status), REPORT_COLOR_RESET);
		else
			fputs(status_word(r->status), fp);
		codes = logfmt_findings(r);
		fprintf(fp, "%*s  %-*s  %-*s  %-*s  %-*s  findings=%s\n",
		    (int)(8 - strlen(status_word(r->status))), "",
		    wt, lines[i].target, we, lines[i].endpoint,
		    ws, lines[i].sni, wd, lines[i].days, codes);
		free(codes);
		for (k = 0; k < r->findings.n; k++) {
			f = &r->findings.v[k];
			if (f->severity < SEV_WARNING)
				continue;
			code = report_escape(finding_code_name(f->code));
			msg = report_escape(f->message);
			fprintf(fp, "    %s: %s\n", code, msg);
			free(code);
			free(msg);
		}
		report_line_free(&lines[i]);
	}
	free(lines);
	fprintf(fp, "%zu endpoints: %zu ok, %zu warning, %zu critical\n",
	    n, count[STATUS_OK], count[STATUS_WARNING],
	    count[STATUS_CRITICAL]);
}
