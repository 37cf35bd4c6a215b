/* check_consistency.c - the set of substitutions a pass made (lib/consistency.c). */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "consistency.h"
#include "test_util.h"

static size_t elsewhere(const us_pairs *p, const char *spun, const char *orig, size_t token) {
  return us_pairs_elsewhere(p, spun, strlen(spun), orig, strlen(orig), token);
}

static void add(us_pairs *p, const char *spun, const char *orig, size_t token) {
  ck_assert_int_eq(us_pairs_add(p, spun, strlen(spun), orig, strlen(orig), token), 0);
}

START_TEST(counts_exclude_the_asking_token) {
  us_pairs p = US_PAIRS_INIT;
  ck_assert_uint_eq(elsewhere(&p, "company", "agency", 3), 0); /* empty */
  add(&p, "company", "agency", 3);
  ck_assert_uint_eq(elsewhere(&p, "company", "agency", 3), 0);
  ck_assert_uint_eq(elsewhere(&p, "company", "agency", 40), 1);
  add(&p, "company", "agency", 17);
  ck_assert_uint_eq(elsewhere(&p, "company", "agency", 3), 1);
  ck_assert_uint_eq(elsewhere(&p, "company", "agency", 17), 1);
  ck_assert_uint_eq(elsewhere(&p, "company", "agency", 40), 2);
  /* the pair, not either half: another original, another spun wording */
  ck_assert_uint_eq(elsewhere(&p, "company", "firm", 40), 0);
  ck_assert_uint_eq(elsewhere(&p, "firm", "agency", 40), 0);
  /* words joined by spaces; a prefix is another wording */
  add(&p, "workout routines within", "exercises in", 9);
  ck_assert_uint_eq(elsewhere(&p, "workout routines within", "exercises in", 50), 1);
  ck_assert_uint_eq(elsewhere(&p, "workout routines", "exercises in", 50), 0);
  ck_assert_uint_eq(elsewhere(&p, "workout routines within", "exercises", 50), 0);
  us_pairs_clear(&p);
  ck_assert_uint_eq(elsewhere(&p, "company", "agency", 40), 0);
  add(&p, "company", "agency", 5);
  ck_assert_uint_eq(elsewhere(&p, "company", "agency", 40), 1);
  us_pairs_free(&p);
  us_pairs_free(&p); /* freeing twice is harmless: the set is reset */
}
END_TEST

START_TEST(many_pairs_survive_growth) {
  us_pairs p = US_PAIRS_INIT;
  char spun[32], orig[32];
  for (size_t i = 0; i < 5000; i++) {
    snprintf(spun, sizeof spun, "spun%zu", i % 1000);
    snprintf(orig, sizeof orig, "orig%zu", i % 1000);
    add(&p, spun, orig, i);
  }
  ck_assert_uint_eq(p.n, 1000);
  for (size_t i = 0; i < 1000; i++) {
    snprintf(spun, sizeof spun, "spun%zu", i);
    snprintf(orig, sizeof orig, "orig%zu", i);
    ck_assert_uint_eq(elsewhere(&p, spun, orig, 999999), 5);
    ck_assert_uint_eq(elsewhere(&p, spun, orig, i + 2000), 4);
    snprintf(orig, sizeof orig, "orig%zu", (i + 1) % 1000);
    ck_assert_uint_eq(elsewhere(&p, spun, orig, 999999), 0);
  }
  us_pairs_free(&p);
}
END_TEST

static Suite *suite(void) {
  Suite *s = suite_create("consistency");
  TCase *tc = tcase_create("core");
  tcase_add_test(tc, counts_exclude_the_asking_token);
  tcase_add_test(tc, many_pairs_survive_growth);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) { return tu_run(suite()); }
