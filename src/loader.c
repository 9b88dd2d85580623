/* loader.c — CSV files into workspace tables. */
#include "loader.h"

#include <ctype.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch_reader.h"
#include "similar.h"
#include "strbuf.h"
#include "undo.h"
#include "workspace.h"

/* SQLite's compiled-in column limit (SQLITE_MAX_COLUMN in Debian's build). */
enum { MAX_COLUMNS = 2000, PROGRESS_EVERY = 1 << 14 };

char *table_name_for(const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    char *name = xstrdup(base);
    size_t n = strlen(name);
    if (n > 3 && strcmp(name + n - 3, ".gz") == 0)
        name[n -= 3] = '\0';
    char *dot = strrchr(name, '.');
    if (dot && dot != name)
        *dot = '\0';
    return name;
}

/* Column names: trimmed, empty ones called col_N, and made unique ignoring case
 * (SQLite's column names are case-insensitive) by adding _2, _3, … */
static void make_column_names(struct load_result *r, char **raw, int header)
{
    for (int i = 0; i < r->ncols; i++) {
        struct strbuf b = {0};
        const char *s = header ? raw[i] : "";
        size_t len = strlen(s);
        while (len && isspace((unsigned char)s[len - 1]))
            len--;
        while (len && isspace((unsigned char)*s)) {
            s++;
            len--;
        }
        if (len == 0) {
            strbuf_printf(&b, "col_%d", i + 1);
            r->cols[i].renamed = header;
        } else {
            strbuf_append(&b, s, len);
        }
        for (int suffix = 2;; suffix++) {
            int clash = 0;
            for (int j = 0; j < i && !clash; j++)
                clash = sqlite3_stricmp(r->cols[j].name, strbuf_str(&b)) == 0;
            if (!clash)
                break;
            strbuf_reset(&b);
            if (len == 0)
                strbuf_printf(&b, "col_%d_%d", i + 1, suffix);
            else {
                strbuf_append(&b, s, len);
                strbuf_printf(&b, "_%d", suffix);
            }
            r->cols[i].renamed = 1;
        }
        r->cols[i].name = xstrdup(strbuf_str(&b));
        strbuf_free(&b);
    }
}

/* Whether the first row reads as data rather than names: every cell could be of
 * its column's type, and some column is not text (a row of text over text
 * columns cannot be told apart, and files with a header are the rule). */
static int first_row_is_data(const struct load_result *r, char **first, const size_t *lens)
{
    int typed = 0;
    for (int i = 0; i < r->ncols; i++) {
        enum col_type t = r->cols[i].type.type;
        if (t == TYPE_TEXT || t == TYPE_NULL)
            continue;
        typed = 1;
        unsigned v = value_types(first[i], lens[i]);
        int fits = (v & (1u << t)) || (v & (1u << TYPE_NULL)) ||
                   (t == TYPE_REAL && (v & (1u << TYPE_INTEGER))) ||
                   (t == TYPE_DATETIME && (v & (1u << TYPE_DATE)));
        if (!fits)
            return 0;
    }
    return typed;
}

struct pass1 {
    char **first;           /* the first record, copied */
    size_t *first_len;
    struct type_infer *infer;
    int64_t data_rows;      /* records after the first with the right field count */
    int64_t rejected;
};

static void pass1_free(struct pass1 *p, int ncols)
{
    for (int i = 0; p->first && i < ncols; i++)
        free(p->first[i]);
    free(p->first);
    free(p->first_len);
    free(p->infer);
}

static void note_reject(struct load_result *r, int64_t line, const char *reason)
{
    if (r->first_reject_line == 0) {
        r->first_reject_line = line;
        snprintf(r->first_reject_reason, sizeof r->first_reject_reason, "%s", reason);
    }
}

/* A hint for text that is not UTF-8: most often a Latin-1 export. */
static const char *encoding_hint(const char *reason)
{
    return strstr(reason, "UTF-8") ? "; is the file Latin-1? try encoding=latin1" : "";
}

