/*
 * syslogcap.c: run a command with its syslog captured, for the tests.
 *
 *	syslogcap -o LOG [-n NOTIFYLOG] [-p PIDFILE] [-t SECONDS] -- CMD [ARG...]
 *
 * In a private mount namespace (root only), /dev is replaced by a tmpfs that
 * carries bind mounts of the real /dev entries plus a datagram socket at
 * /dev/log, so what CMD's syslog(3) really sends arrives here, and nowhere
 * else. Each datagram is written to LOG as one line ("<PRI>Mmm dd hh:mm:ss
 * ident[pid]: message"), flushed at once. With -n, a second socket becomes
 * CMD's NOTIFY_SOCKET and each sd_notify() datagram is one line of NOTIFYLOG
 * (newlines inside a datagram written as "\n"). CMD's pid goes to PIDFILE.
 * After SECONDS (default 60) CMD is killed. The exit status is CMD's (128 +
 * signal when killed by one, 124 on the time limit).
 */
#define _GNU_SOURCE		/* unshare(2), CLONE_NEWNS */

#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static void	 syslogcap_usage(void) __attribute__((__noreturn__));
static void	 syslogcap_die(const char *) __attribute__((__noreturn__));
static int	 syslogcap_socket(const char *);
static void	 syslogcap_devfs(void);
static void	 syslogcap_drain(int, FILE *);
static long long syslogcap_now_ms(void);

/* Say how to call it and fail. */
static void
syslogcap_usage(void)
{
	fprintf(stderr, "usage: syslogcap -o LOG [-n NOTIFYLOG] [-p PIDFILE] "
	    "[-t SECONDS] -- CMD [ARG...]\n");
	exit(2);
}

/* Report a failed system call and fail. */
static void
syslogcap_die(const char *what)
{
	fprintf(stderr, "syslogcap: %s: %s\n", what, strerror(errno));
	exit(2);
}

/* A datagram socket bound at path. */
static int
syslogcap_socket(const char *path)
{
	struct sockaddr_un	 sun;
	int			 fd, size = 4 * 1024 * 1024;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		errno = ENAMETOOLONG;
		syslogcap_die(path);
	}
	strcpy(sun.sun_path, path);
	unlink(path);
	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		syslogcap_die("socket");
	/* A burst of lines must not be dropped while we write the file. */
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size));
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1)
		syslogcap_die(path);
	chmod(path, 0666);
	return fd;
}

/*
 * Put a private /dev in place: a tmpfs holding bind mounts of every entry
 * of the real one (null, urandom, pts ...) and symlinks copied as they are,
 * without any log socket. The real /dev is reached through a staging
 * directory that is detached once done.
 */
static void
syslogcap_devfs(void)
{
	char		 stage[] = "/tmp/syslogcap.XXXXXX";
	char		 src[512], dst[512], link[512];
	struct dirent	*de;
	struct stat	 st;
	DIR		*dir;
	ssize_t		 n;
	int		 fd;

	if (unshare(CLONE_NEWNS) == -1)
		syslogcap_die("unshare(CLONE_NEWNS)");
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == -1)
		syslogcap_die("mount --make-rprivate /");
	if (mkdtemp(stage) == NULL)
		syslogcap_die("mkdtemp");
	if (mount("/dev", stage, NULL, MS_BIND | MS_REC, NULL) == -1)
		syslogcap_die("mount --rbind /dev");
	if (mount("tmpfs", "/dev", "tmpfs", MS_NOSUID, "mode=0755") == -1)
		syslogcap_die("mount tmpfs /dev");
	if ((dir = opendir(stage)) == NULL)
		syslogcap_die("opendir");
	while ((de = readdir(dir)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0 ||
		    strcmp(de->d_name, "log") == 0)
			continue;
		snprintf(src, sizeof(src), "%s/%s", stage, de->d_name);
		snprintf(dst, sizeof(dst), "/dev/%s", de->d_name);
		if (lstat(src, &st) == -1)
			continue;
		if (S_ISLNK(st.st_mode)) {
			if ((n = readlink(src, link, sizeof(link) - 1)) < 0)
				continue;
			link[n] = '\0';
			(void)symlink(link, dst);
			continue;
		}
		if (S_ISDIR(st.st_mode)) {
			if (mkdir(dst, st.st_mode & 07777) == -1)
				continue;
		} else {
			if ((fd = open(dst, O_CREAT | O_WRONLY, 0600)) == -1)
				continue;
			close(fd);
		}
		(void)mount(src, dst, NULL, MS_BIND | MS_REC, NULL);
	}
	closedir(dir);
	(void)umount2(stage, MNT_DETACH);
	(void)rmdir(stage);
}

