/*
 * vcache.c: the verification cache (see vcache.h).
 *
 * X509_verify_cert() reads three things: the certificates as sent, the
 * trust store and the time. The first two are the key (the SHA-256 of
 * every certificate as sent, and the one store a cache belongs to). The
 * time enters only through comparisons with the notBefore and notAfter of
 * certificates it could use, all of which were sent or are in the store:
 * between two consecutive such dates every comparison comes out the same,
 * so the verification does too. An entry keeps that interval, [lo, hi),
 * and is used only inside it; the store's dates are read once, sorted.
 */
#include <sys/queue.h>

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include "log.h"
#include "policy_trust.h"
#include "vcache.h"
#include "xmalloc.h"

struct vcache_entry {
	TAILQ_ENTRY(vcache_entry) lru;		/* most recent first */
	struct vcache_entry	*next;		/* in its bucket */
	unsigned char		 md[SHA256_DIGEST_LENGTH];
	time_t			 lo, hi;	/* valid for lo <= now < hi */
	struct policy_verified	 v;
};

TAILQ_HEAD(vcache_lru, vcache_entry);

struct vcache {
	X509_STORE		*store;
	EVP_MD			*sha256;
	time_t			*dates;		/* the store's, sorted */
	size_t			 ndates;
	struct vcache_entry	**buckets;
	size_t			 nbuckets;	/* a power of two */
	struct vcache_lru	 lru;
	size_t			 n, max;
	unsigned long long	 hits, misses;
};

static void	 vcache_store_dates(struct vcache *);
static void	 vcache_add_dates(time_t **, size_t *, X509 *);
static int	 vcache_time(const ASN1_TIME *, time_t *);
static int	 vcache_cmp_time(const void *, const void *);
static int	 vcache_key_of(const struct vcache *, STACK_OF(X509) *,
		    struct vcache_key *);
static struct vcache_entry **vcache_slot(struct vcache *,
		    const unsigned char *);
static void	 vcache_window(const struct vcache *, STACK_OF(X509) *,
		    time_t, time_t *, time_t *);
static void	 vcache_drop(struct vcache *, struct vcache_entry *);

/* A cache for store of at most max entries. */
struct vcache *
vcache_new(X509_STORE *store, size_t max)
{
	struct vcache	*c;

	c = xcalloc(1, sizeof(*c));
	if (store == NULL || X509_STORE_up_ref(store) != 1)
		fatalx("vcache_new: no store");
	c->store = store;
	if ((c->sha256 = EVP_MD_fetch(NULL, "SHA256", NULL)) == NULL)
		fatalx("vcache_new: no SHA-256");
	c->max = max > 0 ? max : 1;
	c->nbuckets = 16;
	while (c->nbuckets < c->max)
		c->nbuckets *= 2;
	c->buckets = xcalloc(c->nbuckets, sizeof(*c->buckets));
	TAILQ_INIT(&c->lru);
	vcache_store_dates(c);
	return c;
}

/* Free a cache and every entry. */
void
vcache_free(struct vcache *c)
{
	if (c == NULL)
		return;
	while (!TAILQ_EMPTY(&c->lru))
		vcache_drop(c, TAILQ_FIRST(&c->lru));
	free(c->buckets);
	free(c->dates);
	EVP_MD_free(c->sha256);
	X509_STORE_free(c->store);
	free(c);
}

/* Every notBefore and notAfter of the store's certificates, sorted. */
static void
vcache_store_dates(struct vcache *c)
{
	STACK_OF(X509_OBJECT)	*objs;
	X509			*x;
	int			 i;

	if (!X509_STORE_lock(c->store))
		fatalx("vcache: cannot lock the store");
	objs = X509_STORE_get0_objects(c->store);
	for (i = 0; i < sk_X509_OBJECT_num(objs); i++)
		if ((x = X509_OBJECT_get0_X509(sk_X509_OBJECT_value(objs,
		    i))) != NULL)
			vcache_add_dates(&c->dates, &c->ndates, x);
	X509_STORE_unlock(c->store);
	if (c->ndates > 0)
		qsort(c->dates, c->ndates, sizeof(*c->dates), vcache_cmp_time);
}

/* Append x's readable dates (an unreadable one compares the same always). */
static void
vcache_add_dates(time_t **v, size_t *n, X509 *x)
{
	time_t	 t;

	*v = xreallocarray(*v, *n + 2, sizeof(**v));
	if (vcache_time(X509_get0_notBefore(x), &t) == 0)
		(*v)[(*n)++] = t;
	if (vcache_time(X509_get0_notAfter(x), &t) == 0)
		(*v)[(*n)++] = t;
}

/*
 * An ASN1_TIME in seconds since the epoch, as OpenSSL compares it (to the
 * second, offsets applied); -1 when it cannot be read.
 */
static int
vcache_time(const ASN1_TIME *at, time_t *t)
{
	struct tm	 tm;

	memset(&tm, 0, sizeof(tm));
	if (at == NULL || ASN1_TIME_to_tm(at, &tm) != 1)
		return -1;
	*t = timegm(&tm);
	return 0;
}

static int
vcache_cmp_time(const void *a, const void *b)
{
	time_t	 x = *(const time_t *)a, y = *(const time_t *)b;

	return x < y ? -1 : x > y;
}

/* The SHA-256 over the SHA-256 of every certificate as sent, in order. */
static int
vcache_key_of(const struct vcache *c, STACK_OF(X509) *chain,
    struct vcache_key *key)
{
	EVP_MD_CTX	*mc;
	unsigned char	 md[SHA256_DIGEST_LENGTH];
	unsigned int	 len;
	int		 i, ok;

