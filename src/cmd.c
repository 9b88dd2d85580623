/* cmd.c — the command table, lookup, argument checking, running and help. */
#include "cmd.h"

#include <ctype.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sink.h"
#include "similar.h"
#include "strbuf.h"
#include "tokenize.h"
#include "undo.h"
#include "utf8.h"
#include "workspace.h"

/* The table, in the order `help` lists it: data first, in the order of a session. */
static const struct cmd_entry *const commands[] = {
    &cmd_load_entry,    &cmd_tables_entry, &cmd_describe_entry, &cmd_show_entry,
    &cmd_sql_entry,     &cmd_drop_entry,
    &cmd_normalize_entry, &cmd_validate_entry, &cmd_impute_entry, &cmd_outliers_entry,
    &cmd_dedupe_entry,  &cmd_profile_entry, &cmd_rfm_entry,
    &cmd_cluster_entry, &cmd_elbow_entry, &cmd_pca_entry, &cmd_plot_entry,
    &cmd_segment_entry, &cmd_export_entry,
    &cmd_consent_entry, &cmd_forget_entry,  &cmd_subject_entry, &cmd_pseudonymize_entry, &cmd_mask_entry, &cmd_anonymity_entry,
    &cmd_abtest_entry,  &cmd_samplesize_entry, &cmd_power_entry,
    &cmd_history_entry, &cmd_undo_entry,
    &cmd_replay_entry,  &cmd_help_entry,
};
enum { NCOMMANDS = sizeof commands / sizeof commands[0] };

const struct cmd_entry *const *cmd_entries(int *n)
{
    *n = NCOMMANDS;
    return commands;
}

static void command_names(const char *names[NCOMMANDS])
{
    for (int i = 0; i < NCOMMANDS; i++)
        names[i] = commands[i]->name;
}

/* Finds name among n names (exact, else unique prefix): index, -1 none, -2 ambiguous. */
static int match_name(const char *name, const char *const *names, int n)
{
    size_t len = strlen(name);
    int found = -1;
    for (int i = 0; i < n; i++) {
        if (strcmp(names[i], name) == 0)
            return i;
        if (strncmp(names[i], name, len) == 0)
            found = found == -1 ? i : -2;
    }
    return found;
}

static int count_options(const struct cmd_entry *e)
{
    int n = 0;
    while (e->options && e->options[n].key)
        n++;
    return n;
}

/* "a, b, c" of the names that start with prefix, into b. */
static void list_prefixed(struct strbuf *b, const char *prefix, const char *const *names, int n)
{
    size_t len = strlen(prefix);
    for (int i = 0; i < n; i++) {
        if (strncmp(names[i], prefix, len) != 0)
            continue;
        if (b->len)
            strbuf_puts(b, ", ");
        strbuf_puts(b, names[i]);
    }
}

const struct cmd_entry *cmd_find(const char *name)
{
    const char *names[NCOMMANDS];
    command_names(names);
    int i = match_name(name, names, NCOMMANDS);
    return i >= 0 ? commands[i] : NULL;
}

const struct cmd_option *cmd_find_option(const struct cmd_entry *e, const char *key)
{
    int n = count_options(e);
    const char *keys[n + 1];
    for (int i = 0; i < n; i++)
        keys[i] = e->options[i].key;
    int k = match_name(key, keys, n);
    return k >= 0 ? &e->options[k] : NULL;
}

const struct cmd_entry *cmd_lookup(ctx *c, const char *name)
{
    const char *names[NCOMMANDS];
    command_names(names);
    int i = match_name(name, names, NCOMMANDS);
    if (i >= 0)
        return commands[i];
    if (i == -2) {
        struct strbuf b = {0};
        list_prefixed(&b, name, names, NCOMMANDS);
        ctx_error(c, "ambiguous command '%s': %s", name, strbuf_str(&b));
        strbuf_free(&b);
        return NULL;
    }
    const char *near = closest_name(name, names, NCOMMANDS);
    if (near)
        ctx_error(c, "unknown command '%s' (did you mean '%s'?); 'help' lists the commands", name, near);
    else
        ctx_error(c, "unknown command '%s'; 'help' lists the commands", name);
    return NULL;
}

