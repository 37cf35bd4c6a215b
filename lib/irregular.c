/* irregular.c - WordNet exception lists as two sorted tables of
 * (form, lemma) pairs: one by form, one by lemma. */
#define _POSIX_C_SOURCE 200809L
#include "irregular.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"

typedef struct pair {
  const char *form, *lemma;
} pair;

struct us_irregular {
  us_buf text; /* all words, NUL-terminated; pairs point into it once loaded */
  size_t *offs; /* form and lemma offsets, two per pair, while loading */
  size_t n, cap;
  pair *by_form, *by_lemma;
};

static int add(us_irregular *x, size_t form, size_t lemma) {
  if (x->n == x->cap) {
    size_t cap = x->cap ? 2 * x->cap : 4096;
    size_t *o = realloc(x->offs, 2 * cap * sizeof *o);
    if (!o)
      return -1;
    x->offs = o;
    x->cap = cap;
  }
  x->offs[2 * x->n] = form;
  x->offs[2 * x->n + 1] = lemma;
  x->n++;
  return 0;
}

/* Reads one list; a missing optional file is skipped. */
static unspin_status read_list(us_irregular *x, const char *dir, const char *name, int required,
                               unspin_error *err) {
  size_t n = strlen(dir) + strlen(name) + 2;
  char *path = malloc(n);
  if (!path)
    return us_nomem(err);
  snprintf(path, n, "%s/%s", dir, name);
  FILE *f = fopen(path, "r");
  if (!f) {
    unspin_status rc = required ? us_fail(err, UNSPIN_ERR_IO, -1, "%s: %s", path, strerror(errno))
                                : UNSPIN_OK;
    free(path);
    return rc;
  }
  char line[512];
  long offset = 0;
  unspin_status rc = UNSPIN_OK;
  while (rc == UNSPIN_OK && fgets(line, sizeof line, f)) {
    size_t len = strlen(line);
    long at = offset;
    offset += (long)len;
    if (len && line[len - 1] != '\n' && !feof(f)) {
      rc = us_fail(err, UNSPIN_ERR_FORMAT, at, "%s: byte offset %ld: line too long", path, at);
      break;
    }
    char *save, *form = strtok_r(line, " \n", &save);
    if (!form || strchr(form, '_'))
      continue;
    size_t form_off = x->text.len;
    if (us_buf_append(&x->text, form, strlen(form) + 1)) {
      rc = us_nomem(err);
      break;
    }
    for (char *lemma; (lemma = strtok_r(NULL, " \n", &save)) != NULL;) {
      if (strchr(lemma, '_') || !strcmp(lemma, form))
        continue;
      size_t lemma_off = x->text.len;
      if (us_buf_append(&x->text, lemma, strlen(lemma) + 1) || add(x, form_off, lemma_off)) {
        rc = us_nomem(err);
        break;
      }
    }
  }
  fclose(f);
  free(path);
  return rc;
}

static int by_form(const void *a, const void *b) {
  const pair *x = a, *y = b;
  int c = strcmp(x->form, y->form);
  return c ? c : strcmp(x->lemma, y->lemma);
}

static int by_lemma(const void *a, const void *b) {
  const pair *x = a, *y = b;
  int c = strcmp(x->lemma, y->lemma);
  return c ? c : strcmp(x->form, y->form);
}

unspin_status us_irregular_load(us_irregular **out, const char *dir, unspin_error *err) {
  *out = NULL;
  us_irregular *x = calloc(1, sizeof *x);
  if (!x)
    return us_nomem(err);
  static const char *const lists[] = {"verb.exc", "noun.exc", "adj.exc", "adv.exc"};
  unspin_status rc = UNSPIN_OK;
  for (size_t i = 0; i < 4 && rc == UNSPIN_OK; i++)
    rc = read_list(x, dir, lists[i], i == 0, err);
  if (rc == UNSPIN_OK) {
    x->by_form = malloc((x->n + 1) * sizeof *x->by_form);
    x->by_lemma = malloc((x->n + 1) * sizeof *x->by_lemma);
    if (!x->by_form || !x->by_lemma)
      rc = us_nomem(err);
  }
  if (rc != UNSPIN_OK) {
    us_irregular_free(x);
    return rc;
  }
  for (size_t i = 0; i < x->n; i++)
    x->by_form[i] = x->by_lemma[i] =
        (pair){x->text.data + x->offs[2 * i], x->text.data + x->offs[2 * i + 1]};
  qsort(x->by_form, x->n, sizeof *x->by_form, by_form);
  qsort(x->by_lemma, x->n, sizeof *x->by_lemma, by_lemma);
  free(x->offs);
  x->offs = NULL;
  *out = x;
  return UNSPIN_OK;
}

void us_irregular_free(us_irregular *x) {
  if (!x)
    return;
  us_buf_free(&x->text);
  free(x->offs);
  free(x->by_form);
  free(x->by_lemma);
  free(x);
}

/* Appends the `want` side of every pair whose `key` side is `word` and
 * that `keep` accepts (NULL: all). */
static int collect(const pair *v, size_t n, int by_lemma_side, const char *word,
                   int (*keep)(const char *form, const void *ctx), const void *ctx, size_t from,
                   us_buf *out) {
  size_t lo = 0, hi = n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    const char *k = by_lemma_side ? v[mid].lemma : v[mid].form;
    if (strcmp(k, word) < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  int added = 0;
  for (; lo < n && !strcmp(by_lemma_side ? v[lo].lemma : v[lo].form, word); lo++) {
    const char *w = by_lemma_side ? v[lo].form : v[lo].lemma;
    if ((keep && !keep(w, ctx)) || us_buf_has_string(out, from, w))
      continue;
    if (us_buf_append(out, w, strlen(w) + 1))
      return -1;
    added++;
  }
  return added;
}

int us_irregular_lemmas(const us_irregular *x, const char *form, size_t from, us_buf *out) {
  return collect(x->by_form, x->n, 0, form, NULL, NULL, from, out);
}

int us_irregular_forms(const us_irregular *x, const char *lemma,
                       int (*keep)(const char *form, const void *ctx), const void *ctx,
                       size_t from, us_buf *out) {
  return collect(x->by_lemma, x->n, 1, lemma, keep, ctx, from, out);
}
