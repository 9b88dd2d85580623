/* cleaning.c — the table, the batched row reader and the audit trail shared by the
 * cleaning commands. */
#include "cleaning.h"

#include <ctype.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "country.h"
#include "resultset.h"
#include "similar.h"
#include "strbuf.h"
#include "undo.h"
#include "workspace.h"

enum { SCAN_BATCH = 4096 };

int clean_table_open(ctx *c, const char *cmd, const char *name, struct clean_table *t)
{
    t->name = NULL;
    t->key = NULL;
    if (require_relation(c, cmd, name, 0)) {
        if (relation_exists(c, name))
            return ctx_error(c, "%s: '%s' is a view; clean the table it reads from", cmd, name);
        return -1;
    }
    sqlite3_stmt *st;
    if (prepare_sql(c, cmd, "SELECT name, wr FROM pragma_table_list WHERE name=? COLLATE NOCASE "
                            "AND schema='main'", &st))
        return -1;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    int rc = 0;
    if (sqlite3_step(st) == SQLITE_ROW) {
        t->name = xstrdup((const char *)sqlite3_column_text(st, 0));
        if (sqlite3_column_int(st, 1))
            rc = ctx_error(c, "%s: '%s' is a WITHOUT ROWID table; cleaning needs rowids to find rows again",
                           cmd, name);
    } else {
        rc = ctx_error(c, "%s: no table named '%s'", cmd, name);
    }
    sqlite3_finalize(st);
    if (rc == 0 && !(t->rowid = rowid_alias(c, cmd, t->name)))
        rc = -1;
    if (rc == 0)
        t->key = table_key_column(c, t->name);
    if (rc)
        clean_table_free(t);
    return rc;
}

void clean_table_free(struct clean_table *t)
{
    free(t->name);
    free(t->key);
    t->name = t->key = NULL;
}

/* SQLite's affinity rules (datatype3.html §3.1) for a declared type. */
static char affinity_of(const char *decl)
{
    char up[64];
    size_t n = 0;
    for (; decl && decl[n] && n < sizeof up - 1; n++)
        up[n] = (char)toupper((unsigned char)decl[n]);
    up[n] = '\0';
    if (strstr(up, "INT"))
        return AFF_INTEGER;
    if (strstr(up, "CHAR") || strstr(up, "CLOB") || strstr(up, "TEXT"))
        return AFF_TEXT;
    if (n == 0 || strstr(up, "BLOB"))
        return AFF_BLOB;
    if (strstr(up, "REAL") || strstr(up, "FLOA") || strstr(up, "DOUB"))
        return AFF_REAL;
    return AFF_NUMERIC;
}

/* The table's column names into *names (malloc'ed); sets *affinity and returns 1
 * when one of them is col (case-insensitive, as SQLite), 0 when none is, -1 on error. */
static int find_column(ctx *c, const char *what, const struct clean_table *t, const char *col, char *affinity,
                       char ***names, size_t *n)
{
    sqlite3_stmt *st;
    char *sql = sqlite3_mprintf("SELECT name, type FROM pragma_table_info(%Q)", t->name);
    int rc = prepare_sql(c, what, sql, &st);
    sqlite3_free(sql);
    *n = 0;
    if (names)
        *names = NULL;
    if (rc)
        return -1;
    int found = 0;
    while (!found && sqlite3_step(st) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(st, 0);
        if (sqlite3_stricmp(name, col) == 0) {
            found = 1;
            if (affinity)
                *affinity = affinity_of((const char *)sqlite3_column_text(st, 1));
        } else if (names) {
            *names = xrealloc(*names, (*n + 1) * sizeof **names);
            (*names)[(*n)++] = xstrdup(name);
        }
    }
    sqlite3_finalize(st);
    return found;
}

int clean_has_column(ctx *c, const struct clean_table *t, const char *col)
{
    size_t n;
    return find_column(c, "column", t, col, NULL, NULL, &n) == 1;
}

int clean_column(ctx *c, const char *cmd, const struct clean_table *t, const char *col, char *affinity)
{
    char **names;
    size_t n;
    int found = find_column(c, cmd, t, col, affinity, &names, &n);
    if (found == 0) {
        const char *near = closest_name(col, (const char *const *)names, n);
        if (near)
            ctx_error(c, "%s: %s has no column '%s' (did you mean '%s'?)", cmd, t->name, col, near);
        else
            ctx_error(c, "%s: %s has no column '%s'; 'describe %s' lists them", cmd, t->name, col, t->name);
    }
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    return found == 1 ? 0 : -1;
}

