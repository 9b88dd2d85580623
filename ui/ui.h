/* ui.h — the interactive front ends (the only code that includes curses or readline). */
#ifndef PERSONA_UI_H
#define PERSONA_UI_H

#include "ctx.h"

/* The readline REPL: reads command lines until EOF or `quit`/`exit`, runs each
 * through run_line(), prints results to stdout and errors to stderr.  History is
 * kept in $XDG_STATE_HOME/persona/history; Tab completes commands, options, tables,
 * columns and paths.  Returns the process exit status (0). */
int repl_run(ctx *c);

#endif
