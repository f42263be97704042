/*
 * test_metrics.c: the Prometheus exposition of CONTRACT.md section 7
 * "Metrics": every family with # HELP and # TYPE, exact samples, escaped
 * label values, one series per distinct finding, cumulative buckets.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "finding.h"
#include "metrics.h"

static char	*render(const struct metrics_endpoint *, size_t,
		    const struct metrics_stats *);
static size_t	 count_lines(const char *, const char *);
static void	 assert_line(const char *, const char *);

/* Render and check that the length matches the text. */
static char *
render(const struct metrics_endpoint *ep, size_t n,
    const struct metrics_stats *st)
{
	char	*text;
	size_t	 len = 0;

	text = metrics_render(ep, n, st, "0.1.0", "3.0.11", &len);
	assert_non_null(text);
	assert_int_equal(len, strlen(text));
	assert_true(len > 0 && text[len - 1] == '\n');
	return text;
}

/* How many whole lines of text begin with prefix. */
static size_t
count_lines(const char *text, const char *prefix)
{
	const char	*p = text;
	size_t		 n = 0, plen = strlen(prefix);

	while (*p != '\0') {
		if (strncmp(p, prefix, plen) == 0)
			n++;
		if ((p = strchr(p, '\n')) == NULL)
			break;
		p++;
	}
	return n;
}

/* line is one whole line of text. */
static void
assert_line(const char *text, const char *line)
{
	const char	*p = text;
	size_t		 len = strlen(line);

	while ((p = strstr(p, line)) != NULL) {
		if ((p == text || p[-1] == '\n') && p[len] == '\n')
			return;
		p++;
	}
	fail_msg("no line \"%s\" in:\n%s", line, text);
}

/* No endpoint yet: every family is announced, counters are zero. */
static void
test_empty(void **state)
{
	struct metrics_stats	 st;
	char			*text;
	const char		*fam[] = {
		"probe_success gauge", "status gauge",
		"cert_not_after_timestamp_seconds gauge", "finding gauge",
		"probe_duration_seconds histogram", "endpoints gauge",
		"probes_total counter", "build_info gauge"
	};
	char			 want[128];
	size_t			 i;

	(void)state;
	memset(&st, 0, sizeof(st));
	text = render(NULL, 0, &st);
	for (i = 0; i < sizeof(fam) / sizeof(fam[0]); i++) {
		snprintf(want, sizeof(want), "# TYPE edgeprobe_%s", fam[i]);
		assert_line(text, want);
	}
	assert_int_equal(count_lines(text, "# HELP edgeprobe_"), 8);
	assert_int_equal(count_lines(text, "# TYPE edgeprobe_"), 8);
	assert_line(text, "edgeprobe_endpoints 0");
	assert_line(text, "edgeprobe_probes_total{result=\"ok\"} 0");
	assert_line(text, "edgeprobe_probes_total{result=\"critical\"} 0");
	assert_line(text, "edgeprobe_probe_duration_seconds_bucket{le=\"+Inf\"} 0");
	assert_line(text, "edgeprobe_probe_duration_seconds_count 0");
	assert_line(text,
	    "edgeprobe_build_info{version=\"0.1.0\",openssl=\"3.0.11\"} 1");
	assert_int_equal(count_lines(text, "edgeprobe_probe_success{"), 0);
	free(text);
}

/* Two endpoints: exact samples; no notAfter series without a leaf. */
static void
test_endpoints(void **state)
{
	struct metrics_finding	 f[] = {
		{ F_EXPIRES_SOON, SEV_WARNING },
		{ F_WEAK_KEY, SEV_WARNING },
		{ F_WEAK_KEY, SEV_WARNING },	/* a second certificate */
		{ F_SAN_ORDER, SEV_INFO }
	};
	struct metrics_endpoint	 ep[2];
	struct metrics_stats	 st;
	char			*text;

	(void)state;
	memset(&st, 0, sizeof(st));
	memset(ep, 0, sizeof(ep));
	ep[0].target = "edge";
	ep[0].address = "192.0.2.10";
	ep[0].port = 5061;
	ep[0].success = 1;
	ep[0].status = STATUS_WARNING;
	ep[0].has_not_after = 1;
	ep[0].not_after = 1827833692;
	ep[0].findings = f;
	ep[0].nfindings = 4;
	ep[1].target = "edge";
	ep[1].address = "2001:db8::1";
	ep[1].port = 443;
	ep[1].status = STATUS_CRITICAL;
	text = render(ep, 2, &st);
	assert_line(text, "edgeprobe_probe_success{target=\"edge\","
	    "address=\"192.0.2.10\",port=\"5061\"} 1");
	assert_line(text, "edgeprobe_probe_success{target=\"edge\","
	    "address=\"2001:db8::1\",port=\"443\"} 0");
	assert_line(text, "edgeprobe_status{target=\"edge\","
	    "address=\"192.0.2.10\",port=\"5061\"} 1");
	assert_line(text, "edgeprobe_status{target=\"edge\","
	    "address=\"2001:db8::1\",port=\"443\"} 2");
	assert_line(text, "edgeprobe_cert_not_after_timestamp_seconds{"
	    "target=\"edge\",address=\"192.0.2.10\",port=\"5061\"} 1827833692");
	assert_int_equal(count_lines(text,
	    "edgeprobe_cert_not_after_timestamp_seconds{"), 1);
	assert_line(text, "edgeprobe_finding{target=\"edge\","
	    "address=\"192.0.2.10\",port=\"5061\",code=\"EXPIRES_SOON\","
	    "severity=\"warning\"} 1");
	assert_line(text, "edgeprobe_finding{target=\"edge\","
	    "address=\"192.0.2.10\",port=\"5061\",code=\"SAN_ORDER\","
	    "severity=\"info\"} 1");
	/* WEAK_KEY twice on one endpoint is one series. */
	assert_int_equal(count_lines(text, "edgeprobe_finding{"), 3);
	assert_line(text, "edgeprobe_endpoints 2");
	free(text);
}

