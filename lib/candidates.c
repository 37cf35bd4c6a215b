/* candidates.c - the candidate sources: identity, inverted thesaurus, and
 * context fillers from domain phrase dictionaries. */
#include "candidates.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dict.h"
#include "ngram_count.h"
#include "profile.h"

/* Candidates kept per span. */
#define US_MAX_PER_SPAN 16

/* Contexts with more continuations than this say little about the gap. */
#define MAX_FILLER_FANOUT 400

/* Whether two phrases are spellings of one word ("center"/"centre",
 * "defense"/"defence"): at least five letters each and one or two letters
 * apart, without being hyphen or space variants ("on-line"/"online" is a
 * swap spinners make; a spelling is not). */
static int spelling_variant(const char *a, size_t alen, const char *b, size_t blen) {
  if (alen < 5 || blen < 5 || alen > 63 || blen > 63 || memchr(a, ' ', alen) ||
      memchr(b, ' ', blen) || memchr(a, '-', alen) || memchr(b, '-', blen))
    return 0;
  size_t dp[64], prev;
  for (size_t y = 0; y <= blen; y++)
    dp[y] = y;
  for (size_t x = 1; x <= alen; x++) {
    prev = dp[0];
    dp[0] = x;
    for (size_t y = 1; y <= blen; y++) {
      size_t cur = dp[y], sub = prev + (a[x - 1] != b[y - 1]);
      size_t del = dp[y] + 1, ins = dp[y - 1] + 1;
      dp[y] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
      prev = cur;
    }
  }
  return dp[blen] <= 2;
}

/* True when a multi-word edit keeps the span's first or last word: the
 * same edit on a shorter span is the minimal one, and this would only let a
 * word disappear ("in Could" -> "in"). */
static int not_minimal(const us_word *w, uint8_t len, const char *text, size_t tlen,
                       size_t nwords) {
  if (len == 1 && nwords == 1)
    return 0;
  const char *sp = memchr(text, ' ', tlen), *last = text + tlen;
  size_t first_len = sp ? (size_t)(sp - text) : tlen;
  while (last > text && last[-1] != ' ')
    last--;
  size_t last_len = (size_t)(text + tlen - last);
  return (first_len == w[0].len && !memcmp(text, w[0].key, first_len)) ||
         (last_len == w[len - 1].len && !memcmp(last, w[len - 1].key, last_len));
}

static int add(us_cands *c, const unspin_engine *e, const us_word *words, uint32_t start,
               uint8_t len, us_source src, uint8_t rel, const char *text, size_t tlen,
               double channel) {
  size_t nwords = 1;
  for (size_t i = 0; i < tlen; i++)
    nwords += text[i] == ' ';
  if (nwords > US_MAX_SPAN ||
      (src != US_SRC_IDENTITY && (not_minimal(words + start, len, text, tlen, nwords) ||
                                  (len == 1 && spelling_variant(words[start].key,
                                                                words[start].len, text, tlen)))))
    return 0;
  /* An original shorter than the span saves language-model cost per word
   * it lacks; the channel charges for the words the spinner added. */
  if (src != US_SRC_IDENTITY)
    channel += e->channel.length * fabs((double)len - (double)nwords);
  /* one edge per (span, text): keep the likeliest.  Candidates are added
   * start by start, so only the tail can hold this start's. */
  for (size_t i = c->n; i-- > 0 && c->v[i].start == start;) {
    us_cand *o = &c->v[i];
    if (o->start == start && o->len == len && o->text_len == tlen &&
        !memcmp(c->text.data + o->text_off, text, tlen)) {
      if (channel > o->channel) {
        o->channel = channel;
        o->source = (uint8_t)src;
        o->relation = rel;
      }
      return 0;
    }
  }
  if (c->n == c->cap) {
    size_t cap = c->cap ? 2 * c->cap : 64;
    us_cand *v = realloc(c->v, cap * sizeof *v);
    if (!v)
      return -1;
    c->v = v;
    c->cap = cap;
  }
  us_cand *k = &c->v[c->n];
  memset(k, 0, sizeof *k);
  k->start = start;
  k->len = len;
  k->source = (uint8_t)src;
  k->relation = rel;
  k->channel = channel;
  k->text_off = c->text.len;
  k->text_len = tlen;
  if (us_buf_append(&c->text, text, tlen) || us_buf_putc(&c->text, '\0'))
    return -1;
  /* map each original word for the language model */
  const char *p = c->text.data + k->text_off, *end = p + tlen;
  while (k->nwords < nwords) {
    const char *sp = memchr(p, ' ', (size_t)(end - p));
    const char *we = sp ? sp : end;
    k->w[k->nwords++] = us_lm_map(&e->lm, p, (size_t)(we - p));
    p = we + 1;
  }
  c->n++;
  return 0;
}

