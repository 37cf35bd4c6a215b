/* version.c - the library's version. */
#include "unspin.h"

#define US_STR2(x) #x
#define US_STR(x) US_STR2(x)

int unspin_version(void) { return UNSPIN_VERSION_NUMBER; }

const char *unspin_version_string(void) {
  return US_STR(UNSPIN_VERSION_MAJOR) "." US_STR(UNSPIN_VERSION_MINOR) "." US_STR(
      UNSPIN_VERSION_PATCH);
}
