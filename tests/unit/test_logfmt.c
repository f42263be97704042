/*
 * test_logfmt.c: the key=value syslog lines of CONTRACT.md section 6.
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
#include "logfmt.h"
#include "result.h"

#define SHA_A "3f2a00112233445566778899aabbccddeeff00112233445566778899aabbccdd"
#define SHA_B "0b1c00112233445566778899aabbccddeeff00112233445566778899aabbccdd"

#define MAXKV	16

struct kv {
	char	*k[MAXKV];
	char	*v[MAXKV];
	size_t	 n;
};

static struct result	*edge_result(void);
static void		 assert_one_line(const char *);
static int		 hexval(int);
static int		 split_line(const char *, struct kv *);
static void		 kv_free(struct kv *);
static uint32_t		 rng(uint32_t *);

/* The result of a probe that reached TLS, as the engine would fill it. */
static struct result *
edge_result(void)
{
	struct result	*r;

	r = result_new("contoso-access-edge", "sip.contoso.com",
	    "192.0.2.10", 5061, "sip.contoso.com");
	r->has_tls = 1;
	r->handshake_ms = 12.3;
	r->has_days = 1;
	r->days_left = 41;
	strcpy(r->leaf_sha256, SHA_A);
	return r;
}

/* Every byte is printable ASCII: no CR, no LF, no control byte. */
static void
assert_one_line(const char *s)
{
	const unsigned char	*p;

	assert_non_null(s);
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		assert_true(*p >= 0x20);
		assert_true(*p <= 0x7e);
	}
	assert_null(strchr(s, '\n'));
	assert_null(strchr(s, '\r'));
}

/* The value of one hex digit, -1 when it is not one. */
static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/*
 * A strict reader of the format, written independently of logfmt.c: split
 * on spaces outside quotes, key=value, unescape \" \\ \xNN. 0 on success.
 */
static int
split_line(const char *s, struct kv *kv)
{
	const char	*p = s, *eq;
	char		*v;
	size_t		 n;
	int		 hi, lo;

	kv->n = 0;
	for (;;) {
		if (kv->n == MAXKV || (eq = strchr(p, '=')) == NULL ||
		    eq == p)
			return -1;
		kv->k[kv->n] = strndup(p, (size_t)(eq - p));
		if (strpbrk(kv->k[kv->n], " \"\\") != NULL) {
			free(kv->k[kv->n]);
			return -1;
		}
		v = kv->v[kv->n] = calloc(1, strlen(eq) + 1);
		kv->n++;
		p = eq + 1;
		n = 0;
		if (*p == '"') {
			for (p++; *p != '"'; p++) {
				if (*p == '\0')
					return -1;
				if (*p != '\\') {
					v[n++] = *p;
					continue;
				}
				p++;
				if (*p == '"' || *p == '\\')
					v[n++] = *p;
				else if (*p == 'x' &&
				    (hi = hexval(p[1])) != -1 &&
				    (lo = hexval(p[2])) != -1) {
					v[n++] = (char)(hi << 4 | lo);
					p += 2;
				} else
					return -1;
			}
			p++;
		} else {
			while (*p != ' ' && *p != '\0') {
				if (*p == '"' || *p == '=' || *p == '\\')
					return -1;
				v[n++] = *p++;
			}
		}
		if (*p == '\0')
			return 0;
		if (*p != ' ')
			return -1;
		p++;
	}
}

/* Free what split_line() allocated. */
static void
kv_free(struct kv *kv)
{
	size_t	 i;

	for (i = 0; i < kv->n; i++) {
		free(kv->k[i]);
		free(kv->v[i]);
	}
	kv->n = 0;
}

