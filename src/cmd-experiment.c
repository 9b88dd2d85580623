/* cmd-experiment.c — the experiments family: `abtest`, `samplesize`, `power`.
 *
 * Options in, abtest.c or power.c run, results out as blocks; abtest's options are
 * read by abtest_from_args(), which `plot ci` calls too.  A number that is not
 * defined (a variance of zero, a ratio whose denominator may be 0) is a NULL cell
 * with a note saying why, never a NaN.  In JSON an interval is a [low, high] pair;
 * the flat formats (table, CSV, TSV) give it two columns, NAME_low and NAME_high. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abtest.h"
#include "bayes.h"
#include "cmd.h"
#include "power.h"
#include "similar.h"
#include "sink.h"
#include "strbuf.h"

enum { MAX_COLS = 24 };

/* ---- option values ---- */

/* "3/120" → conversions and units; 0 when the text has that shape. */
static int parse_count(const char *text, int64_t *conversions, int64_t *units)
{
    char *end;
    long long x = strtoll(text, &end, 10);
    if (end == text || *end != '/')
        return -1;
    const char *u = end + 1;
    long long n = strtoll(u, &end, 10);
    if (end == u || *end)
        return -1;
    *conversions = x;
    *units = n;
    return 0;
}

/* ---- result blocks ---- */

/* A column of a block of rows: one value, or an interval taking two cells. */
struct col {
    const char *name;
    int interval;
};

struct rows {
    ctx *c;
    const struct col *cols;
    int ncols;
    int json;
};

static void rows_begin(struct rows *r, ctx *c, const char *block, const struct col *cols, int ncols)
{
    *r = (struct rows){.c = c, .cols = cols, .ncols = ncols, .json = sink_format(c->out) == FMT_JSON};
    if (r->json) {
        sink_list_begin(c->out, block);
        return;
    }
    char names[2 * MAX_COLS][48];
    const char *flat[2 * MAX_COLS];
    int n = 0;
    for (int i = 0; i < ncols; i++) {
        if (cols[i].interval) {
            snprintf(names[n], sizeof names[n], "%s_low", cols[i].name);
            flat[n] = names[n];
            n++;
            snprintf(names[n], sizeof names[n], "%s_high", cols[i].name);
        } else {
            snprintf(names[n], sizeof names[n], "%s", cols[i].name);
        }
        flat[n] = names[n];
        n++;
    }
    sink_table_begin(c->out, block, n, flat);
}

/* cells: one per column, two for an interval column. */
static void rows_add(struct rows *r, const struct cell *cells)
{
    if (!r->json) {
        sink_table_row(r->c->out, cells);
        return;
    }
    sink_record_begin(r->c->out, NULL);
    for (int i = 0; i < r->ncols; i++) {
        if (!r->cols[i].interval) {
            sink_field(r->c->out, r->cols[i].name, *cells++);
            continue;
        }
        if (cells[0].type == CELL_NULL)
            sink_field(r->c->out, r->cols[i].name, cell_null());
        else
            sink_field_list(r->c->out, r->cols[i].name, 2, cells);
        cells += 2;
    }
    sink_record_end(r->c->out);
}

static void rows_end(struct rows *r)
{
    if (r->json)
        sink_list_end(r->c->out);
    else
        sink_table_end(r->c->out);
}

/* A real cell, NULL for what is not a number. */
static struct cell num(double d) { return isfinite(d) ? cell_real(d) : cell_null(); }

/* ---- abtest ---- */

static const struct cmd_option abtest_options[] = {
    AB_OPTIONS_DESIGN(""),
    {"covariate", NULL, "pre-period metric for CUPED variance reduction"},
    AB_OPTIONS_ANALYSIS(""),
    {NULL},
};

static void write_warning(ctx *c, const struct ab_experiment *ab)
{
    struct strbuf b = {0};
    strbuf_puts(&b, "warning: ");
    abtest_srm_warning(ab, &b);
    sink_text(c->out, "warning", strbuf_str(&b));
    ctx_note(c, "abtest: %s", strbuf_str(&b) + strlen("warning: "));
    strbuf_free(&b);
}

