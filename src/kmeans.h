/* kmeans.h — k-means clustering: k-means++ seeding and Lloyd's iterations.
 *
 * Seeding is scikit-learn's greedy k-means++ (2 + ln k candidates per centre, the
 * one that lowers the potential most is kept); it also remembers each row's nearest
 * and second-nearest centre, which is the first assignment of Lloyd's iterations.
 * The iterations skip distance computations with Hamerly's bounds (kept in single
 * precision, rounded outward), update the cluster sums only by the rows that move,
 * measure distances four centres per vector and run on every core.  Convergence
 * follows scikit-learn: labels unchanged, or the squared centre shift at most tol
 * times the mean feature variance, then a last assignment so labels match the
 * centres.  Restarts (n_init) keep the lowest inertia.  Results depend on the seed
 * only, not on the number of threads or the instruction set. */
#ifndef PERSONA_KMEANS_H
#define PERSONA_KMEANS_H

#include <stdint.h>

#include "ctx.h"
#include "rng.h"

struct kmeans_params {
    int k;
    int n_init;             /* restarts, >= 1 */
    int max_iter;           /* Lloyd iterations per restart, >= 1 */
    double tol;             /* relative to the mean feature variance (scikit-learn's tol) */
    uint64_t seed;
    int threads;            /* 0: parallel_threads() */
};

struct kmeans_result {
    int k, d;
    double *centers;        /* k × d */
    int32_t *labels;        /* n, in [0, k) */
    double inertia;         /* sum of squared distances to the assigned centre */
    int iterations;         /* Lloyd iterations of the kept restart */
    int converged;          /* it stopped before max_iter */
    double lloyd_seconds;   /* time in Lloyd's iterations of the kept restart (no seeding) */
};

/* Clusters the n × d row-major matrix x into p->k clusters.  Returns 0, or -1 with
 * c->err set (k out of range, out of memory, cancelled: the cancel flag is polled
 * between iterations).  r is filled on success; free it with kmeans_result_free(). */
int kmeans_fit(ctx *c, const double *x, int64_t n, int d, const struct kmeans_params *p,
               struct kmeans_result *r);
void kmeans_result_free(struct kmeans_result *r);

/* k-means++ seeding as scikit-learn does it: writes k rows of x into centers (k × d).
 * Returns 0, or -1 when memory runs out. */
int kmeans_plusplus(const double *x, int64_t n, int d, int k, struct rng *rng, int threads, double *centers);

/* Assigns every row to its nearest centre (the first on a tie) and returns the
 * inertia; labels may be NULL when only the inertia is wanted. */
double kmeans_assign(const double *x, int64_t n, int d, const double *centers, int k, int32_t *labels,
                     int threads);

/* The sum of squared distances from each row to its labelled centre. */
double kmeans_inertia(const double *x, int64_t n, int d, const double *centers, const int32_t *labels,
                      int threads);

/* Squared Euclidean distance between two d-vectors. */
static inline double sqdist(const double *a, const double *b, int d)
{
    double s = 0.0;
    for (int j = 0; j < d; j++) {
        double e = a[j] - b[j];
        s += e * e;
    }
    return s;
}

#endif