/* First pass: the first record, field counts, and the type of every column. */
static int scan_file(ctx *c, struct csv_reader *rd, const struct load_options *o,
                     struct load_result *r, struct pass1 *p)
{
    struct csv_record rec;
    int st = csv_next(rd, &rec);
    if (st == CSV_BAD)
        return ctx_error(c, "load: %s:%lld: %s%s", o->path, (long long)rec.line, rec.reason,
                         encoding_hint(rec.reason));
    if (st == CSV_ERROR)
        return ctx_error(c, "load: %s: %s", o->path, csv_error(rd));
    if (st == CSV_EOF)
        return ctx_error(c, "load: %s: empty file (no rows, no header)", o->path);
    if (rec.nfields > MAX_COLUMNS)
        return ctx_error(c, "load: %s: %d columns; a workspace table holds at most %d", o->path,
                         rec.nfields, MAX_COLUMNS);
    r->ncols = rec.nfields;
    r->cols = xcalloc((size_t)r->ncols, sizeof *r->cols);
    p->first = xcalloc((size_t)r->ncols, sizeof *p->first);
    p->first_len = xcalloc((size_t)r->ncols, sizeof *p->first_len);
    p->infer = xcalloc((size_t)r->ncols, sizeof *p->infer);
    for (int i = 0; i < r->ncols; i++) {
        p->first[i] = xstrdup(rec.field[i]);
        p->first_len[i] = rec.len[i];
        type_infer_init(&p->infer[i]);
    }
    int64_t n = 0;
    while ((st = csv_next(rd, &rec)) != CSV_EOF) {
        if (st == CSV_ERROR)
            return ctx_error(c, "load: %s: %s", o->path, csv_error(rd));
        if (st == CSV_BAD || rec.nfields != r->ncols) {
            p->rejected++;
            if (st == CSV_BAD)
                note_reject(r, rec.line, rec.reason);
            else
                note_reject(r, rec.line, rec.nfields > r->ncols ? "too many fields" : "too few fields");
            continue;
        }
        for (int i = 0; i < r->ncols; i++)
            type_infer_add(&p->infer[i], rec.field[i], rec.len[i]);
        p->data_rows++;
        if ((++n & (PROGRESS_EVERY - 1)) == 0) {
            if (ctx_is_cancelled(c))
                return ctx_cancelled(c);
            ctx_progress(c, csv_offset(rd), 2 * csv_size(rd), "scanning");
        }
    }
    return 0;
}

/* Decides header and types from the first pass. */
static void decide_columns(const struct load_options *o, struct load_result *r, struct pass1 *p)
{
    for (int i = 0; i < r->ncols; i++)
        r->cols[i].type = type_infer_result(&p->infer[i]);
    r->header = o->header >= 0 ? o->header : !first_row_is_data(r, p->first, p->first_len);
    if (!r->header) {   /* the first row is data: it votes too */
        for (int i = 0; i < r->ncols; i++) {
            type_infer_add(&p->infer[i], p->first[i], p->first_len[i]);
            r->cols[i].type = type_infer_result(&p->infer[i]);
        }
        p->data_rows++;
    }
    for (int i = 0; i < r->ncols; i++)
        r->cols[i].nulls = p->infer[i].nulls;
    make_column_names(r, p->first, r->header);
    /* identifiers stay text, every value as the file wrote it */
    for (int i = 0; i < r->ncols; i++) {
        struct inferred *t = &r->cols[i].type;
        if ((t->type == TYPE_INTEGER || t->type == TYPE_REAL) && identifier_column_name(r->cols[i].name)) {
            t->type = TYPE_TEXT;
            t->kept_text = "its name says identifier";
        }
    }
}

static int check_key(ctx *c, const struct load_options *o, struct load_result *r)
{
    if (!o->key)
        return 0;
    const char *names[r->ncols];
    for (int i = 0; i < r->ncols; i++) {
        names[i] = r->cols[i].name;
        if (strcmp(names[i], o->key) == 0)
            return 0;
    }
    const char *near = closest_name(o->key, names, (size_t)r->ncols);
    if (near)
        return ctx_error(c, "load: key=%s: no such column in %s (did you mean '%s'?)", o->key, o->path, near);
    return ctx_error(c, "load: key=%s: no such column in %s", o->key, o->path);
}

static int create_table(ctx *c, const struct load_result *r)
{
    struct strbuf b = {0};
    strbuf_puts(&b, "CREATE TABLE ");
    strbuf_put_ident(&b, r->table);
    strbuf_puts(&b, " (");
    for (int i = 0; i < r->ncols; i++) {
        if (i)
            strbuf_puts(&b, ", ");
        strbuf_put_ident(&b, r->cols[i].name);
        strbuf_printf(&b, " %s", col_type_name(r->cols[i].type.type));
    }
    strbuf_puts(&b, ")");
    int rc = exec_sql(c, "load: create table", strbuf_str(&b));
    strbuf_free(&b);
    return rc ? rc : undo_table_created(c, r->table);
}

static int prepare_insert(ctx *c, const struct load_result *r, sqlite3_stmt **st)
{
    struct strbuf b = {0};
    strbuf_puts(&b, "INSERT INTO ");
    strbuf_put_ident(&b, r->table);
    strbuf_puts(&b, " VALUES (");
    for (int i = 0; i < r->ncols; i++)
        strbuf_puts(&b, i ? ",?" : "?");
    strbuf_puts(&b, ")");
    int rc = prepare_sql(c, "load: insert", strbuf_str(&b), st);
    strbuf_free(&b);
    return rc;
}

