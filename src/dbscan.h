/* dbscan.h — density-based clustering (Ester et al. 1996) with scikit-learn's
 * labels: a row with at least minpts rows within eps (itself included) is a core
 * row; core rows within eps of each other share a cluster; a border row joins the
 * cluster of the lowest-numbered core row among its neighbours' clusters (the one
 * scikit-learn's expansion in row order reaches first); the rest are noise (-1).
 * Clusters are numbered by their first core row.  A k-d tree answers the radius
 * queries; memory is O(n): each row keeps at most max(minpts, 16) neighbours, and a
 * row with more (a core row in a dense region) is queried again rather than kept. */
#ifndef PERSONA_DBSCAN_H
#define PERSONA_DBSCAN_H

#include <stdint.h>

#include "ctx.h"

struct dbscan_result {
    int k;                  /* clusters */
    int32_t *labels;        /* n; -1 noise */
    int64_t core, noise;    /* how many core rows and noise rows */
};

int dbscan_fit(ctx *c, const double *x, int64_t n, int d, double eps, int minpts, int threads,
               struct dbscan_result *r);
void dbscan_result_free(struct dbscan_result *r);

/* The sorted k-distance curve: for every row the distance to its minpts-th nearest
 * row (itself counted), ascending, into out (n). */
int dbscan_kdistance(ctx *c, const double *x, int64_t n, int d, int minpts, int threads, double *out);

/* eps at the knee of a sorted k-distance curve: the point farthest from the chord
 * between its ends, both axes scaled to [0, 1]. */
double dbscan_knee(const double *kdist, int64_t n);

#endif
