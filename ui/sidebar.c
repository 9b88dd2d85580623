/* sidebar.c — the workspace beside the views: tables, then what Persona made of
 * them — segments, models and experiments — each with its count, read from the
 * catalog (catalog.h) once per change, never per frame.  A section shows only when
 * it has entries; a clustering's segments ("cust_k5/…") sit under their model's name.
 *
 * Enter opens an entry where it is best seen: a table or a model's result table in
 * the grid, a segment as its source table filtered to the members (so sorting,
 * searching and the profile card work on them), an experiment by running its last
 * abtest again.  p plots a model, or an experiment's lifts. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "browse.h"
#include "catalog.h"
#include "cmdwords.h"
#include "strbuf.h"
#include "wb.h"

enum row_kind { ROW_HEADING, ROW_GROUP, ROW_ITEM };

struct row {
    enum row_kind kind;
    int item;               /* ROW_ITEM: the catalog entry */
    const char *label;      /* what is drawn (points into the catalog or static) */
    int label_len;          /* bytes of label, -1: all */
    int indent;
};

struct sidebar {
    struct catalog cat;
    struct row *rows;
    int nrows;
    int sel;                /* the selected row (always an item), or -1 */
    int top;                /* the first row shown */
    char *fresh;            /* the table the last load found new */
};

static const char *const headings[CATALOG_KINDS] = {"Tables", "Segments", "Models", "Experiments"};

struct sidebar *sidebar_new(void)
{
    struct sidebar *s = xcalloc(1, sizeof *s);
    s->sel = -1;
    return s;
}

void sidebar_free(struct sidebar *s)
{
    catalog_free(&s->cat);
    free(s->rows);
    free(s->fresh);
    free(s);
}

static void add_row(struct sidebar *s, enum row_kind kind, int item, const char *label, int len, int indent)
{
    s->rows = xrealloc(s->rows, (size_t)(s->nrows + 1) * sizeof *s->rows);
    s->rows[s->nrows++] = (struct row){kind, item, label, len, indent};
}

/* The rows: a heading per section that has entries; segments named "model/label"
 * grouped under "model/". */
static void lay_out(struct sidebar *s)
{
    free(s->rows);
    s->rows = NULL;
    s->nrows = 0;
    enum catalog_kind section = CATALOG_KINDS;
    const char *group = NULL;
    int group_len = 0;
    add_row(s, ROW_HEADING, -1, headings[CATALOG_TABLE], -1, 0);
    for (int i = 0; i < s->cat.n; i++) {
        const struct catalog_item *it = &s->cat.items[i];
        if (it->kind != section && it->kind != CATALOG_TABLE)
            add_row(s, ROW_HEADING, -1, headings[it->kind], -1, 0);
        section = it->kind;
        const char *slash = it->kind == CATALOG_SEGMENT ? strchr(it->name, '/') : NULL;
        if (!slash) {
            group = NULL;
            add_row(s, ROW_ITEM, i, it->name, -1, 0);
            continue;
        }
        int len = (int)(slash - it->name) + 1;
        if (!group || len != group_len || strncmp(group, it->name, (size_t)len) != 0) {
            group = it->name;
            group_len = len;
            add_row(s, ROW_GROUP, -1, it->name, len, 0);
        }
        add_row(s, ROW_ITEM, i, slash + 1, -1, 2);
    }
}

static const struct catalog_item *selected(const struct sidebar *s)
{
    return s->sel >= 0 && s->sel < s->nrows ? &s->cat.items[s->rows[s->sel].item] : NULL;
}

/* The item row of entry (kind, name), or -1. */
static int find_row(const struct sidebar *s, enum catalog_kind kind, const char *name)
{
    for (int r = 0; r < s->nrows; r++) {
        const struct row *row = &s->rows[r];
        if (row->kind == ROW_ITEM && s->cat.items[row->item].kind == kind &&
            strcmp(s->cat.items[row->item].name, name) == 0)
            return r;
    }
    return -1;
}

static int first_item(const struct sidebar *s)
{
    for (int r = 0; r < s->nrows; r++)
        if (s->rows[r].kind == ROW_ITEM)
            return r;
    return -1;
}

