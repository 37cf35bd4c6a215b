/* lm.h - an n-gram language model over phrase dictionaries: interpolated
 * Kneser-Ney within each dictionary, linear interpolation across them. */
#ifndef UNSPIN_LM_H
#define UNSPIN_LM_H

#include <stddef.h>
#include <stdint.h>

#include "unspin.h"

#define US_LM_MAX_DICTS 8
#define US_LM_UNKNOWN UINT32_MAX

typedef struct us_lm {
  const unspin_dict *dict[US_LM_MAX_DICTS];
  double weight[US_LM_MAX_DICTS]; /* sum to 1 */
  int order[US_LM_MAX_DICTS];
  uint32_t bos[US_LM_MAX_DICTS]; /* id of <s> in each dictionary */
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

/* Returns log P(w | hist), hist being the preceding words oldest first
 * (only the last order-1 are used).  Never -inf: unknown words get the
 * probability mass reserved for them. */
double us_lm_logprob(const us_lm *lm, const us_lm_word *hist, size_t nhist, const us_lm_word *w);

#endif
