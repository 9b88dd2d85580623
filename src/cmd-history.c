/* cmd-history.c — the command log: history, undo, replay. */
#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "fileio.h"
#include "resultset.h"
#include "sink.h"
#include "strbuf.h"
#include "tokenize.h"
#include "undo.h"
#include "workspace.h"

/* ---- history ---- */

/* Whether a 'running' entry in the log is a command that a killed process left:
 * it is when nobody holds the write lock (every changing command holds it while it
 * runs).  The next changing command records it as 'interrupted'; until then
 * history shows it so.  Probing takes the lock for a moment and writes nothing. */
static int log_running_is_stale(ctx *c)
{
    if (c->readonly || query_int(c, "SELECT count(*) FROM _persona_log WHERE status = 'running'") <= 0)
        return 0;
    sqlite3_busy_timeout(c->db, 0);
    int free_lock = sqlite3_exec(c->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK;
    if (free_lock)
        sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
    sqlite3_busy_timeout(c->db, 5000);
    return free_lock;
}

/* Whether a logged command line writes a file and does not say `force`: the saved
 * script adds it, because the files such a command replaces on a replay are the
 * ones its own earlier run wrote. */
static int needs_force(const char *line)
{
    struct words ws;
    char err[128];
    if (tokenize(line, &ws, err, sizeof err) != 0)
        return 0;
    const struct cmd_entry *e = ws.n ? cmd_find(ws.w[0].text) : NULL;
    int needs = e && (e->flags & CMD_WRITES_FILE);
    for (int i = 1; needs && i < ws.n; i++)
        if (!ws.w[i].key && !ws.w[i].quoted && strcmp(ws.w[i].text, "force") == 0)
            needs = 0;
    words_free(&ws);
    return needs;
}

/* Writes the commands that rebuild the workspace: successful, saveable, not undone. */
static int history_save(ctx *c, const char *path, int force)
{
    sqlite3_stmt *st;
    if (output_target_check(c, "history save", path, force) ||
        prepare_sql(c, "history save",
                    "SELECT command FROM _persona_log WHERE status='ok' AND saveable AND NOT undone "
                    "AND id < ? ORDER BY id", &st))
        return -1;
    sqlite3_bind_int64(st, 1, c->command_id ? c->command_id : INT64_MAX);
    struct strbuf b = {0};
    char now[32];
    utc_now(now, sizeof now);
    strbuf_printf(&b, "# persona script saved %s from workspace %s\n# run: persona -f %s\n"
                      "# commands that write files carry 'force': a replay writes them again\n",
                  now, c->db_path ? c->db_path : "", path);
    int n = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *line = (const char *)sqlite3_column_text(st, 0);
        strbuf_printf(&b, "%s%s\n", line, needs_force(line) ? " force" : "");
        n++;
    }
    sqlite3_finalize(st);
    int rc = write_file_atomic(c, "history save", path, b.buf, b.len, force);
    strbuf_free(&b);
    if (rc)
        return -1;
    sink_record_begin(c->out, NULL);
    sink_field(c->out, "saved", cell_text(path));
    sink_field(c->out, "commands", cell_int(n));
    sink_record_end(c->out);
    cmd_set_summary(c, "saved %d commands to %s", n, path);
    return 0;
}

static const struct cmd_option history_options[] = {
    {"limit", "50", "how many of the latest commands to list"},
    {"force", CMD_FLAG, "save: replace an existing file"},
    {NULL},
};

