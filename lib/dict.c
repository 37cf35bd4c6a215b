/* dict.c - opening a compiled phrase dictionary with mmap, and lookups. */
#define _POSIX_C_SOURCE 200809L
#include "dict.h"

#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buffer.h"
#include "checksum.h"
#include "error.h"
#include "ngram_count.h"
#include "normalize.h"
#include "thesaurus.h"
#include "tokenize.h"

struct unspin_dict {
  const unsigned char *map;
  size_t size;
  const us_dict_header *h;
  int order;
  uint64_t vocab_size;
  const char *strings;
  uint64_t strings_size;
  const uint32_t *offsets;
  const uint32_t *hash;
  uint64_t hash_mask;
  const us_dict_entry *level[US_DICT_MAX_ORDER];
  uint64_t types[US_DICT_MAX_ORDER]; /* entries per level, sentinel excluded */
  const char *thes_strings;
  uint64_t thes_strings_size;
  const us_thes_entry *thes;
  uint64_t nthes;
  const uint32_t *case_table; /* NULL without US_DICT_HAS_CASE */
  /* Checked as read (the default): a bit per block of the file after the
   * header, set once the block's checksum has matched (NULL when the whole
   * file was verified at open or is not to be checked).  Once an eighth of
   * the blocks are checked the rest are too, and `lazy` drops to 0: a
   * document reads that much in its first few thousand words, and reads
   * then cost no test. */
  _Atomic uint64_t *checked;
  _Atomic int lazy;
  _Atomic uint64_t nchecked;
  uint64_t nblocks;
  const uint64_t *block_sums;
  uint64_t blocks_end; /* the blocks cover [US_DICT_HEADER_SIZE, blocks_end) */
  _Atomic uint64_t damage; /* 1 + the offset of the first block found damaged */
  char *path;
};

/* The sections a file has, in index order. */
static int section_list(const unspin_dict *d, int *out) {
  int n = 0;
  for (int s = 0; s < US_SEC_LEVEL1 + d->order; s++)
    out[n++] = s;
  if (d->h->flags & US_DICT_HAS_THESAURUS) {
    out[n++] = US_SEC_THES_STRINGS;
    out[n++] = US_SEC_THES_ENTRIES;
  }
  if (d->h->flags & US_DICT_HAS_CASE)
    out[n++] = US_SEC_CASE;
  out[n++] = US_SEC_BLOCK_SUMS;
  return n;
}

static int host_is_little_endian(void) {
  const uint16_t one = 1;
  unsigned char b;
  memcpy(&b, &one, 1);
  return b == 1;
}

static unspin_status corrupt(unspin_error *err, const char *path, uint64_t off,
                             const char *what) {
  return us_fail(err, UNSPIN_ERR_FORMAT, (int64_t)off,
                 "%s: corrupt dictionary at byte offset %llu: %s", path,
                 (unsigned long long)off, what);
}

static uint64_t round8(uint64_t n) { return (n + 7) & ~(uint64_t)7; }

/* Checks the header and that every section lies inside the file with the
 * size its counts imply; no table byte is read here. */
