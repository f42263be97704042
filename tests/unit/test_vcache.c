/*
 * test_vcache.c: the verification cache (vcache.h) as the checks use it:
 * look up, judge with the policy (replaying a hit, recording a miss), keep
 * the miss. Each judgement through the cache is compared with the same
 * judgement made without one: codes, severities, messages and days_left
 * byte for byte.
 *
 *	miss_then_hit	one chain twice: a miss, then a hit, both equal
 *	store_change	a cache belongs to one store: another store (a
 *			reload's) never gets its verdicts, and its own cache
 *			judges the chain as untrusted, as it must
 *	leaf_expires	a hit never hides a date: past the leaf's notAfter
 *			(or before its notBefore) the entry is not used
 *	root_expires	nor past the notAfter of a certificate of the store
 *	order		the same certificates in another order, or one more,
 *			are another key
 *	lru		the bound holds; the least recently used goes first
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include <openssl/tls1.h>
#include <openssl/x509.h>

#include "finding.h"
#include "mint.h"
#include "policy.h"
#include "vcache.h"

#define DAY	(24L * 60 * 60)

static const char *const seed_san[] = {
	"sip.contoso.com", "webcon.contoso.com", "sip.fabrikam.com"
};

/* One clock reading, a PKI, its leaf and two stores. */
static struct {
	time_t			 now;
	struct mint_pki		 pki;
	EVP_PKEY		*key;
	X509			*leaf;		/* 100 days left */
	X509			*leaf2;		/* another leaf, same issuer */
	X509_STORE		*store;		/* the PKI's root */
	X509_STORE		*empty;
} F;

static int	 setup(void **);
static int	 teardown(void **);
static STACK_OF(X509) *chain_of(X509 *, X509 *, X509 *);
static int	 judge(struct vcache *, X509_STORE *, STACK_OF(X509) *,
		    time_t);
static void	 judge_plain(X509_STORE *, STACK_OF(X509) *, time_t,
		    struct findings *, long long *);

static int
setup(void **state)
{
	struct mint_spec	 spec;

	(void)state;
	memset(&F, 0, sizeof(F));
	F.now = time(NULL);
	if (mint_pki_init(&F.pki, MINT_RSA, 0) != 0 ||
	    (F.key = mint_key(MINT_RSA, 2048)) == NULL)
		return -1;
	mint_spec_edge(&spec);
	spec.not_before = F.now - DAY;
	spec.not_after = F.now + 100 * DAY;
	if ((F.leaf = mint_cert(&spec, F.key, F.pki.inter,
	    F.pki.inter_key)) == NULL ||
	    (F.leaf2 = mint_cert(&spec, F.key, F.pki.inter,
	    F.pki.inter_key)) == NULL)
		return -1;
	if ((F.store = X509_STORE_new()) == NULL ||
	    X509_STORE_add_cert(F.store, F.pki.root) != 1 ||
	    (F.empty = X509_STORE_new()) == NULL)
		return -1;
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	X509_free(F.leaf);
	X509_free(F.leaf2);
	EVP_PKEY_free(F.key);
	X509_STORE_free(F.store);
	X509_STORE_free(F.empty);
	mint_pki_free(&F.pki);
	return 0;
}

/* Fresh copies of up to three certificates, as a new probe decodes them. */
static STACK_OF(X509) *
chain_of(X509 *a, X509 *b, X509 *c)
{
	STACK_OF(X509)	*sk;
	X509		*v[3] = { a, b, c };
	size_t		 i;

	assert_non_null(sk = sk_X509_new_null());
	for (i = 0; i < 3 && v[i] != NULL; i++)
		assert_true(sk_X509_push(sk, X509_dup(v[i])) > 0);
	return sk;
}

/* The seed's policy, judged without a cache. */
static void
judge_plain(X509_STORE *store, STACK_OF(X509) *sk, time_t now,
    struct findings *fs, long long *days)
{
	struct policy	 pol;

	memset(&pol, 0, sizeof(pol));
	pol.sni = pol.subject = "sip.contoso.com";
	pol.san = seed_san;
	pol.nsan = 3;
	pol.public_im = 1;
	pol.warn_days = 30;
	pol.crit_days = 7;
	pol.tls_version = TLS1_3_VERSION;
	findings_init(fs);
	*days = 12345;
	assert_int_equal(policy_evaluate(&pol, sk, store, now, fs, days), 0);
}

/*
 * Judge sk (freed) at now through vc as check.c does, and without; fail
 * unless both say the same. Returns 1 on a hit, 0 on a miss.
 */
