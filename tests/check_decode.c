/* check_decode.c - the beam search on small lattices (lib/decode.c), against
 * an exhaustive search over every path. */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "engine.h"
#include "test_util.h"
#include "unspin.h"

static char *dir;
static unspin_dict *dict;
static unspin_engine *engine;

static const char corpus[] = "The cat sat on the mat. The dog ran to the log.\n"
                             "A cat ran on the mat. The dog sat on a log.\n"
                             "The cat sat on a mat and the dog ran.";
static const char *const vocab[] = {"the", "cat", "sat", "on", "mat", "dog",
                                    "ran", "to",  "log", "a",  "rug", "and"};
#define NVOCAB (sizeof vocab / sizeof *vocab)

static void setup(void) {
  dir = tu_mkdtemp();
  dict = tu_build_dict(dir, "story.undict", corpus, NULL, 3);
  ck_assert_int_eq(unspin_engine_new(&engine, NULL, NULL), UNSPIN_OK);
  ck_assert_int_eq(unspin_engine_add_dict(engine, dict, UNSPIN_ROLE_DOMAIN), UNSPIN_OK);
}

static void teardown(void) {
  unspin_engine_free(engine);
  unspin_dict_free(dict);
  tu_rmdir(dir);
}

static us_lm_word word(const char *key) { return us_lm_map(&engine->lm, key, strlen(key)); }

/* Appends an edge over words [start, start + len) whose original is the
 * space-separated `text`; candidates must be added in order of start. */
static void edge(us_cands *c, uint32_t start, uint8_t len, const char *text, uint8_t source,
                 double channel) {
  c->v = realloc(c->v, (c->n + 1) * sizeof *c->v);
  ck_assert_ptr_nonnull(c->v);
  us_cand *k = &c->v[c->n++];
  memset(k, 0, sizeof *k);
  k->start = start;
  k->len = len;
  k->source = source;
  k->channel = channel;
  k->evidence = source == US_SRC_CONTEXT || source == US_SRC_PROFILE ? -INFINITY : channel;
  char buf[64];
  strcpy(buf, text);
  for (char *w = strtok(buf, " "); w; w = strtok(NULL, " "))
    k->w[k->nwords++] = word(w);
}

/* A random lattice over n words: each word's identity edge, then
 * extra_min + (0 .. extra_span - 1) edges from it of 1-3 words with
 * originals of 1..max_words words and channel weights in (-8, 0], thesaurus
 * or (with `mixed`) context fillers. */
static void random_lattice(us_cands *c, unsigned *seed, size_t n, int extra_min, int extra_span,
                           int max_words, int mixed) {
  for (uint32_t i = 0; i < n; i++) {
    edge(c, i, 1, vocab[rand_r(seed) % NVOCAB], US_SRC_IDENTITY, -0.01);
    int extra = extra_min + rand_r(seed) % extra_span;
    for (int k = 0; k < extra; k++) {
      uint8_t len = (uint8_t)(1 + rand_r(seed) % 3);
      if (i + len > n)
        len = (uint8_t)(n - i);
      char text[64] = "";
      int words = 1 + rand_r(seed) % max_words;
      for (int j = 0; j < words; j++) {
        if (j)
          strcat(text, " ");
        strcat(text, vocab[rand_r(seed) % NVOCAB]);
      }
      double channel = -(double)(rand_r(seed) % 800) / 100.0;
      uint8_t source = US_SRC_THESAURUS;
      if (mixed && rand_r(seed) % 2 == 0)
        source = US_SRC_CONTEXT;
      edge(c, i, len, text, source, channel);
    }
  }
}

/* log P(w | hist[0..*nh)), then w appended to the history, which keeps the
 * last `keep` words. */
static double lm_step(us_lm_word *hist, int *nh, const us_lm_word *w, int keep) {
  double lp = us_lm_logprob(&engine->lm, hist, (size_t)*nh, w);
  if (*nh == keep) {
    memmove(hist, hist + 1, (size_t)(keep - 1) * sizeof *hist);
    (*nh)--;
  }
  hist[(*nh)++] = *w;
  return lp;
}

/* The score the decoder gives a path (edges chosen[0..k) in order): channel
 * weights plus the scaled language model of its words, <s> and </s>
 * included, each word given the last order - 1 before it. */
