/* plot.c — the plot view: what `plot …` draws, at the size of the pane.
 *
 * The view runs the plot command itself, with width= and height= set to the pane's
 * columns and rows, and again whenever the pane changes size; so every drawing is a
 * logged command that a script can replay.  The plot command draws with gnuplot's
 * dumb terminal in its ansi256 mode when colours are allowed (the workbench's
 * stdout is the terminal), and this view turns those ANSI colour escapes into
 * curses colour pairs (theme_xterm()).  Reading gnuplot's own colours, rather than
 * asking for plain text and colouring it here, keeps what only gnuplot knows: which
 * character belongs to which series, and the legend's colour for each — a PCA
 * scatter coloured by cluster stays readable.  Without colours (NO_COLOR,
 * --no-color) the command draws plain text, shown as it is.
 *
 * w writes the same plot to a PNG file: the same command with out=FILE.png. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cmdwords.h"
#include "jobs.h"
#include "strbuf.h"
#include "utf8.h"
#include "wb.h"

enum { MIN_WIDTH = 20, MIN_HEIGHT = 8 };   /* the smallest text plot the command draws */

struct plot_line {
    char *text;         /* the line without escapes */
    attr_t *attr;       /* the attribute of each byte of text */
    int len;
};

struct plot_view {
    char *line;         /* the plot command, without width= and height= */
    int fixed_w, fixed_h;       /* a size given on the line, else 0: the pane's */
    struct plot_line *lines;
    int nlines;
    int drawn_w, drawn_h;       /* the size lines were drawn at (0: none yet) */
    char *error;                /* the last drawing failed: why */
    int error_w, error_h;       /* at this size (not tried again) */
    enum { PLOT_IDLE, PLOT_DRAWING, PLOT_WRITING } pending;
    int want_w, want_h;         /* the size being drawn */
    char *written;              /* the file the plot was last written to */
    int top, left;              /* scrolled, when the plot is larger than the pane */
};

static void clear_lines(struct plot_view *p)
{
    for (int i = 0; i < p->nlines; i++) {
        free(p->lines[i].text);
        free(p->lines[i].attr);
    }
    free(p->lines);
    p->lines = NULL;
    p->nlines = 0;
}

static void plot_free(void *state)
{
    struct plot_view *p = state;
    clear_lines(p);
    free(p->line);
    free(p->error);
    free(p->written);
    free(p);
}

/* ---- ANSI colours ---- */

/* The attribute for foreground colour fg (-1: the default) and bold. */
static attr_t colour(int fg, int bold)
{
    attr_t a = fg < 0 ? theme(T_NORMAL) : theme_xterm(fg);
    return a | (bold ? A_BOLD : 0);
}

/* Applies the parameters of one SGR escape (ESC [ params m) to fg and bold. */
static void apply_sgr(const char *params, int *fg, int *bold)
{
    int v[16], n = 0;
    for (const char *s = params; n < 16;) {
        v[n++] = atoi(s);
        s = strchr(s, ';');
        if (!s)
            break;
        s++;
    }
    for (int i = 0; i < n; i++) {
        int p = v[i];
        if (p == 0) {
            *fg = -1;
            *bold = 0;
        } else if (p == 1) {
            *bold = 1;
        } else if (p == 22) {
            *bold = 0;
        } else if (p == 39) {
            *fg = -1;
        } else if (p >= 30 && p <= 37) {
            *fg = p - 30;
        } else if (p >= 90 && p <= 97) {
            *fg = p - 90 + 8;
        } else if ((p == 38 || p == 48) && i + 2 < n && v[i + 1] == 5) {
            if (p == 38)
                *fg = v[i + 2];
            i += 2;
        } else if ((p == 38 || p == 48) && i + 4 < n && v[i + 1] == 2) {
            if (p == 38)    /* 24-bit: the nearest colour of the 6×6×6 cube */
                *fg = 16 + 36 * ((v[i + 2] * 5 + 127) / 255) + 6 * ((v[i + 3] * 5 + 127) / 255) +
                      (v[i + 4] * 5 + 127) / 255;
            i += 4;
        }
    }
}

