/* thesaurus.h - reading thesauri: the MyThes format (LibreOffice's
 * th_en_US_v2.dat): a first line naming the encoding, then entries of one
 * line "headword|N" followed by N lines "(pos)|term|term (generic term)|...";
 * and flat synonym lists (the Moby thesaurus), one line per headword,
 * "headword,term,term,...". */
#ifndef UNSPIN_THESAURUS_H
#define UNSPIN_THESAURUS_H

#include <stddef.h>

#include "unspin.h"

/* How a term relates to its headword, from MyThes's annotations. */
typedef enum us_relation {
  US_REL_SYNONYM = 0, /* plain term */
  US_REL_SIMILAR = 1, /* "(similar term)" */
  US_REL_RELATED = 2, /* "(related term)" */
  US_REL_GENERIC = 3, /* "(generic term)": a hypernym */
  US_REL_PROFILE = 4, /* from a spinner profile, not MyThes */
  US_REL_LISTED = 5,  /* a flat synonym list's term (us_synonym_list_parse) */
  US_REL_COUNT
} us_relation;

/* Called for every (headword, term) pair; `fanout` is the number of terms
 * the headword offers in all (antonyms excluded).  Non-OK stops the parse. */
typedef unspin_status (*us_thesaurus_fn)(void *ctx, const char *head, size_t hlen,
                                         const char *term, size_t tlen, us_relation rel,
                                         unsigned fanout);

/* Parses a whole MyThes .dat buffer.  `name` names it in error messages,
 * which give the byte offset of the offending line.  Antonyms are skipped;
 * lines of an entry beyond its count, or fewer, are a format error. */
unspin_status us_thesaurus_parse(const char *data, size_t len, const char *name,
                                 us_thesaurus_fn fn, void *ctx, unspin_error *err);

/* Parses a whole flat synonym list: lines "headword,term,term,..." (LF or
 * CRLF; empty lines skipped), valid UTF-8 without NUL bytes, each term
 * passed with US_REL_LISTED and the line's number of terms as its fanout.
 * Errors name `name` and the byte offset. */
unspin_status us_synonym_list_parse(const char *data, size_t len, const char *name,
                                    us_thesaurus_fn fn, void *ctx, unspin_error *err);

#endif
