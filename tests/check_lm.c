/* check_lm.c - the Kneser-Ney language model (lib/lm.c). */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "lm.h"
#include "test_util.h"
#include "unspin.h"

static char *dir;
static unspin_dict *d1, *d2;

static const char *const corpus1 = "The cat sat on the mat. The dog sat on the log.\n"
                                   "A cat ran to the dog. The dog ran.";
static const char *const corpus2 = "A bird sat on a branch. The bird sang.";
static const char *const words[] = {"the", "cat", "sat", "on", "mat", "dog", "log", "a",
                                    "ran", "to", "bird", "branch", "sang", UNSPIN_EOS,
                                    UNSPIN_BOS};

static void setup(void) {
  dir = tu_mkdtemp();
  d1 = tu_build_dict(dir, "one.undict", corpus1, NULL, 3);
  d2 = tu_build_dict(dir, "two.undict", corpus2, NULL, 2);
}

static void teardown(void) {
  unspin_dict_free(d1);
  unspin_dict_free(d2);
  tu_rmdir(dir);
}

/* Sum of P(w | hist) over the dictionary's words plus one unknown word. */
static double total(const us_lm *lm, const char *const *hist, size_t nh) {
  us_lm_word h[4];
  for (size_t i = 0; i < nh; i++)
    h[i] = us_lm_map(lm, hist[i], strlen(hist[i]));
  double sum = 0;
  for (size_t i = 0; i < sizeof words / sizeof *words; i++) {
    us_lm_word w = us_lm_map(lm, words[i], strlen(words[i]));
    if (w.id[0] != US_LM_UNKNOWN)
      sum += exp(us_lm_logprob(lm, h, nh, &w));
  }
  us_lm_word unk = us_lm_map(lm, "zzz", 3);
  return sum + exp(us_lm_logprob(lm, h, nh, &unk));
}

START_TEST(probabilities_sum_to_one) {
  us_lm lm;
  const unspin_dict *ds[] = {d1};
  ck_assert_int_eq(us_lm_init(&lm, ds, NULL, 1), 0);
  const char *h1[] = {"the"}, *h2[] = {UNSPIN_BOS, "the"}, *h3[] = {"sat", "on"},
             *h4[] = {"on", "the"}, *h5[] = {"zebra"}, *h6[] = {"cat", "zebra"},
             *h7[] = {"dog", "ran"}, *h8[] = {UNSPIN_BOS};
  const char *const *hists[] = {NULL, h1, h2, h3, h4, h5, h6, h7, h8};
  size_t lens[] = {0, 1, 2, 2, 2, 1, 2, 2, 1};
  for (size_t i = 0; i < sizeof lens / sizeof *lens; i++) {
    double t = total(&lm, hists[i], lens[i]);
    ck_assert_msg(fabs(t - 1.0) < 1e-9, "history %zu: probabilities sum to %.12f", i, t);
  }
}
END_TEST

START_TEST(context_raises_the_seen_continuation) {
  us_lm lm;
  const unspin_dict *ds[] = {d1};
  us_lm_init(&lm, ds, NULL, 1);
  us_lm_word h[2] = {us_lm_map(&lm, "sat", 3), us_lm_map(&lm, "on", 2)};
  us_lm_word the = us_lm_map(&lm, "the", 3), cat = us_lm_map(&lm, "cat", 3);
  double p_the = us_lm_logprob(&lm, h, 2, &the), p_cat = us_lm_logprob(&lm, h, 2, &cat);
  ck_assert_double_gt(p_the, log(0.5));
  ck_assert_double_lt(p_cat, p_the - 2);
  /* the unigram level prefers words seen after many different words */
  double u_the = us_lm_logprob(&lm, NULL, 0, &the), u_cat = us_lm_logprob(&lm, NULL, 0, &cat);
  ck_assert_double_gt(u_the, u_cat);
  us_lm_word unk = us_lm_map(&lm, "zebra", 5);
  ck_assert(isfinite(us_lm_logprob(&lm, h, 2, &unk)));
  ck_assert_double_lt(us_lm_logprob(&lm, h, 2, &unk), p_cat);
}
END_TEST

