/* complete.h — Tab completion of command lines, for the REPL and the workbench.
 *
 * Completion reads the command table, so a new command completes without code here.
 * The first word of a command completes to command names.  Later words complete to
 * the command's options ("key=") and flags, and to what the command's usage string
 * says the word's position takes, by the placeholder written there:
 *
 *   TABLE, SOURCE, VIEW      table and view names
 *   PATH, FILE, SCRIPT, DIR  files (readdir; folders end in '/', dot files only after '.')
 *   COMMAND                  command names
 *   COL, COLUMN              a column of the tables named earlier on the line
 *   COLS, LIST, EXPR         the column name being typed inside a list or an expression
 *   lower-case words         themselves ("history save FILE", "header=auto|yes|no")
 *
 * so "show TABLE [where=EXPR]" makes "show cu" complete tables and "show customers
 * where=co" complete columns of customers.  `sql` completes table names and the
 * columns of every table its statement mentions, before or after the cursor.
 *
 * A candidate replaces line[start, cursor), which is only the part being typed: an
 * option value completes without its key ("where=co" gives start just after the '='
 * and "country"), a path completes its last component ("data/cu" gives
 * "customers.csv"), and a column inside an expression or list completes on its own
 * ("columns=email,co" gives "country").  Candidates are written as the line needs
 * them: inside an open quote a quote is doubled; outside quotes, one with a blank,
 * quote, ';' or '#' comes quoted ("\"my file.csv\"", a folder "\"my dir/" with its
 * quote left open so completion goes on inside it).  In SQL (sql, EXPR, LIST) a name
 * that is not a plain SQL name, or is a keyword, comes in SQL's double quotes, and
 * after an opening '"' every name completes as it is spelled.  Names in SQL match
 * without regard to case; everything else matches case and all. */
#ifndef PERSONA_COMPLETE_H
#define PERSONA_COMPLETE_H

#include <stddef.h>

#include "ctx.h"

struct completion {
    size_t start;       /* candidates replace line[start, cursor) */
    int n;
    char **items;       /* sorted (bytewise), unique, malloc'ed; owned by the struct */
    char quote;         /* the quote open at the cursor ('"', '\''), or 0 */
    int ends_word;      /* a sole candidate finishes the word (not inside a list or
                         * an expression); see completion_is_final() */
};

/* Fills *out with the candidates for the word under the cursor (a byte offset into
 * line, at most strlen(line)); c->db gives tables and columns and may be NULL.  The
 * line and c->err are left alone.  Returns out->n, 0 when nothing fits (an unknown
 * command, a # comment, a string in SQL).  Free with completion_free(), also after
 * it returned 0. */
int complete_line(ctx *c, const char *line, size_t cursor, struct completion *out);

/* Whether the completion is one candidate that finishes its word: the front end then
 * closes out->quote if set and adds a blank.  Not for "key=", a folder, or a name
 * inside a list or an expression, where the user goes on typing. */
int completion_is_final(const struct completion *cp);

/* Frees the candidates; *cp becomes empty. */
void completion_free(struct completion *cp);

#endif
