/* cmd-outliers.c — `outliers TABLE COL… method=… action=…`: find values far from the
 * rest and flag them (COL_outlier: 1 outlier, 0 not, NULL not a number), clip them to
 * the bounds, or set them NULL; report the bounds and counts.
 *
 * The definitions are NumPy's and SciPy's (cleanstats.h):
 *   iqr[:k]     outside [Q1 − k·IQR, Q3 + k·IQR], quartiles by numpy.quantile's
 *               default linear interpolation; k 1.5 (Tukey's fences);
 *   zscore[:k]  |x − mean| / sd > k with the population sd (ddof 0), as
 *               scipy.stats.zscore; k 3; a column with sd 0 has no outliers (its
 *               z-scores are undefined);
 *   mad[:k]     |x − median| / MAD > k with MAD scaled to the normal sd
 *               (scipy.stats.median_abs_deviation(scale='normal'): ×1/Φ⁻¹(3/4) ≈ 1.482602); k 3.5
 *               (Iglewicz and Hoaglin's modified z-score). */
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleaning.h"
#include "cleanstats.h"
#include "cmd.h"
#include "sink.h"
#include "strbuf.h"
#include "workspace.h"

enum { SAMPLE_ISSUES = 10 };
enum action { ACT_FLAG, ACT_CLIP, ACT_NULL };

struct column_result {
    char *column;
    int64_t values, low, high, changed, not_numbers;
    struct outlier_bounds b;
    int undefined;          /* zscore with sd 0 */
};

static const struct {
    const char *name;
    enum outlier_method m;
    double k;
    const char *center, *spread;
} methods[] = {
    {"iqr", OUTLIER_IQR, 1.5, "q1", "q3"},
    {"zscore", OUTLIER_ZSCORE, 3.0, "mean", "sd"},
    {"mad", OUTLIER_MAD, 3.5, "median", "mad"},
};

/* -1 below, 1 above, 0 within. */
static int side(int method, const struct outlier_bounds *b, double k, double x)
{
    switch (methods[method].m) {
    case OUTLIER_IQR:
        return x < b->lower ? -1 : x > b->upper ? 1 : 0;
    case OUTLIER_ZSCORE:
    case OUTLIER_MAD:
        /* the score itself, as SciPy computes it, so ties at the bound agree */
        if (b->spread == 0)
            return methods[method].m == OUTLIER_ZSCORE || x == b->center ? 0 : x < b->center ? -1 : 1;
        return fabs((x - b->center) / b->spread) > k ? (x < b->center ? -1 : 1) : 0;
    }
    return 0;
}

struct values {
    size_t n;
    int64_t *rowid;
    sqlite3_value **key, **value;
    double *x;              /* NAN: not a number */
};

static void values_free(struct values *v)
{
    for (size_t i = 0; i < v->n; i++) {
        sqlite3_value_free(v->key[i]);
        sqlite3_value_free(v->value[i]);
    }
    free(v->rowid);
    free(v->key);
    free(v->value);
    free(v->x);
}

/* The column's non-NULL values. */
static int load_values(ctx *c, const struct clean_table *t, const char *col, struct values *v)
{
    const char *cols[] = {col};
    struct row_scan *s = row_scan_open(c, "outliers", t, 1, cols);
    memset(v, 0, sizeof *v);
    if (!s)
        return -1;
    size_t cap = 0;
    int n;
    while ((n = row_scan_next(s)) > 0) {
        for (int i = 0; i < n; i++) {
            sqlite3_value *val = row_scan_value(s, i, 0);
            if (sqlite3_value_type(val) == SQLITE_NULL)
                continue;
            if (v->n == cap) {
                cap = cap ? cap * 2 : 4096;
                v->rowid = xrealloc(v->rowid, cap * sizeof *v->rowid);
                v->key = xrealloc(v->key, cap * sizeof *v->key);
                v->value = xrealloc(v->value, cap * sizeof *v->value);
                v->x = xrealloc(v->x, cap * sizeof *v->x);
            }
            v->rowid[v->n] = row_scan_rowid(s, i);
            v->key[v->n] = sqlite3_value_dup(row_scan_key(s, i));
            v->value[v->n] = sqlite3_value_dup(val);
            if (!value_number(val, &v->x[v->n]))
                v->x[v->n] = NAN;
            v->n++;
        }
    }
    row_scan_close(s);
    return n < 0 ? -1 : 0;
}

/* COL_outlier: a column the command adds is written directly (undo drops it); one
 * that was there is changed cell by cell, logged. */
