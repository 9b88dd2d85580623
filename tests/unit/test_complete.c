/* test_complete.c — Tab completion of command lines against a workspace. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd.h"
#include "complete.h"
#include "sink.h"
#include "strbuf.h"
#include "workspace.h"

/* A ":memory:" workspace with two tables and a view. */
static int setup(void **state)
{
    ctx *c = calloc(1, sizeof *c);
    c->out = sink_open_buffer(FMT_TABLE);
    if (workspace_open(c, ":memory:") != 0 ||
        run_line(c, "sql CREATE TABLE customers(customer_id, email, country)") != 0 ||
        run_line(c, "sql CREATE TABLE orders(order_id, customer_id, amount, \"Order Date\")") != 0 ||
        run_line(c, "sql CREATE VIEW big_orders AS SELECT * FROM orders WHERE amount > 100") != 0) {
        fprintf(stderr, "setup: %s\n", c->err);
        return -1;
    }
    *state = c;
    return 0;
}

static int teardown(void **state)
{
    ctx *c = *state;
    workspace_close(c);
    sink_close(c->out);
    free(c);
    return 0;
}

/* Completes line with the cursor at its '|', or at its end when it has none. */
static struct completion complete_at(ctx *c, const char *line)
{
    char buf[512];
    const char *bar = strchr(line, '|');
    size_t cursor = bar ? (size_t)(bar - line) : strlen(line);
    snprintf(buf, sizeof buf, "%.*s%s", (int)cursor, line, bar ? bar + 1 : "");
    struct completion cp;
    complete_line(c, buf, cursor, &cp);
    return cp;
}

/* Asserts that the candidates are exactly the NULL-terminated list given, in order. */
static void assert_items(const struct completion *cp, ...)
{
    va_list ap;
    va_start(ap, cp);
    int i = 0;
    for (const char *want; (want = va_arg(ap, const char *)) != NULL; i++) {
        if (i >= cp->n)
            fail_msg("candidate %d: want '%s', have only %d", i, want, cp->n);
        assert_string_equal(cp->items[i], want);
    }
    va_end(ap);
    if (i != cp->n)
        fail_msg("%d candidates, want %d (first extra: '%s')", cp->n, i, cp->items[i]);
}

/* Completes line, asserts the candidates and the offset they replace from. */
#define CHECK(c, line, from, ...)                                           \
    do {                                                                    \
        struct completion cp_ = complete_at((c), (line));                   \
        assert_items(&cp_, __VA_ARGS__, NULL);                              \
        assert_int_equal(cp_.start, (from));                                \
        completion_free(&cp_);                                              \
    } while (0)

/* Completes line and asserts there is no candidate. */
#define NONE(c, line)                                                       \
    do {                                                                    \
        struct completion cp_ = complete_at((c), (line));                   \
        assert_items(&cp_, NULL);                                           \
        completion_free(&cp_);                                              \
    } while (0)

static void test_command_names(void **state)
{
    ctx *c = *state;
    struct completion cp = complete_at(c, "lo");
    assert_items(&cp, "load", NULL);
    assert_int_equal(cp.start, 0);
    assert_true(completion_is_final(&cp));
    completion_free(&cp);
    CHECK(c, "  d", 2, "dedupe", "describe", "drop");
    CHECK(c, "tables; sh", 8, "show");
    CHECK(c, "h", 0, "help", "history");
}

static void test_help_lists_every_command(void **state)
{
    ctx *c = *state;
    int n;
    const struct cmd_entry *const *e = cmd_entries(&n);
    struct completion cp = complete_at(c, "help ");
    assert_int_equal(cp.n, n);
    assert_int_equal(cp.start, 5);
    for (int i = 0; i < n; i++) {
        int found = 0;
        for (int j = 0; j < cp.n; j++)
            found |= strcmp(cp.items[j], e[i]->name) == 0;
        assert_true(found);
        if (i > 0)
            assert_true(strcmp(cp.items[i - 1], cp.items[i]) < 0);
    }
    completion_free(&cp);
    CHECK(c, "help lo", 5, "load");
}