/* The channel log-weight of an original taken from a word list: the
 * substitution prior, the relation, the chance the spinner picked this one
 * of the `fanout` words the list offers, and the list's direction. */
static double list_weight(const us_channel *ch, us_relation rel, unsigned fanout, int forward) {
  return ch->spin + ch->relation[rel] - ch->fanout_power * log((double)fanout) +
         (forward ? ch->forward : 0.0);
}

static int thesaurus_candidates(const unspin_engine *e, const us_word *words, uint32_t start,
                                uint8_t len, const char *spun, size_t slen, us_cands *c) {
  const us_channel *ch = &e->channel;
  for (size_t d = 0; d < e->ndicts; d++) {
    size_t first, n = us_dict_originals(e->dicts[d], spun, slen, &first);
    for (size_t i = 0; i < n; i++) {
      us_original o;
      us_dict_original(e->dicts[d], first + i, &o);
      double w = list_weight(ch, o.relation, o.fanout, o.forward);
      if (add(c, e, words, start, len, US_SRC_THESAURUS, (uint8_t)o.relation, o.text, o.len, w))
        return -1;
    }
  }
  return 0;
}

static int profile_candidates(const unspin_engine *e, const us_word *words, uint32_t start,
                              uint8_t len, const char *spun, size_t slen, us_cands *c) {
  const us_channel *ch = &e->channel;
  for (size_t p = 0; p < e->nprofiles; p++) {
    size_t first, n = us_profile_originals(e->profiles[p], spun, slen, &first);
    for (size_t i = 0; i < n; i++) {
      const char *key;
      size_t klen;
      unsigned fanout;
      us_profile_original(e->profiles[p], first + i, &key, &klen, &fanout);
      double w = list_weight(ch, US_REL_PROFILE, fanout, 0);
      if (add(c, e, words, start, len, US_SRC_PROFILE, US_REL_PROFILE, key, klen, w))
        return -1;
    }
  }
  return 0;
}

/* Appends the stems of a lower-case word other than itself: hunspell's,
 * suffix stripping that hunspell accepts, and WordNet's irregular lemmas. */
static int word_stems(const unspin_engine *e, const char *w, us_buf *out) {
  size_t from = out->len;
  int n = e->morph ? us_morph_stems(e->morph, w, out) : 0;
  if (e->irregular)
    n += us_irregular_lemmas(e->irregular, w, from, out);
  return n;
}

/* Appends the forms of `lemma` inflected as `spun` is from `stem`. */
static int word_forms(const unspin_engine *e, const char *lemma, const char *spun,
                      const char *stem, us_buf *out) {
  size_t from = out->len;
  int n = e->morph ? us_morph_inflect(e->morph, lemma, spun, stem, out) : 0;
  if (e->irregular)
    n += us_irregular_forms(e->irregular, lemma, from, out);
  return n;
}

/* A thesaurus original with its channel weight and ranking score. */
typedef struct ranked {
  us_original o;
  double weight, rank;
} ranked;

/* Originals of the span through the stems of its first word, re-inflected
 * like it: "dangers" -> "danger" -> "risk" -> "risks". */
