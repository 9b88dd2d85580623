/* cmd-pca.c — `pca`: principal components of a table's features, the projections
 * written back as NAME (key, pc1, pc2, …) with the model in _persona_models. */
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd.h"
#include "feature_matrix.h"
#include "jsonbuf.h"
#include "model_store.h"
#include "parallel.h"
#include "pca.h"
#include "segment_args.h"
#include "sink.h"
#include "strbuf.h"
#include "workspace.h"

static const struct cmd_option pca_options[] = {
    {"features", NULL, "numeric columns or SQL expressions, comma-separated: features=age,income"},
    {"components", "2", "components to keep and project on (at most the number of features), or all"},
    {"onehot", NULL, "categorical columns to one-hot encode (at most 50 values each)"},
    {"scale", "standard", "feature scaling: standard, minmax, robust or none"},
    {"where", NULL, "SQL condition the rows must meet"},
    {"nulls", "error", "rows with a NULL feature: error, drop, or impute (the feature's mean)"},
    {"key", NULL, "the column identifying rows (default: the table's key, else rowid)"},
    {"replace", CMD_FLAG, "write over an existing result table (undo brings it back)"},
    {NULL},
};

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int parse_components(ctx *c, const char *v, int d, int *out)
{
    if (strcmp(v, "all") == 0) {
        *out = d;
        return 0;
    }
    char *end;
    long n = strtol(v, &end, 10);
    if (end == v || *end || n < 1)
        return ctx_error(c, "pca: components=%s: expected a number of components from 1, or all", v);
    if (n > d)
        return ctx_error(c, "pca: components=%ld: there are only %d features, so at most %d components", n, d, d);
    *out = (int)n;
    return 0;
}

/* The model row: loadings as the centroids, the variances in details. */
static int store_model(ctx *c, const char *name, const char *table, const struct feature_matrix *fm,
                       const struct pca_result *r, int ncomp, const struct cmd_args *a, int64_t *id)
{
    struct strbuf params = {0}, loadings = {0}, metrics = {0}, details = {0};
    int first = 1;
    strbuf_putc(&params, '{');
    json_put_key(&params, "components", &first);
    strbuf_printf(&params, "%d", ncomp);
    const char *opts[] = {"where", "onehot", "nulls", "key"};
    for (int i = 0; i < 4; i++) {
        json_put_key(&params, opts[i], &first);
        if (cmd_opt(a, opts[i]))
            json_put_string(&params, cmd_opt(a, opts[i]));
        else
            strbuf_puts(&params, "null");
    }
    json_put_key(&params, "key_column", &first);
    json_put_string(&params, fm->key_column);
    strbuf_putc(&params, '}');
    strbuf_putc(&loadings, '[');
    for (int i = 0; i < ncomp; i++) {
        if (i)
            strbuf_putc(&loadings, ',');
        json_put_numbers(&loadings, r->components + (int64_t)i * r->d, r->d, 1);
    }
    strbuf_putc(&loadings, ']');
    first = 1;
    strbuf_putc(&metrics, '{');
    json_put_key(&metrics, "explained_variance_ratio", &first);
    json_put_numbers(&metrics, r->ratio, ncomp, 1);
    strbuf_putc(&metrics, '}');
    first = 1;
    strbuf_putc(&details, '{');
    json_put_key(&details, "explained_variance", &first);
    json_put_numbers(&details, r->variance, r->d, 1);
    json_put_key(&details, "explained_variance_ratio", &first);
    json_put_numbers(&details, r->ratio, r->d, 1);
    json_put_key(&details, "mean", &first);
    json_put_numbers(&details, r->mean, r->d, 1);
    strbuf_putc(&details, '}');
    struct model_row row = {.name = name, .kind = "pca", .source_table = table, .parameters = strbuf_str(&params),
                            .centroids = strbuf_str(&loadings), .metrics = strbuf_str(&metrics),
                            .details = strbuf_str(&details)};
    int rc = model_store_row(c, "pca", &row, fm, id);
    strbuf_free(&params);
    strbuf_free(&loadings);
    strbuf_free(&metrics);
    strbuf_free(&details);
    return rc;
}