static void test_option_keys_and_flags(void **state)
{
    ctx *c = *state;
    struct completion cp = complete_at(c, "load x.csv k");
    assert_items(&cp, "key=", NULL);
    assert_int_equal(cp.start, 11);
    assert_false(completion_is_final(&cp));     /* no blank after "key=" */
    completion_free(&cp);
    CHECK(c, "load x.csv re", 11, "rejects=", "replace");
    /* an option already on the line is not offered again */
    CHECK(c, "show customers where=x l", 23, "limit=");
    CHECK(c, "show customers where=x ", 23, "columns=", "limit=", "order=");
    CHECK(c, "load x.csv replace re", 19, "rejects=");
}

static void test_tables_where_usage_says_table(void **state)
{
    ctx *c = *state;
    struct completion cp = complete_at(c, "show cu");
    assert_items(&cp, "customers", NULL);
    assert_true(completion_is_final(&cp));
    completion_free(&cp);
    CHECK(c, "describe ", 9, "big_orders", "customers", "orders");
    CHECK(c, "drop o", 5, "orders");
    /* a prefix of the command name works as the command does */
    CHECK(c, "sh cu", 3, "customers");
    /* show takes one table; after it only options */
    CHECK(c, "show customers ", 15, "columns=", "limit=", "order=", "where=");
}

/* A value completes on its own: start is just after "key=", the candidate is the bare
 * value, so "where=co" gives "country" replacing "co". */
static void test_column_values(void **state)
{
    ctx *c = *state;
    struct completion cp = complete_at(c, "show customers where=co");
    assert_items(&cp, "country", NULL);
    assert_int_equal(cp.start, strlen("show customers where="));
    assert_false(completion_is_final(&cp));     /* an expression goes on */
    completion_free(&cp);
    CHECK(c, "show customers order=em", 21, "email");
    CHECK(c, "show customers wh=em", 18, "email");
    CHECK(c, "show customers columns=email,co", 29, "country");
    CHECK(c, "show orders where=\"amount > 1 and cu", strlen("show orders where=\"amount > 1 and "),
          "customer_id");
    CHECK(c, "show big_orders where=AM", 22, "amount");
    /* inside an SQL string nothing completes; inside a quoted SQL name any name does */
    NONE(c, "show customers where=\"country = 'co");
    CHECK(c, "show orders where='\"Ord", 20, "Order Date", "order_id");
    /* no table named before: no columns */
    NONE(c, "show where=co");
}

static void test_literal_words(void **state)
{
    ctx *c = *state;
    CHECK(c, "history s", 8, "save");
    CHECK(c, "load x.csv header=", 18, "auto", "no", "yes");
    /* ';' would end the command unquoted; '|' is written quoted in the usage */
    CHECK(c, "load x.csv delimiter=", 21, "\";\"", ",", "auto", "tab", "|");
    CHECK(c, "load x.csv a", 11, "as");
    /* "rejects=1%" shows a default, not a choice */
    NONE(c, "load x.csv rejects=");
}

static void test_sql(void **state)
{
    ctx *c = *state;
    CHECK(c, "sql SELECT em| FROM customers", 11, "email");
    CHECK(c, "sql SELECT EM| FROM customers", 11, "email");
    CHECK(c, "sql SELECT * FROM cu", 18, "customers");
    CHECK(c, "sql SELECT c.cu| FROM customers c JOIN orders o USING (customer_id)", 13,
          "customer_id", "customers");
    CHECK(c, "sql SELECT o| FROM \"orders\"", 11, "\"Order Date\"", "order_id", "orders");
    CHECK(c, "show orders where=Ord", 18, "'\"Order Date\"'", "order_id");
    NONE(c, "sql SELECT em| FROM orders");
    NONE(c, "sql SELECT 'em");
    NONE(c, "sql SELECT 1 -- em");
    /* sql owns its line: ';' there is SQL's */
    CHECK(c, "sql SELECT 1; SELECT em FROM customers|", 29, "customers");
    struct completion cp = complete_at(c, "sql SELECT \"Order D| FROM orders");
    assert_items(&cp, "Order Date", NULL);
    assert_int_equal(cp.quote, '"');
    assert_true(completion_is_final(&cp));
    completion_free(&cp);
}

