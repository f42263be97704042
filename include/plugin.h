/*
 * plugin.h: Monitoring Plugins output (`--plugin`, CONTRACT.md section 7),
 * pure: results in, text out, for Icinga 2, Nagios, Naemon and friends.
 *
 *   EDGEPROBE CRITICAL - 1 of 2 endpoints critical: edge 192.0.2.10:5061
 *     CLIENT_EKU_MISSING | 'days_left_edge_192.0.2.10_5061'=41d;30;7 ...
 *   CRITICAL edge 192.0.2.10:5061 days_left=41 CLIENT_EKU_MISSING: ...
 *   OK edge 192.0.2.11:5061 days_left=41
 *
 * (the status line is one line, cut here).
 *
 * README.md ("Monitoring plugin") gives every rule of the format.
 */
#ifndef EDGEPROBE_PLUGIN_H
#define EDGEPROBE_PLUGIN_H

#include <stddef.h>
#include <stdio.h>

struct result;

/* The days_left thresholds a result was judged with (its target's). */
struct plugin_limits {
	int	warn_days;
	int	crit_days;
};

/*
 * The status line with the summary and every endpoint's perfdata, then one
 * line per result; limits[i] goes with rs[i].
 */
void	plugin_report(FILE *, struct result *const *rs,
	    const struct plugin_limits *limits, size_t n);
/* "EDGEPROBE UNKNOWN - message": a usage or configuration error. */
void	plugin_unknown(FILE *, const char *message);

#endif
