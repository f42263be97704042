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

#include "certfile.h"
#include "chain.h"
#include "conf.h"
#include "conf_syntax.h"
#include "daemon.h"
#include "log.h"
#include "once.h"
#include "tlsctx.h"
#include "xmalloc.h"

#include "version.h"

struct probe_args;

static void	 usage(FILE *);
static int	 parse_int(const char *, const char *, int, int, int *);
static int	 parse_hostport(const char *, char **, int *);
static int	 main_probe_opt(struct probe_args *, int, const char *);
static int	 main_probe_parse(int, char **, struct probe_args *);
static struct conf *main_probe_conf(const struct probe_args *);
static void	 main_probe_args_free(struct probe_args *);
static int	 main_probe(int, char **);
static char	*main_cert_name(const struct probe_args *, STACK_OF(X509) *);
static int	 main_cert(int, char **);
static int	 main_check_config(const char *);
static void	 main_shard_line(const struct conf *);
static int	 main_once(const char *, int);

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
"                 [--timeout S] [--sip-options] [--resolver ADDR:PORT]\n"
"                 [--client-cert FILE --client-key FILE] [--json]\n"
"       edgeprobe probe --domain DOMAIN [same options]\n"
"       edgeprobe cert FILE [--sni NAME] [--subject NAME] [--san NAME]...\n"
"                 [--public-im] [--ca-file FILE] [--warn-days N] [--crit-days N]\n"
"                 [--password-file FILE] [--json]\n"
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

/* What `probe` was asked on its command line. */
struct probe_args {
	char		*host;
	int		 port;
	const char	*sni, *connect_to, *subject, *ca_file;
	const char	*domain, *resolver, *client_cert, *client_key;
	const char	*password_file;
	int		 sip_options;
	char		**san;
	size_t		 nsan;
	int		 json, public_im;
	int		 warn, crit, timeout;	/* -1: the default */
};

/* The options of `probe`, and what each is called in error messages. */
enum { P_SNI = 256, P_CONNECT, P_SUBJECT, P_SAN, P_PUBLIC_IM, P_CA_FILE,
    P_WARN, P_CRIT, P_TIMEOUT, P_JSON, P_HELP, P_DOMAIN, P_SIP, P_RESOLVER,
    P_CLIENT_CERT, P_CLIENT_KEY, P_PASSWORD_FILE };
static const struct option probe_opts[] = {
	{ "sni",	required_argument,	NULL, P_SNI },
	{ "connect",	required_argument,	NULL, P_CONNECT },
	{ "subject",	required_argument,	NULL, P_SUBJECT },
	{ "san",	required_argument,	NULL, P_SAN },
	{ "public-im",	no_argument,		NULL, P_PUBLIC_IM },
	{ "ca-file",	required_argument,	NULL, P_CA_FILE },
	{ "warn-days",	required_argument,	NULL, P_WARN },
	{ "crit-days",	required_argument,	NULL, P_CRIT },
	{ "timeout",	required_argument,	NULL, P_TIMEOUT },
	{ "json",	no_argument,		NULL, P_JSON },
	{ "domain",	required_argument,	NULL, P_DOMAIN },
	{ "sip-options", no_argument,		NULL, P_SIP },
	{ "resolver",	required_argument,	NULL, P_RESOLVER },
	{ "client-cert", required_argument,	NULL, P_CLIENT_CERT },
	{ "client-key",	required_argument,	NULL, P_CLIENT_KEY },
	{ "help",	no_argument,		NULL, P_HELP },
	{ NULL,		0,			NULL, 0 }
};

/* The options of `cert`: the policy's, and the file's password. */
static const struct option cert_opts[] = {
	{ "sni",	required_argument,	NULL, P_SNI },
	{ "subject",	required_argument,	NULL, P_SUBJECT },
	{ "san",	required_argument,	NULL, P_SAN },
	{ "public-im",	no_argument,		NULL, P_PUBLIC_IM },
	{ "ca-file",	required_argument,	NULL, P_CA_FILE },
	{ "warn-days",	required_argument,	NULL, P_WARN },
	{ "crit-days",	required_argument,	NULL, P_CRIT },
	{ "json",	no_argument,		NULL, P_JSON },
	{ "password-file", required_argument,	NULL, P_PASSWORD_FILE },
	{ "help",	no_argument,		NULL, P_HELP },
	{ NULL,		0,			NULL, 0 }
};

