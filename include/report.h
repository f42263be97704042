/*
 * report.h: the human report and the JSON document (CONTRACT.md section 4).
 */
#ifndef EDGEPROBE_REPORT_H
#define EDGEPROBE_REPORT_H

#include <stddef.h>
#include <stdio.h>

struct result;

/*
 * One line per endpoint (status, target, address:port, sni=, days_left=,
 * findings=), its warning and critical findings indented below, then
 * "N endpoints: N ok, N warning, N critical"; ANSI colour on the status
 * word only when color is set. Control and non-ASCII bytes print as \xNN.
 */
void	 report_human(FILE *, struct result *const *, size_t, int color);
/*
 * The JSON document as a NUL-terminated, valid UTF-8 string, indented by
 * two, without a trailing newline (the caller adds it); caller frees.
 */
char	*report_json(struct result *const *, size_t);

#endif