static unspin_status check_layout(unspin_dict *d, const char *path, unspin_error *err) {
  const us_dict_header *h = d->h;
  if (memcmp(h->magic, US_DICT_MAGIC, 8))
    return corrupt(err, path, 0, "not an unspin dictionary (bad magic number)");
  if (h->version != US_DICT_VERSION)
    return us_fail(err, UNSPIN_ERR_VERSION, 8,
                   "%s: dictionary format version %u is not supported (this library reads %u)",
                   path, h->version, US_DICT_VERSION);
  if (us_checksum(h, offsetof(us_dict_header, header_checksum)) != h->header_checksum)
    return corrupt(err, path, offsetof(us_dict_header, header_checksum),
                   "header checksum mismatch");
  if (h->file_size != d->size)
    return us_fail(err, UNSPIN_ERR_FORMAT, (int64_t)d->size,
                   "%s: truncated or extended dictionary: %zu bytes, the header says %llu",
                   path, d->size, (unsigned long long)h->file_size);
  if (h->header_size != US_DICT_HEADER_SIZE || h->order < 1 || h->order > US_DICT_MAX_ORDER ||
      h->vocab_size >= UINT32_MAX || h->hash_slots == 0 ||
      (h->hash_slots & (h->hash_slots - 1)) || h->hash_slots < h->vocab_size)
    return corrupt(err, path, 12, "impossible header values");
  if (h->flags & ~(US_DICT_HAS_THESAURUS | US_DICT_HAS_CASE | US_DICT_BACKOFF))
    return corrupt(err, path, 20, "unknown flags");
  d->order = (int)h->order;
  d->vocab_size = h->vocab_size;
  int list[US_DICT_MAX_SECTIONS], nsec = section_list(d, list);
  for (int k = 0; k < nsec; k++) {
    int s = list[k];
    const us_dict_section *sec = &h->sections[s];
    uint64_t off = offsetof(us_dict_header, sections) + (uint64_t)s * sizeof *sec;
    if (sec->offset < US_DICT_HEADER_SIZE || sec->offset % 8 || sec->offset > d->size ||
        sec->size > d->size - sec->offset)
      return corrupt(err, path, off, "a table lies outside the file");
  }
  const us_dict_section *sec = h->sections;
  if (sec[US_SEC_VOCAB_OFFSETS].size != round8((h->vocab_size + 1) * 4) ||
      sec[US_SEC_VOCAB_HASH].size != round8(h->hash_slots * 4))
    return corrupt(err, path, offsetof(us_dict_header, sections), "vocabulary table sizes");
  d->strings = (const char *)d->map + sec[US_SEC_VOCAB_STRINGS].offset;
  d->strings_size = sec[US_SEC_VOCAB_STRINGS].size;
  d->offsets = (const uint32_t *)(d->map + sec[US_SEC_VOCAB_OFFSETS].offset);
  d->hash = (const uint32_t *)(d->map + sec[US_SEC_VOCAB_HASH].offset);
  d->hash_mask = h->hash_slots - 1;
  for (int n = 0; n < d->order; n++) {
    const us_dict_section *ls = &sec[US_SEC_LEVEL1 + n];
    if (h->level_types[n] >= UINT32_MAX ||
        ls->size != round8((h->level_types[n] + 1) * sizeof(us_dict_entry)))
      return corrupt(err, path, offsetof(us_dict_header, level_types) + 8u * (unsigned)n,
                     "n-gram table size");
    d->level[n] = (const us_dict_entry *)(d->map + ls->offset);
    d->types[n] = h->level_types[n];
  }
  if (d->types[0] != d->vocab_size)
    return corrupt(err, path, offsetof(us_dict_header, level_types), "unigram count");
  if (h->flags & US_DICT_HAS_THESAURUS) {
    if (h->thes_entries > UINT32_MAX ||
        sec[US_SEC_THES_ENTRIES].size != round8(h->thes_entries * sizeof(us_thes_entry)))
      return corrupt(err, path, offsetof(us_dict_header, thes_entries), "thesaurus size");
    d->thes_strings = (const char *)d->map + sec[US_SEC_THES_STRINGS].offset;
    d->thes_strings_size = sec[US_SEC_THES_STRINGS].size;
    d->thes = (const us_thes_entry *)(d->map + sec[US_SEC_THES_ENTRIES].offset);
    d->nthes = h->thes_entries;
  }
  if (h->flags & US_DICT_HAS_CASE) {
    if (sec[US_SEC_CASE].size != round8(2 * h->vocab_size * 4))
      return corrupt(err, path, offsetof(us_dict_header, sections) + US_SEC_CASE * sizeof *sec,
                     "case table size");
    d->case_table = (const uint32_t *)(d->map + sec[US_SEC_CASE].offset);
  }
  /* the block sums close the file and cover all that lies before them */
  const us_dict_section *bs = &sec[US_SEC_BLOCK_SUMS];
  uint64_t body = bs->offset - US_DICT_HEADER_SIZE;
  d->nblocks = (body + US_DICT_BLOCK_SIZE - 1) >> US_DICT_BLOCK_SHIFT;
  if (bs->offset + bs->size != d->size || bs->size != round8(d->nblocks * 8))
    return corrupt(err, path, offsetof(us_dict_header, sections) + US_SEC_BLOCK_SUMS * sizeof *bs,
                   "block checksum table");
  for (int k = 0; k < nsec; k++)
    if (list[k] != US_SEC_BLOCK_SUMS && sec[list[k]].offset + sec[list[k]].size > bs->offset)
      return corrupt(err, path, offsetof(us_dict_header, sections) + (uint64_t)list[k] * sizeof *bs,
                     "a table overlaps the block checksums");
  d->block_sums = (const uint64_t *)(d->map + bs->offset);
  d->blocks_end = bs->offset;
  return UNSPIN_OK;
}

