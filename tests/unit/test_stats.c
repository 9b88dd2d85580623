/* test_stats.c — the experiment statistics against SciPy, statsmodels and mpmath
 * (reference values in tests/fixtures/stats, written by make_fixtures.py): the
 * distribution tails, the tests, the intervals, the corrections, power and sample
 * size, the Bayesian probability and CUPED.  p-values and intervals must agree to
 * 1e-10 relative; each test prints the worst error it saw. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bayes.h"
#include "cuped.h"
#include "dist.h"
#include "power.h"
#include "stats.h"
#include "stats_fixture.h"

/* Against SciPy and statsmodels: 1e-10 relative.  Where a fixture also holds the
 * same definition computed in 50 digits from the same inputs (SciPy's t quantile
 * is off by up to 2e-9; statsmodels subtracts rates and numpy sums in floating
 * point), the result must match that to 1e-12, and the library to 1e-10 plus the
 * library's own distance from it. */
#define TOL 1e-10
#define TOL_EXACT 1e-12

/* Checks got against the exact value and against the library's. */
static void check_exact_and_library(struct accuracy *exact_acc, struct accuracy *lib_acc, double got, double exact,
                                    double library, double scale, const char *where)
{
    check_close(exact_acc, got, exact, scale, TOL_EXACT, where);
    double size = fmax(fabs(exact), scale);
    double lib_error = size > 0 ? fabs(library - exact) / size : fabs(library - exact);
    check_close(lib_acc, got, library, scale, TOL + lib_error, where);
}

enum { MAX_LIST = 16, MAX_SAMPLE = 4096 };

/* ---- the raw samples of samples.csv ---- */

struct sample {
    char name[32];
    int n;
    double *x;
};

static struct csv_fixture samples_csv;
static struct sample samples[64];
static int nsamples;

static int load_samples(void **state)
{
    (void)state;
    csv_fixture_load("samples.csv", &samples_csv);
    nsamples = samples_csv.nrows;
    for (int i = 0; i < nsamples; i++) {
        snprintf(samples[i].name, sizeof samples[i].name, "%s", fx_text(&samples_csv, i, "name"));
        samples[i].x = malloc(MAX_SAMPLE * sizeof(double));
        samples[i].n = fx_list(&samples_csv, i, "values", samples[i].x, MAX_SAMPLE);
    }
    return 0;
}

static int free_samples(void **state)
{
    (void)state;
    for (int i = 0; i < nsamples; i++)
        free(samples[i].x);
    csv_fixture_free(&samples_csv);
    return 0;
}

static const struct sample *sample(const char *name)
{
    for (int i = 0; i < nsamples; i++)
        if (strcmp(samples[i].name, name) == 0)
            return &samples[i];
    fail_msg("no sample %s", name);
    return NULL;
}

static struct moments moments_of(const struct sample *s)
{
    struct moments m = {0};
    for (int i = 0; i < s->n; i++)
        moments_add(&m, s->x[i]);
    return m;
}

/* A copy of a sample's values (mann_whitney sorts in place). */
static double *values_of(const struct sample *s)
{
    double *v = malloc((size_t)s->n * sizeof *v + 1);
    memcpy(v, s->x, (size_t)s->n * sizeof *v);
    return v;
}

static void label(char *buf, size_t size, const struct csv_fixture *f, int row)
{
    size_t len = 0;
    buf[0] = '\0';
    for (int j = 0; j < f->ncols && len < size; j++)
        len += (size_t)snprintf(buf + len, size - len, "%s%s", j ? "," : "row ", f->cells[row * f->ncols + j]);
}

/* ---- distributions ---- */

static void test_distributions(void **state)
{
    (void)state;
    struct csv_fixture f;
    csv_fixture_load("dist.csv", &f);
    static const char *const fns[] = {"norm_sf", "norm_isf", "t_pvalue", "t_critical", "chi2_sf"};
    struct accuracy scipy[] = {{"norm_sf vs scipy"}, {"norm_isf vs scipy"}, {"t_pvalue vs scipy"},
                               {"t_critical vs scipy"}, {"chi2_sf vs scipy"}};
    struct accuracy exact[] = {{"norm_sf vs 50 digits"}, {"norm_isf vs 50 digits"}, {"t_pvalue vs 50 digits"},
                               {"t_critical vs 50 digits"}, {"chi2_sf vs 50 digits"}};
    for (int r = 0; r < f.nrows; r++) {
        const char *fn = fx_text(&f, r, "fn");
        double a = fx_num(&f, r, "a"), b = fx_num(&f, r, "b"), got = NAN;
        int k = 0;
        while (k < 5 && strcmp(fn, fns[k]) != 0)
            k++;
        switch (k) {
        case 0: got = norm_sf(a); break;
        case 1: got = norm_isf(a); break;
        case 2: got = t_pvalue(a, b); break;
        case 3: got = t_critical(a, b); break;
        case 4: got = chi2_sf(a, b); break;
        default: fail_msg("unknown function %s", fn);
        }
        char where[256];
        label(where, sizeof where, &f, r);
        check_exact_and_library(&exact[k], &scipy[k], got, fx_num(&f, r, "exact"), fx_num(&f, r, "expected"), 0,
                                where);
    }
    for (int k = 0; k < 5; k++) {
        assert_true(exact[k].checks > 0);
        accuracy_report(&scipy[k]);
        accuracy_report(&exact[k]);
    }
    csv_fixture_free(&f);
}

