/* check_restore.c - the restoration engine through the public API: each
 * candidate source, decoding, case copying, detection, output formats. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test_util.h"
#include "unspin.h"

static char *dir;

static void setup(void) { dir = tu_mkdtemp(); }
static void teardown(void) { tu_rmdir(dir); }

/* A clean "story" the domain dictionary is built from. */
static const char story[] =
    "The spy agency joined the cyber defense group in May 2008.\n"
    "The spy agency said the move risks inflaming tensions.\n"
    "Officials said the spy agency joined the group to share research.\n";

static const char mythes[] = "UTF-8\n"
                             "risk|1\n"
                             "(verb)|danger|hazard\n"
                             "say|1\n"
                             "(verb)|mention|state\n"
                             "move|1\n"
                             "(noun)|transfer|motion\n";

static unspin_dict *build_dict(const char *name, const char *text, const char *thesaurus) {
  return tu_build_dict(dir, name, text, thesaurus, 0);
}

static char *restore(const unspin_engine *e, const char *text, unspin_result **keep) {
  unspin_result *r;
  unspin_error err;
  ck_assert_msg(unspin_analyze(e, text, strlen(text), &r, &err) == UNSPIN_OK, "%s", err.message);
  size_t len;
  const char *out = unspin_result_text(r, &len);
  char *copy = malloc(len + 1);
  memcpy(copy, out, len + 1);
  if (keep)
    *keep = r;
  else
    unspin_result_free(r);
  return copy;
}

static void expect_restored(const unspin_engine *e, const char *in, const char *want) {
  char *got = restore(e, in, NULL);
  ck_assert_msg(!strcmp(got, want), "'%s' restored to '%s', expected '%s'", in, got, want);
  free(got);
}

/* An engine restoring against dictionary d alone, also documents the
 * verdict calls clean. */
/* Whether token i of r has the candidate `text` from `source`. */
static int has_candidate(const unspin_result *r, size_t i, const char *text, unspin_source source) {
  for (size_t k = 0; k < unspin_result_token_candidate_count(r, i); k++) {
    unspin_source src;
    const char *c = unspin_result_token_candidate(r, i, k, NULL, &src, NULL);
    if (!strcmp(c, text) && src == source)
      return 1;
  }
  return 0;
}

/* hunspell's en_US, a build dependency: without it the tests of
 * morphology have nothing to test. */
#define EN_US_AFF "/usr/share/hunspell/en_US.aff"
#define EN_US_DIC "/usr/share/hunspell/en_US.dic"

/* Loads hunspell's en_US into e. */
static void load_en_us(unspin_engine *e) {
  unspin_error err;
  ck_assert_msg(unspin_engine_load_hunspell(e, EN_US_AFF, EN_US_DIC, &err) == UNSPIN_OK, "%s",
                err.message);
}

static int have_en_us(void) {
  FILE *f = fopen(EN_US_DIC, "rb");
  if (!f)
    return 0;
  fclose(f);
  return 1;
}

static unspin_engine *restoring_engine(const unspin_dict *d, unspin_dict_role role) {
  unspin_engine *e;
  unspin_options opts;
  unspin_options_init(&opts);
  opts.flags |= UNSPIN_OPT_RESTORE_CLEAN;
  ck_assert_int_eq(unspin_engine_new(&e, &opts, NULL), UNSPIN_OK);
  ck_assert_int_eq(unspin_engine_add_dict(e, d, role), UNSPIN_OK);
  return e;
}

static unspin_profile *profile(const char *text) {
  unspin_profile *p;
  unspin_error err;
  ck_assert_msg(unspin_profile_parse(&p, text, strlen(text), "test.profile", &err) == UNSPIN_OK,
                "%s", err.message);
  return p;
}

/* The whole of what an analysis reports, rendered as JSON. */
static char *analysis_json(const unspin_engine *e, const char *text) {
  unspin_result *r;
  free(restore(e, text, &r));
  char *out;
  ck_assert_int_eq(unspin_result_render(r, UNSPIN_FORMAT_JSON, 0, "t", &out, NULL), UNSPIN_OK);
  unspin_result_free(r);
  return out;
}

/* The engine keeps the word lists' candidates of the words it has seen
 * (cache_pool.h): a document's analysis, candidates and scores included,
 * is the same whatever the engine analysed before, and a changed
 * parameter is not answered from what was kept under the old one. */
START_TEST(an_analysis_does_not_depend_on_the_ones_before) {
  unspin_dict *d = build_dict("story.undict", story, mythes);
  const char *doc = "The spy company said the move risks inflaming tensions.\n"
                    "The company joined the cyber defense group.\n";
  const char *other = "The move said the spy company group risks the agency.\n";
  unspin_engine *fresh = restoring_engine(d, UNSPIN_ROLE_DOMAIN);
  unspin_engine *used = restoring_engine(d, UNSPIN_ROLE_DOMAIN);
  if (have_en_us()) {
    load_en_us(fresh);
    load_en_us(used);
  }
  char *want = analysis_json(fresh, doc);
  free(analysis_json(used, other));
  free(analysis_json(used, doc));
  char *got = analysis_json(used, doc);
  ck_assert_str_eq(got, want);
  free(got);
  free(want);
  /* a parameter of the channel, set after analyses: as on a new engine */
  ck_assert_int_eq(unspin_engine_set_param(used, "morphology", -9.5), UNSPIN_OK);
  ck_assert_int_eq(unspin_engine_set_param(fresh, "morphology", -9.5), UNSPIN_OK);
  unspin_engine *fresh2 = restoring_engine(d, UNSPIN_ROLE_DOMAIN);
  if (have_en_us())
    load_en_us(fresh2);
  ck_assert_int_eq(unspin_engine_set_param(fresh2, "morphology", -9.5), UNSPIN_OK);
  want = analysis_json(fresh2, other);
  got = analysis_json(used, other);
  ck_assert_str_eq(got, want);
  free(got);
  free(want);
  unspin_engine_free(fresh2);
  unspin_engine_free(fresh);
  unspin_engine_free(used);
  unspin_dict_free(d);
}
END_TEST

/* UNSPIN_OPT_DETECT_ONLY and UNSPIN_OPT_NO_TOKEN_DETAIL, alone and
 * together, against a full analysis, with a spinner profile and without:
 * the same verdict and score; DETECT_ONLY leaves the text unchanged and
 * restores nothing, NO_TOKEN_DETAIL alone restores the same spans to the
 * same text; NO_TOKEN_DETAIL leaves tokens without spin probabilities and
 * candidates. */
START_TEST(detect_only_stops_at_the_verdict) {
  unspin_dict *d = build_dict("story.undict", story, NULL);
  unspin_profile *p = profile("agency|company|firm\nmay|could\n");
  static const unsigned flags[4] = {0, UNSPIN_OPT_DETECT_ONLY,
                                    UNSPIN_OPT_DETECT_ONLY | UNSPIN_OPT_NO_TOKEN_DETAIL,
                                    UNSPIN_OPT_NO_TOKEN_DETAIL};
  for (int with_profile = 0; with_profile < 2; with_profile++) {
    unspin_engine *e[4];
    for (int k = 0; k < 4; k++) {
      unspin_options opts;
      unspin_options_init(&opts);
      opts.flags |= flags[k];
      ck_assert_int_eq(unspin_engine_new(&e[k], &opts, NULL), UNSPIN_OK);
      ck_assert_int_eq(unspin_engine_add_dict(e[k], d, UNSPIN_ROLE_DOMAIN), UNSPIN_OK);
      if (with_profile)
        ck_assert_int_eq(unspin_engine_add_profile(e[k], p), UNSPIN_OK);
    }
    const char *texts[] = {"The spy company joined the group in Could 2008.",
                           "The spy agency joined the group in May 2008."};
    for (int t = 0; t < 2; t++) {
      unspin_result *a;
      char *full = restore(e[0], texts[t], &a);
      if (with_profile) {
        ck_assert_int_eq(unspin_result_is_spun(a), t == 0);
        ck_assert_uint_eq(unspin_result_restored_count(a) > 0, t == 0);
      }
      for (int k = 1; k < 4; k++) {
        unspin_result *b;
        char *out = restore(e[k], texts[t], &b);
        ck_assert_int_eq(unspin_result_is_spun(a), unspin_result_is_spun(b));
        ck_assert_double_eq(unspin_result_score(a), unspin_result_score(b));
        if (flags[k] & UNSPIN_OPT_DETECT_ONLY) {
          ck_assert_str_eq(out, texts[t]);
          ck_assert_uint_eq(unspin_result_restored_count(b), 0);
        } else {
          ck_assert_str_eq(out, full);
          ck_assert_uint_eq(unspin_result_restored_count(b), unspin_result_restored_count(a));
        }
        size_t shown = 0;
        for (size_t i = 0; i < unspin_result_token_count(b); i++)
          shown += unspin_result_token_candidate_count(b, i) +
                   (unspin_result_token_spin(b, i) > 0);
        if (flags[k] & UNSPIN_OPT_NO_TOKEN_DETAIL)
          ck_assert_uint_eq(shown, 0);
        else
          ck_assert_uint_gt(shown, 0);
        free(out);
        unspin_result_free(b);
      }
      free(full);
      unspin_result_free(a);
    }
    for (int k = 0; k < 4; k++)
      unspin_engine_free(e[k]);
  }
  unspin_profile_free(p);
  unspin_dict_free(d);
}
END_TEST

