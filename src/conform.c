/*
 * conform.c: RFC 5280 and Baseline Requirements rules that stricter
 * validators enforce (pure).
 *
 * The chain is judged exactly as the server sent it, leaf first: the
 * leaf's issuers as sent are the CA certificates, a self-signed one among
 * them is a root. Every rule is one row of conform_rules: an id, the
 * section it comes from, what a partner's validator may do, and a check of
 * one certificate that returns 1 with a short detail when the certificate
 * breaks it. The driver turns each break into one NONCONFORMANT warning,
 * so each certificate gets at most one finding per rule. No I/O, no clock:
 * the public suffix list is libpsl's built-in copy, compiled into the
 * library, never a file read at judgement time.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "chain.h"
#include "conform.h"
#include "conform_names.h"
#include "finding.h"
#include "xmalloc.h"

/* One rule of the table. */
struct conform_rule {
	const char	*id;
	const char	*section;
	const char	*risk;		/* what a stricter validator may do */
	int		(*check)(const struct conform_ctx *, X509 *, int,
			    char *, size_t);
};

static int	 conform_serial(const struct conform_ctx *, X509 *, int,
		    char *, size_t);
static int	 conform_version(const struct conform_ctx *, X509 *, int,
		    char *, size_t);
static int	 conform_ca_bc(const struct conform_ctx *, X509 *, int,
		    char *, size_t);
static int	 conform_ca_ku(const struct conform_ctx *, X509 *, int,
		    char *, size_t);
static int	 conform_ca_ski(const struct conform_ctx *, X509 *, int,
		    char *, size_t);
static int	 conform_aki(const struct conform_ctx *, X509 *, int,
		    char *, size_t);
static int	 conform_leaf_ca(const struct conform_ctx *, X509 *, int,
		    char *, size_t);
static int	 conform_leaf_anyeku(const struct conform_ctx *, X509 *, int,
		    char *, size_t);
static int	 conform_root_eku(const struct conform_ctx *, X509 *, int,
		    char *, size_t);
static int	 conform_rsa(const struct conform_ctx *, X509 *, int,
		    char *, size_t);
static int	 conform_ec(const struct conform_ctx *, X509 *, int,
		    char *, size_t);
static int	 conform_dsa(const struct conform_ctx *, X509 *, int,
		    char *, size_t);
static int	 conform_uri(const struct conform_ctx *, X509 *, int,
		    char *, size_t);

static int	 conform_is_root(X509 *, int);
static EVP_PKEY	*conform_key(X509 *, int);
static int	 conform_uri_bad(const GENERAL_NAME *, char **);
static char	*conform_label(const struct conform_ctx *, X509 *, int);

/*
 * The rules, in the order their findings come out. Sections are of RFC
 * 5280 or of the Baseline Requirements (BR) version 2.
 */
