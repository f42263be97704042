/*
 * test_conf.c: the configuration loader against real files.
 *
 * Every case writes a configuration file into a private mkdtemp directory
 * (the process works from inside it, so FILE in the messages is the short
 * relative name given to conf_load) and asserts the exact result: every
 * value of a valid file, or the exact list of "FILE:LINE: message" errors.
 */
#include <sys/stat.h>

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "conf.h"
#include "mint.h"

/* One valid target, for files that test something else. */
#define TARGET \
	"targets = ( { name = \"edge1\"; host = \"sip.contoso.com\"; } );\n"

/* The most errors one case of err_cases[] expects. */
#define ERR_MAX		18

/*
 * One invalid file and exactly the errors it must give, in order. aux is
 * another file the text refers to, written first (aux_text NULL: made a
 * directory instead).
 */
struct err_case {
	const char	*name;		/* FILE, and the name of the case */
	const char	*text;
	const char	*aux;
	const char	*aux_text;
	const char	*errors[ERR_MAX + 1];	/* NULL-terminated */
};

static char	 tmpdir[PATH_MAX];
static char	 olddir[PATH_MAX];

static int	 setup(void **);
static int	 teardown(void **);
static void	 write_file(const char *, const char *);
static struct conf *load_ok(const char *, const char *);
static void	 expect_errors(const char *, const char *, size_t, ...);
static void	 dump_errors(const struct conf_errors *);
static void	 test_err_case(void **);
static void	 write_client_cert(const char *, struct mint_pki *,
		    EVP_PKEY *, int);
static void	 write_encrypted_key(const char *, EVP_PKEY *);
static void	 test_interned(void **);
static void	 test_err_order(void **);
static double	 load_many(const char *, int, int, struct conf_errors *,
		    struct conf **);

/* Work inside a fresh temporary directory. */
static int
setup(void **state)
{
	(void)state;
	if (getcwd(olddir, sizeof(olddir)) == NULL)
		return -1;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/test_conf.XXXXXX");
	if (mkdtemp(tmpdir) == NULL)
		return -1;
	if (chdir(tmpdir) == -1)
		return -1;
	return 0;
}

