/* lm.h - an n-gram language model over phrase dictionaries: interpolated
 * Kneser-Ney within each dictionary, linear interpolation across them. */
#ifndef UNSPIN_LM_H
#define UNSPIN_LM_H

#include <stddef.h>
#include <stdint.h>

#include "dict_format.h"
#include "unspin.h"

#define US_LM_MAX_DICTS 8
#define US_LM_UNKNOWN UINT32_MAX

typedef struct us_lm {
  const unspin_dict *dict[US_LM_MAX_DICTS];
  double weight[US_LM_MAX_DICTS]; /* sum to 1 */
  int order[US_LM_MAX_DICTS];
  uint32_t bos[US_LM_MAX_DICTS]; /* id of <s> in each dictionary */
  /* us_dict_discount(dict d, n, continuation) as [d][n][continuation] */
  double discount[US_LM_MAX_DICTS][US_DICT_MAX_ORDER + 1][2];
  size_t n;
  int max_order;
} us_lm;

/* A word as each dictionary knows it (US_LM_UNKNOWN where it does not). */
typedef struct us_lm_word {
  uint32_t id[US_LM_MAX_DICTS];
} us_lm_word;

/* Sets up a model over `n` dictionaries with relative weights (any positive
 * numbers; they are normalised).  Returns -1 if n is 0 or too large. */
int us_lm_init(us_lm *lm, const unspin_dict *const *dicts, const double *weights, size_t n);

/* Maps a normalised key (or UNSPIN_BOS / UNSPIN_EOS) to its ids. */
us_lm_word us_lm_map(const us_lm *lm, const char *key, size_t len);

#define US_LM_HIST (US_DICT_MAX_ORDER - 1)

/* A history, as KenLM's states: its last words and, in each dictionary, the
 * trie entry of each of its suffixes, so that scoring the next word searches
 * only for that word below them, never walks from the root. */
typedef struct us_lm_state {
  uint8_t n;                  /* words held, at most US_LM_HIST */
  us_lm_word w[US_LM_HIST];   /* oldest first */
  /* node[d][j]: dictionary d's entry of the last j + 1 words (at level j),
   * US_LM_UNKNOWN where it has none; j < min(n, order of d - 1) */
  uint32_t node[US_LM_MAX_DICTS][US_LM_HIST];
} us_lm_state;

/* An empty history. */
void us_lm_start(us_lm_state *s);

/* Rounding can put a log-probability a hair above 0: bounds that rely on
 * log-probabilities being at most 0 allow this much. */
#define US_LM_BOUND_SLACK 1e-9

/* Returns log P(w | s) (only the last order-1 words of s count) and extends s
 * by w, keeping at most its last `keep` words (1 <= keep <= US_LM_HIST).
 * Never -inf: unknown words get the probability mass reserved for them. */
double us_lm_next(const us_lm *lm, us_lm_state *s, const us_lm_word *w, int keep);

/* log P(w | s), leaving s as it is. */
double us_lm_score(const us_lm *lm, const us_lm_state *s, const us_lm_word *w);

/* Extends s by w without scoring it. */
void us_lm_push(const us_lm *lm, us_lm_state *s, const us_lm_word *w, int keep);

/* log P(w | hist), hist being the preceding words oldest first: the same as
 * us_lm_next from a state of those words. */
double us_lm_logprob(const us_lm *lm, const us_lm_word *hist, size_t nhist, const us_lm_word *w);

#endif
