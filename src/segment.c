/* segment.c — the segment store and the operations that change it. */
#include "segment.h"

#include <ctype.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "colguess.h"
#include "model_store.h"
#include "segment_expr.h"
#include "similar.h"
#include "strbuf.h"
#include "undo.h"
#include "workspace.h"

static char *column_dup(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    return t ? xstrdup((const char *)t) : NULL;
}

int segment_lookup(ctx *c, const char *name, struct segment *s)
{
    memset(s, 0, sizeof *s);
    sqlite3_stmt *st;
    if (prepare_sql(c, "segment", "SELECT name, kind, definition, source_table, created_at, label, "
                                  "coalesce(model_id, 0) FROM _persona_segments WHERE name = ?", &st))
        return -1;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    int found = sqlite3_step(st) == SQLITE_ROW;
    if (found) {
        s->name = column_dup(st, 0);
        s->kind = column_dup(st, 1);
        s->definition = column_dup(st, 2);
        s->source = column_dup(st, 3);
        s->created_at = column_dup(st, 4);
        s->label = column_dup(st, 5);
        s->model_id = sqlite3_column_int64(st, 6);
    }
    sqlite3_finalize(st);
    return found;
}

/* The segments' names, for suggestions. */
static char **segment_names(ctx *c, int *n)
{
    sqlite3_stmt *st;
    *n = 0;
    if (sqlite3_prepare_v2(c->db, "SELECT name FROM _persona_segments ORDER BY name", -1, &st, NULL) != SQLITE_OK)
        return NULL;
    char **names = NULL;
    while (sqlite3_step(st) == SQLITE_ROW) {
        names = xrealloc(names, (size_t)(*n + 1) * sizeof *names);
        names[(*n)++] = column_dup(st, 0);
    }
    sqlite3_finalize(st);
    return names;
}

int segment_get(ctx *c, const char *cmd, const char *name, struct segment *s)
{
    int found = segment_lookup(c, name, s);
    if (found < 0)
        return -1;
    if (found)
        return 0;
    int n;
    char **names = segment_names(c, &n);
    const char *near = closest_name(name, (const char *const *)names, (size_t)n);
    if (near)
        ctx_error(c, "%s: no segment named '%s' (did you mean '%s'?)", cmd, name, near);
    else
        ctx_error(c, "%s: no segment named '%s'; 'segment list' lists them", cmd, name);
    free_names(names, n);
    return -1;
}

void segment_free(struct segment *s)
{
    free(s->name);
    free(s->kind);
    free(s->definition);
    free(s->source);
    free(s->created_at);
    free(s->label);
    memset(s, 0, sizeof *s);
}

char *segment_table_key(ctx *c, const char *cmd, const char *table)
{
    char *key = table_key_column(c, table);
    if (key)
        return key;
    if (table_exists(c, table)) {
        const char *rowid = rowid_alias(c, cmd, table);
        return rowid ? xstrdup(rowid) : NULL;
    }
    ctx_error(c, "%s: the view '%s' has no key column recorded, so its rows cannot be told apart; use a table",
              cmd, table);
    return NULL;
}

int64_t segment_count(ctx *c, const char *cmd, const char *definition)
{
    char *sql = sqlite3_mprintf("SELECT count(*) FROM (%s)", definition);
    sqlite3_stmt *st;
    int64_t n = -1;
    if (prepare_sql(c, cmd, sql, &st) == 0) {
        if (sqlite3_step(st) == SQLITE_ROW)
            n = sqlite3_column_int64(st, 0);
        else
            ctx_sqlite_error(c, cmd);
        sqlite3_finalize(st);
    }
    sqlite3_free(sql);
    return n;
}

/* The definition of a dynamic segment: SELECT key FROM source WHERE condition. */
static void dynamic_definition(const char *source, const char *key, const char *where, struct strbuf *out)
{
    strbuf_puts(out, "SELECT ");
    strbuf_put_ident(out, key);
    strbuf_puts(out, " FROM ");
    strbuf_put_ident(out, source);
    strbuf_printf(out, " WHERE %s", where);
}

