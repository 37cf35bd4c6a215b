/* check_dict.c - building, merging, opening and looking up phrase
 * dictionaries (lib/dict_build.c, lib/dict.c, lib/ngram_count.c). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buffer.h"
#include "dict.h"
#include "dict_format.h"
#include "ngram_count.h"
#include "ngram_text.h"
#include "test_util.h"
#include "unspin.h"

static char *dir;

static void setup(void) { dir = tu_mkdtemp(); }
static void teardown(void) { tu_rmdir(dir); }

/* Builds a dictionary from the given documents into dir/name. */
static char *build(const char *name, int order, size_t memory, const char *const *docs,
                   size_t ndocs, size_t *spills) {
  unspin_build_options o;
  unspin_build_options_init(&o);
  o.order = order;
  o.memory_limit = memory;
  o.temp_dir = dir;
  unspin_builder *b;
  unspin_error err;
  ck_assert_int_eq(unspin_builder_new(&b, &o, &err), UNSPIN_OK);
  for (size_t i = 0; i < ndocs; i++)
    ck_assert_msg(unspin_builder_add_text(b, docs[i], strlen(docs[i]), &err) == UNSPIN_OK, "%s",
                  err.message);
  char *path = tu_path(dir, name);
  ck_assert_msg(unspin_builder_write(b, path, &err) == UNSPIN_OK, "%s", err.message);
  if (spills)
    *spills = unspin_builder_spill_count(b);
  unspin_builder_free(b);
  return path;
}

/* The builder's n-gram count (its progress report): every order's
 * occurrences, so the same text again doubles it. */
START_TEST(builder_counts_ngram_occurrences) {
  unspin_build_options o;
  unspin_build_options_init(&o);
  o.order = 3;
  o.temp_dir = dir;
  unspin_builder *b;
  unspin_error err;
  ck_assert_int_eq(unspin_builder_new(&b, &o, &err), UNSPIN_OK);
  ck_assert_uint_eq(unspin_builder_ngram_count(b), 0);
  const char *text = "The spy agency joined the group.\n";
  ck_assert_int_eq(unspin_builder_add_text(b, text, strlen(text), &err), UNSPIN_OK);
  uint64_t once = unspin_builder_ngram_count(b);
  /* at least the six words and five bigrams of the sentence */
  ck_assert_uint_ge(once, 11);
  ck_assert_int_eq(unspin_builder_add_text(b, text, strlen(text), &err), UNSPIN_OK);
  ck_assert_uint_eq(unspin_builder_ngram_count(b), 2 * once);
  ck_assert_uint_eq(unspin_builder_ngram_count(NULL), 0);
  unspin_builder_free(b);
}
END_TEST

static unspin_dict *open_ok(const char *path) {
  unspin_dict *d;
  unspin_error err;
  ck_assert_msg(unspin_dict_open(&d, path, UNSPIN_DICT_DEFAULT, &err) == UNSPIN_OK, "%s",
                err.message);
  return d;
}

static unspin_ngram_stats look(const unspin_dict *d, const char *phrase) {
  unspin_ngram_stats s;
  ck_assert_int_eq(unspin_dict_lookup(d, phrase, strlen(phrase), &s), UNSPIN_OK);
  return s;
}

static void expect(const unspin_dict *d, const char *phrase, uint64_t count, uint64_t left,
                   uint64_t right) {
  unspin_ngram_stats s = look(d, phrase);
  ck_assert_msg(s.count == count && s.left_types == left && s.right_types == right,
                "'%s': count %llu left %llu right %llu, expected %llu %llu %llu", phrase,
                (unsigned long long)s.count, (unsigned long long)s.left_types,
                (unsigned long long)s.right_types, (unsigned long long)count,
                (unsigned long long)left, (unsigned long long)right);
}

static int same_file(const char *a, const char *b) {
  size_t la, lb;
  char *x = tu_read(a, &la), *y = tu_read(b, &lb);
  int same = x && y && la == lb && !memcmp(x, y, la);
  free(x);
  free(y);
  return same;
}

