/*
 * policy_eku.c: extended key usages for the TLS server and client purposes
 * (pure).
 *
 * Every Edge certificate needs serverAuth; AOL public IM federation needs
 * clientAuth as well, on the leaf and through the whole chain, which is
 * what public CAs have stopped issuing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "chain.h"
#include "finding.h"
#include "policy.h"
#include "policy_eku.h"
#include "policy_eval.h"

#define POLICY_EKU_DATE		21	/* chain_time_iso() buffer */
#define POLICY_CHROME_NOTE						\
	"Public CAs stopped including clientAuth in TLS server "		\
	"certificates (DigiCert and Sectigo by default since autumn 2025, "	\
	"Let's Encrypt's default profile since 2026-02-11, Chrome's root "	\
	"program for leaves issued from 2027-03-15), so ask the CA for a "	\
	"certificate profile that still includes clientAuth"

static void	 policy_eku_client_chain(struct policy_eval *);
static char	*policy_eku_issued(struct policy_eval *, char *);

/*
 * SERVER_EKU_MISSING, CLIENT_EKU_MISSING and CLIENT_CHAIN_INVALID. A leaf
 * without an EKU extension is valid for every purpose (RFC 5280 4.2.1.12):
 * no EKU finding then.
 */
void
policy_eku_judge(struct policy_eval *ev)
{
	struct strlist	 names;
	char		*list, *issuer, nb[POLICY_EKU_DATE];
	enum severity	 sev;

	if (!ev->has_xku)
		return;
	memset(&names, 0, sizeof(names));
	chain_eku_names(ev->leaf, &names);
	list = policy_eval_join(&names, POLICY_LIST_MAX);

	if ((ev->xku & XKU_SSL_SERVER) == 0)
		findings_add(ev->out, F_SERVER_EKU_MISSING, SEV_CRITICAL,
		    "%s has EKU %s%s without serverAuth; every Edge "
		    "certificate needs the server EKU (serverAuth)",
		    policy_eval_label(ev, ev->leaf), names.n ? list : "(empty)",
		    names.n ? "," : "");

	if ((ev->xku & XKU_SSL_CLIENT) == 0) {
		sev = ev->pol->public_im ? SEV_CRITICAL : SEV_INFO;
		issuer = policy_eku_issued(ev, nb);
		findings_add(ev->out, F_CLIENT_EKU_MISSING, sev,
		    "%s, issued by %s on %s, has EKU %s%s; AOL public IM "
		    "federation requires clientAuth as well%s. "
		    POLICY_CHROME_NOTE, policy_eval_label(ev, ev->leaf), issuer, nb,
		    names.n ? list : "(empty)",
		    names.n == 1 ? " only" : ", without clientAuth",
		    ev->pol->public_im ? "" :
		    " (public_im is off: for information)");
		free(issuer);
	} else
		policy_eku_client_chain(ev);
	free(list);
	strlist_free(&names);
}

/*
 * CLIENT_CHAIN_INVALID: the leaf has clientAuth and the chain verified for
 * the TLS server purpose; judge the TLS client purpose on that same built
 * chain, without verifying a signature again. OpenSSL's purpose check of a
 * CA differs between the two purposes only in the EKU, so the first CA
 * whose EKU excludes clientAuth is the one to name.
 */
static void
policy_eku_client_chain(struct policy_eval *ev)
{
	struct strlist	 names;
	X509		*ca = NULL;
	char		*list, *issuer, nb[POLICY_EKU_DATE];
	int		 i, n;

	/* Not valid for the server purpose: SERVER_EKU_MISSING says so. */
	if (ev->hard || (ev->xku & XKU_SSL_SERVER) == 0 ||
	    (n = sk_X509_num(ev->built)) < 2)
		return;
	for (i = 1; i < n && ca == NULL; i++)
		if (X509_check_purpose(sk_X509_value(ev->built, i),
		    X509_PURPOSE_SSL_CLIENT, 1) == 0)
			ca = sk_X509_value(ev->built, i);
	if (ca == NULL)
		return;
	memset(&names, 0, sizeof(names));
	chain_eku_names(ca, &names);
	list = policy_eval_join(&names, POLICY_LIST_MAX);
	issuer = policy_eku_issued(ev, nb);
	findings_add(ev->out, F_CLIENT_CHAIN_INVALID,
	    ev->pol->public_im ? SEV_CRITICAL : SEV_INFO,
	    "%s, issued by %s on %s, has clientAuth, but %s restricts its "
	    "EKU to %s, so the chain is valid for TLS server but not for TLS "
	    "client authentication; AOL public IM federation needs both%s. "
	    POLICY_CHROME_NOTE ", issued under a CA that allows it",
	    policy_eval_label(ev, ev->leaf), issuer, nb, policy_eval_label(ev, ca),
	    names.n ? list : "(empty)", ev->pol->public_im ? "" :
	    " (public_im is off: for information)");
	free(issuer);
	free(list);
	strlist_free(&names);
}

/*
 * The leaf's issuer (RFC 4514) and its notBefore date (YYYY-MM-DD) into
 * nb (POLICY_EKU_DATE bytes), for the EKU messages; the caller frees the
 * issuer.
 */
static char *
policy_eku_issued(struct policy_eval *ev, char *nb)
{
	if (chain_time_iso(X509_get0_notBefore(ev->leaf), nb) == -1)
		snprintf(nb, POLICY_EKU_DATE, "an unreadable date");
	return policy_eval_dn(X509_get_issuer_name(ev->leaf));
}
