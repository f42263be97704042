/*
 * test_policy.c: every finding code of CONTRACT.md section 5 that concerns
 * a chain, each triggered by a minted chain and absent from a near twin,
 * with exact codes, severities, counts and the message parts an operator
 * relies on. Time is fixed: `now` is taken once and every certificate is
 * minted relative to it.
 *
 * The chain cases are one table: each row is a recipe (the leaf's changes
 * from the seed's Edge certificate, who issues it, up to two CAs minted for
 * the row, what the server sends, which trust store) and the policy's
 * changes from the seed's target, then what the judgement must say. Each
 * row runs as its own test. The host-name matcher, days_left and the pool
 * comparison, which take no chain, have their own tables below.
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

#include <openssl/dsa.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/tls1.h>
#include <openssl/x509.h>

#include "chain.h"
#include "finding.h"
#include "mint.h"
#include "policy.h"
#include "result.h"
#include "runbin.h"
#include "vcache.h"

#define DAY	(24L * 60 * 60)
#define T_NOW	LONG_MIN	/* a time offset of exactly 0 (0: the seed's) */
#define NCA	2		/* CAs one row may mint */
#define NSEV	2		/* severities one row checks */
#define NMSG	4		/* message fragments one row checks */

/* What every test shares: one clock reading, keys and two small PKIs. */
struct fixture {
	time_t			 now;
	struct mint_pki		 pki;		/* intermediate without EKU */
	struct mint_pki		 srv;		/* intermediate: serverAuth only */
	EVP_PKEY		*leafkey;	/* RSA-2048 */
	EVP_PKEY		*eckey;		/* P-256 */
	EVP_PKEY		*rsa1024;
	EVP_PKEY		*ed25519;
	EVP_PKEY		*ec224;		/* P-224 */
	EVP_PKEY		*dsa1024;
	X509_STORE		*store;		/* both roots */
	X509_STORE		*empty;
	X509			*unrelated;	/* the cert twins' "empty" CA file */
};

/* The keys a row names for a leaf or a CA. */
enum key {
	K_LEAF = 0,		/* F.leafkey */
	K_EC,
	K_ED25519,
	K_RSA1024,
	K_EC224,
	K_DSA1024,
	K_PKI_ROOT,		/* F.pki.root_key */
	K_PKI_INTER		/* F.pki.inter_key */
};

/* Who signs the leaf. */
enum issuer {
	BY_PKI = 0,		/* F.pki's intermediate */
	BY_SRV,			/* F.srv's intermediate (serverAuth only) */
	BY_SELF,
	BY_CA,			/* the row's last CA, with its key */
	BY_FORGED_RSA,		/* named F.pki's intermediate, signed by another
				   RSA key (F.srv's intermediate's) */
	BY_FORGED_EC		/* named so, signed by an EC key */
};

/* What the server sends, leaf first. */
enum sent {
	SENT_ISSUER = 0,	/* leaf, its issuer */
	SENT_LEAF,
	SENT_ROOT,		/* leaf, its issuer, the root above */
	SENT_NONE
};

/* The trust store judged against. */
enum store {
	ST_BOTH = 0,		/* F.pki's and F.srv's roots */
	ST_EMPTY,
	ST_LEAF,		/* the leaf alone */
	ST_CA0			/* the row's first CA alone */
};

/* A CA minted for a row: by F.pki's root, or by the row's previous CA. */
struct ca_recipe {
	const char		*cn;
	enum key		 key;
	int			 self;		/* a self-signed root */
	int			 eku;		/* MINT_EKU_*; 0: none */
	int			 pss;
	const char		*md;
	long			 nb_days;	/* notBefore - now */
	long			 na_days;	/* notAfter - now */
};

/* A severity a row expects of the (only) finding of a code. */
struct sev_check {
	int			 on;
	enum finding_code	 code;
	enum severity		 sev;
};

/*
 * A part the nth message of a code must (or, absent, must not) hold;
 * "{nb}" in it stands for the leaf's notBefore, YYYY-MM-DD.
 */
struct msg_check {
	enum finding_code	 code;
	size_t			 nth;
	const char		*part;
	int			 absent;
};

/* One row: a recipe and inputs, then the expected findings. */
struct pcase {
	const char		*name;

	/* The leaf: the seed's Edge certificate, changed where set. */
	enum key		 key;
	enum issuer		 by;
	const char		*cn;
	int			 no_cn;
	const unsigned char	*cn_raw;
	size_t			 cn_raw_len;
	const char *const	*dns;		/* with ndns; NULL: seed's */
	size_t			 ndns;
	const unsigned char	*dns_raw;
	size_t			 dns_raw_len;
	int			 eku;		/* MINT_EKU_*; 0: the seed's */
	/* Offsets from now in seconds; 0: the seed's; T_NOW: now itself. */
	long			 nb;		/* notBefore - now (s) */
	long			 na;		/* notAfter - now (s) */
	const char		*md;
	int			 pss;
	int			 no_crl_dp;
	struct ca_recipe	 ca[NCA];	/* cn NULL: not minted */
	enum sent		 sent;
	enum store		 store;

	/* The policy: the seed's target, changed where set. */
	const char		*sni;
	const char		*subject;
	int			 no_subject;
	const char *const	*san;		/* with nsan */
	size_t			 nsan;
	int			 no_san;
	int			 public_im_off;
	int			 tls;		/* -1: unknown; 0: TLS 1.2 */

	/* What the judgement must say. */
	const char		*codes;		/* in order, "A,B" */
	int			 check_days;
	long long		 days;
	int			 check_status;
	enum status		 status;
	struct sev_check	 sev[NSEV];
	int			 count_on;
	enum finding_code	 count_code;
	size_t			 count;
	struct msg_check	 msg[NMSG];	/* part NULL: end */
	int			 printable;	/* every byte printable ASCII */
};

#define SEV(c, s)	{ 1, (c), (s) }

static struct fixture	 F;

static const char *const seed_san[] = {
	"sip.contoso.com", "webcon.contoso.com", "sip.fabrikam.com"
};
static const char *const no_names[] = { NULL };
static const char *const hn_sans[] = {
	"webcon.contoso.com", "sip.fabrikam.com"
};
static const char *const hn_wild[] = {
	"sip.contoso.com", "*.contoso.com"
};
static const unsigned char nul_san[] = "sip.contoso.com\0.evil.example";
static const char *const cn_upper[] = {
	"SIP.CONTOSO.COM", "webcon.contoso.com", "sip.fabrikam.com"
};
static const char *const san_want[] = {
	"sip.contoso.com", "webcon.contoso.com", "sip.fabrikam.com",
	"sip.northwind.com", "Meet.Contoso.com"
};
static const char *const san_wild[] = {
	"sip.contoso.com", "*.contoso.com", "sip.fabrikam.com"
};
static const char *const san_upper[] = {
	"sip.contoso.com", "WEBCON.CONTOSO.COM", "sip.fabrikam.com"
};
static const char *const san_order[] = {
	"webcon.contoso.com", "sip.contoso.com", "sip.fabrikam.com"
};
static const char *const wild_sans[] = {
	"*.contoso.com", "sip.contoso.com", "webcon.contoso.com",
	"sip.fabrikam.com"
};
static const unsigned char hostile_cn[] = "sip\x01\n\xff\\.contoso.com";

#define LEAF_LABEL	"leaf CN=sip.contoso.com,O=Contoso (sha256 "
#define PKI_INTER	"CN=EdgeProbe Test Intermediate CA,O=EdgeProbe Test PKI"
#define PKI_ROOT	"CN=EdgeProbe Test Root CA,O=EdgeProbe Test PKI"

/* The chain cases, grouped by the check they are about, each with twins. */
static struct pcase cases[] = {
	/* The seed. */
	{ .name = "seed: the seed's certificate, no finding", .codes = "",
	  .check_days = 1, .days = 100, .check_status = 1,
	  .status = STATUS_OK },
	{ .name = "seed: without public IM and expectations, no finding",
	  .public_im_off = 1, .no_subject = 1, .no_san = 1, .codes = "" },
	{ .name = "seed: an EC leaf, no finding", .key = K_EC, .codes = "" },
	{ .name = "seed: an Ed25519 leaf, no finding", .key = K_ED25519,
	  .codes = "" },
	{ .name = "empty chain: nothing", .sent = SENT_NONE, .codes = "" },
	{ .name = "empty chain: LEGACY_TLS still", .sent = SENT_NONE,
	  .tls = TLS1_VERSION, .codes = "LEGACY_TLS" },