static double path_score(const us_cands *c, const size_t *chosen, size_t k) {
  int keep = engine->lm.max_order - 1;
  us_lm_word hist[8];
  int nh = 0;
  hist[nh++] = word(UNSPIN_BOS);
  double s = 0, lp = 0;
  for (size_t i = 0; i < k; i++) {
    const us_cand *e = &c->v[chosen[i]];
    s += e->channel;
    for (int j = 0; j < e->nwords; j++)
      lp += lm_step(hist, &nh, &e->w[j], keep);
  }
  us_lm_word eos = word(UNSPIN_EOS);
  lp += us_lm_logprob(&engine->lm, hist, (size_t)nh, &eos);
  return s + engine->lm_scale * lp;
}

/* Every path from word p on, by recursion; keeps the best in best/nbest. */
static void search(const us_cands *c, size_t n, size_t p, size_t *chosen, size_t k,
                   double *best_score, size_t *best, size_t *nbest) {
  if (p == n) {
    double s = path_score(c, chosen, k);
    if (s > *best_score) {
      *best_score = s;
      memcpy(best, chosen, k * sizeof *chosen);
      *nbest = k;
    }
    return;
  }
  for (size_t i = 0; i < c->n; i++)
    if (c->v[i].start == p && p + c->v[i].len <= n) {
      chosen[k] = i;
      search(c, n, p + c->v[i].len, chosen, k + 1, best_score, best, nbest);
    }
}

typedef struct decoded {
  int32_t edge[16];
  double spin[16], lr[16], lr_all[16];
  double *local;
  double best, plain;
} decoded;

/* us_decode with d.want = want (US_DECODE_*). */
static void decode_for(const us_cands *c, size_t n, unsigned want, decoded *out) {
  ck_assert_uint_le(n, 16);
  out->local = malloc((c->n + 1) * sizeof *out->local);
  ck_assert_ptr_nonnull(out->local);
  us_decision d = {.edge = out->edge, .spin = out->spin, .lr = out->lr, .lr_all = out->lr_all,
                   .local = out->local, .want = want};
  ck_assert_int_eq(us_decode(engine, n, c, &d), 0);
  out->best = d.best;
  out->plain = d.plain;
}

static void decode(const us_cands *c, size_t n, decoded *out) {
  decode_for(c, n, US_DECODE_SPIN | US_DECODE_LR, out);
}

/* The decoder's path as edge indices in order; fails unless its spans
 * tile the n words. */
static size_t decoded_path(const us_cands *c, size_t n, const decoded *d, size_t *path) {
  size_t k = 0;
  for (size_t i = 0; i < n;) {
    ck_assert_msg(d->edge[i] >= 0, "word %zu starts no span", i);
    const us_cand *e = &c->v[d->edge[i]];
    ck_assert_uint_eq(e->start, i);
    for (size_t j = i + 1; j < i + e->len; j++)
      ck_assert_int_eq(d->edge[j], -1);
    path[k++] = (size_t)d->edge[i];
    i += e->len;
  }
  return k;
}

/* A lattice over "the cat sat on the rug": identity edges, and originals
 * for some spans (one of two words, one of two words for one). */
static size_t fixed_lattice(us_cands *c, double rug_mat) {
  static const char *const spun[] = {"the", "cat", "sat", "on", "the", "rug"};
  for (uint32_t i = 0; i < 6; i++) {
    edge(c, i, 1, spun[i], US_SRC_IDENTITY, -0.01);
    if (i == 1)
      edge(c, i, 1, "dog", US_SRC_THESAURUS, -4);
    if (i == 2)
      edge(c, i, 2, "ran to", US_SRC_CONTEXT, -6);
    if (i == 4)
      edge(c, i, 2, "a mat", US_SRC_THESAURUS, -7);
    if (i == 5) {
      edge(c, i, 1, "mat", US_SRC_THESAURUS, rug_mat);
      edge(c, i, 1, "log", US_SRC_THESAURUS, rug_mat - 1);
    }
  }
  return 6;
}

