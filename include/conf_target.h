/*
 * conf_target.h: the "targets" list of a configuration: each target's
 * settings over the inherited globals, its own checks, and target names
 * unique across the list.
 */
#ifndef EDGEPROBE_CONF_TARGET_H
#define EDGEPROBE_CONF_TARGET_H

#include <libconfig.h>

struct conf;
struct conf_ctx;
struct conf_target;

/*
 * Build ctx->conf's targets, in its arena, from the "targets" list s;
 * errors to ctx. Each target's setting is removed from s once converted.
 */
void	 conf_target_list(struct conf_ctx *, config_setting_t *);
/* A target with the global defaults applied and nothing of its own. */
void	 conf_target_init(const struct conf *, struct conf_target *);
/* Free what a target owns. */
void	 conf_target_clear(struct conf_target *);

#endif