/* One option of `probe`; -1 on a bad value (already reported). */
static int
main_probe_opt(struct probe_args *a, int ch, const char *arg)
{
	switch (ch) {
	case P_SNI:
		a->sni = arg;
		return 0;
	case P_CONNECT:
		a->connect_to = arg;
		return 0;
	case P_SUBJECT:
		a->subject = arg;
		return 0;
	case P_SAN:
		a->san = xreallocarray(a->san, a->nsan + 1, sizeof(*a->san));
		a->san[a->nsan++] = xstrdup(arg);
		return 0;
	case P_PUBLIC_IM:
		a->public_im = 1;
		return 0;
	case P_CA_FILE:
		a->ca_file = arg;
		return 0;
	case P_WARN:
		return parse_int("--warn-days", arg, 0, 100000, &a->warn);
	case P_CRIT:
		return parse_int("--crit-days", arg, 0, 100000, &a->crit);
	case P_TIMEOUT:
		return parse_int("--timeout", arg, 1, 3600, &a->timeout);
	case P_JSON:
		a->json = 1;
		return 0;
	case P_DOMAIN:
		a->domain = arg;
		return 0;
	case P_SIP:
		a->sip_options = 1;
		return 0;
	case P_RESOLVER:
		a->resolver = arg;
		return 0;
	case P_CLIENT_CERT:
		a->client_cert = arg;
		return 0;
	case P_CLIENT_KEY:
		a->client_key = arg;
		return 0;
	case P_PASSWORD_FILE:
		a->password_file = arg;
		return 0;
	default:
		return -1;
	}
}

/*
 * Parse `probe`'s arguments: 0 to go on, 1 after --help, -1 on a usage
 * error (reported).
 */
static int
main_probe_parse(int argc, char **argv, struct probe_args *a)
{
	int	 ch;

	memset(a, 0, sizeof(*a));
	a->warn = a->crit = a->timeout = -1;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "", probe_opts, NULL)) != -1) {
		if (ch == P_HELP) {
			usage(stdout);
			return 1;
		}
		if (main_probe_opt(a, ch, optarg) == -1)
			return -1;
	}
	if ((a->client_cert == NULL) != (a->client_key == NULL)) {
		fprintf(stderr, "edgeprobe: probe: --client-cert and "
		    "--client-key go together\n");
		return -1;
	}
	if (a->domain != NULL) {
		if (optind < argc) {
			fprintf(stderr, "edgeprobe: probe: --domain takes no "
			    "HOST[:PORT] (\"%s\")\n", argv[optind]);
			return -1;
		}
		if (a->connect_to != NULL) {
			fprintf(stderr, "edgeprobe: probe: --domain and "
			    "--connect exclude each other\n");
			return -1;
		}
		a->host = xstrdup(a->domain);
		a->port = 5061;
		return 0;
	}
	if (optind >= argc) {
		fprintf(stderr, "edgeprobe: probe: missing HOST[:PORT]\n");
		return -1;
	}
	if (optind + 1 < argc) {
		fprintf(stderr, "edgeprobe: probe: unexpected argument \"%s\"\n",
		    argv[optind + 1]);
		return -1;
	}
	return parse_hostport(argv[optind], &a->host, &a->port);
}

/* The one-target configuration `probe` runs; NULL on a usage error. */
static struct conf *
main_probe_conf(const struct probe_args *a)
{
	struct conf		*conf;
	struct conf_target	*t;
	char			*cause = NULL;
	const char		*why;
	size_t			 i;

	conf = conf_new();
	if (a->warn != -1)
		conf->warn_days = a->warn;
	if (a->crit != -1)
		conf->crit_days = a->crit;
	if (conf->warn_days < conf->crit_days) {
		fprintf(stderr, "edgeprobe: --warn-days %d is less than "
		    "--crit-days %d\n", conf->warn_days, conf->crit_days);
		conf_free(conf);
		return NULL;
	}
	if (a->timeout != -1)
		conf->timeout = a->timeout;
	if (a->ca_file != NULL)
		conf->ca_file = xstrdup(a->ca_file);
	t = conf_add_target(conf, a->host, a->host);
	t->ports[0] = a->port;
	t->nports = 1;
	if (a->sni != NULL) {
		free(t->sni);
		t->sni = xstrdup(a->sni);
	}
	if (a->subject != NULL)
		t->subject = xstrdup(a->subject);
	t->san = xcalloc(a->nsan ? a->nsan : 1, sizeof(*t->san));
	for (i = 0; i < a->nsan; i++)
		t->san[i] = xstrdup(a->san[i]);
	t->nsan = a->nsan;
	if (a->connect_to != NULL) {
		t->pool = xcalloc(1, sizeof(*t->pool));
		t->pool[0] = xstrdup(a->connect_to);
		t->npool = 1;
	}
	t->public_im = a->public_im;
	t->sip_options = a->sip_options;
	if (a->domain != NULL)
		t->domain = xstrdup(a->domain);
	if (a->resolver != NULL && conf_syntax_addrport(a->resolver,
	    CONF_RESOLVER_PORT, &conf->resolver, &conf->resolver_port,
	    &why) == -1) {
		fprintf(stderr, "edgeprobe: --resolver %s: %s\n", a->resolver,
		    why);
		conf_free(conf);
		return NULL;
	}
	if (a->client_cert != NULL && (t->identity = tlsctx_identity_load(
	    a->client_cert, a->client_key, &cause)) == NULL) {
		fprintf(stderr, "edgeprobe: %s\n", cause);
		free(cause);
		conf_free(conf);
		return NULL;
	}
	return conf;
}

/* Free what main_probe_parse() allocated. */
static void
main_probe_args_free(struct probe_args *a)
{
	size_t	 i;

	for (i = 0; i < a->nsan; i++)
		free(a->san[i]);
	free(a->san);
	free(a->host);
}

