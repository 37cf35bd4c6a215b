/* jsonl.c - unspin --jsonl: JSON Lines records in, one line per record out.
 *
 * Records are read in batches of bounded size and worked by the ordered
 * parallel runner, so memory is flat in the length of the stream and the
 * output is in input order.  jansson parses and checks each record (UTF-8
 * included); the output line is the record's own bytes with the results
 * spliced in before its closing brace, so every input field comes out byte
 * for byte as it went in.  A malformed record becomes an error record
 * naming its line (docs/jsonl.md). */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* A batch holds at most this many records, or this many bytes of them
 * (and always at least one record). */
#define BATCH_RECORDS 256
#define BATCH_BYTES ((size_t)16 << 20)

/* The fields a result adds; a record's own fields of these names are
 * replaced. */
static const char *const result_fields[] = {"verdict", "score", "restored", "edits"};

typedef struct record {
  size_t line; /* 1-based line number in its input */
  char *data;  /* the line without its newline */
  size_t len;
  int too_long; /* the line ran past max_record and was cut */
  json_t *obj;  /* the parsed record */
  const char *text;
  size_t text_len;
  char *error; /* why the record is malformed (malloc'ed), else NULL */
  sink out;    /* the output line */
  int rc;      /* a failure that stops the run (out of memory) */
} record;

typedef struct batch {
  FILE *f;
  const char *path, *name; /* name: the input as messages call it */
  const jsonl_options *o;
  record r[BATCH_RECORDS];
  size_t n, line;
  int eof;
} batch;

static void clear_batch(batch *b) {
  for (size_t i = 0; i < b->n; i++) {
    record *r = &b->r[i];
    free(r->data);
    json_decref(r->obj);
    free(r->error);
    free(r->out.out);
    free(r->out.err);
  }
  b->n = 0;
}

/* Reads one line into r, keeping at most max_record bytes of it.
 * Returns 1 for a line, 0 at the end of the input, EXIT_ERROR on error. */
static int read_line(batch *b, record *r) {
  size_t cap = 0, len = 0, max = b->o->max_record;
  int c;
  *r = (record){.line = ++b->line};
  while ((c = getc_unlocked(b->f)) != EOF && c != '\n') {
    if (len == max) {
      r->too_long = 1;
      continue;
    }
    if (len == cap) {
      size_t nc = cap ? (cap * 2 < max ? cap * 2 : max) : 256;
      char *d = realloc(r->data, nc);
      if (!d)
        return fail(b->name, "out of memory");
      r->data = d;
      cap = nc;
    }
    r->data[len++] = (char)c;
  }
  r->len = len;
  if (ferror(b->f))
    return fail(b->name, strerror(errno ? errno : EIO));
  if (c == EOF) {
    b->eof = 1;
    if (!len && !r->too_long) {
      free(r->data);
      b->line--;
      return 0;
    }
  }
  return 1;
}

/* Reads the next batch; 0 with b->n == 0 at the end. */
static int read_batch(batch *b) {
  clear_batch(b);
  size_t bytes = 0;
  while (!b->eof && b->n < BATCH_RECORDS && bytes < BATCH_BYTES) {
    int rc = read_line(b, &b->r[b->n]);
    if (rc == 0)
      break;
    if (rc != 1) {
      free(b->r[b->n].data);
      return rc;
    }
    bytes += b->r[b->n].len;
    b->n++;
  }
  return 0;
}

static const char *type_name(const json_t *v) {
  switch (json_typeof(v)) {
  case JSON_OBJECT: return "an object";
  case JSON_ARRAY: return "an array";
  case JSON_STRING: return "a string";
  case JSON_INTEGER:
  case JSON_REAL: return "a number";
  case JSON_TRUE:
  case JSON_FALSE: return "a boolean";
  default: return "null";
  }
}

