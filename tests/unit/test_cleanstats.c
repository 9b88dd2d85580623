/* test_cleanstats.c — the statistics of impute and outliers against NumPy, SciPy and
 * scikit-learn: reference values computed by tests/fixtures/cleaning/make_fixtures.py
 * and checked in (quantiles, mean, sd with ddof 0 and 1, median, MAD scaled to the
 * normal, mode, outlier bounds and counts, KNNImputer). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanstats.h"

#define FIXTURES "tests/fixtures/cleaning"

/* Relative agreement to 1e-12 (absolute near zero). */
static void expect_close(double got, double want, const char *what)
{
    double tol = 1e-12 * fmax(1.0, fabs(want));
    if (!(fabs(got - want) <= tol))
        fail_msg("%s: got %.17g, want %.17g (difference %.3g)", what, got, want, got - want);
}

/* The fields of a CSV line without quotes, split in place; returns the count. */
static int split_line(char *line, char **fields, int max)
{
    int n = 0;
    line[strcspn(line, "\r\n")] = '\0';
    for (char *p = line; n < max;) {
        fields[n++] = p;
        char *comma = strchr(p, ',');
        if (!comma)
            break;
        *comma = '\0';
        p = comma + 1;
    }
    return n;
}

static FILE *open_fixture(const char *name)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", FIXTURES, name);
    FILE *f = fopen(path, "r");
    if (!f)
        fail_msg("%s: cannot open (run the tests from the repository root)", path);
    return f;
}

/* The x column of values_<name>.csv. */
static double *read_values(const char *name, size_t *n)
{
    char file[64], line[256];
    snprintf(file, sizeof file, "values_%s.csv", name);
    FILE *f = open_fixture(file);
    double *x = NULL;
    *n = 0;
    assert_non_null(fgets(line, sizeof line, f));
    while (fgets(line, sizeof line, f)) {
        char *fields[2] = {0};
        assert_int_equal(split_line(line, fields, 2), 2);
        x = realloc(x, (*n + 1) * sizeof *x);
        x[(*n)++] = strtod(fields[1], NULL);
    }
    fclose(f);
    return x;
}

static double *copy_of(const double *x, size_t n)
{
    double *c = malloc(n * sizeof *c);
    memcpy(c, x, n * sizeof *c);
    return c;
}

static int count_side(const double *x, size_t n, enum outlier_method m, double k, int high)
{
    double *c = copy_of(x, n);
    struct outlier_bounds b;
    outlier_bounds(m, k, c, n, &b);
    free(c);
    int count = 0;
    for (size_t i = 0; i < n; i++) {
        int out;
        if (m == OUTLIER_IQR)
            out = high ? x[i] > b.upper : x[i] < b.lower;
        else if (b.spread == 0)
            out = m == OUTLIER_MAD && (high ? x[i] > b.center : x[i] < b.center);
        else
            out = fabs((x[i] - b.center) / b.spread) > k && (high ? x[i] > b.center : x[i] < b.center);
        count += out;
    }
    return count;
}

/* One statistic of a data set by name, as the C code computes it. */
static double statistic(const char *name, const double *x, size_t n)
{
    double *c = copy_of(x, n), v = NAN, k;
    char side[8];
    struct outlier_bounds b;
    if (sscanf(name, "quantile:%lf", &k) == 1) {
        sort_doubles(c, n);
        v = quantile_sorted(c, n, k);
    } else if (strcmp(name, "mean") == 0) {
        v = mean_of(c, n);
    } else if (strcmp(name, "sd0") == 0) {
        v = sd_of(c, n, 0);
    } else if (strcmp(name, "sd1") == 0) {
        v = sd_of(c, n, 1);
    } else if (strcmp(name, "median") == 0) {
        v = median_of(c, n);
    } else if (strcmp(name, "mad_normal") == 0) {
        v = mad_normal(c, n);
    } else if (strcmp(name, "mode") == 0) {
        v = mode_of(c, n);
    } else if (sscanf(name, "iqr:%lf:%7s", &k, side) == 2) {
        outlier_bounds(OUTLIER_IQR, k, c, n, &b);
        v = strcmp(side, "lower") == 0 ? b.lower : strcmp(side, "upper") == 0 ? b.upper
                                                                               : count_side(x, n, OUTLIER_IQR, k, strcmp(side, "high") == 0);
    } else if (sscanf(name, "zscore:%lf:%7s", &k, side) == 2) {
        v = count_side(x, n, OUTLIER_ZSCORE, k, strcmp(side, "high") == 0);
    } else if (sscanf(name, "mad:%lf:%7s", &k, side) == 2) {
        v = count_side(x, n, OUTLIER_MAD, k, strcmp(side, "high") == 0);
    } else {
        fail_msg("unknown statistic %s in stats.csv", name);
    }
    free(c);
    return v;
}

/* Every line of stats.csv. */
static void test_statistics_match_numpy_scipy(void **state)
{
    (void)state;
    FILE *f = open_fixture("stats.csv");
    char line[256], loaded[32] = "";
    double *x = NULL;
    size_t n = 0;
    int checked = 0;
    assert_non_null(fgets(line, sizeof line, f));
    while (fgets(line, sizeof line, f)) {
        char *fields[3] = {0};
        assert_int_equal(split_line(line, fields, 3), 3);
        if (strcmp(loaded, fields[0]) != 0) {
            free(x);
            x = read_values(fields[0], &n);
            snprintf(loaded, sizeof loaded, "%s", fields[0]);
        }
        char what[96];
        snprintf(what, sizeof what, "%s %s", fields[0], fields[1]);
        expect_close(statistic(fields[1], x, n), strtod(fields[2], NULL), what);
        checked++;
    }
    free(x);
    fclose(f);
    assert_true(checked >= 100);
}

