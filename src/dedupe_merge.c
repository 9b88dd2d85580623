/* dedupe_merge.c — one survivor per cluster, with per-column survivorship. */
#include <math.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "dedupe.h"
#include "consent.h"
#include "strbuf.h"
#include "undo.h"
#include "workspace.h"

struct member {
    int64_t rowid;
    double recency;         /* julianday of the recency column; NAN: none */
    sqlite3_value *key;
    sqlite3_value **v;      /* the table's columns */
};

struct merge {
    ctx *c;
    const struct merge_options *o;
    struct merge_report *rep;
    const char *rowid;      /* the name that reaches the table's rowid (rowid_alias()) */
    int *consent;           /* per column: its consent polarity (consent.h), 0 for none */
    int ncols, key_col;     /* key_col: index of the key among the columns, -1 rowid */
    char **cols;
    sqlite3_stmt *update_cell, *delete_row, *audit;
    sqlite3_stmt **update;  /* per column: UPDATE t SET col = ? WHERE rowid = ? */
};

static int is_missing(sqlite3_value *v)
{
    if (sqlite3_value_type(v) == SQLITE_NULL)
        return 1;
    if (sqlite3_value_type(v) != SQLITE_TEXT)
        return 0;
    for (const unsigned char *p = sqlite3_value_text(v); *p; p++)
        if (*p != ' ' && *p != '\t')
            return 0;
    return 1;
}

static int same_value(sqlite3_value *a, sqlite3_value *b)
{
    if (sqlite3_value_type(a) != sqlite3_value_type(b))
        return 0;
    return sqlite3_value_bytes(a) == sqlite3_value_bytes(b) &&
           memcmp(sqlite3_value_text(a), sqlite3_value_text(b), (size_t)sqlite3_value_bytes(a)) == 0;
}

/* The survivor: the most complete record, the most recent, or the first. */
static int choose_survivor(const struct merge *m, struct member *g, int n)
{
    int best = 0;
    for (int i = 1; i < n; i++) {
        if (m->o->keep == MERGE_FIRST)
            break;
        if (m->o->keep == MERGE_MOST_RECENT) {
            if (!isnan(g[i].recency) && (isnan(g[best].recency) || g[i].recency > g[best].recency))
                best = i;
            continue;
        }
        int filled_i = 0, filled_best = 0;
        for (int j = 0; j < m->ncols; j++) {
            filled_i += !is_missing(g[i].v[j]);
            filled_best += !is_missing(g[best].v[j]);
        }
        if (filled_i > filled_best)
            best = i;
    }
    return best;
}

/* The value column j takes in the survivor s, and why: the survivor's own when it
 * has one (most-complete, first); else the most frequent among the cluster's values
 * (ties: the longest, then the earliest record).  most-recent: the value of the most
 * recent record that has one.  Returns the member it comes from, or -1: none. */
static int choose_value(const struct merge *m, struct member *g, int n, int s, int j, const char **why)
{
    if (m->o->keep == MERGE_MOST_RECENT) {
        int best = -1;
        for (int i = 0; i < n; i++)
            if (!is_missing(g[i].v[j]) &&
                (best < 0 || (!isnan(g[i].recency) && (isnan(g[best].recency) || g[i].recency > g[best].recency))))
                best = i;
        *why = "recent";
        return best;
    }
    if (!is_missing(g[s].v[j]))
        return s;
    int best = -1, best_count = 0;
    for (int i = 0; i < n; i++) {
        if (is_missing(g[i].v[j]))
            continue;
        int count = 0;
        for (int k = 0; k < n; k++)
            count += !is_missing(g[k].v[j]) && same_value(g[i].v[j], g[k].v[j]);
        if (best < 0 || count > best_count ||
            (count == best_count && sqlite3_value_bytes(g[i].v[j]) > sqlite3_value_bytes(g[best].v[j]))) {
            best = i;
            best_count = count;
        }
    }
    *why = best_count > 1 ? "frequent" : "longest";
    return best;
}

