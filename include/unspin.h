/*
 * unspin.h - the whole public API of libunspin.
 *
 * libunspin finds text that an article spinner has run through a thesaurus
 * and puts the original wording back.  This header is the reference: every
 * function says what it returns, who owns what, and whether it may be called
 * from several threads.
 *
 * Conventions
 *  - Fallible calls return an unspin_status (UNSPIN_OK is 0).  Objects come
 *    back through an out-parameter, which is set to NULL on failure.
 *  - Most fallible calls take an optional `unspin_error *err` (may be NULL).
 *    On failure it receives the status, a one-line message naming the file
 *    and byte offset concerned where there is one, and that offset.
 *  - Every `*_new`/`*_open` pairs with a `*_free`; `*_free(NULL)` is a no-op.
 *  - Text is UTF-8 with an explicit length; it need not be NUL-terminated
 *    and may contain NUL bytes.
 *  - The library never prints and never exits.  Its only process-wide
 *    state is ICU's word and sentence break iterators, opened once (under
 *    pthread_once) and from then on only copied.  Objects are safe to use
 *    from several threads at once only where a function says so; otherwise
 *    give each thread its own.
 */
#ifndef UNSPIN_H
#define UNSPIN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(UNSPIN_STATIC_DEFINE)
#define UNSPIN_EXPORT
#elif defined(__GNUC__)
#define UNSPIN_EXPORT __attribute__((visibility("default")))
#else
#define UNSPIN_EXPORT
#endif

/* ---------------------------------------------------------------------- */
/* Version                                                                */
/* ---------------------------------------------------------------------- */

#define UNSPIN_VERSION_MAJOR 0
#define UNSPIN_VERSION_MINOR 1
#define UNSPIN_VERSION_PATCH 0
/** The version this header belongs to, as MAJOR * 10000 + MINOR * 100 + PATCH. */
#define UNSPIN_VERSION_NUMBER                                                  \
  (UNSPIN_VERSION_MAJOR * 10000 + UNSPIN_VERSION_MINOR * 100 + UNSPIN_VERSION_PATCH)

/** Returns the version of the linked library as MAJOR * 10000 + MINOR * 100
 * + PATCH, to compare with UNSPIN_VERSION_NUMBER.  Thread-safe. */
UNSPIN_EXPORT int unspin_version(void);

/** Returns the version of the linked library as a static string such as
 * "0.1.0".  The caller must not free it.  Thread-safe. */
UNSPIN_EXPORT const char *unspin_version_string(void);

/* ---------------------------------------------------------------------- */
/* Errors                                                                 */
/* ---------------------------------------------------------------------- */

typedef enum unspin_status {
  UNSPIN_OK = 0,
  UNSPIN_ERR_NOMEM,       /**< memory allocation failed */
  UNSPIN_ERR_INVALID_ARG, /**< a NULL or out-of-range argument */
  UNSPIN_ERR_IO,          /**< a file could not be opened, read or written */
  UNSPIN_ERR_FORMAT,      /**< a dictionary is corrupt or truncated */
  UNSPIN_ERR_VERSION,     /**< a dictionary has an unsupported format version */
  UNSPIN_ERR_UTF8,        /**< invalid UTF-8 (only with UNSPIN_OPT_STRICT_UTF8) */
  UNSPIN_ERR_ICU,         /**< ICU reported an error */
  UNSPIN_ERR_LIMIT        /**< an input exceeds a documented limit */
} unspin_status;

/** Details of a failure.  Plain data: declare one on the stack and pass its
 * address; the library fills it only when a call fails. */
typedef struct unspin_error {
  unspin_status status; /**< same value as the call returned */
  int64_t offset;       /**< byte offset in the file or buffer concerned, or -1 */
  char message[512];    /**< one line, NUL-terminated, naming file and offset */
} unspin_error;

/** Returns a static, human-readable description of a status code (never
 * NULL; unknown codes give "unknown error").  Thread-safe. */
UNSPIN_EXPORT const char *unspin_strerror(unspin_status status);

/* ---------------------------------------------------------------------- */
/* Phrase dictionaries                                                    */
/* ---------------------------------------------------------------------- */

/** A compiled phrase dictionary: counts of the 1- to N-grams of normalised
 * tokens of a body of clean text (see docs/dictionary-format.md).  Opened
 * read-only through mmap.  Once opened it is immutable: any number of
 * threads may look up and analyse with the same dictionary at once. */
typedef struct unspin_dict unspin_dict;

/** Flags for unspin_dict_open.  By default opening checks the header, the
 * tables' places and sizes and the table of block checksums, which takes
 * constant time whatever the file's size; then each 64 KiB block of the
 * tables is checked against its checksum the first time anything reads it.
 * A block found damaged makes the call that read it (unspin_analyze,
 * unspin_dict_lookup, a merge, learning) and every later one fail with
 * UNSPIN_ERR_FORMAT and the block's offset, so no result is computed from
 * a damaged byte. */
#define UNSPIN_DICT_DEFAULT 0u
/** Check nothing but the header and the tables' places and sizes.  Lookups
 * stay memory-safe on a damaged file but may return wrong counts. */
