/* subject.c — the data-subject access export (see subject.h). */
#include "subject.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fileio.h"
#include "jsonbuf.h"
#include "person.h"
#include "segment.h"
#include "strbuf.h"
#include "workspace.h"

/* Runs a query of one JSON value (built by SQLite's JSON functions) and appends it
 * to b ("[]" when it gives none); returns how many elements it has, or -1. */
static int64_t append_json(ctx *c, const char *what, const char *sql, struct strbuf *b)
{
    sqlite3_stmt *st;
    if (prepare_sql(c, what, sql, &st))
        return -1;
    int64_t n = -1;
    if (sqlite3_step(st) == SQLITE_ROW) {
        const char *json = (const char *)sqlite3_column_text(st, 0);
        strbuf_puts(b, json ? json : "[]");
        n = sqlite3_column_int64(st, 1);
    } else {
        ctx_sqlite_error(c, what);
    }
    sqlite3_finalize(st);
    return n;
}

/* "tables": every row about the person, table by table. */
static int put_tables(ctx *c, const struct person *p, struct strbuf *b, struct subject_report *rep)
{
    int n, first = 1, rc = 0;
    char **tables = user_relations(c, &n);
    strbuf_puts(b, "{");
    for (int i = 0; i < n && rc == 0; i++) {
        struct strbuf cond = {0}, obj = {0}, sql = {0};
        if (!table_exists(c, tables[i]) || !person_condition(c, p, tables[i], &cond)) {
            strbuf_free(&cond);
            continue;
        }
        int ncols;
        char **cols = table_columns(c, "subject", tables[i], &ncols);
        for (int k = 0; k < ncols; k++) {
            char *lit = sqlite3_mprintf("%s%Q, ", k ? ", " : "", cols[k]);
            strbuf_puts(&obj, lit);
            sqlite3_free(lit);
            strbuf_put_ident(&obj, cols[k]);
        }
        strbuf_printf(&sql, "SELECT json_group_array(json_object(%s)), count(*) FROM ", strbuf_str(&obj));
        strbuf_put_ident(&sql, tables[i]);
        strbuf_printf(&sql, " WHERE %s", strbuf_str(&cond));
        int64_t rows = query_int(c, "SELECT count(*) FROM \"%w\" WHERE %s", tables[i], strbuf_str(&cond));
        if (rows > 0) {
            json_put_key(b, tables[i], &first);
            rc = append_json(c, "subject", strbuf_str(&sql), b) < 0 ? -1 : 0;
            rep->rows += rows;
            rep->tables++;
        } else if (rows < 0) {
            rc = ctx_sqlite_error(c, "subject");
        }
        free_names(cols, ncols);
        strbuf_free(&cond);
        strbuf_free(&obj);
        strbuf_free(&sql);
    }
    strbuf_puts(b, "}");
    free_names(tables, n);
    return rc;
}

/* "segments": the segments the person belongs to now. */
static int put_segments(ctx *c, const struct person *p, struct strbuf *b, struct subject_report *rep)
{
    sqlite3_stmt *st;
    if (prepare_sql(c, "subject", "SELECT name FROM _persona_segments ORDER BY name", &st))
        return -1;
    int n = 0, cap = 0;
    char **names = NULL;
    while (sqlite3_step(st) == SQLITE_ROW) {
        if (n == cap)
            names = xrealloc(names, (size_t)(cap = cap ? 2 * cap : 16) * sizeof *names);
        names[n++] = xstrdup((const char *)sqlite3_column_text(st, 0));
    }
    sqlite3_finalize(st);
    strbuf_puts(b, "[");
    for (int i = 0; i < n; i++) {
        struct segment s;
        if (segment_lookup(c, names[i], &s) != 1 || !table_exists(c, s.source)) {
            c->err[0] = '\0';
            continue;
        }
        char *key = segment_table_key(c, "subject", s.source);
        struct strbuf cond = {0}, q = {0};
        if (key && person_condition(c, p, s.source, &cond)) {
            strbuf_puts(&q, "SELECT count(*) FROM ");
            strbuf_put_ident(&q, s.source);
            strbuf_printf(&q, " WHERE (%s) AND ", strbuf_str(&cond));
            segment_filter_sql(c, &s, key, &q);
            if (query_int(c, "%s", strbuf_str(&q)) > 0) {
                strbuf_puts(b, rep->segments++ ? ", " : "");
                json_put_string(b, names[i]);
            }
        }
        c->err[0] = '\0';
        strbuf_free(&cond);
        strbuf_free(&q);
        free(key);
        segment_free(&s);
    }
    strbuf_puts(b, "]");
    free_names(names, n);
    return 0;
}

int subject_export(ctx *c, const char *who, const char *customers, const char *path, int force,
                   struct subject_report *rep)
{
    memset(rep, 0, sizeof *rep);
    if (output_target_check(c, "subject", path, force))
        return -1;
    struct person p;
    struct strbuf b = {0};
    int rc = person_locate(c, "subject", who, customers, &p);
    if (rc == 0) {
        rep->records = p.records;
        char now[32];
        utc_now(now, sizeof now);
        int first = 1;
        strbuf_puts(&b, "{");
        json_put_key(&b, "subject", &first);
        json_put_string(&b, who);
        json_put_key(&b, "generated_at", &first);
        json_put_string(&b, now);
        json_put_key(&b, "customers_table", &first);
        json_put_string(&b, p.customers);
        json_put_key(&b, "tables", &first);
        rc = put_tables(c, &p, &b, rep);
        /* the ledger's events and the exports that held them, as SQLite's JSON */
        static const struct {
            const char *key, *sql;
        } sections[] = {
            {"consent_events",
             "SELECT json_group_array(json_object('purpose', purpose, 'consent', CASE granted WHEN 1 THEN 'granted' "
             "ELSE 'denied' END, 'at', at, 'source', source, 'in_force', id = (SELECT id FROM _persona_consent l "
             "WHERE l.customer = e.customer AND l.purpose = e.purpose ORDER BY at DESC, id DESC LIMIT 1))), "
             "count(*) FROM (SELECT * FROM _persona_consent WHERE customer IN (SELECT value FROM temp._persona_forget "
             "WHERE kind = 'key') ORDER BY purpose, at, id) e"},
            {"exports",
             "SELECT json_group_array(json_object('file', file, 'source', source, 'preset', preset, 'rows', rows, "
             "'at', created_at)), count(*) FROM (SELECT * FROM _persona_exports WHERE id IN (SELECT export_id FROM "
             "_persona_export_members WHERE hash IN (SELECT value FROM temp._persona_forget WHERE kind = 'hash' AND "
             "hash_kind = 'key')) ORDER BY id)"},
        };
        int64_t *counts[] = {&rep->consent_events, &rep->exports};
        for (size_t i = 0; rc == 0 && i < sizeof sections / sizeof sections[0]; i++) {
            json_put_key(&b, sections[i].key, &first);
            *counts[i] = append_json(c, "subject", sections[i].sql, &b);
            rc = *counts[i] < 0 ? -1 : 0;
        }
        if (rc == 0) {
            json_put_key(&b, "segments", &first);
            rc = put_segments(c, &p, &b, rep);
        }
        strbuf_puts(&b, "\n}\n");
    }
    if (rc == 0 && rep->records == 0 && rep->rows == 0)
        rc = ctx_error(c, "subject: nobody known by that identifier in %s or anywhere else in the workspace",
                       p.customers);
    if (rc == 0)
        rc = write_file_atomic(c, "subject", path, b.buf, b.len, force);
    person_release(c, &p);
    strbuf_free(&b);
    return rc;
}