const char cmd_flag[] = "flag";

static int is_flag(const struct cmd_option *o) { return o->def == CMD_FLAG; }

const char *cmd_opt(const struct cmd_args *a, const char *key)
{
    for (int i = 0; i < a->nopts; i++)
        if (strcmp(a->keys[i], key) == 0)
            return a->values[i];
    for (const struct cmd_option *o = a->entry->options; o && o->key; o++)
        if (strcmp(o->key, key) == 0 && !is_flag(o))
            return o->def;
    return NULL;
}

int cmd_opt_given(const struct cmd_args *a, const char *key)
{
    for (int i = 0; i < a->nopts; i++)
        if (strcmp(a->keys[i], key) == 0)
            return 1;
    return 0;
}

int cmd_opt_int(ctx *c, const struct cmd_args *a, const char *key, int64_t *out)
{
    const char *v = cmd_opt(a, key);
    if (!v)
        return ctx_error(c, "%s: option %s needs a value", a->entry->name, key);
    char *end;
    long long n = strtoll(v, &end, 10);
    if (end == v || *end)
        return ctx_error(c, "%s: option %s=%s: expected a whole number", a->entry->name, key, v);
    *out = n;
    return 0;
}

void cmd_set_summary(ctx *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->summary, sizeof c->summary, fmt, ap);
    va_end(ap);
}

static void args_free(struct cmd_args *a)
{
    free(a->argv);
    free(a->keys);
    free(a->values);
}

/* Sets the error for key=value whose key matched no option that takes a value
 * (match is match_name's answer) and returns -1. */
static int option_error(ctx *c, const struct cmd_entry *e, const char *const *keys, int nopt,
                        const char *key, int match)
{
    if (match >= 0)     /* the key names a flag: a value would be silently dropped */
        return ctx_error(c, "%s: '%s' is a flag and takes no value: write just '%s'; see 'help %s'",
                         e->name, keys[match], keys[match], e->name);
    if (match == -2) {
        struct strbuf b = {0};
        list_prefixed(&b, key, keys, nopt);
        ctx_error(c, "%s: ambiguous option '%s=': %s; see 'help %s'", e->name, key, strbuf_str(&b), e->name);
        strbuf_free(&b);
        return -1;
    }
    const char *near = closest_name(key, keys, (size_t)nopt);
    if (!near)
        return ctx_error(c, "%s: unknown option '%s='; see 'help %s'", e->name, key, e->name);
    int flag = is_flag(&e->options[match_name(near, keys, nopt)]);
    return ctx_error(c, "%s: unknown option '%s=' (did you mean '%s%s'?); see 'help %s'",
                     e->name, key, near, flag ? "" : "=", e->name);
}

/* Sorts the words of a command into positional arguments, options and flags, and
 * checks them against the entry. */
