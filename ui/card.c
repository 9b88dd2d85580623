/* card.c — the profile card: one customer on a page, for a row of a table that
 * profiles were built from (or of the profiles table itself).
 *
 * The card is what `profile KEY` prints — run as a command like everything else,
 * so it is logged — read back from the table format (outblocks.h) and laid out:
 * the customer's name, RFM segment and scores and consent at the top; the
 * attributes beside the order and event metrics when the pane is wide enough, else
 * one under the other; then segment memberships and the last orders and events as
 * tables fitted to the pane.  ←→ step to the previous and next row of the grid (a card each); f
 * shows the row's plain fields. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "browse.h"
#include "catalog.h"
#include "cmdwords.h"
#include "jobs.h"
#include "outblocks.h"
#include "strbuf.h"
#include "wb.h"

enum { NAME_CAP = 20, TWO_COLUMNS = 96, MIN_CELL = 4 };

/* A piece of text on a line of the card. */
struct span {
    int line, x, width;
    const char *text;       /* into the parsed output, or a static string */
    enum role role;
    int right;              /* aligned right in its width */
};

struct card_view {
    struct grid *g;
    char *profiles, *key_col;
    int key_index;              /* the key column among the grid's columns */
    char *shown;                /* the key whose card is shown */
    char *pending;              /* the key whose card is being fetched */
    struct outblocks out;
    char *notes, *error;
    struct span *spans;
    int nspans, lines, laid_width;
    char **owned;               /* text made for the layout */
    int nowned;
    int top, page;
};

/* ---- which field goes where ---- */

/* The metrics `profile build` adds (profile.h), by group; everything else is an
 * attribute of the customers table (a customers column with a metric's name is
 * kept as attr_NAME, so names alone tell them apart). */
enum group { G_ATTRIBUTES, G_ORDERS, G_EVENTS, G_RFM /* in the heading */, G_GROUPS };
static const char *const group_titles[G_GROUPS] = {"Attributes", "Orders", "Events", NULL};

static enum group group_of(const char *name)
{
    static const char *const orders[] = {"orders", "revenue", "avg_order_value", "first_order", "last_order",
                                         "recency_days", "top_category", NULL};
    static const char *const rfm[] = {"r", "f", "m", "segment", "consent", NULL};
    for (int i = 0; orders[i]; i++)
        if (strcasecmp(name, orders[i]) == 0)
            return G_ORDERS;
    for (int i = 0; rfm[i]; i++)
        if (strcasecmp(name, rfm[i]) == 0)
            return G_RFM;
    if (strncasecmp(name, "events_", 7) == 0 || strcasecmp(name, "last_event") == 0)
        return G_EVENTS;
    return G_ATTRIBUTES;
}

static const struct outblock *profile_record(const struct card_view *cv)
{
    return cv->out.n && cv->out.blocks[0].kind == OUTBLOCK_RECORD ? &cv->out.blocks[0] : NULL;
}

/* The value of the first of names the profile has, non-empty, or NULL. */
static const char *field(const struct card_view *cv, const char *const *names)
{
    const struct outblock *b = profile_record(cv);
    for (int n = 0; b && names[n]; n++)
        for (int i = 0; i < b->nrows; i++)
            if (strcasecmp(b->cells[i * 2], names[n]) == 0 && b->cells[i * 2 + 1][0])
                return b->cells[i * 2 + 1];
    return NULL;
}

/* ---- layout ---- */

static void clear_layout(struct card_view *cv)
{
    for (int i = 0; i < cv->nowned; i++)
        free(cv->owned[i]);
    free(cv->owned);
    free(cv->spans);
    cv->owned = NULL;
    cv->spans = NULL;
    cv->nowned = cv->nspans = cv->lines = 0;
}

static const char *own(struct card_view *cv, const char *text)
{
    cv->owned = xrealloc(cv->owned, (size_t)(cv->nowned + 1) * sizeof *cv->owned);
    return cv->owned[cv->nowned++] = xstrdup(text);
}

static void span(struct card_view *cv, int line, int x, int width, const char *text, enum role role, int right)
{
    if (width <= 0)
        return;
    cv->spans = xrealloc(cv->spans, (size_t)(cv->nspans + 1) * sizeof *cv->spans);
    cv->spans[cv->nspans++] = (struct span){line, x, width, text, role, right};
    if (line + 1 > cv->lines)
        cv->lines = line + 1;
}

/* The fields of one group as "name  value" lines from line on, in width columns at
 * x; returns the line after them. */
