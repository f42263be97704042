/*
 * test_conform.c: the conformance rules (conform.c), each with a minted
 * certificate that breaks it (the exact finding asserted) and a conforming
 * twin without it. Real certificates, minted by tests/lib/mint.c.
 *
 * Then the same through the real binary (tcases, 38: a break and a twin
 * per rule, both RSA-key directions and both non-NIST curves): each case
 * is a "(cert)" test, `edgeprobe cert CHAIN --ca-file ROOT --json --sni
 * sip.contoso.com`, and a "(probe)" test, `edgeprobe probe 127.0.0.1:PORT`
 * against a loopback tlsserver sending the same chain with its key, both
 * under faketime frozen at F.now (tests/lib/runbin.c). The binary must give
 * the unit judgement's NONCONFORMANT findings exactly. Not probed (3, see
 * NOPROBE_KEY): the DSA, secp256k1 and brainpoolP256r1 leaves.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>
#include <jansson.h>

#include <openssl/x509.h>

#include "chain.h"
#include "conform.h"
#include "finding.h"
#include "mint.h"
#include "policy.h"
#include "runbin.h"
#include "tlsserver.h"

#define DAY	86400L

struct fixture {
	struct mint_pki		 pki;
	EVP_PKEY		*key;		/* RSA-2048, for leaves */
	time_t			 now;
};

static struct fixture	 F;

/* The twins' leaf keys other than F.key, made when first used. */
enum tkey { K_RSA = 0, K_RSA1024, K_RSA2052, K_SECP256K1, K_BRAINPOOL,
	K_P384, K_DSA, NKEYS };
static EVP_PKEY		*tkeys[NKEYS];

static int	 setup(void **);
static int	 teardown(void **);
static void	 leaf_spec(struct mint_spec *);
static X509	*leaf_with(const struct mint_spec *, EVP_PKEY *);
static X509	*inter_with(const struct mint_spec *);
static void	 judge(X509 *const *, size_t, struct findings *);
static size_t	 count_rule(const struct findings *, const char *);
static void	 break_prefix(X509 *const *, size_t, X509 *, const char *,
		    const char *, const char *, char *, size_t);
static size_t	 rule_at(const struct findings *, const char *);
static void	 breaks(X509 *const *, size_t, X509 *, const char *,
		    const char *, const char *);
static void	 keeps(X509 *const *, size_t, const char *);
static void	 leaf_breaks(const struct mint_spec *, EVP_PKEY *,
		    const char *, const char *, const char *);
static void	 leaf_keeps(const struct mint_spec *, EVP_PKEY *, const char *);
static void	 inter_breaks(const struct mint_spec *, const char *,
		    const char *, const char *);
static void	 inter_keeps(const struct mint_spec *, const char *);
static void	 ca_spec(struct mint_spec *);

/* One PKI and one leaf key for every test. */
static int
setup(void **state)
{
	(void)state;
	F.now = time(NULL);
	if (mint_pki_init(&F.pki, MINT_RSA, 0) == -1 ||
	    (F.key = mint_key(MINT_RSA, 0)) == NULL)
		return -1;
	return 0;
}

/* Free the fixture. */
static int
teardown(void **state)
{
	(void)state;
	size_t	 i;

	for (i = 0; i < NKEYS; i++)
		EVP_PKEY_free(tkeys[i]);
	EVP_PKEY_free(F.key);
	mint_pki_free(&F.pki);
	return 0;
}

/* The seed's Edge certificate, 90 days from a day ago. */
static void
leaf_spec(struct mint_spec *spec)
{
	mint_spec_edge(spec);
	spec->not_before = F.now - DAY;
	spec->not_after = F.now + 89 * DAY;
}

/* A leaf for key (F.key when NULL) under the PKI's intermediate. */
static X509 *
leaf_with(const struct mint_spec *spec, EVP_PKEY *key)
{
	X509	*x;

	x = mint_cert(spec, key != NULL ? key : F.key, F.pki.inter,
	    F.pki.inter_key);
	assert_non_null(x);
	return x;
}

/* An intermediate of the PKI's intermediate key under its root. */
static X509 *
inter_with(const struct mint_spec *spec)
{
	X509	*x;

	x = mint_cert(spec, F.pki.inter_key, F.pki.root, F.pki.root_key);
	assert_non_null(x);
	return x;
}

/* Run the rules over a chain into fs (initialised here). */
static void
judge(X509 *const *c, size_t n, struct findings *fs)
{
	STACK_OF(X509)	*sk;
	size_t		 i;

	findings_init(fs);
	sk = mint_stack(c, n);
	assert_non_null(sk);
	conform_check(sk, fs);
	sk_X509_pop_free(sk, X509_free);
	for (i = 0; i < fs->n; i++) {
		assert_int_equal(fs->v[i].code, F_NONCONFORMANT);
		assert_int_equal(fs->v[i].severity, SEV_WARNING);
	}
}

/* How many findings name the rule id. */
static size_t
count_rule(const struct findings *fs, const char *id)
{
	char	 tag[64];
	size_t	 i, n = 0;

	snprintf(tag, sizeof(tag), "(rule %s): ", id);
	for (i = 0; i < fs->n; i++)
		if (strstr(fs->v[i].message, tag) != NULL)
			n++;
	return n;
}

/*
 * The message a break of rule id on certificate x of the chain starts
 * with: "<role> <subject> (sha256 <8 hex>) breaks <section> (rule <id>):
 * <detail>; ", the rule's risk after it. Into want.
 */
static void
break_prefix(X509 *const *c, size_t n, X509 *x, const char *id,
    const char *section, const char *detail, char *want, size_t len)
{
	char		 sha[65], *subj;
	const char	*role;
	size_t		 idx;

	for (idx = 0; idx < n && c[idx] != x; idx++)
		;
	assert_true(idx < n);
	role = idx == 0 ? "leaf" : X509_self_signed(x, 0) == 1 ? "root" :
	    "intermediate";
	subj = chain_name_str(X509_get_subject_name(x));
	chain_sha256_hex(x, sha);
	snprintf(want, len, "%s %s (sha256 %.8s) breaks %s (rule %s): %s; ",
	    role, subj != NULL && *subj != '\0' ? subj :
	    "with an empty subject", sha, section, id, detail);
	free(subj);
}

/* The index of the finding of fs that names rule id, fs->n when none. */
static size_t
rule_at(const struct findings *fs, const char *id)
{
	char	 tag[64];
	size_t	 i;

	snprintf(tag, sizeof(tag), "(rule %s): ", id);
	for (i = 0; i < fs->n; i++)
		if (strstr(fs->v[i].message, tag) != NULL)
			break;
	return i;
}

/*
 * The chain breaks rule id on certificate x exactly once, with the message
 * break_prefix() gives followed by the rule's risk.
 */
