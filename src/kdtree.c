/* kdtree.c — median splits on the widest dimension, leaves of up to 32 rows. */
#include "kdtree.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"
#include "vecdist.h"

enum { LEAF = 32 };

struct node {
    int64_t begin, end;     /* rows idx[begin..end) */
    int64_t left, right;    /* children, -1 for a leaf */
    int64_t panel;          /* a leaf's rows as a panel at panels + panel (d × its width) */
};

struct kdtree {
    int64_t n;
    int d, dw;              /* dimensions, and rounded up to whole vectors */
    int64_t *idx;
    double *panels;         /* the leaves' rows, each leaf a contiguous panel: a query
                             * reads memory in sequence and four rows per instruction */
    struct node *nodes;
    double *lo, *hi;        /* nodes × dw bounding boxes, the padding dimensions 0 */
    int64_t nnodes;
};

/* Quickselect: idx[begin..end) reordered so the row at mid has the median value of
 * dimension dim, smaller ones before it, larger after. */
static void select_median(const double *x, int d, int64_t *idx, int64_t begin, int64_t end, int64_t mid, int dim)
{
    while (end - begin > 1) {
        double pivot = x[idx[begin + (end - begin) / 2] * d + dim];
        int64_t i = begin, j = end - 1;
        while (i <= j) {
            while (x[idx[i] * d + dim] < pivot)
                i++;
            while (x[idx[j] * d + dim] > pivot)
                j--;
            if (i <= j) {
                int64_t t = idx[i];
                idx[i] = idx[j];
                idx[j] = t;
                i++;
                j--;
            }
        }
        if (mid <= j)
            end = j + 1;
        else if (mid >= i)
            begin = i;
        else
            return;
    }
}

static int64_t build(struct kdtree *t, const double *x, int64_t begin, int64_t end)
{
    int64_t id = t->nnodes++;
    int d = t->d;
    double *lo = t->lo + id * t->dw, *hi = t->hi + id * t->dw;
    for (int j = 0; j < t->dw; j++) {
        lo[j] = j < d ? INFINITY : 0.0;
        hi[j] = j < d ? -INFINITY : 0.0;
    }
    for (int64_t i = begin; i < end; i++) {
        const double *xi = x + t->idx[i] * d;
        for (int j = 0; j < d; j++) {
            lo[j] = xi[j] < lo[j] ? xi[j] : lo[j];
            hi[j] = xi[j] > hi[j] ? xi[j] : hi[j];
        }
    }
    t->nodes[id] = (struct node){.begin = begin, .end = end, .left = -1, .right = -1};
    if (end - begin <= LEAF)
        return id;
    int dim = 0;
    for (int j = 1; j < d; j++)
        if (hi[j] - lo[j] > hi[dim] - lo[dim])
            dim = j;
    if (hi[dim] == lo[dim])     /* all rows equal: one leaf, however large */
        return id;
    int64_t mid = begin + (end - begin) / 2;
    select_median(x, d, t->idx, begin, end, mid, dim);
    int64_t left = build(t, x, begin, mid);
    int64_t right = build(t, x, mid, end);
    t->nodes[id].left = left;
    t->nodes[id].right = right;
    return id;
}

/* Copies each leaf's rows into its panel. */
static int fill_panels(struct kdtree *t, const double *x)
{
    int64_t size = 0;
    for (int64_t id = 0; id < t->nnodes; id++)
        if (t->nodes[id].left < 0)
            size += (int64_t)t->d * vecdist_width((int)(t->nodes[id].end - t->nodes[id].begin));
    t->panels = malloc((size_t)(size > 0 ? size : 1) * sizeof *t->panels);
    if (!t->panels)
        return -1;
    int64_t at = 0;
    for (int64_t id = 0; id < t->nnodes; id++) {
        struct node *nd = &t->nodes[id];
        if (nd->left >= 0)
            continue;
        int count = (int)(nd->end - nd->begin), width = vecdist_width(count);
        nd->panel = at;
        for (int c = 0; c < width; c++)
            for (int j = 0; j < t->d; j++)
                t->panels[at + (int64_t)j * width + c] = c < count ? x[t->idx[nd->begin + c] * t->d + j] : 0.0;
        at += (int64_t)t->d * width;
    }
    return 0;
}