static int parse_args(ctx *c, const struct cmd_entry *e, struct words *ws, struct cmd_args *a)
{
    int nopt = count_options(e);
    const char *keys[nopt + 1];
    for (int i = 0; i < nopt; i++)
        keys[i] = e->options[i].key;
    a->argv = xcalloc((size_t)ws->n + 1, sizeof *a->argv);
    a->keys = xcalloc((size_t)ws->n + 1, sizeof *a->keys);
    a->values = xcalloc((size_t)ws->n + 1, sizeof *a->values);
    for (int i = 1; i < ws->n; i++) {
        struct word *w = &ws->w[i];
        int k;
        if (w->key) {
            k = match_name(w->key, keys, nopt);
            if ((e->flags & CMD_PAIRS) && (k < 0 || strcmp(keys[k], w->key) != 0)) {
                a->argv[a->argc++] = w->text;   /* COL=VALUE */
                continue;
            }
            if (k < 0 || is_flag(&e->options[k]))
                return option_error(c, e, keys, nopt, w->key, k);
        } else {
            /* a flag is its exact unquoted name; anything else is a positional word */
            k = w->quoted ? -1 : match_name(w->text, keys, nopt);
            if (k < 0 || !is_flag(&e->options[k]) || strcmp(keys[k], w->text) != 0) {
                a->argv[a->argc++] = w->text;
                continue;
            }
        }
        /* given twice, one value would be silently ignored */
        if (cmd_opt_given(a, keys[k]))
            return ctx_error(c, "%s: option '%s' given twice", e->name, keys[k]);
        a->keys[a->nopts] = keys[k];
        a->values[a->nopts++] = w->key ? w->value : "1";
    }
    if (a->argc < e->min_args || (e->max_args >= 0 && a->argc > e->max_args))
        return ctx_error(c, "%s: %s arguments; usage: %s",
                         e->name, a->argc < e->min_args ? "missing" : "too many", e->usage);
    return 0;
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Whether this run of the command changes the workspace: a CMD_CHANGES command
 * can say that a given invocation only reads (`sql SELECT`, `segment list`). */
static int changes_workspace(ctx *c, const struct cmd_entry *e, const struct cmd_args *a)
{
    return (e->flags & CMD_CHANGES) && !(e->reads_only && e->reads_only(c, a));
}

/* Runs a changing command's exec in one transaction.  The log entry is written
 * first, on its own, so a killed process leaves it 'running' for the next changing
 * command to mark 'interrupted'; it is finished inside the transaction, so a
 * committed command is never logged as anything but ok.  Undo data is pruned in
 * the same transaction so the workspace never grows without bound. */
static int exec_in_transaction(ctx *c, const struct cmd_entry *e, const struct cmd_args *a, int64_t id,
                               double t0)
{
    if (exec_sql(c, e->name, "BEGIN IMMEDIATE"))
        return -1;
    char *stale = sqlite3_mprintf("UPDATE _persona_log SET status='interrupted' "
                                  "WHERE status='running' AND id < %lld", (long long)id);
    int rc = exec_sql(c, e->name, stale);
    sqlite3_free(stale);
    if (rc == 0)
        rc = e->exec(c, a);
    if (rc == 0 && ctx_is_cancelled(c))
        rc = ctx_cancelled(c);
    if (rc == 0)
        rc = undo_prune(c);
    if (rc == 0)
        log_end(c, id, "ok", now_ms() - t0, c->summary);
    if (rc == 0 && exec_sql(c, e->name, "COMMIT") == 0)
        return 0;
    char keep[sizeof c->err];
    memcpy(keep, c->err, sizeof keep);
    sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
    memcpy(c->err, keep, sizeof keep);
    return -1;
}

/* Runs the command: a changing one in its transaction, logged, with its output held
 * until it committed (a closed pipe or a failure never shows a result that was
 * rolled back); a reading one as it is, writing nothing to the workspace. */
static int run_entry(ctx *c, const struct cmd_entry *e, const struct cmd_args *a, const char *text)
{
    int changing = c->db && changes_workspace(c, e, a);
    if (changing && workspace_prepare_write(c))
        return ctx_error_prefix(c, e->name);
    /* an analysis worth finding again is logged, where the file can be written */
    int recorded = changing || (c->db && (e->flags & CMD_RECORDED) && !c->readonly && workspace_prepare_write(c) == 0);
    const char *saved_name = c->command_name;
    int64_t saved_id = c->command_id;
    c->command_name = e->name;
    c->summary[0] = '\0';
    if (c->cancel)
        *c->cancel = 0;
    int logged = recorded && !(e->flags & CMD_NOLOG);
    const char *logged_text = e->flags & CMD_PERSONAL ? e->name : text;
    c->command_id = logged ? log_begin(c, logged_text, !(e->flags & CMD_NOSAVE)) : 0;
    int64_t id = c->command_id;
    double t0 = now_ms();
    if (changing)
        sink_hold(c->out);
    sink_begin(c->out);
    int rc = changing ? exec_in_transaction(c, e, a, id, t0) : e->exec(c, a);
    if (rc == 0 && changing && e->after_commit)
        rc = e->after_commit(c);
    if (changing && rc != 0) {
        sink_end(c->out);
        sink_release(c->out, 0);    /* what it printed was rolled back */
        sink_begin(c->out);
    }
    sink_end(c->out);
    if (changing && rc == 0)
        sink_release(c->out, 1);
    if (logged && rc != 0)
        log_end(c, id, ctx_is_cancelled(c) ? "cancelled" : "error", now_ms() - t0,
                e->flags & CMD_PERSONAL ? "failed" : c->err);
    else if (logged && !changing)   /* a changing command finished its entry in its transaction */
        log_end(c, id, "ok", now_ms() - t0, c->summary);
    c->command_name = saved_name;
    c->command_id = saved_id;
    return rc;
}

/* The first word of a command, for looking it up before the rest is tokenized
 * (raw commands must not be tokenized at all). */
static size_t first_word(const char *text, char *buf, size_t size)
{
    size_t n = 0;
    while (text[n] && !isspace((unsigned char)text[n]))
        n++;
    size_t k = n < size - 1 ? n : size - 1;
    memcpy(buf, text, k);
    buf[k] = '\0';
    return n;
}

/* Runs one command (no ';' splitting). */
static int run_command(ctx *c, const char *text)
{
    char name[64];
    size_t name_len = first_word(text, name, sizeof name);
    const struct cmd_entry *e = cmd_lookup(c, name);
    if (!e)
        return -1;
    struct words ws = {0};
    struct cmd_args a = {.entry = e, .line = text};
    if (e->flags & CMD_RAW) {
        a.raw = text + name_len;
        while (isspace((unsigned char)*a.raw))
            a.raw++;
    } else if (tokenize(text, &ws, c->err, sizeof c->err)) {
        return ctx_error_prefix(c, e->name);
    }
    int rc = e->flags & CMD_RAW ? 0 : parse_args(c, e, &ws, &a);
    if (rc == 0)
        rc = run_entry(c, e, &a, text);
    args_free(&a);
    words_free(&ws);
    return rc;
}

int cmd_is_raw(const char *name, size_t len)
{
    char buf[64];
    if (len >= sizeof buf)
        return 0;
    memcpy(buf, name, len);
    buf[len] = '\0';
    const struct cmd_entry *e = cmd_find(buf);
    return e && (e->flags & CMD_RAW);
}

/* Where a script's failures are reported: the script's name and the line. */
struct script_pos {
    report_fn *report;
    void *arg;
    const char *name;
    int line;
};

/* The parser alone says whether SQL is cut short, so a private connection with no
 * tables will do: opened once, and serialized, for the workbench's two threads. */
static sqlite3 *parser_db;
static void open_parser_db(void)
{
    if (sqlite3_open_v2(":memory:", &parser_db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX, NULL) !=
        SQLITE_OK) {
        sqlite3_close(parser_db);
        parser_db = NULL;
    }
}

static int sql_incomplete(const char *sql, size_t len)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, open_parser_db);
    if (!parser_db)
        return 0;
    sqlite3_mutex_enter(sqlite3_db_mutex(parser_db));
    const char *tail = sql;
    int incomplete = 0;
    while (tail < sql + len) {
        sqlite3_stmt *st = NULL;
        if (sqlite3_prepare_v2(parser_db, tail, (int)(sql + len - tail), &st, &tail) != SQLITE_OK) {
            /* only "incomplete input" means more is coming; any other error (no such
             * table: the private connection has none) is the workspace's to report */
            incomplete = strcmp(sqlite3_errmsg(parser_db), "incomplete input") == 0;
            break;
        }
        if (!st)
            break;
        sqlite3_finalize(st);
    }
    sqlite3_mutex_leave(sqlite3_db_mutex(parser_db));
    return incomplete;
}