static void write_experiment(ctx *c, const struct ab_spec *spec, const struct ab_experiment *ab, int counts)
{
    sink_record_begin(c->out, "experiment");
    if (!counts) {
        sink_field(c->out, "table", cell_text(spec->table));
        sink_field(c->out, "metric", cell_text(spec->metric));
    }
    sink_field(c->out, "kind", cell_text(ab->kind == AB_PROPORTION ? "proportion" : "mean"));
    sink_field(c->out, "control", cell_text(ab->variants[0]));
    sink_field(c->out, "alpha", cell_real(spec->alpha));
    sink_field(c->out, "correction", cell_text(abtest_correction_names[spec->correction]));
    sink_field(c->out, "units", cell_int(ab->units));
    if (!counts) {
        sink_field(c->out, "rows", cell_int(ab->rows));
        sink_field(c->out, "unit", cell_text(spec->unit));
        sink_field(c->out, "duplicate_rows", cell_int(ab->duplicate_rows));
        sink_field(c->out, "mixed_units", cell_int(ab->mixed_units));
        sink_field(c->out, "rows_without_variant", cell_int(ab->no_variant));
        sink_field(c->out, "rows_without_unit", cell_int(ab->no_unit));
        sink_field(c->out, "rows_without_metric", cell_int(ab->no_metric));
        sink_field(c->out, "covariate", cell_text(spec->covariate));
        sink_field(c->out, "by", cell_text(spec->by));
        if (ab->by_segments)
            sink_field(c->out, "units_without_segment", cell_int(ab->no_segment));
    }
    sink_record_end(c->out);
}

static void write_srm(ctx *c, const struct ab_experiment *ab)
{
    int nv = ab->nvariants;
    struct cell *names = xcalloc((size_t)nv, sizeof *names), *units = xcalloc((size_t)nv, sizeof *units),
                *shares = xcalloc((size_t)nv, sizeof *shares);
    for (int v = 0; v < nv; v++) {
        names[v] = cell_text(ab->variants[v]);
        units[v] = cell_int(ab->variant_units[v]);
        shares[v] = cell_real(ab->expected_share[v]);
    }
    sink_record_begin(c->out, "srm");
    sink_field(c->out, "test", cell_text("chi-square goodness of fit"));
    sink_field(c->out, "statistic", ab->srm_computed ? num(ab->srm.statistic) : cell_null());
    sink_field(c->out, "df", ab->srm_computed ? cell_int((int64_t)ab->srm.df) : cell_null());
    sink_field(c->out, "p_value", ab->srm_computed ? num(ab->srm.p_value) : cell_null());
    sink_field(c->out, "flag", cell_bool(ab->srm_flag));
    sink_field_list(c->out, "variants", nv, names);
    sink_field_list(c->out, "units", nv, units);
    sink_field_list(c->out, "expected_share", nv, shares);
    sink_record_end(c->out);
    free(names);
    free(units);
    free(shares);
}

static void write_variants(ctx *c, const struct ab_experiment *ab, int by)
{
    int prop = ab->kind == AB_PROPORTION;
    struct col cols[] = {{"segment", 0}, {"name", 0}, {"n", 0}, {prop ? "conversions" : "mean", 0},
                         {prop ? "rate" : "sd", 0}, {"ci", 1}};
    int skip = !by;
    struct rows r;
    rows_begin(&r, c, "variants", cols + skip, 6 - skip);
    for (int s = 0; s < ab->nsegments; s++) {
        const struct ab_segment *seg = &ab->segments[s];
        for (int v = 0; v < ab->nvariants; v++) {
            const struct ab_arm *arm = &seg->arms[v];
            double n = (double)arm->y.n;
            struct cell row[] = {
                cell_text(seg->name),
                cell_text(ab->variants[v]),
                cell_int(arm->y.n),
                prop ? cell_int(arm->conversions) : num(moments_mean(&arm->y)),
                prop ? num(n > 0 ? (double)arm->conversions / n : NAN) : num(sqrt(moments_var(&arm->y))),
                num(arm->ci.lo),
                num(arm->ci.hi),
            };
            rows_add(&r, row + skip);
        }
    }
    rows_end(&r);
}

