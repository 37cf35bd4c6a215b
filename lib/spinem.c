/* spinem.c - learning a spinner's table from spun text alone, by EM over
 * the spans of many spun documents (docs/model.md §8).
 *
 * The statistics are additive: the words counted, each word's count in the
 * spun text, and every span the general word lists propose originals for,
 * with each original's local language-model log-ratio against the span
 * (how much better the original fits between its neighbours).  Shards
 * counted apart and summed give the statistics of one run (unspin learn
 * --stats-out / --stats-in); they are put in a canonical order before EM,
 * so the same statistics give the same profile to the last digit.
 *
 * The model is the spinner's generative story at each span.  The spinner
 * replaces an occurrence of key k with probability rho_k and writes
 * synonym s with probability q(s | k); the language model says how likely
 * k is where s stands against s itself (the span's log-ratio delta_k).  So
 * a spun span s is an original kept, weight 1 - rho_s, or key k replaced,
 * weight exp(delta_k) rho_k q(s | k).  The E-step shares each span among
 * its sources in proportion; the M-step re-estimates rho (Beta prior of
 * mean key_rho and strength key_strength) and q (a Dirichlet of total mass
 * one over the key's links) from the shares, pooled over every document:
 * a key the text never keeps and whose synonyms it fits in context is
 * replaced.  The iterations stop when the log-likelihood of the spans
 * changes by less than a relative 1e-5 (it rises at each step up to the
 * priors' pull). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buffer.h"
#include "candidates.h"
#include "consistency.h"
#include "dict_format.h"
#include "gather.h"
#include "engine.h"
#include "error.h"
#include "normalize.h"
#include "profile.h"
#include "slots.h"
#include "unspin.h"
#include "utf8.h"

/* The first size of the phrase and link tables. */
#define SLOTS_FIRST 1024

/* A link's share below this is not written out. */
#define MIN_COUNT 0.5
#define STATS_HEADER "# unspin spun-stats 1"

typedef struct phrase {
  size_t off, len; /* into pool */
  double o;        /* count in the spun text */
  double rho;      /* P(replaced | occurrence) */
  double kept, repl; /* this iteration's expected originals kept and replaced */
  double qsum;     /* the key's links' counts summed */
  unsigned m;      /* links from this key */
  size_t text;     /* the last text whose spans named it, + 1 */
} phrase;

typedef struct link {
  size_t s, k; /* phrase indices: spun wording, key */
  double c;    /* expected replacements of k by s */
  double q;    /* q(s | k) */
} link;

/* One span: its spun phrase and its originals, entries [first, first + n). */
typedef struct span {
  size_t s, first, n;
} span;

typedef struct entry {
  size_t link;
  double delta; /* the original's local log-ratio against the span */
} entry;

struct unspin_spun_learner {
  const unspin_engine *e;
  us_buf pool;
  phrase *ph;
  size_t nph, phcap;
  uint32_t *pslot; /* phrase index + 1 (slots.h) */
  size_t npslots;
  link *lk;
  size_t nlk, lkcap;
  uint32_t *lslot; /* link index + 1 */
  size_t nlslots;
  span *sp;
  size_t nsp, spcap;
  entry *en;
  size_t nen, encap;
  double words;
  size_t texts; /* texts added */
};

static uint64_t mix(uint64_t a, uint64_t b) { return (a * 0x9E3779B97F4A7C15ull) ^ (b + (a >> 29)); }

static uint64_t phrase_hash(const void *ctx, size_t i) {
  const unspin_spun_learner *l = ctx;
  return us_word_hash(l->pool.data + l->ph[i].off, l->ph[i].len);
}

static uint64_t link_hash(const void *ctx, size_t i) {
  const unspin_spun_learner *l = ctx;
  return mix(l->lk[i].s, l->lk[i].k);
}

/* The index of phrase s, added if new and `add`; SIZE_MAX if absent or
 * when memory runs out. */
