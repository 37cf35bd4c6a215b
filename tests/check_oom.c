/* check_oom.c - allocation failure: the library's malloc, calloc, realloc
 * and strdup calls are wrapped at link time (-Wl,--wrap), and an API
 * scenario (build a dictionary with a thesaurus, open it, parse a profile,
 * learn a second one from a pair and parse it, set up an engine with
 * hunspell and lists of irregular forms, analyse and render; and learning
 * from spun text with a long flat list) is run once per allocation it
 * makes, failing that allocation.  Every run must either fail with
 * UNSPIN_ERR_NOMEM or give exactly the results of a run without failures;
 * the ASan build in CI checks that nothing leaks. */
#define _POSIX_C_SOURCE 200809L
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"
#include "unspin.h"

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);
char *__real_strdup(const char *s);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t n);
char *__wrap_strdup(const char *s);

static long calls, fail_at = -1; /* fail_at: the 1-based call to fail, -1 for none */
static int injected;

static int fail_now(void) {
  if (++calls != fail_at)
    return 0;
  injected = 1;
  return 1;
}
void *__wrap_malloc(size_t n) { return fail_now() ? NULL : __real_malloc(n); }
void *__wrap_calloc(size_t n, size_t size) { return fail_now() ? NULL : __real_calloc(n, size); }
void *__wrap_realloc(void *p, size_t n) { return fail_now() ? NULL : __real_realloc(p, n); }
char *__wrap_strdup(const char *s) { return fail_now() ? NULL : __real_strdup(s); }

static const char story[] = "The spy agency joined the cyber defense group in May 2008.\n"
                            "The spy agency said the move risks inflaming tensions.\n"
                            "It focuses on research, training, and exercises in the field.\n";
static const char thesaurus[] = "UTF-8\n"
                                "risk|1\n(verb)|danger|hazard\n"
                                "move|1\n(noun)|transfer|motion\n"
                                "statement|1\n(noun)|announcement|declaration\n";
static const char profile_text[] = "agency|company|firm\nmay|could\n";
static const char spun[] = "The spy company said the transfer dangers inflaming tensions.\n"
                           "It focuses on analysis, coaching, and exercises in the field.\n"
                           "In an announcement, the group met in Could 2008.\n"
                           "The agency turned the first to say it had been there.\n";

/* the story as a spinner rewrote it, to learn a profile from */
static const char story_spun[] = "The spy company joined the cyber defense group in Could 2008.\n"
                                 "The spy firm stated the transfer dangers inflaming tensions.\n"
                                 "It focuses on analysis, coaching, and exercises within the field.\n";

static char *dir, *th_path, *dict_path, *learned_path, *list_path, *stats_path;

/* Reads the file at path, then removes it, after the static buffer's first
 * n bytes; the new length, or -1 when it cannot be read or does not fit
 * (no wrapped allocation). */
static long append_file(char *buf, size_t cap, long n, const char *path) {
  FILE *f = n >= 0 ? fopen(path, "rb") : NULL;
  if (!f)
    return -1;
  size_t got = fread(buf + n, 1, cap - 1 - (size_t)n, f);
  fclose(f);
  remove(path);
  buf[(size_t)n + got] = '\0';
  return (size_t)n + got < cap - 1 ? n + (long)got : -1;
}

/* Learns a profile from the story and its spun copy, writes it and parses
 * it back (the file is read into a static buffer: no wrapped allocation). */
static unspin_status learned_profile(unspin_profile **out, unspin_error *err) {
  static char buf[16384];
  unspin_learner *l = NULL;
  unspin_status st = unspin_learner_new(&l, err);
  if (st == UNSPIN_OK)
    st = unspin_learner_add_pair(l, story, sizeof story - 1, "story", story_spun,
                                 sizeof story_spun - 1, "spun story", err);
  if (st == UNSPIN_OK)
    st = unspin_learner_write(l, learned_path, err);
  unspin_learner_free(l);
  if (st != UNSPIN_OK)
    return st;
  /* (no Check assertions here: they allocate) */
  long n = append_file(buf, sizeof buf, 0, learned_path);
  return n >= 0 ? unspin_profile_parse(out, buf, (size_t)n, "learned", err) : UNSPIN_ERR_LIMIT;
}
/* Builds the story with the thesaurus, and `list` unless NULL, into
 * dict_path with options `bo` (NULL: the defaults), and opens it. */
