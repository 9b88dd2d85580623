/* cmd-plot.c — `plot KIND …`: the segmentation plots and the experiment forest
 * plot, drawn by gnuplot.
 *
 * Each kind gathers its numbers in C (from the workspace, or by running the same
 * computation as `elbow` or `abtest`), writes them into the script as inline data,
 * and hands the script to plot_script.c, which sends it to the gnuplot process and
 * puts the text, or the PNG/SVG file, where it belongs. */
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abtest.h"
#include "cmd.h"
#include "dbscan.h"
#include "elbow.h"
#include "feature_matrix.h"
#include "parallel.h"
#include "pca.h"
#include "plot_script.h"
#include "rng.h"
#include "segment.h"
#include "segment_args.h"
#include "sink.h"
#include "strbuf.h"
#include "workspace.h"

enum { MAX_GROUPS = 12 };

static const struct cmd_option plot_options[] = {
    {"out", NULL, "a .png or .svg file to draw into; without it the plot is text on stdout"},
    {"force", CMD_FLAG, "out=: replace an existing file"},
    {"width", NULL, "width: pixels for a file (1000), characters for text (the terminal's, else 80)"},
    {"height", NULL, "height: pixels for a file (650), lines for text (the terminal's, else 25)"},
    {"title", NULL, "the plot's title"},
    {"color", NULL, "pca, scatter: colour the points by a cluster result table or a column"},
    {"x", NULL, "scatter: the column (or SQL expression) across"},
    {"y", NULL, "scatter: the column (or SQL expression) up"},
    {"column", NULL, "hist: the column (or SQL expression) to count"},
    {"bins", "30", "hist: the number of bins"},
    {"points", "20000", "pca, scatter: rows drawn at most (a seeded sample above that), or all"},
    {"features", NULL, "pca, elbow, silhouette, kdist: the features, as for cluster"},
    {"k", NULL, "elbow, silhouette: the range of k (2..10)"},
    {"minpts", "5", "kdist: the k of the k-distance (dbscan's minpts)"},
    {"onehot", NULL, "categorical columns to one-hot encode, as for cluster"},
    {"scale", "standard", "feature scaling, as for cluster"},
    {"where", NULL, "SQL condition the rows must meet"},
    {"nulls", "error", "rows with a NULL feature: error, drop or impute, as for cluster"},
    {"key", NULL, "the column identifying rows, as for cluster"},
    {"seed", "0", "random seed (k-means restarts, point sampling)"},
    {"n_init", NULL, "elbow, silhouette: k-means restarts per k (10)"},
    {"silhouette_sample", NULL, "elbow, silhouette: rows above which the silhouette is sampled (20000)"},
    AB_OPTIONS_DESIGN("ci: "),
    AB_OPTIONS_ANALYSIS("ci: "),
    {"lift", "relative", "ci: relative (the lift in %) or absolute (the difference) against control"},
    {NULL},
};

/* ---- points with an optional colour ---- */

struct points {
    int64_t n, cap, seen;       /* kept, allocated, read (the sample is of `seen`) */
    double *x, *y;
    char **color;               /* n texts, or NULL entries for no colour */
    int has_color;
};

static void points_free(struct points *p)
{
    for (int64_t i = 0; p->color && i < p->n; i++)
        free(p->color[i]);
    free(p->color);
    free(p->x);
    free(p->y);
    memset(p, 0, sizeof *p);
}

/* Reads (x, y[, colour]) rows of a query, keeping a seeded uniform sample of at most
 * max rows (reservoir sampling) so a million-row table still plots quickly. */
static int read_points(ctx *c, const char *cmd, const char *sql, int64_t max, uint64_t seed, struct points *p)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(c->db, sql, -1, &st, NULL) != SQLITE_OK)
        return ctx_error(c, "%s: %s", cmd, sqlite3_errmsg(c->db));
    struct rng g;
    rng_seed(&g, seed, 0x9107);
    p->has_color = sqlite3_column_count(st) > 2;
    int step, rc = 0;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        if (sqlite3_column_type(st, 0) == SQLITE_NULL || sqlite3_column_type(st, 1) == SQLITE_NULL)
            continue;
        int64_t slot = p->n;
        p->seen++;
        if (p->n >= max) {
            slot = (int64_t)rng_below(&g, (uint64_t)p->seen);
            if (slot >= max)
                continue;
            free(p->color[slot]);
        } else if (p->n == p->cap) {
            p->cap = p->cap ? p->cap * 2 : 1024;
            p->x = xrealloc(p->x, (size_t)p->cap * sizeof *p->x);
            p->y = xrealloc(p->y, (size_t)p->cap * sizeof *p->y);
            p->color = xrealloc(p->color, (size_t)p->cap * sizeof *p->color);
        }
        if (slot == p->n)
            p->n++;
        p->x[slot] = sqlite3_column_double(st, 0);
        p->y[slot] = sqlite3_column_double(st, 1);
        const char *t = p->has_color ? (const char *)sqlite3_column_text(st, 2) : NULL;
        p->color[slot] = t ? xstrdup(t) : NULL;
        if (((p->seen) & 65535) == 0 && ctx_is_cancelled(c)) {
            rc = ctx_cancelled(c);
            break;
        }
    }
    if (rc == 0 && step != SQLITE_DONE && step != SQLITE_ROW)
        rc = ctx_error(c, "%s: %s", cmd, sqlite3_errmsg(c->db));
    sqlite3_finalize(st);
    return rc;
}

static int is_number(const char *s, double *v)
{
    if (!s)
        return 0;
    char *end;
    *v = strtod(s, &end);
    return end != s && *end == '\0';
}

static int cmp_group(const void *a, const void *b)
{
    const char *x = *(const char *const *)a, *y = *(const char *const *)b;
    double u, v;
    if (is_number(x, &u) && is_number(y, &v))
        return (u > v) - (u < v);
    return strcmp(x, y);
}

/* Writes the plot command for the points: one series per colour group (named by
 * names(value) when given, e.g. cluster labels), a palette gradient for a numeric
 * colour with many values, or one plain series. */
static int write_points(ctx *c, const char *cmd, struct strbuf *s, const struct points *p, const char *color_name,
                        char *(*name_of)(void *arg, const char *value), void *arg, int text)
{
    const char *groups[MAX_GROUPS + 1];
    int ngroups = 0, numeric = 1, overflow = 0;
    for (int64_t i = 0; i < p->n; i++) {
        const char *v = p->color[i] ? p->color[i] : "NULL";
        double d;
        numeric &= p->color[i] == NULL || is_number(p->color[i], &d);
        int g = 0;
        while (g < ngroups && strcmp(groups[g], v) != 0)
            g++;
        if (g == ngroups) {
            if (ngroups == MAX_GROUPS) {
                overflow = 1;
                continue;
            }
            groups[ngroups++] = v;
        }
    }
    const char *style = text ? "with points" : "with points pt 7 ps 0.9";
    if (!p->has_color) {
        strbuf_puts(s, "$points << EOD\n");
        for (int64_t i = 0; i < p->n; i++)
            strbuf_printf(s, "%.10g %.10g\n", p->x[i], p->y[i]);
        strbuf_printf(s, "EOD\nplot $points using 1:2 %s lc rgb '%s'\n", style, plot_color(0));
        return 0;
    }
    if (overflow && !numeric)
        return ctx_error(c, "%s: color=%s has more than %d values; colour by a category with fewer values, or by "
                            "a number", cmd, color_name, MAX_GROUPS);
    if (overflow) {     /* a number with many values: a gradient */
        strbuf_puts(s, "$points << EOD\n");
        for (int64_t i = 0; i < p->n; i++)
            if (p->color[i])
                strbuf_printf(s, "%.10g %.10g %s\n", p->x[i], p->y[i], p->color[i]);
        strbuf_puts(s, "EOD\nset palette defined (0 '#440154', 0.35 '#31688e', 0.7 '#35b779', 1 '#fde725')\n");
        strbuf_puts(s, "set cblabel ");
        plot_quote(s, color_name);
        strbuf_printf(s, "\nplot $points using 1:2:3 %s lc palette\n", style);
        return 0;
    }
    qsort(groups, (size_t)ngroups, sizeof *groups, cmp_group);
    for (int g = 0; g < ngroups; g++) {
        strbuf_printf(s, "$g%d << EOD\n", g);
        for (int64_t i = 0; i < p->n; i++)
            if (strcmp(p->color[i] ? p->color[i] : "NULL", groups[g]) == 0)
                strbuf_printf(s, "%.10g %.10g\n", p->x[i], p->y[i]);
        strbuf_puts(s, "EOD\n");
    }
    strbuf_puts(s, "plot ");
    for (int g = 0; g < ngroups; g++) {
        char *name = name_of ? name_of(arg, groups[g]) : xstrdup(groups[g]);
        /* a little transparency shows where points pile up */
        const char *rgb = strcmp(groups[g], "-1") == 0 && name_of ? "#9a9a9a" : plot_color(g);
        strbuf_printf(s, "%s$g%d using 1:2 %s lc rgb '%s%s' title ", g ? ", " : "", g, style, text ? "#" : "#30",
                      rgb + 1);
        plot_quote(s, name);
        free(name);
    }
    strbuf_puts(s, "\n");
    return 0;
}

