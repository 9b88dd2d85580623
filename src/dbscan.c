/* dbscan.c — core rows, components of core rows, border rows. */
#include "dbscan.h"

#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "kdtree.h"
#include "parallel.h"
#include "strbuf.h"

enum { BLOCK = 1024 };

/* Pass 1, per row: its neighbours, up to `cap` of them (cap >= minpts).  A row with
 * more is core, and the union pass queries it again; every other row's list is
 * complete, so most rows are queried once.  Memory: n × cap row numbers. */
struct count_job {
    const struct kdtree *tree;
    const double *x;
    int d;
    double eps;
    int minpts, cap;
    int32_t *nbr;           /* n × cap */
    int *nnbr;              /* how many found, cap + 1 for more than cap */
    double *kdist;          /* for the k-distance curve instead */
};

struct count_arg {
    int32_t *nbr;
    int found, cap;
};

static int count_neighbour(void *arg, int64_t row)
{
    struct count_arg *a = arg;
    if (a->found < a->cap)
        a->nbr[a->found] = (int32_t)row;
    return ++a->found > a->cap;
}

static void count_block(void *arg, int64_t b, int64_t begin, int64_t end)
{
    (void)b;
    struct count_job *j = arg;
    for (int64_t p = begin; p < end; p++) {
        int64_t i = kdtree_row(j->tree, p);
        if (j->kdist) {
            j->kdist[i] = kdtree_kth_distance(j->tree, j->x + i * j->d, j->minpts);
            continue;
        }
        struct count_arg a = {.nbr = j->nbr + i * j->cap, .cap = j->cap};
        kdtree_radius(j->tree, j->x + i * j->d, j->eps, count_neighbour, &a);
        j->nnbr[i] = a.found;
    }
}

/* A union-find shared by the threads: links only ever point from a higher row to a
 * lower one and are set by compare-and-swap, so every component ends with its lowest
 * row as root, in whatever order the threads unite. */
static int64_t find(_Atomic int64_t *parent, int64_t i)
{
    for (;;) {
        int64_t p = atomic_load_explicit(&parent[i], memory_order_relaxed);
        if (p == i)
            return i;
        int64_t gp = atomic_load_explicit(&parent[p], memory_order_relaxed);
        if (gp != p)        /* path halving; a lost race only costs speed */
            atomic_compare_exchange_weak(&parent[i], &p, gp);
        i = gp;
    }
}

static void unite_roots(_Atomic int64_t *parent, int64_t a, int64_t b)
{
    for (;;) {
        a = find(parent, a);
        b = find(parent, b);
        if (a == b)
            return;
        if (a < b) {
            int64_t t = a;
            a = b;
            b = t;
        }
        int64_t expected = a;
        if (atomic_compare_exchange_strong(&parent[a], &expected, b))
            return;
    }
}

/* Pass 2, per core row: unite it with its core neighbours, from its list when that
 * is complete, else from a second query. */
struct union_job {
    const struct kdtree *tree;
    const double *x;
    int d, cap;
    double eps;
    const char *core;
    const int32_t *nbr;
    const int *nnbr;
    _Atomic int64_t *parent;
};

struct union_arg {
    const struct union_job *j;
    int64_t row;
};

static int unite(void *arg, int64_t other)
{
    struct union_arg *u = arg;
    if (other < u->row && u->j->core[other])     /* each pair once */
        unite_roots(u->j->parent, u->row, other);
    return 0;
}

static void union_block(void *arg, int64_t b, int64_t begin, int64_t end)
{
    (void)b;
    struct union_job *j = arg;
    for (int64_t p = begin; p < end; p++) {
        int64_t i = kdtree_row(j->tree, p);
        if (!j->core[i])
            continue;
        struct union_arg u = {.j = j, .row = i};
        if (j->nnbr[i] <= j->cap)
            for (int t = 0; t < j->nnbr[i]; t++)
                unite(&u, j->nbr[i * j->cap + t]);
        else
            kdtree_radius(j->tree, j->x + i * j->d, j->eps, unite, &u);
    }
}

enum { MIN_CAP = 16 };

