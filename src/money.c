/* money.c — one currency for every sum (the rules are in money.h). */
#include "money.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "colguess.h"
#include "strbuf.h"
#include "workspace.h"

static const char *const currency_names[] = {"currency", "currencycode", "currencyiso", "ccy", "cur", "curr",
                                             "isocurrency", NULL};
static const char *const currency_contains[] = {"currency", NULL};

/* The normalised currency of a row: the code as written, trimmed, upper case. */
static void currency_expr(const char *col, struct strbuf *b)
{
    strbuf_puts(b, "upper(trim(");
    strbuf_put_ident(b, col);
    strbuf_puts(b, "))");
}

/* Lists the distinct currencies of table into p->seen; their count, or -1. */
static int list_currencies(ctx *c, const char *cmd, const char *table, const char *where, struct money_plan *p)
{
    struct strbuf q = {0};
    strbuf_puts(&q, "SELECT DISTINCT ");
    currency_expr(p->currency, &q);
    strbuf_puts(&q, " AS cur FROM ");
    strbuf_put_ident(&q, table);
    strbuf_puts(&q, " WHERE cur IS NOT NULL AND cur <> ''");
    if (where)
        strbuf_printf(&q, " AND coalesce((%s), 0)", where);
    strbuf_puts(&q, " ORDER BY 1");
    sqlite3_stmt *st;
    int rc = prepare_sql(c, cmd, strbuf_str(&q), &st);
    strbuf_free(&q);
    if (rc)
        return -1;
    struct strbuf seen = {0};
    int n = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *code = (const char *)sqlite3_column_text(st, 0);
        if (n < 12)
            strbuf_printf(&seen, "%s%s", n ? ", " : "", code);
        else if (n == 12)
            strbuf_puts(&seen, ", …");
        n++;
    }
    sqlite3_finalize(st);
    snprintf(p->seen, sizeof p->seen, "%s", strbuf_str(&seen));
    strbuf_free(&seen);
    return n;
}

/* Checks the rates table: currency and rate columns (date optional), and a rate for
 * every currency of the rows other than the target. */
static int check_rates(ctx *c, const char *cmd, const char *table, const char *where, struct money_plan *p)
{
    static const char *const currency_col[] = {"currency", NULL}, *const rate_col[] = {"rate", NULL},
                             *const date_col[] = {"date", "validfrom", "from", "day", NULL};
    if (require_relation(c, cmd, p->rates, 1))
        return -1;
    char *cur = guess_column(c, p->rates, currency_col, NULL, COL_ANY);
    char *rate = guess_column(c, p->rates, rate_col, NULL, COL_ANY);
    char *day = guess_column(c, p->rates, date_col, NULL, COL_ANY);
    int rc = 0;
    if (!cur || !rate || sqlite3_stricmp(cur, "currency") != 0 || sqlite3_stricmp(rate, "rate") != 0)
        rc = ctx_error(c, "%s: rates=%s: expected columns currency and rate (the value of one unit in %s), and "
                          "optionally date", cmd, p->rates, p->in[0] ? p->in : "the target currency");
    if (rc == 0 && day)
        snprintf(p->rate_date, sizeof p->rate_date, "%s", day);
    if (rc == 0) {
        /* the quoted names below are the columns as checked */
        snprintf(p->rate_col, sizeof p->rate_col, "%s", rate);
        snprintf(p->rate_currency, sizeof p->rate_currency, "%s", cur);
    }
    if (rc == 0) {
        /* every currency of the rows needs a rate, but the target's own */
        struct strbuf q = {0}, missing = {0};
        strbuf_puts(&q, "SELECT DISTINCT ");
        currency_expr(p->currency, &q);
        strbuf_puts(&q, " AS cur FROM ");
        strbuf_put_ident(&q, table);
        strbuf_puts(&q, " WHERE cur IS NOT NULL AND cur <> '' AND cur <> ?1 ");
        if (where)
            strbuf_printf(&q, "AND coalesce((%s), 0) ", where);
        strbuf_puts(&q, "AND cur NOT IN (SELECT upper(trim(");
        strbuf_put_ident(&q, cur);
        strbuf_puts(&q, ")) FROM ");
        strbuf_put_ident(&q, p->rates);
        strbuf_puts(&q, " WHERE ");
        strbuf_put_ident(&q, rate);
        strbuf_puts(&q, " > 0) ORDER BY 1");
        sqlite3_stmt *st;
        rc = prepare_sql(c, cmd, strbuf_str(&q), &st);
        if (rc == 0) {
            sqlite3_bind_text(st, 1, p->in, -1, SQLITE_STATIC);
            while (sqlite3_step(st) == SQLITE_ROW)
                strbuf_printf(&missing, "%s%s", missing.len ? ", " : "", (const char *)sqlite3_column_text(st, 0));
            sqlite3_finalize(st);
            if (missing.len)
                rc = ctx_error(c, "%s: rates=%s has no positive rate for %s", cmd, p->rates, strbuf_str(&missing));
        }
        strbuf_free(&q);
        strbuf_free(&missing);
    }
    free(cur);
    free(rate);
    free(day);
    return rc;
}

