/* learn.c - learning a spinner's table from aligned pairs: each original is
 * aligned word by word with its spun copy, the differing blocks become
 * (key, synonym) phrase pairs, and for each key the learner counts how
 * often it occurred and how often it was replaced (docs/model.md §2,
 * docs/profile-format.md).  Counts are sums over documents, so profiles
 * learned on shards merge by adding them. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buffer.h"
#include "error.h"
#include "ngram_count.h"
#include "normalize.h"
#include "profile.h"
#include "tokenize.h"
#include "utf8.h"

/* The largest alignment table (words of the original times words of the
 * copy): a document whose lines do not correspond one to one, or one line
 * of a document whose lines do. */
#define MAX_CELLS ((size_t)16 << 20)

/* A count record: a key's totals (occurrences a, replacements b) or one of
 * its links (synonym, count a). */
typedef struct rec {
  size_t key_off, syn_off; /* into the learner's pool */
  uint32_t key_len, syn_len;
  uint8_t total;
  double a, b;
} rec;

struct unspin_learner {
  us_buf pool;
  rec *v;
  size_t n, cap;
  size_t reduced; /* records after the last reduction */
  size_t pairs, skipped;
};

unspin_status unspin_learner_new(unspin_learner **out, unspin_error *err) {
  if (!out)
    return us_fail(err, UNSPIN_ERR_INVALID_ARG, -1, "unspin_learner_new: NULL argument");
  *out = calloc(1, sizeof **out);
  return *out ? UNSPIN_OK : us_nomem(err);
}

void unspin_learner_free(unspin_learner *l) {
  if (!l)
    return;
  us_buf_free(&l->pool);
  free(l->v);
  free(l);
}

size_t unspin_learner_pairs(const unspin_learner *l) { return l ? l->pairs : 0; }

size_t unspin_learner_skipped(const unspin_learner *l) { return l ? l->skipped : 0; }

typedef struct sorted_rec {
  const char *key, *syn;
  rec r;
} sorted_rec;

static int rec_cmp(const void *x, const void *y) {
  const sorted_rec *a = x, *b = y;
  int c = us_key_cmp(a->key, a->r.key_len, b->key, b->r.key_len);
  if (c)
    return c;
  if (a->r.total != b->r.total)
    return a->r.total ? -1 : 1;
  return us_key_cmp(a->syn, a->r.syn_len, b->syn, b->r.syn_len);
}

/* Sorts the records by key (totals first, then links by synonym) and adds
 * up equal ones, rebuilding the pool: memory stays proportional to the
 * distinct records. */
static int reduce(unspin_learner *l) {
  sorted_rec *s = malloc((l->n ? l->n : 1) * sizeof *s);
  if (!s)
    return -1;
  for (size_t i = 0; i < l->n; i++)
    s[i] = (sorted_rec){l->pool.data + l->v[i].key_off, l->pool.data + l->v[i].syn_off, l->v[i]};
  qsort(s, l->n, sizeof *s, rec_cmp);
  us_buf pool = US_BUF_INIT;
  size_t n = 0, key_off = 0;
  int rc = 0;
  for (size_t i = 0; i < l->n && !rc; i++) {
    if (n && !rec_cmp(&s[i], &s[i - 1])) {
      l->v[n - 1].a += s[i].r.a;
      l->v[n - 1].b += s[i].r.b;
      continue;
    }
    rec r = s[i].r;
    if (!i || us_key_cmp(s[i].key, r.key_len, s[i - 1].key, s[i - 1].r.key_len)) {
      key_off = pool.len;
      rc = us_buf_append(&pool, s[i].key, r.key_len) || us_buf_putc(&pool, '\0');
    }
    r.key_off = key_off;
    r.syn_off = pool.len;
    rc = rc || us_buf_append(&pool, s[i].syn, r.syn_len) || us_buf_putc(&pool, '\0');
    l->v[n++] = r;
  }
  free(s);
  if (rc) {
    us_buf_free(&pool);
    return -1; /* the records still point into the old pool: unchanged */
  }
  us_buf_free(&l->pool);
  l->pool = pool;
  l->n = l->reduced = n;
  return 0;
}

