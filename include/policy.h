/*
 * policy.h: the certificate judgement (pure).
 *
 * policy_evaluate() turns a chain, exactly as a server presented it, into
 * findings. It does no I/O and reads no clock: the time of judgement is a
 * parameter, so it can be unit-tested at any date and fuzzed with any bytes.
 */
#ifndef EDGEPROBE_POLICY_H
#define EDGEPROBE_POLICY_H

#include <stddef.h>
#include <time.h>
#include <openssl/x509.h>

#include "finding.h"

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

/* floor((notAfter - now) / 86400); 0 on success, -1 on an unreadable time. */
int	policy_days_left(X509 *, time_t, long long *);

/*
 * RFC 6125 style host-name match of name against the DNS SANs only: a
 * wildcard is a whole leftmost label followed by at least two labels and
 * covers exactly one label. Returns 1 on a match.
 */
int	policy_host_match(const char *pattern, const char *name);

/*
 * POOL_MISMATCH: given the results of one target, add the finding to each
 * result on a port where the members presented different leaves.
 */
void	policy_pool(struct result *const *, size_t);

#endif
