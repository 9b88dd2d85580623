/* test_strsim.c — Jaro, Jaro–Winkler, Levenshtein, OSA and Soundex against values
 * computed by jellyfish (tests/fixtures/strsim, made by make_reference.py), folding,
 * and the SQL functions registered on a workspace. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "similar.h"
#include "strsim.h"
#include "workspace.h"

#define FIXTURES "tests/fixtures/strsim"

/* Splits a CSV line without quotes into at most n fields, in place. */
static int split(char *line, char **fields, int n)
{
    int k = 0;
    line[strcspn(line, "\r\n")] = '\0';
    for (char *p = line; k < n; k++) {
        fields[k] = p;
        char *comma = strchr(p, ',');
        if (!comma) {
            k++;
            break;
        }
        *comma = '\0';
        p = comma + 1;
    }
    return k;
}

static void test_reference_pairs(void **state)
{
    (void)state;
    FILE *f = fopen(FIXTURES "/reference.csv", "r");
    assert_non_null(f);
    char line[512];
    assert_non_null(fgets(line, sizeof line, f));   /* header */
    int rows = 0;
    while (fgets(line, sizeof line, f)) {
        char *v[5] = {NULL};
        assert_int_equal(split(line, v, 5), 5);
        double jaro = strtod(v[2], NULL), jw = strtod(v[3], NULL);
        int lev = atoi(v[4]);
        if (fabs(strsim_jaro(v[0], v[1]) - jaro) > 1e-12 || fabs(strsim_jaro_winkler(v[0], v[1]) - jw) > 1e-12 ||
            strsim_levenshtein(v[0], v[1]) != lev)
            fail_msg("%s / %s: jaro %.15f (want %.15f), jw %.15f (want %.15f), levenshtein %d (want %d)", v[0], v[1],
                     strsim_jaro(v[0], v[1]), jaro, strsim_jaro_winkler(v[0], v[1]), jw,
                     strsim_levenshtein(v[0], v[1]), lev);
        /* symmetric */
        assert_true(fabs(strsim_jaro_winkler(v[1], v[0]) - jw) < 1e-12);
        rows++;
    }
    fclose(f);
    assert_true(rows >= 40);
}

static void test_textbook_values(void **state)
{
    (void)state;
    /* Winkler's own examples */
    assert_true(fabs(strsim_jaro_winkler("MARTHA", "MARHTA") - 0.961111111111111) < 1e-12);
    assert_true(fabs(strsim_jaro_winkler("DWAYNE", "DUANE") - 0.84) < 1e-12);
    assert_true(fabs(strsim_jaro_winkler("DIXON", "DICKSONX") - 0.813333333333333) < 1e-12);
    assert_true(strsim_jaro("", "") == 1.0);
    assert_true(strsim_jaro("a", "") == 0.0);
    assert_int_equal(strsim_levenshtein("", "abc"), 3);
    assert_int_equal(strsim_levenshtein("kitten", "sitting"), 3);
    /* code points, not bytes */
    assert_int_equal(strsim_levenshtein("müller", "muller"), 1);
    assert_int_equal(strsim_levenshtein("日本語", "日本"), 1);
}

static void test_osa(void **state)
{
    (void)state;
    assert_int_equal(strsim_osa("ab", "ba"), 1);          /* one transposition */
    assert_int_equal(strsim_levenshtein("ab", "ba"), 2);
    assert_int_equal(strsim_osa("ca", "abc"), 3);         /* restricted: not 2 as true Damerau */
    assert_int_equal(strsim_osa("martha", "marhta"), 1);
    assert_int_equal(strsim_osa("19560409", "19560490"), 1);
    assert_int_equal(strsim_osa("", ""), 0);
    /* the banded version agrees up to its bound and says bound + 1 beyond */
    const char *pairs[][2] = {{"washington", "washingtno"}, {"kitten", "sitting"}, {"abc", "xyz"},
                              {"pridhamstreet", "pridham street"}, {"a", "abcdef"}, {"jones", "johnson"}};
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
        size_t na, nb;
        int32_t *a = strsim_decode(pairs[i][0], strlen(pairs[i][0]), &na);
        int32_t *b = strsim_decode(pairs[i][1], strlen(pairs[i][1]), &nb);
        int full = strsim_osa_cp(a, na, b, nb);
        for (int bound = 0; bound <= 4; bound++) {
            int got = strsim_osa_within_cp(a, na, b, nb, bound);
            if (got != (full <= bound ? full : bound + 1))
                fail_msg("%s / %s bound %d: %d, full distance %d", pairs[i][0], pairs[i][1], bound, got, full);
        }
        free(a);
        free(b);
    }
    /* the suggestions' edit distance is OSA, case-insensitive */
    assert_int_equal(edit_distance("Dedupe", "dedpue"), 1);
    assert_string_equal(closest_name("dedpue", (const char *const[]){"dedupe", "describe"}, 2), "dedupe");
}

