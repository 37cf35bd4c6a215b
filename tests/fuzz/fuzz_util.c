/* fuzz_util.c - see fuzz_util.h. */
#define _POSIX_C_SOURCE 200809L
#include "fuzz_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[256];
static unspin_dict *story;

static void cleanup(void) {
  unspin_dict_free(story);
  story = NULL;
  if (dir[0]) {
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
      fprintf(stderr, "fuzz: could not remove %s\n", dir);
  }
}

void fz_fail(const char *what) {
  fprintf(stderr, "fuzz: %s\n", what);
  abort();
}

const char *fz_path(const char *name) {
  static char path[512];
  if (!dir[0]) {
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/unspin-fuzz.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir))
      fz_fail("mkdtemp");
    atexit(cleanup);
  }
  snprintf(path, sizeof path, "%s/%s", dir, name);
  return path;
}

void fz_write(const char *path, const void *data, size_t len) {
  FILE *f = fopen(path, "wb");
  if (!f || (len && fwrite(data, 1, len, f) != len) || fclose(f))
    fz_fail("cannot write a scratch file");
}

static const char story_text[] =
    "South Korea's spy agency joined NATO's cyber defense group in May 2008.\n"
    "The agency said the move risks inflaming tensions with China.\n"
    "It focuses on research, training, and exercises in the field of cybersecurity.\n";

static const char story_thesaurus[] = "UTF-8\n"
                                      "agency|1\n(noun)|bureau|office|company (generic term)\n"
                                      "risk|1\n(verb)|danger|hazard\n"
                                      "statement|1\n(noun)|announcement|declaration\n"
                                      "say|1\n(verb)|mention|state\n";

const unspin_dict *fz_story_dict(void) {
  if (story)
    return story;
  unspin_builder *b;
  unspin_error err;
  char th[512], out[512];
  snprintf(th, sizeof th, "%s", fz_path("story.dat"));
  fz_write(th, story_thesaurus, sizeof story_thesaurus - 1);
  snprintf(out, sizeof out, "%s", fz_path("story.undict"));
  if (unspin_builder_new(&b, NULL, &err) != UNSPIN_OK ||
      unspin_builder_add_text(b, story_text, sizeof story_text - 1, &err) != UNSPIN_OK ||
      unspin_builder_add_thesaurus(b, th, &err) != UNSPIN_OK ||
      unspin_builder_write(b, out, &err) != UNSPIN_OK)
    fz_fail(err.message);
  unspin_builder_free(b);
  if (unspin_dict_open(&story, out, UNSPIN_DICT_DEFAULT, &err) != UNSPIN_OK)
    fz_fail(err.message);
  return story;
}

int fz_use(const unspin_dict *dict, const unspin_profile *profile, const char *text) {
  unspin_engine *e;
  unspin_error err;
  if (unspin_engine_new(&e, NULL, &err) != UNSPIN_OK)
    fz_fail(err.message);
  if ((dict && unspin_engine_add_dict(e, dict, UNSPIN_ROLE_DOMAIN) != UNSPIN_OK) ||
      (profile && unspin_engine_add_profile(e, profile) != UNSPIN_OK)) {
    unspin_engine_free(e);
    return -1;
  }
  unspin_result *r;
  unspin_status st = unspin_analyze(e, text, strlen(text), &r, &err);
  /* a dictionary checked as it is read may be found damaged now: an error
   * naming the file and the offset, and no result */
  if (st == UNSPIN_ERR_FORMAT && dict && strstr(err.message, ".undict: corrupt dictionary at byte offset ")) {
    unspin_engine_free(e);
    return -1;
  }
  if (st != UNSPIN_OK)
    fz_fail(err.message);
  unspin_result_free(r);
  unspin_engine_free(e);
  return 0;
}
