/* grid.c — the grid view: a table, sorted, filtered and searched, a screenful at a
 * time.
 *
 * The grid holds only the rows on screen.  Moving past either edge fetches the rows
 * beyond it by key (browse.h), so scrolling costs the same on row 10 as on row
 * 10,000,000 and no row count is taken per keystroke.  The key column (or the
 * rowid, "#") stays at the left while the other columns scroll. */
#include <stdlib.h>
#include <string.h>

#include "browse.h"
#include "catalog.h"
#include "cmdwords.h"
#include "strbuf.h"
#include "wb.h"

enum { MAX_NATURAL = 200, HEADER_MAX = 16, MIN_CAP = 12 };

struct grid {
    struct browse *b;
    struct browse_row *rows;    /* the rows on screen, page of them allocated */
    int nrows;
    int page;                   /* rows the pane shows */
    int64_t top;                /* position (1-based) of rows[0] */
    int cur;                    /* cursor row, index into rows */
    int col;                    /* cursor column, index into order */
    int left;                   /* first scrolled column shown, index into order */
    int *order;                 /* display order → browse column (key first) */
    int *natural;               /* widest text seen, by browse column */
    int cap;                    /* widest a column is drawn, from the pane width */
    char *search;
    char *label, *label_filter; /* what the rows of this filter are ("segment X") */
};

struct grid *grid_new(void)
{
    struct grid *g = xcalloc(1, sizeof *g);
    g->page = 1;
    return g;
}

static void clear_rows(struct grid *g)
{
    if (g->b)
        browse_rows_free(g->rows, g->nrows, g->b->ncols);
    g->nrows = 0;
    g->cur = 0;
}

static void grid_free(void *state)
{
    struct grid *g = state;
    clear_rows(g);
    free(g->rows);
    browse_close(g->b);
    free(g->order);
    free(g->natural);
    free(g->search);
    free(g->label);
    free(g->label_filter);
    free(g);
}

const char *grid_table(const struct grid *g)
{
    return !g->b ? NULL : g->b->query ? "query" : g->b->relation;
}
const struct browse *grid_browse(const struct grid *g) { return g->b; }

const char *grid_filter_label(const struct grid *g)
{
    return g->b && g->b->filter && g->label && strcmp(g->b->filter, g->label_filter) == 0 ? g->label : NULL;
}
int grid_column(const struct grid *g) { return g->b && g->b->ncols ? g->order[g->col] : -1; }

int grid_step_column(struct grid *g, int delta)
{
    if (!g->b || !g->b->ncols)
        return -1;
    int k = g->col + delta;
    if (k >= 0 && k < g->b->ncols)
        g->col = k;
    return g->order[g->col];
}

const struct browse_row *grid_current(const struct grid *g, const char *const **cols, int *ncols)
{
    if (!g->b || g->nrows == 0)
        return NULL;
    *cols = (const char *const *)g->b->cols;
    *ncols = g->b->ncols;
    return &g->rows[g->cur];
}

/* Is the pinned column the table's key (1) or the rowid (0)? */
static int key_pinned(const struct grid *g) { return g->b->key >= 0; }

static void note_widths(struct grid *g, const struct browse_row *rows, int n)
{
    for (int r = 0; r < n; r++) {
        for (int i = 0; i < g->b->ncols; i++) {
            if (!rows[r].text[i])
                continue;
            int w = text_width(rows[r].text[i]);
            if (w > MAX_NATURAL)
                w = MAX_NATURAL;
            if (w > g->natural[i])
                g->natural[i] = w;
        }
    }
}

/* The width column i (browse index) is drawn at. */
static int col_width(const struct grid *g, int i)
{
    int hw = text_width(g->b->cols[i]) + (g->b->sort == i ? 2 : 0);
    if (hw > HEADER_MAX)
        hw = HEADER_MAX;
    int w = g->natural[i] > hw ? g->natural[i] : hw;
    if (w < 4)
        w = 4;      /* room for "NULL" */
    return w > g->cap ? g->cap : w;
}