/* What to say about a comparison beyond its numbers: why it has none, or why its
 * relative interval is missing. */
static const char *comparison_note(const struct ab_comparison *cmp, char *buf, size_t size)
{
    if (cmp->note[0])
        return cmp->note;
    buf[0] = '\0';
    if (cmp->rel_method == RATIO_UNDEFINED && cmp->rel_note[0])
        snprintf(buf, size, "relative interval undefined: %s", cmp->rel_note);
    if (cmp->fisher)
        snprintf(buf + strlen(buf), size - strlen(buf), "%s%s", buf[0] ? "; " : "", cmp->small_note);
    if (cmp->bayes_normal)
        snprintf(buf + strlen(buf), size - strlen(buf), "%sprob_beat_control and expected_loss by the normal "
                 "approximation (over %d units: the exact sum would take seconds and lose digits)",
                 buf[0] ? "; " : "", BETA_EXACT_TERMS);
    return buf[0] ? buf : NULL;
}

static void write_comparisons(ctx *c, const struct ab_experiment *ab, int by)
{
    static const struct col cols[] = {
        {"segment", 0}, {"variant", 0}, {"control", 0}, {"diff", 0}, {"diff_ci", 1}, {"rel_lift", 0},
        {"rel_ci", 1}, {"rel_ci_method", 0}, {"ci_level", 0}, {"p_value", 0}, {"p_adjusted", 0}, {"test", 0}, {"statistic", 0},
        {"df", 0}, {"variance", 0}, {"rank_biserial", 0}, {"significant", 0}, {"prob_beat_control", 0}, {"expected_loss", 0}, {"note", 0},
    };
    int ncols = sizeof cols / sizeof cols[0], skip = !by;
    struct rows r;
    rows_begin(&r, c, "comparisons", cols + skip, ncols - skip);
    for (int s = 0; s < ab->nsegments; s++) {
        const struct ab_segment *seg = &ab->segments[s];
        for (int v = 1; v < ab->nvariants; v++) {
            const struct ab_comparison *cmp = &seg->cmp[v - 1];
            int done = cmp->note[0] == '\0';
            char note[256];
            struct cell row[] = {
                cell_text(seg->name),
                cell_text(ab->variants[v]),
                cell_text(ab->variants[0]),
                num(cmp->diff),
                num(cmp->diff_ci.lo),
                num(cmp->diff_ci.hi),
                num(cmp->rel_lift),
                num(cmp->rel_ci.lo - 1.0),
                num(cmp->rel_ci.hi - 1.0),
                done ? cell_text(ratio_method_name(cmp->rel_method)) : cell_null(),
                done ? num(cmp->ci_level) : cell_null(),
                num(cmp->p_value),
                num(cmp->p_adjusted),
                cell_text(cmp->test),
                num(cmp->statistic),
                num(cmp->df),
                cell_text(cmp->variance),
                num(cmp->rank_biserial),
                done ? cell_bool(cmp->significant) : cell_null(),
                num(cmp->prob_beat_control),
                num(cmp->expected_loss),
                cell_text(comparison_note(cmp, note, sizeof note)),
            };
            rows_add(&r, row + skip);
        }
    }
    rows_end(&r);
}

