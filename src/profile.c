/* profile.c — the profiles table, and one customer's card. */
#include "profile.h"

#include <ctype.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "colguess.h"
#include "consent.h"
#include "resultset.h"
#include "rfm.h"
#include "sink.h"
#include "strbuf.h"
#include "undo.h"
#include "workspace.h"

enum { MAX_EVENT_TYPES = 12 };

static void put(char *dst, size_t size, const char *s)
{
    snprintf(dst, size, "%s", s ? s : "");
}

/* A column given as an option (checked), else guessed; "" when neither.  Returns -1
 * only for a given column that does not exist. */
static int pick(ctx *c, const char *option, const char *given, const char *table, const char *const *names,
                const char *const *contains, enum col_content content, char *out, size_t size)
{
    char *col = given ? require_column(c, "profile build", option, table, given)
                      : guess_column(c, table, names, contains, content);
    if (given && !col)
        return -1;
    put(out, size, col);
    free(col);
    return 0;
}

/* The consent column: as given, or the one whose name says consent in whole words;
 * several candidates are refused, so the analyst names the one that holds. */
static int pick_consent(ctx *c, const struct profile_options *o, struct profile_report *rep)
{
    if (o->consent)
        return pick(c, "consent", o->consent, o->customers, NULL, NULL, COL_ANY, rep->consent, sizeof rep->consent);
    int n, polarity;
    char **cols = table_columns(c, "profile build", o->customers, &n);
    struct strbuf candidates = {0};
    int i = consent_find_column((const char *const *)cols, n, &polarity, &candidates);
    int rc = 0;
    if (i == -2)
        rc = ctx_error(c, "profile build: more than one column could hold the consent (%s); name the one that does "
                          "with consent=COL", strbuf_str(&candidates));
    else if (i >= 0)
        put(rep->consent, sizeof rep->consent, cols[i]);
    strbuf_free(&candidates);
    free_names(cols, n);
    return rc;
}

/* The column of table named like the customers' key, else a customer-like one. */
static int pick_link(ctx *c, const char *option, const char *given, const char *table, const char *key,
                     char *out, size_t size)
{
    static const char *const names[] = {"customerid", "customer", "custid", "clientid", "userid", NULL};
    static const char *const contains[] = {"customer", "client", NULL};
    const char *same[] = {NULL, NULL};
    char sq[128];
    size_t k = 0;
    for (const char *p = key; *p && k + 1 < sizeof sq; p++)
        if (*p != '_' && *p != ' ' && *p != '-')
            sq[k++] = (char)tolower((unsigned char)*p);
    sq[k] = '\0';
    same[0] = sq;
    if (pick(c, option, given, table, same, NULL, COL_ANY, out, size))
        return -1;
    if (!out[0] && !given && pick(c, option, NULL, table, names, contains, COL_ANY, out, size))
        return -1;
    if (!out[0])
        return ctx_error(c, "profile build: no column of %s links to the customers' %s; give %s=COL", table, key, option);
    return 0;
}

/* One number from a query, with :asof bound when it has one. */
static int64_t query_int_asof(ctx *c, const char *sql, const char *asof)
{
    sqlite3_stmt *st;
    int64_t v = -1;
    if (sqlite3_prepare_v2(c->db, sql, -1, &st, NULL) == SQLITE_OK) {
        int i = sqlite3_bind_parameter_index(st, ":asof");
        if (i)
            sqlite3_bind_text(st, i, asof, -1, SQLITE_STATIC);
        if (sqlite3_step(st) == SQLITE_ROW)
            v = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
    }
    return v;
}

/* Optional tables: given ones must exist; by default the usual names are used when
 * present.  *out receives the table or NULL. */
static int optional_table(ctx *c, const char *given, const char *usual, const char **out)
{
    *out = NULL;
    if (given) {
        if (require_relation(c, "profile build", given, 1))
            return -1;
        *out = given;
    } else if (usual && relation_exists(c, usual)) {
        *out = usual;
    }
    return 0;
}

/* The names metrics take: a customers column of that name becomes attr_NAME. */
static int is_metric_name(const char *name)
{
    static const char *const metrics[] = {"consent", "orders", "revenue", "avg_order_value", "first_order",
                                          "last_order", "recency_days", "top_category", "last_event",
                                          "r", "f", "m", "segment", NULL};
    for (int i = 0; metrics[i]; i++)
        if (sqlite3_stricmp(name, metrics[i]) == 0)
            return 1;
    return sqlite3_strnicmp(name, "events_", 7) == 0;
}

/* "events_page_view": a column name for an event type. */
static void event_column(const char *type, struct strbuf *b)
{
    strbuf_puts(b, "events_");
    size_t start = b->len;
    for (const char *p = type; *p && b->len - start < 40; p++)
        strbuf_putc(b, isalnum((unsigned char)*p) ? (char)tolower((unsigned char)*p) : '_');
}

