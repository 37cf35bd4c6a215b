/* check_thesaurus.c - the MyThes and flat synonym list readers and the inverted synonym table
 * compiled into dictionaries (lib/thesaurus.c, lib/dict_build.c, lib/dict.c). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dict.h"
#include "test_util.h"
#include "unspin.h"

static char *dir;

static void setup(void) { dir = tu_mkdtemp(); }
static void teardown(void) { tu_rmdir(dir); }

static const char mythes[] = "UTF-8\n"
                             "agency|2\n"
                             "(noun)|federal agency|bureau|business (generic term)\n"
                             "(noun)|representation|delegacy\r\n"
                             "risk|1\n"
                             "(verb)|danger|gamble (related term)|safety (antonym)\n"
                             "may|1\n"
                             "(noun)|May|Gregorian calendar month (generic term)\n"
                             "go on|1\n"
                             "(verb)|continue|proceed with the plan now (similar term)\n";

/* Builds a dictionary from `thesaurus` text (and one line of prose). */
static unspin_status build_with(const char *thesaurus, char **out, unspin_error *err) {
  char *tpath = tu_path(dir, "th.dat");
  tu_write(tpath, thesaurus, strlen(thesaurus));
  unspin_builder *b;
  ck_assert_int_eq(unspin_builder_new(&b, NULL, NULL), UNSPIN_OK);
  ck_assert_int_eq(unspin_builder_add_text(b, "the agency", 10, NULL), UNSPIN_OK);
  unspin_status st = unspin_builder_add_thesaurus(b, tpath, err);
  *out = tu_path(dir, "th.undict");
  if (st == UNSPIN_OK)
    ck_assert_int_eq(unspin_builder_write(b, *out, NULL), UNSPIN_OK);
  unspin_builder_free(b);
  free(tpath);
  return st;
}

/* Asserts that `spun` has exactly the listed originals "text/relation/fanout". */
static void expect_originals(const unspin_dict *d, const char *spun, const char *const *want,
                             size_t nwant) {
  size_t first, n = us_dict_originals(d, spun, strlen(spun), &first);
  ck_assert_msg(n == nwant, "'%s' has %zu originals, expected %zu", spun, n, nwant);
  for (size_t i = 0; i < n; i++) {
    us_original o;
    us_dict_original(d, first + i, &o);
    char got[128];
    snprintf(got, sizeof got, "%.*s/%d/%u%s", (int)o.len, o.text, o.relation, o.fanout,
             o.forward ? "/fwd" : "");
    ck_assert_str_eq(got, want[i]);
  }
}