	/* Trust. */
	{ .name = "UNTRUSTED: a root sent, not in the store",
	  .sent = SENT_ROOT, .store = ST_EMPTY, .codes = "UNTRUSTED",
	  .sev = { SEV(F_UNTRUSTED, SEV_CRITICAL) },
	  .msg = { { F_UNTRUSTED, 0, "root " PKI_ROOT " (sha256 ", 0 },
	    { F_UNTRUSTED, 0, "the trust store does not hold", 0 } } },
	{ .name = "UNTRUSTED twin: the root sent and trusted",
	  .sent = SENT_ROOT, .codes = "" },
	{ .name = "UNTRUSTED: a leaf signed by another RSA key",
	  .by = BY_FORGED_RSA, .codes = "UNTRUSTED",
	  .msg = { { F_UNTRUSTED, 0, "the signature on " LEAF_LABEL, 0 } } },
	{ .name = "CHAIN_INCOMPLETE: a leaf signed by an EC key, so the RSA "
	  "intermediate is no candidate", .by = BY_FORGED_EC,
	  .codes = "CHAIN_INCOMPLETE",
	  .msg = { { F_CHAIN_INCOMPLETE, 0, "the server sent a certificate "
	    "of that name, but not the one that issued it", 0 } } },
	{ .name = "SELF_SIGNED: a self-signed leaf", .by = BY_SELF,
	  .sent = SENT_LEAF, .codes = "SELF_SIGNED",
	  .sev = { SEV(F_SELF_SIGNED, SEV_CRITICAL) },
	  .msg = { { F_SELF_SIGNED, 0, LEAF_LABEL, 0 } } },
	{ .name = "SELF_SIGNED: in the trust store it verifies, still "
	  "self-signed", .by = BY_SELF, .sent = SENT_LEAF, .store = ST_LEAF,
	  .codes = "SELF_SIGNED" },
	{ .name = "CHAIN_INCOMPLETE: the intermediate not sent",
	  .sent = SENT_LEAF, .codes = "CHAIN_INCOMPLETE",
	  .sev = { SEV(F_CHAIN_INCOMPLETE, SEV_CRITICAL) },
	  .msg = { { F_CHAIN_INCOMPLETE, 0, "the chain stops at " LEAF_LABEL,
	    0 }, { F_CHAIN_INCOMPLETE, 0, "its issuer " PKI_INTER " was "
	    "neither sent", 0 }, { F_CHAIN_INCOMPLETE, 0, "a certificate of "
	    "that name", 1 } } },
	{ .name = "CHAIN_INCOMPLETE: an unknown root not sent, the chain "
	  "stops at the intermediate", .store = ST_EMPTY,
	  .codes = "CHAIN_INCOMPLETE",
	  .msg = { { F_CHAIN_INCOMPLETE, 0, "the chain stops at intermediate "
	    PKI_INTER " (sha256 ", 0 }, { F_CHAIN_INCOMPLETE, 0, "its issuer "
	    PKI_ROOT, 0 } } },
	{ .name = "CHAIN_INCOMPLETE twin: the intermediate sent",
	  .codes = "" },
	{ .name = "every problem: no intermediate, expired, no clientAuth",
	  .eku = MINT_EKU_SERVER, .na = -3600, .nb = -400 * DAY,
	  .sent = SENT_LEAF, .store = ST_EMPTY,
	  .codes = "CHAIN_INCOMPLETE,EXPIRED,CLIENT_EKU_MISSING" },

	/* The host name. */
	{ .name = "HOSTNAME_MISMATCH: sni not among the DNS SANs",
	  .no_subject = 1, .no_san = 1, .sni = "sip.contoso.net",
	  .codes = "HOSTNAME_MISMATCH",
	  .sev = { SEV(F_HOSTNAME_MISMATCH, SEV_CRITICAL) },
	  .msg = { { F_HOSTNAME_MISMATCH, 0, "does not cover sip.contoso.net: "
	    "its DNS SANs are [sip.contoso.com, webcon.contoso.com, "
	    "sip.fabrikam.com]", 0 } } },
	{ .name = "HOSTNAME_MISMATCH: the CN is the name, the SANs are not",
	  .no_subject = 1, .no_san = 1, .dns = hn_sans, .ndns = 2,
	  .codes = "HOSTNAME_MISMATCH,SUBJECT_NOT_IN_SAN,SAN_ORDER" },
	{ .name = "HOSTNAME_MISMATCH twin: a wildcard SAN covers one label",
	  .no_subject = 1, .no_san = 1, .dns = hn_wild, .ndns = 2,
	  .sni = "webcon.contoso.com", .codes = "" },
	{ .name = "HOSTNAME_MISMATCH: a wildcard does not cover two labels",
	  .no_subject = 1, .no_san = 1, .dns = hn_wild, .ndns = 2,
	  .sni = "a.b.contoso.com", .codes = "HOSTNAME_MISMATCH" },
	{ .name = "HOSTNAME_MISMATCH: an embedded NUL never matches",
	  .no_subject = 1, .no_san = 1, .cn = "sip.contoso.com",
	  .dns = no_names, .ndns = 0, .dns_raw = nul_san,
	  .dns_raw_len = sizeof(nul_san) - 1,
	  .codes = "HOSTNAME_MISMATCH,SUBJECT_NOT_IN_SAN,SAN_ORDER,"
	      "NONCONFORMANT" /* the NUL: dns-syntax */,
	  .msg = { { F_HOSTNAME_MISMATCH, 0,
	    "[sip.contoso.com\\x00.evil.example]", 0 } } },

	/* Dates. */
	{ .name = "EXPIRED: the leaf, days_left negative",
	  .nb = -400 * DAY, .na = -2 * DAY - 60, .codes = "EXPIRED",
	  .check_days = 1, .days = -3,
	  .sev = { SEV(F_EXPIRED, SEV_CRITICAL) },
	  .msg = { { F_EXPIRED, 0, LEAF_LABEL, 0 },
	    { F_EXPIRED, 0, "(2 days ago)", 0 } } },
	{ .name = "EXPIRED twin: a second before notAfter, soon",
	  .nb = -400 * DAY, .na = 1, .codes = "EXPIRES_SOON",
	  .check_days = 1, .days = 0 },
	{ .name = "EXPIRED twin: at notAfter exactly, still valid",
	  .nb = -400 * DAY, .na = T_NOW, .codes = "EXPIRES_SOON" },
	{ .name = "EXPIRED: an intermediate", .by = BY_CA,
	  .ca = { { .cn = "Old Intermediate CA", .key = K_PKI_INTER,
	    .nb_days = -800, .na_days = -10 } },
	  .codes = "EXPIRED",
	  .msg = { { F_EXPIRED, 0, "intermediate CN=Old Intermediate CA "
	    "(sha256 ", 0 }, { F_EXPIRED, 0, "(10 days ago)", 0 } } },
	{ .name = "NOT_YET_VALID: before notBefore", .nb = 2 * DAY,
	  .codes = "NOT_YET_VALID",
	  .sev = { SEV(F_NOT_YET_VALID, SEV_CRITICAL) } },
	{ .name = "NOT_YET_VALID twin: notBefore is now", .nb = T_NOW,
	  .codes = "" },
	{ .name = "EXPIRES_SOON: 31 days, none", .na = 31 * DAY + 60,
	  .codes = "", .check_days = 1, .days = 31 },
	{ .name = "EXPIRES_SOON: 30 days less a minute, warning",
	  .na = 31 * DAY - 60, .codes = "EXPIRES_SOON", .check_days = 1,
	  .days = 30, .sev = { SEV(F_EXPIRES_SOON, SEV_WARNING) } },
	{ .name = "EXPIRES_SOON: 30 days, warning", .na = 30 * DAY,
	  .codes = "EXPIRES_SOON", .check_days = 1, .days = 30,
	  .sev = { SEV(F_EXPIRES_SOON, SEV_WARNING) } },
	{ .name = "EXPIRES_SOON: 8 days, warning", .na = 8 * DAY,
	  .codes = "EXPIRES_SOON", .check_days = 1, .days = 8,
	  .sev = { SEV(F_EXPIRES_SOON, SEV_WARNING) } },
	{ .name = "EXPIRES_SOON: 7 days, critical", .na = 8 * DAY - 1,
	  .codes = "EXPIRES_SOON", .check_days = 1, .days = 7,
	  .sev = { SEV(F_EXPIRES_SOON, SEV_CRITICAL) } },
	{ .name = "EXPIRES_SOON: an hour, critical", .na = 3600,
	  .codes = "EXPIRES_SOON", .check_days = 1, .days = 0,
	  .sev = { SEV(F_EXPIRES_SOON, SEV_CRITICAL) } },

