/* test_abtest.c — an experiment read out of a table: units counted once at their
 * first exposure, units in two variants left out, rows without a variant, unit or
 * value counted, the kind of metric, the control, segments and the correction over
 * them, the guard rails ("not enough data", never a NaN in the output), the
 * sample-ratio warning first, CUPED's inputs, and the commands' messages for bad
 * input.  The numbers themselves are test_stats.c's business; here they are checked
 * only to come from the right arms. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abtest.h"
#include "cmd.h"
#include "ctx.h"
#include "power.h"
#include "sink.h"
#include "stats.h"
#include "workspace.h"
#include "workspace_fixture.h"

static void exec(ctx *c, const char *sql)
{
    char *err = NULL;
    if (sqlite3_exec(c->db, sql, NULL, NULL, &err) != SQLITE_OK)
        fail_msg("%s: %s", sql, err);
}

/* n units numbered from 1; variant from the expression, metric too. */
static void make_table(ctx *c, const char *name, int n, const char *variant, const char *metric)
{
    char sql[1024];
    snprintf(sql, sizeof sql,
             "DROP TABLE IF EXISTS %s; CREATE TABLE %s AS WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL "
             "SELECT i + 1 FROM s WHERE i < %d) SELECT i AS uid, %s AS v, %s AS m, i %% 3 AS seg, "
             "(i * 7919) %% 101 AS pre FROM s",
             name, name, n, variant, metric);
    exec(c, sql);
}

static struct ab_spec spec_for(const char *table)
{
    return (struct ab_spec){.table = table, .variant = "v", .metric = "m", .alpha = 0.05};
}

/* Runs a command line; returns its status, the output in *out (owned by the sink). */
static int run(ctx *c, const char *line, const char **out)
{
    sink_buffer_reset(c->out);
    c->err[0] = '\0';
    int rc = run_line(c, line);
    *out = sink_buffer_text(c->out, NULL);
    return rc;
}

static void test_units_once_first_exposure(void **state)
{
    ctx *c = *state;
    make_table(c, "t", 200, "CASE WHEN i % 2 THEN 'A' ELSE 'B' END", "i % 5 = 0");
    /* unit 1 (A) seen again later with m 1: the first exposure (m 0) counts;
     * unit 2 (B) also seen in A: left out; rows without variant, unit or metric */
    exec(c, "INSERT INTO t VALUES (1, 'A', 1, 0, 0), (2, 'A', 0, 0, 0), (NULL, 'A', 1, 0, 0), "
            "(300, NULL, 1, 0, 0), (301, 'B', NULL, 0, 0)");
    struct ab_spec spec = spec_for("t");
    spec.unit = "uid";
    struct ab_experiment ab;
    assert_int_equal(abtest_from_table(c, &spec, &ab), 0);
    assert_int_equal(ab.rows, 205);
    assert_int_equal(ab.mixed_units, 1);
    assert_int_equal(ab.duplicate_rows, 1);
    assert_int_equal(ab.no_unit, 1);
    assert_int_equal(ab.no_variant, 1);
    assert_int_equal(ab.no_metric, 1);
    assert_int_equal(ab.units, 199);
    assert_int_equal(ab.kind, AB_PROPORTION);
    assert_string_equal(ab.variants[0], "A");   /* first by name: no 'control' */
    assert_int_equal(ab.segments[0].arms[0].y.n, 100);
    assert_int_equal(ab.segments[0].arms[0].conversions, 20);  /* unit 1's later 1 did not count */
    assert_int_equal(ab.segments[0].arms[1].y.n, 99);
    abtest_free(&ab);

    /* order= decides which exposure is first: unit 1's converting row, ordered first */
    exec(c, "ALTER TABLE t ADD COLUMN at INTEGER; UPDATE t SET at = rowid; UPDATE t SET at = -1 WHERE rowid = 201");
    spec.order = "at";
    assert_int_equal(abtest_from_table(c, &spec, &ab), 0);
    assert_int_equal(ab.segments[0].arms[0].conversions, 21);
    abtest_free(&ab);
}

