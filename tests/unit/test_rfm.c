/* test_rfm.c — RFM quintiles as pandas' qcut of ranks, and the segment map, checked
 * against tests/fixtures/rfm/orders_rfm.csv (computed by pandas, make_rfm.py). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rfm.h"

static void test_quintiles_of_ranks(void **state)
{
    (void)state;
    /* pd.qcut(pd.Series(range(1, n + 1)), 5, labels=False) + 1 */
    const int ten[] = {1, 1, 2, 2, 3, 3, 4, 4, 5, 5};
    for (int r = 1; r <= 10; r++)
        assert_int_equal(rfm_quintile(r, 10), ten[r - 1]);
    const int seven[] = {1, 1, 2, 3, 4, 5, 5};     /* edges 1, 2.2, 3.4, 4.6, 5.8, 7 */
    for (int r = 1; r <= 7; r++)
        assert_int_equal(rfm_quintile(r, 7), seven[r - 1]);
    const int eleven[] = {1, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5};   /* edges fall on ranks: right-closed */
    for (int r = 1; r <= 11; r++)
        assert_int_equal(rfm_quintile(r, 11), eleven[r - 1]);
    assert_int_equal(rfm_quintile(1, 2), 1);
    assert_int_equal(rfm_quintile(2, 2), 5);
    assert_int_equal(rfm_quintile(1, 1), 3);
    /* quintiles hold their share for any n */
    for (int64_t n = 5; n <= 2000; n += 199) {
        int64_t counts[6] = {0};
        for (int64_t r = 1; r <= n; r++)
            counts[rfm_quintile(r, n)]++;
        for (int q = 1; q <= 5; q++)
            assert_true(counts[q] >= n / 5 - 1 && counts[q] <= n / 5 + 2);
    }
}

static void test_segment_map(void **state)
{
    (void)state;
    assert_string_equal(rfm_segment(5, 5), "Champions");
    assert_string_equal(rfm_segment(5, 4), "Champions");
    assert_string_equal(rfm_segment(4, 5), "Loyal");
    assert_string_equal(rfm_segment(3, 4), "Loyal");
    assert_string_equal(rfm_segment(5, 2), "Potential Loyalist");
    assert_string_equal(rfm_segment(5, 1), "New Customers");
    assert_string_equal(rfm_segment(4, 1), "Promising");
    assert_string_equal(rfm_segment(3, 3), "Need Attention");
    assert_string_equal(rfm_segment(3, 1), "About To Sleep");
    assert_string_equal(rfm_segment(2, 3), "At Risk");
    assert_string_equal(rfm_segment(1, 5), "Can't Lose Them");
    assert_string_equal(rfm_segment(2, 2), "Hibernating");
    assert_string_equal(rfm_segment(1, 1), "Lost");
    /* every cell has a name, and every name a cell */
    int used[11] = {0};
    for (int r = 1; r <= 5; r++)
        for (int f = 1; f <= 5; f++) {
            const char *s = rfm_segment(r, f);
            int k = 0;
            while (k < 11 && strcmp(rfm_segment_names[k], s) != 0)
                k++;
            assert_true(k < 11);
            used[k] = 1;
        }
    for (int k = 0; k < 11; k++)
        assert_true(used[k]);
}

struct customer {
    char key[16];
    double value[3];        /* recency, frequency, monetary */
    int score[3];           /* r, f, m as pandas gave them */
    char segment[64];
};

static int sort_by;         /* which value qsort compares */

static int by_value_then_key(const void *a, const void *b)
{
    const struct customer *x = *(struct customer *const *)a, *y = *(struct customer *const *)b;
    if (x->value[sort_by] != y->value[sort_by])
        return x->value[sort_by] < y->value[sort_by] ? -1 : 1;
    return strcmp(x->key, y->key);
}

/* Ranks the fixture's customers as rfm does (value, then key) and checks that the
 * quintiles of those ranks are pandas' scores, and the segments its segments. */
static void test_against_pandas(void **state)
{
    (void)state;
    FILE *f = fopen("tests/fixtures/rfm/orders_rfm.csv", "r");
    assert_non_null(f);
    char line[256];
    assert_non_null(fgets(line, sizeof line, f));
    struct customer *cs = calloc(5000, sizeof *cs);
    int n = 0;
    while (n < 5000 && fgets(line, sizeof line, f)) {
        struct customer *c = &cs[n++];
        char seg[64];
        assert_int_equal(sscanf(line, "%15[^,],%lf,%lf,%lf,%d,%d,%d,%63[^\r\n]", c->key, &c->value[0], &c->value[1],
                                &c->value[2], &c->score[0], &c->score[1], &c->score[2], seg), 8);
        snprintf(c->segment, sizeof c->segment, "%s", seg);
    }
    fclose(f);
    assert_true(n > 3000);
    struct customer **order = malloc((size_t)n * sizeof *order);
    for (sort_by = 0; sort_by < 3; sort_by++) {
        for (int i = 0; i < n; i++)
            order[i] = &cs[i];
        qsort(order, (size_t)n, sizeof *order, by_value_then_key);
        for (int i = 0; i < n; i++) {
            int q = rfm_quintile(i + 1, n);
            int score = sort_by == 0 ? 6 - q : q;
            if (score != order[i]->score[sort_by])
                fail_msg("%s: score %d of %d is %d, pandas says %d", order[i]->key, sort_by, n, score,
                         order[i]->score[sort_by]);
        }
    }
    for (int i = 0; i < n; i++)
        assert_string_equal(rfm_segment(cs[i].score[0], cs[i].score[1]), cs[i].segment);
    free(order);
    free(cs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_quintiles_of_ranks),
        cmocka_unit_test(test_segment_map),
        cmocka_unit_test(test_against_pandas),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
