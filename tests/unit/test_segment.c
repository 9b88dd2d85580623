/* test_segment.c — the segment languages (segment_expr.h): behavioural helpers found
 * in conditions and rewritten as SQL, the errors and the offsets they point at,
 * combinations, and segment names.  The SQL is also run on a small in-memory
 * database, against counts worked out by hand. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "segment_expr.h"
#include "strbuf.h"

static const struct event_source events = {"events", "customer", "t", "type", "'2026-01-01'"};

/* The rewritten condition, in a static buffer. */
static const char *rewrite(const char *text)
{
    static char out[4096];
    struct seg_condition cond;
    size_t at;
    char err[256];
    assert_int_equal(seg_condition_parse(text, &cond, &at, err, sizeof err), 0);
    struct strbuf b = {0};
    seg_condition_sql(text, &cond, "p.k", &events, &b);
    snprintf(out, sizeof out, "%s", strbuf_str(&b));
    strbuf_free(&b);
    seg_condition_free(&cond);
    return out;
}

/* The error a condition gives: its message (static) and the offset it points at. */
static const char *parse_error(const char *text, size_t *at)
{
    static char err[256];
    struct seg_condition cond;
    assert_int_equal(seg_condition_parse(text, &cond, at, err, sizeof err), -1);
    seg_condition_free(&cond);
    return err;
}

static void test_plain_conditions_pass_through(void **state)
{
    (void)state;
    assert_string_equal(rewrite("revenue > 1000 and country = 'FR'"), "revenue > 1000 and country = 'FR'");
    /* words that only look like helpers: a column named did, the count() function */
    assert_string_equal(rewrite("did = 1 or count(x) > 2"), "did = 1 or count(x) > 2");
}

static void test_helpers_found_with_their_parts(void **state)
{
    (void)state;
    const char *text = "revenue > 5 and (did product_view where category = 'Electronics' within 7 days)";
    struct seg_condition cond;
    size_t at;
    char err[256];
    assert_int_equal(seg_condition_parse(text, &cond, &at, err, sizeof err), 0);
    assert_int_equal(cond.n, 1);
    const struct seg_helper *h = &cond.helpers[0];
    assert_int_equal(h->start, strlen("revenue > 5 and ("));
    assert_int_equal(h->end, strlen(text) - 1);
    assert_string_equal(h->event, "product_view");
    assert_int_equal(h->within, 7);
    assert_int_equal(h->unit, 'd');
    assert_memory_equal(text + h->cond_start, "category = 'Electronics'", h->cond_end - h->cond_start);
    /* the outer text keeps every offset: the helper is a padded "1" */
    assert_int_equal(strlen(cond.outer), strlen(text));
    assert_memory_equal(cond.outer, "revenue > 5 and (1   ", 21);
    assert_int_equal(cond.outer[strlen(text) - 1], ')');
    seg_condition_free(&cond);

    assert_int_equal(seg_condition_parse("count of 'add to cart' within 2 weeks ≥ 3", &cond, &at, err, sizeof err),
                     0);
    assert_int_equal(cond.n, 1);
    assert_true(cond.helpers[0].is_count);
    assert_string_equal(cond.helpers[0].event, "add to cart");
    assert_string_equal(cond.helpers[0].op, ">=");
    assert_int_equal(cond.helpers[0].count, 3);
    assert_int_equal(cond.helpers[0].unit, 'w');
    seg_condition_free(&cond);

    assert_int_equal(seg_condition_parse("did any", &cond, &at, err, sizeof err), 0);
    assert_null(cond.helpers[0].event);
    seg_condition_free(&cond);
}