static void test_kind_and_control(void **state)
{
    ctx *c = *state;
    make_table(c, "k", 120, "CASE WHEN i % 2 THEN 'treatment' ELSE 'control' END", "i % 4 * 2.5");
    struct ab_spec spec = spec_for("k");
    struct ab_experiment ab;
    assert_int_equal(abtest_from_table(c, &spec, &ab), 0);
    assert_int_equal(ab.kind, AB_MEAN);
    assert_string_equal(ab.variants[0], "control");
    assert_string_equal(ab.segments[0].cmp[0].test, "welch");
    abtest_free(&ab);

    spec.kind = AB_PROPORTION;
    assert_int_equal(abtest_from_table(c, &spec, &ab), -1);
    assert_string_equal(c->err, "abtest: kind=proportion: metric m has the value 2.5; a proportion holds 0 or 1 "
                                "(kind=mean compares means)");
    abtest_free(&ab);

    spec = spec_for("k");
    spec.control = "ctrl";
    assert_int_equal(abtest_from_table(c, &spec, &ab), -1);
    assert_string_equal(c->err, "abtest: control=ctrl: no variant of that name (variants: control, treatment)");
    abtest_free(&ab);

    spec = spec_for("k");
    spec.metric = "mm";
    assert_int_equal(abtest_from_table(c, &spec, &ab), -1);
    assert_string_equal(c->err, "abtest: metric=mm: no column 'mm' in k (did you mean 'm'?)");
    abtest_free(&ab);

    spec = spec_for("nope");
    assert_int_equal(abtest_from_table(c, &spec, &ab), -1);
    abtest_free(&ab);

    /* a 0/1 metric can be read as a mean, and then test= applies */
    make_table(c, "b", 120, "CASE WHEN i % 2 THEN 'treatment' ELSE 'control' END", "i % 3 = 0");
    spec = spec_for("b");
    spec.test = AB_TEST_MANNWHITNEY;
    assert_int_equal(abtest_from_table(c, &spec, &ab), -1);
    assert_non_null(strstr(c->err, "add kind=mean"));
    abtest_free(&ab);
    spec.kind = AB_MEAN;
    assert_int_equal(abtest_from_table(c, &spec, &ab), 0);
    assert_string_equal(ab.segments[0].cmp[0].test, "mannwhitney");
    assert_true(ab.segments[0].cmp[0].p_value > 0 && ab.segments[0].cmp[0].p_value <= 1);
    abtest_free(&ab);
}

static void test_not_enough_data(void **state)
{
    ctx *c = *state;
    /* B has 29 units */
    make_table(c, "small", 129, "CASE WHEN i <= 100 THEN 'A' ELSE 'B' END", "i % 3 = 0");
    struct ab_spec spec = spec_for("small");
    struct ab_experiment ab;
    assert_int_equal(abtest_from_table(c, &spec, &ab), 0);
    const struct ab_comparison *cmp = &ab.segments[0].cmp[0];
    assert_string_equal(cmp->note, "not enough data: B has 29 units (30 needed)");
    assert_true(isnan(cmp->p_value) && isnan(cmp->diff) && isnan(cmp->prob_beat_control));
    abtest_free(&ab);

    /* a constant mean metric in one arm */
    make_table(c, "flat", 100, "CASE WHEN i % 2 THEN 'A' ELSE 'B' END", "CASE WHEN i % 2 THEN 4.5 ELSE i END");
    spec = spec_for("flat");
    assert_int_equal(abtest_from_table(c, &spec, &ab), 0);
    assert_string_equal(ab.segments[0].cmp[0].note, "not enough data: m does not vary in A (every value is 4.5)");
    abtest_free(&ab);

    /* no conversions anywhere; one arm without any is still a result */
    make_table(c, "zero", 100, "CASE WHEN i % 2 THEN 'A' ELSE 'B' END", "0");
    exec(c, "UPDATE zero SET m = 0.0");
    spec = spec_for("zero");
    spec.kind = AB_PROPORTION;
    assert_int_equal(abtest_from_table(c, &spec, &ab), 0);
    assert_string_equal(ab.segments[0].cmp[0].note, "not enough data: no conversions in B and A");
    assert_false(ab.segments[0].omnibus.computed);
    abtest_free(&ab);
    exec(c, "UPDATE zero SET m = 1 WHERE uid % 2 = 0 AND uid % 10 = 0");
    assert_int_equal(abtest_from_table(c, &spec, &ab), 0);
    cmp = &ab.segments[0].cmp[0];
    assert_string_equal(cmp->note, "");
    assert_true(cmp->p_value < 0.05);
    assert_int_equal(cmp->rel_method, RATIO_UNDEFINED);  /* control A converts 0% */
    assert_string_equal(cmp->rel_note, "control rate is 0");
    abtest_free(&ab);

    /* JSON: nulls and a note, never NaN */
    const char *out;
    assert_int_equal(run(c, "abtest small variant=v metric=m", &out), 0);
    assert_null(strstr(out, "nan"));
    assert_null(strstr(out, "NaN"));
    assert_non_null(strstr(out, "\"p_value\":null"));
    assert_non_null(strstr(out, "\"note\":\"not enough data: B has 29 units (30 needed)\""));
    assert_int_equal(run(c, "abtest zero variant=v metric=m", &out), 0);
    assert_non_null(strstr(out, "\"rel_ci\":null"));
    assert_non_null(strstr(out, "\"rel_ci_method\":\"undefined\""));
    assert_non_null(strstr(out, "relative interval undefined: control rate is 0"));
}

