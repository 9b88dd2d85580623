/* test_cleaning.c — the cleaning commands through run_line(): undo puts back every
 * value with its type and rowid (cell-level undo), flag columns come and go, a
 * numeric column never gets text that it would turn into a number, every command
 * prints one JSON value, and a failing command leaves nothing behind. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "ctx.h"
#include "sink.h"
#include "strbuf.h"
#include "workspace.h"
#include "workspace_fixture.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static char *query(ctx *c, const char *sql)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(c->db, sql, -1, &st, NULL) != SQLITE_OK)
        fail_msg("query %s: %s", sql, sqlite3_errmsg(c->db));
    char *out = NULL;
    if (sqlite3_step(st) == SQLITE_ROW)
        out = xstrdup(sqlite3_column_type(st, 0) == SQLITE_NULL ? "NULL" : (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    if (!out)
        fail_msg("query %s: no row", sql);
    return out;
}

static void expect_query(ctx *c, const char *sql, const char *want)
{
    char *got = query(c, sql);
    if (strcmp(got, want) != 0)
        fail_msg("%s\n  got:  %s\n  want: %s", sql, got, want);
    free(got);
}

/* Runs a line that must succeed; checks the output is one JSON value per command. */
static void run_ok(ctx *c, const char *line)
{
    if (run_line(c, line) != 0)
        fail_msg("%s: unexpected error: %s", line, c->err);
    const char *out = sink_buffer_text(c->out, NULL);
    if (strchr(line, ';') == NULL) {
        char *sql = sqlite3_mprintf("SELECT json_valid(%Q)", out);
        expect_query(c, sql, "1");
        sqlite3_free(sql);
    }
    sink_buffer_reset(c->out);
}

static void run_fails(ctx *c, const char *line, const char *err)
{
    if (run_line(c, line) == 0)
        fail_msg("%s: succeeded, want error: %s", line, err);
    if (!strstr(c->err, err))
        fail_msg("%s:\n  got:  %s\n  want: %s", line, c->err, err);
    sink_buffer_reset(c->out);
}



/* A table with values of every type in an untyped column, a key, and gaps in rowids. */
static const char setup[] =
    "sql CREATE TABLE t(k TEXT, v, n REAL, name TEXT, phone INTEGER, grp TEXT); "
    "INSERT INTO t(rowid, k, v, n, name, phone, grp) VALUES "
    "(1, 'a', '  Mixed Case  ', 1.5, 'MCDONALD', 8185550166, 'x'), "
    "(5, 'b', 42, NULL, 'o''neil', 2079460959, 'x'), "
    "(6, 'c', NULL, 3.25, 'van der berg', NULL, 'y'), "
    "(9, 'd', 'x@Y.COM', 100, NULL, 123, 'y'), "
    "(10, 'e', X'00FF', 2, '  ', 5, NULL)";

/* Makes k the key of t, as `load … key=k` would. */
static void set_key(ctx *c)
{
    assert_int_equal(sqlite3_exec(c->db, "INSERT INTO _persona_tables(name, key_column) VALUES ('t', 'k')", NULL, NULL,
                                  NULL), SQLITE_OK);
}

/* Every changing cleaning command, undone, leaves the exact fingerprint. */
static void test_undo_restores_every_value(void **state)
{
    ctx *c = *state;
    run_ok(c, setup);
    set_key(c);
    static const char *const commands[] = {
        "normalize t v=trim name=title",
        "normalize t v=upper",
        "normalize t v=email",
        "normalize t n=trim name=lower",
        "impute t n method=mean",
        "impute t n method=median by=grp",
        "impute t v method=mode",
        "impute t n method=knn on=phone k=2",
        "impute t v method=constant:filler",
        "outliers t n method=iqr action=flag",
        "outliers t n method=zscore:1 action=clip",
        "outliers t n phone method=mad:1 action=null",
        "validate t v=required k=unique n=range:0..10 name=regex:[A-Z].*",
    };
    for (size_t i = 0; i < COUNT(commands); i++) {
        char *before = fingerprint(c);
        run_ok(c, commands[i]);
        char *during = fingerprint(c);
        if (strcmp(before, during) == 0 && strncmp(commands[i], "validate", 8) != 0)
            fail_msg("%s changed nothing:\n%s", commands[i], during);
        run_ok(c, "undo");
        char *after = fingerprint(c);
        if (strcmp(before, after) != 0)
            fail_msg("undo of %s\n--- before:\n%s--- after undo:\n%s", commands[i], before, after);
        free(before);
        free(during);
        free(after);
    }
}

