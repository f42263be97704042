/*
 * finding.c: the finding-code table, severities and statuses.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "finding.h"
#include "xmalloc.h"

/* One row per code of CONTRACT.md sections 5 and 7, in their order. */
static const struct {
	const char	*name;
	const char	*meaning;
} finding_table[F_NCODES] = {
	[F_DNS_FAILED] = { "DNS_FAILED",
	    "the host or a pool member does not resolve" },
	[F_CONNECT_FAILED] = { "CONNECT_FAILED",
	    "TCP connect refused or unreachable" },
	[F_TIMEOUT] = { "TIMEOUT",
	    "connect + handshake not done within the timeout" },
	[F_HANDSHAKE_FAILED] = { "HANDSHAKE_FAILED",
	    "TLS alert, protocol error, or not TLS at all" },
	[F_UNTRUSTED] = { "UNTRUSTED",
	    "the chain does not verify to the trust store" },
	[F_SELF_SIGNED] = { "SELF_SIGNED",
	    "the leaf is self-signed" },
	[F_CHAIN_INCOMPLETE] = { "CHAIN_INCOMPLETE",
	    "the chain stops at a certificate whose issuer is neither sent nor trusted" },
	[F_HOSTNAME_MISMATCH] = { "HOSTNAME_MISMATCH",
	    "the SNI name is not covered by the DNS SANs" },
	[F_EXPIRED] = { "EXPIRED",
	    "the leaf or an intermediate is past its notAfter" },
	[F_NOT_YET_VALID] = { "NOT_YET_VALID",
	    "a certificate is before its notBefore" },
	[F_EXPIRES_SOON] = { "EXPIRES_SOON",
	    "the leaf expires within warn_days / crit_days" },
	[F_SERVER_EKU_MISSING] = { "SERVER_EKU_MISSING",
	    "the leaf has an EKU extension without serverAuth" },
	[F_CLIENT_EKU_MISSING] = { "CLIENT_EKU_MISSING",
	    "the leaf has an EKU extension without clientAuth" },
	[F_CLIENT_CHAIN_INVALID] = { "CLIENT_CHAIN_INVALID",
	    "the chain verifies for TLS server use but not for TLS client use" },
	[F_SUBJECT_MISMATCH] = { "SUBJECT_MISMATCH",
	    "the leaf's subject CN is not the expected subject" },
	[F_SUBJECT_NOT_IN_SAN] = { "SUBJECT_NOT_IN_SAN",
	    "the leaf's subject CN is not among its DNS SANs" },
	[F_SAN_MISSING] = { "SAN_MISSING",
	    "an expected name is not among the DNS SANs" },
	[F_SAN_ORDER] = { "SAN_ORDER",
	    "the first DNS SAN is not the subject CN" },
	[F_WILDCARD_SUBJECT] = { "WILDCARD_SUBJECT",
	    "the subject CN is a wildcard" },
	[F_CRL_DP_MISSING] = { "CRL_DP_MISSING",
	    "the leaf has no CRL Distribution Point" },
	[F_PSS_SIGNATURE] = { "PSS_SIGNATURE",
	    "a certificate is signed with RSASSA-PSS" },
	[F_WEAK_KEY] = { "WEAK_KEY",
	    "an RSA/DSA key under 2048 bits or an EC key under 256 bits" },
	[F_WEAK_SIGNATURE] = { "WEAK_SIGNATURE",
	    "a certificate signed with SHA-1 or MD5" },
	[F_LEGACY_TLS] = { "LEGACY_TLS",
	    "the negotiated protocol is older than TLS 1.2" },
	[F_POOL_MISMATCH] = { "POOL_MISMATCH",
	    "the members of one target present different leaves on one port" },
	/* Round 2 (section 7). */
	[F_MTLS_REJECTED] = { "MTLS_REJECTED",
	    "the server aborted after we presented a client certificate" },
	[F_SIP_NO_RESPONSE] = { "SIP_NO_RESPONSE",
	    "no SIP final response to OPTIONS, or the answer is not SIP" },
	[F_SRV_MISSING] = { "SRV_MISSING",
	    "the domain has no _sipfederationtls._tcp SRV record" },
	[F_SRV_TARGET_NOT_COVERED] = { "SRV_TARGET_NOT_COVERED",
	    "the SRV target name is not covered by the leaf's DNS SANs" },
	[F_REVOKED] = { "REVOKED",
	    "a stapled OCSP response that verifies says revoked" },
	[F_OCSP_STAPLE_INVALID] = { "OCSP_STAPLE_INVALID",
	    "the OCSP staple does not verify, is for another certificate, or is stale" },
	[F_NONCONFORMANT] = { "NONCONFORMANT",
	    "a certificate as sent breaks a rule of RFC 5280 or the Baseline "
	    "Requirements that stricter validators enforce" },
};