/* Appends a fact table's customer column as the customers' key type.  Where the
 * types already agree it is the column itself, which keeps its affinity, so the
 * join to the customers can use an index; only keys of another type are
 * converted (key_cast_sql). */
static void fact_key_sql(ctx *c, const char *key_type, const char *table, const char *col, const char *expr,
                         struct strbuf *q)
{
    if (strcmp(column_key_type(c, table, col), key_type) == 0)
        strbuf_puts(q, expr);
    else
        key_cast_sql(key_type, expr, q);
}

/* The SELECT that makes the profiles. */
static int build_sql(ctx *c, const struct profile_options *o, struct profile_report *rep, const char *orders,
                     const char *events, struct rfm_options *ro, struct rfm_report *rr, struct strbuf *q)
{
    const char *key_type = column_key_type(c, o->customers, rep->key);
    int with = 0;
    if (orders) {
        /* the orders' customers are brought to the customers' key type: a join of
         * integers with text would drop every order silently */
        rfm_base_sql(c, ro, rr, rep->category[0] ? rep->category : NULL, q);
        strbuf_puts(q, ", o AS (SELECT ");
        fact_key_sql(c, key_type, orders, rep->order_customer, "customer", q);
        strbuf_printf(q, " AS customer, count(DISTINCT CASE WHEN why = 0 THEN ord END) AS orders, round(%s, 2) AS revenue, "
                         "min(CASE WHEN why = 0 THEN d END) AS first_order, max(CASE WHEN why = 0 THEN d END) AS last_order "
                         "FROM base WHERE %s GROUP BY 1 HAVING %s)",
                      rfm_money_sql(ro), rfm_kept_rows(ro), RFM_HAS_PURCHASE);
        if (rep->category[0]) {
            strbuf_puts(q, ", cat AS (SELECT ");
            fact_key_sql(c, key_type, orders, rep->order_customer, "customer", q);
            strbuf_puts(q, " AS customer, extra AS category FROM (SELECT customer, extra, "
                           "row_number() OVER (PARTITION BY customer ORDER BY count(*) DESC, sum(amount) DESC, extra) "
                           "AS rn FROM base WHERE why = 0 AND extra IS NOT NULL GROUP BY customer, extra) WHERE rn = 1)");
        }
        with = 1;
    }
    char **types = NULL;
    int ntypes = 0;
    if (events) {
        strbuf_puts(q, with ? ", " : "WITH ");
        strbuf_puts(q, "e AS (SELECT ");
        struct strbuf col = {0};
        strbuf_put_ident(&col, rep->event_customer);
        fact_key_sql(c, key_type, events, rep->event_customer, strbuf_str(&col), q);
        strbuf_free(&col);
        strbuf_puts(q, " AS customer, count(*) AS events_total, sum(julianday(");
        strbuf_put_ident(q, rep->event_time);
        strbuf_puts(q, ") >= julianday(:asof) - 7) AS events_7d, sum(julianday(");
        strbuf_put_ident(q, rep->event_time);
        strbuf_puts(q, ") >= julianday(:asof) - 30) AS events_30d, max(");
        strbuf_put_ident(q, rep->event_time);
        strbuf_puts(q, ") AS last_event");
        if (rep->event_type[0]) {
            char *sql = sqlite3_mprintf("SELECT \"%w\" FROM \"%w\" WHERE \"%w\" IS NOT NULL GROUP BY 1 "
                                        "ORDER BY count(*) DESC, 1 LIMIT %d", rep->event_type, events,
                                        rep->event_type, MAX_EVENT_TYPES);
            sqlite3_stmt *st;
            if (prepare_sql(c, "profile build", sql, &st) == 0) {
                while (sqlite3_step(st) == SQLITE_ROW) {
                    types = xrealloc(types, (size_t)(ntypes + 1) * sizeof *types);
                    types[ntypes++] = xstrdup((const char *)sqlite3_column_text(st, 0));
                }
                sqlite3_finalize(st);
            }
            sqlite3_free(sql);
            for (int i = 0; i < ntypes; i++) {
                strbuf_puts(q, ", sum(");
                strbuf_put_ident(q, rep->event_type);
                char *lit = sqlite3_mprintf(" = %Q) AS ", types[i]);
                strbuf_puts(q, lit);
                sqlite3_free(lit);
                struct strbuf name = {0};
                event_column(types[i], &name);
                strbuf_put_ident(q, strbuf_str(&name));
                strbuf_free(&name);
            }
        }
        strbuf_puts(q, " FROM ");
        strbuf_put_ident(q, events);
        strbuf_puts(q, " WHERE ");
        strbuf_put_ident(q, rep->event_customer);
        strbuf_puts(q, " IS NOT NULL AND julianday(");
        strbuf_put_ident(q, rep->event_time);
        strbuf_puts(q, ") < julianday(:asof) GROUP BY 1)");
    }
    rep->event_types = ntypes;
    strbuf_puts(q, " SELECT ");
    /* the attributes */
    char *sql = sqlite3_mprintf("SELECT name FROM pragma_table_info(%Q) ORDER BY cid", o->customers);
    sqlite3_stmt *st;
    int rc = prepare_sql(c, "profile build", sql, &st);
    sqlite3_free(sql);
    int first = 1;
    while (rc == 0 && sqlite3_step(st) == SQLITE_ROW) {
        const char *col = (const char *)sqlite3_column_text(st, 0);
        if (!first)
            strbuf_puts(q, ", ");
        first = 0;
        strbuf_puts(q, "c.");
        strbuf_put_ident(q, col);
        if (is_metric_name(col) && sqlite3_stricmp(col, rep->key) != 0) {
            struct strbuf renamed = {0};
            strbuf_printf(&renamed, "attr_%s", col);
            strbuf_puts(q, " AS ");
            strbuf_put_ident(q, strbuf_str(&renamed));
            strbuf_free(&renamed);
        }
    }
    sqlite3_finalize(st);
    if (rep->consent[0]) {
        struct strbuf col = {0};
        strbuf_puts(&col, "c.");
        strbuf_put_ident(&col, rep->consent);
        strbuf_puts(q, ", ");
        consent_sql(q, strbuf_str(&col), consent_column_polarity(rep->consent));
        strbuf_puts(q, " AS consent");
        strbuf_free(&col);
    }
    if (orders) {
        strbuf_puts(q, ", coalesce(o.orders, 0) AS orders, coalesce(o.revenue, 0) AS revenue, "
                       "round(o.revenue / o.orders, 2) AS avg_order_value, o.first_order, o.last_order, "
                       "CAST(julianday(:asof) - julianday(date(o.last_order)) AS INTEGER) AS recency_days");
        if (rep->category[0])
            strbuf_puts(q, ", cat.category AS top_category");
    }
    if (events) {
        strbuf_puts(q, ", coalesce(e.events_7d, 0) AS events_7d, coalesce(e.events_30d, 0) AS events_30d, "
                       "coalesce(e.events_total, 0) AS events_total, e.last_event");
        for (int i = 0; i < ntypes; i++) {
            struct strbuf name = {0};
            event_column(types[i], &name);
            strbuf_puts(q, ", coalesce(e.");
            strbuf_put_ident(q, strbuf_str(&name));
            strbuf_puts(q, ", 0) AS ");
            strbuf_put_ident(q, strbuf_str(&name));
            strbuf_free(&name);
        }
    }
    if (rep->rfm[0])
        strbuf_puts(q, ", rfm.r, rfm.f, rfm.m, rfm.segment");
    strbuf_puts(q, " FROM ");
    strbuf_put_ident(q, o->customers);
    strbuf_puts(q, " c");
    if (orders) {
        strbuf_puts(q, " LEFT JOIN o ON o.customer = c.");
        strbuf_put_ident(q, rep->key);
        if (rep->category[0]) {
            strbuf_puts(q, " LEFT JOIN cat ON cat.customer = c.");
            strbuf_put_ident(q, rep->key);
        }
    }
    if (events) {
        strbuf_puts(q, " LEFT JOIN e ON e.customer = c.");
        strbuf_put_ident(q, rep->key);
    }
    if (rep->rfm[0]) {
        strbuf_puts(q, " LEFT JOIN ");
        strbuf_put_ident(q, rep->rfm);
        strbuf_puts(q, " rfm ON ");
        fact_key_sql(c, key_type, rep->rfm, "customer", "rfm.customer", q);
        strbuf_puts(q, " = c.");
        strbuf_put_ident(q, rep->key);
    }
    for (int i = 0; i < ntypes; i++)
        free(types[i]);
    free(types);
    return rc;
}