	/* Extended key usages. */
	{ .name = "SERVER_EKU_MISSING: clientAuth only, not also UNTRUSTED",
	  .eku = MINT_EKU_CLIENT, .codes = "SERVER_EKU_MISSING",
	  .sev = { SEV(F_SERVER_EKU_MISSING, SEV_CRITICAL) },
	  .msg = { { F_SERVER_EKU_MISSING, 0,
	    "has EKU clientAuth, without serverAuth", 0 } } },
	{ .name = "SERVER_EKU_MISSING: codeSigning only, neither purpose",
	  .eku = MINT_EKU_OTHER,
	  .codes = "SERVER_EKU_MISSING,CLIENT_EKU_MISSING" },
	{ .name = "SERVER_EKU_MISSING twin: no EKU is every purpose",
	  .eku = MINT_EKU_NONE, .codes = "" },
	{ .name = "CLIENT_EKU_MISSING: serverAuth only, critical with "
	  "public IM", .eku = MINT_EKU_SERVER,
	  .codes = "CLIENT_EKU_MISSING", .check_status = 1,
	  .status = STATUS_CRITICAL,
	  .sev = { SEV(F_CLIENT_EKU_MISSING, SEV_CRITICAL) },
	  .msg = { { F_CLIENT_EKU_MISSING, 0, LEAF_LABEL, 0 },
	    { F_CLIENT_EKU_MISSING, 0, ", issued by " PKI_INTER " on {nb}, "
	    "has EKU serverAuth only; AOL public IM federation requires "
	    "clientAuth as well.", 0 },
	    { F_CLIENT_EKU_MISSING, 0, "Public CAs stopped including clientAuth "
	    "in TLS server certificates (DigiCert and Sectigo by default since "
	    "autumn 2025, Let's Encrypt's default profile since 2026-02-11, "
	    "Chrome's root program for leaves issued from 2027-03-15)", 0 },
	    { F_CLIENT_EKU_MISSING, 0, "ask the CA for a certificate profile "
	    "that still includes clientAuth", 0 } } },
	{ .name = "CLIENT_EKU_MISSING: info without public IM",
	  .eku = MINT_EKU_SERVER, .public_im_off = 1,
	  .codes = "CLIENT_EKU_MISSING", .check_status = 1,
	  .status = STATUS_OK,
	  .sev = { SEV(F_CLIENT_EKU_MISSING, SEV_INFO) } },
	{ .name = "CLIENT_EKU_MISSING twin: server and client EKU",
	  .eku = MINT_EKU_SERVER | MINT_EKU_CLIENT, .codes = "" },
	{ .name = "EXPIRED and CLIENT_EKU_MISSING: a renewal that lost "
	  "clientAuth", .eku = MINT_EKU_SERVER, .nb = -400 * DAY,
	  .na = -DAY, .codes = "EXPIRED,CLIENT_EKU_MISSING",
	  .sev = { SEV(F_EXPIRED, SEV_CRITICAL),
	    SEV(F_CLIENT_EKU_MISSING, SEV_CRITICAL) } },
	{ .name = "CLIENT_CHAIN_INVALID: clientAuth leaf, serverAuth-only "
	  "intermediate", .by = BY_SRV, .codes = "CLIENT_CHAIN_INVALID",
	  .sev = { SEV(F_CLIENT_CHAIN_INVALID, SEV_CRITICAL) },
	  .msg = { { F_CLIENT_CHAIN_INVALID, 0, ", issued by " PKI_INTER
	    " on {nb}, has clientAuth, but intermediate " PKI_INTER
	    " (sha256 ", 0 },
	    { F_CLIENT_CHAIN_INVALID, 0, "restricts its EKU to serverAuth",
	    0 }, { F_CLIENT_CHAIN_INVALID, 0, "Chrome's root program", 0 } } },
	{ .name = "CLIENT_CHAIN_INVALID: info without public IM",
	  .by = BY_SRV, .public_im_off = 1, .codes = "CLIENT_CHAIN_INVALID",
	  .sev = { SEV(F_CLIENT_CHAIN_INVALID, SEV_INFO) } },
	{ .name = "CLIENT_CHAIN_INVALID: a serverAuth-only leaf there is "
	  "the EKU finding", .by = BY_SRV, .eku = MINT_EKU_SERVER,
	  .codes = "CLIENT_EKU_MISSING" },
	{ .name = "CLIENT_CHAIN_INVALID: a clientAuth-only leaf there is "
	  "only SERVER_EKU_MISSING", .by = BY_SRV, .eku = MINT_EKU_CLIENT,
	  .codes = "SERVER_EKU_MISSING" },
	{ .name = "CLIENT_CHAIN_INVALID twin: no EKU on the leaf",
	  .by = BY_SRV, .eku = MINT_EKU_NONE, .codes = "" },
	{ .name = "CLIENT_CHAIN_INVALID: not when the root is untrusted",
	  .by = BY_SRV, .eku = MINT_EKU_SERVER | MINT_EKU_CLIENT,
	  .sent = SENT_ROOT, .store = ST_EMPTY, .codes = "UNTRUSTED" },
	{ .name = "CLIENT_CHAIN_INVALID: not when the intermediate is "
	  "missing", .by = BY_SRV, .eku = MINT_EKU_SERVER | MINT_EKU_CLIENT,
	  .sent = SENT_LEAF, .codes = "CHAIN_INCOMPLETE" },
	{ .name = "UNTRUSTED: an intermediate with clientAuth only",
	  .by = BY_CA, .ca = { { .cn = "Client Only CA", .key = K_PKI_INTER,
	    .eku = MINT_EKU_CLIENT, .nb_days = -30, .na_days = 900 } },
	  .codes = "UNTRUSTED",
	  .msg = { { F_UNTRUSTED, 0, "intermediate CN=Client Only CA "
	    "(sha256 ", 0 }, { F_UNTRUSTED, 0, "is not valid for TLS "
	    "server authentication", 0 } } },

	/* The Lync naming rules. */
	{ .name = "SUBJECT_MISMATCH: another expected subject",
	  .subject = "sip.fabrikam.com", .codes = "SUBJECT_MISMATCH",
	  .sev = { SEV(F_SUBJECT_MISMATCH, SEV_CRITICAL) },
	  .msg = { { F_SUBJECT_MISMATCH, 0, "has subject CN sip.contoso.com, "
	    "expected sip.fabrikam.com", 0 } } },
	{ .name = "SUBJECT_MISMATCH twin: the same name in other case",
	  .subject = "SIP.Contoso.COM", .codes = "" },
	{ .name = "SUBJECT_NOT_IN_SAN: the CN not among the DNS SANs",
	  .no_subject = 1, .sni = "webcon.contoso.com",
	  .cn = "edge.contoso.com", .codes = "SUBJECT_NOT_IN_SAN,SAN_ORDER",
	  .sev = { SEV(F_SUBJECT_NOT_IN_SAN, SEV_CRITICAL) },
	  .msg = { { F_SUBJECT_NOT_IN_SAN, 0, "has subject CN "
	    "edge.contoso.com, which is not among its DNS SANs "
	    "[sip.contoso.com, webcon.contoso.com, sip.fabrikam.com]", 0 } } },
	{ .name = "SUBJECT_NOT_IN_SAN: no CN at all", .no_subject = 1,
	  .sni = "webcon.contoso.com", .no_cn = 1,
	  .codes = "SUBJECT_NOT_IN_SAN" },
	{ .name = "SUBJECT_NOT_IN_SAN twin: the CN a SAN in other case",
	  .no_subject = 1, .sni = "webcon.contoso.com",
	  .cn = "sip.contoso.com", .dns = cn_upper, .ndns = 3, .codes = "" },
	{ .name = "SAN_MISSING: one per missing name", .san = san_want,
	  .nsan = 5, .codes = "SAN_MISSING,SAN_MISSING", .count_on = 1,
	  .count_code = F_SAN_MISSING, .count = 2,
	  .sev = { SEV(F_SAN_MISSING, SEV_CRITICAL) },
	  .msg = { { F_SAN_MISSING, 0, "lacks the DNS SAN sip.northwind.com",
	    0 }, { F_SAN_MISSING, 1, "lacks the DNS SAN Meet.Contoso.com",
	    0 } } },
	{ .name = "SAN_MISSING: a wildcard SAN does not count",
	  .dns = san_wild, .ndns = 3, .codes = "SAN_MISSING",
	  .msg = { { F_SAN_MISSING, 0, "lacks the DNS SAN webcon.contoso.com",
	    0 } } },
	{ .name = "SAN_MISSING twin: present in other case",
	  .dns = san_upper, .ndns = 3, .codes = "" },
	{ .name = "SAN_ORDER: the first DNS SAN not the CN, info",
	  .dns = san_order, .ndns = 3, .codes = "SAN_ORDER",
	  .check_status = 1, .status = STATUS_OK,
	  .sev = { SEV(F_SAN_ORDER, SEV_INFO) },
	  .msg = { { F_SAN_ORDER, 0, "lists webcon.contoso.com as its first "
	    "DNS SAN, not the subject CN sip.contoso.com", 0 } } },
	{ .name = "WILDCARD_SUBJECT: a wildcard CN, a warning",
	  .no_subject = 1, .cn = "*.contoso.com", .dns = wild_sans,
	  .ndns = 4, .codes = "WILDCARD_SUBJECT", .check_status = 1,
	  .status = STATUS_WARNING,
	  .sev = { SEV(F_WILDCARD_SUBJECT, SEV_WARNING) } },
	{ .name = "CRL_DP_MISSING: no CRL Distribution Point, a warning",
	  .no_crl_dp = 1, .codes = "CRL_DP_MISSING",
	  .sev = { SEV(F_CRL_DP_MISSING, SEV_WARNING) } },

