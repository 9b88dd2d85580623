/* abtest.c — reading an experiment out of a table and analysing it (see abtest.h). */
#include "abtest.h"

#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bayes.h"
#include "cmd.h"
#include "dist.h"
#include "segment.h"
#include "similar.h"
#include "strbuf.h"
#include "workspace.h"

/* More distinct values than these, and the column is not what the user meant. */
enum { MAX_VARIANTS = 100, MAX_SEGMENTS = 10000, POLL_ROWS = 65536 };

/* Separates (and ends) the names of a unit's segments in the grouping's text. */
#define GROUP_SEP '\x1f'

/* The command the messages name. */
static const char *who(const struct ab_spec *spec) { return spec->cmd ? spec->cmd : "abtest"; }

/* ---- names to dense indices, in order of first sight ---- */

struct name_map {
    char **names;           /* [n]; NULL stands for SQL NULL */
    int n, cap;
    int *slots;             /* open addressing over non-NULL names: index + 1, 0 empty */
    size_t nslots;          /* a power of two, at least twice n */
    int null_index;         /* -1 until a NULL is seen */
};

static uint64_t hash_name(const char *s)
{
    uint64_t h = 1469598103934665603ULL;    /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

static void name_map_place(struct name_map *m, int index)
{
    size_t mask = m->nslots - 1, h = hash_name(m->names[index]) & mask;
    while (m->slots[h])
        h = (h + 1) & mask;
    m->slots[h] = index + 1;
}

static int name_map_push(struct name_map *m, char *name)
{
    if (m->n == m->cap) {
        m->cap = m->cap ? 2 * m->cap : 16;
        m->names = xrealloc(m->names, (size_t)m->cap * sizeof *m->names);
    }
    m->names[m->n] = name;
    return m->n++;
}

static int name_map_index(struct name_map *m, const char *name)
{
    if (!name) {
        if (m->null_index < 0)
            m->null_index = name_map_push(m, NULL);
        return m->null_index;
    }
    if ((size_t)(m->n + 1) * 2 > m->nslots) {
        free(m->slots);
        m->nslots = m->nslots ? 2 * m->nslots : 32;
        m->slots = xcalloc(m->nslots, sizeof *m->slots);
        for (int i = 0; i < m->n; i++)
            if (m->names[i])
                name_map_place(m, i);
    }
    size_t mask = m->nslots - 1, h = hash_name(name) & mask;
    for (; m->slots[h]; h = (h + 1) & mask)
        if (strcmp(m->names[m->slots[h] - 1], name) == 0)
            return m->slots[h] - 1;
    int i = name_map_push(m, xstrdup(name));
    m->slots[h] = i + 1;
    return i;
}

/* Frees the map but not the names, which have been handed on. */
static void name_map_release(struct name_map *m)
{
    free(m->names);
    free(m->slots);
}

/* ---- arms ---- */

static void arm_free(struct ab_arm *a) { free(a->values); }

static void arm_add(struct ab_arm *a, double y, const double *x, int keep_value)
{
    moments_add(&a->y, y);
    if (y == 1.0)
        a->conversions++;
    if (x)
        comoments_add(&a->yx, *x, y);
    if (keep_value) {
        if (a->nvalues == a->cap) {
            a->cap = a->cap ? 2 * a->cap : 64;
            a->values = xrealloc(a->values, a->cap * sizeof *a->values);
        }
        a->values[a->nvalues++] = y;
    }
}

/* What streaming the rows builds: arms[segment][variant], grown as names appear. */
struct collector {
    struct name_map variants, segments;
    struct ab_arm **arms;
    int *arms_len;
    int arms_cap;           /* segments with an arms row */
    int by_segments;        /* a row's segment is a list of segment names (GROUP_SEP after each) */
    int64_t *variant_units; /* units assigned per variant (index of variants), each once */
    int variant_units_len;
};

static struct ab_arm *collector_arm(struct collector *col, int seg, int var)
{
    if (seg >= col->arms_cap) {
        int cap = col->arms_cap ? 2 * col->arms_cap : 8;
        while (cap <= seg)
            cap *= 2;
        col->arms = xrealloc(col->arms, (size_t)cap * sizeof *col->arms);
        col->arms_len = xrealloc(col->arms_len, (size_t)cap * sizeof *col->arms_len);
        for (int i = col->arms_cap; i < cap; i++) {
            col->arms[i] = NULL;
            col->arms_len[i] = 0;
        }
        col->arms_cap = cap;
    }
    if (var >= col->arms_len[seg]) {
        int len = col->variants.cap > var ? col->variants.cap : var + 1;
        col->arms[seg] = xrealloc(col->arms[seg], (size_t)len * sizeof **col->arms);
        memset(col->arms[seg] + col->arms_len[seg], 0, (size_t)(len - col->arms_len[seg]) * sizeof **col->arms);
        col->arms_len[seg] = len;
    }
    return &col->arms[seg][var];
}

static void collector_free(struct collector *col)
{
    for (int s = 0; s < col->arms_cap; s++) {
        for (int v = 0; v < col->arms_len[s]; v++)
            arm_free(&col->arms[s][v]);
        free(col->arms[s]);
    }
    free(col->arms);
    free(col->arms_len);
    free(col->variant_units);
    for (int i = 0; i < col->variants.n; i++)
        free(col->variants.names[i]);
    for (int i = 0; i < col->segments.n; i++)
        free(col->segments.names[i]);
    name_map_release(&col->variants);
    name_map_release(&col->segments);
}

/* ---- ordering: control first, then variants by name; segments by name, NULL last ---- */

struct named_index {
    const char *name;       /* NULL sorts last */
    int index;
};

static int compare_named(const void *pa, const void *pb)
{
    const struct named_index *a = pa, *b = pb;
    if (!a->name || !b->name)
        return (a->name == NULL) - (b->name == NULL);
    return strcmp(a->name, b->name);
}

/* Indices 0..n−1 sorted by names[i], malloc'ed. */
static int *sorted_order(char *const *names, int n)
{
    struct named_index *tmp = xcalloc((size_t)n + 1, sizeof *tmp);
    for (int i = 0; i < n; i++)
        tmp[i] = (struct named_index){names[i], i};
    qsort(tmp, (size_t)n, sizeof *tmp, compare_named);
    int *order = xcalloc((size_t)n + 1, sizeof *order);
    for (int i = 0; i < n; i++)
        order[i] = tmp[i].index;
    free(tmp);
    return order;
}

/* The index of the control among names, or -1 with c->err set. */
static int find_control(ctx *c, const struct ab_spec *spec, char *const *names, int n)
{
    if (spec->control) {
        for (int i = 0; i < n; i++)
            if (strcmp(names[i], spec->control) == 0)
                return i;
        struct strbuf b = {0};
        int *order = sorted_order(names, n);
        for (int i = 0; i < n; i++)
            strbuf_printf(&b, "%s%s", i ? ", " : "", names[order[i]]);
        free(order);
        ctx_error(c, "%s: control=%s: no variant of that name (variants: %s)", who(spec), spec->control,
                  strbuf_str(&b));
        strbuf_free(&b);
        return -1;
    }
    int found = -1;
    for (int i = 0; i < n && found < 0; i++)
        if (strcmp(names[i], "control") == 0)
            found = i;
    for (int i = 0; i < n && found < 0; i++)
        if (sqlite3_stricmp(names[i], "control") == 0)
            found = i;
    if (found >= 0)
        return found;
    int *order = sorted_order(names, n);
    found = order[0];
    free(order);
    ctx_note(c, "%s: no control= given and no variant is called 'control': '%s' (first by name) is the control",
             who(spec), names[found]);
    return found;
}

/* Moves the collected arms into ab, variants and segments in their final order. */
static int collector_finish(ctx *c, struct collector *col, const struct ab_spec *spec, struct ab_experiment *ab)
{
    int nv = col->variants.n, ns = col->segments.n;
    int control = find_control(c, spec, col->variants.names, nv);
    if (control < 0)
        return -1;
    int *vorder = sorted_order(col->variants.names, nv);
    /* control first, the rest keep their sorted order */
    int k = 0;
    for (int i = 0; i < nv; i++)
        if (vorder[i] == control)
            k = i;
    memmove(vorder + 1, vorder, (size_t)k * sizeof *vorder);
    vorder[0] = control;
    int *sorder = sorted_order(col->segments.names, ns);

    ab->nvariants = nv;
    ab->variants = xcalloc((size_t)nv, sizeof *ab->variants);
    for (int v = 0; v < nv; v++) {
        ab->variants[v] = col->variants.names[vorder[v]];
        col->variants.names[vorder[v]] = NULL;
    }
    ab->nsegments = ns;
    ab->segments = xcalloc((size_t)ns, sizeof *ab->segments);
    for (int s = 0; s < ns; s++) {
        struct ab_segment *seg = &ab->segments[s];
        int from = sorder[s];
        seg->name = col->segments.names[from];
        col->segments.names[from] = NULL;
        seg->arms = xcalloc((size_t)nv, sizeof *seg->arms);
        for (int v = 0; v < nv; v++) {
            if (from < col->arms_cap && vorder[v] < col->arms_len[from]) {
                seg->arms[v] = col->arms[from][vorder[v]];
                memset(&col->arms[from][vorder[v]], 0, sizeof col->arms[from][vorder[v]]);
            }
        }
    }
    /* every unit assigned to a variant, with a metric or not, in one segment or
     * several, counts once in the sample ratio */
    ab->variant_units = xcalloc((size_t)nv, sizeof *ab->variant_units);
    for (int v = 0; v < nv; v++)
        ab->variant_units[v] = vorder[v] < col->variant_units_len ? col->variant_units[vorder[v]] : 0;
    free(vorder);
    free(sorder);
    return 0;
}

/* ---- reading the table ---- */

/* Checks that the table has a column called name (given as option=name). */
static int require_column(ctx *c, const char *cmd, const char *table, const char *option, const char *name)
{
    sqlite3_stmt *st;
    if (prepare_sql(c, cmd, "SELECT name FROM pragma_table_info(?1)", &st))
        return -1;
    sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
    int n = 0, cap = 16, found = 0;
    char **names = xcalloc((size_t)cap, sizeof *names);
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *col = (const char *)sqlite3_column_text(st, 0);
        if (sqlite3_stricmp(col, name) == 0)
            found = 1;
        if (n == cap)
            names = xrealloc(names, (size_t)(cap *= 2) * sizeof *names);
        names[n++] = xstrdup(col);
    }
    sqlite3_finalize(st);
    if (!found) {
        const char *near = closest_name(name, (const char *const *)names, (size_t)n);
        if (near)
            ctx_error(c, "%s: %s=%s: no column '%s' in %s (did you mean '%s'?)", cmd, option, name, name, table,
                      near);
        else
            ctx_error(c, "%s: %s=%s: no column '%s' in %s; 'describe %s' lists them", cmd, option, name, name,
                      table, table);
    }
    free_names(names, n);
    return found ? 0 : -1;
}

