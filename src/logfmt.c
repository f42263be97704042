/*
 * logfmt.c: key=value syslog lines (CONTRACT.md section 6), pure.
 *
 * A value is written bare when it is non-empty and made only of printable
 * ASCII other than the space, '"', '=' and '\'. Anything else is written
 * between double quotes, with '"' as \", '\' as \\ and every byte outside
 * 0x20..0x7e as \xNN (two lowercase hex digits): whatever bytes a
 * certificate or a peer put in a value, the line stays one line, and
 * splitting it on unquoted spaces gives back exactly the keys we wrote.
 * A NULL value is written as "-" (nothing to say); the empty string as "".
 *
 * In a result line, findings= lists the distinct codes of the warning and
 * critical findings in the order they were found ("-" when there is none),
 * and msg= is the message of the first finding of the highest severity,
 * info included, so an OK result with an info finding still says why ("-"
 * when the result has no finding at all).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "finding.h"
#include "logfmt.h"
#include "result.h"
#include "xmalloc.h"

static int	 logfmt_needs_quotes(const char *);
static size_t	 logfmt_value_len(const char *);
static void	 logfmt_value_write(char *, const char *);
static char	*logfmt_endpoint(const char *, const struct result *);
static char	*logfmt_append_int(char *, const char *, long long);

/* Whether a value must be written between double quotes. */
static int
logfmt_needs_quotes(const char *v)
{
	const unsigned char	*p;

	if (*v == '\0')
		return 1;
	for (p = (const unsigned char *)v; *p != '\0'; p++) {
		if (*p <= 0x20 || *p >= 0x7f || *p == '"' || *p == '=' ||
		    *p == '\\')
			return 1;
	}
	return 0;
}

/* The number of bytes a value takes once rendered (without the NUL). */
static size_t
logfmt_value_len(const char *v)
{
	const unsigned char	*p;
	size_t			 len;

	if (!logfmt_needs_quotes(v))
		return strlen(v);
	len = 2;
	for (p = (const unsigned char *)v; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\')
			len += 2;
		else if (*p < 0x20 || *p >= 0x7f)
			len += 4;
		else
			len++;
	}
	return len;
}

/* Render a value into out, which holds logfmt_value_len() + 1 bytes. */
static void
logfmt_value_write(char *out, const char *v)
{
	static const char	 hex[] = "0123456789abcdef";
	const unsigned char	*p;

	if (!logfmt_needs_quotes(v)) {
		memcpy(out, v, strlen(v) + 1);
		return;
	}
	*out++ = '"';
	for (p = (const unsigned char *)v; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\') {
			*out++ = '\\';
			*out++ = (char)*p;
		} else if (*p < 0x20 || *p >= 0x7f) {
			*out++ = '\\';
			*out++ = 'x';
			*out++ = hex[*p >> 4];
			*out++ = hex[*p & 0x0f];
		} else
			*out++ = (char)*p;
	}
	*out++ = '"';
	*out = '\0';
}

/* Append " key=value" (or "key=value" to a NULL line); returns the line. */
char *
logfmt_append(char *line, const char *key, const char *value)
{
	size_t	 old, klen, vlen;
	char	*p;

	if (value == NULL)
		value = "-";
	old = line != NULL ? strlen(line) : 0;
	klen = strlen(key);
	vlen = logfmt_value_len(value);
	line = xreallocarray(line, old + 1 + klen + 1 + vlen + 1, 1);
	p = line + old;
	if (old != 0)
		*p++ = ' ';
	memcpy(p, key, klen);
	p += klen;
	*p++ = '=';
	logfmt_value_write(p, value);
	return line;
}

/* Append key=N. */
static char *
logfmt_append_int(char *line, const char *key, long long n)
{
	char	 buf[32];

	snprintf(buf, sizeof(buf), "%lld", n);
	return logfmt_append(line, key, buf);
}

/* The distinct non-info codes, comma-separated, or "-"; caller frees. */
char *
logfmt_findings(const struct result *r)
{
	const struct findings	*fs = &r->findings;
	const char		*name;
	char			*s = NULL;
	size_t			 i, j, len = 0, nlen;
	int			 seen;

	for (i = 0; i < fs->n; i++) {
		if (fs->v[i].severity == SEV_INFO)
			continue;
		seen = 0;
		for (j = 0; j < i && !seen; j++)
			seen = fs->v[j].severity != SEV_INFO &&
			    fs->v[j].code == fs->v[i].code;
		if (seen)
			continue;
		name = finding_code_name(fs->v[i].code);
		nlen = strlen(name);
		s = xreallocarray(s, len + nlen + 2, 1);
		if (len != 0)
			s[len++] = ',';
		memcpy(s + len, name, nlen + 1);
		len += nlen;
	}
	return s != NULL ? s : xstrdup("-");
}

/* Start a line with event= (when not NULL) and the endpoint's keys. */
static char *
logfmt_endpoint(const char *event, const struct result *r)
{
	char	*line = NULL;

	if (event != NULL)
		line = logfmt_append(line, "event", event);
	line = logfmt_append(line, "target", r->target);
	line = logfmt_append(line, "host", r->host);
	line = logfmt_append(line, "address", r->address);
	line = logfmt_append_int(line, "port", r->port);
	return line;
}

/* The line logged for every result at every probe; caller frees. */
char *
logfmt_result(const struct result *r)
{
	const struct finding	*w;
	char			*line, *codes;

	line = logfmt_endpoint(NULL, r);
	line = logfmt_append(line, "status", status_name(r->status));
	if (r->has_days)
		line = logfmt_append_int(line, "days_left", r->days_left);
	else
		line = logfmt_append(line, "days_left", "-");
	line = logfmt_append(line, "sha256",
	    r->leaf_sha256[0] != '\0' ? r->leaf_sha256 : "-");
	codes = logfmt_findings(r);
	line = logfmt_append(line, "findings", codes);
	free(codes);
	/* Section 7's keys, only where they apply: round 1's lines stay. */
	if (r->srv != NULL)
		line = logfmt_append(line, "srv", r->srv->name);
	if (r->sip_asked) {
		if (r->sip_status > 0)
			line = logfmt_append_int(line, "sip", r->sip_status);
		else
			line = logfmt_append(line, "sip", "-");
	}
	w = findings_worst(&r->findings);
	line = logfmt_append(line, "msg", w != NULL ? w->message : "-");
	return line;
}

/* The LOG_NOTICE line for a status that changed; caller frees. */
char *
logfmt_status_change(const struct result *r, enum status from)
{
	char	*line, *codes;

	line = logfmt_endpoint("status_change", r);
	line = logfmt_append(line, "from", status_name(from));
	line = logfmt_append(line, "to", status_name(r->status));
	codes = logfmt_findings(r);
	line = logfmt_append(line, "findings", codes);
	free(codes);
	return line;
}

/* The LOG_NOTICE line for a leaf that changed; caller frees. */
char *
logfmt_cert_change(const struct result *r, const char *from_sha256)
{
	char	*line;

	line = logfmt_endpoint("cert_change", r);
	line = logfmt_append(line, "from_sha256",
	    from_sha256 != NULL && *from_sha256 != '\0' ? from_sha256 : "-");
	line = logfmt_append(line, "to_sha256",
	    r->leaf_sha256[0] != '\0' ? r->leaf_sha256 : "-");
	return line;
}
