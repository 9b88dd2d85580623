/* cmd-cluster.c — the segmentation commands that cluster: cluster ALGO, cluster
 * rename, elbow.
 *
 * Every algorithm runs the same way: the feature matrix is read (feature_matrix.c),
 * the algorithm fits it, clusters are numbered by size (0 the largest), the metrics
 * and profiles are computed, and the result table, the model row and one segment per
 * cluster are written (model_store.c), all in the command's transaction. */
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cluster_metrics.h"
#include "cluster_profile.h"
#include "cmd.h"
#include "dbscan.h"
#include "elbow.h"
#include "feature_matrix.h"
#include "gmm.h"
#include "hclust.h"
#include "jsonbuf.h"
#include "kmeans.h"
#include "minibatch.h"
#include "model_store.h"
#include "parallel.h"
#include "segment_args.h"
#include "sink.h"
#include "strbuf.h"
#include "undo.h"
#include "workspace.h"

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Options that only some algorithms take: a misplaced one is an error, not ignored. */
enum {
    A_KMEANS = 1 << 0,
    A_MINIBATCH = 1 << 1,
    A_HIERARCHICAL = 1 << 2,
    A_DBSCAN = 1 << 3,
    A_GMM = 1 << 4,
    A_ALL = 0x1f,
};

static const struct cmd_option cluster_options[] = {
    {"features", NULL, "numeric columns or SQL expressions, comma-separated: features=age,income"},
    {"k", NULL, "clusters; k-means and minibatch also auto (k=2..10) or A..B, picked by silhouette"},
    {"onehot", NULL, "categorical columns to one-hot encode (at most 50 values each)"},
    {"scale", "standard", "feature scaling: standard, minmax, robust or none"},
    {"where", NULL, "SQL condition the rows must meet"},
    {"nulls", "error", "rows with a NULL feature: error, drop, or impute (the feature's mean)"},
    {"key", NULL, "the column identifying rows (default: the table's key, else rowid)"},
    {"seed", "0", "random seed: the same seed gives the same clusters"},
    {"n_init", NULL, "restarts, the best kept (kmeans 10, minibatch 3, gmm 1)"},
    {"max_iter", NULL, "iterations per restart (kmeans 300, minibatch 100, gmm 100)"},
    {"tol", NULL, "convergence tolerance (kmeans 1e-4 of the mean feature variance, gmm 1e-3)"},
    {"batch", "1024", "minibatch: rows per batch"},
    {"linkage", "ward", "hierarchical: ward, average, complete or single"},
    {"distance", NULL, "hierarchical: cut the tree where merges get this far apart, instead of k"},
    {"eps", NULL, "dbscan: neighbourhood radius in scaled units, or auto (the knee of the k-distance curve)"},
    {"minpts", "5", "dbscan: rows within eps (itself included) that make a core row"},
    {"covariance", "full", "gmm: full or diag"},
    {"silhouette_sample", "20000", "rows above which the silhouette is computed on a seeded sample of this size"},
    {"replace", CMD_FLAG, "write over an existing result table (undo brings it back)"},
    {NULL},
};

static const struct { const char *option; unsigned algos; } option_scope[] = {
    {"k", A_KMEANS | A_MINIBATCH | A_HIERARCHICAL | A_GMM},
    {"n_init", A_KMEANS | A_MINIBATCH | A_GMM},
    {"max_iter", A_KMEANS | A_MINIBATCH | A_GMM},
    {"tol", A_KMEANS | A_GMM},
    {"batch", A_MINIBATCH},
    {"linkage", A_HIERARCHICAL},
    {"distance", A_HIERARCHICAL},
    {"eps", A_DBSCAN},
    {"minpts", A_DBSCAN},
    {"covariance", A_GMM},
};

/* One run of `cluster` (or one k of `elbow`). */
struct run {
    ctx *c;
    const struct cmd_args *a;
    const char *cmd;
    int algo;                   /* index into algorithms[] */
    const char *table, *name;
    struct feature_matrix fm;
    int k, k_lo, k_hi;          /* k_lo < k_hi: pick k in [k_lo, k_hi] */
    uint64_t seed;
    int n_init, max_iter, threads;
    double tol;
    int64_t sil_sample;
    struct strbuf params;       /* algorithm parameters, JSON members without braces */

    /* what the fit leaves */
    int32_t *labels;            /* n; -1: noise */
    double *centers;            /* k × d scaled units, or NULL: the cluster means */
    double inertia;             /* NAN: the within-cluster sum of squares to the means */
    int iterations, converged;
    double fit_seconds;
    double *probs;              /* gmm: n × k membership probabilities, else NULL */
    struct strbuf details;      /* algorithm details for the model row, JSON members */
    struct extra_field { const char *key; struct cell value; } fields[8];
    int nfields;                /* algorithm fields for the summary */
    int64_t noise;              /* dbscan: rows with label -1 */
    struct elbow_row *auto_table; /* the k search, one row per k tried */
    int auto_rows;
    int64_t batch;              /* minibatch */

    /* an algorithm's own results: renumbered with the clusters, described after */
    void *state;
    void (*permute)(struct run *r, const int *newlabel);
    void (*describe)(struct run *r);
    void (*free_state)(struct run *r);
};

static void add_field(struct run *r, const char *key, struct cell v)
{
    if (r->nfields < 8)
        r->fields[r->nfields++] = (struct extra_field){key, v};
}

static void param_num(struct run *r, const char *key, double v)
{
    strbuf_puts(&r->params, ",");
    json_put_string(&r->params, key);
    strbuf_puts(&r->params, ":");
    json_put_number(&r->params, v);
}

static void param_str(struct run *r, const char *key, const char *v)
{
    strbuf_puts(&r->params, ",");
    json_put_string(&r->params, key);
    strbuf_puts(&r->params, ":");
    if (v)
        json_put_string(&r->params, v);
    else
        strbuf_puts(&r->params, "null");
}

/* An integer option with a default that depends on the algorithm, within [lo, hi]. */
static int int_option(struct run *r, const char *key, int64_t def, int64_t lo, int64_t hi, int64_t *out)
{
    *out = def;
    if (cmd_opt_given(r->a, key) && cmd_opt_int(r->c, r->a, key, out))
        return -1;
    if (*out < lo || *out > hi)
        return ctx_error(r->c, "%s: %s=%lld: expected a whole number from %lld to %lld", r->cmd, key,
                         (long long)*out, (long long)lo, (long long)hi);
    return 0;
}

static int real_option(struct run *r, const char *key, double def, double lo, double *out)
{
    *out = def;
    const char *v = cmd_opt(r->a, key);
    if (!v)
        return 0;
    char *end;
    *out = strtod(v, &end);
    if (end == v || *end || !isfinite(*out) || *out < lo)
        return ctx_error(r->c, "%s: %s=%s: expected a number of at least %g", r->cmd, key, v, lo);
    return 0;
}

