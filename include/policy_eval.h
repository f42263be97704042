/*
 * policy_eval.h: one evaluation's state, shared by the parts of the
 * judgement (pure).
 *
 * policy_evaluate() fills a struct policy_eval on its stack and hands it to
 * each check (policy_trust.c, policy_names.c, policy_dates.c, policy_eku.c,
 * policy_crypto.c) in turn. The checks read it and add findings; only the
 * trust check writes the verification fields. Nothing here outlives one
 * evaluation, and nothing outside the policy files includes this header.
 */
#ifndef EDGEPROBE_POLICY_EVAL_H
#define EDGEPROBE_POLICY_EVAL_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <openssl/x509.h>

#include "chain.h"
#include "finding.h"

#define POLICY_MAXERR		32	/* verification errors kept per chain */
#define POLICY_LIST_MAX		10	/* names listed in one message */

struct policy;

/* One error met by chain verification. */
struct policy_verr {
	int			 depth;
	int			 error;
	X509			*cert;		/* referenced */
};

/* A certificate's label for messages, made when first needed. */
struct policy_label {
	X509			*cert;
	char			*text;
};

/* Everything one evaluation knows; lives on policy_evaluate()'s stack. */
struct policy_eval {
	const struct policy	*pol;
	STACK_OF(X509)		*sent;		/* as presented, leaf first */
	X509			*leaf;
	time_t			 now;
	struct findings		*out;

	char			*cn;		/* leaf subject CN, escaped */
	struct strlist		 san;		/* leaf DNS SANs, escaped */
	uint32_t		 xku;		/* leaf EKU bits (XKU_*) */
	int			 has_xku;	/* leaf has an EKU extension */

	STACK_OF(X509)		*built;		/* the chain verification built */
	struct policy_verr	 err[POLICY_MAXERR];
	size_t			 nerr;
	int			 hard;		/* non-date errors were met */

	struct policy_label	*labels;
	size_t			 nlabels;
};

/* Set up ev for a chain whose first certificate is a leaf. */
void	 policy_eval_init(struct policy_eval *, const struct policy *,
	    STACK_OF(X509) *, time_t, struct findings *);

/* Release everything ev holds. */
void	 policy_eval_free(struct policy_eval *);

/*
 * How a certificate is named in messages: role, subject and the first 8
 * hex digits of its SHA-256. Owned by ev; valid until policy_eval_free().
 */
const char *policy_eval_label(struct policy_eval *, X509 *);

/*
 * The same label for a certificate judged outside an evaluation, with the
 * role given ("leaf"); caller frees.
 */
char	*policy_eval_name_cert(const char *, X509 *);

/* "a, b, c" of at most max names, then "... (N more)"; caller frees. */
char	*policy_eval_join(const struct strlist *, size_t);

/* A distinguished name for messages, RFC 4514; never NULL; caller frees. */
char	*policy_eval_dn(const X509_NAME *);

#endif