static const struct conform_rule conform_rules[] = {
	{ "serial", "RFC 5280 4.1.2.2",
	    "stricter parsers (Go since 1.23, rustls/webpki) may refuse the "
	    "certificate outright", conform_serial },
	{ "version", "RFC 5280 4.1.2.1",
	    "rustls/webpki accepts only v3 certificates, and Schannel and Go "
	    "may refuse a v1 or v2 issuer", conform_version },
	{ "ca-basic-constraints", "RFC 5280 4.2.1.9",
	    "Schannel, Go and rustls/webpki may refuse it as an issuer and "
	    "fail the chain", conform_ca_bc },
	{ "ca-key-cert-sign", "RFC 5280 4.2.1.3",
	    "a validator that enforces key usage on issuers may refuse it and "
	    "fail the chain", conform_ca_ku },
	{ "ca-ski", "RFC 5280 4.2.1.2",
	    "validators that build paths by key identifier (Schannel, many "
	    "SBCs) may not find this issuer", conform_ca_ski },
	{ "aki", "RFC 5280 4.2.1.1",
	    "validators that build paths by key identifier (Schannel, many "
	    "SBCs) may not find its issuer", conform_aki },
	{ "leaf-ca", "BR 7.1.2.7.8, 7.1.2.7.11",
	    "rustls/webpki refuses a CA certificate as an end entity, and "
	    "Schannel and Go may refuse it as a TLS server certificate",
	    conform_leaf_ca },
	{ "leaf-any-eku", "BR 7.1.2.7.10",
	    "a validator that enforces the BR profile may refuse it, and the "
	    "CA may have to revoke it", conform_leaf_anyeku },
	{ "root-eku", "BR 7.1.2.1.2",
	    "validators that intersect EKUs along the path (rustls/webpki, Go) "
	    "may find the TLS purposes excluded", conform_root_eku },
	{ "san-critical", "RFC 5280 4.2.1.6",
	    "a stricter validator may refuse a critical SAN beside a subject, "
	    "or an empty subject without a critical SAN", conform_names_san_crit },
	{ "dns-syntax", "RFC 5280 4.2.1.6, RFC 1034 3.5",
	    "Go, rustls/webpki and Schannel match host names by the preferred "
	    "name syntax and may refuse the name or the certificate",
	    conform_names_dns_syntax },
	{ "dns-wildcard", "BR 7.1.2.7.12",
	    "Go and rustls/webpki never match a partial wildcard, and webpki "
	    "may refuse the certificate", conform_names_dns_wildcard },
	{ "wildcard-public-suffix", "BR 3.2.2.6",
	    "browsers and stricter validators refuse a wildcard over a public "
	    "suffix, which would cover every domain under it",
	    conform_names_wildcard_psl },
	{ "rsa-key", "BR 6.1.5",
	    "Go, rustls/webpki and Schannel (minimum key length policy) may "
	    "refuse the key", conform_rsa },
	{ "ec-curve", "BR 6.1.5",
	    "rustls/webpki, Go and Schannel support P-256, P-384 and P-521 "
	    "only and may fail the handshake", conform_ec },
	{ "dsa-key", "BR 6.1.5",
	    "Go, rustls/webpki and current Schannel do not verify DSA and will "
	    "fail the chain", conform_dsa },
	{ "uri-http", "BR 7.1.2.7.7, 7.1.2.11.2",
	    "validators fetch issuers and CRLs over http only (Schannel, "
	    "SBCs) and may fail path building or revocation checking",
	    conform_uri },
	{ "name-constraints", "RFC 5280 4.2.1.10",
	    "validators that apply the constraints to every name a wildcard "
	    "covers (rustls/webpki, Go) may refuse the chain OpenSSL accepts",
	    conform_names_nc },
};

#define CONFORM_NRULES	(sizeof(conform_rules) / sizeof(conform_rules[0]))

/*
 * Run every rule over every certificate as sent, rule by rule, and add
 * one NONCONFORMANT warning per certificate and rule broken.
 */
void
conform_check(STACK_OF(X509) *chain, struct findings *out)
{
	struct conform_ctx	 ctx;
	const struct conform_rule *r;
	X509			*x;
	char			 detail[CONFORM_DETAIL], *label;
	size_t			 i;
	int			 j;

	if (chain == NULL || sk_X509_num(chain) <= 0 ||
	    sk_X509_value(chain, 0) == NULL)
		return;
	memset(&ctx, 0, sizeof(ctx));
	ctx.sent = chain;
	ctx.leaf = sk_X509_value(chain, 0);
	chain_dns_sans(ctx.leaf, &ctx.san);
	for (i = 0; i < CONFORM_NRULES; i++) {
		r = &conform_rules[i];
		for (j = 0; j < sk_X509_num(chain); j++) {
			if ((x = sk_X509_value(chain, j)) == NULL)
				continue;
			detail[0] = '\0';
			ERR_set_mark();
			if (r->check(&ctx, x, j, detail, sizeof(detail)) == 0) {
				ERR_pop_to_mark();
				continue;
			}
			ERR_pop_to_mark();
			label = conform_label(&ctx, x, j);
			findings_add(out, F_NONCONFORMANT, SEV_WARNING,
			    "%s breaks %s (rule %s): %s; %s", label,
			    r->section, r->id, detail, r->risk);
			free(label);
		}
	}
	strlist_free(&ctx.san);
}

/* How many rules the table holds. */
size_t
conform_nrules(void)
{
	return CONFORM_NRULES;
}

/* The id of rule i, "serial"; NULL past the end. */
const char *
conform_rule_id(size_t i)
{
	return i < CONFORM_NRULES ? conform_rules[i].id : NULL;
}

/* The source section of rule i, "RFC 5280 4.1.2.2"; NULL past the end. */
const char *
conform_rule_section(size_t i)
{
	return i < CONFORM_NRULES ? conform_rules[i].section : NULL;
}

