/* gather.c - what learning a spinner from spun text reads of each text:
 * its phrases counted (the word lists' links come from the engine's
 * candidates, us_engine_gather in engine.c). */
#include "gather.h"

#include <string.h>

#include "buffer.h"
#include "profile.h"
#include "tokenize.h"

int us_count_phrases(const unspin_result *r, us_pairs *occ, size_t *words) {
  us_buf ph = US_BUF_INIT;
  size_t last[US_PROFILE_MAX_WORDS], nlast = 0; /* the latest counted tokens */
  int rc = 0;
  for (size_t i = 0; i < r->tokens.n && !rc; i++) {
    const us_token *t = &r->tokens.v[i];
    if (!us_token_counts(t))
      continue;
    if (nlast && r->tokens.v[last[nlast - 1]].sentence != t->sentence)
      nlast = 0;
    if (nlast == US_PROFILE_MAX_WORDS) {
      memmove(last, last + 1, (nlast - 1) * sizeof *last);
      nlast--;
    }
    last[nlast++] = i;
    ++*words;
    for (size_t k = 0; k < nlast && !rc; k++) { /* the phrases ending here */
      us_buf_clear(&ph);
      for (size_t j = k; j < nlast && !rc; j++) {
        size_t x = last[j];
        rc = (j > k && us_buf_putc(&ph, ' ')) ||
             us_buf_append(&ph, r->keys.data + r->key_off[x], r->key_off[x + 1] - r->key_off[x] - 1);
      }
      if (!rc)
        rc = us_pairs_add(occ, "", 0, ph.data, ph.len, last[k]);
    }
  }
  us_buf_free(&ph);
  return rc;
}
