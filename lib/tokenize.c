/* tokenize.c - ICU word and sentence segmentation over UTF-8 without copying. */
#include "tokenize.h"

#include <pthread.h>
#include <stdlib.h>
#include <unicode/ubrk.h>
#include <unicode/uchar.h>
#include <unicode/utext.h>
#include <unicode/utf8.h>

#include "buffer.h"
#include "error.h"

static int push(us_tokens *t, uint32_t start, uint32_t end, unspin_token_kind kind) {
  us_token *v = us_grow(t->v, &t->cap, t->n + 1, sizeof *v, 256);
  if (!v)
    return -1;
  t->v = v;
  t->v[t->n++] = (us_token){start, end, 0, (uint8_t)kind};
  return 0;
}

/* Classifies a segment ICU tagged as "not a word": whitespace (not a token),
 * punctuation or symbol, or other (controls, invalid bytes). */
static int classify_other(const char *s, int32_t start, int32_t end, unspin_token_kind *kind) {
  UChar32 c;
  int32_t i = start;
  U8_NEXT(s, i, end, c);
  if (c < 0) {
    *kind = UNSPIN_TOKEN_OTHER;
    return 1;
  }
  if (u_isUWhiteSpace(c))
    return 0;
  int8_t cat = u_charType(c);
  if (u_ispunct(c) || cat == U_MATH_SYMBOL || cat == U_CURRENCY_SYMBOL ||
      cat == U_MODIFIER_SYMBOL || cat == U_OTHER_SYMBOL)
    *kind = UNSPIN_TOKEN_PUNCT;
  else
    *kind = UNSPIN_TOKEN_OTHER;
  return 1;
}

static int is_hyphen(const char *s, const us_token *t) {
  size_t n = t->end - t->start;
  const unsigned char *p = (const unsigned char *)s + t->start;
  return (n == 1 && p[0] == '-') ||
         (n == 3 && p[0] == 0xE2 && p[1] == 0x80 && (p[2] == 0x90 || p[2] == 0x91));
}

static int is_wordlike(const us_token *t) {
  return t->kind == UNSPIN_TOKEN_WORD || t->kind == UNSPIN_TOKEN_NUMBER;
}

static int contains_dot(const char *s, const us_token *t) {
  for (uint32_t i = t->start; i < t->end; i++)
    if (s[i] == '.')
      return 1;
  return 0;
}

/* Joins "live" "-" "fire" into one word and "U.S" "." into "U.S.". */
static void join_compounds(const char *s, us_tokens *t) {
  size_t w = 0;
  for (size_t r = 0; r < t->n; w++) {
    us_token cur = t->v[r++];
    for (;;) {
      if (is_wordlike(&cur) && r + 1 < t->n && is_hyphen(s, &t->v[r]) &&
          t->v[r].start == cur.end && is_wordlike(&t->v[r + 1]) &&
          t->v[r + 1].start == t->v[r].end &&
          (cur.kind == UNSPIN_TOKEN_WORD || t->v[r + 1].kind == UNSPIN_TOKEN_WORD)) {
        cur.end = t->v[r + 1].end;
        cur.kind = UNSPIN_TOKEN_WORD;
        r += 2;
        continue;
      }
      if (cur.kind == UNSPIN_TOKEN_WORD && r < t->n && t->v[r].start == cur.end &&
          t->v[r].end == cur.end + 1 && s[cur.end] == '.' && contains_dot(s, &cur)) {
        cur.end++;
        r++;
      }
      break;
    }
    t->v[w] = cur;
  }
  t->n = w;
}

/* ICU builds the sentence iterator's abbreviation filter ("Mr.", "U.S.")
 * anew on every open, which costs more than segmenting a paragraph; the
 * iterators are opened once per process and each call works on a clone.
 * If opening the prototypes fails (no memory), every call opens its own.
 * They are closed at exit. */
static pthread_once_t prototypes_once = PTHREAD_ONCE_INIT;
static UBreakIterator *word_prototype, *sentence_prototype;

static void close_prototypes(void) {
  ubrk_close(word_prototype);
  ubrk_close(sentence_prototype);
  word_prototype = sentence_prototype = NULL;
}