START_TEST(inverted_pairs) {
  char *path;
  ck_assert_int_eq(build_with(mythes, &path, NULL), UNSPIN_OK);
  unspin_dict *d;
  ck_assert_int_eq(unspin_dict_open(&d, path, 0, NULL), UNSPIN_OK);
  const char *bureau[] = {"agency/0/5"};
  expect_originals(d, "bureau", bureau, 1);
  const char *business[] = {"agency/3/5"};
  expect_originals(d, "business", business, 1);
  const char *federal[] = {"agency/0/5"};
  expect_originals(d, "federal agency", federal, 1);
  const char *danger[] = {"risk/0/2"}; /* the antonym is not counted */
  expect_originals(d, "danger", danger, 1);
  const char *gamble[] = {"risk/2/2"};
  expect_originals(d, "gamble", gamble, 1);
  expect_originals(d, "safety", NULL, 0);    /* antonyms are skipped */
  /* "May" is the headword itself: only its other term, read forward */
  const char *may[] = {"gregorian calendar month/3/2/fwd"};
  expect_originals(d, "may", may, 1);
  const char *month[] = {"may/3/2"};
  expect_originals(d, "gregorian calendar month", month, 1);
  const char *cont[] = {"go on/0/2"};
  expect_originals(d, "continue", cont, 1);
  expect_originals(d, "proceed with the plan now", NULL, 0); /* over 3 words */
  /* forward pairs, sorted by original */
  const char *agency[] = {"bureau/0/5/fwd", "business/3/5/fwd", "delegacy/0/5/fwd",
                          "federal agency/0/5/fwd", "representation/0/5/fwd"};
  expect_originals(d, "agency", agency, 5);
  const char *risk[] = {"danger/0/2/fwd", "gamble/2/2/fwd"};
  expect_originals(d, "risk", risk, 2);
  /* which words begin a phrase of the table (so that longer spans are looked up) */
  const struct {
    const char *word;
    int begins;
  } starts[] = {{"federal", 1}, {"gregorian", 1}, {"go", 1}, {"agency", 0},
                {"feder", 0},   {"federal agency", 0}, {"zzz", 0}, {"", 0}};
  for (size_t i = 0; i < sizeof starts / sizeof *starts; i++)
    ck_assert_msg(us_dict_phrases_begin(d, starts[i].word, strlen(starts[i].word)) ==
                      starts[i].begins,
                  "'%s'", starts[i].word);
  char longword[300];
  memset(longword, 'a', sizeof longword);
  ck_assert_int_eq(us_dict_phrases_begin(d, longword, sizeof longword), 1); /* may: not ruled out */
  /* n-grams are still there */
  unspin_ngram_stats s;
  ck_assert_int_eq(unspin_dict_lookup(d, "the agency", 10, &s), UNSPIN_OK);
  ck_assert_uint_eq(s.count, 1);

  /* merging carries the thesaurus */
  unspin_builder *b;
  ck_assert_int_eq(unspin_builder_new(&b, NULL, NULL), UNSPIN_OK);
  ck_assert_int_eq(unspin_builder_add_dict(b, d, NULL), UNSPIN_OK);
  char *merged = tu_path(dir, "merged.undict");
  ck_assert_int_eq(unspin_builder_write(b, merged, NULL), UNSPIN_OK);
  unspin_builder_free(b);
  size_t la, lb;
  char *x = tu_read(path, &la), *y = tu_read(merged, &lb);
  ck_assert_msg(la == lb && !memcmp(x, y, la), "a merged copy differs");
  free(x);
  free(y);
  free(merged);
  unspin_dict_free(d);
  free(path);
}
END_TEST

static const char moby[] = "agency,bureau,company,office\r\n"
                           "risk,danger,hazard,,peril\n"
                           "\n"
                           "lonely\n"
                           "go on,keep going,carry on with it all day\n";

/* Builds a dictionary from the MyThes text above and the flat list of `len`
 * bytes at `list`. */
static unspin_status build_with_list(const char *list, size_t len, char **out,
                                     unspin_error *err) {
  char *tpath = tu_path(dir, "th.dat"), *lpath = tu_path(dir, "moby.list");
  tu_write(tpath, mythes, strlen(mythes));
  tu_write(lpath, list, len);
  unspin_builder *b;
  ck_assert_int_eq(unspin_builder_new(&b, NULL, NULL), UNSPIN_OK);
  ck_assert_int_eq(unspin_builder_add_thesaurus(b, tpath, NULL), UNSPIN_OK);
  unspin_status st = unspin_builder_add_synonym_list(b, lpath, err);
  *out = tu_path(dir, "list.undict");
  if (st == UNSPIN_OK)
    ck_assert_int_eq(unspin_builder_write(b, *out, NULL), UNSPIN_OK);
  unspin_builder_free(b);
  free(tpath);
  free(lpath);
  return st;
}

