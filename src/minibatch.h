/* minibatch.h — mini-batch k-means (Sculley 2010, as scikit-learn's MiniBatchKMeans):
 * for tens of millions of rows, centres learn from random batches instead of whole
 * passes.  Seeding is k-means++ on a random subset of 3 × batch rows; n_init seeds
 * are compared on another subset; learning stops after max_iter passes' worth of
 * batches or when the smoothed batch inertia has not improved for 10 batches.  The
 * final labels and inertia come from one full assignment pass on every core. */
#ifndef PERSONA_MINIBATCH_H
#define PERSONA_MINIBATCH_H

#include <stdint.h>

#include "ctx.h"
#include "kmeans.h"

struct minibatch_params {
    int k;
    int batch;              /* rows per batch (scikit-learn: 1024) */
    int n_init;             /* seedings compared (scikit-learn: 3) */
    int max_iter;           /* passes over the data at most (scikit-learn: 100) */
    uint64_t seed;
    int threads;
};

/* Fills r as kmeans_fit() does (iterations: batches used; converged: stopped early). */
int minibatch_fit(ctx *c, const double *x, int64_t n, int d, const struct minibatch_params *p,
                  struct kmeans_result *r);

#endif
