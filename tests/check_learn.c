/* check_learn.c - learning a spinner's table from aligned pairs: the
 * phrase pairs and counts of small pairs written here, merging shards, and
 * errors; and from spun text alone, by EM over a synthetic spinner's output. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "profile.h"
#include "test_util.h"

static char *dir;

static void setup(void) { dir = tu_mkdtemp(); }

static void teardown(void) { tu_rmdir(dir); }

static void add_pair(unspin_learner *l, const char *orig, const char *spun) {
  unspin_error err;
  ck_assert_msg(unspin_learner_add_pair(l, orig, strlen(orig), "o.txt", spun, strlen(spun),
                                        "s.txt", &err) == UNSPIN_OK,
                "%s", err.message);
}

/* Writes the learner's profile to dir/name and returns its text. */
static char *written(unspin_learner *l, const char *name) {
  char *path = tu_path(dir, name);
  unspin_error err;
  ck_assert_msg(unspin_learner_write(l, path, &err) == UNSPIN_OK, "%s", err.message);
  size_t len;
  char *text = tu_read(path, &len);
  ck_assert_ptr_nonnull(text);
  free(path);
  return text;
}

static void has_line(const char *text, const char *line) {
  size_t n = strlen(line);
  const char *p = text;
  while ((p = strstr(p, line)) && !((p == text || p[-1] == '\n') && p[n] == '\n'))
    p++;
  ck_assert_msg(p != NULL, "no line '%s' in:\n%s", line, text);
}

static const char orig_a[] = "The agency said it would act.\n"
                             "It was this year, the agency said.\n"
                             "We do not know whether it will.\n"
                             "They gave financial support to take care of her.\n"
                             "We take care of it.\n"
                             "They left interest rates on hold.\n";
static const char spun_a[] = "The company stated it would act.\n"
                             "It was this 12 months, the firm stated.\n"
                             "We do not know whether or not it will.\n"
                             "They gave monetary assist to maintain her.\n"
                             "We take care of it.\n"
                             "They left rates of interest on hold.\n";

/* Each differing block becomes a phrase pair: one word for one ("said" ->
 * "stated"), a phrase for a word ("12 months" for "year"), a word grown by
 * its matched neighbour where the copy only added words ("whether or not"
 * for "whether"), equal lengths word for word ("monetary assist"), a phrase
 * key counted where it occurs in the original ("take care of" twice, once
 * replaced), a word dropped on one side of a match and words added on its
 * other side joined ("rates of interest" for "interest rates").  One-word
 * keys' occurrences are the word's count in the
 * originals, which every word gets. */
START_TEST(pairs_give_phrase_pairs_and_counts) {
  unspin_learner *l;
  ck_assert_int_eq(unspin_learner_new(&l, NULL), UNSPIN_OK);
  add_pair(l, orig_a, spun_a);
  ck_assert_uint_eq(unspin_learner_pairs(l), 1);
  char *text = written(l, "a.profile");
  ck_assert_msg(!strncmp(text, "# unspin profile 2\n", 19), "%s", text);
  has_line(text, "agency\t2\t2\tcompany\t1\tfirm\t1");
  has_line(text, "said\t2\t2\tstated\t2");
  has_line(text, "year\t1\t1\t12 months\t1");
  has_line(text, "whether\t1\t1\twhether or not\t1");
  has_line(text, "financial\t1\t1\tmonetary\t1");
  has_line(text, "support\t1\t1\tassist\t1");
  has_line(text, "take care of\t2\t1\tmaintain\t1");
  has_line(text, "interest rates\t1\t1\trates of interest\t1");
  has_line(text, "it\t4\t0");
  has_line(text, "the\t2\t0");
  free(text);
  unspin_learner_free(l);
}
END_TEST

/* Pairs whose lines do not correspond are aligned as a whole. */
START_TEST(pairs_with_other_lines_align_as_a_whole) {
  unspin_learner *l;
  ck_assert_int_eq(unspin_learner_new(&l, NULL), UNSPIN_OK);
  add_pair(l, "The agency said it.\nIt was a year ago.\n", "The company said it. It was a year ago.\n");
  char *text = written(l, "w.profile");
  has_line(text, "agency\t1\t1\tcompany\t1");
  free(text);
  unspin_learner_free(l);
}
END_TEST

