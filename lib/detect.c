/* detect.c - the document's substitution rate and its words' spin
 * probabilities (docs/model.md §5). */
#include "detect.h"

#include <math.h>

double us_substitution_rate(const double *lr, size_t n) {
  size_t counted = 0;
  for (size_t i = 0; i < n; i++)
    counted += lr[i] == lr[i];
  if (!counted)
    return 0.0;
  double pi = 0.05;
  for (int iter = 0; iter < 100; iter++) {
    double sum = 0;
    for (size_t i = 0; i < n; i++) {
      if (lr[i] != lr[i] || lr[i] == -INFINITY)
        continue;
      double odds = lr[i] > 50 ? INFINITY : exp(lr[i]);
      sum += odds == INFINITY ? 1.0 : pi * odds / (pi * odds + 1.0 - pi);
    }
    double next = sum / (double)counted;
    if (fabs(next - pi) < 1e-7) {
      pi = next;
      break;
    }
    pi = next;
  }
  return pi;
}

void us_spin_probabilities(const double *lr, const double *lr_all, size_t n, double pi,
                           double floor, double *spin) {
  double prior = pi > floor ? pi : floor;
  double logit = log(prior) - log1p(-prior);
  for (size_t i = 0; i < n; i++) {
    if (lr[i] != lr[i] || lr_all[i] == -INFINITY)
      spin[i] = 0;
    else
      spin[i] = lr_all[i] == INFINITY ? 1.0 : 1.0 / (1.0 + exp(-(lr_all[i] + logit)));
  }
}
