/* test_dbscan.c — DBSCAN labels and core rows against scikit-learn's, the k-d tree
 * against brute force, and the k-distance knee. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cluster_fixture.h"
#include "dbscan.h"
#include "kdtree.h"
#include "kmeans.h"
#include "rng.h"

/* Labels equal to scikit-learn's up to renumbering, noise included; border rows that
 * two clusters could claim go where scikit-learn's expansion order puts them. */
static void check(const char *dataset)
{
    ctx c = {0};
    struct fixture f;
    fixture_load(dataset, &f);
    double eps = fixture_value(&f, "dbscan_eps");
    int minpts = (int)fixture_value(&f, "dbscan_minpts");
    struct dbscan_result r;
    assert_int_equal(dbscan_fit(&c, f.x, f.rows, f.cols, eps, minpts, 2, &r), 0);
    int32_t *sk = fixture_labels(&f, "dbscan_labels");
    if (!same_partition(r.labels, sk, f.rows))
        fail_msg("%s: labels differ from scikit-learn's", dataset);
    /* numbered as scikit-learn numbers them, too */
    assert_memory_equal(r.labels, sk, (size_t)f.rows * sizeof *sk);
    double *core;
    fixture_values(&f, "dbscan_core", &core);
    int64_t ncore = 0;
    for (int i = 0; i < f.rows; i++)
        ncore += core[i] != 0;
    assert_int_equal(r.core, ncore);
    free(core);
    free(sk);
    dbscan_result_free(&r);
    fixture_free(&f);
}

static void test_iris(void **state) { (void)state; check("iris"); }
static void test_blobs(void **state) { (void)state; check("blobs"); }
static void test_moons(void **state) { (void)state; check("moons"); }

static void test_kdtree_against_brute_force(void **state)
{
    (void)state;
    struct rng g;
    rng_seed(&g, 4, 0);
    int64_t n = 3000;
    int d = 4;
    double *x = malloc((size_t)n * (size_t)d * sizeof *x);
    for (int64_t i = 0; i < n * d; i++)
        x[i] = rng_uniform(&g) * 10;
    for (int64_t i = 0; i < 100; i++)      /* duplicates */
        memcpy(x + (i + 100) * d, x + i * d, (size_t)d * sizeof *x);
    struct kdtree *t = kdtree_build(x, n, d);
    assert_non_null(t);
    double *dist = malloc((size_t)n * sizeof *dist);
    for (int64_t q = 0; q < n; q += 37) {
        int64_t count = 0;
        for (int64_t i = 0; i < n; i++) {
            dist[i] = sqrt(sqdist(x + q * d, x + i * d, d));
            count += sqdist(x + q * d, x + i * d, d) <= 1.5 * 1.5;
        }
        assert_int_equal(kdtree_count(t, x + q * d, 1.5), count);
        /* the 7th nearest, itself counted */
        for (int a = 0; a < 7; a++)
            for (int64_t i = a + 1; i < n; i++)
                if (dist[i] < dist[a]) {
                    double tmp = dist[a];
                    dist[a] = dist[i];
                    dist[i] = tmp;
                }
        assert_true(kdtree_kth_distance(t, x + q * d, 7) == dist[6]);
    }
    kdtree_free(t);
    free(dist);
    free(x);
}

static void test_knee(void **state)
{
    (void)state;
    /* flat, then a sharp rise: the knee is at the last flat value */
    double k[20];
    for (int i = 0; i < 20; i++)
        k[i] = i < 15 ? 0.1 + 0.01 * i : 1.0 + i;
    assert_true(dbscan_knee(k, 20) == k[14]);
    ctx c = {0};
    struct fixture f;
    fixture_load("moons", &f);
    double *kd = malloc((size_t)f.rows * sizeof *kd);
    assert_int_equal(dbscan_kdistance(&c, f.x, f.rows, f.cols, 6, 2, kd), 0);
    for (int i = 1; i < f.rows; i++)
        assert_true(kd[i - 1] <= kd[i]);
    double eps = dbscan_knee(kd, f.rows);
    assert_true(eps > kd[0] && eps < kd[f.rows - 1]);
    free(kd);
    fixture_free(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_iris),
        cmocka_unit_test(test_blobs),
        cmocka_unit_test(test_moons),
        cmocka_unit_test(test_kdtree_against_brute_force),
        cmocka_unit_test(test_knee),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