static int
judge(struct vcache *vc, X509_STORE *store, STACK_OF(X509) *sk, time_t now)
{
	struct policy		 pol;
	struct policy_verified	 rec;
	struct vcache_key	 key;
	struct findings		 want, got;
	long long		 dwant, dgot = 12345;
	size_t			 i;
	int			 hit;

	judge_plain(store, sk, now, &want, &dwant);
	memset(&pol, 0, sizeof(pol));
	pol.sni = pol.subject = "sip.contoso.com";
	pol.san = seed_san;
	pol.nsan = 3;
	pol.public_im = 1;
	pol.warn_days = 30;
	pol.crit_days = 7;
	pol.tls_version = TLS1_3_VERSION;
	memset(&rec, 0, sizeof(rec));
	pol.verified = vcache_get(vc, store, sk, now, &key);
	hit = pol.verified != NULL;
	pol.record = hit ? NULL : &rec;
	findings_init(&got);
	assert_int_equal(policy_evaluate(&pol, sk, store, now, &got, &dgot),
	    0);
	if (!hit)
		vcache_put(vc, &key, sk, now, &rec);
	assert_int_equal(dgot, dwant);
	assert_int_equal(got.n, want.n);
	for (i = 0; i < got.n; i++) {
		assert_int_equal(got.v[i].code, want.v[i].code);
		assert_int_equal(got.v[i].severity, want.v[i].severity);
		assert_string_equal(got.v[i].message, want.v[i].message);
	}
	findings_free(&want);
	findings_free(&got);
	sk_X509_pop_free(sk, X509_free);
	return hit;
}

static void
test_miss_then_hit(void **state)
{
	struct vcache		*vc;
	struct vcache_stats	 st;
	struct findings		 fs;
	STACK_OF(X509)		*sk;
	long long		 days;

	(void)state;
	vc = vcache_new(F.store, 8);
	assert_int_equal(judge(vc, F.store, chain_of(F.leaf, F.pki.inter,
	    NULL), F.now), 0);
	assert_int_equal(judge(vc, F.store, chain_of(F.leaf, F.pki.inter,
	    NULL), F.now), 1);
	/* An hour later, a day later: the same entry, the dates re-judged. */
	assert_int_equal(judge(vc, F.store, chain_of(F.leaf, F.pki.inter,
	    NULL), F.now + 3600), 1);
	assert_int_equal(judge(vc, F.store, chain_of(F.leaf, F.pki.inter,
	    NULL), F.now + 95 * DAY), 1);
	vcache_stats(vc, &st);
	assert_int_equal(st.hits, 3);
	assert_int_equal(st.misses, 1);
	assert_int_equal(st.entries, 1);
	/* The chain is trusted: the judgement has no trust finding. */
	sk = chain_of(F.leaf, F.pki.inter, NULL);
	judge_plain(F.store, sk, F.now, &fs, &days);
	assert_int_equal(findings_count(&fs, F_UNTRUSTED), 0);
	assert_int_equal(findings_count(&fs, F_CHAIN_INCOMPLETE), 0);
	findings_free(&fs);
	sk_X509_pop_free(sk, X509_free);
	vcache_free(vc);
}

static void
test_store_change(void **state)
{
	struct vcache		*vc, *vc2;
	struct vcache_key	 key;
	struct findings		 fs;
	STACK_OF(X509)		*sk;
	long long		 days;

	(void)state;
	vc = vcache_new(F.store, 8);
	assert_int_equal(judge(vc, F.store, chain_of(F.leaf, F.pki.inter,
	    NULL), F.now), 0);
	/* Another store never gets this cache's verdict. */
	sk = chain_of(F.leaf, F.pki.inter, NULL);
	assert_null(vcache_get(vc, F.empty, sk, F.now, &key));
	assert_int_equal(key.ok, 0);
	sk_X509_pop_free(sk, X509_free);
	/* The other store's own cache: untrusted, miss then hit. */
	vc2 = vcache_new(F.empty, 8);
	assert_int_equal(judge(vc2, F.empty, chain_of(F.leaf, F.pki.inter,
	    NULL), F.now), 0);
	assert_int_equal(judge(vc2, F.empty, chain_of(F.leaf, F.pki.inter,
	    NULL), F.now), 1);
	sk = chain_of(F.leaf, F.pki.inter, NULL);
	judge_plain(F.empty, sk, F.now, &fs, &days);
	assert_int_equal(findings_count(&fs, F_CHAIN_INCOMPLETE), 1);
	findings_free(&fs);
	sk_X509_pop_free(sk, X509_free);
	/* And the first still says trusted. */
	assert_int_equal(judge(vc, F.store, chain_of(F.leaf, F.pki.inter,
	    NULL), F.now), 1);
	vcache_free(vc2);
	vcache_free(vc);
}