/* Counts add: shards learned apart and merged write the profile of one
 * learner fed everything, byte for byte. */
START_TEST(merged_shards_equal_one_run) {
  static const char orig_b[] = "The agency said the year was good.\nIn May it rose.\n";
  static const char spun_b[] = "The bureau stated the 12 months was good.\nIn Could it rose.\n";
  unspin_learner *a, *b, *all, *merged;
  ck_assert_int_eq(unspin_learner_new(&a, NULL), UNSPIN_OK);
  ck_assert_int_eq(unspin_learner_new(&b, NULL), UNSPIN_OK);
  ck_assert_int_eq(unspin_learner_new(&all, NULL), UNSPIN_OK);
  ck_assert_int_eq(unspin_learner_new(&merged, NULL), UNSPIN_OK);
  add_pair(a, orig_a, spun_a);
  add_pair(b, orig_b, spun_b);
  add_pair(all, orig_a, spun_a);
  add_pair(all, orig_b, spun_b);
  char *ta = written(a, "a.profile"), *tb = written(b, "b.profile");
  const char *shards[2] = {ta, tb};
  for (int i = 0; i < 2; i++) {
    unspin_profile *p;
    unspin_error err;
    ck_assert_int_eq(unspin_profile_parse(&p, shards[i], strlen(shards[i]), "shard", &err),
                     UNSPIN_OK);
    ck_assert_int_eq(unspin_learner_add_profile(merged, p, "shard", &err), UNSPIN_OK);
    unspin_profile_free(p);
  }
  char *tall = written(all, "all.profile"), *tm = written(merged, "merged.profile");
  ck_assert_str_eq(tm, tall);
  has_line(tall, "agency\t3\t3\tbureau\t1\tcompany\t1\tfirm\t1");
  has_line(tall, "may\t1\t1\tcould\t1");
  free(ta);
  free(tb);
  free(tall);
  free(tm);
  unspin_learner_free(a);
  unspin_learner_free(b);
  unspin_learner_free(all);
  unspin_learner_free(merged);
}
END_TEST

/* Bad text names its file and offset and leaves the learner unchanged; a
 * plain list cannot be merged (it has no counts); a pair too long to align
 * as a whole, or with a line too long to align, is refused. */
START_TEST(errors_name_the_input) {
  unspin_learner *l;
  unspin_error err;
  ck_assert_int_eq(unspin_learner_new(&l, NULL), UNSPIN_OK);
  ck_assert_int_eq(unspin_learner_add_pair(l, "ok text", 7, "o.txt", "ok\xff text", 8, "s.txt", &err),
                   UNSPIN_ERR_FORMAT);
  ck_assert_str_eq(err.message, "s.txt: byte offset 2: invalid UTF-8");
  ck_assert_int_eq(unspin_learner_add_pair(l, "o\0k", 3, "o.txt", "ok", 2, "s.txt", &err),
                   UNSPIN_ERR_FORMAT);
  ck_assert_str_eq(err.message, "o.txt: byte offset 1: NUL byte");
  ck_assert_uint_eq(unspin_learner_pairs(l), 0);
  unspin_profile *p;
  ck_assert_int_eq(unspin_profile_parse(&p, "agency|company\n", 15, "plain.txt", &err), UNSPIN_OK);
  ck_assert_int_eq(unspin_learner_add_profile(l, p, "plain.txt", &err), UNSPIN_ERR_FORMAT);
  ck_assert_ptr_nonnull(strstr(err.message, "plain.txt: a plain key|synonym list has no counts"));
  unspin_profile_free(p);
  /* 4,200 words on one line against 4,200 on two: too long for a whole alignment */
  size_t n = 4200 * 5;
  char *o = malloc(n + 2), *s = malloc(n + 2);
  for (size_t i = 0; i < n; i += 5) {
    memcpy(o + i, "word ", 5);
    memcpy(s + i, "word ", 5);
  }
  s[n / 2 + 4] = '\n';
  ck_assert_int_eq(unspin_learner_add_pair(l, o, n, "long.txt", s, n, "long-spun.txt", &err),
                   UNSPIN_ERR_LIMIT);
  ck_assert_ptr_nonnull(strstr(err.message, "long.txt and long-spun.txt"));
  /* lines that correspond, one of them too long for its own alignment; the
   * first line's block, too long to split, is not counted either */
  static const char first_o[] = "a b c d e f\n", first_s[] = "u v w x y\n";
  char *o2 = malloc(n + 16), *s2 = malloc(n + 16);
  memcpy(o2, first_o, 12);
  memcpy(o2 + 12, o, n);
  memcpy(s2, first_s, 10);
  memcpy(s2 + 10, o, n);
  ck_assert_int_eq(unspin_learner_add_pair(l, o2, n + 12, "o.txt", s2, n + 10, "s.txt", &err),
                   UNSPIN_ERR_LIMIT);
  ck_assert_str_eq(err.message, "o.txt and s.txt: line 2 is too long (4200 and 4200 words) to align");
  ck_assert_uint_eq(unspin_learner_skipped(l), 0);
  free(o2);
  free(s2);
  free(o);
  free(s);
  ck_assert_uint_eq(unspin_learner_pairs(l), 0);
  char *text = written(l, "empty.profile");
  ck_assert_str_eq(text, "# unspin profile 2\n"
                         "# key, occurrences, replaced, then synonym and count pairs; tab-separated\n"
                         "# (docs/profile-format.md)\n");
  free(text);
  char *bad = tu_path(dir, "no/such/dir/x.profile");
  ck_assert_int_eq(unspin_learner_write(l, bad, &err), UNSPIN_ERR_IO);
  ck_assert_ptr_nonnull(strstr(err.message, "no/such/dir/x.profile.tmp"));
  free(bad);
  unspin_learner_free(l);
}
END_TEST

