/* candidates.h - proposing original wordings for the words of a sentence. */
#ifndef UNSPIN_CANDIDATES_H
#define UNSPIN_CANDIDATES_H

#include <stddef.h>
#include <stdint.h>

#include "buffer.h"
#include "consistency.h"
#include "engine.h"
#include "profile.h"

#define US_MAX_SPAN 4 /* spun words one candidate may cover, and original words it may have */
#define US_LIST_SPAN 3 /* the same for thesauri, morphology and story fillers */

/* A counted word of the sentence being restored. */
typedef struct us_word {
  size_t token;    /* index in the result's token list */
  const char *key; /* normalised key, NUL-terminated */
  size_t len;
  uint8_t joined;  /* only whitespace separates it from the previous word */
  uint8_t spinnable; /* a real word, which a spinner could have written */
  uint8_t case_ev;   /* what its case says (us_case_evidence) */
  us_lm_word lm;
} us_word;

/* One edge of the lattice: words [start, start + len) may be `text`. */
typedef struct us_cand {
  uint32_t start;
  uint8_t len;    /* spun words covered */
  uint8_t nwords; /* original words */
  uint8_t source; /* us_source */
  uint8_t relation;
  uint8_t corroborated; /* a word list and a story alignment both propose it */
  size_t text_off; /* into us_cands.text: words joined by spaces, NUL-terminated */
  size_t text_len;
  double channel;  /* log P(spun | original) */
  double evidence; /* the channel weight from the sources detection counts:
                    * not context fillers (which clean text of the same story
                    * gets too), flat synonym lists (which link nearly every
                    * common word) or spinner profiles (whose model has its own
                    * ratio); -INFINITY when only those propose it */
  double rank;     /* channel plus the scaled unigram log-probability: orders a span's candidates */
  us_lm_word w[US_MAX_SPAN];
  double unigram[US_MAX_SPAN]; /* each word's scaled unigram log-probability (not identity's) */
} us_cand;

/* The word-list candidates of single words already seen: they depend on
 * the word's key and the engine alone, and words repeat. */
typedef struct us_word_cache {
  uint32_t *slot;   /* open addressing: entry index + 1, 0 when empty */
  size_t nslots;
  struct us_word_cached {
    size_t key_off;   /* into text: the word's key (which may hold NUL bytes) */
    size_t key_len;
    size_t stems_off; /* into text: its stems, each NUL-terminated */
    size_t stems_len;
    int nstems;
    size_t first, n;  /* its likeliest candidates in cands */
    us_lm_word lm;    /* in `ids`: the word as the language model knows it */
    double logp;      /* in `ids`: its unigram log-probability */
    int8_t phrases;   /* in `words`: whether a word list has a phrase beginning with the
                         word or one of its stems (-1 not yet known) */
  } *entry;
  size_t nentries, entries_cap;
  us_cand *cands;   /* text_off into text */
  size_t ncands, cands_cap;
  us_buf text;
} us_word_cache;

/* What the word lists give a word, which depends on the engine alone, not
 * on the document: kept across analyses in the engine's pool (engine.c). */
typedef struct us_word_caches {
  us_word_cache words;   /* a word's stems and its likeliest word-list candidates */
  us_word_cache stems;   /* stems of the words and fillers compared */
  us_word_cache related; /* thesaurus relatedness of spun words and fillers (in nstems) */
  us_word_cache spans;   /* the word-list candidates of spans of 2-3 words, all of them */
  us_word_cache ids;     /* the language model's ids of the original words proposed */
  us_word_cache forms;   /* a lemma's forms with one ending (key: lemma, NUL, ending) */
} us_word_caches;

typedef struct us_cands {
  us_cand *v;
  size_t n, cap;
  us_buf text;
  us_word_caches *caches; /* the caller's; must not be NULL */
  const us_pairs *made; /* substitutions an earlier pass made in this document, or NULL */
  const us_kept_words *seen; /* what that pass kept and restored, or NULL */
  const us_profile_doc *doc; /* the profiles' keys as an earlier pass of this document
                              * replaced and kept them (rho's data), or NULL */
  us_profile_doc *collect;   /* where this pass counts them, or NULL */
  const struct us_gather *gather; /* unless NULL, the pass only proposes: each span's
                                   * word-list originals are reported to it (gather.h) */
  /* add()'s index of a long run of one start's candidates by span length
   * and wording (slots.h): v[run, indexed) are in it, entry i at run + i */
  uint32_t *index;
  size_t nindex, run, indexed;
} us_cands;

/* Replaces `out` with every candidate for the n words: identity for each
 * word, thesaurus originals for every span of 1-3 joined words, and fillers
 * that domain dictionaries have seen between the same neighbours.  Sorted
 * by start position.  Returns 0, or -1 when memory runs out. */
int us_candidates(const unspin_engine *e, const us_word *words, size_t n, us_cands *out);

/* Whether the word (a key) is a function word: at least FUNCTION_SHARE
 * (0.3 %) of the general dictionaries' tokens ("the", "in", "was"). */
int us_function_word(const unspin_engine *e, const char *w, size_t len);

/* Replaces `out` with the keys of words [w, w + n) joined by single spaces:
 * a span's spun wording.  Returns 0, or -1 when memory runs out. */
int us_join_keys(const us_word *w, size_t n, us_buf *out);

/* Frees the candidates (not the caches). */
void us_cands_free(us_cands *c);

/* Swaps the caches of a and b that do not depend on the engine's channel
 * (stems, relatedness, language-model ids, inflected forms), not those of
 * candidates (words, spans). */
void us_word_caches_swap_shared(us_word_caches *a, us_word_caches *b);

/* The bytes a cache set holds, and emptying and freeing it. */
size_t us_word_caches_size(const us_word_caches *c);
void us_word_caches_clear(us_word_caches *c);

#endif
