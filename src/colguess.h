/* colguess.h — finding the column that plays a role (customer key, order date,
 * amount, consent, …) in a table the analyst loaded, by name and by content, so
 * profile and rfm work without spelling every column out (each has an option that
 * overrides the guess). */
#ifndef PERSONA_COLGUESS_H
#define PERSONA_COLGUESS_H

#include "ctx.h"

enum col_content {
    COL_ANY,
    COL_DATE,       /* most values read as dates or times (SQLite's julianday) */
    COL_NUMBER,     /* most values are integers or reals */
};

/* The first column of table whose name (case-insensitive, ignoring '_', ' ' and
 * '-') equals one of names, else the first that contains one of contains; in each
 * case only a column whose values fit content counts.  names and contains end with
 * NULL (either may be NULL).  Returns the column's name as declared, malloc'ed, or
 * NULL when none fits. */
char *guess_column(ctx *c, const char *table, const char *const *names, const char *const *contains,
                   enum col_content content);

/* The column of table named like name (case-insensitive), as declared, malloc'ed;
 * or NULL with the error "cmd: option=name: no column 'name' in table (columns: …)". */
char *require_column(ctx *c, const char *cmd, const char *option, const char *table, const char *name);

#endif