static void
breaks(X509 *const *c, size_t n, X509 *x, const char *id,
    const char *section, const char *detail)
{
	struct findings	 fs;
	char		 want[1024];
	size_t		 i;

	break_prefix(c, n, x, id, section, detail, want, sizeof(want));
	judge(c, n, &fs);
	assert_int_equal(count_rule(&fs, id), 1);
	assert_true((i = rule_at(&fs, id)) < fs.n);
	assert_memory_equal(fs.v[i].message, want, strlen(want));
	assert_true(strlen(fs.v[i].message) > strlen(want) + 10);
	findings_free(&fs);
}

/* The chain does not break rule id. */
static void
keeps(X509 *const *c, size_t n, const char *id)
{
	struct findings	 fs;

	judge(c, n, &fs);
	assert_int_equal(count_rule(&fs, id), 0);
	findings_free(&fs);
}

/* A leaf minted from spec (under the intermediate) breaks the rule. */
static void
leaf_breaks(const struct mint_spec *spec, EVP_PKEY *key, const char *id,
    const char *section, const char *detail)
{
	X509	*c[2];

	c[0] = leaf_with(spec, key);
	c[1] = F.pki.inter;
	breaks(c, 2, c[0], id, section, detail);
	X509_free(c[0]);
}

/* A leaf minted from spec keeps the rule. */
static void
leaf_keeps(const struct mint_spec *spec, EVP_PKEY *key, const char *id)
{
	X509	*c[2];

	c[0] = leaf_with(spec, key);
	c[1] = F.pki.inter;
	keeps(c, 2, id);
	X509_free(c[0]);
}

/* An intermediate minted from spec, with a seed leaf under it, breaks it. */
static void
inter_breaks(const struct mint_spec *ispec, const char *id,
    const char *section, const char *detail)
{
	struct mint_spec	 spec;
	X509			*c[2];

	leaf_spec(&spec);
	/* Without the issuer's SKI the leaf can only name issuer + serial. */
	if (ispec->no_ski)
		spec.aki = "issuer:always";
	c[1] = inter_with(ispec);
	c[0] = mint_cert(&spec, F.key, c[1], F.pki.inter_key);
	assert_non_null(c[0]);
	breaks(c, 2, c[1], id, section, detail);
	X509_free(c[0]);
	X509_free(c[1]);
}

/* Likewise, keeping the rule. */
static void
inter_keeps(const struct mint_spec *ispec, const char *id)
{
	struct mint_spec	 spec;
	X509			*c[2];

	leaf_spec(&spec);
	c[1] = inter_with(ispec);
	c[0] = mint_cert(&spec, F.key, c[1], F.pki.inter_key);
	assert_non_null(c[0]);
	keeps(c, 2, id);
	X509_free(c[0]);
	X509_free(c[1]);
}

/* A CA spec like the PKI's intermediate. */
static void
ca_spec(struct mint_spec *ispec)
{
	memset(ispec, 0, sizeof(*ispec));
	ispec->cn = "EdgeProbe Test Intermediate CA";
	ispec->o = "EdgeProbe Test PKI";
	ispec->ca = 1;
	ispec->not_before = F.now - 30 * DAY;
	ispec->not_after = F.now + 1825 * DAY;
}

/* The test PKI's chains conform: no finding at all. */
static void
test_conforming_chains(void **state)
{
	struct mint_spec	 spec;
	struct findings		 fs;
	X509			*c[3];

	(void)state;
	leaf_spec(&spec);
	c[0] = leaf_with(&spec, NULL);
	c[1] = F.pki.inter;
	c[2] = F.pki.root;
	judge(c, 2, &fs);
	assert_int_equal(fs.n, 0);
	findings_free(&fs);
	judge(c, 3, &fs);
	assert_int_equal(fs.n, 0);
	findings_free(&fs);
	X509_free(c[0]);

	/* A self-signed leaf breaks none of these rules either. */
	c[0] = mint_cert(&spec, F.key, NULL, NULL);
	assert_non_null(c[0]);
	judge(c, 1, &fs);
	assert_int_equal(fs.n, 0);
	findings_free(&fs);
	X509_free(c[0]);

	/* An empty chain gives nothing. */
	findings_init(&fs);
	conform_check(NULL, &fs);
	assert_int_equal(fs.n, 0);
}

/* The table: 18 rules, ids unique, each with a section. */
static void
test_table(void **state)
{
	size_t	 i, j;

	(void)state;
	assert_int_equal(conform_nrules(), 18);
	for (i = 0; i < conform_nrules(); i++) {
		assert_non_null(conform_rule_id(i));
		assert_true(strlen(conform_rule_section(i)) > 4);
		for (j = 0; j < i; j++)
			assert_string_not_equal(conform_rule_id(i),
			    conform_rule_id(j));
	}
	assert_null(conform_rule_id(conform_nrules()));
	assert_string_equal(finding_code_name(F_NONCONFORMANT),
	    "NONCONFORMANT");
}

/* serial: zero, negative, 21 octets; twins of 1 and 20 octets. */
static void
test_serial(void **state)
{
	struct mint_spec	 spec;
	struct findings		 fs;
	X509			*c[2];
	char			 sha[65], want[1024];

	(void)state;
	leaf_spec(&spec);
	spec.serial_hex = "0";
	leaf_breaks(&spec, NULL, "serial", "RFC 5280 4.1.2.2",
	    "its serial number is zero");
	spec.serial_hex = "-01";
	leaf_breaks(&spec, NULL, "serial", "RFC 5280 4.1.2.2",
	    "its serial number is negative");
	spec.serial_hex = "01" "0102030405060708090a0b0c0d0e0f1011121314";
	leaf_breaks(&spec, NULL, "serial", "RFC 5280 4.1.2.2",
	    "its serial number is 21 octets long, more than 20");
	/* 0x80... takes a leading zero octet: 20 + 1. */
	spec.serial_hex = "80" "0102030405060708090a0b0c0d0e0f10111213";
	leaf_breaks(&spec, NULL, "serial", "RFC 5280 4.1.2.2",
	    "its serial number is 21 octets long, more than 20");
	spec.serial_hex = "7f" "0102030405060708090a0b0c0d0e0f10111213";
	leaf_keeps(&spec, NULL, "serial");
	spec.serial_hex = "01";
	leaf_keeps(&spec, NULL, "serial");

	/* One message in full, the risk included. */
	spec.serial_hex = "0";
	c[0] = leaf_with(&spec, NULL);
	c[1] = F.pki.inter;
	judge(c, 2, &fs);
	assert_int_equal(fs.n, 1);
	chain_sha256_hex(c[0], sha);
	snprintf(want, sizeof(want), "leaf CN=sip.contoso.com,O=Contoso "
	    "(sha256 %.8s) breaks RFC 5280 4.1.2.2 (rule serial): its serial "
	    "number is zero; stricter parsers (Go since 1.23, rustls/webpki) "
	    "may refuse the certificate outright", sha);
	assert_string_equal(fs.v[0].message, want);
	findings_free(&fs);
	X509_free(c[0]);
}

