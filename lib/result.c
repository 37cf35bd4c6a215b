/* result.c - read access to analysis results. */
#include "result.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

int us_pass_init(us_pass *p, size_t n) {
  memset(p, 0, sizeof *p);
  p->spin = calloc(n + 1, sizeof *p->spin);
  p->lr = calloc(n + 1, sizeof *p->lr);
  p->lr_all = calloc(n + 1, sizeof *p->lr_all);
  p->orig_off = calloc(n + 1, sizeof *p->orig_off);
  p->cand_at = calloc(n + 1, sizeof *p->cand_at);
  p->cand_n = calloc(n + 1, 1);
  if (!p->spin || !p->lr || !p->lr_all || !p->orig_off || !p->cand_at ||
      !p->cand_n) {
    us_pass_free(p);
    return -1;
  }
  us_pass_clear(p, n);
  return 0;
}

void us_pass_forget_restorations(us_pass *p, size_t n) {
  us_buf_clear(&p->originals);
  p->restored = 0;
  for (size_t i = 0; i < n; i++)
    p->orig_off[i] = -1;
}

void us_pass_clear(us_pass *p, size_t n) {
  us_pass_forget_restorations(p, n);
  us_buf_clear(&p->cand_text);
  p->ncands = 0;
  for (size_t i = 0; i < n; i++) {
    p->cand_n[i] = 0;
    p->spin[i] = 0;
    p->lr[i] = p->lr_all[i] = -INFINITY;
  }
  p->llr = 0;
  p->llr_words = p->replaced = 0;
}

int us_pass_add_candidate(us_pass *p, const char *text, size_t len, uint8_t source, double score) {
  struct us_result_cand *v = us_grow(p->cands, &p->cands_cap, p->ncands + 1, sizeof *v, 64);
  if (!v)
    return -1;
  p->cands = v;
  p->cands[p->ncands] = (struct us_result_cand){p->cand_text.len, source, score};
  if (us_buf_append(&p->cand_text, text, len) || us_buf_putc(&p->cand_text, '\0'))
    return -1;
  p->ncands++;
  return 0;
}

void us_pass_free(us_pass *p) {
  free(p->spin);
  free(p->lr);
  free(p->lr_all);
  free(p->orig_off);
  free(p->cand_at);
  free(p->cand_n);
  free(p->cands);
  us_buf_free(&p->originals);
  us_buf_free(&p->cand_text);
  memset(p, 0, sizeof *p);
}

const char *unspin_result_text(const unspin_result *r, size_t *len) {
  if (len)
    *len = r ? r->out.len : 0;
  return r && r->out.data ? r->out.data : "";
}

size_t unspin_result_invalid_utf8(const unspin_result *r, int64_t *first_offset) {
  if (first_offset)
    *first_offset = r ? r->first_invalid : -1;
  return r ? r->invalid_utf8 : 0;
}

size_t unspin_result_token_count(const unspin_result *r) { return r ? r->tokens.n : 0; }

size_t unspin_result_sentence_count(const unspin_result *r) {
  return r ? r->tokens.sentences : 0;
}

static const us_token *tok(const unspin_result *r, size_t i) {
  return r && i < r->tokens.n ? &r->tokens.v[i] : NULL;
}

size_t unspin_result_token_start(const unspin_result *r, size_t i) {
  const us_token *t = tok(r, i);
  return t ? t->start : 0;
}

size_t unspin_result_token_end(const unspin_result *r, size_t i) {
  const us_token *t = tok(r, i);
  return t ? t->end : 0;
}

const char *unspin_result_token_text(const unspin_result *r, size_t i, size_t *len) {
  const us_token *t = tok(r, i);
  if (len)
    *len = t ? t->end - t->start : 0;
  return t ? r->texts.data + r->text_off[i] : NULL;
}

const char *unspin_result_token_key(const unspin_result *r, size_t i, size_t *len) {
  const us_token *t = tok(r, i);
  if (!t) {
    if (len)
      *len = 0;
    return NULL;
  }
  const char *k = r->keys.data + r->key_off[i];
  if (len)
    *len = r->key_off[i + 1] - r->key_off[i] - 1;
  return k;
}

