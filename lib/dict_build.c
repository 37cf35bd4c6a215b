/* dict_build.c - counting n-grams of clean text and writing a dictionary.
 *
 * Pipeline: tokens -> sentences of normalized keys -> the text counter
 * (ngram_text.c: sorted chunks of word ids) -> sorted runs of n-gram keys
 * (tokens joined by US_KEY_SEP) in a bounded-memory counter (ngram_count.c,
 * which also hashes the case keys and what dictionaries and ARPA models
 * add) -> one sorted stream.  Because the separator sorts below every token
 * byte, key order is the lexicographic order of token tuples, a prefix
 * before its extensions: the trie levels can be written in one sequential
 * pass.  A first pass over the stream collects the vocabulary and feeds
 * every n-gram's suffix to a second counter, which yields the Kneser-Ney
 * continuation counts (distinct left neighbours). */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arpa.h"
#include "buffer.h"
#include "checksum.h"
#include "dict.h"
#include "error.h"
#include "intern.h"
#include "ngram_count.h"
#include "ngram_text.h"
#include "normalize.h"
#include "tokenize.h"

#define MIN_MEMORY ((size_t)64 << 10)
#define CONT_TABLE_MAX ((size_t)8 << 20)
/* A fed document with no line break is cut at a space past this size. */
#define FEED_HOLD_LIMIT ((size_t)16 << 20)

struct unspin_builder {
  int order;
  size_t memory_limit;
  char *temp_dir;
  us_counter *counter;
  us_text_counter *text; /* counts text's n-grams into `counter` (made with the first text) */
  us_tokens toks;
  us_buf keys;     /* the current sentence's keys, NUL-separated */
  size_t *starts;  /* offsets of those keys */
  size_t nstarts, starts_cap;
  uint8_t *shapes; /* their case shapes (unspin_case) */
  size_t shapes_cap;
  uint8_t *evidence; /* what each case says (us_case_evidence) */
  size_t evidence_cap;
  int case_counted; /* text was counted, or a dictionary with case counts added */
  us_buf ngram;
  us_buf pending;  /* fed text not yet counted */
  int done;
  /* thesaurus pairs, their phrases interned in one pool */
  us_intern phrases;
  us_buf phrase, head;
  us_thes_entry *pairs;
  size_t npairs, pairs_cap;
  const char *last_head; /* the raw headword `head` was made from */
  int has_counts; /* text or a dictionary was added */
  int backoff;    /* an ARPA model was added: the counter holds packed values */
  size_t unnormal; /* back-off n-grams left out for a word that is not a key */
  size_t orphans;  /* back-off n-grams left out for want of their prefix */
};

void unspin_build_options_init(unspin_build_options *o) {
  if (!o)
    return;
  o->order = 5;
  o->memory_limit = (size_t)16 << 20;
  o->temp_dir = NULL;
}

unspin_status unspin_builder_new(unspin_builder **out, const unspin_build_options *opts,
                                 unspin_error *err) {
  if (!out)
    return us_fail(err, UNSPIN_ERR_INVALID_ARG, -1, "unspin_builder_new: NULL argument");
  *out = NULL;
  unspin_build_options def;
  if (!opts) {
    unspin_build_options_init(&def);
    opts = &def;
  }
  if (opts->order < 1 || opts->order > US_DICT_MAX_ORDER)
    return us_fail(err, UNSPIN_ERR_INVALID_ARG, -1, "order %d is outside 1..%d", opts->order,
                   US_DICT_MAX_ORDER);
  unspin_builder *b = calloc(1, sizeof *b);
  if (!b)
    return us_nomem(err);
  b->order = opts->order;
  b->memory_limit = opts->memory_limit < MIN_MEMORY ? MIN_MEMORY : opts->memory_limit;
  if (opts->temp_dir && !(b->temp_dir = strdup(opts->temp_dir))) {
    free(b);
    return us_nomem(err);
  }
  unspin_status rc = us_counter_new(&b->counter, b->memory_limit, b->temp_dir, err);
  if (rc != UNSPIN_OK) {
    unspin_builder_free(b);
    return rc;
  }
  *out = b;
  return UNSPIN_OK;
}

static int push_key(unspin_builder *b, const char *key, size_t len, int normalize) {
  size_t *s = us_grow(b->starts, &b->starts_cap, b->nstarts + 1, sizeof *s, 64);
  if (!s)
    return -1;
  b->starts = s;
  uint8_t *sh = us_grow(b->shapes, &b->shapes_cap, b->nstarts + 1, 1, 64);
  if (!sh)
    return -1;
  b->shapes = sh;
  b->shapes[b->nstarts] =
      normalize ? us_evidence_shape(us_case_shape(key, len), len) : (uint8_t)UNSPIN_CASE_NONE;
  b->starts[b->nstarts++] = b->keys.len;
  int rc = normalize ? us_normalize_key(key, len, &b->keys) : us_buf_append(&b->keys, key, len);
  return rc ? -1 : us_buf_putc(&b->keys, '\0');
}

/* Counts `count` uses of word `key` in the case `lower` or not, as a key of
 * the case's mark byte and the word. */
static unspin_status count_case(unspin_builder *b, int lower, const char *key, size_t len,
                                uint64_t count, unspin_error *err) {
  us_buf_clear(&b->ngram);
  if (us_buf_putc(&b->ngram, lower ? US_CASE_LOWER_MARK : US_CASE_CAPITAL_MARK) ||
      us_buf_append(&b->ngram, key, len))
    return us_nomem(err);
  return us_counter_add(b->counter, b->ngram.data, b->ngram.len, count, err);
}

