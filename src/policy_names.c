/*
 * policy_names.c: host name, subject and SAN rules (pure).
 *
 * HOSTNAME_MISMATCH matches the name probed against the leaf's DNS SANs
 * with the RFC 6125 wildcard rules, and SRV_TARGET_NOT_COVERED applies
 * them to the target of a DNS SRV record; the Lync naming rules compare
 * the subject CN and the required names literally, case aside, because
 * Lync does. Comparisons are ASCII and never depend on the locale.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/x509.h>

#include "chain.h"
#include "finding.h"
#include "policy.h"
#include "policy_eval.h"
#include "policy_names.h"

static int	 policy_names_eq(const char *, const char *);
static int	 policy_names_any(const struct strlist *, const char *,
		    int (*)(const char *, const char *));

/* HOSTNAME_MISMATCH: sni against the leaf's DNS SANs only. */
void
policy_names_hostname(struct policy_eval *ev)
{
	const char	*sni = ev->pol->sni;
	char		*esni, *list;

	if (sni == NULL || *sni == '\0' ||
	    policy_names_any(&ev->san, sni, policy_host_match))
		return;
	esni = chain_escape((const unsigned char *)sni, strlen(sni));
	list = policy_eval_join(&ev->san, POLICY_LIST_MAX);
	findings_add(ev->out, F_HOSTNAME_MISMATCH, SEV_CRITICAL,
	    "%s does not cover %s: its DNS SANs are [%s] and the subject CN "
	    "never counts; the Edge certificate needs %s as a SAN",
	    policy_eval_label(ev, ev->leaf), esni, list, esni);
	free(list);
	free(esni);
}

/*
 * Whether name is covered by the leaf's DNS SANs under the rules of
 * HOSTNAME_MISMATCH (policy_host_match); the subject CN never counts.
 */
int
policy_names_covered(X509 *leaf, const char *name)
{
	struct strlist	 san;
	int		 covered;

	if (leaf == NULL || name == NULL || *name == '\0')
		return 0;
	memset(&san, 0, sizeof(san));
	chain_dns_sans(leaf, &san);
	covered = policy_names_any(&san, name, policy_host_match);
	strlist_free(&san);
	return covered;
}

/*
 * SRV_TARGET_NOT_COVERED: add the finding to out when the SRV target name
 * target, which srv (the record's name; may be NULL) points at, is not
 * covered by the leaf's DNS SANs. Federation partners look the record up
 * and connect to its target, and check the certificate against that name.
 */
int
policy_names_srv_target(X509 *leaf, const char *srv, const char *target,
    struct findings *out)
{
	struct strlist	 san;
	char		*label, *list, *etarget, *esrv;

	if (leaf == NULL || target == NULL || *target == '\0')
		return -1;
	memset(&san, 0, sizeof(san));
	chain_dns_sans(leaf, &san);
	if (policy_names_any(&san, target, policy_host_match)) {
		strlist_free(&san);
		return 0;
	}
	label = policy_eval_name_cert("leaf", leaf);
	list = policy_eval_join(&san, POLICY_LIST_MAX);
	etarget = chain_escape((const unsigned char *)target, strlen(target));
	esrv = srv != NULL && *srv != '\0' ?
	    chain_escape((const unsigned char *)srv, strlen(srv)) : NULL;
	findings_add(out, F_SRV_TARGET_NOT_COVERED, SEV_CRITICAL,
	    "%s does not cover %s, the SRV target%s%s: its DNS SANs are [%s] "
	    "(a wildcard covers one label, the subject CN never counts); "
	    "partners connect to the SRV target, so the Edge certificate "
	    "needs %s as a SAN, or the record must point at a name it has",
	    label, etarget, esrv != NULL ? " of " : "",
	    esrv != NULL ? esrv : "", list, etarget);
	free(esrv);
	free(etarget);
	free(list);
	free(label);
	strlist_free(&san);
	return 1;
}

/*
 * The Lync naming rules: SUBJECT_MISMATCH, SUBJECT_NOT_IN_SAN, SAN_MISSING
 * (literal, one per name), SAN_ORDER and WILDCARD_SUBJECT.
 */
