/*
 * policy_trust.c: trust and chain verification (pure).
 *
 * One X509_verify_cert() per chain, for the TLS server purpose at the time
 * of judgement, with a callback that records every error and goes on;
 * then UNTRUSTED, SELF_SIGNED and CHAIN_INCOMPLETE from what it recorded.
 * A verification can be recorded and replayed for the same chain later
 * (policy_trust.h): the replay hands the checks the same errors and built
 * chain, made of the evaluation's own certificates as sent.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include "finding.h"
#include "log.h"
#include "policy.h"
#include "policy_eval.h"
#include "policy_trust.h"
#include "xmalloc.h"

static void	 policy_trust_x509(struct policy_eval *, X509_STORE *);
static void	 policy_trust_record(const struct policy_eval *,
		    struct policy_verified *);
static void	 policy_trust_replay(struct policy_eval *,
		    const struct policy_verified *);
static void	 policy_trust_vcert_set(const struct policy_eval *,
		    struct policy_vcert *, X509 *);
static X509	*policy_trust_vcert_get(const struct policy_eval *,
		    const struct policy_vcert *);
static int	 policy_trust_cb(int, X509_STORE_CTX *);
static int	 policy_trust_err_is_date(int);
static int	 policy_trust_err_skipped(const struct policy_eval *,
		    const struct policy_verr *);
static void	 policy_trust_incomplete(struct policy_eval *);

/* Record one verification error and let verification go on. */
static int
policy_trust_cb(int ok, X509_STORE_CTX *ctx)
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
 * first one. Date errors are recorded but judged by policy_dates_judge()
 * against now itself; the purpose check of the leaf is judged from its EKU.
 */
void
policy_trust_verify(struct policy_eval *ev, X509_STORE *store)
{
	size_t	 i;

	if (ev->pol->verified != NULL)
		policy_trust_replay(ev, ev->pol->verified);
	else {
		policy_trust_x509(ev, store);
		if (ev->pol->record != NULL)
			policy_trust_record(ev, ev->pol->record);
	}
	for (i = 0; i < ev->nerr; i++)
		if (!policy_trust_err_is_date(ev->err[i].error) &&
		    !policy_trust_err_skipped(ev, &ev->err[i]))
			ev->hard = 1;
}

/* The X509_verify_cert() of policy_trust_verify(). */
static void
policy_trust_x509(struct policy_eval *ev, X509_STORE *store)
{
	X509_STORE_CTX		*ctx;
	X509_STORE		*empty = NULL;
	X509_VERIFY_PARAM	*vp;
	int			 rc;

	if (store == NULL && (store = empty = X509_STORE_new()) == NULL)
		fatalx("out of memory");
	if ((ctx = X509_STORE_CTX_new()) == NULL)
		fatalx("out of memory");
	ERR_set_mark();
	if (X509_STORE_CTX_init(ctx, store, ev->leaf, ev->sent) != 1)
		fatalx("X509_STORE_CTX_init failed");
	X509_STORE_CTX_set_app_data(ctx, ev);
	X509_STORE_CTX_set_verify_cb(ctx, policy_trust_cb);
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
}

/* Record what verification found, certificates as sent by position. */
static void
policy_trust_record(const struct policy_eval *ev, struct policy_verified *v)
{
	size_t	 i;

	policy_trust_verified_free(v);
	v->nerr = ev->nerr;
	v->err = xcalloc(ev->nerr > 0 ? ev->nerr : 1, sizeof(*v->err));
	for (i = 0; i < ev->nerr; i++) {
		v->err[i].depth = ev->err[i].depth;
		v->err[i].error = ev->err[i].error;
		policy_trust_vcert_set(ev, &v->err[i].cert, ev->err[i].cert);
	}
	v->has_built = ev->built != NULL;
	v->nbuilt = ev->built != NULL ? (size_t)sk_X509_num(ev->built) : 0;
	v->built = xcalloc(v->nbuilt > 0 ? v->nbuilt : 1, sizeof(*v->built));
	for (i = 0; i < v->nbuilt; i++)
		policy_trust_vcert_set(ev, &v->built[i],
		    sk_X509_value(ev->built, (int)i));
}

/*
 * Replay a recorded verification: the same errors and built chain, with
 * this evaluation's certificates where verification used one sent.
 */
static void
policy_trust_replay(struct policy_eval *ev, const struct policy_verified *v)
{
	X509	*x;
	size_t	 i;

	for (i = 0; i < v->nerr && i < POLICY_MAXERR; i++) {
		ev->err[i].depth = v->err[i].depth;
		ev->err[i].error = v->err[i].error;
		x = policy_trust_vcert_get(ev, &v->err[i].cert);
		ev->err[i].cert = x != NULL && X509_up_ref(x) == 1 ? x : NULL;
	}
	ev->nerr = i;
	if (!v->has_built)
		return;
	if ((ev->built = sk_X509_new_reserve(NULL, (int)v->nbuilt)) == NULL)
		fatalx("out of memory");
	for (i = 0; i < v->nbuilt; i++) {
		x = policy_trust_vcert_get(ev, &v->built[i]);
		if (x == NULL || X509_up_ref(x) != 1)
			fatalx("policy_trust_replay: no certificate");
		if (sk_X509_push(ev->built, x) <= 0)
			fatalx("out of memory");
	}
}

