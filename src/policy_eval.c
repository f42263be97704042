/*
 * policy_eval.c: one evaluation's state and the message helpers every
 * check shares (pure).
 *
 * A certificate is named the same way in every finding of one evaluation,
 * so the labels are made here once per certificate and kept until the
 * evaluation ends.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "chain.h"
#include "policy_eval.h"
#include "xmalloc.h"

static int	 policy_eval_sent_index(const struct policy_eval *, X509 *);

/* Set up ev for a chain whose first certificate is a leaf. */
void
policy_eval_init(struct policy_eval *ev, const struct policy *pol,
    STACK_OF(X509) *chain, time_t now, struct findings *out)
{
	memset(ev, 0, sizeof(*ev));
	ev->pol = pol;
	ev->sent = chain;
	ev->leaf = sk_X509_value(chain, 0);
	ev->now = now;
	ev->out = out;

	/* The leaf's names and EKU, read once for every check. */
	ev->cn = chain_subject_cn(ev->leaf);
	chain_dns_sans(ev->leaf, &ev->san);
	ev->has_xku = (X509_get_extension_flags(ev->leaf) &
	    EXFLAG_XKUSAGE) != 0;
	ev->xku = X509_get_extended_key_usage(ev->leaf);
}

/* Release everything ev holds. */
void
policy_eval_free(struct policy_eval *ev)
{
	size_t	 i;

	for (i = 0; i < ev->nerr; i++)
		X509_free(ev->err[i].cert);
	sk_X509_pop_free(ev->built, X509_free);
	for (i = 0; i < ev->nlabels; i++)
		free(ev->labels[i].text);
	free(ev->labels);
	strlist_free(&ev->san);
	free(ev->cn);
}

/*
 * How a certificate is named in messages: its role, its subject and the
 * first 8 hex digits of its SHA-256, "leaf CN=sip.contoso.com,O=Contoso
 * (sha256 3f2a91c0)". Made once per certificate and evaluation.
 */
const char *
policy_eval_label(struct policy_eval *ev, X509 *x)
{
	struct policy_label	*l;
	const char		*role;
	size_t			 i;
	int			 idx;

	for (i = 0; i < ev->nlabels; i++)
		if (ev->labels[i].cert == x)
			return ev->labels[i].text;
	idx = policy_eval_sent_index(ev, x);
	if (idx == 0)
		role = "leaf";
	else if (X509_self_signed(x, 0) == 1)
		role = idx > 0 ? "root" : "trust-store root";
	else
		role = idx > 0 ? "intermediate" : "trust-store intermediate";
	ev->labels = xreallocarray(ev->labels, ev->nlabels + 1,
	    sizeof(*ev->labels));
	l = &ev->labels[ev->nlabels++];
	l->cert = x;
	l->text = policy_eval_name_cert(role, x);
	return l->text;
}

/* "ROLE SUBJECT (sha256 PREFIX)" for x, outside an evaluation. */
char *
policy_eval_name_cert(const char *role, X509 *x)
{
	char	*subj, *text, sha[65];

	subj = chain_name_str(X509_get_subject_name(x));
	chain_sha256_hex(x, sha);
	sha[8] = '\0';
	xasprintf(&text, "%s %s (sha256 %s)", role,
	    subj != NULL && *subj != '\0' ? subj : "with an empty subject",
	    sha[0] != '\0' ? sha : "unknown");
	free(subj);
	return text;
}

/* The position of x in the chain as sent, -1 when it was not sent. */
static int
policy_eval_sent_index(const struct policy_eval *ev, X509 *x)
{
	int	 i;

	for (i = 0; i < sk_X509_num(ev->sent); i++)
		if (sk_X509_value(ev->sent, i) == x)
			return i;
	for (i = 0; i < sk_X509_num(ev->sent); i++)
		if (X509_cmp(sk_X509_value(ev->sent, i), x) == 0)
			return i;
	return -1;
}

/* "a, b, c" of at most max names, then "... (N more)". */
char *
policy_eval_join(const struct strlist *l, size_t max)
{
	char	*s, *t;
	size_t	 i;

	s = xstrdup("");
	for (i = 0; i < l->n && i < max; i++) {
		xasprintf(&t, "%s%s%s", s, i ? ", " : "", l->v[i]);
		free(s);
		s = t;
	}
	if (l->n > max) {
		xasprintf(&t, "%s, ... (%zu more)", s, l->n - max);
		free(s);
		s = t;
	}
	return s;
}

/* A distinguished name for messages; never NULL. */
char *
policy_eval_dn(const X509_NAME *name)
{
	char	*s;

	if ((s = chain_name_str(name)) == NULL)
		return xstrdup("(unreadable name)");
	if (*s == '\0') {
		free(s);
		return xstrdup("(empty name)");
	}
	return s;
}