/* ---- the algorithms ---- */

/* Keeps a k-means or mini-batch result as the run's clustering (taking its arrays). */
static void keep_kmeans_result(struct run *r, int k, const struct kmeans_result *res)
{
    free(r->labels);
    free(r->centers);
    r->k = k;
    r->labels = res->labels;
    r->centers = res->centers;
    r->inertia = res->inertia;
    r->iterations = res->iterations;
    r->converged = res->converged;
}

static int fit_kmeans_k(struct run *r, int k)
{
    struct kmeans_params p = {.k = k, .n_init = r->n_init, .max_iter = r->max_iter, .tol = r->tol,
                              .seed = r->seed, .threads = r->threads};
    struct kmeans_result res;
    if (kmeans_fit(r->c, r->fm.x, r->fm.n, r->fm.d, &p, &res))
        return ctx_error_prefix(r->c, r->cmd);
    keep_kmeans_result(r, k, &res);
    r->nfields = 0;
    add_field(r, "ms_per_iteration", cell_real(1000.0 * res.lloyd_seconds / (res.iterations ? res.iterations : 1)));
    return 0;
}

/* n_init= and max_iter=, with the algorithm's defaults, recorded in the model. */
static int restart_options(struct run *r, int64_t n_init_default, int64_t max_iter_default)
{
    int64_t n_init, max_iter;
    if (int_option(r, "n_init", n_init_default, 1, 1000, &n_init) ||
        int_option(r, "max_iter", max_iter_default, 1, 1000000, &max_iter))
        return -1;
    r->n_init = (int)n_init;
    r->max_iter = (int)max_iter;
    param_num(r, "n_init", (double)n_init);
    param_num(r, "max_iter", (double)max_iter);
    return 0;
}

static int prepare_kmeans(struct run *r)
{
    if (restart_options(r, 10, 300) || real_option(r, "tol", 1e-4, 0.0, &r->tol))
        return -1;
    param_num(r, "tol", r->tol);
    return 0;
}

static int prepare_minibatch(struct run *r)
{
    if (restart_options(r, 3, 100) || int_option(r, "batch", 1024, 1, 10000000, &r->batch))
        return -1;
    param_num(r, "batch", (double)r->batch);
    return 0;
}

static int fit_minibatch_k(struct run *r, int k)
{
    struct minibatch_params p = {.k = k, .n_init = r->n_init, .max_iter = r->max_iter, .batch = (int)r->batch,
                                 .seed = r->seed, .threads = r->threads};
    struct kmeans_result res;
    if (minibatch_fit(r->c, r->fm.x, r->fm.n, r->fm.d, &p, &res))
        return ctx_error_prefix(r->c, r->cmd);
    keep_kmeans_result(r, k, &res);
    return 0;
}

/* hierarchical: the tree, cut at k or at a distance; the top merges kept for the
 * dendrogram. */
enum { DENDROGRAM_MERGES = 30 };

struct hier {
    enum linkage linkage;
    double distance;            /* NAN: cut at k */
    struct hclust_tree tree;
};

static void free_hier(struct run *r)
{
    struct hier *h = r->state;
    hclust_free(&h->tree);
    free(h);
}

static int prepare_hierarchical(struct run *r)
{
    struct hier *h = xcalloc(1, sizeof *h);
    r->state = h;
    r->free_state = free_hier;
    h->distance = NAN;
    if (hclust_parse_linkage(r->c, r->cmd, cmd_opt(r->a, "linkage"), &h->linkage) ||
        (cmd_opt(r->a, "distance") && real_option(r, "distance", 0, 0, &h->distance)))
        return -1;
    if (cmd_opt(r->a, "distance") && cmd_opt(r->a, "k"))
        return ctx_error(r->c, "%s: give k= or distance=, not both", r->cmd);
    param_str(r, "linkage", hclust_linkage_name(h->linkage));
    param_num(r, "distance", h->distance);
    return 0;
}

/* The top merges as JSON: [a, b, height, size] in SciPy's node numbering, with the
 * sizes of the nodes below them that the plot draws as leaves. */
static void describe_hierarchical(struct run *r)
{
    struct hier *h = r->state;
    const struct hclust_tree *t = &h->tree;
    int64_t n = t->n, m = n - 1 < DENDROGRAM_MERGES ? n - 1 : DENDROGRAM_MERGES, first = n - 1 - m;
    struct strbuf *b = &r->details;
    strbuf_printf(b, "\"n\":%lld,\"linkage\":", (long long)n);
    json_put_string(b, hclust_linkage_name(h->linkage));
    strbuf_puts(b, ",\"cut_height\":");
    json_put_number(b, h->distance);
    strbuf_puts(b, ",\"dendrogram\":[");
    for (int64_t i = first; i < n - 1; i++) {
        const struct hclust_merge *mg = &t->merges[i];
        strbuf_printf(b, "%s[%lld,%lld,", i > first ? "," : "", (long long)mg->a, (long long)mg->b);
        json_put_number(b, mg->height);
        strbuf_printf(b, ",%lld]", (long long)mg->size);
    }
    strbuf_puts(b, "],\"leaf_sizes\":{");
    int any = 0;
    for (int64_t i = first; i < n - 1; i++) {
        int64_t sides[2] = {t->merges[i].a, t->merges[i].b};
        for (int s = 0; s < 2; s++) {
            int64_t node = sides[s];
            if (node >= n + first)
                continue;
            strbuf_printf(b, "%s\"%lld\":%lld", any++ ? "," : "", (long long)node,
                          (long long)(node < n ? 1 : t->merges[node - n].size));
        }
    }
    strbuf_puts(b, "}");
}

static int fit_hierarchical(struct run *r, int k)
{
    struct hier *h = r->state;
    hclust_free(&h->tree);
    if (hclust_build(r->c, r->fm.x, r->fm.n, r->fm.d, h->linkage, &h->tree))
        return ctx_error_prefix(r->c, r->cmd);
    if (!k) {
        int64_t kk = hclust_clusters_at(&h->tree, h->distance);
        if (kk < 2)
            return ctx_error(r->c, "%s: distance=%g is above every merge (the highest is %g), which leaves one "
                                   "cluster; give a smaller distance", r->cmd, h->distance,
                             h->tree.merges[h->tree.n - 2].height);
        k = (int)kk;
    } else {
        /* where the cut falls: between the merges that leave k and k - 1 clusters */
        const struct hclust_merge *mg = h->tree.merges;
        int64_t n = h->tree.n;
        h->distance = k < n ? (mg[n - k - 1].height + mg[n - k].height) / 2 : mg[0].height / 2;
    }
    free(r->labels);
    r->labels = xmalloc((size_t)r->fm.n * sizeof *r->labels);
    hclust_cut(&h->tree, k, r->labels);
    r->k = k;
    r->iterations = (int)(h->tree.n - 1);
    r->converged = 1;
    r->describe = describe_hierarchical;
    add_field(r, "linkage", cell_text(hclust_linkage_name(h->linkage)));
    add_field(r, "cut_height", cell_real(h->distance));
    return 0;
}