/* Whether block b's checksum has matched. */
static inline int block_checked(const unspin_dict *d, uint64_t b) {
  return atomic_load_explicit(&d->checked[b >> 6], memory_order_relaxed) >> (b & 63) & 1;
}

/* Checks block b against its checksum and remembers the answer: 1 if it
 * matches; 0, with the damage recorded, if not. */
static int check_block(const unspin_dict *d, uint64_t b) {
  uint64_t start = US_DICT_HEADER_SIZE + (b << US_DICT_BLOCK_SHIFT);
  uint64_t end = start + US_DICT_BLOCK_SIZE < d->blocks_end ? start + US_DICT_BLOCK_SIZE
                                                             : d->blocks_end;
  if (us_checksum(d->map + start, end - start) != d->block_sums[b]) {
    uint64_t none = 0;
    atomic_compare_exchange_strong(&((unspin_dict *)d)->damage, &none, start + 1);
    return 0;
  }
  uint64_t bit = (uint64_t)1 << (b & 63);
  unspin_dict *m = (unspin_dict *)d; /* the checking state; the tables are read-only */
  if (!(atomic_fetch_or_explicit(&m->checked[b >> 6], bit, memory_order_relaxed) & bit) &&
      atomic_fetch_add(&m->nchecked, 1) + 1 == (d->nblocks + 7) / 8) {
    /* this thread checks the rest; others go on checking as they read */
    for (uint64_t r = 0; r < d->nblocks; r++)
      if (!block_checked(d, r) && !check_block(d, r))
        return 1; /* the damage is recorded; reads stay checked */
    atomic_store_explicit(&m->lazy, 0, memory_order_release);
  }
  return 1;
}

/* readable() past its first test: checks each block of [off, off + len)
 * that is not marked yet. */
static int readable_blocks(const unspin_dict *d, uint64_t off, size_t len) {
  if (off < US_DICT_HEADER_SIZE || off + len > d->blocks_end)
    return 1; /* the header and block sums were checked at open */
  uint64_t b = (off - US_DICT_HEADER_SIZE) >> US_DICT_BLOCK_SHIFT;
  uint64_t last = (off + len - 1 - US_DICT_HEADER_SIZE) >> US_DICT_BLOCK_SHIFT;
  for (; b <= last; b++)
    if (!block_checked(d, b) && !check_block(d, b))
      return 0;
  return 1;
}

/* Whether the `len` (> 0) bytes at p may be read: in a dictionary checked
 * as it is read, each block they lie in is checked the first time.  The
 * common case, one block already checked, is a load and a test. */
static inline int readable(const unspin_dict *d, const void *p, size_t len) {
  if (!atomic_load_explicit(&((unspin_dict *)d)->lazy, memory_order_acquire))
    return 1;
  uint64_t off = (uint64_t)((const unsigned char *)p - d->map), rel = off - US_DICT_HEADER_SIZE;
  uint64_t b = rel >> US_DICT_BLOCK_SHIFT;
  if (off >= US_DICT_HEADER_SIZE && off + len <= d->blocks_end &&
      b == (rel + len - 1) >> US_DICT_BLOCK_SHIFT && block_checked(d, b))
    return 1;
  return len ? readable_blocks(d, off, len) : 1;
}

unspin_status unspin_dict_damage(const unspin_dict *d, unspin_error *err) {
  uint64_t at = d ? atomic_load(&((unspin_dict *)d)->damage) : 0;
  if (!at)
    return UNSPIN_OK;
  return corrupt(err, d->path, at - 1, "block checksum mismatch");
}

