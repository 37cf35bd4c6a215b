/* utf8.h - UTF-8 validation. */
#ifndef UNSPIN_UTF8_H
#define UNSPIN_UTF8_H

#include <stddef.h>
#include <stdint.h>

#include "unspin.h"

/* Returns the number of maximal invalid subsequences in `s` (the units that a
 * decoder replaces by one U+FFFD each) and stores the offset of the first in
 * `*first` (-1 when the text is valid).  Overlong forms, surrogates and code
 * points above U+10FFFF are invalid. */
size_t us_utf8_invalid(const char *s, size_t len, int64_t *first);

/* Checks that a word list read from `name` is text: valid UTF-8 with no NUL
 * byte (a binary or damaged file).  Fails with UNSPIN_ERR_FORMAT at the
 * first fault, "NAME: byte offset N: invalid UTF-8" or "...: NUL byte". */
unspin_status us_check_text(const char *data, size_t len, const char *name, unspin_error *err);

/* The line of data that starts at *at, without its ending (LF, or CR LF):
 * returns its start and stores its length in *n, moving *at past the LF;
 * NULL once *at reaches len.  For the line-based formats (profiles,
 * statistics). */
const char *us_next_line(const char *data, size_t len, size_t *at, size_t *n);

/* The field of line s[0, len) that starts at *at, up to the next `sep`:
 * returns its start and stores its length in *flen, moving *at past the
 * separator; NULL once past the last field.  A line of k separators has
 * k + 1 fields, empty ones included. */
const char *us_next_field(const char *s, size_t len, size_t *at, char sep, size_t *flen);

#endif
