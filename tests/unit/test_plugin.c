/*
 * test_plugin.c: the Monitoring Plugins output of plugin.c, from hand-made
 * results, compared byte for byte: the status line and its summary, the
 * perfdata with each result's thresholds, the long output, labels made
 * safe and text that can neither end a line nor start the perfdata.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "finding.h"
#include "plugin.h"
#include "result.h"

static struct result	*endpoint(const char *, const char *, int, long long,
			    double);
static char		*render(struct result *const *,
			    const struct plugin_limits *, size_t);
static void		 free_all(struct result **, size_t);

static const struct plugin_limits	lim_default[] = {
	{ 30, 7 }, { 30, 7 }, { 30, 7 }, { 30, 7 }
};

/*
 * A result for target at address:port; days < -100000: no certificate,
 * ms < 0: no handshake.
 */
static struct result *
endpoint(const char *target, const char *address, int port, long long days,
    double ms)
{
	struct result	*r;

	r = result_new(target, "sip.contoso.com", address, port,
	    "sip.contoso.com");
	if (days > -100000) {
		r->has_days = 1;
		r->days_left = days;
	}
	if (ms >= 0 || isnan(ms)) {
		r->has_tls = 1;
		r->handshake_ms = ms;
	}
	return r;
}

/* plugin_report() into a string; caller frees. */
static char *
render(struct result *const *rs, const struct plugin_limits *lim, size_t n)
{
	char	*buf = NULL;
	size_t	 len = 0;
	FILE	*fp;

	fp = open_memstream(&buf, &len);
	assert_non_null(fp);
	plugin_report(fp, rs, lim, n);
	assert_int_equal(fclose(fp), 0);
	return buf;
}

/* Free n results. */
static void
free_all(struct result **rs, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		result_free(rs[i]);
}

/* One healthy endpoint: "1 endpoint ok", days_left and handshake_ms. */
static void
test_ok(void **state)
{
	struct result	*rs[1];
	char		*out;

	(void)state;
	rs[0] = endpoint("edge", "192.0.2.10", 5061, 41, 12.34);
	result_finish(rs[0]);
	out = render(rs, lim_default, 1);
	assert_string_equal(out,
	    "EDGEPROBE OK - 1 endpoint ok | "
	    "'days_left_edge_192.0.2.10_5061'=41d;30;7 "
	    "'handshake_ms_edge_192.0.2.10_5061'=12.3ms;;;0\n"
	    "OK edge 192.0.2.10:5061 days_left=41\n");
	free(out);
	free_all(rs, 1);
}

/*
 * Critical first by count, warnings counted beside, the first critical
 * endpoint named with its codes (info left out, a code once), each
 * result's own thresholds, the worst finding's message in the long output.
 */
static void
test_critical(void **state)
{
	static const struct plugin_limits lim[] = {
		{ 30, 7 }, { 60, 14 }, { 20, 3 }, { 30, 7 }
	};
	struct result	*rs[4];
	char		*out;
	size_t		 i;

	(void)state;
	rs[0] = endpoint("edge", "192.0.2.10", 443, 200, 3.06);
	rs[1] = endpoint("edge", "192.0.2.11", 5061, 41, 0.04);
	findings_add(&rs[1]->findings, F_SAN_ORDER, SEV_INFO, "order");
	findings_add(&rs[1]->findings, F_SAN_MISSING, SEV_CRITICAL,
	    "no sip.fabrikam.com");
	findings_add(&rs[1]->findings, F_CLIENT_EKU_MISSING, SEV_CRITICAL,
	    "no clientAuth");
	findings_add(&rs[1]->findings, F_SAN_MISSING, SEV_CRITICAL,
	    "no sip.northwind.com");
	rs[2] = endpoint("av", "192.0.2.12", 443, 5, 7);
	findings_add(&rs[2]->findings, F_EXPIRES_SOON, SEV_WARNING, "5 days");
	rs[3] = endpoint("av", "192.0.2.13", 443, -100001, -1);
	findings_add(&rs[3]->findings, F_CONNECT_FAILED, SEV_CRITICAL,
	    "refused");
	for (i = 0; i < 4; i++)
		result_finish(rs[i]);
	out = render(rs, lim, 4);
	assert_string_equal(out,
	    "EDGEPROBE CRITICAL - 2 of 4 endpoints critical, 1 warning: "
	    "edge 192.0.2.11:5061 SAN_MISSING,CLIENT_EKU_MISSING | "
	    "'days_left_edge_192.0.2.10_443'=200d;30;7 "
	    "'handshake_ms_edge_192.0.2.10_443'=3.1ms;;;0 "
	    "'days_left_edge_192.0.2.11_5061'=41d;60;14 "
	    "'handshake_ms_edge_192.0.2.11_5061'=0.0ms;;;0 "
	    "'days_left_av_192.0.2.12_443'=5d;20;3 "
	    "'handshake_ms_av_192.0.2.12_443'=7.0ms;;;0\n"
	    "OK edge 192.0.2.10:443 days_left=200\n"
	    "CRITICAL edge 192.0.2.11:5061 days_left=41 "
	    "SAN_MISSING,CLIENT_EKU_MISSING: no sip.fabrikam.com\n"
	    "WARNING av 192.0.2.12:443 days_left=5 EXPIRES_SOON: 5 days\n"
	    "CRITICAL av 192.0.2.13:443 days_left=- CONNECT_FAILED: "
	    "refused\n");
	free(out);
	free_all(rs, 4);
}

