/* workspace_fixture.h — a cmocka group fixture: a fresh ":memory:" workspace whose
 * results go to a JSON buffer sink, as *state (a ctx *); and the fingerprint of a
 * workspace that undo tests compare.  Include it after <cmocka.h>. */
#ifndef PERSONA_TEST_WORKSPACE_FIXTURE_H
#define PERSONA_TEST_WORKSPACE_FIXTURE_H

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "ctx.h"
#include "sink.h"
#include "strbuf.h"
#include "workspace.h"

static inline int open_workspace(void **state)
{
    ctx *c = calloc(1, sizeof *c);
    if (!c || workspace_open(c, ":memory:") != 0)
        return -1;
    c->out = sink_open_buffer(FMT_JSON);
    *state = c;
    return 0;
}

static inline int close_workspace(void **state)
{
    ctx *c = *state;
    sink_close(c->out);
    workspace_close(c);
    free(c);
    return 0;
}

/* Whether a table has a rowid to order its rows by. */
static inline int table_has_rowid(ctx *c, const char *name)
{
    char *sql = sqlite3_mprintf("SELECT wr FROM pragma_table_list WHERE name=%Q", name);
    sqlite3_stmt *st;
    int wr = 0;
    if (sqlite3_prepare_v2(c->db, sql, -1, &st, NULL) == SQLITE_OK) {
        if (sqlite3_step(st) == SQLITE_ROW)
            wr = sqlite3_column_int(st, 0);
        sqlite3_finalize(st);
    }
    sqlite3_free(sql);
    return !wr;
}

/* Schema (columns of tables, definitions of the rest), rows with their rowids, and
 * what Persona knows of the tables: what undo must put back exactly. */
static inline char *fingerprint(ctx *c)
{
    struct strbuf b = {0};
    sqlite3_stmt *objects;
    assert_int_equal(sqlite3_prepare_v2(c->db,
                                        "SELECT type, name, tbl_name, sql FROM sqlite_master "
                                        "WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
                                        "AND name NOT IN ('_persona_log', '_persona_undo') "
                                        "ORDER BY type, name", -1, &objects, NULL), SQLITE_OK);
    while (sqlite3_step(objects) == SQLITE_ROW) {
        const char *type = (const char *)sqlite3_column_text(objects, 0);
        const char *name = (const char *)sqlite3_column_text(objects, 1);
        strbuf_printf(&b, "%s %s on %s\n", type, name, (const char *)sqlite3_column_text(objects, 2));
        if (strcmp(type, "table") != 0) {
            /* renaming a table back quotes its name in its indexes' and triggers'
             * definitions: the same definition, which the names here never need */
            for (const char *p = (const char *)sqlite3_column_text(objects, 3); *p; p++)
                if (*p != '"')
                    strbuf_putc(&b, *p);
            strbuf_puts(&b, "\n");
            continue;
        }
        char *sql = sqlite3_mprintf(
            "SELECT group_concat(name || ' ' || type || ' ' || \"notnull\" || ' ' || "
            "coalesce(dflt_value, '-') || ' ' || pk, ', ') FROM pragma_table_info(%Q)", name);
        sqlite3_stmt *cols;
        assert_int_equal(sqlite3_prepare_v2(c->db, sql, -1, &cols, NULL), SQLITE_OK);
        assert_int_equal(sqlite3_step(cols), SQLITE_ROW);
        strbuf_printf(&b, "  columns %s\n", (const char *)sqlite3_column_text(cols, 0));
        sqlite3_finalize(cols);
        sqlite3_free(sql);
        sql = sqlite3_mprintf(
            /* WITHOUT ROWID tables (_persona_tables) are in key order already */
            "SELECT %s * FROM \"%w\" ORDER BY %s", table_has_rowid(c, name) ? "rowid," : "", name,
            table_has_rowid(c, name) ? "rowid" : "1");
        sqlite3_stmt *rows;
        assert_int_equal(sqlite3_prepare_v2(c->db, sql, -1, &rows, NULL), SQLITE_OK);
        sqlite3_free(sql);
        while (sqlite3_step(rows) == SQLITE_ROW) {
            strbuf_puts(&b, "  row");
            for (int i = 0; i < sqlite3_column_count(rows); i++)
                strbuf_printf(&b, " %d:%s", sqlite3_column_type(rows, i),
                              sqlite3_column_type(rows, i) == SQLITE_NULL ? "" : (const char *)sqlite3_column_text(rows, i));
            strbuf_puts(&b, "\n");
        }
        sqlite3_finalize(rows);
    }
    sqlite3_finalize(objects);
    char *s = xstrdup(strbuf_str(&b));
    strbuf_free(&b);
    return s;
}

#endif
