/* test_pca.c — PCA against scikit-learn's PCA(svd_solver="full") on iris, wine and
 * blobs (tests/fixtures/cluster): explained variance and its ratio to 1e-9,
 * components up to sign, and the sign rule itself through the projections. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>

#include "cluster_fixture.h"
#include "pca.h"

static void check_dataset(const char *name)
{
    ctx c = {0};
    struct fixture f;
    fixture_load(name, &f);
    struct pca_result r;
    assert_int_equal(pca_fit(&c, f.x, f.rows, f.cols, 2, &r), 0);
    double *var, *ratio, *comp, *head;
    assert_int_equal(fixture_values(&f, "pca_explained_variance", &var), f.cols);
    assert_int_equal(fixture_values(&f, "pca_explained_variance_ratio", &ratio), f.cols);
    assert_int_equal(fixture_values(&f, "pca_components", &comp), f.cols * f.cols);
    assert_int_equal(fixture_values(&f, "pca_projection_head", &head), 5 * f.cols);
    for (int i = 0; i < f.cols; i++) {
        assert_close(r.variance[i], var[i], 1e-9);
        assert_close(r.ratio[i], ratio[i], 1e-9);
    }
    /* components up to sign, before the projection orients them */
    for (int i = 0; i < f.cols; i++) {
        double dot = 0;
        for (int a = 0; a < f.cols; a++)
            dot += r.components[i * f.cols + a] * comp[i * f.cols + a];
        assert_close(fabs(dot), 1.0, 1e-9);
    }
    double *proj = malloc((size_t)f.rows * (size_t)f.cols * sizeof *proj);
    pca_project(&r, f.x, f.rows, f.cols, 2, proj);
    for (int i = 0; i < f.cols * f.cols; i++)
        assert_true(fabs(r.components[i] - comp[i]) < 1e-9);
    for (int i = 0; i < 5 * f.cols; i++)
        assert_true(fabs(proj[i] - head[i]) < 1e-9);
    free(proj);
    free(var);
    free(ratio);
    free(comp);
    free(head);
    pca_result_free(&r);
    fixture_free(&f);
}

static void test_iris(void **state) { (void)state; check_dataset("iris"); }
static void test_wine(void **state) { (void)state; check_dataset("wine"); }
static void test_blobs(void **state) { (void)state; check_dataset("blobs"); }

/* Large values with a small spread: the shifted one-pass covariance keeps them. */
static void test_large_offset(void **state)
{
    (void)state;
    ctx c = {0};
    double x[] = {1e9 + 1, 5, 1e9 + 2, 7, 1e9 + 3, 9, 1e9 + 4, 11};
    struct pca_result r;
    assert_int_equal(pca_fit(&c, x, 4, 2, 1, &r), 0);
    /* the points lie on a line: one component has all the variance: 5/3 + 20/3 */
    assert_close(r.variance[0], 25.0 / 3.0, 1e-9);
    assert_true(r.variance[1] < 1e-9);
    assert_close(r.ratio[0], 1.0, 1e-12);
    pca_result_free(&r);
}

static void test_one_row(void **state)
{
    (void)state;
    ctx c = {0};
    double x[] = {1, 2};
    struct pca_result r;
    assert_int_equal(pca_fit(&c, x, 1, 2, 1, &r), -1);
    assert_non_null(strstr(c.err, "at least 2 rows"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_iris),
        cmocka_unit_test(test_wine),
        cmocka_unit_test(test_blobs),
        cmocka_unit_test(test_large_offset),
        cmocka_unit_test(test_one_row),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
