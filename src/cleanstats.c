/* cleanstats.c — quantiles, spreads, mode and k-NN imputation (definitions in
 * cleanstats.h). */
#include "cleanstats.h"

#include <math.h>
#include <stdlib.h>

#include "strbuf.h"

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

void sort_doubles(double *x, size_t n) { qsort(x, n, sizeof *x, cmp_double); }

double quantile_sorted(const double *sorted, size_t n, double p)
{
    double h = p * (double)(n - 1);
    size_t lo = (size_t)floor(h);
    if (lo >= n - 1)
        return sorted[n - 1];
    double frac = h - (double)lo;
    /* NumPy's _lerp: a + (b − a)·t, from the upper end when t ≥ 0.5, so that the
     * ends are exact and the results agree to the last bit */
    double a = sorted[lo], b = sorted[lo + 1], diff = b - a;
    return frac >= 0.5 ? b - diff * (1.0 - frac) : a + diff * frac;
}

double mean_of(const double *x, size_t n)
{
    double s = 0;
    for (size_t i = 0; i < n; i++)
        s += x[i];
    double m = s / (double)n;
    /* a second pass corrects the rounding of the first (as NumPy's pairwise sum
     * would not; the difference is far below the tolerance the tests allow) */
    double r = 0;
    for (size_t i = 0; i < n; i++)
        r += x[i] - m;
    return m + r / (double)n;
}

double sd_of(const double *x, size_t n, int ddof)
{
    double m = mean_of(x, n), ss = 0;
    for (size_t i = 0; i < n; i++)
        ss += (x[i] - m) * (x[i] - m);
    return sqrt(ss / (double)(n - (size_t)ddof));
}

double median_of(double *x, size_t n)
{
    sort_doubles(x, n);
    return n % 2 ? x[n / 2] : (x[n / 2 - 1] + x[n / 2]) / 2.0;
}

double mad_normal(double *x, size_t n)
{
    double med = median_of(x, n);
    for (size_t i = 0; i < n; i++)
        x[i] = fabs(x[i] - med);
    return median_of(x, n) / MAD_NORMAL_DIVISOR;
}

double mode_of(double *x, size_t n)
{
    sort_doubles(x, n);
    double best = x[0];
    size_t best_run = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && x[j] == x[i])
            j++;
        if (j - i > best_run) {
            best_run = j - i;
            best = x[i];
        }
        i = j;
    }
    return best;
}

void outlier_bounds(enum outlier_method m, double k, double *x, size_t n, struct outlier_bounds *b)
{
    switch (m) {
    case OUTLIER_IQR: {
        sort_doubles(x, n);
        double q1 = quantile_sorted(x, n, 0.25), q3 = quantile_sorted(x, n, 0.75);
        b->center = q1;
        b->spread = q3;
        b->lower = q1 - k * (q3 - q1);
        b->upper = q3 + k * (q3 - q1);
        break;
    }
    case OUTLIER_ZSCORE:
        b->center = mean_of(x, n);
        b->spread = sd_of(x, n, 0);
        b->lower = b->center - k * b->spread;
        b->upper = b->center + k * b->spread;
        break;
    case OUTLIER_MAD: {
        double *copy = xmalloc(n * sizeof *copy);
        for (size_t i = 0; i < n; i++)
            copy[i] = x[i];
        b->center = median_of(copy, n);
        b->spread = mad_normal(x, n);
        b->lower = b->center - k * b->spread;
        b->upper = b->center + k * b->spread;
        free(copy);
        break;
    }
    }
}

void standardize_columns(double *X, size_t n, size_t d)
{
    for (size_t f = 0; f < d; f++) {
        double mean = 0, m2 = 0;
        size_t k = 0;
        for (size_t i = 0; i < n; i++) {
            double x = X[i * d + f];
            if (isnan(x))
                continue;
            k++;
            double delta = x - mean;
            mean += delta / (double)k;
            m2 += delta * (x - mean);
        }
        double sd = k ? sqrt(m2 / (double)k) : 0;
        if (!(sd > 0))
            sd = 1;
        for (size_t i = 0; i < n; i++)
            X[i * d + f] = (X[i * d + f] - mean) / sd;
    }
}

/* nan-Euclidean distance between rows a and b of d features; NAN when they share
 * no coordinate. */
static double nan_euclidean(const double *a, const double *b, size_t d)
{
    double ss = 0;
    size_t present = 0;
    for (size_t j = 0; j < d; j++) {
        if (isnan(a[j]) || isnan(b[j]))
            continue;
        ss += (a[j] - b[j]) * (a[j] - b[j]);
        present++;
    }
    return present ? sqrt((double)d / (double)present * ss) : NAN;
}

void knn_impute_one(const double *X, size_t n, size_t d, const double *y, size_t receiver, size_t k,
                    double *out, size_t *used, int *nearest_missing)
{
    /* the k nearest so far, sorted by distance, ties keeping the earlier row */
    double *best_d = xmalloc((k + 1) * sizeof *best_d);
    size_t *best_i = xmalloc((k + 1) * sizeof *best_i);
    size_t nbest = 0, donors = 0;
    double donor_sum = 0;
    const double *r = X + receiver * d;
    for (size_t i = 0; i < n; i++) {
        if (i == receiver || isnan(y[i]))
            continue;
        donors++;
        donor_sum += y[i];
        double dist = nan_euclidean(r, X + i * d, d);
        if (isnan(dist) || (nbest == k && dist >= best_d[k - 1]))
            continue;
        size_t at = nbest < k ? nbest++ : k - 1;
        while (at > 0 && best_d[at - 1] > dist) {
            best_d[at] = best_d[at - 1];
            best_i[at] = best_i[at - 1];
            at--;
        }
        best_d[at] = dist;
        best_i[at] = i;
    }
    *used = nbest;
    *nearest_missing = 0;
    if (nbest) {
        double s = 0;
        for (size_t i = 0; i < nbest; i++)
            s += y[best_i[i]];
        *out = s / (double)nbest;
    } else if (donors) {
        *nearest_missing = 1;
        *used = donors;
        *out = donor_sum / (double)donors;
    }
    free(best_d);
    free(best_i);
}
