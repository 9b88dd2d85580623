/* browse.c — keyset paging over a table, sorted and filtered through a numbered
 * temporary table of rowids. */
#include "browse.h"

#include <ctype.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"
#include "workspace.h"

/* Temporary tables get a number of their own so two browses never share one. */
static unsigned temp_serial;

static char *temp_name(const char *what)
{
    char buf[64];
    snprintf(buf, sizeof buf, "temp.\"_persona_%s_%u\"", what, ++temp_serial);
    return xstrdup(buf);
}

static void drop_temp(struct browse *b, char **name)
{
    if (!*name)
        return;
    char *sql = sqlite3_mprintf("DROP TABLE IF EXISTS %s", *name);
    sqlite3_exec(b->c->db, sql, NULL, NULL, NULL);
    sqlite3_free(sql);
    free(*name);
    *name = NULL;
}

static int64_t query_count(struct browse *b, const char *what, const char *sql, int64_t bind)
{
    sqlite3_stmt *st;
    if (prepare_sql(b->c, what, sql, &st))
        return -1;
    if (bind != BROWSE_FIRST)
        sqlite3_bind_int64(st, 1, bind);
    int64_t n = -1;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        n = sqlite3_column_int64(st, 0);
    else
        ctx_sqlite_error(b->c, what);
    sqlite3_finalize(st);
    return n;
}

int64_t browse_count_rows(ctx *c, const char *relation)
{
    return query_int(c, "SELECT count(*) FROM main.\"%w\"", relation);
}

/* Whether the relation is a table with a rowid to page by. */
static int has_rowid(ctx *c, const char *relation)
{
    char *sql = sqlite3_mprintf("SELECT _rowid_ FROM main.\"%w\" LIMIT 0", relation);
    sqlite3_stmt *st;
    int ok = sqlite3_prepare_v2(c->db, sql, -1, &st, NULL) == SQLITE_OK;
    sqlite3_finalize(st);
    sqlite3_free(sql);
    return ok && table_exists(c, relation);
}

/* SQLite's affinity rules (datatype3.html §3.1): is a declared type numeric? */
static int numeric_affinity(const char *decl)
{
    char up[128];
    size_t n = 0;
    for (; decl[n] && n < sizeof up - 1; n++)
        up[n] = (char)toupper((unsigned char)decl[n]);
    up[n] = '\0';
    if (strstr(up, "INT"))
        return 1;
    if (strstr(up, "CHAR") || strstr(up, "CLOB") || strstr(up, "TEXT") || strstr(up, "BLOB") || !*up)
        return 0;
    return 1;       /* REAL, FLOA, DOUB, and NUMERIC for anything else */
}

static int load_columns(struct browse *b)
{
    char *sql = sqlite3_mprintf("SELECT * FROM %s LIMIT 0", b->source);
    sqlite3_stmt *st;
    int rc = prepare_sql(b->c, "browse", sql, &st);
    sqlite3_free(sql);
    if (rc)
        return -1;
    b->ncols = sqlite3_column_count(st);
    b->cols = xcalloc((size_t)b->ncols, sizeof *b->cols);
    b->types = xcalloc((size_t)b->ncols, sizeof *b->types);
    b->numeric = xcalloc((size_t)b->ncols, 1);
    for (int i = 0; i < b->ncols; i++) {
        const char *t = sqlite3_column_decltype(st, i);
        b->cols[i] = xstrdup(sqlite3_column_name(st, i));
        b->types[i] = xstrdup(t ? t : "");
        b->numeric[i] = (unsigned char)numeric_affinity(b->types[i]);
    }
    sqlite3_finalize(st);
    return 0;
}

/* What every browse needs once its source is there: columns, key, row count. */
static struct browse *finish_open(struct browse *b)
{
    if (load_columns(b)) {
        browse_close(b);
        return NULL;
    }
    char *key = b->query ? NULL : table_key_column(b->c, b->relation);
    for (int i = 0; key && i < b->ncols; i++)
        if (sqlite3_stricmp(b->cols[i], key) == 0)
            b->key = i;
    free(key);
    char *sql = sqlite3_mprintf("SELECT count(*) FROM %s", b->source);
    b->all = b->total = query_count(b, "browse", sql, BROWSE_FIRST);
    sqlite3_free(sql);
    if (b->all < 0) {
        browse_close(b);
        return NULL;
    }
    return b;
}

static struct browse *new_browse(ctx *c, const char *name)
{
    struct browse *b = xcalloc(1, sizeof *b);
    b->c = c;
    b->relation = xstrdup(name);
    b->key = -1;
    b->sort = -1;
    return b;
}

