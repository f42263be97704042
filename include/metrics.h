/*
 * metrics.h: the daemon's state as Prometheus text exposition format 0.0.4
 * (pure: no I/O, no clock). Every family has # HELP and # TYPE, names start
 * with edgeprobe_, label values are escaped so that no byte of a target name
 * can end a label, a sample or a line early.
 */
#ifndef EDGEPROBE_METRICS_H
#define EDGEPROBE_METRICS_H

#include <stddef.h>

#include "finding.h"

/* The upper bounds (seconds) of edgeprobe_probe_duration_seconds; +Inf last. */
#define METRICS_NBUCKETS	9
extern const double metrics_buckets[METRICS_NBUCKETS];

/* A current finding of an endpoint. */
struct metrics_finding {
	enum finding_code	 code;
	enum severity		 severity;
};

/* One endpoint as its last probe left it; the strings are borrowed. */
struct metrics_endpoint {
	const char		*target;
	const char		*address;
	int			 port;
	int			 success;	/* the TLS handshake completed */
	enum status		 status;
	int			 has_not_after;	/* a leaf was ever seen */
	long long		 not_after;	/* its notAfter, Unix seconds */
	const struct metrics_finding *findings;
	size_t			 nfindings;
};

/* What is counted across rounds since the start. */
struct metrics_stats {
	unsigned long long	 results[STATUS_CRITICAL + 1];	/* by status */
	unsigned long long	 buckets[METRICS_NBUCKETS];	/* not cumulative */
	unsigned long long	 count;		/* durations observed */
	double			 sum;		/* seconds */
};

/* One judged result with this status. */
void	 metrics_count(struct metrics_stats *, enum status);
/* One probe that took this long, from the start of its connect to its end. */
void	 metrics_observe(struct metrics_stats *, double seconds);
/*
 * The whole exposition: n endpoints, the counters and the build. Returns a
 * malloc'ed NUL-terminated text and its length in *len.
 */
char	*metrics_render(const struct metrics_endpoint *, size_t n,
	    const struct metrics_stats *, const char *version,
	    const char *openssl, size_t *len);

#endif