/* The query that yields, per exposure: variant, metric, covariate, segment (all but
 * the metric and covariate as text) and, with unit=, the unit as text, the rows of
 * a unit one after the other, its first exposure first (by order=, then in the
 * table's order).  Sorting is SQLite's, on disk when it must: the memory stays
 * bounded however many units there are. */
static void build_query(struct strbuf *q, const struct ab_spec *s, const char *grouping, int is_table)
{
    strbuf_puts(q, "SELECT CAST(");
    strbuf_put_ident(q, s->variant);
    strbuf_puts(q, " AS TEXT), ");
    strbuf_put_ident(q, s->metric);
    strbuf_puts(q, ", ");
    if (s->covariate)
        strbuf_put_ident(q, s->covariate);
    else
        strbuf_puts(q, "NULL");
    strbuf_puts(q, ", ");
    strbuf_puts(q, grouping);
    strbuf_puts(q, ", ");
    if (s->unit) {
        strbuf_puts(q, "CAST(");
        strbuf_put_ident(q, s->unit);
        strbuf_puts(q, " AS TEXT) AS _unit");
    } else {
        strbuf_puts(q, "NULL");
    }
    /* a view has no rowid: number its rows in the order it gives them */
    strbuf_puts(q, is_table || !s->unit ? " FROM " : ", row_number() OVER () AS rowid FROM ");
    strbuf_put_ident(q, s->table);
    if (!s->unit)
        return;
    strbuf_puts(q, " ORDER BY _unit, ");
    if (s->order) {
        strbuf_put_ident(q, s->order);
        strbuf_puts(q, ", ");
    }
    strbuf_puts(q, "rowid");
}

/* Column i as a number: 1, 0 for NULL, -1 for text that is not a number. */
static int column_number(sqlite3_stmt *st, int i, double *out)
{
    switch (sqlite3_column_type(st, i)) {
    case SQLITE_NULL:
        return 0;
    case SQLITE_INTEGER:
    case SQLITE_FLOAT:
        *out = sqlite3_column_double(st, i);
        return 1;
    default: {
        const char *t = (const char *)sqlite3_column_text(st, i);
        char *end;
        *out = strtod(t, &end);
        return end != t && *end == '\0' && isfinite(*out) ? 1 : -1;
    }
    }
}

/* One exposure, copied out of the statement's row. */
struct exposure {
    char *variant, *segment;    /* segment NULL: none */
    int has_metric;
    double y, x;
};

static void exposure_clear(struct exposure *e)
{
    free(e->variant);
    free(e->segment);
    memset(e, 0, sizeof *e);
}

/* Reads the row's values into e; -1 with c->err set for a value that is not a
 * number. */
static int exposure_read(ctx *c, const struct ab_spec *spec, sqlite3_stmt *st, struct exposure *e)
{
    const char *variant = (const char *)sqlite3_column_text(st, 0);
    const char *segment = (const char *)sqlite3_column_text(st, 3);
    e->variant = xstrdup(variant);
    e->segment = segment ? xstrdup(segment) : NULL;
    int got = column_number(st, 1, &e->y);
    if (got < 0)
        return ctx_error(c, "%s: metric=%s: '%s' (variant %s) is not a number", who(spec), spec->metric,
                         (const char *)sqlite3_column_text(st, 1), variant);
    e->has_metric = got;
    if (got && spec->covariate && (got = column_number(st, 2, &e->x)) != 1)
        return got == 0 ? ctx_error(c, "%s: covariate=%s: a unit of variant %s has no value; CUPED needs it "
                                       "for every unit (fill it with 'impute', or leave covariate= out)",
                                    who(spec), spec->covariate, variant)
                        : ctx_error(c, "%s: covariate=%s: '%s' (variant %s) is not a number", who(spec),
                                    spec->covariate, (const char *)sqlite3_column_text(st, 2), variant);
    return 0;
}

