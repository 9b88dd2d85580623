/* test_sink.c — the output sink: every format for tables, records and text, the
 * one-value-per-command rule of JSON (also for commands run by commands, as replay
 * does), the table format's column widths (display width, "…" cuts, the 1000-row
 * probe), how reals print, and each format's escaping.
 *
 * Each case writes through a memory sink and compares the whole output: a writer
 * function describes one command's results, and a table lists what every format
 * must make of it.  Table-format expectations are laid out so the columns line up in
 * the source wherever escapes allow. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sink.h"
#include "strbuf.h"
#include "utf8.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const char *format_name(enum sink_format fmt)
{
    static const char *const names[] = {"table", "csv", "tsv", "json", "markdown"};
    return names[fmt];
}

/* Writes one command's results into s (between sink_begin and sink_end). */
typedef void writer_fn(struct sink *s);

/* Runs writer as one command in a fresh memory sink of the format; the caller frees. */
static char *render(enum sink_format fmt, writer_fn *writer)
{
    struct sink *s = sink_open_buffer(fmt);
    sink_begin(s);
    writer(s);
    sink_end(s);
    char *text = xstrdup(sink_buffer_text(s, NULL));
    sink_close(s);
    return text;
}

static void expect_output(const char *what, const char *got, const char *want)
{
    if (strcmp(got, want) != 0)
        fail_msg("%s\n--- got:\n%s\n--- want:\n%s", what, got, want);
}

struct format_case {
    enum sink_format fmt;
    const char *out;
};

/* Renders writer in each listed format and compares. */
static void check_formats(const char *what, writer_fn *writer, const struct format_case *cases, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char *got = render(cases[i].fmt, writer);
        char label[128];
        snprintf(label, sizeof label, "%s as %s", what, format_name(cases[i].fmt));
        expect_output(label, got, cases[i].out);
        free(got);
    }
}

/* ---- one table in every format ---- */

static void write_mixed_table(struct sink *s)
{
    static const char *const cols[] = {"n", "r", "t", "ok"};
    sink_table_begin(s, NULL, 4, cols);
    const struct cell rows[][4] = {
        {cell_int(1), cell_real(2.5), cell_text("plain"), cell_bool(1)},
        {cell_int(-7), cell_real(3.0), cell_text("a,b"), cell_bool(0)},
        {cell_null(), cell_null(), cell_text("say \"hi\""), cell_null()},
        {cell_int(0), cell_real(0.1), cell_text("line1\nline2"), cell_bool(1)},
        {cell_int(42), cell_real(1e300), cell_text("tab\there|pipe\\"), cell_bool(0)},
        {cell_int(INT64_MIN), cell_real(-0.5), cell_text(" padded "), cell_text("cr\rhere")},
    };
    for (size_t i = 0; i < COUNT(rows); i++)
        sink_table_row(s, rows[i]);
    sink_table_end(s);
}

static void test_table_in_every_format(void **state)
{
    (void)state;
    static const struct format_case cases[] = {
        {FMT_TABLE,
         "n                     r       t               ok\n"
         "--------------------  ------  --------------  -------\n"
         "                   1     2.5  plain           true\n"
         "                  -7     3.0  a,b             false\n"
         "                              say \"hi\"        \n"
         "                   0     0.1  line1\xe2\x86\xb5line2     true\n"
         "                  42  1e+300  tab here|pipe\\  false\n"
         "-9223372036854775808    -0.5   padded         cr\xe2\x86\xb5here\n"},
        /* RFC 4180: quotes around a field with the delimiter, a quote, CR or LF
         * (doubling its quotes), and around leading or trailing blanks, which
         * readers would strip; CRLF after every record */
        {FMT_CSV,
         "n,r,t,ok\r\n"
         "1,2.5,plain,true\r\n"
         "-7,3.0,\"a,b\",false\r\n"
         ",,\"say \"\"hi\"\"\",\r\n"
         "0,0.1,\"line1\nline2\",true\r\n"
         "42,1e+300,tab\there|pipe\\,false\r\n"
         "-9223372036854775808,-0.5,\" padded \",\"cr\rhere\"\r\n"},
        /* TSV cannot quote: tab, LF, CR and backslash are escaped */
        {FMT_TSV,
         "n\tr\tt\tok\n"
         "1\t2.5\tplain\ttrue\n"
         "-7\t3.0\ta,b\tfalse\n"
         "\t\tsay \"hi\"\t\n"
         "0\t0.1\tline1\\nline2\ttrue\n"
         "42\t1e+300\ttab\\there|pipe\\\\\tfalse\n"
         "-9223372036854775808\t-0.5\t padded \tcr\\rhere\n"},
        {FMT_JSON,
         "[\n"
         "  {\"n\":1,\"r\":2.5,\"t\":\"plain\",\"ok\":true},\n"
         "  {\"n\":-7,\"r\":3.0,\"t\":\"a,b\",\"ok\":false},\n"
         "  {\"n\":null,\"r\":null,\"t\":\"say \\\"hi\\\"\",\"ok\":null},\n"
         "  {\"n\":0,\"r\":0.1,\"t\":\"line1\\nline2\",\"ok\":true},\n"
         "  {\"n\":42,\"r\":1e+300,\"t\":\"tab\\there|pipe\\\\\",\"ok\":false},\n"
         "  {\"n\":-9223372036854775808,\"r\":-0.5,\"t\":\" padded \",\"ok\":\"cr\\rhere\"}\n"
         "]\n"},
        {FMT_MARKDOWN,
         "| n | r | t | ok |\n"
         "|---|---|---|---|\n"
         "| 1 | 2.5 | plain | true |\n"
         "| -7 | 3.0 | a,b | false |\n"
         "|  |  | say \"hi\" |  |\n"
         "| 0 | 0.1 | line1<br>line2 | true |\n"
         "| 42 | 1e+300 | tab\there\\|pipe\\\\ | false |\n"
         "| -9223372036854775808 | -0.5 |  padded  | cr<br>here |\n"},
    };
    check_formats("mixed table", write_mixed_table, cases, COUNT(cases));
}