static void test_helper_sql(void **state)
{
    (void)state;
    assert_string_equal(
        rewrite("did purchase within 30 days"),
        "(p.k IN (SELECT \"customer\" FROM \"events\" WHERE \"customer\" IS NOT NULL AND \"type\" = 'purchase' AND "
        "julianday(\"t\") >= julianday('2026-01-01') - 30 AND julianday(\"t\") < julianday('2026-01-01')))");
    assert_string_equal(rewrite("not (did any where device = 'app' within 12 hours)"),
                        "not ((p.k IN (SELECT \"customer\" FROM \"events\" WHERE \"customer\" IS NOT NULL AND "
                        "(device = 'app') AND julianday(\"t\") >= julianday('2026-01-01') - 12 / 24.0 AND "
                        "julianday(\"t\") < julianday('2026-01-01'))))");
    /* a count that customers without events meet is the complement of a HAVING */
    assert_string_equal(rewrite("count of purchase >= 2"),
                        "(p.k IN (SELECT \"customer\" FROM \"events\" WHERE \"customer\" IS NOT NULL AND "
                        "\"type\" = 'purchase' GROUP BY 1 HAVING (count(*) >= 2)))");
    assert_string_equal(rewrite("count of purchase < 2"),
                        "(p.k NOT IN (SELECT \"customer\" FROM \"events\" WHERE \"customer\" IS NOT NULL AND "
                        "\"type\" = 'purchase' GROUP BY 1 HAVING NOT (count(*) < 2)))");
    assert_string_equal(rewrite("count of 'it''s' = 0"),
                        "(p.k NOT IN (SELECT \"customer\" FROM \"events\" WHERE \"customer\" IS NOT NULL AND "
                        "\"type\" = 'it''s' GROUP BY 1 HAVING NOT (count(*) = 0)))");
}

/* Runs the rewritten condition on a small database and returns how many of the
 * customers 1..4 meet it.  Events: 1 bought twice (days 1 and 20 before the as-of
 * date), 2 bought once long ago, 3 only viewed, 4 nothing; an anonymous view. */
static int members(const char *text)
{
    sqlite3 *db;
    assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db,
                                  "CREATE TABLE p(k); INSERT INTO p VALUES (1), (2), (3), (4);"
                                  "CREATE TABLE events(customer, t, type);"
                                  "INSERT INTO events VALUES (1, '2025-12-31 10:00', 'purchase'),"
                                  "(1, '2025-12-12', 'purchase'), (2, '2024-05-01', 'purchase'),"
                                  "(3, '2025-12-30', 'view'), (NULL, '2025-12-30', 'view'),"
                                  "(1, '2026-01-01', 'purchase')",
                                  NULL, NULL, NULL), SQLITE_OK);
    char sql[4096];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM p WHERE %s", rewrite(text));
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    int n = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return n;
}

static void test_helpers_select_the_right_customers(void **state)
{
    (void)state;
    assert_int_equal(members("did purchase"), 2);                     /* 1, 2 */
    assert_int_equal(members("did purchase within 7 days"), 1);       /* 1 (the as-of day itself is out) */
    assert_int_equal(members("did purchase within 30 days"), 1);      /* 1 */
    assert_int_equal(members("did any within 7 days"), 2);            /* 1, 3; the anonymous view counts for none */
    assert_int_equal(members("not (did any)"), 1);                    /* 4 */
    assert_int_equal(members("count of purchase within 30 days >= 2"), 1);
    assert_int_equal(members("count of purchase within 7 days >= 2"), 0);  /* the 2026-01-01 one is out */
    assert_int_equal(members("count of purchase = 0"), 2);            /* 3, 4 */
    assert_int_equal(members("count of purchase <= 1"), 3);           /* 2, 3, 4 */
    assert_int_equal(members("count of purchase != 1"), 3);           /* 1 (3 of them), 3, 4 */
    assert_int_equal(members("(did view) or (count of purchase > 2)"), 2);  /* 3, 1 */
}

