/* test_tokenize.c — splitting lines into commands and commands into words.
 *
 * Cases are tables.  A tokenized command is rendered as one string so an expectation
 * reads like the line it describes: each word as <text>, followed by ' when some part
 * of it was quoted and by {key|value} when it is an option, words separated by one
 * space.  A split line renders as [command][command]…
 *
 * Decisions the tables pin down (they follow from tokenize.c and are part of the
 * interface scripts rely on):
 *   - an option is a word whose first unquoted '=' follows an identifier (a letter or
 *     '_', then letters, digits, '_' or '-'); quotes around the key do not matter
 *     ('on'=x is the option on), but a quoted '=' is text: 'a=b' and a'='b are plain
 *     words, so quoting is how a positional argument keeps its '=';
 *   - =x, 9k=1, x.y=1 and é=1 are plain words (no identifier before the '=');
 *   - only the first unquoted '=' splits: key=a=b has the value a=b;
 *   - '' and "" are empty words (quoted), which a command can tell from no word;
 *   - '#' and ';' cut anywhere outside quotes, also in the middle of a word;
 *   - a raw command (sql) owns the rest of its physical line, ';', '#' and quotes
 *     included; its first word ends at a blank, so "sql;tables" is the two commands
 *     sql and tables, not a raw command;
 *   - an unterminated quote names the 1-based column of the opening quote, counted in
 *     the text given (the line for split_commands, the command for tokenize). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "strbuf.h"
#include "tokenize.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Fails naming the input, so a failing row of a table is easy to find. */
static void expect_text(const char *input, const char *got, const char *want)
{
    if (strcmp(got, want) != 0)
        fail_msg("input \"%s\"\n  got:  %s\n  want: %s", input, got, want);
}

/* Tokenizes text and renders the words (see the top of the file). */
static char *render_words(const char *text)
{
    struct words ws;
    char err[128] = "";
    if (tokenize(text, &ws, err, sizeof err) != 0)
        fail_msg("input \"%s\": unexpected error: %s", text, err);
    struct strbuf b = {0};
    for (int i = 0; i < ws.n; i++) {
        const struct word *w = &ws.w[i];
        strbuf_printf(&b, "%s<%s>%s", i ? " " : "", w->text, w->quoted ? "'" : "");
        if (w->key)
            strbuf_printf(&b, "{%s|%s}", w->key, w->value);
        else
            assert_null(w->value);
    }
    words_free(&ws);
    char *s = xstrdup(strbuf_str(&b));
    strbuf_free(&b);
    return s;
}

struct words_case {
    const char *input;
    const char *words;
};

static void check_words_cases(const struct words_case *cases, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char *got = render_words(cases[i].input);
        expect_text(cases[i].input, got, cases[i].words);
        free(got);
    }
}

static void test_words_split_on_blanks(void **state)
{
    (void)state;
    static const struct words_case cases[] = {
        {"tables", "<tables>"},
        {"describe customers", "<describe> <customers>"},
        {"  show   crm  ", "<show> <crm>"},
        {"help\tload", "<help> <load>"},
        {"\t help \t load \t", "<help> <load>"},
        {"tables\r", "<tables>"},                       /* a CRLF script line */
        {"help load\r\n", "<help> <load>"},
        {"a\nb", "<a> <b>"},                            /* a line break is a blank too */
        {"", ""},
        {"   ", ""},
        {" \t\r\n ", ""},
        {"x", "<x>"},
        {"café 客户", "<café> <客户>"},                  /* UTF-8 bytes are word bytes */
        {"a#b c;d", "<a#b> <c;d>"},                     /* split_commands cuts these first */
    };
    check_words_cases(cases, COUNT(cases));
}

static void test_quotes(void **state)
{
    (void)state;
    static const struct words_case cases[] = {
        {"'a b'", "<a b>'"},
        {"\"a b\"", "<a b>'"},
        {"x 'two words' y", "<x> <two words>' <y>"},
        {"'say \"hi\"'", "<say \"hi\">'"},             /* the other quote is plain text */
        {"\"it's\"", "<it's>'"},
        {"'it''s'", "<it's>'"},                         /* doubled quote stands for itself */
        {"\"say \"\"hi\"\"\"", "<say \"hi\">'"},
        {"''''", "<'>'"},
        {"''", "<>'"},                                  /* an empty word, not no word */
        {"\"\"", "<>'"},
        {"a '' b", "<a> <>' <b>"},
        {"a'b c'd", "<ab cd>'"},                        /* quotes inside a word */
        {"'a'\"b\"c", "<abc>'"},                        /* adjacent quoted parts join */
        {"'a;b#c'", "<a;b#c>'"},
        {"'tab\there'", "<tab\there>'"},
        {"'line\nbreak'", "<line\nbreak>'"},
        {"'  '", "<  >'"},
    };
    check_words_cases(cases, COUNT(cases));
}

