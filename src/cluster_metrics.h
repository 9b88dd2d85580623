/* cluster_metrics.h — how good a clustering is: silhouette, Davies–Bouldin and
 * Calinski–Harabasz, as scikit-learn defines them.
 *
 * Labels are in [0, k); rows with a negative label (DBSCAN's noise) are left out of
 * every metric.  Each metric needs at least two clusters and, for the silhouette,
 * fewer clusters than rows; otherwise it is NAN. */
#ifndef PERSONA_CLUSTER_METRICS_H
#define PERSONA_CLUSTER_METRICS_H

#include <stdint.h>

/* Mean silhouette over the rows, exact (every pair of rows: O(n²·d) time, O(k)
 * memory per thread).  per_cluster (k, or NULL) receives each cluster's mean. */
double silhouette_exact(const double *x, int64_t n, int d, const int32_t *labels, int k, int threads,
                        double *per_cluster);

/* The silhouette of a random sample of `sample` rows (scikit-learn's sample_size),
 * drawn with the seed; exact when sample >= the rows with a label. */
double silhouette_sampled(const double *x, int64_t n, int d, const int32_t *labels, int k, int64_t sample,
                          uint64_t seed, int threads, double *per_cluster);

/* Davies–Bouldin index (lower is better) and Calinski–Harabasz score (higher is
 * better), from one pass for the centroids and one for the dispersions. */
struct cluster_scores {
    double davies_bouldin;
    double calinski_harabasz;
    double inertia;             /* within-cluster sum of squares */
};
void cluster_scores(const double *x, int64_t n, int d, const int32_t *labels, int k, int threads,
                    struct cluster_scores *out);

/* The number of distinct labels in [0, k) that occur. */
int clusters_present(const int32_t *labels, int64_t n, int k);

#endif
