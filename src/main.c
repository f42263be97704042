/*
 * main.c: argv and mode dispatch only.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/ssl.h>

#include "args.h"
#include "certfile.h"
#include "chain.h"
#include "conf.h"
#include "conf_syntax.h"
#include "daemon.h"
#include "log.h"
#include "once.h"
#include "plugin.h"
#include "tlsctx.h"
#include "xmalloc.h"

#include "version.h"

struct probe_args;

static int	 main_probe_opt(struct probe_args *, int, const char *);
static int	 main_probe_parse(int, char **, struct probe_args *);
static struct conf *main_probe_conf(const struct probe_args *);
static void	 main_probe_args_free(struct probe_args *);
static int	 main_probe(int, char **);
static char	*main_cert_name(const struct probe_args *, STACK_OF(X509) *);
static int	 main_cert(int, char **);
static int	 main_modes(int, char **);
static int	 main_check_config(const char *);
static void	 main_shard_line(const struct conf *);
static int	 main_once(const char *, enum once_output);
static int	 main_flags(int, int, int, int, enum once_output *);
static int	 main_output(int, int, const char *, enum once_output *);

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
	int		 json, plugin, public_im;
	int		 warn, crit, timeout;	/* -1: the default */
};

/* The options of `probe`, and what each is called in error messages. */
enum { P_SNI = 256, P_CONNECT, P_SUBJECT, P_SAN, P_PUBLIC_IM, P_CA_FILE,
    P_WARN, P_CRIT, P_TIMEOUT, P_JSON, P_HELP, P_DOMAIN, P_SIP, P_RESOLVER,
    P_CLIENT_CERT, P_CLIENT_KEY, P_PASSWORD_FILE, P_PLUGIN };
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
	{ "plugin",	no_argument,		NULL, P_PLUGIN },
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
	{ "plugin",	no_argument,		NULL, P_PLUGIN },
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
		return args_int("--warn-days", arg, 0, 100000, &a->warn);
	case P_CRIT:
		return args_int("--crit-days", arg, 0, 100000, &a->crit);
	case P_TIMEOUT:
		return args_int("--timeout", arg, 1, 3600, &a->timeout);
	case P_JSON:
		a->json = 1;
		return 0;
	case P_PLUGIN:
		a->plugin = 1;
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
			args_usage(stdout);
			return 1;
		}
		if (ch == '?')
			args_bad_option(argc, argv);
		if (main_probe_opt(a, ch, optarg) == -1)
			return -1;
	}
	if ((a->client_cert == NULL) != (a->client_key == NULL)) {
		args_error("probe: --client-cert and --client-key go together");
		return -1;
	}
	if (a->domain != NULL) {
		if (optind < argc) {
			args_error("probe: --domain takes no "
			    "HOST[:PORT] (\"%s\")", argv[optind]);
			return -1;
		}
		if (a->connect_to != NULL) {
			args_error("probe: --domain and "
			    "--connect exclude each other");
			return -1;
		}
		a->host = xstrdup(a->domain);
		a->port = 5061;
		return 0;
	}
	if (optind >= argc) {
		args_error("probe: missing HOST[:PORT]");
		return -1;
	}
	if (optind + 1 < argc) {
		args_error("probe: unexpected argument \"%s\"",
		    argv[optind + 1]);
		return -1;
	}
	return args_hostport(argv[optind], &a->host, &a->port);
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
		args_error("--warn-days %d is less than "
		    "--crit-days %d", conf->warn_days, conf->crit_days);
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
		args_error("--resolver %s: %s", a->resolver, why);
		conf_free(conf);
		return NULL;
	}
	if (a->client_cert != NULL && (t->identity = tlsctx_identity_load(
	    a->client_cert, a->client_key, &cause)) == NULL) {
		args_error("%s", cause);
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
	enum once_output	 out;
	int			 rc;

	if ((rc = main_probe_parse(argc, argv, &a)) == 0 &&
	    (rc = main_output(a.json, a.plugin, "probe", &out)) == 0)
		conf = main_probe_conf(&a);
	main_probe_args_free(&a);
	if (rc == 1)
		return EXIT_OK;
	if (conf == NULL) {
		args_usage(stderr);
		return EXIT_USAGE;
	}
	rc = once_run(conf, out);
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
	enum once_output	 out = ONCE_HUMAN;
	char			*cause = NULL, *pw = NULL;
	int			 ch, rc = 0;

	memset(&a, 0, sizeof(a));
	a.warn = a.crit = a.timeout = -1;
	optind = 1;
	while (rc == 0 && (ch = getopt_long(argc, argv, "", cert_opts,
	    NULL)) != -1) {
		if (ch == P_HELP) {
			args_usage(stdout);
			rc = 1;
		} else if (main_probe_opt(&a, ch, optarg) == -1) {
			if (ch == '?')
				args_bad_option(argc, argv);
			rc = -1;
		}
	}
	if (rc == 0 && optind + 1 != argc) {
		args_error("cert: %s", optind >= argc ?
		    "missing FILE" : "one FILE at a time");
		rc = -1;
	}
	if (rc == 0)
		rc = main_output(a.json, a.plugin, "cert", &out);
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
		args_error("%s", cause);
		free(cause);
		return EXIT_USAGE;
	}
	if (conf == NULL) {
		sk_X509_pop_free(chain, X509_free);
		args_usage(stderr);
		return EXIT_USAGE;
	}
	rc = once_cert(conf, chain, out);
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

