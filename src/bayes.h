/* bayes.h — the Bayesian reading of a comparison: the probability that a variant
 * beats control, and the expected loss of shipping it.
 *
 * Proportions use Beta posteriors (a uniform Beta(1, 1) prior updated with the
 * counts) and the exact closed form, no simulation; means use the normal posterior
 * of the difference (flat prior).  Pure functions, nothing allocated. */
#ifndef PERSONA_BAYES_H
#define PERSONA_BAYES_H

#include <stdint.h>

/* P(X2 > X1) for independent X1 ~ Beta(a1, b1), X2 ~ Beta(a2, b2), whole-number
 * parameters >= 1: Evan Miller's sum
 *     Σ_{i<a2} B(a1 + i, b1 + b2) / ((b2 + i) B(1 + i, b2) B(a1, b1)),
 * or its mirror image over b1 terms (P(X2 > X1) = P(1 − X2 < 1 − X1)), whichever is
 * shorter, so the work is min(a2, b1) terms (a million terms take 30 ms).  Terms
 * are carried by their exact ratio and re-anchored on GSL's log-beta every 64 terms.
 * The log-betas carry a relative error of DBL_EPSILON times their size, so the
 * result does too: measured against a 50-digit evaluation, within 1e-15 for counts
 * in the hundreds and 2e-12 at 145,000 units.  Past BETA_EXACT_TERMS terms the
 * sum would take seconds and its log-betas (of size ~n) lose digits, so the normal
 * approximation of X2 − X1 (the Betas' exact means and variances) is used instead;
 * its error falls as 1/n: measured against SciPy's quadrature of the Beta
 * densities, 1.6e-5 (relative, expected loss) and 1e-6 (probability) at a million
 * units, 7e-7 at ten million.  NaN for a parameter < 1. */
double beta_prob_greater(int64_t a1, int64_t b1, int64_t a2, int64_t b2);

enum { BETA_EXACT_TERMS = 2000000 };

/* Whether beta_prob_greater() and beta_expected_loss() sum exactly (1) or use the
 * normal approximation (0) for these parameters, for the report. */
int beta_exact(int64_t a1, int64_t b1, int64_t a2, int64_t b2);

/* E[max(X1 − X2, 0)] for the same posteriors: what is lost, on average, by choosing
 * 2 when 1 is better, in the units of the rates.  From the identity
 * x·Beta(a, b) density = a/(a+b) · Beta(a + 1, b) density:
 *     a1/(a1+b1) P(X1' > X2) − a2/(a2+b2) P(X1 > X2'),  X' with a + 1.
 * A difference of two such terms: measured within 4e-11 of a 50-digit value.  With
 * more terms than BETA_EXACT_TERMS, the normal approximation's se φ(d/se) − d Φ(−d/se). */
double beta_expected_loss(int64_t a1, int64_t b1, int64_t a2, int64_t b2);

/* The normal posterior of a difference D ~ N(diff, se²): the probability that D > 0
 * in *prob, and E[max(−D, 0)] = se φ(diff/se) − diff Φ(−diff/se), the expected loss
 * of acting as if D > 0, in *loss.  -1 (NaN outputs) when se is not positive. */
int normal_posterior(double diff, double se, double *prob, double *loss);

#endif
