/* cleaning.h — what the cleaning commands (normalize, validate, impute, outliers)
 * share: the table and columns they work on, reading its rows in batches, and the
 * audit trail.
 *
 * Nothing is changed silently: every cell a command changes goes through
 * audit_change(), which writes the new value and logs the old one in
 * _persona_changes (undo writes it back); every value a command cannot clean, and
 * every rule violation, goes through audit_issue() into _persona_issues.  Rows are
 * named by the table's key column (the rowid when it has none) and found again by
 * rowid. */
#ifndef PERSONA_CLEANING_H
#define PERSONA_CLEANING_H

#include <stdint.h>

#include "ctx.h"
#include "sink.h"

struct sqlite3_value;

/* The table a cleaning command works on. */
struct clean_table {
    char *name;         /* as stored in the schema */
    char *key;          /* key column, or NULL: the rowid */
    const char *rowid;  /* the name that reaches the rowid (rowid_alias()) */
};

/* Checks that `name` is a user table with rowids (not a view: its cells cannot be
 * changed one by one) and fills *t; the caller frees with clean_table_free().  On
 * failure c->err says "CMD: no table named …" with a suggestion. */
int clean_table_open(ctx *c, const char *cmd, const char *name, struct clean_table *t);
void clean_table_free(struct clean_table *t);

/* SQLite's column affinity letter: 'T' text, 'N' numeric, 'I' integer, 'R' real,
 * 'B' none (blob). */
enum { AFF_TEXT = 'T', AFF_NUMERIC = 'N', AFF_INTEGER = 'I', AFF_REAL = 'R', AFF_BLOB = 'B' };

/* Checks that the table has the column and sets *affinity (may be NULL); otherwise
 * "CMD: TABLE has no column 'x' (did you mean 'y'?)". */
int clean_column(ctx *c, const char *cmd, const struct clean_table *t, const char *col, char *affinity);

/* Whether the table has the column (no message). */
int clean_has_column(ctx *c, const struct clean_table *t, const char *col);

/* Whether a text value written to a column of this affinity stays text: numeric
 * affinities turn text that reads as a number ("+18185550166", " 42") into one. */
int text_keeps_in_affinity(char affinity, const char *s, size_t len);

/* Reads the rows of a table by rowid, a batch at a time, with their key and the
 * named columns; the values are copies, valid until the next batch. */
struct row_scan;
struct row_scan *row_scan_open(ctx *c, const char *what, const struct clean_table *t, int ncols,
                               const char *const *cols);
/* The number of rows in the next batch, 0 at the end, -1 on error (c->err set). */
int row_scan_next(struct row_scan *s);
int64_t row_scan_rowid(const struct row_scan *s, int row);
struct sqlite3_value *row_scan_key(const struct row_scan *s, int row);
struct sqlite3_value *row_scan_value(const struct row_scan *s, int row, int col);
void row_scan_close(struct row_scan *s);

/* The audit trail of one command on one table. */
struct audit {
    ctx *c;
    const struct clean_table *t;
    int64_t changes, issues;    /* written so far */
    struct sqlite3_stmt *change_st, *issue_st, *update_st;
    char *update_col;           /* the column update_st writes */
};

/* Starts the trail: records that undo must write back the changed cells and delete
 * the command's issues. */
int audit_begin(ctx *c, struct audit *a, const struct clean_table *t);

/* Sets column col of the row to new_value and logs the old value. */
int audit_change(struct audit *a, int64_t rowid, struct sqlite3_value *key, const char *col,
                 struct sqlite3_value *old_value, struct cell new_value);

/* Logs an issue with a value (NULL: none) of the row (rowid 0 and key NULL: no
 * particular row). */
int audit_issue(struct audit *a, int64_t rowid, struct sqlite3_value *key, const char *col,
                const char *rule, struct sqlite3_value *value, const char *message);

void audit_end(struct audit *a);

/* Adds an INTEGER column (COL_imputed, COL_outlier) unless the table has it, and
 * records that undo drops it; *added tells which happened. */
int clean_add_flag_column(ctx *c, const struct clean_table *t, const char *col, int *added);

/* Writes the first `limit` issues the running command logged (all columns, or one)
 * as a table block named "issues", for the summary. */
int clean_issue_sample(ctx *c, const char *col, int limit);

/* A note pointing at the issues, when there are any. */
void clean_note_issues(ctx *c, const char *cmd, int64_t issues, const char *what);

/* SQLite's order of two values (NULL < numbers < text < blobs; text and blobs by
 * bytes): <0, 0, >0. */
int value_cmp(struct sqlite3_value *a, struct sqlite3_value *b);

/* The ISO 3166-1 alpha-2 code of a country written as text in a value (a row's
 * country column), or NULL (country.h). */
const char *value_country(struct sqlite3_value *v);

/* A value as a sink cell (text borrowed from the value). */
struct cell value_cell(struct sqlite3_value *v);

/* A value as a double: integers and reals, and text that is a whole decimal number
 * (surrounding blanks allowed).  Returns 0 when it is not a number (NULL included). */
int value_number(struct sqlite3_value *v, double *out);

#endif
