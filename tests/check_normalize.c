/* check_normalize.c - lookup keys, case shapes, UTF-8 validation. */
#include <check.h>
#include <string.h>

#include "normalize.h"
#include "test_util.h"
#include "utf8.h"

static void expect_key(const char *in, const char *want) {
  us_buf b = US_BUF_INIT;
  ck_assert_int_eq(us_normalize_key(in, strlen(in), &b), 0);
  ck_assert_msg(b.len == strlen(want) && !memcmp(b.data, want, b.len),
                "key of '%s' is '%s', expected '%s'", in, b.data, want);
  us_buf_free(&b);
}

START_TEST(keys_fold_case_and_unify_quotes) {
  expect_key("Agency", "agency");
  expect_key("AGENCY", "agency");
  expect_key("Korea’s", "korea's");
  expect_key("Korea's", "korea's");
  expect_key("“quoted”", "\"quoted\"");
  expect_key("well‐known", "well-known"); /* U+2010 */
  expect_key("2019–2020", "2019-2020");  /* en dash */
  expect_key("Straße", "strasse");
  expect_key("ﬁnance", "finance");       /* NFKC ligature */
  expect_key("Cafe\xCC\x81", "caf\xC3\xA9"); /* combining accent composed */
  expect_key("ＮＡＴＯ", "nato");         /* fullwidth */
  expect_key("U.S.", "u.s.");
  /* compatibility forms that bring white space lose it: a key is one word */
  expect_key("\xCD\xBA\xCD\xBA\xCD\xBA\xCD\xBA", "\xCE\xB9\xCE\xB9\xCE\xB9\xCE\xB9"); /* U+037A */
  expect_key("a\xC2\xA0" "b", "ab"); /* no-break space inside a token */
}
END_TEST

START_TEST(invalid_bytes_become_replacement_character) {
  expect_key("a\xff", "a\xEF\xBF\xBD");
}
END_TEST

static unspin_case shape(const char *s) { return us_case_shape(s, strlen(s)); }

START_TEST(case_shapes) {
  ck_assert_int_eq(shape("agency"), UNSPIN_CASE_LOWER);
  ck_assert_int_eq(shape("Agency"), UNSPIN_CASE_TITLE);
  ck_assert_int_eq(shape("AGENCY"), UNSPIN_CASE_UPPER);
  ck_assert_int_eq(shape("iPhone"), UNSPIN_CASE_MIXED);
  ck_assert_int_eq(shape("McDonald"), UNSPIN_CASE_MIXED);
  ck_assert_int_eq(shape("2008"), UNSPIN_CASE_NONE);
  ck_assert_int_eq(shape("A"), UNSPIN_CASE_TITLE);
  ck_assert_int_eq(shape("Should-Learn"), UNSPIN_CASE_TITLE);
  ck_assert_int_eq(shape("Live-fire"), UNSPIN_CASE_TITLE);
  ck_assert_int_eq(shape("live-fire"), UNSPIN_CASE_LOWER);
  ck_assert_int_eq(shape("NATO’s"), UNSPIN_CASE_UPPER);
  ck_assert_int_eq(shape("Korea's"), UNSPIN_CASE_TITLE);
  ck_assert_int_eq(shape("U.S."), UNSPIN_CASE_UPPER);
  ck_assert_int_eq(shape("Évian"), UNSPIN_CASE_TITLE);
  ck_assert_int_eq(shape("ÉCOLE"), UNSPIN_CASE_UPPER);
}
END_TEST

/* The evidence of a sentence given as its words' shapes, one letter each:
 * l lower, T Title, U UPPER, M mixed, n uncased; answers in the same way:
 * . nothing, C capital, l lower. */
static void expect_evidence(const char *shapes, const char *want) {
  static const char letters[] = "nlTUM"; /* unspin_case order; s: a short lower-case word */
  size_t n = strlen(shapes);
  uint8_t sh[64] = {0}, ev[64] = {0};
  for (size_t i = 0; i < n; i++)
    sh[i] = shapes[i] == 's' ? UNSPIN_CASE_LOWER | US_SHAPE_SHORT
                             : (uint8_t)(strchr(letters, shapes[i]) - letters);
  us_case_evidence_of(sh, n, ev);
  char got[65];
  for (size_t i = 0; i < n; i++)
    got[i] = ev[i] == US_CASE_EV_CAPITAL ? 'C' : ev[i] == US_CASE_EV_LOWER ? 'l' : '.';
  got[n] = '\0';
  ck_assert_msg(!strcmp(got, want), "%s: evidence %s, expected %s", shapes, got, want);
}

START_TEST(case_evidence) {
  expect_evidence("TllT", ".llC");     /* "We met in May" */
  expect_evidence("lllTn", ".llC."); /* "it came in May 2008" */
  expect_evidence("TUllM", "..ll.");   /* UPPER and mixed say nothing */
  expect_evidence("TTTlTT", "......"); /* a headline: "Spy Agency Joins the Cyber Unit" */
  expect_evidence("TUlllUUlT", "..lll..lC"); /* half capitalised is no headline */
  expect_evidence("llTTlll", ".l..lll"); /* a name: "the Cyber Defence centre is" */
  expect_evidence("TTll", ".Cll");       /* the first word is no name: "The May meeting was" */
  expect_evidence("llTsT", ".lCl."); /* "was the Board of Estimate": s is short lower case */
  expect_evidence("llsTn", ".llC."); /* "was held in May 2008" */
  expect_evidence("T", ".");
  expect_evidence("", "");
}
END_TEST

static size_t invalid(const char *s, size_t len, int64_t *first) {
  return us_utf8_invalid(s, len, first);
}

START_TEST(utf8_validation) {
  int64_t first;
  ck_assert_uint_eq(invalid("plain ascii", 11, &first), 0);
  ck_assert_int_eq(first, -1);
  ck_assert_uint_eq(invalid("Korea’s", strlen("Korea’s"), &first), 0);
  ck_assert_uint_eq(invalid("ab\xff" "cd", 5, &first), 1);
  ck_assert_int_eq(first, 2);
  ck_assert_uint_eq(invalid("\xC0\xAF", 2, &first), 2); /* overlong: two bad bytes */
  ck_assert_int_eq(first, 0);
  ck_assert_uint_eq(invalid("\xED\xA0\x80", 3, &first), 3); /* surrogate */
  ck_assert_uint_eq(invalid("x\xE2\x80", 3, &first), 1);    /* truncated sequence */
  ck_assert_int_eq(first, 1);
  ck_assert_uint_eq(invalid("\xF4\x90\x80\x80", 4, &first), 4); /* above U+10FFFF */
  ck_assert_uint_eq(invalid("a\0b", 3, &first), 0);             /* NUL is valid */
}
END_TEST

static Suite *suite(void) {
  Suite *s = suite_create("normalize");
  TCase *tc = tcase_create("core");
  tcase_add_test(tc, keys_fold_case_and_unify_quotes);
  tcase_add_test(tc, invalid_bytes_become_replacement_character);
  tcase_add_test(tc, case_shapes);
  tcase_add_test(tc, case_evidence);
  tcase_add_test(tc, utf8_validation);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) { return tu_run(suite()); }
