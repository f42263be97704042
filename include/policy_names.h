/*
 * policy_names.h: host name, subject and SAN rules, a part of the
 * judgement (pure).
 */
#ifndef EDGEPROBE_POLICY_NAMES_H
#define EDGEPROBE_POLICY_NAMES_H

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

#endif