/* Runs a query giving one date, and keeps it in latest (YYYY-MM-DD) when later. */
static int later_date(ctx *c, const char *sql, char *latest, size_t size)
{
    sqlite3_stmt *st;
    if (prepare_sql(c, "profile build: asof", sql, &st))
        return -1;
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0)) {
        const char *d = (const char *)sqlite3_column_text(st, 0);
        if (strcmp(d, latest) > 0)
            put(latest, size, d);
    }
    sqlite3_finalize(st);
    return 0;
}

/* The as-of date: given, or the day after the latest counted order or event, or
 * today when there are neither. */
static int settle_asof(ctx *c, const struct profile_options *o, struct profile_report *rep, const char *orders,
                       const char *events, struct rfm_options *ro, struct rfm_report *rr)
{
    char latest[16] = "";
    struct strbuf q = {0};
    int rc = 0;
    if (o->asof) {
        char *sql = sqlite3_mprintf("SELECT date(%Q)", o->asof);
        rc = later_date(c, sql, latest, sizeof latest);
        sqlite3_free(sql);
        if (rc == 0 && !latest[0])
            rc = ctx_error(c, "profile build: asof=%s: expected a date as YYYY-MM-DD", o->asof);
        put(rep->asof, sizeof rep->asof, latest);
        return rc;
    }
    if (orders) {
        rfm_base_sql(c, ro, rr, NULL, &q);
        strbuf_puts(&q, " SELECT date(max(d)) FROM base WHERE why = 0");
        rc = later_date(c, strbuf_str(&q), latest, sizeof latest);
    }
    if (rc == 0 && events) {
        strbuf_reset(&q);
        strbuf_puts(&q, "SELECT date(max(");
        strbuf_put_ident(&q, rep->event_time);
        strbuf_puts(&q, ")) FROM ");
        strbuf_put_ident(&q, events);
        strbuf_puts(&q, " WHERE julianday(");
        strbuf_put_ident(&q, rep->event_time);
        strbuf_puts(&q, ") IS NOT NULL");
        rc = later_date(c, strbuf_str(&q), latest, sizeof latest);
    }
    strbuf_free(&q);
    if (rc)
        return -1;
    if (latest[0]) {
        char *sql = sqlite3_mprintf("SELECT date(%Q, '+1 day')", latest);
        latest[0] = '\0';
        rc = later_date(c, sql, latest, sizeof latest);
        sqlite3_free(sql);
    } else {
        char now[32];
        utc_now(now, sizeof now);
        snprintf(latest, sizeof latest, "%.10s", now);
    }
    put(rep->asof, sizeof rep->asof, latest);
    return rc;
}

