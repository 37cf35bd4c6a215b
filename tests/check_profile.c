/* check_profile.c - spinner profiles: the two formats, the probabilities
 * the spinner model reads from them (hand-computed), and malformed files. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "profile.h"
#include "test_util.h"

static unspin_profile *parse(const char *text) {
  unspin_profile *p;
  unspin_error err;
  ck_assert_msg(unspin_profile_parse(&p, text, strlen(text), "t.profile", &err) == UNSPIN_OK, "%s",
                err.message);
  return p;
}

/* The link from `spun` to `key`: its log-probability; fails unless there
 * is exactly one. */
static void link_of(const unspin_profile *p, const char *spun, const char *key, double *logp) {
  size_t first, n = us_profile_links(p, spun, strlen(spun), &first), found = 0;
  for (size_t i = 0; i < n; i++) {
    const char *k;
    size_t len;
    size_t at;
    us_profile_link(p, first + i, &k, &len, &at);
    if (len == strlen(key) && !memcmp(k, key, len)) {
      *logp = log(us_profile_rho_at(p, at, k, len, NULL)) +
              us_profile_logq_at(p, first + i, k, len, spun, strlen(spun), NULL);
      found++;
    }
  }
  ck_assert_msg(found == 1, "%s -> %s: %zu links", spun, key, found);
}

/* A counted profile: rho = (r + 1/2) / (n + 1), q = (c + 1/2) / (r + m/2),
 * and the source's word probabilities (n_w + 1/2) / (N + V/2) over the N
 * words of V kinds that the one-word lines count. */
START_TEST(counted_probabilities_are_the_posterior_means) {
  unspin_profile *p = parse("# unspin profile 2\n"
                            "# a comment\n"
                            "agency\t9\t7\tcompany\t5\tfirm\t2\n"
                            "company\t20\t0\n"
                            "Year\t10\t10\t12 months\t10\r\n"
                            "say\t1000\t1000\tstate\t1000\n");
  ck_assert(unspin_profile_counted(p));
  ck_assert_uint_eq(unspin_profile_size(p), 4);
  double lp;
  link_of(p, "company", "agency", &lp);
  ck_assert_double_eq_tol(lp, log(7.5 / 10 * 5.5 / 8), 1e-12);
  link_of(p, "firm", "agency", &lp);
  ck_assert_double_eq_tol(lp, log(7.5 / 10 * 2.5 / 8), 1e-12);
  /* the key was read case-insensitively */
  link_of(p, "12 months", "year", &lp);
  ck_assert_double_eq_tol(lp, log(10.5 / 11) + log(10.5 / 10.5), 1e-12);
  /* N = 9 + 20 + 10 + 1000 words of V = 4 kinds; "firm" and "months" unseen */
  ck_assert_double_eq_tol(us_profile_source_logp(p, "agency", 6), log(9.5 / 1041), 1e-12);
  ck_assert_double_eq_tol(us_profile_source_logp(p, "firm", 4), log(0.5 / 1041), 1e-12);
  ck_assert_double_eq_tol(us_profile_source_logp(p, "say year", 8),
                          log(1000.5 / 1041) + log(10.5 / 1041), 1e-12);
  ck_assert_double_eq_tol(us_profile_rho(p, "agency", 6, NULL), 0.75, 1e-12);
  ck_assert_double_eq_tol(us_profile_rho(p, "company", 7, NULL), 0.0, 1e-12); /* no synonyms */
  ck_assert_double_eq_tol(us_profile_rho(p, "year", 4, NULL), 10.5 / 11, 1e-12);
  ck_assert_double_eq_tol(us_profile_rho(p, "say", 3, NULL), 1 - US_PROFILE_EPS, 1e-12); /* capped */
  ck_assert_double_eq_tol(us_profile_rho(p, "nothing", 7, NULL), 0.0, 1e-12);
  unspin_profile_free(p);
}
END_TEST

/* A plain list has no counts: the priors' means, rho 1/2 and q uniform
 * over the group, and no source frequencies.  The same key on two lines pools its
 * synonyms; CRLF, a BOM and any case are read. */
START_TEST(plain_lists_are_the_priors) {
  unspin_profile *p = parse("\xEF\xBB\xBF" "Agency|company|firm\r\n|empty key\n\nmay||could|\n"
                            "agency|bureau\n");
  ck_assert(!unspin_profile_counted(p));
  ck_assert_uint_eq(unspin_profile_size(p), 4);
  double lp;
  link_of(p, "company", "agency", &lp);
  ck_assert_double_eq_tol(lp, log(0.5 / 3), 1e-12);
  ck_assert(us_profile_source_logp(p, "agency", 6) != us_profile_source_logp(p, "agency", 6));
  link_of(p, "bureau", "agency", &lp);
  ck_assert_double_eq_tol(lp, log(0.5 / 3), 1e-12);
  link_of(p, "could", "may", &lp);
  ck_assert_double_eq_tol(lp, log(0.5), 1e-12);
  ck_assert_double_eq_tol(us_profile_rho(p, "agency", 6, NULL), 0.5, 1e-12);
  size_t first;
  ck_assert_uint_eq(us_profile_links(p, "agency", 6, &first), 0);
  unspin_profile_free(p);
}
END_TEST

