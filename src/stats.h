/* stats.h — hypothesis tests and confidence intervals for comparing groups.
 *
 * Each function is the definition a reference library uses, named in its comment,
 * and is tested against that library's numbers (tests/fixtures/stats/).  Inputs are
 * summaries (counts, or the moments of a sample) so callers can stream any number of
 * rows; the rank test alone needs the values.  A function that cannot give a number
 * (a variance of zero, no units) returns -1 and leaves NaN in its outputs: callers
 * say "not enough data" instead of printing them.  Nothing here allocates except
 * mann_whitney(), which frees what it takes. */
#ifndef PERSONA_STATS_H
#define PERSONA_STATS_H

#include <stddef.h>
#include <stdint.h>

/* The running moments of a sample (Welford's update: one pass, no cancellation).
 * The values are taken relative to the first one, so a metric whose spread is tiny
 * next to its size (1e6 ± 1) keeps its digits: x − shift is exact for values
 * within a factor of two of each other.  A zeroed struct is an empty sample. */
struct moments {
    int64_t n;
    double shift;           /* the first value */
    double mean;            /* of x − shift */
    double m2;              /* sum of squared deviations from the mean */
};

/* Adds one value. */
void moments_add(struct moments *m, double x);

/* The sample mean (NaN when empty). */
double moments_mean(const struct moments *m);

/* mean of a − mean of b, the shifts subtracted first (exactly, when close). */
double moments_mean_diff(const struct moments *a, const struct moments *b);

/* The sample variance (ddof 1, as numpy.var(ddof=1)); NaN below two values. */
double moments_var(const struct moments *m);

/* The result of a test: its statistic, degrees of freedom (0 where none) and
 * two-sided p-value. */
struct test_result {
    double statistic;
    double df;
    double p_value;
};

/* Two-proportion z-test with the pooled variance, x1/n1 against x2/n2, two-sided
 * (= statsmodels proportions_ztest([x1, x2], [n1, n2])).  The numerator
 * x1·n2 − x2·n1 is exact in integers, so counts of 10^9 lose nothing.  -1 when the
 * pooled rate is 0 or 1 (no variance) or an n is 0. */
int prop_ztest(int64_t x1, int64_t n1, int64_t x2, int64_t n2, struct test_result *r);

/* Fisher's exact test of x1/n1 against x2/n2 (the 2×2 table of successes and
 * failures), two-sided as scipy.stats.fisher_exact: the probability, given the
 * margins, of every table no more likely than the one observed (within a relative
 * 1e-7, as SciPy compares them).  NaN when the table has more than
 * FISHER_MAX_TABLES possible tables (use it where counts are small). */
double fisher_exact_p(int64_t x1, int64_t n1, int64_t x2, int64_t n2);

enum { FISHER_MAX_TABLES = 10000000 };

/* The smallest expected count of the k×2 table of k groups' successes x[i] and
 * failures n[i] − x[i] under the pooled rate: below 5, the normal approximations
 * of the score and chi-square tests are unreliable.  +inf when there are no units. */
double min_expected_count(int k, const int64_t *x, const int64_t *n);

/* The relative difference of two rates, (x1/n1) / (x2/n2) − 1, as
 * (x1·n2 − x2·n1) / (x2·n1) with the numerator exact; NaN when x2 or an n is 0. */
double prop_relative_diff(int64_t x1, int64_t n1, int64_t x2, int64_t n2);

/* Pearson chi-square test of independence on the k×2 table of k groups' successes
 * x[i] and failures n[i] − x[i] (= scipy.stats.chi2_contingency(table,
 * correction=yates)): df k − 1; with yates the 2×2 case moves each observed count
 * half a unit toward its expected count (never past it), as SciPy does; SciPy
 * applies no correction when df > 1 and neither does this.  -1 when an expected
 * count is 0 (SciPy raises) or k < 2. */
int chi2_contingency(int k, const int64_t *x, const int64_t *n, int yates, struct test_result *r);

/* Pearson chi-square goodness of fit of k observed counts to the shares of weights
 * (any positive scale): expected[i] = total · weights[i] / Σ weights, df k − 1
 * (= scipy.stats.chisquare(observed, expected)).  -1 for k < 2, a total of 0 or a
 * weight <= 0. */
int chi2_goodness_of_fit(int k, const int64_t *observed, const double *weights, struct test_result *r);

/* Welch's t-test of mean a − mean b with the Welch–Satterthwaite df
 * (= scipy.stats.ttest_ind(a, b, equal_var=False)).  -1 when either sample has
 * fewer than two values or both have zero variance. */
int welch_ttest(const struct moments *a, const struct moments *b, struct test_result *r);

/* How mann_whitney() computed its p-value. */
enum mwu_method { MWU_EXACT, MWU_ASYMPTOTIC };

/* The Mann–Whitney U test of x against y, two-sided, as scipy.stats.mannwhitneyu
 * (SciPy 1.10, method='auto', use_continuity=True): the exact distribution of U
 * when one sample has at most 8 values and there are no ties, otherwise the normal
 * approximation with the tie correction and a continuity correction of 1/2.
 * statistic is U1 (x's U); p is clipped to 1.  x and y are sorted in place.
 * -1 when a sample is empty, or all values tie (no variance); *method may be NULL. */