static int audit(struct merge *m, sqlite3_value *survivor, sqlite3_value *merged, const char *column,
                 sqlite3_value *value, const char *why)
{
    sqlite3_stmt *st = m->audit;
    sqlite3_reset(st);
    sqlite3_bind_value(st, 1, survivor);
    sqlite3_bind_value(st, 2, merged);
    if (column)
        sqlite3_bind_text(st, 3, column, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, 3);
    if (value)
        sqlite3_bind_value(st, 4, value);
    else
        sqlite3_bind_null(st, 4);
    sqlite3_bind_text(st, 5, why, -1, SQLITE_STATIC);
    return sqlite3_step(st) == SQLITE_DONE ? 0 : ctx_sqlite_error(m->c, "dedupe merge: recording");
}

/* How restrictive a member's consent is: a refusal (0) before an unknown value (1)
 * before a grant (2). */
static int consent_rank(sqlite3_value *v, int polarity)
{
    if (sqlite3_value_type(v) == SQLITE_NULL)
        return 1;
    int state = consent_read((const char *)sqlite3_value_text(v), (size_t)sqlite3_value_bytes(v), polarity);
    return state == 0 ? 0 : state < 0 ? 1 : 2;
}

/* The member whose consent is the most restrictive: a person who refused on any of
 * their records has refused. */
static int most_restrictive(const struct member *g, int n, int s, int j, int polarity)
{
    int best = s, rank = consent_rank(g[s].v[j], polarity);
    for (int i = 0; i < n; i++) {
        int r = consent_rank(g[i].v[j], polarity);
        if (r < rank) {
            best = i;
            rank = r;
        }
    }
    return best;
}

static int merge_cluster(struct merge *m, struct member *g, int n)
{
    static const char *const keep_names[] = {"most-complete", "most-recent", "first"};
    int s = choose_survivor(m, g, n);
    for (int j = 0; j < m->ncols; j++) {
        if (j == m->key_col)
            continue;
        const char *why = "most restrictive consent";
        int from = m->consent[j] ? most_restrictive(g, n, s, j, m->consent[j]) : choose_value(m, g, n, s, j, &why);
        if (from < 0 || from == s || same_value(g[from].v[j], g[s].v[j]))
            continue;
        sqlite3_stmt *st = m->update[j];
        sqlite3_reset(st);
        sqlite3_bind_value(st, 1, g[from].v[j]);
        sqlite3_bind_int64(st, 2, g[s].rowid);
        if (sqlite3_step(st) != SQLITE_DONE)
            return ctx_sqlite_error(m->c, "dedupe merge: updating");
        if (audit(m, g[s].key, g[from].key, m->cols[j], g[from].v[j], why))
            return -1;
        m->rep->filled++;
    }
    for (int i = 0; i < n; i++) {
        if (i == s)
            continue;
        sqlite3_reset(m->delete_row);
        sqlite3_bind_int64(m->delete_row, 1, g[i].rowid);
        if (sqlite3_step(m->delete_row) != SQLITE_DONE)
            return ctx_sqlite_error(m->c, "dedupe merge: deleting");
        if (audit(m, g[s].key, g[i].key, NULL, NULL, keep_names[m->o->keep]))
            return -1;
        m->rep->removed++;
    }
    m->rep->clusters++;
    return 0;
}

static void free_group(struct member *g, int n, int ncols)
{
    for (int i = 0; i < n; i++) {
        sqlite3_value_free(g[i].key);
        for (int j = 0; j < ncols; j++)
            sqlite3_value_free(g[i].v[j]);
        free(g[i].v);
    }
}

