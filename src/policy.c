/*
 * policy.c: the certificate judgement (pure).
 *
 * One call turns a chain, as a server presented it, into findings: trust
 * (one X509_verify_cert with a callback that records every error and goes
 * on), host name, dates, extended key usages for the TLS server and client
 * purposes, the Lync naming rules, and weak crypto. No I/O, no clock, no
 * global state: the time of judgement is a parameter, the trust store is
 * only read, and the same bytes always give the same findings.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/tls1.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include "chain.h"
#include "conform.h"
#include "finding.h"
#include "log.h"
#include "policy.h"
#include "result.h"
#include "xmalloc.h"

#define POLICY_DAY		86400LL
#define POLICY_MAXERR		32	/* verification errors kept per chain */
#define POLICY_LIST_MAX		10	/* names listed in one message */
#define POLICY_CHROME_NOTE						\
	"Public CAs now drop clientAuth from TLS server certificates "	\
	"(Chrome root program: serverAuth-only issuing hierarchies), so "	\
	"ask the CA for a certificate profile that still includes clientAuth"

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

static int	 policy_verify_cb(int, X509_STORE_CTX *);
static void	 policy_verify(struct policy_eval *, X509_STORE *);
static int	 policy_err_is_date(int);
static int	 policy_err_skipped(const struct policy_eval *,
		    const struct policy_verr *);
static void	 policy_trust(struct policy_eval *);
static void	 policy_hostname(struct policy_eval *);
static void	 policy_dates(struct policy_eval *, long long *);
static void	 policy_date_one(struct policy_eval *, X509 *);
static void	 policy_eku(struct policy_eval *);
static void	 policy_client_chain(struct policy_eval *);
static void	 policy_names(struct policy_eval *);
static void	 policy_crldp(struct policy_eval *);
static void	 policy_crypto(struct policy_eval *);
static void	 policy_legacy(const struct policy *, struct findings *);
static const char *policy_label(struct policy_eval *, X509 *);
static int	 policy_sent_index(const struct policy_eval *, X509 *);
static char	*policy_join(const struct strlist *, size_t);
static char	*policy_dn(const X509_NAME *);
static int	 policy_time(const ASN1_TIME *, long long *);
static long long policy_days_from_civil(long long, unsigned, unsigned);
static long long policy_floor_div(long long, long long);
static int	 policy_ascii_eq(const char *, const char *);
static int	 policy_ascii_eqn(const char *, const char *, size_t);
static int	 policy_in_san(const struct strlist *, const char *);
static const char *policy_tls_name(int, char *, size_t);

/*
 * Judge a presented chain against the trust store at time now. The checks
 * run in the order of the code table, so findings come out in that order.
 */
int
policy_evaluate(const struct policy *pol, STACK_OF(X509) *chain,
    X509_STORE *store, time_t now, struct findings *out,
    long long *days_left)
{
	struct policy_eval	 ev;
	size_t			 i;

	if (chain == NULL || sk_X509_num(chain) <= 0 ||
	    sk_X509_value(chain, 0) == NULL) {
		policy_legacy(pol, out);
		return -1;
	}
	memset(&ev, 0, sizeof(ev));
	ev.pol = pol;
	ev.sent = chain;
	ev.leaf = sk_X509_value(chain, 0);
	ev.now = now;
	ev.out = out;

	/* The leaf's names and EKU, read once for every check below. */
	ev.cn = chain_subject_cn(ev.leaf);
	chain_dns_sans(ev.leaf, &ev.san);
	ev.has_xku = (X509_get_extension_flags(ev.leaf) & EXFLAG_XKUSAGE) != 0;
	ev.xku = X509_get_extended_key_usage(ev.leaf);

	policy_verify(&ev, store);
	policy_trust(&ev);
	policy_hostname(&ev);
	policy_dates(&ev, days_left);
	policy_eku(&ev);
	policy_names(&ev);
	policy_crldp(&ev);
	policy_crypto(&ev);
	policy_legacy(pol, out);
	conform_check(chain, out);

	for (i = 0; i < ev.nerr; i++)
		X509_free(ev.err[i].cert);
	sk_X509_pop_free(ev.built, X509_free);
	for (i = 0; i < ev.nlabels; i++)
		free(ev.labels[i].text);
	free(ev.labels);
	strlist_free(&ev.san);
	free(ev.cn);
	return 0;
}

