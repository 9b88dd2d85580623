/* gnuplot.h — one long-lived gnuplot process on a pipe.
 *
 * Plots are gnuplot scripts.  The first plot starts `gnuplot` (or $PERSONA_GNUPLOT)
 * with its stdin, stdout and stderr on pipes; later plots reuse it.  After each
 * script a marker is printed on both outputs, so the text a plot wrote (the dumb
 * terminal draws on stdout) and anything gnuplot complained about (stderr) are read
 * back completely, with a time limit: a gnuplot that hangs or dies is reported, never
 * waited on forever, and started again by the next plot.  A missing gnuplot is a
 * clear error. */
#ifndef PERSONA_GNUPLOT_H
#define PERSONA_GNUPLOT_H

#include "ctx.h"

struct strbuf;

/* Runs script; what gnuplot printed on stdout is appended to out (may be NULL).
 * Returns 0, or -1 with c->err set: "CMD: gnuplot: <its error text>", gnuplot not
 * found, or no answer within the time limit.  Warnings gnuplot prints without
 * failing are passed to ctx_note(). */
int gnuplot_run(ctx *c, const char *cmd, const char *script, struct strbuf *out);

/* Whether the gnuplot in use knows a terminal ("pngcairo"); 0 when gnuplot cannot be
 * run.  Asked once per terminal name. */
int gnuplot_has_terminal(ctx *c, const char *terminal);

/* Ends the gnuplot process (at exit, or to start afresh). */
void gnuplot_close(void);

#endif