void segment_member_test(ctx *c, const char *table, const char *key, const char *definition, struct strbuf *out)
{
    strbuf_put_ident(out, key);
    strbuf_printf(out, " IN (WITH m(k) AS (%s) SELECT ", definition);
    key_cast_sql(column_key_type(c, table, key), "k", out);
    strbuf_puts(out, " FROM m)");
}

void segment_filter_sql(ctx *c, const struct segment *s, const char *key, struct strbuf *out)
{
    if (strcmp(s->kind, "dynamic") == 0) {
        struct strbuf prefix = {0};
        dynamic_definition(s->source, key, "", &prefix);
        int own = strncmp(s->definition, strbuf_str(&prefix), prefix.len) == 0;
        size_t len = prefix.len;
        strbuf_free(&prefix);
        if (own) {
            strbuf_printf(out, "(%s)", s->definition + len);
            return;
        }
    }
    segment_member_test(c, s->source, key, s->definition, out);
}

/* ---- new names ---- */

/* Checks that name is free for a new segment and the view or table that carries it. */
static int check_new_name(ctx *c, const char *cmd, const char *name)
{
    if (!seg_name_valid(name))
        return ctx_error(c, "%s: '%s' cannot name a segment: use letters, digits and '_', starting with a letter "
                            "(at most 64)", cmd, name);
    if (is_internal_name(name))
        return ctx_error(c, "%s: '%s' is reserved (names starting _persona_ or sqlite_)", cmd, name);
    sqlite3_stmt *st;
    if (prepare_sql(c, cmd, "SELECT name FROM _persona_segments WHERE name = ? COLLATE NOCASE", &st))
        return -1;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    int rc = 0;
    if (sqlite3_step(st) == SQLITE_ROW) {
        const char *taken = (const char *)sqlite3_column_text(st, 0);
        rc = ctx_error(c, "%s: a segment named '%s' already exists; drop it first ('segment drop %s') or choose "
                          "another name", cmd, taken, taken);
    }
    sqlite3_finalize(st);
    if (rc)
        return -1;
    if (relation_exists(c, name))
        return ctx_error(c, "%s: a table or view named '%s' already exists; choose another name for the segment",
                         cmd, name);
    return 0;
}

/* Inserts the segment row, and how undo deletes it. */
static int insert_segment(ctx *c, const char *cmd, const char *name, const char *kind, const char *definition,
                          const char *source, const char *label)
{
    sqlite3_stmt *st;
    if (prepare_sql(c, cmd, "INSERT INTO _persona_segments(name, kind, definition, source_table, created_at, label) "
                            "VALUES (?, ?, ?, ?, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), ?)", &st))
        return -1;
    const char *v[] = {name, kind, definition, source, label};
    for (int i = 0; i < 5; i++)
        sqlite3_bind_text(st, i + 1, v[i], -1, SQLITE_STATIC);
    int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : ctx_sqlite_error(c, cmd);
    sqlite3_finalize(st);
    if (rc)
        return -1;
    char *undo = sqlite3_mprintf("DELETE FROM _persona_segments WHERE name = %Q", name);
    rc = undo_exec(c, undo);
    sqlite3_free(undo);
    return rc;
}

/* Deletes the segment rows `where` selects, and records how undo puts them back:
 * whatever rows the command leaves there go, and these come back under their old
 * rowids, so the table reads as before. */
