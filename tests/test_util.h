/* test_util.h - helpers shared by the Check suites. */
#ifndef UNSPIN_TEST_UTIL_H
#define UNSPIN_TEST_UTIL_H

#include <check.h>
#include <stddef.h>

#include "unspin.h"

/* Runs `suite` and returns the process exit status (0 when all pass). */
int tu_run(Suite *suite);

/* A fresh directory under $TMPDIR or /tmp, removed with its files by tu_rmdir. */
char *tu_mkdtemp(void);
void tu_rmdir(char *dir);

/* Joins a directory and a file name into a new string. */
char *tu_path(const char *dir, const char *name);

/* Writes `len` bytes to `path`; fails the test on error. */
void tu_write(const char *path, const void *data, size_t len);

/* Reads a whole file; returns NULL when it cannot be read. */
char *tu_read(const char *path, size_t *len);

/* Builds dictionary dir/name of the given order (0: the default) from
 * `text`, with `thesaurus` (MyThes text, or NULL) compiled in, and opens it;
 * fails the test on any error. */
unspin_dict *tu_build_dict(const char *dir, const char *name, const char *text,
                           const char *thesaurus, int order);

/* tu_build_dict with `list` (a flat synonym list, "head,synonym,...", or
 * NULL) compiled in too. */
unspin_dict *tu_build_listed_dict(const char *dir, const char *name, const char *text,
                                  const char *thesaurus, const char *list, int order);

/* Writes builder b's dictionary to dir/name, frees b and opens the file;
 * fails the test on any error. */
unspin_dict *tu_write_dict(unspin_builder *b, const char *dir, const char *name);

/* The seed directory from $UNSPIN_SEEDS_DIR, or NULL if unset or missing. */
const char *tu_seeds_dir(void);

#endif
