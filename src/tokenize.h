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

/* Splits a line into commands (malloc'ed strings, blanks trimmed, empty ones and
 * comments dropped) into *out, *n.  Returns 0, or -1 with err set for an unterminated
 * quote.  Free with commands_free(). */
int split_commands(const char *line, raw_command_fn *is_raw, char ***out, int *n,
                   char *err, size_t errlen);
void commands_free(char **cmds, int n);

#endif