static int replace_rows(ctx *c, const char *cmd, const char *where)
{
    char *sql = sqlite3_mprintf(
        "SELECT 'DELETE FROM _persona_segments WHERE ' || %Q || ';' || coalesce(group_concat(char(10) || "
        "'INSERT INTO _persona_segments(rowid, name, kind, definition, source_table, created_at, model_id, label) "
        "VALUES (' || rowid || ', ' || quote(name) || ', ' || quote(kind) || ', ' || quote(definition) || ', ' || "
        "quote(source_table) || ', ' || quote(created_at) || ', ' || quote(model_id) || ', ' || quote(label) || ');', "
        "''), '') "
        "FROM _persona_segments WHERE %s", where, where);
    sqlite3_stmt *st;
    int rc = prepare_sql(c, cmd, sql, &st);
    sqlite3_free(sql);
    if (rc)
        return -1;
    rc = sqlite3_step(st) == SQLITE_ROW ? undo_exec(c, (const char *)sqlite3_column_text(st, 0))
                                        : ctx_sqlite_error(c, cmd);
    sqlite3_finalize(st);
    sql = sqlite3_mprintf("DELETE FROM _persona_segments WHERE %s", where);
    if (rc == 0)
        rc = exec_sql(c, cmd, sql);
    sqlite3_free(sql);
    return rc;
}

/* Creates a view, recording how undo drops it. */
static int create_view(ctx *c, const char *cmd, const char *name, const char *select)
{
    struct schema_snapshot *before = schema_snapshot_take(c);
    if (!before)
        return -1;
    struct strbuf b = {0};
    strbuf_puts(&b, "CREATE VIEW ");
    strbuf_put_ident(&b, name);
    strbuf_printf(&b, " AS %s", select);
    int rc = exec_sql(c, cmd, strbuf_str(&b));
    if (rc == 0)
        rc = undo_schema_changes(c, before);
    schema_snapshot_free(before);
    strbuf_free(&b);
    return rc;
}

/* Creates the view and row of a dynamic segment selecting the rows of source
 * (key column key) that meet `where`. */
static int store_dynamic(ctx *c, const char *cmd, const char *name, const char *source, const char *key,
                         const char *where, const char *label)
{
    struct strbuf def = {0}, rows = {0};
    dynamic_definition(source, key, where, &def);
    strbuf_puts(&rows, "SELECT * FROM ");
    strbuf_put_ident(&rows, source);
    strbuf_printf(&rows, " WHERE %s", where);
    int rc = create_view(c, cmd, name, strbuf_str(&rows));
    if (rc == 0)
        rc = insert_segment(c, cmd, name, "dynamic", strbuf_str(&def), source, label);
    strbuf_free(&def);
    strbuf_free(&rows);
    return rc;
}

/* ---- define: conditions and their helpers ---- */

/* The column (1-based, in characters) of byte offset at in text. */
static size_t char_column(const char *text, size_t at)
{
    size_t col = 1;
    for (size_t i = 0; i < at && text[i]; i++)
        if (((unsigned char)text[i] & 0xC0) != 0x80)
            col++;
    return col;
}

static int condition_error(ctx *c, const char *cmd, const char *msg, const char *text, size_t at)
{
    size_t len = strlen(text);
    if (at > len)
        at = len;
    return ctx_error(c, "%s: %s (at column %zu of the condition: \"%.30s\")", cmd, msg, char_column(text, at),
                     text + at);
}

/* Where the name in "no such column: NAME" stands in text[from, to), or from. */
static size_t find_word(const char *text, size_t from, size_t to, const char *msg)
{
    const char *p = strstr(msg, "no such column: ");
    if (!p)
        return from;
    p += strlen("no such column: ");
    size_t len = strlen(p);
    for (size_t i = from; i + len <= to; i++)
        if (sqlite3_strnicmp(text + i, p, (int)len) == 0)
            return i;
    return from;
}

/* Prepares "prefix BODY suffix", where BODY is text[from, to) as checked (check may
 * differ from text only in blanked helpers), and reports an error at its place in
 * the condition text. */
