/* bayes.c — probability to beat control and expected loss (see bayes.h). */
#include "bayes.h"

#include <math.h>

#include <gsl/gsl_sf_gamma.h>

#include "dist.h"

enum { ANCHOR_EVERY = 64 };

/* log of term i of Evan Miller's sum for P(X2 > X1), straight from log-betas. */
static double log_term(double a1, double b1, double b2, double i)
{
    return gsl_sf_lnbeta(a1 + i, b1 + b2) - log(b2 + i) - gsl_sf_lnbeta(1.0 + i, b2) - gsl_sf_lnbeta(a1, b1);
}

/* Σ_{i<a2} of the terms.  The sum is kept as s·e^top (top the largest log-term so
 * far), so terms far below 1e-308 and sums of huge and tiny terms both stay exact. */
static double miller_sum(int64_t a1, int64_t b1, int64_t a2, int64_t b2)
{
    double A1 = (double)a1, B1 = (double)b1, B2 = (double)b2;
    double top = -INFINITY, s = 0, lt = 0;
    for (int64_t i = 0; i < a2; i++) {
        double di = (double)i;
        if (i % ANCHOR_EVERY == 0)
            lt = log_term(A1, B1, B2, di);
        else    /* T_i / T_(i−1) = (a1 + i − 1)(b2 + i − 1) / ((a1 + b1 + b2 + i − 1) i) */
            lt += log((A1 + di - 1.0) * (B2 + di - 1.0) / ((A1 + B1 + B2 + di - 1.0) * di));
        if (lt > top) {
            s = s * exp(top - lt) + 1.0;
            top = lt;
        } else {
            s += exp(lt - top);
        }
    }
    return s * exp(top);
}

/* The normal approximation of X2 − X1 from the Betas' means and variances. */
static void beta_normal(int64_t a1, int64_t b1, int64_t a2, int64_t b2, double *diff, double *se)
{
    double A1 = (double)a1, B1 = (double)b1, A2 = (double)a2, B2 = (double)b2;
    double n1 = A1 + B1, n2 = A2 + B2;
    double v1 = A1 / n1 * (B1 / n1) / (n1 + 1), v2 = A2 / n2 * (B2 / n2) / (n2 + 1);
    *diff = A2 / n2 - A1 / n1;
    *se = sqrt(v1 + v2);
}

/* How many terms beta_prob_greater(·, b1, a2, ·) sums: the shorter of the sum and
 * its mirror image. */
static int64_t miller_terms(int64_t b1, int64_t a2) { return a2 <= b1 ? a2 : b1; }

int beta_exact(int64_t a1, int64_t b1, int64_t a2, int64_t b2)
{
    /* the loss also needs P(X1' > X2), X1' with a1 + 1 */
    return miller_terms(b1, a2) <= BETA_EXACT_TERMS && miller_terms(b2, a1 + 1) <= BETA_EXACT_TERMS;
}

double beta_prob_greater(int64_t a1, int64_t b1, int64_t a2, int64_t b2)
{
    if (a1 < 1 || b1 < 1 || a2 < 1 || b2 < 1)
        return NAN;
    if (miller_terms(b1, a2) > BETA_EXACT_TERMS) {
        double diff, se, prob, loss;
        beta_normal(a1, b1, a2, b2, &diff, &se);
        normal_posterior(diff, se, &prob, &loss);
        return prob;
    }
    gsl_errors_off();
    /* P(X2 > X1) = P(Y1 > Y2) with Y = 1 − X ~ Beta(b, a): the same sum with the
     * roles swapped runs over b1 terms instead of a2 */
    double p = a2 <= b1 ? miller_sum(a1, b1, a2, b2) : miller_sum(b2, a2, b1, a1);
    return p > 1.0 ? 1.0 : p;
}

double beta_expected_loss(int64_t a1, int64_t b1, int64_t a2, int64_t b2)
{
    if (a1 < 1 || b1 < 1 || a2 < 1 || b2 < 1)
        return NAN;
    if (!beta_exact(a1, b1, a2, b2)) {
        /* E[max(X1 − X2, 0)]: the loss of acting as if X2 − X1 > 0 */
        double diff, se, prob, loss;
        beta_normal(a1, b1, a2, b2, &diff, &se);
        normal_posterior(diff, se, &prob, &loss);
        return loss;
    }
    double mean1 = (double)a1 / (double)(a1 + b1), mean2 = (double)a2 / (double)(a2 + b2);
    double loss = mean1 * beta_prob_greater(a2, b2, a1 + 1, b1) - mean2 * beta_prob_greater(a2 + 1, b2, a1, b1);
    return loss > 0 ? loss : 0.0;
}

int normal_posterior(double diff, double se, double *prob, double *loss)
{
    if (!(se > 0) || !isfinite(diff)) {
        *prob = *loss = NAN;
        return -1;
    }
    double z = diff / se;
    *prob = norm_cdf(z);
    *loss = se * norm_pdf(z) - diff * norm_sf(z);
    return 0;
}