int cmd_sql_goes_on(const char *sql, size_t len, const char *next)
{
    if (sql_incomplete(sql, len))
        return 1;
    if (!next)
        return 0;
    next += strspn(next, " \t\r");
    size_t n = strcspn(next, " \t\r\n;#'\"");
    if (n == 0)     /* a blank line or a comment line ends the statement */
        return 0;
    char word[64];
    if (n >= sizeof word)
        return 1;
    memcpy(word, next, n);
    word[n] = '\0';
    return cmd_find(word) == NULL;
}

/* Runs the commands of one line in turn; returns how many failed.  Without
 * keep_going it stops at the first failure; with a position each failure is
 * reported there, otherwise the last one stays in c->err.  A closed output stops
 * everything: nobody reads the rest. */
static int run_commands(ctx *c, const char *line, int keep_going, const struct script_pos *pos)
{
    char **cmds;
    int n, failures = 0;
    if (split_commands(line, cmd_is_raw, cmd_sql_goes_on, &cmds, &n, c->err, sizeof c->err) < 0) {
        if (pos)
            pos->report(pos->arg, pos->name, pos->line, c->err);
        return 1;
    }
    for (int i = 0; i < n; i++) {
        if (run_command(c, cmds[i]) == 0 && !sink_failed(c->out))
            continue;
        failures++;
        if (sink_failed(c->out))
            break;
        if (pos)
            pos->report(pos->arg, pos->name, pos->line, c->err);
        if (!keep_going || ctx_is_cancelled(c))
            break;
    }
    commands_free(cmds, n);
    return failures;
}

