/* candidates.c - the candidate sources: identity, inverted thesaurus, and
 * context fillers from domain phrase dictionaries. */
#include "candidates.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dict.h"

/* Contexts with more continuations than this say little about the gap. */
#define MAX_FILLER_FANOUT 400

static int add(us_cands *c, const unspin_engine *e, uint32_t start, uint8_t len, us_source src,
               uint8_t rel, const char *text, size_t tlen, double channel) {
  size_t nwords = 1;
  for (size_t i = 0; i < tlen; i++)
    nwords += text[i] == ' ';
  if (nwords > US_MAX_SPAN)
    return 0;
  /* An original shorter than the span saves language-model cost per word
   * it lacks; the channel charges for the words the spinner added. */
  if (src != US_SRC_IDENTITY)
    channel += e->channel.length * fabs((double)len - (double)nwords);
  for (size_t i = 0; i < c->n; i++) { /* one edge per (span, text): keep the likeliest */
    us_cand *o = &c->v[i];
    if (o->start == start && o->len == len && o->text_len == tlen &&
        !memcmp(c->text.data + o->text_off, text, tlen)) {
      if (channel > o->channel) {
        o->channel = channel;
        o->source = (uint8_t)src;
        o->relation = rel;
      }
      return 0;
    }
  }
  if (c->n == c->cap) {
    size_t cap = c->cap ? 2 * c->cap : 64;
    us_cand *v = realloc(c->v, cap * sizeof *v);
    if (!v)
      return -1;
    c->v = v;
    c->cap = cap;
  }
  us_cand *k = &c->v[c->n];
  memset(k, 0, sizeof *k);
  k->start = start;
  k->len = len;
  k->source = (uint8_t)src;
  k->relation = rel;
  k->channel = channel;
  k->text_off = c->text.len;
  k->text_len = tlen;
  if (us_buf_append(&c->text, text, tlen) || us_buf_putc(&c->text, '\0'))
    return -1;
  /* map each original word for the language model */
  const char *p = c->text.data + k->text_off, *end = p + tlen;
  while (k->nwords < nwords) {
    const char *sp = memchr(p, ' ', (size_t)(end - p));
    const char *we = sp ? sp : end;
    k->w[k->nwords++] = us_lm_map(&e->lm, p, (size_t)(we - p));
    p = we + 1;
  }
  c->n++;
  return 0;
}

static int thesaurus_candidates(const unspin_engine *e, uint32_t start, uint8_t len,
                                const char *spun, size_t slen, us_cands *c) {
  const us_channel *ch = &e->channel;
  for (size_t d = 0; d < e->ndicts; d++) {
    size_t first, n = us_dict_originals(e->dicts[d], spun, slen, &first);
    for (size_t i = 0; i < n; i++) {
      us_original o;
      us_dict_original(e->dicts[d], first + i, &o);
      double w = ch->spin + ch->relation[o.relation] - ch->fanout_power * log((double)o.fanout);
      if (add(c, e, start, len, US_SRC_THESAURUS, (uint8_t)o.relation, o.text, o.len, w))
        return -1;
    }
  }
  return 0;
}

static int seen(const unspin_dict *d, const uint32_t *ids, size_t n) {
  unspin_ngram_stats s;
  return n <= (size_t)unspin_dict_order(d) && !us_dict_lookup_ids(d, ids, n, &s) && s.count > 0;
}

/* Fillers of one or two words for the gap at words [start, start + len)
 * that dictionary slot d has seen either between the word before and the
 * word after the gap (l X r, l X1 X2 r), or after the two words before it
 * when both are real words (l2 l X, l2 l X1 X2). */
