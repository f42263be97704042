/*
 * check.h: one endpoint checked end to end, for both the one-shot mode and
 * the daemon: resolve a target's members, probe an endpoint with the engine,
 * judge what came back with the policy, and hand over a finished result.
 * No libevent here: everything is driven by probe.c's completion callbacks.
 */
#ifndef EDGEPROBE_CHECK_H
#define EDGEPROBE_CHECK_H

#include <stddef.h>
#include <openssl/x509.h>

struct conf_target;
struct probe_engine;
struct result;
struct result_srv;
struct vcache;

/*
 * One member of a target: an address, or a name that did not resolve. A
 * domain's members each carry their SRV record and port; a member without
 * address and error whose srv_missing is set stands for an SRV name with
 * no record (1) or with none usable (2).
 */
struct check_member {
	char		*address;	/* numeric; NULL when the name failed */
	char		*name;		/* host, pool entry, SRV target or name */
	char		*error;		/* the resolver's error, or NULL */
	int		 port;		/* 0: each of the target's ports */
	int		 srv_missing;
	struct result_srv *srv;		/* NULL unless from a domain */
};

typedef void	(*check_members_cb)(const struct conf_target *,
		    struct check_member *, size_t, void *);
typedef void	(*check_done_cb)(struct result *, void *);

/*
 * Resolve a target's members: every address of host, of each pool entry,
 * or of each SRV target of its domain (discover.h). cb is called exactly
 * once; the array (and what it points to) is freed after cb returns.
 */
void	 check_members(struct probe_engine *, const struct conf_target *,
	    check_members_cb, void *);

/* The ports a member is probed on; *ports points into t or m. */
size_t	 check_member_ports(const struct conf_target *,
	    const struct check_member *, const int **ports);

/*
 * Probe and judge one endpoint; cb is called exactly once with a result it
 * owns. store may be shared by any number of checks, and so may vc, the
 * verification cache of that store (vcache.h; NULL: none); srv (copied)
 * is the SRV record the address came from, or NULL.
 */
void	 check_endpoint(struct probe_engine *, X509_STORE *, struct vcache *vc,
	    const struct conf_target *, const char *address, int port,
	    const struct result_srv *srv, check_done_cb, void *);

/*
 * Judge a chain read from a file (`edgeprobe cert`) with t's policy: the
 * same result as a probe's, without what needs a handshake. chain is
 * taken over.
 */
struct result *check_chain(const struct conf_target *, X509_STORE *,
	    STACK_OF(X509) *chain);

/*
 * The result of a member without address on one port: DNS_FAILED for a
 * name that did not resolve, SRV_MISSING for an SRV name without record.
 */
struct result *check_member_failed(const struct conf_target *,
	    const struct check_member *, int port);

#endif
