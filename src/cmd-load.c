/* cmd-load.c — the `load` command: options in, loader run, summary out. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "cmd.h"
#include "identity.h"
#include "strbuf.h"
#include "workspace.h"
#include "loader.h"
#include "sink.h"

static const struct cmd_option load_options[] = {
    {"key", NULL, "the column that identifies a row (unique, on every row); default: the rowid"},
    {"delimiter", "auto", "field separator: auto, ',', ';', tab or '|'"},
    {"header", "auto", "whether the first row names the columns: auto, yes, no"},
    {"encoding", "utf-8", "the file's text encoding: utf-8 or latin1"},
    {"rejects", "1%", "how many unreadable rows to accept (N, N% of rows, or all) before failing"},
    {"replace", CMD_FLAG, "replace an existing table of the same name (undo brings it back)"},
    {NULL},
};

static int parse_delimiter(ctx *c, const char *v, int *out)
{
    static const struct { const char *name; int ch; } names[] = {
        {"auto", 0}, {",", ','}, {"comma", ','}, {";", ';'}, {"semicolon", ';'},
        {"tab", '\t'}, {"\t", '\t'}, {"\\t", '\t'}, {"|", '|'}, {"pipe", '|'},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (strcmp(v, names[i].name) == 0) {
            *out = names[i].ch;
            return 0;
        }
    }
    return ctx_error(c, "load: delimiter=%s: expected auto, ',', ';', tab or '|'", v);
}

static int parse_header(ctx *c, const char *v, int *out)
{
    if (strcmp(v, "auto") == 0)
        *out = -1;
    else if (strcmp(v, "yes") == 0 || strcmp(v, "true") == 0)
        *out = 1;
    else if (strcmp(v, "no") == 0 || strcmp(v, "false") == 0)
        *out = 0;
    else
        return ctx_error(c, "load: header=%s: expected auto, yes or no", v);
    return 0;
}

static int parse_encoding(ctx *c, const char *v, enum csv_encoding *out)
{
    if (strcmp(v, "utf-8") == 0 || strcmp(v, "utf8") == 0)
        *out = CSV_UTF8;
    else if (strcmp(v, "latin1") == 0 || strcmp(v, "latin-1") == 0 || strcmp(v, "iso-8859-1") == 0)
        *out = CSV_LATIN1;
    else
        return ctx_error(c, "load: encoding=%s: expected utf-8 or latin1", v);
    return 0;
}

/* rejects=N (a count), N% (of the rows) or all.  A count is turned into a fraction
 * once the row count is known, so the loader keeps one rule. */
static int parse_rejects(ctx *c, const char *v, double *fraction, long long *count)
{
    char *end;
    *count = -1;
    if (strcmp(v, "all") == 0) {
        *fraction = 1.0;
        return 0;
    }
    double x = strtod(v, &end);
    /* a percentage above 100 or a count beyond any file is a mistake, and a value
     * past long long's range (1e400 is infinity) cannot even be converted */
    if (end != v && isfinite(x) && x >= 0 && x <= 100 && strcmp(end, "%") == 0) {
        *fraction = x / 100.0;
        return 0;
    }
    if (end != v && *end == '\0' && isfinite(x) && x >= 0 && x <= 1e15 && x == floor(x)) {
        *fraction = 1.0;
        *count = (long long)x;
        return 0;
    }
    return ctx_error(c, "load: rejects=%s: expected a count (0 to 10^15), a percentage (0%% to 100%%) or all", v);
}

static const char *delimiter_name(int d)
{
    switch (d) {
    case '\t': return "tab";
    case ';': return ";";
    case '|': return "|";
    default: return ",";
    }
}

static void write_summary(ctx *c, const struct load_options *o, const struct load_result *r)
{
    sink_record_begin(c->out, "load");
    sink_field(c->out, "table", cell_text(r->table));
    sink_field(c->out, "file", cell_text(o->path));
    sink_field(c->out, "rows", cell_int(r->rows));
    sink_field(c->out, "columns", cell_int(r->ncols));
    sink_field(c->out, "rejected", cell_int(r->rejected));
    sink_field(c->out, "header", cell_bool(r->header));
    sink_field(c->out, "delimiter", cell_text(delimiter_name(r->delimiter)));
    sink_field(c->out, "key", o->key ? cell_text(o->key) : cell_text("rowid"));
    sink_record_end(c->out);

    static const char *const cols[] = {"column", "type", "nulls", "note"};
    sink_table_begin(c->out, "columns", 4, cols);
    for (int i = 0; i < r->ncols; i++) {
        const struct load_column *col = &r->cols[i];
        char note[96] = "";
        enum col_type t = col->type.type;
        if (t == TYPE_DATE || t == TYPE_DATETIME)
            snprintf(note, sizeof note, "read as %s%s", date_form_name(col->type.form),
                     col->type.ambiguous ? " (ambiguous: no day above 12)" : "");
        else if (t == TYPE_NULL)
            snprintf(note, sizeof note, "every value blank");
        else if (col->type.kept_text)
            snprintf(note, sizeof note, "text: %s", col->type.kept_text);
        if (col->renamed)
            snprintf(note + strlen(note), sizeof note - strlen(note), "%srenamed to be unique",
                     note[0] ? "; " : "");
        struct cell row[] = {cell_text(col->name), cell_text(col_type_name(t)), cell_int(col->nulls),
                             note[0] ? cell_text(note) : cell_null()};
        sink_table_row(c->out, row);
    }
    sink_table_end(c->out);
}

