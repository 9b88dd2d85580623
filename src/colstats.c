/* colstats.c — one column's figures and histogram, by SQL. */
#include "colstats.h"

#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"
#include "workspace.h"

/* " FROM source WHERE column IS NOT NULL AND (filter)" with the column quoted. */
static void from_where(struct strbuf *sql, const char *source, const char *column, const char *filter,
                       int non_null)
{
    strbuf_printf(sql, " FROM %s WHERE ", source);
    if (non_null) {
        strbuf_put_ident(sql, column);
        strbuf_puts(sql, " IS NOT NULL AND ");
    }
    strbuf_printf(sql, "(%s\n)", filter ? filter : "1");
}

static char *dup_text(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    return t ? xstrdup((const char *)t) : NULL;
}

int colstats_compute(ctx *c, const char *source, const char *column, const char *filter,
                     struct colstats *s)
{
    memset(s, 0, sizeof *s);
    struct strbuf col = {0}, sql = {0};
    strbuf_put_ident(&col, column);
    const char *x = strbuf_str(&col);
    /* a date reads as one and starts like one: julianday() alone also takes
     * plain numbers as day numbers */
    strbuf_printf(&sql,
                  "SELECT count(*), count(%s), count(DISTINCT %s), min(%s), max(%s), "
                  "avg(CASE WHEN typeof(%s) IN ('integer', 'real') THEN %s END), stddev(%s), "
                  "count(CASE WHEN typeof(%s) IN ('integer', 'real') THEN 1 END), "
                  "count(CASE WHEN typeof(%s) = 'integer' THEN 1 END), "
                  "count(CASE WHEN (typeof(%s)='text' AND %s GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]*' "
                  "AND julianday(%s) IS NOT NULL) THEN 1 END)",
                  x, x, x, x, x, x, x, x, x, x, x, x);
    from_where(&sql, source, column, filter, 0);
    sqlite3_stmt *st;
    int rc = prepare_sql(c, "column", strbuf_str(&sql), &st);
    strbuf_free(&sql);
    strbuf_free(&col);
    if (rc)
        return -1;
    if (sqlite3_step(st) != SQLITE_ROW) {
        rc = ctx_sqlite_error(c, "column");
        sqlite3_finalize(st);
        return rc;
    }
    s->rows = sqlite3_column_int64(st, 0);
    s->non_null = sqlite3_column_int64(st, 1);
    s->distinct = sqlite3_column_int64(st, 2);
    s->min = dup_text(st, 3);
    s->max = dup_text(st, 4);
    s->has_mean = sqlite3_column_type(st, 5) != SQLITE_NULL;
    s->mean = sqlite3_column_double(st, 5);
    s->has_stddev = sqlite3_column_type(st, 6) != SQLITE_NULL;
    s->stddev = sqlite3_column_double(st, 6);
    int64_t numbers = sqlite3_column_int64(st, 7), integers = sqlite3_column_int64(st, 8),
            dates = sqlite3_column_int64(st, 9);
    s->numeric = s->non_null > 0 && numbers == s->non_null;
    s->integer = s->non_null > 0 && integers == s->non_null;
    s->dates = s->non_null > 0 && dates == s->non_null;
    sqlite3_finalize(st);
    return 0;
}

void colstats_free(struct colstats *s)
{
    free(s->min);
    free(s->max);
    memset(s, 0, sizeof *s);
}

/* Runs sql, which gives (value, count) rows, into h's bars. */
static int histogram_rows(ctx *c, const char *sql, struct histogram *h)
{
    sqlite3_stmt *st;
    if (prepare_sql(c, "column", sql, &st))
        return -1;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        h->bars = xrealloc(h->bars, (size_t)(h->n + 1) * sizeof *h->bars);
        h->bars[h->n].label = dup_text(st, 0);
        h->bars[h->n++].count = sqlite3_column_int64(st, 1);
    }
    if (rc != SQLITE_DONE)
        ctx_sqlite_error(c, "column");
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

/* The most common values, the rest counted as other. */
static int top_values(ctx *c, const char *source, const char *column, const char *filter,
                      const struct colstats *s, int nbars, struct histogram *h)
{
    struct strbuf sql = {0};
    strbuf_puts(&sql, "SELECT ");
    strbuf_put_ident(&sql, column);
    strbuf_puts(&sql, ", count(*) AS n");
    from_where(&sql, source, column, filter, 1);
    strbuf_printf(&sql, " GROUP BY 1 ORDER BY n DESC, 1 LIMIT %d", nbars);
    h->top_values = 1;
    int rc = histogram_rows(c, strbuf_str(&sql), h);
    strbuf_free(&sql);
    h->other = s->non_null;
    for (int i = 0; i < h->n; i++)
        h->other -= h->bars[i].count;
    return rc;
}

