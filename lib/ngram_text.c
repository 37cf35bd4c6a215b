/* ngram_text.c - n-gram counts of a chunk of sentences, by radix-sorting
 * its positions on their n-grams' word ranks. */
#include "ngram_text.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buffer.h"
#include "dict_format.h"
#include "error.h"
#include "intern.h"

#define RADIX_BITS 16
#define RADIX ((size_t)1 << RADIX_BITS)
/* bytes a chunk position costs: its word, its n-gram length, and at the
 * flush its place in the order, the radix sort's copy and the prefix it
 * shares with the position before it */
#define POSITION_BYTES (4 + 1 + 4 + 4 + 1)

struct us_text_counter {
  int order;
  size_t limit;
  us_counter *sink;
  uint32_t *word; /* the chunk's words: vocabulary ids, ranks from the flush on */
  uint8_t *len;   /* words of the n-gram starting at each position (to its sentence's end) */
  size_t n, cap;
  uint64_t held; /* n-gram occurrences: the lengths summed */
  us_intern vocab; /* the chunk's words */
  us_buf key; /* the n-gram being written (the fallback's too) */
};

typedef struct ranked {
  const char *s;
  size_t len;
  uint32_t id;
} ranked;

unspin_status us_text_counter_new(us_text_counter **out, int order, size_t memory_limit,
                                  us_counter *sink, unspin_error *err) {
  *out = NULL;
  us_text_counter *t = calloc(1, sizeof *t);
  if (!t)
    return us_nomem(err);
  t->order = order;
  t->limit = memory_limit;
  t->sink = sink;
  *out = t;
  return UNSPIN_OK;
}

static size_t memory_used(const us_text_counter *t) {
  return t->n * POSITION_BYTES + us_intern_size(&t->vocab) + t->vocab.n * sizeof(ranked) +
         RADIX * 4;
}

static void reset(us_text_counter *t) {
  t->n = 0;
  t->held = 0;
  us_intern_clear(&t->vocab);
}

/* A sentence whose keys hold the separator: its n-grams one by one. */
static unspin_status add_each(us_text_counter *t, const char *const *k, size_t n,
                              unspin_error *err) {
  for (size_t i = 0; i < n; i++) {
    us_buf_clear(&t->key);
    for (size_t m = 0; m < (size_t)t->order && i + m < n; m++) {
      if ((m && us_buf_putc(&t->key, US_KEY_SEP)) || us_buf_append(&t->key, k[i + m], strlen(k[i + m])))
        return us_nomem(err);
      unspin_status rc = us_counter_add(t->sink, t->key.data, t->key.len, 1, err);
      if (rc != UNSPIN_OK)
        return rc;
    }
  }
  return UNSPIN_OK;
}

unspin_status us_text_counter_add(us_text_counter *t, const char *keys, const size_t *starts,
                                  size_t n, unspin_error *err) {
  const char *stack[64];
  const char **k = n <= 64 ? stack : malloc(n * sizeof *k);
  if (!k)
    return us_nomem(err);
  int plain = 1;
  for (size_t i = 0; i < n; i++) {
    k[i] = keys + starts[i];
    plain = plain && !strchr(k[i], US_KEY_SEP);
  }
  unspin_status rc = UNSPIN_OK;
  if (!plain) {
    rc = add_each(t, k, n, err);
    goto done;
  }
  /* positions and counts are 32-bit */
  if (t->n && (memory_used(t) + n * POSITION_BYTES > t->limit || t->n + n > UINT32_MAX / 2) &&
      (rc = us_text_counter_flush(t, err)) != UNSPIN_OK)
    goto done;
  if (n > UINT32_MAX / 2) {
    rc = us_fail(err, UNSPIN_ERR_LIMIT, -1, "a sentence of %zu words is too long", n);
    goto done;
  }
  if (t->n + n > t->cap) {
    size_t cap = t->cap ? 2 * t->cap : 1024;
    cap = cap < t->n + n ? t->n + n : cap;
    uint32_t *w = realloc(t->word, cap * sizeof *w);
    if (w)
      t->word = w;
    uint8_t *l = w ? realloc(t->len, cap) : NULL;
    if (!l) {
      rc = us_nomem(err);
      goto done;
    }
    t->len = l;
    t->cap = cap;
  }
  for (size_t i = 0; i < n; i++) {
    int64_t id = us_intern_add(&t->vocab, k[i], strlen(k[i]));
    if (id < 0) {
      rc = us_nomem(err);
      goto done;
    }
    t->word[t->n + i] = (uint32_t)id;
    t->len[t->n + i] = (uint8_t)(n - i < (size_t)t->order ? n - i : (size_t)t->order);
    t->held += t->len[t->n + i];
  }
  t->n += n;
done:
  if (k != stack)
    free(k);
  return rc;
}

static int by_key(const void *a, const void *b) {
  const ranked *x = a, *y = b;
  return us_key_cmp(x->s, x->len, y->s, y->len);
}

