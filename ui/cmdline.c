/* cmdline.c — GNU Readline living inside the workbench.
 *
 * Readline runs through its callback interface and never sees the terminal: keys
 * from curses are queued as bytes and handed over by our getc hook, redisplay is a
 * no-op (the workbench draws rl_line_buffer itself, every frame), terminal
 * preparation and signal handling are switched off, and anything readline would
 * print goes to /dev/null.  Editing keys, ~/.inputrc, history and incremental
 * search (Ctrl-R) are readline's; Tab is ours, so completion can use the command
 * table (complete.h) and list the candidates inside the workbench. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <readline/history.h>
#include <readline/readline.h>

#include "complete.h"
#include "strbuf.h"
#include "utf8.h"
#include "wb.h"

enum { QUEUE = 64, HISTORY_MAX = 5000, POPUP_ROWS = 8 };

static struct {
    ctx *c;
    char *history_path;
    FILE *devnull;
    int active;
    enum line_kind kind;
    char *complete_prefix;
    HISTORY_STATE *saved[LINE_KINDS];   /* the other kinds' histories */
    unsigned char queue[QUEUE];
    int qhead, qlen;
    int done;
    char *accepted;
    char **cands;                   /* completion candidates being shown */
    int ncands;
} L;

static int queue_getc(FILE *f)
{
    (void)f;
    if (L.qlen == 0)
        return '\n';    /* not reached: readline is only called with input queued */
    unsigned char ch = L.queue[L.qhead];
    L.qhead = (L.qhead + 1) % QUEUE;
    L.qlen--;
    return ch;
}

static int queue_available(void) { return L.qlen > 0; }

static void queue_bytes(const char *s, size_t n)
{
    for (size_t i = 0; i < n && L.qlen < QUEUE; i++) {
        L.queue[(L.qhead + L.qlen) % QUEUE] = (unsigned char)s[i];
        L.qlen++;
    }
}

static void no_redisplay(void) {}
static void no_prep(int meta) { (void)meta; }
static void no_deprep(void) {}

static void on_line(char *line)
{
    L.done = 1;
    L.accepted = line;
    rl_callback_handler_remove();
}

void cmdline_init(ctx *c, const char *history_path)
{
    L.c = c;
    L.history_path = history_path ? xstrdup(history_path) : NULL;
    L.devnull = fopen("/dev/null", "w");
    rl_readline_name = "persona";
    rl_catch_signals = 0;
    rl_catch_sigwinch = 0;
    rl_change_environment = 0;
    rl_prep_term_function = no_prep;
    rl_deprep_term_function = no_deprep;
    rl_getc_function = queue_getc;
    rl_input_available_hook = queue_available;
    rl_redisplay_function = no_redisplay;
    rl_outstream = L.devnull;
    using_history();
    /* append_history() only appends to a file that exists */
    if (L.history_path && read_history(L.history_path) != 0)
        write_history(L.history_path);
    /* Reads ~/.inputrc once; the bindings below fill gaps it leaves. */
    rl_initialize();
    rl_variable_bind("bell-style", "none");
    rl_bind_keyseq_if_unbound("\033[3~", rl_delete);
    rl_bind_keyseq_if_unbound("\033[H", rl_beg_of_line);
    rl_bind_keyseq_if_unbound("\033[F", rl_end_of_line);
}

static void cmdline_close(void);

static void clear_candidates(void)
{
    for (int i = 0; i < L.ncands; i++)
        free(L.cands[i]);
    free(L.cands);
    L.cands = NULL;
    L.ncands = 0;
}

void cmdline_shutdown(void)
{
    cmdline_close();
    clear_candidates();
    if (L.history_path)
        history_truncate_file(L.history_path, HISTORY_MAX);
    free(L.saved[L.kind]);
    L.saved[L.kind] = history_get_history_state();
    for (int k = 0; k < LINE_KINDS; k++) {     /* each kind's entries, and its list */
        if (!L.saved[k])
            continue;
        history_set_history_state(L.saved[k]);
        clear_history();
        free(history_list());
        free(L.saved[k]);
    }
    HISTORY_STATE empty = {0};
    history_set_history_state(&empty);
    free(L.history_path);
    free(L.complete_prefix);
    if (L.devnull)
        fclose(L.devnull);
    memset(&L, 0, sizeof L);
}