START_TEST(hand_checked_counts) {
  const char *docs[] = {"The cat sat. The cat ran!"};
  char *p = build("cat.undict", 5, 1 << 20, docs, 1, NULL);
  unspin_dict *d = open_ok(p);
  ck_assert_int_eq(unspin_dict_order(d), 5);
  /* sentences: <s> the cat sat </s> and <s> the cat ran </s> */
  ck_assert_uint_eq(unspin_dict_ngram_types(d, 1), 6);
  ck_assert_uint_eq(unspin_dict_ngram_types(d, 2), 6);
  ck_assert_uint_eq(unspin_dict_ngram_types(d, 3), 5);
  ck_assert_uint_eq(unspin_dict_ngram_types(d, 5), 2);
  ck_assert_uint_eq(unspin_dict_ngram_types(d, 6), 0);
  ck_assert_uint_eq(unspin_dict_token_total(d), 8);
  expect(d, "the", 2, 1, 1);
  expect(d, "THE CAT", 2, 1, 2);
  expect(d, "cat", 2, 1, 2);
  expect(d, "cat sat", 1, 1, 1);
  expect(d, "the cat ran", 1, 1, 1);
  /* N1+(. cat .): "the cat sat" and "the cat ran" */
  ck_assert_uint_eq(look(d, "cat").left_sum, 2);
  ck_assert_uint_eq(look(d, "the").left_sum, 1);
  ck_assert_uint_eq(look(d, "the cat").left_sum, 2);
  expect(d, "dog", 0, 0, 0);
  expect(d, "cat the", 0, 0, 0);
  const char *bos_the_cat_sat_eos[] = {UNSPIN_BOS, "the", "cat", "sat", UNSPIN_EOS};
  unspin_ngram_stats s;
  ck_assert_int_eq(unspin_dict_lookup_keys(d, bos_the_cat_sat_eos, 5, &s), UNSPIN_OK);
  ck_assert_uint_eq(s.count, 1);
  ck_assert_uint_eq(s.left_types, 0); /* full order: no continuation count */
  ck_assert_int_eq(unspin_dict_lookup_keys(d, bos_the_cat_sat_eos, 1, &s), UNSPIN_OK);
  ck_assert_uint_eq(s.count, 2);
  ck_assert_uint_eq(s.right_types, 1);
  ck_assert_int_eq(unspin_dict_lookup(d, "a b c d e f", 11, &s), UNSPIN_ERR_LIMIT);
  ck_assert_int_eq(unspin_dict_lookup(d, "...", 3, &s), UNSPIN_ERR_LIMIT);
  unspin_dict_free(d);
  free(p);
}
END_TEST

START_TEST(keys_are_normalised_and_punctuation_ignored) {
  const char *docs[] = {"Korea’s agency, “KOREA'S AGENCY” and korea's agency."};
  char *p = build("k.undict", 3, 1 << 20, docs, 1, NULL);
  unspin_dict *d = open_ok(p);
  /* one sentence: <s> korea's agency korea's agency and korea's agency </s> */
  expect(d, "Korea's agency", 3, 3, 3);
  expect(d, "agency korea's", 1, 1, 1);
  unspin_dict_free(d);
  free(p);
}
END_TEST

START_TEST(lower_order_limits_ngrams) {
  const char *docs[] = {"one two three four"};
  char *p = build("o2.undict", 2, 1 << 20, docs, 1, NULL);
  unspin_dict *d = open_ok(p);
  ck_assert_int_eq(unspin_dict_order(d), 2);
  expect(d, "two three", 1, 0, 0);
  unspin_ngram_stats s;
  ck_assert_int_eq(unspin_dict_lookup(d, "one two three", 13, &s), UNSPIN_ERR_LIMIT);
  unspin_dict_free(d);
  free(p);
}
END_TEST

/* A deterministic pseudo-random corpus large enough to spill at 64 KiB. */
static char *synthetic_corpus(size_t words) {
  static const char *const vocab[] = {"alpha", "beta", "gamma", "delta", "epsilon", "zeta",
                                      "eta",   "theta", "iota", "kappa", "lambda", "mu",
                                      "nu",    "xi",    "omicron", "pi", "rho", "sigma"};
  size_t nv = sizeof vocab / sizeof *vocab, cap = words * 9 + 1, n = 0;
  char *s = malloc(cap);
  ck_assert_ptr_nonnull(s);
  uint32_t x = 12345;
  for (size_t i = 0; i < words; i++) {
    x = x * 1103515245u + 12345u;
    const char *w = vocab[(x >> 16) % nv];
    n += (size_t)snprintf(s + n, cap - n, "%s%s", w, (x >> 8) % 11 == 0 ? ".\n" : " ");
  }
  return s;
}