/* dbscan */
struct density {
    double eps;
    int auto_eps;
    int64_t minpts;
};

static void free_density(struct run *r) { free(r->state); }

static int prepare_dbscan(struct run *r)
{
    struct density *s = xcalloc(1, sizeof *s);
    r->state = s;
    r->free_state = free_density;
    const char *eps = cmd_opt(r->a, "eps");
    if (!eps)
        return ctx_error(r->c, "%s: dbscan needs eps= (the neighbourhood radius in scaled units), or eps=auto to "
                               "take it from the k-distance curve ('plot kdist' shows it)", r->cmd);
    s->auto_eps = strcmp(eps, "auto") == 0;
    if ((!s->auto_eps && real_option(r, "eps", 0, 0, &s->eps)) || int_option(r, "minpts", 5, 1, 100000, &s->minpts))
        return -1;
    if (!s->auto_eps && s->eps <= 0)
        return ctx_error(r->c, "%s: eps=%s: expected a radius above 0, or auto", r->cmd, eps);
    param_str(r, "eps", eps);
    param_num(r, "minpts", (double)s->minpts);
    return 0;
}

static int fit_dbscan(struct run *r, int k)
{
    (void)k;
    struct density *s = r->state;
    if (s->auto_eps) {
        if (s->minpts > r->fm.n)
            return ctx_error(r->c, "%s: minpts=%lld is more than the %lld rows", r->cmd, (long long)s->minpts,
                             (long long)r->fm.n);
        double *kd = malloc((size_t)r->fm.n * sizeof *kd);
        if (!kd)
            return ctx_error(r->c, "%s: not enough memory for the k-distances", r->cmd);
        int rc = dbscan_kdistance(r->c, r->fm.x, r->fm.n, r->fm.d, (int)s->minpts, r->threads, kd);
        if (rc == 0)
            s->eps = dbscan_knee(kd, r->fm.n);
        free(kd);
        if (rc)
            return ctx_error_prefix(r->c, r->cmd);
        if (!(s->eps > 0))
            return ctx_error(r->c, "%s: eps=auto found no spread in the k-distances (many identical rows); give "
                                   "eps=", r->cmd);
    }
    struct dbscan_result res;
    if (dbscan_fit(r->c, r->fm.x, r->fm.n, r->fm.d, s->eps, (int)s->minpts, r->threads, &res))
        return ctx_error_prefix(r->c, r->cmd);
    free(r->labels);
    r->labels = res.labels;
    r->k = res.k;
    r->noise = res.noise;
    r->converged = 1;
    add_field(r, "eps", cell_real(s->eps));
    add_field(r, "minpts", cell_int(s->minpts));
    add_field(r, "core_rows", cell_int(res.core));
    add_field(r, "noise", cell_int(res.noise));
    return 0;
}

/* gmm */
struct mixture {
    enum gmm_covariance covariance;
    struct gmm_result res;
};

static void free_mixture(struct run *r)
{
    struct mixture *g = r->state;
    g->res.labels = NULL;       /* handed to the run */
    g->res.probs = NULL;
    g->res.means = NULL;
    gmm_result_free(&g->res);
    free(g);
}

static int prepare_gmm(struct run *r)
{
    struct mixture *g = xcalloc(1, sizeof *g);
    r->state = g;
    r->free_state = free_mixture;
    const char *cov = cmd_opt(r->a, "covariance");
    if (strcmp(cov, "full") == 0)
        g->covariance = GMM_FULL;
    else if (strcmp(cov, "diag") == 0)
        g->covariance = GMM_DIAG;
    else
        return ctx_error(r->c, "%s: covariance=%s: expected full or diag", r->cmd, cov);
    int64_t n_init, max_iter;
    if (int_option(r, "n_init", 1, 1, 1000, &n_init) || int_option(r, "max_iter", 100, 1, 1000000, &max_iter) ||
        real_option(r, "tol", 1e-3, 0.0, &r->tol))
        return -1;
    r->n_init = (int)n_init;
    r->max_iter = (int)max_iter;
    param_str(r, "covariance", cov);
    param_num(r, "n_init", (double)n_init);
    param_num(r, "max_iter", (double)max_iter);
    param_num(r, "tol", r->tol);
    return 0;
}

/* Weights and covariances follow the clusters' new numbers. */
static void permute_gmm(struct run *r, const int *newlabel)
{
    struct mixture *g = r->state;
    int k = r->k, d = r->fm.d;
    int64_t cs = g->covariance == GMM_FULL ? (int64_t)d * d : d;
    double *w = xmalloc((size_t)k * sizeof *w), *cov = xmalloc((size_t)k * (size_t)cs * sizeof *cov);
    for (int c = 0; c < k; c++) {
        w[newlabel[c]] = g->res.weights[c];
        memcpy(cov + newlabel[c] * cs, g->res.covariances + c * cs, (size_t)cs * sizeof *cov);
    }
    memcpy(g->res.weights, w, (size_t)k * sizeof *w);
    memcpy(g->res.covariances, cov, (size_t)k * (size_t)cs * sizeof *cov);
    free(w);
    free(cov);
}

/* Weights, and covariances in scaled units (the scaler turns them back). */
static void describe_gmm(struct run *r)
{
    struct mixture *g = r->state;
    int k = r->k, d = r->fm.d;
    int64_t cs = g->covariance == GMM_FULL ? (int64_t)d * d : d;
    struct strbuf *b = &r->details;
    strbuf_puts(b, "\"covariance\":");
    json_put_string(b, g->covariance == GMM_FULL ? "full" : "diag");
    strbuf_puts(b, ",\"weights\":");
    json_put_numbers(b, g->res.weights, k, 1);
    strbuf_puts(b, ",\"covariances_scaled\":[");
    for (int c = 0; c < k; c++) {
        if (c)
            strbuf_putc(b, ',');
        json_put_numbers(b, g->res.covariances + c * cs, cs, 1);
    }
    strbuf_puts(b, "]");
}

