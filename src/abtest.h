/* abtest.h — an experiment read from a table (or from counts) and analysed.
 *
 * abtest_from_table() streams one row per exposure out of the workspace: it keeps
 * the first exposure of each unit (unit=), drops units seen in more than one
 * variant, and sums each variant of each segment (by=) into moments, so memory is
 * one small record per variant and segment (plus the values themselves for the
 * Mann–Whitney test).  abtest_from_counts() starts from conversions and units per
 * variant.  Both then run the same analysis: the sample-ratio check, each variant
 * against control (difference, relative lift, p-value, power, Bayesian probability
 * and expected loss), the chi-square test across all variants for proportions,
 * CUPED with a covariate, and the correction of p-values over every comparison.
 * The statistics themselves live in stats.c, power.c, bayes.c and cuped.c. */
#ifndef PERSONA_ABTEST_H
#define PERSONA_ABTEST_H

#include <stdint.h>

#include "ctx.h"
#include "cuped.h"
#include "stats.h"

/* Fewer units than this in an arm, and a comparison is "not enough data". */
#define AB_MIN_UNITS 30

/* The p-value below which the sample ratio is flagged as a mismatch. */
#define AB_SRM_ALPHA 0.001

enum ab_kind { AB_AUTO, AB_PROPORTION, AB_MEAN };
enum ab_test { AB_TEST_DEFAULT, AB_TEST_WELCH, AB_TEST_MANNWHITNEY };

/* What to analyse and how; strings are borrowed. */
struct ab_spec {
    const char *table, *variant, *metric;   /* table mode */
    const char *control;        /* NULL: the variant named "control", else the first by name */
    const char *unit;           /* NULL: every row is a unit */
    const char *order;          /* orders a unit's exposures (first kept); NULL: row order */
    const char *covariate;      /* CUPED; NULL: none */
    const char *by;             /* segment column; NULL: one result */
    enum ab_kind kind;
    enum ab_test test;
    double alpha;
    const double *expected;     /* sample-ratio weights, control first; NULL: equal */
    int nexpected;
    enum p_adjust correction;
};

/* One variant within one segment. */
struct ab_arm {
    int64_t conversions;        /* proportion metrics: units with 1 */
    struct moments y;           /* the metric (y.n is the number of units) */
    struct comoments yx;        /* covariate and metric, with a covariate */
    double *values;             /* the metric's values, for Mann–Whitney */
    size_t nvalues, cap;
    struct interval ci;         /* of the rate (Wilson) or the mean (t); NaN: undefined */
};

/* One variant against control within one segment. */
struct ab_comparison {
    int variant;                /* index into ab_experiment.variants, never 0 */
    char note[200];             /* "" when computed; else why not ("not enough data: …") */
    const char *test;           /* "ztest", "welch", "mannwhitney" */
    double diff;
    struct interval diff_ci;
    double rel_lift;
    struct interval rel_ci;
    enum ratio_method rel_method;
    char rel_note[120];         /* why the relative interval is undefined */
    double p_value, p_adjusted; /* p_adjusted NaN without a correction */
    int significant;
    double power;               /* NaN where not defined (Mann–Whitney) */
    double prob_beat_control, expected_loss;
    /* CUPED, with a covariate */
    char cuped_note[120];       /* "" when computed */
    double theta, cuped_diff, cuped_p, variance_reduction;
    struct interval cuped_ci;
};

/* The chi-square test of all variants of a segment at once (proportions). */
struct ab_omnibus {
    int computed;               /* 0: an expected count was 0 */
    struct test_result plain;
    int has_yates;              /* 2×2 only */
    struct test_result yates;
};

struct ab_segment {
    char *name;                 /* NULL: no by=, or the rows without a value */
    struct ab_arm *arms;        /* [nvariants], control first */
    struct ab_comparison *cmp;  /* [nvariants − 1]: variants 1.. against 0 */
    struct ab_omnibus omnibus;
};

struct ab_experiment {
    enum ab_kind kind;          /* resolved: AB_PROPORTION or AB_MEAN */
    enum ab_test test;          /* resolved for means */
    int nvariants;
    char **variants;            /* control first, then by name */
    int nsegments;
    struct ab_segment *segments;
    /* the rows and units read (table mode) */
    int64_t rows, units, no_variant, no_unit, no_metric, duplicate_rows, mixed_units;
    /* sample ratio, over all units */
    int srm_computed;
    struct test_result srm;
    int srm_flag;
    double *expected_share;     /* [nvariants] */
    int64_t *variant_units;     /* [nvariants] over all segments */
};

/* Reads and analyses an experiment from spec->table.  Returns 0, or -1 with c->err
 * set ("abtest: metric=x: no column 'x' in t (did you mean 'y'?)").  Free *ab with
 * abtest_free() either way. */
int abtest_from_table(ctx *c, const struct ab_spec *spec, struct ab_experiment *ab);

/* Analyses n variants given as conversions of units (a proportion metric).  Returns
 * 0 or -1 with c->err set; free *ab with abtest_free() either way. */
int abtest_from_counts(ctx *c, int n, char *const *names, const int64_t *conversions,
                       const int64_t *units, const struct ab_spec *spec, struct ab_experiment *ab);

void abtest_free(struct ab_experiment *ab);

#endif
