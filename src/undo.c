/* undo.c — stashes and restore steps for `undo`. */
#include "undo.h"

#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"
#include "workspace.h"

static int next_seq(ctx *c)
{
    sqlite3_stmt *st;
    int seq = 1;
    if (sqlite3_prepare_v2(c->db,
                           "SELECT coalesce(max(seq), 0) + 1 FROM _persona_undo WHERE command_id=?",
                           -1, &st, NULL) != SQLITE_OK)
        return 1;
    sqlite3_bind_int64(st, 1, c->command_id);
    if (sqlite3_step(st) == SQLITE_ROW)
        seq = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return seq;
}

static int record(ctx *c, int seq, const char *action, const char *object, const char *type,
                  const char *stash, const char *sql)
{
    sqlite3_stmt *st;
    if (prepare_sql(c, "undo record",
                    "INSERT INTO _persona_undo(command_id, seq, action, object, object_type, stash, sql) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?)", &st))
        return -1;
    sqlite3_bind_int64(st, 1, c->command_id);
    sqlite3_bind_int(st, 2, seq);
    sqlite3_bind_text(st, 3, action, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, object, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, type, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, stash, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 7, sql, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : ctx_sqlite_error(c, "undo record");
    sqlite3_finalize(st);
    return rc;
}

/* Whether this command already recorded how to restore the table. */
static int has_record(ctx *c, const char *table)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(c->db,
                           "SELECT 1 FROM _persona_undo WHERE command_id=? AND object_type='table' "
                           "AND object=? COLLATE NOCASE",
                           -1, &st, NULL) != SQLITE_OK)
        return 0;
    sqlite3_bind_int64(st, 1, c->command_id);
    sqlite3_bind_text(st, 2, table, -1, SQLITE_STATIC);
    int found = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_finalize(st);
    return found;
}

/* Runs a statement built from a format with identifiers quoted by %w (sqlite3_mprintf). */
static int exec_fmt(ctx *c, const char *what, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *sql = sqlite3_vmprintf(fmt, ap);
    va_end(ap);
    int rc = exec_sql(c, what, sql);
    sqlite3_free(sql);
    return rc;
}

/* Renames a table without rewriting views and triggers that mention the old name:
 * they should keep pointing at the name, which the restore brings back. */
static int rename_table(ctx *c, const char *from, const char *to)
{
    if (exec_sql(c, "undo", "PRAGMA legacy_alter_table=ON"))
        return -1;
    int rc = exec_fmt(c, "undo: rename", "ALTER TABLE \"%w\" RENAME TO \"%w\"", from, to) ||
             exec_fmt(c, "undo: rename", "UPDATE _persona_tables SET name=%Q WHERE name=%Q", to, from);
    exec_sql(c, "undo", "PRAGMA legacy_alter_table=OFF");
    return rc ? -1 : 0;
}

int undo_table_created(ctx *c, const char *table)
{
    return record(c, next_seq(c), "drop", table, "table", NULL, NULL);
}

/* Skips one SQL identifier (quoted or bare) at p and returns the position after it. */
static const char *skip_identifier(const char *p)
{
    char close = *p == '"' ? '"' : *p == '`' ? '`' : *p == '[' ? ']' : *p == '\'' ? '\'' : 0;
    if (close) {
        for (p++; *p; p++) {
            if (*p == close) {
                if (close != ']' && p[1] == close) {
                    p++;
                    continue;
                }
                return p + 1;
            }
        }
        return p;
    }
    while (*p && *p != '(' && *p != ' ' && *p != '\t' && *p != '\n' && *p != '.')
        p++;
    return p;
}

/* The CREATE TABLE statement of `table` rewritten to create `name` instead, so the
 * copy has exactly the original's columns, types and constraints. */