/* version: a v1 and a v2 leaf; the v3 twin. */
static void
test_version(void **state)
{
	struct mint_spec	 spec;

	(void)state;
	leaf_spec(&spec);
	spec.version = 1;
	leaf_breaks(&spec, NULL, "version", "RFC 5280 4.1.2.1",
	    "it is a v1 certificate, not v3");
	spec.version = 2;
	leaf_breaks(&spec, NULL, "version", "RFC 5280 4.1.2.1",
	    "it is a v2 certificate, not v3");
	spec.version = 0;
	leaf_keeps(&spec, NULL, "version");
}

/* ca-basic-constraints: absent, not critical, CA:FALSE; the twin. */
static void
test_ca_basic_constraints(void **state)
{
	struct mint_spec	 ispec;
	const char		*id = "ca-basic-constraints";

	(void)state;
	ca_spec(&ispec);
	ispec.basic_constraints = "CA:TRUE";
	inter_breaks(&ispec, id, "RFC 5280 4.2.1.9", "this CA certificate's "
	    "basicConstraints is not marked critical");
	ispec.basic_constraints = "";
	inter_breaks(&ispec, id, "RFC 5280 4.2.1.9", "this CA certificate "
	    "has no basicConstraints extension");
	ispec.basic_constraints = "critical,CA:FALSE";
	inter_breaks(&ispec, id, "RFC 5280 4.2.1.9",
	    "this issuer's basicConstraints says CA:FALSE");
	ispec.basic_constraints = NULL;
	inter_keeps(&ispec, id);
}

/* ca-key-cert-sign: keyUsage without keyCertSign, none; the twin. */
static void
test_ca_key_cert_sign(void **state)
{
	struct mint_spec	 ispec;
	const char		*id = "ca-key-cert-sign";

	(void)state;
	ca_spec(&ispec);
	ispec.key_usage = "critical,cRLSign";
	inter_breaks(&ispec, id, "RFC 5280 4.2.1.3", "this CA certificate's "
	    "keyUsage lacks keyCertSign");
	ispec.key_usage = "";
	inter_breaks(&ispec, id, "RFC 5280 4.2.1.3", "this CA certificate "
	    "has no keyUsage extension");
	ispec.key_usage = NULL;
	inter_keeps(&ispec, id);
}

/* ca-ski: an intermediate without subjectKeyIdentifier; the twin. */
static void
test_ca_ski(void **state)
{
	struct mint_spec	 ispec;

	(void)state;
	ca_spec(&ispec);
	ispec.no_ski = 1;
	inter_breaks(&ispec, "ca-ski", "RFC 5280 4.2.1.2",
	    "this CA certificate has no subjectKeyIdentifier");
	ispec.no_ski = 0;
	inter_keeps(&ispec, "ca-ski");
}

/* aki: none, issuer and serial only; the twin with a keyIdentifier. */
static void
test_aki(void **state)
{
	struct mint_spec	 spec;

	(void)state;
	leaf_spec(&spec);
	spec.aki = "";
	leaf_breaks(&spec, NULL, "aki", "RFC 5280 4.2.1.1",
	    "it is not self-signed and has no authorityKeyIdentifier");
	spec.aki = "issuer:always";
	leaf_breaks(&spec, NULL, "aki", "RFC 5280 4.2.1.1",
	    "its authorityKeyIdentifier has no keyIdentifier");
	spec.aki = NULL;
	leaf_keeps(&spec, NULL, "aki");
}

/* leaf-ca: CA:TRUE with keyCertSign, keyCertSign alone; the twin. */
static void
test_leaf_ca(void **state)
{
	struct mint_spec	 spec;
	const char		*sec = "BR 7.1.2.7.8, 7.1.2.7.11";

	(void)state;
	leaf_spec(&spec);
	spec.ca = 1;
	leaf_breaks(&spec, NULL, "leaf-ca", sec, "the server certificate has "
	    "basicConstraints CA:TRUE and has keyUsage keyCertSign");
	spec.ca = 0;
	spec.key_usage = "critical,digitalSignature,keyCertSign";
	leaf_breaks(&spec, NULL, "leaf-ca", sec,
	    "the server certificate has keyUsage keyCertSign");
	spec.key_usage = NULL;
	leaf_keeps(&spec, NULL, "leaf-ca");
}

/* leaf-any-eku: anyExtendedKeyUsage beside serverAuth; the twin. */
static void
test_leaf_any_eku(void **state)
{
	struct mint_spec	 spec;

	(void)state;
	leaf_spec(&spec);
	spec.eku = MINT_EKU_SERVER | MINT_EKU_CLIENT | MINT_EKU_ANY;
	leaf_breaks(&spec, NULL, "leaf-any-eku", "BR 7.1.2.7.10",
	    "its extendedKeyUsage holds anyExtendedKeyUsage");
	spec.eku = MINT_EKU_SERVER | MINT_EKU_CLIENT;
	leaf_keeps(&spec, NULL, "leaf-any-eku");
}

/* root-eku: a sent root with an EKU; the PKI's root without one. */
static void
test_root_eku(void **state)
{
	struct mint_spec	 rspec, ispec, spec;
	X509			*c[3];

	(void)state;
	ca_spec(&rspec);
	rspec.cn = "EdgeProbe EKU Root CA";
	rspec.eku = MINT_EKU_SERVER;
	c[2] = mint_cert(&rspec, F.pki.root_key, NULL, NULL);
	assert_non_null(c[2]);
	ca_spec(&ispec);
	c[1] = mint_cert(&ispec, F.pki.inter_key, c[2], F.pki.root_key);
	assert_non_null(c[1]);
	leaf_spec(&spec);
	c[0] = mint_cert(&spec, F.key, c[1], F.pki.inter_key);
	assert_non_null(c[0]);
	breaks(c, 3, c[2], "root-eku", "BR 7.1.2.1.2",
	    "this root has an extendedKeyUsage extension");
	/* The same EKU on the intermediate is not this rule's business. */
	keeps(c, 2, "root-eku");
	X509_free(c[0]);
	X509_free(c[1]);
	X509_free(c[2]);

	c[0] = leaf_with(&spec, NULL);
	c[1] = F.pki.inter;
	c[2] = F.pki.root;
	keeps(c, 3, "root-eku");
	X509_free(c[0]);
}

/* san-critical: both directions; both twins. */
static void
test_san_critical(void **state)
{
	struct mint_spec	 spec;

	(void)state;
	leaf_spec(&spec);
	spec.san_critical = 1;
	leaf_breaks(&spec, NULL, "san-critical", "RFC 5280 4.2.1.6",
	    "its subjectAltName is marked critical although its subject is "
	    "not empty");
	spec.cn = NULL;
	spec.o = NULL;
	leaf_keeps(&spec, NULL, "san-critical");
	spec.san_critical = 0;
	leaf_breaks(&spec, NULL, "san-critical", "RFC 5280 4.2.1.6",
	    "its subject is empty and its subjectAltName is not marked "
	    "critical");
	leaf_spec(&spec);
	leaf_keeps(&spec, NULL, "san-critical");
}