/* Counts every 1..order-gram of the sentence held in b->keys. */
static unspin_status count_sentence(unspin_builder *b, unspin_error *err) {
  if (push_key(b, UNSPIN_EOS, strlen(UNSPIN_EOS), 0))
    return us_nomem(err);
  /* the words' case evidence, as keys of a mark byte and the word */
  size_t words = b->nstarts - 2; /* between <s> and </s> */
  uint8_t *ev = us_grow(b->evidence, &b->evidence_cap, words + 1, 1, 64);
  if (!ev)
    return us_nomem(err);
  b->evidence = ev;
  us_case_evidence_of(b->shapes + 1, words, ev);
  b->case_counted = 1;
  for (size_t i = 0; i < words; i++) {
    if (ev[i] == US_CASE_EV_NONE)
      continue;
    const char *k = b->keys.data + b->starts[i + 1];
    unspin_status rc = count_case(b, ev[i] == US_CASE_EV_LOWER, k, strlen(k), 1, err);
    if (rc != UNSPIN_OK)
      return rc;
  }
  if (!b->text) {
    /* the counter then holds little but case keys; the text's n-grams are
     * counted in the text counter's chunks */
    size_t share = b->memory_limit / 4 > MIN_MEMORY ? b->memory_limit / 4 : MIN_MEMORY;
    us_counter_set_limit(b->counter, share);
    unspin_status rc = us_text_counter_new(&b->text, b->order, b->memory_limit - share,
                                           b->counter, err);
    if (rc != UNSPIN_OK)
      return rc;
  }
  return us_text_counter_add(b->text, b->keys.data, b->starts, b->nstarts, err);
}

unspin_status unspin_builder_add_text(unspin_builder *b, const char *text, size_t len,
                                      unspin_error *err) {
  if (!b || (len && !text))
    return us_fail(err, UNSPIN_ERR_INVALID_ARG, -1, "unspin_builder_add_text: NULL argument");
  if (b->done)
    return us_fail(err, UNSPIN_ERR_INVALID_ARG, -1, "the builder has already been written");
  if (b->backoff)
    return us_fail(err, UNSPIN_ERR_INVALID_ARG, -1, "a back-off model takes no text");
  b->has_counts = 1;
  unspin_status rc = us_tokenize(text, len, &b->toks, err);
  size_t sentence = SIZE_MAX;
  for (size_t i = 0; i < b->toks.n && rc == UNSPIN_OK; i++) {
    const us_token *t = &b->toks.v[i];
    if (!us_token_counts(t))
      continue;
    if (t->sentence != sentence) {
      if (b->nstarts)
        rc = count_sentence(b, err);
      us_buf_clear(&b->keys);
      b->nstarts = 0;
      sentence = t->sentence;
      if (rc == UNSPIN_OK && push_key(b, UNSPIN_BOS, strlen(UNSPIN_BOS), 0))
        rc = us_nomem(err);
    }
    if (rc == UNSPIN_OK && push_key(b, text + t->start, t->end - t->start, 1))
      rc = us_nomem(err);
  }
  if (rc == UNSPIN_OK && b->nstarts)
    rc = count_sentence(b, err);
  us_buf_clear(&b->keys);
  b->nstarts = 0;
  return rc;
}

/* Where fed text may be cut without changing what is counted: after the
 * last line break (ICU ends every sentence there), else, once too much is
 * held, after the last space. */
static size_t feed_cut(const us_buf *p) {
  for (size_t i = p->len; i-- > 0;)
    if (p->data[i] == '\n')
      return i + 1;
  if (p->len < FEED_HOLD_LIMIT)
    return 0;
  for (size_t i = p->len; i-- > 0;)
    if (p->data[i] == ' ' || p->data[i] == '\t')
      return i + 1;
  return p->len;
}

static unspin_status count_pending(unspin_builder *b, size_t cut, unspin_error *err) {
  if (!cut)
    return UNSPIN_OK;
  unspin_status rc = unspin_builder_add_text(b, b->pending.data, cut, err);
  memmove(b->pending.data, b->pending.data + cut, b->pending.len - cut);
  b->pending.len -= cut;
  b->pending.data[b->pending.len] = '\0';
  return rc;
}

unspin_status unspin_builder_feed(unspin_builder *b, const char *text, size_t len,
                                  unspin_error *err) {
  if (!b || (len && !text))
    return us_fail(err, UNSPIN_ERR_INVALID_ARG, -1, "unspin_builder_feed: NULL argument");
  if (us_buf_append(&b->pending, text, len))
    return us_nomem(err);
  return count_pending(b, feed_cut(&b->pending), err);
}

unspin_status unspin_builder_end_document(unspin_builder *b, unspin_error *err) {
  if (!b)
    return us_fail(err, UNSPIN_ERR_INVALID_ARG, -1, "unspin_builder_end_document: NULL");
  return count_pending(b, b->pending.len, err);
}

static unspin_status add_pair(unspin_builder *b, const char *from, size_t flen, const char *to,
                              size_t tlen, us_relation rel, int forward, unsigned fanout,
                              unspin_error *err);

typedef struct merge_ctx {
  unspin_builder *b;
  unspin_error *err;
} merge_ctx;

static unspin_status add_counted(void *ctx, const char *key, size_t len, uint64_t count) {
  merge_ctx *m = ctx;
  return us_counter_add(m->b->counter, key, len, count, m->err);
}

