/* sqlfunc.c — SQL functions registered on the workspace connection. */
#include "sqlfunc.h"

#include <math.h>
#include <sqlite3.h>
#include <stdint.h>

#include "similar.h"
#include "strsim.h"

/* A measure between two texts: a similarity (real) or a distance (integer). */
struct text_measure {
    double (*similarity)(const char *a, const char *b);
    int (*distance)(const char *a, const char *b);
};

/* edit_distance(a, b): optimal-string-alignment distance, case-insensitive;
 * levenshtein(a, b): insertions, deletions and substitutions of code points,
 * case-sensitive; jaro(a, b), jaro_winkler(a, b): similarity in [0, 1] of the texts
 * as given (lower() or trim() them in SQL to fold).  NULL if either is NULL.  The
 * measure is the function's user data. */
static void sql_text_measure(sqlite3_context *cx, int argc, sqlite3_value **argv)
{
    (void)argc;
    const struct text_measure *m = sqlite3_user_data(cx);
    const char *a = (const char *)sqlite3_value_text(argv[0]);
    const char *b = (const char *)sqlite3_value_text(argv[1]);
    if (!a || !b)
        sqlite3_result_null(cx);
    else if (m->similarity)
        sqlite3_result_double(cx, m->similarity(a, b));
    else
        sqlite3_result_int(cx, m->distance(a, b));
}

static const struct text_measure measures[] = {
    {.distance = edit_distance},
    {.distance = strsim_levenshtein},
    {.similarity = strsim_jaro},
    {.similarity = strsim_jaro_winkler},
};
static const char *const measure_names[] = {"edit_distance", "levenshtein", "jaro", "jaro_winkler"};

/* soundex(s): the American Soundex code ("R163"); NULL for NULL or text without a
 * letter.  Replaces SQLite's own (compiled in only with SQLITE_SOUNDEX, and without
 * the H/W rule), so every build gives the same codes. */
static void sql_soundex(sqlite3_context *cx, int argc, sqlite3_value **argv)
{
    (void)argc;
    const unsigned char *s = sqlite3_value_text(argv[0]);
    char code[5];
    if (!s || !strsim_soundex((const char *)s, code))
        sqlite3_result_null(cx);
    else
        sqlite3_result_text(cx, code, 4, SQLITE_TRANSIENT);
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
    for (size_t i = 0; i < sizeof measures / sizeof measures[0]; i++)
        if (sqlite3_create_function(c->db, measure_names[i], 2, flags, (void *)&measures[i], sql_text_measure,
                                    NULL, NULL))
            return ctx_sqlite_error(c, "workspace functions");
    if (sqlite3_create_function(c->db, "soundex", 1, flags, NULL, sql_soundex, NULL, NULL) ||
        sqlite3_create_function(c->db, "stddev", 1, flags, NULL, NULL, stddev_step, stddev_final))
        return ctx_sqlite_error(c, "workspace functions");
    return 0;
}