START_TEST(mixture_weights_dictionaries) {
  us_lm lm;
  const unspin_dict *ds[] = {d1, d2};
  double w[] = {1, 3};
  ck_assert_int_eq(us_lm_init(&lm, ds, w, 2), 0);
  ck_assert_double_eq_tol(lm.weight[0], 0.25, 1e-12);
  ck_assert_int_eq(lm.max_order, 3);
  us_lm_word h[1] = {us_lm_map(&lm, "the", 3)};
  us_lm_word bird = us_lm_map(&lm, "bird", 4);
  ck_assert_uint_eq(bird.id[0], US_LM_UNKNOWN);
  ck_assert_uint_ne(bird.id[1], US_LM_UNKNOWN);
  us_lm one;
  us_lm_init(&one, ds, NULL, 1);
  us_lm_word bird1 = us_lm_map(&one, "bird", 4), h1[1] = {us_lm_map(&one, "the", 3)};
  ck_assert_double_gt(us_lm_logprob(&lm, h, 1, &bird), us_lm_logprob(&one, h1, 1, &bird1) + 3);
  ck_assert_int_eq(us_lm_init(&lm, ds, w, 0), -1);
}
END_TEST

/* A bigram back-off model whose values are easy to check by hand. */
static const char arpa_model[] = "A comment before the header.\n"
                                 "\\data\\\n"
                                 "ngram 1=4\n"
                                 "ngram 2=3\n"
                                 "\n"
                                 "\\1-grams:\n"
                                 "-1.0\t</s>\n"
                                 "-99\t<s>\t-0.30103\n"
                                 "-0.5\tthe\t-0.2\n"
                                 "-0.6\tcat\t0\n"
                                 "\n"
                                 "\\2-grams:\n"
                                 "-0.1 <s> the\r\n"
                                 "-0.2\tthe cat\n"
                                 "-0.3\tcat\t</s>\n"
                                 "\n"
                                 "\\end\\\n";

/* Compiles ARPA text `model` into dir/name and opens it; fails the test on error. */
static unspin_dict *arpa_dict(const char *model, const char *name, size_t *skipped) {
  char *src = tu_path(dir, "model.arpa");
  tu_write(src, model, strlen(model));
  unspin_builder *b;
  unspin_error err;
  ck_assert_int_eq(unspin_builder_new(&b, NULL, &err), UNSPIN_OK);
  ck_assert_msg(unspin_builder_add_arpa(b, src, &err) == UNSPIN_OK, "%s", err.message);
  char *out = tu_path(dir, name);
  ck_assert_msg(unspin_builder_write(b, out, &err) == UNSPIN_OK, "%s", err.message);
  if (skipped)
    *skipped = unspin_builder_skipped(b);
  unspin_builder_free(b);
  unspin_dict *d;
  ck_assert_msg(unspin_dict_open(&d, out, UNSPIN_DICT_DEFAULT, &err) == UNSPIN_OK, "%s",
                err.message);
  free(src);
  free(out);
  return d;
}

static double lm_p(const us_lm *lm, const char *h, const char *w) {
  us_lm_word hw[1] = {us_lm_map(lm, h ? h : "", h ? strlen(h) : 0)};
  us_lm_word x = us_lm_map(lm, w, strlen(w));
  return exp(us_lm_logprob(lm, hw, h ? 1 : 0, &x));
}