static void write_empty_table(struct sink *s)
{
    static const char *const cols[] = {"id", "name"};
    sink_table_begin(s, NULL, 2, cols);
    sink_table_end(s);
}

static void test_table_without_rows(void **state)
{
    (void)state;
    static const struct format_case cases[] = {
        {FMT_TABLE, "id  name\n--  ----\n"},
        {FMT_CSV, "id,name\r\n"},
        {FMT_TSV, "id\tname\n"},
        {FMT_JSON, "[]\n"},
        {FMT_MARKDOWN, "| id | name |\n|---|---|\n"},
    };
    check_formats("empty table", write_empty_table, cases, COUNT(cases));
}

/* Column names get the same escaping as cells. */
static void write_awkward_headers(struct sink *s)
{
    static const char *const cols[] = {"a,b", "say \"x\"", "p|q"};
    sink_table_begin(s, NULL, 3, cols);
    const struct cell row[] = {cell_int(1), cell_int(2), cell_int(3)};
    sink_table_row(s, row);
    sink_table_end(s);
}

static void test_header_escaping(void **state)
{
    (void)state;
    static const struct format_case cases[] = {
        {FMT_CSV, "\"a,b\",\"say \"\"x\"\"\",p|q\r\n1,2,3\r\n"},
        {FMT_JSON, "[\n  {\"a,b\":1,\"say \\\"x\\\"\":2,\"p|q\":3}\n]\n"},
        {FMT_MARKDOWN, "| a,b | say \"x\" | p\\|q |\n|---|---|---|\n| 1 | 2 | 3 |\n"},
    };
    check_formats("awkward headers", write_awkward_headers, cases, COUNT(cases));
}

/* ---- display width ---- */

/* The columns the table format reserves for a text, and how much of it fits. */
static void test_utf8_width_and_fit(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        int width;
        int fit_columns;        /* fit it into this many columns: */
        size_t fit_bytes;       /* this many bytes, */
        int fit_width;          /* taking this many columns */
    } cases[] = {
        {"", 0, 3, 0, 0},
        {"abc", 3, 2, 2, 2},
        {"Zoë", 3, 3, 4, 3},                        /* ë is two bytes, one column */
        {"客户", 4, 3, 3, 2},                       /* a wide character is not split */
        {"客户", 4, 4, 6, 4},
        {"e\xcc\x81x", 2, 1, 3, 1},                  /* a combining mark rides along */
        {"\xf0\x9f\x98\x80!", 3, 2, 4, 2},           /* emoji are wide */
        {"a\tb\n", 4, 4, 4, 4},                     /* controls show as one column */
        {"\x80\xff", 2, 1, 1, 1},                    /* invalid bytes: one column each */
        {"\xe5\xae", 2, 5, 2, 2},                    /* a cut-off sequence too */
        {"\xed\xa0\x80", 3, 9, 3, 3},                /* a surrogate is invalid */
    };
    for (size_t i = 0; i < COUNT(cases); i++) {
        size_t len = strlen(cases[i].text);
        int w = utf8_width(cases[i].text, len);
        if (w != cases[i].width)
            fail_msg("case %zu: width %d, want %d", i, w, cases[i].width);
        int fitted = -1;
        size_t n = utf8_fit(cases[i].text, len, cases[i].fit_columns, &fitted);
        if (n != cases[i].fit_bytes || fitted != cases[i].fit_width)
            fail_msg("case %zu: fit into %d gives %zu bytes, %d columns; want %zu, %d", i,
                     cases[i].fit_columns, n, fitted, cases[i].fit_bytes, cases[i].fit_width);
    }
    int cp;
    assert_int_equal(utf8_decode("\xc3\xab", 2, &cp), 2);
    assert_int_equal(cp, 0xeb);
    assert_int_equal(utf8_decode("\xc3", 1, &cp), 1);
    assert_int_equal(cp, -1);
}

