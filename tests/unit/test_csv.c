/* test_csv.c — the streaming CSV reader: RFC 4180, the lenient cases, bad records and
 * resynchronisation, sniffing, encodings, gzip, files larger than one read, and the
 * csv-spectrum conformance files.
 *
 * Most cases go through dump(), which renders every record as "LINE:[f1][f2]..." and a
 * bad one as "LINE:BAD(reason){raw}", with CR, LF, NUL and backslash escaped, so that an
 * expectation reads like the input it describes. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "csv.h"

#define SPECTRUM "tests/fixtures/csv-spectrum"
#define FIXTURES "tests/fixtures/csv"

static char tmpdir[] = "/tmp/test_csv.XXXXXX";

static int make_tmpdir(void **state)
{
    (void)state;
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int remove_tmpdir(void **state)
{
    (void)state;
    DIR *d = opendir(tmpdir);
    struct dirent *de;
    char path[512];
    while (d && (de = readdir(d))) {
        if (de->d_name[0] == '.')
            continue;
        snprintf(path, sizeof path, "%s/%s", tmpdir, de->d_name);
        unlink(path);
    }
    if (d)
        closedir(d);
    return rmdir(tmpdir);
}

/* Returns "TMPDIR/name" in a static buffer. */
static const char *tmp_path(const char *name)
{
    static char path[512];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    return path;
}

static void write_file(const char *path, const char *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    char *buf = NULL;
    size_t cap = 0, n = 0, got;
    do {
        if (n == cap) {
            cap = cap ? cap * 2 : 4096;
            buf = realloc(buf, cap + 1);
            assert_non_null(buf);
        }
        got = fread(buf + n, 1, cap - n, f);
        n += got;
    } while (got > 0);
    fclose(f);
    buf[n] = '\0';
    *len = n;
    return buf;
}

static void put_escaped(FILE *f, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        switch (s[i]) {
        case '\r': fputs("\\r", f); break;
        case '\n': fputs("\\n", f); break;
        case '\0': fputs("\\0", f); break;
        case '\\': fputs("\\\\", f); break;
        default: fputc(s[i], f);
        }
    }
}

/* Renders every record the reader gives (see the top of the file); the caller frees. */
static char *dump(struct csv_reader *r)
{
    char *buf;
    size_t len;
    FILE *f = open_memstream(&buf, &len);
    struct csv_record rec;
    int rc;
    assert_non_null(f);
    while ((rc = csv_next(r, &rec)) == CSV_RECORD || rc == CSV_BAD) {
        fprintf(f, "%lld:", (long long)rec.line);
        if (rc == CSV_BAD) {
            assert_int_equal(rec.raw[rec.raw_len], '\0');
            fprintf(f, "BAD(%s){", rec.reason);
            put_escaped(f, rec.raw, rec.raw_len);
            fputc('}', f);
        }
        for (int i = 0; rc == CSV_RECORD && i < rec.nfields; i++) {
            assert_int_equal(rec.field[i][rec.len[i]], '\0');
            fputc('[', f);
            put_escaped(f, rec.field[i], rec.len[i]);
            fputc(']', f);
        }
        fputc('\n', f);
    }
    if (rc == CSV_ERROR)
        fprintf(f, "ERROR(%s)\n", csv_error(r));
    fclose(f);
    return buf;
}

static char *dump_memory(const char *data, size_t len, int delim, enum csv_encoding enc)
{
    struct csv_options opt = { delim, enc };
    struct csv_reader *r = csv_open_memory(data, len, &opt);
    assert_non_null(r);
    char *s = dump(r);
    csv_close(r);
    return s;
}

static char *dump_path(const char *path, int delim, enum csv_encoding enc)
{
    struct csv_options opt = { delim, enc };
    char err[256];
    struct csv_reader *r = csv_open(path, &opt, err, sizeof err);
    if (!r)
        fail_msg("%s", err);
    char *s = dump(r);
    csv_close(r);
    return s;
}

#define EXPECT_N(input, len, delim, enc, expected)                                     \
    do {                                                                               \
        char *got_ = dump_memory(input, len, delim, enc);                              \
        assert_string_equal(got_, expected);                                           \
        free(got_);                                                                    \
    } while (0)
#define EXPECT(input, expected) EXPECT_N(input, strlen(input), ',', CSV_UTF8, expected)
/* For a string literal that holds NUL bytes or is read with another delimiter. */
#define EXPECT_LIT(input, delim, enc, expected)                                        \
    EXPECT_N(input, sizeof input - 1, delim, enc, expected)

/* ---- RFC 4180 ---------------------------------------------------------------------- */

static void test_simple_lf(void **state)
{
    (void)state;
    EXPECT("a,b,c\n1,2,3\n", "1:[a][b][c]\n2:[1][2][3]\n");
}

static void test_line_ends(void **state)
{
    (void)state;
    EXPECT("a,b\r\n1,2\r\n", "1:[a][b]\n2:[1][2]\n");
    EXPECT("a,b\r1,2\r", "1:[a][b]\n2:[1][2]\n");
    EXPECT("a\r\nb\nc\rd", "1:[a]\n2:[b]\n3:[c]\n4:[d]\n");
}

static void test_no_final_newline(void **state)
{
    (void)state;
    EXPECT("a,b\n1,2", "1:[a][b]\n2:[1][2]\n");
    EXPECT("a,b\n1,\"2\"", "1:[a][b]\n2:[1][2]\n");
    EXPECT("x", "1:[x]\n");
    EXPECT("\"\"", "1:[]\n");
}

