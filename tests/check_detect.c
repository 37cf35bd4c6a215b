/* check_detect.c - the document's substitution rate and the words' spin
 * probabilities (lib/detect.c). */
#include <check.h>
#include <math.h>
#include <stdlib.h>

#include "detect.h"
#include "test_util.h"

/* Certain words decide the rate alone: m substituted (+inf) among n, the
 * rest kept (-inf), gives m / n; words left out (NaN) do not count. */
START_TEST(certain_words_give_their_share) {
  double lr[12];
  for (size_t i = 0; i < 10; i++)
    lr[i] = i < 3 ? INFINITY : -INFINITY;
  ck_assert_double_eq_tol(us_substitution_rate(lr, 10), 0.3, 1e-9);
  lr[10] = lr[11] = NAN;
  ck_assert_double_eq_tol(us_substitution_rate(lr, 12), 0.3, 1e-9);
  for (size_t i = 0; i < 12; i++)
    lr[i] = NAN;
  ck_assert_double_eq(us_substitution_rate(lr, 12), 0.0);
  ck_assert_double_eq(us_substitution_rate(lr, 0), 0.0);
  for (size_t i = 0; i < 12; i++)
    lr[i] = -INFINITY;
  ck_assert_double_eq(us_substitution_rate(lr, 12), 0.0);
}
END_TEST

/* The estimate is the maximum-likelihood weight: a fixed point of the EM
 * update, and the mixture likelihood is lower on either side of it. */
START_TEST(rate_maximises_the_mixture_likelihood) {
  unsigned seed = 7;
  double lr[500];
  for (size_t i = 0; i < 500; i++) /* mostly kept words, some strong evidence */
    lr[i] = i % 9 == 0 ? 2.0 + (double)(rand_r(&seed) % 500) / 100.0
                       : -4.0 + (double)(rand_r(&seed) % 500) / 100.0;
  double pi = us_substitution_rate(lr, 500);
  ck_assert(pi > 0.0 && pi < 1.0);
  double update = 0, ll = 0, lo = 0, hi = 0;
  for (size_t i = 0; i < 500; i++) {
    double odds = exp(lr[i]);
    update += pi * odds / (pi * odds + 1.0 - pi);
    ll += log(pi * odds + 1.0 - pi);
    lo += log((pi - 0.01) * odds + 1.0 - (pi - 0.01));
    hi += log((pi + 0.01) * odds + 1.0 - (pi + 0.01));
  }
  ck_assert_double_eq_tol(update / 500, pi, 1e-5);
  ck_assert(ll > lo && ll > hi);
}
END_TEST

START_TEST(spin_probability_is_the_posterior) {
  const double lr[] = {0.0, NAN, 1.0, 1.0, -INFINITY};
  const double lr_all[] = {0.0, 3.0, 2.0, INFINITY, -INFINITY};
  double spin[5];
  us_spin_probabilities(lr, lr_all, 5, 0.2, 0.003, spin);
  /* even odds of the evidence: the prior itself */
  ck_assert_double_eq_tol(spin[0], 0.2, 1e-12);
  ck_assert_double_eq(spin[1], 0.0); /* a word that does not count */
  double odds = exp(2.0) * 0.2 / 0.8;
  ck_assert_double_eq_tol(spin[2], odds / (1 + odds), 1e-12);
  ck_assert_double_eq(spin[3], 1.0);
  ck_assert_double_eq(spin[4], 0.0); /* nothing could replace it */
  /* the prior never falls below the floor */
  us_spin_probabilities(lr, lr_all, 1, 0.0, 0.003, spin);
  ck_assert_double_eq_tol(spin[0], 0.003, 1e-12);
}
END_TEST

int main(void) {
  Suite *s = suite_create("detect");
  TCase *tc = tcase_create("core");
  tcase_add_test(tc, certain_words_give_their_share);
  tcase_add_test(tc, rate_maximises_the_mixture_likelihood);
  tcase_add_test(tc, spin_probability_is_the_posterior);
  suite_add_tcase(s, tc);
  return tu_run(s);
}
