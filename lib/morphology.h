/* morphology.h - stems and inflections through hunspell. */
#ifndef UNSPIN_MORPHOLOGY_H
#define UNSPIN_MORPHOLOGY_H

#include "buffer.h"
#include "unspin.h"

typedef struct us_morph us_morph;

/* Loads a hunspell dictionary (UTF-8 .aff/.dic).  Errors name the files. */
unspin_status us_morph_open(us_morph **out, const char *aff, const char *dic, unspin_error *err);
void us_morph_free(us_morph *m);

/* Appends the stems of the lower-case word `w` other than itself to `out`,
 * each NUL-terminated; returns how many, or -1 when memory runs out.
 * Thread-safe. */
int us_morph_stems(us_morph *m, const char *w, us_buf *out);

/* Appends to `out` (NUL-separated) the forms of `lemma` inflected as
 * `spun` is from `stem` (plural or third person -s, past -ed, -ing, -er,
 * -est): English spelling variants that hunspell accepts and stems back to
 * `lemma`.  Returns how many, or -1 when memory runs out.  Thread-safe. */
int us_morph_inflect(us_morph *m, const char *lemma, const char *spun, const char *stem,
                     us_buf *out);

/* The ending `spun` has and `stem` lacks, as us_morph_inflect reads it:
 * 0 for none, else a small number naming it.  The forms us_morph_inflect
 * gives depend on the lemma and this alone. */
int us_morph_ending(const char *spun, const char *stem);

/* Whether `form`, an irregular form of `lemma` (WordNet's exception lists),
 * can stand for it where `spun` is inflected from `stem`: the form's own
 * ending is spun's, or it has none (an irregular past, plural or
 * comparative: "made", "children", "worse") and spun's ending is not -ing,
 * which English never makes irregular.  A spun word without an ending (an
 * irregular form itself) takes any. */
int us_morph_form_agrees(const char *form, const char *lemma, const char *spun, const char *stem);

/* Whether hunspell accepts the word (in any case form).  Thread-safe. */
int us_morph_spell(us_morph *m, const char *w);

#endif
