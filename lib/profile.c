/* profile.c - spinner profiles: a spinner's table of keys, each with the
 * probability that the spinner replaces it and a distribution over its
 * synonyms (docs/profile-format.md, docs/model.md §2).
 *
 * Two formats.  A plain list, "key|syn1|syn2|..." one group per line, has
 * no counts: the priors' means (rho 1/2, synonyms uniform) until a
 * document's own counts join them.  A counted profile starts with the
 * line "# unspin profile 2" and holds one key per line with its counts,
 * tab-separated: key, occurrences, replaced, then synonym and count pairs;
 * the probabilities are estimated from the counts with Beta and Dirichlet
 * priors, and the counts stay so that profiles can be merged by adding. */
#include "profile.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buffer.h"
#include "dict_format.h"
#include "error.h"
#include "ngram_count.h"
#include "normalize.h"
#include "utf8.h"

#define HEADER "# unspin profile "

typedef struct key_entry {
  size_t off, len;  /* into pool */
  double n, r;      /* occurrences and replacements counted (0, 0 in a plain list) */
  double rho;       /* P(replaced | occurrence) */
  double rsum;      /* its synonyms' counts summed */
  unsigned m;       /* how many synonyms it has */
} key_entry;

typedef struct link {
  size_t syn_off, syn_len; /* into pool */
  size_t key;              /* index into keys (before sorting: see finish()) */
  double count;            /* times the key became this synonym (0 in a plain list) */
  double logq;             /* log q(syn | k) */
} link;

struct unspin_profile {
  us_buf pool;
  key_entry *keys; /* sorted by key */
  size_t nkeys, keys_cap;
  link *links;     /* sorted by synonym, then key */
  size_t nlinks, links_cap;
  int counted;     /* a counted profile (version 2) */
  double words;    /* the originals' words: the one-word keys' occurrences summed */
  double vocab;    /* how many one-word keys */
};

/* Sorting needs the pool; qsort takes no context, so a file-level pointer
 * would not be thread-safe.  Sort arrays of (address, index) instead. */
typedef struct sortref {
  const char *s;
  size_t len;
  size_t i;
  const char *s2; /* a second key (a link's key), or NULL */
  size_t len2;
} sortref;

static int sortref_cmp(const void *x, const void *y) {
  const sortref *a = x, *b = y;
  int c = us_key_cmp(a->s, a->len, b->s, b->len);
  if (!c && a->s2)
    c = us_key_cmp(a->s2, a->len2, b->s2, b->len2);
  return c ? c : (a->i > b->i) - (a->i < b->i);
}

static size_t find_key(const unspin_profile *p, const char *k, size_t len) {
  size_t lo = 0, hi = p->nkeys;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int c = us_key_cmp(p->pool.data + p->keys[mid].off, p->keys[mid].len, k, len);
    if (c < 0)
      lo = mid + 1;
    else if (c > 0)
      hi = mid;
    else
      return mid;
  }
  return SIZE_MAX;
}

/* Interns a phrase in the pool; returns its offset or SIZE_MAX. */
static size_t intern(unspin_profile *p, const char *s, size_t len) {
  size_t off = p->pool.len;
  if (us_buf_append(&p->pool, s, len) || us_buf_putc(&p->pool, '\0'))
    return SIZE_MAX;
  return off;
}

/* Keys are added unsorted while parsing (a key may come back on a later
 * line: its counts add); a hash index finds them meanwhile. */
typedef struct key_index {
  size_t *slot; /* key index + 1, 0 empty */
  size_t nslots;
} key_index;

static int index_grow(key_index *ix, const unspin_profile *p) {
  size_t n = ix->nslots ? 2 * ix->nslots : 256;
  size_t *slot = calloc(n, sizeof *slot);
  if (!slot)
    return -1;
  for (size_t i = 0; i < p->nkeys; i++) {
    size_t s = us_word_hash(p->pool.data + p->keys[i].off, p->keys[i].len) & (n - 1);
    while (slot[s])
      s = (s + 1) & (n - 1);
    slot[s] = i + 1;
  }
  free(ix->slot);
  ix->slot = slot;
  ix->nslots = n;
  return 0;
}

/* The index of key `k`, added with zero counts if new; SIZE_MAX when memory
 * runs out. */