static int fit_gmm(struct run *r, int k)
{
    struct mixture *g = r->state;
    struct gmm_params p = {.k = k, .covariance = g->covariance, .n_init = r->n_init, .max_iter = r->max_iter,
                           .tol = r->tol, .reg_covar = 1e-6, .seed = r->seed, .threads = r->threads};
    if (gmm_fit(r->c, r->fm.x, r->fm.n, r->fm.d, &p, &g->res))
        return ctx_error_prefix(r->c, r->cmd);
    r->k = k;
    r->labels = g->res.labels;
    r->probs = g->res.probs;
    r->centers = g->res.means;
    r->iterations = g->res.iterations;
    r->converged = g->res.converged;
    r->permute = permute_gmm;
    r->describe = describe_gmm;
    add_field(r, "covariance", cell_text(g->covariance == GMM_FULL ? "full" : "diag"));
    add_field(r, "log_likelihood", cell_real(g->res.log_likelihood));
    add_field(r, "bic", cell_real(g->res.bic));
    add_field(r, "aic", cell_real(g->res.aic));
    /* a component with fewer rows than a full covariance has parameters is shaped by
     * reg_covar, not by data: its likelihood, and so the BIC, flatter it */
    int need = g->covariance == GMM_FULL ? r->fm.d + 1 : 2, thin = 0;
    double smallest = INFINITY;
    for (int c = 0; c < k; c++) {
        double rows = g->res.weights[c] * (double)r->fm.n;
        smallest = fmin(smallest, rows);
        thin += rows < (double)need;
    }
    add_field(r, "degenerate_components", cell_int(thin));
    if (thin)
        ctx_note(r->c, "%s: %d component%s hold%s fewer than %d rows (the smallest %.1f) in %d dimensions: %s "
                       "covariance is set by reg_covar, not the data, and its likelihood and the BIC flatter it; try "
                       "a smaller k, covariance=diag or n_init=10",
                 r->cmd, thin, thin == 1 ? "" : "s", thin == 1 ? "s" : "", need, smallest, r->fm.d,
                 thin == 1 ? "its" : "their");
    return 0;
}

struct algorithm {
    const char *name;
    unsigned bit;
    int auto_k;                         /* k=auto is allowed */
    int (*prepare)(struct run *r);      /* reads the algorithm's options */
    int (*fit)(struct run *r, int k);   /* k: 0 when the algorithm finds it */
};

static const struct algorithm algorithms[] = {
    {"kmeans", A_KMEANS, 1, prepare_kmeans, fit_kmeans_k},
    {"minibatch", A_MINIBATCH, 1, prepare_minibatch, fit_minibatch_k},
    {"hierarchical", A_HIERARCHICAL, 0, prepare_hierarchical, fit_hierarchical},
    {"dbscan", A_DBSCAN, 0, prepare_dbscan, fit_dbscan},
    {"gmm", A_GMM, 0, prepare_gmm, fit_gmm},
};
enum { NALGORITHMS = sizeof algorithms / sizeof algorithms[0] };

/* ---- k ---- */

/* k=N, k=auto (2..10) or k=A..B with A >= min_k. */
static int parse_k(struct run *r, int min_k)
{
    const char *v = cmd_opt(r->a, "k");
    r->k = r->k_lo = r->k_hi = 0;
    if (!v)
        return 0;
    if (strcmp(v, "auto") == 0) {
        r->k_lo = 2;
        r->k_hi = 10;
    } else if (strstr(v, "..")) {
        char *end;
        long lo = strtol(v, &end, 10);
        long hi = end[0] == '.' && end[1] == '.' ? strtol(end + 2, &end, 10) : -1;
        if (*end || lo < min_k || hi <= lo || hi > 1000)
            return ctx_error(r->c, "%s: k=%s: expected a range like 2..10 (from %d, at most 1000)", r->cmd, v, min_k);
        r->k_lo = (int)lo;
        r->k_hi = (int)hi;
    } else {
        char *end;
        long k = strtol(v, &end, 10);
        if (end == v || *end)
            return ctx_error(r->c, "%s: k=%s: expected a number of clusters, auto, or a range like 2..10", r->cmd, v);
        if (k < 2)
            return ctx_error(r->c, "%s: k=%ld: a clustering needs at least 2 clusters (k=1 puts every row in one)",
                             r->cmd, k);
        if (k > 10000)
            return ctx_error(r->c, "%s: k=%ld: at most 10000 clusters", r->cmd, k);
        r->k = (int)k;
    }
    if (r->k_lo && !algorithms[r->algo].auto_k)
        return ctx_error(r->c, "%s: k=%s: %s needs a fixed k", r->cmd, v, algorithms[r->algo].name);
    return 0;
}

/* The silhouette of the current labels: exact up to sil_sample rows, else sampled. */
static double run_silhouette(struct run *r, double *per_cluster)
{
    return silhouette_sampled(r->fm.x, r->fm.n, r->fm.d, r->labels, r->k, r->sil_sample, r->seed, r->threads,
                              per_cluster);
}

/* Fits every k of the range and keeps the one with the best silhouette. */
static int search_k(struct run *r)
{
    const struct algorithm *al = &algorithms[r->algo];
    int n = r->k_hi - r->k_lo + 1, best_k = 0;
    double best = -INFINITY, fit_total = 0.0;
    int32_t *best_labels = NULL;
    double *best_centers = NULL, best_inertia = 0;
    int best_iterations = 0, best_converged = 0;
    r->auto_table = xcalloc((size_t)n, sizeof *r->auto_table);
    for (int k = r->k_lo; k <= r->k_hi && (int64_t)k < r->fm.n; k++) {
        double t0 = now_seconds();
        if (al->fit(r, k))
            return -1;
        fit_total += now_seconds() - t0;
        double sil = run_silhouette(r, NULL);
        struct cluster_scores sc;
        cluster_scores(r->fm.x, r->fm.n, r->fm.d, r->labels, k, r->threads, &sc);
        r->auto_table[r->auto_rows++] = (struct elbow_row){
            .k = k, .inertia = isnan(r->inertia) ? sc.inertia : r->inertia, .silhouette = sil,
            .davies_bouldin = sc.davies_bouldin, .calinski_harabasz = sc.calinski_harabasz};
        if (sil > best) {
            best = sil;
            best_k = k;
            free(best_labels);
            free(best_centers);
            best_labels = r->labels;
            best_centers = r->centers;
            best_inertia = r->inertia;
            best_iterations = r->iterations;
            best_converged = r->converged;
            r->labels = NULL;
            r->centers = NULL;
        }
        ctx_progress(r->c, k - r->k_lo + 1, n, "trying k");
    }
    free(r->labels);
    free(r->centers);
    r->k = best_k;
    r->labels = best_labels;
    r->centers = best_centers;
    r->inertia = best_inertia;
    r->iterations = best_iterations;
    r->converged = best_converged;
    r->fit_seconds = fit_total;
    return 0;
}

/* Numbers the clusters by size, largest first (ties by first appearance), so the same
 * data gives the same numbering whatever order the algorithm found them in. */
