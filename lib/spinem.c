/* spinem.c - learning a spinner's table from spun text alone, by EM over
 * the phrase counts of many spun documents (docs/model.md §8).
 *
 * The statistics are additive: the words counted, each phrase's count in
 * the spun text, and the links the general word lists propose between a
 * spun wording and an original.  Shards counted apart and summed give the
 * statistics of one run (unspin learn --stats-out / --stats-in).
 *
 * The model is the spinner's generative story at the level of counts.  An
 * original phrase x occurs with rate theta_x, whose prior is the general
 * language model's unigram probability p_x with the strength of the
 * engine's theta_strength times the corpus (news does not write as the general model expects, but
 * a spinner moves whole words: "within" three times as often as expected
 * and "in" a third less are one substitution, not two accidents).  The
 * spinner replaces an occurrence of key k with probability rho_k and then
 * writes synonym s with probability q(s | k).  So a spun phrase s is either
 * an original kept, theta_s (1 - rho_s), or a replacement, theta_k rho_k
 * q(s | k) for each linked key.  The E-step shares each phrase's count
 * among its sources in proportion; the M-step re-estimates theta, rho and
 * q from the shares with their priors (rho's Beta as the engine's key_rho
 * and key_strength, q's a Dirichlet of total mass one over the key's
 * links).  The iterations stop when the log-likelihood of the counts
 * changes by less than a relative 1e-5 (with the priors it need not rise
 * at every step: the maximum sought is the posterior's). */
#include <errno.h>
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
#include "unspin.h"
#include "utf8.h"

/* A link's share below this is not written out. */
#define MIN_COUNT 0.5
#define STATS_HEADER "# unspin spun-stats 1"

typedef struct phrase {
  size_t off, len; /* into pool */
  double o;        /* count in the spun text */
  double p;        /* the general model's unigram probability */
  double theta;    /* the originals' rate (unnormalised: expected count) */
  double rho;      /* P(replaced | occurrence) */
  double kept, repl; /* this iteration's expected originals kept and replaced */
  double qsum;     /* the key's links' counts summed */
  unsigned m;      /* links from this key */
} phrase;

typedef struct link {
  size_t s, k; /* phrase indices: spun wording, key */
  double c;    /* expected replacements of k by s */
  double q;    /* q(s | k) */
} link;

struct unspin_spun_learner {
  const unspin_engine *e;
  us_buf pool;
  phrase *ph;
  size_t nph, phcap;
  size_t *pslot; /* phrase index + 1 */
  size_t npslots;
  link *lk;
  size_t nlk, lkcap;
  size_t *lslot; /* link index + 1 */
  size_t nlslots;
  double words;
  double ll; /* the last iteration's log-likelihood */
};

static uint64_t mix(uint64_t a, uint64_t b) { return (a * 0x9E3779B97F4A7C15ull) ^ (b + (a >> 29)); }

static int grow_slots(size_t **slot, size_t *nslots, size_t n, uint64_t (*hash)(const void *, size_t),
                      const void *ctx) {
  size_t ns = *nslots ? 2 * *nslots : 1024;
  while (ns < 2 * (n + 1))
    ns *= 2;
  size_t *v = calloc(ns, sizeof *v);
  if (!v)
    return -1;
  for (size_t i = 0; i < n; i++) {
    size_t s = hash(ctx, i) & (ns - 1);
    while (v[s])
      s = (s + 1) & (ns - 1);
    v[s] = i + 1;
  }
  free(*slot);
  *slot = v;
  *nslots = ns;
  return 0;
}

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
  if (add && (l->nph + 1) * 2 > l->npslots &&
      grow_slots(&l->pslot, &l->npslots, l->nph, phrase_hash, l))
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
  l->pslot[at] = ++l->nph;
  return l->nph - 1;
}

static int add_link(unspin_spun_learner *l, size_t s, size_t k) {
  if ((l->nlk + 1) * 2 > l->nlslots && grow_slots(&l->lslot, &l->nlslots, l->nlk, link_hash, l))
    return -1;
  size_t at = mix(s, k) & (l->nlslots - 1);
  for (; l->lslot[at]; at = (at + 1) & (l->nlslots - 1))
    if (l->lk[l->lslot[at] - 1].s == s && l->lk[l->lslot[at] - 1].k == k)
      return 0;
  link *v = us_grow(l->lk, &l->lkcap, l->nlk + 1, sizeof *v, 1024);
  if (!v)
    return -1;
  l->lk = v;
  l->lk[l->nlk] = (link){s, k, 0, 0};
  l->lslot[at] = ++l->nlk;
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
  free(l);
}

