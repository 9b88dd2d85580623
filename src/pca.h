/* pca.h — principal component analysis: the covariance matrix in one pass over the
 * rows (on every core), its eigen-decomposition by GSL, projections.
 *
 * Numbers follow scikit-learn's PCA: explained variance with the n - 1 denominator,
 * its ratio to the total variance, components as rows, and each component's sign
 * chosen so that its largest projection (in absolute value) is positive, as
 * scikit-learn's svd_flip does. */
#ifndef PERSONA_PCA_H
#define PERSONA_PCA_H

#include <stdint.h>

#include "ctx.h"

struct pca_result {
    int d;
    double *mean;           /* d: the column means */
    double *variance;       /* d: explained variance, largest first */
    double *ratio;          /* d: explained variance ratio */
    double *components;     /* d × d: row i is component i (unit length) */
};

/* Fits the n × d matrix x (n >= 2).  Returns 0, or -1 with c->err set. */
int pca_fit(ctx *c, const double *x, int64_t n, int d, int threads, struct pca_result *r);

/* Projects x on the first ncomp components into out (n × ncomp) and flips the sign of
 * each of those components (and its projections) so its largest absolute projection
 * is positive. */
void pca_project(struct pca_result *r, const double *x, int64_t n, int ncomp, int threads, double *out);

void pca_result_free(struct pca_result *r);

#endif
