/* cmd-profile.c — profile build, profile KEY, rfm. */
#include <stdio.h>
#include <string.h>

#include <sqlite3.h>

#include "cmd.h"
#include "profile.h"
#include "rfm.h"
#include "sink.h"
#include "workspace.h"

/* ---- money: the options and report lines profile build and rfm share ---- */

#define MONEY_OPTIONS                                                                                        \
    {"currency", NULL, "the orders' currency column; default: detected (currency, currency_code, …); none: "   \
                       "there is none"},                                                                      \
    {"rates", NULL, "a table of currency, rate (one unit's value in the in= currency) and optionally date, "  \
                    "to convert amounts in several currencies"},                                              \
    {"in", NULL, "the currency to report amounts in (with rates=)"}

static struct money_options money_options_from(const struct cmd_args *a)
{
    return (struct money_options){cmd_opt(a, "currency"), cmd_opt(a, "rates"), cmd_opt(a, "in")};
}

static void money_fields(ctx *c, const struct money_plan *p)
{
    char buf[512];
    sink_field(c->out, "currency", p->currency[0] || p->in[0] ? cell_text(money_describe(p, buf, sizeof buf))
                                                              : cell_text("(no currency column)"));
}

/* ---- profile ---- */

/* Where every row of a fact table went, each row in one line, adding up to the
 * table's rows: nothing drops out of a profile without a reason. */
static void flow_field(ctx *c, const char *what, const char *label, int64_t value)
{
    char key[96];
    if (*label)
        snprintf(key, sizeof key, "%s %s", what, label);
    else
        snprintf(key, sizeof key, "%s", what);
    sink_field(c->out, key, cell_int(value));
}

static void flow_fields(ctx *c, const char *what, const struct fact_flow *f, int orders, int gross)
{
    flow_field(c, what, "", f->rows);
    flow_field(c, what, orders ? "used: purchases" : "used", f->used);
    if (orders && !gross)
        flow_field(c, what, "used: returns netted", f->netted);
    flow_field(c, what, "left out: no customer", f->no_customer);
    flow_field(c, what, "left out: not a customer of the table", f->unknown_customer);
    flow_field(c, what, orders ? "left out: no date" : "left out: no time", f->no_date);
    flow_field(c, what, "left out: on or after asof", f->after_asof);
    if (orders) {
        flow_field(c, what, "left out: no currency", f->no_currency);
        flow_field(c, what, "left out: no rate", f->no_rate);
        flow_field(c, what, gross ? "left out: returns (gross)" : "left out: returns without a purchase",
                   f->returns_left_out);
    }
}

static const struct cmd_option profile_options[] = {
    {"customers", "customers", "build: the customers table (one row per customer)"},
    {"orders", "orders", "build: the orders table, if present"},
    {"events", "events", "build: the web/app events table, if present"},
    {"rfm", "rfm", "build: an rfm table to join in, if present"},
    {"key", NULL, "build: the customers' key column; default: the table's key, else one named like customer_id"},
    {"email", NULL, "build: the email column (profile EMAIL looks customers up by it); default: detected"},
    {"consent", NULL, "build: the marketing-consent column; default: detected (consent, opt-in, subscribed, …)"},
    {"order_customer", NULL, "build: the orders' customer column; default: named like the key"},
    {"order_date", NULL, "build: the orders' date column; default: detected (order_date, date, …)"},
    {"amount", NULL, "build: the order amount, a column or SQL expression; default: detected"},
    {"order_id", NULL, "build: the order number column; default: detected (none: each row is an order)"},
    {"category", NULL, "build: the orders' category column, for top_category; default: detected"},
    {"event_customer", NULL, "build: the events' customer column; default: named like the key"},
    {"event_time", NULL, "build: the events' time column; default: detected"},
    {"event_type", NULL, "build: the events' type column; default: detected"},
    {"asof", NULL, "build: the date recency and event windows count back from; default: the day after the "
                   "latest order or event"},
    {"from", "profiles", "card: the profiles table to read"},
    {"gross", CMD_FLAG, "build: leave returns out of revenue instead of netting them"},
    MONEY_OPTIONS,
    {"replace", CMD_FLAG, "build: replace an existing profiles table (undo brings it back)"},
    {NULL},
};

