/* wb.h — the workbench's insides, shared by its views (ui/ only).
 *
 * The workbench is htop/ncdu-shaped: each screen is a view with a draw and a key
 * function, views stack (the grid at the bottom; record, column, output and help
 * views open over it and Escape closes them), and the main loop in workbench.c only
 * reads keys and dispatches them — to the command line when it is open, to the
 * sidebar when it has the focus, else to the view on top.  Everything the views
 * change in the workspace goes through a command line and the job runner. */
#ifndef PERSONA_WB_H
#define PERSONA_WB_H

#include <curses.h>
#include <stddef.h>
#include <stdint.h>

#include "ctx.h"

struct wb;
struct browse_row;
struct job_result;

/* A rectangle of the screen. */
struct rect {
    int y, x, h, w;
};

/* Keys: curses codes, plus Alt-x as KEY_META | x. */
enum { KEY_META = 0x10000, KEY_CTRL_C = 3, KEY_CTRL_G = 7, KEY_ESC = 27 };

struct view;
struct view_ops {
    const char *name;
    /* Draws the view into r (the main pane). */
    void (*draw)(struct wb *w, struct view *v, struct rect r);
    /* Handles a key; returns 1 if it did, 0 to let the workbench try. */
    int (*key)(struct wb *w, struct view *v, int ch);
    /* The short key hints shown on the message line when nothing else is. */
    const char *hints;
    void (*free)(void *state);
    /* A command the view started with wb_run_for() ended (the message line already
     * says how).  Returns 1 when the view shows the result itself, 0 to show it in
     * the output view as for any command.  NULL: the view starts no commands. */
    int (*job_done)(struct wb *w, struct view *v, const struct job_result *r);
    /* The view takes the whole width: the tables list shows over it only while it
     * has the focus (a plot keeps its size, and two records side by side fit). */
    int wide;
};

struct view {
    const struct view_ops *ops;
    void *state;
    unsigned id;            /* tells a view from a later one at the same address */
};

/* ---- workbench.c ---- */

/* Pushes a view over the current one (the workbench owns state from now on). */
void wb_push(struct wb *w, const struct view_ops *ops, void *state);
/* Closes the view on top (never the grid). */
void wb_pop(struct wb *w);
/* The view on top, or NULL. */
struct view *wb_top(struct wb *w);

/* Runs a command line as a job (the one way views change anything).  Returns 0, or
 * -1 with a message shown when a job is already running. */
int wb_run(struct wb *w, const char *line);
/* The same for view v, whose job_done gets the result — if v is still open when the
 * job ends; if it is not, the message line alone tells how it went. */
int wb_run_for(struct wb *w, struct view *v, const char *line);
/* Whether a command is running (a view waits before starting its own). */
int wb_job_running(struct wb *w);

/* Runs a line typed at ':' — or opens the view that shows that command best (plot,
 * dedupe review) and lets it run the command. */
void wb_command(struct wb *w, const char *line);