/* Warnings only: "W of N endpoints warning", the first one named. */
static void
test_warning(void **state)
{
	struct result	*rs[3];
	char		*out;
	size_t		 i;

	(void)state;
	rs[0] = endpoint("a", "192.0.2.1", 443, 100, 1);
	findings_add(&rs[0]->findings, F_CLIENT_EKU_MISSING, SEV_INFO, "info");
	rs[1] = endpoint("b", "192.0.2.2", 443, 100, 1);
	findings_add(&rs[1]->findings, F_LEGACY_TLS, SEV_WARNING, "TLSv1");
	findings_add(&rs[1]->findings, F_WEAK_KEY, SEV_WARNING, "1024");
	rs[2] = endpoint("c", "192.0.2.3", 443, 100, 1);
	findings_add(&rs[2]->findings, F_WILDCARD_SUBJECT, SEV_WARNING, "*");
	for (i = 0; i < 3; i++)
		result_finish(rs[i]);
	out = render(rs, lim_default, 3);
	assert_string_equal(out,
	    "EDGEPROBE WARNING - 2 of 3 endpoints warning: b 192.0.2.2:443 "
	    "LEGACY_TLS,WEAK_KEY | 'days_left_a_192.0.2.1_443'=100d;30;7 "
	    "'handshake_ms_a_192.0.2.1_443'=1.0ms;;;0 "
	    "'days_left_b_192.0.2.2_443'=100d;30;7 "
	    "'handshake_ms_b_192.0.2.2_443'=1.0ms;;;0 "
	    "'days_left_c_192.0.2.3_443'=100d;30;7 "
	    "'handshake_ms_c_192.0.2.3_443'=1.0ms;;;0\n"
	    "OK a 192.0.2.1:443 days_left=100\n"
	    "WARNING b 192.0.2.2:443 days_left=100 LEGACY_TLS,WEAK_KEY: "
	    "TLSv1\n"
	    "WARNING c 192.0.2.3:443 days_left=100 WILDCARD_SUBJECT: *\n");
	free(out);
	free_all(rs, 3);
}

/*
 * No certificate and no handshake anywhere: no " |" at all. A handshake
 * without a certificate still has its handshake_ms; an expired leaf a
 * negative days_left.
 */
static void
test_no_perfdata(void **state)
{
	struct result	*rs[2];
	char		*out;

	(void)state;
	rs[0] = endpoint("edge", "sip.contoso.com", 5061, -100001, -1);
	findings_add(&rs[0]->findings, F_DNS_FAILED, SEV_CRITICAL, "NXDOMAIN");
	result_finish(rs[0]);
	out = render(rs, lim_default, 1);
	assert_string_equal(out,
	    "EDGEPROBE CRITICAL - 1 of 1 endpoint critical: edge "
	    "sip.contoso.com:5061 DNS_FAILED\n"
	    "CRITICAL edge sip.contoso.com:5061 days_left=- DNS_FAILED: "
	    "NXDOMAIN\n");
	free(out);
	rs[1] = endpoint("edge", "192.0.2.1", 5061, -3, NAN);
	findings_add(&rs[1]->findings, F_EXPIRED, SEV_CRITICAL, "expired");
	result_finish(rs[1]);
	out = render(rs + 1, lim_default, 1);
	assert_string_equal(out,
	    "EDGEPROBE CRITICAL - 1 of 1 endpoint critical: edge "
	    "192.0.2.1:5061 EXPIRED | 'days_left_edge_192.0.2.1_5061'=-3d;30;7 "
	    "'handshake_ms_edge_192.0.2.1_5061'=0.0ms;;;0\n"
	    "CRITICAL edge 192.0.2.1:5061 days_left=-3 EXPIRED: expired\n");
	free(out);
	free_all(rs, 2);
}

