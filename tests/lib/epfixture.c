/*
 * epfixture.c: a standalone set of loopback Edge servers for the shell
 * tests and the demo.
 *
 *	epfixture [-s] [-t SECONDS] DIR SCENARIO[@BIND]...
 *	epfixture mint-files DIR
 *
 * mint-files writes a test PKI as PEM files into DIR and exits (0, or 1
 * on failure): server, partner and untrusted client certificates and
 * keys for peers that are not ours (tests/lib/mintfiles.c lists them).
 *
 * With -s every listener takes the port of the first one (a pool: the same
 * port on several addresses, so each scenario needs its own BIND).
 * Mints one test PKI (root -> intermediate, RSA-2048, SHA-256), writes the
 * root alone to DIR/ca.pem (the trust store to give edgeprobe as ca_file),
 * serves every scenario on its own ephemeral port on BIND (default
 * 127.0.0.1; 127.0.0.2 or ::1 work too), writes DIR/NAME.pem (the chain
 * the scenario sends, leaf first) and, once every listener is up,
 * DIR/ports with one line "NAME BIND PORT" per argument, in argument
 * order (written to a temporary file and renamed, so a test may wait for
 * it to appear). It then runs until SIGTERM or SIGINT, until stdin reaches
 * EOF when stdin is a pipe or a socket (an stdin of /dev/null, a file or a
 * terminal is ignored, since sh gives /dev/null to a job started with &),
 * or until -t SECONDS have passed, and exits 0. Usage errors exit 2,
 * start-up failures 1.
 *
 * SIGUSR1 pauses: every listener and connection is closed, so a probe
 * meets a refused connection at once; SIGUSR2 serves again on the same
 * ports. DIR/state says "paused" or "serving" once either is done (a
 * temporary file renamed). tests/regress/soak.sh pauses to measure the
 * daemon with nothing in flight.
 *
 * A scenario named twice (compliant@127.0.0.1 compliant@127.0.0.2) serves
 * the same leaf on both addresses: a pool in agreement. other-leaf is a
 * second, distinct compliant leaf, for POOL_MISMATCH.
 *
 * Unless said otherwise, a leaf is the seed's Access Edge certificate:
 * RSA-2048, CN sip.contoso.com, O Contoso, DNS SANs sip.contoso.com,
 * webcon.contoso.com, sip.fabrikam.com in that order, EKU serverAuth +
 * clientAuth, CRL DP http://crl.example.test/edge.crl, SHA-256, issued by
 * the intermediate, notBefore now - 1 day, notAfter now + 365 days + 1 hour
 * (days_left 365); the chain sent is leaf + intermediate; TLS 1.0 to 1.3
 * are offered (1.3 is negotiated by a modern client).
 *
 *	compliant	 the seed certificate; no finding
 *	noclient	 EKU serverAuth only (a renewal that lost clientAuth)
 *	expiring	 notAfter now + 5 days + 1 hour (days_left 5)
 *	expired		 notBefore now - 30 days, notAfter now - 23 hours
 *			 (days_left -1)
 *	notyet		 notBefore now + 1 day
 *	serveronly-inter leaf under a second intermediate (same root) whose
 *			 EKU is serverAuth only; chain leaf + that intermediate
 *	missing-inter	 the leaf alone, without its intermediate
 *	selfsigned	 a self-signed leaf, sent alone
 *	untrusted	 leaf -> other intermediate -> other root, all three
 *			 sent; the other root is not in ca.pem
 *	wildcard	 CN *.contoso.com, one DNS SAN *.contoso.com
 *	pss		 the leaf signed with RSASSA-PSS (SHA-256)
 *	legacy		 TLS 1.0 only, an RSA-1024 leaf signed with SHA-1
 *	noeku		 no EKU extension
 *	nocrl		 no CRL distribution point
 *	wrongname	 CN other.example.com, one DNS SAN other.example.com
 *	require-cert	 the compliant leaf, TLS 1.2 at most, a client
 *			 certificate required: the handshake aborts after the
 *			 server's certificate with a handshake_failure alert
 *	ec		 P-256 leaf under a P-256 intermediate (signed by the
 *			 RSA root), ECDSA-SHA256
 *	other-leaf	 a second compliant leaf with its own key (the other
 *			 RSA-2048 leaves share one key, to start faster)
 *	silent		 accepts and never speaks
 *	close		 accepts and closes at once
 *	rst		 reads the ClientHello, then resets the connection
 *	garbage		 answers 64 bytes that are not TLS, then closes
 *	http		 answers an HTTP/1.1 400, then closes
 *	trickle		 the compliant handshake, one byte per second
 *	stall		 the compliant ServerHello record only, then silence
 *	stall-cert	 TLS 1.2: the compliant ServerHello and Certificate
 *			 records, then silence
 *	ticket-flood	 TLS 1.3, the compliant chain, an optional
 *			 CertificateRequest, then NewSessionTickets without
 *			 end until the client closes
 *	hello-flood	 answers the ClientHello with HelloRequest messages
 *			 (which a client skips) without end, 16 KiB records
 *	alert		 answers the ClientHello with a fatal handshake_failure
 *	closed		 nothing listens: the port was bound, then closed
 *
 * Hostile chains and certificates built to trick (tests/regress/hostile.sh):
 *
 *	chain100	 the compliant leaf + intermediate, then 98 unrelated
 *			 self-signed P-256 CAs (CN EdgeProbe Junk CA 1..98):
 *			 100 certificates, about 46 KiB, as a server with a
 *			 whole CA bundle pasted into its chain file sends
 *	bigleaf		 the compliant leaf with 3000 more DNS SANs
 *			 (edge-0001.pool.contoso.com ...) after the seed's:
 *			 a leaf over 64 KiB (about 83 KiB DER)
 *	scrambled	 the leaf under a second-level issuing CA (CN
 *			 EdgeProbe Test Issuing CA, signed by the
 *			 intermediate); sent out of order: leaf, intermediate,
 *			 issuing CA (the root's child before the leaf's issuer)
 *	nul-san		 CN sip.contoso.com, one DNS SAN of 26 bytes
 *			 "sip.contoso.com\0.evil.com" (an embedded NUL)
 *	ip-san		 CN sip.contoso.com, one IP SAN 127.0.0.1, no DNS SAN
 *	wild-com	 CN and SAN *.com
 *	wild-all	 CN and SAN *
 *	hostile-names	 the compliant leaf whose CN is the bytes
 *			 "sip" ESC "[31m" CR LF "x=\"1\"\\" ff fe "evil" (not
 *			 UTF-8: minted as a T61String) and with a fourth DNS SAN
 *			 "edge" CR LF "msg=\"x\" " 80 ff 00 "z.contoso.com"
 *	hugeleaf	 the compliant leaf with 12000 more DNS SANs: about
 *			 330 KiB, over the probe's 256 KiB certificate list
 *	deepchain	 the leaf under a ladder of 98 P-256 CAs (CN EdgeProbe
 *			 Ladder CA 1..98, 1 signed by the intermediate), sent
 *			 whole: leaf, Ladder 98 ... 1, intermediate (100)
 *	hostile-utf8	 the compliant leaf whose CN is a UTF8String with
 *			 control bytes and a right-to-left override:
 *			 "sip" 00 07 7f "." e2 80 ae "moc.osotnoc" 0a "end"
 */
