/*
 * test_srv.c: the probing order of DNS SRV answers (srv.c, RFC 2782).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "srv.h"

#define BIG	1000

static void	 rec(struct srv_record *, const char *, uint16_t, uint16_t,
		    uint16_t);
static void	 assert_rec(const struct srv_record *, const char *, uint16_t,
		    uint16_t, uint16_t);
static void	 assert_dropped(const struct srv_dropped *, size_t, size_t,
		    size_t, size_t);
static char	*repeat_label(char, size_t, size_t);

/* Fill one record; the name is a string literal, never freed. */
static void
rec(struct srv_record *r, const char *name, uint16_t port, uint16_t prio,
    uint16_t weight)
{
	r->name = (char *)(uintptr_t)name;
	r->port = port;
	r->priority = prio;
	r->weight = weight;
}

/* One record is exactly this. */
static void
assert_rec(const struct srv_record *r, const char *name, uint16_t port,
    uint16_t prio, uint16_t weight)
{
	assert_string_equal(r->name, name);
	assert_int_equal(r->port, port);
	assert_int_equal(r->priority, prio);
	assert_int_equal(r->weight, weight);
}

/* The counters are exactly these. */
static void
assert_dropped(const struct srv_dropped *d, size_t unavailable,
    size_t invalid, size_t duplicate, size_t capped)
{
	assert_int_equal(d->unavailable, unavailable);
	assert_int_equal(d->invalid, invalid);
	assert_int_equal(d->duplicate, duplicate);
	assert_int_equal(d->capped, capped);
}

/* n labels of len times c, joined by dots; caller frees. */
static char *
repeat_label(char c, size_t len, size_t n)
{
	char	*s, *p;
	size_t	 i;

	s = malloc(n * (len + 1) + 1);
	assert_non_null(s);
	p = s;
	for (i = 0; i < n; i++) {
		if (i > 0)
			*p++ = '.';
		memset(p, c, len);
		p += len;
	}
	*p = '\0';
	return s;
}

/* Priority ascending, weight descending, then name and port. */
static void
test_order(void **state)
{
	struct srv_record	 v[6];
	struct srv_dropped	 d;

	(void)state;
	rec(&v[0], "sip3.fabrikam.com", 5061, 20, 0);
	rec(&v[1], "sip2.fabrikam.com", 5061, 10, 10);
	rec(&v[2], "sip1.fabrikam.com", 5061, 10, 60);
	rec(&v[3], "b.fabrikam.com", 5061, 10, 10);
	rec(&v[4], "b.fabrikam.com", 443, 10, 10);
	rec(&v[5], "sip0.fabrikam.com", 5061, 0, 0);
	assert_int_equal(srv_order(v, 6, &d), 6);
	assert_dropped(&d, 0, 0, 0, 0);
	assert_rec(&v[0], "sip0.fabrikam.com", 5061, 0, 0);
	assert_rec(&v[1], "sip1.fabrikam.com", 5061, 10, 60);
	assert_rec(&v[2], "b.fabrikam.com", 443, 10, 10);
	assert_rec(&v[3], "b.fabrikam.com", 5061, 10, 10);
	assert_rec(&v[4], "sip2.fabrikam.com", 5061, 10, 10);
	assert_rec(&v[5], "sip3.fabrikam.com", 5061, 20, 0);
}

/* The same answer in any order gives the same list. */
static void
test_deterministic(void **state)
{
	struct srv_record	 a[4], b[4];
	struct srv_dropped	 d;
	size_t			 i;

	(void)state;
	rec(&a[0], "a.example.com", 5061, 1, 5);
	rec(&a[1], "B.example.com", 5061, 1, 5);
	rec(&a[2], "c.example.com", 5061, 1, 5);
	rec(&a[3], "d.example.com", 5061, 0, 0);
	for (i = 0; i < 4; i++)
		b[i] = a[3 - i];
	assert_int_equal(srv_order(a, 4, &d), 4);
	assert_int_equal(srv_order(b, 4, &d), 4);
	for (i = 0; i < 4; i++)
		assert_ptr_equal(a[i].name, b[i].name);
	assert_string_equal(a[0].name, "d.example.com");
	assert_string_equal(a[1].name, "a.example.com");
	assert_string_equal(a[2].name, "B.example.com");
	assert_string_equal(a[3].name, "c.example.com");
}