static void test_soundex(void **state)
{
    (void)state;
    FILE *f = fopen(FIXTURES "/soundex.csv", "r");
    assert_non_null(f);
    char line[256], code[5];
    assert_non_null(fgets(line, sizeof line, f));
    int rows = 0;
    while (fgets(line, sizeof line, f)) {
        char *v[2] = {NULL, NULL};
        assert_int_equal(split(line, v, 2), 2);
        assert_non_null(strsim_soundex(v[0], code));
        if (strcmp(code, v[1]) != 0)
            fail_msg("soundex(%s) = %s, want %s", v[0], code, v[1]);
        rows++;
    }
    fclose(f);
    assert_true(rows >= 30);
    assert_string_equal(strsim_soundex("  müller", code), "M460");    /* accents fold, blanks skip */
    assert_string_equal(strsim_soundex("o'neil", code), "O540");
    assert_null(strsim_soundex("1234", code));
    assert_string_equal(code, "");
}

static void test_fold(void **state)
{
    (void)state;
    const char *cases[][2] = {
        {"  Anaïs   RIVIÈRE ", "anais riviere"}, {"Straße", "strasse"}, {"ＡＢＣ", "abc"},
        {"O’Neil", "o'neil"}, {"\tZielińska\n", "zielinska"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *s = strsim_fold(cases[i][0], strlen(cases[i][0]));
        assert_non_null(s);
        assert_string_equal(s, cases[i][1]);
        free(s);
    }
    assert_null(strsim_fold("   ", 3));
    char latin1[] = "Caf\xe9";     /* not UTF-8: ASCII folds, the byte stays */
    char *s = strsim_fold(latin1, strlen(latin1));
    assert_string_equal(s, "caf\xe9");
    free(s);
}

/* The functions analysts call from sql. */
static void test_sql_functions(void **state)
{
    (void)state;
    ctx c = {0};
    assert_int_equal(workspace_open(&c, ":memory:"), 0);
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(c.db, "SELECT round(jaro_winkler('martha', 'marhta'), 6), "
                                              "round(jaro('dixon', 'dicksonx'), 6), levenshtein('kitten', 'sitting'), "
                                              "soundex('Ashcraft'), soundex('Robert'), soundex(NULL), "
                                              "jaro_winkler(NULL, 'x'), edit_distance('ab', 'BA')",
                                     -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_true(fabs(sqlite3_column_double(st, 0) - 0.961111) < 1e-9);
    assert_true(fabs(sqlite3_column_double(st, 1) - 0.766667) < 1e-9);
    assert_int_equal(sqlite3_column_int(st, 2), 3);
    assert_string_equal((const char *)sqlite3_column_text(st, 3), "A261");   /* SQLite's own says A226 */
    assert_string_equal((const char *)sqlite3_column_text(st, 4), "R163");
    assert_int_equal(sqlite3_column_type(st, 5), SQLITE_NULL);
    assert_int_equal(sqlite3_column_type(st, 6), SQLITE_NULL);
    assert_int_equal(sqlite3_column_int(st, 7), 1);
    sqlite3_finalize(st);
    workspace_close(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reference_pairs),
        cmocka_unit_test(test_textbook_values),
        cmocka_unit_test(test_osa),
        cmocka_unit_test(test_soundex),
        cmocka_unit_test(test_fold),
        cmocka_unit_test(test_sql_functions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
