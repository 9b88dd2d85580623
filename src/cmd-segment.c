/* cmd-segment.c — segment define|combine|snapshot|from-cluster|list|show|overlap|drop.
 *
 * `segment` takes the rest of its line as written (conditions are SQL, with quotes and
 * '=' of their own), and splits it here: the words with tokenize(), a condition or a
 * combination as the raw text after its keyword. */
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "resultset.h"
#include "segment.h"
#include "sink.h"
#include "strbuf.h"
#include "tokenize.h"
#include "workspace.h"

static const char usage[] =
    "segment define NAME where CONDITION [from TABLE] | segment combine NAME = A and (B or not C) | "
    "segment snapshot NAME [as NEW] | segment from-cluster MODEL | segment list | segment show NAME [sample=N] | "
    "segment overlap A B | segment drop NAME";

static double round_to(double v, double unit) { return round(v / unit) * unit; }

/* Members and the share of the source's rows they are, as record fields. */
static int size_fields(ctx *c, const char *cmd, const struct segment *s, int64_t *members)
{
    *members = segment_count(c, cmd, s->definition);
    if (*members < 0)
        return -1;
    char *sql = sqlite3_mprintf("SELECT count(*) FROM \"%w\"", s->source);
    sqlite3_stmt *st;
    int64_t total = 0;
    if (sqlite3_prepare_v2(c->db, sql, -1, &st, NULL) == SQLITE_OK) {
        if (sqlite3_step(st) == SQLITE_ROW)
            total = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
    }
    sqlite3_free(sql);
    sink_field(c->out, "members", cell_int(*members));
    sink_field(c->out, "of", cell_int(total));
    sink_field(c->out, "share %", total ? cell_real(round_to(100.0 * (double)*members / (double)total, 0.1))
                                        : cell_null());
    return 0;
}

/* The record a new segment is shown by, and the command's summary. */
static int report_new(ctx *c, const char *cmd, const char *name)
{
    struct segment s;
    if (segment_get(c, cmd, name, &s))
        return -1;
    sink_record_begin(c->out, NULL);
    sink_field(c->out, "segment", cell_text(s.name));
    sink_field(c->out, "kind", cell_text(s.kind));
    sink_field(c->out, "table", cell_text(s.source));
    int64_t members;
    int rc = size_fields(c, cmd, &s, &members);
    sink_field(c->out, strcmp(s.kind, "static") == 0 ? "of segment" : "condition", cell_text(s.label));
    sink_record_end(c->out);
    if (rc == 0)
        cmd_set_summary(c, "%s: %lld members of %s", s.name, (long long)members, s.source);
    segment_free(&s);
    return rc;
}

/* ---- define ---- */

static int word_is(const struct words *ws, int i, const char *text)
{
    return i < ws->n && !ws->w[i].quoted && sqlite3_stricmp(ws->w[i].text, text) == 0;
}

/* A copy of text[from, to) without the blanks around it. */
static char *trimmed(const char *text, size_t from, size_t to)
{
    while (from < to && (text[from] == ' ' || text[from] == '\t'))
        from++;
    while (to > from && (text[to - 1] == ' ' || text[to - 1] == '\t'))
        to--;
    char *s = xmalloc(to - from + 1);
    memcpy(s, text + from, to - from);
    s[to - from] = '\0';
    return s;
}

/* define NAME where CONDITION [from TABLE], or define NAME from TABLE where CONDITION. */
static int define_exec(ctx *c, const char *raw, const struct words *ws)
{
    const char *table = "profiles";
    size_t from = 0, to = strlen(raw);
    if (word_is(ws, 2, "from") && ws->n > 3 && word_is(ws, 4, "where")) {
        table = ws->w[3].text;
        from = ws->w[4].offset + strlen("where");
    } else if (word_is(ws, 2, "where")) {
        from = ws->w[2].offset + strlen("where");
        /* a trailing "from TABLE": SQL has no "from" outside parentheses in a condition */
        int n = ws->n;
        if (n >= 5 && word_is(ws, n - 2, "from") && (ws->w[n - 1].quoted || !strpbrk(ws->w[n - 1].text, "()"))) {
            table = ws->w[n - 1].text;
            to = ws->w[n - 2].offset;
        }
    } else {
        return ctx_error(c, "segment define: expected 'segment define NAME where CONDITION [from TABLE]'");
    }
    char *condition = trimmed(raw, from, to);
    int rc = segment_define(c, ws->w[1].text, table, condition);
    free(condition);
    return rc ? -1 : report_new(c, "segment define", ws->w[1].text);
}

