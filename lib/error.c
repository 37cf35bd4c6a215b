/* error.c - status codes and their messages. */
#include "error.h"

#include <stdarg.h>
#include <stdio.h>

const char *unspin_strerror(unspin_status status) {
  switch (status) {
  case UNSPIN_OK: return "success";
  case UNSPIN_ERR_NOMEM: return "out of memory";
  case UNSPIN_ERR_INVALID_ARG: return "invalid argument";
  case UNSPIN_ERR_IO: return "input/output error";
  case UNSPIN_ERR_FORMAT: return "corrupt or truncated dictionary";
  case UNSPIN_ERR_VERSION: return "unsupported dictionary format version";
  case UNSPIN_ERR_UTF8: return "invalid UTF-8";
  case UNSPIN_ERR_ICU: return "ICU error";
  case UNSPIN_ERR_LIMIT: return "input exceeds a limit";
  }
  return "unknown error";
}

unspin_status us_fail(unspin_error *err, unspin_status status, int64_t offset,
                      const char *fmt, ...) {
  if (err) {
    va_list ap;
    va_start(ap, fmt);
    err->status = status;
    err->offset = offset;
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
  }
  return status;
}

unspin_status us_nomem(unspin_error *err) {
  return us_fail(err, UNSPIN_ERR_NOMEM, -1, "out of memory");
}
