/* consistency.c - the substitutions a document's restoration made. */
#include "consistency.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dict_format.h"
#include "slots.h"

static uint64_t pair_hash(const char *spun, size_t spun_len, const char *orig, size_t orig_len) {
  return us_word_hash(spun, spun_len) * 31 + us_word_hash(orig, orig_len);
}

static struct us_pair *find(const us_pairs *p, const char *spun, size_t spun_len,
                            const char *orig, size_t orig_len, size_t *slot) {
  if (!p->nslots)
    return NULL;
  size_t s = pair_hash(spun, spun_len, orig, orig_len) & (p->nslots - 1);
  for (;; s = (s + 1) & (p->nslots - 1)) {
    if (!p->slot[s]) {
      if (slot)
        *slot = s;
      return NULL;
    }
    struct us_pair *x = &p->entry[p->slot[s] - 1];
    const char *t = p->text.data + x->off;
    if (x->spun_len == spun_len && x->orig_len == orig_len && !memcmp(t, spun, spun_len) &&
        !memcmp(t + spun_len + 1, orig, orig_len))
      return x;
  }
}

static uint64_t entry_hash(const void *ctx, size_t i) {
  const us_pairs *p = ctx;
  const struct us_pair *x = &p->entry[i];
  const char *t = p->text.data + x->off;
  return pair_hash(t, x->spun_len, t + x->spun_len + 1, x->orig_len);
}

int us_pairs_add(us_pairs *p, const char *spun, size_t spun_len, const char *orig,
                 size_t orig_len, size_t token) {
  if (p->n >= UINT32_MAX - 1 ||
      ((p->n + 1) * 2 > p->nslots &&
       us_slots_grow(&p->slot, &p->nslots, 64, p->n, entry_hash, p)))
    return -1;
  struct us_pair_at *at = us_grow(p->at, &p->at_cap, p->nat + 1, sizeof *at, 64);
  if (!at)
    return -1;
  p->at = at;
  size_t slot = 0;
  struct us_pair *x = find(p, spun, spun_len, orig, orig_len, &slot);
  if (!x) {
    struct us_pair *v = us_grow(p->entry, &p->cap, p->n + 1, sizeof *v, 64);
    if (!v)
      return -1;
    p->entry = v;
    size_t off = p->text.len;
    if (us_buf_append(&p->text, spun, spun_len) || us_buf_putc(&p->text, '\0') ||
        us_buf_append(&p->text, orig, orig_len) || us_buf_putc(&p->text, '\0'))
      return -1;
    x = &p->entry[p->n];
    *x = (struct us_pair){off, spun_len, orig_len, 0, 0};
    p->slot[slot] = (uint32_t)++p->n;
  }
  p->at[p->nat] = (struct us_pair_at){token, x->last};
  x->last = ++p->nat;
  x->count++;
  return 0;
}

size_t us_pairs_count(const us_pairs *p, const char *spun, size_t spun_len, const char *orig,
                      size_t orig_len) {
  const struct us_pair *x = find(p, spun, spun_len, orig, orig_len, NULL);
  return x ? x->count : 0;
}

size_t us_pairs_elsewhere(const us_pairs *p, const char *spun, size_t spun_len, const char *orig,
                          size_t orig_len, size_t token) {
  const struct us_pair *x = find(p, spun, spun_len, orig, orig_len, NULL);
  if (!x)
    return 0;
  size_t n = x->count;
  for (size_t k = x->last; k; k = p->at[k - 1].next)
    if (p->at[k - 1].token == token)
      return n - 1;
  return n;
}

int us_pair_wordings_init(us_pair_wordings *h, const us_pairs *p) {
  h->nslots = 16;
  while (h->nslots < 2 * p->n)
    h->nslots *= 2;
  h->slot = calloc(h->nslots, sizeof *h->slot);
  if (!h->slot)
    return -1;
  for (size_t i = 0; i < p->n; i++) {
    uint64_t v = us_word_hash(p->text.data + p->entry[i].off, p->entry[i].spun_len) | 1;
    size_t k = v & (h->nslots - 1);
    while (h->slot[k] && h->slot[k] != v)
      k = (k + 1) & (h->nslots - 1);
    h->slot[k] = v;
  }
  return 0;
}

int us_pair_wordings_has(const us_pair_wordings *h, const char *s, size_t len) {
  uint64_t v = us_word_hash(s, len) | 1;
  size_t k = v & (h->nslots - 1);
  while (h->slot[k] && h->slot[k] != v)
    k = (k + 1) & (h->nslots - 1);
  return h->slot[k] == v;
}

void us_pair_wordings_free(us_pair_wordings *h) {
  free(h->slot);
  h->slot = NULL;
  h->nslots = 0;
}

int us_kept_words_doubt(const us_kept_words *k, const char *orig, size_t orig_len, size_t token) {
  return us_pairs_elsewhere(&k->kept, "", 0, orig, orig_len, token) > 0 &&
         us_pairs_elsewhere(&k->restored, "", 0, orig, orig_len, token) == 0;
}

void us_kept_words_free(us_kept_words *k) {
  us_pairs_free(&k->kept);
  us_pairs_free(&k->restored);
  free(k->redo);
  k->redo = NULL;
}

void us_pairs_clear(us_pairs *p) {
  if (p->nslots)
    memset(p->slot, 0, p->nslots * sizeof *p->slot);
  p->n = p->nat = 0;
  us_buf_clear(&p->text);
}

void us_pairs_free(us_pairs *p) {
  free(p->slot);
  free(p->entry);
  free(p->at);
  us_buf_free(&p->text);
  memset(p, 0, sizeof *p);
}