static int morphology_candidates(const unspin_engine *e, const us_word *words, uint32_t start,
                                 uint8_t len, const us_buf *stems, int nst, us_cands *c) {
  const us_word *w0 = &words[start];
  if (nst <= 0)
    return 0;
  us_buf phrase = US_BUF_INIT, forms = US_BUF_INIT, text = US_BUF_INIT;
  int rc = 0;
  const us_channel *ch = &e->channel;
  for (size_t at = 0; nst-- > 0 && !rc; at += strlen(stems->data + at) + 1) {
    const char *stem = stems->data + at;
    us_buf_clear(&phrase);
    if (us_buf_append(&phrase, stem, strlen(stem)))
      rc = -1;
    for (uint8_t k = 1; k < len && !rc; k++)
      if (us_buf_putc(&phrase, ' ') || us_buf_append(&phrase, words[start + k].key, words[start + k].len))
        rc = -1;
    /* the stem's originals, best first by channel weight and unigram
     * probability; only the first US_MAX_PER_SPAN are worth inflecting */
    ranked top[US_MAX_PER_SPAN];
    size_t ntop = 0;
    for (size_t d = 0; d < e->ndicts; d++) {
      size_t first, n = us_dict_originals(e->dicts[d], phrase.data, phrase.len, &first);
      for (size_t i = 0; i < n; i++) {
        ranked r;
        us_dict_original(e->dicts[d], first + i, &r.o);
        const char *sp = memchr(r.o.text, ' ', r.o.len);
        size_t head = sp ? (size_t)(sp - r.o.text) : r.o.len;
        us_lm_word lw = us_lm_map(&e->lm, r.o.text, head);
        r.weight = list_weight(ch, r.o.relation, r.o.fanout, r.o.forward) + ch->morphology;
        r.rank = r.weight + e->lm_scale * us_lm_logprob(&e->lm, NULL, 0, &lw);
        size_t slot = ntop < US_MAX_PER_SPAN ? ntop++ : US_MAX_PER_SPAN;
        if (slot == US_MAX_PER_SPAN && r.rank <= top[US_MAX_PER_SPAN - 1].rank)
          continue;
        if (slot == US_MAX_PER_SPAN)
          slot--;
        while (slot > 0 && top[slot - 1].rank < r.rank) {
          top[slot] = top[slot - 1];
          slot--;
        }
        top[slot] = r;
      }
    }
    for (size_t i = 0; i < ntop && !rc; i++) {
      const us_original *o = &top[i].o;
      const char *sp = memchr(o->text, ' ', o->len);
      size_t head = sp ? (size_t)(sp - o->text) : o->len;
      char lemma[64];
      if (head >= sizeof lemma)
        continue;
      memcpy(lemma, o->text, head);
      lemma[head] = '\0';
      us_buf_clear(&forms);
      int nf = word_forms(e, lemma, w0->key, stem, &forms);
      for (size_t f = 0; nf-- > 0 && !rc; f += strlen(forms.data + f) + 1) {
        us_buf_clear(&text);
        if (us_buf_append(&text, forms.data + f, strlen(forms.data + f)) ||
            us_buf_append(&text, o->text + head, o->len - head))
          rc = -1;
        else
          rc = add(c, e, words, start, len, US_SRC_MORPHOLOGY, (uint8_t)o->relation, text.data,
                   text.len, top[i].weight);
      }
    }
  }
  us_buf_free(&phrase);
  us_buf_free(&forms);
  us_buf_free(&text);
  return rc;
}

/* Whether any thesaurus links two phrases directly or through a shared
 * neighbour (both pair lists are sorted by original, so one merge pass). */
static int thesaurus_hops(const unspin_engine *e, const char *a, size_t alen, const char *b,
                          size_t blen) {
  int best = 0;
  for (size_t d = 0; d < e->ndicts && best != 1; d++) {
    const unspin_dict *dict = e->dicts[d];
    size_t fa, na = us_dict_originals(dict, a, alen, &fa);
    size_t fb, nb = us_dict_originals(dict, b, blen, &fb);
    size_t i = 0, j = 0;
    us_original x, y;
    for (size_t k = 0; k < na; k++) {
      us_dict_original(dict, fa + k, &x);
      if (x.len == blen && !memcmp(x.text, b, blen))
        return 1;
    }
    while (i < na && j < nb && !best) {
      us_dict_original(dict, fa + i, &x);
      us_dict_original(dict, fb + j, &y);
      int cmp = us_key_cmp(x.text, x.len, y.text, y.len);
      if (!cmp)
        best = 2;
      else if (cmp < 0)
        i++;
      else
        j++;
    }
  }
  return best;
}

