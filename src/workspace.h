/* workspace.h — the SQLite file that holds an analysis.
 *
 * One file in WAL mode; any SQLite database opens as a workspace.  Persona's own
 * tables are prefixed _persona_ (queries/schema.sql); everything else is the user's
 * and stays readable by any SQLite tool. */
#ifndef PERSONA_WORKSPACE_H
#define PERSONA_WORKSPACE_H

#include <stdint.h>

#include "ctx.h"

/* Opens (creating if needed) the workspace at path into c->db with a busy timeout.
 * Opening writes nothing: Persona's tables that the file lacks are shadowed by
 * empty TEMP tables, so read-only commands work on any SQLite file (a read-only
 * file included) and leave it byte-identical.  ":memory:" gives a throwaway
 * workspace. */
int workspace_open(ctx *c, const char *path);

/* Makes the workspace ready to be changed, before a changing command's
 * transaction: a read-only file is refused; a file not yet adopted gets WAL mode
 * and Persona's tables (in their own transaction).  Returns 0, or -1 with c->err. */
int workspace_prepare_write(ctx *c);

/* Drops the TEMP shadows of Persona's tables that another connection has since
 * created in the file (the workbench's front end, after its worker adopted it). */
int workspace_refresh(ctx *c);
void workspace_close(ctx *c);

/* Starts a command log entry with status 'running'; returns its id, or 0 when the
 * log could not be written (the command still runs). */
int64_t log_begin(ctx *c, const char *command, int saveable);

/* Finishes the entry: status ("ok", "error", "cancelled"), duration, summary. */
void log_end(ctx *c, int64_t id, const char *status, double ms, const char *summary);

/* Whether name is one of Persona's own objects (_persona_…) or SQLite's (sqlite_…),
 * in any case: SQLite's names are case-insensitive. */
int is_internal_name(const char *name);

/* 1 if a table (or view, with views) of that name exists in the workspace, 0 if not. */
int table_exists(ctx *c, const char *name);
int relation_exists(ctx *c, const char *name);

/* The name that reaches a table's rowid: "rowid", else "oid", else "_rowid_" — a
 * column of the same name hides it, and writing by a hidden rowid would write by
 * the user's column instead.  NULL with c->err ("CMD: …") when all three are
 * columns.  A static string. */
const char *rowid_alias(ctx *c, const char *cmd, const char *table);

/* The type a key column's values have, "INTEGER" or "TEXT" (a static string): its
 * declared type where that gives INTEGER or TEXT affinity, else the storage class
 * of its first value (an untyped column of whole numbers is INTEGER).  The rowid
 * is INTEGER.  Derived tables declare their key with it, so that joins and
 * membership tests compare integers with integers and text with text. */
const char *column_key_type(ctx *c, const char *table, const char *column);

/* Appends SQL for expr brought to a key type (column_key_type()): for INTEGER,
 * text that is exactly an integer becomes that integer (other text stays text:
 * never cast to 0); for TEXT, numbers become their text.  Joins and membership
 * tests then compare like with like. */
struct strbuf;
void key_cast_sql(const char *type, const char *expr, struct strbuf *b);

/* The key column recorded for a table, malloc'ed, or NULL (rowid). */
char *table_key_column(ctx *c, const char *table);

/* Runs SQL with no result rows; on failure sets c->err as "what: sqlite message". */
int exec_sql(ctx *c, const char *what, const char *sql);

/* Prepares SQL; on failure sets c->err as "what: sqlite message". */
struct sqlite3_stmt;
int prepare_sql(ctx *c, const char *what, const char *sql, struct sqlite3_stmt **stmt);

/* The integer a one-value query gives, the SQL built like sqlite3_mprintf (%w, %Q
 * quote names and values); -1 when it fails or gives no row. */
int64_t query_int(ctx *c, const char *fmt, ...);

/* The current UTC time as ISO 8601 ("2026-11-22T07:18:45Z") into buf (>= 24 bytes). */
void utc_now(char *buf, int size);



/* The one rule for commands that write a named table: an existing table or view
 * of that name is an error unless replace is set ("CMD: table 'x' already exists;
 * add 'replace' …").  Returns 0 or -1. */
int refuse_overwrite(ctx *c, const char *cmd, const char *name, int replace);

/* Checks that a user table (or view, with views) called name exists; otherwise sets
 * "CMD: no table named 'x' (did you mean 'y'?)" and returns -1. */
int require_relation(ctx *c, const char *cmd, const char *name, int views);

/* The names of the user tables and views (not Persona's own), malloc'ed array of
 * malloc'ed strings, for suggestions and completion; free with free_names(). */
char **user_relations(ctx *c, int *n);
void free_names(char **names, int n);

/* The columns of a table or view in order, as user_relations() gives names (none for
 * a relation that does not exist); NULL with *n = 0, and c->err naming `what`, only
 * when the query fails. */
char **table_columns(ctx *c, const char *what, const char *table, int *n);
#endif