/* Checks the customers' key: present, on every row, unique. */
static int settle_key(ctx *c, const struct profile_options *o, struct profile_report *rep)
{
    static const char *const names[] = {"customerid", "customer", "custid", "clientid", "userid", "id", NULL};
    char *recorded = o->key ? NULL : table_key_column(c, o->customers);
    int rc = pick(c, "key", o->key ? o->key : recorded, o->customers, names, NULL, COL_ANY, rep->key, sizeof rep->key);
    free(recorded);
    if (rc)
        return -1;
    if (!rep->key[0])
        return ctx_error(c, "profile build: %s has no key column (none recorded, none named like customer_id); "
                         "give key=COL", o->customers);
    char *sql = sqlite3_mprintf("SELECT count(*) - count(\"%w\"), count(\"%w\") - count(DISTINCT \"%w\"), count(*) "
                                "FROM \"%w\"", rep->key, rep->key, rep->key, o->customers);
    sqlite3_stmt *st;
    rc = prepare_sql(c, "profile build", sql, &st);
    sqlite3_free(sql);
    if (rc)
        return -1;
    if (sqlite3_step(st) == SQLITE_ROW) {
        int64_t missing = sqlite3_column_int64(st, 0), repeated = sqlite3_column_int64(st, 1);
        rep->customers = sqlite3_column_int64(st, 2);
        if (rep->customers == 0)
            rc = ctx_error(c, "profile build: %s has no rows", o->customers);
        else if (missing)
            rc = ctx_error(c, "profile build: key %s is empty on %lld rows of %s; give key=COL with a value on "
                           "every row", rep->key, (long long)missing, o->customers);
        else if (repeated)
            rc = ctx_error(c, "profile build: key %s is not unique in %s (%lld repeated values); dedupe first, "
                           "or give key=COL", rep->key, o->customers, (long long)repeated);
    }
    sqlite3_finalize(st);
    return rc;
}

