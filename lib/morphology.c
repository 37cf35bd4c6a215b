/* morphology.c - hunspell stems, and inflection by suffix transfer checked
 * with hunspell (the en_US dictionary has no morphological descriptions,
 * so Hunspell_generate cannot be used). */
#define _POSIX_C_SOURCE 200809L
#include "morphology.h"

#include <hunspell/hunspell.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"

struct us_morph {
  Hunhandle *h;
  pthread_mutex_t lock; /* hunspell handles are not documented as thread-safe */
};

unspin_status us_morph_open(us_morph **out, const char *aff, const char *dic, unspin_error *err) {
  *out = NULL;
  FILE *f = fopen(aff, "rb");
  if (!f)
    return us_fail(err, UNSPIN_ERR_IO, -1, "%s: cannot open the hunspell affix file", aff);
  fclose(f);
  if (!(f = fopen(dic, "rb")))
    return us_fail(err, UNSPIN_ERR_IO, -1, "%s: cannot open the hunspell dictionary", dic);
  fclose(f);
  us_morph *m = calloc(1, sizeof *m);
  if (!m)
    return us_nomem(err);
  m->h = Hunspell_create(aff, dic);
  if (!m->h || pthread_mutex_init(&m->lock, NULL)) {
    if (m->h)
      Hunspell_destroy(m->h);
    free(m);
    return us_fail(err, UNSPIN_ERR_IO, -1, "%s: hunspell could not load it", dic);
  }
  *out = m;
  return UNSPIN_OK;
}

void us_morph_free(us_morph *m) {
  if (!m)
    return;
  Hunspell_destroy(m->h);
  pthread_mutex_destroy(&m->lock);
  free(m);
}

/* Stems of w as hunspell gives them (caller holds the lock); -1 when
 * memory runs out. */
static int stems_locked(us_morph *m, const char *w, const char *except, us_buf *out) {
  char **list;
  int n = Hunspell_stem(m->h, &list, w), kept = 0;
  for (int i = 0; i < n && kept >= 0; i++) {
    if (except && !strcmp(list[i], except))
      continue;
    kept = us_buf_append(out, list[i], strlen(list[i]) + 1) ? -1 : kept + 1;
  }
  if (n > 0)
    Hunspell_free_list(m->h, &list, n);
  return kept;
}

/* Regular English endings stripped, kept when hunspell knows the result:
 * hunspell's own stems miss some ("dangers" gives only "dang"). */
static int suffix_stems(us_morph *m, const char *w, size_t from, us_buf *out) {
  static const struct {
    const char *end, *add;
  } rules[] = {{"ies", "y"}, {"es", ""}, {"s", ""},  {"ied", "y"}, {"ed", ""}, {"ed", "e"},
               {"ing", ""},  {"ing", "e"}, {"er", ""}, {"est", ""}};
  size_t n = strlen(w);
  int kept = 0;
  for (size_t r = 0; r < sizeof rules / sizeof *rules; r++) {
    size_t k = strlen(rules[r].end);
    if (n <= k + 2 || n > 60 || strcmp(w + n - k, rules[r].end))
      continue;
    char stem[72];
    size_t base = n - k;
    /* a doubled final consonant ("transferred") is undone too */
    for (int undouble = 0; undouble < 2; undouble++) {
      size_t b = base;
      if (undouble) {
        if (b < 3 || w[b - 1] != w[b - 2] || strchr("aeiouls", w[b - 1]))
          continue;
        b--;
      }
      snprintf(stem, sizeof stem, "%.*s%s", (int)b, w, rules[r].add);
      if (us_buf_has_string(out, from, stem) || !Hunspell_spell(m->h, stem))
        continue;
      if (us_buf_append(out, stem, strlen(stem) + 1))
        return -1;
      kept++;
    }
  }
  return kept;
}

int us_morph_stems(us_morph *m, const char *w, us_buf *out) {
  size_t from = out->len;
  pthread_mutex_lock(&m->lock);
  int n = stems_locked(m, w, w, out), more = n < 0 ? 0 : suffix_stems(m, w, from, out);
  pthread_mutex_unlock(&m->lock);
  return n < 0 || more < 0 ? -1 : n + more;
}