static int write_flags(ctx *c, struct audit *au, const struct clean_table *t, const char *col,
                       const struct values *v, const signed char *sides, struct column_result *r)
{
    char flag[512];
    snprintf(flag, sizeof flag, "%s_outlier", col);
    int added;
    if (clean_add_flag_column(c, t, flag, &added))
        return -1;
    sqlite3_stmt *set = NULL, *get = NULL;
    char *sql = sqlite3_mprintf("UPDATE \"%w\" SET \"%w\" = ? WHERE %s = ?", t->name, flag, t->rowid);
    char *sql2 = sqlite3_mprintf("SELECT \"%w\" FROM \"%w\" WHERE %s = ?", flag, t->name, t->rowid);
    int rc = prepare_sql(c, "outliers", sql, &set) || prepare_sql(c, "outliers", sql2, &get) ? -1 : 0;
    sqlite3_free(sql);
    sqlite3_free(sql2);
    for (size_t i = 0; i < v->n && rc == 0; i++) {
        if (isnan(v->x[i]))
            continue;
        int is_out = sides[i] != 0;
        if (added) {
            sqlite3_bind_int(set, 1, is_out);
            sqlite3_bind_int64(set, 2, v->rowid[i]);
            rc = sqlite3_step(set) == SQLITE_DONE ? 0 : ctx_sqlite_error(c, "outliers");
            sqlite3_reset(set);
            r->changed += is_out;
            continue;
        }
        sqlite3_bind_int64(get, 1, v->rowid[i]);
        sqlite3_value *old = sqlite3_step(get) == SQLITE_ROW ? sqlite3_value_dup(sqlite3_column_value(get, 0)) : NULL;
        sqlite3_reset(get);
        if (old && !(sqlite3_value_type(old) == SQLITE_INTEGER && sqlite3_value_int(old) == is_out)) {
            rc = audit_change(au, v->rowid[i], v->key[i], flag, old, cell_int(is_out));
            r->changed += is_out;
        }
        sqlite3_value_free(old);
    }
    sqlite3_finalize(set);
    sqlite3_finalize(get);
    return rc;
}

static int outliers_column(ctx *c, struct audit *au, const struct clean_table *t, const char *col, int method,
                           double k, enum action act, struct column_result *r)
{
    struct values v;
    int rc = load_values(c, t, col, &v);
    double *x = xmalloc((v.n ? v.n : 1) * sizeof *x);
    size_t nx = 0;
    for (size_t i = 0; i < v.n && rc == 0; i++) {
        if (!isnan(v.x[i])) {
            x[nx++] = v.x[i];
        } else {
            r->not_numbers++;
            rc = audit_issue(au, v.rowid[i], v.key[i], col, methods[method].name, v.value[i],
                             "not a number: not judged");
        }
    }
    r->values = (int64_t)nx;
    signed char *sides = xcalloc(v.n ? v.n : 1, 1);
    if (nx) {
        outlier_bounds(methods[method].m, k, x, nx, &r->b);
        r->undefined = methods[method].m == OUTLIER_ZSCORE && r->b.spread == 0;
        for (size_t i = 0; i < v.n; i++) {
            if (isnan(v.x[i]))
                continue;
            sides[i] = (signed char)side(method, &r->b, k, v.x[i]);
            r->low += sides[i] < 0;
            r->high += sides[i] > 0;
        }
        /* a spread of 0 (half the values or more equal) makes every other value an
         * outlier however close: that is not a finding, so the command stops */
        int no_spread = methods[method].m == OUTLIER_IQR ? r->b.upper == r->b.lower
                        : methods[method].m == OUTLIER_MAD ? r->b.spread == 0 : 0;
        if (rc == 0 && no_spread && r->low + r->high > 0)
            rc = ctx_error(c, "outliers: %s: the %s is 0 (at least half the values are %g), so every other value "
                              "would be an outlier: %lld of %zu (%.0f%%); method=zscore measures the spread by "
                              "the standard deviation",
                           col, methods[method].m == OUTLIER_IQR ? "IQR" : "MAD", r->b.center,
                           (long long)(r->low + r->high), nx, 100.0 * (double)(r->low + r->high) / (double)nx);
    }
    if (rc != 0) {
        /* stopped above */
    } else if (act == ACT_FLAG) {
        rc = write_flags(c, au, t, col, &v, sides, r);
    } else {
        for (size_t i = 0; i < v.n && rc == 0; i++) {
            if (!sides[i])
                continue;
            struct cell to = act == ACT_NULL ? cell_null() : cell_real(sides[i] < 0 ? r->b.lower : r->b.upper);
            rc = audit_change(au, v.rowid[i], v.key[i], col, v.value[i], to);
            r->changed++;
        }
    }
    free(sides);
    free(x);
    values_free(&v);
    return rc;
}

static const struct cmd_option outliers_options[] = {
    {"method", "iqr", "iqr[:1.5] (Tukey's fences), zscore[:3] (population sd) or mad[:3.5] (MAD ×1/Φ⁻¹(3/4) ≈ 1.482602)"},
    {"action", "flag", "flag (adds COL_outlier 0/1), clip (to the bounds) or null"},
    {NULL},
};

static int parse_method(ctx *c, const char *text, int *method, double *k)
{
    const char *colon = strchr(text, ':');
    size_t len = colon ? (size_t)(colon - text) : strlen(text);
    for (int i = 0; i < 3; i++) {
        if (strlen(methods[i].name) != len || strncmp(methods[i].name, text, len) != 0)
            continue;
        *method = i;
        *k = methods[i].k;
        if (colon) {
            char *end;
            *k = strtod(colon + 1, &end);
            if (end == colon + 1 || *end || !(*k > 0) || !isfinite(*k))
                return ctx_error(c, "outliers: method=%s: the threshold after ':' must be a positive number, "
                                    "e.g. %s:%g", text, methods[i].name, methods[i].k);
        }
        return 0;
    }
    return ctx_error(c, "outliers: method=%s: expected iqr[:1.5], zscore[:3] or mad[:3.5]", text);
}

