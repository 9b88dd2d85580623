/* pca.c — covariance, eigen-decomposition and projections. */
#include "pca.h"

#include <gsl/gsl_eigen.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_vector.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "parallel.h"
#include "strbuf.h"

enum { BLOCK = 8192 };

/* Per block: sums of (x - shift) and of its cross-products (upper triangle).  The
 * shift (the first row) keeps the one-pass formula from cancelling when the values
 * are large next to their spread. */
struct cov_job {
    const double *x, *shift;
    int d;
    double *block_sum;      /* nblocks × d */
    double *block_cross;    /* nblocks × d × d */
};

static void cov_block(void *arg, int64_t b, int64_t begin, int64_t end)
{
    struct cov_job *j = arg;
    int d = j->d;
    double *sum = j->block_sum + b * d, *cross = j->block_cross + b * d * d;
    double *v = xmalloc((size_t)d * sizeof *v);
    memset(sum, 0, (size_t)d * sizeof *sum);
    memset(cross, 0, (size_t)d * (size_t)d * sizeof *cross);
    for (int64_t i = begin; i < end; i++) {
        const double *xi = j->x + i * d;
        for (int a = 0; a < d; a++) {
            v[a] = xi[a] - j->shift[a];
            sum[a] += v[a];
        }
        for (int a = 0; a < d; a++) {
            double va = v[a];
            double *row = cross + a * d;
            for (int t = a; t < d; t++)
                row[t] += va * v[t];
        }
    }
    free(v);
}

int pca_fit(ctx *c, const double *x, int64_t n, int d, int threads, struct pca_result *r)
{
    memset(r, 0, sizeof *r);
    if (n < 2)
        return ctx_error(c, "pca: needs at least 2 rows, not %lld", (long long)n);
    int64_t nb = parallel_nblocks(n, BLOCK);
    struct cov_job j = {.x = x, .shift = x, .d = d};
    j.block_sum = malloc((size_t)nb * (size_t)d * sizeof *j.block_sum);
    j.block_cross = malloc((size_t)nb * (size_t)d * (size_t)d * sizeof *j.block_cross);
    if (!j.block_sum || !j.block_cross) {
        free(j.block_sum);
        free(j.block_cross);
        return ctx_error(c, "pca: not enough memory for %d features", d);
    }
    parallel_blocks(n, BLOCK, threads > 0 ? threads : parallel_threads(), cov_block, &j);
    double *sum = xcalloc((size_t)d, sizeof *sum), *cross = xcalloc((size_t)d * (size_t)d, sizeof *cross);
    for (int64_t b = 0; b < nb; b++) {
        for (int a = 0; a < d; a++)
            sum[a] += j.block_sum[b * d + a];
        for (int t = 0; t < d * d; t++)
            cross[t] += j.block_cross[b * d * d + t];
    }
    free(j.block_sum);
    free(j.block_cross);

    r->d = d;
    r->mean = xmalloc((size_t)d * sizeof *r->mean);
    for (int a = 0; a < d; a++)
        r->mean[a] = x[a] + sum[a] / (double)n;
    gsl_matrix *cov = gsl_matrix_alloc((size_t)d, (size_t)d);
    double total = 0.0;
    for (int a = 0; a < d; a++)
        for (int t = a; t < d; t++) {
            double v = (cross[a * d + t] - sum[a] * sum[t] / (double)n) / (double)(n - 1);
            gsl_matrix_set(cov, (size_t)a, (size_t)t, v);
            gsl_matrix_set(cov, (size_t)t, (size_t)a, v);
            if (a == t)
                total += v;
        }
    free(sum);
    free(cross);

    gsl_vector *eval = gsl_vector_alloc((size_t)d);
    gsl_matrix *evec = gsl_matrix_alloc((size_t)d, (size_t)d);
    gsl_eigen_symmv_workspace *w = gsl_eigen_symmv_alloc((size_t)d);
    gsl_error_handler_t *old = gsl_set_error_handler_off();
    int status = gsl_eigen_symmv(cov, eval, evec, w);
    gsl_set_error_handler(old);
    gsl_eigen_symmv_free(w);
    gsl_matrix_free(cov);
    if (status == 0)
        gsl_eigen_symmv_sort(eval, evec, GSL_EIGEN_SORT_VAL_DESC);
    r->variance = xmalloc((size_t)d * sizeof *r->variance);
    r->ratio = xmalloc((size_t)d * sizeof *r->ratio);
    r->components = xmalloc((size_t)d * (size_t)d * sizeof *r->components);
    for (int i = 0; status == 0 && i < d; i++) {
        double v = gsl_vector_get(eval, (size_t)i);
        r->variance[i] = v > 0 ? v : 0.0;     /* rounding can leave a zero slightly negative */
        r->ratio[i] = total > 0 ? r->variance[i] / total : 0.0;
        for (int a = 0; a < d; a++)
            r->components[i * d + a] = gsl_matrix_get(evec, (size_t)a, (size_t)i);
    }
    gsl_vector_free(eval);
    gsl_matrix_free(evec);
    if (status) {
        pca_result_free(r);
        return ctx_error(c, "pca: the eigen-decomposition failed (%s)", gsl_strerror(status));
    }
    return 0;
}

struct project_job {
    const double *x, *mean, *components;
    int d, ncomp;
    double *out;
};

static void project_block(void *arg, int64_t b, int64_t begin, int64_t end)
{
    (void)b;
    struct project_job *j = arg;
    for (int64_t i = begin; i < end; i++) {
        const double *xi = j->x + i * j->d;
        for (int c = 0; c < j->ncomp; c++) {
            const double *comp = j->components + (int64_t)c * j->d;
            double s = 0.0;
            for (int a = 0; a < j->d; a++)
                s += (xi[a] - j->mean[a]) * comp[a];
            j->out[i * j->ncomp + c] = s;
        }
    }
}

void pca_project(struct pca_result *r, const double *x, int64_t n, int ncomp, int threads, double *out)
{
    struct project_job j = {.x = x, .mean = r->mean, .components = r->components, .d = r->d, .ncomp = ncomp,
                            .out = out};
    parallel_blocks(n, BLOCK, threads > 0 ? threads : parallel_threads(), project_block, &j);
    for (int c = 0; c < ncomp; c++) {
        int64_t arg = 0;
        for (int64_t i = 1; i < n; i++)
            if (fabs(out[i * ncomp + c]) > fabs(out[arg * ncomp + c]))
                arg = i;
        if (out[arg * ncomp + c] >= 0)
            continue;
        for (int64_t i = 0; i < n; i++)
            out[i * ncomp + c] = -out[i * ncomp + c];
        for (int a = 0; a < r->d; a++)
            r->components[(int64_t)c * r->d + a] = -r->components[(int64_t)c * r->d + a];
    }
}

void pca_result_free(struct pca_result *r)
{
    free(r->mean);
    free(r->variance);
    free(r->ratio);
    free(r->components);
    memset(r, 0, sizeof *r);
}