unspin_status unspin_builder_add_dict(unspin_builder *b, const unspin_dict *d, unspin_error *err) {
  if (!b || !d)
    return us_fail(err, UNSPIN_ERR_INVALID_ARG, -1, "unspin_builder_add_dict: NULL argument");
  if (b->done)
    return us_fail(err, UNSPIN_ERR_INVALID_ARG, -1, "the builder has already been written");
  if (b->backoff || unspin_dict_is_backoff(d))
    return us_fail(err, UNSPIN_ERR_INVALID_ARG, -1,
                   "a back-off model cannot be merged with other dictionaries");
  b->has_counts = 1;
  merge_ctx m = {b, err};
  unspin_status rc = us_dict_visit(d, b->order, add_counted, &m);
  if (rc == UNSPIN_ERR_NOMEM)
    return us_nomem(err);
  if (rc == UNSPIN_OK && (rc = unspin_dict_damage(d, err)) != UNSPIN_OK)
    return rc;
  if (us_dict_has_case(d))
    b->case_counted = 1;
  for (uint32_t id = 0; us_dict_has_case(d) && id < us_dict_vocab_size(d) && rc == UNSPIN_OK; id++) {
    uint32_t n[2];
    us_dict_case(d, id, &n[0], &n[1]);
    size_t len;
    const char *word = us_dict_word(d, id, &len);
    for (int lower = 0; lower < 2 && rc == UNSPIN_OK; lower++)
      if (n[lower])
        rc = count_case(b, lower, word, len, n[lower], err);
  }
  for (size_t i = 0, n = us_dict_thesaurus_size(d); i < n && rc == UNSPIN_OK; i++) {
    const char *from;
    size_t flen;
    us_original to;
    us_dict_thesaurus_pair(d, i, &from, &flen, &to);
    rc = add_pair(b, from, flen, to.text, to.len, to.relation, to.forward, to.fanout, err);
  }
  return rc;
}

/* A back-off n-gram's log10 probability and back-off weight, packed into
 * one counter value (each key occurs once in an ARPA file, so nothing is
 * summed) and unpacked by pass_levels into the entry's count and left_types. */
static uint64_t pack_backoff(float logprob, float backoff) {
  uint32_t p, b;
  memcpy(&p, &logprob, sizeof p);
  memcpy(&b, &backoff, sizeof b);
  return (uint64_t)p << 32 | b;
}

static unspin_status add_arpa_gram(void *ctx, const char *key, size_t len, float logprob,
                                   float backoff) {
  merge_ctx *m = ctx;
  return us_counter_add(m->b->counter, key, len, pack_backoff(logprob, backoff), m->err);
}

unspin_status unspin_builder_add_arpa(unspin_builder *b, const char *path, unspin_error *err) {
  if (!b || !path)
    return us_fail(err, UNSPIN_ERR_INVALID_ARG, -1, "unspin_builder_add_arpa: NULL argument");
  if (b->done)
    return us_fail(err, UNSPIN_ERR_INVALID_ARG, -1, "the builder has already been written");
  if (b->has_counts || b->backoff || b->pending.len)
    return us_fail(err, UNSPIN_ERR_INVALID_ARG, -1,
                   "%s: a back-off model goes into a dictionary of its own", path);
  merge_ctx m = {b, err};
  int order;
  b->backoff = 1;
  unspin_status rc = us_arpa_read(path, add_arpa_gram, &m, &order, &b->unnormal, err);
  if (rc == UNSPIN_OK)
    b->order = order;
  return rc;
}

size_t unspin_builder_skipped(const unspin_builder *b) {
  return b ? b->unnormal + b->orphans : 0;
}

size_t unspin_builder_spill_count(const unspin_builder *b) {
  return b ? us_counter_spills(b->counter) : 0;
}

uint64_t unspin_builder_ngram_count(const unspin_builder *b) {
  return b && b->counter ? us_counter_added(b->counter) + us_text_counter_held(b->text) : 0;
}

/* ---- thesaurus ------------------------------------------------------- */

/* Longest phrase, in words, kept from a thesaurus: spans of 1 to 3 tokens. */
#define MAX_PHRASE_WORDS 3
#define MAX_PHRASE_BYTES 0xFFFF


static unspin_status add_pair(unspin_builder *b, const char *from, size_t flen, const char *to,
                              size_t tlen, us_relation rel, int forward, unsigned fanout,
                              unspin_error *err) {
  if (flen > MAX_PHRASE_BYTES || tlen > MAX_PHRASE_BYTES ||
      (flen == tlen && !memcmp(from, to, flen)))
    return UNSPIN_OK;
  int64_t f = us_intern_add(&b->phrases, from, flen),
          t = f < 0 ? -1 : us_intern_add(&b->phrases, to, tlen);
  if (t < 0)
    return us_nomem(err);
  us_thes_entry *p = us_grow(b->pairs, &b->pairs_cap, b->npairs + 1, sizeof *p, 4096);
  if (!p)
    return us_nomem(err);
  b->pairs = p;
  const uint32_t *off = b->phrases.off;
  b->pairs[b->npairs++] = (us_thes_entry){off[f], off[t], (uint16_t)(off[f + 1] - off[f]),
                                          (uint16_t)(off[t + 1] - off[t]), (uint8_t)rel,
                                          (uint8_t)(forward != 0),
                                          (uint16_t)(fanout > 0xFFFF ? 0xFFFF : fanout)};
  return UNSPIN_OK;
}

typedef struct thes_ctx {
  unspin_builder *b;
  unspin_error *err;
} thes_ctx;

/* A spinner that read "head: term" could have written term for head, and
 * one whose list runs the other way head for term.  A flat synonym list is
 * read one way only: each line is a spinner's entry for its headword. */