static void
test_leaf_expires(void **state)
{
	struct vcache	*vc;

	(void)state;
	vc = vcache_new(F.store, 8);
	assert_int_equal(judge(vc, F.store, chain_of(F.leaf, F.pki.inter,
	    NULL), F.now), 0);
	/* At notAfter OpenSSL calls it expired: not the same window. */
	assert_int_equal(judge(vc, F.store, chain_of(F.leaf, F.pki.inter,
	    NULL), F.now + 100 * DAY), 0);
	assert_int_equal(judge(vc, F.store, chain_of(F.leaf, F.pki.inter,
	    NULL), F.now + 101 * DAY), 1);
	/* Before notBefore: another window again. */
	assert_int_equal(judge(vc, F.store, chain_of(F.leaf, F.pki.inter,
	    NULL), F.now - 2 * DAY), 0);
	assert_int_equal(judge(vc, F.store, chain_of(F.leaf, F.pki.inter,
	    NULL), F.now), 0);
	vcache_free(vc);
}

static void
test_root_expires(void **state)
{
	struct mint_spec	 spec;
	struct vcache		*vc;
	X509_STORE		*st;
	X509			*root;

	(void)state;
	/* The PKI's root key, re-issued to expire in 10 days. */
	memset(&spec, 0, sizeof(spec));
	spec.cn = "EdgeProbe Test Root CA";
	spec.o = "EdgeProbe Test PKI";
	spec.ca = 1;
	spec.not_before = F.now - DAY;
	spec.not_after = F.now + 10 * DAY;
	assert_non_null(root = mint_cert(&spec, F.pki.root_key, NULL, NULL));
	assert_non_null(st = X509_STORE_new());
	assert_int_equal(X509_STORE_add_cert(st, root), 1);
	vc = vcache_new(st, 8);
	assert_int_equal(judge(vc, st, chain_of(F.leaf, F.pki.inter, NULL),
	    F.now), 0);
	assert_int_equal(judge(vc, st, chain_of(F.leaf, F.pki.inter, NULL),
	    F.now + 9 * DAY), 1);
	assert_int_equal(judge(vc, st, chain_of(F.leaf, F.pki.inter, NULL),
	    F.now + 11 * DAY), 0);
	vcache_free(vc);
	X509_STORE_free(st);
	X509_free(root);
}

static void
test_order(void **state)
{
	struct vcache	*vc;

	(void)state;
	vc = vcache_new(F.store, 8);
	assert_int_equal(judge(vc, F.store, chain_of(F.leaf, F.pki.inter,
	    NULL), F.now), 0);
	assert_int_equal(judge(vc, F.store, chain_of(F.pki.inter, F.leaf,
	    NULL), F.now), 0);
	assert_int_equal(judge(vc, F.store, chain_of(F.leaf, F.pki.inter,
	    F.pki.root), F.now), 0);
	assert_int_equal(judge(vc, F.store, chain_of(F.leaf, NULL, NULL),
	    F.now), 0);
	assert_int_equal(judge(vc, F.store, chain_of(F.leaf, F.pki.inter,
	    F.leaf), F.now), 0);
	assert_int_equal(judge(vc, F.store, chain_of(F.leaf, F.pki.inter,
	    F.leaf), F.now), 1);
	vcache_free(vc);
}

static void
test_lru(void **state)
{
	struct vcache		*vc;
	struct vcache_stats	 st;

	(void)state;
	vc = vcache_new(F.store, 2);
	assert_int_equal(judge(vc, F.store, chain_of(F.leaf, F.pki.inter,
	    NULL), F.now), 0);
	assert_int_equal(judge(vc, F.store, chain_of(F.leaf2, F.pki.inter,
	    NULL), F.now), 0);
	/* leaf is now the most recently used; leaf + inter + root evicts leaf2. */
	assert_int_equal(judge(vc, F.store, chain_of(F.leaf, F.pki.inter,
	    NULL), F.now), 1);
	assert_int_equal(judge(vc, F.store, chain_of(F.leaf, F.pki.inter,
	    F.pki.root), F.now), 0);
	vcache_stats(vc, &st);
	assert_int_equal(st.entries, 2);
	assert_int_equal(judge(vc, F.store, chain_of(F.leaf, F.pki.inter,
	    NULL), F.now), 1);
	assert_int_equal(judge(vc, F.store, chain_of(F.leaf2, F.pki.inter,
	    NULL), F.now), 0);
	vcache_stats(vc, &st);
	assert_int_equal(st.entries, 2);
	vcache_free(vc);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_miss_then_hit),
		cmocka_unit_test(test_store_change),
		cmocka_unit_test(test_leaf_expires),
		cmocka_unit_test(test_root_expires),
		cmocka_unit_test(test_order),
		cmocka_unit_test(test_lru),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
