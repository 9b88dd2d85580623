/* cmd-normalize.c — `normalize TABLE COL=KIND[:ARG] …`: clean values in place, with
 * every change logged for undo and every value that cannot be cleaned reported. */
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleaning.h"
#include "cmd.h"
#include "country.h"
#include "normalize.h"
#include "parallel.h"
#include "phone.h"
#include "retype.h"
#include "sink.h"
#include "strbuf.h"

enum { SAMPLE_ISSUES = 10, N_PHONE_TYPES = PN_UNKNOWN + 1 };

/* One COL=KIND of the command line. */
struct column_job {
    char *column;
    char *kind_text;            /* "phone:US", as written, for the issues' rule */
    char affinity;
    struct norm_spec spec;
    struct date_orders orders;
    int64_t values, changed, blanked, issues;
    int64_t phone_types[N_PHONE_TYPES];     /* valid phones by enum pn_type */
};

struct is_column_arg {
    ctx *c;
    const struct clean_table *t;
};

static int is_column(void *arg, const char *name)
{
    struct is_column_arg *x = arg;
    return clean_has_column(x->c, x->t, name);
}

/* Reads COL=KIND words into jobs, checking every column and kind before anything
 * changes. */
static int parse_jobs(ctx *c, const struct cmd_args *a, const struct clean_table *t, struct column_job *jobs)
{
    struct is_column_arg arg = {c, t};
    for (int i = 1; i < a->argc; i++) {
        struct column_job *j = &jobs[i - 1];
        const char *word = a->argv[i];
        const char *eq = strchr(word, '=');
        if (!eq || eq == word || !eq[1])
            return ctx_error(c, "normalize: '%s': expected COL=KIND, e.g. phone=phone:US; kinds: %s", word,
                             norm_kind_list());
        j->column = strndup(word, (size_t)(eq - word));
        j->kind_text = xstrdup(eq + 1);
        if (clean_column(c, "normalize", t, j->column, &j->affinity))
            return -1;
        for (int k = 0; k < i - 1; k++)
            if (sqlite3_stricmp(jobs[k].column, j->column) == 0)
                return ctx_error(c, "normalize: column '%s' given twice; run normalize once per kind", j->column);
        char err[512];
        if (norm_spec_parse(j->kind_text, &j->spec, is_column, &arg, err, sizeof err))
            return ctx_error(c, "normalize: %s=%s: %s", j->column, j->kind_text, err);
        date_orders_init(&j->orders, j->spec.date_order);
        j->orders.pivot = j->spec.date_pivot;
    }
    return 0;
}

/* A phone's E.164 form and a postcode are text: a column declared numeric would
 * store "+4915112345678" as a number without its '+', so it is declared TEXT first
 * (undoably), every value kept. */
static int retype_for_text(ctx *c, const struct clean_table *t, struct column_job *jobs, int njobs)
{
    for (int i = 0; i < njobs; i++) {
        struct column_job *j = &jobs[i];
        int text_kind = j->spec.kind == NORM_PHONE || j->spec.kind == NORM_POSTCODE;
        if (!text_kind || j->affinity == AFF_TEXT || j->affinity == AFF_BLOB)
            continue;
        if (table_retype_column(c, "normalize", t->name, j->column, "TEXT"))
            return -1;
        ctx_note(c, "normalize: %s was declared numeric; it is TEXT now, so its %s values keep their form", j->column,
                 j->spec.kind == NORM_PHONE ? "phone" : "postcode");
        j->affinity = AFF_TEXT;
    }
    return 0;
}

/* Whether a column's name says it holds dates or times. */
static int named_like_a_date(const char *col)
{
    static const char *const words[] = {"date", "day", "dob", "birth", "time", "created", "updated", "_at",
                                        "signup", "joined", "since", "when", "modified"};
    char pattern[32];
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
        snprintf(pattern, sizeof pattern, "%%%s%%", words[i]);
        if (sqlite3_strlike(pattern, col, '\\') == 0)
            return 1;
    }
    return 0;
}