static void test_segments_and_correction(void **state)
{
    ctx *c = *state;
    make_table(c, "s", 3000, "CASE WHEN i % 2 THEN 'B' ELSE 'A' END",
               "CASE WHEN i % 2 THEN (i * 31) % 100 < 12 + 3 * (i % 3) ELSE (i * 31) % 100 < 11 END");
    struct ab_spec spec = spec_for("s");
    spec.by = "seg";
    spec.correction = P_ADJUST_HOLM;
    struct ab_experiment ab;
    assert_int_equal(abtest_from_table(c, &spec, &ab), 0);
    assert_int_equal(ab.nsegments, 3);
    double p[3], adj[3];
    for (int s = 0; s < 3; s++) {
        char name[8];
        snprintf(name, sizeof name, "%d", s);
        assert_string_equal(ab.segments[s].name, name);
        assert_int_equal(ab.segments[s].arms[0].y.n + ab.segments[s].arms[1].y.n, 1000);
        p[s] = ab.segments[s].cmp[0].p_value;
        /* each segment's p is the score test of its own counts */
        struct test_result r;
        const struct ab_arm *t = &ab.segments[s].arms[1], *ctl = &ab.segments[s].arms[0];
        mn_score_test(t->conversions, t->y.n, ctl->conversions, ctl->y.n, &r);
        assert_true(r.p_value == p[s]);
    }
    p_adjust(3, p, P_ADJUST_HOLM, adj);
    for (int s = 0; s < 3; s++) {
        assert_true(ab.segments[s].cmp[0].p_adjusted == adj[s]);
        assert_int_equal(ab.segments[s].cmp[0].significant, adj[s] < 0.05);
    }
    abtest_free(&ab);
}

static void test_sample_ratio(void **state)
{
    ctx *c = *state;
    make_table(c, "srm", 2000, "CASE WHEN i % 5 = 0 THEN 'B' ELSE 'A' END", "i % 9 = 0");
    const char *out;
    sink_set_format(c->out, FMT_TABLE);
    assert_int_equal(run(c, "abtest srm variant=v metric=m", &out), 0);
    assert_true(strncmp(out, "warning: sample ratio mismatch: A 1600, B 400 units against an expected 50%/50%", 79) == 0);
    assert_int_equal(run(c, "abtest srm variant=v metric=m expected=4/1", &out), 0);
    assert_null(strstr(out, "warning"));
    assert_int_equal(run(c, "abtest srm variant=v metric=m expected=1/1/1", &out), -1);
    assert_string_equal(c->err, "abtest: expected= gives 3 shares for 2 variants (A/B, in that order)");
    assert_int_equal(run(c, "abtest srm variant=v metric=m expected=50/x", &out), -1);
    assert_non_null(strstr(c->err, "expected=50/x: expected positive shares"));
    sink_set_format(c->out, FMT_JSON);
}