/* Reads every table: checksums, then the invariants lookups rely on. */
static unspin_status verify_tables(const unspin_dict *d, const char *path, unspin_error *err) {
  const us_dict_header *h = d->h;
  int list[US_DICT_MAX_SECTIONS], nsec = section_list(d, list);
  for (int k = 0; k < nsec; k++) {
    const us_dict_section *sec = &h->sections[list[k]];
    if (us_checksum(d->map + sec->offset, sec->size) != sec->checksum)
      return corrupt(err, path, sec->offset, "table checksum mismatch");
  }
  for (uint64_t i = 0; i < d->nthes; i++) {
    const us_thes_entry *t = &d->thes[i];
    if ((uint64_t)t->from_off + t->from_len > d->thes_strings_size ||
        (uint64_t)t->to_off + t->to_len > d->thes_strings_size || t->relation >= US_REL_COUNT ||
        t->forward > 1)
      return corrupt(err, path, h->sections[US_SEC_THES_ENTRIES].offset + i * sizeof *t,
                     "thesaurus entry out of range");
  }
  for (uint64_t i = 0; i < d->vocab_size; i++)
    if (d->offsets[i] > d->offsets[i + 1] || d->offsets[i + 1] > d->strings_size)
      return corrupt(err, path, h->sections[US_SEC_VOCAB_OFFSETS].offset + 4 * i,
                     "vocabulary offsets");
  for (int n = 0; n < d->order; n++) {
    const us_dict_entry *lv = d->level[n];
    uint64_t next = n + 1 < d->order ? d->types[n + 1] : 0;
    for (uint64_t i = 0; i <= d->types[n]; i++) {
      uint64_t at = h->sections[US_SEC_LEVEL1 + n].offset + i * sizeof *lv;
      if (i < d->types[n] && (lv[i].word >= d->vocab_size || (n == 0 && lv[i].word != i)))
        return corrupt(err, path, at, "word id out of range");
      if (lv[i].child > next || (i && lv[i].child < lv[i - 1].child))
        return corrupt(err, path, at, "child index out of order");
    }
  }
  return UNSPIN_OK;
}

unspin_status unspin_dict_open(unspin_dict **out, const char *path, unsigned flags,
                               unspin_error *err) {
  if (!out || !path)
    return us_fail(err, UNSPIN_ERR_INVALID_ARG, -1, "unspin_dict_open: NULL argument");
  *out = NULL;
  if (!host_is_little_endian())
    return us_fail(err, UNSPIN_ERR_FORMAT, -1, "%s: dictionaries are little-endian only", path);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return us_fail(err, UNSPIN_ERR_IO, -1, "%s: %s", path, strerror(errno));
  struct stat st;
  if (fstat(fd, &st)) {
    int e = errno;
    close(fd);
    return us_fail(err, UNSPIN_ERR_IO, -1, "%s: %s", path, strerror(e));
  }
  if (!S_ISREG(st.st_mode)) {
    close(fd);
    return us_fail(err, UNSPIN_ERR_IO, -1, "%s: not a regular file", path);
  }
  unspin_dict *d = calloc(1, sizeof *d);
  if (!d) {
    close(fd);
    return us_nomem(err);
  }
  d->size = (size_t)st.st_size;
  unspin_status rc = UNSPIN_OK;
  if (d->size < US_DICT_HEADER_SIZE) {
    rc = us_fail(err, UNSPIN_ERR_FORMAT, (int64_t)d->size,
                 "%s: truncated dictionary: %zu bytes, the header alone needs %u", path,
                 d->size, US_DICT_HEADER_SIZE);
    close(fd);
    free(d);
    return rc;
  }
  void *m = mmap(NULL, d->size, PROT_READ, MAP_PRIVATE, fd, 0);
  int e = errno;
  close(fd);
  if (m == MAP_FAILED) {
    free(d);
    return us_fail(err, UNSPIN_ERR_IO, -1, "%s: cannot map: %s", path, strerror(e));
  }
  d->map = m;
  d->h = m;
  if (!(d->path = strdup(path))) {
    unspin_dict_free(d);
    return us_nomem(err);
  }
  rc = check_layout(d, path, err);
  const us_dict_section *bs = &d->h->sections[US_SEC_BLOCK_SUMS];
  if (rc == UNSPIN_OK && !(flags & UNSPIN_DICT_NO_VERIFY) &&
      us_checksum(d->map + bs->offset, bs->size) != bs->checksum)
    rc = corrupt(err, path, bs->offset, "table checksum mismatch");
  if (rc == UNSPIN_OK && (flags & UNSPIN_DICT_VERIFY))
    rc = verify_tables(d, path, err);
  else if (rc == UNSPIN_OK && !(flags & UNSPIN_DICT_NO_VERIFY)) {
    if (!(d->checked = calloc(d->nblocks / 64 + 1, sizeof *d->checked)))
      rc = us_nomem(err);
    d->lazy = d->nblocks > 0;
  }
  if (rc != UNSPIN_OK) {
    unspin_dict_free(d);
    return rc;
  }
  *out = d;
  return UNSPIN_OK;
}

