/* engine.c - the analysis entry point: validation, tokens, then sentence by
 * sentence candidates, decoding, and the output with restored wording. */
#include "engine.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cache_pool.h"
#include "candidates.h"
#include "consistency.h"
#include "decode.h"
#include "detect.h"
#include "dict.h"
#include "gather.h"
#include "topk.h"
#include "error.h"
#include "normalize.h"
#include "result.h"
#include "utf8.h"

/* The channel model's defaults (log-weights); see docs/model.md.  spin,
 * keep, context, fanout_power, related1, related2 and one_sided come from
 * bench/tune.py (leave-one-out over the clean seed articles), the other
 * relation weights from its grid checked by bench/accuracy; see
 * docs/model.md §6 for each. */
static const us_channel default_channel = {
    .keep = -0.003005,                         /* log(1 - 0.003) */
    .spin = -5.809,                            /* log 0.003 */
    .relation = {0.0, -0.693, -1.204, -1.204, 0.0, 0.0}, /* 1, 1/2, 0.3, 0.3; (profiles: their
                                                              own model); flat lists 1 */
    .fanout_power = 0.5,
    .context = -5.0,
    .length = -2.0,
    .forward = -0.693,
    .related1 = 3.0,
    .related2 = 1.5,
    .one_sided = -2.0,
    .morphology = -0.5,
    .case_weight = 1.0,
    .case_smoothing = 2.0,
    .consistency = 3.0,
    .mismatch = -2.0,
    .corroborate = 2.0,
    .present = -4.0,
};

#define DEFAULT_BEAM 4
#define DEFAULT_KEY_RHO 0.05
#define DEFAULT_KEY_STRENGTH 10.0
#define DEFAULT_LM_SCALE 0.7
#define DEFAULT_DOMAIN_WEIGHT 0.6
#define DEFAULT_BACKOFF_WEIGHT 0.7
#define DEFAULT_THRESHOLD 0.02
#define DEFAULT_GENERAL_FLOOR 0.8
#define CANDIDATES_KEPT US_DECODE_LOCAL_TOP /* the decoder scores them exactly */
#define DEFAULT_ADAPT 2.0
#define MAX_ADAPTED_PRIOR 0.3
/* Passes of hard EM over a document's use of the profiles' keys (after the
 * first, which decodes with the profiles' own estimates). */
#define PROFILE_EM_PASSES 2
/* A "sentence" longer than this (a text without punctuation) is decoded in
 * pieces of this many words, so that memory stays bounded. */
#define MAX_DECODE_WORDS 256

void unspin_options_init(unspin_options *o) {
  if (!o)
    return;
  memset(o, 0, sizeof *o);
  o->struct_size = sizeof *o;
  o->flags = UNSPIN_OPT_DEFAULT;
}

unspin_status unspin_engine_new(unspin_engine **out, const unspin_options *opts,
                                unspin_error *err) {
  if (!out)
    return us_fail(err, UNSPIN_ERR_INVALID_ARG, -1, "unspin_engine_new: NULL argument");
  *out = NULL;
  unspin_engine *e = calloc(1, sizeof *e);
  if (!e)
    return us_nomem(err);
  if (!(e->caches = us_cache_pool_new())) {
    free(e);
    return us_nomem(err);
  }
  unspin_options_init(&e->opts);
  if (opts) {
    /* Copy only the fields the caller's version of the struct has. */
    size_t n = opts->struct_size && opts->struct_size < sizeof *opts ? opts->struct_size
                                                                      : sizeof *opts;
    memcpy(&e->opts, opts, n);
    e->opts.struct_size = sizeof e->opts;
  }
  e->channel = default_channel;
  e->lm_scale = DEFAULT_LM_SCALE;
  e->domain_weight = DEFAULT_DOMAIN_WEIGHT;
  e->backoff_weight = DEFAULT_BACKOFF_WEIGHT;
  e->threshold = DEFAULT_THRESHOLD;
  e->general_floor = DEFAULT_GENERAL_FLOOR;
  e->adapt = DEFAULT_ADAPT;
  e->beam = DEFAULT_BEAM;
  e->key_rho = DEFAULT_KEY_RHO;
  e->key_strength = DEFAULT_KEY_STRENGTH;
  *out = e;
  return UNSPIN_OK;
}

/* Domain dictionaries share `domain_weight` of the language model, general
 * ones the rest (all of it when only one kind is present); of the general
 * share, back-off models hold `backoff_weight` when count models are
 * loaded too. */
static void update_lm(unspin_engine *e) {
  double w[US_LM_MAX_DICTS];
  size_t ndomain = e->ndomain, ngeneral = e->ndicts - ndomain, nbackoff = 0;
  for (size_t i = 0; i < e->ndicts; i++)
    nbackoff += unspin_dict_is_backoff(e->dicts[i]);
  size_t ncounts = ngeneral - nbackoff;
  for (size_t i = 0; i < e->ndicts; i++) {
    int domain = e->roles[i] == UNSPIN_ROLE_DOMAIN;
    double share = !(ndomain && ngeneral) ? 1.0 : domain ? e->domain_weight : 1.0 - e->domain_weight;
    if (domain)
      w[i] = share / (double)ndomain;
    else if (!(nbackoff && ncounts))
      w[i] = share / (double)ngeneral;
    else if (unspin_dict_is_backoff(e->dicts[i]))
      w[i] = share * e->backoff_weight / (double)nbackoff;
    else
      w[i] = share * (1.0 - e->backoff_weight) / (double)ncounts;
  }
  us_lm_init(&e->lm, e->dicts, w, e->ndicts);
}

unspin_status us_engine_damage(const unspin_engine *e, unspin_error *err) {
  unspin_status rc = UNSPIN_OK;
  for (size_t i = 0; i < e->ndicts && rc == UNSPIN_OK; i++)
    rc = unspin_dict_damage(e->dicts[i], err);
  return rc;
}

unspin_status unspin_engine_add_dict(unspin_engine *e, const unspin_dict *d,
                                     unspin_dict_role role) {
  if (!e || !d || (role != UNSPIN_ROLE_DOMAIN && role != UNSPIN_ROLE_GENERAL) ||
      (role == UNSPIN_ROLE_DOMAIN && unspin_dict_is_backoff(d)))
    return UNSPIN_ERR_INVALID_ARG; /* context alignment reads a domain's counts */
  if (e->ndicts == US_LM_MAX_DICTS)
    return UNSPIN_ERR_LIMIT;
  e->dicts[e->ndicts] = d;
  e->roles[e->ndicts++] = role;
  e->ndomain += role == UNSPIN_ROLE_DOMAIN;
  update_lm(e);
  us_cache_pool_clear(e->caches);
  return UNSPIN_OK;
}