static int fetch(struct wb *w, struct grid *g, int64_t after, int dir, int n, struct browse_row *out)
{
    int got = browse_fetch(g->b, after, dir, n, out);
    if (got < 0) {
        wb_message(w, 1, "%s", wb_ctx(w)->err);
        return 0;
    }
    note_widths(g, out, got);
    return got;
}

/* In an ordered browse the key is the position: take it from the rows. */
static void sync_top(struct grid *g)
{
    if (g->b->ordered && g->nrows)
        g->top = g->rows[0].key;
}

/* Fills the screen with the rows after key `after`, the first at position pos;
 * near the end, earlier rows fill what is left. */
static void load_after(struct wb *w, struct grid *g, int64_t after, int64_t pos)
{
    clear_rows(g);
    g->nrows = fetch(w, g, after, 1, g->page, g->rows);
    g->top = pos;
    if (g->nrows < g->page) {
        int64_t before = g->nrows ? g->rows[0].key : BROWSE_LAST;
        int want = g->page - g->nrows;
        struct browse_row *extra = xcalloc((size_t)want, sizeof *extra);
        int got = fetch(w, g, before, -1, want, extra);
        memmove(g->rows + got, g->rows, (size_t)g->nrows * sizeof *g->rows);
        memcpy(g->rows, extra, (size_t)got * sizeof *extra);
        free(extra);
        g->nrows += got;
        g->top = g->nrows ? g->b->total - g->nrows + 1 : 1;
    }
    sync_top(g);
}

/* Moves the cursor by delta rows, fetching beyond the screen's rows as needed. */
static void move_rows(struct wb *w, struct grid *g, int delta)
{
    if (g->nrows == 0)
        return;
    int64_t target = g->top + g->cur + delta;
    int want = 0, dir = 0;
    if (g->cur + delta >= g->nrows) {
        want = g->cur + delta - (g->nrows - 1);
        dir = 1;
    } else if (g->cur + delta < 0) {
        want = -(g->cur + delta);
        dir = -1;
    }
    if (want > g->page)
        want = g->page;
    if (dir) {
        struct browse_row *extra = xcalloc((size_t)want, sizeof *extra);
        int got = fetch(w, g, dir > 0 ? g->rows[g->nrows - 1].key : g->rows[0].key, dir, want, extra);
        int drop = g->nrows + got - g->page;
        if (drop < 0)
            drop = 0;
        if (dir > 0) {          /* drop from the top, append */
            browse_rows_free(g->rows, drop, g->b->ncols);
            memmove(g->rows, g->rows + drop, (size_t)(g->nrows - drop) * sizeof *g->rows);
            memcpy(g->rows + g->nrows - drop, extra, (size_t)got * sizeof *extra);
            g->top += drop;
        } else {                /* drop from the bottom, prepend */
            browse_rows_free(g->rows + g->nrows - drop, drop, g->b->ncols);
            memmove(g->rows + got, g->rows, (size_t)(g->nrows - drop) * sizeof *g->rows);
            memcpy(g->rows, extra, (size_t)got * sizeof *extra);
            g->top -= got;
        }
        g->nrows += got - drop;
        free(extra);
        sync_top(g);
    }
    int64_t cur = target - g->top;
    g->cur = cur < 0 ? 0 : cur >= g->nrows ? g->nrows - 1 : (int)cur;
}

void grid_move(struct wb *w, struct grid *g, int delta) { move_rows(w, g, delta); }

static void go_first(struct wb *w, struct grid *g)
{
    load_after(w, g, BROWSE_FIRST, 1);
    g->cur = 0;
}

static void go_last(struct wb *w, struct grid *g)
{
    clear_rows(g);
    g->nrows = fetch(w, g, BROWSE_LAST, -1, g->page, g->rows);
    g->top = g->b->total - g->nrows + 1;
    sync_top(g);
    g->cur = g->nrows ? g->nrows - 1 : 0;
}

/* Shows the row with this key a third of the way down, the cursor on it. */
static void go_key(struct wb *w, struct grid *g, int64_t key, int64_t pos)
{
    clear_rows(g);
    int before = fetch(w, g, key, -1, g->page / 3, g->rows);
    int after = fetch(w, g, key - 1, 1, g->page - before, g->rows + before);
    g->nrows = before + after;
    g->top = pos - before;
    sync_top(g);
    g->cur = before;
}

