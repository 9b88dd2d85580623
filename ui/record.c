/* record.c — the record view: every field of the grid's current row, long values
 * wrapped.  Left and Right step to the previous and next row. */
#include <stdlib.h>
#include <string.h>

#include "browse.h"
#include "utf8.h"
#include "strbuf.h"
#include "wb.h"

enum { NAME_MAX_WIDTH = 24 };

struct record_view {
    struct grid *g;
    int top;            /* first screen line shown */
    int lines;          /* screen lines the record took when last drawn */
    int page;
};

/* Calls line(arg, n, field, text, len) for the n-th screen line of the record
 * (field is -1 on a value's continuation lines): each value is split at its line
 * breaks and wrapped to width columns.  Returns the number of lines. */
static int layout(const struct browse_row *row, int ncols, int width,
                  void (*line)(void *arg, int n, int field, const char *s, size_t len), void *arg)
{
    int n = 0;
    for (int i = 0; i < ncols; i++) {
        const char *p = row->text[i];
        if (!p) {
            line(arg, n++, i, NULL, 0);
            continue;
        }
        int field = i;
        for (;;) {
            const char *end = p + strcspn(p, "\n");
            do {
                int w, cp;
                size_t fit = utf8_fit(p, (size_t)(end - p), width, &w);
                if (fit == 0 && p < end)    /* a character wider than the pane */
                    fit = utf8_decode(p, (size_t)(end - p), &cp);
                line(arg, n++, field, p, fit);
                field = -1;
                p += fit;
            } while (p < end);
            if (!*end)
                break;
            p = end + 1;
        }
    }
    return n;
}

struct draw_ctx {
    struct rect r;
    int top, namew;
    const char *const *cols;
};

static void draw_line(void *arg, int n, int field, const char *s, size_t len)
{
    struct draw_ctx *d = arg;
    int y = d->r.y + 1 + n - d->top;
    if (y <= d->r.y || y >= d->r.y + d->r.h)
        return;
    if (field >= 0)
        draw_cell(y, d->r.x + 1, d->namew, d->cols[field], 1, theme(T_HEADER));
    int x = d->r.x + d->namew + 3;
    if (!s)
        draw_text(y, x, d->r.w - (x - d->r.x), "NULL", -1, theme(T_NULL), 0);
    else
        draw_text(y, x, d->r.w - (x - d->r.x), s, (int)len, theme(T_NORMAL), 0);
}

static void count_line(void *arg, int n, int field, const char *s, size_t len)
{
    (void)arg, (void)n, (void)field, (void)s, (void)len;
}

static void record_draw(struct wb *w, struct view *v, struct rect r)
{
    (void)w;
    struct record_view *rv = v->state;
    for (int y = r.y; y < r.y + r.h; y++)
        draw_fill(y, r.x, r.w, theme(T_NORMAL));
    const char *const *cols;
    int ncols;
    const struct browse_row *row = grid_current(rv->g, &cols, &ncols);
    if (!row) {
        draw_text(r.y, r.x, r.w, "no row", -1, theme(T_DIM), 0);
        return;
    }
    char pos[96];
    grid_position(rv->g, pos, sizeof pos);
    draw_text(r.y, r.x, r.w, grid_table(rv->g), -1, theme(T_TITLE), 1);
    int tw = text_width(grid_table(rv->g));
    draw_fmt(r.y, r.x + tw, r.w - tw, theme(T_DIM), " — %s, rowid %lld", pos, (long long)row->rowid);
    struct draw_ctx d = {.r = r, .top = rv->top, .cols = cols};
    for (int i = 0; i < ncols; i++) {
        int nw = text_width(cols[i]);
        if (nw > d.namew)
            d.namew = nw;
    }
    if (d.namew > NAME_MAX_WIDTH)
        d.namew = NAME_MAX_WIDTH;
    if (d.namew > r.w / 3)
        d.namew = r.w / 3;
    int valw = r.w - d.namew - 3;
    rv->lines = layout(row, ncols, valw, count_line, NULL);
    rv->page = r.h - 1;
    if (rv->top > rv->lines - rv->page)
        rv->top = rv->lines - rv->page > 0 ? rv->lines - rv->page : 0;
    d.top = rv->top;
    int rule = rv->lines - rv->top < r.h - 1 ? rv->lines - rv->top : r.h - 1;
    mvvline(r.y + 1, r.x + d.namew + 2, ACS_VLINE, rule);
    layout(row, ncols, valw, draw_line, &d);
}

static int record_key(struct wb *w, struct view *v, int ch)
{
    struct record_view *rv = v->state;
    switch (ch) {
    case KEY_DOWN: case 'j': rv->top++; break;
    case KEY_UP: case 'k': if (rv->top > 0) rv->top--; break;
    case KEY_NPAGE: case ' ': rv->top += rv->page; break;
    case KEY_PPAGE: rv->top = rv->top > rv->page ? rv->top - rv->page : 0; break;
    case KEY_HOME: case 'g': rv->top = 0; break;
    case KEY_END: case 'G': rv->top = rv->lines; break;
    case KEY_RIGHT: case 'l': case 'n': grid_move(w, rv->g, 1); rv->top = 0; break;
    case KEY_LEFT: case 'h': case 'p': grid_move(w, rv->g, -1); rv->top = 0; break;
    default: return 0;
    }
    return 1;
}

static const struct view_ops record_ops = {
    .name = "record",
    .draw = record_draw,
    .key = record_key,
    .hints = "↑↓ scroll  ←→ previous/next row  Esc back",
    .free = free,
};

void record_view_open(struct wb *w, struct grid *g)
{
    struct record_view *rv = xcalloc(1, sizeof *rv);
    rv->g = g;
    wb_push(w, &record_ops, rv);
}
