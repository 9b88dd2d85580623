/* gmm.c — EM for Gaussian mixtures. */
#include "gmm.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "kmeans.h"
#include "parallel.h"
#include "strbuf.h"

enum { BLOCK = 4096 };

int64_t gmm_parameters(int k, int d, enum gmm_covariance cov)
{
    int64_t covp = cov == GMM_FULL ? (int64_t)k * d * (d + 1) / 2 : (int64_t)k * d;
    return covp + (int64_t)k * d + k - 1;
}

/* One component's density, ready to evaluate: the mean, the Cholesky factor of the
 * covariance (lower; diag: the standard deviations) and the log normaliser with the
 * log weight. */
struct component {
    double *mean, *chol;
    double log_const;
};

struct model {
    int k, d;
    enum gmm_covariance cov;
    double *weights, *means, *covs;     /* as in gmm_result */
    double *chol;                       /* k × d × d, or k × d */
    double *log_const;                  /* k */
};

/* Lower Cholesky factor of the d × d matrix a into l; -1 if not positive definite. */
static int cholesky(const double *a, int d, double *l)
{
    for (int i = 0; i < d; i++)
        for (int j = 0; j <= i; j++) {
            double s = a[i * d + j];
            for (int t = 0; t < j; t++)
                s -= l[i * d + t] * l[j * d + t];
            if (i == j) {
                if (!(s > 0))
                    return -1;
                l[i * d + i] = sqrt(s);
            } else {
                l[i * d + j] = s / l[j * d + j];
            }
        }
    for (int i = 0; i < d; i++)
        for (int j = i + 1; j < d; j++)
            l[i * d + j] = 0;
    return 0;
}

/* Factors every covariance and computes the constants; -1 names the component. */
static int prepare(struct model *m, int *bad)
{
    int d = m->d;
    double log2pi = log(2 * M_PI);
    for (int c = 0; c < m->k; c++) {
        double logdet = 0;
        if (m->cov == GMM_FULL) {
            double *l = m->chol + (int64_t)c * d * d;
            if (cholesky(m->covs + (int64_t)c * d * d, d, l)) {
                *bad = c;
                return -1;
            }
            for (int j = 0; j < d; j++)
                logdet += log(l[j * d + j]);
        } else {
            for (int j = 0; j < d; j++) {
                double v = m->covs[(int64_t)c * d + j];
                if (!(v > 0)) {
                    *bad = c;
                    return -1;
                }
                m->chol[(int64_t)c * d + j] = sqrt(v);
                logdet += log(m->chol[(int64_t)c * d + j]);
            }
        }
        m->log_const[c] = log(m->weights[c]) - 0.5 * d * log2pi - logdet;
    }
    return 0;
}

/* One pass: log-likelihood, and responsibility-weighted sums around the current
 * means (sums of diff and of its outer products), per block. */
struct pass {
    const double *x;
    const struct model *m;
    int64_t n;
    double *block_ll;       /* nblocks */
    double *block_stats;    /* nblocks × stride: nk, sum diff, sum diff diffᵀ */
    int64_t stride;
    int32_t *labels;        /* the final pass: labels and probabilities */
    double *probs;
    int accumulate;
};

