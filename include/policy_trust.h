/*
 * policy_trust.h: trust and chain verification, a part of the judgement
 * (pure).
 *
 * policy_trust_verify() runs once per evaluation, first: it fills the
 * verification fields of struct policy_eval that the other checks read.
 *
 * What one X509_verify_cert() found can be recorded as a struct
 * policy_verified and handed back to a later evaluation of the same chain
 * (struct policy's verified and record, policy.h), which then replays it
 * instead of verifying again. Deciding when that is the same verification
 * (same certificates as sent, same trust store, a time at which no date
 * compares differently) is the caller's business (vcache.c).
 */
#ifndef EDGEPROBE_POLICY_TRUST_H
#define EDGEPROBE_POLICY_TRUST_H

#include <stddef.h>
#include <openssl/x509.h>

struct policy_eval;

/*
 * A certificate verification met: the one at index sent of the chain as
 * sent (the replay takes the evaluation's own), or, when sent is -1, cert,
 * one reference held (a trust-store certificate; NULL when none was known).
 */
struct policy_vcert {
	int			 sent;
	X509			*cert;
};

/* One error verification met, as the callback saw it. */
struct policy_verror {
	int			 depth;
	int			 error;
	struct policy_vcert	 cert;
};

/* What one verification of a chain found: its errors and built chain. */
struct policy_verified {
	struct policy_verror	*err;
	size_t			 nerr;
	struct policy_vcert	*built;
	size_t			 nbuilt;
	int			 has_built;	/* 0: verification built none */
};

/* Release what a recorded verification holds (not the struct itself). */
void	policy_trust_verified_free(struct policy_verified *);

/*
 * Verify the chain for the TLS server purpose at ev->now against store
 * (NULL: an empty store), recording every error, the built chain and
 * whether any error is not about dates. With ev->pol->verified, replay
 * that recorded verification instead; with ev->pol->record, record this
 * one there.
 */
void	policy_trust_verify(struct policy_eval *, X509_STORE *);

/* UNTRUSTED, SELF_SIGNED and CHAIN_INCOMPLETE from the recorded errors. */
void	policy_trust_judge(struct policy_eval *);

#endif