START_TEST(clean_text_is_left_alone) {
  unspin_dict *d = build_dict("story.undict", story, mythes);
  unspin_engine *e;
  ck_assert_int_eq(unspin_engine_new(&e, NULL, NULL), UNSPIN_OK);
  ck_assert_int_eq(unspin_engine_add_dict(e, d, UNSPIN_ROLE_DOMAIN), UNSPIN_OK);
  expect_restored(e, story, story);
  unspin_result *r;
  free(restore(e, story, &r));
  ck_assert_uint_eq(unspin_result_restored_count(r), 0);
  ck_assert(!unspin_result_is_spun(r));
  ck_assert_double_lt(unspin_result_score(r), 0.005);
  unspin_result_free(r);
  unspin_engine_free(e);
  unspin_dict_free(d);
}
END_TEST

START_TEST(profile_source_restores_and_copies_case) {
  unspin_dict *d = build_dict("story.undict", story, NULL);
  unspin_profile *p = profile("\xEF\xBB\xBF" "agency|company|firm\r\n|empty key\n\nMay||could|\n");
  ck_assert_uint_eq(unspin_profile_size(p), 3);
  unspin_engine *e;
  ck_assert_int_eq(unspin_engine_new(&e, NULL, NULL), UNSPIN_OK);
  ck_assert_int_eq(unspin_engine_add_dict(e, d, UNSPIN_ROLE_DOMAIN), UNSPIN_OK);
  ck_assert_int_eq(unspin_engine_add_profile(e, p), UNSPIN_OK);
  /* the verdict is the spinner model's likelihood ratio: the text with two
   * of the profile's synonyms is better explained as spun (its score the
   * expected share of spun words, 2 of 9), the story's own wording, whose
   * key "agency" would have been replaced, as written */
  unspin_result *r;
  free(restore(e, "The spy company joined the group in Could 2008.", &r));
  ck_assert(unspin_result_is_spun(r));
  ck_assert_double_le(unspin_result_score(r), 2.0 / 9 + 1e-9);
  ck_assert_double_gt(unspin_result_score(r), 2.0 / 9 - 0.01);
  ck_assert_uint_eq(unspin_result_restored_count(r), 2);
  unspin_result_free(r);
  expect_restored(e, "The spy company joined the group in Could 2008.",
                  "The spy agency joined the group in May 2008.");
  free(restore(e, "The spy agency joined the group in May 2008.", &r));
  ck_assert(!unspin_result_is_spun(r));
  ck_assert_double_lt(unspin_result_score(r), 0.01);
  ck_assert_uint_eq(unspin_result_restored_count(r), 0);
  unspin_result_free(r);
  unspin_engine_free(e);
  e = restoring_engine(d, UNSPIN_ROLE_DOMAIN);
  ck_assert_int_eq(unspin_engine_add_profile(e, p), UNSPIN_OK);
  expect_restored(e, "The spy company joined the group.\n", "The spy agency joined the group.\n");
  expect_restored(e, "The Spy Company Joined\n", "The Spy Agency Joined\n");
  expect_restored(e, "THE SPY COMPANY JOINED\n", "THE SPY AGENCY JOINED\n");
  /* capitals between words that are not: the author's emphasis, whose
   * case a spinner that has the word as a key copies */
  expect_restored(e, "The spy COMPANY joined the group.\n", "The spy AGENCY joined the group.\n");
  expect_restored(e, "The SPY COMPANY joined the group.\n", "The SPY AGENCY joined the group.\n");
  expect_restored(e, "It joined the cyber defense group in Could 2008.",
                  "It joined the cyber defense group in May 2008.");
  /* every byte outside the restored word is kept: CRLF, tabs, quotes */
  expect_restored(e, "\t“The spy company  joined the group.”\r\n",
                  "\t“The spy agency  joined the group.”\r\n");
  free(restore(e, "The spy company joined the group.", &r));
  ck_assert_uint_eq(unspin_result_restored_count(r), 1);
  size_t len;
  ck_assert_str_eq(unspin_result_token_original(r, 2, &len), "agency");
  ck_assert_ptr_null(unspin_result_token_original(r, 1, NULL));
  ck_assert_double_ge(unspin_result_token_spin(r, 2), 0.5);
  ck_assert_double_lt(unspin_result_token_spin(r, 1), 0.5);
  ck_assert_msg(has_candidate(r, 2, "agency", UNSPIN_SOURCE_PROFILE),
                "the profile's key is among the candidates");
  unspin_result_free(r);
  unspin_engine_free(e);
  unspin_profile_free(p);
  unspin_dict_free(d);
}
END_TEST

/* The spinner model's consequence: where a word of the text is a key the
 * spinner nearly always replaces, it is not the author's but another key's
 * synonym.  "company" is such a key (rho 0.99) and agency's synonym, so it
 * is restored, and "firm", company's synonym, to "company".  The author's
 * own "agency", a key the spinner would have replaced and nobody's synonym,
 * stands, and its text is explained worse by the spinner than by no
 * spinner: clean.  The story (a general dictionary here: no fillers) only
 * scores the words. */
START_TEST(a_key_left_standing_is_another_keys_synonym) {
  unspin_dict *d = build_dict("story.undict", story, NULL);
  unspin_profile *p = profile("# unspin profile 2\n"
                              "agency\t200\t199\tcompany\t199\n"
                              "company\t200\t199\tfirm\t199\n");
  unspin_engine *e = restoring_engine(d, UNSPIN_ROLE_GENERAL);
  ck_assert_int_eq(unspin_engine_add_profile(e, p), UNSPIN_OK);
  expect_restored(e, "The spy company joined the group.\n", "The spy agency joined the group.\n");
  expect_restored(e, "The firm joined the group.\n", "The company joined the group.\n");
  unspin_result *r;
  free(restore(e, "The spy company joined the group.\n", &r));
  ck_assert(unspin_result_is_spun(r));
  unspin_result_free(r);
  free(restore(e, "The spy agency joined the group.\n", &r));
  ck_assert(!unspin_result_is_spun(r));
  ck_assert_uint_eq(unspin_result_restored_count(r), 0);
  unspin_result_free(r);
  unspin_engine_free(e);
  unspin_profile_free(p);
  /* the spinner mends the article before its synonym: "an agency" was
   * "a company" for a spinner with company -> agency */
  p = profile("# unspin profile 2\ncompany\t200\t199\tagency\t199\n");
  e = restoring_engine(d, UNSPIN_ROLE_GENERAL);
  ck_assert_int_eq(unspin_engine_add_profile(e, p), UNSPIN_OK);
  expect_restored(e, "It joined an agency.\n", "It joined a company.\n");
  unspin_engine_free(e);
  unspin_profile_free(p);
  unspin_dict_free(d);
}
END_TEST

START_TEST(numbers_are_the_authors) {
  /* the general word lists leave numbers alone: a word with a digit is not
   * spun, and no thesaurus's number is proposed for a word; a spinner's
   * own table matches keys whatever they are, numbers too ("5" for
   * "five"), so its links apply to them */
  unspin_dict *d = build_dict("story.undict", story, mythes);
  unspin_engine *e = restoring_engine(d, UNSPIN_ROLE_DOMAIN);
  unspin_result *r;
  free(restore(e, "The spy company joined 1st.\n", &r));
  for (size_t i = 0; i < unspin_result_token_count(r); i++)
    ck_assert_msg(!has_candidate(r, i, "first", UNSPIN_SOURCE_THESAURUS), "1st is not spinnable");
  unspin_result_free(r);
  unspin_engine_free(e);
  unspin_profile *p = profile("first|1st\n");
  e = restoring_engine(d, UNSPIN_ROLE_DOMAIN);
  ck_assert_int_eq(unspin_engine_add_profile(e, p), UNSPIN_OK);
  free(restore(e, "The spy company joined 1st.\n", &r));
  ck_assert_msg(has_candidate(r, 4, "first", UNSPIN_SOURCE_PROFILE),
                "a profile's link applies to a number");
  unspin_result_free(r);
  unspin_engine_free(e);
  unspin_profile_free(p);
  unspin_dict_free(d);
}
END_TEST

