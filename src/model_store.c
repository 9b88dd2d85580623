/* model_store.c — result tables, model rows and cluster segments, undoably. */
#include "model_store.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonbuf.h"
#include "strbuf.h"
#include "undo.h"
#include "workspace.h"

int model_store_check(ctx *c, const char *cmd, const char *name, const char *source, int replace)
{
    if (!*name || is_internal_name(name))
        return ctx_error(c, "%s: '%s' cannot name a result table (names starting _persona_ or sqlite_ are "
                            "reserved)", cmd, name);
    if (sqlite3_stricmp(name, source) == 0)
        return ctx_error(c, "%s: the result cannot replace its own source table '%s'; name it with 'as NAME'",
                         cmd, source);
    if (relation_exists(c, name) && !table_exists(c, name))
        return ctx_error(c, "%s: '%s' is a view; name the result with 'as NAME'", cmd, name);
    if (table_exists(c, name) && !replace)
        return ctx_error(c, "%s: table '%s' already exists; add 'replace' to write over it (undo brings it "
                            "back) or name the result with 'as NAME'", cmd, name);
    return 0;
}

/* Deletes the segments of the model that wrote NAME, recording how to put them back. */
static int stash_segments(ctx *c, const char *cmd, const char *name)
{
    char *sql = sqlite3_mprintf(
        "SELECT group_concat('INSERT INTO _persona_segments(name, kind, definition, source_table, created_at, "
        "model_id, label) VALUES (' || quote(name) || ', ' || quote(kind) || ', ' || quote(definition) || ', ' || "
        "quote(source_table) || ', ' || quote(created_at) || ', ' || quote(model_id) || ', ' || quote(label) || ')', "
        "';\n') FROM _persona_segments WHERE model_id IN (SELECT id FROM _persona_models WHERE name = %Q)", name);
    sqlite3_stmt *st;
    int rc = prepare_sql(c, cmd, sql, &st);
    sqlite3_free(sql);
    if (rc)
        return -1;
    char *restore = NULL;
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
        restore = xstrdup((const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    if (!restore)
        return 0;
    sql = sqlite3_mprintf("DELETE FROM _persona_segments WHERE model_id IN "
                          "(SELECT id FROM _persona_models WHERE name = %Q)", name);
    rc = undo_exec(c, restore) || exec_sql(c, cmd, sql);
    sqlite3_free(sql);
    free(restore);
    return rc ? -1 : 0;
}

int model_store_table(ctx *c, const char *cmd, const char *name, const char *origin,
                      const struct feature_matrix *fm, int ncols, const char *const *cols, const int *is_int,
                      const double *values)
{
    if (table_exists(c, name) && (undo_table_stashed(c, name) || stash_segments(c, cmd, name)))
        return -1;
    struct strbuf b = {0};
    strbuf_puts(&b, "CREATE TABLE ");
    strbuf_put_ident(&b, name);
    strbuf_printf(&b, " (key %s PRIMARY KEY", fm->key_is_text ? "TEXT" : "INTEGER");
    for (int j = 0; j < ncols; j++) {
        strbuf_puts(&b, ", ");
        strbuf_put_ident(&b, cols[j]);
        strbuf_puts(&b, is_int[j] ? " INTEGER" : " REAL");
    }
    strbuf_puts(&b, ")");
    int rc = exec_sql(c, cmd, strbuf_str(&b)) || undo_table_created(c, name);
    char *sql = sqlite3_mprintf(
        "INSERT OR REPLACE INTO _persona_tables(name, key_column, source, loaded_at, command_id) "
        "VALUES (%Q, 'key', %Q, strftime('%%Y-%%m-%%dT%%H:%%M:%%SZ', 'now'), %lld)",
        name, origin, (long long)c->command_id);
    if (rc == 0)
        rc = exec_sql(c, cmd, sql);
    sqlite3_free(sql);
    strbuf_reset(&b);
    strbuf_puts(&b, "INSERT INTO ");
    strbuf_put_ident(&b, name);
    strbuf_puts(&b, " VALUES (?");
    for (int j = 0; j < ncols; j++)
        strbuf_puts(&b, ", ?");
    strbuf_puts(&b, ")");
    sqlite3_stmt *st = NULL;
    if (rc == 0)
        rc = prepare_sql(c, cmd, strbuf_str(&b), &st);
    strbuf_free(&b);
    for (int64_t i = 0; rc == 0 && i < fm->n; i++) {
        if ((i & 65535) == 65535) {
            if (ctx_is_cancelled(c)) {
                rc = ctx_cancelled(c);
                break;
            }
            ctx_progress(c, i, fm->n, "writing rows");
        }
        features_bind_key(st, 1, fm, i);
        for (int j = 0; j < ncols; j++) {
            double v = values[i * ncols + j];
            if (v != v)
                sqlite3_bind_null(st, 2 + j);
            else if (is_int[j])
                sqlite3_bind_int64(st, 2 + j, (sqlite3_int64)v);
            else
                sqlite3_bind_double(st, 2 + j, v);
        }
        int step = sqlite3_step(st);
        if (step == SQLITE_CONSTRAINT_PRIMARYKEY || step == SQLITE_CONSTRAINT_UNIQUE ||
            (step != SQLITE_DONE && sqlite3_extended_errcode(c->db) == SQLITE_CONSTRAINT_PRIMARYKEY)) {
            char key[128];
            rc = ctx_error(c, "%s: key %s '%s' is on more than one row; a key must identify one row (key=COL "
                              "names another column)", cmd, fm->key_column, features_key_text(fm, i, key, sizeof key));
        } else if (step != SQLITE_DONE) {
            rc = ctx_sqlite_error(c, cmd);
        }
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    return rc ? -1 : 0;
}

void model_scaler_json(struct strbuf *b, const struct feature_matrix *fm)
{
    int first = 1;
    strbuf_putc(b, '{');
    json_put_key(b, "method", &first);
    json_put_string(b, features_scale_name(fm->scale_method));
    json_put_key(b, "center", &first);
    json_put_numbers(b, fm->center, fm->d, 1);
    json_put_key(b, "scale", &first);
    json_put_numbers(b, fm->scale, fm->d, 1);
    json_put_key(b, "impute", &first);
    if (fm->impute)
        json_put_numbers(b, fm->impute, fm->nnumeric, 1);
    else
        strbuf_puts(b, "null");
    strbuf_putc(b, '}');
}

int model_store_row(ctx *c, const char *cmd, const struct model_row *row, const struct feature_matrix *fm,
                    int64_t *id)
{
    struct strbuf features = {0}, scaler = {0};
    json_put_strings(&features, (const char *const *)fm->names, fm->d);
    model_scaler_json(&scaler, fm);
    sqlite3_stmt *st;
    int rc = prepare_sql(c, cmd,
                         "INSERT INTO _persona_models(name, kind, source_table, features, parameters, scaler, "
                         "centroids, labels, metrics, details, created_at, command_id) VALUES (?, ?, ?, ?, ?, ?, "
                         "?, ?, ?, ?, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), ?)", &st);
    if (rc == 0) {
        const char *text[] = {row->name, row->kind, row->source_table, strbuf_str(&features), row->parameters,
                              strbuf_str(&scaler), row->centroids, row->labels, row->metrics, row->details};
        for (int i = 0; i < 10; i++)
            sqlite3_bind_text(st, i + 1, text[i], -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 11, c->command_id);
        rc = sqlite3_step(st) == SQLITE_DONE ? 0 : ctx_sqlite_error(c, cmd);
        sqlite3_finalize(st);
    }
    strbuf_free(&features);
    strbuf_free(&scaler);
    if (rc)
        return -1;
    *id = sqlite3_last_insert_rowid(c->db);
    char *undo = sqlite3_mprintf("DELETE FROM _persona_segments WHERE model_id = %lld; "
                                 "DELETE FROM _persona_models WHERE id = %lld", (long long)*id, (long long)*id);
    rc = undo_exec(c, undo);
    sqlite3_free(undo);
    return rc;
}

int model_store_segments(ctx *c, const char *cmd, int64_t model_id, const char *name, const char *source,
                         int k, const char *const *labels, int noise)
{
    sqlite3_stmt *st;
    if (prepare_sql(c, cmd,
                    "INSERT INTO _persona_segments(name, kind, definition, source_table, created_at, model_id, "
                    "label) VALUES (?, 'cluster', ?, ?, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), ?, ?)", &st))
        return -1;
    int rc = 0;
    for (int i = noise ? -1 : 0; rc == 0 && i < k; i++) {
        const char *label = i < 0 ? "noise" : labels[i];
        char *seg = sqlite3_mprintf("%s/%s", name, label);
        char *def = sqlite3_mprintf("SELECT key FROM \"%w\" WHERE cluster = %d", name, i);
        sqlite3_bind_text(st, 1, seg, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 2, def, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 3, source, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 4, model_id);
        sqlite3_bind_text(st, 5, label, -1, SQLITE_STATIC);
        int step = sqlite3_step(st);
        if (step == SQLITE_CONSTRAINT_PRIMARYKEY)
            rc = ctx_error(c, "%s: a segment named '%s' already exists; name the result with 'as NAME'", cmd, seg);
        else if (step != SQLITE_DONE)
            rc = ctx_sqlite_error(c, cmd);
        sqlite3_reset(st);
        sqlite3_free(seg);
        sqlite3_free(def);
    }
    sqlite3_finalize(st);
    return rc;
}
