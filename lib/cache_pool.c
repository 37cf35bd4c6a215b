/* cache_pool.c - the engine's pool of word caches (cache_pool.h). */
#include "cache_pool.h"

#include <pthread.h>
#include <stdlib.h>

struct us_cache_pool {
  pthread_mutex_t lock;
  us_word_caches **free; /* sets no analysis holds */
  size_t n, cap;
};

us_cache_pool *us_cache_pool_new(void) {
  us_cache_pool *p = calloc(1, sizeof *p);
  if (p && pthread_mutex_init(&p->lock, NULL)) {
    free(p);
    return NULL;
  }
  return p;
}

void us_cache_pool_clear(us_cache_pool *p) {
  for (size_t i = 0; p && i < p->n; i++) {
    us_word_caches_clear(p->free[i]);
    free(p->free[i]);
  }
  if (p)
    p->n = 0;
}

void us_cache_pool_free(us_cache_pool *p) {
  if (!p)
    return;
  us_cache_pool_clear(p);
  free(p->free);
  pthread_mutex_destroy(&p->lock);
  free(p);
}

us_word_caches *us_cache_pool_take(us_cache_pool *p) {
  us_word_caches *c = NULL;
  pthread_mutex_lock(&p->lock);
  if (p->n)
    c = p->free[--p->n];
  pthread_mutex_unlock(&p->lock);
  return c ? c : calloc(1, sizeof *c);
}

void us_cache_pool_give(us_cache_pool *p, us_word_caches *c) {
  if (!c)
    return;
  if (us_word_caches_size(c) > US_CACHE_SET_MAX_BYTES)
    us_word_caches_clear(c);
  pthread_mutex_lock(&p->lock);
  if (p->n == p->cap) {
    size_t cap = p->cap ? 2 * p->cap : 4;
    us_word_caches **v = realloc(p->free, cap * sizeof *v);
    if (v) {
      p->free = v;
      p->cap = cap;
    }
  }
  int kept = p->n < p->cap;
  if (kept)
    p->free[p->n++] = c;
  pthread_mutex_unlock(&p->lock);
  if (!kept) { /* no room to keep it: dropped, as if never filled */
    us_word_caches_clear(c);
    free(c);
  }
}
