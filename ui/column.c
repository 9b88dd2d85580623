/* column.c — the column view: describe's figures for one column and its
 * histogram, over the rows the grid's filter lets through.  The numbers come from
 * colstats.c (SQL); this file only lays them out.  Left and Right step through the
 * columns. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "browse.h"
#include "cmdwords.h"
#include "colstats.h"
#include "strbuf.h"
#include "wb.h"

enum { FIGURE_WIDTH = 22, MAX_BARS = 20 };

struct column_view {
    struct grid *g;
    int col;                /* browse column */
    char *title;
    struct colstats s;
    struct histogram h;
    int ok;
};

static void compute(struct wb *w, struct column_view *cv)
{
    const struct browse *b = grid_browse(cv->g);
    colstats_free(&cv->s);
    histogram_free(&cv->h);
    free(cv->title);
    cv->title = NULL;
    cv->ok = 0;
    if (!b || cv->col < 0 || cv->col >= b->ncols)
        return;
    const char *name = b->cols[cv->col], *table = grid_table(cv->g);
    char n[32];
    struct strbuf title = {0};
    strbuf_printf(&title, "%s.%s%s%s — %s rows", table, name, *b->types[cv->col] ? " " : "", b->types[cv->col],
                  fmt_count(b->total, n, sizeof n));
    if (grid_filter_label(cv->g))
        strbuf_printf(&title, ": %s", grid_filter_label(cv->g));
    else if (b->filter)
        strbuf_printf(&title, " where %s", b->filter);
    cv->title = xstrdup(strbuf_str(&title));
    strbuf_free(&title);
    int nbars = LINES - 12;
    if (nbars > MAX_BARS)
        nbars = MAX_BARS;
    if (nbars < 3)
        nbars = 3;
    wb_busy(w, "computing the column's figures");
    int rc = colstats_compute(wb_ctx(w), b->source, name, b->filter, &cv->s);
    if (rc == 0)
        rc = colstats_histogram(wb_ctx(w), b->source, name, b->filter, &cv->s, nbars, &cv->h);
    wb_idle(w);
    if (rc)
        wb_message(w, 1, "%s", wb_ctx(w)->err);
    cv->ok = rc == 0;
}

/* One "label value" figure in a cell of the figures table. */
static void figure(struct rect r, int i, int per_row, const char *label, const char *value)
{
    int y = r.y + 2 + i / per_row, x = r.x + 1 + (i % per_row) * FIGURE_WIDTH;
    if (y >= r.y + r.h)
        return;
    draw_cell(y, x, 9, label, 0, theme(T_DIM));
    draw_cell(y, x + 9, FIGURE_WIDTH - 10, value ? value : "—", 1, theme(T_NORMAL));
}

static void draw_figures(struct column_view *cv, struct rect r, int *rows_used)
{
    const struct colstats *s = &cv->s;
    char rows[32], nn[32], nulls[32], distinct[32], mean[32] = "", sd[32] = "";
    fmt_count(s->rows, rows, sizeof rows);
    fmt_count(s->non_null, nn, sizeof nn);
    snprintf(nulls, sizeof nulls, "%.1f%%", s->rows ? 100.0 * (double)(s->rows - s->non_null) / (double)s->rows : 0);
    fmt_count(s->distinct, distinct, sizeof distinct);
    if (s->has_mean)
        snprintf(mean, sizeof mean, "%.6g", s->mean);
    if (s->has_stddev)
        snprintf(sd, sizeof sd, "%.6g", s->stddev);
    int per_row = (r.w - 2) / FIGURE_WIDTH;
    if (per_row < 1)
        per_row = 1;
    if (per_row > 4)
        per_row = 4;
    const char *labels[] = {"rows", "non-null", "null", "distinct", "min", "max", "mean", "stddev"};
    const char *values[] = {rows, nn, nulls, distinct, s->min, s->max, s->has_mean ? mean : NULL,
                            s->has_stddev ? sd : NULL};
    int n = 8;
    for (int i = 0; i < n; i++)
        figure(r, i, per_row, labels[i], values[i]);
    *rows_used = (n + per_row - 1) / per_row;
}

