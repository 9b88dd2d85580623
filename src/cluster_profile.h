/* cluster_profile.h — what each cluster is like: its size, the mean of each feature
 * in the table's units, how far that mean is from all rows' in standard deviations
 * (z-score), and a label made of the most distinctive features ("high income · low
 * spending score"). */
#ifndef PERSONA_CLUSTER_PROFILE_H
#define PERSONA_CLUSTER_PROFILE_H

#include <stdint.h>

#include "feature_matrix.h"

struct cluster_profile {
    int k, d;
    int64_t *sizes;         /* k */
    double *means;          /* k × d, table units */
    double *z;              /* k × d: (cluster mean - overall mean) / overall sd */
    char **labels;          /* k, unique within the clustering */
};

/* Profiles the clusters of labels (in [0, k); negative labels are left out). */
void cluster_profile_build(const struct feature_matrix *m, const int32_t *labels, int k,
                           struct cluster_profile *p);
void cluster_profile_free(struct cluster_profile *p);

/* The label for one cluster's z-scores over the named features, malloc'ed: up to
 * three features with |z| >= 0.5, strongest first ("very high", "high", "low",
 * "very low"; a one-hot feature "col=v" reads as "mostly v"), or "average". */
char *cluster_label(const double *z, const char *const *names, int d);

#endif