/* How the metric's values look: kind=auto reads 0/1 as a proportion. */
struct metric_shape {
    int64_t binary, other;      /* units whose metric is 0 or 1, and the others */
    double example;             /* the first other value */
};

/* Counts n units as assigned to variant v (for the sample ratio). */
static void count_assigned(struct collector *col, int v, int64_t n)
{
    if (v >= col->variant_units_len) {
        int len = v + 16;
        col->variant_units = xrealloc(col->variant_units, (size_t)len * sizeof *col->variant_units);
        memset(col->variant_units + col->variant_units_len, 0,
               (size_t)(len - col->variant_units_len) * sizeof *col->variant_units);
        col->variant_units_len = len;
    }
    col->variant_units[v] += n;
}

/* Counts one unit's exposure into its arm.  The unit is assigned to its variant
 * whether or not it has a metric: the sample-ratio check counts assignments, and
 * a variant whose units all lack the metric still shows, with nothing to compare. */
static int exposure_take(ctx *c, const struct ab_spec *spec, const struct exposure *e, struct collector *col,
                         struct ab_experiment *ab, struct metric_shape *shape)
{
    int v = name_map_index(&col->variants, e->variant);
    if (col->variants.n > MAX_VARIANTS)
        return ctx_error(c, "%s: variant=%s has more than %d values; is it the column of variant names?",
                         who(spec), spec->variant, MAX_VARIANTS);
    if (col->by_segments && !e->segment) {
        ab->no_segment++;       /* outside the segments analysed: not in the experiment read */
        return 0;
    }
    count_assigned(col, v, 1);
    if (!e->has_metric) {
        ab->no_metric++;
        return 0;
    }
    if (e->y != 0.0 && e->y != 1.0) {
        if (spec->kind == AB_PROPORTION)
            return ctx_error(c, "%s: kind=proportion: metric %s has the value %g; a proportion holds 0 or 1 "
                                "(kind=mean compares means)", who(spec), spec->metric, e->y);
        if (shape->other++ == 0)
            shape->example = e->y;
    } else {
        shape->binary++;
    }
    /* by=COL: the one value (NULL too); by=segment: each name before a GROUP_SEP */
    const char *name = e->segment;
    char *copy = col->by_segments ? xstrdup(e->segment) : NULL;
    for (char *p = copy; !col->by_segments || (p && *p);) {
        if (col->by_segments) {
            char *sep = strchr(p, GROUP_SEP);
            if (sep)
                *sep = '\0';
            name = p;
            p = sep ? sep + 1 : NULL;
        }
        int s = name_map_index(&col->segments, name);
        if (col->segments.n > MAX_SEGMENTS) {
            free(copy);
            return ctx_error(c, "%s: by=%s has more than %d values; segment by a coarser column", who(spec),
                             spec->by, MAX_SEGMENTS);
        }
        arm_add(collector_arm(col, s, v), e->y, spec->covariate ? &e->x : NULL, spec->test == AB_TEST_MANNWHITNEY);
        if (!col->by_segments)
            break;
    }
    free(copy);
    ab->units++;
    return 0;
}

/* The unit being read (unit=): its first exposure waits until the unit's last row
 * shows whether it stayed in one variant. */
struct unit_run {
    char *unit;                 /* NULL: none yet */
    struct exposure first;
    int64_t rows;
    int mixed;
};

/* Ends the current unit: its first exposure counts, or, if it was seen in more than
 * one variant, none of its rows does. */
static int unit_run_end(ctx *c, const struct ab_spec *spec, struct unit_run *u, struct collector *col,
                        struct ab_experiment *ab, struct metric_shape *shape)
{
    int rc = 0;
    if (u->unit) {
        if (u->mixed) {
            ab->mixed_units++;
        } else {
            ab->duplicate_rows += u->rows - 1;
            rc = exposure_take(c, spec, &u->first, col, ab, shape);
        }
    }
    free(u->unit);
    exposure_clear(&u->first);
    memset(u, 0, sizeof *u);
    return rc;
}

static int read_rows(ctx *c, const struct ab_spec *spec, const char *grouping, struct collector *col,
                     struct ab_experiment *ab, struct metric_shape *shape)
{
    struct strbuf q = {0};
    build_query(&q, spec, grouping, table_exists(c, spec->table));
    sqlite3_stmt *st;
    int rc = prepare_sql(c, who(spec), strbuf_str(&q), &st);
    strbuf_free(&q);
    if (rc)
        return -1;
    memset(shape, 0, sizeof *shape);
    struct unit_run run = {0};
    struct exposure e = {0};
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        if (++ab->rows % POLL_ROWS == 0) {
            if (ctx_is_cancelled(c)) {
                rc = ctx_cancelled(c);
                break;
            }
            ctx_progress(c, ab->rows, 0, "rows");
        }
        const char *variant = (const char *)sqlite3_column_text(st, 0);
        if (!variant) {
            ab->no_variant++;
            continue;
        }
        if (!spec->unit) {
            rc = exposure_read(c, spec, st, &e);
            if (rc == 0)
                rc = exposure_take(c, spec, &e, col, ab, shape);
            exposure_clear(&e);
            if (rc)
                break;
            continue;
        }
        const char *unit = (const char *)sqlite3_column_text(st, 4);
        if (!unit) {
            ab->no_unit++;
            continue;
        }
        if (run.unit && strcmp(run.unit, unit) == 0) {
            run.rows++;
            run.mixed |= strcmp(run.first.variant, variant) != 0;
            continue;
        }
        if ((rc = unit_run_end(c, spec, &run, col, ab, shape)) != 0)
            break;
        run.unit = xstrdup(unit);
        run.rows = 1;
        if ((rc = exposure_read(c, spec, st, &run.first)) != 0)
            break;
    }
    if (rc == 0 && step != SQLITE_DONE)
        rc = ctx_sqlite_error(c, who(spec));
    if (rc == 0)
        rc = unit_run_end(c, spec, &run, col, ab, shape);
    free(run.unit);
    exposure_clear(&run.first);
    sqlite3_finalize(st);
    return rc;
}

/* ---- the analysis ---- */