	/* Crypto. */
	{ .name = "PSS_SIGNATURE: the leaf", .pss = 1,
	  .codes = "PSS_SIGNATURE",
	  .sev = { SEV(F_PSS_SIGNATURE, SEV_WARNING) },
	  .msg = { { F_PSS_SIGNATURE, 0, LEAF_LABEL, 0 } } },
	{ .name = "PSS_SIGNATURE: the intermediate too, two", .pss = 1,
	  .by = BY_CA, .ca = { { .cn = "PSS Intermediate CA",
	    .key = K_PKI_INTER, .pss = 1, .nb_days = -30,
	    .na_days = 900 } },
	  .codes = "PSS_SIGNATURE,PSS_SIGNATURE",
	  .msg = { { F_PSS_SIGNATURE, 1, "intermediate CN=PSS Intermediate "
	    "CA (sha256 ", 0 } } },
	{ .name = "WEAK_KEY: an RSA-1024 leaf", .key = K_RSA1024,
	  .codes = "WEAK_KEY,NONCONFORMANT" /* BR 6.1.5 */, .sev = { SEV(F_WEAK_KEY, SEV_WARNING) },
	  .msg = { { F_WEAK_KEY, 0, "has key RSA-1024; use at least RSA-2048 "
	    "or EC-256", 0 } } },
	{ .name = "WEAK_KEY: RSA-1024 leaf and intermediate, two",
	  .key = K_RSA1024, .by = BY_CA,
	  .ca = { { .cn = "Weak Intermediate CA", .key = K_RSA1024,
	    .nb_days = -30, .na_days = 900 } },
	  .codes = "WEAK_KEY,WEAK_KEY,NONCONFORMANT,NONCONFORMANT",
	  .msg = { { F_WEAK_KEY, 1, "intermediate CN=Weak Intermediate CA",
	    0 } } },
	{ .name = "WEAK_KEY: EC-224 (EC-256 is not weak)", .key = K_EC224,
	  .codes = "WEAK_KEY,NONCONFORMANT" /* ec-curve */,
	  .msg = { { F_WEAK_KEY, 0, "has key EC-224;", 0 } } },
	{ .name = "WEAK_KEY: DSA-1024", .key = K_DSA1024, .codes = "WEAK_KEY,"
	  "NONCONFORMANT" /* dsa-key */,
	  .msg = { { F_WEAK_KEY, 0, "has key DSA-1024;", 0 } } },
	{ .name = "WEAK_SIGNATURE: SHA-1", .md = "sha1",
	  .codes = "WEAK_SIGNATURE",
	  .sev = { SEV(F_WEAK_SIGNATURE, SEV_WARNING) },
	  .msg = { { F_WEAK_SIGNATURE, 0, "is signed with SHA1", 0 } } },
	{ .name = "WEAK_SIGNATURE: MD5", .md = "md5",
	  .codes = "WEAK_SIGNATURE",
	  .msg = { { F_WEAK_SIGNATURE, 0, "is signed with MD5", 0 } } },
	{ .name = "WEAK_SIGNATURE twin: a SHA-1 self-signed root sent",
	  .md = "sha256", .by = BY_CA, .store = ST_CA0,
	  .ca = { { .cn = "Old SHA-1 Root", .key = K_PKI_ROOT, .self = 1,
	    .md = "sha1", .nb_days = -3000, .na_days = 3000 } },
	  .codes = "" },
	{ .name = "WEAK_SIGNATURE: a SHA-1 leaf and intermediate, two",
	  .md = "sha1", .by = BY_CA, .sent = SENT_ROOT, .store = ST_CA0,
	  .ca = { { .cn = "Old SHA-1 Root", .key = K_PKI_ROOT, .self = 1,
	    .md = "sha1", .nb_days = -3000, .na_days = 3000 },
	    { .cn = "SHA-1 Intermediate", .key = K_PKI_INTER, .md = "sha1",
	    .nb_days = -3000, .na_days = 3000 } },
	  .codes = "WEAK_SIGNATURE,WEAK_SIGNATURE",
	  .msg = { { F_WEAK_SIGNATURE, 1, "intermediate CN=SHA-1 "
	    "Intermediate (sha256 ", 0 } } },

	/* The protocol. */
	{ .name = "LEGACY_TLS: TLS 1.0", .tls = TLS1_VERSION,
	  .codes = "LEGACY_TLS", .sev = { SEV(F_LEGACY_TLS, SEV_WARNING) },
	  .msg = { { F_LEGACY_TLS, 0, "the server negotiated TLSv1, older "
	    "than TLS 1.2", 0 } } },
	{ .name = "LEGACY_TLS: TLS 1.1", .tls = TLS1_1_VERSION,
	  .codes = "LEGACY_TLS",
	  .msg = { { F_LEGACY_TLS, 0, "TLSv1.1", 0 } } },
	{ .name = "LEGACY_TLS twin: TLS 1.3", .tls = TLS1_3_VERSION,
	  .codes = "" },
	{ .name = "LEGACY_TLS twin: unknown", .tls = -1, .codes = "" },
	{ .name = "legacy server: TLS 1.0, SHA-1, RSA-1024, all reported",
	  .tls = TLS1_VERSION, .md = "sha1", .key = K_RSA1024,
	  .codes = "WEAK_KEY,WEAK_SIGNATURE,LEGACY_TLS,NONCONFORMANT", .check_status = 1,
	  .status = STATUS_WARNING },

	/* Messages. */
	{ .name = "messages: printable ASCII for a hostile subject",
	  .no_cn = 1, .cn_raw = hostile_cn,
	  .cn_raw_len = sizeof(hostile_cn) - 1, .no_crl_dp = 1,
	  .codes = "SUBJECT_MISMATCH,SUBJECT_NOT_IN_SAN,SAN_ORDER,"
	  "CRL_DP_MISSING", .printable = 1,
	  .msg = { { F_SUBJECT_MISMATCH, 0, "has subject CN sip\\x01\\x0a",
	    0 } } },
};

#define NCASES	(sizeof(cases) / sizeof(cases[0]))

static int	 setup(void **);
static int	 teardown(void **);
static void	 seed_policy(struct policy *);
static void	 seed_spec(struct mint_spec *);
static EVP_PKEY	*key_of(enum key);
static time_t	 at(long);
static X509	*mint_ca(const struct ca_recipe *, X509 *, EVP_PKEY *);
static X509	*mint_leaf(const struct pcase *, X509 *const *, size_t);
static X509	*mint_row(const struct pcase *, X509 **, size_t *);
static size_t	 sent_of(const struct pcase *, X509 *, X509 *const *,
		    size_t, X509 **);
static X509_STORE *store_for(const struct pcase *, X509 *, X509 *const *);
static void	 policy_for(const struct pcase *, struct policy *);
static void	 check_findings(const struct pcase *, X509 *,
		    const struct findings *);
static void	 test_case(void **);
static char	*judge(const struct policy *, X509 *const *, size_t,
		    X509_STORE *, struct findings *, long long *);
static void	 judge_cached(const struct policy *, X509 *const *, size_t,
		    X509_STORE *, const struct findings *, long long, int);
static char	*codes_of(const struct findings *);
static enum severity sev_of(const struct findings *, enum finding_code);
static const char *msg_of(const struct findings *, enum finding_code,
		    size_t);
static X509_STORE *store_of(X509 *);
static struct result *pool_result(const char *, int, const char *);
static EVP_PKEY	*dsa_key(int);
static const char *twin_skip(const struct pcase *);
static void	 twin_compare(const struct pcase *, json_t *, int,
		    const struct findings *, long long, char *, size_t);
static void	 test_twin(void **);

