/* test_gmm.c — Gaussian mixtures against scikit-learn's GaussianMixture (fixtures):
 * mean log-likelihood no worse, BIC and AIC by the same formula, the same clusters
 * on well-separated data. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cluster_fixture.h"
#include "gmm.h"

static void check(const char *dataset, enum gmm_covariance cov, int n_init)
{
    ctx c = {0};
    struct fixture f;
    fixture_load(dataset, &f);
    const char *cn = cov == GMM_FULL ? "full" : "diag";
    char key[64];
    snprintf(key, sizeof key, "gmm_%s_k", cn);
    int k = (int)fixture_value(&f, key);
    struct gmm_params p = {.k = k, .covariance = cov, .n_init = n_init, .max_iter = 100, .tol = 1e-3,
                           .reg_covar = 1e-6, .seed = 0, .threads = 2};
    struct gmm_result r;
    assert_int_equal(gmm_fit(&c, f.x, f.rows, f.cols, &p, &r), 0);
    snprintf(key, sizeof key, "gmm_%s_score", cn);
    double score = fixture_value(&f, key);
    if (r.log_likelihood < score - 1e-6 * fabs(score))
        fail_msg("%s %s: mean log-likelihood %.10g, scikit-learn %.10g", dataset, cn, r.log_likelihood, score);
    /* BIC and AIC follow from the score as scikit-learn computes them */
    snprintf(key, sizeof key, "gmm_%s_bic", cn);
    double bic = fixture_value(&f, key);
    int64_t np = gmm_parameters(k, f.cols, cov);
    assert_close(bic, -2 * score * f.rows + (double)np * log((double)f.rows), 1e-9);
    assert_close(r.bic, -2 * r.log_likelihood * f.rows + (double)np * log((double)f.rows), 1e-12);
    double wsum = 0;
    for (int i = 0; i < k; i++)
        wsum += r.weights[i];
    assert_close(wsum, 1.0, 1e-12);
    for (int i = 0; i < f.rows; i++) {
        double psum = 0;
        int best = 0;
        for (int cl = 0; cl < k; cl++) {
            psum += r.probs[i * k + cl];
            if (r.probs[i * k + cl] > r.probs[i * k + best])
                best = cl;
        }
        assert_close(psum, 1.0, 1e-9);
        assert_int_equal(r.labels[i], best);
    }
    gmm_result_free(&r);
    fixture_free(&f);
}

static void test_blobs(void **state)
{
    (void)state;
    check("blobs", GMM_FULL, 1);
    check("blobs", GMM_DIAG, 1);
    /* well separated: the same clusters as scikit-learn */
    ctx c = {0};
    struct fixture f;
    fixture_load("blobs", &f);
    struct gmm_params p = {.k = 4, .covariance = GMM_FULL, .n_init = 1, .max_iter = 100, .tol = 1e-3,
                           .reg_covar = 1e-6};
    struct gmm_result r;
    assert_int_equal(gmm_fit(&c, f.x, f.rows, f.cols, &p, &r), 0);
    int32_t *sk = fixture_labels(&f, "gmm_full_labels");
    assert_true(adjusted_rand(r.labels, sk, f.rows) > 0.99);
    free(sk);
    gmm_result_free(&r);
    fixture_free(&f);
}

/* Iris and wine have local optima, the same ones as scikit-learn's (wine, full: 20
 * seeds give -11.7393 2 times here and 5 there, -11.8406 6 times here and 7 there),
 * so restarts must reach scikit-learn's single run. */
static void test_iris(void **state)
{
    (void)state;
    check("iris", GMM_FULL, 3);
    check("iris", GMM_DIAG, 3);
}

static void test_wine(void **state)
{
    (void)state;
    check("wine", GMM_FULL, 10);
    check("wine", GMM_DIAG, 10);
}

static void test_parameters(void **state)
{
    (void)state;
    /* full: k·d(d+1)/2 + k·d + k − 1; diag: 2·k·d + k − 1 */
    assert_int_equal(gmm_parameters(3, 4, GMM_FULL), 3 * 10 + 12 + 2);
    assert_int_equal(gmm_parameters(3, 4, GMM_DIAG), 24 + 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_blobs),
        cmocka_unit_test(test_iris),
        cmocka_unit_test(test_wine),
        cmocka_unit_test(test_parameters),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
