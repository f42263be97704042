/*
 * vcache.h: the verification cache. An Edge presents the same chain for
 * months, and every member of a pool often the same one: a chain verified
 * once against a trust store need not be verified again in the next probe
 * or the next round. The cache keeps what X509_verify_cert() found (a
 * struct policy_verified, policy_trust.h) and hands it to the policy as an
 * input; the policy stays pure and its findings are the same with or
 * without a hit.
 *
 * A cache belongs to one trust store (a reload builds a new store, and so
 * a new cache). An entry is found by the SHA-256 of every certificate as
 * sent, in order, and is used only at a time at which no date of a sent
 * certificate nor of any certificate of the store compares differently
 * from when it was verified: between the nearest notBefore / notAfter
 * around that time. It holds at most max entries; the least recently used
 * goes first. No I/O, no clock: now is a parameter.
 */
#ifndef EDGEPROBE_VCACHE_H
#define EDGEPROBE_VCACHE_H

#include <stddef.h>
#include <time.h>
#include <openssl/sha.h>
#include <openssl/x509.h>

#include "policy_trust.h"

#define VCACHE_MAX	4096	/* entries; a few hundred bytes each */

struct vcache;

/* What a lookup computed, for the vcache_put() that follows a miss. */
struct vcache_key {
	unsigned char	 md[SHA256_DIGEST_LENGTH];	/* of the sha256s */
	int		 ok;				/* 0: do not cache */
};

/* Hits and misses since the cache was made, and its entries now. */
struct vcache_stats {
	unsigned long long	 hits;
	unsigned long long	 misses;
	size_t			 entries;
};

/* A cache for store (a reference is taken) of at most max entries. */
struct vcache	*vcache_new(X509_STORE *store, size_t max);
void		 vcache_free(struct vcache *);

/*
 * The recorded verification of chain against store at now, or NULL: a
 * miss (or store is not the cache's, or the chain is empty). key is filled
 * for vcache_put(). The entry stays valid until the next call on c.
 */
const struct policy_verified *vcache_get(struct vcache *c,
		    const X509_STORE *store, STACK_OF(X509) *chain, time_t now,
		    struct vcache_key *key);

/*
 * Keep v, the verification of chain at now, under key; v's contents are
 * taken over (and freed when key says not to cache). c may be NULL.
 */
void		 vcache_put(struct vcache *c, const struct vcache_key *key,
		    STACK_OF(X509) *chain, time_t now,
		    struct policy_verified *v);

void		 vcache_stats(const struct vcache *, struct vcache_stats *);

#endif