START_TEST(beam_search_finds_the_best_path) {
  ck_assert_int_eq(unspin_engine_set_param(engine, "beam", 64), UNSPIN_OK);
  for (int cost = 0; cost < 3; cost++) {
    us_cands c = {0};
    double rug_mat = cost == 0 ? -1 : cost == 1 ? -4 : -40;
    size_t n = fixed_lattice(&c, rug_mat);
    decoded d;
    decode(&c, n, &d);
    size_t path[16], best[16], chosen[16], nbest = 0;
    size_t k = decoded_path(&c, n, &d, path);
    double best_score = -INFINITY;
    search(&c, n, 0, chosen, 0, &best_score, best, &nbest);
    ck_assert_double_eq_tol(path_score(&c, path, k), best_score, 1e-9);
    ck_assert_uint_eq(k, nbest);
    for (size_t i = 0; i < k; i++)
      ck_assert_uint_eq(path[i], best[i]);
    /* the seen "on the mat" wins while the substitution is cheap; at a
     * prohibitive cost the text stays as it is */
    const us_cand *last = &c.v[path[k - 1]];
    if (cost == 0)
      ck_assert_int_eq(last->source, US_SRC_THESAURUS);
    if (cost == 2)
      for (size_t i = 0; i < k; i++)
        ck_assert_int_ne(c.v[path[i]].source, US_SRC_THESAURUS);
    free(d.local);
    free(c.v);
  }
}
END_TEST

/* Spin probabilities: a word nothing could replace has 0 and no likelihood
 * ratio; a chosen substitution at least one half; the local score of the
 * chosen edge is its score in the path. */
START_TEST(spin_follows_the_margin) {
  ck_assert_int_eq(unspin_engine_set_param(engine, "beam", 64), UNSPIN_OK);
  us_cands c = {0};
  size_t n = fixed_lattice(&c, -1);
  decoded d;
  decode(&c, n, &d);
  ck_assert_double_eq(d.spin[0], 0.0); /* "the": identity only */
  ck_assert(d.lr[0] == -INFINITY && d.lr_all[0] == -INFINITY);
  const us_cand *last = &c.v[d.edge[5]];
  ck_assert_int_eq(last->source, US_SRC_THESAURUS);
  ck_assert_double_ge(d.spin[5], 0.5);
  ck_assert_double_le(d.spin[5], 1.0);
  ck_assert(isfinite(d.local[d.edge[5]]));
  /* the context filler "ran to" counts for lr_all only */
  for (size_t i = 0; i < n; i++) {
    ck_assert(d.spin[i] >= 0.0 && d.spin[i] <= 1.0);
    ck_assert(d.lr[i] <= d.lr_all[i] || d.lr[i] == -INFINITY);
  }
  free(d.local);
  free(c.v);
}
END_TEST

/* A spinner profile's link is no word-list evidence (its model has a ratio
 * of its own): "the cat sat on the rug" with "mat" proposed by a profile
 * alone has no word-list ratio at "rug", and as a thesaurus link it has.
 * The decision also reports the best path's score, which the exhaustive
 * search confirms, and the words' own language-model score, which is the
 * identity path's without its channel weights. */
START_TEST(profile_links_are_not_word_list_evidence) {
  static const char *const spun[] = {"the", "cat", "sat", "on", "the", "rug"};
  for (int thesaurus = 0; thesaurus < 2; thesaurus++) {
    us_cands c = {0};
    for (uint32_t i = 0; i < 6; i++) {
      edge(&c, i, 1, spun[i], US_SRC_IDENTITY, -0.01);
      if (i == 5)
        edge(&c, i, 1, "mat", thesaurus ? US_SRC_THESAURUS : US_SRC_PROFILE, -3);
    }
    decoded d;
    decode(&c, 6, &d);
    if (thesaurus)
      ck_assert(isfinite(d.lr[5]));
    else
      ck_assert(d.lr[5] == -INFINITY);
    ck_assert(isfinite(d.lr_all[5]));
    size_t best[8], chosen[8], nbest = 0, ident[6];
    double best_score = -INFINITY;
    search(&c, 6, 0, chosen, 0, &best_score, best, &nbest);
    ck_assert_double_eq_tol(d.best, best_score, 1e-9);
    for (size_t i = 0, k = 0; i < c.n; i++)
      if (c.v[i].source == US_SRC_IDENTITY)
        ident[k++] = i;
    ck_assert_double_eq_tol(d.plain, path_score(&c, ident, 6) + 6 * 0.01, 1e-9);
    free(d.local);
    free(c.v);
  }
}
END_TEST

/* Random lattices of 1-8 words: with a beam wide enough to hold every
 * history (256: the last two of 12 words and <s>) the search is exact;
 * with a beam of one it still returns a path
 * that tiles the words, scoring no better than the best. */