static size_t phrase_of(unspin_spun_learner *l, const char *s, size_t len, int add) {
  if (add && (l->nph >= UINT32_MAX - 1 ||
              ((l->nph + 1) * 2 > l->npslots &&
               us_slots_grow(&l->pslot, &l->npslots, SLOTS_FIRST, l->nph, phrase_hash, l))))
    return SIZE_MAX;
  if (!l->npslots)
    return SIZE_MAX;
  size_t at = us_word_hash(s, len) & (l->npslots - 1);
  for (; l->pslot[at]; at = (at + 1) & (l->npslots - 1)) {
    const phrase *x = &l->ph[l->pslot[at] - 1];
    if (x->len == len && !memcmp(l->pool.data + x->off, s, len))
      return l->pslot[at] - 1;
  }
  if (!add)
    return SIZE_MAX;
  phrase *v = us_grow(l->ph, &l->phcap, l->nph + 1, sizeof *v, 1024);
  if (!v)
    return SIZE_MAX;
  l->ph = v;
  size_t off = l->pool.len;
  if (us_buf_append(&l->pool, s, len) || us_buf_putc(&l->pool, '\0'))
    return SIZE_MAX;
  memset(&l->ph[l->nph], 0, sizeof *l->ph);
  l->ph[l->nph].off = off;
  l->ph[l->nph].len = len;
  l->pslot[at] = (uint32_t)++l->nph;
  return l->nph - 1;
}

/* The index of link (s, k), added if new; SIZE_MAX when memory runs out. */
static size_t link_of(unspin_spun_learner *l, size_t s, size_t k) {
  if (l->nlk >= UINT32_MAX - 1 ||
      ((l->nlk + 1) * 2 > l->nlslots &&
       us_slots_grow(&l->lslot, &l->nlslots, SLOTS_FIRST, l->nlk, link_hash, l)))
    return SIZE_MAX;
  size_t at = mix(s, k) & (l->nlslots - 1);
  for (; l->lslot[at]; at = (at + 1) & (l->nlslots - 1))
    if (l->lk[l->lslot[at] - 1].s == s && l->lk[l->lslot[at] - 1].k == k)
      return l->lslot[at] - 1;
  link *v = us_grow(l->lk, &l->lkcap, l->nlk + 1, sizeof *v, 1024);
  if (!v)
    return SIZE_MAX;
  l->lk = v;
  l->lk[l->nlk] = (link){s, k, 0, 0};
  l->lslot[at] = (uint32_t)++l->nlk;
  return l->nlk - 1;
}

/* Adds a span: spun phrase `spun` and n originals with their log-ratios. */
static int add_span(void *ctx, const char *spun, size_t slen, const char *const *orig,
                    const size_t *olen, const double *delta, size_t n) {
  unspin_spun_learner *l = ctx;
  size_t s = phrase_of(l, spun, slen, 1);
  if (s == SIZE_MAX)
    return -1;
  l->ph[s].text = l->texts;
  span *v = us_grow(l->sp, &l->spcap, l->nsp + 1, sizeof *v, 1024);
  if (!v)
    return -1;
  l->sp = v;
  entry *x = us_grow(l->en, &l->encap, l->nen + n, sizeof *x, 4096);
  if (!x)
    return -1;
  l->en = x;
  l->sp[l->nsp] = (span){s, l->nen, 0};
  for (size_t i = 0; i < n; i++) {
    size_t k = phrase_of(l, orig[i], olen[i], 1), li;
    if (k == SIZE_MAX || (li = link_of(l, s, k)) == SIZE_MAX)
      return -1;
    l->ph[k].text = l->texts;
    l->en[l->nen++] = (entry){li, delta[i]};
  }
  l->sp[l->nsp++].n = n;
  return 0;
}

unspin_status unspin_spun_learner_new(unspin_spun_learner **out, const unspin_engine *e,
                                      unspin_error *err) {
  if (!out || !e)
    return us_fail(err, UNSPIN_ERR_INVALID_ARG, -1, "unspin_spun_learner_new: NULL argument");
  if (!(*out = calloc(1, sizeof **out)))
    return us_nomem(err);
  (*out)->e = e;
  return UNSPIN_OK;
}