/* Adds the link (spun, key) and makes sure both phrases are counted. */
static int add_pair(unspin_spun_learner *l, const char *s, size_t slen, const char *k,
                    size_t klen) {
  size_t si = phrase_of(l, s, slen, 1);
  if (si == SIZE_MAX)
    return -1;
  size_t ki = phrase_of(l, k, klen, 1);
  return ki == SIZE_MAX || add_link(l, si, ki) ? -1 : 0;
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
  us_pairs links = US_PAIRS_INIT, occ = US_PAIRS_INIT;
  size_t words = 0;
  int rc = us_engine_gather(l->e, text, len, &links, &occ, &words);
  for (size_t i = 0; i < links.n && !rc; i++) {
    const struct us_pair *x = &links.entry[i];
    const char *s = links.text.data + x->off;
    rc = add_pair(l, s, x->spun_len, s + x->spun_len + 1, x->orig_len);
  }
  /* every word is counted; longer phrases only as a link's ends */
  for (size_t i = 0; i < occ.n && !rc; i++) {
    const struct us_pair *x = &occ.entry[i];
    const char *s = occ.text.data + x->off + 1;
    size_t at = phrase_of(l, s, x->orig_len, !memchr(s, ' ', x->orig_len));
    if (at != SIZE_MAX)
      l->ph[at].o += (double)x->count;
    else if (!memchr(s, ' ', x->orig_len))
      rc = -1;
  }
  l->words += (double)words;
  us_pairs_free(&links);
  us_pairs_free(&occ);
  return rc ? us_nomem(err) : UNSPIN_OK;
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
  size_t line = 0;
  for (size_t at = 0; at < len;) {
    const char *nl = memchr(data + at, '\n', len - at);
    size_t end = nl ? (size_t)(nl - data) : len, n = end - at;
    const char *s = data + at;
    line++;
    size_t line_at = at;
    at = end + 1;
    if (n && s[n - 1] == '\r')
      n--;
    if (line == 1 || !n || s[0] == '#')
      continue;
    const char *f[3] = {0};
    size_t fl[3] = {0}, nf = 0;
    for (size_t i = 0, st0 = 0; i <= n && nf <= 3; i++)
      if (i == n || s[i] == '\t') {
        if (nf < 3) {
          f[nf] = s + st0;
          fl[nf] = i - st0;
        }
        nf++;
        st0 = i + 1;
      }
    const char *why = NULL;
    double c;
    if (nf == 2 && fl[0] == 5 && !memcmp(f[0], "words", 5)) {
      if (us_parse_count(f[1], fl[1], &c))
        why = "the words are not a count";
      else
        l->words += c;
    } else if (nf == 3 && fl[0] == 1 && f[0][0] == 'p') {
      size_t i;
      if (!fl[1])
        why = "an empty phrase";
      else if (us_parse_count(f[2], fl[2], &c))
        why = "the phrase's count is not a count";
      else if ((i = phrase_of(l, f[1], fl[1], 1)) == SIZE_MAX)
        return us_nomem(err);
      else
        l->ph[i].o += c;
    } else if (nf == 3 && fl[0] == 1 && f[0][0] == 'l') {
      if (!fl[1] || !fl[2])
        why = "an empty phrase";
      else if (add_pair(l, f[1], fl[1], f[2], fl[2]))
        return us_nomem(err);
    } else {
      why = "expected words<TAB>N, p<TAB>PHRASE<TAB>COUNT or l<TAB>SPUN<TAB>KEY";
    }
    if (why)
      return us_fail(err, UNSPIN_ERR_FORMAT, (int64_t)line_at, "%s: line %zu: %s", name, line,
                     why);
  }
  return UNSPIN_OK;
}