static void write_unicode_table(struct sink *s)
{
    static const char *const cols[] = {"name", "city", "n"};
    sink_table_begin(s, NULL, 3, cols);
    const struct cell rows[][3] = {
        {cell_text("Zoë"), cell_text("Köln"), cell_int(1)},
        {cell_text("客户"), cell_text("東京都"), cell_int(22)},
        {cell_text("e\xcc\x81"), cell_text("x"), cell_int(3)},     /* e + combining acute */
    };
    for (size_t i = 0; i < COUNT(rows); i++)
        sink_table_row(s, rows[i]);
    sink_table_end(s);
}

/* Columns line up by display width: accents take one column, CJK two, a combining
 * mark none. */
static void test_table_aligns_by_display_width(void **state)
{
    (void)state;
    static const struct format_case cases[] = {
        {FMT_TABLE,
         "name  city    n\n"
         "----  ------  --\n"
         "Zoë   Köln     1\n"
         "客户  東京都  22\n"
         "e\xcc\x81     x        3\n"},
    };
    check_formats("unicode table", write_unicode_table, cases, COUNT(cases));
}

static void write_long_cells(struct sink *s)
{
    sink_set_max_width(s, 5);
    static const char *const cols[] = {"ascii", "accents", "wide", "odd", "last"};
    sink_table_begin(s, NULL, 5, cols);
    const struct cell rows[][5] = {
        {cell_text("abcdefgh"), cell_text("Zoëlle-Marie"), cell_text("日本語日本語"),
         cell_text("ab日本語"), cell_text("the last column is never cut")},
        {cell_text("abcde"), cell_text("Zoë"), cell_text("日本"), cell_text("a日本"), cell_text("x")},
        {cell_int(1234567), cell_real(0.30000000000000004), cell_null(), cell_text("a\nbcdef"),
         cell_null()},
    };
    for (size_t i = 0; i < COUNT(rows); i++)
        sink_table_row(s, rows[i]);
    sink_table_end(s);
}

/* Cells wider than the maximum are cut with "…" to exactly the column's width (which
 * a longer header can make wider than the maximum), never splitting a character; the
 * last column cannot push anything out of line and is never cut. */
static void test_table_cuts_long_cells_except_last(void **state)
{
    (void)state;
    static const struct format_case cases[] = {
        {FMT_TABLE,
         "ascii  accents  wide   odd    last\n"
         "-----  -------  -----  -----  ----------------------------\n"
         "abcd…  Zoëlle…  日本…  ab日…  the last column is never cut\n"
         "abcde  Zoë      日本   a日本  x\n"
         "1234…      0.3         a\xe2\x86\xb5" "bc…  \n"},
        /* the other formats never cut */
        {FMT_CSV,
         "ascii,accents,wide,odd,last\r\n"
         "abcdefgh,Zoëlle-Marie,日本語日本語,ab日本語,the last column is never cut\r\n"
         "abcde,Zoë,日本,a日本,x\r\n"
         "1234567,0.30000000000000004,,\"a\nbcdef\",\r\n"},
    };
    check_formats("long cells", write_long_cells, cases, COUNT(cases));
}

static void write_wide_char_at_cut(struct sink *s)
{
    sink_set_max_width(s, 4);
    static const char *const cols[] = {"w", "n"};
    sink_table_begin(s, NULL, 2, cols);
    const struct cell row[] = {cell_text("日本語"), cell_int(1)};
    sink_table_row(s, row);
    sink_table_end(s);
}

static void test_table_cut_never_splits_a_wide_character(void **state)
{
    (void)state;
    static const struct format_case cases[] = {
        {FMT_TABLE, "w     n\n----  -\n日…   1\n"},
    };
    check_formats("wide character at the cut", write_wide_char_at_cut, cases, COUNT(cases));
}

static void write_uncut(struct sink *s)
{
    sink_set_max_width(s, 0);
    static const char *const cols[] = {"a", "b"};
    sink_table_begin(s, NULL, 2, cols);
    const struct cell row[] = {cell_text("a cell of fifty characters, which is over forty..."), cell_int(1)};
    sink_table_row(s, row);
    sink_table_end(s);
}

static void test_table_max_width_zero_never_cuts(void **state)
{
    (void)state;
    static const struct format_case cases[] = {
        {FMT_TABLE,
         "a                                                   b\n"
         "--------------------------------------------------  -\n"
         "a cell of fifty characters, which is over forty...  1\n"},
    };
    check_formats("max width 0", write_uncut, cases, COUNT(cases));
}

static void write_default_width(struct sink *s)
{
    static const char *const cols[] = {"a", "b"};
    sink_table_begin(s, NULL, 2, cols);
    const struct cell row[] = {cell_text("a cell of fifty characters, which is over forty..."), cell_int(1)};
    sink_table_row(s, row);
    sink_table_end(s);
}

static void test_table_default_max_width_is_40(void **state)
{
    (void)state;
    static const struct format_case cases[] = {
        {FMT_TABLE,
         "a                                         b\n"
         "----------------------------------------  -\n"
         "a cell of fifty characters, which is ov…  1\n"},
    };
    check_formats("default width", write_default_width, cases, COUNT(cases));
}

