/* cluster_profile.c — cluster sizes, means, z-scores and automatic labels. */
#include "cluster_profile.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"

enum { LABEL_FEATURES = 3 };

char *cluster_label(const double *z, const char *const *names, int d)
{
    int picked[LABEL_FEATURES], npicked = 0;
    while (npicked < LABEL_FEATURES) {
        int best = -1;
        for (int j = 0; j < d; j++) {
            int used = 0;
            for (int t = 0; t < npicked; t++)
                used |= picked[t] == j;
            /* a one-hot feature describes a cluster only by what it mostly is */
            int onehot = strchr(names[j], '=') != NULL;
            if (used || !isfinite(z[j]) || fabs(z[j]) < 0.5 || (onehot && z[j] < 0))
                continue;
            if (best < 0 || fabs(z[j]) > fabs(z[best]))
                best = j;
        }
        if (best < 0)
            break;
        picked[npicked++] = best;
    }
    struct strbuf b = {0};
    for (int t = 0; t < npicked; t++) {
        int j = picked[t];
        if (t)
            strbuf_puts(&b, " · ");
        const char *eq = strchr(names[j], '=');
        /* "Annual Income (k$)" reads as "Annual Income": the unit says nothing here */
        const char *unit = strstr(names[j], " (");
        int len = unit && names[j][strlen(names[j]) - 1] == ')' ? (int)(unit - names[j]) : (int)strlen(names[j]);
        if (eq)
            strbuf_printf(&b, "mostly %s", eq + 1);
        else
            strbuf_printf(&b, "%s %.*s",
                          z[j] >= 1.5 ? "very high" : z[j] > 0 ? "high" : z[j] <= -1.5 ? "very low" : "low", len,
                          names[j]);
    }
    if (npicked == 0)
        strbuf_puts(&b, "average");
    char *out = xstrdup(strbuf_str(&b));
    strbuf_free(&b);
    return out;
}

void cluster_profile_build(const struct feature_matrix *m, const int32_t *labels, int k,
                           struct cluster_profile *p)
{
    int d = m->d;
    p->k = k;
    p->d = d;
    p->sizes = xcalloc((size_t)k, sizeof *p->sizes);
    p->means = xcalloc((size_t)k * (size_t)d, sizeof *p->means);
    p->z = xcalloc((size_t)k * (size_t)d, sizeof *p->z);
    p->labels = xcalloc((size_t)k, sizeof *p->labels);
    double *all_mean = xcalloc((size_t)d, sizeof *all_mean), *all_sd = xcalloc((size_t)d, sizeof *all_sd);
    int64_t total = 0;
    for (int64_t i = 0; i < m->n; i++) {
        if (labels[i] < 0)
            continue;
        const double *x = m->x + i * d;
        double *mean = p->means + (int64_t)labels[i] * d;
        for (int j = 0; j < d; j++) {
            mean[j] += x[j];
            all_mean[j] += x[j];
        }
        p->sizes[labels[i]]++;
        total++;
    }
    for (int j = 0; j < d; j++)
        all_mean[j] /= (double)(total ? total : 1);
    for (int64_t i = 0; i < m->n; i++) {
        if (labels[i] < 0)
            continue;
        for (int j = 0; j < d; j++) {
            double e = m->x[i * d + j] - all_mean[j];
            all_sd[j] += e * e;
        }
    }
    for (int j = 0; j < d; j++)
        all_sd[j] = sqrt(all_sd[j] / (double)(total ? total : 1));
    /* z-scores are the same in scaled and table units; means go back to table units */
    for (int c = 0; c < k; c++) {
        double *mean = p->means + (int64_t)c * d, *z = p->z + (int64_t)c * d;
        for (int j = 0; j < d; j++) {
            mean[j] = p->sizes[c] ? mean[j] / (double)p->sizes[c] : NAN;
            z[j] = all_sd[j] > 0 ? (mean[j] - all_mean[j]) / all_sd[j] : 0.0;
            mean[j] = features_unscale(m, j, mean[j]);
        }
        p->labels[c] = cluster_label(z, (const char *const *)m->names, d);
    }
    /* two clusters with the same label: the later ones get " (2)", " (3)" */
    char **base = xcalloc((size_t)k, sizeof *base);
    for (int c = 0; c < k; c++) {
        base[c] = p->labels[c];
        int same = 1;
        for (int e = 0; e < c; e++)
            same += strcmp(base[e], base[c]) == 0;
        if (same > 1) {
            struct strbuf b = {0};
            strbuf_printf(&b, "%s (%d)", base[c], same);
            p->labels[c] = xstrdup(strbuf_str(&b));
            strbuf_free(&b);
        }
    }
    for (int c = 0; c < k; c++)
        if (p->labels[c] != base[c])
            free(base[c]);
    free(base);
    free(all_mean);
    free(all_sd);
}

void cluster_profile_free(struct cluster_profile *p)
{
    for (int c = 0; p->labels && c < p->k; c++)
        free(p->labels[c]);
    free(p->labels);
    free(p->sizes);
    free(p->means);
    free(p->z);
    memset(p, 0, sizeof *p);
}