/* dns-syntax: one finding for several bad names; each reason; the twin. */
static void
test_dns_syntax(void **state)
{
	static const char *const two[] = { "sip.contoso.com",
	    "_sip.contoso.com", "a..b.contoso.com" };
	static const struct {
		const char	*name;
		const char	*why;
	} t[] = {
		{ ".contoso.com", "starts with a dot" },
		{ "sip.contoso.com.", "ends with a dot" },
		{ "sip..contoso.com", "has an empty label" },
		{ "-sip.contoso.com", "has a label that starts or ends with "
		    "a hyphen" },
		{ "sip.contoso.com:5061", "contains a character other than a "
		    "letter, a digit or a hyphen" },
	};
	static const char *const good[] = { "sip.contoso.com",
	    "xn--bcher-kva.contoso.com", "sip-1.contoso.com", "*.contoso.com" };
	struct mint_spec	 spec;
	char			 why[256];
	const char		*one[1];
	size_t			 i;

	(void)state;
	leaf_spec(&spec);
	spec.dns = two;
	spec.ndns = 3;
	leaf_breaks(&spec, NULL, "dns-syntax", "RFC 5280 4.2.1.6, RFC 1034 3.5",
	    "its DNS SAN \"_sip.contoso.com\" contains an underscore (and 1 "
	    "more malformed DNS SAN)");
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		one[0] = t[i].name;
		spec.dns = one;
		spec.ndns = 1;
		snprintf(why, sizeof(why), "its DNS SAN \"%s\" %s", t[i].name,
		    t[i].why);
		leaf_breaks(&spec, NULL, "dns-syntax",
		    "RFC 5280 4.2.1.6, RFC 1034 3.5", why);
	}
	spec.dns = good;
	spec.ndns = 4;
	leaf_keeps(&spec, NULL, "dns-syntax");
}

/* dns-wildcard: partial, inner and bare wildcards; the whole-label twin. */
static void
test_dns_wildcard(void **state)
{
	static const char *const bad[] = { "s*.contoso.com",
	    "sip.*.contoso.com", "*" };
	static const char *const good[] = { "*.contoso.com" };
	struct mint_spec	 spec;
	char			 why[256];
	size_t			 i;

	(void)state;
	leaf_spec(&spec);
	for (i = 0; i < 3; i++) {
		spec.dns = &bad[i];
		spec.ndns = 1;
		snprintf(why, sizeof(why), "its DNS SAN \"%s\" has a wildcard "
		    "that is not a whole leftmost label followed by a domain",
		    bad[i]);
		leaf_breaks(&spec, NULL, "dns-wildcard", "BR 7.1.2.7.12", why);
	}
	spec.dns = good;
	leaf_keeps(&spec, NULL, "dns-wildcard");
}

/* wildcard-public-suffix: *.co.uk, *.com; the twin *.contoso.co.uk. */
static void
test_wildcard_public_suffix(void **state)
{
	static const char *const couk[] = { "*.co.uk" };
	static const char *const com[] = { "*.COM" };
	static const char *const good[] = { "*.contoso.co.uk" };
	struct mint_spec	 spec;

	(void)state;
	leaf_spec(&spec);
	spec.ndns = 1;
	spec.dns = couk;
	leaf_breaks(&spec, NULL, "wildcard-public-suffix", "BR 3.2.2.6",
	    "its DNS SAN \"*.co.uk\" is a wildcard over the public suffix "
	    "co.uk");
	spec.dns = com;
	leaf_breaks(&spec, NULL, "wildcard-public-suffix", "BR 3.2.2.6",
	    "its DNS SAN \"*.COM\" is a wildcard over the public suffix com");
	spec.dns = good;
	leaf_keeps(&spec, NULL, "wildcard-public-suffix");
}

/* rsa-key: 1024 and 2052 bits; the 2048 twin. */
static void
test_rsa_key(void **state)
{
	struct mint_spec	 spec;
	EVP_PKEY		*k;

	(void)state;
	leaf_spec(&spec);
	k = mint_key(MINT_RSA, 1024);
	assert_non_null(k);
	leaf_breaks(&spec, k, "rsa-key", "BR 6.1.5",
	    "its RSA modulus has 1024 bits, fewer than 2048");
	EVP_PKEY_free(k);
	k = mint_key(MINT_RSA, 2052);
	assert_non_null(k);
	assert_int_equal(EVP_PKEY_get_bits(k), 2052);
	leaf_breaks(&spec, k, "rsa-key", "BR 6.1.5",
	    "its RSA modulus has 2052 bits, not a multiple of 8");
	EVP_PKEY_free(k);
	leaf_keeps(&spec, NULL, "rsa-key");
}

/* ec-curve: secp256k1 and brainpoolP256r1; P-256, P-384, P-521 twins. */
static void
test_ec_curve(void **state)
{
	static const char *const bad[] = { "secp256k1", "brainpoolP256r1" };
	static const char *const good[] = { "P-256", "P-384", "P-521" };
	struct mint_spec	 spec;
	EVP_PKEY		*k;
	char			 why[256];
	size_t			 i;

	(void)state;
	leaf_spec(&spec);
	for (i = 0; i < 2; i++) {
		k = mint_key_ec_curve(bad[i]);
		assert_non_null(k);
		snprintf(why, sizeof(why), "its EC key is on the curve %s, not "
		    "P-256, P-384 or P-521", bad[i]);
		leaf_breaks(&spec, k, "ec-curve", "BR 6.1.5", why);
		EVP_PKEY_free(k);
	}
	for (i = 0; i < 3; i++) {
		k = mint_key_ec_curve(good[i]);
		assert_non_null(k);
		leaf_keeps(&spec, k, "ec-curve");
		EVP_PKEY_free(k);
	}
}

/* dsa-key: a DSA-2048 leaf; the RSA twin. */
static void
test_dsa_key(void **state)
{
	struct mint_spec	 spec;
	EVP_PKEY		*k;

	(void)state;
	leaf_spec(&spec);
	k = mint_key_dsa(2048);
	assert_non_null(k);
	leaf_breaks(&spec, k, "dsa-key", "BR 6.1.5",
	    "it has a DSA-2048 key; the BR allow RSA and ECDSA only");
	EVP_PKEY_free(k);
	leaf_keeps(&spec, NULL, "dsa-key");
}

/* uri-http: an ldap CRL DP, an https AIA; the http twins. */
static void
test_uri_http(void **state)
{
	struct mint_spec	 spec;
	const char		*sec = "BR 7.1.2.7.7, 7.1.2.11.2";

	(void)state;
	leaf_spec(&spec);
	spec.crl_dp = "ldap://ldap.example.test/cn=edge";
	leaf_breaks(&spec, NULL, "uri-http", sec, "its CRL Distribution "
	    "Point URI ldap://ldap.example.test/cn=edge is not an http:// URL");
	leaf_spec(&spec);
	spec.aia = "caIssuers;URI:https://ca.example.test/inter.crt";
	leaf_breaks(&spec, NULL, "uri-http", sec, "its authorityInfoAccess "
	    "URI https://ca.example.test/inter.crt is not an http:// URL");
	spec.aia = "caIssuers;URI:http://ca.example.test/inter.crt,"
	    "OCSP;URI:HTTP://ocsp.example.test/";
	leaf_keeps(&spec, NULL, "uri-http");
}