/* Remove the temporary directory and everything in it. */
static int
teardown(void **state)
{
	char	 cmd[PATH_MAX + 16];

	(void)state;
	if (chdir(olddir) == -1)
		return -1;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

/* Write text to name in the temporary directory. */
static void
write_file(const char *name, const char *text)
{
	FILE	*fp;

	fp = fopen(name, "w");
	assert_non_null(fp);
	assert_int_equal(fputs(text, fp) >= 0, 1);
	assert_int_equal(fclose(fp), 0);
}

/* Print collected errors, to explain a failed assertion. */
static void
dump_errors(const struct conf_errors *errs)
{
	size_t	 i;

	for (i = 0; i < errs->n; i++)
		print_message("# error: %s\n", errs->v[i]);
}

/* Write and load a file that must be valid. */
static struct conf *
load_ok(const char *name, const char *text)
{
	struct conf_errors	 errs = { NULL, 0 };
	struct conf		*conf;

	write_file(name, text);
	conf = conf_load(name, &errs);
	dump_errors(&errs);
	assert_int_equal(errs.n, 0);
	assert_non_null(conf);
	assert_string_equal(conf->path, name);
	conf_errors_free(&errs);
	return conf;
}

/* Write and load a file that must fail with exactly the n errors given. */
static void
expect_errors(const char *name, const char *text, size_t n, ...)
{
	struct conf_errors	 errs = { NULL, 0 };
	struct conf		*conf;
	va_list			 ap;
	size_t			 i;

	if (text != NULL)
		write_file(name, text);
	conf = conf_load(name, &errs);
	assert_null(conf);
	if (errs.n != n)
		dump_errors(&errs);
	assert_int_equal(errs.n, n);
	va_start(ap, n);
	for (i = 0; i < n; i++)
		assert_string_equal(errs.v[i], va_arg(ap, const char *));
	va_end(ap);
	conf_errors_free(&errs);
	assert_null(errs.v);
	assert_int_equal(errs.n, 0);
}

/*
 * Invalid files, one case each: FILE is the case's name, and the errors
 * are exactly these, in this order.
 */
static const struct err_case err_cases[] = {
	/* libconfig stops at the first syntax error: exactly that one. */
	{ "syntax.conf",
	  "interval = 300;\n"
	  "timeout = ;\n"
	  "concurrency = ;\n",
	  .errors = {
	    "syntax.conf:2: syntax error",
	    NULL } },
	{ "dupkey.conf",
	  "interval = 1;\n" TARGET
	  "interval = 2;\n",
	  .errors = {
	    "dupkey.conf:3: duplicate setting name",
	    NULL } },
	{ "unterminated.conf",
	  TARGET "ca_file = \"/etc\n",
	  .errors = {
	    "unterminated.conf:3: syntax error",
	    NULL } },
	{ "mixed.conf",
	  TARGET "x = [1, \"a\"];\n",
	  .errors = {
	    "mixed.conf:2: mismatched element type in array",
	    NULL } },
	{ "include.conf",
	  "@include \"nothere.conf\"\n" TARGET,
	  .errors = {
	    "include.conf:1: cannot open include file",
	    NULL } },
	/* Unknown settings at the top level, in a target and in syslog. */
	{ "unknown.conf",
	  "intervall = 300;\n"
	  "syslog = { ident = \"ep\"; level = \"info\"; };\n"
	  "targets = (\n"
	  "  { name = \"edge1\";\n"
	  "    host = \"sip.contoso.com\";\n"
	  "    pors = [443]; },\n"
	  "  { host = \"b\"; bogus = 1; }\n"
	  ");\n",
	  .errors = {
	    "unknown.conf:1: unknown setting \"intervall\"",
	    "unknown.conf:2: unknown setting \"level\" in syslog",
	    "unknown.conf:6: unknown setting \"pors\" in target \"edge1\"",
	    "unknown.conf:7: unknown setting \"bogus\" in target #2",
	    "unknown.conf:7: target #2 has no \"name\"",
	    NULL } },
	/* Known settings in the wrong place say where they belong. */
	{ "misplaced.conf",
	  "host = \"sip.contoso.com\";\n"
	  "ident = \"ep\";\n"
	  "syslog = { timeout = 3; };\n"
	  "targets = ( { name = \"a\"; host = \"b\";\n"
	  "  concurrency = 5;\n"
	  "  facility = \"daemon\"; } );\n",
	  .errors = {
	    "misplaced.conf:1: \"host\" is not allowed at the top level "
	    "(only in a target)",
	    "misplaced.conf:2: \"ident\" is not allowed at the top level "
	    "(only in syslog)",
	    "misplaced.conf:3: \"timeout\" is not allowed in syslog "
	    "(only at the top level or in a target)",
	    "misplaced.conf:5: \"concurrency\" is not allowed in target \"a\" "
	    "(only at the top level)",
	    "misplaced.conf:6: \"facility\" is not allowed in target \"a\" "
	    "(only in syslog)",
	    NULL } },
	/* Wrong types, one per kind of setting, each at its own line. */
	{ "types.conf",
	  "interval = 1.5;\n"
	  "timeout = \"10\";\n"
	  "log_ok = 1;\n"
	  "ca_file = 5;\n"
	  "syslog = { ident = 5; facility = 3; };\n"
	  "targets = (\n"
	  "  { name = \"edge1\";\n"
	  "    host = [\"sip.contoso.com\"];\n"
	  "    ports = \"443\";\n"
	  "    san = \"sip.contoso.com\";\n"
	  "    pool = [1, 2];\n"
	  "    public_im = \"yes\";\n"
	  "    sni = true;\n"
	  "    subject = 1L;\n"
	  "    warn_days = 30.0; },\n"
	  "  { name = 7; host = \"h\"; san = (\"a\", 1, \"b\", 2.5); }\n"
	  ");\n",
	  .errors = {
	    "types.conf:1: \"interval\" must be an integer",
	    "types.conf:2: \"timeout\" must be an integer",
	    "types.conf:3: \"log_ok\" must be true or false",
	    "types.conf:4: \"ca_file\" must be a string",
	    "types.conf:5: \"ident\" in syslog must be a string",
	    "types.conf:5: \"facility\" in syslog must be a string",
	    "types.conf:8: \"host\" in target \"edge1\" must be a string",
	    "types.conf:9: \"ports\" in target \"edge1\" must be a list of "
	    "ports",
	    "types.conf:10: \"san\" in target \"edge1\" must be a list of "
	    "strings",
	    "types.conf:11: \"pool\" in target \"edge1\" must be a list of "
	    "strings",
	    "types.conf:11: \"pool\" in target \"edge1\" must be a list of "
	    "strings",
	    "types.conf:12: \"public_im\" in target \"edge1\" must be true or "
	    "false",
	    "types.conf:13: \"sni\" in target \"edge1\" must be a string",
	    "types.conf:14: \"subject\" in target \"edge1\" must be a string",
	    "types.conf:15: \"warn_days\" in target \"edge1\" must be an "
	    "integer",
	    "types.conf:16: \"name\" in target #2 must be a string",
	    "types.conf:16: \"san\" in target #2 must be a list of strings",
	    "types.conf:16: \"san\" in target #2 must be a list of strings",
	    NULL } },
	/* ports: the element's line, a list or an array, a non-int element. */
	{ "portlist.conf",
	  "targets = ( { name = \"a\"; host = \"b\"; ports = (443,\n"
	  "  \"5061\", 5062.0); } );\n",
	  .errors = {
	    "portlist.conf:2: \"ports\" in target \"a\" must be a list of "
	    "ports",
	    "portlist.conf:2: \"ports\" in target \"a\" must be a list of "
	    "ports",
	    NULL } },
	{ "portgroup.conf",
	  "targets = ( { name = \"a\"; host = \"b\";\n"
	  "  ports = { p = 443; }; } );\n",
	  .errors = {
	    "portgroup.conf:2: \"ports\" in target \"a\" must be a list of "
	    "ports",
	    NULL } },
	/* Group-shaped settings given as something else. */
	{ "syslog.conf",
	  "syslog = \"daemon\";\n" TARGET,
	  .errors = {
	    "syslog.conf:1: \"syslog\" must be a group: "
	    "syslog = { ident = \"...\"; facility = \"...\"; };",
	    NULL } },
	{ "targetsgroup.conf",
	  "targets = { name = \"a\"; host = \"b\"; };\n",
	  .errors = {
	    "targetsgroup.conf:1: \"targets\" must be a list of groups: "
	    "targets = ( { name = \"...\"; host = \"...\"; } );",
	    NULL } },
	{ "targetsarray.conf",
	  "targets = [\"a\", \"b\"];\n",
	  .errors = {
	    "targetsarray.conf:1: \"targets\" must be a list of groups: "
	    "targets = ( { name = \"...\"; host = \"...\"; } );",
	    NULL } },
	{ "element.conf",
	  "targets = (\n"
	  "  { name = \"a\"; host = \"b\"; },\n"
	  "  \"c\",\n"
	  "  [1]\n"
	  ");\n",
	  .errors = {
	    "element.conf:3: target #2 must be a group: "
	    "{ name = \"...\"; host = \"...\"; }",
	    "element.conf:4: target #3 must be a group: "
	    "{ name = \"...\"; host = \"...\"; }",
	    NULL } },
	/* Duplicate names: at the second (and later) occurrence's name line. */
	{ "dup.conf",
	  "targets = (\n"
	  "  { name = \"edge1\"; host = \"a\"; },\n"
	  "  { name = \"edge2\"; host = \"b\"; },\n"
	  "  {\n"
	  "    host = \"c\";\n"
	  "    name = \"edge1\";\n"
	  "  },\n"
	  "  { name = \"Edge1\"; host = \"d\"; },\n"
	  "  { name = \"edge2\"; host = \"e\"; },\n"
	  "  { name = \"edge1\"; host = \"f\"; }\n"
	  ");\n",
	  .errors = {
	    "dup.conf:6: duplicate target name \"edge1\" (first at line 2)",
	    "dup.conf:9: duplicate target name \"edge2\" (first at line 3)",
	    "dup.conf:10: duplicate target name \"edge1\" (first at line 2)",
	    NULL } },
	/* Ports outside 1..65535, repeated, too many, none. */
	{ "ports.conf",
	  "targets = (\n"
	  "  { name = \"a\"; host = \"h\";\n"
	  "    ports = (0, 443,\n"
	  "             65536, -1, 5000000000L, 443); },\n"
	  "  { name = \"b\"; host = \"h\";\n"
	  "    ports = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,\n"
	  "             16, 17]; },\n"
	  "  { name = \"c\"; host = \"h\";\n"
	  "    ports = []; },\n"
	  "  { name = \"d\"; host = \"h\"; ports = (); }\n"
	  ");\n",
	  .errors = {
	    "ports.conf:3: port 0 in target \"a\" is outside 1..65535",
	    "ports.conf:4: port 65536 in target \"a\" is outside 1..65535",
	    "ports.conf:4: port -1 in target \"a\" is outside 1..65535",
	    "ports.conf:4: port 5000000000 in target \"a\" is outside "
	    "1..65535",
	    "ports.conf:4: port 443 is listed twice in target \"a\"",
	    "ports.conf:6: \"ports\" in target \"b\" has 17 entries; at most "
	    "16 are allowed",
	    "ports.conf:9: \"ports\" in target \"c\" is empty",
	    "ports.conf:10: \"ports\" in target \"d\" is empty",
	    NULL } },
	/* No targets at all, or an empty list. */
	{ "none.conf",
	  "interval = 300;\n",
	  .errors = {
	    "none.conf:1: no \"targets\": at least one target is required",
	    NULL } },
	{ "empty.conf",
	  "",
	  .errors = {
	    "empty.conf:1: no \"targets\": at least one target is required",
	    NULL } },
	{ "emptylist.conf",
	  "interval = 300;\n\ntargets = ();\n",
	  .errors = {
	    "emptylist.conf:3: \"targets\" is empty: at least one target "
	    "is required",
	    NULL } },
	/* A target without name or host: at the target's first line. */
	{ "noname.conf",
	  "targets = (\n"
	  "  { host = \"a\"; },\n"
	  "  { name = \"b\"; },\n"
	  "  {\n"
	  "  }\n"
	  ");\n",
	  .errors = {
	    "noname.conf:2: target #1 has no \"name\"",
	    "noname.conf:3: target \"b\" has no \"host\"",
	    "noname.conf:4: target #3 has no \"name\"",
	    "noname.conf:4: target #3 has no \"host\"",
	    NULL } },
	/* warn_days below crit_days, globally and after a target override. */
	{ "days.conf",
	  "warn_days = 5;\n"
	  "targets = (\n"
	  "  { name = \"a\"; host = \"h\"; },\n"
	  "  { name = \"b\"; host = \"h\"; }\n"
	  ");\n",
	  .errors = {
	    "days.conf:1: warn_days (5) is less than crit_days (7)",
	    NULL } },
	{ "days2.conf",
	  "\ncrit_days = 40;\n" TARGET,
	  .errors = {
	    "days2.conf:2: warn_days (30) is less than crit_days (40)",
	    NULL } },
	{ "days3.conf",
	  "targets = (\n"
	  "  { name = \"a\"; host = \"h\";\n"
	  "    warn_days = 3; },\n"
	  "  { name = \"b\"; host = \"h\";\n"
	  "    crit_days = 31; },\n"
	  "  { name = \"c\"; host = \"h\"; warn_days = 10; crit_days = 10; },\n"
	  "  { name = \"d\"; host = \"h\"; crit_days = 30; }\n"
	  ");\n",
	  .errors = {
	    "days3.conf:3: warn_days (3) is less than crit_days (7) in target "
	    "\"a\"",
	    "days3.conf:5: warn_days (30) is less than crit_days (31) in "
	    "target \"b\"",
	    NULL } },
	/* An override can repair a bad global pair for its target only. */
	{ "repair.conf",
	  "warn_days = 5;\n"
	  "crit_days = 10;\n"
	  "targets = ( { name = \"a\"; host = \"h\"; warn_days = 10; } );\n",
	  .errors = {
	    "repair.conf:1: warn_days (5) is less than crit_days (10)",
	    NULL } },
	/* ca_file missing, a directory, a device. */
	{ "ca1.conf",
	  "ca_file = \"nothere.pem\";\n" TARGET,
	  .errors = {
	    "ca1.conf:1: cannot read ca_file \"nothere.pem\": No such file or "
	    "directory",
	    NULL } },
	{ "ca2.conf",
	  TARGET "ca_file = \"cadir\";\n",
	  .aux = "cadir", .aux_text = NULL,
	  .errors = {
	    "ca2.conf:2: cannot read ca_file \"cadir\": Is a directory",
	    NULL } },
	{ "ca3.conf",
	  "ca_file = \"/dev/null\";\n" TARGET,
	  .errors = {
	    "ca3.conf:1: cannot read ca_file \"/dev/null\": not a regular "
	    "file",
	    NULL } },
	{ "ca4.conf",
	  "ca_file = \"\";\n" TARGET,
	  .errors = {
	    "ca4.conf:1: \"ca_file\" must not be empty",
	    NULL } },
	/* An unknown syslog facility, and an empty ident. */
	{ "fac.conf",
	  "syslog = {\n"
	  "  ident = \"\";\n"
	  "  facility = \"local8\";\n"
	  "};\n" TARGET,
	  .errors = {
	    "fac.conf:2: \"ident\" in syslog must not be empty",
	    "fac.conf:3: unknown syslog facility \"local8\"",
	    NULL } },
	/* Every bound the contract leaves to us, just past the edge. */
	{ "bounds.conf",
	  "interval = 0;\n"
	  "timeout = 3601;\n"
	  "concurrency = 0;\n"
	  "warn_days = -1;\n"
	  "crit_days = -1L;\n"
	  "targets = ( { name = \"a\"; host = \"h\";\n"
	  "  timeout = 0;\n"
	  "  interval = -5;\n"
	  "  warn_days = 3000000000L; } );\n",
	  .errors = {
	    "bounds.conf:1: \"interval\" must be at least 1, not 0",
	    "bounds.conf:2: \"timeout\" must be between 1 and 3600, not 3601",
	    "bounds.conf:3: \"concurrency\" must be between 1 and 100000, "
	    "not 0",
	    "bounds.conf:4: \"warn_days\" must be at least 0, not -1",
	    "bounds.conf:5: \"crit_days\" must be at least 0, not -1",
	    "bounds.conf:7: \"timeout\" in target \"a\" must be between 1 and "
	    "3600, not 0",
	    "bounds.conf:8: \"interval\" in target \"a\" must be at least 1, "
	    "not -5",
	    "bounds.conf:9: \"warn_days\" in target \"a\" must be at least 0, "
	    "not 3000000000",
	    NULL } },
	{ "bounds2.conf",
	  "concurrency = 100001;\n" TARGET,
	  .errors = {
	    "bounds2.conf:1: \"concurrency\" must be between 1 and 100000, "
	    "not 100001",
	    NULL } },
	/* Empty strings and empty list entries. */
	{ "emptystr.conf",
	  "targets = (\n"
	  "  { name = \"\";\n"
	  "    host = \"\";\n"
	  "    sni = \"\";\n"
	  "    subject = \"\";\n"
	  "    san = [\"a\",\n"
	  "           \"\"];\n"
	  "    pool = [\"\"]; },\n"
	  "  { name = \"b\"; host = \"h\"; pool = []; }\n"
	  ");\n",
	  .errors = {
	    "emptystr.conf:2: \"name\" in target #1 must not be empty",
	    "emptystr.conf:3: \"host\" in target #1 must not be empty",
	    "emptystr.conf:4: \"sni\" in target #1 must not be empty",
	    "emptystr.conf:5: \"subject\" in target #1 must not be empty",
	    "emptystr.conf:7: \"san\" in target #1 has an empty entry",
	    "emptystr.conf:8: \"pool\" in target #1 has an empty entry",
	    "emptystr.conf:9: \"pool\" in target \"b\" is empty",
	    NULL } },
	/* Three different errors: exactly three, in line order. */
	{ "three.conf",
	  "interval = 300;\n"
	  "targets = (\n"
	  "  { name = \"edge1\"; host = \"a\"; },\n"
	  "  { name = \"edge1\"; host = \"b\"; },\n"
	  "  { name = \"edge3\"; host = \"c\"; pors = [443]; }\n"
	  ");\n"
	  "syslog = { facility = \"daemons\"; };\n",
	  .errors = {
	    "three.conf:4: duplicate target name \"edge1\" (first at line 3)",
	    "three.conf:5: unknown setting \"pors\" in target \"edge3\"",
	    "three.conf:7: unknown syslog facility \"daemons\"",
	    NULL } },
	/* Errors in an included file name that file and its line. */
	{ "main.conf",
	  "interval = 0;\n@include \"targets.inc\"\n",
	  .aux = "targets.inc", .aux_text =
	    "targets = (\n"
	    "  { name = \"a\"; host = \"h\"; },\n"
	    "  { name = \"a\"; host = \"h\"; colour = 1; }\n"
	    ");\n",
	  .errors = {
	    "main.conf:1: \"interval\" must be at least 1, not 0",
	    "targets.inc:3: unknown setting \"colour\" in target \"a\"",
	    "targets.inc:3: duplicate target name \"a\" (first at line 2)",
	    NULL } },
	/* User strings are quoted: one error stays one printable line. */
	{ "quote.conf",
	  "targets = ( { name = \"a\\\"b\\n\\x01c\\\\\"; host = \"h\";\n"
	  "  bogus = 1; } );\n"
	  "ca_file = \"new\\nline\";\n",
	  .errors = {
	    "quote.conf:2: unknown setting \"bogus\" in target "
	    "\"a\\\"b\\x0a\\x01c\\\\\"",
	    "quote.conf:3: cannot read ca_file \"new\\x0aline\": No such file "
	    "or directory",
	    NULL } },
	/* host or domain, exactly one; pool never with domain. */
	{ "domain.conf",
	  "targets = (\n"
	  "  { name = \"a\"; host = \"sip.contoso.com\";\n"
	  "    domain = \"contoso.com\"; },\n"
	  "  { name = \"b\"; domain = \"fabrikam.com\"; host = \"h\"; },\n"
	  "  { name = \"c\"; domain = \"fabrikam.com\";\n"
	  "    pool = [\"192.0.2.1\"]; },\n"
	  "  { name = \"d\"; domain = \"-bad.com\"; },\n"
	  "  { name = \"e\"; domain = \"a..b\"; },\n"
	  "  { name = \"f\"; domain = 5; },\n"
	  "  { name = \"g\"; domain = \"\"; }\n"
	  ");\n",
	  .errors = {
	    "domain.conf:3: \"domain\" in target \"a\" conflicts with "
	    "\"host\" at line 2: a target has either \"host\" or \"domain\"",
	    "domain.conf:4: \"host\" in target \"b\" conflicts with "
	    "\"domain\" at line 4: a target has either \"host\" or \"domain\"",
	    "domain.conf:6: \"pool\" in target \"c\" is not allowed with "
	    "\"domain\" (the members come from DNS SRV)",
	    "domain.conf:7: \"domain\" in target \"d\" must be a DNS name, "
	    "not \"-bad.com\"",
	    "domain.conf:8: \"domain\" in target \"e\" must be a DNS name, "
	    "not \"a..b\"",
	    "domain.conf:9: \"domain\" in target \"f\" must be a string",
	    "domain.conf:10: \"domain\" in target \"g\" must not be empty",
	    NULL } },
	/* Names a DNS name cannot be. */
	{ "dnsname.conf",
	  "targets = (\n"
	  "  { name = \"a\"; domain = \"contoso.com.\"; },\n"
	  "  { name = \"b\"; domain = \"_sip._tls.contoso.com\"; },\n"
	  "  { name = \"c\"; domain = \"contoso-.com\"; },\n"
	  "  { name = \"d\"; domain = \"a b.com\"; },\n"
	  "  { name = \"e\"; domain = \"0123456789012345678901234567890123456"
	  "789012345678901234567890123.com\"; }\n"
	  ");\n",
	  .errors = {
	    "dnsname.conf:2: \"domain\" in target \"a\" must be a DNS name, "
	    "not \"contoso.com.\"",
	    "dnsname.conf:3: \"domain\" in target \"b\" must be a DNS name, "
	    "not \"_sip._tls.contoso.com\"",
	    "dnsname.conf:4: \"domain\" in target \"c\" must be a DNS name, "
	    "not \"contoso-.com\"",
	    "dnsname.conf:5: \"domain\" in target \"d\" must be a DNS name, "
	    "not \"a b.com\"",
	    "dnsname.conf:6: \"domain\" in target \"e\" must be a DNS name, "
	    "not \"012345678901234567890123456789012345678901234567890123"
	    "4567890123.com\"",
	    NULL } },
	/* sip_options is a bool, at the top level and in a target. */
	{ "sip.conf",
	  "sip_options = 1;\n"
	  "targets = ( { name = \"a\"; host = \"h\"; sip_options = \"yes\"; } );\n",
	  .errors = {
	    "sip.conf:1: \"sip_options\" must be true or false",
	    "sip.conf:2: \"sip_options\" in target \"a\" must be true or false",
	    NULL } },
	/* resolver: numeric ADDR[:PORT] or [IPv6][:PORT]. */
	{ "resolver.conf",
	  "resolver = \"dns.example:53\";\n" TARGET,
	  .errors = {
	    "resolver.conf:1: \"resolver\" must be ADDR[:PORT] or "
	    "[IPv6][:PORT], not \"dns.example:53\": not a numeric address",
	    NULL } },
	{ "resolver2.conf",
	  TARGET "resolver = \"::1\";\n",
	  .errors = {
	    "resolver2.conf:2: \"resolver\" must be ADDR[:PORT] or "
	    "[IPv6][:PORT], not \"::1\": an IPv6 address is written "
	    "[ADDR]:PORT",
	    NULL } },
	{ "resolver3.conf",
	  "resolver = \"127.0.0.1:0\";\n" TARGET,
	  .errors = {
	    "resolver3.conf:1: \"resolver\" must be ADDR[:PORT] or "
	    "[IPv6][:PORT], not \"127.0.0.1:0\": the port is not a number in "
	    "1..65535",
	    NULL } },
	{ "resolver4.conf",
	  "resolver = 53;\n" TARGET,
	  .errors = {
	    "resolver4.conf:1: \"resolver\" must be a string",
	    NULL } },
	/* metrics_listen: the same syntax, the port required. */
	{ "metrics.conf",
	  "metrics_listen = \"127.0.0.1\";\n" TARGET,
	  .errors = {
	    "metrics.conf:1: \"metrics_listen\" must be ADDR:PORT or "
	    "[IPv6]:PORT, not \"127.0.0.1\": the port is missing",
	    NULL } },
	{ "metrics2.conf",
	  "metrics_listen = \"[::1]:65536\";\n" TARGET,
	  .errors = {
	    "metrics2.conf:1: \"metrics_listen\" must be ADDR:PORT or "
	    "[IPv6]:PORT, not \"[::1]:65536\": the port is not a number in "
	    "1..65535",
	    NULL } },
	{ "metrics3.conf",
	  "metrics_listen = \"[127.0.0.1]:9513\";\n"
	  "targets = ( { name = \"a\"; host = \"h\";\n"
	  "  metrics_listen = \"127.0.0.1:1\"; } );\n",
	  .errors = {
	    "metrics3.conf:1: \"metrics_listen\" must be ADDR:PORT or "
	    "[IPv6]:PORT, not \"[127.0.0.1]:9513\": not a numeric address",
	    "metrics3.conf:3: \"metrics_listen\" is not allowed in target "
	    "\"a\" (only at the top level)",
	    NULL } },
	/* shard: "K/N", 1 <= K <= N <= 1024. */
	{ "shard.conf",
	  "shard = \"0/4\";\n" TARGET,
	  .errors = {
	    "shard.conf:1: \"shard\" must be \"K/N\" with 1 <= K <= N <= "
	    "1024, not \"0/4\"",
	    NULL } },
	{ "shard2.conf",
	  "shard = \"5/4\";\n" TARGET,
	  .errors = {
	    "shard2.conf:1: \"shard\" must be \"K/N\" with 1 <= K <= N <= "
	    "1024, not \"5/4\"",
	    NULL } },
	{ "shard3.conf",
	  "shard = \"1/1025\";\n" TARGET,
	  .errors = {
	    "shard3.conf:1: \"shard\" must be \"K/N\" with 1 <= K <= N <= "
	    "1024, not \"1/1025\"",
	    NULL } },
	{ "shard4.conf",
	  "shard = \" 1/2\";\n" TARGET,
	  .errors = {
	    "shard4.conf:1: \"shard\" must be \"K/N\" with 1 <= K <= N <= "
	    "1024, not \" 1/2\"",
	    NULL } },
	{ "shard5.conf",
	  "shard = 2;\n" TARGET,
	  .errors = {
	    "shard5.conf:1: \"shard\" must be a string \"K/N\"",
	    NULL } },
	/* client_cert and client_key: both or neither. */
	{ "client.conf",
	  "targets = (\n"
	  "  { name = \"a\"; host = \"h\"; client_cert = \"c.pem\"; },\n"
	  "  { name = \"b\"; host = \"h\";\n"
	  "    client_key = \"k.pem\"; }\n"
	  ");\n",
	  .errors = {
	    "client.conf:2: \"client_cert\" in target \"a\" needs "
	    "\"client_key\" too",
	    "client.conf:4: \"client_key\" in target \"b\" needs "
	    "\"client_cert\" too",
	    NULL } },
};

/* One case of err_cases[]: its file (and aux file) written, then loaded. */
static void
test_err_case(void **state)
{
	const struct err_case	*c = *state;
	struct conf_errors	 errs = { NULL, 0 };
	struct conf		*conf;
	size_t			 i, n;

	if (c->aux != NULL && c->aux_text != NULL)
		write_file(c->aux, c->aux_text);
	else if (c->aux != NULL)
		assert_int_equal(mkdir(c->aux, 0700), 0);
	write_file(c->name, c->text);
	for (n = 0; c->errors[n] != NULL; n++)
		continue;
	assert_in_range(n, 1, ERR_MAX);
	conf = conf_load(c->name, &errs);
	assert_null(conf);
	if (errs.n != n)
		dump_errors(&errs);
	assert_int_equal(errs.n, n);
	for (i = 0; i < n; i++)
		assert_string_equal(errs.v[i], c->errors[i]);
	conf_errors_free(&errs);
	assert_null(errs.v);
	assert_int_equal(errs.n, 0);
}

/* A minimal file: every global and per-target default. */
static void
test_defaults(void **state)
{
	struct conf		*conf;
	struct conf_target	*t;

	(void)state;
	conf = load_ok("min.conf", "# one target, nothing else\n" TARGET);
	assert_int_equal(conf->interval, 300);
	assert_int_equal(conf->timeout, 10);
	assert_int_equal(conf->concurrency, 200);
	assert_int_equal(conf->warn_days, 30);
	assert_int_equal(conf->crit_days, 7);
	assert_int_equal(conf->log_ok, 1);
	assert_null(conf->ca_file);
	assert_string_equal(conf->syslog_ident, "edgeprobe");
	assert_int_equal(conf->syslog_facility, LOG_DAEMON);
	assert_int_equal(conf->ntargets, 1);
	t = &conf->targets[0];
	assert_string_equal(t->name, "edge1");
	assert_string_equal(t->host, "sip.contoso.com");
	assert_string_equal(t->sni, "sip.contoso.com");
	/* Interned in the configuration's arena: one copy of both. */
	assert_ptr_equal(t->sni, t->host);
	assert_null(t->subject);
	assert_null(t->san);
	assert_int_equal(t->nsan, 0);
	assert_int_equal(t->nports, 2);
	assert_int_equal(t->ports[0], 443);
	assert_int_equal(t->ports[1], 5061);
	assert_null(t->pool);
	assert_int_equal(t->npool, 0);
	assert_int_equal(t->public_im, 0);
	assert_int_equal(t->warn_days, 30);
	assert_int_equal(t->crit_days, 7);
	assert_int_equal(t->timeout, 10);
	assert_int_equal(t->interval, 300);
	assert_int_equal(t->line, 2);
	conf_free(conf);
}

/* conf_new: the same defaults, no path, no target. */
static void
test_new(void **state)
{
	struct conf	*conf;

	(void)state;
	conf = conf_new();
	assert_null(conf->path);
	assert_int_equal(conf->interval, 300);
	assert_int_equal(conf->timeout, 10);
	assert_int_equal(conf->concurrency, 200);
	assert_int_equal(conf->warn_days, 30);
	assert_int_equal(conf->crit_days, 7);
	assert_int_equal(conf->log_ok, 1);
	assert_null(conf->ca_file);
	assert_string_equal(conf->syslog_ident, "edgeprobe");
	assert_int_equal(conf->syslog_facility, LOG_DAEMON);
	assert_null(conf->targets);
	assert_int_equal(conf->ntargets, 0);
	conf_free(conf);
	conf_free(NULL);
}

/* conf_add_target: appends with the globals of the moment applied. */
static void
test_add_target(void **state)
{
	struct conf		*conf;
	struct conf_target	*t;
	char			 name[32];
	int			 i;

	(void)state;
	conf = conf_new();
	conf->warn_days = 40;
	conf->crit_days = 20;
	conf->timeout = 3;
	conf->interval = 60;
	t = conf_add_target(conf, "adhoc", "edge.example");
	assert_ptr_equal(t, &conf->targets[0]);
	assert_int_equal(conf->ntargets, 1);
	assert_string_equal(t->name, "adhoc");
	assert_string_equal(t->host, "edge.example");
	assert_string_equal(t->sni, "edge.example");
	assert_null(t->subject);
	assert_int_equal(t->nsan, 0);
	assert_int_equal(t->npool, 0);
	assert_int_equal(t->nports, 2);
	assert_int_equal(t->ports[0], 443);
	assert_int_equal(t->ports[1], 5061);
	assert_int_equal(t->public_im, 0);
	assert_int_equal(t->warn_days, 40);
	assert_int_equal(t->crit_days, 20);
	assert_int_equal(t->timeout, 3);
	assert_int_equal(t->interval, 60);
	assert_int_equal(t->line, 0);
	for (i = 1; i < 40; i++) {
		snprintf(name, sizeof(name), "t%d", i);
		t = conf_add_target(conf, name, "h");
		assert_ptr_equal(t, &conf->targets[i]);
	}
	assert_int_equal(conf->ntargets, 40);
	assert_string_equal(conf->targets[0].name, "adhoc");
	assert_string_equal(conf->targets[39].name, "t39");
	conf_free(conf);
}

/* Every global setting takes its value; targets inherit the new ones. */
static void
test_globals(void **state)
{
	struct conf		*conf;
	struct conf_target	*t;

	(void)state;
	write_file("bundle.pem", "not parsed here\n");
	conf = load_ok("globals.conf",
	    "interval = 60;\n"
	    "timeout = 5;\n"
	    "concurrency = 1000;\n"
	    "warn_days = 20;\n"
	    "crit_days = 5;\n"
	    "log_ok = false;\n"
	    "ca_file = \"bundle.pem\";\n"
	    "syslog = { ident = \"edgeprobe-test\"; facility = \"local5\"; };\n"
	    TARGET);
	assert_int_equal(conf->interval, 60);
	assert_int_equal(conf->timeout, 5);
	assert_int_equal(conf->concurrency, 1000);
	assert_int_equal(conf->warn_days, 20);
	assert_int_equal(conf->crit_days, 5);
	assert_int_equal(conf->log_ok, 0);
	assert_string_equal(conf->ca_file, "bundle.pem");
	assert_string_equal(conf->syslog_ident, "edgeprobe-test");
	assert_int_equal(conf->syslog_facility, LOG_LOCAL5);
	t = &conf->targets[0];
	assert_int_equal(t->warn_days, 20);
	assert_int_equal(t->crit_days, 5);
	assert_int_equal(t->timeout, 5);
	assert_int_equal(t->interval, 60);
	assert_int_equal(t->line, 9);
	conf_free(conf);

	/* log_ok = true, and a syslog group that sets only one key. */
	conf = load_ok("globals2.conf", "log_ok = true;\n"
	    "syslog = { facility = \"user\"; };\n" TARGET);
	assert_int_equal(conf->log_ok, 1);
	assert_string_equal(conf->syslog_ident, "edgeprobe");
	assert_int_equal(conf->syslog_facility, LOG_USER);
	conf_free(conf);
}

/* Targets before the globals still inherit them: order does not matter. */
static void
test_globals_after_targets(void **state)
{
	struct conf	*conf;

	(void)state;
	conf = load_ok("order.conf", TARGET
	    "warn_days = 45;\ncrit_days = 14;\ntimeout = 20;\n"
	    "interval = 900;\n");
	assert_int_equal(conf->targets[0].warn_days, 45);
	assert_int_equal(conf->targets[0].crit_days, 14);
	assert_int_equal(conf->targets[0].timeout, 20);
	assert_int_equal(conf->targets[0].interval, 900);
	conf_free(conf);
}

/* Every target setting, and the four per-target overrides. */
static void
test_target_settings(void **state)
{
	struct conf		*conf;
	struct conf_target	*t;

	(void)state;
	conf = load_ok("targets.conf",
	    "warn_days = 30;\n"
	    "targets = (\n"
	    "  {\n"
	    "    name = \"contoso-access-edge\";\n"
	    "    host = \"sip.contoso.com\";\n"
	    "    ports = (443, 5061L);\n"
	    "    sni = \"access.contoso.com\";\n"
	    "    subject = \"sip.contoso.com\";\n"
	    "    san = [\"sip.contoso.com\", \"webcon.contoso.com\", "
	    "\"sip.fabrikam.com\"];\n"
	    "    public_im = true;\n"
	    "    pool = (\"192.0.2.10\", \"edge2.contoso.net\");\n"
	    "    warn_days = 60;\n"
	    "    crit_days = 10;\n"
	    "    timeout = 3600;\n"
	    "    interval = 1;\n"
	    "  },\n"
	    "  { name = \"plain\"; host = \"av.contoso.com\"; ports = [443L];\n"
	    "    san = (); public_im = false; }\n"
	    ");\n");
	assert_int_equal(conf->ntargets, 2);
	t = &conf->targets[0];
	assert_int_equal(t->line, 3);
	assert_string_equal(t->name, "contoso-access-edge");
	assert_string_equal(t->host, "sip.contoso.com");
	assert_int_equal(t->nports, 2);
	assert_int_equal(t->ports[0], 443);
	assert_int_equal(t->ports[1], 5061);
	assert_string_equal(t->sni, "access.contoso.com");
	assert_string_equal(t->subject, "sip.contoso.com");
	assert_int_equal(t->nsan, 3);
	assert_string_equal(t->san[0], "sip.contoso.com");
	assert_string_equal(t->san[1], "webcon.contoso.com");
	assert_string_equal(t->san[2], "sip.fabrikam.com");
	assert_int_equal(t->public_im, 1);
	assert_int_equal(t->npool, 2);
	assert_string_equal(t->pool[0], "192.0.2.10");
	assert_string_equal(t->pool[1], "edge2.contoso.net");
	assert_int_equal(t->warn_days, 60);
	assert_int_equal(t->crit_days, 10);
	assert_int_equal(t->timeout, 3600);
	assert_int_equal(t->interval, 1);

	t = &conf->targets[1];
	assert_int_equal(t->line, 17);
	assert_string_equal(t->name, "plain");
	assert_string_equal(t->sni, "av.contoso.com");
	assert_int_equal(t->nports, 1);
	assert_int_equal(t->ports[0], 443);
	assert_int_equal(t->nsan, 0);
	assert_int_equal(t->public_im, 0);
	assert_int_equal(t->npool, 0);
	assert_null(t->pool);
	assert_int_equal(t->warn_days, 30);
	assert_int_equal(t->crit_days, 7);
	assert_int_equal(t->timeout, 10);
	assert_int_equal(t->interval, 300);
	conf_free(conf);
}

/* Integers: int and int64 both, at the edges of every bound. */
static void
test_int_bounds_ok(void **state)
{
	struct conf		*conf;
	struct conf_target	*t;

	(void)state;
	conf = load_ok("edges.conf",
	    "interval = 1L;\ntimeout = 3600;\nconcurrency = 100000;\n"
	    "warn_days = 0;\ncrit_days = 0;\n"
	    "targets = ( { name = \"a\"; host = \"h\"; timeout = 1L;\n"
	    "  interval = 2147483647; warn_days = 0x10; crit_days = 0;\n"
	    "  ports = [1, 65535, 0x50, 5061, 2, 3, 4, 5, 6, 7, 8, 9, 10,\n"
	    "  11, 12, 13]; } );\n");
	assert_int_equal(conf->interval, 1);
	assert_int_equal(conf->timeout, 3600);
	assert_int_equal(conf->concurrency, 100000);
	assert_int_equal(conf->warn_days, 0);
	assert_int_equal(conf->crit_days, 0);
	t = &conf->targets[0];
	assert_int_equal(t->timeout, 1);
	assert_int_equal(t->interval, INT_MAX);
	assert_int_equal(t->warn_days, 16);
	assert_int_equal(t->crit_days, 0);
	assert_int_equal(t->nports, CONF_MAX_PORTS);
	assert_int_equal(t->ports[0], 1);
	assert_int_equal(t->ports[1], 65535);
	assert_int_equal(t->ports[2], 80);
	assert_int_equal(t->ports[3], 5061);
	assert_int_equal(t->ports[15], 13);
	conf_free(conf);
}

/* Every facility name maps to its LOG_ value; anything else is -1. */
static void
test_facility(void **state)
{
	static const struct {
		const char	*name;
		int		 value;
	} t[] = {
		{ "auth", LOG_AUTH }, { "authpriv", LOG_AUTHPRIV },
		{ "cron", LOG_CRON }, { "daemon", LOG_DAEMON },
		{ "ftp", LOG_FTP }, { "kern", LOG_KERN }, { "lpr", LOG_LPR },
		{ "mail", LOG_MAIL }, { "news", LOG_NEWS },
		{ "syslog", LOG_SYSLOG }, { "user", LOG_USER },
		{ "uucp", LOG_UUCP }, { "local0", LOG_LOCAL0 },
		{ "local1", LOG_LOCAL1 }, { "local2", LOG_LOCAL2 },
		{ "local3", LOG_LOCAL3 }, { "local4", LOG_LOCAL4 },
		{ "local5", LOG_LOCAL5 }, { "local6", LOG_LOCAL6 },
		{ "local7", LOG_LOCAL7 },
	};
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(*t); i++)
		assert_int_equal(conf_facility(t[i].name), t[i].value);
	assert_int_equal(conf_facility("local8"), -1);
	assert_int_equal(conf_facility("DAEMON"), -1);
	assert_int_equal(conf_facility(""), -1);
	assert_int_equal(conf_facility("daemon "), -1);
}

