/* workspace.c — opening the workspace, the command log, and small SQL helpers. */
#include "workspace.h"

#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "similar.h"
#include "sqlfunc.h"
#include "strbuf.h"

extern const char query_schema[];

int exec_sql(ctx *c, const char *what, const char *sql)
{
    char *msg = NULL;
    if (sqlite3_exec(c->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        ctx_error(c, "%s: %s", what, msg ? msg : sqlite3_errmsg(c->db));
        sqlite3_free(msg);
        return -1;
    }
    return 0;
}

int prepare_sql(ctx *c, const char *what, const char *sql, sqlite3_stmt **stmt)
{
    if (sqlite3_prepare_v2(c->db, sql, -1, stmt, NULL) != SQLITE_OK) {
        *stmt = NULL;
        return ctx_sqlite_error(c, what);
    }
    return 0;
}

int64_t query_int(ctx *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *sql = sqlite3_vmprintf(fmt, ap);
    va_end(ap);
    sqlite3_stmt *st;
    int64_t v = -1;
    if (sql && sqlite3_prepare_v2(c->db, sql, -1, &st, NULL) == SQLITE_OK) {
        if (sqlite3_step(st) == SQLITE_ROW)
            v = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
    }
    sqlite3_free(sql);
    return v;
}

void utc_now(char *buf, int size)
{
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(buf, (size_t)size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int workspace_open(ctx *c, const char *path)
{
    struct stat st;
    if (strcmp(path, ":memory:") != 0 && stat(path, &st) == 0 && S_ISDIR(st.st_mode))
        return ctx_error(c, "%s: is a directory, not a workspace file", path);
    /* Memory statistics cost a global mutex on every allocation, and a connection
     * is only ever used by one thread at a time (the workbench's worker opens its
     * own): both locks go.  sqlite3_config() refuses once SQLite is initialised,
     * which is harmless for a second workspace in the same process. */
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    if (sqlite3_open_v2(path, &c->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                        NULL) != SQLITE_OK) {
        ctx_error(c, "%s: cannot open workspace: %s", path, c->db ? sqlite3_errmsg(c->db) : "out of memory");
        sqlite3_close(c->db);
        c->db = NULL;
        return -1;
    }
    c->db_path = path;
    sqlite3_busy_timeout(c->db, 5000);
    sqlite3_extended_result_codes(c->db, 1);
    /* A file that is not a database fails on its first read: say so plainly. */
    if (sqlite3_exec(c->db, "SELECT count(*) FROM sqlite_master", NULL, NULL, NULL) != SQLITE_OK) {
        ctx_error(c, "%s: not a SQLite workspace (%s)", path, sqlite3_errmsg(c->db));
        workspace_close(c);
        return -1;
    }
    /* WAL: readers (the workbench grid) never block the writer, and a killed
     * process leaves the last committed state. synchronous=NORMAL is durable across
     * process crashes in WAL mode, which is what "killed mid-load" needs. */
    if (exec_sql(c, path, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;") ||
        exec_sql(c, "workspace schema", query_schema) ||
        exec_sql(c, "workspace log",
                 "UPDATE _persona_log SET status='interrupted' WHERE status='running'") ||
        sqlfunc_register(c)) {
        workspace_close(c);
        return -1;
    }
    return 0;
}

void workspace_close(ctx *c)
{
    if (c->db)
        sqlite3_close_v2(c->db);
    c->db = NULL;
}

int64_t log_begin(ctx *c, const char *command, int saveable)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(c->db,
                           "INSERT INTO _persona_log(started_at, status, command, saveable) "
                           "VALUES (strftime('%Y-%m-%dT%H:%M:%fZ','now'), 'running', ?, ?)",
                           -1, &st, NULL) != SQLITE_OK)
        return 0;
    sqlite3_bind_text(st, 1, command, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(st, 2, saveable);
    int64_t id = sqlite3_step(st) == SQLITE_DONE ? sqlite3_last_insert_rowid(c->db) : 0;
    sqlite3_finalize(st);
    return id;
}

void log_end(ctx *c, int64_t id, const char *status, double ms, const char *summary)
{
    sqlite3_stmt *st;
    if (!id || sqlite3_prepare_v2(c->db,
                                  "UPDATE _persona_log SET status=?, duration_ms=?, summary=? "
                                  "WHERE id=?",
                                  -1, &st, NULL) != SQLITE_OK)
        return;
    sqlite3_bind_text(st, 1, status, -1, SQLITE_STATIC);
    sqlite3_bind_double(st, 2, ms);
    sqlite3_bind_text(st, 3, summary, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 4, id);
    sqlite3_step(st);
    sqlite3_finalize(st);
}

int is_internal_name(const char *name)
{
    return strncmp(name, "_persona_", 9) == 0 || strncmp(name, "sqlite_", 7) == 0;
}

static int schema_has(ctx *c, const char *name, const char *types)
{
    sqlite3_stmt *st;
    char sql[160];
    snprintf(sql, sizeof sql,
             "SELECT 1 FROM sqlite_master WHERE type IN (%s) AND name=? COLLATE NOCASE", types);
    if (sqlite3_prepare_v2(c->db, sql, -1, &st, NULL) != SQLITE_OK)
        return 0;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    int found = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_finalize(st);
    return found;
}

int table_exists(ctx *c, const char *name) { return schema_has(c, name, "'table'"); }
int relation_exists(ctx *c, const char *name) { return schema_has(c, name, "'table','view'"); }

char *table_key_column(ctx *c, const char *table)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(c->db, "SELECT key_column FROM _persona_tables WHERE name=?",
                           -1, &st, NULL) != SQLITE_OK)
        return NULL;
    sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
    char *key = NULL;
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
        key = xstrdup((const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return key;
}

/* The first column of every row of st, as malloc'ed strings; finalizes st. */
static char **step_names(sqlite3_stmt *st, int *n)
{
    char **names = NULL;
    int cap = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 16;
            names = xrealloc(names, (size_t)cap * sizeof *names);
        }
        names[(*n)++] = xstrdup((const char *)sqlite3_column_text(st, 0));
    }
    sqlite3_finalize(st);
    return names;
}

char **user_relations(ctx *c, int *n)
{
    sqlite3_stmt *st;
    *n = 0;
    if (sqlite3_prepare_v2(c->db,
                           "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') "
                           "AND name NOT LIKE '\\_persona\\_%' ESCAPE '\\' "
                           "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name",
                           -1, &st, NULL) != SQLITE_OK)
        return NULL;
    return step_names(st, n);
}

char **table_columns(ctx *c, const char *what, const char *table, int *n)
{
    sqlite3_stmt *st;
    *n = 0;
    char *sql = sqlite3_mprintf("SELECT name FROM pragma_table_info(%Q) ORDER BY cid", table);
    int rc = prepare_sql(c, what, sql, &st);
    sqlite3_free(sql);
    if (rc)
        return NULL;
    char **names = step_names(st, n);
    return names ? names : xcalloc(1, sizeof *names);  /* no such relation: no columns, no error */
}

void free_names(char **names, int n)
{
    for (int i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

int require_relation(ctx *c, const char *cmd, const char *name, int views)
{
    if (!is_internal_name(name) && (views ? relation_exists(c, name) : table_exists(c, name)))
        return 0;
    int n;
    char **names = user_relations(c, &n);
    const char *near = closest_name(name, (const char *const *)names, (size_t)n);
    if (near)
        ctx_error(c, "%s: no table named '%s' (did you mean '%s'?)", cmd, name, near);
    else
        ctx_error(c, "%s: no table named '%s'; 'tables' lists them", cmd, name);
    free_names(names, n);
    return -1;
}
