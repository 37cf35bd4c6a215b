/* buffer.c - growable byte buffer. */
#include "buffer.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int us_buf_reserve(us_buf *b, size_t extra) {
  if (extra >= SIZE_MAX - b->len)
    return -1;
  size_t need = b->len + extra + 1;
  if (need <= b->cap)
    return 0;
  size_t cap = b->cap ? b->cap : 64;
  while (cap < need)
    cap = cap > SIZE_MAX / 2 ? need : cap * 2;
  char *p = realloc(b->data, cap);
  if (!p)
    return -1;
  b->data = p;
  b->cap = cap;
  return 0;
}

int us_buf_append(us_buf *b, const void *data, size_t len) {
  if (us_buf_reserve(b, len))
    return -1;
  if (len)
    memcpy(b->data + b->len, data, len);
  b->len += len;
  b->data[b->len] = '\0';
  return 0;
}

int us_buf_putc(us_buf *b, char c) { return us_buf_append(b, &c, 1); }

void us_buf_clear(us_buf *b) {
  b->len = 0;
  if (b->data)
    b->data[0] = '\0';
}

int us_buf_has_string(const us_buf *b, size_t from, const char *s) {
  for (size_t at = from; at < b->len; at += strlen(b->data + at) + 1)
    if (!strcmp(b->data + at, s))
      return 1;
  return 0;
}

void us_buf_free(us_buf *b) {
  free(b->data);
  b->data = NULL;
  b->len = b->cap = 0;
}

void *us_grow(void *v, size_t *cap, size_t need, size_t size, size_t first) {
  if (need <= *cap && v)
    return v;
  size_t n = *cap ? *cap : first;
  while (n < need) {
    if (n > SIZE_MAX / 2 / size)
      return NULL;
    n *= 2;
  }
  if (n > SIZE_MAX / size)
    return NULL;
  void *p = realloc(v, n * size);
  if (p)
    *cap = n;
  return p;
}
