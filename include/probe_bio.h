/*
 * probe_bio.h: the read-budget filter BIO (engine-internal), see
 * PROBE_READ_BUDGET in probe_int.h.
 */
#ifndef EDGEPROBE_PROBE_BIO_H
#define EDGEPROBE_PROBE_BIO_H

#include <openssl/bio.h>

/* Once per process, before the first probe. -1 with *cause on error. */
int	 probe_bio_init(char **cause);
/*
 * The socket fd (not closed by the BIO) under a filter that reads at most
 * *budget bytes, decrementing it, then says "retry". NULL on error.
 */
BIO	*probe_bio_new(int fd, int *budget);

#endif