/* Records the mapping for `profile KEY`, the table's key, and how undo forgets them. */
static int record_profile(ctx *c, const struct profile_options *o, const struct profile_report *rep,
                          const char *orders, const char *events)
{
    char now[32];
    utc_now(now, sizeof now);
#define OPT(s) ((s)[0] ? (s) : NULL)
    char *sql = sqlite3_mprintf(
        "INSERT OR REPLACE INTO _persona_profiles(command_id, profiles_table, customers, key_column, email_column, "
        "consent_column, orders, order_customer, order_date, amount, order_id, category, events, event_customer, "
        "event_time, event_type, rfm, asof, built_at) VALUES (%lld, %Q, %Q, %Q, %Q, %Q, %Q, %Q, %Q, %Q, %Q, %Q, "
        "%Q, %Q, %Q, %Q, %Q, %Q, %Q); "
        "INSERT OR REPLACE INTO _persona_tables(name, key_column, source, loaded_at, command_id) "
        "VALUES (%Q, %Q, %Q, %Q, %lld)",
        (long long)c->command_id, o->out, o->customers, rep->key, OPT(rep->email), OPT(rep->consent), orders,
        OPT(rep->order_customer), OPT(rep->order_date), OPT(rep->amount), OPT(rep->order_id), OPT(rep->category),
        events, OPT(rep->event_customer), OPT(rep->event_time), OPT(rep->event_type), OPT(rep->rfm), rep->asof, now,
        o->out, rep->key, o->customers, now, (long long)c->command_id);
#undef OPT
    int rc = exec_sql(c, "profile build", sql);
    sqlite3_free(sql);
    if (rc == 0) {
        sql = sqlite3_mprintf("DELETE FROM _persona_profiles WHERE command_id = %lld", (long long)c->command_id);
        rc = undo_exec(c, sql);
        sqlite3_free(sql);
    }
    return rc;
}

static int count_order_flow(ctx *c, const struct profile_options *o, struct profile_report *rep,
                            const struct rfm_options *ro, const struct rfm_report *rr);
static int count_event_flow(ctx *c, const struct profile_options *o, struct profile_report *rep, const char *events);

int profile_build(ctx *c, const struct profile_options *o, struct profile_report *rep)
{
    memset(rep, 0, sizeof *rep);
    static const char *const email_contains[] = {"email", "mail", NULL};
    static const char *const category_names[] = {"category", "productcategory", NULL};
    static const char *const category_contains[] = {"category", NULL};
    static const char *const time_names[] = {"eventtime", "timestamp", "time", "occurredat", "createdat", "date", NULL};
    static const char *const time_contains[] = {"time", "date", NULL};
    static const char *const type_names[] = {"eventtype", "type", "event", "eventname", "action", NULL};
    if (require_relation(c, "profile build", o->customers, 1))
        return -1;
    const char *orders, *events, *rfm;
    if (optional_table(c, o->orders, "orders", &orders) || optional_table(c, o->events, "events", &events) ||
        optional_table(c, o->rfm, "rfm", &rfm))
        return -1;
    if (settle_key(c, o, rep) ||
        pick(c, "email", o->email, o->customers, NULL, email_contains, COL_ANY, rep->email, sizeof rep->email) ||
        pick_consent(c, o, rep))
        return -1;
    struct rfm_options ro = {.orders = orders};
    struct rfm_report rr = {0};
    if (orders) {
        if (pick_link(c, "order_customer", o->order_customer, orders, rep->key, rep->order_customer,
                      sizeof rep->order_customer))
            return -1;
        ro.customer = rep->order_customer;
        ro.date = o->order_date;
        ro.amount = o->amount;
        ro.order = o->order_id;
        ro.gross = o->gross;
        if (rfm_choose_columns(c, &ro, &rr))
            return ctx_error_prefix(c, "profile build");
        if (money_plan(c, "profile build", orders, NULL, &o->money, &rr.money))
            return -1;
        rep->money = rr.money;
        put(rep->order_date, sizeof rep->order_date, rr.date);
        put(rep->amount, sizeof rep->amount, rr.amount);
        put(rep->order_id, sizeof rep->order_id, rr.order);
        if (pick(c, "category", o->category, orders, category_names, category_contains, COL_ANY, rep->category,
                 sizeof rep->category))
            return -1;
    }
    if (events) {
        if (pick_link(c, "event_customer", o->event_customer, events, rep->key, rep->event_customer,
                      sizeof rep->event_customer) ||
            pick(c, "event_time", o->event_time, events, time_names, time_contains, COL_DATE, rep->event_time,
                 sizeof rep->event_time) ||
            pick(c, "event_type", o->event_type, events, type_names, NULL, COL_ANY, rep->event_type,
                 sizeof rep->event_type))
            return -1;
        if (!rep->event_time[0])
            return ctx_error(c, "profile build: no time column found in %s; give event_time=COL", events);
    }
    if (rfm) {
        char *col = guess_column(c, rfm, (const char *const[]){"customer", NULL}, NULL, COL_ANY);
        if (col)
            put(rep->rfm, sizeof rep->rfm, rfm);
        else if (o->rfm)
            return ctx_error(c, "profile build: rfm=%s has no customer column; make it with 'rfm ORDERS as %s'",
                             rfm, rfm);
        free(col);
    }
    if (settle_asof(c, o, rep, orders, events, &ro, &rr))
        return -1;
    if (o->asof)    /* orders on or after it are left out, as rfm does */
        ro.asof = rep->asof;
    struct strbuf q = {0};
    if (table_exists(c, o->out) && undo_table_stashed(c, o->out))
        return -1;
    strbuf_puts(&q, "CREATE TABLE ");
    strbuf_put_ident(&q, o->out);
    strbuf_puts(&q, " AS ");
    int rc = build_sql(c, o, rep, orders, events, &ro, &rr, &q);
    sqlite3_stmt *st = NULL;
    if (rc == 0 && prepare_sql(c, "profile build", strbuf_str(&q), &st) == 0) {
        int i = sqlite3_bind_parameter_index(st, ":asof");
        if (i)
            sqlite3_bind_text(st, i, rep->asof, -1, SQLITE_STATIC);
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = ctx_sqlite_error(c, "profile build");
        sqlite3_finalize(st);
    } else {
        rc = -1;
    }
    strbuf_free(&q);
    if (rc == 0)
        rc = undo_table_created(c, o->out);
    if (rc == 0) {
        char *sql = sqlite3_mprintf("CREATE UNIQUE INDEX \"%w_key\" ON \"%w\"(\"%w\")", o->out, o->out, rep->key);
        rc = exec_sql(c, "profile build", sql);
        sqlite3_free(sql);
    }
    if (rc == 0)
        rc = record_profile(c, o, rep, orders, events);
    if (rc)
        return -1;
    /* the counts for the summary */
    char *sql;
    if (orders) {
        sql = sqlite3_mprintf("SELECT count(*) FROM \"%w\" WHERE orders > 0", o->out);
        rep->with_orders = query_int_asof(c, sql, NULL);
        sqlite3_free(sql);
        if (count_order_flow(c, o, rep, &ro, &rr))
            return -1;
    }
    if (events && count_event_flow(c, o, rep, events))
        return -1;
    if (events) {
        sql = sqlite3_mprintf("SELECT count(*) FROM \"%w\" WHERE events_total > 0", o->out);
        rep->with_events = query_int_asof(c, sql, NULL);
        sqlite3_free(sql);
    }
    if (rep->consent[0]) {
        sql = sqlite3_mprintf("SELECT sum(consent = 1), sum(consent = 0), sum(consent IS NULL) FROM \"%w\"", o->out);
        if (prepare_sql(c, "profile build", sql, &st) == 0) {
            if (sqlite3_step(st) == SQLITE_ROW) {
                rep->consent_yes = sqlite3_column_int64(st, 0);
                rep->consent_no = sqlite3_column_int64(st, 1);
                rep->consent_unknown = sqlite3_column_int64(st, 2);
            }
            sqlite3_finalize(st);
        }
        sqlite3_free(sql);
    }
    return 0;
}