static void open_prototypes(void) {
  UErrorCode st = U_ZERO_ERROR;
  word_prototype = ubrk_open(UBRK_WORD, "en", NULL, 0, &st);
  if (U_FAILURE(st))
    word_prototype = NULL;
  st = U_ZERO_ERROR;
  sentence_prototype = ubrk_open(UBRK_SENTENCE, "en@ss=standard", NULL, 0, &st);
  if (U_FAILURE(st))
    sentence_prototype = NULL;
  if (atexit(close_prototypes)) /* leak checkers would report them otherwise */
    close_prototypes();
}

static UBreakIterator *open_iterator(UBreakIteratorType type, UErrorCode *st) {
  pthread_once(&prototypes_once, open_prototypes);
  const UBreakIterator *proto = type == UBRK_WORD ? word_prototype : sentence_prototype;
  if (proto)
    return ubrk_clone(proto, st);
  return ubrk_open(type, type == UBRK_WORD ? "en" : "en@ss=standard", NULL, 0, st);
}

/* Numbers the sentences: a token belongs to the ICU sentence segment its
 * start lies in; segments with no token are not counted. */
static int assign_sentences(UText *ut, us_tokens *t, UErrorCode *st) {
  UBreakIterator *sb = open_iterator(UBRK_SENTENCE, st);
  if (U_FAILURE(*st))
    return -1;
  ubrk_setUText(sb, ut, st);
  if (U_FAILURE(*st)) {
    ubrk_close(sb);
    return -1;
  }
  int32_t limit = ubrk_first(sb);
  limit = ubrk_next(sb);
  size_t sentence = 0;
  int used = 0;
  for (size_t i = 0; i < t->n; i++) {
    while (limit != UBRK_DONE && (int32_t)t->v[i].start >= limit) {
      limit = ubrk_next(sb);
      if (used)
        sentence++;
      used = 0;
    }
    t->v[i].sentence = (uint32_t)sentence;
    used = 1;
  }
  t->sentences = t->n ? sentence + 1 : 0;
  ubrk_close(sb);
  return 0;
}

unspin_status us_tokenize(const char *text, size_t len, us_tokens *out, unspin_error *err) {
  out->n = 0;
  out->sentences = 0;
  if (len > US_MAX_INPUT)
    return us_fail(err, UNSPIN_ERR_LIMIT, (int64_t)US_MAX_INPUT,
                   "input of %zu bytes exceeds the limit of %zu bytes per call", len,
                   US_MAX_INPUT);
  if (!len)
    return UNSPIN_OK;
  UErrorCode st = U_ZERO_ERROR;
  UText *ut = utext_openUTF8(NULL, text, (int64_t)len, &st);
  UBreakIterator *wb = NULL;
  unspin_status rc = UNSPIN_OK;
  if (U_FAILURE(st))
    goto icu_fail;
  wb = open_iterator(UBRK_WORD, &st);
  if (U_FAILURE(st))
    goto icu_fail;
  ubrk_setUText(wb, ut, &st);
  if (U_FAILURE(st))
    goto icu_fail;
  int32_t start = ubrk_first(wb);
  for (int32_t end = ubrk_next(wb); end != UBRK_DONE; start = end, end = ubrk_next(wb)) {
    int32_t tag = ubrk_getRuleStatus(wb);
    unspin_token_kind kind;
    if (tag >= UBRK_WORD_NUMBER && tag < UBRK_WORD_NUMBER_LIMIT)
      kind = UNSPIN_TOKEN_NUMBER;
    else if (tag >= UBRK_WORD_LETTER)
      kind = UNSPIN_TOKEN_WORD;
    else if (!classify_other(text, start, end, &kind))
      continue;
    if (push(out, (uint32_t)start, (uint32_t)end, kind)) {
      rc = us_nomem(err);
      goto done;
    }
  }
  join_compounds(text, out);
  if (assign_sentences(ut, out, &st))
    goto icu_fail;
  goto done;
icu_fail:
  rc = us_fail(err, UNSPIN_ERR_ICU, -1, "ICU segmentation failed: %s", u_errorName(st));
done:
  if (wb)
    ubrk_close(wb);
  utext_close(ut);
  if (rc != UNSPIN_OK)
    out->n = out->sentences = 0;
  return rc;
}

void us_tokens_free(us_tokens *t) {
  free(t->v);
  t->v = NULL;
  t->n = t->cap = t->sentences = 0;
}
