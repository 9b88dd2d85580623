/* colstats.h — the figures and the histogram of one column, for the workbench's
 * column view.
 *
 * The figures are describe's (rows, non-null, null %, distinct, min, max, mean,
 * stddev), computed by SQL for one column, over the rows a filter lets through.
 * The histogram has equal-width bins for numbers and dates (whole-number bins for
 * integers, whole days for dates) and the most common values, with the rest counted
 * together, for anything else. */
#ifndef PERSONA_COLSTATS_H
#define PERSONA_COLSTATS_H

#include <stdint.h>

#include "ctx.h"

struct colstats {
    int64_t rows, non_null, distinct;
    char *min, *max;        /* as text; NULL when there are no values */
    int has_mean;           /* some value is a number */
    double mean;
    int has_stddev;         /* at least two numbers */
    double stddev;
    int numeric;            /* every value is a number */
    int integer;            /* every value is an integer */
    int dates;              /* every value is a date (YYYY-MM-DD…) */
};

struct histogram_bar {
    char *label;
    int64_t count;
};

struct histogram {
    int n;
    struct histogram_bar *bars;
    int64_t other;          /* values outside the bars (the less common values) */
    int top_values;         /* bars are the most common values, not bins */
};

/* Computes the figures of column of source (SQL naming a table: "main"."t") over
 * the rows where filter holds (NULL: all).  Free with colstats_free().  Returns 0,
 * or -1 with c->err set. */
int colstats_compute(ctx *c, const char *source, const char *column, const char *filter,
                     struct colstats *s);
void colstats_free(struct colstats *s);

/* At most nbars bars for the column whose figures are s.  Free with
 * histogram_free().  Returns 0, or -1 with c->err set. */
int colstats_histogram(ctx *c, const char *source, const char *column, const char *filter,
                       const struct colstats *s, int nbars, struct histogram *h);
void histogram_free(struct histogram *h);

#endif