/* serial: a positive integer of at most 20 octets, on every certificate. */
static int
conform_serial(const struct conform_ctx *ctx, X509 *x, int idx, char *d,
    size_t len)
{
	const ASN1_INTEGER	*sn = X509_get0_serialNumber(x);
	const unsigned char	*p;
	int			 n, i, octets;

	(void)ctx;
	(void)idx;
	if (sn == NULL)
		return 0;
	p = ASN1_STRING_get0_data(sn);
	n = ASN1_STRING_length(sn);
	for (i = 0; i < n && p[i] == 0; i++)
		;
	if (i == n) {
		snprintf(d, len, "its serial number is zero");
		return 1;
	}
	if (ASN1_STRING_type(sn) == V_ASN1_NEG_INTEGER) {
		snprintf(d, len, "its serial number is negative");
		return 1;
	}
	/* DER content octets: a leading zero when the top bit is set. */
	octets = n - i + ((p[i] & 0x80) != 0);
	if (octets > CONFORM_SERIAL_MAX) {
		snprintf(d, len, "its serial number is %d octets long, more "
		    "than %d", octets, CONFORM_SERIAL_MAX);
		return 1;
	}
	return 0;
}

/* version: every certificate is v3. */
static int
conform_version(const struct conform_ctx *ctx, X509 *x, int idx, char *d,
    size_t len)
{
	long	 v = X509_get_version(x);

	(void)ctx;
	(void)idx;
	if (v == X509_VERSION_3)
		return 0;
	snprintf(d, len, "it is a v%ld certificate, not v3", v + 1);
	return 1;
}

/* ca-basic-constraints: an issuer as sent has a critical CA:TRUE. */
static int
conform_ca_bc(const struct conform_ctx *ctx, X509 *x, int idx, char *d,
    size_t len)
{
	BASIC_CONSTRAINTS	*bc;
	int			 crit = 0, ca;

	(void)ctx;
	if (idx == 0)
		return 0;
	if ((bc = X509_get_ext_d2i(x, NID_basic_constraints, &crit,
	    NULL)) == NULL) {
		snprintf(d, len, "this CA certificate has no basicConstraints "
		    "extension");
		return 1;
	}
	ca = bc->ca != 0;
	BASIC_CONSTRAINTS_free(bc);
	if (!ca)
		snprintf(d, len, "this issuer's basicConstraints says CA:FALSE");
	else if (!crit)
		snprintf(d, len, "this CA certificate's basicConstraints is not "
		    "marked critical");
	else
		return 0;
	return 1;
}

/* ca-key-cert-sign: an issuer as sent has keyUsage with keyCertSign. */
static int
conform_ca_ku(const struct conform_ctx *ctx, X509 *x, int idx, char *d,
    size_t len)
{
	(void)ctx;
	if (idx == 0)
		return 0;
	if ((X509_get_extension_flags(x) & EXFLAG_KUSAGE) == 0)
		snprintf(d, len, "this CA certificate has no keyUsage "
		    "extension");
	else if ((X509_get_key_usage(x) & KU_KEY_CERT_SIGN) == 0)
		snprintf(d, len, "this CA certificate's keyUsage lacks "
		    "keyCertSign");
	else
		return 0;
	return 1;
}

/* ca-ski: an issuer as sent has a subjectKeyIdentifier. */
static int
conform_ca_ski(const struct conform_ctx *ctx, X509 *x, int idx, char *d,
    size_t len)
{
	(void)ctx;
	if (idx == 0 || X509_get0_subject_key_id(x) != NULL)
		return 0;
	snprintf(d, len, "this CA certificate has no subjectKeyIdentifier");
	return 1;
}

/* aki: a certificate that is not self-signed names its issuer's key id. */
static int
conform_aki(const struct conform_ctx *ctx, X509 *x, int idx, char *d,
    size_t len)
{
	(void)ctx;
	(void)idx;
	if (X509_self_signed(x, 0) == 1 ||
	    X509_get0_authority_key_id(x) != NULL)
		return 0;
	if (X509_get_ext_by_NID(x, NID_authority_key_identifier, -1) < 0)
		snprintf(d, len, "it is not self-signed and has no "
		    "authorityKeyIdentifier");
	else
		snprintf(d, len, "its authorityKeyIdentifier has no "
		    "keyIdentifier");
	return 1;
}