static size_t key_of(unspin_profile *p, key_index *ix, const char *k, size_t len) {
  if ((p->nkeys + 1) * 2 > ix->nslots && index_grow(ix, p))
    return SIZE_MAX;
  size_t s = us_word_hash(k, len) & (ix->nslots - 1);
  for (; ix->slot[s]; s = (s + 1) & (ix->nslots - 1)) {
    const key_entry *e = &p->keys[ix->slot[s] - 1];
    if (e->len == len && !memcmp(p->pool.data + e->off, k, len))
      return ix->slot[s] - 1;
  }
  key_entry *v = us_grow(p->keys, &p->keys_cap, p->nkeys + 1, sizeof *v, 256);
  if (!v)
    return SIZE_MAX;
  p->keys = v;
  size_t off = intern(p, k, len);
  if (off == SIZE_MAX)
    return SIZE_MAX;
  p->keys[p->nkeys] = (key_entry){off, len, 0, 0, 0, 0, 0};
  ix->slot[s] = ++p->nkeys;
  return p->nkeys - 1;
}

static int add_link(unspin_profile *p, size_t key, const char *syn, size_t len, double count) {
  link *v = us_grow(p->links, &p->links_cap, p->nlinks + 1, sizeof *v, 256);
  if (!v)
    return -1;
  p->links = v;
  size_t off = intern(p, syn, len);
  if (off == SIZE_MAX)
    return -1;
  p->links[p->nlinks++] = (link){off, len, key, count, 0};
  return 0;
}

/* One line of a plain list: the key, then its synonyms; empty fields and
 * phrases of more than US_PROFILE_MAX_WORDS words are skipped. */
static int parse_plain(unspin_profile *p, key_index *ix, const char *s, size_t len, us_buf *tmp) {
  size_t at = 0, flen, key = SIZE_MAX;
  const char *f;
  while ((f = us_next_field(s, len, &at, '|', &flen))) {
    int words = us_normalize_phrase(f, flen, tmp);
    if (words < 0)
      return -1;
    if (words == 0)
      continue;
    if (key == SIZE_MAX) {
      if (words > US_PROFILE_MAX_WORDS)
        return 0; /* a key too long to restore: the group is of no use */
      if ((key = key_of(p, ix, tmp->data, tmp->len)) == SIZE_MAX)
        return -1;
      continue;
    }
    const key_entry *k = &p->keys[key];
    if (words <= US_PROFILE_MAX_WORDS &&
        (tmp->len != k->len || memcmp(p->pool.data + k->off, tmp->data, k->len)) &&
        add_link(p, key, tmp->data, tmp->len, 0))
      return -1;
  }
  return 0;
}

int us_parse_real(const char *f, size_t flen, double *out) {
  char num[64];
  if (!flen || flen >= sizeof num)
    return -1;
  memcpy(num, f, flen);
  num[flen] = '\0';
  char *end;
  errno = 0;
  double v = strtod(num, &end);
  if (*end || errno || !isfinite(v))
    return -1;
  *out = v;
  return 0;
}

int us_parse_count(const char *f, size_t flen, double *out) {
  double v;
  if (us_parse_real(f, flen, &v) || v < 0)
    return -1;
  *out = v;
  return 0;
}

/* Writes `body` to path through a temporary file beside it. */
unspin_status us_write_through(const char *path, const us_buf *body, unspin_error *err) {
  size_t plen = strlen(path);
  char *tmp = malloc(plen + 5);
  if (!tmp)
    return us_nomem(err);
  memcpy(tmp, path, plen);
  memcpy(tmp + plen, ".tmp", 5);
  FILE *f = fopen(tmp, "wb");
  if (!f) {
    unspin_status st = us_fail(err, UNSPIN_ERR_IO, -1, "%s: %s", tmp, strerror(errno));
    free(tmp);
    return st;
  }
  int bad = body->len && fwrite(body->data, 1, body->len, f) != body->len;
  bad |= fclose(f) != 0;
  unspin_status st = UNSPIN_OK;
  if (bad || rename(tmp, path)) {
    st = us_fail(err, UNSPIN_ERR_IO, -1, "%s: %s", bad ? tmp : path, strerror(errno));
    remove(tmp);
  }
  free(tmp);
  return st;
}



/* One line of a counted profile: key, occurrences, replaced, then synonym
 * and count pairs (none for a word the spinner never replaced).  Returns 0, -1 when memory runs out, or 1 with `why`
 * set for a malformed line. */