/* The document's counts add to the profile's: rho = (r + r_doc + 1/2) /
 * (n + n_doc + 1), n_doc counting replaced and kept occurrences, and q =
 * (c + c_doc + 1/2) / (r + r_doc + m/2); a plain list's are the
 * document's alone. */
START_TEST(document_counts_add_to_the_profiles) {
  unspin_profile *counted = parse("# unspin profile 2\nagency\t9\t7\tcompany\t5\tfirm\t2\n");
  unspin_profile *plain = parse("agency|company|firm\n");
  us_profile_doc doc = US_PROFILE_DOC_INIT;
  for (size_t t = 0; t < 2; t++) { /* replaced twice by "firm", kept three times */
    ck_assert_int_eq(us_pairs_add(&doc.replaced, "", 0, "agency", 6, t), 0);
    ck_assert_int_eq(us_pairs_add(&doc.links, "firm", 4, "agency", 6, t), 0);
  }
  for (size_t t = 2; t < 5; t++)
    ck_assert_int_eq(us_pairs_add(&doc.kept, "", 0, "agency", 6, t), 0);
  ck_assert_double_eq_tol(us_profile_rho(counted, "agency", 6, &doc), 9.5 / 15, 1e-12);
  ck_assert_double_eq_tol(us_profile_rho(plain, "agency", 6, &doc), 2.5 / 6, 1e-12);
  ck_assert_double_eq_tol(us_profile_rho(plain, "agency", 6, NULL), 0.5, 1e-12);
  const unspin_profile *both[2] = {counted, plain};
  const double firm[2] = {4.5 / 10, 2.5 / 3}, company[2] = {5.5 / 10, 0.5 / 3};
  for (int i = 0; i < 2; i++) {
    size_t first, n = us_profile_links(both[i], "firm", 4, &first);
    ck_assert_uint_eq(n, 1);
    ck_assert_double_eq_tol(us_profile_logq_at(both[i], first, "agency", 6, "firm", 4, &doc),
                            log(firm[i]), 1e-12);
    n = us_profile_links(both[i], "company", 7, &first);
    ck_assert_uint_eq(n, 1);
    ck_assert_double_eq_tol(us_profile_logq_at(both[i], first, "agency", 6, "company", 7, &doc),
                            log(company[i]), 1e-12);
  }
  us_profile_doc_free(&doc);
  unspin_profile_free(counted);
  unspin_profile_free(plain);
}
END_TEST

/* Malformed counted profiles name the file and line, with the line's byte
 * offset. */
START_TEST(malformed_profiles_name_the_line) {
  static const struct {
    const char *text, *message;
    int64_t offset;
  } cases[] = {
      {"# unspin profile 3\nagency\t1\t1\tfirm\t1\n",
       "p.txt: line 1: unsupported profile version '3' (this library reads 2)", 0},
      {"# unspin profile 2\nagency\tmany\t1\tfirm\t1\n",
       "p.txt: line 2: the occurrences are not a count", 19},
      {"# unspin profile 2\nok\t1\t1\tfine\t1\nagency\t1\t-1\tfirm\t1\n",
       "p.txt: line 3: the replacements are not a count", 33},
      {"# unspin profile 2\nagency\t1\t2\tfirm\t2\n",
       "p.txt: line 2: more replacements than occurrences", 19},
      {"# unspin profile 2\nagency\t3\t2\tfirm\t1\n",
       "p.txt: line 2: the synonyms' counts do not add up to the replacements", 19},
      {"# unspin profile 2\nagency\t3\t2\tfirm\n", "p.txt: line 2: a synonym without a count", 19},
      {"# unspin profile 2\nagency\t3\t2\n", "p.txt: line 2: replacements without synonyms", 19},
      {"# unspin profile 2\nagency\n", "p.txt: line 2: the occurrences are not a count", 19},
      {"# unspin profile 2\n\t1\t0\n", "p.txt: line 2: an empty key", 19},
      {"# unspin profile 2\nagency\t3\t2\t\t2\n", "p.txt: line 2: an empty synonym", 19},
      {"# unspin profile 2\nagency\t1e999\t0\n", "p.txt: line 2: the occurrences are not a count",
       19},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    unspin_profile *p = (unspin_profile *)1;
    unspin_error err;
    ck_assert_int_eq(
        unspin_profile_parse(&p, cases[i].text, strlen(cases[i].text), "p.txt", &err),
        UNSPIN_ERR_FORMAT);
    ck_assert_ptr_null(p);
    ck_assert_str_eq(err.message, cases[i].message);
    ck_assert_int_eq(err.offset, cases[i].offset);
  }
}
END_TEST

int main(void) {
  Suite *s = suite_create("profile");
  TCase *tc = tcase_create("core");
  tcase_add_test(tc, counted_probabilities_are_the_posterior_means);
  tcase_add_test(tc, plain_lists_are_the_priors);
  tcase_add_test(tc, document_counts_add_to_the_profiles);
  tcase_add_test(tc, malformed_profiles_name_the_line);
  suite_add_tcase(s, tc);
  return tu_run(s);
}
