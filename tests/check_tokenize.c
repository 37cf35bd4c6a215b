/* check_tokenize.c - word and sentence segmentation (lib/tokenize.c). */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"
#include "tokenize.h"

static us_tokens toks;
static const char *src;

static void tokenize(const char *s) {
  src = s;
  ck_assert_int_eq(us_tokenize(s, strlen(s), &toks, NULL), UNSPIN_OK);
}

static void teardown(void) { us_tokens_free(&toks); }

/* Asserts that token i spans exactly `text` and has `kind`. */
static void expect(size_t i, const char *text, unspin_token_kind kind) {
  ck_assert_uint_lt(i, toks.n);
  size_t len = toks.v[i].end - toks.v[i].start;
  ck_assert_msg(len == strlen(text) && !memcmp(src + toks.v[i].start, text, len),
                "token %zu is '%.*s', expected '%s'", i, (int)len, src + toks.v[i].start, text);
  ck_assert_int_eq(toks.v[i].kind, kind);
}

START_TEST(spans_cover_input_outside_whitespace) {
  tokenize("On Thursday,  South Korea’s spy agency\tjoined.\r\n“Yes,” he said. ");
  size_t at = 0;
  for (size_t i = 0; i < toks.n; i++) {
    for (; at < toks.v[i].start; at++)
      ck_assert_msg(strchr(" \t\r\n", src[at]), "non-space byte %zu between tokens", at);
    ck_assert_uint_lt(toks.v[i].start, toks.v[i].end);
    at = toks.v[i].end;
  }
  for (; src[at]; at++)
    ck_assert(strchr(" \t\r\n", src[at]));
}
END_TEST

START_TEST(words_and_punctuation) {
  tokenize("On Thursday, the spy agency joined.");
  ck_assert_uint_eq(toks.n, 8);
  expect(0, "On", UNSPIN_TOKEN_WORD);
  expect(1, "Thursday", UNSPIN_TOKEN_WORD);
  expect(2, ",", UNSPIN_TOKEN_PUNCT);
  expect(6, "joined", UNSPIN_TOKEN_WORD);
  expect(7, ".", UNSPIN_TOKEN_PUNCT);
}
END_TEST

START_TEST(possessives_stay_one_word) {
  tokenize("South Korea’s agency and NATO's group");
  expect(1, "Korea’s", UNSPIN_TOKEN_WORD);
  expect(4, "NATO's", UNSPIN_TOKEN_WORD);
  ck_assert_uint_eq(toks.n, 6);
}
END_TEST

START_TEST(hyphen_compounds_join) {
  tokenize("a live-fire drill, Should-Learn list, COVID-19 and well‐known");
  expect(1, "live-fire", UNSPIN_TOKEN_WORD);
  expect(4, "Should-Learn", UNSPIN_TOKEN_WORD);
  expect(7, "COVID-19", UNSPIN_TOKEN_WORD);
  expect(9, "well‐known", UNSPIN_TOKEN_WORD); /* U+2010 HYPHEN */
  ck_assert_uint_eq(toks.n, 10);
}
END_TEST

START_TEST(spaced_hyphens_and_number_ranges_do_not_join) {
  tokenize("peace - war and 2019-2020");
  expect(0, "peace", UNSPIN_TOKEN_WORD);
  expect(1, "-", UNSPIN_TOKEN_PUNCT);
  expect(2, "war", UNSPIN_TOKEN_WORD);
  expect(4, "2019", UNSPIN_TOKEN_NUMBER);
  expect(5, "-", UNSPIN_TOKEN_PUNCT);
  expect(6, "2020", UNSPIN_TOKEN_NUMBER);
}
END_TEST

START_TEST(numbers_keep_separators) {
  tokenize("6,800 troops cost $860 or 2.5%");
  expect(0, "6,800", UNSPIN_TOKEN_NUMBER);
  expect(3, "$", UNSPIN_TOKEN_PUNCT);
  expect(4, "860", UNSPIN_TOKEN_NUMBER);
  expect(6, "2.5", UNSPIN_TOKEN_NUMBER);
  expect(7, "%", UNSPIN_TOKEN_PUNCT);
}
END_TEST

