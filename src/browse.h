/* browse.h — paging through a table, sorted and filtered, the way the workbench
 * grid reads it.
 *
 * A browse is a window onto one table or view.  Rows are fetched a page at a time by
 * keyset — "the rows after key K" — never by OFFSET, so showing any page of a
 * 10-million-row table costs one index lookup.  Each row carries a key:
 *
 *   plain (no sort, no filter)  the key is the table's rowid; the row count is
 *                               counted once when the browse opens;
 *   ordered (sorted, filtered)  the matching rowids are numbered once, in the
 *                               order asked for, into a temporary table; the key is
 *                               that number, so it is also the row's position and
 *                               the count of matching rows comes free.
 *
 * A view (or a table without rowid, or a query's result) is copied into a
 * temporary table when opened.
 * Temporary tables belong to the connection, so browsing never writes to the
 * workspace, and commands running on another connection do not see them.  A browse
 * shows the data as of its last (re)build: after a command changed the table the
 * front end opens it again. */
#ifndef PERSONA_BROWSE_H
#define PERSONA_BROWSE_H

#include <stdint.h>

#include "ctx.h"

struct browse {
    ctx *c;                 /* its connection is the one read */
    char *relation;         /* the table or view as the user names it, or the query */
    int query;              /* the rows of a query, not of a table */
    char *source;           /* what is queried, as SQL ("main"."t", temp."…") */
    int ncols;
    char **cols;            /* column names */
    char **types;           /* declared types ("" when none) */
    unsigned char *numeric; /* 1 where the declared type has a numeric affinity */
    int key;                /* index of the key column, or -1: the rowid is the key */
    int sort;               /* sorted by this column, or -1 */
    int desc;               /* sorted descending */
    char *filter;           /* SQL WHERE expression, or NULL */
    int ordered;            /* keys are positions in the order table */
    char *order_table;      /* temp."…", when ordered */
    int64_t total;          /* rows shown (those the filter lets through) */
    int64_t all;            /* rows in the relation */
};

/* One fetched row; text[i] is NULL for SQL NULL.  Owned by the caller after a
 * fetch; free with browse_rows_free(). */
struct browse_row {
    int64_t key;
    int64_t rowid;
    char **text;
    unsigned char *number;  /* 1 where the value is a number (aligned right) */
};

/* Opens a browse on a user table or view of c->db.  Returns NULL with c->err set
 * ("no table named …"). */
struct browse *browse_open(ctx *c, const char *relation);
void browse_close(struct browse *b);

/* Opens a browse on the rows of a query (one SELECT, which must only read), copied
 * into a temporary table.  Returns NULL with c->err set. */
struct browse *browse_open_query(ctx *c, const char *query);

/* Interruption of long reads on c's connection (numbering a sorted 10-million-row
 * table takes seconds): fn is called now and then while a query runs and stops it
 * by returning non-zero, which fails the read with "stopped".  NULL: never. */
void browse_set_interrupt(ctx *c, int (*fn)(void *), void *arg);

/* Sorts by column col (-1: the table's own order), descending if desc, and/or
 * filters with a WHERE expression (NULL or "" for none).  On failure (a bad
 * expression) sets c->err, keeps the previous order and filter, and returns -1. */
int browse_set_view(struct browse *b, int col, int desc, const char *filter);

/* Fetches up to n rows: dir > 0 the first ones with key > after, in order; dir < 0
 * the last ones with key < after, also returned in order.  BROWSE_FIRST and
 * BROWSE_LAST as `after` start from either end.  Returns the number of rows put in
 * rows[], or -1 with c->err set. */
#define BROWSE_FIRST INT64_MIN
#define BROWSE_LAST INT64_MAX
int browse_fetch(struct browse *b, int64_t after, int dir, int n, struct browse_row *rows);
void browse_rows_free(struct browse_row *rows, int n, int ncols);

/* The 1-based position of the row with this key among the rows shown: the key
 * itself when ordered, else one count of the rows before it. */
int64_t browse_position(struct browse *b, int64_t key);

/* The key of the first row after `after` (dir > 0) or before it (dir < 0) with a
 * value containing term (case-insensitive for ASCII), going round the end once.
 * Returns 1 and sets *key (and *wrapped when it went round), 0 when no row
 * matches, -1 on error. */
int browse_search(struct browse *b, const char *term, int64_t after, int dir, int64_t *key,
                  int *wrapped);

/* The first column at or after col whose text contains term (as browse_search
 * matches), or -1. */
int browse_match_column(const struct browse *b, const struct browse_row *row, const char *term,
                        int col);

/* The number of rows of a user table or view, or -1. */
int64_t browse_count_rows(ctx *c, const char *relation);

#endif
