/* stats.c — tests and intervals for comparing groups (see stats.h for the
 * reference each one matches). */
#include "stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_sf_gamma.h>

#include "dist.h"
#include "strbuf.h"

/* Below this, products of two counts fit in int64. */
#define EXACT_COUNT 3037000499LL

void moments_add(struct moments *m, double x)
{
    if (m->n == 0)
        m->shift = x;
    x -= m->shift;
    m->n++;
    double d = x - m->mean;
    m->mean += d / (double)m->n;
    m->m2 += d * (x - m->mean);
}

double moments_mean(const struct moments *m)
{
    return m->n > 0 ? m->shift + m->mean : NAN;
}

double moments_mean_diff(const struct moments *a, const struct moments *b)
{
    return (a->shift - b->shift) + (a->mean - b->mean);
}

double moments_var(const struct moments *m)
{
    return m->n >= 2 ? m->m2 / (double)(m->n - 1) : NAN;
}

static int no_result(struct test_result *r)
{
    r->statistic = r->df = r->p_value = NAN;
    return -1;
}

/* a·b − c·d of non-negative counts: exact in integers while they fit, else Kahan's
 * fused difference of products (within 1.5 ulp). */
static double cross_diff(int64_t a, int64_t b, int64_t c, int64_t d)
{
    if (a < EXACT_COUNT && b < EXACT_COUNT && c < EXACT_COUNT && d < EXACT_COUNT)
        return (double)(a * b - c * d);
    double cd = (double)c * (double)d;
    double err = fma(-(double)c, (double)d, cd);
    return fma((double)a, (double)b, -cd) + err;
}

/* p(1 − p) of x successes in n, from the counts: 1 − p in floating point would
 * cancel when p is near 1. */
static double bernoulli_var(int64_t x, int64_t n)
{
    return ((double)x / (double)n) * ((double)(n - x) / (double)n);
}

int prop_ztest(int64_t x1, int64_t n1, int64_t x2, int64_t n2, struct test_result *r)
{
    if (n1 <= 0 || n2 <= 0 || x1 < 0 || x2 < 0 || x1 > n1 || x2 > n2)
        return no_result(r);
    int64_t x = x1 + x2, n = n1 + n2;
    if (x == 0 || x == n)
        return no_result(r);
    double diff = cross_diff(x1, n2, x2, n1) / ((double)n1 * (double)n2);
    double se = sqrt(bernoulli_var(x, n) * (1.0 / (double)n1 + 1.0 / (double)n2));
    r->statistic = diff / se;
    r->df = 0;
    r->p_value = 2.0 * norm_sf(fabs(r->statistic));
    return 0;
}

double prop_relative_diff(int64_t x1, int64_t n1, int64_t x2, int64_t n2)
{
    if (x2 <= 0 || n1 <= 0 || n2 <= 0)
        return NAN;
    return cross_diff(x1, n2, x2, n1) / ((double)x2 * (double)n1);
}

/* With x successes of n in all, group i's observed successes minus their expected
 * count is d_i / n with d_i = x_i n − n_i x (and the failures' the negative), so
 * Σ (O − E)² / E over both cells of the group is d_i² / (n_i x (n − x)): no
 * expected count is ever subtracted from an observed one. */
int chi2_contingency(int k, const int64_t *x, const int64_t *n, int yates, struct test_result *r)
{
    if (k < 2)
        return no_result(r);
    int64_t sx = 0, sn = 0;
    for (int i = 0; i < k; i++) {
        if (n[i] <= 0 || x[i] < 0 || x[i] > n[i])
            return no_result(r);
        sx += x[i];
        sn += n[i];
    }
    if (sx == 0 || sx == sn)
        return no_result(r);
    double total = (double)sn, succ = (double)sx, fail = (double)(sn - sx);
    double stat = 0;
    if (yates && k == 2) {
        /* every cell of a 2×2 table is off its expected count by the same |d| / n;
         * Yates takes half a unit off that, never more than all of it */
        double off = fabs(cross_diff(x[0], n[1], x[1], n[0])) / total;
        double moved = off > 0.5 ? off - 0.5 : 0.0;
        stat = moved * moved * total * total * total / (succ * fail * (double)n[0] * (double)n[1]);
    } else {
        for (int i = 0; i < k; i++) {
            double d = cross_diff(x[i], sn, n[i], sx);
            stat += d * d / ((double)n[i] * succ * fail);
        }
    }
    r->statistic = stat;
    r->df = k - 1;
    r->p_value = chi2_sf(stat, r->df);
    return 0;
}

