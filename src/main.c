/*
 * main.c: argv and mode dispatch only.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/ssl.h>

#include "conf.h"
#include "daemon.h"
#include "log.h"
#include "once.h"
#include "version.h"
#include "xmalloc.h"

static void	 usage(FILE *);
static int	 parse_int(const char *, const char *, int, int, int *);
static int	 parse_hostport(const char *, char **, int *);
static int	 main_probe(int, char **);
static int	 main_check_config(const char *);

/* Print the synopsis. */
static void
usage(FILE *fp)
{
	fprintf(fp,
"usage: edgeprobe [-fv] [-c FILE]                  run as a daemon (foreground)\n"
"       edgeprobe -c FILE --once [--json]          probe every endpoint once\n"
"       edgeprobe -c FILE --check-config           validate FILE\n"
"       edgeprobe probe HOST[:PORT] [--sni NAME] [--connect ADDR]\n"
"                 [--subject NAME] [--san NAME]... [--public-im]\n"
"                 [--ca-file FILE] [--warn-days N] [--crit-days N]\n"
"                 [--timeout S] [--json]\n"
"       edgeprobe --version | --help\n"
"exit status of --once and probe: 0 ok, 1 warning, 2 critical, 3 usage or\n"
"configuration error\n");
}

/* Parse a decimal integer in [min, max]; prints the error itself. */
static int
parse_int(const char *what, const char *s, int min, int max, int *out)
{
	char	*end;
	long	 v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0' || errno != 0 || v < min || v > max) {
		fprintf(stderr, "edgeprobe: %s: \"%s\" is not a number in "
		    "%d..%d\n", what, s, min, max);
		return -1;
	}
	*out = (int)v;
	return 0;
}

/* HOST, HOST:PORT, [V6], [V6]:PORT or a bare IPv6 address. */
static int
parse_hostport(const char *arg, char **host, int *port)
{
	const char	*colon, *end;

	*port = 443;
	if (arg[0] == '[') {
		if ((end = strchr(arg, ']')) == NULL || end == arg + 1) {
			fprintf(stderr, "edgeprobe: %s: bad address\n", arg);
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
		fprintf(stderr, "edgeprobe: %s: missing host\n", arg);
		goto fail;
	}
	if (colon != NULL && parse_int("port", colon + 1, 1, 65535, port) == -1)
		goto fail;
	return 0;
bad:
	fprintf(stderr, "edgeprobe: %s: bad address\n", arg);
fail:
	free(*host);
	*host = NULL;
	return -1;
}

/* edgeprobe probe HOST[:PORT] ...: one ad-hoc endpoint, no file. */
static int
main_probe(int argc, char **argv)
{
	enum { O_SNI = 256, O_CONNECT, O_SUBJECT, O_SAN, O_PUBLIC_IM,
	    O_CA_FILE, O_WARN, O_CRIT, O_TIMEOUT, O_JSON, O_HELP };
	static const struct option opts[] = {
		{ "sni",	required_argument,	NULL, O_SNI },
		{ "connect",	required_argument,	NULL, O_CONNECT },
		{ "subject",	required_argument,	NULL, O_SUBJECT },
		{ "san",	required_argument,	NULL, O_SAN },
		{ "public-im",	no_argument,		NULL, O_PUBLIC_IM },
		{ "ca-file",	required_argument,	NULL, O_CA_FILE },
		{ "warn-days",	required_argument,	NULL, O_WARN },
		{ "crit-days",	required_argument,	NULL, O_CRIT },
		{ "timeout",	required_argument,	NULL, O_TIMEOUT },
		{ "json",	no_argument,		NULL, O_JSON },
		{ "help",	no_argument,		NULL, O_HELP },
		{ NULL,		0,			NULL, 0 }
	};
	struct conf		*conf;
	struct conf_target	*t;
	char			*host = NULL;
	const char		*sni = NULL, *connect_to = NULL;
	const char		*subject = NULL, *ca_file = NULL;
	char			**san = NULL;
	size_t			 nsan = 0, i;
	int			 ch, port, json = 0, public_im = 0;
	int			 warn = -1, crit = -1, timeout = -1, rc;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case O_SNI:
			sni = optarg;
			break;
		case O_CONNECT:
			connect_to = optarg;
			break;
		case O_SUBJECT:
			subject = optarg;
			break;
		case O_SAN:
			san = xreallocarray(san, nsan + 1, sizeof(*san));
			san[nsan++] = optarg;
			break;
		case O_PUBLIC_IM:
			public_im = 1;
			break;
		case O_CA_FILE:
			ca_file = optarg;
			break;
		case O_WARN:
			if (parse_int("--warn-days", optarg, 0, 100000,
			    &warn) == -1)
				goto usage;
			break;
		case O_CRIT:
			if (parse_int("--crit-days", optarg, 0, 100000,
			    &crit) == -1)
				goto usage;
			break;
		case O_TIMEOUT:
			if (parse_int("--timeout", optarg, 1, 3600,
			    &timeout) == -1)
				goto usage;
			break;
		case O_JSON:
			json = 1;
			break;
		case O_HELP:
			usage(stdout);
			free(san);
			return EXIT_OK;
		default:
			goto usage;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "edgeprobe: probe: missing HOST[:PORT]\n");
		goto usage;
	}
	if (optind + 1 < argc) {
		fprintf(stderr, "edgeprobe: probe: unexpected argument \"%s\"\n",
		    argv[optind + 1]);
		goto usage;
	}
	if (parse_hostport(argv[optind], &host, &port) == -1)
		goto usage;

	conf = conf_new();
	if (warn != -1)
		conf->warn_days = warn;
	if (crit != -1)
		conf->crit_days = crit;
	if (conf->warn_days < conf->crit_days) {
		fprintf(stderr, "edgeprobe: --warn-days %d is less than "
		    "--crit-days %d\n", conf->warn_days, conf->crit_days);
		conf_free(conf);
		free(host);
		goto usage;
	}
	if (timeout != -1)
		conf->timeout = timeout;
	if (ca_file != NULL)
		conf->ca_file = xstrdup(ca_file);
	t = conf_add_target(conf, host, host);
	t->ports[0] = port;
	t->nports = 1;
	if (sni != NULL) {
		free(t->sni);
		t->sni = xstrdup(sni);
	}
	if (subject != NULL)
		t->subject = xstrdup(subject);
	t->san = xcalloc(nsan ? nsan : 1, sizeof(*t->san));
	for (i = 0; i < nsan; i++)
		t->san[i] = xstrdup(san[i]);
	t->nsan = nsan;
	if (connect_to != NULL) {
		t->pool = xcalloc(1, sizeof(*t->pool));
		t->pool[0] = xstrdup(connect_to);
		t->npool = 1;
	}
	t->public_im = public_im;
	free(san);
	free(host);
	rc = once_run(conf, json);
	conf_free(conf);
	return rc;