void unspin_spun_learner_free(unspin_spun_learner *l) {
  if (!l)
    return;
  us_buf_free(&l->pool);
  free(l->ph);
  free(l->pslot);
  free(l->lk);
  free(l->lslot);
  free(l->sp);
  free(l->en);
  free(l);
}

unspin_status unspin_spun_learner_merge(unspin_spun_learner *l, const unspin_spun_learner *src,
                                        unspin_error *err) {
  if (!l || !src || l == src)
    return us_fail(err, UNSPIN_ERR_INVALID_ARG, -1, "unspin_spun_learner_merge: bad argument");
  for (size_t i = 0; i < src->nph; i++) {
    const phrase *x = &src->ph[i];
    size_t at = phrase_of(l, src->pool.data + x->off, x->len, 1);
    if (at == SIZE_MAX)
      return us_nomem(err);
    l->ph[at].o += x->o;
  }
  for (size_t i = 0; i < src->nsp; i++) {
    const span *x = &src->sp[i];
    const char *orig[US_GATHER_TOP];
    size_t olen[US_GATHER_TOP];
    double delta[US_GATHER_TOP];
    for (size_t j = 0; j < x->n; j++) {
      const entry *en = &src->en[x->first + j];
      const phrase *k = &src->ph[src->lk[en->link].k];
      orig[j] = src->pool.data + k->off;
      olen[j] = k->len;
      delta[j] = en->delta;
    }
    const phrase *sp = &src->ph[x->s];
    if (add_span(l, src->pool.data + sp->off, sp->len, orig, olen, delta, x->n))
      return us_nomem(err);
  }
  l->words += src->words;
  return UNSPIN_OK;
}

unspin_status unspin_spun_learner_add_text(unspin_spun_learner *l, const char *text, size_t len,
                                           const char *name, unspin_error *err) {
  if (!l || (len && !text))
    return us_fail(err, UNSPIN_ERR_INVALID_ARG, -1, "unspin_spun_learner_add_text: NULL argument");
  if (!name)
    name = "text";
  if (len > US_MAX_INPUT)
    return us_fail(err, UNSPIN_ERR_LIMIT, (int64_t)US_MAX_INPUT,
                   "%s: %zu bytes exceed the limit of %zu bytes per text", name, len,
                   US_MAX_INPUT);
  /* as learning from pairs: a NUL byte or invalid UTF-8 is an error naming
   * the offset (a damaged page should not teach the table) */
  unspin_status st = us_check_text(text, len, name, err);
  if (st != UNSPIN_OK)
    return st;
  us_pairs occ = US_PAIRS_INIT;
  size_t words = 0;
  us_gather g = {add_span, l};
  l->texts++; /* add_span marks the phrases this text's spans name */
  int rc = us_engine_gather(l->e, text, len, &g, &occ, &words);
  /* every word is counted; longer phrases only where this text's spans
   * name them (so that the counts do not depend on the texts' order, and
   * shards add up to one run) */
  for (size_t i = 0; i < occ.n && !rc; i++) {
    const struct us_pair *x = &occ.entry[i];
    const char *s = occ.text.data + x->off + 1;
    int word = !memchr(s, ' ', x->orig_len);
    size_t at = phrase_of(l, s, x->orig_len, word);
    if (at != SIZE_MAX && (word || l->ph[at].text == l->texts))
      l->ph[at].o += (double)x->count;
    else if (word)
      rc = -1;
  }
  l->words += (double)words;
  us_pairs_free(&occ);
  return rc ? us_nomem(err) : us_engine_damage(l->e, err);
}

/* One line of statistics (without its line ending): 0, -1 when memory runs
 * out, or 1 with *why set. */