/* A column named like a date whose values are all numbers in the range of Excel
 * serial days (1900-2099), or whole numbers in that of Unix time, is not written dates: converting it as text
 * would report every value.  The command stops and says which kind reads it. */
static int propose_number_kind(ctx *c, const struct column_job *j, int64_t values, int64_t numbers, int whole,
                               double lo, double hi)
{
    if (!values || numbers != values || !named_like_a_date(j->column))
        return 0;
    const char *kind = lo >= 1 && hi < 73051 ? "date:excel (or date:excel1904 for an old Mac workbook)"
                       : !whole                     ? NULL
                       : lo >= 1e8 && hi <= 4.2e9   ? "date:epoch (Unix seconds)"
                       : lo >= 1e11 && hi <= 4.2e12 ? "date:epoch (Unix milliseconds)"
                                                    : NULL;
    if (!kind)
        return 0;
    return ctx_error(c, "normalize: %s holds %snumbers from %.10g to %.10g, not written dates; they read as "
                        "dates with %s=%s",
                     j->column, whole ? "whole " : "", lo, hi, j->column, kind);
}

/* Decides the day/month order of a date column from all of its values. */
static int vote_dates(ctx *c, const struct clean_table *t, struct column_job *j)
{
    const char *cols[] = {j->column};
    struct row_scan *s = row_scan_open(c, "normalize", t, 1, cols);
    if (!s)
        return -1;
    int n;
    int64_t values = 0, numbers = 0;
    int whole = 1;
    double lo = 0, hi = 0, x;
    while ((n = row_scan_next(s)) > 0)
        for (int r = 0; r < n; r++) {
            sqlite3_value *v = row_scan_value(s, r, 0);
            if (sqlite3_value_type(v) == SQLITE_NULL)
                continue;
            values++;
            if (value_number(v, &x)) {
                whole &= x == floor(x);
                lo = numbers ? fmin(lo, x) : x;
                hi = numbers ? fmax(hi, x) : x;
                numbers++;
            } else if (sqlite3_value_type(v) == SQLITE_TEXT) {
                date_orders_vote(&j->orders, (const char *)sqlite3_value_text(v), (size_t)sqlite3_value_bytes(v));
            }
        }
    row_scan_close(s);
    date_orders_settle(&j->orders);
    if (n == 0 && propose_number_kind(c, j, values, numbers, whole, lo, hi))
        return -1;
    return n;
}

/* What norm_value() made of one row of a batch. */
struct row_result {
    enum norm_outcome outcome;  /* unset for NULL and binary values */
    int phone_type;
    struct strbuf out;
    char why[256];
};

/* One batch being cleaned: the values are cleaned on every core (norm_value() is a
 * pure function of its inputs, and libphonenumber's reads are thread-safe), the
 * audit trail is then written in row order by the caller's thread. */
struct batch_job {
    const struct column_job *j;
    struct row_scan *scan;
    struct row_result *results;
};

static void clean_rows(void *arg, int64_t block, int64_t begin, int64_t end)
{
    (void)block;
    struct batch_job *b = arg;
    for (int64_t r = begin; r < end; r++) {
        struct row_result *res = &b->results[r];
        sqlite3_value *v = row_scan_value(b->scan, (int)r, 0);
        res->phone_type = -1;
        if (sqlite3_value_type(v) == SQLITE_NULL || sqlite3_value_type(v) == SQLITE_BLOB)
            continue;
        const char *country = b->j->spec.country_column ? value_country(row_scan_value(b->scan, (int)r, 1)) : NULL;
        res->outcome = norm_value(&b->j->spec, country, &b->j->orders, (const char *)sqlite3_value_text(v),
                                  (size_t)sqlite3_value_bytes(v), &res->out, res->why, sizeof res->why,
                                  &res->phone_type);
    }
}