int dbscan_fit(ctx *c, const double *x, int64_t n, int d, double eps, int minpts, int threads,
               struct dbscan_result *r)
{
    memset(r, 0, sizeof *r);
    if (n > INT32_MAX)
        return ctx_error(c, "dbscan: at most %d rows", INT32_MAX);
    threads = threads > 0 ? threads : parallel_threads();
    int cap = minpts > MIN_CAP ? minpts : MIN_CAP;
    struct kdtree *tree = kdtree_build(x, n, d);
    char *core = malloc((size_t)n);
    _Atomic int64_t *parent = malloc((size_t)n * sizeof *parent);
    int32_t *nbr = malloc((size_t)n * (size_t)cap * sizeof *nbr);
    int *nnbr = malloc((size_t)n * sizeof *nnbr);
    int64_t *number = malloc((size_t)n * sizeof *number);
    r->labels = malloc((size_t)n * sizeof *r->labels);
    int rc = 0;
    if (!tree || !core || !parent || !nbr || !nnbr || !number || !r->labels)
        rc = ctx_error(c, "dbscan: not enough memory for %lld rows", (long long)n);
    if (rc == 0) {
        ctx_progress(c, 0, n, "neighbours");
        struct count_job cj = {.tree = tree, .x = x, .d = d, .eps = eps, .minpts = minpts, .cap = cap, .nbr = nbr,
                               .nnbr = nnbr};
        parallel_blocks(n, BLOCK, threads, count_block, &cj);
        if (ctx_is_cancelled(c))
            rc = ctx_cancelled(c);
    }
    if (rc == 0) {
        ctx_progress(c, 0, n, "clusters");
        for (int64_t i = 0; i < n; i++) {
            core[i] = nnbr[i] >= minpts;
            atomic_init(&parent[i], i);
            r->core += core[i];
        }
        struct union_job uj = {.tree = tree, .x = x, .d = d, .cap = cap, .eps = eps, .core = core, .nbr = nbr,
                               .nnbr = nnbr, .parent = parent};
        parallel_blocks(n, BLOCK, threads, union_block, &uj);
        if (ctx_is_cancelled(c))
            rc = ctx_cancelled(c);
    }
    if (rc == 0) {
        /* clusters numbered by their first core row, which is their root */
        for (int64_t i = 0; i < n; i++)
            number[i] = -1;
        for (int64_t i = 0; i < n; i++)
            if (core[i] && find(parent, i) == i)
                number[i] = r->k++;
        for (int64_t i = 0; i < n; i++) {
            int64_t owner = -1;
            if (core[i]) {
                owner = find(parent, i);
            } else {
                /* a border row joins the component whose first core row comes first; its
                 * neighbour list is complete (fewer than minpts) */
                const int32_t *nb = nbr + i * cap;
                for (int t = 0; t < nnbr[i]; t++)
                    if (core[nb[t]]) {
                        int64_t root = find(parent, nb[t]);
                        if (owner < 0 || root < owner)
                            owner = root;
                    }
            }
            r->labels[i] = owner < 0 ? -1 : (int32_t)number[owner];
            r->noise += owner < 0;
        }
    }
    kdtree_free(tree);
    free(core);
    free(parent);
    free(nbr);
    free(nnbr);
    free(number);
    if (rc)
        dbscan_result_free(r);
    return rc;
}

void dbscan_result_free(struct dbscan_result *r)
{
    free(r->labels);
    memset(r, 0, sizeof *r);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int dbscan_kdistance(ctx *c, const double *x, int64_t n, int d, int minpts, int threads, double *out)
{
    if ((int64_t)minpts > n)
        return ctx_error(c, "dbscan: minpts=%d is more than the %lld rows", minpts, (long long)n);
    struct kdtree *tree = kdtree_build(x, n, d);
    if (!tree)
        return ctx_error(c, "dbscan: not enough memory for %lld rows", (long long)n);
    struct count_job cj = {.tree = tree, .x = x, .d = d, .minpts = minpts, .kdist = out};
    parallel_blocks(n, BLOCK, threads > 0 ? threads : parallel_threads(), count_block, &cj);
    kdtree_free(tree);
    qsort(out, (size_t)n, sizeof *out, cmp_double);
    return ctx_is_cancelled(c) ? ctx_cancelled(c) : 0;
}

double dbscan_knee(const double *kdist, int64_t n)
{
    if (n < 3)
        return kdist[n - 1];
    double y0 = kdist[0], y1 = kdist[n - 1], span = y1 - y0;
    if (span <= 0)
        return y1;
    /* with both axes in [0, 1] the chord is y = x; the knee is the largest x - y
     * for a convex curve (distances rising late) */
    int64_t best = 0;
    double bestgap = -1;
    for (int64_t i = 0; i < n; i++) {
        double u = (double)i / (double)(n - 1), v = (kdist[i] - y0) / span;
        if (u - v > bestgap) {
            bestgap = u - v;
            best = i;
        }
    }
    return kdist[best];
}