static unspin_status add_thesaurus_pair(void *ctx, const char *head, size_t hlen,
                                        const char *term, size_t tlen, us_relation rel,
                                        unsigned fanout) {
  thes_ctx *c = ctx;
  unspin_builder *b = c->b;
  if (head != b->last_head) {
    b->last_head = head;
    int n = us_normalize_phrase(head, hlen, &b->head);
    if (n < 0)
      return us_nomem(c->err);
    if (n > MAX_PHRASE_WORDS)
      us_buf_clear(&b->head);
  }
  int n = us_normalize_phrase(term, tlen, &b->phrase);
  if (n < 0)
    return us_nomem(c->err);
  if (!b->head.len || !n || n > MAX_PHRASE_WORDS)
    return UNSPIN_OK;
  unspin_status rc = add_pair(b, b->phrase.data, b->phrase.len, b->head.data, b->head.len, rel,
                              0, fanout, c->err);
  if (rc == UNSPIN_OK && rel != US_REL_LISTED)
    rc = add_pair(b, b->head.data, b->head.len, b->phrase.data, b->phrase.len, rel, 1, fanout,
                  c->err);
  return rc;
}

/* Reads the file at `path` and hands it to `parse`. */
static unspin_status add_word_source(unspin_builder *b, const char *path,
                                     unspin_status (*parse)(const char *, size_t, const char *,
                                                            us_thesaurus_fn, void *,
                                                            unspin_error *),
                                     const char *fn_name, unspin_error *err) {
  if (!b || !path)
    return us_fail(err, UNSPIN_ERR_INVALID_ARG, -1, "%s: NULL", fn_name);
  if (b->done)
    return us_fail(err, UNSPIN_ERR_INVALID_ARG, -1, "the builder has already been written");
  FILE *f = fopen(path, "rb");
  if (!f)
    return us_fail(err, UNSPIN_ERR_IO, -1, "%s: %s", path, strerror(errno));
  us_buf data = US_BUF_INIT;
  char chunk[1 << 16];
  size_t n;
  unspin_status rc = UNSPIN_OK;
  while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
    if (us_buf_append(&data, chunk, n)) {
      rc = us_nomem(err);
      break;
    }
  if (rc == UNSPIN_OK && ferror(f))
    rc = us_fail(err, UNSPIN_ERR_IO, -1, "%s: %s", path, strerror(errno));
  fclose(f);
  if (rc == UNSPIN_OK) {
    thes_ctx c = {b, err};
    rc = parse(data.data ? data.data : "", data.len, path, add_thesaurus_pair, &c, err);
  }
  b->last_head = NULL;
  us_buf_free(&data);
  return rc;
}

unspin_status unspin_builder_add_thesaurus(unspin_builder *b, const char *path,
                                           unspin_error *err) {
  return add_word_source(b, path, us_thesaurus_parse, "unspin_builder_add_thesaurus", err);
}

unspin_status unspin_builder_add_synonym_list(unspin_builder *b, const char *path,
                                              unspin_error *err) {
  return add_word_source(b, path, us_synonym_list_parse, "unspin_builder_add_synonym_list",
                         err);
}

/* A pair with its phrases' addresses, so that qsort needs no context. */
typedef struct sortable {
  const char *from, *to;
  us_thes_entry e;
} sortable;

/* Pairs of flat synonym lists and of other thesauri are kept apart: each
 * kind of list is its own evidence. */
static int listed(const us_thes_entry *e) { return e->relation == US_REL_LISTED; }

static int pair_cmp(const void *x, const void *y) {
  const sortable *a = x, *b = y;
  int c = us_key_cmp(a->from, a->e.from_len, b->from, b->e.from_len);
  if (!c)
    c = us_key_cmp(a->to, a->e.to_len, b->to, b->e.to_len);
  if (!c)
    c = listed(&a->e) - listed(&b->e);
  if (!c)
    c = (int)a->e.forward - (int)b->e.forward;
  if (!c)
    c = (int)a->e.relation - (int)b->e.relation;
  return c;
}

/* Sorts the pairs, keeps one per (from, to) and kind of list (inverted
 * before forward, then the closest relation), and
 * lays the pool out anew in that order, so that the same pairs give the same
 * bytes however they were added. */
static unspin_status sort_pairs(unspin_builder *b, unspin_error *err) {
  if (!b->npairs)
    return UNSPIN_OK;
  sortable *v = malloc(b->npairs * sizeof *v);
  if (!v)
    return us_nomem(err);
  for (size_t i = 0; i < b->npairs; i++)
    v[i] = (sortable){b->phrases.pool.data + b->pairs[i].from_off,
                      b->phrases.pool.data + b->pairs[i].to_off, b->pairs[i]};
  qsort(v, b->npairs, sizeof *v, pair_cmp);
  us_buf old = b->phrases.pool;
  b->phrases.pool = (us_buf)US_BUF_INIT;
  us_intern_clear(&b->phrases);
  size_t w = 0;
  unspin_status rc = UNSPIN_OK;
  for (size_t i = 0; i < b->npairs; i++) {
    const sortable *p = &v[i];
    if (w && v[w - 1].e.from_off == p->e.from_off && v[w - 1].e.to_off == p->e.to_off &&
        listed(&v[w - 1].e) == listed(&p->e)) {
      if (p->e.fanout > b->pairs[w - 1].fanout)
        b->pairs[w - 1].fanout = p->e.fanout;
      continue;
    }
    v[w] = *p; /* remembers the old offsets for the duplicate test */
    int64_t f = us_intern_add(&b->phrases, p->from, p->e.from_len),
            t = f < 0 ? -1 : us_intern_add(&b->phrases, p->to, p->e.to_len);
    if (t < 0) {
      rc = us_nomem(err);
      break;
    }
    b->pairs[w] = p->e;
    b->pairs[w].from_off = b->phrases.off[f];
    b->pairs[w].to_off = b->phrases.off[t];
    w++;
  }
  b->npairs = w;
  us_buf_free(&old);
  free(v);
  return rc;
}