struct kdtree *kdtree_build(const double *x, int64_t n, int d)
{
    struct kdtree *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    int64_t maxnodes = 2 * (n / (LEAF / 2) + 1) + 1;
    t->n = n;
    t->d = d;
    t->dw = vecdist_width(d);
    t->idx = malloc((size_t)n * sizeof *t->idx);
    t->nodes = malloc((size_t)maxnodes * sizeof *t->nodes);
    t->lo = malloc((size_t)maxnodes * (size_t)t->dw * sizeof *t->lo);
    t->hi = malloc((size_t)maxnodes * (size_t)t->dw * sizeof *t->hi);
    if (!t->idx || !t->nodes || !t->lo || !t->hi) {
        kdtree_free(t);
        return NULL;
    }
    for (int64_t i = 0; i < n; i++)
        t->idx[i] = i;
    if (n > 0)
        build(t, x, 0, n);
    if (fill_panels(t, x)) {
        kdtree_free(t);
        return NULL;
    }
    return t;
}

void kdtree_free(struct kdtree *t)
{
    if (!t)
        return;
    free(t->idx);
    free(t->panels);
    free(t->nodes);
    free(t->lo);
    free(t->hi);
    free(t);
}

/* A lower bound on the squared distance from q (padded to dw) to the node's box (0
 * inside).  Its terms are added in another order than a row's distance, so the
 * rounding may differ: callers compare it with some slack. */
static inline double box_dist(const struct kdtree *t, int64_t id, const double *q)
{
    const double *lo = t->lo + id * t->dw, *hi = t->hi + id * t->dw;
    vecdist_v acc = {0.0, 0.0, 0.0, 0.0}, zero = acc;
    for (int j = 0; j < t->dw; j += VECDIST_LANES) {
        vecdist_v vq, vlo, vhi;
        memcpy(&vq, q + j, sizeof vq);
        memcpy(&vlo, lo + j, sizeof vlo);
        memcpy(&vhi, hi + j, sizeof vhi);
        /* max(lo - q, q - hi, 0) lane by lane, as masks: C has no vector ?: */
        vecdist_v below = vlo - vq, above = vq - vhi;
        vecdist_mask out_below = below > zero, out_above = above > zero;
        vecdist_v e = (vecdist_v)((out_below & (vecdist_mask)below) | (out_above & (vecdist_mask)above));
        acc += e * e;
    }
    return (acc[0] + acc[1]) + (acc[2] + acc[3]);
}

/* The slack on box pruning: a box is skipped only when it is farther than r² by more
 * than rounding could explain, so a row at exactly distance r is never missed. */
static inline double prune_limit(double r2)
{
    return r2 * (1.0 + 1e-12);
}

/* q copied into a buffer padded with zeros to whole vectors. */
static inline void pad_query(const struct kdtree *t, const double *q, double *out)
{
    memcpy(out, q, (size_t)t->d * sizeof *out);
    for (int j = t->d; j < t->dw; j++)
        out[j] = 0.0;
}

/* Squared distances from q to the rows [from, from + LEAF) of a leaf (fewer at its
 * end; a leaf of equal rows may hold more than LEAF) into dist; returns how many. */
static inline int leaf_distances(const struct kdtree *t, const struct node *nd, const double *q, int64_t from,
                                 double *dist)
{
    int64_t count = nd->end - nd->begin;
    int chunk = (int)(count - from < LEAF ? count - from : LEAF);
    vecdist_panel(q, t->d, t->panels + nd->panel + from, vecdist_width((int)count), chunk, dist);
    return chunk;
}

/* The searches are compiled for AVX2 as well (VECDIST_CLONES); they are static, with
 * the exported functions calling them, because Clang 14 only dispatches a cloned
 * function from callers that see the attribute. */