const char *sidebar_load(struct wb *w, struct sidebar *s)
{
    /* keep the selection on the same entry, and tell the table that is new */
    const struct catalog_item *was = selected(s);
    char *sel_name = was ? xstrdup(was->name) : NULL;
    enum catalog_kind sel_kind = was ? was->kind : CATALOG_TABLE;
    struct catalog old = s->cat;
    wb_busy(w, "reading the workspace");
    catalog_load(wb_ctx(w), &s->cat);
    wb_idle(w);
    free(s->fresh);
    s->fresh = NULL;
    int fresh = 0;
    for (int i = 0; i < s->cat.n; i++) {
        if (s->cat.items[i].kind != CATALOG_TABLE)
            continue;
        int seen = 0;
        for (int j = 0; j < old.n && !seen; j++)
            seen = old.items[j].kind == CATALOG_TABLE && strcmp(old.items[j].name, s->cat.items[i].name) == 0;
        if (!seen && fresh++ == 0)
            s->fresh = xstrdup(s->cat.items[i].name);
    }
    if (fresh != 1) {
        free(s->fresh);
        s->fresh = NULL;
    }
    catalog_free(&old);
    lay_out(s);
    s->sel = sel_name ? find_row(s, sel_kind, sel_name) : -1;
    if (s->sel < 0)
        s->sel = first_item(s);
    free(sel_name);
    return s->fresh;
}

void sidebar_select(struct sidebar *s, const char *table)
{
    int r = find_row(s, CATALOG_TABLE, table);
    if (r >= 0)
        s->sel = r;
}

const char *sidebar_first_table(const struct sidebar *s)
{
    return s->cat.n && s->cat.items[0].kind == CATALOG_TABLE ? s->cat.items[0].name : NULL;
}

int sidebar_width(void)
{
    if (COLS >= 120)
        return 28;
    if (COLS >= 100)
        return 24;
    if (COLS >= 70)
        return 20;
    return 0;
}

/* Whether the grid shows this entry: its table, or a segment's members. */
static int is_open(struct wb *w, const struct catalog_item *it)
{
    const struct browse *b = grid_browse(wb_grid(w));
    const char *open = grid_table(wb_grid(w));
    if (!b || !open || strcmp(open, it->table) != 0)
        return 0;
    if (it->kind == CATALOG_SEGMENT)
        return b->filter && strcmp(b->filter, it->detail) == 0;
    return it->kind != CATALOG_EXPERIMENT && !b->filter;
}

void sidebar_draw(struct wb *w, struct sidebar *s, struct rect r, int focus)
{
    for (int y = r.y; y < r.y + r.h; y++)
        draw_fill(y, r.x, r.w, theme(T_NORMAL));
    if (s->sel >= 0 && s->sel < s->top)
        s->top = s->sel;
    if (s->sel >= s->top + r.h)
        s->top = s->sel - r.h + 1;
    if (s->top > 0 && s->sel >= 0 && s->rows[s->sel - 1].kind != ROW_ITEM && s->sel - 1 < s->top)
        s->top = s->sel - 1;        /* the heading over the first entry of a section */
    for (int i = s->top; i < s->nrows && i - s->top < r.h; i++) {
        int y = r.y + i - s->top;
        const struct row *row = &s->rows[i];
        if (row->kind == ROW_HEADING) {
            draw_text(y, r.x + 1, r.w - 1, row->label, -1, theme(T_TITLE), 0);
            continue;
        }
        if (row->kind == ROW_GROUP) {
            draw_text(y, r.x + 1, r.w - 2, row->label, row->label_len, theme(T_DIM), 1);
            continue;
        }
        const struct catalog_item *it = &s->cat.items[row->item];
        attr_t a = theme(T_NORMAL);
        if (focus && i == s->sel)
            a = theme(T_SIDE_SEL);
        else if (is_open(w, it))
            a = theme(T_SIDE_SEL_OFF);
        char n[32];
        if (it->count >= 0)
            fmt_count(it->count, n, sizeof n);
        else
            snprintf(n, sizeof n, "?");
        int nw = text_width(n), x = r.x + 1 + row->indent;
        draw_fill(y, r.x, r.w, a);
        draw_cell(y, x, r.x + r.w - nw - 2 - x, row->label, 0, a);
        draw_cell(y, r.x + r.w - nw - 1, nw, n, 1, a & ~(attr_t)(A_BOLD | A_UNDERLINE));
    }
    if (s->cat.n == 0 || s->cat.items[0].kind != CATALOG_TABLE)
        draw_text(r.y + 1, r.x + 1, r.w - 1, "(none yet)", -1, theme(T_DIM), 0);
}

