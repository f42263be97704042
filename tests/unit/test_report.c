/*
 * test_report.c: the JSON document (CONTRACT.md section 4) and the human
 * report, built from hand-made results carrying minted certificates, parsed
 * back with jansson and checked field by field.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "finding.h"
#include "mint.h"
#include "report.h"
#include "result.h"

#define T_NOT_BEFORE	1767323045	/* 2026-01-02T03:04:05Z */
#define T_NOT_AFTER	1798859045	/* 2027-01-02T03:04:05Z */

static const char *const doc_keys[] = { "version", "status", "results" };
/* Section 4's keys in its order, then section 7's (fields are only added). */
static const char *const result_keys[] = { "target", "host", "address",
    "port", "sni", "status", "handshake_ms", "days_left", "tls", "chain",
    "findings", "sip", "srv" };
static const char *const tls_keys[] = { "version", "cipher",
    "client_cert_requested", "acceptable_cas", "client_cert_sent", "ocsp" };
static const char *const ocsp_keys[] = { "status", "this_update",
    "next_update" };
static const char *const cert_keys[] = { "subject", "issuer", "serial",
    "sha256", "not_before", "not_after", "san", "eku", "key", "signature" };
static const char *const finding_keys[] = { "code", "severity", "message" };

#define NKEYS(a)	(sizeof(a) / sizeof((a)[0]))

static int		 utf8_valid(const char *);
static json_t		*render(struct result *const *, size_t, char **);
static void		 assert_keys(json_t *, const char *const *, size_t);
static const char	*jstr(json_t *, const char *);
static void		 assert_strings(json_t *, const char *const *, size_t);
static void		 assert_finding(json_t *, const char *, const char *,
			    const char *);
static void		 sha256_hex(X509 *, char *);
static struct result	*tls_result(void);
static char		*human(struct result *const *, size_t, int);

/*
 * A strict UTF-8 validator written apart from report.c: decode each code
 * point and refuse overlong forms, surrogates, values above U+10FFFF and
 * stray or missing continuation bytes. 1 when s is valid.
 */