/* The chi-square test across all variants, per segment (proportions). */
static void write_omnibus(ctx *c, const struct ab_experiment *ab, int by)
{
    static const struct col cols[] = {
        {"segment", 0}, {"test", 0}, {"statistic", 0}, {"df", 0}, {"p_value", 0},
        {"statistic_yates", 0}, {"p_value_yates", 0}, {"note", 0},
    };
    int ncols = sizeof cols / sizeof cols[0], skip = !by;
    struct rows r;
    rows_begin(&r, c, "chi2", cols + skip, ncols - skip);
    for (int s = 0; s < ab->nsegments; s++) {
        const struct ab_omnibus *o = &ab->segments[s].omnibus;
        struct cell row[] = {
            cell_text(ab->segments[s].name),
            cell_text("chi-square independence"),
            o->computed ? num(o->plain.statistic) : cell_null(),
            o->computed ? cell_int((int64_t)o->plain.df) : cell_null(),
            o->computed ? num(o->plain.p_value) : cell_null(),
            o->has_yates ? num(o->yates.statistic) : cell_null(),
            o->has_yates ? num(o->yates.p_value) : cell_null(),
            !o->computed ? cell_text("not enough data: no conversions, or every unit converted")
            : o->min_expected < AB_MIN_EXPECTED
                ? cell_text("an expected count below 5: the chi-square approximation is unreliable here")
                : cell_null(),
        };
        rows_add(&r, row + skip);
    }
    rows_end(&r);
}

static void write_cuped(ctx *c, const struct ab_experiment *ab, int by)
{
    static const struct col cols[] = {
        {"segment", 0}, {"variant", 0}, {"control", 0}, {"theta", 0}, {"diff", 0}, {"diff_ci", 1},
        {"p_value", 0}, {"statistic", 0}, {"df", 0}, {"variance_reduction", 0}, {"note", 0},
    };
    int ncols = sizeof cols / sizeof cols[0], skip = !by;
    struct rows r;
    rows_begin(&r, c, "cuped", cols + skip, ncols - skip);
    for (int s = 0; s < ab->nsegments; s++) {
        const struct ab_segment *seg = &ab->segments[s];
        for (int v = 1; v < ab->nvariants; v++) {
            const struct ab_comparison *cmp = &seg->cmp[v - 1];
            struct cell row[] = {
                cell_text(seg->name),
                cell_text(ab->variants[v]),
                cell_text(ab->variants[0]),
                num(cmp->theta),
                num(cmp->cuped_diff),
                num(cmp->cuped_ci.lo),
                num(cmp->cuped_ci.hi),
                num(cmp->cuped_p),
                num(cmp->cuped_t),
                num(cmp->cuped_df),
                num(cmp->variance_reduction),
                cell_text(cmp->note[0] ? cmp->note : cmp->cuped_note[0] ? cmp->cuped_note : NULL),
            };
            rows_add(&r, row + skip);
        }
    }
    rows_end(&r);
}

static void write_experiment_result(ctx *c, const struct ab_spec *spec, const struct ab_experiment *ab, int counts)
{
    if (ab->srm_flag)
        write_warning(c, ab);
    write_experiment(c, spec, ab, counts);
    write_srm(c, ab);
    write_variants(c, ab, spec->by != NULL);
    write_comparisons(c, ab, spec->by != NULL);
    if (ab->kind == AB_PROPORTION)
        write_omnibus(c, ab, spec->by != NULL);
    if (spec->covariate)
        write_cuped(c, ab, spec->by != NULL);
    int sig = 0, total = 0;
    for (int s = 0; s < ab->nsegments; s++)
        for (int v = 1; v < ab->nvariants; v++)
            if (!ab->segments[s].cmp[v - 1].note[0])
                total++, sig += ab->segments[s].cmp[v - 1].significant;
    cmd_set_summary(c, "%s: %d variants, %lld units, %d of %d comparisons significant%s",
                    counts ? "counts" : spec->table, ab->nvariants, (long long)ab->units, sig, total,
                    ab->srm_flag ? "; sample ratio mismatch" : "");
}

/* A key=value word given where only options go: name the option it is closest to. */
static int stray_pair(ctx *c, const char *word)
{
    const char *eq = strchr(word, '=');
    char key[64];
    snprintf(key, sizeof key, "%.*s", (int)(eq - word) < 63 ? (int)(eq - word) : 63, word);
    const char *keys[sizeof abtest_options / sizeof abtest_options[0]];
    size_t n = 0;
    for (const struct cmd_option *o = abtest_options; o->key; o++)
        keys[n++] = o->key;
    const char *near = closest_name(key, keys, n);
    if (near)
        return ctx_error(c, "abtest: unknown option '%s=' (did you mean '%s='?); see 'help abtest'", key, near);
    return ctx_error(c, "abtest: unknown option '%s='; see 'help abtest'", key);
}