static char *create_sql_renamed(ctx *c, const char *table, const char *name)
{
    sqlite3_stmt *st;
    if (prepare_sql(c, "undo", "SELECT sql FROM sqlite_master WHERE type='table' AND name=? COLLATE NOCASE", &st))
        return NULL;
    sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
    char *out = NULL;
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0)) {
        const char *sql = (const char *)sqlite3_column_text(st, 0);
        const char *p = sql + strlen("CREATE TABLE");
        while (*p == ' ' || *p == '\t' || *p == '\n')
            p++;
        if (sqlite3_strnicmp(p, "IF NOT EXISTS", 13) == 0)
            for (p += 13; *p == ' ' || *p == '\t' || *p == '\n'; p++)
                ;
        const char *end = skip_identifier(p);
        if (*end == '.')        /* schema-qualified: the table name comes next */
            end = skip_identifier(end + 1);
        struct strbuf b = {0};
        strbuf_puts(&b, "CREATE TABLE ");
        strbuf_put_ident(&b, name);
        strbuf_puts(&b, end);
        out = xstrdup(strbuf_str(&b));
        strbuf_free(&b);
    } else {
        ctx_error(c, "undo: no table named %s", table);
    }
    sqlite3_finalize(st);
    return out;
}

/* "a","b",… : the columns a copy must carry (generated columns compute themselves),
 * preceded by rowid for rowid tables so keys and row order survive. */
static char *copy_columns(ctx *c, const char *table)
{
    sqlite3_stmt *st;
    char *sql = sqlite3_mprintf(
        "SELECT name, (SELECT wr FROM pragma_table_list WHERE name=%Q) "
        "FROM pragma_table_xinfo(%Q) WHERE hidden NOT IN (2, 3) ORDER BY cid", table, table);
    int rc = prepare_sql(c, "undo", sql, &st);
    sqlite3_free(sql);
    if (rc)
        return NULL;
    struct strbuf b = {0};
    while (sqlite3_step(st) == SQLITE_ROW) {
        if (b.len == 0 && sqlite3_column_int(st, 1) == 0) {
            const char *rowid = rowid_alias(c, "undo", table);
            if (!rowid) {
                sqlite3_finalize(st);
                strbuf_free(&b);
                return NULL;
            }
            strbuf_printf(&b, "%s, ", rowid);
        } else if (b.len > 0)
            strbuf_puts(&b, ", ");
        strbuf_put_ident(&b, (const char *)sqlite3_column_text(st, 0));
    }
    sqlite3_finalize(st);
    char *cols = xstrdup(strbuf_str(&b));
    strbuf_free(&b);
    return cols;
}

