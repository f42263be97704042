/*
 * policy_crypto.c: crypto strength and the Lync certificate rules that are
 * not about names (pure).
 *
 * Keys, signature algorithms and digests of the certificates as sent, the
 * CRL Distribution Point Lync requires, and the protocol version the server
 * negotiated.
 */
#include <stdio.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/tls1.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "finding.h"
#include "policy.h"
#include "policy_crypto.h"
#include "policy_eval.h"

static void	 policy_crypto_key(struct policy_eval *, X509 *);
static void	 policy_crypto_digest(struct policy_eval *, X509 *, int);
static const char *policy_crypto_tls_name(int, char *, size_t);

/* CRL_DP_MISSING: the leaf carries no usable CRL Distribution Point. */
void
policy_crypto_crldp(struct policy_eval *ev)
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
		    "includes it", policy_eval_label(ev, ev->leaf));
}

/*
 * PSS_SIGNATURE, WEAK_KEY and WEAK_SIGNATURE, one finding per certificate
 * as sent, all of one code before the next.
 */
void
policy_crypto_judge(struct policy_eval *ev)
{
	X509	*x;
	int	 i;

	for (i = 0; i < sk_X509_num(ev->sent); i++) {
		if ((x = sk_X509_value(ev->sent, i)) == NULL)
			continue;
		if (X509_get_signature_nid(x) == NID_rsassaPss)
			findings_add(ev->out, F_PSS_SIGNATURE, SEV_WARNING,
			    "%s is signed with RSASSA-PSS, which Lync Server "
			    "does not support; ask the CA for a PKCS#1 v1.5 "
			    "(sha256WithRSAEncryption) or ECDSA signature",
			    policy_eval_label(ev, x));
	}
	for (i = 0; i < sk_X509_num(ev->sent); i++)
		if ((x = sk_X509_value(ev->sent, i)) != NULL)
			policy_crypto_key(ev, x);
	for (i = 0; i < sk_X509_num(ev->sent); i++)
		if ((x = sk_X509_value(ev->sent, i)) != NULL)
			policy_crypto_digest(ev, x, i);
}

/* WEAK_KEY for one certificate: RSA or DSA under 2048 bits, EC under 256. */
static void
policy_crypto_key(struct policy_eval *ev, X509 *x)
{
	EVP_PKEY	*pk;
	int		 id, bits, weak = 0;
	char		 key[32];

	ERR_set_mark();
	pk = X509_get0_pubkey(x);
	ERR_pop_to_mark();
	if (pk == NULL)
		return;
	id = EVP_PKEY_get_base_id(pk);
	bits = EVP_PKEY_get_bits(pk);
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
		    policy_eval_label(ev, x), key);
}

/*
 * WEAK_SIGNATURE for the certificate at index i as sent. The signature on
 * a self-signed root is never checked by anyone, so its digest does not
 * matter; the leaf is judged even when self-signed.
 */
static void
policy_crypto_digest(struct policy_eval *ev, X509 *x, int i)
{
	int	 mdnid = NID_undef;

	if (i > 0 && X509_self_signed(x, 0) == 1)
		return;
	ERR_set_mark();
	if (X509_get_signature_info(x, &mdnid, NULL, NULL, NULL) != 1 &&
	    OBJ_find_sigid_algs(X509_get_signature_nid(x), &mdnid,
	    NULL) != 1)
		mdnid = NID_undef;
	ERR_pop_to_mark();
	if (mdnid == NID_sha1 || mdnid == NID_md5 || mdnid == NID_md5_sha1 ||
	    mdnid == NID_md4 || mdnid == NID_md2)
		findings_add(ev->out, F_WEAK_SIGNATURE, SEV_WARNING,
		    "%s is signed with %s; ask the CA to reissue it "
		    "with SHA-256", policy_eval_label(ev, x),
		    OBJ_nid2sn(mdnid) != NULL ? OBJ_nid2sn(mdnid) :
		    "a weak digest");
}

/* LEGACY_TLS from the negotiated protocol version, when known. */
void
policy_crypto_legacy(const struct policy *pol, struct findings *out)
{
	char	 buf[16];

	if (pol->tls_version == 0 || pol->tls_version >= TLS1_2_VERSION)
		return;
	findings_add(out, F_LEGACY_TLS, SEV_WARNING,
	    "the server negotiated %s, older than TLS 1.2; enable TLS 1.2 on "
	    "the Edge server (and disable older protocols)",
	    policy_crypto_tls_name(pol->tls_version, buf, sizeof(buf)));
}

/* The protocol's OpenSSL name, "TLSv1"; hex for anything else. */
static const char *
policy_crypto_tls_name(int version, char *buf, size_t len)
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