usage:
	free(san);
	usage(stderr);
	return EXIT_USAGE;
}

/* --check-config: every error to stderr as FILE:LINE: message. */
static int
main_check_config(const char *path)
{
	struct conf_errors	 errs = { NULL, 0 };
	struct conf		*conf;
	size_t			 i;

	if ((conf = conf_load(path, &errs)) == NULL) {
		for (i = 0; i < errs.n; i++)
			fprintf(stderr, "%s\n", errs.v[i]);
		conf_errors_free(&errs);
		return EXIT_USAGE;
	}
	printf("%s: configuration OK, %zu target%s\n", path, conf->ntargets,
	    conf->ntargets == 1 ? "" : "s");
	conf_free(conf);
	conf_errors_free(&errs);
	return EXIT_OK;
}

int
main(int argc, char **argv)
{
	enum { O_ONCE = 256, O_JSON, O_CHECK, O_VERSION };
	static const struct option opts[] = {
		{ "config",	required_argument,	NULL, 'c' },
		{ "once",	no_argument,		NULL, O_ONCE },
		{ "json",	no_argument,		NULL, O_JSON },
		{ "check-config", no_argument,		NULL, O_CHECK },
		{ "stderr",	no_argument,		NULL, 'f' },
		{ "verbose",	no_argument,		NULL, 'v' },
		{ "version",	no_argument,		NULL, O_VERSION },
		{ "help",	no_argument,		NULL, 'h' },
		{ NULL,		0,			NULL, 0 }
	};
	struct conf_errors	 errs = { NULL, 0 };
	struct conf		*conf;
	const char		*path = CONF_DEFAULT_PATH;
	int			 ch, once = 0, json = 0, check = 0;
	int			 mirror = 0, verbose = 0, rc;
	size_t			 i;

	log_init(0, "edgeprobe", 0);
	if (argc > 1 && strcmp(argv[1], "probe") == 0)
		return main_probe(argc - 1, argv + 1);

	while ((ch = getopt_long(argc, argv, "c:fhv", opts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			path = optarg;
			break;
		case 'f':
			mirror = 1;
			break;
		case 'v':
			verbose = 1;
			break;
		case O_ONCE:
			once = 1;
			break;
		case O_JSON:
			json = 1;
			break;
		case O_CHECK:
			check = 1;
			break;
		case O_VERSION:
			printf("edgeprobe %s (%s)\n", EDGEPROBE_VERSION,
			    OpenSSL_version(OPENSSL_VERSION));
			return EXIT_OK;
		case 'h':
			usage(stdout);
			return EXIT_OK;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "edgeprobe: unexpected argument \"%s\"\n",
		    argv[optind]);
		usage(stderr);
		return EXIT_USAGE;
	}
	if (check + once > 1 || (json && !once)) {
		usage(stderr);
		return EXIT_USAGE;
	}
	log_setverbose(verbose);
	if (check)
		return main_check_config(path);
	if (!once)
		return daemon_run(path, mirror, verbose);

	if ((conf = conf_load(path, &errs)) == NULL) {
		for (i = 0; i < errs.n; i++)
			fprintf(stderr, "%s\n", errs.v[i]);
		conf_errors_free(&errs);
		return EXIT_USAGE;
	}
	conf_errors_free(&errs);
	rc = once_run(conf, json);
	conf_free(conf);
	return rc;
}
