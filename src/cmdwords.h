/* cmdwords.h — command lines as words, for front ends that build lines or look at
 * what a user typed before running it (the workbench turns `plot …` into its plot
 * view, and writes `dedupe review T accept K1 K2` for a key press).
 *
 * The rules are tokenize.h's: blanks separate words, '…' quotes with '' inside. */
#ifndef PERSONA_CMDWORDS_H
#define PERSONA_CMDWORDS_H

#include "cmd.h"
#include "strbuf.h"
#include "tokenize.h"

/* Appends text to b as one word that reads back as text: as it is when it holds
 * nothing the tokenizer treats specially, else in single quotes ('' for a quote). */
void cmdwords_quote(struct strbuf *b, const char *text);

/* Appends word w as it was meant (key=value or a plain word), quoted as needed,
 * after a blank unless b is empty. */
void cmdwords_append(struct strbuf *b, const struct word *w);

/* Splits a line that holds exactly one command into words (free with words_free())
 * and finds its entry (exact name or unique prefix; NULL when unknown).  Returns 0,
 * or -1 when the line is empty, holds several commands or does not tokenize: the
 * caller then just runs it and lets run_line() say what is wrong. */
int cmdwords_single(const char *line, const struct cmd_entry **entry, struct words *out);

/* Whether word w is the option `key` of entry e (prefixes resolved as run_line()
 * resolves them). */
int cmdwords_is_option(const struct cmd_entry *e, const struct word *w, const char *key);

#endif
