/* normalize.c - lookup keys (NFKC_Casefold plus quote unification) and case shapes. */
#include "normalize.h"

#include <stdlib.h>
#include <string.h>
#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>
#include <unicode/utf8.h>

/* The canonical replacement for quote, apostrophe and hyphen variants that
 * NFKC leaves distinct, or 0 to keep the character. */
static UChar unify(UChar c) {
  switch (c) {
  case 0x2018: case 0x2019: case 0x201A: case 0x201B: case 0x02BC: case 0x2032: case 0x00B4:
    return '\'';
  case 0x201C: case 0x201D: case 0x201E: case 0x201F: case 0x2033: case 0x00AB: case 0x00BB:
    return '"';
  case 0x2010: case 0x2011: case 0x2012: case 0x2013: case 0x2212: case 0xFE63:
    return '-';
  default:
    return 0;
  }
}

static int normalize_slow(const char *s, size_t len, us_buf *out) {
  UErrorCode st = U_ZERO_ERROR;
  const UNormalizer2 *nfkc = unorm2_getNFKCCasefoldInstance(&st);
  if (U_FAILURE(st) || len > INT32_MAX / 4)
    return -1;
  UChar stack16[256], stackn[256];
  UChar *src = stack16, *dst = stackn;
  int32_t cap = 256, n16 = 0, nn = 0, rc = -1;
  /* UTF-8 to UTF-16 never needs more units than bytes. */
  if ((int32_t)len >= cap) {
    cap = (int32_t)len + 1;
    src = malloc(sizeof(UChar) * (size_t)cap);
    if (!src)
      return -1;
  }
  u_strFromUTF8WithSub(src, cap, &n16, s, (int32_t)len, 0xFFFD, NULL, &st);
  if (U_FAILURE(st))
    goto done;
  int32_t dcap = 256;
  for (;;) {
    st = U_ZERO_ERROR;
    nn = unorm2_normalize(nfkc, src, n16, dst, dcap, &st);
    if (st != U_BUFFER_OVERFLOW_ERROR)
      break;
    if (dst != stackn)
      free(dst);
    dcap = nn + 1;
    dst = malloc(sizeof(UChar) * (size_t)dcap);
    if (!dst)
      goto done;
  }
  if (U_FAILURE(st))
    goto done;
  /* unify quotes and dashes; drop the white space some compatibility
   * forms bring (U+037A becomes " ι"): a key is one word, and phrases join
   * their words' keys with single spaces */
  int32_t kept = 0;
  for (int32_t i = 0; i < nn; i++) {
    UChar u = unify(dst[i]);
    if (u)
      dst[i] = u;
    if (!u_isUWhiteSpace(dst[i]))
      dst[kept++] = dst[i];
  }
  nn = kept;
  int32_t n8 = 0;
  st = U_ZERO_ERROR;
  u_strToUTF8(NULL, 0, &n8, dst, nn, &st);
  if (st != U_BUFFER_OVERFLOW_ERROR && U_FAILURE(st))
    goto done;
  if (us_buf_reserve(out, (size_t)n8))
    goto done;
  st = U_ZERO_ERROR;
  u_strToUTF8(out->data + out->len, n8 + 1, NULL, dst, nn, &st);
  if (U_FAILURE(st))
    goto done;
  out->len += (size_t)n8;
  out->data[out->len] = '\0';
  rc = 0;
done:
  if (src != stack16)
    free(src);
  if (dst && dst != stackn)
    free(dst);
  return rc;
}

int us_normalize_key(const char *s, size_t len, us_buf *out) {
  for (size_t i = 0; i < len; i++)
    if ((unsigned char)s[i] >= 0x80)
      return normalize_slow(s, len, out);
  /* ASCII: NFKC_Casefold is lower-casing. */
  if (us_buf_reserve(out, len))
    return -1;
  for (size_t i = 0; i < len; i++) {
    char c = s[i];
    out->data[out->len++] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
  }
  out->data[out->len] = '\0';
  return 0;
}

static int is_apostrophe(UChar32 c) { return c == '\'' || c == 0x2019 || c == 0x02BC; }

/* Length of `s` without a trailing possessive or contraction ('s, 're, 'll). */
static size_t without_clitic(const char *s, size_t len) {
  int32_t i = (int32_t)len, letters = 0;
  while (i > 0) {
    UChar32 c;
    int32_t at = i;
    U8_PREV(s, 0, at, c);
    if (is_apostrophe(c))
      return (letters >= 1 && letters <= 2 && at > 0) ? (size_t)at : len;
    if (!u_isalpha(c) || ++letters > 2)
      return len;
    i = at;
  }
  return len;
}

