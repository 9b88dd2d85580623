/* rfm.c — RFM scores: aggregation and ranking in SQL, quintiles and segments here. */
#include "rfm.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "colguess.h"
#include "strbuf.h"
#include "undo.h"
#include "workspace.h"

int rfm_quintile(int64_t rank, int64_t n)
{
    if (n < 2)
        return 3;
    int64_t q = (5 * (rank - 1) + (n - 2)) / (n - 1);     /* ceil(5 (rank - 1) / (n - 1)) */
    return q < 1 ? 1 : q > 5 ? 5 : (int)q;
}

const char *const rfm_segment_names[11] = {
    "Champions", "Loyal", "Potential Loyalist", "New Customers", "Promising", "Need Attention",
    "About To Sleep", "At Risk", "Can't Lose Them", "Hibernating", "Lost",
};

enum { CHAMPIONS, LOYAL, POTENTIAL, NEW, PROMISING, ATTENTION, SLEEP, RISK, CANT_LOSE, HIBERNATING, LOST };

static int segment_index(int r, int f)
{
    static const unsigned char map[5][5] = {
        /* f=1 … f=5, rows r=1 … r=5 */
        {LOST, HIBERNATING, RISK, RISK, CANT_LOSE},
        {HIBERNATING, HIBERNATING, RISK, RISK, CANT_LOSE},
        {SLEEP, SLEEP, ATTENTION, LOYAL, LOYAL},
        {PROMISING, POTENTIAL, POTENTIAL, LOYAL, LOYAL},
        {NEW, POTENTIAL, POTENTIAL, CHAMPIONS, CHAMPIONS},
    };
    r = r < 1 ? 1 : r > 5 ? 5 : r;
    f = f < 1 ? 1 : f > 5 ? 5 : f;
    return map[r - 1][f - 1];
}

const char *rfm_segment(int r, int f) { return rfm_segment_names[segment_index(r, f)]; }

/* ---- the columns ---- */

static const char *const customer_names[] = {"customerid", "customer", "custid", "clientid", "client",
                                             "userid", "memberid", NULL};
static const char *const customer_contains[] = {"customer", "client", NULL};
static const char *const date_names[] = {"orderdate", "invoicedate", "purchasedate", "transactiondate",
                                         "date", "orderedat", "createdat", "ordertime", "timestamp", NULL};
static const char *const date_contains[] = {"date", "time", NULL};
static const char *const amount_names[] = {"amount", "total", "ordertotal", "revenue", "sales", "value",
                                           "grandtotal", NULL};
static const char *const amount_contains[] = {"amount", "total", "revenue", NULL};
static const char *const quantity_contains[] = {"quantity", "qty", NULL};
static const char *const price_contains[] = {"price", NULL};
static const char *const order_names[] = {"orderid", "invoiceno", "invoice", "invoiceid", "orderno",
                                          "ordernumber", "transactionid", NULL};
static const char *const order_contains[] = {"order", "invoice", NULL};
static const char *const status_names[] = {"status", "orderstatus", NULL};

/* Copies a column name (or expression) into a report field. */
static void put(char *dst, size_t size, const char *s)
{
    snprintf(dst, size, "%s", s ? s : "");
}

int rfm_choose_columns(ctx *c, const struct rfm_options *o, struct rfm_report *rep)
{
    const char *t = o->orders;
    char *col = o->customer ? require_column(c, "rfm", "customer", t, o->customer)
                            : guess_column(c, t, customer_names, customer_contains, COL_ANY);
    if (!col)
        return o->customer ? -1 : ctx_error(c, "rfm: no customer column found in %s; give customer=COL", t);
    put(rep->customer, sizeof rep->customer, col);
    free(col);
    col = o->date ? require_column(c, "rfm", "date", t, o->date)
                  : guess_column(c, t, date_names, date_contains, COL_DATE);
    if (!col)
        return o->date ? -1 : ctx_error(c, "rfm: no date column found in %s; give date=COL", t);
    put(rep->date, sizeof rep->date, col);
    free(col);
    if (o->amount) {
        put(rep->amount, sizeof rep->amount, o->amount);
    } else if ((col = guess_column(c, t, amount_names, amount_contains, COL_NUMBER)) != NULL) {
        struct strbuf b = {0};
        strbuf_put_ident(&b, col);
        put(rep->amount, sizeof rep->amount, strbuf_str(&b));
        strbuf_free(&b);
        free(col);
    } else {
        char *q = guess_column(c, t, NULL, quantity_contains, COL_NUMBER);
        char *p = guess_column(c, t, NULL, price_contains, COL_NUMBER);
        if (q && p) {
            struct strbuf b = {0};
            strbuf_put_ident(&b, q);
            strbuf_puts(&b, " * ");
            strbuf_put_ident(&b, p);
            put(rep->amount, sizeof rep->amount, strbuf_str(&b));
            strbuf_free(&b);
        }
        free(q);
        free(p);
        if (!rep->amount[0])
            return ctx_error(c, "rfm: no amount column found in %s; give amount=EXPR (a column, or e.g. "
                             "amount=\"quantity * price\")", t);
    }
    col = o->order ? require_column(c, "rfm", "order", t, o->order)
                   : guess_column(c, t, order_names, order_contains, COL_ANY);
    if (o->order && !col)
        return -1;
    put(rep->order, sizeof rep->order, col);
    free(col);
    col = guess_column(c, t, status_names, NULL, COL_ANY);
    put(rep->status, sizeof rep->status, col);
    free(col);
    return 0;
}

