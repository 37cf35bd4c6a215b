/* engine.h - the engine's internals, shared by the restoration stages. */
#ifndef UNSPIN_ENGINE_H
#define UNSPIN_ENGINE_H

#include "irregular.h"
#include "lm.h"
#include "morphology.h"
#include "thesaurus.h"
#include "unspin.h"

/* Where a candidate original comes from (the values of unspin_source). */
typedef enum us_source {
  US_SRC_IDENTITY = 0, /* the text was not spun */
  US_SRC_THESAURUS,    /* an inverted thesaurus entry */
  US_SRC_CONTEXT,      /* a phrase dictionary's filler between the same neighbours */
  US_SRC_PROFILE,      /* a spinner profile's key */
  US_SRC_MORPHOLOGY    /* a thesaurus original of the spun word's stem, re-inflected */
} us_source;

/* The noisy channel: log-weights of how a spinner turns an original into
 * what we read.  Defaults in engine.c; docs/model.md explains each. */
typedef struct us_channel {
  double keep;                  /* log P(a word is left alone) */
  double spin;                  /* log P(a span is replaced) */
  double relation[US_REL_COUNT]; /* log weight of each thesaurus relation */
  double fanout_power;          /* P(spun | original) ~ fanout^-power */
  double context;               /* log weight of a context filler */
  double length;                /* log weight per word the original is shorter or longer */
  double forward;               /* log weight of a headword-to-term thesaurus pair */
  double related1, related2;    /* log weight of a context filler one or two thesaurus steps away */
  double one_sided;             /* log weight of a context filler no alignment brackets on both sides */
  double morphology;            /* log weight of going through a stem */
  double case_weight;           /* scale of the case model's log ratio (0: off) */
  double case_smoothing;        /* pseudo-count pulling a word's case rate to the overall one */
  double consistency;           /* log weight of a pair the document's restoration made elsewhere */
  double mismatch;              /* log weight of an unrelated context filler of the other word class */
  double present;               /* log weight of an original the document writes unreplaced
                                 * elsewhere and restores nowhere else */
  double corroborate;           /* log weight added when a word list and a story alignment
                                 * bracketing it on both sides propose the same original */
} us_channel;

struct unspin_engine {
  unspin_options opts;
  const unspin_dict *dicts[US_LM_MAX_DICTS];
  unspin_dict_role roles[US_LM_MAX_DICTS];
  size_t ndicts;
  size_t ndomain; /* how many of them are UNSPIN_ROLE_DOMAIN */
  us_lm lm;
  us_morph *morph; /* owned; NULL without hunspell */
  us_irregular *irregular; /* owned; NULL without exception lists */
  const unspin_profile *profiles[US_LM_MAX_DICTS];
  size_t nprofiles;
  us_channel channel;
  double lm_scale;
  double domain_weight; /* share of the language model held by domain dictionaries */
  double backoff_weight; /* share of the general part held by back-off models */
  double threshold; /* document score from which the verdict is "spun" */
  double general_floor; /* without a domain dictionary, a substitution is written
                         * only if the decoder's confidence in it is this high */
  double adapt;     /* a spun document is decoded again with prior adapt * rate; 0: never */
  int beam;
  double key_rho;      /* learning from spun text: the prior mean of rho of a word-list
                        * original (spinem.c) */
  double key_strength; /* that prior's strength in pseudo-counts */
  struct us_cache_pool *caches; /* owned: word caches the analyses share in turn */
  int channel_copy; /* a copy of an engine with another channel (restore's adapted
                     * passes): it borrows `caches` for what does not depend on the
                     * channel (us_word_caches_swap_shared) */
};

/* UNSPIN_OK, or the error of the first of the engine's dictionaries that a
 * read found damaged (unspin_dict_damage). */
unspin_status us_engine_damage(const unspin_engine *e, unspin_error *err);

#endif
