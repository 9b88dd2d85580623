/* test_cluster_metrics.c — silhouette, Davies–Bouldin and Calinski–Harabasz of given
 * labels against scikit-learn's (tests/fixtures/cluster), to 1e-9. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cluster_fixture.h"
#include "cluster_metrics.h"

static int max_label(const int32_t *l, int n)
{
    int k = 0;
    for (int i = 0; i < n; i++)
        k = l[i] + 1 > k ? l[i] + 1 : k;
    return k;
}

/* Every dataset, with scikit-learn's k-means labels and with the true classes. */
static void check_metrics(const char *dataset, const char *labelling)
{
    struct fixture f;
    fixture_load(dataset, &f);
    char key[64];
    snprintf(key, sizeof key, "labels_%s", labelling);
    int32_t *labels = fixture_labels(&f, key);
    int k = max_label(labels, f.rows);

    double *per = calloc((size_t)k, sizeof *per);
    double s = silhouette_exact(f.x, f.rows, f.cols, labels, k, 2, per);
    snprintf(key, sizeof key, "silhouette_%s", labelling);
    assert_close(s, fixture_value(&f, key), 1e-9);
    /* each cluster's mean of scikit-learn's per-row silhouettes */
    double *samples;
    snprintf(key, sizeof key, "silhouette_samples_%s", labelling);
    assert_int_equal(fixture_values(&f, key, &samples), f.rows);
    for (int c = 0; c < k; c++) {
        double sum = 0;
        int n = 0;
        for (int i = 0; i < f.rows; i++)
            if (labels[i] == c) {
                sum += samples[i];
                n++;
            }
        assert_close(per[c], sum / n, 1e-9);
    }

    struct cluster_scores sc;
    cluster_scores(f.x, f.rows, f.cols, labels, k, 2, &sc);
    snprintf(key, sizeof key, "davies_bouldin_%s", labelling);
    assert_close(sc.davies_bouldin, fixture_value(&f, key), 1e-9);
    snprintf(key, sizeof key, "calinski_harabasz_%s", labelling);
    assert_close(sc.calinski_harabasz, fixture_value(&f, key), 1e-9);
    free(samples);
    free(per);
    free(labels);
    fixture_free(&f);
}

static void test_iris(void **state)
{
    (void)state;
    check_metrics("iris", "kmeans");
    check_metrics("iris", "truth");
}

static void test_wine(void **state)
{
    (void)state;
    check_metrics("wine", "kmeans");
    check_metrics("wine", "truth");
}

static void test_blobs(void **state)
{
    (void)state;
    check_metrics("blobs", "kmeans");
    check_metrics("blobs", "truth");
}

/* A row alone in its cluster has silhouette 0 (scikit-learn's rule); the others by
 * hand: rows 0, 1 at 0 and 1, row 2 alone at 10. */
static void test_singleton_cluster(void **state)
{
    (void)state;
    const double x[] = {0, 1, 10};
    const int32_t l[] = {0, 0, 1};
    double per[2];
    double s = silhouette_exact(x, 3, 1, l, 2, 1, per);
    double s0 = (10.0 - 1.0) / 10.0, s1 = (9.0 - 1.0) / 9.0;
    assert_close(s, (s0 + s1 + 0.0) / 3, 1e-15);
    assert_close(per[0], (s0 + s1) / 2, 1e-15);
    assert_true(per[1] == 0.0);
}

/* Noise (-1) is left out: the same as the metrics of the labelled rows alone. */
static void test_noise_left_out(void **state)
{
    (void)state;
    struct fixture f;
    fixture_load("moons", &f);
    int32_t *labels = fixture_labels(&f, "dbscan_labels");
    int k = max_label(labels, f.rows);
    double *x = malloc((size_t)f.rows * (size_t)f.cols * sizeof *x);
    int32_t *l = malloc((size_t)f.rows * sizeof *l);
    int m = 0, noise = 0;
    for (int i = 0; i < f.rows; i++) {
        if (labels[i] < 0) {
            noise++;
            continue;
        }
        memcpy(x + m * f.cols, f.x + i * f.cols, (size_t)f.cols * sizeof *x);
        l[m++] = labels[i];
    }
    assert_true(noise > 0);
    assert_close(silhouette_exact(f.x, f.rows, f.cols, labels, k, 2, NULL),
                 silhouette_exact(x, m, f.cols, l, k, 2, NULL), 1e-15);
    struct cluster_scores a, b;
    cluster_scores(f.x, f.rows, f.cols, labels, k, 2, &a);
    cluster_scores(x, m, f.cols, l, k, 2, &b);
    assert_close(a.davies_bouldin, b.davies_bouldin, 1e-12);
    assert_close(a.calinski_harabasz, b.calinski_harabasz, 1e-12);
    free(x);
    free(l);
    free(labels);
    fixture_free(&f);
}

/* A sample as large as the data is the exact value; a smaller one is the same for
 * the same seed on any thread count, and near the exact value. */
static void test_sampled(void **state)
{
    (void)state;
    struct fixture f;
    fixture_load("blobs", &f);
    int32_t *labels = fixture_labels(&f, "labels_kmeans");
    double exact = silhouette_exact(f.x, f.rows, f.cols, labels, 4, 2, NULL);
    assert_true(silhouette_sampled(f.x, f.rows, f.cols, labels, 4, f.rows, 1, 2, NULL) == exact);
    double a = silhouette_sampled(f.x, f.rows, f.cols, labels, 4, 300, 7, 1, NULL);
    double b = silhouette_sampled(f.x, f.rows, f.cols, labels, 4, 300, 7, 3, NULL);
    double other = silhouette_sampled(f.x, f.rows, f.cols, labels, 4, 300, 8, 2, NULL);
    assert_true(a == b);
    assert_true(a != other);
    assert_true(fabs(a - exact) < 0.05);
    free(labels);
    fixture_free(&f);
}

/* One cluster, or as many clusters as rows: undefined, as scikit-learn refuses them. */
static void test_undefined(void **state)
{
    (void)state;
    const double x[] = {0, 1, 2};
    const int32_t one[] = {0, 0, 0}, each[] = {0, 1, 2};
    assert_true(isnan(silhouette_exact(x, 3, 1, one, 1, 1, NULL)));
    assert_true(isnan(silhouette_exact(x, 3, 1, each, 3, 1, NULL)));
    struct cluster_scores sc;
    cluster_scores(x, 3, 1, one, 1, 1, &sc);
    assert_true(isnan(sc.davies_bouldin) && isnan(sc.calinski_harabasz));
    assert_close(sc.inertia, 2.0, 1e-15);
    assert_int_equal(clusters_present(each, 3, 5), 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_iris),
        cmocka_unit_test(test_wine),
        cmocka_unit_test(test_blobs),
        cmocka_unit_test(test_singleton_cluster),
        cmocka_unit_test(test_noise_left_out),
        cmocka_unit_test(test_sampled),
        cmocka_unit_test(test_undefined),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
