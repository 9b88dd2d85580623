/* pager.c — a scrollable text: what a command printed (scrolls sideways, since
 * tables are wider than the pane), and the help screen (wrapped to the pane).
 * Lines starting with "error: " are drawn as errors. */
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"
#include "utf8.h"
#include "wb.h"

struct pager {
    char *title;
    char *source;       /* the text as given */
    int wrap;           /* wrap lines to the pane (else scroll sideways) */
    int wrapped_to;     /* the width the lines were wrapped to */
    char *text;         /* source, wrapped when wrap, lines split */
    char **lines;       /* into text */
    int n;
    int top, left;
    int page;
};

/* The column a wrapped line goes on at: where its text starts after the first gap
 * of two blanks ("    s S     sort by…" goes on under "sort"), else its indent. */
static int hanging_indent(const char *line, int width)
{
    const char *gap = strstr(line + strspn(line, " "), "  ");
    int at = gap ? utf8_width(line, (size_t)(gap - line)) + (int)strspn(gap, " ")
                 : (int)strspn(line, " ");
    return at < width / 2 ? at : 4;
}

/* Appends line to out wrapped at blanks to width columns. */
static void wrap_line(struct strbuf *out, const char *line, int width)
{
    int hang = hanging_indent(line, width), indent = 0;
    size_t len = strlen(line);
    while (utf8_width(line, len) + indent > width) {
        int w;
        size_t fit = utf8_fit(line, len, width - indent, &w), cut = fit;
        while (cut > 0 && line[cut] != ' ')
            cut--;
        if (cut == 0 || cut <= strspn(line, " "))   /* one long word: cut it */
            cut = fit ? fit : 1;
        strbuf_printf(out, "%*s", indent, "");
        strbuf_append(out, line, cut);
        strbuf_putc(out, '\n');
        line += cut;
        len -= cut;
        while (*line == ' ') {
            line++;
            len--;
        }
        indent = hang;
    }
    strbuf_printf(out, "%*s%s\n", indent, "", line);
}

/* Splits (and, when wrapping, wraps) the source into lines. */
static void pager_layout(struct pager *p, int width)
{
    free(p->text);
    free(p->lines);
    struct strbuf b = {0};
    if (p->wrap && width > 10) {
        struct strbuf line = {0};
        for (const char *s = p->source; *s;) {
            size_t n = strcspn(s, "\n");
            strbuf_reset(&line);
            strbuf_append(&line, s, n);
            wrap_line(&b, strbuf_str(&line), width);
            s += n + (s[n] == '\n');
        }
        strbuf_free(&line);
    } else {
        strbuf_puts(&b, p->source);
    }
    p->wrapped_to = width;
    p->text = xstrdup(strbuf_str(&b));
    strbuf_free(&b);
    p->n = 0;
    size_t len = strlen(p->text);
    while (len && p->text[len - 1] == '\n')    /* no blank last line */
        p->text[--len] = '\0';
    int cap = 1;
    for (char *s = p->text; *s; s++)
        cap += *s == '\n';
    p->lines = xmalloc((size_t)cap * sizeof *p->lines);
    for (char *s = p->text; s;) {
        p->lines[p->n++] = s;
        s = strchr(s, '\n');
        if (s)
            *s++ = '\0';
    }
}

static void pager_set(struct pager *p, const char *title, const char *text)
{
    free(p->title);
    free(p->source);
    p->title = xstrdup(title);
    p->source = xstrdup(text);
    pager_layout(p, p->wrapped_to);
    p->top = p->left = 0;
}

static void pager_draw(struct wb *w, struct view *v, struct rect r)
{
    (void)w;
    struct pager *p = v->state;
    for (int y = r.y; y < r.y + r.h; y++)
        draw_fill(y, r.x, r.w, theme(T_NORMAL));
    if (p->wrap && p->wrapped_to != r.w - 1)
        pager_layout(p, r.w - 1);
    draw_text(r.y, r.x, r.w, p->title, -1, theme(T_TITLE), 1);
    p->page = r.h - 1;
    if (p->top > p->n - p->page)
        p->top = p->n - p->page > 0 ? p->n - p->page : 0;
    for (int i = 0; i < p->page && p->top + i < p->n; i++) {
        const char *line = p->lines[p->top + i];
        attr_t a = strncmp(line, "error: ", 7) == 0 ? theme(T_ERROR) : theme(T_NORMAL);
        draw_text_from(r.y + 1 + i, r.x, r.w, line, p->left, a);
    }
    if (p->n > p->page) {
        char more[48];
        int last = p->top + p->page < p->n ? p->top + p->page : p->n;
        snprintf(more, sizeof more, " %d–%d of %d lines ", p->top + 1, last, p->n);
        int mw = text_width(more);
        draw_text(r.y, r.x + r.w - mw, mw, more, -1, theme(T_DIM), 0);
    }
}

static int pager_key(struct wb *w, struct view *v, int ch)
{
    (void)w;
    struct pager *p = v->state;
    switch (ch) {
    case KEY_DOWN: case 'j': p->top++; break;
    case KEY_UP: case 'k': if (p->top > 0) p->top--; break;
    case KEY_NPAGE: case ' ': case 6: p->top += p->page; break;
    case KEY_PPAGE: case 2: p->top = p->top > p->page ? p->top - p->page : 0; break;
    case KEY_HOME: case 'g': p->top = 0; p->left = 0; break;
    case KEY_END: case 'G': p->top = p->n; break;
    case KEY_RIGHT: case 'l': p->left += 8; break;
    case KEY_LEFT: case 'h': p->left = p->left > 8 ? p->left - 8 : 0; break;
    default: return 0;
    }
    return 1;
}

static void pager_free(void *state)
{
    struct pager *p = state;
    free(p->title);
    free(p->source);
    free(p->text);
    free(p->lines);
    free(p);
}

/* The same pager under two names: what the header shows. */
static const struct view_ops output_ops = {
    .name = "output",
    .draw = pager_draw,
    .key = pager_key,
    .hints = "↑↓ PgUp PgDn scroll  ←→ sideways  Enter a query's rows in the grid  Esc back",
    .free = pager_free,
};

static const struct view_ops help_ops = {
    .name = "help",
    .draw = pager_draw,
    .key = pager_key,
    .hints = "↑↓ PgUp PgDn scroll  Esc back",
    .free = pager_free,
};

static void open_as(struct wb *w, const struct view_ops *ops, const char *title, const char *text)
{
    struct pager *p = xcalloc(1, sizeof *p);
    p->wrap = ops == &help_ops;
    pager_set(p, title, text);
    wb_push(w, ops, p);
}

int is_output_view(const struct view *v) { return v && v->ops == &output_ops; }

void pager_open_help(struct wb *w, const char *title, const char *text)
{
    struct view *top = wb_top(w);
    if (top && top->ops == &help_ops)     /* ? on the help screen: it is there */
        return;
    open_as(w, &help_ops, title, text);
}

void pager_show(struct wb *w, const char *title, const char *text)
{
    struct view *top = wb_top(w);
    if (top && top->ops == &output_ops)
        pager_set(top->state, title, text);
    else
        open_as(w, &output_ops, title, text);
}
