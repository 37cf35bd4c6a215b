/* ngram_count.c - hash counting with sorted runs spilled to disk and merged. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>

#include "ngram_count.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buffer.h"
#include "error.h"

typedef struct entry {
  const char *key; /* NULL marks an empty slot */
  uint32_t len;
  uint32_t hash;
  uint64_t count;
  uint64_t prefix; /* the key's first 8 bytes, big-endian, 0-padded: sorting reads
                      them here rather than through key */
} entry;

typedef struct block {
  struct block *next;
  size_t used, cap;
  char data[];
} block;

/* One sorted run being read during a merge.  Runs are front-coded: each
 * key is stored as the length it shares with the key before it and the
 * rest, so `key` holds the last key read. */
typedef struct reader {
  FILE *f; /* NULL: the in-memory entries [mem, mem_end) instead */
  const struct entry *mem, *mem_end;
  us_buf key;
  uint64_t count;
} reader;

struct us_counter {
  size_t limit;
  char *temp_dir;
  entry *table;
  size_t slots, used;
  block *blocks;
  size_t block_bytes;
  FILE **runs;
  unsigned *tiers; /* a spilled run is tier 0; merging FANIN of tier t gives t + 1 */
  size_t nruns, runs_cap, spills;
  uint64_t added; /* occurrences added */
  int finished;
  size_t pos; /* in-memory stream position */
  FILE *merged;
  us_buf rec; /* the last key read from `merged` */
  FILE *open_run; /* a run being added by us_counter_run_put */
  us_buf run_prev; /* its last key */
};

#define BLOCK_SIZE ((size_t)1 << 16)
#define MIN_SLOTS ((size_t)1 << 10)

int us_key_cmp(const char *a, size_t alen, const char *b, size_t blen) {
  size_t n = alen < blen ? alen : blen;
  int c = n ? memcmp(a, b, n) : 0; /* an empty key may have no storage */
  if (c)
    return c;
  return alen < blen ? -1 : alen > blen;
}

static uint32_t hash_key(const char *s, size_t len) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (size_t i = 0; i < len; i++)
    h = (h ^ (unsigned char)s[i]) * 0x100000001b3ull;
  return (uint32_t)(h ^ (h >> 32));
}

FILE *us_temp_file(const char *dir, unspin_error *err) {
  if (!dir || !*dir)
    dir = getenv("TMPDIR");
  if (!dir || !*dir)
    dir = "/tmp";
  us_buf path = US_BUF_INIT;
  if (us_buf_append(&path, dir, strlen(dir)) || us_buf_append(&path, "/unspin-XXXXXX", 14)) {
    us_buf_free(&path);
    us_nomem(err);
    return NULL;
  }
  int fd = mkstemp(path.data);
  if (fd < 0) {
    us_fail(err, UNSPIN_ERR_IO, -1, "%s: cannot create a temporary file: %s", dir,
            strerror(errno));
    us_buf_free(&path);
    return NULL;
  }
  unlink(path.data);
  us_buf_free(&path);
  FILE *f = fdopen(fd, "w+b");
  if (!f) {
    close(fd);
    us_nomem(err);
  }
  return f;
}

unspin_status us_counter_new(us_counter **out, size_t memory_limit, const char *temp_dir,
                             unspin_error *err) {
  *out = NULL;
  us_counter *c = calloc(1, sizeof *c);
  if (!c)
    return us_nomem(err);
  c->limit = memory_limit;
  c->slots = MIN_SLOTS;
  c->table = calloc(c->slots, sizeof *c->table);
  if (temp_dir)
    c->temp_dir = strdup(temp_dir);
  if (!c->table || (temp_dir && !c->temp_dir)) {
    us_counter_free(c);
    return us_nomem(err);
  }
  *out = c;
  return UNSPIN_OK;
}

static size_t memory_used(const us_counter *c) {
  return c->block_bytes + c->slots * sizeof(entry);
}

