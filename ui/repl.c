/* repl.c — the line REPL on GNU Readline. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <readline/history.h>
#include <readline/readline.h>

#include "cmd.h"
#include "statefile.h"
#include "complete.h"
#include "strbuf.h"
#include "ui.h"

/* ---- Tab completion: src/complete.c decides, readline inserts ---- */

static ctx *completion_ctx;         /* readline's callbacks take no argument */
static struct completion offered;   /* the candidates of the Tab being handled */

/* Readline's word break characters for this Tab, chosen so that its word starts where
 * complete_line() replaces from: the one character just before that point (which
 * the replaced part does not contain), or none at the line's start.  So "key=", a
 * path's folders and an opening quote stay as typed, and the list shows "country"
 * and "customers.csv", not "where=country" and "data/customers.csv".  A fixed
 * rl_completer_word_break_characters cannot do this: '=' and '/' break a word after
 * "key=" and in a path but not inside a quoted path or an expression. */
static char *completion_word_breaks(void)
{
    static char breaks[2];
    struct completion cp;
    complete_line(completion_ctx, rl_line_buffer, (size_t)rl_point, &cp);
    breaks[0] = cp.start > 0 ? rl_line_buffer[cp.start - 1] : '\0';
    completion_free(&cp);
    return breaks;
}

/* Hands readline the candidates one at a time, malloc'ed (readline frees them). */
static char *next_candidate(const char *text, int state)
{
    static int i;
    (void)text;     /* the candidates already fit it */
    if (state == 0)
        i = 0;
    return i < offered.n ? xstrdup(offered.items[i++]) : NULL;
}

/* Completes line[start, end), the word readline found (end is the cursor).  That
 * word starts later than complete_line()'s when the break character also occurs in
 * the part being replaced; the candidates then lose the part readline keeps. */
static char **complete_word(const char *text, int start, int end)
{
    rl_attempted_completion_over = 1;   /* no readline file names when nothing fits */
    complete_line(completion_ctx, rl_line_buffer, (size_t)end, &offered);
    if ((size_t)start < offered.start)  /* not with completion_word_breaks() in place */
        completion_free(&offered);
    size_t skip = (size_t)start - offered.start;
    int n = 0;
    for (int i = 0; i < offered.n; i++) {
        if (strncmp(offered.items[i], rl_line_buffer + offered.start, skip) == 0)
            offered.items[n++] = memmove(offered.items[i], offered.items[i] + skip,
                                         strlen(offered.items[i]) - skip + 1);
        else
            free(offered.items[i]);
    }
    offered.n = n;
    if (!completion_is_final(&offered)) {
        rl_completion_suppress_append = 1;
    } else if (offered.quote) {
        struct strbuf b = {0};
        strbuf_printf(&b, "%s%c", offered.items[0], offered.quote);
        free(offered.items[0]);
        offered.items[0] = b.buf;
    }
    char **matches = rl_completion_matches(text, next_candidate);
    completion_free(&offered);
    return matches;
}

int repl_run(ctx *c)
{
    char *hist = state_file_path("history");
    using_history();
    /* append_history() only appends to a file that exists: the first run makes it */
    if (hist && read_history(hist) == ENOENT)
        write_history(hist);
    rl_readline_name = "persona";
    completion_ctx = c;
    rl_attempted_completion_function = complete_word;
    rl_completion_word_break_hook = completion_word_breaks;
    /* A quote as break character would make readline close it instead of adding a
     * blank; complete_word() closes quotes itself. */
    rl_basic_quote_characters = "";
    printf("persona %s — workspace %s. 'help' lists the commands, Ctrl-D quits.\n", PERSONA_VERSION,
           c->db_path);
    char *line;
    while ((line = readline("persona> ")) != NULL) {
        const char *p = line + strspn(line, " \t");
        if (strcmp(p, "quit") == 0 || strcmp(p, "exit") == 0) {
            free(line);
            break;
        }
        /* an SQL statement cut short goes on at a continuation prompt */
        while (*p && cmd_line_needs_more(line)) {
            char *more = readline("    ...> ");
            if (!more)
                break;
            size_t n = strlen(line), m = strlen(more);
            char *joined = xmalloc(n + m + 2);
            memcpy(joined, line, n);
            joined[n] = '\n';
            memcpy(joined + n + 1, more, m + 1);
            free(line);
            free(more);
            line = joined;
            p = line + strspn(line, " \t");
        }
        if (*p) {
            add_history(line);
            if (hist)
                append_history(1, hist);
            if (run_line(c, line) != 0)
                fprintf(stderr, "error: %s\n", c->err);
            fflush(stdout);
        }
        free(line);
    }
    if (hist)
        history_truncate_file(hist, 5000);
    free(hist);
    return 0;
}
