/* test_util.c - helpers shared by the Check suites. */
#define _POSIX_C_SOURCE 200809L
#include "test_util.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int tu_run(Suite *suite) {
  SRunner *sr = srunner_create(suite);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

char *tu_mkdtemp(void) {
  const char *base = getenv("TMPDIR");
  char *dir = tu_path(base && *base ? base : "/tmp", "unspin-test-XXXXXX");
  ck_assert_ptr_nonnull(mkdtemp(dir));
  return dir;
}

void tu_rmdir(char *dir) {
  DIR *d = opendir(dir);
  if (d) {
    struct dirent *e;
    while ((e = readdir(d))) {
      if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
        continue;
      char *p = tu_path(dir, e->d_name);
      unlink(p);
      free(p);
    }
    closedir(d);
  }
  rmdir(dir);
  free(dir);
}

char *tu_path(const char *dir, const char *name) {
  size_t n = strlen(dir) + strlen(name) + 2;
  char *p = malloc(n);
  ck_assert_ptr_nonnull(p);
  snprintf(p, n, "%s/%s", dir, name);
  return p;
}

void tu_write(const char *path, const void *data, size_t len) {
  FILE *f = fopen(path, "wb");
  ck_assert_ptr_nonnull(f);
  ck_assert_uint_eq(fwrite(data, 1, len, f), len);
  ck_assert_int_eq(fclose(f), 0);
}

char *tu_read(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  size_t cap = 4096, n = 0, r;
  char *buf = malloc(cap + 1);
  while (buf && (r = fread(buf + n, 1, cap - n, f)) > 0) {
    n += r;
    if (n == cap) {
      char *p = realloc(buf, 2 * cap + 1);
      if (!p) {
        free(buf);
        buf = NULL;
        break;
      }
      buf = p;
      cap *= 2;
    }
  }
  fclose(f);
  if (buf) {
    buf[n] = '\0';
    *len = n;
  }
  return buf;
}

const char *tu_seeds_dir(void) {
  const char *d = getenv("UNSPIN_SEEDS_DIR");
  struct stat st;
  return d && !stat(d, &st) && S_ISDIR(st.st_mode) ? d : NULL;
}

unspin_dict *tu_build_dict(const char *dir, const char *name, const char *text,
                           const char *thesaurus, int order) {
  return tu_build_listed_dict(dir, name, text, thesaurus, NULL, order);
}

unspin_dict *tu_build_listed_dict(const char *dir, const char *name, const char *text,
                                  const char *thesaurus, const char *list, int order) {
  unspin_build_options o;
  unspin_build_options_init(&o);
  if (order)
    o.order = order;
  unspin_builder *b;
  unspin_error err;
  ck_assert_int_eq(unspin_builder_new(&b, &o, &err), UNSPIN_OK);
  ck_assert_msg(unspin_builder_add_text(b, text, strlen(text), &err) == UNSPIN_OK, "%s",
                err.message);
  if (thesaurus) {
    char *tp = tu_path(dir, "thesaurus.dat");
    tu_write(tp, thesaurus, strlen(thesaurus));
    ck_assert_msg(unspin_builder_add_thesaurus(b, tp, &err) == UNSPIN_OK, "%s", err.message);
    free(tp);
  }
  if (list) {
    char *lp = tu_path(dir, "synonyms.list");
    tu_write(lp, list, strlen(list));
    ck_assert_msg(unspin_builder_add_synonym_list(b, lp, &err) == UNSPIN_OK, "%s", err.message);
    free(lp);
  }
  return tu_write_dict(b, dir, name);
}

unspin_dict *tu_write_dict(unspin_builder *b, const char *dir, const char *name) {
  unspin_error err;
  char *path = tu_path(dir, name);
  ck_assert_msg(unspin_builder_write(b, path, &err) == UNSPIN_OK, "%s", err.message);
  unspin_builder_free(b);
  unspin_dict *d;
  ck_assert_msg(unspin_dict_open(&d, path, UNSPIN_DICT_DEFAULT, &err) == UNSPIN_OK, "%s",
                err.message);
  free(path);
  return d;
}
