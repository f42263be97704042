/*
 * args.h: what the command line's modes share: the synopsis, the parsers
 * of option values, and usage errors, which go to stderr as they always
 * did, the first one kept for --plugin's "EDGEPROBE UNKNOWN - " line.
 */
#ifndef EDGEPROBE_ARGS_H
#define EDGEPROBE_ARGS_H

#include <stdio.h>

/* The synopsis and the exit statuses. */
void		 args_usage(FILE *);
/* A decimal integer in [min, max]; -1 after reporting the error. */
int		 args_int(const char *what, const char *s, int min, int max,
		    int *out);
/*
 * HOST, HOST:PORT, [V6], [V6]:PORT or a bare IPv6 address; *port is 443
 * unless given; *host is allocated. -1 after reporting the error.
 */
int		 args_hostport(const char *arg, char **host, int *port);
/* "edgeprobe: MESSAGE" on stderr, the message kept if it is the first. */
void		 args_error(const char *, ...)
		    __attribute__((__format__(__printf__, 1, 2)));
/* Keep a message without printing it (stderr has it in another form). */
void		 args_note(const char *, ...)
		    __attribute__((__format__(__printf__, 1, 2)));
/* Keep what getopt_long has just complained about on stderr. */
void		 args_bad_option(int argc, char **argv);
/* The first message reported or kept, or NULL. */
const char	*args_first_error(void);
/*
 * Whether argv asks for --plugin (or an abbreviation getopt_long would
 * take), looked for before parsing, which a usage error may cut short.
 */
int		 args_plugin(int argc, char **argv);

#endif
