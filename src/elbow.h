/* elbow.h — k-means over a range of k, for `elbow` and the plots drawn from it
 * (`plot elbow`, `plot silhouette`).  Implemented in cmd-cluster.c. */
#ifndef PERSONA_ELBOW_H
#define PERSONA_ELBOW_H

#include "cmd.h"

/* One row per k: k, inertia, silhouette, Davies–Bouldin, Calinski–Harabasz (NAN
 * where undefined, as the silhouette at k=1). */
struct elbow_row {
    double k, inertia, silhouette, davies_bouldin, calinski_harabasz;
};

/* Runs k-means for each k of the k= range (default 2..10) on the table a->argv[first]
 * with the feature options of `cluster` (features=, scale=, where=, nulls=, onehot=,
 * key=, seed=, n_init=, max_iter=, tol=, silhouette_sample=).  *rows is malloc'ed. */
int elbow_compute(ctx *c, const struct cmd_args *a, int first, struct elbow_row **rows, int *nrows);

#endif
