/* cmd-impute.c — `impute TABLE COL… method=…`: fill NULLs, mark them in COL_imputed
 * (1 filled, 0 not), log every filled cell for undo, and say how many with what.
 *
 * Statistics follow NumPy/SciPy/scikit-learn (cleanstats.h).  A value that is not a
 * number in a column imputed by mean, median or knn is neither used nor changed: it
 * is reported.  With by=GROUP each group (NULL is a group of its own, as in SQL's
 * GROUP BY) is imputed from its own rows, and k-NN looks for neighbours only in the
 * row's group; a group with nothing to impute from keeps its NULLs, reported.  In an
 * INTEGER column a mean or median that is not whole is stored as it is (REAL):
 * rounding would be a second, silent change. */
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleaning.h"
#include "infer.h"
#include "cleanstats.h"
#include "cmd.h"
#include "sink.h"
#include "strbuf.h"
#include "workspace.h"

enum { SAMPLE_ISSUES = 10 };

enum method { M_MEAN, M_MEDIAN, M_MODE, M_CONSTANT, M_KNN };

struct impute_opts {
    enum method method;
    const char *method_text;
    const char *constant;
    const char *by;
    int64_t k;
    char **features;
    int nfeatures;
};

/* One row of the summary: a column, or a group of it. */
struct group_result {
    char *column;
    sqlite3_value *group;   /* by=: the group's value */
    int64_t rows, missing, filled;
    char value[64];         /* what was filled in, as text; "" none */
};

struct results {
    struct group_result *g;
    size_t n, cap;
    int64_t filled, left, not_numbers, knn_fallback;
};

/* The rows of one column, with group and features. */
struct rows {
    size_t n;
    int64_t *rowid;
    sqlite3_value **key, **value, **group;
    double *y;      /* the target as a number; NAN when missing or not a number */
    double *X;      /* n × nfeatures; NAN when missing */
};

static void rows_free(struct rows *r)
{
    for (size_t i = 0; i < r->n; i++) {
        sqlite3_value_free(r->key[i]);
        sqlite3_value_free(r->value[i]);
        if (r->group)
            sqlite3_value_free(r->group[i]);
    }
    free(r->rowid);
    free(r->key);
    free(r->value);
    free(r->group);
    free(r->y);
    free(r->X);
}

static int load_rows(ctx *c, const struct clean_table *t, const char *col, const struct impute_opts *o,
                     struct rows *r)
{
    int by = o->by != NULL, ncols = 1 + by + o->nfeatures;
    const char **cols = xcalloc((size_t)ncols, sizeof *cols);
    cols[0] = col;
    if (by)
        cols[1] = o->by;
    for (int f = 0; f < o->nfeatures; f++)
        cols[1 + by + f] = o->features[f];
    struct row_scan *s = row_scan_open(c, "impute", t, ncols, cols);
    free(cols);
    memset(r, 0, sizeof *r);
    if (!s)
        return -1;
    size_t cap = 0, d = (size_t)o->nfeatures;
    int n;
    while ((n = row_scan_next(s)) > 0) {
        for (int i = 0; i < n; i++) {
            if (r->n == cap) {
                cap = cap ? cap * 2 : 4096;
                r->rowid = xrealloc(r->rowid, cap * sizeof *r->rowid);
                r->key = xrealloc(r->key, cap * sizeof *r->key);
                r->value = xrealloc(r->value, cap * sizeof *r->value);
                r->group = by ? xrealloc(r->group, cap * sizeof *r->group) : NULL;
                r->y = xrealloc(r->y, cap * sizeof *r->y);
                r->X = d ? xrealloc(r->X, cap * d * sizeof *r->X) : NULL;
            }
            size_t at = r->n++;
            r->rowid[at] = row_scan_rowid(s, i);
            r->key[at] = sqlite3_value_dup(row_scan_key(s, i));
            r->value[at] = sqlite3_value_dup(row_scan_value(s, i, 0));
            if (by)
                r->group[at] = sqlite3_value_dup(row_scan_value(s, i, 1));
            if (!value_number(r->value[at], &r->y[at]))
                r->y[at] = NAN;
            for (size_t f = 0; f < d; f++) {
                double x;
                r->X[at * d + f] = value_number(row_scan_value(s, i, 1 + by + (int)f), &x) ? x : NAN;
            }
        }
    }
    row_scan_close(s);
    /* on one scale: otherwise a feature in thousands decides every distance */
    standardize_columns(r->X, r->n, d);
    return n < 0 ? -1 : 0;
}

static int is_null(sqlite3_value *v) { return sqlite3_value_type(v) == SQLITE_NULL; }

