/* catalog.c — the workspace's tables, segments, models and experiments, counted. */
#include "catalog.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "browse.h"
#include "cmdwords.h"
#include "segment.h"
#include "strbuf.h"
#include "workspace.h"

static void add(struct catalog *cat, enum catalog_kind kind, const char *name, int64_t count, const char *table,
                const char *detail)
{
    cat->items = xrealloc(cat->items, (size_t)(cat->n + 1) * sizeof *cat->items);
    cat->items[cat->n++] = (struct catalog_item){
        .kind = kind,
        .name = xstrdup(name),
        .count = count,
        .table = xstrdup(table ? table : name),
        .detail = detail ? xstrdup(detail) : NULL,
    };
}


static const char *text(sqlite3_stmt *st, int i) { return (const char *)sqlite3_column_text(st, i); }

/* A segment's members, as a condition on its source table: "key" IN (definition). */
static void add_segments(ctx *c, struct catalog *cat)
{
    sqlite3_stmt *st;
    /* insertion order: a clustering's segments come in cluster order */
    if (sqlite3_prepare_v2(c->db, "SELECT name, source_table, definition FROM _persona_segments ORDER BY rowid",
                           -1, &st, NULL) != SQLITE_OK)
        return;
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *name = text(st, 0), *source = text(st, 1), *definition = text(st, 2);
        if (!name || !source || !definition || !table_exists(c, source))
            continue;
        char *key = table_key_column(c, source);
        struct strbuf filter = {0};
        segment_member_test(c, source, key ? key : "rowid", definition, &filter);
        add(cat, CATALOG_SEGMENT, name, query_int(c, "SELECT count(*) FROM (%s)", definition), source, strbuf_str(&filter));
        strbuf_free(&filter);
        free(key);
    }
    sqlite3_finalize(st);
}

static void add_models(ctx *c, struct catalog *cat)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(c->db, "SELECT name, kind FROM _persona_models m WHERE id = (SELECT max(id) FROM "
                           "_persona_models WHERE name = m.name) ORDER BY id", -1, &st, NULL) != SQLITE_OK)
        return;
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *name = text(st, 0);
        if (name && table_exists(c, name))
            add(cat, CATALOG_MODEL, name, browse_count_rows(c, name), NULL, text(st, 1));
    }
    sqlite3_finalize(st);
}

/* Tables an abtest ran on, from the log: the newest successful line for each. */
static void add_experiments(ctx *c, struct catalog *cat)
{
    sqlite3_stmt *st;
    /* a command may be typed as any unique prefix of its name: "ab", "abt" */
    if (sqlite3_prepare_v2(c->db, "SELECT command FROM _persona_log WHERE status = 'ok' AND undone = 0 AND "
                           "command LIKE 'ab%' ORDER BY id DESC", -1, &st, NULL) != SQLITE_OK)
        return;
    int first = cat->n;
    while (sqlite3_step(st) == SQLITE_ROW) {
        const struct cmd_entry *e;
        struct words ws;
        if (!text(st, 0) || cmdwords_single(text(st, 0), &e, &ws) != 0)
            continue;
        if (e == &cmd_abtest_entry && ws.n > 1 && !ws.w[1].key && table_exists(c, ws.w[1].text)) {
            int seen = 0;
            for (int i = first; i < cat->n && !seen; i++)
                seen = strcmp(cat->items[i].name, ws.w[1].text) == 0;
            if (!seen)
                add(cat, CATALOG_EXPERIMENT, ws.w[1].text, browse_count_rows(c, ws.w[1].text), NULL, text(st, 0));
        }
        words_free(&ws);
    }
    sqlite3_finalize(st);
}

void catalog_load(ctx *c, struct catalog *cat)
{
    memset(cat, 0, sizeof *cat);
    int n;
    char **tables = user_relations(c, &n);
    for (int i = 0; i < n; i++)
        add(cat, CATALOG_TABLE, tables[i], browse_count_rows(c, tables[i]), NULL, NULL);
    free_names(tables, n);
    add_segments(c, cat);
    add_models(c, cat);
    add_experiments(c, cat);
}

void catalog_free(struct catalog *cat)
{
    for (int i = 0; i < cat->n; i++) {
        free(cat->items[i].name);
        free(cat->items[i].table);
        free(cat->items[i].detail);
    }
    free(cat->items);
    memset(cat, 0, sizeof *cat);
}

int catalog_profiles_for(ctx *c, const char *table, char **profiles, char **key)
{
    *profiles = *key = NULL;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(c->db, "SELECT profiles_table, key_column FROM _persona_profiles WHERE customers = ?1 "
                           "OR profiles_table = ?1 ORDER BY command_id DESC LIMIT 1", -1, &st, NULL) != SQLITE_OK)
        return 0;
    sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW && text(st, 0) && text(st, 1) && table_exists(c, text(st, 0))) {
        *profiles = xstrdup(text(st, 0));
        *key = xstrdup(text(st, 1));
    }
    sqlite3_finalize(st);
    return *profiles != NULL;
}

char *catalog_dedupe_table(ctx *c, const char *table)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(c->db, "SELECT table_name FROM _persona_dedupe_runs WHERE table_name = ?1 OR "
                           "matches_table = ?1 OR clusters_table = ?1 ORDER BY command_id DESC LIMIT 1", -1, &st,
                           NULL) != SQLITE_OK)
        return NULL;
    sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
    char *found = sqlite3_step(st) == SQLITE_ROW && text(st, 0) && table_exists(c, text(st, 0))
                      ? xstrdup(text(st, 0)) : NULL;
    sqlite3_finalize(st);
    return found;
}