/* Reads every clustered record, grouped by cluster, before changing anything. */
static int read_groups(struct merge *m, const char *clusters, const char *key_col, struct member **out, int64_t **starts,
                       int64_t *ngroups, int64_t *nmembers)
{
    struct strbuf q = {0};
    strbuf_printf(&q, "SELECT t.%s, ", m->rowid);
    if (m->o->recent) {
        strbuf_puts(&q, "julianday(t.");
        strbuf_put_ident(&q, m->o->recent);
        strbuf_puts(&q, "), ");
    } else {
        strbuf_puts(&q, "NULL, ");
    }
    strbuf_puts(&q, "c.key, c.cluster_id");
    for (int j = 0; j < m->ncols; j++) {
        strbuf_puts(&q, ", t.");
        strbuf_put_ident(&q, m->cols[j]);
    }
    strbuf_puts(&q, " FROM ");
    strbuf_put_ident(&q, clusters);
    strbuf_puts(&q, " c JOIN ");
    strbuf_put_ident(&q, m->o->table);
    strbuf_puts(&q, " t ON t.");
    if (key_col)
        strbuf_put_ident(&q, key_col);
    else
        strbuf_puts(&q, m->rowid);
    strbuf_printf(&q, " = c.key ORDER BY c.cluster_id, t.%s", m->rowid);
    sqlite3_stmt *st;
    int rc = prepare_sql(m->c, "dedupe merge", strbuf_str(&q), &st);
    strbuf_free(&q);
    if (rc)
        return -1;
    size_t cap = 0, gcap = 0;
    sqlite3_value *last = NULL;
    while (sqlite3_step(st) == SQLITE_ROW) {
        if (*nmembers == (int64_t)cap) {
            cap = cap ? cap * 2 : 256;
            *out = xrealloc(*out, cap * sizeof **out);
        }
        struct member *mb = &(*out)[(*nmembers)++];
        mb->rowid = sqlite3_column_int64(st, 0);
        mb->recency = sqlite3_column_type(st, 1) == SQLITE_NULL ? NAN : sqlite3_column_double(st, 1);
        mb->key = sqlite3_value_dup(sqlite3_column_value(st, 2));
        mb->v = xmalloc((size_t)(m->ncols ? m->ncols : 1) * sizeof *mb->v);
        for (int j = 0; j < m->ncols; j++)
            mb->v[j] = sqlite3_value_dup(sqlite3_column_value(st, 4 + j));
        sqlite3_value *cid = sqlite3_column_value(st, 3);
        if (!last || !same_value(last, cid)) {
            if (*ngroups == (int64_t)gcap) {
                gcap = gcap ? gcap * 2 : 256;
                *starts = xrealloc(*starts, (gcap + 1) * sizeof **starts);
            }
            (*starts)[(*ngroups)++] = *nmembers - 1;
            sqlite3_value_free(last);
            last = sqlite3_value_dup(cid);
        }
    }
    sqlite3_value_free(last);
    sqlite3_finalize(st);
    if (*starts)
        (*starts)[*ngroups] = *nmembers;
    return 0;
}

