/* dist.h — the distribution functions the experiment statistics need: normal,
 * Student t and chi-square tails and the quantiles the intervals use.
 *
 * The reference is SciPy (scipy.stats.norm, scipy.special.stdtr, scipy.stats.chi2);
 * every function here agrees with it to about 1e-13 relative, tails included (see
 * tests/unit/test_stats.c).  GSL does the work, with one exception measured and
 * explained in dist.c: GSL's Student t tail is not that exact for more than 30
 * degrees of freedom, so there the tail is integrated numerically.
 *
 * All functions are pure and thread-safe. */
#ifndef PERSONA_DIST_H
#define PERSONA_DIST_H

/* Switches GSL's abort-on-error handler off, once for the whole process: Persona
 * reports errors as values, so every module that calls GSL calls this first and
 * checks results instead.  The functions below call it themselves. */
void gsl_errors_off(void);

/* The root of fn(x, arg) = 0 in [lo, hi] by Brent's method, to 4 ulps, or NaN when
 * the solver fails (fn must change sign over the interval). */
double brent_root(double (*fn)(double x, void *arg), void *arg, double lo, double hi);

/* P(Z > z) for a standard normal Z. */
double norm_sf(double z);

/* P(Z < z) for a standard normal Z. */
double norm_cdf(double z);

/* The z with P(Z > z) = p, 0 < p < 1 (scipy.stats.norm.isf). */
double norm_isf(double p);

/* The normal density at z. */
double norm_pdf(double z);

/* The two-sided p-value of a t statistic: P(|T| >= |t|) with df degrees of freedom
 * (df > 0, not necessarily whole: Welch's df is not), = 2 * scipy stdtr(df, -|t|). */
double t_pvalue(double t, double df);

/* The critical value of a two-sided t interval: the t > 0 with t_pvalue(t, df) =
 * alpha, 0 < alpha < 1 (= scipy.stats.t.isf(alpha / 2, df)). */
double t_critical(double alpha, double df);

/* P(X > x) for X chi-square with df degrees of freedom (scipy.stats.chi2.sf). */
double chi2_sf(double x, double df);

#endif
