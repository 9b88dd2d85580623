/* power.h — power, sample size and minimum detectable effect of two-sided tests.
 *
 * The definitions are statsmodels' (0.13): proportions as power_proportions_2indep
 * and samplesize_proportions_2indep_onetail (pooled variance under the null, the
 * two rates' own variances under the alternative), means as NormalIndPower.  As
 * there, group 1 is the variant with n1 units and group 2 the control with
 * ratio · n1.  Pure functions; the solvers use GSL's Brent root finder. */
#ifndef PERSONA_POWER_H
#define PERSONA_POWER_H

/* Power of the two-sided pooled z-test to detect p_control + diff against p_control
 * with n1 variant units and ratio · n1 control units at level alpha
 * (= statsmodels power_proportions_2indep(diff, p_control, n1, ratio, alpha,
 * return_results=False)); both tails count.  NaN outside 0 < p < 1. */
double power_proportions(double diff, double p_control, double n1, double ratio, double alpha);

/* Variant units for power to detect diff (the Fleiss formula with the pooled null
 * variance, the far tail ignored), not rounded
 * (= statsmodels samplesize_proportions_2indep_onetail(diff, p_control, power,
 * ratio, alpha)): 10% → 11% at alpha 0.05 and power 0.8 is 14750.79, so 14,751
 * units per group.  NaN when diff is 0 or a rate leaves (0, 1). */
double samplesize_proportions(double diff, double p_control, double power, double ratio, double alpha);

/* The smallest increase over p_control that the test detects with the given power
 * at n1 units (ratio · n1 control): the root of power_proportions(d, …) = power on
 * 0 < d < 1 − p_control.  NaN when even a rate of 1 is not detected that often. */
double mde_proportions(double p_control, double n1, double ratio, double alpha, double power);

/* Power of the two-sided z-test of means for a standardised effect d = Δ/σ with n1
 * and ratio · n1 units (= statsmodels NormalIndPower().power(d, n1, alpha, ratio));
 * both tails count. */
double power_normal(double effect_size, double n1, double ratio, double alpha);

/* Units n1 giving that power (= NormalIndPower().solve_power(d, None, alpha, power,
 * ratio)), not rounded.  NaN for an effect of 0 or a power outside (alpha, 1). */
double samplesize_normal(double effect_size, double power, double ratio, double alpha);

/* The standardised effect d detected with that power at n1 units
 * (= NormalIndPower().solve_power(None, n1, alpha, power, ratio)). */
double mde_normal(double n1, double ratio, double alpha, double power);

#endif