START_TEST(arpa_model_gives_its_probabilities) {
  size_t skipped = 99;
  unspin_dict *d = arpa_dict(arpa_model, "arpa.undict", &skipped);
  ck_assert_uint_eq(skipped, 0);
  ck_assert_int_eq(unspin_dict_is_backoff(d), 1);
  ck_assert_int_eq(unspin_dict_is_backoff(d1), 0);
  ck_assert_int_eq(unspin_dict_order(d), 2);
  ck_assert_uint_eq(unspin_dict_ngram_types(d, 2), 3);
  us_lm lm;
  const unspin_dict *ds[] = {d};
  ck_assert_int_eq(us_lm_init(&lm, ds, NULL, 1), 0);
  /* seen bigrams: their own probability */
  ck_assert_double_eq_tol(lm_p(&lm, UNSPIN_BOS, "the"), pow(10, -0.1), 1e-6);
  ck_assert_double_eq_tol(lm_p(&lm, "the", "cat"), pow(10, -0.2), 1e-6);
  ck_assert_double_eq_tol(lm_p(&lm, "cat", UNSPIN_EOS), pow(10, -0.3), 1e-6);
  /* unseen: the history's back-off weight times the unigram */
  ck_assert_double_eq_tol(lm_p(&lm, UNSPIN_BOS, "cat"), pow(10, -0.30103 - 0.6), 1e-6);
  ck_assert_double_eq_tol(lm_p(&lm, "the", UNSPIN_EOS), pow(10, -0.2 - 1.0), 1e-6);
  ck_assert_double_eq_tol(lm_p(&lm, "cat", "the"), pow(10, 0 - 0.5), 1e-6);
  ck_assert_double_eq_tol(lm_p(&lm, NULL, "cat"), pow(10, -0.6), 1e-6);
  /* a word the model lacks: the count models' unknown share, 0.01 / (V + 1);
   * an unknown history word carries no evidence */
  ck_assert_double_eq_tol(lm_p(&lm, "the", "zebra"), 0.01 / 5, 1e-9);
  ck_assert_double_eq_tol(lm_p(&lm, "zebra", "cat"), pow(10, -0.6), 1e-6);
  unspin_dict_free(d);
}
END_TEST

START_TEST(arpa_ngrams_without_keys_or_prefixes_are_left_out) {
  static const char model[] = "\\data\\\nngram 1=3\nngram 2=2\nngram 3=2\n"
                              "\\1-grams:\n-1 a -0.1\n-1 b -0.1\n-1 The\n"
                              "\\2-grams:\n-0.5 a b -0.2\n-0.5 a The 0\n"
                              "\\3-grams:\n-0.1 a b a\n-0.1 b a b\n\\end\\\n";
  size_t skipped = 0;
  unspin_dict *d = arpa_dict(model, "left-out.undict", &skipped);
  /* "The" is not a key (two n-grams with it); "b a b" has no "b a" */
  ck_assert_uint_eq(skipped, 3);
  ck_assert_uint_eq(unspin_dict_ngram_types(d, 1), 2);
  ck_assert_uint_eq(unspin_dict_ngram_types(d, 2), 1);
  ck_assert_uint_eq(unspin_dict_ngram_types(d, 3), 1);
  us_lm lm;
  const unspin_dict *ds[] = {d};
  us_lm_init(&lm, ds, NULL, 1);
  us_lm_word h[2] = {us_lm_map(&lm, "a", 1), us_lm_map(&lm, "b", 1)};
  us_lm_word a = us_lm_map(&lm, "a", 1), b = us_lm_map(&lm, "b", 1);
  ck_assert_double_eq_tol(exp(us_lm_logprob(&lm, h, 2, &a)), pow(10, -0.1), 1e-6);
  /* "a b" -> b: back off through "a b" (-0.2) and "b" (-0.1) to the unigram */
  ck_assert_double_eq_tol(exp(us_lm_logprob(&lm, h, 2, &b)), pow(10, -0.2 - 0.1 - 1), 1e-6);
  unspin_dict_free(d);
}
END_TEST

/* Compiling the `len` bytes of `model` fails with UNSPIN_ERR_FORMAT and a
 * message naming the file and holding `where`. */
static void arpa_fails_n(const char *model, size_t len, const char *where) {
  char *src = tu_path(dir, "bad.arpa");
  tu_write(src, model, len);
  unspin_builder *b;
  unspin_error err;
  ck_assert_int_eq(unspin_builder_new(&b, NULL, &err), UNSPIN_OK);
  ck_assert_int_eq(unspin_builder_add_arpa(b, src, &err), UNSPIN_ERR_FORMAT);
  ck_assert_int_eq(err.status, UNSPIN_ERR_FORMAT);
  ck_assert_msg(strstr(err.message, src) && strstr(err.message, where), "%s", err.message);
  unspin_builder_free(b);
  free(src);
}

static void arpa_fails(const char *model, const char *where) {
  arpa_fails_n(model, strlen(model), where);
}

