/* hclust.c — nearest-neighbour chain (Ward, average, complete), Prim's MST (single),
 * and cutting the tree. */
#include "hclust.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "kmeans.h"
#include "strbuf.h"

static const char *const linkage_names[] = {"ward", "average", "complete", "single"};

int hclust_parse_linkage(ctx *c, const char *cmd, const char *v, enum linkage *out)
{
    for (int i = 0; i < 4; i++)
        if (strcmp(v, linkage_names[i]) == 0) {
            *out = (enum linkage)i;
            return 0;
        }
    return ctx_error(c, "%s: linkage=%s: expected ward, average, complete or single", cmd, v);
}

const char *hclust_linkage_name(enum linkage l) { return linkage_names[l]; }

void hclust_free(struct hclust_tree *t)
{
    free(t->merges);
    memset(t, 0, sizeof *t);
}

/* ---- from raw merges to SciPy's linkage matrix ---- */

static int64_t uf_find(int64_t *parent, int64_t i)
{
    while (parent[i] != i) {
        parent[i] = parent[parent[i]];
        i = parent[i];
    }
    return i;
}

static int cmp_height(const void *a, const void *b)
{
    const struct hclust_merge *x = a, *y = b;
    if (x->height != y->height)
        return x->height < y->height ? -1 : 1;
    return (x->size > y->size) - (x->size < y->size);    /* size holds the order found: stable */
}

/* raw: merges of leaf representatives (a, b are rows inside the two clusters), in the
 * order they were found.  Sorts them by height (stably, as SciPy's mergesort) and
 * renames each side to its node id with a union-find (SciPy's `label`). */
static void sort_merges(struct hclust_merge *raw, int64_t n)
{
    /* stable: break height ties by the order found, kept in size's place for the sort */
    int64_t *size = xmalloc((size_t)(n - 1) * sizeof *size);
    for (int64_t i = 0; i < n - 1; i++) {
        size[i] = raw[i].size;
        raw[i].size = i;
    }
    qsort(raw, (size_t)(n - 1), sizeof *raw, cmp_height);
    int64_t *parent = xmalloc((size_t)n * sizeof *parent), *node = xmalloc((size_t)n * sizeof *node);
    int64_t *count = xmalloc((size_t)n * sizeof *count);
    for (int64_t i = 0; i < n; i++) {
        parent[i] = i;
        node[i] = i;
        count[i] = 1;
    }
    for (int64_t m = 0; m < n - 1; m++) {
        raw[m].size = size[raw[m].size];
        int64_t ra = uf_find(parent, raw[m].a), rb = uf_find(parent, raw[m].b);
        int64_t na = node[ra], nb = node[rb];
        raw[m].a = na < nb ? na : nb;
        raw[m].b = na < nb ? nb : na;
        parent[ra] = rb;
        count[rb] += count[ra];
        raw[m].size = count[rb];
        node[rb] = n + m;
    }
    free(size);
    free(parent);
    free(node);
    free(count);
}

/* ---- nearest-neighbour chain ---- */

/* The live slots in increasing order; a merged-away slot gets size 0 and stays listed
 * until half the list is dead, then the list is compacted: scans skip little, and
 * removal costs O(1) amortised. */
struct live {
    int64_t *size;          /* per slot */
    int64_t *slot;
    int64_t n, dead;
};

static int64_t live_first(const struct live *l)
{
    for (int64_t t = 0; t < l->n; t++)
        if (l->size[l->slot[t]] > 0)
            return l->slot[t];
    return -1;
}

static void live_remove(struct live *l, int64_t x)
{
    l->size[x] = 0;
    if (++l->dead * 2 < l->n)
        return;
    int64_t k = 0;
    for (int64_t t = 0; t < l->n; t++)
        if (l->size[l->slot[t]] > 0)
            l->slot[k++] = l->slot[t];
    l->n = k;
    l->dead = 0;
}

/* How the chain measures and merges clusters held in slots 0..n-1 (size 0: gone).
 * nearest() scans the live slots in increasing order for the nearest to x, starting
 * from the distance to prev (the chain's previous element, -1 for none) so that a
 * tie keeps prev, and otherwise the lowest slot wins: SciPy's rule.  It returns the
 * distance and sets *y. */
struct chain_ops {
    double (*nearest)(void *s, const struct live *l, int64_t x, int64_t prev, int64_t *y);
    void (*merge)(void *s, int64_t x, int64_t y);   /* x into y */
    void *state;
};

/* SciPy's nn_chain: the chain starts at the first live slot; two reciprocal nearest
 * neighbours merge into the higher slot. */