/* Word d of the n-gram at position p as its rank (1-based), 0 past its end. */
static uint32_t digit_of(const us_text_counter *t, uint32_t p, size_t d) {
  return d < t->len[p] ? t->word[p + d] : 0;
}

/* One stable counting-sort pass of `from` into `to` on bits [shift,
 * shift + RADIX_BITS) of word d. */
static void radix_pass(const us_text_counter *t, const uint32_t *from, uint32_t *to, size_t d,
                       unsigned shift, uint32_t *count) {
  memset(count, 0, RADIX * sizeof *count);
  for (size_t i = 0; i < t->n; i++)
    count[(digit_of(t, from[i], d) >> shift) & (RADIX - 1)]++;
  uint32_t sum = 0;
  for (size_t b = 0; b < RADIX; b++) {
    uint32_t c = count[b];
    count[b] = sum;
    sum += c;
  }
  for (size_t i = 0; i < t->n; i++)
    to[count[(digit_of(t, from[i], d) >> shift) & (RADIX - 1)]++] = from[i];
}

/* Writes the sorted positions' n-grams, each distinct one once with the
 * size of its group, in key order. */
static unspin_status emit(us_text_counter *t, const uint32_t *pos, const uint8_t *lcp,
                          const ranked *byrank, unspin_error *err) {
  size_t end[US_DICT_MAX_ORDER + 1] = {0}; /* the key's length after n words */
  for (size_t k = 0; k < t->n; k++) {
    uint32_t p = pos[k];
    for (size_t n = (size_t)lcp[k] + 1; n <= t->len[p]; n++) {
      size_t m = k + 1;
      while (m < t->n && lcp[m] >= n)
        m++;
      const ranked *r = &byrank[t->word[p + n - 1] - 1];
      t->key.len = end[n - 1];
      if ((n > 1 && us_buf_putc(&t->key, US_KEY_SEP)) || us_buf_append(&t->key, r->s, r->len))
        return us_nomem(err);
      end[n] = t->key.len;
      unspin_status rc = us_counter_run_put(t->sink, t->key.data, t->key.len, m - k, err);
      if (rc != UNSPIN_OK)
        return rc;
    }
  }
  return UNSPIN_OK;
}

unspin_status us_text_counter_flush(us_text_counter *t, unspin_error *err) {
  if (!t->n)
    return UNSPIN_OK;
  ranked *byrank = malloc(t->vocab.n * sizeof *byrank);
  uint32_t *pos = malloc(t->n * sizeof *pos), *tmp = malloc(t->n * sizeof *tmp);
  uint32_t *count = malloc(RADIX * sizeof *count);
  uint8_t *lcp = malloc(t->n);
  unspin_status rc = UNSPIN_OK;
  if (!byrank || !pos || !tmp || !count || !lcp) {
    rc = us_nomem(err);
    goto done;
  }
  /* ranks in key order, so that comparing n-grams word by word by rank
   * orders them as their keys (the separator sorts below every byte of a
   * word) */
  for (uint32_t id = 0; id < t->vocab.n; id++) {
    byrank[id].id = id;
    byrank[id].s = us_intern_str(&t->vocab, id, &byrank[id].len);
  }
  qsort(byrank, t->vocab.n, sizeof *byrank, by_key);
  uint32_t *rank = tmp; /* tmp is free until the sort */
  for (uint32_t r = 0; r < t->vocab.n; r++)
    rank[byrank[r].id] = r + 1;
  uint8_t longest = 0;
  for (size_t i = 0; i < t->n; i++) {
    t->word[i] = rank[t->word[i]];
    longest = t->len[i] > longest ? t->len[i] : longest;
    pos[i] = (uint32_t)i;
  }
  /* least significant word first; ranks up to nvocab take one or two passes */
  for (size_t d = longest; d-- > 0;)
    for (unsigned shift = 0; shift == 0 || (t->vocab.n >> shift) > 0; shift += RADIX_BITS) {
      radix_pass(t, pos, tmp, d, shift, count);
      uint32_t *s = pos;
      pos = tmp;
      tmp = s;
    }
  lcp[0] = 0;
  for (size_t k = 1; k < t->n; k++) {
    uint32_t a = pos[k - 1], b = pos[k];
    size_t m = t->len[a] < t->len[b] ? t->len[a] : t->len[b], l = 0;
    while (l < m && t->word[a + l] == t->word[b + l])
      l++;
    lcp[k] = (uint8_t)l;
  }
  if ((rc = us_counter_run_begin(t->sink, err)) != UNSPIN_OK)
    goto done;
  rc = emit(t, pos, lcp, byrank, err);
  unspin_status end = us_counter_run_end(t->sink, err);
  if (rc == UNSPIN_OK)
    rc = end;
  reset(t);
done:
  free(byrank);
  free(pos);
  free(tmp);
  free(count);
  free(lcp);
  return rc;
}

uint64_t us_text_counter_held(const us_text_counter *t) { return t ? t->held : 0; }

void us_text_counter_free(us_text_counter *t) {
  if (!t)
    return;
  free(t->word);
  free(t->len);
  us_intern_free(&t->vocab);
  us_buf_free(&t->key);
  free(t);
}
