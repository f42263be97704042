/*
 * policy_ocsp.c: the judgement of a stapled OCSP response (pure).
 *
 * Why only the staple, never a fetch: an OCSP URL or CRL distribution
 * point comes from the certificate, and a hostile certificate must never
 * make edgeprobe call out. What the server staples is all there is.
 *
 * Why the signer is checked here and not by OCSP_basic_verify() alone:
 * that function verifies the responder's chain at the time of the clock,
 * and this judgement reads no clock. OpenSSL checks the signature
 * (OCSP_NOVERIFY); the responder's authority (RFC 6960 4.2.2.2: the leaf's
 * issuer itself, or a certificate the issuer signed with id-kp-OCSPSigning)
 * and its chain to the trust store at `now` are checked below.
 *
 * Dates: a staple past its nextUpdate is stale (no grace: an Edge refreshes
 * its staple long before); a thisUpdate more than POLICY_OCSP_SKEW (5 min)
 * after now is not yet valid, allowing for the skew between the Edge's and
 * the prober's clocks.
 */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/ocsp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "chain.h"
#include "finding.h"
#include "log.h"
#include "policy_ocsp.h"
#include "result.h"
#include "xmalloc.h"

#define POLICY_OCSP_WHY		256	/* a reason's length in messages */

/* One judgement's state. */
struct ocsp_eval {
	STACK_OF(X509)		*chain;
	X509			*leaf;
	X509			*issuer;	/* referenced; NULL: not found */
	X509_STORE		*store;
	time_t			 now;
	struct findings		*fs;
	char			*label;		/* the leaf, for messages */
};

static void	 policy_ocsp_invalid(struct ocsp_eval *, const char *, ...)
		    __attribute__((__format__(__printf__, 2, 3)));
static char	*policy_ocsp_label(X509 *);
static X509	*policy_ocsp_issuer(struct ocsp_eval *);
static OCSP_SINGLERESP *policy_ocsp_single(struct ocsp_eval *,
		    OCSP_BASICRESP *);
static int	 policy_ocsp_verify(struct ocsp_eval *, OCSP_BASICRESP *,
		    char *, size_t);
static int	 policy_ocsp_authorized(struct ocsp_eval *, X509 *);
static int	 policy_ocsp_chain(struct ocsp_eval *, OCSP_BASICRESP *,
		    X509 *, char *, size_t);
static void	 policy_ocsp_dates(struct ocsp_eval *,
		    const ASN1_GENERALIZEDTIME *, const ASN1_GENERALIZEDTIME *,
		    const struct policy_ocsp *);
static void	 policy_ocsp_revoked(struct ocsp_eval *, int,
		    const ASN1_GENERALIZEDTIME *);
static void	 policy_ocsp_status(struct ocsp_eval *, OCSP_BASICRESP *,
		    struct policy_ocsp *);

/* Judge one staple for the leaf of chain at now; see policy_ocsp.h. */
void
policy_ocsp_judge(const unsigned char *der, size_t len, STACK_OF(X509) *chain,
    X509_STORE *store, time_t now, struct policy_ocsp *out,
    struct findings *fs)
{
	struct ocsp_eval	 ev;
	const unsigned char	*p = der;
	OCSP_RESPONSE		*resp = NULL;
	OCSP_BASICRESP		*bs = NULL;
	X509_STORE		*empty = NULL;
	int			 rs;

	memset(out, 0, sizeof(*out));
	snprintf(out->status, sizeof(out->status), "unknown");
	if (der == NULL || chain == NULL || sk_X509_num(chain) < 1)
		return;
	if (store == NULL && (store = empty = X509_STORE_new()) == NULL)
		fatalx("out of memory");
	memset(&ev, 0, sizeof(ev));
	ev.chain = chain;
	ev.leaf = sk_X509_value(chain, 0);
	ev.store = store;
	ev.now = now;
	ev.fs = fs;
	ev.label = policy_ocsp_label(ev.leaf);

