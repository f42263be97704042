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

/* One member of a target: an address, or a name that did not resolve. */
struct check_member {
	char		*address;	/* numeric; NULL when the name failed */
	char		*name;		/* the host or pool entry it came from */
	char		*error;		/* the resolver's error, or NULL */
};

typedef void	(*check_members_cb)(const struct conf_target *,
		    struct check_member *, size_t, void *);
typedef void	(*check_done_cb)(struct result *, void *);

/*
 * Resolve a target's members: every address of host, or of each pool entry.
 * cb is called exactly once; the array is freed after cb returns.
 */
void	 check_members(struct probe_engine *, const struct conf_target *,
	    check_members_cb, void *);

/*
 * Probe and judge one endpoint; cb is called exactly once with a result it
 * owns. store may be shared by any number of checks.
 */
void	 check_endpoint(struct probe_engine *, X509_STORE *,
	    const struct conf_target *, const char *address, int port,
	    check_done_cb, void *);

/* The result of an endpoint whose name did not resolve (DNS_FAILED). */
struct result *check_dns_failed(const struct conf_target *, const char *name,
	    int port, const char *error);

#endif
