/* buffer.h - growable byte buffer used across the library. */
#ifndef UNSPIN_BUFFER_H
#define UNSPIN_BUFFER_H

#include <stddef.h>

typedef struct us_buf {
  char *data; /* NUL-terminated when non-NULL */
  size_t len;
  size_t cap;
} us_buf;

#define US_BUF_INIT {NULL, 0, 0}

/* Each returns 0 on success, -1 when memory runs out (the buffer is unchanged). */
int us_buf_reserve(us_buf *b, size_t extra);
int us_buf_append(us_buf *b, const void *data, size_t len);
int us_buf_putc(us_buf *b, char c);
void us_buf_clear(us_buf *b);

/* Whether the NUL-terminated strings stored one after another in `b` from
 * offset `from` on include `s`. */
int us_buf_has_string(const us_buf *b, size_t from, const char *s);
void us_buf_free(us_buf *b);

/* Returns array `v` (room for *cap elements of `size` bytes) with room for
 * at least `need`, doubling from `first`; NULL when memory runs out, `v`
 * and *cap unchanged.  The pattern of every growing array in the library:
 *   T *nv = us_grow(a->v, &a->cap, a->n + 1, sizeof *a->v, 64);
 *   if (!nv) return -1;
 *   a->v = nv; */
void *us_grow(void *v, size_t *cap, size_t need, size_t size, size_t first);

#endif
