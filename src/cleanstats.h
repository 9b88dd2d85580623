/* cleanstats.h — the statistics behind `impute` and `outliers`, on plain arrays of
 * doubles, with NumPy/SciPy's definitions so the numbers can be checked against them:
 *  - quantiles: numpy.quantile's default ('linear', type 7 of Hyndman & Fan): the
 *    value at position p·(n−1) of the sorted data, interpolated between neighbours;
 *  - median: numpy.median (the mean of the two middle values for even n);
 *  - standard deviation: ddof 0 (population), as scipy.stats.zscore by default;
 *  - MAD: scipy.stats.median_abs_deviation(x, scale='normal'), the median absolute
 *    deviation from the median divided by Φ⁻¹(0.75) = 0.6744897501960817 (that is,
 *    times 1.4826), so it estimates the standard deviation of normal data;
 *  - mode: the most frequent value, the smallest of several (scipy.stats.mode);
 *  - k nearest neighbours: sklearn.impute.KNNImputer(weights='uniform') — the mean
 *    of the target over the k donors nearest by nan-Euclidean distance
 *    sqrt(d / present · Σ over coordinates present in both (a − b)²); a receiver
 *    with no coordinate in common with any donor gets the donors' mean. */
#ifndef PERSONA_CLEANSTATS_H
#define PERSONA_CLEANSTATS_H

#include <stddef.h>

/* Φ⁻¹(0.75): the MAD is divided by it (SciPy's constant). */
#define MAD_NORMAL_DIVISOR 0.6744897501960817

/* numpy.quantile(x, p) of sorted data (n ≥ 1, 0 ≤ p ≤ 1). */
double quantile_sorted(const double *sorted, size_t n, double p);

double mean_of(const double *x, size_t n);

/* Standard deviation with ddof degrees of freedom removed (n > ddof), two-pass. */
double sd_of(const double *x, size_t n, int ddof);

/* Sorts x in place (ascending). */
void sort_doubles(double *x, size_t n);

/* median of x (n ≥ 1); sorts x. */
double median_of(double *x, size_t n);

/* MAD with scale='normal' of x (n ≥ 1); x is left in an unspecified order. */
double mad_normal(double *x, size_t n);

/* The most frequent value, the smallest on ties; sorts x. */
double mode_of(double *x, size_t n);

enum outlier_method { OUTLIER_IQR, OUTLIER_ZSCORE, OUTLIER_MAD };

/* What a method found: values outside [lower, upper] are outliers. */
struct outlier_bounds {
    double lower, upper;
    double center, spread;  /* IQR: q1 and q3; zscore: mean and sd; MAD: median and MAD */
};

/* Bounds by method with threshold k over n ≥ 1 values (x is left in an unspecified
 * order): IQR [q1 − k·iqr, q3 + k·iqr]; zscore [mean − k·sd, mean + k·sd] (|z| > k);
 * MAD [median − k·mad, median + k·mad].  A spread of 0 gives bounds equal to the
 * centre, so only values off it are outliers (SciPy's z-score is NaN then: see
 * cmd-outliers.c, which reports and flags nothing in that case). */
void outlier_bounds(enum outlier_method m, double k, double *x, size_t n, struct outlier_bounds *b);

/* Puts each column of the n × d row-major matrix on one scale in place:
 * (x − mean) / sd over its present values, NAN left as NAN (scikit-learn's
 * StandardScaler: population sd; a constant column is divided by 1). */
void standardize_columns(double *X, size_t n, size_t d);

/* KNNImputer for one receiver.  X is n rows of d features, row-major, NAN where
 * missing; y the target, NAN where missing; donors are the rows with y present.
 * Writes the imputed value to *out and how many donors it averaged to *used (0: no
 * donors at all, *out untouched; receivers with no common coordinate are marked by
 * *nearest_missing = 1 and get the donors' mean).  Ties in distance go to the
 * earlier row. */
void knn_impute_one(const double *X, size_t n, size_t d, const double *y, size_t receiver, size_t k,
                    double *out, size_t *used, int *nearest_missing);

#endif
