/* cmd-dedupe.c — dedupe: find duplicate customers; dedupe review: look at pairs and
 * decide them. */
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "dedupe.h"
#include "resultset.h"
#include "sink.h"
#include "strbuf.h"
#include "undo.h"
#include "workspace.h"

static const struct cmd_option dedupe_options[] = {
    {"key", NULL, "the column that identifies a record; default: the table's key, else the rowid"},
    {"on", NULL, "columns to compare, COL or COL:KIND, comma-separated; default: those whose names say "
                 "who (names, email, phone, birth date, address, postcode, city, id numbers)"},
    {"block", NULL, "blocking rules, comma-separated: COL+COL, soundex(COL), left(COL,N); default: "
                    "proposed from the columns (email, phone, surname+postcode, soundex(surname)+birth_date, …)"},
    {"threshold", "0.5", "match probability at or above which a pair joins a cluster"},
    {"store", "0.01", "match probability at or above which a pair is written to TABLE_matches"},
    {"max_block", "1000", "records in one block beyond which the block is skipped (reported)"},
    {"max_pairs", "auto", "pairs beyond which a proposed rule is left out; auto: 20 per record"},
    {"sample", "auto", "random pairs compared to estimate the u probabilities; auto: 40 per record, "
                       "200,000 to 1,000,000"},
    {"limit", "20", "review: pairs to list"},
    {"keep", "most-complete", "merge: which record of a cluster stays: most-complete, most-recent:COL or first"},
    {NULL},
};

/* Parses a probability option in [0, 1]. */
static int opt_probability(ctx *c, const struct cmd_args *a, const char *key, double *out)
{
    const char *v = cmd_opt(a, key);
    char *end;
    *out = strtod(v, &end);
    if (end == v || *end || !(*out >= 0 && *out <= 1))
        return ctx_error(c, "dedupe: option %s=%s: expected a probability between 0 and 1", key, v);
    return 0;
}

static int opt_count(ctx *c, const struct cmd_args *a, const char *key, int64_t min, int64_t *out)
{
    if (cmd_opt_int(c, a, key, out))
        return -1;
    if (*out < min)
        return ctx_error(c, "dedupe: option %s=%lld: expected at least %lld", key, (long long)*out, (long long)min);
    return 0;
}

/* The model the run fitted, from _persona_dedupe_params. */
static int print_model(ctx *c)
{
    sqlite3_stmt *st;
    if (prepare_sql(c, "dedupe", "SELECT column_name AS \"column\", kind, label AS level, round(m, 4) AS m, "
                    "round(u, 6) AS u, round(weight, 2) AS weight FROM _persona_dedupe_params "
                    "WHERE command_id = ? ORDER BY rowid", &st))
        return -1;
    sqlite3_bind_int64(st, 1, c->command_id);
    int64_t n = resultset_write(c, st, "model", -1, NULL);
    sqlite3_finalize(st);
    return n < 0 ? -1 : 0;
}