/* ---- colour by a clustering ---- */

/* The latest clustering model of NAME: its labels by cluster number. */
struct cluster_labels {
    int k;
    char **labels;
};

static int load_labels(ctx *c, const char *name, struct cluster_labels *l)
{
    memset(l, 0, sizeof *l);
    sqlite3_stmt *st;
    if (prepare_sql(c, "plot",
                    "SELECT value FROM json_each((SELECT labels FROM _persona_models WHERE name = ? AND labels IS NOT "
                    "NULL ORDER BY id DESC LIMIT 1)) ORDER BY key", &st))
        return -1;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    while (sqlite3_step(st) == SQLITE_ROW) {
        l->labels = xrealloc(l->labels, (size_t)(l->k + 1) * sizeof *l->labels);
        l->labels[l->k++] = xstrdup((const char *)sqlite3_column_text(st, 0));
    }
    sqlite3_finalize(st);
    return 0;
}

static void labels_free(struct cluster_labels *l)
{
    for (int i = 0; i < l->k; i++)
        free(l->labels[i]);
    free(l->labels);
}

static char *cluster_name(void *arg, const char *value)
{
    const struct cluster_labels *l = arg;
    int k = atoi(value);
    struct strbuf b = {0};
    if (k < 0)
        strbuf_puts(&b, "noise");
    else if (k < l->k)
        strbuf_printf(&b, "%d %s", k, l->labels[k]);
    else
        strbuf_puts(&b, value);
    char *out = xstrdup(strbuf_str(&b));
    strbuf_free(&b);
    return out;
}

/* What color= means: a clustering result (joined on key) or a column of the source. */
struct coloring {
    const char *name;
    int clustering;
    char *key_column;           /* the column of the clustered table its keys are */
    struct cluster_labels labels;
};

static void coloring_free(struct coloring *col)
{
    labels_free(&col->labels);
    free(col->key_column);
}

static int resolve_color(ctx *c, const char *color, const char *source, struct coloring *col)
{
    memset(col, 0, sizeof *col);
    col->name = color;
    if (!color)
        return 0;
    if (table_exists(c, color) && !is_internal_name(color)) {
        if (load_labels(c, color, &col->labels))
            return -1;
        if (col->labels.k > 0) {
            col->clustering = 1;
            sqlite3_stmt *st;
            if (prepare_sql(c, "plot", "SELECT json_extract(parameters, '$.key_column') FROM _persona_models "
                                       "WHERE name = ? ORDER BY id DESC LIMIT 1", &st))
                return -1;
            sqlite3_bind_text(st, 1, color, -1, SQLITE_STATIC);
            if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
                col->key_column = xstrdup((const char *)sqlite3_column_text(st, 0));
            sqlite3_finalize(st);
            return 0;
        }
    }
    sqlite3_stmt *st;
    char *sql = sqlite3_mprintf("SELECT 1 FROM pragma_table_info(%Q) WHERE name = %Q COLLATE NOCASE", source, color);
    int rc = prepare_sql(c, "plot", sql, &st);
    sqlite3_free(sql);
    if (rc)
        return -1;
    int found = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_finalize(st);
    if (!found)
        return ctx_error(c, "plot: color=%s: neither a clustering result (a table made by cluster) nor a column of %s",
                         color, source);
    return 0;
}

/* SQL for the key column of a table: its recorded key, else rowid. */
static void key_sql(ctx *c, struct strbuf *b, const char *alias, const char *table, const char *key)
{
    char *k = key ? xstrdup(key) : table_key_column(c, table);
    strbuf_printf(b, "%s.", alias);
    if (k && strcmp(k, "rowid") != 0)
        strbuf_put_ident(b, k);
    else
        strbuf_puts(b, "rowid");
    free(k);
}

/* SELECT x, y[, colour] FROM source AS s … joining the clustering when colouring by
 * one.  xy is the SQL of the two values over alias s; keyexpr the key of s. */
static void points_sql(ctx *c, struct strbuf *sql, const char *xy, const char *source, const char *source_key,
                       const struct coloring *col, const char *where)
{
    strbuf_printf(sql, "SELECT %s", xy);
    if (col->clustering)
        strbuf_puts(sql, ", cl.cluster");
    else if (col->name) {
        strbuf_puts(sql, ", s.");
        strbuf_put_ident(sql, col->name);
    }
    strbuf_puts(sql, " FROM ");
    strbuf_put_ident(sql, source);
    strbuf_puts(sql, " AS s");
    if (col->clustering) {
        strbuf_puts(sql, " JOIN ");
        strbuf_put_ident(sql, col->name);
        strbuf_puts(sql, " AS cl ON cl.key = ");
        key_sql(c, sql, "s", source, source_key ? source_key : col->key_column);
    }
    if (where)
        strbuf_printf(sql, " WHERE (%s)", where);
}

static int64_t max_points(ctx *c, const struct cmd_args *a)
{
    const char *v = cmd_opt(a, "points");
    if (strcmp(v, "all") == 0)
        return INT64_MAX;
    char *end;
    long long n = strtoll(v, &end, 10);
    if (end == v || *end || n < 1) {
        ctx_error(c, "plot: points=%s: expected a number of rows or all", v);
        return -1;
    }
    return n;
}

static uint64_t seed_of(const struct cmd_args *a)
{
    const char *v = cmd_opt(a, "seed");
    return v ? strtoull(v, NULL, 10) : 0;
}

/* A scatter of points with axis labels; shared by pca and scatter. */
static int draw_points(ctx *c, const struct cmd_args *a, const char *what, const char *sql, const char *title,
                       const char *xlabel, const char *ylabel, struct coloring *col)
{
    int64_t max = max_points(c, a);
    if (max < 0)
        return -1;
    struct plot_target t;
    if (plot_target_open(c, a, &t))
        return -1;
    struct points p = {0};
    int rc = read_points(c, "plot", sql, max, seed_of(a), &p);
    if (rc == 0 && p.n == 0)
        rc = ctx_error(c, "plot: %s: no rows to draw", what);
    struct strbuf s = {0}, full = {0};
    if (rc == 0) {
        strbuf_puts(&full, cmd_opt(a, "title") ? cmd_opt(a, "title") : title);
        if (p.seen > p.n)
            strbuf_printf(&full, " (a sample of %lld of %lld rows)", (long long)p.n, (long long)p.seen);
        plot_begin(&s, &t, strbuf_str(&full));
        strbuf_puts(&s, "set xlabel ");
        plot_quote(&s, xlabel);
        strbuf_puts(&s, "\nset ylabel ");
        plot_quote(&s, ylabel);
        strbuf_puts(&s, "\n");
        rc = write_points(c, "plot", &s, &p, col->name, col->clustering ? cluster_name : NULL, &col->labels,
                          t.kind == PLOT_TEXT);
    }
    if (rc == 0)
        rc = plot_finish(c, "plot", &t, &s, what, p.n);
    plot_target_close(&t);
    if (rc == 0)
        cmd_set_summary(c, "%s plot of %lld points%s%s", what, (long long)p.n, t.path ? " to " : "",
                        t.path ? t.path : "");
    strbuf_free(&s);
    strbuf_free(&full);
    points_free(&p);
    return rc;
}