/* Each kind of line keeps its own history: commands, filters, searches, paths. */
static void switch_history(enum line_kind kind)
{
    if (kind == L.kind)
        return;
    free(L.saved[L.kind]);
    L.saved[L.kind] = history_get_history_state();
    if (L.saved[kind]) {
        history_set_history_state(L.saved[kind]);
    } else {
        HISTORY_STATE empty = {0};
        history_set_history_state(&empty);
    }
    L.kind = kind;
}

void cmdline_open(enum line_kind kind, const char *prompt, const char *initial, const char *complete_prefix)
{
    switch_history(kind);
    free(L.complete_prefix);
    L.complete_prefix = xstrdup(complete_prefix ? complete_prefix : "");
    L.done = 0;
    L.accepted = NULL;
    L.qlen = 0;
    rl_callback_handler_install(prompt, on_line);
    if (initial && *initial)
        rl_insert_text(initial);
    L.active = 1;
    curs_set(1);
}

int cmdline_active(void) { return L.active; }

/* Abandons the line being edited, readline's state (a search) with it. */
static void cmdline_close(void)
{
    if (!L.active)
        return;
    rl_callback_sigcleanup();
    rl_replace_line("", 1);
    rl_callback_handler_remove();
    L.active = 0;
    clear_candidates();
    curs_set(0);
}

/* Replaces line[start, rl_point) with text. */
static void replace_word(int start, const char *text)
{
    rl_begin_undo_group();
    rl_delete_text(start, rl_point);
    rl_point = start;
    rl_insert_text(text);
    rl_end_undo_group();
}

/* The bytes all candidates start with, not ending inside a character. */
static size_t common_prefix(char **items, int n)
{
    size_t len = strlen(items[0]);
    for (int i = 1; i < n; i++) {
        size_t k = 0;
        while (k < len && items[i][k] == items[0][k])
            k++;
        len = k;
    }
    while (len > 0 && (items[0][len] & 0xC0) == 0x80)
        len--;
    return len;
}

static void complete(void)
{
    clear_candidates();
    struct strbuf line = {0};
    strbuf_puts(&line, L.complete_prefix);
    size_t plen = line.len;
    strbuf_append(&line, rl_line_buffer, (size_t)rl_end);
    struct completion cp;
    complete_line(L.c, strbuf_str(&line), plen + (size_t)rl_point, &cp);
    strbuf_free(&line);
    if (cp.n == 0 || cp.start < plen) {
        completion_free(&cp);
        return;
    }
    int start = (int)(cp.start - plen);
    if (cp.n == 1) {
        replace_word(start, cp.items[0]);
        if (completion_is_final(&cp)) {
            char close[3] = {cp.quote, ' ', '\0'};
            rl_insert_text(cp.quote ? close : " ");
        }
        completion_free(&cp);
        return;
    }
    size_t common = common_prefix(cp.items, cp.n);
    if ((int)common > rl_point - start) {
        struct strbuf p = {0};
        strbuf_append(&p, cp.items[0], common);
        replace_word(start, strbuf_str(&p));
        strbuf_free(&p);
    }
    L.cands = cp.items;         /* shown until the next key */
    L.ncands = cp.n;
    cp.items = NULL;
    cp.n = 0;
    completion_free(&cp);
}

/* Bytes readline knows for a curses key code, or NULL. */
static const char *key_sequence(int ch)
{
    switch (ch) {
    case KEY_LEFT: return "\033[D";
    case KEY_RIGHT: return "\033[C";
    case KEY_UP: return "\033[A";
    case KEY_DOWN: return "\033[B";
    case KEY_HOME: return "\033[H";
    case KEY_END: return "\033[F";
    case KEY_DC: return "\033[3~";
    case KEY_BACKSPACE: return "\177";
    case KEY_ENTER: return "\r";
    default: return NULL;
    }
}

