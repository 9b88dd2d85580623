/* workbench.c — the ncurses workbench: the screen layout, the main loop, the
 * sidebar, the status line, and running commands as jobs.
 *
 *   ┌ header: Persona, the workspace, the main keys ───────────────────────┐
 *   │ sidebar (tables, │ the view on top of the stack (grid, record, …)    │
 *   │ segments, …)     │                                                   │
 *   ├ status: table, row N of M, column; the running job and its progress ─┤
 *   └ message line, or the command line while it is open ─────────────────┘
 *
 * The loop draws everything, waits for a key (a tenth of a second at most while a
 * job runs, to move its progress bar), and dispatches the key: to the command line
 * when it is open, to the sidebar when it has the focus, else to the view on top
 * and then to the keys that work everywhere. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "browse.h"
#include "cmd.h"
#include "jobs.h"
#include "statefile.h"
#include "strbuf.h"
#include "ui.h"
#include "utf8.h"
#include "wb.h"
#include "workspace.h"

enum { MAX_VIEWS = 16, MIN_LINES = 10, MIN_COLS = 40 };

struct wb {
    ctx *c;
    struct job_runner *jobs;
    struct grid *grid;
    struct view stack[MAX_VIEWS];
    int depth;
    unsigned next_id;

    struct sidebar *side;
    int side_focus;

    char message[1024];
    int message_error;
    const char *busy;               /* a long read the front end waits for */
    double busy_polled;

    void (*prompt_done)(struct wb *w, const char *line);
    struct job_result last;         /* the last finished command */
    int have_last;
    int job_owned;                  /* the running command was started by a view… */
    unsigned job_owner;             /* …with this id */
    int confirm_quit, quit;
};

ctx *wb_ctx(struct wb *w) { return w->c; }

struct grid *wb_grid(struct wb *w) { return w->grid; }

struct view *wb_top(struct wb *w) { return w->depth ? &w->stack[w->depth - 1] : NULL; }

void wb_push(struct wb *w, const struct view_ops *ops, void *state)
{
    if (w->depth == MAX_VIEWS) {    /* drop the oldest view above the grid */
        w->stack[1].ops->free(w->stack[1].state);
        memmove(&w->stack[1], &w->stack[2], (size_t)(MAX_VIEWS - 2) * sizeof w->stack[0]);
        w->depth--;
    }
    w->stack[w->depth++] = (struct view){ops, state, ++w->next_id};
}

void wb_pop(struct wb *w)
{
    if (w->depth <= 1)
        return;
    struct view *v = &w->stack[--w->depth];
    v->ops->free(v->state);
}

void wb_message(struct wb *w, int error, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(w->message, sizeof w->message, fmt, ap);
    va_end(ap);
    w->message_error = error;
}

