/*
 * result.h: what one probe of one endpoint produced, judged.
 *
 * An endpoint is target x member address x port. A result is a plain value
 * struct owned by whoever created it; report and logfmt only read it.
 */
#ifndef EDGEPROBE_RESULT_H
#define EDGEPROBE_RESULT_H

#include <openssl/x509.h>

#include "chain.h"
#include "finding.h"

/* Where a result came from when its target is a `domain` (DNS SRV). */
struct result_srv {
	char			*name;		/* "_sipfederationtls._tcp.fabrikam.com" */
	char			*target;	/* the SRV target host */
	int			 port;
	int			 priority;
	int			 weight;
};

struct result {
	char			*target;
	char			*host;
	char			*address;	/* numeric, or the name that did not resolve */
	int			 port;
	char			*sni;

	enum status		 status;
	int			 has_tls;	/* a TLS session reached ServerHello+Certificate */
	double			 handshake_ms;	/* valid when has_tls */
	char			 tls_version[16];
	char			 cipher[64];
	int			 client_cert_requested;
	int			 client_cert_sent;	/* we presented one */
	struct strlist		 acceptable_cas;	/* RFC 4514, as requested */
	int			 sip_asked;	/* sip_options: an OPTIONS was due */
	int			 sip_status;	/* 0: no SIP final response */
	char			*sip_reason;	/* NULL unless sip_status */
	char			*sip_server;	/* Server (or User-Agent); NULL */
	struct result_srv	*srv;		/* NULL unless from a domain */
	int			 no_endpoint;	/* a file judged: address, port null */
	int			 has_ocsp;	/* a staple came: tls.ocsp */
	char			 ocsp_status[16];	/* good|revoked|unknown */
	char			 ocsp_this_update[32];	/* ""; null in JSON */
	char			 ocsp_next_update[32];	/* ""; null in JSON */
	int			 has_days;
	long long		 days_left;
	STACK_OF(X509)		*chain;		/* as presented, leaf first; never NULL */
	char			 leaf_sha256[65];	/* "" without a leaf */
	struct findings		 findings;
};

struct result	*result_new(const char *target, const char *host,
		    const char *address, int port, const char *sni);
void		 result_free(struct result *);
/* Record the SRV answer a result came from (copied). */
void		 result_set_srv(struct result *, const struct result_srv *);
/* Recompute status from the findings (info findings do not count). */
void		 result_finish(struct result *);
/* The worst status of n results. */
enum status	 result_worst(struct result *const *, size_t);

#endif