static int lay_group(struct card_view *cv, enum group g, int line, int x, int width)
{
    const struct outblock *b = profile_record(cv);
    int namew = 0, any = 0;
    for (int i = 0; i < b->nrows; i++) {
        if (group_of(b->cells[i * 2]) != g)
            continue;
        int w = text_width(b->cells[i * 2]);
        namew = w > namew ? w : namew;
        any = 1;
    }
    if (!any)
        return line;
    namew = namew > NAME_CAP ? NAME_CAP : namew;
    span(cv, line++, x, width, group_titles[g], T_HEADER, 0);
    for (int i = 0; i < b->nrows; i++) {
        const char *name = b->cells[i * 2], *value = b->cells[i * 2 + 1];
        if (group_of(name) != g)
            continue;
        span(cv, line, x + 2, namew, name, T_DIM, 0);
        span(cv, line++, x + namew + 4, width - namew - 4, *value ? value : "—", *value ? T_NORMAL : T_DIM, 0);
    }
    return line + 1;
}

/* A table of the card's output fitted to width: the columns that only repeat the
 * customer's key are left out, and the widest give way until it fits. */
static int lay_table(struct card_view *cv, const struct outblock *b, int line, int width)
{
    int n = b->ncols, widths[256], keep[256], total = 0, kept = 0;
    if (n > 256)
        n = 256;
    for (int c = 0; c < n; c++) {
        keep[c] = 0;
        widths[c] = text_width(b->cols[c]);
        for (int r = 0; r < b->nrows; r++) {
            const char *cell = b->cells[r * b->ncols + c];
            if (!cv->shown || strcmp(cell, cv->shown) != 0)
                keep[c] = 1;
            int w = text_width(cell);
            widths[c] = w > widths[c] ? w : widths[c];
        }
        if (keep[c]) {
            total += widths[c] + (kept ? 2 : 0);
            kept++;
        }
    }
    while (total > width) {     /* the widest column gives a column */
        int widest = -1;
        for (int c = 0; c < n; c++)
            if (keep[c] && widths[c] > MIN_CELL && (widest < 0 || widths[c] > widths[widest]))
                widest = c;
        if (widest < 0)
            break;
        widths[widest]--;
        total--;
    }
    for (int r = -1; r < b->nrows; r++, line++) {
        int x = 2;
        for (int c = 0; c < n; c++) {
            if (!keep[c])
                continue;
            if (r < 0)
                span(cv, line, x, widths[c], b->cols[c], T_HEADER, b->numeric[c]);
            else
                span(cv, line, x, widths[c], b->cells[r * b->ncols + c], T_NORMAL, b->numeric[c]);
            x += widths[c] + 2;
        }
    }
    return line;
}

/* The top line: the customer's name and key, and at the right (or on the next
 * line, when narrow) the RFM segment, scores and consent — the RFM group, which
 * the body then leaves out.  Returns the lines taken. */
static int lay_heading(struct card_view *cv, int width)
{
    static const char *const first[] = {"first_name", "firstname", "given_name", "forename", NULL};
    static const char *const last[] = {"last_name", "lastname", "surname", "family_name", NULL};
    static const char *const whole[] = {"name", "full_name", "customer_name", NULL};
    static const char *const segment[] = {"segment", NULL}, *const r[] = {"r", NULL}, *const f[] = {"f", NULL},
                             *const m[] = {"m", NULL}, *const consent[] = {"consent", NULL};
    struct strbuf b = {0};
    const char *fn = field(cv, first), *ln = field(cv, last), *nm = field(cv, whole);
    if (fn || ln)
        strbuf_printf(&b, "%s%s%s", fn ? fn : "", fn && ln ? " " : "", ln ? ln : "");
    else if (nm)
        strbuf_puts(&b, nm);
    int x = 0;
    if (b.len) {
        x = text_width(strbuf_str(&b)) + 2;
        span(cv, 0, 0, width, own(cv, strbuf_str(&b)), T_TITLE, 0);
    }
    span(cv, 0, x, width - x, cv->shown, T_KEY_COL, 0);
    strbuf_reset(&b);
    if (field(cv, segment))
        strbuf_printf(&b, "%s", field(cv, segment));
    if (field(cv, r) && field(cv, f) && field(cv, m))
        strbuf_printf(&b, "%sR%s F%s M%s", b.len ? " · " : "", field(cv, r), field(cv, f), field(cv, m));
    /* a profile built without a consent column has no consent field */
    const struct outblock *rec = profile_record(cv);
    int has_consent = 0;
    for (int i = 0; i < rec->nrows; i++)
        has_consent |= strcasecmp(rec->cells[i * 2], "consent") == 0;
    const char *c = field(cv, consent);
    if (has_consent)
        strbuf_printf(&b, "%sconsent %s", b.len ? " · " : "", !c ? "unknown" : strcmp(c, "1") == 0 ? "granted" : "denied");
    int bw = text_width(strbuf_str(&b)), lines = 1;
    x += text_width(cv->shown) + 2;
    if (b.len && bw <= width - x)
        span(cv, 0, width - bw, bw, own(cv, strbuf_str(&b)), T_HEADER, 0);
    else if (b.len)
        span(cv, lines++, 0, width, own(cv, strbuf_str(&b)), T_HEADER, 0);
    strbuf_free(&b);
    return lines;
}