#define UNSPIN_DICT_NO_VERIFY (1u << 0)
/** Read the whole file at open: every table's checksum and the invariants
 * lookups rely on (`unspin check`).  Takes time in proportion to the size. */
#define UNSPIN_DICT_VERIFY (1u << 1)

/** Opens the dictionary file at `path` (a NUL-terminated file name).
 * On success stores a new handle in `*out`, which the caller frees with
 * unspin_dict_free.  A file that is truncated, damaged or not a dictionary
 * gives UNSPIN_ERR_FORMAT (UNSPIN_ERR_VERSION for a newer format) with the
 * byte offset of the problem in `err`.  Thread-safe. */
UNSPIN_EXPORT unspin_status unspin_dict_open(unspin_dict **out, const char *path,
                                             unsigned flags, unspin_error *err);

/** Unmaps and frees a dictionary.  No engine using it may be in use. */
UNSPIN_EXPORT void unspin_dict_free(unspin_dict *dict);

/** Returns the longest n-gram length stored (the build's --order). */
UNSPIN_EXPORT int unspin_dict_order(const unspin_dict *dict);

/** Returns the number of distinct n-grams of length `n` (0 if out of range). */
UNSPIN_EXPORT uint64_t unspin_dict_ngram_types(const unspin_dict *dict, int n);

/** Returns the number of tokens counted, sentence-end markers included. */
UNSPIN_EXPORT uint64_t unspin_dict_token_total(const unspin_dict *dict);

/** Returns 1 if the dictionary is a back-off language model compiled from
 * an ARPA file (unspin_builder_add_arpa), 0 if it holds n-gram counts.  A
 * back-off model holds probabilities, not counts: it serves only as a
 * general language model (UNSPIN_ROLE_GENERAL); unspin_dict_lookup and
 * merging refuse it. */
UNSPIN_EXPORT int unspin_dict_is_backoff(const unspin_dict *dict);

/** Returns the dictionary's identity: a 64-bit checksum of its header,
 * which holds the checksums of all its tables, so two files with the same
 * identity hold the same model (0 for NULL).  Lets the nodes of a cluster
 * check that they load the same dictionary. */
UNSPIN_EXPORT uint64_t unspin_dict_id(const unspin_dict *dict);

/** UNSPIN_OK, or, once a read has found a block of the dictionary damaged
 * (see UNSPIN_DICT_DEFAULT), UNSPIN_ERR_FORMAT with the file and the block's
 * offset in `err`: what a lookup that failed with UNSPIN_ERR_FORMAT found.
 * Thread-safe. */
UNSPIN_EXPORT unspin_status unspin_dict_damage(const unspin_dict *dict, unspin_error *err);

/** What a dictionary knows about one n-gram; all zero when it is absent. */
typedef struct unspin_ngram_stats {
  uint64_t count;       /**< occurrences of the n-gram */
  uint64_t left_types;  /**< distinct words seen just before it (Kneser-Ney
                             continuation count; 0 for N-grams of full order) */
  uint64_t right_types; /**< distinct words seen just after it (0 at full order) */
  uint64_t left_sum;    /**< distinct (left word, it, right word) triples: the sum
                             of left_types over its one-word extensions (0 at full order) */
} unspin_ngram_stats;

/** Sentence-boundary pseudo-words, usable in unspin_dict_lookup_keys. */
#define UNSPIN_BOS "<s>"
#define UNSPIN_EOS "</s>"

/** Looks up a phrase given as text: it is tokenised and normalised exactly as
 * dictionary building does (punctuation is dropped, case folded, quotes
 * unified), then counted.  Returns UNSPIN_OK and fills `*stats` (zeros when
 * absent); UNSPIN_ERR_LIMIT if the phrase has more words than the order or
 * none; UNSPIN_ERR_FORMAT (zeros) once a block of the dictionary has been
 * found damaged (see UNSPIN_DICT_DEFAULT).  Thread-safe. */
UNSPIN_EXPORT unspin_status unspin_dict_lookup(const unspin_dict *dict, const char *phrase,
                                               size_t len, unspin_ngram_stats *stats);

/** Looks up an n-gram given as `n` already-normalised keys (as returned by
 * unspin_result_token_key, or UNSPIN_BOS / UNSPIN_EOS).  Same results as
 * unspin_dict_lookup.  Thread-safe. */
UNSPIN_EXPORT unspin_status unspin_dict_lookup_keys(const unspin_dict *dict,
                                                    const char *const *keys, size_t n,
                                                    unspin_ngram_stats *stats);

/* ---------------------------------------------------------------------- */
/* Building dictionaries                                                  */
/* ---------------------------------------------------------------------- */

/** Settings for a dictionary build.  Initialise with unspin_build_options_init
 * and change what you need. */
typedef struct unspin_build_options {
  int order;           /**< longest n-gram to count, 1..8; default 5 */
  size_t memory_limit; /**< bytes of counts held before sorted runs are
                            spilled to temporary files; default 16 MiB
                            (cache-sized runs build faster than one large
                            table, see docs/dictionary-format.md), minimum
                            64 KiB */
  const char *temp_dir; /**< directory for spilled runs; NULL means $TMPDIR,
                             else /tmp.  Files are unlinked at creation. */
} unspin_build_options;

