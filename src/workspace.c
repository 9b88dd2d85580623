/* workspace.c — opening the workspace, the command log, and small SQL helpers. */
#include "workspace.h"

#include <ctype.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "identity.h"
#include "pseudonym.h"
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

/* Calls fn(arg, stmt, table) for each statement of Persona's schema, with the table
 * it creates or indexes (NULL for anything else). */
static int each_schema_statement(int (*fn)(void *, const char *, const char *), void *arg)
{
    struct strbuf stmt = {0};
    const char *start = query_schema;
    int rc = 0;
    for (const char *p = query_schema; *p && rc == 0; p++) {
        if (*p != ';')
            continue;
        strbuf_reset(&stmt);
        strbuf_append(&stmt, start, (size_t)(p - start) + 1);
        if (!sqlite3_complete(strbuf_str(&stmt)))
            continue;
        start = p + 1;
        const char *text = strbuf_str(&stmt);
        const char *create = strstr(text, "CREATE TABLE IF NOT EXISTS ");
        const char *index = strstr(text, "CREATE INDEX IF NOT EXISTS ");
        const char *name = create ? create + 27 : index && strstr(index, " ON ") ? strstr(index, " ON ") + 4 : NULL;
        char table[64] = "";
        if (name)
            sscanf(name, "%63[A-Za-z0-9_]", table);
        rc = fn(arg, text, *table ? table : NULL);
    }
    strbuf_free(&stmt);
    return rc;
}

static int main_has_table(ctx *c, const char *name)
{
    return query_int(c, "SELECT count(*) FROM main.sqlite_master WHERE type='table' AND name=%Q", name) > 0;
}

/* Shadows a Persona table the file lacks with an empty TEMP table of the same shape:
 * read-only commands then read "nothing recorded" without writing to the file. */
static int shadow_missing(void *arg, const char *stmt, const char *table)
{
    ctx *c = arg;
    const char *create = "CREATE TABLE IF NOT EXISTS ";
    const char *at = strstr(stmt, create);
    if (!table || !at || main_has_table(c, table))
        return 0;       /* indexes of shadows are not needed: the shadows stay empty */
    char *sql = sqlite3_mprintf("CREATE TEMP TABLE IF NOT EXISTS %s", at + strlen(create));
    int rc = exec_sql(c, "workspace", sql);
    sqlite3_free(sql);
    c->meta_shadowed = 1;
    return rc;
}

static int create_in_main(void *arg, const char *stmt, const char *table)
{
    (void)table;
    return exec_sql(arg, "workspace schema", stmt);
}

/* Drops the TEMP shadows of Persona's tables the file now has (or all of them). */
static int drop_shadows(ctx *c, int all)
{
    sqlite3_stmt *st;
    if (prepare_sql(c, "workspace", "SELECT name FROM temp.sqlite_master WHERE type='table' "
                                    "AND name LIKE '\\_persona\\_%' ESCAPE '\\'", &st))
        return -1;
    int n;
    char **names = NULL;
    n = 0;
    int cap = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        if (n == cap)
            names = xrealloc(names, (size_t)(cap = cap ? 2 * cap : 16) * sizeof *names);
        names[n++] = xstrdup((const char *)sqlite3_column_text(st, 0));
    }
    sqlite3_finalize(st);
    int rc = 0, left = 0;
    for (int i = 0; i < n && rc == 0; i++) {
        if (!all && !main_has_table(c, names[i])) {
            left = 1;
            continue;
        }
        char *sql = sqlite3_mprintf("DROP TABLE temp.\"%w\"", names[i]);
        rc = exec_sql(c, "workspace", sql);
        sqlite3_free(sql);
    }
    free_names(names, n);
    if (rc == 0)
        c->meta_shadowed = left;
    return rc;
}

int workspace_open(ctx *c, const char *path)
{
    struct stat st;
    int memory = strcmp(path, ":memory:") == 0;
    if (!memory && stat(path, &st) == 0 && S_ISDIR(st.st_mode))
        return ctx_error(c, "%s: is a directory, not a workspace file", path);
    /* Memory statistics cost a global mutex on every allocation, and a connection
     * is only ever used by one thread at a time (the workbench's worker opens its
     * own): both locks go.  sqlite3_config() refuses once SQLite is initialised,
     * which is harmless for a second workspace in the same process. */
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    /* A file the user may not write is opened read-only: it can still be read. */
    int readonly = !memory && stat(path, &st) == 0 && access(path, W_OK) != 0;
    int flags = (readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) |
                SQLITE_OPEN_NOMUTEX;
    if (sqlite3_open_v2(path, &c->db, flags, NULL) != SQLITE_OK) {
        ctx_error(c, "%s: cannot open workspace: %s", path, c->db ? sqlite3_errmsg(c->db) : "out of memory");
        sqlite3_close(c->db);
        c->db = NULL;
        return -1;
    }
    c->db_path = path;
    c->readonly = readonly;
    c->meta_shadowed = 0;
    sqlite3_busy_timeout(c->db, 5000);
    sqlite3_extended_result_codes(c->db, 1);
    /* A file that is not a database fails on its first read: say so plainly. */
    if (sqlite3_exec(c->db, "SELECT count(*) FROM sqlite_master", NULL, NULL, NULL) != SQLITE_OK) {
        ctx_error(c, "%s: not a SQLite workspace (%s)", path, sqlite3_errmsg(c->db));
        workspace_close(c);
        return -1;
    }
    /* Opening writes nothing: Persona's tables the file lacks are shadowed by empty
     * TEMP tables until the first changing command adopts the file
     * (workspace_prepare_write), so a foreign SQLite file stays byte-identical under
     * every read-only command and readers never queue behind a writer. */
    if (each_schema_statement(shadow_missing, c) || sqlfunc_register(c) || identity_register(c) ||
        pseudonym_register(c) || mask_register(c)) {
        workspace_close(c);
        return -1;
    }
    return 0;
}

