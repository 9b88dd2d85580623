/* cluster_metrics.c — silhouette, Davies–Bouldin, Calinski–Harabasz. */
#include "cluster_metrics.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "kmeans.h"
#include "parallel.h"
#include "rng.h"
#include "strbuf.h"

int clusters_present(const int32_t *labels, int64_t n, int k)
{
    char *seen = xcalloc((size_t)k, 1);
    int count = 0;
    for (int64_t i = 0; i < n; i++)
        if (labels[i] >= 0 && !seen[labels[i]]) {
            seen[labels[i]] = 1;
            count++;
        }
    free(seen);
    return count;
}

/* ---- silhouette ---- */

enum { SIL_BLOCK = 64, SCORE_BLOCK = 8192 };

struct sil_job {
    const double *x;
    const int32_t *labels;
    const int64_t *sizes;
    int64_t n;
    int d, k;
    double *s;                  /* n: each row's silhouette (0 for noise) */
};

/* s(i) = (b - a) / max(a, b): a the mean distance to the rest of its cluster, b the
 * lowest mean distance to another cluster; 0 for a row alone in its cluster. */
static void sil_block(void *arg, int64_t blk, int64_t begin, int64_t end)
{
    (void)blk;
    struct sil_job *j = arg;
    double *sum = xmalloc((size_t)j->k * sizeof *sum);
    for (int64_t i = begin; i < end; i++) {
        int32_t li = j->labels[i];
        if (li < 0) {
            j->s[i] = 0.0;
            continue;
        }
        memset(sum, 0, (size_t)j->k * sizeof *sum);
        const double *xi = j->x + i * j->d;
        for (int64_t t = 0; t < j->n; t++) {
            int32_t lt = j->labels[t];
            if (lt >= 0)
                sum[lt] += sqrt(sqdist(xi, j->x + t * j->d, j->d));
        }
        if (j->sizes[li] <= 1) {
            j->s[i] = 0.0;
            continue;
        }
        double a = sum[li] / (double)(j->sizes[li] - 1), b = INFINITY;
        for (int c = 0; c < j->k; c++)
            if (c != li && j->sizes[c] > 0 && sum[c] / (double)j->sizes[c] < b)
                b = sum[c] / (double)j->sizes[c];
        double m = a > b ? a : b;
        j->s[i] = m > 0 ? (b - a) / m : 0.0;
    }
    free(sum);
}

double silhouette_exact(const double *x, int64_t n, int d, const int32_t *labels, int k, int threads,
                        double *per_cluster)
{
    int64_t *sizes = xcalloc((size_t)k, sizeof *sizes);
    int64_t m = 0;
    for (int64_t i = 0; i < n; i++)
        if (labels[i] >= 0) {
            sizes[labels[i]]++;
            m++;
        }
    int present = clusters_present(labels, n, k);
    if (present < 2 || present > m - 1) {
        free(sizes);
        if (per_cluster)
            for (int c = 0; c < k; c++)
                per_cluster[c] = NAN;
        return NAN;
    }
    struct sil_job j = {.x = x, .labels = labels, .sizes = sizes, .n = n, .d = d, .k = k,
                        .s = xmalloc((size_t)n * sizeof(double))};
    parallel_blocks(n, SIL_BLOCK, threads > 0 ? threads : parallel_threads(), sil_block, &j);
    double total = 0.0;
    if (per_cluster)
        for (int c = 0; c < k; c++)
            per_cluster[c] = 0.0;
    for (int64_t i = 0; i < n; i++) {
        if (labels[i] < 0)
            continue;
        total += j.s[i];
        if (per_cluster)
            per_cluster[labels[i]] += j.s[i];
    }
    if (per_cluster)
        for (int c = 0; c < k; c++)
            per_cluster[c] = sizes[c] ? per_cluster[c] / (double)sizes[c] : NAN;
    free(j.s);
    free(sizes);
    return total / (double)m;
}

