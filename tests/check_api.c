/* check_api.c - the public API, through include/unspin.h only. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"
#include "unspin.h"

START_TEST(version_matches_header) {
  ck_assert_int_eq(unspin_version(), UNSPIN_VERSION_NUMBER);
  char want[32];
  snprintf(want, sizeof want, "%d.%d.%d", UNSPIN_VERSION_MAJOR, UNSPIN_VERSION_MINOR,
           UNSPIN_VERSION_PATCH);
  ck_assert_str_eq(unspin_version_string(), want);
}
END_TEST

START_TEST(every_status_has_a_distinct_message) {
  for (int a = UNSPIN_OK; a <= UNSPIN_ERR_LIMIT; a++) {
    ck_assert_str_ne(unspin_strerror((unspin_status)a), "unknown error");
    for (int b = a + 1; b <= UNSPIN_ERR_LIMIT; b++)
      ck_assert_str_ne(unspin_strerror((unspin_status)a), unspin_strerror((unspin_status)b));
  }
  ck_assert_str_eq(unspin_strerror((unspin_status)999), "unknown error");
}
END_TEST

static unspin_result *analyze(unsigned flags, const char *text, size_t len) {
  unspin_options o;
  unspin_options_init(&o);
  o.flags = flags;
  unspin_engine *e;
  ck_assert_int_eq(unspin_engine_new(&e, &o, NULL), UNSPIN_OK);
  unspin_result *r;
  unspin_error err;
  ck_assert_msg(unspin_analyze(e, text, len, &r, &err) == UNSPIN_OK, "%s", err.message);
  unspin_engine_free(e);
  return r;
}

static void expect_passthrough(const char *text, size_t len) {
  unspin_result *r = analyze(0, text, len);
  size_t out_len;
  const char *out = unspin_result_text(r, &out_len);
  ck_assert_uint_eq(out_len, len);
  ck_assert_msg(!memcmp(out, text, len), "output differs from input");
  ck_assert_int_eq(out[out_len], '\0');
  unspin_result_free(r);
}

START_TEST(output_is_input_byte_for_byte) {
  static const char bom_crlf[] = "\xEF\xBB\xBFHello,\r\n\r\n\tworld  \r\n";
  static const char nul[] = "a\0b\0\0c";
  static const char curly[] = "“Cyberthreats,” the NIS’s chief said…";
  expect_passthrough(bom_crlf, sizeof bom_crlf - 1);
  expect_passthrough(nul, sizeof nul - 1);
  expect_passthrough(curly, sizeof curly - 1);
  expect_passthrough("no final newline", 16);
  expect_passthrough("", 0);
  expect_passthrough(" \n\t ", 4);
}
END_TEST

START_TEST(tokens_report_spans_keys_and_shapes) {
  const char *text = "South Korea’s SPY agency joined.\nThe iPhone";
  unspin_result *r = analyze(0, text, strlen(text));
  ck_assert_uint_eq(unspin_result_token_count(r), 8);
  ck_assert_uint_eq(unspin_result_sentence_count(r), 2);
  static const char *const texts[] = {"South", "Korea’s", "SPY", "agency", "joined", ".", "The",
                                      "iPhone"};
  static const char *const keys[] = {"south", "korea's", "spy", "agency", "joined", ".", "the",
                                     "iphone"};
  static const unspin_case cases[] = {UNSPIN_CASE_TITLE, UNSPIN_CASE_TITLE, UNSPIN_CASE_UPPER,
                                      UNSPIN_CASE_LOWER, UNSPIN_CASE_LOWER, UNSPIN_CASE_NONE,
                                      UNSPIN_CASE_TITLE, UNSPIN_CASE_MIXED};
  for (size_t i = 0; i < 8; i++) {
    size_t len, start = unspin_result_token_start(r, i), end = unspin_result_token_end(r, i);
    const char *t = unspin_result_token_text(r, i, &len);
    ck_assert_str_eq(t, texts[i]);
    ck_assert_uint_eq(len, end - start);
    ck_assert(!memcmp(text + start, texts[i], len));
    ck_assert_str_eq(unspin_result_token_key(r, i, &len), keys[i]);
    ck_assert_uint_eq(len, strlen(keys[i]));
    ck_assert_int_eq(unspin_result_token_case(r, i), cases[i]);
    ck_assert_uint_eq(unspin_result_token_sentence(r, i), i < 6 ? 0 : 1);
  }
  ck_assert_int_eq(unspin_result_token_kind(r, 5), UNSPIN_TOKEN_PUNCT);
  ck_assert_int_eq(unspin_result_token_kind(r, 3), UNSPIN_TOKEN_WORD);
  /* out of range */
  size_t len = 99;
  ck_assert_ptr_null(unspin_result_token_text(r, 8, &len));
  ck_assert_uint_eq(len, 0);
  ck_assert_ptr_null(unspin_result_token_key(r, 8, NULL));
  ck_assert_uint_eq(unspin_result_token_start(r, 8), 0);
  ck_assert_int_eq(unspin_result_token_kind(r, 8), UNSPIN_TOKEN_OTHER);
  unspin_result_free(r);
}
END_TEST