/*
 * name-constraints: an excluded name a wildcard SAN covers, which OpenSSL
 * accepts; twins: a literal SAN, and a break OpenSSL already rejects
 * (UNTRUSTED through policy_evaluate, no NONCONFORMANT for the rule).
 */
static void
test_name_constraints(void **state)
{
	static const char *const wild[] = { "*.contoso.com" };
	static const char *const secret[] = { "secret.contoso.com" };
	static const char *const sip[] = { "sip.contoso.com" };
	struct mint_spec	 ispec, spec;
	struct policy		 pol;
	struct findings		 fs;
	STACK_OF(X509)		*sk;
	X509_STORE		*store;
	X509			*c[2];

	(void)state;
	ca_spec(&ispec);
	ispec.name_constraints = "critical,excluded;DNS:secret.contoso.com";
	c[1] = inter_with(&ispec);
	leaf_spec(&spec);
	spec.cn = "*.contoso.com";
	spec.dns = wild;
	spec.ndns = 1;
	c[0] = mint_cert(&spec, F.key, c[1], F.pki.inter_key);
	assert_non_null(c[0]);
	breaks(c, 2, c[1], "name-constraints", "RFC 5280 4.2.1.10",
	    "its name constraints exclude secret.contoso.com, which the "
	    "leaf's DNS SAN \"*.contoso.com\" covers");
	X509_free(c[0]);

	spec.cn = "sip.contoso.com";
	spec.dns = sip;
	c[0] = mint_cert(&spec, F.key, c[1], F.pki.inter_key);
	assert_non_null(c[0]);
	keeps(c, 2, "name-constraints");
	X509_free(c[0]);

	spec.cn = "secret.contoso.com";
	spec.dns = secret;
	c[0] = mint_cert(&spec, F.key, c[1], F.pki.inter_key);
	assert_non_null(c[0]);
	keeps(c, 2, "name-constraints");
	memset(&pol, 0, sizeof(pol));
	pol.warn_days = 30;
	pol.crit_days = 7;
	store = X509_STORE_new();
	assert_non_null(store);
	assert_int_equal(X509_STORE_add_cert(store, F.pki.root), 1);
	sk = mint_stack(c, 2);
	assert_non_null(sk);
	findings_init(&fs);
	assert_int_equal(policy_evaluate(&pol, sk, store, F.now, &fs, NULL),
	    0);
	assert_true(findings_has(&fs, F_UNTRUSTED));
	assert_int_equal(count_rule(&fs, "name-constraints"), 0);
	findings_free(&fs);
	sk_X509_pop_free(sk, X509_free);
	X509_STORE_free(store);
	X509_free(c[0]);
	X509_free(c[1]);
}

/*
 * The twins through the real binary: for each rule a chain that breaks it
 * and a conforming twin, each judged by `edgeprobe cert` on the chain as
 * a PEM file and by `edgeprobe probe` against a loopback TLS server
 * (tests/lib/tlsserver.c) that sends the same chain with its key. Both
 * run under libfaketime frozen at F.now (tests/lib/runbin.c); a frozen
 * clock does not stop a loopback handshake, and no verdict here depends
 * on the second anyway. The binary's NONCONFORMANT findings must be the
 * unit judgement's (conform_check over the chain as sent), all warnings,
 * in order, message for message; a break has exactly one finding for its
 * rule, starting as breaks() wants; a twin has none at all. The other
 * findings (a probe's or the seed policy's) are not compared, but the
 * JSON status and the exit status must be the worst of all of them.
 *
 * Cases no TLS server can present in a handshake edgeprobe accepts have
 * a cert twin only (noprobe says why).
 */
enum tshape {
	SH_LEAF = 0,	/* leaf under the PKI's intermediate; breaks: leaf */
	SH_INTER,	/* a minted intermediate under the PKI's root */
	SH_ROOT		/* leaf, intermediate and a minted root, all sent */
};


struct tcase {
	const char	*name;
	enum tshape	 shape;
	enum tkey	 key;		/* the leaf's */
	void		(*ca)(struct mint_spec *);	/* SH_INTER, SH_ROOT */
	void		(*leaf)(struct mint_spec *);
	const char	*id;
	const char	*section;
	const char	*detail;	/* NULL: a conforming twin */
	const char	*noprobe;	/* why there is no probe twin */
};

/* A case's chain as sent, the leaf's key and the CA file's root. */
struct tchain {
	X509		*c[3];
	size_t		 n;
	EVP_PKEY	*key;
	X509		*anchor;
	X509		*about;		/* the certificate a break is about */
};

static const char *const dns_bad[] = { "sip.contoso.com", "_sip.contoso.com",
    "a..b.contoso.com" };
static const char *const dns_good[] = { "sip.contoso.com",
    "xn--bcher-kva.contoso.com", "sip-1.contoso.com", "*.contoso.com" };
static const char *const dns_partial[] = { "s*.contoso.com" };
static const char *const dns_wild[] = { "*.contoso.com" };
static const char *const dns_couk[] = { "*.co.uk" };
static const char *const dns_contoso_couk[] = { "*.contoso.co.uk" };
static const char *const dns_sip[] = { "sip.contoso.com" };

static void t_serial0(struct mint_spec *s) { s->serial_hex = "0"; }
static void t_serial1(struct mint_spec *s) { s->serial_hex = "01"; }
static void t_v1(struct mint_spec *s) { s->version = 1; }
static void t_bc_noncrit(struct mint_spec *s) { s->basic_constraints = "CA:TRUE"; }
static void t_ku_crl(struct mint_spec *s) { s->key_usage = "critical,cRLSign"; }
static void t_no_ski(struct mint_spec *s) { s->no_ski = 1; }
static void t_aki_issuer(struct mint_spec *s) { s->aki = "issuer:always"; }
static void t_aki_none(struct mint_spec *s) { s->aki = ""; }
static void t_leaf_ca(struct mint_spec *s) { s->ca = 1; }
static void t_eku_any(struct mint_spec *s)
{ s->eku = MINT_EKU_SERVER | MINT_EKU_CLIENT | MINT_EKU_ANY; }
static void t_eku_root(struct mint_spec *s)
{ s->cn = "EdgeProbe EKU Root CA"; s->eku = MINT_EKU_SERVER; }
static void t_root(struct mint_spec *s) { s->cn = "EdgeProbe Twin Root CA"; }
static void t_san_crit(struct mint_spec *s) { s->san_critical = 1; }
static void t_dns_bad(struct mint_spec *s) { s->dns = dns_bad; s->ndns = 3; }
static void t_dns_good(struct mint_spec *s) { s->dns = dns_good; s->ndns = 4; }
static void t_dns_partial(struct mint_spec *s)
{ s->dns = dns_partial; s->ndns = 1; }
static void t_dns_wild(struct mint_spec *s) { s->dns = dns_wild; s->ndns = 1; }
static void t_dns_couk(struct mint_spec *s) { s->dns = dns_couk; s->ndns = 1; }
static void t_dns_contoso_couk(struct mint_spec *s)
{ s->dns = dns_contoso_couk; s->ndns = 1; }
static void t_crl_ldap(struct mint_spec *s)
{ s->crl_dp = "ldap://ldap.example.test/cn=edge"; }
static void t_aia_http(struct mint_spec *s)
{ s->aia = "caIssuers;URI:http://ca.example.test/inter.crt,"
    "OCSP;URI:HTTP://ocsp.example.test/"; }
