/*
 * policy_ocsp.h: the judgement of a stapled OCSP response (pure).
 *
 * The staple is the one the server sent in the handshake; nothing is ever
 * fetched. The response must be signed by the leaf's issuer or by a
 * responder the issuer delegated with id-kp-OCSPSigning (RFC 6960 4.2.2.2),
 * whose chain verifies to the trust store at `now`.
 */
#ifndef EDGEPROBE_POLICY_OCSP_H
#define EDGEPROBE_POLICY_OCSP_H

#include <stddef.h>
#include <time.h>
#include <openssl/x509.h>

#include "finding.h"

struct result;

/* thisUpdate may be this far ahead of now (clock skew), seconds. */
#define POLICY_OCSP_SKEW	300

/* What tls.ocsp shows. */
struct policy_ocsp {
	char	status[16];		/* "good", "revoked" or "unknown" */
	char	this_update[21];	/* YYYY-MM-DDTHH:MM:SSZ; "" unknown */
	char	next_update[21];	/* "" when absent or unknown */
};

/*
 * Judge the staple der (len bytes) for the leaf of chain (as sent, leaf
 * first) against store (NULL: an empty store) at now. Fills out and adds
 * REVOKED or OCSP_STAPLE_INVALID to fs. status is "good" or "revoked" only
 * for a staple that verifies and answers for the leaf; else "unknown".
 */
void	policy_ocsp_judge(const unsigned char *der, size_t len,
	    STACK_OF(X509) *chain, X509_STORE *store, time_t now,
	    struct policy_ocsp *out, struct findings *fs);

/*
 * The same for a result: judge the staple against r->chain, add the
 * findings to r and fill its tls.ocsp fields (has_ocsp and the rest).
 */
void	policy_ocsp_result(struct result *r, const unsigned char *der,
	    size_t len, X509_STORE *store, time_t now);

#endif
