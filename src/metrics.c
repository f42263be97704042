/*
 * metrics.c: Prometheus text exposition format 0.0.4 of the daemon's state.
 *
 * Target names come from the configuration and addresses from the resolver:
 * both reach label values, so every label value is escaped as the format
 * wants (backslash, double quote, line feed) and any byte that is not part
 * of valid UTF-8 becomes U+FFFD, since Prometheus refuses a scrape with
 * invalid UTF-8 in it. A finding code reported twice on one endpoint (one
 * per certificate, say) is one series: duplicate series fail a scrape.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "finding.h"
#include "log.h"
#include "metrics.h"
#include "xmalloc.h"

#define METRICS_PREFIX	"edgeprobe_"

const double metrics_buckets[METRICS_NBUCKETS] = {
	0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30
};

struct metrics_buf {
	char	*p;
	size_t	 len;
	size_t	 cap;
};

/* A gauge of one value per endpoint. */
enum metrics_gauge {
	METRICS_SUCCESS,
	METRICS_STATUS,
	METRICS_NOT_AFTER
};

static void	 metrics_printf(struct metrics_buf *, const char *, ...)
		    __attribute__((__format__(__printf__, 2, 3)));
static void	 metrics_add(struct metrics_buf *, const char *, size_t);
static size_t	 metrics_utf8_len(const unsigned char *, size_t);
static void	 metrics_label(struct metrics_buf *, const char *,
		    const char *);
static void	 metrics_head(struct metrics_buf *, const char *,
		    const char *, const char *);
static void	 metrics_endpoint_labels(struct metrics_buf *,
		    const struct metrics_endpoint *);
static void	 metrics_gauge(struct metrics_buf *, enum metrics_gauge,
		    const struct metrics_endpoint *, size_t);
static void	 metrics_findings(struct metrics_buf *,
		    const struct metrics_endpoint *, size_t);
static void	 metrics_histogram(struct metrics_buf *,
		    const struct metrics_stats *);
static void	 metrics_totals(struct metrics_buf *, size_t,
		    const struct metrics_stats *, const char *, const char *);

/* Count one judged result. */
void
metrics_count(struct metrics_stats *st, enum status status)
{
	if ((size_t)status < sizeof(st->results) / sizeof(st->results[0]))
		st->results[status]++;
}

/* Observe one probe duration: into the first bucket that holds it. */
void
metrics_observe(struct metrics_stats *st, double seconds)
{
	size_t	 i;

	if (seconds < 0)
		seconds = 0;
	for (i = 0; i < METRICS_NBUCKETS; i++)
		if (seconds <= metrics_buckets[i]) {
			st->buckets[i]++;
			break;
		}
	st->count++;
	st->sum += seconds;
}

/* Render every family, in a fixed order. */
char *
metrics_render(const struct metrics_endpoint *ep, size_t n,
    const struct metrics_stats *st, const char *version, const char *openssl,
    size_t *len)
{
	struct metrics_buf	 b = { NULL, 0, 0 };

	metrics_add(&b, "", 0);
	metrics_gauge(&b, METRICS_SUCCESS, ep, n);
	metrics_gauge(&b, METRICS_STATUS, ep, n);
	metrics_gauge(&b, METRICS_NOT_AFTER, ep, n);
	metrics_findings(&b, ep, n);
	metrics_histogram(&b, st);
	metrics_totals(&b, n, st, version, openssl);
	*len = b.len;
	return b.p;
}

/* Append formatted text. */
static void
metrics_printf(struct metrics_buf *b, const char *fmt, ...)
{
	va_list	 ap;
	char	 tmp[256];
	int	 n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(tmp))
		fatalx("metrics: a formatted field is too long");
	metrics_add(b, tmp, (size_t)n);
}