static void t_nc(struct mint_spec *s)
{ s->name_constraints = "critical,excluded;DNS:secret.contoso.com"; }
static void t_nc_wild(struct mint_spec *s)
{ s->cn = "*.contoso.com"; s->dns = dns_wild; s->ndns = 1; }
static void t_nc_sip(struct mint_spec *s) { s->dns = dns_sip; s->ndns = 1; }

/*
 * A leaf key no TLS 1.3 or 1.2 signature algorithm both sides offer covers
 * (a DSA key, a secp256k1 or brainpoolP256r1 EC key): the server's
 * certificate cannot be presented, and at security level 0 both sides
 * fall back to an anonymous TLS 1.2 suite (ADH-AES256-GCM-SHA384) with no
 * certificate at all. Such cases have no probe twin. (edgeprobe reports
 * that anonymous handshake as OK, exit 0, no finding: see the README's
 * Tests section and the branch's report.)
 */
#define NOPROBE_KEY	"no signature algorithm for this key: the " \
	"handshake falls back to anonymous ADH, no certificate sent"

static const struct tcase tcases[] = {
	{ "serial: zero", SH_LEAF, K_RSA, NULL, t_serial0, "serial",
	    "RFC 5280 4.1.2.2", "its serial number is zero", NULL },
	{ "serial twin: 01", SH_LEAF, K_RSA, NULL, t_serial1, "serial",
	    NULL, NULL, NULL },
	{ "version: v1", SH_LEAF, K_RSA, NULL, t_v1, "version",
	    "RFC 5280 4.1.2.1", "it is a v1 certificate, not v3", NULL },
	{ "version twin: v3", SH_LEAF, K_RSA, NULL, NULL, "version",
	    NULL, NULL, NULL },
	{ "ca-basic-constraints: not critical", SH_INTER, K_RSA, t_bc_noncrit,
	    NULL, "ca-basic-constraints", "RFC 5280 4.2.1.9",
	    "this CA certificate's basicConstraints is not marked critical",
	    NULL },
	{ "ca-basic-constraints twin: critical", SH_INTER, K_RSA, NULL, NULL,
	    "ca-basic-constraints", NULL, NULL, NULL },
	{ "ca-key-cert-sign: cRLSign only", SH_INTER, K_RSA, t_ku_crl, NULL,
	    "ca-key-cert-sign", "RFC 5280 4.2.1.3",
	    "this CA certificate's keyUsage lacks keyCertSign", NULL },
	{ "ca-key-cert-sign twin: keyCertSign", SH_INTER, K_RSA, NULL, NULL,
	    "ca-key-cert-sign", NULL, NULL, NULL },
	{ "ca-ski: none", SH_INTER, K_RSA, t_no_ski, t_aki_issuer, "ca-ski",
	    "RFC 5280 4.2.1.2",
	    "this CA certificate has no subjectKeyIdentifier", NULL },
	{ "ca-ski twin: present", SH_INTER, K_RSA, NULL, NULL, "ca-ski",
	    NULL, NULL, NULL },
	{ "aki: none", SH_LEAF, K_RSA, NULL, t_aki_none, "aki",
	    "RFC 5280 4.2.1.1",
	    "it is not self-signed and has no authorityKeyIdentifier", NULL },
	{ "aki twin: keyIdentifier", SH_LEAF, K_RSA, NULL, NULL, "aki",
	    NULL, NULL, NULL },
	{ "leaf-ca: CA:TRUE", SH_LEAF, K_RSA, NULL, t_leaf_ca, "leaf-ca",
	    "BR 7.1.2.7.8, 7.1.2.7.11", "the server certificate has "
	    "basicConstraints CA:TRUE and has keyUsage keyCertSign", NULL },
	{ "leaf-ca twin: CA:FALSE", SH_LEAF, K_RSA, NULL, NULL, "leaf-ca",
	    NULL, NULL, NULL },
	{ "leaf-any-eku: anyExtendedKeyUsage", SH_LEAF, K_RSA, NULL,
	    t_eku_any, "leaf-any-eku", "BR 7.1.2.7.10",
	    "its extendedKeyUsage holds anyExtendedKeyUsage", NULL },
	{ "leaf-any-eku twin: server and client", SH_LEAF, K_RSA, NULL, NULL,
	    "leaf-any-eku", NULL, NULL, NULL },
	{ "root-eku: a sent root with serverAuth", SH_ROOT, K_RSA, t_eku_root,
	    NULL, "root-eku", "BR 7.1.2.1.2",
	    "this root has an extendedKeyUsage extension", NULL },
	{ "root-eku twin: a sent root without EKU", SH_ROOT, K_RSA, t_root,
	    NULL, "root-eku", NULL, NULL, NULL },
	{ "san-critical: critical with a subject", SH_LEAF, K_RSA, NULL,
	    t_san_crit, "san-critical", "RFC 5280 4.2.1.6",
	    "its subjectAltName is marked critical although its subject is "
	    "not empty", NULL },
	{ "san-critical twin: not critical", SH_LEAF, K_RSA, NULL, NULL,
	    "san-critical", NULL, NULL, NULL },
	{ "dns-syntax: underscore and empty label", SH_LEAF, K_RSA, NULL,
	    t_dns_bad, "dns-syntax", "RFC 5280 4.2.1.6, RFC 1034 3.5",
	    "its DNS SAN \"_sip.contoso.com\" contains an underscore (and 1 "
	    "more malformed DNS SAN)", NULL },
	{ "dns-syntax twin: IDN, hyphen, wildcard", SH_LEAF, K_RSA, NULL,
	    t_dns_good, "dns-syntax", NULL, NULL, NULL },
	{ "dns-wildcard: partial label", SH_LEAF, K_RSA, NULL, t_dns_partial,
	    "dns-wildcard", "BR 7.1.2.7.12", "its DNS SAN \"s*.contoso.com\" "
	    "has a wildcard that is not a whole leftmost label followed by a "
	    "domain", NULL },
	{ "dns-wildcard twin: whole label", SH_LEAF, K_RSA, NULL, t_dns_wild,
	    "dns-wildcard", NULL, NULL, NULL },
	{ "wildcard-public-suffix: *.co.uk", SH_LEAF, K_RSA, NULL,
	    t_dns_couk, "wildcard-public-suffix", "BR 3.2.2.6",
	    "its DNS SAN \"*.co.uk\" is a wildcard over the public suffix "
	    "co.uk", NULL },
	{ "wildcard-public-suffix twin: *.contoso.co.uk", SH_LEAF, K_RSA,
	    NULL, t_dns_contoso_couk, "wildcard-public-suffix", NULL, NULL,
	    NULL },
	{ "rsa-key: 1024 bits", SH_LEAF, K_RSA1024, NULL, NULL, "rsa-key",
	    "BR 6.1.5", "its RSA modulus has 1024 bits, fewer than 2048",
	    NULL },
	{ "rsa-key: 2052 bits", SH_LEAF, K_RSA2052, NULL, NULL, "rsa-key",
	    "BR 6.1.5", "its RSA modulus has 2052 bits, not a multiple of 8",
	    NULL },
	{ "rsa-key twin: 2048 bits", SH_LEAF, K_RSA, NULL, NULL, "rsa-key",
	    NULL, NULL, NULL },
	{ "ec-curve: secp256k1", SH_LEAF, K_SECP256K1, NULL, NULL, "ec-curve",
	    "BR 6.1.5", "its EC key is on the curve secp256k1, not P-256, "
	    "P-384 or P-521", NOPROBE_KEY },
	{ "ec-curve: brainpoolP256r1", SH_LEAF, K_BRAINPOOL, NULL, NULL,
	    "ec-curve", "BR 6.1.5", "its EC key is on the curve "
	    "brainpoolP256r1, not P-256, P-384 or P-521", NOPROBE_KEY },
	{ "ec-curve twin: P-384", SH_LEAF, K_P384, NULL, NULL, "ec-curve",
	    NULL, NULL, NULL },
	{ "dsa-key: DSA-2048", SH_LEAF, K_DSA, NULL, NULL, "dsa-key",
	    "BR 6.1.5", "it has a DSA-2048 key; the BR allow RSA and ECDSA "
	    "only", NOPROBE_KEY },
	{ "dsa-key twin: RSA", SH_LEAF, K_RSA, NULL, NULL, "dsa-key", NULL,
	    NULL, NULL },
	{ "uri-http: an ldap CRL DP", SH_LEAF, K_RSA, NULL, t_crl_ldap,
	    "uri-http", "BR 7.1.2.7.7, 7.1.2.11.2", "its CRL Distribution "
	    "Point URI ldap://ldap.example.test/cn=edge is not an http:// URL",
	    NULL },
	{ "uri-http twin: http AIA", SH_LEAF, K_RSA, NULL, t_aia_http,
	    "uri-http", NULL, NULL, NULL },
	{ "name-constraints: an excluded name under a wildcard", SH_INTER,
	    K_RSA, t_nc, t_nc_wild, "name-constraints", "RFC 5280 4.2.1.10",
	    "its name constraints exclude secret.contoso.com, which the "
	    "leaf's DNS SAN \"*.contoso.com\" covers", NULL },
	{ "name-constraints twin: a literal SAN", SH_INTER, K_RSA, t_nc,
	    t_nc_sip, "name-constraints", NULL, NULL, NULL },
};
#define NTCASES	(sizeof(tcases) / sizeof(tcases[0]))

