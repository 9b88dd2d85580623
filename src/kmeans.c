/* kmeans.c — k-means++ seeding and Lloyd's iterations with Hamerly's bounds. */
#include "kmeans.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "parallel.h"
#include "strbuf.h"

enum { BLOCK = 8192 };

static int threads_or_default(int t) { return t > 0 ? t : parallel_threads(); }

/* ---- assignment to the nearest centre ---- */

struct assign_job {
    const double *x, *centers;
    int d, k;
    int32_t *labels;
    double *block_inertia;
};

static void assign_block(void *arg, int64_t b, int64_t begin, int64_t end)
{
    struct assign_job *j = arg;
    double sum = 0.0;
    for (int64_t i = begin; i < end; i++) {
        const double *xi = j->x + i * j->d;
        double best = DBL_MAX;
        int32_t label = 0;
        for (int c = 0; c < j->k; c++) {
            double dist = sqdist(xi, j->centers + (int64_t)c * j->d, j->d);
            if (dist < best) {
                best = dist;
                label = c;
            }
        }
        if (j->labels)
            j->labels[i] = label;
        sum += best;
    }
    j->block_inertia[b] = sum;
}

double kmeans_assign(const double *x, int64_t n, int d, const double *centers, int k, int32_t *labels,
                     int threads)
{
    int64_t nb = parallel_nblocks(n, BLOCK);
    struct assign_job j = {.x = x, .centers = centers, .d = d, .k = k, .labels = labels,
                           .block_inertia = xcalloc((size_t)nb, sizeof(double))};
    parallel_blocks(n, BLOCK, threads_or_default(threads), assign_block, &j);
    double total = 0.0;
    for (int64_t b = 0; b < nb; b++)
        total += j.block_inertia[b];
    free(j.block_inertia);
    return total;
}

struct inertia_job {
    const double *x, *centers;
    const int32_t *labels;
    int d;
    double *block_sum;
};

static void inertia_block(void *arg, int64_t b, int64_t begin, int64_t end)
{
    struct inertia_job *j = arg;
    double sum = 0.0;
    for (int64_t i = begin; i < end; i++)
        sum += sqdist(j->x + i * j->d, j->centers + (int64_t)j->labels[i] * j->d, j->d);
    j->block_sum[b] = sum;
}

double kmeans_inertia(const double *x, int64_t n, int d, const double *centers, const int32_t *labels,
                      int threads)
{
    int64_t nb = parallel_nblocks(n, BLOCK);
    struct inertia_job j = {.x = x, .centers = centers, .labels = labels, .d = d,
                            .block_sum = xcalloc((size_t)nb, sizeof(double))};
    parallel_blocks(n, BLOCK, threads_or_default(threads), inertia_block, &j);
    double total = 0.0;
    for (int64_t b = 0; b < nb; b++)
        total += j.block_sum[b];
    free(j.block_sum);
    return total;
}

/* ---- k-means++ ---- */

struct seed_job {
    const double *x;
    int d;
    double *closest;            /* n: squared distance to the nearest chosen centre */
    const double *cand;         /* ntrials candidate rows */
    int ntrials;
    double *block_pot;          /* nblocks × ntrials (or × 1 when updating) */
    int update;                 /* 0: potentials of the candidates; 1: take candidate 0 */
};

static void seed_block(void *arg, int64_t b, int64_t begin, int64_t end)
{
    struct seed_job *j = arg;
    if (j->update) {
        double sum = 0.0;
        for (int64_t i = begin; i < end; i++) {
            double dist = sqdist(j->x + i * j->d, j->cand, j->d);
            if (dist < j->closest[i])
                j->closest[i] = dist;
            sum += j->closest[i];
        }
        j->block_pot[b] = sum;
        return;
    }
    double *pot = j->block_pot + b * j->ntrials;
    for (int t = 0; t < j->ntrials; t++)
        pot[t] = 0.0;
    for (int64_t i = begin; i < end; i++) {
        const double *xi = j->x + i * j->d;
        for (int t = 0; t < j->ntrials; t++) {
            double dist = sqdist(xi, j->cand + (int64_t)t * j->d, j->d);
            pot[t] += dist < j->closest[i] ? dist : j->closest[i];
        }
    }
}