double silhouette_sampled(const double *x, int64_t n, int d, const int32_t *labels, int k, int64_t sample,
                          uint64_t seed, int threads, double *per_cluster)
{
    int64_t m = 0;
    for (int64_t i = 0; i < n; i++)
        m += labels[i] >= 0;
    if (sample >= m)
        return silhouette_exact(x, n, d, labels, k, threads, per_cluster);
    /* a partial Fisher–Yates shuffle of the labelled rows picks the sample */
    int64_t *idx = xmalloc((size_t)m * sizeof *idx);
    for (int64_t i = 0, t = 0; i < n; i++)
        if (labels[i] >= 0)
            idx[t++] = i;
    struct rng rng;
    rng_seed(&rng, seed, 0x5113u);
    for (int64_t i = 0; i < sample; i++) {
        int64_t r = i + (int64_t)rng_below(&rng, (uint64_t)(m - i));
        int64_t tmp = idx[i];
        idx[i] = idx[r];
        idx[r] = tmp;
    }
    double *sx = xmalloc((size_t)sample * (size_t)d * sizeof *sx);
    int32_t *sl = xmalloc((size_t)sample * sizeof *sl);
    for (int64_t i = 0; i < sample; i++) {
        memcpy(sx + i * d, x + idx[i] * d, (size_t)d * sizeof *sx);
        sl[i] = labels[idx[i]];
    }
    double s = silhouette_exact(sx, sample, d, sl, k, threads, per_cluster);
    free(idx);
    free(sx);
    free(sl);
    return s;
}

/* ---- Davies–Bouldin and Calinski–Harabasz ---- */

struct score_job {
    const double *x;
    const int32_t *labels;
    int d, k;
    const double *centroids;    /* NULL in the first pass */
    double *block_a;            /* pass 1: sums (k × d); pass 2: squared distances (k) */
    double *block_b;            /* pass 2: distances (k) */
    int64_t *block_n;           /* pass 1: counts (k) */
};

static void score_block(void *arg, int64_t b, int64_t begin, int64_t end)
{
    struct score_job *j = arg;
    int d = j->d, k = j->k;
    if (!j->centroids) {
        double *sums = j->block_a + b * k * d;
        int64_t *counts = j->block_n + b * k;
        memset(sums, 0, (size_t)k * (size_t)d * sizeof *sums);
        memset(counts, 0, (size_t)k * sizeof *counts);
        for (int64_t i = begin; i < end; i++) {
            int32_t l = j->labels[i];
            if (l < 0)
                continue;
            for (int t = 0; t < d; t++)
                sums[(int64_t)l * d + t] += j->x[i * d + t];
            counts[l]++;
        }
        return;
    }
    double *sq = j->block_a + b * k, *dist = j->block_b + b * k;
    memset(sq, 0, (size_t)k * sizeof *sq);
    memset(dist, 0, (size_t)k * sizeof *dist);
    for (int64_t i = begin; i < end; i++) {
        int32_t l = j->labels[i];
        if (l < 0)
            continue;
        double s = sqdist(j->x + i * d, j->centroids + (int64_t)l * d, d);
        sq[l] += s;
        dist[l] += sqrt(s);
    }
}

/* numpy.allclose(v, 0): every |v| <= 1e-8. */
static int all_near_zero(const double *v, int n)
{
    for (int i = 0; i < n; i++)
        if (fabs(v[i]) > 1e-8)
            return 0;
    return 1;
}