/* Record one verification error and let verification go on. */
static int
policy_verify_cb(int ok, X509_STORE_CTX *ctx)
{
	struct policy_eval	*ev;
	struct policy_verr	*e;
	X509			*cert;
	int			 error, depth;
	size_t			 i;

	if (ok)
		return 1;
	if ((ev = X509_STORE_CTX_get_app_data(ctx)) == NULL)
		return 1;
	error = X509_STORE_CTX_get_error(ctx);
	depth = X509_STORE_CTX_get_error_depth(ctx);
	cert = X509_STORE_CTX_get_current_cert(ctx);
	for (i = 0; i < ev->nerr; i++)
		if (ev->err[i].error == error && ev->err[i].depth == depth)
			return 1;
	if (ev->nerr == POLICY_MAXERR)
		return 1;
	e = &ev->err[ev->nerr++];
	e->error = error;
	e->depth = depth;
	e->cert = NULL;
	if (cert != NULL && X509_up_ref(cert) == 1)
		e->cert = cert;
	return 1;
}

/*
 * Verify the chain once, for the TLS server purpose, with the presented
 * certificates as untrusted helpers and now as the verification time.
 *
 * X509_V_FLAG_PARTIAL_CHAIN is deliberately not set: with it a trust store
 * holding an intermediate, or the leaf itself, would end the chain there,
 * while the federation partners that matter anchor at a root. The chain
 * must reach a self-signed trust anchor, as theirs must.
 *
 * The callback returns 1 on every error, so OpenSSL goes on and each
 * problem (a missing issuer and a bad signature, say) is seen, not only the
 * first one. Date errors are recorded but judged by policy_dates() against
 * now itself; the purpose check of the leaf is judged from its EKU.
 */
static void
policy_verify(struct policy_eval *ev, X509_STORE *store)
{
	X509_STORE_CTX		*ctx;
	X509_STORE		*empty = NULL;
	X509_VERIFY_PARAM	*vp;
	int			 rc;
	size_t			 i;

	if (store == NULL && (store = empty = X509_STORE_new()) == NULL)
		fatalx("out of memory");
	if ((ctx = X509_STORE_CTX_new()) == NULL)
		fatalx("out of memory");
	ERR_set_mark();
	if (X509_STORE_CTX_init(ctx, store, ev->leaf, ev->sent) != 1)
		fatalx("X509_STORE_CTX_init failed");
	X509_STORE_CTX_set_app_data(ctx, ev);
	X509_STORE_CTX_set_verify_cb(ctx, policy_verify_cb);
	X509_STORE_CTX_set_purpose(ctx, X509_PURPOSE_SSL_SERVER);
	vp = X509_STORE_CTX_get0_param(ctx);
	/* The judgement's time, never the clock (sets USE_CHECK_TIME). */
	X509_VERIFY_PARAM_set_time(vp, ev->now);
	rc = X509_verify_cert(ctx);
	if (rc != 1 && ev->nerr == 0 && ev->nerr < POLICY_MAXERR) {
		/* Failed without telling the callback: keep the reason. */
		ev->err[0].error = X509_STORE_CTX_get_error(ctx);
		if (ev->err[0].error == X509_V_OK)
			ev->err[0].error = X509_V_ERR_UNSPECIFIED;
		ev->err[0].depth = 0;
		ev->err[0].cert = X509_up_ref(ev->leaf) == 1 ? ev->leaf : NULL;
		ev->nerr = 1;
	}
	ev->built = X509_STORE_CTX_get1_chain(ctx);
	ERR_pop_to_mark();
	X509_STORE_CTX_free(ctx);
	X509_STORE_free(empty);

	for (i = 0; i < ev->nerr; i++)
		if (!policy_err_is_date(ev->err[i].error) &&
		    !policy_err_skipped(ev, &ev->err[i]))
			ev->hard = 1;
}

/* Whether a verification error is about dates, which policy_dates judges. */
static int
policy_err_is_date(int error)
{
	switch (error) {
	case X509_V_ERR_CERT_NOT_YET_VALID:
	case X509_V_ERR_CERT_HAS_EXPIRED:
	case X509_V_ERR_CRL_NOT_YET_VALID:
	case X509_V_ERR_CRL_HAS_EXPIRED:
		return 1;
	}
	return 0;
}

/*
 * Whether an error is already named by an EKU finding: the leaf failing
 * the TLS server purpose because its EKU lacks serverAuth is
 * SERVER_EKU_MISSING, not a second, vaguer UNTRUSTED.
 */
static int
policy_err_skipped(const struct policy_eval *ev, const struct policy_verr *e)
{
	return e->error == X509_V_ERR_INVALID_PURPOSE && e->depth == 0 &&
	    ev->has_xku && (ev->xku & XKU_SSL_SERVER) == 0;
}