void unspin_dict_free(unspin_dict *d) {
  if (!d)
    return;
  if (d->map)
    munmap((void *)d->map, d->size);
  free(d->checked);
  free(d->path);
  free(d);
}

int unspin_dict_order(const unspin_dict *d) { return d ? d->order : 0; }

uint64_t unspin_dict_ngram_types(const unspin_dict *d, int n) {
  return d && n >= 1 && n <= d->order ? d->types[n - 1] : 0;
}

uint64_t unspin_dict_token_total(const unspin_dict *d) { return d ? d->h->token_total : 0; }

uint64_t unspin_dict_id(const unspin_dict *d) { return d ? d->h->header_checksum : 0; }

int unspin_dict_is_backoff(const unspin_dict *d) {
  return d && (d->h->flags & US_DICT_BACKOFF) ? 1 : 0;
}

/* The bytes of word `id`, clamped to the strings table so that a damaged
 * file opened without verification cannot make us read outside it. */
static const char *word_bytes(const unspin_dict *d, uint64_t id, size_t *len) {
  *len = 0;
  if (!readable(d, &d->offsets[id], 2 * sizeof *d->offsets))
    return d->strings;
  uint64_t a = d->offsets[id], b = d->offsets[id + 1];
  if (b > d->strings_size)
    b = d->strings_size;
  if (a > b)
    a = b;
  if (readable(d, d->strings + a, (size_t)(b - a)))
    *len = (size_t)(b - a);
  return d->strings + a;
}

int64_t us_dict_word_id(const unspin_dict *d, const char *key, size_t len) {
  uint64_t slot = us_word_hash(key, len) & d->hash_mask;
  for (uint64_t probes = 0; probes <= d->hash_mask; probes++) {
    uint32_t v = readable(d, &d->hash[slot], sizeof *d->hash) ? d->hash[slot] : 0;
    if (!v || v > d->vocab_size)
      return -1;
    size_t wl;
    const char *w = word_bytes(d, v - 1, &wl);
    if (wl == len && !memcmp(w, key, len))
      return (int64_t)v - 1;
    slot = (slot + 1) & d->hash_mask;
  }
  return -1;
}

/* The children range of entry i at level n (0-based), clamped to level n+1. */
static void children(const unspin_dict *d, int n, uint64_t i, uint64_t *lo, uint64_t *hi) {
  *lo = *hi = 0;
  if (n + 1 >= d->order || !readable(d, &d->level[n][i], 2 * sizeof(us_dict_entry)))
    return;
  uint64_t limit = d->types[n + 1];
  *lo = d->level[n][i].child;
  *hi = d->level[n][i + 1].child;
  if (*hi > limit)
    *hi = limit;
  if (*lo > *hi)
    *lo = *hi;
}

/* Finds `word` among the children of entry i at level n (binary search:
 * children are sorted by word id). */
static int search_children(const unspin_dict *d, int n, uint64_t i, uint32_t word, uint64_t *at) {
  uint64_t lo, hi;
  children(d, n, i, &lo, &hi);
  if (lo >= hi) /* no children, also at the top level */
    return -1;
  uint64_t end = hi;
  const us_dict_entry *lv = d->level[n + 1];
  while (lo < hi) {
    uint64_t mid = lo + (hi - lo) / 2;
    if (!readable(d, &lv[mid], sizeof *lv)) /* only the entries probed are read */
      return -1;
    if (lv[mid].word < word)
      lo = mid + 1;
    else
      hi = mid;
  }
  if (lo >= end || !readable(d, &lv[lo], sizeof *lv) || lv[lo].word != word)
    return -1;
  *at = lo;
  return 0;
}

/* Finds the trie entry of an n-gram: its index at level n-1 in *at. */
static int find_node(const unspin_dict *d, const uint32_t *ids, size_t n, uint64_t *at) {
  if (n == 0 || n > (size_t)d->order || ids[0] >= d->vocab_size)
    return -1;
  *at = ids[0];
  for (size_t k = 1; k < n; k++)
    if (search_children(d, (int)k - 1, *at, ids[k], at))
      return -1;
  return 0;
}

static void fill_stats(const unspin_dict *d, size_t n, uint64_t at, unspin_ngram_stats *stats) {
  const us_dict_entry *e = &d->level[n - 1][at];
  uint64_t lo, hi;
  children(d, (int)n - 1, at, &lo, &hi);
  stats->count = e->count;
  stats->left_types = e->left_types;
  stats->right_types = hi - lo;
  stats->left_sum = e->left_sum;
}

