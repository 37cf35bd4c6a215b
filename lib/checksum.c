/* checksum.c - 64-bit multiply-xorshift checksum, two lanes of 8-byte words. */
#include "checksum.h"

#include <string.h>

#define US_K1 0x9E3779B97F4A7C15ull
#define US_K2 0xBF58476D1CE4E5B9ull

static uint64_t load64(const unsigned char *p) {
  uint64_t w;
  memcpy(&w, p, 8); /* the format is little-endian; dict.c refuses other hosts */
  return w;
}

static void block(uint64_t lane[2], const unsigned char *p) {
  lane[0] = (lane[0] ^ load64(p)) * US_K1;
  lane[0] ^= lane[0] >> 32;
  lane[1] = (lane[1] ^ load64(p + 8)) * US_K2;
  lane[1] ^= lane[1] >> 32;
}

void us_checksum_init(us_checksum_state *s) {
  s->lane[0] = US_K1;
  s->lane[1] = US_K2;
  s->total = 0;
  s->ncarry = 0;
}

void us_checksum_update(us_checksum_state *s, const void *data, size_t len) {
  const unsigned char *p = data;
  s->total += len;
  if (s->ncarry) {
    size_t take = 16 - s->ncarry < len ? 16 - s->ncarry : len;
    memcpy(s->carry + s->ncarry, p, take);
    s->ncarry += take;
    p += take;
    len -= take;
    if (s->ncarry < 16)
      return;
    block(s->lane, s->carry);
    s->ncarry = 0;
  }
  for (; len >= 16; p += 16, len -= 16)
    block(s->lane, p);
  memcpy(s->carry, p, len);
  s->ncarry = len;
}

uint64_t us_checksum_final(const us_checksum_state *s) {
  uint64_t lane[2] = {s->lane[0], s->lane[1]};
  unsigned char last[16] = {0};
  memcpy(last, s->carry, s->ncarry);
  block(lane, last);
  uint64_t h = lane[0] ^ (lane[1] * US_K1) ^ s->total;
  h ^= h >> 31;
  h *= US_K2;
  h ^= h >> 29;
  return h;
}

uint64_t us_checksum(const void *data, size_t len) {
  us_checksum_state s;
  us_checksum_init(&s);
  us_checksum_update(&s, data, len);
  return us_checksum_final(&s);
}