/* The row where the running sum of closest[] first reaches target (numpy's
 * searchsorted on the cumulative sum), clipped to the last row; block sums let it
 * skip whole blocks. */
static int64_t sample_row(const double *closest, const double *block_pot, int64_t n, double target)
{
    int64_t nb = parallel_nblocks(n, BLOCK);
    double acc = 0.0;
    int64_t b = 0;
    while (b < nb - 1 && acc + block_pot[b] < target)
        acc += block_pot[b++];
    int64_t end = (b + 1) * BLOCK < n ? (b + 1) * BLOCK : n;
    for (int64_t i = b * BLOCK; i < end; i++) {
        acc += closest[i];
        if (acc >= target)
            return i;
    }
    return n - 1;
}

int kmeans_plusplus(const double *x, int64_t n, int d, int k, struct rng *rng, int threads, double *centers)
{
    threads = threads_or_default(threads);
    int ntrials = 2 + (int)log((double)k);
    int64_t nb = parallel_nblocks(n, BLOCK);
    double *closest = malloc((size_t)n * sizeof *closest);
    double *block_pot = malloc((size_t)nb * (size_t)ntrials * sizeof *block_pot);
    double *cand = malloc((size_t)ntrials * (size_t)d * sizeof *cand);
    int64_t *cand_rows = malloc((size_t)ntrials * sizeof *cand_rows);
    if (!closest || !block_pot || !cand || !cand_rows) {
        free(closest);
        free(block_pot);
        free(cand);
        free(cand_rows);
        return -1;
    }
    int64_t first = (int64_t)rng_below(rng, (uint64_t)n);
    memcpy(centers, x + first * d, (size_t)d * sizeof *centers);
    for (int64_t i = 0; i < n; i++)
        closest[i] = DBL_MAX;
    struct seed_job j = {.x = x, .d = d, .closest = closest, .cand = centers, .ntrials = 1,
                         .block_pot = block_pot, .update = 1};
    parallel_blocks(n, BLOCK, threads, seed_block, &j);
    double pot = 0.0;
    for (int64_t b = 0; b < nb; b++)
        pot += block_pot[b];

    for (int c = 1; c < k; c++) {
        for (int t = 0; t < ntrials; t++) {
            cand_rows[t] = sample_row(closest, block_pot, n, rng_uniform(rng) * pot);
            memcpy(cand + (int64_t)t * d, x + cand_rows[t] * d, (size_t)d * sizeof *cand);
        }
        j = (struct seed_job){.x = x, .d = d, .closest = closest, .cand = cand, .ntrials = ntrials,
                              .block_pot = block_pot};
        parallel_blocks(n, BLOCK, threads, seed_block, &j);
        int best = 0;
        double best_pot = DBL_MAX;
        for (int t = 0; t < ntrials; t++) {
            double sum = 0.0;
            for (int64_t b = 0; b < nb; b++)
                sum += block_pot[b * ntrials + t];
            if (sum < best_pot) {
                best_pot = sum;
                best = t;
            }
        }
        double *center = centers + (int64_t)c * d;
        memcpy(center, x + cand_rows[best] * d, (size_t)d * sizeof *center);
        j = (struct seed_job){.x = x, .d = d, .closest = closest, .cand = center, .ntrials = 1,
                              .block_pot = block_pot, .update = 1};
        parallel_blocks(n, BLOCK, threads, seed_block, &j);
        pot = 0.0;
        for (int64_t b = 0; b < nb; b++)
            pot += block_pot[b];
    }
    free(closest);
    free(block_pot);
    free(cand);
    free(cand_rows);
    return 0;
}

/* ---- Lloyd's iterations with Hamerly's bounds ---- */

/* One restart's state. */
struct lloyd {
    const double *x;
    int64_t n;
    int d, k;
    double *centers;        /* k × d, the centres labels are assigned against */
    int32_t *labels;
    double *upper;          /* n: bound on the distance to the assigned centre */
    double *lower;          /* n: bound on the distance to every other centre */
    double *move;           /* k: how far each centre moved in the last update */
    double *half_gap;       /* k: half the distance to the nearest other centre */
    int farthest;           /* the centre that moved most, and the runner-up's move */
    double move_max, move_second;
    int full;               /* compute every distance (the first assignment) */
    int accumulate;         /* add rows into the block sums */
    double *block_sums;     /* nblocks × k × d */
    int64_t *block_counts;  /* nblocks × k */
    int64_t *block_changed; /* nblocks */
};