static void draw_histogram(struct column_view *cv, struct rect r, int y)
{
    const struct histogram *h = &cv->h;
    if (h->n == 0) {
        draw_text(y, r.x + 1, r.w - 2, "no values", -1, theme(T_DIM), 0);
        return;
    }
    if (h->top_values && cv->s.distinct == cv->s.non_null && cv->s.non_null > h->n) {
        char n[32];
        draw_fmt(y, r.x + 1, r.w - 2, theme(T_DIM), "every value is different (%s distinct values)",
                 fmt_count(cv->s.distinct, n, sizeof n));
        return;
    }
    draw_text(y++, r.x + 1, r.w - 2, h->top_values ? "most common values" : "histogram", -1, theme(T_TITLE), 0);
    int64_t max = 0;            /* bars scale to the largest bar; "other" has none */
    int labelw = h->other ? 14 : 0;
    for (int i = 0; i < h->n; i++) {
        int lw = text_width(h->bars[i].label ? h->bars[i].label : "NULL");
        if (lw > labelw)
            labelw = lw;
        if (h->bars[i].count > max)
            max = h->bars[i].count;
    }
    if (labelw > r.w / 3)
        labelw = r.w / 3;
    int countw = 16;        /* "1,234,567 12.3%" */
    int barw = r.w - labelw - countw - 4;
    int n = h->n + (h->other > 0);
    for (int i = 0; i < n && y < r.y + r.h; i++, y++) {
        const char *label = i < h->n ? h->bars[i].label : "(other values)";
        int64_t count = i < h->n ? h->bars[i].count : h->other;
        draw_cell(y, r.x + 1, labelw, label ? label : "NULL", !h->top_values, theme(i < h->n ? T_NORMAL : T_DIM));
        if (i < h->n)
            draw_bar(y, r.x + labelw + 2, barw, max ? (double)count / (double)max : 0, theme(T_HIST));
        char c[32], line[64];
        snprintf(line, sizeof line, "%s %5.1f%%", fmt_count(count, c, sizeof c),
                 cv->s.non_null ? 100.0 * (double)count / (double)cv->s.non_null : 0);
        draw_cell(y, r.x + r.w - countw - 1, countw, line, 1, theme(T_NORMAL));
    }
}

static void column_draw(struct wb *w, struct view *v, struct rect r)
{
    (void)w;
    struct column_view *cv = v->state;
    for (int y = r.y; y < r.y + r.h; y++)
        draw_fill(y, r.x, r.w, theme(T_NORMAL));
    if (!cv->title) {
        draw_text(r.y, r.x, r.w, "no column", -1, theme(T_DIM), 0);
        return;
    }
    draw_text(r.y, r.x, r.w, cv->title, -1, theme(T_TITLE), 1);
    if (!cv->ok)
        return;
    int used;
    draw_figures(cv, r, &used);
    draw_histogram(cv, r, r.y + 3 + used);
}

/* p: gnuplot's histogram of the column, in the plot view (the command says when
 * the column is not numeric). */
static void plot_column(struct wb *w, struct column_view *cv)
{
    const struct browse *b = grid_browse(cv->g);
    if (!b || cv->col < 0)
        return;
    if (b->query) {
        wb_message(w, 1, "p plots a table's column; this grid shows a query's rows");
        return;
    }
    struct strbuf line = {0};
    strbuf_puts(&line, "plot hist ");
    cmdwords_quote(&line, b->relation);
    strbuf_puts(&line, " column=");
    cmdwords_quote(&line, b->cols[cv->col]);
    if (b->filter) {
        strbuf_puts(&line, " where=");
        cmdwords_quote(&line, b->filter);
    }
    plot_view_open(w, strbuf_str(&line));
    strbuf_free(&line);
}

static int column_key(struct wb *w, struct view *v, int ch)
{
    struct column_view *cv = v->state;
    if (ch == 'p') {
        plot_column(w, cv);
        return 1;
    }
    int delta = ch == KEY_RIGHT || ch == 'l' ? 1 : ch == KEY_LEFT || ch == 'h' ? -1 : 0;
    if (!delta)
        return 0;
    int col = grid_step_column(cv->g, delta);     /* in the grid's order, key first */
    if (col != cv->col) {
        cv->col = col;
        compute(w, cv);
    }
    return 1;
}

static void column_free(void *state)
{
    struct column_view *cv = state;
    colstats_free(&cv->s);
    histogram_free(&cv->h);
    free(cv->title);
    free(cv);
}

static const struct view_ops column_ops = {
    .name = "column",
    .draw = column_draw,
    .key = column_key,
    .hints = "←→ previous/next column  p plot its histogram  Esc back",
    .free = column_free,
};

void column_view_open(struct wb *w, struct grid *g, int col)
{
    struct column_view *cv = xcalloc(1, sizeof *cv);
    cv->g = g;
    cv->col = col;
    wb_push(w, &column_ops, cv);
    compute(w, cv);
}