static int profile_build_exec(ctx *c, const struct cmd_args *a)
{
    struct profile_options o = {
        .customers = cmd_opt(a, "customers"),
        .orders = cmd_opt_given(a, "orders") ? cmd_opt(a, "orders") : NULL,
        .events = cmd_opt_given(a, "events") ? cmd_opt(a, "events") : NULL,
        .rfm = cmd_opt_given(a, "rfm") ? cmd_opt(a, "rfm") : NULL,
        .key = cmd_opt(a, "key"),
        .email = cmd_opt(a, "email"),
        .consent = cmd_opt(a, "consent"),
        .order_customer = cmd_opt(a, "order_customer"),
        .order_date = cmd_opt(a, "order_date"),
        .amount = cmd_opt(a, "amount"),
        .order_id = cmd_opt(a, "order_id"),
        .category = cmd_opt(a, "category"),
        .event_customer = cmd_opt(a, "event_customer"),
        .event_time = cmd_opt(a, "event_time"),
        .event_type = cmd_opt(a, "event_type"),
        .asof = cmd_opt(a, "asof"),
        .out = cmd_opt(a, "from"),
        .gross = cmd_opt_given(a, "gross"),
        .money = money_options_from(a),
    };
    if (a->argc > 1)
        return ctx_error(c, "profile build: unexpected '%s'; options are key=value", a->argv[1]);
    if (refuse_overwrite(c, "profile build", o.out, cmd_opt_given(a, "replace")))
        return -1;
    struct profile_report rep;
    if (profile_build(c, &o, &rep))
        return -1;
    sink_record_begin(c->out, NULL);
    sink_field(c->out, "table", cell_text(o.out));
    sink_field(c->out, "customers", cell_int(rep.customers));
    sink_field(c->out, "key", cell_text(rep.key));
    sink_field(c->out, "email", cell_text(rep.email[0] ? rep.email : NULL));
    sink_field(c->out, "consent column", cell_text(rep.consent[0] ? rep.consent : NULL));
    if (rep.consent[0]) {
        sink_field(c->out, "consent granted", cell_int(rep.consent_yes));
        sink_field(c->out, "consent denied", cell_int(rep.consent_no));
        sink_field(c->out, "consent unknown", cell_int(rep.consent_unknown));
    }
    sink_field(c->out, "orders", cell_text(rep.order_customer[0] ? o.orders ? o.orders : "orders" : NULL));
    if (rep.order_customer[0]) {
        char mapping[1024];
        snprintf(mapping, sizeof mapping, "customer=%s date=%s amount=%s order=%s category=%s", rep.order_customer,
                 rep.order_date, rep.amount, rep.order_id[0] ? rep.order_id : "(rows)",
                 rep.category[0] ? rep.category : "(none)");
        sink_field(c->out, "orders mapping", cell_text(mapping));
        money_fields(c, &rep.money);
        sink_field(c->out, "customers with orders", cell_int(rep.with_orders));
        flow_fields(c, "order rows", &rep.orders, 1, o.gross);
    }
    sink_field(c->out, "events", cell_text(rep.event_customer[0] ? o.events ? o.events : "events" : NULL));
    if (rep.event_customer[0]) {
        char mapping[512];
        snprintf(mapping, sizeof mapping, "customer=%s time=%s type=%s", rep.event_customer, rep.event_time,
                 rep.event_type[0] ? rep.event_type : "(none)");
        sink_field(c->out, "events mapping", cell_text(mapping));
        sink_field(c->out, "customers with events", cell_int(rep.with_events));
        flow_fields(c, "event rows", &rep.events, 0, 0);
        sink_field(c->out, "event types", cell_int(rep.event_types));
    }
    sink_field(c->out, "rfm", cell_text(rep.rfm[0] ? rep.rfm : NULL));
    sink_field(c->out, "asof", cell_text(rep.asof));
    sink_record_end(c->out);
    cmd_set_summary(c, "%s: %lld customers (%lld with orders, %lld with events)", o.out, (long long)rep.customers,
                    (long long)rep.with_orders, (long long)rep.with_events);
    return 0;
}