/* The file cannot be opened: one error without a line. */
static void
test_err_open(void **state)
{
	(void)state;
	expect_errors("missing.conf", NULL, 1,
	    "missing.conf: cannot open: No such file or directory");
	assert_int_equal(mkdir("adir", 0700), 0);
	expect_errors("adir", NULL, 1, "adir: cannot open: Is a directory");
	if (geteuid() != 0) {
		write_file("secret.conf", TARGET);
		assert_int_equal(chmod("secret.conf", 0), 0);
		expect_errors("secret.conf", NULL, 1,
		    "secret.conf: cannot open: Permission denied");
	}
}

/* ca_file that exists but cannot be read (not as root: root reads it). */
static void
test_err_ca_locked(void **state)
{
	(void)state;
	if (geteuid() != 0) {
		write_file("locked.pem", "x\n");
		assert_int_equal(chmod("locked.pem", 0), 0);
		expect_errors("ca5.conf", "ca_file = \"locked.pem\";\n" TARGET,
		    1, "ca5.conf:1: cannot read ca_file \"locked.pem\": "
		    "Permission denied");
	}
}

/* The round-2 keys: values, defaults and the inherited sip_options. */
static void
test_round2_keys(void **state)
{
	struct conf		*conf;
	struct conf_target	*t;

	(void)state;
	conf = load_ok("round2.conf",
	    "sip_options = true;\n"
	    "resolver = \"127.0.0.1:5353\";\n"
	    "metrics_listen = \"[::1]:9513\";\n"
	    "shard = \"1/4\";\n"
	    "targets = (\n"
	    "  { name = \"fed\"; domain = \"fabrikam.com\"; ports = [443];\n"
	    "    sip_options = false; },\n"
	    "  { name = \"edge\"; host = \"sip.contoso.com\"; }\n"
	    ");\n");
	assert_int_equal(conf->sip_options, 1);
	assert_string_equal(conf->resolver, "127.0.0.1");
	assert_int_equal(conf->resolver_port, 5353);
	assert_string_equal(conf->metrics_listen, "::1");
	assert_int_equal(conf->metrics_port, 9513);
	assert_int_equal(conf->shard_index, 1);
	assert_int_equal(conf->shard_count, 4);
	/* "fed" and "edge" both hash into shard 1 of 4 (FNV-1a). */
	assert_int_equal(conf->ntargets_all, 2);
	assert_int_equal(conf->ntargets, 2);
	t = &conf->targets[0];
	assert_null(t->host);
	assert_string_equal(t->domain, "fabrikam.com");
	assert_null(t->sni);
	assert_int_equal(t->nports, 1);
	assert_int_equal(t->sip_options, 0);
	assert_null(t->client_cert);
	assert_null(t->client_key);
	t = &conf->targets[1];
	assert_null(t->domain);
	assert_string_equal(t->sni, "sip.contoso.com");
	assert_int_equal(t->sip_options, 1);
	conf_free(conf);

	/* Another shard of the same file owns neither target. */
	conf = load_ok("round2s.conf", "shard = \"3/1024\";\n"
	    "targets = ( { name = \"fed\"; host = \"a.test\"; },\n"
	    "  { name = \"edge\"; host = \"b.test\"; } );\n");
	assert_int_equal(conf->shard_index, 3);
	assert_int_equal(conf->shard_count, 1024);
	assert_int_equal(conf->ntargets_all, 2);
	assert_int_equal(conf->ntargets, 0);
	assert_int_equal(conf_shard_of("fed", 1024), 561);
	assert_int_equal(conf_shard_of("edge", 1024), 125);
	conf_free(conf);

	/* Defaults; a resolver without a port, IPv6 with brackets. */
	conf = load_ok("round2b.conf", "resolver = \"[2001:db8::53]\";\n"
	    "shard = \"1/1\";\n" TARGET);
	assert_string_equal(conf->resolver, "2001:db8::53");
	assert_int_equal(conf->resolver_port, 53);
	assert_null(conf->metrics_listen);
	assert_int_equal(conf->metrics_port, 0);
	assert_int_equal(conf->sip_options, 0);
	assert_int_equal(conf->targets[0].sip_options, 0);
	conf_free(conf);
	conf = load_ok("round2c.conf", "resolver = \"192.0.2.53\";\n" TARGET);
	assert_string_equal(conf->resolver, "192.0.2.53");
	assert_int_equal(conf->resolver_port, 53);
	assert_int_equal(conf->shard_index, 1);
	assert_int_equal(conf->shard_count, 1);
	conf_free(conf);
	conf = conf_new();
	assert_null(conf->resolver);
	assert_int_equal(conf->shard_index, 1);
	assert_int_equal(conf->shard_count, 1);
	conf_free(conf);
}