static void write_output(ctx *c, const char *name, const char *table, const struct feature_matrix *fm,
                         const struct pca_result *r, int ncomp, int64_t id, double seconds, double fit_seconds)
{
    int d = r->d;
    sink_record_begin(c->out, "pca");
    sink_field(c->out, "table", cell_text(table));
    sink_field(c->out, "result", cell_text(name));
    sink_field(c->out, "model", cell_int(id));
    sink_field(c->out, "rows", cell_int(fm->n));
    if (fm->dropped)
        sink_field(c->out, "dropped", cell_int(fm->dropped));
    if (fm->imputed)
        sink_field(c->out, "imputed", cell_int(fm->imputed));
    struct cell *items = xcalloc((size_t)d, sizeof *items);
    for (int j = 0; j < d; j++)
        items[j] = cell_text(fm->names[j]);
    sink_field_list(c->out, "features", d, items);
    sink_field(c->out, "scale", cell_text(features_scale_name(fm->scale_method)));
    sink_field(c->out, "components", cell_int(ncomp));
    for (int i = 0; i < ncomp; i++)
        items[i] = cell_real(r->ratio[i]);
    sink_field_list(c->out, "explained_variance_ratio", ncomp, items);
    double kept = 0;
    for (int i = 0; i < ncomp; i++)
        kept += r->ratio[i];
    sink_field(c->out, "kept_ratio", cell_real(kept));
    sink_field(c->out, "seconds", cell_real(seconds));
    sink_field(c->out, "fit_seconds", cell_real(fit_seconds));
    sink_record_end(c->out);

    static const char *const vcols[] = {"component", "explained_variance", "explained_variance_ratio",
                                        "cumulative_ratio", "kept"};
    sink_table_begin(c->out, "variance", 5, vcols);
    double cum = 0;
    char pc[32];
    for (int i = 0; i < d; i++) {
        cum += r->ratio[i];
        snprintf(pc, sizeof pc, "pc%d", i + 1);
        struct cell row[] = {cell_text(pc), cell_real(r->variance[i]), cell_real(r->ratio[i]), cell_real(cum),
                             cell_bool(i < ncomp)};
        sink_table_row(c->out, row);
    }
    sink_table_end(c->out);

    /* loadings: one row per feature, one column per kept component */
    const char **cols = xcalloc((size_t)ncomp + 1, sizeof *cols);
    char **names = xcalloc((size_t)ncomp, sizeof *names);
    cols[0] = "feature";
    for (int i = 0; i < ncomp; i++) {
        snprintf(pc, sizeof pc, "pc%d", i + 1);
        cols[1 + i] = names[i] = xstrdup(pc);
    }
    struct cell *row = xcalloc((size_t)ncomp + 1, sizeof *row);
    sink_table_begin(c->out, "loadings", ncomp + 1, cols);
    for (int j = 0; j < d; j++) {
        row[0] = cell_text(fm->names[j]);
        for (int i = 0; i < ncomp; i++)
            row[1 + i] = cell_real(r->components[(int64_t)i * d + j]);
        sink_table_row(c->out, row);
    }
    sink_table_end(c->out);
    for (int i = 0; i < ncomp; i++)
        free(names[i]);
    free(names);
    free(cols);
    free(row);
    free(items);
}

static int pca_exec(ctx *c, const struct cmd_args *a)
{
    double t0 = now_seconds();
    const char *table = a->argv[0];
    char deflt[256], *name = NULL;
    snprintf(deflt, sizeof deflt, "%s_pca", table);
    struct feature_spec spec;
    struct feature_matrix fm = {0};
    struct pca_result r = {0};
    double *proj = NULL;
    int ncomp = 0;
    int rc = segment_result_name(c, a, 1, deflt, &name) || segment_feature_spec(c, a, table, &spec) ||
             require_relation(c, "pca", table, 1) ||
             model_store_check(c, "pca", name, table, cmd_opt_given(a, "replace")) || features_load(c, &spec, &fm) ||
             parse_components(c, cmd_opt(a, "components"), fm.d, &ncomp);
    if (rc == 0 && fm.n < 2)
        rc = ctx_error(c, "pca: %s has %lld row; principal components need at least 2", table, (long long)fm.n);
    double fit_seconds = 0;
    if (rc == 0) {
        double f0 = now_seconds();
        rc = pca_fit(c, fm.x, fm.n, fm.d, parallel_threads(), &r);
        fit_seconds = now_seconds() - f0;
    }
    if (rc == 0) {
        proj = malloc((size_t)fm.n * (size_t)ncomp * sizeof *proj);
        if (!proj)
            rc = ctx_error(c, "pca: not enough memory for %lld projections", (long long)fm.n);
    }
    int64_t id = 0;
    if (rc == 0) {
        pca_project(&r, fm.x, fm.n, ncomp, parallel_threads(), proj);
        const char **cols = xcalloc((size_t)ncomp, sizeof *cols);
        char **names = xcalloc((size_t)ncomp, sizeof *names);
        int *is_int = xcalloc((size_t)ncomp, sizeof *is_int);
        for (int i = 0; i < ncomp; i++) {
            char pc[32];
            snprintf(pc, sizeof pc, "pc%d", i + 1);
            cols[i] = names[i] = xstrdup(pc);
        }
        char *origin = sqlite3_mprintf("pca %s", table);
        rc = model_store_table(c, "pca", name, origin, &fm, ncomp, cols, is_int, proj) ||
             store_model(c, name, table, &fm, &r, ncomp, a, &id);
        sqlite3_free(origin);
        for (int i = 0; i < ncomp; i++)
            free(names[i]);
        free(names);
        free(cols);
        free(is_int);
    }
    if (rc == 0) {
        write_output(c, name, table, &fm, &r, ncomp, id, now_seconds() - t0, fit_seconds);
        double kept = 0;
        for (int i = 0; i < ncomp; i++)
            kept += r.ratio[i];
        cmd_set_summary(c, "%d components of %d features of %s into %s (%.1f%% of the variance)", ncomp, fm.d, table,
                        name, 100 * kept);
    }
    free(proj);
    pca_result_free(&r);
    features_free(&fm);
    free(name);
    return rc ? -1 : 0;
}

const struct cmd_entry cmd_pca_entry = {
    .name = "pca",
    .usage = "pca TABLE features=COLS [components=N|all] [scale=…] [where=…] [nulls=…] [onehot=…] [as NAME] [replace]",
    .summary = "principal components: explained variance, loadings, and projections into NAME (key, pc1, pc2, …) "
               "(undoable)",
    .example = "pca customers features=recency,frequency,monetary,tenure components=2 as cust_pca",
    .min_args = 1,
    .max_args = 3,
    .options = pca_options,
    .flags = CMD_CHANGES,
    .exec = pca_exec,
};