START_TEST(malformed_arpa_files_are_rejected_with_their_line) {
  static const char head[] = "\\data\\\nngram 1=2\n\\1-grams:\n";
  arpa_fails("just text\n", "no \\data\\ header");
  arpa_fails("\\data\\\nngram 1=2\n\\1-grams:\n-1 a\n-1 b\n", "line 6 (byte 37): truncated");
  arpa_fails("\\data\\\nngram 1=2\n\\1-grams:\n-1 a\n\\end\\\n", "line 5");
  arpa_fails("\\data\\\nngram 1=1\n\\1-grams:\n-1 a\n-1 b\n\\end\\\n", "more n-grams than declared");
  char buf[256];
  snprintf(buf, sizeof buf, "%s-1 a\nminus b\n\\end\\\n", head);
  arpa_fails(buf, "line 5 (byte 32)");
  snprintf(buf, sizeof buf, "%s-1 a b\n-1 b\n\\end\\\n", head);
  arpa_fails(buf, "line 4");
  arpa_fails("\\data\\\nngram 1=1\nngram 3=1\n", "line 3");
  arpa_fails("\\data\\\nngram 1=1\n\\2-grams:\n", "line 3");
  static const char nul[] = "\\data\\\nngram 1=1\n\\1-grams:\n-1 a\0b\n\\end\\\n";
  arpa_fails_n(nul, sizeof nul - 1, "line 4 (byte 27): NUL byte");
}
END_TEST

START_TEST(backoff_models_hold_no_counts) {
  unspin_dict *d = arpa_dict(arpa_model, "arpa.undict", NULL);
  unspin_ngram_stats st;
  ck_assert_int_eq(unspin_dict_lookup(d, "the cat", 7, &st), UNSPIN_ERR_INVALID_ARG);
  const char *keys[] = {"the"};
  ck_assert_int_eq(unspin_dict_lookup_keys(d, keys, 1, &st), UNSPIN_ERR_INVALID_ARG);
  unspin_builder *b;
  unspin_error err;
  ck_assert_int_eq(unspin_builder_new(&b, NULL, &err), UNSPIN_OK);
  ck_assert_int_eq(unspin_builder_add_dict(b, d, &err), UNSPIN_ERR_INVALID_ARG);
  ck_assert_int_eq(unspin_builder_add_text(b, "a cat", 5, &err), UNSPIN_OK);
  char *src = tu_path(dir, "model.arpa");
  ck_assert_int_eq(unspin_builder_add_arpa(b, src, &err), UNSPIN_ERR_INVALID_ARG);
  unspin_builder_free(b);
  ck_assert_int_eq(unspin_builder_new(&b, NULL, &err), UNSPIN_OK);
  ck_assert_int_eq(unspin_builder_add_arpa(b, src, &err), UNSPIN_OK);
  ck_assert_int_eq(unspin_builder_add_text(b, "a cat", 5, &err), UNSPIN_ERR_INVALID_ARG);
  ck_assert_int_eq(unspin_builder_add_dict(b, d1, &err), UNSPIN_ERR_INVALID_ARG);
  unspin_builder_free(b);
  free(src);
  /* a back-off model serves only as a general model, sharing its part */
  unspin_engine *e;
  ck_assert_int_eq(unspin_engine_new(&e, NULL, &err), UNSPIN_OK);
  ck_assert_int_eq(unspin_engine_add_dict(e, d, UNSPIN_ROLE_DOMAIN), UNSPIN_ERR_INVALID_ARG);
  ck_assert_int_eq(unspin_engine_add_dict(e, d2, UNSPIN_ROLE_DOMAIN), UNSPIN_OK);
  ck_assert_int_eq(unspin_engine_add_dict(e, d1, UNSPIN_ROLE_GENERAL), UNSPIN_OK);
  ck_assert_int_eq(unspin_engine_add_dict(e, d, UNSPIN_ROLE_GENERAL), UNSPIN_OK);
  ck_assert_int_eq(unspin_engine_set_param(e, "domain_weight", 0.6), UNSPIN_OK);
  ck_assert_int_eq(unspin_engine_set_param(e, "backoff_weight", 0.25), UNSPIN_OK);
  ck_assert_double_eq_tol(e->lm.weight[0], 0.6, 1e-12);
  ck_assert_double_eq_tol(e->lm.weight[1], 0.4 * 0.75, 1e-12);
  ck_assert_double_eq_tol(e->lm.weight[2], 0.4 * 0.25, 1e-12);
  double v;
  ck_assert_int_eq(unspin_engine_get_param(e, "backoff_weight", &v), UNSPIN_OK);
  ck_assert_double_eq(v, 0.25);
  ck_assert_int_eq(unspin_engine_set_param(e, "backoff_weight", 1.0), UNSPIN_ERR_INVALID_ARG);
  unspin_engine_free(e);
  unspin_dict_free(d);
}
END_TEST