int run_line(ctx *c, const char *line)
{
    return run_commands(c, line, 0, NULL) ? -1 : 0;
}

/* How many commands text splits into, and whether it needs more (-1: an error). */
static int count_commands(const char *text, int *more)
{
    char **cmds;
    int n;
    char err[64];
    int rc = split_commands(text, cmd_is_raw, cmd_sql_goes_on, &cmds, &n, err, sizeof err);
    if (rc < 0)
        return -1;
    commands_free(cmds, n);
    *more = rc == 1;
    return n;
}

int cmd_line_needs_more(const char *text)
{
    int more;
    return count_commands(text, &more) >= 0 && more;
}

/* Whether the script's next physical line belongs to the last command of line: an
 * SQL statement that is cut short, or goes on (cmd_sql_goes_on) — the line adds no
 * command of its own. */
static int absorbs_next_line(struct strbuf *line, const char *next)
{
    int more, more_after;
    int n = count_commands(strbuf_str(line), &more);
    if (n < 0)
        return 0;
    if (more)
        return 1;
    size_t len = line->len;
    const char *eol = strchr(next, '\n');
    strbuf_putc(line, '\n');
    strbuf_append(line, next, eol ? (size_t)(eol - next) : strlen(next));
    int joined = count_commands(strbuf_str(line), &more_after) == n && n > 0;
    line->len = len;
    line->buf[len] = '\0';
    return joined;
}

int run_script(ctx *c, const char *text, const char *name, int keep_going,
               report_fn *report, void *arg)
{
    struct script_pos pos = {.report = report, .arg = arg, .name = name};
    int failures = 0, next_line = 1;
    const char *p = text;
    struct strbuf line = {0};
    while (*p) {
        /* a logical line: physical lines joined while an SQL statement goes on */
        pos.line = next_line;
        strbuf_reset(&line);
        do {
            if (line.len)
                strbuf_putc(&line, '\n');
            const char *eol = strchr(p, '\n');
            size_t len = eol ? (size_t)(eol - p) : strlen(p);
            strbuf_append(&line, p, len);
            p += len + (eol != NULL);
            next_line++;
        } while (*p && absorbs_next_line(&line, p));
        int failed = run_commands(c, strbuf_str(&line), keep_going, &pos);
        failures += failed;
        if (sink_failed(c->out) || (failed && (!keep_going || ctx_is_cancelled(c))))
            break;
    }
    strbuf_free(&line);
    return failures;
}

/* ---- help ---- */