START_TEST(thesaurus_source_restores_a_known_synonym) {
  unspin_dict *d = build_dict("story.undict", story, mythes);
  unspin_engine *e;
  ck_assert_int_eq(unspin_engine_new(&e, NULL, NULL), UNSPIN_OK);
  ck_assert_int_eq(unspin_engine_add_dict(e, d, UNSPIN_ROLE_DOMAIN), UNSPIN_OK);
  /* "transfer" is a listed synonym of "move"; the story says "the move risks" */
  expect_restored(e, "The spy agency said the transfer risks inflaming tensions.\n",
                  "The spy agency said the move risks inflaming tensions.\n");
  unspin_engine_free(e);
  unspin_dict_free(d);
}
END_TEST

START_TEST(general_floor_applies_without_a_domain_dictionary) {
  static const char spun[] = "The spy agency said the transfer risks inflaming tensions.\n";
  static const char orig[] = "The spy agency said the move risks inflaming tensions.\n";
  unspin_dict *d = build_dict("story.undict", story, mythes);
  unspin_engine *general = restoring_engine(d, UNSPIN_ROLE_GENERAL);
  unspin_engine *domain = restoring_engine(d, UNSPIN_ROLE_DOMAIN);
  double v;
  ck_assert_int_eq(unspin_engine_get_param(general, "general_floor", &v), UNSPIN_OK);
  ck_assert_double_eq_tol(v, 0.8, 1e-12);
  ck_assert_int_eq(unspin_engine_set_param(general, "general_floor", 0.5), UNSPIN_OK);
  expect_restored(general, spun, orig);
  /* no restoration is certain: at a floor of 1 a general dictionary
   * restores nothing, a domain dictionary is not held to it */
  ck_assert_int_eq(unspin_engine_set_param(general, "general_floor", 1.0), UNSPIN_OK);
  expect_restored(general, spun, spun);
  ck_assert_int_eq(unspin_engine_set_param(domain, "general_floor", 1.0), UNSPIN_OK);
  expect_restored(domain, spun, orig);
  unspin_engine_free(general);
  unspin_engine_free(domain);
  unspin_dict_free(d);
}
END_TEST

START_TEST(labels_are_held_to_the_floor) {
  /* a short line without final punctuation ("Skip to content") gives the
   * model little context: even with a story dictionary its substitutions
   * must clear general_floor, which a sentence's need not */
  static const char label[] = "The transfer risks tensions\n";
  static const char sentence[] = "The transfer risks inflaming tensions, officials said.\n";
  unspin_dict *d = build_dict("story.undict", story, mythes);
  unspin_engine *domain = restoring_engine(d, UNSPIN_ROLE_DOMAIN);
  ck_assert_int_eq(unspin_engine_set_param(domain, "general_floor", 0.0), UNSPIN_OK);
  expect_restored(domain, label, "The move risks tensions\n");
  ck_assert_int_eq(unspin_engine_set_param(domain, "general_floor", 1.0), UNSPIN_OK);
  expect_restored(domain, label, label);
  expect_restored(domain, sentence, "The move risks inflaming tensions, officials said.\n");
  unspin_engine_free(domain);
  unspin_dict_free(d);
}
END_TEST

/* An engine restoring against domain dictionary d alone, context fillers
 * at full weight.  Without a word list nothing counts towards the verdict,
 * which is clean, so it must restore clean documents too. */
static unspin_engine *context_engine(const unspin_dict *d) {
  unspin_engine *e = restoring_engine(d, UNSPIN_ROLE_DOMAIN);
  ck_assert_int_eq(unspin_engine_set_param(e, "context", 0.0), UNSPIN_OK);
  return e;
}

START_TEST(context_source_restores_without_a_thesaurus) {
  unspin_dict *d = build_dict("story.undict", story, NULL);
  /* no word list links "bureau" to "agency": only the story's n-grams do */
  unspin_engine *e = context_engine(d);
  const char *spun = "Officials said the spy bureau joined the group to share research.\n";
  unspin_result *r;
  char *out = restore(e, spun, &r);
  ck_assert_str_eq(out, "Officials said the spy agency joined the group to share research.\n");
  ck_assert(!unspin_result_is_spun(r));
  unspin_source src;
  ck_assert_str_eq(unspin_result_token_candidate(r, 4, 0, NULL, &src, NULL), "agency");
  ck_assert_int_eq(src, UNSPIN_SOURCE_CONTEXT);
  free(out);
  unspin_result_free(r);
  /* by default a document called clean comes out unchanged, candidates and
   * spin probabilities still reported */
  unspin_engine *plain;
  ck_assert_int_eq(unspin_engine_new(&plain, NULL, NULL), UNSPIN_OK);
  ck_assert_int_eq(unspin_engine_add_dict(plain, d, UNSPIN_ROLE_DOMAIN), UNSPIN_OK);
  ck_assert_int_eq(unspin_engine_set_param(plain, "context", 0.0), UNSPIN_OK);
  out = restore(plain, spun, &r);
  ck_assert_str_eq(out, spun);
  ck_assert_uint_eq(unspin_result_restored_count(r), 0);
  ck_assert_ptr_null(unspin_result_token_original(r, 4, NULL));
  ck_assert_str_eq(unspin_result_token_candidate(r, 4, 0, NULL, &src, NULL), "agency");
  ck_assert(unspin_result_token_spin(r, 4) > 0.5);
  free(out);
  unspin_result_free(r);
  unspin_engine_free(plain);
  /* a general dictionary proposes no fillers */
  unspin_engine *g;
  ck_assert_int_eq(unspin_engine_new(&g, NULL, NULL), UNSPIN_OK);
  ck_assert_int_eq(unspin_engine_add_dict(g, d, UNSPIN_ROLE_GENERAL), UNSPIN_OK);
  ck_assert_int_eq(unspin_engine_set_param(g, "context", 0.0), UNSPIN_OK);
  expect_restored(g, "Officials said the spy bureau joined the group to share research.\n",
                  "Officials said the spy bureau joined the group to share research.\n");
  unspin_engine_free(g);
  unspin_engine_free(e);
  unspin_dict_free(d);
}
END_TEST

/* The score of candidate `want` of token i when `text` is restored with
 * parameter `name` at v (NAN when it is not among the token's candidates). */
static double score_with(unspin_engine *e, const char *name, double v, const char *text,
                         size_t i, const char *want) {
  ck_assert_int_eq(unspin_engine_set_param(e, name, v), UNSPIN_OK);
  unspin_result *r;
  free(restore(e, text, &r));
  double score = NAN;
  for (size_t k = 0; k < unspin_result_token_candidate_count(r, i); k++) {
    double sc;
    const char *t = unspin_result_token_candidate(r, i, k, NULL, NULL, &sc);
    if (!strcmp(t, want))
      score = sc;
  }
  unspin_result_free(r);
  return score;
}

START_TEST(one_sided_alignments_weigh_less) {
  unspin_dict *d = build_dict("story.undict", story, NULL);
  unspin_engine *e = context_engine(d);
  /* "the spy [agency] joined": anchors on both sides, one_sided does not apply */
  static const char both[] = "Officials said the spy bureau joined them.\n";
  double a = score_with(e, "one_sided", 0.0, both, 4, "agency");
  double b = score_with(e, "one_sided", -3.0, both, 4, "agency");
  ck_assert(isfinite(a));
  ck_assert_double_eq_tol(a, b, 1e-9);
  /* "the spy [agency]" before a word no spinner writes: anchored on the left only */
  static const char left[] = "Officials said the spy bureau qzxv.\n";
  a = score_with(e, "one_sided", 0.0, left, 4, "agency");
  b = score_with(e, "one_sided", -3.0, left, 4, "agency");
  ck_assert(isfinite(a) && isfinite(b));
  ck_assert_double_eq_tol(a - b, 3.0, 1e-9);
  double v;
  ck_assert_int_eq(unspin_engine_get_param(e, "one_sided", &v), UNSPIN_OK);
  ck_assert_double_eq(v, -3.0);
  ck_assert_int_eq(unspin_engine_set_param(e, "one_sided", 0.5), UNSPIN_ERR_INVALID_ARG);
  unspin_engine_free(e);
  unspin_dict_free(d);
}
END_TEST

/* How much candidate `want` of token i loses when `mismatch` goes from 0
 * to -2 (it must be a candidate at both). */
static double mismatch_paid(unspin_engine *e, const char *text, size_t i, const char *want) {
  double a = score_with(e, "mismatch", 0.0, text, i, want);
  double b = score_with(e, "mismatch", -2.0, text, i, want);
  ck_assert_msg(isfinite(a) && isfinite(b), "'%s' is a candidate", want);
  return a - b;
}