static void test_options(void **state)
{
    (void)state;
    static const struct words_case cases[] = {
        {"key=customer_id", "<key=customer_id>{key|customer_id}"},
        {"on='Site name',Zip", "<on=Site name,Zip>'{on|Site name,Zip}"},
        {"where=\"country = 'FR'\"", "<where=country = 'FR'>'{where|country = 'FR'}"},
        {"delimiter=';'", "<delimiter=;>'{delimiter|;}"},
        {"_k=1", "<_k=1>{_k|1}"},
        {"k-2=3", "<k-2=3>{k-2|3}"},
        {"K9=x", "<K9=x>{K9|x}"},
        {"a=", "<a=>{a|}"},                             /* an empty value is a value */
        {"a=''", "<a=>'{a|}"},
        {"key=a=b", "<key=a=b>{key|a=b}"},              /* the first '=' splits */
        {"a==b", "<a==b>{a|=b}"},
        {"'on'=x", "<on=x>'{on|x}"},                    /* a quoted key is still a key */
        {"=x", "<=x>"},                                 /* no key */
        {"9k=4", "<9k=4>"},
        {"-k=1", "<-k=1>"},
        {"x.y=1", "<x.y=1>"},
        {"a b=c", "<a> <b=c>{b|c}"},
        {"é=1", "<é=1>"},                               /* keys are ASCII identifiers */
        {"'a=b'", "<a=b>'"},                            /* a quoted '=' is text */
        {"a'='b", "<a=b>'"},
        {"\"a b\"=c", "<a b=c>'"},                      /* a key cannot hold a blank */
        {"'x='=y", "<x==y>'"},                          /* first unquoted '=' after "x=" */
        {"load f.csv replace key=id", "<load> <f.csv> <replace> <key=id>{key|id}"},
    };
    check_words_cases(cases, COUNT(cases));
}

/* Where each word starts in the command text (for pointing at it in an error). */
static void test_word_offsets(void **state)
{
    (void)state;
    static const struct {
        const char *input;
        int n;
        size_t offsets[4];
    } cases[] = {
        {"load a.csv", 2, {0, 5}},
        {"  load 'a b'  key=v", 3, {2, 7, 14}},
        {"\tx\t\"y\"z w", 3, {1, 3, 8}},
        {"on='Site name',Zip next", 2, {0, 19}},
        {"'' ''", 2, {0, 3}},
    };
    for (size_t i = 0; i < COUNT(cases); i++) {
        struct words ws;
        char err[128];
        assert_int_equal(tokenize(cases[i].input, &ws, err, sizeof err), 0);
        assert_int_equal(ws.n, cases[i].n);
        for (int k = 0; k < ws.n; k++)
            if (ws.w[k].offset != cases[i].offsets[k])
                fail_msg("input \"%s\" word %d: offset %zu, want %zu", cases[i].input, k,
                         ws.w[k].offset, cases[i].offsets[k]);
        words_free(&ws);
    }
}

struct error_case {
    const char *input;
    const char *err;
};

static void test_tokenize_unterminated_quote(void **state)
{
    (void)state;
    static const struct error_case cases[] = {
        {"'abc", "unterminated ' quote at column 1"},
        {"show \"crm", "unterminated \" quote at column 6"},
        {"a'b", "unterminated ' quote at column 2"},
        {"ok 'x' 'y", "unterminated ' quote at column 8"},
        {"'it''s", "unterminated ' quote at column 1"},    /* '' inside is not a close */
        {"'''", "unterminated ' quote at column 1"},
        {"\"a'", "unterminated \" quote at column 1"},     /* the other quote cannot close */
        {"on='Site name", "unterminated ' quote at column 4"},
    };
    for (size_t i = 0; i < COUNT(cases); i++) {
        struct words ws = {.n = 99};
        char err[128] = "";
        assert_int_equal(tokenize(cases[i].input, &ws, err, sizeof err), -1);
        expect_text(cases[i].input, err, cases[i].err);
        assert_int_equal(ws.n, 0);          /* nothing to free, nothing half-made */
        assert_null(ws.w);
    }
}