/* "not enough data: …" when the two arms cannot be compared, into note. */
static int too_little(const struct ab_experiment *ab, const struct ab_arm *t, const struct ab_arm *ctl,
                      int variant, const char *metric, char *note, size_t size)
{
    const struct ab_arm *arms[2] = {t, ctl};
    const char *names[2] = {ab->variants[variant], ab->variants[0]};
    for (int i = 0; i < 2; i++) {
        if (arms[i]->y.n >= AB_MIN_UNITS)
            continue;
        /* without by=, the units assigned but without a metric are the reason */
        int64_t assigned = ab->variant_units && ab->nsegments == 1 ? ab->variant_units[i == 0 ? variant : 0]
                                                                    : arms[i]->y.n;
        char without[96] = "";
        if (assigned > arms[i]->y.n)
            snprintf(without, sizeof without, " with a %s value of %lld assigned", metric ? metric : "metric",
                     (long long)assigned);
        snprintf(note, size, "not enough data: %s has %lld units%s (%d needed)", names[i], (long long)arms[i]->y.n,
                 without, AB_MIN_UNITS);
        return 1;
    }
    if (ab->kind == AB_PROPORTION) {
        /* one arm without conversions is a result (a broken variant); none in
         * either arm leaves the test nothing to compare */
        int64_t x = t->conversions + ctl->conversions, n = t->y.n + ctl->y.n;
        if (x == 0 || x == n) {
            snprintf(note, size, "not enough data: %s in %s and %s", x == 0 ? "no conversions" : "every unit converted",
                     names[0], names[1]);
            return 1;
        }
        return 0;
    }
    for (int i = 0; i < 2; i++) {
        if (!(arms[i]->y.m2 > 0)) {
            snprintf(note, size, "not enough data: %s does not vary in %s (every value is %g)", metric ? metric : "the metric",
                     names[i], moments_mean(&arms[i]->y));
            return 1;
        }
    }
    return 0;
}

/* The difference and lift intervals of a proportion comparison at level
 * 1 − alpha, by the method its test chose: Newcombe's beside Fisher's test, the
 * score intervals beside the score test (significant exactly when the difference's
 * interval excludes 0 and the ratio's excludes 1). */
static void proportion_intervals(const struct ab_arm *t, const struct ab_arm *ctl, double alpha,
                                 struct ab_comparison *cmp)
{
    int64_t xt = t->conversions, nt = t->y.n, xc = ctl->conversions, nc = ctl->y.n;
    cmp->ci_level = 1 - alpha;
    if (!cmp->fisher) {
        cmp->diff = (double)xt / (double)nt - (double)xc / (double)nc;
        mn_score_diff_interval(xt, nt, xc, nc, alpha, &cmp->diff_ci);
        mn_score_ratio_interval(xt, nt, xc, nc, alpha, &cmp->rel_ci);
        cmp->rel_method = RATIO_SCORE;
        return;
    }
    newcombe_diff_interval(xt, nt, xc, nc, alpha, &cmp->diff, &cmp->diff_ci);
    /* a rate of 0 or 1 (or a tiny count): no ratio interval worth the name */
    cmp->rel_method = RATIO_UNDEFINED;
    cmp->rel_ci.lo = cmp->rel_ci.hi = NAN;
    snprintf(cmp->rel_note, sizeof cmp->rel_note, "%s",
             xt == 0 ? "the variant's rate is 0" : xc == 0 ? "control rate is 0"
             : xt == nt || xc == nc ? "a rate is 1" : "too few conversions to bound a ratio");
}

static void compare_proportions(const struct ab_arm *t, const struct ab_arm *ctl, double alpha,
                                struct ab_comparison *cmp)
{
    int64_t xt = t->conversions, nt = t->y.n, xc = ctl->conversions, nc = ctl->y.n;
    const int64_t x[2] = {xt, xc}, n[2] = {nt, nc};
    double expected = min_expected_count(2, x, n);
    int extreme = xt == 0 || xc == 0 || xt == nt || xc == nc;
    /* the score test's normal approximation fails with few expected conversions
     * (or non-conversions), or a rate of 0 or 1: Fisher's exact test */
    double fisher_p = expected < AB_MIN_EXPECTED || extreme ? fisher_exact_p(xt, nt, xc, nc) : NAN;
    cmp->fisher = !isnan(fisher_p);
    if (cmp->fisher) {
        cmp->test = "fisher";
        cmp->variance = "none: exact, the hypergeometric distribution given the margins";
        cmp->p_value = fisher_p;
        if (expected < AB_MIN_EXPECTED)
            snprintf(cmp->small_note, sizeof cmp->small_note,
                     "an expected count of %.2g (< %d): Fisher's exact test and Newcombe's interval", expected,
                     AB_MIN_EXPECTED);
        else
            snprintf(cmp->small_note, sizeof cmp->small_note,
                     "a rate of 0 or 1: Fisher's exact test and Newcombe's interval");
    } else {
        struct test_result r;
        mn_score_test(xt, nt, xc, nc, &r);
        cmp->test = "score";
        cmp->variance = "each rate's own at the rates the null allows (Miettinen-Nurminen)";
        cmp->statistic = r.statistic;
        cmp->p_value = r.p_value;
    }
    proportion_intervals(t, ctl, alpha, cmp);
    cmp->rel_lift = prop_relative_diff(xt, nt, xc, nc);
    cmp->prob_beat_control = beta_prob_greater(1 + xc, 1 + nc - xc, 1 + xt, 1 + nt - xt);
    cmp->expected_loss = beta_expected_loss(1 + xc, 1 + nc - xc, 1 + xt, 1 + nt - xt);
    cmp->bayes_normal = !beta_exact(1 + xc, 1 + nc - xc, 1 + xt, 1 + nt - xt);
}

/* The difference and lift intervals of a means comparison at level 1 − alpha:
 * Welch's, and Fieller's at Welch's critical value (it excludes 1 exactly when
 * Welch's test rejects).  The rank test compares distributions, not means: no
 * interval about the means sits beside its p-value. */
static void mean_intervals(const struct ab_arm *t, const struct ab_arm *ctl, enum ab_test test, double alpha,
                           struct ab_comparison *cmp)
{
    cmp->ci_level = 1 - alpha;
    cmp->diff = moments_mean_diff(&t->y, &ctl->y);
    if (test == AB_TEST_MANNWHITNEY) {
        cmp->diff_ci.lo = cmp->diff_ci.hi = cmp->rel_ci.lo = cmp->rel_ci.hi = NAN;
        cmp->rel_method = RATIO_UNDEFINED;
        snprintf(cmp->rel_note, sizeof cmp->rel_note, "the rank test's effect is rank_biserial; diff and "
                                                      "rel_lift are of the means, shown without intervals");
        return;
    }
    double mc = moments_mean(&ctl->y);
    welch_diff_interval(&t->y, &ctl->y, alpha, &cmp->diff, &cmp->diff_ci);
    cmp->rel_method = ratio_interval(moments_mean(&t->y), moments_var(&t->y) / (double)t->y.n, mc,
                                     moments_var(&ctl->y) / (double)ctl->y.n, t_critical(alpha, cmp->df),
                                     &cmp->rel_ci);
    if (cmp->rel_method == RATIO_UNDEFINED)
        snprintf(cmp->rel_note, sizeof cmp->rel_note, mc != 0 ? "control mean too uncertain to bound a ratio"
                                                              : "control mean is 0");
}

