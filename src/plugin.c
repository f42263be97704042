/*
 * plugin.c: Monitoring Plugins output (CONTRACT.md section 7), pure.
 *
 * The Monitoring Plugins Development Guidelines' form: one status line,
 * "EDGEPROBE STATUS - summary | perfdata", then the long output, one line
 * per endpoint. The exit status stays once.c's (0, 1, 2, and 3 for a usage
 * or configuration error), which is what a monitoring system reads.
 *
 * Nagios and Icinga split the status line at the first '|' and a check's
 * output at newlines, and what a target name, a DNS name or a certificate
 * brings may carry either: in the text every control byte, DEL, byte
 * >= 0x80 and '|' is written as \xNN, as the human report does for a
 * terminal. Perfdata labels are single-quoted and keep only letters,
 * digits, '.', '-' and '_', every other byte becoming '_': a quote never
 * needs doubling (Icinga 2 keeps a doubled quote as two), '=' never splits
 * a label from its value, and a graphing back end gets no '/', ':' or
 * space to trip on.
 *
 * The days_left thresholds are the target's warn_days and crit_days as
 * plain numbers, "41d;30;7": the guidelines' range for "30 or fewer" would
 * be "31:", which Icinga 2 does not parse into a threshold for its graphs,
 * and the status is edgeprobe's judgement, never a range evaluated by the
 * monitoring system.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "finding.h"
#include "logfmt.h"
#include "plugin.h"
#include "result.h"

static void	 plugin_text(FILE *, const char *);
static void	 plugin_endpoint(FILE *, const struct result *);
static void	 plugin_label(FILE *, const char *, const struct result *);
static void	 plugin_label_part(FILE *, const char *);
static double	 plugin_ms(double);
static void	 plugin_perfdata(FILE *, struct result *const *,
		    const struct plugin_limits *, size_t);
static void	 plugin_summary(FILE *, struct result *const *, size_t,
		    enum status);
static void	 plugin_line(FILE *, const struct result *);

/* s, with what could end the line or start the perfdata as \xNN. */
static void
plugin_text(FILE *fp, const char *s)
{
	const unsigned char	*p;

	if (s == NULL)
		return;
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p < 0x20 || *p >= 0x7f || *p == '|')
			fprintf(fp, "\\x%02x", *p);
		else
			fputc(*p, fp);
	}
}

/* "target address:port", "target [v6]:port", or "target" for a file. */
static void
plugin_endpoint(FILE *fp, const struct result *r)
{
	plugin_text(fp, r->target);
	if (r->no_endpoint)
		return;
	fputc(' ', fp);
	if (r->address != NULL && strchr(r->address, ':') != NULL) {
		fputc('[', fp);
		plugin_text(fp, r->address);
		fputc(']', fp);
	} else
		plugin_text(fp, r->address);
	fprintf(fp, ":%d", r->port);
}

/* One byte-safe piece of a perfdata label. */
static void
plugin_label_part(FILE *fp, const char *s)
{
	const char	*p;

	for (p = s != NULL ? s : ""; *p != '\0'; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '.' || *p == '-' ||
		    *p == '_')
			fputc(*p, fp);
		else
			fputc('_', fp);
	}
}

/* 'metric_target_address_port', or 'metric_target' for a file. */
static void
plugin_label(FILE *fp, const char *metric, const struct result *r)
{
	fprintf(fp, "'%s_", metric);
	plugin_label_part(fp, r->target);
	if (!r->no_endpoint) {
		fputc('_', fp);
		plugin_label_part(fp, r->address);
		fprintf(fp, "_%d", r->port);
	}
	fputc('\'', fp);
}

/* Milliseconds to one decimal, as the JSON document has them. */
static double
plugin_ms(double ms)
{
	if (!isfinite(ms) || ms < 0)
		return 0;
	if (ms > 1e12)
		ms = 1e12;
	return (double)(long long)(ms * 10 + 0.5) / 10;
}

/*
 * Per result: days_left (when a certificate came) and handshake_ms (when a
 * handshake did), each item preceded by one space.
 */
