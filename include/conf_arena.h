/*
 * conf_arena.h: the arena of a loaded configuration: mappings of its own,
 * bump-allocated, freed all at once; strings and lists interned until
 * sealed.
 */
#ifndef EDGEPROBE_CONF_ARENA_H
#define EDGEPROBE_CONF_ARENA_H

#include <stddef.h>

struct conf_arena;

/* An empty arena, ready to intern. */
struct conf_arena *conf_arena_new(void);
/* size bytes, zeroed, aligned for any object; never fails. */
void	*conf_arena_alloc(struct conf_arena *, size_t size);
/* Give back what is past the first size bytes of a large allocation p. */
void	 conf_arena_shrink(struct conf_arena *, void *p, size_t size);
/* Interning is over: free the table. */
void	 conf_arena_seal(struct conf_arena *);
/* Unmap everything. */
void	 conf_arena_free(struct conf_arena *);
/* The arena's copy of s (NULL: NULL), not interned; s is freed. */
char	*conf_arena_copy(struct conf_arena *, char *s);
/* The arena's copy of s (NULL: NULL), interned until sealed; s is freed. */
char	*conf_arena_str(struct conf_arena *, char *s);
/* The arena's copy of the n strings of v, interned; v is freed. */
char	**conf_arena_strv(struct conf_arena *, char **v, size_t n);

#endif