static int
utf8_valid(const char *s)
{
	const unsigned char	*p = (const unsigned char *)s;
	uint32_t		 cp, min;
	int			 n, i;

	while (*p != '\0') {
		if (*p < 0x80) {
			p++;
			continue;
		} else if ((*p & 0xe0) == 0xc0) {
			n = 1;
			cp = *p & 0x1f;
			min = 0x80;
		} else if ((*p & 0xf0) == 0xe0) {
			n = 2;
			cp = *p & 0x0f;
			min = 0x800;
		} else if ((*p & 0xf8) == 0xf0) {
			n = 3;
			cp = *p & 0x07;
			min = 0x10000;
		} else
			return 0;
		for (i = 1; i <= n; i++) {
			if ((p[i] & 0xc0) != 0x80)
				return 0;
			cp = cp << 6 | (p[i] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		p += n + 1;
	}
	return 1;
}

/* Render, check the text is valid UTF-8, parse it back strictly. */
static json_t *
render(struct result *const *rs, size_t n, char **textp)
{
	json_error_t	 err;
	json_t		*doc;
	char		*text;

	text = report_json(rs, n);
	assert_non_null(text);
	assert_true(utf8_valid(text));
	/* The caller prints the newline. */
	assert_true(strlen(text) > 0 && text[strlen(text) - 1] == '}');
	doc = json_loads(text, JSON_REJECT_DUPLICATES, &err);
	if (doc == NULL)
		fail_msg("json_loads: %s at line %d: %s", err.text, err.line,
		    text);
	if (textp != NULL)
		*textp = text;
	else
		free(text);
	return doc;
}

/* The object has exactly these keys, in this order. */
static void
assert_keys(json_t *o, const char *const *keys, size_t n)
{
	void	*it;
	size_t	 i = 0;

	assert_true(json_is_object(o));
	assert_int_equal(json_object_size(o), n);
	for (it = json_object_iter(o); it != NULL;
	    it = json_object_iter_next(o, it)) {
		assert_true(i < n);
		assert_string_equal(json_object_iter_key(it), keys[i]);
		i++;
	}
	assert_int_equal(i, n);
}

/* The string member key of o; fails when it is not a string. */
static const char *
jstr(json_t *o, const char *key)
{
	json_t	*v;

	v = json_object_get(o, key);
	assert_non_null(v);
	assert_true(json_is_string(v));
	return json_string_value(v);
}

/* The array holds exactly these strings. */
static void
assert_strings(json_t *a, const char *const *want, size_t n)
{
	size_t	 i;

	assert_true(json_is_array(a));
	assert_int_equal(json_array_size(a), n);
	for (i = 0; i < n; i++) {
		assert_true(json_is_string(json_array_get(a, i)));
		assert_string_equal(json_string_value(json_array_get(a, i)),
		    want[i]);
	}
}

/* One finding object, exactly. */
static void
assert_finding(json_t *f, const char *code, const char *sev,
    const char *msg)
{
	assert_keys(f, finding_keys, NKEYS(finding_keys));
	assert_string_equal(jstr(f, "code"), code);
	assert_string_equal(jstr(f, "severity"), sev);
	assert_string_equal(jstr(f, "message"), msg);
}

/* SHA-256 of the DER in lowercase hex, computed here independently. */
static void
sha256_hex(X509 *x, char *out)
{
	unsigned char	 md[EVP_MAX_MD_SIZE];
	unsigned int	 len, i;

	assert_int_equal(X509_digest(x, EVP_sha256(), md, &len), 1);
	assert_int_equal(len, 32);
	for (i = 0; i < len; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
}

/* A result that reached TLS, with no chain yet. */
static struct result *
tls_result(void)
{
	struct result	*r;

	r = result_new("contoso-access-edge", "sip.contoso.com",
	    "192.0.2.10", 5061, "sip.contoso.com");
	r->has_tls = 1;
	r->handshake_ms = 12.34;
	strcpy(r->tls_version, "TLSv1.2");
	strcpy(r->cipher, "ECDHE-RSA-AES256-GCM-SHA384");
	r->client_cert_requested = 1;
	r->has_days = 1;
	r->days_left = 41;
	return r;
}

/* The human report as a string; caller frees. */
static char *
human(struct result *const *rs, size_t n, int color)
{
	FILE	*fp;
	char	*buf = NULL;
	size_t	 len = 0;

	fp = open_memstream(&buf, &len);
	assert_non_null(fp);
	report_human(fp, rs, n, color);
	assert_int_equal(fclose(fp), 0);
	return buf;
}

/* A full result: every key, every type, the chain as minted, in order. */
static void
test_json_full(void **state)
{
	static const char *const sans[] = { "sip.contoso.com",
	    "webcon.contoso.com", "sip.fabrikam.com" };
	static const char *const ekus[] = { "serverAuth", "clientAuth" };
	struct mint_pki		 pki;
	struct mint_spec	 spec;
	struct result		*r;
	EVP_PKEY		*key;
	X509			*leaf;
	json_t			*doc, *res, *tls, *chain, *c, *fs;
	char			*text, leafsha[65], intersha[65];

	(void)state;
	assert_int_equal(mint_pki_init(&pki, MINT_RSA, 0), 0);
	mint_spec_edge(&spec);
	spec.serial = 0x1a2b3c;
	spec.not_before = T_NOT_BEFORE;
	spec.not_after = T_NOT_AFTER;
	assert_non_null(key = mint_key(MINT_RSA, 0));
	assert_non_null(leaf = mint_cert(&spec, key, pki.inter,
	    pki.inter_key));
	sha256_hex(leaf, leafsha);
	sha256_hex(pki.inter, intersha);

	r = tls_result();
	assert_true(sk_X509_push(r->chain, leaf) > 0);
	assert_int_equal(X509_up_ref(pki.inter), 1);
	assert_true(sk_X509_push(r->chain, pki.inter) > 0);
	strcpy(r->leaf_sha256, leafsha);
	findings_add(&r->findings, F_SAN_ORDER, SEV_INFO,
	    "the first DNS SAN is not the subject CN");
	findings_add(&r->findings, F_CLIENT_EKU_MISSING, SEV_CRITICAL,
	    "leaf CN=sip.contoso.com lacks clientAuth: \"public IM\" fails");
	findings_add(&r->findings, F_WEAK_KEY, SEV_WARNING, "RSA-1024");
	result_finish(r);

	doc = render(&r, 1, &text);
	assert_keys(doc, doc_keys, NKEYS(doc_keys));
	assert_true(json_is_integer(json_object_get(doc, "version")));
	assert_int_equal(json_integer_value(json_object_get(doc, "version")),
	    1);
	assert_string_equal(jstr(doc, "status"), "critical");
	assert_true(json_is_array(json_object_get(doc, "results")));
	assert_int_equal(json_array_size(json_object_get(doc, "results")), 1);

	res = json_array_get(json_object_get(doc, "results"), 0);
	assert_keys(res, result_keys, NKEYS(result_keys));
	assert_string_equal(jstr(res, "target"), "contoso-access-edge");
	assert_string_equal(jstr(res, "host"), "sip.contoso.com");
	assert_string_equal(jstr(res, "address"), "192.0.2.10");
	assert_true(json_is_integer(json_object_get(res, "port")));
	assert_int_equal(json_integer_value(json_object_get(res, "port")),
	    5061);
	assert_string_equal(jstr(res, "sni"), "sip.contoso.com");
	assert_string_equal(jstr(res, "status"), "critical");
	assert_true(json_is_real(json_object_get(res, "handshake_ms")));
	assert_true(json_real_value(json_object_get(res, "handshake_ms")) ==
	    12.3);
	/* 0.1 ms precision, printed as typed. */
	assert_non_null(strstr(text, "\"handshake_ms\": 12.3,\n"));
	assert_true(json_is_integer(json_object_get(res, "days_left")));
	assert_int_equal(json_integer_value(json_object_get(res,
	    "days_left")), 41);

	tls = json_object_get(res, "tls");
	assert_keys(tls, tls_keys, NKEYS(tls_keys));
	assert_string_equal(jstr(tls, "version"), "TLSv1.2");
	assert_string_equal(jstr(tls, "cipher"),
	    "ECDHE-RSA-AES256-GCM-SHA384");
	assert_true(json_is_true(json_object_get(tls,
	    "client_cert_requested")));
	/* Section 7's fields when none of its features ran. */
	assert_true(json_is_array(json_object_get(tls, "acceptable_cas")));
	assert_int_equal(json_array_size(json_object_get(tls,
	    "acceptable_cas")), 0);
	assert_true(json_is_false(json_object_get(tls, "client_cert_sent")));
	assert_true(json_is_null(json_object_get(tls, "ocsp")));
	assert_true(json_is_null(json_object_get(res, "sip")));
	assert_true(json_is_null(json_object_get(res, "srv")));

	chain = json_object_get(res, "chain");
	assert_true(json_is_array(chain));
	assert_int_equal(json_array_size(chain), 2);
	c = json_array_get(chain, 0);
	assert_keys(c, cert_keys, NKEYS(cert_keys));
	assert_string_equal(jstr(c, "subject"), "CN=sip.contoso.com,O=Contoso");
	assert_string_equal(jstr(c, "issuer"),
	    "CN=EdgeProbe Test Intermediate CA,O=EdgeProbe Test PKI");
	assert_string_equal(jstr(c, "serial"), "1a2b3c");
	assert_string_equal(jstr(c, "sha256"), leafsha);
	assert_string_equal(jstr(c, "not_before"), "2026-01-02T03:04:05Z");
	assert_string_equal(jstr(c, "not_after"), "2027-01-02T03:04:05Z");
	assert_strings(json_object_get(c, "san"), sans, NKEYS(sans));
	assert_strings(json_object_get(c, "eku"), ekus, NKEYS(ekus));
	assert_string_equal(jstr(c, "key"), "RSA-2048");
	assert_string_equal(jstr(c, "signature"), "sha256WithRSAEncryption");

	c = json_array_get(chain, 1);
	assert_keys(c, cert_keys, NKEYS(cert_keys));
	assert_string_equal(jstr(c, "subject"),
	    "CN=EdgeProbe Test Intermediate CA,O=EdgeProbe Test PKI");
	assert_string_equal(jstr(c, "issuer"),
	    "CN=EdgeProbe Test Root CA,O=EdgeProbe Test PKI");
	assert_string_equal(jstr(c, "sha256"), intersha);
	assert_strings(json_object_get(c, "san"), NULL, 0);
	assert_strings(json_object_get(c, "eku"), NULL, 0);
	assert_string_equal(jstr(c, "key"), "RSA-2048");

	fs = json_object_get(res, "findings");
	assert_true(json_is_array(fs));
	assert_int_equal(json_array_size(fs), 3);
	assert_finding(json_array_get(fs, 0), "SAN_ORDER", "info",
	    "the first DNS SAN is not the subject CN");
	assert_finding(json_array_get(fs, 1), "CLIENT_EKU_MISSING",
	    "critical",
	    "leaf CN=sip.contoso.com lacks clientAuth: \"public IM\" fails");
	assert_finding(json_array_get(fs, 2), "WEAK_KEY", "warning",
	    "RSA-1024");

	json_decref(doc);
	free(text);
	result_free(r);
	EVP_PKEY_free(key);
	mint_pki_free(&pki);
}

/* A probe that failed before a certificate: nulls and an empty chain. */
static void
test_json_failed(void **state)
{
	struct result	*r;
	json_t		*doc, *res;
	char		*text;

	(void)state;
	r = result_new("fabrikam-edge", "sip.fabrikam.com", "2001:db8::10",
	    443, "sip.fabrikam.com");
	/* Stale TLS fields must not leak out when has_tls is 0. */
	r->handshake_ms = 99.9;
	strcpy(r->tls_version, "TLSv1.3");
	findings_add(&r->findings, F_CONNECT_FAILED, SEV_CRITICAL,
	    "connect to [2001:db8::10]:443: Connection refused");
	result_finish(r);

	doc = render(&r, 1, &text);
	assert_keys(doc, doc_keys, NKEYS(doc_keys));
	assert_string_equal(jstr(doc, "status"), "critical");
	res = json_array_get(json_object_get(doc, "results"), 0);
	assert_keys(res, result_keys, NKEYS(result_keys));
	assert_string_equal(jstr(res, "address"), "2001:db8::10");
	assert_int_equal(json_integer_value(json_object_get(res, "port")),
	    443);
	assert_string_equal(jstr(res, "status"), "critical");
	assert_true(json_is_null(json_object_get(res, "handshake_ms")));
	assert_true(json_is_null(json_object_get(res, "days_left")));
	assert_true(json_is_null(json_object_get(res, "tls")));
	assert_true(json_is_array(json_object_get(res, "chain")));
	assert_int_equal(json_array_size(json_object_get(res, "chain")), 0);
	assert_int_equal(json_array_size(json_object_get(res, "findings")), 1);
	assert_finding(json_array_get(json_object_get(res, "findings"), 0),
	    "CONNECT_FAILED", "critical",
	    "connect to [2001:db8::10]:443: Connection refused");
	assert_non_null(strstr(text, "\"chain\": [],\n"));
	assert_null(strstr(text, "99.9"));
	assert_null(strstr(text, "TLSv1.3"));
	json_decref(doc);
	free(text);
	result_free(r);
}

/* After a DNS failure: address is the name, one result per port. */
static void
test_json_dns_failed(void **state)
{
	static const int	 ports[] = { 443, 5061 };
	struct result		*rs[2];
	json_t			*doc, *res;
	size_t			 i;

	(void)state;
	for (i = 0; i < 2; i++) {
		rs[i] = result_new("nx", "nx.contoso.test", "nx.contoso.test",
		    ports[i], "nx.contoso.test");
		findings_add(&rs[i]->findings, F_DNS_FAILED, SEV_CRITICAL,
		    "nx.contoso.test does not resolve: Name or service not "
		    "known");
		result_finish(rs[i]);
	}
	doc = render(rs, 2, NULL);
	assert_string_equal(jstr(doc, "status"), "critical");
	assert_int_equal(json_array_size(json_object_get(doc, "results")), 2);
	for (i = 0; i < 2; i++) {
		res = json_array_get(json_object_get(doc, "results"), i);
		assert_keys(res, result_keys, NKEYS(result_keys));
		assert_string_equal(jstr(res, "target"), "nx");
		assert_string_equal(jstr(res, "host"), "nx.contoso.test");
		assert_string_equal(jstr(res, "address"), "nx.contoso.test");
		assert_int_equal(json_integer_value(json_object_get(res,
		    "port")), ports[i]);
		assert_string_equal(jstr(res, "sni"), "nx.contoso.test");
		assert_string_equal(jstr(res, "status"), "critical");
		assert_true(json_is_null(json_object_get(res, "handshake_ms")));
		assert_true(json_is_null(json_object_get(res, "days_left")));
		assert_true(json_is_null(json_object_get(res, "tls")));
		assert_int_equal(json_array_size(json_object_get(res,
		    "chain")), 0);
		assert_int_equal(json_array_size(json_object_get(res,
		    "findings")), 1);
		assert_finding(json_array_get(json_object_get(res,
		    "findings"), 0), "DNS_FAILED", "critical",
		    "nx.contoso.test does not resolve: Name or service not "
		    "known");
		result_free(rs[i]);
	}
	json_decref(doc);
}

/* The document's status is the worst result's; info counts as ok. */
static void
test_json_worst(void **state)
{
	static const struct {
		int		 sev[3];	/* -1: no finding */
		size_t		 n;
		const char	*doc;
	} t[] = {
		{ { -1, -1, -1 }, 0, "ok" },
		{ { -1, -1, -1 }, 1, "ok" },
		{ { SEV_INFO, -1, -1 }, 2, "ok" },
		{ { -1, SEV_WARNING, SEV_INFO }, 3, "warning" },
		{ { SEV_WARNING, SEV_CRITICAL, -1 }, 3, "critical" },
		{ { SEV_CRITICAL, SEV_INFO, SEV_WARNING }, 3, "critical" },
	};
	static const char *const stname[] = { "ok", "warning", "critical" };
	struct result	*rs[3];
	json_t		*doc, *res;
	size_t		 i, j;

	(void)state;
	for (i = 0; i < NKEYS(t); i++) {
		for (j = 0; j < t[i].n; j++) {
			rs[j] = tls_result();
			if (t[i].sev[j] != -1)
				findings_add(&rs[j]->findings, F_EXPIRES_SOON,
				    (enum severity)t[i].sev[j], "case %zu", i);
			result_finish(rs[j]);
		}
		doc = render(rs, t[i].n, NULL);
		assert_keys(doc, doc_keys, NKEYS(doc_keys));
		assert_string_equal(jstr(doc, "status"), t[i].doc);
		assert_int_equal(json_array_size(json_object_get(doc,
		    "results")), t[i].n);
		for (j = 0; j < t[i].n; j++) {
			res = json_array_get(json_object_get(doc, "results"),
			    j);
			assert_string_equal(jstr(res, "status"),
			    stname[t[i].sev[j] == -1 ? 0 :
			    status_of_severity((enum severity)t[i].sev[j])]);
			assert_int_equal(json_array_size(json_object_get(res,
			    "findings")), t[i].sev[j] == -1 ? 0 : 1);
			result_free(rs[j]);
		}
		json_decref(doc);
	}
}

/* handshake_ms keeps 0.1 ms and prints as a short decimal. */
static void
test_json_handshake_ms(void **state)
{
	static const struct {
		double		 ms;
		const char	*text;
	} t[] = {
		{ 12.34, "\"handshake_ms\": 12.3," },
		{ 12.36, "\"handshake_ms\": 12.4," },
		{ 0.04, "\"handshake_ms\": 0.0," },
		{ 0.06, "\"handshake_ms\": 0.1," },
		{ 1500, "\"handshake_ms\": 1500.0," },
		{ 9999.96, "\"handshake_ms\": 10000.0," },
		{ 123456.78, "\"handshake_ms\": 123456.8," },
		{ -1, "\"handshake_ms\": 0.0," },
	};
	struct result	*r;
	json_t		*doc;
	char		*text;
	size_t		 i;

	(void)state;
	for (i = 0; i < NKEYS(t); i++) {
		r = tls_result();
		r->handshake_ms = t[i].ms;
		doc = render(&r, 1, &text);
		if (strstr(text, t[i].text) == NULL)
			fail_msg("%g: want %s in %s", t[i].ms, t[i].text, text);
		json_decref(doc);
		free(text);
		result_free(r);
	}
}

/*
 * Bytes that are not UTF-8 in any string field come out as U+FFFD, one per
 * maximal ill-formed subsequence; valid UTF-8 and control characters pass
 * (JSON escapes the latter); the document stays valid.
 */
static void
test_json_hostile_fields(void **state)
{
	static const struct {
		const char	*in;
		const char	*out;
	} t[] = {
		{ "plain", "plain" },
		{ "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80",
		    "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80" },
		{ "a\xff" "b", "a\xef\xbf\xbd" "b" },
		{ "\xc0\xaf", "\xef\xbf\xbd\xef\xbf\xbd" },
		{ "\xe0\x80\x80",
		    "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" },
		{ "\xed\xa0\x80",
		    "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" },
		{ "\xf4\x90\x80\x80", "\xef\xbf\xbd\xef\xbf\xbd"
		    "\xef\xbf\xbd\xef\xbf\xbd" },
		{ "\xe2\x82", "\xef\xbf\xbd" },
		{ "\xe2\x82x", "\xef\xbf\xbdx" },
		{ "\xf0\x9f\x98", "\xef\xbf\xbd" },
		{ "\x80\xbf", "\xef\xbf\xbd\xef\xbf\xbd" },
		{ "\xf8\x88\x80\x80\x80", "\xef\xbf\xbd\xef\xbf\xbd"
		    "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" },
		{ "\x01\x1b[31m\x7f\n\"\\", "\x01\x1b[31m\x7f\n\"\\" },
	};
	struct result	*r;
	json_t		*doc, *res, *f;
	char		*text;
	size_t		 i;

	(void)state;
	for (i = 0; i < NKEYS(t); i++) {
		r = tls_result();
		free(r->target);
		r->target = strdup(t[i].in);
		snprintf(r->cipher, sizeof(r->cipher), "%s", t[i].in);
		findings_add(&r->findings, F_HANDSHAKE_FAILED, SEV_CRITICAL,
		    "%s", t[i].in);
		result_finish(r);
		doc = render(&r, 1, &text);
		res = json_array_get(json_object_get(doc, "results"), 0);
		assert_string_equal(jstr(res, "target"), t[i].out);
		assert_string_equal(jstr(json_object_get(res, "tls"),
		    "cipher"), t[i].out);
		f = json_array_get(json_object_get(res, "findings"), 0);
		assert_string_equal(jstr(f, "message"), t[i].out);
		/* No raw control byte in the text: JSON escaped them. */
		assert_null(strchr(text, '\x01'));
		assert_null(strchr(text, '\x1b'));
		json_decref(doc);
		free(text);
		result_free(r);
	}
}

/* A certificate whose CN and SAN carry hostile bytes: still valid JSON. */
static void
test_json_hostile_cert(void **state)
{
	static const unsigned char cn[] = "sip\xff\xfe\x01\x1b[2J\n\xc3(";
	static const unsigned char dns[] = "sip.contoso.com\0.evil\xff\x7f\r";
	struct mint_spec	 spec;
	struct result		*r;
	EVP_PKEY		*key;
	X509			*leaf;
	json_t			*doc, *c, *san;
	const unsigned char	*p;
	char			*text;
	size_t			 i;

	(void)state;
	mint_spec_edge(&spec);
	spec.cn = NULL;
	spec.cn_raw = cn;
	spec.cn_raw_len = sizeof(cn) - 1;
	spec.dns_raw = dns;
	spec.dns_raw_len = sizeof(dns) - 1;
	assert_non_null(key = mint_key(MINT_EC, 0));
	assert_non_null(leaf = mint_cert(&spec, key, NULL, NULL));
	r = tls_result();
	assert_true(sk_X509_push(r->chain, leaf) > 0);
	result_finish(r);

	doc = render(&r, 1, &text);
	c = json_array_get(json_object_get(json_array_get(
	    json_object_get(doc, "results"), 0), "chain"), 0);
	assert_keys(c, cert_keys, NKEYS(cert_keys));
	san = json_object_get(c, "san");
	assert_int_equal(json_array_size(san), 4);
	assert_string_equal(json_string_value(json_array_get(san, 0)),
	    "sip.contoso.com");
	/* The embedded NUL did not cut the name; chain.c escaped the bytes. */
	assert_string_equal(json_string_value(json_array_get(san, 3)),
	    "sip.contoso.com\\x00.evil\\xff\\x7f\\x0d");
	assert_string_equal(jstr(c, "key"), "EC-256");
	/* Neither the subject nor any SAN holds a control byte. */
	for (p = (const unsigned char *)jstr(c, "subject"); *p != '\0'; p++)
		assert_true(*p >= 0x20 && *p != 0x7f);
	for (i = 0; i < 4; i++)
		for (p = (const unsigned char *)json_string_value(
		    json_array_get(san, i)); *p != '\0'; p++)
			assert_true(*p >= 0x20 && *p != 0x7f);
	json_decref(doc);
	free(text);
	result_free(r);
	EVP_PKEY_free(key);
}

/* The human report, exactly, without colour. */
static void
test_human_plain(void **state)
{
	struct result	*rs[3];
	char		*s;

	(void)state;
	rs[0] = tls_result();
	findings_add(&rs[0]->findings, F_SAN_ORDER, SEV_INFO, "order");
	result_finish(rs[0]);
	rs[1] = result_new("fabrikam-edge", "sip.fabrikam.com",
	    "2001:db8::10", 443, "sip.fabrikam.com");
	findings_add(&rs[1]->findings, F_CONNECT_FAILED, SEV_CRITICAL,
	    "connect to [2001:db8::10]:443: Connection refused");
	result_finish(rs[1]);
	rs[2] = tls_result();
	free(rs[2]->target);
	rs[2]->target = strdup("edge2");
	rs[2]->days_left = 20;
	rs[2]->port = 443;
	findings_add(&rs[2]->findings, F_EXPIRES_SOON, SEV_WARNING,
	    "expires in 20 days");
	findings_add(&rs[2]->findings, F_SAN_ORDER, SEV_INFO, "order");
	findings_add(&rs[2]->findings, F_WEAK_KEY, SEV_WARNING, "RSA-1024");
	findings_add(&rs[2]->findings, F_WEAK_KEY, SEV_WARNING, "RSA-1000");
	result_finish(rs[2]);

	s = human(rs, 3, 0);
	assert_string_equal(s,
	    "OK        contoso-access-edge  192.0.2.10:5061     "
	    "sni=sip.contoso.com   days_left=41  findings=-\n"
	    "CRITICAL  fabrikam-edge        [2001:db8::10]:443  "
	    "sni=sip.fabrikam.com  days_left=-   findings=CONNECT_FAILED\n"
	    "    CONNECT_FAILED: connect to [2001:db8::10]:443: Connection "
	    "refused\n"
	    "WARNING   edge2                192.0.2.10:443      "
	    "sni=sip.contoso.com   days_left=20  "
	    "findings=EXPIRES_SOON,WEAK_KEY\n"
	    "    EXPIRES_SOON: expires in 20 days\n"
	    "    WEAK_KEY: RSA-1024\n"
	    "    WEAK_KEY: RSA-1000\n"
	    "3 endpoints: 1 ok, 1 warning, 1 critical\n");
	assert_null(strchr(s, '\033'));
	free(s);

	s = human(rs, 0, 0);
	assert_string_equal(s, "0 endpoints: 0 ok, 0 warning, 0 critical\n");
	free(s);
	result_free(rs[0]);
	result_free(rs[1]);
	result_free(rs[2]);
}

/* With colour, only the status word is wrapped, columns stay aligned. */
static void
test_human_color(void **state)
{
	struct result	*rs[2];
	char		*s;

	(void)state;
	rs[0] = tls_result();
	result_finish(rs[0]);
	rs[1] = tls_result();
	rs[1]->days_left = -2;
	findings_add(&rs[1]->findings, F_EXPIRED, SEV_CRITICAL, "expired");
	result_finish(rs[1]);
	s = human(rs, 2, 1);
	assert_string_equal(s,
	    "\033[32mOK\033[0m        contoso-access-edge  192.0.2.10:5061  "
	    "sni=sip.contoso.com  days_left=41  findings=-\n"
	    "\033[31mCRITICAL\033[0m  contoso-access-edge  192.0.2.10:5061  "
	    "sni=sip.contoso.com  days_left=-2  findings=EXPIRED\n"
	    "    EXPIRED: expired\n"
	    "2 endpoints: 1 ok, 0 warning, 1 critical\n");
	free(s);
	findings_free(&rs[1]->findings);
	findings_add(&rs[1]->findings, F_WEAK_KEY, SEV_WARNING, "weak");
	result_finish(rs[1]);
	s = human(&rs[1], 1, 1);
	assert_string_equal(s,
	    "\033[33mWARNING\033[0m   contoso-access-edge  192.0.2.10:5061  "
	    "sni=sip.contoso.com  days_left=-2  findings=WEAK_KEY\n"
	    "    WEAK_KEY: weak\n"
	    "1 endpoints: 0 ok, 1 warning, 0 critical\n");
	free(s);
	result_free(rs[0]);
	result_free(rs[1]);
}

/* Control bytes and high bytes never reach the terminal raw. */
static void
test_human_hostile(void **state)
{
	struct result	*r;
	char		*s;

	(void)state;
	r = result_new("e\033[2J", "h", "192.0.2.1", 443, "s\n\xff");
	findings_add(&r->findings, F_HANDSHAKE_FAILED, SEV_CRITICAL,
	    "%s", "alert\r\nOK fake\x7f");
	result_finish(r);
	s = human(&r, 1, 0);
	assert_string_equal(s,
	    "CRITICAL  e\\x1b[2J  192.0.2.1:443  sni=s\\x0a\\xff  "
	    "days_left=-  findings=HANDSHAKE_FAILED\n"
	    "    HANDSHAKE_FAILED: alert\\x0d\\x0aOK fake\\x7f\n"
	    "1 endpoints: 0 ok, 0 warning, 1 critical\n");
	free(s);
	result_free(r);
}

/* Section 7: the CAs asked for, our certificate sent, SIP and SRV. */
static void
test_json_federation(void **state)
{
	char			 name[] = "_sipfederationtls._tcp.fabrikam.com";
	char			 target[] = "sip.fabrikam.com";
	struct result_srv	 srv = { name, target, 5061, 10, 20 };
	struct result		*r;
	json_t			*doc, *res, *tls, *o;
	char			*text;

	(void)state;
	r = tls_result();
	r->client_cert_sent = 1;
	strlist_add(&r->acceptable_cas, "CN=Fabrikam Root,O=Fabrikam");
	strlist_add(&r->acceptable_cas, "CN=Contoso Root");
	r->sip_asked = 1;
	r->sip_status = 200;
	r->sip_reason = strdup("OK");
	r->sip_server = strdup("kamailio (5.6.3 (x86_64/linux))");
	result_set_srv(r, &srv);
	doc = render(&r, 1, &text);
	res = json_array_get(json_object_get(doc, "results"), 0);
	assert_keys(res, result_keys, NKEYS(result_keys));
	tls = json_object_get(res, "tls");
	assert_keys(tls, tls_keys, NKEYS(tls_keys));
	o = json_object_get(tls, "acceptable_cas");
	assert_int_equal(json_array_size(o), 2);
	assert_string_equal(json_string_value(json_array_get(o, 0)),
	    "CN=Fabrikam Root,O=Fabrikam");
	assert_string_equal(json_string_value(json_array_get(o, 1)),
	    "CN=Contoso Root");
	assert_true(json_is_true(json_object_get(tls, "client_cert_sent")));
	o = json_object_get(res, "sip");
	assert_true(json_is_object(o));
	assert_int_equal(json_object_size(o), 3);
	assert_int_equal(json_integer_value(json_object_get(o, "status")), 200);
	assert_string_equal(jstr(o, "reason"), "OK");
	assert_string_equal(jstr(o, "server"),
	    "kamailio (5.6.3 (x86_64/linux))");
	o = json_object_get(res, "srv");
	assert_true(json_is_object(o));
	assert_int_equal(json_object_size(o), 5);
	assert_string_equal(jstr(o, "name"),
	    "_sipfederationtls._tcp.fabrikam.com");
	assert_string_equal(jstr(o, "target"), "sip.fabrikam.com");
	assert_int_equal(json_integer_value(json_object_get(o, "port")), 5061);
	assert_int_equal(json_integer_value(json_object_get(o, "priority")),
	    10);
	assert_int_equal(json_integer_value(json_object_get(o, "weight")), 20);
	json_decref(doc);
	free(text);
	result_free(r);
}

/* sip_options without an answer: status and reason null, not absent. */
static void
test_json_sip_no_answer(void **state)
{
	struct result	*r;
	json_t		*doc, *o;

	(void)state;
	r = tls_result();
	r->sip_asked = 1;
	doc = render(&r, 1, NULL);
	o = json_object_get(json_array_get(json_object_get(doc, "results"), 0),
	    "sip");
	assert_true(json_is_object(o));
	assert_int_equal(json_object_size(o), 3);
	assert_true(json_is_null(json_object_get(o, "status")));
	assert_true(json_is_null(json_object_get(o, "reason")));
	assert_true(json_is_null(json_object_get(o, "server")));
	json_decref(doc);
	result_free(r);
}

/* tls.ocsp: the staple's status and dates; missing dates are null. */
static void
test_json_ocsp(void **state)
{
	struct result	*r;
	json_t		*doc, *o;

	(void)state;
	r = tls_result();
	r->has_ocsp = 1;
	strcpy(r->ocsp_status, "revoked");
	strcpy(r->ocsp_this_update, "2026-12-01T10:00:00Z");
	strcpy(r->ocsp_next_update, "2026-12-08T10:00:00Z");
	doc = render(&r, 1, NULL);
	o = json_object_get(json_object_get(json_array_get(json_object_get(doc,
	    "results"), 0), "tls"), "ocsp");
	/* Keys in the order of CONTRACT.md section 7. */
	assert_keys(o, ocsp_keys, NKEYS(ocsp_keys));
	assert_string_equal(jstr(o, "status"), "revoked");
	assert_string_equal(jstr(o, "this_update"), "2026-12-01T10:00:00Z");
	assert_string_equal(jstr(o, "next_update"), "2026-12-08T10:00:00Z");
	json_decref(doc);

	strcpy(r->ocsp_status, "unknown");
	r->ocsp_this_update[0] = '\0';
	r->ocsp_next_update[0] = '\0';
	doc = render(&r, 1, NULL);
	o = json_object_get(json_object_get(json_array_get(json_object_get(doc,
	    "results"), 0), "tls"), "ocsp");
	assert_keys(o, ocsp_keys, NKEYS(ocsp_keys));
	assert_string_equal(jstr(o, "status"), "unknown");
	assert_true(json_is_null(json_object_get(o, "this_update")));
	assert_true(json_is_null(json_object_get(o, "next_update")));
	json_decref(doc);
	result_free(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_full),
		cmocka_unit_test(test_json_failed),
		cmocka_unit_test(test_json_dns_failed),
		cmocka_unit_test(test_json_federation),
		cmocka_unit_test(test_json_sip_no_answer),
		cmocka_unit_test(test_json_ocsp),
		cmocka_unit_test(test_json_worst),
		cmocka_unit_test(test_json_handshake_ms),
		cmocka_unit_test(test_json_hostile_fields),
		cmocka_unit_test(test_json_hostile_cert),
		cmocka_unit_test(test_human_plain),
		cmocka_unit_test(test_human_color),
		cmocka_unit_test(test_human_hostile),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