static void test_distribution_edges(void **state)
{
    (void)state;
    assert_true(t_pvalue(INFINITY, 40) == 0.0);
    assert_true(t_pvalue(0, 1e6) == 1.0 || fabs(t_pvalue(0, 1e6) - 1.0) < 1e-13);
    assert_true(isnan(t_pvalue(NAN, 10)));
    assert_true(isnan(t_pvalue(1, 0)));
    assert_true(isnan(t_critical(0, 10)));
    assert_true(isnan(t_critical(0.05, -1)));
    assert_true(chi2_sf(0, 3) == 1.0);
    assert_true(isnan(chi2_sf(NAN, 3)));
    assert_true(isinf(norm_isf(0)));
}

/* ---- tests ---- */

static void test_ztest(void **state)
{
    (void)state;
    struct csv_fixture f;
    csv_fixture_load("ztest.csv", &f);
    struct accuracy stat = {"ztest statistic vs exact"}, p = {"ztest p-value vs exact"},
                    sm = {"ztest p-value vs statsmodels"};
    for (int r = 0; r < f.nrows; r++) {
        struct test_result t;
        char where[256];
        label(where, sizeof where, &f, r);
        assert_int_equal(prop_ztest(fx_int(&f, r, "x1"), fx_int(&f, r, "n1"), fx_int(&f, r, "x2"), fx_int(&f, r, "n2"),
                                    &t), 0);
        /* statsmodels subtracts the rates in floating point: at 10^7 units that alone
         * moves its p-value by 2e-10 */
        check_close(&stat, t.statistic, fx_num(&f, r, "statistic_exact"), 1e-300, TOL_EXACT, where);
        check_exact_and_library(&p, &sm, t.p_value, fx_num(&f, r, "p_exact"), fx_num(&f, r, "p_value"), 0, where);
    }
    accuracy_report(&stat);
    accuracy_report(&p);
    accuracy_report(&sm);
    csv_fixture_free(&f);
}

static void test_ztest_undefined(void **state)
{
    (void)state;
    struct test_result t;
    assert_int_equal(prop_ztest(0, 100, 0, 200, &t), -1);     /* no conversions at all */
    assert_true(isnan(t.p_value) && isnan(t.statistic));
    assert_int_equal(prop_ztest(100, 100, 200, 200, &t), -1); /* everyone converted */
    assert_int_equal(prop_ztest(1, 0, 1, 10, &t), -1);
    assert_int_equal(prop_ztest(11, 10, 1, 10, &t), -1);
}

static void test_chi2_contingency(void **state)
{
    (void)state;
    struct csv_fixture f;
    csv_fixture_load("chi2.csv", &f);
    struct accuracy stat = {"chi2 statistic"}, p = {"chi2 p-value"};
    for (int r = 0; r < f.nrows; r++) {
        double xd[MAX_LIST], nd[MAX_LIST];
        int64_t x[MAX_LIST], n[MAX_LIST];
        int k = fx_list(&f, r, "x", xd, MAX_LIST);
        assert_int_equal(fx_list(&f, r, "n", nd, MAX_LIST), k);
        for (int i = 0; i < k; i++)
            x[i] = (int64_t)xd[i], n[i] = (int64_t)nd[i];
        struct test_result t;
        char where[256];
        label(where, sizeof where, &f, r);
        assert_int_equal(chi2_contingency(k, x, n, (int)fx_int(&f, r, "yates"), &t), 0);
        assert_true(t.df == k - 1);
        check_close(&stat, t.statistic, fx_num(&f, r, "statistic"), 1e-300, TOL, where);
        check_close(&p, t.p_value, fx_num(&f, r, "p_value"), 0, TOL, where);
    }
    accuracy_report(&stat);
    accuracy_report(&p);
    csv_fixture_free(&f);
}