/* One clock reading, keys and PKIs for the whole group. */
static int
setup(void **state)
{
	struct mint_spec	 spec;

	(void)state;
	memset(&F, 0, sizeof(F));
	F.now = time(NULL);
	if (mint_pki_init(&F.pki, MINT_RSA, 0) != 0 ||
	    mint_pki_init(&F.srv, MINT_RSA, MINT_EKU_SERVER) != 0)
		return -1;
	if ((F.leafkey = mint_key(MINT_RSA, 2048)) == NULL ||
	    (F.eckey = mint_key(MINT_EC, 256)) == NULL ||
	    (F.rsa1024 = mint_key(MINT_RSA, 1024)) == NULL ||
	    (F.ed25519 = mint_key(MINT_ED25519, 0)) == NULL ||
	    (F.ec224 = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-224")) == NULL ||
	    (F.dsa1024 = dsa_key(1024)) == NULL)
		return -1;
	if ((F.store = X509_STORE_new()) == NULL ||
	    X509_STORE_add_cert(F.store, F.pki.root) != 1 ||
	    X509_STORE_add_cert(F.store, F.srv.root) != 1 ||
	    (F.empty = X509_STORE_new()) == NULL)
		return -1;
	memset(&spec, 0, sizeof(spec));
	spec.cn = "EdgeProbe Twin Unrelated Root";
	spec.ca = 1;
	spec.not_before = F.now - DAY;
	spec.not_after = F.now + 3650 * DAY;
	if ((F.unrelated = mint_cert(&spec, F.eckey, NULL, NULL)) == NULL)
		return -1;
	return 0;
}

/* Free the group's keys and stores. */
static int
teardown(void **state)
{
	(void)state;
	X509_STORE_free(F.store);
	X509_STORE_free(F.empty);
	X509_free(F.unrelated);
	EVP_PKEY_free(F.leafkey);
	EVP_PKEY_free(F.eckey);
	EVP_PKEY_free(F.rsa1024);
	EVP_PKEY_free(F.ed25519);
	EVP_PKEY_free(F.ec224);
	EVP_PKEY_free(F.dsa1024);
	mint_pki_free(&F.pki);
	mint_pki_free(&F.srv);
	return 0;
}

/* The seed's target: sni and subject sip.contoso.com, its three SANs. */
static void
seed_policy(struct policy *pol)
{
	memset(pol, 0, sizeof(*pol));
	pol->sni = "sip.contoso.com";
	pol->subject = "sip.contoso.com";
	pol->san = seed_san;
	pol->nsan = 3;
	pol->public_im = 1;
	pol->warn_days = 30;
	pol->crit_days = 7;
	pol->tls_version = TLS1_2_VERSION;
}

/* The seed's Edge certificate, valid from a day ago for 100 days. */
static void
seed_spec(struct mint_spec *spec)
{
	mint_spec_edge(spec);
	spec->not_before = F.now - DAY;
	spec->not_after = F.now + 100 * DAY + 3600;
}

/* The fixture's key a row names. */
static EVP_PKEY *
key_of(enum key k)
{
	switch (k) {
	case K_LEAF:
		return F.leafkey;
	case K_EC:
		return F.eckey;
	case K_ED25519:
		return F.ed25519;
	case K_RSA1024:
		return F.rsa1024;
	case K_EC224:
		return F.ec224;
	case K_DSA1024:
		return F.dsa1024;
	case K_PKI_ROOT:
		return F.pki.root_key;
	case K_PKI_INTER:
		return F.pki.inter_key;
	}
	fail_msg("key %d", (int)k);
	return NULL;
}

/* now plus a row's offset in seconds (T_NOW: now itself). */
static time_t
at(long off)
{
	return F.now + (off == T_NOW ? 0 : off);
}

/* One CA of a row, issued by issuer with ikey (self-signed: both NULL). */
static X509 *
mint_ca(const struct ca_recipe *r, X509 *issuer, EVP_PKEY *ikey)
{
	struct mint_spec	 spec;
	X509			*x;

	memset(&spec, 0, sizeof(spec));
	spec.cn = r->cn;
	spec.ca = 1;
	spec.eku = r->eku;
	spec.pss = r->pss;
	spec.md = r->md;
	spec.not_before = F.now + r->nb_days * DAY;
	spec.not_after = F.now + r->na_days * DAY;
	x = r->self ? mint_cert(&spec, key_of(r->key), NULL, NULL) :
	    mint_cert(&spec, key_of(r->key), issuer, ikey);
	assert_non_null(x);
	return x;
}

/* The row's leaf: the seed's Edge certificate with the row's changes. */
static X509 *
mint_leaf(const struct pcase *c, X509 *const *ca, size_t nca)
{
	struct mint_spec	 spec;
	const struct ca_recipe	*last;
	X509			*x = NULL;
	EVP_PKEY		*key = key_of(c->key);

	seed_spec(&spec);
	if (c->cn != NULL)
		spec.cn = c->cn;
	if (c->no_cn)
		spec.cn = NULL;
	spec.cn_raw = c->cn_raw;
	spec.cn_raw_len = c->cn_raw_len;
	if (c->dns != NULL) {
		spec.dns = c->dns;
		spec.ndns = c->ndns;
	}
	spec.dns_raw = c->dns_raw;
	spec.dns_raw_len = c->dns_raw_len;
	if (c->eku != 0)
		spec.eku = c->eku;
	if (c->nb != 0)
		spec.not_before = at(c->nb);
	if (c->na != 0)
		spec.not_after = at(c->na);
	if (c->md != NULL)
		spec.md = c->md;
	spec.pss = c->pss;
	if (c->no_crl_dp)
		spec.crl_dp = NULL;

	switch (c->by) {
	case BY_PKI:
		x = mint_cert(&spec, key, F.pki.inter, F.pki.inter_key);
		break;
	case BY_SRV:
		x = mint_cert(&spec, key, F.srv.inter, F.srv.inter_key);
		break;
	case BY_SELF:
		x = mint_cert(&spec, key, NULL, NULL);
		break;
	case BY_CA:
		assert_true(nca > 0);
		last = &c->ca[nca - 1];
		x = mint_cert(&spec, key, ca[nca - 1], key_of(last->key));
		break;
	case BY_FORGED_RSA:
		x = mint_cert(&spec, key, F.pki.inter, F.srv.inter_key);
		break;
	case BY_FORGED_EC:
		x = mint_cert(&spec, key, F.pki.inter, F.eckey);
		break;
	}
	assert_non_null(x);
	return x;
}

/* What the server sends for a row, into out[3]; returns how many. */
static size_t
sent_of(const struct pcase *c, X509 *leaf, X509 *const *ca, size_t nca,
    X509 **out)
{
	X509	*issuer, *root;

	if (c->sent == SENT_NONE)
		return 0;
	out[0] = leaf;
	if (c->sent == SENT_LEAF)
		return 1;
	switch (c->by) {
	case BY_SRV:
		issuer = F.srv.inter;
		root = F.srv.root;
		break;
	case BY_CA:
		issuer = ca[nca - 1];
		root = ca[0];
		break;
	default:
		issuer = F.pki.inter;
		root = F.pki.root;
		break;
	}
	out[1] = issuer;
	if (c->sent == SENT_ISSUER)
		return 2;
	out[2] = root;
	return 3;
}

/* The row's trust store; a new one (to free) for ST_LEAF and ST_CA0. */
static X509_STORE *
store_for(const struct pcase *c, X509 *leaf, X509 *const *ca)
{
	switch (c->store) {
	case ST_BOTH:
		return F.store;
	case ST_EMPTY:
		return F.empty;
	case ST_LEAF:
		return store_of(leaf);
	case ST_CA0:
		return store_of(ca[0]);
	}
	fail_msg("store %d", (int)c->store);
	return NULL;
}

/* The seed's policy with the row's changes. */
static void
policy_for(const struct pcase *c, struct policy *pol)
{
	seed_policy(pol);
	if (c->sni != NULL)
		pol->sni = c->sni;
	if (c->subject != NULL)
		pol->subject = c->subject;
	if (c->no_subject)
		pol->subject = NULL;
	if (c->san != NULL) {
		pol->san = c->san;
		pol->nsan = c->nsan;
	}
	if (c->no_san)
		pol->nsan = 0;
	if (c->public_im_off)
		pol->public_im = 0;
	if (c->tls != 0)
		pol->tls_version = c->tls == -1 ? 0 : c->tls;
}

/* Severities, counts, message parts and bytes a row expects. */
static void
check_findings(const struct pcase *c, X509 *leaf, const struct findings *fs)
{
	const struct msg_check	*m;
	const unsigned char	*p;
	char			 nb[21], part[512];
	const char		*tok, *msg;
	size_t			 i;

	for (i = 0; i < NSEV; i++)
		if (c->sev[i].on)
			assert_int_equal(sev_of(fs, c->sev[i].code),
			    c->sev[i].sev);
	if (c->count_on)
		assert_int_equal(findings_count(fs, c->count_code), c->count);
	for (i = 0; i < NMSG && c->msg[i].part != NULL; i++) {
		m = &c->msg[i];
		if ((tok = strstr(m->part, "{nb}")) != NULL) {
			assert_int_equal(chain_time_iso(
			    X509_get0_notBefore(leaf), nb), 0);
			snprintf(part, sizeof(part), "%.*s%s%s",
			    (int)(tok - m->part), m->part, nb, tok + 4);
		} else
			snprintf(part, sizeof(part), "%s", m->part);
		msg = msg_of(fs, m->code, m->nth);
		if (m->absent ? strstr(msg, part) != NULL :
		    strstr(msg, part) == NULL)
			fail_msg("%s: message \"%s\" %s \"%s\"", c->name, msg,
			    m->absent ? "holds" : "lacks", part);
	}
	if (c->printable)
		for (i = 0; i < fs->n; i++)
			for (p = (const unsigned char *)fs->v[i].message; *p;
			    p++)
				assert_true(*p >= 0x20 && *p <= 0x7e);
}

/* A row's CAs into ca[NCA] (how many into *nca), then its leaf. */
static X509 *
mint_row(const struct pcase *c, X509 **ca, size_t *nca)
{
	size_t	 i;

	for (i = 0; i < NCA && c->ca[i].cn != NULL; i++)
		ca[i] = i == 0 ?
		    mint_ca(&c->ca[0], F.pki.root, F.pki.root_key) :
		    mint_ca(&c->ca[i], ca[i - 1], key_of(c->ca[i - 1].key));
	*nca = i;
	return mint_leaf(c, ca, i);
}

/* One row of the table: mint, judge, compare. */
static void
test_case(void **state)
{
	const struct pcase	*c = *state;
	struct policy		 pol;
	struct findings		 fs;
	X509			*ca[NCA], *leaf, *sent[3];
	X509_STORE		*st;
	char			*codes;
	long long		 days;
	size_t			 i, nca, n;

	leaf = mint_row(c, ca, &nca);
	n = sent_of(c, leaf, ca, nca, sent);
	st = store_for(c, leaf, ca);
	policy_for(c, &pol);

	codes = judge(&pol, sent, n, st, &fs, &days);
	if (strcmp(codes, c->codes) != 0)
		fail_msg("%s: codes \"%s\", expected \"%s\"", c->name, codes,
		    c->codes);
	if (c->check_days)
		assert_int_equal(days, c->days);
	if (c->check_status)
		assert_int_equal(findings_status(&fs), c->status);
	check_findings(c, leaf, &fs);

	free(codes);
	findings_free(&fs);
	if (st != F.store && st != F.empty)
		X509_STORE_free(st);
	X509_free(leaf);
	for (i = 0; i < nca; i++)
		X509_free(ca[i]);
}

/* Judge certs (leaf first); the codes in order, "A,B"; caller frees. */
static char *
judge(const struct policy *pol, X509 *const *certs, size_t n,
    X509_STORE *store, struct findings *fs, long long *days)
{
	STACK_OF(X509)	*sk;
	long long	 d = 12345;

	sk = mint_stack(certs, n);
	assert_non_null(sk);
	findings_init(fs);
	assert_int_equal(policy_evaluate(pol, sk, store, F.now, fs, &d),
	    n > 0 ? 0 : -1);
	sk_X509_pop_free(sk, X509_free);
	judge_cached(pol, certs, n, store, fs, d, n > 0 ? 0 : -1);
	if (days != NULL)
		*days = d;
	return codes_of(fs);
}

/*
 * The same chain judged through a verification cache (vcache.h), twice,
 * each time from fresh copies of the certificates as a new probe decodes
 * them: a miss that records, then a hit that replays. Both must give
 * exactly the findings (codes, severities, messages) and days_left of the
 * judgement without a cache.
 */
static void
judge_cached(const struct policy *pol, X509 *const *certs, size_t n,
    X509_STORE *store, const struct findings *want, long long want_days,
    int want_rc)
{
	struct vcache		*vc;
	struct vcache_key	 key;
	struct vcache_stats	 st;
	struct policy_verified	 rec;
	struct policy		 p;
	struct findings		 fs;
	STACK_OF(X509)		*sk;
	long long		 d;
	size_t			 i, pass;

	vc = vcache_new(store, 4);
	for (pass = 0; pass < 2; pass++) {
		assert_non_null(sk = sk_X509_new_null());
		for (i = 0; i < n; i++)
			assert_true(sk_X509_push(sk, X509_dup(certs[i])) > 0);
		memset(&rec, 0, sizeof(rec));
		p = *pol;
		p.verified = vcache_get(vc, store, sk, F.now, &key);
		assert_true((p.verified != NULL) == (pass == 1 && n > 0));
		p.record = p.verified == NULL ? &rec : NULL;
		findings_init(&fs);
		d = 12345;
		assert_int_equal(policy_evaluate(&p, sk, store, F.now, &fs, &d),
		    want_rc);
		if (p.record != NULL)
			vcache_put(vc, &key, sk, F.now, &rec);
		assert_int_equal(d, want_days);
		assert_int_equal(fs.n, want->n);
		for (i = 0; i < fs.n; i++) {
			assert_int_equal(fs.v[i].code, want->v[i].code);
			assert_int_equal(fs.v[i].severity, want->v[i].severity);
			assert_string_equal(fs.v[i].message,
			    want->v[i].message);
		}
		findings_free(&fs);
		sk_X509_pop_free(sk, X509_free);
	}
	vcache_stats(vc, &st);
	assert_int_equal(st.hits, n > 0 ? 1 : 0);
	assert_int_equal(st.entries, n > 0 ? 1 : 0);
	vcache_free(vc);
}

/* The codes of a list in order, comma-separated. */
static char *
codes_of(const struct findings *fs)
{
	char	*s;
	size_t	 i, len = 1;

	for (i = 0; i < fs->n; i++)
		len += strlen(finding_code_name(fs->v[i].code)) + 1;
	s = calloc(1, len);
	assert_non_null(s);
	for (i = 0; i < fs->n; i++) {
		if (i > 0)
			strcat(s, ",");
		strcat(s, finding_code_name(fs->v[i].code));
	}
	return s;
}

/* The severity of the (only) finding with this code. */
static enum severity
sev_of(const struct findings *fs, enum finding_code code)
{
	size_t	 i;

	for (i = 0; i < fs->n; i++)
		if (fs->v[i].code == code)
			return fs->v[i].severity;
	fail_msg("no %s finding", finding_code_name(code));
	return SEV_INFO;
}

/* The message of the nth finding with this code. */
static const char *
msg_of(const struct findings *fs, enum finding_code code, size_t nth)
{
	size_t	 i;

	for (i = 0; i < fs->n; i++)
		if (fs->v[i].code == code && nth-- == 0)
			return fs->v[i].message;
	fail_msg("no such %s finding", finding_code_name(code));
	return NULL;
}

/* A DSA key with a 160-bit q, as DSA-1024 servers had. */
static EVP_PKEY *
dsa_key(int bits)
{
	EVP_PKEY_CTX	*pc, *kc;
	EVP_PKEY	*params = NULL, *key = NULL;

	pc = EVP_PKEY_CTX_new_from_name(NULL, "DSA", NULL);
	assert_non_null(pc);
	assert_int_equal(EVP_PKEY_paramgen_init(pc), 1);
	assert_int_equal(EVP_PKEY_CTX_set_dsa_paramgen_bits(pc, bits), 1);
	assert_int_equal(EVP_PKEY_CTX_set_dsa_paramgen_q_bits(pc, 160), 1);
	assert_int_equal(EVP_PKEY_paramgen(pc, &params), 1);
	kc = EVP_PKEY_CTX_new_from_pkey(NULL, params, NULL);
	assert_non_null(kc);
	assert_int_equal(EVP_PKEY_keygen_init(kc), 1);
	assert_int_equal(EVP_PKEY_keygen(kc, &key), 1);
	EVP_PKEY_CTX_free(kc);
	EVP_PKEY_CTX_free(pc);
	EVP_PKEY_free(params);
	return key;
}

/* A store holding one certificate. */
static X509_STORE *
store_of(X509 *x)
{
	X509_STORE	*st;

	st = X509_STORE_new();
	assert_non_null(st);
	assert_int_equal(X509_STORE_add_cert(st, x), 1);
	return st;
}


/* A NULL chain judges nothing and returns -1, as an empty one does. */
static void
test_null_chain(void **state)
{
	struct policy	 pol;
	struct findings	 fs;

	(void)state;
	seed_policy(&pol);
	pol.tls_version = TLS1_VERSION;
	findings_init(&fs);
	assert_int_equal(policy_evaluate(&pol, NULL, F.store, F.now, &fs,
	    NULL), -1);
	findings_free(&fs);
}

/* The wildcard rules of the contract, one row each. */
static void
test_host_match_table(void **state)
{
	static const struct {
		const char	*pattern;
		const char	*name;
		int		 match;
	} t[] = {
		{ "sip.contoso.com", "sip.contoso.com", 1 },
		{ "SIP.Contoso.COM", "sip.contoso.com", 1 },
		{ "sip.contoso.com", "SIP.CONTOSO.COM", 1 },
		{ "sip.contoso.com.", "sip.contoso.com", 1 },
		{ "sip.contoso.com", "sip.contoso.com.", 1 },
		{ "sip.contoso.com", "sip.contoso.co", 0 },
		{ "sip.contoso.com", "xsip.contoso.com", 0 },
		{ "*.contoso.com", "sip.contoso.com", 1 },
		{ "*.CONTOSO.com", "Sip.Contoso.Com", 1 },
		{ "*.contoso.com", "a.b.contoso.com", 0 },
		{ "*.contoso.com", "contoso.com", 0 },
		{ "*.contoso.com", ".contoso.com", 0 },
		{ "*.contoso.com", "sip.contoso.com.evil", 0 },
		{ "*.contoso.com", "sipcontoso.com", 0 },
		{ "*.com", "contoso.com", 0 },
		{ "*.com", "sip.com", 0 },
		{ "*", "sip", 0 },
		{ "*", "sip.contoso.com", 0 },
		{ "*.", "sip.", 0 },
		{ "*.*.com", "a.b.com", 0 },
		{ "s*.contoso.com", "sip.contoso.com", 0 },
		{ "*sip.contoso.com", "xsip.contoso.com", 0 },
		{ "sip.*.com", "sip.contoso.com", 0 },
		{ "*..com", "a..com", 0 },
		{ "*.contoso..com", "a.contoso..com", 0 },
		{ "sip.contoso.com\\x00.evil.com", "sip.contoso.com", 0 },
		{ "*.contoso.com\\x00", "sip.contoso.com", 0 },
		{ "", "", 0 },
		{ "sip.contoso.com", "", 0 },
	};
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		if (policy_host_match(t[i].pattern, t[i].name) != t[i].match)
			fail_msg("row %zu: %s vs %s: expected %d", i,
			    t[i].pattern, t[i].name, t[i].match);
	}
	assert_int_equal(policy_host_match(NULL, "a.b.c"), 0);
	assert_int_equal(policy_host_match("a.b.c", NULL), 0);
}