static int profile_exec(ctx *c, const struct cmd_args *a)
{
    if (strcmp(a->argv[0], "build") == 0)
        return profile_build_exec(c, a);
    if (a->argc > 1)
        return ctx_error(c, "profile: one customer at a time; usage: %s", a->entry->usage);
    for (int i = 0; i < a->nopts; i++)
        if (strcmp(a->keys[i], "from") != 0)
            return ctx_error(c, "profile: option %s= is for 'profile build'", a->keys[i]);
    if (profile_card(c, a->argv[0], cmd_opt(a, "from")))
        return -1;
    cmd_set_summary(c, "profile of %s", a->argv[0]);
    return 0;
}

/* `profile KEY` shows a card: it only reads (and names a person, so it is not
 * logged either). */
static int profile_reads_only(ctx *c, const struct cmd_args *a)
{
    (void)c;
    return strcmp(a->argv[0], "build") != 0;
}

const struct cmd_entry cmd_profile_entry = {
    .name = "profile",
    .usage = "profile build [customers=T] [orders=T] [events=T] [key=COL] [email=COL] … [replace] | profile KEY|EMAIL",
    .summary = "build one profile per customer (attributes, orders, events, consent, RFM), or show one "
               "customer's card",
    .example = "profile build customers=customers orders=orders events=events",
    .min_args = 1,
    .max_args = 2,
    .options = profile_options,
    .flags = CMD_CHANGES,
    .exec = profile_exec,
    .reads_only = profile_reads_only,
};

/* ---- rfm ---- */

static const struct cmd_option rfm_options[] = {
    {"customer", NULL, "the customer column; default: detected (customer_id, CustomerID, …)"},
    {"date", NULL, "the order date column; default: detected (order_date, InvoiceDate, …)"},
    {"amount", NULL, "the amount: a column or SQL expression, e.g. amount=\"Quantity * UnitPrice\"; "
                     "default: detected (amount, total, … or quantity * price)"},
    {"order", NULL, "the order number column: frequency counts distinct orders; default: detected "
                    "(none: each row is an order)"},
    {"where", NULL, "an SQL condition the rows must meet, e.g. where=\"country = 'UK'\""},
    {"asof", NULL, "the date recency counts to (purchases on or after it are left out); default: the day "
                   "after the last purchase"},
    {"include_cancelled", CMD_FLAG, "keep cancellations (C-numbered invoices, cancelled/refunded status) and "
                                    "negative amounts"},
    {"gross", CMD_FLAG, "leave returns and cancellations out instead of netting them from their customer's "
                        "purchases"},
    MONEY_OPTIONS,
    {"replace", CMD_FLAG, "replace an existing result table (undo brings it back)"},
    {NULL},
};