static int check_part(ctx *c, const char *cmd, const char *prefix, const char *check, const char *text,
                      size_t from, size_t to, const char *suffix)
{
    struct strbuf sql = {0};
    strbuf_puts(&sql, prefix);
    size_t base = sql.len;
    strbuf_append(&sql, check + from, to - from);
    strbuf_puts(&sql, suffix);
    sqlite3_stmt *st = NULL;
    int rc = 0;
    if (sqlite3_prepare_v2(c->db, strbuf_str(&sql), -1, &st, NULL) != SQLITE_OK) {
        int off = sqlite3_error_offset(c->db);
        const char *msg = sqlite3_errmsg(c->db);
        size_t at = off >= (int)base && (size_t)off <= base + (to - from) ? from + (size_t)off - base
                                                                          : find_word(text, from, to, msg);
        rc = condition_error(c, cmd, msg, text, at);
    }
    sqlite3_finalize(st);
    strbuf_free(&sql);
    return rc;
}

struct found_events {
    char *table, *customer, *time, *type, *asof_sql;
};

static void found_events_free(struct found_events *e)
{
    free(e->table);
    free(e->customer);
    free(e->time);
    free(e->type);
    free(e->asof_sql);
}

/* The events the helpers of a condition over `source` read: those of the latest
 * profile build of (or from) source, else a table named events. */
static int find_events(ctx *c, const char *cmd, const char *source, const char *key, struct found_events *e)
{
    memset(e, 0, sizeof *e);
    sqlite3_stmt *st;
    if (prepare_sql(c, cmd, "SELECT events, event_customer, event_time, event_type, profiles_table "
                            "FROM _persona_profiles WHERE (profiles_table = ?1 OR customers = ?1) AND events IS NOT "
                            "NULL ORDER BY command_id DESC LIMIT 1", &st))
        return -1;
    sqlite3_bind_text(st, 1, source, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW && relation_exists(c, (const char *)sqlite3_column_text(st, 0))) {
        e->table = column_dup(st, 0);
        e->customer = column_dup(st, 1);
        e->time = column_dup(st, 2);
        e->type = column_dup(st, 3);
        char *asof = sqlite3_mprintf("(SELECT asof FROM _persona_profiles WHERE profiles_table = %Q ORDER BY "
                                     "command_id DESC LIMIT 1)", (const char *)sqlite3_column_text(st, 4));
        e->asof_sql = xstrdup(asof);
        sqlite3_free(asof);
    }
    sqlite3_finalize(st);
    if (e->table)
        return 0;
    if (!relation_exists(c, "events"))
        return ctx_error(c, "%s: 'did' and 'count of' read an events table, and there is none: load one as "
                            "'events', or build profiles with events=TABLE", cmd);
    const char *customer_names[] = {key, "customerid", "customer", "userid", "clientid", NULL};
    static const char *const customer_contains[] = {"customer", "client", NULL};
    static const char *const time_names[] = {"eventtime", "timestamp", "time", "occurredat", "createdat", "date", NULL};
    static const char *const time_contains[] = {"time", "date", NULL};
    static const char *const type_names[] = {"eventtype", "type", "event", "eventname", "action", NULL};
    e->table = xstrdup("events");
    e->customer = guess_column(c, "events", customer_names, customer_contains, COL_ANY);
    e->time = guess_column(c, "events", time_names, time_contains, COL_DATE);
    e->type = guess_column(c, "events", type_names, NULL, COL_ANY);
    if (!e->customer || !e->time)
        return ctx_error(c, "%s: the events table has no %s column that 'did' and 'count of' need; build profiles "
                            "with events=TABLE and its column options", cmd, e->customer ? "time" : "customer");
    char *asof = sqlite3_mprintf("(SELECT date(max(\"%w\"), '+1 day') FROM \"events\")", e->time);
    e->asof_sql = xstrdup(asof);
    sqlite3_free(asof);
    return 0;
}