/* ---- conservation: where every fact row went ---- */

/* Runs a query of one row of counts into out[0..n), with :asof bound. */
static int query_counts(ctx *c, const char *sql, const char *asof, int64_t *const *out, int n)
{
    sqlite3_stmt *st;
    if (prepare_sql(c, "profile build: counts", sql, &st))
        return -1;
    int i = sqlite3_bind_parameter_index(st, ":asof");
    if (i)
        sqlite3_bind_text(st, i, asof, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st) == SQLITE_ROW ? 0 : ctx_sqlite_error(c, "profile build: counts");
    for (int k = 0; rc == 0 && k < n; k++)
        *out[k] = sqlite3_column_int64(st, k);
    sqlite3_finalize(st);
    return rc;
}

/* "(KEYCAST(expr)) IN (SELECT key FROM customers)": whether a fact's customer is
 * one of the customers, compared like with like. */
static void known_customer_sql(ctx *c, const struct profile_options *o, const struct profile_report *rep,
                               const char *expr, struct strbuf *q)
{
    strbuf_puts(q, "(");
    key_cast_sql(column_key_type(c, o->customers, rep->key), expr, q);
    strbuf_puts(q, ") IN (SELECT ");
    strbuf_put_ident(q, rep->key);
    strbuf_puts(q, " FROM ");
    strbuf_put_ident(q, o->customers);
    strbuf_puts(q, ")");
}

/* Counts where every order row went: each row lands in exactly one count.  One pass
 * over the orders, grouped by customer, so whether a customer is known and has a
 * purchase is asked once per customer, not once per row. */
