/* fuzz_stats.c - the spun-text statistics parser (unspin learn --stats-in)
 * on arbitrary bytes; statistics that parse are learned from, and the
 * profile written must parse and serve a restoration. */
#include <stdio.h>
#include <stdlib.h>

#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  unspin_engine *e = NULL;
  unspin_spun_learner *l = NULL;
  unspin_error err;
  if (unspin_engine_new(&e, NULL, &err) != UNSPIN_OK ||
      unspin_engine_add_dict(e, fz_story_dict(), UNSPIN_ROLE_GENERAL) != UNSPIN_OK ||
      unspin_spun_learner_new(&l, e, &err) != UNSPIN_OK)
    fz_fail("set-up failed");
  if (unspin_spun_learner_add_stats(l, (const char *)data, size, "fuzz", &err) == UNSPIN_OK &&
      unspin_spun_learner_run(l, 5, NULL, NULL, &err) == UNSPIN_OK) {
    const char *path = fz_path("learned.profile");
    if (unspin_spun_learner_write(l, path, &err) != UNSPIN_OK)
      fz_fail("a learned profile could not be written");
    FILE *f = fopen(path, "rb");
    if (!f)
      fz_fail("the learned profile is missing");
    char *buf = malloc(1 << 20);
    size_t n = buf ? fread(buf, 1, 1 << 20, f) : 0;
    fclose(f);
    unspin_profile *p = NULL;
    if (!buf || unspin_profile_parse(&p, buf, n, "learned", &err) != UNSPIN_OK)
      fz_fail("a learned profile does not parse");
    if (fz_use(NULL, p, "The spy company said in Could 2008 that it was a firm.\n"))
      fz_fail("engine refused a learned profile");
    unspin_profile_free(p);
    free(buf);
  }
  unspin_spun_learner_free(l);
  unspin_engine_free(e);
  return 0;
}