static int parse_counted(unspin_profile *p, key_index *ix, const char *s, size_t len, us_buf *tmp,
                         const char **why) {
  size_t at = 0, flen;
  const char *f = us_next_field(s, len, &at, '\t', &flen);
  int words = us_normalize_phrase(f, flen, tmp);
  if (words < 0)
    return -1;
  if (words == 0)
    return (*why = "an empty key"), 1;
  int skip = words > US_PROFILE_MAX_WORDS;
  size_t key = SIZE_MAX;
  if (!skip && (key = key_of(p, ix, tmp->data, tmp->len)) == SIZE_MAX)
    return -1;
  double n, r;
  if (!(f = us_next_field(s, len, &at, '\t', &flen)) || us_parse_count(f, flen, &n))
    return (*why = "the occurrences are not a count"), 1;
  if (!(f = us_next_field(s, len, &at, '\t', &flen)) || us_parse_count(f, flen, &r))
    return (*why = "the replacements are not a count"), 1;
  if (r > n * (1 + 1e-9) + 1e-9)
    return (*why = "more replacements than occurrences"), 1;
  double sum = 0;
  int nsyn = 0;
  while ((f = us_next_field(s, len, &at, '\t', &flen))) {
    size_t clen;
    const char *c = us_next_field(s, len, &at, '\t', &clen);
    double count;
    if (!c)
      return (*why = "a synonym without a count"), 1;
    if (us_parse_count(c, clen, &count))
      return (*why = "a synonym's count is not a count"), 1;
    if ((words = us_normalize_phrase(f, flen, tmp)) < 0)
      return -1;
    if (words == 0)
      return (*why = "an empty synonym"), 1;
    sum += count;
    nsyn++;
    if (!skip && words <= US_PROFILE_MAX_WORDS && add_link(p, key, tmp->data, tmp->len, count))
      return -1;
  }
  if (!nsyn && r > 0)
    return (*why = "replacements without synonyms"), 1;
  if (fabs(sum - r) > 1e-6 * (r > 1 ? r : 1))
    return (*why = "the synonyms' counts do not add up to the replacements"), 1;
  if (!skip) {
    p->keys[key].n += n;
    p->keys[key].r += r;
  }
  return 0;
}

/* log q(s | k) from counts: the key became s c times of its r replacements
 * over its m synonyms, under the Dirichlet prior (uniform without counts). */
static double logq_of(double c, double r, unsigned m) {
  return log((c + US_PROFILE_DIRICHLET) / (r + US_PROFILE_DIRICHLET * m));
}

/* Sorts keys and links, merges repeated links, and sets the probabilities:
 * rho_k = (r + a) / (n + a + b) and q(s | k) = (c + g) / (r + g m) from
 * counts (m: the key's synonyms); a plain list has no counts, which gives
 * the priors' own means, rho 1/2 and q uniform (docs/model.md §2 says why
 * not "replaced always"); rho is at most 1 - eps.  Keys' m and rsum start
 * at 0 (key_of). */
