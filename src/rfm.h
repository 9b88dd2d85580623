/* rfm.h — recency, frequency, monetary scores and the standard segment map.
 *
 * Per customer: recency_days (calendar days from the last purchase's date to the
 * as-of date, by default the day after the last date in the data, so the most recent
 * customers have 1), frequency (distinct orders, or rows when there is no order
 * column), monetary (the sum of the amount, rounded to cents).
 *
 * Scores are quintiles 1–5 of ranks, as pandas' qcut(x.rank(method="first"), 5)
 * computes them: the n customers are ranked 1..n by the value, ties broken by the
 * customer key (ascending), and rank k falls in quintile ceil(5 (k - 1) / (n - 1))
 * (at least 1).  Ranking instead of cutting the values keeps the quintiles equal in
 * size when many customers share a value (most buy once).  f and m are the
 * quintiles of frequency and monetary; r is 6 minus the quintile of recency_days, so
 * the most recent customers score 5.  One customer alone scores 3 on each.
 *
 * The segment comes from r and f (the map used by most RFM guides, with Lost split
 * off Hibernating for the weakest cell):
 *
 *          f=1              f=2   f=3             f=4   f=5
 *   r=5    New Customers    Potential Loyalist    Champions
 *   r=4    Promising        Potential Loyalist    Loyal
 *   r=3    About To Sleep   About To Sleep        Need Attention   Loyal
 *   r=2    Hibernating      Hibernating           At Risk          Can't Lose Them
 *   r=1    Lost             Hibernating           At Risk          Can't Lose Them
 *
 * (r=3: f 1–2 About To Sleep, f=3 Need Attention, f 4–5 Loyal; r 1–2: f 3–4 At Risk,
 * f=5 Can't Lose Them.) */
#ifndef PERSONA_RFM_H
#define PERSONA_RFM_H

#include <stdint.h>

#include "ctx.h"
#include "money.h"

/* The quintile (1–5) of rank (1..n) among n. */
int rfm_quintile(int64_t rank, int64_t n);

/* The segment name of an r and f score (1–5 each). */
const char *rfm_segment(int r, int f);

/* The eleven segment names, best first, for help and tests. */
extern const char *const rfm_segment_names[11];

struct rfm_options {
    const char *orders;         /* the table of orders (or order lines) */
    const char *customer;       /* column; NULL: detected */
    const char *date;           /* column; NULL: detected */
    const char *amount;         /* SQL expression; NULL: detected (amount, or quantity*price) */
    const char *order;          /* column; NULL: detected, or none (frequency counts rows) */
    const char *where;          /* an extra SQL condition, or NULL */
    const char *asof;           /* YYYY-MM-DD; NULL: the day after the last date */
    const char *out;            /* the output table */
    int keep_cancelled;         /* count cancelled orders and negative amounts as they are */
    int gross;                  /* leave returns out instead of netting them */
    struct money_options money; /* currency column, rates, the currency to report in */
};

struct rfm_report {
    char customer[128], date[128], amount[256], order[128], status[128], asof[16];
    int64_t rows, customers;
    int64_t no_customer, bad_date, cancelled, negative, filtered, no_currency, no_rate;
    int64_t returns;            /* return rows netted out of their customers' purchases */
    double returned;            /* their amount (positive), in the reporting currency */
    int64_t returns_unmatched;  /* return rows of customers with no purchase here: left out */
    int64_t segment_counts[11];
    struct money_plan money;
};

/* Settles the columns of o's orders table — as given (checked), or guessed by name
 * and content — into rep's customer, date, amount, order and status. */
int rfm_choose_columns(ctx *c, const struct rfm_options *o, struct rfm_report *rep);

/* Appends "WITH base AS (SELECT customer, d, amount, ord[, extra], why FROM …)" to b:
 * the order rows, amounts in the reporting currency, with why each is left out
 * (0: a purchase; 1 no customer, 2 no date, 3 outside where=, 6 on or after asof,
 * 7 no currency, 8 no rate for its currency and date, 4 cancelled or returned,
 * 5 negative amount; :asof is a parameter), by the rules rfm_run applies.  Rows 4
 * and 5 are returns: netted (rfm_kept_rows(), rfm_money_sql()) unless gross.
 * extra (a column, or NULL) is carried along as "extra". */
struct strbuf;

/* The rows of base that a customer's aggregates read: purchases, and returns
 * unless gross; SQL for a WHERE clause. */
const char *rfm_kept_rows(const struct rfm_options *o);

/* The net value of a customer's rows of base: purchases less returns (unless
 * gross), in the reporting currency; SQL for an aggregate. */
const char *rfm_money_sql(const struct rfm_options *o);

/* Whether a customer of base has a purchase: SQL for HAVING. */
#define RFM_HAS_PURCHASE "count(CASE WHEN why = 0 THEN 1 END) > 0"
void rfm_base_sql(ctx *c, const struct rfm_options *o, const struct rfm_report *rep, const char *extra,
                  struct strbuf *b);

/* Computes the RFM table opts->out (replacing one of that name, undoably) inside the
 * caller's transaction.  Rows without a customer or a readable date are left out;
 * so are cancellations — an order number starting with "C" (the UCI Online Retail
 * convention), a status such as cancelled/refunded/returned — and rows with a
 * negative amount, unless keep_cancelled.  All are counted in rep. */
int rfm_run(ctx *c, const struct rfm_options *o, struct rfm_report *rep);

#endif
