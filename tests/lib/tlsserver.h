/*
 * tlsserver.h: real TLS listeners on loopback for the tests, and hostile
 * peers. Each server runs in its own thread and serves connections one at a
 * time until tlsserver_stop().
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
	TS_GARBAGE,		/* answers non-TLS bytes */
	TS_HTTP,		/* answers an HTTP/1.1 400 as a plain web server would */
	TS_TRICKLE,		/* sends a valid TLS response one byte per second */
	TS_STALL_AFTER_HELLO,	/* sends ServerHello..., then stalls */
	TS_ALERT		/* answers the ClientHello with a fatal alert */
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
	int			 max_version;	/* 0: TLS1_3_VERSION */
	int			 request_cert;	/* send CertificateRequest (optional) */
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
