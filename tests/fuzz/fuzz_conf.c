/*
 * fuzz_conf.c: libFuzzer target over the contents of a configuration file.
 *
 * The bytes go through conf_load_string(), which shares every check with
 * conf_load(). Besides memory errors (ASan, UBSan), the loader's own
 * promises are checked and abort() when broken: a configuration or errors,
 * never both and never neither; every error one line starting "FILE:"; a
 * returned configuration within every documented bound.
 */
#include <ctype.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"

#define FUZZ_NAME	"fuzz.conf"

int	 LLVMFuzzerTestOneInput(const uint8_t *, size_t);
const char *__lsan_default_suppressions(void);

static int	 fuzz_has_include(const char *);
static void	 fuzz_check_conf(const struct conf *);
static void	 fuzz_check_errors(const struct conf_errors *);

/*
 * libconfig 1.5's parser leaks the string a token carried when a syntax
 * error discards it (allocated in libconfig_yylex or strbuf_append, a few
 * bytes per failed parse). That is libconfig's, not ours: suppress leaks
 * allocated inside libconfig.so only. conf.c allocates through xmalloc,
 * never from a libconfig frame, so a leak of our own still stops the run.
 */
const char *
__lsan_default_suppressions(void)
{
	return "leak:libconfig.so\n";
}

/*
 * libconfig opens @include files itself; an input naming /dev/zero or a
 * FIFO would hang the run and others would read the disk at random. The
 * directive is plain text handled by libconfig's scanner, so skip inputs
 * that contain it (in any case) rather than fuzz the file system.
 */
static int
fuzz_has_include(const char *text)
{
	static const char	 word[] = "@include";
	const char		*p;
	size_t			 i;

	for (p = text; *p != '\0'; p++) {
		for (i = 0; word[i] != '\0'; i++)
			if (tolower((unsigned char)p[i]) != word[i])
				break;
		if (word[i] == '\0')
			return 1;
	}
	return 0;
}

/* A loaded configuration keeps every promise of conf.h. */
static void
fuzz_check_conf(const struct conf *conf)
{
	const struct conf_target	*t;
	size_t				 i, j;

	/* A shard may own none of the targets; the file holds at least one. */
	if (strcmp(conf->path, FUZZ_NAME) != 0 || conf->ntargets_all == 0 ||
	    conf->ntargets > conf->ntargets_all ||
	    (conf->shard_count == 1 && conf->ntargets != conf->ntargets_all) ||
	    conf->interval < 1 || conf->timeout < 1 || conf->timeout > 3600 ||
	    conf->concurrency < 1 || conf->concurrency > 100000 ||
	    conf->crit_days < 0 || conf->warn_days < conf->crit_days ||
	    (conf->log_ok != 0 && conf->log_ok != 1) ||
	    conf->syslog_ident == NULL || *conf->syslog_ident == '\0' ||
	    (conf->ca_file != NULL && *conf->ca_file == '\0') ||
	    (conf->sip_options != 0 && conf->sip_options != 1) ||
	    (conf->resolver != NULL && (conf->resolver_port < 1 ||
	    conf->resolver_port > 65535)) ||
	    (conf->metrics_listen != NULL && (conf->metrics_port < 1 ||
	    conf->metrics_port > 65535)) ||
	    conf->shard_index < 1 || conf->shard_index > conf->shard_count ||
	    conf->shard_count > CONF_MAX_SHARDS)
		abort();
	for (i = 0; i < conf->ntargets; i++) {
		t = &conf->targets[i];
		/* Exactly one of host and domain; a domain has no pool. */
		if ((t->host == NULL) == (t->domain == NULL) ||
		    (t->domain != NULL && t->npool != 0) ||
		    (t->host != NULL && (*t->host == '\0' || t->sni == NULL)) ||
		    (t->client_cert == NULL) != (t->client_key == NULL) ||
		    (t->sip_options != 0 && t->sip_options != 1))
			abort();
		if (t->name == NULL || *t->name == '\0' ||
		    (t->sni != NULL && *t->sni == '\0') ||
		    (t->subject != NULL && *t->subject == '\0') ||
		    t->nports < 1 || t->nports > CONF_MAX_PORTS ||
		    t->interval < 1 || t->timeout < 1 || t->timeout > 3600 ||
		    t->crit_days < 0 || t->warn_days < t->crit_days ||
		    (t->public_im != 0 && t->public_im != 1) || t->line < 1 ||
		    (t->npool == 0) != (t->pool == NULL) ||
		    (t->nsan == 0 && t->san != NULL))
			abort();
		for (j = 0; j < t->nports; j++)
			if (t->ports[j] < 1 || t->ports[j] > 65535)
				abort();
		for (j = 0; j < t->nsan; j++)
			if (*t->san[j] == '\0')
				abort();
		for (j = 0; j < t->npool; j++)
			if (*t->pool[j] == '\0')
				abort();
		for (j = 0; j < i; j++)
			if (strcmp(conf->targets[j].name, t->name) == 0)
				abort();
	}
}

/* Errors: at least one, each "FILE:" then a message, on one line. */
static void
fuzz_check_errors(const struct conf_errors *errs)
{
	size_t	 i;

	if (errs->n == 0)
		abort();
	for (i = 0; i < errs->n; i++) {
		if (strncmp(errs->v[i], FUZZ_NAME ":",
		    sizeof(FUZZ_NAME)) != 0)
			abort();
		if (strchr(errs->v[i], '\n') != NULL)
			abort();
	}
}

/* One input: the whole text of a configuration file. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct conf_errors	 errs = { NULL, 0 };
	struct conf		*conf;
	char			*text;

	if ((text = malloc(size + 1)) == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (fuzz_has_include(text)) {
		free(text);
		return 0;
	}
	conf = conf_load_string(FUZZ_NAME, text, &errs);
	if (conf != NULL) {
		if (errs.n != 0)
			abort();
		fuzz_check_conf(conf);
	} else
		fuzz_check_errors(&errs);
	conf_free(conf);
	conf_errors_free(&errs);
	free(text);
	return 0;
}