/* Row indexes in group order (stable, so rows keep their order within a group). */
struct grouped {
    sqlite3_value *g;
    size_t i;
};

static int grouped_cmp(const void *a, const void *b)
{
    const struct grouped *x = a, *y = b;
    int cmp = value_cmp(x->g, y->g);
    return cmp ? cmp : (x->i > y->i) - (x->i < y->i);
}

static int value_ptr_cmp(const void *a, const void *b)
{
    return value_cmp(*(sqlite3_value *const *)a, *(sqlite3_value *const *)b);
}

/* The mode of the group's non-NULL values, any type; the smallest on ties. */
static sqlite3_value *mode_value(const struct rows *r, const size_t *idx, size_t m)
{
    sqlite3_value **vals = xmalloc((m ? m : 1) * sizeof *vals);
    size_t nv = 0;
    for (size_t i = 0; i < m; i++)
        if (!is_null(r->value[idx[i]]))
            vals[nv++] = r->value[idx[i]];
    qsort(vals, nv, sizeof *vals, value_ptr_cmp);
    sqlite3_value *best = NULL;
    size_t best_run = 0;
    for (size_t i = 0; i < nv;) {
        size_t j = i + 1;
        while (j < nv && value_cmp(vals[i], vals[j]) == 0)
            j++;
        if (j - i > best_run) {
            best_run = j - i;
            best = vals[i];
        }
        i = j;
    }
    free(vals);
    return best;
}

/* The value a group's NULLs get (mean, median, mode, constant); 0 when there is
 * nothing to impute from.  Text cells borrow from the rows or the options. */
static int group_fill(const struct rows *r, const size_t *idx, size_t m, const struct impute_opts *o,
                      struct cell *fill, char *text, size_t textlen)
{
    if (o->method == M_CONSTANT) {
        *fill = cell_text(o->constant);
        snprintf(text, textlen, "%s", o->constant);
        return 1;
    }
    if (o->method == M_MODE) {
        sqlite3_value *v = mode_value(r, idx, m);
        if (!v)
            return 0;
        *fill = value_cell(v);
        snprintf(text, textlen, "%s", (const char *)sqlite3_value_text(v));
        return 1;
    }
    double *x = xmalloc((m ? m : 1) * sizeof *x);
    size_t nx = 0;
    for (size_t i = 0; i < m; i++)
        if (!isnan(r->y[idx[i]]))
            x[nx++] = r->y[idx[i]];
    if (nx) {
        double v = o->method == M_MEAN ? mean_of(x, nx) : median_of(x, nx);
        *fill = cell_real(v);
        snprintf(text, textlen, "%.15g", v);
    }
    free(x);
    return nx > 0;
}

/* Sets COL_imputed to 1 for a filled row: a column the command added is written
 * directly (undo drops it); one that was there before is logged like any cell. */
struct flag {
    char name[512];
    int added;
    sqlite3_stmt *set, *get;
};

static int flag_row(ctx *c, struct audit *au, struct flag *f, const struct rows *r, size_t i)
{
    sqlite3_stmt *st = f->added ? f->set : f->get;
    sqlite3_bind_int64(st, 1, r->rowid[i]);
    int step = sqlite3_step(st);
    sqlite3_value *old = step == SQLITE_ROW ? sqlite3_value_dup(sqlite3_column_value(st, 0)) : NULL;
    sqlite3_reset(st);
    int rc = step == SQLITE_DONE || step == SQLITE_ROW ? 0 : ctx_sqlite_error(c, "impute");
    if (rc == 0 && old)
        rc = audit_change(au, r->rowid[i], r->key[i], f->name, old, cell_int(1));
    sqlite3_value_free(old);
    return rc;
}

static int flag_open(ctx *c, const struct clean_table *t, const char *col, struct flag *f)
{
    memset(f, 0, sizeof *f);
    snprintf(f->name, sizeof f->name, "%s_imputed", col);
    if (clean_add_flag_column(c, t, f->name, &f->added))
        return -1;
    char *zero = sqlite3_mprintf("UPDATE \"%w\" SET \"%w\" = 0", t->name, f->name);
    char *set = sqlite3_mprintf("UPDATE \"%w\" SET \"%w\" = 1 WHERE %s = ?", t->name, f->name, t->rowid);
    char *get = sqlite3_mprintf("SELECT \"%w\" FROM \"%w\" WHERE %s = ?", f->name, t->name, t->rowid);
    int rc = (f->added && exec_sql(c, "impute", zero)) || prepare_sql(c, "impute", set, &f->set) ||
             prepare_sql(c, "impute", get, &f->get);
    sqlite3_free(zero);
    sqlite3_free(set);
    sqlite3_free(get);
    return rc ? -1 : 0;
}

