/* intern.c - a pool of distinct strings, each with a dense index. */
#include "intern.h"

#include <stdlib.h>
#include <string.h>

#include "dict_format.h"
#include "slots.h"

static uint64_t string_hash(const void *ctx, size_t i) {
  size_t len;
  const char *s = us_intern_str(ctx, i, &len);
  return us_word_hash(s, len);
}

int64_t us_intern_add(us_intern *in, const char *s, size_t len) {
  if (2 * (in->n + 1) > in->nslots &&
      us_slots_grow(&in->slot, &in->nslots, 1024, in->n, string_hash, in))
    return -1;
  size_t j = us_word_hash(s, len) & (in->nslots - 1);
  for (uint32_t v; (v = in->slot[j]) != 0; j = (j + 1) & (in->nslots - 1)) {
    size_t vlen;
    const char *vs = us_intern_str(in, v - 1, &vlen);
    if (vlen == len && !memcmp(vs, s, len))
      return v - 1;
  }
  uint32_t *o = us_grow(in->off, &in->off_cap, in->n + 2, sizeof *o, 1024);
  if (!o)
    return -1;
  in->off = o;
  if (in->pool.len + len > UINT32_MAX || us_buf_append(&in->pool, s, len))
    return -1;
  in->off[in->n] = (uint32_t)(in->pool.len - len);
  in->off[in->n + 1] = (uint32_t)in->pool.len;
  in->slot[j] = (uint32_t)in->n + 1;
  return (int64_t)in->n++;
}

void us_intern_clear(us_intern *in) {
  us_buf_clear(&in->pool);
  in->n = 0;
  if (in->slot)
    memset(in->slot, 0, in->nslots * sizeof *in->slot);
}

size_t us_intern_size(const us_intern *in) {
  return in->pool.cap + in->off_cap * sizeof *in->off + in->nslots * sizeof *in->slot;
}

void us_intern_free(us_intern *in) {
  us_buf_free(&in->pool);
  free(in->off);
  free(in->slot);
  *in = (us_intern)US_INTERN_INIT;
}
