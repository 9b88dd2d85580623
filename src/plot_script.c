/* plot_script.c — plot targets, house style and running gnuplot. */
#include "plot_script.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "fileio.h"
#include "gnuplot.h"
#include "sink.h"

/* Tableau's ten colours: distinct, and readable on white. */
static const char *const palette[PLOT_COLORS] = {
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
    "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac",
};

const char *plot_color(int i) { return palette[((i % PLOT_COLORS) + PLOT_COLORS) % PLOT_COLORS]; }

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

static int size_option(ctx *c, const struct cmd_args *a, const char *key, int def, int lo, int hi, int *out)
{
    *out = def;
    const char *v = cmd_opt(a, key);
    if (!v)
        return 0;
    char *end;
    long n = strtol(v, &end, 10);
    if (end == v || *end || n < lo || n > hi)
        return ctx_error(c, "%s: %s=%s: expected a whole number from %d to %d", a->entry->name, key, v, lo, hi);
    *out = (int)n;
    return 0;
}

int plot_target_open(ctx *c, const struct cmd_args *a, struct plot_target *t)
{
    const char *cmd = a->entry->name;
    memset(t, 0, sizeof *t);
    t->path = cmd_opt(a, "out");
    if (!t->path) {
        struct winsize ws;
        int tty = isatty(STDOUT_FILENO);
        int cols = 80, rows = 25;
        if (tty && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 40 && ws.ws_row >= 12) {
            cols = ws.ws_col;
            rows = ws.ws_row - 2;
        }
        t->kind = PLOT_TEXT;
        t->terminal = "dumb";
        t->ansi = c->color && tty && sink_format(c->out) == FMT_TABLE;
        return size_option(c, a, "width", cols, 20, 1000, &t->width) ||
               size_option(c, a, "height", rows, 8, 1000, &t->height);
    }
    if (output_target_check(c, cmd, t->path, cmd_opt_given(a, "force")))
        return -1;
    if (ends_with(t->path, ".png")) {
        t->kind = PLOT_PNG;
        t->terminal = "pngcairo";
        if (!gnuplot_has_terminal(c, "pngcairo")) {
            t->terminal = "png";
            ctx_note(c, "%s: this gnuplot has no pngcairo terminal (cairo support): drawn with its png terminal "
                        "(libgd), which draws no anti-aliased lines", cmd);
        }
    } else if (ends_with(t->path, ".svg")) {
        t->kind = PLOT_SVG;
        t->terminal = "svg";
    } else {
        return ctx_error(c, "%s: out=%s: expected a file name ending in .png or .svg", cmd, t->path);
    }
    if (size_option(c, a, "width", 1000, 100, 10000, &t->width) ||
        size_option(c, a, "height", 650, 100, 10000, &t->height))
        return -1;
    /* gnuplot writes a temporary file beside the target, renamed into place once the
     * plot is complete, so a failed plot never leaves half a file */
    size_t n = strlen(t->path) + 32;
    t->tmp = xmalloc(n);
    snprintf(t->tmp, n, "%s.tmp%ld", t->path, (long)getpid());
    FILE *f = fopen(t->tmp, "w");
    if (!f) {
        int e = errno;
        free(t->tmp);
        t->tmp = NULL;
        return ctx_error(c, "%s: out=%s: cannot write there: %s", cmd, t->path, strerror(e));
    }
    fclose(f);
    return 0;
}

void plot_target_close(struct plot_target *t)
{
    if (t->tmp) {
        unlink(t->tmp);
        free(t->tmp);
        t->tmp = NULL;
    }
}

void plot_quote(struct strbuf *s, const char *text)
{
    strbuf_putc(s, '\'');
    for (const char *p = text; *p; p++) {
        if (*p == '\'')
            strbuf_putc(s, '\'');
        if (*p == '\n' || *p == '\r')
            strbuf_putc(s, ' ');
        else
            strbuf_putc(s, *p);
    }
    strbuf_putc(s, '\'');
}

void plot_begin(struct strbuf *s, const struct plot_target *t, const char *title)
{
    /* labels are UTF-8 ("·", accents): without this the text terminal counts their
     * bytes as columns and shifts them */
    strbuf_puts(s, "set encoding utf8\n");
    switch (t->kind) {
    case PLOT_TEXT:
        strbuf_printf(s, "set terminal dumb size %d,%d%s\n", t->width, t->height, t->ansi ? " ansi256" : " mono");
        strbuf_puts(s, "set output\n");
        break;
    case PLOT_PNG:
        strbuf_printf(s, "set terminal %s size %d,%d noenhanced font 'DejaVu Sans,11'%s\n", t->terminal, t->width,
                      t->height, strcmp(t->terminal, "pngcairo") == 0 ? " linewidth 1.2" : "");
        break;
    case PLOT_SVG:
        strbuf_printf(s, "set terminal svg size %d,%d noenhanced font 'DejaVu Sans,12' background '#ffffff'\n",
                      t->width, t->height);
        break;
    }
    if (t->kind != PLOT_TEXT) {
        strbuf_puts(s, "set output ");
        plot_quote(s, t->tmp);
        strbuf_puts(s, "\n");
        /* light frame and grid, legend outside the data */
        strbuf_puts(s, "set border 3 lc rgb '#666666'\nset tics nomirror textcolor rgb '#333333'\n"
                       "set grid lc rgb '#e6e6e6' lt 1\nset key below Left reverse noautotitle spacing 1.3 samplen 1.5\n"
                       "set title font ',14'\n");
    } else {
        strbuf_puts(s, "set key below Left reverse noautotitle\nset tics nomirror\nset border 3\n");
    }
    if (title) {
        strbuf_puts(s, "set title ");
        plot_quote(s, title);
        strbuf_puts(s, "\n");
    }
}

int plot_finish(ctx *c, const char *cmd, struct plot_target *t, struct strbuf *script, const char *what,
                int64_t points)
{
    struct strbuf out = {0};
    strbuf_puts(script, "\nunset output\n");
    int rc = gnuplot_run(c, cmd, strbuf_str(script), t->kind == PLOT_TEXT ? &out : NULL);
    if (rc == 0 && t->kind == PLOT_TEXT) {
        /* the dumb terminal pads with a form feed and blank lines */
        const char *text = strbuf_str(&out);
        for (;;) {      /* blank lines above the plot */
            const char *p = text;
            while (*p == ' ' || *p == '\f')
                p++;
            if (*p != '\n')
                break;
            text = p + 1;
        }
        size_t len = strlen(text);
        while (len && (text[len - 1] == '\n' || text[len - 1] == ' ' || text[len - 1] == '\f'))
            len--;
        struct strbuf trimmed = {0};
        strbuf_append(&trimmed, text, len);
        strbuf_putc(&trimmed, '\n');
        sink_text(c->out, NULL, strbuf_str(&trimmed));
        strbuf_free(&trimmed);
    } else if (rc == 0) {
        if (rename(t->tmp, t->path) != 0) {
            rc = ctx_error(c, "%s: out=%s: %s", cmd, t->path, strerror(errno));
        } else {
            free(t->tmp);
            t->tmp = NULL;
            sink_record_begin(c->out, NULL);
            sink_field(c->out, "plot", cell_text(what));
            sink_field(c->out, "file", cell_text(t->path));
            sink_field(c->out, "terminal", cell_text(t->terminal));
            sink_field(c->out, "points", cell_int(points));
            sink_record_end(c->out);
        }
    }
    strbuf_free(&out);
    plot_target_close(t);
    return rc;
}