/* The counter streams its keys in us_key_cmp's order with their counts,
 * in memory and from spilled (front-coded) runs, and again after a rewind:
 * keys that are prefixes of others, share long prefixes (beyond the 8
 * bytes entries keep), or hold NUL and high bytes, more than fit one radix
 * bucket.  The reference is the keys sorted and counted by qsort. */
typedef struct test_key {
  char k[24];
  size_t len;
} test_key;

static int test_key_cmp(const void *a, const void *b) {
  const test_key *x = a, *y = b;
  return us_key_cmp(x->k, x->len, y->k, y->len);
}

START_TEST(counter_streams_keys_in_key_order) {
  enum { N = 20000 };
  test_key *keys = malloc(N * sizeof *keys);
  ck_assert_ptr_nonnull(keys);
  for (int spill = 0; spill < 2; spill++) {
    us_counter *c;
    unspin_error err;
    ck_assert_int_eq(us_counter_new(&c, spill ? 16 << 10 : 64 << 20, dir, &err), UNSPIN_OK);
    uint32_t x = 7;
    for (int i = 0; i < N; i++) {
      x = x * 1103515245u + 12345u;
      size_t len = (x >> 8) % 14;
      for (size_t k = 0; k < len; k++) {
        x = x * 1103515245u + 12345u;
        static const char bytes[] = {'a', 'b', 'a', 'a', '\0', (char)0xff, (char)0x80, ' '};
        keys[i].k[k] = bytes[(x >> 16) % sizeof bytes];
      }
      keys[i].len = len;
      ck_assert_int_eq(us_counter_add(c, keys[i].k, len, 1, &err), UNSPIN_OK);
    }
    ck_assert_int_eq(us_counter_finish(c, &err), UNSPIN_OK);
    if (spill)
      ck_assert_uint_gt(us_counter_spills(c), 0);
    qsort(keys, N, sizeof *keys, test_key_cmp);
    for (int pass = 0; pass < 2; pass++) {
      if (pass)
        ck_assert_int_eq(us_counter_rewind(c, &err), UNSPIN_OK);
      size_t at = 0, n = 0;
      const char *key;
      size_t len;
      uint64_t count;
      while (us_counter_next(c, &key, &len, &count, &err) == 1) {
        ck_assert_uint_lt(at, N);
        size_t same = at;
        while (same < N && !test_key_cmp(&keys[same], &keys[at]))
          same++;
        ck_assert_msg(!us_key_cmp(keys[at].k, keys[at].len, key, len), "key %zu differs", n);
        ck_assert_uint_eq(count, same - at);
        at = same;
        n++;
      }
      ck_assert_uint_eq(at, N);
      ck_assert_uint_gt(n, 1000);
    }
    us_counter_free(c);
  }
  free(keys);
}
END_TEST

/* The text counter's stream (sorted chunks, written as runs) against
 * adding every n-gram of the same sentences to a counter one by one.
 * Words come from a list of each other's prefixes, empty, high bytes and
 * the separator (the fallback), or with `numbers`, from that many numbers
 * (ranks past 16 bits take two radix passes). */