/* Whether [s, s+len) is what SQLite reads as a number when it applies numeric
 * affinity: blanks, an optional sign, digits with an optional point, an optional
 * exponent, blanks. */
static int looks_numeric(const char *s, size_t len)
{
    const char *p = s, *end = s + len;
    while (p < end && isspace((unsigned char)*p))
        p++;
    while (end > p && isspace((unsigned char)end[-1]))
        end--;
    if (p < end && (*p == '+' || *p == '-'))
        p++;
    int digits = 0;
    while (p < end && isdigit((unsigned char)*p))
        p++, digits++;
    if (p < end && *p == '.')
        for (p++; p < end && isdigit((unsigned char)*p); p++)
            digits++;
    if (!digits)
        return 0;
    if (p < end && (*p == 'e' || *p == 'E')) {
        p++;
        if (p < end && (*p == '+' || *p == '-'))
            p++;
        if (p == end || !isdigit((unsigned char)*p))
            return 0;
        while (p < end && isdigit((unsigned char)*p))
            p++;
    }
    return p == end;
}

int text_keeps_in_affinity(char affinity, const char *s, size_t len)
{
    if (affinity == AFF_TEXT || affinity == AFF_BLOB)
        return 1;
    return !looks_numeric(s, len);
}

int value_number(sqlite3_value *v, double *out)
{
    switch (sqlite3_value_type(v)) {
    case SQLITE_INTEGER:
    case SQLITE_FLOAT:
        *out = sqlite3_value_double(v);
        return 1;
    case SQLITE_TEXT: {
        const char *s = (const char *)sqlite3_value_text(v);
        size_t len = (size_t)sqlite3_value_bytes(v);
        if (!s || !looks_numeric(s, len) || len > 64)
            return 0;
        char buf[65];
        memcpy(buf, s, len);
        buf[len] = '\0';
        *out = strtod(buf, NULL);
        return isfinite(*out);
    }
    default:
        return 0;
    }
}

int value_cmp(sqlite3_value *a, sqlite3_value *b)
{
    static const int rank[] = {[SQLITE_NULL] = 0, [SQLITE_INTEGER] = 1, [SQLITE_FLOAT] = 1, [SQLITE_TEXT] = 2,
                               [SQLITE_BLOB] = 3};
    int ta = sqlite3_value_type(a), tb = sqlite3_value_type(b);
    if (rank[ta] != rank[tb])
        return rank[ta] - rank[tb];
    if (rank[ta] == 0)
        return 0;
    if (rank[ta] == 1) {
        if (ta == SQLITE_INTEGER && tb == SQLITE_INTEGER) {
            sqlite3_int64 x = sqlite3_value_int64(a), y = sqlite3_value_int64(b);
            return (x > y) - (x < y);
        }
        double x = sqlite3_value_double(a), y = sqlite3_value_double(b);
        return (x > y) - (x < y);
    }
    const void *pa = ta == SQLITE_TEXT ? (const void *)sqlite3_value_text(a) : sqlite3_value_blob(a);
    const void *pb = tb == SQLITE_TEXT ? (const void *)sqlite3_value_text(b) : sqlite3_value_blob(b);
    int la = sqlite3_value_bytes(a), lb = sqlite3_value_bytes(b);
    int cmp = la && lb ? memcmp(pa, pb, (size_t)(la < lb ? la : lb)) : 0;
    return cmp ? cmp : (la > lb) - (la < lb);
}

struct cell value_cell(sqlite3_value *v)
{
    switch (sqlite3_value_type(v)) {
    case SQLITE_INTEGER:
        return cell_int(sqlite3_value_int64(v));
    case SQLITE_FLOAT:
        return cell_real(sqlite3_value_double(v));
    case SQLITE_NULL:
        return cell_null();
    default: {
        const char *t = (const char *)sqlite3_value_text(v);
        return (struct cell){.type = CELL_TEXT, .s = t ? t : "", .len = (size_t)sqlite3_value_bytes(v)};
    }
    }
}

/* ---- reading rows in batches ---- */

struct row_scan {
    ctx *c;
    const char *what;
    sqlite3_stmt *st;
    int ncols;              /* value columns, after rowid and key */
    int n;                  /* rows in the batch */
    int64_t last_rowid;
    int64_t rowid[SCAN_BATCH];
    sqlite3_value **values; /* SCAN_BATCH × (1 + ncols): key, then the columns */
};