static void compare_means(const struct ab_arm *t, const struct ab_arm *ctl, enum ab_test test, double alpha,
                          struct ab_comparison *cmp)
{
    struct test_result r;
    double nt = (double)t->y.n, nc = (double)ctl->y.n;
    if (test == AB_TEST_MANNWHITNEY) {
        /* the test sorts the values; the arms keep no order */
        enum mwu_method how;
        if (mann_whitney(t->values, t->nvalues, ctl->values, ctl->nvalues, &r, &how) == 0)
            cmp->rank_biserial = 2.0 * r.statistic / (nt * nc) - 1.0;
        cmp->test = "mannwhitney";
        cmp->statistic = r.statistic;
        cmp->variance = how == MWU_EXACT ? "none: U's exact distribution"
                                         : "of U under the null, with the tie correction (normal approximation)";
    } else {
        welch_ttest(&t->y, &ctl->y, &r);
        cmp->test = "welch";
        cmp->statistic = r.statistic;
        cmp->df = r.df;
        cmp->variance = "each arm's own (Welch), df by Welch-Satterthwaite";
    }
    cmp->p_value = r.p_value;
    mean_intervals(t, ctl, test, alpha, cmp);
    double mc = moments_mean(&ctl->y);
    cmp->rel_lift = mc != 0 ? cmp->diff / mc : NAN;
    if (test != AB_TEST_MANNWHITNEY)    /* the Bayesian numbers are about the means too */
        normal_posterior(cmp->diff, sqrt(moments_var(&t->y) / nt + moments_var(&ctl->y) / nc),
                         &cmp->prob_beat_control, &cmp->expected_loss);
}

/* CUPED for one comparison, θ pooled over every arm of the segment. */
static void compare_cuped(const struct ab_segment *seg, int nvariants, const struct ab_arm *t,
                          const struct ab_arm *ctl, double alpha, struct ab_comparison *cmp)
{
    struct comoments pooled = {0};
    for (int v = 0; v < nvariants; v++)
        comoments_merge(&pooled, &seg->arms[v].yx);
    cmp->theta = cuped_theta(&pooled);
    cmp->cuped_diff = cmp->cuped_p = cmp->variance_reduction = cmp->cuped_t = cmp->cuped_df = NAN;
    cmp->cuped_ci.lo = cmp->cuped_ci.hi = NAN;
    if (isnan(cmp->theta)) {
        snprintf(cmp->cuped_note, sizeof cmp->cuped_note, "the covariate does not vary: no adjustment");
        return;
    }
    for (int i = 0; i < 2; i++) {
        const struct ab_arm *arm = i ? ctl : t;
        if (!(arm->yx.m2y > 0)) {
            /* the adjustment would give that arm the covariate's spread as if it
             * were the metric's, and a p-value from nothing */
            snprintf(cmp->cuped_note, sizeof cmp->cuped_note, "the metric does not vary in %s: no adjustment",
                     i ? "control" : "the variant");
            return;
        }
    }
    struct moments at = cuped_adjust(&t->yx, cmp->theta, &pooled);
    struct moments ac = cuped_adjust(&ctl->yx, cmp->theta, &pooled);
    struct test_result r;
    if (welch_ttest(&at, &ac, &r)) {
        snprintf(cmp->cuped_note, sizeof cmp->cuped_note, "the adjusted metric does not vary");
        return;
    }
    cmp->cuped_p = r.p_value;
    cmp->cuped_t = r.statistic;
    cmp->cuped_df = r.df;
    welch_diff_interval(&at, &ac, alpha, &cmp->cuped_diff, &cmp->cuped_ci);
    double before = moments_var(&t->y) / (double)t->y.n + moments_var(&ctl->y) / (double)ctl->y.n;
    double after = moments_var(&at) / (double)at.n + moments_var(&ac) / (double)ac.n;
    cmp->variance_reduction = 1.0 - after / before;
}

static void blank_comparison(struct ab_comparison *cmp)
{
    cmp->test = NULL;
    cmp->diff = cmp->rel_lift = cmp->p_value = cmp->p_adjusted = NAN;
    cmp->statistic = cmp->df = cmp->rank_biserial = cmp->ci_level = NAN;
    cmp->variance = NULL;
    cmp->prob_beat_control = cmp->expected_loss = NAN;
    cmp->diff_ci.lo = cmp->diff_ci.hi = cmp->rel_ci.lo = cmp->rel_ci.hi = NAN;
    cmp->rel_method = RATIO_UNDEFINED;
    cmp->theta = cmp->cuped_diff = cmp->cuped_p = cmp->variance_reduction = NAN;
    cmp->cuped_t = cmp->cuped_df = NAN;
    cmp->cuped_ci.lo = cmp->cuped_ci.hi = NAN;
}

static void analyse_segment(struct ab_experiment *ab, struct ab_segment *seg, const struct ab_spec *spec)
{
    int nv = ab->nvariants;
    for (int v = 0; v < nv; v++) {
        struct ab_arm *arm = &seg->arms[v];
        if (ab->kind == AB_PROPORTION)
            wilson_interval(arm->conversions, arm->y.n, spec->alpha, &arm->ci);
        else
            mean_interval(&arm->y, spec->alpha, &arm->ci);
    }
    seg->cmp = xcalloc((size_t)(nv > 1 ? nv - 1 : 1), sizeof *seg->cmp);
    for (int v = 1; v < nv; v++) {
        struct ab_comparison *cmp = &seg->cmp[v - 1];
        const struct ab_arm *t = &seg->arms[v], *ctl = &seg->arms[0];
        cmp->variant = v;
        blank_comparison(cmp);
        if (too_little(ab, t, ctl, v, spec->metric, cmp->note, sizeof cmp->note))
            continue;
        if (ab->kind == AB_PROPORTION)
            compare_proportions(t, ctl, spec->alpha, cmp);
        else
            compare_means(t, ctl, ab->test, spec->alpha, cmp);
        if (spec->covariate)
            compare_cuped(seg, nv, t, ctl, spec->alpha, cmp);
    }
    if (ab->kind == AB_PROPORTION) {
        int64_t *x = xcalloc((size_t)nv, sizeof *x), *n = xcalloc((size_t)nv, sizeof *n);
        for (int v = 0; v < nv; v++) {
            x[v] = seg->arms[v].conversions;
            n[v] = seg->arms[v].y.n;
        }
        seg->omnibus.computed = chi2_contingency(nv, x, n, 0, &seg->omnibus.plain) == 0;
        seg->omnibus.has_yates = nv == 2 && chi2_contingency(nv, x, n, 1, &seg->omnibus.yates) == 0;
        seg->omnibus.min_expected = min_expected_count(nv, x, n);
        free(x);
        free(n);
    }
}

/* Adjusted p-values over every comparison of every segment, then significance. */
/* With a correction, a comparison is significant when its adjusted p is below
 * alpha, that is when its own p is below alpha · p / p_adjusted: its intervals are
 * drawn at that level, so they exclude no effect exactly when it is significant
 * (Bonferroni's alpha / m for Bonferroni; the step's level for Holm and BH). */
static void adjust_intervals(struct ab_experiment *ab, const struct ab_segment *seg, int v,
                             const struct ab_spec *spec, struct ab_comparison *cmp)
{
    if (!(cmp->p_adjusted > 0) || !(cmp->p_value > 0))
        return;
    double level = spec->alpha * cmp->p_value / cmp->p_adjusted;
    const struct ab_arm *t = &seg->arms[v], *ctl = &seg->arms[0];
    if (ab->kind == AB_PROPORTION)
        proportion_intervals(t, ctl, level, cmp);
    else
        mean_intervals(t, ctl, ab->test, level, cmp);
}

