/* cluster_fixture.h — reading the reference fixtures of tests/fixtures/cluster
 * (written by make_fixtures.py from scikit-learn and SciPy), for the clustering,
 * metrics and PCA tests.  Header-only: each test file includes it once. */
#ifndef PERSONA_TEST_CLUSTER_FIXTURE_H
#define PERSONA_TEST_CLUSTER_FIXTURE_H

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "feature_matrix.h"

#define CLUSTER_FIXTURES "tests/fixtures/cluster"

struct fixture {
    int rows, cols;
    double *raw;        /* rows × cols as in the file */
    double *x;          /* standard-scaled by Persona's scaler */
    char *text;         /* the whole file */
};

/* Loads NAME.txt; aborts the test on a missing or malformed file. */
static inline void fixture_load(const char *name, struct fixture *f)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s.txt", CLUSTER_FIXTURES, name);
    FILE *fp = fopen(path, "rb");
    assert_non_null(fp);
    fseek(fp, 0, SEEK_END);
    long size = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    f->text = malloc((size_t)size + 1);
    assert_int_equal(fread(f->text, 1, (size_t)size, fp), (size_t)size);
    f->text[size] = '\0';
    fclose(fp);
    const char *p = strstr(f->text, "\nrows ");
    assert_non_null(p);
    f->rows = atoi(p + 6);
    p = strstr(f->text, "\ncols ");
    assert_non_null(p);
    f->cols = atoi(p + 6);
    p = strstr(f->text, "\ndata\n");
    assert_non_null(p);
    p += 6;
    f->raw = malloc((size_t)f->rows * (size_t)f->cols * sizeof(double));
    f->x = malloc((size_t)f->rows * (size_t)f->cols * sizeof(double));
    for (int i = 0; i < f->rows * f->cols; i++) {
        char *end;
        f->raw[i] = strtod(p, &end);
        assert_true(end != p);
        p = end;
    }
    memcpy(f->x, f->raw, (size_t)f->rows * (size_t)f->cols * sizeof(double));
    for (int j = 0; j < f->cols; j++) {
        double center, scale;
        scaler_fit(SCALE_STANDARD, f->raw, f->rows, f->cols, j, &center, &scale);
        for (int i = 0; i < f->rows; i++)
            f->x[i * f->cols + j] = (f->raw[i * f->cols + j] - center) / scale;
    }
}

static inline void fixture_free(struct fixture *f)
{
    free(f->raw);
    free(f->x);
    free(f->text);
}

/* The numbers of the line that starts with key, malloc'ed into *out; returns the
 * count (aborts the test when the key is missing). */
static inline int fixture_values(const struct fixture *f, const char *key, double **out)
{
    size_t len = strlen(key);
    const char *p = f->text;
    for (;;) {
        p = strstr(p, key);
        if (!p)
            fail_msg("fixture key '%s' missing", key);
        if ((p == f->text || p[-1] == '\n') && p[len] == ' ')
            break;
        p += len;
    }
    p += len;
    int n = 0, cap = 16;
    double *v = malloc((size_t)cap * sizeof *v);
    while (*p && *p != '\n') {
        char *end;
        double x = strtod(p, &end);
        if (end == p)
            break;
        if (n == cap)
            v = realloc(v, (size_t)(cap *= 2) * sizeof *v);
        v[n++] = x;
        p = end;
    }
    *out = v;
    return n;
}

static inline double fixture_value(const struct fixture *f, const char *key)
{
    double *v;
    int n = fixture_values(f, key, &v);
    assert_true(n >= 1);
    double x = v[0];
    free(v);
    return x;
}

/* Labels of a fixture line as int32 (malloc'ed). */
static inline int32_t *fixture_labels(const struct fixture *f, const char *key)
{
    double *v;
    int n = fixture_values(f, key, &v);
    assert_int_equal(n, f->rows);
    int32_t *l = malloc((size_t)n * sizeof *l);
    for (int i = 0; i < n; i++)
        l[i] = (int32_t)v[i];
    free(v);
    return l;
}

/* Relative difference, with an absolute floor for values near zero. */
static inline void assert_close(double actual, double expected, double rel)
{
    double tol = rel * (fabs(expected) > 1e-3 ? fabs(expected) : 1e-3);
    if (!(fabs(actual - expected) <= tol))
        fail_msg("%.17g differs from %.17g by more than %g relative", actual, expected, rel);
}

/* Adjusted Rand index of two labellings (negative labels are a label like any other). */
static inline double adjusted_rand(const int32_t *a, const int32_t *b, int n)
{
    int ka = 0, kb = 0;
    for (int i = 0; i < n; i++) {
        ka = a[i] + 2 > ka ? a[i] + 2 : ka;
        kb = b[i] + 2 > kb ? b[i] + 2 : kb;
    }
    double *table = calloc((size_t)ka * (size_t)kb, sizeof *table);
    double *ra = calloc((size_t)ka, sizeof *ra), *rb = calloc((size_t)kb, sizeof *rb);
    for (int i = 0; i < n; i++) {
        table[(a[i] + 1) * kb + b[i] + 1]++;
        ra[a[i] + 1]++;
        rb[b[i] + 1]++;
    }
    double index = 0, sa = 0, sb = 0;
    for (int i = 0; i < ka * kb; i++)
        index += table[i] * (table[i] - 1) / 2;
    for (int i = 0; i < ka; i++)
        sa += ra[i] * (ra[i] - 1) / 2;
    for (int i = 0; i < kb; i++)
        sb += rb[i] * (rb[i] - 1) / 2;
    double expected = sa * sb / ((double)n * (n - 1) / 2), max = (sa + sb) / 2;
    free(table);
    free(ra);
    free(rb);
    return max == expected ? 1.0 : (index - expected) / (max - expected);
}

/* Whether two labellings are the same partition, the noise label -1 kept as is. */
static inline int same_partition(const int32_t *a, const int32_t *b, int n)
{
    int32_t map_ab[4096], map_ba[4096];
    for (int i = 0; i < 4096; i++)
        map_ab[i] = map_ba[i] = INT32_MIN;
    for (int i = 0; i < n; i++) {
        if ((a[i] < 0) != (b[i] < 0))
            return 0;
        if (a[i] < 0)
            continue;
        if (map_ab[a[i]] == INT32_MIN)
            map_ab[a[i]] = b[i];
        if (map_ba[b[i]] == INT32_MIN)
            map_ba[b[i]] = a[i];
        if (map_ab[a[i]] != b[i] || map_ba[b[i]] != a[i])
            return 0;
    }
    return 1;
}

#endif