/* Checks that the events table has events of the helper's type. */
static int check_event_type(ctx *c, const char *cmd, const char *text, const struct seg_helper *h,
                            const struct found_events *e)
{
    if (!h->event)
        return 0;
    if (!e->type)
        return condition_error(c, cmd, "the events table has no type column: write 'any' for the event", text,
                               h->event_at);
    char *sql = sqlite3_mprintf("SELECT \"%w\", \"%w\" = %Q FROM \"%w\" WHERE \"%w\" IS NOT NULL GROUP BY 1 "
                                "ORDER BY 2 DESC, count(*) DESC", e->type, e->type, h->event, e->table, e->type);
    sqlite3_stmt *st;
    int rc = prepare_sql(c, cmd, sql, &st);
    sqlite3_free(sql);
    if (rc)
        return -1;
    char **types = NULL;
    int n = 0, found = 0;
    while (!found && sqlite3_step(st) == SQLITE_ROW) {
        found = sqlite3_column_int(st, 1);
        types = xrealloc(types, (size_t)(n + 1) * sizeof *types);
        types[n++] = column_dup(st, 0);
    }
    sqlite3_finalize(st);
    if (!found) {
        struct strbuf msg = {0}, list = {0};
        for (int i = 0; i < n && i < 12; i++)
            strbuf_printf(&list, "%s%s", i ? ", " : "", types[i]);
        const char *near = closest_name(h->event, (const char *const *)types, (size_t)n);
        strbuf_printf(&msg, "no '%s' events in %s", h->event, e->table);
        if (near)
            strbuf_printf(&msg, " (did you mean '%s'?)", near);
        strbuf_printf(&msg, "; types: %s", n ? strbuf_str(&list) : "none");
        rc = condition_error(c, cmd, strbuf_str(&msg), text, h->event_at);
        strbuf_free(&msg);
        strbuf_free(&list);
    }
    free_names(types, n);
    return rc;
}

/* Checks each helper's event type and where condition against the events table. */
static int check_helpers(ctx *c, const char *cmd, const char *text, const struct seg_condition *cond,
                         const struct found_events *e)
{
    struct event_source ev = {e->table, e->customer, e->time, e->type, e->asof_sql};
    for (int i = 0; i < cond->n; i++) {
        const struct seg_helper *h = &cond->helpers[i];
        if (check_event_type(c, cmd, text, h, e))
            return -1;
        struct strbuf prefix = {0}, filter = {0};
        strbuf_puts(&prefix, "SELECT 1 FROM ");
        strbuf_put_ident(&prefix, e->table);
        strbuf_puts(&prefix, " WHERE (");
        int rc = h->cond_end > h->cond_start
                     ? check_part(c, cmd, strbuf_str(&prefix), text, text, h->cond_start, h->cond_end, ")")
                     : 0;
        if (rc == 0) {  /* the whole filter: the type and time columns too */
            strbuf_reset(&prefix);
            strbuf_puts(&prefix, "SELECT 1 FROM ");
            strbuf_put_ident(&prefix, e->table);
            strbuf_puts(&prefix, " WHERE ");
            seg_helper_filter_sql(text, h, &ev, &filter);
            rc = check_part(c, cmd, strbuf_str(&prefix), strbuf_str(&filter), strbuf_str(&filter), 0, filter.len, "");
            if (rc)
                rc = condition_error(c, cmd, "the events table does not read as the helper needs", text, h->start);
        }
        strbuf_free(&prefix);
        strbuf_free(&filter);
        if (rc)
            return -1;
    }
    return 0;
}