static void reset_layout(struct grid *g)
{
    free(g->order);
    free(g->natural);
    int n = g->b->ncols;
    g->order = xcalloc((size_t)n + 1, sizeof *g->order);
    g->natural = xcalloc((size_t)n + 1, sizeof *g->natural);

    int k = 0;
    if (g->b->key >= 0)
        g->order[k++] = g->b->key;
    for (int i = 0; i < n; i++)
        if (i != g->b->key)
            g->order[k++] = i;
    g->col = g->left = 0;
}

/* Shows b (owned from now on; NULL: nothing) from its first row. */
static void grid_show(struct wb *w, struct grid *g, struct browse *b)
{
    clear_rows(g);
    browse_close(g->b);
    g->b = b;
    free(g->search);
    g->search = NULL;
    free(g->label);
    free(g->label_filter);
    g->label = g->label_filter = NULL;
    if (!b)
        return;
    reset_layout(g);
    g->rows = xrealloc(g->rows, (size_t)(g->page + 1) * sizeof *g->rows);
    go_first(w, g);
}

/* Opens a table, or a query when query is set. */
static int grid_open_as(struct wb *w, struct grid *g, const char *what, int query)
{
    struct browse *b = NULL;
    if (what) {
        wb_busy(w, query ? "running the query" : "opening");
        b = query ? browse_open_query(wb_ctx(w), what) : browse_open(wb_ctx(w), what);
        wb_idle(w);
        if (!b) {
            wb_message(w, 1, "%s", wb_ctx(w)->err);
            return -1;
        }
    }
    grid_show(w, g, b);
    return 0;
}

int grid_open(struct wb *w, struct grid *g, const char *table) { return grid_open_as(w, g, table, 0); }
int grid_open_query(struct wb *w, struct grid *g, const char *query) { return grid_open_as(w, g, query, 1); }

int grid_open_filtered(struct wb *w, struct grid *g, const char *table, const char *filter, const char *what)
{
    if (grid_open(w, g, table) != 0)
        return -1;
    wb_busy(w, "filtering");
    int rc = browse_set_view(g->b, -1, 0, filter);
    wb_idle(w);
    if (rc) {
        wb_message(w, 1, "%s: %s", what, wb_ctx(w)->err);
        return -1;
    }
    go_first(w, g);
    g->label = xstrdup(what);
    g->label_filter = xstrdup(g->b->filter);
    char n[32];
    wb_message(w, 0, "%s: %s %s of %s (F shows all its rows)", what, fmt_count(g->b->total, n, sizeof n),
               g->b->total == 1 ? "row" : "rows", table);
    return 0;
}

/* After a command the table is read again: the same sort, filter, search and
 * column if they still make sense, and the same rows on screen — by position when
 * ordered, else from the same rowid on. */
void grid_reload(struct wb *w, struct grid *g)
{
    if (!g->b)
        return;
    char *table = xstrdup(g->b->relation);
    char *filter = g->b->filter ? xstrdup(g->b->filter) : NULL;
    char *sort_name = g->b->sort >= 0 ? xstrdup(g->b->cols[g->b->sort]) : NULL;
    char *col_name = g->b->ncols ? xstrdup(g->b->cols[g->order[g->col]]) : NULL;
    char *search = g->search ? xstrdup(g->search) : NULL;
    char *label = g->label, *label_filter = g->label_filter;
    g->label = g->label_filter = NULL;
    int desc = g->b->desc, left = g->left, cur = g->cur;
    int64_t top = g->top, top_key = g->nrows ? g->rows[0].key : BROWSE_FIRST;
    int query = g->b->query;
    if (grid_open_as(w, g, table, query) != 0) {
        if (!query)
            wb_message(w, 1, "the table %s is gone", table);
        grid_open(w, g, NULL);
    } else {
        int s = -1;
        for (int k = 0; k < g->b->ncols; k++) {
            const char *name = g->b->cols[g->order[k]];
            if (sort_name && strcmp(name, sort_name) == 0)
                s = g->order[k];
            if (col_name && strcmp(name, col_name) == 0) {
                g->col = k;
                g->left = left < g->b->ncols ? left : 0;
            }
        }
        if ((s >= 0 || filter) && browse_set_view(g->b, s, desc, filter) != 0)
            wb_message(w, 1, "%s", wb_ctx(w)->err);
        g->search = search;
        search = NULL;
        g->label = label;
        g->label_filter = label_filter;
        label = label_filter = NULL;
        if (g->b->ordered && top <= g->b->total)
            load_after(w, g, top - 1, top);
        else if (!g->b->ordered && top_key != BROWSE_FIRST)
            load_after(w, g, top_key - 1, browse_position(g->b, top_key - 1) + 1);
        else
            go_first(w, g);
        g->cur = cur < g->nrows ? cur : g->nrows ? g->nrows - 1 : 0;
    }
    free(table);
    free(filter);
    free(sort_name);
    free(col_name);
    free(search);
    free(label);
    free(label_filter);
}

