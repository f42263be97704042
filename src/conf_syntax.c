/*
 * conf_syntax.c: the syntax of configuration values held in strings.
 *
 * Pure functions: no I/O, no resolver. Addresses are numeric on purpose:
 * the resolver and the metrics listener are set up before the loop, and a
 * name there would need the very DNS the resolver setting configures.
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <stdlib.h>
#include <string.h>

#include "conf_syntax.h"
#include "xmalloc.h"

#define CONF_DNS_MAX	253
#define CONF_LABEL_MAX	63

static int	 conf_syntax_number(const char *, const char **, long, long *);

/* A decimal number of at most 7 digits at s, up to *end; -1 if none. */
static int
conf_syntax_number(const char *s, const char **end, long max, long *v)
{
	const char	*p;
	long		 n = 0;

	for (p = s; *p >= '0' && *p <= '9' && p - s < 7; p++)
		n = n * 10 + (*p - '0');
	if (p == s || (*p >= '0' && *p <= '9') || n > max)
		return -1;
	*end = p;
	*v = n;
	return 0;
}

/* Letters, digits and inner hyphens, label by label. */
int
conf_syntax_dnsname(const char *s)
{
	size_t	 len, label = 0;
	char	 c, prev = '.';

	if ((len = strlen(s)) == 0 || len > CONF_DNS_MAX)
		return 0;
	for (; (c = *s) != '\0'; prev = c, s++) {
		if (c == '.') {
			if (label == 0 || prev == '-')
				return 0;
			label = 0;
		} else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || (c == '-' && label > 0)) {
			if (++label > CONF_LABEL_MAX)
				return 0;
		} else
			return 0;
	}
	return prev != '.' && prev != '-';
}

/* Split and check "ADDR:PORT" / "[ADDR6]:PORT". */
int
conf_syntax_addrport(const char *s, int defport, char **addr, int *port,
    const char **cause)
{
	unsigned char	 buf[sizeof(struct in6_addr)];
	const char	*close, *colon, *ps = NULL, *end;
	char		*a;
	long		 v;
	int		 af;

	*cause = "not a numeric address";
	if (*s == '[') {
		if ((close = strchr(s, ']')) == NULL)
			return -1;
		a = xstrndup(s + 1, (size_t)(close - s - 1));
		af = AF_INET6;
		if (close[1] == ':')
			ps = close + 2;
		else if (close[1] != '\0') {
			free(a);
			return -1;
		}
	} else {
		if ((colon = strchr(s, ':')) != NULL &&
		    strchr(colon + 1, ':') != NULL) {
			*cause = "an IPv6 address is written [ADDR]:PORT";
			return -1;
		}
		a = colon != NULL ? xstrndup(s, (size_t)(colon - s)) :
		    xstrdup(s);
		af = AF_INET;
		ps = colon != NULL ? colon + 1 : NULL;
	}
	if (inet_pton(af, a, buf) != 1) {
		free(a);
		return -1;
	}
	if (ps == NULL && defport == 0) {
		*cause = "the port is missing";
		free(a);
		return -1;
	}
	v = defport;
	if (ps != NULL && (conf_syntax_number(ps, &end, 65535, &v) == -1 ||
	    *end != '\0' || v < 1)) {
		*cause = "the port is not a number in 1..65535";
		free(a);
		return -1;
	}
	*addr = a;
	*port = (int)v;
	return 0;
}

/* "K/N", both decimal, 1 <= K <= N <= max. */
int
conf_syntax_shard(const char *s, int max, int *k, int *n)
{
	const char	*end;
	long		 vk, vn;

	if (conf_syntax_number(s, &end, max, &vk) == -1 || *end != '/')
		return -1;
	if (conf_syntax_number(end + 1, &end, max, &vn) == -1 || *end != '\0')
		return -1;
	if (vk < 1 || vk > vn)
		return -1;
	*k = (int)vk;
	*n = (int)vn;
	return 0;
}