/* ---- the probe: widths from the first 1000 rows, then streaming ---- */

/* Rows of "short" with one long cell at row long_at (1-based), then end. */
static void write_probe_rows(struct sink *s, int nrows, int long_at)
{
    static const char *const cols[] = {"text", "n"};
    sink_table_begin(s, NULL, 2, cols);
    for (int i = 1; i <= nrows; i++) {
        const struct cell row[] = {cell_text(i == long_at ? "a much longer cell" : "short"), cell_int(i % 10)};
        sink_table_row(s, row);
    }
    sink_table_end(s);
}

/* The last line of a rendering, without its line end. */
static const char *last_line(const char *text, char *buf, size_t size)
{
    size_t n = strlen(text);
    assert_true(n > 0 && text[n - 1] == '\n');
    const char *start = text + n - 1;
    while (start > text && start[-1] != '\n')
        start--;
    snprintf(buf, size, "%.*s", (int)(text + n - 1 - start), start);
    return buf;
}

static void test_table_probe_then_stream(void **state)
{
    (void)state;
    static const struct {
        int rows, long_at;
        const char *last;
    } cases[] = {
        {1000, 1000, "a much longer cell  0"},      /* the 1000th row is still probed */
        {1001, 1001, "a mu…  1"},                   /* the 1001st streams: widths are fixed */
        {2500, 2500, "a mu…  0"},
        {2500, 1, "short               0"},         /* an early long cell widens the column */
    };
    for (size_t i = 0; i < COUNT(cases); i++) {
        struct sink *s = sink_open_buffer(FMT_TABLE);
        sink_begin(s);
        write_probe_rows(s, cases[i].rows, cases[i].long_at);
        sink_end(s);
        char buf[128], label[64];
        snprintf(label, sizeof label, "%d rows, long cell at %d", cases[i].rows, cases[i].long_at);
        expect_output(label, last_line(sink_buffer_text(s, NULL), buf, sizeof buf), cases[i].last);
        sink_close(s);
    }
}

/* ---- reals ---- */

static void test_reals_shortest_round_trip(void **state)
{
    (void)state;
    static const struct {
        double d;
        const char *text;
    } cases[] = {
        {3.0, "3.0"},                               /* never mistaken for an integer */
        {-0.0, "-0.0"},
        {0.0, "0.0"},
        {123456789.0, "123456789.0"},
        {0.1, "0.1"},
        {2.5, "2.5"},
        {0.1 + 0.2, "0.30000000000000004"},
        {1.0 / 3.0, "0.3333333333333333"},
        {2.0 / 3.0, "0.6666666666666666"},
        {1e300, "1e+300"},
        {1e-7, "1e-07"},
        {1e16, "1e+16"},
        {123456789012345678.0, "1.2345678901234568e+17"},
        {DBL_MAX, "1.7976931348623157e+308"},
        {DBL_MIN, "2.2250738585072014e-308"},
        {DBL_TRUE_MIN, "5e-324"},                   /* subnormals have fewer digits */
        {1.5e-320, "1.5e-320"},
        {NAN, "NaN"},
        {INFINITY, "Infinity"},
        {-INFINITY, "-Infinity"},
    };
    for (size_t i = 0; i < COUNT(cases); i++) {
        struct cell c = cell_real(cases[i].d);
        char buf[64];
        const char *text = cell_format(&c, buf, sizeof buf);
        if (strcmp(text, cases[i].text) != 0)
            fail_msg("%.17g printed as %s, want %s", cases[i].d, text, cases[i].text);
        if (isfinite(cases[i].d) && strtod(text, NULL) != cases[i].d)
            fail_msg("%s does not read back as %.17g", text, cases[i].d);
    }
}

/* Every finite double reads back from its text: a sweep over bit patterns. */
static void test_reals_round_trip_sweep(void **state)
{
    (void)state;
    uint64_t bits = 0x9E3779B97F4A7C15u;
    for (int i = 0; i < 100000; i++) {
        bits ^= bits << 13;
        bits ^= bits >> 7;
        bits ^= bits << 17;
        double d;
        memcpy(&d, &bits, sizeof d);
        if (!isfinite(d))
            continue;
        struct cell c = cell_real(d);
        char buf[64];
        const char *text = cell_format(&c, buf, sizeof buf);
        if (strtod(text, NULL) != d || !strpbrk(text, ".e"))
            fail_msg("%a printed as %s", d, text);
    }
}

static void write_reals(struct sink *s)
{
    static const char *const cols[] = {"x"};
    sink_table_begin(s, "rows", 1, cols);
    const struct cell rows[][1] = {{cell_real(0.1 + 0.2)}, {cell_real(1.0 / 3.0)}, {cell_real(3.0)},
                                   {cell_real(1234567.891)}, {cell_real(12345678901.5)}};
    for (size_t i = 0; i < COUNT(rows); i++)
        sink_table_row(s, rows[i]);
    sink_table_end(s);
    sink_record_begin(s, "stats");
    sink_field(s, "mean", cell_real(2.0 / 3.0));
    sink_record_end(s);
}