/* Write a certificate for key signed by the PKI, then the chain, to path. */
static void
write_client_cert(const char *path, struct mint_pki *pki, EVP_PKEY *key,
    int chain)
{
	struct mint_spec	 spec;
	X509			*certs[2];

	memset(&spec, 0, sizeof(spec));
	spec.cn = "partner.fabrikam.com";
	spec.eku = MINT_EKU_CLIENT;
	certs[0] = mint_cert(&spec, key, pki->inter, pki->inter_key);
	assert_non_null(certs[0]);
	certs[1] = pki->inter;
	assert_int_equal(mint_write_certs(path, certs, chain ? 2 : 1), 0);
	X509_free(certs[0]);
}

/*
 * key to path, encrypted with a passphrase, mode 0600: the loader must
 * refuse it without prompting for the passphrase on the terminal.
 */
static void
write_encrypted_key(const char *path, EVP_PKEY *key)
{
	static char	 pass[] = "secret";
	BIO		*b;

	b = BIO_new_file(path, "w");
	assert_non_null(b);
	assert_int_equal(PEM_write_bio_PrivateKey(b, key, EVP_aes_128_cbc(),
	    (unsigned char *)pass, (int)strlen(pass), NULL, NULL), 1);
	assert_int_equal(BIO_free(b), 1);
	assert_int_equal(chmod(path, 0600), 0);
}