static int parse_action(ctx *c, const char *text, enum action *act)
{
    if (strcmp(text, "flag") == 0)
        *act = ACT_FLAG;
    else if (strcmp(text, "clip") == 0)
        *act = ACT_CLIP;
    else if (strcmp(text, "null") == 0)
        *act = ACT_NULL;
    else
        return ctx_error(c, "outliers: action=%s: expected flag, clip or null", text);
    return 0;
}

static void write_summary(ctx *c, const struct clean_table *t, int method, double k, const char *action,
                          const struct column_result *res, int n)
{
    int64_t found = 0, changed = 0, not_numbers = 0;
    for (int i = 0; i < n; i++) {
        found += res[i].low + res[i].high;
        changed += res[i].changed;
        not_numbers += res[i].not_numbers;
    }
    sink_record_begin(c->out, "outliers");
    sink_field(c->out, "table", cell_text(t->name));
    sink_field(c->out, "method", cell_text(methods[method].name));
    sink_field(c->out, "threshold", cell_real(k));
    sink_field(c->out, "action", cell_text(action));
    sink_field(c->out, "outliers", cell_int(found));
    sink_field(c->out, "changed", cell_int(changed));
    sink_field(c->out, "not_numbers", cell_int(not_numbers));
    sink_field(c->out, "command", cell_int(c->command_id));
    sink_record_end(c->out);
    const char *cols[] = {"column", "values", methods[method].center, methods[method].spread, "lower", "upper",
                          "low", "high"};
    sink_table_begin(c->out, "columns", 8, cols);
    for (int i = 0; i < n; i++) {
        const struct column_result *r = &res[i];
        int have = r->values > 0;
        struct cell row[] = {cell_text(r->column), cell_int(r->values), have ? cell_real(r->b.center) : cell_null(),
                             have ? cell_real(r->b.spread) : cell_null(),
                             have && !r->undefined ? cell_real(r->b.lower) : cell_null(),
                             have && !r->undefined ? cell_real(r->b.upper) : cell_null(), cell_int(r->low),
                             cell_int(r->high)};
        sink_table_row(c->out, row);
    }
    sink_table_end(c->out);
    if (not_numbers)
        clean_issue_sample(c, NULL, SAMPLE_ISSUES);
    for (int i = 0; i < n; i++)
        if (res[i].undefined)
            ctx_note(c, "outliers: %s: every value is the same (sd 0): z-scores are undefined, nothing flagged",
                     res[i].column);
    cmd_set_summary(c, "%s: %lld outliers by %s:%g, action %s", t->name, (long long)found, methods[method].name, k,
                    action);
    clean_note_issues(c, "outliers", not_numbers, "values are not numbers and were not judged");
}

static int outliers_exec(ctx *c, const struct cmd_args *a)
{
    struct clean_table t;
    int method = 0;
    double k = 0;
    enum action act = ACT_FLAG;
    if (parse_method(c, cmd_opt(a, "method"), &method, &k) || parse_action(c, cmd_opt(a, "action"), &act) ||
        clean_table_open(c, "outliers", a->argv[0], &t))
        return -1;
    int n = a->argc - 1, rc = 0;
    for (int i = 1; i <= n && rc == 0; i++) {
        rc = clean_column(c, "outliers", &t, a->argv[i], NULL);
        for (int j = 1; j < i && rc == 0; j++)
            if (sqlite3_stricmp(a->argv[i], a->argv[j]) == 0)
                rc = ctx_error(c, "outliers: column '%s' given twice", a->argv[i]);
    }
    struct column_result *res = xcalloc((size_t)n, sizeof *res);
    struct audit au = {0};
    if (rc == 0)
        rc = audit_begin(c, &au, &t);
    for (int i = 0; i < n && rc == 0; i++) {
        res[i].column = xstrdup(a->argv[i + 1]);
        rc = outliers_column(c, &au, &t, a->argv[i + 1], method, k, act, &res[i]);
    }
    audit_end(&au);
    if (rc == 0)
        write_summary(c, &t, method, k, cmd_opt(a, "action"), res, n);
    for (int i = 0; i < n; i++)
        free(res[i].column);
    free(res);
    clean_table_free(&t);
    return rc;
}

const struct cmd_entry cmd_outliers_entry = {
    .name = "outliers",
    .usage = "outliers TABLE COL… [method=iqr[:1.5]|zscore[:3]|mad[:3.5]] [action=flag|clip|null]",
    .summary = "find outliers by IQR, z-score or MAD and flag, clip or null them; reports bounds and counts "
               "(undoable)",
    .example = "outliers orders amount method=mad:3.5 action=flag",
    .min_args = 2,
    .max_args = -1,
    .options = outliers_options,
    .flags = CMD_CHANGES,
    .exec = outliers_exec,
};