unspin_status unspin_engine_add_profile(unspin_engine *e, const unspin_profile *p) {
  if (!e || !p)
    return UNSPIN_ERR_INVALID_ARG;
  if (e->nprofiles == US_LM_MAX_DICTS)
    return UNSPIN_ERR_LIMIT;
  e->profiles[e->nprofiles++] = p;
  us_cache_pool_clear(e->caches);
  return UNSPIN_OK;
}

unspin_status unspin_engine_set_param(unspin_engine *e, const char *name, double v) {
  if (!e || !name || v != v)
    return UNSPIN_ERR_INVALID_ARG;
  us_cache_pool_clear(e->caches);
  us_channel *c = &e->channel;
  if (!strcmp(name, "spin_prior")) {
    if (v <= 0 || v >= 1)
      return UNSPIN_ERR_INVALID_ARG;
    c->spin = log(v);
    c->keep = log1p(-v);
  } else if (!strcmp(name, "lm_scale") && v > 0) {
    e->lm_scale = v;
  } else if (!strcmp(name, "context") && v <= 0) {
    c->context = v;
  } else if (!strcmp(name, "fanout_power") && v >= 0) {
    c->fanout_power = v;
  } else if (!strcmp(name, "similar") && v <= 0) {
    c->relation[US_REL_SIMILAR] = v;
  } else if (!strcmp(name, "related") && v <= 0) {
    c->relation[US_REL_RELATED] = v;
  } else if (!strcmp(name, "generic") && v <= 0) {
    c->relation[US_REL_GENERIC] = v;
  } else if (!strcmp(name, "listed") && v <= 10) {
    c->relation[US_REL_LISTED] = v;
  } else if (!strcmp(name, "related1") && v >= 0 && v <= 10) {
    c->related1 = v;
  } else if (!strcmp(name, "related2") && v >= 0 && v <= 10) {
    c->related2 = v;
  } else if (!strcmp(name, "one_sided") && v <= 0) {
    c->one_sided = v;
  } else if (!strcmp(name, "morphology") && v <= 0) {
    c->morphology = v;
  } else if (!strcmp(name, "case_weight") && v >= 0 && v <= 10) {
    c->case_weight = v;
  } else if (!strcmp(name, "case_smoothing") && v > 0) {
    c->case_smoothing = v;
  } else if (!strcmp(name, "forward") && v <= 0) {
    c->forward = v;
  } else if (!strcmp(name, "length") && v <= 0) {
    c->length = v;
  } else if (!strcmp(name, "consistency") && v >= 0 && v <= 10) {
    c->consistency = v;
  } else if (!strcmp(name, "mismatch") && v <= 0) {
    c->mismatch = v;
  } else if (!strcmp(name, "corroborate") && v >= 0 && v <= 10) {
    c->corroborate = v;
  } else if (!strcmp(name, "present") && v <= 0) {
    c->present = v;
  } else if (!strcmp(name, "domain_weight") && v > 0 && v < 1) {
    e->domain_weight = v;
    update_lm(e);
  } else if (!strcmp(name, "backoff_weight") && v > 0 && v < 1) {
    e->backoff_weight = v;
    update_lm(e);
  } else if (!strcmp(name, "adapt") && v >= 0 && v <= 100) {
    e->adapt = v;
  } else if (!strcmp(name, "threshold") && v >= 0 && v <= 1) {
    e->threshold = v;
  } else if (!strcmp(name, "general_floor") && v >= 0 && v <= 1) {
    e->general_floor = v;
  } else if (!strcmp(name, "key_rho") && v > 0 && v < 1) {
    e->key_rho = v;
  } else if (!strcmp(name, "key_strength") && v > 0 && v <= 1000) {
    e->key_strength = v;

  } else if (!strcmp(name, "beam") && v >= 1 && v <= 256) {
    e->beam = (int)v;
  } else {
    return UNSPIN_ERR_INVALID_ARG;
  }
  return UNSPIN_OK;
}

unspin_status unspin_engine_get_param(const unspin_engine *e, const char *name, double *v) {
  if (!e || !name || !v)
    return UNSPIN_ERR_INVALID_ARG;
  const us_channel *c = &e->channel;
  /* by relation; profiles' links have a model of their own */
  static const char *const rel_names[] = {"similar", "related", "generic", NULL, "listed"};
  for (size_t i = 0; i < sizeof rel_names / sizeof *rel_names; i++)
    if (rel_names[i] && !strcmp(name, rel_names[i])) {
      *v = c->relation[US_REL_SIMILAR + i];
      return UNSPIN_OK;
    }
  if (!strcmp(name, "spin_prior"))
    *v = exp(c->spin);
  else if (!strcmp(name, "lm_scale"))
    *v = e->lm_scale;
  else if (!strcmp(name, "context"))
    *v = c->context;
  else if (!strcmp(name, "fanout_power"))
    *v = c->fanout_power;
  else if (!strcmp(name, "related1"))
    *v = c->related1;
  else if (!strcmp(name, "related2"))
    *v = c->related2;
  else if (!strcmp(name, "one_sided"))
    *v = c->one_sided;
  else if (!strcmp(name, "morphology"))
    *v = c->morphology;
  else if (!strcmp(name, "case_weight"))
    *v = c->case_weight;
  else if (!strcmp(name, "case_smoothing"))
    *v = c->case_smoothing;
  else if (!strcmp(name, "forward"))
    *v = c->forward;
  else if (!strcmp(name, "length"))
    *v = c->length;
  else if (!strcmp(name, "consistency"))
    *v = c->consistency;
  else if (!strcmp(name, "mismatch"))
    *v = c->mismatch;
  else if (!strcmp(name, "corroborate"))
    *v = c->corroborate;
  else if (!strcmp(name, "present"))
    *v = c->present;
  else if (!strcmp(name, "domain_weight"))
    *v = e->domain_weight;
  else if (!strcmp(name, "backoff_weight"))
    *v = e->backoff_weight;
  else if (!strcmp(name, "adapt"))
    *v = e->adapt;
  else if (!strcmp(name, "threshold"))
    *v = e->threshold;
  else if (!strcmp(name, "general_floor"))
    *v = e->general_floor;
  else if (!strcmp(name, "key_rho"))
    *v = e->key_rho;
  else if (!strcmp(name, "key_strength"))
    *v = e->key_strength;
  else if (!strcmp(name, "beam"))
    *v = e->beam;
  else
    return UNSPIN_ERR_INVALID_ARG;
  return UNSPIN_OK;
}

