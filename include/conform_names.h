/*
 * conform_names.h: the conformance rules on names (conformance-internal):
 * SAN criticality, DNS name syntax, wildcards, the public suffix list and
 * name constraints. conform.c holds the table and the other rules; this
 * header is shared by the two alone.
 */
#ifndef EDGEPROBE_CONFORM_NAMES_H
#define EDGEPROBE_CONFORM_NAMES_H

#include <stddef.h>
#include <openssl/x509.h>

#include "chain.h"

#define CONFORM_DETAIL		512	/* bytes of one rule's detail */
#define CONFORM_SERIAL_MAX	20	/* octets, RFC 5280 4.1.2.2 */
#define CONFORM_LABEL_MAX	63	/* octets of a DNS label */
#define CONFORM_NAME_MAX	253	/* octets of a DNS name */

/* What every check sees: the chain as sent and the leaf's DNS SANs. */
struct conform_ctx {
	STACK_OF(X509)		*sent;
	X509			*leaf;
	struct strlist		 san;		/* escaped, certificate order */
};

/* The name rules: 1 with a detail in d when x breaks the rule. */
int	 conform_names_san_crit(const struct conform_ctx *, X509 *, int,
	    char *, size_t);
int	 conform_names_dns_syntax(const struct conform_ctx *, X509 *, int,
	    char *, size_t);
int	 conform_names_dns_wildcard(const struct conform_ctx *, X509 *, int,
	    char *, size_t);
int	 conform_names_wildcard_psl(const struct conform_ctx *, X509 *, int,
	    char *, size_t);
int	 conform_names_nc(const struct conform_ctx *, X509 *, int, char *,
	    size_t);

#endif
