/* irregular.h - irregular inflections from WordNet's exception lists. */
#ifndef UNSPIN_IRREGULAR_H
#define UNSPIN_IRREGULAR_H

#include "buffer.h"
#include "unspin.h"

typedef struct us_irregular us_irregular;

/* Reads DIR/noun.exc, verb.exc, adj.exc and adv.exc (lines "form lemma
 * [lemma...]", multi-word entries skipped).  verb.exc must exist; errors
 * name the file and the byte offset of a bad line. */
unspin_status us_irregular_load(us_irregular **out, const char *dir, unspin_error *err);
void us_irregular_free(us_irregular *x);

/* Appends the lemmas of an irregular form ("became" -> "become"),
 * NUL-separated, skipping any already in `out` after `from`; returns how
 * many it added, or -1 when memory runs out.  Immutable: thread-safe. */
int us_irregular_lemmas(const us_irregular *x, const char *form, size_t from, us_buf *out);

/* Appends the irregular forms of a lemma ("become" -> "became") that
 * `keep` accepts (NULL: all); the same returns. */
int us_irregular_forms(const us_irregular *x, const char *lemma,
                       int (*keep)(const char *form, const void *ctx), const void *ctx,
                       size_t from, us_buf *out);

#endif