static void number_by_size(struct run *r)
{
    int k = r->k, d = r->fm.d;
    int64_t *size = xcalloc((size_t)k, sizeof *size), *first = xcalloc((size_t)k, sizeof *first);
    for (int c = 0; c < k; c++)
        first[c] = INT64_MAX;
    for (int64_t i = 0; i < r->fm.n; i++) {
        int32_t l = r->labels[i];
        if (l < 0)
            continue;
        size[l]++;
        if (first[l] == INT64_MAX)
            first[l] = i;
    }
    int *order = xmalloc((size_t)k * sizeof *order), *newlabel = xmalloc((size_t)k * sizeof *newlabel);
    for (int c = 0; c < k; c++)
        order[c] = c;
    for (int a = 1; a < k; a++) {        /* insertion sort: k is small */
        int o = order[a], b = a;
        while (b > 0 && (size[order[b - 1]] < size[o] ||
                         (size[order[b - 1]] == size[o] && first[order[b - 1]] > first[o]))) {
            order[b] = order[b - 1];
            b--;
        }
        order[b] = o;
    }
    for (int c = 0; c < k; c++)
        newlabel[order[c]] = c;
    for (int64_t i = 0; i < r->fm.n; i++)
        if (r->labels[i] >= 0)
            r->labels[i] = newlabel[r->labels[i]];
    if (r->centers) {
        double *old = xmalloc((size_t)k * (size_t)d * sizeof *old);
        memcpy(old, r->centers, (size_t)k * (size_t)d * sizeof *old);
        for (int c = 0; c < k; c++)
            memcpy(r->centers + (int64_t)newlabel[c] * d, old + (int64_t)c * d, (size_t)d * sizeof *old);
        free(old);
    }
    if (r->probs) {
        double *row = xmalloc((size_t)k * sizeof *row);
        for (int64_t i = 0; i < r->fm.n; i++) {
            double *p = r->probs + i * k;
            for (int c = 0; c < k; c++)
                row[newlabel[c]] = p[c];
            memcpy(p, row, (size_t)k * sizeof *row);
        }
        free(row);
    }
    if (r->permute)
        r->permute(r, newlabel);
    free(size);
    free(first);
    free(order);
    free(newlabel);
}

/* ---- reading the command line ---- */

/* The options every clustering reads: features, scaling, NULLs, seed, sampling. */
static int read_common(struct run *r, struct feature_spec *spec)
{
    const struct cmd_args *a = r->a;
    if (segment_feature_spec(r->c, a, r->table, spec))
        return -1;
    int64_t seed, sample;
    if (int_option(r, "seed", 0, 0, INT64_MAX, &seed) ||
        int_option(r, "silhouette_sample", 20000, 2, INT64_MAX, &sample))
        return -1;
    r->seed = (uint64_t)seed;
    r->sil_sample = sample;
    r->threads = parallel_threads();
    strbuf_puts(&r->params, "{");
    json_put_string(&r->params, "seed");
    strbuf_printf(&r->params, ":%lld", (long long)seed);
    param_str(r, "where", spec->where);
    param_str(r, "onehot", spec->onehot);
    param_str(r, "nulls", cmd_opt(a, "nulls"));
    param_str(r, "key", spec->key);
    return 0;
}

static int find_algorithm(ctx *c, const char *name)
{
    for (int i = 0; i < NALGORITHMS; i++)
        if (strcmp(algorithms[i].name, name) == 0)
            return i;
    struct strbuf b = {0};
    for (int i = 0; i < NALGORITHMS; i++)
        strbuf_printf(&b, "%s%s", i ? ", " : "", algorithms[i].name);
    ctx_error(c, "cluster: unknown algorithm '%s': expected %s, or rename", name, strbuf_str(&b));
    strbuf_free(&b);
    return -1;
}

/* An option that belongs to other algorithms is an error rather than silently unused. */
static int check_scope(struct run *r)
{
    for (size_t i = 0; i < sizeof option_scope / sizeof option_scope[0]; i++) {
        if (!cmd_opt_given(r->a, option_scope[i].option) || (option_scope[i].algos & algorithms[r->algo].bit))
            continue;
        struct strbuf b = {0};
        for (int t = 0; t < NALGORITHMS; t++)
            if (option_scope[i].algos & algorithms[t].bit)
                strbuf_printf(&b, "%s%s", b.len ? ", " : "", algorithms[t].name);
        ctx_error(r->c, "%s: option %s= does not apply to %s (only to %s)", r->cmd, option_scope[i].option,
                  algorithms[r->algo].name, strbuf_str(&b));
        strbuf_free(&b);
        return -1;
    }
    return 0;
}

/* ---- writing the result ---- */

static void metric_member(struct strbuf *b, const char *key, double v, int *first)
{
    json_put_key(b, key, first);
    json_put_number(b, v);
}

/* The result table, the model row and the segments. */
static int store(struct run *r, const struct cluster_profile *prof, double silhouette, int64_t sampled,
                 const struct cluster_scores *sc, int64_t *model_id)
{
    int k = r->k, d = r->fm.d;
    int ncols = 1 + (r->probs ? k : 0);
    const char **cols = xcalloc((size_t)ncols, sizeof *cols);
    int *is_int = xcalloc((size_t)ncols, sizeof *is_int);
    char **prob_names = xcalloc((size_t)k, sizeof *prob_names);
    cols[0] = "cluster";
    is_int[0] = 1;
    for (int c = 0; r->probs && c < k; c++) {
        struct strbuf nm = {0};
        strbuf_printf(&nm, "prob_%d", c);
        prob_names[c] = xstrdup(strbuf_str(&nm));
        strbuf_free(&nm);
        cols[1 + c] = prob_names[c];
    }
    double *values = malloc((size_t)r->fm.n * (size_t)ncols * sizeof *values);
    int rc = values ? 0 : ctx_error(r->c, "%s: not enough memory for the result of %lld rows", r->cmd,
                                    (long long)r->fm.n);
    for (int64_t i = 0; rc == 0 && i < r->fm.n; i++) {
        values[i * ncols] = r->labels[i];
        for (int c = 0; r->probs && c < k; c++)
            values[i * ncols + 1 + c] = r->probs[i * k + c];
    }
    char *origin = sqlite3_mprintf("cluster %s %s", algorithms[r->algo].name, r->table);
    if (rc == 0)
        rc = model_store_table(r->c, r->cmd, r->name, origin, &r->fm, ncols, cols, is_int, values);
    sqlite3_free(origin);
    free(values);
    for (int c = 0; c < k; c++)
        free(prob_names[c]);
    free(prob_names);
    free(cols);
    free(is_int);
    if (rc)
        return -1;

    struct strbuf centroids = {0}, labels = {0}, metrics = {0}, details = {0};
    strbuf_putc(&centroids, '[');
    double *row = xmalloc((size_t)d * sizeof *row);
    for (int c = 0; c < k; c++) {
        for (int j = 0; j < d; j++)
            row[j] = r->centers ? features_unscale(&r->fm, j, r->centers[(int64_t)c * d + j])
                                : prof->means[(int64_t)c * d + j];
        if (c)
            strbuf_putc(&centroids, ',');
        json_put_numbers(&centroids, row, d, 1);
    }
    free(row);
    strbuf_putc(&centroids, ']');
    json_put_strings(&labels, (const char *const *)prof->labels, k);
    int first = 1;
    strbuf_putc(&metrics, '{');
    metric_member(&metrics, "inertia", isnan(r->inertia) ? sc->inertia : r->inertia, &first);
    metric_member(&metrics, "silhouette", silhouette, &first);
    metric_member(&metrics, "silhouette_sample", sampled ? (double)sampled : NAN, &first);
    metric_member(&metrics, "davies_bouldin", sc->davies_bouldin, &first);
    metric_member(&metrics, "calinski_harabasz", sc->calinski_harabasz, &first);
    for (int f = 0; f < r->nfields; f++)     /* numbers about the clustering, not about the run's speed */
        if ((r->fields[f].value.type == CELL_REAL || r->fields[f].value.type == CELL_INT) &&
            strcmp(r->fields[f].key, "ms_per_iteration") != 0)
            metric_member(&metrics, r->fields[f].key,
                          r->fields[f].value.type == CELL_REAL ? r->fields[f].value.d : (double)r->fields[f].value.i,
                          &first);
    strbuf_putc(&metrics, '}');
    strbuf_printf(&details, "{%s}", strbuf_str(&r->details));
    strbuf_putc(&r->params, '}');
    struct model_row mr = {.name = r->name, .kind = algorithms[r->algo].name, .source_table = r->table,
                           .parameters = strbuf_str(&r->params), .centroids = strbuf_str(&centroids),
                           .labels = strbuf_str(&labels), .metrics = strbuf_str(&metrics),
                           .details = strbuf_str(&details)};
    rc = model_store_row(r->c, r->cmd, &mr, &r->fm, model_id);
    if (rc == 0)
        rc = model_store_segments(r->c, r->cmd, *model_id, r->name, r->table, k, (const char *const *)prof->labels,
                                  r->noise > 0);
    strbuf_free(&centroids);
    strbuf_free(&labels);
    strbuf_free(&metrics);
    strbuf_free(&details);
    return rc;
}