unspin_status unspin_engine_load_hunspell(unspin_engine *e, const char *aff, const char *dic,
                                         unspin_error *err) {
  if (!e || !aff || !dic)
    return us_fail(err, UNSPIN_ERR_INVALID_ARG, -1, "unspin_engine_load_hunspell: NULL");
  us_morph *m;
  unspin_status rc = us_morph_open(&m, aff, dic, err);
  if (rc != UNSPIN_OK)
    return rc;
  us_morph_free(e->morph);
  e->morph = m;
  us_cache_pool_clear(e->caches);
  return UNSPIN_OK;
}

unspin_status unspin_engine_load_exceptions(unspin_engine *e, const char *dir, unspin_error *err) {
  if (!e || !dir)
    return us_fail(err, UNSPIN_ERR_INVALID_ARG, -1, "unspin_engine_load_exceptions: NULL");
  us_irregular *x;
  unspin_status rc = us_irregular_load(&x, dir, err);
  if (rc != UNSPIN_OK)
    return rc;
  us_irregular_free(e->irregular);
  e->irregular = x;
  us_cache_pool_clear(e->caches);
  return UNSPIN_OK;
}

void unspin_engine_free(unspin_engine *e) {
  if (!e)
    return;
  us_morph_free(e->morph);
  us_irregular_free(e->irregular);
  us_cache_pool_free(e->caches);
  free(e);
}

/* Copies each token's text and lookup key, and records its case shape. */
static int describe_tokens(unspin_result *r, const char *text) {
  size_t n = r->tokens.n;
  r->text_off = malloc((n + 1) * sizeof *r->text_off);
  r->key_off = malloc((n + 1) * sizeof *r->key_off);
  r->cases = malloc(n + 1);
  r->spinnable = calloc(n + 1, 1);
  if (!r->text_off || !r->key_off || !r->cases || !r->spinnable || us_pass_init(&r->pass, n))
    return -1;
  for (size_t i = 0; i < n; i++) {
    const us_token *t = &r->tokens.v[i];
    const char *s = text + t->start;
    size_t len = t->end - t->start;
    r->text_off[i] = r->texts.len;
    r->key_off[i] = r->keys.len;
    if (us_buf_append(&r->texts, s, len) || us_buf_putc(&r->texts, '\0') ||
        us_normalize_key(s, len, &r->keys) || us_buf_putc(&r->keys, '\0'))
      return -1;
    r->cases[i] = (uint8_t)us_case_shape(s, len);
  }
  r->text_off[n] = r->texts.len;
  r->key_off[n] = r->keys.len;
  return 0;
}

static int only_space(const char *s, size_t a, size_t b) {
  for (size_t i = a; i < b; i++)
    if (s[i] != ' ' && s[i] != '\t')
      return 0;
  return 1;
}

/* The case of original word k of `nwords` replacing the span's `len`
 * words: word for word when the counts agree, or from the spun word with
 * the same key; otherwise every word capitalised in a title, all upper in
 * an upper-case span, else the first word takes the first spun word's. */
static unspin_case word_case(const unspin_result *r, const us_word *w, size_t len, size_t k,
                             size_t nwords, const char *word, size_t wlen) {
  size_t same = len;
  for (size_t i = 0; i < len && same == len; i++)
    if (w[i].len == wlen && !memcmp(w[i].key, word, wlen))
      same = i;
  if (nwords == len || same < len) {
    size_t at = same < len ? same : k;
    unspin_case c = (unspin_case)r->cases[w[at].token];
    return c == UNSPIN_CASE_UPPER && w[at].len < 2 ? UNSPIN_CASE_TITLE
           : c == UNSPIN_CASE_MIXED || c == UNSPIN_CASE_NONE ? UNSPIN_CASE_LOWER
                                                              : c;
  }
  int all_upper = 1, all_title = 1;
  for (size_t i = 0; i < len; i++) {
    unspin_case c = (unspin_case)r->cases[w[i].token];
    all_upper &= c == UNSPIN_CASE_UPPER;
    all_title &= c == UNSPIN_CASE_TITLE || c == UNSPIN_CASE_UPPER;
  }
  if (all_upper)
    return UNSPIN_CASE_UPPER;
  if (all_title && len > 1)
    return UNSPIN_CASE_TITLE;
  unspin_case c0 = (unspin_case)r->cases[w[0].token];
  return k == 0 && (c0 == UNSPIN_CASE_TITLE || c0 == UNSPIN_CASE_UPPER) ? UNSPIN_CASE_TITLE
                                                                        : UNSPIN_CASE_LOWER;
}

/* Writes a restored wording in the span's case and apostrophe style. */
static int render(const unspin_result *r, const char *text, const us_word *w, size_t len,
                  const char *orig, size_t olen, us_buf *out) {
  size_t nwords = 1;
  for (size_t i = 0; i < olen; i++)
    nwords += orig[i] == ' ';
  size_t a = r->tokens.v[w[0].token].start, b = r->tokens.v[w[len - 1].token].end;
  int curly = 0;
  for (size_t i = a; i + 2 < b; i++)
    curly |= !memcmp(text + i, "\xE2\x80\x99", 3);
  size_t start = out->len;
  for (size_t i = 0, word = 0; i < olen; word++) {
    size_t j = i;
    while (j < olen && orig[j] != ' ')
      j++;
    if ((word && us_buf_putc(out, ' ')) ||
        us_apply_case(orig + i, j - i, word_case(r, w, len, word, nwords, orig + i, j - i), out))
      return -1;
    i = j + (j < olen);
  }
  if (curly) { /* the key's straight apostrophes back to the text's curly ones */
    us_buf tmp = US_BUF_INIT;
    for (size_t i = start; i < out->len; i++) {
      int bad = out->data[i] == '\'' ? us_buf_append(&tmp, "\xE2\x80\x99", 3)
                                     : us_buf_putc(&tmp, out->data[i]);
      if (bad) {
        us_buf_free(&tmp);
        return -1;
      }
    }
    out->len = start;
    int bad = us_buf_append(out, tmp.data, tmp.len);
    us_buf_free(&tmp);
    return bad;
  }
  return 0;
}

/* Records a restored span, the n words w[0..n), whose wording the output
 * holds from byte `at` on: the first word gets the wording, the others an
 * empty string, and the input is copied on from the span's end. */
static int record_restoration(unspin_result *r, const us_word *w, size_t n, size_t at,
                              size_t *copied) {
  us_pass *p = &r->pass;
  p->orig_off[w[0].token] = (int64_t)p->originals.len;
  if (us_buf_append(&p->originals, r->out.data + at, r->out.len - at) ||
      us_buf_putc(&p->originals, '\0'))
    return -1;
  for (size_t k = 1; k < n; k++)
    p->orig_off[w[k].token] = (int64_t)p->originals.len - 1;
  p->restored++;
  *copied = r->tokens.v[w[n - 1].token].end;
  return 0;
}