/*
 * client_cert and client_key checked with OpenSSL at load time: a matching
 * pair (the chain after the leaf) loads, and every refusal is at the line
 * of the setting.
 */
static void
test_client_files(void **state)
{
	struct mint_pki		 pki;
	struct conf		*conf;
	EVP_PKEY		*key, *other;

	(void)state;
	assert_int_equal(mint_pki_init(&pki, MINT_EC, 0), 0);
	key = mint_key(MINT_EC, 0);
	other = mint_key(MINT_EC, 0);
	assert_non_null(key);
	assert_non_null(other);
	write_client_cert("chain.pem", &pki, key, 1);
	write_client_cert("leaf.pem", &pki, key, 0);
	assert_int_equal(mint_write_key("key.pem", key), 0);
	assert_int_equal(chmod("key.pem", 0600), 0);
	assert_int_equal(mint_write_key("open.pem", key), 0);
	assert_int_equal(chmod("open.pem", 0644), 0);
	assert_int_equal(mint_write_key("other.pem", other), 0);
	assert_int_equal(chmod("other.pem", 0400), 0);
	write_file("junk.pem", "not PEM\n");
	assert_int_equal(chmod("junk.pem", 0600), 0);
	write_encrypted_key("enc.pem", key);

	conf = load_ok("client-ok.conf", "targets = (\n"
	    "  { name = \"a\"; host = \"h\"; client_cert = \"chain.pem\";\n"
	    "    client_key = \"key.pem\"; },\n"
	    "  { name = \"b\"; host = \"h\"; client_key = \"key.pem\";\n"
	    "    client_cert = \"leaf.pem\"; }\n"
	    ");\n");
	assert_string_equal(conf->targets[0].client_cert, "chain.pem");
	assert_string_equal(conf->targets[0].client_key, "key.pem");
	assert_string_equal(conf->targets[1].client_cert, "leaf.pem");
	conf_free(conf);

	expect_errors("client-bad.conf", "targets = (\n"
	    "  { name = \"a\"; host = \"h\"; client_cert = \"chain.pem\";\n"
	    "    client_key = \"open.pem\"; },\n"
	    "  { name = \"b\"; host = \"h\"; client_cert = \"chain.pem\";\n"
	    "    client_key = \"other.pem\"; },\n"
	    "  { name = \"c\"; host = \"h\"; client_cert = \"junk.pem\";\n"
	    "    client_key = \"junk.pem\"; },\n"
	    "  { name = \"d\"; host = \"h\"; client_cert = \"nothere.pem\";\n"
	    "    client_key = \"/dev/null\"; },\n"
	    "  { name = \"e\"; host = \"h\"; client_cert = \"chain.pem\";\n"
	    "    client_key = \"enc.pem\"; }\n"
	    ");\n", 7,
	    "client-bad.conf:3: client_key \"open.pem\" in target \"a\" is "
	    "readable by group or others (mode 0644): chmod 600 it",
	    "client-bad.conf:5: client_key \"other.pem\" in target \"b\" does "
	    "not match the certificate of client_cert",
	    "client-bad.conf:6: client_cert \"junk.pem\" in target \"c\" is "
	    "not PEM certificates (the leaf, then its chain)",
	    "client-bad.conf:7: client_key \"junk.pem\" in target \"c\" is "
	    "not an unencrypted PEM private key",
	    "client-bad.conf:8: cannot read client_cert \"nothere.pem\" in "
	    "target \"d\": No such file or directory",
	    "client-bad.conf:9: cannot read client_key \"/dev/null\" in "
	    "target \"d\": not a regular file",
	    "client-bad.conf:11: client_key \"enc.pem\" in target \"e\" is "
	    "not an unencrypted PEM private key");
	EVP_PKEY_free(other);
	EVP_PKEY_free(key);
	mint_pki_free(&pki);
}