int us_dict_lookup_ids(const unspin_dict *d, const uint32_t *ids, size_t n,
                       unspin_ngram_stats *stats) {
  memset(stats, 0, sizeof *stats);
  uint64_t at;
  if (unspin_dict_is_backoff(d) || find_node(d, ids, n, &at))
    return -1;
  fill_stats(d, n, at, stats);
  return 0;
}

void us_dict_node_stats(const unspin_dict *d, size_t n, uint64_t at, unspin_ngram_stats *stats) {
  memset(stats, 0, sizeof *stats);
  if (n >= 1 && n <= (size_t)d->order && at < d->types[n - 1] &&
      readable(d, &d->level[n - 1][at], sizeof(us_dict_entry)))
    fill_stats(d, n, at, stats);
}

/* A float stored in an entry's 32-bit field (US_DICT_BACKOFF). */
static float entry_float(uint32_t bits) {
  float f;
  memcpy(&f, &bits, sizeof f);
  return f;
}

void us_dict_node_backoff(const unspin_dict *d, size_t n, uint64_t at, float *logprob,
                          float *backoff) {
  *logprob = *backoff = 0;
  if (n >= 1 && n <= (size_t)d->order && at < d->types[n - 1] &&
      readable(d, &d->level[n - 1][at], sizeof(us_dict_entry))) {
    *logprob = entry_float(d->level[n - 1][at].count);
    *backoff = entry_float(d->level[n - 1][at].left_types);
  }
}

void us_dict_children(const unspin_dict *d, int n, uint64_t i, uint64_t *lo, uint64_t *hi) {
  *lo = *hi = 0;
  if (n >= 0 && n < d->order && i < d->types[n])
    children(d, n, i, lo, hi);
}

int us_dict_child(const unspin_dict *d, int n, uint64_t i, uint32_t word, uint64_t *at) {
  if (n < 0 || n >= d->order || i >= d->types[n])
    return -1;
  return search_children(d, n, i, word, at);
}

int us_dict_extensions(const unspin_dict *d, const uint32_t *ids, size_t n, uint64_t *lo,
                       uint64_t *hi) {
  uint64_t at;
  *lo = *hi = 0;
  if (find_node(d, ids, n, &at))
    return -1;
  children(d, (int)n - 1, at, lo, hi);
  return 0;
}

void us_dict_extension(const unspin_dict *d, size_t n, uint64_t i, uint32_t *word,
                       uint64_t *count) {
  *word = 0;
  *count = 0;
  if (n >= (size_t)d->order || i >= d->types[n] || !readable(d, &d->level[n][i], sizeof(us_dict_entry)))
    return;
  const us_dict_entry *e = &d->level[n][i];
  *word = e->word < d->vocab_size ? e->word : 0;
  *count = e->count;
}

const char *us_dict_word(const unspin_dict *d, uint32_t id, size_t *len) {
  return word_bytes(d, id < d->vocab_size ? id : 0, len);
}

unspin_status unspin_dict_lookup_keys(const unspin_dict *d, const char *const *keys, size_t n,
                                      unspin_ngram_stats *stats) {
  if (!d || !stats || (n && !keys))
    return UNSPIN_ERR_INVALID_ARG;
  memset(stats, 0, sizeof *stats);
  if (unspin_dict_is_backoff(d))
    return UNSPIN_ERR_INVALID_ARG; /* it holds probabilities, not counts */
  if (n == 0 || n > (size_t)d->order)
    return UNSPIN_ERR_LIMIT;
  uint32_t ids[US_DICT_MAX_ORDER];
  for (size_t i = 0; i < n; i++) {
    if (!keys[i])
      return UNSPIN_ERR_INVALID_ARG;
    int64_t id = us_dict_word_id(d, keys[i], strlen(keys[i]));
    if (id < 0)
      return unspin_dict_damage(d, NULL);
    ids[i] = (uint32_t)id;
  }
  us_dict_lookup_ids(d, ids, n, stats);
  if (unspin_dict_damage(d, NULL) != UNSPIN_OK) {
    memset(stats, 0, sizeof *stats);
    return UNSPIN_ERR_FORMAT;
  }
  return UNSPIN_OK;
}