static void test_quoted_fields(void **state)
{
    (void)state;
    EXPECT("\"a,b\",\"c\"\n", "1:[a,b][c]\n");
    EXPECT("\"\",x,\"\"\n", "1:[][x][]\n");
    EXPECT("\"a\"\"b\",\"\"\"\",\"\"\"\"\"\"\n", "1:[a\"b][\"][\"\"]\n");
    EXPECT("\"only\"", "1:[only]\n");
}

static void test_embedded_line_ends(void **state)
{
    (void)state;
    /* Lines inside quotes count: CRLF once, CR and LF once each. */
    EXPECT("a,\"x\ny\",b\nnext\n", "1:[a][x\\ny][b]\n3:[next]\n");
    EXPECT("a,\"x\r\ny\"\r\nnext\r\n", "1:[a][x\\r\\ny]\n3:[next]\n");
    EXPECT("a,\"x\ry\"\rnext\r", "1:[a][x\\ry]\n3:[next]\n");
    EXPECT("\"1\n2\r\n3\r4\n\n\",x\ny\n", "1:[1\\n2\\r\\n3\\r4\\n\\n][x]\n7:[y]\n");
}

static void test_empty_fields(void **state)
{
    (void)state;
    EXPECT(",,\n", "1:[][][]\n");
    EXPECT("a,b,\n", "1:[a][b][]\n");
    EXPECT(",a\n", "1:[][a]\n");
    EXPECT("a,b,", "1:[a][b][]\n");
    EXPECT(",", "1:[][]\n");
}

static void test_whitespace_kept(void **state)
{
    (void)state;
    EXPECT(" a , b \n\t\n", "1:[ a ][ b ]\n2:[\t]\n");
    EXPECT(" \"a\" ,\"b\" \n", "1:[ \"a\" ][b ]\n");
}

static void test_blank_lines_skipped(void **state)
{
    (void)state;
    EXPECT("\n\na\n\nb\n\n\n", "3:[a]\n5:[b]\n");
    EXPECT("\r\n\r\na\r\n\r\nb\r\n\r\n", "3:[a]\n5:[b]\n");
    EXPECT("\r\ra\r\rb\r", "3:[a]\n5:[b]\n");
    EXPECT("\n", "");
    EXPECT("", "");
    EXPECT("a\n \n", "1:[a]\n2:[ ]\n");
}

static void test_bom(void **state)
{
    (void)state;
    EXPECT("\xEF\xBB\xBF" "a,b\n1,2\n", "1:[a][b]\n2:[1][2]\n");
    EXPECT("\xEF\xBB\xBF\"q\",b\n", "1:[q][b]\n");
    EXPECT("\xEF\xBB\xBF", "");
    /* Only at the start: later it is data. */
    EXPECT("a\n\xEF\xBB\xBF" "b\n", "1:[a]\n2:[\xEF\xBB\xBF" "b]\n");
}

static void test_lenient_quotes(void **state)
{
    (void)state;
    /* Like Python's csv module: a quote inside an unquoted field is literal, and what
     * follows a closing quote is appended. */
    EXPECT("ab\"c,d\n", "1:[ab\"c][d]\n");
    EXPECT("5'11\",x\n", "1:[5'11\"][x]\n");
    EXPECT("\"ab\"cd,e\n", "1:[abcd][e]\n");
    EXPECT("\"ab\"c\"d\",e\n", "1:[abc\"d\"][e]\n");
}

static void test_many_fields(void **state)
{
    (void)state;
    size_t n = 100000;
    char *s = malloc(2 * n + 4);
    assert_non_null(s);
    for (size_t i = 0; i < n; i++) {
        s[2 * i] = (char)('a' + i % 26);
        s[2 * i + 1] = ',';
    }
    memcpy(s + 2 * n - 1, "\nx\n", 4);
    struct csv_options opt = { ',', CSV_UTF8 };
    struct csv_reader *r = csv_open_memory(s, strlen(s), &opt);
    struct csv_record rec;
    assert_int_equal(csv_next(r, &rec), CSV_RECORD);
    assert_int_equal(rec.nfields, (int)n);
    assert_int_equal(rec.len[n - 1], 1);
    assert_int_equal(rec.field[n - 1][0], 'a' + (n - 1) % 26);
    assert_int_equal(csv_next(r, &rec), CSV_RECORD);
    assert_int_equal(rec.nfields, 1);
    assert_int_equal(rec.line, 2);
    assert_int_equal(csv_next(r, &rec), CSV_EOF);
    csv_close(r);
    free(s);
}

/* ---- delimiters -------------------------------------------------------------------- */

static int sniff(const char *data)
{
    struct csv_reader *r = csv_open_memory(data, strlen(data), NULL);
    assert_non_null(r);
    int d = csv_delimiter(r);
    csv_close(r);
    return d;
}

static void test_sniff(void **state)
{
    (void)state;
    assert_int_equal(sniff("a,b,c\n1,2,3\n4,5,6\n"), ',');
    assert_int_equal(sniff("a;b;c\n1;2,5;3\n4;5;6\n"), ';');
    assert_int_equal(sniff("a\tb\n1\t2\n"), '\t');
    assert_int_equal(sniff("a|b|c|d\n1|2|3|4\n"), '|');
    /* Delimiters inside quotes do not count. */
    assert_int_equal(sniff("name;note\n\"a,b,c\";x\n\"d,e,f\";y\n"), ';');
    assert_int_equal(sniff("a,b\n\"x;y;z\",1\n\"x;y;z\",2\n"), ',');
    /* Most records agreeing beats more fields in one record. */
    assert_int_equal(sniff("a,b\n1,2\n3,4\nx;y;z;w,5\n"), ',');
    /* Nothing decides: ','. */
    assert_int_equal(sniff("name\nbob\nalice\n"), ',');
    assert_int_equal(sniff(""), ',');
    struct csv_reader *r = csv_open_memory(NULL, 0, NULL);
    struct csv_record rec;
    assert_non_null(r);
    assert_int_equal(csv_next(r, &rec), CSV_EOF);
    csv_close(r);
    assert_int_equal(sniff("a;b;c\n"), ';');
    /* The BOM is not part of the first field for sniffing either. */
    assert_int_equal(sniff("\xEF\xBB\xBF" "a|b\n1|2\n"), '|');
}