/* abtest counts A=CONV/N B=CONV/N …: a variant called control arrives as the
 * control= option with a count for its value. */
static int abtest_counts(ctx *c, const struct cmd_args *a, struct ab_spec *spec)
{
    static const char *const table_only[] = {"variant", "metric", "kind", "unit", "order", "covariate", "by", "test"};
    for (size_t i = 0; i < sizeof table_only / sizeof table_only[0]; i++)
        if (cmd_opt_given(a, table_only[i]))
            return ctx_error(c, "abtest counts: %s= applies to a table, not to counts", table_only[i]);
    int n = 0;
    char **names = xcalloc((size_t)a->argc + 1, sizeof *names);
    int64_t *conv = xcalloc((size_t)a->argc + 1, sizeof *conv), *units = xcalloc((size_t)a->argc + 1, sizeof *units);
    int rc = 0;
    if (spec->control && parse_count(spec->control, &conv[n], &units[n]) == 0) {
        names[n++] = xstrdup("control");
        spec->control = NULL;
    }
    for (int i = 1; i < a->argc && rc == 0; i++) {
        const char *eq = strchr(a->argv[i], '=');
        if (!eq || eq == a->argv[i] || parse_count(eq + 1, &conv[n], &units[n])) {
            rc = ctx_error(c, "abtest counts: '%s': expected NAME=CONVERSIONS/UNITS, e.g. A=120/1000", a->argv[i]);
            break;
        }
        names[n] = xstrdup(a->argv[i]);
        names[n][eq - a->argv[i]] = '\0';
        n++;
    }
    if (rc == 0 && n < 2)
        rc = ctx_error(c, "abtest counts: expected two or more NAME=CONVERSIONS/UNITS, e.g. "
                          "abtest counts A=120/1000 B=150/1000");
    struct ab_experiment ab;
    if (rc == 0) {
        rc = abtest_from_counts(c, n, names, conv, units, spec, &ab);
        if (rc == 0)
            write_experiment_result(c, spec, &ab, 1);
        abtest_free(&ab);
    }
    for (int i = 0; i < n; i++)
        free(names[i]);
    free(names);
    free(conv);
    free(units);
    return rc;
}

static int abtest_exec(ctx *c, const struct cmd_args *a)
{
    struct ab_request r;
    if (strcmp(a->argv[0], "counts") == 0 && !cmd_opt(a, "variant") && !cmd_opt(a, "metric"))
        return abtest_read_options(c, a, "abtest", &r) ? -1 : abtest_counts(c, a, &r.spec);
    for (int i = 1; i < a->argc; i++)
        if (strchr(a->argv[i], '='))
            return stray_pair(c, a->argv[i]);
    if (a->argc > 1)
        return ctx_error(c, "abtest: '%s' after the table: expected options (key=value); usage: %s", a->argv[1],
                         a->entry->usage);
    struct ab_experiment ab;
    int rc = abtest_from_args(c, a, "abtest", a->entry->usage, a->argv[0], &r, &ab);
    if (rc == 0)
        write_experiment_result(c, &r.spec, &ab, 0);
    abtest_free(&ab);
    return rc;
}

const struct cmd_entry cmd_abtest_entry = {
    .name = "abtest",
    .usage = "abtest TABLE variant=COL metric=COL [control=VALUE] [kind=auto|proportion|mean] [alpha=0.05] "
             "[unit=COL] [order=COL] [expected=50/50] [covariate=COL] [by=COL] [correction=none|holm|bh] "
             "[test=welch|mannwhitney] | abtest counts NAME=CONVERSIONS/UNITS … [control=NAME]",
    .summary = "read an A/B test: sample-ratio check, each variant against control with intervals, p-value "
               "and Bayesian probability (no post-hoc power, a function of the p-value: plan with samplesize)",
    .example = "abtest experiment variant=variant metric=converted unit=user_id covariate=pre_revenue",
    .min_args = 1,
    .max_args = -1,
    .options = abtest_options,
    .flags = CMD_PAIRS | CMD_RECORDED,
    .exec = abtest_exec,
};