START_TEST(invalid_utf8_passes_through_or_fails_strictly) {
  static const char text[] = "caf\xC3 ok \xFF";
  unspin_result *r = analyze(0, text, sizeof text - 1);
  int64_t first;
  ck_assert_uint_eq(unspin_result_invalid_utf8(r, &first), 2);
  ck_assert_int_eq(first, 3);
  size_t len;
  ck_assert(!memcmp(unspin_result_text(r, &len), text, sizeof text - 1));
  unspin_result_free(r);

  unspin_options o;
  unspin_options_init(&o);
  o.flags = UNSPIN_OPT_STRICT_UTF8;
  unspin_engine *e;
  ck_assert_int_eq(unspin_engine_new(&e, &o, NULL), UNSPIN_OK);
  unspin_error err;
  r = (unspin_result *)1;
  ck_assert_int_eq(unspin_analyze(e, text, sizeof text - 1, &r, &err), UNSPIN_ERR_UTF8);
  ck_assert_ptr_null(r);
  ck_assert_int_eq(err.status, UNSPIN_ERR_UTF8);
  ck_assert_int_eq(err.offset, 3);
  ck_assert_ptr_nonnull(strstr(err.message, "offset 3"));
  ck_assert_int_eq(unspin_analyze(e, "valid", 5, &r, &err), UNSPIN_OK);
  unspin_result_free(r);
  unspin_engine_free(e);
}
END_TEST

START_TEST(null_arguments_are_rejected) {
  unspin_engine *e;
  unspin_result *r;
  unspin_error err;
  ck_assert_int_eq(unspin_engine_new(NULL, NULL, &err), UNSPIN_ERR_INVALID_ARG);
  ck_assert_int_eq(err.status, UNSPIN_ERR_INVALID_ARG);
  ck_assert_int_eq(unspin_engine_new(&e, NULL, NULL), UNSPIN_OK);
  ck_assert_int_eq(unspin_analyze(NULL, "x", 1, &r, NULL), UNSPIN_ERR_INVALID_ARG);
  ck_assert_int_eq(unspin_analyze(e, NULL, 1, &r, NULL), UNSPIN_ERR_INVALID_ARG);
  ck_assert_int_eq(unspin_analyze(e, NULL, 0, &r, NULL), UNSPIN_OK); /* empty is fine */
  ck_assert_uint_eq(unspin_result_token_count(r), 0);
  unspin_result_free(r);
  ck_assert_int_eq(unspin_engine_add_dict(e, NULL, UNSPIN_ROLE_DOMAIN), UNSPIN_ERR_INVALID_ARG);
  ck_assert_int_eq(unspin_dict_open(NULL, "x", 0, NULL), UNSPIN_ERR_INVALID_ARG);
  unspin_builder *b;
  unspin_build_options bo;
  unspin_build_options_init(&bo);
  bo.order = 9;
  ck_assert_int_eq(unspin_builder_new(&b, &bo, &err), UNSPIN_ERR_INVALID_ARG);
  ck_assert_ptr_null(b);
  ck_assert_ptr_nonnull(strstr(err.message, "order 9"));
  unspin_engine_free(e);
  /* freeing NULL does nothing */
  unspin_engine_free(NULL);
  unspin_result_free(NULL);
  unspin_dict_free(NULL);
  unspin_builder_free(NULL);
}
END_TEST

START_TEST(older_options_struct_is_accepted) {
  unspin_options o;
  unspin_options_init(&o);
  ck_assert_uint_eq(o.struct_size, sizeof o);
  o.flags = UNSPIN_OPT_STRICT_UTF8;
  o.struct_size = offsetof(unspin_options, flags) + sizeof o.flags;
  unspin_engine *e;
  ck_assert_int_eq(unspin_engine_new(&e, &o, NULL), UNSPIN_OK);
  unspin_result *r;
  ck_assert_int_eq(unspin_analyze(e, "\xff", 1, &r, NULL), UNSPIN_ERR_UTF8);
  unspin_engine_free(e);
}
END_TEST

START_TEST(engine_borrows_dictionaries) {
  char *dir = tu_mkdtemp();
  char *path = tu_path(dir, "d.undict");
  unspin_builder *b;
  ck_assert_int_eq(unspin_builder_new(&b, NULL, NULL), UNSPIN_OK);
  ck_assert_int_eq(unspin_builder_add_text(b, "spy agency", 10, NULL), UNSPIN_OK);
  ck_assert_int_eq(unspin_builder_write(b, path, NULL), UNSPIN_OK);
  ck_assert_int_eq(unspin_builder_add_text(b, "more", 4, NULL), UNSPIN_ERR_INVALID_ARG);
  unspin_builder_free(b);
  unspin_dict *d;
  ck_assert_int_eq(unspin_dict_open(&d, path, 0, NULL), UNSPIN_OK);
  unspin_engine *e1, *e2;
  ck_assert_int_eq(unspin_engine_new(&e1, NULL, NULL), UNSPIN_OK);
  ck_assert_int_eq(unspin_engine_new(&e2, NULL, NULL), UNSPIN_OK);
  ck_assert_int_eq(unspin_engine_add_dict(e1, d, UNSPIN_ROLE_DOMAIN), UNSPIN_OK);
  ck_assert_int_eq(unspin_engine_add_dict(e2, d, UNSPIN_ROLE_GENERAL), UNSPIN_OK);
  unspin_result *r;
  ck_assert_int_eq(unspin_analyze(e1, "spy company", 11, &r, NULL), UNSPIN_OK);
  unspin_result_free(r);
  unspin_engine_free(e1);
  unspin_engine_free(e2);
  unspin_dict_free(d);
  tu_rmdir(dir);
  free(path);
}
END_TEST

static Suite *suite(void) {
  Suite *s = suite_create("api");
  TCase *tc = tcase_create("core");
  tcase_add_test(tc, version_matches_header);
  tcase_add_test(tc, every_status_has_a_distinct_message);
  tcase_add_test(tc, output_is_input_byte_for_byte);
  tcase_add_test(tc, tokens_report_spans_keys_and_shapes);
  tcase_add_test(tc, invalid_utf8_passes_through_or_fails_strictly);
  tcase_add_test(tc, null_arguments_are_rejected);
  tcase_add_test(tc, older_options_struct_is_accepted);
  tcase_add_test(tc, engine_borrows_dictionaries);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) { return tu_run(suite()); }
