/* retype.c — changing the declared type of a column (see retype.h). */
#include "retype.h"

#include <ctype.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"
#include "undo.h"
#include "workspace.h"

/* Whether the SQL text holds a keyword (as a whole word, case-insensitive). */
static int has_word(const char *sql, const char *word)
{
    size_t n = strlen(word);
    for (const char *p = sql; *p; p++) {
        if (strncasecmp(p, word, n) != 0)
            continue;
        int before = p > sql && (isalnum((unsigned char)p[-1]) || p[-1] == '_');
        int after = isalnum((unsigned char)p[n]) || p[n] == '_';
        if (!before && !after)
            return 1;
    }
    return 0;
}

/* Refuses a definition the rebuild from table_xinfo would not reproduce. */
static int check_definition(ctx *c, const char *cmd, const char *table, const char *column)
{
    char *sql = NULL;
    sqlite3_stmt *st;
    if (prepare_sql(c, cmd, "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", &st))
        return -1;
    sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
        sql = xstrdup((const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    if (!sql)
        return ctx_error(c, "%s: no table named '%s'", cmd, table);
    static const char *const refused[] = {"CHECK", "REFERENCES", "COLLATE", "GENERATED", "AUTOINCREMENT",
                                          "STRICT", "UNIQUE", "CONSTRAINT", "WITHOUT"};
    const char *found = NULL;
    for (size_t i = 0; i < sizeof refused / sizeof refused[0] && !found; i++)
        if (has_word(sql, refused[i]))
            found = refused[i];
    free(sql);
    if (found)
        return ctx_error(c, "%s: %s.%s must become text, and its table's definition has %s, which a rebuild would "
                            "not keep; change the column's type with sql first", cmd, table, column, found);
    return 0;
}

/* The column definitions of table from table_xinfo, with column declared as type. */
static int new_definition(ctx *c, const char *cmd, const char *table, const char *column, const char *type,
                          const char *name, struct strbuf *create, struct strbuf *cols)
{
    sqlite3_stmt *st;
    char *sql = sqlite3_mprintf("SELECT name, type, \"notnull\", dflt_value, pk FROM pragma_table_xinfo(%Q) "
                                "ORDER BY cid", table);
    int rc = prepare_sql(c, cmd, sql, &st);
    sqlite3_free(sql);
    if (rc)
        return -1;
    struct strbuf pk = {0};
    strbuf_puts(create, "CREATE TABLE ");
    strbuf_put_ident(create, name);
    strbuf_puts(create, " (");
    int n = 0, npk = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *col = (const char *)sqlite3_column_text(st, 0);
        const char *decl = (const char *)sqlite3_column_text(st, 1);
        if (n++) {
            strbuf_puts(create, ", ");
            strbuf_puts(cols, ", ");
        }
        strbuf_put_ident(create, col);
        strbuf_put_ident(cols, col);
        const char *t = sqlite3_stricmp(col, column) == 0 ? type : decl;
        if (t && *t)
            strbuf_printf(create, " %s", t);
        if (sqlite3_column_int(st, 2))
            strbuf_puts(create, " NOT NULL");
        if (sqlite3_column_text(st, 3))
            strbuf_printf(create, " DEFAULT %s", (const char *)sqlite3_column_text(st, 3));
        if (sqlite3_column_int(st, 4)) {
            if (npk++)
                strbuf_puts(&pk, ", ");
            strbuf_put_ident(&pk, col);
        }
    }
    sqlite3_finalize(st);
    if (npk)
        strbuf_printf(create, ", PRIMARY KEY (%s)", strbuf_str(&pk));
    strbuf_puts(create, ")");
    strbuf_free(&pk);
    return 0;
}

/* The definitions of a table's indexes and triggers, to create them again. */
static char *dependents(ctx *c, const char *cmd, const char *table)
{
    sqlite3_stmt *st;
    if (prepare_sql(c, cmd, "SELECT group_concat(sql, ';' || char(10)) FROM sqlite_master WHERE tbl_name = ? "
                            "AND type IN ('index', 'trigger') AND sql IS NOT NULL", &st))
        return NULL;
    sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
    char *sql = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0)
                    ? xstrdup((const char *)sqlite3_column_text(st, 0)) : xstrdup("");
    sqlite3_finalize(st);
    return sql;
}

int table_retype_column(ctx *c, const char *cmd, const char *table, const char *column, const char *type)
{
    const char *rowid = rowid_alias(c, cmd, table);
    if (!rowid || check_definition(c, cmd, table, column) || undo_table_copied(c, table))
        return -1;
    char tmp[64];
    snprintf(tmp, sizeof tmp, "_persona_retype_%lld", (long long)c->command_id);
    struct strbuf create = {0}, cols = {0}, copy = {0};
    char *deps = dependents(c, cmd, table);
    int rc = deps ? new_definition(c, cmd, table, column, type, tmp, &create, &cols) : -1;
    if (rc == 0) {
        strbuf_puts(&copy, "INSERT INTO ");
        strbuf_put_ident(&copy, tmp);
        strbuf_printf(&copy, " (%s, %s) SELECT %s, %s FROM ", rowid, strbuf_str(&cols), rowid, strbuf_str(&cols));
        strbuf_put_ident(&copy, table);
        char *swap = sqlite3_mprintf("DROP TABLE \"%w\"; ALTER TABLE \"%w\" RENAME TO \"%w\"", table, tmp, table);
        rc = exec_sql(c, cmd, strbuf_str(&create)) || exec_sql(c, cmd, strbuf_str(&copy)) ||
             exec_sql(c, cmd, swap) || (*deps && exec_sql(c, cmd, deps)) ? -1 : 0;
        sqlite3_free(swap);
    }
    free(deps);
    strbuf_free(&create);
    strbuf_free(&cols);
    strbuf_free(&copy);
    return rc;
}