START_TEST(dotted_abbreviations_keep_final_dot) {
  tokenize("U.S. allies met Prof. Smith.");
  expect(0, "U.S.", UNSPIN_TOKEN_WORD);
  expect(1, "allies", UNSPIN_TOKEN_WORD);
  expect(3, "Prof", UNSPIN_TOKEN_WORD);
  expect(4, ".", UNSPIN_TOKEN_PUNCT);
  expect(5, "Smith", UNSPIN_TOKEN_WORD);
  expect(6, ".", UNSPIN_TOKEN_PUNCT);
}
END_TEST

START_TEST(sentences_respect_abbreviations) {
  tokenize("Prof. Smith met Mr. Jones. They talked! Then? Done");
  ck_assert_uint_eq(toks.sentences, 4);
  for (size_t i = 0; i < toks.n; i++) {
    size_t want = i <= 7 ? 0 : i <= 10 ? 1 : i <= 12 ? 2 : 3; /* "Jones ." ends the first */
    ck_assert_msg(toks.v[i].sentence == want, "token %zu in sentence %u, expected %zu", i,
                  toks.v[i].sentence, want);
  }
}
END_TEST

START_TEST(line_breaks_end_sentences) {
  tokenize("Skip to content\n\nSouth Korea joins\r\nthe group");
  ck_assert_uint_eq(toks.sentences, 3);
  ck_assert_uint_eq(toks.v[2].sentence, 0);
  ck_assert_uint_eq(toks.v[3].sentence, 1);
  ck_assert_uint_eq(toks.v[6].sentence, 2);
}
END_TEST

START_TEST(invalid_utf8_becomes_other) {
  tokenize("ab \xff\xfe cd");
  expect(0, "ab", UNSPIN_TOKEN_WORD);
  ck_assert_uint_eq(toks.v[1].start, 3);
  ck_assert_int_eq(toks.v[1].kind, UNSPIN_TOKEN_OTHER);
  expect(toks.n - 1, "cd", UNSPIN_TOKEN_WORD);
}
END_TEST

START_TEST(empty_and_blank_input) {
  tokenize("");
  ck_assert_uint_eq(toks.n, 0);
  ck_assert_uint_eq(toks.sentences, 0);
  tokenize(" \t\r\n ");
  ck_assert_uint_eq(toks.n, 0);
  ck_assert_uint_eq(toks.sentences, 0);
}
END_TEST

START_TEST(curly_quotes_are_punctuation) {
  tokenize("“Cyberthreats,” the NIS said");
  expect(0, "“", UNSPIN_TOKEN_PUNCT);
  expect(1, "Cyberthreats", UNSPIN_TOKEN_WORD);
  expect(3, "”", UNSPIN_TOKEN_PUNCT);
}
END_TEST

static Suite *suite(void) {
  Suite *s = suite_create("tokenize");
  TCase *tc = tcase_create("core");
  tcase_add_checked_fixture(tc, NULL, teardown);
  tcase_add_test(tc, spans_cover_input_outside_whitespace);
  tcase_add_test(tc, words_and_punctuation);
  tcase_add_test(tc, possessives_stay_one_word);
  tcase_add_test(tc, hyphen_compounds_join);
  tcase_add_test(tc, spaced_hyphens_and_number_ranges_do_not_join);
  tcase_add_test(tc, numbers_keep_separators);
  tcase_add_test(tc, dotted_abbreviations_keep_final_dot);
  tcase_add_test(tc, sentences_respect_abbreviations);
  tcase_add_test(tc, line_breaks_end_sentences);
  tcase_add_test(tc, invalid_utf8_becomes_other);
  tcase_add_test(tc, empty_and_blank_input);
  tcase_add_test(tc, curly_quotes_are_punctuation);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) { return tu_run(suite()); }