/*
 * Under --plugin a usage or configuration error is also a status line on
 * stdout, "EDGEPROBE UNKNOWN - message", beside stderr's usual lines.
 */
int
main(int argc, char **argv)
{
	const char	*why;
	int		 rc;

	log_init(0, "edgeprobe", 0);
	rc = main_modes(argc, argv);
	if (rc == EXIT_USAGE && args_plugin(argc, argv)) {
		if ((why = args_first_error()) == NULL)
			why = "usage error (edgeprobe --help)";
		plugin_unknown(stdout, why);
	}
	return rc;
}

/* Dispatch to a mode by argv. */
static int
main_modes(int argc, char **argv)
{
	enum { O_ONCE = 256, O_JSON, O_CHECK, O_VERSION, O_PLUGIN };
	static const struct option opts[] = {
		{ "config",	required_argument,	NULL, 'c' },
		{ "once",	no_argument,		NULL, O_ONCE },
		{ "json",	no_argument,		NULL, O_JSON },
		{ "plugin",	no_argument,		NULL, O_PLUGIN },
		{ "check-config", no_argument,		NULL, O_CHECK },
		{ "stderr",	no_argument,		NULL, 'f' },
		{ "verbose",	no_argument,		NULL, 'v' },
		{ "version",	no_argument,		NULL, O_VERSION },
		{ "help",	no_argument,		NULL, 'h' },
		{ NULL,		0,			NULL, 0 }
	};
	const char		*path = CONF_DEFAULT_PATH;
	enum once_output	 out;
	int			 ch, once = 0, json = 0, check = 0;
	int			 mirror = 0, verbose = 0, plugin = 0;

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
		case O_PLUGIN:
			plugin = 1;
			break;
		case O_CHECK:
			check = 1;
			break;
		case O_VERSION:
			printf("edgeprobe %s (%s)\n", EDGEPROBE_VERSION,
			    OpenSSL_version(OPENSSL_VERSION));
			return EXIT_OK;
		case 'h':
			args_usage(stdout);
			return EXIT_OK;
		default:
			args_bad_option(argc, argv);
			args_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		args_error("unexpected argument \"%s\"", argv[optind]);
		args_usage(stderr);
		return EXIT_USAGE;
	}
	if (main_flags(check, once, json, plugin, &out) == -1) {
		args_usage(stderr);
		return EXIT_USAGE;
	}
	log_setverbose(verbose);
	if (check)
		return main_check_config(path);
	if (!once)
		return daemon_run(path, mirror, verbose);

	return main_once(path, out);
}

/*
 * --check-config and --once exclude each other, --json and --plugin go with
 * --once only; -1 (the message kept for the UNKNOWN line) otherwise.
 */
static int
main_flags(int check, int once, int json, int plugin, enum once_output *out)
{
	if (plugin && !once) {
		args_error("--plugin goes with --once, probe or cert");
		return -1;
	}
	if (check + once > 1 || (json && !once)) {
		/* stderr never had a message for these: kept only. */
		args_note("%s", check && once ? "--check-config and --once "
		    "exclude each other" : "--json goes with --once, probe or "
		    "cert");
		return -1;
	}
	return main_output(json, plugin, "--once", out);
}

/*
 * The report --json or --plugin asks for; -1 (reported) when both are
 * given.
 */
static int
main_output(int json, int plugin, const char *mode, enum once_output *out)
{
	if (json && plugin) {
		args_error("%s: --json and --plugin exclude each other", mode);
		return -1;
	}
	*out = json ? ONCE_JSON : plugin ? ONCE_PLUGIN : ONCE_HUMAN;
	return 0;
}

/* --once: load the file, probe every endpoint once, report. */
static int
main_once(const char *path, enum once_output out)
{
	struct conf_errors	 errs = { NULL, 0 };
	struct conf		*conf;
	size_t			 i;
	int			 rc;

	if ((conf = conf_load(path, &errs)) == NULL) {
		for (i = 0; i < errs.n; i++)
			fprintf(stderr, "%s\n", errs.v[i]);
		if (errs.n > 1)
			args_note("%s (and %zu more error%s)", errs.v[0],
			    errs.n - 1, errs.n == 2 ? "" : "s");
		else if (errs.n == 1)
			args_note("%s", errs.v[0]);
		conf_errors_free(&errs);
		return EXIT_USAGE;
	}
	conf_errors_free(&errs);
	rc = once_run(conf, out);
	conf_free(conf);
	return rc;
}
