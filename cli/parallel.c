/* parallel.c - the ordered parallel runner behind -j N: workers claim items
 * in turn, the calling thread finishes them in item order. */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdlib.h>

#include "cli.h"

typedef struct par {
  size_t n, next;
  int stop;
  unsigned char *worked; /* item i has been worked */
  par_work work;
  void *ctx;
  pthread_mutex_t mu;
  pthread_cond_t cv;
} par;

typedef struct par_worker {
  par *p;
  size_t w;
} par_worker;

static void *par_thread(void *arg) {
  par_worker *pw = arg;
  par *p = pw->p;
  for (;;) {
    pthread_mutex_lock(&p->mu);
    size_t i = p->next < p->n && !p->stop ? p->next++ : p->n;
    pthread_mutex_unlock(&p->mu);
    if (i == p->n)
      return NULL;
    p->work(p->ctx, i, pw->w);
    pthread_mutex_lock(&p->mu);
    p->worked[i] = 1;
    pthread_cond_broadcast(&p->cv);
    pthread_mutex_unlock(&p->mu);
  }
}

int par_run(size_t n, size_t nthreads, par_work work, par_done done, void *ctx) {
  if (nthreads > n)
    nthreads = n;
  if (nthreads <= 1) {
    for (size_t i = 0; i < n; i++) {
      work(ctx, i, 0);
      int rc = done(ctx, i);
      if (rc)
        return rc;
    }
    return 0;
  }
  par p = {.n = n, .work = work, .ctx = ctx};
  pthread_t *t = malloc(nthreads * sizeof *t);
  par_worker *w = malloc(nthreads * sizeof *w);
  if (!t || !w || !(p.worked = calloc(n, 1))) {
    free(t);
    free(w);
    return fail(NULL, "cannot start worker threads");
  }
  pthread_mutex_init(&p.mu, NULL);
  pthread_cond_init(&p.cv, NULL);
  size_t started = 0;
  for (; started < nthreads; started++) {
    w[started] = (par_worker){&p, started};
    if (pthread_create(&t[started], NULL, par_thread, &w[started]))
      break;
  }
  int rc = started ? 0 : fail(NULL, "cannot start worker threads");
  for (size_t i = 0; i < n && started && !rc; i++) {
    pthread_mutex_lock(&p.mu);
    while (!p.worked[i])
      pthread_cond_wait(&p.cv, &p.mu);
    pthread_mutex_unlock(&p.mu);
    rc = done(ctx, i);
  }
  pthread_mutex_lock(&p.mu);
  p.stop = 1;
  pthread_mutex_unlock(&p.mu);
  for (size_t k = 0; k < started; k++)
    pthread_join(t[k], NULL);
  pthread_mutex_destroy(&p.mu);
  pthread_cond_destroy(&p.cv);
  free(p.worked);
  free(t);
  free(w);
  return rc;
}