VECDIST_CLONES static int64_t radius_search(const struct kdtree *t, const double *q, double r,
                                            kdtree_visit_fn *fn, void *arg)
{
    if (t->n == 0)
        return 0;
    double qp[t->dw];
    pad_query(t, q, qp);
    double r2 = r * r, limit = prune_limit(r2), dist[LEAF];
    int64_t stack[128], top = 0, found = 0;
    stack[top++] = 0;
    while (top > 0) {
        int64_t id = stack[--top];
        if (box_dist(t, id, qp) > limit)
            continue;
        const struct node *nd = &t->nodes[id];
        if (nd->left >= 0) {
            stack[top++] = nd->right;
            stack[top++] = nd->left;
            continue;
        }
        for (int64_t from = 0; from < nd->end - nd->begin; from += LEAF) {
            int chunk = leaf_distances(t, nd, qp, from, dist);
            for (int c = 0; c < chunk; c++)
                if (dist[c] <= r2) {
                    found++;
                    if (fn && fn(arg, t->idx[nd->begin + from + c]))
                        return found;
                }
        }
    }
    return found;
}

int64_t kdtree_radius(const struct kdtree *t, const double *q, double r, kdtree_visit_fn *fn, void *arg)
{
    return radius_search(t, q, r, fn, arg);
}

int64_t kdtree_row(const struct kdtree *t, int64_t position)
{
    return t->idx[position];
}

int64_t kdtree_count(const struct kdtree *t, const double *q, double r)
{
    return kdtree_radius(t, q, r, NULL, NULL);
}

/* A max-heap of the k smallest squared distances seen. */
struct kth_heap {
    double *h;
    int size, k;
};

static void heap_push(struct kth_heap *hp, double v)
{
    double *h = hp->h;
    int k = hp->k;
    if (hp->size < k) {
        int i = hp->size++;
        h[i] = v;
        while (i > 0 && h[(i - 1) / 2] < h[i]) {
            double t = h[i];
            h[i] = h[(i - 1) / 2];
            h[(i - 1) / 2] = t;
            i = (i - 1) / 2;
        }
        return;
    }
    if (v >= h[0])
        return;
    h[0] = v;
    int i = 0;
    for (;;) {
        int l = 2 * i + 1, r = l + 1, m = i;
        if (l < k && h[l] > h[m])
            m = l;
        if (r < k && h[r] > h[m])
            m = r;
        if (m == i)
            break;
        double t = h[i];
        h[i] = h[m];
        h[m] = t;
        i = m;
    }
}

VECDIST_CLONES static double kth_search(const struct kdtree *t, const double *q, int k)
{
    double heap[256];
    struct kth_heap hp = {.h = k <= 256 ? heap : xmalloc((size_t)k * sizeof *hp.h), .k = k};
    double qp[t->dw];
    pad_query(t, q, qp);
    int64_t stack[128], top = 0;
    stack[top++] = 0;
    while (top > 0 && t->n > 0) {
        int64_t id = stack[--top];
        if (hp.size == k && box_dist(t, id, qp) > prune_limit(hp.h[0]))
            continue;
        const struct node *nd = &t->nodes[id];
        if (nd->left >= 0) {
            /* the nearer child last, so it is searched first */
            double dl = box_dist(t, nd->left, qp), dr = box_dist(t, nd->right, qp);
            stack[top++] = dl <= dr ? nd->right : nd->left;
            stack[top++] = dl <= dr ? nd->left : nd->right;
            continue;
        }
        double dist[LEAF];
        for (int64_t from = 0; from < nd->end - nd->begin; from += LEAF) {
            int chunk = leaf_distances(t, nd, qp, from, dist);
            for (int c = 0; c < chunk; c++)
                heap_push(&hp, dist[c]);
        }
    }
    double out = hp.size == k ? sqrt(hp.h[0]) : INFINITY;
    if (hp.h != heap)
        free(hp.h);
    return out;
}

double kdtree_kth_distance(const struct kdtree *t, const double *q, int k)
{
    return kth_search(t, q, k);
}
