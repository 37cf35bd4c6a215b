/* render.c - output formats of a result: plain text, an inline diff of the
 * restorations, and JSON with the document verdict and per-token detail. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "result.h"
#include "utf8.h"

/* Appends `s` as a JSON string; invalid UTF-8 becomes U+FFFD. */
static int json_string(us_buf *b, const char *s, size_t len) {
  if (us_buf_putc(b, '"'))
    return -1;
  for (size_t i = 0; i < len;) {
    unsigned char c = (unsigned char)s[i];
    if (c >= 0x80) {
      int64_t bad;
      size_t n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
      if (i + n <= len && !us_utf8_invalid(s + i, n, &bad)) {
        if (us_buf_append(b, s + i, n))
          return -1;
        i += n;
      } else {
        if (us_buf_append(b, "\\ufffd", 6))
          return -1;
        i++;
      }
      continue;
    }
    char esc[8];
    const char *out = NULL;
    switch (c) {
    case '"': out = "\\\""; break;
    case '\\': out = "\\\\"; break;
    case '\n': out = "\\n"; break;
    case '\r': out = "\\r"; break;
    case '\t': out = "\\t"; break;
    default:
      if (c < 0x20) {
        snprintf(esc, sizeof esc, "\\u%04x", c);
        out = esc;
      }
    }
    if (out ? us_buf_append(b, out, strlen(out)) : us_buf_putc(b, (char)c))
      return -1;
    i++;
  }
  return us_buf_putc(b, '"');
}

static int json_number(us_buf *b, double v) {
  char num[32];
  if (!isfinite(v))
    return us_buf_append(b, "null", 4);
  snprintf(num, sizeof num, "%.6g", v);
  return us_buf_append(b, num, strlen(num));
}

static int put(us_buf *b, const char *s) { return us_buf_append(b, s, strlen(s)); }

static int render_json(const unspin_result *r, const char *name, us_buf *b) {
  size_t len;
  const char *text = unspin_result_text(r, &len);
  int64_t first;
  size_t bad = unspin_result_invalid_utf8(r, &first);
  char num[64];
  int fail = put(b, "{\"file\":") || json_string(b, name ? name : "", name ? strlen(name) : 0) ||
             put(b, ",\"verdict\":") || put(b, r->spun ? "\"spun\"" : "\"clean\"") ||
             put(b, ",\"score\":") || json_number(b, r->score);
  snprintf(num, sizeof num, ",\"restored\":%zu,\"invalid_utf8\":%zu", r->pass.restored, bad);
  fail = fail || put(b, num) || put(b, ",\"text\":") || json_string(b, text, len) ||
         put(b, ",\"tokens\":[");
  for (size_t i = 0; i < r->tokens.n && !fail; i++) {
    size_t tl, ol;
    const char *t = unspin_result_token_text(r, i, &tl);
    const char *o = unspin_result_token_original(r, i, &ol);
    snprintf(num, sizeof num, "%s{\"start\":%zu,\"end\":%zu,\"text\":", i ? "," : "",
             unspin_result_token_start(r, i), unspin_result_token_end(r, i));
    fail = put(b, num) || json_string(b, t, tl) || put(b, ",\"spin\":") ||
           json_number(b, r->pass.spin[i]) || put(b, ",\"original\":") ||
           (o ? json_string(b, o, ol) : put(b, "null")) || put(b, ",\"candidates\":[");
    for (size_t k = 0, n = unspin_result_token_candidate_count(r, i); k < n && !fail; k++) {
      unspin_source src;
      double score;
      size_t cl;
      const char *c = unspin_result_token_candidate(r, i, k, &cl, &src, &score);
      fail = put(b, k ? ",{\"text\":" : "{\"text\":") || json_string(b, c, cl) ||
             put(b, ",\"source\":\"") || put(b, unspin_source_name(src)) ||
             put(b, "\",\"score\":") || json_number(b, score) || put(b, "}");
    }
    fail = fail || put(b, "]}");
  }
  return fail || put(b, "]}\n");
}

/* The text with each restoration as [-spun-]{+original+}, coloured when asked. */
static int render_diff(const unspin_result *r, int color, us_buf *b) {
  size_t in = 0, pos = 0, a, z, olen;
  const char *input = r->input.data, *orig;
  int fail = 0;
  while (!fail && unspin_result_next_edit(r, &pos, &a, &z, &orig, &olen)) {
    fail = us_buf_append(b, input + in, a - in) || put(b, color ? "\x1b[31m[-" : "[-") ||
           us_buf_append(b, input + a, z - a) ||
           put(b, color ? "-]\x1b[0m\x1b[32m{+" : "-]{+") || us_buf_append(b, orig, olen) ||
           put(b, color ? "+}\x1b[0m" : "+}");
    in = z;
  }
  return fail || us_buf_append(b, input + in, r->input.len - in);
}

unspin_status unspin_result_render(const unspin_result *r, unspin_format format, unsigned flags,
                                   const char *name, char **out, size_t *len) {
  if (!r || !out)
    return UNSPIN_ERR_INVALID_ARG;
  *out = NULL;
  us_buf b = US_BUF_INIT;
  int fail;
  switch (format) {
  case UNSPIN_FORMAT_TEXT: fail = us_buf_append(&b, r->out.data, r->out.len); break;
  case UNSPIN_FORMAT_DIFF: fail = render_diff(r, (flags & UNSPIN_RENDER_COLOR) != 0, &b); break;
  case UNSPIN_FORMAT_JSON: fail = render_json(r, name, &b); break;
  default: return UNSPIN_ERR_INVALID_ARG;
  }
  if (fail || (!b.data && us_buf_append(&b, "", 0))) {
    us_buf_free(&b);
    return UNSPIN_ERR_NOMEM;
  }
  *out = b.data;
  if (len)
    *len = b.len;
  return UNSPIN_OK;
}

void unspin_free(void *p) { free(p); }