static int run_exec(ctx *c, const struct cmd_args *a)
{
    struct dedupe_options o = {
        .table = a->argv[0],
        .key = cmd_opt(a, "key"),
        .on = cmd_opt(a, "on"),
        .block = cmd_opt(a, "block"),
    };
    if (a->argc > 1)
        return ctx_error(c, "dedupe: too many arguments; usage: %s", a->entry->usage);
    if (require_relation(c, "dedupe", o.table, 0))
        return -1;
    const char *max_pairs = cmd_opt(a, "max_pairs");
    if (opt_probability(c, a, "threshold", &o.threshold) || opt_probability(c, a, "store", &o.store) ||
        opt_count(c, a, "max_block", 2, &o.max_block) ||
        (strcmp(cmd_opt(a, "sample"), "auto") != 0 && opt_count(c, a, "sample", 1, &o.sample)) ||
        (strcmp(max_pairs, "auto") != 0 && opt_count(c, a, "max_pairs", 1, &o.max_pairs)))
        return -1;
    if (o.store > o.threshold)
        return ctx_error(c, "dedupe: store=%g is above threshold=%g: the matches would not all be kept",
                         o.store, o.threshold);
    struct dedupe_report rep;
    if (dedupe_run(c, &o, &rep)) {
        dedupe_report_free(&rep);
        return -1;
    }
    sink_record_begin(c->out, "summary");
    sink_field(c->out, "table", cell_text(o.table));
    sink_field(c->out, "records", cell_int(rep.records));
    sink_field(c->out, "columns", cell_text(rep.columns));
    sink_field(c->out, "pairs compared", cell_int(rep.pairs));
    sink_field(c->out, "lambda", cell_real(rep.lambda));
    sink_field(c->out, "threshold", cell_real(o.threshold));
    sink_field(c->out, "matches", cell_int(rep.matches));
    sink_field(c->out, "clusters", cell_int(rep.clusters));
    sink_field(c->out, "records in clusters", cell_int(rep.clustered));
    sink_field(c->out, "matches table", cell_text(rep.matches_table));
    sink_field(c->out, "pairs written", cell_int(rep.written));
    sink_field(c->out, "clusters table", cell_text(rep.clusters_table));
    sink_record_end(c->out);
    static const char *const cols[] = {"rule", "pairs", "new pairs", "largest block", "skipped blocks", "note"};
    sink_table_begin(c->out, "rules", 6, cols);
    for (int r = 0; r < rep.nrules; r++) {
        const struct dedupe_rule_report *R = &rep.rules[r];
        char note[96] = "";
        if (R->dropped)
            snprintf(note, sizeof note, "left out: over max_pairs");
        else if (R->skipped_blocks)
            snprintf(note, sizeof note, "blocks over max_block=%lld skipped", (long long)o.max_block);
        struct cell row[] = {cell_text(R->text), cell_int(R->pairs), R->dropped ? cell_null() : cell_int(R->new_pairs),
                             cell_int(R->largest), cell_int(R->skipped_blocks), cell_text(note)};
        sink_table_row(c->out, row);
    }
    sink_table_end(c->out);
    int rc = print_model(c);
    cmd_set_summary(c, "%s: %lld records, %lld pairs compared, %lld matches, %lld clusters (%lld records)",
                    o.table, (long long)rep.records, (long long)rep.pairs, (long long)rep.matches,
                    (long long)rep.clusters, (long long)rep.clustered);
    dedupe_report_free(&rep);
    return rc;
}

/* ---- review ---- */

/* What review needs of the table's last run. */
struct run_info {
    char *key_col;          /* NULL: rowid */
    char *matches;
    double threshold;
};

static int load_run(ctx *c, const char *table, struct run_info *ri)
{
    memset(ri, 0, sizeof *ri);
    if (require_relation(c, "dedupe review", table, 0))
        return -1;
    sqlite3_stmt *st;
    if (prepare_sql(c, "dedupe review", "SELECT key_column, matches_table, threshold FROM _persona_dedupe_runs "
                    "WHERE table_name = ? ORDER BY command_id DESC LIMIT 1", &st))
        return -1;
    sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
    int rc = 0;
    if (sqlite3_step(st) == SQLITE_ROW) {
        if (sqlite3_column_text(st, 0))
            ri->key_col = xstrdup((const char *)sqlite3_column_text(st, 0));
        ri->matches = xstrdup((const char *)sqlite3_column_text(st, 1));
        ri->threshold = sqlite3_column_double(st, 2);
        if (!table_exists(c, ri->matches))
            rc = ctx_error(c, "dedupe review: %s is gone; run 'dedupe %s' again", ri->matches, table);
    } else {
        rc = ctx_error(c, "dedupe review: no dedupe results for %s; run 'dedupe %s' first", table, table);
    }
    sqlite3_finalize(st);
    return rc;
}

static void free_run(struct run_info *ri)
{
    free(ri->key_col);
    free(ri->matches);
}

/* The rowid of the record with that key, or -1 with the error set. */
static int64_t record_rowid(ctx *c, const char *table, const struct run_info *ri, const char *key)
{
    char *sql = sqlite3_mprintf("SELECT rowid FROM \"%w\" WHERE \"%w\" = ?", table, ri->key_col ? ri->key_col : "rowid");
    sqlite3_stmt *st;
    int rc = prepare_sql(c, "dedupe review", sql, &st);
    sqlite3_free(sql);
    if (rc)
        return -1;
    char *end;
    long long n = strtoll(key, &end, 10);
    if (!ri->key_col && *key && !*end)
        sqlite3_bind_int64(st, 1, n);
    else
        sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    int64_t rowid = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
    sqlite3_finalize(st);
    if (rowid < 0)
        ctx_error(c, "dedupe review: no row of %s has %s '%s'", table, ri->key_col ? ri->key_col : "rowid", key);
    return rowid;
}

