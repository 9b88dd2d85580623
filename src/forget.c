/* forget.c — erasing one person from everything Persona keeps (see forget.h). */
#include "forget.h"

#include <ctype.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "identity.h"
#include "strbuf.h"
#include "workspace.h"

/* What the person is known by, in a TEMP table the erasing statements read:
 *   kind 'key'    their keys, as text;
 *   kind 'text'   strings to find in free text (emails and phones as written, full
 *                 names, keys of four characters or more);
 *   kind 'hash'   salted hashes of their emails, phones and keys, with hash_kind. */
static int start_person(ctx *c)
{
    return exec_sql(c, "forget", "DROP TABLE IF EXISTS temp._persona_forget; "
                                 "CREATE TEMP TABLE _persona_forget(kind TEXT, value TEXT, hash_kind TEXT)");
}

static int add_ident(ctx *c, const char *kind, const char *value, const char *hash_kind)
{
    if (!value || !*value)
        return 0;
    char *sql = sqlite3_mprintf("INSERT INTO temp._persona_forget(kind, value, hash_kind) SELECT %Q, %Q, %Q "
                                "WHERE NOT EXISTS (SELECT 1 FROM temp._persona_forget WHERE kind = %Q AND value = %Q "
                                "AND hash_kind IS %Q)", kind, value, hash_kind, kind, value, hash_kind);
    int rc = exec_sql(c, "forget", sql);
    sqlite3_free(sql);
    return rc;
}

/* Adds an identifier: its hash (for columns that hold it) and its text. */
static int add_identifier(ctx *c, const char *hash_kind, const char *value, int as_text)
{
    if (!value || !*value)
        return 0;
    struct strbuf h = {0};
    strbuf_puts(&h, "SELECT ");
    identity_sql(&h, hash_kind, "?1");
    sqlite3_stmt *st;
    int rc = prepare_sql(c, "forget", strbuf_str(&h), &st);
    strbuf_free(&h);
    if (rc)
        return -1;
    sqlite3_bind_text(st, 1, value, -1, SQLITE_STATIC);
    char *hash = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0)
                     ? xstrdup((const char *)sqlite3_column_text(st, 0)) : NULL;
    sqlite3_finalize(st);
    rc = add_ident(c, "hash", hash, hash_kind);
    if (rc == 0 && as_text)
        rc = add_ident(c, "text", value, NULL);
    free(hash);
    return rc;
}

/* The customers table and its key: as given, or the latest profile build's. */
static int settle_customers(ctx *c, const char *given, char **table, char **key)
{
    *table = *key = NULL;
    if (given) {
        if (require_relation(c, "forget", given, 0))
            return -1;
        *table = xstrdup(given);
    } else {
        sqlite3_stmt *st;
        if (prepare_sql(c, "forget", "SELECT customers, key_column FROM _persona_profiles ORDER BY command_id DESC "
                                     "LIMIT 1", &st))
            return -1;
        if (sqlite3_step(st) == SQLITE_ROW) {
            *table = xstrdup((const char *)sqlite3_column_text(st, 0));
            *key = xstrdup((const char *)sqlite3_column_text(st, 1));
        }
        sqlite3_finalize(st);
        if (!*table)
            return ctx_error(c, "forget: which table holds the customers? give customers=TABLE (no profile build "
                                "has said)");
        if (!table_exists(c, *table))
            return ctx_error(c, "forget: the customers table %s is gone; give customers=TABLE", *table);
    }
    if (!*key)
        *key = table_key_column(c, *table);
    if (!*key)
        return ctx_error(c, "forget: %s has no key column recorded; load it with key=COL", *table);
    return 0;
}

/* Whether a column holds a person's name part: given or family. */
static int name_part(const char *col, int family)
{
    static const char *const given[] = {"first_name", "firstname", "given_name", "givenname", "forename", NULL};
    static const char *const last[] = {"last_name", "lastname", "surname", "family_name", "familyname", NULL};
    const char *const *list = family ? last : given;
    for (int i = 0; list[i]; i++)
        if (sqlite3_stricmp(col, list[i]) == 0)
            return 1;
    return 0;
}

/* Finds the person's records in customers by key or email and gathers what they are
 * known by; returns how many records, or -1. */
