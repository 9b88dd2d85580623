/* retype.h — changing the declared type of a column.
 *
 * SQLite cannot alter a column's type, so the table is rebuilt: the same columns,
 * constraints it can carry (NOT NULL, DEFAULT, PRIMARY KEY), rows with their rowids,
 * indexes and triggers, with one column declared anew.  `normalize` uses it when a
 * numeric column must hold text (a phone's E.164 form keeps its '+'), undoably: the
 * table is copied aside first, and undo swaps the copy back in. */
#ifndef PERSONA_RETYPE_H
#define PERSONA_RETYPE_H

#include "ctx.h"

/* Declares column of table as type (e.g. "TEXT"), keeping every row and rowid;
 * each value is converted as SQLite's type affinity converts it (an integer
 * becomes its digits).  A table whose definition holds what the rebuild cannot
 * carry (CHECK, REFERENCES, COLLATE, generated columns, AUTOINCREMENT, WITHOUT
 * ROWID, STRICT) is refused with a message naming cmd.  Returns 0 or -1. */
int table_retype_column(ctx *c, const char *cmd, const char *table, const char *column, const char *type);

#endif
