/* dict_format.h - the on-disk layout of a compiled phrase dictionary.
 * docs/dictionary-format.md is the prose description of the same thing. */
#ifndef UNSPIN_DICT_FORMAT_H
#define UNSPIN_DICT_FORMAT_H

#include <stddef.h>
#include <stdint.h>

#define US_DICT_MAGIC "UNSPNGRM"
#define US_DICT_VERSION 2u
#define US_DICT_HEADER_SIZE 1024u
#define US_DICT_MAX_ORDER 8
#define US_DICT_MAX_SECTIONS 16
/* The file after the header is checksummed in blocks of this many bytes
 * too, so that a reader can check the parts it reads as it reads them. */
#define US_DICT_BLOCK_SHIFT 16
#define US_DICT_BLOCK_SIZE (1u << US_DICT_BLOCK_SHIFT)
#define US_KEY_SEP '\x01' /* joins the tokens of an n-gram key; sorts first */
/* While a dictionary is built, a word's case evidence is counted as a key of
 * one of these bytes and the word's key; they sort before every word. */
#define US_CASE_CAPITAL_MARK '\x02'
#define US_CASE_LOWER_MARK '\x03'

enum {
  US_SEC_VOCAB_STRINGS = 0, /* the vocabulary's bytes, in ascending order */
  US_SEC_VOCAB_OFFSETS = 1, /* uint32[V + 1]: word i is strings[off[i], off[i+1]) */
  US_SEC_VOCAB_HASH = 2,    /* uint32[slots]: word id + 1 by open addressing, 0 = empty */
  US_SEC_LEVEL1 = 3,        /* then one section per order: us_dict_entry[types + 1] */
  US_SEC_THES_STRINGS = 11, /* with US_DICT_HAS_THESAURUS: the phrases' bytes */
  US_SEC_THES_ENTRIES = 12, /* us_thes_entry[], sorted by spun phrase, then original */
  US_SEC_CASE = 13,         /* with US_DICT_HAS_CASE: uint32[2V], how often word i was written
                               capitalised (2i) and in lower case (2i + 1) where its case
                               says something about the word (us_case_evidence) */
  US_SEC_BLOCK_SUMS = 14    /* the last section: uint64[blocks], the checksum of each
                               US_DICT_BLOCK_SIZE bytes from the header's end to this
                               section (the last block may be shorter) */
};

/* Header flags. */
#define US_DICT_HAS_THESAURUS 1u
#define US_DICT_HAS_CASE 2u
/* A back-off model (from an ARPA file): an entry's `count` holds the bits of
 * its float log10 probability and `left_types` those of its log10 back-off
 * weight; left_sum, token_total and the count-of-counts are zero. */
#define US_DICT_BACKOFF 4u

/* One thesaurus pair: a spinner may have written `from` where the original
 * said `to`.  Inverted pairs (from a term to its headword) are the spinner
 * walking the same list; forward pairs (from a headword to its terms) are a
 * spinner whose list is the other way round.  Phrases are normalised keys
 * of 1 to 3 words joined by single spaces. */
typedef struct us_thes_entry {
  uint32_t from_off, to_off; /* into the strings section */
  uint16_t from_len, to_len;
  uint8_t relation; /* us_relation */
  uint8_t forward;  /* 1: `from` is the headword and `to` one of its terms */
  uint16_t fanout;  /* how many terms the headword offers in all */
} us_thes_entry;

typedef struct us_dict_section {
  uint64_t offset, size, checksum;
} us_dict_section;

/* One trie node: an n-gram whose last word is `word`, reached from its
 * parent's children range.  Children of entry i at level n are entries
 * [child of i, child of i + 1) at level n + 1; each level ends with a
 * sentinel whose `child` closes the last range. */
typedef struct us_dict_entry {
  uint32_t word;
  uint32_t count;      /* saturates at UINT32_MAX */
  uint32_t left_types; /* distinct words seen before this n-gram: N1+(. h) */
  uint32_t left_sum;   /* sum of left_types over its extensions: N1+(. h .) */
  uint32_t child;
} us_dict_entry;

typedef struct us_dict_header {
  char magic[8];
  uint32_t version;
  uint32_t header_size;
  uint32_t order;
  uint32_t flags;
  uint64_t file_size;
  uint64_t vocab_size;
  uint64_t token_total;
  uint64_t hash_slots;
  uint64_t thes_entries; /* with US_DICT_HAS_THESAURUS */
  us_dict_section sections[US_DICT_MAX_SECTIONS];
  uint64_t level_types[US_DICT_MAX_ORDER];
  uint64_t count_of_counts[US_DICT_MAX_ORDER][4];     /* n-grams seen 1, 2, 3, 4 times */
  uint64_t cont_of_counts[US_DICT_MAX_ORDER - 1][4];  /* likewise for left_types */
  uint64_t case_capital; /* with US_DICT_HAS_CASE: the case table's capitalised total */
  uint64_t case_lower;   /* and its lower-case total */
  uint64_t reserved1;
  uint64_t header_checksum; /* us_checksum of the 1016 bytes before it */
} us_dict_header;

_Static_assert(sizeof(us_dict_entry) == 20, "entry layout");
_Static_assert(sizeof(us_thes_entry) == 16, "thesaurus entry layout");
_Static_assert(sizeof(us_dict_header) == US_DICT_HEADER_SIZE, "header layout");
_Static_assert(offsetof(us_dict_header, header_checksum) == US_DICT_HEADER_SIZE - 8,
               "header checksum is last");

/* Hash of a vocabulary word, shared by writer and reader (FNV-1a 64). */
static inline uint64_t us_word_hash(const char *s, size_t len) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (size_t i = 0; i < len; i++)
    h = (h ^ (unsigned char)s[i]) * 0x100000001b3ull;
  return h ^ (h >> 29);
}

#endif
