/* test_vecdist.c — the vector distance kernel gives bit-for-bit the distances of the
 * scalar sqdist() for every dimension count and panel width, in the baseline build
 * and in the AVX2 copy, and the k-d tree finds rows lying exactly at distance r. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "kdtree.h"
#include "kmeans.h"
#include "rng.h"
#include "vecdist.h"

enum { MAX_D = 11, MAX_COUNT = 13 };

/* Counts the distances from q to count random rows where the kernel and sqdist()
 * differ in any bit; cloned like the library's callers, so on an AVX2 machine the
 * AVX2 copy runs. */
VECDIST_CLONES static int mismatches(struct rng *g, int d, int count)
{
    double rows[MAX_COUNT * MAX_D], q[MAX_D];
    double panel[MAX_D * 16], dist[16];
    for (int i = 0; i < count * d; i++)
        rows[i] = (rng_uniform(g) - 0.5) * 1e3;
    for (int j = 0; j < d; j++)
        q[j] = (rng_uniform(g) - 0.5) * 1e3;
    vecdist_transpose(rows, count, d, panel, vecdist_width(count));
    vecdist_panel(q, d, panel, vecdist_width(count), count, dist);
    int bad = 0;
    for (int c = 0; c < count; c++) {
        double want = sqdist(q, rows + c * d, d);
        bad += memcmp(&want, &dist[c], sizeof want) != 0;
    }
    return bad;
}

static void test_kernel_equals_sqdist(void **state)
{
    (void)state;
    struct rng g;
    rng_seed(&g, 7, 0);
    for (int d = 1; d <= MAX_D; d++)
        for (int count = 1; count <= MAX_COUNT; count++)
            for (int trial = 0; trial < 20; trial++)
                assert_int_equal(mismatches(&g, d, count), 0);
}

/* Rows on a grid of step 1 around the origin: many lie at distance exactly 1, 2 or
 * sqrt(2) from a grid point, where a box pruned or a distance rounded the other way
 * would lose them. */
static void test_radius_boundary_rows(void **state)
{
    (void)state;
    enum { SIDE = 9, D = 3, N = SIDE * SIDE * SIDE };
    double *x = malloc(N * D * sizeof *x);
    for (int i = 0; i < N; i++) {
        x[i * D + 0] = i % SIDE;
        x[i * D + 1] = i / SIDE % SIDE;
        x[i * D + 2] = i / (SIDE * SIDE);
    }
    struct kdtree *t = kdtree_build(x, N, D);
    assert_non_null(t);
    const double radii[] = {1.0, sqrt(2.0), 2.0};
    for (int q = 0; q < N; q += 7)
        for (size_t r = 0; r < sizeof radii / sizeof *radii; r++) {
            int64_t want = 0;
            for (int i = 0; i < N; i++)
                want += sqdist(x + q * D, x + i * D, D) <= radii[r] * radii[r];
            assert_int_equal(kdtree_count(t, x + q * D, radii[r]), want);
        }
    kdtree_free(t);
    free(x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kernel_equals_sqdist),
        cmocka_unit_test(test_radius_boundary_rows),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