#include <sys/types.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "mint.h"
#include "mintfiles.h"
#include "tlsserver.h"

#define DAY		(24L * 60 * 60)
#define HOUR		(60L * 60)
#define MAXCHAIN	100
#define FX_JUNK		98	/* chain100: unrelated CAs after the chain */
#define FX_BIGSANS	3000	/* bigleaf: DNS SANs after the seed's */
#define FX_HUGESANS	12000	/* hugeleaf: the same, past 256 KiB */
#define FX_LADDER	98	/* deepchain: CAs between leaf and inter */

enum fx_kind {
	FX_TLS,		/* a certificate scenario */
	FX_HOSTILE,	/* a hostile peer without a certificate */
	FX_COMPLIANT,	/* a hostile or picky peer using the compliant chain */
	FX_CLOSED	/* no listener */
};

struct fx_scenario {
	const char		*name;
	enum fx_kind		 kind;
	enum tlsserver_mode	 mode;
	const char		*help;
};

static const struct fx_scenario fx_scenarios[] = {
	{ "compliant", FX_TLS, TS_TLS, "the seed certificate; no finding" },
	{ "noclient", FX_TLS, TS_TLS, "EKU serverAuth only" },
	{ "expiring", FX_TLS, TS_TLS, "notAfter in 5 days (days_left 5)" },
	{ "expired", FX_TLS, TS_TLS, "notAfter 23 hours ago (days_left -1)" },
	{ "notyet", FX_TLS, TS_TLS, "notBefore tomorrow" },
	{ "serveronly-inter", FX_TLS, TS_TLS,
	    "under an intermediate whose EKU is serverAuth only" },
	{ "missing-inter", FX_TLS, TS_TLS, "the leaf sent without its "
	    "intermediate" },
	{ "selfsigned", FX_TLS, TS_TLS, "a self-signed leaf" },
	{ "untrusted", FX_TLS, TS_TLS, "a chain to another root, sent, not "
	    "trusted" },
	{ "wildcard", FX_TLS, TS_TLS, "CN and SAN *.contoso.com" },
	{ "pss", FX_TLS, TS_TLS, "leaf signed with RSASSA-PSS" },
	{ "legacy", FX_TLS, TS_TLS, "TLS 1.0 only, RSA-1024 leaf, SHA-1" },
	{ "noeku", FX_TLS, TS_TLS, "no EKU extension" },
	{ "nocrl", FX_TLS, TS_TLS, "no CRL distribution point" },
	{ "wrongname", FX_TLS, TS_TLS, "CN and SAN other.example.com" },
	{ "require-cert", FX_COMPLIANT, TS_REQUIRE_CERT,
	    "compliant leaf, TLS 1.2, client certificate required" },
	{ "ec", FX_TLS, TS_TLS, "P-256 leaf and intermediate" },
	{ "other-leaf", FX_TLS, TS_TLS, "a second, distinct compliant leaf" },
	{ "silent", FX_HOSTILE, TS_SILENT, "accepts and never speaks" },
	{ "close", FX_HOSTILE, TS_CLOSE, "accepts and closes at once" },
	{ "rst", FX_HOSTILE, TS_RST, "reads the ClientHello, then resets" },
	{ "garbage", FX_HOSTILE, TS_GARBAGE, "answers 64 non-TLS bytes" },
	{ "http", FX_HOSTILE, TS_HTTP, "answers an HTTP/1.1 400" },
	{ "trickle", FX_COMPLIANT, TS_TRICKLE,
	    "the compliant handshake at one byte per second" },
	{ "stall", FX_COMPLIANT, TS_STALL_AFTER_HELLO,
	    "the ServerHello record, then silence" },
	{ "stall-cert", FX_COMPLIANT, TS_STALL_AFTER_CERT,
	    "TLS 1.2: ServerHello and Certificate, then silence" },
	{ "ticket-flood", FX_COMPLIANT, TS_TICKET_FLOOD,
	    "TLS 1.3, CertificateRequest, then endless session tickets" },
	{ "hello-flood", FX_HOSTILE, TS_HELLO_REQUEST_FLOOD,
	    "HelloRequest messages without end" },
	{ "alert", FX_HOSTILE, TS_ALERT, "a fatal handshake_failure alert" },
	{ "closed", FX_CLOSED, TS_TLS, "nothing listens on the port" },
	{ "chain100", FX_TLS, TS_TLS, "leaf + intermediate + 98 unrelated "
	    "CAs: 100 certificates" },
	{ "bigleaf", FX_TLS, TS_TLS, "a leaf over 64 KiB: 3003 DNS SANs" },
	{ "scrambled", FX_TLS, TS_TLS, "leaf, intermediate, issuing CA: "
	    "out of order" },
	{ "nul-san", FX_TLS, TS_TLS, "one DNS SAN sip.contoso.com\\0.evil.com" },
	{ "ip-san", FX_TLS, TS_TLS, "one IP SAN 127.0.0.1, no DNS SAN" },
	{ "wild-com", FX_TLS, TS_TLS, "CN and SAN *.com" },
	{ "wild-all", FX_TLS, TS_TLS, "CN and SAN *" },
	{ "hostile-names", FX_TLS, TS_TLS, "CN and a SAN with control and "
	    "non-UTF-8 bytes" },
	{ "hostile-utf8", FX_TLS, TS_TLS, "a UTF-8 CN with NUL, control "
	    "bytes and U+202E" },
	{ "hugeleaf", FX_TLS, TS_TLS, "a leaf of about 330 KiB: 12003 DNS "
	    "SANs" },
	{ "deepchain", FX_TLS, TS_TLS, "leaf under 98 more CAs, all sent: "
	    "100 certificates" },
};
#define FX_NSCENARIOS	(sizeof(fx_scenarios) / sizeof(fx_scenarios[0]))

