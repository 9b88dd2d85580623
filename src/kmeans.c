/* kmeans.c — k-means++ seeding and Lloyd's iterations with Hamerly's bounds. */
#include "kmeans.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "parallel.h"
#include "strbuf.h"
#include "vecdist.h"

enum { BLOCK = 8192 };

static int threads_or_default(int t) { return t > 0 ? t : parallel_threads(); }

/* ---- assignment to the nearest centre ---- */

/* The centres as the distance kernel reads them, and room for one row's distances. */
struct centre_panel {
    int k, d;
    double *panel;          /* d × vecdist_width(k) */
};

static void centre_panel_init(struct centre_panel *p, const double *centers, int k, int d)
{
    p->k = k;
    p->d = d;
    p->panel = xmalloc((size_t)d * (size_t)vecdist_width(k) * sizeof *p->panel);
    vecdist_transpose(centers, k, d, p->panel, vecdist_width(k));
}

/* The nearest centre to xi (the first on a tie), with its squared distance in *d1 and
 * the second smallest in *d2 (DBL_MAX when k = 1); dist has vecdist_width(k) room. */
static inline int32_t nearest_two(const double *xi, const struct centre_panel *p, double *dist, double *d1,
                                  double *d2)
{
    vecdist_panel(xi, p->d, p->panel, vecdist_width(p->k), p->k, dist);
    /* min and max only, so the compiler emits no branch: which centre wins is data,
     * and a mispredicted branch per centre cost more than the distances */
    double best = DBL_MAX, second = DBL_MAX;
    for (int c = 0; c < p->k; c++) {
        double v = dist[c], loser = v > best ? v : best;
        second = loser < second ? loser : second;
        best = v < best ? v : best;
    }
    int32_t arg = 0;
    for (int c = p->k - 1; c >= 0; c--)
        arg = dist[c] == best ? c : arg;
    *d1 = best;
    *d2 = second;
    return arg;
}

struct assign_job {
    const double *x;
    const struct centre_panel *centres;
    int32_t *labels;
    double *block_inertia;
};

VECDIST_CLONES static void assign_block(void *arg, int64_t b, int64_t begin, int64_t end)
{
    struct assign_job *j = arg;
    int d = j->centres->d;
    double *dist = xmalloc((size_t)vecdist_width(j->centres->k) * sizeof *dist);
    double sum = 0.0;
    for (int64_t i = begin; i < end; i++) {
        double best, second;
        int32_t label = nearest_two(j->x + i * d, j->centres, dist, &best, &second);
        if (j->labels)
            j->labels[i] = label;
        sum += best;
    }
    free(dist);
    j->block_inertia[b] = sum;
}

double kmeans_assign(const double *x, int64_t n, int d, const double *centers, int k, int32_t *labels,
                     int threads)
{
    struct centre_panel p;
    centre_panel_init(&p, centers, k, d);
    struct assign_job j = {.x = x, .centres = &p, .labels = labels};
    double total = parallel_sum(n, BLOCK, threads_or_default(threads), assign_block, &j, &j.block_inertia);
    free(p.panel);
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
    struct inertia_job j = {.x = x, .centers = centers, .labels = labels, .d = d};
    return parallel_sum(n, BLOCK, threads_or_default(threads), inertia_block, &j, &j.block_sum);
}

/* ---- per-row scratch ---- */

/* What each restart keeps per row: k-means++ needs the distance to the nearest chosen
 * centre, Lloyd's iterations need two bounds, never both at once.  Sharing one array
 * of slots means its pages are touched once per fit, not once per phase, and the
 * bounds, kept in single precision, make the pass that reads them every iteration
 * read half as much. */
struct bounds {
    float upper;            /* >= the distance to the assigned centre */
    float lower;            /* <= the distance to every other centre */
};

union row_slot {
    double closest;
    struct bounds bounds;
};

/* Single precision rounded outward, so a bound stays a bound: the margin of 2^-22 is
 * more than the float rounding of 2^-24 can take back.  Values past FLT_MAX become
 * FLT_MAX (lower) or infinity (upper), both still true. */
static inline float bound_above(double v)
{
    return (float)(v * (1.0 + 0x1p-22));
}

static inline float bound_below(double v)
{
    double w = v * (v >= 0.0 ? 1.0 - 0x1p-22 : 1.0 + 0x1p-22);
    return (float)(w < FLT_MAX ? w : FLT_MAX);
}

/* ---- k-means++ ---- */

