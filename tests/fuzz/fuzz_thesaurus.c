/* fuzz_thesaurus.c - the MyThes and flat synonym list readers on arbitrary
 * bytes: the parser on the buffer (the first byte's bit 1 picks the flat
 * list), and (first byte odd) a dictionary built with it as its thesaurus,
 * opened and used. */
#include <string.h>

#include "fuzz_util.h"
#include "thesaurus.h"

static unspin_status check_pair(void *ctx, const char *head, size_t hlen, const char *term,
                                size_t tlen, us_relation rel, unsigned fanout) {
  (void)ctx;
  if (!head || !term || !hlen || !tlen || rel >= US_REL_COUNT || !fanout ||
      memchr(head, '\n', hlen) || memchr(term, '\n', tlen))
    fz_fail("a malformed pair");
  return UNSPIN_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size == 0)
    return 0;
  unspin_error err;
  int listed = (data[0] & 2) != 0;
  unspin_status st = (listed ? us_synonym_list_parse : us_thesaurus_parse)(
      (const char *)data + 1, size - 1, "fuzz.dat", check_pair, NULL, &err);
  if (st != UNSPIN_OK || !(data[0] & 1))
    return 0;
  const char *th = fz_path("fuzz.dat");
  fz_write(th, data + 1, size - 1);
  unspin_builder *b;
  if (unspin_builder_new(&b, NULL, &err) != UNSPIN_OK)
    fz_fail(err.message);
  static const char text[] = "The spy agency said the move risks inflaming tensions.\n";
  if (unspin_builder_add_text(b, text, sizeof text - 1, &err) != UNSPIN_OK)
    fz_fail(err.message);
  if ((listed ? unspin_builder_add_synonym_list : unspin_builder_add_thesaurus)(b, th, &err) !=
      UNSPIN_OK)
    fz_fail(err.message); /* the parser accepted it */
  char out[512];
  strcpy(out, fz_path("fuzz.undict"));
  if (unspin_builder_write(b, out, &err) != UNSPIN_OK)
    fz_fail(err.message);
  unspin_builder_free(b);
  unspin_dict *d;
  if (unspin_dict_open(&d, out, UNSPIN_DICT_DEFAULT, &err) != UNSPIN_OK)
    fz_fail(err.message);
  if (fz_use(d, NULL, "The spy bureau mentioned the transfer dangers inflaming tensions.\n"))
    fz_fail("engine refused a dictionary");
  unspin_dict_free(d);
  return 0;
}