static void test_sniffed_reading(void **state)
{
    (void)state;
    const char *data = "a;\"b;c\"\n1;2\n";
    struct csv_reader *r = csv_open_memory(data, strlen(data), NULL);
    assert_non_null(r);
    assert_int_equal(csv_delimiter(r), ';');
    char *s = dump(r);
    assert_string_equal(s, "1:[a][b;c]\n2:[1][2]\n");
    free(s);
    csv_close(r);
}

static void test_given_delimiter(void **state)
{
    (void)state;
    EXPECT_LIT("a;b,c\n", ',', CSV_UTF8, "1:[a;b][c]\n");
    EXPECT_LIT("a;b,c\n", ';', CSV_UTF8, "1:[a][b,c]\n");
    EXPECT_LIT("a\tb c\n", '\t', CSV_UTF8, "1:[a][b c]\n");
    EXPECT_LIT("a|\"|\"|\n", '|', CSV_UTF8, "1:[a][|][]\n");
}

static void test_invalid_delimiter(void **state)
{
    (void)state;
    char err[256];
    struct csv_options quote = { '"', CSV_UTF8 }, lf = { '\n', CSV_UTF8 };
    assert_null(csv_open_memory("a", 1, &quote));
    assert_null(csv_open_memory("a", 1, &lf));
    assert_null(csv_open(FIXTURES "/excel_bom_crlf.csv", &quote, err, sizeof err));
    assert_string_equal(err, FIXTURES "/excel_bom_crlf.csv: invalid delimiter");
}

/* ---- encodings and bad records ----------------------------------------------------- */

static void test_utf8_valid(void **state)
{
    (void)state;
    EXPECT("Jos\xC3\xA9,\xE2\x82\xAC,\xF0\x9F\x98\x80,\xEF\xBF\xBD\n",
           "1:[Jos\xC3\xA9][\xE2\x82\xAC][\xF0\x9F\x98\x80][\xEF\xBF\xBD]\n");
}

static void test_utf8_invalid(void **state)
{
    (void)state;
    EXPECT("a,b,c\nJos\xE9,x,y\n1,2,3\n",
           "1:[a][b][c]\n2:BAD(invalid UTF-8 in field 1 (byte 0xE9)){Jos\xE9,x,y}\n3:[1][2][3]\n");
    EXPECT("a,b,\"caf\xE9\"\n", "1:BAD(invalid UTF-8 in field 3 (byte 0xE9)){a,b,\"caf\xE9\"}\n");
    /* Overlong, surrogate, beyond U+10FFFF, lone continuation, truncated sequence. */
    EXPECT("\xC0\xAF\n", "1:BAD(invalid UTF-8 in field 1 (byte 0xC0)){\xC0\xAF}\n");
    EXPECT("\xE0\x80\xAF\n", "1:BAD(invalid UTF-8 in field 1 (byte 0xE0)){\xE0\x80\xAF}\n");
    EXPECT("\xED\xA0\x80\n", "1:BAD(invalid UTF-8 in field 1 (byte 0xED)){\xED\xA0\x80}\n");
    EXPECT("\xF4\x90\x80\x80\n", "1:BAD(invalid UTF-8 in field 1 (byte 0xF4)){\xF4\x90\x80\x80}\n");
    EXPECT("x,\x80\n", "1:BAD(invalid UTF-8 in field 2 (byte 0x80)){x,\x80}\n");
    EXPECT("x,\xE2\x82\n", "1:BAD(invalid UTF-8 in field 2 (byte 0xE2)){x,\xE2\x82}\n");
    /* A sequence cut by a delimiter is invalid in its field. */
    EXPECT("\xC3,\xA9\n", "1:BAD(invalid UTF-8 in field 1 (byte 0xC3)){\xC3,\xA9}\n");
}

static void test_latin1(void **state)
{
    (void)state;
    EXPECT_LIT("Jos\xE9,\xA3" "5,\xFF\n", ',', CSV_LATIN1,
             "1:[Jos\xC3\xA9][\xC2\xA3" "5][\xC3\xBF]\n");
    EXPECT_LIT("plain,text\n", ',', CSV_LATIN1, "1:[plain][text]\n");
    char *got = dump_path(FIXTURES "/latin1_semicolon.csv", 0, CSV_LATIN1);
    assert_string_equal(got,
                        "1:[nom][ville][remarque]\n"
                        "2:[Dupr\xC3\xA9, Ren\xC3\xA9][K\xC3\xB6ln][na\xC3\xAFve \xC2\xABquote\xC2\xBB]\n"
                        "3:[M\xC3\xBCller][Z\xC3\xBCrich][\xC2\xA3 5]\n");
    free(got);
    /* The same file taken as UTF-8 is rejected record by record, not as a whole. */
    got = dump_path(FIXTURES "/latin1_semicolon.csv", 0, CSV_UTF8);
    assert_string_equal(got,
                        "1:[nom][ville][remarque]\n"
                        "2:BAD(invalid UTF-8 in field 1 (byte 0xE9)){\"Dupr\xE9, Ren\xE9\";K\xF6ln;\"na\xEFve \xABquote\xBB\"}\n"
                        "3:BAD(invalid UTF-8 in field 1 (byte 0xFC)){M\xFCller;Z\xFCrich;\xA3 5}\n");
    free(got);
}