	if (len > LONG_MAX ||
	    (resp = d2i_OCSP_RESPONSE(NULL, &p, (long)len)) == NULL ||
	    p != der + len)
		policy_ocsp_invalid(&ev, "does not parse as an OCSP response "
		    "(%zu bytes)", len);
	else if ((rs = OCSP_response_status(resp)) !=
	    OCSP_RESPONSE_STATUS_SUCCESSFUL)
		policy_ocsp_invalid(&ev, "is an OCSP error answer (%s), not "
		    "a signed response", OCSP_response_status_str(rs));
	else if ((bs = OCSP_response_get1_basic(resp)) == NULL)
		policy_ocsp_invalid(&ev, "carries no basic OCSP response");
	else if ((ev.issuer = policy_ocsp_issuer(&ev)) == NULL)
		policy_ocsp_invalid(&ev, "cannot be checked: the leaf's issuer "
		    "is neither sent nor in the trust store");
	else
		policy_ocsp_status(&ev, bs, out);

	OCSP_BASICRESP_free(bs);
	OCSP_RESPONSE_free(resp);
	X509_free(ev.issuer);
	X509_STORE_free(empty);
	free(ev.label);
	ERR_clear_error();
}

/* Judge a result's staple and fill its tls.ocsp fields. */
void
policy_ocsp_result(struct result *r, const unsigned char *der, size_t len,
    X509_STORE *store, time_t now)
{
	struct policy_ocsp	 po;

	policy_ocsp_judge(der, len, r->chain, store, now, &po, &r->findings);
	r->has_ocsp = 1;
	snprintf(r->ocsp_status, sizeof(r->ocsp_status), "%s", po.status);
	snprintf(r->ocsp_this_update, sizeof(r->ocsp_this_update), "%s",
	    po.this_update);
	snprintf(r->ocsp_next_update, sizeof(r->ocsp_next_update), "%s",
	    po.next_update);
}

/* Find the leaf's answer, verify the staple, then record what it says. */
static void
policy_ocsp_status(struct ocsp_eval *ev, OCSP_BASICRESP *bs,
    struct policy_ocsp *out)
{
	OCSP_SINGLERESP		*single;
	ASN1_GENERALIZEDTIME	*revtime = NULL, *thisupd = NULL;
	ASN1_GENERALIZEDTIME	*nextupd = NULL;
	char			 why[POLICY_OCSP_WHY];
	int			 st, reason = -1;

	if ((single = policy_ocsp_single(ev, bs)) == NULL) {
		policy_ocsp_invalid(ev, "is for another certificate: none of "
		    "its %d answers is for this leaf and its issuer",
		    OCSP_resp_count(bs));
		return;
	}
	st = OCSP_single_get0_status(single, &reason, &revtime, &thisupd,
	    &nextupd);
	if (thisupd == NULL || chain_time_iso(thisupd, out->this_update) == -1)
		out->this_update[0] = '\0';
	if (nextupd == NULL || chain_time_iso(nextupd, out->next_update) == -1)
		out->next_update[0] = '\0';
	if (policy_ocsp_verify(ev, bs, why, sizeof(why)) == -1) {
		policy_ocsp_invalid(ev, "does not verify: %s", why);
		return;
	}
	switch (st) {
	case V_OCSP_CERTSTATUS_GOOD:
		snprintf(out->status, sizeof(out->status), "good");
		break;
	case V_OCSP_CERTSTATUS_REVOKED:
		snprintf(out->status, sizeof(out->status), "revoked");
		policy_ocsp_revoked(ev, reason, revtime);
		break;
	default:
		break;
	}
	policy_ocsp_dates(ev, thisupd, nextupd, out);
}

/* OCSP_STAPLE_INVALID, naming the leaf and what the Edge needs. */
static void
policy_ocsp_invalid(struct ocsp_eval *ev, const char *fmt, ...)
{
	va_list	 ap;
	char	 what[512];

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	findings_add(ev->fs, F_OCSP_STAPLE_INVALID, SEV_WARNING,
	    "the OCSP staple sent with %s %s; the Edge must staple a current "
	    "response signed by its CA for this certificate, or none",
	    ev->label, what);
}

