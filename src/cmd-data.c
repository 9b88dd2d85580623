/* cmd-data.c — looking at and changing tables: tables, describe, show, sql, drop. */
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "resultset.h"
#include "sink.h"
#include "strbuf.h"
#include "undo.h"
#include "workspace.h"

/* ---- tables ---- */

/* What a table is to the customer model, as the commands that built or read it
 * recorded: the customers of the latest profile build (and its orders, events and
 * profiles), a deduplicated table, a model's result; NULL when nothing says. */
static char *table_role(ctx *c, const char *name)
{
    sqlite3_stmt *st;
    char *role = NULL;
    if (sqlite3_prepare_v2(c->db,
                           "SELECT role FROM (SELECT 1 AS o, CASE ?1 COLLATE NOCASE WHEN customers THEN 'customers' "
                           "WHEN orders THEN 'orders of ' || customers || ' by ' || order_customer "
                           "WHEN events THEN 'events of ' || customers || ' by ' || event_customer "
                           "WHEN profiles_table THEN 'profiles of ' || customers END AS role "
                           "FROM (SELECT * FROM _persona_profiles ORDER BY command_id DESC LIMIT 1) "
                           "UNION ALL SELECT 2, 'customers (deduplicated)' FROM _persona_dedupe_runs "
                           "WHERE table_name = ?1 "
                           "UNION ALL SELECT 3, 'result of ' || kind || ' on ' || source_table FROM _persona_models "
                           "WHERE name = ?1 UNION ALL SELECT 4, 'rfm of ' || source FROM _persona_tables "
                           "WHERE name = ?1 AND key_column = 'customer') WHERE role IS NOT NULL ORDER BY o LIMIT 1",
                           -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
        if (sqlite3_step(st) == SQLITE_ROW)
            role = xstrdup((const char *)sqlite3_column_text(st, 0));
        sqlite3_finalize(st);
    }
    return role;
}

static int tables_exec(ctx *c, const struct cmd_args *a)
{
    (void)a;
    sqlite3_stmt *st;
    if (prepare_sql(c, "tables",
                    "SELECT m.name, m.type, t.key_column FROM sqlite_master m "
                    "LEFT JOIN _persona_tables t ON t.name = m.name "
                    "WHERE m.type IN ('table', 'view') "
                    "AND m.name NOT LIKE '\\_persona\\_%' ESCAPE '\\' "
                    "AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY m.name", &st))
        return -1;
    static const char *const cols[] = {"name", "kind", "rows", "columns", "key", "key type", "role"};
    sink_table_begin(c->out, NULL, 7, cols);
    int n = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(st, 0);
        const char *key = (const char *)sqlite3_column_text(st, 2);
        char *role = table_role(c, name);
        struct cell row[] = {
            cell_text(name),
            cell_text((const char *)sqlite3_column_text(st, 1)),
            cell_int(query_int(c, "SELECT count(*) FROM \"%w\"", name)),
            cell_int(query_int(c, "SELECT count(*) FROM pragma_table_info(%Q)", name)),
            key ? cell_text(key) : cell_text("rowid"),
            cell_text(column_key_type(c, name, key ? key : "rowid")),
            cell_text(role),
        };
        sink_table_row(c->out, row);
        free(role);
        n++;
    }
    sink_table_end(c->out);
    sqlite3_finalize(st);
    cmd_set_summary(c, "%d tables", n);
    return 0;
}

const struct cmd_entry cmd_tables_entry = {
    .name = "tables",
    .usage = "tables",
    .summary = "list the tables and views with their row and column counts, key and its type, and role (customers, "
               "their orders and events, results)",
    .example = "tables",
    .max_args = 0,
    .flags = CMD_NOSAVE,
    .exec = tables_exec,
};

/* ---- describe ---- */

/* "a (12), b (5), c (3)": the most common values of a column. */
static void top_values(ctx *c, const char *table, const char *col, int k, struct strbuf *out)
{
    char *sql = sqlite3_mprintf("SELECT \"%w\", count(*) AS n FROM \"%w\" WHERE \"%w\" IS NOT NULL "
                                "GROUP BY 1 ORDER BY n DESC, 1 LIMIT %d", col, table, col, k);
    sqlite3_stmt *st;
    strbuf_reset(out);
    if (sqlite3_prepare_v2(c->db, sql, -1, &st, NULL) == SQLITE_OK) {
        while (sqlite3_step(st) == SQLITE_ROW) {
            if (out->len)
                strbuf_puts(out, ", ");
            strbuf_printf(out, "%s (%lld)", (const char *)sqlite3_column_text(st, 0),
                          (long long)sqlite3_column_int64(st, 1));
        }
        sqlite3_finalize(st);
    }
    sqlite3_free(sql);
}