/* thesaurus_hops, falling back to the stems of single words. */
static int related(const unspin_engine *e, const char *a, size_t alen, const char *b, size_t blen) {
  int hops = thesaurus_hops(e, a, alen, b, blen);
  if (hops || (!e->morph && !e->irregular) || memchr(a, ' ', alen) || memchr(b, ' ', blen) ||
      alen > 63 || blen > 63)
    return hops;
  char x[64], y[64];
  memcpy(x, a, alen);
  x[alen] = '\0';
  memcpy(y, b, blen);
  y[blen] = '\0';
  us_buf sa = US_BUF_INIT, sb = US_BUF_INIT;
  if (us_buf_append(&sa, x, alen + 1) || us_buf_append(&sb, y, blen + 1))
    goto done;
  word_stems(e, x, &sa);
  word_stems(e, y, &sb);
  for (size_t i = 0; i < sa.len && hops != 1; i += strlen(sa.data + i) + 1)
    for (size_t j = 0; j < sb.len && hops != 1; j += strlen(sb.data + j) + 1) {
      int h = thesaurus_hops(e, sa.data + i, strlen(sa.data + i), sb.data + j, strlen(sb.data + j));
      if (h && (!hops || h < hops))
        hops = h;
    }
done:
  us_buf_free(&sa);
  us_buf_free(&sb);
  return hops;
}

/* Whether two words are the same word in another form: equal without
 * hyphens, two letters apart ("center"/"centre"), or sharing a hunspell
 * stem ("sponsor"/"sponsoring").  A filler seen in a dictionary that is
 * only another form of the word read is the author's choice of form, not a
 * synonym swap (the thesaurus still proposes variants it lists). */
static int same_lexeme(const unspin_engine *e, const char *a, size_t alen, const char *b,
                       size_t blen) {
  size_t i = 0, j = 0;
  while (i < alen || j < blen) {
    if (i < alen && a[i] == '-') {
      i++;
      continue;
    }
    if (j < blen && b[j] == '-') {
      j++;
      continue;
    }
    if (i == alen || j == blen || a[i] != b[j])
      break;
    i++, j++;
  }
  if (i == alen && j == blen)
    return 1;
  if (spelling_variant(a, alen, b, blen))
    return 1;
  if ((!e->morph && !e->irregular) || alen > 63 || blen > 63)
    return 0;
  char x[64], y[64];
  memcpy(x, a, alen);
  x[alen] = '\0';
  memcpy(y, b, blen);
  y[blen] = '\0';
  us_buf sa = US_BUF_INIT, sb = US_BUF_INIT;
  int same = 0;
  if (us_buf_append(&sa, x, alen + 1) || us_buf_append(&sb, y, blen + 1))
    goto done;
  word_stems(e, x, &sa);
  word_stems(e, y, &sb);
  for (size_t p = 0; p < sa.len && !same; p += strlen(sa.data + p) + 1)
    for (size_t q = 0; q < sb.len && !same; q += strlen(sb.data + q) + 1)
      same = !strcmp(sa.data + p, sb.data + q);
done:
  us_buf_free(&sa);
  us_buf_free(&sb);
  return same;
}

/* The channel's log-weight for a filler's relation to the spun phrase. */
static double relatedness(const unspin_engine *e, const char *spun, size_t slen,
                          const char *filler, size_t flen) {
  int hops = related(e, spun, slen, filler, flen);
  return hops == 1 ? e->channel.related1 : hops == 2 ? e->channel.related2 : 0.0;
}

static int seen(const unspin_dict *d, const uint32_t *ids, size_t n) {
  unspin_ngram_stats s;
  return n <= (size_t)unspin_dict_order(d) && !us_dict_lookup_ids(d, ids, n, &s) && s.count > 0;
}