static int nn_chain(ctx *c, int64_t n, struct live *l, const struct chain_ops *ops, struct hclust_merge *raw)
{
    int64_t *chain = xmalloc((size_t)n * sizeof *chain);
    int64_t len = 0;
    int rc = 0;
    for (int64_t m = 0; m < n - 1; m++) {
        if ((m & 255) == 0) {
            if (ctx_is_cancelled(c)) {
                rc = ctx_cancelled(c);
                break;
            }
            ctx_progress(c, m, n - 1, "merging");
        }
        if (len == 0)
            chain[len++] = live_first(l);
        int64_t x, y;
        double best;
        for (;;) {
            x = chain[len - 1];
            best = ops->nearest(ops->state, l, x, len > 1 ? chain[len - 2] : -1, &y);
            if (len > 1 && y == chain[len - 2])
                break;
            chain[len++] = y;
        }
        len -= 2;
        if (x > y) {
            int64_t t = x;
            x = y;
            y = t;
        }
        raw[m] = (struct hclust_merge){.a = x, .b = y, .height = best, .size = l->size[x] + l->size[y]};
        ops->merge(ops->state, x, y);
        l->size[y] += l->size[x];
        live_remove(l, x);
    }
    free(chain);
    return rc;
}

/* Ward from centroids and sizes: the distance is sqrt(2·na·nb/(na+nb))·‖ca − cb‖,
 * compared squared. */
struct ward {
    double *centroid;       /* n × d */
    const int64_t *size;
    int d;
};

static inline double ward_dist2(const struct ward *w, int64_t a, int64_t b)
{
    double na = (double)w->size[a], nb = (double)w->size[b];
    return 2.0 * na * nb / (na + nb) * sqdist(w->centroid + a * w->d, w->centroid + b * w->d, w->d);
}

static double ward_nearest(void *s, const struct live *l, int64_t x, int64_t prev, int64_t *y)
{
    const struct ward *w = s;
    double best = prev >= 0 ? ward_dist2(w, x, prev) : INFINITY;
    *y = prev;
    /* v < best with v = 2·nx·ni/(nx+ni)·‖cx − ci‖², tested as 2·nx·ni·‖…‖² < best·(nx+ni):
     * no division in the loop that runs n² times */
    double nx2 = 2.0 * (double)w->size[x];
    const double *cx = w->centroid + x * w->d;
    for (int64_t t = 0; t < l->n; t++) {
        int64_t i = l->slot[t];
        if (i == x || w->size[i] == 0)
            continue;
        double ni = (double)w->size[i];
        double num = nx2 * ni * sqdist(cx, w->centroid + i * w->d, w->d);
        if (num < best * (nx2 * 0.5 + ni)) {
            best = num / (nx2 * 0.5 + ni);
            *y = i;
        }
    }
    return sqrt(best);
}

static void ward_merge(void *s, int64_t x, int64_t y)
{
    struct ward *w = s;
    double nx = (double)w->size[x], ny = (double)w->size[y];
    double *cx = w->centroid + x * w->d, *cy = w->centroid + y * w->d;
    for (int j = 0; j < w->d; j++)
        cy[j] = (nx * cx[j] + ny * cy[j]) / (nx + ny);
}

/* Average and complete on the condensed matrix, updated by Lance–Williams. */
struct matrix {
    double *dist;           /* n(n-1)/2 */
    int64_t n;
    const int64_t *size;
    int complete;
};

static inline int64_t condensed(int64_t n, int64_t i, int64_t j)
{
    if (i > j) {
        int64_t t = i;
        i = j;
        j = t;
    }
    return n * i - i * (i + 1) / 2 + (j - i - 1);
}

static double matrix_nearest(void *s, const struct live *l, int64_t x, int64_t prev, int64_t *y)
{
    const struct matrix *m = s;
    double best = prev >= 0 ? m->dist[condensed(m->n, x, prev)] : INFINITY;
    *y = prev;
    for (int64_t t = 0; t < l->n; t++) {
        int64_t i = l->slot[t];
        if (i == x || m->size[i] == 0)
            continue;
        double v = m->dist[condensed(m->n, x, i)];
        if (v < best) {
            best = v;
            *y = i;
        }
    }
    return best;
}

static void matrix_merge(void *s, int64_t x, int64_t y)
{
    struct matrix *m = s;
    double nx = (double)m->size[x], ny = (double)m->size[y];
    for (int64_t i = 0; i < m->n; i++) {
        if (m->size[i] == 0 || i == y || i == x)
            continue;
        double dx = m->dist[condensed(m->n, i, x)], dy = m->dist[condensed(m->n, i, y)];
        m->dist[condensed(m->n, i, y)] = m->complete ? (dx > dy ? dx : dy) : (nx * dx + ny * dy) / (nx + ny);
    }
}

/* ---- single linkage: Prim's minimum spanning tree ---- */

