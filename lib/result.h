/* result.h - the analysis result object, filled by engine.c. */
#ifndef UNSPIN_RESULT_H
#define UNSPIN_RESULT_H

#include "buffer.h"
#include "tokenize.h"
#include "unspin.h"

/* What one decoding pass finds, per token: the parts of a result that the
 * engine's passes replace (engine.c keeps a finished pass while the next
 * decodes again only the sentences that may change). */
typedef struct us_pass {
  double *spin;      /* [ntokens] */
  double *lr;        /* [ntokens] log likelihood ratio of the word-list sources */
  double *lr_all;    /* [ntokens] log likelihood ratio of every source */
  int64_t *orig_off; /* [ntokens] offset into originals, or -1 */
  us_buf originals;  /* restored wordings, each NUL-terminated */
  size_t restored;
  /* with spinner profiles: the log-likelihood ratio of the spinner model
   * against no spinner (the best paths' scores minus the words' own, summed
   * over the sentences decoded), those sentences' words, and how many of
   * them the best paths replace */
  double llr;
  size_t llr_words, replaced;
  /* candidates of token i: cands[cand_at[i] .. cand_at[i] + cand_n[i]) */
  size_t *cand_at;
  uint8_t *cand_n;
  struct us_result_cand {
    size_t text_off; /* into cand_text */
    uint8_t source;
    double score;
  } *cands;
  size_t ncands, cands_cap;
  us_buf cand_text;
} us_pass;

/* Allocates a pass for n tokens with nothing found.  Returns 0, or -1 when
 * memory runs out (p then holds nothing to free). */
int us_pass_init(us_pass *p, size_t n);

/* Forgets what the pass found, keeping its storage. */
void us_pass_clear(us_pass *p, size_t n);

/* Forgets a pass's restorations over n tokens, keeping its spin
 * probabilities and candidates. */
void us_pass_forget_restorations(us_pass *p, size_t n);

/* Appends a candidate (its wording, len bytes, its source and score) to
 * the pass's list.  Returns 0, or -1 when memory runs out. */
int us_pass_add_candidate(us_pass *p, const char *text, size_t len, uint8_t source, double score);

/* Releases the pass's storage and zeroes it. */
void us_pass_free(us_pass *p);

struct unspin_result {
  us_buf out;        /* the output text */
  us_buf input;      /* a copy of the input, for the diff */
  us_tokens tokens;
  us_buf texts;      /* token texts, each NUL-terminated */
  us_buf keys;       /* lookup keys, each NUL-terminated */
  size_t *text_off;  /* [ntokens] offsets into texts */
  size_t *key_off;   /* [ntokens] offsets into keys */
  uint8_t *cases;    /* [ntokens] unspin_case */
  uint8_t *spinnable; /* [ntokens] a word a spinner could have written */
  size_t invalid_utf8;
  int64_t first_invalid;
  us_pass pass;      /* the last decoding pass's findings */
  double score;
  int spun;
};

#endif