/* ---- writing ---------------------------------------------------------- */

typedef struct writer {
  unspin_builder *b;
  unspin_error *err;
  us_dict_header h;
  us_buf strings;
  uint32_t *offsets;
  size_t nvocab, vocab_cap;
  uint32_t *hash;
  uint64_t slots;
  us_counter *cont;
  FILE *level[US_DICT_MAX_ORDER];
  us_checksum_state sum[US_DICT_MAX_ORDER];
  /* The newest entry of each level is held back until its extensions have
   * added their left_types to its left_sum. */
  us_dict_entry pending[US_DICT_MAX_ORDER];
  int has_pending[US_DICT_MAX_ORDER];
  /* case evidence keys, held until the vocabulary gives their words ids */
  us_buf case_keys; /* the keys' bytes, mark byte first */
  struct case_key {
    size_t off, len;
    uint64_t count;
  } *case_list;
  size_t ncase, case_cap;
  uint32_t *case_table; /* [2 * nvocab]: capital and lower counts */
  /* the block checksums of what has been written after the header */
  us_checksum_state block;
  uint64_t block_fill;
  us_buf block_sums;
  int block_nomem; /* the block sums ran out of memory */
} writer;

static int is_case_key(const char *k, size_t len) {
  return len > 1 && (k[0] == US_CASE_CAPITAL_MARK || k[0] == US_CASE_LOWER_MARK);
}

static size_t key_tokens(const char *k, size_t len) {
  size_t n = 1;
  for (size_t i = 0; i < len; i++)
    n += k[i] == US_KEY_SEP;
  return n;
}

static unspin_status add_vocab(writer *w, const char *k, size_t len) {
  if (w->nvocab + 1 >= w->vocab_cap) {
    size_t cap = w->vocab_cap ? w->vocab_cap * 2 : 1024;
    uint32_t *o = realloc(w->offsets, cap * sizeof *o);
    if (!o)
      return us_nomem(w->err);
    w->offsets = o;
    w->vocab_cap = cap;
  }
  if (w->strings.len + len > UINT32_MAX)
    return us_fail(w->err, UNSPIN_ERR_LIMIT, -1, "the vocabulary exceeds 4 GiB");
  w->offsets[w->nvocab++] = (uint32_t)w->strings.len;
  if (us_buf_append(&w->strings, k, len))
    return us_nomem(w->err);
  w->offsets[w->nvocab] = (uint32_t)w->strings.len;
  return UNSPIN_OK;
}

/* Pass 1: the vocabulary, and one continuation record per n-gram suffix. */
static unspin_status pass_vocab(writer *w) {
  unspin_builder *b = w->b;
  const char *k;
  size_t len;
  uint64_t count;
  int r;
  unspin_status rc = UNSPIN_OK;
  while (rc == UNSPIN_OK && (r = us_counter_next(b->counter, &k, &len, &count, w->err)) == 1) {
    const char *sep = memchr(k, US_KEY_SEP, len);
    if (is_case_key(k, len)) {
      struct case_key *c = us_grow(w->case_list, &w->case_cap, w->ncase + 1, sizeof *c, 256);
      if (!c)
        return us_nomem(w->err);
      w->case_list = c;
      w->case_list[w->ncase++] = (struct case_key){w->case_keys.len, len, count};
      if (us_buf_append(&w->case_keys, k, len))
        return us_nomem(w->err);
    } else if (!sep) {
      rc = add_vocab(w, k, len);
      if (!b->backoff && (len != strlen(UNSPIN_BOS) || memcmp(k, UNSPIN_BOS, len)))
        w->h.token_total += count;
    } else if (!b->backoff && key_tokens(k, len) <= (size_t)b->order) {
      rc = us_counter_add(w->cont, sep + 1, len - (size_t)(sep + 1 - k), 1, w->err);
    }
  }
  if (rc == UNSPIN_OK && r < 0)
    rc = w->err ? w->err->status : UNSPIN_ERR_IO;
  return rc;
}

static unspin_status build_hash(writer *w) {
  w->slots = 1;
  while (w->slots < 2 * (uint64_t)w->nvocab)
    w->slots <<= 1;
  w->hash = calloc(w->slots, sizeof *w->hash);
  if (!w->hash)
    return us_nomem(w->err);
  for (size_t id = 0; id < w->nvocab; id++) {
    const char *s = w->strings.data + w->offsets[id];
    uint64_t j = us_word_hash(s, w->offsets[id + 1] - w->offsets[id]) & (w->slots - 1);
    while (w->hash[j])
      j = (j + 1) & (w->slots - 1);
    w->hash[j] = (uint32_t)id + 1;
  }
  return UNSPIN_OK;
}

static int64_t vocab_id(const writer *w, const char *k, size_t len) {
  uint64_t j = us_word_hash(k, len) & (w->slots - 1);
  for (uint32_t v; (v = w->hash[j]) != 0; j = (j + 1) & (w->slots - 1)) {
    const char *s = w->strings.data + w->offsets[v - 1];
    if (w->offsets[v] - w->offsets[v - 1] == len && !memcmp(s, k, len))
      return v - 1;
  }
  return -1;
}

