/*
 * policy_crypto.h: crypto strength, the CRL Distribution Point rule and
 * the protocol version, a part of the judgement (pure).
 */
#ifndef EDGEPROBE_POLICY_CRYPTO_H
#define EDGEPROBE_POLICY_CRYPTO_H

struct findings;
struct policy;
struct policy_eval;

/* CRL_DP_MISSING: the leaf carries no usable CRL Distribution Point. */
void	policy_crypto_crldp(struct policy_eval *);

/* PSS_SIGNATURE, WEAK_KEY and WEAK_SIGNATURE for the chain as sent. */
void	policy_crypto_judge(struct policy_eval *);

/* LEGACY_TLS from the negotiated protocol version, when known. */
void	policy_crypto_legacy(const struct policy *, struct findings *);

#endif