/* The leaf past its notAfter: EXPIRED, and days_left negative. */

/* policy_names_covered: the HOSTNAME_MISMATCH rules against one leaf. */
static void
test_names_covered(void **state)
{
	static const char *const sans[] = {
		"sip.contoso.com", "*.fabrikam.com"
	};
	static const struct {
		const char	*name;
		int		 covered;
	} t[] = {
		{ "sip.contoso.com", 1 },
		{ "SIP.Contoso.COM.", 1 },
		{ "sip.fabrikam.com", 1 },
		{ "a.b.fabrikam.com", 0 },
		{ "fabrikam.com", 0 },
		{ "webcon.contoso.com", 0 },
		{ "edge.contoso.com", 0 },	/* the CN never counts */
		{ "", 0 },
	};
	struct mint_spec	 spec;
	X509			*leaf;
	size_t			 i;

	(void)state;
	seed_spec(&spec);
	spec.cn = "edge.contoso.com";
	spec.dns = sans;
	spec.ndns = 2;
	leaf = mint_cert(&spec, F.eckey, F.pki.inter, F.pki.inter_key);
	assert_non_null(leaf);
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (policy_names_covered(leaf, t[i].name) != t[i].covered)
			fail_msg("row %zu: %s: expected %d", i, t[i].name,
			    t[i].covered);
	assert_int_equal(policy_names_covered(leaf, NULL), 0);
	assert_int_equal(policy_names_covered(NULL, "sip.contoso.com"), 0);
	X509_free(leaf);

	/* A SAN with an embedded NUL covers nothing. */
	spec.ndns = 0;
	spec.dns_raw = nul_san;
	spec.dns_raw_len = sizeof(nul_san) - 1;
	leaf = mint_cert(&spec, F.eckey, F.pki.inter, F.pki.inter_key);
	assert_non_null(leaf);
	assert_int_equal(policy_names_covered(leaf, "sip.contoso.com"), 0);
	X509_free(leaf);
}