/* Shows a message on the message line: plain, or as an error. */
void wb_message(struct wb *w, int error, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Opens the command line with a prompt and initial text; when a line is entered,
 * done(w, line) is called.  kind picks the history; complete_prefix is what
 * completion puts before the text (NULL: no completion). */
enum line_kind { LINE_COMMAND, LINE_FILTER, LINE_SEARCH, LINE_PATH, LINE_KINDS };
void wb_prompt(struct wb *w, enum line_kind kind, const char *prompt, const char *initial,
               const char *complete_prefix, void (*done)(struct wb *w, const char *line));

/* The front end's context (its connection reads; commands go through wb_run). */
ctx *wb_ctx(struct wb *w);

/* Installs the "Ctrl-C or Escape stops it" hook on the connection around long
 * reads, and shows what is being waited for. */
void wb_busy(struct wb *w, const char *what);
void wb_idle(struct wb *w);

/* The last command's output, for the output view. */
void wb_show_output(struct wb *w);

/* The grid, under every other view. */
struct grid *wb_grid(struct wb *w);

/* ---- sidebar.c: tables, segments, models and experiments ---- */
struct sidebar;
struct sidebar *sidebar_new(void);
void sidebar_free(struct sidebar *s);
/* Reads the catalog again (after a command changed the workspace).  Returns the
 * one table that is new since the last load (what a load made; owned by s until
 * the next load), or NULL. */
const char *sidebar_load(struct wb *w, struct sidebar *s);
/* The columns the sidebar takes at this screen width (0: too narrow for it). */
int sidebar_width(void);
void sidebar_draw(struct wb *w, struct sidebar *s, struct rect r, int focus);
/* Handles a key while the sidebar has the focus: SIDEBAR_HANDLED, SIDEBAR_DONE
 * (handled, and the focus goes back to the view), or 0 for keys it does not use. */
enum { SIDEBAR_HANDLED = 1, SIDEBAR_DONE = 2 };
int sidebar_key(struct wb *w, struct sidebar *s, int ch);
/* What the selected entry is and what Enter does with it, for the message line. */
void sidebar_hint(const struct sidebar *s, char *buf, size_t size);
/* Selects the table of that name, as when a command made it. */
void sidebar_select(struct sidebar *s, const char *table);
/* The first table (to open when the workspace opens), or NULL. */
const char *sidebar_first_table(const struct sidebar *s);

/* ---- grid.c: the base view ---- */
struct grid;
extern const struct view_ops grid_ops;
struct grid *grid_new(void);
/* Opens a table in the grid (NULL: none), or the rows of a query (one SELECT);
 * returns -1 with the error shown. */
int grid_open(struct wb *w, struct grid *g, const char *table);
int grid_open_query(struct wb *w, struct grid *g, const char *query);
/* Opens a table showing only the rows where filter holds (a segment's members);
 * what says what they are, for the message line. */
int grid_open_filtered(struct wb *w, struct grid *g, const char *table, const char *filter, const char *what);
/* Re-reads the grid's table after a command (it may have changed or gone). */
void grid_reload(struct wb *w, struct grid *g);
const char *grid_table(const struct grid *g);
/* "row N of M" and the current column, for the status line; "" when empty. */
void grid_position(const struct grid *g, char *buf, size_t size);
/* Moves the cursor by delta rows (record view's previous/next). */
void grid_move(struct wb *w, struct grid *g, int delta);
/* The row under the cursor with its column names, or NULL. */
const struct browse_row *grid_current(const struct grid *g, const char *const **cols, int *ncols);
const struct browse *grid_browse(const struct grid *g);
/* What the rows of the grid's filter are ("segment X"), when it was opened that way
 * and the filter is still that one; else NULL. */
const char *grid_filter_label(const struct grid *g);
int grid_column(const struct grid *g);  /* the browse column under the cursor, -1 */
/* Moves the cursor column by delta (in the grid's order); returns the browse
 * column now under the cursor. */
int grid_step_column(struct grid *g, int delta);

/* ---- views ---- */
void record_view_open(struct wb *w, struct grid *g);
void column_view_open(struct wb *w, struct grid *g, int col);
/* The profile card of the grid's current row, when its table has profiles
 * (returns 1), else 0: the caller shows the plain fields. */
int card_view_open(struct wb *w, struct grid *g);
/* The plot view of a `plot …` line without out=: runs it at the pane's size, again
 * when the size changes, and writes it to PNG on a key.  Returns 1 when line is such
 * a plot (the view is open), else 0. */
int plot_view_open(struct wb *w, const char *line);
/* The review view of a `dedupe review TABLE` line (no decision words): the uncertain
 * pairs side by side, decided with a key each.  Returns 1 when line is such a
 * review (the view is open), else 0. */
int review_view_open(struct wb *w, const char *line);
/* A scrollable text: a command's output (shown in the output view on top, or a
 * new one), or the help screen.  Text is copied; lines starting with "error: " are
 * drawn as errors. */
void pager_show(struct wb *w, const char *title, const char *text);
void pager_open_help(struct wb *w, const char *title, const char *text);
int is_output_view(const struct view *v);
void help_open(struct wb *w);

/* ---- draw.c: drawing UTF-8 text in cells ---- */
/* Learns whether the terminal's character set is UTF-8 (else the workbench's
 * symbols draw as ASCII and other non-ASCII text as '?'). */
void draw_init(void);
/* A horizontal bar of fraction (0..1) of width columns, in eighths of a cell on a
 * UTF-8 terminal. */
void draw_bar(int y, int x, int width, double fraction, attr_t a);
/* Draws at most width columns of s (len bytes, or -1: to NUL), control characters
 * as blanks; returns the columns drawn.  Text that does not fit ends in "…" when
 * ellipsis is set. */
int draw_text(int y, int x, int width, const char *s, int len, attr_t a, int ellipsis);
/* Draws s in exactly width columns: cut with "…", padded, right-aligned if right. */
void draw_cell(int y, int x, int width, const char *s, int right, attr_t a);
/* Blanks width columns. */
void draw_fill(int y, int x, int width, attr_t a);
/* printf into exactly width columns. */
void draw_fmt(int y, int x, int width, attr_t a, const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* Draws s starting skip columns into it (horizontal scrolling). */
void draw_text_from(int y, int x, int width, const char *s, int skip, attr_t a);
/* Display columns of a string (control characters count 1). */
int text_width(const char *s);
/* "1,234,567" into buf. */
const char *fmt_count(int64_t n, char *buf, size_t size);

/* ---- theme.c ---- */
enum role {
    T_NORMAL, T_BAR, T_BAR_KEY, T_TITLE, T_HEADER, T_HEADER_CUR, T_ROW_CUR, T_CELL_CUR,
    T_KEY_COL, T_NULL, T_ERROR, T_OK, T_DIM, T_SIDE_SEL, T_SIDE_SEL_OFF, T_PROGRESS,
    T_HIST, T_MATCH, T_POPUP, T_POPUP_SEL, T_DIFF, T_ACCEPT, T_REJECT, T_ROLES
};
void theme_init(int color);
attr_t theme(enum role r);
/* Text in colour n of the xterm 256-colour palette (as gnuplot's ansi256 terminal
 * writes it) on the default background: the nearest colour the terminal has, or
 * plain text without colours. */
attr_t theme_xterm(int n);

/* ---- cmdline.c: the command line (GNU Readline, callback interface) ---- */
/* Sets readline up to live inside the workbench; history is read from and
 * appended to history_path (may be NULL). */
void cmdline_init(ctx *c, const char *history_path);
void cmdline_shutdown(void);
/* Opens the line; complete_prefix is put before the text for completion, so a
 * filter completes as "sql SELECT * FROM t WHERE <text>" (NULL: Tab does nothing). */
void cmdline_open(enum line_kind kind, const char *prompt, const char *initial, const char *complete_prefix);
int cmdline_active(void);
enum cmdline_result { CMDLINE_EDITING, CMDLINE_ACCEPTED, CMDLINE_CANCELLED };
/* Feeds a key; on CMDLINE_ACCEPTED *line is the entered text (malloc'ed). */
enum cmdline_result cmdline_key(int ch, char **line);
/* Draws the line at row y, and the completion candidates (if any) in the rows
 * above popup_bottom, not higher than top. */
void cmdline_draw(int y, int width, int popup_bottom, int top);

#endif