struct row_scan *row_scan_open(ctx *c, const char *what, const struct clean_table *t, int ncols,
                               const char *const *cols)
{
    struct strbuf sql = {0};
    strbuf_printf(&sql, "SELECT %s, ", t->rowid);
    if (t->key)
        strbuf_put_ident(&sql, t->key);
    else
        strbuf_puts(&sql, t->rowid);
    for (int i = 0; i < ncols; i++) {
        strbuf_puts(&sql, ", ");
        strbuf_put_ident(&sql, cols[i]);
    }
    strbuf_puts(&sql, " FROM ");
    strbuf_put_ident(&sql, t->name);
    strbuf_printf(&sql, " WHERE %s > ? ORDER BY %s LIMIT %d", t->rowid, t->rowid, SCAN_BATCH);
    sqlite3_stmt *st;
    int rc = prepare_sql(c, what, strbuf_str(&sql), &st);
    strbuf_free(&sql);
    if (rc)
        return NULL;
    struct row_scan *s = xcalloc(1, sizeof *s);
    s->c = c;
    s->what = what;
    s->st = st;
    s->ncols = ncols;
    s->last_rowid = INT64_MIN;
    s->values = xcalloc((size_t)SCAN_BATCH * (size_t)(1 + ncols), sizeof *s->values);
    return s;
}

static void scan_clear(struct row_scan *s)
{
    for (int i = 0; i < s->n * (1 + s->ncols); i++) {
        sqlite3_value_free(s->values[i]);
        s->values[i] = NULL;
    }
    s->n = 0;
}

int row_scan_next(struct row_scan *s)
{
    scan_clear(s);
    if (ctx_is_cancelled(s->c))
        return ctx_cancelled(s->c);
    sqlite3_reset(s->st);
    sqlite3_bind_int64(s->st, 1, s->last_rowid);
    int rc;
    while ((rc = sqlite3_step(s->st)) == SQLITE_ROW) {
        s->rowid[s->n] = sqlite3_column_int64(s->st, 0);
        for (int i = 0; i <= s->ncols; i++)
            s->values[s->n * (1 + s->ncols) + i] = sqlite3_value_dup(sqlite3_column_value(s->st, 1 + i));
        s->n++;
    }
    if (rc != SQLITE_DONE)
        return ctx_sqlite_error(s->c, s->what);
    if (s->n)
        s->last_rowid = s->rowid[s->n - 1];
    sqlite3_reset(s->st);
    return s->n;
}

int64_t row_scan_rowid(const struct row_scan *s, int row) { return s->rowid[row]; }

sqlite3_value *row_scan_key(const struct row_scan *s, int row)
{
    return s->values[row * (1 + s->ncols)];
}

sqlite3_value *row_scan_value(const struct row_scan *s, int row, int col)
{
    return s->values[row * (1 + s->ncols) + 1 + col];
}

void row_scan_close(struct row_scan *s)
{
    if (!s)
        return;
    scan_clear(s);
    sqlite3_finalize(s->st);
    free(s->values);
    free(s);
}

/* ---- the audit trail ---- */

int audit_begin(ctx *c, struct audit *a, const struct clean_table *t)
{
    memset(a, 0, sizeof *a);
    a->c = c;
    a->t = t;
    char *forget = sqlite3_mprintf("DELETE FROM _persona_issues WHERE command_id=%lld", (long long)c->command_id);
    int rc = undo_exec(c, forget);
    sqlite3_free(forget);
    if (rc || undo_cells_changed(c, t->name))
        return -1;
    if (prepare_sql(c, "changes",
                    "INSERT INTO _persona_changes(command_id, table_name, row_key, row_id, column_name, "
                    "old_value, new_value) VALUES (?, ?, ?, ?, ?, ?, ?)", &a->change_st) ||
        prepare_sql(c, "issues",
                    "INSERT INTO _persona_issues(command_id, table_name, row_key, row_id, column_name, rule, "
                    "value, message) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", &a->issue_st)) {
        audit_end(a);
        return -1;
    }
    return 0;
}

static void bind_cell(sqlite3_stmt *st, int i, struct cell v)
{
    switch (v.type) {
    case CELL_INT:
    case CELL_BOOL:
        sqlite3_bind_int64(st, i, v.i);
        break;
    case CELL_REAL:
        sqlite3_bind_double(st, i, v.d);
        break;
    case CELL_TEXT:
        sqlite3_bind_text(st, i, v.s, (int)v.len, SQLITE_TRANSIENT);
        break;
    case CELL_NULL:
        sqlite3_bind_null(st, i);
        break;
    }
}

static int step_done(ctx *c, sqlite3_stmt *st, const char *what)
{
    int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : ctx_sqlite_error(c, what);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return rc;
}