/* UNTRUSTED, SELF_SIGNED and CHAIN_INCOMPLETE from the recorded errors. */
static void
policy_trust(struct policy_eval *ev)
{
	struct policy_verr	*e;
	X509			*x;
	char			*issuer;
	size_t			 i;
	int			 self = 0, incomplete = 0;

	for (i = 0; i < ev->nerr; i++) {
		e = &ev->err[i];
		x = e->cert != NULL ? e->cert : ev->leaf;
		switch (e->error) {
		case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
			self = 1;
			continue;
		case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
		case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
		case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
			incomplete = 1;
			continue;
		case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
			findings_add(ev->out, F_UNTRUSTED, SEV_CRITICAL,
			    "%s, sent by the server, is a root that the trust "
			    "store does not hold; the Edge needs a certificate "
			    "from a public CA that federation partners trust",
			    policy_label(ev, x));
			continue;
		case X509_V_ERR_CERT_SIGNATURE_FAILURE:
			findings_add(ev->out, F_UNTRUSTED, SEV_CRITICAL,
			    "the signature on %s does not verify with its "
			    "issuer's key; the chain is forged or corrupt",
			    policy_label(ev, x));
			continue;
		case X509_V_ERR_INVALID_PURPOSE:
			if (policy_err_skipped(ev, e))
				continue;
			findings_add(ev->out, F_UNTRUSTED, SEV_CRITICAL,
			    "%s is not valid for TLS server authentication "
			    "(its EKU, key usage or certificate type excludes "
			    "it), so the chain does not verify; the Edge needs "
			    "a chain valid for serverAuth", policy_label(ev, x));
			continue;
		}
		if (policy_err_is_date(e->error))
			continue;
		findings_add(ev->out, F_UNTRUSTED, SEV_CRITICAL,
		    "%s: %s (verify error %d at depth %d); the chain does not "
		    "verify to the trust store", policy_label(ev, x),
		    X509_verify_cert_error_string(e->error), e->error,
		    e->depth);
	}

	/*
	 * A self-signed leaf the trust store holds verifies, as a chain of
	 * one: it is still a self-signed Edge certificate, which federation
	 * partners will not trust.
	 */
	if (!self && !ev->hard && sk_X509_num(ev->built) == 1 &&
	    X509_self_signed(ev->leaf, 0) == 1)
		self = 1;
	if (self)
		findings_add(ev->out, F_SELF_SIGNED, SEV_CRITICAL,
		    "%s is self-signed; the Edge needs a certificate issued by "
		    "a public CA that federation partners trust",
		    policy_label(ev, ev->leaf));

	if (!incomplete)
		return;
	/* The chain stops at the last certificate verification could place. */
	x = sk_X509_num(ev->built) > 0 ?
	    sk_X509_value(ev->built, sk_X509_num(ev->built) - 1) : ev->leaf;
	issuer = policy_dn(X509_get_issuer_name(x));
	for (i = 0; i < (size_t)sk_X509_num(ev->sent); i++)
		if (sk_X509_value(ev->sent, i) != x &&
		    X509_NAME_cmp(X509_get_subject_name(sk_X509_value(ev->sent,
		    i)), X509_get_issuer_name(x)) == 0)
			break;
	if (ev->pol->chain_sent > sk_X509_num(ev->sent))
		findings_add(ev->out, F_CHAIN_INCOMPLETE, SEV_CRITICAL,
		    "the chain stops at %s: its issuer %s is not among the "
		    "first %d of the %d certificates the server sent (the "
		    "ones judged) nor in the trust store; an Edge should send "
		    "its leaf and its CA's intermediate(s) only",
		    policy_label(ev, x), issuer, sk_X509_num(ev->sent),
		    ev->pol->chain_sent);
	else
		findings_add(ev->out, F_CHAIN_INCOMPLETE, SEV_CRITICAL,
		    "the chain stops at %s: its issuer %s was neither sent by "
		    "the server nor found in the trust store%s; configure the "
		    "Edge to send the intermediate certificate(s) of its CA",
		    policy_label(ev, x), issuer,
		    i < (size_t)sk_X509_num(ev->sent) ?
		    " (the server sent a certificate of that name, but not the "
		    "one that issued it: an old or wrong intermediate)" : "");
	free(issuer);
}

/* HOSTNAME_MISMATCH: sni against the leaf's DNS SANs only. */
static void
policy_hostname(struct policy_eval *ev)
{
	const char	*sni = ev->pol->sni;
	char		*esni, *list;
	size_t		 i;

	if (sni == NULL || *sni == '\0')
		return;
	for (i = 0; i < ev->san.n; i++)
		if (policy_host_match(ev->san.v[i], sni))
			return;
	esni = chain_escape((const unsigned char *)sni, strlen(sni));
	list = policy_join(&ev->san, POLICY_LIST_MAX);
	findings_add(ev->out, F_HOSTNAME_MISMATCH, SEV_CRITICAL,
	    "%s does not cover %s: its DNS SANs are [%s] and the subject CN "
	    "never counts; the Edge certificate needs %s as a SAN",
	    policy_label(ev, ev->leaf), esni, list, esni);
	free(list);
	free(esni);
}

