/* dict_lookup.c - measures phrase-dictionary lookups to justify the layout
 * described in docs/dictionary-format.md: word -> id through the file's hash
 * table against a binary search of its sorted vocabulary (read here straight
 * from the documented format), and whole n-gram lookups through the API.
 * usage: dict_lookup DICT TEXT   (the words looked up are TEXT's) */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dict.h"
#include "normalize.h"
#include "tokenize.h"

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static char *slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  fseek(f, 0, SEEK_END);
  long size = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *p = malloc((size_t)size + 1);
  *len = p ? fread(p, 1, (size_t)size, f) : 0;
  fclose(f);
  return p;
}

/* The alternative layout: binary search over the sorted vocabulary. */
static int64_t bsearch_id(const char *file, const char *key, size_t len) {
  const us_dict_header *h = (const us_dict_header *)file;
  const char *strings = file + h->sections[US_SEC_VOCAB_STRINGS].offset;
  const uint32_t *off = (const uint32_t *)(file + h->sections[US_SEC_VOCAB_OFFSETS].offset);
  uint64_t lo = 0, hi = h->vocab_size;
  while (lo < hi) {
    uint64_t mid = lo + (hi - lo) / 2;
    size_t wl = off[mid + 1] - off[mid];
    int c = memcmp(strings + off[mid], key, wl < len ? wl : len);
    if (!c)
      c = wl < len ? -1 : wl > len;
    if (!c)
      return (int64_t)mid;
    if (c < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  return -1;
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: dict_lookup DICT TEXT\n");
    return 2;
  }
  unspin_dict *d;
  unspin_error err;
  if (unspin_dict_open(&d, argv[1], UNSPIN_DICT_DEFAULT, &err)) {
    fprintf(stderr, "%s\n", err.message);
    return 2;
  }
  size_t flen, len;
  char *file = slurp(argv[1], &flen), *text = slurp(argv[2], &len);
  if (!file || !text)
    return 2;
  us_tokens toks = {0};
  if (us_tokenize(text, len < ((size_t)1 << 24) ? len : (size_t)1 << 24, &toks, NULL))
    return 2;
  size_t n = 0, max = 200000;
  char **keys = malloc(max * sizeof *keys);
  for (size_t i = 0; i < toks.n && n < max; i++) {
    if (!us_token_counts(&toks.v[i]))
      continue;
    us_buf b = US_BUF_INIT;
    us_normalize_key(text + toks.v[i].start, toks.v[i].end - toks.v[i].start, &b);
    keys[n++] = b.data;
  }
  const int reps = 10;
  int64_t sink = 0;
  double t0 = now();
  for (int r = 0; r < reps; r++)
    for (size_t i = 0; i < n; i++)
      sink += us_dict_word_id(d, keys[i], strlen(keys[i]));
  double t_hash = (now() - t0) / (reps * (double)n);
  t0 = now();
  for (int r = 0; r < reps; r++)
    for (size_t i = 0; i < n; i++)
      sink += bsearch_id(file, keys[i], strlen(keys[i]));
  double t_bsearch = (now() - t0) / (reps * (double)n);
  printf("vocabulary %llu words; %zu lookups of running text\n",
         (unsigned long long)unspin_dict_ngram_types(d, 1), n);
  printf("word -> id, hash table:    %6.0f ns\n", t_hash * 1e9);
  printf("word -> id, binary search: %6.0f ns\n", t_bsearch * 1e9);
  for (int order = 1; order <= unspin_dict_order(d); order++) {
    unspin_ngram_stats s;
    t0 = now();
    for (int r = 0; r < reps; r++)
      for (size_t i = 0; i + (size_t)order <= n; i++) {
        unspin_dict_lookup_keys(d, (const char *const *)keys + i, (size_t)order, &s);
        sink += (int64_t)s.count;
      }
    printf("%d-gram lookup (keys):     %6.0f ns\n", order,
           (now() - t0) / (reps * (double)(n - (size_t)order + 1)) * 1e9);
  }
  fprintf(stderr, "checksum of results: %lld\n", (long long)sink);
  for (size_t i = 0; i < n; i++)
    free(keys[i]);
  free(keys);
  us_tokens_free(&toks);
  free(file);
  free(text);
  unspin_dict_free(d);
  return 0;
}