static int count_order_flow(ctx *c, const struct profile_options *o, struct profile_report *rep,
                            const struct rfm_options *ro, const struct rfm_report *rr)
{
    struct fact_flow *f = &rep->orders;
    struct strbuf q = {0};
    rfm_base_sql(c, ro, rr, NULL, &q);
    strbuf_puts(&q, ", g AS (SELECT customer, count(*) AS n, sum(why = 0) AS buys, sum(why IN (4, 5)) AS returns, "
                    "sum(why = 1) AS no_customer, sum(why = 2) AS no_date, sum(why IN (3, 6)) AS later, "
                    "sum(why = 7) AS no_currency, sum(why = 8) AS no_rate FROM base GROUP BY customer), "
                    "k AS (SELECT *, ");
    known_customer_sql(c, o, rep, "customer", &q);
    strbuf_puts(&q, " AS known FROM g) SELECT coalesce(sum(n), 0), coalesce(sum(CASE WHEN known THEN buys END), 0), ");
    strbuf_puts(&q, ro->gross ? "0, coalesce(sum(CASE WHEN known THEN returns END), 0), "
                              : "coalesce(sum(CASE WHEN known AND buys > 0 THEN returns END), 0), "
                                "coalesce(sum(CASE WHEN known AND buys = 0 THEN returns END), 0), ");
    strbuf_puts(&q, "coalesce(sum(no_customer), 0), coalesce(sum(no_date), 0), coalesce(sum(later), 0), "
                    "coalesce(sum(no_currency), 0), coalesce(sum(no_rate), 0), "
                    "coalesce(sum(CASE WHEN NOT known THEN buys + returns END), 0) FROM k");
    int64_t *const out[] = {&f->rows, &f->used, &f->netted, &f->returns_left_out, &f->no_customer, &f->no_date,
                            &f->after_asof, &f->no_currency, &f->no_rate, &f->unknown_customer};
    int rc = query_counts(c, strbuf_str(&q), rep->asof, out, 10);
    strbuf_free(&q);
    return rc;
}

/* Counts where every event row went, as the profile's e CTE reads them: one pass,
 * each time read once. */
static int count_event_flow(ctx *c, const struct profile_options *o, struct profile_report *rep, const char *events)
{
    struct fact_flow *f = &rep->events;
    struct strbuf q = {0};
    strbuf_puts(&q, "SELECT count(*), coalesce(sum(cu IS NULL), 0), coalesce(sum(cu IS NOT NULL AND jd IS NULL), 0), "
                    "coalesce(sum(cu IS NOT NULL AND jd >= julianday(:asof)), 0), coalesce(sum(ok AND NOT known), 0), "
                    "coalesce(sum(ok AND known), 0) FROM (SELECT cu, jd, cu IS NOT NULL AND jd < julianday(:asof) AS ok, ");
    known_customer_sql(c, o, rep, "cu", &q);
    strbuf_puts(&q, " AS known FROM (SELECT ");
    strbuf_put_ident(&q, rep->event_customer);
    strbuf_puts(&q, " AS cu, julianday(");
    strbuf_put_ident(&q, rep->event_time);
    strbuf_puts(&q, ") AS jd FROM ");
    strbuf_put_ident(&q, events);
    strbuf_puts(&q, "))");
    int64_t *const out[] = {&f->rows, &f->no_customer, &f->no_date, &f->after_asof, &f->unknown_customer, &f->used};
    int rc = query_counts(c, strbuf_str(&q), rep->asof, out, 6);
    strbuf_free(&q);
    return rc;
}

/* ---- the card ---- */

struct mapping {
    char *customers, *key, *email, *orders, *order_customer, *order_date, *events, *event_customer, *event_time;
};

static char *column_dup(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    return t ? xstrdup((const char *)t) : NULL;
}

static void mapping_free(struct mapping *m)
{
    free(m->customers);
    free(m->key);
    free(m->email);
    free(m->orders);
    free(m->order_customer);
    free(m->order_date);
    free(m->events);
    free(m->event_customer);
    free(m->event_time);
}

/* The last 10 rows of table for the customer, newest first, as a named block. */
static int recent_rows(ctx *c, const char *name, const char *table, const char *link, const char *time,
                       sqlite3_value *key)
{
    if (!table || !link || !relation_exists(c, table))
        return 0;
    struct strbuf q = {0};
    strbuf_puts(&q, "SELECT * FROM ");
    strbuf_put_ident(&q, table);
    strbuf_puts(&q, " WHERE ");
    strbuf_put_ident(&q, link);
    strbuf_puts(&q, " = ?");
    if (time) {
        strbuf_puts(&q, " ORDER BY ");
        strbuf_put_ident(&q, time);
        strbuf_puts(&q, " DESC");
    }
    strbuf_puts(&q, " LIMIT 10");
    sqlite3_stmt *st;
    int rc = prepare_sql(c, "profile", strbuf_str(&q), &st);
    strbuf_free(&q);
    if (rc)
        return -1;
    sqlite3_bind_value(st, 1, key);
    int64_t n = resultset_write(c, st, name, -1, NULL);
    sqlite3_finalize(st);
    return n < 0 ? -1 : 0;
}