int segment_define(ctx *c, const char *name, const char *table, const char *condition)
{
    const char *cmd = "segment define";
    if (check_new_name(c, cmd, name) || require_relation(c, cmd, table, 1))
        return -1;
    char *key = segment_table_key(c, cmd, table);
    if (!key)
        return -1;
    struct seg_condition cond;
    size_t at;
    char err[512];
    struct found_events e = {0};
    struct strbuf prefix = {0}, where = {0}, row_key = {0};
    int rc = seg_condition_parse(condition, &cond, &at, err, sizeof err);
    if (rc)
        rc = condition_error(c, cmd, err, condition, at);
    if (rc == 0 && cond.n)
        rc = find_events(c, cmd, table, key, &e) || check_helpers(c, cmd, condition, &cond, &e) ? -1 : 0;
    if (rc == 0) {
        strbuf_puts(&prefix, "SELECT 1 FROM ");
        strbuf_put_ident(&prefix, table);
        strbuf_puts(&prefix, " WHERE ");
        rc = check_part(c, cmd, strbuf_str(&prefix), cond.outer, condition, 0, strlen(condition), "");
    }
    if (rc == 0) {
        strbuf_put_ident(&row_key, table);
        strbuf_putc(&row_key, '.');
        strbuf_put_ident(&row_key, key);
        struct event_source ev = {e.table, e.customer, e.time, e.type, e.asof_sql};
        seg_condition_sql(condition, &cond, strbuf_str(&row_key), &ev, &where);
        rc = store_dynamic(c, cmd, name, table, key, strbuf_str(&where), condition);
    }
    seg_condition_free(&cond);
    found_events_free(&e);
    strbuf_free(&prefix);
    strbuf_free(&where);
    strbuf_free(&row_key);
    free(key);
    return rc;
}

/* ---- combine ---- */

struct operands {
    ctx *c;
    char *source, *key;
};

static int resolve_operand(void *arg, const char *name, struct strbuf *out, char *err, size_t errlen)
{
    struct operands *o = arg;
    struct segment s;
    if (segment_get(o->c, "segment combine", name, &s)) {
        /* the message without the command's name: the caller puts it back with the position */
        snprintf(err, errlen, "%s", o->c->err + strlen("segment combine: "));
        return -1;
    }
    int rc = 0;
    if (!o->source) {
        o->key = segment_table_key(o->c, "segment combine", s.source);
        if (!o->key) {
            snprintf(err, errlen, "%s", o->c->err + strlen("segment combine: "));
            rc = -1;
        } else {
            o->source = xstrdup(s.source);
        }
    } else if (sqlite3_stricmp(o->source, s.source) != 0) {
        snprintf(err, errlen, "'%s' is a segment of %s, not of %s: combine segments of one table", name, s.source,
                 o->source);
        rc = -1;
    }
    if (rc == 0) {
        strbuf_put_ident(out, o->source);
        strbuf_putc(out, '.');
        segment_member_test(o->c, o->source, o->key, s.definition, out);
    }
    segment_free(&s);
    return rc;
}

int segment_combine(ctx *c, const char *name, const char *expr)
{
    const char *cmd = "segment combine";
    if (check_new_name(c, cmd, name))
        return -1;
    struct operands o = {.c = c};
    struct strbuf where = {0};
    size_t at;
    char err[1024];
    int rc = seg_combine_parse(expr, resolve_operand, &o, &where, &at, err, sizeof err);
    if (rc) {
        size_t len = strlen(expr);
        if (at > len)
            at = len;
        rc = ctx_error(c, "%s: %s (at column %zu of the combination: \"%.30s\")", cmd, err, char_column(expr, at),
                       expr + at);
    } else {
        rc = store_dynamic(c, cmd, name, o.source, o.key, strbuf_str(&where), expr);
    }
    strbuf_free(&where);
    free(o.source);
    free(o.key);
    return rc;
}

/* ---- snapshot ---- */

/* NAME_YYYYMMDD_HHMMSS, with what cannot be in a name made '_'. */
static char *snapshot_name(const char *name)
{
    char now[32];
    utc_now(now, sizeof now);
    struct strbuf b = {0};
    if (!isalpha((unsigned char)name[0]) || (unsigned char)name[0] >= 0x80)
        strbuf_puts(&b, "s_");
    for (const char *p = name; *p && b.len < 40; p++)
        strbuf_putc(&b, isalnum((unsigned char)*p) && (unsigned char)*p < 0x80 ? *p : '_');
    strbuf_printf(&b, "_%.4s%.2s%.2s_%.2s%.2s%.2s", now, now + 5, now + 8, now + 11, now + 14, now + 17);
    char *out = xstrdup(strbuf_str(&b));
    strbuf_free(&b);
    return out;
}