static void help_option_rows(struct strbuf *b, const struct cmd_entry *e, int markdown)
{
    for (const struct cmd_option *o = e->options; o && o->key; o++) {
        char lhs[96];
        if (is_flag(o))
            snprintf(lhs, sizeof lhs, "%s", o->key);
        else
            snprintf(lhs, sizeof lhs, "%s=%s", o->key, o->def ? o->def : "…");
        if (markdown) {
            /* a '|' would end the Markdown table cell */
            strbuf_printf(b, "| `%s` | ", lhs);
            for (const char *h = o->help; *h; h++) {
                if (*h == '|')
                    strbuf_putc(b, '\\');
                strbuf_putc(b, *h);
            }
            strbuf_puts(b, " |\n");
        }
        else {
            /* printf pads by bytes, and "…" is three of them in one column */
            int pad = 22 - utf8_width(lhs, strlen(lhs));
            strbuf_printf(b, "  %s%*s %s\n", lhs, pad > 0 ? pad : 0, "", o->help);
        }
    }
}

/* The help page of one command as text (table format) or Markdown (the README). */
static void help_page(struct strbuf *b, const struct cmd_entry *e, int markdown)
{
    if (markdown) {
        strbuf_printf(b, "### %s\n\n%s.\n\n```\n%s\n```\n\n", e->name, e->summary, e->usage);
        if (count_options(e)) {
            strbuf_puts(b, "| option | meaning |\n|---|---|\n");
            help_option_rows(b, e, 1);
            strbuf_puts(b, "\n");
        }
        strbuf_printf(b, "Example: `%s`\n\n", e->example);
        return;
    }
    strbuf_printf(b, "%s\n  %s\n", e->usage, e->summary);
    if (count_options(e)) {
        strbuf_puts(b, "\noptions (default after =):\n");
        help_option_rows(b, e, 0);
    }
    strbuf_printf(b, "\nexample:\n  %s\n", e->example);
}

/* help CMD in JSON, CSV or TSV: the page as data. */
static void help_record(ctx *c, const struct cmd_entry *e)
{
    sink_record_begin(c->out, "command");
    sink_field(c->out, "name", cell_text(e->name));
    sink_field(c->out, "usage", cell_text(e->usage));
    sink_field(c->out, "summary", cell_text(e->summary));
    sink_field(c->out, "example", cell_text(e->example));
    sink_record_end(c->out);
    static const char *const cols[] = {"option", "default", "flag", "description"};
    sink_table_begin(c->out, "options", 4, cols);
    for (const struct cmd_option *o = e->options; o && o->key; o++) {
        struct cell row[] = {cell_text(o->key), is_flag(o) ? cell_null() : cell_text(o->def),
                             cell_bool(is_flag(o)), cell_text(o->help)};
        sink_table_row(c->out, row);
    }
    sink_table_end(c->out);
}

static int help_exec(ctx *c, const struct cmd_args *a)
{
    enum sink_format fmt = sink_format(c->out);
    int text = fmt == FMT_TABLE || fmt == FMT_MARKDOWN;
    struct strbuf b = {0};
    if (a->argc == 1) {
        const struct cmd_entry *e = cmd_lookup(c, a->argv[0]);
        if (!e)
            return ctx_error_prefix(c, "help");
        if (text) {
            help_page(&b, e, fmt == FMT_MARKDOWN);
            sink_text(c->out, NULL, strbuf_str(&b));
        } else {
            help_record(c, e);
        }
        strbuf_free(&b);
        return 0;
    }
    if (fmt == FMT_MARKDOWN) {      /* the README's command reference */
        for (int i = 0; i < NCOMMANDS; i++)
            help_page(&b, commands[i], 1);
        sink_text(c->out, NULL, strbuf_str(&b));
        strbuf_free(&b);
        return 0;
    }
    static const char *const cols[] = {"command", "summary"};
    sink_table_begin(c->out, NULL, 2, cols);
    for (int i = 0; i < NCOMMANDS; i++) {
        struct cell row[] = {cell_text(commands[i]->name), cell_text(commands[i]->summary)};
        sink_table_row(c->out, row);
    }
    sink_table_end(c->out);
    return 0;
}

const struct cmd_entry cmd_help_entry = {
    .name = "help",
    .usage = "help [COMMAND]",
    .summary = "list the commands, or show one command's usage, options and an example",
    .example = "help load",
    .min_args = 0,
    .max_args = 1,
    .flags = CMD_NOSAVE,
    .exec = help_exec,
};
