/* profile.h — one row per customer: attributes, order and event metrics, consent,
 * RFM; and the card of one customer.
 *
 * profile_build writes the table `profiles` (keyed by the customers' key) from the
 * customers table and, when given or found, an orders and an events table:
 *   - every column of the customers table (a column whose name a metric takes is
 *     kept as attr_NAME);
 *   - consent: 1, 0 or NULL, normalised from the detected consent column (yes, y,
 *     true, 1, granted, opt-in, subscribed … / no, false, 0, denied, opt-out,
 *     unsubscribed, withdrawn …; anything else is unknown);
 *   - orders, revenue, avg_order_value, first_order, last_order, recency_days,
 *     top_category — from the order rows that count as rfm counts them (no
 *     cancellations, no negative amounts);
 *   - events_7d, events_30d, events_total, last_event, and events_TYPE for the
 *     twelve most common event types;
 *   - r, f, m, segment from an rfm table keyed by the same customers, when one
 *     exists (rfm=TABLE, default "rfm").
 * Recency and the event windows count back from asof (default: the day after the
 * latest order or event).  The mapping it settled on is kept in _persona_profiles, so
 * `profile KEY` can show the customer's orders and events. */
#ifndef PERSONA_PROFILE_H
#define PERSONA_PROFILE_H

#include <stdint.h>

#include "ctx.h"
#include "money.h"

struct profile_options {
    const char *customers, *orders, *events, *rfm;  /* tables; NULL: none (rfm: "rfm" if present) */
    const char *key, *email, *consent;              /* customers' columns; NULL: detected */
    const char *order_customer, *order_date, *amount, *order_id, *category;
    const char *event_customer, *event_time, *event_type;
    const char *asof;
    const char *out;                                /* "profiles" */
    int gross;                                      /* returns left out, not netted */
    struct money_options money;                     /* the orders' currency and rates */
};

/* Where every row of a fact table went: each row is counted once, so the counts add
 * up to the table's rows (conservation, checked by the tests). */
struct fact_flow {
    int64_t rows;               /* the table's rows */
    int64_t used;               /* orders: purchases; events: events counted */
    int64_t netted;             /* orders: returns netted from their customer's purchases */
    int64_t no_customer, no_date, after_asof, no_currency, no_rate;
    int64_t returns_left_out;   /* gross: every return; net: returns with no purchase to net against */
    int64_t unknown_customer;   /* the customer is not in the customers table */
};

/* What the build settled on and counted, for the summary. */
struct profile_report {
    char key[128], email[128], consent[128];
    char order_customer[128], order_date[128], amount[256], order_id[128], category[128];
    char event_customer[128], event_time[128], event_type[128], rfm[128], asof[16];
    int64_t customers, with_orders, with_events, event_types;
    struct fact_flow orders, events;
    struct money_plan money;
    int64_t consent_yes, consent_no, consent_unknown;
};

/* Builds the profiles table inside the caller's transaction (undoable). */
int profile_build(ctx *c, const struct profile_options *o, struct profile_report *rep);

/* Writes one customer's card to c->out: the profile (by key, or by email when key
 * holds '@'), the segments it belongs to, its last 10 orders and events. */
int profile_card(ctx *c, const char *key, const char *table);

#endif