/* Records the best few candidates that competed at word w's span. */
static int record_candidates(us_pass *p, const us_word *w, size_t i, const us_cands *c,
                             const us_decision *dec) {
  us_ranked top[CANDIDATES_KEPT];
  size_t ntop = 0;
  for (size_t k = 0; k < c->n; k++)
    if (c->v[k].start == i && dec->local[k] != -INFINITY)
      us_top_add(top, &ntop, CANDIDATES_KEPT, dec->local[k], k);
  size_t token = w[i].token;
  p->cand_at[token] = p->ncands;
  p->cand_n[token] = (uint8_t)ntop;
  for (size_t j = 0; j < ntop; j++) {
    const us_cand *k = &c->v[top[j].item];
    if (us_pass_add_candidate(p, c->text.data + k->text_off, k->text_len, k->source,
                              top[j].score))
      return -1;
  }
  return 0;
}

/* Adds the substitution of candidate c at words w to `made`. */
static int record_pair(us_pairs *made, const us_word *w, const us_cand *c, const us_cands *cands) {
  us_buf spun = US_BUF_INIT;
  int rc = us_join_keys(w, c->len, &spun);
  if (!rc)
    rc = us_pairs_add(made, spun.data, spun.len, cands->text.data + c->text_off, c->text_len,
                      w[0].token);
  us_buf_free(&spun);
  return rc;
}

/* A sentence of at most this many words without final punctuation is a
 * label ("Skip to content", "Leave a Reply"): too little context for a
 * story dictionary to vouch for a substitution (bench/tune.py: 2, 4, 6, 10
 * words, 6 best; docs/model.md §4). */
#define LABEL_WORDS 6

/* Whether the sentence whose last word is token `last` ends without a full
 * stop, question or exclamation mark: a heading, label or caption ("Leave a
 * Reply", "Skip to content"), where a capital need not mark a name nor a
 * sentence position, so says nothing of the original word. */
static int unpunctuated(const unspin_result *r, const char *text, size_t last) {
  uint32_t sentence = r->tokens.v[last].sentence;
  for (size_t i = last + 1; i < r->tokens.n && r->tokens.v[i].sentence == sentence; i++) {
    const us_token *t = &r->tokens.v[i];
    if (t->kind != UNSPIN_TOKEN_PUNCT)
      continue;
    const char *c = text + t->start;
    size_t len = t->end - t->start;
    if ((len == 1 && strchr(".!?", *c)) || (len == 3 && !memcmp(c, "\xE2\x80\xA6", 3)))
      return 0;
  }
  return 1;
}

/* Counts, for the profiles' hard EM, where the sentence's best path
 * replaced a key (a profile's edge) and where it kept a one-word key. */
static int count_keys(const unspin_engine *e, const us_word *w, size_t n, const us_cands *c,
                      const us_decision *dec, us_profile_doc *d) {
  for (size_t i = 0; i < n; i++) {
    if (dec->edge[i] < 0)
      continue;
    const us_cand *k = &c->v[dec->edge[i]];
    if (k->source == US_SRC_PROFILE) {
      us_buf spun = US_BUF_INIT;
      const char *key = c->text.data + k->text_off;
      int bad = us_pairs_add(&d->replaced, "", 0, key, k->text_len, w[i].token) ||
                us_join_keys(w + i, k->len, &spun) ||
                us_pairs_add(&d->links, spun.data, spun.len, key, k->text_len, w[i].token);
      us_buf_free(&spun);
      if (bad)
        return -1;
      continue;
    }
    if (k->source != US_SRC_IDENTITY)
      continue;
    int key = 0;
    for (size_t p = 0; p < e->nprofiles && !key; p++)
      key = us_profile_rho(e->profiles[p], w[i].key, w[i].len, NULL) > 0;
    if (key && us_pairs_add(&d->kept, "", 0, w[i].key, w[i].len, w[i].token))
      return -1;
  }
  return 0;
}

/* The history the language model gives words [i, ...) of the sentence:
 * the two before them. */
static void local_history(const unspin_engine *e, const us_word *w, size_t i, us_lm_state *h) {
  us_lm_start(h);
  for (size_t k = i >= 2 ? i - 2 : 0; k < i; k++)
    us_lm_push(&e->lm, h, &w[k].lm, US_LM_HIST);
}

/* The log-probability of words seq[0..nseq) given the history h of the
 * two words before them (local_history); h becomes the history after them. */
static double seq_logp(const unspin_engine *e, us_lm_state *h, const us_lm_word *seq,
                       size_t nseq) {
  double lp = 0;
  for (size_t k = 0; k < nseq; k++)
    lp += us_lm_next(&e->lm, h, &seq[k], US_LM_HIST);
  return lp;
}

/* lp plus the log-probability of the sentence's word after [i, i + len)
 * given h (nothing at the sentence's end). */
static double with_next(const unspin_engine *e, double lp, const us_lm_state *h,
                        const us_word *w, size_t n, size_t i, size_t len) {
  return i + len < n ? lp + us_lm_score(&e->lm, h, &w[i + len].lm) : lp;
}

/* Reports each span's word-list originals to cands->gather, the
 * US_GATHER_TOP likeliest in context.  Returns 0, or -1 when memory runs
 * out. */
static int gather_sentence(const unspin_engine *e, const us_word *w, size_t n,
                           const us_cands *cands) {
  us_buf spun = US_BUF_INIT;
  int rc = 0;
  for (size_t a = 0, b; a < cands->n && !rc; a = b) {
    const us_cand *first = &cands->v[a];
    for (b = a + 1; b < cands->n && cands->v[b].start == first->start &&
                    cands->v[b].len == first->len;
         b++)
      ;
    us_ranked top[US_GATHER_TOP]; /* by the gain over the spun words in context */
    size_t no = 0;
    double plain = 0;
    us_lm_word sw[US_MAX_SPAN];
    for (size_t k = 0; k < first->len; k++)
      sw[k] = w[first->start + k].lm;
    int have_plain = 0;
    us_lm_state hist;
    for (size_t k = a; k < b; k++) {
      const us_cand *c = &cands->v[k];
      if (c->source != US_SRC_THESAURUS && c->source != US_SRC_MORPHOLOGY)
        continue;
      if (!have_plain) {
        local_history(e, w, first->start, &hist);
        us_lm_state h = hist;
        double own = seq_logp(e, &h, sw, first->len);
        plain = with_next(e, own, &h, w, n, first->start, first->len);
        have_plain = 1;
      }
      us_lm_state h = hist;
      double own = seq_logp(e, &h, c->w, c->nwords);
      /* the next word only lowers the score: a candidate whose own words
       * cannot make the full list is not scored further */
      if (no == US_GATHER_TOP && e->lm_scale >= 0 &&
          e->lm_scale * (own + US_LM_BOUND_SLACK - plain) <= top[US_GATHER_TOP - 1].score)
        continue;
      double d = e->lm_scale * (with_next(e, own, &h, w, n, c->start, c->len) - plain);
      us_top_add(top, &no, US_GATHER_TOP, d, k);
    }
    const char *orig[US_GATHER_TOP];
    size_t olen[US_GATHER_TOP];
    double delta[US_GATHER_TOP];
    for (size_t j = 0; j < no; j++) {
      const us_cand *c = &cands->v[top[j].item];
      orig[j] = cands->text.data + c->text_off;
      olen[j] = c->text_len;
      delta[j] = top[j].score;
    }
    if (no && !(rc = us_join_keys(w + first->start, first->len, &spun)))
      rc = cands->gather->span(cands->gather->ctx, spun.data, spun.len, orig, olen, delta, no);
  }
  us_buf_free(&spun);
  return rc ? -1 : 0;
}