static int64_t find_person(ctx *c, const char *who, const char *table, const char *key)
{
    int n;
    char **cols = table_columns(c, "forget", table, &n);
    struct strbuf q = {0};
    strbuf_puts(&q, "SELECT * FROM ");
    strbuf_put_ident(&q, table);
    strbuf_puts(&q, " WHERE CAST(");
    strbuf_put_ident(&q, key);
    strbuf_puts(&q, " AS TEXT) = ?1");
    for (int i = 0; i < n; i++) {
        const char *kind = identity_kind_of_column(cols[i]);
        if (kind && strcmp(kind, IDENTITY_EMAIL) == 0) {
            strbuf_puts(&q, " OR lower(trim(");
            strbuf_put_ident(&q, cols[i]);
            strbuf_puts(&q, ")) = lower(trim(?1))");
        }
    }
    sqlite3_stmt *st;
    int64_t found = prepare_sql(c, "forget", strbuf_str(&q), &st) ? -1 : 0;
    strbuf_free(&q);
    if (found == 0)
        sqlite3_bind_text(st, 1, who, -1, SQLITE_STATIC);
    char key_kind[160];
    identity_key_kind(key, key_kind, sizeof key_kind);
    while (found >= 0 && sqlite3_step(st) == SQLITE_ROW) {
        found++;
        const char *given = NULL, *family = NULL;
        for (int i = 0; i < n && found >= 0; i++) {
            const char *v = (const char *)sqlite3_column_text(st, i);
            const char *kind = identity_kind_of_column(cols[i]);
            int rc = 0;
            if (sqlite3_stricmp(cols[i], key) == 0)
                rc = add_ident(c, "key", v, NULL) || add_identifier(c, key_kind, v, v && strlen(v) >= 4);
            else if (kind)
                rc = add_identifier(c, kind, v, 1);
            else if (name_part(cols[i], 0))
                given = v;
            else if (name_part(cols[i], 1))
                family = v;
            if (rc)
                found = -1;
        }
        if (found >= 0 && given && family) {
            struct strbuf full = {0};
            strbuf_printf(&full, "%s %s", given, family);
            if (add_ident(c, "text", strbuf_str(&full), NULL))
                found = -1;
            strbuf_free(&full);
        }
    }
    sqlite3_finalize(st);
    free_names(cols, n);
    return found;
}

/* The columns of table that hold customers' keys, as "CAST(col AS TEXT) IN (keys)"
 * terms of cond; returns how many. */
static int key_terms(ctx *c, const char *table, const char *customers, const char *key, struct strbuf *cond)
{
    int n, terms = 0;
    char **cols = table_columns(c, "forget", table, &n);
    char *recorded = table_key_column(c, table);
    /* a model result or dedupe result keyed by the customers (directly or through
     * a table keyed like them, profiles or rfm) */
    int derived = query_int(c, "SELECT count(*) FROM _persona_models m JOIN _persona_tables t ON t.name = m.source_table "
                               "WHERE m.name = %Q AND (t.key_column = %Q COLLATE NOCASE OR t.key_column = 'customer' "
                               "OR m.source_table = %Q)", table, key, customers) > 0;
    int dedupe = query_int(c, "SELECT count(*) FROM _persona_dedupe_runs WHERE table_name = %Q AND (matches_table = %Q "
                              "OR clusters_table = %Q)", customers, table, table) > 0;
    for (int i = 0; i < n; i++) {
        const char *col = cols[i];
        int holds = sqlite3_stricmp(col, key) == 0 ||
                    (recorded && strcmp(recorded, "customer") == 0 && strcmp(col, "customer") == 0) ||
                    (derived && strcmp(col, "key") == 0) ||
                    (dedupe && (strcmp(col, "key") == 0 || strcmp(col, "key_l") == 0 || strcmp(col, "key_r") == 0));
        if (!holds)
            continue;
        strbuf_puts(cond, terms++ || cond->len ? " OR CAST(" : "CAST(");
        strbuf_put_ident(cond, col);
        strbuf_puts(cond, " AS TEXT) IN (SELECT value FROM temp._persona_forget WHERE kind = 'key')");
    }
    free(recorded);
    free_names(cols, n);
    return terms;
}