static void test_unterminated_quote(void **state)
{
    (void)state;
    /* The stray quote costs its own line only: the lines it swallowed come back. */
    EXPECT("a,b\n1,\"x\n2,y\n3,z\n",
           "1:[a][b]\n2:BAD(unterminated quoted field (opened on line 2)){1,\"x}\n"
           "3:[2][y]\n4:[3][z]\n");
    EXPECT("\"", "1:BAD(unterminated quoted field (opened on line 1)){\"}\n");
    EXPECT("a\r\n\"b\r\nc\r\n", "1:[a]\n2:BAD(unterminated quoted field (opened on line 2)){\"b}\n3:[c]\n");
    EXPECT("a\r\"b\rc", "1:[a]\n2:BAD(unterminated quoted field (opened on line 2)){\"b}\n3:[c]\n");
    /* The quote opened on a later line than the record began on. */
    EXPECT("\"p\nq\",\"r\ns\nt\n",
           "1:BAD(unterminated quoted field (opened on line 2)){\"p}\n"
           "2:BAD(unterminated quoted field (opened on line 2)){q\",\"r}\n"
           "3:[s]\n4:[t]\n");
    /* A doubled quote does not close the field. */
    EXPECT("x,\"a\"\"\n", "1:BAD(unterminated quoted field (opened on line 1)){x,\"a\"\"}\n");
}

static void test_unterminated_quote_in_file(void **state)
{
    (void)state;
    /* The stray quote swallows the rest of a 4 MB file before it is known to be
     * unterminated; then every line after it comes back. */
    size_t n = 500000, len = 0;
    char *data = malloc(10 * n + 64), err[256];
    assert_non_null(data);
    len += (size_t)sprintf(data, "id,v\r\n1,\"oops\r\n");
    for (size_t i = 0; i < n; i++)
        len += (size_t)sprintf(data + len, "%zu,b\r\n", i % 100000);
    write_file(tmp_path("stray.csv"), data, len);
    struct csv_reader *r = csv_open(tmp_path("stray.csv"), NULL, err, sizeof err);
    assert_non_null(r);
    struct csv_record rec;
    assert_int_equal(csv_next(r, &rec), CSV_RECORD);
    assert_int_equal(csv_next(r, &rec), CSV_BAD);
    assert_string_equal(rec.reason, "unterminated quoted field (opened on line 2)");
    assert_string_equal(rec.raw, "1,\"oops");
    assert_int_equal(rec.line, 2);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(csv_next(r, &rec), CSV_RECORD);
        assert_int_equal(rec.line, (int64_t)i + 3);
        assert_int_equal(rec.nfields, 2);
    }
    assert_string_equal(rec.field[0], "99999");
    assert_int_equal(csv_next(r, &rec), CSV_EOF);
    assert_int_equal(csv_offset(r), (int64_t)len);
    csv_close(r);
    free(data);
}

static void test_nul_in_memory(void **state)
{
    (void)state;
    EXPECT_LIT("a,b\nc,d\0e\n\"f\0\",g\nh,i\n", ',', CSV_UTF8,
             "1:[a][b]\n2:BAD(NUL byte in field 2){c,d\\0e}\n"
             "3:BAD(NUL byte in field 1){\"f\\0\",g}\n4:[h][i]\n");
}

static void test_nul_in_file(void **state)
{
    (void)state;
    char err[256];
    write_file(tmp_path("binary.csv"), "id,name\n1,x\0y\n", 14);
    assert_null(csv_open(tmp_path("binary.csv"), NULL, err, sizeof err));
    char want[600];
    snprintf(want, sizeof want, "%s: not a text file (NUL byte at offset 11)",
             tmp_path("binary.csv"));
    assert_string_equal(err, want);

    /* Past the first 64 KiB a NUL is one bad record. */
    size_t n = 100000;
    char *data = malloc(n + 16);
    assert_non_null(data);
    for (size_t i = 0; i < n; i += 10)
        memcpy(data + i, "abcd,efgh\n", 10);
    memcpy(data + n, "x,y\0z\nq,r\n", 10);
    write_file(tmp_path("late_nul.csv"), data, n + 10);
    struct csv_options opt = { ',', CSV_UTF8 };
    struct csv_reader *r = csv_open(tmp_path("late_nul.csv"), &opt, err, sizeof err);
    assert_non_null(r);
    struct csv_record rec;
    int rc, good = 0;
    while ((rc = csv_next(r, &rec)) == CSV_RECORD)
        good++;
    assert_int_equal(good, (int)(n / 10));
    assert_int_equal(rc, CSV_BAD);
    assert_string_equal(rec.reason, "NUL byte in field 2");
    assert_int_equal(rec.line, (int64_t)(n / 10 + 1));
    assert_int_equal(rec.raw_len, 5);
    assert_memory_equal(rec.raw, "x,y\0z", 5);
    assert_int_equal(csv_next(r, &rec), CSV_RECORD);
    assert_string_equal(rec.field[0], "q");
    assert_int_equal(csv_next(r, &rec), CSV_EOF);
    csv_close(r);
    free(data);
}

