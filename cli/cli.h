/* cli.h - what the unspin command's files share: messages, input and
 * output (through a per-thread sink under -j), windows, and the ordered
 * parallel runner.  Not part of the library. */
#ifndef UNSPIN_CLI_H
#define UNSPIN_CLI_H

#include <stddef.h>
#include <stdio.h>

#include "unspin.h"

#define EXIT_ERROR 2
#define READ_CHUNK ((size_t)1 << 20)
/* Bytes analysed at a time: a file is restored in windows of at most this
 * size, cut at paragraph or line ends (memory stays bounded). */
#define WINDOW ((size_t)1 << 20)

extern const char *prog;

/* With -j N, a worker thread writes its output and messages into a sink of
 * its own, and the main thread copies the sinks out in input order. */
typedef struct sink {
  char *out, *err;
  size_t out_len, out_cap, err_len, err_cap;
  int failed; /* memory ran out */
} sink;

/* The calling thread's sink; NULL writes to stdout and stderr directly. */
extern _Thread_local sink *cur_sink;

/* Appends to a sink's output (err 0) or messages (err 1). */
void sink_put(sink *k, int err, const char *data, size_t len);
/* Writes a sink out (output, then messages) and frees its buffers;
 * EXIT_ERROR if standard output fails or the sink ran out of memory. */
int sink_flush(sink *k, const char *name);

/* A message on standard error (or the thread's sink). */
void note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "unspin: FILE: MSG" (or "unspin: MSG"); returns EXIT_ERROR. */
int fail(const char *file, const char *msg);

/* Opens an input ("-" is standard input); a directory is an error. */
int open_input(const char *path, FILE **f);
void close_input(FILE *f);
/* Reads a whole input into a malloc'ed buffer. */
int read_input(const char *path, char **data, size_t *len);
int write_output(const char *data, size_t len);
int finish_output(void);

/* The verdict over a text's windows: each window's score weighted by its
 * tokens; spun if its one window is, or if the weighted score of several
 * reaches the engine's threshold. */
typedef struct window_totals {
  double weighted_score;
  size_t tokens, windows;
  int spun_window; /* a window was called spun */
} window_totals;
void totals_add(window_totals *t, const unspin_result *res);
double totals_score(const window_totals *t);
int totals_spun(const window_totals *t, const unspin_engine *engine);

/* Where to end a window of the first `len` bytes of `buf` (see common.c). */
size_t window_cut(const char *buf, size_t len);

/* A progress line "unspin WHAT: DONE/TOTAL" on a terminal, and its end. */
void progress(const char *what, size_t done, size_t total);
void progress_end(void);

/* Runs work(ctx, i, w) for every item i < n on min(nthreads, n) threads (w,
 * the worker's index, is below that number), and done(ctx, i) in the
 * calling thread in item order, each as soon as its item has been worked.
 * A nonzero return of done stops the run: no further item is started, and
 * par_run returns that value once the workers have finished.  With one
 * thread everything runs in the calling thread.  If no thread can be
 * started, says so on stderr and returns EXIT_ERROR. */
typedef void (*par_work)(void *ctx, size_t item, size_t worker);
typedef int (*par_done)(void *ctx, size_t item);
int par_run(size_t n, size_t nthreads, par_work work, par_done done, void *ctx);

/* --jsonl: what the records are read with. */
typedef struct jsonl_options {
  const char *text_field; /* the record's text ("text") */
  int strict;             /* stop at the first malformed record, exit 2 */
  int quiet;              /* no summary of malformed records on stderr */
  size_t max_record;      /* longest record line, in bytes */
  long njobs;             /* worker threads */
} jsonl_options;

/* unspin --jsonl: restores the records of one input, one output line each
 * (docs/jsonl.md). */
int jsonl_restore(const unspin_engine *engine, const char *path, const jsonl_options *o);

/* Reads the records of one input in batches and calls add(ctx, name, text,
 * len) from worker `w` for each record's text (learn --jsonl); a malformed
 * record is reported on stderr and skipped (--strict: an error). */
typedef int (*jsonl_text_fn)(void *ctx, size_t worker, const char *name, const char *text,
                             size_t len);
int jsonl_each_text(const char *path, const jsonl_options *o, jsonl_text_fn add, void *ctx);

#endif