static int describe_exec(ctx *c, const struct cmd_args *a)
{
    const char *table = a->argv[0];
    if (require_relation(c, "describe", table, 1))
        return -1;
    sqlite3_stmt *cols_st;
    char *sql = sqlite3_mprintf("SELECT name, type FROM pragma_table_info(%Q) ORDER BY cid", table);
    int rc = prepare_sql(c, "describe", sql, &cols_st);
    sqlite3_free(sql);
    if (rc)
        return -1;
    static const char *const cols[] = {"column", "type", "non_null", "null_pct", "distinct",
                                       "min", "max", "mean", "stddev", "top"};
    sink_table_begin(c->out, NULL, 10, cols);
    struct strbuf top = {0};
    int ncols = 0;
    rc = 0;
    while (rc == 0 && sqlite3_step(cols_st) == SQLITE_ROW) {
        const char *col = (const char *)sqlite3_column_text(cols_st, 0);
        const char *type = (const char *)sqlite3_column_text(cols_st, 1);
        sqlite3_stmt *st;
        sql = sqlite3_mprintf(
            "SELECT count(*), count(\"%w\"), count(DISTINCT \"%w\"), min(\"%w\"), max(\"%w\"), "
            "avg(CASE WHEN typeof(\"%w\") IN ('integer', 'real') THEN \"%w\" END), stddev(\"%w\") "
            "FROM \"%w\"", col, col, col, col, col, col, col, table);
        rc = prepare_sql(c, "describe", sql, &st);
        sqlite3_free(sql);
        if (rc)
            break;
        if (sqlite3_step(st) != SQLITE_ROW) {
            rc = ctx_sqlite_error(c, "describe");
            sqlite3_finalize(st);
            break;
        }
        if (ctx_is_cancelled(c)) {
            rc = ctx_cancelled(c);
            sqlite3_finalize(st);
            break;
        }
        int64_t rows = sqlite3_column_int64(st, 0), non_null = sqlite3_column_int64(st, 1);
        top_values(c, table, col, 3, &top);
        struct cell row[] = {
            cell_text(col),
            cell_text(type && *type ? type : "ANY"),
            cell_int(non_null),
            rows ? cell_real((double)(int64_t)(1000.0 * (double)(rows - non_null) / (double)rows + 0.5) / 10.0)
                 : cell_null(),
            cell_int(sqlite3_column_int64(st, 2)),
            column_cell(st, 3),
            column_cell(st, 4),
            column_cell(st, 5),
            column_cell(st, 6),
            cell_text(strbuf_str(&top)),
        };
        sink_table_row(c->out, row);
        sqlite3_finalize(st);
        ncols++;
    }
    sink_table_end(c->out);
    sqlite3_finalize(cols_st);
    strbuf_free(&top);
    cmd_set_summary(c, "%s: %d columns", table, ncols);
    return rc;
}

const struct cmd_entry cmd_describe_entry = {
    .name = "describe",
    .usage = "describe TABLE",
    .summary = "per column: type, non-null count, null %, distinct, min, max, mean, stddev, top values",
    .example = "describe customers",
    .min_args = 1,
    .max_args = 1,
    .flags = CMD_NOSAVE,
    .exec = describe_exec,
};

/* ---- show ---- */

static const struct cmd_option show_options[] = {
    {"where", NULL, "SQL condition the rows must meet, e.g. where=\"age > 40\""},
    {"order", NULL, "SQL ordering, e.g. order=\"signup_date DESC\""},
    {"limit", "20", "rows to print; 'all' for every row"},
    {"columns", "*", "SQL column list, e.g. columns=first_name,email"},
    {NULL},
};