struct seed_job {
    const double *x;
    int d;
    union row_slot *slot;       /* n: .closest, the squared distance to the nearest chosen centre */
    int32_t *nearest;           /* n: which centre that is, or NULL when nobody asks */
    float *runner_up;           /* n: the squared distance to the second nearest, rounded down */
    int32_t centre;             /* update: the new centre's number */
    const double *cand;         /* update: the new centre; else the ntrials candidates as a panel */
    int ntrials;
    double *block_pot;          /* nblocks × ntrials (or × 1 when updating) */
    int update;                 /* 0: potentials of the candidates; 1: take candidate 0 */
};

VECDIST_CLONES static void seed_block(void *arg, int64_t b, int64_t begin, int64_t end)
{
    struct seed_job *j = arg;
    if (j->update) {
        double sum = 0.0;
        for (int64_t i = begin; i < end; i++) {
            double dist = sqdist(j->x + i * j->d, j->cand, j->d);
            double *closest = &j->slot[i].closest;
            if (j->nearest) {       /* the order and ties of nearest_two() */
                if (dist < *closest) {
                    j->runner_up[i] = bound_below(*closest);
                    j->nearest[i] = j->centre;
                } else if (dist < (double)j->runner_up[i]) {
                    j->runner_up[i] = bound_below(dist);
                }
            }
            if (dist < *closest)
                *closest = dist;
            sum += *closest;
        }
        j->block_pot[b] = sum;
        return;
    }
    double *pot = j->block_pot + b * j->ntrials;
    double *dist = xmalloc((size_t)vecdist_width(j->ntrials) * sizeof *dist);
    for (int t = 0; t < j->ntrials; t++)
        pot[t] = 0.0;
    for (int64_t i = begin; i < end; i++) {
        vecdist_panel(j->x + i * j->d, j->d, j->cand, vecdist_width(j->ntrials), j->ntrials, dist);
        for (int t = 0; t < j->ntrials; t++)
            pot[t] += dist[t] < j->slot[i].closest ? dist[t] : j->slot[i].closest;
    }
    free(dist);
}

/* The row where the running sum of .closest first reaches target (numpy's
 * searchsorted on the cumulative sum), clipped to the last row; block sums let it
 * skip whole blocks. */
static int64_t sample_row(const union row_slot *slot, const double *block_pot, int64_t n, double target)
{
    int64_t nb = parallel_nblocks(n, BLOCK);
    double acc = 0.0;
    int64_t b = 0;
    while (b < nb - 1 && acc + block_pot[b] < target)
        acc += block_pot[b++];
    int64_t end = (b + 1) * BLOCK < n ? (b + 1) * BLOCK : n;
    for (int64_t i = b * BLOCK; i < end; i++) {
        acc += slot[i].closest;
        if (acc >= target)
            return i;
    }
    return n - 1;
}

/* k-means++ with the caller's n row slots.  When nearest and runner_up (n each) are
 * given, they end holding each row's nearest centre and its squared distance to the
 * second nearest (rounded down): with .closest, the first assignment of Lloyd's
 * iterations, whose distances the seeding has already computed. */