/* A small synthetic spinner: the general model is built from clean text
 * whose thesaurus links each of four keys to two synonyms and a fifth word
 * ("team") to its own; the spinner replaces every occurrence of the four
 * keys, picking a synonym at random, and never touches "team".  EM over
 * the spun text alone must find the four keys replaced and "team" kept,
 * and each synonym's key. */
static const char *const em_keys[4][3] = {
    {"agency", "company", "bureau"}, {"big", "large", "huge"},
    {"said", "stated", "noted"},     {"start", "begin", "launch"}};

static unsigned em_next(unsigned *state) {
  *state = *state * 1103515245u + 12345u;
  return (*state >> 16) & 0x7fff;
}

/* n sentences over the keys, "team" and filler words; spun: each key
 * replaced by one of its synonyms. */
static char *em_text(unsigned seed, int n, int spun) {
  static const char *const fill[] = {"the", "new", "plan", "today", "for", "city", "will"};
  size_t cap = (size_t)n * 200, len = 0;
  char *t = malloc(cap);
  ck_assert_ptr_nonnull(t);
  for (int i = 0; i < n; i++) {
    const char *w[8];
    int nw = 0;
    w[nw++] = "the";
    w[nw++] = em_next(&seed) % 2 ? "team" : fill[em_next(&seed) % 7];
    for (int k = 0; k < 4; k++)
      if (em_next(&seed) % 2) {
        int syn = (int)(em_next(&seed) % 2);
        w[nw++] = spun ? em_keys[k][1 + syn] : em_keys[k][0];
      } else {
        w[nw++] = fill[em_next(&seed) % 7];
      }
    w[nw++] = fill[em_next(&seed) % 7];
    for (int j = 0; j < nw; j++)
      len += (size_t)snprintf(t + len, cap - len, "%s%s", j ? " " : "", w[j]);
    len += (size_t)snprintf(t + len, cap - len, ".\n");
  }
  return t;
}

