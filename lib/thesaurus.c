/* thesaurus.c - the MyThes .dat and flat synonym list readers. */
#include "thesaurus.h"

#include <string.h>

#include "error.h"
#include "utf8.h"

/* Terms kept per headword; the largest entries of th_en_US_v2 have about 600,
 * the Moby thesaurus's about 1,450. */
#define MAX_TERMS 2048

typedef struct line {
  const char *p;
  size_t len;
  size_t offset;
} line;

/* Returns the next line without its end-of-line bytes; 0 at the end. */
static int next_line(const char *data, size_t len, size_t *at, line *l) {
  if (*at >= len)
    return 0;
  const char *s = data + *at;
  const char *nl = memchr(s, '\n', len - *at);
  size_t n = nl ? (size_t)(nl - s) : len - *at;
  l->p = s;
  l->offset = *at;
  l->len = n && s[n - 1] == '\r' ? n - 1 : n;
  *at += n + (nl ? 1 : 0);
  return 1;
}

static const char *const annotations[] = {" (similar term)", " (related term)",
                                          " (generic term)", " (antonym)"};

/* Strips a trailing annotation from a term and says which it was; -1 for an antonym. */
static int relation_of(const char *t, size_t *len) {
  for (int i = 0; i < 4; i++) {
    size_t an = strlen(annotations[i]);
    if (*len > an && !memcmp(t + *len - an, annotations[i], an)) {
      *len -= an;
      return i == 3 ? -1 : i + 1;
    }
  }
  return US_REL_SYNONYM;
}

typedef struct term {
  const char *p;
  size_t len;
  int rel;
} term;

static int parse_count(const char *s, size_t len, unsigned *out) {
  unsigned v = 0;
  if (!len || len > 6)
    return -1;
  for (size_t i = 0; i < len; i++) {
    if (s[i] < '0' || s[i] > '9')
      return -1;
    v = v * 10 + (unsigned)(s[i] - '0');
  }
  *out = v;
  return 0;
}

unspin_status us_thesaurus_parse(const char *data, size_t len, const char *name,
                                 us_thesaurus_fn fn, void *ctx, unspin_error *err) {
  size_t at = 0;
  line l;
  if (!next_line(data, len, &at, &l))
    return us_fail(err, UNSPIN_ERR_FORMAT, 0, "%s: empty thesaurus", name);
  if (l.len != 5 || memcmp(l.p, "UTF-8", 5))
    return us_fail(err, UNSPIN_ERR_FORMAT, 0,
                   "%s: only UTF-8 thesauri are read (the first line must be UTF-8)", name);
  term list[MAX_TERMS];
  while (next_line(data, len, &at, &l)) {
    if (!l.len)
      continue;
    const char *bar = memchr(l.p, '|', l.len);
    unsigned meanings;
    if (!bar || bar == l.p ||
        parse_count(bar + 1, l.len - (size_t)(bar + 1 - l.p), &meanings))
      return us_fail(err, UNSPIN_ERR_FORMAT, (int64_t)l.offset,
                     "%s: byte offset %zu: expected 'headword|count'", name, l.offset);
    const char *head = l.p;
    size_t hlen = (size_t)(bar - l.p), nterms = 0;
    unsigned fanout = 0;
    for (unsigned m = 0; m < meanings; m++) {
      line ml = {NULL, 0, at};
      if (!next_line(data, len, &at, &ml) || !ml.len || ml.p[0] != '(')
        return us_fail(err, UNSPIN_ERR_FORMAT, (int64_t)ml.offset,
                       "%s: byte offset %zu: entry '%.*s' has fewer than %u meaning lines",
                       name, ml.offset, (int)(hlen > 60 ? 60 : hlen), head, meanings);
      const char *p = memchr(ml.p, '|', ml.len), *end = ml.p + ml.len;
      while (p && p < end) {
        const char *t = p + 1, *q = memchr(t, '|', (size_t)(end - t));
        size_t tlen = (size_t)((q ? q : end) - t);
        int rel = relation_of(t, &tlen);
        if (tlen && rel >= 0) {
          if (nterms < MAX_TERMS) /* a longer entry keeps its first MAX_TERMS */
            list[nterms++] = (term){t, tlen, rel};
          fanout++;
        }
        p = q;
      }
    }
    for (size_t i = 0; i < nterms; i++) {
      unspin_status rc = fn(ctx, head, hlen, list[i].p, list[i].len, (us_relation)list[i].rel,
                            fanout);
      if (rc != UNSPIN_OK)
        return rc;
    }
  }
  return UNSPIN_OK;
}

unspin_status us_synonym_list_parse(const char *data, size_t len, const char *name,
                                    us_thesaurus_fn fn, void *ctx, unspin_error *err) {
  unspin_status rc = us_check_text(data, len, name, err);
  if (rc != UNSPIN_OK)
    return rc;
  size_t at = 0;
  line l;
  term list[MAX_TERMS];
  while (next_line(data, len, &at, &l)) {
    const char *end = l.p + l.len, *comma = memchr(l.p, ',', l.len);
    size_t hlen = (size_t)((comma ? comma : end) - l.p), nterms = 0;
    unsigned fanout = 0;
    if (!hlen || !comma)
      continue; /* an empty line, or a headword without terms */
    for (const char *p = comma; p && p < end;) {
      const char *t = p + 1, *q = memchr(t, ',', (size_t)(end - t));
      size_t tlen = (size_t)((q ? q : end) - t);
      if (tlen) {
        if (nterms < MAX_TERMS)
          list[nterms++] = (term){t, tlen, US_REL_LISTED};
        fanout++;
      }
      p = q;
    }
    for (size_t i = 0; i < nterms; i++) {
      rc = fn(ctx, l.p, hlen, list[i].p, list[i].len, US_REL_LISTED, fanout);
      if (rc != UNSPIN_OK)
        return rc;
    }
  }
  return UNSPIN_OK;
}