static void test_cuped_inputs(void **state)
{
    ctx *c = *state;
    make_table(c, "cu", 400, "CASE WHEN i % 2 THEN 'B' ELSE 'A' END", "((i * 7919) % 101) * 0.5 + i % 7");
    struct ab_spec spec = spec_for("cu");
    spec.covariate = "pre";
    struct ab_experiment ab;
    assert_int_equal(abtest_from_table(c, &spec, &ab), 0);
    const struct ab_comparison *cmp = &ab.segments[0].cmp[0];
    assert_string_equal(cmp->cuped_note, "");
    assert_true(cmp->variance_reduction > 0.5 && cmp->variance_reduction < 1);
    assert_true(cmp->theta > 0.3 && cmp->theta < 0.7);
    abtest_free(&ab);

    exec(c, "UPDATE cu SET pre = 3");
    assert_int_equal(abtest_from_table(c, &spec, &ab), 0);
    assert_string_equal(ab.segments[0].cmp[0].cuped_note, "the covariate does not vary: no adjustment");
    assert_true(isnan(ab.segments[0].cmp[0].cuped_p));
    abtest_free(&ab);

    exec(c, "UPDATE cu SET pre = NULL WHERE uid = 7");
    assert_int_equal(abtest_from_table(c, &spec, &ab), -1);
    assert_string_equal(c->err, "abtest: covariate=pre: a unit of variant B has no value; CUPED needs it for every "
                                "unit (fill it with 'impute', or leave covariate= out)");
    abtest_free(&ab);
}

static void test_counts_command(void **state)
{
    ctx *c = *state;
    const char *out;
    assert_int_equal(run(c, "abtest counts A=100/1000 B=150/1000", &out), 0);
    assert_non_null(strstr(out, "\"control\":\"A\""));
    assert_non_null(strstr(out, "\"p_value\":0.0007232327164"));
    /* a variant called control arrives through the control= option */
    assert_int_equal(run(c, "abtest counts control=10/100 treatment=15/100", &out), 0);
    assert_non_null(strstr(out, "\"prob_beat_control\":0.85328378993396"));
    assert_int_equal(run(c, "abtest counts A=10/100 B=12/100 C=30/100 control=B", &out), 0);
    assert_non_null(strstr(out, "\"df\":2"));
    static const struct {
        const char *line, *error;
    } bad[] = {
        {"abtest counts A=100/1000", "abtest counts: expected two or more NAME=CONVERSIONS/UNITS, e.g. abtest counts "
                                     "A=120/1000 B=150/1000"},
        {"abtest counts A=100/1000 B=15", "abtest counts: 'B=15': expected NAME=CONVERSIONS/UNITS, e.g. A=120/1000"},
        {"abtest counts A=100/1000 B=1500/1000", "abtest: B=1500/1000: expected CONVERSIONS/UNITS with 0 <= "
                                                 "conversions <= units and units > 0"},
        {"abtest counts A=1/10 A=2/10", "abtest: variant A is given twice"},
        {"abtest counts A=1/10 B=2/10 unit=u", "abtest counts: unit= applies to a table, not to counts"},
        {"abtest counts A=1/10 B=2/10 alpha=2", "abtest: alpha=2: expected a number between 0 and 1"},
        {"abtest counts A=1/10 B=2/10 correction=bonferroni", "abtest: correction=bonferroni: expected one of none, "
                                                              "holm, bh"},
        {"abtest t variant=v metrc=m", "abtest: unknown option 'metrc=' (did you mean 'metric='?); see 'help abtest'"},
        {"abtest t variant=v", "abtest: metric= is required: the column to compare (0/1 conversions or any number); "
                               "usage: "},
        {"abtest t metric=m extra", "abtest: 'extra' after the table: expected options (key=value); usage: "},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(run(c, bad[i].line, &out), -1);
        if (strncmp(c->err, bad[i].error, strlen(bad[i].error)) != 0)
            fail_msg("%s: got '%s', expected '%s'", bad[i].line, c->err, bad[i].error);
    }
}

