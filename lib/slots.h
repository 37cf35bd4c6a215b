/* slots.h - the open-addressing tables beside the library's pools and
 * caches: slot s holds an entry's index + 1, 0 when empty, and entries are
 * placed by their hash with linear probing. */
#ifndef UNSPIN_SLOTS_H
#define UNSPIN_SLOTS_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

/* The hash of entry i of the table's owner `ctx`. */
typedef uint64_t (*us_slot_hash)(const void *ctx, size_t i);

/* The first free slot for `hash` (nslots a power of two, some slot free). */
static inline size_t us_slot_free(const uint32_t *slot, size_t nslots, uint64_t hash) {
  size_t s = hash & (nslots - 1);
  while (slot[s])
    s = (s + 1) & (nslots - 1);
  return s;
}

/* Replaces *slot with a table of twice *nslots slots (`first` when there
 * is none; a power of two), doubled further until it is at least twice
 * n + 1, holding entries 0..n-1; -1, the table unchanged, when memory runs
 * out. */
static inline int us_slots_grow(uint32_t **slot, size_t *nslots, size_t first, size_t n,
                                us_slot_hash hash, const void *ctx) {
  size_t ns = *nslots ? 2 * *nslots : first;
  while (ns < 2 * (n + 1))
    ns *= 2;
  uint32_t *v = calloc(ns, sizeof *v);
  if (!v)
    return -1;
  for (size_t i = 0; i < n; i++)
    v[us_slot_free(v, ns, hash(ctx, i))] = (uint32_t)i + 1;
  free(*slot);
  *slot = v;
  *nslots = ns;
  return 0;
}

#endif