int audit_change(struct audit *a, int64_t rowid, sqlite3_value *key, const char *col, sqlite3_value *old_value,
                 struct cell new_value)
{
    ctx *c = a->c;
    if (!a->update_col || strcmp(a->update_col, col) != 0) {
        sqlite3_finalize(a->update_st);
        a->update_st = NULL;
        free(a->update_col);
        a->update_col = xstrdup(col);
        char *sql = sqlite3_mprintf("UPDATE \"%w\" SET \"%w\" = ? WHERE %s = ?", a->t->name, col, a->t->rowid);
        int rc = prepare_sql(c, "update", sql, &a->update_st);
        sqlite3_free(sql);
        if (rc)
            return -1;
    }
    bind_cell(a->update_st, 1, new_value);
    sqlite3_bind_int64(a->update_st, 2, rowid);
    if (step_done(c, a->update_st, "update"))
        return -1;
    sqlite3_stmt *st = a->change_st;
    sqlite3_bind_int64(st, 1, c->command_id);
    sqlite3_bind_text(st, 2, a->t->name, -1, SQLITE_STATIC);
    sqlite3_bind_value(st, 3, key);
    sqlite3_bind_int64(st, 4, rowid);
    sqlite3_bind_text(st, 5, col, -1, SQLITE_STATIC);
    sqlite3_bind_value(st, 6, old_value);
    bind_cell(st, 7, new_value);
    if (step_done(c, st, "changes"))
        return -1;
    a->changes++;
    return 0;
}

int audit_issue(struct audit *a, int64_t rowid, sqlite3_value *key, const char *col, const char *rule,
                sqlite3_value *value, const char *message)
{
    sqlite3_stmt *st = a->issue_st;
    sqlite3_bind_int64(st, 1, a->c->command_id);
    sqlite3_bind_text(st, 2, a->t->name, -1, SQLITE_STATIC);
    if (key)
        sqlite3_bind_value(st, 3, key);
    if (rowid)
        sqlite3_bind_int64(st, 4, rowid);
    sqlite3_bind_text(st, 5, col, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, rule, -1, SQLITE_STATIC);
    if (value)
        sqlite3_bind_value(st, 7, value);
    sqlite3_bind_text(st, 8, message, -1, SQLITE_STATIC);
    if (step_done(a->c, st, "issues"))
        return -1;
    a->issues++;
    return 0;
}

void audit_end(struct audit *a)
{
    sqlite3_finalize(a->change_st);
    sqlite3_finalize(a->issue_st);
    sqlite3_finalize(a->update_st);
    free(a->update_col);
    a->change_st = a->issue_st = a->update_st = NULL;
    a->update_col = NULL;
}

int clean_add_flag_column(ctx *c, const struct clean_table *t, const char *col, int *added)
{
    *added = 0;
    if (clean_has_column(c, t, col))
        return 0;
    char *sql = sqlite3_mprintf("ALTER TABLE \"%w\" ADD COLUMN \"%w\" INTEGER", t->name, col);
    int rc = exec_sql(c, c->command_name ? c->command_name : "clean", sql);
    sqlite3_free(sql);
    if (rc)
        return -1;
    sql = sqlite3_mprintf("ALTER TABLE \"%w\" DROP COLUMN \"%w\"", t->name, col);
    rc = undo_exec(c, sql);
    sqlite3_free(sql);
    *added = rc == 0;
    return rc;
}

int clean_issue_sample(ctx *c, const char *col, int limit)
{
    sqlite3_stmt *st;
    if (prepare_sql(c, "issues",
                    "SELECT row_key AS row, column_name AS \"column\", rule, value, message FROM _persona_issues "
                    "WHERE command_id=?1 AND (?2 IS NULL OR column_name=?2) ORDER BY id LIMIT ?3", &st))
        return -1;
    sqlite3_bind_int64(st, 1, c->command_id);
    if (col)
        sqlite3_bind_text(st, 2, col, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 3, limit);
    int64_t n = resultset_write(c, st, "issues", -1, NULL);
    sqlite3_finalize(st);
    return n < 0 ? -1 : 0;
}

void clean_note_issues(ctx *c, const char *cmd, int64_t issues, const char *what)
{
    if (issues)
        ctx_note(c, "%s: %lld %s; they are in _persona_issues: "
                    "sql SELECT * FROM _persona_issues WHERE command_id = %lld",
                 cmd, (long long)issues, what, (long long)c->command_id);
}

const char *value_country(sqlite3_value *v)
{
    if (sqlite3_value_type(v) != SQLITE_TEXT)
        return NULL;
    return country_code((const char *)sqlite3_value_text(v), (size_t)sqlite3_value_bytes(v));
}
