/* hclust.h — agglomerative (hierarchical) clustering without an n² distance matrix
 * where the linkage allows it.
 *
 *   ward     nearest-neighbour chain on cluster centroids and sizes: O(n·d) memory
 *   single   Prim's minimum spanning tree, distances computed on the fly: O(n·d)
 *   average, complete
 *            nearest-neighbour chain with Lance–Williams updates on the condensed
 *            distance matrix: n(n-1)/2 doubles, so at most HCLUST_MATRIX_MAX rows
 *
 * Heights are SciPy's (Ward: sqrt(2·na·nb/(na+nb))·‖ca − cb‖, Euclidean distances
 * for the others), merges sorted by height as in SciPy's linkage matrix, so cutting
 * the tree gives scikit-learn's AgglomerativeClustering labels. */
#ifndef PERSONA_HCLUST_H
#define PERSONA_HCLUST_H

#include <stdint.h>

#include "ctx.h"

enum linkage { LINK_WARD, LINK_AVERAGE, LINK_COMPLETE, LINK_SINGLE };
enum { HCLUST_MATRIX_MAX = 20000 };

/* One merge, SciPy's linkage-matrix row: nodes 0..n-1 are the rows, node n+i the
 * cluster made by merge i. */
struct hclust_merge {
    int64_t a, b;
    double height;
    int64_t size;
};

struct hclust_tree {
    int64_t n;
    struct hclust_merge *merges;    /* n - 1, by height */
};

int hclust_parse_linkage(ctx *c, const char *cmd, const char *v, enum linkage *out);
const char *hclust_linkage_name(enum linkage l);

/* Builds the tree of the n × d matrix x.  Returns 0, or -1 with c->err set (too many
 * rows for a matrix linkage, cancelled). */
int hclust_build(ctx *c, const double *x, int64_t n, int d, enum linkage l, struct hclust_tree *t);
void hclust_free(struct hclust_tree *t);

/* Labels (0..k-1) for the tree cut into k clusters. */
void hclust_cut(const struct hclust_tree *t, int k, int32_t *labels);

/* The number of clusters a cut at distance leaves: merges at or above it are undone
 * (scikit-learn's distance_threshold). */
int64_t hclust_clusters_at(const struct hclust_tree *t, double distance);

#endif