/* The key of a kind, made once for the group. */
static EVP_PKEY *
tkey(enum tkey k)
{
	static const int rsabits[] = { [K_RSA1024] = 1024, [K_RSA2052] = 2052 };

	if (k == K_RSA)
		return F.key;
	if (tkeys[k] != NULL)
		return tkeys[k];
	switch (k) {
	case K_RSA1024:
	case K_RSA2052:
		tkeys[k] = mint_key(MINT_RSA, rsabits[k]);
		break;
	case K_SECP256K1:
		tkeys[k] = mint_key_ec_curve("secp256k1");
		break;
	case K_BRAINPOOL:
		tkeys[k] = mint_key_ec_curve("brainpoolP256r1");
		break;
	case K_P384:
		tkeys[k] = mint_key_ec_curve("P-384");
		break;
	default:
		tkeys[k] = mint_key_dsa(2048);
		break;
	}
	assert_non_null(tkeys[k]);
	return tkeys[k];
}

/* Mint a case's chain. */
static void
tchain_mint(const struct tcase *t, struct tchain *ch)
{
	struct mint_spec	 spec, cspec, ispec;
	X509			*root = NULL, *inter = F.pki.inter;

	memset(ch, 0, sizeof(*ch));
	ch->key = tkey(t->key);
	ca_spec(&cspec);
	if (t->ca != NULL)
		t->ca(&cspec);
	leaf_spec(&spec);
	if (t->leaf != NULL)
		t->leaf(&spec);
	ch->anchor = F.pki.root;
	if (t->shape == SH_INTER) {
		inter = inter_with(&cspec);
		ch->c[1] = inter;
		ch->about = inter;
	} else if (t->shape == SH_ROOT) {
		assert_non_null(root = mint_cert(&cspec, F.pki.root_key, NULL,
		    NULL));
		ca_spec(&ispec);
		assert_non_null(inter = mint_cert(&ispec, F.pki.inter_key,
		    root, F.pki.root_key));
		ch->c[1] = inter;
		ch->c[2] = root;
		ch->anchor = root;
		ch->about = root;
	} else {
		assert_int_equal(X509_up_ref(inter), 1);
		ch->c[1] = inter;
	}
	assert_non_null(ch->c[0] = mint_cert(&spec, ch->key, inter,
	    F.pki.inter_key));
	if (t->shape == SH_LEAF)
		ch->about = ch->c[0];
	ch->n = root != NULL ? 3 : 2;
}

static void
tchain_free(struct tchain *ch)
{
	size_t	 i;

	for (i = 0; i < ch->n; i++)
		X509_free(ch->c[i]);
}

/* The status a JSON severity gives. */
static enum status
tstatus(const char *sev)
{
	if (sev != NULL && strcmp(sev, "critical") == 0)
		return STATUS_CRITICAL;
	if (sev != NULL && strcmp(sev, "warning") == 0)
		return STATUS_WARNING;
	return STATUS_OK;
}

/*
 * What the binary said against the unit judgement fs and the case; the
 * first disagreement into why (empty: none).
 */