/* ---- samplesize and power ---- */

/* What samplesize and power share: the test, its level, the split. */
struct design {
    int means;              /* sd= given */
    double baseline;        /* control rate, or control mean (NaN: not given, means only) */
    double sd, alpha, comparison_alpha, ratio, power;
    int64_t variants;
    int correction;         /* index into abtest_correction_names */
};

static int read_design(ctx *c, const struct cmd_args *a, struct design *d)
{
    const char *cmd = a->entry->name;
    d->means = cmd_opt_given(a, "sd");
    d->baseline = NAN;
    if (abtest_opt_real(c, a, cmd, "alpha", 0, 1, &d->alpha) ||
        abtest_opt_real(c, a, cmd, "power", 0, 1, &d->power) ||
        abtest_opt_real(c, a, cmd, "ratio", 0, INFINITY, &d->ratio) || cmd_opt_int(c, a, "variants", &d->variants))
        return -1;
    if (d->variants < 2 || d->variants > 100)
        return ctx_error(c, "%s: variants=%lld: expected 2 (control and one variant) up to 100", cmd,
                         (long long)d->variants);
    if (d->means) {
        if (abtest_opt_real(c, a, cmd, "sd", 0, INFINITY, &d->sd))
            return -1;
        if (cmd_opt_given(a, "baseline") &&
            abtest_opt_real(c, a, cmd, "baseline", -INFINITY, INFINITY, &d->baseline))
            return -1;
    } else {
        if (!cmd_opt_given(a, "baseline"))
            return ctx_error(c, "%s: baseline= is required: the control's conversion rate (0.1 or 10%%), "
                                "or sd= for a mean; usage: %s", cmd, a->entry->usage);
        const char *v = cmd_opt(a, "baseline");
        char *end;
        double x = strtod(v, &end);
        if (end != v && strcmp(end, "%") == 0)
            x /= 100, end++;
        if (end == v || *end || !(x > 0 && x < 1))
            return ctx_error(c, "%s: baseline=%s: expected a rate between 0 and 1 (0.1 or 10%%)", cmd, v);
        d->baseline = x;
    }
    if (d->power <= d->alpha)
        return ctx_error(c, "%s: power=%g is not above alpha=%g: any test has that much power", cmd, d->power,
                         d->alpha);
    /* as abtest reads the result: no correction by default, as abtest; with holm or
     * bh, the plan is for the strictest step, Bonferroni's alpha / comparisons */
    const char *corr = cmd_opt(a, "correction");
    d->correction = -1;
    for (int i = 0; abtest_correction_names[i]; i++)
        if (strcmp(corr, abtest_correction_names[i]) == 0)
            d->correction = i;
    if (d->correction < 0)
        return ctx_error(c, "%s: correction=%s: expected none, holm or bh (as abtest)", cmd, corr);
    d->comparison_alpha = d->correction == 0 ? d->alpha : d->alpha / (double)(d->variants - 1);
    return 0;
}

/* mde= as an absolute difference (relative: a share of the baseline). */
static int read_mde(ctx *c, const struct cmd_args *a, const struct design *d, double *mde)
{
    const char *cmd = a->entry->name;
    const char *v = cmd_opt(a, "mde");
    char *end;
    double x = strtod(v, &end);
    int percent = end != v && strcmp(end, "%") == 0;
    if (percent)
        x /= 100, end++;
    if (end == v || *end || x == 0 || !isfinite(x))
        return ctx_error(c, "%s: mde=%s: expected a non-zero difference (0.01, 1%% or, with relative, 0.1 for +10%%)",
                         cmd, v);
    if (cmd_opt_given(a, "relative")) {
        if (isnan(d->baseline))
            return ctx_error(c, "%s: relative needs baseline=, the control mean the mde is a share of", cmd);
        x *= d->baseline;
    }
    if (!d->means && !(d->baseline + x > 0 && d->baseline + x < 1))
        return ctx_error(c, "%s: baseline %g with mde %g gives a rate of %g: outside 0 to 1", cmd, d->baseline, x,
                         d->baseline + x);
    *mde = x;
    return 0;
}