/* Copies what sql selects into a new temporary table, the browse's source. */
static int copy_into_temp(struct browse *b, const char *select)
{
    b->source = temp_name("view");
    char *sql = sqlite3_mprintf("CREATE TABLE %s AS %s", b->source, select);
    int rc = exec_sql(b->c, "browse", sql);
    sqlite3_free(sql);
    return rc;
}

/* Browses the rows of select (sqlite3_mprintf'ed; freed here) through a numbered
 * temp copy: for sources without a rowid to page by. */
static struct browse *open_copy(struct browse *b, char *select)
{
    int rc = copy_into_temp(b, select);
    sqlite3_free(select);
    if (rc) {
        browse_close(b);
        return NULL;
    }
    return finish_open(b);
}


struct browse *browse_open(ctx *c, const char *relation)
{
    if (require_relation(c, "browse", relation, 1))
        return NULL;
    struct browse *b = new_browse(c, relation);
    if (has_rowid(c, relation)) {
        char *q = sqlite3_mprintf("main.\"%w\"", relation);
        b->source = xstrdup(q);
        sqlite3_free(q);
        return finish_open(b);
    }
    return open_copy(b, sqlite3_mprintf("SELECT * FROM main.\"%w\"", relation));
}

struct browse *browse_open_query(ctx *c, const char *query)
{
    /* one statement, and one that only reads */
    sqlite3_stmt *st;
    const char *tail;
    if (sqlite3_prepare_v2(c->db, query, -1, &st, &tail) != SQLITE_OK) {
        ctx_sqlite_error(c, "browse");
        return NULL;
    }
    int ok = st && sqlite3_stmt_readonly(st) && sqlite3_column_count(st) > 0 && !tail[strspn(tail, " \t\n;")];
    sqlite3_finalize(st);
    if (!ok) {
        ctx_error(c, "browse: only a single SELECT can be shown in the grid");
        return NULL;
    }
    struct browse *b = new_browse(c, query);
    b->query = 1;
    size_t n = strlen(query);
    while (n && strchr(" \t\n;", query[n - 1]))
        n--;
    return open_copy(b, sqlite3_mprintf("SELECT * FROM (%.*s\n)", (int)n, query));
}

void browse_close(struct browse *b)
{
    if (!b)
        return;
    drop_temp(b, &b->order_table);
    if (b->source && strncmp(b->source, "temp.", 5) == 0)
        drop_temp(b, &b->source);
    for (int i = 0; i < b->ncols; i++) {
        free(b->cols[i]);
        free(b->types[i]);
    }
    free(b->cols);
    free(b->types);
    free(b->numeric);
    free(b->source);
    free(b->relation);
    free(b->filter);
    free(b);
}

void browse_set_interrupt(ctx *c, int (*fn)(void *), void *arg)
{
    sqlite3_progress_handler(c->db, fn ? 20000 : 0, fn, arg);
}

/* Numbers the rowids that pass the filter, in the order asked for, into a new
 * temporary table; the old one goes only once the new one is there.  The filter is
 * the user's SQL: it is prepared as the one statement it must be part of, so text
 * after it cannot run as a statement of its own. */
static int build_order(struct browse *b, int col, int desc, const char *filter, char **table,
                       int64_t *total)
{
    const char *what = filter ? "filter" : "sort";
    *table = temp_name("order");
    struct strbuf sql = {0};
    strbuf_printf(&sql, "CREATE TABLE %s(pos INTEGER PRIMARY KEY, rid INTEGER NOT NULL)", *table);
    int rc = exec_sql(b->c, what, strbuf_str(&sql));
    strbuf_reset(&sql);
    /* SQLite inserts the rows of INSERT … SELECT … ORDER BY in that order, so the
     * positions come as rowids: twice as fast as row_number() over 10M rows */
    strbuf_printf(&sql, "INSERT INTO %s(rid) SELECT _rowid_ FROM %s", *table, b->source);
    if (filter)
        strbuf_printf(&sql, " WHERE (%s\n)", filter);
    const char *dir = desc ? " DESC" : "";
    strbuf_puts(&sql, " ORDER BY ");
    if (col >= 0) {
        strbuf_put_ident(&sql, b->cols[col]);
        strbuf_printf(&sql, "%s, ", dir);
    }
    strbuf_printf(&sql, "_rowid_%s", dir);
    sqlite3_stmt *st = NULL;
    const char *tail = NULL;
    if (rc == 0 && sqlite3_prepare_v2(b->c->db, strbuf_str(&sql), -1, &st, &tail) != SQLITE_OK)
        rc = ctx_sqlite_error(b->c, what);
    if (rc == 0 && tail[strspn(tail, " \t\n;")])
        rc = ctx_error(b->c, "filter: expected one SQL expression, like age > 40 AND country = 'FR'");
    if (rc == 0 && sqlite3_step(st) != SQLITE_DONE)
        rc = sqlite3_errcode(b->c->db) == SQLITE_INTERRUPT ? ctx_error(b->c, "%s: stopped", what)
                                                            : ctx_sqlite_error(b->c, what);
    sqlite3_finalize(st);
    strbuf_free(&sql);
    if (rc == 0) {
        char *q = sqlite3_mprintf("SELECT count(*) FROM %s", *table);
        *total = query_count(b, what, q, BROWSE_FIRST);
        sqlite3_free(q);
        rc = *total < 0 ? -1 : 0;
    }
    if (rc) {
        char keep[sizeof b->c->err];
        memcpy(keep, b->c->err, sizeof keep);
        drop_temp(b, table);
        memcpy(b->c->err, keep, sizeof keep);
    }
    return rc;
}