static void set_error(record *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void set_error(record *r, const char *fmt, ...) {
  char msg[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  /* the error record must be valid UTF-8, also where the message was cut
   * inside a character (a long --text-field) */
  json_t *check = json_string(msg);
  for (char *p = msg; !check && *p; p++)
    if ((unsigned char)*p >= 0x80)
      *p = '?';
  json_decref(check);
  r->error = strdup(msg);
  if (!r->error)
    r->rc = fail(NULL, "out of memory");
}

/* Whether a line holds only white space (no record: skipped). */
static int blank(const record *r) {
  for (size_t i = 0; i < r->len; i++)
    if (!strchr(" \t\r", r->data[i]))
      return 0;
  return !r->too_long;
}

/* Parses a record and finds its text, or says in r->error why not. */
static void parse_record(const jsonl_options *o, record *r) {
  if (r->too_long) {
    set_error(r, "record longer than %zu bytes", o->max_record);
    return;
  }
  json_error_t e;
  size_t flags = JSON_DECODE_ANY | JSON_ALLOW_NUL;
  r->obj = json_loadb(r->data, r->len, flags, &e);
  if (!r->obj && json_error_code(&e) == json_error_numeric_overflow)
    /* an integer beyond 64 bits: only its value would be lost, and the
     * record's bytes are what is written out */
    r->obj = json_loadb(r->data, r->len, flags | JSON_DECODE_INT_AS_REAL, &e);
  if (!r->obj) {
    set_error(r, "invalid JSON: %s at byte %d", e.text, e.position);
    return;
  }
  if (!json_is_object(r->obj)) {
    set_error(r, "the record is %s, not a JSON object", type_name(r->obj));
    return;
  }
  json_t *t = json_object_get(r->obj, o->text_field);
  if (!t) {
    set_error(r, "no \"%s\" field", o->text_field);
    return;
  }
  if (!json_is_string(t)) {
    set_error(r, "\"%s\" is %s, not a string", o->text_field, type_name(t));
    return;
  }
  r->text = json_string_value(t);
  r->text_len = json_string_length(t);
  const char *nul = memchr(r->text, '\0', r->text_len);
  if (nul)
    set_error(r, "\"%s\" holds a NUL character (\\u0000) at byte offset %td", o->text_field,
              nul - r->text);
}

/* What the windows of one text add up to. */
typedef struct text_result {
  sink restored;
  json_t *edits;
  window_totals verdict;
} text_result;

/* Analyses [off, off + len) of a text: its restored bytes and its edits,
 * whose offsets count from the start of the text. */
static int add_window(const unspin_engine *engine, const char *text, size_t off, size_t len,
                      text_result *t, char *why, size_t whylen) {
  unspin_result *res;
  unspin_error err;
  if (unspin_analyze(engine, text + off, len, &res, &err) != UNSPIN_OK) {
    snprintf(why, whylen, "%s", err.message);
    return -1;
  }
  size_t out_len, pos = 0, a, z, olen;
  const char *out = unspin_result_text(res, &out_len), *orig;
  sink_put(&t->restored, 0, out, out_len);
  int bad = t->restored.failed;
  while (!bad && unspin_result_next_edit(res, &pos, &a, &z, &orig, &olen)) {
    json_t *e = json_pack("{sIsIss%ss%}", "start", (json_int_t)(off + a), "end",
                          (json_int_t)(off + z), "spun", text + off + a, z - a, "original", orig,
                          olen);
    bad = !e || json_array_append_new(t->edits, e);
  }
  totals_add(&t->verdict, res);
  unspin_result_free(res);
  if (bad)
    snprintf(why, whylen, "out of memory");
  return bad ? -1 : 0;
}

/* The fields a result adds, as "verdict":...,"edits":[...] (malloc'ed). */
static char *result_fields_json(const unspin_engine *engine, const char *text, size_t len,
                                char *why, size_t whylen) {
  text_result t = {.edits = json_array()};
  int rc = t.edits ? 0 : -1;
  for (size_t off = 0; !rc && (off < len || !t.verdict.windows);) {
    size_t w = len - off <= WINDOW ? len - off : window_cut(text + off, WINDOW);
    rc = add_window(engine, text, off, w, &t, why, whylen);
    off += w;
  }
  double score = totals_score(&t.verdict);
  int spun = totals_spun(&t.verdict, engine);
  char *s = NULL;
  json_t *f = rc ? NULL
                 : json_pack("{sssfss%sO}", "verdict", spun ? "spun" : "clean", "score",
                             isfinite(score) ? score : 0.0, "restored",
                             t.restored.out ? t.restored.out : "", t.restored.out_len, "edits",
                             t.edits);
  if (f && (s = json_dumps(f, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(6)))) {
    size_t n = strlen(s); /* drop the braces */
    memmove(s, s + 1, n - 2);
    s[n - 2] = '\0';
  } else if (!rc) {
    snprintf(why, whylen, "out of memory");
  }
  json_decref(f);
  json_decref(t.edits);
  free(t.restored.out);
  return s;
}

/* The error record of a malformed record: its "id" if it has one, its
 * line and why. */
static void error_record(record *r) {
  json_t *id = r->obj && json_is_object(r->obj) ? json_object_get(r->obj, "id") : NULL;
  json_t *e = json_object();
  int bad = !e || (id && json_object_set(e, "id", id)) ||
            json_object_set_new(e, "line", json_integer((json_int_t)r->line)) ||
            json_object_set_new(e, "error", json_string(r->error));
  char *s = bad ? NULL : json_dumps(e, JSON_COMPACT | JSON_PRESERVE_ORDER);
  json_decref(e);
  if (!s) {
    r->rc = fail(NULL, "out of memory");
    return;
  }
  sink_put(&r->out, 0, s, strlen(s));
  sink_put(&r->out, 0, "\n", 1);
  free(s);
}

/* The record's bytes up to its closing brace; when it has fields of the
 * result's names, the record re-encoded without them. */
static void put_record_head(record *r) {
  int clash = 0;
  for (size_t k = 0; k < sizeof result_fields / sizeof *result_fields; k++)
    clash |= json_object_get(r->obj, result_fields[k]) != NULL;
  if (!clash) {
    size_t end = r->len;
    while (r->data[end - 1] != '}') /* trailing white space */
      end--;
    sink_put(&r->out, 0, r->data, end - 1);
    return;
  }
  for (size_t k = 0; k < sizeof result_fields / sizeof *result_fields; k++)
    json_object_del(r->obj, result_fields[k]);
  char *s = json_dumps(r->obj, JSON_COMPACT | JSON_PRESERVE_ORDER);
  if (!s) {
    r->out.failed = 1;
    return;
  }
  sink_put(&r->out, 0, s, strlen(s) - 1);
  free(s);
}

typedef struct restore_ctx {
  const unspin_engine *engine;
  batch *b;
  size_t malformed, first_malformed;
} restore_ctx;

static void restore_work(void *ctx, size_t i, size_t worker) {
  restore_ctx *c = ctx;
  record *r = &c->b->r[i];
  (void)worker;
  if (blank(r))
    return;
  parse_record(c->b->o, r);
  char why[sizeof ((unspin_error *)0)->message];
  char *fields = r->error || r->rc ? NULL
                                   : result_fields_json(c->engine, r->text, r->text_len, why,
                                                        sizeof why);
  if (!r->error && !r->rc && !fields && !(r->error = strdup(why)))
    r->rc = fail(NULL, "out of memory");
  if (r->rc)
    return;
  if (r->error) {
    error_record(r);
    return;
  }
  put_record_head(r);
  if (json_object_size(r->obj))
    sink_put(&r->out, 0, ",", 1);
  sink_put(&r->out, 0, fields, strlen(fields));
  sink_put(&r->out, 0, "}\n", 2);
  free(fields);
}

static int restore_done(void *ctx, size_t i) {
  restore_ctx *c = ctx;
  record *r = &c->b->r[i];
  if (r->rc)
    return r->rc;
  if (r->error) {
    if (c->b->o->strict) {
      char msg[600];
      snprintf(msg, sizeof msg, "line %zu: %s", r->line, r->error);
      return fail(c->b->name, msg);
    }
    if (!c->malformed++)
      c->first_malformed = r->line;
  }
  return sink_flush(&r->out, c->b->name);
}

/* Opens an input as a batch reader. */
static int open_batch(batch **out, const char *path, const jsonl_options *o) {
  batch *b = calloc(1, sizeof *b);
  if (!b)
    return fail(path, "out of memory");
  b->path = path;
  b->name = strcmp(path, "-") ? path : "(standard input)";
  b->o = o;
  if (open_input(path, &b->f)) {
    free(b);
    return EXIT_ERROR;
  }
  *out = b;
  return 0;
}

static void close_batch(batch *b) {
  clear_batch(b);
  close_input(b->f);
  free(b);
}

/* Reads b's input batch by batch, each worked by the ordered runner. */
static int each_batch(batch *b, par_work work, par_done done, void *ctx) {
  int rc = 0;
  while (!rc && !(rc = read_batch(b)) && b->n)
    rc = par_run(b->n, (size_t)b->o->njobs, work, done, ctx);
  return rc;
}

int jsonl_restore(const unspin_engine *engine, const char *path, const jsonl_options *o) {
  batch *b = NULL;
  int rc = open_batch(&b, path, o);
  if (rc)
    return rc;
  restore_ctx c = {.engine = engine, .b = b};
  rc = each_batch(b, restore_work, restore_done, &c);
  if (c.malformed && !o->quiet)
    note("%s: %s: %zu malformed record%s written as error records (the first at line %zu)\n",
         prog, b->name, c.malformed, c.malformed == 1 ? "" : "s", c.first_malformed);
  close_batch(b);
  return rc;
}

/* learn --jsonl: each record's text to the caller's learner. */
typedef struct text_ctx {
  batch *b;
  jsonl_text_fn add;
  void *ctx;
  size_t malformed;
} text_ctx;

static void text_work(void *ctx, size_t i, size_t worker) {
  text_ctx *c = ctx;
  record *r = &c->b->r[i];
  if (blank(r))
    return;
  parse_record(c->b->o, r);
  if (r->error || r->rc)
    return;
  char name[4096];
  snprintf(name, sizeof name, "%s: line %zu", c->b->name, r->line);
  r->rc = c->add(c->ctx, worker, name, r->text, r->text_len);
}

static int text_done(void *ctx, size_t i) {
  text_ctx *c = ctx;
  record *r = &c->b->r[i];
  if (r->rc || !r->error)
    return r->rc;
  char msg[600];
  snprintf(msg, sizeof msg, "line %zu: %s", r->line, r->error);
  if (c->b->o->strict)
    return fail(c->b->name, msg);
  if (c->malformed++ < 10 && !c->b->o->quiet)
    note("%s: %s: %s (record skipped)\n", prog, c->b->name, msg);
  return 0;
}

int jsonl_each_text(const char *path, const jsonl_options *o, jsonl_text_fn add, void *ctx) {
  batch *b = NULL;
  int rc = open_batch(&b, path, o);
  if (rc)
    return rc;
  text_ctx c = {.b = b, .add = add, .ctx = ctx};
  rc = each_batch(b, text_work, text_done, &c);
  if (c.malformed > 10 && !o->quiet)
    note("%s: %s: %zu malformed records skipped in all\n", prog, b->name, c.malformed);
  close_batch(b);
  return rc;
}