static void pass_block(void *arg, int64_t b, int64_t begin, int64_t end)
{
    struct pass *p = arg;
    const struct model *m = p->m;
    int k = m->k, d = m->d;
    int full = m->cov == GMM_FULL;
    int64_t cs = full ? (int64_t)d * d : d;     /* per-component second moments */
    double *stats = p->accumulate ? p->block_stats + b * p->stride : NULL;
    if (stats)
        memset(stats, 0, (size_t)p->stride * sizeof *stats);
    double *nk = stats, *sx = stats ? stats + k : NULL, *sxx = stats ? stats + k + (int64_t)k * d : NULL;
    double *logp = xmalloc((size_t)k * sizeof *logp), *diff = xmalloc((size_t)k * (size_t)d * sizeof *diff);
    double *z = xmalloc((size_t)d * sizeof *z);
    double ll = 0;
    for (int64_t i = begin; i < end; i++) {
        const double *xi = p->x + i * d;
        double top = -INFINITY;
        for (int c = 0; c < k; c++) {
            const double *mu = m->means + (int64_t)c * d, *l = m->chol + (int64_t)c * cs;
            double *df = diff + (int64_t)c * d, q = 0;
            for (int j = 0; j < d; j++)
                df[j] = xi[j] - mu[j];
            if (full) {     /* solve L z = diff */
                for (int j = 0; j < d; j++) {
                    double s = df[j];
                    for (int t = 0; t < j; t++)
                        s -= l[j * d + t] * z[t];
                    z[j] = s / l[j * d + j];
                    q += z[j] * z[j];
                }
            } else {
                for (int j = 0; j < d; j++) {
                    double t = df[j] / l[j];
                    q += t * t;
                }
            }
            logp[c] = m->log_const[c] - 0.5 * q;
            top = logp[c] > top ? logp[c] : top;
        }
        double sum = 0;
        for (int c = 0; c < k; c++)
            sum += exp(logp[c] - top);
        double lse = top + log(sum);
        ll += lse;
        int best = 0;
        for (int c = 0; c < k; c++) {
            double resp = exp(logp[c] - lse);
            if (logp[c] > logp[best])
                best = c;
            if (p->probs)
                p->probs[i * k + c] = resp;
            if (!stats)
                continue;
            const double *df = diff + (int64_t)c * d;
            nk[c] += resp;
            double *s1 = sx + (int64_t)c * d, *s2 = sxx + (int64_t)c * cs;
            for (int j = 0; j < d; j++) {
                double rd = resp * df[j];
                s1[j] += rd;
                if (full)
                    for (int t = j; t < d; t++)
                        s2[j * d + t] += rd * df[t];
                else
                    s2[j] += rd * df[j];
            }
        }
        if (p->labels)
            p->labels[i] = best;
    }
    p->block_ll[b] = ll;
    free(logp);
    free(diff);
    free(z);
}

/* Runs a pass; returns the mean log-likelihood and leaves the reduced sums in out. */
static double run_pass(struct pass *p, int threads, double *out)
{
    int64_t nb = parallel_nblocks(p->n, BLOCK);
    parallel_blocks(p->n, BLOCK, threads, pass_block, p);
    double ll = 0;
    for (int64_t b = 0; b < nb; b++)
        ll += p->block_ll[b];
    if (out) {
        memset(out, 0, (size_t)p->stride * sizeof *out);
        for (int64_t b = 0; b < nb; b++)
            for (int64_t t = 0; t < p->stride; t++)
                out[t] += p->block_stats[b * p->stride + t];
    }
    return ll / (double)p->n;
}

/* M-step from sums around the old means: weights, means, covariances + reg. */
static void m_step(struct model *m, const double *stats, int64_t n, double reg)
{
    int k = m->k, d = m->d;
    int full = m->cov == GMM_FULL;
    int64_t cs = full ? (int64_t)d * d : d;
    const double *nk = stats, *sx = stats + k, *sxx = stats + k + (int64_t)k * d;
    for (int c = 0; c < k; c++) {
        double w = nk[c] + 10 * DBL_EPSILON;     /* scikit-learn's guard against empty components */
        m->weights[c] = w / (double)n;
        double *mu = m->means + (int64_t)c * d, *cov = m->covs + (int64_t)c * cs;
        double *delta = xmalloc((size_t)d * sizeof *delta);
        for (int j = 0; j < d; j++) {
            delta[j] = sx[(int64_t)c * d + j] / w;
            mu[j] += delta[j];
        }
        const double *s2 = sxx + (int64_t)c * cs;
        if (full) {
            for (int j = 0; j < d; j++)
                for (int t = j; t < d; t++) {
                    double v = s2[j * d + t] / w - delta[j] * delta[t];
                    cov[j * d + t] = cov[t * d + j] = v + (j == t ? reg : 0);
                }
        } else {
            for (int j = 0; j < d; j++)
                cov[j] = s2[j] / w - delta[j] * delta[j] + reg;
        }
        free(delta);
    }
    /* weights as scikit-learn normalises them */
    double total = 0;
    for (int c = 0; c < k; c++)
        total += m->weights[c];
    for (int c = 0; c < k; c++)
        m->weights[c] /= total;
}