/* SRV_TARGET_NOT_COVERED: added when, and only when, no SAN covers it. */
static void
test_srv_target(void **state)
{
	static const char *const sans[] = {
		"sip.contoso.com", "*.fabrikam.com"
	};
	struct mint_spec	 spec;
	struct findings		 fs;
	X509			*leaf;
	char			 sha[65], want[1024];
	const char		*m;
	size_t			 i;

	(void)state;
	seed_spec(&spec);
	spec.dns = sans;
	spec.ndns = 2;
	leaf = mint_cert(&spec, F.eckey, F.pki.inter, F.pki.inter_key);
	assert_non_null(leaf);
	chain_sha256_hex(leaf, sha);
	findings_init(&fs);

	/* Covered, literally or by the wildcard: nothing. */
	assert_int_equal(policy_names_srv_target(leaf,
	    "_sipfederationtls._tcp.contoso.com", "sip.contoso.com.", &fs), 0);
	assert_int_equal(policy_names_srv_target(leaf,
	    "_sipfederationtls._tcp.fabrikam.com", "sip.fabrikam.com", &fs), 0);
	assert_int_equal(fs.n, 0);
	/* No target, no leaf: nothing to judge. */
	assert_int_equal(policy_names_srv_target(leaf, NULL, "", &fs), -1);
	assert_int_equal(policy_names_srv_target(leaf, NULL, NULL, &fs), -1);
	assert_int_equal(policy_names_srv_target(NULL, NULL, "sip.contoso.com",
	    &fs), -1);
	assert_int_equal(fs.n, 0);

	/* Two labels under the wildcard: not covered. */
	assert_int_equal(policy_names_srv_target(leaf,
	    "_sipfederationtls._tcp.fabrikam.com", "edge.sip.fabrikam.com",
	    &fs), 1);
	assert_int_equal(fs.n, 1);
	assert_int_equal(fs.v[0].code, F_SRV_TARGET_NOT_COVERED);
	assert_int_equal(fs.v[0].severity, SEV_CRITICAL);
	snprintf(want, sizeof(want), "leaf CN=sip.contoso.com,O=Contoso "
	    "(sha256 %.8s) does not cover edge.sip.fabrikam.com, the SRV "
	    "target of _sipfederationtls._tcp.fabrikam.com: its DNS SANs are "
	    "[sip.contoso.com, *.fabrikam.com] (a wildcard covers one label, "
	    "the subject CN never counts); partners connect to the SRV "
	    "target, so the Edge certificate needs edge.sip.fabrikam.com as "
	    "a SAN, or the record must point at a name it has", sha);
	assert_string_equal(fs.v[0].message, want);

	/* No record name; a hostile target is escaped. */
	assert_int_equal(policy_names_srv_target(leaf, NULL,
	    "sip\n.contoso.com", &fs), 1);
	assert_int_equal(fs.n, 2);
	m = fs.v[1].message;
	assert_non_null(strstr(m, "does not cover sip\\x0a.contoso.com, "
	    "the SRV target: its DNS SANs"));
	for (i = 0; m[i] != '\0'; i++)
		assert_true(m[i] >= 0x20 && m[i] <= 0x7e);
	findings_free(&fs);
	X509_free(leaf);
}

/* days_left is a floor, also below zero. */
static void
test_days_left_floor(void **state)
{
	static const struct {
		long		 secs;
		long long	 days;
	} t[] = {
		{ 0, 0 }, { 1, 0 }, { DAY - 1, 0 }, { DAY, 1 },
		{ -1, -1 }, { -DAY + 1, -1 }, { -DAY, -1 }, { -DAY - 1, -2 },
		{ -10 * DAY, -10 }, { -10 * DAY - 1, -11 },
	};
	struct mint_spec	 spec;
	X509			*x;
	long long		 days;
	size_t			 i;

	(void)state;
	seed_spec(&spec);
	spec.not_before = F.now - 30 * DAY;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		spec.not_after = F.now + t[i].secs;
		x = mint_cert(&spec, F.eckey, NULL, NULL);
		assert_non_null(x);
		assert_int_equal(policy_days_left(x, F.now, &days), 0);
		if (days != t[i].days)
			fail_msg("row %zu: %lld days, expected %lld", i, days,
			    t[i].days);
		X509_free(x);
	}
}

/* EKU without serverAuth: SERVER_EKU_MISSING, not also UNTRUSTED. */

/* A result with a leaf hash, as the engine would make it. */
static struct result *
pool_result(const char *addr, int port, const char *sha)
{
	struct result	*r;

	r = result_new("contoso-access-edge", "sip.contoso.com", addr, port,
	    "sip.contoso.com");
	if (sha != NULL)
		snprintf(r->leaf_sha256, sizeof(r->leaf_sha256), "%s", sha);
	return r;
}

#define SHA_A "3f2a91c000112233445566778899aabbccddeeff00112233445566778899aabb"
#define SHA_B "77ab12cd00112233445566778899aabbccddeeff00112233445566778899aabb"

/* Different leaves on one port: POOL_MISMATCH on each of those results. */
static void
test_pool_mismatch(void **state)
{
	struct result	*r[6];
	size_t		 i;

	(void)state;
	r[0] = pool_result("192.0.2.10", 5061, SHA_A);
	r[1] = pool_result("192.0.2.11", 5061, SHA_B);
	r[2] = pool_result("192.0.2.12", 5061, SHA_A);
	r[3] = pool_result("192.0.2.13", 5061, NULL);	/* no TLS */
	r[4] = pool_result("192.0.2.10", 443, SHA_A);
	r[5] = pool_result("192.0.2.11", 443, SHA_A);
	policy_pool(r, 6);
	for (i = 0; i < 3; i++) {
		assert_int_equal(r[i]->findings.n, 1);
		assert_int_equal(r[i]->findings.v[0].code, F_POOL_MISMATCH);
		assert_int_equal(r[i]->findings.v[0].severity, SEV_WARNING);
		assert_int_equal(r[i]->status, STATUS_WARNING);
	}
	assert_string_equal(r[1]->findings.v[0].message,
	    "the members of contoso-access-edge present 2 different leaf "
	    "certificates on port 5061: sha256 3f2a91c0 (192.0.2.10, "
	    "192.0.2.12), sha256 77ab12cd (192.0.2.11); this member "
	    "(192.0.2.11) presents sha256 77ab12cd; every member of an Edge "
	    "pool must present the same certificate");
	for (i = 3; i < 6; i++) {
		assert_int_equal(r[i]->findings.n, 0);
		assert_int_equal(r[i]->status, STATUS_OK);
	}

	/* A second call adds nothing. */
	policy_pool(r, 6);
	for (i = 0; i < 3; i++)
		assert_int_equal(r[i]->findings.n, 1);
	for (i = 0; i < 6; i++)
		result_free(r[i]);

	/* Twin: the same leaf everywhere. */
	r[0] = pool_result("192.0.2.10", 5061, SHA_A);
	r[1] = pool_result("2001:db8::10", 5061, SHA_A);
	policy_pool(r, 2);
	assert_int_equal(r[0]->findings.n, 0);
	assert_int_equal(r[1]->findings.n, 0);
	result_free(r[0]);
	result_free(r[1]);
}

/*
 * The cert twins: every row whose inputs `edgeprobe cert` can express, run
 * again through the real binary (EDGEPROBE, else $BUILD/edgeprobe, else
 * build/edgeprobe) under libfaketime frozen at F.now (tests/lib/runbin.c), so the boundary rows
 * (notAfter or notBefore at now, a second either side) are exact. The
 * chain as sent goes to a PEM file, leaf first; the row's store to the
 * --ca-file (the empty store: one unrelated self-signed root, since cert
 * without --ca-file reads the system bundle and an empty file does not
 * load); the row's policy to --sni, --subject, --san, --public-im and the
 * seed's --warn-days/--crit-days. The binary must give the row's codes in
 * order, then exactly the unit judgement's findings (severity and message
 * of each), status, days_left and an exit status of the worst status.
 *
 * cert judges without a handshake: TLS version unknown, chain_sent 0. The
 * seed's TLS 1.2 gives no finding either, so rows that keep it have a twin.
 * Rows without a twin (twin_skip), 6 of the 75:
 *   nothing sent (a certificate file holds one at least):
 *     "empty chain: nothing", "empty chain: LEGACY_TLS still";
 *   a negotiated TLS version (no handshake in cert):
 *     "LEGACY_TLS: TLS 1.0", "LEGACY_TLS: TLS 1.1",
 *     "LEGACY_TLS twin: TLS 1.3", "legacy server: TLS 1.0, SHA-1, ...".
 */
