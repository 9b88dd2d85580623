/* test_hclust.c — agglomerative clustering against SciPy's linkage heights and
 * scikit-learn's AgglomerativeClustering labels (tests/fixtures/cluster). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cluster_fixture.h"
#include "hclust.h"

static void check_linkage(const char *dataset, enum linkage l)
{
    ctx c = {0};
    struct fixture f;
    fixture_load(dataset, &f);
    struct hclust_tree t;
    assert_int_equal(hclust_build(&c, f.x, f.rows, f.cols, l, &t), 0);
    char key[64];
    double *heights;
    snprintf(key, sizeof key, "hclust_%s_heights", hclust_linkage_name(l));
    assert_int_equal(fixture_values(&f, key, &heights), f.rows - 1);
    for (int m = 0; m < f.rows - 1; m++)
        assert_close(t.merges[m].height, heights[m], 1e-9);
    assert_int_equal(t.merges[f.rows - 2].size, f.rows);
    int k = (int)fixture_value(&f, "hclust_k");
    int32_t *labels = malloc((size_t)f.rows * sizeof *labels);
    hclust_cut(&t, k, labels);
    snprintf(key, sizeof key, "hclust_%s_labels", hclust_linkage_name(l));
    int32_t *sk = fixture_labels(&f, key);
    if (!same_partition(labels, sk, f.rows))
        fail_msg("%s linkage=%s: not scikit-learn's partition", dataset, hclust_linkage_name(l));
    if (l == LINK_WARD) {
        /* SciPy's own cut (fcluster maxclust) and scikit-learn's distance_threshold */
        int32_t *sp = fixture_labels(&f, "scipy_ward_labels");
        assert_true(same_partition(labels, sp, f.rows));
        double threshold = fixture_value(&f, "hclust_ward_distance");
        int64_t kt = hclust_clusters_at(&t, threshold);
        int32_t *dl = fixture_labels(&f, "hclust_ward_distance_labels");
        hclust_cut(&t, (int)kt, labels);
        assert_true(same_partition(labels, dl, f.rows));
        free(sp);
        free(dl);
    }
    free(sk);
    free(labels);
    free(heights);
    hclust_free(&t);
    fixture_free(&f);
}

static void test_small(void **state)
{
    (void)state;
    for (int l = 0; l < 4; l++)
        check_linkage("small", (enum linkage)l);
}

static void test_moons(void **state)
{
    (void)state;
    for (int l = 0; l < 4; l++)
        check_linkage("moons", (enum linkage)l);
}

/* The linkage matrix is SciPy's: node n+i is merge i, children before parents. */
static void test_linkage_matrix(void **state)
{
    (void)state;
    ctx c = {0};
    const double x[] = {0, 1, 5, 6, 20};
    struct hclust_tree t;
    assert_int_equal(hclust_build(&c, x, 5, 1, LINK_SINGLE, &t), 0);
    assert_true(t.merges[0].a == 0 && t.merges[0].b == 1 && t.merges[0].height == 1);
    assert_true(t.merges[1].a == 2 && t.merges[1].b == 3 && t.merges[1].height == 1);
    assert_true(t.merges[2].a == 5 && t.merges[2].b == 6 && t.merges[2].height == 4 && t.merges[2].size == 4);
    assert_true(t.merges[3].a == 4 && t.merges[3].b == 7 && t.merges[3].height == 14 && t.merges[3].size == 5);
    assert_int_equal(hclust_clusters_at(&t, 2.0), 3);
    int32_t l[5];
    hclust_cut(&t, 2, l);
    const int32_t want[] = {0, 0, 0, 0, 1};
    assert_memory_equal(l, want, sizeof want);
    hclust_free(&t);
}

static void test_matrix_limit(void **state)
{
    (void)state;
    ctx c = {0};
    struct hclust_tree t;
    double x[1] = {0};
    assert_int_equal(hclust_build(&c, x, HCLUST_MATRIX_MAX + 1, 1, LINK_AVERAGE, &t), -1);
    assert_non_null(strstr(c.err, "use linkage=ward or single"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_small),
        cmocka_unit_test(test_moons),
        cmocka_unit_test(test_linkage_matrix),
        cmocka_unit_test(test_matrix_limit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