START_TEST(em_recovers_a_synthetic_spinners_table) {
  const char *th = "UTF-8\nagency|1\n(noun)|company|bureau\nbig|1\n(adj)|large|huge\n"
                   "said|1\n(verb)|stated|noted\nstart|1\n(verb)|begin|launch\n"
                   "team|1\n(noun)|squad|crew\n";
  char *clean = em_text(1, 400, 0);
  unspin_dict *d = tu_build_dict(dir, "g.undict", clean, th, 3);
  unspin_engine *e;
  ck_assert_int_eq(unspin_engine_new(&e, NULL, NULL), UNSPIN_OK);
  ck_assert_int_eq(unspin_engine_add_dict(e, d, UNSPIN_ROLE_GENERAL), UNSPIN_OK);
  unspin_spun_learner *l;
  ck_assert_int_eq(unspin_spun_learner_new(&l, e, NULL), UNSPIN_OK);
  for (unsigned s = 2; s < 6; s++) {
    char *spun = em_text(s, 100, 1);
    ck_assert_int_eq(unspin_spun_learner_add_text(l, spun, strlen(spun), "spun", NULL), UNSPIN_OK);
    free(spun);
  }
  ck_assert_int_eq(unspin_spun_learner_run(l, 100, NULL, NULL, NULL), UNSPIN_OK);
  char *path = tu_path(dir, "em.profile");
  ck_assert_int_eq(unspin_spun_learner_write(l, path, NULL), UNSPIN_OK);
  size_t len;
  char *text = tu_read(path, &len);
  ck_assert_ptr_nonnull(text);
  unspin_profile *p;
  unspin_error err;
  ck_assert_msg(unspin_profile_parse(&p, text, len, path, &err) == UNSPIN_OK, "%s", err.message);
  for (int k = 0; k < 4; k++) {
    double rho = us_profile_rho(p, em_keys[k][0], strlen(em_keys[k][0]), NULL);
    ck_assert_msg(rho > 0.8, "%s replaced with rho %g\n%s", em_keys[k][0], rho, text);
    for (int j = 1; j < 3; j++) { /* each synonym is learned as its key's */
      size_t first, n = us_profile_links(p, em_keys[k][j], strlen(em_keys[k][j]), &first);
      int found = 0;
      for (size_t i = 0; i < n; i++) {
        const char *key;
        size_t klen, at;
        us_profile_link(p, first + i, &key, &klen, &at);
        found |= klen == strlen(em_keys[k][0]) && !memcmp(key, em_keys[k][0], klen);
      }
      ck_assert_msg(found, "%s -> %s not learned\n%s", em_keys[k][0], em_keys[k][j], text);
    }
  }
  ck_assert_msg(us_profile_rho(p, "team", 4, NULL) == 0, "team is kept\n%s", text);
  unspin_profile_free(p);
  free(text);
  free(path);
  unspin_spun_learner_free(l);
  unspin_engine_free(e);
  unspin_dict_free(d);
  free(clean);
}
END_TEST

/* The statistics a learner gathers through engine e from the spun texts. */
static char *gathered(const unspin_engine *e, const char *const *texts, size_t n, const char *name) {
  unspin_spun_learner *l;
  ck_assert_int_eq(unspin_spun_learner_new(&l, e, NULL), UNSPIN_OK);
  for (size_t i = 0; i < n; i++)
    ck_assert_int_eq(unspin_spun_learner_add_text(l, texts[i], strlen(texts[i]), "spun", NULL),
                     UNSPIN_OK);
  char *path = tu_path(dir, name);
  ck_assert_int_eq(unspin_spun_learner_write_stats(l, path, NULL), UNSPIN_OK);
  size_t len;
  char *stats = tu_read(path, &len);
  ck_assert_ptr_nonnull(stats);
  free(path);
  unspin_spun_learner_free(l);
  return stats;
}

/* Learning borrows the engine's cached stems, forms and ids, but gathers
 * candidates of its own: what an engine restored before (whose candidates
 * leave out a flat list's links, which learning keeps) changes nothing. */
START_TEST(learning_does_not_depend_on_what_the_engine_restored) {
  const char *th = "UTF-8\nagency|1\n(noun)|company|bureau\nsaid|1\n(verb)|stated|noted\n";
  char *clean = em_text(1, 200, 0);
  unspin_dict *d = tu_build_listed_dict(dir, "flat.undict", clean, th,
                                        "agency,firm,outfit\nsaid,remarked\n", 0);
  char *spun = em_text(2, 60, 1);
  const char *texts[] = {spun, "The firm remarked that the outfit would start.\n",
                         "The company stated the firm would begin.\n"};
  unspin_engine *fresh, *used;
  ck_assert_int_eq(unspin_engine_new(&fresh, NULL, NULL), UNSPIN_OK);
  ck_assert_int_eq(unspin_engine_new(&used, NULL, NULL), UNSPIN_OK);
  ck_assert_int_eq(unspin_engine_add_dict(fresh, d, UNSPIN_ROLE_GENERAL), UNSPIN_OK);
  ck_assert_int_eq(unspin_engine_add_dict(used, d, UNSPIN_ROLE_GENERAL), UNSPIN_OK);
  for (size_t i = 0; i < 3; i++) {
    unspin_result *r;
    ck_assert_int_eq(unspin_analyze(used, texts[i], strlen(texts[i]), &r, NULL), UNSPIN_OK);
    unspin_result_free(r);
  }
  char *want = gathered(fresh, texts, 3, "fresh.stats");
  char *got = gathered(used, texts, 3, "used.stats");
  ck_assert_ptr_nonnull(strstr(want, "firm"));
  ck_assert_msg(!strcmp(got, want), "statistics gathered after restoring differ");
  free(want);
  free(got);
  unspin_engine_free(fresh);
  unspin_engine_free(used);
  unspin_dict_free(d);
  free(spun);
  free(clean);
}
END_TEST