/* Write every datagram waiting on fd as one line. */
static void
syslogcap_drain(int fd, FILE *out)
{
	char	 buf[65536];
	ssize_t	 n, i;

	for (;;) {
		n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n < 0)
			break;
		while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\0'))
			n--;
		for (i = 0; i < n; i++) {
			if (buf[i] == '\n')
				fputs("\\n", out);
			else
				fputc(buf[i], out);
		}
		fputc('\n', out);
	}
	fflush(out);
}

/* The monotonic clock in milliseconds. */
static long long
syslogcap_now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int
main(int argc, char *argv[])
{
	const char	*logpath = NULL, *notifypath = NULL, *pidpath = NULL;
	char		 sockpath[512], cwd[400];
	FILE		*logf, *notf = NULL, *pidf;
	struct pollfd	 pfd[2];
	long long	 deadline;
	pid_t		 pid;
	int		 ch, logfd, notfd = -1, status, seconds = 60, timedout = 0;
	nfds_t		 npfd;

	while ((ch = getopt(argc, argv, "o:n:p:t:")) != -1) {
		switch (ch) {
		case 'o':
			logpath = optarg;
			break;
		case 'n':
			notifypath = optarg;
			break;
		case 'p':
			pidpath = optarg;
			break;
		case 't':
			seconds = atoi(optarg);
			break;
		default:
			syslogcap_usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (logpath == NULL || argc < 1 || seconds <= 0)
		syslogcap_usage();

	if ((logf = fopen(logpath, "w")) == NULL)
		syslogcap_die(logpath);
	if (notifypath != NULL) {
		if ((notf = fopen(notifypath, "w")) == NULL)
			syslogcap_die(notifypath);
		/* sd_notify() takes only an absolute path. */
		if (notifypath[0] == '/')
			snprintf(sockpath, sizeof(sockpath), "%s.sock",
			    notifypath);
		else if (getcwd(cwd, sizeof(cwd)) != NULL)
			snprintf(sockpath, sizeof(sockpath), "%s/%s.sock", cwd,
			    notifypath);
		else
			syslogcap_die("getcwd");
		notfd = syslogcap_socket(sockpath);
		setenv("NOTIFY_SOCKET", sockpath, 1);
	}
	syslogcap_devfs();
	logfd = syslogcap_socket("/dev/log");

	if ((pid = fork()) == -1)
		syslogcap_die("fork");
	if (pid == 0) {
		execvp(argv[0], argv);
		fprintf(stderr, "syslogcap: %s: %s\n", argv[0],
		    strerror(errno));
		_exit(127);
	}
	if (pidpath != NULL) {
		if ((pidf = fopen(pidpath, "w")) == NULL)
			syslogcap_die(pidpath);
		fprintf(pidf, "%ld\n", (long)pid);
		fclose(pidf);
	}

	deadline = syslogcap_now_ms() + (long long)seconds * 1000;
	for (;;) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			break;
		if (syslogcap_now_ms() >= deadline && !timedout) {
			kill(pid, SIGKILL);
			timedout = 1;
		}
		npfd = 0;
		pfd[npfd].fd = logfd;
		pfd[npfd++].events = POLLIN;
		if (notfd != -1) {
			pfd[npfd].fd = notfd;
			pfd[npfd++].events = POLLIN;
		}
		(void)poll(pfd, npfd, 50);
		syslogcap_drain(logfd, logf);
		if (notfd != -1)
			syslogcap_drain(notfd, notf);
	}
	/* Whatever the child sent before it exited is already queued. */
	syslogcap_drain(logfd, logf);
	fclose(logf);
	if (notfd != -1) {
		syslogcap_drain(notfd, notf);
		fclose(notf);
		unlink(sockpath);
	}
	if (timedout)
		return 124;
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}