/* Distances from x_i to every centre: nearest label, its distance and the second. */
static void nearest_two(const double *xi, const double *centers, int k, int d, int32_t *label, double *d1,
                        double *d2)
{
    double best = DBL_MAX, second = DBL_MAX;
    int32_t arg = 0;
    for (int c = 0; c < k; c++) {
        double dist = sqdist(xi, centers + (int64_t)c * d, d);
        if (dist < best) {
            second = best;
            best = dist;
            arg = c;
        } else if (dist < second) {
            second = dist;
        }
    }
    *label = arg;
    *d1 = sqrt(best);
    *d2 = sqrt(second);
}

static void lloyd_block(void *arg, int64_t b, int64_t begin, int64_t end)
{
    struct lloyd *L = arg;
    int d = L->d, k = L->k;
    double *sums = L->block_sums + b * k * d;
    int64_t *counts = L->block_counts + b * k;
    int64_t changed = 0;
    if (L->accumulate) {
        memset(sums, 0, (size_t)k * (size_t)d * sizeof *sums);
        memset(counts, 0, (size_t)k * sizeof *counts);
    }
    for (int64_t i = begin; i < end; i++) {
        const double *xi = L->x + i * d;
        int32_t a = L->labels[i];
        if (L->full) {
            int32_t label;
            nearest_two(xi, L->centers, k, d, &label, &L->upper[i], &L->lower[i]);
            changed += label != a;
            L->labels[i] = a = label;
        } else {
            L->upper[i] += L->move[a];
            L->lower[i] -= a == L->farthest ? L->move_second : L->move_max;
            double bound = L->lower[i] > L->half_gap[a] ? L->lower[i] : L->half_gap[a];
            if (L->upper[i] > bound) {
                L->upper[i] = sqrt(sqdist(xi, L->centers + (int64_t)a * d, d));
                if (L->upper[i] > bound) {
                    int32_t label;
                    nearest_two(xi, L->centers, k, d, &label, &L->upper[i], &L->lower[i]);
                    changed += label != a;
                    L->labels[i] = a = label;
                }
            }
        }
        if (L->accumulate) {
            double *s = sums + (int64_t)a * d;
            for (int j = 0; j < d; j++)
                s[j] += xi[j];
            counts[a]++;
        }
    }
    L->block_changed[b] = changed;
}

/* half_gap[c]: half the distance from centre c to its nearest other centre; a row
 * closer than that to its own centre cannot be closer to another. */
static void update_gaps(struct lloyd *L)
{
    for (int a = 0; a < L->k; a++)
        L->half_gap[a] = DBL_MAX;
    for (int a = 0; a < L->k; a++)
        for (int b = a + 1; b < L->k; b++) {
            double g = 0.5 * sqrt(sqdist(L->centers + (int64_t)a * L->d, L->centers + (int64_t)b * L->d, L->d));
            if (g < L->half_gap[a])
                L->half_gap[a] = g;
            if (g < L->half_gap[b])
                L->half_gap[b] = g;
        }
}

/* Gives each empty cluster the row farthest from its centre (scikit-learn's rule),
 * moving that row out of its cluster's sums. */