int dedupe_merge(ctx *c, const struct merge_options *o, struct merge_report *rep)
{
    memset(rep, 0, sizeof *rep);
    sqlite3_stmt *st;
    if (prepare_sql(c, "dedupe merge", "SELECT key_column, clusters_table FROM _persona_dedupe_runs "
                    "WHERE table_name = ? ORDER BY command_id DESC LIMIT 1", &st))
        return -1;
    sqlite3_bind_text(st, 1, o->table, -1, SQLITE_STATIC);
    char *key_col = NULL, *clusters = NULL;
    if (sqlite3_step(st) == SQLITE_ROW) {
        if (sqlite3_column_text(st, 0))
            key_col = xstrdup((const char *)sqlite3_column_text(st, 0));
        clusters = xstrdup((const char *)sqlite3_column_text(st, 1));
    }
    sqlite3_finalize(st);
    struct merge m = {.c = c, .o = o, .rep = rep, .key_col = -1};
    int rc = 0;
    if (!(m.rowid = rowid_alias(c, "dedupe merge", o->table)))
        rc = -1;
    else if (!clusters)
        rc = ctx_error(c, "dedupe merge: no dedupe results for %s; run 'dedupe %s' first", o->table, o->table);
    else if (!table_exists(c, clusters))
        rc = ctx_error(c, "dedupe merge: %s is gone; run 'dedupe %s' again", clusters, o->table);
    char *sql = sqlite3_mprintf("SELECT name FROM pragma_table_info(%Q) ORDER BY cid", o->table);
    if (rc == 0 && prepare_sql(c, "dedupe merge", sql, &st) == 0) {
        while (sqlite3_step(st) == SQLITE_ROW) {
            m.cols = xrealloc(m.cols, (size_t)(m.ncols + 1) * sizeof *m.cols);
            m.cols[m.ncols] = xstrdup((const char *)sqlite3_column_text(st, 0));
            if (key_col && strcmp(key_col, m.cols[m.ncols]) == 0)
                m.key_col = m.ncols;
            m.ncols++;
        }
        sqlite3_finalize(st);
    }
    sqlite3_free(sql);
    if (rc == 0 && o->recent) {
        int found = 0;
        for (int j = 0; j < m.ncols; j++)
            found |= strcmp(m.cols[j], o->recent) == 0;
        if (!found)
            rc = ctx_error(c, "dedupe merge: keep=most-recent:%s: no column '%s' in %s", o->recent, o->recent, o->table);
    }
    struct member *members = NULL;
    int64_t *starts = NULL, ngroups = 0, nmembers = 0;
    if (rc == 0)
        rc = read_groups(&m, clusters, key_col, &members, &starts, &ngroups, &nmembers);
    if (rc == 0 && ngroups == 0)
        rc = ctx_error(c, "dedupe merge: %s has no clusters: nothing to merge", o->table);
    /* the table is copied first: undo brings the merged rows and old values back */
    if (rc == 0)
        rc = undo_table_copied(c, o->table);
    if (rc == 0) {
        sql = sqlite3_mprintf("DELETE FROM _persona_merges WHERE command_id = %lld", (long long)c->command_id);
        rc = undo_exec(c, sql);
        sqlite3_free(sql);
    }
    if (rc == 0) {
        sql = sqlite3_mprintf("INSERT INTO _persona_merges(command_id, table_name, survivor, merged_key, column_name, "
                              "chosen_value, source) VALUES (%lld, %Q, ?, ?, ?, ?, ?)", (long long)c->command_id, o->table);
        rc = prepare_sql(c, "dedupe merge", sql, &m.audit);
        sqlite3_free(sql);
    }
    if (rc == 0) {
        sql = sqlite3_mprintf("DELETE FROM \"%w\" WHERE %s = ?", o->table, m.rowid);
        rc = prepare_sql(c, "dedupe merge", sql, &m.delete_row);
        sqlite3_free(sql);
    }
    m.update = xcalloc((size_t)(m.ncols ? m.ncols : 1), sizeof *m.update);
    m.consent = xcalloc((size_t)(m.ncols ? m.ncols : 1), sizeof *m.consent);
    for (int j = 0; j < m.ncols; j++)
        m.consent[j] = consent_column_polarity(m.cols[j]);
    for (int j = 0; j < m.ncols && rc == 0; j++) {
        sql = sqlite3_mprintf("UPDATE \"%w\" SET \"%w\" = ? WHERE %s = ?", o->table, m.cols[j], m.rowid);
        rc = prepare_sql(c, "dedupe merge", sql, &m.update[j]);
        sqlite3_free(sql);
    }
    for (int64_t g = 0; g < ngroups && rc == 0; g++) {
        int n = (int)(starts[g + 1] - starts[g]);
        if (n > 1)
            rc = merge_cluster(&m, members + starts[g], n);
        if ((g & 0xfff) == 0xfff) {
            ctx_progress(c, g, ngroups, "merging");
            if (ctx_is_cancelled(c))
                rc = ctx_cancelled(c);
        }
    }
    if (rc == 0)
        rc = repoint_facts(c, o->table, key_col, &rep->facts);
    for (int64_t g = 0; g < ngroups; g++)
        free_group(members + starts[g], (int)(starts[g + 1] - starts[g]), m.ncols);
    for (int j = 0; j < m.ncols; j++) {
        if (m.update)
            sqlite3_finalize(m.update[j]);
        free(m.cols[j]);
    }
    sqlite3_finalize(m.audit);
    sqlite3_finalize(m.delete_row);
    free(m.update);
    free(m.consent);
    free(m.cols);
    free(members);
    free(starts);
    free(key_col);
    free(clusters);
    return rc;
}