/* ---- Miettinen–Nurminen score statistics ---- */

struct mn_counts {
    double x1, n1, x0, n0;      /* 1 the variant, 0 control */
    int ratio;                  /* compare the ratio p1/p0, else the difference */
    double target;              /* the statistic's value to solve for */
};

/* The score statistic for p1 − p0 = value (ratio: p1 / p0 = value), with the
 * rates restricted to the null by their maximum-likelihood estimates (closed
 * forms: a cubic for the difference, Farrington–Manning; a quadratic for the
 * ratio) and the variance times N/(N − 1), as statsmodels writes them. */
static double mn_statistic(const struct mn_counts *m, double value)
{
    double x1 = m->x1, n1 = m->n1, x0 = m->x0, n0 = m->n0, N = n1 + n0, X = x1 + x0;
    double p1 = x1 / n1, p0 = x0 / n0, r1 = X / N, r0 = X / N, var, stat;
    if (!m->ratio) {
        double d = value;
        if (d != 0) {
            double a3 = N, a2 = (n1 + 2 * n0) * d - N - X, a1 = (x0 * d - N - 2 * x0) * d + X,
                   a0 = x0 * d * (1 - d);
            double q = pow(a2 / (3 * a3), 3) - a1 * a2 / (6 * a3 * a3) + a0 / (2 * a3);
            double pp = (q >= 0 ? 1 : -1) * sqrt(pow(a2 / (3 * a3), 2) - a1 / (3 * a3));
            double ang = (M_PI + acos(fmax(-1.0, fmin(1.0, q / (pp * pp * pp))))) / 3;
            r0 = 2 * pp * cos(ang) - a2 / (3 * a3);
            r1 = r0 + d;
        }
        var = r1 * (1 - r1) / n1 + r0 * (1 - r0) / n0;
        stat = p1 - p0 - d;
    } else {
        double rr = value;
        if (rr != 1) {
            double a = N * rr, b = -(n1 * rr + x1 + n0 + x0 * rr), c = X;
            r0 = (-b - sqrt(b * b - 4 * a * c)) / (2 * a);
            r1 = r0 * rr;
        }
        var = r1 * (1 - r1) / n1 + rr * rr * r0 * (1 - r0) / n0;
        stat = p1 - rr * p0;
    }
    var *= N / (N - 1);
    return var > 0 ? stat / sqrt(var) : (stat > 0 ? INFINITY : stat < 0 ? -INFINITY : 0);
}

static double mn_root(double value, void *arg)
{
    const struct mn_counts *m = arg;
    return mn_statistic(m, m->ratio ? exp(value) : value) - m->target;
}

int mn_score_test(int64_t x1, int64_t n1, int64_t x0, int64_t n0, struct test_result *r)
{
    r->statistic = r->p_value = NAN;
    r->df = NAN;
    if (n1 <= 0 || n0 <= 0 || x1 + x0 == 0 || x1 + x0 == n1 + n0)
        return -1;
    struct mn_counts m = {(double)x1, (double)n1, (double)x0, (double)n0, 0, 0};
    r->statistic = mn_statistic(&m, 0);
    r->p_value = 2 * norm_sf(fabs(r->statistic));
    return 0;
}

/* One end of the interval: steps out from the centre, doubling, until the
 * statistic passes m->target (the closed forms lose their way right at the ends,
 * so the ends are not evaluated), then Brent's method between the last two steps.
 * sign +1 walks down to end, −1 up to it. */
static double mn_bound(struct mn_counts *m, double centre, int sign, double end)
{
    double step = 1e-4, inner = centre;
    for (;;) {
        double v = centre - sign * step;
        if ((v - end) * sign <= 0)
            return end;
        double f = mn_root(v, m);
        if (f * sign > 0)
            return brent_root(mn_root, m, fmin(inner, v), fmax(inner, v));
        inner = v;
        step *= 2;
    }
}

/* The interval of values the test does not reject: where the statistic, which
 * falls as the value rises, crosses +z and −z.  The difference lives in (−1, 1);
 * the ratio is solved on its log in (−40, 40), e^±40 standing for 0 and +inf. */