static unspin_status story_dict(const unspin_build_options *bo, const char *list,
                                unspin_builder **b, unspin_dict **d, unspin_error *err) {
  unspin_status st = unspin_builder_new(b, bo, err);
  if (st == UNSPIN_OK)
    st = unspin_builder_add_text(*b, story, sizeof story - 1, err);
  if (st == UNSPIN_OK)
    st = unspin_builder_add_thesaurus(*b, th_path, err);
  if (st == UNSPIN_OK && list)
    st = unspin_builder_add_synonym_list(*b, list, err);
  if (st == UNSPIN_OK)
    st = unspin_builder_write(*b, dict_path, err);
  if (st == UNSPIN_OK)
    st = unspin_dict_open(d, dict_path, UNSPIN_DICT_DEFAULT, err);
  return st;
}

static int with_hunspell; /* when Debian's hunspell-en-us is installed */
#define HUNSPELL "/usr/share/hunspell/en_US"

/* Runs the scenario; returns the first status that is not OK (or OK) and
 * in *out the three renderings joined, when everything succeeded. */
static unspin_status scenario(char **out) {
  unspin_builder *b = NULL;
  unspin_dict *d = NULL;
  unspin_profile *p = NULL, *learned = NULL;
  unspin_engine *e = NULL;
  unspin_result *r = NULL;
  char *text = NULL, *diff = NULL, *json = NULL;
  unspin_error err;
  unspin_build_options bo;
  unspin_build_options_init(&bo);
  bo.temp_dir = dir;
  bo.memory_limit = 64 * 1024; /* the smallest: spilled runs too */
  unspin_status st = story_dict(&bo, NULL, &b, &d, &err);
  if (st == UNSPIN_OK)
    st = unspin_profile_parse(&p, profile_text, sizeof profile_text - 1, "profile", &err);
  if (st == UNSPIN_OK)
    st = learned_profile(&learned, &err);
  if (st == UNSPIN_OK)
    st = unspin_engine_new(&e, NULL, &err);
  if (st == UNSPIN_OK)
    st = unspin_engine_add_dict(e, d, UNSPIN_ROLE_DOMAIN);
  if (st == UNSPIN_OK && with_hunspell)
    st = unspin_engine_load_hunspell(e, HUNSPELL ".aff", HUNSPELL ".dic", &err);
  if (st == UNSPIN_OK)
    st = unspin_engine_load_exceptions(e, dir, &err);
  if (st == UNSPIN_OK)
    st = unspin_engine_add_profile(e, p);
  if (st == UNSPIN_OK)
    st = unspin_engine_add_profile(e, learned);
  if (st == UNSPIN_OK)
    st = unspin_analyze(e, spun, sizeof spun - 1, &r, &err);
  if (st == UNSPIN_OK)
    st = unspin_result_render(r, UNSPIN_FORMAT_TEXT, 0, NULL, &text, NULL);
  if (st == UNSPIN_OK)
    st = unspin_result_render(r, UNSPIN_FORMAT_DIFF, 0, NULL, &diff, NULL);
  if (st == UNSPIN_OK)
    st = unspin_result_render(r, UNSPIN_FORMAT_JSON, 0, "spun", &json, NULL);
  if (st == UNSPIN_OK) {
    size_t n = strlen(text) + strlen(diff) + strlen(json) + 1;
    *out = __real_malloc(n);
    snprintf(*out, n, "%s%s%s", text, diff, json);
  }
  unspin_free(text);
  unspin_free(diff);
  unspin_free(json);
  unspin_result_free(r);
  unspin_engine_free(e);
  unspin_profile_free(p);
  unspin_profile_free(learned);
  unspin_dict_free(d);
  unspin_builder_free(b);
  remove(dict_path);
  return st;
}

/* Learning from the spun text alone through a general dictionary whose
 * flat list links 40 words to "company" (a long run of candidates, found
 * through an index): the statistics and the profile learned, in *out. */
