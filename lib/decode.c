/* decode.c - beam search over the lattice of candidate originals, and
 * per-word spin probabilities from the score margins of the best path. */
#include "decode.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dict_format.h"
#include "topk.h"

typedef struct hyp {
  double score;
  int32_t back, cand;
  uint64_t key; /* hash of the history, compared before the history itself */
  us_lm_state st; /* the history */
} hyp;

typedef struct beam {
  int32_t *v;
  size_t n, cap;
  int32_t *top; /* its `width` best hypotheses so far, best first (in search.tops) */
  size_t ntop;
} beam;

typedef struct search {
  hyp *pool;
  size_t npool, cappool;
  beam *beams;
  int32_t *tops; /* every beam's `top`, width entries each */
  size_t width;  /* hypotheses a beam keeps */
} search;

/* Keeps b->top the beam's `width` best hypotheses after hypothesis x was
 * added or improved (scores only rise, so one in the list stays in it). */
static void note_top(search *s, beam *b, int32_t x) {
  size_t at = 0;
  while (at < b->ntop && b->top[at] != x)
    at++;
  if (at == b->ntop) {
    if (b->ntop < s->width)
      b->ntop++;
    else if (s->pool[x].score <= s->pool[b->top[b->ntop - 1]].score)
      return;
    at = b->ntop - 1;
  }
  while (at > 0 && s->pool[b->top[at - 1]].score < s->pool[x].score) {
    b->top[at] = b->top[at - 1];
    at--;
  }
  b->top[at] = x;
}

/* Whether a hypothesis scoring at most `bound` cannot survive beam b's
 * pruning: `width` hypotheses there already score more. */
static int beaten(const search *s, const beam *b, double bound) {
  return b->ntop == s->width && bound < s->pool[b->top[b->ntop - 1]].score;
}

static uint64_t history_key(const hyp *h) {
  uint64_t k = h->st.n;
  for (int i = 0; i < h->st.n; i++)
    for (size_t d = 0; d < US_LM_MAX_DICTS; d++)
      k = (k ^ h->st.w[i].id[d]) * 0x100000001b3ull;
  return k;
}

/* (The entries of a state follow from its words.) */
static int same_history(const hyp *a, const hyp *b) {
  return a->key == b->key && a->st.n == b->st.n &&
         !memcmp(a->st.w, b->st.w, a->st.n * sizeof *a->st.w);
}

/* Adds `h` to beam q, or improves the hypothesis with the same history. */
static int insert(search *s, size_t q, const hyp *h) {
  beam *b = &s->beams[q];
  for (size_t i = 0; i < b->n; i++) {
    hyp *o = &s->pool[b->v[i]];
    if (same_history(o, h)) {
      if (h->score > o->score) {
        *o = *h;
        note_top(s, b, b->v[i]);
      }
      return 0;
    }
  }
  hyp *p = us_grow(s->pool, &s->cappool, s->npool + 1, sizeof *p, 256);
  if (!p)
    return -1;
  s->pool = p;
  int32_t *v = us_grow(b->v, &b->cap, b->n + 1, sizeof *v, 16);
  if (!v)
    return -1;
  b->v = v;
  s->pool[s->npool] = *h;
  b->v[b->n++] = (int32_t)s->npool;
  note_top(s, b, (int32_t)s->npool++);
  return 0;
}


/* Keeps the `width` best hypotheses of a beam (selection by partial sort). */
static void prune(search *s, beam *b, size_t width) {
  for (size_t i = 0; i < b->n && i < width; i++) {
    size_t best = i;
    for (size_t j = i + 1; j < b->n; j++)
      if (s->pool[b->v[j]].score > s->pool[b->v[best]].score)
        best = j;
    int32_t t = b->v[i];
    b->v[i] = b->v[best];
    b->v[best] = t;
  }
  if (b->n > width)
    b->n = width;
}

/* Scaled log-probability of appending a candidate's words to a history. */
static double extend(const unspin_engine *e, hyp *h, const us_cand *c, int keep) {
  double lp = 0;
  for (int i = 0; i < c->nwords; i++)
    lp += us_lm_next(&e->lm, &h->st, &c->w[i], keep);
  return e->lm_scale * lp;
}

/* The best path's original words, each with the word position of the
 * edge that produced it. */
