/*
 * policy_trust.h: trust and chain verification, a part of the judgement
 * (pure).
 *
 * policy_trust_verify() runs once per evaluation, first: it fills the
 * verification fields of struct policy_eval that the other checks read.
 */
#ifndef EDGEPROBE_POLICY_TRUST_H
#define EDGEPROBE_POLICY_TRUST_H

#include <openssl/x509.h>

struct policy_eval;

/*
 * Verify the chain for the TLS server purpose at ev->now against store
 * (NULL: an empty store), recording every error, the built chain and
 * whether any error is not about dates.
 */
void	policy_trust_verify(struct policy_eval *, X509_STORE *);

/* UNTRUSTED, SELF_SIGNED and CHAIN_INCOMPLETE from the recorded errors. */
void	policy_trust_judge(struct policy_eval *);

#endif
