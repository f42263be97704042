/*
 * certfile.c: read a certificate file for `edgeprobe cert`.
 *
 * The file is read whole, bounded, before anything parses it; its format
 * is told by its bytes, not its name: "-----BEGIN" is PEM, anything else is
 * tried as one DER certificate and then as PKCS#12. Every failure is a
 * sentence for the operator, never a crash: a CA's download page hands out
 * all three formats, and sometimes an HTML page instead.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/x509.h>

#include "certfile.h"
#include "log.h"
#include "xmalloc.h"

static unsigned char *certfile_read(const char *, size_t *, char **);
static STACK_OF(X509) *certfile_pem(const char *, const unsigned char *,
		    size_t, char **);
static STACK_OF(X509) *certfile_der(const unsigned char *, size_t);
static STACK_OF(X509) *certfile_p12(const char *, const unsigned char *,
		    size_t, const char *, char **);

/* The whole file, at most CERTFILE_MAX_BYTES; NULL with *cause. */
static unsigned char *
certfile_read(const char *path, size_t *len, char **cause)
{
	struct stat	 st;
	unsigned char	*buf;
	FILE		*fp;
	size_t		 n;

	if ((fp = fopen(path, "rb")) == NULL) {
		xasprintf(cause, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fileno(fp), &st) == -1 || !S_ISREG(st.st_mode)) {
		xasprintf(cause, "%s: not a regular file", path);
		fclose(fp);
		return NULL;
	}
	if (st.st_size > CERTFILE_MAX_BYTES) {
		xasprintf(cause, "%s: %lld bytes, more than a certificate file "
		    "holds (%d at most)", path, (long long)st.st_size,
		    CERTFILE_MAX_BYTES);
		fclose(fp);
		return NULL;
	}
	buf = xmalloc(CERTFILE_MAX_BYTES + 1);
	n = fread(buf, 1, CERTFILE_MAX_BYTES + 1, fp);
	fclose(fp);
	if (n > CERTFILE_MAX_BYTES) {
		xasprintf(cause, "%s: more than %d bytes", path,
		    CERTFILE_MAX_BYTES);
		free(buf);
		return NULL;
	}
	if (n == 0) {
		xasprintf(cause, "%s: empty file", path);
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	*len = n;
	return buf;
}

/* Every PEM certificate, in order; a PEM block that does not parse fails. */
static STACK_OF(X509) *
certfile_pem(const char *path, const unsigned char *buf, size_t len,
    char **cause)
{
	STACK_OF(X509)	*sk;
	BIO		*b;
	X509		*x;
	unsigned long	 e;

	if ((sk = sk_X509_new_null()) == NULL ||
	    (b = BIO_new_mem_buf(buf, (int)len)) == NULL)
		fatalx("out of memory");
	ERR_clear_error();
	while ((x = PEM_read_bio_X509(b, NULL, NULL, NULL)) != NULL) {
		if (sk_X509_num(sk) == CERTFILE_MAX_CERTS) {
			X509_free(x);
			xasprintf(cause, "%s: more than %d certificates", path,
			    CERTFILE_MAX_CERTS);
			goto fail;
		}
		if (sk_X509_push(sk, x) == 0)
			fatalx("out of memory");
	}
	/* The loop ends at the end of the file, or at a block gone bad. */
	e = ERR_peek_last_error();
	if (ERR_GET_LIB(e) != ERR_LIB_PEM ||
	    ERR_GET_REASON(e) != PEM_R_NO_START_LINE) {
		xasprintf(cause, "%s: malformed PEM after %d certificate%s (%s)",
		    path, sk_X509_num(sk), sk_X509_num(sk) == 1 ? "" : "s",
		    ERR_reason_error_string(e) != NULL ?
		    ERR_reason_error_string(e) : "unreadable block");
		goto fail;
	}
	if (sk_X509_num(sk) == 0) {
		xasprintf(cause, "%s: no PEM certificate in it (a key or a "
		    "request only?)", path);
		goto fail;
	}
	BIO_free(b);
	ERR_clear_error();
	return sk;
fail:
	BIO_free(b);
	ERR_clear_error();
	sk_X509_pop_free(sk, X509_free);
	return NULL;
}

/* One DER certificate that is the whole file, or NULL. */
static STACK_OF(X509) *
certfile_der(const unsigned char *buf, size_t len)
{
	STACK_OF(X509)		*sk;
	const unsigned char	*p = buf;
	X509			*x;

	x = d2i_X509(NULL, &p, (long)len);
	ERR_clear_error();
	if (x == NULL || p != buf + len) {
		X509_free(x);
		return NULL;
	}
	if ((sk = sk_X509_new_null()) == NULL || sk_X509_push(sk, x) == 0)
		fatalx("out of memory");
	return sk;
}

/* A PKCS#12 file: its certificate first, then the CA certificates. */
static STACK_OF(X509) *
certfile_p12(const char *path, const unsigned char *buf, size_t len,
    const char *password, char **cause)
{
	const unsigned char	*p = buf;
	STACK_OF(X509)		*sk, *ca = NULL;
	PKCS12			*p12;
	EVP_PKEY		*key = NULL;
	X509			*leaf = NULL;
	int			 i;

	if ((p12 = d2i_PKCS12(NULL, &p, (long)len)) == NULL) {
		ERR_clear_error();
		xasprintf(cause, "%s: not a certificate file (neither PEM, nor "
		    "DER, nor PKCS#12)", path);
		return NULL;
	}
	if (PKCS12_parse(p12, password != NULL ? password : "", &key, &leaf,
	    &ca) != 1) {
		ERR_clear_error();
		PKCS12_free(p12);
		xasprintf(cause, "%s: PKCS#12 that does not open with %s "
		    "(wrong password?)", path, password != NULL ?
		    "the password given" : "an empty password (--password-file)");
		return NULL;
	}
	PKCS12_free(p12);
	EVP_PKEY_free(key);
	if ((sk = sk_X509_new_null()) == NULL)
		fatalx("out of memory");
	if (leaf != NULL && sk_X509_push(sk, leaf) == 0)
		fatalx("out of memory");
	for (i = 0; ca != NULL && i < sk_X509_num(ca); i++) {
		X509	*x = sk_X509_value(ca, i);

		if (sk_X509_num(sk) < CERTFILE_MAX_CERTS && X509_up_ref(x) == 1)
			(void)sk_X509_push(sk, x);
	}
	sk_X509_pop_free(ca, X509_free);
	if (sk_X509_num(sk) == 0) {
		sk_X509_free(sk);
		xasprintf(cause, "%s: PKCS#12 without a certificate", path);
		return NULL;
	}
	return sk;
}

/* Read path as PEM, DER or PKCS#12. */
STACK_OF(X509) *
certfile_load(const char *path, const char *password, char **cause)
{
	STACK_OF(X509)	*sk;
	unsigned char	*buf;
	size_t		 len;

	if ((buf = certfile_read(path, &len, cause)) == NULL)
		return NULL;
	if (strstr((const char *)buf, "-----BEGIN") != NULL)
		sk = certfile_pem(path, buf, len, cause);
	else if ((sk = certfile_der(buf, len)) == NULL)
		sk = certfile_p12(path, buf, len, password, cause);
	free(buf);
	return sk;
}

/* The first line of a password file, without its newline. */
char *
certfile_password(const char *path, char **cause)
{
	char	 line[1024];
	FILE	*fp;

	if ((fp = fopen(path, "r")) == NULL) {
		xasprintf(cause, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if (fgets(line, sizeof(line), fp) == NULL)
		line[0] = '\0';
	fclose(fp);
	line[strcspn(line, "\r\n")] = '\0';
	return xstrdup(line);
}