/* combine NAME = EXPR (the '=' may touch the name). */
static int combine_exec(ctx *c, const char *raw, const struct words *ws)
{
    const char *p = raw + ws->w[1].offset;
    size_t len = strcspn(p, " \t=");
    const char *eq = p + len + strspn(p + len, " \t");
    if (ws->w[1].quoted || *eq != '=' || len == 0)
        return ctx_error(c, "segment combine: expected 'segment combine NAME = A and (B or not C)'");
    char *name = trimmed(p, 0, len);
    char *expr = trimmed(eq + 1, 0, strlen(eq + 1));
    int rc = segment_combine(c, name, expr);
    if (rc == 0)
        rc = report_new(c, "segment combine", name);
    free(name);
    free(expr);
    return rc;
}

/* ---- snapshot, drop, from-cluster ---- */

static int snapshot_exec(ctx *c, const struct words *ws)
{
    if (!(ws->n == 2 || (ws->n == 4 && word_is(ws, 2, "as"))))
        return ctx_error(c, "segment snapshot: expected 'segment snapshot NAME [as NEW]'");
    char *made;
    if (segment_snapshot(c, ws->w[1].text, ws->n == 4 ? ws->w[3].text : NULL, &made))
        return -1;
    int rc = report_new(c, "segment snapshot", made);
    free(made);
    return rc;
}

static int drop_exec(ctx *c, const struct words *ws)
{
    struct segment s;
    if (segment_get(c, "segment drop", ws->w[1].text, &s))
        return -1;
    int rc = segment_drop(c, s.name);
    if (rc == 0) {
        sink_record_begin(c->out, NULL);
        sink_field(c->out, "dropped", cell_text(s.name));
        sink_field(c->out, "kind", cell_text(s.kind));
        sink_field(c->out, "table", cell_text(s.source));
        sink_record_end(c->out);
        cmd_set_summary(c, "dropped segment %s (%s)", s.name, s.kind);
    }
    segment_free(&s);
    return rc;
}

/* The segments selected by `where` (?1 = arg) with their sizes now, as one table. */
static int segment_table(ctx *c, const char *cmd, const char *where, const char *arg, int64_t *count)
{
    char *sql = sqlite3_mprintf("SELECT name, kind, source_table, created_at, label, definition, model_id FROM "
                                "_persona_segments WHERE %s ORDER BY name", where);
    sqlite3_stmt *st;
    int rc = prepare_sql(c, cmd, sql, &st);
    sqlite3_free(sql);
    if (rc)
        return -1;
    if (arg)
        sqlite3_bind_text(st, 1, arg, -1, SQLITE_STATIC);
    static const char *const cols[] = {"name", "kind", "members", "table", "created", "condition", "definition"};
    sink_table_begin(c->out, NULL, 7, cols);
    *count = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        int64_t n = segment_count(c, cmd, (const char *)sqlite3_column_text(st, 5));
        if (n < 0)  /* its table was dropped: list it all the same */
            ctx_note(c, "%s: %s", cmd, c->err);
        struct cell row[] = {column_cell(st, 0), column_cell(st, 1), n < 0 ? cell_null() : cell_int(n),
                             column_cell(st, 2), column_cell(st, 3), column_cell(st, 4), column_cell(st, 5)};
        sink_table_row(c->out, row);
        ++*count;
    }
    sink_table_end(c->out);
    sqlite3_finalize(st);
    c->err[0] = '\0';
    return 0;
}