static int plusplus(const double *x, int64_t n, int d, int k, struct rng *rng, int threads, union row_slot *slot,
                    int32_t *nearest, float *runner_up, double *centers)
{
    int ntrials = 2 + (int)log((double)k);
    int64_t nb = parallel_nblocks(n, BLOCK);
    double *block_pot = malloc((size_t)nb * (size_t)ntrials * sizeof *block_pot);
    double *cand = malloc((size_t)ntrials * (size_t)d * sizeof *cand);
    double *cand_panel = malloc((size_t)vecdist_width(ntrials) * (size_t)d * sizeof *cand_panel);
    int64_t *cand_rows = malloc((size_t)ntrials * sizeof *cand_rows);
    if (!block_pot || !cand || !cand_panel || !cand_rows) {
        free(block_pot);
        free(cand);
        free(cand_panel);
        free(cand_rows);
        return -1;
    }
    int64_t first = (int64_t)rng_below(rng, (uint64_t)n);
    memcpy(centers, x + first * d, (size_t)d * sizeof *centers);
    for (int64_t i = 0; i < n; i++) {
        slot[i].closest = DBL_MAX;
        if (runner_up)
            runner_up[i] = FLT_MAX;
    }
    struct seed_job j = {.x = x, .d = d, .slot = slot, .nearest = nearest, .runner_up = runner_up, .centre = 0,
                         .cand = centers, .ntrials = 1, .block_pot = block_pot, .update = 1};
    parallel_blocks(n, BLOCK, threads, seed_block, &j);
    double pot = 0.0;
    for (int64_t b = 0; b < nb; b++)
        pot += block_pot[b];

    for (int c = 1; c < k; c++) {
        for (int t = 0; t < ntrials; t++) {
            cand_rows[t] = sample_row(slot, block_pot, n, rng_uniform(rng) * pot);
            memcpy(cand + (int64_t)t * d, x + cand_rows[t] * d, (size_t)d * sizeof *cand);
        }
        vecdist_transpose(cand, ntrials, d, cand_panel, vecdist_width(ntrials));
        j = (struct seed_job){.x = x, .d = d, .slot = slot, .cand = cand_panel, .ntrials = ntrials,
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
        j = (struct seed_job){.x = x, .d = d, .slot = slot, .nearest = nearest, .runner_up = runner_up,
                              .centre = c, .cand = center, .ntrials = 1, .block_pot = block_pot, .update = 1};
        parallel_blocks(n, BLOCK, threads, seed_block, &j);
        pot = 0.0;
        for (int64_t b = 0; b < nb; b++)
            pot += block_pot[b];
    }
    free(block_pot);
    free(cand);
    free(cand_panel);
    free(cand_rows);
    return 0;
}

int kmeans_plusplus(const double *x, int64_t n, int d, int k, struct rng *rng, int threads, double *centers)
{
    union row_slot *slot = malloc((size_t)n * sizeof *slot);
    int rc = slot ? plusplus(x, n, d, k, rng, threads_or_default(threads), slot, NULL, NULL, centers) : -1;
    free(slot);
    return rc;
}

/* ---- Lloyd's iterations with Hamerly's bounds ---- */

/* One restart's state.  The cluster sums are kept up to date by the rows that change
 * cluster (Hamerly's bookkeeping) instead of being recomputed from every row: once
 * the bounds settle, an iteration reads a row only when its bounds fail, and the
 * iteration's cost falls from a pass over the matrix to a pass over the bounds. */
struct lloyd {
    const double *x;
    int64_t n;
    int d, k;
    double *centers;        /* k × d, the centres labels are assigned against */
    struct centre_panel panel; /* the same centres, for the distance kernel */
    int32_t *labels;        /* n */
    union row_slot *slot;   /* n: .bounds; before the first step, the seeding's .closest */
    float *runner_up;       /* n: before the first step, the seeding's second distances */
    double *move;           /* k: how far each centre moved in the last update */
    double *half_gap;       /* k: half the distance to the nearest other centre */
    int farthest;           /* the centre that moved most, and the runner-up's move */
    double move_max, move_second;
    int first;              /* the first step: the seeding's assignment, rows not yet summed */
    double *block_delta;    /* nblocks × k × d: rows that joined a cluster minus rows that left */
    int64_t *block_counts;  /* nblocks × k: the same for the counts */
    int64_t *block_changed; /* nblocks */
};

/* sum += sign · row */
static inline void add_row(double *sum, const double *row, int d, double sign)
{
    for (int j = 0; j < d; j++)
        sum[j] += sign * row[j];
}

VECDIST_CLONES static void lloyd_block(void *arg, int64_t b, int64_t begin, int64_t end)
{
    struct lloyd *L = arg;
    int d = L->d, k = L->k;
    double *delta = L->block_delta + b * k * d;
    int64_t *counts = L->block_counts + b * k;
    int64_t changed = 0;
    double *dist = xmalloc((size_t)vecdist_width(k) * sizeof *dist);
    memset(delta, 0, (size_t)k * (size_t)d * sizeof *delta);
    memset(counts, 0, (size_t)k * sizeof *counts);
    for (int64_t i = begin; i < end; i++) {
        const double *xi = L->x + i * d;
        int32_t a = L->labels[i];
        if (L->first) {
            double closest = L->slot[i].closest;
            L->slot[i].bounds = (struct bounds){.upper = bound_above(sqrt(closest)),
                                                .lower = bound_below(sqrt((double)L->runner_up[i]))};
            add_row(delta + (int64_t)a * d, xi, d, 1.0);
            counts[a]++;
            changed++;
            continue;
        }
        struct bounds *bd = &L->slot[i].bounds;
        double upper = (double)bd->upper + L->move[a];
        double lower = (double)bd->lower - (a == L->farthest ? L->move_second : L->move_max);
        double bound = lower > L->half_gap[a] ? lower : L->half_gap[a];
        if (upper > bound)
            upper = sqrt(sqdist(xi, L->centers + (int64_t)a * d, d));
        if (upper <= bound) {
            bd->upper = bound_above(upper);
            bd->lower = bound_below(lower);
            continue;
        }
        double d1, d2;
        int32_t label = nearest_two(xi, &L->panel, dist, &d1, &d2);
        bd->upper = bound_above(sqrt(d1));
        bd->lower = bound_below(sqrt(d2));
        if (label == a)
            continue;
        changed++;
        L->labels[i] = label;
        add_row(delta + (int64_t)label * d, xi, d, 1.0);
        add_row(delta + (int64_t)a * d, xi, d, -1.0);
        counts[label]++;
        counts[a]--;
    }
    free(dist);
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
        L->slot[i].bounds = (struct bounds){.upper = 0.0f, .lower = 0.0f}; /* it is the centre; others unknown */
    }
    free(far);
    free(fardist);
}

