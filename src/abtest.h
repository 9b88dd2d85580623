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
 * The statistics themselves live in stats.c, power.c, bayes.c and cuped.c.
 *
 * abtest_from_args() is the one way a command line becomes an analysed experiment:
 * `abtest` prints what it returns, `plot ci` draws it, both from the same options. */
#ifndef PERSONA_ABTEST_H
#define PERSONA_ABTEST_H

#include <stdint.h>

#include "ctx.h"
#include "cuped.h"
#include "stats.h"

/* Fewer units than this in an arm, and a comparison is "not enough data". */
#define AB_MIN_UNITS 30

/* An expected count (conversions or non-conversions, under the pooled rate) below
 * this, and proportions are compared by Fisher's exact test, not the score test
 * (Cochran's rule). */
#define AB_MIN_EXPECTED 5

/* The p-value below which the sample ratio is flagged as a mismatch. */
#define AB_SRM_ALPHA 0.001

enum ab_kind { AB_AUTO, AB_PROPORTION, AB_MEAN };
enum ab_test { AB_TEST_DEFAULT, AB_TEST_WELCH, AB_TEST_MANNWHITNEY };

/* What to analyse and how; strings are borrowed. */
struct ab_spec {
    const char *cmd;            /* names the command in messages ("plot ci"); NULL: "abtest" */
    const char *table, *variant, *metric;   /* table mode */
    const char *control;        /* NULL: the variant named "control", else the first by name */
    const char *unit;           /* NULL: every row is a unit */
    const char *order;          /* orders a unit's exposures (first kept); NULL: row order */
    const char *covariate;      /* CUPED; NULL: none */
    const char *by;             /* segment column, or "segment" (every segment of the unit's
                                   keys) or "segment:NAME,NAME…" (those); NULL: one result */
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
    const char *test;           /* "score", "fisher", "welch", "mannwhitney" */
    double statistic, df;       /* z, t, U; df for t only (NaN otherwise) */
    const char *variance;       /* the variance the test uses, in words */
    double rank_biserial;       /* Mann–Whitney: 2U/(n1 n2) − 1, P(X > Y) − P(X < Y); NaN otherwise */
    double diff;
    struct interval diff_ci;
    double rel_lift;
    struct interval rel_ci;
    enum ratio_method rel_method;
    char rel_note[120];         /* why the relative interval is undefined */
    double p_value, p_adjusted; /* p_adjusted NaN without a correction */
    double ci_level;            /* of diff_ci and rel_ci: 1 − alpha, or with a correction the
                                   level at which they agree with the adjusted p */
    int significant;
    double prob_beat_control, expected_loss;
    int bayes_normal;           /* 1: those two by the normal approximation (bayes.h) */
    int fisher;                 /* 1: an expected count below AB_MIN_EXPECTED: Fisher's test */
    char small_note[160];
    /* CUPED, with a covariate */
    char cuped_note[120];       /* "" when computed */
    double theta, cuped_diff, cuped_p, variance_reduction;
    double cuped_t, cuped_df;   /* Welch's t and df on the adjusted metric */
    struct interval cuped_ci;
};

/* The chi-square test of all variants of a segment at once (proportions). */
struct ab_omnibus {
    int computed;               /* 0: an expected count was 0 */
    struct test_result plain;
    int has_yates;              /* 2×2 only */
    struct test_result yates;
    double min_expected;        /* below AB_MIN_EXPECTED the chi-square approximation fails */
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
    /* by=segment: segments are named segments (a unit counts in each of its segments);
       no_segment units were in none of them and are left out */
    int by_segments;
    int64_t no_segment;
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

struct strbuf;

/* Appends the sample-ratio warning of ab (flagged by srm_flag) to b: "sample ratio
 * mismatch: control 9995, treatment 7988 units against an expected 50%/50% (…):
 * …cannot be trusted". */
void abtest_srm_warning(const struct ab_experiment *ab, struct strbuf *b);

/* ---- from a command line: abtest and plot ci ---- */

struct cmd_args;

/* The options that say what to analyse, as entries of a command's option table;
 * WHO starts each help text ("" for abtest, "ci: " for plot).  abtest puts
 * covariate= between the two halves. */
#define AB_OPTIONS_DESIGN(WHO)                                                                                        \
    {"variant", NULL, WHO "the column naming each row's variant"},                                                    \
    {"metric", NULL, WHO "the column to compare: 0/1 conversions, or any number"},                                    \
    {"control", NULL, WHO "the control variant; default: the one called 'control', else the first by name"},         \
    {"kind", "auto", WHO "auto (a 0/1 metric is a proportion), proportion or mean"},                                  \
    {"alpha", "0.05", WHO "significance level; intervals are at 1 - alpha"},                                          \
    {"unit", NULL,                                                                                                    \
     WHO "one row per unit of this column: its first exposure counts, units in two variants are left out"},           \
    {"order", NULL,                                                                                                   \
     WHO "the column (a timestamp) that says which of a unit's exposures is first; default: row order"},              \
    {"expected", NULL, WHO "expected split for the sample-ratio check, control first: 50/50, 1/1/2; default: equal"}
#define AB_OPTIONS_ANALYSIS(WHO)                                                                                      \
    {"by", NULL, WHO "a column to segment by (one result per value), or segment / segment:NAME,NAME: one "         \
                     "result per saved segment of the units' keys"},                                                 \
    {"correction", "none", WHO "adjust p-values over all comparisons (variants x segments): none, holm or bh"},       \
    {"test", "welch", WHO "for means: welch (t-test) or mannwhitney (rank test)"}

/* correction= by enum p_adjust: "none", "holm", "bh". */
extern const char *const abtest_correction_names[];

/* A command line's experiment: the spec and the shares its expected= points to (so
 * the struct is not to be copied). */
enum { AB_MAX_SHARES = 100 };
struct ab_request {
    struct ab_spec spec;
    double shares[AB_MAX_SHARES];
};

/* A real option value within (lo, hi), both open, into *out; -1 with c->err set
 * ("CMD: alpha=5: expected a number between 0 and 1").  samplesize and power read
 * theirs with it too. */
int abtest_opt_real(ctx *c, const struct cmd_args *a, const char *cmd, const char *key, double lo, double hi,
                    double *out);

/* Reads the options of AB_OPTIONS_DESIGN, AB_OPTIONS_ANALYSIS and covariate= (when the
 * command has it) into r->spec, with cmd naming the command in messages; the table
 * is left NULL.  Strings point into a.  Returns 0 or -1 with c->err set. */
int abtest_read_options(ctx *c, const struct cmd_args *a, const char *cmd, struct ab_request *r);

/* Reads the options (abtest_read_options()), checks that variant= and metric= are
 * given (else an error ending in "usage: USAGE"), and reads and analyses table's
 * experiment (abtest_from_table()); rows left out of it are passed to ctx_note().
 * Returns 0 or -1 with c->err set; free *ab with abtest_free() either way. */
int abtest_from_args(ctx *c, const struct cmd_args *a, const char *cmd, const char *usage, const char *table,
                     struct ab_request *r, struct ab_experiment *ab);

#endif