/* Decodes one sentence's words [w, w + n) and appends to r->out the input
 * from *copied up to each restored span, then the span's restored wording;
 * *copied advances past each span.  Each substitution made is added to
 * `made` unless it is NULL.  `unpunct`: the sentence ends without final
 * punctuation (unpunctuated()).  Returns 0, or -1 when memory runs out. */
static int restore_sentence(const unspin_engine *e, unspin_result *r, const char *text,
                            us_word *w, size_t n, int unpunct, us_cands *cands,
                            size_t *copied, us_pairs *made) {
  us_decision dec = {.edge = malloc(n * sizeof *dec.edge),
                     .spin = malloc(n * sizeof *dec.spin),
                     .lr = malloc(n * sizeof *dec.lr),
                     .lr_all = malloc(n * sizeof *dec.lr_all)};
  int rc = -1;
  /* From general resources alone a substitution must clear a floor of
   * confidence (the logistic of its margin over keeping the words): their
   * edits are right less often than those a story dictionary backs.  So
   * must one in a label, where the story has little context to match. */
  double floor = e->ndomain && !(unpunct && n <= LABEL_WORDS)
                     ? 0.0
                     : e->general_floor;
  /* what is read: the profiles' verdict reads the path, the general
   * model's the likelihood ratios; restoring, the spin of the spans whose
   * chosen edge substitutes; a result's tokens, all of it */
  int detail = !(e->opts.flags & UNSPIN_OPT_NO_TOKEN_DETAIL);
  int detect_only = (e->opts.flags & UNSPIN_OPT_DETECT_ONLY) != 0;
  dec.want = detail ? US_DECODE_SPIN | US_DECODE_LR
                    : (e->nprofiles ? 0u : US_DECODE_LR) | (detect_only ? 0u : US_DECODE_MARGIN);
  if (!dec.edge || !dec.spin || !dec.lr || !dec.lr_all ||
      us_candidates(e, w, n, cands) ||
      !(dec.local = malloc((cands->n + 1) * sizeof *dec.local)) ||
      (!cands->gather && us_decode(e, n, cands, &dec)))
    goto done;
  if (cands->gather) { /* proposing only */
    rc = gather_sentence(e, w, n, cands);
    goto done;
  }
  r->pass.llr += dec.best - dec.plain;
  r->pass.llr_words += n;
  if (cands->collect && count_keys(e, w, n, cands, &dec, cands->collect))
    goto done;
  for (size_t i = 0; i < n; i++) {
    r->pass.spin[w[i].token] = dec.spin[i];
    r->pass.lr[w[i].token] = dec.lr[i];
    r->pass.lr_all[w[i].token] = dec.lr_all[i];
    if (dec.edge[i] < 0)
      continue;
    const us_cand *c = &cands->v[dec.edge[i]];
    if (c->source != US_SRC_IDENTITY)
      r->pass.replaced += c->len;
    if (detail && record_candidates(&r->pass, w, i, cands, &dec))
      goto done;
    if (detect_only || c->source == US_SRC_IDENTITY || dec.spin[i] < floor)
      continue; /* (the text of a detection is the input) */
    size_t a = r->tokens.v[w[i].token].start;
    if (us_buf_append(&r->out, text + *copied, a - *copied))
      goto done;
    size_t at = r->out.len;
    if (render(r, text, w + i, c->len, cands->text.data + c->text_off, c->text_len, &r->out) ||
        record_restoration(r, w + i, c->len, at, copied))
      goto done;
    if (made && record_pair(made, w + i, c, cands))
      goto done;
  }
  rc = 0;
done:
  free(dec.edge);
  free(dec.spin);
  free(dec.local);
  free(dec.lr);
  free(dec.lr_all);
  return rc;
}

/* Spinners write words from their word lists: a number or a word with a
 * digit, or a word that hunspell rejects in its written form (a name such
 * as "Yonhap", a spelling the dictionary lacks), is taken as the author's. */
static int spinnable(const unspin_engine *e, const char *s, size_t len, uint8_t kind) {
  if (kind != UNSPIN_TOKEN_WORD || us_has_digit(s, len))
    return 0;
  if (!e->morph || len > 255)
    return 1;
  char w[256];
  memcpy(w, s, len);
  w[len] = '\0';
  return us_morph_spell(e->morph, w);
}

/* A word in capitals between words that are not ("the USA and its allies")
 * is an acronym or the author's emphasis: a spinner copies the case of what
 * it replaces, so its original would be in capitals too, and thesauri list
 * no words for acronyms.  It is taken as the author's, like a name.
 * Capitals next to capitals (an all-caps headline) are spinnable. */
static void keep_acronyms(unspin_result *r) {
  size_t prev = SIZE_MAX; /* the previous word's index */
  for (size_t i = 0; i < r->tokens.n; i++) {
    if (r->tokens.v[i].kind != UNSPIN_TOKEN_WORD)
      continue;
    size_t next = i + 1;
    while (next < r->tokens.n && r->tokens.v[next].kind != UNSPIN_TOKEN_WORD)
      next++;
    int upper = r->cases[i] == UNSPIN_CASE_UPPER && r->tokens.v[i].end - r->tokens.v[i].start > 1;
    int prev_upper = prev != SIZE_MAX && r->tokens.v[prev].sentence == r->tokens.v[i].sentence &&
                     r->cases[prev] == UNSPIN_CASE_UPPER;
    int next_upper = next < r->tokens.n && r->tokens.v[next].sentence == r->tokens.v[i].sentence &&
                     r->cases[next] == UNSPIN_CASE_UPPER;
    if (upper && !prev_upper && !next_upper)
      r->spinnable[i] = 0;
    prev = i;
  }
}

/* Marks the words a spinner could have written (spinnable(), less the
 * acronyms keep_acronyms() leaves to the author). */