/* "leaf CN=... (sha256 3f2a1b2c)", as the other policy messages say. */
static char *
policy_ocsp_label(X509 *x)
{
	char	*subj, *label, sha[65];

	subj = chain_name_str(X509_get_subject_name(x));
	chain_sha256_hex(x, sha);
	sha[8] = '\0';
	xasprintf(&label, "leaf %s (sha256 %s)",
	    subj != NULL && *subj != '\0' ? subj : "with an empty subject",
	    sha[0] != '\0' ? sha : "unknown");
	free(subj);
	return label;
}

/* The leaf's issuer: sent after it, or else in the store; referenced. */
static X509 *
policy_ocsp_issuer(struct ocsp_eval *ev)
{
	X509_STORE_CTX	*ctx;
	X509		*x, *issuer = NULL;
	int		 i;

	for (i = 1; i < sk_X509_num(ev->chain); i++) {
		x = sk_X509_value(ev->chain, i);
		if (X509_check_issued(x, ev->leaf) == X509_V_OK) {
			X509_up_ref(x);
			return x;
		}
	}
	if ((ctx = X509_STORE_CTX_new()) == NULL)
		fatalx("out of memory");
	if (X509_STORE_CTX_init(ctx, ev->store, ev->leaf, NULL) == 1) {
		/* The time a candidate's validity is weighed at: now. */
		X509_STORE_CTX_set_time(ctx, 0, ev->now);
		if (X509_STORE_CTX_get1_issuer(&issuer, ctx, ev->leaf) != 1)
			issuer = NULL;
	}
	X509_STORE_CTX_free(ctx);
	return issuer;
}

/* The single response whose CertID is the leaf's (any usual hash). */
static OCSP_SINGLERESP *
policy_ocsp_single(struct ocsp_eval *ev, OCSP_BASICRESP *bs)
{
	const EVP_MD	*mds[] = { EVP_sha1(), EVP_sha256(), EVP_sha384(),
			    EVP_sha512() };
	OCSP_CERTID	*id;
	size_t		 i;
	int		 idx;

	for (i = 0; i < sizeof(mds) / sizeof(mds[0]); i++) {
		if ((id = OCSP_cert_to_id(mds[i], ev->leaf, ev->issuer)) ==
		    NULL)
			continue;
		idx = OCSP_resp_find(bs, id, -1);
		OCSP_CERTID_free(id);
		if (idx >= 0)
			return OCSP_resp_get0(bs, idx);
	}
	return NULL;
}

/* The signature, the responder's authority and its chain; 0 or -1. */
static int
policy_ocsp_verify(struct ocsp_eval *ev, OCSP_BASICRESP *bs, char *why,
    size_t len)
{
	STACK_OF(X509)	*one;
	X509		*signer = NULL;
	char		*subj;
	int		 sig;

	if (OCSP_resp_get0_signer(bs, &signer, ev->chain) != 1 ||
	    signer == NULL) {
		snprintf(why, len, "its signer's certificate is neither in "
		    "the staple nor in the chain sent");
		return -1;
	}
	/* The signature alone, by exactly the signer found above. */
	if ((one = sk_X509_new_null()) == NULL || sk_X509_push(one, signer) <= 0)
		fatalx("out of memory");
	sig = OCSP_basic_verify(bs, one, ev->store, OCSP_NOVERIFY |
	    OCSP_NOINTERN);
	sk_X509_free(one);
	if (sig <= 0) {
		snprintf(why, len, "its signature does not match its "
		    "signer's key");
		return -1;
	}
	if (!policy_ocsp_authorized(ev, signer)) {
		subj = chain_name_str(X509_get_subject_name(signer));
		snprintf(why, len, "it is signed by %s, neither the leaf's "
		    "issuer nor a responder the issuer delegated "
		    "(id-kp-OCSPSigning)", subj != NULL ? subj : "?");
		free(subj);
		return -1;
	}
	return policy_ocsp_chain(ev, bs, signer, why, len);
}