unspin_token_kind unspin_result_token_kind(const unspin_result *r, size_t i) {
  const us_token *t = tok(r, i);
  return t ? (unspin_token_kind)t->kind : UNSPIN_TOKEN_OTHER;
}

unspin_case unspin_result_token_case(const unspin_result *r, size_t i) {
  return tok(r, i) ? (unspin_case)r->cases[i] : UNSPIN_CASE_NONE;
}

size_t unspin_result_token_sentence(const unspin_result *r, size_t i) {
  const us_token *t = tok(r, i);
  return t ? t->sentence : 0;
}

double unspin_result_token_spin(const unspin_result *r, size_t i) {
  return tok(r, i) && r->pass.spin ? r->pass.spin[i] : 0.0;
}

const char *unspin_result_token_original(const unspin_result *r, size_t i, size_t *len) {
  const char *o = tok(r, i) && r->pass.orig_off && r->pass.orig_off[i] >= 0
                      ? r->pass.originals.data + r->pass.orig_off[i]
                      : NULL;
  if (len)
    *len = o ? strlen(o) : 0;
  return o;
}

size_t unspin_result_restored_count(const unspin_result *r) { return r ? r->pass.restored : 0; }

int unspin_result_next_edit(const unspin_result *r, size_t *pos, size_t *start, size_t *end,
                            const char **original, size_t *len) {
  if (!r || !pos || !start || !end || !original)
    return 0;
  const int64_t *off = r->pass.orig_off;
  const char *o = r->pass.originals.data;
  size_t i = *pos;
  while (i < r->tokens.n && (off[i] < 0 || !o[off[i]]))
    i++;
  if (i >= r->tokens.n)
    return 0;
  /* the span runs to the last following token that it merged (original "") */
  size_t j = i;
  while (j + 1 < r->tokens.n && off[j + 1] >= 0 && !o[off[j + 1]])
    j++;
  *start = r->tokens.v[i].start;
  *end = r->tokens.v[j].end;
  *original = o + off[i];
  if (len)
    *len = strlen(*original);
  *pos = j + 1;
  return 1;
}

const char *unspin_source_name(unspin_source s) {
  switch (s) {
  case UNSPIN_SOURCE_IDENTITY: return "identity";
  case UNSPIN_SOURCE_THESAURUS: return "thesaurus";
  case UNSPIN_SOURCE_CONTEXT: return "context";
  case UNSPIN_SOURCE_PROFILE: return "profile";
  case UNSPIN_SOURCE_MORPHOLOGY: return "morphology";
  }
  return "unknown";
}

size_t unspin_result_token_candidate_count(const unspin_result *r, size_t i) {
  return tok(r, i) && r->pass.cand_n ? r->pass.cand_n[i] : 0;
}

const char *unspin_result_token_candidate(const unspin_result *r, size_t i, size_t k, size_t *len,
                                          unspin_source *source, double *score) {
  if (k >= unspin_result_token_candidate_count(r, i)) {
    if (len)
      *len = 0;
    return NULL;
  }
  const struct us_result_cand *c = &r->pass.cands[r->pass.cand_at[i] + k];
  const char *t = r->pass.cand_text.data + c->text_off;
  if (len)
    *len = strlen(t);
  if (source)
    *source = (unspin_source)c->source;
  if (score)
    *score = c->score;
  return t;
}

double unspin_result_score(const unspin_result *r) { return r ? r->score : 0.0; }

int unspin_result_is_spun(const unspin_result *r) { return r ? r->spun : 0; }

void unspin_result_free(unspin_result *r) {
  if (!r)
    return;
  us_pass_free(&r->pass);
  free(r->spinnable);
  us_buf_free(&r->out);
  us_buf_free(&r->input);
  us_tokens_free(&r->tokens);
  us_buf_free(&r->texts);
  us_buf_free(&r->keys);
  free(r->text_off);
  free(r->key_off);
  free(r->cases);
  free(r);
}