/* A minted scenario: key, leaf and the chain to send. */
struct fx_made {
	const struct fx_scenario *sc;
	EVP_PKEY		*key;
	X509			*chain[MAXCHAIN];	/* leaf first */
	size_t			 nchain;
	int			 min_version;
	int			 max_version;
};

/* One argument: a scenario on an address. */
struct fx_arg {
	const struct fx_scenario *sc;
	const char		*bind;
	struct fx_made		*made;
	struct tlsserver_spec	 ts;		/* how to serve it again */
	struct tlsserver	*srv;
	int			 port;
};

/* The issuing CAs, each made the first time a scenario needs it. */
struct fx_pki {
	struct mint_pki		 main;
	struct mint_pki		 other;		/* untrusted */
	EVP_PKEY		*serveronly_key;
	X509			*serveronly;
	EVP_PKEY		*ec_key;
	X509			*ec;
	EVP_PKEY		*issuing_key;	/* scrambled: second level */
	X509			*issuing;
	EVP_PKEY		*junk_key;	/* chain100, deepchain: the CAs */
	X509			*ladder[FX_LADDER];	/* deepchain */
	EVP_PKEY		*leaf_key;	/* shared by RSA-2048 leaves */
	time_t			 now;
};

static void	 fx_usage(FILE *);
static const struct fx_scenario *fx_lookup(const char *);
static int	 fx_bind_ok(const char *);
static int	 fx_sub_ca(struct fx_pki *, const char *, enum mint_keytype,
		    int, EVP_PKEY **, X509 **);
static int	 fx_junk(struct fx_pki *, struct fx_made *);
static char	**fx_bigsans(size_t);
static int	 fx_ladder(struct fx_pki *, X509 **, EVP_PKEY **);
static int	 fx_mint(struct fx_pki *, struct fx_made *);
static void	 fx_made_free(struct fx_made *);
static int	 fx_write_ports(const char *, struct fx_arg *, int);
static int	 fx_write_state(const char *, const char *);
static int	 fx_pause(struct fx_arg *, int, int);
static int	 fx_wait(const char *, struct fx_arg *, int, long);

