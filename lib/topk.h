/* topk.h - the few best of a stream of scored items, best first. */
#ifndef UNSPIN_TOPK_H
#define UNSPIN_TOPK_H

#include <stddef.h>

typedef struct us_ranked {
  double score;
  size_t item;
} us_ranked;

/* Adds (score, item) to v, the *n (at most cap, >= 1) best so far, best
 * first: an item scoring no more than the last of a full list is left out,
 * and one scoring as much as items already there goes after them.  Returns
 * whether it was added. */
static inline int us_top_add(us_ranked *v, size_t *n, size_t cap, double score, size_t item) {
  size_t at = *n < cap ? (*n)++ : cap;
  if (at == cap) {
    if (score <= v[cap - 1].score)
      return 0;
    at--;
  }
  while (at > 0 && v[at - 1].score < score) {
    v[at] = v[at - 1];
    at--;
  }
  v[at] = (us_ranked){score, item};
  return 1;
}

#endif