/* edgeprobe probe HOST[:PORT] ...: one ad-hoc endpoint, no file. */
static int
main_probe(int argc, char **argv)
{
	struct probe_args	 a;
	struct conf		*conf = NULL;
	int			 rc;

	if ((rc = main_probe_parse(argc, argv, &a)) == 0)
		conf = main_probe_conf(&a);
	main_probe_args_free(&a);
	if (rc == 1)
		return EXIT_OK;
	if (conf == NULL) {
		usage(stderr);
		return EXIT_USAGE;
	}
	rc = once_run(conf, a.json);
	conf_free(conf);
	return rc;
}

/*
 * What this shard owns: its targets, and its endpoints as configured (each
 * host or pool entry once per port; DNS may give a name more addresses; a
 * domain counts its two SRV services until DNS says more).
 */
static void
main_shard_line(const struct conf *conf)
{
	const struct conf_target	*t;
	size_t				 i, ep = 0;

	for (i = 0; i < conf->ntargets; i++) {
		t = &conf->targets[i];
		if (t->domain != NULL)
			ep += 2;
		else
			ep += (t->npool > 0 ? t->npool : 1) * t->nports;
	}
	printf("shard %d/%d: %zu target%s, %zu endpoint%s before DNS\n",
	    conf->shard_index, conf->shard_count, conf->ntargets,
	    conf->ntargets == 1 ? "" : "s", ep, ep == 1 ? "" : "s");
}

/*
 * The name a certificate file is judged for: --sni, else the leaf's first
 * DNS SAN, else its CN (what the Edge will be reached as).
 */
static char *
main_cert_name(const struct probe_args *a, STACK_OF(X509) *chain)
{
	struct strlist	 san;
	X509		*leaf = sk_X509_value(chain, 0);
	char		*name;

	if (a->sni != NULL)
		return xstrdup(a->sni);
	memset(&san, 0, sizeof(san));
	chain_dns_sans(leaf, &san);
	if (san.n > 0)
		name = xstrdup(san.v[0]);
	else if ((name = chain_subject_cn(leaf)) == NULL)
		name = xstrdup("");
	strlist_free(&san);
	return name;
}

/* edgeprobe cert FILE ...: judge a certificate file, no network. */
static int
main_cert(int argc, char **argv)
{
	struct probe_args	 a;
	struct conf		*conf = NULL;
	STACK_OF(X509)		*chain = NULL;
	char			*cause = NULL, *pw = NULL;
	int			 ch, rc = 0;

	memset(&a, 0, sizeof(a));
	a.warn = a.crit = a.timeout = -1;
	optind = 1;
	while (rc == 0 && (ch = getopt_long(argc, argv, "", cert_opts,
	    NULL)) != -1) {
		if (ch == P_HELP) {
			usage(stdout);
			rc = 1;
		} else if (main_probe_opt(&a, ch, optarg) == -1)
			rc = -1;
	}
	if (rc == 0 && optind + 1 != argc) {
		fprintf(stderr, "edgeprobe: cert: %s\n", optind >= argc ?
		    "missing FILE" : "one FILE at a time");
		rc = -1;
	}
	if (rc == 0 && a.password_file != NULL &&
	    (pw = certfile_password(a.password_file, &cause)) == NULL)
		rc = -2;
	if (rc == 0 && (chain = certfile_load(argv[optind], pw, &cause)) ==
	    NULL)
		rc = -2;
	if (rc == 0) {
		a.host = main_cert_name(&a, chain);
		if ((conf = main_probe_conf(&a)) != NULL) {
			free(conf->targets[0].name);
			conf->targets[0].name = xstrdup(argv[optind]);
		}
	}
	main_probe_args_free(&a);
	free(pw);
	if (rc == 1)
		return EXIT_OK;
	if (rc == -2) {
		fprintf(stderr, "edgeprobe: %s\n", cause);
		free(cause);
		return EXIT_USAGE;
	}
	if (conf == NULL) {
		sk_X509_pop_free(chain, X509_free);
		usage(stderr);
		return EXIT_USAGE;
	}
	rc = once_cert(conf, chain, a.json);
	conf_free(conf);
	return rc;
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
	printf("%s: configuration OK, %zu target%s\n", path,
	    conf->ntargets_all, conf->ntargets_all == 1 ? "" : "s");
	if (conf->shard_count > 1)
		main_shard_line(conf);
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
	const char		*path = CONF_DEFAULT_PATH;
	int			 ch, once = 0, json = 0, check = 0;
	int			 mirror = 0, verbose = 0;

	log_init(0, "edgeprobe", 0);
	if (argc > 1 && strcmp(argv[1], "probe") == 0)
		return main_probe(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "cert") == 0)
		return main_cert(argc - 1, argv + 1);

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

	return main_once(path, json);
}

/* --once: load the file, probe every endpoint once, report. */
static int
main_once(const char *path, int json)
{
	struct conf_errors	 errs = { NULL, 0 };
	struct conf		*conf;
	size_t			 i;
	int			 rc;

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
