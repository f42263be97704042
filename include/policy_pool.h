/*
 * policy_pool.h: POOL_MISMATCH across the members of one pool (pure).
 */
#ifndef EDGEPROBE_POLICY_POOL_H
#define EDGEPROBE_POLICY_POOL_H

#include <stddef.h>

struct result;

/*
 * POOL_MISMATCH: given the results of one target, add the finding to each
 * result on a port where the members presented different leaves.
 */
void	policy_pool(struct result *const *, size_t);

#endif