static void check_text_counter(int order, size_t limit, size_t sentences, uint32_t numbers,
                               int chunks) {
  static const char *const list[] = {"a", "ab", "abc", "b", "", "\xff", "a b", "\xc3\xa9",
                                     "z", "b\x01" "c"};
  enum { NLIST = sizeof list / sizeof *list };
  unspin_error err;
  us_counter *ref, *sink;
  us_text_counter *t;
  ck_assert_int_eq(us_counter_new(&ref, 256 << 20, dir, &err), UNSPIN_OK);
  ck_assert_int_eq(us_counter_new(&sink, 64 << 20, dir, &err), UNSPIN_OK);
  ck_assert_int_eq(us_text_counter_new(&t, order, limit, sink, &err), UNSPIN_OK);
  uint32_t x = 11u + (uint32_t)order;
  us_buf keys = US_BUF_INIT, key = US_BUF_INIT;
  size_t starts[16];
  uint64_t added = 0;
  size_t bad = 0; /* failed calls: Check's assertions are too slow for these loops */
  for (size_t s = 0; s < sentences; s++) {
    x = x * 1103515245u + 12345u;
    size_t n = 1 + (x >> 16) % 15;
    us_buf_clear(&keys);
    for (size_t i = 0; i < n; i++) {
      x = x * 1103515245u + 12345u;
      char num[16];
      const char *w = num;
      if (numbers)
        snprintf(num, sizeof num, "%u", (x >> 4) % numbers);
      else /* the separator only now and then, so most sentences take the sort */
        w = list[(x >> 16) % (s % 50 ? NLIST - 1 : NLIST)];
      starts[i] = keys.len;
      bad += us_buf_append(&keys, w, strlen(w)) != 0 || us_buf_putc(&keys, '\0') != 0;
    }
    for (size_t i = 0; i < n; i++) {
      us_buf_clear(&key);
      for (size_t m = 0; m < (size_t)order && i + m < n; m++) {
        const char *k = keys.data + starts[i + m];
        bad += (m && us_buf_putc(&key, US_KEY_SEP)) || us_buf_append(&key, k, strlen(k)) ||
               us_counter_add(ref, key.data, key.len, 1, &err) != UNSPIN_OK;
        added++;
      }
    }
    bad += us_text_counter_add(t, keys.data, starts, n, &err) != UNSPIN_OK;
  }
  ck_assert_uint_eq(bad, 0);
  ck_assert_uint_eq(us_text_counter_held(t) + us_counter_added(sink), added);
  ck_assert_int_eq(us_text_counter_flush(t, &err), UNSPIN_OK);
  ck_assert_uint_eq(us_text_counter_held(t), 0);
  ck_assert_int_eq(us_counter_finish(ref, &err), UNSPIN_OK);
  ck_assert_int_eq(us_counter_finish(sink, &err), UNSPIN_OK);
  ck_assert_uint_eq(us_counter_added(sink), added);
  if (chunks > 1)
    ck_assert_uint_ge(us_counter_spills(sink), (size_t)chunks);
  else
    ck_assert_uint_eq(us_counter_spills(sink), 1);
  const char *k1, *k2;
  size_t l1, l2, records = 0;
  uint64_t c1, c2;
  int r1;
  while ((r1 = us_counter_next(ref, &k1, &l1, &c1, &err)) == 1) {
    if (us_counter_next(sink, &k2, &l2, &c2, &err) != 1 || us_key_cmp(k1, l1, k2, l2) ||
        c1 != c2)
      ck_abort_msg("record %zu differs or is missing", records);
    records++;
  }
  ck_assert_int_eq(r1, 0);
  ck_assert_int_eq(us_counter_next(sink, &k2, &l2, &c2, &err), 0);
  ck_assert_uint_gt(records, order == 1 ? 9 : 500);
  us_buf_free(&keys);
  us_buf_free(&key);
  us_text_counter_free(t);
  us_counter_free(ref);
  us_counter_free(sink);
}

START_TEST(text_counter_counts_as_adding_each_ngram) {
  const int orders[] = {1, 3, 5};
  for (int o = 0; o < 3; o++) {
    check_text_counter(orders[o], 64 << 20, 3000, 0, 1);
    check_text_counter(orders[o], 300 << 10, 3000, 0, 3);
  }
  /* over 65,536 words in one chunk */
  check_text_counter(3, 256 << 20, 60000, 1000000, 1);
}
END_TEST

START_TEST(spilled_build_is_identical) {
  char *text = synthetic_corpus(60000);
  const char *docs[] = {text};
  size_t spills_small, spills_big;
  char *small = build("small.undict", 5, 64 << 10, docs, 1, &spills_small);
  char *big = build("big.undict", 5, 256 << 20, docs, 1, &spills_big);
  ck_assert_uint_gt(spills_small, US_MERGE_FANIN); /* forces a multi-pass merge too */
  ck_assert_uint_eq(spills_big, 1); /* the text's n-grams, one chunk written as one run */
  ck_assert_msg(same_file(small, big), "spilled and in-memory builds differ");
  unspin_dict *d = open_ok(small);
  ck_assert_uint_gt(look(d, "alpha beta").count, 0);
  unspin_dict_free(d);
  free(small);
  free(big);
  free(text);
}
END_TEST

START_TEST(feeding_in_pieces_equals_one_document) {
  char *text = synthetic_corpus(5000);
  const char *docs[] = {text};
  char *whole = build("whole.undict", 4, 1 << 20, docs, 1, NULL);
  unspin_builder *b;
  unspin_build_options o;
  unspin_build_options_init(&o);
  o.order = 4;
  ck_assert_int_eq(unspin_builder_new(&b, &o, NULL), UNSPIN_OK);
  size_t len = strlen(text);
  for (size_t at = 0; at < len; at += 7)
    ck_assert_int_eq(unspin_builder_feed(b, text + at, len - at < 7 ? len - at : 7, NULL),
                     UNSPIN_OK);
  char *fed = tu_path(dir, "fed.undict");
  ck_assert_int_eq(unspin_builder_write(b, fed, NULL), UNSPIN_OK); /* ends the document */
  unspin_builder_free(b);
  ck_assert(same_file(whole, fed));
  free(whole);
  free(fed);
  free(text);
}
END_TEST