static void mark_spinnable(const unspin_engine *e, unspin_result *r, const char *text) {
  for (size_t i = 0; i < r->tokens.n; i++) {
    const us_token *t = &r->tokens.v[i];
    r->spinnable[i] = (uint8_t)spinnable(e, text + t->start, t->end - t->start, t->kind);
  }
  keep_acronyms(r);
}

/* The document's score, its verdict, and each word's spin probability from
 * every source's ratio with the document's score as the prior (never below
 * the channel's), so a restored word is at least even.  Without spinner
 * profiles the score is the estimated share of substituted words among the
 * spinnable ones (us_substitution_rate over the word-list sources' ratios)
 * and the verdict "spun" from `threshold` on.  With profiles the verdict is
 * the spinner model's likelihood ratio against no spinner (docs/model.md
 * §5): spun when the model explains the text better, P(spun | text) =
 * sigma(llr) at even prior odds; the score is that probability times the
 * share of words the best paths replace, the expected share of spun words. */
static void estimate_rate(const unspin_engine *e, unspin_result *r) {
  for (size_t i = 0; i < r->tokens.n; i++)
    if (!r->spinnable[i])
      r->pass.lr[i] = NAN; /* not part of the estimate */
  if (e->nprofiles) {
    double llr = r->pass.llr, share = r->pass.llr_words
                                          ? (double)r->pass.replaced / (double)r->pass.llr_words
                                          : 0.0;
    r->spun = llr > 0;
    r->score = share / (1.0 + exp(-llr));
  } else {
    r->score = us_substitution_rate(r->pass.lr, r->tokens.n);
    r->spun = r->score >= e->threshold;
  }
  if (e->opts.flags & UNSPIN_OPT_NO_TOKEN_DETAIL) /* (ratios computed for some spans only) */
    memset(r->pass.spin, 0, r->tokens.n * sizeof *r->pass.spin);
  else
    us_spin_probabilities(r->pass.lr, r->pass.lr_all, r->tokens.n, r->score,
                          exp(e->channel.spin), r->pass.spin);
}

/* What the case of each of a sentence's n words says (us_case_evidence_of);
 * in a sentence without final punctuation capitals say nothing. */
static int case_evidence(const unspin_result *r, us_word *w, size_t n, int unpunct) {
  uint8_t *shapes = malloc(2 * n);
  if (!shapes)
    return -1;
  for (size_t i = 0; i < n; i++) {
    const us_token *t = &r->tokens.v[w[i].token];
    shapes[i] = us_evidence_shape((unspin_case)r->cases[w[i].token], t->end - t->start);
  }
  us_case_evidence_of(shapes, n, shapes + n);
  for (size_t i = 0; i < n; i++)
    w[i].case_ev = unpunct && shapes[n + i] == US_CASE_EV_CAPITAL ? US_CASE_EV_NONE : shapes[n + i];
  free(shapes);
  return 0;
}

/* Moves r's last pass into s, leaving r a new pass with nothing found.
 * Returns 0, or -1 when memory runs out (r unchanged). */
static int save_pass(unspin_result *r, us_pass *s) {
  *s = r->pass;
  if (us_pass_init(&r->pass, r->tokens.n)) {
    r->pass = *s;
    memset(s, 0, sizeof *s);
    return -1;
  }
  return 0;
}

/* Writes the sentence's words [w, w + n) as the saved pass restored them:
 * the same decisions a new decoding would make where nothing it was given
 * applies.  Returns 0, or -1 when memory runs out. */
static int replay_sentence(unspin_result *r, const us_pass *s, const char *text,
                           const us_word *w, size_t n, size_t *copied) {
  us_pass *p = &r->pass;
  for (size_t i = 0; i < n; i++) {
    size_t t = w[i].token;
    p->spin[t] = s->spin[t];
    p->lr[t] = s->lr[t];
    p->lr_all[t] = s->lr_all[t];
    p->cand_at[t] = p->ncands;
    p->cand_n[t] = s->cand_n[t];
    for (size_t k = 0; k < s->cand_n[t]; k++) {
      const struct us_result_cand *c = &s->cands[s->cand_at[t] + k];
      const char *ct = s->cand_text.data + c->text_off;
      if (us_pass_add_candidate(p, ct, strlen(ct), c->source, c->score))
        return -1;
    }
  }
  for (size_t i = 0; i < n; i++) {
    int64_t off = s->orig_off[w[i].token];
    if (off < 0)
      continue;
    /* a span's first word holds its wording, the others an empty string */
    const char *o = s->originals.data + off;
    size_t olen = strlen(o), last = i;
    while (last + 1 < n && s->orig_off[w[last + 1].token] >= 0 &&
           !s->originals.data[s->orig_off[w[last + 1].token]])
      last++;
    size_t a = r->tokens.v[w[i].token].start;
    if (us_buf_append(&r->out, text + *copied, a - *copied))
      return -1;
    size_t at = r->out.len;
    if (us_buf_append(&r->out, o, olen) || record_restoration(r, w + i, last - i + 1, at, copied))
      return -1;
    i = last;
  }
  return 0;
}

/* Whether the sentence's words [w, w + n) hold, where the saved pass
 * restored nothing, the spun wording of a substitution it made elsewhere
 * (wordings), or a token review_pass marked in `seen`: only there may the
 * document's substitutions change its decoding.  -1 when memory runs out. */
static int affected(const us_pass *old, const us_pair_wordings *wordings,
                    const us_kept_words *seen, const us_word *w, size_t n) {
  us_buf span = US_BUF_INIT;
  int hit = 0;
  for (size_t i = 0; i < n && !hit; i++) {
    if (seen && seen->redo[w[i].token]) {
      hit = 1;
      break;
    }
    if (!w[i].spinnable || old->orig_off[w[i].token] >= 0)
      continue;
    /* spans of joined spinnable words, as candidates are proposed */
    for (size_t len = 1; len <= US_MAX_SPAN && i + len <= n && !hit; len++) {
      if (len > 1 && (!w[i + len - 1].joined || !w[i + len - 1].spinnable))
        break;
      hit = us_join_keys(w + i, len, &span) ? -1
                                            : us_pair_wordings_has(wordings, span.data, span.len);
    }
  }
  us_buf_free(&span);
  return hit;
}

/* One decoding pass over every sentence, copying all bytes outside
 * restored spans into r->out.  With spinner profiles, `doc` (or NULL) holds
 * what an earlier pass found of their keys, and the keys this pass's best
 * paths replace and keep are counted in `collect` (unless NULL).  The
 * substitutions of an earlier pass,
 * `before` (or NULL), and what it kept, `seen` (or NULL), inform the
 * candidates' channel; those of this pass are added to `made` (unless
 * NULL).  With `old`, the pass that made `before`, sentences that hold none
 * of its spun `wordings` where it restored nothing, nor a token `seen`
 * marks for decoding again, are copied from it instead. */