static void design_fields(ctx *c, const struct design *d)
{
    sink_field(c->out, "test", cell_text(d->means ? "two-sided z-test of means" : "two-sided two-proportion z-test"));
    sink_field(c->out, "formula",
               cell_text(d->means ? "normal approximation, n = (z(1-a/2) + z(power))^2 (1 + 1/ratio) / d^2 "
                                    "(statsmodels NormalIndPower)"
                                  : "Fleiss: pooled variance under the null, each rate's own under the "
                                    "alternative (statsmodels samplesize_proportions_2indep_onetail)"));
    sink_field(c->out, "correction", cell_text(abtest_correction_names[d->correction]));
    sink_field(c->out, "baseline", num(d->baseline));
    if (d->means)
        sink_field(c->out, "sd", cell_real(d->sd));
    sink_field(c->out, "alpha", cell_real(d->alpha));
    sink_field(c->out, "alpha_per_comparison", cell_real(d->comparison_alpha));
    sink_field(c->out, "ratio", cell_real(d->ratio));
    sink_field(c->out, "variants", cell_int(d->variants));
}

static const struct cmd_option samplesize_options[] = {
    {"baseline", NULL, "the control's conversion rate (0.1 or 10%); with sd=, the control mean (for relative)"},
    {"mde", NULL, "the smallest difference worth detecting: absolute (0.01, 1%), or a share of baseline with relative"},
    {"relative", CMD_FLAG, "mde is relative to the baseline (mde=0.1: +10%)"},
    {"alpha", "0.05", "significance level of the two-sided test"},
    {"power", "0.8", "probability of detecting the mde"},
    {"ratio", "1", "control units per variant unit"},
    {"variants", "2", "groups including control; each variant is compared with control"},
    {"correction", "none", "as abtest will read it: none, or holm|bh (planned at Bonferroni's alpha / comparisons)"},
    {"sd", NULL, "standard deviation of a mean metric (plan for a mean instead of a rate)"},
    {NULL},
};

static int samplesize_exec(ctx *c, const struct cmd_args *a)
{
    struct design d;
    double mde;
    if (read_design(c, a, &d))
        return -1;
    if (!cmd_opt_given(a, "mde"))
        return ctx_error(c, "samplesize: mde= is required: the smallest difference worth detecting; usage: %s",
                         a->entry->usage);
    if (read_mde(c, a, &d, &mde))
        return -1;
    double n = d.means ? samplesize_normal(mde / d.sd, d.power, d.ratio, d.comparison_alpha)
                       : samplesize_proportions(mde, d.baseline, d.power, d.ratio, d.comparison_alpha);
    if (!isfinite(n))
        return ctx_error(c, "samplesize: no sample size reaches power %g for this effect", d.power);
    int64_t per_variant = (int64_t)ceil(n), control = (int64_t)ceil(n * d.ratio);
    sink_record_begin(c->out, NULL);
    sink_field(c->out, "n_per_variant", cell_int(per_variant));
    sink_field(c->out, "n_control", cell_int(control));
    sink_field(c->out, "n_total", cell_int(per_variant * (d.variants - 1) + control));
    sink_field(c->out, "n_exact", cell_real(n));
    design_fields(c, &d);
    sink_field(c->out, "mde", cell_real(mde));
    if (!isnan(d.baseline) && d.baseline != 0)
        sink_field(c->out, "mde_relative", cell_real(mde / d.baseline));
    sink_field(c->out, "power", cell_real(d.power));
    sink_record_end(c->out);
    cmd_set_summary(c, "%lld units per variant", (long long)per_variant);
    return 0;
}