static struct cell real_or_null(double v) { return isfinite(v) ? cell_real(v) : cell_null(); }

static void write_output(struct run *r, const struct cluster_profile *prof, const double *sil_per_cluster,
                         double silhouette, int64_t sampled, const struct cluster_scores *sc, int64_t model_id,
                         double seconds)
{
    ctx *c = r->c;
    int k = r->k, d = r->fm.d;
    sink_record_begin(c->out, "cluster");
    sink_field(c->out, "algorithm", cell_text(algorithms[r->algo].name));
    sink_field(c->out, "table", cell_text(r->table));
    sink_field(c->out, "result", cell_text(r->name));
    sink_field(c->out, "model", cell_int(model_id));
    sink_field(c->out, "rows", cell_int(r->fm.n));
    if (r->fm.dropped)
        sink_field(c->out, "dropped", cell_int(r->fm.dropped));
    if (r->fm.imputed)
        sink_field(c->out, "imputed", cell_int(r->fm.imputed));
    struct cell *items = xcalloc((size_t)(d > k ? d : k), sizeof *items);
    for (int j = 0; j < d; j++)
        items[j] = cell_text(r->fm.names[j]);
    sink_field_list(c->out, "features", d, items);
    sink_field(c->out, "scale", cell_text(features_scale_name(r->fm.scale_method)));
    sink_field(c->out, "k", cell_int(k));
    for (int cl = 0; cl < k; cl++)
        items[cl] = cell_int(prof->sizes[cl]);
    sink_field_list(c->out, "sizes", k, items);
    free(items);
    sink_field(c->out, "inertia", real_or_null(isnan(r->inertia) ? sc->inertia : r->inertia));
    sink_field(c->out, "silhouette", real_or_null(silhouette));
    sink_field(c->out, "silhouette_sample", sampled ? cell_int(sampled) : cell_null());
    sink_field(c->out, "davies_bouldin", real_or_null(sc->davies_bouldin));
    sink_field(c->out, "calinski_harabasz", real_or_null(sc->calinski_harabasz));
    if (r->noise)   /* the scores would change a lot with the noise in: say they are without it */
        sink_field(c->out, "scores_over", cell_int(r->fm.n - r->noise));
    sink_field(c->out, "iterations", cell_int(r->iterations));
    sink_field(c->out, "converged", cell_bool(r->converged));
    for (int f = 0; f < r->nfields; f++)
        sink_field(c->out, r->fields[f].key, r->fields[f].value);
    sink_field(c->out, "seed", cell_int((int64_t)r->seed));
    sink_field(c->out, "seconds", cell_real(seconds));
    sink_field(c->out, "fit_seconds", cell_real(r->fit_seconds));
    sink_record_end(c->out);

    if (r->auto_rows) {
        static const char *const cols[] = {"k", "inertia", "silhouette", "davies_bouldin", "calinski_harabasz"};
        sink_table_begin(c->out, "k_search", 5, cols);
        for (int i = 0; i < r->auto_rows; i++) {
            const struct elbow_row *e = &r->auto_table[i];
            struct cell row[5] = {cell_int((int64_t)e->k), real_or_null(e->inertia), real_or_null(e->silhouette),
                                  real_or_null(e->davies_bouldin), real_or_null(e->calinski_harabasz)};
            sink_table_row(c->out, row);
        }
        sink_table_end(c->out);
    }

    int ncols = 5 + d;
    const char **cols = xcalloc((size_t)ncols, sizeof *cols);
    struct cell *row = xcalloc((size_t)ncols, sizeof *row);
    cols[0] = "cluster";
    cols[1] = "label";
    cols[2] = "size";
    cols[3] = "share";
    cols[4] = "silhouette";
    for (int j = 0; j < d; j++)
        cols[5 + j] = r->fm.names[j];
    int64_t total = r->fm.n;
    sink_table_begin(c->out, "clusters", ncols, cols);
    for (int cl = r->noise ? -1 : 0; cl < k; cl++) {
        if (cl < 0) {   /* DBSCAN's noise: a size, no profile */
            row[0] = cell_int(-1);
            row[1] = cell_text("noise");
            row[2] = cell_int(r->noise);
            row[3] = cell_real(round(1000.0 * (double)r->noise / (double)total) / 10.0);
            for (int j = 4; j < ncols; j++)
                row[j] = cell_null();
        } else {
            row[0] = cell_int(cl);
            row[1] = cell_text(prof->labels[cl]);
            row[2] = cell_int(prof->sizes[cl]);
            row[3] = cell_real(round(1000.0 * (double)prof->sizes[cl] / (double)total) / 10.0);
            row[4] = real_or_null(sil_per_cluster[cl]);
            for (int j = 0; j < d; j++)
                row[5 + j] = real_or_null(prof->means[(int64_t)cl * d + j]);
        }
        sink_table_row(c->out, row);
    }
    sink_table_end(c->out);
    /* z-scores: how many standard deviations each cluster's mean is from all rows' */
    const char **zcols = cols + 4;
    zcols[0] = "cluster";
    sink_table_begin(c->out, "zscores", 1 + d, zcols);
    for (int cl = 0; cl < k; cl++) {
        row[0] = cell_int(cl);
        for (int j = 0; j < d; j++)
            row[1 + j] = real_or_null(round(100.0 * prof->z[(int64_t)cl * d + j]) / 100.0);
        sink_table_row(c->out, row);
    }
    sink_table_end(c->out);
    free(cols);
    free(row);
}

