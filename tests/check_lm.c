/* check_lm.c - the Kneser-Ney language model (lib/lm.c). */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

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

static Suite *suite(void) {
  Suite *s = suite_create("lm");
  TCase *tc = tcase_create("core");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_test(tc, probabilities_sum_to_one);
  tcase_add_test(tc, context_raises_the_seen_continuation);
  tcase_add_test(tc, mixture_weights_dictionaries);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) { return tu_run(suite()); }