/* FILE is exactly what the caller gave, relative, absolute or a name. */
static void
test_file_as_given(void **state)
{
	struct conf_errors	 errs = { NULL, 0 };
	struct conf		*conf;
	char			 path[PATH_MAX + 32], want[PATH_MAX + 64];

	(void)state;
	write_file("given.conf", "bogus = 1;\n" TARGET);
	snprintf(path, sizeof(path), "%s/given.conf", tmpdir);
	assert_null(conf_load(path, &errs));
	assert_int_equal(errs.n, 1);
	snprintf(want, sizeof(want), "%s:1: unknown setting \"bogus\"", path);
	assert_string_equal(errs.v[0], want);
	conf_errors_free(&errs);

	assert_null(conf_load("./given.conf", &errs));
	assert_int_equal(errs.n, 1);
	assert_string_equal(errs.v[0],
	    "./given.conf:1: unknown setting \"bogus\"");
	conf_errors_free(&errs);

	/* conf_load_string: the name stands for FILE. */
	assert_null(conf_load_string("<memory>", "x = 1;\n" TARGET, &errs));
	assert_int_equal(errs.n, 1);
	assert_string_equal(errs.v[0], "<memory>:1: unknown setting \"x\"");
	conf_errors_free(&errs);
	assert_null(conf_load_string("text", "x = ;\n", &errs));
	assert_int_equal(errs.n, 1);
	assert_string_equal(errs.v[0], "text:1: syntax error");
	conf_errors_free(&errs);
	conf = conf_load_string("text", "timeout = 9;\n" TARGET, &errs);
	assert_non_null(conf);
	assert_int_equal(errs.n, 0);
	assert_string_equal(conf->path, "text");
	assert_int_equal(conf->timeout, 9);
	assert_int_equal(conf->targets[0].timeout, 9);
	conf_free(conf);

	/* errs may be NULL; a stale errs is reset, not appended to. */
	assert_null(conf_load("missing.conf", NULL));
	errs.v = NULL;
	errs.n = 7;
	conf = conf_load_string("text", TARGET, &errs);
	assert_non_null(conf);
	assert_int_equal(errs.n, 0);
	conf_free(conf);
}