/* ---- plot pca ---- */

/* The latest model row of a PCA result: its source and key, and the variance ratio
 * of the first two components. */
struct pca_model {
    char *source, *key;
    double ratio[2];
    int found;
};

static int load_pca_model(ctx *c, const char *name, struct pca_model *m)
{
    memset(m, 0, sizeof *m);
    sqlite3_stmt *st;
    if (prepare_sql(c, "plot",
                    "SELECT source_table, json_extract(parameters, '$.key_column'), "
                    "json_extract(details, '$.explained_variance_ratio[0]'), "
                    "json_extract(details, '$.explained_variance_ratio[1]'), json_extract(parameters, '$.components') "
                    "FROM _persona_models WHERE name = ? AND kind = 'pca' ORDER BY id DESC LIMIT 1", &st))
        return -1;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    int rc = 0;
    if (sqlite3_step(st) == SQLITE_ROW) {
        m->found = 1;
        m->source = xstrdup((const char *)sqlite3_column_text(st, 0));
        if (sqlite3_column_text(st, 1))
            m->key = xstrdup((const char *)sqlite3_column_text(st, 1));
        m->ratio[0] = sqlite3_column_double(st, 2);
        m->ratio[1] = sqlite3_column_double(st, 3);
        if (sqlite3_column_int(st, 4) < 2)
            rc = ctx_error(c, "plot: %s has one component; plot pca needs two (pca … components=2)", name);
    }
    sqlite3_finalize(st);
    return rc;
}