START_TEST(fillers_of_another_frequency_weigh_less) {
  /* a general dictionary of 120,000 pseudo-words (each a tiny share), with
   * "the" 1,000 times (a function word: over 0.3 % of the tokens), "agency"
   * 350 times, "office" 5 times and "bureau" never */
  size_t cap = 1u << 20, n = 0;
  char *general = malloc(cap);
  ck_assert_ptr_nonnull(general);
  for (int i = 0; i < 20000; i++) {
    for (int k = 0; k < 6; k++) {
      int x = (i * 6 + k) * 7919 % 17576;
      n += (size_t)snprintf(general + n, cap - n, "%c%c%c ", 'a' + x / 676, 'a' + x / 26 % 26,
                            'a' + x % 26);
    }
    const char *extra = i < 1000 ? "the" : i < 1350 ? "agency" : i < 1355 ? "office" : "";
    n += (size_t)snprintf(general + n, cap - n, "%s\n", extra);
  }
  ck_assert_uint_lt(n, cap - 1);
  unspin_dict *g = build_dict("general.undict", general, NULL);
  free(general);
  unspin_dict *d = build_dict("story.undict", story, NULL);
  unspin_engine *e = context_engine(d);
  ck_assert_int_eq(unspin_engine_add_dict(e, g, UNSPIN_ROLE_GENERAL), UNSPIN_OK);
  double v;
  ck_assert_int_eq(unspin_engine_get_param(e, "mismatch", &v), UNSPIN_OK);
  ck_assert_double_eq_tol(v, -2.0, 1e-12);
  /* "the spy [agency] joined": the story's filler is over 300 times as
   * frequent as "bureau", and no list links them */
  ck_assert_double_eq_tol(
      mismatch_paid(e, "Officials said the spy bureau joined them.\n", 4, "agency"), 2.0, 1e-9);
  /* for "office" (58 times rarer, neither a function word) it does not pay */
  ck_assert_double_eq_tol(
      mismatch_paid(e, "Officials said the spy office joined them.\n", 4, "agency"), 0.0, 1e-9);
  /* "said [the] spy agency": a function word for "office" (167 times
   * rarer) pays */
  ck_assert_double_eq_tol(
      mismatch_paid(e, "Officials said office spy agency joined them.\n", 2, "the"), 2.0, 1e-9);
  unspin_engine_free(e);
  unspin_dict_free(d);
  unspin_dict_free(g);
}
END_TEST

START_TEST(fillers_of_another_length_need_a_direct_link) {
  static const char text[] = "The spy agency joined the cyber office desk in May 2008.\n";
  static const char stories[] = "The spy agency joined the cyber center in May 2008.\n"
                                "The spy agency said the move risks inflaming tensions.\n";
  /* "center" for "office desk" (one word for two, here at no cost for the
   * length): a list linking "office" and "center" directly vouches for it;
   * one where they only share a neighbour ("hub") does not, and only
   * "office" -> "center" is left */
  static const char direct[] = "UTF-8\ncenter|1\n(noun)|office|hub\n";
  static const char shared[] = "UTF-8\nhub|1\n(noun)|center|office\n";
  /* (without `corroborate`: the direct list also proposes "center" for
   * "office" alone, which the story's alignment would then vouch for) */
  unspin_dict *d1 = build_dict("direct.undict", stories, direct);
  unspin_engine *e1 = context_engine(d1);
  ck_assert_int_eq(unspin_engine_set_param(e1, "length", 0.0), UNSPIN_OK);
  ck_assert_int_eq(unspin_engine_set_param(e1, "corroborate", 0.0), UNSPIN_OK);
  expect_restored(e1, text, "The spy agency joined the cyber center in May 2008.\n");
  unspin_dict *d2 = build_dict("shared.undict", stories, shared);
  unspin_engine *e2 = context_engine(d2);
  ck_assert_int_eq(unspin_engine_set_param(e2, "length", 0.0), UNSPIN_OK);
  ck_assert_int_eq(unspin_engine_set_param(e2, "corroborate", 0.0), UNSPIN_OK);
  expect_restored(e2, text, "The spy agency joined the cyber center desk in May 2008.\n");
  unspin_engine_free(e1);
  unspin_engine_free(e2);
  unspin_dict_free(d1);
  unspin_dict_free(d2);
}
END_TEST

/* The score of candidate `want` of token i (NAN when it is not listed). */
static double candidate_score(const unspin_result *r, size_t i, const char *want) {
  for (size_t k = 0; k < unspin_result_token_candidate_count(r, i); k++) {
    double score;
    const char *c = unspin_result_token_candidate(r, i, k, NULL, NULL, &score);
    if (!strcmp(c, want))
      return score;
  }
  return NAN;
}

START_TEST(word_lists_and_alignments_corroborate) {
  /* "protection" -> "defense" and "shield": the list proposes both, and the
   * story's alignment "the cyber _ group in" has "defense" there too */
  static const char list[] = "UTF-8\ndefense|1\n(noun)|protection|guard\n"
                             "shield|1\n(noun)|protection|cover\n";
  static const char text[] = "The spy agency joined the cyber protection group in May 2008.\n";
  unspin_dict *d = build_dict("story.undict", story, list);
  unspin_engine *e = restoring_engine(d, UNSPIN_ROLE_DOMAIN);
  unspin_result *off, *on;
  ck_assert_int_eq(unspin_engine_set_param(e, "corroborate", 0), UNSPIN_OK);
  free(restore(e, text, &off));
  ck_assert_int_eq(unspin_engine_set_param(e, "corroborate", 3), UNSPIN_OK);
  char *got = restore(e, text, &on);
  ck_assert_str_eq(got, "The spy agency joined the cyber defense group in May 2008.\n");
  free(got);
  /* token 6 is "protection"; the chosen path is the same, so only the
   * corroborated original's score moves, and by the weight */
  ck_assert_str_eq(unspin_result_token_text(on, 6, NULL), "protection");
  ck_assert_ptr_nonnull(unspin_result_token_original(off, 6, NULL));
  unspin_source src;
  ck_assert_str_eq(unspin_result_token_candidate(on, 6, 0, NULL, &src, NULL), "defense");
  ck_assert_double_eq_tol(candidate_score(on, 6, "defense") - candidate_score(off, 6, "defense"),
                          3.0, 1e-9);
  ck_assert_double_eq_tol(candidate_score(on, 6, "shield") - candidate_score(off, 6, "shield"),
                          0.0, 1e-9);
  ck_assert_double_eq_tol(candidate_score(on, 6, "protection") -
                              candidate_score(off, 6, "protection"),
                          0.0, 1e-9);
  unspin_result_free(off);
  unspin_result_free(on);
  unspin_engine_free(e);
  unspin_dict_free(d);
}
END_TEST

START_TEST(an_original_written_unreplaced_elsewhere_is_doubted) {
  /* the story says "defense group"; the list links "unit" and "group".
   * The document writes "group" itself in its second sentence, which a
   * spinner with "group" on its list would have replaced too. */
  static const char list[] = "UTF-8\ndefense|1\n(noun)|protection|guard\n"
                             "group|1\n(noun)|unit|team\n";
  static const char kept[] = "The spy agency joined the cyber protection unit in May 2008.\n"
                             "Officials said the group met in Tallinn.\n";
  /* here the spinner replaced "group" elsewhere too: no doubt */
  static const char replaced[] = "The spy agency joined the cyber protection unit in May 2008.\n"
                                 "Officials said the spy agency joined the unit to share "
                                 "research.\n";
  unspin_dict *d = build_dict("story.undict", story, list);
  unspin_engine *e = restoring_engine(d, UNSPIN_ROLE_DOMAIN);
  ck_assert_int_eq(unspin_engine_set_param(e, "present", 0), UNSPIN_OK);
  expect_restored(e, kept, "The spy agency joined the cyber defense group in May 2008.\n"
                           "Officials said the group met in Tallinn.\n");
  /* with the story as its only model "unit" is nearly unknown: the weight
   * that outbids the story's 5-gram is larger than the default */
  ck_assert_int_eq(unspin_engine_set_param(e, "present", -8), UNSPIN_OK);
  expect_restored(e, kept, "The spy agency joined the cyber defense unit in May 2008.\n"
                           "Officials said the group met in Tallinn.\n");
  expect_restored(e, replaced, "The spy agency joined the cyber defense group in May 2008.\n"
                               "Officials said the spy agency joined the group to share "
                               "research.\n");
  unspin_engine_free(e);
  unspin_dict_free(d);
}
END_TEST

START_TEST(alignment_fills_adjacent_gaps) {
  /* two neighbouring words replaced: no single word's neighbours match the
   * story, the alignment "on _ _ and" does */
  unspin_dict *d = build_dict("story.undict",
                              "The centre focuses on research training and exercises.\n"
                              "The group met in Tallinn.\n",
                              NULL);
  unspin_engine *e = context_engine(d);
  expect_restored(e, "The centre focuses on analysis coaching and exercises.\n",
                  "The centre focuses on research training and exercises.\n");
  /* one anchor is not enough: a lone word with a different neighbour stays */
  expect_restored(e, "They trained on analysis today.\n", "They trained on analysis today.\n");
  unspin_engine_free(e);
  unspin_dict_free(d);
}
END_TEST

