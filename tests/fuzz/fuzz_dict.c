/* fuzz_dict.c - the dictionary loader on arbitrary files.  The first byte
 * picks how the file is opened: checked as it is read (the default),
 * unchecked, or verified whole; the rest is the file.  A file that
 * opens is then used: lookups and a short restoration against it, which
 * must stay in bounds even when the checksums were not verified. */
#include <string.h>

#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size == 0)
    return 0;
  const char *path = fz_path("input.undict");
  fz_write(path, data + 1, size - 1);
  static const unsigned modes[] = {UNSPIN_DICT_DEFAULT, UNSPIN_DICT_NO_VERIFY, UNSPIN_DICT_VERIFY};
  unsigned flags = modes[data[0] % 3];
  unspin_dict *d;
  unspin_error err;
  if (unspin_dict_open(&d, path, flags, &err) != UNSPIN_OK) {
    if (!strstr(err.message, "input.undict"))
      fz_fail("an open error that does not name the file");
    return 0;
  }
  static const char *const keys[] = {"the", "spy", "agency", "<s>", "</s>", ""};
  unspin_ngram_stats st;
  for (size_t n = 1; n <= 3; n++)
    unspin_dict_lookup_keys(d, keys, n, &st);
  fz_use(d, NULL, "The spy company said the transfer dangers inflaming tensions.\n");
  unspin_dict_free(d);
  return 0;
}