/* A (name, port) pair is kept once, with its best priority and weight. */
static void
test_duplicates(void **state)
{
	struct srv_record	 v[5];
	struct srv_dropped	 d;

	(void)state;
	rec(&v[0], "sip.fabrikam.com", 5061, 20, 0);
	rec(&v[1], "SIP.Fabrikam.com", 5061, 10, 0);
	rec(&v[2], "sip.fabrikam.com", 5061, 10, 50);
	rec(&v[3], "sip.fabrikam.com", 443, 30, 0);
	rec(&v[4], "edge.fabrikam.com", 5061, 20, 0);
	assert_int_equal(srv_order(v, 5, &d), 3);
	assert_dropped(&d, 0, 0, 2, 0);
	assert_rec(&v[0], "sip.fabrikam.com", 5061, 10, 50);
	assert_rec(&v[1], "edge.fabrikam.com", 5061, 20, 0);
	assert_rec(&v[2], "sip.fabrikam.com", 443, 30, 0);
}

/* "." (and "" or NULL) says the service is not there: nothing to probe. */
static void
test_unavailable(void **state)
{
	struct srv_record	 v[3];
	struct srv_dropped	 d;

	(void)state;
	rec(&v[0], ".", 5061, 0, 0);
	assert_int_equal(srv_order(v, 1, &d), 0);
	assert_dropped(&d, 1, 0, 0, 0);

	rec(&v[0], ".", 5061, 0, 0);
	rec(&v[1], "sip.fabrikam.com", 5061, 10, 0);
	rec(&v[2], "", 5061, 0, 0);
	assert_int_equal(srv_order(v, 3, &d), 1);
	assert_dropped(&d, 2, 0, 0, 0);
	assert_rec(&v[0], "sip.fabrikam.com", 5061, 10, 0);
	v[0].name = NULL;
	assert_int_equal(srv_order(v, 1, &d), 0);
	assert_dropped(&d, 1, 0, 0, 0);
	assert_int_equal(srv_order(v, 0, &d), 0);
	assert_dropped(&d, 0, 0, 0, 0);
}

/* Names that are not DNS host names, and port 0, are set aside. */
static void
test_invalid(void **state)
{
	static const char *const bad[] = {
		"sip_1.fabrikam.com", "-sip.fabrikam.com", "sip-.fabrikam.com",
		"sip..fabrikam.com", ".fabrikam.com", "sip.fabrikam.com.",
		"sip fabrikam.com", "sip.fabrikam.com\r\nX", "*.fabrikam.com",
		"sip.fabrikam.com:5061", "s\xc3\xa9.fabrikam.com", "a.-", "-",
	};
	struct srv_record	 v[16];
	struct srv_dropped	 d;
	size_t			 i, n = sizeof(bad) / sizeof(bad[0]);

	(void)state;
	for (i = 0; i < n; i++) {
		assert_false(srv_name_valid(bad[i]));
		rec(&v[i], bad[i], 5061, 0, 0);
	}
	rec(&v[n], "sip.fabrikam.com", 0, 0, 0);
	rec(&v[n + 1], "sip.fabrikam.com", 5061, 7, 3);
	assert_int_equal(srv_order(v, n + 2, &d), 1);
	assert_dropped(&d, 0, n + 1, 0, 0);
	assert_rec(&v[0], "sip.fabrikam.com", 5061, 7, 3);
}