START_TEST(article_follows_the_original) {
  unspin_dict *d = build_dict("story.undict",
                              "The agency made a statement on Thursday.\n"
                              "Officials read a statement.\n",
                              "UTF-8\nstatement|1\n(noun)|announcement|declaration\n");
  unspin_engine *e;
  ck_assert_int_eq(unspin_engine_new(&e, NULL, NULL), UNSPIN_OK);
  ck_assert_int_eq(unspin_engine_add_dict(e, d, UNSPIN_ROLE_DOMAIN), UNSPIN_OK);
  expect_restored(e, "In an announcement, the agency said it had joined.\n",
                  "In a statement, the agency said it had joined.\n");
  expect_restored(e, "In An Announcement, the agency said it had joined.\n",
                  "In A Statement, the agency said it had joined.\n");
  unspin_engine_free(e);
  unspin_dict_free(d);
}
END_TEST

/* Checks that "risks" is proposed for "dangers" through its stem. */
static void expect_risks(const unspin_engine *e) {
  unspin_result *r;
  free(restore(e, "The spy agency said the move dangers inflaming tensions.\n", &r));
  ck_assert_msg(has_candidate(r, 6, "risks", UNSPIN_SOURCE_MORPHOLOGY),
                "'risks' is proposed for 'dangers' through its stem");
  unspin_result_free(r);
}

START_TEST(morphology_source_reinflects) {
  if (!have_en_us())
    return;
  unspin_dict *d = build_dict("story.undict", story, mythes);
  unspin_engine *e;
  ck_assert_int_eq(unspin_engine_new(&e, NULL, NULL), UNSPIN_OK);
  ck_assert_int_eq(unspin_engine_add_dict(e, d, UNSPIN_ROLE_DOMAIN), UNSPIN_OK);
  unspin_error err;
  load_en_us(e);
  /* "dangers" is not listed, its stem "danger" is: risk -> "risks" like "dangers" */
  expect_risks(e);
  ck_assert_int_eq(unspin_engine_load_hunspell(e, "/nonexistent.aff", EN_US_DIC, &err), UNSPIN_ERR_IO);
  ck_assert_ptr_nonnull(strstr(err.message, "/nonexistent.aff"));
  unspin_engine_free(e);
  unspin_dict_free(d);
}
END_TEST

/* Without a domain dictionary the general model drops a flat list's
 * originals (synonym_list_proposes_but_is_no_evidence), so they must not
 * take the places of a stem's likeliest originals: here twelve frequent
 * words list "danger", and MyThes's "risk" still gives "risks". */
START_TEST(dropped_originals_leave_room_for_the_others) {
  if (!have_en_us())
    return;
  static const char *const heads[] = {"the", "spy", "agency", "joined", "cyber", "defense",
                                      "group", "said", "officials", "share", "research", "move"};
  char list[512] = "";
  for (size_t i = 0; i < sizeof heads / sizeof *heads; i++)
    snprintf(list + strlen(list), sizeof list - strlen(list), "%s,danger\n", heads[i]);
  unspin_dict *d = tu_build_listed_dict(dir, "general.undict", story, mythes, list, 0);
  unspin_engine *e = restoring_engine(d, UNSPIN_ROLE_GENERAL);
  load_en_us(e);
  expect_risks(e);
  unspin_engine_free(e);
  unspin_dict_free(d);
}
END_TEST

/* A directory of WordNet exception lists (they live in one of their own)
 * whose verb.exc holds `lines`. */
static char *exception_lists(const char *lines) {
  char *wn = tu_path(dir, "wn");
  ck_assert_int_eq(mkdir(wn, 0700), 0);
  char *verb = tu_path(wn, "verb.exc");
  tu_write(verb, lines, strlen(lines));
  free(verb);
  return wn;
}

static void remove_exception_lists(char *wn) {
  char *verb = tu_path(wn, "verb.exc");
  unlink(verb);
  free(verb);
  rmdir(wn);
  free(wn);
}

/* Checks that "became" is proposed for "turned" through the stem. */
static void expect_became(const unspin_engine *e) {
  unspin_result *r;
  free(restore(e, "The sky turned dark.\n", &r));
  ck_assert_msg(has_candidate(r, 2, "became", UNSPIN_SOURCE_MORPHOLOGY),
                "'became' is proposed for 'turned'");
  unspin_result_free(r);
}

START_TEST(irregular_forms_from_wordnet_exceptions) {
  if (!have_en_us())
    return;
  char *wn = exception_lists("became become\nsaid say\ngone_off go_off\n");
  static const char lists[] = "UTF-8\nturn|1\n(verb)|become|get\nstate|1\n(verb)|say|tell\n";
  unspin_dict *d =
      build_dict("t.undict", "The sky became dark.\nIt became cold.\nHe said so.\n", lists);
  unspin_engine *e;
  ck_assert_int_eq(unspin_engine_new(&e, NULL, NULL), UNSPIN_OK);
  ck_assert_int_eq(unspin_engine_add_dict(e, d, UNSPIN_ROLE_DOMAIN), UNSPIN_OK);
  unspin_error err;
  ck_assert_int_eq(unspin_engine_load_exceptions(e, "/nonexistent", &err), UNSPIN_ERR_IO);
  ck_assert_ptr_nonnull(strstr(err.message, "/nonexistent/verb.exc"));
  ck_assert_int_eq(unspin_engine_load_exceptions(e, wn, &err), UNSPIN_OK);
  load_en_us(e);
  /* "turned" is not listed; its stem "turn" gives "become", irregularly "became" */
  expect_became(e);
  /* an irregular form stands for its lemma only where the spun word's
   * inflection agrees with it: the past "said" for "stated", not for
   * "stating", which takes the regular "telling" */
  unspin_result *r;
  free(restore(e, "He stated it.\n", &r));
  ck_assert_msg(has_candidate(r, 1, "said", UNSPIN_SOURCE_MORPHOLOGY),
                "'said' is proposed for 'stated'");
  unspin_result_free(r);
  free(restore(e, "He is stating it.\n", &r));
  ck_assert_msg(has_candidate(r, 2, "telling", UNSPIN_SOURCE_MORPHOLOGY),
                "'telling' is proposed for 'stating'");
  ck_assert_msg(!has_candidate(r, 2, "said", UNSPIN_SOURCE_MORPHOLOGY),
                "'said' is not proposed for 'stating'");
  unspin_result_free(r);
  unspin_engine_free(e);
  unspin_dict_free(d);
  remove_exception_lists(wn);
}
END_TEST

START_TEST(the_storys_originals_are_inflected_first) {
  if (!have_en_us())
    return;
  char *wn = exception_lists("became become\n");
  /* "turn" is a term of ten lists; "become"'s is the longest and general
   * English (the general dictionary) knows its rivals better, so it ranks
   * last among the stem's originals, past the eight that are inflected,
   * unless the story's use of it counts first */
  static const char lists[] = "UTF-8\n"
                              "become|1\n(verb)|turn|get|go|change|grow|wax|run|fall|come\n"
                              "spin|1\n(verb)|turn\n" "twist|1\n(verb)|turn\n"
                              "rotate|1\n(verb)|turn\n" "roll|1\n(verb)|turn\n"
                              "bend|1\n(verb)|turn\n" "curve|1\n(verb)|turn\n"
                              "swing|1\n(verb)|turn\n" "wheel|1\n(verb)|turn\n"
                              "pivot|1\n(verb)|turn\n";
  unspin_dict *g = build_dict("general.undict",
                              "They spin, twist, rotate, roll, bend, curve, swing, wheel and "
                              "pivot.\nThey spin and twist.\n",
                              lists);
  unspin_dict *d = build_dict("story.undict", "It became cold.\nThey become friends.\n", NULL);
  unspin_engine *e;
  ck_assert_int_eq(unspin_engine_new(&e, NULL, NULL), UNSPIN_OK);
  ck_assert_int_eq(unspin_engine_add_dict(e, g, UNSPIN_ROLE_GENERAL), UNSPIN_OK);
  ck_assert_int_eq(unspin_engine_add_dict(e, d, UNSPIN_ROLE_DOMAIN), UNSPIN_OK);
  unspin_error err;
  ck_assert_int_eq(unspin_engine_load_exceptions(e, wn, &err), UNSPIN_OK);
  load_en_us(e);
  expect_became(e);
  unspin_engine_free(e);
  unspin_dict_free(d);
  unspin_dict_free(g);
  remove_exception_lists(wn);
}
END_TEST