/* Removes from a table just loaded the rows of people `forget` erased: their
 * identifiers are on the suppression list.  Returns how many, or -1. */
static int64_t drop_suppressed(ctx *c, const char *table)
{
    struct strbuf cond = {0};
    identity_suppressed_sql(c, table, &cond);
    int64_t n = 0;
    if (strcmp(strbuf_str(&cond), "0") != 0) {
        char *sql = sqlite3_mprintf("DELETE FROM \"%w\" WHERE %s", table, strbuf_str(&cond));
        int64_t before = sqlite3_total_changes64(c->db);
        n = exec_sql(c, "load: suppression", sql) ? -1 : sqlite3_total_changes64(c->db) - before;
        sqlite3_free(sql);
    }
    strbuf_free(&cond);
    return n;
}

static int load_exec(ctx *c, const struct cmd_args *a)
{
    struct load_options o = {.path = a->argv[0], .key = cmd_opt(a, "key"), .replace = cmd_opt_given(a, "replace")};
    if (a->argc == 3) {
        if (strcmp(a->argv[1], "as") != 0)
            return ctx_error(c, "load: expected 'as NAME' after the path, got '%s'", a->argv[1]);
        o.table = a->argv[2];
    } else if (a->argc == 2) {
        return ctx_error(c, "load: '%s' after the path: did you mean 'as %s'?", a->argv[1], a->argv[1]);
    }
    long long reject_count;
    if (parse_delimiter(c, cmd_opt(a, "delimiter"), &o.delimiter) ||
        parse_header(c, cmd_opt(a, "header"), &o.header) ||
        parse_encoding(c, cmd_opt(a, "encoding"), &o.encoding) ||
        parse_rejects(c, cmd_opt(a, "rejects"), &o.max_reject_fraction, &reject_count))
        return -1;
    struct load_result r;
    int rc = load_csv(c, &o, &r);
    if (rc == 0 && reject_count >= 0 && r.rejected > reject_count)
        rc = ctx_error(c, "load: %s: %lld rows could not be read, more than rejects=%lld (first: line %lld: %s); "
                          "nothing was loaded",
                       o.path, (long long)r.rejected, reject_count, (long long)r.first_reject_line,
                       r.first_reject_reason);
    int64_t suppressed = rc == 0 ? drop_suppressed(c, r.table) : 0;
    if (suppressed < 0)
        rc = -1;
    else
        r.rows -= suppressed;
    if (rc == 0) {
        write_summary(c, &o, &r);
        if (suppressed)
            ctx_note(c, "load: %lld rows of erased people (forget) were not kept", (long long)suppressed);
        if (r.rejected)
            ctx_note(c, "load: %lld rows of %s could not be read and are kept in _persona_rejects "
                        "(first: line %lld: %s)",
                     (long long)r.rejected, o.path, (long long)r.first_reject_line, r.first_reject_reason);
        cmd_set_summary(c, "loaded %lld rows, %d columns into %s%s", (long long)r.rows, r.ncols, r.table,
                        r.rejected ? " (some rows rejected)" : "");
    }
    load_result_free(&r);
    return rc;
}

const struct cmd_entry cmd_load_entry = {
    .name = "load",
    .usage = "load PATH [as NAME] [key=COL] [delimiter=auto|,|;|tab|'|'] [header=auto|yes|no] "
             "[encoding=utf-8|latin1] [rejects=1%] [replace]",
    .summary = "load a CSV file (or .csv.gz) into a new table, inferring column types",
    .example = "load customers.csv key=customer_id",
    .min_args = 1,
    .max_args = 3,
    .options = load_options,
    .flags = CMD_CHANGES,
    .exec = load_exec,
};
