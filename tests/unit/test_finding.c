/*
 * test_finding.c: the finding-code table. Every code has its contract name,
 * which parses back to the same code, and a meaning; the round-2 codes of
 * CONTRACT.md section 7 are there under their exact names, after the
 * section 5 ones.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "finding.h"

/* Every row: a name that parses back, a meaning, no hole in the table. */
static void
test_every_row(void **state)
{
	enum finding_code	 back;
	const char		*name;
	int			 i, j;

	(void)state;
	for (i = 0; i < F_NCODES; i++) {
		name = finding_code_name((enum finding_code)i);
		assert_non_null(name);
		assert_string_not_equal(name, "UNKNOWN");
		assert_int_equal(finding_code_parse(name, &back), 0);
		assert_int_equal(back, i);
		assert_true(strlen(finding_code_meaning(
		    (enum finding_code)i)) > 0);
		for (j = 0; j < i; j++)
			assert_string_not_equal(name,
			    finding_code_name((enum finding_code)j));
	}
	assert_string_equal(finding_code_name(F_NCODES), "UNKNOWN");
	assert_int_equal(finding_code_parse("NO_SUCH_CODE", &back), -1);
}

/* The round-2 codes, by their contract names, in the contract's order. */
static void
test_round2_codes(void **state)
{
	static const struct {
		enum finding_code	 code;
		const char		*name;
	} t[] = {
		{ F_MTLS_REJECTED, "MTLS_REJECTED" },
		{ F_SIP_NO_RESPONSE, "SIP_NO_RESPONSE" },
		{ F_SRV_MISSING, "SRV_MISSING" },
		{ F_SRV_TARGET_NOT_COVERED, "SRV_TARGET_NOT_COVERED" },
		{ F_REVOKED, "REVOKED" },
		{ F_OCSP_STAPLE_INVALID, "OCSP_STAPLE_INVALID" },
	};
	enum finding_code	 back;
	size_t			 i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		assert_string_equal(finding_code_name(t[i].code), t[i].name);
		assert_int_equal(finding_code_parse(t[i].name, &back), 0);
		assert_int_equal(back, t[i].code);
		assert_true(t[i].code > F_POOL_MISMATCH);
		if (i > 0)
			assert_true(t[i].code > t[i - 1].code);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_row),
		cmocka_unit_test(test_round2_codes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