static int show_exec(ctx *c, const struct cmd_args *a)
{
    const char *table = a->argv[0];
    if (require_relation(c, "show", table, 1))
        return -1;
    int64_t limit = -1;
    const char *lim = cmd_opt(a, "limit");
    if (strcmp(lim, "all") != 0) {
        char *end;
        limit = strtoll(lim, &end, 10);
        if (end == lim || *end || limit < 0)
            return ctx_error(c, "show: option limit=%s: expected a number of rows or 'all'", lim);
    }
    struct strbuf sql = {0};
    strbuf_printf(&sql, "SELECT %s FROM ", cmd_opt(a, "columns"));
    strbuf_put_ident(&sql, table);
    if (cmd_opt(a, "where"))
        strbuf_printf(&sql, " WHERE %s", cmd_opt(a, "where"));
    if (cmd_opt(a, "order"))
        strbuf_printf(&sql, " ORDER BY %s", cmd_opt(a, "order"));
    sqlite3_stmt *st;
    int rc = prepare_sql(c, "show", strbuf_str(&sql), &st);
    strbuf_free(&sql);
    if (rc)
        return -1;
    int more;
    int64_t n = resultset_write(c, st, NULL, limit, &more);
    sqlite3_finalize(st);
    if (n < 0)
        return -1;
    if (more)
        ctx_note(c, "show: first %lld rows; limit=N or limit=all for more", (long long)n);
    cmd_set_summary(c, "%lld rows of %s", (long long)n, table);
    return 0;
}

const struct cmd_entry cmd_show_entry = {
    .name = "show",
    .usage = "show TABLE [where=EXPR] [order=EXPR] [limit=N|all] [columns=LIST]",
    .summary = "print rows of a table or view",
    .example = "show customers where=\"country = 'FR'\" order=last_name limit=10",
    .min_args = 1,
    .max_args = 1,
    .options = show_options,
    .flags = CMD_NOSAVE,
    .exec = show_exec,
};

/* ---- sql ---- */

/* What the authorizer learns while a statement is prepared: the tables it writes,
 * so they can be copied for undo before it runs. */
struct sql_writes {
    ctx *c;
    int n;
    char *tables[64];
    const char *refused;    /* why the statement is not allowed */
};

static void note_write(struct sql_writes *w, const char *table)
{
    if (!table || sqlite3_strnicmp(table, "sqlite_", 7) == 0)
        return;
    for (int i = 0; i < w->n; i++)
        if (sqlite3_stricmp(w->tables[i], table) == 0)
            return;
    if (w->n < 64)
        w->tables[w->n++] = xstrdup(table);
}

/* Pragmas that take an argument yet only read: everything else that sets a pragma
 * could change how the workspace is stored or break it (writable_schema,
 * journal_mode, locking_mode, …). */
static int is_reading_pragma(const char *name)
{
    static const char *const reading[] = {
        "table_info", "table_xinfo", "table_list", "index_list", "index_info", "index_xinfo",
        "foreign_key_list", "foreign_key_check", "integrity_check", "quick_check",
        "function_list", "collation_list", "pragma_list", "compile_options",
    };
    for (size_t i = 0; i < sizeof reading / sizeof reading[0]; i++)
        if (sqlite3_stricmp(name, reading[i]) == 0)
            return 1;
    return 0;
}

static int refuse(struct sql_writes *w, const char *why)
{
    w->refused = why;
    return SQLITE_DENY;
}

static const char persona_own[] = "the _persona_ tables are Persona's own and read-only here";

/* The guard between `sql` and Persona's own state: nothing may write, index, view
 * or trigger on a _persona_ table (in any case), no trigger at all (it would run
 * inside other commands and undo, beyond their control), no pragma that changes the
 * file, no ATTACH (it creates files anywhere and its writes escape undo), and no
 * transaction control (each command is one). */