unspin_case us_case_shape(const char *s, size_t len) {
  if (len > INT32_MAX)
    return UNSPIN_CASE_MIXED;
  int32_t n = (int32_t)without_clitic(s, len), i = 0;
  /* Title: the first cased letter is upper and no upper letter follows a
   * letter within a hyphen part ("Should-Learn", "Live-fire"). */
  int upper = 0, lower = 0, inner_upper = 0, first_lower = 0, part_start = 1;
  while (i < n) {
    UChar32 c;
    U8_NEXT(s, i, n, c);
    if (c == '-' || c == 0x2010 || c == 0x2011) {
      part_start = 1;
      continue;
    }
    if (u_isupper(c) || u_istitle(c)) {
      upper++;
      if (!part_start)
        inner_upper++;
      part_start = 0;
    } else if (u_islower(c)) {
      if (!upper && !lower)
        first_lower = 1;
      lower++;
      part_start = 0;
    }
  }
  if (!upper && !lower)
    return UNSPIN_CASE_NONE;
  if (!upper)
    return UNSPIN_CASE_LOWER;
  if (!lower)
    return upper >= 2 ? UNSPIN_CASE_UPPER : UNSPIN_CASE_TITLE;
  if (!inner_upper && !first_lower)
    return UNSPIN_CASE_TITLE;
  return UNSPIN_CASE_MIXED;
}

int us_apply_case(const char *s, size_t len, unspin_case shape, us_buf *out) {
  /* Originals are short phrases; anything long or odd is copied as it is. */
  UChar buf[256], up[512];
  int32_t n16 = 0;
  UErrorCode st = U_ZERO_ERROR;
  if ((shape != UNSPIN_CASE_TITLE && shape != UNSPIN_CASE_UPPER) || len >= 256)
    return us_buf_append(out, s, len);
  u_strFromUTF8WithSub(buf, 256, &n16, s, (int32_t)len, 0xFFFD, NULL, &st);
  if (U_FAILURE(st))
    return us_buf_append(out, s, len);
  const UChar *res = buf;
  int32_t nres = n16;
  if (shape == UNSPIN_CASE_UPPER) {
    nres = u_strToUpper(up, 512, buf, n16, "en", &st);
    if (U_FAILURE(st))
      return us_buf_append(out, s, len);
    res = up;
  } else {
    for (int32_t i = 0; i < n16;) { /* the first letter, perhaps a surrogate pair */
      UChar32 c;
      int32_t at = i;
      U16_NEXT(buf, i, n16, c);
      if (!u_isalpha(c))
        continue;
      UChar32 t = u_totitle(c);
      if (U16_LENGTH(t) == i - at) {
        UBool bad = 0;
        U16_APPEND(buf, at, n16, t, bad);
        (void)bad;
      }
      break;
    }
  }
  int32_t n8 = 0;
  st = U_ZERO_ERROR;
  u_strToUTF8(NULL, 0, &n8, res, nres, &st);
  if (us_buf_reserve(out, (size_t)n8))
    return -1;
  st = U_ZERO_ERROR;
  u_strToUTF8(out->data + out->len, n8 + 1, NULL, res, nres, &st);
  if (U_FAILURE(st))
    return us_buf_append(out, s, len);
  out->len += (size_t)n8;
  out->data[out->len] = '\0';
  return 0;
}

int us_normalize_phrase(const char *s, size_t len, us_buf *out) {
  us_buf_clear(out);
  int words = 0;
  for (size_t i = 0; i < len;) {
    while (i < len && (s[i] == ' ' || s[i] == '\t'))
      i++;
    size_t j = i;
    while (j < len && s[j] != ' ' && s[j] != '\t')
      j++;
    if (j > i) {
      if ((words && us_buf_putc(out, ' ')) || us_normalize_key(s + i, j - i, out))
        return -1;
      words++;
    }
    i = j;
  }
  return words;
}

uint8_t us_evidence_shape(unspin_case shape, size_t len) {
  return (uint8_t)(shape | (len <= 3 ? US_SHAPE_SHORT : 0));
}

static int capitalised(uint8_t shape) {
  shape &= (uint8_t)~US_SHAPE_SHORT;
  return shape == UNSPIN_CASE_TITLE || shape == UNSPIN_CASE_UPPER;
}

void us_case_evidence_of(const uint8_t *shapes, size_t n, uint8_t *ev) {
  size_t cased = 0, capital = 0; /* after the first word */
  for (size_t i = 1; i < n; i++) {
    cased += (shapes[i] & ~US_SHAPE_SHORT) != UNSPIN_CASE_NONE;
    capital += capitalised(shapes[i]);
  }
  int headline = cased >= 2 && 2 * capital > cased;
  for (size_t i = 0; i < n; i++) {
    ev[i] = US_CASE_EV_NONE;
    int shape = shapes[i] & ~US_SHAPE_SHORT;
    if (i == 0 || headline)
      continue;
    /* a capital next to another (the first word aside) is a name's: any
     * word of "Cyber Defence Centre" is capitalised there; so is one after
     * a capital and a short lower-case word, "Board of Estimate" */
    int in_name = (i > 1 && capitalised(shapes[i - 1])) ||
                  (i + 1 < n && capitalised(shapes[i + 1])) ||
                  (i > 2 && (shapes[i - 1] & US_SHAPE_SHORT) &&
                   (shapes[i - 1] & ~US_SHAPE_SHORT) == UNSPIN_CASE_LOWER &&
                   capitalised(shapes[i - 2]));
    if (shape == UNSPIN_CASE_TITLE && !in_name)
      ev[i] = US_CASE_EV_CAPITAL;
    else if (shape == UNSPIN_CASE_LOWER)
      ev[i] = US_CASE_EV_LOWER;
  }
}

int us_has_digit(const char *s, size_t len) {
  for (size_t i = 0; i < len; i++)
    if (s[i] >= '0' && s[i] <= '9')
      return 1;
  return 0;
}