/* Two cleaning commands in a row undo one at a time, newest first; the audit trail
 * keeps the key, rowid, old and new value with their types. */
static void test_changes_and_undo_order(void **state)
{
    ctx *c = *state;
    run_ok(c, setup);
    set_key(c);
    char *start = fingerprint(c);
    run_ok(c, "normalize t v=trim");
    expect_query(c, "SELECT group_concat(row_key || '/' || row_id || '/' || typeof(old_value) || ':' || old_value || '>' || new_value, '|') "
                    "FROM _persona_changes", "a/1/text:  Mixed Case  >Mixed Case");
    char *middle = fingerprint(c);
    run_ok(c, "normalize t v=lower");
    expect_query(c, "SELECT v FROM t WHERE k = 'a'", "mixed case");
    expect_query(c, "SELECT v FROM t WHERE k = 'b'", "42");
    expect_query(c, "SELECT typeof(v) FROM t WHERE k = 'b'", "integer");   /* a number is left a number */
    run_ok(c, "undo");
    char *now = fingerprint(c);
    assert_string_equal(now, middle);
    free(now);
    run_ok(c, "undo");
    now = fingerprint(c);
    assert_string_equal(now, start);
    free(now);
    free(middle);
    free(start);
}

/* Text a numeric column would turn into a number is not written: "+18185550166"
 * in an INTEGER column would lose its '+'.  It is reported instead. */
/* A numeric column of phones is declared TEXT before the E.164 forms go in (a
 * number would lose the '+'), every row kept; undo brings the type and values back. */
static void test_numeric_column_keeps_its_values(void **state)
{
    ctx *c = *state;
    run_ok(c, setup);
    char *before = fingerprint(c);
    run_ok(c, "normalize t phone=phone:US");
    expect_query(c, "SELECT type FROM pragma_table_info('t') WHERE name = 'phone'", "TEXT");
    expect_query(c, "SELECT phone || '|' || typeof(phone) FROM t WHERE k = 'a'", "+18185550166|text");
    expect_query(c, "SELECT count(*) FROM t", "5");
    expect_query(c, "SELECT message FROM _persona_issues WHERE row_key = 9", "too short for a +1 number");
    run_ok(c, "undo");
    char *after = fingerprint(c);
    assert_string_equal(before, after);
    expect_query(c, "SELECT phone || '|' || typeof(phone) FROM t WHERE k = 'a'", "8185550166|integer");
    free(before);
    free(after);
}

/* Blanks become NULL under the trimming kinds; blobs are reported, never changed. */
static void test_blanks_and_blobs(void **state)
{
    ctx *c = *state;
    run_ok(c, setup);
    run_ok(c, "normalize t name=title v=trim");
    expect_query(c, "SELECT typeof(name) FROM t WHERE k = 'e'", "null");
    expect_query(c, "SELECT name FROM t WHERE k = 'a'", "McDonald");
    expect_query(c, "SELECT name FROM t WHERE k = 'b'", "O'Neil");
    expect_query(c, "SELECT name FROM t WHERE k = 'c'", "Van der Berg");
    expect_query(c, "SELECT hex(v) FROM t WHERE k = 'e'", "00FF");
    expect_query(c, "SELECT message FROM _persona_issues WHERE row_key = 10", "a binary value, not text");
}

/* COL_imputed and COL_outlier: added with 0/1, dropped by undo; a second run on a
 * column that has the flag logs its changes like any other cell. */
