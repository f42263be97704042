/*
 * policy.h: the certificate judgement (pure).
 *
 * policy_evaluate() turns a chain, exactly as a server presented it, into
 * findings. It does no I/O and reads no clock: the time of judgement is a
 * parameter, so it can be unit-tested at any date and fuzzed with any bytes.
 *
 * The judgement is split by concern: policy_eval.c (one evaluation's state
 * and message labels), policy_trust.c, policy_names.c, policy_dates.c,
 * policy_eku.c, policy_crypto.c and policy_pool.c. This header includes the
 * headers of those parts that declare functions other modules call
 * (policy_days_left, policy_host_match, policy_pool).
 */
#ifndef EDGEPROBE_POLICY_H
#define EDGEPROBE_POLICY_H

#include <stddef.h>
#include <time.h>
#include <openssl/x509.h>

#include "finding.h"
/* The parts whose functions other modules call, declared by their owners. */
#include "policy_dates.h"
#include "policy_names.h"
#include "policy_pool.h"
#include "policy_trust.h"

struct result;

struct policy {
	const char		*sni;		/* name to verify; NULL: none */
	const char		*subject;	/* expected CN; NULL: any */
	const char *const	*san;		/* names that must be DNS SANs */
	size_t			 nsan;
	int			 public_im;	/* client EKU required */
	int			 warn_days;
	int			 crit_days;
	int			 tls_version;	/* negotiated, e.g. TLS1_2_VERSION; 0 unknown */
	int			 chain_sent;	/* certificates the server sent, when
						   more than the chain holds; 0: as many */
	/*
	 * A recorded verification of this very chain against this store,
	 * valid at now, replayed in place of X509_verify_cert(); NULL:
	 * verify. The findings are the same either way.
	 */
	const struct policy_verified *verified;
	/* When not NULL (and verified is), the verification is recorded here. */
	struct policy_verified	*record;
};

/*
 * Judge a presented chain (leaf first, as sent; may be empty) against the
 * trust store at time now, appending every finding to out. Returns the
 * leaf's days_left through days_left when there is a leaf (left untouched
 * when the leaf's notAfter cannot be read; such a chain is UNTRUSTED).
 * Returns 0 when there was a leaf to judge, -1 otherwise.
 */
int	policy_evaluate(const struct policy *, STACK_OF(X509) *, X509_STORE *,
	    time_t, struct findings *, long long *);

#endif
