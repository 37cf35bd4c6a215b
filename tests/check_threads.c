/* check_threads.c - one engine and its dictionaries shared by several
 * threads: every thread's results equal the single-threaded ones.  CI also
 * runs this suite under ThreadSanitizer. */
#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"
#include "unspin.h"

#define NDOCS 24
#define NTHREADS 4

static const char story[] =
    "South Korea's spy agency joined NATO's cyber defense group in May 2008.\n"
    "The agency said the move risks inflaming tensions with China.\n"
    "It focuses on research, training, and exercises in the field of cybersecurity.\n"
    "Officials said the statement was made on Thursday.\n";

static const char thesaurus[] = "UTF-8\n"
                                "agency|1\n(noun)|bureau|office\n"
                                "risk|1\n(verb)|danger|hazard\n"
                                "move|1\n(noun)|transfer|motion\n"
                                "statement|1\n(noun)|announcement|declaration\n"
                                "say|1\n(verb)|mention|state\n";

static const char *const sentences[] = {
    "South Korea's spy bureau joined NATO's cyber defense group in Could 2008.\n",
    "The agency mentioned the transfer dangers inflaming tensions with China.\n",
    "It focuses on analysis, coaching, and workout routines within the subject of cybersecurity.\n",
    "Officials said the announcement was made on Thursday.\n",
    "A clean sentence about something else entirely, with no synonyms at all.\n",
    "The spy company said in an announcement that the transfer risks tensions.\n",
};

static char *docs[NDOCS];
static char *expected[NDOCS];
static const unspin_engine *shared;

/* Document i: a few of the sentences, chosen by i. */
static char *make_doc(int i) {
  size_t cap = 4096, len = 0;
  char *d = malloc(cap);
  ck_assert_ptr_nonnull(d);
  for (int k = 0; k < 3 + i % 4; k++) {
    const char *s = sentences[(size_t)(i * 7 + k * 3) % (sizeof sentences / sizeof *sentences)];
    size_t n = strlen(s);
    ck_assert(len + n + 1 < cap);
    memcpy(d + len, s, n);
    len += n;
  }
  d[len] = '\0';
  return d;
}

/* The JSON rendering of document i: every figure the result holds. */
static char *analyse(int i) {
  unspin_result *r;
  unspin_error err;
  if (unspin_analyze(shared, docs[i], strlen(docs[i]), &r, &err) != UNSPIN_OK)
    return NULL;
  char *json = NULL;
  if (unspin_result_render(r, UNSPIN_FORMAT_JSON, 0, "doc", &json, NULL) != UNSPIN_OK)
    json = NULL;
  unspin_result_free(r);
  return json;
}

static void *worker(void *arg) {
  int t = (int)(size_t)arg, mismatches = 0;
  for (int round = 0; round < 3; round++)
    for (int k = 0; k < NDOCS; k++) {
      int i = (k * 5 + t * 7 + round) % NDOCS; /* each thread in its own order */
      char *json = analyse(i);
      if (!json || strcmp(json, expected[i]))
        mismatches++;
      unspin_free(json);
    }
  return (void *)(size_t)mismatches;
}

START_TEST(threads_share_one_engine) {
  char *dir = tu_mkdtemp();
  unspin_dict *d = tu_build_dict(dir, "story.undict", story, thesaurus, 0);
  unspin_engine *e;
  ck_assert_int_eq(unspin_engine_new(&e, NULL, NULL), UNSPIN_OK);
  ck_assert_int_eq(unspin_engine_add_dict(e, d, UNSPIN_ROLE_DOMAIN), UNSPIN_OK);
  /* hunspell's stems go through the engine's lock: use it when installed */
  FILE *f = fopen("/usr/share/hunspell/en_US.dic", "rb");
  if (f) {
    fclose(f);
    ck_assert_int_eq(unspin_engine_load_hunspell(e, "/usr/share/hunspell/en_US.aff",
                                                 "/usr/share/hunspell/en_US.dic", NULL),
                     UNSPIN_OK);
  }
  shared = e;
  int restored = 0;
  for (int i = 0; i < NDOCS; i++) {
    docs[i] = make_doc(i);
    expected[i] = analyse(i);
    ck_assert_ptr_nonnull(expected[i]);
    restored += strstr(expected[i], "\"restored\":0,") == NULL;
  }
  ck_assert_msg(restored > 0, "no document was restored: the test would compare nothing");
  pthread_t tid[NTHREADS];
  for (int t = 0; t < NTHREADS; t++)
    ck_assert_int_eq(pthread_create(&tid[t], NULL, worker, (void *)(size_t)t), 0);
  int mismatches = 0;
  for (int t = 0; t < NTHREADS; t++) {
    void *m;
    ck_assert_int_eq(pthread_join(tid[t], &m), 0);
    mismatches += (int)(size_t)m;
  }
  ck_assert_int_eq(mismatches, 0);
  for (int i = 0; i < NDOCS; i++) {
    free(docs[i]);
    unspin_free(expected[i]);
  }
  unspin_engine_free(e);
  unspin_dict_free(d);
  tu_rmdir(dir);
}
END_TEST

int main(void) {
  Suite *s = suite_create("threads");
  TCase *tc = tcase_create("core");
  tcase_set_timeout(tc, 300);
  tcase_add_test(tc, threads_share_one_engine);
  suite_add_tcase(s, tc);
  return tu_run(s);
}
