/* fellegi_sunter.c — m/u probabilities, match weights, EM. */
#include "fellegi_sunter.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"

struct fs_model *fs_model_new(int ncols, const int *nlevels)
{
    struct fs_model *mod = xcalloc(1, sizeof *mod);
    mod->ncols = ncols;
    mod->nlevels = xmalloc((size_t)(ncols ? ncols : 1) * sizeof *mod->nlevels);
    mod->m = xcalloc((size_t)(ncols ? ncols : 1) * FS_MAX_LEVELS, sizeof *mod->m);
    mod->u = xcalloc((size_t)(ncols ? ncols : 1) * FS_MAX_LEVELS, sizeof *mod->u);
    mod->lambda = 1e-4;
    for (int c = 0; c < ncols; c++) {
        int n = nlevels[c];
        mod->nlevels[c] = n;
        /* a match mostly agrees: half the mass on the best level, the rest falling
         * off towards "else" */
        double total = 0;
        for (int k = 0; k < n; k++) {
            double m = k == n - 1 ? (double)n : 1.0 + (double)k / (double)n;
            *fs_m(mod, c, k) = m;
            total += m;
        }
        for (int k = 0; k < n; k++) {
            *fs_m(mod, c, k) /= total;
            *fs_u(mod, c, k) = 1.0 / n;
        }
    }
    return mod;
}

void fs_model_free(struct fs_model *mod)
{
    if (!mod)
        return;
    free(mod->nlevels);
    free(mod->m);
    free(mod->u);
    free(mod);
}

void fs_set_u_from_counts(struct fs_model *mod, int col, const double *counts)
{
    int n = mod->nlevels[col];
    double total = 0;
    for (int k = 0; k < n; k++)
        total += counts[k] + 0.5;
    for (int k = 0; k < n; k++)
        *fs_u(mod, col, k) = (counts[k] + 0.5) / total;
}

double fs_level_weight(const struct fs_model *mod, int col, int level)
{
    if (level < 0)
        return 0.0;
    return log2(mod->m[col * FS_MAX_LEVELS + level] / mod->u[col * FS_MAX_LEVELS + level]);
}

double fs_pattern_weight(const struct fs_model *mod, const int8_t *pattern)
{
    double w = log2(mod->lambda / (1.0 - mod->lambda));
    for (int c = 0; c < mod->ncols; c++)
        w += fs_level_weight(mod, c, pattern[c]);
    return w;
}

double fs_probability(double weight)
{
    if (weight > 60)
        return 1.0;
    double odds = exp2(weight);
    return odds / (1.0 + odds);
}

int fs_em(struct fs_model *mod, const int8_t *patterns, const double *counts, size_t npat,
          const unsigned char *use, int max_iter, double tol)
{
    int nc = mod->ncols;
    size_t cells = (size_t)(nc ? nc : 1) * FS_MAX_LEVELS;
    double *match_mass = xmalloc(cells * sizeof *match_mass);
    double total = 0;
    for (size_t i = 0; i < npat; i++)
        total += counts[i];
    int iter = 0;
    while (iter < max_iter && total > 0) {
        iter++;
        memset(match_mass, 0, cells * sizeof *match_mass);
        double matches = 0;
        double prior = log(mod->lambda) - log1p(-mod->lambda);
        /* E step: the probability that each pattern is a match */
        for (size_t i = 0; i < npat; i++) {
            const int8_t *p = patterns + i * (size_t)nc;
            double logit = prior;
            for (int c = 0; c < nc; c++)
                if (p[c] >= 0 && (!use || use[c]))
                    logit += log(mod->m[c * FS_MAX_LEVELS + p[c]] / mod->u[c * FS_MAX_LEVELS + p[c]]);
            double post = logit > 700 ? 1.0 : 1.0 / (1.0 + exp(-logit));
            double mass = post * counts[i];
            matches += mass;
            for (int c = 0; c < nc; c++)
                if (p[c] >= 0)
                    match_mass[c * FS_MAX_LEVELS + p[c]] += mass;
        }
        /* M step: m from the expected matches per level (half a pair added to each
         * level, so no level is impossible), lambda from their share of the pairs */
        double moved = 0;
        for (int c = 0; c < nc; c++) {
            if (use && !use[c])
                continue;
            double sum = 0;
            for (int k = 0; k < mod->nlevels[c]; k++)
                sum += match_mass[c * FS_MAX_LEVELS + k] + 0.5;
            for (int k = 0; k < mod->nlevels[c]; k++) {
                double m = (match_mass[c * FS_MAX_LEVELS + k] + 0.5) / sum;
                moved = fmax(moved, fabs(m - *fs_m(mod, c, k)));
                *fs_m(mod, c, k) = m;
            }
        }
        double lambda = matches / total;
        lambda = fmin(fmax(lambda, 1e-12), 1 - 1e-9);
        moved = fmax(moved, fabs(lambda - mod->lambda));
        mod->lambda = lambda;
        if (moved < tol)
            break;
    }
    free(match_mass);
    return iter;
}