/* Learning keeps every original a flat list links to a word, so one span
 * has dozens (add() then finds a wording among them through an index).  A
 * wording that a thesaurus and the list both give is still one candidate:
 * the span's likeliest originals, the five words of the story that both
 * give, are each reported once. */
START_TEST(a_long_list_of_originals_holds_each_once) {
  static const char *const known[] = {"team", "city", "plan", "new", "today"};
  char th[1024] = "UTF-8\n", flat[2048] = "";
  size_t tl = strlen(th), fl = 0;
  for (int i = 0; i < 40; i++) {
    char o[4] = {'k', (char)('a' + i / 26), (char)('a' + i % 26), '\0'};
    const char *w = i < 5 ? known[i] : o;
    if (i < 5)
      tl += (size_t)snprintf(th + tl, sizeof th - tl, "%s|1\n(noun)|firm\n", w);
    fl += (size_t)snprintf(flat + fl, sizeof flat - fl, "%s,firm\n", w);
  }
  char *clean = em_text(1, 200, 0);
  unspin_dict *d = tu_build_listed_dict(dir, "long.undict", clean, th, flat, 0);
  unspin_engine *e;
  ck_assert_int_eq(unspin_engine_new(&e, NULL, NULL), UNSPIN_OK);
  ck_assert_int_eq(unspin_engine_add_dict(e, d, UNSPIN_ROLE_GENERAL), UNSPIN_OK);
  const char *texts[] = {"The firm will plan for the city.\n"};
  char *stats = gathered(e, texts, 1, "long.stats");
  const char *line = strstr(stats, "\ns\tfirm\t");
  ck_assert_msg(line != NULL, "no span for firm\n%s", stats);
  line += 8;
  char seen[8][8];
  int n = 0, nknown = 0;
  while (*line && *line != '\n') { /* original, tab, delta, then a tab or the line's end */
    size_t len = strcspn(line, "\t");
    ck_assert_uint_lt(len, sizeof seen[0]);
    ck_assert_int_lt(n, 8);
    memcpy(seen[n], line, len);
    seen[n][len] = '\0';
    for (int j = 0; j < n; j++)
      ck_assert_msg(strcmp(seen[j], seen[n]), "%s reported twice\n%s", seen[n], stats);
    for (int k = 0; k < 5; k++)
      nknown += !strcmp(seen[n], known[k]);
    n++;
    line += len + 1;
    line += strcspn(line, "\t\n");
    if (*line == '\t')
      line++;
  }
  ck_assert_int_eq(n, 8);
  ck_assert_msg(nknown == 5, "the story's words are not all reported\n%s", stats);
  free(stats);
  unspin_engine_free(e);
  unspin_dict_free(d);
  free(clean);
}
END_TEST

int main(void) {
  Suite *s = suite_create("learn");
  TCase *tc = tcase_create("core");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_test(tc, pairs_give_phrase_pairs_and_counts);
  tcase_add_test(tc, pairs_with_other_lines_align_as_a_whole);
  tcase_add_test(tc, merged_shards_equal_one_run);
  tcase_add_test(tc, errors_name_the_input);
  tcase_add_test(tc, em_recovers_a_synthetic_spinners_table);
  tcase_add_test(tc, learning_does_not_depend_on_what_the_engine_restored);
  tcase_add_test(tc, a_long_list_of_originals_holds_each_once);
  suite_add_tcase(s, tc);
  return tu_run(s);
}
