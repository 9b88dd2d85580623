/* plot_script.h — the parts every plot shares: where it goes (a PNG or SVG file, or
 * text for a terminal), the house style, gnuplot quoting and inline data, and running
 * the script through the gnuplot process. */
#ifndef PERSONA_PLOT_SCRIPT_H
#define PERSONA_PLOT_SCRIPT_H

#include "cmd.h"
#include "strbuf.h"

enum plot_kind_out { PLOT_TEXT, PLOT_PNG, PLOT_SVG };

struct plot_target {
    enum plot_kind_out kind;
    const char *path;           /* out=, or NULL for text */
    char *tmp;                  /* where gnuplot writes before the rename (malloc'ed) */
    int width, height;          /* pixels for files, characters for text */
    int ansi;                   /* text with colours */
    const char *terminal;       /* the gnuplot terminal used */
};

/* Reads out=, width=, height= and decides the terminal: pngcairo for .png (png when
 * gnuplot lacks cairo, with a note), svg for .svg, dumb text otherwise, with ANSI
 * colours when colour is allowed and stdout is a terminal. */
int plot_target_open(ctx *c, const struct cmd_args *a, struct plot_target *t);
void plot_target_close(struct plot_target *t);

/* Starts a script: terminal, output, style, title. */
void plot_begin(struct strbuf *s, const struct plot_target *t, const char *title);

/* A gnuplot string literal of text ('…' with quotes doubled). */
void plot_quote(struct strbuf *s, const char *text);

/* The i-th colour of the categorical palette, "#rrggbb". */
const char *plot_color(int i);
enum { PLOT_COLORS = 10 };

/* Runs the script; text goes to the output sink, a file is renamed into place and
 * reported as a record with `what` (the plot kind) and `points`. */
int plot_finish(ctx *c, const char *cmd, struct plot_target *t, struct strbuf *script, const char *what,
                int64_t points);

#endif