/* Runs the blocks, adds their changes to the cluster sums in block order, moves the
 * centres to the new means and records how far each moved.  Returns the number of
 * rows that changed cluster and sets *shift to the total squared movement. */
static int64_t lloyd_step(struct lloyd *L, int threads, double *sums, int64_t *counts, double *new_centers,
                          double *shift)
{
    int64_t nb = parallel_nblocks(L->n, BLOCK);
    int d = L->d, k = L->k;
    parallel_blocks(L->n, BLOCK, threads, lloyd_block, L);
    int64_t changed = 0;
    for (int64_t b = 0; b < nb; b++) {
        const double *delta = L->block_delta + b * k * d;
        for (int64_t t = 0; t < (int64_t)k * d; t++)
            sums[t] += delta[t];
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
    vecdist_transpose(L->centers, k, d, L->panel.panel, vecdist_width(k));
    update_gaps(L);
    L->first = 0;
    return changed;
}

/* One restart from the given centres (overwritten with the result). */
static int lloyd_run(ctx *c, struct lloyd *L, int max_iter, double tol_abs, int threads, int *iterations,
                     int *converged)
{
    int d = L->d, k = L->k;
    double *sums = xcalloc((size_t)k * (size_t)d, sizeof *sums);
    int64_t *counts = xcalloc((size_t)k, sizeof *counts);
    double *new_centers = xmalloc((size_t)k * (size_t)d * sizeof *new_centers);
    int rc = 0, strict = 0, it;
    *converged = 0;
    L->first = 1;           /* the seeding's assignment: the panel is set by the first step */
    for (it = 0; it < max_iter; it++) {
        if (ctx_is_cancelled(c)) {
            rc = ctx_cancelled(c);
            break;
        }
        double shift;
        int first = L->first;
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
    if (rc == 0 && !strict)     /* labels to match the final centres */
        parallel_blocks(L->n, BLOCK, threads, lloyd_block, L);
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
    L.slot = malloc((size_t)n * sizeof *L.slot);
    L.runner_up = malloc((size_t)n * sizeof *L.runner_up);
    L.move = calloc((size_t)k, sizeof *L.move);
    L.half_gap = calloc((size_t)k, sizeof *L.half_gap);
    L.panel = (struct centre_panel){.k = k, .d = d,
                                    .panel = malloc((size_t)d * (size_t)vecdist_width(k) * sizeof(double))};
    L.block_delta = malloc((size_t)nb * (size_t)k * (size_t)d * sizeof *L.block_delta);
    L.block_counts = malloc((size_t)nb * (size_t)k * sizeof *L.block_counts);
    L.block_changed = malloc((size_t)nb * sizeof *L.block_changed);
    r->centers = malloc((size_t)k * (size_t)d * sizeof *r->centers);
    r->labels = malloc((size_t)n * sizeof *r->labels);
    int rc = 0;
    if (!L.centers || !L.labels || !L.slot || !L.runner_up || !L.move || !L.half_gap || !L.panel.panel || !L.block_delta ||
        !L.block_counts || !L.block_changed || !r->centers || !r->labels)
        rc = ctx_error(c, "k-means: not enough memory for %lld rows", (long long)n);
    double tol_abs = rc ? 0.0 : absolute_tolerance(x, n, d, p->tol);
    r->inertia = DBL_MAX;
    for (int run = 0; rc == 0 && run < p->n_init; run++) {
        struct rng rng;
        rng_seed(&rng, p->seed, (uint64_t)run);
        if (plusplus(x, n, d, k, &rng, threads, L.slot, L.labels, L.runner_up, L.centers)) {
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
    free(L.slot);
    free(L.runner_up);
    free(L.move);
    free(L.half_gap);
    free(L.panel.panel);
    free(L.block_delta);
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
