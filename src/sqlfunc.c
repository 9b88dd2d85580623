/* sqlfunc.c — SQL functions registered on the workspace connection. */
#include "sqlfunc.h"

#include <math.h>
#include <sqlite3.h>
#include <stdint.h>

#include "similar.h"

/* edit_distance(a, b): optimal-string-alignment distance; NULL if either is NULL. */
static void sql_edit_distance(sqlite3_context *cx, int argc, sqlite3_value **argv)
{
    (void)argc;
    const unsigned char *a = sqlite3_value_text(argv[0]);
    const unsigned char *b = sqlite3_value_text(argv[1]);
    if (!a || !b) {
        sqlite3_result_null(cx);
        return;
    }
    sqlite3_result_int(cx, edit_distance((const char *)a, (const char *)b));
}

/* stddev(x): sample standard deviation (n - 1, as pandas and R) of the numeric
 * values, by Welford's update so large values do not lose the variance to
 * cancellation; NULL for fewer than two values.  Text and NULL are skipped. */
struct welford {
    int64_t n;
    double mean, m2;
};

static void stddev_step(sqlite3_context *cx, int argc, sqlite3_value **argv)
{
    (void)argc;
    int t = sqlite3_value_type(argv[0]);
    if (t != SQLITE_INTEGER && t != SQLITE_FLOAT)
        return;
    struct welford *w = sqlite3_aggregate_context(cx, sizeof *w);
    if (!w)
        return;
    double x = sqlite3_value_double(argv[0]);
    w->n++;
    double delta = x - w->mean;
    w->mean += delta / (double)w->n;
    w->m2 += delta * (x - w->mean);
}

static void stddev_final(sqlite3_context *cx)
{
    struct welford *w = sqlite3_aggregate_context(cx, 0);
    if (!w || w->n < 2)
        sqlite3_result_null(cx);
    else
        sqlite3_result_double(cx, sqrt(w->m2 / (double)(w->n - 1)));
}

int sqlfunc_register(ctx *c)
{
    const int flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS;
    if (sqlite3_create_function(c->db, "edit_distance", 2, flags, NULL, sql_edit_distance, NULL, NULL) ||
        sqlite3_create_function(c->db, "stddev", 1, flags, NULL, NULL, stddev_step, stddev_final))
        return ctx_sqlite_error(c, "workspace functions");
    return 0;
}