START_TEST(merging_equals_building_together) {
  const char *a[] = {"The spy agency joined the group. It was the first."};
  const char *b[] = {"The group welcomed the spy agency. The first in Asia."};
  const char *both[] = {a[0], b[0]};
  char *pa = build("a.undict", 5, 1 << 20, a, 1, NULL);
  char *pb = build("b.undict", 5, 1 << 20, b, 1, NULL);
  char *pboth = build("both.undict", 5, 1 << 20, both, 2, NULL);
  unspin_dict *da = open_ok(pa), *db = open_ok(pb);
  unspin_builder *m;
  ck_assert_int_eq(unspin_builder_new(&m, NULL, NULL), UNSPIN_OK);
  ck_assert_int_eq(unspin_builder_add_dict(m, da, NULL), UNSPIN_OK);
  ck_assert_int_eq(unspin_builder_add_dict(m, db, NULL), UNSPIN_OK);
  char *pm = tu_path(dir, "merged.undict");
  ck_assert_int_eq(unspin_builder_write(m, pm, NULL), UNSPIN_OK);
  unspin_builder_free(m);
  ck_assert_msg(same_file(pm, pboth), "merge differs from a joint build");
  unspin_dict *dm = open_ok(pm);
  expect(dm, "the spy agency", 2, 2, 2); /* after <s> and "welcomed" */
  unspin_dict_free(dm);
  unspin_dict_free(da);
  unspin_dict_free(db);
  free(pa);
  free(pb);
  free(pboth);
  free(pm);
}
END_TEST

static void expect_case(const unspin_dict *d, const char *word, uint32_t capital,
                        uint32_t lower) {
  int64_t id = us_dict_word_id(d, word, strlen(word));
  ck_assert_msg(id >= 0, "'%s' is in the vocabulary", word);
  uint32_t c, l;
  us_dict_case(d, (uint32_t)id, &c, &l);
  ck_assert_msg(c == capital && l == lower, "'%s': case %u/%u, expected %u/%u", word, c, l,
                capital, lower);
}

/* Case counts come from words inside sentences that are not headlines. */
START_TEST(case_counts_are_counted_and_merged) {
  const char *a[] = {"We met in May. They may come.\nThen in May they left.\n"};
  const char *b[] = {"Spy Agency Joins The May Group\nSo may we.\n"};
  const char *both[] = {a[0], b[0]};
  char *pa = build("a.undict", 3, 1 << 20, a, 1, NULL);
  char *pboth = build("both.undict", 3, 1 << 20, both, 2, NULL);
  unspin_dict *da = open_ok(pa);
  ck_assert(us_dict_has_case(da));
  expect_case(da, "may", 2, 1);
  expect_case(da, "we", 0, 0); /* first word only */
  expect_case(da, "they", 0, 1);
  uint64_t c, l;
  us_dict_case_totals(da, &c, &l);
  ck_assert_uint_eq(c, 2);
  ck_assert_uint_eq(l, 7); /* met in; may come; in they left */
  /* the headline says nothing; "So may we" adds a lower-case "may" */
  unspin_dict *dboth = open_ok(pboth);
  expect_case(dboth, "may", 2, 2);
  expect_case(dboth, "agency", 0, 0);
  unspin_builder *m;
  unspin_build_options o;
  unspin_build_options_init(&o);
  o.order = 3;
  ck_assert_int_eq(unspin_builder_new(&m, &o, NULL), UNSPIN_OK);
  ck_assert_int_eq(unspin_builder_add_dict(m, da, NULL), UNSPIN_OK);
  ck_assert_int_eq(unspin_builder_add_dict(m, da, NULL), UNSPIN_OK);
  char *pm = tu_path(dir, "twice.undict");
  ck_assert_int_eq(unspin_builder_write(m, pm, NULL), UNSPIN_OK);
  unspin_builder_free(m);
  unspin_dict *dm = open_ok(pm);
  expect_case(dm, "may", 4, 2); /* merging adds case counts like n-gram counts */
  unspin_dict_free(dm);
  unspin_dict_free(dboth);
  unspin_dict_free(da);
  free(pa);
  free(pboth);
  free(pm);
}
END_TEST