static void flag_close(struct flag *f)
{
    sqlite3_finalize(f->set);
    sqlite3_finalize(f->get);
}

static struct group_result *add_result(struct results *res, const char *col, sqlite3_value *group)
{
    if (res->n == res->cap) {
        res->cap = res->cap ? res->cap * 2 : 16;
        res->g = xrealloc(res->g, res->cap * sizeof *res->g);
    }
    struct group_result *g = &res->g[res->n++];
    memset(g, 0, sizeof *g);
    g->column = xstrdup(col);
    g->group = group ? sqlite3_value_dup(group) : NULL;
    return g;
}

/* Fills one group's NULLs; idx are its rows. */
static int impute_group(ctx *c, struct audit *au, const char *col, const struct impute_opts *o,
                        const struct rows *r, const size_t *idx, size_t m, struct flag *flag, struct results *res)
{
    struct group_result *g = add_result(res, col, r->group ? r->group[idx[0]] : NULL);
    g->rows = (int64_t)m;
    for (size_t i = 0; i < m; i++)
        g->missing += is_null(r->value[idx[i]]);
    if (!g->missing)
        return 0;
    int rc = 0;
    if (o->method == M_KNN) {
        /* the group as a matrix of its own, so neighbours stay in the group */
        size_t d = (size_t)o->nfeatures;
        double *X = xmalloc(m * d * sizeof *X), *y = xmalloc(m * sizeof *y);
        for (size_t i = 0; i < m; i++) {
            memcpy(X + i * d, r->X + idx[i] * d, d * sizeof *X);
            y[i] = r->y[idx[i]];
        }
        for (size_t i = 0; i < m && rc == 0; i++) {
            if (!is_null(r->value[idx[i]]))
                continue;
            double v;
            size_t used;
            int fallback;
            knn_impute_one(X, m, d, y, i, (size_t)o->k, &v, &used, &fallback);
            if (!used)
                continue;
            res->knn_fallback += fallback;
            rc = audit_change(au, r->rowid[idx[i]], r->key[idx[i]], col, r->value[idx[i]], cell_real(v));
            if (rc == 0)
                rc = flag_row(c, au, flag, r, idx[i]);
            g->filled++;
        }
        free(X);
        free(y);
        if (g->filled)
            snprintf(g->value, sizeof g->value, "mean of the %lld nearest", (long long)o->k);
    } else {
        struct cell fill;
        if (group_fill(r, idx, m, o, &fill, g->value, sizeof g->value)) {
            for (size_t i = 0; i < m && rc == 0; i++) {
                if (!is_null(r->value[idx[i]]))
                    continue;
                rc = audit_change(au, r->rowid[idx[i]], r->key[idx[i]], col, r->value[idx[i]], fill);
                if (rc == 0)
                    rc = flag_row(c, au, flag, r, idx[i]);
                g->filled++;
            }
        }
    }
    if (rc == 0 && g->filled < g->missing) {
        char why[300];
        if (r->group)
            snprintf(why, sizeof why, "no values in the group %s = %s to impute from", o->by,
                     is_null(g->group) ? "NULL" : (const char *)sqlite3_value_text(g->group));
        else
            snprintf(why, sizeof why, "no values to impute from");
        for (size_t i = 0; i < m && rc == 0; i++)
            if (is_null(r->value[idx[i]]))
                rc = audit_issue(au, r->rowid[idx[i]], r->key[idx[i]], col, o->method_text, NULL, why);
    }
    res->filled += g->filled;
    res->left += g->missing - g->filled;
    return rc;
}

static int impute_column(ctx *c, struct audit *au, const struct clean_table *t, const char *col,
                         const struct impute_opts *o, struct results *res)
{
    struct rows r;
    struct flag flag = {0};
    int rc = load_rows(c, t, col, o, &r);
    int numeric = o->method == M_MEAN || o->method == M_MEDIAN || o->method == M_KNN;
    for (size_t i = 0; i < r.n && numeric && rc == 0; i++)
        if (isnan(r.y[i]) && !is_null(r.value[i])) {
            res->not_numbers++;
            rc = audit_issue(au, r.rowid[i], r.key[i], col, o->method_text, r.value[i],
                             "not a number: neither used nor changed");
        }
    if (rc == 0)
        rc = flag_open(c, t, col, &flag);
    struct grouped *gr = xmalloc((r.n ? r.n : 1) * sizeof *gr);
    size_t *idx = xmalloc((r.n ? r.n : 1) * sizeof *idx);
    for (size_t i = 0; i < r.n; i++)
        gr[i] = (struct grouped){r.group ? r.group[i] : NULL, i};
    if (r.group)
        qsort(gr, r.n, sizeof *gr, grouped_cmp);
    for (size_t i = 0; i < r.n; i++)
        idx[i] = gr[i].i;
    for (size_t start = 0; start < r.n && rc == 0;) {
        size_t end = start + 1;
        while (end < r.n && (!r.group || value_cmp(gr[start].g, gr[end].g) == 0))
            end++;
        rc = impute_group(c, au, col, o, &r, idx + start, end - start, &flag, res);
        start = end;
    }
    free(gr);
    free(idx);
    flag_close(&flag);
    rows_free(&r);
    return rc;
}

