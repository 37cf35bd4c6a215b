/* checksum.h - the dictionary file checksum. */
#ifndef UNSPIN_CHECKSUM_H
#define UNSPIN_CHECKSUM_H

#include <stddef.h>
#include <stdint.h>

/* A 64-bit checksum over little-endian 8-byte words in two interleaved
 * lanes (see docs/dictionary-format.md for the definition).  It detects
 * truncation, flipped bits and swapped words; it is not a cryptographic
 * hash.  Feeding the same bytes in any split gives the same value. */
typedef struct us_checksum_state {
  uint64_t lane[2];
  uint64_t total;
  unsigned char carry[16];
  size_t ncarry;
} us_checksum_state;

void us_checksum_init(us_checksum_state *s);
void us_checksum_update(us_checksum_state *s, const void *data, size_t len);
uint64_t us_checksum_final(const us_checksum_state *s);

/* One-shot form of the three calls above. */
uint64_t us_checksum(const void *data, size_t len);

#endif