START_TEST(random_lattices_match_exhaustive_search) {
  unsigned seed = 12345;
  for (int round = 0; round < 200; round++) {
    us_cands c = {0};
    size_t n = 1 + (size_t)(rand_r(&seed) % 8);
    random_lattice(&c, &seed, n, 0, 4, 3, 1);
    size_t best[32], chosen[32], nbest = 0, path[32];
    double best_score = -INFINITY;
    search(&c, n, 0, chosen, 0, &best_score, best, &nbest);
    ck_assert_int_eq(unspin_engine_set_param(engine, "beam", 256), UNSPIN_OK);
    decoded d;
    decode(&c, n, &d);
    size_t k = decoded_path(&c, n, &d, path);
    ck_assert_msg(fabs(path_score(&c, path, k) - best_score) < 1e-9,
                  "round %d: beam search %.12f, exhaustive %.12f", round,
                  path_score(&c, path, k), best_score);
    free(d.local);
    ck_assert_int_eq(unspin_engine_set_param(engine, "beam", 1), UNSPIN_OK);
    decode(&c, n, &d);
    k = decoded_path(&c, n, &d, path);
    ck_assert_double_le(path_score(&c, path, k), best_score + 1e-9);
    free(d.local);
    free(c.v);
  }
}
END_TEST

/* The beam search as specified, with every extension scored: at each word
 * the `width` best hypotheses (one per history of the last order - 1
 * words) go on; every path reaching the end competes with </s> added.
 * Returns the best path's score.  The decoder skips extensions that cannot
 * make their beam and must find the same. */
typedef struct ref_hyp {
  double score;
  us_lm_word hist[8];
  int nh;
} ref_hyp;

static int by_score(const void *a, const void *b) {
  double x = ((const ref_hyp *)a)->score, y = ((const ref_hyp *)b)->score;
  return x < y ? 1 : x > y ? -1 : 0;
}

static double reference_beam(const us_cands *c, size_t n, size_t width) {
  int keep = engine->lm.max_order - 1;
  ref_hyp *beams[17];
  size_t nb[17] = {0};
  for (size_t i = 0; i <= n; i++) {
    beams[i] = calloc(4096, sizeof **beams);
    ck_assert_ptr_nonnull(beams[i]);
  }
  beams[0][0].hist[0] = word(UNSPIN_BOS);
  beams[0][0].nh = 1;
  nb[0] = 1;
  for (size_t p = 0; p < n; p++) {
    qsort(beams[p], nb[p], sizeof **beams, by_score);
    if (nb[p] > width)
      nb[p] = width;
    for (size_t b = 0; b < nb[p]; b++)
      for (size_t k = 0; k < c->n; k++) {
        const us_cand *e = &c->v[k];
        if (e->start != p || p + e->len > n)
          continue;
        ref_hyp h = beams[p][b];
        double lp = 0;
        for (int j = 0; j < e->nwords; j++)
          lp += lm_step(h.hist, &h.nh, &e->w[j], keep);
        h.score += e->channel + engine->lm_scale * lp;
        size_t q = p + e->len, i = 0;
        while (i < nb[q] && !(beams[q][i].nh == h.nh &&
                              !memcmp(beams[q][i].hist, h.hist, (size_t)h.nh * sizeof *h.hist)))
          i++;
        if (i == nb[q]) {
          ck_assert_uint_lt(nb[q], 4096);
          beams[q][nb[q]++] = h;
        } else if (h.score > beams[q][i].score) {
          beams[q][i] = h;
        }
      }
  }
  double best = -INFINITY;
  us_lm_word eos = word(UNSPIN_EOS);
  for (size_t i = 0; i < nb[n]; i++) {
    const ref_hyp *h = &beams[n][i];
    double s = h->score + engine->lm_scale * us_lm_logprob(&engine->lm, h->hist, (size_t)h->nh, &eos);
    if (s > best)
      best = s;
  }
  for (size_t i = 0; i <= n; i++)
    free(beams[i]);
  return best;
}

/* Narrow beams over crowded lattices, where most extensions cannot make
 * their beam: the decoder's path scores what the unpruned search finds. */