static void
tcompare(const struct tcase *t, const struct tchain *ch,
    const struct findings *fs, json_t *doc, int rc, char *why, size_t len)
{
	json_t		*r, *jf, *f;
	const char	*code, *sev, *msg, *st;
	char		 codes[1024], want[1024];
	enum status	 worst = STATUS_OK, s;
	size_t		 i, k = 0;

	r = json_array_get(json_object_get(doc, "results"), 0);
	if ((jf = runbin_findings(doc, codes, sizeof(codes))) == NULL) {
		snprintf(why, len, "no .results[0].findings (JSON without "
		    "results)");
		return;
	}
	json_array_foreach(jf, i, f)
		if ((s = tstatus(json_string_value(json_object_get(f,
		    "severity")))) > worst)
			worst = s;
	json_array_foreach(jf, i, f) {
		code = json_string_value(json_object_get(f, "code"));
		if (code == NULL || strcmp(code, "NONCONFORMANT") != 0)
			continue;
		sev = json_string_value(json_object_get(f, "severity"));
		msg = json_string_value(json_object_get(f, "message"));
		if (k >= fs->n) {
			snprintf(why, len, "a NONCONFORMANT finding the unit "
			    "judgement has not: \"%s\" (codes %s)",
			    msg != NULL ? msg : "none", codes);
			return;
		}
		if (sev == NULL || strcmp(sev, "warning") != 0) {
			snprintf(why, len, "NONCONFORMANT of severity %s",
			    sev != NULL ? sev : "none");
			return;
		}
		if (msg == NULL || strcmp(msg, fs->v[k].message) != 0) {
			snprintf(why, len, "message \"%s\", the unit judgement "
			    "\"%s\"", msg != NULL ? msg : "none",
			    fs->v[k].message);
			return;
		}
		k++;
	}
	if (k != fs->n) {
		snprintf(why, len, "%zu NONCONFORMANT findings, the unit "
		    "judgement %zu (codes %s)", k, fs->n, codes);
		return;
	}
	if (t->detail != NULL) {
		break_prefix(ch->c, ch->n, ch->about, t->id, t->section,
		    t->detail, want, sizeof(want));
		if (count_rule(fs, t->id) != 1 || strncmp(fs->v[rule_at(fs,
		    t->id)].message, want, strlen(want)) != 0) {
			snprintf(why, len, "no single finding \"%s...\"", want);
			return;
		}
	} else if (fs->n != 0) {
		snprintf(why, len, "the twin breaks a rule: %s",
		    fs->v[0].message);
		return;
	}
	st = json_string_value(json_object_get(r, "status"));
	if (st == NULL || strcmp(st, status_name(worst)) != 0) {
		snprintf(why, len, "status %s, the worst finding's %s (codes "
		    "%s)", st != NULL ? st : "none", status_name(worst), codes);
		return;
	}
	if (rc != (int)worst)
		snprintf(why, len, "exit %d, expected %d (%s)", rc, (int)worst,
		    status_name(worst));
}

/* One twin: mint, write the files, run the binary, compare. */
static void
ttwin(const struct tcase *t, int probe)
{
	struct tchain		 ch;
	struct findings		 fs;
	struct tlsserver_spec	 ss;
	struct tlsserver	*ts = NULL;
	json_t			*doc;
	char			 bin[PATH_MAX], ft[PATH_MAX], dir[PATH_MAX];
	char			 chainf[PATH_MAX + 16], caf[PATH_MAX + 16];
	char			 when[32], target[64], why[2048] = "";
	char			*argv[16], *err = NULL;
	size_t			 na = 0;
	int			 rc;

	runbin_binary(bin, sizeof(bin));
	runbin_faketime(ft, sizeof(ft));
	tchain_mint(t, &ch);
	judge(ch.c, ch.n, &fs);
	runbin_tmpdir(dir, sizeof(dir), "epconform");
	snprintf(chainf, sizeof(chainf), "%s/chain.pem", dir);
	snprintf(caf, sizeof(caf), "%s/ca.pem", dir);
	runbin_pem(chainf, ch.c, ch.n);
	runbin_pem(caf, &ch.anchor, 1);
	runbin_when(F.now, when, sizeof(when));
#define ARG(s)	(argv[na++] = (char *)(uintptr_t)(s))
	ARG(ft); ARG("-f"); ARG(when); ARG(bin);
	if (probe) {
		memset(&ss, 0, sizeof(ss));
		ss.mode = TS_TLS;
		ss.leaf = ch.c[0];
		ss.key = ch.key;
		ss.extra = ch.c + 1;
		ss.nextra = ch.n - 1;
		assert_non_null(ts = tlsserver_start(&ss));
		snprintf(target, sizeof(target), "127.0.0.1:%d",
		    tlsserver_port(ts));
		ARG("probe"); ARG(target);
	} else {
		ARG("cert"); ARG(chainf);
	}
	ARG("--sni"); ARG("sip.contoso.com"); ARG("--ca-file"); ARG(caf);
	ARG("--json");
	argv[na] = NULL;
#undef ARG
	if ((doc = runbin_json(argv, dir, &rc, &err, why, sizeof(why))) !=
	    NULL) {
		tcompare(t, &ch, &fs, doc, rc, why, sizeof(why));
		json_decref(doc);
	}
	if (why[0] == '\0' && err[0] != '\0')
		snprintf(why, sizeof(why), "stderr: %s", err);
	if (ts != NULL)
		tlsserver_stop(ts);
	runbin_rmdir(dir);
	free(err);
	findings_free(&fs);
	tchain_free(&ch);
	if (why[0] != '\0')
		fail_msg("%s (%s): %s", t->name, probe ? "probe" : "cert", why);
}

static void
test_twin_cert(void **state)
{
	ttwin(*state, 0);
}

static void
test_twin_probe(void **state)
{
	ttwin(*state, 1);
}

int
main(void)
{
	static const struct CMUnitTest unit[] = {
		cmocka_unit_test(test_conforming_chains),
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_serial),
		cmocka_unit_test(test_version),
		cmocka_unit_test(test_ca_basic_constraints),
		cmocka_unit_test(test_ca_key_cert_sign),
		cmocka_unit_test(test_ca_ski),
		cmocka_unit_test(test_aki),
		cmocka_unit_test(test_leaf_ca),
		cmocka_unit_test(test_leaf_any_eku),
		cmocka_unit_test(test_root_eku),
		cmocka_unit_test(test_san_critical),
		cmocka_unit_test(test_dns_syntax),
		cmocka_unit_test(test_dns_wildcard),
		cmocka_unit_test(test_wildcard_public_suffix),
		cmocka_unit_test(test_rsa_key),
		cmocka_unit_test(test_ec_curve),
		cmocka_unit_test(test_dsa_key),
		cmocka_unit_test(test_uri_http),
		cmocka_unit_test(test_name_constraints),
	};
#define NUNIT	(sizeof(unit) / sizeof(unit[0]))
	struct CMUnitTest	 tests[NUNIT + 2 * NTCASES];
	char			*names[2 * NTCASES];
	size_t			 i, j, n = 0, nn = 0, len, noprobe = 0;
	int			 rc;

	for (i = 0; i < NUNIT; i++)
		tests[n++] = unit[i];
	for (i = 0; i < NTCASES; i++)
		for (j = 0; j < 2; j++) {
			if (j == 1 && tcases[i].noprobe != NULL) {
				noprobe++;
				continue;
			}
			len = strlen(tcases[i].name) + sizeof(" (probe)");
			if ((names[nn] = malloc(len)) == NULL)
				return 1;
			snprintf(names[nn], len, "%s (%s)", tcases[i].name,
			    j == 0 ? "cert" : "probe");
			tests[n].name = names[nn++];
			tests[n].test_func = j == 0 ? test_twin_cert :
			    test_twin_probe;
			tests[n].setup_func = NULL;
			tests[n].teardown_func = NULL;
			tests[n++].initial_state = (void *)(uintptr_t)&tcases[i];
		}
	printf("# %zu twin cases: %zu cert twins, %zu probe twins, %zu cases "
	    "not probed\n", NTCASES, NTCASES, NTCASES - noprobe, noprobe);
	fflush(stdout);
	rc = _cmocka_run_group_tests("tests", tests, n, setup, teardown);
	for (i = 0; i < nn; i++)
		free(names[i]);
	return rc;
}
