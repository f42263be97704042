/*
 * runbin.c: run the real edgeprobe binary from a cmocka test (runbin.h).
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <openssl/pem.h>

#include "runbin.h"

extern char	**environ;

static int	 runbin_spawn(char *const *, const char *, const char *);
static char	*runbin_slurp(const char *);

const char *
runbin_binary(char *buf, size_t len)
{
	const char	*ep = getenv("EDGEPROBE"), *b = getenv("BUILD");

	if (ep != NULL && *ep != '\0')
		snprintf(buf, len, "%s", ep);
	else
		snprintf(buf, len, "%s/edgeprobe",
		    b != NULL && *b != '\0' ? b : "build");
	if (access(buf, X_OK) != 0)
		fail_msg("twin: no edgeprobe binary at %s (EDGEPROBE, "
		    "else $BUILD/edgeprobe, else build/edgeprobe): run make",
		    buf);
	return buf;
}

const char *
runbin_faketime(char *buf, size_t len)
{
	const char	*path = getenv("PATH"), *p, *e;

	for (p = path != NULL ? path : "/usr/bin:/bin"; *p != '\0'; p = e) {
		if ((e = strchr(p, ':')) == NULL)
			e = p + strlen(p);
		snprintf(buf, len, "%.*s/faketime", (int)(e - p), p);
		if (e > p && access(buf, X_OK) == 0)
			return buf;
		if (*e == ':')
			e++;
	}
	fail_msg("twin: no faketime in PATH (tests/deps.sh installs it)");
	return NULL;
}

const char *
runbin_when(time_t t, char *buf, size_t len)
{
	struct tm	 tm;

	assert_non_null(gmtime_r(&t, &tm));
	assert_true(strftime(buf, len, "%Y-%m-%d %H:%M:%S", &tm) > 0);
	return buf;
}

void
runbin_tmpdir(char *dir, size_t len, const char *prefix)
{
	const char	*tmp;

	if ((tmp = getenv("TMPDIR")) == NULL || *tmp == '\0')
		tmp = "/tmp";
	snprintf(dir, len, "%s/%s.XXXXXX", tmp, prefix);
	assert_non_null(mkdtemp(dir));
}

void
runbin_rmdir(const char *dir)
{
	DIR		*d;
	struct dirent	*de;
	char		 path[PATH_MAX + 256];

	if ((d = opendir(dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		(void)unlink(path);
	}
	closedir(d);
	(void)rmdir(dir);
}

void
runbin_pem(const char *path, X509 *const *certs, size_t n)
{
	FILE	*fp;
	size_t	 i;

	assert_non_null(fp = fopen(path, "w"));
	for (i = 0; i < n; i++)
		assert_int_equal(PEM_write_X509(fp, certs[i]), 1);
	assert_int_equal(fclose(fp), 0);
}

/* Spawn argv, stdout to out, stderr to err; its exit status, -1: timeout. */
static int
runbin_spawn(char *const *argv, const char *out, const char *err)
{
	posix_spawn_file_actions_t	 fa;
	char				**env, asanopt[512];
	const char			*asan;
	size_t				 i, n = 0;
	pid_t				 pid, w;
	int				 status, t;

	while (environ[n] != NULL)
		n++;
	assert_non_null(env = calloc(n + 3, sizeof(*env)));
	for (i = n = 0; environ[i] != NULL; i++)
		if (strncmp(environ[i], "TZ=", 3) != 0 &&
		    strncmp(environ[i], "ASAN_OPTIONS=", 13) != 0)
			env[n++] = environ[i];
	env[n++] = (char *)(uintptr_t)"TZ=UTC";
	/* Under SANITIZE, libfaketime is preloaded ahead of the ASan runtime. */
	asan = getenv("ASAN_OPTIONS");
	snprintf(asanopt, sizeof(asanopt), "ASAN_OPTIONS=%s%s"
	    "verify_asan_link_order=0", asan != NULL ? asan : "",
	    asan != NULL && *asan != '\0' ? ":" : "");
	env[n++] = asanopt;
	assert_int_equal(posix_spawn_file_actions_init(&fa), 0);
	assert_int_equal(posix_spawn_file_actions_addopen(&fa, 0, "/dev/null",
	    O_RDONLY, 0), 0);
	assert_int_equal(posix_spawn_file_actions_addopen(&fa, 1, out,
	    O_WRONLY | O_CREAT | O_TRUNC, 0600), 0);
	assert_int_equal(posix_spawn_file_actions_addopen(&fa, 2, err,
	    O_WRONLY | O_CREAT | O_TRUNC, 0600), 0);
	assert_int_equal(posix_spawn(&pid, argv[0], &fa, NULL, argv, env), 0);
	posix_spawn_file_actions_destroy(&fa);
	free(env);
	for (t = 0; (w = waitpid(pid, &status, WNOHANG)) == 0 &&
	    t < RUNBIN_TIMEOUT * 100; t++)
		usleep(10000);
	if (w == 0) {
		kill(pid, SIGKILL);
		(void)waitpid(pid, &status, 0);
		return -1;
	}
	assert_int_equal(w, pid);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 +
	    WTERMSIG(status);
}

/* A file's first bytes, for a failure message; caller frees. */
static char *
runbin_slurp(const char *path)
{
	FILE	*fp;
	char	*s;
	size_t	 n = 0;

	assert_non_null(s = calloc(1, 2048));
	if ((fp = fopen(path, "r")) != NULL) {
		n = fread(s, 1, 2047, fp);
		fclose(fp);
	}
	s[n] = '\0';
	return s;
}

json_t *
runbin_json(char *const *argv, const char *dir, int *rc, char **err,
    char *why, size_t len)
{
	json_t		*doc = NULL;
	json_error_t	 jerr;
	char		 outf[PATH_MAX + 16], errf[PATH_MAX + 16];

	snprintf(outf, sizeof(outf), "%s/out.json", dir);
	snprintf(errf, sizeof(errf), "%s/err", dir);
	*rc = runbin_spawn(argv, outf, errf);
	*err = runbin_slurp(errf);
	if (*rc == -1)
		snprintf(why, len, "no exit in %d s", RUNBIN_TIMEOUT);
	else if ((doc = json_load_file(outf, 0, &jerr)) == NULL)
		snprintf(why, len, "exit %d, no JSON (%s); stderr: %s", *rc,
		    jerr.text, *err);
	unlink(outf);
	unlink(errf);
	return doc;
}

json_t *
runbin_findings(json_t *doc, char *codes, size_t len)
{
	json_t		*jf, *f;
	const char	*code;
	size_t		 i, o = 0;

	jf = json_object_get(json_array_get(json_object_get(doc, "results"),
	    0), "findings");
	if (len > 0)
		codes[0] = '\0';
	if (!json_is_array(jf))
		return NULL;
	json_array_foreach(jf, i, f) {
		code = json_string_value(json_object_get(f, "code"));
		if (o < len)
			o += snprintf(codes + o, len - o, "%s%s", i > 0 ? "," :
			    "", code != NULL ? code : "?");
	}
	return jf;
}