/* The matches row of the pair (either order): its rowid, or 0. */
static int64_t match_row(ctx *c, const struct run_info *ri, const char *k1, const char *k2)
{
    char *sql = sqlite3_mprintf("SELECT rowid FROM \"%w\" WHERE (key_l = ?1 AND key_r = ?2) OR "
                                "(key_l = ?2 AND key_r = ?1)", ri->matches);
    sqlite3_stmt *st;
    int64_t row = 0;
    if (sqlite3_prepare_v2(c->db, sql, -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_text(st, 1, k1, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, k2, -1, SQLITE_STATIC);
        if (sqlite3_step(st) == SQLITE_ROW)
            row = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
    }
    sqlite3_free(sql);
    return row;
}

/* accept|reject K1 K2: records the decision, marks the pair in TABLE_matches (adding
 * it when blocking never produced it) and rebuilds TABLE_clusters. */
static int review_decide(ctx *c, const char *table, const struct run_info *ri, const char *what,
                         const char *k1, const char *k2)
{
    if (strcmp(k1, k2) == 0)
        return ctx_error(c, "dedupe review: %s and %s are the same record", k1, k2);
    int64_t r1 = record_rowid(c, table, ri, k1);
    if (r1 < 0)
        return -1;
    int64_t r2 = record_rowid(c, table, ri, k2);
    if (r2 < 0)
        return -1;
    if (r1 > r2) {      /* pairs are kept in table order */
        const char *t = k1;
        k1 = k2;
        k2 = t;
    }
    char now[32];
    utc_now(now, sizeof now);
    /* the keys as the table stores them (an integer key stays an integer) */
    char *sql = sqlite3_mprintf(
        "INSERT INTO _persona_dedupe_decisions(table_name, key_l, key_r, decision, command_id, decided_at) "
        "SELECT %Q, l.k, r.k, %Q, %lld, %Q FROM (SELECT \"%w\" AS k FROM \"%w\" WHERE rowid = %lld) l, "
        "(SELECT \"%w\" AS k FROM \"%w\" WHERE rowid = %lld) r",
        table, what, (long long)c->command_id, now, ri->key_col ? ri->key_col : "rowid", table,
        (long long)(r1 < r2 ? r1 : r2), ri->key_col ? ri->key_col : "rowid", table, (long long)(r1 < r2 ? r2 : r1));
    int rc = exec_sql(c, "dedupe review", sql);
    sqlite3_free(sql);
    if (rc == 0) {
        sql = sqlite3_mprintf("DELETE FROM _persona_dedupe_decisions WHERE command_id = %lld", (long long)c->command_id);
        rc = undo_exec(c, sql);
        sqlite3_free(sql);
    }
    if (rc)
        return -1;
    int64_t row = match_row(c, ri, k1, k2);
    if (row) {
        sqlite3_stmt *st;
        sql = sqlite3_mprintf("SELECT decision FROM \"%w\" WHERE rowid = %lld", ri->matches, (long long)row);
        rc = prepare_sql(c, "dedupe review", sql, &st);
        sqlite3_free(sql);
        if (rc)
            return -1;
        char *old = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0)
                        ? xstrdup((const char *)sqlite3_column_text(st, 0)) : NULL;
        sqlite3_finalize(st);
        sql = sqlite3_mprintf("UPDATE \"%w\" SET decision = %Q WHERE rowid = %lld", ri->matches, old, (long long)row);
        rc = undo_exec(c, sql);
        sqlite3_free(sql);
        free(old);
        sql = sqlite3_mprintf("UPDATE \"%w\" SET decision = %Q WHERE rowid = %lld", ri->matches, what, (long long)row);
    } else {
        sql = sqlite3_mprintf("INSERT INTO \"%w\"(key_l, key_r, rule, decision) SELECT key_l, key_r, 'review', "
                              "decision FROM _persona_dedupe_decisions WHERE command_id = %lld",
                              ri->matches, (long long)c->command_id);
    }
    if (rc == 0)
        rc = exec_sql(c, "dedupe review", sql);
    sqlite3_free(sql);
    if (rc == 0 && !row) {
        sql = sqlite3_mprintf("DELETE FROM \"%w\" WHERE rowid = %lld", ri->matches,
                              (long long)sqlite3_last_insert_rowid(c->db));
        rc = undo_exec(c, sql);
        sqlite3_free(sql);
    }
    int64_t clusters, clustered;
    if (rc == 0)
        rc = dedupe_rebuild_clusters(c, table, &clusters, &clustered);
    if (rc)
        return -1;
    sink_record_begin(c->out, NULL);
    sink_field(c->out, "decision", cell_text(what));
    sink_field(c->out, "key_l", cell_text(k1));
    sink_field(c->out, "key_r", cell_text(k2));
    sink_field(c->out, "clusters", cell_int(clusters));
    sink_field(c->out, "records in clusters", cell_int(clustered));
    sink_record_end(c->out);
    cmd_set_summary(c, "%s: %s %s and %s; %lld clusters", table, what, k1, k2, (long long)clusters);
    return 0;
}