static int stats_line(unspin_spun_learner *l, const char *s, size_t n, const char **why) {
  const char *f[2 + 2 * US_GATHER_TOP + 1];
  size_t fl[2 + 2 * US_GATHER_TOP + 1], nf = 0, maxf = sizeof f / sizeof *f, at = 0, xl;
  for (const char *x; (x = us_next_field(s, n, &at, '\t', &xl)); nf++) {
    if (nf == maxf)
      return (*why = "too many fields"), 1;
    f[nf] = x;
    fl[nf] = xl;
  }
  double c;
  if (nf == 2 && fl[0] == 5 && !memcmp(f[0], "words", 5)) {
    if (us_parse_count(f[1], fl[1], &c))
      return (*why = "the words are not a count"), 1;
    l->words += c;
    return 0;
  }
  if (nf == 3 && fl[0] == 1 && f[0][0] == 'p') {
    if (!fl[1])
      return (*why = "an empty phrase"), 1;
    if (us_parse_count(f[2], fl[2], &c))
      return (*why = "the phrase's count is not a count"), 1;
    size_t i = phrase_of(l, f[1], fl[1], 1);
    if (i == SIZE_MAX)
      return -1;
    l->ph[i].o += c;
    return 0;
  }
  if (nf >= 4 && nf % 2 == 0 && fl[0] == 1 && f[0][0] == 's') {
    const char *orig[US_GATHER_TOP];
    size_t olen[US_GATHER_TOP], no = 0;
    double delta[US_GATHER_TOP];
    if (!fl[1])
      return (*why = "an empty phrase"), 1;
    for (size_t i = 2; i < nf; i += 2, no++) {
      if (!fl[i])
        return (*why = "an empty phrase"), 1;
      if (us_parse_real(f[i + 1], fl[i + 1], &delta[no]))
        return (*why = "a log-ratio is not a number"), 1;
      orig[no] = f[i];
      olen[no] = fl[i];
    }
    return add_span(l, f[1], fl[1], orig, olen, delta, no) ? -1 : 0;
  }
  return (*why = "expected words<TAB>N, p<TAB>PHRASE<TAB>COUNT or "
                 "s<TAB>SPUN(<TAB>ORIGINAL<TAB>LOG-RATIO)..."),
         1;
}

unspin_status unspin_spun_learner_add_stats(unspin_spun_learner *l, const char *data, size_t len,
                                            const char *name, unspin_error *err) {
  if (!l || (len && !data))
    return us_fail(err, UNSPIN_ERR_INVALID_ARG, -1, "unspin_spun_learner_add_stats: NULL argument");
  if (!name)
    name = "statistics";
  unspin_status st = us_check_text(data, len, name, err);
  if (st != UNSPIN_OK)
    return st;
  size_t hl = sizeof STATS_HEADER - 1;
  if (len < hl || memcmp(data, STATS_HEADER, hl) || (len > hl && data[hl] != '\n' && data[hl] != '\r'))
    return us_fail(err, UNSPIN_ERR_FORMAT, 0, "%s: line 1: not spun-text statistics (\"%s\")",
                   name, STATS_HEADER);
  size_t line = 0, at = 0, line_at = 0, n;
  for (const char *s; (line_at = at, s = us_next_line(data, len, &at, &n));) {
    line++;
    if (line == 1 || !n || s[0] == '#')
      continue;
    const char *why = NULL;
    int rc = stats_line(l, s, n, &why);
    if (rc < 0)
      return us_nomem(err);
    if (rc)
      return us_fail(err, UNSPIN_ERR_FORMAT, (int64_t)line_at, "%s: line %zu: %s", name, line,
                     why);
  }
  return UNSPIN_OK;
}

static int put_str(us_buf *b, const char *s) { return us_buf_append(b, s, strlen(s)); }

static int put_num(us_buf *b, double v) {
  char num[64];
  snprintf(num, sizeof num, "\t%.17g", v);
  return put_str(b, num);
}