static void lay_out(struct card_view *cv, int width)
{
    clear_layout(cv);
    cv->laid_width = width;
    const struct outblock *rec = profile_record(cv);
    if (!rec)
        return;
    int line = lay_heading(cv, width) + 1;
    if (cv->notes && *cv->notes)
        span(cv, line++, 0, width, cv->notes, T_DIM, 0);
    if (width >= TWO_COLUMNS) {     /* attributes on the left, the metrics beside */
        int half = (width - 3) / 2;
        int left = lay_group(cv, G_ATTRIBUTES, line, 0, half), right = line;
        for (enum group g = G_ORDERS; g < G_RFM; g++)
            right = lay_group(cv, g, right, half + 3, width - half - 3);
        line = left > right ? left : right;
    } else {
        for (enum group g = G_ATTRIBUTES; g < G_RFM; g++)
            line = lay_group(cv, g, line, 0, width);
    }
    for (int i = 1; i < cv->out.n; i++) {
        const struct outblock *b = &cv->out.blocks[i];
        const char *name = b->name ? b->name : "";
        struct strbuf title = {0};
        if (strcmp(name, "segments") == 0)
            strbuf_puts(&title, "Segments");
        else if (strcmp(name, "orders") == 0 || strcmp(name, "events") == 0)
            strbuf_printf(&title, "Last %s", name);
        else
            strbuf_puts(&title, name);
        if (b->kind == OUTBLOCK_TABLE && b->nrows)
            strbuf_printf(&title, " (%d)", b->nrows);
        span(cv, line++, 0, width, own(cv, strbuf_str(&title)), T_HEADER, 0);
        strbuf_free(&title);
        if (b->kind == OUTBLOCK_TABLE && b->nrows == 0)
            span(cv, line++, 2, width - 2, "none", T_DIM, 0);
        else if (b->kind == OUTBLOCK_TABLE)
            line = lay_table(cv, b, line, width - 2);
        else
            for (int r = 0; r < b->nrows; r++)
                span(cv, line++, 2, width - 2, b->cells[r * b->ncols + b->ncols - 1], T_NORMAL, 0);
        line++;
    }
}

/* ---- fetching ---- */

static void card_free(void *state)
{
    struct card_view *cv = state;
    clear_layout(cv);
    outblocks_free(&cv->out);
    free(cv->profiles);
    free(cv->key_col);
    free(cv->shown);
    free(cv->pending);
    free(cv->notes);
    free(cv->error);
    free(cv);
}

/* The key of the grid's current row, or NULL. */
static const char *current_key(const struct card_view *cv)
{
    const char *const *cols;
    int ncols;
    const struct browse_row *row = grid_current(cv->g, &cols, &ncols);
    return row && cv->key_index < ncols ? row->text[cv->key_index] : NULL;
}

static void fetch(struct wb *w, struct view *v, const char *key)
{
    struct card_view *cv = v->state;
    struct strbuf line = {0};
    strbuf_puts(&line, "profile ");
    cmdwords_quote(&line, key);
    if (strcmp(cv->profiles, "profiles") != 0) {
        strbuf_puts(&line, " from=");
        cmdwords_quote(&line, cv->profiles);
    }
    if (wb_run_for(w, v, strbuf_str(&line)) == 0) {
        free(cv->pending);
        cv->pending = xstrdup(key);
    }
    strbuf_free(&line);
}

static int card_job_done(struct wb *w, struct view *v, const struct job_result *r)
{
    (void)w;
    struct card_view *cv = v->state;
    free(cv->shown);
    cv->shown = cv->pending;
    cv->pending = NULL;
    outblocks_free(&cv->out);
    free(cv->error);
    free(cv->notes);
    cv->error = r->failed ? xstrdup(r->error) : NULL;
    cv->notes = xstrdup(r->notes);
    if (!r->failed)
        outblocks_parse(r->output, &cv->out);
    cv->laid_width = 0;
    cv->top = 0;
    return 1;
}

