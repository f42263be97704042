/*
 * probe_int.h: engine-internal, shared by src/probe*.c only.
 *
 * The engine is split along its seams: probe.c (the engine, its slot pool,
 * timers and signals), probe_dns.c (resolution), probe_session.c (one
 * probe's state machine), probe_tls.c (what OpenSSL's callbacks capture)
 * and probe_bio.c (the read budget). They share the two structures below;
 * nothing outside the engine includes this header: users see probe.h.
 */
#ifndef EDGEPROBE_PROBE_INT_H
#define EDGEPROBE_PROBE_INT_H

#include <sys/types.h>
#include <sys/queue.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <time.h>

#include <event2/event.h>
#include <event2/event_struct.h>
#include <event2/dns.h>

#include <openssl/ssl.h>

#include "probe.h"

/* How long a TLS 1.3 probe waits for a client-certificate rejection. */
#define PROBE_CONFIRM_MS	1000
/*
 * The bytes OpenSSL may read for one probe in one callback. OpenSSL skips
 * some messages in a loop for as long as bytes keep coming (HelloRequests
 * during the handshake, session tickets after it), so a server sending
 * them faster than we parse them would hold the loop: no deadline, no
 * other probe. Past the budget the probe's read BIO says "retry", the
 * probe waits for readiness again, and timers run in between.
 */
#define PROBE_READ_BUDGET	(64 * 1024)

enum probe_state {
	PS_QUEUED = 0,
	PS_CONNECTING,
	PS_HANDSHAKE,
	PS_CONFIRM,
	PS_SIP,
	PS_DONE
};

/* One probe, from probe_start() to its callback (probe_session.c). */
struct probe {
	TAILQ_ENTRY(probe)	 entry;
	struct probe_engine	*eng;
	enum probe_state	 state;
	char			 address[INET6_ADDRSTRLEN];
	int			 port;
	char			*sni;
	int			 timeout_ms;
	struct sockaddr_storage	 ss;
	socklen_t		 sslen;

	int			 fd;
	SSL			*ssl;
	struct event		 ev;		/* socket readiness */
	struct event		 deadline;	/* the one timer */
	int			 ev_set;
	struct timespec		 t_start;
	long			 confirm_until_ms;

	enum probe_error	 early_err;	/* failed before the loop ran */
	char			 early_cause[256];
	char			 alert[64];	/* last alert received */
	STACK_OF(X509)		*chain;		/* captured as presented */
	int			 chain_sent;	/* how many the server sent */
	int			 cert_requested;
	struct strlist		 acceptable_cas;	/* of the request */
	X509			*client_cert;	/* borrowed identity, or NULL */
	STACK_OF(X509)		*client_chain;
	EVP_PKEY		*client_key;
	int			 client_cert_sent;
	int			 read_budget;	/* left in this callback */
	int			 sip_options;	/* OPTIONS after the handshake */
	struct probe_sip	*sip;		/* its state (probe_sip.c) */
	double			 handshake_ms;	/* when it ended; 0: not yet */

	probe_done_cb		 done;
	void			*arg;
};

TAILQ_HEAD(probe_queue, probe);

/* The engine (probe.c); its loop and resolver are shared by all files. */
struct probe_engine {
	struct event_base	*base;
	struct evdns_base	*dns;
	struct probe_srv	*srv;		/* SRV lookups (probe_srv.c) */
	SSL_CTX			*ctx;
	int			 concurrency;
	size_t			 inflight;
	size_t			 queued;
	struct probe_queue	 queue;
	struct probe_queue	 running;	/* in flight */
	SLIST_HEAD(, probe_sig)	 sigs;
	int			 stopping;
};

/* probe.c: a finished probe leaves its slot; refill the free slots. */
void	probe_engine_release(struct probe_engine *, struct probe *);
void	probe_engine_pump(struct probe_engine *);

#endif
