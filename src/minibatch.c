/* minibatch.c — mini-batch k-means. */
#include "minibatch.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "rng.h"
#include "strbuf.h"

enum { MAX_NO_IMPROVEMENT = 10 };

/* Rows drawn uniformly with replacement, copied into a contiguous block. */
static void draw_rows(const double *x, int64_t n, int d, int64_t m, struct rng *g, double *out)
{
    for (int64_t i = 0; i < m; i++)
        memcpy(out + i * d, x + (int64_t)rng_below(g, (uint64_t)n) * d, (size_t)d * sizeof *out);
}

static int nearest(const double *xi, const double *centers, int k, int d, double *dist)
{
    int best = 0;
    double bd = DBL_MAX;
    for (int c = 0; c < k; c++) {
        double s = sqdist(xi, centers + (int64_t)c * d, d);
        if (s < bd) {
            bd = s;
            best = c;
        }
    }
    *dist = bd;
    return best;
}

int minibatch_fit(ctx *c, const double *x, int64_t n, int d, const struct minibatch_params *p,
                  struct kmeans_result *r)
{
    memset(r, 0, sizeof *r);
    int k = p->k;
    if (k < 1 || (int64_t)k > n)
        return ctx_error(c, "minibatch: k=%d must be between 1 and the number of rows (%lld)", k, (long long)n);
    int64_t batch = p->batch < n ? p->batch : n;
    int64_t init_size = 3 * batch < n ? 3 * batch : n;
    if (init_size < k)
        init_size = 3 * (int64_t)k < n ? 3 * (int64_t)k : n;
    struct rng g;
    rng_seed(&g, p->seed, 0x3b);
    double *centers = xmalloc((size_t)k * (size_t)d * sizeof *centers);
    double *trial = xmalloc((size_t)k * (size_t)d * sizeof *trial);
    double *sample = xmalloc((size_t)init_size * (size_t)d * sizeof *sample);
    double *valid = xmalloc((size_t)init_size * (size_t)d * sizeof *valid);
    double *counts = xcalloc((size_t)k, sizeof *counts);
    double *bsum = xmalloc((size_t)k * (size_t)d * sizeof *bsum);
    double *bcount = xmalloc((size_t)k * sizeof *bcount);
    double *bx = xmalloc((size_t)batch * (size_t)d * sizeof *bx);

    /* seedings compared on one validation subset */
    draw_rows(x, n, d, init_size, &g, valid);
    double best = DBL_MAX;
    int rc = 0;
    for (int t = 0; t < p->n_init && rc == 0; t++) {
        draw_rows(x, n, d, init_size, &g, sample);
        struct rng sg;
        rng_seed(&sg, p->seed, (uint64_t)t);
        if (kmeans_plusplus(sample, init_size, d, k, &sg, 1, trial))
            rc = ctx_error(c, "minibatch: not enough memory");
        double inertia = rc ? 0 : kmeans_assign(valid, init_size, d, trial, k, NULL, 1);
        if (rc == 0 && inertia < best) {
            best = inertia;
            memcpy(centers, trial, (size_t)k * (size_t)d * sizeof *centers);
        }
    }

    int64_t steps = (int64_t)p->max_iter * n / batch, step;
    double ewa = -1, ewa_min = DBL_MAX, alpha = (double)batch * 2.0 / ((double)n + 1);
    int no_improvement = 0;
    r->converged = 0;
    for (step = 0; rc == 0 && step < steps; step++) {
        if ((step & 63) == 0 && ctx_is_cancelled(c)) {
            rc = ctx_cancelled(c);
            break;
        }
        draw_rows(x, n, d, batch, &g, bx);
        memset(bsum, 0, (size_t)k * (size_t)d * sizeof *bsum);
        memset(bcount, 0, (size_t)k * sizeof *bcount);
        double inertia = 0;
        for (int64_t i = 0; i < batch; i++) {
            double dist;
            int l = nearest(bx + i * d, centers, k, d, &dist);
            inertia += dist;
            bcount[l] += 1;
            for (int j = 0; j < d; j++)
                bsum[(int64_t)l * d + j] += bx[i * d + j];
        }
        /* each centre moves to the running mean of every row it has been given */
        for (int l = 0; l < k; l++) {
            if (bcount[l] == 0)
                continue;
            double total = counts[l] + bcount[l];
            for (int j = 0; j < d; j++)
                centers[(int64_t)l * d + j] =
                    (centers[(int64_t)l * d + j] * counts[l] + bsum[(int64_t)l * d + j]) / total;
            counts[l] = total;
        }
        /* early stop on the smoothed inertia per row, as scikit-learn */
        inertia /= (double)batch;
        ewa = ewa < 0 ? inertia : ewa * (1 - alpha) + inertia * alpha;
        if (ewa < ewa_min) {
            ewa_min = ewa;
            no_improvement = 0;
        } else if (++no_improvement >= MAX_NO_IMPROVEMENT) {
            r->converged = 1;
            step++;
            break;
        }
    }
    if (rc == 0) {
        r->labels = malloc((size_t)n * sizeof *r->labels);
        if (!r->labels)
            rc = ctx_error(c, "minibatch: not enough memory for %lld labels", (long long)n);
    }
    if (rc == 0) {
        ctx_progress(c, 0, 0, "assigning rows");
        r->inertia = kmeans_assign(x, n, d, centers, k, r->labels, p->threads);
        r->centers = centers;
        centers = NULL;
        r->k = k;
        r->d = d;
        r->iterations = (int)(step > INT32_MAX ? INT32_MAX : step);
    }
    free(centers);
    free(trial);
    free(sample);
    free(valid);
    free(counts);
    free(bsum);
    free(bcount);
    free(bx);
    return rc;
}