enum cmdline_result cmdline_key(int ch, char **line)
{
    *line = NULL;
    if (!L.active)
        return CMDLINE_CANCELLED;
    int searching = RL_ISSTATE(RL_STATE_ISEARCH | RL_STATE_NSEARCH);
    if (ch == KEY_ESC || ch == KEY_CTRL_C || (ch == KEY_CTRL_G && !searching)) {
        cmdline_close();
        return CMDLINE_CANCELLED;
    }
    if (ch == '\t' && !searching) {
        complete();
        return CMDLINE_EDITING;
    }
    clear_candidates();
    const char *seq = key_sequence(ch);
    if (seq) {
        queue_bytes(seq, strlen(seq));
    } else if (ch & KEY_META) {
        char b[2] = {'\033', (char)(ch & 0xff)};
        queue_bytes(b, 2);
    } else if (ch >= 0 && ch < 256) {
        char b = (char)ch;
        queue_bytes(&b, 1);
    }
    while (L.qlen > 0 && !L.done)
        rl_callback_read_char();
    L.qlen = 0;
    if (!L.done)
        return CMDLINE_EDITING;
    L.active = 0;
    curs_set(0);
    if (!L.accepted)            /* Ctrl-D on an empty line */
        return CMDLINE_CANCELLED;
    size_t n = strlen(L.accepted);
    while (n && (L.accepted[n - 1] == ' ' || L.accepted[n - 1] == '\t'))
        L.accepted[--n] = '\0';
    if (L.accepted[strspn(L.accepted, " \t")]) {
        HIST_ENTRY *last = history_length > 0 ? history_get(history_base + history_length - 1) : NULL;
        if (!last || strcmp(last->line, L.accepted) != 0) {
            add_history(L.accepted);
            if (L.kind == LINE_COMMAND && L.history_path)
                append_history(1, L.history_path);
        }
    }
    *line = L.accepted;
    L.accepted = NULL;
    return CMDLINE_ACCEPTED;
}

/* The candidates in columns in the rows above y, as many rows as fit below top. */
static void draw_candidates(int y, int width, int top)
{
    int colw = 0;
    for (int i = 0; i < L.ncands; i++) {
        int w = text_width(L.cands[i]);
        if (w > colw)
            colw = w;
    }
    colw += 2;
    if (colw > width)
        colw = width;
    int cols = width / colw;
    int rows = (L.ncands + cols - 1) / cols;
    int room = y - top;
    if (room > POPUP_ROWS)
        room = POPUP_ROWS;
    int shown = rows > room ? room : rows;
    if (shown <= 0)
        return;
    int capacity = shown * cols, more = L.ncands > capacity;
    for (int r = 0; r < shown; r++) {
        int yy = y - shown + r;
        draw_fill(yy, 0, width, theme(T_POPUP));
        for (int k = 0; k < cols; k++) {
            int i = k * shown + r;      /* down the columns, like ls */
            if (i >= L.ncands)
                continue;
            if (more && i == capacity - 1) {
                draw_fmt(yy, k * colw, colw, theme(T_POPUP) | A_BOLD, "… %d more", L.ncands - i);
                continue;
            }
            draw_cell(yy, k * colw + 1, colw - 1, L.cands[i], 0, theme(T_POPUP));
        }
    }
}

void cmdline_draw(int y, int width, int popup_bottom, int top)
{
    if (!L.active)
        return;
    if (L.ncands)
        draw_candidates(popup_bottom, width, top);
    const char *prompt = rl_display_prompt ? rl_display_prompt : "";
    draw_fill(y, 0, width, theme(T_NORMAL));
    int pw = draw_text(y, 0, width - 8, prompt, -1, theme(T_TITLE), 1);
    int room = width - pw - 1;
    int cursor = utf8_width(rl_line_buffer, (size_t)rl_point);
    /* keep the cursor in view, a quarter of the width of context before it */
    int skip = cursor < room ? 0 : cursor - room + room / 4;
    draw_text_from(y, pw, room, rl_line_buffer, skip, theme(T_NORMAL));
    move(y, pw + cursor - skip);
}
