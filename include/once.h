/*
 * once.h: --once and `probe HOST[:PORT]`: probe every endpoint of a
 * configuration once, print the report, return the exit status.
 */
#ifndef EDGEPROBE_ONCE_H
#define EDGEPROBE_ONCE_H

struct conf;

#define EXIT_OK		0
#define EXIT_WARNING	1
#define EXIT_CRITICAL	2
#define EXIT_USAGE	3

/* Run one round over conf; json selects the JSON document. */
int	once_run(const struct conf *, int json);

#endif
