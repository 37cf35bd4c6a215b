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

/* P_k(w | ids[0..k-2]) with ids[k-1] = w; `top` says raw counts apply. */
static double prob(const unspin_dict *d, uint32_t bos, const uint32_t *ids, int k, int top) {
  if (k == 1)
    return unigram(d, ids[0]);
  double lower = prob(d, bos, ids + 1, k - 1, 0);
  for (int i = 0; i + 1 < k; i++)
    if (ids[i] == US_LM_UNKNOWN)
      return lower;
  unspin_ngram_stats h, hw; /* an unknown word's hw is absent: only the back-off share */
  if (us_dict_lookup_pair(d, ids, (size_t)k, &h, &hw))
    return lower;
  int raw = top || (ids[0] != US_LM_UNKNOWN && ids[0] == bos);
  double num = raw ? (double)hw.count : (double)hw.left_types;
  double den = raw ? (double)h.count : (double)h.left_sum;
  if (den <= 0)
    return lower;
  double D = us_dict_discount(d, k, !raw);
  double main = num > D ? (num - D) / den : 0.0;
  double gamma = D * (double)h.right_types / den;
  if (main + gamma > 1.0) /* truncated counts at the top order can overshoot */
    gamma = 1.0 - main;
  return main + gamma * lower;
}

/* P(w | ids[0..k-2]) with ids[k-1] = w in a back-off model (US_DICT_BACKOFF):
 * the stored probability of the longest n-gram ending in w that the model
 * has, times the back-off weights of the histories dropped on the way.  A
 * word the model lacks gets the unknown-word share of the count models. */
static double backoff_prob(const unspin_dict *d, const uint32_t *ids, int k) {
  float lp, bo;
  double log10_bo = 0;
  if (ids[k - 1] != US_LM_UNKNOWN)
    for (int from = 0; from < k; from++) {
      int r = us_dict_backoff(d, ids + from, (size_t)(k - from), &lp, &bo);
      if (r == 1) /* at most 1 (the decoder's bounds rely on it), whatever the file says */
        return fmin(1.0, pow(10.0, log10_bo + lp));
      if (r == 0)
        log10_bo += bo;
    }
  return UNIFORM_SHARE / ((double)us_dict_vocab_size(d) + 1.0);
}

double us_lm_logprob(const us_lm *lm, const us_lm_word *hist, size_t nhist, const us_lm_word *w) {
  double p = 0;
  for (size_t i = 0; i < lm->n; i++) {
    uint32_t ids[US_DICT_MAX_ORDER];
    size_t k = nhist + 1 < (size_t)lm->order[i] ? nhist + 1 : (size_t)lm->order[i];
    for (size_t j = 0; j + 1 < k; j++)
      ids[j] = hist[nhist - (k - 1) + j].id[i];
    ids[k - 1] = w->id[i];
    /* drop unknown history words from the left: they carry no evidence */
    size_t skip = 0;
    for (size_t j = 0; j + 1 < k; j++)
      if (ids[j] == US_LM_UNKNOWN)
        skip = j + 1;
    p += lm->weight[i] * (unspin_dict_is_backoff(lm->dict[i])
                              ? backoff_prob(lm->dict[i], ids + skip, (int)(k - skip))
                              : prob(lm->dict[i], lm->bos[i], ids + skip, (int)(k - skip), 1));
  }
  return log(p);
}
