/* lm.c - interpolated Kneser-Ney (Chen & Goodman 1998, one discount per
 * order estimated from count-of-counts), see docs/model.md.
 *
 * For a history h of length k-1 and word w, in one dictionary:
 *   P_k(w|h) = max(a(hw) - D, 0) / a(h.) + D * N1+(h.) / a(h.) * P_{k-1}(w|h')
 * where at the highest order used (and for histories starting with <s>,
 * which cannot be extended to the left) a(.) is the raw count and
 * a(h.) = c(h), and at lower orders a(hw) = N1+(.hw) and a(h.) = N1+(.h.).
 * A history never seen backs off entirely.  The unigram level is
 * P_1(w) = (1 - e) N1+(.w) / N1+(..) + e / (V + 1), which leaves mass for
 * unknown words.  A back-off model compiled from an ARPA file
 * (US_DICT_BACKOFF) gives its own probabilities instead. */
#include "lm.h"

#include <math.h>
#include <string.h>

#include "dict.h"

#define UNIFORM_SHARE 0.01

int us_lm_init(us_lm *lm, const unspin_dict *const *dicts, const double *weights, size_t n) {
  memset(lm, 0, sizeof *lm);
  if (!n || n > US_LM_MAX_DICTS)
    return -1;
  double total = 0;
  for (size_t i = 0; i < n; i++)
    total += weights ? weights[i] : 1.0;
  for (size_t i = 0; i < n; i++) {
    lm->dict[i] = dicts[i];
    lm->weight[i] = (weights ? weights[i] : 1.0) / total;
    lm->order[i] = unspin_dict_order(dicts[i]);
    static const char bos[] = UNSPIN_BOS;
    int64_t id = us_dict_word_id(dicts[i], bos, sizeof bos - 1);
    lm->bos[i] = id < 0 ? US_LM_UNKNOWN : (uint32_t)id;
    if (lm->order[i] > lm->max_order)
      lm->max_order = lm->order[i];
    for (int k = 1; k <= US_DICT_MAX_ORDER; k++)
      for (int c = 0; c < 2; c++)
        lm->discount[i][k][c] = us_dict_discount(dicts[i], k, c);
  }
  lm->n = n;
  return 0;
}

us_lm_word us_lm_map(const us_lm *lm, const char *key, size_t len) {
  us_lm_word w;
  for (size_t i = 0; i < US_LM_MAX_DICTS; i++) {
    int64_t id = i < lm->n ? us_dict_word_id(lm->dict[i], key, len) : -1;
    w.id[i] = id < 0 ? US_LM_UNKNOWN : (uint32_t)id;
  }
  return w;
}


/* P_1(w) in dictionary d. */
static double unigram(const unspin_dict *d, uint32_t w) {
  double uniform = 1.0 / ((double)us_dict_vocab_size(d) + 1.0);
  uint64_t pairs = unspin_dict_ngram_types(d, 2); /* N1+(..) */
  unspin_ngram_stats s = {0};
  if (w != US_LM_UNKNOWN)
    us_dict_lookup_ids(d, &w, 1, &s);
  double cont;
  if (pairs)
    cont = (double)s.left_types / (double)pairs;
  else /* an order-1 dictionary: relative frequency */
    cont = unspin_dict_token_total(d) ? (double)s.count / (double)unspin_dict_token_total(d) : 0;
  return (1.0 - UNIFORM_SHARE) * cont + UNIFORM_SHARE * uniform;
}

/* Marks an extension not looked up while scoring (an entry index never
 * reaches it: levels hold fewer than UINT32_MAX entries). */
#define UNSET (UINT32_MAX - 1)

/* How many words at the end of s dictionary i conditions on: at most its
 * order - 1, and none before a word it does not know, which carries no
 * evidence. */
static size_t known_tail(const us_lm *lm, size_t i, const us_lm_state *s) {
  size_t m = s->n < (size_t)lm->order[i] - 1 ? s->n : (size_t)lm->order[i] - 1, k = 0;
  while (k < m && s->w[s->n - 1 - k].id[i] != US_LM_UNKNOWN)
    k++;
  return k;
}

/* P(w | the last k words of s) in count dictionary i, from the lowest
 * order up: P_j(w|h) = max(a(hw) - D, 0) / a(h.) + D N1+(h.) / a(h.) P_{j-1}(w|h')
 * with the raw counts at the highest order and for a history starting with
 * <s>.  ext[j] gets the entry of the last j words and w where looked up. */
static double count_prob(const us_lm *lm, size_t i, const us_lm_state *s, uint32_t w, size_t k,
                         uint32_t *ext) {
  const unspin_dict *d = lm->dict[i];
  double p = unigram(d, w);
  for (size_t j = 1; j <= k; j++) {
    uint32_t h = s->node[i][j - 1]; /* the history: the last j words */
    if (h == US_LM_UNKNOWN)
      continue; /* never seen: it backs off entirely */
    unspin_ngram_stats hs, hws = {0}; /* an unknown word's hw is absent: only the back-off share */
    us_dict_node_stats(d, j, h, &hs);
    uint64_t c;
    ext[j] = US_LM_UNKNOWN;
    if (w != US_LM_UNKNOWN && !us_dict_child(d, (int)j - 1, h, w, &c)) {
      ext[j] = (uint32_t)c;
      us_dict_node_stats(d, j + 1, c, &hws);
    }
    int raw = j == k || s->w[s->n - j].id[i] == lm->bos[i];
    double num = raw ? (double)hws.count : (double)hws.left_types;
    double den = raw ? (double)hs.count : (double)hs.left_sum;
    if (den <= 0)
      continue;
    double D = lm->discount[i][j + 1][!raw];
    double main = num > D ? (num - D) / den : 0.0;
    double gamma = D * (double)hs.right_types / den;
    if (main + gamma > 1.0) /* truncated counts at the top order can overshoot */
      gamma = 1.0 - main;
    p = main + gamma * p;
  }
  return p;
}