START_TEST(context_fillers_are_inflected_like_the_spun_word) {
  if (!have_en_us())
    return;
  /* no word list: only the story's "risk" stands between the anchors */
  unspin_dict *d = build_dict("story.undict",
                              "The spy agency shares the risk with the cyber group.\n"
                              "The spy agency said the move risks inflaming tensions.\n",
                              NULL);
  unspin_engine *e = context_engine(d);
  load_en_us(e);
  unspin_result *r;
  /* "dangers" is "danger" in the plural: the spinner wrote it for "risks" */
  free(restore(e, "The spy agency shares the dangers with the cyber group.\n", &r));
  ck_assert_str_eq(unspin_result_token_text(r, 5, NULL), "dangers");
  ck_assert_msg(has_candidate(r, 5, "risks", UNSPIN_SOURCE_CONTEXT),
                "'risks' is proposed for 'dangers'");
  unspin_result_free(r);
  /* a word in its base form takes the filler as it is */
  free(restore(e, "The spy agency shares the danger with the cyber group.\n", &r));
  ck_assert(has_candidate(r, 5, "risk", UNSPIN_SOURCE_CONTEXT));
  ck_assert(!has_candidate(r, 5, "risks", UNSPIN_SOURCE_CONTEXT));
  unspin_result_free(r);
  unspin_engine_free(e);
  unspin_dict_free(d);
}
END_TEST

/* The spin probability of token i of `text` with the case model at `weight`. */
static double spin_with_case(unspin_engine *e, double weight, const char *text, size_t i) {
  ck_assert_int_eq(unspin_engine_set_param(e, "case_weight", weight), UNSPIN_OK);
  unspin_result *r;
  free(restore(e, text, &r));
  double p = unspin_result_token_spin(r, i);
  unspin_result_free(r);
  return p;
}

START_TEST(case_model_weighs_the_case_read) {
  /* "May" is written capitalised inside sentences, "could" never */
  static const char text[] = "The group met in May 2008.\nThey said it could grow.\n"
                             "The agency joined in May.\nOfficials said they could help.\n"
                             "It may rain.\n";
  unspin_dict *d = build_dict("case.undict", text, "UTF-8\nmay|1\n(verb)|could|might\n");
  unspin_engine *e;
  ck_assert_int_eq(unspin_engine_new(&e, NULL, NULL), UNSPIN_OK);
  ck_assert_int_eq(unspin_engine_add_dict(e, d, UNSPIN_ROLE_DOMAIN), UNSPIN_OK);
  /* "Could" inside a sentence is more likely a substituted "May" ... */
  static const char capital[] = "The hub opened in Could 2008.";
  double with = spin_with_case(e, 1.0, capital, 4), without = spin_with_case(e, 0.0, capital, 4);
  ck_assert_msg(with > without, "capitalised: spin %g with the case model, %g without", with,
                without);
  /* ... and a lower-case "could" less likely, since "may" is often capitalised */
  static const char lower[] = "They said it could grow.";
  with = spin_with_case(e, 1.0, lower, 3);
  without = spin_with_case(e, 0.0, lower, 3);
  ck_assert_msg(with < without, "lower case: spin %g with the case model, %g without", with,
                without);
  /* a headline's case says nothing */
  static const char headline[] = "Hub Opens In Could";
  ck_assert_double_eq(spin_with_case(e, 1.0, headline, 3), spin_with_case(e, 0.0, headline, 3));
  /* nor does a capital in a line without final punctuation (a label,
   * "Leave a Reply"), while the same words ending in a full stop count */
  static const char label[] = "The hub opened in Could\nNext line.";
  ck_assert_double_eq(spin_with_case(e, 1.0, label, 4), spin_with_case(e, 0.0, label, 4));
  static const char stop[] = "The hub opened in Could.\nNext line.";
  with = spin_with_case(e, 1.0, stop, 4);
  without = spin_with_case(e, 0.0, stop, 4);
  ck_assert_msg(with > without, "with a full stop: spin %g with the case model, %g without", with,
                without);
  static const char ellipsis[] = "The hub opened in Could\xE2\x80\xA6";
  ck_assert_msg(spin_with_case(e, 1.0, ellipsis, 4) > spin_with_case(e, 0.0, ellipsis, 4),
                "an ellipsis ends a sentence too");
  unspin_engine_free(e);
  unspin_dict_free(d);
}
END_TEST


/* The spinner's word: its candidates and the document's score. */
static double listed_case(const unspin_dict *d, unspin_dict_role role, int *proposed,
                          char **text) {
  static const char spun[] = "The spy company joined the cyber defense group in May 2008.\n"
                             "Officials said the spy company joined the group to share research.\n";
  unspin_engine *e = restoring_engine(d, role);
  unspin_result *r;
  *text = restore(e, spun, &r);
  *proposed = 0;
  unspin_source src;
  for (size_t k = 0; k < unspin_result_token_candidate_count(r, 2); k++) {
    const char *c = unspin_result_token_candidate(r, 2, k, NULL, &src, NULL);
    *proposed |= !strcmp(c, "agency") && src == UNSPIN_SOURCE_THESAURUS;
  }
  double score = unspin_result_score(r);
  unspin_result_free(r);
  unspin_engine_free(e);
  return score;
}

START_TEST(synonym_list_proposes_but_is_no_evidence) {
  /* the same link from a MyThes list and from a flat list */
  unspin_dict *my = build_dict("mythes.undict", story, "UTF-8\nagency|1\n(noun)|company|bureau\n");
  unspin_dict *flat =
      tu_build_listed_dict(dir, "flat.undict", story, NULL, "agency,company,bureau\r\n", 0);
  int proposed;
  char *text;
  double my_score = listed_case(my, UNSPIN_ROLE_DOMAIN, &proposed, &text);
  ck_assert(proposed);
  ck_assert_msg(strstr(text, "spy agency joined the cyber") && !strstr(text, "company"), "%s", text);
  free(text);
  ck_assert_double_gt(my_score, 0.02);
  /* the flat list's link restores the word too, but a link that only such
   * a list makes is not evidence that the document is spun */
  double flat_score = listed_case(flat, UNSPIN_ROLE_DOMAIN, &proposed, &text);
  ck_assert(proposed);
  ck_assert_msg(strstr(text, "spy agency joined the cyber") && !strstr(text, "company"), "%s", text);
  free(text);
  ck_assert_double_eq(flat_score, 0.0);
  /* only originals a domain dictionary has seen: as a general dictionary
   * the same one proposes nothing from the flat list */
  listed_case(flat, UNSPIN_ROLE_GENERAL, &proposed, &text);
  ck_assert(!proposed);
  ck_assert_msg(strstr(text, "spy company joined the cyber"), "%s", text);
  free(text);
  unspin_dict_free(my);
  unspin_dict_free(flat);
}
END_TEST