static int sql_authorize(void *arg, int action, const char *a1, const char *a2, const char *db,
                         const char *trigger)
{
    (void)trigger;
    struct sql_writes *w = arg;
    const char *table = NULL;
    switch (action) {
    case SQLITE_TRANSACTION:
    case SQLITE_SAVEPOINT:
        return refuse(w, "transactions are Persona's: each command is one (use 'undo' to go back)");
    case SQLITE_ATTACH:
    case SQLITE_DETACH:
        return refuse(w, "ATTACH and DETACH are not allowed: they create files outside the workspace "
                         "and their changes escape undo");
    case SQLITE_PRAGMA:
        if (a2 && !is_reading_pragma(a1))
            return refuse(w, "pragmas that set a value are not allowed: they change how the workspace "
                             "is stored");
        if (sqlite3_stricmp(a1, "writable_schema") == 0)
            return refuse(w, "PRAGMA writable_schema is not allowed");
        return SQLITE_OK;
    case SQLITE_CREATE_TRIGGER:
    case SQLITE_CREATE_TEMP_TRIGGER:
        return refuse(w, "triggers are not allowed: they would run inside other commands and undo");
    case SQLITE_INSERT:
    case SQLITE_UPDATE:
    case SQLITE_DELETE:
    case SQLITE_DROP_TABLE:
        table = a1;
        break;
    case SQLITE_ALTER_TABLE:
        table = a2;
        break;
    case SQLITE_CREATE_TABLE:
    case SQLITE_CREATE_INDEX:
    case SQLITE_DROP_INDEX:
    case SQLITE_DROP_TRIGGER:
    case SQLITE_CREATE_VIEW:
    case SQLITE_DROP_VIEW:
    case SQLITE_CREATE_TEMP_TABLE:
    case SQLITE_CREATE_TEMP_VIEW:
    case SQLITE_CREATE_TEMP_INDEX:
        /* tables and views name themselves in a1, the others their table in a2 */
        if (action == SQLITE_CREATE_TABLE || action == SQLITE_CREATE_VIEW || action == SQLITE_DROP_VIEW ||
                    action == SQLITE_CREATE_TEMP_TABLE || action == SQLITE_CREATE_TEMP_VIEW
                ? a1 && is_internal_name(a1)
                : a2 && is_internal_name(a2))
            return refuse(w, persona_own);
        return SQLITE_OK;
    default:
        return SQLITE_OK;
    }
    /* (SQLite writes its own sqlite_ tables for a CREATE: those are fine) */
    if (table && sqlite3_strnicmp(table, "_persona_", 9) == 0)
        return refuse(w, persona_own);
    if (db && strcmp(db, "main") != 0)
        return SQLITE_OK;
    note_write(w, table);
    return SQLITE_OK;
}

static void writes_clear(struct sql_writes *w)
{
    for (int i = 0; i < w->n; i++)
        free(w->tables[i]);
    w->n = 0;
    w->refused = NULL;
}

/* Runs one prepared statement: copies what it will write for undo, prints its rows
 * or counts its changes. */
static int run_statement(ctx *c, sqlite3_stmt *st, struct sql_writes *w, int64_t *rows, int64_t *changes)
{
    if (sqlite3_stmt_readonly(st)) {
        int64_t n = resultset_write(c, st, NULL, -1, NULL);
        if (n < 0)
            return -1;
        *rows += n;
        return 0;
    }
    struct schema_snapshot *before = schema_snapshot_take(c);
    if (!before)
        return -1;
    int rc = 0;
    for (int i = 0; i < w->n && rc == 0; i++)
        if (table_exists(c, w->tables[i]))
            rc = undo_table_copied(c, w->tables[i]);
    if (rc == 0) {
        int64_t before_changes = sqlite3_total_changes64(c->db);
        if (sqlite3_column_count(st) > 0) {     /* RETURNING */
            int64_t n = resultset_write(c, st, NULL, -1, NULL);
            rc = n < 0 ? -1 : 0;
        } else {
            int step;
            while ((step = sqlite3_step(st)) == SQLITE_ROW)
                ;
            if (step != SQLITE_DONE)
                rc = ctx_sqlite_error(c, "sql");
        }
        *changes += sqlite3_total_changes64(c->db) - before_changes;
    }
    if (rc == 0)
        rc = undo_schema_changes(c, before);
    schema_snapshot_free(before);
    return rc;
}

/* How many statements the text holds (sqlite3_complete() tells where one ends), so
 * that several results can be announced as a list before the first is printed. */
static int count_statements(const char *text)
{
    int n = 0;
    struct strbuf b = {0};
    for (const char *p = text; *p; p++) {
        if (*p != ';')
            continue;
        strbuf_reset(&b);
        strbuf_append(&b, text, (size_t)(p - text) + 1);
        if (sqlite3_complete(strbuf_str(&b))) {
            n++;
            text = p + 1;
        }
    }
    strbuf_free(&b);
    while (*text == ' ' || *text == '\t' || *text == '\n' || *text == '\r')
        text++;
    return n + (*text != '\0');
}