static void test_chi2_undefined(void **state)
{
    (void)state;
    struct test_result t;
    int64_t none[] = {0, 0, 0}, n[] = {10, 20, 30};
    assert_int_equal(chi2_contingency(3, none, n, 0, &t), -1);     /* SciPy: a zero expected count */
    assert_true(isnan(t.p_value));
    assert_int_equal(chi2_contingency(1, none, n, 0, &t), -1);
    int64_t some[] = {1, 2}, empty[] = {5, 0};
    assert_int_equal(chi2_contingency(2, some, empty, 1, &t), -1);
}

static void test_goodness_of_fit(void **state)
{
    (void)state;
    struct csv_fixture f;
    csv_fixture_load("gof.csv", &f);
    struct accuracy stat = {"goodness of fit statistic"}, p = {"goodness of fit p-value"};
    for (int r = 0; r < f.nrows; r++) {
        double od[MAX_LIST], w[MAX_LIST];
        int64_t obs[MAX_LIST];
        int k = fx_list(&f, r, "observed", od, MAX_LIST);
        assert_int_equal(fx_list(&f, r, "weights", w, MAX_LIST), k);
        for (int i = 0; i < k; i++)
            obs[i] = (int64_t)od[i];
        struct test_result t;
        char where[256];
        label(where, sizeof where, &f, r);
        assert_int_equal(chi2_goodness_of_fit(k, obs, w, &t), 0);
        check_close(&stat, t.statistic, fx_num(&f, r, "statistic"), 1e-300, TOL, where);
        check_close(&p, t.p_value, fx_num(&f, r, "p_value"), 0, TOL, where);
    }
    accuracy_report(&stat);
    accuracy_report(&p);
    csv_fixture_free(&f);
    int64_t obs[] = {10, 20};
    double bad[] = {1, 0};
    struct test_result t;
    assert_int_equal(chi2_goodness_of_fit(2, obs, bad, &t), -1);
}

static void test_welch(void **state)
{
    (void)state;
    struct csv_fixture f;
    csv_fixture_load("welch.csv", &f);
    struct accuracy ex = {"welch t, df, p vs 50 digits"}, lib = {"welch t, df, p vs scipy"},
                    ci_ex = {"welch interval vs 50 digits"}, ci_lib = {"welch interval vs statsmodels"};
    for (int r = 0; r < f.nrows; r++) {
        struct moments a = moments_of(sample(fx_text(&f, r, "a"))), b = moments_of(sample(fx_text(&f, r, "b")));
        struct test_result t;
        struct interval iv;
        double diff, alpha = fx_num(&f, r, "alpha");
        char where[256];
        label(where, sizeof where, &f, r);
        assert_int_equal(welch_ttest(&a, &b, &t), 0);
        assert_int_equal(welch_diff_interval(&a, &b, alpha, &diff, &iv), 0);
        double half = (fx_num(&f, r, "ci_hi_exact") - fx_num(&f, r, "ci_lo_exact")) / 2;
        /* identical samples: t is 0 give or take rounding, p is 1 */
        double tscale = fmax(1e-9, fabs(fx_num(&f, r, "statistic_exact")));
        check_exact_and_library(&ex, &lib, t.statistic, fx_num(&f, r, "statistic_exact"), fx_num(&f, r, "statistic"),
                                tscale, where);
        check_exact_and_library(&ex, &lib, t.df, fx_num(&f, r, "df_exact"), fx_num(&f, r, "df"), 0, where);
        check_exact_and_library(&ex, &lib, t.p_value, fx_num(&f, r, "p_exact"), fx_num(&f, r, "p_value"), 0, where);
        check_exact_and_library(&ci_ex, &ci_lib, diff, fx_num(&f, r, "diff_exact"), fx_num(&f, r, "diff"), half,
                                where);
        check_exact_and_library(&ci_ex, &ci_lib, iv.lo, fx_num(&f, r, "ci_lo_exact"), fx_num(&f, r, "ci_lo"), half,
                                where);
        check_exact_and_library(&ci_ex, &ci_lib, iv.hi, fx_num(&f, r, "ci_hi_exact"), fx_num(&f, r, "ci_hi"), half,
                                where);
    }
    accuracy_report(&ex);
    accuracy_report(&lib);
    accuracy_report(&ci_ex);
    accuracy_report(&ci_lib);
    csv_fixture_free(&f);
}