/* An error message cut to fit a small buffer still ends in a NUL. */
static void test_tokenize_error_fits_buffer(void **state)
{
    (void)state;
    struct words ws;
    char err[12];
    memset(err, 'x', sizeof err);
    assert_int_equal(tokenize("'abc", &ws, err, sizeof err), -1);
    assert_string_equal(err, "unterminate");
}

/* Many words: the word array grows. */
static void test_many_words(void **state)
{
    (void)state;
    struct strbuf line = {0};
    for (int i = 0; i < 1000; i++)
        strbuf_printf(&line, "w%d k%d='v %d' ", i, i, i);
    struct words ws;
    char err[128];
    assert_int_equal(tokenize(strbuf_str(&line), &ws, err, sizeof err), 0);
    assert_int_equal(ws.n, 2000);
    char want[32];
    snprintf(want, sizeof want, "v %d", 999);
    assert_string_equal(ws.w[1999].value, want);
    assert_string_equal(ws.w[1998].text, "w999");
    words_free(&ws);
    strbuf_free(&line);
}

/* ---- split_commands ---- */

static int sql_is_raw(const char *name, size_t len)
{
    return len == 3 && memcmp(name, "sql", 3) == 0;
}

/* The commands as [a][b], followed by "+" when the text ends in SQL that needs more. */
static char *render_commands_with(const char *line, raw_command_fn *is_raw, sql_goes_on_fn *goes_on)
{
    char **cmds;
    int n;
    char err[128] = "";
    int rc = split_commands(line, is_raw, goes_on, &cmds, &n, err, sizeof err);
    if (rc < 0)
        fail_msg("line \"%s\": unexpected error: %s", line, err);
    struct strbuf b = {0};
    for (int i = 0; i < n; i++)
        strbuf_printf(&b, "[%s]", cmds[i]);
    if (rc == 1)
        strbuf_putc(&b, '+');
    commands_free(cmds, n);
    char *s = xstrdup(strbuf_str(&b));
    strbuf_free(&b);
    return s;
}

static char *render_commands(const char *line, raw_command_fn *is_raw)
{
    return render_commands_with(line, is_raw, NULL);
}

struct split_case {
    const char *line;
    const char *commands;
};

static void check_split_cases(const struct split_case *cases, size_t n, raw_command_fn *is_raw)
{
    for (size_t i = 0; i < n; i++) {
        char *got = render_commands(cases[i].line, is_raw);
        expect_text(cases[i].line, got, cases[i].commands);
        free(got);
    }
}

static void test_split_separators_and_comments(void **state)
{
    (void)state;
    static const struct split_case cases[] = {
        {"tables", "[tables]"},
        {"tables; describe crm", "[tables][describe crm]"},
        {"tables;describe crm;", "[tables][describe crm]"},
        {";;tables ;; ;", "[tables]"},                 /* empty commands are dropped */
        {"a\nb", "[a][b]"},                             /* a line break separates too */
        {"a\r\nb\r\n", "[a][b]"},
        {"  \t a  b \t ", "[a  b]"},                    /* trimmed, inner blanks kept */
        {"", ""},
        {"   \t\r\n ", ""},
        {"# only a comment", ""},
        {"tables # list them; then describe", "[tables]"},
        {"tables# no blank needed", "[tables]"},
        {"show t where=a#b", "[show t where=a]"},       /* '#' cuts mid-word too */
        {"a # comment\nb", "[a][b]"},                   /* a comment ends at the line end */
        {"tables # it's fine", "[tables]"},             /* a quote in a comment is text */
        {"show t where='a;b#c'", "[show t where='a;b#c']"},
        {"x \"#\" ';'", "[x \"#\" ';']"},
        {"a'b;c'd; e", "[a'b;c'd][e]"},
        {"x 'it''s'; y", "[x 'it''s'][y]"},             /* a doubled quote is two parts */
        {"a 'multi\nline'; b", "[a 'multi\nline'][b]"},
    };
    check_split_cases(cases, COUNT(cases), sql_is_raw);
}

