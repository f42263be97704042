/*
 * probe.h: the probe engine, a small asynchronous client library.
 *
 * One libevent loop does DNS (evdns: every A and AAAA), non-blocking TCP
 * connects and TLS handshakes with SNI, and captures the chain exactly as the
 * server presented it. At most `concurrency` probes are in flight; the rest
 * wait in a FIFO. Each probe has one deadline covering connect + handshake.
 * The engine's files (src/probe*.c) are the only ones that register libevent
 * callbacks: the daemon's timers and signals go through probe_timer_* and
 * probe_signal below.
 */
#ifndef EDGEPROBE_PROBE_H
#define EDGEPROBE_PROBE_H

#include <stddef.h>
#include <openssl/ssl.h>

#include "chain.h"

/* The longest chain kept: a hostile server may send hundreds. */
#define PROBE_MAX_CHAIN		64
/* The CA names kept of a CertificateRequest, and the bytes of each. */
#define PROBE_MAX_CAS		64
#define PROBE_MAX_CA_LEN	1024

/*
 * The most bytes of a stapled OCSP response kept. OpenSSL already caps a
 * TLS 1.2 CertificateStatus message at 16 KiB (SSL3_RT_MAX_PLAIN_LENGTH);
 * in TLS 1.3 the staple rides in the Certificate message, bounded only by
 * its 100 KiB limit, so the engine enforces the same 16 KiB itself. A
 * longer staple is cut there and then does not parse: OCSP_STAPLE_INVALID.
 */
#define PROBE_MAX_OCSP		16384

struct probe_engine;
struct probe_timer;

struct probe_req {
	const char	*address;	/* numeric IPv4 or IPv6 */
	int		 port;
	const char	*sni;		/* NULL or "": no SNI */
	int		 timeout_ms;	/* connect + handshake (+ SIP) */
	int		 sip_options;	/* then one SIP OPTIONS, same deadline */
	/*
	 * An optional client identity, presented (leaf, then client_chain)
	 * only when the server sends a CertificateRequest. Borrowed: loaded
	 * before the loop, it must outlive the probe's callback. NULL
	 * client_cert or client_key: none, we answer with no certificate.
	 */
	X509		*client_cert;
	STACK_OF(X509)	*client_chain;	/* intermediates, or NULL */
	EVP_PKEY	*client_key;
};

enum probe_error {
	PROBE_OK = 0,
	PROBE_CONNECT_FAILED,
	PROBE_TIMEOUT,
	PROBE_HANDSHAKE_FAILED,
	PROBE_MTLS_REJECTED	/* we presented a client certificate and the
				   server aborted: cause is its alert */
};

struct probe_outcome {
	enum probe_error	 err;
	char			 cause[256];	/* why, when err != PROBE_OK */
	STACK_OF(X509)		*chain;		/* as presented, leaf first, never NULL;
						   the callback owns it (may steal: set NULL) */
	int			 chain_sent;	/* certificates sent; chain keeps
						   the first PROBE_MAX_CHAIN */
	int			 has_tls;	/* ServerHello was seen */
	double			 handshake_ms;	/* connect start to handshake end */
	int			 tls_version;	/* TLS1_2_VERSION ...; 0 unknown */
	char			 version_name[16];
	char			 cipher[64];
	int			 cert_requested;	/* a CertificateRequest came */
	struct strlist		 acceptable_cas;	/* its CA names, RFC 4514
						   (XN_FLAG_RFC2253), in order;
						   the first PROBE_MAX_CAS, each
						   cut at PROBE_MAX_CA_LEN bytes;
						   empty when none; the callback
						   owns it (may steal: zero it) */
	int			 client_cert_sent;	/* we presented one */
	int			 sip_asked;	/* sip_options was set */
	int			 sip_status;	/* final answer; 0: none */
	char			 sip_reason[129];
	char			 sip_server[129];	/* Server, else User-Agent */
	char			 sip_error[128];	/* why no answer */
	unsigned char		*ocsp_der;	/* the stapled OCSP response as
						   sent (at most PROBE_MAX_OCSP
						   bytes), NULL when none came;
						   the callback owns it like
						   chain (may steal: set NULL) */
	size_t			 ocsp_len;
};

typedef void	(*probe_done_cb)(struct probe_outcome *, void *);
typedef void	(*probe_resolve_cb)(const char *name, struct strlist *addrs,
		    const char *error, void *);
typedef void	(*probe_event_cb)(void *);

/* One DNS SRV answer as it came (RFC 2782 fields). */
struct probe_srv_rr {
	char	*target;
	int	 port;
	int	 priority;
	int	 weight;
};

/*
 * The answers of one SRV query, valid during the call. n is 0 and error
 * NULL when the name has no SRV record (NXDOMAIN or no data); error says
 * why a lookup failed. dropped counts answers beyond PROBE_SRV_MAX_RR.
 */
typedef void	(*probe_srv_cb)(const char *name, const struct probe_srv_rr *,
		    size_t n, size_t dropped, const char *error, void *);

/* The most SRV answers kept of one query. */
#define PROBE_SRV_MAX_RR	1024

/* The engine borrows ctx, which must outlive it. NULL with *cause on error. */
struct probe_engine	*probe_engine_new(SSL_CTX *ctx, int concurrency,
			    char **cause);
/*
 * Probes still queued or in flight are reported first, each once, as
 * PROBE_TIMEOUT with the cause "stopped before it ended", so that their
 * owners free what they hold for them (a forced stop).
 */
void			 probe_engine_free(struct probe_engine *);
void			 probe_engine_set_concurrency(struct probe_engine *, int);
/* Run the loop until nothing is pending or probe_engine_stop(). */
int			 probe_engine_run(struct probe_engine *);
void			 probe_engine_stop(struct probe_engine *);
size_t			 probe_engine_inflight(const struct probe_engine *);
size_t			 probe_engine_queued(const struct probe_engine *);
/* The loop itself, for the other engine files (src/probe_*.c) only. */
struct event_base	*probe_engine_base(struct probe_engine *);

/* Queue one probe; done is called exactly once, from the loop. */
void			 probe_start(struct probe_engine *,
			    const struct probe_req *, probe_done_cb, void *);

/* Resolve name (A and AAAA, or a numeric address as is); cb exactly once. */
void			 probe_resolve(struct probe_engine *, const char *,
			    probe_resolve_cb, void *);

/* Ask for a name's SRV records (c-ares on the loop); cb exactly once. */
void			 probe_resolve_srv(struct probe_engine *, const char *,
			    probe_srv_cb, void *);

/*
 * Send every lookup (A, AAAA, SRV) to one DNS server, a numeric address
 * and port, instead of resolv.conf's. Before the loop; -1 with *cause.
 */
int			 probe_engine_set_resolver(struct probe_engine *,
			    const char *addr, int port, char **cause);

/* Timers and signals for the engine's users. */
struct probe_timer	*probe_timer_new(struct probe_engine *, probe_event_cb,
			    void *);
void			 probe_timer_set(struct probe_timer *, long ms);
void			 probe_timer_clear(struct probe_timer *);
void			 probe_timer_free(struct probe_timer *);
int			 probe_signal(struct probe_engine *, int signo,
			    probe_event_cb, void *);

#endif