/* Print the usage and the scenario list. */
static void
fx_usage(FILE *f)
{
	size_t	 i;

	fprintf(f, "usage: epfixture [-s] [-t SECONDS] DIR SCENARIO[@BIND]...\n"
	    "       epfixture mint-files DIR\n"
	    "-s: every listener on the same port (the first one's), for "
	    "pools: give each\n"
	    "scenario its own BIND.\n"
	    "Serves each scenario on an ephemeral loopback port of BIND "
	    "(default 127.0.0.1),\n"
	    "writes DIR/ca.pem (the test root), DIR/NAME.pem (the chain sent) "
	    "and DIR/ports\n"
	    "(\"NAME BIND PORT\" per argument, once all listen); runs until "
	    "SIGTERM, SIGINT,\n"
	    "EOF on a piped stdin, or -t SECONDS. Leaves are for "
	    "sip.contoso.com with the\n"
	    "seed SANs, chain leaf + intermediate, unless said otherwise.\n"
	    "Scenarios:\n");
	for (i = 0; i < FX_NSCENARIOS; i++)
		fprintf(f, "  %-17s %s\n", fx_scenarios[i].name,
		    fx_scenarios[i].help);
}

/* The scenario called name, or NULL. */
static const struct fx_scenario *
fx_lookup(const char *name)
{
	size_t	 i;

	for (i = 0; i < FX_NSCENARIOS; i++)
		if (strcmp(fx_scenarios[i].name, name) == 0)
			return &fx_scenarios[i];
	return NULL;
}

/* Whether bind is a numeric loopback address (the tests stay on loopback). */
static int
fx_bind_ok(const char *bind_addr)
{
	struct in_addr	 in4;
	struct in6_addr	 in6;

	if (inet_pton(AF_INET, bind_addr, &in4) == 1)
		return (ntohl(in4.s_addr) >> 24) == 127;
	if (inet_pton(AF_INET6, bind_addr, &in6) == 1)
		return IN6_IS_ADDR_LOOPBACK(&in6);
	return 0;
}

/* An intermediate CA signed by the main root, once. 0 on success. */
static int
fx_sub_ca(struct fx_pki *pki, const char *cn, enum mint_keytype type,
    int eku, EVP_PKEY **keyp, X509 **certp)
{
	struct mint_spec	 spec;

	if (*certp != NULL)
		return 0;
	memset(&spec, 0, sizeof(spec));
	spec.cn = cn;
	spec.o = "EdgeProbe Test PKI";
	spec.ca = 1;
	spec.eku = eku;
	spec.not_before = pki->now - 30 * DAY;
	spec.not_after = pki->now + 1825 * DAY;
	if ((*keyp = mint_key(type, 0)) == NULL ||
	    (*certp = mint_cert(&spec, *keyp, pki->main.root,
	    pki->main.root_key)) == NULL)
		return -1;
	return 0;
}

/*
 * chain100: append FX_JUNK unrelated self-signed CAs (one shared P-256
 * key, SHA-256, valid for years: no finding of their own) to the chain.
 * 0 on success.
 */
static int
fx_junk(struct fx_pki *pki, struct fx_made *m)
{
	struct mint_spec	 spec;
	char			 cn[64];
	int			 i;

	if (pki->junk_key == NULL &&
	    (pki->junk_key = mint_key(MINT_EC, 256)) == NULL)
		return -1;
	for (i = 1; i <= FX_JUNK && m->nchain < MAXCHAIN; i++) {
		memset(&spec, 0, sizeof(spec));
		snprintf(cn, sizeof(cn), "EdgeProbe Junk CA %d", i);
		spec.cn = cn;
		spec.o = "EdgeProbe Junk";
		spec.ca = 1;
		spec.not_before = pki->now - 30 * DAY;
		spec.not_after = pki->now + 1825 * DAY;
		if ((m->chain[m->nchain] = mint_cert(&spec, pki->junk_key,
		    NULL, NULL)) == NULL)
			return -1;
		m->nchain++;
	}
	return 0;
}

/*
 * bigleaf, hugeleaf: the seed's three SANs then more, as one
 * NULL-terminated array of strings; NULL on error. Free each and the array.
 */
static char **
fx_bigsans(size_t more)
{
	static const char *const	 seed[] = {
		"sip.contoso.com", "webcon.contoso.com", "sip.fabrikam.com"
	};
	char				**v, buf[64];
	size_t				 i, n = 3 + more;

	if ((v = calloc(n + 1, sizeof(*v))) == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		if (i < 3)
			snprintf(buf, sizeof(buf), "%s", seed[i]);
		else
			snprintf(buf, sizeof(buf),
			    "edge-%04zu.pool.contoso.com", i - 2);
		if ((v[i] = strdup(buf)) == NULL) {
			while (i-- > 0)
				free(v[i]);
			free(v);
			return NULL;
		}
	}
	return v;
}

/*
 * deepchain: FX_LADDER CAs, the first signed by the intermediate, each
 * next by the one before (one shared P-256 key), into pki->ladder in
 * order; *issuer and *issuer_key: the last, for the leaf. 0 on success.
 */