static void test_split_raw_commands(void **state)
{
    (void)state;
    static const struct split_case cases[] = {
        {"sql SELECT 1; SELECT 2", "[sql SELECT 1; SELECT 2]"},
        {"sql SELECT '#'; -- a # and a ; are sql's", "[sql SELECT '#'; -- a # and a ; are sql's]"},
        {"sql SELECT 1; tables", "[sql SELECT 1][tables]"},    /* SQL ends where SQL does */
        {"sql select 1;select 2; show t", "[sql select 1;select 2][show t]"},
        {"sql DELETE FROM t; drop t", "[sql DELETE FROM t][drop t]"},   /* Persona's drop */
        {"sql DELETE FROM t; DROP TABLE u; drop v", "[sql DELETE FROM t; DROP TABLE u][drop v]"},
        {"sql delete from t; drop\tindex i", "[sql delete from t; drop\tindex i]"},
        {"sql CREATE TRIGGER g AFTER INSERT ON t BEGIN SELECT 1; SELECT 2; END; tables",
         "[sql CREATE TRIGGER g AFTER INSERT ON t BEGIN SELECT 1; SELECT 2; END][tables]"},
        {"sql SELECT 'a;b', \"c;d\", [e;f], `g;h`; tables", "[sql SELECT 'a;b', \"c;d\", [e;f], `g;h`][tables]"},
        {"sql SELECT 1 /* ; tables */; tables", "[sql SELECT 1 /* ; tables */][tables]"},
        {"sql SELECT ';' -- ; tables\ntables", "[sql SELECT ';' -- ; tables][tables]"},
        {"  sql SELECT 1  ", "[sql SELECT 1]"},
        {"sql", "[sql]"},
        {"sql\tSELECT 1", "[sql\tSELECT 1]"},
        {"sql SELECT 'x", "[sql SELECT 'x]+"},          /* an open quote: more to come */
        {"sql SELECT /* x", "[sql SELECT /* x]+"},
        {"tables; sql SELECT ';'; x\nshow t", "[tables][sql SELECT ';'][x][show t]"},
        {"sql SELECT 1\r\nshow t", "[sql SELECT 1][show t]"},
        {"sql SELECT 1\nsql SELECT 2; 3", "[sql SELECT 1][sql SELECT 2][3]"},
        {"tables # note\nsql SELECT 1; 2", "[tables][sql SELECT 1][2]"},
        {"sqlite x; y", "[sqlite x][y]"},               /* only the whole word counts */
        {"'sql' x; y", "['sql' x][y]"},                 /* a quoted name is not raw */
        {"x sql; y", "[x sql][y]"},                     /* only the first word counts */
        {"sql;tables", "[sql][tables]"},                /* the first word ends at a blank */
        {"sql# comment", "[sql]"},
    };
    check_split_cases(cases, COUNT(cases), sql_is_raw);
}

/* With SQLite's parser deciding, a statement goes on over line breaks while it is
 * incomplete, and ends at the line break where it is complete. */
static void test_split_multiline_sql(void **state)
{
    (void)state;
    static const struct split_case cases[] = {
        {"sql SELECT a,\n  b FROM t\ntables", "[sql SELECT a,\n  b FROM t][tables]"},
        {"sql SELECT 1\ntables", "[sql SELECT 1][tables]"},
        {"sql INSERT INTO t VALUES (1,\n2);\nshow t", "[sql INSERT INTO t VALUES (1,\n2)][show t]"},
        {"sql SELECT a FROM", "[sql SELECT a FROM]+"},   /* the next line must come */
        {"sql SELECT a\nFROM t\nWHERE x\nshow t", "[sql SELECT a\nFROM t\nWHERE x][show t]"},
        {"sql SELECT a\n\nFROM t", "[sql SELECT a][FROM t]"},   /* a blank line ends it */
        {"sql SELECT a\n# note\nFROM t", "[sql SELECT a][FROM t]"},
        {"sql SELECT a\ntab", "[sql SELECT a][tab]"},        /* a command, by prefix */
        {"sql SELECT 'it''s\n'; tables", "[sql SELECT 'it''s\n'][tables]"},
        {"sql CREATE TABLE x(a);\nINSERT INTO x VALUES (1)", "[sql CREATE TABLE x(a)][INSERT INTO x VALUES (1)]"},
        {"sql SELECT 1 -- c\n  , 2\nundo", "[sql SELECT 1 -- c\n  , 2][undo]"},
    };
    for (size_t i = 0; i < COUNT(cases); i++) {
        char *got = render_commands_with(cases[i].line, sql_is_raw, cmd_sql_goes_on);
        expect_text(cases[i].line, got, cases[i].commands);
        free(got);
    }
    assert_true(cmd_line_needs_more("sql SELECT a,"));
    assert_false(cmd_line_needs_more("sql SELECT a"));
    assert_false(cmd_line_needs_more("show 'x"));       /* a tokenizer error, not SQL */
}