/* Writes one row's result into the audit trail. */
static int record_row(struct audit *au, struct column_job *j, struct row_scan *s, int r, struct row_result *res)
{
    sqlite3_value *v = row_scan_value(s, r, 0);
    int type = sqlite3_value_type(v);
    if (type == SQLITE_NULL)
        return 0;
    j->values++;
    int64_t rowid = row_scan_rowid(s, r);
    sqlite3_value *key = row_scan_key(s, r);
    if (type == SQLITE_BLOB) {
        j->issues++;
        return audit_issue(au, rowid, key, j->column, j->kind_text, v, "a binary value, not text");
    }
    if (res->phone_type >= 0 && res->phone_type < N_PHONE_TYPES)
        j->phone_types[res->phone_type]++;
    struct strbuf *out = &res->out;
    switch (res->outcome) {
    case NORM_SAME:
        return 0;
    case NORM_TO_NULL:
        j->changed++;
        j->blanked++;
        return audit_change(au, rowid, key, j->column, v, cell_null());
    case NORM_NEW:
        if (!text_keeps_in_affinity(j->affinity, out->buf, out->len)) {
            char why[512];
            snprintf(why, sizeof why, "would be '%s', which the column's numeric type stores as a number; "
                                      "left as it was", strbuf_str(out));
            j->issues++;
            return audit_issue(au, rowid, key, j->column, j->kind_text, v, why);
        }
        j->changed++;
        return audit_change(au, rowid, key, j->column, v, (struct cell){.type = CELL_TEXT, .s = out->buf, .len = out->len});
    case NORM_BAD:
        j->issues++;
        return audit_issue(au, rowid, key, j->column, j->kind_text, v, res->why);
    }
    return 0;
}

static int clean_column_values(ctx *c, struct audit *au, const struct clean_table *t, struct column_job *j)
{
    if (j->spec.kind == NORM_DATE && !j->spec.date_number && vote_dates(c, t, j) < 0)
        return -1;
    const char *cols[] = {j->column, j->spec.country_column};
    struct row_scan *s = row_scan_open(c, "normalize", t, j->spec.country_column ? 2 : 1, cols);
    if (!s)
        return -1;
    struct batch_job b = {.j = j, .scan = s};
    int capacity = 0, n, rc = 0, threads = parallel_threads();
    int64_t done = 0;
    while (rc == 0 && (n = row_scan_next(s)) > 0) {
        if (n > capacity) {
            b.results = xrealloc(b.results, (size_t)n * sizeof *b.results);
            memset(b.results + capacity, 0, (size_t)(n - capacity) * sizeof *b.results);
            capacity = n;
        }
        for (int r = 0; r < n; r++)
            b.results[r].outcome = NORM_SAME;
        parallel_blocks(n, 256, threads, clean_rows, &b);
        for (int r = 0; r < n && rc == 0; r++)
            rc = record_row(au, j, s, r, &b.results[r]);
        done += n;
        ctx_progress(c, done, 0, "rows");
    }
    if (n < 0)
        rc = -1;
    for (int r = 0; r < capacity; r++)
        strbuf_free(&b.results[r].out);
    free(b.results);
    row_scan_close(s);
    return rc;
}

/* How the date column's day/month order was decided, for the summary. */
static void date_note(const struct date_orders *o, char forced, struct strbuf *b)
{
    static const char seps[3] = {'/', '-', '.'};
    for (int i = 0; i < 3; i++) {
        if (!o->values[i])
            continue;
        if (b->len)
            strbuf_puts(b, "; ");
        char ord = o->order[i];
        strbuf_printf(b, "'%c' read %s", seps[i],
                      ord == 'D' ? "day first" : ord == 'M' ? "month first" : "one way or the other");
        if (forced)
            strbuf_puts(b, " (as given)");
        else if (ord == '?')
            strbuf_puts(b, " (both orders seen: ambiguous values reported)");
        else if (o->by_default[i])
            strbuf_puts(b, " (no day above 12: the separator's usual order)");
    }
}

/* How many of the valid phones are of each type ("mobile 812, fixed line 400"),
 * most first: a column of landlines where mobiles were expected shows here. */
static void phone_type_note(const int64_t *types, struct strbuf *b)
{
    int done[N_PHONE_TYPES] = {0};
    for (;;) {
        int best = -1;
        for (int t = 0; t < N_PHONE_TYPES; t++)
            if (!done[t] && types[t] && (best < 0 || types[t] > types[best]))
                best = t;
        if (best < 0)
            return;
        done[best] = 1;
        strbuf_printf(b, "%s%s %lld", b->len ? ", " : "", phone_type_name((enum pn_type)best),
                      (long long)types[best]);
    }
}