/* Writes `body` to path through a temporary file beside it. */
static unspin_status write_file(const char *path, const us_buf *body, unspin_error *err) {
  size_t plen = strlen(path);
  char *tmp = malloc(plen + 5);
  if (!tmp)
    return us_nomem(err);
  memcpy(tmp, path, plen);
  memcpy(tmp + plen, ".tmp", 5);
  FILE *f = fopen(tmp, "wb");
  if (!f) {
    unspin_status st = us_fail(err, UNSPIN_ERR_IO, -1, "%s: %s", tmp, strerror(errno));
    free(tmp);
    return st;
  }
  int bad = body->len && fwrite(body->data, 1, body->len, f) != body->len;
  bad |= fclose(f) != 0;
  unspin_status st = UNSPIN_OK;
  if (bad || rename(tmp, path)) {
    st = us_fail(err, UNSPIN_ERR_IO, -1, "%s: %s", bad ? tmp : path, strerror(errno));
    remove(tmp);
  }
  free(tmp);
  return st;
}

static int appendf(us_buf *b, const char *fmt, const char *s1, const char *s2, double v) {
  char num[64];
  snprintf(num, sizeof num, "%.17g", v);
  return us_buf_append(b, fmt, strlen(fmt)) || us_buf_append(b, s1, strlen(s1)) ||
         (s2 && (us_buf_putc(b, '\t') || us_buf_append(b, s2, strlen(s2)))) ||
         (v >= 0 && (us_buf_putc(b, '\t') || us_buf_append(b, num, strlen(num)))) ||
         us_buf_putc(b, '\n');
}

unspin_status unspin_spun_learner_write_stats(const unspin_spun_learner *l, const char *path,
                                              unspin_error *err) {
  if (!l || !path)
    return us_fail(err, UNSPIN_ERR_INVALID_ARG, -1, "unspin_spun_learner_write_stats: NULL");
  us_buf b = US_BUF_INIT;
  char num[64];
  snprintf(num, sizeof num, "%.17g", l->words);
  int bad = us_buf_append(&b, STATS_HEADER "\nwords\t", sizeof STATS_HEADER + 6) ||
            us_buf_append(&b, num, strlen(num)) || us_buf_putc(&b, '\n');
  for (size_t i = 0; i < l->nph && !bad; i++)
    bad = appendf(&b, "p\t", l->pool.data + l->ph[i].off, NULL, l->ph[i].o);
  for (size_t i = 0; i < l->nlk && !bad; i++)
    bad = appendf(&b, "l\t", l->pool.data + l->ph[l->lk[i].s].off,
                  l->pool.data + l->ph[l->lk[i].k].off, -1);
  unspin_status st = bad ? us_nomem(err) : write_file(path, &b, err);
  us_buf_free(&b);
  return st;
}

/* One EM iteration; returns the log-likelihood of the counts under the
 * parameters it started from. */
