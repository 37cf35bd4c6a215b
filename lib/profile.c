/* profile.c - reading spinner profiles ("key|syn1|syn2|...", one group per
 * line) into a sorted table from each synonym to its key. */
#include "profile.h"

#include <stdlib.h>
#include <string.h>

#include "buffer.h"
#include "error.h"
#include "ngram_count.h"
#include "normalize.h"
#include "utf8.h"

#define MAX_WORDS 3 /* like the thesaurus: spans of up to 3 words */

typedef struct pair {
  size_t from_off, from_len, to_off, to_len;
  unsigned fanout;
} pair;

struct unspin_profile {
  us_buf pool;
  pair *pairs;
  size_t n, cap;
};

/* A pair with its phrases' addresses, so that qsort needs no context. */
typedef struct sortable {
  const char *from, *to;
  pair p;
} sortable;

static int pair_cmp(const void *x, const void *y) {
  const sortable *a = x, *b = y;
  int c = us_key_cmp(a->from, a->p.from_len, b->from, b->p.from_len);
  return c ? c : us_key_cmp(a->to, a->p.to_len, b->to, b->p.to_len);
}

static int sort_pairs(unspin_profile *p) {
  sortable *v = malloc((p->n ? p->n : 1) * sizeof *v);
  if (!v)
    return -1;
  for (size_t i = 0; i < p->n; i++)
    v[i] = (sortable){p->pool.data + p->pairs[i].from_off, p->pool.data + p->pairs[i].to_off,
                      p->pairs[i]};
  qsort(v, p->n, sizeof *v, pair_cmp);
  for (size_t i = 0; i < p->n; i++)
    p->pairs[i] = v[i].p;
  free(v);
  return 0;
}

static int add_pair(unspin_profile *p, size_t from_off, size_t from_len, size_t to_off,
                    size_t to_len, unsigned fanout) {
  pair *v = us_grow(p->pairs, &p->cap, p->n + 1, sizeof *v, 256);
  if (!v)
    return -1;
  p->pairs = v;
  p->pairs[p->n++] = (pair){from_off, from_len, to_off, to_len, fanout};
  return 0;
}

/* Parses one line: the key, then its synonyms; empty fields are skipped. */
static int parse_line(unspin_profile *p, const char *s, size_t len, us_buf *tmp) {
  size_t key_off = 0, key_len = 0, first_pair = p->n;
  int have_key = 0;
  for (size_t i = 0; i <= len;) {
    const char *bar = memchr(s + i, '|', len - i);
    size_t end = bar ? (size_t)(bar - s) : len;
    int words = us_normalize_phrase(s + i, end - i, tmp);
    if (words < 0)
      return -1;
    if (words > 0 && words <= MAX_WORDS) {
      size_t off = p->pool.len;
      if (us_buf_append(&p->pool, tmp->data, tmp->len))
        return -1;
      if (!have_key) {
        have_key = 1;
        key_off = off;
        key_len = tmp->len;
      } else if (tmp->len != key_len || memcmp(p->pool.data + key_off, tmp->data, key_len)) {
        if (add_pair(p, off, tmp->len, key_off, key_len, 0))
          return -1;
      }
    } else if (!have_key && words > MAX_WORDS) {
      return 0; /* a key too long to restore: the group is of no use */
    }
    if (!bar)
      break;
    i = end + 1;
  }
  for (size_t k = first_pair; k < p->n; k++)
    p->pairs[k].fanout = (unsigned)(p->n - first_pair);
  return 0;
}

unspin_status unspin_profile_parse(unspin_profile **out, const char *data, size_t len,
                                   const char *name, unspin_error *err) {
  if (!out || (len && !data))
    return us_fail(err, UNSPIN_ERR_INVALID_ARG, -1, "unspin_profile_parse: NULL argument");
  *out = NULL;
  if (!name)
    name = "profile";
  unspin_status rc = us_check_text(data, len, name, err);
  if (rc != UNSPIN_OK)
    return rc;
  unspin_profile *p = calloc(1, sizeof *p);
  if (!p)
    return us_nomem(err);
  us_buf tmp = US_BUF_INIT;
  size_t at = len >= 3 && !memcmp(data, "\xEF\xBB\xBF", 3) ? 3 : 0; /* a BOM */
  int fail = 0;
  while (at < len && !fail) {
    const char *nl = memchr(data + at, '\n', len - at);
    size_t end = nl ? (size_t)(nl - data) : len, l = end - at;
    if (l && data[at + l - 1] == '\r')
      l--;
    fail = parse_line(p, data + at, l, &tmp);
    at = end + 1;
  }
  us_buf_free(&tmp);
  if (fail || sort_pairs(p)) {
    unspin_profile_free(p);
    return us_nomem(err);
  }
  *out = p;
  return UNSPIN_OK;
}

size_t unspin_profile_size(const unspin_profile *p) { return p ? p->n : 0; }

void unspin_profile_free(unspin_profile *p) {
  if (!p)
    return;
  us_buf_free(&p->pool);
  free(p->pairs);
  free(p);
}

size_t us_profile_originals(const unspin_profile *p, const char *spun, size_t len, size_t *first) {
  size_t lo = 0, hi = p->n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    const pair *q = &p->pairs[mid];
    if (us_key_cmp(p->pool.data + q->from_off, q->from_len, spun, len) < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  *first = lo;
  size_t n = 0;
  while (lo + n < p->n) {
    const pair *q = &p->pairs[lo + n];
    if (q->from_len != len || memcmp(p->pool.data + q->from_off, spun, len))
      break;
    n++;
  }
  return n;
}

void us_profile_original(const unspin_profile *p, size_t i, const char **key, size_t *len,
                         unsigned *fanout) {
  const pair *q = &p->pairs[i];
  *key = p->pool.data + q->to_off;
  *len = q->to_len;
  *fanout = q->fanout ? q->fanout : 1;
}