static int single_linkage(ctx *c, const double *x, int64_t n, int d, struct hclust_merge *raw)
{
    char *in_tree = xcalloc((size_t)n, 1);
    double *best = xmalloc((size_t)n * sizeof *best);
    int64_t *from = xmalloc((size_t)n * sizeof *from);
    for (int64_t i = 0; i < n; i++)
        best[i] = INFINITY;
    int64_t cur = 0;
    int rc = 0;
    for (int64_t m = 0; m < n - 1; m++) {
        if ((m & 255) == 0 && ctx_is_cancelled(c)) {
            rc = ctx_cancelled(c);
            break;
        }
        in_tree[cur] = 1;
        int64_t next = -1;
        double nd = INFINITY;
        const double *xc = x + cur * d;
        for (int64_t j = 0; j < n; j++) {
            if (in_tree[j])
                continue;
            double dist = sqrt(sqdist(xc, x + j * d, d));
            if (dist < best[j]) {
                best[j] = dist;
                from[j] = cur;
            }
            if (best[j] < nd) {
                nd = best[j];
                next = j;
            }
        }
        raw[m] = (struct hclust_merge){.a = from[next], .b = next, .height = nd, .size = 0};
        cur = next;
    }
    free(in_tree);
    free(best);
    free(from);
    return rc;
}

int hclust_build(ctx *c, const double *x, int64_t n, int d, enum linkage l, struct hclust_tree *t)
{
    memset(t, 0, sizeof *t);
    if (n < 2)
        return ctx_error(c, "hierarchical: needs at least 2 rows");
    if ((l == LINK_AVERAGE || l == LINK_COMPLETE) && n > HCLUST_MATRIX_MAX)
        return ctx_error(c, "hierarchical: linkage=%s keeps every pairwise distance (%.1f GB for %lld rows), so it "
                            "takes at most %d rows; use linkage=ward or single (no distance matrix), or fewer rows "
                            "with where=", linkage_names[l], (double)n * (double)(n - 1) / 2 * 8 / 1e9, (long long)n,
                         HCLUST_MATRIX_MAX);
    struct hclust_merge *raw = malloc((size_t)(n - 1) * sizeof *raw);
    int64_t *size = malloc((size_t)n * sizeof *size);
    if (!raw || !size) {
        free(raw);
        free(size);
        return ctx_error(c, "hierarchical: not enough memory for %lld rows", (long long)n);
    }
    struct live live = {.size = size, .slot = xmalloc((size_t)n * sizeof(int64_t)), .n = n};
    for (int64_t i = 0; i < n; i++) {
        size[i] = 1;
        live.slot[i] = i;
    }
    int rc = 0;
    if (l == LINK_SINGLE) {
        rc = single_linkage(c, x, n, d, raw);
    } else if (l == LINK_WARD) {
        struct ward w = {.centroid = malloc((size_t)n * (size_t)d * sizeof(double)), .size = size, .d = d};
        if (!w.centroid) {
            rc = ctx_error(c, "hierarchical: not enough memory for %lld rows", (long long)n);
        } else {
            memcpy(w.centroid, x, (size_t)n * (size_t)d * sizeof(double));
            struct chain_ops ops = {ward_nearest, ward_merge, &w};
            rc = nn_chain(c, n, &live, &ops, raw);
            free(w.centroid);
        }
    } else {
        struct matrix m = {.n = n, .size = size, .complete = l == LINK_COMPLETE};
        m.dist = malloc((size_t)(n * (n - 1) / 2) * sizeof *m.dist);
        if (!m.dist) {
            rc = ctx_error(c, "hierarchical: not enough memory for the distances of %lld rows", (long long)n);
        } else {
            for (int64_t i = 0; i < n; i++)
                for (int64_t j = i + 1; j < n; j++)
                    m.dist[condensed(n, i, j)] = sqrt(sqdist(x + i * d, x + j * d, d));
            struct chain_ops ops = {matrix_nearest, matrix_merge, &m};
            rc = nn_chain(c, n, &live, &ops, raw);
            free(m.dist);
        }
    }
    free(live.slot);
    free(size);
    if (rc) {
        free(raw);
        return -1;
    }
    sort_merges(raw, n);
    t->n = n;
    t->merges = raw;
    return 0;
}

void hclust_cut(const struct hclust_tree *t, int k, int32_t *labels)
{
    int64_t n = t->n;
    int64_t *parent = xmalloc((size_t)n * sizeof *parent), *leaf = xmalloc((size_t)(2 * n) * sizeof *leaf);
    for (int64_t i = 0; i < n; i++) {
        parent[i] = i;
        leaf[i] = i;
    }
    for (int64_t m = 0; m < n - k; m++) {
        int64_t ra = uf_find(parent, leaf[t->merges[m].a]), rb = uf_find(parent, leaf[t->merges[m].b]);
        parent[ra] = rb;
        leaf[n + m] = rb;
    }
    /* clusters numbered in order of their first row */
    int64_t *id = xmalloc((size_t)n * sizeof *id);
    for (int64_t i = 0; i < n; i++)
        id[i] = -1;
    int32_t next = 0;
    for (int64_t i = 0; i < n; i++) {
        int64_t r = uf_find(parent, i);
        if (id[r] < 0)
            id[r] = next++;
        labels[i] = (int32_t)id[r];
    }
    free(id);
    free(parent);
    free(leaf);
}

int64_t hclust_clusters_at(const struct hclust_tree *t, double distance)
{
    int64_t above = 0;
    for (int64_t m = 0; m < t->n - 1; m++)
        above += t->merges[m].height >= distance;
    return above + 1;
}