static void test_record_too_long(void **state)
{
    (void)state;
    size_t big = ((size_t)256 << 20) + 1;
    char *data = malloc(big + 16);
    assert_non_null(data);
    memset(data, 'x', big);
    memcpy(data + big, "\nok,1\n", 6);
    struct csv_options opt = { ',', CSV_UTF8 };
    struct csv_reader *r = csv_open_memory(data, big + 6, &opt);
    struct csv_record rec;
    assert_int_equal(csv_next(r, &rec), CSV_BAD);
    assert_string_equal(rec.reason, "record longer than 256 MiB");
    assert_int_equal(rec.line, 1);
    assert_int_equal(csv_next(r, &rec), CSV_RECORD);
    assert_int_equal(rec.line, 2);
    assert_string_equal(rec.field[0], "ok");
    assert_int_equal(csv_next(r, &rec), CSV_EOF);
    csv_close(r);

    /* From a file, with a first line longer than the buffer can hold: the reader
     * reads on to the line end, giving the buffer back as it goes, and the raw text
     * (the line's first 256 MiB) must survive that.  300 MB go to RAM where we can. */
    char err[256], path[600];
    snprintf(path, sizeof path, "%s/test_csv_long.%d.csv",
             access("/dev/shm", W_OK) == 0 ? "/dev/shm" : tmpdir, (int)getpid());
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    for (int i = 0; i < 300; i++)
        assert_int_equal(fwrite(data, 1, 1 << 20, f), 1 << 20);
    fputs("\nok,1\n", f);
    assert_int_equal(fclose(f), 0);
    r = csv_open(path, &opt, err, sizeof err);
    assert_non_null(r);
    assert_int_equal(csv_next(r, &rec), CSV_BAD);
    assert_string_equal(rec.reason, "record longer than 256 MiB");
    assert_int_equal(rec.raw_len, big - 1);
    assert_int_equal(rec.raw[0], 'x');
    assert_int_equal(rec.raw[big - 2], 'x');
    assert_int_equal(csv_next(r, &rec), CSV_RECORD);
    assert_int_equal(rec.line, 2);
    assert_string_equal(rec.field[0], "ok");
    assert_int_equal(csv_next(r, &rec), CSV_EOF);
    csv_close(r);
    unlink(path);

    /* Exactly 256 MiB is still a record. */
    r = csv_open_memory(data + 1, big + 5, &opt);
    assert_int_equal(csv_next(r, &rec), CSV_RECORD);
    assert_int_equal(rec.len[0], big - 1);
    csv_close(r);
    free(data);
}

/* ---- files ------------------------------------------------------------------------- */

static void test_open_errors(void **state)
{
    (void)state;
    char err[256], want[600];
    assert_null(csv_open(tmp_path("missing.csv"), NULL, err, sizeof err));
    snprintf(want, sizeof want, "%s: no such file", tmp_path("missing.csv"));
    assert_string_equal(err, want);

    assert_null(csv_open(tmpdir, NULL, err, sizeof err));
    snprintf(want, sizeof want, "%s: is a directory", tmpdir);
    assert_string_equal(err, want);

    if (geteuid() != 0) { /* root reads anything */
        write_file(tmp_path("secret.csv"), "a\n", 2);
        assert_int_equal(chmod(tmp_path("secret.csv"), 0), 0);
        assert_null(csv_open(tmp_path("secret.csv"), NULL, err, sizeof err));
        snprintf(want, sizeof want, "%s: permission denied", tmp_path("secret.csv"));
        assert_string_equal(err, want);
    }
}

static void test_empty_file(void **state)
{
    (void)state;
    char err[256];
    struct csv_record rec;
    write_file(tmp_path("empty.csv"), "", 0);
    struct csv_reader *r = csv_open(tmp_path("empty.csv"), NULL, err, sizeof err);
    assert_non_null(r);
    assert_int_equal(csv_next(r, &rec), CSV_EOF);
    assert_int_equal(csv_size(r), 0);
    assert_int_equal(csv_rewind(r), 0);
    assert_int_equal(csv_next(r, &rec), CSV_EOF);
    csv_close(r);
}

static void test_excel_file(void **state)
{
    (void)state;
    char *got = dump_path(FIXTURES "/excel_bom_crlf.csv", 0, CSV_UTF8);
    assert_string_equal(got,
                        "1:[id][name][note]\n"
                        "2:[1][Jos\xC3\xA9][line one\\r\\nline two]\n"
                        "4:[2][Zo\xC3\xAB][]\n"
                        "6:[3][Smith, \"Jr\"][x]\n");
    free(got);
}

/* Writes a file of about `size` bytes whose records vary in length and use every
 * construct, so that records straddle read boundaries in every way. */
static char *make_varied(size_t size, size_t *len)
{
    char *buf;
    FILE *f = open_memstream(&buf, len);
    unsigned x = 12345;
    assert_non_null(f);
    fputs("\xEF\xBB\xBFid,text,n\r\n", f);
    for (int i = 0; ftell(f) < (long)size; i++) {
        x = x * 1103515245u + 12345u;
        switch (x >> 16 & 7) {
        case 0: fprintf(f, "%d,\"multi\nline \"\"%u\"\"\r\nend\",%u\n", i, x, x % 97); break;
        case 1: fprintf(f, "%d,%.*s,\r\n", i, (int)(x >> 20 & 511), "x"
                        "0123456789012345678901234567890123456789012345678901234567890123"
                        "0123456789012345678901234567890123456789012345678901234567890123"
                        "0123456789012345678901234567890123456789012345678901234567890123"
                        "0123456789012345678901234567890123456789012345678901234567890123"
                        "0123456789012345678901234567890123456789012345678901234567890123"
                        "0123456789012345678901234567890123456789012345678901234567890123"
                        "0123456789012345678901234567890123456789012345678901234567890123"
                        "0123456789012345678901234567890123456789012345678901234567890123"); break;
        case 2: fprintf(f, "\n%d,\"Caf\xC3\xA9, \xE2\x82\xAC\",%u\r", i, x); break;
        case 3: fprintf(f, "%d,bad\xE9,1\n", i); break;
        case 4: fprintf(f, "%d,\"\",\"\"\r\n\r\n", i); break;
        default: fprintf(f, "%d,plain %u,%u\n", i, x, x % 1000); break;
        }
    }
    fputs("last,\"no newline\"", f);
    fclose(f);
    return buf;
}

