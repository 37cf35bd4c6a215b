/* consistency.h - the substitutions a document's restoration made, so that a
 * later pass can prefer the same original for the same spun wording
 * elsewhere in the document. */
#ifndef UNSPIN_CONSISTENCY_H
#define UNSPIN_CONSISTENCY_H

#include <stddef.h>
#include <stdint.h>

#include "buffer.h"

/* A set of (spun wording, original) pairs, both as normalised keys with
 * words joined by single spaces, each with the tokens it was made at. */
typedef struct us_pairs {
  uint32_t *slot; /* open addressing: entry index + 1, 0 when empty */
  size_t nslots;
  struct us_pair {
    size_t off;       /* into text: spun, a NUL byte, original */
    size_t spun_len, orig_len;
    size_t count;     /* how many times it was made */
    size_t last;      /* its latest occurrence in `at`, + 1; 0: none */
  } *entry;
  size_t n, cap;
  struct us_pair_at {
    size_t token; /* where the pair was made */
    size_t next;  /* the pair's previous occurrence, + 1; 0: none */
  } *at;
  size_t nat, at_cap;
  us_buf text;
} us_pairs;

#define US_PAIRS_INIT {NULL, 0, NULL, 0, 0, NULL, 0, 0, US_BUF_INIT}

/* Records that the words starting at token `token`, spun wording `spun`,
 * were restored to `orig`.  Returns 0, or -1 when memory runs out. */
int us_pairs_add(us_pairs *p, const char *spun, size_t spun_len, const char *orig,
                 size_t orig_len, size_t token);

/* How many times the pair was made. */
size_t us_pairs_count(const us_pairs *p, const char *spun, size_t spun_len, const char *orig,
                      size_t orig_len);

/* How many times the pair was made at tokens other than `token`. */
size_t us_pairs_elsewhere(const us_pairs *p, const char *spun, size_t spun_len, const char *orig,
                          size_t orig_len, size_t token);

/* The pairs' spun wordings, by hash: the spans of words a candidate that
 * us_pairs_elsewhere finds may cover. */
typedef struct us_pair_wordings {
  uint64_t *slot; /* hash | 1; 0 marks an empty slot */
  size_t nslots;
} us_pair_wordings;

/* Fills h from p.  Returns 0, or -1 when memory runs out. */
int us_pair_wordings_init(us_pair_wordings *h, const us_pairs *p);

/* Whether s (words joined by single spaces) may be a pair's spun wording
 * (a hash collision may say yes wrongly, never no). */
int us_pair_wordings_has(const us_pair_wordings *h, const char *s, size_t len);

void us_pair_wordings_free(us_pair_wordings *h);

/* The words a pass kept and the one-word originals it restored, by place:
 * a spinner that has a word on its list replaces it nearly everywhere, so
 * an original the document also writes unreplaced, and that the pass
 * restored nowhere else, is one the spinner probably did not have. */
typedef struct us_kept_words {
  us_pairs kept;     /* ("", key) at each spinnable word the pass kept */
  us_pairs restored; /* ("", original) at each one-word original it restored */
  uint8_t *redo;     /* per token: the next pass decodes its sentence again */
} us_kept_words;

#define US_KEPT_WORDS_INIT {US_PAIRS_INIT, US_PAIRS_INIT, NULL}

/* Whether the one-word original `orig`, restored at token `token`, is
 * written unreplaced elsewhere in the document and restored nowhere else. */
int us_kept_words_doubt(const us_kept_words *k, const char *orig, size_t orig_len, size_t token);

void us_kept_words_free(us_kept_words *k);

void us_pairs_clear(us_pairs *p);
void us_pairs_free(us_pairs *p);

#endif