/* Fillers of one or two words for the gap at words [start, start + len)
 * that dictionary slot d has seen either between the word before and the
 * word after the gap (l X r, l X1 X2 r), or after the two words before it
 * when both are real words (l2 l X, l2 l X1 X2). */
static int context_candidates(const unspin_engine *e, size_t d, const us_word *words, size_t n,
                              uint32_t start, uint8_t len, us_cands *c) {
  const unspin_dict *dict = e->dicts[d];
  if (unspin_dict_order(dict) < 3 || start == 0)
    return 0;
  static const char eos_key[] = UNSPIN_EOS;
  us_lm_word eos = us_lm_map(&e->lm, eos_key, sizeof eos_key - 1);
  uint32_t l2 = start >= 2 ? words[start - 2].lm.id[d] : US_LM_UNKNOWN;
  uint32_t l1 = words[start - 1].lm.id[d];
  uint32_t r = start + len < n ? words[start + len].lm.id[d] : eos.id[d];
  if (l1 == US_LM_UNKNOWN)
    return 0;
  uint64_t lo, hi;
  if (us_dict_extensions(dict, &l1, 1, &lo, &hi) || hi - lo > MAX_FILLER_FANOUT)
    return 0;
  double w = e->channel.spin * len + e->channel.context;
  us_buf text = US_BUF_INIT;
  int rc = 0;
  for (uint64_t i = lo; i < hi && !rc; i++) {
    uint32_t x1;
    uint64_t cnt;
    us_dict_extension(dict, 1, i, &x1, &cnt);
    size_t n1;
    const char *w1 = us_dict_word(dict, x1, &n1);
    if (!n1 || w1[0] == '<')
      continue; /* a sentence marker is no filler */
    uint32_t gap1[3] = {l1, x1, r}, left1[3] = {l2, l1, x1};
    if (len == 1 && ((r != US_LM_UNKNOWN && seen(dict, gap1, 3)) ||
                     (l2 != US_LM_UNKNOWN && seen(dict, left1, 3))) &&
        !same_lexeme(e, words[start].key, words[start].len, w1, n1)) {
      us_buf_clear(&text);
      if (us_buf_append(&text, w1, n1))
        rc = -1;
      else if (!(len == 1 && n1 == words[start].len && !memcmp(w1, words[start].key, n1)))
        rc = add(c, e, words, start, len, US_SRC_CONTEXT, 0, text.data, text.len,
                 w + relatedness(e, words[start].key, words[start].len, w1, n1));
    }
    uint32_t pair[2] = {l1, x1};
    uint64_t lo2, hi2;
    if (rc || us_dict_extensions(dict, pair, 2, &lo2, &hi2) || hi2 - lo2 > MAX_FILLER_FANOUT)
      continue;
    for (uint64_t j = lo2; j < hi2 && !rc; j++) {
      uint32_t x2;
      us_dict_extension(dict, 2, j, &x2, &cnt);
      size_t n2;
      const char *w2 = us_dict_word(dict, x2, &n2);
      uint32_t gap2[4] = {l1, x1, x2, r}, left2[4] = {l2, l1, x1, x2};
      if (!n2 || w2[0] == '<' ||
          !((r != US_LM_UNKNOWN && seen(dict, gap2, 4)) ||
            (l2 != US_LM_UNKNOWN && seen(dict, left2, 4))))
        continue;
      if (same_lexeme(e, words[start].key, words[start].len, w1, n1) ||
          (len == 2 && same_lexeme(e, words[start + 1].key, words[start + 1].len, w2, n2)))
        continue;
      /* A two-word filler is a bigger edit: the thesaurus must relate it to
       * the spun words, word by word when it replaces two. */
      if (len == 2 ? !(related(e, words[start].key, words[start].len, w1, n1) &&
                       related(e, words[start + 1].key, words[start + 1].len, w2, n2))
                   : !(related(e, words[start].key, words[start].len, w1, n1) ||
                       related(e, words[start].key, words[start].len, w2, n2)))
        continue;
      us_buf_clear(&text);
      if (us_buf_append(&text, w1, n1) || us_buf_putc(&text, ' ') || us_buf_append(&text, w2, n2))
        rc = -1;
      else
        rc = add(c, e, words, start, len, US_SRC_CONTEXT, 0, text.data, text.len,
                 w + relatedness(e, words[start].key, words[start].len, text.data, text.len));
    }
  }
  us_buf_free(&text);
  return rc;
}