static void test_welch_undefined(void **state)
{
    (void)state;
    struct moments one = {0}, flat = {0}, flat2 = {0};
    moments_add(&one, 3);
    for (int i = 0; i < 40; i++) {
        moments_add(&flat, 2.5);
        moments_add(&flat2, 7);
    }
    struct test_result t;
    struct interval iv;
    double diff;
    assert_int_equal(welch_ttest(&one, &flat, &t), -1);
    assert_true(isnan(t.p_value));
    assert_int_equal(welch_ttest(&flat, &flat2, &t), -1);
    assert_int_equal(welch_diff_interval(&flat, &flat2, 0.05, &diff, &iv), -1);
    assert_true(isnan(iv.lo) && isnan(iv.hi));
    assert_true(isnan(moments_var(&one)));
}

static void test_mann_whitney(void **state)
{
    (void)state;
    struct csv_fixture f;
    csv_fixture_load("mannwhitney.csv", &f);
    struct accuracy stat = {"mann-whitney U"}, p = {"mann-whitney p-value"};
    int exact = 0;
    for (int r = 0; r < f.nrows; r++) {
        const struct sample *a = sample(fx_text(&f, r, "a")), *b = sample(fx_text(&f, r, "b"));
        double *x = values_of(a), *y = values_of(b);
        struct test_result t;
        enum mwu_method method;
        char where[256];
        label(where, sizeof where, &f, r);
        assert_int_equal(mann_whitney(x, (size_t)a->n, y, (size_t)b->n, &t, &method), 0);
        assert_string_equal(method == MWU_EXACT ? "exact" : "asymptotic", fx_text(&f, r, "method"));
        exact += method == MWU_EXACT;
        check_close(&stat, t.statistic, fx_num(&f, r, "statistic"), 0, TOL, where);
        check_close(&p, t.p_value, fx_num(&f, r, "p_value"), 0, TOL, where);
        free(x);
        free(y);
    }
    assert_true(exact >= 4);
    accuracy_report(&stat);
    accuracy_report(&p);
    csv_fixture_free(&f);
    double same[] = {2, 2, 2}, same2[] = {2, 2};
    struct test_result t;
    assert_int_equal(mann_whitney(same, 3, same2, 2, &t, NULL), -1);    /* all tied */
    assert_int_equal(mann_whitney(same, 0, same2, 2, &t, NULL), -1);
}

/* ---- intervals ---- */

static void test_mean_interval(void **state)
{
    (void)state;
    struct csv_fixture f;
    csv_fixture_load("mean_interval.csv", &f);
    struct accuracy ex = {"mean interval vs 50 digits"}, lib = {"mean interval vs scipy"};
    for (int r = 0; r < f.nrows; r++) {
        struct moments m = moments_of(sample(fx_text(&f, r, "sample")));
        struct interval iv;
        char where[256];
        label(where, sizeof where, &f, r);
        assert_int_equal(mean_interval(&m, fx_num(&f, r, "alpha"), &iv), 0);
        double lo = fx_num(&f, r, "lo_exact"), hi = fx_num(&f, r, "hi_exact");
        check_exact_and_library(&ex, &lib, iv.lo, lo, fx_num(&f, r, "lo"), (hi - lo) / 2, where);
        check_exact_and_library(&ex, &lib, iv.hi, hi, fx_num(&f, r, "hi"), (hi - lo) / 2, where);
    }
    accuracy_report(&ex);
    accuracy_report(&lib);
    csv_fixture_free(&f);
}

static void test_wilson(void **state)
{
    (void)state;
    struct csv_fixture f;
    csv_fixture_load("wilson.csv", &f);
    struct accuracy acc = {"wilson interval"};
    for (int r = 0; r < f.nrows; r++) {
        struct interval iv;
        char where[256];
        label(where, sizeof where, &f, r);
        assert_int_equal(wilson_interval(fx_int(&f, r, "x"), fx_int(&f, r, "n"), fx_num(&f, r, "alpha"), &iv), 0);
        double lo = fx_num(&f, r, "lo"), hi = fx_num(&f, r, "hi");
        check_close(&acc, iv.lo, lo, (hi - lo) / 2, TOL, where);
        check_close(&acc, iv.hi, hi, (hi - lo) / 2, TOL, where);
    }
    accuracy_report(&acc);
    csv_fixture_free(&f);
    struct interval iv;
    assert_int_equal(wilson_interval(0, 0, 0.05, &iv), -1);
}

