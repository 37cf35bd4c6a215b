/* A program built against an installed libunspin: it restores its argument
 * (pass-through in this version) and checks header and library agree. */
#include <stdio.h>
#include <string.h>
#include <unspin.h>

int main(int argc, char **argv) {
  const char *text = argc > 1 ? argv[1] : "South Korea's spy company";
  if (unspin_version() != UNSPIN_VERSION_NUMBER) {
    fprintf(stderr, "header %d, library %d\n", UNSPIN_VERSION_NUMBER, unspin_version());
    return 1;
  }
  unspin_engine *e;
  unspin_result *r;
  unspin_error err;
  if (unspin_engine_new(&e, NULL, &err) || unspin_analyze(e, text, strlen(text), &r, &err)) {
    fprintf(stderr, "%s\n", err.message);
    return 1;
  }
  size_t len;
  const char *out = unspin_result_text(r, &len);
  printf("%.*s|%zu tokens\n", (int)len, out, unspin_result_token_count(r));
  unspin_result_free(r);
  unspin_engine_free(e);
  return 0;
}