/* ---- drawing ---- */

static void card_draw(struct wb *w, struct view *v, struct rect r)
{
    struct card_view *cv = v->state;
    for (int y = r.y; y < r.y + r.h; y++)
        draw_fill(y, r.x, r.w, theme(T_NORMAL));
    const char *key = current_key(cv);
    if (key && !cv->pending && (!cv->shown || strcmp(key, cv->shown) != 0) && !wb_job_running(w))
        fetch(w, v, key);
    char pos[96];
    grid_position(cv->g, pos, sizeof pos);
    int x = draw_text(r.y, r.x, r.w, "profile card", -1, theme(T_TITLE), 1);
    draw_fmt(r.y, r.x + x, r.w - x, theme(T_DIM), " — %s, %s", grid_table(cv->g), pos);
    if (!key) {
        draw_text(r.y + 2, r.x + 1, r.w - 2, "This row has no key: f shows its fields.", -1, theme(T_DIM), 1);
        return;
    }
    if (!cv->shown || strcmp(key, cv->shown) != 0) {   /* not the card of another row */
        draw_fmt(r.y + 2, r.x + 1, r.w - 2, theme(T_DIM), "reading the card of %s…", key);
        return;
    }
    if (cv->error) {
        draw_text(r.y + 2, r.x + 1, r.w - 2, cv->error, -1, theme(T_ERROR), 1);
        draw_text(r.y + 4, r.x + 1, r.w - 2, "f shows the row's fields; ←→ the next customer.", -1, theme(T_DIM), 1);
        return;
    }
    int width = r.w - 2;
    if (cv->laid_width != width)
        lay_out(cv, width);
    cv->page = r.h - 2;
    if (cv->top > cv->lines - cv->page)
        cv->top = cv->lines - cv->page > 0 ? cv->lines - cv->page : 0;
    for (int i = 0; i < cv->nspans; i++) {
        const struct span *s = &cv->spans[i];
        int y = r.y + 2 + s->line - cv->top;
        if (y < r.y + 2 || y >= r.y + r.h)
            continue;
        draw_cell(y, r.x + 1 + s->x, s->width, s->text, s->right, theme(s->role));
    }
    if (cv->lines > cv->page) {
        char more[48];
        int last = cv->top + cv->page < cv->lines ? cv->top + cv->page : cv->lines;
        snprintf(more, sizeof more, " %d–%d of %d lines ", cv->top + 1, last, cv->lines);
        int mw = text_width(more);
        draw_text(r.y, r.x + r.w - mw, mw, more, -1, theme(T_DIM), 0);
    }
}

static int card_key(struct wb *w, struct view *v, int ch)
{
    struct card_view *cv = v->state;
    switch (ch) {
    case KEY_DOWN: case 'j': cv->top++; break;
    case KEY_UP: case 'k': if (cv->top > 0) cv->top--; break;
    case KEY_NPAGE: case ' ': cv->top += cv->page; break;
    case KEY_PPAGE: cv->top = cv->top > cv->page ? cv->top - cv->page : 0; break;
    case KEY_HOME: case 'g': cv->top = 0; break;
    case KEY_END: case 'G': cv->top = cv->lines; break;
    case KEY_RIGHT: case 'l': case 'n': grid_move(w, cv->g, 1); break;
    case KEY_LEFT: case 'h': case 'p': grid_move(w, cv->g, -1); break;
    case 'f': record_view_open(w, cv->g); break;
    default: return 0;
    }
    return 1;
}

static const struct view_ops card_ops = {
    .name = "profile",
    .draw = card_draw,
    .key = card_key,
    .hints = "↑↓ scroll  ←→ previous/next customer  f plain fields  Esc back",
    .free = card_free,
    .job_done = card_job_done,
    .wide = 1,
};

int card_view_open(struct wb *w, struct grid *g)
{
    const struct browse *b = grid_browse(g);
    const char *const *cols;
    int ncols;
    if (!b || b->query || !grid_current(g, &cols, &ncols))
        return 0;
    char *profiles, *key;
    if (!catalog_profiles_for(wb_ctx(w), b->relation, &profiles, &key))
        return 0;
    int index = -1;
    for (int i = 0; i < ncols && index < 0; i++)
        if (strcasecmp(cols[i], key) == 0)
            index = i;
    if (index < 0) {
        free(profiles);
        free(key);
        return 0;
    }
    struct card_view *cv = xcalloc(1, sizeof *cv);
    cv->g = g;
    cv->profiles = profiles;
    cv->key_col = key;
    cv->key_index = index;
    wb_push(w, &card_ops, cv);
    return 1;
}
