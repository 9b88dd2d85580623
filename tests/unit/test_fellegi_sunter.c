/* test_fellegi_sunter.c — the Fellegi–Sunter model: EM recovers m and lambda from
 * comparison patterns drawn exactly from a known model; weights and probabilities;
 * and the comparison levels of the dedupe columns. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dedupe_compare.h"
#include "fellegi_sunter.h"

/* A known model: three columns with 2, 3 and 4 levels (level 0 "else"). */
static const int nlevels[3] = {2, 3, 4};
static const double true_m[3][4] = {{0.1, 0.9}, {0.05, 0.15, 0.8}, {0.05, 0.05, 0.2, 0.7}};
static const double true_u[3][4] = {{0.9, 0.1}, {0.85, 0.1, 0.05}, {0.7, 0.2, 0.08, 0.02}};
static const double true_lambda = 0.2;

/* Every pattern with its expected count among total pairs, missing values (-1) for
 * the third column in a tenth of the pairs. */
static size_t expected_patterns(int8_t *pat, double *count, double total)
{
    size_t n = 0;
    for (int a = 0; a < 2; a++)
        for (int b = 0; b < 3; b++)
            for (int c = -1; c < 4; c++) {
                double pm = true_m[0][a] * true_m[1][b], pu = true_u[0][a] * true_u[1][b];
                double share = c < 0 ? 0.1 : 0.9;
                if (c >= 0) {
                    pm *= true_m[2][c];
                    pu *= true_u[2][c];
                }
                pat[n * 3] = (int8_t)a;
                pat[n * 3 + 1] = (int8_t)b;
                pat[n * 3 + 2] = (int8_t)c;
                count[n++] = total * share * (true_lambda * pm + (1 - true_lambda) * pu);
            }
    return n;
}

static struct fs_model *model_with_true_u(void)
{
    struct fs_model *mod = fs_model_new(3, nlevels);
    for (int c = 0; c < 3; c++)
        for (int k = 0; k < nlevels[c]; k++)
            *fs_u(mod, c, k) = true_u[c][k];
    mod->lambda = 0.5;
    return mod;
}

static void test_em_recovers_the_model(void **state)
{
    (void)state;
    int8_t pat[2 * 3 * 5 * 3];
    double count[2 * 3 * 5];
    size_t n = expected_patterns(pat, count, 1e6);
    struct fs_model *mod = model_with_true_u();
    int rounds = fs_em(mod, pat, count, n, NULL, 1000, 1e-10);
    assert_true(rounds < 1000);
    /* the pseudo-count of half a pair per level is nothing against 200,000 matches */
    assert_true(fabs(mod->lambda - true_lambda) < 1e-4);
    for (int c = 0; c < 3; c++)
        for (int k = 0; k < nlevels[c]; k++)
            if (fabs(*fs_m(mod, c, k) - true_m[c][k]) > 1e-4)
                fail_msg("m[%d][%d] = %g, want %g", c, k, *fs_m(mod, c, k), true_m[c][k]);
    fs_model_free(mod);
}

static void test_em_leaves_blocked_columns_alone(void **state)
{
    (void)state;
    int8_t pat[2 * 3 * 5 * 3];
    double count[2 * 3 * 5];
    size_t n = expected_patterns(pat, count, 1e6);
    struct fs_model *mod = model_with_true_u();
    double before[FS_MAX_LEVELS];
    memcpy(before, mod->m, sizeof before);     /* column 0's levels */
    const unsigned char use[3] = {0, 1, 1};
    fs_em(mod, pat, count, n, use, 1000, 1e-10);
    assert_memory_equal(before, mod->m, sizeof before);
    /* without column 0 the other two still identify the mixture */
    assert_true(fabs(mod->lambda - true_lambda) < 1e-3);
    assert_true(fabs(*fs_m(mod, 2, 3) - true_m[2][3]) < 1e-3);
    fs_model_free(mod);
}

static void test_weights_and_probability(void **state)
{
    (void)state;
    struct fs_model *mod = fs_model_new(3, nlevels);
    for (int c = 0; c < 3; c++)
        for (int k = 0; k < nlevels[c]; k++) {
            *fs_m(mod, c, k) = true_m[c][k];
            *fs_u(mod, c, k) = true_u[c][k];
        }
    mod->lambda = true_lambda;
    const int8_t p[3] = {1, 2, -1};
    double w = fs_pattern_weight(mod, p);
    double want = log2(0.2 / 0.8) + log2(0.9 / 0.1) + log2(0.8 / 0.05);  /* missing adds nothing */
    assert_true(fabs(w - want) < 1e-12);
    /* the probability is the posterior of the mixture */
    double pm = 0.9 * 0.8, pu = 0.1 * 0.05;
    assert_true(fabs(fs_probability(w) - 0.2 * pm / (0.2 * pm + 0.8 * pu)) < 1e-12);
    assert_true(fs_probability(0) == 0.5);
    assert_true(fs_probability(100) == 1.0);
    assert_true(fs_probability(-100) < 1e-30);
    assert_true(fs_level_weight(mod, 0, -1) == 0.0);
    /* u from counts: half a pair per level keeps an unseen level possible */
    const double counts[4] = {90, 10, 0, 0};
    fs_set_u_from_counts(mod, 2, counts);
    assert_true(fabs(*fs_u(mod, 2, 0) - 90.5 / 102) < 1e-12);
    assert_true(*fs_u(mod, 2, 3) > 0);
    fs_model_free(mod);
}