/* An included file's settings count as if written in place. */
static void
test_include(void **state)
{
	struct conf	*conf;

	(void)state;
	write_file("ok.inc", TARGET);
	conf = load_ok("main2.conf", "@include \"ok.inc\"\ntimeout = 4;\n");
	assert_int_equal(conf->ntargets, 1);
	assert_int_equal(conf->targets[0].timeout, 4);
	conf_free(conf);
}

/*
 * A loaded configuration keeps one copy of equal strings and lists
 * (issue 12): the subject, the SAN list and a host used twice are shared,
 * what differs is not; sharding keeps only the shard's targets.
 */
static void
test_interned(void **state)
{
	struct conf		*conf;
	struct conf_target	*a, *b, *c;

	(void)state;
	conf = load_ok("interned.conf",
	    "targets = (\n"
	    "  { name = \"a\"; host = \"h1\"; subject = \"s\";\n"
	    "    san = [\"x\", \"y\"]; pool = [\"10.0.0.1\"]; },\n"
	    "  { name = \"b\"; host = \"h1\"; subject = \"s\";\n"
	    "    san = [\"x\", \"y\"]; pool = [\"10.0.0.2\"]; },\n"
	    "  { name = \"c\"; host = \"h2\"; sni = \"h1\"; subject = \"s\";\n"
	    "    san = [\"y\", \"x\"]; }\n"
	    ");\n");
	assert_int_equal(conf->ntargets, 3);
	a = &conf->targets[0];
	b = &conf->targets[1];
	c = &conf->targets[2];
	assert_string_equal(a->name, "a");
	assert_string_equal(c->name, "c");
	assert_ptr_equal(a->host, b->host);
	assert_ptr_equal(a->sni, c->sni);
	assert_ptr_equal(a->subject, c->subject);
	assert_ptr_equal(a->san, b->san);
	assert_int_equal(b->nsan, 2);
	assert_ptr_not_equal(a->san, c->san);
	assert_ptr_equal(a->san[0], c->san[1]);
	assert_string_equal(c->san[0], "y");
	assert_ptr_not_equal(a->pool, b->pool);
	assert_string_equal(a->pool[0], "10.0.0.1");
	assert_string_equal(b->pool[0], "10.0.0.2");
	assert_null(c->pool);
	assert_int_equal(c->npool, 0);
	conf_free(conf);

	/* "fed" and "edge" are in shard 1 of 4, "x" is not (FNV-1a). */
	conf = load_ok("interned2.conf",
	    "shard = \"1/4\";\n"
	    "targets = (\n"
	    "  { name = \"fed\"; host = \"h\"; san = [\"a\"]; },\n"
	    "  { name = \"x\"; host = \"h\"; san = [\"a\"]; },\n"
	    "  { name = \"edge\"; host = \"h\"; san = [\"a\"]; }\n"
	    ");\n");
	assert_int_equal(conf_shard_of("x", 4) != 1, 1);
	assert_int_equal(conf->ntargets, 2);
	assert_int_equal(conf->ntargets_all, 3);
	assert_string_equal(conf->targets[0].name, "fed");
	assert_string_equal(conf->targets[1].name, "edge");
	assert_int_equal(conf->targets[1].line, 5);
	assert_ptr_equal(conf->targets[0].san, conf->targets[1].san);
	assert_string_equal(conf->targets[1].san[0], "a");
	conf_free(conf);
}