START_TEST(synonym_lists) {
  char *path;
  ck_assert_int_eq(build_with_list(moby, strlen(moby), &path, NULL), UNSPIN_OK);
  unspin_dict *d;
  ck_assert_int_eq(unspin_dict_open(&d, path, 0, NULL), UNSPIN_OK);
  /* the two kinds of list are kept apart, MyThes first */
  const char *bureau[] = {"agency/0/5", "agency/5/3"};
  expect_originals(d, "bureau", bureau, 2);
  const char *company[] = {"agency/5/3"};
  expect_originals(d, "company", company, 1);
  const char *danger[] = {"risk/0/2", "risk/5/3"}; /* the empty term is not counted */
  expect_originals(d, "danger", danger, 2);
  const char *peril[] = {"risk/5/3"};
  expect_originals(d, "peril", peril, 1);
  const char *going[] = {"go on/5/2"};
  expect_originals(d, "keep going", going, 1);
  expect_originals(d, "carry on with it all day", NULL, 0); /* over 3 words */
  expect_originals(d, "lonely", NULL, 0);
  /* a flat list is read one way only: no forward pairs from it */
  const char *agency[] = {"bureau/0/5/fwd", "business/3/5/fwd", "delegacy/0/5/fwd",
                          "federal agency/0/5/fwd", "representation/0/5/fwd"};
  expect_originals(d, "agency", agency, 5);
  unspin_dict_free(d);
  free(path);

  unspin_error err;
  char bad[] = "risk,danger\nhazard,pe\xffril\n";
  ck_assert_int_eq(build_with_list(bad, strlen(bad), &path, &err), UNSPIN_ERR_FORMAT);
  ck_assert_int_eq(err.offset, 21);
  ck_assert_ptr_nonnull(strstr(err.message, "moby.list"));
  ck_assert_ptr_nonnull(strstr(err.message, "UTF-8"));
  free(path);
  unspin_builder *b;
  ck_assert_int_eq(unspin_builder_new(&b, NULL, NULL), UNSPIN_OK);
  ck_assert_int_eq(unspin_builder_add_synonym_list(b, "/nonexistent/moby.list", &err),
                   UNSPIN_ERR_IO);
  ck_assert_ptr_nonnull(strstr(err.message, "/nonexistent/moby.list"));
  ck_assert_int_eq(unspin_builder_add_synonym_list(NULL, "x", &err), UNSPIN_ERR_INVALID_ARG);
  unspin_builder_free(b);
}
END_TEST

/* A NUL byte in a synonym list is an error at its offset. */
START_TEST(synonym_list_nul_byte) {
  static const char list[] = "risk,danger\nhazard,pe\0ril\n";
  char *path;
  unspin_error err;
  ck_assert_int_eq(build_with_list(list, sizeof list - 1, &path, &err), UNSPIN_ERR_FORMAT);
  ck_assert_int_eq(err.offset, 21);
  ck_assert_ptr_nonnull(strstr(err.message, "moby.list: byte offset 21: NUL byte"));
  free(path);
  /* with invalid UTF-8 before it, that is the fault reported */
  static const char both[] = "risk,d\xe9nger\nhazard,pe\0ril\n";
  ck_assert_int_eq(build_with_list(both, sizeof both - 1, &path, &err), UNSPIN_ERR_FORMAT);
  ck_assert_int_eq(err.offset, 6);
  ck_assert_ptr_nonnull(strstr(err.message, "moby.list: byte offset 6: invalid UTF-8"));
  free(path);
}
END_TEST

static void expect_format_error(const char *text, int64_t offset) {
  char *path;
  unspin_error err;
  ck_assert_int_eq(build_with(text, &path, &err), UNSPIN_ERR_FORMAT);
  ck_assert_int_eq(err.offset, offset);
  ck_assert_ptr_nonnull(strstr(err.message, "th.dat"));
  free(path);
}

START_TEST(malformed_thesauri_are_rejected) {
  expect_format_error("", 0);
  expect_format_error("ISO8859-1\nrisk|1\n(verb)|danger\n", 0);
  expect_format_error("UTF-8\nrisk|x\n(verb)|danger\n", 6);
  expect_format_error("UTF-8\nrisk\n", 6);
  expect_format_error("UTF-8\nrisk|2\n(verb)|danger\n", 27); /* second meaning missing */
  expect_format_error("UTF-8\nrisk|2\n(verb)|danger\nhazard|1\n(noun)|peril\n", 27);
  char *path;
  ck_assert_int_eq(build_with("UTF-8\n\nrisk|1\n(verb)|danger\n\n", &path, NULL), UNSPIN_OK);
  free(path);
  unspin_builder *b;
  ck_assert_int_eq(unspin_builder_new(&b, NULL, NULL), UNSPIN_OK);
  unspin_error err;
  ck_assert_int_eq(unspin_builder_add_thesaurus(b, "/nonexistent/th.dat", &err), UNSPIN_ERR_IO);
  ck_assert_ptr_nonnull(strstr(err.message, "/nonexistent/th.dat"));
  unspin_builder_free(b);
}
END_TEST

static Suite *suite(void) {
  Suite *s = suite_create("thesaurus");
  TCase *tc = tcase_create("core");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_test(tc, inverted_pairs);
  tcase_add_test(tc, malformed_thesauri_are_rejected);
  tcase_add_test(tc, synonym_lists);
  tcase_add_test(tc, synonym_list_nul_byte);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) { return tu_run(suite()); }