static void relocate_empty(struct lloyd *L, double *sums, int64_t *counts)
{
    int nempty = 0;
    for (int c = 0; c < L->k; c++)
        nempty += counts[c] == 0;
    if (nempty == 0)
        return;
    int64_t *far = xcalloc((size_t)nempty, sizeof *far);
    double *fardist = xcalloc((size_t)nempty, sizeof *fardist);
    for (int e = 0; e < nempty; e++)
        fardist[e] = -1.0;
    for (int64_t i = 0; i < L->n; i++) {     /* the nempty largest distances, largest first */
        double dist = sqdist(L->x + i * L->d, L->centers + (int64_t)L->labels[i] * L->d, L->d);
        if (dist <= fardist[nempty - 1])
            continue;
        int e = nempty - 1;
        while (e > 0 && fardist[e - 1] < dist) {
            fardist[e] = fardist[e - 1];
            far[e] = far[e - 1];
            e--;
        }
        fardist[e] = dist;
        far[e] = i;
    }
    int e = 0;
    for (int c = 0; c < L->k && e < nempty; c++) {
        if (counts[c] != 0)
            continue;
        int64_t i = far[e++];
        const double *xi = L->x + i * L->d;
        int32_t old = L->labels[i];
        for (int j = 0; j < L->d; j++) {
            sums[(int64_t)old * L->d + j] -= xi[j];
            sums[(int64_t)c * L->d + j] = xi[j];
        }
        counts[old]--;
        counts[c] = 1;
        L->labels[i] = c;
        L->upper[i] = 0.0;
        L->lower[i] = 0.0;      /* unknown: the next assignment looks again */
    }
    free(far);
    free(fardist);
}

/* Runs the blocks, reduces their sums in block order into new centres, and records
 * how far each centre moved.  Returns the number of rows that changed cluster and
 * sets *shift to the total squared movement. */
static int64_t lloyd_step(struct lloyd *L, int threads, double *sums, int64_t *counts, double *new_centers,
                          double *shift)
{
    int64_t nb = parallel_nblocks(L->n, BLOCK);
    int d = L->d, k = L->k;
    L->accumulate = 1;
    parallel_blocks(L->n, BLOCK, threads, lloyd_block, L);
    memset(sums, 0, (size_t)k * (size_t)d * sizeof *sums);
    memset(counts, 0, (size_t)k * sizeof *counts);
    int64_t changed = 0;
    for (int64_t b = 0; b < nb; b++) {
        const double *bs = L->block_sums + b * k * d;
        for (int64_t t = 0; t < (int64_t)k * d; t++)
            sums[t] += bs[t];
        for (int c = 0; c < k; c++)
            counts[c] += L->block_counts[b * k + c];
        changed += L->block_changed[b];
    }
    relocate_empty(L, sums, counts);
    *shift = 0.0;
    L->move_max = L->move_second = 0.0;
    L->farthest = 0;
    for (int c = 0; c < k; c++) {
        double *nc = new_centers + (int64_t)c * d;
        for (int j = 0; j < d; j++)
            nc[j] = sums[(int64_t)c * d + j] / (double)counts[c];
        double m2 = sqdist(nc, L->centers + (int64_t)c * d, d);
        *shift += m2;
        L->move[c] = sqrt(m2);
        if (L->move[c] > L->move_max) {
            L->move_second = L->move_max;
            L->move_max = L->move[c];
            L->farthest = c;
        } else if (L->move[c] > L->move_second) {
            L->move_second = L->move[c];
        }
    }
    memcpy(L->centers, new_centers, (size_t)k * (size_t)d * sizeof *new_centers);
    update_gaps(L);
    L->full = 0;
    return changed;
}

/* One restart from the given centres (overwritten with the result). */
static int lloyd_run(ctx *c, struct lloyd *L, int max_iter, double tol_abs, int threads, int *iterations,
                     int *converged)
{
    int d = L->d, k = L->k;
    double *sums = xmalloc((size_t)k * (size_t)d * sizeof *sums);
    int64_t *counts = xmalloc((size_t)k * sizeof *counts);
    double *new_centers = xmalloc((size_t)k * (size_t)d * sizeof *new_centers);
    int rc = 0, strict = 0, it;
    *converged = 0;
    L->full = 1;
    for (int64_t i = 0; i < L->n; i++)
        L->labels[i] = -1;
    for (it = 0; it < max_iter; it++) {
        if (ctx_is_cancelled(c)) {
            rc = ctx_cancelled(c);
            break;
        }
        double shift;
        int first = L->full;
        int64_t changed = lloyd_step(L, threads, sums, counts, new_centers, &shift);
        if (!first && changed == 0) {
            strict = 1;
            *converged = 1;
            it++;
            break;
        }
        if (shift <= tol_abs) {
            *converged = 1;
            it++;
            break;
        }
    }
    *iterations = it;
    if (rc == 0 && !strict) {   /* labels to match the final centres */
        L->accumulate = 0;
        parallel_blocks(L->n, BLOCK, threads, lloyd_block, L);
    }
    free(sums);
    free(counts);
    free(new_centers);
    return rc;
}