static void run_free(struct run *r)
{
    if (r->free_state)
        r->free_state(r);
    features_free(&r->fm);
    free(r->labels);
    free(r->centers);
    free(r->probs);
    free(r->auto_table);
    strbuf_free(&r->params);
    strbuf_free(&r->details);
}

static int cluster_rename(ctx *c, const struct cmd_args *a);

static int cluster_exec(ctx *c, const struct cmd_args *a)
{
    double t0 = now_seconds();
    if (strcmp(a->argv[0], "rename") == 0)
        return cluster_rename(c, a);
    if (a->argc < 2)
        return ctx_error(c, "cluster: missing the table; usage: %s", a->entry->usage);
    struct run r = {.c = c, .a = a, .cmd = "cluster", .table = a->argv[1], .inertia = NAN};
    r.algo = find_algorithm(c, a->argv[0]);
    if (r.algo < 0)
        return -1;
    char deflt[256];
    snprintf(deflt, sizeof deflt, "%s_%s", r.table, algorithms[r.algo].name);
    char *name = NULL;
    struct feature_spec spec;
    int rc = segment_result_name(c, a, 2, deflt, &name);
    r.name = name;
    if (rc == 0)
        rc = check_scope(&r) || parse_k(&r, 2) || read_common(&r, &spec) || algorithms[r.algo].prepare(&r);
    if (rc == 0 && !r.k && !r.k_lo && algorithms[r.algo].bit != A_DBSCAN && !cmd_opt_given(a, "distance"))
        rc = ctx_error(c, "cluster: %s needs k=N (or k=auto to pick k by silhouette; 'elbow' compares k)",
                       algorithms[r.algo].name);
    if (rc == 0)
        rc = require_relation(c, "cluster", r.table, 1) ||
             model_store_check(c, "cluster", r.name, r.table, cmd_opt_given(a, "replace")) ||
             features_load(c, &spec, &r.fm);
    if (rc == 0 && r.k && (int64_t)r.k > r.fm.n)
        rc = ctx_error(c, "cluster: k=%d is more than the %lld rows to cluster", r.k, (long long)r.fm.n);
    if (rc == 0 && r.k_lo && (int64_t)r.k_lo >= r.fm.n)
        rc = ctx_error(c, "cluster: k=%d..%d needs more than %lld rows", r.k_lo, r.k_hi, (long long)r.fm.n);
    if (rc == 0) {
        param_str(&r, "key_column", r.fm.key_column);
        param_num(&r, "k", r.k_lo ? NAN : r.k);
        if (r.k_lo)
            param_str(&r, "k_range", cmd_opt(a, "k"));
        double f0 = now_seconds();
        rc = r.k_lo ? search_k(&r) : algorithms[r.algo].fit(&r, r.k);
        if (!r.k_lo)
            r.fit_seconds = now_seconds() - f0;
    }
    if (rc == 0 && ctx_is_cancelled(c))
        rc = ctx_cancelled(c);
    if (rc == 0 && r.k < 1)
        rc = ctx_error(c, "cluster: %s found no clusters%s", algorithms[r.algo].name,
                       r.noise ? ": every row is noise (try a larger eps or a smaller minpts)" : "");
    if (rc == 0) {
        number_by_size(&r);
        if (r.describe)
            r.describe(&r);
        double *sil_per = xcalloc((size_t)r.k, sizeof *sil_per);
        ctx_progress(c, 0, 0, "silhouette");
        double sil = run_silhouette(&r, sil_per);
        int64_t labelled = r.fm.n - r.noise;
        int64_t sampled = labelled > r.sil_sample ? r.sil_sample : 0;
        struct cluster_scores sc;
        cluster_scores(r.fm.x, r.fm.n, r.fm.d, r.labels, r.k, r.threads, &sc);
        struct cluster_profile prof;
        cluster_profile_build(&r.fm, r.labels, r.k, &prof);
        int64_t model_id = 0;
        rc = store(&r, &prof, sil, sampled, &sc, &model_id);
        if (rc == 0) {
            write_output(&r, &prof, sil_per, sil, sampled, &sc, model_id, now_seconds() - t0);
            if (r.noise)
                ctx_note(c, "cluster: silhouette, Davies-Bouldin and Calinski-Harabasz are over the %lld rows in "
                            "clusters; the %lld noise rows are left out of them",
                         (long long)labelled, (long long)r.noise);
            if (sampled)
                ctx_note(c, "cluster: silhouette of a seeded sample of %lld of %lld rows (silhouette_sample=N)",
                         (long long)sampled, (long long)labelled);
            cmd_set_summary(c, "%s k=%d on %lld rows of %s into %s (silhouette %.3f)", algorithms[r.algo].name, r.k,
                            (long long)r.fm.n, r.table, r.name, sil);
        }
        cluster_profile_free(&prof);
        free(sil_per);
    }
    run_free(&r);
    free(name);
    return rc ? -1 : 0;
}

/* ---- cluster rename ---- */