int money_plan(ctx *c, const char *cmd, const char *table, const char *where, const struct money_options *o,
               struct money_plan *p)
{
    memset(p, 0, sizeof *p);
    snprintf(p->table, sizeof p->table, "%s", table);
    if (o->in) {
        if (strlen(o->in) != 3)
            return ctx_error(c, "%s: in=%s: expected a three-letter currency code (ISO 4217), e.g. in=EUR", cmd, o->in);
        for (int i = 0; i < 3; i++)
            p->in[i] = (char)(o->in[i] >= 'a' && o->in[i] <= 'z' ? o->in[i] - 32 : o->in[i]);
    }
    if (o->rates && !o->in)
        return ctx_error(c, "%s: rates=%s: say which currency the rates convert to with in=CODE", cmd, o->rates);
    if (o->currency && strcmp(o->currency, "none") == 0) {
        if (o->rates)
            return ctx_error(c, "%s: rates= needs the orders' currency column; currency=none has none", cmd);
        return 0;
    }
    char *col = o->currency ? require_column(c, cmd, "currency", table, o->currency)
                            : guess_column(c, table, currency_names, currency_contains, COL_ANY);
    if (o->currency && !col)
        return -1;
    if (!col) {
        if (o->rates)
            return ctx_error(c, "%s: rates=%s: %s has no currency column to convert from; name it with currency=COL",
                             cmd, o->rates, table);
        return 0;
    }
    snprintf(p->currency, sizeof p->currency, "%s", col);
    free(col);
    p->ncurrencies = list_currencies(c, cmd, table, where, p);
    if (p->ncurrencies < 0)
        return -1;
    if (!o->in && p->ncurrencies == 1)
        snprintf(p->in, sizeof p->in, "%.15s", p->seen);
    if (o->rates) {
        snprintf(p->rates, sizeof p->rates, "%s", o->rates);
        return check_rates(c, cmd, table, where, p);
    }
    if (p->ncurrencies > 1)
        return ctx_error(c, "%s: the amounts of %s are in %d currencies (%s, column %s): summing them would mix "
                            "money; convert them with rates=TABLE in=CODE (a table of currency, rate[, date])",
                         cmd, table, p->ncurrencies, p->seen, p->currency);
    if (o->in && p->ncurrencies == 1 && strcmp(p->seen, p->in) != 0)
        return ctx_error(c, "%s: in=%s: the amounts are in %s; give rates=TABLE to convert them", cmd, p->in, p->seen);
    return 0;
}

/* Appends "table"."column". */
static void qualified(struct strbuf *b, const char *table, const char *column)
{
    strbuf_put_ident(b, table);
    strbuf_putc(b, '.');
    strbuf_put_ident(b, column);
}

/* The orders' currency, qualified by their table: inside the rates subquery an
 * unqualified name would be the rates' own currency column. */
static void row_currency(const struct money_plan *p, struct strbuf *b)
{
    strbuf_puts(b, "upper(trim(");
    qualified(b, p->table, p->currency);
    strbuf_puts(b, "))");
}

void money_rates_cte(const struct money_plan *p, struct strbuf *b)
{
    if (!p->rates[0])
        return;
    struct strbuf cur = {0}, rate = {0}, day = {0};
    qualified(&cur, "r", p->rate_currency);
    qualified(&rate, "r", p->rate_col);
    strbuf_printf(b, MONEY_RATES " AS MATERIALIZED (SELECT upper(trim(%s)) AS cur, %s AS rate", strbuf_str(&cur),
                  strbuf_str(&rate));
    if (p->rate_date[0]) {
        qualified(&day, "r", p->rate_date);
        strbuf_printf(b, ", date(%s) AS day", strbuf_str(&day));
    }
    strbuf_puts(b, " FROM ");
    strbuf_put_ident(b, p->rates);
    strbuf_printf(b, " r WHERE %s > 0), ", strbuf_str(&rate));
    strbuf_free(&cur);
    strbuf_free(&rate);
    strbuf_free(&day);
}

void money_amount_sql(const struct money_plan *p, const char *amount, const char *date_col, struct strbuf *b)
{
    if (!p->rates[0]) {
        strbuf_printf(b, "(%s)", amount);
        return;
    }
    strbuf_printf(b, "(%s) * (CASE WHEN ", amount);
    row_currency(p, b);
    strbuf_printf(b, " = '%s' THEN 1 ELSE (SELECT rate FROM " MONEY_RATES " WHERE cur = ", p->in);
    row_currency(p, b);
    if (p->rate_date[0]) {
        struct strbuf row_day = {0};
        qualified(&row_day, p->table, date_col);
        strbuf_printf(b, " AND day <= date(%s) ORDER BY day DESC", strbuf_str(&row_day));
        strbuf_free(&row_day);
    }
    strbuf_puts(b, " LIMIT 1) END)");
}

void money_missing_sql(const struct money_plan *p, struct strbuf *b)
{
    if (!p->currency[0]) {
        strbuf_puts(b, "0");
        return;
    }
    strbuf_puts(b, "coalesce(");
    currency_expr(p->currency, b);
    strbuf_puts(b, ", '') = ''");
}

const char *money_describe(const struct money_plan *p, char *buf, size_t size)
{
    if (p->rates[0])
        snprintf(buf, size, "%s (converted from %s with %s)", p->in, p->seen, p->rates);
    else
        snprintf(buf, size, "%s", p->ncurrencies == 1 ? p->seen : p->in);
    return buf;
}