/* Splits gnuplot's text into lines of characters with their attributes. */
static void parse_output(struct plot_view *p, const char *text)
{
    clear_lines(p);
    int fg = -1, bold = 0, cap = 0;
    struct strbuf line = {0};
    attr_t *attrs = NULL;
    size_t acap = 0;
    for (const char *s = text;; s++) {
        if (*s == '\n' || !*s) {
            if (!*s && line.len == 0)
                break;
            if (p->nlines == cap)
                p->lines = xrealloc(p->lines, (size_t)(cap = cap ? cap * 2 : 64) * sizeof *p->lines);
            struct plot_line *l = &p->lines[p->nlines++];
            l->len = (int)line.len;
            l->text = xstrdup(strbuf_str(&line));
            l->attr = xmalloc((line.len + 1) * sizeof *l->attr);
            if (line.len)
                memcpy(l->attr, attrs, line.len * sizeof *attrs);
            strbuf_reset(&line);
            if (!*s)
                break;
            continue;
        }
        if (*s == '\033') {     /* ESC [ params letter: colours are 'm', the rest is dropped */
            if (s[1] != '[')
                continue;
            const char *end = s + 2 + strspn(s + 2, "0123456789;?");
            if (*end == 'm') {
                char params[64];
                snprintf(params, sizeof params, "%.*s", (int)(end - s - 2), s + 2);
                apply_sgr(params, &fg, &bold);
            }
            s = *end ? end : end - 1;
            continue;
        }
        if ((unsigned char)*s < 0x20)   /* \r, \f */
            continue;
        if (line.len + 1 > acap)
            attrs = xrealloc(attrs, (acap = acap ? acap * 2 : 256) * sizeof *attrs);
        attrs[line.len] = colour(fg, bold);
        strbuf_putc(&line, *s);
    }
    strbuf_free(&line);
    free(attrs);
    /* the dumb terminal leaves blank lines over the title (with colour escapes in
     * them, so the plot command cannot trim them) */
    int blank = 0;
    while (blank < p->nlines && !p->lines[blank].text[strspn(p->lines[blank].text, " ")])
        blank++;
    for (int i = 0; i < blank; i++) {
        free(p->lines[i].text);
        free(p->lines[i].attr);
    }
    memmove(p->lines, p->lines + blank, (size_t)(p->nlines - blank) * sizeof *p->lines);
    p->nlines -= blank;
}

/* Draws line l from display column skip on, in runs of one attribute. */
static void draw_plot_line(int y, int x, int width, const struct plot_line *l, int skip)
{
    int w;
    size_t at = utf8_fit(l->text, (size_t)l->len, skip, &w);
    int col = 0;
    while ((int)at < l->len && col < width) {
        size_t run = at + 1;
        while ((int)run < l->len && l->attr[run] == l->attr[at])
            run++;
        col += draw_text(y, x + col, width - col, l->text + at, (int)(run - at), l->attr[at], 0);
        at = run;
    }
}

/* ---- running the command ---- */

static void draw_at(struct wb *w, struct view *v, int width, int height)
{
    struct plot_view *p = v->state;
    struct strbuf line = {0};
    strbuf_printf(&line, "%s width=%d height=%d", p->line, width, height);
    if (wb_run_for(w, v, strbuf_str(&line)) == 0) {
        p->pending = PLOT_DRAWING;
        p->want_w = width;
        p->want_h = height;
    }
    strbuf_free(&line);
}

static int plot_job_done(struct wb *w, struct view *v, const struct job_result *r)
{
    struct plot_view *p = v->state;
    int was = p->pending;
    p->pending = PLOT_IDLE;
    if (was == PLOT_WRITING) {
        if (!r->failed) {
            char *full = realpath(p->written, NULL);
            wb_message(w, 0, "plot written to %s%s%s", full ? full : p->written, r->notes[0] ? " — " : "", r->notes);
            free(full);
        } else {
            free(p->written);
            p->written = NULL;
        }
        return 1;
    }
    free(p->error);
    p->error = NULL;
    if (r->failed) {
        p->error = xstrdup(r->error);
        p->error_w = p->want_w;
        p->error_h = p->want_h;
        clear_lines(p);
        p->drawn_w = p->drawn_h = 0;
        return 1;
    }
    parse_output(p, r->output);
    p->drawn_w = p->want_w;
    p->drawn_h = p->want_h;
    wb_message(w, 0, "%s", r->summary[0] ? r->summary : "plotted");
    return 1;
}