void grid_position(const struct grid *g, char *buf, size_t size)
{
    if (!g->b) {
        buf[0] = '\0';
        return;
    }
    char n[32], m[32];
    if (g->nrows == 0)
        snprintf(buf, size, "no rows");
    else
        snprintf(buf, size, "row %s of %s", fmt_count(g->top + g->cur, n, sizeof n),
                 fmt_count(g->b->total, m, sizeof m));
}

/* ---- drawing ---- */

/* Width of the pinned column: the key column, or the rowids on screen. */
static int pinned_width(const struct grid *g)
{
    if (key_pinned(g))
        return col_width(g, g->order[0]);
    int w = 1;
    for (int r = 0; r < g->nrows; r++) {
        char buf[32];
        int k = snprintf(buf, sizeof buf, "%lld", (long long)g->rows[r].rowid);
        if (k > w)
            w = k;
    }
    return w;
}

static void draw_title(struct grid *g, struct rect r)
{
    char total[32], all[32];
    struct strbuf t = {0};
    if (grid_filter_label(g))
        strbuf_printf(&t, " — %s of %s %s: %s", fmt_count(g->b->total, total, sizeof total),
                      fmt_count(g->b->all, all, sizeof all), g->b->all == 1 ? "row" : "rows", g->label);
    else if (g->b->filter)
        strbuf_printf(&t, " — %s of %s %s where %s", fmt_count(g->b->total, total, sizeof total),
                      fmt_count(g->b->all, all, sizeof all), g->b->all == 1 ? "row" : "rows", g->b->filter);
    else
        strbuf_printf(&t, " — %s %s", fmt_count(g->b->total, total, sizeof total),
                      g->b->total == 1 ? "row" : "rows");
    if (g->b->sort >= 0)
        strbuf_printf(&t, ", sorted by %s %s", g->b->cols[g->b->sort], g->b->desc ? "↓" : "↑");
    if (g->b->query)
        strbuf_printf(&t, ": %s", g->b->relation);
    draw_fill(r.y, r.x, r.w, theme(T_NORMAL));
    int x = draw_text(r.y, r.x, r.w, grid_table(g), -1, theme(T_TITLE), 1);
    draw_text(r.y, r.x + x, r.w - x, strbuf_str(&t), -1, theme(T_DIM), 1);
    strbuf_free(&t);
}

/* Whether cell (row, browse column i) holds the search term. */
static int matches(const struct grid *g, const struct browse_row *row, int i)
{
    return g->search && *g->search && browse_match_column(g->b, row, g->search, i) == i;
}

static void draw_value(struct grid *g, int y, int x, int width, const struct browse_row *row, int i,
                       attr_t base, int is_cursor)
{
    const char *text = row->text[i];
    attr_t a = base;
    if (is_cursor)
        a = theme(T_CELL_CUR);
    else if (matches(g, row, i))
        a = theme(T_MATCH);
    else if (!text && base == theme(T_NORMAL))
        a = theme(T_NULL);
    draw_cell(y, x, width, text ? text : "NULL", text ? row->number[i] : g->b->numeric[i], a);
}