typedef struct path_word {
  us_lm_word w;
  uint32_t at;
} path_word;

/* An edge's score in the chosen path's context (its local score) is its
 * channel weight plus the language model over its words and the next keep
 * words of the path, given the path's history before it; edges of the same
 * span length compete.  It is computed in two steps: the edge's own words
 * (local_own), which bound the score from above since the rest adds
 * log-probabilities, then the path's next words (local_rest). */

/* The history the chosen path gives the words from hist_end on. */
static void path_history(const unspin_engine *e, us_lm_state *h, const path_word *pw,
                         size_t hist_end, const us_lm_word *bos, int keep) {
  us_lm_start(h);
  us_lm_push(&e->lm, h, bos, keep);
  size_t from = hist_end > (size_t)keep ? hist_end - (size_t)keep : 0;
  for (size_t i = from; i < hist_end; i++) /* <s> drops out once keep words follow */
    us_lm_push(&e->lm, h, &pw[i].w, keep);
}

static double local_own(const unspin_engine *e, const us_cand *k, us_lm_state *h, int keep) {
  double lp = 0;
  for (int i = 0; i < k->nwords; i++)
    lp += us_lm_next(&e->lm, h, &k->w[i], keep);
  return lp;
}

static double local_rest(const unspin_engine *e, double lp, us_lm_state *h, const path_word *pw,
                         size_t npw, size_t first_after, const us_lm_word *eos, int keep) {
  size_t i = first_after;
  for (int n = 0; n < keep && i < npw; n++, i++)
    lp += us_lm_next(&e->lm, h, &pw[i].w, keep);
  if (i >= npw)
    lp += us_lm_score(&e->lm, h, eos);
  return lp;
}

/* A substituting edge while its local score is worked out. */
typedef struct local_edge {
  size_t k;
  double lp, bound; /* its own words' log-probability; its score's upper bound */
  us_lm_state h;    /* the history after its own words */
} local_edge;

/* The sources detection counts (us_cand.evidence): word lists, not context
 * fillers, which a domain dictionary proposes for clean text of the same
 * story too, nor flat lists' links alone, nor spinner profiles, whose
 * verdict is their model's own. */
static int lexical(const us_cand *o) {
  return o->source != US_SRC_IDENTITY && o->source != US_SRC_CONTEXT && o->evidence != -INFINITY;
}