static int add_rec(unspin_learner *l, const char *key, size_t klen, const char *syn, size_t slen,
                   int total, double a, double b) {
  if (l->n >= 2 * l->reduced + 65536 && reduce(l))
    return -1;
  rec *v = us_grow(l->v, &l->cap, l->n + 1, sizeof *v, 1024);
  if (!v)
    return -1;
  l->v = v;
  rec r = {l->pool.len, 0, (uint32_t)klen, (uint32_t)slen, (uint8_t)total, a, b};
  if (us_buf_append(&l->pool, key, klen) || us_buf_putc(&l->pool, '\0'))
    return -1;
  r.syn_off = l->pool.len;
  if (us_buf_append(&l->pool, syn, slen) || us_buf_putc(&l->pool, '\0'))
    return -1;
  l->v[l->n++] = r;
  return 0;
}

/* A document's words: their keys (each NUL-terminated in `keys`) and the
 * line each stands on. */
typedef struct words {
  us_buf keys;
  struct word_at {
    size_t off;    /* its key in keys */
    uint32_t line; /* the line it stands on, from 0 */
  } *v;
  size_t n, cap, lines;
} words;

static void words_free(words *w) {
  us_buf_free(&w->keys);
  free(w->v);
}

static unspin_status read_words(const char *text, size_t len, const char *name, words *w,
                                unspin_error *err) {
  unspin_status st = us_check_text(text, len, name, err);
  if (st != UNSPIN_OK)
    return st;
  us_tokens t = {0};
  if ((st = us_tokenize(text, len, &t, err)) != UNSPIN_OK)
    return st;
  size_t at = 0;
  uint32_t line = 0;
  for (size_t i = 0; i < t.n && st == UNSPIN_OK; i++) {
    for (; at < t.v[i].start; at++)
      line += text[at] == '\n';
    if (!us_token_counts(&t.v[i]))
      continue;
    struct word_at *v = us_grow(w->v, &w->cap, w->n + 1, sizeof *v, 256);
    if (!v) {
      st = us_nomem(err);
      break;
    }
    w->v = v;
    w->v[w->n++] = (struct word_at){w->keys.len, line};
    if (us_normalize_key(text + t.v[i].start, t.v[i].end - t.v[i].start, &w->keys) ||
        us_buf_putc(&w->keys, '\0'))
      st = us_nomem(err);
  }
  for (; at < len; at++)
    line += text[at] == '\n';
  w->lines = line + 1;
  us_tokens_free(&t);
  return st;
}

static const char *word(const words *w, size_t i) { return w->keys.data + w->v[i].off; }

static int same_word(const words *a, size_t i, const words *b, size_t j) {
  return !strcmp(word(a, i), word(b, j));
}

/* Joins words [from, to) of w with single spaces. */
static int join(const words *w, size_t from, size_t to, us_buf *out) {
  us_buf_clear(out);
  for (size_t i = from; i < to; i++)
    if ((i > from && us_buf_putc(out, ' ')) || us_buf_append(out, word(w, i), strlen(word(w, i))))
      return -1;
  return 0;
}

/* One document's substitutions, before they become records. */
typedef struct doc_pairs {
  us_buf text;      /* key NUL synonym NUL, per pair */
  size_t *at;       /* pair starts in text */
  size_t n, cap;
  size_t skipped;   /* blocks too long to split */
} doc_pairs;

static int doc_add(doc_pairs *d, const words *o, size_t oa, size_t ob, const words *s, size_t sa,
                   size_t sb, us_buf *tmp) {
  size_t *v = us_grow(d->at, &d->cap, d->n + 1, sizeof *v, 64);
  if (!v)
    return -1;
  d->at = v;
  d->at[d->n++] = d->text.len;
  return join(o, oa, ob, tmp) || us_buf_append(&d->text, tmp->data, tmp->len + 1) ||
                 join(s, sa, sb, tmp) || us_buf_append(&d->text, tmp->data, tmp->len + 1)
             ? -1
             : 0;
}

/* A differing block, original words [oa, ob) against spun [sa, sb), both
 * non-empty: equal lengths split word for word ("monetary assist" for
 * "financial support"), other blocks of at most US_PROFILE_MAX_WORDS words a
 * side are one phrase pair ("12 months" for "year"); longer ones are too
 * ambiguous to split and are counted as skipped. */