static int
fx_ladder(struct fx_pki *pki, X509 **issuer, EVP_PKEY **issuer_key)
{
	struct mint_spec	 spec;
	char			 cn[64];
	X509			*up = pki->main.inter;
	EVP_PKEY		*upkey = pki->main.inter_key;
	int			 i;

	if (pki->junk_key == NULL &&
	    (pki->junk_key = mint_key(MINT_EC, 256)) == NULL)
		return -1;
	for (i = 0; i < FX_LADDER; i++) {
		if (pki->ladder[i] == NULL) {
			memset(&spec, 0, sizeof(spec));
			snprintf(cn, sizeof(cn), "EdgeProbe Ladder CA %d",
			    i + 1);
			spec.cn = cn;
			spec.o = "EdgeProbe Test PKI";
			spec.ca = 1;
			spec.not_before = pki->now - 30 * DAY;
			spec.not_after = pki->now + 1825 * DAY;
			if ((pki->ladder[i] = mint_cert(&spec, pki->junk_key,
			    up, upkey)) == NULL)
				return -1;
		}
		up = pki->ladder[i];
		upkey = pki->junk_key;
	}
	*issuer = up;
	*issuer_key = upkey;
	return 0;
}

/* Mint the key, leaf and chain of one certificate scenario. 0 on success. */
static int
fx_mint(struct fx_pki *pki, struct fx_made *m)
{
	static const char *const	 wild[] = { "*.contoso.com" };
	static const char *const	 other[] = { "other.example.com" };
	static const char *const	 wcom[] = { "*.com" };
	static const char *const	 wall[] = { "*" };
	static const unsigned char	 nul[] = "sip.contoso.com\0.evil.com";
	static const unsigned char	 hcn[] =
	    "sip\x1b[31m\r\nx=\"1\"\\\xff\xfe" "evil";
	static const unsigned char	 hsan[] =
	    "edge\r\nmsg=\"x\" \x80\xff\0z.contoso.com";
	static const unsigned char	 hutf8[] =
	    "sip\0\a\x7f.\xe2\x80\xaemoc.osotnoc\nend";
	char				**big = NULL;
	size_t				 i;
	int				 rc = -1;
	const char			*name = m->sc->name;
	struct mint_spec		 spec;
	enum mint_keytype		 type = MINT_RSA;
	int				 bits = 2048, send_inter = 1;
	EVP_PKEY			*ikey = pki->main.inter_key;
	X509				*inter = pki->main.inter;

	mint_spec_edge(&spec);
	spec.not_before = pki->now - DAY;
	spec.not_after = pki->now + 365 * DAY + HOUR;
	if (strcmp(name, "noclient") == 0)
		spec.eku = MINT_EKU_SERVER;
	else if (strcmp(name, "expiring") == 0)
		spec.not_after = pki->now + 5 * DAY + HOUR;
	else if (strcmp(name, "expired") == 0) {
		spec.not_before = pki->now - 30 * DAY;
		spec.not_after = pki->now - DAY + HOUR;
	} else if (strcmp(name, "notyet") == 0)
		spec.not_before = pki->now + DAY;
	else if (strcmp(name, "serveronly-inter") == 0) {
		if (fx_sub_ca(pki, "EdgeProbe Test Server-Only CA", MINT_RSA,
		    MINT_EKU_SERVER, &pki->serveronly_key,
		    &pki->serveronly) == -1)
			return -1;
		ikey = pki->serveronly_key;
		inter = pki->serveronly;
	} else if (strcmp(name, "missing-inter") == 0)
		send_inter = 0;
	else if (strcmp(name, "selfsigned") == 0) {
		ikey = NULL;
		inter = NULL;
	} else if (strcmp(name, "untrusted") == 0) {
		if (pki->other.root == NULL &&
		    mint_pki_init(&pki->other, MINT_RSA, 0) == -1)
			return -1;
		ikey = pki->other.inter_key;
		inter = pki->other.inter;
	} else if (strcmp(name, "wildcard") == 0) {
		spec.cn = wild[0];
		spec.dns = wild;
		spec.ndns = 1;
	} else if (strcmp(name, "pss") == 0)
		spec.pss = 1;
	else if (strcmp(name, "legacy") == 0) {
		bits = 1024;
		spec.md = "sha1";
		m->min_version = TLS1_VERSION;
		m->max_version = TLS1_VERSION;
	} else if (strcmp(name, "noeku") == 0)
		spec.eku = MINT_EKU_NONE;
	else if (strcmp(name, "nocrl") == 0)
		spec.crl_dp = NULL;
	else if (strcmp(name, "wrongname") == 0) {
		spec.cn = other[0];
		spec.dns = other;
		spec.ndns = 1;
	} else if (strcmp(name, "ec") == 0) {
		if (fx_sub_ca(pki, "EdgeProbe Test EC CA", MINT_EC, 0,
		    &pki->ec_key, &pki->ec) == -1)
			return -1;
		type = MINT_EC;
		bits = 256;
		ikey = pki->ec_key;
		inter = pki->ec;
	} else if (strcmp(name, "bigleaf") == 0 ||
	    strcmp(name, "hugeleaf") == 0) {
		i = name[0] == 'b' ? FX_BIGSANS : FX_HUGESANS;
		if ((big = fx_bigsans(i)) == NULL)
			return -1;
		spec.dns = (const char *const *)big;
		spec.ndns = 3 + i;
	} else if (strcmp(name, "deepchain") == 0) {
		if (fx_ladder(pki, &inter, &ikey) == -1)
			return -1;
		send_inter = 0;		/* the ladder is sent below */
	} else if (strcmp(name, "scrambled") == 0) {
		if (pki->issuing == NULL) {
			struct mint_spec	 ca;

			memset(&ca, 0, sizeof(ca));
			ca.cn = "EdgeProbe Test Issuing CA";
			ca.o = "EdgeProbe Test PKI";
			ca.ca = 1;
			ca.not_before = pki->now - 30 * DAY;
			ca.not_after = pki->now + 1825 * DAY;
			if ((pki->issuing_key = mint_key(MINT_RSA, 0)) ==
			    NULL || (pki->issuing = mint_cert(&ca,
			    pki->issuing_key, pki->main.inter,
			    pki->main.inter_key)) == NULL)
				return -1;
		}
		ikey = pki->issuing_key;
		inter = pki->issuing;
	} else if (strcmp(name, "nul-san") == 0) {
		spec.dns = NULL;
		spec.ndns = 0;
		spec.dns_raw = nul;
		spec.dns_raw_len = sizeof(nul) - 1;
	} else if (strcmp(name, "ip-san") == 0) {
		spec.dns = NULL;
		spec.ndns = 0;
		spec.ip = "127.0.0.1";
	} else if (strcmp(name, "wild-com") == 0) {
		spec.cn = wcom[0];
		spec.dns = wcom;
		spec.ndns = 1;
	} else if (strcmp(name, "wild-all") == 0) {
		spec.cn = wall[0];
		spec.dns = wall;
		spec.ndns = 1;
	} else if (strcmp(name, "hostile-names") == 0) {
		spec.cn_raw = hcn;
		spec.cn_raw_len = sizeof(hcn) - 1;
		spec.dns_raw = hsan;
		spec.dns_raw_len = sizeof(hsan) - 1;
	} else if (strcmp(name, "hostile-utf8") == 0) {
		spec.cn_raw = hutf8;
		spec.cn_raw_len = sizeof(hutf8) - 1;
	}
	/* compliant, chain100 and other-leaf: the seed as it is. */

	/*
	 * RSA-2048 leaves share one key, since key generation is most of
	 * the start-up time; other-leaf has its own, to be distinct in all.
	 */
	if (type == MINT_RSA && bits == 2048 &&
	    strcmp(name, "other-leaf") != 0) {
		if (pki->leaf_key == NULL &&
		    (pki->leaf_key = mint_key(MINT_RSA, 2048)) == NULL)
			goto out;
		EVP_PKEY_up_ref(pki->leaf_key);
		m->key = pki->leaf_key;
	} else if ((m->key = mint_key(type, bits)) == NULL)
		goto out;
	if ((m->chain[0] = mint_cert(&spec, m->key, inter, ikey)) == NULL)
		goto out;
	m->nchain = 1;
	if (strcmp(name, "scrambled") == 0) {
		/* The root's child first, then the leaf's own issuer. */
		X509_up_ref(pki->main.inter);
		m->chain[m->nchain++] = pki->main.inter;
	}
	if (inter != NULL && send_inter) {
		X509_up_ref(inter);
		m->chain[m->nchain++] = inter;
	}
	if (strcmp(name, "untrusted") == 0) {
		X509_up_ref(pki->other.root);
		m->chain[m->nchain++] = pki->other.root;
	}
	if (strcmp(name, "chain100") == 0 && fx_junk(pki, m) == -1)
		goto out;
	if (strcmp(name, "deepchain") == 0) {
		for (i = FX_LADDER; i-- > 0 && m->nchain < MAXCHAIN - 1;) {
			X509_up_ref(pki->ladder[i]);
			m->chain[m->nchain++] = pki->ladder[i];
		}
		X509_up_ref(pki->main.inter);
		m->chain[m->nchain++] = pki->main.inter;
	}
	rc = 0;
out:
	if (big != NULL) {
		for (i = 0; big[i] != NULL; i++)
			free(big[i]);
		free(big);
	}
	return rc;
}