static int mn_interval(int64_t x1, int64_t n1, int64_t x0, int64_t n0, double alpha, int ratio, struct interval *ci)
{
    ci->lo = ci->hi = NAN;
    if (n1 <= 0 || n0 <= 0 || x1 + x0 == 0 || x1 + x0 == n1 + n0)
        return -1;
    double z = norm_isf(alpha / 2), eps = 1e-10;
    struct mn_counts m = {(double)x1, (double)n1, (double)x0, (double)n0, ratio, z};
    double p1 = (double)x1 / (double)n1, p0 = (double)x0 / (double)n0;
    double lo_end = ratio ? -40 : -1 + eps, hi_end = ratio ? 40 : 1 - eps;
    double centre = ratio ? (x1 == 0 ? lo_end : x0 == 0 ? hi_end : log(p1 / p0)) : p1 - p0;
    double lo = mn_bound(&m, centre, +1, lo_end);
    m.target = -z;
    double hi = mn_bound(&m, centre, -1, hi_end);
    if (ratio) {
        ci->lo = lo <= lo_end ? 0 : exp(lo);
        ci->hi = hi >= hi_end ? INFINITY : exp(hi);
    } else {
        ci->lo = lo;
        ci->hi = hi;
    }
    return 0;
}

int mn_score_diff_interval(int64_t x1, int64_t n1, int64_t x0, int64_t n0, double alpha, struct interval *ci)
{
    return mn_interval(x1, n1, x0, n0, alpha, 0, ci);
}

int mn_score_ratio_interval(int64_t x1, int64_t n1, int64_t x0, int64_t n0, double alpha, struct interval *ci)
{
    return mn_interval(x1, n1, x0, n0, alpha, 1, ci);
}

/* log P(X = x) for the hypergeometric X: draws r from N holding K successes. */
static double log_hypergeometric(int64_t x, int64_t N, int64_t K, int64_t r)
{
    return gsl_sf_lnchoose((unsigned)K, (unsigned)x) + gsl_sf_lnchoose((unsigned)(N - K), (unsigned)(r - x)) -
           gsl_sf_lnchoose((unsigned)N, (unsigned)r);
}

double fisher_exact_p(int64_t x1, int64_t n1, int64_t x2, int64_t n2)
{
    int64_t N = n1 + n2, K = x1 + x2;
    int64_t lo = K - n2 > 0 ? K - n2 : 0, hi = K < n1 ? K : n1;
    if (n1 <= 0 || n2 <= 0 || hi - lo + 1 > FISHER_MAX_TABLES || N > 4294967295LL)
        return NAN;
    gsl_errors_off();
    double observed = log_hypergeometric(x1, N, K, n1), limit = observed + log1p(1e-7), p = 0;
    for (int64_t x = lo; x <= hi; x++) {
        double l = log_hypergeometric(x, N, K, n1);
        if (l <= limit)
            p += exp(l);
    }
    return p < 1.0 ? p : 1.0;
}

int newcombe_diff_interval(int64_t x1, int64_t n1, int64_t x2, int64_t n2, double alpha, double *diff,
                           struct interval *ci)
{
    struct interval w1, w2;
    if (wilson_interval(x1, n1, alpha, &w1) || wilson_interval(x2, n2, alpha, &w2))
        return -1;
    double p1 = (double)x1 / (double)n1, p2 = (double)x2 / (double)n2;
    *diff = p1 - p2;
    ci->lo = *diff - sqrt((p1 - w1.lo) * (p1 - w1.lo) + (w2.hi - p2) * (w2.hi - p2));
    ci->hi = *diff + sqrt((w1.hi - p1) * (w1.hi - p1) + (p2 - w2.lo) * (p2 - w2.lo));
    return 0;
}

double min_expected_count(int k, const int64_t *x, const int64_t *n)
{
    int64_t X = 0, N = 0;
    for (int i = 0; i < k; i++)
        X += x[i], N += n[i];
    double m = INFINITY;
    for (int i = 0; N > 0 && i < k; i++) {
        double share = (double)n[i] / (double)N;
        m = fmin(m, fmin(share * (double)X, share * (double)(N - X)));
    }
    return m;
}

int chi2_goodness_of_fit(int k, const int64_t *observed, const double *weights, struct test_result *r)
{
    if (k < 2)
        return no_result(r);
    int64_t total = 0;
    double wsum = 0;
    for (int i = 0; i < k; i++) {
        if (observed[i] < 0 || !(weights[i] > 0) || !isfinite(weights[i]))
            return no_result(r);
        total += observed[i];
        wsum += weights[i];
    }
    if (total == 0)
        return no_result(r);
    double stat = 0;
    for (int i = 0; i < k; i++) {
        double expected = (double)total * weights[i] / wsum;
        double d = (double)observed[i] - expected;
        stat += d * d / expected;
    }
    r->statistic = stat;
    r->df = k - 1;
    r->p_value = chi2_sf(stat, r->df);
    return 0;
}