/* PCA of TABLE's features computed here, kept in a temporary table for the join. */
static int pca_in_memory(ctx *c, const struct cmd_args *a, const char *table, struct pca_model *m)
{
    memset(m, 0, sizeof *m);
    struct feature_spec spec;
    struct feature_matrix fm = {0};
    struct pca_result r = {0};
    if (segment_feature_spec(c, a, table, &spec) || features_load(c, &spec, &fm))
        return -1;
    int rc = 0;
    if (fm.d < 2 || fm.n < 2)
        rc = ctx_error(c, "plot: pca needs at least 2 features and 2 rows");
    if (rc == 0)
        rc = pca_fit(c, fm.x, fm.n, fm.d, parallel_threads(), &r);
    double *proj = rc == 0 ? malloc((size_t)fm.n * 2 * sizeof *proj) : NULL;
    if (rc == 0 && !proj)
        rc = ctx_error(c, "plot: not enough memory for %lld rows", (long long)fm.n);
    if (rc == 0) {
        pca_project(&r, fm.x, fm.n, 2, parallel_threads(), proj);
        m->found = 1;
        m->source = xstrdup(table);
        m->key = xstrdup(fm.key_column);
        m->ratio[0] = r.ratio[0];
        m->ratio[1] = r.ratio[1];
        rc = exec_sql(c, "plot", "DROP TABLE IF EXISTS temp._persona_plot_pca; "
                                 "CREATE TEMP TABLE _persona_plot_pca(key PRIMARY KEY, pc1 REAL, pc2 REAL)");
    }
    sqlite3_stmt *st = NULL;
    if (rc == 0)
        rc = prepare_sql(c, "plot", "INSERT INTO temp._persona_plot_pca VALUES (?, ?, ?)", &st);
    for (int64_t i = 0; rc == 0 && i < fm.n; i++) {
        features_bind_key(st, 1, &fm, i);
        sqlite3_bind_double(st, 2, proj[i * 2]);
        sqlite3_bind_double(st, 3, proj[i * 2 + 1]);
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = ctx_sqlite_error(c, "plot");
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    free(proj);
    pca_result_free(&r);
    features_free(&fm);
    return rc;
}

static int plot_pca(ctx *c, const struct cmd_args *a)
{
    if (a->argc != 2)
        return ctx_error(c, "plot pca: usage: plot pca PCA_RESULT [color=CLUSTERS|COLUMN] or plot pca TABLE "
                            "features=… [color=…]");
    const char *name = a->argv[1];
    struct pca_model m = {0};
    int in_memory = cmd_opt_given(a, "features");
    int rc = in_memory ? pca_in_memory(c, a, name, &m) : load_pca_model(c, name, &m);
    if (rc == 0 && !m.found)
        rc = require_relation(c, "plot", name, 1) ||
             ctx_error(c, "plot pca: %s is not a pca result; run 'pca %s features=…' first, or give features= to "
                          "compute the components here", name, name);
    struct coloring col = {0};
    if (rc == 0)
        rc = resolve_color(c, cmd_opt(a, "color"), m.source, &col);
    if (rc == 0) {
        /* the projections, joined to the source for a column colour */
        const char *proj = in_memory ? "temp._persona_plot_pca" : name;
        struct strbuf sql = {0};
        strbuf_puts(&sql, "SELECT p.pc1, p.pc2");
        if (col.clustering)
            strbuf_puts(&sql, ", cl.cluster");
        else if (col.name) {
            strbuf_puts(&sql, ", s.");
            strbuf_put_ident(&sql, col.name);
        }
        strbuf_puts(&sql, " FROM ");
        if (in_memory)
            strbuf_puts(&sql, proj);
        else
            strbuf_put_ident(&sql, proj);
        strbuf_puts(&sql, " AS p");
        if (col.clustering) {
            strbuf_puts(&sql, " JOIN ");
            strbuf_put_ident(&sql, col.name);
            strbuf_puts(&sql, " AS cl ON cl.key = p.key");
        } else if (col.name) {
            strbuf_puts(&sql, " JOIN ");
            strbuf_put_ident(&sql, m.source);
            strbuf_puts(&sql, " AS s ON p.key = ");
            key_sql(c, &sql, "s", m.source, m.key);
        }
        char xl[64], yl[64], title[256];
        snprintf(xl, sizeof xl, "pc1 (%.1f%% of the variance)", 100 * m.ratio[0]);
        snprintf(yl, sizeof yl, "pc2 (%.1f%% of the variance)", 100 * m.ratio[1]);
        snprintf(title, sizeof title, "%s: first two principal components%s%s", m.source, col.name ? " by " : "",
                 col.name ? col.name : "");
        rc = draw_points(c, a, "pca", strbuf_str(&sql), title, xl, yl, &col);
        strbuf_free(&sql);
    }
    if (in_memory)
        sqlite3_exec(c->db, "DROP TABLE IF EXISTS temp._persona_plot_pca", NULL, NULL, NULL);
    coloring_free(&col);
    free(m.source);
    free(m.key);
    return rc;
}

/* ---- plot scatter ---- */

/* A column name as a quoted identifier over alias s, or an expression as written. */
static void value_sql(ctx *c, struct strbuf *b, const char *table, const char *v)
{
    sqlite3_stmt *st;
    char *sql = sqlite3_mprintf("SELECT name FROM pragma_table_info(%Q) WHERE name = %Q COLLATE NOCASE", table, v);
    int found = sqlite3_prepare_v2(c->db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW;
    if (found) {
        strbuf_puts(b, "s.");
        strbuf_put_ident(b, (const char *)sqlite3_column_text(st, 0));
    } else {
        strbuf_printf(b, "(%s)", v);
    }
    sqlite3_finalize(st);
    sqlite3_free(sql);
}

static int plot_scatter(ctx *c, const struct cmd_args *a)
{
    if (a->argc != 2)
        return ctx_error(c, "plot scatter: usage: plot scatter TABLE x=COL y=COL [color=CLUSTERS|COLUMN]");
    const char *table = a->argv[1], *x = cmd_opt(a, "x"), *y = cmd_opt(a, "y");
    if (require_relation(c, "plot", table, 1))
        return -1;
    if (!x || !y)
        return ctx_error(c, "plot scatter: needs x=COL and y=COL");
    struct coloring col;
    if (resolve_color(c, cmd_opt(a, "color"), table, &col))
        return -1;
    struct strbuf xy = {0}, sql = {0};
    value_sql(c, &xy, table, x);
    strbuf_puts(&xy, ", ");
    value_sql(c, &xy, table, y);
    points_sql(c, &sql, strbuf_str(&xy), table, cmd_opt(a, "key"), &col, cmd_opt(a, "where"));
    char title[256];
    snprintf(title, sizeof title, "%s: %s by %s%s%s", table, y, x, col.name ? ", coloured by " : "",
             col.name ? col.name : "");
    int rc = draw_points(c, a, "scatter", strbuf_str(&sql), title, x, y, &col);
    strbuf_free(&xy);
    strbuf_free(&sql);
    coloring_free(&col);
    return rc;
}

/* ---- plot elbow, plot silhouette ---- */

static int plot_by_k(ctx *c, const struct cmd_args *a, int silhouette)
{
    if (a->argc != 2)
        return ctx_error(c, "plot %s: usage: plot %s TABLE features=… [k=2..10]", a->argv[0], a->argv[0]);
    struct plot_target t;
    struct elbow_row *rows;
    int n;
    if (plot_target_open(c, a, &t))
        return -1;
    if (elbow_compute(c, a, 1, &rows, &n)) {
        plot_target_close(&t);
        return -1;
    }
    struct strbuf s = {0};
    char title[256];
    snprintf(title, sizeof title, "%s: k-means %s by k", a->argv[1], silhouette ? "silhouette" : "inertia");
    plot_begin(&s, &t, cmd_opt(a, "title") ? cmd_opt(a, "title") : title);
    strbuf_puts(&s, "$k << EOD\n");
    for (int i = 0; i < n; i++) {
        double v = silhouette ? rows[i].silhouette : rows[i].inertia;
        if (isfinite(v))
            strbuf_printf(&s, "%g %.10g\n", rows[i].k, v);
    }
    strbuf_printf(&s, "EOD\nset xlabel 'k (clusters)'\nset ylabel '%s'\nset xtics 1\nunset key\n",
                  silhouette ? "mean silhouette (higher is better)" : "inertia (within-cluster sum of squares)");
    if (t.kind == PLOT_TEXT)
        strbuf_puts(&s, "plot $k using 1:2 with linespoints\n");
    else
        strbuf_printf(&s, "plot $k using 1:2 with linespoints lw 2 pt 7 ps 1.2 lc rgb '%s'\n", plot_color(0));
    int rc = plot_finish(c, "plot", &t, &s, silhouette ? "silhouette" : "elbow", n);
    if (rc == 0)
        cmd_set_summary(c, "%s plot of k=%g..%g", silhouette ? "silhouette" : "elbow", rows[0].k, rows[n - 1].k);
    strbuf_free(&s);
    free(rows);
    return rc;
}

static int plot_elbow(ctx *c, const struct cmd_args *a) { return plot_by_k(c, a, 0); }
static int plot_silhouette(ctx *c, const struct cmd_args *a) { return plot_by_k(c, a, 1); }

/* ---- plot hist ---- */

static int plot_hist(ctx *c, const struct cmd_args *a)
{
    if (a->argc != 2)
        return ctx_error(c, "plot hist: usage: plot hist TABLE column=COL [bins=N]");
    const char *table = a->argv[1], *column = cmd_opt(a, "column");
    if (require_relation(c, "plot", table, 1))
        return -1;
    if (!column)
        return ctx_error(c, "plot hist: needs column=COL");
    char *end;
    long bins = strtol(cmd_opt(a, "bins"), &end, 10);
    if (*end || bins < 1 || bins > 1000)
        return ctx_error(c, "plot hist: bins=%s: expected a number from 1 to 1000", cmd_opt(a, "bins"));
    struct strbuf sql = {0};
    strbuf_puts(&sql, "SELECT ");
    value_sql(c, &sql, table, column);
    strbuf_puts(&sql, " FROM ");
    strbuf_put_ident(&sql, table);
    strbuf_puts(&sql, " AS s");
    if (cmd_opt(a, "where"))
        strbuf_printf(&sql, " WHERE (%s)", cmd_opt(a, "where"));
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(c->db, strbuf_str(&sql), -1, &st, NULL) != SQLITE_OK) {
        ctx_error(c, "plot: %s", sqlite3_errmsg(c->db));
        strbuf_free(&sql);
        return -1;
    }
    strbuf_free(&sql);
    double *v = NULL, lo = INFINITY, hi = -INFINITY;
    int64_t n = 0, cap = 0, nulls = 0;
    int rc = 0, step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        int type = sqlite3_column_type(st, 0);
        if (type == SQLITE_NULL) {
            nulls++;
            continue;
        }
        if (type != SQLITE_INTEGER && type != SQLITE_FLOAT) {
            rc = ctx_error(c, "plot hist: column %s is not numeric ('%.40s'); plot bar counts categories of a "
                              "clustering", column, (const char *)sqlite3_column_text(st, 0));
            break;
        }
        if (n == cap)
            v = xrealloc(v, (size_t)(cap = cap ? cap * 2 : 4096) * sizeof *v);
        v[n] = sqlite3_column_double(st, 0);
        lo = v[n] < lo ? v[n] : lo;
        hi = v[n] > hi ? v[n] : hi;
        n++;
    }
    if (rc == 0 && step != SQLITE_DONE)
        rc = ctx_sqlite_error(c, "plot");
    sqlite3_finalize(st);
    if (rc == 0 && n == 0)
        rc = ctx_error(c, "plot hist: %s has no values in %s", column, table);
    struct plot_target t;
    if (rc == 0)
        rc = plot_target_open(c, a, &t);
    if (rc) {
        free(v);
        return -1;
    }
    if (hi == lo)
        bins = 1;
    double width = hi > lo ? (hi - lo) / (double)bins : 1.0;
    int64_t *count = xcalloc((size_t)bins, sizeof *count);
    for (int64_t i = 0; i < n; i++) {
        long b = hi > lo ? (long)((v[i] - lo) / width) : 0;
        count[b >= bins ? bins - 1 : b]++;
    }
    struct strbuf s = {0};
    char title[256];
    snprintf(title, sizeof title, "%s: %s (%lld values%s)", table, column, (long long)n, nulls ? ", NULLs left out" : "");
    plot_begin(&s, &t, cmd_opt(a, "title") ? cmd_opt(a, "title") : title);
    strbuf_puts(&s, "$bins << EOD\n");
    for (long b = 0; b < bins; b++)
        strbuf_printf(&s, "%.10g %lld\n", lo + width * ((double)b + 0.5), (long long)count[b]);
    strbuf_puts(&s, "EOD\nunset key\nset xlabel ");
    plot_quote(&s, column);
    strbuf_printf(&s, "\nset ylabel 'rows'\nset yrange [0:*]\nset xrange [%.10g:%.10g]\nset boxwidth %.10g absolute\n",
                  lo - width * 0.1, lo + width * ((double)bins + 0.1), width * 0.92);
    if (t.kind == PLOT_TEXT)
        strbuf_puts(&s, "plot $bins using 1:2 with boxes\n");
    else
        strbuf_printf(&s, "set style fill solid 0.85 noborder\nplot $bins using 1:2 with boxes lc rgb '%s'\n",
                      plot_color(0));
    rc = plot_finish(c, "plot", &t, &s, "hist", n);
    if (rc == 0)
        cmd_set_summary(c, "histogram of %s in %s, %ld bins", column, table, bins);
    strbuf_free(&s);
    free(count);
    free(v);
    return rc;
}