void kmeans_result_free(struct kmeans_result *r)
{
    free(r->centers);
    free(r->labels);
    memset(r, 0, sizeof *r);
}

/* scikit-learn's tolerance: tol times the mean of the features' variances. */
static double absolute_tolerance(const double *x, int64_t n, int d, double tol)
{
    if (tol == 0.0)
        return 0.0;
    double total = 0.0;
    for (int j = 0; j < d; j++) {
        double mean = 0.0, ss = 0.0;
        for (int64_t i = 0; i < n; i++)
            mean += x[i * d + j];
        mean /= (double)n;
        for (int64_t i = 0; i < n; i++) {
            double e = x[i * d + j] - mean;
            ss += e * e;
        }
        total += ss / (double)n;
    }
    return total / d * tol;
}

int kmeans_fit(ctx *c, const double *x, int64_t n, int d, const struct kmeans_params *p,
               struct kmeans_result *r)
{
    memset(r, 0, sizeof *r);
    int k = p->k, threads = threads_or_default(p->threads);
    if (k < 1 || (int64_t)k > n)
        return ctx_error(c, "k-means: k=%d must be between 1 and the number of rows (%lld)", k, (long long)n);
    int64_t nb = parallel_nblocks(n, BLOCK);
    struct lloyd L = {.x = x, .n = n, .d = d, .k = k};
    L.centers = malloc((size_t)k * (size_t)d * sizeof *L.centers);
    L.labels = malloc((size_t)n * sizeof *L.labels);
    L.upper = malloc((size_t)n * sizeof *L.upper);
    L.lower = malloc((size_t)n * sizeof *L.lower);
    L.move = calloc((size_t)k, sizeof *L.move);
    L.half_gap = calloc((size_t)k, sizeof *L.half_gap);
    L.block_sums = malloc((size_t)nb * (size_t)k * (size_t)d * sizeof *L.block_sums);
    L.block_counts = malloc((size_t)nb * (size_t)k * sizeof *L.block_counts);
    L.block_changed = malloc((size_t)nb * sizeof *L.block_changed);
    r->centers = malloc((size_t)k * (size_t)d * sizeof *r->centers);
    r->labels = malloc((size_t)n * sizeof *r->labels);
    int rc = 0;
    if (!L.centers || !L.labels || !L.upper || !L.lower || !L.move || !L.half_gap || !L.block_sums ||
        !L.block_counts || !L.block_changed || !r->centers || !r->labels)
        rc = ctx_error(c, "k-means: not enough memory for %lld rows", (long long)n);
    double tol_abs = rc ? 0.0 : absolute_tolerance(x, n, d, p->tol);
    r->inertia = DBL_MAX;
    for (int run = 0; rc == 0 && run < p->n_init; run++) {
        struct rng rng;
        rng_seed(&rng, p->seed, (uint64_t)run);
        if (kmeans_plusplus(x, n, d, k, &rng, threads, L.centers)) {
            rc = ctx_error(c, "k-means: not enough memory for seeding %lld rows", (long long)n);
            break;
        }
        int iterations, converged;
        struct timespec t0, t1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        rc = lloyd_run(c, &L, p->max_iter, tol_abs, threads, &iterations, &converged);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        if (rc)
            break;
        double inertia = kmeans_inertia(x, n, d, L.centers, L.labels, threads);
        if (inertia < r->inertia) {
            r->inertia = inertia;
            r->iterations = iterations;
            r->converged = converged;
            r->lloyd_seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
            memcpy(r->centers, L.centers, (size_t)k * (size_t)d * sizeof *L.centers);
            memcpy(r->labels, L.labels, (size_t)n * sizeof *L.labels);
        }
        ctx_progress(c, run + 1, p->n_init, "k-means restarts");
    }
    free(L.centers);
    free(L.labels);
    free(L.upper);
    free(L.lower);
    free(L.move);
    free(L.half_gap);
    free(L.block_sums);
    free(L.block_counts);
    free(L.block_changed);
    if (rc) {
        kmeans_result_free(r);
        return -1;
    }
    r->k = k;
    r->d = d;
    return 0;
}