/* People read 10 significant digits (table, Markdown); machines get the exact
 * shortest text (CSV, TSV, JSON).  Neither shows a real as an integer. */
static void test_reals_for_people_and_machines(void **state)
{
    (void)state;
    static const struct format_case cases[] = {
        {FMT_TABLE,
         "x\n"
         "--------------\n"
         "           0.3\n"
         "  0.3333333333\n"
         "           3.0\n"
         "   1234567.891\n"
         "1.23456789e+10\n"
         "\n"
         "stats:\n"
         "mean  0.6666666667\n"},
        {FMT_MARKDOWN,
         "| x |\n|---|\n| 0.3 |\n| 0.3333333333 |\n| 3.0 |\n| 1234567.891 |\n| 1.23456789e+10 |\n"
         "\n"
         "stats:\n"
         "| field | value |\n|---|---|\n| mean | 0.6666666667 |\n"},
        {FMT_CSV,
         "x\r\n0.30000000000000004\r\n0.3333333333333333\r\n3.0\r\n1234567.891\r\n12345678901.5\r\n"
         "\n"
         "mean\r\n0.6666666666666666\r\n"},
        {FMT_JSON,
         "{\"rows\":[\n  {\"x\":0.30000000000000004},\n  {\"x\":0.3333333333333333},\n  {\"x\":3.0},\n"
         "  {\"x\":1234567.891},\n  {\"x\":12345678901.5}\n],\n"
         "\"stats\":{\n  \"mean\":0.6666666666666666\n}}\n"},
    };
    check_formats("reals", write_reals, cases, COUNT(cases));
}

static void write_non_finite(struct sink *s)
{
    static const char *const cols[] = {"x"};
    sink_table_begin(s, NULL, 1, cols);
    const struct cell rows[][1] = {{cell_real(NAN)}, {cell_real(INFINITY)}, {cell_real(-INFINITY)}};
    for (size_t i = 0; i < COUNT(rows); i++)
        sink_table_row(s, rows[i]);
    sink_table_end(s);
}

/* JSON has no NaN or Infinity: they become null. */
static void test_non_finite_reals(void **state)
{
    (void)state;
    static const struct format_case cases[] = {
        {FMT_JSON, "[\n  {\"x\":null},\n  {\"x\":null},\n  {\"x\":null}\n]\n"},
        {FMT_CSV, "x\r\nNaN\r\nInfinity\r\n-Infinity\r\n"},
        {FMT_TABLE, "x\n---------\n      NaN\n Infinity\n-Infinity\n"},
    };
    check_formats("non-finite reals", write_non_finite, cases, COUNT(cases));
}

static void test_cell_format(void **state)
{
    (void)state;
    static const struct {
        struct cell c;
        const char *text;
    } cases[] = {
        {{.type = CELL_NULL}, ""},
        {{.type = CELL_INT, .i = -42}, "-42"},
        {{.type = CELL_INT, .i = INT64_MAX}, "9223372036854775807"},
        {{.type = CELL_BOOL, .i = 1}, "true"},
        {{.type = CELL_BOOL, .i = 0}, "false"},
        {{.type = CELL_TEXT, .s = "text", .len = 4}, "text"},
        {{.type = CELL_REAL, .d = 4.0}, "4.0"},
    };
    for (size_t i = 0; i < COUNT(cases); i++) {
        char buf[64];
        assert_string_equal(cell_format(&cases[i].c, buf, sizeof buf), cases[i].text);
    }
    assert_int_equal(cell_text(NULL).type, CELL_NULL);
    assert_int_equal(cell_bool(7).i, 1);
    assert_int_equal(cell_text("abc").len, 3);
}

/* ---- JSON strings ---- */

static void write_control_chars(struct sink *s)
{
    sink_text(s, NULL, "\x01\x1f\x7f\"\\/\b\f\n\r\tend");
}

static void write_invalid_utf8(struct sink *s)
{
    /* a stray continuation byte, a truncated sequence, an overlong '/', a surrogate,
     * then valid text: JSON must be UTF-8, so each bad byte becomes U+FFFD */
    sink_text(s, NULL, "a\x80" "b\xc3" "c\xc0\xaf" "d\xed\xa0\x80" "é客");
}

static void write_blob_with_nul(struct sink *s)
{
    static const char *const cols[] = {"blob"};
    sink_table_begin(s, NULL, 1, cols);
    const struct cell row[] = {{.type = CELL_TEXT, .s = "a\0b", .len = 3}};
    sink_table_row(s, row);
    sink_table_end(s);
}