static void model_init(struct model *m, int k, int d, enum gmm_covariance cov)
{
    int64_t cs = cov == GMM_FULL ? (int64_t)d * d : d;
    m->k = k;
    m->d = d;
    m->cov = cov;
    m->weights = xcalloc((size_t)k, sizeof *m->weights);
    m->means = xcalloc((size_t)k * (size_t)d, sizeof *m->means);
    m->covs = xcalloc((size_t)k * (size_t)cs, sizeof *m->covs);
    m->chol = xcalloc((size_t)k * (size_t)cs, sizeof *m->chol);
    m->log_const = xcalloc((size_t)k, sizeof *m->log_const);
}

static void model_free(struct model *m)
{
    free(m->weights);
    free(m->means);
    free(m->covs);
    free(m->chol);
    free(m->log_const);
}

/* The starting point: k-means labels as hard responsibilities, then an M-step. */
static int start_from_kmeans(ctx *c, const double *x, int64_t n, int d, const struct gmm_params *p, int run,
                             struct model *m, double *stats, int64_t stride)
{
    struct kmeans_params kp = {.k = p->k, .n_init = 1, .max_iter = 300, .tol = 1e-4,
                               .seed = p->seed * 1000003u + (uint64_t)run, .threads = p->threads};
    struct kmeans_result km;
    if (kmeans_fit(c, x, n, d, &kp, &km))
        return -1;
    int k = p->k;
    int full = p->covariance == GMM_FULL;
    int64_t cs = full ? (int64_t)d * d : d;
    memcpy(m->means, km.centers, (size_t)k * (size_t)d * sizeof *m->means);
    memset(stats, 0, (size_t)stride * sizeof *stats);
    double *nk = stats, *sx = stats + k, *sxx = stats + k + (int64_t)k * d;
    for (int64_t i = 0; i < n; i++) {
        int l = km.labels[i];
        nk[l] += 1;
        for (int j = 0; j < d; j++) {
            double dj = x[i * d + j] - m->means[(int64_t)l * d + j];
            sx[(int64_t)l * d + j] += dj;
            if (full)
                for (int t = j; t < d; t++)
                    sxx[(int64_t)l * cs + j * d + t] += dj * (x[i * d + t] - m->means[(int64_t)l * d + t]);
            else
                sxx[(int64_t)l * cs + j] += dj * dj;
        }
    }
    kmeans_result_free(&km);
    m_step(m, stats, n, p->reg_covar);
    return 0;
}

void gmm_result_free(struct gmm_result *r)
{
    free(r->weights);
    free(r->means);
    free(r->covariances);
    free(r->labels);
    free(r->probs);
    memset(r, 0, sizeof *r);
}