/* The smallest and largest value of x (SQL) over the non-null rows. */
static int value_range(ctx *c, const char *x, const char *source, const char *column, const char *filter,
                       double *lo, double *hi)
{
    struct strbuf sql = {0};
    strbuf_printf(&sql, "SELECT min(%s), max(%s)", x, x);
    from_where(&sql, source, column, filter, 1);
    sqlite3_stmt *st;
    int rc = prepare_sql(c, "column", strbuf_str(&sql), &st);
    strbuf_free(&sql);
    if (rc)
        return -1;
    if (sqlite3_step(st) == SQLITE_ROW) {
        *lo = sqlite3_column_double(st, 0);
        *hi = sqlite3_column_double(st, 1);
    } else {
        rc = ctx_sqlite_error(c, "column");
    }
    sqlite3_finalize(st);
    return rc;
}

/* Labels bin [a, b): a range of numbers, of whole numbers, or of days (julian day
 * numbers, bins starting at midnight). */
static int bin_label(ctx *c, const struct colstats *s, double a, double b, int whole, char *label,
                     size_t size)
{
    if (!s->dates) {
        if (!whole)
            snprintf(label, size, "%.4g – %.4g", a, b);
        else if (b - a <= 1)
            snprintf(label, size, "%.0f", a);
        else
            snprintf(label, size, "%.0f – %.0f", a, b - 1);
        return 0;
    }
    sqlite3_stmt *st;
    if (prepare_sql(c, "column", "SELECT date(?1), date(?2)", &st))
        return -1;
    sqlite3_bind_double(st, 1, a + 0.5);
    sqlite3_bind_double(st, 2, b - 0.5);
    int rc = 0;
    if (sqlite3_step(st) != SQLITE_ROW) {
        rc = ctx_sqlite_error(c, "column");
    } else {
        const char *first = (const char *)sqlite3_column_text(st, 0);
        const char *last = (const char *)sqlite3_column_text(st, 1);
        if (b - a <= 1)
            snprintf(label, size, "%s", first ? first : "");
        else
            snprintf(label, size, "%s – %s", first ? first : "", last ? last : "");
    }
    sqlite3_finalize(st);
    return rc;
}

/* Counts the values of x (SQL) into bins of the given width from lo. */
static int bin_counts(ctx *c, const char *x, const char *source, const char *column, const char *filter,
                      double lo, double width, struct histogram *h)
{
    struct strbuf sql = {0};
    strbuf_printf(&sql, "SELECT min(CAST((%s - ?1) / ?2 AS INTEGER), %d), count(*)", x, h->n - 1);
    from_where(&sql, source, column, filter, 1);
    strbuf_puts(&sql, " GROUP BY 1");
    sqlite3_stmt *st;
    int rc = prepare_sql(c, "column", strbuf_str(&sql), &st);
    strbuf_free(&sql);
    if (rc)
        return -1;
    sqlite3_bind_double(st, 1, lo);
    sqlite3_bind_double(st, 2, width);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        int bin = sqlite3_column_int(st, 0);
        if (bin >= 0 && bin < h->n)
            h->bars[bin].count += sqlite3_column_int64(st, 1);
    }
    rc = rc == SQLITE_DONE ? 0 : ctx_sqlite_error(c, "column");
    sqlite3_finalize(st);
    return rc;
}

int colstats_histogram(ctx *c, const char *source, const char *column, const char *filter,
                       const struct colstats *s, int nbars, struct histogram *h)
{
    memset(h, 0, sizeof *h);
    if (nbars < 1 || s->non_null == 0)
        return 0;
    if (!s->numeric && !s->dates)
        return top_values(c, source, column, filter, s, nbars, h);

    struct strbuf x = {0};      /* the value as a number */
    if (s->dates)
        strbuf_puts(&x, "julianday(");
    strbuf_put_ident(&x, column);
    if (s->dates)
        strbuf_puts(&x, ")");
    double lo = 0, hi = 0;
    int rc = value_range(c, strbuf_str(&x), source, column, filter, &lo, &hi);
    /* whole-number bins for integers and days, so no bin straddles a value */
    int whole = s->integer || s->dates;
    if (s->dates) {
        lo = floor(lo + 0.5) - 0.5;     /* julian days start at noon */
        hi = floor(hi + 0.5) + 0.5;
    } else if (whole) {
        hi += 1;
    }
    double span = hi - lo, width = span / nbars;
    if (whole) {
        width = width < 1 ? 1 : ceil(width);
        nbars = (int)ceil(span / width);
    }
    if (span <= 0) {
        width = 1;
        nbars = 1;
    }
    if (rc == 0) {
        h->n = nbars;
        h->bars = xcalloc((size_t)nbars, sizeof *h->bars);
    }
    for (int i = 0; i < h->n && rc == 0; i++) {
        double a = lo + i * width, b = i == nbars - 1 ? hi : a + width;
        char label[96];
        rc = bin_label(c, s, a, b, whole, label, sizeof label);
        h->bars[i].label = xstrdup(rc ? "" : label);
    }
    if (rc == 0)
        rc = bin_counts(c, strbuf_str(&x), source, column, filter, lo, width, h);
    strbuf_free(&x);
    return rc;
}

void histogram_free(struct histogram *h)
{
    for (int i = 0; i < h->n; i++)
        free(h->bars[i].label);
    free(h->bars);
    memset(h, 0, sizeof *h);
}
