/* power.c — power, sample size and minimum detectable effect (see power.h). */
#include "power.h"

#include <float.h>
#include <math.h>

#include "dist.h"

/* σ of the difference of two rates per √n1 unit: √(p1(1 − p1) + p2(1 − p2)/ratio). */
static double rates_sd(double p1, double p2, double ratio)
{
    return sqrt(p1 * (1.0 - p1) + p2 * (1.0 - p2) / ratio);
}

static int rate_ok(double p) { return p > 0 && p < 1; }

/* The power of a two-sided z-test whose statistic, under the alternative, is
 * shifted by `shift` standard errors and whose null standard error is `scale`
 * times the alternative's; statsmodels' normal_power_het. */
static double power_two_sided(double shift, double scale, double alpha)
{
    double crit = norm_isf(alpha / 2.0);
    return norm_sf(crit * scale - shift) + norm_cdf(-crit * scale - shift);
}

double power_proportions(double diff, double p_control, double n1, double ratio, double alpha)
{
    double p1 = p_control + diff;
    if (!rate_ok(p_control) || !(p1 >= 0 && p1 <= 1) || !(n1 > 0) || !(ratio > 0))
        return NAN;
    double pooled = (p1 + p_control * ratio) / (1.0 + ratio);
    double sd_null = rates_sd(pooled, pooled, ratio), sd_alt = rates_sd(p1, p_control, ratio);
    return power_two_sided(diff * sqrt(n1) / sd_alt, sd_null / sd_alt, alpha);
}

double samplesize_proportions(double diff, double p_control, double power, double ratio, double alpha)
{
    double p1 = p_control + diff;
    if (!rate_ok(p_control) || !rate_ok(p1) || diff == 0 || !(ratio > 0))
        return NAN;
    double pooled = (p1 + p_control * ratio) / (1.0 + ratio);
    double sd_null = rates_sd(pooled, pooled, ratio), sd_alt = rates_sd(p1, p_control, ratio);
    double n = (norm_isf(alpha / 2.0) * sd_null - norm_isf(power) * sd_alt) / diff;
    return n * n;
}

/* The effective n of two groups, n1 and ratio · n1: 1 / (1/n1 + 1/n2). */
static double effective_n(double n1, double ratio)
{
    return 1.0 / (1.0 / n1 + 1.0 / (n1 * ratio));
}

double power_normal(double effect_size, double n1, double ratio, double alpha)
{
    if (!(n1 > 0) || !(ratio > 0))
        return NAN;
    return power_two_sided(effect_size * sqrt(effective_n(n1, ratio)), 1.0, alpha);
}

/* ---- solving power(x) = target for x, power increasing in x ---- */

struct power_eq {
    double (*power)(double x, const struct power_eq *e);
    double target;
    double p_control, n1, effect_size, ratio, alpha;
};

static double power_gap(double x, void *arg)
{
    const struct power_eq *e = arg;
    return e->power(x, e) - e->target;
}

/* The root in [lo, hi], where power_gap changes sign; NaN if it does not. */
static double solve_power_eq(struct power_eq *e, double lo, double hi)
{
    if (!(power_gap(lo, e) < 0 && power_gap(hi, e) > 0))
        return NAN;
    return brent_root(power_gap, e, lo, hi);
}

/* Widens hi (doubling) until the power there exceeds the target. */
static double bracket_above(struct power_eq *e, double hi)
{
    for (int i = 0; i < 2000 && power_gap(hi, e) <= 0; i++)
        hi *= 2;
    return hi;
}

static double power_at_diff(double diff, const struct power_eq *e)
{
    return power_proportions(diff, e->p_control, e->n1, e->ratio, e->alpha);
}

double mde_proportions(double p_control, double n1, double ratio, double alpha, double power)
{
    if (!rate_ok(p_control) || !(power > alpha && power < 1))
        return NAN;
    struct power_eq e = {.power = power_at_diff, .target = power, .p_control = p_control, .n1 = n1,
                         .ratio = ratio, .alpha = alpha};
    return solve_power_eq(&e, 0.0, 1.0 - p_control);
}

static double power_at_n(double n1, const struct power_eq *e)
{
    return power_normal(e->effect_size, n1, e->ratio, e->alpha);
}

static double power_at_effect(double d, const struct power_eq *e)
{
    return power_normal(d, e->n1, e->ratio, e->alpha);
}

/* (z_{α/2} + z_power)²: the one-tail approximation both solvers start from. */
static double z_sum_squared(double alpha, double power)
{
    double z = norm_isf(alpha / 2.0) - norm_isf(power);
    return z * z;
}

double samplesize_normal(double effect_size, double power, double ratio, double alpha)
{
    if (effect_size == 0 || !isfinite(effect_size) || !(power > alpha && power < 1) || !(ratio > 0))
        return NAN;
    struct power_eq e = {.power = power_at_n, .target = power, .effect_size = fabs(effect_size),
                         .ratio = ratio, .alpha = alpha};
    double guess = z_sum_squared(alpha, power) * (1.0 + 1.0 / ratio) / (effect_size * effect_size);
    double lo = guess / 4;
    while (lo > DBL_MIN && power_gap(lo, &e) >= 0)
        lo /= 4;
    return solve_power_eq(&e, lo, bracket_above(&e, guess));
}

double mde_normal(double n1, double ratio, double alpha, double power)
{
    if (!(n1 > 0) || !(ratio > 0) || !(power > alpha && power < 1))
        return NAN;
    struct power_eq e = {.power = power_at_effect, .target = power, .n1 = n1, .ratio = ratio, .alpha = alpha};
    double guess = sqrt(z_sum_squared(alpha, power) / effective_n(n1, ratio));
    return solve_power_eq(&e, 0.0, bracket_above(&e, guess));
}