/* Small cases worked by hand: numpy.quantile's interpolation, even and odd medians. */
static void test_quantiles_by_hand(void **state)
{
    (void)state;
    static const struct {
        double x[6];
        size_t n;
        double p, want;
    } cases[] = {
        {{1, 2, 3, 4}, 4, 0.25, 1.75},  {{1, 2, 3, 4}, 4, 0.75, 3.25}, {{1, 2, 3, 4}, 4, 0.5, 2.5},
        {{5}, 1, 0.25, 5},              {{1, 3}, 2, 0.1, 1.2},         {{0, 10, 20}, 3, 0.9, 18},
        {{1, 2, 3, 4, 5}, 5, 1.0, 5},   {{1, 2, 3, 4, 5}, 5, 0.0, 1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        expect_close(quantile_sorted(cases[i].x, cases[i].n, cases[i].p), cases[i].want, "quantile");
    double even[] = {4, 1, 3, 2}, odd[] = {9, 1, 5};
    expect_close(median_of(even, 4), 2.5, "even median");
    expect_close(median_of(odd, 3), 5, "odd median");
    double ties[] = {3, 1, 3, 1, 2};
    expect_close(mode_of(ties, 5), 1, "mode: the smallest of the most frequent");
}

/* knn.csv: id,g,f1,f2,y; empty is missing. */
struct knn_table {
    size_t n;
    char g[200][8];
    double X[200][2], y[200];
};

static void read_knn(struct knn_table *t)
{
    FILE *f = open_fixture("knn.csv");
    char line[256];
    t->n = 0;
    assert_non_null(fgets(line, sizeof line, f));
    while (fgets(line, sizeof line, f)) {
        char *fields[5] = {0};
        assert_int_equal(split_line(line, fields, 5), 5);
        size_t i = t->n++;
        snprintf(t->g[i], sizeof t->g[i], "%s", fields[1]);
        t->X[i][0] = *fields[2] ? strtod(fields[2], NULL) : NAN;
        t->X[i][1] = *fields[3] ? strtod(fields[3], NULL) : NAN;
        t->y[i] = *fields[4] ? strtod(fields[4], NULL) : NAN;
    }
    fclose(f);
}

/* KNNImputer's values for every missing target, with k 1, 3 and 5, over the whole
 * table and within each group. */
static void test_knn_matches_sklearn(void **state)
{
    (void)state;
    static struct knn_table t;
    read_knn(&t);
    /* impute puts the features on one scale over the whole table first, as the
     * fixture's StandardScaler does */
    static double all[200 * 2];
    for (size_t i = 0; i < t.n; i++) {
        all[i * 2] = t.X[i][0];
        all[i * 2 + 1] = t.X[i][1];
    }
    standardize_columns(all, t.n, 2);
    FILE *f = open_fixture("knn_expected.csv");
    char line[256];
    int checked = 0;
    assert_non_null(fgets(line, sizeof line, f));
    while (fgets(line, sizeof line, f)) {
        char *fields[4] = {0};
        assert_int_equal(split_line(line, fields, 4), 4);
        size_t id = (size_t)atol(fields[0]) - 1, k = (size_t)atol(fields[1]);
        int grouped = *fields[2] != '\0';
        /* the rows the neighbours come from: all, or the receiver's group */
        static double X[200 * 2], y[200];
        size_t m = 0, receiver = 0;
        for (size_t i = 0; i < t.n; i++) {
            if (grouped && strcmp(t.g[i], t.g[id]) != 0)
                continue;
            if (i == id)
                receiver = m;
            X[m * 2] = all[i * 2];
            X[m * 2 + 1] = all[i * 2 + 1];
            y[m++] = t.y[i];
        }
        double v = NAN;
        size_t used;
        int fallback;
        knn_impute_one(X, m, 2, y, receiver, k, &v, &used, &fallback);
        assert_int_equal(used, k);
        assert_int_equal(fallback, 0);
        char what[64];
        snprintf(what, sizeof what, "knn id %zu k %zu%s", id + 1, k, grouped ? " by g" : "");
        expect_close(v, strtod(fields[3], NULL), what);
        checked++;
    }
    fclose(f);
    assert_true(checked >= 60);
}

/* A receiver sharing no feature with any donor gets the donors' mean (sklearn); one
 * with fewer donors than k averages those it has. */
static void test_knn_edges(void **state)
{
    (void)state;
    double X[] = {NAN, 1, /* receiver: only feature 2 */ 5, NAN, 6, NAN};
    double y[] = {NAN, 10, 20};
    double v;
    size_t used;
    int fallback;
    knn_impute_one(X, 3, 2, y, 0, 2, &v, &used, &fallback);
    assert_int_equal(fallback, 1);
    expect_close(v, 15, "no common feature: the donors' mean");
    double X2[] = {0, 1, 2};
    double y2[] = {NAN, 4, NAN};
    knn_impute_one(X2, 3, 1, y2, 0, 5, &v, &used, &fallback);
    assert_int_equal(used, 1);
    expect_close(v, 4, "one donor");
    double y3[] = {NAN, NAN, NAN};
    knn_impute_one(X2, 3, 1, y3, 0, 5, &v, &used, &fallback);
    assert_int_equal(used, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_statistics_match_numpy_scipy),
        cmocka_unit_test(test_quantiles_by_hand),
        cmocka_unit_test(test_knn_matches_sklearn),
        cmocka_unit_test(test_knn_edges),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