static int sql_exec(ctx *c, const struct cmd_args *a)
{
    const char *text = a->raw;
    struct sql_writes w = {.c = c};
    int64_t rows = 0, changes = 0;
    int changed = 0, rc = 0, statements = 0;
    int several = count_statements(text) > 1;
    if (several)
        sink_list_begin(c->out, NULL);
    while (rc == 0 && *text) {
        sqlite3_stmt *st = NULL;
        const char *tail;
        sqlite3_set_authorizer(c->db, sql_authorize, &w);
        int prc = sqlite3_prepare_v2(c->db, text, -1, &st, &tail);
        sqlite3_set_authorizer(c->db, NULL, NULL);
        if (prc != SQLITE_OK) {
            int at = sqlite3_error_offset(c->db);
            if (w.refused)
                rc = ctx_error(c, "sql: %s", w.refused);
            else if (at >= 0 && (size_t)at < strlen(text))
                rc = ctx_error(c, "sql: %s (at column %zu: \"%.20s\")", sqlite3_errmsg(c->db),
                               (size_t)(text - a->raw) + (size_t)at + 1, text + at);
            else
                rc = ctx_sqlite_error(c, "sql");
            break;
        }
        text = tail;
        if (!st)    /* only a comment or blanks were left */
            continue;
        statements++;
        int64_t before = changes;
        int writes = !sqlite3_stmt_readonly(st);
        changed |= writes;
        rc = run_statement(c, st, &w, &rows, &changes);
        if (rc == 0 && writes && (several || rows == 0) && sqlite3_column_count(st) == 0) {
            sink_record_begin(c->out, NULL);
            sink_field(c->out, "changes", cell_int(changes - before));
            sink_record_end(c->out);
        }
        sqlite3_finalize(st);
        writes_clear(&w);
    }
    writes_clear(&w);
    if (several)
        sink_list_end(c->out);
    if (rc)
        return -1;
    if (statements == 0)
        return ctx_error(c, "sql: no statement; usage: %s", a->entry->usage);
    if (changed)
        cmd_set_summary(c, "%lld rows changed", (long long)changes);
    else
        cmd_set_summary(c, "%lld rows", (long long)rows);
    return 0;
}

/* A run of sql only reads when every statement prepares as read-only and passes the
 * guard; anything else (a write, an error to report) runs as a changing command. */
static int sql_reads_only(ctx *c, const struct cmd_args *a)
{
    const char *text = a->raw;
    struct sql_writes w = {.c = c};
    int reads = 1;
    while (reads && *text) {
        sqlite3_stmt *st = NULL;
        sqlite3_set_authorizer(c->db, sql_authorize, &w);
        int prc = sqlite3_prepare_v2(c->db, text, -1, &st, &text);
        sqlite3_set_authorizer(c->db, NULL, NULL);
        reads = prc == SQLITE_OK && !w.refused && (!st || sqlite3_stmt_readonly(st));
        sqlite3_finalize(st);
        if (prc == SQLITE_OK && !st)
            break;
    }
    writes_clear(&w);
    return reads;
}

const struct cmd_entry cmd_sql_entry = {
    .name = "sql",
    .usage = "sql STATEMENT[; STATEMENT…]",
    .summary = "run SQL on the workspace: rows for a query, the changed-row count for a change (undoable)",
    .example = "sql SELECT country, count(*) FROM customers GROUP BY 1 ORDER BY 2 DESC",
    .min_args = 0,
    .max_args = -1,
    .flags = CMD_CHANGES | CMD_RAW,
    .exec = sql_exec,
    .reads_only = sql_reads_only,
};

/* ---- drop ---- */

static int drop_exec(ctx *c, const struct cmd_args *a)
{
    const char *name = a->argv[0];
    if (require_relation(c, "drop", name, 1))
        return -1;
    if (table_exists(c, name)) {
        if (undo_table_stashed(c, name))
            return -1;
    } else {
        struct schema_snapshot *before = schema_snapshot_take(c);
        char *sql = sqlite3_mprintf("DROP VIEW \"%w\"", name);
        int rc = before ? exec_sql(c, "drop", sql) : -1;
        sqlite3_free(sql);
        if (rc == 0)
            rc = undo_schema_changes(c, before);
        schema_snapshot_free(before);
        if (rc)
            return -1;
    }
    sink_record_begin(c->out, NULL);
    sink_field(c->out, "dropped", cell_text(name));
    sink_record_end(c->out);
    cmd_set_summary(c, "dropped %s", name);
    return 0;
}

const struct cmd_entry cmd_drop_entry = {
    .name = "drop",
    .usage = "drop TABLE",
    .summary = "drop a table or view (undoable)",
    .example = "drop orders_2019",
    .min_args = 1,
    .max_args = 1,
    .flags = CMD_CHANGES,
    .exec = drop_exec,
};
