/* cmd-validate.c — `validate TABLE COL=RULE … | rules=FILE`: check values against
 * rules without changing them; every violation goes to _persona_issues and the
 * summary counts them by rule.
 *
 * NULL passes every rule but `required` (as in SQL constraints and most validation
 * tools): a missing value is one finding, not one per rule. */
#include <regex.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cleaning.h"
#include "cmd.h"
#include "country.h"
#include "email.h"
#include "datenorm.h"
#include "fileio.h"
#include "normalize.h"
#include "phone.h"
#include "sink.h"
#include "strbuf.h"
#include "workspace.h"

enum { SAMPLE_ISSUES = 10 };

enum rule_kind {
    RULE_REQUIRED, RULE_UNIQUE, RULE_EMAIL, RULE_PHONE, RULE_RANGE, RULE_IN, RULE_REGEX, RULE_DATE, RULE_PAST,
    RULE_REFERENCES, RULE_COUNTRY,
};

static const char *const rule_names[] = {
    [RULE_REQUIRED] = "required", [RULE_UNIQUE] = "unique", [RULE_EMAIL] = "email", [RULE_PHONE] = "phone",
    [RULE_RANGE] = "range", [RULE_IN] = "in", [RULE_REGEX] = "regex", [RULE_DATE] = "date", [RULE_PAST] = "past",
    [RULE_REFERENCES] = "references", [RULE_COUNTRY] = "country",
};
enum { N_RULES = sizeof rule_names / sizeof rule_names[0] };

static const char rule_list[] = "required, unique, email, phone[:CC|:COL], range:MIN..MAX, in:a|b|c, regex:RE, date, "
                                "past[:DATE], references:TABLE.COL, country";

struct rule {
    char *column;
    char *text;                 /* "range:0..120", as written */
    enum rule_kind kind;
    char country[3];            /* phone:CC */
    char *country_column;       /* phone:COL: each row's country */
    int has_min, has_max, dates; /* range: bounds given; bounds are ISO dates */
    double min, max;
    long ymd_min, ymd_max, ymd_limit; /* range on dates; past */
    char **choices;             /* in */
    int nchoices;
    regex_t re;                 /* regex */
    int re_ready;
    char *ref_table, *ref_column;
    int64_t checked, violations;
};

static void rule_free(struct rule *r)
{
    free(r->column);
    free(r->text);
    free(r->country_column);
    for (int i = 0; i < r->nchoices; i++)
        free(r->choices[i]);
    free(r->choices);
    if (r->re_ready)
        regfree(&r->re);
    free(r->ref_table);
    free(r->ref_column);
}

/* A bound of range:MIN..MAX: a number or an ISO date. */
static int parse_bound(const char *s, size_t len, double *num, long *ymd, int *is_date)
{
    char buf[64];
    if (len == 0 || len >= sizeof buf)
        return -1;
    memcpy(buf, s, len);
    buf[len] = '\0';
    if (iso_date_valid(buf, len, ymd)) {
        *is_date = 1;
        return 0;
    }
    char *end;
    *num = strtod(buf, &end);
    *is_date = 0;
    return *end == '\0' ? 0 : -1;
}

static long today_ymd(void)
{
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    return (long)(tm.tm_year + 1900) * 10000 + (tm.tm_mon + 1) * 100 + tm.tm_mday;
}