static int block(doc_pairs *d, const words *o, size_t oa, size_t ob,
                 const words *s, size_t sa, size_t sb, us_buf *tmp) {
  size_t lo = ob - oa, ls = sb - sa;
  if (lo == ls && lo > 1) {
    for (size_t k = 0; k < lo; k++)
      if (doc_add(d, o, oa + k, oa + k + 1, s, sa + k, sa + k + 1, tmp))
        return -1;
    return 0;
  }
  if (lo > US_PROFILE_MAX_WORDS || ls > US_PROFILE_MAX_WORDS) {
    d->skipped++;
    return 0;
  }
  return doc_add(d, o, oa, ob, s, sa, sb, tmp);
}

/* Aligns original words [o0, o1) with spun words [s0, s1) (a longest
 * common subsequence) and adds the blocks between matches.  A block with
 * words on one side only grows by the matched word before it, or after it
 * at the start ("whether or not" for "whether").  Returns 0, -1 when
 * memory runs out, or 1 (nothing added) when the table would exceed
 * MAX_CELLS. */
static int align(doc_pairs *d, const words *o, size_t o0, size_t o1,
                 const words *s, size_t s0, size_t s1, us_buf *tmp) {
  size_t n = o1 - o0, m = s1 - s0;
  if (n && m && n > MAX_CELLS / m)
    return 1;
  uint32_t *t = calloc((n + 1) * (m + 1), sizeof *t);
  size_t *mo = malloc((n < m ? n : m) * sizeof *mo + 1), *ms = malloc((n < m ? n : m) * sizeof *ms + 1);
  int rc = -1;
  if (!t || !mo || !ms)
    goto done;
#define T(i, j) t[(size_t)(i) * (m + 1) + (j)]
  for (size_t i = n; i-- > 0;)
    for (size_t j = m; j-- > 0;)
      T(i, j) = same_word(o, o0 + i, s, s0 + j) ? T(i + 1, j + 1) + 1
                : T(i + 1, j) >= T(i, j + 1)   ? T(i + 1, j)
                                               : T(i, j + 1);
  size_t nm = 0;
  for (size_t i = 0, j = 0; i < n && j < m;) {
    if (same_word(o, o0 + i, s, s0 + j) && T(i, j) == T(i + 1, j + 1) + 1) {
      mo[nm] = o0 + i++;
      ms[nm++] = s0 + j++;
    } else if (T(i + 1, j) >= T(i, j + 1)) {
      i++;
    } else {
      j++;
    }
  }
#undef T
  rc = 0;
  /* the gaps before, between and after the matches; a gap with words on
   * one side only next to another gap, one matched word apart, is one
   * substitution that the match cuts in two ("rates of interest" for
   * "interest rates": "interest" dropped before "rates", "of interest"
   * added after), so the two join across the match */
  for (size_t k = 0; k <= nm && !rc; k++) {
    size_t oa = k ? mo[k - 1] + 1 : o0, ob = k < nm ? mo[k] : o1;
    size_t sa = k ? ms[k - 1] + 1 : s0, sb = k < nm ? ms[k] : s1;
    if (oa == ob && sa == sb)
      continue;
    while (k < nm) {
      size_t nob = k + 1 < nm ? mo[k + 1] : o1, nsb = k + 1 < nm ? ms[k + 1] : s1;
      int next_empty = nob == mo[k] + 1 && nsb == ms[k] + 1;
      int one_sided = oa == ob || sa == sb || nob == mo[k] + 1 || nsb == ms[k] + 1;
      if (next_empty || !one_sided)
        break;
      ob = nob;
      sb = nsb;
      k++;
    }
    if (oa == ob || sa == sb) {
      if (k) { /* the match before */
        oa--;
        sa--;
      } else if (k < nm) { /* the match after */
        ob++;
        sb++;
      } else {
        continue; /* nothing to attach a lone insertion to */
      }
    }
    rc = block(d, o, oa, ob, s, sa, sb, tmp);
  }
done:
  free(t);
  free(mo);
  free(ms);
  return rc;
}