/* x as the sent certificate it is (the same object), or held. */
static void
policy_trust_vcert_set(const struct policy_eval *ev, struct policy_vcert *vc,
    X509 *x)
{
	int	 i;

	vc->sent = -1;
	vc->cert = NULL;
	if (x == NULL)
		return;
	for (i = 0; i < sk_X509_num(ev->sent); i++)
		if (sk_X509_value(ev->sent, i) == x) {
			vc->sent = i;
			return;
		}
	if (X509_up_ref(x) == 1)
		vc->cert = x;
}

/* The certificate a recorded one stands for in this evaluation. */
static X509 *
policy_trust_vcert_get(const struct policy_eval *ev,
    const struct policy_vcert *vc)
{
	if (vc->sent >= 0)
		return vc->sent < sk_X509_num(ev->sent) ?
		    sk_X509_value(ev->sent, vc->sent) : NULL;
	return vc->cert;
}

/* Release what a recorded verification holds. */
void
policy_trust_verified_free(struct policy_verified *v)
{
	size_t	 i;

	for (i = 0; i < v->nerr; i++)
		X509_free(v->err[i].cert.cert);
	for (i = 0; i < v->nbuilt; i++)
		X509_free(v->built[i].cert);
	free(v->err);
	free(v->built);
	memset(v, 0, sizeof(*v));
}

/* Whether a verification error is about dates, which policy_dates.c judges. */
static int
policy_trust_err_is_date(int error)
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
policy_trust_err_skipped(const struct policy_eval *ev,
    const struct policy_verr *e)
{
	return e->error == X509_V_ERR_INVALID_PURPOSE && e->depth == 0 &&
	    ev->has_xku && (ev->xku & XKU_SSL_SERVER) == 0;
}

/* UNTRUSTED, SELF_SIGNED and CHAIN_INCOMPLETE from the recorded errors. */
void
policy_trust_judge(struct policy_eval *ev)
{
	struct policy_verr	*e;
	X509			*x;
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
			    policy_eval_label(ev, x));
			continue;
		case X509_V_ERR_CERT_SIGNATURE_FAILURE:
			findings_add(ev->out, F_UNTRUSTED, SEV_CRITICAL,
			    "the signature on %s does not verify with its "
			    "issuer's key; the chain is forged or corrupt",
			    policy_eval_label(ev, x));
			continue;
		case X509_V_ERR_INVALID_PURPOSE:
			if (policy_trust_err_skipped(ev, e))
				continue;
			findings_add(ev->out, F_UNTRUSTED, SEV_CRITICAL,
			    "%s is not valid for TLS server authentication "
			    "(its EKU, key usage or certificate type excludes "
			    "it), so the chain does not verify; the Edge needs "
			    "a chain valid for serverAuth",
			    policy_eval_label(ev, x));
			continue;
		}
		if (policy_trust_err_is_date(e->error))
			continue;
		findings_add(ev->out, F_UNTRUSTED, SEV_CRITICAL,
		    "%s: %s (verify error %d at depth %d); the chain does not "
		    "verify to the trust store", policy_eval_label(ev, x),
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
		    policy_eval_label(ev, ev->leaf));

	if (incomplete)
		policy_trust_incomplete(ev);
}

/*
 * CHAIN_INCOMPLETE: the chain stops at the last certificate verification
 * could place, whose issuer was not sent or is not the one that was.
 */
static void
policy_trust_incomplete(struct policy_eval *ev)
{
	X509		*x;
	char		*issuer;
	size_t		 i;

	x = sk_X509_num(ev->built) > 0 ?
	    sk_X509_value(ev->built, sk_X509_num(ev->built) - 1) : ev->leaf;
	issuer = policy_eval_dn(X509_get_issuer_name(x));
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
		    policy_eval_label(ev, x), issuer, sk_X509_num(ev->sent),
		    ev->pol->chain_sent);
	else
		findings_add(ev->out, F_CHAIN_INCOMPLETE, SEV_CRITICAL,
		    "the chain stops at %s: its issuer %s was neither sent by "
		    "the server nor found in the trust store%s; configure the "
		    "Edge to send the intermediate certificate(s) of its CA",
		    policy_eval_label(ev, x), issuer,
		    i < (size_t)sk_X509_num(ev->sent) ?
		    " (the server sent a certificate of that name, but not the "
		    "one that issued it: an old or wrong intermediate)" : "");
	free(issuer);
}