/* One bar: its label, its length, its colour (an index into the plot colours). */
struct bar {
    char *label;
    int64_t n;
    int color;
};

struct bars {
    int n, cap;
    struct bar *b;
};

static void bars_add(struct bars *bs, char *label, int64_t n, int color)
{
    if (bs->n == bs->cap) {
        bs->cap = bs->cap ? bs->cap * 2 : 16;
        bs->b = xrealloc(bs->b, (size_t)bs->cap * sizeof *bs->b);
    }
    bs->b[bs->n++] = (struct bar){label, n, color};
}

static void bars_free(struct bars *bs)
{
    for (int i = 0; i < bs->n; i++)
        free(bs->b[i].label);
    free(bs->b);
}

/* Horizontal bars, the first on top, so that long labels read across. */
static int draw_bars(ctx *c, const struct cmd_args *a, const char *title, const struct bars *bs, const char *what)
{
    struct plot_target t;
    if (plot_target_open(c, a, &t))
        return -1;
    struct strbuf s = {0};
    plot_begin(&s, &t, cmd_opt(a, "title") ? cmd_opt(a, "title") : title);
    strbuf_puts(&s, "$bars << EOD\n");
    int widest = 0;
    int64_t total = 0;
    for (int i = bs->n - 1, row = 0; i >= 0; i--, row++) {
        const struct bar *b = &bs->b[i];
        int width = 0;     /* characters, not bytes: "·" is one */
        for (const char *p = b->label; *p; p++)
            width += ((unsigned char)*p & 0xc0) != 0x80;
        widest = width > widest ? width : widest;
        strbuf_printf(&s, "%d %lld %d ", row, (long long)b->n, b->color);
        /* a datablock string column: double quotes, embedded ones dropped */
        strbuf_putc(&s, '"');
        for (const char *p = b->label; *p; p++)
            if (*p != '"')
                strbuf_putc(&s, *p);
        strbuf_puts(&s, "\"\n");
        total += b->n;
    }
    strbuf_puts(&s, "EOD\nunset key\nset xlabel 'rows'\nset xrange [0:*]\nset yrange [-0.6:");
    strbuf_printf(&s, "%d.6]\nset ytics scale 0\nset grid noytics\n", bs->n - 1);
    if (t.kind == PLOT_TEXT) {
        strbuf_puts(&s, "plot $bars using (0):1:(0):2:($1-0.35):($1+0.35):ytic(4) with boxxyerror\n");
    } else {
        strbuf_printf(&s, "set style fill solid 0.9 noborder\nset lmargin %d\n", widest + 3);
        for (int i = 0; i < PLOT_COLORS; i++)
            strbuf_printf(&s, "set linetype %d lc rgb '%s'\n", i + 1, plot_color(i));
        strbuf_puts(&s, "plot $bars using (0):1:(0):2:($1-0.35):($1+0.35):($3+1):ytic(4) with boxxyerror lc "
                        "variable, $bars using 2:1:(sprintf(' %d', $2)) with labels left textcolor rgb '#333333'\n");
    }
    int rc = plot_finish(c, "plot", &t, &s, "bar", total);
    if (rc == 0)
        cmd_set_summary(c, "%s", what);
    strbuf_free(&s);
    return rc;
}

/* The clusters of a clustering, largest (0) first, noise last. */
static int cluster_bars(ctx *c, const char *name, struct bars *bs)
{
    struct cluster_labels l;
    if (require_relation(c, "plot", name, 0) || load_labels(c, name, &l))
        return -1;
    if (l.k == 0) {
        labels_free(&l);
        return ctx_error(c, "plot bar: %s is not a clustering result (a table made by cluster) or 'segments'", name);
    }
    struct strbuf sql = {0};
    strbuf_puts(&sql, "SELECT cluster, count(*) FROM ");
    strbuf_put_ident(&sql, name);
    strbuf_puts(&sql, " GROUP BY cluster ORDER BY cluster < 0, cluster");
    sqlite3_stmt *st;
    int rc = prepare_sql(c, "plot", strbuf_str(&sql), &st);
    strbuf_free(&sql);
    while (rc == 0 && sqlite3_step(st) == SQLITE_ROW) {
        int k = sqlite3_column_int(st, 0);
        bars_add(bs, cluster_name(&l, (const char *)sqlite3_column_text(st, 0)), sqlite3_column_int64(st, 1),
                 k < 0 ? PLOT_COLORS - 1 : k % PLOT_COLORS);
    }
    sqlite3_finalize(st);
    labels_free(&l);
    return rc;
}

/* Every segment with its size now, in name order. */
static int segment_bars(ctx *c, struct bars *bs)
{
    sqlite3_stmt *st;
    if (prepare_sql(c, "plot", "SELECT name, definition FROM _persona_segments ORDER BY name", &st))
        return -1;
    int rc = 0;
    while (rc == 0 && sqlite3_step(st) == SQLITE_ROW) {
        int64_t n = segment_count(c, "plot bar", (const char *)sqlite3_column_text(st, 1));
        if (n < 0)
            rc = -1;
        else
            bars_add(bs, xstrdup((const char *)sqlite3_column_text(st, 0)), n, bs->n % PLOT_COLORS);
    }
    sqlite3_finalize(st);
    if (rc == 0 && bs->n == 0)
        rc = ctx_error(c, "plot bar: there are no segments yet ('segment define' or 'cluster' makes them)");
    return rc;
}

/* plot bar CLUSTERING: its clusters' sizes; plot bar [segments]: every segment's. */
static int plot_bar(ctx *c, const struct cmd_args *a)
{
    if (a->argc > 2)
        return ctx_error(c, "plot bar: usage: plot bar [CLUSTERING|segments]");
    int segments = a->argc == 1 || strcmp(a->argv[1], "segments") == 0;
    struct bars bs = {0};
    char title[256];
    snprintf(title, sizeof title, "%s: segment sizes", segments ? "segments" : a->argv[1]);
    int rc = segments ? segment_bars(c, &bs) : cluster_bars(c, a->argv[1], &bs);
    if (rc == 0)
        rc = draw_bars(c, a, title, &bs, segments ? "segment sizes" : title);
    bars_free(&bs);
    return rc;
}

/* ---- plot kdist ---- */

/* The sorted distance of every row to its minpts-th nearest row, with the knee that
 * eps=auto takes; at most 2000 evenly spaced points are drawn. */
static int plot_kdist(ctx *c, const struct cmd_args *a)
{
    if (a->argc != 2)
        return ctx_error(c, "plot kdist: usage: plot kdist TABLE features=… [minpts=5]");
    const char *table = a->argv[1];
    char *end;
    long minpts = strtol(cmd_opt(a, "minpts"), &end, 10);
    if (*end || minpts < 1 || minpts > 100000)
        return ctx_error(c, "plot kdist: minpts=%s: expected a number from 1 to 100000", cmd_opt(a, "minpts"));
    struct feature_spec spec;
    struct feature_matrix fm = {0};
    if (segment_feature_spec(c, a, table, &spec) || features_load(c, &spec, &fm))
        return -1;
    double *kd = malloc((size_t)fm.n * sizeof *kd);
    int rc = kd ? dbscan_kdistance(c, fm.x, fm.n, fm.d, (int)minpts, parallel_threads(), kd)
                : ctx_error(c, "plot kdist: not enough memory for %lld rows", (long long)fm.n);
    if (rc)
        ctx_error_prefix(c, "plot kdist");
    struct plot_target t;
    if (rc == 0)
        rc = plot_target_open(c, a, &t);
    if (rc == 0) {
        double knee = dbscan_knee(kd, fm.n);
        struct strbuf s = {0};
        char title[256];
        snprintf(title, sizeof title, "%s: distance to the %ld-th nearest row (knee: eps = %.3g)", table, minpts, knee);
        plot_begin(&s, &t, cmd_opt(a, "title") ? cmd_opt(a, "title") : title);
        strbuf_puts(&s, "$kd << EOD\n");
        int64_t step = fm.n > 2000 ? fm.n / 2000 : 1;
        for (int64_t i = 0; i < fm.n; i += step)
            strbuf_printf(&s, "%lld %.10g\n", (long long)i + 1, kd[i]);
        strbuf_printf(&s, "%lld %.10g\nEOD\n", (long long)fm.n, kd[fm.n - 1]);
        strbuf_printf(&s, "unset key\nset xlabel 'rows, by distance'\nset ylabel 'k-distance (scaled units)'\n"
                          "set arrow from graph 0, first %.10g to graph 1, first %.10g nohead dt 2 lc rgb '%s'\n",
                      knee, knee, plot_color(2));
        if (t.kind == PLOT_TEXT)
            strbuf_puts(&s, "plot $kd using 1:2 with lines\n");
        else
            strbuf_printf(&s, "plot $kd using 1:2 with lines lw 2 lc rgb '%s'\n", plot_color(0));
        rc = plot_finish(c, "plot", &t, &s, "kdist", fm.n);
        if (rc == 0)
            cmd_set_summary(c, "k-distance plot of %s (minpts=%ld, knee %.3g)", table, minpts, knee);
        strbuf_free(&s);
    }
    free(kd);
    features_free(&fm);
    return rc;
}

