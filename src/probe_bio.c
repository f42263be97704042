/*
 * probe_bio.c: the read-budget filter BIO between a probe's SSL and its
 * socket (why: PROBE_READ_BUDGET in probe_int.h). Its data is the probe's
 * budget, which the session refills before every OpenSSL call.
 */
#include <stddef.h>

#include <openssl/bio.h>

#include "probe_bio.h"
#include "xmalloc.h"

static BIO_METHOD	*probe_bio_method;

static int	 probe_bio_create(BIO *);
static int	 probe_bio_read(BIO *, char *, int);
static int	 probe_bio_write(BIO *, const char *, int);
static long	 probe_bio_ctrl(BIO *, int, long, void *);

/* The filter's method, made once per process. */
int
probe_bio_init(char **cause)
{
	BIO_METHOD	*m;

	if (probe_bio_method != NULL)
		return 0;
	if ((m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_FILTER,
	    "edgeprobe read budget")) == NULL) {
		*cause = xstrdup("BIO_meth_new failed");
		return -1;
	}
	if (BIO_meth_set_create(m, probe_bio_create) != 1 ||
	    BIO_meth_set_read(m, probe_bio_read) != 1 ||
	    BIO_meth_set_write(m, probe_bio_write) != 1 ||
	    BIO_meth_set_ctrl(m, probe_bio_ctrl) != 1) {
		BIO_meth_free(m);
		*cause = xstrdup("BIO_meth_new failed");
		return -1;
	}
	probe_bio_method = m;
	return 0;
}

/* The socket under the filter, which reads within *budget. */
BIO *
probe_bio_new(int fd, int *budget)
{
	BIO	*sbio, *fbio;

	if ((sbio = BIO_new_socket(fd, BIO_NOCLOSE)) == NULL ||
	    (fbio = BIO_new(probe_bio_method)) == NULL) {
		BIO_free(sbio);
		return NULL;
	}
	BIO_set_data(fbio, budget);
	return BIO_push(fbio, sbio);
}

/* A new filter: ready at once; its budget is set by probe_bio_new(). */
static int
probe_bio_create(BIO *b)
{
	BIO_set_init(b, 1);
	return 1;
}

/* Read through to the socket within the probe's budget, else "retry". */
static int
probe_bio_read(BIO *b, char *buf, int len)
{
	int	*budget = BIO_get_data(b);
	BIO	*next = BIO_next(b);
	int	 n;

	BIO_clear_retry_flags(b);
	if (next == NULL || budget == NULL)
		return 0;
	if (*budget <= 0) {
		BIO_set_retry_read(b);
		return -1;
	}
	if (len > *budget)
		len = *budget;
	n = BIO_read(next, buf, len);
	if (n > 0)
		*budget -= n;
	BIO_copy_next_retry(b);
	return n;
}

/* Writes go through unchanged. */
static int
probe_bio_write(BIO *b, const char *buf, int len)
{
	BIO	*next = BIO_next(b);
	int	 n;

	BIO_clear_retry_flags(b);
	if (next == NULL)
		return 0;
	n = BIO_write(next, buf, len);
	BIO_copy_next_retry(b);
	return n;
}

/* Controls go to the socket BIO. */
static long
probe_bio_ctrl(BIO *b, int cmd, long num, void *ptr)
{
	BIO	*next = BIO_next(b);

	if (next == NULL)
		return 0;
	return BIO_ctrl(next, cmd, num, ptr);
}
