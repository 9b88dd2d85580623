/* repoint.c — facts follow their customer through a merge (see repoint.h). */
#include "repoint.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"
#include "undo.h"
#include "workspace.h"

/* The crosswalk of this command, in a TEMP table: merged key → survivor. */
static int make_crosswalk(ctx *c, const char *customers)
{
    char *sql = sqlite3_mprintf("DROP TABLE IF EXISTS temp._persona_crosswalk; "
                                "CREATE TEMP TABLE _persona_crosswalk AS SELECT merged_key AS mk, survivor AS sv "
                                "FROM _persona_merges WHERE command_id = %lld AND table_name = %Q "
                                "AND column_name IS NULL",
                                (long long)c->command_id, customers);
    int rc = exec_sql(c, "dedupe merge: crosswalk", sql);
    sqlite3_free(sql);
    return rc;
}

/* "WITH x(mk, sv) AS (…)": the crosswalk in the key type of a table's column. */
static void crosswalk_cte(const char *type, struct strbuf *b)
{
    strbuf_puts(b, "WITH x(mk, sv) AS (SELECT ");
    key_cast_sql(type, "mk", b);
    strbuf_puts(b, ", ");
    key_cast_sql(type, "sv", b);
    strbuf_puts(b, " FROM temp._persona_crosswalk) ");
}

/* The column of table named like name (case-insensitive), malloc'ed, or NULL. */
static char *column_named(ctx *c, const char *table, const char *name)
{
    int n;
    char **cols = table_columns(c, "dedupe merge", table, &n);
    char *found = NULL;
    for (int i = 0; i < n && !found; i++)
        if (sqlite3_stricmp(cols[i], name) == 0)
            found = xstrdup(cols[i]);
    free_names(cols, n);
    return found;
}

/* Re-points one fact column, auditing every changed cell for undo. */
static int repoint_table(ctx *c, const char *table, const char *col, int64_t *rows)
{
    const char *rowid = rowid_alias(c, "dedupe merge", table);
    if (!rowid || undo_cells_changed(c, table))
        return -1;
    char *key = table_key_column(c, table);
    const char *type = column_key_type(c, table, col);
    struct strbuf q = {0};
    crosswalk_cte(type, &q);
    strbuf_printf(&q, "INSERT INTO _persona_changes(command_id, table_name, row_key, row_id, column_name, "
                      "old_value, new_value) SELECT %lld, %s, t.",
                  (long long)c->command_id, "?1");
    if (key)
        strbuf_put_ident(&q, key);
    else
        strbuf_puts(&q, rowid);
    strbuf_printf(&q, ", t.%s, ?2, t.", rowid);
    strbuf_put_ident(&q, col);
    strbuf_puts(&q, ", x.sv FROM ");
    strbuf_put_ident(&q, table);
    strbuf_puts(&q, " t JOIN x ON t.");
    strbuf_put_ident(&q, col);
    strbuf_puts(&q, " = x.mk");
    sqlite3_stmt *st;
    int rc = prepare_sql(c, "dedupe merge: re-point", strbuf_str(&q), &st);
    if (rc == 0) {
        sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, col, -1, SQLITE_STATIC);
        rc = sqlite3_step(st) == SQLITE_DONE ? 0 : ctx_sqlite_error(c, "dedupe merge: re-point");
        sqlite3_finalize(st);
    }
    strbuf_reset(&q);
    crosswalk_cte(type, &q);
    strbuf_puts(&q, "UPDATE ");
    strbuf_put_ident(&q, table);
    strbuf_puts(&q, " SET ");
    strbuf_put_ident(&q, col);
    strbuf_puts(&q, " = x.sv FROM x WHERE ");
    strbuf_put_ident(&q, table);
    strbuf_putc(&q, '.');
    strbuf_put_ident(&q, col);
    strbuf_puts(&q, " = x.mk");
    if (rc == 0) {
        int64_t before = sqlite3_total_changes64(c->db);
        rc = exec_sql(c, "dedupe merge: re-point", strbuf_str(&q));
        *rows = sqlite3_total_changes64(c->db) - before;
    }
    strbuf_free(&q);
    free(key);
    return rc;
}

/* How many rows of table have a merged-away customer in column col. */
static int64_t stale_rows(ctx *c, const char *table, const char *col)
{
    struct strbuf q = {0};
    crosswalk_cte(column_key_type(c, table, col), &q);
    strbuf_puts(&q, "SELECT count(*) FROM ");
    strbuf_put_ident(&q, table);
    strbuf_puts(&q, " WHERE ");
    strbuf_put_ident(&q, col);
    strbuf_puts(&q, " IN (SELECT mk FROM x)");
    int64_t n = query_int(c, "%s", strbuf_str(&q));
    strbuf_free(&q);
    return n;
}