/* Free what fx_mint made. */
static void
fx_made_free(struct fx_made *m)
{
	size_t	 i;

	for (i = 0; i < m->nchain; i++)
		X509_free(m->chain[i]);
	EVP_PKEY_free(m->key);
	memset(m, 0, sizeof(*m));
}

/* Write DIR/ports atomically: a temporary file renamed. 0 on success. */
static int
fx_write_ports(const char *dir, struct fx_arg *args, int nargs)
{
	char	 tmp[PATH_MAX], path[PATH_MAX];
	FILE	*f;
	int	 i, ok = 1;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s/ports.tmp", dir) >=
	    sizeof(tmp) ||
	    (size_t)snprintf(path, sizeof(path), "%s/ports", dir) >=
	    sizeof(path))
		return -1;
	if ((f = fopen(tmp, "w")) == NULL)
		return -1;
	for (i = 0; i < nargs; i++)
		if (fprintf(f, "%s %s %d\n", args[i].sc->name, args[i].bind,
		    args[i].port) < 0)
			ok = 0;
	if (fclose(f) != 0 || !ok || rename(tmp, path) == -1) {
		unlink(tmp);
		return -1;
	}
	return 0;
}

/* Write DIR/state (a temporary file renamed). 0 on success. */
static int
fx_write_state(const char *dir, const char *state)
{
	char	 tmp[PATH_MAX], path[PATH_MAX];
	FILE	*f;
	int	 ok;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s/state.tmp", dir) >=
	    sizeof(tmp) ||
	    (size_t)snprintf(path, sizeof(path), "%s/state", dir) >=
	    sizeof(path))
		return -1;
	if ((f = fopen(tmp, "w")) == NULL)
		return -1;
	ok = fprintf(f, "%s\n", state) > 0;
	if (fclose(f) != 0 || !ok || rename(tmp, path) == -1) {
		unlink(tmp);
		return -1;
	}
	return 0;
}