/* The variance of each mean and the Welch–Satterthwaite df; -1 when undefined. */
static int welch_parts(const struct moments *a, const struct moments *b, double *se, double *df)
{
    if (a->n < 2 || b->n < 2)
        return -1;
    double va = moments_var(a) / (double)a->n, vb = moments_var(b) / (double)b->n;
    if (!(va + vb > 0))
        return -1;
    *se = sqrt(va + vb);
    *df = (va + vb) * (va + vb) / (va * va / (double)(a->n - 1) + vb * vb / (double)(b->n - 1));
    return 0;
}

int welch_ttest(const struct moments *a, const struct moments *b, struct test_result *r)
{
    double se, df;
    if (welch_parts(a, b, &se, &df))
        return no_result(r);
    r->statistic = moments_mean_diff(a, b) / se;
    r->df = df;
    r->p_value = t_pvalue(r->statistic, df);
    return 0;
}

/* ---- Mann–Whitney U ---- */

static int compare_doubles(const void *pa, const void *pb)
{
    double a = *(const double *)pa, b = *(const double *)pb;
    return (a > b) - (a < b);
}

/* P(U >= u) under the null for samples of m and n values without ties, m <= n.
 * The number of arrangements with U = k is the coefficient of q^k in the Gaussian
 * binomial [m + n choose m]_q = Π_{j=1..m} (1 − q^(n+j)) / (1 − q^j), built one
 * factor at a time (Harding 1984: multiply, then divide by 1 − q^j as a running
 * sum).  The distribution is symmetric, so P(U >= u) = P(U <= mn − u) needs only
 * the coefficients up to mn − u.  The running sums cancel a little: the relative
 * error stays below (mn) DBL_EPSILON, 1e-12 for samples up to thousands. */
static double mwu_exact_sf(int64_t u, int64_t m, int64_t n)
{
    int64_t top = m * n - u;
    if (top < 0)
        return 0.0;
    size_t len = (size_t)top + 1;
    double *f = xcalloc(len, sizeof *f);
    f[0] = 1.0;
    for (int64_t j = 1; j <= m; j++) {
        for (int64_t k = top; k >= n + j; k--)      /* × (1 − q^(n+j)) */
            f[k] -= f[k - n - j];
        for (int64_t k = j; k <= top; k++)          /* ÷ (1 − q^j) */
            f[k] += f[k - j];
    }
    double count = 0;
    for (size_t k = 0; k < len; k++)
        count += f[k];
    free(f);
    gsl_errors_off();
    return count / gsl_sf_choose((unsigned)(m + n), (unsigned)m);
}

int mann_whitney(double *x, size_t nx, double *y, size_t ny, struct test_result *r,
                 enum mwu_method *method)
{
    if (nx == 0 || ny == 0)
        return no_result(r);
    qsort(x, nx, sizeof *x, compare_doubles);
    qsort(y, ny, sizeof *y, compare_doubles);
    /* walk both sorted samples as one: each run of equal values shares the
     * average of the ranks it spans */
    double rank_sum = 0, tie_term = 0;
    size_t i = 0, j = 0, before = 0;
    while (i < nx || j < ny) {
        double v = j >= ny || (i < nx && x[i] <= y[j]) ? x[i] : y[j];
        size_t cx = 0, cy = 0;
        while (i < nx && x[i] == v)
            i++, cx++;
        while (j < ny && y[j] == v)
            j++, cy++;
        double t = (double)(cx + cy);
        rank_sum += (double)cx * ((double)before + (t + 1.0) / 2.0);
        tie_term += t * t * t - t;
        before += cx + cy;
    }
    double n1 = (double)nx, n2 = (double)ny, n = n1 + n2;
    double u1 = rank_sum - n1 * (n1 + 1.0) / 2.0;
    double u = fmax(u1, n1 * n2 - u1);
    double p;
    if ((nx <= 8 || ny <= 8) && tie_term == 0) {
        if (method)
            *method = MWU_EXACT;
        int64_t small = (int64_t)(nx < ny ? nx : ny), large = (int64_t)(nx < ny ? ny : nx);
        p = 2.0 * mwu_exact_sf((int64_t)u, small, large);
    } else {
        if (method)
            *method = MWU_ASYMPTOTIC;
        double s = sqrt(n1 * n2 / 12.0 * ((n + 1.0) - tie_term / (n * (n - 1.0))));
        if (!(s > 0))
            return no_result(r);
        p = 2.0 * norm_sf((u - n1 * n2 / 2.0 - 0.5) / s);
    }
    r->statistic = u1;
    r->df = 0;
    r->p_value = p > 1.0 ? 1.0 : p;
    return 0;
}