static int finish(unspin_profile *p) {
  size_t nmax = p->nkeys > p->nlinks ? p->nkeys : p->nlinks;
  sortref *v = malloc((nmax ? nmax : 1) * sizeof *v);
  size_t *where = malloc((p->nkeys ? p->nkeys : 1) * sizeof *where);
  key_entry *keys = malloc((p->nkeys ? p->nkeys : 1) * sizeof *keys);
  link *links = malloc((p->nlinks ? p->nlinks : 1) * sizeof *links);
  int rc = -1;
  if (!v || !where || !keys || !links)
    goto done;
  for (size_t i = 0; i < p->nkeys; i++)
    v[i] = (sortref){p->pool.data + p->keys[i].off, p->keys[i].len, i, NULL, 0};
  qsort(v, p->nkeys, sizeof *v, sortref_cmp);
  for (size_t i = 0; i < p->nkeys; i++) {
    keys[i] = p->keys[v[i].i];
    where[v[i].i] = i;
  }
  if (p->nkeys)
    memcpy(p->keys, keys, p->nkeys * sizeof *keys);
  for (size_t i = 0; i < p->nlinks; i++) {
    p->links[i].key = where[p->links[i].key];
    const key_entry *k = &p->keys[p->links[i].key];
    v[i] = (sortref){p->pool.data + p->links[i].syn_off, p->links[i].syn_len, i,
                     p->pool.data + k->off, k->len};
  }
  qsort(v, p->nlinks, sizeof *v, sortref_cmp);
  size_t n = 0;
  for (size_t i = 0; i < p->nlinks; i++) {
    link x = p->links[v[i].i];
    if (n && links[n - 1].key == x.key && links[n - 1].syn_len == x.syn_len &&
        !memcmp(p->pool.data + links[n - 1].syn_off, p->pool.data + x.syn_off, x.syn_len)) {
      links[n - 1].count += x.count;
      continue;
    }
    links[n++] = x;
  }
  if (n)
    memcpy(p->links, links, n * sizeof *links);
  p->nlinks = n;
  for (size_t i = 0; i < n; i++) {
    p->keys[p->links[i].key].m++;
    p->keys[p->links[i].key].rsum += p->links[i].count;
  }
  for (size_t i = 0; i < p->nkeys; i++) {
    key_entry *k = &p->keys[i];
    if (!memchr(p->pool.data + k->off, ' ', k->len)) {
      p->words += k->n;
      p->vocab++;
    }
    k->rho = k->m ? us_profile_rho_at(p, i, NULL, 0, NULL) : 0; /* no synonyms: no key */
  }
  for (size_t i = 0; i < n; i++) {
    link *l = &p->links[i];
    l->logq = logq_of(l->count, p->keys[l->key].rsum, p->keys[l->key].m);
  }
  rc = 0;
done:
  free(v);
  free(where);
  free(keys);
  free(links);
  return rc;
}

unspin_status unspin_profile_parse(unspin_profile **out, const char *data, size_t len,
                                   const char *name, unspin_error *err) {
  if (!out || (len && !data))
    return us_fail(err, UNSPIN_ERR_INVALID_ARG, -1, "unspin_profile_parse: NULL argument");
  *out = NULL;
  if (!name)
    name = "profile";
  unspin_status rc = us_check_text(data, len, name, err);
  if (rc != UNSPIN_OK)
    return rc;
  unspin_profile *p = calloc(1, sizeof *p);
  if (!p)
    return us_nomem(err);
  us_buf tmp = US_BUF_INIT;
  key_index ix = {0};
  size_t at = len >= 3 && !memcmp(data, "\xEF\xBB\xBF", 3) ? 3 : 0; /* a BOM */
  int fail = 0;
  const char *why = NULL;
  size_t line = 0, line_at = at;
  if (len - at >= sizeof HEADER - 1 && !memcmp(data + at, HEADER, sizeof HEADER - 1)) {
    const char *nl = memchr(data + at, '\n', len - at);
    size_t end = nl ? (size_t)(nl - data) : len, vl = end - at - (sizeof HEADER - 1);
    const char *ver = data + at + sizeof HEADER - 1;
    if (vl && ver[vl - 1] == '\r')
      vl--;
    if (vl != 1 || *ver != '2') {
      unspin_profile_free(p);
      return us_fail(err, UNSPIN_ERR_FORMAT, (int64_t)at,
                     "%s: line 1: unsupported profile version '%.*s' (this library reads 2)",
                     name, (int)(vl > 20 ? 20 : vl), ver);
    }
    p->counted = 1;
  }
  const char *s;
  size_t l;
  while (!fail && (line_at = at, s = us_next_line(data, len, &at, &l))) {
    line++;
    if (!p->counted)
      fail = parse_plain(p, &ix, s, l, &tmp);
    else if (l && *s != '#')
      fail = parse_counted(p, &ix, s, l, &tmp, &why);
  }
  us_buf_free(&tmp);
  free(ix.slot);
  if (fail > 0) {
    unspin_profile_free(p);
    return us_fail(err, UNSPIN_ERR_FORMAT, (int64_t)line_at, "%s: line %zu: %s", name, line, why);
  }
  if (fail || finish(p)) {
    unspin_profile_free(p);
    return us_nomem(err);
  }
  *out = p;
  return UNSPIN_OK;
}

size_t unspin_profile_size(const unspin_profile *p) { return p ? p->nlinks : 0; }

int unspin_profile_counted(const unspin_profile *p) { return p && p->counted; }