/* The definitions of a table's indexes and triggers, ';'-separated, or NULL. */
static char *dependent_sql(ctx *c, const char *table)
{
    sqlite3_stmt *st;
    if (prepare_sql(c, "undo",
                    "SELECT group_concat(sql, ';\n') FROM sqlite_master WHERE tbl_name=? COLLATE NOCASE "
                    "AND type IN ('index', 'trigger') AND sql IS NOT NULL", &st))
        return NULL;
    sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
    char *out = NULL;
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
        out = xstrdup((const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return out;
}

int undo_table_copied(ctx *c, const char *table)
{
    if (has_record(c, table))
        return 0;
    int seq = next_seq(c);
    char stash[64];
    snprintf(stash, sizeof stash, "_persona_stash_%lld_%d", (long long)c->command_id, seq);
    char *create = create_sql_renamed(c, table, stash);
    char *cols = create ? copy_columns(c, table) : NULL;
    char *deps = dependent_sql(c, table);
    int rc = -1;
    if (cols && exec_sql(c, "undo: copy", create) == 0 &&
        exec_fmt(c, "undo: copy", "INSERT INTO \"%w\"(%s) SELECT %s FROM \"%w\"", stash, cols, cols, table) == 0 &&
        exec_fmt(c, "undo: copy",
                 "INSERT INTO _persona_tables(name, key_column, source, loaded_at, command_id) "
                 "SELECT %Q, key_column, source, loaded_at, command_id FROM _persona_tables WHERE name=%Q",
                 stash, table) == 0)
        rc = record(c, seq, "restore", table, "table", stash, deps);
    free(create);
    free(cols);
    free(deps);
    return rc;
}

/* Drops the indexes and triggers of a table (their definitions were saved): a
 * renamed table keeps them under their old names, which a new table of the same
 * name would need again. */
static int drop_dependents(ctx *c, const char *table)
{
    sqlite3_stmt *st;
    if (prepare_sql(c, "undo", "SELECT type, name FROM sqlite_master WHERE tbl_name=? COLLATE NOCASE "
                               "AND type IN ('index', 'trigger') AND sql IS NOT NULL", &st))
        return -1;
    sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
    struct strbuf b = {0};
    while (sqlite3_step(st) == SQLITE_ROW) {
        char *sql = sqlite3_mprintf("DROP %s \"%w\";\n", (const char *)sqlite3_column_text(st, 0),
                                    (const char *)sqlite3_column_text(st, 1));
        strbuf_puts(&b, sql);
        sqlite3_free(sql);
    }
    sqlite3_finalize(st);
    int rc = b.len ? exec_sql(c, "undo", strbuf_str(&b)) : 0;
    strbuf_free(&b);
    return rc;
}

int undo_table_stashed(ctx *c, const char *table)
{
    int seq = next_seq(c);
    char stash[64];
    snprintf(stash, sizeof stash, "_persona_stash_%lld_%d", (long long)c->command_id, seq);
    char *deps = dependent_sql(c, table);
    int rc = drop_dependents(c, table) || rename_table(c, table, stash) ||
             record(c, seq, "restore", table, "table", stash, deps);
    free(deps);
    return rc ? -1 : 0;
}

int undo_cells_changed(ctx *c, const char *table)
{
    sqlite3_stmt *st;
    if (prepare_sql(c, "undo record", "SELECT 1 FROM _persona_undo WHERE command_id=? AND action='cells' "
                                      "AND object=?", &st))
        return -1;
    sqlite3_bind_int64(st, 1, c->command_id);
    sqlite3_bind_text(st, 2, table, -1, SQLITE_STATIC);
    int found = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_finalize(st);
    return found ? 0 : record(c, next_seq(c), "cells", table, "cells", NULL, NULL);
}

int undo_exec(ctx *c, const char *sql)
{
    return record(c, next_seq(c), "exec", NULL, NULL, NULL, sql);
}

/* ---- schema snapshots ---- */

struct schema_object {
    char *type, *name, *tbl_name, *sql;
};

struct schema_snapshot {
    int n;
    struct schema_object *obj;
};

static char *dup_column(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    return t ? xstrdup((const char *)t) : NULL;
}

struct schema_snapshot *schema_snapshot_take(ctx *c)
{
    sqlite3_stmt *st;
    if (prepare_sql(c, "undo: schema",
                    "SELECT type, name, tbl_name, sql FROM sqlite_master "
                    "WHERE name NOT LIKE '\\_persona\\_%' ESCAPE '\\' "
                    "AND tbl_name NOT LIKE '\\_persona\\_%' ESCAPE '\\' "
                    "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'", &st))
        return NULL;
    struct schema_snapshot *s = xcalloc(1, sizeof *s);
    int cap = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        if (s->n == cap) {
            cap = cap ? cap * 2 : 16;
            s->obj = xrealloc(s->obj, (size_t)cap * sizeof *s->obj);
        }
        struct schema_object *o = &s->obj[s->n++];
        o->type = dup_column(st, 0);
        o->name = dup_column(st, 1);
        o->tbl_name = dup_column(st, 2);
        o->sql = dup_column(st, 3);
    }
    sqlite3_finalize(st);
    return s;
}

void schema_snapshot_free(struct schema_snapshot *s)
{
    if (!s)
        return;
    for (int i = 0; i < s->n; i++) {
        free(s->obj[i].type);
        free(s->obj[i].name);
        free(s->obj[i].tbl_name);
        free(s->obj[i].sql);
    }
    free(s->obj);
    free(s);
}

static const struct schema_object *find_object(const struct schema_snapshot *s,
                                               const struct schema_object *o)
{
    for (int i = 0; i < s->n; i++)
        if (strcmp(s->obj[i].type, o->type) == 0 && sqlite3_stricmp(s->obj[i].name, o->name) == 0)
            return &s->obj[i];
    return NULL;
}

static int same_sql(const char *a, const char *b)
{
    return (a == NULL && b == NULL) || (a && b && strcmp(a, b) == 0);
}

int undo_schema_changes(ctx *c, const struct schema_snapshot *before)
{
    struct schema_snapshot *after = schema_snapshot_take(c);
    if (!after)
        return -1;
    int rc = 0;
    for (int i = 0; i < after->n && rc == 0; i++) {
        const struct schema_object *o = &after->obj[i];
        if (find_object(before, o) || has_record(c, o->tbl_name))
            continue;
        rc = strcmp(o->type, "table") == 0 ? undo_table_created(c, o->name)
                                           : record(c, next_seq(c), "drop", o->name, o->type, NULL, NULL);
    }
    for (int i = 0; i < before->n && rc == 0; i++) {
        const struct schema_object *o = &before->obj[i];
        const struct schema_object *now = find_object(after, o);
        if (strcmp(o->type, "table") == 0 || !o->sql || has_record(c, o->tbl_name) ||
            (now && same_sql(now->sql, o->sql)))
            continue;
        char *sql = sqlite3_mprintf("DROP %s IF EXISTS \"%w\";\n%s", o->type, o->name, o->sql);
        rc = record(c, next_seq(c), "exec", o->name, o->type, NULL, sql);
        sqlite3_free(sql);
    }
    schema_snapshot_free(after);
    return rc;
}

/* ---- pruning and undoing ---- */

static int drop_stashes(ctx *c, int64_t command_id)
{
    sqlite3_stmt *st;
    if (prepare_sql(c, "undo: prune", "SELECT stash FROM _persona_undo WHERE command_id=? AND stash IS NOT NULL", &st))
        return -1;
    sqlite3_bind_int64(st, 1, command_id);
    /* One script, run after the read is finished: SQLite refuses DROP TABLE while a
     * statement on the connection is still reading. */
    struct strbuf b = {0};
    while (sqlite3_step(st) == SQLITE_ROW) {
        char *sql = sqlite3_mprintf("DROP TABLE IF EXISTS \"%w\"; DELETE FROM _persona_tables WHERE name=%Q;\n",
                                    (const char *)sqlite3_column_text(st, 0), (const char *)sqlite3_column_text(st, 0));
        strbuf_puts(&b, sql);
        sqlite3_free(sql);
    }
    sqlite3_finalize(st);
    /* the old values of its cells go with it: change data is bounded by the undo
     * depth, and a person's values do not outlive what undo can still need */
    strbuf_printf(&b, "DELETE FROM _persona_undo WHERE command_id=%lld; DELETE FROM _persona_changes WHERE command_id=%lld",
                  (long long)command_id, (long long)command_id);
    int rc = exec_sql(c, "undo: prune", strbuf_str(&b));
    strbuf_free(&b);
    return rc;
}

/* Drops the undo data of every command but the latest keep ones. */
static int prune_beyond(ctx *c, int keep)
{
    char sql[160];
    snprintf(sql, sizeof sql,
             "SELECT DISTINCT command_id FROM _persona_undo ORDER BY command_id DESC LIMIT -1 OFFSET %d", keep);
    int n;
    do {    /* in batches: the ids are read out before their stashes are dropped */
        sqlite3_stmt *st;
        if (prepare_sql(c, "undo: prune", sql, &st))
            return -1;
        int64_t old[64];
        n = 0;
        while (n < 64 && sqlite3_step(st) == SQLITE_ROW)
            old[n++] = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
        for (int i = 0; i < n; i++)
            if (drop_stashes(c, old[i]))
                return -1;
    } while (n == 64);
    return 0;
}

int undo_prune(ctx *c) { return prune_beyond(c, UNDO_DEPTH); }

int undo_clear(ctx *c) { return prune_beyond(c, 0); }

/* Drops whatever object now carries the name: the command may have replaced a
 * table with a view or the other way round. */
static int drop_any(ctx *c, const char *name)
{
    sqlite3_stmt *st;
    if (prepare_sql(c, "undo", "SELECT type FROM sqlite_master WHERE name=? COLLATE NOCASE "
                               "AND type IN ('table', 'view', 'index', 'trigger')", &st))
        return -1;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    char *type = sqlite3_step(st) == SQLITE_ROW ? dup_column(st, 0) : NULL;
    sqlite3_finalize(st);
    int rc = 0;
    if (type)
        rc = exec_fmt(c, "undo: drop", "DROP %s \"%w\"", type, name);
    free(type);
    return rc ? rc : exec_fmt(c, "undo: drop", "DELETE FROM _persona_tables WHERE name=%Q", name);
}

/* Writes back the old values of the cells command `id` changed in table, column by
 * column, and forgets those changes.  A cell changed twice by the command gets the
 * value it had before the first change. */
static int restore_cells(ctx *c, int64_t id, const char *table)
{
    sqlite3_stmt *st;
    if (prepare_sql(c, "undo: cells", "SELECT DISTINCT column_name FROM _persona_changes "
                                      "WHERE command_id=? AND table_name=?", &st))
        return -1;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, table, -1, SQLITE_STATIC);
    const char *rowid = rowid_alias(c, "undo", table);
    if (!rowid) {
        sqlite3_finalize(st);
        return -1;
    }
    struct strbuf b = {0};
    while (sqlite3_step(st) == SQLITE_ROW) {
        char *sql = sqlite3_mprintf(
            "UPDATE \"%w\" SET \"%w\" = (SELECT old_value FROM _persona_changes WHERE id = "
            "(SELECT min(id) FROM _persona_changes WHERE command_id=%lld AND table_name=%Q AND column_name=%Q "
            "AND row_id=\"%w\".%s)) WHERE %s IN (SELECT row_id FROM _persona_changes "
            "WHERE command_id=%lld AND table_name=%Q AND column_name=%Q);\n",
            table, (const char *)sqlite3_column_text(st, 0), (long long)id, table,
            (const char *)sqlite3_column_text(st, 0), table, rowid, rowid, (long long)id, table,
            (const char *)sqlite3_column_text(st, 0));
        strbuf_puts(&b, sql);
        sqlite3_free(sql);
    }
    sqlite3_finalize(st);
    char *forget = sqlite3_mprintf("DELETE FROM _persona_changes WHERE command_id=%lld AND table_name=%Q",
                                   (long long)id, table);
    strbuf_puts(&b, forget);
    sqlite3_free(forget);
    int rc = exec_sql(c, "undo: cells", strbuf_str(&b));
    strbuf_free(&b);
    return rc;
}

