/*
 * logfmt.h: key=value syslog lines (CONTRACT.md section 6), pure.
 *
 * Values with spaces, quotes, '=' or bytes outside printable ASCII are
 * double-quoted with \" \\ and \xNN escapes, so a line stays one line and
 * splits safely whatever a certificate carries.
 */
#ifndef EDGEPROBE_LOGFMT_H
#define EDGEPROBE_LOGFMT_H

#include "finding.h"

struct result;

/* "target=... host=... status=... msg=..."; caller frees. */
char	*logfmt_result(const struct result *);
/* "event=status_change target=... from=ok to=critical findings=..." */
char	*logfmt_status_change(const struct result *, enum status from);
/* "event=cert_change target=... from_sha256=... to_sha256=..." */
char	*logfmt_cert_change(const struct result *, const char *from_sha256);
/* The distinct warning/critical codes, "A,B", or "-"; caller frees. */
char	*logfmt_findings(const struct result *);
/* Append key=value (quoted as needed) to a malloc'ed line; returns it. */
char	*logfmt_append(char *line, const char *key, const char *value);

#endif