/* leaf-ca: the leaf is neither a CA nor allowed to sign certificates. */
static int
conform_leaf_ca(const struct conform_ctx *ctx, X509 *x, int idx, char *d,
    size_t len)
{
	BASIC_CONSTRAINTS	*bc;
	int			 ca = 0, kcs;

	(void)ctx;
	if (idx != 0)
		return 0;
	if ((bc = X509_get_ext_d2i(x, NID_basic_constraints, NULL,
	    NULL)) != NULL) {
		ca = bc->ca != 0;
		BASIC_CONSTRAINTS_free(bc);
	}
	kcs = (X509_get_extension_flags(x) & EXFLAG_KUSAGE) != 0 &&
	    (X509_get_key_usage(x) & KU_KEY_CERT_SIGN) != 0;
	if (!ca && !kcs)
		return 0;
	snprintf(d, len, "the server certificate %s%s%s", ca ?
	    "has basicConstraints CA:TRUE" : "", ca && kcs ? " and " : "",
	    kcs ? "has keyUsage keyCertSign" : "");
	return 1;
}

/* leaf-any-eku: the leaf's EKU does not hold anyExtendedKeyUsage. */
static int
conform_leaf_anyeku(const struct conform_ctx *ctx, X509 *x, int idx,
    char *d, size_t len)
{
	EXTENDED_KEY_USAGE	*eku;
	int			 i, any = 0;

	(void)ctx;
	if (idx != 0 || (eku = X509_get_ext_d2i(x, NID_ext_key_usage, NULL,
	    NULL)) == NULL)
		return 0;
	for (i = 0; i < sk_ASN1_OBJECT_num(eku); i++)
		if (OBJ_obj2nid(sk_ASN1_OBJECT_value(eku, i)) ==
		    NID_anyExtendedKeyUsage)
			any = 1;
	sk_ASN1_OBJECT_pop_free(eku, ASN1_OBJECT_free);
	if (!any)
		return 0;
	snprintf(d, len, "its extendedKeyUsage holds anyExtendedKeyUsage");
	return 1;
}

/* root-eku: a self-signed root as sent carries no EKU extension. */
static int
conform_root_eku(const struct conform_ctx *ctx, X509 *x, int idx, char *d,
    size_t len)
{
	(void)ctx;
	if (!conform_is_root(x, idx) ||
	    X509_get_ext_by_NID(x, NID_ext_key_usage, -1) < 0)
		return 0;
	snprintf(d, len, "this root has an extendedKeyUsage extension");
	return 1;
}

/* rsa-key: RSA moduli of 2048 bits or more, a multiple of 8. */
static int
conform_rsa(const struct conform_ctx *ctx, X509 *x, int idx, char *d,
    size_t len)
{
	EVP_PKEY	*pk;
	int		 bits;

	(void)ctx;
	if ((pk = conform_key(x, idx)) == NULL ||
	    (EVP_PKEY_get_base_id(pk) != EVP_PKEY_RSA &&
	    EVP_PKEY_get_base_id(pk) != EVP_PKEY_RSA_PSS))
		return 0;
	bits = EVP_PKEY_get_bits(pk);
	if (bits < 2048)
		snprintf(d, len, "its RSA modulus has %d bits, fewer than "
		    "2048", bits);
	else if (bits % 8 != 0)
		snprintf(d, len, "its RSA modulus has %d bits, not a multiple "
		    "of 8", bits);
	else
		return 0;
	return 1;
}

/* ec-curve: EC keys on P-256, P-384 or P-521 only. */
static int
conform_ec(const struct conform_ctx *ctx, X509 *x, int idx, char *d,
    size_t len)
{
	EVP_PKEY	*pk;
	char		 group[80];
	size_t		 glen = 0;
	int		 nid;

	(void)ctx;
	if ((pk = conform_key(x, idx)) == NULL ||
	    EVP_PKEY_get_base_id(pk) != EVP_PKEY_EC)
		return 0;
	if (EVP_PKEY_get_group_name(pk, group, sizeof(group), &glen) != 1 ||
	    glen == 0) {
		snprintf(d, len, "its EC key has explicit curve parameters, "
		    "not a named curve");
		return 1;
	}
	nid = OBJ_sn2nid(group);
	if (nid == NID_X9_62_prime256v1 || nid == NID_secp384r1 ||
	    nid == NID_secp521r1)
		return 0;
	snprintf(d, len, "its EC key is on the curve %s, not P-256, P-384 or "
	    "P-521", group);
	return 1;
}