static void test_wald_difference(void **state)
{
    (void)state;
    struct csv_fixture f;
    csv_fixture_load("wald.csv", &f);
    struct accuracy acc = {"wald difference interval"};
    for (int r = 0; r < f.nrows; r++) {
        struct interval iv;
        double diff;
        char where[256];
        label(where, sizeof where, &f, r);
        assert_int_equal(wald_diff_interval(fx_int(&f, r, "x1"), fx_int(&f, r, "n1"), fx_int(&f, r, "x2"),
                                            fx_int(&f, r, "n2"), fx_num(&f, r, "alpha"), &diff, &iv), 0);
        double lo = fx_num(&f, r, "lo"), hi = fx_num(&f, r, "hi"), half = (hi - lo) / 2;
        check_close(&acc, diff, fx_num(&f, r, "diff"), half, TOL, where);
        check_close(&acc, iv.lo, lo, half, TOL, where);
        check_close(&acc, iv.hi, hi, half, TOL, where);
    }
    accuracy_report(&acc);
    csv_fixture_free(&f);
}

static void test_ratio_interval(void **state)
{
    (void)state;
    struct csv_fixture f;
    csv_fixture_load("ratio.csv", &f);
    struct accuracy acc = {"ratio interval"};
    int seen[3] = {0};
    for (int r = 0; r < f.nrows; r++) {
        struct interval iv;
        char where[256];
        label(where, sizeof where, &f, r);
        enum ratio_method m = ratio_interval(fx_num(&f, r, "mt"), fx_num(&f, r, "vt"), fx_num(&f, r, "mc"),
                                             fx_num(&f, r, "vc"), norm_isf(fx_num(&f, r, "alpha") / 2), &iv);
        assert_string_equal(ratio_method_name(m), fx_text(&f, r, "method"));
        seen[m]++;
        double lo = fx_num(&f, r, "lo"), hi = fx_num(&f, r, "hi");
        double scale = fmax((hi - lo) / 2, 1e-300);
        if (m == RATIO_UNDEFINED) {
            assert_true(isnan(iv.lo) && isnan(iv.hi));
            continue;
        }
        check_close(&acc, iv.lo, lo, scale, TOL, where);
        check_close(&acc, iv.hi, hi, scale, TOL, where);
    }
    assert_true(seen[RATIO_FIELLER] && seen[RATIO_UNDEFINED]);
    accuracy_report(&acc);
    csv_fixture_free(&f);
}

static void test_p_adjust(void **state)
{
    (void)state;
    struct csv_fixture f;
    csv_fixture_load("padjust.csv", &f);
    struct accuracy acc = {"holm / bh adjusted p"};
    for (int r = 0; r < f.nrows; r++) {
        double p[MAX_LIST], want[MAX_LIST], got[MAX_LIST];
        int m = fx_list(&f, r, "p", p, MAX_LIST);
        assert_int_equal(fx_list(&f, r, "adjusted", want, MAX_LIST), m);
        enum p_adjust method = strcmp(fx_text(&f, r, "method"), "holm") == 0 ? P_ADJUST_HOLM : P_ADJUST_BH;
        p_adjust(m, p, method, got);
        char where[256];
        label(where, sizeof where, &f, r);
        for (int i = 0; i < m; i++)
            check_close(&acc, got[i], want[i], 0, TOL, where);
    }
    accuracy_report(&acc);
    csv_fixture_free(&f);
    /* NaN (a comparison without a p-value) is not a test: m counts the others */
    double p[] = {0.01, NAN, 0.04}, out[3];
    p_adjust(3, p, P_ADJUST_HOLM, out);
    assert_true(fabs(out[0] - 0.02) < 1e-15 && isnan(out[1]) && fabs(out[2] - 0.04) < 1e-15);
    p_adjust(3, p, P_ADJUST_NONE, out);
    assert_true(out[0] == 0.01 && isnan(out[1]));
}

/* ---- CUPED ---- */