/* K1 K2: the two records side by side, with each compared column's level. */
static int review_pair(ctx *c, const char *table, const struct run_info *ri, const char *k1, const char *k2)
{
    int64_t r1 = record_rowid(c, table, ri, k1), r2 = r1 < 0 ? -1 : record_rowid(c, table, ri, k2);
    if (r2 < 0)
        return -1;
    int64_t row = match_row(c, ri, k1, k2);
    /* one query per column keeps the values' own types */
    sqlite3_stmt *cols;
    char *sql = sqlite3_mprintf("SELECT name FROM pragma_table_info(%Q) ORDER BY cid", table);
    int rc = prepare_sql(c, "dedupe review", sql, &cols);
    sqlite3_free(sql);
    if (rc)
        return -1;
    static const char *const heads[] = {"column", "left", "right", "level", "differs"};
    sink_table_begin(c->out, "pair", 5, heads);
    while (rc == 0 && sqlite3_step(cols) == SQLITE_ROW) {
        const char *col = (const char *)sqlite3_column_text(cols, 0);
        char level_col[256];
        snprintf(level_col, sizeof level_col, "%s_level", col);
        int has_level = 0;
        sqlite3_stmt *chk;
        sql = sqlite3_mprintf("SELECT 1 FROM pragma_table_info(%Q) WHERE name = %Q", ri->matches, level_col);
        if (sqlite3_prepare_v2(c->db, sql, -1, &chk, NULL) == SQLITE_OK) {
            has_level = sqlite3_step(chk) == SQLITE_ROW;
            sqlite3_finalize(chk);
        }
        sqlite3_free(sql);
        struct strbuf q = {0};
        strbuf_puts(&q, "SELECT (SELECT ");
        strbuf_put_ident(&q, col);
        strbuf_puts(&q, " FROM ");
        strbuf_put_ident(&q, table);
        strbuf_printf(&q, " WHERE rowid = %lld), (SELECT ", (long long)r1);
        strbuf_put_ident(&q, col);
        strbuf_puts(&q, " FROM ");
        strbuf_put_ident(&q, table);
        strbuf_printf(&q, " WHERE rowid = %lld), ", (long long)r2);
        if (has_level && row) {
            strbuf_puts(&q, "(SELECT ");
            strbuf_put_ident(&q, level_col);
            strbuf_puts(&q, " FROM ");
            strbuf_put_ident(&q, ri->matches);
            strbuf_printf(&q, " WHERE rowid = %lld)", (long long)row);
        } else {
            strbuf_puts(&q, "NULL");
        }
        sqlite3_stmt *st;
        rc = prepare_sql(c, "dedupe review", strbuf_str(&q), &st);
        strbuf_free(&q);
        if (rc)
            break;
        if (sqlite3_step(st) == SQLITE_ROW) {
            const char *l = (const char *)sqlite3_column_text(st, 0), *r = (const char *)sqlite3_column_text(st, 1);
            int differs = (l == NULL) != (r == NULL) || (l && r && strcmp(l, r) != 0);
            struct cell out[] = {cell_text(col), column_cell(st, 0), column_cell(st, 1), column_cell(st, 2),
                                 cell_bool(differs)};
            sink_table_row(c->out, out);
        }
        sqlite3_finalize(st);
    }
    sink_table_end(c->out);
    sqlite3_finalize(cols);
    if (rc)
        return -1;
    sink_record_begin(c->out, "match");
    if (row) {
        sqlite3_stmt *st;
        sql = sqlite3_mprintf("SELECT probability, weight, rule, decision FROM \"%w\" WHERE rowid = %lld",
                              ri->matches, (long long)row);
        if (prepare_sql(c, "dedupe review", sql, &st) == 0) {
            if (sqlite3_step(st) == SQLITE_ROW) {
                sink_field(c->out, "probability", column_cell(st, 0));
                sink_field(c->out, "weight", column_cell(st, 1));
                sink_field(c->out, "rule", column_cell(st, 2));
                sink_field(c->out, "decision", column_cell(st, 3));
            }
            sqlite3_finalize(st);
        }
        sqlite3_free(sql);
    } else {
        sink_field(c->out, "probability", cell_text("not a candidate pair (or below store=)"));
    }
    sink_record_end(c->out);
    cmd_set_summary(c, "%s: %s and %s side by side", table, k1, k2);
    return 0;
}

