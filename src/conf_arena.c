/*
 * conf_arena.c: the arena that holds a configuration once loaded.
 *
 * Memory (issue 12): the loaded targets and their strings go to an arena
 * of their own mappings, away from the heap libconfig's tree fragmented,
 * and their strings and lists are interned: one copy of the subject, the
 * SANs or an sni equal to the host, however many targets share them. The
 * intern table lives only while the targets are converted; the arena is
 * freed all at once with the configuration.
 */
#include <sys/mman.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf_arena.h"
#include "log.h"
#include "xmalloc.h"

#define CONF_ARENA_BLOCK	((size_t)256 * 1024)	/* one mapping */
#define CONF_ARENA_ALIGN	16		/* of a block's first byte */
#define CONF_INTERN_MIN		1024		/* initial slots, a power of 2 */

/* One mapping of the arena; allocations follow the header. */
struct conf_arena_block {
	struct conf_arena_block	*next;
	size_t			 size;	/* of the mapping */
	size_t			 used;	/* from the mapping's start */
	int			 own;	/* one large allocation */
};

/* An interned string (n 0) or list of n interned strings. */
struct conf_intern {
	const void		*p;
	uint32_t		 hash;
	uint32_t		 n;
};

struct conf_arena {
	struct conf_arena_block	*blocks;	/* the one to fill first */
	struct conf_intern	*tab;		/* open addressing; NULL once
						   sealed */
	size_t			 tabcap;	/* a power of 2 */
	size_t			 tabn;
};

static void	*conf_map(size_t);
static size_t	 conf_header(void);
static void	*conf_arena_get(struct conf_arena *, size_t, size_t);
static uint32_t	 conf_hash(const void *, size_t);
static struct conf_intern *conf_intern_slot(struct conf_arena *, uint32_t,
		    const void *, uint32_t);
static void	 conf_intern_grow(struct conf_arena *);