/* ---- options ---- */

static int is_flag_column(const char *name)
{
    size_t n = strlen(name);
    return (n > 8 && strcmp(name + n - 8, "_imputed") == 0) || (n > 8 && strcmp(name + n - 8, "_outlier") == 0);
}

/* on=COLS, or every other numeric column: not the key, the group, flags, or
 * columns named as identifiers (an id's distance means nothing). */
static int knn_features(ctx *c, const struct cmd_args *a, const struct clean_table *t, struct impute_opts *o)
{
    const char *on = cmd_opt(a, "on");
    if (on) {
        for (const char *p = on; *p;) {
            const char *comma = strchr(p, ',');
            size_t len = comma ? (size_t)(comma - p) : strlen(p);
            o->features = xrealloc(o->features, (size_t)(o->nfeatures + 1) * sizeof *o->features);
            o->features[o->nfeatures++] = strndup(p, len);
            if (clean_column(c, "impute", t, o->features[o->nfeatures - 1], NULL))
                return -1;
            p += len + (comma != NULL);
        }
        return 0;
    }
    sqlite3_stmt *st;
    char *sql = sqlite3_mprintf("SELECT name, type FROM pragma_table_info(%Q) ORDER BY cid", t->name);
    int rc = prepare_sql(c, "impute", sql, &st);
    sqlite3_free(sql);
    if (rc)
        return -1;
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(st, 0);
        const char *type = (const char *)sqlite3_column_text(st, 1);
        int target = 0;
        for (int i = 1; i < a->argc; i++)
            target |= sqlite3_stricmp(a->argv[i], name) == 0;
        if (target || is_flag_column(name) || (t->key && sqlite3_stricmp(t->key, name) == 0) ||
            key_column_name(name) || identifier_column_name(name) ||
            (o->by && sqlite3_stricmp(o->by, name) == 0) ||
            !(sqlite3_stricmp(type, "INTEGER") == 0 || sqlite3_stricmp(type, "REAL") == 0))
            continue;
        o->features = xrealloc(o->features, (size_t)(o->nfeatures + 1) * sizeof *o->features);
        o->features[o->nfeatures++] = xstrdup(name);
    }
    sqlite3_finalize(st);
    if (o->nfeatures == 0)
        return ctx_error(c, "impute: method=knn needs numeric columns to find neighbours by; %s has none besides "
                            "the imputed ones: give on=COL,COL", t->name);
    return 0;
}

static int parse_options(ctx *c, const struct cmd_args *a, const struct clean_table *t, struct impute_opts *o)
{
    const char *m = cmd_opt(a, "method");
    o->method_text = m;
    if (!m)
        return ctx_error(c, "impute: which method? method=mean, median, mode, constant:VALUE or knn");
    if (strcmp(m, "mean") == 0)
        o->method = M_MEAN;
    else if (strcmp(m, "median") == 0)
        o->method = M_MEDIAN;
    else if (strcmp(m, "mode") == 0)
        o->method = M_MODE;
    else if (strcmp(m, "knn") == 0)
        o->method = M_KNN;
    else if (strncmp(m, "constant:", 9) == 0) {
        o->method = M_CONSTANT;
        o->constant = m + 9;
    } else
        return ctx_error(c, "impute: method=%s: expected mean, median, mode, constant:VALUE or knn", m);
    if (cmd_opt_int(c, a, "k", &o->k))
        return -1;
    if (o->k < 1)
        return ctx_error(c, "impute: option k=%lld: expected at least 1 neighbour", (long long)o->k);
    if (cmd_opt_given(a, "k") && o->method != M_KNN)
        return ctx_error(c, "impute: k= is for method=knn");
    if (cmd_opt_given(a, "on") && o->method != M_KNN)
        return ctx_error(c, "impute: on= is for method=knn");
    o->by = cmd_opt(a, "by");
    if (o->by && clean_column(c, "impute", t, o->by, NULL))
        return -1;
    for (int i = 1; i < a->argc; i++) {
        if (clean_column(c, "impute", t, a->argv[i], NULL))
            return -1;
        if (o->by && sqlite3_stricmp(o->by, a->argv[i]) == 0)
            return ctx_error(c, "impute: %s is both imputed and the group (by=)", a->argv[i]);
    }
    return o->method == M_KNN ? knn_features(c, a, t, o) : 0;
}