/* A state carried word by word (us_lm_next, which reuses the entries its
 * scoring found) gives what the explicit history gives (us_lm_logprob,
 * which walks from the root), in a mixture of count models of orders 3 and
 * 2 and a back-off model, with unknown words and the history cut to `keep`. */
START_TEST(carried_state_equals_the_explicit_history) {
  static const char model[] = "\\data\\\nngram 1=5\nngram 2=4\nngram 3=2\n"
                              "\\1-grams:\n-1 <s> -0.3\n-0.7 the -0.2\n-0.9 cat -0.1\n"
                              "-0.9 sat -0.1\n-1.2 </s>\n"
                              "\\2-grams:\n-0.2 <s> the -0.1\n-0.3 the cat -0.2\n"
                              "-0.4 cat sat -0.1\n-0.5 sat </s>\n"
                              "\\3-grams:\n-0.05 <s> the cat\n-0.1 the cat sat\n\\end\\\n";
  unspin_dict *d3 = arpa_dict(model, "tri.undict", NULL);
  const unspin_dict *ds[] = {d1, d2, d3};
  const double weights[] = {0.5, 0.3, 0.2};
  us_lm lm;
  ck_assert_int_eq(us_lm_init(&lm, ds, weights, 3), 0);
  static const char *const text[] = {"the", "cat", "sat", "on", "zzz", "the", "mat", "a",
                                     "bird", "sat", "on", "a", "branch", "qqq", "cat",
                                     "ran", UNSPIN_EOS};
  size_t n = sizeof text / sizeof *text;
  for (int keep = 1; keep <= 3; keep++) {
    us_lm_state s;
    us_lm_start(&s);
    us_lm_word hist[32];
    size_t nh = 0;
    hist[nh++] = us_lm_map(&lm, UNSPIN_BOS, strlen(UNSPIN_BOS));
    us_lm_push(&lm, &s, &hist[0], keep);
    for (size_t i = 0; i < n; i++) {
      us_lm_word w = us_lm_map(&lm, text[i], strlen(text[i]));
      size_t from = nh > (size_t)keep ? nh - (size_t)keep : 0;
      double want = us_lm_logprob(&lm, hist + from, nh - from, &w);
      ck_assert_double_eq(us_lm_score(&lm, &s, &w), want);
      ck_assert_double_eq(us_lm_next(&lm, &s, &w, keep), want);
      ck_assert_int_eq(s.n, nh + 1 - from < (size_t)keep ? nh + 1 - from : (size_t)keep);
      hist[nh++] = w;
    }
  }
  unspin_dict_free(d3);
}
END_TEST

static Suite *suite(void) {
  Suite *s = suite_create("lm");
  TCase *tc = tcase_create("core");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_test(tc, probabilities_sum_to_one);
  tcase_add_test(tc, context_raises_the_seen_continuation);
  tcase_add_test(tc, mixture_weights_dictionaries);
  tcase_add_test(tc, arpa_model_gives_its_probabilities);
  tcase_add_test(tc, arpa_ngrams_without_keys_or_prefixes_are_left_out);
  tcase_add_test(tc, malformed_arpa_files_are_rejected_with_their_line);
  tcase_add_test(tc, backoff_models_hold_no_counts);
  tcase_add_test(tc, carried_state_equals_the_explicit_history);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) { return tu_run(suite()); }