static int context_candidates(const unspin_engine *e, size_t d, const us_word *words, size_t n,
                              uint32_t start, uint8_t len, us_cands *c) {
  const unspin_dict *dict = e->dicts[d];
  if (unspin_dict_order(dict) < 3 || start == 0)
    return 0;
  static const char eos_key[] = UNSPIN_EOS;
  us_lm_word eos = us_lm_map(&e->lm, eos_key, sizeof eos_key - 1);
  uint32_t l2 = start >= 2 ? words[start - 2].lm.id[d] : US_LM_UNKNOWN;
  uint32_t l1 = words[start - 1].lm.id[d];
  uint32_t r = start + len < n ? words[start + len].lm.id[d] : eos.id[d];
  if (l1 == US_LM_UNKNOWN)
    return 0;
  uint64_t lo, hi;
  if (us_dict_extensions(dict, &l1, 1, &lo, &hi) || hi - lo > MAX_FILLER_FANOUT)
    return 0;
  double w = e->channel.spin * len + e->channel.context;
  us_buf text = US_BUF_INIT;
  int rc = 0;
  for (uint64_t i = lo; i < hi && !rc; i++) {
    uint32_t x1;
    uint64_t cnt;
    us_dict_extension(dict, 1, i, &x1, &cnt);
    size_t n1;
    const char *w1 = us_dict_word(dict, x1, &n1);
    if (!n1 || w1[0] == '<')
      continue; /* a sentence marker is no filler */
    uint32_t gap1[3] = {l1, x1, r}, left1[3] = {l2, l1, x1};
    if ((r != US_LM_UNKNOWN && seen(dict, gap1, 3)) ||
        (l2 != US_LM_UNKNOWN && seen(dict, left1, 3))) {
      us_buf_clear(&text);
      if (us_buf_append(&text, w1, n1))
        rc = -1;
      else if (!(len == 1 && n1 == words[start].len && !memcmp(w1, words[start].key, n1)))
        rc = add(c, e, start, len, US_SRC_CONTEXT, 0, text.data, text.len, w);
    }
    uint32_t pair[2] = {l1, x1};
    uint64_t lo2, hi2;
    if (rc || us_dict_extensions(dict, pair, 2, &lo2, &hi2) || hi2 - lo2 > MAX_FILLER_FANOUT)
      continue;
    for (uint64_t j = lo2; j < hi2 && !rc; j++) {
      uint32_t x2;
      us_dict_extension(dict, 2, j, &x2, &cnt);
      size_t n2;
      const char *w2 = us_dict_word(dict, x2, &n2);
      uint32_t gap2[4] = {l1, x1, x2, r}, left2[4] = {l2, l1, x1, x2};
      if (!n2 || w2[0] == '<' ||
          !((r != US_LM_UNKNOWN && seen(dict, gap2, 4)) ||
            (l2 != US_LM_UNKNOWN && seen(dict, left2, 4))))
        continue;
      us_buf_clear(&text);
      if (us_buf_append(&text, w1, n1) || us_buf_putc(&text, ' ') || us_buf_append(&text, w2, n2))
        rc = -1;
      else
        rc = add(c, e, start, len, US_SRC_CONTEXT, 0, text.data, text.len, w);
    }
  }
  us_buf_free(&text);
  return rc;
}

static int by_start(const void *a, const void *b) {
  const us_cand *x = a, *y = b;
  if (x->start != y->start)
    return x->start < y->start ? -1 : 1;
  return x->len - y->len;
}

int us_candidates(const unspin_engine *e, const us_word *words, size_t n, us_cands *out) {
  out->n = 0;
  us_buf_clear(&out->text);
  us_buf spun = US_BUF_INIT;
  int rc = 0;
  for (size_t i = 0; i < n && !rc; i++) {
    rc = add(out, e, (uint32_t)i, 1, US_SRC_IDENTITY, 0, words[i].key, words[i].len,
             e->channel.keep);
    us_buf_clear(&spun);
    for (size_t len = 1; len <= US_MAX_SPAN && i + len <= n && !rc; len++) {
      if (len > 1 && !words[i + len - 1].joined)
        break;
      if ((len > 1 && us_buf_putc(&spun, ' ')) ||
          us_buf_append(&spun, words[i + len - 1].key, words[i + len - 1].len)) {
        rc = -1;
        break;
      }
      rc = thesaurus_candidates(e, (uint32_t)i, (uint8_t)len, spun.data, spun.len, out);
      for (size_t d = 0; d < e->ndicts && !rc && len <= 2; d++)
        if (e->roles[d] != UNSPIN_ROLE_GENERAL)
          rc = context_candidates(e, d, words, n, (uint32_t)i, (uint8_t)len, out);
    }
  }
  us_buf_free(&spun);
  if (!rc)
    qsort(out->v, out->n, sizeof *out->v, by_start);
  return rc;
}

void us_cands_free(us_cands *c) {
  free(c->v);
  us_buf_free(&c->text);
  c->v = NULL;
  c->n = c->cap = 0;
}
