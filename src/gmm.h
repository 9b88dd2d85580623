/* gmm.h — Gaussian mixture models fitted by expectation–maximisation, as
 * scikit-learn's GaussianMixture: k-means labels start each run, covariances are
 * full or diagonal with reg_covar added to the diagonal, EM stops when the mean
 * log-likelihood changes by less than tol, and the run with the best final
 * log-likelihood of n_init is kept.  Each iteration is one pass over the rows on
 * every core (the E-step's responsibilities go straight into the M-step's sums). */
#ifndef PERSONA_GMM_H
#define PERSONA_GMM_H

#include <stdint.h>

#include "ctx.h"

enum gmm_covariance { GMM_FULL, GMM_DIAG };

struct gmm_params {
    int k;
    enum gmm_covariance covariance;
    int n_init;             /* scikit-learn: 1 */
    int max_iter;           /* scikit-learn: 100 */
    double tol;             /* scikit-learn: 1e-3 */
    double reg_covar;       /* scikit-learn: 1e-6 */
    uint64_t seed;
    int threads;
};

struct gmm_result {
    int k, d;
    enum gmm_covariance covariance;
    double *weights;        /* k */
    double *means;          /* k × d */
    double *covariances;    /* full: k × d × d; diag: k × d */
    int32_t *labels;        /* n: the most probable component */
    double *probs;          /* n × k membership probabilities */
    double log_likelihood;  /* mean per row (scikit-learn's score) */
    double bic, aic;
    int iterations, converged;
};

int gmm_fit(ctx *c, const double *x, int64_t n, int d, const struct gmm_params *p, struct gmm_result *r);
void gmm_result_free(struct gmm_result *r);

/* Free parameters of the mixture (for BIC and AIC). */
int64_t gmm_parameters(int k, int d, enum gmm_covariance cov);

#endif
