/* repl.c — the line REPL on GNU Readline. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <readline/history.h>
#include <readline/readline.h>

#include "cmd.h"
#include "strbuf.h"
#include "ui.h"

/* $XDG_STATE_HOME/persona/history (default ~/.local/state/persona/history), with
 * its folders created; NULL when there is no home to put it in. */
static char *history_path(void)
{
    const char *state = getenv("XDG_STATE_HOME");
    const char *home = getenv("HOME");
    struct strbuf dir = {0};
    if (state && *state)
        strbuf_puts(&dir, state);
    else if (home && *home)
        strbuf_printf(&dir, "%s/.local/state", home);
    else
        return NULL;
    strbuf_puts(&dir, "/persona");
    /* mkdir -p: each level in turn */
    for (char *p = dir.buf + 1; *p; p++) {
        if (*p == '/') {
            *p = '\0';
            mkdir(dir.buf, 0700);
            *p = '/';
        }
    }
    mkdir(dir.buf, 0700);
    strbuf_puts(&dir, "/history");
    return dir.buf;
}

int repl_run(ctx *c)
{
    char *hist = history_path();
    using_history();
    if (hist)
        read_history(hist);
    rl_readline_name = "persona";
    printf("persona %s — workspace %s. 'help' lists the commands, Ctrl-D quits.\n", PERSONA_VERSION,
           c->db_path);
    char *line;
    while ((line = readline("persona> ")) != NULL) {
        const char *p = line + strspn(line, " \t");
        if (strcmp(p, "quit") == 0 || strcmp(p, "exit") == 0) {
            free(line);
            break;
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