/* A fixed-seed xorshift generator: the test is the same on every run. */
static uint32_t
rng(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/* An OK result with a leaf and no finding. */
static void
test_result_ok(void **state)
{
	struct result	*r;
	char		*s;

	(void)state;
	r = edge_result();
	result_finish(r);
	s = logfmt_result(r);
	assert_string_equal(s, "target=contoso-access-edge "
	    "host=sip.contoso.com address=192.0.2.10 port=5061 status=ok "
	    "days_left=41 sha256=" SHA_A " findings=- msg=-");
	free(s);
	result_free(r);
}

/* A result from a domain with sip_options: srv= and sip= before msg=. */
static void
test_result_federation(void **state)
{
	char			 name[] = "_sipfederationtls._tcp.fabrikam.com";
	char			 target[] = "sip.fabrikam.com";
	struct result_srv	 srv = { name, target, 5061, 0, 0 };
	struct result		*r;
	char			*s;

	(void)state;
	r = edge_result();
	result_set_srv(r, &srv);
	r->sip_asked = 1;
	r->sip_status = 405;
	result_finish(r);
	s = logfmt_result(r);
	assert_string_equal(s, "target=contoso-access-edge "
	    "host=sip.contoso.com address=192.0.2.10 port=5061 status=ok "
	    "days_left=41 sha256=" SHA_A " findings=- "
	    "srv=_sipfederationtls._tcp.fabrikam.com sip=405 msg=-");
	free(s);
	r->sip_status = 0;
	s = logfmt_result(r);
	assert_non_null(strstr(s, " sip=- msg=-"));
	free(s);
	result_free(r);
}

/*
 * findings= lists the distinct non-info codes in order; msg= is the first
 * message of the highest severity even when a warning came first.
 */
static void
test_result_critical(void **state)
{
	struct result	*r;
	char		*s;

	(void)state;
	r = edge_result();
	findings_add(&r->findings, F_SAN_ORDER, SEV_INFO,
	    "first SAN is webcon.contoso.com");
	findings_add(&r->findings, F_CRL_DP_MISSING, SEV_WARNING,
	    "no CRL DP");
	findings_add(&r->findings, F_CLIENT_EKU_MISSING, SEV_CRITICAL,
	    "leaf CN=sip.contoso.com (3f2a00112233) lacks clientAuth");
	findings_add(&r->findings, F_SAN_MISSING, SEV_CRITICAL,
	    "sip.fabrikam.com is missing");
	findings_add(&r->findings, F_SAN_MISSING, SEV_CRITICAL,
	    "webcon.contoso.com is missing");
	result_finish(r);
	s = logfmt_result(r);
	assert_string_equal(s, "target=contoso-access-edge "
	    "host=sip.contoso.com address=192.0.2.10 port=5061 "
	    "status=critical days_left=41 sha256=" SHA_A " "
	    "findings=CRL_DP_MISSING,CLIENT_EKU_MISSING,SAN_MISSING "
	    "msg=\"leaf CN=sip.contoso.com (3f2a00112233) lacks "
	    "clientAuth\"");
	free(s);
	result_free(r);
}

/* A probe that failed before TLS: no days, no leaf. */
static void
test_result_failed(void **state)
{
	struct result	*r;
	char		*s;

	(void)state;
	r = result_new("contoso-access-edge", "sip.contoso.com",
	    "2001:db8::10", 443, "sip.contoso.com");
	findings_add(&r->findings, F_CONNECT_FAILED, SEV_CRITICAL,
	    "connect to [2001:db8::10]:443: Connection refused");
	result_finish(r);
	s = logfmt_result(r);
	assert_string_equal(s, "target=contoso-access-edge "
	    "host=sip.contoso.com address=2001:db8::10 port=443 "
	    "status=critical days_left=- sha256=- findings=CONNECT_FAILED "
	    "msg=\"connect to [2001:db8::10]:443: Connection refused\"");
	free(s);
	result_free(r);
}

/* Only info findings: status ok, findings=-, msg says why anyway. */
static void
test_result_info_only(void **state)
{
	struct result	*r;
	char		*s;

	(void)state;
	r = edge_result();
	r->days_left = -3;
	findings_add(&r->findings, F_SAN_ORDER, SEV_INFO, "order");
	findings_add(&r->findings, F_CLIENT_EKU_MISSING, SEV_INFO, "eku");
	result_finish(r);
	s = logfmt_result(r);
	assert_string_equal(s, "target=contoso-access-edge "
	    "host=sip.contoso.com address=192.0.2.10 port=5061 status=ok "
	    "days_left=-3 sha256=" SHA_A " findings=- msg=order");
	free(s);
	result_free(r);
}

/* Hostile bytes in every string field still give one line. */
static void
test_result_hostile(void **state)
{
	struct result	*r;
	char		*s;

	(void)state;
	r = result_new("t\nx", "h\"q", "", 1, "s");
	findings_add(&r->findings, F_HANDSHAKE_FAILED, SEV_CRITICAL,
	    "%s", "bad\r\nstatus=ok \x1b[31m\xff\\");
	result_finish(r);
	s = logfmt_result(r);
	assert_one_line(s);
	assert_string_equal(s, "target=\"t\\x0ax\" host=\"h\\\"q\" "
	    "address=\"\" port=1 status=critical days_left=- sha256=- "
	    "findings=HANDSHAKE_FAILED "
	    "msg=\"bad\\x0d\\x0astatus=ok \\x1b[31m\\xff\\\\\"");
	free(s);
	result_free(r);
}

/* The status_change line of the contract. */
static void
test_status_change(void **state)
{
	struct result	*r;
	char		*s;

	(void)state;
	r = edge_result();
	findings_add(&r->findings, F_EXPIRES_SOON, SEV_WARNING, "soon");
	findings_add(&r->findings, F_SAN_ORDER, SEV_INFO, "order");
	findings_add(&r->findings, F_WEAK_KEY, SEV_WARNING, "weak");
	result_finish(r);
	s = logfmt_status_change(r, STATUS_OK);
	assert_string_equal(s, "event=status_change "
	    "target=contoso-access-edge host=sip.contoso.com "
	    "address=192.0.2.10 port=5061 from=ok to=warning "
	    "findings=EXPIRES_SOON,WEAK_KEY");
	free(s);
	findings_free(&r->findings);
	result_finish(r);
	s = logfmt_status_change(r, STATUS_CRITICAL);
	assert_string_equal(s, "event=status_change "
	    "target=contoso-access-edge host=sip.contoso.com "
	    "address=192.0.2.10 port=5061 from=critical to=ok findings=-");
	free(s);
	result_free(r);
}

/* The cert_change line of the contract, with and without a leaf. */
static void
test_cert_change(void **state)
{
	struct result	*r;
	char		*s;

	(void)state;
	r = edge_result();
	s = logfmt_cert_change(r, SHA_B);
	assert_string_equal(s, "event=cert_change "
	    "target=contoso-access-edge host=sip.contoso.com "
	    "address=192.0.2.10 port=5061 from_sha256=" SHA_B " "
	    "to_sha256=" SHA_A);
	free(s);
	s = logfmt_cert_change(r, NULL);
	assert_string_equal(s, "event=cert_change "
	    "target=contoso-access-edge host=sip.contoso.com "
	    "address=192.0.2.10 port=5061 from_sha256=- to_sha256=" SHA_A);
	free(s);
	r->leaf_sha256[0] = '\0';
	s = logfmt_cert_change(r, SHA_B);
	assert_string_equal(s, "event=cert_change "
	    "target=contoso-access-edge host=sip.contoso.com "
	    "address=192.0.2.10 port=5061 from_sha256=" SHA_B " "
	    "to_sha256=-");
	free(s);
	result_free(r);
}

/* The quoting table: what is bare, what is quoted, how bytes escape. */
static void
test_quoting(void **state)
{
	static const struct {
		const char	*in;
		const char	*out;
	} t[] = {
		{ "plain", "k=plain" },
		{ "sip.contoso.com", "k=sip.contoso.com" },
		{ "2001:db8::1", "k=2001:db8::1" },
		{ "a,b/c_d-e+f~", "k=a,b/c_d-e+f~" },
		{ "-", "k=-" },
		{ NULL, "k=-" },
		{ "", "k=\"\"" },
		{ "a b", "k=\"a b\"" },
		{ " ", "k=\" \"" },
		{ "say \"hi\"", "k=\"say \\\"hi\\\"\"" },
		{ "\"", "k=\"\\\"\"" },
		{ "a\\b", "k=\"a\\\\b\"" },
		{ "a=b", "k=\"a=b\"" },
		{ "=", "k=\"=\"" },
		{ "a\nb", "k=\"a\\x0ab\"" },
		{ "\r", "k=\"\\x0d\"" },
		{ "\t", "k=\"\\x09\"" },
		{ "\x01", "k=\"\\x01\"" },
		{ "\x1f", "k=\"\\x1f\"" },
		{ "\x7f", "k=\"\\x7f\"" },
		{ "\x80", "k=\"\\x80\"" },
		{ "\xff", "k=\"\\xff\"" },
		{ "caf\xc3\xa9", "k=\"caf\\xc3\\xa9\"" },
		{ "x y\"z\\\n", "k=\"x y\\\"z\\\\\\x0a\"" },
	};
	size_t	 i;
	char	*s;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		s = logfmt_append(NULL, "k", t[i].in);
		assert_string_equal(s, t[i].out);
		assert_one_line(s);
		free(s);
	}
}