START_TEST(empty_dictionary_is_valid) {
  const char *docs[] = {"  ... ,, "};
  char *p = build("empty.undict", 3, 1 << 20, docs, 1, NULL);
  unspin_dict *d = open_ok(p);
  ck_assert_uint_eq(unspin_dict_ngram_types(d, 1), 0);
  expect(d, "anything", 0, 0, 0);
  unspin_dict_free(d);
  free(p);
}
END_TEST

/* Writes `len` bytes of `data` with byte `flip` (if < len) xor-ed to dir/name. */
static char *damaged(const char *data, size_t len, size_t flip, const char *name) {
  char *copy = malloc(len ? len : 1);
  memcpy(copy, data, len);
  if (flip < len)
    copy[flip] ^= 0x5A;
  char *p = tu_path(dir, name);
  tu_write(p, copy, len);
  free(copy);
  return p;
}

START_TEST(truncated_and_damaged_files_are_rejected) {
  const char *docs[] = {"South Korea joined the cyber defence centre in May 2008."};
  char *p = build("good.undict", 5, 1 << 20, docs, 1, NULL);
  size_t len;
  char *data = tu_read(p, &len);
  ck_assert_ptr_nonnull(data);
  unspin_dict *d;
  unspin_error err;
  /* truncated at every header field boundary and inside the tables */
  size_t cuts[] = {0, 1, 8, 12, 16, 24, 32, 64, 448, 512, 1016, 1023, 1024, 1032, len / 2, len - 1};
  for (size_t i = 0; i < sizeof cuts / sizeof *cuts; i++) {
    char *t = damaged(data, cuts[i], SIZE_MAX, "cut.undict");
    ck_assert_int_eq(unspin_dict_open(&d, t, UNSPIN_DICT_DEFAULT, &err), UNSPIN_ERR_FORMAT);
    ck_assert_ptr_null(d);
    ck_assert_msg(strstr(err.message, "cut.undict") && strstr(err.message, "truncated"),
                  "message for a cut at %zu: %s", cuts[i], err.message);
    ck_assert_int_ge(err.offset, 0);
    free(t);
  }
  /* a flipped byte anywhere is caught by a checksum or a header check when
   * the file is read whole (damage_is_found_when_read: as it is read) */
  for (size_t at = 0; at < len; at += (at < US_DICT_HEADER_SIZE ? 1 : 7)) {
    char *t = damaged(data, len, at, "flip.undict");
    unspin_status st = unspin_dict_open(&d, t, UNSPIN_DICT_VERIFY, &err);
    ck_assert_msg(st == UNSPIN_ERR_FORMAT || st == UNSPIN_ERR_VERSION,
                  "flip at %zu opened (status %d)", at, st);
    ck_assert_int_ge(err.offset, 0);
    free(t);
  }
  char *v = damaged(data, len, 8, "version.undict");
  ck_assert_int_eq(unspin_dict_open(&d, v, UNSPIN_DICT_DEFAULT, &err), UNSPIN_ERR_VERSION);
  ck_assert_int_eq(err.offset, 8);
  free(v);
  ck_assert_int_eq(unspin_dict_open(&d, dir, UNSPIN_DICT_DEFAULT, &err), UNSPIN_ERR_IO);
  char *missing = tu_path(dir, "missing.undict");
  ck_assert_int_eq(unspin_dict_open(&d, missing, UNSPIN_DICT_DEFAULT, &err), UNSPIN_ERR_IO);
  ck_assert_ptr_nonnull(strstr(err.message, "missing.undict"));
  free(missing);
  free(data);
  free(p);
}
END_TEST

/* Builds dir/name, an order-5 dictionary of a synthetic corpus of `words`
 * words; returns the file's bytes (*len of them) and its path in *path. */
static char *synthetic_dict(const char *name, size_t words, char **path, size_t *len) {
  char *text = synthetic_corpus(words);
  const char *docs[] = {text};
  *path = build(name, 5, 1 << 20, docs, 1, NULL);
  free(text);
  char *data = tu_read(*path, len);
  ck_assert_ptr_nonnull(data);
  return data;
}

/* What merging dictionary d into a new builder returns: a walk over the
 * whole trie. */
static unspin_status merge_status(const unspin_dict *d, unspin_error *err) {
  unspin_builder *b;
  ck_assert_int_eq(unspin_builder_new(&b, NULL, NULL), UNSPIN_OK);
  unspin_status st = unspin_builder_add_dict(b, d, err);
  unspin_builder_free(b);
  return st;
}