/*
 * EXPIRED and NOT_YET_VALID for every certificate that was sent or that
 * verification used (a trust-store intermediate, the root), each once;
 * then EXPIRES_SOON and days_left for the leaf.
 */
static void
policy_dates(struct policy_eval *ev, long long *days_left)
{
	X509		*x, *y;
	long long	 na, days;
	int		 i, j, nb, seen;

	nb = sk_X509_num(ev->built);
	for (i = 0; i < sk_X509_num(ev->sent) + nb; i++) {
		x = i < sk_X509_num(ev->sent) ? sk_X509_value(ev->sent, i) :
		    sk_X509_value(ev->built, i - sk_X509_num(ev->sent));
		if (x == NULL)
			continue;
		for (seen = 0, j = 0; j < i && !seen; j++) {
			y = j < sk_X509_num(ev->sent) ?
			    sk_X509_value(ev->sent, j) :
			    sk_X509_value(ev->built, j - sk_X509_num(ev->sent));
			seen = y != NULL && (y == x || X509_cmp(y, x) == 0);
		}
		if (!seen)
			policy_date_one(ev, x);
	}

	if (policy_time(X509_get0_notAfter(ev->leaf), &na) == -1)
		return;
	days = policy_floor_div(na - (long long)ev->now, POLICY_DAY);
	if (days_left != NULL)
		*days_left = days;
	if ((long long)ev->now > na)
		return;
	if (days <= ev->pol->crit_days || days <= ev->pol->warn_days) {
		char	 iso[21];

		chain_time_iso(X509_get0_notAfter(ev->leaf), iso);
		findings_add(ev->out, F_EXPIRES_SOON,
		    days <= ev->pol->crit_days ? SEV_CRITICAL : SEV_WARNING,
		    "%s expires on %s, in %lld day%s; renew the Edge "
		    "certificate and assign it on every Edge server before "
		    "then", policy_label(ev, ev->leaf), iso, days,
		    days == 1 ? "" : "s");
	}
}

/* EXPIRED / NOT_YET_VALID for one certificate. */
static void
policy_date_one(struct policy_eval *ev, X509 *x)
{
	char		 iso[21];
	long long	 t, d;
	int		 leaf = x == ev->leaf;

	if (policy_time(X509_get0_notAfter(x), &t) == 0 &&
	    (long long)ev->now > t) {
		chain_time_iso(X509_get0_notAfter(x), iso);
		d = policy_floor_div((long long)ev->now - t, POLICY_DAY);
		findings_add(ev->out, F_EXPIRED, SEV_CRITICAL,
		    "%s expired on %s (%lld day%s ago); %s",
		    policy_label(ev, x), iso, d, d == 1 ? "" : "s", leaf ?
		    "renew the Edge certificate and assign it on every Edge "
		    "server" : "install the CA's current intermediate on the "
		    "Edge and remove the expired one");
	}
	if (policy_time(X509_get0_notBefore(x), &t) == 0 &&
	    (long long)ev->now < t) {
		chain_time_iso(X509_get0_notBefore(x), iso);
		findings_add(ev->out, F_NOT_YET_VALID, SEV_CRITICAL,
		    "%s is not valid before %s; %s",
		    policy_label(ev, x), iso, leaf ?
		    "check the Edge server's clock, or assign the previous "
		    "certificate until then" : "check the Edge server's "
		    "clock and the chain it sends");
	}
}

/*
 * SERVER_EKU_MISSING, CLIENT_EKU_MISSING and CLIENT_CHAIN_INVALID. A leaf
 * without an EKU extension is valid for every purpose (RFC 5280 4.2.1.12):
 * no EKU finding then.
 */