unspin_status unspin_spun_learner_write_stats(const unspin_spun_learner *l, const char *path,
                                              unspin_error *err) {
  if (!l || !path)
    return us_fail(err, UNSPIN_ERR_INVALID_ARG, -1, "unspin_spun_learner_write_stats: NULL");
  us_buf b = US_BUF_INIT;
  int bad = put_str(&b, STATS_HEADER "\nwords") || put_num(&b, l->words) || us_buf_putc(&b, '\n');
  for (size_t i = 0; i < l->nph && !bad; i++)
    bad = put_str(&b, "p\t") || put_str(&b, l->pool.data + l->ph[i].off) ||
          put_num(&b, l->ph[i].o) || us_buf_putc(&b, '\n');
  for (size_t i = 0; i < l->nsp && !bad; i++) {
    const span *x = &l->sp[i];
    bad = put_str(&b, "s\t") || put_str(&b, l->pool.data + l->ph[x->s].off);
    for (size_t j = x->first; j < x->first + x->n && !bad; j++)
      bad = us_buf_putc(&b, '\t') ||
            put_str(&b, l->pool.data + l->ph[l->lk[l->en[j].link].k].off) ||
            put_num(&b, l->en[j].delta);
    bad = bad || us_buf_putc(&b, '\n');
  }
  unspin_status st = bad ? us_nomem(err) : us_write_through(path, &b, err);
  us_buf_free(&b);
  return st;
}

/* One EM iteration; returns the log-likelihood of the spans under the
 * parameters it started from (against keeping every span). */
static double iterate(unspin_spun_learner *l) {
  const unspin_engine *e = l->e;
  double a = e->key_rho * e->key_strength, b = (1 - e->key_rho) * e->key_strength;
  for (size_t i = 0; i < l->nph; i++) {
    l->ph[i].kept = l->ph[i].o;
    l->ph[i].repl = 0;
  }
  for (size_t i = 0; i < l->nlk; i++)
    l->lk[i].c = 0;
  double ll = 0;
  for (size_t i = 0; i < l->nsp; i++) { /* E-step: each span shared among its sources */
    const span *x = &l->sp[i];
    double w[US_GATHER_TOP], sum = 1 - l->ph[x->s].rho;
    for (size_t j = 0; j < x->n; j++) {
      const entry *en = &l->en[x->first + j];
      const link *lk = &l->lk[en->link];
      w[j] = exp(en->delta < 50 ? en->delta : 50) * l->ph[lk->k].rho * lk->q;
      sum += w[j];
    }
    ll += log(sum);
    for (size_t j = 0; j < x->n; j++) {
      link *lk = &l->lk[l->en[x->first + j].link];
      double r = w[j] / sum;
      lk->c += r;
      l->ph[lk->k].repl += r;
      l->ph[x->s].kept -= r;
    }
  }
  for (size_t i = 0; i < l->nph; i++) { /* M-step */
    phrase *x = &l->ph[i];
    if (x->kept < 0)
      x->kept = 0; /* a phrase counted short (across a sentence end) */
    x->rho = x->m ? (x->repl + a) / (x->kept + x->repl + a + b) : 0;
    x->qsum = 0;
  }
  for (size_t i = 0; i < l->nlk; i++)
    l->ph[l->lk[i].k].qsum += l->lk[i].c;
  for (size_t i = 0; i < l->nlk; i++) {
    const phrase *y = &l->ph[l->lk[i].k];
    l->lk[i].q = (l->lk[i].c + 1.0 / y->m) / (y->qsum + 1.0);
  }
  return ll;
}

/* Sorting phrases needs the pool: arrays of (address, index). */
typedef struct phrase_ref {
  const char *s;
  size_t len, i;
} phrase_ref;

static int by_text(const void *x, const void *y) {
  const phrase_ref *a = x, *b = y;
  size_t n = a->len < b->len ? a->len : b->len;
  int c = memcmp(a->s, b->s, n);
  return c ? c : (a->len > b->len) - (a->len < b->len);
}

static int by_ends(const void *x, const void *y) {
  const link *a = x, *b = y;
  return a->s != b->s ? (a->s > b->s) - (a->s < b->s) : (a->k > b->k) - (a->k < b->k);
}

/* Spans compared by phrase, then entries; qsort has no context, so each
 * ref carries its entries. */
typedef struct span_ref {
  span x;
  const entry *en;
} span_ref;