static int from_cluster_exec(ctx *c, const struct words *ws)
{
    const char *model = ws->w[1].text;
    if (segment_from_cluster(c, model))
        return -1;
    int64_t n;
    if (segment_table(c, "segment from-cluster", "model_id IN (SELECT id FROM _persona_models WHERE name = ?1)",
                      model, &n))
        return -1;
    cmd_set_summary(c, "%lld segments from clustering %s", (long long)n, model);
    return 0;
}

/* ---- list, show, overlap ---- */

static int list_exec(ctx *c)
{
    int64_t n;
    if (segment_table(c, "segment list", "1", NULL, &n))
        return -1;
    cmd_set_summary(c, "%lld segments", (long long)n);
    return 0;
}

/* The table's columns that hold numbers (nearly every value an integer or a real),
 * but not its key: mean over the members and over all rows, side by side. */
static int metrics_block(ctx *c, const struct segment *s, const char *key)
{
    char *sql = sqlite3_mprintf("SELECT name FROM pragma_table_info(%Q) WHERE name <> %Q ORDER BY cid", s->source, key);
    sqlite3_stmt *st;
    int rc = prepare_sql(c, "segment show", sql, &st);
    sqlite3_free(sql);
    if (rc)
        return -1;
    char **cols = NULL;
    int n = 0;
    struct strbuf q = {0};
    strbuf_puts(&q, "SELECT ");
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *col = (const char *)sqlite3_column_text(st, 0);
        cols = xrealloc(cols, (size_t)(n + 1) * sizeof *cols);
        cols[n++] = xstrdup(col);
        char *part = sqlite3_mprintf("%savg(CASE WHEN typeof(\"%w\") IN ('integer', 'real') THEN \"%w\" END), "
                                     "count(CASE WHEN typeof(\"%w\") IN ('integer', 'real') THEN 1 END), count(\"%w\")",
                                     n > 1 ? ", " : "", col, col, col, col);
        strbuf_puts(&q, part);
        sqlite3_free(part);
    }
    sqlite3_finalize(st);
    strbuf_puts(&q, " FROM ");
    strbuf_put_ident(&q, s->source);
    size_t all_len = q.len;
    strbuf_puts(&q, " WHERE ");
    segment_filter_sql(c, s, key, &q);
    sqlite3_stmt *all = NULL, *members = NULL;
    rc = n == 0 ? 0 : prepare_sql(c, "segment show", strbuf_str(&q), &members);
    if (rc == 0 && n) {
        q.buf[all_len] = '\0';
        rc = prepare_sql(c, "segment show", q.buf, &all);
    }
    if (rc == 0 && n && (sqlite3_step(all) != SQLITE_ROW || sqlite3_step(members) != SQLITE_ROW))
        rc = ctx_sqlite_error(c, "segment show");
    static const char *const heads[] = {"metric", "members", "all", "index"};
    sink_table_begin(c->out, "metrics", 4, heads);
    for (int j = 0; rc == 0 && j < n; j++) {
        int64_t numeric = sqlite3_column_int64(all, 3 * j + 1), non_null = sqlite3_column_int64(all, 3 * j + 2);
        if (numeric == 0 || numeric < non_null * 9 / 10)
            continue;
        double m = sqlite3_column_double(members, 3 * j), a = sqlite3_column_double(all, 3 * j);
        int has_m = sqlite3_column_type(members, 3 * j) != SQLITE_NULL;
        struct cell row[] = {cell_text(cols[j]), has_m ? cell_real(round_to(m, 0.01)) : cell_null(),
                             cell_real(round_to(a, 0.01)),
                             has_m && a != 0 ? cell_int((int64_t)llround(100.0 * m / a)) : cell_null()};
        sink_table_row(c->out, row);
    }
    sink_table_end(c->out);
    sqlite3_finalize(all);
    sqlite3_finalize(members);
    strbuf_free(&q);
    free_names(cols, n);
    return rc;
}