/* The code's name as in the contract, "SAN_MISSING". */
const char *
finding_code_name(enum finding_code code)
{
	if ((unsigned)code >= F_NCODES)
		return "UNKNOWN";
	return finding_table[code].name;
}

/* One line saying what the code means. */
const char *
finding_code_meaning(enum finding_code code)
{
	if ((unsigned)code >= F_NCODES)
		return "unknown code";
	return finding_table[code].meaning;
}

/* Look a code up by name; 0 on success. */
int
finding_code_parse(const char *name, enum finding_code *code)
{
	int	 i;

	for (i = 0; i < F_NCODES; i++) {
		if (strcmp(finding_table[i].name, name) == 0) {
			*code = (enum finding_code)i;
			return 0;
		}
	}
	return -1;
}

/* "info", "warning" or "critical". */
const char *
severity_name(enum severity sev)
{
	switch (sev) {
	case SEV_INFO:
		return "info";
	case SEV_WARNING:
		return "warning";
	case SEV_CRITICAL:
		return "critical";
	}
	return "unknown";
}

/* "ok", "warning" or "critical". */
const char *
status_name(enum status st)
{
	switch (st) {
	case STATUS_OK:
		return "ok";
	case STATUS_WARNING:
		return "warning";
	case STATUS_CRITICAL:
		return "critical";
	}
	return "unknown";
}

/* "OK", "WARNING" or "CRITICAL". */
const char *
status_word(enum status st)
{
	switch (st) {
	case STATUS_OK:
		return "OK";
	case STATUS_WARNING:
		return "WARNING";
	case STATUS_CRITICAL:
		return "CRITICAL";
	}
	return "UNKNOWN";
}

/* The status a finding of this severity gives (info counts as ok). */
enum status
status_of_severity(enum severity sev)
{
	switch (sev) {
	case SEV_WARNING:
		return STATUS_WARNING;
	case SEV_CRITICAL:
		return STATUS_CRITICAL;
	default:
		return STATUS_OK;
	}
}

/* Start an empty list. */
void
findings_init(struct findings *fs)
{
	fs->v = NULL;
	fs->n = fs->cap = 0;
}

/* Free every message and the list. */
void
findings_free(struct findings *fs)
{
	size_t	 i;

	for (i = 0; i < fs->n; i++)
		free(fs->v[i].message);
	free(fs->v);
	findings_init(fs);
}

/* Append one finding with a formatted message. */
void
findings_add(struct findings *fs, enum finding_code code, enum severity sev,
    const char *fmt, ...)
{
	struct finding	*f;
	va_list		 ap, ap2;
	int		 len;

	if (fs->n == fs->cap) {
		fs->cap = fs->cap ? fs->cap * 2 : 4;
		fs->v = xreallocarray(fs->v, fs->cap, sizeof(*fs->v));
	}
	f = &fs->v[fs->n++];
	f->code = code;
	f->severity = sev;
	va_start(ap, fmt);
	va_copy(ap2, ap);
	len = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (len < 0)
		len = 0;
	f->message = xmalloc((size_t)len + 1);
	vsnprintf(f->message, (size_t)len + 1, fmt, ap2);
	va_end(ap2);
}

/* Whether a finding with this code is in the list. */
int
findings_has(const struct findings *fs, enum finding_code code)
{
	return findings_count(fs, code) != 0;
}

/* How many findings carry this code. */
size_t
findings_count(const struct findings *fs, enum finding_code code)
{
	size_t	 i, n = 0;

	for (i = 0; i < fs->n; i++)
		if (fs->v[i].code == code)
			n++;
	return n;
}

/* The worst status of the list; info findings do not count. */
enum status
findings_status(const struct findings *fs)
{
	enum status	 st = STATUS_OK, s;
	size_t		 i;

	for (i = 0; i < fs->n; i++) {
		s = status_of_severity(fs->v[i].severity);
		if (s > st)
			st = s;
	}
	return st;
}

/* The first finding of the highest severity, NULL when the list is empty. */
const struct finding *
findings_worst(const struct findings *fs)
{
	const struct finding	*w = NULL;
	size_t			 i;

	for (i = 0; i < fs->n; i++)
		if (w == NULL || fs->v[i].severity > w->severity)
			w = &fs->v[i];
	return w;
}