/* ---- plot dendrogram ---- */

/* The top merges a hierarchical clustering stored, laid out: leaves left to right in
 * the tree's order, each merge above the middle of its two children. */
struct dendrogram {
    int64_t n, m, first;        /* rows, merges kept, index of the first kept */
    int64_t (*merge)[2];        /* m: children (node ids) */
    double *height;             /* m */
    int64_t (*leaf)[2];         /* node id and size of each cluster drawn as a leaf */
    int64_t nleaf_sizes;
    int nleaves;
    double cut;
};

static int64_t leaf_size(const struct dendrogram *g, int64_t node)
{
    for (int64_t i = 0; i < g->nleaf_sizes; i++)
        if (g->leaf[i][0] == node)
            return g->leaf[i][1];
    return 1;
}

static double layout(struct dendrogram *g, int64_t node, struct strbuf *seg, struct strbuf *tics, double *y)
{
    int64_t i = node - g->n - g->first;
    if (node < g->n || i < 0) {     /* a leaf: a row, or a cluster below the drawn merges */
        *y = 0;
        strbuf_printf(tics, "%s\"%lld\" %d", g->nleaves ? ", " : "", (long long)leaf_size(g, node), g->nleaves);
        return g->nleaves++;
    }
    double ya, yb;
    double xa = layout(g, g->merge[i][0], seg, tics, &ya);
    double xb = layout(g, g->merge[i][1], seg, tics, &yb);
    double h = g->height[i];
    strbuf_printf(seg, "%.10g %.10g %.10g %.10g\n", xa, ya, xa, h);
    strbuf_printf(seg, "%.10g %.10g %.10g %.10g\n", xb, yb, xb, h);
    strbuf_printf(seg, "%.10g %.10g %.10g %.10g\n", xa, h, xb, h);
    *y = h;
    return (xa + xb) / 2;
}

static int plot_dendrogram(ctx *c, const struct cmd_args *a)
{
    if (a->argc != 2)
        return ctx_error(c, "plot dendrogram: usage: plot dendrogram CLUSTERING (made by cluster hierarchical)");
    const char *name = a->argv[1];
    sqlite3_stmt *st;
    if (prepare_sql(c, "plot",
                    "SELECT json_extract(details, '$.n'), json_extract(details, '$.cut_height'), details FROM "
                    "_persona_models WHERE name = ? AND kind = 'hierarchical' ORDER BY id DESC LIMIT 1", &st))
        return -1;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    struct dendrogram g = {0};
    char *details = NULL;
    if (sqlite3_step(st) == SQLITE_ROW) {
        g.n = sqlite3_column_int64(st, 0);
        g.cut = sqlite3_column_double(st, 1);
        details = xstrdup((const char *)sqlite3_column_text(st, 2));
    }
    sqlite3_finalize(st);
    if (!details)
        return ctx_error(c, "plot dendrogram: %s is not a hierarchical clustering (cluster hierarchical … as %s)", name,
                         name);
    int rc = prepare_sql(c, "plot", "SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'), "
                                    "json_extract(value, '$[2]') FROM json_each(?, '$.dendrogram') ORDER BY key", &st);
    if (rc == 0) {
        sqlite3_bind_text(st, 1, details, -1, SQLITE_STATIC);
        while (sqlite3_step(st) == SQLITE_ROW) {
            g.merge = xrealloc(g.merge, (size_t)(g.m + 1) * sizeof *g.merge);
            g.height = xrealloc(g.height, (size_t)(g.m + 1) * sizeof *g.height);
            g.merge[g.m][0] = sqlite3_column_int64(st, 0);
            g.merge[g.m][1] = sqlite3_column_int64(st, 1);
            g.height[g.m++] = sqlite3_column_double(st, 2);
        }
        sqlite3_finalize(st);
    }
    if (rc == 0)
        rc = prepare_sql(c, "plot", "SELECT CAST(key AS INTEGER), value FROM json_each(?, '$.leaf_sizes')", &st);
    if (rc == 0) {
        sqlite3_bind_text(st, 1, details, -1, SQLITE_STATIC);
        while (sqlite3_step(st) == SQLITE_ROW) {
            g.leaf = xrealloc(g.leaf, (size_t)(g.nleaf_sizes + 1) * sizeof *g.leaf);
            g.leaf[g.nleaf_sizes][0] = sqlite3_column_int64(st, 0);
            g.leaf[g.nleaf_sizes++][1] = sqlite3_column_int64(st, 1);
        }
        sqlite3_finalize(st);
    }
    struct plot_target t;
    if (rc == 0 && g.m == 0)
        rc = ctx_error(c, "plot dendrogram: %s has no merges to draw", name);
    if (rc == 0)
        rc = plot_target_open(c, a, &t);
    if (rc == 0) {
        g.first = g.n - 1 - g.m;
        struct strbuf seg = {0}, tics = {0}, s = {0};
        double y;
        layout(&g, g.n + g.n - 2, &seg, &tics, &y);
        char title[256];
        snprintf(title, sizeof title, "%s: the top %lld merges of %lld rows", name, (long long)g.m, (long long)g.n);
        plot_begin(&s, &t, cmd_opt(a, "title") ? cmd_opt(a, "title") : title);
        strbuf_printf(&s, "$seg << EOD\n%sEOD\nunset key\nset xtics (%s) scale 0\nset xrange [-0.5:%d.5]\n"
                          "set yrange [0:*]\nset ylabel 'merge distance'\n"
                          "set xlabel 'rows in each cluster below the drawn merges'\nset grid noxtics\n",
                      strbuf_str(&seg), strbuf_str(&tics), g.nleaves - 1);
        if (isfinite(g.cut) && g.cut > 0)
            strbuf_printf(&s, "set arrow from graph 0, first %.10g to graph 1, first %.10g nohead dt 2 lc rgb '%s'\n"
                              "set label 'cut' at graph 1, first %.10g right offset 0,0.7 textcolor rgb '%s'\n",
                          g.cut, g.cut, plot_color(2), g.cut, plot_color(2));
        if (t.kind == PLOT_TEXT)
            strbuf_puts(&s, "plot $seg using 1:2:($3-$1):($4-$2) with vectors nohead\n");
        else
            strbuf_printf(&s, "plot $seg using 1:2:($3-$1):($4-$2) with vectors nohead lw 1.5 lc rgb '%s'\n",
                          plot_color(0));
        rc = plot_finish(c, "plot", &t, &s, "dendrogram", g.m);
        if (rc == 0)
            cmd_set_summary(c, "dendrogram of %s", name);
        strbuf_free(&seg);
        strbuf_free(&tics);
        strbuf_free(&s);
    }
    free(g.merge);
    free(g.height);
    free(g.leaf);
    free(details);
    return rc;
}

/* ---- plot ci ---- */

