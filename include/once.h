/*
 * once.h: --once and `probe HOST[:PORT]`: probe every endpoint of a
 * configuration once, print the report, return the exit status.
 */
#ifndef EDGEPROBE_ONCE_H
#define EDGEPROBE_ONCE_H

#include <openssl/x509.h>

struct conf;

#define EXIT_OK		0
#define EXIT_WARNING	1
#define EXIT_CRITICAL	2
#define EXIT_USAGE	3

/* What the one-shot modes print. */
enum once_output {
	ONCE_HUMAN = 0,		/* report_human() */
	ONCE_JSON,		/* report_json() */
	ONCE_PLUGIN		/* plugin_report(): Monitoring Plugins */
};

/* Run one round over conf; out selects the report. */
int	once_run(const struct conf *, enum once_output out);
/*
 * `edgeprobe cert`: judge chain (taken over) with the policy of conf's
 * first target, print the report, return the exit status.
 */
int	once_cert(const struct conf *, STACK_OF(X509) *chain,
	    enum once_output out);

#endif
