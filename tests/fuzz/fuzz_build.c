/* fuzz_build.c - building a dictionary from arbitrary text, against a
 * reference: the first byte picks the order (1 to 5); the rest is the text.
 * The reference counts every n-gram of the same sentences one by one in a
 * hash counter (as builds did before the text counter sorted chunks); the
 * dictionary built with the smallest memory limit must store exactly those
 * n-grams with those counts, and the one built in memory must be the same
 * file. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buffer.h"
#include "dict.h"
#include "dict_format.h"
#include "fuzz_util.h"
#include "ngram_count.h"
#include "normalize.h"
#include "tokenize.h"

/* Adds every 1..order-gram of the sentence keys[0..n) to `c`. */
static void count_reference(us_counter *c, int order, const us_buf *keys, const size_t *starts,
                            size_t n) {
  us_buf key = US_BUF_INIT;
  unspin_error err;
  for (size_t i = 0; i < n; i++) {
    us_buf_clear(&key);
    for (size_t m = 0; m < (size_t)order && i + m < n; m++) {
      const char *k = keys->data + starts[i + m];
      if ((m && us_buf_putc(&key, US_KEY_SEP)) || us_buf_append(&key, k, strlen(k)) ||
          us_counter_add(c, key.data, key.len, 1, &err) != UNSPIN_OK)
        fz_fail("reference counting failed");
    }
  }
  us_buf_free(&key);
}

/* The reference: the builder's sentences (unspin_builder_add_text), each
 * between <s> and </s>, its words normalized as keys. */
static us_counter *reference(const char *text, size_t len, int order) {
  us_counter *c;
  us_tokens toks = {0};
  unspin_error err;
  if (us_counter_new(&c, (size_t)64 << 20, NULL, &err) != UNSPIN_OK ||
      us_tokenize(text, len, &toks, &err) != UNSPIN_OK)
    fz_fail("reference set-up failed");
  us_buf keys = US_BUF_INIT;
  size_t *starts = malloc((toks.n + 2) * sizeof *starts), n = 0, sentence = SIZE_MAX;
  if (!starts)
    fz_fail("out of memory");
  for (size_t i = 0; i <= toks.n; i++) {
    const us_token *t = i < toks.n ? &toks.v[i] : NULL;
    if (t && !us_token_counts(t))
      continue;
    if (!t || t->sentence != sentence) {
      if (n) {
        starts[n++] = keys.len;
        if (us_buf_append(&keys, UNSPIN_EOS, strlen(UNSPIN_EOS)) || us_buf_putc(&keys, '\0'))
          fz_fail("out of memory");
        count_reference(c, order, &keys, starts, n);
      }
      if (!t)
        break;
      us_buf_clear(&keys);
      n = 0;
      sentence = t->sentence;
      starts[n++] = 0;
      if (us_buf_append(&keys, UNSPIN_BOS, strlen(UNSPIN_BOS)) || us_buf_putc(&keys, '\0'))
        fz_fail("out of memory");
    }
    starts[n++] = keys.len;
    if (us_normalize_key(text + t->start, t->end - t->start, &keys) || us_buf_putc(&keys, '\0'))
      fz_fail("out of memory");
  }
  free(starts);
  us_buf_free(&keys);
  us_tokens_free(&toks);
  if (us_counter_finish(c, &err) != UNSPIN_OK)
    fz_fail("reference counting failed");
  return c;
}

/* Checks each stored n-gram against the reference's next record. */
static unspin_status check_stored(void *ctx, const char *key, size_t len, uint64_t count) {
  const char *rkey;
  size_t rlen;
  uint64_t rcount;
  unspin_error err;
  if (us_counter_next(ctx, &rkey, &rlen, &rcount, &err) != 1 ||
      us_key_cmp(rkey, rlen, key, len) || rcount != count)
    fz_fail("the dictionary's n-grams differ from the reference's");
  return UNSPIN_OK;
}

static void build(const char *text, size_t len, int order, size_t memory, const char *path) {
  unspin_build_options o;
  unspin_build_options_init(&o);
  o.order = order;
  o.memory_limit = memory;
  o.temp_dir = fz_path("");
  unspin_builder *b;
  unspin_error err;
  if (unspin_builder_new(&b, &o, &err) != UNSPIN_OK ||
      unspin_builder_add_text(b, text, len, &err) != UNSPIN_OK ||
      unspin_builder_write(b, path, &err) != UNSPIN_OK)
    fz_fail(err.message);
  unspin_builder_free(b);
}

static int same_file(const char *a, const char *b) {
  FILE *fa = fopen(a, "rb"), *fb = fopen(b, "rb");
  int same = fa && fb;
  for (int ca = 0, cb = 0; same && ca != EOF; same = ca == cb) {
    ca = getc(fa);
    cb = getc(fb);
  }
  if (fa)
    fclose(fa);
  if (fb)
    fclose(fb);
  return same;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size == 0)
    return 0;
  int order = 1 + data[0] % 5;
  const char *text = (const char *)data + 1;
  size_t len = size - 1;
  char small[512], big[512];
  strcpy(small, fz_path("small.undict"));
  strcpy(big, fz_path("big.undict"));
  build(text, len, order, 0, small); /* the builder's smallest limit */
  build(text, len, order, (size_t)64 << 20, big);
  if (!same_file(small, big))
    fz_fail("the dictionaries built with small and large limits differ");
  unspin_dict *d;
  unspin_error err;
  if (unspin_dict_open(&d, small, UNSPIN_DICT_VERIFY, &err) != UNSPIN_OK)
    fz_fail(err.message);
  us_counter *ref = reference(text, len, order);
  if (us_dict_visit(d, order, check_stored, ref) != UNSPIN_OK)
    fz_fail("visiting the dictionary failed");
  const char *k;
  size_t klen;
  uint64_t count;
  if (us_counter_next(ref, &k, &klen, &count, &err) != 0)
    fz_fail("the dictionary lacks n-grams the reference counted");
  us_counter_free(ref);
  unspin_dict_free(d);
  return 0;
}