	memset(key, 0, sizeof(*key));
	if (chain == NULL || sk_X509_num(chain) <= 0)
		return -1;
	if ((mc = EVP_MD_CTX_new()) == NULL)
		fatalx("out of memory");
	ok = EVP_DigestInit_ex(mc, c->sha256, NULL) == 1;
	for (i = 0; ok && i < sk_X509_num(chain); i++) {
		len = 0;
		ok = sk_X509_value(chain, i) != NULL &&
		    X509_digest(sk_X509_value(chain, i), c->sha256, md,
		    &len) == 1 && len == sizeof(md) &&
		    EVP_DigestUpdate(mc, md, len) == 1;
	}
	len = 0;
	ok = ok && EVP_DigestFinal_ex(mc, key->md, &len) == 1 &&
	    len == sizeof(key->md);
	EVP_MD_CTX_free(mc);
	key->ok = ok;
	return ok ? 0 : -1;
}

/* Where the entry for md is, or would be linked. */
static struct vcache_entry **
vcache_slot(struct vcache *c, const unsigned char *md)
{
	struct vcache_entry	**e;
	size_t			  h = 0, i;

	for (i = 0; i < sizeof(h); i++)
		h = (h << 8) | md[i];
	e = &c->buckets[h & (c->nbuckets - 1)];
	while (*e != NULL && memcmp((*e)->md, md, sizeof((*e)->md)) != 0)
		e = &(*e)->next;
	return e;
}

/* The recorded verification of chain against store at now, or NULL. */
const struct policy_verified *
vcache_get(struct vcache *c, const X509_STORE *store, STACK_OF(X509) *chain,
    time_t now, struct vcache_key *key)
{
	struct vcache_entry	*e;

	memset(key, 0, sizeof(*key));
	if (c == NULL || store != c->store ||
	    vcache_key_of(c, chain, key) == -1)
		return NULL;
	e = *vcache_slot(c, key->md);
	if (e == NULL || now < e->lo || now >= e->hi) {
		c->misses++;
		return NULL;
	}
	c->hits++;
	TAILQ_REMOVE(&c->lru, e, lru);
	TAILQ_INSERT_HEAD(&c->lru, e, lru);
	return &e->v;
}

/* Keep v, chain's verification at now, under key; v is taken over. */
void
vcache_put(struct vcache *c, const struct vcache_key *key,
    STACK_OF(X509) *chain, time_t now, struct policy_verified *v)
{
	struct vcache_entry	**slot, *e;

	if (c == NULL || !key->ok) {
		policy_trust_verified_free(v);
		return;
	}
	if ((e = *vcache_slot(c, key->md)) != NULL)
		vcache_drop(c, e);	/* outside its window: replaced */
	while (c->n >= c->max)
		vcache_drop(c, TAILQ_LAST(&c->lru, vcache_lru));
	e = xcalloc(1, sizeof(*e));
	memcpy(e->md, key->md, sizeof(e->md));
	vcache_window(c, chain, now, &e->lo, &e->hi);
	e->v = *v;
	memset(v, 0, sizeof(*v));
	slot = vcache_slot(c, e->md);
	*slot = e;
	TAILQ_INSERT_HEAD(&c->lru, e, lru);
	c->n++;
}

/*
 * [lo, hi): from the latest date at or before now to the first after it,
 * over the dates of the store and of every certificate sent. A date d
 * flips OpenSSL's comparison exactly between now = d - 1 and now = d (a
 * certificate has expired when notAfter <= now, is not yet valid when
 * notBefore > now).
 */
static void
vcache_window(const struct vcache *c, STACK_OF(X509) *chain, time_t now,
    time_t *lo, time_t *hi)
{
	time_t	*d = NULL;
	size_t	 n = 0, i, a, b, m;
	int	 j;

	for (j = 0; j < sk_X509_num(chain); j++)
		if (sk_X509_value(chain, j) != NULL)
			vcache_add_dates(&d, &n, sk_X509_value(chain, j));
	*lo = (time_t)LLONG_MIN;
	*hi = (time_t)LLONG_MAX;
	for (i = 0; i < n; i++) {
		if (d[i] <= now && d[i] > *lo)
			*lo = d[i];
		if (d[i] > now && d[i] < *hi)
			*hi = d[i];
	}
	free(d);
	/* The first store date after now, and the one before it. */
	for (a = 0, b = c->ndates; a < b; ) {
		m = a + (b - a) / 2;
		if (c->dates[m] <= now)
			a = m + 1;
		else
			b = m;
	}
	if (a < c->ndates && c->dates[a] < *hi)
		*hi = c->dates[a];
	if (a > 0 && c->dates[a - 1] > *lo)
		*lo = c->dates[a - 1];
}

/* Unlink and free one entry. */
static void
vcache_drop(struct vcache *c, struct vcache_entry *e)
{
	struct vcache_entry	**slot;

	slot = vcache_slot(c, e->md);
	*slot = e->next;
	TAILQ_REMOVE(&c->lru, e, lru);
	policy_trust_verified_free(&e->v);
	free(e);
	c->n--;
}

/* Hits, misses and entries. */
void
vcache_stats(const struct vcache *c, struct vcache_stats *st)
{
	memset(st, 0, sizeof(*st));
	if (c == NULL)
		return;
	st->hits = c->hits;
	st->misses = c->misses;
	st->entries = c->n;
}