static void test_flag_columns(void **state)
{
    ctx *c = *state;
    run_ok(c, setup);
    run_ok(c, "impute t n method=median");
    expect_query(c, "SELECT group_concat(n || ':' || n_imputed, ' ') FROM t", "1.5:0 2.625:1 3.25:0 100.0:0 2.0:0");
    run_ok(c, "sql UPDATE t SET n = NULL WHERE k = 'a'");
    run_ok(c, "impute t n method=constant:7");
    expect_query(c, "SELECT n || ':' || n_imputed FROM t WHERE k = 'a'", "7.0:1");
    expect_query(c, "SELECT count(*) FROM _persona_changes WHERE column_name = 'n_imputed'", "1");
    run_ok(c, "undo");
    expect_query(c, "SELECT typeof(n) || ':' || n_imputed FROM t WHERE k = 'a'", "null:0");
    run_ok(c, "undo");      /* the sql UPDATE */
    run_ok(c, "undo");      /* the first impute: the flag column goes */
    expect_query(c, "SELECT count(*) FROM pragma_table_info('t') WHERE name = 'n_imputed'", "0");
    run_ok(c, "outliers t n method=iqr");
    expect_query(c, "SELECT group_concat(coalesce(n_outlier, '-'), '') FROM t", "0-010");
}

/* A failing command records nothing: no changes, no issues, no undo step, no column. */
static void test_failures_leave_nothing(void **state)
{
    ctx *c = *state;
    run_ok(c, setup);
    char *before = fingerprint(c);
    static const struct { const char *line, *err; } cases[] = {
        {"normalize t name=title v=nope", "normalize: v=nope: unknown kind 'nope'"},
        {"normalize t nam=title", "normalize: t has no column 'nam' (did you mean 'name'?)"},
        {"normalize nope v=trim", "normalize: no table named 'nope'"},
        {"impute t n method=knn on=nope", "impute: t has no column 'nope'"},
        {"impute t n method=knn k=2 by=n", "impute: n is both imputed and the group (by=)"},
        {"impute t n method=mean k=3", "impute: k= is for method=knn"},
        {"outliers t n n", "outliers: column 'n' given twice"},
        {"validate t", "validate: no rules"},
        {"validate t n=range:5..x", "range:5..x: expected numbers or ISO dates"},
        {"validate t n=past:tomorrow", "past:tomorrow: expected an ISO date"},
        {"validate t v=in", "in needs an argument, e.g. in:a|b|c"},
        {"validate t v=email:x", "email takes no argument"},
    };
    for (size_t i = 0; i < COUNT(cases); i++) {
        run_fails(c, cases[i].line, cases[i].err);
        char *now = fingerprint(c);
        if (strcmp(before, now) != 0)
            fail_msg("%s changed the workspace:\n%s", cases[i].line, now);
        free(now);
    }
    expect_query(c, "SELECT count(*) FROM _persona_undo", "1");    /* the setup's sql only */
    free(before);
}

/* validate counts by rule; NULL passes all but required. */
static void test_validate_rules(void **state)
{
    ctx *c = *state;
    run_ok(c, setup);
    run_ok(c, "validate t v=required n=range:0..10 name=in:MCDONALD|x grp=unique k=regex:[a-c] "
              "v=email n=past:2020-01-01");
    expect_query(c, "SELECT group_concat(rule || '=' || n, ' ') FROM (SELECT rule, count(*) AS n FROM _persona_issues "
                    "GROUP BY rule ORDER BY rule)",
                 "email=3 in:MCDONALD|x=3 past:2020-01-01=4 range:0..10=1 regex:[a-c]=2 required=1 unique=4");
    expect_query(c, "SELECT message FROM _persona_issues WHERE rule = 'range:0..10'", "above the range");
    expect_query(c, "SELECT group_concat(message, '|') FROM (SELECT DISTINCT message FROM _persona_issues "
                    "WHERE rule = 'unique')", "appears 2 times");
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, open_workspace, close_workspace)
    const struct CMUnitTest tests[] = {
        T(test_undo_restores_every_value), T(test_changes_and_undo_order), T(test_numeric_column_keeps_its_values),
        T(test_blanks_and_blobs),          T(test_flag_columns),           T(test_failures_leave_nothing),
        T(test_validate_rules),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
