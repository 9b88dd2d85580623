/* forget.c — erasing one person from everything Persona keeps (see forget.h). */
#include "forget.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "identity.h"
#include "person.h"
#include "strbuf.h"
#include "undo.h"
#include "workspace.h"

static int64_t changes_of(ctx *c, const char *sql)
{
    int64_t before = sqlite3_total_changes64(c->db);
    if (exec_sql(c, "forget", sql))
        return -1;
    return sqlite3_total_changes64(c->db) - before;
}

/* Erases the person's rows from every user table. */
static int erase_user_rows(ctx *c, const struct person *p, struct forget_report *rep)
{
    int n;
    char **tables = user_relations(c, &n);
    int rc = 0;
    for (int i = 0; i < n && rc == 0; i++) {
        if (!table_exists(c, tables[i]))
            continue;
        struct strbuf cond = {0}, sql = {0};
        if (person_condition(c, p, tables[i], &cond)) {
            strbuf_puts(&sql, "DELETE FROM ");
            strbuf_put_ident(&sql, tables[i]);
            strbuf_printf(&sql, " WHERE %s", strbuf_str(&cond));
            int64_t k = changes_of(c, strbuf_str(&sql));
            if (k < 0)
                rc = -1;
            rep->rows += k > 0 ? k : 0;
            rep->tables += k > 0;
        }
        strbuf_free(&cond);
        strbuf_free(&sql);
    }
    free_names(tables, n);
    return rc;
}

/* Erases them from Persona's own tables and redacts the log. */
static int erase_internal_rows(ctx *c, const char *customers, struct forget_report *rep)
{
    static const char *const deletes[] = {
        "DELETE FROM _persona_rejects WHERE EXISTS (SELECT 1 FROM temp._persona_forget f WHERE f.kind = 'text' "
        "AND instr(raw, f.value) > 0)",
        "DELETE FROM _persona_issues WHERE (table_name = ?1 AND CAST(row_key AS TEXT) IN (SELECT value FROM "
        "temp._persona_forget WHERE kind = 'key')) OR CAST(value AS TEXT) IN (SELECT value FROM temp._persona_forget "
        "WHERE kind = 'text')",
        "DELETE FROM _persona_changes WHERE (table_name = ?1 AND CAST(row_key AS TEXT) IN (SELECT value FROM "
        "temp._persona_forget WHERE kind = 'key')) OR CAST(old_value AS TEXT) IN (SELECT value FROM "
        "temp._persona_forget WHERE kind = 'text') OR CAST(new_value AS TEXT) IN (SELECT value FROM "
        "temp._persona_forget WHERE kind = 'text')",
        "DELETE FROM _persona_merges WHERE table_name = ?1 AND (CAST(survivor AS TEXT) IN (SELECT value FROM "
        "temp._persona_forget WHERE kind = 'key') OR CAST(merged_key AS TEXT) IN (SELECT value FROM "
        "temp._persona_forget WHERE kind = 'key'))",
        "DELETE FROM _persona_dedupe_decisions WHERE table_name = ?1 AND (CAST(key_l AS TEXT) IN (SELECT value FROM "
        "temp._persona_forget WHERE kind = 'key') OR CAST(key_r AS TEXT) IN (SELECT value FROM temp._persona_forget "
        "WHERE kind = 'key'))",
        "DELETE FROM _persona_consent WHERE customer IN (SELECT value FROM temp._persona_forget WHERE kind = 'key')",
        "DELETE FROM _persona_export_members WHERE hash IN (SELECT value FROM temp._persona_forget WHERE kind = 'hash' "
        "AND hash_kind = 'key')",
    };
    for (size_t i = 0; i < sizeof deletes / sizeof deletes[0]; i++) {
        char *sql = sqlite3_mprintf("%s", deletes[i]);
        /* ?1 is the customers table: bound by text substitution, quoted */
        char *quoted = sqlite3_mprintf("%Q", customers);
        struct strbuf b = {0};
        for (const char *p = sql; *p; p++) {
            if (p[0] == '?' && p[1] == '1') {
                strbuf_puts(&b, quoted);
                p++;
            } else {
                strbuf_putc(&b, *p);
            }
        }
        int64_t k = changes_of(c, strbuf_str(&b));
        sqlite3_free(sql);
        sqlite3_free(quoted);
        strbuf_free(&b);
        if (k < 0)
            return -1;
        rep->internal += k;
    }
    /* the history stays readable: the identifiers become [erased] in place */
    rep->redacted = query_int(c, "SELECT count(*) FROM _persona_log WHERE EXISTS (SELECT 1 FROM temp._persona_forget f "
                                 "WHERE f.kind = 'text' AND (instr(command, f.value) > 0 OR "
                                 "instr(coalesce(summary, ''), f.value) > 0))");
    sqlite3_stmt *texts, *redact;
    if (prepare_sql(c, "forget", "SELECT value FROM temp._persona_forget WHERE kind = 'text' ORDER BY length(value) DESC",
                    &texts))
        return -1;
    if (prepare_sql(c, "forget", "UPDATE _persona_log SET command = replace(command, ?1, '[erased]'), "
                                 "summary = replace(summary, ?1, '[erased]') "
                                 "WHERE instr(command, ?1) > 0 OR instr(coalesce(summary, ''), ?1) > 0", &redact)) {
        sqlite3_finalize(texts);
        return -1;
    }
    int rc = 0;
    while (rc == 0 && sqlite3_step(texts) == SQLITE_ROW) {
        sqlite3_bind_text(redact, 1, (const char *)sqlite3_column_text(texts, 0), -1, SQLITE_TRANSIENT);
        rc = sqlite3_step(redact) == SQLITE_DONE ? 0 : ctx_sqlite_error(c, "forget: redacting the log");
        sqlite3_reset(redact);
    }
    sqlite3_finalize(texts);
    sqlite3_finalize(redact);
    return rc;
}

