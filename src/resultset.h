/* resultset.h — streaming a query's rows into the output sink. */
#ifndef PERSONA_RESULTSET_H
#define PERSONA_RESULTSET_H

#include <stdint.h>

#include "ctx.h"

struct sqlite3_stmt;
struct cell;
struct sqlite3_value;

/* Steps a prepared statement and writes its rows as one table block (named, or NULL
 * for the command's only block) with the statement's column names.  At most limit
 * rows (limit < 0: all); *more (if not NULL) tells whether rows were left.  Returns
 * the number of rows written, or -1 with c->err set.  Polls the cancel flag. */
int64_t resultset_write(ctx *c, struct sqlite3_stmt *st, const char *name, int64_t limit, int *more);

/* The cell for column i of the statement's current row (text borrowed from it). */
struct cell column_cell(struct sqlite3_stmt *st, int i);

#endif