static int show_exec(ctx *c, const struct words *ws)
{
    int64_t sample = 10;
    if (ws->n == 3 && ws->w[2].key && strcmp(ws->w[2].key, "sample") == 0) {
        char *end;
        sample = strtoll(ws->w[2].value, &end, 10);
        if (end == ws->w[2].value || *end || sample < 0)
            return ctx_error(c, "segment show: sample=%s: expected a number of rows", ws->w[2].value);
    } else if (ws->n != 2) {
        return ctx_error(c, "segment show: expected 'segment show NAME [sample=N]'");
    }
    struct segment s;
    if (segment_get(c, "segment show", ws->w[1].text, &s))
        return -1;
    char *key = segment_table_key(c, "segment show", s.source);
    int rc = key ? 0 : -1;
    int64_t members = 0;
    if (rc == 0) {
        sink_record_begin(c->out, "segment");
        sink_field(c->out, "segment", cell_text(s.name));
        sink_field(c->out, "kind", cell_text(s.kind));
        sink_field(c->out, "table", cell_text(s.source));
        sink_field(c->out, "key", cell_text(key));
        sink_field(c->out, "created", cell_text(s.created_at));
        sink_field(c->out, strcmp(s.kind, "cluster") == 0 ? "label" : strcmp(s.kind, "static") == 0 ? "of segment"
                                                                                                    : "condition",
                   cell_text(s.label));
        sink_field(c->out, "definition", cell_text(s.definition));
        rc = size_fields(c, "segment show", &s, &members);
        sink_record_end(c->out);
    }
    if (rc == 0) {
        struct strbuf q = {0};
        strbuf_puts(&q, "SELECT * FROM ");
        strbuf_put_ident(&q, s.source);
        strbuf_puts(&q, " WHERE ");
        segment_filter_sql(c, &s, key, &q);
        strbuf_puts(&q, " ORDER BY ");
        strbuf_put_ident(&q, key);
        sqlite3_stmt *st;
        rc = prepare_sql(c, "segment show", strbuf_str(&q), &st);
        strbuf_free(&q);
        if (rc == 0) {
            rc = resultset_write(c, st, "sample", sample, NULL) < 0 ? -1 : 0;
            sqlite3_finalize(st);
        }
    }
    if (rc == 0)
        rc = metrics_block(c, &s, key);
    if (rc == 0)
        cmd_set_summary(c, "%s: %lld members", s.name, (long long)members);
    free(key);
    segment_free(&s);
    return rc;
}

static int overlap_exec(ctx *c, const struct words *ws)
{
    if (ws->n != 3)
        return ctx_error(c, "segment overlap: expected 'segment overlap A B'");
    struct segment a, b;
    if (segment_get(c, "segment overlap", ws->w[1].text, &a))
        return -1;
    if (segment_get(c, "segment overlap", ws->w[2].text, &b)) {
        segment_free(&a);
        return -1;
    }
    char *sql = sqlite3_mprintf("WITH a(k) AS (%s), b(k) AS (%s) SELECT (SELECT count(DISTINCT k) FROM a), "
                                "(SELECT count(DISTINCT k) FROM b), (SELECT count(*) FROM (SELECT k FROM a INTERSECT "
                                "SELECT k FROM b))", a.definition, b.definition);
    sqlite3_stmt *st;
    int rc = prepare_sql(c, "segment overlap", sql, &st);
    sqlite3_free(sql);
    if (rc == 0 && sqlite3_step(st) != SQLITE_ROW)
        rc = ctx_sqlite_error(c, "segment overlap");
    if (rc == 0) {
        int64_t na = sqlite3_column_int64(st, 0), nb = sqlite3_column_int64(st, 1), both = sqlite3_column_int64(st, 2);
        int64_t either = na + nb - both;
        double jaccard = either ? (double)both / (double)either : 0;
        sink_record_begin(c->out, NULL);
        sink_field(c->out, "a", cell_text(a.name));
        sink_field(c->out, "b", cell_text(b.name));
        sink_field(c->out, "a members", cell_int(na));
        sink_field(c->out, "b members", cell_int(nb));
        sink_field(c->out, "both", cell_int(both));
        sink_field(c->out, "only a", cell_int(na - both));
        sink_field(c->out, "only b", cell_int(nb - both));
        sink_field(c->out, "either", cell_int(either));
        sink_field(c->out, "jaccard", either ? cell_real(round_to(jaccard, 0.0001)) : cell_null());
        sink_record_end(c->out);
        cmd_set_summary(c, "%s and %s: %lld in both, Jaccard %.4f", a.name, b.name, (long long)both, jaccard);
    }
    sqlite3_finalize(st);
    segment_free(&a);
    segment_free(&b);
    return rc;
}