/** Fills `opts` with the defaults documented above. */
UNSPIN_EXPORT void unspin_build_options_init(unspin_build_options *opts);

/** Counts n-grams of clean text and writes a compiled dictionary.  Not
 * thread-safe: one thread at a time per builder. */
typedef struct unspin_builder unspin_builder;

/** Creates a builder (`opts` may be NULL for the defaults).  The options are
 * copied, `temp_dir` included.  Free with unspin_builder_free. */
UNSPIN_EXPORT unspin_status unspin_builder_new(unspin_builder **out,
                                               const unspin_build_options *opts,
                                               unspin_error *err);

/** Adds one complete document of clean UTF-8 text.  Sentences never span two
 * calls.  Invalid UTF-8 is counted as U+FFFD and never fails the call. */
UNSPIN_EXPORT unspin_status unspin_builder_add_text(unspin_builder *b, const char *text,
                                                    size_t len, unspin_error *err);

/** Adds a piece of a document that arrives in pieces (a large file read in
 * blocks).  Text is held back up to the last paragraph or line break and
 * counted with the next piece; unspin_builder_end_document counts the rest. */
UNSPIN_EXPORT unspin_status unspin_builder_feed(unspin_builder *b, const char *text,
                                                size_t len, unspin_error *err);

/** Ends the document being fed with unspin_builder_feed. */
UNSPIN_EXPORT unspin_status unspin_builder_end_document(unspin_builder *b, unspin_error *err);

/** Makes the dictionary a back-off language model: the n-grams of the ARPA
 * file at `path` with their log10 probabilities and back-off weights, as
 * SRILM, KenLM or CMU Sphinx write them.  Takes a builder to which nothing
 * else was added (no text, no dictionary); its order becomes the model's.
 * An n-gram with a word that is not already a normalised key (lower case,
 * NFKC, straight apostrophes) is left out, as is one whose prefix the model
 * lacks (see unspin_builder_skipped).  A malformed or truncated file gives
 * UNSPIN_ERR_FORMAT naming the file, line and byte offset. */
UNSPIN_EXPORT unspin_status unspin_builder_add_arpa(unspin_builder *b, const char *path,
                                                    unspin_error *err);

/** How many n-grams of a back-off model were left out: those with words
 * that are not normalised keys (counted by unspin_builder_add_arpa) and,
 * once written, those whose prefix the model lacks. */
UNSPIN_EXPORT size_t unspin_builder_skipped(const unspin_builder *b);

/** Adds every n-gram count of an existing dictionary (up to the builder's
 * order): building from two dictionaries merges them.  A back-off model
 * cannot be merged (UNSPIN_ERR_INVALID_ARG). */
UNSPIN_EXPORT unspin_status unspin_builder_add_dict(unspin_builder *b, const unspin_dict *dict,
                                                    unspin_error *err);

/** Adds a thesaurus in the MyThes format (LibreOffice's th_en_US_v2.dat,
 * UTF-8) read from `path`, inverted: each term of a headword's lists
 * becomes a phrase a spinner may have written for that headword.  Phrases
 * of up to 3 words are kept; antonyms are skipped.  A malformed file gives
 * UNSPIN_ERR_FORMAT with the byte offset of the bad line. */
UNSPIN_EXPORT unspin_status unspin_builder_add_thesaurus(unspin_builder *b, const char *path,
                                                         unspin_error *err);

/** Adds a flat synonym list read from `path`: one line per headword,
 * "headword,term,term,..." (the Moby thesaurus's format; UTF-8, LF or
 * CRLF), inverted: each term becomes a phrase a spinner may have written
 * for its headword (one way only, as a spinner reads its list).  Phrases of
 * up to 3 words are kept.  Such lists are loose: when restoring, their
 * links propose only originals that a domain dictionary has seen, and they
 * do not count as evidence that a text is spun.  Invalid UTF-8 or a NUL
 * byte gives UNSPIN_ERR_FORMAT with the byte offset of the first. */
UNSPIN_EXPORT unspin_status unspin_builder_add_synonym_list(unspin_builder *b,
                                                            const char *path,
                                                            unspin_error *err);

/** Writes the dictionary to `path` (through a temporary file renamed into
 * place, so a failed write never leaves a half file under that name).  The
 * builder may not be used afterwards except to free it. */
UNSPIN_EXPORT unspin_status unspin_builder_write(unspin_builder *b, const char *path,
                                                 unspin_error *err);

/** Returns how many sorted runs the builder has spilled to disk so far. */
UNSPIN_EXPORT size_t unspin_builder_spill_count(const unspin_builder *b);

/** Returns how many n-gram occurrences the builder has counted so far, of
 * every order (for a progress report). */
UNSPIN_EXPORT uint64_t unspin_builder_ngram_count(const unspin_builder *b);

