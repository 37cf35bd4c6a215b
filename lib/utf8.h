/* utf8.h - UTF-8 validation. */
#ifndef UNSPIN_UTF8_H
#define UNSPIN_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* Returns the number of maximal invalid subsequences in `s` (the units that a
 * decoder replaces by one U+FFFD each) and stores the offset of the first in
 * `*first` (-1 when the text is valid).  Overlong forms, surrogates and code
 * points above U+10FFFF are invalid. */
size_t us_utf8_invalid(const char *s, size_t len, int64_t *first);

#endif
