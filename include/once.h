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

/* Run one round over conf; json selects the JSON document. */
int	once_run(const struct conf *, int json);
/*
 * `edgeprobe cert`: judge chain (taken over) with the policy of conf's
 * first target, print the report, return the exit status.
 */
int	once_cert(const struct conf *, STACK_OF(X509) *chain, int json);

#endif