/* The segments (from _persona_segments) the customer belongs to. */
static int segments_of(ctx *c, const struct mapping *m, const char *table, sqlite3_value *key)
{
    sqlite3_stmt *st;
    if (prepare_sql(c, "profile", "SELECT name, kind, definition FROM _persona_segments "
                    "WHERE source_table IN (?, ?) ORDER BY name", &st))
        return -1;
    sqlite3_bind_text(st, 1, m->customers, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, table, -1, SQLITE_STATIC);
    static const char *const cols[] = {"segment", "kind"};
    sink_table_begin(c->out, "segments", 2, cols);
    while (sqlite3_step(st) == SQLITE_ROW) {
        char *sql = sqlite3_mprintf("WITH s(k) AS (%s) SELECT EXISTS (SELECT 1 FROM s WHERE k = ?)",
                                    (const char *)sqlite3_column_text(st, 2));
        sqlite3_stmt *in;
        int member = 0;
        if (sqlite3_prepare_v2(c->db, sql, -1, &in, NULL) == SQLITE_OK) {
            sqlite3_bind_value(in, 1, key);
            member = sqlite3_step(in) == SQLITE_ROW && sqlite3_column_int(in, 0);
            sqlite3_finalize(in);
        }
        sqlite3_free(sql);
        if (member) {
            struct cell row[] = {column_cell(st, 0), column_cell(st, 1)};
            sink_table_row(c->out, row);
        }
    }
    sink_table_end(c->out);
    sqlite3_finalize(st);
    return 0;
}

int profile_card(ctx *c, const char *key, const char *table)
{
    sqlite3_stmt *st;
    if (prepare_sql(c, "profile", "SELECT customers, key_column, email_column, orders, order_customer, order_date, "
                    "events, event_customer, event_time FROM _persona_profiles WHERE profiles_table = ? "
                    "ORDER BY command_id DESC LIMIT 1", &st))
        return -1;
    sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
    struct mapping m = {0};
    int found = sqlite3_step(st) == SQLITE_ROW;
    if (found) {
        m.customers = column_dup(st, 0);
        m.key = column_dup(st, 1);
        m.email = column_dup(st, 2);
        m.orders = column_dup(st, 3);
        m.order_customer = column_dup(st, 4);
        m.order_date = column_dup(st, 5);
        m.events = column_dup(st, 6);
        m.event_customer = column_dup(st, 7);
        m.event_time = column_dup(st, 8);
    }
    sqlite3_finalize(st);
    if (!found || !table_exists(c, table)) {
        mapping_free(&m);
        return ctx_error(c, "profile: no profiles yet; build them with 'profile build customers=TABLE "
                         "[orders=TABLE] [events=TABLE]'");
    }
    int by_email = strchr(key, '@') && m.email;
    struct strbuf q = {0};
    strbuf_puts(&q, "SELECT * FROM ");
    strbuf_put_ident(&q, table);
    strbuf_puts(&q, " WHERE ");
    if (by_email) {
        strbuf_puts(&q, "lower(trim(");
        strbuf_put_ident(&q, m.email);
        strbuf_puts(&q, ")) = lower(trim(?1))");
    } else {
        strbuf_put_ident(&q, m.key);
        strbuf_puts(&q, " = ?1");
    }
    strbuf_puts(&q, " LIMIT 2");
    int rc = prepare_sql(c, "profile", strbuf_str(&q), &st);
    strbuf_free(&q);
    if (rc) {
        mapping_free(&m);
        return -1;
    }
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_ROW) {
        sqlite3_finalize(st);
        rc = ctx_error(c, "profile: no customer with %s '%s' in %s", by_email ? m.email : m.key, key, table);
        mapping_free(&m);
        return rc;
    }
    int key_col = 0;
    sink_record_begin(c->out, "profile");
    for (int i = 0; i < sqlite3_column_count(st); i++) {
        if (sqlite3_stricmp(sqlite3_column_name(st, i), m.key) == 0)
            key_col = i;
        sink_field(c->out, sqlite3_column_name(st, i), column_cell(st, i));
    }
    sink_record_end(c->out);
    sqlite3_value *kv = sqlite3_value_dup(sqlite3_column_value(st, key_col));
    char *shown = column_dup(st, key_col);
    if (sqlite3_step(st) == SQLITE_ROW)
        ctx_note(c, "profile: more than one customer has %s '%s'; showing %s", m.email, key, shown ? shown : "");
    sqlite3_finalize(st);
    rc = segments_of(c, &m, table, kv);
    if (rc == 0)
        rc = recent_rows(c, "orders", m.orders, m.order_customer, m.order_date, kv);
    if (rc == 0)
        rc = recent_rows(c, "events", m.events, m.event_customer, m.event_time, kv);
    sqlite3_value_free(kv);
    free(shown);
    mapping_free(&m);
    return rc;
}