/* The case table from the evidence keys: pass 1 met them before the words. */
static unspin_status build_case_table(writer *w) {
  if (!w->b->case_counted)
    return UNSPIN_OK;
  w->case_table = calloc(2 * w->nvocab + 1, sizeof *w->case_table);
  if (!w->case_table)
    return us_nomem(w->err);
  for (size_t i = 0; i < w->ncase; i++) {
    const struct case_key *x = &w->case_list[i];
    const char *k = w->case_keys.data + x->off;
    int64_t id = vocab_id(w, k + 1, x->len - 1);
    if (id < 0)
      continue;
    int lower = k[0] == US_CASE_LOWER_MARK;
    uint32_t *slot = &w->case_table[2 * id + lower];
    uint64_t c = *slot + x->count;
    *slot = c > UINT32_MAX ? UINT32_MAX : (uint32_t)c;
    if (lower)
      w->h.case_lower += x->count;
    else
      w->h.case_capital += x->count;
  }
  return UNSPIN_OK;
}

static unspin_status write_entry(writer *w, int n, const us_dict_entry *e) {
  us_checksum_update(&w->sum[n], e, sizeof *e);
  if (fwrite(e, sizeof *e, 1, w->level[n]) != 1)
    return us_fail(w->err, UNSPIN_ERR_IO, -1, "temporary file: cannot write: %s",
                   strerror(errno));
  return UNSPIN_OK;
}

/* Writes the held entry of level n and of every deeper level. */
static unspin_status flush_from(writer *w, int n) {
  for (int k = w->b->order - 1; k >= n; k--) {
    if (!w->has_pending[k])
      continue;
    w->has_pending[k] = 0;
    unspin_status rc = write_entry(w, k, &w->pending[k]);
    if (rc != UNSPIN_OK)
      return rc;
  }
  return UNSPIN_OK;
}

/* Entries arrive in key order: a new entry at level n closes the held
 * entries of level n and below; its parent is the held entry of level n-1. */
static unspin_status put_entry(writer *w, int n, const us_dict_entry *e) {
  unspin_status rc = flush_from(w, n);
  if (rc != UNSPIN_OK)
    return rc;
  if (n > 0 && w->has_pending[n - 1]) {
    uint64_t s = (uint64_t)w->pending[n - 1].left_sum + e->left_types;
    w->pending[n - 1].left_sum = s > UINT32_MAX ? UINT32_MAX : (uint32_t)s;
  }
  w->pending[n] = *e;
  w->has_pending[n] = 1;
  return UNSPIN_OK;
}

static void tally(uint64_t coc[4], uint64_t v) {
  if (v >= 1 && v <= 4)
    coc[v - 1]++;
}

/* Whether the entries held at levels [0, lv) are the words of `prefix` (the
 * first lv words of an n-gram key, without the separator that ends them):
 * its parent in the trie.  Text counts always hold every prefix; an ARPA
 * model should, but nothing makes it. */
static int backoff_prefix_held(const writer *w, const char *prefix, size_t len, int lv) {
  const char *p = prefix, *end = prefix + len;
  for (int k = 0; k < lv; k++) {
    const char *sep = memchr(p, US_KEY_SEP, (size_t)(end - p));
    const char *stop = sep ? sep : end;
    int64_t id = vocab_id(w, p, (size_t)(stop - p));
    if (!w->has_pending[k] || id < 0 || w->pending[k].word != (uint32_t)id)
      return 0;
    p = stop + 1;
  }
  return 1;
}

/* Pass 2: the trie levels, joined with the continuation counts. */
static unspin_status pass_levels(writer *w) {
  unspin_builder *b = w->b;
  const char *k, *ck = NULL;
  size_t len, clen = 0;
  uint64_t count, ccount = 0;
  int r, cr = us_counter_next(w->cont, &ck, &clen, &ccount, w->err);
  unspin_status rc = UNSPIN_OK;
  while (rc == UNSPIN_OK && cr >= 0 &&
         (r = us_counter_next(b->counter, &k, &len, &count, w->err)) == 1) {
    size_t n = key_tokens(k, len);
    if (n > (size_t)b->order || is_case_key(k, len))
      continue;
    while (cr == 1 && us_key_cmp(ck, clen, k, len) < 0)
      cr = us_counter_next(w->cont, &ck, &clen, &ccount, w->err);
    uint64_t left = (cr == 1 && !us_key_cmp(ck, clen, k, len)) ? ccount : 0;
    const char *last = k + len;
    while (last > k && last[-1] != US_KEY_SEP)
      last--;
    int64_t id = vocab_id(w, last, (size_t)(k + len - last));
    int lv = (int)n - 1;
    if (b->backoff && !backoff_prefix_held(w, k, (size_t)(last - k), lv)) {
      b->orphans++; /* an ARPA n-gram whose prefix the model lacks */
      continue;
    }
    if (id < 0 || w->h.level_types[lv] >= UINT32_MAX - 1)
      return us_fail(w->err, UNSPIN_ERR_LIMIT, -1, "too many n-grams of length %zu", n);
    us_dict_entry e = {(uint32_t)id, count > UINT32_MAX ? UINT32_MAX : (uint32_t)count,
                       left > UINT32_MAX ? UINT32_MAX : (uint32_t)left, 0,
                       lv + 1 < b->order ? (uint32_t)w->h.level_types[lv + 1] : 0};
    if (b->backoff) {
      e.count = (uint32_t)(count >> 32);
      e.left_types = (uint32_t)count;
    } else {
      tally(w->h.count_of_counts[lv], count);
      if (lv + 1 < b->order)
        tally(w->h.cont_of_counts[lv], left);
    }
    w->h.level_types[lv]++;
    rc = put_entry(w, lv, &e);
  }
  if (rc == UNSPIN_OK && (r < 0 || cr < 0))
    rc = w->err ? w->err->status : UNSPIN_ERR_IO;
  if (rc == UNSPIN_OK)
    rc = flush_from(w, 0);
  for (int n = 0; n < b->order && rc == UNSPIN_OK; n++) {
    us_dict_entry sentinel = {0, 0, 0, 0, n + 1 < b->order ? (uint32_t)w->h.level_types[n + 1] : 0};
    rc = write_entry(w, n, &sentinel);
  }
  return rc;
}