static int insert_reject(ctx *c, sqlite3_stmt *st, const struct load_options *o, const char *table,
                         int64_t line, const char *reason, const char *raw, size_t raw_len)
{
    sqlite3_bind_int64(st, 1, c->command_id);
    sqlite3_bind_text(st, 2, table, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, o->path, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, line);
    sqlite3_bind_text(st, 5, reason, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, raw, (int)raw_len, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : ctx_sqlite_error(c, "load: rejects");
}

/* Binds one row's converted cells and inserts it. */
static int insert_row(ctx *c, sqlite3_stmt *ins, int ncols, int64_t line, const struct converted *cv)
{
    for (int i = 0; i < ncols; i++) {
        const struct converted *v = &cv[i];
        switch (v->type) {
        case TYPE_INTEGER:
            sqlite3_bind_int64(ins, i + 1, v->i);
            break;
        case TYPE_REAL:
            sqlite3_bind_double(ins, i + 1, v->d);
            break;
        case TYPE_NULL:
            sqlite3_bind_null(ins, i + 1);
            break;
        default:
            sqlite3_bind_text(ins, i + 1, v->text, (int)v->len, SQLITE_STATIC);
        }
    }
    int rc = sqlite3_step(ins);
    sqlite3_reset(ins);
    if (rc != SQLITE_DONE)
        return ctx_error(c, "load: line %lld: %s", (long long)line, sqlite3_errmsg(c->db));
    return 0;
}

/* Second pass: the batch reader parses and converts on the other core while this
 * thread inserts every row into the table or the rejects. */
static int insert_rows(ctx *c, struct csv_reader *rd, const struct load_options *o, struct load_result *r)
{
    sqlite3_stmt *ins, *rej;
    if (prepare_insert(c, r, &ins))
        return -1;
    if (prepare_sql(c, "load: rejects",
                    "INSERT INTO _persona_rejects(command_id, table_name, file, line, reason, raw) "
                    "VALUES (?, ?, ?, ?, ?, ?)", &rej)) {
        sqlite3_finalize(ins);
        return -1;
    }
    struct inferred *types = xcalloc((size_t)r->ncols, sizeof *types);
    for (int i = 0; i < r->ncols; i++)
        types[i] = r->cols[i].type;
    struct batch_reader *br = batch_reader_start(rd, types, r->ncols, r->header);
    int rc = br ? 0 : ctx_error(c, "load: cannot start the reader thread");
    const struct batch *b;
    int64_t total = csv_size(rd);
    while (rc == 0 && (b = batch_reader_next(br)) != NULL) {
        for (int k = 0; k < b->n && rc == 0; k++) {
            const struct batch_row *row = &b->rows[k];
            if (row->reason) {
                rc = insert_reject(c, rej, o, r->table, row->line, row->reason, row->raw, row->raw_len);
                r->rejected++;
            } else {
                rc = insert_row(c, ins, r->ncols, row->line, b->cells + (size_t)k * (size_t)r->ncols);
                r->rows++;
            }
        }
        if (rc == 0 && ctx_is_cancelled(c))
            rc = ctx_cancelled(c);
        ctx_progress(c, total + b->offset, 2 * total, "loading");
    }
    if (rc == 0 && br && batch_reader_error(br))
        rc = ctx_error(c, "load: %s: %s", o->path, batch_reader_error(br));
    batch_reader_stop(br);
    free(types);
    sqlite3_finalize(ins);
    sqlite3_finalize(rej);
    return rc;
}

/* A key must identify rows: present on every row and never repeated. */
static int index_key(ctx *c, const struct load_options *o, const struct load_result *r)
{
    if (!o->key)
        return 0;
    sqlite3_stmt *st;
    char *sql = sqlite3_mprintf("SELECT \"%w\", count(*) FROM \"%w\" GROUP BY 1 HAVING count(*) > 1 "
                                "OR \"%w\" IS NULL LIMIT 1", o->key, r->table, o->key);
    int rc = prepare_sql(c, "load: key", sql, &st);
    sqlite3_free(sql);
    if (rc)
        return -1;
    if (sqlite3_step(st) == SQLITE_ROW) {
        if (sqlite3_column_type(st, 0) == SQLITE_NULL)
            rc = ctx_error(c, "load: key=%s: %lld rows have no %s; a key needs a value on every row",
                           o->key, (long long)sqlite3_column_int64(st, 1), o->key);
        else
            rc = ctx_error(c, "load: key=%s: value '%s' is on %lld rows; a key must be unique",
                           o->key, (const char *)sqlite3_column_text(st, 0), (long long)sqlite3_column_int64(st, 1));
    }
    sqlite3_finalize(st);
    if (rc)
        return -1;
    sql = sqlite3_mprintf("CREATE UNIQUE INDEX \"%w_key\" ON \"%w\"(\"%w\")", r->table, r->table, o->key);
    rc = exec_sql(c, "load: key index", sql);
    sqlite3_free(sql);
    return rc;
}

static int record_table(ctx *c, const struct load_options *o, const struct load_result *r)
{
    char *abs = realpath(o->path, NULL);
    char *sql = sqlite3_mprintf(
        "INSERT OR REPLACE INTO _persona_tables(name, key_column, source, loaded_at, command_id) "
        "VALUES (%Q, %Q, %Q, strftime('%%Y-%%m-%%dT%%H:%%M:%%SZ', 'now'), %lld)",
        r->table, o->key, abs ? abs : o->path, (long long)c->command_id);
    int rc = exec_sql(c, "load", sql);
    sqlite3_free(sql);
    free(abs);
    if (rc == 0 && r->rejected) {
        sql = sqlite3_mprintf("DELETE FROM _persona_rejects WHERE command_id=%lld", (long long)c->command_id);
        rc = undo_exec(c, sql);
        sqlite3_free(sql);
    }
    return rc;
}

static int check_rejects(ctx *c, const struct load_options *o, const struct load_result *r)
{
    int64_t total = r->rows + r->rejected;
    if (r->rejected == 0 || (double)r->rejected <= o->max_reject_fraction * (double)total)
        return 0;
    return ctx_error(c, "load: %s: %lld of %lld rows could not be read (first: line %lld: %s%s); nothing was "
                        "loaded; rejects=all loads the rest and keeps the bad rows in _persona_rejects",
                     o->path, (long long)r->rejected, (long long)total, (long long)r->first_reject_line,
                     r->first_reject_reason, encoding_hint(r->first_reject_reason));
}

int load_csv(ctx *c, const struct load_options *o, struct load_result *r)
{
    memset(r, 0, sizeof *r);
    r->table = o->table ? xstrdup(o->table) : table_name_for(o->path);
    if (is_internal_name(r->table))
        return ctx_error(c, "load: table name '%s' is reserved (names starting _persona_ or sqlite_)", r->table);
    if (table_exists(c, r->table) && !o->replace)
        return ctx_error(c, "load: table '%s' already exists; add 'replace' to load over it (undo brings it back) "
                            "or 'as NAME' for another name", r->table);
    struct csv_options copt = {.delimiter = o->delimiter, .encoding = o->encoding};
    char err[512];
    struct csv_reader *rd = csv_open(o->path, &copt, err, sizeof err);
    if (!rd)
        return ctx_error(c, "load: %s", err);
    r->delimiter = csv_delimiter(rd);
    struct pass1 p = {0};
    int rc = scan_file(c, rd, o, r, &p);
    if (rc == 0) {
        decide_columns(o, r, &p);
        if (p.data_rows == 0 && p.rejected > 0)
            rc = ctx_error(c, "load: %s: %lld of %lld rows could not be read (first: line %lld: %s%s); nothing "
                              "was loaded", o->path, (long long)p.rejected, (long long)p.rejected,
                           (long long)r->first_reject_line, r->first_reject_reason,
                           encoding_hint(r->first_reject_reason));
        else if (p.data_rows == 0)
            rc = ctx_error(c, "load: %s: a header but no rows", o->path);
    }
    pass1_free(&p, r->ncols);
    if (rc == 0)
        rc = check_key(c, o, r);
    if (rc == 0 && o->replace && table_exists(c, r->table))
        rc = undo_table_stashed(c, r->table);
    if (rc == 0)
        rc = create_table(c, r);
    if (rc == 0 && csv_rewind(rd) != 0)
        rc = ctx_error(c, "load: %s: %s", o->path, csv_error(rd));
    if (rc == 0)
        rc = insert_rows(c, rd, o, r);
    csv_close(rd);
    if (rc == 0)
        rc = check_rejects(c, o, r);
    if (rc == 0)
        rc = index_key(c, o, r);
    if (rc == 0)
        rc = record_table(c, o, r);
    ctx_progress(c, 1, 1, "done");
    return rc;
}

void load_result_free(struct load_result *r)
{
    for (int i = 0; i < r->ncols; i++)
        free(r->cols[i].name);
    free(r->cols);
    free(r->table);
    memset(r, 0, sizeof *r);
}