/* Append n bytes and keep the text NUL-terminated. */
static void
metrics_add(struct metrics_buf *b, const char *s, size_t n)
{
	size_t	 want = b->len + n + 1;

	if (want > b->cap) {
		b->cap = b->cap ? b->cap : 4096;
		while (b->cap < want)
			b->cap *= 2;
		b->p = xreallocarray(b->p, b->cap, 1);
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

/*
 * The length of the valid UTF-8 sequence at s (at most n bytes), or 0 when
 * it is not one: no overlong form, no surrogate, nothing above U+10FFFF.
 */
static size_t
metrics_utf8_len(const unsigned char *s, size_t n)
{
	size_t		 len, i;
	unsigned int	 cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4, cp = s[0] & 0x07;
	else
		return 0;
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (len == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return len;
}

/* name="value", the value escaped; a comma before it unless it is first. */
static void
metrics_label(struct metrics_buf *b, const char *name, const char *value)
{
	const unsigned char	*s = (const unsigned char *)value;
	size_t			 n = strlen(value), i = 0, k;

	if (b->len > 0 && b->p[b->len - 1] != '{')
		metrics_add(b, ",", 1);
	metrics_printf(b, "%s=\"", name);
	while (i < n) {
		if (s[i] == '\\')
			metrics_add(b, "\\\\", 2);
		else if (s[i] == '"')
			metrics_add(b, "\\\"", 2);
		else if (s[i] == '\n')
			metrics_add(b, "\\n", 2);
		else if ((k = metrics_utf8_len(s + i, n - i)) == 0)
			metrics_add(b, "\xef\xbf\xbd", 3);	/* U+FFFD */
		else {
			metrics_add(b, value + i, k);
			i += k;
			continue;
		}
		i++;
	}
	metrics_add(b, "\"", 1);
}

/* The # HELP and # TYPE lines of a family. */
static void
metrics_head(struct metrics_buf *b, const char *name, const char *type,
    const char *help)
{
	metrics_printf(b, "# HELP " METRICS_PREFIX "%s %s\n", name, help);
	metrics_printf(b, "# TYPE " METRICS_PREFIX "%s %s\n", name, type);
}

/* {target="...",address="...",port="..." with the brace left open. */
static void
metrics_endpoint_labels(struct metrics_buf *b,
    const struct metrics_endpoint *ep)
{
	char	 port[16];

	snprintf(port, sizeof(port), "%d", ep->port);
	metrics_add(b, "{", 1);
	metrics_label(b, "target", ep->target);
	metrics_label(b, "address", ep->address);
	metrics_label(b, "port", port);
}

/* One of the per-endpoint gauges, a sample per endpoint that has it. */
static void
metrics_gauge(struct metrics_buf *b, enum metrics_gauge g,
    const struct metrics_endpoint *ep, size_t n)
{
	static const char *const name[] = {
		"probe_success", "status", "cert_not_after_timestamp_seconds"
	};
	static const char *const help[] = {
		"Whether the last probe of the endpoint completed a TLS "
		    "handshake (1) or not (0).",
		"Status of the endpoint after its last probe: 0 ok, "
		    "1 warning, 2 critical.",
		"notAfter of the leaf certificate the endpoint last sent, "
		    "as a Unix time."
	};
	size_t	 i;

	metrics_head(b, name[g], "gauge", help[g]);
	for (i = 0; i < n; i++) {
		if (g == METRICS_NOT_AFTER && !ep[i].has_not_after)
			continue;
		metrics_printf(b, METRICS_PREFIX "%s", name[g]);
		metrics_endpoint_labels(b, &ep[i]);
		if (g == METRICS_SUCCESS)
			metrics_printf(b, "} %d\n", ep[i].success ? 1 : 0);
		else if (g == METRICS_STATUS)
			metrics_printf(b, "} %d\n", (int)ep[i].status);
		else
			metrics_printf(b, "} %lld\n", ep[i].not_after);
	}
}

/* edgeprobe_finding: 1 per distinct (code, severity) of each endpoint. */
static void
metrics_findings(struct metrics_buf *b, const struct metrics_endpoint *ep,
    size_t n)
{
	const struct metrics_finding *f;
	size_t	 i, j, k;

	metrics_head(b, "finding", "gauge",
	    "A current finding of the endpoint, by code and severity (1).");
	for (i = 0; i < n; i++) {
		f = ep[i].findings;
		for (j = 0; j < ep[i].nfindings; j++) {
			for (k = 0; k < j; k++)
				if (f[k].code == f[j].code &&
				    f[k].severity == f[j].severity)
					break;
			if (k < j)
				continue;
			metrics_add(b, METRICS_PREFIX "finding",
			    strlen(METRICS_PREFIX "finding"));
			metrics_endpoint_labels(b, &ep[i]);
			metrics_label(b, "code", finding_code_name(f[j].code));
			metrics_label(b, "severity",
			    severity_name(f[j].severity));
			metrics_add(b, "} 1\n", 4);
		}
	}
}

/* edgeprobe_probe_duration_seconds, with cumulative buckets. */
static void
metrics_histogram(struct metrics_buf *b, const struct metrics_stats *st)
{
	unsigned long long	 cum = 0;
	size_t			 i;

	metrics_head(b, "probe_duration_seconds", "histogram",
	    "Time a probe took, from the start of its connect to its end.");
	for (i = 0; i < METRICS_NBUCKETS; i++) {
		cum += st->buckets[i];
		metrics_printf(b, METRICS_PREFIX
		    "probe_duration_seconds_bucket{le=\"%g\"} %llu\n",
		    metrics_buckets[i], cum);
	}
	metrics_printf(b, METRICS_PREFIX
	    "probe_duration_seconds_bucket{le=\"+Inf\"} %llu\n", st->count);
	metrics_printf(b, METRICS_PREFIX "probe_duration_seconds_sum %.9g\n",
	    st->sum);
	metrics_printf(b, METRICS_PREFIX "probe_duration_seconds_count %llu\n",
	    st->count);
}

/* edgeprobe_endpoints, edgeprobe_probes_total and edgeprobe_build_info. */
static void
metrics_totals(struct metrics_buf *b, size_t n, const struct metrics_stats *st,
    const char *version, const char *openssl)
{
	int	 s;

	metrics_head(b, "endpoints", "gauge",
	    "Endpoints of the configured targets probed at least once.");
	metrics_printf(b, METRICS_PREFIX "endpoints %zu\n", n);
	metrics_head(b, "probes_total", "counter",
	    "Endpoint results judged since the start, by status.");
	for (s = STATUS_OK; s <= STATUS_CRITICAL; s++) {
		metrics_add(b, METRICS_PREFIX "probes_total{",
		    strlen(METRICS_PREFIX "probes_total{"));
		metrics_label(b, "result", status_name((enum status)s));
		metrics_printf(b, "} %llu\n", st->results[s]);
	}
	metrics_head(b, "build_info", "gauge",
	    "The running edgeprobe and the OpenSSL it uses (always 1).");
	metrics_add(b, METRICS_PREFIX "build_info{",
	    strlen(METRICS_PREFIX "build_info{"));
	metrics_label(b, "version", version);
	metrics_label(b, "openssl", openssl);
	metrics_add(b, "} 1\n", 4);
}
