/*
 * srv.c: the order in which DNS SRV answers (RFC 2782) are probed, pure.
 *
 * RFC 2782 has a client try the lowest priority first and, among records
 * of equal priority, pick one at random with a chance proportional to its
 * weight, then stop at the first target that answers. edgeprobe is not
 * such a client: it checks the federation path of EVERY target, because a
 * partner's server may pick any of them. Since all are probed, a random
 * choice would only shuffle the results from one round to the next; the
 * order is therefore deterministic, the expected RFC order: priority
 * ascending, then weight descending (the likeliest pick first), then name
 * (case-insensitive) and port, so the same answer always gives the same
 * list.
 *
 * What is set aside, and counted: a target "." (RFC 2782: the service is
 * decidedly not available at this domain; a resolver may give it as ""),
 * a target that is not a DNS host name or has port 0, a (name, port) pair
 * already kept (the copy with the best priority and weight stays), and
 * whatever is left beyond SRV_MAX_TARGETS: an answer naming a thousand
 * targets must not become a thousand probes every round.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "srv.h"

static int	 srv_unavailable(const struct srv_record *);
static void	 srv_swap(struct srv_record *, struct srv_record *);
static int	 srv_cmp_pair(const void *, const void *);
static int	 srv_cmp_order(const void *, const void *);
static int	 srv_same_pair(const struct srv_record *,
		    const struct srv_record *);

/* Whether a record says the service is not available ("." or ""). */
static int
srv_unavailable(const struct srv_record *r)
{
	return r->name == NULL || strcmp(r->name, "") == 0 ||
	    strcmp(r->name, ".") == 0;
}

/* Exchange two records. */
static void
srv_swap(struct srv_record *a, struct srv_record *b)
{
	struct srv_record	 t;

	t = *a;
	*a = *b;
	*b = t;
}

/*
 * qsort order that brings the records of one (name, port) pair together,
 * the best first: name (case-insensitive), port, priority ascending, weight
 * descending, then the exact name, so the order is total.
 */
static int
srv_cmp_pair(const void *pa, const void *pb)
{
	const struct srv_record	*a = pa, *b = pb;
	int			 c;

	if ((c = strcasecmp(a->name, b->name)) != 0)
		return c;
	if (a->port != b->port)
		return a->port < b->port ? -1 : 1;
	if (a->priority != b->priority)
		return a->priority < b->priority ? -1 : 1;
	if (a->weight != b->weight)
		return a->weight > b->weight ? -1 : 1;
	return strcmp(a->name, b->name);
}

/* qsort order of probing: priority, weight descending, name, port. */
static int
srv_cmp_order(const void *pa, const void *pb)
{
	const struct srv_record	*a = pa, *b = pb;
	int			 c;

	if (a->priority != b->priority)
		return a->priority < b->priority ? -1 : 1;
	if (a->weight != b->weight)
		return a->weight > b->weight ? -1 : 1;
	if ((c = strcasecmp(a->name, b->name)) != 0)
		return c;
	if (a->port != b->port)
		return a->port < b->port ? -1 : 1;
	return strcmp(a->name, b->name);
}

/* Whether two records name the same target: (name, port), any case. */
static int
srv_same_pair(const struct srv_record *a, const struct srv_record *b)
{
	return a->port == b->port && strcasecmp(a->name, b->name) == 0;
}

/* Whether name is a DNS host name (see srv.h). */
int
srv_name_valid(const char *name)
{
	const char	*p;
	size_t		 label = 0;

	if (name == NULL || *name == '\0' || strlen(name) > SRV_NAME_MAX)
		return 0;
	for (p = name; *p != '\0'; p++) {
		if (*p == '.') {
			if (label == 0 || p[-1] == '-')
				return 0;
			label = 0;
			continue;
		}
		if (*p == '-') {
			if (label == 0)
				return 0;
		} else if (!(*p >= 'a' && *p <= 'z') &&
		    !(*p >= 'A' && *p <= 'Z') && !(*p >= '0' && *p <= '9'))
			return 0;
		if (++label > 63)
			return 0;
	}
	return label != 0 && p[-1] != '-';
}

/* Reorder v for probing; see srv.h. */
size_t
srv_order(struct srv_record *v, size_t n, struct srv_dropped *dropped)
{
	size_t	 i, kept;

	memset(dropped, 0, sizeof(*dropped));

	/*
	 * Each pass moves what it keeps to the front by swapping, never by
	 * copying over, so the records set aside (and their names) end up
	 * behind the kept ones instead of being lost.
	 */
	kept = 0;
	for (i = 0; i < n; i++) {
		if (srv_unavailable(&v[i]))
			dropped->unavailable++;
		else if (!srv_name_valid(v[i].name) || v[i].port == 0)
			dropped->invalid++;
		else
			srv_swap(&v[kept++], &v[i]);
	}
	n = kept;

	if (n > 1)
		qsort(v, n, sizeof(*v), srv_cmp_pair);
	kept = 0;
	for (i = 0; i < n; i++) {
		if (kept > 0 && srv_same_pair(&v[kept - 1], &v[i]))
			dropped->duplicate++;
		else
			srv_swap(&v[kept++], &v[i]);
	}
	n = kept;

	if (n > 1)
		qsort(v, n, sizeof(*v), srv_cmp_order);
	if (n > SRV_MAX_TARGETS) {
		dropped->capped = n - SRV_MAX_TARGETS;
		n = SRV_MAX_TARGETS;
	}
	return n;
}