/** Frees a builder and its temporary files. */
UNSPIN_EXPORT void unspin_builder_free(unspin_builder *b);

/* ---------------------------------------------------------------------- */
/* Analysis                                                               */
/* ---------------------------------------------------------------------- */

/** Analysis flags (unspin_options.flags). */
#define UNSPIN_OPT_DEFAULT 0u
/** Fail with UNSPIN_ERR_UTF8 on invalid UTF-8 instead of passing the bytes
 * through unchanged. */
#define UNSPIN_OPT_STRICT_UTF8 (1u << 0)
/** Restore every document.  By default a document whose verdict is
 * "clean" comes out unchanged (its tokens still get spin probabilities and
 * candidates): a restoration in text that was not spun can only be wrong. */
#define UNSPIN_OPT_RESTORE_CLEAN (1u << 1)
/** Stop at the verdict: the score and verdict are those of the full
 * analysis, but the passes that only restore (the raised prior of a spun
 * document, consistency) are skipped, the text comes out unchanged and no
 * span is restored; tokens keep the first passes' spin probabilities and
 * candidates.  What a detector needs, in less time for spun text. */
#define UNSPIN_OPT_DETECT_ONLY (1u << 2)
/** Compute only what the text, the verdict and the score need: they come
 * out as a full analysis gives them, but tokens get no spin probabilities
 * (0) and no candidates (unspin_result_token_spin and
 * unspin_result_token_candidate_count, and so the JSON format's per-token
 * detail), and a word's candidates are scored only while they can change
 * the verdict or a restoration.  `unspin` sets it except with --json; with
 * UNSPIN_OPT_DETECT_ONLY, as --detect sets them, an analysis computes the
 * verdict and nothing else. */
#define UNSPIN_OPT_NO_TOKEN_DETAIL (1u << 3)

/** Analysis settings.  Initialise with unspin_options_init; later versions
 * add fields only at the end and set `struct_size`, so a caller compiled
 * against an older header keeps working. */
typedef struct unspin_options {
  size_t struct_size; /**< sizeof(unspin_options); set by unspin_options_init */
  unsigned flags;     /**< UNSPIN_OPT_* bits; default UNSPIN_OPT_DEFAULT */
} unspin_options;

/** Fills `opts` with the defaults. */
UNSPIN_EXPORT void unspin_options_init(unspin_options *opts);

/** An engine holds the options and the dictionaries to restore against.
 * Configure it from one thread; after that, unspin_analyze may be called on
 * it from any number of threads at once. */
typedef struct unspin_engine unspin_engine;

/** Creates an engine (`opts` may be NULL for the defaults; it is copied). */
UNSPIN_EXPORT unspin_status unspin_engine_new(unspin_engine **out, const unspin_options *opts,
                                              unspin_error *err);

/** What a dictionary is to an engine. */
typedef enum unspin_dict_role {
  /** Clean text of the same story or domain: its n-grams propose originals
   * for the words between the same neighbours, and it weighs half of the
   * language model. */
  UNSPIN_ROLE_DOMAIN = 0,
  /** General English (the default dictionary): language model and thesaurus
   * only. */
  UNSPIN_ROLE_GENERAL = 1
} unspin_dict_role;

/** The most dictionaries one engine uses. */
#define UNSPIN_MAX_DICTS 8

/** Adds a phrase dictionary to the engine.  The engine borrows `dict`: it
 * must stay open until the engine is freed.  One dictionary may serve many
 * engines.  UNSPIN_ERR_LIMIT beyond UNSPIN_MAX_DICTS; UNSPIN_ERR_INVALID_ARG
 * for a back-off model (unspin_dict_is_backoff) in any role but
 * UNSPIN_ROLE_GENERAL. */
UNSPIN_EXPORT unspin_status unspin_engine_add_dict(unspin_engine *engine, const unspin_dict *dict,
                                                   unspin_dict_role role);

/** A spinner profile: a spinner's table of keys (phrases of 1-4 words),
 * each with the probability that the spinner replaces an occurrence of it
 * and a distribution over its synonyms (docs/profile-format.md).  Two
 * formats: a plain list "key|syn1|syn2|..." (one group per line), meaning
 * "replaced always, synonyms uniform"; and a counted profile, as
 * unspin_learner_write writes it, whose first line is "# unspin profile 2"
 * and whose lines hold a key, its occurrences, its replacements, then
 * synonym and count pairs, tab-separated.  UTF-8 or ASCII, CRLF and a BOM
 * tolerated, matched case-insensitively; empty fields and longer phrases
 * are skipped.  With a profile the engine restores and judges by the
 * spinner model (docs/model.md §2, §5).
 * Immutable once parsed: shareable between engines and threads. */
typedef struct unspin_profile unspin_profile;

/** Parses a profile from `len` bytes; `name` (may be NULL) names it in
 * error messages.  Invalid UTF-8 or a NUL byte gives UNSPIN_ERR_FORMAT with
 * the byte offset of the first; so does a malformed line of a counted
 * profile (the message names its line) or an unknown version.
 * Free the result with unspin_profile_free. */