/* How a comparison is drawn: by its significance and direction, or not at all. */
enum ci_group { CI_ABOVE, CI_BELOW, CI_FLAT, CI_GROUPS, CI_UNDRAWN = CI_GROUPS };

static const char *const ci_block[CI_GROUPS] = {"above", "below", "flat"};
static const char *const ci_rgb[CI_GROUPS] = {"#59a14f", "#e15759", "#7f7f7f"};

/* One comparison of the forest plot; numbers as abtest reports them (a relative lift
 * as a fraction), scaled only in the script. */
struct ci_row {
    char label[200];
    double est, lo, hi;
    enum ci_group group;
    char why[300];              /* CI_UNDRAWN: the reason */
    const char *hint;           /* CI_UNDRAWN: what would draw it, or NULL */
    double y;
};

/* What the x axis shows: the relative lift in %, or the difference (in percentage
 * points for a rate). */
struct ci_axis {
    int relative;
    double scale;               /* 100 for % and percentage points */
    const char *unit;           /* "%", " pp" or "" */
};

static const char ci_usage[] = "plot ci TABLE variant=COL metric=COL [control=VALUE] [by=COL] "
                               "[lift=relative|absolute] [out=FILE.png|FILE.svg] [force] (and abtest's options)";

/* The rows of the plot, top to bottom: the segments in order, within each the
 * variants against control; a blank row's height between segments when each has
 * several variants.  Returns the number of rows; *top is the highest y. */
static int ci_rows(const struct ab_experiment *ab, const struct ab_spec *spec, int relative, struct ci_row **out,
                   double *top)
{
    int nv = ab->nvariants - 1, n = ab->nsegments * nv;
    struct ci_row *rows = xcalloc((size_t)n, sizeof *rows);
    double gap = spec->by && nv > 1 ? 0.6 : 0, pos = 0;
    for (int s = 0; s < ab->nsegments; s++) {
        const struct ab_segment *seg = &ab->segments[s];
        for (int v = 1; v <= nv; v++) {
            struct ci_row *r = &rows[s * nv + v - 1];
            const struct ab_comparison *cmp = &seg->cmp[v - 1];
            if (spec->by)
                snprintf(r->label, sizeof r->label, "%s: %s vs %s", seg->name ? seg->name : "(no value)",
                         ab->variants[v], ab->variants[0]);
            else
                snprintf(r->label, sizeof r->label, "%s vs %s", ab->variants[v], ab->variants[0]);
            r->y = -pos;
            pos += 1;
            r->est = relative ? cmp->rel_lift : cmp->diff;
            r->lo = relative ? cmp->rel_ci.lo - 1.0 : cmp->diff_ci.lo;
            r->hi = relative ? cmp->rel_ci.hi - 1.0 : cmp->diff_ci.hi;
            r->group = !cmp->significant ? CI_FLAT : cmp->diff > 0 ? CI_ABOVE : CI_BELOW;
            if (cmp->note[0]) {
                snprintf(r->why, sizeof r->why, "%s", cmp->note);
            } else if (relative && cmp->rel_method == RATIO_UNDEFINED) {
                snprintf(r->why, sizeof r->why, "relative interval undefined: %s", cmp->rel_note);
                r->hint = " (lift=absolute draws the difference)";
            } else if (!isfinite(r->est) || !isfinite(r->lo) || !isfinite(r->hi)) {
                snprintf(r->why, sizeof r->why, "interval undefined");
            }
            if (r->why[0])
                r->group = CI_UNDRAWN;
        }
        pos += gap;
    }
    *top = pos - gap - 1;
    for (int i = 0; i < n; i++)
        rows[i].y += *top;
    *out = rows;
    return n;
}

/* A datablock string column: double quotes, embedded ones dropped. */
static void data_string(struct strbuf *s, const char *text)
{
    strbuf_putc(s, '"');
    for (const char *p = text; *p; p++)
        if (*p != '"')
            strbuf_putc(s, *p == '\n' || *p == '\r' ? ' ' : *p);
    strbuf_putc(s, '"');
}

/* The datablocks $above, $below and $flat (y, estimate, low, high, label), the
 * counts of their rows, and the x range around them and 0. */
static void ci_data(struct strbuf *s, const struct ci_row *rows, int n, const struct ci_axis *ax,
                    int count[CI_GROUPS])
{
    double lo = 0, hi = 0;
    for (int g = 0; g < CI_GROUPS; g++) {
        count[g] = 0;
        for (int i = 0; i < n; i++) {
            const struct ci_row *r = &rows[i];
            if (r->group != (enum ci_group)g)
                continue;
            if (count[g]++ == 0)
                strbuf_printf(s, "$%s << EOD\n", ci_block[g]);
            strbuf_printf(s, "%g %.17g %.17g %.17g ", r->y, r->est, r->lo, r->hi);
            data_string(s, r->label);
            strbuf_putc(s, '\n');
            lo = fmin(lo, r->lo * ax->scale);
            hi = fmax(hi, r->hi * ax->scale);
        }
        if (count[g])
            strbuf_puts(s, "EOD\n");
    }
    double pad = hi > lo ? 0.06 * (hi - lo) : 1;
    strbuf_printf(s, "set xrange [%.10g:%.10g]\n", lo - pad, hi + pad);
}

/* Each drawn row's estimate and interval in figures right of the plot ("+19.7%
 * [+5.4%, +34.0%]", "+2.17 pp [+0.73, +3.60]": decimals enough to tell the ends of
 * the narrowest interval apart), and why a row is not drawn in its place. */
static void ci_row_labels(struct strbuf *s, const struct ci_row *rows, int n, const struct ci_axis *ax, int text)
{
    double narrowest = INFINITY;
    for (int i = 0; i < n; i++)
        if (rows[i].group != CI_UNDRAWN && rows[i].hi > rows[i].lo)
            narrowest = fmin(narrowest, (rows[i].hi - rows[i].lo) * ax->scale);
    int decimals = isfinite(narrowest) ? 2 - (int)floor(log10(narrowest)) : 2;
    decimals = decimals < 0 ? 0 : decimals > 6 ? 6 : decimals;
    const char *ends = ax->relative ? ax->unit : "";
    int widest = 0;
    for (int i = 0; i < n; i++) {
        const struct ci_row *r = &rows[i];
        if (r->group == CI_UNDRAWN) {
            strbuf_puts(s, "set label ");
            plot_quote(s, r->why);
            strbuf_printf(s, " at graph 0, first %g offset 1,0 left front textcolor rgb '#7f7f7f'\n", r->y);
            continue;
        }
        if (text)       /* too narrow for them; abtest prints the numbers */
            continue;
        char figures[160];
        int len = snprintf(figures, sizeof figures, "%+.*f%s [%+.*f%s, %+.*f%s]", decimals, r->est * ax->scale,
                           ax->unit, decimals, r->lo * ax->scale, ends, decimals, r->hi * ax->scale, ends);
        widest = len > widest ? len : widest;
        strbuf_puts(s, "set label ");
        plot_quote(s, figures);
        strbuf_printf(s, " at graph 1, first %g offset 1.5,0 left textcolor rgb '%s'\n", r->y,
                      r->group == CI_FLAT ? "#555555" : ci_rgb[r->group]);
    }
    if (widest)
        strbuf_printf(s, "set rmargin %d\n", widest + 3);
}

/* The plot command: one error-bar series per group that has rows, its legend
 * saying what significant means here. */