/* The header label of browse column i, with the sort arrow. */
static void header_label(const struct grid *g, int i, char *buf, size_t size)
{
    if (g->b->sort == i)
        snprintf(buf, size, "%s %s", g->b->cols[i], g->b->desc ? "↓" : "↑");
    else
        snprintf(buf, size, "%s", g->b->cols[i]);
}

/* Scrolls the columns so the cursor column is in view. */
static void scroll_columns(struct grid *g, int avail)
{
    int first = key_pinned(g) ? 1 : 0;
    if (g->col < first)
        return;
    if (g->left < first)
        g->left = first;
    if (g->col < g->left)
        g->left = g->col;
    for (;;) {      /* move left on until the cursor column ends inside the pane */
        int used = 0;
        for (int k = g->left; k <= g->col; k++)
            used += col_width(g, g->order[k]) + 1;
        if (used - 1 <= avail || g->left == g->col)
            break;
        g->left++;
    }
}

static void draw_grid(struct wb *w, struct view *v, struct rect r)
{
    (void)w;
    struct grid *g = v->state;
    for (int y = r.y; y < r.y + r.h; y++)
        draw_fill(y, r.x, r.w, theme(T_NORMAL));
    if (!g->b) {
        draw_text(r.y + 1, r.x + 2, r.w - 4, "No tables yet.", -1, theme(T_TITLE), 1);
        draw_text(r.y + 3, r.x + 2, r.w - 4, "Load a CSV file:  :load customers.csv key=customer_id", -1,
                  theme(T_NORMAL), 1);
        draw_text(r.y + 4, r.x + 2, r.w - 4, "(Tab completes commands, options and paths)", -1,
                  theme(T_DIM), 1);
        draw_text(r.y + 6, r.x + 2, r.w - 4, "? shows the keys and the commands.", -1, theme(T_NORMAL), 1);
        return;
    }
    int page = r.h - 2;
    if (page < 1)
        page = 1;
    if (page != g->page) {      /* the pane changed size: refill from the top row */
        int64_t top_key = g->nrows ? g->rows[0].key : BROWSE_FIRST;
        int64_t top = g->top;
        int cur = g->cur;
        clear_rows(g);
        g->page = page;
        g->rows = xrealloc(g->rows, (size_t)(page + 1) * sizeof *g->rows);
        load_after(w, g, top_key == BROWSE_FIRST ? top_key : top_key - 1, top);
        g->cur = cur < g->nrows ? cur : g->nrows ? g->nrows - 1 : 0;
    }
    g->cap = (r.w - 2) / 2 > MIN_CAP ? (r.w - 2) / 2 : MIN_CAP;
    draw_title(g, r);
    int pw = pinned_width(g);
    if (pw > r.w / 2)
        pw = r.w / 2;
    int x0 = r.x + pw + 1;          /* after the pinned column and its rule */
    int avail = r.x + r.w - x0;
    scroll_columns(g, avail);
    int hy = r.y + 1;
    char label[256];
    /* the pinned column */
    if (key_pinned(g)) {
        header_label(g, g->order[0], label, sizeof label);
        draw_cell(hy, r.x, pw, label, 0, theme(g->col == 0 ? T_HEADER_CUR : T_HEADER));
    } else {
        draw_cell(hy, r.x, pw, "#", 1, theme(T_HEADER));
    }
    for (int i = 0; i < g->nrows; i++) {
        const struct browse_row *row = &g->rows[i];
        int y = hy + 1 + i, here = i == g->cur;
        attr_t base = here ? theme(T_ROW_CUR) : theme(T_NORMAL);
        if (here)
            draw_fill(y, r.x, r.w, base);
        if (key_pinned(g)) {
            draw_value(g, y, r.x, pw, row, g->order[0], here ? base : theme(T_KEY_COL), here && g->col == 0);
        } else {
            char id[32];
            snprintf(id, sizeof id, "%lld", (long long)row->rowid);
            draw_cell(y, r.x, pw, id, 1, here ? base : theme(T_DIM));
        }
    }
    mvvline(hy, r.x + pw, ACS_VLINE, r.h - 1);
    /* the scrolled columns */
    int first = key_pinned(g) ? 1 : 0;
    int x = x0, k;
    for (k = g->left > first ? g->left : first; k < g->b->ncols && x < r.x + r.w; k++) {
        int i = g->order[k];
        int cw = col_width(g, i);
        int room = r.x + r.w - x;
        if (room < cw && room < 6)  /* a sliver of a column says nothing */
            break;
        int dw = cw < room ? cw : room;
        header_label(g, i, label, sizeof label);
        draw_cell(hy, x, dw, label, 0, theme(k == g->col ? T_HEADER_CUR : T_HEADER));
        for (int j = 0; j < g->nrows; j++) {
            int here = j == g->cur;
            draw_value(g, hy + 1 + j, x, dw, &g->rows[j], i, here ? theme(T_ROW_CUR) : theme(T_NORMAL),
                       here && k == g->col);
        }
        x += cw + 1;
    }
    /* more columns either side */
    if (g->left > first)        /* on the rule: the first column shown is not cut */
        draw_text(hy, x0 - 1, 1, "<", 1, theme(T_HEADER_CUR), 0);
    if (k < g->b->ncols || x - 1 > r.x + r.w)
        draw_text(hy, r.x + r.w - 1, 1, ">", 1, theme(T_HEADER_CUR), 0);
    if (g->nrows == 0)
        draw_text(hy + 2, x0 + 1, avail - 2, g->b->filter ? "no rows match the filter (F clears it)" : "the table is empty",
                  -1, theme(T_DIM), 1);
}