UNSPIN_EXPORT unspin_status unspin_profile_parse(unspin_profile **out, const char *data, size_t len,
                                                 const char *name, unspin_error *err);

/** Returns the number of (key, synonym) links a profile holds. */
UNSPIN_EXPORT size_t unspin_profile_size(const unspin_profile *p);

/** Returns 1 for a counted profile (version 2), 0 for a plain list. */
UNSPIN_EXPORT int unspin_profile_counted(const unspin_profile *p);

/** Frees a profile.  No engine using it may be in use. */
UNSPIN_EXPORT void unspin_profile_free(unspin_profile *p);

/** A learner: estimates a spinner's table from originals and their spun
 * copies.  Each pair is aligned word by word (line by line when both have
 * as many lines), the differing blocks become (key, synonym) phrase pairs
 * of 1-4 words a side, and each key's occurrences in the original and its
 * replacements are counted.  Counts are sums over pairs, so learners fed
 * separate shards and merged (unspin_learner_add_profile) write the same
 * profile as one fed everything.  Memory grows with the distinct pairs, not
 * with the text.  Not thread-safe: one thread per learner. */
typedef struct unspin_learner unspin_learner;

/** Creates an empty learner.  Free it with unspin_learner_free. */
UNSPIN_EXPORT unspin_status unspin_learner_new(unspin_learner **out, unspin_error *err);

/** Adds an original (`orig`, `olen` bytes) and its spun copy; the names
 * (may be NULL) appear in error messages.  Invalid UTF-8 or a NUL byte
 * gives UNSPIN_ERR_FORMAT naming the text and byte offset; a pair whose
 * lines do not correspond and that is too long to align as a whole, or one
 * of whose lines is too long to align, gives UNSPIN_ERR_LIMIT; the learner
 * is unchanged by either.  After
 * UNSPIN_ERR_NOMEM it may hold part of the pair's counts: free it. */
UNSPIN_EXPORT unspin_status unspin_learner_add_pair(unspin_learner *l, const char *orig, size_t olen,
                                                    const char *orig_name, const char *spun,
                                                    size_t slen, const char *spun_name,
                                                    unspin_error *err);

/** Adds the counts of a counted profile (one unspin_learner_write wrote):
 * merging shards.  A plain list gives UNSPIN_ERR_FORMAT: it has no counts. */
UNSPIN_EXPORT unspin_status unspin_learner_add_profile(unspin_learner *l,
                                                       const unspin_profile *p,
                                                       const char *name, unspin_error *err);

/** The pairs added so far, and the differing blocks of more than four words
 * a side that were too ambiguous to split and were left out. */
UNSPIN_EXPORT size_t unspin_learner_pairs(const unspin_learner *l);
UNSPIN_EXPORT size_t unspin_learner_skipped(const unspin_learner *l);

/** Writes the counted profile to `path` (through `path`.tmp, renamed when
 * complete).  Keys come sorted, so equal counts give equal files. */
UNSPIN_EXPORT unspin_status unspin_learner_write(unspin_learner *l, const char *path,
                                                 unspin_error *err);

/** Frees a learner. */
UNSPIN_EXPORT void unspin_learner_free(unspin_learner *l);

/** A learner from spun text alone: estimates a spinner's table from many
 * documents it spun, without their originals, by EM against the engine's
 * general language model and word lists (docs/model.md §8).  Texts add
 * statistics (the phrases counted and the word lists' links), which are
 * additive: statistics written by learners fed separate shards and read
 * into one learner give the profile one learner fed everything gives.
 * The engine must outlive the learner.  Not thread-safe: one thread per
 * learner. */
typedef struct unspin_spun_learner unspin_spun_learner;

/** Creates an empty learner over engine e's dictionaries and word lists.
 * Free it with unspin_spun_learner_free. */
UNSPIN_EXPORT unspin_status unspin_spun_learner_new(unspin_spun_learner **out,
                                                    const unspin_engine *e, unspin_error *err);
/** Counts one spun text (`name` names it in messages).  A NUL byte or invalid
 * UTF-8 gives UNSPIN_ERR_FORMAT naming the byte offset, as unspin_learner_add_pair. */
UNSPIN_EXPORT unspin_status unspin_spun_learner_add_text(unspin_spun_learner *l, const char *text,
                                                         size_t len, const char *name,
                                                         unspin_error *err);
/** Adds the statistics of learner `src` (fed other texts, perhaps in another
 * thread) to l; src is unchanged.  What l then learns is what one learner fed
 * both learns. */
UNSPIN_EXPORT unspin_status unspin_spun_learner_merge(unspin_spun_learner *l,
                                                      const unspin_spun_learner *src,
                                                      unspin_error *err);
/** Adds statistics that unspin_spun_learner_write_stats wrote; a malformed
 * line gives UNSPIN_ERR_FORMAT naming `name`, the line and its offset. */
UNSPIN_EXPORT unspin_status unspin_spun_learner_add_stats(unspin_spun_learner *l,
                                                          const char *data, size_t len,
                                                          const char *name, unspin_error *err);