/*
 * The targets are converted last to first; the errors still come out in
 * the order of the file: by line, targets on one line in their order, the
 * duplicate names last, and files in the order a front-to-back walk meets
 * them (the included file's target comes first here).
 */
static void
test_err_order(void **state)
{
	(void)state;
	expect_errors("order.conf",
	    "targets = ( { name = \"a\"; host = 1; }, { name = \"b\"; },"
	    " { name = \"a\"; host = \"h\"; timeout = 0; } );\n", 4,
	    "order.conf:1: \"host\" in target \"a\" must be a string",
	    "order.conf:1: target \"b\" has no \"host\"",
	    "order.conf:1: \"timeout\" in target \"a\" must be between 1 "
	    "and 3600, not 0",
	    "order.conf:1: duplicate target name \"a\" (first at line 1)");
	write_file("first.inc", "{ name = \"i\"; host = 2; }\n");
	expect_errors("order2.conf",
	    "targets = (\n"
	    "@include \"first.inc\"\n"
	    "  , { name = \"m\"; host = 3; }\n"
	    ");\n", 2,
	    "first.inc:1: \"host\" in target \"i\" must be a string",
	    "order2.conf:3: \"host\" in target \"m\" must be a string");
}

/* Write a file of n targets; a duplicate of the first one at the end. */
static double
load_many(const char *name, int n, int dup, struct conf_errors *errs,
    struct conf **confp)
{
	FILE		*fp;
	clock_t		 t0;
	int		 i;

	fp = fopen(name, "w");
	assert_non_null(fp);
	fprintf(fp, "interval = 300;\ntargets = (\n");
	for (i = 0; i < n; i++)
		fprintf(fp, "  {\n    name = \"edge%06d\";\n"
		    "    host = \"edge%06d.contoso.com\";\n"
		    "    ports = [443, 5061];\n"
		    "    san = [\"edge%06d.contoso.com\", \"sip.contoso.com\"];\n"
		    "    public_im = true;\n  },\n", i, i, i);
	fprintf(fp, "  { name = \"%s\"; host = \"last\"; }\n);\n",
	    dup ? "edge000000" : "last");
	assert_int_equal(fclose(fp), 0);
	t0 = clock();
	*confp = conf_load(name, errs);
	return (double)(clock() - t0) / CLOCKS_PER_SEC;
}

/*
 * 100,000 targets: all loaded, a duplicate at the very end found, and the
 * work grows about linearly: ten times the targets may cost at most 40
 * times the CPU (a quadratic name check would cost about 100 times; under
 * ASan, whose realloc always copies, libconfig's own list growth already
 * costs 16 times). Without sanitizers the load must also take under 2 s.
 */
static void
test_many_targets(void **state)
{
	struct conf_errors	 errs = { NULL, 0 };
	struct conf		*conf;
	double			 small, big;
	char			 want[128];

	(void)state;
	small = load_many("small.conf", 10000, 0, &errs, &conf);
	assert_non_null(conf);
	assert_int_equal(conf->ntargets, 10001);
	conf_free(conf);
	big = load_many("big.conf", 100000, 0, &errs, &conf);
	assert_non_null(conf);
	assert_int_equal(conf->ntargets, 100001);
	assert_string_equal(conf->targets[99999].name, "edge099999");
	assert_int_equal(conf->targets[99999].line, 3 + 99999 * 7);
	conf_free(conf);
	print_message("# 10,000 targets: %.3f s CPU; 100,000: %.3f s CPU\n",
	    small, big);
	assert_true(big < 40 * (small > 0.01 ? small : 0.01));
#if !defined(__SANITIZE_ADDRESS__)
	assert_true(big < 2.0);
#endif

	load_many("bigdup.conf", 100000, 1, &errs, &conf);
	assert_null(conf);
	assert_int_equal(errs.n, 1);
	snprintf(want, sizeof(want), "bigdup.conf:%d: duplicate target name "
	    "\"edge000000\" (first at line 4)", 3 + 100000 * 7);
	assert_string_equal(errs.v[0], want);
	conf_errors_free(&errs);
	unlink("small.conf");
	unlink("big.conf");
	unlink("bigdup.conf");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_new),
		cmocka_unit_test(test_add_target),
		cmocka_unit_test(test_globals),
		cmocka_unit_test(test_globals_after_targets),
		cmocka_unit_test(test_target_settings),
		cmocka_unit_test(test_int_bounds_ok),
		cmocka_unit_test(test_facility),
		cmocka_unit_test(test_err_open),
		cmocka_unit_test(test_err_ca_locked),
		cmocka_unit_test(test_round2_keys),
		cmocka_unit_test(test_client_files),
		cmocka_unit_test(test_file_as_given),
		cmocka_unit_test(test_include),
		cmocka_unit_test(test_many_targets),
		cmocka_unit_test(test_interned),
		cmocka_unit_test(test_err_order),
	};

	enum { NFIXED = sizeof(tests) / sizeof(*tests),
	    NCASES = sizeof(err_cases) / sizeof(*err_cases) };
	struct CMUnitTest	 all[NFIXED + NCASES];
	size_t			 i;

	memcpy(all, tests, sizeof(tests));
	for (i = 0; i < NCASES; i++) {
		memset(&all[NFIXED + i], 0, sizeof(*all));
		all[NFIXED + i].name = err_cases[i].name;
		all[NFIXED + i].test_func = test_err_case;
		all[NFIXED + i].initial_state =
		    (void *)(uintptr_t)&err_cases[i];
	}
	return _cmocka_run_group_tests("test_conf", all, NFIXED + NCASES,
	    setup, teardown);
}