/* ---- intervals ---- */

static int no_interval(struct interval *ci)
{
    ci->lo = ci->hi = NAN;
    return -1;
}

int wilson_interval(int64_t x, int64_t n, double alpha, struct interval *ci)
{
    if (n <= 0 || x < 0 || x > n)
        return no_interval(ci);
    double z = norm_isf(alpha / 2.0), z2 = z * z, nn = (double)n, p = (double)x / nn;
    double denom = 1.0 + z2 / nn;
    double center = (p + z2 / (2.0 * nn)) / denom;
    double half = z * sqrt(bernoulli_var(x, n) / nn + z2 / (4.0 * nn * nn)) / denom;
    ci->lo = center - half;
    ci->hi = center + half;
    return 0;
}

int wald_diff_interval(int64_t x1, int64_t n1, int64_t x2, int64_t n2, double alpha, double *diff,
                       struct interval *ci)
{
    if (n1 <= 0 || n2 <= 0) {
        *diff = NAN;
        return no_interval(ci);
    }
    *diff = cross_diff(x1, n2, x2, n1) / ((double)n1 * (double)n2);
    double half = norm_isf(alpha / 2.0) * sqrt(bernoulli_var(x1, n1) / (double)n1 + bernoulli_var(x2, n2) / (double)n2);
    ci->lo = *diff - half;
    ci->hi = *diff + half;
    return 0;
}

int mean_interval(const struct moments *m, double alpha, struct interval *ci)
{
    if (m->n < 2)
        return no_interval(ci);
    double half = t_critical(alpha, (double)(m->n - 1)) * sqrt(moments_var(m) / (double)m->n);
    ci->lo = moments_mean(m) - half;
    ci->hi = moments_mean(m) + half;
    return 0;
}

int welch_diff_interval(const struct moments *a, const struct moments *b, double alpha, double *diff,
                        struct interval *ci)
{
    double se, df;
    *diff = moments_mean_diff(a, b);
    if (welch_parts(a, b, &se, &df))
        return no_interval(ci);
    double half = t_critical(alpha, df) * se;
    ci->lo = *diff - half;
    ci->hi = *diff + half;
    return 0;
}

enum ratio_method ratio_interval(double mt, double vt, double mc, double vc, double crit, struct interval *ci)
{
    double z2 = crit * crit;
    double g = z2 * vc / (mc * mc);
    if (!(g < 1.0) || !isfinite(mt) || !(vt >= 0)) {
        no_interval(ci);
        return RATIO_UNDEFINED;
    }
    double a = mc * mc - z2 * vc;
    double root = crit * sqrt(vt * mc * mc + vc * mt * mt - z2 * vt * vc);
    ci->lo = (mt * mc - root) / a;
    ci->hi = (mt * mc + root) / a;
    return RATIO_FIELLER;
}

const char *ratio_method_name(enum ratio_method m)
{
    switch (m) {
    case RATIO_FIELLER: return "fieller";
    case RATIO_SCORE: return "score";
    case RATIO_UNDEFINED: break;
    }
    return "undefined";
}

/* ---- multiple comparisons ---- */

struct ranked_p {
    double p;
    int index;
};

static int compare_ranked(const void *pa, const void *pb)
{
    const struct ranked_p *a = pa, *b = pb;
    if (a->p != b->p)
        return a->p < b->p ? -1 : 1;
    return a->index - b->index;
}

void p_adjust(int m, const double *p, enum p_adjust method, double *out)
{
    struct ranked_p *s = xcalloc((size_t)m + 1, sizeof *s);
    int k = 0;
    for (int i = 0; i < m; i++)
        if (!isnan(p[i]))
            s[k++] = (struct ranked_p){p[i], i};
    for (int i = 0; i < m; i++)
        out[i] = method == P_ADJUST_NONE ? p[i] : NAN;
    if (method != P_ADJUST_NONE) {
        qsort(s, (size_t)k, sizeof *s, compare_ranked);
        if (method == P_ADJUST_HOLM) {
            /* step down: the i-th smallest times the tests left, kept monotone */
            double run = 0;
            for (int i = 0; i < k; i++) {
                run = fmax(run, s[i].p * (double)(k - i));
                out[s[i].index] = fmin(run, 1.0);
            }
        } else {
            /* step up: the i-th smallest over its share i/k, kept monotone from the top */
            double run = INFINITY;
            for (int i = k - 1; i >= 0; i--) {
                run = fmin(run, s[i].p / ((double)(i + 1) / (double)k));
                out[s[i].index] = fmin(run, 1.0);
            }
        }
    }
    free(s);
}