/* size bytes of zeroed memory from the kernel, or die. */
static void *
conf_map(size_t size)
{
	void	*p;

	p = mmap(NULL, size, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		fatalx("out of memory mapping %zu bytes", size);
	return p;
}

/* Where a block's allocations start. */
static size_t
conf_header(void)
{
	return (sizeof(struct conf_arena_block) + CONF_ARENA_ALIGN - 1) &
	    ~(size_t)(CONF_ARENA_ALIGN - 1);
}

/* An empty arena, ready to intern. */
struct conf_arena *
conf_arena_new(void)
{
	struct conf_arena	*a;

	a = xcalloc(1, sizeof(*a));
	a->tabcap = CONF_INTERN_MIN;
	a->tab = conf_map(a->tabcap * sizeof(*a->tab));
	return a;
}

/* size bytes, zeroed, aligned for any object. */
void *
conf_arena_alloc(struct conf_arena *a, size_t size)
{
	return conf_arena_get(a, size, CONF_ARENA_ALIGN);
}

/*
 * size bytes at a multiple of align (a power of 2, at most
 * CONF_ARENA_ALIGN). A large request (the targets array) gets a mapping
 * of its own, which conf_arena_shrink can cut.
 */
static void *
conf_arena_get(struct conf_arena *a, size_t size, size_t align)
{
	struct conf_arena_block	*b = a->blocks, *nb;
	size_t			 off, hdr = conf_header(), len;

	if (b != NULL) {
		off = (b->used + align - 1) & ~(align - 1);
		if (off <= b->size && b->size - off >= size) {
			b->used = off + size;
			return (char *)b + off;
		}
	}
	len = hdr + size;
	if (len > CONF_ARENA_BLOCK / 4) {
		nb = conf_map(len);
		nb->own = 1;
		/* Keep filling the current block. */
		if (b != NULL) {
			nb->next = b->next;
			b->next = nb;
		} else
			a->blocks = nb;
	} else {
		len = CONF_ARENA_BLOCK;
		nb = conf_map(len);
		nb->next = b;
		a->blocks = nb;
	}
	nb->size = len;
	nb->used = hdr + size;
	return (char *)nb + hdr;
}

/* Give back the pages after the first size bytes of p's own mapping. */
void
conf_arena_shrink(struct conf_arena *a, void *p, size_t size)
{
	struct conf_arena_block	*b;
	size_t			 page, keep;

	page = (size_t)sysconf(_SC_PAGESIZE);
	for (b = a->blocks; b != NULL; b = b->next) {
		if (!b->own || (char *)b + conf_header() != (char *)p)
			continue;
		keep = (conf_header() + size + page - 1) & ~(page - 1);
		if (keep < b->size) {
			munmap((char *)b + keep, b->size - keep);
			b->size = b->used = keep;
		}
		return;
	}
}

/* Interning is over: drop the table. */
void
conf_arena_seal(struct conf_arena *a)
{
	if (a == NULL || a->tab == NULL)
		return;
	munmap(a->tab, a->tabcap * sizeof(*a->tab));
	a->tab = NULL;
	a->tabcap = a->tabn = 0;
}

/* Unmap everything. */
void
conf_arena_free(struct conf_arena *a)
{
	struct conf_arena_block	*b, *next;

	if (a == NULL)
		return;
	conf_arena_seal(a);
	for (b = a->blocks; b != NULL; b = next) {
		next = b->next;
		munmap(b, b->size);
	}
	free(a);
}

/* FNV-1a, 32 bits. */
static uint32_t
conf_hash(const void *p, size_t len)
{
	const unsigned char	*c = p;
	uint32_t		 h = 2166136261U;

	while (len-- > 0) {
		h ^= *c++;
		h *= 16777619U;
	}
	return h;
}

/* The slot of the string (n 0) or list (n entries) p: its own or free. */
static struct conf_intern *
conf_intern_slot(struct conf_arena *a, uint32_t hash, const void *p,
    uint32_t n)
{
	struct conf_intern	*e;
	size_t			 i, mask = a->tabcap - 1;

	for (i = hash & mask;; i = (i + 1) & mask) {
		e = &a->tab[i];
		if (e->p == NULL)
			return e;
		if (e->hash != hash || e->n != n)
			continue;
		if (n == 0 ? strcmp(e->p, p) == 0 :
		    memcmp(e->p, p, n * sizeof(char *)) == 0)
			return e;
	}
}

/* Double the table. */
static void
conf_intern_grow(struct conf_arena *a)
{
	struct conf_intern	*old = a->tab, *e;
	size_t			 i, oldcap = a->tabcap;

	a->tabcap *= 2;
	a->tab = conf_map(a->tabcap * sizeof(*a->tab));
	for (i = 0; i < oldcap; i++) {
		if (old[i].p == NULL)
			continue;
		e = conf_intern_slot(a, old[i].hash, old[i].p, old[i].n);
		*e = old[i];
	}
	munmap(old, oldcap * sizeof(*old));
}

/* The arena's copy of s (NULL: NULL), not interned; s is freed. */
char *
conf_arena_copy(struct conf_arena *a, char *s)
{
	size_t	 len;
	char	*p;

	if (s == NULL)
		return NULL;
	len = strlen(s) + 1;
	p = conf_arena_get(a, len, 1);
	memcpy(p, s, len);
	free(s);
	return p;
}

/* The arena's copy of s (NULL: NULL), interned; s is freed. */
char *
conf_arena_str(struct conf_arena *a, char *s)
{
	struct conf_intern	*e;
	uint32_t		 h;
	size_t			 len;
	char			*p;

	if (s == NULL)
		return NULL;
	len = strlen(s) + 1;
	h = conf_hash(s, len);
	if ((e = conf_intern_slot(a, h, s, 0))->p == NULL) {
		p = conf_arena_get(a, len, 1);
		memcpy(p, s, len);
		e->p = p;
		e->hash = h;
		e->n = 0;
		if (++a->tabn * 2 > a->tabcap)
			conf_intern_grow(a);
	} else
		p = (char *)(uintptr_t)e->p;
	free(s);
	return p;
}

/* The arena's copy of the n strings of v, interned; v is freed. */
char **
conf_arena_strv(struct conf_arena *a, char **v, size_t n)
{
	struct conf_intern	*e;
	uint32_t		 h;
	size_t			 i;
	char			**p;

	if (v == NULL)
		return NULL;
	for (i = 0; i < n; i++)
		v[i] = conf_arena_str(a, v[i]);
	if (n == 0 || n > UINT32_MAX) {
		p = conf_arena_get(a, (n ? n : 1) * sizeof(*p), sizeof(*p));
		memcpy(p, v, n * sizeof(*p));
	} else if ((e = conf_intern_slot(a, h = conf_hash(v, n * sizeof(*v)),
	    v, (uint32_t)n))->p == NULL) {
		p = conf_arena_get(a, n * sizeof(*p), sizeof(*p));
		memcpy(p, v, n * sizeof(*p));
		e->p = p;
		e->hash = h;
		e->n = (uint32_t)n;
		if (++a->tabn * 2 > a->tabcap)
			conf_intern_grow(a);
	} else
		p = (char **)(uintptr_t)e->p;
	free(v);
	return p;
}