/* Parses RULE[:ARG] for a column; err names what is accepted. */
static int parse_rule(ctx *c, const struct clean_table *t, const char *text, struct rule *r, char *err,
                      size_t errlen)
{
    const char *colon = strchr(text, ':');
    size_t nlen = colon ? (size_t)(colon - text) : strlen(text);
    const char *arg = colon ? colon + 1 : NULL;
    int kind = -1;
    for (int i = 0; i < N_RULES; i++)
        if (strlen(rule_names[i]) == nlen && strncmp(rule_names[i], text, nlen) == 0)
            kind = i;
    if (kind < 0) {
        snprintf(err, errlen, "unknown rule '%.*s'; rules: %s", (int)nlen, text, rule_list);
        return -1;
    }
    r->kind = (enum rule_kind)kind;
    int needs_arg = kind == RULE_RANGE || kind == RULE_IN || kind == RULE_REGEX || kind == RULE_REFERENCES;
    int takes_arg = needs_arg || kind == RULE_PHONE || kind == RULE_PAST;
    if (needs_arg && (!arg || !*arg)) {
        static const char *const forms[] = {[RULE_RANGE] = "range:0..120", [RULE_IN] = "in:a|b|c",
                                            [RULE_REGEX] = "regex:^[A-Z]{2}$",
                                            [RULE_REFERENCES] = "references:customers.customer_id"};
        snprintf(err, errlen, "%s needs an argument, e.g. %s", rule_names[kind], forms[kind]);
        return -1;
    }
    if (!takes_arg && arg) {
        snprintf(err, errlen, "%s takes no argument (got '%s')", rule_names[kind], arg);
        return -1;
    }
    switch (r->kind) {
    case RULE_PHONE:
        if (arg && clean_has_column(c, t, arg)) {
            r->country_column = xstrdup(arg);
        } else if (arg) {
            const char *iso = country_code(arg, strlen(arg));
            if (!iso || !phone_region_known(iso)) {
                snprintf(err, errlen, "phone:%s: neither a column of the table nor a country libphonenumber has a "
                                      "numbering plan for", arg);
                return -1;
            }
            memcpy(r->country, iso, 3);
        }
        break;
    case RULE_PAST:
        r->ymd_limit = today_ymd();
        if (arg && !iso_date_valid(arg, strlen(arg), &r->ymd_limit)) {
            snprintf(err, errlen, "past:%s: expected an ISO date (past:2025-12-31), or just past for today", arg);
            return -1;
        }
        break;
    case RULE_RANGE: {
        const char *dots = strstr(arg, "..");
        int d1 = 0, d2 = 0;
        if (!dots) {
            snprintf(err, errlen, "range:%s: expected MIN..MAX (either may be left out: range:0.., range:..120)", arg);
            return -1;
        }
        r->has_min = dots > arg;
        r->has_max = dots[2] != '\0';
        if ((r->has_min && parse_bound(arg, (size_t)(dots - arg), &r->min, &r->ymd_min, &d1)) ||
            (r->has_max && parse_bound(dots + 2, strlen(dots + 2), &r->max, &r->ymd_max, &d2)) ||
            (!r->has_min && !r->has_max) || (r->has_min && r->has_max && d1 != d2)) {
            snprintf(err, errlen, "range:%s: expected numbers or ISO dates, MIN..MAX (range:0..120, "
                                  "range:2019-01-01..2025-12-31)", arg);
            return -1;
        }
        r->dates = d1 || d2;
        break;
    }
    case RULE_IN:
        for (const char *p = arg;;) {
            const char *bar = strchr(p, '|');
            size_t len = bar ? (size_t)(bar - p) : strlen(p);
            r->choices = xrealloc(r->choices, (size_t)(r->nchoices + 1) * sizeof *r->choices);
            r->choices[r->nchoices++] = strndup(p, len);
            if (!bar)
                break;
            p = bar + 1;
        }
        break;
    case RULE_REGEX: {
        struct strbuf re = {0};
        strbuf_printf(&re, "^(%s)$", arg);
        int rc = regcomp(&r->re, strbuf_str(&re), REG_EXTENDED | REG_NOSUB);
        strbuf_free(&re);
        if (rc) {
            char msg[200];
            regerror(rc, &r->re, msg, sizeof msg);
            snprintf(err, errlen, "regex:%s: %s (POSIX extended syntax)", arg, msg);
            return -1;
        }
        r->re_ready = 1;
        break;
    }
    case RULE_REFERENCES: {
        const char *dot = strrchr(arg, '.');
        if (!dot || dot == arg || !dot[1]) {
            snprintf(err, errlen, "references:%s: expected TABLE.COL", arg);
            return -1;
        }
        r->ref_table = strndup(arg, (size_t)(dot - arg));
        r->ref_column = xstrdup(dot + 1);
        struct clean_table rt = {0};
        if (require_relation(c, "validate", r->ref_table, 1))
            return -1;
        rt.name = r->ref_table;
        if (clean_column(c, "validate", &rt, r->ref_column, NULL))
            return -1;
        break;
    }
    default:
        break;
    }
    return 0;
}