static double iterate(unspin_spun_learner *l) {
  const unspin_engine *e = l->e;
  double a = e->key_rho * e->key_strength, b = (1 - e->key_rho) * e->key_strength;
  for (size_t i = 0; i < l->nph; i++)
    l->ph[i].kept = l->ph[i].repl = 0;
  for (size_t i = 0; i < l->nlk; i++)
    l->lk[i].c = 0;
  /* E-step: each spun phrase's count shared among its sources */
  double ll = 0, total = 0;
  for (size_t i = 0; i < l->nph; i++)
    total += l->ph[i].theta;
  /* the links are sorted by spun phrase (unspin_spun_learner_run sorts
   * them once) */
  size_t li = 0;
  for (size_t s = 0; s < l->nph; s++) {
    phrase *x = &l->ph[s];
    size_t first = li;
    while (li < l->nlk && l->lk[li].s == s)
      li++;
    if (x->o <= 0)
      continue;
    double w0 = x->theta * (1 - x->rho), sum = w0;
    for (size_t k = first; k < li; k++) {
      const phrase *y = &l->ph[l->lk[k].k];
      sum += y->theta * y->rho * l->lk[k].q;
    }
    if (sum <= 0)
      continue;
    ll += x->o * log(sum / total);
    x->kept += x->o * w0 / sum;
    for (size_t k = first; k < li; k++) {
      const phrase *y = &l->ph[l->lk[k].k];
      double c = x->o * y->theta * y->rho * l->lk[k].q / sum;
      l->lk[k].c += c;
      l->ph[l->lk[k].k].repl += c;
    }
  }
  /* M-step */
  double prior = l->e->theta_strength * l->words;
  for (size_t i = 0; i < l->nph; i++) {
    phrase *x = &l->ph[i];
    x->theta = x->kept + x->repl + prior * x->p;
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

/* Puts the phrases in the order of their text, whatever order the texts
 * and statistics came in, so that the same statistics give the same
 * profile to the last digit (EM's sums run in this order). */
static int canonical_order(unspin_spun_learner *l) {
  phrase_ref *v = malloc((l->nph + 1) * sizeof *v);
  size_t *where = malloc((l->nph + 1) * sizeof *where);
  phrase *ph = malloc((l->nph + 1) * sizeof *ph);
  int rc = v && where && ph ? 0 : -1;
  for (size_t i = 0; i < l->nph && !rc; i++)
    v[i] = (phrase_ref){l->pool.data + l->ph[i].off, l->ph[i].len, i};
  if (!rc && l->nph)
    qsort(v, l->nph, sizeof *v, by_text);
  for (size_t i = 0; i < l->nph && !rc; i++) {
    ph[i] = l->ph[v[i].i];
    where[v[i].i] = i;
  }
  if (!rc) {
    if (l->nph)
      memcpy(l->ph, ph, l->nph * sizeof *ph);
    for (size_t i = 0; i < l->nlk; i++) {
      l->lk[i].s = where[l->lk[i].s];
      l->lk[i].k = where[l->lk[i].k];
    }
    free(l->pslot);
    l->pslot = NULL;
    l->npslots = 0;
    rc = grow_slots(&l->pslot, &l->npslots, l->nph, phrase_hash, l);
  }
  free(v);
  free(where);
  free(ph);
  return rc;
}

static int by_spun(const void *x, const void *y) {
  const link *a = x, *b = y;
  return a->s != b->s ? (a->s > b->s) - (a->s < b->s) : (a->k > b->k) - (a->k < b->k);
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
  /* the link index is rebuilt if more is added later */
  free(l->lslot);
  l->lslot = NULL;
  l->nlslots = 0;
  if (l->nlk)
    qsort(l->lk, l->nlk, sizeof *l->lk, by_spun);
  double a = l->e->key_rho;
  for (size_t i = 0; i < l->nph; i++) {
    phrase *x = &l->ph[i];
    x->p = exp(us_unigram_logp(l->e, l->pool.data + x->off, x->len));
    x->theta = x->o + l->e->theta_strength * l->words * x->p;
    x->m = 0;
  }
  for (size_t i = 0; i < l->nlk; i++)
    l->ph[l->lk[i].k].m++;
  for (size_t i = 0; i < l->nph; i++)
    l->ph[i].rho = l->ph[i].m ? a : 0;
  for (size_t i = 0; i < l->nlk; i++)
    l->lk[i].q = 1.0 / l->ph[l->lk[i].k].m;
  double last = -INFINITY;
  for (int it = 1; it <= max_iter; it++) {
    double ll = iterate(l);
    if (report)
      report(ctx, it, ll);
    l->ll = ll;
    if (fabs(ll - last) < 1e-5 * fabs(ll))
      break;
    last = ll;
  }
  /* rebuild the index for later additions */
  return grow_slots(&l->lslot, &l->nlslots, l->nlk, link_hash, l) ? us_nomem(err) : UNSPIN_OK;
}

unspin_status unspin_spun_learner_write(const unspin_spun_learner *l, const char *path,
                                        unspin_error *err) {
  if (!l || !path)
    return us_fail(err, UNSPIN_ERR_INVALID_ARG, -1, "unspin_spun_learner_write: NULL argument");
  us_buf b = US_BUF_INIT;
  const char *head = "# unspin profile 2\n"
                     "# key, occurrences, replaced, then synonym and count pairs; tab-separated\n"
                     "# (docs/profile-format.md); learned from spun text\n";
  int bad = us_buf_append(&b, head, strlen(head));
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
  unspin_status st = bad ? us_nomem(err) : write_file(path, &b, err);
  us_buf_free(&b);
  return st;
}
