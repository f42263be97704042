/*
 * conf_file.h: files a configuration names, checked at load time so that
 * --check-config and start-up report them, not every probe.
 */
#ifndef EDGEPROBE_CONF_FILE_H
#define EDGEPROBE_CONF_FILE_H

#include <libconfig.h>

struct conf_ctx;
struct conf_target;

/* A regular file we can open, else an error at s naming what; -1 then. */
int	 conf_file_readable(struct conf_ctx *, const config_setting_t *s,
	    const char *what, const char *path);
/*
 * client_cert and client_key of t, both or neither, set at cert and key
 * (NULL when absent): readable, the key private to its owner, PEM, and the
 * key matching the leaf.
 */
void	 conf_file_client(struct conf_ctx *, const struct conf_target *t,
	    const config_setting_t *cert, const config_setting_t *key);

#endif
