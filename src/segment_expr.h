/* segment_expr.h — the two little languages of `segment`: conditions with
 * behavioural helpers, and combinations of segments.
 *
 * A condition is an SQL expression over the rows of the segment's table, in which
 * two helpers may ask about the customer's events:
 *
 *   did EVENT [where COND] [within N days|weeks|hours]
 *   count of EVENT [where COND] [within N days|weeks|hours] OP NUMBER
 *
 * EVENT is an event type as a word or in quotes ('add to cart'), or `any`; COND is
 * an SQL condition on the events table's columns; OP is one of >= > <= < = != (or
 * ≥ ≤ ≠).  A helper runs to the end of the parentheses it stands in, so one that is
 * followed by more conditions goes in parentheses of its own:
 *
 *   did product_view where category = 'Electronics' within 7 days
 *   (count of purchase within 90 days >= 3) and revenue > 500
 *   not (did any within 30 days)
 *
 * "within" counts back from the as-of date (the profile build's, else the day after
 * the latest event) and excludes events on or after it, as the profile's events_7d
 * and events_30d do.
 *
 * A combination is segment names joined by and, or, not and parentheses; a name
 * with blanks or '/' (cluster segments) is written in quotes:
 *   vip and ('cust_k4/Core buyers' or not lapsed)
 *
 * Parsing is pure text work; segment.c checks the result against the workspace. */
#ifndef PERSONA_SEGMENT_EXPR_H
#define PERSONA_SEGMENT_EXPR_H

#include <stddef.h>
#include <stdint.h>

struct strbuf;

/* One helper found in a condition.  Offsets are byte positions in the condition. */
struct seg_helper {
    size_t start, end;          /* the helper's span */
    int is_count;
    char *event;                /* the event type; NULL: any */
    size_t event_at;
    size_t cond_start, cond_end;    /* the where condition; equal: none */
    int64_t within;             /* the window's length in unit; 0: no window */
    char unit;                  /* 'd', 'w' or 'h' */
    char op[3];                 /* count: the comparison, as SQL (>=, >, <=, <, =, !=) */
    int64_t count;              /* count: the number compared with */
};

/* A parsed condition: its helpers, and the condition with every helper's span
 * replaced by a "1" padded with blanks to the same length, so that SQLite's error
 * offsets in it are offsets in the condition as typed. */
struct seg_condition {
    int n;
    struct seg_helper *helpers;
    char *outer;
};

/* Parses a condition.  Returns 0, or -1 with a message in err and the byte offset
 * it is about in *err_at.  Free with seg_condition_free() either way. */
int seg_condition_parse(const char *text, struct seg_condition *cond, size_t *err_at, char *err, size_t errlen);
void seg_condition_free(struct seg_condition *cond);

/* Where a condition's helpers find the events: table and columns (type NULL when
 * the table has no type column), and an SQL expression giving the as-of date. */
struct event_source {
    const char *table, *customer, *time, *type;
    const char *asof_sql;
};

/* The SQL of the condition with each helper rewritten as a membership test of
 * row_key (an SQL expression naming the row's key, e.g. "profiles"."customer_id")
 * in a subquery over the events: appended to out. */
void seg_condition_sql(const char *text, const struct seg_condition *cond, const char *row_key,
                       const struct event_source *ev, struct strbuf *out);

/* The SQL condition on the events table that one helper selects rows by (type,
 * where condition, window), appended to out; "1" when it has none. */
void seg_helper_filter_sql(const char *text, const struct seg_helper *h, const struct event_source *ev,
                           struct strbuf *out);

/* Resolves a segment name met in a combination: appends an SQL condition that
 * holds for the segment's members (a membership test of the row's key), or returns
 * -1 with a message in err. */
typedef int seg_operand_fn(void *arg, const char *name, struct strbuf *out, char *err, size_t errlen);

/* Parses a combination into an SQL condition (the operands' conditions joined by
 * AND, OR, NOT), appended to sql.  Returns 0, or -1 with err set and *err_at the
 * byte offset it is about. */
int seg_combine_parse(const char *text, seg_operand_fn *resolve, void *arg, struct strbuf *sql, size_t *err_at,
                      char *err, size_t errlen);

/* Whether name can name a new segment: a letter or '_', then letters, digits and
 * '_', at most 64 bytes (it also names the segment's view or table). */
int seg_name_valid(const char *name);

#endif