/*
 * Pause (stop every listener and its connection) or serve again on the
 * same ports. 0 on success.
 */
static int
fx_pause(struct fx_arg *args, int nargs, int pause)
{
	int	 i;

	for (i = 0; i < nargs; i++) {
		if (args[i].sc->kind == FX_CLOSED)
			continue;
		if (pause) {
			tlsserver_stop(args[i].srv);
			args[i].srv = NULL;
		} else if (args[i].srv == NULL) {
			args[i].ts.port = args[i].port;
			if ((args[i].srv = tlsserver_start(&args[i].ts)) ==
			    NULL) {
				fprintf(stderr, "epfixture: %s@%s:%d: cannot "
				    "listen again\n", args[i].sc->name,
				    args[i].bind, args[i].port);
				return -1;
			}
		}
	}
	return 0;
}

/*
 * Wait for SIGTERM or SIGINT (blocked and read through a signalfd), EOF
 * on a piped stdin, or secs seconds (0: no limit); SIGUSR1 and SIGUSR2
 * pause and resume meanwhile. 0, or -1 on error.
 */
static int
fx_wait(const char *dir, struct fx_arg *args, int nargs, long secs)
{
	struct signalfd_siginfo	 si;
	struct pollfd	 pfd[2];
	struct stat	 st;
	sigset_t	 set;
	time_t		 end = time(NULL) + secs;
	char		 buf[512];
	ssize_t		 n;
	int		 nfd = 1, ms, r, paused;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGUSR2);
	if ((pfd[0].fd = signalfd(-1, &set, SFD_CLOEXEC)) == -1)
		return -1;
	pfd[0].events = POLLIN;
	if (fstat(STDIN_FILENO, &st) == 0 &&
	    (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode))) {
		pfd[1].fd = STDIN_FILENO;
		pfd[1].events = POLLIN;
		nfd = 2;
	}
	for (;;) {
		ms = -1;
		if (secs > 0) {
			if (time(NULL) >= end)
				break;
			ms = end - time(NULL) > 3600 ? 3600 * 1000 :
			    (int)(end - time(NULL)) * 1000;
		}
		r = poll(pfd, (nfds_t)nfd, ms);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1)
			break;
		if (pfd[0].revents != 0) {
			if (read(pfd[0].fd, &si, sizeof(si)) != sizeof(si))
				continue;
			if (si.ssi_signo != SIGUSR1 && si.ssi_signo != SIGUSR2)
				break;
			paused = si.ssi_signo == SIGUSR1;
			if (fx_pause(args, nargs, paused) == -1 ||
			    fx_write_state(dir, paused ? "paused" :
			    "serving") == -1) {
				close(pfd[0].fd);
				return -1;
			}
			continue;
		}
		if (nfd == 2 && pfd[1].revents != 0) {
			n = read(STDIN_FILENO, buf, sizeof(buf));
			if (n == 0 || (n == -1 && errno != EINTR &&
			    errno != EAGAIN))
				break;
		}
	}
	close(pfd[0].fd);
	return 0;
}