START_TEST(skipped_extensions_change_nothing) {
  unsigned seed = 777;
  for (int round = 0; round < 300; round++) {
    us_cands c = {0};
    size_t n = 2 + (size_t)(rand_r(&seed) % 10);
    random_lattice(&c, &seed, n, 2, 8, 2, 0);
    for (int width = 1; width <= 4; width++) {
      ck_assert_int_eq(unspin_engine_set_param(engine, "beam", width), UNSPIN_OK);
      decoded d;
      decode(&c, n, &d);
      size_t path[64];
      size_t k = decoded_path(&c, n, &d, path);
      double want = reference_beam(&c, n, (size_t)width);
      ck_assert_msg(fabs(path_score(&c, path, k) - want) < 1e-9,
                    "round %d, beam %d: decoder %.12f, unpruned search %.12f", round, width,
                    path_score(&c, path, k), want);
      free(d.local);
    }
    free(c.v);
  }
}
END_TEST

/* What a verdict or a restoration reads comes out of a decode that
 * computes only that as out of a full one, bit for bit: the path, best and
 * plain always; the word lists' likelihood ratios with US_DECODE_LR; with
 * US_DECODE_MARGIN everything of the spans whose chosen edge substitutes
 * (their spin is what restoring reads); context fillers and word-list edges
 * mixed.  What is not wanted stays 0 and -inf. */
START_TEST(verdict_decodes_give_the_full_decodes_figures) {
  static const unsigned wants[4] = {US_DECODE_LR, 0, US_DECODE_LR | US_DECODE_MARGIN,
                                    US_DECODE_MARGIN};
  unsigned seed = 4242;
  for (int round = 0; round < 300; round++) {
    us_cands c = {0};
    size_t n = 1 + (size_t)(rand_r(&seed) % 10);
    random_lattice(&c, &seed, n, 0, 6, 2, 1);
    for (size_t k = 0; k < c.n; k++) /* some word-list edges whose lists alone link them */
      if (c.v[k].source == US_SRC_THESAURUS && rand_r(&seed) % 4 == 0)
        c.v[k].evidence = -INFINITY;
    ck_assert_int_eq(unspin_engine_set_param(engine, "beam", 1 + round % 4), UNSPIN_OK);
    decoded full;
    decode(&c, n, &full);
    for (int p = 0; p < 4; p++) {
      decoded d;
      decode_for(&c, n, wants[p], &d);
      ck_assert(!memcmp(d.edge, full.edge, n * sizeof *d.edge));
      ck_assert_double_eq(d.best, full.best);
      ck_assert_double_eq(d.plain, full.plain);
      for (size_t i = 0, span = 0; i < n; i++) {
        if (d.edge[i] >= 0)
          span = i;
        int substitutes = c.v[d.edge[span]].source != US_SRC_IDENTITY;
        int whole = (wants[p] & US_DECODE_MARGIN) && substitutes;
        if ((wants[p] & US_DECODE_LR) || whole)
          ck_assert_msg(d.lr[i] == full.lr[i], "round %d want %u word %zu: lr %.17g, full %.17g",
                        round, wants[p], i, d.lr[i], full.lr[i]);
        else
          ck_assert(d.lr[i] == -INFINITY);
        ck_assert(whole ? d.spin[i] == full.spin[i] : d.spin[i] == 0);
        ck_assert(whole ? d.lr_all[i] == full.lr_all[i] : d.lr_all[i] == -INFINITY);
      }
      for (size_t k = 0; k < c.n; k++) {
        int whole = (wants[p] & US_DECODE_MARGIN) && full.edge[c.v[k].start] >= 0 &&
                    c.v[full.edge[c.v[k].start]].source != US_SRC_IDENTITY;
        ck_assert(whole ? d.local[k] == full.local[k] : d.local[k] == -INFINITY);
      }
      free(d.local);
    }
    free(full.local);
    free(c.v);
  }
}
END_TEST

int main(void) {
  Suite *s = suite_create("decode");
  TCase *tc = tcase_create("core");
  tcase_set_timeout(tc, 60);
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_test(tc, beam_search_finds_the_best_path);
  tcase_add_test(tc, spin_follows_the_margin);
  tcase_add_test(tc, profile_links_are_not_word_list_evidence);
  tcase_add_test(tc, random_lattices_match_exhaustive_search);
  tcase_add_test(tc, skipped_extensions_change_nothing);
  tcase_add_test(tc, verdict_decodes_give_the_full_decodes_figures);
  suite_add_tcase(s, tc);
  return tu_run(s);
}