/*
 * Hostile label values: a quote, a backslash and a line feed are escaped,
 * invalid UTF-8 becomes U+FFFD, valid UTF-8 stays. Every sample stays on
 * its line.
 */
static void
test_escaping(void **state)
{
	struct metrics_endpoint	 ep;
	struct metrics_stats	 st;
	char			*text;

	(void)state;
	memset(&st, 0, sizeof(st));
	memset(&ep, 0, sizeof(ep));
	ep.target = "a\"b\\c\nd} 1\nedgeprobe_endpoints 99";
	ep.address = "x\xff\xc3\xa9\xed\xa0\x80y";	/* bad, é, surrogate */
	ep.port = 1;
	text = render(&ep, 1, &st);
	assert_line(text, "edgeprobe_status{target=\"a\\\"b\\\\c\\nd} 1\\n"
	    "edgeprobe_endpoints 99\",address=\"x\xef\xbf\xbd\xc3\xa9"
	    "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbdy\",port=\"1\"} 0");
	assert_int_equal(count_lines(text, "edgeprobe_endpoints "), 1);
	assert_line(text, "edgeprobe_endpoints 1");
	free(text);
}

/* Buckets are cumulative, +Inf is the count, the sum is exact. */
static void
test_histogram(void **state)
{
	struct metrics_stats	 st;
	char			*text;

	(void)state;
	memset(&st, 0, sizeof(st));
	metrics_observe(&st, 0.01);
	metrics_observe(&st, 0.05);	/* le is inclusive */
	metrics_observe(&st, 0.3);
	metrics_observe(&st, 3600);	/* beyond the last bound */
	metrics_count(&st, STATUS_OK);
	metrics_count(&st, STATUS_OK);
	metrics_count(&st, STATUS_CRITICAL);
	text = render(NULL, 0, &st);
	assert_line(text, "edgeprobe_probe_duration_seconds_bucket{le=\"0.05\"} 2");
	assert_line(text, "edgeprobe_probe_duration_seconds_bucket{le=\"0.25\"} 2");
	assert_line(text, "edgeprobe_probe_duration_seconds_bucket{le=\"0.5\"} 3");
	assert_line(text, "edgeprobe_probe_duration_seconds_bucket{le=\"30\"} 3");
	assert_line(text, "edgeprobe_probe_duration_seconds_bucket{le=\"+Inf\"} 4");
	assert_line(text, "edgeprobe_probe_duration_seconds_sum 3600.36");
	assert_line(text, "edgeprobe_probe_duration_seconds_count 4");
	assert_line(text, "edgeprobe_probes_total{result=\"ok\"} 2");
	assert_line(text, "edgeprobe_probes_total{result=\"warning\"} 0");
	assert_line(text, "edgeprobe_probes_total{result=\"critical\"} 1");
	assert_int_equal(count_lines(text,
	    "edgeprobe_probe_duration_seconds_bucket{"), METRICS_NBUCKETS + 1);
	free(text);
}

/* Many endpoints: the buffer grows, every sample is there. */
static void
test_many(void **state)
{
	struct metrics_endpoint	*ep;
	struct metrics_stats	 st;
	char			*text, name[32];
	size_t			 i, n = 5000;

	(void)state;
	memset(&st, 0, sizeof(st));
	ep = calloc(n, sizeof(*ep));
	assert_non_null(ep);
	for (i = 0; i < n; i++) {
		ep[i].target = "t";
		ep[i].address = "192.0.2.1";
		ep[i].port = (int)i + 1;
	}
	text = render(ep, n, &st);
	assert_int_equal(count_lines(text, "edgeprobe_status{"), n);
	snprintf(name, sizeof(name), "port=\"%zu\"} 0", n);
	assert_non_null(strstr(text, name));
	assert_line(text, "edgeprobe_endpoints 5000");
	free(text);
	free(ep);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_endpoints),
		cmocka_unit_test(test_escaping),
		cmocka_unit_test(test_histogram),
		cmocka_unit_test(test_many),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
