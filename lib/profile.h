/* profile.h - spinner profiles: a spinner's own synonym list. */
#ifndef UNSPIN_PROFILE_H
#define UNSPIN_PROFILE_H

#include <stddef.h>

#include "unspin.h"

/* Finds the keys a spinner replaces by `spun` (a normalised phrase);
 * returns how many and stores the index of the first in *first. */
size_t us_profile_originals(const unspin_profile *p, const char *spun, size_t len, size_t *first);

/* Pair i: the original key and how many synonyms its group offers. */
void us_profile_original(const unspin_profile *p, size_t i, const char **key, size_t *len,
                         unsigned *fanout);

#endif