static void ci_plot_command(struct strbuf *s, const struct ab_experiment *ab, const struct ab_spec *spec,
                            const int count[CI_GROUPS], const struct ci_axis *ax, int text)
{
    char sig[80];
    snprintf(sig, sizeof sig, "%sp < %g", spec->correction == P_ADJUST_HOLM ? "Holm-adjusted "
                                          : spec->correction == P_ADJUST_BH ? "BH-adjusted " : "", spec->alpha);
    strbuf_puts(s, "plot ");
    for (int g = 0, first = 1; g < CI_GROUPS; g++) {
        if (!count[g])
            continue;
        strbuf_printf(s, "%s$%s using ($2*%g):1:($3*%g):($4*%g) with xerrorbars", first ? "" : ", ", ci_block[g],
                      ax->scale, ax->scale, ax->scale);
        strbuf_printf(s, "%s lc rgb '%s'", text ? "" : " pt 7 ps 1.4 lw 2", ci_rgb[g]);
        char key[160];
        if (g == CI_FLAT)
            snprintf(key, sizeof key, "not significant");
        else
            snprintf(key, sizeof key, "significantly %s %s (%s)", g == CI_ABOVE ? "above" : "below",
                     ab->variants[0], sig);
        strbuf_puts(s, " title ");
        plot_quote(s, key);
        first = 0;
    }
    strbuf_puts(s, "\n");
}

/* The forest plot: each comparison's estimate with its interval as a horizontal
 * error bar, a line at 0, significant ones coloured by direction, the numbers
 * abtest computes with the same options.  The datablocks hold them as abtest
 * reports them; the script scales them to % or percentage points. */
static int plot_ci(ctx *c, const struct cmd_args *a)
{
    if (a->argc != 2)
        return ctx_error(c, "plot ci: usage: %s", ci_usage);
    const char *lift = cmd_opt(a, "lift");
    if (strcmp(lift, "relative") != 0 && strcmp(lift, "absolute") != 0)
        return ctx_error(c, "plot ci: lift=%s: expected relative or absolute", lift);
    struct ci_axis ax = {.relative = lift[0] == 'r'};
    struct plot_target t;
    if (plot_target_open(c, a, &t))
        return -1;
    struct ab_request req;
    struct ab_experiment ab;
    struct ci_row *rows = NULL;
    int n = 0, drawn = 0, rc = abtest_from_args(c, a, "plot ci", ci_usage, a->argv[1], &req, &ab);
    const struct ab_spec *spec = &req.spec;
    double top = 0;
    if (rc == 0) {
        n = ci_rows(&ab, spec, ax.relative, &rows, &top);
        for (int i = 0; i < n; i++)
            drawn += rows[i].group != CI_UNDRAWN;
        if (drawn == 0)
            rc = ctx_error(c, "plot ci: no comparison has an interval to draw (%s: %s%s)%s", rows[0].label,
                           rows[0].why, rows[0].hint ? rows[0].hint : "", n > 1 ? ", nor has any other" : "");
        for (int i = 0; rc == 0 && i < n; i++)
            if (rows[i].group == CI_UNDRAWN)
                ctx_note(c, "plot ci: %s: not drawn: %s%s", rows[i].label, rows[i].why,
                         rows[i].hint ? rows[i].hint : "");
    }
    if (rc == 0 && ab.srm_flag) {
        struct strbuf w = {0};
        abtest_srm_warning(&ab, &w);
        ctx_note(c, "plot ci: %s", strbuf_str(&w));
        strbuf_free(&w);
    }
    if (rc) {
        plot_target_close(&t);
        abtest_free(&ab);
        free(rows);
        return -1;
    }
    int text = t.kind == PLOT_TEXT, rate = ab.kind == AB_PROPORTION;
    ax.scale = ax.relative || rate ? 100 : 1;
    ax.unit = ax.relative ? "%" : rate ? " pp" : "";
    if (!text && !cmd_opt_given(a, "height")) {     /* about 40 pixels a row */
        int h = 230 + 40 * (int)ceil(top + 1);
        t.height = h < 360 ? 360 : h > 4000 ? 4000 : h;
    }

    char title[512], xlabel[512], level[64];
    if (spec->correction == P_ADJUST_NONE)
        snprintf(level, sizeof level, "%g%% intervals", 100 * (1 - spec->alpha));
    else    /* each at the level its adjusted test implies (abtest.c: adjust_intervals) */
        snprintf(level, sizeof level, "%s-adjusted intervals", spec->correction == P_ADJUST_HOLM ? "Holm" : "BH");
    snprintf(title, sizeof title, "%s: %s in %s against %s%s%s (%s)", spec->table,
             ax.relative ? "relative lift" : "difference", spec->metric, ab.variants[0], spec->by ? ", by " : "",
             spec->by ? spec->by : "", level);
    snprintf(xlabel, sizeof xlabel, "%s in the %s of %s %s %s%s", ax.relative ? "relative lift" : "difference",
             rate ? "rate" : "mean", spec->metric, ax.relative ? "against" : "from", ab.variants[0],
             ax.relative ? " (%)" : rate ? " (percentage points)" : "");
    struct strbuf s = {0};
    int count[CI_GROUPS];
    plot_begin(&s, &t, cmd_opt(a, "title") ? cmd_opt(a, "title") : title);
    ci_data(&s, rows, n, &ax, count);
    strbuf_printf(&s, "set yrange [-0.7:%g]\nset xlabel ", top + 0.7);
    plot_quote(&s, xlabel);
    strbuf_printf(&s, "\nset format x '%s'\nset ytics scale 0 (", ax.relative ? "%g%%" : "%g");
    for (int i = 0; i < n; i++) {
        strbuf_puts(&s, i ? ", " : "");
        plot_quote(&s, rows[i].label);
        strbuf_printf(&s, " %g", rows[i].y);
    }
    /* text: no grid (its dots drown the bars), bars without end ticks (they would
     * stand in the legend's line) */
    strbuf_printf(&s, ")\n%s\nset arrow from first 0, graph 0 to first 0, graph 1 nohead lc rgb '#333333' lw 1.5 "
                      "back\n", text ? "unset grid\nset errorbars 0" : "set grid xtics noytics");
    ci_row_labels(&s, rows, n, &ax, text);
    if (ab.srm_flag)
        strbuf_printf(&s, "set label 'sample ratio mismatch (chi-square p < %g): these results cannot be trusted' "
                          "at graph 0.5, graph 1 center offset 0,0.8 front textcolor rgb '%s'\n", AB_SRM_ALPHA,
                      ci_rgb[CI_BELOW]);
    ci_plot_command(&s, &ab, spec, count, &ax, text);
    rc = plot_finish(c, "plot", &t, &s, "ci", drawn);
    if (rc == 0)
        cmd_set_summary(c, "forest plot of %d comparison%s in %s", drawn, drawn == 1 ? "" : "s", spec->table);
    strbuf_free(&s);
    free(rows);
    abtest_free(&ab);
    return rc;
}

/* ---- the command ---- */

static const struct {
    const char *kind;
    int (*draw)(ctx *c, const struct cmd_args *a);
} kinds[] = {
    {"pca", plot_pca},
    {"scatter", plot_scatter},
    {"elbow", plot_elbow},
    {"silhouette", plot_silhouette},
    {"kdist", plot_kdist},
    {"hist", plot_hist},
    {"bar", plot_bar},
    {"dendrogram", plot_dendrogram},
    {"ci", plot_ci},
};

static int plot_exec(ctx *c, const struct cmd_args *a)
{
    const char *kind = a->argv[0];
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (strcmp(kinds[i].kind, kind) == 0)
            return kinds[i].draw(c, a);
    struct strbuf b = {0};
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        strbuf_printf(&b, "%s%s", i ? ", " : "", kinds[i].kind);
    ctx_error(c, "plot: unknown kind '%s': expected %s", kind, strbuf_str(&b));
    strbuf_free(&b);
    return -1;
}

const struct cmd_entry cmd_plot_entry = {
    .name = "plot",
    .usage = "plot pca|scatter|elbow|silhouette|kdist|hist|bar|dendrogram|ci … [out=FILE.png|FILE.svg] [force]",
    .summary = "draw a plot with gnuplot: to a PNG or SVG file, or as text on stdout",
    .example = "plot pca cust_pca color=cust_k5 out=segments.png",
    .min_args = 1,
    .max_args = 2,
    .options = plot_options,
    .flags = CMD_WRITES_FILE | CMD_RECORDED,
    .exec = plot_exec,
};