static unspin_status spun_learning(char **out) {
  static char buf[1 << 16];
  unspin_builder *b = NULL;
  unspin_dict *d = NULL;
  unspin_engine *e = NULL;
  unspin_spun_learner *l = NULL;
  unspin_error err;
  unspin_status st = story_dict(NULL, list_path, &b, &d, &err);
  if (st == UNSPIN_OK)
    st = unspin_engine_new(&e, NULL, &err);
  if (st == UNSPIN_OK)
    st = unspin_engine_add_dict(e, d, UNSPIN_ROLE_GENERAL);
  if (st == UNSPIN_OK)
    st = unspin_spun_learner_new(&l, e, &err);
  if (st == UNSPIN_OK)
    st = unspin_spun_learner_add_text(l, spun, sizeof spun - 1, "spun", &err);
  if (st == UNSPIN_OK)
    st = unspin_spun_learner_write_stats(l, stats_path, &err);
  if (st == UNSPIN_OK)
    st = unspin_spun_learner_run(l, 5, NULL, NULL, &err);
  if (st == UNSPIN_OK)
    st = unspin_spun_learner_write(l, learned_path, &err);
  if (st == UNSPIN_OK) {
    long n = append_file(buf, sizeof buf, 0, stats_path);
    n = append_file(buf, sizeof buf, n, learned_path);
    if (n < 0)
      st = UNSPIN_ERR_IO;
    else if ((*out = __real_malloc((size_t)n + 1)))
      memcpy(*out, buf, (size_t)n + 1);
  }
  unspin_spun_learner_free(l);
  unspin_engine_free(e);
  unspin_dict_free(d);
  unspin_builder_free(b);
  remove(dict_path);
  return st;
}

/* Runs `run` once without failures, then once per allocation it made with
 * that allocation failing: each run fails with UNSPIN_ERR_NOMEM or gives
 * the same results, which hold `marker`. */
static void fail_each(unspin_status (*run)(char **), const char *marker, const char *name) {
  char *want = NULL;
  calls = 0;
  fail_at = -1;
  unspin_status first = run(&want);
  long total = calls; /* read before Check's own calls, which are wrapped too */
  ck_assert_int_eq(first, UNSPIN_OK);
  ck_assert_msg(total > 100, "only %ld allocations: the wrapping is not in effect", total);
  ck_assert_msg(strstr(want, marker) != NULL, "%s: no %s in the results: %s", name, marker, want);
  long nomem = 0;
  for (long n = 1; n <= total; n++) {
    char *got = NULL;
    calls = 0;
    injected = 0;
    fail_at = n;
    unspin_status st = run(&got);
    fail_at = -1;
    ck_assert_msg(injected, "allocation %ld was not reached (the scenario is not deterministic)", n);
    if (st == UNSPIN_OK) {
      /* the library coped without that allocation: the results must not show it */
      ck_assert_msg(!strcmp(got, want), "allocation %ld failed silently and changed the results", n);
      free(got);
    } else {
      ck_assert_msg(st == UNSPIN_ERR_NOMEM, "allocation %ld failed: status %d, not NOMEM", n, st);
      nomem++;
    }
  }
  ck_assert_int_gt(nomem, 0);
  printf("check_oom: %s: %ld allocations, each failed in turn: %ld calls reported NOMEM, %ld coped\n",
         name, total, nomem, total - nomem);
  free(want);
}

START_TEST(every_allocation_failure_is_clean) {
  dir = tu_mkdtemp();
  th_path = tu_path(dir, "th.dat");
  dict_path = tu_path(dir, "story.undict");
  learned_path = tu_path(dir, "learned.profile");
  tu_write(th_path, thesaurus, sizeof thesaurus - 1);
  /* WordNet-style lists of irregular forms, small */
  char *exc = tu_path(dir, "verb.exc");
  tu_write(exc, "became become\nsaid say\nmet meet\n", 32);
  free(exc);
  exc = tu_path(dir, "noun.exc");
  tu_write(exc, "people person\n", 14);
  free(exc);
  FILE *f = fopen(HUNSPELL ".dic", "rb");
  if (f) {
    fclose(f);
    with_hunspell = 1;
  }
  fail_each(scenario, "{+agency+}", "analysis");
  /* 40 words a flat list links to "company", and "agency" */
  list_path = tu_path(dir, "flat.list");
  stats_path = tu_path(dir, "spun.stats");
  char flat[1024] = "agency,company\n";
  size_t fl = strlen(flat);
  for (int i = 0; i < 40; i++)
    fl += (size_t)snprintf(flat + fl, sizeof flat - fl, "k%c%c,company\n", 'a' + i / 26,
                           'a' + i % 26);
  tu_write(list_path, flat, fl);
  fail_each(spun_learning, "agency", "learning");
  free(th_path);
  free(list_path);
  free(stats_path);
  free(dict_path);
  free(learned_path);
  tu_rmdir(dir);
}
END_TEST

int main(void) {
  Suite *s = suite_create("oom");
  TCase *tc = tcase_create("core");
  tcase_set_timeout(tc, 900);
  tcase_add_test(tc, every_allocation_failure_is_clean);
  suite_add_tcase(s, tc);
  return tu_run(s);
}