/* Appending to a line adds one space and the pair. */
static void
test_append(void **state)
{
	char	*s;

	(void)state;
	s = logfmt_append(NULL, "a", "1");
	s = logfmt_append(s, "b", "two words");
	s = logfmt_append(s, "c", "");
	assert_string_equal(s, "a=1 b=\"two words\" c=\"\"");
	free(s);
}

/*
 * Every single byte and thousands of random strings: the line stays one
 * printable line, and an independent reader splits it back into exactly
 * the keys and values that were written.
 */
static void
test_roundtrip(void **state)
{
	struct kv	 kv;
	uint32_t	 seed = 0x2545f491;
	char		 v1[64], v2[64], *s;
	size_t		 i, j, len;

	(void)state;
	for (i = 1; i < 256; i++) {
		v1[0] = (char)i;
		v1[1] = '\0';
		s = logfmt_append(NULL, "k", v1);
		assert_one_line(s);
		assert_int_equal(split_line(s, &kv), 0);
		assert_int_equal(kv.n, 1);
		assert_string_equal(kv.k[0], "k");
		assert_string_equal(kv.v[0], v1);
		kv_free(&kv);
		free(s);
	}
	for (i = 0; i < 5000; i++) {
		len = rng(&seed) % 24;
		for (j = 0; j < len; j++)
			v1[j] = (char)(rng(&seed) % 255 + 1);
		v1[len] = '\0';
		len = rng(&seed) % 8;
		for (j = 0; j < len; j++)
			v2[j] = " \"=\\\nab"[rng(&seed) % 7];
		v2[len] = '\0';
		s = logfmt_append(NULL, "target", v1);
		s = logfmt_append(s, "msg", v2);
		s = logfmt_append(s, "port", "5061");
		assert_one_line(s);
		assert_int_equal(split_line(s, &kv), 0);
		assert_int_equal(kv.n, 3);
		assert_string_equal(kv.k[0], "target");
		assert_string_equal(kv.v[0], v1);
		assert_string_equal(kv.k[1], "msg");
		assert_string_equal(kv.v[1], v2);
		assert_string_equal(kv.k[2], "port");
		assert_string_equal(kv.v[2], "5061");
		kv_free(&kv);
		free(s);
	}
}