typedef enum { END_NONE, END_S, END_ED, END_ING, END_ER, END_EST } ending;

static int ends_with(const char *s, size_t n, const char *suf) {
  size_t k = strlen(suf);
  return n > k && !memcmp(s + n - k, suf, k);
}

static ending ending_of(const char *spun, const char *stem) {
  size_t n = strlen(spun);
  if (!strcmp(spun, stem))
    return END_NONE;
  if (ends_with(spun, n, "ing"))
    return END_ING;
  if (ends_with(spun, n, "ed"))
    return END_ED;
  if (ends_with(spun, n, "est"))
    return END_EST;
  if (ends_with(spun, n, "er"))
    return END_ER;
  if (ends_with(spun, n, "s"))
    return END_S;
  return END_NONE;
}

int us_morph_ending(const char *spun, const char *stem) { return (int)ending_of(spun, stem); }

int us_morph_form_agrees(const char *form, const char *lemma, const char *spun, const char *stem) {
  ending e = ending_of(spun, stem), f = ending_of(form, lemma);
  return e == END_NONE || f == e || (f == END_NONE && e != END_ING);
}

static int is_vowel(char c) { return strchr("aeiou", c) != NULL; }

/* Tries one spelling: kept (1) if hunspell accepts it and stems it to
 * lemma; -1 when memory runs out. */
static int try_form(us_morph *m, const char *form, const char *lemma, us_buf *out, us_buf *tmp) {
  if (!Hunspell_spell(m->h, form))
    return 0;
  us_buf_clear(tmp);
  if (stems_locked(m, form, NULL, tmp) < 0)
    return -1;
  if (!us_buf_has_string(tmp, 0, lemma) || us_buf_has_string(out, 0, form))
    return 0;
  return us_buf_append(out, form, strlen(form) + 1) ? -1 : 1;
}

int us_morph_inflect(us_morph *m, const char *lemma, const char *spun, const char *stem,
                     us_buf *out) {
  ending e = ending_of(spun, stem);
  size_t n = strlen(lemma);
  if (e == END_NONE || n == 0 || n > 60 || strchr(lemma, ' '))
    return 0;
  static const char *const suffix[] = {"", "s", "ed", "ing", "er", "est"};
  const char *suf = suffix[e];
  char last = lemma[n - 1], prev = n > 1 ? lemma[n - 2] : 'a';
  char forms[4][80];
  int nf = 0;
  /* plain, e-dropping, y-to-i, and consonant-doubling spellings */
  snprintf(forms[nf++], 80, "%s%s", lemma, suf);
  if (e == END_S)
    snprintf(forms[nf++], 80, "%ses", lemma);
  if (last == 'e' && e != END_S)
    snprintf(forms[nf++], 80, "%.*s%s", (int)n - 1, lemma, suf);
  if (last == 'y' && !is_vowel(prev) && e != END_ING)
    snprintf(forms[nf++], 80, "%.*si%s", (int)n - 1, lemma, e == END_S ? "es" : suf);
  else if (e != END_S && !is_vowel(last) && is_vowel(prev) && !strchr("wxy", last) && nf < 4)
    snprintf(forms[nf++], 80, "%s%c%s", lemma, last, suf);
  us_buf tmp = US_BUF_INIT;
  int kept = 0;
  pthread_mutex_lock(&m->lock);
  for (int i = 0; i < nf && kept >= 0; i++) {
    int k = try_form(m, forms[i], lemma, out, &tmp);
    kept = k < 0 ? -1 : kept + k;
  }
  pthread_mutex_unlock(&m->lock);
  us_buf_free(&tmp);
  return kept;
}

int us_morph_spell(us_morph *m, const char *w) {
  pthread_mutex_lock(&m->lock);
  int ok = Hunspell_spell(m->h, w) != 0;
  pthread_mutex_unlock(&m->lock);
  return ok;
}