static int write_all(FILE *f, const void *p, size_t n) { return fwrite(p, 1, n, f) == n ? 0 : -1; }

/* Ends the block being summed (if it has any bytes) and records its checksum. */
static int end_block(writer *w) {
  if (!w->block_fill)
    return 0;
  uint64_t sum = us_checksum_final(&w->block);
  us_checksum_init(&w->block);
  w->block_fill = 0;
  if (us_buf_append(&w->block_sums, &sum, sizeof sum))
    return w->block_nomem = 1, -1;
  return 0;
}

/* Writes bytes after the header, summing them block by block. */
static int emit(writer *w, FILE *out, const void *p, size_t n) {
  const char *c = p;
  for (size_t done = 0; done < n;) {
    size_t room = (size_t)(US_DICT_BLOCK_SIZE - w->block_fill), take = n - done;
    if (take > room)
      take = room;
    us_checksum_update(&w->block, c + done, take);
    w->block_fill += take;
    done += take;
    if (w->block_fill == US_DICT_BLOCK_SIZE && end_block(w))
      return -1;
  }
  return write_all(out, p, n);
}

/* Appends one section to the output and records it in the header.  The
 * zero padding to the next 8-byte boundary belongs to the section, so every
 * byte after the header is covered by some section's checksum. */
static int put_section(writer *w, FILE *out, uint64_t *pos, int s, const void *p, size_t n) {
  static const char zeros[8] = {0};
  size_t pad = (8 - n % 8) % 8;
  us_checksum_state sum;
  us_checksum_init(&sum);
  us_checksum_update(&sum, p, n);
  us_checksum_update(&sum, zeros, pad);
  w->h.sections[s] = (us_dict_section){*pos, n + pad, us_checksum_final(&sum)};
  *pos += n + pad;
  return emit(w, out, p, n) || emit(w, out, zeros, pad);
}

static int copy_level(writer *w, FILE *out, uint64_t *pos, int n) {
  FILE *in = w->level[n];
  uint64_t size = (w->h.level_types[n] + 1) * sizeof(us_dict_entry);
  w->h.sections[US_SEC_LEVEL1 + n] = (us_dict_section){*pos, size, us_checksum_final(&w->sum[n])};
  if (fflush(in) || fseek(in, 0, SEEK_SET))
    return -1;
  char buf[1 << 16];
  for (uint64_t left = size; left;) {
    size_t chunk = left < sizeof buf ? (size_t)left : sizeof buf;
    if (fread(buf, 1, chunk, in) != chunk || emit(w, out, buf, chunk))
      return -1;
    left -= chunk;
  }
  *pos += size;
  static const char zeros[8] = {0};
  size_t pad = (size_t)((8 - size % 8) % 8);
  us_checksum_state *sum = &w->sum[n];
  us_checksum_update(sum, zeros, pad);
  w->h.sections[US_SEC_LEVEL1 + n].size += pad;
  w->h.sections[US_SEC_LEVEL1 + n].checksum = us_checksum_final(sum);
  *pos += pad;
  return emit(w, out, zeros, pad);
}