START_TEST(consistency_prefers_the_documents_own_substitutions) {
  /* "mentioned" is the story's own word in one place, so only the first
   * occurrence below has the language model's backing for "said" */
  static const char text[] = "The spy agency joined the cyber defense group in May 2008.\n"
                             "The spy agency said the move risks inflaming tensions.\n"
                             "Officials said the spy agency joined the group to share research.\n"
                             "The report mentioned two names and a plan.\n";
  static const char twice[] = "The spy agency mentioned the move risks inflaming tensions. "
                              "He mentioned two names.\n";
  static const char once[] = "He mentioned two names.\n";
  /* the third sentence holds no spun wording of a substitution made
   * elsewhere: the last pass copies it as the one before restored it */
  static const char thrice[] = "The spy agency mentioned the move risks inflaming tensions. "
                               "He mentioned two names. The spy agency said the transfer risks "
                               "inflaming tensions.\n";
  /* the past tense listed as such: no hunspell needed */
  static const char list[] = "UTF-8\nsaid|1\n(verb)|mentioned|stated\n"
                             "move|1\n(noun)|transfer|motion\n";
  unspin_dict *d = build_dict("story.undict", text, list);
  unspin_engine *e = restoring_engine(d, UNSPIN_ROLE_DOMAIN);
  double v;
  ck_assert_int_eq(unspin_engine_get_param(e, "consistency", &v), UNSPIN_OK);
  ck_assert_double_eq_tol(v, 3.0, 1e-12);
  ck_assert_int_eq(unspin_engine_set_param(e, "consistency", -1), UNSPIN_ERR_INVALID_ARG);
  ck_assert_int_eq(unspin_engine_set_param(e, "consistency", 11), UNSPIN_ERR_INVALID_ARG);

  unspin_result *off, *on, *once_off, *once_on;
  ck_assert_int_eq(unspin_engine_set_param(e, "consistency", 0), UNSPIN_OK);
  char *got = restore(e, twice, &off);
  ck_assert_str_eq(got, "The spy agency said the move risks inflaming tensions. "
                        "He mentioned two names.\n");
  free(got);
  free(restore(e, once, &once_off));
  ck_assert_int_eq(unspin_engine_set_param(e, "consistency", 6), UNSPIN_OK);
  got = restore(e, twice, &on);
  ck_assert_str_eq(got, "The spy agency said the move risks inflaming tensions. "
                        "He said two names.\n");
  free(got);
  free(restore(e, once, &once_on));
  /* tokens: The spy agency mentioned(3) ... He mentioned(11) */
  ck_assert_str_eq(unspin_result_token_text(on, 3, NULL), "mentioned");
  ck_assert_str_eq(unspin_result_token_text(on, 11, NULL), "mentioned");
  /* the substitution made elsewhere gains exactly its weight; the one made
   * at a token does not vouch for itself */
  ck_assert_double_eq_tol(candidate_score(on, 11, "said") - candidate_score(off, 11, "said"), 6.0,
                          1e-9);
  ck_assert_double_eq_tol(candidate_score(on, 3, "said"), candidate_score(off, 3, "said"), 1e-9);
  ck_assert_double_gt(unspin_result_token_spin(on, 11), 0.5);
  ck_assert_double_lt(unspin_result_token_spin(off, 11), 0.5);
  /* a copied sentence keeps every detail of the pass before (`present`
   * off: the third sentence's "move" is written unreplaced in the first,
   * and a doubted restoration is decoded again) */
  unspin_result *three_off, *three_on;
  ck_assert_int_eq(unspin_engine_set_param(e, "present", 0), UNSPIN_OK);
  ck_assert_int_eq(unspin_engine_set_param(e, "consistency", 0), UNSPIN_OK);
  got = restore(e, thrice, &three_off);
  ck_assert_ptr_nonnull(strstr(got, "He mentioned two names. The spy agency said the move risks"));
  free(got);
  ck_assert_int_eq(unspin_engine_set_param(e, "consistency", 6), UNSPIN_OK);
  got = restore(e, thrice, &three_on);
  ck_assert_ptr_nonnull(strstr(got, "He said two names. The spy agency said the move risks"));
  free(got);
  ck_assert_uint_eq(unspin_result_restored_count(three_on), 3);
  size_t ntok = unspin_result_token_count(three_on);
  ck_assert_uint_eq(ntok, unspin_result_token_count(three_off));
  ck_assert_str_eq(unspin_result_token_text(three_on, 15, NULL), "The");
  for (size_t i = 15; i < ntok; i++) {
    const char *a = unspin_result_token_original(three_on, i, NULL);
    const char *b = unspin_result_token_original(three_off, i, NULL);
    ck_assert_msg((!a && !b) || (a && b && !strcmp(a, b)), "token %zu restored alike", i);
    ck_assert_double_eq(unspin_result_token_spin(three_on, i), unspin_result_token_spin(three_off, i));
    size_t n = unspin_result_token_candidate_count(three_on, i);
    ck_assert_uint_eq(n, unspin_result_token_candidate_count(three_off, i));
    for (size_t k = 0; k < n; k++) {
      unspin_source sa, sb;
      double xa, xb;
      const char *ca = unspin_result_token_candidate(three_on, i, k, NULL, &sa, &xa);
      const char *cb = unspin_result_token_candidate(three_off, i, k, NULL, &sb, &xb);
      ck_assert_str_eq(ca, cb);
      ck_assert_int_eq(sa, sb);
      ck_assert_double_eq(xa, xb);
    }
  }
  ck_assert_str_eq(unspin_result_token_original(three_on, 20, NULL), "move");
  unspin_result_free(three_off);
  unspin_result_free(three_on);
  /* a document that says it once is restored as before */
  ck_assert_double_eq_tol(candidate_score(once_on, 1, "said"), candidate_score(once_off, 1, "said"),
                          1e-9);
  ck_assert_double_eq_tol(unspin_result_token_spin(once_on, 1), unspin_result_token_spin(once_off, 1),
                          1e-12);
  unspin_result_free(off);
  unspin_result_free(on);
  unspin_result_free(once_off);
  unspin_result_free(once_on);
  /* from general resources alone the document's edits are not repeated */
  unspin_engine *g = restoring_engine(d, UNSPIN_ROLE_GENERAL);
  ck_assert_int_eq(unspin_engine_set_param(g, "general_floor", 0), UNSPIN_OK);
  ck_assert_int_eq(unspin_engine_set_param(g, "consistency", 0), UNSPIN_OK);
  free(restore(g, twice, &off));
  ck_assert_int_eq(unspin_engine_set_param(g, "consistency", 6), UNSPIN_OK);
  free(restore(g, twice, &on));
  ck_assert_ptr_nonnull(unspin_result_token_original(on, 3, NULL));
  ck_assert_double_eq_tol(candidate_score(on, 11, "said"), candidate_score(off, 11, "said"), 1e-9);
  unspin_result_free(off);
  unspin_result_free(on);
  unspin_engine_free(g);
  unspin_engine_free(e);
  unspin_dict_free(d);
}
END_TEST

START_TEST(a_spun_word_restored_two_ways_is_decoded_again) {
  /* "transfer" is "move" where the story's context says so, and "trip"
   * elsewhere by the list and the story's words alone; a spinner writes
   * one synonym for one original, so the second place is decoded again
   * with the first place's pair counting */
  static const char list[] = "UTF-8\nmove|1\n(noun)|transfer|motion|relocation|shift|change\n"
                             "trip|1\n(noun)|transfer\n";
  unspin_dict *d = build_dict("story.undict",
                              "The spy agency said the move risks inflaming tensions.\n"
                              "The trip was long. The trip was short. A trip to Tallinn.\n",
                              list);
  unspin_engine *e = restoring_engine(d, UNSPIN_ROLE_DOMAIN);
  static const char spun[] = "The spy agency said the transfer risks inflaming tensions.\n"
                             "They planned the transfer carefully.\n";
  ck_assert_int_eq(unspin_engine_set_param(e, "consistency", 0), UNSPIN_OK);
  expect_restored(e, spun, "The spy agency said the move risks inflaming tensions.\n"
                           "They planned the trip carefully.\n");
  ck_assert_int_eq(unspin_engine_set_param(e, "consistency", 3), UNSPIN_OK);
  expect_restored(e, spun, "The spy agency said the move risks inflaming tensions.\n"
                           "They planned the move carefully.\n");
  unspin_engine_free(e);
  unspin_dict_free(d);
}
END_TEST

START_TEST(parameters_are_checked) {
  unspin_engine *e;
  ck_assert_int_eq(unspin_engine_new(&e, NULL, NULL), UNSPIN_OK);
  ck_assert_int_eq(unspin_engine_set_param(e, "spin_prior", 0.1), UNSPIN_OK);
  ck_assert_int_eq(unspin_engine_set_param(e, "spin_prior", 1.5), UNSPIN_ERR_INVALID_ARG);
  ck_assert_int_eq(unspin_engine_set_param(e, "lm_scale", -1), UNSPIN_ERR_INVALID_ARG);
  ck_assert_int_eq(unspin_engine_set_param(e, "beam", 0), UNSPIN_ERR_INVALID_ARG);
  ck_assert_int_eq(unspin_engine_set_param(e, "threshold", 0.2), UNSPIN_OK);
  ck_assert_int_eq(unspin_engine_set_param(e, "profile_threshold", 0.5), UNSPIN_ERR_INVALID_ARG);
  ck_assert_int_eq(unspin_engine_set_param(e, "profile", 1), UNSPIN_ERR_INVALID_ARG);
  ck_assert_int_eq(unspin_engine_set_param(e, "no such", 1), UNSPIN_ERR_INVALID_ARG);
  ck_assert_int_eq(unspin_engine_set_param(e, "context", NAN), UNSPIN_ERR_INVALID_ARG);
  ck_assert_int_eq(unspin_engine_set_param(e, "mismatch", 1), UNSPIN_ERR_INVALID_ARG);
  ck_assert_int_eq(unspin_engine_set_param(e, "corroborate", -1), UNSPIN_ERR_INVALID_ARG);
  ck_assert_int_eq(unspin_engine_set_param(e, "corroborate", 11), UNSPIN_ERR_INVALID_ARG);
  ck_assert_int_eq(unspin_engine_set_param(e, "present", 0.5), UNSPIN_ERR_INVALID_ARG);
  /* the defaults docs/model.md gives */
  double d;
  ck_assert_int_eq(unspin_engine_get_param(e, "corroborate", &d), UNSPIN_OK);
  ck_assert_double_eq_tol(d, 2.0, 1e-12);
  ck_assert_int_eq(unspin_engine_get_param(e, "present", &d), UNSPIN_OK);
  ck_assert_double_eq_tol(d, -4.0, 1e-12);
  /* every name reads back what was set */
  static const char *const names[] = {"spin_prior", "lm_scale", "domain_weight", "context",
                                      "fanout_power", "similar", "related", "generic",
                                      "length", "forward", "morphology", "related1",
                                      "related2", "threshold", "adapt", "beam", "listed",
                                      "general_floor", "one_sided", "mismatch",
                                      "corroborate", "present"};
  static const double values[] = {0.2,   0.9, 0.6, -4, 0.25, -0.5, -1,  -1.5, -3, -0.25,
                                  -0.75, 2,   1.25, 0.05, 4,  12,  -0.5, 0.7, -2.5, -1,
                                  1.5,   -3};
  for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
    double v = -99;
    ck_assert_int_eq(unspin_engine_set_param(e, names[i], values[i]), UNSPIN_OK);
    ck_assert_int_eq(unspin_engine_get_param(e, names[i], &v), UNSPIN_OK);
    ck_assert_msg(fabs(v - values[i]) < 1e-12, "%s read back %g, set %g", names[i], v, values[i]);
  }
  double v;
  ck_assert_int_eq(unspin_engine_get_param(e, "no such", &v), UNSPIN_ERR_INVALID_ARG);
  unspin_engine_free(e);
}
END_TEST