/* A result line with hostile fields splits back into the right keys. */
static void
test_result_roundtrip(void **state)
{
	static const char *const keys[] = { "target", "host", "address",
	    "port", "status", "days_left", "sha256", "findings", "msg" };
	struct result	*r;
	struct kv	 kv;
	char		*s;
	size_t		 i;

	(void)state;
	r = result_new("a b=c", "status=ok", "x\" y", 5061, "s");
	findings_add(&r->findings, F_TIMEOUT, SEV_CRITICAL, "%s",
	    "findings=- msg=fake");
	result_finish(r);
	s = logfmt_result(r);
	assert_one_line(s);
	assert_int_equal(split_line(s, &kv), 0);
	assert_int_equal(kv.n, 9);
	for (i = 0; i < 9; i++)
		assert_string_equal(kv.k[i], keys[i]);
	assert_string_equal(kv.v[0], "a b=c");
	assert_string_equal(kv.v[1], "status=ok");
	assert_string_equal(kv.v[2], "x\" y");
	assert_string_equal(kv.v[3], "5061");
	assert_string_equal(kv.v[4], "critical");
	assert_string_equal(kv.v[5], "-");
	assert_string_equal(kv.v[6], "-");
	assert_string_equal(kv.v[7], "TIMEOUT");
	assert_string_equal(kv.v[8], "findings=- msg=fake");
	kv_free(&kv);
	free(s);
	result_free(r);
}

/* The findings list alone, as the human report uses it. */
static void
test_findings_list(void **state)
{
	struct result	*r;
	char		*s;

	(void)state;
	r = edge_result();
	s = logfmt_findings(r);
	assert_string_equal(s, "-");
	free(s);
	findings_add(&r->findings, F_SAN_ORDER, SEV_INFO, "i");
	s = logfmt_findings(r);
	assert_string_equal(s, "-");
	free(s);
	findings_add(&r->findings, F_WEAK_KEY, SEV_WARNING, "w1");
	findings_add(&r->findings, F_EXPIRED, SEV_CRITICAL, "c");
	findings_add(&r->findings, F_WEAK_KEY, SEV_WARNING, "w2");
	s = logfmt_findings(r);
	assert_string_equal(s, "WEAK_KEY,EXPIRED");
	free(s);
	result_free(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_result_ok),
		cmocka_unit_test(test_result_federation),
		cmocka_unit_test(test_result_critical),
		cmocka_unit_test(test_result_failed),
		cmocka_unit_test(test_result_info_only),
		cmocka_unit_test(test_result_hostile),
		cmocka_unit_test(test_status_change),
		cmocka_unit_test(test_cert_change),
		cmocka_unit_test(test_quoting),
		cmocka_unit_test(test_append),
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_result_roundtrip),
		cmocka_unit_test(test_findings_list),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