/* No keys: the undecided pairs closest to the threshold, the ones worth a look. */
static int review_list(ctx *c, const struct cmd_args *a, const char *table, const struct run_info *ri)
{
    int64_t limit;
    if (opt_count(c, a, "limit", 1, &limit))
        return -1;
    sqlite3_stmt *cols;
    char *sql = sqlite3_mprintf("SELECT name FROM pragma_table_info(%Q) WHERE name LIKE '%%\\_level' ESCAPE '\\' "
                                "ORDER BY cid", ri->matches);
    int rc = prepare_sql(c, "dedupe review", sql, &cols);
    sqlite3_free(sql);
    if (rc)
        return -1;
    /* "differs": the compared columns on which the two are not exactly equal */
    struct strbuf q = {0};
    strbuf_puts(&q, "SELECT key_l, key_r, round(probability, 4) AS probability, rule, substr(''");
    while (sqlite3_step(cols) == SQLITE_ROW) {
        const char *lc = (const char *)sqlite3_column_text(cols, 0);
        size_t n = strlen(lc) - strlen("_level");
        strbuf_puts(&q, " || coalesce(CASE WHEN ");
        strbuf_put_ident(&q, lc);
        strbuf_puts(&q, " <> 'exact' THEN ', ");
        for (size_t i = 0; i < n; i++) {
            if (lc[i] == '\'')
                strbuf_putc(&q, '\'');
            strbuf_putc(&q, lc[i]);
        }
        strbuf_puts(&q, "' END, '')");
    }
    sqlite3_finalize(cols);
    strbuf_puts(&q, ", 3) AS differs FROM ");
    strbuf_put_ident(&q, ri->matches);
    strbuf_printf(&q, " WHERE decision IS NULL AND probability IS NOT NULL "
                      "ORDER BY abs(probability - %.17g), key_l, key_r LIMIT %lld", ri->threshold, (long long)limit);
    sqlite3_stmt *st;
    rc = prepare_sql(c, "dedupe review", strbuf_str(&q), &st);
    strbuf_free(&q);
    if (rc)
        return -1;
    int64_t n = resultset_write(c, st, NULL, -1, NULL);
    sqlite3_finalize(st);
    if (n < 0)
        return -1;
    cmd_set_summary(c, "%s: %lld undecided pairs near the threshold", table, (long long)n);
    return 0;
}

static int review_exec(ctx *c, const struct cmd_args *a)
{
    if (a->argc < 2)
        return ctx_error(c, "dedupe review: missing the table; usage: dedupe review TABLE [accept|reject K1 K2 | K1 K2]");
    const char *table = a->argv[1];
    struct run_info ri;
    int rc = load_run(c, table, &ri);
    if (rc == 0) {
        if (a->argc == 2)
            rc = review_list(c, a, table, &ri);
        else if (a->argc == 4)
            rc = review_pair(c, table, &ri, a->argv[2], a->argv[3]);
        else if (a->argc == 5 && (strcmp(a->argv[2], "accept") == 0 || strcmp(a->argv[2], "reject") == 0))
            rc = review_decide(c, table, &ri, a->argv[2], a->argv[3], a->argv[4]);
        else
            rc = ctx_error(c, "dedupe review: expected 'dedupe review %s', 'dedupe review %s K1 K2' or "
                           "'dedupe review %s accept|reject K1 K2'", table, table, table);
    }
    free_run(&ri);
    return rc;
}