static int apply_step(ctx *c, int64_t id, const char *action, const char *object, const char *stash,
                      const char *sql)
{
    if (strcmp(action, "cells") == 0)
        return restore_cells(c, id, object);
    if (strcmp(action, "drop") == 0)
        return drop_any(c, object);
    if (strcmp(action, "restore") == 0) {
        if (drop_any(c, object) || rename_table(c, stash, object))
            return -1;
        return sql ? exec_sql(c, "undo: recreate", sql) : 0;
    }
    return exec_sql(c, "undo", sql);
}

int undo_last(ctx *c, int64_t *undone)
{
    sqlite3_stmt *st;
    if (prepare_sql(c, "undo", "SELECT max(command_id) FROM _persona_undo", &st))
        return -1;
    int64_t id = 0;
    if (sqlite3_step(st) == SQLITE_ROW)
        id = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    if (id == 0 && query_int(c, "SELECT count(*) FROM _persona_erasures") > 0)
        return ctx_error(c, "undo: nothing to undo: 'forget' erased the undo store with the person, and what it "
                            "erased cannot be brought back");
    if (id == 0)
        return ctx_error(c, "undo: nothing to undo (the last %d changes can be undone)", UNDO_DEPTH);
    if (prepare_sql(c, "undo", "SELECT action, object, stash, sql FROM _persona_undo "
                               "WHERE command_id=? ORDER BY seq DESC", &st))
        return -1;
    sqlite3_bind_int64(st, 1, id);
    /* The steps are read out before any runs: SQLite refuses DROP TABLE while a
     * statement on the connection is still reading. */
    struct { char *action, *object, *stash, *sql; } *steps = NULL;
    int nsteps = 0, cap = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        if (nsteps == cap) {
            cap = cap ? cap * 2 : 8;
            steps = xrealloc(steps, (size_t)cap * sizeof *steps);
        }
        steps[nsteps].action = dup_column(st, 0);
        steps[nsteps].object = dup_column(st, 1);
        steps[nsteps].stash = dup_column(st, 2);
        steps[nsteps].sql = dup_column(st, 3);
        nsteps++;
    }
    sqlite3_finalize(st);
    int rc = 0;
    for (int i = 0; i < nsteps; i++) {
        if (rc == 0)
            rc = apply_step(c, id, steps[i].action, steps[i].object, steps[i].stash, steps[i].sql);
        free(steps[i].action);
        free(steps[i].object);
        free(steps[i].stash);
        free(steps[i].sql);
    }
    free(steps);
    if (rc == 0)
        rc = exec_fmt(c, "undo", "DELETE FROM _persona_undo WHERE command_id=%lld; "
                                 "UPDATE _persona_log SET undone=1 WHERE id=%lld",
                      (long long)id, (long long)id);
    *undone = id;
    return rc;
}
