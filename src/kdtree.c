/* kdtree.c — median splits on the widest dimension, leaves of up to 32 rows. */
#include "kdtree.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "kmeans.h"

enum { LEAF = 32 };

struct node {
    int64_t begin, end;     /* rows idx[begin..end) */
    int64_t left, right;    /* children, -1 for a leaf */
};

struct kdtree {
    const double *x;
    int64_t n;
    int d;
    int64_t *idx;
    double *xs;             /* the rows in tree order: a leaf's rows are contiguous, so a
                             * query reads memory in sequence instead of missing the cache
                             * on every row */
    struct node *nodes;
    double *lo, *hi;        /* nodes × d bounding boxes */
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

static int64_t build(struct kdtree *t, int64_t begin, int64_t end)
{
    int64_t id = t->nnodes++;
    int d = t->d;
    double *lo = t->lo + id * d, *hi = t->hi + id * d;
    for (int j = 0; j < d; j++) {
        lo[j] = INFINITY;
        hi[j] = -INFINITY;
    }
    for (int64_t i = begin; i < end; i++) {
        const double *xi = t->x + t->idx[i] * d;
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
    select_median(t->x, d, t->idx, begin, end, mid, dim);
    int64_t left = build(t, begin, mid);
    int64_t right = build(t, mid, end);
    t->nodes[id].left = left;
    t->nodes[id].right = right;
    return id;
}

struct kdtree *kdtree_build(const double *x, int64_t n, int d)
{
    struct kdtree *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    int64_t maxnodes = 2 * (n / (LEAF / 2) + 1) + 1;
    t->x = x;
    t->n = n;
    t->d = d;
    t->idx = malloc((size_t)n * sizeof *t->idx);
    t->nodes = malloc((size_t)maxnodes * sizeof *t->nodes);
    t->lo = malloc((size_t)maxnodes * (size_t)d * sizeof *t->lo);
    t->hi = malloc((size_t)maxnodes * (size_t)d * sizeof *t->hi);
    if (!t->idx || !t->nodes || !t->lo || !t->hi) {
        kdtree_free(t);
        return NULL;
    }
    for (int64_t i = 0; i < n; i++)
        t->idx[i] = i;
    if (n > 0)
        build(t, 0, n);
    t->xs = malloc((size_t)n * (size_t)d * sizeof *t->xs);
    if (!t->xs) {
        kdtree_free(t);
        return NULL;
    }
    for (int64_t i = 0; i < n; i++)
        memcpy(t->xs + i * d, x + t->idx[i] * d, (size_t)d * sizeof *t->xs);
    return t;
}

void kdtree_free(struct kdtree *t)
{
    if (!t)
        return;
    free(t->idx);
    free(t->xs);
    free(t->nodes);
    free(t->lo);
    free(t->hi);
    free(t);
}

/* Squared distance from q to the node's box (0 inside). */
static double box_dist(const struct kdtree *t, int64_t id, const double *q)
{
    const double *lo = t->lo + id * t->d, *hi = t->hi + id * t->d;
    double s = 0;
    for (int j = 0; j < t->d; j++) {
        double e = q[j] < lo[j] ? lo[j] - q[j] : q[j] > hi[j] ? q[j] - hi[j] : 0;
        s += e * e;
    }
    return s;
}

int64_t kdtree_radius(const struct kdtree *t, const double *q, double r, kdtree_visit_fn *fn, void *arg)
{
    if (t->n == 0)
        return 0;
    double r2 = r * r;
    int64_t stack[128], top = 0, found = 0;
    stack[top++] = 0;
    while (top > 0) {
        int64_t id = stack[--top];
        if (box_dist(t, id, q) > r2)
            continue;
        const struct node *nd = &t->nodes[id];
        if (nd->left >= 0) {
            stack[top++] = nd->right;
            stack[top++] = nd->left;
            continue;
        }
        for (int64_t i = nd->begin; i < nd->end; i++) {
            if (sqdist(q, t->xs + i * t->d, t->d) <= r2) {
                found++;
                if (fn && fn(arg, t->idx[i]))
                    return found;
            }
        }
    }
    return found;
}

int64_t kdtree_count(const struct kdtree *t, const double *q, double r)
{
    return kdtree_radius(t, q, r, NULL, NULL);
}

/* A max-heap of the k smallest squared distances seen. */
static void heap_push(double *h, int *size, int k, double v)
{
    if (*size < k) {
        int i = (*size)++;
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

double kdtree_kth_distance(const struct kdtree *t, const double *q, int k)
{
    double heap[256];
    double *h = k <= 256 ? heap : malloc((size_t)k * sizeof *h);
    int size = 0;
    int64_t stack[128], top = 0;
    stack[top++] = 0;
    while (top > 0) {
        int64_t id = stack[--top];
        if (size == k && box_dist(t, id, q) > h[0])
            continue;
        const struct node *nd = &t->nodes[id];
        if (nd->left >= 0) {
            /* the nearer child last, so it is searched first */
            double dl = box_dist(t, nd->left, q), dr = box_dist(t, nd->right, q);
            stack[top++] = dl <= dr ? nd->right : nd->left;
            stack[top++] = dl <= dr ? nd->left : nd->right;
            continue;
        }
        for (int64_t i = nd->begin; i < nd->end; i++)
            heap_push(h, &size, k, sqdist(q, t->xs + i * t->d, t->d));
    }
    double out = size == k ? sqrt(h[0]) : INFINITY;
    if (h != heap)
        free(h);
    return out;
}
