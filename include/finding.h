/*
 * finding.h: the finding-code table, severities and statuses.
 *
 * Every problem edgeprobe can report is one row of the table in finding.c:
 * adding a code touches that table, one check and one test.
 */
#ifndef EDGEPROBE_FINDING_H
#define EDGEPROBE_FINDING_H

#include <stddef.h>

enum severity {
	SEV_INFO = 0,
	SEV_WARNING,
	SEV_CRITICAL
};

enum status {
	STATUS_OK = 0,
	STATUS_WARNING,
	STATUS_CRITICAL
};

/* Keep in the order of CONTRACT.md section 5, then of section 7. */
enum finding_code {
	F_DNS_FAILED = 0,
	F_CONNECT_FAILED,
	F_TIMEOUT,
	F_HANDSHAKE_FAILED,
	F_UNTRUSTED,
	F_SELF_SIGNED,
	F_CHAIN_INCOMPLETE,
	F_HOSTNAME_MISMATCH,
	F_EXPIRED,
	F_NOT_YET_VALID,
	F_EXPIRES_SOON,
	F_SERVER_EKU_MISSING,
	F_CLIENT_EKU_MISSING,
	F_CLIENT_CHAIN_INVALID,
	F_SUBJECT_MISMATCH,
	F_SUBJECT_NOT_IN_SAN,
	F_SAN_MISSING,
	F_SAN_ORDER,
	F_WILDCARD_SUBJECT,
	F_CRL_DP_MISSING,
	F_PSS_SIGNATURE,
	F_WEAK_KEY,
	F_WEAK_SIGNATURE,
	F_LEGACY_TLS,
	F_POOL_MISMATCH,
	/* Round 2 (section 7); the severity each is always reported with. */
	F_MTLS_REJECTED,		/* critical */
	F_SIP_NO_RESPONSE,		/* critical */
	F_SRV_MISSING,			/* critical */
	F_SRV_TARGET_NOT_COVERED,	/* critical */
	F_REVOKED,			/* critical */
	F_OCSP_STAPLE_INVALID,		/* warning */
	F_NONCONFORMANT,	/* CONTRACT.md section 7 */
	F_NCODES
};

struct finding {
	enum finding_code	 code;
	enum severity		 severity;
	char			*message;	/* ASCII, printable, never NULL */
};

/* A growable list of findings, owned by whoever holds it. */
struct findings {
	struct finding		*v;
	size_t			 n;
	size_t			 cap;
};

const char	*finding_code_name(enum finding_code);
const char	*finding_code_meaning(enum finding_code);
int		 finding_code_parse(const char *, enum finding_code *);

const char	*severity_name(enum severity);
const char	*status_name(enum status);
/* "OK", "WARNING" or "CRITICAL": the status as a report shows it. */
const char	*status_word(enum status);
enum status	 status_of_severity(enum severity);

void		 findings_init(struct findings *);
void		 findings_free(struct findings *);
void		 findings_add(struct findings *, enum finding_code,
		    enum severity, const char *, ...)
		    __attribute__((__format__(__printf__, 4, 5)));
int		 findings_has(const struct findings *, enum finding_code);
size_t		 findings_count(const struct findings *, enum finding_code);
enum status	 findings_status(const struct findings *);
const struct finding *findings_worst(const struct findings *);

#endif
