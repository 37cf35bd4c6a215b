/* utf8.c - UTF-8 validation following the Unicode "maximal subpart" rule. */
#include "utf8.h"

#include <string.h>

#include "error.h"

/* Length of the valid sequence at s[i], or 0 with *skip set to the length of
 * the maximal invalid subpart to step over. */
static size_t seq_len(const unsigned char *s, size_t n, size_t i, size_t *skip) {
  unsigned c = s[i];
  *skip = 1;
  if (c < 0x80)
    return 1;
  size_t need;
  unsigned lo = 0x80, hi = 0xBF;
  if (c >= 0xC2 && c <= 0xDF)
    need = 1;
  else if (c >= 0xE0 && c <= 0xEF) {
    need = 2;
    if (c == 0xE0)
      lo = 0xA0;
    else if (c == 0xED)
      hi = 0x9F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    need = 3;
    if (c == 0xF0)
      lo = 0x90;
    else if (c == 0xF4)
      hi = 0x8F;
  } else
    return 0;
  for (size_t k = 1; k <= need; k++) {
    if (i + k >= n)
      return 0;
    unsigned d = s[i + k];
    if (d < lo || d > hi)
      return 0;
    *skip = k + 1;
    lo = 0x80;
    hi = 0xBF;
  }
  return need + 1;
}

size_t us_utf8_invalid(const char *text, size_t len, int64_t *first) {
  const unsigned char *s = (const unsigned char *)text;
  size_t bad = 0, i = 0;
  *first = -1;
  while (i < len) {
    /* fast path over ASCII */
    if (s[i] < 0x80) {
      i++;
      continue;
    }
    size_t skip, n = seq_len(s, len, i, &skip);
    if (n) {
      i += n;
      continue;
    }
    if (!bad)
      *first = (int64_t)i;
    bad++;
    i += skip;
  }
  return bad;
}

unspin_status us_check_text(const char *data, size_t len, const char *name, unspin_error *err) {
  int64_t bad;
  us_utf8_invalid(data, len, &bad);
  const char *nul = memchr(data, '\0', bad >= 0 ? (size_t)bad : len);
  if (nul)
    return us_fail(err, UNSPIN_ERR_FORMAT, nul - data, "%s: byte offset %lld: NUL byte", name,
                   (long long)(nul - data));
  if (bad >= 0)
    return us_fail(err, UNSPIN_ERR_FORMAT, bad, "%s: byte offset %lld: invalid UTF-8", name,
                   (long long)bad);
  return UNSPIN_OK;
}

const char *us_next_line(const char *data, size_t len, size_t *at, size_t *n) {
  if (*at >= len)
    return NULL;
  const char *s = data + *at, *nl = memchr(s, '\n', len - *at);
  size_t end = nl ? (size_t)(nl - data) : len;
  *n = end - *at;
  if (*n && s[*n - 1] == '\r')
    --*n;
  *at = end + 1;
  return s;
}

const char *us_next_field(const char *s, size_t len, size_t *at, char sep, size_t *flen) {
  if (*at > len)
    return NULL;
  const char *f = s + *at, *end = memchr(f, sep, len - *at);
  *flen = end ? (size_t)(end - f) : len - *at;
  *at += *flen + 1;
  return f;
}