static void test_samplesize_and_power_commands(void **state)
{
    ctx *c = *state;
    const char *out;
    assert_int_equal(run(c, "samplesize baseline=0.10 mde=0.01", &out), 0);
    assert_non_null(strstr(out, "\"n_per_variant\":14751"));
    assert_int_equal(run(c, "samplesize baseline=10% mde=10% relative", &out), 0);
    assert_non_null(strstr(out, "\"n_per_variant\":14751"));
    /* three groups read with Holm: planned at alpha split over the two comparisons;
     * without a correction (abtest's default) at the full alpha */
    assert_int_equal(run(c, "samplesize baseline=0.10 mde=0.01 variants=3", &out), 0);
    assert_non_null(strstr(out, "\"n_per_variant\":14751"));
    assert_int_equal(run(c, "samplesize baseline=0.10 mde=0.01 variants=3 correction=holm", &out), 0);
    char want[64];
    snprintf(want, sizeof want, "\"n_per_variant\":%lld",
             (long long)ceil(samplesize_proportions(0.01, 0.10, 0.8, 1, 0.025)));
    assert_non_null(strstr(out, want));
    assert_int_equal(run(c, "samplesize sd=20 mde=1", &out), 0);
    snprintf(want, sizeof want, "\"n_per_variant\":%lld", (long long)ceil(samplesize_normal(0.05, 0.8, 1, 0.05)));
    assert_non_null(strstr(out, want));
    assert_int_equal(run(c, "power n=14751 baseline=0.1 mde=0.01", &out), 0);
    assert_non_null(strstr(out, "\"power\":0.80"));
    assert_non_null(strstr(out, "\"min_detectable_effect\":0.0099"));
    static const struct {
        const char *line, *error;
    } bad[] = {
        {"samplesize mde=0.01", "samplesize: baseline= is required"},
        {"samplesize baseline=0.1", "samplesize: mde= is required"},
        {"samplesize baseline=1.5 mde=0.01", "samplesize: baseline=1.5: expected a rate between 0 and 1"},
        {"samplesize baseline=0.95 mde=0.1", "samplesize: baseline 0.95 with mde 0.1 gives a rate of 1.05: outside"},
        {"samplesize baseline=0.1 mde=0", "samplesize: mde=0: expected a non-zero difference"},
        {"samplesize baseline=0.1 mde=0.01 power=0.01", "samplesize: power=0.01 is not above alpha=0.05"},
        {"samplesize baseline=0.1 mde=0.01 variants=1", "samplesize: variants=1: expected 2"},
        {"samplesize sd=-1 mde=1", "samplesize: sd=-1: expected a number above 0"},
        {"samplesize sd=3 mde=0.1 relative", "samplesize: relative needs baseline="},
        {"power baseline=0.1", "power: n= is required"},
        {"power n=x baseline=0.1", "power: option n=x: expected a whole number"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(run(c, bad[i].line, &out), -1);
        if (strncmp(c->err, bad[i].error, strlen(bad[i].error)) != 0)
            fail_msg("%s: got '%s', expected '%s'", bad[i].line, c->err, bad[i].error);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_units_once_first_exposure, open_workspace, close_workspace),
        cmocka_unit_test_setup_teardown(test_kind_and_control, open_workspace, close_workspace),
        cmocka_unit_test_setup_teardown(test_not_enough_data, open_workspace, close_workspace),
        cmocka_unit_test_setup_teardown(test_segments_and_correction, open_workspace, close_workspace),
        cmocka_unit_test_setup_teardown(test_sample_ratio, open_workspace, close_workspace),
        cmocka_unit_test_setup_teardown(test_cuped_inputs, open_workspace, close_workspace),
        cmocka_unit_test_setup_teardown(test_counts_command, open_workspace, close_workspace),
        cmocka_unit_test_setup_teardown(test_samplesize_and_power_commands, open_workspace, close_workspace),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
