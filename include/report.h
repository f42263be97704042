/*
 * report.h: the human report and the JSON document (CONTRACT.md section 4).
 */
#ifndef EDGEPROBE_REPORT_H
#define EDGEPROBE_REPORT_H

#include <stddef.h>
#include <stdio.h>

struct result;

/* One line per endpoint; ANSI colour only when color is set. */
void	 report_human(FILE *, struct result *const *, size_t, int color);
/* The JSON document as a NUL-terminated UTF-8 string; caller frees. */
char	*report_json(struct result *const *, size_t);

#endif