/* Adds one COL=RULE (from the line or a rules file; where names it for errors). */
static int add_rule(ctx *c, const struct clean_table *t, const char *word, const char *where, struct rule **rules,
                    int *n)
{
    const char *eq = strchr(word, '=');
    if (!eq || eq == word || !eq[1])
        return ctx_error(c, "validate: %s'%s': expected COL=RULE, e.g. age=range:0..120; rules: %s", where, word,
                         rule_list);
    *rules = xrealloc(*rules, (size_t)(*n + 1) * sizeof **rules);
    struct rule *r = &(*rules)[(*n)++];
    memset(r, 0, sizeof *r);
    r->column = strndup(word, (size_t)(eq - word));
    r->text = xstrdup(eq + 1);
    if (clean_column(c, "validate", t, r->column, NULL))
        return *where ? ctx_error_prefix(c, where) : -1;
    char err[512] = "";
    if (parse_rule(c, t, r->text, r, err, sizeof err))
        return err[0] ? ctx_error(c, "validate: %s%s=%s: %s", where, r->column, r->text, err) : -1;
    return 0;
}

/* rules=FILE: one COL=RULE a line; blank lines and '#' comments are skipped. */
static int read_rules_file(ctx *c, const struct clean_table *t, const char *path, struct rule **rules, int *n)
{
    struct strbuf text = {0};
    if (read_text_file(c, "validate", path, &text))
        return -1;
    int rc = 0, line = 0, before = *n;
    for (char *p = text.buf; p && *p && rc == 0;) {
        char *eol = strchr(p, '\n');
        if (eol)
            *eol = '\0';
        line++;
        char *s = p;
        p = eol ? eol + 1 : NULL;
        while (*s == ' ' || *s == '\t')
            s++;
        size_t len = strlen(s);
        while (len && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\r'))
            s[--len] = '\0';
        if (!*s || *s == '#')
            continue;
        char where[300];
        snprintf(where, sizeof where, "%s:%d: ", path, line);
        rc = add_rule(c, t, s, where, rules, n);
    }
    strbuf_free(&text);
    if (rc == 0 && *n == before)
        rc = ctx_error(c, "validate: %s: no rules (one COL=RULE a line)", path);
    return rc;
}

/* ---- checking ---- */

/* Why a non-NULL value breaks a per-value rule, or NULL when it passes. */
static const char *violation(const struct rule *r, sqlite3_value *v, const char *row_country, char *why,
                             size_t whylen)
{
    const char *s = (const char *)sqlite3_value_text(v);
    size_t len = (size_t)sqlite3_value_bytes(v);
    double x;
    long ymd;
    struct phone_number number;
    switch (r->kind) {
    case RULE_REQUIRED: {
        size_t i = 0;
        while (i < len && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n'))
            i++;
        return i == len && sqlite3_value_type(v) == SQLITE_TEXT ? "blank" : NULL;
    }
    case RULE_EMAIL:
        return email_check(s, len, why, whylen) ? why : NULL;
    case RULE_PHONE:
        return phone_read(s, len, row_country ? row_country : r->country, &number, why, whylen) ? why : NULL;
    case RULE_COUNTRY:
        return len == 2 && country_name(s) ? NULL : "not an ISO 3166-1 alpha-2 code (normalize COL=country converts names)";
    case RULE_DATE:
        return iso_date_valid(s, len, NULL) ? NULL : "not an ISO 8601 date on the calendar (normalize COL=date converts written dates)";
    case RULE_PAST:
        if (!iso_date_valid(s, len, &ymd))
            return "not an ISO 8601 date";
        if (ymd > r->ymd_limit) {
            snprintf(why, whylen, "in the future (after %04ld-%02ld-%02ld)", r->ymd_limit / 10000,
                     r->ymd_limit / 100 % 100, r->ymd_limit % 100);
            return why;
        }
        return NULL;
    case RULE_RANGE:
        if (r->dates) {
            if (!iso_date_valid(s, len, &ymd))
                return "not an ISO 8601 date";
            if ((r->has_min && ymd < r->ymd_min) || (r->has_max && ymd > r->ymd_max))
                return "outside the range";
            return NULL;
        }
        if (!value_number(v, &x))
            return "not a number";
        if ((r->has_min && x < r->min) || (r->has_max && x > r->max))
            return x < r->min && r->has_min ? "below the range" : "above the range";
        return NULL;
    case RULE_IN:
        for (int i = 0; i < r->nchoices; i++)
            if (strlen(r->choices[i]) == len && memcmp(r->choices[i], s, len) == 0)
                return NULL;
        return "not one of the allowed values";
    case RULE_REGEX:
        if (memchr(s, '\0', len))
            return "contains a NUL byte";
        return regexec(&r->re, s, 0, NULL, 0) == 0 ? NULL : "does not match the pattern";
    case RULE_UNIQUE:
    case RULE_REFERENCES:
        break;
    }
    return NULL;
}

static int check_values(ctx *c, struct audit *au, const struct clean_table *t, struct rule *r)
{
    const char *cols[] = {r->column, r->country_column};
    struct row_scan *s = row_scan_open(c, "validate", t, r->country_column ? 2 : 1, cols);
    if (!s)
        return -1;
    char why[512];
    int n, rc = 0;
    while (rc == 0 && (n = row_scan_next(s)) > 0) {
        for (int i = 0; i < n && rc == 0; i++) {
            sqlite3_value *v = row_scan_value(s, i, 0);
            r->checked++;
            const char *bad;
            if (sqlite3_value_type(v) == SQLITE_NULL)
                bad = r->kind == RULE_REQUIRED ? "missing" : NULL;
            else
                bad = violation(r, v, r->country_column ? value_country(row_scan_value(s, i, 1)) : NULL, why,
                                sizeof why);
            if (bad) {
                r->violations++;
                rc = audit_issue(au, row_scan_rowid(s, i), row_scan_key(s, i), r->column, r->text, v, bad);
            }
        }
    }
    row_scan_close(s);
    return rc ? rc : n < 0 ? -1 : 0;
}

/* unique and references: the violating rows come from one query. */
static int check_by_query(ctx *c, struct audit *au, const struct clean_table *t, struct rule *r)
{
    char *key = t->key ? sqlite3_mprintf("\"%w\"", t->key) : sqlite3_mprintf("rowid");
    char *sql;
    if (r->kind == RULE_UNIQUE)
        sql = sqlite3_mprintf("SELECT t.rowid, t.%s, t.\"%w\", 'appears ' || d.n || ' times' FROM \"%w\" t "
                              "JOIN (SELECT \"%w\" AS v, count(*) AS n FROM \"%w\" WHERE \"%w\" IS NOT NULL "
                              "GROUP BY 1 HAVING count(*) > 1) d ON t.\"%w\" = d.v ORDER BY t.\"%w\", t.rowid",
                              key, r->column, t->name, r->column, t->name, r->column, r->column, r->column);
    else
        sql = sqlite3_mprintf("SELECT rowid, %s, \"%w\", 'not found in %q.%q' FROM \"%w\" WHERE \"%w\" IS NOT NULL "
                              "AND \"%w\" NOT IN (SELECT \"%w\" FROM \"%w\" WHERE \"%w\" IS NOT NULL) ORDER BY rowid",
                              key, r->column, r->ref_table, r->ref_column, t->name, r->column, r->column,
                              r->ref_column, r->ref_table, r->ref_column);
    sqlite3_free(key);
    sqlite3_stmt *st;
    int rc = prepare_sql(c, "validate", sql, &st);
    sqlite3_free(sql);
    if (rc)
        return -1;
    /* The issues are inserted while the query reads other tables: fine in SQLite,
     * which sees each statement's own snapshot of the user table. */
    while (rc == 0 && sqlite3_step(st) == SQLITE_ROW) {
        r->violations++;
        rc = audit_issue(au, sqlite3_column_int64(st, 0), sqlite3_column_value(st, 1), r->column, r->text,
                         sqlite3_column_value(st, 2), (const char *)sqlite3_column_text(st, 3));
    }
    sqlite3_finalize(st);
    if (rc)
        return -1;
    char *count = sqlite3_mprintf("SELECT count(*) FROM \"%w\"", t->name);
    if (prepare_sql(c, "validate", count, &st) == 0) {
        if (sqlite3_step(st) == SQLITE_ROW)
            r->checked = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
    }
    sqlite3_free(count);
    return 0;
}

static const struct cmd_option validate_options[] = {
    {"rules", NULL, "a file of rules, one COL=RULE a line ('#' comments)"},
    {"fail", CMD_FLAG, "fail (non-zero exit in scripts) when any rule is violated; nothing is recorded then"},
    {NULL},
};

static void write_summary(ctx *c, const struct clean_table *t, const struct rule *rules, int n, int64_t total)
{
    sink_record_begin(c->out, "validate");
    sink_field(c->out, "table", cell_text(t->name));
    sink_field(c->out, "rules", cell_int(n));
    sink_field(c->out, "violations", cell_int(total));
    sink_field(c->out, "command", cell_int(c->command_id));
    sink_record_end(c->out);
    static const char *const cols[] = {"column", "rule", "checked", "violations"};
    sink_table_begin(c->out, "rules", 4, cols);
    for (int i = 0; i < n; i++) {
        struct cell row[] = {cell_text(rules[i].column), cell_text(rules[i].text), cell_int(rules[i].checked),
                             cell_int(rules[i].violations)};
        sink_table_row(c->out, row);
    }
    sink_table_end(c->out);
    if (total)
        clean_issue_sample(c, NULL, SAMPLE_ISSUES);
}

static int validate_exec(ctx *c, const struct cmd_args *a)
{
    struct clean_table t;
    if (clean_table_open(c, "validate", a->argv[0], &t))
        return -1;
    struct rule *rules = NULL;
    int n = 0, rc = 0;
    for (int i = 1; i < a->argc && rc == 0; i++)
        rc = add_rule(c, &t, a->argv[i], "", &rules, &n);
    if (rc == 0 && cmd_opt(a, "rules"))
        rc = read_rules_file(c, &t, cmd_opt(a, "rules"), &rules, &n);
    if (rc == 0 && n == 0)
        rc = ctx_error(c, "validate: no rules: give COL=RULE words or rules=FILE; rules: %s", rule_list);
    struct audit au = {0};
    if (rc == 0)
        rc = audit_begin(c, &au, &t);
    int64_t total = 0;
    for (int i = 0; i < n && rc == 0; i++) {
        rc = rules[i].kind == RULE_UNIQUE || rules[i].kind == RULE_REFERENCES ? check_by_query(c, &au, &t, &rules[i])
                                                                               : check_values(c, &au, &t, &rules[i]);
        total += rules[i].violations;
    }
    audit_end(&au);
    if (rc == 0 && total && cmd_opt_given(a, "fail")) {
        struct strbuf b = {0};
        for (int i = 0; i < n; i++)
            if (rules[i].violations)
                strbuf_printf(&b, "%s%s=%s: %lld", b.len ? ", " : "", rules[i].column, rules[i].text,
                              (long long)rules[i].violations);
        rc = ctx_error(c, "validate: %lld violations in %s (%s)", (long long)total, t.name, strbuf_str(&b));
        strbuf_free(&b);
    }
    if (rc == 0) {
        write_summary(c, &t, rules, n, total);
        cmd_set_summary(c, "%s: %d rules, %lld violations", t.name, n, (long long)total);
        clean_note_issues(c, "validate", total, "values violate a rule");
    }
    for (int i = 0; i < n; i++)
        rule_free(&rules[i]);
    free(rules);
    clean_table_free(&t);
    return rc;
}

const struct cmd_entry cmd_validate_entry = {
    .name = "validate",
    .usage = "validate TABLE COL=RULE … [rules=FILE] [fail] (rules: required unique email phone[:CC] "
             "range:MIN..MAX in:a|b|c regex:RE date past[:DATE] references:TABLE.COL country)",
    .summary = "check values against rules; violations go to _persona_issues, counted by rule",
    .example = "validate customers email=required email=email age=range:0..120 customer_id=unique",
    .min_args = 1,
    .max_args = -1,
    .options = validate_options,
    .flags = CMD_CHANGES | CMD_PAIRS,
    .exec = validate_exec,
};