/* ---- actions ---- */

static struct grid *the_grid(struct wb *w)
{
    struct view *v = wb_top(w);
    return v && v->ops == &grid_ops ? v->state : NULL;
}

static int apply_view(struct wb *w, struct grid *g, int sort, int desc, const char *filter, const char *doing)
{
    wb_busy(w, doing);
    int rc = browse_set_view(g->b, sort, desc, filter);
    wb_idle(w);
    if (rc) {
        wb_message(w, 1, "%s", wb_ctx(w)->err);
        return -1;
    }
    go_first(w, g);
    return 0;
}

static void sort_by(struct wb *w, struct grid *g, int desc)
{
    int i = g->order[g->col];
    if (g->b->sort == i && g->b->desc == desc)     /* again: back to the table's order */
        i = -1;
    if (apply_view(w, g, i, desc, g->b->filter, "sorting") != 0)
        return;
    if (g->b->sort >= 0)
        wb_message(w, 0, "sorted by %s %s", g->b->cols[i], desc ? "descending" : "ascending");
    else
        wb_message(w, 0, "unsorted");
}

static void filter_done(struct wb *w, const char *line)
{
    struct grid *g = the_grid(w);
    if (!g || !g->b)
        return;
    if (apply_view(w, g, g->b->sort, g->b->desc, line, "filtering") != 0)
        return;
    char n[32];
    if (g->b->filter)
        wb_message(w, 0, "%s %s", fmt_count(g->b->total, n, sizeof n), g->b->total == 1 ? "row matches" : "rows match");
}

/* The next cell (dir > 0) or the previous one holding the search term: first on
 * this row, then the rows beyond. */
static void search_step(struct wb *w, struct grid *g, int dir)
{
    if (!g->search || !*g->search) {
        wb_message(w, 1, "no search yet: / searches");
        return;
    }
    if (g->nrows == 0)
        return;
    const struct browse_row *row = &g->rows[g->cur];
    for (int k = g->col + dir; k >= 0 && k < g->b->ncols; k += dir) {
        if (matches(g, row, g->order[k])) {
            g->col = k;
            return;
        }
    }
    int64_t key;
    int wrapped;
    wb_busy(w, "searching");
    int found = browse_search(g->b, g->search, row->key, dir, &key, &wrapped);
    int64_t pos = found > 0 ? browse_position(g->b, key) : 0;
    wb_idle(w);
    if (found < 0) {
        wb_message(w, 1, "%s", wb_ctx(w)->err);
        return;
    }
    if (found == 0) {
        wb_message(w, 1, "not found: %s", g->search);
        return;
    }
    go_key(w, g, key, pos);
    row = &g->rows[g->cur];
    for (int k = dir > 0 ? 0 : g->b->ncols - 1; k >= 0 && k < g->b->ncols; k += dir) {
        if (matches(g, row, g->order[k])) {
            g->col = k;
            break;
        }
    }
    char n[32];
    wb_message(w, 0, "%s%s: row %s", wrapped ? (dir > 0 ? "wrapped to the top — " : "wrapped to the bottom — ") : "",
               g->search, fmt_count(pos, n, sizeof n));
}