void
policy_names_lync(struct policy_eval *ev)
{
	const struct policy	*pol = ev->pol;
	const char		*cn = ev->cn;
	char			*e, *list;
	size_t			 i;

	if (pol->subject != NULL && *pol->subject != '\0' &&
	    (cn == NULL || !policy_names_eq(cn, pol->subject))) {
		e = chain_escape((const unsigned char *)pol->subject,
		    strlen(pol->subject));
		findings_add(ev->out, F_SUBJECT_MISMATCH, SEV_CRITICAL,
		    "%s has subject CN %s, expected %s; assign the Edge "
		    "certificate issued for %s",
		    policy_eval_label(ev, ev->leaf),
		    cn != NULL ? cn : "(none)", e, e);
		free(e);
	}

	list = NULL;
	if (cn == NULL || !policy_names_any(&ev->san, cn, policy_names_eq)) {
		list = policy_eval_join(&ev->san, POLICY_LIST_MAX);
		findings_add(ev->out, F_SUBJECT_NOT_IN_SAN, SEV_CRITICAL,
		    "%s has subject CN %s, which is not among its DNS SANs "
		    "[%s]; Lync requires the subject name replicated in the "
		    "SANs", policy_eval_label(ev, ev->leaf),
		    cn != NULL ? cn : "(none)", list);
	}

	for (i = 0; i < pol->nsan; i++) {
		if (pol->san[i] == NULL ||
		    policy_names_any(&ev->san, pol->san[i], policy_names_eq))
			continue;
		if (list == NULL)
			list = policy_eval_join(&ev->san, POLICY_LIST_MAX);
		e = chain_escape((const unsigned char *)pol->san[i],
		    strlen(pol->san[i]));
		findings_add(ev->out, F_SAN_MISSING, SEV_CRITICAL,
		    "%s lacks the DNS SAN %s (its SANs are [%s]; a wildcard "
		    "does not count); the Edge certificate needs a SAN for "
		    "every SIP domain and Edge name",
		    policy_eval_label(ev, ev->leaf), e, list);
		free(e);
	}
	free(list);

	if (cn != NULL && ev->san.n > 0 && !policy_names_eq(ev->san.v[0], cn))
		findings_add(ev->out, F_SAN_ORDER, SEV_INFO,
		    "%s lists %s as its first DNS SAN, not the subject CN %s; "
		    "Lync 2013 ignores SAN order, OCS 2007 did not",
		    policy_eval_label(ev, ev->leaf), ev->san.v[0], cn);

	if (cn != NULL && strchr(cn, '*') != NULL)
		findings_add(ev->out, F_WILDCARD_SUBJECT, SEV_WARNING,
		    "%s has the wildcard subject CN %s; the Access Edge "
		    "external interface does not support a wildcard subject, "
		    "use the Access Edge FQDN",
		    policy_eval_label(ev, ev->leaf), cn);
}

/* ASCII case-insensitive equality, independent of the locale. */
static int
policy_names_eq(const char *a, const char *b)
{
	size_t	 la = strlen(a);

	return la == strlen(b) && chain_ascii_eqn(a, b, la);
}

/*
 * Whether one of the DNS SANs matches name by match: policy_names_eq
 * (literal, case aside) or policy_host_match (the wildcard rules).
 */
static int
policy_names_any(const struct strlist *san, const char *name,
    int (*match)(const char *, const char *))
{
	size_t	 i;

	for (i = 0; i < san->n; i++)
		if (match(san->v[i], name))
			return 1;
	return 0;
}

/*
 * Match one DNS SAN against a host name. Literal names compare equal case
 * aside. A wildcard must be the whole leftmost label, followed by at least
 * two labels ("*.com" and "*" cover nothing, "s*.contoso.com" is not a
 * wildcard and matches nothing), and covers exactly one non-empty label:
 * "*.contoso.com" covers sip.contoso.com, not a.b.contoso.com nor
 * contoso.com. SANs come escaped, so an embedded NUL never matches.
 */
int
policy_host_match(const char *pattern, const char *name)
{
	const char	*rest, *dot, *p;
	size_t		 lp, ln;

	if (pattern == NULL || name == NULL || *pattern == '\0' ||
	    *name == '\0')
		return 0;
	lp = strlen(pattern);
	ln = strlen(name);
	/* One trailing dot (an absolute name) on either side is the same. */
	if (lp > 1 && pattern[lp - 1] == '.')
		lp--;
	if (ln > 1 && name[ln - 1] == '.')
		ln--;
	if (memchr(pattern, '*', lp) == NULL)
		return lp == ln && chain_ascii_eqn(pattern, name, ln);

	if (lp < 2 || pattern[0] != '*' || pattern[1] != '.')
		return 0;
	rest = pattern + 1;			/* ".contoso.com" */
	if (memchr(rest, '*', lp - 1) != NULL)
		return 0;
	/* At least two labels after the wildcard, none empty. */
	if (memchr(rest + 1, '.', lp - 2) == NULL)
		return 0;
	for (p = rest; p < pattern + lp; p++)
		if (*p == '.' && (p + 1 == pattern + lp || p[1] == '.'))
			return 0;
	/* The name: one non-empty label, then exactly the rest. */
	if ((dot = memchr(name, '.', ln)) == NULL || dot == name)
		return 0;
	if ((size_t)(name + ln - dot) != lp - 1)
		return 0;
	return chain_ascii_eqn(dot, rest, lp - 1);
}