static uint64_t key_prefix(const char *key, size_t len) {
  uint64_t p = 0;
  for (size_t i = 0; i < 8; i++)
    p = p << 8 | (i < len ? (unsigned char)key[i] : 0u);
  return p;
}

static const char *store_key(us_counter *c, const char *key, size_t len) {
  block *b = c->blocks;
  if (!b || b->cap - b->used < len) {
    /* blocks stay well under the limit so that small limits still count */
    size_t bs = c->limit / 8 < BLOCK_SIZE ? c->limit / 8 : BLOCK_SIZE;
    size_t cap = len > bs ? len : bs;
    b = malloc(sizeof *b + cap);
    if (!b)
      return NULL;
    b->next = c->blocks;
    b->used = 0;
    b->cap = cap;
    c->blocks = b;
    c->block_bytes += sizeof *b + cap;
  }
  char *p = b->data + b->used;
  memcpy(p, key, len);
  b->used += len;
  return p;
}

static int grow(us_counter *c) {
  size_t slots = c->slots * 2;
  entry *t = calloc(slots, sizeof *t);
  if (!t)
    return -1;
  for (size_t i = 0; i < c->slots; i++) {
    entry *e = &c->table[i];
    if (!e->key)
      continue;
    size_t j = e->hash & (slots - 1);
    while (t[j].key)
      j = (j + 1) & (slots - 1);
    t[j] = *e;
  }
  free(c->table);
  c->table = t;
  c->slots = slots;
  return 0;
}

/* us_key_cmp's order: keys whose prefixes differ compare as them (a
 * proper prefix pads with zeros, which sort first). */
static int entry_cmp(const entry *x, const entry *y) {
  if (x->prefix != y->prefix)
    return x->prefix < y->prefix ? -1 : 1;
  return us_key_cmp(x->key, x->len, y->key, y->len);
}

/* Byte d of an entry's key plus one, or 0 past its end: a key that ends
 * sorts before its extensions, as in us_key_cmp. */
static unsigned key_byte(const entry *e, size_t d) {
  if (d >= e->len)
    return 0;
  return (d < 8 ? (unsigned)(e->prefix >> (56 - 8 * d)) & 0xffu : (unsigned char)e->key[d]) + 1u;
}

/* Sorts v[0, n) by key, all keys equal in their first d bytes and
 * distinct (a hash table's): most-significant-byte radix sort in place
 * (American flag sort: count each byte's bucket, then move every entry
 * into its bucket along permutation cycles), small runs by insertion.  The
 * order is us_key_cmp's. */
static void radix_sort(entry *v, size_t n, size_t d) {
  if (n <= 32) {
    for (size_t i = 1; i < n; i++) {
      entry x = v[i];
      size_t j = i;
      for (; j > 0 && entry_cmp(&v[j - 1], &x) > 0; j--)
        v[j] = v[j - 1];
      v[j] = x;
    }
    return;
  }
  size_t end[257] = {0}, next[257];
  for (size_t i = 0; i < n; i++)
    end[key_byte(&v[i], d)]++;
  for (size_t b = 0, sum = 0; b < 257; b++) {
    next[b] = sum;
    sum += end[b];
    end[b] = sum;
  }
  for (unsigned b = 0; b < 257; b++)
    while (next[b] < end[b]) {
      entry x = v[next[b]];
      unsigned k = key_byte(&x, d);
      while (k != b) {
        entry y = v[next[k]];
        v[next[k]++] = x;
        x = y;
        k = key_byte(&x, d);
      }
      v[next[b]++] = x;
    }
  /* bucket 0, the key that ends here, holds one key at most */
  for (unsigned b = 1; b < 257; b++) {
    size_t from = end[b - 1];
    if (end[b] - from > 1)
      radix_sort(v + from, end[b] - from, d + 1);
  }
}