int us_decode(const unspin_engine *e, size_t n, const us_cands *c, us_decision *d) {
  search s = {.width = (size_t)e->beam};
  int keep = e->lm.max_order > 1 ? e->lm.max_order - 1 : 1;
  if (keep > US_LM_HIST)
    keep = US_LM_HIST;
  static const char bos_key[] = UNSPIN_BOS, eos_key[] = UNSPIN_EOS;
  us_lm_word bos = us_lm_map(&e->lm, bos_key, sizeof bos_key - 1);
  us_lm_word eos = us_lm_map(&e->lm, eos_key, sizeof eos_key - 1);
  int rc = -1;
  size_t *first = calloc(n + 1, sizeof *first);
  s.beams = calloc(n + 1, sizeof *s.beams);
  s.tops = malloc((n + 1) * s.width * sizeof *s.tops);
  if (!first || !s.beams || !s.tops)
    goto done;
  for (size_t i = 0; i <= n; i++)
    s.beams[i].top = s.tops + i * s.width;
  /* candidates are sorted by start: first[i] is the first starting at i */
  for (size_t i = 0, k = 0; i <= n; i++) {
    while (k < c->n && c->v[k].start < i)
      k++;
    first[i] = k;
  }
  hyp start = {0};
  start.back = start.cand = -1;
  us_lm_start(&start.st);
  us_lm_push(&e->lm, &start.st, &bos, keep);
  start.key = history_key(&start);
  if (insert(&s, 0, &start))
    goto done;
  for (size_t p = 0; p < n; p++) {
    beam *b = &s.beams[p];
    prune(&s, b, s.width);
    for (size_t bi = 0; bi < b->n; bi++) {
      for (size_t k = first[p]; k < c->n && c->v[k].start == p; k++) {
        const us_cand *cand = &c->v[k];
        /* log-probabilities are at most 0: a path that cannot make the
         * beam it reaches is not scored (the last one keeps every path,
         * which </s> still reorders) */
        size_t q = p + cand->len;
        if (q < n && beaten(&s, &s.beams[q], s.pool[b->v[bi]].score + cand->channel))
          continue;
        hyp h = s.pool[b->v[bi]];
        h.back = b->v[bi];
        h.cand = (int32_t)k;
        h.score += cand->channel + extend(e, &h, cand, keep);
        h.key = history_key(&h);
        if (insert(&s, p + cand->len, &h))
          goto done;
      }
    }
  }
  /* close each path with </s> and follow the best one back */
  int32_t best = -1;
  double best_score = -INFINITY;
  for (size_t i = 0; i < s.beams[n].n; i++) {
    hyp *h = &s.pool[s.beams[n].v[i]];
    double sc = h->score + e->lm_scale * us_lm_score(&e->lm, &h->st, &eos);
    if (sc > best_score) {
      best_score = sc;
      best = s.beams[n].v[i];
    }
  }
  for (size_t i = 0; i < n; i++) {
    d->edge[i] = -1;
    d->spin[i] = 0;
    d->lr[i] = d->lr_all[i] = -INFINITY;
  }
  for (int32_t h = best; h >= 0 && s.pool[h].cand >= 0; h = s.pool[h].back)
    d->edge[c->v[s.pool[h].cand].start] = s.pool[h].cand;
  /* The chosen path's original words. */
  path_word *pw = malloc((US_MAX_SPAN * n + 1) * sizeof *pw);
  if (!pw)
    goto done;
  size_t npw = 0;
  for (size_t i = 0; i < n; i++)
    if (d->edge[i] >= 0)
      for (int k = 0; k < c->v[d->edge[i]].nwords; k++)
        pw[npw++] = (path_word){c->v[d->edge[i]].w[k], (uint32_t)i};
  for (size_t k = 0; k < c->n; k++)
    d->local[k] = -INFINITY;
  /* The identity edge of each word, to score keeping a whole span. */
  const us_cand **ident = calloc(n ? n : 1, sizeof *ident);
  local_edge *le = malloc((c->n ? c->n : 1) * sizeof *le);
  if (!ident || !le) {
    free(ident);
    free(le);
    free(pw);
    goto done;
  }
  for (size_t k = 0; k < c->n; k++)
    if (c->v[k].source == US_SRC_IDENTITY && c->v[k].start < n)
      ident[c->v[k].start] = &c->v[k];
  /* Spin probability of each chosen span's words: the logistic of the
   * margin between its best substituting candidate and keeping the words
   * that candidate covers, each scored in the chosen path's context (a
   * two-word original competes with keeping both words).  Only these
   * maxima and the word's few best local scores (which the result keeps)
   * are needed: an edge whose upper bound cannot reach any of them is not
   * scored further, and its local score stays -inf.  For the likelihood
   * ratio alone (a span d->want does not show) only the word lists' edges
   * count, and only while they can raise it. */
  for (size_t i = 0, at = 0; i < n && d->want; i++) {
    if (d->edge[i] < 0)
      continue;
    const us_cand *chosen = &c->v[d->edge[i]];
    int shown = (d->want & US_DECODE_SPIN) ||
                ((d->want & US_DECODE_MARGIN) && chosen->source != US_SRC_IDENTITY);
    size_t hist_end = at;
    at += chosen->nwords;
    if (!shown && !(d->want & US_DECODE_LR))
      continue;
    double margin = -INFINITY, lr = -INFINITY, lr_all = -INFINITY;
    us_lm_state hist;
    path_history(e, &hist, pw, hist_end, &bos, keep);
    us_ranked top[US_DECODE_LOCAL_TOP]; /* the word's best local scores so far */
    size_t ntop = 0;
    unsigned lens = 0; /* the span lengths that candidates starting here have */
    for (size_t k = first[i]; k < c->n && c->v[k].start == i; k++)
      if (shown || lexical(&c->v[k]))
        lens |= 1u << c->v[k].len;
    for (uint8_t len = 1; len <= US_MAX_SPAN && i + len <= n; len++) {
      if (!(lens & (1u << len)))
        continue; /* nothing competes with keeping these words */
      /* the path words after the span, and keeping its words as they are */
      size_t after = hist_end;
      while (after < npw && pw[after].at < i + len)
        after++;
      us_cand kept = {.start = (uint32_t)i, .len = len, .nwords = len, .source = US_SRC_IDENTITY};
      int whole = 1;
      for (uint8_t j = 0; j < len && whole; j++) {
        whole = ident[i + j] != NULL;
        if (whole) {
          kept.w[j] = ident[i + j]->w[0];
          kept.channel += ident[i + j]->channel;
        }
      }
      if (!whole)
        break;
      us_lm_state h = hist;
      double keep_lp = local_own(e, &kept, &h, keep);
      double keep_score =
          kept.channel + e->lm_scale * local_rest(e, keep_lp, &h, pw, npw, after, &eos, keep);
      double spin_score = -INFINITY, lexical_score = -INFINITY;
      size_t m = 0; /* the substituting edges of this length, by bound, highest first */
      for (size_t k = first[i]; k < c->n && c->v[k].start == i; k++) {
        const us_cand *o = &c->v[k];
        if (o->len != len)
          continue;
        if (o->source == US_SRC_IDENTITY && shown) {
          d->local[k] = keep_score;
          us_top_add(top, &ntop, US_DECODE_LOCAL_TOP, keep_score, k);
        }
        if (o->source == US_SRC_IDENTITY || (!shown && !lexical(o)))
          continue;
        local_edge x = {.k = k, .h = hist};
        x.lp = local_own(e, o, &x.h, keep);
        x.bound = o->channel + e->lm_scale * x.lp + US_LM_BOUND_SLACK;
        size_t j = m++;
        for (; j > 0 && le[j - 1].bound < x.bound; j--)
          le[j] = le[j - 1];
        le[j] = x;
      }
      for (size_t j = 0; j < m; j++) {
        const us_cand *o = &c->v[le[j].k];
        int lex = lexical(o);
        if (e->lm_scale > 0 &&
            (!shown || (le[j].bound < spin_score && ntop == US_DECODE_LOCAL_TOP &&
                        le[j].bound < top[US_DECODE_LOCAL_TOP - 1].score)) &&
            (!lex || le[j].bound - o->channel + o->evidence < lexical_score))
          continue; /* it can change none of them */
        double sc = o->channel + e->lm_scale * local_rest(e, le[j].lp, &le[j].h, pw, npw, after,
                                                          &eos, keep);
        if (shown) {
          d->local[le[j].k] = sc;
          us_top_add(top, &ntop, US_DECODE_LOCAL_TOP, sc, le[j].k);
        }
        if (sc > spin_score)
          spin_score = sc;
        if (lex && sc - o->channel + o->evidence > lexical_score)
          lexical_score = sc - o->channel + o->evidence;
      }
      /* likelihood ratios without the prior odds the channel put in */
      double prior = e->channel.spin - len * e->channel.keep;
      if (spin_score - keep_score > margin)
        margin = spin_score - keep_score;
      if (lexical_score - keep_score - prior > lr)
        lr = lexical_score - keep_score - prior;
      if (spin_score - keep_score - prior > lr_all)
        lr_all = spin_score - keep_score - prior;
    }
    double p = margin == -INFINITY ? 0.0 : 1.0 / (1.0 + exp(-margin));
    for (size_t j = i; j < i + chosen->len && j < n; j++) {
      d->lr[j] = lr;
      if (shown) {
        d->spin[j] = p;
        d->lr_all[j] = lr_all;
      }
    }
  }
  /* the path that keeps every word, scored by the language model alone:
   * the text as no spinner touched it */
  hyp plain = start;
  d->plain = 0;
  for (size_t i = 0; i < n; i++) {
    if (!ident[i])
      continue;
    d->plain += e->lm_scale * us_lm_next(&e->lm, &plain.st, &ident[i]->w[0], keep);
  }
  d->plain += e->lm_scale * us_lm_score(&e->lm, &plain.st, &eos);
  d->best = best_score;
  free(le);
  free(ident);
  free(pw);
  rc = 0;
done:
  if (s.beams)
    for (size_t i = 0; i <= n; i++)
      free(s.beams[i].v);
  free(s.beams);
  free(s.tops);
  free(s.pool);
  free(first);
  return rc;
}
