/*
 * policy_pool.c: POOL_MISMATCH, the comparison of the leaves the members
 * of one pool presented (pure).
 *
 * It works on finished results rather than on one chain: every member of
 * an Edge pool must present the same certificate, and only the results of
 * all members of a target together can tell.
 */
#include <stdlib.h>
#include <string.h>

#include "chain.h"
#include "finding.h"
#include "policy_eval.h"
#include "policy_pool.h"
#include "result.h"
#include "xmalloc.h"

static size_t	 policy_pool_group(struct result *const *, size_t, size_t,
		    struct result **, const char **, size_t *);
static char	*policy_pool_summary(struct result *const *, size_t,
		    const char *const *, size_t);
static void	 policy_pool_append(char **, const char *, const char *);

/*
 * POOL_MISMATCH over the results of one target: per port, when the
 * members that presented a leaf presented more than one distinct leaf,
 * each of those results gets a warning naming the leaves seen and which
 * member presented which, then its status is recomputed. A result that
 * already carries the finding is left alone, so a second call adds none.
 */
void
policy_pool(struct result *const *rs, size_t n)
{
	struct result	**grp;
	const char	**dist;
	char		*sum, *addr, *target;
	size_t		 i, j, m, nd;

	if (n < 2)
		return;
	grp = xcalloc(n, sizeof(*grp));
	dist = xcalloc(n, sizeof(*dist));
	for (i = 0; i < n; i++) {
		if ((m = policy_pool_group(rs, n, i, grp, dist, &nd)) == 0 ||
		    nd < 2)
			continue;
		sum = policy_pool_summary(grp, m, dist, nd);
		target = chain_escape((const unsigned char *)rs[i]->target,
		    strlen(rs[i]->target));
		for (j = 0; j < m; j++) {
			if (findings_has(&grp[j]->findings, F_POOL_MISMATCH))
				continue;
			addr = chain_escape(
			    (const unsigned char *)grp[j]->address,
			    strlen(grp[j]->address));
			findings_add(&grp[j]->findings, F_POOL_MISMATCH,
			    SEV_WARNING, "the members of %s present %zu "
			    "different leaf certificates on port %d: %s; this "
			    "member (%s) presents sha256 %.8s; every member of "
			    "an Edge pool must present the same certificate",
			    target, nd, rs[i]->port, sum, addr,
			    grp[j]->leaf_sha256);
			free(addr);
			result_finish(grp[j]);
		}
		free(target);
		free(sum);
	}
	free(dist);
	free(grp);
}

/*
 * When rs[i] is the first result with a leaf on its port, gather into grp
 * every result with a leaf on that port and into dist the distinct leaves,
 * setting *nd; returns how many went into grp, 0 when rs[i] does not start
 * a port.
 */
static size_t
policy_pool_group(struct result *const *rs, size_t n, size_t i,
    struct result **grp, const char **dist, size_t *nd)
{
	size_t	 j, k, m;
	int	 port;

	*nd = 0;
	if (rs[i] == NULL || rs[i]->leaf_sha256[0] == '\0')
		return 0;
	port = rs[i]->port;
	for (j = 0; j < i; j++)
		if (rs[j] != NULL && rs[j]->port == port &&
		    rs[j]->leaf_sha256[0] != '\0')
			return 0;
	for (m = 0, j = i; j < n; j++) {
		if (rs[j] == NULL || rs[j]->port != port ||
		    rs[j]->leaf_sha256[0] == '\0')
			continue;
		grp[m++] = rs[j];
		for (k = 0; k < *nd; k++)
			if (strcmp(dist[k], rs[j]->leaf_sha256) == 0)
				break;
		if (k == *nd)
			dist[(*nd)++] = rs[j]->leaf_sha256;
	}
	return m;
}

/*
 * "sha256 3f2a91c0 (192.0.2.10, 192.0.2.11), sha256 ...": each distinct
 * leaf and the members that presented it, at most POLICY_LIST_MAX of each.
 */
static char *
policy_pool_summary(struct result *const *grp, size_t m,
    const char *const *dist, size_t nd)
{
	char	*sum, *addr, head[48];
	size_t	 j, k, nw;

	sum = xstrdup("");
	for (k = 0; k < nd && k < POLICY_LIST_MAX; k++) {
		(void)snprintf(head, sizeof(head), "%ssha256 %.8s (",
		    k ? ", " : "", dist[k]);
		policy_pool_append(&sum, head, "");
		for (nw = 0, j = 0; j < m; j++) {
			if (strcmp(grp[j]->leaf_sha256, dist[k]) != 0)
				continue;
			if (nw++ == POLICY_LIST_MAX) {
				policy_pool_append(&sum, ", ...", "");
				break;
			}
			addr = chain_escape(
			    (const unsigned char *)grp[j]->address,
			    strlen(grp[j]->address));
			policy_pool_append(&sum, nw > 1 ? ", " : "", addr);
			free(addr);
		}
		policy_pool_append(&sum, ")", "");
	}
	if (nd > POLICY_LIST_MAX) {
		(void)snprintf(head, sizeof(head), ", ... (%zu more)",
		    nd - POLICY_LIST_MAX);
		policy_pool_append(&sum, head, "");
	}
	return sum;
}

/* Replace *s with *s followed by a and b. */
static void
policy_pool_append(char **s, const char *a, const char *b)
{
	char	*t;

	xasprintf(&t, "%s%s%s", *s, a, b);
	free(*s);
	*s = t;
}