static void test_json_escaping(void **state)
{
    (void)state;
    static const struct {
        writer_fn *writer;
        const char *what, *json;
    } cases[] = {
        {write_control_chars, "control characters",
         "\"\\u0001\\u001f\x7f\\\"\\\\/\\u0008\\u000c\\n\\r\\tend\"\n"},
        {write_invalid_utf8, "invalid UTF-8",
         "\"a\\ufffdb\\ufffdc\\ufffd\\ufffdd\\ufffd\\ufffd\\ufffdé客\"\n"},
        {write_blob_with_nul, "a NUL inside a cell", "[\n  {\"blob\":\"a\\u0000b\"}\n]\n"},
    };
    for (size_t i = 0; i < COUNT(cases); i++) {
        char *got = render(FMT_JSON, cases[i].writer);
        expect_output(cases[i].what, got, cases[i].json);
        free(got);
    }
}

/* ---- records and text ---- */

static void write_record(struct sink *s)
{
    sink_record_begin(s, NULL);
    sink_field(s, "table", cell_text("crm"));
    sink_field(s, "rows", cell_int(1234));
    sink_field(s, "ratio", cell_real(0.25));
    sink_field(s, "header", cell_bool(1));
    sink_field(s, "key", cell_null());
    const struct cell items[] = {cell_text("a"), cell_text("b,c"), cell_int(1), cell_null()};
    sink_field_list(s, "columns", 4, items);
    sink_field(s, "note", cell_text("two\nlines"));
    sink_record_end(s);
}

static void test_record_in_every_format(void **state)
{
    (void)state;
    static const struct format_case cases[] = {
        /* a line break in a value would break the key column: shown as ↵ */
        {FMT_TABLE,
         "table    crm\n"
         "rows     1234\n"
         "ratio    0.25\n"
         "header   true\n"
         "key      \n"
         "columns  a, b,c, 1, \n"
         "note     two\xe2\x86\xb5lines\n"},
        {FMT_CSV,
         "table,rows,ratio,header,key,columns,note\r\n"
         "crm,1234,0.25,true,,\"a, b,c, 1, \",\"two\nlines\"\r\n"},
        {FMT_TSV,
         "table\trows\tratio\theader\tkey\tcolumns\tnote\n"
         "crm\t1234\t0.25\ttrue\t\ta, b,c, 1, \ttwo\\nlines\n"},
        {FMT_JSON,
         "{\n"
         "  \"table\":\"crm\",\n"
         "  \"rows\":1234,\n"
         "  \"ratio\":0.25,\n"
         "  \"header\":true,\n"
         "  \"key\":null,\n"
         "  \"columns\":[\"a\",\"b,c\",1,null],\n"
         "  \"note\":\"two\\nlines\"\n"
         "}\n"},
        {FMT_MARKDOWN,
         "| field | value |\n"
         "|---|---|\n"
         "| table | crm |\n"
         "| rows | 1234 |\n"
         "| ratio | 0.25 |\n"
         "| header | true |\n"
         "| key |  |\n"
         "| columns | a, b,c, 1,  |\n"
         "| note | two<br>lines |\n"},
    };
    check_formats("record", write_record, cases, COUNT(cases));
}

static void write_empty_record(struct sink *s)
{
    sink_record_begin(s, NULL);
    sink_record_end(s);
}

static void test_empty_record(void **state)
{
    (void)state;
    static const struct format_case cases[] = {
        {FMT_TABLE, ""},
        {FMT_JSON, "{}\n"},
    };
    check_formats("empty record", write_empty_record, cases, COUNT(cases));
}

static void write_text(struct sink *s) { sink_text(s, NULL, "usage: load PATH\n  loads a \"CSV\""); }

static void write_text_with_newline(struct sink *s) { sink_text(s, NULL, "done\n"); }

static void test_text_block(void **state)
{
    (void)state;
    static const struct format_case text_cases[] = {
        {FMT_TABLE, "usage: load PATH\n  loads a \"CSV\"\n"},      /* a line end is added */
        {FMT_CSV, "usage: load PATH\n  loads a \"CSV\"\n"},
        {FMT_MARKDOWN, "usage: load PATH\n  loads a \"CSV\"\n"},
        {FMT_JSON, "\"usage: load PATH\\n  loads a \\\"CSV\\\"\"\n"},
    };
    check_formats("text", write_text, text_cases, COUNT(text_cases));
    static const struct format_case newline_cases[] = {
        {FMT_TABLE, "done\n"},                                      /* not doubled */
        {FMT_JSON, "\"done\\n\"\n"},
    };
    check_formats("text ending in a line break", write_text_with_newline, newline_cases,
                  COUNT(newline_cases));
}

/* ---- one value per command ---- */

static void write_nothing(struct sink *s) { (void)s; }

static void write_two_named_blocks(struct sink *s)
{
    sink_record_begin(s, "load");
    sink_field(s, "rows", cell_int(2));
    sink_record_end(s);
    static const char *const cols[] = {"column", "type"};
    sink_table_begin(s, "columns", 2, cols);
    const struct cell rows[][2] = {{cell_text("id"), cell_text("integer")}, {cell_text("name"), cell_text("text")}};
    for (size_t i = 0; i < COUNT(rows); i++)
        sink_table_row(s, rows[i]);
    sink_table_end(s);
    sink_text(s, "note", "kept");
}

