/*
 * conf_file.c: files a configuration names (the trust store, the client
 * certificate and its key), checked when the configuration is loaded.
 *
 * Everything read from disk is read before the loop starts and the daemon
 * may run in a sandbox that cannot see the file system later: a typo, a
 * key that does not match its certificate or a key others can read must
 * fail --check-config and start-up, with the line of the setting, rather
 * than every probe. stat() comes first so that a device or FIFO is never
 * opened.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libconfig.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "conf.h"
#include "conf_err.h"
#include "conf_file.h"
#include "conf_keys.h"

static int	 conf_file_check(struct conf_ctx *, const config_setting_t *,
		    const char *, const char *, int);
static int	 conf_file_nopass(char *, int, int, void *);
static X509	*conf_file_cert(struct conf_ctx *, const config_setting_t *,
		    const char *);
static EVP_PKEY	*conf_file_key(struct conf_ctx *, const config_setting_t *,
		    const char *);

/* Check path is a regular file we can open; priv: no group/other bits. */
static int
conf_file_check(struct conf_ctx *ctx, const config_setting_t *s,
    const char *what, const char *path, int priv)
{
	struct stat	 st;
	char		*q;
	int		 fd, error = 0;

	if (stat(path, &st) == 0) {
		if (!S_ISREG(st.st_mode))
			error = S_ISDIR(st.st_mode) ? EISDIR : EINVAL;
		else if (priv && (st.st_mode & 077) != 0)
			error = EPERM;
		else if ((fd = open(path, O_RDONLY | O_CLOEXEC |
		    O_NOCTTY)) == -1)
			error = errno;
		else
			close(fd);
	} else
		error = errno;
	if (error == 0)
		return 0;
	q = conf_err_quote(path);
	if (error == EPERM)
		conf_err(&ctx->err, s, "%s %s%s is readable by group or others "
		    "(mode %04o): chmod 600 it", what, q, ctx->where,
		    (unsigned int)(st.st_mode & 07777));
	else if (error == EINVAL)
		conf_err(&ctx->err, s, "cannot read %s %s%s: not a regular "
		    "file", what, q, ctx->where);
	else
		conf_err(&ctx->err, s, "cannot read %s %s%s: %s", what, q,
		    ctx->where, strerror(error));
	free(q);
	return -1;
}

/* A regular file we can open. */
int
conf_file_readable(struct conf_ctx *ctx, const config_setting_t *s,
    const char *what, const char *path)
{
	return conf_file_check(ctx, s, what, path, 0);
}

/* No passphrase prompt at load time: an encrypted key is refused. */
static int
conf_file_nopass(char *buf, int size, int rwflag, void *arg)
{
	(void)buf;
	(void)size;
	(void)rwflag;
	(void)arg;
	return -1;
}

/* The leaf of a PEM file, the certificates after it checked; NULL: error. */
static X509 *
conf_file_cert(struct conf_ctx *ctx, const config_setting_t *s,
    const char *path)
{
	BIO		*b;
	X509		*leaf, *x;
	unsigned long	 e;
	char		*q;

	leaf = NULL;
	if ((b = BIO_new_file(path, "r")) != NULL &&
	    (leaf = PEM_read_bio_X509(b, NULL, NULL, NULL)) != NULL) {
		while ((x = PEM_read_bio_X509(b, NULL, NULL, NULL)) != NULL)
			X509_free(x);
		e = ERR_peek_last_error();
		if (ERR_GET_LIB(e) != ERR_LIB_PEM ||
		    ERR_GET_REASON(e) != PEM_R_NO_START_LINE) {
			X509_free(leaf);
			leaf = NULL;
		}
	}
	BIO_free(b);
	ERR_clear_error();
	if (leaf != NULL)
		return leaf;
	q = conf_err_quote(path);
	conf_err(&ctx->err, s, "client_cert %s%s is not PEM certificates "
	    "(the leaf, then its chain)", q, ctx->where);
	free(q);
	return NULL;
}

/* The private key of a PEM file; NULL: error (encrypted keys included). */
static EVP_PKEY *
conf_file_key(struct conf_ctx *ctx, const config_setting_t *s,
    const char *path)
{
	BIO		*b;
	EVP_PKEY	*pk = NULL;
	char		*q;

	if ((b = BIO_new_file(path, "r")) != NULL)
		pk = PEM_read_bio_PrivateKey(b, NULL, conf_file_nopass, NULL);
	BIO_free(b);
	ERR_clear_error();
	if (pk != NULL)
		return pk;
	q = conf_err_quote(path);
	conf_err(&ctx->err, s, "client_key %s%s is not an unencrypted PEM "
	    "private key", q, ctx->where);
	free(q);
	return NULL;
}

/* Both or neither, each readable, PEM, and the key matching the leaf. */
void
conf_file_client(struct conf_ctx *ctx, const struct conf_target *t,
    const config_setting_t *cert, const config_setting_t *key)
{
	X509		*x;
	EVP_PKEY	*pk;
	char		*q;

	if (cert == NULL && key == NULL)
		return;
	if (key == NULL || cert == NULL) {
		conf_err(&ctx->err, cert != NULL ? cert : key,
		    "\"%s\"%s needs \"%s\" too", cert != NULL ? "client_cert" :
		    "client_key", ctx->where, cert != NULL ? "client_key" :
		    "client_cert");
		return;
	}
	if ((conf_file_check(ctx, cert, "client_cert", t->client_cert, 0) |
	    conf_file_check(ctx, key, "client_key", t->client_key, 1)) != 0)
		return;
	x = conf_file_cert(ctx, cert, t->client_cert);
	pk = conf_file_key(ctx, key, t->client_key);
	if (x != NULL && pk != NULL && X509_check_private_key(x, pk) != 1) {
		q = conf_err_quote(t->client_key);
		conf_err(&ctx->err, key, "client_key %s%s does not match the "
		    "certificate of client_cert", q, ctx->where);
		free(q);
	}
	ERR_clear_error();
	EVP_PKEY_free(pk);
	X509_free(x);
}
