/* tokenize.h — splitting command lines into commands and words.
 *
 * A line holds commands separated by ';' outside quotes; '#' outside quotes starts a
 * comment.  A command is words separated by blanks; '…' and "…" quote (also inside a
 * word: on='Site name',Zip is one word), and a doubled quote inside quotes stands for
 * itself.  A word with an unquoted '=' after an identifier is an option key=value.
 * Commands that take raw text (sql) own the rest of their line: ';' and '#' there
 * belong to them. */
#ifndef PERSONA_TOKENIZE_H
#define PERSONA_TOKENIZE_H

#include <stddef.h>

struct word {
    char *text;     /* the word with quotes removed */
    char *key;      /* option key (NULL for a plain word) */
    char *value;    /* option value */
    int quoted;     /* some part of the word was quoted */
    size_t offset;  /* where the word starts in the command text */
};

struct words {
    int n;
    struct word *w;
};

/* Splits text into words.  Returns 0, or -1 with a message in err for an unterminated
 * quote ("unterminated \" quote at column 12").  Free with words_free(). */
int tokenize(const char *text, struct words *out, char *err, size_t errlen);
void words_free(struct words *ws);

/* Decides whether the command starting with `name` takes the rest of its line raw. */
typedef int raw_command_fn(const char *name, size_t len);

/* Whether SQL text (len bytes) goes on at the line that starts at next (NULL: there
 * is none, so only SQL cut short goes on). */
typedef int sql_goes_on_fn(const char *sql, size_t len, const char *next);

/* Splits text into commands (malloc'ed strings, blanks trimmed, empty ones and
 * comments dropped) into *out, *n.  ';' and line breaks separate commands outside
 * quotes.  A raw command (is_raw: sql) runs as far as its SQL does: past a ';' that
 * is followed by another SQL statement (`sql DELETE …; INSERT …` is one command,
 * `sql SELECT 1; tables` two), and past line breaks while goes_on() says the SQL
 * goes on (NULL: never).  Returns 0; 1 when the text ends in a raw command that
 * needs more (inside a quote or comment, or incomplete SQL), so a script can join
 * the next line and split again; or -1 with err set for an unterminated quote.
 * Free with commands_free(). */
int split_commands(const char *line, raw_command_fn *is_raw, sql_goes_on_fn *goes_on,
                   char ***out, int *n, char *err, size_t errlen);
void commands_free(char **cmds, int n);

#endif
