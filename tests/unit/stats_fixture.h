/* stats_fixture.h — reading the reference fixtures of tests/fixtures/stats (CSV
 * written by make_fixtures.py from SciPy, statsmodels and mpmath) and comparing
 * numbers against them with a relative tolerance, keeping the worst error seen.
 * Header-only: each test file includes it once, after cmocka.h. */
#ifndef PERSONA_TEST_STATS_FIXTURE_H
#define PERSONA_TEST_STATS_FIXTURE_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define STATS_FIXTURES "tests/fixtures/stats"

/* A CSV fixture: a header and rows of fields (no quoting: lists use ';'). */
struct csv_fixture {
    char *text;
    int ncols, nrows;
    char **header;      /* [ncols] */
    char **cells;       /* [nrows × ncols] */
};

/* Loads tests/fixtures/stats/NAME; '#' lines are comments.  Fails the test on a
 * missing or ragged file. */
static inline void csv_fixture_load(const char *name, struct csv_fixture *f)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", STATS_FIXTURES, name);
    FILE *fp = fopen(path, "rb");
    if (!fp)
        fail_msg("cannot open %s (run the tests from the repository root)", path);
    fseek(fp, 0, SEEK_END);
    long size = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    f->text = malloc((size_t)size + 1);
    assert_int_equal(fread(f->text, 1, (size_t)size, fp), (size_t)size);
    f->text[size] = '\0';
    fclose(fp);
    int cap = 64, n = 0;
    char **fields = malloc((size_t)cap * sizeof *fields);
    int line_fields = 0, lines = 0;
    f->ncols = 0;
    for (char *line = strtok(f->text, "\n"); line; line = strtok(NULL, "\n")) {
        if (line[0] == '#')
            continue;
        line_fields = 0;
        for (char *p = line;; p++) {
            char *comma = strchr(p, ',');
            if (n == cap)
                fields = realloc(fields, (size_t)(cap *= 2) * sizeof *fields);
            fields[n++] = p;
            line_fields++;
            if (!comma)
                break;
            *comma = '\0';
            p = comma;
        }
        if (lines == 0)
            f->ncols = line_fields;
        else if (line_fields != f->ncols)
            fail_msg("%s: line %d has %d fields, expected %d", name, lines + 1, line_fields, f->ncols);
        lines++;
    }
    f->nrows = lines - 1;
    f->header = fields;
    f->cells = fields + f->ncols;
}

static inline void csv_fixture_free(struct csv_fixture *f)
{
    free(f->header);
    free(f->text);
}

static inline const char *fx_text(const struct csv_fixture *f, int row, const char *col)
{
    for (int j = 0; j < f->ncols; j++)
        if (strcmp(f->header[j], col) == 0)
            return f->cells[row * f->ncols + j];
    fail_msg("fixture has no column %s", col);
    return NULL;
}

static inline double fx_num(const struct csv_fixture *f, int row, const char *col)
{
    const char *t = fx_text(f, row, col);
    return strcmp(t, "nan") == 0 ? NAN : strtod(t, NULL);
}

static inline long long fx_int(const struct csv_fixture *f, int row, const char *col)
{
    return strtoll(fx_text(f, row, col), NULL, 10);
}

/* A ';'-separated list of numbers into out (at most max); returns the count. */
static inline int fx_list(const struct csv_fixture *f, int row, const char *col, double *out, int max)
{
    const char *p = fx_text(f, row, col);
    int n = 0;
    while (*p && n < max) {
        char *end;
        out[n++] = strtod(p, &end);
        p = *end == ';' ? end + 1 : end;
        if (end == p && *p != ';')
            break;
    }
    return n;
}

/* The worst relative error seen by one group of checks. */
struct accuracy {
    const char *what;
    double worst;
    int checks;
};

/* Checks |actual − expected| <= tol · max(|expected|, scale) (scale: the size of the
 * quantity, for values that cancel to near 0, e.g. an interval's half width). */
static inline void check_close(struct accuracy *acc, double actual, double expected, double scale, double tol,
                               const char *label)
{
    acc->checks++;
    if (isnan(expected)) {
        if (!isnan(actual))
            fail_msg("%s %s: expected NaN, got %.17g", acc->what, label, actual);
        return;
    }
    double size = fmax(fabs(expected), scale);
    double err = size > 0 ? fabs(actual - expected) / size : fabs(actual);
    if (!(err <= tol))
        fail_msg("%s %s: got %.17g, expected %.17g (relative error %.3g > %.1g)", acc->what, label, actual,
                 expected, err, tol);
    if (err > acc->worst)
        acc->worst = err;
}

static inline void accuracy_report(const struct accuracy *acc)
{
    printf("# %-28s %4d checks, worst relative error %.2e\n", acc->what, acc->checks, acc->worst);
}

#endif