/*
 * Labels keep [A-Za-z0-9._-] and turn every other byte into '_' (a quote,
 * '=', a space, ':', '/', '|', control and non-ASCII bytes); the text
 * writes control bytes, DEL, bytes >= 0x80 and '|' as \xNN; an IPv6
 * address is bracketed in the text.
 */
static void
test_escaping(void **state)
{
	struct result	*rs[1];
	char		*out;

	(void)state;
	rs[0] = endpoint("it's a=b/c|d\n\xc3\xa9\x7f", "2001:db8::1", 5061,
	    9, 1.25);
	findings_add(&rs[0]->findings, F_SAN_MISSING, SEV_CRITICAL,
	    "a|b\tc\\d 'e'");
	result_finish(rs[0]);
	out = render(rs, lim_default, 1);
	assert_string_equal(out,
	    "EDGEPROBE CRITICAL - 1 of 1 endpoint critical: "
	    "it's a=b/c\\x7cd\\x0a\\xc3\\xa9\\x7f [2001:db8::1]:5061 "
	    "SAN_MISSING | "
	    "'days_left_it_s_a_b_c_d_____2001_db8__1_5061'=9d;30;7 "
	    "'handshake_ms_it_s_a_b_c_d_____2001_db8__1_5061'=1.3ms;;;0\n"
	    "CRITICAL it's a=b/c\\x7cd\\x0a\\xc3\\xa9\\x7f [2001:db8::1]:5061 "
	    "days_left=9 SAN_MISSING: a\\x7cb\\x09c\\d 'e'\n");
	free(out);
	free_all(rs, 1);
}

/* A file judged (`cert`): "certificate", no address or port anywhere. */
static void
test_cert(void **state)
{
	static const struct plugin_limits lim[] = { { 45, 10 } };
	struct result	*rs[1];
	char		*out;

	(void)state;
	rs[0] = result_new("/etc/edgeprobe/new edge.pem", "sip.contoso.com",
	    NULL, 0, "sip.contoso.com");
	rs[0]->no_endpoint = 1;
	rs[0]->has_days = 1;
	rs[0]->days_left = 365;
	result_finish(rs[0]);
	out = render(rs, lim, 1);
	assert_string_equal(out,
	    "EDGEPROBE OK - 1 certificate ok | "
	    "'days_left__etc_edgeprobe_new_edge.pem'=365d;45;10\n"
	    "OK /etc/edgeprobe/new edge.pem days_left=365\n");
	free(out);
	findings_add(&rs[0]->findings, F_CRL_DP_MISSING, SEV_WARNING, "no CDP");
	result_finish(rs[0]);
	out = render(rs, lim, 1);
	assert_string_equal(out,
	    "EDGEPROBE WARNING - 1 of 1 certificate warning: "
	    "/etc/edgeprobe/new edge.pem CRL_DP_MISSING | "
	    "'days_left__etc_edgeprobe_new_edge.pem'=365d;45;10\n"
	    "WARNING /etc/edgeprobe/new edge.pem days_left=365 "
	    "CRL_DP_MISSING: no CDP\n");
	free(out);
	free_all(rs, 1);
}

/* No result at all: "0 endpoints ok", the worst of nothing. */
static void
test_empty(void **state)
{
	char	*out;

	(void)state;
	out = render(NULL, NULL, 0);
	assert_string_equal(out, "EDGEPROBE OK - 0 endpoints ok\n");
	free(out);
}

/* The UNKNOWN line: one line whatever the message carries. */
static void
test_unknown(void **state)
{
	char	*buf = NULL;
	size_t	 len = 0;
	FILE	*fp;

	(void)state;
	fp = open_memstream(&buf, &len);
	assert_non_null(fp);
	plugin_unknown(fp, "a.conf:3: bad | value\nsecond line");
	assert_int_equal(fclose(fp), 0);
	assert_string_equal(buf, "EDGEPROBE UNKNOWN - a.conf:3: bad \\x7c "
	    "value\\x0asecond line\n");
	free(buf);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ok),
		cmocka_unit_test(test_critical),
		cmocka_unit_test(test_warning),
		cmocka_unit_test(test_no_perfdata),
		cmocka_unit_test(test_escaping),
		cmocka_unit_test(test_cert),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_unknown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