int
main(int argc, char *argv[])
{
	struct fx_pki		 pki;
	struct fx_made		 made[FX_NSCENARIOS];
	struct fx_arg		*args;
	struct tlsserver_spec	 ts;
	const char		*dir, *at;
	char			 name[64], path[PATH_MAX];
	sigset_t		 set;
	long			 secs = 0;
	char			*end;
	int			 c, i, nargs, rc = 1, same = 0, port = 0;
	size_t			 idx;

	if (argc >= 2 && strcmp(argv[1], "mint-files") == 0) {
		if (argc != 3) {
			fx_usage(stderr);
			return 2;
		}
		return mintfiles_write(argv[2]) == 0 ? 0 : 1;
	}
	while ((c = getopt(argc, argv, "hst:")) != -1) {
		switch (c) {
		case 's':
			same = 1;
			break;
		case 'h':
			fx_usage(stdout);
			return 0;
		case 't':
			errno = 0;
			secs = strtol(optarg, &end, 10);
			if (errno != 0 || *end != '\0' || secs <= 0) {
				fx_usage(stderr);
				return 2;
			}
			break;
		default:
			fx_usage(stderr);
			return 2;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 2) {
		fx_usage(stderr);
		return 2;
	}
	dir = argv[0];
	nargs = argc - 1;
	if ((args = calloc((size_t)nargs, sizeof(*args))) == NULL)
		return 1;
	for (i = 0; i < nargs; i++) {
		const char	*arg = argv[i + 1];

		at = strchr(arg, '@');
		if ((size_t)(at != NULL ? at - arg : (long)strlen(arg)) >=
		    sizeof(name)) {
			fprintf(stderr, "epfixture: unknown scenario: %s\n",
			    arg);
			fx_usage(stderr);
			return 2;
		}
		snprintf(name, sizeof(name), "%.*s",
		    (int)(at != NULL ? at - arg : (long)strlen(arg)), arg);
		if ((args[i].sc = fx_lookup(name)) == NULL) {
			fprintf(stderr, "epfixture: unknown scenario: %s\n",
			    name);
			fx_usage(stderr);
			return 2;
		}
		args[i].bind = at != NULL ? at + 1 : "127.0.0.1";
		if (!fx_bind_ok(args[i].bind)) {
			fprintf(stderr, "epfixture: not a loopback address: "
			    "%s\n", args[i].bind);
			fx_usage(stderr);
			return 2;
		}
	}

	/* Signals are read through a signalfd: block them in every thread. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGUSR2);
	sigprocmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (mkdir(dir, 0755) == -1 && errno != EEXIST) {
		fprintf(stderr, "epfixture: %s: %s\n", dir, strerror(errno));
		return 1;
	}

	/* A stale DIR/ports must not be taken for this run's. */
	snprintf(path, sizeof(path), "%s/ports", dir);
	(void)unlink(path);

	memset(&pki, 0, sizeof(pki));
	memset(made, 0, sizeof(made));
	pki.now = time(NULL);
	if (mint_pki_init(&pki.main, MINT_RSA, 0) == -1) {
		fprintf(stderr, "epfixture: cannot mint the test PKI\n");
		goto out;
	}
	snprintf(path, sizeof(path), "%s/ca.pem", dir);
	if (mint_write_certs(path, &pki.main.root, 1) == -1) {
		fprintf(stderr, "epfixture: %s: cannot write\n", path);
		goto out;
	}

	for (i = 0; i < nargs; i++) {
		const struct fx_scenario	*sc = args[i].sc;
		struct fx_made			*m;

		if (sc->kind == FX_CLOSED) {
			if ((args[i].port = tlsserver_closed_port(
			    args[i].bind)) == -1) {
				fprintf(stderr, "epfixture: %s: cannot bind\n",
				    args[i].bind);
				goto out;
			}
			continue;
		}
		/* One leaf per scenario name, shared by its addresses. */
		m = NULL;
		if (sc->kind != FX_HOSTILE) {
			if (sc->kind == FX_COMPLIANT)
				idx = (size_t)(fx_lookup("compliant") -
				    fx_scenarios);
			else
				idx = (size_t)(sc - fx_scenarios);
			m = &made[idx];
			if (m->sc == NULL) {
				m->sc = &fx_scenarios[idx];
				if (fx_mint(&pki, m) == -1) {
					fprintf(stderr, "epfixture: %s: cannot "
					    "mint\n", m->sc->name);
					goto out;
				}
			}
			snprintf(path, sizeof(path), "%s/%s.pem", dir,
			    sc->name);
			if (mint_write_certs(path, m->chain, m->nchain) == -1) {
				fprintf(stderr, "epfixture: %s: cannot "
				    "write\n", path);
				goto out;
			}
		}
		memset(&ts, 0, sizeof(ts));
		ts.mode = sc->mode;
		ts.bind = args[i].bind;
		ts.port = port;	/* -s: the first listener's port for all */
		if (m != NULL) {
			ts.leaf = m->chain[0];
			ts.key = m->key;
			ts.extra = m->chain + 1;
			ts.nextra = m->nchain - 1;
			ts.min_version = m->min_version;
			ts.max_version = m->max_version;
		}
		if (sc->mode == TS_REQUIRE_CERT)
			ts.max_version = TLS1_2_VERSION;
		args[i].ts = ts;
		if ((args[i].srv = tlsserver_start(&ts)) == NULL) {
			fprintf(stderr, "epfixture: %s@%s: cannot listen\n",
			    sc->name, args[i].bind);
			goto out;
		}
		args[i].port = tlsserver_port(args[i].srv);
		if (same)
			port = args[i].port;
	}
	if (fx_write_ports(dir, args, nargs) == -1) {
		fprintf(stderr, "epfixture: %s/ports: cannot write\n", dir);
		goto out;
	}
	if (fx_wait(dir, args, nargs, secs) == -1) {
		fprintf(stderr, "epfixture: signalfd: %s\n", strerror(errno));
		goto out;
	}
	rc = 0;
out:
	for (i = 0; i < nargs; i++)
		tlsserver_stop(args[i].srv);
	free(args);
	for (idx = 0; idx < FX_NSCENARIOS; idx++)
		fx_made_free(&made[idx]);
	mint_pki_free(&pki.main);
	mint_pki_free(&pki.other);
	X509_free(pki.serveronly);
	EVP_PKEY_free(pki.serveronly_key);
	X509_free(pki.ec);
	EVP_PKEY_free(pki.ec_key);
	for (idx = 0; idx < FX_LADDER; idx++)
		X509_free(pki.ladder[idx]);
	X509_free(pki.issuing);
	EVP_PKEY_free(pki.issuing_key);
	EVP_PKEY_free(pki.junk_key);
	EVP_PKEY_free(pki.leaf_key);
	return rc;
}