static void test_nothing_to_complete(void **state)
{
    ctx *c = *state;
    snprintf(c->err, sizeof c->err, "previous error");
    NONE(c, "frobnicate ");
    NONE(c, "frobnicate cu");
    NONE(c, "show cu # de");
    NONE(c, "tables ");
    NONE(c, "show zz");
    assert_string_equal(c->err, "previous error");     /* completion sets no error */
}

/* Makes the file or, ending in '/', the folder dir/name. */
static void make_path(const char *dir, const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    size_t n = strlen(path);
    if (path[n - 1] == '/') {
        path[n - 1] = '\0';
        assert_int_equal(mkdir(path, 0700), 0);
    } else {
        FILE *f = fopen(path, "w");
        assert_non_null(f);
        fclose(f);
    }
}

static void test_paths(void **state)
{
    ctx *c = *state;
    char dir[] = "/tmp/persona-complete-XXXXXX";
    assert_non_null(mkdtemp(dir));
    static const char *const names[] = {"a.csv", "ab.csv", "my data/", "my file.csv", ".hidden",
                                        "sub/", "sub/x.csv", "it's.csv"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        make_path(dir, names[i]);
    char line[256];
    size_t base = strlen("load ") + strlen(dir) + 1;

    snprintf(line, sizeof line, "load %s/a", dir);
    CHECK(c, line, base, "a.csv", "ab.csv");
    snprintf(line, sizeof line, "load %s/", dir);
    CHECK(c, line, base, "\"it's.csv\"", "\"my data/", "\"my file.csv\"", "a.csv", "ab.csv", "sub/");
    snprintf(line, sizeof line, "load %s/.", dir);
    CHECK(c, line, base, ".hidden");

    /* a folder ends in '/' and is not final: completion goes on inside it */
    snprintf(line, sizeof line, "load %s/s", dir);
    struct completion cp = complete_at(c, line);
    assert_items(&cp, "sub/", NULL);
    assert_false(completion_is_final(&cp));
    completion_free(&cp);
    snprintf(line, sizeof line, "load %s/sub/", dir);
    CHECK(c, line, base + 4, "x.csv");

    /* inside an open quote, names with blanks complete as they are */
    snprintf(line, sizeof line, "load \"%s/my f", dir);
    cp = complete_at(c, line);
    assert_items(&cp, "my file.csv", NULL);
    assert_int_equal(cp.start, base + 1);
    assert_int_equal(cp.quote, '"');
    assert_true(completion_is_final(&cp));
    completion_free(&cp);
    snprintf(line, sizeof line, "load \"%s/my", dir);
    CHECK(c, line, base + 1, "my data/", "my file.csv");
    snprintf(line, sizeof line, "load '%s/it", dir);
    CHECK(c, line, base + 1, "it''s.csv");
    snprintf(line, sizeof line, "load \"%s/my data/", dir);
    NONE(c, line);      /* an empty folder */

    /* the other PATH, FILE and SCRIPT positions */
    snprintf(line, sizeof line, "history save %s/a", dir);
    CHECK(c, line, strlen(line) - 1, "a.csv", "ab.csv");
    snprintf(line, sizeof line, "replay %s/ab", dir);
    CHECK(c, line, strlen(line) - 2, "ab.csv");
    /* a path is positional word 1 of load only */
    snprintf(line, sizeof line, "load x.csv %s/a", dir);
    NONE(c, line);

    for (size_t i = sizeof names / sizeof names[0]; i-- > 0;) {
        char path[512];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        remove(path);
    }
    assert_int_equal(rmdir(dir), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_command_names),
        cmocka_unit_test(test_help_lists_every_command),
        cmocka_unit_test(test_option_keys_and_flags),
        cmocka_unit_test(test_tables_where_usage_says_table),
        cmocka_unit_test(test_column_values),
        cmocka_unit_test(test_literal_words),
        cmocka_unit_test(test_sql),
        cmocka_unit_test(test_nothing_to_complete),
        cmocka_unit_test(test_paths),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
