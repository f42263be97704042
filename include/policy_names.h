/*
 * policy_names.h: host name, subject and SAN rules, a part of the
 * judgement (pure).
 */
#ifndef EDGEPROBE_POLICY_NAMES_H
#define EDGEPROBE_POLICY_NAMES_H

#include <openssl/x509.h>

struct findings;
struct policy_eval;

/* HOSTNAME_MISMATCH: the policy's sni against the leaf's DNS SANs only. */
void	policy_names_hostname(struct policy_eval *);

/*
 * The Lync naming rules: SUBJECT_MISMATCH, SUBJECT_NOT_IN_SAN, SAN_MISSING
 * (literal, one per name), SAN_ORDER and WILDCARD_SUBJECT.
 */
void	policy_names_lync(struct policy_eval *);

/*
 * RFC 6125 style host-name match of name against the DNS SANs only: a
 * wildcard is a whole leftmost label followed by at least two labels and
 * covers exactly one label. Returns 1 on a match.
 */
int	policy_host_match(const char *pattern, const char *name);

/*
 * Whether name is covered by the leaf's DNS SANs under the rules of
 * HOSTNAME_MISMATCH (policy_host_match; the subject CN never counts).
 * Returns 1 when covered, 0 otherwise (also for a NULL leaf or an empty
 * name).
 */
int	policy_names_covered(X509 *leaf, const char *name);

/*
 * SRV_TARGET_NOT_COVERED (critical): add it to the list when the SRV
 * target name is not covered by the leaf's DNS SANs (policy_names_covered
 * rules). srv is the record's name, "_sipfederationtls._tcp.fabrikam.com",
 * for the message; may be NULL. Returns 1 when the finding was added, 0
 * when the target is covered, -1 when there is no leaf or no target.
 */
int	policy_names_srv_target(X509 *leaf, const char *srv,
	    const char *target, struct findings *);

#endif