static int by_start(const void *a, const void *b) {
  const us_cand *x = a, *y = b;
  if (x->start != y->start)
    return x->start < y->start ? -1 : 1;
  if (x->len != y->len)
    return x->len - y->len;
  return x->rank > y->rank ? -1 : x->rank < y->rank;
}

/* Keeps the US_MAX_PER_SPAN likeliest candidates of each span, ranked by
 * channel weight plus the unigram log-probability of their words, so that
 * of a long synonym list the common words stay (identity always stays: it
 * is ranked first); the rest would swamp the decoder. */
static void keep_likeliest(us_cands *c) {
  size_t w = 0;
  for (size_t i = 0, run = 0; i < c->n; i++) {
    run = (i && c->v[i].start == c->v[i - 1].start && c->v[i].len == c->v[i - 1].len) ? run + 1
                                                                                      : 0;
    if (run < US_MAX_PER_SPAN)
      c->v[w++] = c->v[i];
  }
  c->n = w;
}

int us_candidates(const unspin_engine *e, const us_word *words, size_t n, us_cands *out) {
  out->n = 0;
  us_buf_clear(&out->text);
  us_buf spun = US_BUF_INIT, stems = US_BUF_INIT;
  int rc = 0;
  for (size_t i = 0; i < n && !rc; i++) {
    rc = add(out, e, words, (uint32_t)i, 1, US_SRC_IDENTITY, 0, words[i].key, words[i].len,
             e->channel.keep);
    /* the first word's stems serve every span starting here */
    us_buf_clear(&stems);
    int nst = (e->morph || e->irregular) && words[i].spinnable && words[i].len >= 3 &&
                      !memchr(words[i].key, '\'', words[i].len)
                  ? word_stems(e, words[i].key, &stems)
                  : 0;
    us_buf_clear(&spun);
    for (size_t len = 1; len <= US_MAX_SPAN && i + len <= n && !rc; len++) {
      if ((len > 1 && !words[i + len - 1].joined) || !words[i + len - 1].spinnable)
        break;
      if ((len > 1 && us_buf_putc(&spun, ' ')) ||
          us_buf_append(&spun, words[i + len - 1].key, words[i + len - 1].len)) {
        rc = -1;
        break;
      }
      rc = thesaurus_candidates(e, words, (uint32_t)i, (uint8_t)len, spun.data, spun.len, out);
      if (!rc)
        rc = profile_candidates(e, words, (uint32_t)i, (uint8_t)len, spun.data, spun.len, out);
      if (!rc)
        rc = morphology_candidates(e, words, (uint32_t)i, (uint8_t)len, &stems, nst, out);
      for (size_t d = 0; d < e->ndicts && !rc && len <= 2; d++)
        if (e->roles[d] != UNSPIN_ROLE_GENERAL)
          rc = context_candidates(e, d, words, n, (uint32_t)i, (uint8_t)len, out);
    }
  }
  us_buf_free(&spun);
  us_buf_free(&stems);
  for (size_t k = 0; k < out->n && !rc; k++) {
    us_cand *c = &out->v[k];
    c->rank = c->source == US_SRC_IDENTITY ? INFINITY : c->channel;
    for (int i = 0; i < c->nwords && c->source != US_SRC_IDENTITY; i++)
      c->rank += e->lm_scale * us_lm_logprob(&e->lm, NULL, 0, &c->w[i]);
  }
  if (!rc) {
    qsort(out->v, out->n, sizeof *out->v, by_start);
    keep_likeliest(out);
  }
  return rc;
}

void us_cands_free(us_cands *c) {
  free(c->v);
  us_buf_free(&c->text);
  c->v = NULL;
  c->n = c->cap = 0;
}