/* P(w | the last k words of s) in back-off model i (US_DICT_BACKOFF): the
 * stored probability of the longest n-gram ending in w that the model has,
 * times the back-off weights of the histories dropped on the way.  A word
 * the model lacks gets the unknown-word share of the count models. */
static double backoff_prob(const us_lm *lm, size_t i, const us_lm_state *s, uint32_t w, size_t k,
                           uint32_t *ext) {
  const unspin_dict *d = lm->dict[i];
  if (w == US_LM_UNKNOWN)
    return UNIFORM_SHARE / ((double)us_dict_vocab_size(d) + 1.0);
  double log10_bo = 0;
  float lp, bo;
  for (size_t j = k; j >= 1; j--) {
    uint32_t h = s->node[i][j - 1];
    if (h == US_LM_UNKNOWN)
      continue;
    uint64_t c;
    if (!us_dict_child(d, (int)j - 1, h, w, &c)) {
      ext[j] = (uint32_t)c;
      us_dict_node_backoff(d, j + 1, c, &lp, &bo);
      /* at most 1 (the decoder's bounds rely on it), whatever the file says */
      return fmin(1.0, pow(10.0, log10_bo + lp));
    }
    ext[j] = US_LM_UNKNOWN;
    us_dict_node_backoff(d, j, h, &lp, &bo);
    log10_bo += bo;
  }
  us_dict_node_backoff(d, 1, w, &lp, &bo);
  return fmin(1.0, pow(10.0, log10_bo + lp));
}

void us_lm_start(us_lm_state *s) { s->n = 0; }

/* Extends s by w: each dictionary's entries of the new suffixes, from the
 * extensions scoring found (ext, UNSET where it did not look). */
static void advance(const us_lm *lm, us_lm_state *s, const us_lm_word *w, int keep,
                    uint32_t (*ext)[US_DICT_MAX_ORDER]) {
  for (size_t i = 0; i < lm->n; i++) {
    const unspin_dict *d = lm->dict[i];
    size_t top = (size_t)lm->order[i] - 1; /* suffixes a history needs */
    uint32_t id = w->id[i];
    for (size_t j = top < (size_t)s->n + 1 ? top : (size_t)s->n + 1; j-- > 1;) {
      uint32_t v = ext[i][j], h = s->node[i][j - 1];
      uint64_t c;
      if (v == UNSET)
        v = h != US_LM_UNKNOWN && id != US_LM_UNKNOWN && !us_dict_child(d, (int)j - 1, h, id, &c)
                ? (uint32_t)c
                : US_LM_UNKNOWN;
      s->node[i][j] = v;
    }
    if (top)
      s->node[i][0] = id;
  }
  if (s->n == keep) {
    memmove(s->w, s->w + 1, (size_t)(keep - 1) * sizeof *s->w);
    s->n--;
  }
  s->w[s->n++] = *w;
}

static void unset(const us_lm *lm, uint32_t (*ext)[US_DICT_MAX_ORDER]) {
  for (size_t i = 0; i < lm->n; i++)
    for (size_t j = 0; j < US_DICT_MAX_ORDER; j++)
      ext[i][j] = UNSET;
}

static double score(const us_lm *lm, const us_lm_state *s, const us_lm_word *w,
                    uint32_t (*ext)[US_DICT_MAX_ORDER]) {
  double p = 0;
  for (size_t i = 0; i < lm->n; i++) {
    size_t k = known_tail(lm, i, s);
    p += lm->weight[i] * (unspin_dict_is_backoff(lm->dict[i])
                              ? backoff_prob(lm, i, s, w->id[i], k, ext[i])
                              : count_prob(lm, i, s, w->id[i], k, ext[i]));
  }
  return log(p);
}

double us_lm_score(const us_lm *lm, const us_lm_state *s, const us_lm_word *w) {
  uint32_t ext[US_LM_MAX_DICTS][US_DICT_MAX_ORDER];
  return score(lm, s, w, ext);
}

double us_lm_next(const us_lm *lm, us_lm_state *s, const us_lm_word *w, int keep) {
  uint32_t ext[US_LM_MAX_DICTS][US_DICT_MAX_ORDER];
  unset(lm, ext);
  double lp = score(lm, s, w, ext);
  advance(lm, s, w, keep, ext);
  return lp;
}

void us_lm_push(const us_lm *lm, us_lm_state *s, const us_lm_word *w, int keep) {
  uint32_t ext[US_LM_MAX_DICTS][US_DICT_MAX_ORDER];
  unset(lm, ext);
  advance(lm, s, w, keep, ext);
}

double us_lm_logprob(const us_lm *lm, const us_lm_word *hist, size_t nhist, const us_lm_word *w) {
  us_lm_state s;
  us_lm_start(&s);
  if (nhist > US_LM_HIST) {
    hist += nhist - US_LM_HIST;
    nhist = US_LM_HIST;
  }
  int keep = nhist ? (int)nhist : 1;
  for (size_t i = 0; i < nhist; i++)
    us_lm_push(lm, &s, &hist[i], keep);
  return us_lm_score(lm, &s, w);
}