/** Writes the statistics added so far ("# unspin spun-stats 1", then tab-separated
 * lines: words and N, p with a phrase and its count, l with a spun wording and an
 * original) to path, through a temporary file beside it. */
UNSPIN_EXPORT unspin_status unspin_spun_learner_write_stats(const unspin_spun_learner *l,
                                                            const char *path, unspin_error *err);
/** Runs EM over the statistics, at most max_iter iterations or until the
 * log-likelihood changes by less than a relative 1e-5; `report` (or NULL) is
 * called after each with the log-likelihood of the counts (under the
 * parameters the iteration started from). */
UNSPIN_EXPORT unspin_status unspin_spun_learner_run(unspin_spun_learner *l, int max_iter,
                                                    void (*report)(void *ctx, int iter,
                                                                   double ll),
                                                    void *ctx, unspin_error *err);
/** Writes the estimated table as a counted profile (after a run). */
UNSPIN_EXPORT unspin_status unspin_spun_learner_write(const unspin_spun_learner *l,
                                                      const char *path, unspin_error *err);
/** Frees a learner from spun text. */
UNSPIN_EXPORT void unspin_spun_learner_free(unspin_spun_learner *l);

/** Adds a spinner profile; the engine borrows it until the engine is freed.
 * UNSPIN_ERR_LIMIT beyond UNSPIN_MAX_DICTS profiles. */
UNSPIN_EXPORT unspin_status unspin_engine_add_profile(unspin_engine *engine,
                                                      const unspin_profile *profile);

/** Loads a hunspell dictionary (for English, Debian's hunspell-en-us:
 * en_US.aff and en_US.dic) so that spun words are also looked up by their
 * stems and originals re-inflected like them ("dangers" -> "danger" ->
 * "risk" -> "risks").  The engine owns what it loads; a second call
 * replaces the first.  Errors name the file. */
UNSPIN_EXPORT unspin_status unspin_engine_load_hunspell(unspin_engine *engine, const char *aff_path,
                                                        const char *dic_path, unspin_error *err);

/** Loads WordNet's lists of irregular forms (DIR/verb.exc, noun.exc,
 * adj.exc, adv.exc; Debian's wordnet-base installs them) so that stems and
 * re-inflection also cover "became" -> "become" and "say" -> "said".  The
 * engine owns what it loads.  Errors name the file. */
UNSPIN_EXPORT unspin_status unspin_engine_load_exceptions(unspin_engine *engine, const char *dir,
                                                          unspin_error *err);

/** Sets a model parameter by name (see docs/model.md for their meaning and
 * tuned defaults):
 *  - "spin_prior":   prior probability that a word was substituted (0..1)
 *  - "lm_scale":     weight of the language model against the channel (> 0)
 *  - "domain_weight": share of the language model held by domain dictionaries
 *                    when general ones are loaded too (0..1, default 0.6)
 *  - "backoff_weight": share of the general part held by back-off models
 *                    (unspin_dict_is_backoff) when count models are loaded too
 *                    (0..1, default 0.7)
 *  - "context":      log-weight of a filler proposed by a domain dictionary
 *  - "fanout_power": exponent of 1/(synonyms of the original)
 *  - "similar", "related", "generic": log-weights of those thesaurus relations
 *  - "listed":       log-weight of a flat synonym list's term (Moby; default 0)
 *  - "length":       log-weight per word an original is shorter or longer
 *  - "forward":      log-weight of a thesaurus pair read from headword to term
 *  - "morphology":   log-weight of an original found through the spun word's stem
 *  - "related1", "related2": log-bonus of a context filler that a thesaurus
 *                    links to the spun words directly or through one word
 *  - "one_sided":    log-weight of a context filler that no alignment with
 *                    the domain dictionary brackets on both sides (<= 0,
 *                    default -2)
 *  - "mismatch":     log-weight of a context filler no thesaurus links to the
 *                    spun words whose general-English frequency differs from
 *                    theirs more than 300-fold, or that is a function word
 *                    where they are not or the reverse ("internet" -> "the";
 *                    <= 0, default -2)
 *  - "general_floor": with no domain dictionary loaded, or in a label (a
 *                    sentence of at most six words without final
 *                    punctuation), a substitution is written only if the
 *                    decoder's confidence in it is at least this (0..1,
 *                    default 0.8; 0: no floor)
 *  - "threshold":    document score from which the verdict is "spun"
 *                    (without a profile; with one the verdict is the
 *                    spinner model's likelihood ratio)
 *  - "adapt":        a document found spun is decoded again with the prior
 *                    raised to adapt times its score (default 2; 0: one pass)
 *  - "consistency":  with a domain dictionary, log-bonus of a substitution
 *                    the document's restoration made at another place
 *                    (0..10, default 3; 0: off)
 *  - "corroborate":  log-bonus of a word list's original that a domain
 *                    dictionary's alignment also proposes at the same place
 *                    (0..10, default 2; 0: off)
 *  - "present":      in the consistency pass, log-weight of a one-word original
 *                    (not a function word) that the document writes
 *                    unreplaced elsewhere and whose restoration was made
 *                    nowhere else: a spinner replaces a word on its list
 *                    nearly everywhere (<= 0, default -4; 0: off)
 *  - "beam":         hypotheses kept per word (1..256)
 * Returns UNSPIN_ERR_INVALID_ARG for an unknown name or a value out of
 * range.  Call before the engine is shared between threads. */