void wb_prompt(struct wb *w, enum line_kind kind, const char *prompt, const char *initial,
               const char *complete_prefix, void (*done)(struct wb *w, const char *line))
{
    w->prompt_done = done;
    w->message[0] = '\0';
    cmdline_open(kind, prompt, initial, complete_prefix);
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- long reads on the front end's connection ---- */

static void draw_screen(struct wb *w);

/* Called by SQLite while a long read runs: stops it on Ctrl-C or Escape.  Keys
 * are looked at twenty times a second, not on every call. */
static int interrupted(void *arg)
{
    struct wb *w = arg;
    double now = now_seconds();
    if (now - w->busy_polled < 0.05)
        return 0;
    w->busy_polled = now;
    nodelay(stdscr, TRUE);
    int ch = getch();
    nodelay(stdscr, FALSE);
    return ch == KEY_CTRL_C || ch == KEY_ESC;
}

void wb_busy(struct wb *w, const char *what)
{
    w->busy = what;
    w->busy_polled = now_seconds();
    browse_set_interrupt(w->c, interrupted, w);
    draw_screen(w);
}

void wb_idle(struct wb *w)
{
    browse_set_interrupt(w->c, NULL, NULL);
    w->busy = NULL;
}

/* ---- the status line ---- */

/* "load ██████▌     45% loading 0:03" for the running job at the
 * right end of the status line; returns the columns it took. */
static int draw_job(struct wb *w, int y, int right)
{
    struct job_status st;
    job_status(w->jobs, &st);
    if (st.state != JOB_RUNNING)
        return 0;
    char info[96];
    int secs = (int)st.elapsed;
    if (st.cancelling)
        snprintf(info, sizeof info, " cancelling… %d:%02d ", secs / 60, secs % 60);
    else if (st.total > 0)
        snprintf(info, sizeof info, " %3.0f%% %s %d:%02d ", 100.0 * (double)st.done / (double)st.total,
                 st.phase, secs / 60, secs % 60);
    else
        snprintf(info, sizeof info, " %s %d:%02d ", st.phase[0] ? st.phase : "running", secs / 60, secs % 60);
    /* the command's name: the message line has the whole line */
    int iw = text_width(info), barw = st.total > 0 && !st.cancelling ? 10 : 0;
    int nlen = (int)strcspn(st.line, " \t"), lw = utf8_width(st.line, (size_t)nlen) + 2;
    int width = lw + barw + iw, x = right - width;
    if (x < 0)
        return 0;
    draw_fill(y, x, lw, theme(T_BAR_KEY));
    draw_text(y, x + 1, lw - 2, st.line, nlen, theme(T_BAR_KEY), 1);
    if (barw) {
        draw_fill(y, x + lw, barw, theme(T_PROGRESS));
        draw_bar(y, x + lw, barw, (double)st.done / (double)st.total, theme(T_PROGRESS));
    }
    draw_text(y, x + lw + barw, iw, info, -1, theme(T_BAR), 0);
    return width;
}

static void draw_status(struct wb *w, int y)
{
    draw_fill(y, 0, COLS, theme(T_BAR));
    int used = draw_job(w, y, COLS);
    const char *table = grid_table(w->grid);
    struct strbuf s = {0};
    strbuf_printf(&s, " %s", w->c->db_path);
    if (table) {
        char pos[96];
        grid_position(w->grid, pos, sizeof pos);
        strbuf_printf(&s, " │ %s │ %s", table, pos);
        const struct browse *b = grid_browse(w->grid);
        int col = grid_column(w->grid);
        if (b && col >= 0)
            strbuf_printf(&s, " │ %s%s%s", b->cols[col], *b->types[col] ? " " : "", b->types[col]);
    }
    draw_text(y, 0, COLS - used - 1, strbuf_str(&s), -1, theme(T_BAR), 1);
    strbuf_free(&s);
}

static void draw_header(struct wb *w)
{
    draw_fill(0, 0, COLS, theme(T_BAR));
    int x = draw_text(0, 0, COLS, " Persona ", -1, theme(T_BAR_KEY), 0);
    struct view *top = wb_top(w);
    const char *where = w->side_focus ? "workspace" : top ? top->ops->name : "";
    draw_fmt(0, x, COLS / 2, theme(T_BAR), " %s", where);
    static const char keys[] = "?:help  ::command  Tab:workspace  q:quit ";
    int kw = text_width(keys);
    if (COLS - kw > x + 10)
        draw_text(0, COLS - kw, kw, keys, -1, theme(T_BAR), 0);
}

static void draw_message(struct wb *w, int y)
{
    draw_fill(y, 0, COLS, theme(T_NORMAL));
    if (w->busy) {
        draw_fmt(y, 0, COLS, theme(T_DIM), "%s… (Ctrl-C stops)", w->busy);
        return;
    }
    if (w->message[0]) {
        draw_text(y, 0, COLS, w->message, -1, theme(w->message_error ? T_ERROR : T_NORMAL), 1);
        return;
    }
    struct view *top = wb_top(w);
    char hint[512];
    if (w->side_focus)
        sidebar_hint(w->side, hint, sizeof hint);
    else
        snprintf(hint, sizeof hint, "%s", top ? top->ops->hints : "");
    draw_text(y, 0, COLS, hint, -1, theme(T_DIM), 1);
}

static void draw_screen(struct wb *w)
{
    erase();
    if (LINES < MIN_LINES || COLS < MIN_COLS) {
        draw_text(0, 0, COLS, "The terminal is too small for the workbench.", -1, theme(T_ERROR), 1);
        refresh();
        return;
    }
    draw_header(w);
    struct view *top = wb_top(w);
    int sw = sidebar_width(), wide = top && top->ops->wide;
    struct rect main = {1, sw && !wide ? sw + 1 : 0, LINES - 3, COLS - (sw && !wide ? sw + 1 : 0)};
    if (top)
        top->ops->draw(w, top, main);
    if (sw && (!wide || w->side_focus)) {   /* over a wide view while it has the focus */
        sidebar_draw(w, w->side, (struct rect){1, 0, LINES - 3, sw}, w->side_focus);
        mvvline(1, sw, ACS_VLINE, LINES - 3);
    }
    draw_status(w, LINES - 2);
    if (cmdline_active()) {
        cmdline_draw(LINES - 1, COLS, LINES - 2, 1);
    } else {
        draw_message(w, LINES - 1);
        if (w->confirm_quit)
            move(LINES - 1, text_width(w->message));
    }
    refresh();
}

/* ---- jobs ---- */

/* A command line cut to 30 columns with "…", for messages about it. */
static const char *shorten(const char *line, char *buf, size_t size)
{
    int w;
    size_t n = strlen(line), fit = utf8_fit(line, n, 29, &w);
    snprintf(buf, size, "%.*s%s", (int)fit, line, fit < n ? "…" : "");
    return buf;
}

int wb_job_running(struct wb *w)
{
    struct job_status st;
    job_status(w->jobs, &st);
    return st.state != JOB_IDLE;
}

int wb_run(struct wb *w, const char *line)
{
    struct job_status st;
    job_status(w->jobs, &st);
    if (st.state != JOB_IDLE) {
        char running[64];
        wb_message(w, 1, "'%s' is still running: wait for it, or Ctrl-C cancels it",
                   shorten(st.line, running, sizeof running));
        return -1;
    }
    if (job_start(w->jobs, line) != 0) {
        wb_message(w, 1, "cannot start '%s'", line);
        return -1;
    }
    w->job_owned = 0;
    wb_message(w, 0, "running: %s (Ctrl-C cancels it)", line);
    return 0;
}

int wb_run_for(struct wb *w, struct view *v, const char *line)
{
    if (wb_run(w, line) != 0)
        return -1;
    /* a memory workspace ran it already, but its result is taken on the next turn */
    w->job_owned = 1;
    w->job_owner = v->id;
    return 0;
}

void wb_show_output(struct wb *w)
{
    if (!w->have_last) {
        wb_message(w, 0, "no command has run yet: ':' opens the command line");
        return;
    }
    const struct job_result *r = &w->last;
    struct strbuf text = {0}, title = {0};
    if (r->failed)
        strbuf_printf(&text, "error: %s\n\n", r->error);
    if (r->notes && *r->notes)
        strbuf_printf(&text, "%s\n", r->notes);
    strbuf_puts(&text, r->output);
    if (!text.len)
        strbuf_puts(&text, r->summary[0] ? r->summary : "(no output)");
    strbuf_printf(&title, ":%s — %s, %.1f s", r->line, r->cancelled ? "cancelled" : r->failed ? "failed" : "ok",
                  r->seconds);
    pager_show(w, strbuf_str(&title), strbuf_str(&text));
    strbuf_free(&text);
    strbuf_free(&title);
}

/* Enter on a query's output: its rows in the grid, to sort, filter and search. */
static void browse_last_query(struct wb *w)
{
    const char *line = w->have_last ? w->last.line : "";
    size_t n = strcspn(line, " \t");
    char name[32];
    snprintf(name, sizeof name, "%.*s", (int)(n < sizeof name ? n : sizeof name - 1), line);
    ctx scratch = {0};
    if (!*name || cmd_lookup(&scratch, name) != &cmd_sql_entry) {
        wb_message(w, 1, "only the rows of an ':sql SELECT …' open in the grid");
        return;
    }
    const char *query = line + n + strspn(line + n, " \t");
    if (grid_open_query(w, w->grid, query) == 0)
        while (w->depth > 1)
            wb_pop(w);
}

static struct view *find_view(struct wb *w, unsigned id)
{
    for (int i = 0; i < w->depth; i++)
        if (w->stack[i].id == id)
            return &w->stack[i];
    return NULL;
}

/* A job ended: show its result, and read again what it may have changed. */
static void finish_job(struct wb *w)
{
    struct job_result r;
    if (job_take(w->jobs, &r) != 0)
        return;
    job_result_free(&w->last);
    w->last = r;
    w->have_last = 1;
    /* taken now: drawing while the workspace is read again may start a view's next command */
    int owned = w->job_owned;
    unsigned owner_id = w->job_owner;
    w->job_owned = 0;
    /* the worker may have adopted the file (Persona's tables created): read them */
    workspace_refresh(w->c);
    if (r.changed) {
        const char *fresh = sidebar_load(w, w->side);
        if (fresh && !r.failed) {       /* a load (or CREATE TABLE) made one: show it */
            grid_open(w, w->grid, fresh);
            sidebar_select(w->side, fresh);
        } else if (grid_table(w->grid)) {
            grid_reload(w, w->grid);
        }
        if (!grid_table(w->grid) && sidebar_first_table(w->side))  /* it was dropped, or there was none */
            grid_open(w, w->grid, sidebar_first_table(w->side));
    }
    if (r.failed)
        wb_message(w, 1, "%s", r.error);
    else
        wb_message(w, 0, "%s — %s (%.1f s)", r.line, r.summary[0] ? r.summary : "ok", r.seconds);
    struct view *owner = owned ? find_view(w, owner_id) : NULL;
    /* a view that has closed since: the message line says enough */
    int shown = owner ? owner->ops->job_done(w, owner, &w->last) : owned;
    if (!shown && (r.failed || r.output[0] || r.notes[0]))
        wb_show_output(w);
}

static void poll_job(struct wb *w)
{
    struct job_status st;
    job_status(w->jobs, &st);
    if (st.state == JOB_DONE)
        finish_job(w);
}

static int job_running(struct wb *w)
{
    struct job_status st;
    job_status(w->jobs, &st);
    return st.state == JOB_RUNNING;
}

/* ---- keys ---- */

void wb_command(struct wb *w, const char *line)
{
    const char *p = line + strspn(line, " \t");
    size_t n = strlen(p);
    while (n && (p[n - 1] == ' ' || p[n - 1] == '\t'))
        n--;
    if (n == 0)
        return;
    if ((n == 1 && *p == 'q') || (n == 4 && strncmp(p, "quit", 4) == 0) || (n == 4 && strncmp(p, "exit", 4) == 0)) {
        w->quit = 1;
        return;
    }
    if (plot_view_open(w, line) || review_view_open(w, line))
        return;
    wb_run(w, line);
}

static void ask_quit(struct wb *w)
{
    if (!job_running(w)) {
        w->quit = 1;
        return;
    }
    struct job_status st;
    job_status(w->jobs, &st);
    w->confirm_quit = 1;
    char line[64];
    wb_message(w, 1, "'%s' is running. Quit and cancel it? (y/n) ", shorten(st.line, line, sizeof line));
}

/* A key, with Escape told apart from Alt-key (Escape then the key at once). */
static int read_key(void)
{
    int ch = getch();
    if (ch != KEY_ESC)
        return ch;
    nodelay(stdscr, TRUE);
    int next = getch();
    nodelay(stdscr, FALSE);
    return next == ERR ? KEY_ESC : KEY_META | next;
}

static void handle_key(struct wb *w, int ch)
{
    if (ch == KEY_RESIZE) {
        clear();
        return;
    }
    if (w->confirm_quit) {
        w->confirm_quit = 0;
        w->message[0] = '\0';
        if (ch == 'y' || ch == 'Y')
            w->quit = 1;
        return;
    }
    if (ch == KEY_CTRL_C && job_running(w)) {
        job_cancel(w->jobs);
        wb_message(w, 0, "cancelling…");
        return;
    }
    if ((ch & KEY_META) && !cmdline_active()) {
        /* Alt-x means nothing outside the command line: it was Escape, then x,
         * typed faster than the Escape delay */
        handle_key(w, KEY_ESC);
        handle_key(w, ch & ~KEY_META);
        return;
    }
    if (cmdline_active()) {
        char *line;
        enum cmdline_result r = cmdline_key(ch, &line);
        if (r == CMDLINE_ACCEPTED) {
            if (w->prompt_done)
                w->prompt_done(w, line);
            free(line);
        }
        return;
    }
    w->message[0] = '\0';
    if (ch == ':') {
        wb_prompt(w, LINE_COMMAND, ":", NULL, "", wb_command);
        return;
    }
    if (ch == '?' || ch == KEY_F(1)) {
        help_open(w);
        return;
    }
    if (w->side_focus) {
        int used = sidebar_key(w, w->side, ch);
        if (used == SIDEBAR_DONE)
            w->side_focus = 0;
        if (used)
            return;
    }
    struct view *top = wb_top(w);
    if (top && top->ops->key(w, top, ch))
        return;
    switch (ch) {
    case '\t':
        w->side_focus = sidebar_width() > 0;
        if (!w->side_focus)
            wb_message(w, 1, "the window is too narrow for the workspace list");
        break;
    case 'o':
        wb_show_output(w);
        break;
    case '\n': case '\r': case KEY_ENTER:
        if (is_output_view(top))
            browse_last_query(w);
        break;
    case 'q':
        if (w->depth > 1)
            wb_pop(w);
        else
            ask_quit(w);
        break;
    case KEY_ESC:
        wb_pop(w);
        break;
    case KEY_CTRL_C:
        wb_message(w, 0, "nothing to cancel (q quits)");
        break;
    default:
        break;
    }
}

int workbench_run(ctx *c)
{
    struct wb w = {.c = c};
    w.jobs = job_runner_open(c);
    if (!w.jobs) {
        fprintf(stderr, "persona: %s\n", c->err);
        return 1;
    }
    char *history = state_file_path("history");
    initscr();
    raw();              /* Ctrl-C is a key here: it cancels the job, not the program */
    noecho();
    keypad(stdscr, TRUE);
    set_escdelay(25);
    curs_set(0);
    theme_init(c->color);
    draw_init();
    cmdline_init(c, history);
    free(history);

    w.grid = grid_new();
    wb_push(&w, &grid_ops, w.grid);
    w.side = sidebar_new();
    sidebar_load(&w, w.side);
    if (sidebar_first_table(w.side))
        grid_open(&w, w.grid, sidebar_first_table(w.side));
    while (!w.quit) {
        poll_job(&w);
        draw_screen(&w);
        /* while a job runs (or has just ended), wake up to move its progress bar
         * and to see it end; otherwise sleep until a key */
        struct job_status st;
        job_status(w.jobs, &st);
        timeout(st.state != JOB_IDLE ? 100 : -1);
        int ch = read_key();
        if (ch != ERR)
            handle_key(&w, ch);
    }
    cmdline_shutdown();
    endwin();
    job_runner_close(w.jobs);       /* cancels a running job and waits for it */
    for (int i = w.depth - 1; i >= 0; i--)
        w.stack[i].ops->free(w.stack[i].state);
    sidebar_free(w.side);
    job_result_free(&w.last);
    return 0;
}