/* ---- merge ---- */

static int merge_exec(ctx *c, const struct cmd_args *a)
{
    if (a->argc != 2)
        return ctx_error(c, "dedupe merge: expected 'dedupe merge TABLE [keep=most-complete|most-recent:COL|first]'");
    struct merge_options o = {.table = a->argv[1]};
    if (require_relation(c, "dedupe merge", o.table, 0))
        return -1;
    const char *keep = cmd_opt(a, "keep");
    if (strcmp(keep, "most-complete") == 0)
        o.keep = MERGE_MOST_COMPLETE;
    else if (strcmp(keep, "first") == 0)
        o.keep = MERGE_FIRST;
    else if (strncmp(keep, "most-recent:", 12) == 0 && keep[12]) {
        o.keep = MERGE_MOST_RECENT;
        o.recent = keep + 12;
    } else
        return ctx_error(c, "dedupe merge: keep=%s: expected most-complete, most-recent:COL or first", keep);
    struct merge_report rep;
    if (dedupe_merge(c, &o, &rep))
        return -1;
    sink_record_begin(c->out, NULL);
    sink_field(c->out, "table", cell_text(o.table));
    sink_field(c->out, "clusters merged", cell_int(rep.clusters));
    sink_field(c->out, "records removed", cell_int(rep.removed));
    sink_field(c->out, "values filled", cell_int(rep.filled));
    sink_field(c->out, "audit", cell_text("_persona_merges"));
    for (int i = 0; i < rep.facts.ntables; i++) {
        char key[200];
        snprintf(key, sizeof key, "re-pointed: %s", rep.facts.tables[i]);
        sink_field(c->out, key, cell_int(rep.facts.rows[i]));
    }
    for (int i = 0; i < rep.facts.nstale; i++) {
        char key[200];
        snprintf(key, sizeof key, "built before the merge: %s", rep.facts.stale[i]);
        sink_field(c->out, key, cell_int(rep.facts.stale_rows[i]));
    }
    if (rep.facts.ledger_events)
        sink_field(c->out, "re-pointed: consent ledger events", cell_int(rep.facts.ledger_events));
    if (rep.facts.nstale)
        ctx_note(c, "dedupe merge: %d table%s built before the merge still name merged-away customers; build them "
                    "again (e.g. 'profile build … replace')", rep.facts.nstale, rep.facts.nstale > 1 ? "s" : "");
    sink_record_end(c->out);
    cmd_set_summary(c, "%s: %lld clusters merged, %lld records removed, %lld values filled", o.table,
                    (long long)rep.clusters, (long long)rep.removed, (long long)rep.filled);
    return 0;
}

static int dedupe_exec(ctx *c, const struct cmd_args *a)
{
    if (strcmp(a->argv[0], "review") == 0 && !table_exists(c, "review"))
        return review_exec(c, a);
    if (strcmp(a->argv[0], "merge") == 0 && !table_exists(c, "merge"))
        return merge_exec(c, a);
    return run_exec(c, a);
}

const struct cmd_entry cmd_dedupe_entry = {
    .name = "dedupe",
    .usage = "dedupe TABLE [key=COL] [on=COLS] [block=RULES] [threshold=P] [store=P] [max_block=N] [max_pairs=N] "
             "[sample=N] | dedupe review TABLE [accept|reject K1 K2 | K1 K2] [limit=N] | "
             "dedupe merge TABLE [keep=most-complete|most-recent:COL|first]",
    .summary = "find records of the same customer (unsupervised Fellegi–Sunter): TABLE_matches and TABLE_clusters; "
               "review pairs; merge each cluster into one record",
    .example = "dedupe customers key=customer_id threshold=0.9",
    .min_args = 1,
    .max_args = 5,
    .options = dedupe_options,
    .flags = CMD_CHANGES,
    .exec = dedupe_exec,
};
