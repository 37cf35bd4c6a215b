/* common.c - the unspin command's messages, input and output, shared by
 * its commands: a per-thread sink under -j, windows, progress lines. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

const char *prog = "unspin";

_Thread_local sink *cur_sink;

void sink_put(sink *k, int err, const char *data, size_t len) {
  if (!len)
    return; /* (data may be NULL) */
  char **b = err ? &k->err : &k->out;
  size_t *n = err ? &k->err_len : &k->out_len, *cap = err ? &k->err_cap : &k->out_cap;
  if (*n + len > *cap) {
    size_t c = *cap ? *cap : 4096;
    while (c < *n + len)
      c *= 2;
    char *v = realloc(*b, c);
    if (!v) {
      k->failed = 1;
      return;
    }
    *b = v;
    *cap = c;
  }
  memcpy(*b + *n, data, len);
  *n += len;
}

/* A message on standard error (or the thread's sink). */
void note(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  if (!cur_sink) {
    vfprintf(stderr, fmt, ap);
  } else {
    char line[8192];
    int n = vsnprintf(line, sizeof line, fmt, ap);
    if (n > 0)
      sink_put(cur_sink, 1, line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
  }
  va_end(ap);
}

int fail(const char *file, const char *msg) {
  if (file)
    note("%s: %s: %s\n", prog, file, msg);
  else
    note("%s: %s\n", prog, msg);
  return EXIT_ERROR;
}

/* Opens an input ("-" is standard input); a directory is an error. */
int open_input(const char *path, FILE **f) {
  *f = stdin;
  if (!strcmp(path, "-"))
    return 0;
  struct stat st;
  if (stat(path, &st))
    return fail(path, strerror(errno));
  if (S_ISDIR(st.st_mode))
    return fail(path, "is a directory");
  if (!(*f = fopen(path, "rb")))
    return fail(path, strerror(errno));
  return 0;
}

void close_input(FILE *f) {
  if (f != stdin)
    fclose(f);
}

/* Reads a whole input into a malloc'ed buffer. */
int read_input(const char *path, char **data, size_t *len) {
  FILE *f;
  *data = NULL;
  *len = 0;
  if (open_input(path, &f))
    return EXIT_ERROR;
  size_t cap = 0;
  char *buf = NULL;
  for (;;) {
    if (cap - *len < READ_CHUNK) {
      char *p = realloc(buf, cap + READ_CHUNK);
      if (!p) {
        free(buf);
        close_input(f);
        return fail(path, "out of memory");
      }
      buf = p;
      cap += READ_CHUNK;
    }
    size_t n = fread(buf + *len, 1, cap - *len, f);
    *len += n;
    if (n == 0)
      break;
  }
  int bad = ferror(f);
  int e = errno;
  close_input(f);
  if (bad) {
    free(buf);
    return fail(path, strerror(e));
  }
  *data = buf;
  return 0;
}

int write_output(const char *data, size_t len) {
  if (cur_sink) {
    sink_put(cur_sink, 0, data, len);
    return cur_sink->failed ? fail(NULL, "out of memory") : 0;
  }
  if (len && fwrite(data, 1, len, stdout) != len)
    return fail(NULL, "cannot write to standard output");
  return 0;
}

int finish_output(void) {
  if (fflush(stdout) || ferror(stdout))
    return fail("standard output", strerror(errno ? errno : EIO));
  return 0;
}


int sink_flush(sink *k, const char *name) {
  int rc = 0;
  if (k->out_len && fwrite(k->out, 1, k->out_len, stdout) != k->out_len)
    rc = fail(NULL, "cannot write to standard output");
  if (k->err_len)
    fwrite(k->err, 1, k->err_len, stderr);
  if (k->failed && !rc)
    rc = fail(name, "out of memory");
  free(k->out);
  free(k->err);
  *k = (sink){0};
  return rc;
}

void totals_add(window_totals *t, const unspin_result *res) {
  size_t n = unspin_result_token_count(res);
  t->weighted_score += unspin_result_score(res) * (double)n;
  t->tokens += n;
  t->spun_window |= unspin_result_is_spun(res);
  t->windows++;
}

double totals_score(const window_totals *t) {
  return t->tokens ? t->weighted_score / (double)t->tokens : 0.0;
}

int totals_spun(const window_totals *t, const unspin_engine *engine) {
  double threshold = 0;
  if (t->windows == 1)
    return t->spun_window;
  return unspin_engine_get_param(engine, "threshold", &threshold) == UNSPIN_OK &&
         totals_score(t) >= threshold;
}

/* Where to end a window of the first `len` bytes: after the last blank
 * line in its second half, else the last newline, else the last space,
 * else the last UTF-8 character boundary, so that windows never split a
 * paragraph that fits, nor a character. */
size_t window_cut(const char *buf, size_t len) {
  size_t half = len / 2;
  for (size_t i = len; i-- > half + 1;)
    if (buf[i] == '\n' && buf[i - 1] == '\n')
      return i + 1;
  for (size_t i = len; i-- > half;)
    if (buf[i] == '\n')
      return i + 1;
  for (size_t i = len; i-- > half;)
    if (buf[i] == ' ' || buf[i] == '\t')
      return i + 1;
  size_t i = len;
  while (i > half && ((unsigned char)buf[i] & 0xC0) == 0x80)
    i--;
  return i;
}

void progress(const char *what, size_t done, size_t total) {
  if (isatty(STDERR_FILENO))
    fprintf(stderr, "\r%s %s: %zu/%zu", prog, what, done, total);
}

void progress_end(void) {
  if (isatty(STDERR_FILENO))
    fputc('\n', stderr);
}