unspin_status unspin_dict_lookup(const unspin_dict *d, const char *phrase, size_t len,
                                 unspin_ngram_stats *stats) {
  if (!d || !stats || (len && !phrase))
    return UNSPIN_ERR_INVALID_ARG;
  memset(stats, 0, sizeof *stats);
  if (unspin_dict_is_backoff(d))
    return UNSPIN_ERR_INVALID_ARG;
  us_tokens toks = {0};
  unspin_status rc = us_tokenize(phrase, len, &toks, NULL);
  if (rc != UNSPIN_OK)
    return rc;
  us_buf keys = US_BUF_INIT;
  size_t starts[US_DICT_MAX_ORDER + 1], n = 0;
  for (size_t i = 0; i < toks.n && rc == UNSPIN_OK; i++) {
    const us_token *t = &toks.v[i];
    if (!us_token_counts(t))
      continue;
    if (n == (size_t)d->order) {
      rc = UNSPIN_ERR_LIMIT;
      break;
    }
    starts[n++] = keys.len;
    if (us_normalize_key(phrase + t->start, t->end - t->start, &keys) || us_buf_putc(&keys, 0))
      rc = UNSPIN_ERR_NOMEM;
  }
  if (rc == UNSPIN_OK && n == 0)
    rc = UNSPIN_ERR_LIMIT;
  if (rc == UNSPIN_OK) {
    const char *ptrs[US_DICT_MAX_ORDER];
    for (size_t i = 0; i < n; i++)
      ptrs[i] = keys.data + starts[i];
    rc = unspin_dict_lookup_keys(d, ptrs, n, stats);
  }
  us_buf_free(&keys);
  us_tokens_free(&toks);
  return rc;
}

typedef struct visit_state {
  const unspin_dict *d;
  int max_order;
  us_dict_visit_fn fn;
  void *ctx;
  us_buf key;
  /* Children ranges of one level never overlap in a sound file; enforcing
   * it bounds a walk over a damaged, unverified file by the table sizes. */
  uint64_t cursor[US_DICT_MAX_ORDER];
} visit_state;

static unspin_status visit_node(visit_state *v, int n, uint64_t i) {
  const us_dict_entry *e = &v->d->level[n][i];
  if (!readable(v->d, e, sizeof *e))
    return UNSPIN_OK; /* the damage is reported with the walk's result */
  size_t keep = v->key.len;
  size_t wl;
  const char *w = word_bytes(v->d, e->word < v->d->vocab_size ? e->word : 0, &wl);
  if ((n && us_buf_putc(&v->key, US_KEY_SEP)) || us_buf_append(&v->key, w, wl))
    return UNSPIN_ERR_NOMEM;
  unspin_status rc = v->fn(v->ctx, v->key.data, v->key.len, e->count);
  if (rc == UNSPIN_OK && n + 1 < v->max_order) {
    uint64_t lo, hi;
    children(v->d, n, i, &lo, &hi);
    if (lo < v->cursor[n + 1])
      lo = v->cursor[n + 1];
    if (hi > v->cursor[n + 1])
      v->cursor[n + 1] = hi;
    for (uint64_t c = lo; c < hi && rc == UNSPIN_OK; c++)
      rc = visit_node(v, n + 1, c);
  }
  v->key.len = keep;
  return rc;
}

unspin_status us_dict_visit(const unspin_dict *d, int max_order, us_dict_visit_fn fn, void *ctx) {
  visit_state v = {d, max_order < d->order ? max_order : d->order, fn, ctx, US_BUF_INIT, {0}};
  unspin_status rc = UNSPIN_OK;
  for (uint64_t i = 0; i < d->types[0] && rc == UNSPIN_OK; i++)
    rc = visit_node(&v, 0, i);
  us_buf_free(&v.key);
  return rc;
}

/* A thesaurus phrase, clamped to the strings section (see word_bytes). */
static const char *thes_bytes(const unspin_dict *d, uint32_t off, uint16_t len, size_t *out) {
  uint64_t a = off < d->thes_strings_size ? off : d->thes_strings_size;
  uint64_t b = a + len < d->thes_strings_size ? a + len : d->thes_strings_size;
  *out = readable(d, d->thes_strings + a, (size_t)(b - a)) ? (size_t)(b - a) : 0;
  return d->thes_strings + a;
}

/* The spun side of thesaurus entry i (< nthes), or NULL where the entry
 * cannot be read (a damaged block). */
static const char *thes_from(const unspin_dict *d, uint64_t i, size_t *len) {
  if (!readable(d, &d->thes[i], sizeof *d->thes))
    return NULL;
  return thes_bytes(d, d->thes[i].from_off, d->thes[i].from_len, len);
}

