/* cuped.h — CUPED: variance reduction with a pre-period covariate.
 *
 * Each unit's metric y is replaced by y − θ (x − x̄), x the same unit's metric before
 * the experiment and x̄ its mean over every unit.  θ = cov(x, y) / var(x) is
 * computed once over all arms pooled (Deng et al. 2013), so every arm is adjusted
 * by the same amount per unit of x and the difference of means stays unbiased.  The
 * arms are summarised by their co-moments, streamed in one pass. */
#ifndef PERSONA_CUPED_H
#define PERSONA_CUPED_H

#include <stdint.h>

#include "stats.h"

/* Running means, sums of squared deviations and of cross-products of (x, y);
 * a zeroed struct is empty.  The means are of x − shift_x and y − shift_y, the
 * first unit's values, so a metric far from zero (1e9 + noise) keeps its digits,
 * as struct moments does. */
struct comoments {
    int64_t n;
    double shift_x, shift_y;
    double mean_x, mean_y;
    double m2x, m2y, cxy;
};

/* Adds one unit's covariate x and metric y. */
void comoments_add(struct comoments *c, double x, double y);

/* Adds the units of `from` to `into` (Chan, Golub and LeVeque's pairwise update). */
void comoments_merge(struct comoments *into, const struct comoments *from);

/* θ = cov(x, y) / var(x) of the pooled co-moments; NaN when x does not vary. */
double cuped_theta(const struct comoments *pooled);

/* The moments of one arm's adjusted metric y − θ (x − x̄), x̄ the pooled mean of
 * x: mean shifted by −θ (x̄_arm − x̄), sum of squares m2y − 2θ cxy + θ² m2x (never
 * below 0). */
struct moments cuped_adjust(const struct comoments *arm, double theta, const struct comoments *pooled);

#endif