static void test_file_matches_memory(void **state)
{
    (void)state;
    size_t len;
    char *data = make_varied(3 << 20, &len);
    write_file(tmp_path("varied.csv"), data, len);
    char *from_memory = dump_memory(data, len, 0, CSV_UTF8);
    char *from_file = dump_path(tmp_path("varied.csv"), 0, CSV_UTF8);
    assert_true(strlen(from_memory) > len / 2);
    assert_string_equal(from_file, from_memory);
    assert_non_null(strstr(from_memory, "BAD(invalid UTF-8 in field 2 (byte 0xE9))"));
    assert_non_null(strstr(from_memory, "[last][no newline]\n"));
    free(from_memory);
    free(from_file);
    free(data);
}

static void test_rewind(void **state)
{
    (void)state;
    size_t len;
    char err[256];
    char *data = make_varied(1 << 20, &len);
    write_file(tmp_path("rewind.csv"), data, len);
    struct csv_reader *r = csv_open(tmp_path("rewind.csv"), NULL, err, sizeof err);
    assert_non_null(r);
    char *first = dump(r);
    assert_int_equal(csv_offset(r), csv_size(r));
    assert_int_equal(csv_size(r), (int64_t)len);
    assert_int_equal(csv_rewind(r), 0);
    assert_int_equal(csv_offset(r), 3); /* past the BOM */
    char *second = dump(r);
    assert_string_equal(first, second);
    free(second);

    /* Rewinding halfway through gives the same again. */
    struct csv_record rec;
    assert_int_equal(csv_rewind(r), 0);
    for (int i = 0; i < 1000; i++)
        assert_true(csv_next(r, &rec) > 0);
    assert_int_equal(csv_rewind(r), 0);
    second = dump(r);
    assert_string_equal(first, second);
    free(second);
    csv_close(r);

    struct csv_reader *m = csv_open_memory(data, len, NULL);
    second = dump(m);
    assert_int_equal(csv_rewind(m), 0);
    char *third = dump(m);
    assert_string_equal(second, third);
    assert_string_equal(first, third);
    csv_close(m);
    free(first);
    free(second);
    free(third);
    free(data);
}

static void test_huge_field(void **state)
{
    (void)state;
    size_t n = 2 << 20, len = 0;
    char *data = malloc(2 * n + 64), err[256];
    assert_non_null(data);
    len += (size_t)sprintf(data, "id,blob,n\n1,\"");
    for (size_t i = 0; i < n; i++) {
        if (i % 1000 == 999)
            data[len++] = '\n';
        else if (i % 1000 == 500) {
            data[len++] = '"';
            data[len++] = '"';
        } else
            data[len++] = (char)('a' + i % 26);
    }
    len += (size_t)sprintf(data + len, "\",x\n2,small,y\n");
    write_file(tmp_path("huge.csv"), data, len);

    struct csv_reader *r = csv_open(tmp_path("huge.csv"), NULL, err, sizeof err);
    assert_non_null(r);
    struct csv_record rec;
    assert_int_equal(csv_next(r, &rec), CSV_RECORD);
    assert_int_equal(csv_next(r, &rec), CSV_RECORD);
    assert_int_equal(rec.nfields, 3);
    assert_int_equal(rec.line, 2);
    assert_int_equal(rec.len[1], n);
    assert_int_equal(rec.field[1][999], '\n');
    assert_int_equal(rec.field[1][500], '"');
    assert_int_equal(rec.field[1][n - 1], (char)('a' + (n - 1) % 26));
    assert_string_equal(rec.field[2], "x");
    assert_int_equal(csv_next(r, &rec), CSV_RECORD);
    assert_int_equal(rec.line, 2 + (int64_t)(n / 1000) + 1);
    assert_string_equal(rec.field[1], "small");
    assert_int_equal(csv_next(r, &rec), CSV_EOF);
    csv_close(r);
    free(data);
}

static void write_gz(const char *path, const char *data, size_t len)
{
    gzFile gz = gzopen(path, "wb");
    assert_non_null(gz);
    assert_int_equal(gzwrite(gz, data, (unsigned)len), (int)len);
    assert_int_equal(gzclose(gz), Z_OK);
}

static void test_gzip(void **state)
{
    (void)state;
    size_t len;
    char err[256];
    char *data = make_varied(2 << 20, &len);
    write_gz(tmp_path("varied.csv.gz"), data, len);
    char *plain = dump_memory(data, len, 0, CSV_UTF8);

    struct csv_reader *r = csv_open(tmp_path("varied.csv.gz"), NULL, err, sizeof err);
    assert_non_null(r);
    struct stat st;
    assert_int_equal(stat(tmp_path("varied.csv.gz"), &st), 0);
    assert_int_equal(csv_size(r), st.st_size);
    assert_true(csv_offset(r) <= csv_size(r));
    char *got = dump(r);
    assert_string_equal(got, plain);
    assert_int_equal(csv_offset(r), csv_size(r));
    assert_int_equal(csv_rewind(r), 0);
    char *again = dump(r);
    assert_string_equal(again, plain);
    csv_close(r);
    free(got);
    free(again);
    free(plain);
    free(data);
}