/* RFC 6960 4.2.2.2: the issuer, or its delegate with id-kp-OCSPSigning. */
static int
policy_ocsp_authorized(struct ocsp_eval *ev, X509 *signer)
{
	EVP_PKEY	*ikey;

	if (X509_cmp(signer, ev->issuer) == 0)
		return 1;
	if (X509_check_issued(ev->issuer, signer) != X509_V_OK ||
	    (ikey = X509_get0_pubkey(ev->issuer)) == NULL ||
	    X509_verify(signer, ikey) != 1)
		return 0;
	return (X509_get_extension_flags(signer) & EXFLAG_XKUSAGE) != 0 &&
	    (X509_get_extended_key_usage(signer) & XKU_OCSP_SIGN) != 0;
}

/* The responder's chain verifies to the store at now; 0 or -1. */
static int
policy_ocsp_chain(struct ocsp_eval *ev, OCSP_BASICRESP *bs, X509 *signer,
    char *why, size_t len)
{
	const STACK_OF(X509)	*extra = OCSP_resp_get0_certs(bs);
	STACK_OF(X509)		*untrusted;
	X509_STORE_CTX		*ctx;
	int			 i, ok = 0;

	if ((untrusted = sk_X509_dup(ev->chain)) == NULL ||
	    (ctx = X509_STORE_CTX_new()) == NULL)
		fatalx("out of memory");
	for (i = 0; i < sk_X509_num(extra); i++)
		if (sk_X509_push(untrusted, sk_X509_value(extra, i)) <= 0)
			fatalx("out of memory");
	if (X509_STORE_CTX_init(ctx, ev->store, signer, untrusted) == 1) {
		X509_STORE_CTX_set_time(ctx, 0, ev->now);
		X509_STORE_CTX_set_purpose(ctx, X509_PURPOSE_OCSP_HELPER);
		ok = X509_verify_cert(ctx) == 1;
		if (!ok)
			snprintf(why, len, "its signer's certificate does not "
			    "verify to the trust store (%s)",
			    X509_verify_cert_error_string(
			    X509_STORE_CTX_get_error(ctx)));
	} else
		snprintf(why, len, "its signer's chain cannot be built");
	X509_STORE_CTX_free(ctx);
	sk_X509_free(untrusted);
	return ok ? 0 : -1;
}

/* Stale (past nextUpdate) or not yet valid (thisUpdate ahead of now). */
static void
policy_ocsp_dates(struct ocsp_eval *ev, const ASN1_GENERALIZEDTIME *thisupd,
    const ASN1_GENERALIZEDTIME *nextupd, const struct policy_ocsp *out)
{
	if (thisupd == NULL || out->this_update[0] == '\0')
		policy_ocsp_invalid(ev, "has an unreadable thisUpdate");
	else if (ASN1_TIME_cmp_time_t(thisupd,
	    ev->now + POLICY_OCSP_SKEW) > 0)
		policy_ocsp_invalid(ev, "is not valid yet: its thisUpdate %s "
		    "is more than %d minutes ahead; check the Edge's and the "
		    "prober's clocks", out->this_update,
		    POLICY_OCSP_SKEW / 60);
	if (nextupd == NULL)
		return;
	if (out->next_update[0] == '\0')
		policy_ocsp_invalid(ev, "has an unreadable nextUpdate");
	else if (ASN1_TIME_cmp_time_t(nextupd, ev->now) < 0)
		policy_ocsp_invalid(ev, "is stale: its nextUpdate %s is past, "
		    "so the Edge no longer refreshes it from its CA's OCSP "
		    "responder (check its outbound HTTP to the responder)",
		    out->next_update);
}

/* REVOKED: the staple verified and says so. */
static void
policy_ocsp_revoked(struct ocsp_eval *ev, int reason,
    const ASN1_GENERALIZEDTIME *revtime)
{
	char	 when[21];

	if (revtime == NULL || chain_time_iso(revtime, when) == -1)
		snprintf(when, sizeof(when), "an unreadable time");
	findings_add(ev->fs, F_REVOKED, SEV_CRITICAL,
	    "%s is revoked since %s (reason: %s) according to the OCSP "
	    "response the Edge staples; assign a new certificate on every "
	    "Edge server now", ev->label, when,
	    reason >= 0 ? OCSP_crl_reason_str(reason) : "none given");
}
