/* kdtree.h — a k-d tree over the rows of a matrix, for radius and nearest-neighbour
 * queries (DBSCAN, the k-distance curve).  The tree holds a permutation of row
 * numbers, a copy of the rows in tree order (so a query reads memory in sequence)
 * and one bounding box per node: O(n·d) memory.  Queries are read-only and may run
 * on many threads at once. */
#ifndef PERSONA_KDTREE_H
#define PERSONA_KDTREE_H

#include <stdint.h>

struct kdtree;

/* Builds the tree of the n × d matrix x (kept by reference: it must outlive the tree).
 * NULL when memory runs out. */
struct kdtree *kdtree_build(const double *x, int64_t n, int d);
void kdtree_free(struct kdtree *t);

/* The row at a position of the tree order, a permutation of [0, n) in which the rows
 * of a leaf are adjacent: queries made in this order find their neighbours still in
 * the cache. */
int64_t kdtree_row(const struct kdtree *t, int64_t position);

/* Calls fn(arg, row) for every row within distance r of q (distance <= r, q's own row
 * included when q is a row); stops early when fn returns non-zero.  Returns the
 * number of rows visited. */
typedef int kdtree_visit_fn(void *arg, int64_t row);
int64_t kdtree_radius(const struct kdtree *t, const double *q, double r, kdtree_visit_fn *fn, void *arg);

/* The number of rows within distance r of q. */
int64_t kdtree_count(const struct kdtree *t, const double *q, double r);

/* The distance from q to its k-th nearest row (k >= 1; q's own row counts when q is a
 * row, as scikit-learn's kneighbors on the training data). */
double kdtree_kth_distance(const struct kdtree *t, const double *q, int k);

#endif