/* The amount in the reporting currency, as the subquery of rfm_base_sql() names it. */
#define RFM_CONVERTED "_persona_converted"

/* Why a row is left out: 0 it counts, 1 no customer, 2 no date, 3 outside where=,
 * 6 after the as-of date, 7 no currency, 8 no rate; then 4 cancelled or returned
 * and 5 negative amount, the returns.  What says "not this period" or "not
 * readable" comes first, so a return after the as-of date is not netted. */
static void why_expr(const struct rfm_options *o, const struct rfm_report *rep, int c_prefix, struct strbuf *b)
{
    strbuf_puts(b, "CASE WHEN ");
    strbuf_put_ident(b, rep->customer);
    strbuf_puts(b, " IS NULL OR trim(");
    strbuf_put_ident(b, rep->customer);
    strbuf_puts(b, ") = '' THEN 1 WHEN julianday(");
    strbuf_put_ident(b, rep->date);
    strbuf_puts(b, ") IS NULL THEN 2 ");
    if (o->where)
        strbuf_printf(b, "WHEN NOT coalesce((%s), 0) THEN 3 ", o->where);
    if (o->asof) {
        strbuf_puts(b, "WHEN date(");
        strbuf_put_ident(b, rep->date);
        strbuf_printf(b, ") >= %s THEN 6 ", "date(:asof)");
    }
    if (rep->money.currency[0]) {
        strbuf_puts(b, "WHEN ");
        money_missing_sql(&rep->money, b);
        strbuf_puts(b, " THEN 7 ");
    }
    if (rep->money.rates[0])
        strbuf_printf(b, "WHEN " RFM_CONVERTED " IS NULL AND (%s) IS NOT NULL THEN 8 ", rep->amount);
    if (!o->keep_cancelled) {
        if (c_prefix) {
            strbuf_puts(b, "WHEN ");
            strbuf_put_ident(b, rep->order);
            strbuf_puts(b, " GLOB 'C[0-9]*' THEN 4 ");
        }
        if (rep->status[0]) {
            strbuf_puts(b, "WHEN lower(trim(");
            strbuf_put_ident(b, rep->status);
            strbuf_puts(b, ")) IN ('cancelled', 'canceled', 'cancellation', 'refund', 'refunded', 'returned', "
                           "'return', 'failed', 'void', 'voided') THEN 4 ");
        }
        strbuf_printf(b, "WHEN (%s) < 0 THEN 5 ", rep->amount);
    }
    strbuf_puts(b, "ELSE 0 END");
}

const char *rfm_kept_rows(const struct rfm_options *o)
{
    return o->gross ? "why = 0" : "why IN (0, 4, 5)";
}

const char *rfm_money_sql(const struct rfm_options *o)
{
    /* a return takes its amount off, whatever sign the file gave it */
    return o->gross ? "sum(CASE WHEN why = 0 THEN amount END)"
                    : "sum(CASE WHEN why = 0 THEN amount ELSE -abs(amount) END)";
}

/* Whether the order numbers mix plain numbers and C-numbers (cancellations). */
static int has_c_cancellations(ctx *c, const char *table, const char *order)
{
    if (!order[0])
        return 0;
    char *sql = sqlite3_mprintf("SELECT EXISTS (SELECT 1 FROM \"%w\" WHERE \"%w\" GLOB 'C[0-9]*') AND "
                                "EXISTS (SELECT 1 FROM \"%w\" WHERE \"%w\" GLOB '[0-9]*')",
                                table, order, table, order);
    sqlite3_stmt *st;
    int yes = 0;
    if (sqlite3_prepare_v2(c->db, sql, -1, &st, NULL) == SQLITE_OK) {
        yes = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0);
        sqlite3_finalize(st);
    }
    sqlite3_free(sql);
    return yes;
}