/* Moves the used entries to the front of the table and sorts them. */
static void compact_sorted(us_counter *c) {
  size_t w = 0;
  for (size_t i = 0; i < c->slots; i++)
    if (c->table[i].key)
      c->table[w++] = c->table[i];
  radix_sort(c->table, w, 0);
}

static size_t varint(unsigned char *b, uint64_t v) {
  size_t n = 0;
  do {
    b[n] = (unsigned char)(v & 0x7f);
    v >>= 7;
    if (v)
      b[n] |= 0x80;
    n++;
  } while (v);
  return n;
}

static unspin_status io_fail(unspin_error *err, const char *what) {
  return us_fail(err, UNSPIN_ERR_IO, -1, "temporary file: cannot %s: %s", what,
                 errno ? strerror(errno) : "short transfer");
}

/* A record function's failures: -1 for I/O or a damaged run, this when
 * memory runs out. */
#define REC_NOMEM (-2)

static void put_varint(FILE *f, uint64_t v) {
  unsigned char b[10];
  size_t n = varint(b, v);
  for (size_t i = 0; i < n; i++)
    putc_unlocked(b[i], f); /* a run is written by one thread; errors show at the flush */
}

/* Writes a record front-coded against the key before it (`prev`, which
 * then becomes this key): the length they share, the rest's length, the
 * rest, the count.  0, or REC_NOMEM (write errors show at the flush). */
static int put_record(FILE *f, us_buf *prev, const char *key, size_t len, uint64_t count) {
  size_t shared = 0, max = len < prev->len ? len : prev->len;
  while (shared < max && prev->data[shared] == key[shared])
    shared++;
  size_t rest = len - shared;
  put_varint(f, shared);
  put_varint(f, rest);
  for (size_t i = 0; i < rest; i++)
    putc_unlocked(key[shared + i], f);
  put_varint(f, count);
  if (us_buf_reserve(prev, len > prev->len ? len - prev->len : 0))
    return REC_NOMEM;
  memcpy(prev->data + shared, key + shared, rest);
  prev->len = len;
  prev->data[len] = '\0';
  return 0;
}

/* The failure of a record function, as a status. */
static unspin_status record_fail(int r, unspin_error *err, const char *what) {
  return r == REC_NOMEM ? us_nomem(err) : io_fail(err, what);
}

/* Returns 1 and the value, 0 at a clean end of file, -1 on a damaged run. */
static int get_varint(FILE *f, uint64_t *v) {
  *v = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    int ch = getc_unlocked(f); /* a run is read by one thread */
    if (ch == EOF)
      return shift ? -1 : 0;
    *v |= (uint64_t)(ch & 0x7f) << shift;
    if (!(ch & 0x80))
      return 1;
  }
  return -1;
}

/* Reads the record after the one in `key` (empty before the first) into
 * it: 1, 0 at a clean end of file, -1 on a damaged run, REC_NOMEM. */
static int get_record(FILE *f, us_buf *key, uint64_t *count) {
  uint64_t shared, rest;
  int r = get_varint(f, &shared);
  if (r <= 0)
    return r;
  if (shared > key->len || get_varint(f, &rest) != 1 || rest > SIZE_MAX / 4)
    return -1;
  if (us_buf_reserve(key, (size_t)(shared + rest) > key->len ? (size_t)(shared + rest) - key->len : 0))
    return REC_NOMEM;
  for (size_t i = 0; i < rest; i++) { /* a few bytes, most often */
    int ch = getc_unlocked(f);
    if (ch == EOF)
      return -1;
    key->data[shared + i] = (char)ch;
  }
  key->len = (size_t)(shared + rest);
  key->data[key->len] = '\0';
  return get_varint(f, count) == 1 ? 1 : -1;
}

static void reset_table(us_counter *c) {
  while (c->blocks) {
    block *n = c->blocks->next;
    free(c->blocks);
    c->blocks = n;
  }
  c->block_bytes = 0;
  if (c->table)
    memset(c->table, 0, c->slots * sizeof *c->table);
  c->used = 0;
}