static void test_one_value_per_command(void **state)
{
    (void)state;
    static const struct format_case nothing[] = {
        {FMT_JSON, "null\n"},           /* still one value */
        {FMT_TABLE, ""},
        {FMT_CSV, ""},
    };
    check_formats("a command that writes nothing", write_nothing, nothing, COUNT(nothing));
    /* named blocks gather into one object; in text formats the first block is the
     * command's headline and the later ones get their name as a title */
    static const struct format_case named[] = {
        {FMT_JSON,
         "{\"load\":{\n  \"rows\":2\n},\n"
         "\"columns\":[\n  {\"column\":\"id\",\"type\":\"integer\"},\n  {\"column\":\"name\",\"type\":\"text\"}\n],\n"
         "\"note\":\"kept\"}\n"},
        {FMT_TABLE,
         "rows  2\n"
         "\n"
         "columns:\n"
         "column  type\n"
         "------  -------\n"
         "id      integer\n"
         "name    text\n"
         "\n"
         "note:\n"
         "kept\n"},
        {FMT_CSV,
         "rows\r\n2\r\n"
         "\n"
         "column,type\r\nid,integer\r\nname,text\r\n"
         "\n"
         "kept\n"},
    };
    check_formats("named blocks", write_two_named_blocks, named, COUNT(named));
}

/* Several commands in a row: JSON prints one value per line-started value; the table
 * format sets each command's output off with a blank line. */
static void write_one_field(struct sink *s)
{
    sink_record_begin(s, NULL);
    sink_field(s, "n", cell_int(1));
    sink_record_end(s);
}

static void test_consecutive_commands(void **state)
{
    (void)state;
    static const struct format_case cases[] = {
        {FMT_JSON, "[]\nnull\n{\n  \"n\":1\n}\n\"done\\n\"\n"},
        {FMT_TABLE, "id  name\n--  ----\n\nn  1\n\ndone\n"},
    };
    writer_fn *const commands[] = {write_empty_table, write_nothing, write_one_field,
                                   write_text_with_newline};
    for (size_t i = 0; i < COUNT(cases); i++) {
        struct sink *s = sink_open_buffer(cases[i].fmt);
        for (size_t k = 0; k < COUNT(commands); k++) {
            sink_begin(s);
            commands[k](s);
            sink_end(s);
        }
        expect_output(format_name(cases[i].fmt), sink_buffer_text(s, NULL), cases[i].out);
        sink_close(s);
    }
}

/* Commands run by a command (replay runs a script, which may replay another) each
 * print their own value; a command that only ran others prints nothing of its own,
 * however deep the nesting; one that also wrote a block prints that too. */
static void run_nested(struct sink *s, int depth, int outer_writes)
{
    sink_begin(s);
    if (depth == 0) {
        sink_record_begin(s, NULL);
        sink_field(s, "n", cell_int(1));
        sink_record_end(s);
    } else {
        run_nested(s, depth - 1, 0);
        run_nested(s, depth - 1, 0);
        if (outer_writes)
            sink_text(s, NULL, "outer");
    }
    sink_end(s);
}

static void test_nested_commands(void **state)
{
    (void)state;
    static const char one[] = "{\n  \"n\":1\n}\n";
    static const struct {
        int depth, outer_writes;
        int values;         /* innermost records printed */
        const char *tail;   /* what follows them */
    } cases[] = {
        {1, 0, 2, ""},
        {1, 1, 2, "\"outer\"\n"},
        {2, 0, 4, ""},      /* a replay inside a replay adds no null */
        {3, 1, 8, "\"outer\"\n"},
        {10, 0, 1024, ""},  /* deeper than any fixed stack */
    };
    for (size_t i = 0; i < COUNT(cases); i++) {
        struct sink *s = sink_open_buffer(FMT_JSON);
        run_nested(s, cases[i].depth, cases[i].outer_writes);
        struct strbuf want = {0};
        for (int k = 0; k < cases[i].values; k++)
            strbuf_puts(&want, one);
        strbuf_puts(&want, cases[i].tail);
        char label[64];
        snprintf(label, sizeof label, "nested %d deep", cases[i].depth);
        expect_output(label, sink_buffer_text(s, NULL), strbuf_str(&want));
        strbuf_free(&want);
        /* after the nesting the sink is back at top level: a next command is normal */
        sink_buffer_reset(s);
        sink_begin(s);
        sink_end(s);
        expect_output("command after nesting", sink_buffer_text(s, NULL), "null\n");
        sink_close(s);
    }
}

/* A nested command that writes nothing still prints its null: every command run
 * prints one value. */
static void test_nested_command_without_output(void **state)
{
    (void)state;
    struct sink *s = sink_open_buffer(FMT_JSON);
    sink_begin(s);
    sink_begin(s);
    sink_end(s);
    sink_end(s);
    expect_output("nested empty", sink_buffer_text(s, NULL), "null\n");
    sink_close(s);
}

/* ---- the sink itself ---- */