static void
policy_eku(struct policy_eval *ev)
{
	struct strlist	 names;
	char		*list, *issuer, nb[21];
	enum severity	 sev;

	if (!ev->has_xku)
		return;
	memset(&names, 0, sizeof(names));
	chain_eku_names(ev->leaf, &names);
	list = policy_join(&names, POLICY_LIST_MAX);

	if ((ev->xku & XKU_SSL_SERVER) == 0)
		findings_add(ev->out, F_SERVER_EKU_MISSING, SEV_CRITICAL,
		    "%s has EKU %s%s without serverAuth; every Edge "
		    "certificate needs the server EKU (serverAuth)",
		    policy_label(ev, ev->leaf), names.n ? list : "(empty)",
		    names.n ? "," : "");

	if ((ev->xku & XKU_SSL_CLIENT) == 0) {
		sev = ev->pol->public_im ? SEV_CRITICAL : SEV_INFO;
		issuer = policy_dn(X509_get_issuer_name(ev->leaf));
		if (chain_time_iso(X509_get0_notBefore(ev->leaf), nb) == -1)
			snprintf(nb, sizeof(nb), "an unreadable date");
		findings_add(ev->out, F_CLIENT_EKU_MISSING, sev,
		    "%s, issued by %s on %s, has EKU %s%s; AOL public IM "
		    "federation requires clientAuth as well%s. "
		    POLICY_CHROME_NOTE, policy_label(ev, ev->leaf), issuer, nb,
		    names.n ? list : "(empty)",
		    names.n == 1 ? " only" : ", without clientAuth",
		    ev->pol->public_im ? "" :
		    " (public_im is off: for information)");
		free(issuer);
	} else
		policy_client_chain(ev);
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
policy_client_chain(struct policy_eval *ev)
{
	struct strlist	 names;
	X509		*ca = NULL;
	char		*list, *issuer, nb[21];
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
	list = policy_join(&names, POLICY_LIST_MAX);
	issuer = policy_dn(X509_get_issuer_name(ev->leaf));
	if (chain_time_iso(X509_get0_notBefore(ev->leaf), nb) == -1)
		snprintf(nb, sizeof(nb), "an unreadable date");
	findings_add(ev->out, F_CLIENT_CHAIN_INVALID,
	    ev->pol->public_im ? SEV_CRITICAL : SEV_INFO,
	    "%s, issued by %s on %s, has clientAuth, but %s restricts its "
	    "EKU to %s, so the chain is valid for TLS server but not for TLS "
	    "client authentication; AOL public IM federation needs both%s. "
	    POLICY_CHROME_NOTE ", issued under a CA that allows it",
	    policy_label(ev, ev->leaf), issuer, nb, policy_label(ev, ca),
	    names.n ? list : "(empty)", ev->pol->public_im ? "" :
	    " (public_im is off: for information)");
	free(issuer);
	free(list);
	strlist_free(&names);
}

/*
 * The Lync naming rules: SUBJECT_MISMATCH, SUBJECT_NOT_IN_SAN, SAN_MISSING
 * (literal, one per name), SAN_ORDER and WILDCARD_SUBJECT.
 */
static void
policy_names(struct policy_eval *ev)
{
	const struct policy	*pol = ev->pol;
	const char		*cn = ev->cn;
	char			*e, *list;
	size_t			 i;

	if (pol->subject != NULL && *pol->subject != '\0' &&
	    (cn == NULL || !policy_ascii_eq(cn, pol->subject))) {
		e = chain_escape((const unsigned char *)pol->subject,
		    strlen(pol->subject));
		findings_add(ev->out, F_SUBJECT_MISMATCH, SEV_CRITICAL,
		    "%s has subject CN %s, expected %s; assign the Edge "
		    "certificate issued for %s", policy_label(ev, ev->leaf),
		    cn != NULL ? cn : "(none)", e, e);
		free(e);
	}

	list = NULL;
	if (cn == NULL || !policy_in_san(&ev->san, cn)) {
		list = policy_join(&ev->san, POLICY_LIST_MAX);
		findings_add(ev->out, F_SUBJECT_NOT_IN_SAN, SEV_CRITICAL,
		    "%s has subject CN %s, which is not among its DNS SANs "
		    "[%s]; Lync requires the subject name replicated in the "
		    "SANs", policy_label(ev, ev->leaf),
		    cn != NULL ? cn : "(none)", list);
	}

	for (i = 0; i < pol->nsan; i++) {
		if (pol->san[i] == NULL || policy_in_san(&ev->san, pol->san[i]))
			continue;
		if (list == NULL)
			list = policy_join(&ev->san, POLICY_LIST_MAX);
		e = chain_escape((const unsigned char *)pol->san[i],
		    strlen(pol->san[i]));
		findings_add(ev->out, F_SAN_MISSING, SEV_CRITICAL,
		    "%s lacks the DNS SAN %s (its SANs are [%s]; a wildcard "
		    "does not count); the Edge certificate needs a SAN for "
		    "every SIP domain and Edge name", policy_label(ev, ev->leaf),
		    e, list);
		free(e);
	}
	free(list);

	if (cn != NULL && ev->san.n > 0 && !policy_ascii_eq(ev->san.v[0], cn))
		findings_add(ev->out, F_SAN_ORDER, SEV_INFO,
		    "%s lists %s as its first DNS SAN, not the subject CN %s; "
		    "Lync 2013 ignores SAN order, OCS 2007 did not",
		    policy_label(ev, ev->leaf), ev->san.v[0], cn);

	if (cn != NULL && strchr(cn, '*') != NULL)
		findings_add(ev->out, F_WILDCARD_SUBJECT, SEV_WARNING,
		    "%s has the wildcard subject CN %s; the Access Edge "
		    "external interface does not support a wildcard subject, "
		    "use the Access Edge FQDN", policy_label(ev, ev->leaf), cn);
}

/* CRL_DP_MISSING: the leaf carries no usable CRL Distribution Point. */
static void
policy_crldp(struct policy_eval *ev)
{
	STACK_OF(DIST_POINT)	*dps;
	int			 n = 0;

	ERR_set_mark();
	dps = X509_get_ext_d2i(ev->leaf, NID_crl_distribution_points, NULL,
	    NULL);
	ERR_pop_to_mark();
	if (dps != NULL) {
		n = sk_DIST_POINT_num(dps);
		CRL_DIST_POINTS_free(dps);
	}
	if (n <= 0)
		findings_add(ev->out, F_CRL_DP_MISSING, SEV_WARNING,
		    "%s has no CRL Distribution Point; Lync requires one on "
		    "server certificates, ask the CA for a certificate that "
		    "includes it", policy_label(ev, ev->leaf));
}

/*
 * PSS_SIGNATURE, WEAK_KEY and WEAK_SIGNATURE, one finding per certificate
 * as sent. The signature on a self-signed root is never checked by anyone,
 * so its digest does not matter; the leaf is judged even when self-signed.
 */
static void
policy_crypto(struct policy_eval *ev)
{
	X509		*x;
	EVP_PKEY	*pk;
	int		 i, id, bits, mdnid, weak, sigmd;
	char		 key[32];

	for (i = 0; i < sk_X509_num(ev->sent); i++) {
		if ((x = sk_X509_value(ev->sent, i)) == NULL)
			continue;
		if (X509_get_signature_nid(x) == NID_rsassaPss)
			findings_add(ev->out, F_PSS_SIGNATURE, SEV_WARNING,
			    "%s is signed with RSASSA-PSS, which Lync Server "
			    "does not support; ask the CA for a PKCS#1 v1.5 "
			    "(sha256WithRSAEncryption) or ECDSA signature",
			    policy_label(ev, x));
	}
	for (i = 0; i < sk_X509_num(ev->sent); i++) {
		if ((x = sk_X509_value(ev->sent, i)) == NULL)
			continue;
		ERR_set_mark();
		pk = X509_get0_pubkey(x);
		ERR_pop_to_mark();
		if (pk == NULL)
			continue;
		id = EVP_PKEY_get_base_id(pk);
		bits = EVP_PKEY_get_bits(pk);
		weak = 0;
		if (id == EVP_PKEY_RSA || id == EVP_PKEY_RSA_PSS) {
			weak = bits < 2048;
			snprintf(key, sizeof(key), "RSA-%d", bits);
		} else if (id == EVP_PKEY_DSA) {
			weak = bits < 2048;
			snprintf(key, sizeof(key), "DSA-%d", bits);
		} else if (id == EVP_PKEY_EC) {
			weak = bits < 256;
			snprintf(key, sizeof(key), "EC-%d", bits);
		}
		if (weak)
			findings_add(ev->out, F_WEAK_KEY, SEV_WARNING,
			    "%s has key %s; use at least RSA-2048 or EC-256",
			    policy_label(ev, x), key);
	}
	for (i = 0; i < sk_X509_num(ev->sent); i++) {
		if ((x = sk_X509_value(ev->sent, i)) == NULL)
			continue;
		if (i > 0 && X509_self_signed(x, 0) == 1)
			continue;
		mdnid = NID_undef;
		ERR_set_mark();
		if (X509_get_signature_info(x, &mdnid, NULL, NULL, NULL) != 1 &&
		    OBJ_find_sigid_algs(X509_get_signature_nid(x), &mdnid,
		    NULL) != 1)
			mdnid = NID_undef;
		ERR_pop_to_mark();
		sigmd = mdnid == NID_sha1 || mdnid == NID_md5 ||
		    mdnid == NID_md5_sha1 || mdnid == NID_md4 ||
		    mdnid == NID_md2;
		if (sigmd)
			findings_add(ev->out, F_WEAK_SIGNATURE, SEV_WARNING,
			    "%s is signed with %s; ask the CA to reissue it "
			    "with SHA-256", policy_label(ev, x),
			    OBJ_nid2sn(mdnid) != NULL ? OBJ_nid2sn(mdnid) :
			    "a weak digest");
	}
}

/* LEGACY_TLS from the negotiated protocol version, when known. */
static void
policy_legacy(const struct policy *pol, struct findings *out)
{
	char	 buf[16];

	if (pol->tls_version == 0 || pol->tls_version >= TLS1_2_VERSION)
		return;
	findings_add(out, F_LEGACY_TLS, SEV_WARNING,
	    "the server negotiated %s, older than TLS 1.2; enable TLS 1.2 on "
	    "the Edge server (and disable older protocols)",
	    policy_tls_name(pol->tls_version, buf, sizeof(buf)));
}

/* The protocol's OpenSSL name, "TLSv1"; hex for anything else. */
static const char *
policy_tls_name(int version, char *buf, size_t len)
{
	switch (version) {
	case SSL3_VERSION:
		return "SSLv3";
	case TLS1_VERSION:
		return "TLSv1";
	case TLS1_1_VERSION:
		return "TLSv1.1";
	}
	snprintf(buf, len, "0x%04x", (unsigned)version & 0xffffu);
	return buf;
}

/*
 * How a certificate is named in messages: its role, its subject and the
 * first 8 hex digits of its SHA-256, "leaf CN=sip.contoso.com,O=Contoso
 * (sha256 3f2a91c0)". Made once per certificate and evaluation.
 */
static const char *
policy_label(struct policy_eval *ev, X509 *x)
{
	struct policy_label	*l;
	const char		*role;
	char			*subj, sha[65];
	size_t			 i;
	int			 idx;

	for (i = 0; i < ev->nlabels; i++)
		if (ev->labels[i].cert == x)
			return ev->labels[i].text;
	idx = policy_sent_index(ev, x);
	if (idx == 0)
		role = "leaf";
	else if (X509_self_signed(x, 0) == 1)
		role = idx > 0 ? "root" : "trust-store root";
	else
		role = idx > 0 ? "intermediate" : "trust-store intermediate";
	subj = chain_name_str(X509_get_subject_name(x));
	chain_sha256_hex(x, sha);
	sha[8] = '\0';
	ev->labels = xreallocarray(ev->labels, ev->nlabels + 1,
	    sizeof(*ev->labels));
	l = &ev->labels[ev->nlabels++];
	l->cert = x;
	xasprintf(&l->text, "%s %s (sha256 %s)", role,
	    subj != NULL && *subj != '\0' ? subj : "with an empty subject",
	    sha[0] != '\0' ? sha : "unknown");
	free(subj);
	return l->text;
}

/* The position of x in the chain as sent, -1 when it was not sent. */
static int
policy_sent_index(const struct policy_eval *ev, X509 *x)
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
static char *
policy_join(const struct strlist *l, size_t max)
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
static char *
policy_dn(const X509_NAME *name)
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

/* An ASN1_TIME as seconds since the epoch, without reading the clock. */
static int
policy_time(const ASN1_TIME *t, long long *out)
{
	struct tm	 tm;

	if (chain_time_tm(t, &tm) == -1)
		return -1;
	*out = policy_days_from_civil((long long)tm.tm_year + 1900,
	    (unsigned)tm.tm_mon + 1, (unsigned)tm.tm_mday) * POLICY_DAY +
	    tm.tm_hour * 3600LL + tm.tm_min * 60LL + tm.tm_sec;
	return 0;
}

/* Days from 1970-01-01 to a date of the proleptic Gregorian calendar. */
static long long
policy_days_from_civil(long long y, unsigned m, unsigned d)
{
	long long	 era;
	unsigned	 yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (long long)doe - 719468;
}

/* a / b rounded toward negative infinity (b > 0). */
static long long
policy_floor_div(long long a, long long b)
{
	long long	 q = a / b;

	if (a % b != 0 && a < 0)
		q--;
	return q;
}

/* floor((notAfter - now) / 86400); 0 on success, -1 on an unreadable time. */
int
policy_days_left(X509 *x, time_t now, long long *days)
{
	long long	 na;

	if (x == NULL || policy_time(X509_get0_notAfter(x), &na) == -1)
		return -1;
	*days = policy_floor_div(na - (long long)now, POLICY_DAY);
	return 0;
}

/* ASCII case-insensitive equality, independent of the locale. */
static int
policy_ascii_eq(const char *a, const char *b)
{
	size_t	 la = strlen(a);

	return la == strlen(b) && policy_ascii_eqn(a, b, la);
}

/* ASCII case-insensitive equality of n bytes. */
static int
policy_ascii_eqn(const char *a, const char *b, size_t n)
{
	unsigned char	 ca, cb;
	size_t		 i;

	for (i = 0; i < n; i++) {
		ca = (unsigned char)a[i];
		cb = (unsigned char)b[i];
		if (ca >= 'A' && ca <= 'Z')
			ca += 'a' - 'A';
		if (cb >= 'A' && cb <= 'Z')
			cb += 'a' - 'A';
		if (ca != cb)
			return 0;
	}
	return 1;
}

/* Whether name is literally (case aside) one of the DNS SANs. */
static int
policy_in_san(const struct strlist *san, const char *name)
{
	size_t	 i;

	for (i = 0; i < san->n; i++)
		if (policy_ascii_eq(san->v[i], name))
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
		return lp == ln && policy_ascii_eqn(pattern, name, ln);

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
	return policy_ascii_eqn(dot, rest, lp - 1);
}

/*
 * POOL_MISMATCH over the results of one target: per port, when the
 * members that presented a leaf presented more than one distinct leaf,
 * each of those results gets a warning naming the leaves seen and which
 * member presented which, then its status is recomputed. A result that
 * already carries the finding is left alone, so a second call adds none.
 */
void
policy_pool(struct result *const *rs, size_t n)
{
	struct result	**grp;
	const char	**dist;
	char		*sum, *t, *addr, *target;
	size_t		 i, j, k, m, nd, nw;
	int		 port;

	if (n < 2)
		return;
	grp = xcalloc(n, sizeof(*grp));
	dist = xcalloc(n, sizeof(*dist));
	for (i = 0; i < n; i++) {
		if (rs[i] == NULL || rs[i]->leaf_sha256[0] == '\0')
			continue;
		port = rs[i]->port;
		/* The first result with a leaf on a port does the port. */
		for (j = 0; j < i; j++)
			if (rs[j] != NULL && rs[j]->port == port &&
			    rs[j]->leaf_sha256[0] != '\0')
				break;
		if (j < i)
			continue;
		for (m = nd = 0, j = i; j < n; j++) {
			if (rs[j] == NULL || rs[j]->port != port ||
			    rs[j]->leaf_sha256[0] == '\0')
				continue;
			grp[m++] = rs[j];
			for (k = 0; k < nd; k++)
				if (strcmp(dist[k], rs[j]->leaf_sha256) == 0)
					break;
			if (k == nd)
				dist[nd++] = rs[j]->leaf_sha256;
		}
		if (nd < 2)
			continue;

		/* "sha256 3f2a91c0 (192.0.2.10, 192.0.2.11), sha256 ...". */
		sum = xstrdup("");
		for (k = 0; k < nd && k < POLICY_LIST_MAX; k++) {
			xasprintf(&t, "%s%ssha256 %.8s (", sum, k ? ", " : "",
			    dist[k]);
			free(sum);
			sum = t;
			for (nw = 0, j = 0; j < m; j++) {
				if (strcmp(grp[j]->leaf_sha256, dist[k]) != 0)
					continue;
				if (nw++ == POLICY_LIST_MAX) {
					xasprintf(&t, "%s, ...", sum);
					free(sum);
					sum = t;
					break;
				}
				addr = chain_escape(
				    (const unsigned char *)grp[j]->address,
				    strlen(grp[j]->address));
				xasprintf(&t, "%s%s%s", sum, nw > 1 ? ", " : "",
				    addr);
				free(addr);
				free(sum);
				sum = t;
			}
			xasprintf(&t, "%s)", sum);
			free(sum);
			sum = t;
		}
		if (nd > POLICY_LIST_MAX) {
			xasprintf(&t, "%s, ... (%zu more)", sum,
			    nd - POLICY_LIST_MAX);
			free(sum);
			sum = t;
		}
		target = chain_escape((const unsigned char *)rs[i]->target,
		    strlen(rs[i]->target));
		for (j = 0; j < m; j++) {
			if (findings_has(&grp[j]->findings, F_POOL_MISMATCH))
				continue;
			addr = chain_escape(
			    (const unsigned char *)grp[j]->address,
			    strlen(grp[j]->address));
			findings_add(&grp[j]->findings, F_POOL_MISMATCH,
			    SEV_WARNING, "the members of %s present %zu "
			    "different leaf certificates on port %d: %s; this "
			    "member (%s) presents sha256 %.8s; every member of "
			    "an Edge pool must present the same certificate",
			    target, nd, port, sum, addr, grp[j]->leaf_sha256);
			free(addr);
			result_finish(grp[j]);
		}
		free(target);
		free(sum);
	}
	free(dist);
	free(grp);
}