UNSPIN_EXPORT unspin_status unspin_engine_set_param(unspin_engine *engine, const char *name,
                                                    double value);

/** Reads a model parameter by the names unspin_engine_set_param takes.
 * Returns UNSPIN_ERR_INVALID_ARG for an unknown name.  Thread-safe. */
UNSPIN_EXPORT unspin_status unspin_engine_get_param(const unspin_engine *engine, const char *name,
                                                    double *value);

/** Frees an engine (not the dictionaries it borrowed). */
UNSPIN_EXPORT void unspin_engine_free(unspin_engine *engine);

/** The outcome of one analysis: the output text and the token list.  Owns a
 * copy of everything it reports; immutable, so readable from several threads. */
typedef struct unspin_result unspin_result;

/** Analyses `len` bytes of UTF-8 `text`.  On success stores a new result in
 * `*out`, freed with unspin_result_free.  Invalid UTF-8 is passed through
 * unchanged (and reported by unspin_result_invalid_utf8) unless the engine
 * was made with UNSPIN_OPT_STRICT_UTF8, when the call fails with
 * UNSPIN_ERR_UTF8 and the offset of the first bad byte.  Inputs of 2 GiB
 * or more give UNSPIN_ERR_LIMIT.  A dictionary of the engine found damaged
 * gives UNSPIN_ERR_FORMAT naming it and the offset (UNSPIN_DICT_DEFAULT),
 * and no result.  Thread-safe on a shared engine. */
UNSPIN_EXPORT unspin_status unspin_analyze(const unspin_engine *engine, const char *text,
                                           size_t len, unspin_result **out, unspin_error *err);

/** Returns the output text (the restored input) and stores its length in
 * `*len` if `len` is not NULL.  The text is NUL-terminated for convenience
 * and owned by the result. */
UNSPIN_EXPORT const char *unspin_result_text(const unspin_result *r, size_t *len);

/** Returns how many invalid UTF-8 sequences the input held, and stores the
 * byte offset of the first in `*first_offset` (-1 if none) if not NULL. */
UNSPIN_EXPORT size_t unspin_result_invalid_utf8(const unspin_result *r, int64_t *first_offset);

/** Token kinds.  Whatever lies between two tokens is whitespace, kept as is. */
typedef enum unspin_token_kind {
  UNSPIN_TOKEN_WORD,   /**< letters, with inner apostrophes, hyphens, dots */
  UNSPIN_TOKEN_NUMBER, /**< digits, with inner separators ("6,800", "2.5") */
  UNSPIN_TOKEN_PUNCT,  /**< punctuation and symbols, one character each */
  UNSPIN_TOKEN_OTHER   /**< anything else, invalid UTF-8 bytes included */
} unspin_token_kind;

/** Case shapes, which a replacement copies. */
typedef enum unspin_case {
  UNSPIN_CASE_NONE,  /**< no cased letters ("2008", "-") */
  UNSPIN_CASE_LOWER, /**< "agency" */
  UNSPIN_CASE_TITLE, /**< "Agency", "Should-Learn", "A" */
  UNSPIN_CASE_UPPER, /**< "AGENCY", "NIS" */
  UNSPIN_CASE_MIXED  /**< "iPhone", "McDonald" */
} unspin_case;

/** Returns the number of tokens (words, numbers, punctuation; not spaces). */
UNSPIN_EXPORT size_t unspin_result_token_count(const unspin_result *r);

/** Token accessors.  `i` must be below unspin_result_token_count; out of
 * range gives 0 / NULL / UNSPIN_TOKEN_OTHER.  Offsets are bytes in the input
 * buffer, `start` inclusive and `end` exclusive.  Strings are owned by the
 * result and NUL-terminated; `len` may be NULL. */
UNSPIN_EXPORT size_t unspin_result_token_start(const unspin_result *r, size_t i);
UNSPIN_EXPORT size_t unspin_result_token_end(const unspin_result *r, size_t i);
/** The token's bytes exactly as in the input. */
UNSPIN_EXPORT const char *unspin_result_token_text(const unspin_result *r, size_t i, size_t *len);
/** The lookup key: NFKC case-folded, curly quotes and apostrophes made
 * straight, hyphen and dash variants made '-'. */
UNSPIN_EXPORT const char *unspin_result_token_key(const unspin_result *r, size_t i, size_t *len);
UNSPIN_EXPORT unspin_token_kind unspin_result_token_kind(const unspin_result *r, size_t i);
UNSPIN_EXPORT unspin_case unspin_result_token_case(const unspin_result *r, size_t i);
/** The index of the sentence the token belongs to, counting from 0. */
UNSPIN_EXPORT size_t unspin_result_token_sentence(const unspin_result *r, size_t i);