int gmm_fit(ctx *c, const double *x, int64_t n, int d, const struct gmm_params *p, struct gmm_result *r)
{
    memset(r, 0, sizeof *r);
    int k = p->k, threads = p->threads > 0 ? p->threads : parallel_threads();
    if (k < 1 || (int64_t)k > n)
        return ctx_error(c, "gmm: k=%d must be between 1 and the number of rows (%lld)", k, (long long)n);
    int full = p->covariance == GMM_FULL;
    int64_t cs = full ? (int64_t)d * d : d;
    int64_t stride = k + (int64_t)k * d + (int64_t)k * cs, nb = parallel_nblocks(n, BLOCK);
    double *stats = xmalloc((size_t)stride * sizeof *stats);
    struct pass ps = {.x = x, .n = n, .stride = stride, .accumulate = 1};
    ps.block_ll = xmalloc((size_t)nb * sizeof *ps.block_ll);
    ps.block_stats = malloc((size_t)nb * (size_t)stride * sizeof *ps.block_stats);
    if (!ps.block_stats) {
        free(stats);
        free(ps.block_ll);
        return ctx_error(c, "gmm: not enough memory");
    }
    struct model best = {0}, m;
    model_init(&best, k, d, p->covariance);
    model_init(&m, k, d, p->covariance);
    double best_ll = -INFINITY;
    int rc = 0, bad = 0;
    for (int run = 0; run < p->n_init && rc == 0; run++) {
        rc = start_from_kmeans(c, x, n, d, p, run, &m, stats, stride);
        double lower = -INFINITY, ll = -INFINITY;
        int it, converged = 0;
        for (it = 1; rc == 0 && it <= p->max_iter; it++) {
            if (ctx_is_cancelled(c)) {
                rc = ctx_cancelled(c);
                break;
            }
            if (prepare(&m, &bad)) {
                rc = ctx_error(c, "gmm: the covariance of component %d is not positive definite (a component "
                                  "collapsed onto too few distinct rows); try covariance=diag or a smaller k", bad);
                break;
            }
            ps.m = &m;
            double prev = lower;
            lower = run_pass(&ps, threads, stats);
            m_step(&m, stats, n, p->reg_covar);
            if (fabs(lower - prev) < p->tol) {
                converged = 1;
                break;
            }
        }
        if (rc == 0 && prepare(&m, &bad))
            rc = ctx_error(c, "gmm: the covariance of component %d is not positive definite; try covariance=diag "
                              "or a smaller k", bad);
        if (rc == 0) {      /* the final parameters' log-likelihood */
            ps.m = &m;
            ps.accumulate = 0;
            ll = run_pass(&ps, threads, NULL);
            ps.accumulate = 1;
        }
        if (rc == 0 && ll > best_ll) {
            best_ll = ll;
            r->iterations = it > p->max_iter ? p->max_iter : it;
            r->converged = converged;
            memcpy(best.weights, m.weights, (size_t)k * sizeof *m.weights);
            memcpy(best.means, m.means, (size_t)k * (size_t)d * sizeof *m.means);
            memcpy(best.covs, m.covs, (size_t)k * (size_t)cs * sizeof *m.covs);
        }
        ctx_progress(c, run + 1, p->n_init, "gmm restarts");
    }
    if (rc == 0) {
        r->labels = malloc((size_t)n * sizeof *r->labels);
        r->probs = malloc((size_t)n * (size_t)k * sizeof *r->probs);
        if (!r->labels || !r->probs)
            rc = ctx_error(c, "gmm: not enough memory for the probabilities of %lld rows", (long long)n);
    }
    if (rc == 0) {
        prepare(&best, &bad);
        ps.m = &best;
        ps.accumulate = 0;
        ps.labels = r->labels;
        ps.probs = r->probs;
        r->log_likelihood = run_pass(&ps, threads, NULL);
        int64_t np = gmm_parameters(k, d, p->covariance);
        r->bic = -2 * r->log_likelihood * (double)n + (double)np * log((double)n);
        r->aic = -2 * r->log_likelihood * (double)n + 2 * (double)np;
        r->k = k;
        r->d = d;
        r->covariance = p->covariance;
        r->weights = best.weights;
        r->means = best.means;
        r->covariances = best.covs;
        best.weights = best.means = best.covs = NULL;
    }
    model_free(&best);
    model_free(&m);
    free(stats);
    free(ps.block_ll);
    free(ps.block_stats);
    if (rc) {
        gmm_result_free(r);
        return -1;
    }
    return 0;
}