int mann_whitney(double *x, size_t nx, double *y, size_t ny, struct test_result *r,
                 enum mwu_method *method);

/* A confidence interval. */
struct interval {
    double lo, hi;
};

/* Wilson score interval for x successes in n at level 1 − alpha
 * (= statsmodels proportion_confint(x, n, alpha, method='wilson')).  -1 for n = 0. */
int wilson_interval(int64_t x, int64_t n, double alpha, struct interval *ci);

/* Unpooled Wald interval for the difference x1/n1 − x2/n2
 * (= statsmodels confint_proportions_2indep(x1, n1, x2, n2, method='wald',
 * compare='diff', alpha)); the difference itself in *diff.  -1 for an n of 0. */
int wald_diff_interval(int64_t x1, int64_t n1, int64_t x2, int64_t n2, double alpha, double *diff,
                       struct interval *ci);

/* The Miettinen–Nurminen score test of x1/n1 against x0/n0 for a difference
 * p1 − p0 = 0 (= statsmodels test_proportions_2indep(x1, n1, x0, n0,
 * method='score', compare='diff', correction=True)): the variance is each rate's
 * own at the rates that maximise the likelihood under the null, times N/(N − 1).
 * -1 when every unit converted or none did. */
int mn_score_test(int64_t x1, int64_t n1, int64_t x0, int64_t n0, struct test_result *r);

/* The intervals that invert that test, for the difference p1 − p0 and the ratio
 * p1 / p0 (= statsmodels confint_proportions_2indep(..., method='score',
 * compare='diff' / 'ratio')): every value inside is one the test does not reject at
 * alpha, so the difference's interval excludes 0, the ratio's excludes 1, exactly
 * when the test is significant.  A ratio bound may be 0 or +inf (a rate of 0).
 * -1 (NaN bounds) when every unit converted or none did. */
int mn_score_diff_interval(int64_t x1, int64_t n1, int64_t x0, int64_t n0, double alpha, struct interval *ci);
int mn_score_ratio_interval(int64_t x1, int64_t n1, int64_t x0, int64_t n0, double alpha, struct interval *ci);

/* Newcombe's hybrid score interval for the difference x1/n1 − x2/n2, from the two
 * Wilson intervals (= statsmodels confint_proportions_2indep(..., method='newcomb')):
 * it stays inside [−1, 1] and has width where a rate is 0, where Wald's has none. */
int newcombe_diff_interval(int64_t x1, int64_t n1, int64_t x2, int64_t n2, double alpha, double *diff,
                           struct interval *ci);

/* t interval for a mean: mean ± t(n − 1) · s / √n
 * (= scipy.stats.t.interval(1 − alpha, n − 1, mean, sem)).  -1 below two values. */
int mean_interval(const struct moments *m, double alpha, struct interval *ci);

/* Welch interval for mean a − mean b with the Welch–Satterthwaite df
 * (= statsmodels CompareMeans(a, b).tconfint_diff(alpha, usevar='unequal')); the
 * difference in *diff.  -1 as welch_ttest(). */
int welch_diff_interval(const struct moments *a, const struct moments *b, double alpha, double *diff,
                        struct interval *ci);

/* How a ratio was bounded: Fieller's interval (means), the score interval
 * (proportions, mn_score_ratio_interval), or not at all. */
enum ratio_method { RATIO_FIELLER, RATIO_SCORE, RATIO_UNDEFINED };

/* Fieller's 1 − alpha interval for the ratio of two independent means, mt / mc,
 * from the means and the variances of the means (se², not the sample variances),
 * with the critical value crit (z, or Welch's t for means): the roots of
 * (mt − ρ mc)² = crit² (vt + ρ² vc).  It excludes 1 exactly when
 * |mt − mc| / √(vt + vc) > crit, that is when the test of the difference with the
 * same variances and critical value rejects, which the delta method's symmetric
 * interval does not always do.  At g = crit² vc / mc² >= 1 (mc is not
 * distinguishable from 0) the set of plausible ratios is unbounded and no interval
 * exists: RATIO_UNDEFINED, with NaN bounds.  Returns the method used. */
enum ratio_method ratio_interval(double mt, double vt, double mc, double vc, double crit, struct interval *ci);

/* "fieller", "score" or "undefined". */
const char *ratio_method_name(enum ratio_method m);

/* Multiple-comparison corrections of p-values. */
enum p_adjust { P_ADJUST_NONE, P_ADJUST_HOLM, P_ADJUST_BH };

/* Adjusts m p-values into out (which may be p) as statsmodels multipletests:
 * Holm's step-down (method='holm') or Benjamini–Hochberg (method='fdr_bh'); NONE
 * copies.  NaN p-values are left out of m and stay NaN. */
void p_adjust(int m, const double *p, enum p_adjust method, double *out);

#endif
