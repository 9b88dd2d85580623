/* test_cmd.c — the command table through run_line(): lookup by name and unique prefix
 * with suggestions, argument and option checking (prefixes, flags), help, the
 * command log, one transaction per changing command, undo of what `sql` can change,
 * and the statements `sql` refuses.
 *
 * Every test runs in a fresh ":memory:" workspace whose results go to a JSON memory
 * sink; JSON output is read back with SQLite's own JSON functions, and every output
 * is checked to be exactly one JSON value.  Cases are tables of command lines and
 * the exact message or result each must give. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <ctype.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "ctx.h"
#include "similar.h"
#include "sink.h"
#include "strbuf.h"
#include "workspace.h"
#include "workspace_fixture.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* A fresh workspace inside a test that loops over cases. */
static ctx *fresh_workspace(void)
{
    void *state = NULL;
    assert_int_equal(open_workspace(&state), 0);
    return state;
}

static void drop_workspace(ctx *c)
{
    void *state = c;
    close_workspace(&state);
}

/* One value of a query on the workspace as text ("NULL" for NULL); the caller frees. */
static char *query(ctx *c, const char *sql, const char *arg1, const char *arg2)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(c->db, sql, -1, &st, NULL) != SQLITE_OK)
        fail_msg("query %s: %s", sql, sqlite3_errmsg(c->db));
    if (arg1)
        sqlite3_bind_text(st, 1, arg1, -1, SQLITE_TRANSIENT);
    if (arg2)
        sqlite3_bind_text(st, 2, arg2, -1, SQLITE_TRANSIENT);
    char *out = NULL;
    if (sqlite3_step(st) == SQLITE_ROW)
        out = xstrdup(sqlite3_column_type(st, 0) == SQLITE_NULL ? "NULL"
                                                                 : (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    if (!out)
        fail_msg("query %s: no row", sql);
    return out;
}

/* The value at a JSON path ('$.command.name') of a JSON text, as SQLite renders it. */
static char *json_at(ctx *c, const char *json, const char *path)
{
    return query(c, "SELECT json_extract(?1, ?2)", json, path);
}

static void expect_json_at(ctx *c, const char *json, const char *path, const char *want)
{
    char *got = json_at(c, json, path);
    if (strcmp(got, want) != 0)
        fail_msg("%s: got %s, want %s\nin %s", path, got, want, json);
    free(got);
}

/* The number of JSON values in out, each ending at a line end; fails when out is not
 * such a sequence.  (The shortest valid prefix is a value: no value is a valid JSON
 * text cut short at a line end, as each starts with '[', '{', '"' or a literal.) */
static int count_json_values(ctx *c, const char *out)
{
    int n = 0;
    const char *p = out;
    while (*p) {
        const char *end = p;
        for (;;) {
            end = strchr(end, '\n');
            if (!end)
                fail_msg("not a sequence of JSON values, at:\n%s", p);
            end++;
            char *value = strndup(p, (size_t)(end - p));
            char *valid = query(c, "SELECT json_valid(?1)", value, NULL);
            int ok = strcmp(valid, "1") == 0;
            free(valid);
            free(value);
            if (ok)
                break;
        }
        n++;
        p = end;
    }
    return n;
}

/* Runs a line that must succeed; returns its output (the caller frees) and clears the
 * sink.  In JSON every command prints one value, on lines of its own. */
static char *run_ok(ctx *c, const char *line)
{
    if (run_line(c, line) != 0)
        fail_msg("%s: unexpected error: %s", line, c->err);
    char *out = xstrdup(sink_buffer_text(c->out, NULL));
    sink_buffer_reset(c->out);
    if (sink_format(c->out) == FMT_JSON)
        count_json_values(c, out);
    return out;
}

/* Runs a line of one command and checks it printed exactly one JSON value. */
static char *run_one(ctx *c, const char *line)
{
    char *out = run_ok(c, line);
    if (count_json_values(c, out) != 1)
        fail_msg("%s: want one JSON value, got:\n%s", line, out);
    return out;
}

static void run_quietly(ctx *c, const char *line) { free(run_ok(c, line)); }

/* Runs a line that must fail with exactly this message. */
static void run_fails(ctx *c, const char *line, const char *err)
{
    c->err[0] = '\0';
    if (run_line(c, line) == 0)
        fail_msg("%s: succeeded, want error: %s", line, err);
    if (strcmp(c->err, err) != 0)
        fail_msg("%s:\n  got:  %s\n  want: %s", line, c->err, err);
    sink_buffer_reset(c->out);
}

struct error_case {
    const char *line;
    const char *err;
};

static void check_errors(ctx *c, const struct error_case *cases, size_t n)
{
    for (size_t i = 0; i < n; i++)
        run_fails(c, cases[i].line, cases[i].err);
}

static const char people_table[] =
    "sql CREATE TABLE t(id INTEGER, x TEXT); INSERT INTO t VALUES (1, 'a'), (2, 'b'), (3, 'c')";

/* ---- the table itself ---- */

/* What help, completion and the README read must be complete and consistent. */
static void test_command_table_is_consistent(void **state)
{
    (void)state;
    int n;
    const struct cmd_entry *const *entries = cmd_entries(&n);
    assert_true(n >= 10);
    for (int i = 0; i < n; i++) {
        const struct cmd_entry *e = entries[i];
        assert_non_null(e->exec);
        size_t len = strlen(e->name);
        if (strncmp(e->usage, e->name, len) != 0 || (e->usage[len] != '\0' && e->usage[len] != ' '))
            fail_msg("%s: usage must start with the name: %s", e->name, e->usage);
        if (!islower((unsigned char)e->summary[0]) || e->summary[strlen(e->summary) - 1] == '.')
            fail_msg("%s: a summary is lowercase without a full stop: %s", e->name, e->summary);
        if (strncmp(e->example, e->name, len) != 0)
            fail_msg("%s: the example must run the command: %s", e->name, e->example);
        assert_true(e->max_args < 0 || e->min_args <= e->max_args);
        for (int k = 0; k < n; k++)
            if (k != i && strcmp(entries[k]->name, e->name) == 0)
                fail_msg("%s: listed twice", e->name);
        for (const struct cmd_option *o = e->options; o && o->key; o++) {
            assert_true(o->help && o->help[0]);
            for (const struct cmd_option *p = o + 1; p->key; p++)
                if (strcmp(o->key, p->key) == 0)
                    fail_msg("%s: option %s declared twice", e->name, o->key);
        }
    }
}

/* ---- finding the command ---- */

/* Suggestions rest on the optimal-string-alignment distance: edits and adjacent
 * transpositions, ASCII case ignored. */
static void test_edit_distance(void **state)
{
    (void)state;
    static const struct {
        const char *a, *b;
        int d;
    } cases[] = {
        {"", "", 0}, {"", "abc", 3}, {"abc", "", 3}, {"load", "load", 0},
        {"lod", "load", 1}, {"tabels", "tables", 1}, {"HELP", "help", 0},
        {"kitten", "sitting", 3}, {"ca", "abc", 3},     /* OSA: no edit of a transposed pair */
        {"describe", "drop", 6}, {"ab", "ba", 1},
    };
    for (size_t i = 0; i < COUNT(cases); i++) {
        int d = edit_distance(cases[i].a, cases[i].b);
        if (d != cases[i].d || edit_distance(cases[i].b, cases[i].a) != d)
            fail_msg("distance(%s, %s) = %d, want %d both ways", cases[i].a, cases[i].b, d, cases[i].d);
    }
}

static void test_closest_name(void **state)
{
    (void)state;
    static const char *const names[] = {"load", "tables", "describe", "show", "sql", "drop"};
    static const struct {
        const char *word, *closest;     /* NULL: too far from every name */
    } cases[] = {
        {"lod", "load"}, {"shwo", "show"}, {"sq", "sql"}, {"descirbe", "describe"},
        {"dorp", "drop"},
        {"x", NULL},                    /* at most 2 edits for short words... */
        {"tbl", "sql"},                 /* ...even when that leaves one letter in common */
        {"describxyz", "describe"},     /* a third of a long word's length */
        {"describxyzw", NULL},
        {"", NULL},
    };
    for (size_t i = 0; i < COUNT(cases); i++) {
        const char *got = closest_name(cases[i].word, names, COUNT(names));
        if ((got == NULL) != (cases[i].closest == NULL) || (got && strcmp(got, cases[i].closest) != 0))
            fail_msg("closest to '%s': %s, want %s", cases[i].word, got ? got : "none",
                     cases[i].closest ? cases[i].closest : "none");
    }
    assert_null(closest_name("lod", names, 0));
}

static void test_unknown_and_ambiguous_commands(void **state)
{
    ctx *c = *state;
    static const struct error_case cases[] = {
        {"lod x.csv", "unknown command 'lod' (did you mean 'load'?); 'help' lists the commands"},
        {"tabels", "unknown command 'tabels' (did you mean 'tables'?); 'help' lists the commands"},
        {"dsecribe t", "unknown command 'dsecribe' (did you mean 'describe'?); 'help' lists the commands"},
        {"HELP", "unknown command 'HELP' (did you mean 'help'?); 'help' lists the commands"},
        {"xyzzy", "unknown command 'xyzzy'; 'help' lists the commands"},
        {"d t", "ambiguous command 'd': describe, drop, dedupe"},
        {"h", "ambiguous command 'h': history, help"},
        {"tables; lod", "unknown command 'lod' (did you mean 'load'?); 'help' lists the commands"},
    };
    check_errors(c, cases, COUNT(cases));
    /* a failing lookup is not a command: nothing is logged */
    assert_int_equal(query_int(c, "SELECT count(*) FROM _persona_log WHERE command <> 'tables'"), 0);
}

static void test_unique_prefix_runs_the_command(void **state)
{
    ctx *c = *state;
    run_quietly(c, people_table);
    static const struct {
        const char *line, *command;
    } cases[] = {
        {"desc t", "describe"},
        {"tab", "tables"},
        {"sq SELECT 1", "sql"},
        {"sq INSERT INTO t VALUES (4, 'd')", "sql"},
        {"hist", "history"},
        {"he", "help"},
    };
    for (size_t i = 0; i < COUNT(cases); i++) {
        int64_t logged = query_int(c, "SELECT count(*) FROM _persona_log");
        run_quietly(c, cases[i].line);
        if (!strstr(cases[i].line, "INSERT")) {     /* a reading command writes no log */
            assert_int_equal(query_int(c, "SELECT count(*) FROM _persona_log"), logged);
            continue;
        }
        /* the log keeps the line as typed */
        char *last = query(c, "SELECT command FROM _persona_log ORDER BY id DESC LIMIT 1", NULL, NULL);
        if (strcmp(last, cases[i].line) != 0)
            fail_msg("%s (%s): logged as %s", cases[i].line, cases[i].command, last);
        free(last);
    }
    /* and the prefix reached the right command: describe gives one row per column */
    char *out = run_one(c, "desc t");
    expect_json_at(c, out, "$[1].column", "x");
    free(out);
    const struct cmd_entry *e = cmd_lookup(c, "undo");
    assert_non_null(e);
    assert_string_equal(e->name, "undo");
    assert_null(cmd_lookup(c, "un-do"));
}

/* ---- arguments and options ---- */

static void test_argument_counts(void **state)
{
    ctx *c = *state;
    run_quietly(c, people_table);
    static const struct error_case cases[] = {
        {"describe", "describe: missing arguments; usage: describe TABLE"},
        {"describe t t", "describe: too many arguments; usage: describe TABLE"},
        {"tables now", "tables: too many arguments; usage: tables"},
        {"undo 2", "undo: too many arguments; usage: undo"},
        {"show", "show: missing arguments; usage: show TABLE [where=EXPR] [order=EXPR] [limit=N|all] "
                 "[columns=LIST]"},
        {"show t 'limit=1'", "show: too many arguments; usage: show TABLE [where=EXPR] [order=EXPR] "
                             "[limit=N|all] [columns=LIST]"},     /* a quoted '=' is a word */
        {"help a b", "help: too many arguments; usage: help [COMMAND]"},
        {"sql", "sql: no statement; usage: sql STATEMENT[; STATEMENT…]"},
        {"sql   ", "sql: no statement; usage: sql STATEMENT[; STATEMENT…]"},
        /* the rest of the line is SQL's, where '#' is no comment */
        {"sql # not a comment", "sql: unrecognized token: \"#\" (at column 1: \"# not a comment\")"},
    };
    check_errors(c, cases, COUNT(cases));
}

static void test_options_and_prefixes(void **state)
{
    ctx *c = *state;
    run_quietly(c, people_table);
    static const struct {
        const char *line;
        const char *path, *value;   /* a JSON path into the output and its value */
    } cases[] = {
        {"show t limit=1", "json_array_length(?1)", "1"},
        {"show t lim=2", "json_array_length(?1)", "2"},             /* unique prefix */
        {"show t l=all", "json_array_length(?1)", "3"},
        {"show t o='id DESC' limit=1", "$[0].id", "3"},
        {"show t w='id > 1' c=x", "json_array_length(?1)", "2"},
        {"show t w='id > 1' c=x", "$[0].x", "b"},
        {"show t c=x", "$[0].id", "NULL"},                          /* only the column asked for */
        {"show t where=\"x = 'c'\"", "$[0].id", "3"},
    };
    for (size_t i = 0; i < COUNT(cases); i++) {
        char *out = run_one(c, cases[i].line);
        char *got = cases[i].path[0] == '$' ? json_at(c, out, cases[i].path)
                                            : query(c, "SELECT json_array_length(?1)", out, NULL);
        if (strcmp(got, cases[i].value) != 0)
            fail_msg("%s: %s is %s, want %s", cases[i].line, cases[i].path, got, cases[i].value);
        free(got);
        free(out);
    }
    static const struct error_case errors[] = {
        {"show t limt=1", "show: unknown option 'limt=' (did you mean 'limit='?); see 'help show'"},
        {"show t colour=red", "show: unknown option 'colour='; see 'help show'"},
        {"show t limit=1 limit=2", "show: option 'limit' given twice"},
        {"show t lim=1 limit=2", "show: option 'limit' given twice"},
        {"show t limit=x", "show: option limit=x: expected a number of rows or 'all'"},
        {"tables x=1", "tables: unknown option 'x='; see 'help tables'"},
        {"history limit=abc", "history: option limit=abc: expected a whole number"},
    };
    check_errors(c, errors, COUNT(errors));
}

/* load has the one flag (replace) and two options starting "re". */
static void test_flags(void **state)
{
    ctx *c = *state;
    char dir[] = "/tmp/test_cmd.XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[64], line[256];
    snprintf(path, sizeof path, "%s/people.csv", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("id,name\n1,Ann\n2,Bob\n", f);
    assert_int_equal(fclose(f), 0);

    snprintf(line, sizeof line, "load %s as people", path);
    run_quietly(c, line);
    static const struct {
        const char *suffix;     /* after "load PATH" */
        const char *err;        /* NULL: succeeds */
    } cases[] = {
        {" as people", "load: table 'people' already exists; add 'replace' to load over it (undo brings "
                       "it back) or 'as NAME' for another name"},
        {" as people replace", NULL},
        {" replace as people", NULL},                  /* a flag can go anywhere */
        {" as people 'replace'", "load: too many arguments; usage: load PATH [as NAME] [key=COL] "
                                 "[delimiter=auto|,|;|tab|'|'] [header=auto|yes|no] [encoding=utf-8|latin1] "
                                 "[rejects=1%] [replace]"},   /* quoted: a word, not the flag */
        {" as people repl", "load: too many arguments; usage: load PATH [as NAME] [key=COL] "
                            "[delimiter=auto|,|;|tab|'|'] [header=auto|yes|no] [encoding=utf-8|latin1] "
                            "[rejects=1%] [replace]"},        /* a flag is never a prefix */
        {" as people replace=1", "load: 'replace' is a flag and takes no value: write just 'replace'; "
                                 "see 'help load'"},
        {" as people repl=yes", "load: 'replace' is a flag and takes no value: write just 'replace'; "
                                "see 'help load'"},
        {" as people re=1", "load: ambiguous option 're=': rejects, replace; see 'help load'"},
        {" as people replase", "load: too many arguments; usage: load PATH [as NAME] [key=COL] "
                               "[delimiter=auto|,|;|tab|'|'] [header=auto|yes|no] [encoding=utf-8|latin1] "
                               "[rejects=1%] [replace]"},
        {" as people replase=1", "load: unknown option 'replase=' (did you mean 'replace'?); see 'help load'"},
        {" as people replace replace", "load: option 'replace' given twice"},
        {" as people2 rej=5 delim=,", NULL},           /* value options by prefix */
    };
    for (size_t i = 0; i < COUNT(cases); i++) {
        snprintf(line, sizeof line, "load %s%s", path, cases[i].suffix);
        if (cases[i].err)
            run_fails(c, line, cases[i].err);
        else
            run_quietly(c, line);
    }
    assert_int_equal(query_int(c, "SELECT count(*) FROM people"), 2);
    unlink(path);
    rmdir(dir);
}

/* ---- help ---- */

static void test_help_lists_every_command(void **state)
{
    ctx *c = *state;
    char *out = run_one(c, "help");
    int n;
    const struct cmd_entry *const *entries = cmd_entries(&n);
    char want[16];
    snprintf(want, sizeof want, "%d", n);
    char *len = query(c, "SELECT json_array_length(?1)", out, NULL);
    assert_string_equal(len, want);
    free(len);
    for (int i = 0; i < n; i++) {
        char path[32];
        snprintf(path, sizeof path, "$[%d].command", i);
        expect_json_at(c, out, path, entries[i]->name);
        snprintf(path, sizeof path, "$[%d].summary", i);
        expect_json_at(c, out, path, entries[i]->summary);
    }
    free(out);
}

static void test_help_for_one_command(void **state)
{
    ctx *c = *state;
    static const struct {
        const char *line, *path, *value;
    } cases[] = {
        {"help load", "$.command.name", "load"},
        {"help load", "$.command.example", "load customers.csv key=customer_id"},
        {"help load", "json_array_length(?1, '$.options')", "6"},
        {"help load", "$.options[0].option", "key"},
        {"help load", "$.options[0].default", "NULL"},
        {"help load", "$.options[1].default", "auto"},
        {"help load", "$.options[1].flag", "0"},
        {"help load", "$.options[5].option", "replace"},
        {"help load", "$.options[5].flag", "1"},
        {"help load", "$.options[5].default", "NULL"},     /* a flag has no default */
        {"help desc", "$.command.name", "describe"},       /* prefixes work here too */
        {"help describe", "$.command.usage", "describe TABLE"},
        {"help tables", "json_array_length(?1, '$.options')", "0"},
        {"help show", "$.options[2].default", "20"},
    };
    for (size_t i = 0; i < COUNT(cases); i++) {
        char *out = run_one(c, cases[i].line);
        char *got = cases[i].path[0] == '$'
                        ? json_at(c, out, cases[i].path)
                        : query(c, "SELECT json_array_length(?1, '$.options')", out, NULL);
        if (strcmp(got, cases[i].value) != 0)
            fail_msg("%s: %s is %s, want %s", cases[i].line, cases[i].path, got, cases[i].value);
        free(got);
        free(out);
    }
    static const struct error_case errors[] = {
        {"help lod", "help: unknown command 'lod' (did you mean 'load'?); 'help' lists the commands"},
        {"help d", "help: ambiguous command 'd': describe, drop, dedupe"},
    };
    check_errors(c, errors, COUNT(errors));
}

/* For people (table format) help is a page of text; Markdown is the README's. */
static void test_help_pages(void **state)
{
    ctx *c = *state;
    sink_set_format(c->out, FMT_TABLE);
    char *page = run_ok(c, "help describe");
    assert_string_equal(page,
                        "describe TABLE\n"
                        "  per column: type, non-null count, null %, distinct, min, max, mean, stddev, top values\n"
                        "\n"
                        "example:\n"
                        "  describe customers\n");
    free(page);
    /* option descriptions line up, also after a "…" (three bytes, one column) */
    page = run_ok(c, "help show");
    assert_string_equal(page,
                        "\n"       /* set off from the previous command's output */
                        "show TABLE [where=EXPR] [order=EXPR] [limit=N|all] [columns=LIST]\n"
                        "  print rows of a table or view\n"
                        "\n"
                        "options (default after =):\n"
                        "  where=…                SQL condition the rows must meet, e.g. where=\"age > 40\"\n"
                        "  order=…                SQL ordering, e.g. order=\"signup_date DESC\"\n"
                        "  limit=20               rows to print; 'all' for every row\n"
                        "  columns=*              SQL column list, e.g. columns=first_name,email\n"
                        "\n"
                        "example:\n"
                        "  show customers where=\"country = 'FR'\" order=last_name limit=10\n");
    free(page);
    page = run_ok(c, "help load");
    assert_non_null(strstr(page, "\n  replace                replace an existing table"));
    free(page);
    sink_set_format(c->out, FMT_MARKDOWN);
    page = run_ok(c, "help");
    assert_non_null(strstr(page, "### load\n\nload a CSV file"));
    assert_non_null(strstr(page, "| `replace` | replace an existing table"));
    free(page);
}

/* ---- running lines ---- */

static void test_lines_of_commands(void **state)
{
    ctx *c = *state;
    /* a comment or blank line is no command at all */
    static const char *const nothing[] = {"", "   ", "# a comment", " ; ;; # x"};
    for (size_t i = 0; i < COUNT(nothing); i++) {
        char *out = run_ok(c, nothing[i]);
        assert_string_equal(out, "");
        free(out);
    }
    assert_int_equal(query_int(c, "SELECT count(*) FROM _persona_log"), 0);

    /* each command prints its own value */
    char *out = run_ok(c, "sql CREATE TABLE t(x); INSERT INTO t VALUES (1)\ntables; help tab");
    assert_int_equal(count_json_values(c, out), 3);
    assert_non_null(strstr(out, "\"changes\":1"));
    assert_non_null(strstr(out, "\"name\":\"t\""));
    assert_non_null(strstr(out, "\"name\":\"tables\""));
    free(out);

    /* the first failure stops the line */
    run_fails(c, "tables; describe nope; sql DROP TABLE t",
              "describe: no table named 'nope'; 'tables' lists them");
    assert_int_equal(query_int(c, "SELECT count(*) FROM t"), 1);

    /* a broken quote is found before anything runs */
    run_fails(c, "tables; show 't", "unterminated ' quote at column 14");
    /* reading commands write nothing to the workspace, the log included */
    assert_int_equal(query_int(c, "SELECT count(*) FROM _persona_log WHERE command = 'tables'"), 0);
    assert_int_equal(query_int(c, "SELECT count(*) FROM _persona_log"), 1);

    /* SQL ends where SQL does: a Persona command can follow it on the line */
    out = run_ok(c, "sql SELECT count(*) AS n FROM t; tables");
    assert_int_equal(count_json_values(c, out), 2);
    assert_non_null(strstr(out, "\"n\":1"));
    free(out);
}

/* ---- the command log ---- */

static void test_command_log(void **state)
{
    ctx *c = *state;
    static const struct {
        const char *line;
        int ok;
    } commands[] = {
        {"sql CREATE TABLE t(x); INSERT INTO t VALUES (1), (2)", 1},
        {"tables", 1},          /* reading commands: not logged */
        {"describe nope", 0},
        {"help", 1},
        {"sql SELECT * FROM nope", 0},
        {"lod", 0},         /* not a command: not logged */
        {"describe", 0},    /* bad arguments: not run, not logged */
        {"sql UPDATE t SET x = x + 1", 1},
        {"undo", 1},
    };
    for (size_t i = 0; i < COUNT(commands); i++) {
        if (commands[i].ok)
            run_quietly(c, commands[i].line);
        else
            assert_int_equal(run_line(c, commands[i].line), -1);
        sink_buffer_reset(c->out);
    }
    char *log = query(c,
                      "SELECT group_concat(id || '|' || status || '|' || command || '|' || summary || '|' || "
                      "saveable || '|' || undone, char(10)) FROM (SELECT * FROM _persona_log ORDER BY id)",
                      NULL, NULL);
    assert_string_equal(log,
                        "1|ok|sql CREATE TABLE t(x); INSERT INTO t VALUES (1), (2)|2 rows changed|1|0\n"
                        "2|error|sql SELECT * FROM nope|sql: no such table: nope|1|0\n"
                        "3|ok|sql UPDATE t SET x = x + 1|2 rows changed|1|1\n"
                        "4|ok|undo|undid #3: sql UPDATE t SET x = x + 1|0|0");
    free(log);
    assert_int_equal(query_int(c, "SELECT count(*) FROM _persona_log WHERE duration_ms IS NULL "
                                  "OR duration_ms < 0 OR started_at NOT GLOB '20[0-9][0-9]-*Z'"), 0);
}

/* ---- one transaction per changing command ---- */

static void test_failing_command_rolls_back(void **state)
{
    ctx *c = *state;
    run_quietly(c, "sql CREATE TABLE kept(x); INSERT INTO kept VALUES (1)");
    static const struct error_case cases[] = {
        {"sql CREATE TABLE a(x); INSERT INTO nope VALUES (1)", "sql: no such table: nope"},
        {"sql CREATE TABLE a(x UNIQUE); INSERT INTO a VALUES (1); INSERT INTO a VALUES (1)",
         "sql: UNIQUE constraint failed: a.x"},
        {"sql INSERT INTO kept VALUES (2); CREATE TABLE a(x); INSERT INTO a VALUES (1, 2)",
         "sql: table a has 1 columns but 2 values were supplied"},
        {"sql DELETE FROM kept; CREATE VIEW a AS SELECT 1; SELECT abs(-9223372036854775807 - 1)",
         "sql: integer overflow"},
    };
    check_errors(c, cases, COUNT(cases));
    assert_int_equal(query_int(c, "SELECT count(*) FROM sqlite_master WHERE name = 'a'"), 0);
    assert_int_equal(query_int(c, "SELECT group_concat(x) FROM kept"), 1);
    /* nothing half-recorded for undo either: undo goes back past the failures */
    assert_int_equal(query_int(c, "SELECT count(DISTINCT command_id) FROM _persona_undo"), 1);
    run_quietly(c, "undo");
    assert_int_equal(query_int(c, "SELECT count(*) FROM sqlite_master WHERE name = 'kept'"), 0);
}

/* ---- undo of what sql can change ---- */



static void test_undo_restores_what_sql_changed(void **state)
{
    (void)state;
    static const char setup[] =
        "sql CREATE TABLE t(id INTEGER PRIMARY KEY, x TEXT, n INTEGER DEFAULT 7); "
        "INSERT INTO t(x, n) VALUES ('a', 1), ('b', 2), ('c', 3); "
        "CREATE INDEX t_n ON t(n); "
        "CREATE VIEW v0 AS SELECT x FROM t WHERE n > 1; "
        "CREATE TABLE other(k); INSERT INTO other VALUES ('keep')";
    static const char *const changes[] = {
        "sql UPDATE t SET x = upper(x) WHERE n >= 2",
        "sql INSERT INTO t(x, n) VALUES ('d', 4)",
        "sql DELETE FROM t WHERE n = 1",
        "sql REPLACE INTO t(id, x, n) VALUES (1, 'z', 9)",
        "sql ALTER TABLE t ADD COLUMN flag INTEGER DEFAULT 0",
        "sql ALTER TABLE t RENAME COLUMN x TO label",
        "sql CREATE INDEX t_x ON t(x)",
        "sql DROP INDEX t_n",
        "sql CREATE VIEW v AS SELECT x, n FROM t",
        "sql DROP VIEW v0",
        "sql CREATE TABLE u(a); INSERT INTO u VALUES (1)",
        "sql CREATE TABLE u AS SELECT * FROM t",
        "sql DROP TABLE t",
        "sql DROP TABLE other",
        "sql UPDATE t SET n = n + 1; INSERT INTO other VALUES ('more'); CREATE VIEW w AS SELECT 1; DELETE FROM t",
        "drop t",
        "drop v0",
    };
    for (size_t i = 0; i < COUNT(changes); i++) {
        ctx *c = fresh_workspace();
        run_quietly(c, setup);
        char *before = fingerprint(c);
        run_quietly(c, changes[i]);
        char *changed = fingerprint(c);
        if (strcmp(before, changed) == 0)
            fail_msg("%s changed nothing", changes[i]);
        char *out = run_one(c, "undo");
        char *after = fingerprint(c);
        if (strcmp(before, after) != 0)
            fail_msg("undo of %s\n--- before:\n%s--- after undo:\n%s", changes[i], before, after);
        /* it says what it undid, and the log marks it */
        expect_json_at(c, out, "$.undone", "2");
        expect_json_at(c, out, "$.command", changes[i]);
        assert_int_equal(query_int(c, "SELECT undone FROM _persona_log WHERE id = 2"), 1);
        /* and leaves no stash behind */
        assert_int_equal(query_int(c, "SELECT count(*) FROM sqlite_master WHERE name LIKE '\\_persona\\_stash%%' "
                                      "ESCAPE '\\'"), 0);
        free(out);
        free(before);
        free(changed);
        free(after);
        drop_workspace(c);
    }
}

/* undo steps back one changing command at a time, skipping the ones that change
 * nothing, and says so when there is nothing left. */
static void test_undo_steps_back(void **state)
{
    ctx *c = *state;
    run_fails(c, "undo", "undo: nothing to undo (the last 10 changes can be undone)");
    run_quietly(c, "sql CREATE TABLE t(x)");
    run_quietly(c, "sql INSERT INTO t VALUES (1)");
    run_quietly(c, "sql INSERT INTO t VALUES (2)");
    run_quietly(c, "tables; show t; sql SELECT * FROM t");
    static const struct {
        const char *check;
        long long want;
    } steps[] = {
        {"SELECT count(*) FROM t", 1},
        {"SELECT count(*) FROM t", 0},
        {"SELECT count(*) FROM sqlite_master WHERE name = 't'", 0},
    };
    for (size_t i = 0; i < COUNT(steps); i++) {
        run_quietly(c, "undo");
        assert_int_equal(query_int(c, steps[i].check), steps[i].want);
    }
    run_fails(c, "undo", "undo: nothing to undo (the last 10 changes can be undone)");
}

/* ---- what sql refuses ---- */

static void test_sql_refuses_transactions(void **state)
{
    ctx *c = *state;
    static const char refused[] = "sql: transactions are Persona's: each command is one (use 'undo' to go back)";
    static const struct error_case cases[] = {
        {"sql BEGIN", refused},
        {"sql BEGIN IMMEDIATE", refused},
        {"sql COMMIT", refused},
        {"sql END", refused},
        {"sql ROLLBACK", refused},
        {"sql SAVEPOINT s", refused},
        {"sql RELEASE s", refused},
        {"sql CREATE TABLE z(x); BEGIN", refused},
        {"sql CREATE TABLE z(x); COMMIT; CREATE TABLE y(x)", refused},
    };
    check_errors(c, cases, COUNT(cases));
    assert_int_equal(query_int(c, "SELECT count(*) FROM sqlite_master WHERE name IN ('z', 'y')"), 0);
    /* the refusals left no transaction open: the next command runs and commits */
    run_quietly(c, "sql CREATE TABLE z(x)");
    assert_int_equal(sqlite3_get_autocommit(c->db), 1);
}

static void test_sql_refuses_writes_to_persona_tables(void **state)
{
    ctx *c = *state;
    run_quietly(c, "sql CREATE TABLE t(x)");
    static const char refused[] = "sql: the _persona_ tables are Persona's own and read-only here";
    static const struct error_case cases[] = {
        {"sql DELETE FROM _persona_log", refused},
        {"sql UPDATE _persona_log SET status = 'ok'", refused},
        {"sql INSERT INTO _persona_undo(command_id, seq, action) VALUES (1, 1, 'drop')", refused},
        {"sql INSERT INTO _Persona_Log(started_at, status, command) VALUES ('', '', '')", refused},
        {"sql DROP TABLE _persona_tables", refused},
        {"sql ALTER TABLE _persona_log ADD COLUMN z", refused},
        {"sql ALTER TABLE _persona_rejects RENAME TO r", refused},
        {"sql CREATE INDEX i ON _persona_log(status)", refused},
        {"sql DROP INDEX _persona_rejects_by_table", refused},
        {"sql CREATE TABLE _persona_x(a)", refused},
        {"sql CREATE TABLE ok(x); DELETE FROM _persona_log", refused},
        {"sql CREATE TABLE _PERSONA_LOG2(a)", refused},
        {"sql CREATE VIEW _Persona_v AS SELECT 1", refused},
        {"sql DROP TABLE _PERSONA_LOG", refused},
        /* a trigger would run inside other commands, beyond undo: none at all */
        {"sql CREATE TRIGGER tr AFTER INSERT ON _persona_log BEGIN SELECT 1; END",
         "sql: triggers are not allowed: they would run inside other commands and undo"},
        {"sql CREATE TRIGGER tr AFTER INSERT ON t BEGIN DELETE FROM _persona_undo; END",
         "sql: triggers are not allowed: they would run inside other commands and undo"},
        {"sql CREATE TEMP TRIGGER tr AFTER INSERT ON t BEGIN SELECT 1; END",
         "sql: triggers are not allowed: they would run inside other commands and undo"},
        /* nothing that changes how the file is stored, or reaches other files */
        {"sql PRAGMA writable_schema=ON", "sql: pragmas that set a value are not allowed: they change how "
                                          "the workspace is stored"},
        {"sql PRAGMA writable_schema", "sql: PRAGMA writable_schema is not allowed"},
        {"sql PRAGMA journal_mode=DELETE", "sql: pragmas that set a value are not allowed: they change how "
                                           "the workspace is stored"},
        {"sql ATTACH '/tmp/persona-attack.db' AS x", "sql: ATTACH and DETACH are not allowed: they create "
                                                     "files outside the workspace and their changes escape undo"},
    };
    check_errors(c, cases, COUNT(cases));
    assert_int_equal(access("/tmp/persona-attack.db", F_OK), -1);
    assert_int_equal(query_int(c, "SELECT count(*) FROM sqlite_master WHERE name IN ('ok', '_persona_x', 'i', 'tr')"), 0);
    assert_int_equal(query_int(c, "SELECT count(*) FROM sqlite_master WHERE name = '_persona_rejects_by_table'"), 1);
    /* reading them is fine */
    char *out = run_one(c, "sql SELECT count(*) AS n FROM _persona_log WHERE status = 'error'");
    expect_json_at(c, out, "$[0].n", "21");
    free(out);
    out = run_one(c, "sql PRAGMA table_info(t)");     /* a pragma that only reads */
    expect_json_at(c, out, "$[0].name", "x");
    free(out);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, open_workspace, close_workspace)
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_command_table_is_consistent),
        cmocka_unit_test(test_edit_distance),
        cmocka_unit_test(test_closest_name),
        T(test_unknown_and_ambiguous_commands),
        T(test_unique_prefix_runs_the_command),
        T(test_argument_counts),
        T(test_options_and_prefixes),
        T(test_flags),
        T(test_help_lists_every_command),
        T(test_help_for_one_command),
        T(test_help_pages),
        T(test_lines_of_commands),
        T(test_command_log),
        T(test_failing_command_rolls_back),
        cmocka_unit_test(test_undo_restores_what_sql_changed),
        T(test_undo_steps_back),
        T(test_sql_refuses_transactions),
        T(test_sql_refuses_writes_to_persona_tables),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
