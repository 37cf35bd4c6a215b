/* arpa.c - reading a back-off language model in the ARPA text format, as
 * written by SRILM, KenLM, CMU Sphinx and others:
 *
 *   \data\
 *   ngram 1=3
 *   ngram 2=2
 *
 *   \1-grams:
 *   -1.0  <s>  -0.3
 *   ...
 *   \2-grams:
 *   -0.5  <s> the
 *   \end\
 *
 * Each entry is a log10 probability, the n words, and for orders below the
 * highest an optional log10 back-off weight, separated by blanks. */
#define _POSIX_C_SOURCE 200809L
#include "arpa.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buffer.h"
#include "dict_format.h"
#include "error.h"
#include "normalize.h"

#define MAX_FIELDS (US_DICT_MAX_ORDER + 2)

typedef struct reader {
  const char *path;
  unspin_error *err;
  size_t line;
  long long offset; /* of the current line */
} reader;

static unspin_status bad(const reader *r, const char *what) {
  return us_fail(r->err, UNSPIN_ERR_FORMAT, r->offset, "%s: line %zu (byte %lld): %s", r->path,
                 r->line, r->offset, what);
}

/* Splits s (NUL-terminated, modified) at blanks; returns the field count, or
 * MAX_FIELDS + 1 when there are more. */
static int split(char *s, char **f) {
  int n = 0;
  for (char *t = strtok(s, " \t"); t; t = strtok(NULL, " \t")) {
    if (n == MAX_FIELDS)
      return MAX_FIELDS + 1;
    f[n++] = t;
  }
  return n;
}

static int parse_float(const char *s, float *out) {
  char *end;
  errno = 0;
  float v = strtof(s, &end);
  if (end == s || *end || errno == ERANGE || !isfinite(v))
    return -1;
  *out = v;
  return 0;
}

unspin_status us_arpa_read(const char *path, us_arpa_fn fn, void *ctx, int *order,
                           size_t *skipped, unspin_error *err) {
  if (!path || !fn || !order || !skipped)
    return us_fail(err, UNSPIN_ERR_INVALID_ARG, -1, "us_arpa_read: NULL argument");
  *order = 0;
  *skipped = 0;
  FILE *f = fopen(path, "rb");
  if (!f)
    return us_fail(err, UNSPIN_ERR_IO, -1, "%s: cannot open: %s", path, strerror(errno));
  reader r = {path, err, 0, 0};
  char *line = NULL;
  size_t cap = 0;
  ssize_t got;
  long long next = 0;
  uint64_t declared[US_DICT_MAX_ORDER + 1] = {0}, seen[US_DICT_MAX_ORDER + 1] = {0};
  enum { PREAMBLE, DATA, GRAMS, END } state = PREAMBLE;
  int section = 0;
  us_buf key = US_BUF_INIT, word = US_BUF_INIT;
  unspin_status rc = UNSPIN_OK;
  while (rc == UNSPIN_OK && state != END && (got = getline(&line, &cap, f)) > 0) {
    r.line++;
    r.offset = next;
    next += got;
    if (memchr(line, '\0', (size_t)got)) {
      rc = bad(&r, "NUL byte");
      break;
    }
    while (got && (line[got - 1] == '\n' || line[got - 1] == '\r'))
      line[--got] = '\0';
    char *fields[MAX_FIELDS];
    int nf = split(line, fields);
    if (nf == 0)
      continue;
    if (!strcmp(fields[0], "\\data\\") && nf == 1) {
      if (state != PREAMBLE)
        rc = bad(&r, "a second \\data\\ header");
      state = DATA;
      continue;
    }
    if (state == PREAMBLE)
      continue; /* text before the header is commentary */
    if (!strcmp(fields[0], "\\end\\") && nf == 1) {
      state = END;
      continue;
    }
    int n;
    char tail;
    if (nf == 1 && sscanf(fields[0], "\\%d-grams%c", &n, &tail) == 2 && tail == ':') {
      if (n < 1 || n > *order || n != section + 1)
        rc = bad(&r, "n-gram section out of order or not declared");
      else if (section && seen[section] != declared[section])
        rc = bad(&r, "the previous section holds fewer n-grams than declared");
      section = n;
      state = GRAMS;
      continue;
    }
    if (state == DATA) {
      unsigned long long count;
      if (nf == 2 && !strcmp(fields[0], "ngram") && sscanf(fields[1], "%d=%llu%c", &n, &count, &tail) == 2) {
        if (n != *order + 1 || n > US_DICT_MAX_ORDER)
          rc = bad(&r, n > US_DICT_MAX_ORDER ? "order above the dictionary format's limit"
                                             : "ngram counts out of order");
        else {
          *order = n;
          declared[n] = count;
        }
      } else
        rc = bad(&r, "expected 'ngram N=COUNT'");
      continue;
    }
    /* an entry of section n */
    n = section;
    float logprob, backoff = 0;
    if ((nf != n + 1 && !(nf == n + 2 && n < *order)) || parse_float(fields[0], &logprob) ||
        (nf == n + 2 && parse_float(fields[n + 1], &backoff))) {
      rc = bad(&r, "expected a log probability, the words and an optional back-off weight");
      break;
    }
    if (++seen[n] > declared[n]) {
      rc = bad(&r, "more n-grams than declared");
      break;
    }
    us_buf_clear(&key);
    int normal = 1;
    for (int i = 1; i <= n && normal; i++) {
      size_t len = strlen(fields[i]);
      us_buf_clear(&word);
      if (us_normalize_key(fields[i], len, &word)) {
        rc = us_nomem(err);
        break;
      }
      normal = word.len == len && !memcmp(word.data, fields[i], len);
      if ((i > 1 && us_buf_putc(&key, US_KEY_SEP)) || us_buf_append(&key, fields[i], len))
        rc = us_nomem(err);
    }
    if (rc != UNSPIN_OK)
      break;
    if (!normal)
      ++*skipped;
    else
      rc = fn(ctx, key.data, key.len, logprob, backoff);
  }
  if (rc == UNSPIN_OK && ferror(f))
    rc = us_fail(err, UNSPIN_ERR_IO, next, "%s: read error: %s", path, strerror(errno));
  else if (rc == UNSPIN_OK && state != END) {
    r.line++;
    r.offset = next;
    rc = bad(&r, state == PREAMBLE ? "no \\data\\ header: not an ARPA model"
                                   : "truncated: no \\end\\ marker");
  } else if (rc == UNSPIN_OK && (!*order || seen[section] != declared[section] ||
                                 section != *order))
    rc = bad(&r, "the model holds fewer n-grams than declared");
  free(line);
  us_buf_free(&key);
  us_buf_free(&word);
  fclose(f);
  return rc;
}