void sidebar_hint(const struct sidebar *s, char *buf, size_t size)
{
    const struct catalog_item *it = selected(s);
    char n[32];
    if (!it) {
        snprintf(buf, size, "Tab back");
        return;
    }
    fmt_count(it->count, n, sizeof n);
    switch (it->kind) {
    case CATALOG_TABLE:
        snprintf(buf, size, "%s: %s rows — Enter opens it  Tab back", it->name, n);
        break;
    case CATALOG_SEGMENT:
        snprintf(buf, size, "segment %s: %s members of %s — Enter shows them  Tab back", it->name, n, it->table);
        break;
    case CATALOG_MODEL:
        snprintf(buf, size, "%s model %s: %s rows — Enter opens its result  p plots it  Tab back", it->detail,
                 it->name, n);
        break;
    default:
        snprintf(buf, size, "A/B test on %s (%s rows) — Enter runs it again  p plots the lifts: %s", it->name, n,
                 it->detail);
        break;
    }
}

/* The plot that shows an entry: a PCA's components, a hierarchy's merges, other
 * clusterings' sizes; an A/B test's lifts with their intervals (plot ci takes
 * abtest's words). */
static int plot_item(struct wb *w, const struct catalog_item *it)
{
    struct strbuf line = {0};
    if (it->kind == CATALOG_MODEL) {
        const char *kind = strcmp(it->detail, "pca") == 0            ? "pca"
                           : strcmp(it->detail, "hierarchical") == 0 ? "dendrogram"
                                                                     : "bar";
        strbuf_printf(&line, "plot %s ", kind);
        cmdwords_quote(&line, it->name);
    } else if (it->kind == CATALOG_EXPERIMENT) {
        const struct cmd_entry *e;
        struct words ws;
        if (cmdwords_single(it->detail, &e, &ws) == 0) {
            strbuf_puts(&line, "plot ci");
            for (int i = 1; i < ws.n; i++)
                cmdwords_append(&line, &ws.w[i]);
            words_free(&ws);
        }
    }
    int plotted = line.len && plot_view_open(w, strbuf_str(&line));
    strbuf_free(&line);
    return plotted;
}

static void open_item(struct wb *w, const struct catalog_item *it)
{
    if (it->kind == CATALOG_EXPERIMENT) {
        wb_run(w, it->detail);
        return;
    }
    while (wb_top(w) && wb_top(w)->ops != &grid_ops)
        wb_pop(w);
    if (it->kind == CATALOG_SEGMENT) {
        char what[512];
        snprintf(what, sizeof what, "segment %s", it->name);
        grid_open_filtered(w, wb_grid(w), it->table, it->detail, what);
    } else {
        grid_open(w, wb_grid(w), it->table);
    }
}

/* Moves the selection by delta entries, over headings. */
static void step(struct sidebar *s, int delta)
{
    int dir = delta > 0 ? 1 : -1, r = s->sel;
    for (int moved = 0; moved != delta;) {
        int next = r + dir;
        while (next >= 0 && next < s->nrows && s->rows[next].kind != ROW_ITEM)
            next += dir;
        if (next < 0 || next >= s->nrows)
            break;
        r = next;
        moved += dir;
    }
    s->sel = r;
}

int sidebar_key(struct wb *w, struct sidebar *s, int ch)
{
    const struct catalog_item *it = selected(s);
    int page = LINES - 4 > 1 ? LINES - 4 : 1;
    switch (ch) {
    case KEY_DOWN: case 'j': step(s, 1); return SIDEBAR_HANDLED;
    case KEY_UP: case 'k': step(s, -1); return SIDEBAR_HANDLED;
    case KEY_NPAGE: case ' ': step(s, page); return SIDEBAR_HANDLED;
    case KEY_PPAGE: step(s, -page); return SIDEBAR_HANDLED;
    case KEY_HOME: case 'g': step(s, -s->nrows); return SIDEBAR_HANDLED;
    case KEY_END: case 'G': step(s, s->nrows); return SIDEBAR_HANDLED;
    case '\n': case '\r': case KEY_ENTER: case KEY_RIGHT: case 'l':
        if (it)
            open_item(w, it);
        return SIDEBAR_DONE;
    case 'p':
        if (it && plot_item(w, it))
            return SIDEBAR_DONE;
        wb_message(w, 1, "p plots a model or an experiment: choose one under Models or Experiments");
        return SIDEBAR_HANDLED;
    case '\t': case KEY_ESC: case 'q':
        return SIDEBAR_DONE;
    default:
        return 0;
    }
}