int segment_snapshot(ctx *c, const char *name, const char *as, char **made)
{
    const char *cmd = "segment snapshot";
    *made = NULL;
    struct segment s;
    if (segment_get(c, cmd, name, &s))
        return -1;
    char *target = as ? xstrdup(as) : snapshot_name(name);
    char *key = check_new_name(c, cmd, target) ? NULL : segment_table_key(c, cmd, s.source);
    char now[32];
    utc_now(now, sizeof now);
    int rc = key ? 0 : -1;
    if (rc == 0) {
        /* declared by hand, not AS SELECT: SQLite then keeps the quoted name, which a
         * rename (undo of a drop) writes back the same way */
        char *sql = sqlite3_mprintf("CREATE TABLE \"%w\" (\"%w\", snapshot_at TEXT); "
                                    "INSERT INTO \"%w\" WITH m(k) AS (%s) SELECT DISTINCT k, %Q FROM m ORDER BY k; "
                                    "CREATE UNIQUE INDEX \"%w_key\" ON \"%w\"(\"%w\"); "
                                    "INSERT OR REPLACE INTO _persona_tables(name, key_column, source, loaded_at, "
                                    "command_id) VALUES (%Q, %Q, %Q, %Q, %lld)",
                                    target, key, target, s.definition, now, target, target, key, target, key, s.name,
                                    now,
                                    (long long)c->command_id);
        rc = exec_sql(c, cmd, sql) || undo_table_created(c, target) ? -1 : 0;
        sqlite3_free(sql);
    }
    if (rc == 0) {
        struct strbuf def = {0}, label = {0};
        strbuf_puts(&def, "SELECT ");
        strbuf_put_ident(&def, key);
        strbuf_puts(&def, " FROM ");
        strbuf_put_ident(&def, target);
        strbuf_printf(&label, "snapshot of %s at %s", s.name, now);
        rc = insert_segment(c, cmd, target, "static", strbuf_str(&def), s.source, strbuf_str(&label));
        strbuf_free(&def);
        strbuf_free(&label);
    }
    if (rc == 0)
        *made = target;
    else
        free(target);
    free(key);
    segment_free(&s);
    return rc;
}

/* ---- drop ---- */

/* Refuses to drop a static segment's table while other segments read it. */
static int check_unused(ctx *c, const char *cmd, const char *name)
{
    struct strbuf quoted = {0};
    strbuf_put_ident(&quoted, name);
    sqlite3_stmt *st;
    int rc = prepare_sql(c, cmd, "SELECT group_concat(name, ', ') FROM _persona_segments WHERE name <> ?1 "
                                 "AND instr(definition, ?2) > 0", &st);
    if (rc == 0) {
        sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, strbuf_str(&quoted), -1, SQLITE_STATIC);
        if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
            rc = ctx_error(c, "%s: the segments %s read the members of '%s'; drop them first", cmd,
                           (const char *)sqlite3_column_text(st, 0), name);
        sqlite3_finalize(st);
    }
    strbuf_free(&quoted);
    return rc;
}

/* Whether the workspace has a view (or, with table set, a table) of that name. */
static int has_object(ctx *c, const char *name, const char *type)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(c->db, "SELECT 1 FROM sqlite_master WHERE type = ? AND name = ? COLLATE NOCASE", -1, &st,
                           NULL) != SQLITE_OK)
        return 0;
    sqlite3_bind_text(st, 1, type, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
    int found = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_finalize(st);
    return found;
}

