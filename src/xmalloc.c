/*
 * xmalloc.c: allocation that cannot fail; running out of memory is fatal.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "xmalloc.h"

/* Allocate size bytes or die. */
void *
xmalloc(size_t size)
{
	void	*p;

	if ((p = malloc(size == 0 ? 1 : size)) == NULL)
		fatalx("out of memory allocating %zu bytes", size);
	return p;
}

/* Allocate a zeroed array or die. */
void *
xcalloc(size_t n, size_t size)
{
	void	*p;

	if ((p = calloc(n == 0 ? 1 : n, size == 0 ? 1 : size)) == NULL)
		fatalx("out of memory allocating %zu x %zu bytes", n, size);
	return p;
}

/* Resize an array with an overflow check, or die. */
void *
xreallocarray(void *ptr, size_t n, size_t size)
{
	void	*p;

	if (size != 0 && n > SIZE_MAX / size)
		fatalx("array of %zu x %zu bytes overflows", n, size);
	if ((p = realloc(ptr, n * size == 0 ? 1 : n * size)) == NULL)
		fatalx("out of memory allocating %zu x %zu bytes", n, size);
	return p;
}

/* Duplicate a string or die. */
char *
xstrdup(const char *s)
{
	char	*p;

	if ((p = strdup(s)) == NULL)
		fatalx("out of memory duplicating a string");
	return p;
}

/* Duplicate at most n bytes of a string or die. */
char *
xstrndup(const char *s, size_t n)
{
	char	*p;

	if ((p = strndup(s, n)) == NULL)
		fatalx("out of memory duplicating a string");
	return p;
}

/* Format into a new string or die; returns its length. */
int
xasprintf(char **ret, const char *fmt, ...)
{
	va_list	 ap, ap2;
	int	 n;

	va_start(ap, fmt);
	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		fatalx("xasprintf: bad format");
	*ret = xmalloc((size_t)n + 1);
	vsnprintf(*ret, (size_t)n + 1, fmt, ap2);
	va_end(ap2);
	return n;
}
