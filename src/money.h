/* money.h — amounts that carry their currency.
 *
 * Money is never summed across currencies.  An orders table's currency column is
 * found by name (currency, currency_code, ccy, cur, …) or given (currency=COL).
 * When its rows hold more than one currency, a command that sums amounts fails
 * with a message naming them, unless a conversion is given: rates=TABLE, whose
 * columns are currency and rate (the value of one unit in the target currency) and
 * optionally date (the rate applies from that day until the next one), and in=CODE,
 * the currency to report in.  Rows with no currency in a table that has the column
 * are left out and counted, never guessed. */
#ifndef PERSONA_MONEY_H
#define PERSONA_MONEY_H

#include "ctx.h"

struct strbuf;

struct money_options {
    const char *currency;   /* the orders' currency column; NULL: detected; "none": no column */
    const char *rates;      /* the rates table, or NULL */
    const char *in;         /* the currency to report in, or NULL */
};

struct money_plan {
    char table[128];        /* the orders table, which qualifies its columns in the SQL */
    char currency[128];     /* the currency column, "" when there is none */
    char in[16];            /* the currency the amounts are reported in, "" unknown */
    char rates[128];        /* the rates table, "" for none */
    char rate_date[128];    /* the rates' date column, "" for none */
    char rate_col[128], rate_currency[128];     /* the rates' rate and currency columns */
    int ncurrencies;        /* distinct currencies among the rows */
    char seen[256];         /* them, ", "-separated */
};

/* Settles how the amounts of table are brought to one currency: the currency
 * column, the currencies in it, and the rates.  Fails (c->err names cmd) when the
 * rows hold several currencies and no rates=/in= were given, when a currency has no
 * rate, or when the rates table lacks its columns.  where (SQL, or NULL) narrows
 * the rows looked at, as the command's where= does. */
int money_plan(ctx *c, const char *cmd, const char *table, const char *where, const struct money_options *o,
               struct money_plan *p);

/* The name of the CTE money_rates_cte() appends. */
#define MONEY_RATES "_persona_rates"

/* Appends "_persona_rates AS MATERIALIZED (…), " — the rates, read once, that
 * money_amount_sql() looks rows up in — to a WITH clause; nothing without rates. */
void money_rates_cte(const struct money_plan *p, struct strbuf *b);

/* Appends SQL for the amount expression in the reporting currency: amount itself
 * without conversion, else amount times the rate of the row's currency (in force
 * on the row's date column when the rates are dated), looked up in the CTE of
 * money_rates_cte().  NULL where no rate applies. */
void money_amount_sql(const struct money_plan *p, const char *amount, const char *date_col, struct strbuf *b);

/* Appends SQL that is true for a row whose currency is missing (only when the
 * table has a currency column), or "0". */
void money_missing_sql(const struct money_plan *p, struct strbuf *b);

/* "EUR", "EUR (converted from GBP, JPY, USD with rates)", or "" when unknown; into
 * buf. */
const char *money_describe(const struct money_plan *p, char *buf, size_t size);

#endif