void cluster_scores(const double *x, int64_t n, int d, const int32_t *labels, int k, int threads,
                    struct cluster_scores *out)
{
    threads = threads > 0 ? threads : parallel_threads();
    int64_t nb = parallel_nblocks(n, SCORE_BLOCK);
    struct score_job j = {.x = x, .labels = labels, .d = d, .k = k,
                          .block_a = xcalloc((size_t)(nb ? nb : 1) * (size_t)k * (size_t)d, sizeof(double)),
                          .block_b = xcalloc((size_t)(nb ? nb : 1) * (size_t)k, sizeof(double)),
                          .block_n = xcalloc((size_t)(nb ? nb : 1) * (size_t)k, sizeof(int64_t))};
    parallel_blocks(n, SCORE_BLOCK, threads, score_block, &j);
    double *centroids = xcalloc((size_t)k * (size_t)d, sizeof *centroids);
    int64_t *counts = xcalloc((size_t)k, sizeof *counts);
    double *mean = xcalloc((size_t)d, sizeof *mean);
    int64_t m = 0;
    for (int64_t b = 0; b < nb; b++)
        for (int c = 0; c < k; c++) {
            counts[c] += j.block_n[b * k + c];
            for (int t = 0; t < d; t++)
                centroids[(int64_t)c * d + t] += j.block_a[(b * k + c) * d + t];
        }
    for (int c = 0; c < k; c++) {
        m += counts[c];
        for (int t = 0; t < d; t++) {
            mean[t] += centroids[(int64_t)c * d + t];
            if (counts[c])
                centroids[(int64_t)c * d + t] /= (double)counts[c];
        }
    }
    for (int t = 0; t < d; t++)
        mean[t] /= (double)m;

    j.centroids = centroids;
    parallel_blocks(n, SCORE_BLOCK, threads, score_block, &j);
    double *intra_sq = xcalloc((size_t)k, sizeof *intra_sq), *intra = xcalloc((size_t)k, sizeof *intra);
    for (int64_t b = 0; b < nb; b++)
        for (int c = 0; c < k; c++) {
            intra_sq[c] += j.block_a[b * k + c];
            intra[c] += j.block_b[b * k + c];
        }

    /* only the clusters that have rows count */
    int present = 0;
    double extra_disp = 0.0, intra_disp = 0.0;
    for (int c = 0; c < k; c++) {
        if (!counts[c])
            continue;
        present++;
        extra_disp += (double)counts[c] * sqdist(centroids + (int64_t)c * d, mean, d);
        intra_disp += intra_sq[c];
        intra[c] /= (double)counts[c];
    }
    out->inertia = intra_disp;
    if (present < 2) {
        out->davies_bouldin = out->calinski_harabasz = NAN;
    } else {
        out->calinski_harabasz = intra_disp == 0.0 ? 1.0
                                 : extra_disp * (double)(m - present) / (intra_disp * (double)(present - 1));
        double *cd = xcalloc((size_t)k * (size_t)k, sizeof *cd);
        double *intra_present = xcalloc((size_t)k, sizeof *intra_present);
        int np = 0;
        for (int a = 0; a < k; a++) {
            if (!counts[a])
                continue;
            intra_present[np] = intra[a];
            int nq = 0;
            for (int b = 0; b < k; b++)
                if (counts[b])
                    cd[np * k + nq++] = sqrt(sqdist(centroids + (int64_t)a * d, centroids + (int64_t)b * d, d));
            np++;
        }
        int zero_gaps = 1;
        for (int a = 0; a < np && zero_gaps; a++)
            zero_gaps = all_near_zero(cd + a * k, np);
        if (all_near_zero(intra_present, np) || zero_gaps) {
            out->davies_bouldin = 0.0;
        } else {
            double total = 0.0;
            for (int a = 0; a < np; a++) {
                double worst = -INFINITY;
                for (int b = 0; b < np; b++) {
                    double gap = cd[a * k + b] == 0.0 ? INFINITY : cd[a * k + b];
                    double r = (intra_present[a] + intra_present[b]) / gap;
                    if (r > worst)
                        worst = r;
                }
                total += worst;
            }
            out->davies_bouldin = total / np;
        }
        free(cd);
        free(intra_present);
    }
    free(intra_sq);
    free(intra);
    free(centroids);
    free(counts);
    free(mean);
    free(j.block_a);
    free(j.block_b);
    free(j.block_n);
}
