/* fuzz_analyze.c - the whole analysis on arbitrary bytes.  The first byte
 * picks the set-up (no dictionary, the story dictionary, story dictionary
 * and a spinner profile, each with or without hunspell's en_US when it is
 * installed, and each judging first or restoring every text, so that the
 * adapted and consistency passes run whatever the verdict, and each with
 * and without UNSPIN_OPT_NO_TOKEN_DETAIL); the rest is the text.  Checks
 * what must hold for any input: the call succeeds, every output format
 * renders, a result with no restorations gives back the input byte for
 * byte, and without token detail the text, restorations, verdict and score
 * are those of the same set-up with it. */
#include <stdlib.h>
#include <string.h>

#include "fuzz_util.h"

#define HUNSPELL "/usr/share/hunspell/en_US"

#define SETUPS 24 /* 12 with token detail, the same 12 without */
static unspin_engine *engines[SETUPS];
static unspin_profile *profile;

static unspin_engine *engine(unsigned which) {
  which %= SETUPS;
  if (engines[which])
    return engines[which];
  unspin_engine *e;
  unspin_error err;
  unspin_options opts;
  unspin_options_init(&opts);
  if (which >= 12)
    opts.flags |= UNSPIN_OPT_NO_TOKEN_DETAIL;
  if (which % 12 >= 6)
    opts.flags |= UNSPIN_OPT_RESTORE_CLEAN;
  if (unspin_engine_new(&e, &opts, &err) != UNSPIN_OK)
    fz_fail(err.message);
  if (which % 3 >= 1 && unspin_engine_add_dict(e, fz_story_dict(), UNSPIN_ROLE_DOMAIN) != UNSPIN_OK)
    fz_fail("add_dict");
  if (which % 3 == 2) {
    static const char p[] = "agency|company|firm\nmay|could\nsaid|mentioned\n";
    if (!profile && unspin_profile_parse(&profile, p, sizeof p - 1, "fuzz", &err) != UNSPIN_OK)
      fz_fail(err.message);
    if (unspin_engine_add_profile(e, profile) != UNSPIN_OK)
      fz_fail("add_profile");
  }
  /* hunspell may be absent; then both halves are the same set-up */
  if (which % 6 >= 3)
    unspin_engine_load_hunspell(e, HUNSPELL ".aff", HUNSPELL ".dic", &err);
  engines[which] = e;
  return e;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size == 0)
    return 0;
  const unspin_engine *e = engine(data[0]);
  const char *text = (const char *)data + 1;
  size_t len = size - 1;
  unspin_result *r;
  unspin_error err;
  if (unspin_analyze(e, text, len, &r, &err) != UNSPIN_OK)
    fz_fail(err.message); /* no limit is reachable at fuzzing sizes */
  size_t olen;
  const char *out = unspin_result_text(r, &olen);
  if (!out)
    fz_fail("no output text");
  if (unspin_result_restored_count(r) == 0 && (olen != len || memcmp(out, text, len)))
    fz_fail("text changed without a restoration");
  for (size_t i = 0; i < unspin_result_token_count(r); i++) {
    double p = unspin_result_token_spin(r, i);
    if (!(p >= 0.0 && p <= 1.0))
      fz_fail("spin probability out of [0, 1]");
  }
  for (int f = UNSPIN_FORMAT_TEXT; f <= UNSPIN_FORMAT_JSON; f++) {
    char *s;
    size_t slen;
    if (unspin_result_render(r, (unspin_format)f, f == UNSPIN_FORMAT_DIFF ? UNSPIN_RENDER_COLOR : 0,
                             "fuzz", &s, &slen) != UNSPIN_OK)
      fz_fail("render failed");
    if (strlen(s) > slen)
      fz_fail("render length");
    unspin_free(s);
  }
  if (data[0] % SETUPS >= 12) { /* the same set-up with token detail */
    unspin_result *full;
    if (unspin_analyze(engine(data[0] % SETUPS - 12), text, len, &full, &err) != UNSPIN_OK)
      fz_fail(err.message);
    size_t flen;
    const char *fout = unspin_result_text(full, &flen);
    if (flen != olen || memcmp(fout, out, olen) ||
        unspin_result_restored_count(full) != unspin_result_restored_count(r) ||
        unspin_result_is_spun(full) != unspin_result_is_spun(r) ||
        unspin_result_score(full) != unspin_result_score(r))
      fz_fail("without token detail the analysis differs");
    unspin_result_free(full);
  }
  unspin_result_free(r);
  return 0;
}