/* Why a row has no cert twin; NULL: it has one. */
static const char *
twin_skip(const struct pcase *c)
{
	if (c->sent == SENT_NONE)
		return "nothing sent";
	if (c->tls != 0 && c->tls != -1)
		return "a negotiated TLS version";
	return NULL;
}

/*
 * What the binary said against the row and the unit judgement; the first
 * disagreement into why (empty: none).
 */
static void
twin_compare(const struct pcase *c, json_t *doc, int rc,
    const struct findings *fs, long long days, char *why, size_t len)
{
	json_t		*r, *jf, *f;
	const char	*sev, *msg, *st;
	char		 codes[1024];
	enum status	 want = findings_status(fs);
	size_t		 i;

	r = json_array_get(json_object_get(doc, "results"), 0);
	if ((jf = runbin_findings(doc, codes, sizeof(codes))) == NULL) {
		snprintf(why, len, "no .results[0].findings");
		return;
	}
	if (strcmp(codes, c->codes) != 0) {
		snprintf(why, len, "codes \"%s\", expected \"%s\"", codes,
		    c->codes);
		return;
	}
	if (json_array_size(jf) != fs->n) {
		snprintf(why, len, "%zu findings, the unit judgement %zu",
		    json_array_size(jf), fs->n);
		return;
	}
	json_array_foreach(jf, i, f) {
		sev = json_string_value(json_object_get(f, "severity"));
		msg = json_string_value(json_object_get(f, "message"));
		if (sev == NULL ||
		    strcmp(sev, severity_name(fs->v[i].severity)) != 0) {
			snprintf(why, len, "%s: severity %s, the unit "
			    "judgement %s", finding_code_name(fs->v[i].code),
			    sev != NULL ? sev : "none",
			    severity_name(fs->v[i].severity));
			return;
		}
		if (msg == NULL || strcmp(msg, fs->v[i].message) != 0) {
			snprintf(why, len, "%s: message \"%s\", the unit "
			    "judgement \"%s\"", finding_code_name(fs->v[i].code),
			    msg != NULL ? msg : "none", fs->v[i].message);
			return;
		}
	}
	for (i = 0; i < NSEV; i++)
		if (c->sev[i].on && sev_of(fs, c->sev[i].code) != c->sev[i].sev) {
			snprintf(why, len, "%s: not the row's severity",
			    finding_code_name(c->sev[i].code));
			return;
		}
	st = json_string_value(json_object_get(r, "status"));
	if (st == NULL || strcmp(st, status_name(want)) != 0 ||
	    (c->check_status && want != c->status)) {
		snprintf(why, len, "status %s, expected %s", st != NULL ? st :
		    "none", status_name(c->check_status ? c->status : want));
		return;
	}
	if (rc != (int)want) {
		snprintf(why, len, "exit %d, expected %d (%s)", rc, (int)want,
		    status_name(want));
		return;
	}
	if (!json_is_integer(json_object_get(r, "days_left")) ||
	    json_integer_value(json_object_get(r, "days_left")) != days ||
	    (c->check_days && days != c->days)) {
		snprintf(why, len, "days_left %lld, expected %lld",
		    (long long)json_integer_value(json_object_get(r,
		    "days_left")), c->check_days ? c->days : days);
		return;
	}
}

/* One row's twin: mint, write the files, run `cert --json`, compare. */
static void
test_twin(void **state)
{
	const struct pcase	*c = *state;
	struct policy		 pol;
	struct findings		 fs;
	X509			*ca[NCA], *leaf, *sent[3], *roots[2];
	X509_STORE		*st;
	STACK_OF(X509)		*sk;
	json_t			*doc;
	char			 bin[PATH_MAX], ft[PATH_MAX], dir[PATH_MAX];
	char			 chainf[PATH_MAX + 16], caf[PATH_MAX + 16];
	char			 when[32], warn[16], crit[16], why[2048] = "";
	char			*argv[32 + 2 * 8], *err;
	long long		 days = 12345;
	size_t			 i, nca, n, nroots, na = 0;
	int			 rc;

	runbin_binary(bin, sizeof(bin));
	runbin_faketime(ft, sizeof(ft));
	leaf = mint_row(c, ca, &nca);
	n = sent_of(c, leaf, ca, nca, sent);
	st = store_for(c, leaf, ca);
	policy_for(c, &pol);
	assert_non_null(sk = mint_stack(sent, n));
	findings_init(&fs);
	assert_int_equal(policy_evaluate(&pol, sk, st, F.now, &fs, &days), 0);
	sk_X509_pop_free(sk, X509_free);

	switch (c->store) {
	case ST_BOTH:
		roots[0] = F.pki.root;
		roots[1] = F.srv.root;
		nroots = 2;
		break;
	case ST_EMPTY:
		roots[0] = F.unrelated;
		nroots = 1;
		break;
	case ST_LEAF:
		roots[0] = leaf;
		nroots = 1;
		break;
	default:
		roots[0] = ca[0];
		nroots = 1;
		break;
	}
	runbin_tmpdir(dir, sizeof(dir), "eptwin");
	snprintf(chainf, sizeof(chainf), "%s/chain.pem", dir);
	snprintf(caf, sizeof(caf), "%s/ca.pem", dir);
	runbin_pem(chainf, sent, n);
	runbin_pem(caf, roots, nroots);
	runbin_when(F.now, when, sizeof(when));
	snprintf(warn, sizeof(warn), "%d", pol.warn_days);
	snprintf(crit, sizeof(crit), "%d", pol.crit_days);
#define ARG(s)	(argv[na++] = (char *)(uintptr_t)(s))
	ARG(ft); ARG("-f"); ARG(when); ARG(bin); ARG("cert"); ARG(chainf);
	ARG("--ca-file"); ARG(caf); ARG("--json"); ARG("--sni"); ARG(pol.sni);
	ARG("--warn-days"); ARG(warn); ARG("--crit-days"); ARG(crit);
	if (pol.subject != NULL) {
		ARG("--subject");
		ARG(pol.subject);
	}
	for (i = 0; i < pol.nsan && i < 8; i++) {
		ARG("--san");
		ARG(pol.san[i]);
	}
	assert_true(pol.nsan <= 8);
	if (pol.public_im)
		ARG("--public-im");
	argv[na] = NULL;
#undef ARG

	if ((doc = runbin_json(argv, dir, &rc, &err, why, sizeof(why))) !=
	    NULL) {
		twin_compare(c, doc, rc, &fs, days, why, sizeof(why));
		json_decref(doc);
	}
	if (why[0] == '\0' && err[0] != '\0')
		snprintf(why, sizeof(why), "stderr: %s", err);

	runbin_rmdir(dir);
	free(err);
	findings_free(&fs);
	if (st != F.store && st != F.empty)
		X509_STORE_free(st);
	X509_free(leaf);
	for (i = 0; i < nca; i++)
		X509_free(ca[i]);
	if (why[0] != '\0')
		fail_msg("%s (cert): %s", c->name, why);
}

int
main(void)
{
	static const struct CMUnitTest fixed[] = {
		cmocka_unit_test(test_null_chain),
		cmocka_unit_test(test_host_match_table),
		cmocka_unit_test(test_names_covered),
		cmocka_unit_test(test_srv_target),
		cmocka_unit_test(test_days_left_floor),
		cmocka_unit_test(test_pool_mismatch),
	};
#define NFIXED	(sizeof(fixed) / sizeof(fixed[0]))
	struct CMUnitTest	 tests[2 * NCASES + NFIXED];
	char			*names[NCASES];
	size_t			 i, n, len, ntwin = 0;
	int			 rc;

	for (i = 0; i < NCASES; i++) {
		tests[i].name = cases[i].name;
		tests[i].test_func = test_case;
		tests[i].setup_func = NULL;
		tests[i].teardown_func = NULL;
		tests[i].initial_state = &cases[i];
	}
	n = NCASES;
	for (i = 0; i < NCASES; i++) {
		names[i] = NULL;
		if (twin_skip(&cases[i]) != NULL)
			continue;
		len = strlen(cases[i].name) + sizeof(" (cert)");
		if ((names[i] = malloc(len)) == NULL)
			return 1;
		snprintf(names[i], len, "%s (cert)", cases[i].name);
		tests[n] = tests[i];
		tests[n].name = names[i];
		tests[n++].test_func = test_twin;
		ntwin++;
	}
	for (i = 0; i < NFIXED; i++)
		tests[n++] = fixed[i];
	printf("# %zu policy rows, %zu with a cert twin, %zu without\n",
	    NCASES, ntwin, NCASES - ntwin);
	fflush(stdout);
	rc = _cmocka_run_group_tests("tests", tests, n, setup, teardown);
	for (i = 0; i < NCASES; i++)
		free(names[i]);
	return rc;
}