void rfm_base_sql(ctx *c, const struct rfm_options *o, const struct rfm_report *rep, const char *extra,
                  struct strbuf *b)
{
    int c_prefix = !o->keep_cancelled && has_c_cancellations(c, o->orders, rep->order);
    strbuf_puts(b, "WITH ");
    money_rates_cte(&rep->money, b);
    strbuf_puts(b, "base AS (SELECT ");
    strbuf_put_ident(b, rep->customer);
    strbuf_puts(b, " AS customer, ");
    strbuf_put_ident(b, rep->date);
    strbuf_puts(b, " AS d, ");
    strbuf_puts(b, rep->money.rates[0] ? RFM_CONVERTED : rep->amount);
    strbuf_puts(b, " AS amount, ");
    if (rep->order[0])
        strbuf_put_ident(b, rep->order);
    else
        strbuf_puts(b, "rowid");
    strbuf_puts(b, " AS ord, ");
    if (extra) {
        strbuf_put_ident(b, extra);
        strbuf_puts(b, " AS extra, ");
    }
    why_expr(o, rep, c_prefix, b);
    strbuf_puts(b, " AS why FROM ");
    if (rep->money.rates[0]) {
        /* the conversion (a look-up in the rates) is made once per row, in a
         * subquery that carries the orders' columns along */
        strbuf_puts(b, "(SELECT *, rowid AS rowid, ");
        money_amount_sql(&rep->money, rep->amount, rep->date, b);
        strbuf_puts(b, " AS " RFM_CONVERTED " FROM ");
        strbuf_put_ident(b, o->orders);
        strbuf_puts(b, ") AS ");
    }
    strbuf_put_ident(b, o->orders);
    strbuf_puts(b, ")");
}

static int prepare_bound(ctx *c, const char *sql, const char *asof, sqlite3_stmt **st)
{
    if (prepare_sql(c, "rfm", sql, st))
        return -1;
    int i = sqlite3_bind_parameter_index(*st, ":asof");
    if (i)
        sqlite3_bind_text(*st, i, asof, -1, SQLITE_STATIC);
    return 0;
}

/* Counts the rows by why they are left out, and settles the as-of date. */
static int count_rows(ctx *c, const struct rfm_options *o, struct rfm_report *rep)
{
    struct strbuf sql = {0};
    rfm_base_sql(c, o, rep, NULL, &sql);
    strbuf_puts(&sql, " SELECT why, count(*), date(max(CASE WHEN why = 0 THEN d END), '+1 day') FROM base GROUP BY why");
    sqlite3_stmt *st;
    int rc = prepare_bound(c, strbuf_str(&sql), rep->asof, &st);
    if (rc) {
        strbuf_free(&sql);
        return ctx_error_prefix(c, o->where ? "rfm: check where= and amount=" : "rfm: check amount=");
    }
    int64_t *counts[] = {&rep->rows, &rep->no_customer, &rep->bad_date, &rep->filtered, &rep->cancelled,
                         &rep->negative, &rep->filtered, &rep->no_currency, &rep->no_rate};
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        int why = sqlite3_column_int(st, 0);
        *counts[why >= 0 && why <= 8 ? why : 3] += sqlite3_column_int64(st, 1);
        if (why == 0 && !o->asof && sqlite3_column_text(st, 2))
            put(rep->asof, sizeof rep->asof, (const char *)sqlite3_column_text(st, 2));
    }
    if (step != SQLITE_DONE)
        rc = ctx_sqlite_error(c, "rfm");
    sqlite3_finalize(st);
    if (rc == 0 && !o->gross && rep->cancelled + rep->negative > 0) {
        /* returns net out of the purchases of their customer; a return whose
         * customer bought nothing here has nothing to net against */
        strbuf_reset(&sql);
        rfm_base_sql(c, o, rep, NULL, &sql);
        strbuf_puts(&sql, " SELECT count(*), coalesce(sum(abs(amount)), 0) FROM base WHERE why IN (4, 5) AND customer IN "
                          "(SELECT customer FROM base WHERE why = 0)");
        rc = prepare_bound(c, strbuf_str(&sql), rep->asof, &st);
        if (rc == 0) {
            if (sqlite3_step(st) == SQLITE_ROW) {
                rep->returns = sqlite3_column_int64(st, 0);
                rep->returned = sqlite3_column_double(st, 1);
            }
            sqlite3_finalize(st);
            rep->returns_unmatched = rep->cancelled + rep->negative - rep->returns;
        }
    }
    strbuf_free(&sql);
    return rc;
}