/* Without a raw hook every command is split the same way. */
static void test_split_without_raw_hook(void **state)
{
    (void)state;
    static const struct split_case cases[] = {
        {"sql SELECT 1; SELECT 2 # c", "[sql SELECT 1][SELECT 2]"},
    };
    check_split_cases(cases, COUNT(cases), NULL);
}

static void test_split_unterminated_quote(void **state)
{
    (void)state;
    static const struct error_case cases[] = {
        {"show 'crm", "unterminated ' quote at column 6"},
        {"tables; show \"crm", "unterminated \" quote at column 14"},
        {"a\nb 'x", "unterminated ' quote at column 5"},        /* columns count the line */
        {"ok 'a;b'; x 'y", "unterminated ' quote at column 13"},
        {"x 'it''s", "unterminated ' quote at column 3"},     /* where the string opened */
    };
    for (size_t i = 0; i < COUNT(cases); i++) {
        char *sentinel = NULL;
        char **cmds = &sentinel;            /* must be reset by the call */
        int n = 99;
        char err[128] = "";
        int rc = split_commands(cases[i].input, sql_is_raw, NULL, &cmds, &n, err, sizeof err);
        assert_int_equal(rc, -1);
        expect_text(cases[i].input, err, cases[i].err);
        assert_null(cmds);
        assert_int_equal(n, 0);
    }
}

/* The raw hook is asked once per command, about its first word when that is a whole
 * word (it ends at a blank), never about an empty one or one cut by ';'. */
static const char *asked[8];
static int nasked;

static int record_raw_question(const char *name, size_t len)
{
    assert_true(len > 0);
    if (nasked < 8)
        asked[nasked++] = strndup(name, len);
    return 0;
}

static void test_split_asks_raw_hook_per_command(void **state)
{
    (void)state;
    char **cmds;
    int n;
    char err[128];
    nasked = 0;
    assert_int_equal(split_commands("  tables ; show 'x y' ;;\n describe t # c\nundo;", record_raw_question, NULL,
                                    &cmds, &n, err, sizeof err), 0);
    assert_int_equal(n, 4);
    commands_free(cmds, n);
    static const char *const want[] = {"tables", "show", "describe"};
    assert_int_equal(nasked, 3);
    for (int i = 0; i < nasked; i++) {
        assert_string_equal(asked[i], want[i]);
        free((void *)asked[i]);
    }
}

/* Every command split_commands returns tokenizes without error: the two agree on
 * where quotes open and close. */
static void test_split_then_tokenize_agree(void **state)
{
    (void)state;
    static const char *const lines[] = {
        "a 'x''y' \"p\"\"q\"; b ''''",
        "on='Site name',Zip; k=\"v;w\"",
        "a'b;c'd \"e#f\"g",
    };
    for (size_t i = 0; i < COUNT(lines); i++) {
        char **cmds;
        int n;
        char err[128];
        assert_int_equal(split_commands(lines[i], sql_is_raw, NULL, &cmds, &n, err, sizeof err), 0);
        for (int k = 0; k < n; k++) {
            struct words ws;
            if (tokenize(cmds[k], &ws, err, sizeof err) != 0)
                fail_msg("line \"%s\" command \"%s\": %s", lines[i], cmds[k], err);
            words_free(&ws);
        }
        commands_free(cmds, n);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_words_split_on_blanks),
        cmocka_unit_test(test_quotes),
        cmocka_unit_test(test_options),
        cmocka_unit_test(test_word_offsets),
        cmocka_unit_test(test_tokenize_unterminated_quote),
        cmocka_unit_test(test_tokenize_error_fits_buffer),
        cmocka_unit_test(test_many_words),
        cmocka_unit_test(test_split_separators_and_comments),
        cmocka_unit_test(test_split_raw_commands),
        cmocka_unit_test(test_split_multiline_sql),
        cmocka_unit_test(test_split_without_raw_hook),
        cmocka_unit_test(test_split_unterminated_quote),
        cmocka_unit_test(test_split_asks_raw_hook_per_command),
        cmocka_unit_test(test_split_then_tokenize_agree),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