/* How many times words [at.., at + kw) of o spell `key` (kw words). */
static double occurrences(const words *o, const char *key, size_t kw) {
  double n = 0;
  for (size_t i = 0; i + kw <= o->n; i++) {
    const char *k = key;
    size_t j = 0;
    for (; j < kw; j++) {
      const char *w = word(o, i + j);
      size_t wl = strlen(w);
      if (strncmp(k, w, wl) || (k[wl] != ' ' && k[wl] != '\0'))
        break;
      k += wl + (k[wl] == ' ');
    }
    n += j == kw;
  }
  return n;
}

typedef struct doc_pair {
  const char *key, *syn;
} doc_pair;

static int doc_pair_cmp(const void *x, const void *y) {
  const doc_pair *a = x, *b = y;
  int c = strcmp(a->key, b->key);
  return c ? c : strcmp(a->syn, b->syn);
}

static size_t phrase_words(const char *p) {
  size_t n = 1;
  for (; *p; p++)
    n += *p == ' ';
  return n;
}

/* Records the document's substitutions: for each key it replaced, how
 * often it was replaced and became each synonym, and for a phrase key how
 * often it occurs in the original (a one-word key's occurrences are counted
 * with every word of every original, by the caller). */
static int record_doc(unspin_learner *l, const doc_pairs *d, const words *o) {
  doc_pair *v = malloc((d->n ? d->n : 1) * sizeof *v);
  if (!v)
    return -1;
  for (size_t i = 0; i < d->n; i++) {
    v[i].key = d->text.data + d->at[i];
    v[i].syn = v[i].key + strlen(v[i].key) + 1;
  }
  qsort(v, d->n, sizeof *v, doc_pair_cmp);
  int rc = 0;
  for (size_t i = 0; i < d->n && !rc;) {
    size_t j = i + 1;
    while (j < d->n && !strcmp(v[j].key, v[i].key))
      j++;
    double r = (double)(j - i), kw = (double)phrase_words(v[i].key);
    double n = kw > 1 ? occurrences(o, v[i].key, (size_t)kw) : 0;
    rc = add_rec(l, v[i].key, strlen(v[i].key), "", 0, 1, kw > 1 && n < r ? r : n, r);
    for (size_t a = i; a < j && !rc;) {
      size_t b = a + 1;
      while (b < j && !strcmp(v[b].syn, v[a].syn))
        b++;
      rc = add_rec(l, v[a].key, strlen(v[a].key), v[a].syn, strlen(v[a].syn), 0, (double)(b - a),
                   0);
      a = b;
    }
    i = j;
  }
  free(v);
  return rc;
}

unspin_status unspin_learner_add_pair(unspin_learner *l, const char *orig, size_t olen,
                                      const char *orig_name, const char *spun, size_t slen,
                                      const char *spun_name, unspin_error *err) {
  if (!l || (olen && !orig) || (slen && !spun))
    return us_fail(err, UNSPIN_ERR_INVALID_ARG, -1, "unspin_learner_add_pair: NULL argument");
  if (!orig_name)
    orig_name = "original";
  if (!spun_name)
    spun_name = "spun copy";
  words o = {0}, s = {0};
  doc_pairs d = {0};
  us_buf tmp = US_BUF_INIT;
  unspin_status st = read_words(orig, olen, orig_name, &o, err);
  if (st == UNSPIN_OK)
    st = read_words(spun, slen, spun_name, &s, err);
  if (st != UNSPIN_OK)
    goto done;
  int fail = 0;
  if (o.lines == s.lines) { /* line i against line i */
    for (size_t i = 0, j = 0; (i < o.n || j < s.n) && !fail;) {
      uint32_t line =
          i < o.n && (j >= s.n || o.v[i].line <= s.v[j].line) ? o.v[i].line : s.v[j].line;
      size_t i1 = i, j1 = j;
      while (i1 < o.n && o.v[i1].line == line)
        i1++;
      while (j1 < s.n && s.v[j1].line == line)
        j1++;
      fail = align(&d, &o, i, i1, &s, j, j1, &tmp);
      if (fail > 0) {
        st = us_fail(err, UNSPIN_ERR_LIMIT, -1,
                     "%s and %s: line %lu is too long (%zu and %zu words) to align", orig_name,
                     spun_name, (unsigned long)line + 1, i1 - i, j1 - j);
        goto done;
      }
      i = i1;
      j = j1;
    }
  } else if ((fail = align(&d, &o, 0, o.n, &s, 0, s.n, &tmp)) > 0) {
    st = us_fail(err, UNSPIN_ERR_LIMIT, -1,
                 "%s and %s: their lines do not correspond (%zu and %zu lines) and they are too "
                 "long (%zu and %zu words) to align as a whole",
                 orig_name, spun_name, o.lines, s.lines, o.n, s.n);
    goto done;
  }
  /* every word of the original: its occurrences in the source, whether the
   * spinner replaces it or not (the source's unigram counts) */
  for (size_t i = 0; i < o.n && !fail; i++)
    fail = add_rec(l, word(&o, i), strlen(word(&o, i)), "", 0, 1, 1, 0);
  if (fail || record_doc(l, &d, &o)) {
    st = us_nomem(err);
  } else {
    l->pairs++;
    l->skipped += d.skipped;
  }
done:
  words_free(&o);
  words_free(&s);
  us_buf_free(&d.text);
  free(d.at);
  us_buf_free(&tmp);
  return st;
}