static void
plugin_perfdata(FILE *fp, struct result *const *rs,
    const struct plugin_limits *limits, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		if (rs[i]->has_days) {
			fputc(' ', fp);
			plugin_label(fp, "days_left", rs[i]);
			fprintf(fp, "=%lldd;%d;%d", rs[i]->days_left,
			    limits[i].warn_days, limits[i].crit_days);
		}
		if (rs[i]->has_tls) {
			fputc(' ', fp);
			plugin_label(fp, "handshake_ms", rs[i]);
			fprintf(fp, "=%.1fms;;;0",
			    plugin_ms(rs[i]->handshake_ms));
		}
	}
}

/*
 * "N endpoints ok", or "K of N endpoints critical[, W warning]: FIRST" /
 * "W of N endpoints warning: FIRST", FIRST being the first result of the
 * worst status and its codes. Files are "certificates"; one is singular.
 */
static void
plugin_summary(FILE *fp, struct result *const *rs, size_t n,
    enum status worst)
{
	const struct result	*first = NULL;
	const char		*noun;
	size_t			 i, count[3] = { 0, 0, 0 };
	int			 files = n > 0;
	char			*codes;

	for (i = 0; i < n; i++) {
		if ((unsigned)rs[i]->status <= STATUS_CRITICAL)
			count[rs[i]->status]++;
		if (first == NULL && rs[i]->status == worst)
			first = rs[i];
		files = files && rs[i]->no_endpoint;
	}
	noun = files ? "certificate" : "endpoint";
	if (worst == STATUS_OK || first == NULL) {
		fprintf(fp, "%zu %s%s ok", n, noun, n == 1 ? "" : "s");
		return;
	}
	fprintf(fp, "%zu of %zu %s%s %s", count[worst], n, noun,
	    n == 1 ? "" : "s", worst == STATUS_CRITICAL ? "critical" :
	    "warning");
	if (worst == STATUS_CRITICAL && count[STATUS_WARNING] > 0)
		fprintf(fp, ", %zu warning", count[STATUS_WARNING]);
	fputs(": ", fp);
	plugin_endpoint(fp, first);
	codes = logfmt_findings(first);
	fprintf(fp, " %s", codes);
	free(codes);
}

/*
 * "STATUS target address:port days_left=N" and, unless ok, " CODES:
 * message" with the message of the worst finding (syslog's msg=).
 */
static void
plugin_line(FILE *fp, const struct result *r)
{
	const struct finding	*f;
	char			*codes;

	fprintf(fp, "%s ", status_word(r->status));
	plugin_endpoint(fp, r);
	if (r->has_days)
		fprintf(fp, " days_left=%lld", r->days_left);
	else
		fputs(" days_left=-", fp);
	if (r->status != STATUS_OK) {
		codes = logfmt_findings(r);
		fprintf(fp, " %s", codes);
		free(codes);
		if ((f = findings_worst(&r->findings)) != NULL) {
			fputs(": ", fp);
			plugin_text(fp, f->message);
		}
	}
	fputc('\n', fp);
}

/* The status line (" | perfdata" if any), then a line per result. */
void
plugin_report(FILE *fp, struct result *const *rs,
    const struct plugin_limits *limits, size_t n)
{
	enum status	 worst = result_worst(rs, n);
	size_t		 i;
	int		 perf = 0;

	for (i = 0; i < n; i++)
		perf = perf || rs[i]->has_days || rs[i]->has_tls;
	fprintf(fp, "EDGEPROBE %s - ", status_word(worst));
	plugin_summary(fp, rs, n, worst);
	if (perf) {
		fputs(" |", fp);
		plugin_perfdata(fp, rs, limits, n);
	}
	fputc('\n', fp);
	for (i = 0; i < n; i++)
		plugin_line(fp, rs[i]);
}

/* A usage or configuration error, for the monitoring system to show. */
void
plugin_unknown(FILE *fp, const char *message)
{
	fputs("EDGEPROBE UNKNOWN - ", fp);
	plugin_text(fp, message);
	fputc('\n', fp);
}
