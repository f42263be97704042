/*
 * xmalloc.h: allocation that cannot fail; running out of memory is fatal.
 */
#ifndef EDGEPROBE_XMALLOC_H
#define EDGEPROBE_XMALLOC_H

#include <stddef.h>

void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xreallocarray(void *, size_t, size_t);
char	*xstrdup(const char *);
char	*xstrndup(const char *, size_t);
int	 xasprintf(char **, const char *, ...)
	    __attribute__((__format__(__printf__, 2, 3)));

#endif