int workspace_prepare_write(ctx *c)
{
    if (c->readonly)
        return ctx_error(c, "%s: the workspace file is read-only: it can be read, not changed", c->db_path);
    if (!c->meta_shadowed)
        return 0;
    /* WAL: readers (the workbench grid, a second process) never wait for the writer,
     * and a killed process leaves the last committed state.  synchronous=NORMAL is
     * durable across process crashes in WAL mode, which is what "killed mid-load"
     * needs.  The mode can only change outside a transaction, hence here. */
    if (drop_shadows(c, 1) ||
        exec_sql(c, c->db_path, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;") ||
        exec_sql(c, "workspace schema", "BEGIN IMMEDIATE"))
        return -1;
    if (each_schema_statement(create_in_main, c) || exec_sql(c, "workspace schema", "COMMIT")) {
        sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
        return -1;
    }
    return 0;
}

int workspace_refresh(ctx *c)
{
    return c->meta_shadowed ? drop_shadows(c, 0) : 0;
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
    /* SQLite's names are case-insensitive: _PERSONA_LOG is _persona_log */
    return strncasecmp(name, "_persona_", 9) == 0 || strncasecmp(name, "sqlite_", 7) == 0;
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

const char *rowid_alias(ctx *c, const char *cmd, const char *table)
{
    static const char *const names[] = {"rowid", "oid", "_rowid_"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (query_int(c, "SELECT count(*) FROM pragma_table_xinfo(%Q) WHERE name = %Q COLLATE NOCASE", table,
                      names[i]) == 0)
            return names[i];
    ctx_error(c, "%s: '%s' has columns named rowid, oid and _rowid_, which hide the row numbers it needs; "
                 "rename one (sql ALTER TABLE \"%s\" RENAME COLUMN rowid TO row_id)", cmd, table, table);
    return NULL;
}

const char *column_key_type(ctx *c, const char *table, const char *column)
{
    if (!column || sqlite3_stricmp(column, "rowid") == 0 || sqlite3_stricmp(column, "oid") == 0 ||
        sqlite3_stricmp(column, "_rowid_") == 0)
        return "INTEGER";
    sqlite3_stmt *st;
    char *sql = sqlite3_mprintf("SELECT type FROM pragma_table_info(%Q) WHERE name = %Q COLLATE NOCASE", table, column);
    char declared[64] = "";
    if (sqlite3_prepare_v2(c->db, sql, -1, &st, NULL) == SQLITE_OK) {
        if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
            snprintf(declared, sizeof declared, "%s", (const char *)sqlite3_column_text(st, 0));
        sqlite3_finalize(st);
    }
    sqlite3_free(sql);
    /* SQLite's affinity rules, in their order: INT, then CHAR/CLOB/TEXT */
    for (char *p = declared; *p; p++)
        *p = (char)toupper((unsigned char)*p);
    if (strstr(declared, "INT"))
        return "INTEGER";
    if (strstr(declared, "CHAR") || strstr(declared, "CLOB") || strstr(declared, "TEXT"))
        return "TEXT";
    sql = sqlite3_mprintf("SELECT typeof(\"%w\") FROM \"%w\" WHERE \"%w\" IS NOT NULL LIMIT 1", column, table, column);
    const char *type = "TEXT";
    if (sqlite3_prepare_v2(c->db, sql, -1, &st, NULL) == SQLITE_OK) {
        if (sqlite3_step(st) == SQLITE_ROW && strcmp((const char *)sqlite3_column_text(st, 0), "integer") == 0)
            type = "INTEGER";
        sqlite3_finalize(st);
    }
    sqlite3_free(sql);
    return type;
}

void key_cast_sql(const char *type, const char *expr, struct strbuf *b)
{
    if (strcmp(type, "INTEGER") == 0)
        strbuf_printf(b, "CASE WHEN typeof(%s) = 'text' AND CAST(CAST(%s AS INTEGER) AS TEXT) = %s "
                         "THEN CAST(%s AS INTEGER) ELSE %s END", expr, expr, expr, expr, expr);
    else
        strbuf_printf(b, "CASE WHEN typeof(%s) IN ('integer', 'real') THEN CAST(%s AS TEXT) ELSE %s END",
                      expr, expr, expr);
}

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

int refuse_overwrite(ctx *c, const char *cmd, const char *name, int replace)
{
    if (replace || !relation_exists(c, name))
        return 0;
    return ctx_error(c, "%s: table '%s' already exists; add 'replace' to build over it (undo brings it back) "
                        "or 'as NAME' for another name", cmd, name);
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