static void search_done(struct wb *w, const char *line)
{
    struct grid *g = the_grid(w);
    if (!g || !g->b || !*line)
        return;
    free(g->search);
    g->search = xstrdup(line);
    search_step(w, g, 1);
}

/* R: the review of the dedupe results this table has or is. */
static void review(struct wb *w, struct grid *g)
{
    char *table = g->b->query ? NULL : catalog_dedupe_table(wb_ctx(w), g->b->relation);
    if (!table) {
        wb_message(w, 1, "R reviews the pairs of a dedupe run: open a table that has one, or its _matches table");
        return;
    }
    struct strbuf line = {0};
    strbuf_puts(&line, "dedupe review ");
    cmdwords_quote(&line, table);
    review_view_open(w, strbuf_str(&line));
    strbuf_free(&line);
    free(table);
}

static int grid_key(struct wb *w, struct view *v, int ch)
{
    struct grid *g = v->state;
    if (!g->b)
        return 0;
    int last_col = g->b->ncols - 1;
    switch (ch) {
    case KEY_DOWN: case 'j': move_rows(w, g, 1); break;
    case KEY_UP: case 'k': move_rows(w, g, -1); break;
    case KEY_NPAGE: case ' ': case 6 /* ^F */: move_rows(w, g, g->page); break;
    case KEY_PPAGE: case 2 /* ^B */: move_rows(w, g, -g->page); break;
    case KEY_HOME: case 'g': go_first(w, g); break;
    case KEY_END: case 'G': go_last(w, g); break;
    case KEY_RIGHT: case 'l': grid_step_column(g, 1); break;
    case KEY_LEFT: case 'h': grid_step_column(g, -1); break;
    case '0': case '^': g->col = 0; break;
    case '$': g->col = last_col; break;
    case '\n': case '\r': case KEY_ENTER:
        if (g->nrows && !card_view_open(w, g))
            record_view_open(w, g);
        break;
    case 'R': review(w, g); break;
    case 'c':
        if (g->b->ncols)
            column_view_open(w, g, g->order[g->col]);
        break;
    case 's': sort_by(w, g, 0); break;
    case 'S': sort_by(w, g, 1); break;
    case 'f': {
        /* completion sees the filter as the WHERE of a query on this table */
        struct strbuf prefix = {0};
        strbuf_puts(&prefix, "sql SELECT * FROM ");
        if (g->b->query)
            strbuf_printf(&prefix, "(%s)", g->b->relation);
        else
            strbuf_put_ident(&prefix, g->b->relation);
        strbuf_puts(&prefix, " WHERE ");
        wb_prompt(w, LINE_FILTER, "filter where: ", g->b->filter, strbuf_str(&prefix), filter_done);
        strbuf_free(&prefix);
        break;
    }
    case 'F':
        if (g->b->filter) {
            if (apply_view(w, g, g->b->sort, g->b->desc, NULL, "clearing the filter") == 0)
                wb_message(w, 0, "filter cleared");
        }
        break;
    case '/': wb_prompt(w, LINE_SEARCH, "/", NULL, NULL, search_done); break;
    case 'n': search_step(w, g, 1); break;
    case 'N': search_step(w, g, -1); break;
    default: return 0;
    }
    return 1;
}

const struct view_ops grid_ops = {
    .name = "grid",
    .draw = draw_grid,
    .key = grid_key,
    .hints = "Enter record  c column  s/S sort  f filter  / search  : command  ? help  q quit",
    .free = grid_free,
};