static unspin_status add_run(us_counter *c, FILE *f, unsigned tier, unspin_error *err) {
  if (c->nruns == c->runs_cap) {
    size_t cap = c->runs_cap ? c->runs_cap * 2 : 16;
    FILE **r = realloc(c->runs, cap * sizeof *r);
    unsigned *t = r ? realloc(c->tiers, cap * sizeof *t) : NULL;
    if (r)
      c->runs = r;
    if (!t) {
      fclose(f);
      return us_nomem(err);
    }
    c->tiers = t;
    c->runs_cap = cap;
  }
  c->tiers[c->nruns] = tier;
  c->runs[c->nruns++] = f;
  return UNSPIN_OK;
}

static unspin_status merge_tail(us_counter *c, size_t n, size_t nmem, FILE **out,
                                unspin_error *err);

/* Keeps at most FANIN runs of each tier open: runs are appended in
 * non-increasing tier order, so a full tier is always the list's tail. */
static unspin_status merge_full_tiers(us_counter *c, unspin_error *err) {
  while (c->nruns >= US_MERGE_FANIN) {
    size_t last = c->nruns - 1, first = last - (US_MERGE_FANIN - 1);
    unsigned tier = c->tiers[last];
    if (c->tiers[first] != tier)
      return UNSPIN_OK;
    FILE *f = NULL;
    unspin_status rc = merge_tail(c, US_MERGE_FANIN, 0, &f, err);
    if (rc == UNSPIN_OK)
      rc = add_run(c, f, tier + 1, err);
    if (rc != UNSPIN_OK)
      return rc;
  }
  return UNSPIN_OK;
}

static unspin_status spill(us_counter *c, unspin_error *err) {
  FILE *f = us_temp_file(c->temp_dir, err);
  if (!f)
    return err ? err->status : UNSPIN_ERR_IO;
  compact_sorted(c);
  errno = 0;
  us_buf prev = US_BUF_INIT;
  for (size_t i = 0; i < c->used; i++) {
    int r = put_record(f, &prev, c->table[i].key, c->table[i].len, c->table[i].count);
    if (r) {
      us_buf_free(&prev);
      fclose(f);
      return record_fail(r, err, "write a sorted run");
    }
  }
  us_buf_free(&prev);
  if (fflush(f) || fseek(f, 0, SEEK_SET)) {
    fclose(f);
    return io_fail(err, "write a sorted run");
  }
  reset_table(c);
  c->spills++;
  unspin_status rc = add_run(c, f, 0, err);
  return rc == UNSPIN_OK ? merge_full_tiers(c, err) : rc;
}

unspin_status us_counter_add(us_counter *c, const char *key, size_t len, uint64_t count,
                             unspin_error *err) {
  if (len > UINT32_MAX)
    return us_fail(err, UNSPIN_ERR_LIMIT, -1, "an n-gram of %zu bytes is too long", len);
  c->added += count;
  uint32_t h = hash_key(key, len);
  uint64_t prefix = key_prefix(key, len);
  size_t j = h & (c->slots - 1);
  for (;; j = (j + 1) & (c->slots - 1)) {
    entry *e = &c->table[j];
    if (!e->key)
      break;
    /* the prefix and length are the whole of a key of up to 8 bytes */
    if (e->hash == h && e->len == len && e->prefix == prefix &&
        (len <= 8 || !memcmp(e->key + 8, key + 8, len - 8))) {
      e->count += count;
      return UNSPIN_OK;
    }
  }
  const char *stored = store_key(c, key, len);
  if (!stored)
    return us_nomem(err);
  c->table[j] = (entry){stored, (uint32_t)len, h, count, prefix};
  c->used++;
  if (c->used * 2 > c->slots) {
    if (memory_used(c) + c->slots * sizeof(entry) > c->limit)
      return spill(c, err);
    if (grow(c))
      return us_nomem(err);
  }
  if (memory_used(c) > c->limit)
    return spill(c, err);
  return UNSPIN_OK;
}