static void write_summary(ctx *c, const struct clean_table *t, const struct impute_opts *o,
                          const struct results *res)
{
    sink_record_begin(c->out, "impute");
    sink_field(c->out, "table", cell_text(t->name));
    sink_field(c->out, "method", cell_text(o->method_text));
    if (o->method == M_KNN) {
        sink_field(c->out, "k", cell_int(o->k));
        struct cell *f = xcalloc((size_t)o->nfeatures, sizeof *f);
        for (int i = 0; i < o->nfeatures; i++)
            f[i] = cell_text(o->features[i]);
        sink_field_list(c->out, "features", o->nfeatures, f);
        free(f);
        sink_field(c->out, "no_common_feature", cell_int(res->knn_fallback));
    }
    sink_field(c->out, "filled", cell_int(res->filled));
    sink_field(c->out, "left_null", cell_int(res->left));
    sink_field(c->out, "not_numbers", cell_int(res->not_numbers));
    sink_field(c->out, "command", cell_int(c->command_id));
    sink_record_end(c->out);
    static const char *const cols[] = {"column", "group", "rows", "missing", "filled", "value"};
    int by = o->by != NULL;
    sink_table_begin(c->out, "imputed", by ? 6 : 5, by ? cols : (const char *const[]){"column", "rows", "missing",
                                                                                     "filled", "value"});
    for (size_t i = 0; i < res->n; i++) {
        const struct group_result *g = &res->g[i];
        struct cell row[6];
        int k = 0;
        row[k++] = cell_text(g->column);
        if (by)
            row[k++] = value_cell(g->group);
        row[k++] = cell_int(g->rows);
        row[k++] = cell_int(g->missing);
        row[k++] = cell_int(g->filled);
        row[k++] = g->value[0] ? cell_text(g->value) : cell_null();
        sink_table_row(c->out, row);
    }
    sink_table_end(c->out);
    if (res->left || res->not_numbers)
        clean_issue_sample(c, NULL, SAMPLE_ISSUES);
}

static const struct cmd_option impute_options[] = {
    {"method", NULL, "mean, median, mode (most frequent; any type), constant:VALUE, or knn"},
    {"by", NULL, "impute each group of this column from its own rows"},
    {"k", "5", "knn: how many nearest rows to average"},
    {"on", NULL, "knn: the columns that measure nearness (default: the other numeric columns)"},
    {NULL},
};

static int impute_exec(ctx *c, const struct cmd_args *a)
{
    struct clean_table t;
    if (clean_table_open(c, "impute", a->argv[0], &t))
        return -1;
    struct impute_opts o = {0};
    struct results res = {0};
    struct audit au = {0};
    int rc = parse_options(c, a, &t, &o);
    if (rc == 0)
        rc = audit_begin(c, &au, &t);
    for (int i = 1; i < a->argc && rc == 0; i++)
        rc = impute_column(c, &au, &t, a->argv[i], &o, &res);
    audit_end(&au);
    if (rc == 0) {
        write_summary(c, &t, &o, &res);
        cmd_set_summary(c, "%s: %lld values imputed by %s, %lld left NULL", t.name, (long long)res.filled,
                        o.method_text, (long long)res.left);
        clean_note_issues(c, "impute", res.left + res.not_numbers, "values could not be imputed or used");
    }
    for (size_t i = 0; i < res.n; i++) {
        free(res.g[i].column);
        sqlite3_value_free(res.g[i].group);
    }
    free(res.g);
    for (int i = 0; i < o.nfeatures; i++)
        free(o.features[i]);
    free(o.features);
    clean_table_free(&t);
    return rc;
}

const struct cmd_entry cmd_impute_entry = {
    .name = "impute",
    .usage = "impute TABLE COL… method=mean|median|mode|constant:V|knn [by=GROUPCOL] [k=5] [on=COLS]",
    .summary = "fill NULLs and mark them in COL_imputed (0/1); reports how many and with what (undoable)",
    .example = "impute customers age method=median by=country",
    .min_args = 2,
    .max_args = -1,
    .options = impute_options,
    .flags = CMD_CHANGES,
    .exec = impute_exec,
};