static void test_cuped(void **state)
{
    (void)state;
    struct csv_fixture f;
    csv_fixture_load("cuped.csv", &f);
    struct accuracy acc = {"cuped vs numpy/scipy"}, ex = {"cuped interval vs 50 digits"};
    for (int r = 0; r < f.nrows; r++) {
        const struct sample *xt = sample(fx_text(&f, r, "x_t")), *yt = sample(fx_text(&f, r, "y_t"));
        const struct sample *xc = sample(fx_text(&f, r, "x_c")), *yc = sample(fx_text(&f, r, "y_c"));
        struct comoments t = {0}, c = {0}, pooled = {0};
        for (int i = 0; i < xt->n; i++)
            comoments_add(&t, xt->x[i], yt->x[i]);
        for (int i = 0; i < xc->n; i++)
            comoments_add(&c, xc->x[i], yc->x[i]);
        comoments_merge(&pooled, &t);
        comoments_merge(&pooled, &c);
        double theta = cuped_theta(&pooled), alpha = fx_num(&f, r, "alpha");
        struct moments at = cuped_adjust(&t, theta, &pooled), ac = cuped_adjust(&c, theta, &pooled);
        struct test_result tr;
        struct interval iv;
        double diff;
        assert_int_equal(welch_ttest(&at, &ac, &tr), 0);
        assert_int_equal(welch_diff_interval(&at, &ac, alpha, &diff, &iv), 0);
        struct moments mt = moments_of(yt), mc = moments_of(yc);
        double before = moments_var(&mt) / (double)mt.n + moments_var(&mc) / (double)mc.n;
        double after = moments_var(&at) / (double)at.n + moments_var(&ac) / (double)ac.n;
        double lo = fx_num(&f, r, "ci_lo_exact"), hi = fx_num(&f, r, "ci_hi_exact"), half = (hi - lo) / 2;
        char where[256];
        label(where, sizeof where, &f, r);
        check_exact_and_library(&ex, &acc, theta, fx_num(&f, r, "theta_exact"), fx_num(&f, r, "theta"), 0, where);
        check_exact_and_library(&ex, &acc, diff, fx_num(&f, r, "diff_exact"), fx_num(&f, r, "diff"), half, where);
        check_exact_and_library(&ex, &acc, iv.lo, lo, fx_num(&f, r, "ci_lo"), half, where);
        check_exact_and_library(&ex, &acc, iv.hi, hi, fx_num(&f, r, "ci_hi"), half, where);
        check_exact_and_library(&ex, &acc, tr.p_value, fx_num(&f, r, "p_exact"), fx_num(&f, r, "p_value"), 0, where);
        check_exact_and_library(&ex, &acc, 1 - after / before, fx_num(&f, r, "variance_reduction_exact"),
                                fx_num(&f, r, "variance_reduction"), 0, where);
    }
    accuracy_report(&acc);
    accuracy_report(&ex);
    csv_fixture_free(&f);
    struct comoments flat = {0};
    for (int i = 0; i < 10; i++)
        comoments_add(&flat, 4.0, i);
    assert_true(isnan(cuped_theta(&flat)));
}

/* The Miettinen–Nurminen score test and the intervals that invert it against
 * statsmodels (its statistic inverted by SciPy's brentq). */
static void test_score(void **state)
{
    (void)state;
    struct csv_fixture f;
    csv_fixture_load("score.csv", &f);
    struct accuracy test = {"score test vs statsmodels"}, ci = {"score intervals vs statsmodels"};
    int agree = 0;
    for (int r = 0; r < f.nrows; r++) {
        int64_t x1 = fx_int(&f, r, "x1"), n1 = fx_int(&f, r, "n1"), x0 = fx_int(&f, r, "x0"), n0 = fx_int(&f, r, "n0");
        double alpha = fx_num(&f, r, "alpha");
        char where[256];
        label(where, sizeof where, &f, r);
        struct test_result t;
        assert_int_equal(mn_score_test(x1, n1, x0, n0, &t), 0);
        check_close(&test, t.statistic, fx_num(&f, r, "z"), 0, TOL, where);
        check_close(&test, t.p_value, fx_num(&f, r, "p_value"), 0, TOL, where);
        struct interval d, q;
        assert_int_equal(mn_score_diff_interval(x1, n1, x0, n0, alpha, &d), 0);
        assert_int_equal(mn_score_ratio_interval(x1, n1, x0, n0, alpha, &q), 0);
        double dw = fx_num(&f, r, "diff_hi") - fx_num(&f, r, "diff_lo");
        double qw = fx_num(&f, r, "ratio_hi") - fx_num(&f, r, "ratio_lo");
        check_close(&ci, d.lo, fx_num(&f, r, "diff_lo"), dw, 1e-8, where);
        check_close(&ci, d.hi, fx_num(&f, r, "diff_hi"), dw, 1e-8, where);
        check_close(&ci, q.lo, fx_num(&f, r, "ratio_lo"), qw, 1e-8, where);
        check_close(&ci, q.hi, fx_num(&f, r, "ratio_hi"), qw, 1e-8, where);
        /* the point of it: significant exactly when both intervals exclude no effect */
        int significant = t.p_value < alpha;
        agree += significant == (d.lo > 0 || d.hi < 0) && significant == (q.lo > 1 || q.hi < 1);
    }
    assert_int_equal(agree, f.nrows);
    accuracy_report(&test);
    accuracy_report(&ci);
    csv_fixture_free(&f);
}