unspin_status us_counter_run_begin(us_counter *c, unspin_error *err) {
  if (c->finished || c->open_run)
    return us_fail(err, UNSPIN_ERR_INVALID_ARG, -1, "a run cannot begin here");
  if (!(c->open_run = us_temp_file(c->temp_dir, err)))
    return err ? err->status : UNSPIN_ERR_IO;
  us_buf_clear(&c->run_prev);
  return UNSPIN_OK;
}

unspin_status us_counter_run_put(us_counter *c, const char *key, size_t len, uint64_t count,
                                 unspin_error *err) {
  c->added += count;
  errno = 0;
  int r = put_record(c->open_run, &c->run_prev, key, len, count);
  return r ? record_fail(r, err, "write a sorted run") : UNSPIN_OK;
}

unspin_status us_counter_run_end(us_counter *c, unspin_error *err) {
  FILE *f = c->open_run;
  c->open_run = NULL;
  errno = 0;
  if (fflush(f) || fseek(f, 0, SEEK_SET)) {
    fclose(f);
    return io_fail(err, "write a sorted run");
  }
  c->spills++;
  unspin_status rc = add_run(c, f, 0, err);
  return rc == UNSPIN_OK ? merge_full_tiers(c, err) : rc;
}

void us_counter_set_limit(us_counter *c, size_t memory_limit) { c->limit = memory_limit; }

/* Binary min-heap of readers ordered by key. */
static int reader_less(const reader *a, const reader *b) {
  return us_key_cmp(a->key.data, a->key.len, b->key.data, b->key.len) < 0;
}

static void sift_down(reader **h, size_t n, size_t i) {
  for (;;) {
    size_t l = 2 * i + 1, m = i;
    if (l < n && reader_less(h[l], h[m]))
      m = l;
    if (l + 1 < n && reader_less(h[l + 1], h[m]))
      m = l + 1;
    if (m == i)
      return;
    reader *t = h[i];
    h[i] = h[m];
    h[m] = t;
    i = m;
  }
}

/* Reads a reader's next record: as get_record. */
static int reader_next(reader *r) {
  if (r->f)
    return get_record(r->f, &r->key, &r->count);
  if (r->mem == r->mem_end)
    return 0;
  us_buf_clear(&r->key);
  if (us_buf_reserve(&r->key, r->mem->len))
    return REC_NOMEM;
  memcpy(r->key.data, r->mem->key, r->mem->len);
  r->key.len = r->mem->len;
  r->count = r->mem->count;
  r->mem++;
  return 1;
}

/* Merges runs[0..n), and the sorted entries mem[0..nmem), into `out`,
 * summing the counts of equal keys. */
static unspin_status merge_runs(FILE **runs, size_t n, const entry *mem, size_t nmem, FILE *out,
                                unspin_error *err) {
  size_t nrd = n + (nmem > 0);
  reader *rd = calloc(nrd, sizeof *rd);
  reader **heap = calloc(nrd, sizeof *heap);
  us_buf cur = US_BUF_INIT, prev = US_BUF_INIT;
  unspin_status rc = UNSPIN_OK;
  size_t hn = 0;
  if (!rd || !heap) {
    rc = us_nomem(err);
    goto done;
  }
  errno = 0;
  for (size_t i = 0; i < nrd; i++) {
    if (i < n)
      rd[i].f = runs[i];
    else
      rd[i].mem = mem, rd[i].mem_end = mem + nmem;
    int r = reader_next(&rd[i]);
    if (r < 0) {
      rc = record_fail(r, err, "read a sorted run");
      goto done;
    }
    if (r)
      heap[hn++] = &rd[i];
  }
  for (size_t i = hn; i-- > 0;)
    sift_down(heap, hn, i);
  while (hn) {
    reader *top = heap[0];
    us_buf_clear(&cur);
    if (us_buf_append(&cur, top->key.data, top->key.len)) {
      rc = us_nomem(err);
      goto done;
    }
    uint64_t total = 0;
    while (hn && !us_key_cmp(heap[0]->key.data, heap[0]->key.len, cur.data, cur.len)) {
      top = heap[0];
      total += top->count;
      int r = reader_next(top);
      if (r < 0) {
        rc = record_fail(r, err, "read a sorted run");
        goto done;
      }
      if (!r)
        heap[0] = heap[--hn];
      sift_down(heap, hn, 0);
    }
    int w = put_record(out, &prev, cur.data, cur.len, total);
    if (w) {
      rc = record_fail(w, err, "write a merged run");
      goto done;
    }
  }
  if (fflush(out) || fseek(out, 0, SEEK_SET))
    rc = io_fail(err, "write a merged run");
done:
  if (rd)
    for (size_t i = 0; i < nrd; i++)
      us_buf_free(&rd[i].key);
  free(rd);
  free(heap);
  us_buf_free(&cur);
  us_buf_free(&prev);
  return rc;
}