/* Opened by default, a dictionary checks each block of its tables the first
 * time something reads it: a damaged block fails the call that read it, and
 * every later one, naming the file and the block's offset. */
START_TEST(damage_is_found_when_read) {
  char *p;
  size_t len;
  char *data = synthetic_dict("big.undict", 20000, &p, &len);
  us_dict_header h;
  memcpy(&h, data, sizeof h);
  ck_assert_uint_gt(h.sections[US_SEC_BLOCK_SUMS].offset,
                    US_DICT_HEADER_SIZE + 2 * US_DICT_BLOCK_SIZE); /* several blocks */
  unspin_dict *d;
  unspin_error err;
  unspin_ngram_stats s;
  d = open_ok(p); /* sound: a whole walk and lookups succeed */
  ck_assert_int_eq(merge_status(d, &err), UNSPIN_OK);
  ck_assert_int_eq(unspin_dict_lookup(d, "alpha beta", 10, &s), UNSPIN_OK);
  ck_assert_uint_gt(s.count, 0);
  ck_assert_int_eq(unspin_dict_damage(d, &err), UNSPIN_OK);
  unspin_dict_free(d);
  const int secs[] = {US_SEC_VOCAB_STRINGS, US_SEC_VOCAB_OFFSETS, US_SEC_LEVEL1,
                      US_SEC_LEVEL1 + 2, US_SEC_LEVEL1 + 4};
  for (size_t k = 0; k < sizeof secs / sizeof *secs; k++) {
    size_t at = (size_t)(h.sections[secs[k]].offset + h.sections[secs[k]].size / 2);
    uint64_t block = US_DICT_HEADER_SIZE +
                     ((at - US_DICT_HEADER_SIZE) >> US_DICT_BLOCK_SHIFT << US_DICT_BLOCK_SHIFT);
    char *t = damaged(data, len, at, "hurt.undict");
    ck_assert_int_eq(unspin_dict_open(&d, t, UNSPIN_DICT_VERIFY, &err), UNSPIN_ERR_FORMAT);
    ck_assert_int_eq(unspin_dict_open(&d, t, UNSPIN_DICT_NO_VERIFY, &err), UNSPIN_OK);
    unspin_dict_free(d);
    ck_assert_int_eq(unspin_dict_open(&d, t, UNSPIN_DICT_DEFAULT, &err), UNSPIN_OK);
    ck_assert_int_eq(merge_status(d, &err), UNSPIN_ERR_FORMAT);
    ck_assert_int_eq(err.offset, (int64_t)block);
    ck_assert_msg(strstr(err.message, "hurt.undict") && strstr(err.message, "byte offset"),
                  "%s", err.message);
    ck_assert_int_eq(unspin_dict_lookup(d, "alpha", 5, &s), UNSPIN_ERR_FORMAT);
    ck_assert_uint_eq(s.count, 0);
    unspin_error why;
    ck_assert_int_eq(unspin_dict_damage(d, &why), UNSPIN_ERR_FORMAT);
    ck_assert_int_eq(why.offset, (int64_t)block);
    ck_assert_ptr_nonnull(strstr(why.message, "hurt.undict"));
    unspin_dict_free(d);
    if (secs[k] == US_SEC_LEVEL1) { /* the first block: any analysis reads it */
      ck_assert_int_eq(unspin_dict_open(&d, t, UNSPIN_DICT_DEFAULT, &err), UNSPIN_OK);
      unspin_options o;
      unspin_options_init(&o);
      unspin_engine *e;
      ck_assert_int_eq(unspin_engine_new(&e, &o, NULL), UNSPIN_OK);
      ck_assert_int_eq(unspin_engine_add_dict(e, d, UNSPIN_ROLE_GENERAL), UNSPIN_OK);
      unspin_result *r = NULL;
      ck_assert_int_eq(unspin_analyze(e, "alpha beta gamma.", 17, &r, &err), UNSPIN_ERR_FORMAT);
      ck_assert_ptr_null(r);
      ck_assert_int_eq(err.offset, (int64_t)block);
      ck_assert_ptr_nonnull(strstr(err.message, "hurt.undict"));
      unspin_engine_free(e);
      unspin_dict_free(d);
    }
    free(t);
  }
  free(data);
  free(p);
}
END_TEST