static unspin_status write_file(writer *w, const char *path) {
  unspin_builder *b = w->b;
  us_buf tmp = US_BUF_INIT;
  if (us_buf_append(&tmp, path, strlen(path)) || us_buf_append(&tmp, ".XXXXXX", 7))
    return us_nomem(w->err);
  int fd = mkstemp(tmp.data);
  if (fd < 0) {
    unspin_status rc = us_fail(w->err, UNSPIN_ERR_IO, -1, "%s: cannot create: %s", path,
                               strerror(errno));
    us_buf_free(&tmp);
    return rc;
  }
  /* mkstemp creates 0600; a dictionary is data to share, like any output file. */
  FILE *out = fchmod(fd, 0644) ? NULL : fdopen(fd, "wb");
  if (!out) {
    close(fd);
    unlink(tmp.data);
    us_buf_free(&tmp);
    return us_nomem(w->err);
  }
  us_dict_header *h = &w->h;
  memcpy(h->magic, US_DICT_MAGIC, 8);
  h->version = US_DICT_VERSION;
  h->header_size = US_DICT_HEADER_SIZE;
  h->order = (uint32_t)b->order;
  h->vocab_size = w->nvocab;
  h->hash_slots = w->slots;
  uint64_t pos = US_DICT_HEADER_SIZE;
  int bad = fseek(out, US_DICT_HEADER_SIZE, SEEK_SET);
  uint32_t zero = 0;
  bad = bad || put_section(w, out, &pos, US_SEC_VOCAB_STRINGS, w->strings.data ? w->strings.data : "", w->strings.len);
  bad = bad || put_section(w, out, &pos, US_SEC_VOCAB_OFFSETS, w->offsets ? w->offsets : &zero,
                           (w->nvocab + 1) * sizeof(uint32_t));
  bad = bad || put_section(w, out, &pos, US_SEC_VOCAB_HASH, w->hash, w->slots * sizeof(uint32_t));
  for (int n = 0; n < b->order && !bad; n++)
    bad = copy_level(w, out, &pos, n);
  if (b->backoff)
    h->flags |= US_DICT_BACKOFF;
  if (b->npairs && !bad) {
    h->flags |= US_DICT_HAS_THESAURUS;
    h->thes_entries = b->npairs;
    bad = put_section(w, out, &pos, US_SEC_THES_STRINGS, b->phrases.pool.data,
                      b->phrases.pool.len) ||
          put_section(w, out, &pos, US_SEC_THES_ENTRIES, b->pairs,
                      b->npairs * sizeof *b->pairs);
  }
  if (w->case_table && !bad) {
    h->flags |= US_DICT_HAS_CASE;
    bad = put_section(w, out, &pos, US_SEC_CASE, w->case_table,
                      2 * w->nvocab * sizeof *w->case_table);
  }
  /* the block sums come last: they cover everything before them */
  bad = bad || end_block(w);
  if (!bad) {
    us_buf sums = w->block_sums;
    w->block_sums = (us_buf)US_BUF_INIT;
    bad = put_section(w, out, &pos, US_SEC_BLOCK_SUMS, sums.data ? sums.data : "", sums.len);
    us_buf_free(&sums);
  }
  h->file_size = pos;
  h->header_checksum = us_checksum(h, offsetof(us_dict_header, header_checksum));
  bad = bad || fseek(out, 0, SEEK_SET) || write_all(out, h, sizeof *h);
  int e = errno;
  bad = fclose(out) || bad;
  if (!bad && rename(tmp.data, path))
    bad = 1, e = errno;
  unspin_status rc = UNSPIN_OK;
  if (bad && w->block_nomem) {
    unlink(tmp.data);
    rc = us_nomem(w->err);
  } else if (bad) {
    unlink(tmp.data);
    rc = us_fail(w->err, UNSPIN_ERR_IO, -1, "%s: cannot write: %s", path,
                 e ? strerror(e) : "short write");
  }
  us_buf_free(&tmp);
  return rc;
}

/* The continuation counter's memory: half the limit, but no more than
 * CONT_TABLE_MAX, past which its table's cache misses cost more than
 * spilling and merging runs (docs/benchmarks.md). */
static size_t cont_limit(size_t limit) {
  size_t half = limit / 2 > MIN_MEMORY ? limit / 2 : MIN_MEMORY;
  return half < CONT_TABLE_MAX ? half : CONT_TABLE_MAX;
}

unspin_status unspin_builder_write(unspin_builder *b, const char *path, unspin_error *err) {
  if (!b || !path)
    return us_fail(err, UNSPIN_ERR_INVALID_ARG, -1, "unspin_builder_write: NULL argument");
  if (b->done)
    return us_fail(err, UNSPIN_ERR_INVALID_ARG, -1, "the builder has already been written");
  unspin_status rc = unspin_builder_end_document(b, err);
  if (rc != UNSPIN_OK)
    return rc;
  b->done = 1;
  writer w = {0};
  w.b = b;
  w.err = err;
  us_checksum_init(&w.block);
  if (b->text) { /* its chunk goes to the counter, and its memory to the passes below */
    rc = us_text_counter_flush(b->text, err);
    us_text_counter_free(b->text);
    b->text = NULL;
    if (rc != UNSPIN_OK)
      goto done;
  }
  if ((rc = us_counter_finish(b->counter, err)) != UNSPIN_OK ||
      (rc = us_counter_new(&w.cont, cont_limit(b->memory_limit),
                           b->temp_dir, err)) != UNSPIN_OK)
    goto done;
  if ((rc = pass_vocab(&w)) != UNSPIN_OK || (rc = build_hash(&w)) != UNSPIN_OK ||
      (rc = build_case_table(&w)) != UNSPIN_OK ||
      (rc = us_counter_finish(w.cont, err)) != UNSPIN_OK ||
      (rc = us_counter_rewind(b->counter, err)) != UNSPIN_OK)
    goto done;
  for (int n = 0; n < b->order; n++) {
    us_checksum_init(&w.sum[n]);
    if (!(w.level[n] = us_temp_file(b->temp_dir, err))) {
      rc = err ? err->status : UNSPIN_ERR_IO;
      goto done;
    }
  }
  if ((rc = sort_pairs(b, err)) == UNSPIN_OK && (rc = pass_levels(&w)) == UNSPIN_OK)
    rc = write_file(&w, path);
done:
  for (int n = 0; n < b->order; n++)
    if (w.level[n])
      fclose(w.level[n]);
  us_counter_free(w.cont);
  us_buf_free(&w.strings);
  us_buf_free(&w.block_sums);
  free(w.offsets);
  free(w.hash);
  us_buf_free(&w.case_keys);
  free(w.case_list);
  free(w.case_table);
  return rc;
}

void unspin_builder_free(unspin_builder *b) {
  if (!b)
    return;
  us_intern_free(&b->phrases);
  us_buf_free(&b->phrase);
  us_buf_free(&b->head);
  free(b->pairs);
  us_text_counter_free(b->text);
  us_counter_free(b->counter);
  us_tokens_free(&b->toks);
  us_buf_free(&b->keys);
  us_buf_free(&b->ngram);
  us_buf_free(&b->pending);
  free(b->starts);
  free(b->shapes);
  free(b->evidence);
  free(b->temp_dir);
  free(b);
}