/* ---- the command ---- */

/* Cuts a '#' comment off the raw text and refuses a ';': the line is the command's. */
static int raw_text(ctx *c, const char *raw, struct strbuf *out)
{
    char quote = 0;
    for (const char *p = raw; *p; p++) {
        if (quote) {
            if (*p == quote)
                quote = 0;
        } else if (*p == '\'' || *p == '"' || *p == '`') {
            quote = *p;
        } else if (*p == '#') {
            break;
        } else if (*p == ';') {
            return ctx_error(c, "segment: ';' at column %zu: segment takes the whole line (conditions are SQL), so "
                                "put the next command on a line of its own", (size_t)(p - raw) + 1);
        }
        strbuf_putc(out, *p);
    }
    while (out->len && (out->buf[out->len - 1] == ' ' || out->buf[out->len - 1] == '\t'))
        out->buf[--out->len] = '\0';
    strbuf_putc(out, '\0');
    out->len--;
    return 0;
}

static int segment_exec(ctx *c, const struct cmd_args *a)
{
    struct strbuf text = {0};
    struct words ws = {0};
    int rc = raw_text(c, a->raw, &text);
    if (rc == 0 && tokenize(strbuf_str(&text), &ws, c->err, sizeof c->err))
        rc = ctx_error_prefix(c, "segment");
    static const struct { const char *name; int min, max; } subs[] = {
        {"define", 4, -1}, {"combine", 2, -1}, {"snapshot", 2, 4}, {"from-cluster", 2, 2},
        {"list", 1, 1}, {"show", 2, 3}, {"overlap", 3, 3}, {"drop", 2, 2},
    };
    int sub = -1;
    for (int i = 0; rc == 0 && ws.n && i < (int)(sizeof subs / sizeof subs[0]); i++)
        if (strcmp(ws.w[0].text, subs[i].name) == 0)
            sub = i;
    if (rc == 0 && sub < 0)
        rc = ctx_error(c, "segment: expected one of define, combine, snapshot, from-cluster, list, show, overlap, "
                          "drop; usage: %s", usage);
    else if (rc == 0 && (ws.n < subs[sub].min || (subs[sub].max >= 0 && ws.n > subs[sub].max)))
        rc = ctx_error(c, "segment %s: %s arguments; usage: %s", subs[sub].name,
                       ws.n < subs[sub].min ? "missing" : "too many", usage);
    if (rc == 0) {
        const char *t = strbuf_str(&text);
        switch (sub) {
        case 0: rc = define_exec(c, t, &ws); break;
        case 1: rc = combine_exec(c, t, &ws); break;
        case 2: rc = snapshot_exec(c, &ws); break;
        case 3: rc = from_cluster_exec(c, &ws); break;
        case 4: rc = list_exec(c); break;
        case 5: rc = show_exec(c, &ws); break;
        case 6: rc = overlap_exec(c, &ws); break;
        default: rc = drop_exec(c, &ws); break;
        }
    }
    words_free(&ws);
    strbuf_free(&text);
    return rc;
}

const struct cmd_entry cmd_segment_entry = {
    .name = "segment",
    .usage = usage,
    .summary = "named groups of customers: rule-based (with event helpers: did EVENT within N days, count of "
               "EVENT >= N), combined, frozen snapshots, clusters; their size, overlap and profile",
    .example = "segment define electronics_viewers where did product_view where category = 'Electronics' within 7 days",
    .min_args = 0,
    .max_args = -1,
    .flags = CMD_CHANGES | CMD_RAW,
    .exec = segment_exec,
};