static int by_span(const void *p, const void *q) {
  const span_ref *a = p, *b = q;
  if (a->x.s != b->x.s)
    return (a->x.s > b->x.s) - (a->x.s < b->x.s);
  if (a->x.n != b->x.n)
    return (a->x.n > b->x.n) - (a->x.n < b->x.n);
  for (size_t i = 0; i < a->x.n; i++) {
    const entry *u = &a->en[a->x.first + i], *v = &b->en[b->x.first + i];
    if (u->link != v->link)
      return (u->link > v->link) - (u->link < v->link);
    if (u->delta != v->delta)
      return (u->delta > v->delta) - (u->delta < v->delta);
  }
  return 0;
}

/* Puts phrases, links and spans in a canonical order (by text), whatever
 * order the texts and statistics came in, so that the same statistics give
 * the same profile to the last digit (EM's sums run in this order). */
static int canonical_order(unspin_spun_learner *l) {
  size_t nmax = l->nph > l->nlk ? l->nph : l->nlk;
  phrase_ref *v = malloc((l->nph + 1) * sizeof *v);
  size_t *where = malloc((nmax + 1) * sizeof *where);
  phrase *ph = malloc((l->nph + 1) * sizeof *ph);
  link *lk = malloc((l->nlk + 1) * sizeof *lk);
  span_ref *sr = malloc((l->nsp + 1) * sizeof *sr);
  entry *en = malloc((l->nen + 1) * sizeof *en);
  int rc = v && where && ph && lk && sr && en ? 0 : -1;
  for (size_t i = 0; i < l->nph && !rc; i++)
    v[i] = (phrase_ref){l->pool.data + l->ph[i].off, l->ph[i].len, i};
  if (!rc && l->nph)
    qsort(v, l->nph, sizeof *v, by_text);
  for (size_t i = 0; i < l->nph && !rc; i++) {
    ph[i] = l->ph[v[i].i];
    where[v[i].i] = i;
  }
  if (rc)
    goto done;
  if (l->nph)
    memcpy(l->ph, ph, l->nph * sizeof *ph);
  for (size_t i = 0; i < l->nsp; i++)
    l->sp[i].s = where[l->sp[i].s];
  for (size_t i = 0; i < l->nlk; i++) {
    l->lk[i].s = where[l->lk[i].s];
    l->lk[i].k = where[l->lk[i].k];
    lk[i] = l->lk[i];
    lk[i].c = (double)i; /* the old index, carried through the sort */
  }
  if (l->nlk)
    qsort(lk, l->nlk, sizeof *lk, by_ends);
  for (size_t i = 0; i < l->nlk; i++) {
    where[(size_t)lk[i].c] = i;
    lk[i].c = 0;
  }
  if (l->nlk)
    memcpy(l->lk, lk, l->nlk * sizeof *lk);
  for (size_t i = 0; i < l->nen; i++)
    l->en[i].link = where[l->en[i].link];
  for (size_t i = 0; i < l->nsp; i++)
    sr[i] = (span_ref){l->sp[i], l->en};
  if (l->nsp)
    qsort(sr, l->nsp, sizeof *sr, by_span);
  size_t ne = 0;
  for (size_t i = 0; i < l->nsp; i++) {
    if (sr[i].x.n)
      memcpy(en + ne, l->en + sr[i].x.first, sr[i].x.n * sizeof *en);
    l->sp[i] = (span){sr[i].x.s, ne, sr[i].x.n};
    ne += sr[i].x.n;
  }
  if (ne)
    memcpy(l->en, en, ne * sizeof *en);
  free(l->pslot);
  l->pslot = NULL;
  l->npslots = 0;
  free(l->lslot);
  l->lslot = NULL;
  l->nlslots = 0;
  rc = us_slots_grow(&l->pslot, &l->npslots, SLOTS_FIRST, l->nph, phrase_hash, l) ||
       us_slots_grow(&l->lslot, &l->nlslots, SLOTS_FIRST, l->nlk, link_hash, l);
done:
  free(v);
  free(where);
  free(ph);
  free(lk);
  free(sr);
  free(en);
  return rc ? -1 : 0;
}

