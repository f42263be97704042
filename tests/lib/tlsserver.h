/*
 * tlsserver.h: real TLS listeners on loopback for the tests, and hostile
 * peers. Each server runs in its own thread and serves connections one at a
 * time until tlsserver_stop(), which returns at once whatever the server is
 * doing. Every wait is bounded; a silent or stalled server holds a
 * connection for up to 120 s (longer than any probe timeout) unless the
 * client closes it first.
 *
 * The TLS modes (TS_TLS, TS_REQUIRE_CERT, TS_TRICKLE, TS_STALL_AFTER_HELLO,
 * TS_STALL_AFTER_CERT, TS_TICKET_FLOOD)
 * run at security level 0 without session resumption and send leaf + extra
 * exactly as given; with leaf or key NULL they mint a throwaway self-signed
 * P-256 certificate for CN localhost. The other modes need no certificate.
 * After a handshake the server discards what the client sends until it
 * closes (3 s at most); every close is a FIN after our last byte, except
 * TS_RST's.
 */
#ifndef EDGEPROBE_TEST_TLSSERVER_H
#define EDGEPROBE_TEST_TLSSERVER_H

#include <openssl/ssl.h>

enum tlsserver_mode {
	TS_TLS = 0,		/* a normal TLS server presenting the chain */
	TS_REQUIRE_CERT,	/* requests a client cert and aborts without one (MTLS Edge) */
	TS_SILENT,		/* accepts and never speaks */
	TS_CLOSE,		/* accepts and closes at once */
	TS_RST,			/* reads the ClientHello, then resets (SO_LINGER 0) */
	TS_GARBAGE,		/* answers 64 non-TLS bytes (ff 00 ...), then EOF */
	TS_HTTP,		/* answers an HTTP/1.1 400 as a plain web server would */
	TS_TRICKLE,		/* sends a valid TLS response one byte per second */
	TS_STALL_AFTER_HELLO,	/* sends the ServerHello record only, then stalls */
	TS_ALERT,		/* answers the ClientHello with a fatal alert: */
				/* 15 03 03 00 02 02 28 (handshake_failure) */
	TS_STALL_AFTER_CERT,	/* TLS 1.2 at most: sends the records up to */
				/* and with the Certificate, then stalls */
	TS_TICKET_FLOOD,	/* TLS 1.3 with an optional CertificateRequest; */
				/* after the handshake, NewSessionTickets */
				/* without end until the client closes */
	TS_HELLO_REQUEST_FLOOD	/* answers the ClientHello with records full */
				/* of HelloRequest (00 00 00 00), which a */
				/* client skips, as fast as it takes them */
};

struct tlsserver_spec {
	enum tlsserver_mode	 mode;
	const char		*bind;		/* default "127.0.0.1"; "::1" ok */
	int			 port;		/* 0: ephemeral */
	X509			*leaf;
	EVP_PKEY		*key;
	X509 *const		*extra;		/* sent after the leaf, in order */
	size_t			 nextra;
	int			 min_version;	/* 0: library default; TLS1_VERSION ok */
	int			 max_version;	/* 0: TLS1_3_VERSION (REQUIRE_CERT: 1.2) */
	int			 request_cert;	/* send CertificateRequest (optional) */
	/*
	 * TS_REQUIRE_CERT: with client_cas, the client's certificate and
	 * chain are verified for real against these CAs, whose subjects the
	 * CertificateRequest advertises in this order (TLS 1.2 and 1.3);
	 * a failure is the alert OpenSSL sends (unknown CA ...). Without
	 * them any certificate is accepted and no CA name is advertised.
	 */
	X509 *const		*client_cas;
	size_t			 nclient_cas;
};

struct tlsserver;

/* Start listening (the port is bound before return); NULL on error. */
struct tlsserver	*tlsserver_start(const struct tlsserver_spec *);
int			 tlsserver_port(const struct tlsserver *);
/* Connections accepted so far. */
int			 tlsserver_accepted(const struct tlsserver *);
void			 tlsserver_stop(struct tlsserver *);

/* A loopback port with nothing listening (bound then closed). */
int			 tlsserver_closed_port(const char *bind);

#endif