static void adjust_all(struct ab_experiment *ab, const struct ab_spec *spec)
{
    int m = ab->nsegments * (ab->nvariants - 1);
    double *p = xcalloc((size_t)m + 1, sizeof *p);
    for (int s = 0, k = 0; s < ab->nsegments; s++)
        for (int v = 1; v < ab->nvariants; v++)
            p[k++] = ab->segments[s].cmp[v - 1].p_value;
    p_adjust(m, p, spec->correction, p);
    for (int s = 0, k = 0; s < ab->nsegments; s++) {
        for (int v = 1; v < ab->nvariants; v++, k++) {
            struct ab_comparison *cmp = &ab->segments[s].cmp[v - 1];
            cmp->p_adjusted = spec->correction == P_ADJUST_NONE ? NAN : p[k];
            cmp->significant = (spec->correction == P_ADJUST_NONE ? cmp->p_value : p[k]) < spec->alpha;
            if (spec->correction != P_ADJUST_NONE && cmp->note[0] == '\0')
                adjust_intervals(ab, &ab->segments[s], v, spec, cmp);
        }
    }
    free(p);
}

static int check_sample_ratio(ctx *c, struct ab_experiment *ab, const struct ab_spec *spec)
{
    int nv = ab->nvariants;
    if (spec->expected && spec->nexpected != nv) {
        struct strbuf b = {0};
        for (int v = 0; v < nv; v++)
            strbuf_printf(&b, "%s%s", v ? "/" : "", ab->variants[v]);
        ctx_error(c, "%s: expected= gives %d shares for %d variants (%s, in that order)", who(spec),
                  spec->nexpected, nv, strbuf_str(&b));
        strbuf_free(&b);
        return -1;
    }
    ab->expected_share = xcalloc((size_t)nv, sizeof *ab->expected_share);
    int summed = ab->variant_units == NULL;     /* by=segment counted each unit once already */
    if (summed)
        ab->variant_units = xcalloc((size_t)nv, sizeof *ab->variant_units);
    double wsum = 0;
    for (int v = 0; v < nv; v++) {
        ab->expected_share[v] = spec->expected ? spec->expected[v] : 1.0;
        wsum += ab->expected_share[v];
        for (int s = 0; summed && s < ab->nsegments; s++)
            ab->variant_units[v] += ab->segments[s].arms[v].y.n;
    }
    ab->srm_computed = chi2_goodness_of_fit(nv, ab->variant_units, ab->expected_share, &ab->srm) == 0;
    ab->srm_flag = ab->srm_computed && ab->srm.p_value < AB_SRM_ALPHA;
    for (int v = 0; v < nv; v++)
        ab->expected_share[v] /= wsum;
    return 0;
}

static int analyse(ctx *c, struct ab_experiment *ab, const struct ab_spec *spec)
{
    if (ab->nvariants < 2)
        return ctx_error(c, "%s: %s%s has %d variant%s; an experiment needs a control and at least one variant",
                         who(spec), spec->variant ? "variant=" : "", spec->variant ? spec->variant : "the count list",
                         ab->nvariants, ab->nvariants == 1 ? "" : "s");
    if (check_sample_ratio(c, ab, spec))
        return -1;
    for (int s = 0; s < ab->nsegments; s++)
        analyse_segment(ab, &ab->segments[s], spec);
    adjust_all(ab, spec);
    return 0;
}

/* ---- grouping: by=COL or by=segment, one expression per row for the query ---- */

static int has_column(ctx *c, const char *table, const char *name)
{
    sqlite3_stmt *st;
    if (prepare_sql(c, "abtest", "SELECT 1 FROM pragma_table_info(?1) WHERE name = ?2 COLLATE NOCASE", &st))
        return 0;
    sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
    int found = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_finalize(st);
    return found;
}

/* by=segment:NAME,… always names segments; by=segment does unless the table has a
 * column called segment (which it then means, as it always did). */
static int is_segment_by(ctx *c, const struct ab_spec *spec)
{
    if (!spec->by)
        return 0;
    if (sqlite3_strnicmp(spec->by, "segment:", 8) == 0)
        return 1;
    return sqlite3_stricmp(spec->by, "segment") == 0 && !has_column(c, spec->table, "segment");
}

/* by=COL: the column's value as text (NULL: the rows without one, a segment too). */
static void column_grouping(const struct ab_spec *spec, struct strbuf *out)
{
    if (!spec->by) {
        strbuf_puts(out, "NULL");
        return;
    }
    strbuf_puts(out, "CAST(");
    strbuf_put_ident(out, spec->by);
    strbuf_puts(out, " AS TEXT)");
}

/* The names by=segment[:…] asks for: those listed, else every segment by name. */
static int segment_names(ctx *c, const struct ab_spec *spec, char ***names, int *n)
{
    int cap = 0;
    *names = NULL;
    *n = 0;
    if (spec->by[7] == ':') {
        const char *p = spec->by + 8;
        for (;;) {
            while (*p == ' ')
                p++;
            size_t len = strcspn(p, ",");
            size_t trimmed = len;
            while (trimmed && p[trimmed - 1] == ' ')
                trimmed--;
            if (!trimmed)
                return ctx_error(c, "%s: by=%s: expected segment names separated by ',' (by=segment:a,b), or "
                                    "by=segment for every segment of the units' keys", who(spec), spec->by);
            if (*n == cap)
                *names = xrealloc(*names, (size_t)(cap = cap ? 2 * cap : 8) * sizeof **names);
            char *name = xmalloc(trimmed + 1);
            memcpy(name, p, trimmed);
            name[trimmed] = '\0';
            (*names)[(*n)++] = name;
            if (!p[len])
                return 0;
            p += len + 1;
        }
    }
    sqlite3_stmt *st;
    if (prepare_sql(c, who(spec), "SELECT name FROM _persona_segments ORDER BY name", &st))
        return -1;
    while (sqlite3_step(st) == SQLITE_ROW) {
        if (*n == cap)
            *names = xrealloc(*names, (size_t)(cap = cap ? 2 * cap : 8) * sizeof **names);
        (*names)[(*n)++] = xstrdup((const char *)sqlite3_column_text(st, 0));
    }
    sqlite3_finalize(st);
    return 0;
}

/* by=segment: per row, the names of the segments its unit (unit=, else the table's
 * key) is a member of, each followed by GROUP_SEP; NULL when none.  Membership is
 * the segment's own SQL (segment.h): its condition when it is a segment of this
 * very table's keys, else "unit IN (its definition)".  Segments of other keys are an
 * error when named, passed over otherwise. */
