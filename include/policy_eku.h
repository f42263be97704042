/*
 * policy_eku.h: extended key usages, a part of the judgement (pure).
 */
#ifndef EDGEPROBE_POLICY_EKU_H
#define EDGEPROBE_POLICY_EKU_H

struct policy_eval;

/*
 * SERVER_EKU_MISSING, CLIENT_EKU_MISSING and CLIENT_CHAIN_INVALID from the
 * leaf's EKU and the chain verification built. Runs after
 * policy_trust_verify().
 */
void	policy_eku_judge(struct policy_eval *);

#endif