/* The columns of table whose name says email or phone, compared by salted hash. */
static int identifier_terms(ctx *c, const char *table, struct strbuf *cond)
{
    int n, terms = 0;
    char **cols = table_columns(c, "forget", table, &n);
    for (int i = 0; i < n; i++) {
        const char *kind = identity_kind_of_column(cols[i]);
        if (!kind)
            continue;
        struct strbuf col = {0};
        strbuf_put_ident(&col, cols[i]);
        strbuf_puts(cond, cond->len ? " OR " : "");
        identity_sql(cond, kind, strbuf_str(&col));
        strbuf_printf(cond, " IN (SELECT value FROM temp._persona_forget WHERE kind = 'hash' AND hash_kind = '%s')",
                      kind);
        strbuf_free(&col);
        terms++;
    }
    free_names(cols, n);
    return terms;
}

static int64_t changes_of(ctx *c, const char *sql)
{
    int64_t before = sqlite3_total_changes64(c->db);
    if (exec_sql(c, "forget", sql))
        return -1;
    return sqlite3_total_changes64(c->db) - before;
}

/* Erases the person's rows from every user table. */
static int erase_user_rows(ctx *c, const char *customers, const char *key, struct forget_report *rep)
{
    int n;
    char **tables = user_relations(c, &n);
    int rc = 0;
    for (int i = 0; i < n && rc == 0; i++) {
        if (!table_exists(c, tables[i]))
            continue;
        struct strbuf cond = {0}, sql = {0};
        int terms = key_terms(c, tables[i], customers, key, &cond) + identifier_terms(c, tables[i], &cond);
        if (terms) {
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

/* Drops the whole undo store: its stashed copies hold the person too. */
static int purge_undo(ctx *c)
{
    sqlite3_stmt *st;
    if (prepare_sql(c, "forget", "SELECT name FROM sqlite_master WHERE type = 'table' AND "
                                 "name LIKE '\\_persona\\_stash\\_%' ESCAPE '\\'", &st))
        return -1;
    struct strbuf b = {0};
    while (sqlite3_step(st) == SQLITE_ROW) {
        char *sql = sqlite3_mprintf("DROP TABLE \"%w\"; DELETE FROM _persona_tables WHERE name = %Q;\n",
                                    (const char *)sqlite3_column_text(st, 0), (const char *)sqlite3_column_text(st, 0));
        strbuf_puts(&b, sql);
        sqlite3_free(sql);
    }
    sqlite3_finalize(st);
    strbuf_puts(&b, "DELETE FROM _persona_undo; DELETE FROM _persona_changes WHERE command_id IN "
                    "(SELECT id FROM _persona_log WHERE undone = 0)");
    int rc = exec_sql(c, "forget", strbuf_str(&b));
    strbuf_free(&b);
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
    char *table = NULL, *key = NULL;
    int rc = settle_customers(c, customers, &table, &key) || identity_salt_ensure(c) || start_person(c) ? -1 : 0;
    if (rc == 0) {
        snprintf(rep->customers_table, sizeof rep->customers_table, "%s", table);
        rep->customers = find_person(c, who, table, key);
        if (rep->customers < 0) {
            rc = -1;
        } else if (rep->customers == 0) {
            /* gone from the customers already: what they were known by still counts */
            char key_kind[160];
            identity_key_kind(key, key_kind, sizeof key_kind);
            rc = strchr(who, '@') ? add_identifier(c, IDENTITY_EMAIL, who, 1)
                                  : add_ident(c, "key", who, NULL) || add_identifier(c, key_kind, who, strlen(who) >= 4);
        }
    }
    if (rc == 0)
        rc = erase_user_rows(c, table, key, rep) || erase_internal_rows(c, table, rep) || purge_undo(c) ||
             record_erasure(c, who, key, reason, rep) ? -1 : 0;
    /* (the log line of this very command is always redacted: it names them) */
    if (rc == 0 && rep->customers == 0 && rep->rows == 0 && rep->internal == 0 && rep->redacted <= 1)
        rc = ctx_error(c, "forget: nobody known by that identifier in %s or anywhere else in the workspace; nothing "
                          "was erased", table);
    exec_sql(c, "forget", "DROP TABLE IF EXISTS temp._persona_forget");
    free(table);
    free(key);
    return rc;
}

int forget_scrub(ctx *c)
{
    if (exec_sql(c, "forget: scrub", "PRAGMA secure_delete = ON; VACUUM; PRAGMA wal_checkpoint(TRUNCATE)"))
        return ctx_error_prefix(c, "the person is erased, but the file could not be compacted (run forget again)");
    return 0;
}
