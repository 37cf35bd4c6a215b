/* error.h - filling unspin_error. */
#ifndef UNSPIN_ERROR_H
#define UNSPIN_ERROR_H

#include "unspin.h"

/* Records a failure in `err` (which may be NULL) and returns `status`, so a
 * caller can write `return us_fail(err, UNSPIN_ERR_IO, -1, "...", ...);`. */
unspin_status us_fail(unspin_error *err, unspin_status status, int64_t offset,
                      const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

/* Records an out-of-memory failure. */
unspin_status us_nomem(unspin_error *err);

#endif