/* Small and zero counts: Fisher's exact test against SciPy, Newcombe's interval
 * against statsmodels. */
static void test_fisher_newcombe(void **state)
{
    (void)state;
    struct csv_fixture f;
    csv_fixture_load("fisher.csv", &f);
    struct accuracy p = {"fisher exact vs scipy"}, ci = {"newcombe vs statsmodels"};
    for (int r = 0; r < f.nrows; r++) {
        int64_t x1 = fx_int(&f, r, "x1"), n1 = fx_int(&f, r, "n1"), x2 = fx_int(&f, r, "x2"), n2 = fx_int(&f, r, "n2");
        char where[256];
        label(where, sizeof where, &f, r);
        check_close(&p, fisher_exact_p(x1, n1, x2, n2), fx_num(&f, r, "p_value"), 0, 1e-9, where);
        double diff;
        struct interval iv;
        assert_int_equal(newcombe_diff_interval(x1, n1, x2, n2, fx_num(&f, r, "alpha"), &diff, &iv), 0);
        check_close(&ci, iv.lo, fx_num(&f, r, "newcombe_lo"), 1, TOL, where);
        check_close(&ci, iv.hi, fx_num(&f, r, "newcombe_hi"), 1, TOL, where);
    }
    accuracy_report(&p);
    accuracy_report(&ci);
    csv_fixture_free(&f);
    assert_true(min_expected_count(2, (const int64_t[]){0, 5000}, (const int64_t[]){40, 100000}) < 5);
    assert_true(min_expected_count(2, (const int64_t[]){120, 150}, (const int64_t[]){1000, 1000}) > 5);
}

/* Merging co-moments gives what streaming all the pairs gives. */
static void test_comoments_merge(void **state)
{
    (void)state;
    const struct sample *x = sample("cx_t"), *y = sample("cy_t");
    struct comoments all = {0}, a = {0}, b = {0}, merged = {0};
    for (int i = 0; i < x->n; i++) {
        comoments_add(&all, x->x[i], y->x[i]);
        comoments_add(i < 300 ? &a : &b, x->x[i], y->x[i]);
    }
    comoments_merge(&merged, &a);
    comoments_merge(&merged, &b);
    assert_int_equal(merged.n, all.n);
    assert_true(fabs(merged.mean_x - all.mean_x) < 1e-12 * fabs(all.mean_x));
    assert_true(fabs(merged.cxy - all.cxy) < 1e-11 * fabs(all.cxy));
    assert_true(fabs(merged.m2y - all.m2y) < 1e-11 * fabs(all.m2y));
}

/* ---- power and sample size ---- */

static void test_power(void **state)
{
    (void)state;
    struct csv_fixture f;
    csv_fixture_load("power.csv", &f);
    struct accuracy acc = {"power / sample size / mde"};
    for (int r = 0; r < f.nrows; r++) {
        double a[8];
        fx_list(&f, r, "args", a, 8);
        const char *fn = fx_text(&f, r, "fn");
        double got = NAN;
        if (strcmp(fn, "samplesize_proportions") == 0)
            got = samplesize_proportions(a[0], a[1], a[2], a[3], a[4]);
        else if (strcmp(fn, "power_proportions") == 0)
            got = power_proportions(a[0], a[1], a[2], a[3], a[4]);
        else if (strcmp(fn, "power_normal") == 0)
            got = power_normal(a[0], a[1], a[2], a[3]);
        else if (strcmp(fn, "samplesize_normal") == 0)
            got = samplesize_normal(a[0], a[1], a[2], a[3]);
        else if (strcmp(fn, "mde_normal") == 0)
            got = mde_normal(a[0], a[1], a[2], a[3]);
        else if (strcmp(fn, "mde_proportions") == 0)
            got = mde_proportions(a[0], a[1], a[2], a[3], a[4]);
        else
            fail_msg("unknown function %s", fn);
        char where[256];
        label(where, sizeof where, &f, r);
        check_close(&acc, got, fx_num(&f, r, "expected"), 0, TOL, where);
    }
    accuracy_report(&acc);
    csv_fixture_free(&f);
    /* the example: 10% → 11% at alpha 0.05, power 0.8 is 14,751 per group */
    assert_int_equal((long)ceil(samplesize_proportions(0.01, 0.10, 0.8, 1, 0.05)), 14751);
    assert_true(isnan(samplesize_proportions(0, 0.1, 0.8, 1, 0.05)));
    assert_true(isnan(samplesize_proportions(0.2, 0.9, 0.8, 1, 0.05)));
    assert_true(isnan(mde_proportions(0.1, 2, 1, 0.05, 0.999999)));   /* nothing detectable */
}