unspin_status unspin_learner_add_profile(unspin_learner *l, const unspin_profile *p,
                                         const char *name, unspin_error *err) {
  if (!l || !p)
    return us_fail(err, UNSPIN_ERR_INVALID_ARG, -1, "unspin_learner_add_profile: NULL argument");
  if (!unspin_profile_counted(p))
    return us_fail(err, UNSPIN_ERR_FORMAT, -1,
                   "%s: a plain key|synonym list has no counts to add; merge profiles written "
                   "by unspin learn",
                   name ? name : "profile");
  for (size_t i = 0; i < us_profile_nkeys(p); i++) {
    const char *key;
    size_t len;
    double n, r;
    us_profile_key(p, i, &key, &len, &n, &r);
    if (add_rec(l, key, len, "", 0, 1, n, r))
      return us_nomem(err);
  }
  for (size_t i = 0; i < us_profile_nlinks(p); i++) {
    size_t k, klen, slen;
    const char *key, *syn;
    double count, n, r;
    us_profile_link_count(p, i, &k, &syn, &slen, &count);
    us_profile_key(p, k, &key, &klen, &n, &r);
    if (add_rec(l, key, klen, syn, slen, 0, count, 0))
      return us_nomem(err);
  }
  return UNSPIN_OK;
}

unspin_status unspin_learner_write(unspin_learner *l, const char *path, unspin_error *err) {
  if (!l || !path)
    return us_fail(err, UNSPIN_ERR_INVALID_ARG, -1, "unspin_learner_write: NULL argument");
  if (reduce(l))
    return us_nomem(err);
  us_buf b = US_BUF_INIT;
  char num[80];
  static const char header[] = US_PROFILE_WRITTEN_HEAD "\n";
  int bad = us_buf_append(&b, header, sizeof header - 1);
  for (size_t i = 0; i < l->n && !bad;) {
    size_t j = i + 1;
    while (j < l->n && l->v[j].key_off == l->v[i].key_off)
      j++;
    /* totals first: a key with replacements and its synonyms, or a word
     * of the originals with its occurrences alone */
    if (l->v[i].total) {
      const char *key = l->pool.data + l->v[i].key_off;
      snprintf(num, sizeof num, "\t%.17g\t%.17g", l->v[i].a, l->v[i].b);
      bad = us_buf_append(&b, key, strlen(key)) || us_buf_append(&b, num, strlen(num));
      for (size_t k = i + 1; k < j && !bad; k++) {
        const char *syn = l->pool.data + l->v[k].syn_off;
        snprintf(num, sizeof num, "\t%.17g", l->v[k].a);
        bad = us_buf_putc(&b, '\t') || us_buf_append(&b, syn, strlen(syn)) ||
              us_buf_append(&b, num, strlen(num));
      }
      bad = bad || us_buf_putc(&b, '\n');
    }
    i = j;
  }
  unspin_status st = bad ? us_nomem(err) : us_write_through(path, &b, err);
  us_buf_free(&b);
  return st;
}