static int rfm_exec(ctx *c, const struct cmd_args *a)
{
    struct rfm_options o = {
        .orders = a->argv[0],
        .customer = cmd_opt(a, "customer"),
        .date = cmd_opt(a, "date"),
        .amount = cmd_opt(a, "amount"),
        .order = cmd_opt(a, "order"),
        .where = cmd_opt(a, "where"),
        .asof = cmd_opt(a, "asof"),
        .out = "rfm",
        .keep_cancelled = cmd_opt_given(a, "include_cancelled"),
        .gross = cmd_opt_given(a, "gross"),
        .money = money_options_from(a),
    };
    if (a->argc == 3 && strcmp(a->argv[1], "as") == 0)
        o.out = a->argv[2];
    else if (a->argc != 1)
        return ctx_error(c, "rfm: expected 'rfm ORDERS [as NAME]'; usage: %s", a->entry->usage);
    if (require_relation(c, "rfm", o.orders, 1))
        return -1;
    if (is_internal_name(o.out) || sqlite3_stricmp(o.out, o.orders) == 0)
        return ctx_error(c, "rfm: as %s: choose another name for the result", o.out);
    if (refuse_overwrite(c, "rfm", o.out, cmd_opt_given(a, "replace")))
        return -1;
    struct rfm_report rep;
    if (rfm_run(c, &o, &rep))
        return -1;
    sink_record_begin(c->out, "summary");
    sink_field(c->out, "table", cell_text(o.out));
    sink_field(c->out, "customers", cell_int(rep.customers));
    sink_field(c->out, "rows used", cell_int(rep.rows));
    sink_field(c->out, "customer", cell_text(rep.customer));
    sink_field(c->out, "date", cell_text(rep.date));
    sink_field(c->out, "amount", cell_text(rep.amount));
    sink_field(c->out, "order", cell_text(rep.order[0] ? rep.order : "(each row)"));
    sink_field(c->out, "asof", cell_text(rep.asof));
    money_fields(c, &rep.money);
    if (o.gross || o.keep_cancelled) {
        sink_field(c->out, "returns", cell_text(o.keep_cancelled ? "counted as they are (include_cancelled)"
                                                                 : "left out (gross)"));
    } else {
        sink_field(c->out, "returns", cell_text("netted from their customer's purchases"));
        sink_field(c->out, "returns netted", cell_int(rep.returns));
        sink_field(c->out, "amount returned", cell_real(rep.returned));
    }
    sink_field(c->out, "left out: no customer", cell_int(rep.no_customer));
    sink_field(c->out, "left out: no date", cell_int(rep.bad_date));
    if (rep.money.currency[0])
        sink_field(c->out, "left out: no currency", cell_int(rep.no_currency));
    if (rep.money.rates[0])
        sink_field(c->out, "left out: no rate", cell_int(rep.no_rate));
    if (o.gross) {
        sink_field(c->out, "left out: cancelled", cell_int(rep.cancelled));
        sink_field(c->out, "left out: negative amount", cell_int(rep.negative));
    } else if (!o.keep_cancelled) {
        sink_field(c->out, "left out: returns without a purchase", cell_int(rep.returns_unmatched));
    }
    if (o.where || o.asof)
        sink_field(c->out, "left out: where/asof", cell_int(rep.filtered));
    sink_record_end(c->out);
    static const char *const cols[] = {"segment", "customers", "share"};
    sink_table_begin(c->out, "segments", 3, cols);
    for (int i = 0; i < 11; i++) {
        struct cell row[] = {cell_text(rfm_segment_names[i]), cell_int(rep.segment_counts[i]),
                             cell_real(rep.customers ? (double)(int64_t)(1000.0 * (double)rep.segment_counts[i] /
                                                                        (double)rep.customers + 0.5) / 10.0 : 0)};
        sink_table_row(c->out, row);
    }
    sink_table_end(c->out);
    cmd_set_summary(c, "%s: %lld customers from %lld rows of %s", o.out, (long long)rep.customers,
                    (long long)rep.rows, o.orders);
    return 0;
}

const struct cmd_entry cmd_rfm_entry = {
    .name = "rfm",
    .usage = "rfm ORDERS [customer=COL] [date=COL] [amount=EXPR] [order=COL] [where=EXPR] [asof=DATE] "
             "[include_cancelled] [gross] [currency=COL] [rates=TABLE in=CODE] [as NAME] [replace]",
    .summary = "recency, frequency and monetary quintile scores (1-5) and the standard segment per customer",
    .example = "rfm orders customer=customer_id date=order_date amount=amount order=order_id",
    .min_args = 1,
    .max_args = 3,
    .options = rfm_options,
    .flags = CMD_CHANGES,
    .exec = rfm_exec,
};
