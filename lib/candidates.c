/* candidates.c - the candidate sources: identity, inverted thesaurus, and
 * context fillers from domain phrase dictionaries. */
#include "candidates.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dict.h"
#include "ngram_count.h"
#include "normalize.h"
#include "profile.h"
#include "slots.h"

/* Candidates kept per span. */
#define US_MAX_PER_SPAN 16

/* A stem's originals inflected per span (the likeliest by channel weight and
 * unigram probability). */
#define MORPH_ORIGINALS 8

/* Contexts with more continuations than this say little about the gap. */
#define MAX_FILLER_FANOUT 400

/* Whether two phrases are spellings of one word ("center"/"centre",
 * "defense"/"defence"): at least five letters each and one or two letters
 * apart, without being hyphen or space variants ("on-line"/"online" is a
 * swap spinners make; a spelling is not). */
static int spelling_variant(const char *a, size_t alen, const char *b, size_t blen) {
  if (alen < 5 || blen < 5 || alen > 63 || blen > 63 || alen > blen + 2 || blen > alen + 2 ||
      memchr(a, ' ', alen) || memchr(b, ' ', blen) || memchr(a, '-', alen) || memchr(b, '-', blen))
    return 0;
  size_t dp[64], prev;
  for (size_t y = 0; y <= blen; y++)
    dp[y] = y;
  for (size_t x = 1; x <= alen; x++) {
    prev = dp[0];
    dp[0] = x;
    size_t least = dp[0];
    for (size_t y = 1; y <= blen; y++) {
      size_t cur = dp[y], sub = prev + (a[x - 1] != b[y - 1]);
      size_t del = dp[y] + 1, ins = dp[y - 1] + 1;
      dp[y] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
      prev = cur;
      least = dp[y] < least ? dp[y] : least;
    }
    if (least > 2) /* distances never fall from row to row */
      return 0;
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

/* Whether a domain dictionary has seen every word of the phrase. */
static int domain_knows(const unspin_engine *e, const char *text, size_t tlen) {
  if (!e->ndomain)
    return 0;
  for (size_t d = 0; d < e->ndicts; d++) {
    if (e->roles[d] != UNSPIN_ROLE_DOMAIN)
      continue;
    const char *p = text, *end = text + tlen;
    int all = 1;
    while (all && p < end) {
      const char *sp = memchr(p, ' ', (size_t)(end - p));
      const char *we = sp ? sp : end;
      all = us_dict_word_id(e->dicts[d], p, (size_t)(we - p)) >= 0;
      p = we + 1;
    }
    if (all)
      return 1;
  }
  return 0;
}

static struct us_word_cached *cache_find(us_word_cache *c, const char *key, size_t len);
static struct us_word_cached *cache_add(us_word_cache *c, const char *key, size_t len,
                                        const char *stems, size_t stems_len, int nst);

/* us_lm_map through the cache `ic`, with the word's unigram
 * log-probability in *logp unless logp is NULL: both are looked up once
 * while the cache lasts (where memory runs out, every time). */
static us_lm_word map_word(const unspin_engine *e, us_word_cache *ic, const char *w, size_t len,
                           double *logp) {
  struct us_word_cached *x = cache_find(ic, w, len);
  if (!x) {
    us_lm_word m = us_lm_map(&e->lm, w, len);
    double lp = us_lm_logprob(&e->lm, NULL, 0, &m);
    if (logp)
      *logp = lp;
    if (!(x = cache_add(ic, w, len, "", 0, 0)))
      return m;
    x->lm = m;
    x->logp = lp;
  }
  if (logp)
    *logp = x->logp;
  return x->lm;
}

/* A run this long is searched through c->index, a shorter one in turn. */
#define INDEXED_RUN 32

/* Whether candidate o is for a span of `len` words with wording `text`. */
static int same_wording(const us_cands *c, const us_cand *o, uint8_t len, const char *text,
                        size_t tlen) {
  return o->len == len && o->text_len == tlen && !memcmp(c->text.data + o->text_off, text, tlen);
}

static uint64_t cand_hash(uint8_t len, const char *text, size_t tlen) {
  return (us_word_hash(text, tlen) ^ len) * 0x9E3779B97F4A7C15ull;
}

static uint64_t run_hash(const void *ctx, size_t i) {
  const us_cands *c = ctx;
  const us_cand *o = &c->v[c->run + i];
  return cand_hash(o->len, c->text.data + o->text_off, o->text_len);
}

/* Forgets the index: the candidates were reordered or dropped. */
static void unindex(us_cands *c) { c->run = c->indexed = SIZE_MAX; }

/* The candidate for span [start, start + len) with wording `text`, or NULL
 * (-1 in *oom when memory for the index runs out).  Candidates are added
 * start by start, so only the tail run can hold this start's; a long run,
 * as learning's passes gather with every flat list's originals, is
 * searched through the index. */
static us_cand *find_cand(us_cands *c, uint32_t start, uint8_t len, const char *text, size_t tlen,
                          int *oom) {
  if (c->run >= c->n || c->v[c->run].start != start || c->indexed > c->n) {
    size_t run = c->n;
    while (run > 0 && c->v[run - 1].start == start)
      run--;
    c->run = c->indexed = run;
  }
  size_t n = c->n - c->run;
  if (n < INDEXED_RUN) {
    for (size_t i = c->n; i-- > c->run;)
      if (same_wording(c, &c->v[i], len, text, tlen))
        return &c->v[i];
    return NULL;
  }
  /* a new run or a full table: the table is built again from the run */
  if (c->indexed == c->run || 2 * (n + 1) > c->nindex) {
    c->nindex = 0;
    if (us_slots_grow(&c->index, &c->nindex, 64, n, run_hash, c)) {
      *oom = 1;
      return NULL;
    }
  } else {
    for (size_t i = c->indexed; i < c->n; i++)
      c->index[us_slot_free(c->index, c->nindex, run_hash(c, i - c->run))] =
          (uint32_t)(i - c->run) + 1;
  }
  c->indexed = c->n;
  for (size_t s = cand_hash(len, text, tlen) & (c->nindex - 1); c->index[s];
       s = (s + 1) & (c->nindex - 1))
    if (same_wording(c, &c->v[c->run + c->index[s] - 1], len, text, tlen))
      return &c->v[c->run + c->index[s] - 1];
  return NULL;
}

/* Whether an original of relation `rel` is proposed only where a domain
 * dictionary has seen it: a flat list's term is too loose a link for the
 * general model to choose among its dozens of originals (unless a learning
 * pass gathers: EM over many texts weighs each link). */
static int needs_domain(const us_cands *c, uint8_t rel) {
  return rel == US_REL_LISTED && !c->gather;
}

static int add(us_cands *c, const unspin_engine *e, const us_word *words, uint32_t start,
               uint8_t len, us_source src, uint8_t rel, const char *text, size_t tlen,
               double channel) {
  /* (identity and context candidates come with relation 0) */
  if (needs_domain(c, rel) && !domain_knows(e, text, tlen))
    return 0;
  /* a wording with a NUL byte (only a damaged dictionary has one) is no
   * word, and restored wordings are handed out as C strings */
  if (memchr(text, '\0', tlen))
    return 0;
  /* nor a number: spinnable words have no digits, and no list turns a
   * word into a number ("cyberspace" -> "2019" from a story's n-grams) */
  int generic = src != US_SRC_IDENTITY && src != US_SRC_PROFILE;
  if (generic && us_has_digit(text, tlen))
    return 0;
  size_t nwords = 1;
  for (size_t i = 0; i < tlen; i++)
    nwords += text[i] == ' ';
  if (nwords > (generic ? US_LIST_SPAN : US_MAX_SPAN) ||
      (generic && (not_minimal(words + start, len, text, tlen, nwords) ||
                                  (len == 1 && spelling_variant(words[start].key,
                                                                words[start].len, text, tlen)))))
    return 0;
  /* An original shorter than the span saves language-model cost per word
   * it lacks; the channel charges for the words the spinner added. */
  if (generic)
    channel += e->channel.length * fabs((double)len - (double)nwords);
  /* a spinner profile's link is its own model's evidence (the likelihood
   * ratio of docs/model.md §5), not the word lists' */
  double evidence = src == US_SRC_CONTEXT || src == US_SRC_PROFILE || rel == US_REL_LISTED
                        ? -INFINITY
                        : channel;
  /* one edge per (span, text): keep the likeliest; a word list that
   * gives the span's own words is no evidence about keeping them (and a
   * word's cached candidates must not depend on which was added first) */
  int oom = 0;
  us_cand *o = find_cand(c, start, len, text, tlen, &oom);
  if (oom)
    return -1;
  if (o && generic && o->source == US_SRC_IDENTITY)
    return 0;
  if (o) {
    if (channel > o->channel) {
      o->channel = channel;
      o->source = (uint8_t)src;
      o->relation = rel;
    }
    if (evidence > o->evidence)
      o->evidence = evidence;
    return 0;
  }
  us_cand *v = us_grow(c->v, &c->cap, c->n + 1, sizeof *v, 64);
  if (!v)
    return -1;
  c->v = v;
  us_cand *k = &c->v[c->n];
  memset(k, 0, sizeof *k);
  k->start = start;
  k->len = len;
  k->source = (uint8_t)src;
  k->relation = rel;
  k->channel = channel;
  k->evidence = evidence;
  k->text_off = c->text.len;
  k->text_len = tlen;
  if (us_buf_append(&c->text, text, tlen) || us_buf_putc(&c->text, '\0'))
    return -1;
  /* map each original word for the language model (a word kept as it is
   * was mapped with the sentence) */
  const char *p = c->text.data + k->text_off, *end = p + tlen;
  if (src == US_SRC_IDENTITY && len == 1 && nwords == 1 && tlen == words[start].len &&
      !memcmp(text, words[start].key, tlen))
    k->w[k->nwords++] = words[start].lm; /* (identity is never ranked: no unigram) */
  while (k->nwords < nwords) {
    const char *sp = memchr(p, ' ', (size_t)(end - p));
    const char *we = sp ? sp : end;
    double logp;
    k->w[k->nwords] = map_word(e, &c->caches->ids, p, (size_t)(we - p), &logp);
    k->unigram[k->nwords++] = e->lm_scale * logp;
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

/* Thesaurus originals of the span from every dictionary's word lists. */
static int list_candidates(const unspin_engine *e, const us_word *words, uint32_t start,
                           uint8_t len, const char *spun, size_t slen, us_cands *c) {
  for (size_t l = 0; l < e->ndicts; l++) {
    size_t first, n = us_dict_originals(e->dicts[l], spun, slen, &first);
    for (size_t i = 0; i < n; i++) {
      us_original o;
      us_dict_original(e->dicts[l], first + i, &o);
      double w = list_weight(&e->channel, o.relation, o.fanout, o.forward);
      if (add(c, e, words, start, len, US_SRC_THESAURUS, (uint8_t)o.relation, o.text, o.len, w))
        return -1;
    }
  }
  return 0;
}

/* The language model's unigram log-probability of a phrase (its words'
 * summed). */
static double unigram(const unspin_engine *e, const char *text, size_t len) {
  double lp = 0;
  for (const char *p = text, *end = text + len; p < end;) {
    const char *sp = memchr(p, ' ', (size_t)(end - p));
    const char *we = sp ? sp : end;
    us_lm_word w = us_lm_map(&e->lm, p, (size_t)(we - p));
    lp += us_lm_logprob(&e->lm, NULL, 0, &w);
    p = we + 1;
  }
  return lp;
}

/* The spinner model's edges (docs/model.md §2): for every span of 1-4
 * joined words starting at word i, each key that a profile's spinner turns
 * into it, with log(rho_k q(span | k)).  Spinners match keys whatever the word (names and
 * numbers too), so every counted word may start a span. */
static int spinner_candidates(const unspin_engine *e, const us_word *words, size_t n, size_t i,
                              us_cands *c) {
  us_buf spun = US_BUF_INIT;
  int rc = 0;
  for (size_t len = 1; len <= US_PROFILE_MAX_WORDS && i + len <= n && !rc; len++) {
    if (len > 1 && !words[i + len - 1].joined)
      break;
    if (us_join_keys(words + i, len, &spun)) {
      rc = -1;
      break;
    }
    for (size_t p = 0; p < e->nprofiles && !rc; p++) {
      const unspin_profile *prof = e->profiles[p];
      size_t first, nl = us_profile_links(prof, spun.data, spun.len, &first);
      /* a counted profile knows the source's word frequencies: the
       * language model is rescaled to them, each word's probability times
       * P_source(w) / P_model(w) (unigram rescaling); against keeping the
       * span, that is the key's words' factors over the span's */
      double src_span = nl ? us_profile_source_logp(prof, spun.data, spun.len) : NAN;
      double uni_span = src_span == src_span ? unigram(e, spun.data, spun.len) : 0;
      for (size_t k = 0; k < nl && !rc; k++) {
        const char *key;
        size_t klen, ki;
        us_profile_link(prof, first + k, &key, &klen, &ki);
        double logp = log(us_profile_rho_at(prof, ki, key, klen, c->doc)) +
                      us_profile_logq_at(prof, first + k, key, klen, spun.data, spun.len, c->doc);
        if (src_span == src_span)
          logp += e->lm_scale * (us_profile_source_logp(prof, key, klen) - unigram(e, key, klen) -
                                 src_span + uni_span);
        rc = add(c, e, words, (uint32_t)i, (uint8_t)len, US_SRC_PROFILE, US_REL_PROFILE, key, klen,
                 logp);
      }
    }
  }
  us_buf_free(&spun);
  return rc;
}

/* log(1 - rho) of a word that a profile's spinner replaces (the most any
 * profile gives, with the document's counts): it stands unreplaced only
 * where the spinner missed it. */
static double spinner_keep(const unspin_engine *e, const us_word *w, const us_profile_doc *doc) {
  double rho = 0;
  for (size_t p = 0; p < e->nprofiles; p++) {
    double r = us_profile_rho(e->profiles[p], w->key, w->len, doc);
    if (r > rho)
      rho = r;
  }
  return log1p(-rho);
}

/* Appends the stems of a lower-case word other than itself: hunspell's,
 * suffix stripping that hunspell accepts, and WordNet's irregular lemmas.
 * Returns how many, or -1 when memory runs out. */
static int word_stems(const unspin_engine *e, const char *w, us_buf *out) {
  size_t from = out->len;
  int n = e->morph ? us_morph_stems(e->morph, w, out) : 0;
  int m = n >= 0 && e->irregular ? us_irregular_lemmas(e->irregular, w, from, out) : 0;
  return n < 0 || m < 0 ? -1 : n + m;
}

/* The inflection an irregular form must agree with (us_morph_form_agrees). */
typedef struct inflection {
  const char *lemma, *spun, *stem;
} inflection;

static int agrees(const char *form, const void *ctx) {
  const inflection *x = ctx;
  return us_morph_form_agrees(form, x->lemma, x->spun, x->stem);
}

/* Appends the forms of `lemma` inflected as `spun` is from `stem`: the
 * regular ones hunspell accepts, and the irregular ones whose inflection
 * agrees with spun's; the same returns. */
static int word_forms(const unspin_engine *e, const char *lemma, const char *spun,
                      const char *stem, us_buf *out) {
  size_t from = out->len;
  int n = e->morph ? us_morph_inflect(e->morph, lemma, spun, stem, out) : 0;
  inflection x = {lemma, spun, stem};
  int m = n >= 0 && e->irregular ? us_irregular_forms(e->irregular, lemma, agrees, &x, from, out)
                                 : 0;
  return n < 0 || m < 0 ? -1 : n + m;
}

static int forms_of(const unspin_engine *e, us_word_cache *fc, const char *lemma,
                    const char *spun, const char *stem, us_buf *out);

/* A thesaurus original with its channel weight and ranking score, and
 * whether a domain dictionary has seen it. */
typedef struct ranked {
  us_original o;
  double weight, rank;
  int known;
} ranked;

/* Whether a ranks above b: the originals the story uses first (its
 * vocabulary is evidence of the original wording), then by score. */
static int ranks_above(const ranked *a, const ranked *b) {
  return a->known != b->known ? a->known > b->known : a->rank > b->rank;
}

/* Originals of the span through the stems of its first word, from the
 * thesauri, re-inflected like it: "dangers" ->
 * "danger" -> "risk" -> "risks". */
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
    /* the stem's originals, best first: those a domain dictionary has
     * seen, then by channel weight and unigram probability; only the
     * first MORPH_ORIGINALS are worth inflecting */
    ranked top[MORPH_ORIGINALS];
    size_t ntop = 0;
    for (size_t l = 0; l < e->ndicts; l++) {
      size_t first, n = us_dict_originals(e->dicts[l], phrase.data, phrase.len, &first);
      for (size_t i = 0; i < n; i++) {
        ranked r;
        us_dict_original(e->dicts[l], first + i, &r.o);
        /* without a domain dictionary add() would drop it: it must not
         * take a place in the list */
        if (needs_domain(c, r.o.relation) && !e->ndomain)
          continue;
        const char *sp = memchr(r.o.text, ' ', r.o.len);
        size_t head = sp ? (size_t)(sp - r.o.text) : r.o.len;
        double logp;
        map_word(e, &c->caches->ids, r.o.text, head, &logp);
        r.weight = list_weight(ch, r.o.relation, r.o.fanout, r.o.forward) + ch->morphology;
        r.rank = r.weight + e->lm_scale * logp;
        r.known = domain_knows(e, r.o.text, r.o.len);
        size_t slot = ntop < MORPH_ORIGINALS ? ntop++ : MORPH_ORIGINALS;
        if (slot == MORPH_ORIGINALS && !ranks_above(&r, &top[MORPH_ORIGINALS - 1]))
          continue;
        if (slot == MORPH_ORIGINALS)
          slot--;
        while (slot > 0 && ranks_above(&r, &top[slot - 1])) {
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
      int nf = forms_of(e, &c->caches->forms, lemma, w0->key, stem, &forms);
      if (nf < 0)
        rc = -1;
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

static struct us_word_cached *cache_find(us_word_cache *c, const char *key, size_t len) {
  if (!c->nslots)
    return NULL;
  for (size_t s = us_word_hash(key, len) & (c->nslots - 1);; s = (s + 1) & (c->nslots - 1)) {
    if (!c->slot[s])
      return NULL;
    struct us_word_cached *x = &c->entry[c->slot[s] - 1];
    if (x->key_len == len && !memcmp(c->text.data + x->key_off, key, len))
      return x;
  }
}

static uint64_t cached_hash(const void *ctx, size_t i) {
  const us_word_cache *c = ctx;
  return us_word_hash(c->text.data + c->entry[i].key_off, c->entry[i].key_len);
}

/* Adds an entry for `key` with its stems (no candidates yet); NULL when
 * memory runs out. */
static struct us_word_cached *cache_add(us_word_cache *c, const char *key, size_t len,
                                        const char *stems, size_t stems_len, int nst) {
  if (c->nentries >= UINT32_MAX - 1 || ((c->nentries + 1) * 2 > c->nslots &&
                                         us_slots_grow(&c->slot, &c->nslots, 1024, c->nentries,
                                                       cached_hash, c)))
    return NULL;
  struct us_word_cached *v = us_grow(c->entry, &c->entries_cap, c->nentries + 1, sizeof *v, 256);
  if (!v)
    return NULL;
  c->entry = v;
  struct us_word_cached *x = &c->entry[c->nentries];
  memset(x, 0, sizeof *x);
  x->phrases = -1;
  x->key_off = c->text.len;
  x->key_len = len;
  if (us_buf_append(&c->text, key, len) || us_buf_putc(&c->text, '\0'))
    return NULL;
  x->stems_off = c->text.len;
  x->stems_len = stems_len;
  x->nstems = nst;
  if (us_buf_append(&c->text, stems, stems_len))
    return NULL;
  x->first = c->ncands;
  c->slot[us_slot_free(c->slot, c->nslots, us_word_hash(key, len))] = (uint32_t)++c->nentries;
  return x;
}

/* What word_stems or word_forms gives: the word, or the lemma, the spun
 * word and its stem. */
typedef struct list_args {
  const char *word, *spun, *stem;
} list_args;

static int fill_stems(const unspin_engine *e, const list_args *a, us_buf *out) {
  return word_stems(e, a->word, out);
}

static int fill_forms(const unspin_engine *e, const list_args *a, us_buf *out) {
  return word_forms(e, a->word, a->spun, a->stem, out);
}

/* Appends the NUL-separated list that `fill` gives for `a`, which depends
 * on the engine and `key` alone, through the cache c: it is computed once
 * while the cache lasts.  Returns its length, or -1 when memory runs out. */
static int cached_list(const unspin_engine *e, us_word_cache *c, const char *key, size_t len,
                       int (*fill)(const unspin_engine *, const list_args *, us_buf *),
                       const list_args *a, us_buf *out) {
  const struct us_word_cached *x = cache_find(c, key, len);
  if (!x) {
    us_buf tmp = US_BUF_INIT;
    int n = fill(e, a, &tmp);
    x = n < 0 ? NULL : cache_add(c, key, len, tmp.data, tmp.len, n);
    us_buf_free(&tmp);
    if (!x)
      return -1;
  }
  return us_buf_append(out, c->text.data + x->stems_off, x->stems_len) ? -1 : x->nstems;
}

/* word_stems through the cache `sc`. */
static int stems_of(const unspin_engine *e, us_word_cache *sc, const char *w, us_buf *out) {
  list_args a = {w, NULL, NULL};
  return cached_list(e, sc, w, strlen(w), fill_stems, &a, out);
}

/* word_forms through the cache `fc`, into an empty `out` (word_forms
 * dedupes against what out holds): a lemma's forms with one ending are
 * generated and hunspell-checked once while the cache lasts. */
static int forms_of(const unspin_engine *e, us_word_cache *fc, const char *lemma,
                    const char *spun, const char *stem, us_buf *out) {
  char key[80];
  size_t len = strlen(lemma);
  list_args a = {lemma, spun, stem};
  if (len + 2 > sizeof key || out->len)
    return fill_forms(e, &a, out);
  memcpy(key, lemma, len);
  key[len++] = '\0';
  key[len++] = (char)('0' + us_morph_ending(spun, stem));
  return cached_list(e, fc, key, len, fill_forms, &a, out);
}

/* Whether any thesaurus links two phrases directly or through a shared
 * neighbour (both pair lists are sorted by original, so one merge pass).
 * Flat synonym lists do not count: Moby's link nearly any two common words
 * through some shared neighbour, which would vouch for every filler. */
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
      if (x.relation != US_REL_LISTED && x.len == blen && !memcmp(x.text, b, blen))
        return 1;
    }
    while (i < na && j < nb && !best) {
      us_dict_original(dict, fa + i, &x);
      us_dict_original(dict, fb + j, &y);
      int cmp = us_key_cmp(x.text, x.len, y.text, y.len);
      if (x.relation == US_REL_LISTED)
        i++;
      else if (y.relation == US_REL_LISTED)
        j++;
      else if (!cmp)
        best = 2;
      else if (cmp < 0)
        i++;
      else
        j++;
    }
  }
  return best;
}

/* thesaurus_hops, falling back to the stems of single words; -1 when
 * memory runs out. */
static int related_uncached(const unspin_engine *e, us_word_cache *sc, const char *a,
                            size_t alen, const char *b, size_t blen) {
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
  if (us_buf_append(&sa, x, alen + 1) || us_buf_append(&sb, y, blen + 1) ||
      stems_of(e, sc, x, &sa) < 0 || stems_of(e, sc, y, &sb) < 0) {
    hops = -1;
    goto done;
  }
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

/* related_uncached, remembered in the cache (the same filler meets the
 * same spun word again); -1 when memory runs out. */
static int related(const unspin_engine *e, us_cands *c, const char *a, size_t alen, const char *b,
                   size_t blen) {
  /* the key: a's length first (keys may hold any byte), a, b; on the stack
   * unless the phrases are long */
  char small[128], *key = small;
  size_t klen = sizeof alen + alen + blen;
  if (klen > sizeof small && !(key = malloc(klen)))
    return -1;
  memcpy(key, &alen, sizeof alen);
  memcpy(key + sizeof alen, a, alen);
  memcpy(key + sizeof alen + alen, b, blen);
  int hops;
  const struct us_word_cached *x = cache_find(&c->caches->related, key, klen);
  if (x) {
    hops = x->nstems;
  } else {
    hops = related_uncached(e, &c->caches->stems, a, alen, b, blen);
    if (hops >= 0 && !cache_add(&c->caches->related, key, klen, "", 0, hops))
      hops = -1;
  }
  if (key != small)
    free(key);
  return hops;
}

/* The fewest thesaurus steps linking a to b or c to d (0: none), or -1 when
 * memory runs out. */
static int either_related(const unspin_engine *e, us_cands *cands, const char *a, size_t alen,
                          const char *b, size_t blen, const char *c, size_t clen, const char *d,
                          size_t dlen) {
  int r = related(e, cands, a, alen, b, blen);
  if (r != 1 && r >= 0) {
    int r2 = related(e, cands, c, clen, d, dlen);
    if (r2 < 0 || (r2 && (!r || r2 < r)))
      r = r2;
  }
  return r;
}

/* Whether two words are the same word in another form: equal without
 * hyphens, two letters apart ("center"/"centre"), or sharing a hunspell
 * stem ("sponsor"/"sponsoring").  A filler seen in a dictionary that is
 * only another form of the word read is the author's choice of form, not a
 * synonym swap (the thesaurus still proposes variants it lists).  -1 when
 * memory runs out. */
static int same_lexeme(const unspin_engine *e, us_word_cache *sc, const char *a, size_t alen,
                       const char *b, size_t blen) {
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
  if (us_buf_append(&sa, x, alen + 1) || us_buf_append(&sb, y, blen + 1) ||
      stems_of(e, sc, x, &sa) < 0 || stems_of(e, sc, y, &sb) < 0) {
    same = -1;
    goto done;
  }
  for (size_t p = 0; p < sa.len && !same; p += strlen(sa.data + p) + 1)
    for (size_t q = 0; q < sb.len && !same; q += strlen(sb.data + q) + 1)
      same = !strcmp(sa.data + p, sb.data + q);
done:
  us_buf_free(&sa);
  us_buf_free(&sb);
  return same;
}

/* A filler found by aligning the sentence with a domain dictionary's
 * n-grams: words [start, start + len) may be dictionary words w[0..nw). */
typedef struct us_fill {
  uint32_t start;
  uint8_t len, nw;
  uint8_t bracketed; /* an alignment has anchors on both sides of it */
  uint32_t w[2];
  uint32_t dict;
} us_fill;

typedef struct us_fills {
  us_fill *v;
  size_t n, cap;
} us_fills;

/* Gaps one alignment may have. */
#define MAX_GAPS 3

/* The state of one alignment walk down a dictionary's trie: each step
 * consumes the next text word as an anchor (the same word) or a gap (any
 * word the dictionary has there, in place of one or two spinnable text
 * words). */
typedef struct walk {
  const unspin_dict *dict;
  uint32_t d;
  const us_word *words;
  size_t n;
  uint32_t eos;
  us_fill gap[MAX_GAPS];
  int ngaps, anchors;
  int bos; /* the first anchor is the sentence start marker */
  long budget; /* trie steps left for this start: bounds the work on big dictionaries */
  us_fills *out;
} walk;

/* Trie steps one alignment start may take: gaps branch over up to
 * MAX_FILLER_FANOUT words each, which a large domain dictionary would
 * multiply; a small one stays far below. */
#define WALK_BUDGET 20000

/* Records the alignment's gaps; `bracketed` when it ends on an anchor. */
static int emit(walk *k, int bracketed) {
  for (int g = 0; g < k->ngaps; g++) {
    us_fill *v = us_grow(k->out->v, &k->out->cap, k->out->n + 1, sizeof *v, 64);
    if (!v)
      return -1;
    k->out->v = v;
    k->out->v[k->out->n] = k->gap[g];
    k->out->v[k->out->n++].bracketed = (uint8_t)bracketed;
  }
  return 0;
}

static int is_marker(const unspin_dict *d, uint32_t id) {
  size_t len;
  const char *w = us_dict_word(d, id, &len);
  return !len || w[0] == '<';
}

/* Extends the walk from entry `at` of trie level `level` (level + 1
 * elements matched, the last an anchor or not) at text word p.  An
 * alignment is kept when it is bracketed by anchors (a sentence marker
 * brackets), has at least two that are words, and no more gaps than those: "on [analysis] [coaching] and" against the
 * dictionary's "on research training and".  A gap after two anchors that
 * are words also counts ("spy agency said" for "spy company said"). */
static int step(walk *k, int level, uint64_t at, size_t p, int last_anchor) {
  int depth = level + 1;
  if (k->budget-- <= 0)
    return 0;
  if (k->ngaps && depth >= 3 && k->anchors >= 2 && k->anchors + 1 >= k->ngaps &&
      (last_anchor || (depth == 3 && k->ngaps == 1 && k->gap[0].len == 1 &&
                       k->gap[0].nw == 1 && !k->bos)))
    if (emit(k, last_anchor))
      return -1;
  if (depth >= unspin_dict_order(k->dict) || p > k->n)
    return 0;
  uint32_t want = p < k->n ? k->words[p].lm.id[k->d] : k->eos;
  uint64_t child;
  if (want != US_LM_UNKNOWN && !us_dict_child(k->dict, level, at, want, &child)) {
    int word = p < k->n; /* the end marker brackets but is no evidence */
    k->anchors += word;
    int rc = step(k, level + 1, child, p + 1, 1);
    k->anchors -= word;
    if (rc)
      return rc;
  }
  if (p == k->n || !k->words[p].spinnable || k->ngaps == MAX_GAPS)
    return 0;
  uint64_t lo, hi;
  us_dict_children(k->dict, level, at, &lo, &hi);
  if (hi - lo > MAX_FILLER_FANOUT)
    return 0;
  for (uint64_t i = lo; i < hi; i++) {
    uint32_t x;
    uint64_t cnt;
    us_dict_extension(k->dict, (size_t)level + 1, i, &x, &cnt);
    if (x == want || is_marker(k->dict, x))
      continue;
    for (uint8_t len = 1; len <= 2; len++) {
      if (len == 2 && (p + 1 >= k->n || !k->words[p + 1].joined || !k->words[p + 1].spinnable))
        break;
      us_fill *g = &k->gap[k->ngaps++];
      *g = (us_fill){.start = (uint32_t)p, .len = len, .nw = 1, .w = {x, 0}, .dict = k->d};
      int rc = step(k, level + 1, i, p + len, 0);
      /* or a two-word original for one spun word: "in addition" */
      uint64_t lo2, hi2;
      us_dict_children(k->dict, level + 1, i, &lo2, &hi2);
      if (len == 1 && !rc && hi2 - lo2 <= MAX_FILLER_FANOUT && depth + 1 < unspin_dict_order(k->dict))
        for (uint64_t j = lo2; j < hi2 && !rc; j++) {
          uint32_t y;
          us_dict_extension(k->dict, (size_t)level + 2, j, &y, &cnt);
          if (is_marker(k->dict, y))
            continue;
          g->nw = 2;
          g->w[1] = y;
          rc = step(k, level + 2, j, p + 1, 0);
          g->nw = 1;
        }
      k->ngaps--;
      if (rc)
        return rc;
    }
  }
  return 0;
}

/* Every alignment of the sentence with dictionary slot d's n-grams. */
static int align(const unspin_engine *e, uint32_t d, const us_word *words, size_t n,
                 us_fills *out) {
  const unspin_dict *dict = e->dicts[d];
  if (unspin_dict_order(dict) < 3)
    return 0;
  static const char bos_key[] = UNSPIN_BOS, eos_key[] = UNSPIN_EOS;
  us_lm_word bos = us_lm_map(&e->lm, bos_key, sizeof bos_key - 1);
  us_lm_word eos = us_lm_map(&e->lm, eos_key, sizeof eos_key - 1);
  walk k = {.dict = dict, .d = d, .words = words, .n = n, .eos = eos.id[d], .out = out};
  /* from the sentence start marker, then from each word */
  for (size_t s = 0; s <= n; s++) {
    uint32_t first = s == 0 ? bos.id[d] : words[s - 1].lm.id[d];
    if (first == US_LM_UNKNOWN)
      continue;
    k.anchors = s > 0; /* the start marker brackets but is no evidence */
    k.ngaps = 0;
    k.bos = s == 0;
    k.budget = WALK_BUDGET;
    if (step(&k, 0, first, s, 1))
      return -1;
  }
  return 0;
}

static int fill_order(const void *a, const void *b) {
  const us_fill *x = a, *y = b;
  if (x->start != y->start)
    return x->start < y->start ? -1 : 1;
  if (x->len != y->len)
    return x->len - y->len;
  if (x->dict != y->dict)
    return x->dict < y->dict ? -1 : 1;
  if (x->nw != y->nw)
    return x->nw - y->nw;
  return memcmp(x->w, y->w, sizeof x->w);
}

/* An unrelated filler pays `mismatch` when it or its span is more than
 * MISMATCH_RATIO times as frequent in general English as the other, or
 * when one of them is a function word (at least FUNCTION_SHARE of the
 * general dictionaries' tokens: "the", "in", "was", "had"; about the 40
 * commonest words) and the other is not. */
#define MISMATCH_RATIO 300.0
#define FUNCTION_SHARE 0.003

/* The general dictionaries' tokens. */
static double general_total(const unspin_engine *e) {
  double n = 0;
  for (size_t d = 0; d < e->ndicts; d++)
    if (e->roles[d] == UNSPIN_ROLE_GENERAL)
      n += (double)unspin_dict_token_total(e->dicts[d]);
  return n;
}

/* The general dictionaries' count of a word. */
static double general_count(const unspin_engine *e, const us_lm_word *w) {
  double c = 0;
  for (size_t d = 0; d < e->ndicts; d++) {
    unspin_ngram_stats st;
    if (e->roles[d] == UNSPIN_ROLE_GENERAL && w->id[d] != US_LM_UNKNOWN &&
        !us_dict_lookup_ids(e->dicts[d], &w->id[d], 1, &st))
      c += (double)st.count;
  }
  return c;
}

int us_function_word(const unspin_engine *e, const char *w, size_t len) {
  double total = general_total(e);
  if (total <= 0) /* no general English to tell */
    return 0;
  us_lm_word m = us_lm_map(&e->lm, w, len);
  return general_count(e, &m) >= FUNCTION_SHARE * total;
}

/* Adds a context filler; a word list's original that the story also has
 * here (between anchors, or after two) gains `corroborate` once: two
 * sources agree. */
static int add_filler(const unspin_engine *e, const us_word *words, uint32_t start, uint8_t len,
                      const char *text, size_t tlen, double w, us_cands *c) {
  int oom = 0;
  us_cand *listed = find_cand(c, start, len, text, tlen, &oom);
  if (oom)
    return -1;
  int corroborates = listed && !listed->corroborated && listed->source != US_SRC_IDENTITY &&
                     listed->source != US_SRC_CONTEXT;
  int rc = add(c, e, words, start, len, US_SRC_CONTEXT, 0, text, tlen, w);
  if (corroborates) {
    listed->channel += e->channel.corroborate;
    listed->corroborated = 1;
  }
  return rc;
}

/* Adds the filler `filler` (one word, a lemma) for the spun word at
 * `start` again in each form inflected as the spun word is from its stems:
 * a spinner inflects its synonym like the original, so the story's
 * "become" is "became" where the spinner wrote "turned". */
static int inflected_fillers(const unspin_engine *e, const us_word *words, uint32_t start,
                             const char *filler, double w, us_cands *c) {
  const us_word *sw = &words[start];
  if (sw->len > 63)
    return 0;
  char spun[64];
  memcpy(spun, sw->key, sw->len);
  spun[sw->len] = '\0';
  us_buf st = US_BUF_INIT, lemmas = US_BUF_INIT, forms = US_BUF_INIT;
  int rc = 0;
  int ns = stems_of(e, &c->caches->stems, spun, &st);
  int nl = ns > 0 ? stems_of(e, &c->caches->stems, filler, &lemmas) : 0;
  if (ns < 0 || nl < 0)
    rc = -1;
  /* only a lemma: an inflected filler ("been") has its own tense */
  int lemma = nl == 0;
  for (size_t b = 0; b < lemmas.len; b += strlen(lemmas.data + b) + 1)
    lemma |= !strcmp(lemmas.data + b, filler);
  for (size_t a = 0; lemma && ns > 0 && a < st.len && !rc; a += strlen(st.data + a) + 1) {
    const char *stem = st.data + a;
    if (!strcmp(stem, spun))
      continue;
    us_buf_clear(&forms);
    int nf = forms_of(e, &c->caches->forms, filler, spun, stem, &forms);
    if (nf < 0)
      rc = -1;
    for (size_t f = 0; nf-- > 0 && !rc; f += strlen(forms.data + f) + 1) {
      const char *form = forms.data + f;
      if (strcmp(form, filler) && strcmp(form, spun))
        rc = add_filler(e, words, start, 1, form, strlen(form), w, c);
    }
  }
  us_buf_free(&st);
  us_buf_free(&lemmas);
  us_buf_free(&forms);
  return rc;
}

/* Adds the alignment fillers of span [start, start + len) that are not just
 * another form of the spun words, weighted by their thesaurus relatedness
 * to them (and by `mismatch` when unrelated and far apart in frequency); a
 * filler with another number of words than the span must be related
 * directly to it or to one of its words. */
static int context_candidates(const unspin_engine *e, const us_word *words, uint32_t start,
                              uint8_t len, const char *spun, size_t slen, const us_fills *f,
                              size_t *at, us_cands *c) {
  const us_channel *ch = &e->channel;
  us_buf text = US_BUF_INIT;
  int rc = 0;
  /* for `mismatch`, once a filler needs them: the count of the span's
   * rarest word and the count from which a word is a function word */
  double span_count = -1, function = 0;
  for (; *at < f->n && f->v[*at].start == start && f->v[*at].len == len && !rc; (*at)++) {
    const us_fill *x = &f->v[*at];
    const unspin_dict *dict = e->dicts[x->dict];
    size_t n1, n2 = 0;
    const char *w1 = us_dict_word(dict, x->w[0], &n1), *w2 = NULL;
    if (x->nw == 2)
      w2 = us_dict_word(dict, x->w[1], &n2);
    int same = same_lexeme(e, &c->caches->stems, words[start].key, words[start].len, w1, n1);
    if (!same && len == 2)
      same = same_lexeme(e, &c->caches->stems, words[start + 1].key, words[start + 1].len, w1, n1);
    us_buf_clear(&text);
    if (same < 0 || us_buf_append(&text, w1, n1) ||
        (w2 && (us_buf_putc(&text, ' ') || us_buf_append(&text, w2, n2)))) {
      rc = -1;
      break;
    }
    if (same)
      continue;
    int hops = related(e, c, spun, slen, text.data, text.len), part = 0;
    if (!hops && w2) /* one of the filler's words related to the span */
      part = either_related(e, c, spun, slen, w1, n1, spun, slen, w2, n2);
    else if (!hops && len == 2) /* the filler related to one of the span's words */
      part = either_related(e, c, words[start].key, words[start].len, w1, n1,
                            words[start + 1].key, words[start + 1].len, w1, n1);
    if (hops < 0 || part < 0) {
      rc = -1;
      break;
    }
    if (!hops && (w2 || len == 2) && !part)
      continue;
    /* one of another length than its span, directly ("Herald reported" ->
     * "is": two steps through "report" -> "describe" -> ... are too loose) */
    if (x->nw != len && hops != 1 && part != 1)
      continue;
    double w = ch->spin * len + ch->context + (x->bracketed ? 0.0 : ch->one_sided) +
               (hops == 1 ? ch->related1 : hops == 2 ? ch->related2 : 0.0);
    /* a spinner replaces a function word by its like, a content word by
     * its like: an unrelated filler of the other class is less likely */
    if (!hops && !part && ch->mismatch != 0 && e->ndomain < e->ndicts) {
      if (span_count < 0) {
        span_count = INFINITY;
        for (uint8_t i = 0; i < len; i++)
          span_count = fmin(span_count, general_count(e, &words[start + i].lm));
        function = FUNCTION_SHARE * general_total(e);
      }
      us_lm_word m = map_word(e, &c->caches->ids, w1, n1, NULL);
      double cf = general_count(e, &m);
      if (w2) {
        m = map_word(e, &c->caches->ids, w2, n2, NULL);
        cf = fmin(cf, general_count(e, &m));
      }
      if (fabs(log((cf + 1) / (span_count + 1))) > log(MISMATCH_RATIO) ||
          (span_count >= function) != (cf >= function))
        w += ch->mismatch;
    }
    rc = add_filler(e, words, start, len, text.data, text.len, w, c);
    if (!rc && len == 1 && x->nw == 1)
      rc = inflected_fillers(e, words, start, text.data, w, c);
  }
  us_buf_free(&text);
  return rc;
}

/* "a" or "an" before `word` (its first word counts): the article the
 * dictionaries have seen before it more often, by its first letter when
 * they have seen neither. */
static const char *article_for(const unspin_engine *e, const char *word, size_t len) {
  const char *sp = memchr(word, ' ', len);
  char w[64];
  len = sp ? (size_t)(sp - word) : len;
  if (!len || len >= sizeof w)
    return NULL;
  memcpy(w, word, len);
  w[len] = '\0';
  uint64_t a = 0, an = 0;
  for (size_t d = 0; d < e->ndicts; d++) {
    const char *ka[2] = {"a", w}, *kan[2] = {"an", w};
    unspin_ngram_stats st;
    if (unspin_dict_lookup_keys(e->dicts[d], ka, 2, &st) == UNSPIN_OK)
      a += st.count;
    if (unspin_dict_lookup_keys(e->dicts[d], kan, 2, &st) == UNSPIN_OK)
      an += st.count;
  }
  if (a != an)
    return a > an ? "a" : "an";
  return strchr("aeiou", w[0]) ? "an" : "a";
}

/* Spinners mend the article before a word they replace ("a statement" ->
 * "an announcement"): for each original of a span after "a" or "an" that
 * takes the other article, the same original with its article. */
static int article_candidates(const unspin_engine *e, const us_word *words, uint32_t i,
                              size_t from, us_cands *c) {
  if (i == 0 || !words[i].joined)
    return 0;
  const us_word *art = &words[i - 1];
  if (!((art->len == 1 && art->key[0] == 'a') || (art->len == 2 && !memcmp(art->key, "an", 2))))
    return 0;
  us_buf text = US_BUF_INIT;
  int rc = 0;
  for (size_t k = from, end = c->n; k < end && !rc; k++) {
    us_cand x = c->v[k];
    size_t most = x.source == US_SRC_PROFILE ? US_MAX_SPAN : US_LIST_SPAN;
    if (x.source == US_SRC_IDENTITY || x.len == most || x.nwords == most)
      continue;
    const char *want = article_for(e, c->text.data + x.text_off, x.text_len);
    if (!want || (strlen(want) == art->len && !memcmp(want, art->key, art->len)))
      continue;
    us_buf_clear(&text);
    if (us_buf_append(&text, want, strlen(want)) || us_buf_putc(&text, ' ') ||
        us_buf_append(&text, c->text.data + x.text_off, x.text_len))
      rc = -1;
    else
      rc = add(c, e, words, i - 1, (uint8_t)(x.len + 1), (us_source)x.source, x.relation,
               text.data, text.len,
               x.source == US_SRC_PROFILE /* the spinner model charges no length */
                   ? x.channel
                   : x.channel - e->channel.length * fabs((double)x.len - x.nwords));
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

static int by_rank(const void *a, const void *b) {
  const us_cand *x = a, *y = b;
  return x->rank > y->rank ? -1 : x->rank < y->rank;
}

/* Sets x->rank, channel plus each word's scaled unigram log-probability
 * (which add() stored). */
static void rank_cand(us_cand *x) {
  x->rank = x->channel;
  for (int i = 0; i < x->nwords; i++)
    x->rank += x->unigram[i];
}

static int cache_keep(us_word_cache *c, const char *key, size_t len, const us_buf *stems, int nst,
                      const us_cands *out, size_t from, size_t n);

/* Whether a word list has a phrase beginning with word w or one of its
 * `nst` stems: spans starting at w have word-list and morphology
 * candidates only then. */
static int phrases_begin(const unspin_engine *e, const us_word *w, const us_buf *stems, int nst) {
  for (size_t d = 0; d < e->ndicts; d++) {
    if (us_dict_phrases_begin(e->dicts[d], w->key, w->len))
      return 1;
    size_t at = 0;
    for (int k = 0; k < nst; k++, at += strlen(stems->data + at) + 1)
      if (us_dict_phrases_begin(e->dicts[d], stems->data + at, strlen(stems->data + at)))
        return 1;
  }
  return 0;
}

/* Remembers word w's stems and the US_MAX_PER_SPAN likeliest of its
 * word-list candidates, out->v[from, to), sorted best first by channel and
 * unigram probability, so that its next occurrences, in this document or a
 * later one, skip the lookups (the caller keeps no more of them here: every
 * occurrence gets the same candidates). */
static int cache_store(us_cands *out, const us_word *w, const us_buf *stems,
                       int nst, size_t from, size_t to) {
  us_word_cache *c = &out->caches->words;
  for (size_t k = from; k < to; k++)
    rank_cand(&out->v[k]);
  qsort(out->v + from, to - from, sizeof *out->v, by_rank);
  unindex(out);
  size_t keep = to - from < US_MAX_PER_SPAN ? to - from : US_MAX_PER_SPAN;
  return cache_keep(c, w->key, w->len, stems, nst, out, from, keep);
}

/* Adds an entry for `key` with its stems and the candidates out->v[from,
 * from + n). */
static int cache_keep(us_word_cache *c, const char *key, size_t len, const us_buf *stems, int nst,
                      const us_cands *out, size_t from, size_t n) {
  us_cand *v = us_grow(c->cands, &c->cands_cap, c->ncands + n, sizeof *v, 1024);
  if (!v)
    return -1;
  c->cands = v;
  struct us_word_cached *x =
      cache_add(c, key, len, stems ? stems->data : "", stems ? stems->len : 0, nst);
  if (!x)
    return -1;
  x->n = n;
  for (size_t k = 0; k < n; k++) {
    us_cand y = out->v[from + k];
    size_t off = c->text.len;
    if (us_buf_append(&c->text, out->text.data + y.text_off, y.text_len) ||
        us_buf_putc(&c->text, '\0'))
      return -1;
    y.text_off = off;
    c->cands[c->ncands++] = y;
  }
  return 0;
}

/* Appends the candidates cache c remembers in x as starting at word i. */
static int cache_replay(us_cands *out, const us_word_cache *c, const struct us_word_cached *x,
                        uint32_t i) {
  for (size_t k = 0; k < x->n; k++) {
    us_cand *v = us_grow(out->v, &out->cap, out->n + 1, sizeof *v, 64);
    if (!v)
      return -1;
    out->v = v;
    us_cand y = c->cands[x->first + k];
    const char *t = c->text.data + y.text_off;
    y.start = i;
    y.text_off = out->text.len;
    if (us_buf_append(&out->text, t, y.text_len) || us_buf_putc(&out->text, '\0'))
      return -1;
    out->v[out->n++] = y;
  }
  return 0;
}

/* A word's chance of being written capitalised inside a sentence (where its
 * case is evidence): its capitalised uses over all such uses in the loaded
 * dictionaries, pulled towards the overall rate `prior` by case_smoothing
 * pseudo-uses. */
static double case_rate(const unspin_engine *e, const us_lm_word *w, double prior) {
  double capital = 0, all = 0;
  for (size_t d = 0; d < e->ndicts; d++) {
    uint32_t c, l;
    us_dict_case(e->dicts[d], w->id[d], &c, &l);
    capital += c;
    all += (double)c + l;
  }
  double a = e->channel.case_smoothing;
  return (capital + a * prior) / (all + a);
}

/* The case model's part of the channel: spinners copy the case of what
 * they replace, so the case we read is evidence for originals that are
 * written that way ("Could" inside a sentence: "May").  Adds, to every
 * candidate of a word whose case is evidence, case_weight times
 * log P(that case | its first word) - log P(that case | the spun word). */
static void case_channel(const unspin_engine *e, const us_word *words, us_cands *out) {
  double capital = 0, all = 0;
  for (size_t d = 0; d < e->ndicts; d++) {
    uint64_t c, l;
    us_dict_case_totals(e->dicts[d], &c, &l);
    capital += (double)c;
    all += (double)c + (double)l;
  }
  if (all <= 0 || e->channel.case_weight == 0)
    return;
  double prior = fmin(fmax(capital / all, 1e-6), 1 - 1e-6);
  double qs = 0; /* the spun word's rate, for the candidates starting at `at` */
  size_t at = SIZE_MAX;
  for (size_t k = 0; k < out->n; k++) {
    us_cand *c = &out->v[k];
    const us_word *w = &words[c->start];
    if (c->source == US_SRC_IDENTITY || w->case_ev == US_CASE_EV_NONE)
      continue;
    if (c->start != at) {
      at = c->start;
      qs = case_rate(e, &w->lm, prior);
    }
    double qo = case_rate(e, &c->w[0], prior);
    double ratio = w->case_ev == US_CASE_EV_CAPITAL ? qo / qs : (1 - qo) / (1 - qs);
    c->channel += e->channel.case_weight * log(ratio);
  }
}

/* Spinners apply one word list to the whole document, often choosing the
 * same synonym each time: a substitution an earlier pass made elsewhere in
 * the document (out->made) is likelier here too.  Adds `consistency` to the
 * channel of each candidate whose (span, original) pair was made at another
 * place, never counting the pair made here, which would only reinforce
 * itself.  Detection evidence is left alone. */
static int consistency_channel(const unspin_engine *e, const us_word *words, us_cands *out) {
  us_buf spun = US_BUF_INIT;
  int rc = 0;
  const us_cand *joined = NULL; /* the last candidate whose span `spun` holds */
  for (size_t k = 0; k < out->n && !rc; k++) {
    us_cand *c = &out->v[k];
    if (c->source == US_SRC_IDENTITY)
      continue;
    if (!joined || joined->start != c->start || joined->len != c->len) {
      rc = us_join_keys(words + c->start, c->len, &spun);
      joined = c;
    }
    if (!rc && us_pairs_elsewhere(out->made, spun.data, spun.len, out->text.data + c->text_off,
                                  c->text_len, words[c->start].token))
      c->channel += e->channel.consistency;
  }
  us_buf_free(&spun);
  return rc;
}

/* A spinner that has a word on its list replaces it nearly everywhere: an
 * original the earlier pass kept elsewhere in the document and restored
 * nowhere else (out->seen) pays `present`.  Function words, which a text
 * writes many times in many roles, are exempt.  Detection evidence is left
 * alone. */
static void present_channel(const unspin_engine *e, const us_word *words, us_cands *out) {
  for (size_t k = 0; k < out->n; k++) {
    us_cand *c = &out->v[k];
    if (c->source == US_SRC_IDENTITY || c->nwords != 1 ||
        !us_kept_words_doubt(out->seen, out->text.data + c->text_off, c->text_len,
                             words[c->start].token) ||
        us_function_word(e, out->text.data + c->text_off, c->text_len))
      continue;
    c->channel += e->channel.present;
  }
}

static int candidates(const unspin_engine *e, const us_word *words, size_t n, us_cands *out);

int us_candidates(const unspin_engine *e, const us_word *words, size_t n, us_cands *out) {
  if (out->caches)
    return candidates(e, words, n, out);
  us_word_caches local = {0}; /* caches for this call alone */
  out->caches = &local;
  int rc = candidates(e, words, n, out);
  us_word_caches_clear(&local);
  out->caches = NULL;
  return rc;
}

static int candidates(const unspin_engine *e, const us_word *words, size_t n, us_cands *out) {
  out->n = 0;
  unindex(out);
  us_buf_clear(&out->text);
  us_buf spun = US_BUF_INIT, stems = US_BUF_INIT;
  us_fills fills = {0};
  size_t at = 0;
  int rc = 0;
  for (size_t d = 0; d < e->ndicts && !rc; d++)
    if (e->roles[d] != UNSPIN_ROLE_GENERAL)
      rc = align(e, (uint32_t)d, words, n, &fills);
  if (fills.n)
    qsort(fills.v, fills.n, sizeof *fills.v, fill_order);
  /* one filler per (span, words): the same one from other alignments is
   * bracketed if any of them is */
  size_t nfills = fills.n ? 1 : 0;
  for (size_t i = 1; i < fills.n; i++) {
    if (fill_order(&fills.v[i], &fills.v[nfills - 1]))
      fills.v[nfills++] = fills.v[i];
    else
      fills.v[nfills - 1].bracketed |= fills.v[i].bracketed;
  }
  fills.n = nfills;
  /* a profile's table is the spinner model's: the thesauri and morphology
   * are only the prior of a spinner nobody has described */
  const int lists = !e->nprofiles;
  for (size_t i = 0; i < n && !rc; i++) {
    size_t from = out->n;
    rc = add(out, e, words, (uint32_t)i, 1, US_SRC_IDENTITY, 0, words[i].key, words[i].len,
             lists ? e->channel.keep : spinner_keep(e, &words[i], out->doc));
    /* the first word's stems serve every span starting here */
    us_buf_clear(&stems);
    struct us_word_cached *hit =
        lists && words[i].spinnable ? cache_find(&out->caches->words, words[i].key, words[i].len) : NULL;
    int phrases = 1; /* a word list's phrase may begin here (known from the second word on) */
    int nst = 0;
    if (!lists) {
      /* no word lists read: no stems wanted */
    } else if (hit) {
      nst = hit->nstems;
      if (us_buf_append(&stems, out->caches->words.text.data + hit->stems_off, hit->stems_len))
        rc = -1;
    } else if ((e->morph || e->irregular) && words[i].spinnable && words[i].len >= 3 &&
               !memchr(words[i].key, '\'', words[i].len)) {
      nst = word_stems(e, words[i].key, &stems);
      if (nst < 0)
        rc = -1;
    }
    us_buf_clear(&spun);
    for (size_t len = 1; len <= US_LIST_SPAN && i + len <= n && !rc; len++) {
      if ((len > 1 && !words[i + len - 1].joined) || !words[i + len - 1].spinnable)
        break;
      if ((len > 1 && us_buf_putc(&spun, ' ')) ||
          us_buf_append(&spun, words[i + len - 1].key, words[i + len - 1].len)) {
        rc = -1;
        break;
      }
      size_t lexical = out->n;
      if (lists && len == 2) {
        phrases = hit && hit->phrases >= 0 ? hit->phrases : phrases_begin(e, &words[i], &stems, nst);
        if (hit)
          hit->phrases = (int8_t)phrases;
      }
      /* a span's candidates depend on its words and the engine alone (and
       * are none when no phrase begins with its first word or a stem) */
      const int listed = lists && (len == 1 || phrases);
      const struct us_word_cached *span =
          listed && len > 1 ? cache_find(&out->caches->spans, spun.data, spun.len) : NULL;
      if (lists && len == 1 && hit) {
        rc = cache_replay(out, &out->caches->words, hit, (uint32_t)i);
      } else if (span) {
        rc = cache_replay(out, &out->caches->spans, span, (uint32_t)i);
      } else if (listed) {
        rc = list_candidates(e, words, (uint32_t)i, (uint8_t)len, spun.data, spun.len, out);
        if (!rc)
          rc = morphology_candidates(e, words, (uint32_t)i, (uint8_t)len, &stems, nst, out);
        if (!rc && len == 1)
          rc = cache_store(out, &words[i], &stems, nst, lexical, out->n);
        else if (!rc)
          rc = cache_keep(&out->caches->spans, spun.data, spun.len, NULL, 0, out, lexical,
                          out->n - lexical);
        /* every occurrence of a word, in this document or another, gets the
         * candidates the cache keeps of it (learning keeps them all) */
        if (!rc && len == 1 && !out->gather && out->n - lexical > US_MAX_PER_SPAN)
          out->n = lexical + US_MAX_PER_SPAN; /* (cache_store dropped the index) */
      }
      while (!rc && at < fills.n && (fills.v[at].start < i ||
                                     (fills.v[at].start == i && fills.v[at].len < len)))
        at++; /* fillers of spans that ended early (a word no spinner writes) */
      if (!rc)
        rc = context_candidates(e, words, (uint32_t)i, (uint8_t)len, spun.data, spun.len, &fills,
                                &at, out);
    }
    if (!rc && !lists)
      rc = spinner_candidates(e, words, n, i, out);
    if (!rc)
      rc = article_candidates(e, words, (uint32_t)i, from, out);
  }
  free(fills.v);
  us_buf_free(&spun);
  us_buf_free(&stems);
  if (!rc)
    case_channel(e, words, out);
  if (!rc && out->made && out->made->n)
    rc = consistency_channel(e, words, out);
  if (!rc && out->seen && e->channel.present != 0)
    present_channel(e, words, out);
  for (size_t k = 0; k < out->n && !rc; k++) {
    if (out->v[k].source == US_SRC_IDENTITY)
      out->v[k].rank = INFINITY;
    else
      rank_cand(&out->v[k]);
  }
  if (!rc && out->n) {
    qsort(out->v, out->n, sizeof *out->v, by_start);
    unindex(out);
    if (!out->gather) /* learning weighs every link itself */
      keep_likeliest(out);
  }
  return rc;
}

int us_join_keys(const us_word *w, size_t n, us_buf *out) {
  us_buf_clear(out);
  for (size_t i = 0; i < n; i++)
    if ((i && us_buf_putc(out, ' ')) || us_buf_append(out, w[i].key, w[i].len))
      return -1;
  return 0;
}

void us_cands_free(us_cands *c) {
  free(c->v);
  free(c->index);
  c->index = NULL;
  c->nindex = 0;
  us_buf_free(&c->text);
  c->v = NULL;
  c->n = c->cap = 0;
}

/* Every cache of a set, for what is done to each. */
#define NCACHES 6
#define EACH_CACHE(c) {&(c)->words, &(c)->stems, &(c)->related, &(c)->spans, &(c)->ids, &(c)->forms}

void us_word_caches_swap_shared(us_word_caches *a, us_word_caches *b) {
  us_word_cache *x[] = {&a->stems, &a->related, &a->ids, &a->forms};
  us_word_cache *y[] = {&b->stems, &b->related, &b->ids, &b->forms};
  for (size_t i = 0; i < sizeof x / sizeof *x; i++) {
    us_word_cache t = *x[i];
    *x[i] = *y[i];
    *y[i] = t;
  }
}

size_t us_word_caches_size(const us_word_caches *c) {
  const us_word_cache *v[NCACHES] = EACH_CACHE(c);
  size_t n = 0;
  for (int i = 0; i < NCACHES; i++)
    n += v[i]->nslots * sizeof *v[i]->slot + v[i]->entries_cap * sizeof *v[i]->entry +
         v[i]->cands_cap * sizeof *v[i]->cands + v[i]->text.cap;
  return n;
}

void us_word_caches_clear(us_word_caches *c) {
  us_word_cache *v[NCACHES] = EACH_CACHE(c);
  for (int i = 0; i < NCACHES; i++) {
    free(v[i]->slot);
    free(v[i]->entry);
    free(v[i]->cands);
    us_buf_free(&v[i]->text);
    memset(v[i], 0, sizeof *v[i]);
  }
}