/* Merges the last `n` runs, and the table's `nmem` sorted entries, into
 * one new file; the runs are removed from the list. */
static unspin_status merge_tail(us_counter *c, size_t n, size_t nmem, FILE **out,
                                unspin_error *err) {
  FILE *f = us_temp_file(c->temp_dir, err);
  if (!f)
    return err ? err->status : UNSPIN_ERR_IO;
  FILE **tail = c->runs + c->nruns - n;
  unspin_status rc = merge_runs(tail, n, c->table, nmem, f, err);
  for (size_t i = 0; i < n; i++)
    fclose(tail[i]);
  c->nruns -= n;
  if (rc != UNSPIN_OK) {
    fclose(f);
    return rc;
  }
  *out = f;
  return UNSPIN_OK;
}

unspin_status us_counter_finish(us_counter *c, unspin_error *err) {
  if (c->finished)
    return UNSPIN_OK;
  if (c->open_run) {
    unspin_status rc = us_counter_run_end(c, err);
    if (rc != UNSPIN_OK)
      return rc;
  }
  c->finished = 1;
  if (!c->nruns) {
    compact_sorted(c);
    return UNSPIN_OK;
  }
  /* what the table holds joins the merge from memory */
  compact_sorted(c);
  unspin_status rc = merge_tail(c, c->nruns, c->used, &c->merged, err);
  reset_table(c);
  return rc;
}

unspin_status us_counter_rewind(us_counter *c, unspin_error *err) {
  c->pos = 0;
  us_buf_clear(&c->rec); /* the first record shares nothing */
  if (c->merged && fseek(c->merged, 0, SEEK_SET))
    return io_fail(err, "rewind the merged counts");
  return UNSPIN_OK;
}

int us_counter_next(us_counter *c, const char **key, size_t *len, uint64_t *count,
                    unspin_error *err) {
  if (!c->merged) {
    if (c->pos >= c->used)
      return 0;
    const entry *e = &c->table[c->pos++];
    *key = e->key;
    *len = e->len;
    *count = e->count;
    return 1;
  }
  errno = 0;
  int r = get_record(c->merged, &c->rec, count);
  if (r < 0) {
    record_fail(r, err, "read the merged counts");
    return -1;
  }
  if (r) {
    *key = c->rec.data;
    *len = c->rec.len;
  }
  return r;
}

size_t us_counter_spills(const us_counter *c) { return c->spills; }

uint64_t us_counter_added(const us_counter *c) { return c->added; }

void us_counter_free(us_counter *c) {
  if (!c)
    return;
  reset_table(c);
  free(c->table);
  for (size_t i = 0; i < c->nruns; i++)
    fclose(c->runs[i]);
  free(c->runs);
  free(c->tiers);
  if (c->merged)
    fclose(c->merged);
  if (c->open_run)
    fclose(c->open_run);
  us_buf_free(&c->run_prev);
  us_buf_free(&c->rec);
  free(c->temp_dir);
  free(c);
}