/** Returns the number of sentences. */
UNSPIN_EXPORT size_t unspin_result_sentence_count(const unspin_result *r);

/** The probability, from 0 to 1, that the spinner substituted token i,
 * given the document's estimated spin rate (0 for punctuation, numbers,
 * names and tokens out of range). */
UNSPIN_EXPORT double unspin_result_token_spin(const unspin_result *r, size_t i);

/** The restored wording of token i, or NULL when the token is unchanged.
 * A restored span of several tokens gives its whole wording at its first
 * token and "" at the others.  Owned by the result; `len` may be NULL. */
UNSPIN_EXPORT const char *unspin_result_token_original(const unspin_result *r, size_t i,
                                                       size_t *len);

/** The number of spans restored. */
UNSPIN_EXPORT size_t unspin_result_restored_count(const unspin_result *r);

/** Steps through the restored spans in text order.  Set `*pos` to 0
 * before the first call; each call that returns 1 stores the next span's
 * input bytes [`*start`, `*end`) and its original wording (owned by the
 * result, NUL-terminated, `len` may be NULL) and advances `*pos`.
 * Returns 0 when no span is left.  Reads the result only: thread-safe. */
UNSPIN_EXPORT int unspin_result_next_edit(const unspin_result *r, size_t *pos, size_t *start,
                                          size_t *end, const char **original, size_t *len);

/** Where a candidate original comes from. */
typedef enum unspin_source {
  UNSPIN_SOURCE_IDENTITY = 0,  /**< the text as it is */
  UNSPIN_SOURCE_THESAURUS = 1, /**< a thesaurus pair */
  UNSPIN_SOURCE_CONTEXT = 2,   /**< a domain dictionary's filler between the same words */
  UNSPIN_SOURCE_PROFILE = 3,   /**< a spinner profile */
  UNSPIN_SOURCE_MORPHOLOGY = 4 /**< a thesaurus pair of the word's stem, re-inflected */
} unspin_source;

/** Returns a static lower-case name for a source ("identity", "thesaurus",
 * "context", "profile", "morphology"), or "unknown". */
UNSPIN_EXPORT const char *unspin_source_name(unspin_source source);

/** The number of candidates recorded for token i: those for the span the
 * decoder chose at the token (the token first in it), best first. */
UNSPIN_EXPORT size_t unspin_result_token_candidate_count(const unspin_result *r, size_t i);

/** Candidate k of token i: its wording (normalised words joined by spaces,
 * owned by the result), and through the optional pointers its source and
 * its log-score in the chosen context (channel plus scaled language model;
 * only differences between candidates of one token mean anything).  NULL
 * when i or k is out of range. */
UNSPIN_EXPORT const char *unspin_result_token_candidate(const unspin_result *r, size_t i, size_t k,
                                                        size_t *len, unspin_source *source,
                                                        double *score);

/** The document's spin score, from 0 to 1: the estimated fraction of its
 * words that a spinner substituted.  Without a profile, the
 * maximum-likelihood mixing weight over its words that a spinner could have
 * written (numbers and words the spell checker does not know are left out),
 * from the word lists' links; with spinner profiles, the probability that
 * the document is spun under the spinner model (its likelihood ratio
 * against no spinner, at even prior odds) times the share of words the
 * model's best reading replaces.  See docs/model.md §5. */
UNSPIN_EXPORT double unspin_result_score(const unspin_result *r);

/** 1 (the verdict "spun") when the score reaches the engine's "threshold"
 * parameter, or, with spinner profiles loaded, when the spinner model
 * explains the text better than no spinner (likelihood ratio above 1);
 * else 0. */
UNSPIN_EXPORT int unspin_result_is_spun(const unspin_result *r);

/** Output formats of unspin_result_render. */
typedef enum unspin_format {
  UNSPIN_FORMAT_TEXT = 0, /**< the restored text (as unspin_result_text) */
  UNSPIN_FORMAT_DIFF = 1, /**< the input with each restoration marked [-spun-]{+original+} */
  UNSPIN_FORMAT_JSON = 2  /**< one JSON object: file, verdict, score, restored, text, and per
                               token its span, text, spin, original and candidates */
} unspin_format;

/** Render flag: colour the diff with ANSI escapes (red spun, green original). */
#define UNSPIN_RENDER_COLOR (1u << 0)

/** Renders a result in `format`; `name` (may be NULL) is the "file" field
 * of JSON.  On success `*out` is a new NUL-terminated buffer the caller
 * frees with unspin_free, and `*len` (if not NULL) its length.  JSON is
 * always valid UTF-8: invalid input bytes appear as U+FFFD.  Thread-safe. */
UNSPIN_EXPORT unspin_status unspin_result_render(const unspin_result *r, unspin_format format,
                                                 unsigned flags, const char *name, char **out,
                                                 size_t *len);

/** Frees memory the library returned to the caller (unspin_result_render). */
UNSPIN_EXPORT void unspin_free(void *p);

/** Frees a result. */
UNSPIN_EXPORT void unspin_result_free(unspin_result *r);

#ifdef __cplusplus
}
#endif

#endif /* UNSPIN_H */
