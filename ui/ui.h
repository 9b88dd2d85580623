/* ui.h — the interactive front ends (the only code that includes curses or readline). */
#ifndef PERSONA_UI_H
#define PERSONA_UI_H

#include "ctx.h"

/* The readline REPL: reads command lines until EOF or `quit`/`exit`, runs each
 * through run_line(), prints results to stdout and errors to stderr.  History is
 * kept in $XDG_STATE_HOME/persona/history; Tab completes commands, options, tables,
 * columns and paths.  Returns the process exit status (0). */
int repl_run(ctx *c);

/* The ncurses workbench (ui/workbench.c): a sidebar of tables, the grid and the
 * other views, the command line, and commands running as jobs on a worker thread
 * with its own connection to the workspace.  Returns the process exit status (0;
 * 1 when the workspace cannot be opened for the worker). */
int workbench_run(ctx *c);

#endif