int browse_set_view(struct browse *b, int col, int desc, const char *filter)
{
    if (filter) {
        filter += strspn(filter, " \t");
        if (!*filter)
            filter = NULL;
    }
    char *table = NULL;
    int64_t total = b->all;
    if ((col >= 0 || filter) && build_order(b, col, desc, filter, &table, &total))
        return -1;
    drop_temp(b, &b->order_table);
    b->order_table = table;
    b->ordered = table != NULL;
    b->sort = col;
    b->desc = col >= 0 && desc;
    char *copy = filter ? xstrdup(filter) : NULL;
    free(b->filter);
    b->filter = copy;
    b->total = total;
    return 0;
}

/* SELECT key, rowid, columns… FROM what the browse shows, without WHERE/ORDER. */
static void select_rows(struct browse *b, struct strbuf *sql, const char *first)
{
    if (b->ordered)
        strbuf_printf(sql, "SELECT %s o.pos, t._rowid_, t.* FROM %s o JOIN %s t ON t._rowid_ = o.rid",
                      first, b->order_table, b->source);
    else
        strbuf_printf(sql, "SELECT %s t._rowid_, t._rowid_, t.* FROM %s t", first, b->source);
}

static const char *key_expr(const struct browse *b) { return b->ordered ? "o.pos" : "t._rowid_"; }

static char *cell_text_copy(sqlite3_stmt *st, int i, unsigned char *number)
{
    char buf[64];
    *number = 0;
    switch (sqlite3_column_type(st, i)) {
    case SQLITE_NULL:
        return NULL;
    case SQLITE_INTEGER:
        *number = 1;
        snprintf(buf, sizeof buf, "%lld", (long long)sqlite3_column_int64(st, i));
        return xstrdup(buf);
    case SQLITE_FLOAT:
        *number = 1;    /* as the table output format shows reals */
        snprintf(buf, sizeof buf, "%.10g", sqlite3_column_double(st, i));
        return xstrdup(buf);
    case SQLITE_BLOB:
        snprintf(buf, sizeof buf, "<blob, %d bytes>", sqlite3_column_bytes(st, i));
        return xstrdup(buf);
    default:
        return xstrdup((const char *)sqlite3_column_text(st, i));
    }
}

int browse_fetch(struct browse *b, int64_t after, int dir, int n, struct browse_row *rows)
{
    struct strbuf sql = {0};
    select_rows(b, &sql, "");
    strbuf_printf(&sql, " WHERE %s %s ?1 ORDER BY %s %s LIMIT ?2", key_expr(b), dir > 0 ? ">" : "<",
                  key_expr(b), dir > 0 ? "ASC" : "DESC");
    sqlite3_stmt *st;
    int rc = prepare_sql(b->c, "browse", strbuf_str(&sql), &st);
    strbuf_free(&sql);
    if (rc)
        return -1;
    sqlite3_bind_int64(st, 1, after);
    sqlite3_bind_int(st, 2, n);
    int got = 0;
    while (got < n && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct browse_row *r = &rows[got++];
        r->key = sqlite3_column_int64(st, 0);
        r->rowid = sqlite3_column_int64(st, 1);
        r->text = xcalloc((size_t)b->ncols, sizeof *r->text);
        r->number = xcalloc((size_t)b->ncols, 1);
        for (int i = 0; i < b->ncols; i++)
            r->text[i] = cell_text_copy(st, i + 2, &r->number[i]);
    }
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        ctx_sqlite_error(b->c, "browse");
        sqlite3_finalize(st);
        browse_rows_free(rows, got, b->ncols);
        return -1;
    }
    sqlite3_finalize(st);
    if (dir < 0) {      /* fetched backwards: put them in order */
        for (int i = 0, j = got - 1; i < j; i++, j--) {
            struct browse_row t = rows[i];
            rows[i] = rows[j];
            rows[j] = t;
        }
    }
    return got;
}