/* Records the erasure and puts the person's hashes on the suppression list. */
static int record_erasure(ctx *c, const char *who, const char *key, const char *reason, struct forget_report *rep)
{
    char key_kind[160];
    identity_key_kind(key, key_kind, sizeof key_kind);
    struct strbuf h = {0};
    identity_sql(&h, strchr(who, '@') ? IDENTITY_EMAIL : key_kind, "?1");
    char *sql = sqlite3_mprintf("INSERT INTO _persona_erasures(erased_at, reason, identity_hash, rows_erased, command_id) "
                                "VALUES (strftime('%%Y-%%m-%%dT%%H:%%M:%%SZ', 'now'), ?2, %s, ?3, ?4)", strbuf_str(&h));
    strbuf_free(&h);
    sqlite3_stmt *st;
    int rc = prepare_sql(c, "forget", sql, &st);
    sqlite3_free(sql);
    if (rc)
        return -1;
    sqlite3_bind_text(st, 1, who, -1, SQLITE_STATIC);
    if (reason)
        sqlite3_bind_text(st, 2, reason, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, rep->rows);
    sqlite3_bind_int64(st, 4, c->command_id);
    rc = sqlite3_step(st) == SQLITE_DONE ? 0 : ctx_sqlite_error(c, "forget");
    sqlite3_finalize(st);
    if (rc == 0) {
        char *ins = sqlite3_mprintf("INSERT OR IGNORE INTO _persona_suppressed(hash, kind, erasure_id) SELECT value, "
                                    "hash_kind, %lld FROM temp._persona_forget WHERE kind = 'hash'",
                                    (long long)sqlite3_last_insert_rowid(c->db));
        rep->suppressed = changes_of(c, ins);
        sqlite3_free(ins);
        rc = rep->suppressed < 0 ? -1 : 0;
    }
    return rc;
}

int forget_person(ctx *c, const char *who, const char *customers, const char *reason, struct forget_report *rep)
{
    memset(rep, 0, sizeof *rep);
    struct person p;
    int rc = person_locate(c, "forget", who, customers, &p);
    if (rc == 0) {
        snprintf(rep->customers_table, sizeof rep->customers_table, "%s", p.customers);
        rep->customers = p.records;
        rc = erase_user_rows(c, &p, rep) || erase_internal_rows(c, p.customers, rep) || undo_clear(c) ||
             record_erasure(c, who, p.key, reason, rep) ? -1 : 0;
    }
    /* (the log line of this very command is always redacted: it names them) */
    if (rc == 0 && rep->customers == 0 && rep->rows == 0 && rep->internal == 0 && rep->redacted <= 1)
        rc = ctx_error(c, "forget: nobody known by that identifier in %s or anywhere else in the workspace; nothing "
                          "was erased", p.customers);
    person_release(c, &p);
    return rc;
}

int forget_scrub(ctx *c)
{
    if (exec_sql(c, "forget: scrub", "PRAGMA secure_delete = ON; VACUUM; PRAGMA wal_checkpoint(TRUNCATE)"))
        return ctx_error_prefix(c, "the person is erased, but the file could not be compacted (run forget again)");
    return 0;
}