/* The consent ledger follows the merge too: where any merged record's consent in
 * force for a purpose was a refusal, the survivor gets a refusal event now (a
 * person who said no on any record has said no); then every event moves to the
 * survivor.  The ledger is copied first, so undo puts it back. */
static int repoint_ledger(ctx *c, int64_t *rows)
{
    *rows = query_int(c, "SELECT count(*) FROM _persona_consent WHERE customer IN (SELECT CAST(mk AS TEXT) FROM "
                         "temp._persona_crosswalk)");
    if (*rows <= 0)
        return *rows < 0 ? -1 : 0;
    char *sql = sqlite3_mprintf(
        "INSERT INTO _persona_consent(customer, purpose, granted, at, source, command_id) "
        "SELECT sv, purpose, 0, strftime('%%Y-%%m-%%dT%%H:%%M:%%SZ', 'now'), 'dedupe merge: the most restrictive "
        "consent of the merged records', %lld FROM (SELECT CAST(x.sv AS TEXT) AS sv, s.purpose, min(s.granted) AS g, "
        "max(s.granted) AS h FROM temp._persona_crosswalk x JOIN (SELECT customer, purpose, granted FROM "
        "_persona_consent e WHERE id = (SELECT id FROM _persona_consent l WHERE l.customer = e.customer AND "
        "l.purpose = e.purpose ORDER BY at DESC, id DESC LIMIT 1)) s ON s.customer IN (CAST(x.mk AS TEXT), "
        "CAST(x.sv AS TEXT)) GROUP BY 1, 2) WHERE g = 0 AND h = 1; "
        "UPDATE _persona_consent SET customer = (SELECT CAST(sv AS TEXT) FROM temp._persona_crosswalk "
        "WHERE CAST(mk AS TEXT) = customer) WHERE customer IN (SELECT CAST(mk AS TEXT) FROM temp._persona_crosswalk)",
        (long long)c->command_id);
    int rc = undo_table_copied(c, "_persona_consent") || exec_sql(c, "dedupe merge: consent ledger", sql) ? -1 : 0;
    sqlite3_free(sql);
    return rc;
}

int repoint_facts(ctx *c, const char *customers, const char *key_col, struct repoint_report *rep)
{
    memset(rep, 0, sizeof *rep);
    if (!key_col)   /* rowids name no customer in another table */
        return 0;
    if (make_crosswalk(c, customers))
        return -1;
    int n;
    char **tables = user_relations(c, &n);
    int rc = 0;
    for (int i = 0; i < n && rc == 0; i++) {
        const char *t = tables[i];
        if (sqlite3_stricmp(t, customers) == 0 || !table_exists(c, t))
            continue;
        char *key = table_key_column(c, t);
        char *col = column_named(c, t, key_col);
        if (col && key && sqlite3_stricmp(key, col) == 0) {
            /* keyed by customers: a result built from them before the merge */
            int64_t k = stale_rows(c, t, col);
            if (k > 0 && rep->nstale < REPOINT_MAX) {
                snprintf(rep->stale[rep->nstale], sizeof rep->stale[0], "%s.%s", t, col);
                rep->stale_rows[rep->nstale++] = k;
            }
        } else if (col) {
            int64_t k = 0;
            rc = repoint_table(c, t, col, &k);
            if (rc == 0 && k > 0 && rep->ntables < REPOINT_MAX) {
                snprintf(rep->tables[rep->ntables], sizeof rep->tables[0], "%s.%s", t, col);
                rep->rows[rep->ntables++] = k;
            }
        } else if (key && (strcmp(key, "customer") == 0 || strcmp(key, "key") == 0)) {
            /* keyed the way Persona keys what it derives from customers (rfm's
             * customer, a cluster or PCA result's key) */
            int64_t k = stale_rows(c, t, key);
            if (k > 0 && rep->nstale < REPOINT_MAX) {
                snprintf(rep->stale[rep->nstale], sizeof rep->stale[0], "%s.%s", t, key);
                rep->stale_rows[rep->nstale++] = k;
            }
        }
        free(key);
        free(col);
    }
    free_names(tables, n);
    if (rc == 0)
        rc = repoint_ledger(c, &rep->ledger_events);
    if (rc == 0)
        rc = exec_sql(c, "dedupe merge: crosswalk", "DROP TABLE temp._persona_crosswalk");
    return rc;
}