/* The first thesaurus entry in [lo, hi) whose `from` is above `spun`
 * (above_or_equal: not below it). */
static uint64_t thes_bound(const unspin_dict *d, uint64_t lo, uint64_t hi, const char *spun,
                           size_t len, int above_or_equal) {
  while (lo < hi) {
    uint64_t mid = lo + (hi - lo) / 2;
    size_t fl;
    const char *f = thes_from(d, mid, &fl);
    if (!f)
      return hi; /* nothing found */
    int c = us_key_cmp(f, fl, spun, len);
    if (c < 0 || (c == 0 && !above_or_equal))
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

size_t us_dict_originals(const unspin_dict *d, const char *spun, size_t len, size_t *first) {
  uint64_t lo = thes_bound(d, 0, d->nthes, spun, len, 1);
  *first = (size_t)lo;
  /* most spans looked up (two and three words) have no entry */
  size_t fl;
  const char *f = lo < d->nthes ? thes_from(d, lo, &fl) : NULL;
  if (!f || us_key_cmp(f, fl, spun, len))
    return 0;
  /* a flat list gives a common word hundreds of entries: search for the end */
  return (size_t)(thes_bound(d, lo, d->nthes, spun, len, 0) - lo);
}

int us_dict_phrases_begin(const unspin_dict *d, const char *word, size_t len) {
  char prefix[256];
  if (len + 1 > sizeof prefix)
    return 1;
  memcpy(prefix, word, len);
  prefix[len++] = ' ';
  /* the phrases beginning with the prefix are the entries from its lower bound on */
  uint64_t lo = thes_bound(d, 0, d->nthes, prefix, len, 1);
  if (lo >= d->nthes)
    return 0;
  size_t fl;
  const char *f = thes_from(d, lo, &fl);
  return !f || (fl >= len && !memcmp(f, prefix, len)); /* damaged: not ruled out */
}

void us_dict_original(const unspin_dict *d, size_t i, us_original *out) {
  const us_thes_entry *t = &d->thes[i < d->nthes ? i : 0];
  readable(d, t, sizeof *t); /* a damaged entry is reported with the analysis */
  out->text = thes_bytes(d, t->to_off, t->to_len, &out->len);
  out->relation = t->relation < US_REL_COUNT ? (us_relation)t->relation : US_REL_RELATED;
  out->forward = t->forward != 0;
  out->fanout = t->fanout ? t->fanout : 1;
}

size_t us_dict_thesaurus_size(const unspin_dict *d) { return (size_t)d->nthes; }

void us_dict_thesaurus_pair(const unspin_dict *d, size_t i, const char **from, size_t *flen,
                            us_original *to) {
  const us_thes_entry *t = &d->thes[i < d->nthes ? i : 0];
  *from = thes_bytes(d, t->from_off, t->from_len, flen);
  us_dict_original(d, i, to);
}

uint64_t us_dict_vocab_size(const unspin_dict *d) { return d->vocab_size; }

double us_dict_discount(const unspin_dict *d, int n, int continuation) {
  const uint64_t *c = NULL;
  if (n >= 1 && n <= d->order)
    c = continuation ? (n < d->order ? d->h->cont_of_counts[n - 1] : NULL)
                     : d->h->count_of_counts[n - 1];
  /* Ney's estimate D = n1 / (n1 + 2 n2), kept inside (0, 1) */
  if (!c || !c[0] || !c[1])
    return 0.5;
  double v = (double)c[0] / ((double)c[0] + 2.0 * (double)c[1]);
  return v < 0.05 ? 0.05 : v > 0.95 ? 0.95 : v;
}

int us_dict_has_case(const unspin_dict *d) { return d->case_table != NULL; }

void us_dict_case(const unspin_dict *d, uint32_t id, uint32_t *capital, uint32_t *lower) {
  *capital = *lower = 0;
  if (d->case_table && id < d->vocab_size &&
      readable(d, &d->case_table[2 * (uint64_t)id], 2 * sizeof *d->case_table)) {
    *capital = d->case_table[2 * (uint64_t)id];
    *lower = d->case_table[2 * (uint64_t)id + 1];
  }
}

void us_dict_case_totals(const unspin_dict *d, uint64_t *capital, uint64_t *lower) {
  *capital = d->case_table ? d->h->case_capital : 0;
  *lower = d->case_table ? d->h->case_lower : 0;
}