unspin_status unspin_spun_learner_run(unspin_spun_learner *l, int max_iter,
                                      void (*report)(void *ctx, int iter, double ll), void *ctx,
                                      unspin_error *err) {
  if (!l || max_iter < 1)
    return us_fail(err, UNSPIN_ERR_INVALID_ARG, -1, "unspin_spun_learner_run: bad argument");
  if (!l->words)
    return us_fail(err, UNSPIN_ERR_INVALID_ARG, -1, "learn: no words to learn from");
  if (canonical_order(l))
    return us_nomem(err);
  for (size_t i = 0; i < l->nph; i++)
    l->ph[i].m = 0;
  for (size_t i = 0; i < l->nlk; i++)
    l->ph[l->lk[i].k].m++;
  for (size_t i = 0; i < l->nph; i++)
    l->ph[i].rho = l->ph[i].m ? l->e->key_rho : 0;
  for (size_t i = 0; i < l->nlk; i++)
    l->lk[i].q = 1.0 / l->ph[l->lk[i].k].m;
  double last = -INFINITY;
  for (int it = 1; it <= max_iter; it++) {
    double ll = iterate(l);
    if (report)
      report(ctx, it, ll);
    if (fabs(ll - last) <= 1e-5 * fabs(ll))
      break;
    last = ll;
  }
  return UNSPIN_OK;
}

unspin_status unspin_spun_learner_write(const unspin_spun_learner *l, const char *path,
                                        unspin_error *err) {
  if (!l || !path)
    return us_fail(err, UNSPIN_ERR_INVALID_ARG, -1, "unspin_spun_learner_write: NULL argument");
  us_buf b = US_BUF_INIT;
  static const char head[] = US_PROFILE_WRITTEN_HEAD "; learned from spun text\n";
  int bad = us_buf_append(&b, head, sizeof head - 1);
  /* each key with the links it keeps; the links are sorted by spun
   * phrase, so a key's are gathered by a pass over them per key with
   * any: an index of each key's links first */
  size_t *start = calloc(l->nph + 1, sizeof *start), *order = malloc((l->nlk + 1) * sizeof *order);
  if (!start || !order)
    bad = 1;
  for (size_t i = 0; i < l->nlk && !bad; i++)
    start[l->lk[i].k + 1]++;
  for (size_t i = 0; i < l->nph && !bad; i++)
    start[i + 1] += start[i];
  for (size_t i = 0; i < l->nlk && !bad; i++)
    order[start[l->lk[i].k]++] = i;
  for (size_t i = l->nph; i > 0 && !bad; i--)
    start[i] = start[i - 1];
  if (!bad)
    start[0] = 0;
  char num[64];
  for (size_t k = 0; k < l->nph && !bad; k++) {
    const phrase *y = &l->ph[k];
    double r = 0;
    for (size_t j = start[k]; j < start[k + 1]; j++)
      if (l->lk[order[j]].c >= MIN_COUNT)
        r += rint(l->lk[order[j]].c * 1e6) / 1e6;
    int word = !memchr(l->pool.data + y->off, ' ', y->len);
    if (r <= 0 && !word)
      continue;
    double n = y->kept + r;
    bad = us_buf_append(&b, l->pool.data + y->off, y->len);
    snprintf(num, sizeof num, "\t%.17g\t%.17g", n, r);
    bad = bad || us_buf_append(&b, num, strlen(num));
    for (size_t j = start[k]; j < start[k + 1] && !bad && r > 0; j++) {
      const link *x = &l->lk[order[j]];
      if (x->c < MIN_COUNT)
        continue;
      snprintf(num, sizeof num, "\t%.17g", rint(x->c * 1e6) / 1e6);
      bad = us_buf_putc(&b, '\t') ||
            us_buf_append(&b, l->pool.data + l->ph[x->s].off, l->ph[x->s].len) ||
            us_buf_append(&b, num, strlen(num));
    }
    bad = bad || us_buf_putc(&b, '\n');
  }
  free(start);
  free(order);
  unspin_status st = bad ? us_nomem(err) : us_write_through(path, &b, err);
  us_buf_free(&b);
  return st;
}