static void test_parse_format(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        int ok;
        enum sink_format fmt;
    } cases[] = {
        {"table", 1, FMT_TABLE}, {"csv", 1, FMT_CSV}, {"tsv", 1, FMT_TSV},
        {"json", 1, FMT_JSON}, {"markdown", 1, FMT_MARKDOWN},
        {"JSON", 0, 0}, {"", 0, 0}, {"jso", 0, 0}, {"tables", 0, 0},
    };
    for (size_t i = 0; i < COUNT(cases); i++) {
        enum sink_format fmt = FMT_TSV;
        int rc = sink_parse_format(cases[i].name, &fmt);
        if (cases[i].ok) {
            assert_int_equal(rc, 0);
            assert_int_equal(fmt, cases[i].fmt);
        } else {
            assert_int_equal(rc, -1);
            assert_int_equal(fmt, FMT_TSV);     /* untouched */
        }
    }
}

static void test_set_format_and_reset(void **state)
{
    (void)state;
    struct sink *s = sink_open_buffer(FMT_TABLE);
    assert_int_equal(sink_format(s), FMT_TABLE);
    size_t len = 99;
    assert_string_equal(sink_buffer_text(s, &len), "");
    assert_int_equal(len, 0);
    sink_set_format(s, FMT_CSV);
    assert_int_equal(sink_format(s), FMT_CSV);
    sink_begin(s);
    write_empty_table(s);
    sink_end(s);
    assert_string_equal(sink_buffer_text(s, &len), "id,name\r\n");
    assert_int_equal(len, 9);
    sink_buffer_reset(s);
    assert_string_equal(sink_buffer_text(s, &len), "");
    assert_int_equal(len, 0);
    sink_close(s);
    sink_close(NULL);
}

/* A file sink writes what a buffer sink would hold. */
static void test_file_sink_matches_buffer(void **state)
{
    (void)state;
    for (enum sink_format fmt = FMT_TABLE; fmt <= FMT_MARKDOWN; fmt++) {
        char *text = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&text, &len);
        assert_non_null(f);
        struct sink *s = sink_open_file(f, fmt);
        sink_begin(s);
        write_mixed_table(s);
        sink_end(s);
        sink_close(s);
        assert_int_equal(fclose(f), 0);
        char *want = render(fmt, write_mixed_table);
        expect_output(format_name(fmt), text, want);
        free(want);
        free(text);
    }
}

/* A capped buffer keeps a prefix of the uncapped text ending at a whole write, counts
 * the rest, and starts again after a reset. */
static void test_buffer_cap(void **state)
{
    (void)state;
    char *full = render(FMT_CSV, write_mixed_table);
    size_t full_len = strlen(full);
    struct sink *s = sink_open_buffer(FMT_CSV);
    sink_set_buffer_cap(s, full_len / 2);
    sink_begin(s);
    write_mixed_table(s);
    sink_end(s);
    size_t len;
    const char *text = sink_buffer_text(s, &len);
    assert_true(len > 0 && len <= full_len / 2);
    assert_memory_equal(text, full, len);
    assert_int_equal(len + sink_buffer_dropped(s), full_len);
    sink_buffer_reset(s);
    assert_int_equal(sink_buffer_dropped(s), 0);
    sink_set_buffer_cap(s, 0);
    sink_begin(s);
    write_mixed_table(s);
    sink_end(s);
    assert_string_equal(sink_buffer_text(s, NULL), full);
    sink_close(s);
    free(full);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table_in_every_format),
        cmocka_unit_test(test_table_without_rows),
        cmocka_unit_test(test_header_escaping),
        cmocka_unit_test(test_utf8_width_and_fit),
        cmocka_unit_test(test_table_aligns_by_display_width),
        cmocka_unit_test(test_table_cuts_long_cells_except_last),
        cmocka_unit_test(test_table_cut_never_splits_a_wide_character),
        cmocka_unit_test(test_table_max_width_zero_never_cuts),
        cmocka_unit_test(test_table_default_max_width_is_40),
        cmocka_unit_test(test_table_probe_then_stream),
        cmocka_unit_test(test_reals_shortest_round_trip),
        cmocka_unit_test(test_reals_round_trip_sweep),
        cmocka_unit_test(test_reals_for_people_and_machines),
        cmocka_unit_test(test_non_finite_reals),
        cmocka_unit_test(test_cell_format),
        cmocka_unit_test(test_json_escaping),
        cmocka_unit_test(test_record_in_every_format),
        cmocka_unit_test(test_empty_record),
        cmocka_unit_test(test_text_block),
        cmocka_unit_test(test_one_value_per_command),
        cmocka_unit_test(test_consecutive_commands),
        cmocka_unit_test(test_nested_commands),
        cmocka_unit_test(test_nested_command_without_output),
        cmocka_unit_test(test_parse_format),
        cmocka_unit_test(test_set_format_and_reset),
        cmocka_unit_test(test_file_sink_matches_buffer),
        cmocka_unit_test(test_buffer_cap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