static void test_gzip_corrupt(void **state)
{
    (void)state;
    size_t len, glen;
    char err[256];
    char *data = make_varied(1 << 20, &len);
    write_gz(tmp_path("cut.csv.gz"), data, len);
    char *gz = read_file(tmp_path("cut.csv.gz"), &glen);
    /* Cut short: the part that is there reads, then an error names the file. */
    write_file(tmp_path("cut.csv.gz"), gz, glen / 2);
    struct csv_reader *r = csv_open(tmp_path("cut.csv.gz"), NULL, err, sizeof err);
    assert_non_null(r);
    char *got = dump(r);
    char want[600];
    snprintf(want, sizeof want, "ERROR(%s: corrupt gzip data (", tmp_path("cut.csv.gz"));
    assert_non_null(strstr(got, want));
    csv_close(r);
    free(got);
    /* Garbage right after the magic bytes: the open fails. */
    memset(gz + 10, 0xAA, 64);
    write_file(tmp_path("bad.csv.gz"), gz, glen);
    assert_null(csv_open(tmp_path("bad.csv.gz"), NULL, err, sizeof err));
    snprintf(want, sizeof want, "%s: corrupt gzip data (", tmp_path("bad.csv.gz"));
    assert_memory_equal(err, want, strlen(want));
    free(gz);
    free(data);
}

static void test_offset_progress(void **state)
{
    (void)state;
    size_t len;
    char err[256];
    char *data = make_varied(1 << 20, &len);
    write_file(tmp_path("progress.csv"), data, len);
    struct csv_reader *r = csv_open(tmp_path("progress.csv"), NULL, err, sizeof err);
    struct csv_record rec;
    int64_t last = 0;
    while (csv_next(r, &rec) > 0) {
        assert_true(csv_offset(r) >= last);
        last = csv_offset(r);
    }
    assert_int_equal(last, (int64_t)len);
    csv_close(r);
    free(data);
}

/* Opens what was written into a pipe, through its /dev/fd name as a user's shell
 * would pass it (`persona load <(zcat x.gz)`). */
static struct csv_reader *open_pipe(const char *data, size_t len, char *path,
                                    int *readfd)
{
    int fds[2];
    char err[256];
    assert_int_equal(pipe(fds), 0);
    assert_int_equal(write(fds[1], data, len), (ssize_t)len);
    close(fds[1]);
    snprintf(path, 64, "/dev/fd/%d", fds[0]);
    *readfd = fds[0];
    struct csv_reader *r = csv_open(path, NULL, err, sizeof err);
    if (!r)
        fail_msg("%s", err);
    return r;
}

static void test_pipe(void **state)
{
    (void)state;
    char path[64], want[128];
    int fd;
    const char *data = "a;b\n1;\"x\ny\"\n";
    struct csv_reader *r = open_pipe(data, strlen(data), path, &fd);
    assert_int_equal(csv_size(r), 0);
    char *got = dump(r);
    assert_string_equal(got, "1:[a][b]\n2:[1][x\\ny]\n");
    free(got);
    assert_int_equal(csv_rewind(r), -1);
    snprintf(want, sizeof want, "%s: cannot rewind: not a regular file", path);
    assert_string_equal(csv_error(r), want);
    csv_close(r);
    close(fd);

    /* gzip data through a pipe is recognised too. */
    size_t glen;
    write_gz(tmp_path("pipe.csv.gz"), data, strlen(data));
    char *gz = read_file(tmp_path("pipe.csv.gz"), &glen);
    r = open_pipe(gz, glen, path, &fd);
    got = dump(r);
    assert_string_equal(got, "1:[a][b]\n2:[1][x\\ny]\n");
    free(got);
    free(gz);
    csv_close(r);
    close(fd);
}

/* ---- csv-spectrum ------------------------------------------------------------------ */

/* The expected rows of one case: keys and values in file order. */
struct json_rows {
    int nrows, nkeys[16];
    char *key[16][16], *val[16][16];
};

static void json_space(const char **p)
{
    while (**p == ' ' || **p == '\n' || **p == '\r' || **p == '\t')
        (*p)++;
}

/* Parses a JSON string at *p (escapes included) into a new NUL-terminated string. */
static char *json_string(const char **p)
{
    json_space(p);
    assert_int_equal(**p, '"');
    (*p)++;
    char *s = malloc(strlen(*p) + 1), *o = s;
    assert_non_null(s);
    while (**p != '"') {
        assert_int_not_equal(**p, '\0');
        if (**p != '\\') {
            *o++ = *(*p)++;
            continue;
        }
        (*p)++;
        switch (*(*p)++) {
        case 'n': *o++ = '\n'; break;
        case 'r': *o++ = '\r'; break;
        case 't': *o++ = '\t'; break;
        case 'u': {
            unsigned cp;
            assert_int_equal(sscanf(*p, "%4x", &cp), 1);
            *p += 4;
            assert_true(cp < 0xD800 || cp > 0xDFFF);
            if (cp < 0x80) {
                *o++ = (char)cp;
            } else if (cp < 0x800) {
                *o++ = (char)(0xC0 | cp >> 6);
                *o++ = (char)(0x80 | (cp & 0x3F));
            } else {
                *o++ = (char)(0xE0 | cp >> 12);
                *o++ = (char)(0x80 | (cp >> 6 & 0x3F));
                *o++ = (char)(0x80 | (cp & 0x3F));
            }
            break;
        }
        default: *o++ = (*p)[-1]; /* \" \\ \/ */
        }
    }
    (*p)++;
    *o = '\0';
    return s;
}

static void json_object(const char **p, struct json_rows *j)
{
    int row = j->nrows++;
    assert_true(row < 16);
    json_space(p);
    assert_int_equal(*(*p)++, '{');
    for (;;) {
        int k = j->nkeys[row]++;
        assert_true(k < 16);
        j->key[row][k] = json_string(p);
        json_space(p);
        assert_int_equal(*(*p)++, ':');
        j->val[row][k] = json_string(p);
        json_space(p);
        if (**p == '}')
            break;
        assert_int_equal(*(*p)++, ',');
    }
    (*p)++;
}

