/* fuzz_tokenize.c — libFuzzer target for the command-line tokenizer.
 *
 * The input is a line (cut at its first NUL, as a C string would be).  It goes through
 * split_commands() with a raw-command hook that calls `sql` raw, and every command
 * through tokenize(), the way run_line() does.  Invariants checked, all cheap:
 *   - an error says where: its column points at a quote in the text;
 *   - the raw hook is only asked about a word inside the line that holds no blank,
 *     ';', '#' or quote;
 *   - commands are non-empty and trimmed; a command that is not raw has no ';', '#'
 *     or line break outside quotes, and tokenizes without error (split_commands
 *     already checked its quotes);
 *   - words start inside the command at a non-blank, in increasing order; an unquoted
 *     word is the command's text from its offset, as is; an option's text is
 *     key=value with an identifier key;
 *   - writing every word back quoted and tokenizing that gives the same words, all
 *     quoted and none of them options.
 * Any breach aborts; leaks are found by the sanitizer. */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"
#include "tokenize.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "fuzz_tokenize: %s\n", what);
        abort();
    }
}

static int is_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

/* The line being split, so the raw hook can check what it is asked about. */
static const char *current_line;
static size_t current_len;

static int is_sql(const char *name, size_t len)
{
    check(len > 0, "raw hook asked about an empty word");
    check(name >= current_line && name + len <= current_line + current_len,
          "raw hook asked about a word outside the line");
    for (size_t i = 0; i < len; i++)
        check(!is_blank(name[i]) && !strchr(";#'\"", name[i]),
              "raw hook asked about a word with a separator in it");
    return len == 3 && memcmp(name, "sql", 3) == 0;
}

/* "unterminated X quote at column N": N counts from 1 and points at that quote. */
static void check_error(const char *text, const char *err)
{
    char quote;
    size_t column;
    check(sscanf(err, "unterminated %c quote at column %zu", &quote, &column) == 2,
          "an error must name the quote and the column");
    check(column >= 1 && column <= strlen(text), "the error column must be inside the text");
    check(text[column - 1] == quote && (quote == '\'' || quote == '"'),
          "the error column must point at the quote");
}

/* Whether the command's first word is raw: "sql" followed by a blank or the end. */
static int starts_raw(const char *cmd)
{
    return strncmp(cmd, "sql", 3) == 0 && (cmd[3] == '\0' || is_blank(cmd[3]));
}

/* A non-raw command has no ';', '#' or line break outside quotes. */
static void check_separators_quoted(const char *cmd)
{
    char open = 0;
    for (const char *p = cmd; *p; p++) {
        if (open) {
            if (*p == open)
                open = 0;
        } else if (*p == '\'' || *p == '"') {
            open = *p;
        } else {
            check(*p != ';' && *p != '#' && *p != '\n', "a separator outside quotes in a command");
        }
    }
    check(!open, "a command with an open quote");
}

static void check_words(const char *text, const struct words *ws)
{
    size_t len = strlen(text);
    check(ws->n >= 0 && (size_t)ws->n <= len, "more words than bytes");
    for (int i = 0; i < ws->n; i++) {
        const struct word *w = &ws->w[i];
        check(w->text != NULL, "a word without text");
        check(w->offset < len, "a word's offset is outside the text");
        check(!is_blank(text[w->offset]), "a word starts at a blank");
        check(i == 0 || w->offset > ws->w[i - 1].offset, "word offsets must increase");
        size_t n = strlen(w->text);
        if (!w->quoted) {
            check(n > 0, "an unquoted word is empty");
            check(w->offset + n <= len && memcmp(text + w->offset, w->text, n) == 0,
                  "an unquoted word differs from the text at its offset");
            check(strcspn(w->text, " \t\r\n'\"") == n, "an unquoted word holds a blank or quote");
        }
        check((w->key == NULL) == (w->value == NULL), "a key without a value or the reverse");
        if (w->key) {
            size_t k = strlen(w->key);
            check(k > 0 && (isalpha((unsigned char)w->key[0]) || w->key[0] == '_'),
                  "an option key must start like an identifier");
            check(strcspn(w->key, "= \t'\"") == k, "an option key holds '=', a blank or a quote");
            check(strncmp(w->text, w->key, k) == 0 && w->text[k] == '=' &&
                      strcmp(w->text + k + 1, w->value) == 0,
                  "an option's text must be key=value");
        }
    }
}

/* Writes every word back in single quotes and tokenizes the result. */
static void check_requoted(const struct words *ws)
{
    struct strbuf b = {0};
    for (int i = 0; i < ws->n; i++) {
        strbuf_puts(&b, i ? " '" : "'");
        for (const char *p = ws->w[i].text; *p; p++) {
            if (*p == '\'')
                strbuf_putc(&b, '\'');
            strbuf_putc(&b, *p);
        }
        strbuf_putc(&b, '\'');
    }
    struct words again;
    char err[128];
    check(tokenize(strbuf_str(&b), &again, err, sizeof err) == 0, "requoted words fail to tokenize");
    check(again.n == ws->n, "requoted words give another number of words");
    for (int i = 0; i < ws->n; i++) {
        check(strcmp(again.w[i].text, ws->w[i].text) == 0, "a requoted word changed");
        check(again.w[i].quoted && again.w[i].key == NULL, "a requoted word must be a quoted plain word");
    }
    words_free(&again);
    strbuf_free(&b);
}

static void check_command(const char *cmd)
{
    size_t len = strlen(cmd);
    check(len > 0, "an empty command");
    check(!is_blank(cmd[0]) && !is_blank(cmd[len - 1]), "a command is not trimmed");
    int raw = starts_raw(cmd);
    if (!raw)
        check_separators_quoted(cmd);
    struct words ws;
    char err[128] = "";
    if (tokenize(cmd, &ws, err, sizeof err) != 0) {
        check(raw, "a command split_commands accepted fails to tokenize");
        check(ws.n == 0 && ws.w == NULL, "a failed tokenize must leave no words");
        check_error(cmd, err);
        return;
    }
    check(ws.n > 0, "a non-empty command gives no words");
    check_words(cmd, &ws);
    check_requoted(&ws);
    words_free(&ws);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *line = malloc(size + 1);
    check(line != NULL, "out of memory");
    memcpy(line, data, size);
    line[size] = '\0';
    current_line = line;
    current_len = strlen(line);

    char **cmds;
    int n;
    char err[128] = "";
    if (split_commands(line, is_sql, NULL, &cmds, &n, err, sizeof err) < 0) {
        check(cmds == NULL && n == 0, "a failed split must leave no commands");
        check_error(line, err);
    } else {
        check(n >= 0 && (n == 0 || cmds != NULL), "commands missing");
        for (int i = 0; i < n; i++)
            check_command(cmds[i]);
        commands_free(cmds, n);
    }

    /* The whole line as one command: the tokenizer on its own, blanks and all. */
    struct words ws;
    if (tokenize(line, &ws, err, sizeof err) == 0) {
        check_words(line, &ws);
        check_requoted(&ws);
        words_free(&ws);
    } else {
        check_error(line, err);
    }
    free(line);
    return 0;
}