void unspin_profile_free(unspin_profile *p) {
  if (!p)
    return;
  us_buf_free(&p->pool);
  free(p->keys);
  free(p->links);
  free(p);
}

size_t us_profile_links(const unspin_profile *p, const char *spun, size_t len, size_t *first) {
  size_t lo = 0, hi = p->nlinks;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    const link *q = &p->links[mid];
    if (us_key_cmp(p->pool.data + q->syn_off, q->syn_len, spun, len) < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  *first = lo;
  size_t n = 0;
  while (lo + n < p->nlinks) {
    const link *q = &p->links[lo + n];
    if (q->syn_len != len || memcmp(p->pool.data + q->syn_off, spun, len))
      break;
    n++;
  }
  return n;
}

void us_profile_link(const unspin_profile *p, size_t i, const char **key, size_t *len,
                     size_t *key_at) {
  const link *q = &p->links[i];
  const key_entry *k = &p->keys[q->key];
  *key = p->pool.data + k->off;
  *len = k->len;
  *key_at = q->key;
}

double us_profile_source_logp(const unspin_profile *p, const char *phrase, size_t len) {
  if (!p->counted || !p->words)
    return NAN;
  double lp = 0, denom = log(p->words + US_PROFILE_DIRICHLET * p->vocab);
  for (const char *w = phrase, *end = phrase + len; w < end;) {
    const char *sp = memchr(w, ' ', (size_t)(end - w));
    const char *we = sp ? sp : end;
    size_t i = find_key(p, w, (size_t)(we - w));
    lp += log((i == SIZE_MAX ? 0 : p->keys[i].n) + US_PROFILE_DIRICHLET) - denom;
    w = we + 1;
  }
  return lp;
}

double us_profile_rho_at(const unspin_profile *p, size_t at, const char *key, size_t len,
                         const us_profile_doc *doc) {
  const key_entry *k = &p->keys[at];
  double r = k->r, n = k->n;
  if (doc) {
    double dr = (double)us_pairs_count(&doc->replaced, "", 0, key, len);
    r += dr;
    n += dr + (double)us_pairs_count(&doc->kept, "", 0, key, len);
  }
  double rho = (r + US_PROFILE_BETA_A) / (n + US_PROFILE_BETA_A + US_PROFILE_BETA_B);
  return rho > 1 - US_PROFILE_EPS ? 1 - US_PROFILE_EPS : rho;
}

double us_profile_logq_at(const unspin_profile *p, size_t i, const char *key, size_t klen,
                          const char *spun, size_t slen, const us_profile_doc *doc) {
  const link *l = &p->links[i];
  if (!doc)
    return l->logq;
  const key_entry *k = &p->keys[l->key];
  return logq_of(l->count + (double)us_pairs_count(&doc->links, spun, slen, key, klen),
                 k->rsum + (double)us_pairs_count(&doc->replaced, "", 0, key, klen), k->m);
}

double us_profile_rho(const unspin_profile *p, const char *key, size_t len,
                      const us_profile_doc *doc) {
  size_t i = find_key(p, key, len);
  if (i == SIZE_MAX || p->keys[i].rho == 0)
    return 0.0;
  return doc ? us_profile_rho_at(p, i, key, len, doc) : p->keys[i].rho;
}

void us_profile_doc_clear(us_profile_doc *d) {
  us_pairs_clear(&d->replaced);
  us_pairs_clear(&d->links);
  us_pairs_clear(&d->kept);
}

void us_profile_doc_free(us_profile_doc *d) {
  us_pairs_free(&d->replaced);
  us_pairs_free(&d->links);
  us_pairs_free(&d->kept);
}

size_t us_profile_nkeys(const unspin_profile *p) { return p->nkeys; }

void us_profile_key(const unspin_profile *p, size_t i, const char **key, size_t *len, double *n,
                    double *r) {
  *key = p->pool.data + p->keys[i].off;
  *len = p->keys[i].len;
  *n = p->keys[i].n;
  *r = p->keys[i].r;
}

size_t us_profile_nlinks(const unspin_profile *p) { return p->nlinks; }

void us_profile_link_count(const unspin_profile *p, size_t i, size_t *key, const char **syn,
                           size_t *len, double *count) {
  const link *q = &p->links[i];
  *key = q->key;
  *syn = p->pool.data + q->syn_off;
  *len = q->syn_len;
  *count = q->count;
}