/* Reads a file holding an array of flat objects with string values, or one such
 * object (as csv-spectrum's location_coordinates.json is). */
static void json_rows(const char *text, struct json_rows *j)
{
    const char *p = text;
    memset(j, 0, sizeof *j);
    json_space(&p);
    if (*p == '{') {
        json_object(&p, j);
    } else {
        assert_int_equal(*p++, '[');
        for (;;) {
            json_object(&p, j);
            json_space(&p);
            if (*p == ']')
                break;
            assert_int_equal(*p++, ',');
        }
        p++;
    }
    json_space(&p);
    assert_int_equal(*p, '\0');
}

static void json_free(struct json_rows *j)
{
    for (int r = 0; r < j->nrows; r++)
        for (int k = 0; k < j->nkeys[r]; k++) {
            free(j->key[r][k]);
            free(j->val[r][k]);
        }
}

/* The package's own erratum (see tests/fixtures/csv-spectrum/SOURCE.md). */
static int spectrum_erratum(const char *name, const char *key)
{
    return strcmp(name, "location_coordinates") == 0 &&
           strcmp(key, "Contact Phone Number") == 0;
}

static void check_spectrum_case(const char *name)
{
    char path[512], err[256];
    size_t len;
    struct json_rows j;
    snprintf(path, sizeof path, SPECTRUM "/json/%s.json", name);
    char *text = read_file(path, &len);
    json_rows(text, &j);
    free(text);

    snprintf(path, sizeof path, SPECTRUM "/csvs/%s.csv", name);
    struct csv_options opt = { ',', CSV_UTF8 };
    struct csv_reader *r = csv_open(path, &opt, err, sizeof err);
    if (!r)
        fail_msg("%s", err);
    struct csv_record rec;
    char *header[16];
    int ncols;
    assert_int_equal(csv_next(r, &rec), CSV_RECORD);
    ncols = rec.nfields;
    assert_true(ncols <= 16);
    for (int c = 0; c < ncols; c++)
        header[c] = strdup(rec.field[c]);
    int row = 0;
    while (csv_next(r, &rec) == CSV_RECORD) {
        if (row >= j.nrows)
            fail_msg("%s: more rows than the JSON has", name);
        if (rec.nfields != j.nkeys[row] || rec.nfields != ncols)
            fail_msg("%s row %d: %d fields, JSON has %d", name, row, rec.nfields,
                     j.nkeys[row]);
        for (int c = 0; c < ncols; c++) {
            if (strcmp(header[c], j.key[row][c]) != 0)
                fail_msg("%s: column %d is '%s', JSON key '%s'", name, c, header[c],
                         j.key[row][c]);
            if (spectrum_erratum(name, header[c]))
                continue;
            if (rec.len[c] != strlen(j.val[row][c]) || strcmp(rec.field[c], j.val[row][c]))
                fail_msg("%s row %d column %s: got '%s', want '%s'", name, row, header[c],
                         rec.field[c], j.val[row][c]);
        }
        row++;
    }
    assert_int_equal(row, j.nrows);
    for (int c = 0; c < ncols; c++)
        free(header[c]);
    csv_close(r);
    json_free(&j);
}

static void test_csv_spectrum(void **state)
{
    (void)state;
    DIR *d = opendir(SPECTRUM "/csvs");
    struct dirent *de;
    int cases = 0;
    assert_non_null(d);
    while ((de = readdir(d))) {
        size_t n = strlen(de->d_name);
        if (n < 5 || strcmp(de->d_name + n - 4, ".csv") != 0)
            continue;
        char name[256];
        snprintf(name, sizeof name, "%.*s", (int)(n - 4), de->d_name);
        check_spectrum_case(name);
        cases++;
    }
    closedir(d);
    assert_int_equal(cases, 12);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_simple_lf),
        cmocka_unit_test(test_line_ends),
        cmocka_unit_test(test_no_final_newline),
        cmocka_unit_test(test_quoted_fields),
        cmocka_unit_test(test_embedded_line_ends),
        cmocka_unit_test(test_empty_fields),
        cmocka_unit_test(test_whitespace_kept),
        cmocka_unit_test(test_blank_lines_skipped),
        cmocka_unit_test(test_bom),
        cmocka_unit_test(test_lenient_quotes),
        cmocka_unit_test(test_many_fields),
        cmocka_unit_test(test_sniff),
        cmocka_unit_test(test_sniffed_reading),
        cmocka_unit_test(test_given_delimiter),
        cmocka_unit_test(test_invalid_delimiter),
        cmocka_unit_test(test_utf8_valid),
        cmocka_unit_test(test_utf8_invalid),
        cmocka_unit_test(test_latin1),
        cmocka_unit_test(test_unterminated_quote),
        cmocka_unit_test(test_unterminated_quote_in_file),
        cmocka_unit_test(test_nul_in_memory),
        cmocka_unit_test(test_nul_in_file),
        cmocka_unit_test(test_record_too_long),
        cmocka_unit_test(test_open_errors),
        cmocka_unit_test(test_empty_file),
        cmocka_unit_test(test_excel_file),
        cmocka_unit_test(test_file_matches_memory),
        cmocka_unit_test(test_rewind),
        cmocka_unit_test(test_huge_field),
        cmocka_unit_test(test_gzip),
        cmocka_unit_test(test_gzip_corrupt),
        cmocka_unit_test(test_offset_progress),
        cmocka_unit_test(test_pipe),
        cmocka_unit_test(test_csv_spectrum),
    };
    return cmocka_run_group_tests(tests, make_tmpdir, remove_tmpdir);
}