static int cluster_rename(ctx *c, const struct cmd_args *a)
{
    if (a->argc != 4)
        return ctx_error(c, "cluster rename: usage: cluster rename NAME N \"Label\"");
    const char *name = a->argv[1], *label = a->argv[3];
    char *end;
    long n = strtol(a->argv[2], &end, 10);
    if (end == a->argv[2] || *end)
        return ctx_error(c, "cluster rename: '%s' is not a cluster number", a->argv[2]);
    if (!*label || strchr(label, '/'))
        return ctx_error(c, "cluster rename: a label must be non-empty and without '/' (segments are MODEL/label)");
    sqlite3_stmt *st;
    if (prepare_sql(c, "cluster rename",
                    "SELECT id, json_array_length(labels), json_extract(labels, '$[' || ? || ']'), "
                    "(SELECT count(*) FROM json_each(labels) WHERE value = ?) "
                    "FROM _persona_models WHERE name = ? AND labels IS NOT NULL ORDER BY id DESC LIMIT 1", &st))
        return -1;
    sqlite3_bind_int64(st, 1, n);
    sqlite3_bind_text(st, 2, label, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, name, -1, SQLITE_STATIC);
    int rc = 0;
    int64_t id = 0;
    char *old = NULL;
    if (sqlite3_step(st) != SQLITE_ROW) {
        rc = ctx_error(c, "cluster rename: no clustering named '%s' (the result name of a cluster command)", name);
    } else {
        id = sqlite3_column_int64(st, 0);
        int k = sqlite3_column_int(st, 1);
        if (n < 0 || n >= k)
            rc = ctx_error(c, "cluster rename: %s has clusters 0 to %d, not %ld", name, k - 1, n);
        else if (sqlite3_column_int(st, 3) > 0)
            rc = ctx_error(c, "cluster rename: another cluster of %s is already labelled '%s'", name, label);
        else
            old = xstrdup((const char *)sqlite3_column_text(st, 2));
    }
    sqlite3_finalize(st);
    if (rc)
        return -1;
    char *update = sqlite3_mprintf(
        "UPDATE _persona_models SET labels = json_replace(labels, '$[%ld]', %Q) WHERE id = %lld; "
        "UPDATE _persona_segments SET name = %Q || '/' || %Q, label = %Q WHERE model_id = %lld AND label = %Q",
        n, label, (long long)id, name, label, label, (long long)id, old);
    char *undo = sqlite3_mprintf(
        "UPDATE _persona_models SET labels = json_replace(labels, '$[%ld]', %Q) WHERE id = %lld; "
        "UPDATE _persona_segments SET name = %Q || '/' || %Q, label = %Q WHERE model_id = %lld AND label = %Q",
        n, old, (long long)id, name, old, old, (long long)id, label);
    rc = exec_sql(c, "cluster rename", update) || undo_exec(c, undo);
    sqlite3_free(update);
    sqlite3_free(undo);
    if (rc == 0) {
        char segment[512];
        snprintf(segment, sizeof segment, "%s/%s", name, label);
        sink_record_begin(c->out, NULL);
        sink_field(c->out, "model", cell_text(name));
        sink_field(c->out, "cluster", cell_int(n));
        sink_field(c->out, "from", cell_text(old));
        sink_field(c->out, "label", cell_text(label));
        sink_field(c->out, "segment", cell_text(segment));
        sink_record_end(c->out);
        cmd_set_summary(c, "%s cluster %ld: '%s' → '%s'", name, n, old, label);
    }
    free(old);
    return rc ? -1 : 0;
}

const struct cmd_entry cmd_cluster_entry = {
    .name = "cluster",
    .usage = "cluster kmeans|minibatch|hierarchical|dbscan|gmm TABLE features=COLS [k=N|auto|A..B] [as NAME] "
             "[scale=…] [where=…] [nulls=…] [onehot=…] [seed=N] [replace] …  |  cluster rename NAME N \"Label\"",
    .summary = "cluster the rows of a table into NAME (key, cluster), profile the clusters and make each a "
               "segment NAME/label (undoable)",
    .example = "cluster kmeans customers features=recency,frequency,monetary k=5 as rfm_k5",
    .min_args = 1,
    .max_args = 4,
    .options = cluster_options,
    .flags = CMD_CHANGES,
    .exec = cluster_exec,
};

/* ---- elbow ---- */

static const struct cmd_option elbow_options[] = {
    {"features", NULL, "numeric columns or SQL expressions, comma-separated: features=age,income"},
    {"k", "2..10", "the range of k to try, A..B (A >= 1)"},
    {"onehot", NULL, "categorical columns to one-hot encode (at most 50 values each)"},
    {"scale", "standard", "feature scaling: standard, minmax, robust or none"},
    {"where", NULL, "SQL condition the rows must meet"},
    {"nulls", "error", "rows with a NULL feature: error, drop, or impute (the feature's mean)"},
    {"key", NULL, "the column identifying rows (default: the table's key, else rowid)"},
    {"seed", "0", "random seed"},
    {"n_init", "10", "k-means restarts per k, the best kept"},
    {"max_iter", "300", "iterations per restart"},
    {"tol", "0.0001", "convergence tolerance, relative to the mean feature variance"},
    {"silhouette_sample", "20000", "rows above which the silhouette is computed on a seeded sample of this size"},
    {NULL},
};

int elbow_compute(ctx *c, const struct cmd_args *a, int first, struct elbow_row **rows, int *nrows)
{
    const char *cmd = a->entry->name;
    if (a->argc <= first)
        return ctx_error(c, "%s: missing the table; usage: %s", cmd, a->entry->usage);
    struct run r = {.c = c, .a = a, .cmd = cmd, .table = a->argv[first], .inertia = NAN};
    struct feature_spec spec;
    int rc = read_common(&r, &spec) || prepare_kmeans(&r);
    if (rc == 0 && !cmd_opt(a, "k")) {
        r.k_lo = 2;
        r.k_hi = 10;
    } else if (rc == 0) {
        rc = parse_k(&r, 1);
        if (rc == 0 && !r.k_lo)
            rc = ctx_error(c, "%s: k=%s: expected a range like 2..10", cmd, cmd_opt(a, "k"));
    }
    if (rc == 0)
        rc = features_load(c, &spec, &r.fm);
    if (rc == 0 && (int64_t)r.k_lo >= r.fm.n)
        rc = ctx_error(c, "%s: k=%d..%d needs more than %lld rows", cmd, r.k_lo, r.k_hi, (long long)r.fm.n);
    if (rc == 0)
        rc = search_k(&r);
    if (rc == 0) {
        *rows = r.auto_table;
        *nrows = r.auto_rows;
        r.auto_table = NULL;
    }
    run_free(&r);
    return rc ? -1 : 0;
}

static int elbow_exec(ctx *c, const struct cmd_args *a)
{
    struct elbow_row *rows;
    int n;
    if (elbow_compute(c, a, 0, &rows, &n))
        return -1;
    static const char *const cols[] = {"k", "inertia", "silhouette", "davies_bouldin", "calinski_harabasz"};
    sink_table_begin(c->out, NULL, 5, cols);
    for (int i = 0; i < n; i++) {
        struct cell row[5] = {cell_int((int64_t)rows[i].k), real_or_null(rows[i].inertia),
                              real_or_null(rows[i].silhouette), real_or_null(rows[i].davies_bouldin),
                              real_or_null(rows[i].calinski_harabasz)};
        sink_table_row(c->out, row);
    }
    sink_table_end(c->out);
    cmd_set_summary(c, "k=%g..%g on %s", rows[0].k, rows[n - 1].k, a->argv[0]);
    free(rows);
    return 0;
}

const struct cmd_entry cmd_elbow_entry = {
    .name = "elbow",
    .usage = "elbow TABLE features=COLS [k=2..10] [scale=…] [where=…] [nulls=…] [seed=N] [n_init=N]",
    .summary = "k-means for each k of a range: inertia, silhouette, Davies-Bouldin and Calinski-Harabasz by k",
    .example = "elbow customers features=recency,frequency,monetary k=2..8",
    .min_args = 1,
    .max_args = 1,
    .options = elbow_options,
    .flags = CMD_RECORDED,
    .exec = elbow_exec,
};