/* dsa-key: no DSA keys. */
static int
conform_dsa(const struct conform_ctx *ctx, X509 *x, int idx, char *d,
    size_t len)
{
	EVP_PKEY	*pk;

	(void)ctx;
	if ((pk = conform_key(x, idx)) == NULL ||
	    EVP_PKEY_get_base_id(pk) != EVP_PKEY_DSA)
		return 0;
	snprintf(d, len, "it has a DSA-%d key; the BR allow RSA and ECDSA "
	    "only", EVP_PKEY_get_bits(pk));
	return 1;
}

/* uri-http: every AIA and CRL DP URI is an http:// URL. */
static int
conform_uri(const struct conform_ctx *ctx, X509 *x, int idx, char *d,
    size_t len)
{
	AUTHORITY_INFO_ACCESS	*aia;
	STACK_OF(DIST_POINT)	*dps;
	DIST_POINT		*dp;
	char			*bad = NULL;
	const char		*where = "authorityInfoAccess";
	int			 i, j;

	(void)ctx;
	(void)idx;
	if ((aia = X509_get_ext_d2i(x, NID_info_access, NULL, NULL)) != NULL) {
		for (i = 0; i < sk_ACCESS_DESCRIPTION_num(aia) && bad == NULL;
		    i++)
			conform_uri_bad(sk_ACCESS_DESCRIPTION_value(aia,
			    i)->location, &bad);
		AUTHORITY_INFO_ACCESS_free(aia);
	}
	if (bad == NULL && (dps = X509_get_ext_d2i(x,
	    NID_crl_distribution_points, NULL, NULL)) != NULL) {
		where = "CRL Distribution Point";
		for (i = 0; i < sk_DIST_POINT_num(dps) && bad == NULL; i++) {
			dp = sk_DIST_POINT_value(dps, i);
			if (dp->distpoint == NULL || dp->distpoint->type != 0)
				continue;
			for (j = 0; j < sk_GENERAL_NAME_num(
			    dp->distpoint->name.fullname) && bad == NULL; j++)
				conform_uri_bad(sk_GENERAL_NAME_value(
				    dp->distpoint->name.fullname, j), &bad);
		}
		CRL_DIST_POINTS_free(dps);
	}
	if (bad == NULL)
		return 0;
	snprintf(d, len, "its %s URI %s is not an http:// URL", where, bad);
	free(bad);
	return 1;
}

/* Whether the certificate at idx as sent is a self-signed root. */
static int
conform_is_root(X509 *x, int idx)
{
	return idx > 0 && X509_self_signed(x, 0) == 1;
}

/* The key the key rules judge: leaves and intermediates, not roots. */
static EVP_PKEY *
conform_key(X509 *x, int idx)
{
	if (conform_is_root(x, idx))
		return NULL;
	return X509_get0_pubkey(x);
}

/* Whether a general name is a URI that is not http://; escaped to bad. */
static int
conform_uri_bad(const GENERAL_NAME *g, char **bad)
{
	const unsigned char	*p;
	int			 n;

	if (g == NULL || g->type != GEN_URI)
		return 0;
	p = ASN1_STRING_get0_data(g->d.uniformResourceIdentifier);
	n = ASN1_STRING_length(g->d.uniformResourceIdentifier);
	if (n >= 7 && chain_ascii_eqn((const char *)p, "http://", 7))
		return 0;
	*bad = chain_escape(p, (size_t)(n > 0 ? n : 0));
	return 1;
}

/* A certificate's label, as policy.c writes it: role, subject, sha256. */
static char *
conform_label(const struct conform_ctx *ctx, X509 *x, int idx)
{
	char	*subj, *s, sha[65];

	(void)ctx;
	subj = chain_name_str(X509_get_subject_name(x));
	chain_sha256_hex(x, sha);
	sha[8] = '\0';
	xasprintf(&s, "%s %s (sha256 %s)", idx == 0 ? "leaf" :
	    conform_is_root(x, idx) ? "root" : "intermediate",
	    subj != NULL && *subj != '\0' ? subj : "with an empty subject",
	    sha[0] != '\0' ? sha : "unknown");
	free(subj);
	return s;
}

