/* review_pairs.c — reading TABLE_matches and the records it pairs. */
#include "review_pairs.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"
#include "workspace.h"

static char *dup_text(sqlite3_stmt *st, int i)
{
    const char *t = (const char *)sqlite3_column_text(st, i);
    return t ? xstrdup(t) : NULL;
}

int review_queue_load(ctx *c, const char *table, double band, struct review_queue *q)
{
    memset(q, 0, sizeof *q);
    sqlite3_stmt *st;
    if (prepare_sql(c, "dedupe review", "SELECT key_column, matches_table, threshold FROM _persona_dedupe_runs "
                    "WHERE table_name = ? ORDER BY command_id DESC LIMIT 1", &st))
        return -1;
    sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW) {
        q->key = dup_text(st, 0);
        q->matches = dup_text(st, 1);
        q->threshold = sqlite3_column_double(st, 2);
    }
    sqlite3_finalize(st);
    if (!q->matches || !table_exists(c, q->matches)) {
        review_queue_free(q);
        return ctx_error(c, "dedupe review: no dedupe results for %s; run 'dedupe %s' first", table, table);
    }
    q->table = xstrdup(table);
    q->lo = q->threshold - band > 0 ? q->threshold - band : 0;
    q->hi = q->threshold + band < 1 ? q->threshold + band : 1;
    char *sql = sqlite3_mprintf("SELECT rowid, key_l, key_r, probability, weight, rule FROM \"%w\" "
                                "WHERE decision IS NULL AND probability BETWEEN ?1 AND ?2 "
                                "ORDER BY abs(probability - ?3), key_l, key_r", q->matches);
    int rc = prepare_sql(c, "dedupe review", sql, &st);
    sqlite3_free(sql);
    if (rc) {
        review_queue_free(q);
        return -1;
    }
    sqlite3_bind_double(st, 1, q->lo);
    sqlite3_bind_double(st, 2, q->hi);
    sqlite3_bind_double(st, 3, q->threshold);
    int cap = 0, step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        if (q->n == cap)
            q->pairs = xrealloc(q->pairs, (size_t)(cap = cap ? cap * 2 : 64) * sizeof *q->pairs);
        q->pairs[q->n++] = (struct review_pair){
            .row = sqlite3_column_int64(st, 0),
            .key_l = dup_text(st, 1),
            .key_r = dup_text(st, 2),
            .probability = sqlite3_column_double(st, 3),
            .weight = sqlite3_column_double(st, 4),
            .rule = dup_text(st, 5),
        };
        if (!q->pairs[q->n - 1].key_l || !q->pairs[q->n - 1].key_r) {     /* not a pair a person can decide */
            q->n--;
            free(q->pairs[q->n].key_l);
            free(q->pairs[q->n].key_r);
            free(q->pairs[q->n].rule);
        }
    }
    if (step != SQLITE_DONE)
        rc = ctx_sqlite_error(c, "dedupe review");
    sqlite3_finalize(st);
    if (rc)
        review_queue_free(q);
    return rc;
}

void review_queue_free(struct review_queue *q)
{
    for (int i = 0; i < q->n; i++) {
        free(q->pairs[i].key_l);
        free(q->pairs[i].key_r);
        free(q->pairs[i].rule);
    }
    free(q->pairs);
    free(q->table);
    free(q->matches);
    free(q->key);
    memset(q, 0, sizeof *q);
}

/* Reads one side's record into values[] (the columns are learnt on the way). */
static int read_side(ctx *c, const struct review_queue *q, const struct review_pair *p, const char *side,
                     struct review_record *r, char ***values)
{
    struct strbuf sql = {0};
    strbuf_puts(&sql, "SELECT * FROM ");
    strbuf_put_ident(&sql, q->table);
    strbuf_puts(&sql, " WHERE ");
    if (q->key)
        strbuf_put_ident(&sql, q->key);
    else
        strbuf_puts(&sql, "rowid");
    /* the key as the matches table stores it: an integer key stays an integer */
    strbuf_printf(&sql, " = (SELECT %s FROM ", side);
    strbuf_put_ident(&sql, q->matches);
    strbuf_printf(&sql, " WHERE rowid = %lld)", (long long)p->row);
    sqlite3_stmt *st;
    int rc = prepare_sql(c, "dedupe review", strbuf_str(&sql), &st);
    strbuf_free(&sql);
    if (rc)
        return -1;
    if (sqlite3_step(st) != SQLITE_ROW) {
        sqlite3_finalize(st);
        return ctx_error(c, "dedupe review: %s is no longer in %s (merged or deleted since the dedupe run)",
                         strcmp(side, "key_l") == 0 ? p->key_l : p->key_r, q->table);
    }
    int n = sqlite3_column_count(st);
    if (!r->column) {
        r->n = n;
        r->key = -1;
        r->column = xcalloc((size_t)n, sizeof *r->column);
        for (int i = 0; i < n; i++) {
            r->column[i] = xstrdup(sqlite3_column_name(st, i));
            if (q->key && sqlite3_stricmp(r->column[i], q->key) == 0)
                r->key = i;
        }
    }
    *values = xcalloc((size_t)n, sizeof **values);
    for (int i = 0; i < n; i++)
        (*values)[i] = dup_text(st, i);
    sqlite3_finalize(st);
    return 0;
}

/* The levels: TABLE_matches has a COLUMN_level for each compared column. */
static int read_levels(ctx *c, const struct review_queue *q, const struct review_pair *p, struct review_record *r)
{
    r->level = xcalloc((size_t)r->n, sizeof *r->level);
    char *sql = sqlite3_mprintf("SELECT * FROM \"%w\" WHERE rowid = %lld", q->matches, (long long)p->row);
    sqlite3_stmt *st;
    int rc = prepare_sql(c, "dedupe review", sql, &st);
    sqlite3_free(sql);
    if (rc)
        return -1;
    if (sqlite3_step(st) == SQLITE_ROW) {
        for (int i = 0; i < sqlite3_column_count(st); i++) {
            const char *name = sqlite3_column_name(st, i);
            size_t len = strlen(name);
            if (len <= 6 || strcmp(name + len - 6, "_level") != 0)
                continue;
            for (int k = 0; k < r->n; k++)
                if (!r->level[k] && strlen(r->column[k]) == len - 6 && strncmp(r->column[k], name, len - 6) == 0)
                    r->level[k] = sqlite3_column_type(st, i) == SQLITE_NULL ? xstrdup("null: neutral")
                                                                             : dup_text(st, i);
        }
    }
    sqlite3_finalize(st);
    return 0;
}

int review_record_load(ctx *c, const struct review_queue *q, const struct review_pair *p, struct review_record *out)
{
    memset(out, 0, sizeof *out);
    int rc = read_side(c, q, p, "key_l", out, &out->left);
    if (rc == 0)
        rc = read_side(c, q, p, "key_r", out, &out->right);
    if (rc == 0)
        rc = read_levels(c, q, p, out);
    if (rc)
        review_record_free(out);
    return rc;
}

void review_record_free(struct review_record *r)
{
    for (int i = 0; i < r->n; i++) {
        free(r->column[i]);
        if (r->left)
            free(r->left[i]);
        if (r->right)
            free(r->right[i]);
        if (r->level)
            free(r->level[i]);
    }
    free(r->column);
    free(r->left);
    free(r->right);
    free(r->level);
    memset(r, 0, sizeof *r);
}
