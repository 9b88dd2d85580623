/* person.c — one person across the workspace (see person.h). */
#include "person.h"

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
    return exec_sql(c, "person", "DROP TABLE IF EXISTS temp._persona_forget; "
                                 "CREATE TEMP TABLE _persona_forget(kind TEXT, value TEXT, hash_kind TEXT)");
}

static int add_ident(ctx *c, const char *kind, const char *value, const char *hash_kind)
{
    if (!value || !*value)
        return 0;
    char *sql = sqlite3_mprintf("INSERT INTO temp._persona_forget(kind, value, hash_kind) SELECT %Q, %Q, %Q "
                                "WHERE NOT EXISTS (SELECT 1 FROM temp._persona_forget WHERE kind = %Q AND value = %Q "
                                "AND hash_kind IS %Q)", kind, value, hash_kind, kind, value, hash_kind);
    int rc = exec_sql(c, "person", sql);
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
    int rc = prepare_sql(c, "person", strbuf_str(&h), &st);
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
static int settle_customers(ctx *c, const char *cmd, const char *given, char **table, char **key)
{
    *table = *key = NULL;
    if (given) {
        if (require_relation(c, cmd, given, 0))
            return -1;
        *table = xstrdup(given);
    } else {
        sqlite3_stmt *st;
        if (prepare_sql(c, "person", "SELECT customers, key_column FROM _persona_profiles ORDER BY command_id DESC "
                                     "LIMIT 1", &st))
            return -1;
        if (sqlite3_step(st) == SQLITE_ROW) {
            *table = xstrdup((const char *)sqlite3_column_text(st, 0));
            *key = xstrdup((const char *)sqlite3_column_text(st, 1));
        }
        sqlite3_finalize(st);
        if (!*table)
            return ctx_error(c, "%s: which table holds the customers? give customers=TABLE (no profile build "
                                "has said)", cmd);
        if (!table_exists(c, *table))
            return ctx_error(c, "%s: the customers table %s is gone; give customers=TABLE", cmd, *table);
    }
    if (!*key)
        *key = table_key_column(c, *table);
    if (!*key)
        return ctx_error(c, "%s: %s has no key column recorded; load it with key=COL", cmd, *table);
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
    char **cols = table_columns(c, "person", table, &n);
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
    int64_t found = prepare_sql(c, "person", strbuf_str(&q), &st) ? -1 : 0;
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
                rc = add_ident(c, "key", v, NULL) || add_identifier(c, key_kind, v, v && strlen(v) >= 4) ||
                     add_identifier(c, "key", v, 0);     /* as exports record their members */
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
    char **cols = table_columns(c, "person", table, &n);
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
    char **cols = table_columns(c, "person", table, &n);
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

int person_locate(ctx *c, const char *cmd, const char *who, const char *customers, struct person *p)
{
    memset(p, 0, sizeof *p);
    if (settle_customers(c, cmd, customers, &p->customers, &p->key) || identity_salt_ensure(c) || start_person(c))
        return -1;
    p->records = find_person(c, who, p->customers, p->key);
    if (p->records < 0)
        return -1;
    if (p->records > 0)
        return 0;
    /* gone from the customers already: what they were known by still counts */
    char key_kind[160];
    identity_key_kind(p->key, key_kind, sizeof key_kind);
    return strchr(who, '@') ? add_identifier(c, IDENTITY_EMAIL, who, 1)
                            : add_ident(c, "key", who, NULL) || add_identifier(c, key_kind, who, strlen(who) >= 4) ||
                                  add_identifier(c, "key", who, 0);
}

int person_condition(ctx *c, const struct person *p, const char *table, struct strbuf *cond)
{
    return key_terms(c, table, p->customers, p->key, cond) + identifier_terms(c, table, cond);
}

void person_release(ctx *c, struct person *p)
{
    exec_sql(c, "person", "DROP TABLE IF EXISTS temp._persona_forget");
    free(p->customers);
    free(p->key);
    memset(p, 0, sizeof *p);
}
