/* engine.c - the analysis entry point: validation, tokens, keys, output. */
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "normalize.h"
#include "result.h"
#include "utf8.h"

struct unspin_engine {
  unspin_options opts;
  const unspin_dict **dicts;
  size_t ndicts;
};

void unspin_options_init(unspin_options *o) {
  if (!o)
    return;
  memset(o, 0, sizeof *o);
  o->struct_size = sizeof *o;
  o->flags = UNSPIN_OPT_DEFAULT;
}

unspin_status unspin_engine_new(unspin_engine **out, const unspin_options *opts,
                                unspin_error *err) {
  if (!out)
    return us_fail(err, UNSPIN_ERR_INVALID_ARG, -1, "unspin_engine_new: NULL argument");
  *out = NULL;
  unspin_engine *e = calloc(1, sizeof *e);
  if (!e)
    return us_nomem(err);
  unspin_options_init(&e->opts);
  if (opts) {
    /* Copy only the fields the caller's version of the struct has. */
    size_t n = opts->struct_size && opts->struct_size < sizeof *opts ? opts->struct_size
                                                                      : sizeof *opts;
    memcpy(&e->opts, opts, n);
    e->opts.struct_size = sizeof e->opts;
  }
  *out = e;
  return UNSPIN_OK;
}

unspin_status unspin_engine_add_dict(unspin_engine *e, const unspin_dict *d) {
  if (!e || !d)
    return UNSPIN_ERR_INVALID_ARG;
  const unspin_dict **v = realloc(e->dicts, (e->ndicts + 1) * sizeof *v);
  if (!v)
    return UNSPIN_ERR_NOMEM;
  v[e->ndicts++] = d;
  e->dicts = v;
  return UNSPIN_OK;
}

void unspin_engine_free(unspin_engine *e) {
  if (!e)
    return;
  free(e->dicts);
  free(e);
}

/* Copies each token's text and lookup key, and records its case shape. */
static int describe_tokens(unspin_result *r, const char *text) {
  size_t n = r->tokens.n;
  r->text_off = malloc((n + 1) * sizeof *r->text_off);
  r->key_off = malloc((n + 1) * sizeof *r->key_off);
  r->cases = malloc(n + 1);
  if (!r->text_off || !r->key_off || !r->cases)
    return -1;
  for (size_t i = 0; i < n; i++) {
    const us_token *t = &r->tokens.v[i];
    const char *s = text + t->start;
    size_t len = t->end - t->start;
    r->text_off[i] = r->texts.len;
    r->key_off[i] = r->keys.len;
    if (us_buf_append(&r->texts, s, len) || us_buf_putc(&r->texts, '\0') ||
        us_normalize_key(s, len, &r->keys) || us_buf_putc(&r->keys, '\0'))
      return -1;
    r->cases[i] = (uint8_t)us_case_shape(s, len);
  }
  r->text_off[n] = r->texts.len;
  r->key_off[n] = r->keys.len;
  return 0;
}

unspin_status unspin_analyze(const unspin_engine *e, const char *text, size_t len,
                             unspin_result **out, unspin_error *err) {
  if (!e || !out || (len && !text))
    return us_fail(err, UNSPIN_ERR_INVALID_ARG, -1, "unspin_analyze: NULL argument");
  *out = NULL;
  if (len > US_MAX_INPUT)
    return us_fail(err, UNSPIN_ERR_LIMIT, (int64_t)US_MAX_INPUT,
                   "input of %zu bytes exceeds the limit of %zu bytes per call", len,
                   US_MAX_INPUT);
  int64_t first;
  size_t bad = us_utf8_invalid(text, len, &first);
  if (bad && (e->opts.flags & UNSPIN_OPT_STRICT_UTF8))
    return us_fail(err, UNSPIN_ERR_UTF8, first, "invalid UTF-8 at byte offset %lld",
                   (long long)first);
  unspin_result *r = calloc(1, sizeof *r);
  if (!r)
    return us_nomem(err);
  r->invalid_utf8 = bad;
  r->first_invalid = first;
  unspin_status rc = us_tokenize(text, len, &r->tokens, err);
  if (rc == UNSPIN_OK && (describe_tokens(r, text) || us_buf_append(&r->out, text, len)))
    rc = us_nomem(err);
  if (rc != UNSPIN_OK) {
    unspin_result_free(r);
    return rc;
  }
  *out = r;
  return UNSPIN_OK;
}