void browse_rows_free(struct browse_row *rows, int n, int ncols)
{
    for (int r = 0; r < n; r++) {
        for (int i = 0; i < ncols; i++)
            free(rows[r].text[i]);
        free(rows[r].text);
        free(rows[r].number);
        rows[r].text = NULL;
        rows[r].number = NULL;
    }
}

int64_t browse_position(struct browse *b, int64_t key)
{
    if (b->ordered)
        return key;
    char *sql = sqlite3_mprintf("SELECT count(*) FROM %s WHERE _rowid_ <= ?1", b->source);
    int64_t n = query_count(b, "browse", sql, key);
    sqlite3_free(sql);
    return n;
}

/* The first key in (lo, hi) in direction dir whose row has a value like pattern. */
static int search_between(struct browse *b, const char *pattern, int64_t lo, int64_t hi, int dir,
                          int64_t *key)
{
    struct strbuf sql = {0};
    select_rows(b, &sql, "");
    /* only the key is needed, but select_rows gives the join the ordered case needs */
    strbuf_printf(&sql, " WHERE %s > ?2 AND %s < ?3 AND (", key_expr(b), key_expr(b));
    for (int i = 0; i < b->ncols; i++) {
        strbuf_puts(&sql, i ? " OR t." : "t.");
        strbuf_put_ident(&sql, b->cols[i]);
        strbuf_puts(&sql, " LIKE ?1 ESCAPE '\\'");
    }
    strbuf_printf(&sql, ") ORDER BY %s %s LIMIT 1", key_expr(b), dir > 0 ? "ASC" : "DESC");
    sqlite3_stmt *st;
    int rc = prepare_sql(b->c, "search", strbuf_str(&sql), &st);
    strbuf_free(&sql);
    if (rc)
        return -1;
    sqlite3_bind_text(st, 1, pattern, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, lo);
    sqlite3_bind_int64(st, 3, hi);
    rc = sqlite3_step(st);
    int found = 0;
    if (rc == SQLITE_ROW) {
        *key = sqlite3_column_int64(st, 0);
        found = 1;
    } else if (rc != SQLITE_DONE) {
        found = sqlite3_errcode(b->c->db) == SQLITE_INTERRUPT ? ctx_error(b->c, "search: stopped")
                                                              : ctx_sqlite_error(b->c, "search");
    }
    sqlite3_finalize(st);
    return found;
}

int browse_search(struct browse *b, const char *term, int64_t after, int dir, int64_t *key,
                  int *wrapped)
{
    /* %term% with LIKE's own wildcards escaped */
    struct strbuf pattern = {0};
    strbuf_putc(&pattern, '%');
    for (const char *p = term; *p; p++) {
        if (*p == '%' || *p == '_' || *p == '\\')
            strbuf_putc(&pattern, '\\');
        strbuf_putc(&pattern, *p);
    }
    strbuf_putc(&pattern, '%');
    *wrapped = 0;
    int found = dir > 0 ? search_between(b, strbuf_str(&pattern), after, BROWSE_LAST, dir, key)
                        : search_between(b, strbuf_str(&pattern), BROWSE_FIRST, after, dir, key);
    if (found == 0) {
        *wrapped = 1;
        found = dir > 0 ? search_between(b, strbuf_str(&pattern), BROWSE_FIRST, after + 1, dir, key)
                        : search_between(b, strbuf_str(&pattern), after - 1, BROWSE_LAST, dir, key);
    }
    strbuf_free(&pattern);
    return found;
}

/* Case-insensitive (ASCII) substring test, as SQLite's LIKE. */
static int contains(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (; *hay; hay++) {
        size_t i = 0;
        while (i < n && hay[i] && tolower((unsigned char)hay[i]) == tolower((unsigned char)needle[i]))
            i++;
        if (i == n)
            return 1;
    }
    return n == 0;
}

int browse_match_column(const struct browse *b, const struct browse_row *row, const char *term, int col)
{
    for (int i = col < 0 ? 0 : col; i < b->ncols; i++)
        if (row->text[i] && contains(row->text[i], term))
            return i;
    return -1;
}