int segment_drop(ctx *c, const char *name)
{
    const char *cmd = "segment drop";
    struct segment s;
    if (segment_get(c, cmd, name, &s))
        return -1;
    int rc = 0;
    if (strcmp(s.kind, "static") == 0 && has_object(c, s.name, "table")) {
        rc = check_unused(c, cmd, s.name) || undo_table_stashed(c, s.name) ? -1 : 0;
    } else if (strcmp(s.kind, "dynamic") == 0 && has_object(c, s.name, "view")) {
        struct schema_snapshot *before = schema_snapshot_take(c);
        char *sql = sqlite3_mprintf("DROP VIEW \"%w\"", s.name);
        rc = !before || exec_sql(c, cmd, sql) || undo_schema_changes(c, before) ? -1 : 0;
        sqlite3_free(sql);
        schema_snapshot_free(before);
    }
    char *where = sqlite3_mprintf("name = %Q", s.name);
    if (rc == 0)
        rc = replace_rows(c, cmd, where);
    sqlite3_free(where);
    segment_free(&s);
    return rc;
}

/* ---- from-cluster ---- */

int segment_from_cluster(ctx *c, const char *model)
{
    const char *cmd = "segment from-cluster";
    sqlite3_stmt *st;
    if (prepare_sql(c, cmd, "SELECT id, source_table, kind FROM _persona_models WHERE name = ? AND labels IS NOT NULL "
                            "ORDER BY id DESC LIMIT 1", &st))
        return -1;
    sqlite3_bind_text(st, 1, model, -1, SQLITE_STATIC);
    int64_t id = 0;
    char *source = NULL;
    if (sqlite3_step(st) == SQLITE_ROW) {
        id = sqlite3_column_int64(st, 0);
        source = column_dup(st, 1);
    }
    sqlite3_finalize(st);
    if (!id) {
        char **names = NULL;
        int n = 0;
        if (sqlite3_prepare_v2(c->db, "SELECT DISTINCT name FROM _persona_models WHERE labels IS NOT NULL ORDER BY 1",
                               -1, &st, NULL) == SQLITE_OK) {
            while (sqlite3_step(st) == SQLITE_ROW) {
                names = xrealloc(names, (size_t)(n + 1) * sizeof *names);
                names[n++] = column_dup(st, 0);
            }
            sqlite3_finalize(st);
        }
        const char *near = closest_name(model, (const char *const *)names, (size_t)n);
        if (near)
            ctx_error(c, "%s: no clustering named '%s' (did you mean '%s'?)", cmd, model, near);
        else
            ctx_error(c, "%s: no clustering named '%s'; 'cluster kmeans TABLE features=… as NAME' makes one", cmd,
                      model);
        free_names(names, n);
        return -1;
    }
    if (!table_exists(c, model)) {
        free(source);
        return ctx_error(c, "%s: the clustering's result table '%s' is gone; run the clustering again", cmd, model);
    }
    char **labels = NULL;
    int k = 0, noise = 0;
    int rc = prepare_sql(c, cmd, "SELECT value FROM json_each((SELECT labels FROM _persona_models WHERE id = ?)) "
                                 "ORDER BY key", &st);
    if (rc == 0) {
        sqlite3_bind_int64(st, 1, id);
        while (sqlite3_step(st) == SQLITE_ROW) {
            labels = xrealloc(labels, (size_t)(k + 1) * sizeof *labels);
            labels[k++] = column_dup(st, 0);
        }
        sqlite3_finalize(st);
        char *sql = sqlite3_mprintf("SELECT EXISTS (SELECT 1 FROM \"%w\" WHERE cluster = -1)", model);
        rc = prepare_sql(c, cmd, sql, &st);
        sqlite3_free(sql);
    }
    if (rc == 0) {
        noise = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0);
        sqlite3_finalize(st);
        char *where = sqlite3_mprintf("model_id IN (SELECT id FROM _persona_models WHERE name = %Q)", model);
        rc = replace_rows(c, cmd, where);
        sqlite3_free(where);
    }
    if (rc == 0)
        rc = model_store_segments(c, cmd, id, model, source, k, (const char *const *)labels, noise);
    free_names(labels, k);
    free(source);
    return rc;
}