static void test_errors_point_at_the_mistake(void **state)
{
    (void)state;
    size_t at;
    assert_string_equal(parse_error("", &at), "the condition is empty");
    assert_string_equal(parse_error("a > 1 -- note", &at), "comments are not allowed in a condition");
    assert_int_equal(at, 6);
    assert_string_equal(parse_error("a > 1; DROP TABLE t", &at),
                        "a condition is one SQL expression: ';' cannot be in it");
    assert_int_equal(at, 5);
    assert_string_equal(parse_error("name = 'x", &at), "unterminated '");
    assert_int_equal(at, 7);
    assert_string_equal(parse_error("count of (x) >= 1", &at),
                        "count of: expected an event type (a word, 'in quotes', or any)");
    assert_int_equal(at, 9);
    parse_error("did purchase within 7 days and revenue > 5", &at);
    assert_int_equal(at, strlen("did purchase "));
    assert_string_equal(parse_error("did purchase where", &at),
                        "did: expected a condition on the events after 'where'");
    assert_string_equal(parse_error("did purchase within 0 days", &at),
                        "within: expected a whole number of days, weeks or hours");
    assert_int_equal(at, strlen("did purchase within "));
    assert_string_equal(parse_error("did purchase within 3 months", &at), "within N: expected days, weeks or hours");
    assert_int_equal(at, strlen("did purchase within 3 "));
    parse_error("count of purchase within 7 days", &at);
    assert_int_equal(at, strlen("count of purchase within 7 "));
    parse_error("count of purchase >= many", &at);
    assert_int_equal(at, strlen("count of purchase >= "));
}

/* A resolver that knows the segments a, b and c_d/x y. */
static int resolve(void *arg, const char *name, struct strbuf *out, char *err, size_t errlen)
{
    (void)arg;
    if (strcmp(name, "a") && strcmp(name, "b") && strcmp(name, "c_d/x y")) {
        snprintf(err, errlen, "no segment named '%s'", name);
        return -1;
    }
    strbuf_printf(out, "k IN [%s]", name);
    return 0;
}

static void test_combinations(void **state)
{
    (void)state;
    struct strbuf b = {0};
    size_t at;
    char err[256];
    assert_int_equal(seg_combine_parse("a and (b or not 'c_d/x y')", resolve, NULL, &b, &at, err, sizeof err), 0);
    assert_string_equal(strbuf_str(&b), "k IN [a] AND (k IN [b] OR NOT k IN [c_d/x y])");
    strbuf_reset(&b);
    /* and binds tighter than or */
    assert_int_equal(seg_combine_parse("a or b AND NOT a", resolve, NULL, &b, &at, err, sizeof err), 0);
    assert_string_equal(strbuf_str(&b), "k IN [a] OR k IN [b] AND NOT k IN [a]");
    strbuf_reset(&b);
    assert_int_equal(seg_combine_parse("a and zz", resolve, NULL, &b, &at, err, sizeof err), -1);
    assert_string_equal(err, "no segment named 'zz'");
    assert_int_equal(at, 6);
    strbuf_reset(&b);
    assert_int_equal(seg_combine_parse("(a or b", resolve, NULL, &b, &at, err, sizeof err), -1);
    assert_string_equal(err, "expected ')'");
    assert_int_equal(at, 7);
    strbuf_reset(&b);
    assert_int_equal(seg_combine_parse("a b", resolve, NULL, &b, &at, err, sizeof err), -1);
    assert_string_equal(err, "expected 'and', 'or' or the end");
    assert_int_equal(at, 2);
    strbuf_reset(&b);
    assert_int_equal(seg_combine_parse("a and or b", resolve, NULL, &b, &at, err, sizeof err), -1);
    assert_string_equal(err, "expected a segment name");
    assert_int_equal(at, 6);
    strbuf_free(&b);
}

static void test_names(void **state)
{
    (void)state;
    assert_true(seg_name_valid("vip"));
    assert_true(seg_name_valid("_x1"));
    assert_true(seg_name_valid("High_Value_2026"));
    assert_false(seg_name_valid(""));
    assert_false(seg_name_valid("1st"));
    assert_false(seg_name_valid("a-b"));
    assert_false(seg_name_valid("k4/core"));
    assert_false(seg_name_valid("with space"));
    assert_false(seg_name_valid("ñ"));
    char long_name[80];
    memset(long_name, 'a', 65);
    long_name[65] = '\0';
    assert_false(seg_name_valid(long_name));
    long_name[64] = '\0';
    assert_true(seg_name_valid(long_name));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_conditions_pass_through),
        cmocka_unit_test(test_helpers_found_with_their_parts),
        cmocka_unit_test(test_helper_sql),
        cmocka_unit_test(test_helpers_select_the_right_customers),
        cmocka_unit_test(test_errors_point_at_the_mistake),
        cmocka_unit_test(test_combinations),
        cmocka_unit_test(test_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
