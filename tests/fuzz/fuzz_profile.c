/* fuzz_profile.c - the spinner-profile parser on arbitrary bytes; a profile
 * that parses is used for a restoration. */
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  unspin_profile *p;
  unspin_error err;
  if (unspin_profile_parse(&p, (const char *)data, size, "fuzz", &err) != UNSPIN_OK)
    return 0;
  if (fz_use(NULL, p, "The spy company said in Could 2008 that it was a firm.\n"))
    fz_fail("engine refused a parsed profile");
  unspin_profile_free(p);
  return 0;
}