static int restore_pass(const unspin_engine *e, unspin_result *r, const char *text, size_t len,
                        const us_pairs *before, us_pairs *made, const us_pass *old,
                        const us_pair_wordings *wordings, const us_kept_words *seen,
                        const us_profile_doc *doc, us_profile_doc *collect,
                        const us_gather *gather) {
  size_t copied = 0, nw = 0;
  us_word *w = malloc((r->tokens.n + 1) * sizeof *w);
  us_cands cands = {0};
  /* Learning keeps every candidate of a word's first occurrence, which a
   * cache filled by other documents would not, and an engine copy with
   * another channel has candidates of its own: a set for this pass alone,
   * which borrows the pool's caches that depend on neither (stems, forms,
   * relatedness, language-model ids). */
  us_word_caches pass_caches = {0};
  int own = gather || e->channel_copy;
  us_word_caches *pool_set = e->caches ? us_cache_pool_take(e->caches) : NULL;
  if (own && pool_set)
    us_word_caches_swap_shared(&pass_caches, pool_set);
  cands.caches = own || !e->caches ? &pass_caches : pool_set;
  cands.gather = gather;
  cands.made = before;
  cands.seen = seen;
  cands.doc = doc;
  cands.collect = collect;
  int rc = w && cands.caches ? 0 : -1;
  for (size_t i = 0; i <= r->tokens.n && !rc; i++) {
    const us_token *t = i < r->tokens.n ? &r->tokens.v[i] : NULL;
    if (nw && (!t || t->sentence != r->tokens.v[w[nw - 1].token].sentence ||
               nw == MAX_DECODE_WORDS)) {
      int redo = old ? affected(old, wordings, seen, w, nw) : 1;
      if (redo < 0)
        rc = -1;
      else if (!redo)
        rc = replay_sentence(r, old, text, w, nw, &copied);
      else {
        int unpunct = unpunctuated(r, text, w[nw - 1].token);
        if (!(rc = case_evidence(r, w, nw, unpunct)))
          rc = restore_sentence(e, r, text, w, nw, unpunct, &cands, &copied, made);
      }
      nw = 0;
    }
    if (!t || !us_token_counts(t))
      continue;
    us_word *x = &w[nw];
    x->token = i;
    x->key = r->keys.data + r->key_off[i];
    x->len = r->key_off[i + 1] - r->key_off[i] - 1;
    x->joined = nw && w[nw - 1].token == i - 1 &&
                only_space(text, r->tokens.v[i - 1].end, t->start);
    x->lm = us_lm_map(&e->lm, x->key, x->len);
    x->spinnable = r->spinnable[i];
    nw++;
  }
  if (!rc)
    rc = us_buf_append(&r->out, text + copied, len - copied);
  us_cands_free(&cands);
  if (own && pool_set)
    us_word_caches_swap_shared(&pass_caches, pool_set);
  us_word_caches_clear(&pass_caches);
  if (pool_set) {
    if (rc) /* (a failed pass may leave a word half cached) */
      us_word_caches_clear(pool_set);
    us_cache_pool_give(e->caches, pool_set);
  }
  free(w);
  return rc;
}

/* Forgets a pass's restorations (not its tokens). */
static void clear_pass(unspin_result *r) {
  us_buf_clear(&r->out);
  us_pass_clear(&r->pass, r->tokens.n);
}

/* Undoes a pass's restorations for a document called clean, keeping its
 * spin probabilities and candidates. */
static int keep_input(unspin_result *r, const char *text, size_t len) {
  us_buf_clear(&r->out);
  us_pass_forget_restorations(&r->pass, r->tokens.n);
  return us_buf_append(&r->out, text, len);
}

/* Marks the tokens whose sentences the consistency pass decodes again
 * although they hold no unrestored spun wording: where the last pass made
 * a substitution whose spun wording it restored to another original
 * elsewhere (a spinner writes one synonym for one original: each place is
 * decoded with the others' pairs counting), and, with `present`, where it
 * restored an original the document writes unreplaced elsewhere and that
 * it restored nowhere else.  Fills `seen` with the words the pass kept and
 * the one-word originals it restored.  Returns 0 (seen->redo then
 * allocated), or -1 when memory runs out. */
static int review_pass(const unspin_engine *e, const unspin_result *r, const us_pairs *made,
                       us_kept_words *seen) {
  if (!(seen->redo = calloc(r->tokens.n + 1, 1)))
    return -1;
  us_pairs originals = US_PAIRS_INIT; /* (spun, "") once per original it was restored to */
  int rc = 0;
  for (size_t i = 0; i < made->n && !rc; i++)
    rc = us_pairs_add(&originals, made->text.data + made->entry[i].off, made->entry[i].spun_len,
                      "", 0, i);
  for (size_t i = 0; i < made->n && !rc; i++) {
    const struct us_pair *x = &made->entry[i];
    if (us_pairs_count(&originals, made->text.data + x->off, x->spun_len, "", 0) > 1)
      for (size_t k = x->last; k; k = made->at[k - 1].next)
        seen->redo[made->at[k - 1].token] = 1;
  }
  us_pairs_free(&originals);
  if (rc || e->channel.present == 0)
    return rc;
  for (size_t i = 0; i < r->tokens.n; i++) {
    const char *key = r->keys.data + r->key_off[i];
    if (r->spinnable[i] && r->pass.orig_off[i] < 0 &&
        us_pairs_add(&seen->kept, "", 0, key, r->key_off[i + 1] - r->key_off[i] - 1, i))
      return -1;
  }
  for (size_t i = 0; i < made->n; i++) {
    const struct us_pair *x = &made->entry[i];
    const char *orig = made->text.data + x->off + x->spun_len + 1;
    if (memchr(orig, ' ', x->orig_len))
      continue;
    for (size_t k = x->last; k; k = made->at[k - 1].next)
      if (us_pairs_add(&seen->restored, "", 0, orig, x->orig_len, made->at[k - 1].token))
        return -1;
  }
  const us_pairs *rp = &seen->restored; /* ("", original) pairs */
  for (size_t i = 0; i < rp->n; i++) {
    const char *orig = rp->text.data + rp->entry[i].off + 1;
    size_t olen = rp->entry[i].orig_len;
    int function = us_function_word(e, orig, olen);
    for (size_t k = rp->entry[i].last; k && !function; k = rp->at[k - 1].next)
      seen->redo[rp->at[k - 1].token] |=
          (uint8_t)us_kept_words_doubt(seen, orig, olen, rp->at[k - 1].token);
  }
  return 0;
}

