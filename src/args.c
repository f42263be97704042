/*
 * args.c: the command line's shared pieces: the synopsis, the parsers of
 * option values, usage errors.
 *
 * A usage or configuration error is written to stderr exactly as before
 * --plugin existed, and the first one is kept: under --plugin, main()
 * prints it again on stdout as "EDGEPROBE UNKNOWN - message", since a
 * monitoring system shows a check's stdout (Nagios shows nothing else).
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "xmalloc.h"

/* The first usage error, "" while there is none. */
static char	 args_first[1024];

static void	 args_keep(const char *, va_list)
		    __attribute__((__format__(__printf__, 1, 0)));

/* Print the synopsis. */
void
args_usage(FILE *fp)
{
	fprintf(fp,
"usage: edgeprobe [-fv] [-c FILE]                  run as a daemon (foreground)\n"
"       edgeprobe -c FILE --once [--json|--plugin] probe every endpoint once\n"
"       edgeprobe -c FILE --check-config           validate FILE\n"
"       edgeprobe probe HOST[:PORT] [--sni NAME] [--connect ADDR]\n"
"                 [--subject NAME] [--san NAME]... [--public-im]\n"
"                 [--ca-file FILE] [--warn-days N] [--crit-days N]\n"
"                 [--timeout S] [--sip-options] [--resolver ADDR:PORT]\n"
"                 [--client-cert FILE --client-key FILE] [--json|--plugin]\n"
"       edgeprobe probe --domain DOMAIN [same options]\n"
"       edgeprobe cert FILE [--sni NAME] [--subject NAME] [--san NAME]...\n"
"                 [--public-im] [--ca-file FILE] [--warn-days N] [--crit-days N]\n"
"                 [--password-file FILE] [--json|--plugin]\n"
"       edgeprobe --version | --help\n"
"exit status of --once and probe: 0 ok, 1 warning, 2 critical, 3 usage or\n"
"configuration error\n");
}

/* Parse a decimal integer in [min, max]; prints the error itself. */
int
args_int(const char *what, const char *s, int min, int max, int *out)
{
	char	*end;
	long	 v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0' || errno != 0 || v < min || v > max) {
		args_error("%s: \"%s\" is not a number in %d..%d", what, s,
		    min, max);
		return -1;
	}
	*out = (int)v;
	return 0;
}

/* HOST, HOST:PORT, [V6], [V6]:PORT or a bare IPv6 address. */
int
args_hostport(const char *arg, char **host, int *port)
{
	const char	*colon, *end;

	*port = 443;
	if (arg[0] == '[') {
		if ((end = strchr(arg, ']')) == NULL || end == arg + 1) {
			args_error("%s: bad address", arg);
			return -1;
		}
		*host = xstrndup(arg + 1, (size_t)(end - arg - 1));
		if (end[1] == '\0')
			return 0;
		if (end[1] != ':')
			goto bad;
		colon = end + 1;
	} else if ((colon = strchr(arg, ':')) != NULL &&
	    strchr(colon + 1, ':') == NULL) {
		*host = xstrndup(arg, (size_t)(colon - arg));
	} else {
		*host = xstrdup(arg);	/* no port, or a bare IPv6 address */
		colon = NULL;
	}
	if (**host == '\0') {
		args_error("%s: missing host", arg);
		goto fail;
	}
	if (colon != NULL && args_int("port", colon + 1, 1, 65535, port) == -1)
		goto fail;
	return 0;
bad:
	args_error("%s: bad address", arg);
fail:
	free(*host);
	*host = NULL;
	return -1;
}

/* Keep the message if it is the first. */
static void
args_keep(const char *fmt, va_list ap)
{
	if (args_first[0] == '\0')
		(void)vsnprintf(args_first, sizeof(args_first), fmt, ap);
}

/* A usage error: on stderr, and kept. */
void
args_error(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	fputs("edgeprobe: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	va_start(ap, fmt);
	args_keep(fmt, ap);
	va_end(ap);
}

/* A usage error stderr already has (getopt's, a FILE:LINE list): kept. */
void
args_note(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	args_keep(fmt, ap);
	va_end(ap);
}

/*
 * getopt_long has printed its complaint: keep the option it was about,
 * optopt for a short one, else the argument it just stepped over.
 */
void
args_bad_option(int argc, char **argv)
{
	if (optopt > 0 && optopt < 0x7f && isprint(optopt))
		args_note("-%c: unknown option or missing value", optopt);
	else if (optind >= 2 && optind <= argc)
		args_note("%s: unknown option or missing value",
		    argv[optind - 1]);
	else
		args_note("unknown option or missing value");
}

/* The first usage error, or NULL. */
const char *
args_first_error(void)
{
	return args_first[0] != '\0' ? args_first : NULL;
}

/*
 * getopt_long takes any unambiguous prefix of a long option, and "--pl" is
 * the shortest no other option shares; "--" ends the options.
 */
int
args_plugin(int argc, char **argv)
{
	size_t	 len;
	int	 i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			return 0;
		len = strlen(argv[i]);
		if (len >= 4 && strncmp(argv[i], "--plugin", len) == 0)
			return 1;
	}
	return 0;
}
