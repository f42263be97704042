/*
 * conf_syntax.h: the syntax of configuration values held in strings (DNS
 * names, "ADDR:PORT", "K/N"), checked without I/O.
 */
#ifndef EDGEPROBE_CONF_SYNTAX_H
#define EDGEPROBE_CONF_SYNTAX_H

/* 1 if s is a DNS name (LDH labels of 1..63, 253 at most, no final dot). */
int	 conf_syntax_dnsname(const char *s);
/*
 * "A.B.C.D:PORT" or "[IPv6]:PORT", numeric; without ":PORT", defport (0:
 * the port is required). 0 with *addr (allocated, no brackets) and *port
 * set, else -1 and *cause a static message.
 */
int	 conf_syntax_addrport(const char *s, int defport, char **addr,
	    int *port, const char **cause);
/* "K/N" with 1 <= K <= N <= max: 0 with *k, *n set, else -1. */
int	 conf_syntax_shard(const char *s, int max, int *k, int *n);

#endif