const struct cmd_entry cmd_samplesize_entry = {
    .name = "samplesize",
    .usage = "samplesize baseline=P mde=D [relative] [alpha=0.05] [power=0.8] [ratio=1] [variants=2] "
             "[correction=none|holm|bh] [sd=S]",
    .summary = "units per variant to detect a difference in a rate (or, with sd=, a mean) with the given power",
    .example = "samplesize baseline=0.10 mde=0.01",
    .min_args = 0,
    .max_args = 0,
    .options = samplesize_options,
    .exec = samplesize_exec,
};

static const struct cmd_option power_options[] = {
    {"n", NULL, "units per variant (control: ratio x n)"},
    {"baseline", NULL, "the control's conversion rate (0.1 or 10%); with sd=, the control mean (for relative)"},
    {"mde", NULL, "a difference to compute the power for: absolute, or a share of baseline with relative"},
    {"relative", CMD_FLAG, "mde is relative to the baseline (mde=0.1: +10%)"},
    {"alpha", "0.05", "significance level of the two-sided test"},
    {"power", "0.8", "the power at which to report the minimum detectable effect"},
    {"ratio", "1", "control units per variant unit"},
    {"variants", "2", "groups including control; each variant is compared with control"},
    {"correction", "none", "as abtest will read it: none, or holm|bh (planned at Bonferroni's alpha / comparisons)"},
    {"sd", NULL, "standard deviation of a mean metric"},
    {NULL},
};

static int power_exec(ctx *c, const struct cmd_args *a)
{
    struct design d;
    int64_t n;
    if (read_design(c, a, &d))
        return -1;
    if (!cmd_opt_given(a, "n"))
        return ctx_error(c, "power: n= is required: the units per variant; usage: %s", a->entry->usage);
    if (cmd_opt_int(c, a, "n", &n))
        return -1;
    if (n < 2)
        return ctx_error(c, "power: n=%lld: expected at least 2 units per variant", (long long)n);
    double mde = NAN, achieved = NAN;
    if (cmd_opt_given(a, "mde")) {
        if (read_mde(c, a, &d, &mde))
            return -1;
        achieved = d.means ? power_normal(fabs(mde) / d.sd, (double)n, d.ratio, d.comparison_alpha)
                           : power_proportions(mde, d.baseline, (double)n, d.ratio, d.comparison_alpha);
    }
    double detectable = d.means ? d.sd * mde_normal((double)n, d.ratio, d.comparison_alpha, d.power)
                                : mde_proportions(d.baseline, (double)n, d.ratio, d.comparison_alpha, d.power);
    sink_record_begin(c->out, NULL);
    sink_field(c->out, "n_per_variant", cell_int(n));
    sink_field(c->out, "n_control", cell_int((int64_t)ceil((double)n * d.ratio)));
    design_fields(c, &d);
    if (!isnan(mde)) {
        sink_field(c->out, "mde", cell_real(mde));
        sink_field(c->out, "power", num(achieved));
    }
    sink_field(c->out, "target_power", cell_real(d.power));
    sink_field(c->out, "min_detectable_effect", num(detectable));
    if (!isnan(d.baseline) && d.baseline != 0)
        sink_field(c->out, "min_detectable_relative", num(detectable / d.baseline));
    sink_record_end(c->out);
    if (isnan(detectable))
        ctx_note(c, "power: at n=%lld no increase of the rate is detected with power %g", (long long)n, d.power);
    if (!isnan(achieved))
        cmd_set_summary(c, "power %.3f at n=%lld", achieved, (long long)n);
    else
        cmd_set_summary(c, "mde %.4g at n=%lld", detectable, (long long)n);
    return 0;
}

const struct cmd_entry cmd_power_entry = {
    .name = "power",
    .usage = "power n=N baseline=P [mde=D] [relative] [alpha=0.05] [power=0.8] [ratio=1] [variants=2] "
             "[correction=none|holm|bh] [sd=S]",
    .summary = "the power of a test with n units per variant, and the smallest effect it detects",
    .example = "power n=5000 baseline=0.10 mde=0.01",
    .min_args = 0,
    .max_args = 0,
    .options = power_options,
    .exec = power_exec,
};