static int history_exec(ctx *c, const struct cmd_args *a)
{
    if (a->argc >= 1) {
        if (strcmp(a->argv[0], "save") != 0 || a->argc != 2)
            return ctx_error(c, "history: expected 'history' or 'history save FILE'");
        return history_save(c, a->argv[1], cmd_opt_given(a, "force"));
    }
    int64_t limit;
    if (cmd_opt_int(c, a, "limit", &limit))
        return -1;
    sqlite3_stmt *st;
    if (prepare_sql(c, "history",
                    "SELECT * FROM (SELECT id, started_at, round(duration_ms, 1) AS ms, "
                    "CASE WHEN status = 'running' AND ?3 THEN 'interrupted' "
                    "WHEN undone THEN status || ', undone' ELSE status END AS status, "
                    "command, summary FROM _persona_log WHERE id < ?1 ORDER BY id DESC LIMIT ?2) ORDER BY id",
                    &st))
        return -1;
    sqlite3_bind_int64(st, 1, c->command_id ? c->command_id : INT64_MAX);
    sqlite3_bind_int64(st, 2, limit);
    sqlite3_bind_int(st, 3, log_running_is_stale(c));
    int64_t n = resultset_write(c, st, NULL, -1, NULL);
    sqlite3_finalize(st);
    if (n < 0)
        return -1;
    cmd_set_summary(c, "%lld commands", (long long)n);
    return 0;
}

const struct cmd_entry cmd_history_entry = {
    .name = "history",
    .usage = "history [limit=N] | history save FILE [force]",
    .summary = "list the command log, or save the commands that rebuild this workspace as a script",
    .example = "history save rebuild.persona",
    .min_args = 0,
    .max_args = 2,
    .options = history_options,
    .flags = CMD_NOSAVE,
    .exec = history_exec,
};

/* ---- undo ---- */

static int undo_exec_cmd(ctx *c, const struct cmd_args *a)
{
    (void)a;
    int64_t id;
    if (undo_last(c, &id))
        return -1;
    sqlite3_stmt *st;
    char *command = NULL;
    if (prepare_sql(c, "undo", "SELECT command FROM _persona_log WHERE id=?", &st) == 0) {
        sqlite3_bind_int64(st, 1, id);
        if (sqlite3_step(st) == SQLITE_ROW)
            command = xstrdup((const char *)sqlite3_column_text(st, 0));
        sqlite3_finalize(st);
    }
    sink_record_begin(c->out, NULL);
    sink_field(c->out, "undone", cell_int(id));
    sink_field(c->out, "command", cell_text(command));
    sink_record_end(c->out);
    cmd_set_summary(c, "undid #%lld: %s", (long long)id, command ? command : "");
    free(command);
    return 0;
}

const struct cmd_entry cmd_undo_entry = {
    .name = "undo",
    .usage = "undo",
    .summary = "put the workspace back as it was before the last changing command",
    .example = "undo",
    .max_args = 0,
    .flags = CMD_CHANGES | CMD_NOSAVE,
    .exec = undo_exec_cmd,
};

/* ---- replay ---- */

struct replay_failure {
    char message[2048];
};

static void replay_report(void *arg, const char *script, int line, const char *message)
{
    struct replay_failure *f = arg;
    snprintf(f->message, sizeof f->message, "%s:%d: %s", script, line, message);
}

enum { MAX_REPLAY_DEPTH = 8 };

static int replay_exec(ctx *c, const struct cmd_args *a)
{
    const char *path = a->argv[0];
    if (c->depth >= MAX_REPLAY_DEPTH)
        return ctx_error(c, "replay: %s: scripts nested %d deep; does it replay itself?", path, c->depth);
    struct strbuf text = {0};
    if (read_text_file(c, "replay", path, &text))
        return -1;
    struct replay_failure f = {{0}};
    c->depth++;
    int failures = run_script(c, strbuf_str(&text), path, 0, replay_report, &f);
    c->depth--;
    strbuf_free(&text);
    if (failures)
        return ctx_error(c, "replay: %s", f.message);
    cmd_set_summary(c, "replayed %s", path);
    return 0;
}

const struct cmd_entry cmd_replay_entry = {
    .name = "replay",
    .usage = "replay SCRIPT",
    .summary = "run the commands of a script (as saved by 'history save') in this workspace",
    .example = "replay rebuild.persona",
    .min_args = 1,
    .max_args = 1,
    .flags = CMD_NOSAVE,
    .exec = replay_exec,
};