static int create_output(ctx *c, const struct rfm_options *o, const struct rfm_report *rep)
{
    if (table_exists(c, o->out) && undo_table_stashed(c, o->out))
        return -1;
    /* the customer keeps the type of the orders' customer column: a cluster or a
     * segment of this table then compares like with like */
    char *sql = sqlite3_mprintf(
        "CREATE TABLE \"%w\" (customer %s, recency_days INTEGER, frequency INTEGER, monetary REAL, "
        "r INTEGER, f INTEGER, m INTEGER, segment TEXT)", o->out, column_key_type(c, o->orders, rep->customer));
    int rc = exec_sql(c, "rfm", sql);
    sqlite3_free(sql);
    if (rc == 0)
        rc = undo_table_created(c, o->out);
    if (rc == 0) {
        char now[32];
        utc_now(now, sizeof now);
        sql = sqlite3_mprintf("INSERT OR REPLACE INTO _persona_tables(name, key_column, source, loaded_at, command_id) "
                              "VALUES (%Q, 'customer', %Q, %Q, %lld)", o->out, o->orders, now, (long long)c->command_id);
        rc = exec_sql(c, "rfm", sql);
        sqlite3_free(sql);
    }
    return rc;
}

int rfm_run(ctx *c, const struct rfm_options *o, struct rfm_report *rep)
{
    memset(rep, 0, sizeof *rep);
    if (rfm_choose_columns(c, o, rep))
        return -1;
    if (o->asof) {
        sqlite3_stmt *st;
        int ok = 0;
        if (sqlite3_prepare_v2(c->db, "SELECT date(?)", -1, &st, NULL) == SQLITE_OK) {
            sqlite3_bind_text(st, 1, o->asof, -1, SQLITE_STATIC);
            if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0)) {
                put(rep->asof, sizeof rep->asof, (const char *)sqlite3_column_text(st, 0));
                ok = 1;
            }
            sqlite3_finalize(st);
        }
        if (!ok)
            return ctx_error(c, "rfm: asof=%s: expected a date as YYYY-MM-DD", o->asof);
    }
    if (money_plan(c, "rfm", o->orders, o->where, &o->money, &rep->money) || count_rows(c, o, rep))
        return -1;
    if (rep->rows == 0)
        return ctx_error(c, "rfm: no row of %s has a customer, a date and a non-negative amount%s", o->orders,
                         o->where ? " within where=" : "");
    if (create_output(c, o, rep))
        return -1;
    struct strbuf sql = {0};
    rfm_base_sql(c, o, rep, NULL, &sql);
    strbuf_printf(&sql, ", agg AS (SELECT customer, CAST(julianday(:asof) - julianday(date(max(CASE WHEN why = 0 "
                        "THEN d END))) AS INTEGER) AS recency_days, count(DISTINCT CASE WHEN why = 0 THEN ord END) "
                        "AS frequency, round(%s, 2) AS monetary FROM base WHERE %s GROUP BY customer HAVING %s) ",
                  rfm_money_sql(o), rfm_kept_rows(o), RFM_HAS_PURCHASE);
    strbuf_puts(&sql, ""
                      "SELECT customer, recency_days, frequency, monetary, "
                      "row_number() OVER (ORDER BY recency_days, customer), "
                      "row_number() OVER (ORDER BY frequency, customer), "
                      "row_number() OVER (ORDER BY monetary, customer), count(*) OVER () "
                      "FROM agg ORDER BY customer");
    sqlite3_stmt *st, *ins = NULL;
    int rc = prepare_bound(c, strbuf_str(&sql), rep->asof, &st);
    strbuf_free(&sql);
    if (rc)
        return -1;
    char *isql = sqlite3_mprintf("INSERT INTO \"%w\" VALUES (?, ?, ?, ?, ?, ?, ?, ?)", o->out);
    rc = prepare_sql(c, "rfm", isql, &ins);
    sqlite3_free(isql);
    int step = SQLITE_DONE;
    while (rc == 0 && (step = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t n = sqlite3_column_int64(st, 7);
        int r = 6 - rfm_quintile(sqlite3_column_int64(st, 4), n);
        int f = rfm_quintile(sqlite3_column_int64(st, 5), n);
        int m = rfm_quintile(sqlite3_column_int64(st, 6), n);
        int seg = segment_index(r, f);
        sqlite3_reset(ins);
        for (int i = 0; i < 4; i++)
            sqlite3_bind_value(ins, i + 1, sqlite3_column_value(st, i));
        sqlite3_bind_int(ins, 5, r);
        sqlite3_bind_int(ins, 6, f);
        sqlite3_bind_int(ins, 7, m);
        sqlite3_bind_text(ins, 8, rfm_segment_names[seg], -1, SQLITE_STATIC);
        if (sqlite3_step(ins) != SQLITE_DONE)
            rc = ctx_sqlite_error(c, "rfm: writing");
        rep->customers++;
        rep->segment_counts[seg]++;
        if ((rep->customers & 0xffff) == 0) {
            ctx_progress(c, rep->customers, n, "customers");
            if (ctx_is_cancelled(c))
                rc = ctx_cancelled(c);
        }
    }
    if (rc == 0 && step != SQLITE_DONE)
        rc = ctx_sqlite_error(c, "rfm");
    sqlite3_finalize(st);
    sqlite3_finalize(ins);
    return rc;
}