/* ---- drawing ---- */

static void plot_draw(struct wb *w, struct view *v, struct rect r)
{
    struct plot_view *p = v->state;
    for (int y = r.y; y < r.y + r.h; y++)
        draw_fill(y, r.x, r.w, theme(T_NORMAL));
    int width = p->fixed_w ? p->fixed_w : r.w, height = p->fixed_h ? p->fixed_h : r.h - 1;
    /* the pane's size changed: draw the plot again at the new size */
    int stale = width != p->drawn_w || height != p->drawn_h;
    int failed_here = p->error && width == p->error_w && height == p->error_h;
    int fits = width >= MIN_WIDTH && height >= MIN_HEIGHT;
    if (stale && fits && !failed_here && p->pending == PLOT_IDLE && !wb_job_running(w))
        draw_at(w, v, width, height);

    char state[300] = "";
    if (p->pending != PLOT_IDLE)
        snprintf(state, sizeof state, "%s", p->pending == PLOT_DRAWING ? "drawing…" : "writing the file…");
    else if (p->written)
        snprintf(state, sizeof state, "saved as %s", p->written);
    int sw = text_width(state);
    if (sw > r.w / 2)
        sw = r.w / 2;
    draw_text(r.y, r.x, r.w - sw - 2, p->line, -1, theme(T_TITLE), 1);
    draw_text(r.y, r.x + r.w - sw, sw, state, -1, theme(p->pending == PLOT_IDLE ? T_OK : T_DIM), 1);
    if (!fits) {
        draw_text(r.y + 2, r.x + 1, r.w - 2, "The pane is too small for a plot: make the window larger.", -1,
                  theme(T_DIM), 1);
        return;
    }
    if (p->error && !p->nlines) {
        int y = r.y + 2;
        draw_text(y++, r.x + 1, r.w - 2, "The plot could not be drawn:", -1, theme(T_NORMAL), 1);
        /* the message wrapped to the pane, since it says what to do */
        const char *msg = p->error;
        while (*msg && y < r.y + r.h) {
            int wd;
            size_t n = strlen(msg), fit = utf8_fit(msg, n, r.w - 4, &wd), cut = fit;
            if (fit < n)
                while (cut > 0 && msg[cut] != ' ')
                    cut--;
            if (cut == 0)
                cut = fit;
            draw_text(y++, r.x + 3, r.w - 4, msg, (int)cut, theme(T_ERROR), 0);
            msg += cut + (msg[cut] == ' ');
        }
        draw_text(y + 1, r.x + 1, r.w - 2, "e edits the command, Esc goes back.", -1, theme(T_DIM), 1);
        return;
    }
    if (!p->nlines) {
        draw_text(r.y + 2, r.x + 1, r.w - 2, "drawing…", -1, theme(T_DIM), 0);
        return;
    }
    int rows = r.h - 1;
    if (p->top > p->nlines - rows)
        p->top = p->nlines - rows > 0 ? p->nlines - rows : 0;
    for (int i = 0; i < rows && p->top + i < p->nlines; i++)
        draw_plot_line(r.y + 1 + i, r.x, r.w, &p->lines[p->top + i], p->left);
}

/* ---- writing a PNG ---- */

/* "hist-customers-age.png": the kind, the table and the column, in letters a file
 * name keeps well; -2, -3, … when the file is there already. */