/* Restores the text.  A document the first pass calls spun is decoded
 * again with the substitution prior raised to `adapt` times its estimated
 * rate (empirical Bayes: the prior fits clean text, which most text is; a
 * spun document has a rate of its own).  A document called clean comes out
 * as it went in unless UNSPIN_OPT_RESTORE_CLEAN is set: the posterior of any
 * substitution in it is the token's times the document's, which is small.
 * The score stays the first pass's. */
static int restore(const unspin_engine *e, unspin_result *r, const char *text, size_t len) {
  mark_spinnable(e, r, text); /* once: each pass and the estimate read it */
  us_pairs made = US_PAIRS_INIT;
  us_pair_wordings wordings = {0};
  us_pass old = {0};
  us_kept_words seen = US_KEPT_WORDS_INIT;
  us_profile_doc doc = US_PROFILE_DOC_INIT, found = US_PROFILE_DOC_INIT;
  /* the substitutions a pass makes are kept only for the consistency pass,
   * which needs a domain dictionary (see below) */
  us_pairs *keep = e->ndomain && e->channel.consistency > 0 ? &made : NULL;
  int rc = -1;
  /* With profiles, hard EM over the document: each pass's best paths
   * count where each key was replaced and kept, and the next pass decodes
   * with rho re-estimated from those counts added to the profile's. */
  if (restore_pass(e, r, text, len, NULL, keep, NULL, NULL, NULL, NULL,
                   e->nprofiles ? &found : NULL, NULL))
    goto done;
  for (int pass = 0; e->nprofiles && pass < PROFILE_EM_PASSES; pass++) {
    us_profile_doc t = doc;
    doc = found;
    found = t;
    us_profile_doc_clear(&found);
    clear_pass(r);
    us_pairs_clear(&made);
    if (restore_pass(e, r, text, len, NULL, keep, NULL, NULL, NULL, &doc, &found, NULL))
      goto done;
  }
  /* the later passes decode with the counts the last EM pass used, so that
   * only what they are for (the raised prior, the consistency pairs)
   * differs from the pass that made the verdict */
  const us_profile_doc *counts = e->nprofiles ? &doc : NULL;
  estimate_rate(e, r);
  if ((e->opts.flags & UNSPIN_OPT_DETECT_ONLY) ||
      (!r->spun && !(e->opts.flags & UNSPIN_OPT_RESTORE_CLEAN))) {
    rc = keep_input(r, text, len);
    goto done;
  }
  double score = r->score;
  int spun = r->spun;
  unspin_engine adapted = *e;
  adapted.channel_copy = 1; /* the pool's candidates are not its own */
  double prior = e->adapt * r->score;
  if (r->spun && prior > exp(e->channel.spin)) {
    if (prior > MAX_ADAPTED_PRIOR)
      prior = MAX_ADAPTED_PRIOR;
    adapted.channel.spin = log(prior);
    adapted.channel.keep = log1p(-prior);
    clear_pass(r);
    us_pairs_clear(&made);
    if (restore_pass(&adapted, r, text, len, NULL, keep, NULL, NULL, NULL, counts, NULL, NULL))
      goto done;
    estimate_rate(&adapted, r);
  }
  /* Once more with the substitutions made, in the sentences where the spun
   * wording of one of them occurs and nothing was restored: the spinner's
   * choices are consistent.  The other sentences are copied.  Only with a
   * domain dictionary: from general resources alone edits are right less
   * often, and repeating them repeats their errors (docs/model.md §7). */
  if (keep && made.n) {
    if (us_pair_wordings_init(&wordings, &made) ||
        review_pass(e, r, &made, &seen) || save_pass(r, &old))
      goto done;
    clear_pass(r);
    if (restore_pass(&adapted, r, text, len, &made, NULL, &old, &wordings, &seen, counts, NULL,
                     NULL))
      goto done;
    estimate_rate(&adapted, r);
  }
  r->score = score;
  r->spun = spun;
  rc = 0;
done:
  us_pairs_free(&made);
  us_pair_wordings_free(&wordings);
  us_kept_words_free(&seen);
  us_profile_doc_free(&doc);
  us_profile_doc_free(&found);
  us_pass_free(&old);
  return rc;
}

/* The word lists' candidates over a text (for learning from spun text):
 * a pass that proposes and does not decode. */
int us_engine_gather(const unspin_engine *e, const char *text, size_t len, const us_gather *g,
                     us_pairs *occ, size_t *words) {
  unspin_result *r = calloc(1, sizeof *r);
  if (!r)
    return -1;
  int rc = -1;
  if (us_tokenize(text, len, &r->tokens, NULL) == UNSPIN_OK && !describe_tokens(r, text)) {
    mark_spinnable(e, r, text);
    rc = restore_pass(e, r, text, len, NULL, NULL, NULL, NULL, NULL, NULL, NULL, g) ||
                 us_count_phrases(r, occ, words)
             ? -1
             : 0;
  }
  unspin_result_free(r);
  return rc;
}

unspin_status unspin_analyze(const unspin_engine *e, const char *text, size_t len,
                             unspin_result **out, unspin_error *err) {
  if (!e || !out || (len && !text))
    return us_fail(err, UNSPIN_ERR_INVALID_ARG, -1, "unspin_analyze: NULL argument");
  *out = NULL;
  if (len > US_MAX_INPUT)
    return us_fail(err, UNSPIN_ERR_LIMIT, (int64_t)US_MAX_INPUT,
                   "input of %zu bytes exceeds the limit of %zu bytes per call", len,
                   US_MAX_INPUT);
  int64_t first;
  size_t bad = us_utf8_invalid(text, len, &first);
  if (bad && (e->opts.flags & UNSPIN_OPT_STRICT_UTF8))
    return us_fail(err, UNSPIN_ERR_UTF8, first, "invalid UTF-8 at byte offset %lld",
                   (long long)first);
  unspin_result *r = calloc(1, sizeof *r);
  if (!r)
    return us_nomem(err);
  r->invalid_utf8 = bad;
  r->first_invalid = first;
  unspin_status rc = us_tokenize(text, len, &r->tokens, err);
  if (rc == UNSPIN_OK && (describe_tokens(r, text) || us_buf_append(&r->input, text, len)))
    rc = us_nomem(err);
  if (rc == UNSPIN_OK) {
    int fail = e->ndicts || e->nprofiles ? restore(e, r, text, len)
                                         : us_buf_append(&r->out, text, len);
    if (fail)
      rc = us_nomem(err);
  }
  if (rc == UNSPIN_OK)
    rc = us_engine_damage(e, err);
  if (rc != UNSPIN_OK) {
    unspin_result_free(r);
    return rc;
  }
  if (!r->out.data && us_buf_append(&r->out, "", 0)) {
    unspin_result_free(r);
    return us_nomem(err);
  }
  *out = r;
  return UNSPIN_OK;
}