static int segment_grouping(ctx *c, const struct ab_spec *spec, struct strbuf *out)
{
    const char *cmd = who(spec);
    char *table_key = segment_table_key(c, cmd, spec->table);
    if (!table_key && !spec->unit)
        return ctx_error(c, "%s: by=%s: %s has no key column recorded to match the segments' keys against; give "
                            "unit=COL, the column of each row's unit", cmd, spec->by, spec->table);
    c->err[0] = '\0';
    const char *unit = spec->unit ? spec->unit : table_key;
    /* the rows of the table are its units: a dynamic segment's condition holds on them */
    int unit_is_key = table_key && sqlite3_stricmp(unit, table_key) == 0;
    char **names;
    int n, rc = segment_names(c, spec, &names, &n), used = 0;
    struct strbuf other = {0};
    strbuf_puts(out, "NULLIF(");
    for (int i = 0; rc == 0 && i < n; i++) {
        struct segment s;
        if (segment_get(c, cmd, names[i], &s)) {
            rc = -1;
            break;
        }
        char *key = segment_table_key(c, cmd, s.source);
        int same_table = sqlite3_stricmp(s.source, spec->table) == 0;
        /* rowids say nothing about another table's rows */
        int match = key && sqlite3_stricmp(key, unit) == 0 && (same_table || sqlite3_stricmp(key, "rowid") != 0);
        if (!match) {
            if (spec->by[7] == ':') {
                rc = key ? ctx_error(c, "%s: by=%s: segment '%s' holds %s keys of %s, but the experiment's units "
                                        "are %s%s; name segments of %s keys (or give unit=)", cmd, spec->by,
                                     s.name, key, s.source, unit, spec->unit ? "" : " (the table's key)", unit)
                         : -1;
            } else {
                strbuf_printf(&other, "%s%s (%s of %s)", other.len ? ", " : "", s.name, key ? key : "?",
                              s.source);
                c->err[0] = '\0';
            }
        } else {
            char *lit = sqlite3_mprintf("%Q", s.name);
            strbuf_printf(out, "%sCASE WHEN (", used++ ? " || " : "");
            if (same_table && unit_is_key) {
                segment_filter_sql(c, &s, unit, out);
            } else {
                segment_member_test(c, spec->table, unit, s.definition, out);
            }
            strbuf_printf(out, ") THEN %s || char(%d) ELSE '' END", lit, GROUP_SEP);
            sqlite3_free(lit);
        }
        free(key);
        segment_free(&s);
    }
    if (rc == 0 && !used)
        rc = ctx_error(c, "%s: by=%s: %s of the experiment's units (%s)%s%s; 'segment define NAME where "
                          "CONDITION from %s' makes one", cmd, spec->by,
                       n ? "no segment holds keys" : "no segments are defined, so none holds keys", unit,
                       other.len ? "; the segments: " : "", strbuf_str(&other), spec->table);
    strbuf_puts(out, ", '')");
    for (int i = 0; i < n; i++)
        free(names[i]);
    free(names);
    free(table_key);
    strbuf_free(&other);
    return rc;
}

int abtest_from_table(ctx *c, const struct ab_spec *spec, struct ab_experiment *ab)
{
    memset(ab, 0, sizeof *ab);
    if (require_relation(c, who(spec), spec->table, 1))
        return -1;
    int by_segments = is_segment_by(c, spec);
    const char *options[] = {"variant", "metric", "unit", "order", "covariate", "by"};
    const char *columns[] = {spec->variant, spec->metric, spec->unit,
                             spec->order,   spec->covariate, by_segments ? NULL : spec->by};
    for (size_t i = 0; i < sizeof options / sizeof options[0]; i++)
        if (columns[i] && require_column(c, who(spec), spec->table, options[i], columns[i]))
            return -1;
    if (spec->order && !spec->unit)
        return ctx_error(c, "%s: order=%s orders each unit's exposures: it needs unit=", who(spec), spec->order);
    struct strbuf grouping = {0};
    if (by_segments ? segment_grouping(c, spec, &grouping) : (column_grouping(spec, &grouping), 0)) {
        strbuf_free(&grouping);
        return -1;
    }
    struct collector col = {.variants.null_index = -1, .segments.null_index = -1, .by_segments = by_segments};
    ab->by_segments = by_segments;
    struct metric_shape shape;
    int rc = read_rows(c, spec, strbuf_str(&grouping), &col, ab, &shape);
    strbuf_free(&grouping);
    if (rc == 0 && ab->units == 0)
        rc = ctx_error(c, "%s: %s has no row with both a variant and a %s value", who(spec), spec->table,
                       spec->metric);
    if (rc == 0 && spec->kind == AB_AUTO && shape.other && shape.other * 100 < shape.binary)
        /* a 0/1 metric with a few other values is a conversion with bad rows, or a
         * count that is mostly 0 and 1: which one is the analyst's call */
        rc = ctx_error(c, "%s: metric %s is 0 or 1 for %lld units but has %lld other value%s (e.g. %g): give "
                          "kind=proportion after fixing them, or kind=mean to compare means", who(spec),
                       spec->metric, (long long)shape.binary, (long long)shape.other, shape.other == 1 ? "" : "s",
                       shape.example);
    if (rc == 0) {
        ab->kind = spec->kind != AB_AUTO ? spec->kind : !shape.other ? AB_PROPORTION : AB_MEAN;
        ab->test = ab->kind == AB_MEAN && spec->test == AB_TEST_MANNWHITNEY ? AB_TEST_MANNWHITNEY : AB_TEST_WELCH;
        if (ab->kind == AB_PROPORTION && spec->test != AB_TEST_DEFAULT)
            rc = ctx_error(c, "%s: test=%s compares means, but %s holds only 0 and 1 (a proportion, "
                              "compared by the score test); add kind=mean to compare it as a mean", who(spec),
                           spec->test == AB_TEST_WELCH ? "welch" : "mannwhitney", spec->metric);
    }
    if (rc == 0)
        rc = collector_finish(c, &col, spec, ab);
    collector_free(&col);
    return rc ? -1 : analyse(c, ab, spec);
}

int abtest_from_counts(ctx *c, int n, char *const *names, const int64_t *conversions,
                       const int64_t *units, const struct ab_spec *spec, struct ab_experiment *ab)
{
    memset(ab, 0, sizeof *ab);
    struct collector col = {.variants.null_index = -1, .segments.null_index = -1};
    int rc = 0;
    name_map_index(&col.segments, NULL);
    for (int i = 0; i < n && rc == 0; i++) {
        if (units[i] <= 0 || conversions[i] < 0 || conversions[i] > units[i]) {
            rc = ctx_error(c, "%s: %s=%lld/%lld: expected CONVERSIONS/UNITS with 0 <= conversions <= units "
                              "and units > 0", who(spec), names[i], (long long)conversions[i], (long long)units[i]);
            break;
        }
        int before = col.variants.n, v = name_map_index(&col.variants, names[i]);
        if (col.variants.n == before) {
            rc = ctx_error(c, "%s: variant %s is given twice", who(spec), names[i]);
            break;
        }
        struct ab_arm *arm = collector_arm(&col, 0, v);
        double nn = (double)units[i], x = (double)conversions[i];
        arm->conversions = conversions[i];
        arm->y = (struct moments){.n = units[i], .mean = x / nn, .m2 = x * (nn - x) / nn};
        count_assigned(&col, v, units[i]);
        ab->units += units[i];
    }
    ab->kind = AB_PROPORTION;
    ab->test = AB_TEST_WELCH;
    if (rc == 0)
        rc = collector_finish(c, &col, spec, ab);
    collector_free(&col);
    return rc ? -1 : analyse(c, ab, spec);
}