static void default_file(const char *line, char *buf, size_t size)
{
    const struct cmd_entry *e;
    struct words ws;
    struct strbuf name = {0};
    if (cmdwords_single(line, &e, &ws) == 0) {
        for (int i = 1; i < ws.n; i++) {
            const struct word *wd = &ws.w[i];
            const char *part = !wd->key ? wd->text
                               : cmdwords_is_option(e, wd, "column") || cmdwords_is_option(e, wd, "color") ||
                                         cmdwords_is_option(e, wd, "y") ? wd->value : NULL;
            if (!part || name.len > 60)
                continue;
            if (name.len)
                strbuf_putc(&name, '-');
            for (const char *s = part; *s; s++)
                strbuf_putc(&name, (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
                                       *s == '_' || *s == '-' ? *s : '_');
        }
        words_free(&ws);
    }
    if (!name.len)
        strbuf_puts(&name, "plot");
    snprintf(buf, size, "%s.png", strbuf_str(&name));
    for (int n = 2; n < 100 && access(buf, F_OK) == 0; n++)
        snprintf(buf, size, "%s-%d.png", strbuf_str(&name), n);
    strbuf_free(&name);
}

static struct view *plot_on_top(struct wb *w);

static void write_done(struct wb *w, const char *file)
{
    struct view *v = plot_on_top(w);
    file += strspn(file, " \t");
    if (!v || !*file)
        return;
    struct plot_view *p = v->state;
    struct strbuf line = {0}, name = {0};
    strbuf_puts(&name, file);
    size_t n = strlen(file);
    if (!(n > 4 && (strcasecmp(file + n - 4, ".png") == 0 || strcasecmp(file + n - 4, ".svg") == 0)))
        strbuf_puts(&name, ".png");
    strbuf_printf(&line, "%s out=", p->line);
    cmdwords_quote(&line, strbuf_str(&name));
    if (wb_run_for(w, v, strbuf_str(&line)) == 0) {
        p->pending = PLOT_WRITING;
        free(p->written);
        p->written = xstrdup(strbuf_str(&name));
    }
    strbuf_free(&line);
    strbuf_free(&name);
}

static int plot_key(struct wb *w, struct view *v, int ch)
{
    struct plot_view *p = v->state;
    switch (ch) {
    case 'w': {
        char file[256];
        default_file(p->line, file, sizeof file);
        /* "load " makes Tab complete file names */
        wb_prompt(w, LINE_PATH, "write the plot to (.png or .svg): ", file, "load ", write_done);
        break;
    }
    case 'e':
        wb_prompt(w, LINE_COMMAND, ":", p->line, "", wb_command);
        break;
    case 'r':   /* draw again: the data may have changed */
        p->drawn_w = p->drawn_h = 0;
        free(p->error);
        p->error = NULL;
        break;
    case KEY_DOWN: case 'j': p->top++; break;
    case KEY_UP: case 'k': if (p->top > 0) p->top--; break;
    case KEY_RIGHT: case 'l': p->left += 8; break;
    case KEY_LEFT: case 'h': p->left = p->left > 8 ? p->left - 8 : 0; break;
    default: return 0;
    }
    return 1;
}

static const struct view_ops plot_ops = {
    .name = "plot",
    .draw = plot_draw,
    .key = plot_key,
    .hints = "w write PNG  e edit the command  r draw again  Esc back",
    .free = plot_free,
    .job_done = plot_job_done,
    .wide = 1,
};

static struct view *plot_on_top(struct wb *w)
{
    struct view *v = wb_top(w);
    return v && v->ops == &plot_ops ? v : NULL;
}

int plot_view_open(struct wb *w, const char *line)
{
    const struct cmd_entry *e;
    struct words ws;
    if (cmdwords_single(line, &e, &ws) != 0)
        return 0;
    int mine = e == &cmd_plot_entry;
    for (int i = 1; i < ws.n && mine; i++)
        mine = !cmdwords_is_option(e, &ws.w[i], "out");
    if (!mine) {
        words_free(&ws);
        return 0;
    }
    /* the line as the view runs it: the size is the pane's, unless given */
    struct strbuf base = {0};
    int fixed_w = 0, fixed_h = 0;
    strbuf_puts(&base, "plot");
    for (int i = 1; i < ws.n; i++) {
        const struct word *wd = &ws.w[i];
        int size = wd->key ? atoi(wd->value) : 0;
        if (size > 0 && cmdwords_is_option(e, wd, "width"))
            fixed_w = size;
        else if (size > 0 && cmdwords_is_option(e, wd, "height"))
            fixed_h = size;
        else
            cmdwords_append(&base, wd);
    }
    words_free(&ws);
    struct view *v = plot_on_top(w);
    struct plot_view *p;
    if (v) {    /* a new plot from the plot view: it replaces the one shown */
        p = v->state;
        free(p->line);
        free(p->error);
        free(p->written);
        clear_lines(p);
        memset(p, 0, sizeof *p);
    } else {
        p = xcalloc(1, sizeof *p);
        wb_push(w, &plot_ops, p);
    }
    p->line = xstrdup(strbuf_str(&base));
    p->fixed_w = fixed_w;
    p->fixed_h = fixed_h;
    strbuf_free(&base);
    return 1;
}