static void write_summary(ctx *c, const struct clean_table *t, struct column_job *jobs, int njobs)
{
    int64_t changed = 0, issues = 0;
    for (int i = 0; i < njobs; i++) {
        changed += jobs[i].changed;
        issues += jobs[i].issues;
    }
    sink_record_begin(c->out, "normalize");
    sink_field(c->out, "table", cell_text(t->name));
    sink_field(c->out, "changed", cell_int(changed));
    sink_field(c->out, "issues", cell_int(issues));
    sink_field(c->out, "command", cell_int(c->command_id));
    sink_record_end(c->out);
    static const char *const cols[] = {"column", "kind", "values", "changed", "unchanged", "issues", "note"};
    sink_table_begin(c->out, "columns", 7, cols);
    struct strbuf note = {0};
    for (int i = 0; i < njobs; i++) {
        struct column_job *j = &jobs[i];
        strbuf_reset(&note);
        if (j->spec.kind == NORM_DATE)
            date_note(&j->orders, j->spec.date_order, &note);
        if (j->spec.kind == NORM_PHONE)
            phone_type_note(j->phone_types, &note);
        if (j->blanked)
            strbuf_printf(&note, "%s%lld blank values became NULL", note.len ? "; " : "", (long long)j->blanked);
        struct cell row[] = {cell_text(j->column), cell_text(j->kind_text), cell_int(j->values),
                             cell_int(j->changed), cell_int(j->values - j->changed - j->issues),
                             cell_int(j->issues), note.len ? cell_text(strbuf_str(&note)) : cell_null()};
        sink_table_row(c->out, row);
    }
    strbuf_free(&note);
    sink_table_end(c->out);
    if (issues)
        clean_issue_sample(c, NULL, SAMPLE_ISSUES);
    cmd_set_summary(c, "%s: %lld values changed in %d columns, %lld left as they were and reported", t->name,
                    (long long)changed, njobs, (long long)issues);
    clean_note_issues(c, "normalize", issues, "values could not be cleaned and were left as they were");
}

static int normalize_exec(ctx *c, const struct cmd_args *a)
{
    struct clean_table t;
    if (a->argc < 2)
        return ctx_error(c, "normalize: which columns? usage: %s", a->entry->usage);
    if (clean_table_open(c, "normalize", a->argv[0], &t))
        return -1;
    int njobs = a->argc - 1;
    struct column_job *jobs = xcalloc((size_t)njobs, sizeof *jobs);
    struct audit au = {0};
    int rc = parse_jobs(c, a, &t, jobs);
    if (rc == 0)
        rc = retype_for_text(c, &t, jobs, njobs);
    if (rc == 0)
        rc = audit_begin(c, &au, &t);
    for (int i = 0; rc == 0 && i < njobs; i++)
        rc = clean_column_values(c, &au, &t, &jobs[i]);
    audit_end(&au);
    if (rc == 0)
        write_summary(c, &t, jobs, njobs);
    for (int i = 0; i < njobs; i++) {
        free(jobs[i].column);
        free(jobs[i].kind_text);
        norm_spec_free(&jobs[i].spec);
    }
    free(jobs);
    clean_table_free(&t);
    return rc;
}

const struct cmd_entry cmd_normalize_entry = {
    .name = "normalize",
    .usage = "normalize TABLE COL=KIND[:ARG] … (kinds: trim lower upper title unicode email phone[:CC|:COL] "
             "date[:DMY|:MDY][:pivot=YYYY] date:excel|excel1904|epoch country postcode:CC|:COL)",
    .summary = "clean values in place: names, emails, phones to E.164, dates to ISO, countries to ISO codes "
               "(undoable; what cannot be cleaned is reported)",
    .example = "normalize customers phone=phone:country email=email signup_date=date country=country",
    .min_args = 1,
    .max_args = -1,
    .flags = CMD_CHANGES | CMD_PAIRS,
    .exec = normalize_exec,
};