/* The length limits: 63-byte labels and 253-byte names, not one more. */
static void
test_name_limits(void **state)
{
	char	*s;

	(void)state;
	assert_true(srv_name_valid("a"));
	assert_true(srv_name_valid("192.0.2.1"));
	assert_true(srv_name_valid("x-1.Fabrikam-2.COM"));
	assert_false(srv_name_valid(""));
	assert_false(srv_name_valid(NULL));

	s = repeat_label('a', 63, 1);
	assert_true(srv_name_valid(s));
	free(s);
	s = repeat_label('a', 64, 1);
	assert_false(srv_name_valid(s));
	free(s);
	/* 4 labels of 62 and one of 1: 4 * 63 + 1 = 253 bytes. */
	s = repeat_label('b', 62, 4);
	s = realloc(s, 254);
	assert_non_null(s);
	strcat(s, ".c");
	assert_int_equal(strlen(s), 253);
	assert_true(srv_name_valid(s));
	s = realloc(s, 256);
	assert_non_null(s);
	strcat(s, "d");
	assert_int_equal(strlen(s), 254);
	assert_false(srv_name_valid(s));
	free(s);
}

/*
 * An answer naming a thousand targets: SRV_MAX_TARGETS kept, the best
 * ones, in order; the rest counted, and every name still in the array.
 */
static void
test_cap(void **state)
{
	struct srv_record	*v;
	struct srv_dropped	 d;
	char			*names[BIG];
	size_t			 i, j, n, found;

	(void)state;
	v = calloc(BIG, sizeof(*v));
	assert_non_null(v);
	for (i = 0; i < BIG; i++) {
		names[i] = malloc(32);
		assert_non_null(names[i]);
		snprintf(names[i], 32, "t%04zu.fabrikam.com", i);
		/* Reverse order, so sorting has to move them. */
		v[i].name = names[i];
		v[i].port = 5061;
		v[i].priority = (uint16_t)(BIG - i);
		v[i].weight = 0;
	}
	n = srv_order(v, BIG, &d);
	assert_int_equal(n, SRV_MAX_TARGETS);
	assert_dropped(&d, 0, 0, 0, BIG - SRV_MAX_TARGETS);
	for (i = 0; i < n; i++) {
		assert_int_equal(v[i].priority, i + 1);
		assert_ptr_equal(v[i].name, names[BIG - 1 - i]);
	}
	/* A permutation: each name exactly once. */
	for (i = 0; i < BIG; i++) {
		found = 0;
		for (j = 0; j < BIG; j++)
			found += v[j].name == names[i];
		assert_int_equal(found, 1);
	}
	for (i = 0; i < BIG; i++)
		free(names[i]);
	free(v);
}

/* What is set aside for any reason stays in the array, behind the rest. */
static void
test_permutation(void **state)
{
	/* Six arrays, not literals: equal literals may share one address. */
	static char		 n0[] = ".", n1[] = "b.fabrikam.com",
				 n2[] = "bad_name", n3[] = "B.fabrikam.com",
				 n4[] = "a.fabrikam.com", n5[] = "a.fabrikam.com";
	struct srv_record	 v[6];
	const char		*in[6];
	struct srv_dropped	 d;
	size_t			 i, j, found;

	(void)state;
	rec(&v[0], n0, 5061, 0, 0);
	rec(&v[1], n1, 5061, 1, 0);
	rec(&v[2], n2, 5061, 0, 0);
	rec(&v[3], n3, 5061, 2, 0);
	rec(&v[4], n4, 5061, 3, 0);
	rec(&v[5], n5, 443, 3, 0);
	for (i = 0; i < 6; i++)
		in[i] = v[i].name;
	assert_int_equal(srv_order(v, 6, &d), 3);
	assert_dropped(&d, 1, 1, 1, 0);
	assert_rec(&v[0], "b.fabrikam.com", 5061, 1, 0);
	assert_rec(&v[1], "a.fabrikam.com", 443, 3, 0);
	assert_rec(&v[2], "a.fabrikam.com", 5061, 3, 0);
	for (i = 0; i < 6; i++) {
		found = 0;
		for (j = 0; j < 6; j++)
			found += v[j].name == in[i];
		assert_int_equal(found, 1);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_order),
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_duplicates),
		cmocka_unit_test(test_unavailable),
		cmocka_unit_test(test_invalid),
		cmocka_unit_test(test_name_limits),
		cmocka_unit_test(test_cap),
		cmocka_unit_test(test_permutation),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