void abtest_free(struct ab_experiment *ab)
{
    for (int s = 0; s < ab->nsegments; s++) {
        struct ab_segment *seg = &ab->segments[s];
        for (int v = 0; v < ab->nvariants; v++)
            arm_free(&seg->arms[v]);
        free(seg->arms);
        free(seg->cmp);
        free(seg->name);
    }
    free(ab->segments);
    for (int v = 0; v < ab->nvariants; v++)
        free(ab->variants[v]);
    free(ab->variants);
    free(ab->expected_share);
    free(ab->variant_units);
    memset(ab, 0, sizeof *ab);
}

void abtest_srm_warning(const struct ab_experiment *ab, struct strbuf *b)
{
    strbuf_puts(b, "sample ratio mismatch: ");
    for (int v = 0; v < ab->nvariants; v++)
        strbuf_printf(b, "%s%s %lld", v ? ", " : "", ab->variants[v], (long long)ab->variant_units[v]);
    strbuf_puts(b, " units against an expected ");
    for (int v = 0; v < ab->nvariants; v++)
        strbuf_printf(b, "%s%.4g%%", v ? "/" : "", 100 * ab->expected_share[v]);
    strbuf_printf(b, " (chi-square p = %.3g < %g): the assignment or the logging is broken, "
                     "so the results below cannot be trusted", ab->srm.p_value, AB_SRM_ALPHA);
}

/* ---- from a command line ---- */

static const char *const kind_names[] = {"auto", "proportion", "mean", NULL};
const char *const abtest_correction_names[] = {"none", "holm", "bh", NULL};
static const char *const test_names[] = {"welch", "mannwhitney", NULL};

int abtest_opt_real(ctx *c, const struct cmd_args *a, const char *cmd, const char *key, double lo, double hi,
                    double *out)
{
    const char *v = cmd_opt(a, key);
    char *end;
    double x = v ? strtod(v, &end) : NAN;
    if (!v || end == v || *end || !(x > lo && x < hi)) {
        if (isinf(hi))
            return ctx_error(c, "%s: %s=%s: expected a number above %g", cmd, key, v ? v : "", lo);
        return ctx_error(c, "%s: %s=%s: expected a number between %g and %g", cmd, key, v ? v : "", lo, hi);
    }
    *out = x;
    return 0;
}

/* One of the names, as its index, for option key. */
static int opt_choice(ctx *c, const struct cmd_args *a, const char *cmd, const char *key, const char *const *names,
                      int *out)
{
    const char *v = cmd_opt(a, key);
    for (int i = 0; names[i]; i++) {
        if (strcmp(v, names[i]) == 0) {
            *out = i;
            return 0;
        }
    }
    struct strbuf b = {0};
    for (int i = 0; names[i]; i++)
        strbuf_printf(&b, "%s%s", i ? ", " : "", names[i]);
    ctx_error(c, "%s: %s=%s: expected one of %s", cmd, key, v, strbuf_str(&b));
    strbuf_free(&b);
    return -1;
}

/* expected=50/50 or 1/1/2: positive shares, control first. */
static int parse_shares(ctx *c, const char *cmd, const char *text, double *shares, int *n)
{
    const char *p = text;
    for (*n = 0;; p++) {
        char *end;
        double x = strtod(p, &end);
        if (end == p || !(x > 0) || !isfinite(x) || *n == AB_MAX_SHARES || (*end && *end != '/'))
            return ctx_error(c, "%s: expected=%s: expected positive shares separated by '/', control first "
                                "(expected=50/50, expected=1/1/2)", cmd, text);
        shares[(*n)++] = x;
        if (!*end)
            return 0;
        p = end;
    }
}

int abtest_read_options(ctx *c, const struct cmd_args *a, const char *cmd, struct ab_request *r)
{
    struct ab_spec *spec = &r->spec;
    *spec = (struct ab_spec){.cmd = cmd, .variant = cmd_opt(a, "variant"), .metric = cmd_opt(a, "metric"),
                             .control = cmd_opt(a, "control"), .unit = cmd_opt(a, "unit"),
                             .order = cmd_opt(a, "order"), .covariate = cmd_opt(a, "covariate"),
                             .by = cmd_opt(a, "by")};
    int kind, correction, test;
    if (abtest_opt_real(c, a, cmd, "alpha", 0, 1, &spec->alpha) || opt_choice(c, a, cmd, "kind", kind_names, &kind) ||
        opt_choice(c, a, cmd, "correction", abtest_correction_names, &correction) ||
        opt_choice(c, a, cmd, "test", test_names, &test))
        return -1;
    spec->kind = kind == 0 ? AB_AUTO : kind == 1 ? AB_PROPORTION : AB_MEAN;
    spec->correction = correction == 0 ? P_ADJUST_NONE : correction == 1 ? P_ADJUST_HOLM : P_ADJUST_BH;
    spec->test = !cmd_opt_given(a, "test") ? AB_TEST_DEFAULT : test == 0 ? AB_TEST_WELCH : AB_TEST_MANNWHITNEY;
    if (cmd_opt_given(a, "expected")) {
        if (parse_shares(c, cmd, cmd_opt(a, "expected"), r->shares, &spec->nexpected))
            return -1;
        spec->expected = r->shares;
    }
    return 0;
}

/* Notes on what was left out of the analysis, for stderr. */
static void note_exclusions(ctx *c, const struct ab_spec *spec, const struct ab_experiment *ab)
{
    const struct {
        int64_t n;
        const char *one, *many, *column, *why;
    } left_out[] = {
        {ab->no_variant, "row without a %s was", "rows without a %s were", spec->variant, ""},
        {ab->no_unit, "row without a %s was", "rows without a %s were", spec->unit, ""},
        {ab->mixed_units, "unit seen in more than one variant was", "units seen in more than one variant were", "",
         ""},
        {ab->duplicate_rows, "repeated exposure was", "repeated exposures were", "",
         " (each unit counts once, at its first exposure)"},
        {ab->no_metric, "row without a %s value was", "rows without a %s value were", spec->metric, ""},
        {ab->no_segment, "unit in none of the segments was", "units in none of the segments were", "", ""},
    };
    for (size_t i = 0; i < sizeof left_out / sizeof left_out[0]; i++) {
        if (!left_out[i].n)
            continue;
        char what[160];
        snprintf(what, sizeof what, left_out[i].n == 1 ? left_out[i].one : left_out[i].many, left_out[i].column);
        ctx_note(c, "%s: %lld %s left out%s", who(spec), (long long)left_out[i].n, what, left_out[i].why);
    }
}

int abtest_from_args(ctx *c, const struct cmd_args *a, const char *cmd, const char *usage, const char *table,
                     struct ab_request *r, struct ab_experiment *ab)
{
    memset(ab, 0, sizeof *ab);
    if (abtest_read_options(c, a, cmd, r))
        return -1;
    struct ab_spec *spec = &r->spec;
    spec->table = table;
    if (!spec->variant || !spec->metric)
        return ctx_error(c, "%s: %s= is required: the column %s; usage: %s", cmd, spec->variant ? "metric" : "variant",
                         spec->variant ? "to compare (0/1 conversions or any number)" : "naming each row's variant",
                         usage);
    if (abtest_from_table(c, spec, ab))
        return -1;
    note_exclusions(c, spec, ab);
    return 0;
}