START_TEST(unverified_damaged_tables_never_crash) {
  char *p;
  size_t len;
  char *data = synthetic_dict("t.undict", 3000, &p, &len);
  uint32_t x = 7;
  for (int round = 0; round < 50; round++) {
    for (int k = 0; k < 16; k++) {
      x = x * 1103515245u + 12345u;
      size_t at = US_DICT_HEADER_SIZE + (x >> 4) % (len - US_DICT_HEADER_SIZE);
      data[at] = (char)(x >> 24);
    }
    char *t = damaged(data, len, SIZE_MAX, "noisy.undict");
    unspin_dict *d;
    ck_assert_int_eq(unspin_dict_open(&d, t, UNSPIN_DICT_NO_VERIFY, NULL), UNSPIN_OK);
    unspin_ngram_stats s;
    ck_assert_int_eq(unspin_dict_lookup(d, "alpha beta gamma", 16, &s), UNSPIN_OK);
    ck_assert_int_eq(unspin_dict_lookup(d, "sigma rho pi xi mu", 18, &s), UNSPIN_OK);
    /* walking the whole trie must stay in bounds too */
    ck_assert_int_eq(merge_status(d, NULL), UNSPIN_OK);
    unspin_dict_free(d);
    free(t);
  }
  free(data);
  free(p);
}
END_TEST

/* The four clean seed articles of the shared story. */
START_TEST(seed_dictionary_answers_known_ngrams) {
  const char *seeds = tu_seeds_dir();
  static const char *const names[] = {"000_5751e3cd0f5ab602.txt", "001_426f52bea6d9946a.txt",
                                      "003_3e663e2092d50844.txt", "004_580b60ea1564ecbb.txt"};
  char *texts[4];
  for (int i = 0; i < 4; i++) {
    char *path = tu_path(seeds, names[i]);
    size_t len;
    texts[i] = tu_read(path, &len);
    ck_assert_msg(texts[i] != NULL, "cannot read %s", path);
    free(path);
  }
  char *p = build("seeds.undict", 5, 256 << 20, (const char *const *)texts, 4, NULL);
  unspin_dict *d = open_ok(p);
  /* counts checked by hand against the articles */
  expect(d, "Cooperative Cyber Defence Centre", 3, 1, 1);
  ck_assert_uint_eq(look(d, "in May 2008").count, 1);
  ck_assert_uint_eq(look(d, "the CCDCOE in May 2008").count, 1);
  ck_assert_uint_eq(look(d, "established in May 2008").count, 0);
  ck_assert_uint_eq(look(d, "established in 2008").count, 2);
  ck_assert_uint_eq(look(d, "South Korea").count, 15); /* plus 6 "South Korea's" */
  ck_assert_uint_eq(look(d, "South Korea’s").count, 6);
  ck_assert_uint_eq(look(d, "the").count, 108);
  ck_assert_uint_eq(look(d, "Locked Shields").count, 5);
  ck_assert_uint_eq(look(d, "live-fire cyber defense exercise").count, 2);
  unspin_dict_free(d);
  for (int i = 0; i < 4; i++)
    free(texts[i]);
  free(p);
}
END_TEST

static Suite *suite(void) {
  Suite *s = suite_create("dict");
  TCase *tc = tcase_create("core");
  tcase_set_timeout(tc, 120);
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_test(tc, hand_checked_counts);
  tcase_add_test(tc, keys_are_normalised_and_punctuation_ignored);
  tcase_add_test(tc, lower_order_limits_ngrams);
  tcase_add_test(tc, spilled_build_is_identical);
  tcase_add_test(tc, feeding_in_pieces_equals_one_document);
  tcase_add_test(tc, merging_equals_building_together);
  tcase_add_test(tc, case_counts_are_counted_and_merged);
  tcase_add_test(tc, empty_dictionary_is_valid);
  tcase_add_test(tc, truncated_and_damaged_files_are_rejected);
  tcase_add_test(tc, damage_is_found_when_read);
  tcase_add_test(tc, unverified_damaged_tables_never_crash);
  tcase_add_test(tc, builder_counts_ngram_occurrences);
  tcase_add_test(tc, counter_streams_keys_in_key_order);
  tcase_add_test(tc, text_counter_counts_as_adding_each_ngram);
  suite_add_tcase(s, tc);
  if (tu_seeds_dir()) {
    TCase *seeds = tcase_create("seeds");
    tcase_add_checked_fixture(seeds, setup, teardown);
    tcase_add_test(seeds, seed_dictionary_answers_known_ngrams);
    suite_add_tcase(s, seeds);
  }
  return s;
}

int main(void) { return tu_run(suite()); }
