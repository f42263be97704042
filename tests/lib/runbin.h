/*
 * runbin.h: the tests' way to run the real edgeprobe binary (the "twins"
 * of test_policy and test_conform): find it and faketime, write PEM files
 * into a private directory, spawn under a frozen clock, read the JSON.
 * These helpers fail the calling cmocka test on a setup error.
 */
#ifndef EDGEPROBE_TEST_RUNBIN_H
#define EDGEPROBE_TEST_RUNBIN_H

#include <stddef.h>
#include <time.h>

#include <jansson.h>
#include <openssl/x509.h>

#define RUNBIN_TIMEOUT	30	/* seconds one run of the binary may take */

/* EDGEPROBE, else $BUILD/edgeprobe, else build/edgeprobe, into buf. */
const char	*runbin_binary(char *buf, size_t len);
/* The faketime command in PATH, into buf. */
const char	*runbin_faketime(char *buf, size_t len);
/* t as faketime -f wants it ("YYYY-MM-DD hh:mm:ss", UTC), into buf. */
const char	*runbin_when(time_t t, char *buf, size_t len);
/* A new private directory $TMPDIR/<prefix>.XXXXXX (else /tmp), into dir. */
void		 runbin_tmpdir(char *dir, size_t len, const char *prefix);
/* Remove the directory and the files in it (not recursive). */
void		 runbin_rmdir(const char *dir);
/* certs into a new PEM file at path, in order. */
void		 runbin_pem(const char *path, X509 *const *certs, size_t n);
/*
 * Run argv (argv[0] a path) with environ, TZ=UTC and ASan told not to mind
 * a preloaded libfaketime; stdin /dev/null, stdout to dir/out, stderr to
 * dir/err. Parse stdout as JSON: the document (caller decrefs), or NULL
 * with why set when the run did not exit in RUNBIN_TIMEOUT or printed no
 * JSON. *rc: the exit status; *err: stderr's first bytes (caller frees).
 */
json_t		*runbin_json(char *const *argv, const char *dir, int *rc,
		    char **err, char *why, size_t len);
/*
 * The .results[0].findings array of the binary's JSON (borrowed), NULL
 * when there is none; their codes into codes, comma-separated.
 */
json_t		*runbin_findings(json_t *doc, char *codes, size_t len);

#endif