/* The level of two raw values of a kind, by label. */
static const char *level(enum dd_kind k, const char *a, const char *b)
{
    struct dd_dict d;
    dd_dict_init(&d, k);
    uint32_t x = dd_dict_add(&d, a, strlen(a)), y = dd_dict_add(&d, b, strlen(b));
    const char *label = dd_level_label(k, dd_compare(&d, x, y));
    dd_dict_free(&d);
    return label;
}

static void test_comparison_levels(void **state)
{
    (void)state;
    assert_string_equal(level(DD_SURNAME, " Müller", "MULLER"), "exact");     /* folded, trimmed */
    assert_string_equal(level(DD_SURNAME, "mccarthy", "mccarty"), "dl<=1");
    assert_string_equal(level(DD_SURNAME, "gomez perez", "perez gomez"), "same tokens");
    assert_string_equal(level(DD_GIVEN_NAME, "jonathan", "jonathon"), "dl<=1");
    assert_string_equal(level(DD_GIVEN_NAME, "michelle", "michael"), "jw>=0.90");
    assert_string_equal(level(DD_GIVEN_NAME, "anna", "zoe"), "else");
    assert_string_equal(level(DD_GIVEN_NAME, "anna", "n/a"), "missing");     /* placeholders are missing */
    assert_string_equal(level(DD_EMAIL, "Ann.Lee@Gmail.com ", "ann.lee@gmail.com"), "exact");
    assert_string_equal(level(DD_EMAIL, "ann.lee@gmail.com", "ann.lee@yahoo.com"), "same local part");
    assert_string_equal(level(DD_EMAIL, "mathieu.noel@gmail.com", "mathieu.noel1971@gmail.com"), "local jw>=0.90");
    assert_string_equal(level(DD_PHONE, "(617) 555-0112", "617.555.0112"), "exact");
    assert_string_equal(level(DD_PHONE, "+33 6 26 34 57 53", "06 26 34 57 53"), "same last 9 digits");
    assert_string_equal(level(DD_BIRTH_DATE, "1971-09-01", "01.09.1971"), "exact");   /* one date, two forms */
    assert_string_equal(level(DD_BIRTH_DATE, "19560409", "1956-04-09"), "exact");
    assert_string_equal(level(DD_BIRTH_DATE, "1990-12-09", "1990-09-12"), "day/month swapped");
    assert_string_equal(level(DD_BIRTH_DATE, "19560409", "19560490"), "dl<=1");
    assert_string_equal(level(DD_POSTCODE, "91333-6404", "91333"), "exact");         /* ZIP+4 is its ZIP */
    assert_string_equal(level(DD_POSTCODE, "NW3 0YH", "nw30yh"), "exact");
    assert_string_equal(level(DD_REGION, "nsw", "vic"), "else");
    assert_int_equal(dd_kind_levels(DD_REGION), 2);
}

static void test_kind_guess(void **state)
{
    (void)state;
    assert_int_equal(dd_kind_guess("first_name"), DD_GIVEN_NAME);
    assert_int_equal(dd_kind_guess("Surname"), DD_SURNAME);
    assert_int_equal(dd_kind_guess("date_of_birth"), DD_BIRTH_DATE);
    assert_int_equal(dd_kind_guess("EmailAddress"), DD_EMAIL);
    assert_int_equal(dd_kind_guess("street_number"), DD_STREET_NUMBER);
    assert_int_equal(dd_kind_guess("address_1"), DD_ADDRESS);
    assert_int_equal(dd_kind_guess("suburb"), DD_CITY);
    assert_int_equal(dd_kind_guess("soc_sec_id"), DD_ID);
    assert_int_equal(dd_kind_guess("zip"), DD_POSTCODE);
    assert_int_equal(dd_kind_guess("name"), DD_NAME);
    assert_int_equal(dd_kind_guess("signup_date"), -1);
    assert_int_equal(dd_kind_guess("marketing_consent"), -1);
    assert_int_equal(dd_kind_guess("age"), -1);
    assert_int_equal(dd_kind_parse("phone"), DD_PHONE);
    assert_int_equal(dd_kind_parse("nope"), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_em_recovers_the_model),
        cmocka_unit_test(test_em_leaves_blocked_columns_alone),
        cmocka_unit_test(test_weights_and_probability),
        cmocka_unit_test(test_comparison_levels),
        cmocka_unit_test(test_kind_guess),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