/* ---- Bayesian probability to beat control and expected loss ---- */

static void test_bayes(void **state)
{
    (void)state;
    struct csv_fixture f;
    csv_fixture_load("bayes.csv", &f);
    struct accuracy exact = {"P(beat) vs 50-digit sum"}, quad = {"P(beat) vs quadrature"},
                    loss = {"expected loss vs 50 digits"}, lquad = {"expected loss vs quadrature"};
    for (int r = 0; r < f.nrows; r++) {
        int64_t a1 = fx_int(&f, r, "a1"), b1 = fx_int(&f, r, "b1"), a2 = fx_int(&f, r, "a2"), b2 = fx_int(&f, r, "b2");
        char where[256];
        label(where, sizeof where, &f, r);
        double p = beta_prob_greater(a1, b1, a2, b2), l = beta_expected_loss(a1, b1, a2, b2);
        check_close(&exact, p, fx_num(&f, r, "prob_exact"), 0, TOL, where);
        check_close(&quad, p, fx_num(&f, r, "prob_quad"), 0, TOL, where);
        check_close(&loss, l, fx_num(&f, r, "loss_exact"), 0, TOL, where);
        check_close(&lquad, l, fx_num(&f, r, "loss_quad"), 0, 1e-9, where);
    }
    accuracy_report(&exact);
    accuracy_report(&quad);
    accuracy_report(&loss);
    accuracy_report(&lquad);
    csv_fixture_free(&f);
    /* past BETA_EXACT_TERMS: the normal approximation, as SciPy computes it, in no
     * time (the 3e9/9e9 took 260 s and printed a loss of 0) */
    csv_fixture_load("bayes_large.csv", &f);
    struct accuracy normal = {"large counts vs SciPy's normal"}, near = {"just past the threshold vs quadrature"};
    for (int r = 0; r < f.nrows; r++) {
        int64_t a1 = fx_int(&f, r, "a1"), b1 = fx_int(&f, r, "b1"), a2 = fx_int(&f, r, "a2"), b2 = fx_int(&f, r, "b2");
        char where[256];
        label(where, sizeof where, &f, r);
        assert_false(beta_exact(a1, b1, a2, b2));
        check_close(&normal, beta_prob_greater(a1, b1, a2, b2), fx_num(&f, r, "prob_normal"), 0, TOL, where);
        check_close(&normal, beta_expected_loss(a1, b1, a2, b2), fx_num(&f, r, "loss_normal"), 0, TOL, where);
        if (!isnan(fx_num(&f, r, "prob_quad")))
            check_close(&near, beta_prob_greater(a1, b1, a2, b2), fx_num(&f, r, "prob_quad"), 0, 1e-5, where);
    }
    accuracy_report(&normal);
    accuracy_report(&near);
    csv_fixture_free(&f);
    /* the example: 10/100 against 15/100 */
    assert_true(fabs(beta_prob_greater(11, 91, 16, 86) - 0.85328379) < 5e-9);
    assert_true(isnan(beta_prob_greater(0, 1, 1, 1)));
    double prob, l;
    assert_int_equal(normal_posterior(1.0, 0.0, &prob, &l), -1);
    assert_true(isnan(prob) && isnan(l));
    assert_int_equal(normal_posterior(0.0, 2.0, &prob, &l), 0);
    assert_true(fabs(prob - 0.5) < 1e-15 && fabs(l - 2.0 / sqrt(2 * M_PI)) < 1e-15);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_distributions),
        cmocka_unit_test(test_distribution_edges),
        cmocka_unit_test(test_ztest),
        cmocka_unit_test(test_ztest_undefined),
        cmocka_unit_test(test_chi2_contingency),
        cmocka_unit_test(test_chi2_undefined),
        cmocka_unit_test(test_goodness_of_fit),
        cmocka_unit_test(test_welch),
        cmocka_unit_test(test_welch_undefined),
        cmocka_unit_test(test_mann_whitney),
        cmocka_unit_test(test_mean_interval),
        cmocka_unit_test(test_wilson),
        cmocka_unit_test(test_wald_difference),
        cmocka_unit_test(test_ratio_interval),
        cmocka_unit_test(test_p_adjust),
        cmocka_unit_test(test_cuped),
        cmocka_unit_test(test_fisher_newcombe),
        cmocka_unit_test(test_score),
        cmocka_unit_test(test_comoments_merge),
        cmocka_unit_test(test_power),
        cmocka_unit_test(test_bayes),
    };
    return cmocka_run_group_tests(tests, load_samples, free_samples);
}
