/* fuzz_util.h - shared helpers of the libFuzzer targets: scratch files in a
 * private directory, and small dictionaries built once per process. */
#ifndef UNSPIN_FUZZ_UTIL_H
#define UNSPIN_FUZZ_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include "unspin.h"

/* A path in the process's scratch directory (removed at exit). */
const char *fz_path(const char *name);

/* Writes `len` bytes to `path`; aborts on failure. */
void fz_write(const char *path, const void *data, size_t len);

/* A small story dictionary with a thesaurus, built on first use; NULL only
 * if building fails, which aborts instead. */
const unspin_dict *fz_story_dict(void);

/* Restores `text` with an engine holding `dict` (a domain dictionary) and
 * `profile`, either may be NULL: what a loaded input must survive.  Returns
 * 0, or -1 if the engine refuses the dictionary (UNSPIN_ERR_LIMIT and the
 * like) or the analysis finds it damaged as it reads it (an error naming the
 * file and the offset); any other failed analysis aborts. */
int fz_use(const unspin_dict *dict, const unspin_profile *profile, const char *text);

/* Aborts with a message: the fuzzer reports it as a crash. */
void fz_fail(const char *what);

#endif