START_TEST(profiles_reject_invalid_utf8) {
  unspin_profile *p;
  unspin_error err;
  ck_assert_int_eq(unspin_profile_parse(&p, "ok|fine\nbad|\xff\n", 14, "x.profile", &err),
                   UNSPIN_ERR_FORMAT);
  ck_assert_int_eq(err.offset, 12);
  ck_assert_ptr_nonnull(strstr(err.message, "x.profile"));
  ck_assert_int_eq(unspin_profile_parse(&p, "ok|fine\nag\0ency|company\n", 25, "y.profile", &err),
                   UNSPIN_ERR_FORMAT);
  ck_assert_int_eq(err.offset, 10);
  ck_assert_str_eq(err.message, "y.profile: byte offset 10: NUL byte");
  /* a file with both faults reports the first */
  ck_assert_int_eq(unspin_profile_parse(&p, "ok\xff|x\0", 7, "z.profile", &err),
                   UNSPIN_ERR_FORMAT);
  ck_assert_str_eq(err.message, "z.profile: byte offset 2: invalid UTF-8");
  ck_assert_int_eq(unspin_profile_parse(&p, "o\0k\xff|x", 7, "z.profile", &err),
                   UNSPIN_ERR_FORMAT);
  ck_assert_str_eq(err.message, "z.profile: byte offset 1: NUL byte");
  ck_assert_int_eq(err.offset, 1);
  /* a long line and a five-word key are handled, the key skipped */
  size_t n = 1 << 20;
  char *big = malloc(n + 64);
  memset(big, 'a', n);
  memcpy(big + n, "|b\none two three four five|x\n", 29);
  ck_assert_int_eq(unspin_profile_parse(&p, big, n + 29, NULL, &err), UNSPIN_OK);
  ck_assert_uint_eq(unspin_profile_size(p), 1);
  unspin_profile_free(p);
  free(big);
}
END_TEST

/* A strict recursive-descent JSON checker: returns the end of one value or NULL. */
static const char *ws(const char *s) {
  while (*s == ' ' || *s == '\n' || *s == '\r' || *s == '\t')
    s++;
  return s;
}
static const char *value(const char *s);
static const char *string(const char *s) {
  if (*s++ != '"')
    return NULL;
  while (*s != '"') {
    if ((unsigned char)*s < 0x20)
      return NULL;
    if (*s == '\\') {
      s++;
      if (*s == 'u') {
        for (int i = 1; i <= 4; i++)
          if (!strchr("0123456789abcdefABCDEF", s[i]) || !s[i])
            return NULL;
        s += 4;
      } else if (!strchr("\"\\/bfnrt", *s) || !*s) {
        return NULL;
      }
    }
    s++;
  }
  return s + 1;
}
static const char *value(const char *s) {
  s = ws(s);
  if (*s == '{' || *s == '[') {
    char close = *s == '{' ? '}' : ']';
    s = ws(s + 1);
    if (*s == close)
      return s + 1;
    for (;;) {
      if (close == '}') {
        if (!(s = string(ws(s))) || *(s = ws(s)) != ':')
          return NULL;
        s++;
      }
      if (!(s = value(s)))
        return NULL;
      s = ws(s);
      if (*s == close)
        return s + 1;
      if (*s++ != ',')
        return NULL;
    }
  }
  if (*s == '"')
    return string(s);
  if (!strncmp(s, "true", 4) || !strncmp(s, "null", 4))
    return s + 4;
  if (!strncmp(s, "false", 5))
    return s + 5;
  char *end;
  strtod(s, &end);
  return end == s ? NULL : end;
}

START_TEST(json_is_valid_and_complete) {
  unspin_dict *d = build_dict("story.undict", story, NULL);
  unspin_profile *p = profile("agency|company\n");
  unspin_engine *e = restoring_engine(d, UNSPIN_ROLE_DOMAIN);
  ck_assert_int_eq(unspin_engine_add_profile(e, p), UNSPIN_OK);
  static const char in[] = "The \"spy\" company\tjoined\\ the group.\r\n\x01 caf\xff.";
  unspin_result *r;
  ck_assert_int_eq(unspin_analyze(e, in, sizeof in - 1, &r, NULL), UNSPIN_OK);
  char *json;
  size_t len;
  ck_assert_int_eq(unspin_result_render(r, UNSPIN_FORMAT_JSON, 0, "a \"b\".txt", &json, &len),
                   UNSPIN_OK);
  const char *end = value(json);
  ck_assert_msg(end && *ws(end) == '\0', "invalid JSON: %s", json);
  ck_assert_ptr_nonnull(strstr(json, "\"file\":\"a \\\"b\\\".txt\""));
  ck_assert_ptr_nonnull(strstr(json, "\"original\":\"agency\""));
  ck_assert_ptr_nonnull(strstr(json, "\"source\":\"profile\""));
  ck_assert_ptr_nonnull(strstr(json, "\\ufffd"));
  ck_assert_ptr_nonnull(strstr(json, "\\u0001"));
  unspin_free(json);
  char *diff;
  ck_assert_int_eq(unspin_result_render(r, UNSPIN_FORMAT_DIFF, 0, NULL, &diff, &len), UNSPIN_OK);
  ck_assert_ptr_nonnull(strstr(diff, "\"spy\" [-company-]{+agency+}\tjoined"));
  ck_assert_uint_eq(len, sizeof in - 1 + strlen("[--]{+agency+}"));
  unspin_free(diff);
  ck_assert_int_eq(unspin_result_render(r, UNSPIN_FORMAT_DIFF, UNSPIN_RENDER_COLOR, NULL, &diff,
                                        NULL),
                   UNSPIN_OK);
  ck_assert_ptr_nonnull(strstr(diff, "\x1b[31m[-company-]\x1b[0m\x1b[32m{+agency+}\x1b[0m"));
  unspin_free(diff);
  unspin_result_free(r);
  unspin_engine_free(e);
  unspin_profile_free(p);
  unspin_dict_free(d);
}
END_TEST

static Suite *suite(void) {
  Suite *s = suite_create("restore");
  TCase *tc = tcase_create("core");
  tcase_set_timeout(tc, 60);
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_test(tc, clean_text_is_left_alone);
  tcase_add_test(tc, profile_source_restores_and_copies_case);
  tcase_add_test(tc, a_key_left_standing_is_another_keys_synonym);
  tcase_add_test(tc, numbers_are_the_authors);
  tcase_add_test(tc, thesaurus_source_restores_a_known_synonym);
  tcase_add_test(tc, general_floor_applies_without_a_domain_dictionary);
  tcase_add_test(tc, labels_are_held_to_the_floor);
  tcase_add_test(tc, fillers_of_another_frequency_weigh_less);
  tcase_add_test(tc, fillers_of_another_length_need_a_direct_link);
  tcase_add_test(tc, context_source_restores_without_a_thesaurus);
  tcase_add_test(tc, one_sided_alignments_weigh_less);
  tcase_add_test(tc, word_lists_and_alignments_corroborate);
  tcase_add_test(tc, an_original_written_unreplaced_elsewhere_is_doubted);
  tcase_add_test(tc, alignment_fills_adjacent_gaps);
  tcase_add_test(tc, article_follows_the_original);
  tcase_add_test(tc, morphology_source_reinflects);
  tcase_add_test(tc, irregular_forms_from_wordnet_exceptions);
  tcase_add_test(tc, dropped_originals_leave_room_for_the_others);
  tcase_add_test(tc, context_fillers_are_inflected_like_the_spun_word);
  tcase_add_test(tc, the_storys_originals_are_inflected_first);
  tcase_add_test(tc, case_model_weighs_the_case_read);
  tcase_add_test(tc, synonym_list_proposes_but_is_no_evidence);
  tcase_add_test(tc, consistency_prefers_the_documents_own_substitutions);
  tcase_add_test(tc, a_spun_word_restored_two_ways_is_decoded_again);
  tcase_add_test(tc, parameters_are_checked);
  tcase_add_test(tc, profiles_reject_invalid_utf8);
  tcase_add_test(tc, json_is_valid_and_complete);
  tcase_add_test(tc, an_analysis_does_not_depend_on_the_ones_before);
  tcase_add_test(tc, detect_only_stops_at_the_verdict);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) { return tu_run(suite()); }
