/* test_infer.c — column type inference and cell conversion. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "infer.h"

#define BIT(n) (1u << (n))

/* Infers the type of a column given as a NULL-terminated list of cells. */
static struct inferred infer_cells(const char *const *cells, struct type_infer *t)
{
    type_infer_init(t);
    for (; *cells; cells++)
        type_infer_add(t, *cells, strlen(*cells));
    return type_infer_result(t);
}

#define INFER(t, ...) infer_cells((const char *const[]){ __VA_ARGS__, NULL }, (t))

/* The column type of the listed cells. */
#define TYPE_OF(...) type_of((const char *const[]){ __VA_ARGS__, NULL })

static enum col_type type_of(const char *const *cells)
{
    struct type_infer t;
    return infer_cells(cells, &t).type;
}

/* Converts s in col, asserting success, and returns the text as a NUL-terminated
 * copy in a static buffer. */
static const char *convert_text(const struct inferred *col, const char *s)
{
    static char text[128];
    struct converted out;
    assert_int_equal(type_convert(col, s, strlen(s), &out), 0);
    assert_int_equal(out.type, TYPE_TEXT);
    assert_true(out.len < sizeof text);
    memcpy(text, out.text, out.len);
    text[out.len] = '\0';
    return text;
}

static int64_t convert_int(const struct inferred *col, const char *s)
{
    struct converted out;
    assert_int_equal(type_convert(col, s, strlen(s), &out), 0);
    assert_int_equal(out.type, TYPE_INTEGER);
    return out.i;
}

static double convert_real(const struct inferred *col, const char *s)
{
    struct converted out;
    assert_int_equal(type_convert(col, s, strlen(s), &out), 0);
    assert_int_equal(out.type, TYPE_REAL);
    return out.d;
}

static void test_integers(void **state)
{
    (void)state;
    struct type_infer t;
    struct inferred col = INFER(&t, "0", "42", "-7", "-0", " 42 ", "\t42\r\n",
                                "9223372036854775807", "-9223372036854775808");
    assert_int_equal(col.type, TYPE_INTEGER);
    assert_int_equal(t.values, 8);
    assert_int_equal(t.nulls, 0);
    assert_true(convert_int(&col, "0") == 0);
    assert_true(convert_int(&col, "-0") == 0);
    assert_true(convert_int(&col, "42") == 42);
    assert_true(convert_int(&col, " 42 ") == 42);
    assert_true(convert_int(&col, "\t-7\n") == -7);
    assert_true(convert_int(&col, "9223372036854775807") == INT64_MAX);
    assert_true(convert_int(&col, "-9223372036854775808") == INT64_MIN);
    assert_true(convert_int(&col, "1000000000000000000") == 1000000000000000000);
}

static void test_integer_overflow_is_text(void **state)
{
    (void)state;
    /* An ID too long for int64 keeps all its digits as TEXT, not a rounded REAL. */
    assert_int_equal(TYPE_OF("9223372036854775808"), TYPE_TEXT);
    assert_int_equal(TYPE_OF("-9223372036854775809"), TYPE_TEXT);
    assert_int_equal(TYPE_OF("1", "12345678901234567890"), TYPE_TEXT);
    assert_int_equal(TYPE_OF("1.5", "123456789012345678901234"), TYPE_TEXT);
    assert_int_equal(value_types("99999999999999999999", 20), BIT(TYPE_TEXT));
    struct type_infer t;
    struct inferred col = INFER(&t, "1", "2");
    struct converted out;
    assert_int_equal(type_convert(&col, "9223372036854775808", 19, &out), -1);
}

static void test_leading_zeros(void **state)
{
    (void)state;
    assert_int_equal(TYPE_OF("0001"), TYPE_TEXT);
    assert_int_equal(TYPE_OF("1", "007"), TYPE_TEXT);
    assert_int_equal(TYPE_OF("00"), TYPE_TEXT);
    assert_int_equal(TYPE_OF("-01"), TYPE_TEXT);
    assert_int_equal(TYPE_OF("00.5"), TYPE_TEXT);
    assert_int_equal(TYPE_OF("01e3"), TYPE_TEXT);
    assert_int_equal(TYPE_OF("0.5"), TYPE_REAL);
    assert_int_equal(TYPE_OF("-0.5"), TYPE_REAL);
    assert_int_equal(TYPE_OF("0e3"), TYPE_REAL);
    assert_int_equal(value_types("0001", 4), BIT(TYPE_TEXT));
}

static void test_plus_sign_is_text(void **state)
{
    (void)state;
    assert_int_equal(TYPE_OF("+1"), TYPE_TEXT);
    assert_int_equal(TYPE_OF("+1.5"), TYPE_TEXT);
    assert_int_equal(TYPE_OF("+33612345678"), TYPE_TEXT);
    assert_int_equal(TYPE_OF("1", "+2"), TYPE_TEXT);
    assert_int_equal(TYPE_OF("--1"), TYPE_TEXT);
    assert_int_equal(TYPE_OF("-"), TYPE_TEXT);
}

static void test_reals(void **state)
{
    (void)state;
    struct type_infer t;
    struct inferred col = INFER(&t, "1.5", "-1.5", ".5", "-.5", "1.", "1e5", "1E5",
                                "1e+5", "1e-5", "1.5e10", "0.0", "-0.0", " 2.5 ", "1.e2",
                                "1e05", "1.7976931348623157e308", "4.9e-324");
    assert_int_equal(col.type, TYPE_REAL);
    assert_true(convert_real(&col, "1.5") == 1.5);
    assert_true(convert_real(&col, "-.5") == -0.5);
    assert_true(convert_real(&col, "1.") == 1.0);
    assert_true(convert_real(&col, "1e5") == 1e5);
    assert_true(convert_real(&col, "1E-5") == 1e-5);
    assert_true(convert_real(&col, "\t 2.5 \n") == 2.5);
    assert_true(convert_real(&col, "0.1") == 0.1);
    assert_true(convert_real(&col, "1.7976931348623157e308") == 1.7976931348623157e308);
    assert_true(signbit(convert_real(&col, "-0.0")));
}

static void test_reals_rejected(void **state)
{
    (void)state;
    static const char *const bad[] = {
        ".", "-.", "e5", "1e", "1e+", "1e-", ".e5", "1.5.2", "1..5", "1e5.5", "1e5e5",
        "inf", "-inf", "INF", "Infinity", "nan", "NaN", "-nan", "0x1A", "0x1p3",
        "1,234", "1,5", "1 234", "1_000", "1.5f", "1e400", "-1e400", "1.8e308",
        "1e-400", "1e99999999999999999999", "$5", "5%", "1.5 kg", "\v42", "4\f",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        if (TYPE_OF(bad[i]) != TYPE_TEXT)
            fail_msg("\"%s\" should be TEXT", bad[i]);
        if (TYPE_OF("1.5", bad[i]) != TYPE_TEXT)
            fail_msg("1.5 then \"%s\" should be TEXT", bad[i]);
    }
    /* A real longer than a double can hold is kept as TEXT. */
    char longer[200];
    memset(longer, '1', sizeof longer);
    longer[1] = '.';
    assert_int_equal(value_types(longer, sizeof longer), BIT(TYPE_TEXT));
    assert_int_equal(value_types(longer, 128), BIT(TYPE_REAL) | BIT(TYPE_TEXT));
}

static void test_mixed_integer_real_is_real(void **state)
{
    (void)state;
    struct type_infer t;
    struct inferred col = INFER(&t, "1", "2.5", "-3", "4e2");
    assert_int_equal(col.type, TYPE_REAL);
    assert_true(convert_real(&col, "42") == 42.0);
    assert_true(convert_real(&col, "-9223372036854775808") == -9223372036854775808.0);
    assert_int_equal(TYPE_OF("2.5", "1"), TYPE_REAL);
}

static void test_blank_cells(void **state)
{
    (void)state;
    struct type_infer t;
    struct inferred col = INFER(&t, "", "1", " ", "\t\r\n", "2", "");
    assert_int_equal(col.type, TYPE_INTEGER);
    assert_int_equal(t.values, 2);
    assert_int_equal(t.nulls, 4);
    struct converted out;
    assert_int_equal(type_convert(&col, "  ", 2, &out), 0);
    assert_int_equal(out.type, TYPE_NULL);
    assert_int_equal(type_convert(&col, "", 0, &out), 0);
    assert_int_equal(out.type, TYPE_NULL);
}

static void test_all_blank_column(void **state)
{
    (void)state;
    struct type_infer t;
    struct inferred col = INFER(&t, "", " ", "\n");
    assert_int_equal(col.type, TYPE_NULL);
    assert_int_equal(t.values, 0);
    assert_int_equal(t.nulls, 3);
    assert_string_equal(col_type_name(col.type), "TEXT");
    type_infer_init(&t);
    assert_int_equal(type_infer_result(&t).type, TYPE_NULL);
    /* Declared TEXT, so cells are kept like TEXT cells. */
    struct converted out;
    assert_int_equal(type_convert(&col, "", 0, &out), 0);
    assert_int_equal(out.type, TYPE_NULL);
    assert_string_equal(convert_text(&col, " "), " ");
}

static void test_text_kept_byte_for_byte(void **state)
{
    (void)state;
    struct type_infer t;
    struct inferred col = INFER(&t, "Alice", "42", "2021-03-14");
    assert_int_equal(col.type, TYPE_TEXT);
    assert_string_equal(convert_text(&col, " Alice "), " Alice ");
    assert_string_equal(convert_text(&col, " 42 "), " 42 ");
    assert_string_equal(convert_text(&col, "  "), "  ");
    assert_string_equal(convert_text(&col, "0001"), "0001");
    struct converted out;
    const char *s = "caf\xc3\xa9\r\n";
    assert_int_equal(type_convert(&col, s, strlen(s), &out), 0);
    assert_ptr_equal(out.text, s);
    assert_int_equal(out.len, strlen(s));
    assert_int_equal(type_convert(&col, "", 0, &out), 0);
    assert_int_equal(out.type, TYPE_NULL);
}

static void test_text_column_stays_text(void **state)
{
    (void)state;
    struct type_infer t;
    struct inferred col = INFER(&t, "x", "1", "2", "", "2021-03-14", " ");
    assert_int_equal(col.type, TYPE_TEXT);
    assert_int_equal(t.values, 4);
    assert_int_equal(t.nulls, 2);
    assert_int_equal(t.candidates, BIT(TYPE_TEXT));
    assert_int_equal(TYPE_OF("1", "x", "2"), TYPE_TEXT);
}

static void test_cells_are_not_nul_terminated(void **state)
{
    (void)state;
    /* The bytes after len belong to the next field and must not be read. */
    struct type_infer t;
    type_infer_init(&t);
    type_infer_add(&t, "1239", 3);
    type_infer_add(&t, "1.55", 3);
    type_infer_add(&t, "1.5e", 3);
    struct inferred col = type_infer_result(&t);
    assert_int_equal(col.type, TYPE_REAL);
    struct converted out;
    assert_int_equal(type_convert(&col, "1.55", 3, &out), 0);
    assert_true(out.d == 1.5);
    assert_int_equal(type_convert(&col, "12e5", 2, &out), 0);
    assert_true(out.d == 12.0);
    type_infer_init(&t);
    type_infer_add(&t, "1239", 3);
    col = type_infer_result(&t);
    assert_int_equal(col.type, TYPE_INTEGER);
    assert_int_equal(type_convert(&col, "1239", 3, &out), 0);
    assert_true(out.i == 123);
    type_infer_init(&t);
    type_infer_add(&t, "2021-03-14T08:00", 10);
    col = type_infer_result(&t);
    assert_int_equal(col.type, TYPE_DATE);
    assert_int_equal(type_convert(&col, "14/03/2021 8:00", 10, &out), -1);
}

static void test_iso_dates(void **state)
{
    (void)state;
    struct type_infer t;
    struct inferred col = INFER(&t, "2021-03-14", " 2020-02-29 ", "1999-12-31", "2000-02-29");
    assert_int_equal(col.type, TYPE_DATE);
    assert_int_equal(col.form, DATE_ISO);
    assert_int_equal(col.ambiguous, 0);
    const char *s = " 2021-03-14\t";
    struct converted out;
    assert_int_equal(type_convert(&col, s, strlen(s), &out), 0);
    assert_int_equal(out.type, TYPE_TEXT);
    assert_ptr_equal(out.text, s + 1);
    assert_int_equal(out.len, 10);
}

static void test_iso_datetimes(void **state)
{
    (void)state;
    static const char *const good[] = {
        "2021-03-14T08:26", "2021-03-14 08:26", "2021-03-14T08:26:00",
        "2021-03-14 23:59:59", "2021-03-14T08:26:00.123", "2021-03-14T08:26:00.123456789Z",
        "2021-03-14T08:26Z", "2021-03-14T08:26:00+01:00", "2021-03-14T08:26:00-0530",
        "2021-03-14t08:26:00z", "2021-03-14 00:00:00",
    };
    struct type_infer t;
    type_infer_init(&t);
    for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
        type_infer_add(&t, good[i], strlen(good[i]));
        if (value_types(good[i], strlen(good[i])) != (BIT(TYPE_DATETIME) | BIT(TYPE_TEXT)))
            fail_msg("\"%s\" should be a datetime", good[i]);
    }
    struct inferred col = type_infer_result(&t);
    assert_int_equal(col.type, TYPE_DATETIME);
    assert_int_equal(col.form, DATE_ISO);
    assert_int_equal(t.has_time, 1);
    for (size_t i = 0; i < sizeof good / sizeof *good; i++)
        assert_string_equal(convert_text(&col, good[i]), good[i]);
    assert_string_equal(convert_text(&col, "  2021-03-14T08:26Z \r\n"), "2021-03-14T08:26Z");
}

static void test_iso_rejected(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "2021-3-14", "2021-03-4", "21-03-14", "02021-03-14", "2021-02-29", "2021-13-01",
        "2021-00-10", "2021-04-31", "2021-03-00", "0000-01-01", "2021-03-14T", "2021-03-14 ",
        "2021-03-14T24:00", "2021-03-14T08:60", "2021-03-14T08:26:60", "2021-03-14T8:26",
        "2021-03-14T08", "2021-03-14T08:26:00.", "2021-03-14T08:26:00+1",
        "2021-03-14T08:26:00+01", "2021-03-14T08:26:00+24:00", "2021-03-14X08:26",
        "2021-03-14  08:26", "2021-03-14T08:26 PM", "2021-03-14 8:26", "2021-03-14T08:26:00ZZ",
        "2021/03/14T08:26", "2021.03.14", "2021-03/14",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        /* "2021-03-14 " is the one bad value that trimming repairs. */
        enum col_type want = strcmp(bad[i], "2021-03-14 ") == 0 ? TYPE_DATE : TYPE_TEXT;
        if (TYPE_OF(bad[i]) != want)
            fail_msg("\"%s\" has the wrong type", bad[i]);
    }
}

static void test_iso_date_and_datetime_column(void **state)
{
    (void)state;
    struct type_infer t;
    struct inferred col = INFER(&t, "2021-03-14", "2021-03-15T08:26:00Z", "", "2021-03-16");
    assert_int_equal(col.type, TYPE_DATETIME);
    assert_int_equal(col.form, DATE_ISO);
    assert_string_equal(convert_text(&col, "2021-03-14"), "2021-03-14 00:00:00");
    assert_string_equal(convert_text(&col, " 2021-03-16 "), "2021-03-16 00:00:00");
    assert_string_equal(convert_text(&col, "2021-03-15T08:26:00Z"), "2021-03-15T08:26:00Z");
}

static void test_ymd(void **state)
{
    (void)state;
    struct type_infer t;
    struct inferred col = INFER(&t, "2021/3/14", "2021/03/04", "2020/2/29");
    assert_int_equal(col.type, TYPE_DATE);
    assert_int_equal(col.form, DATE_YMD);
    assert_int_equal(col.ambiguous, 0);
    assert_string_equal(convert_text(&col, "2021/3/14"), "2021-03-14");
    assert_string_equal(convert_text(&col, " 2021/03/04 "), "2021-03-04");

    col = INFER(&t, "2021/3/14 8:05", "2021/3/15", "2021/3/14 8:05:09 PM", "2021/12/1 23:59");
    assert_int_equal(col.type, TYPE_DATETIME);
    assert_int_equal(col.form, DATE_YMD);
    assert_string_equal(convert_text(&col, "2021/3/14 8:05"), "2021-03-14 08:05:00");
    assert_string_equal(convert_text(&col, "2021/3/15"), "2021-03-15 00:00:00");
    assert_string_equal(convert_text(&col, "2021/3/14 8:05:09 PM"), "2021-03-14 20:05:09");
    assert_string_equal(convert_text(&col, "2021/12/1 23:59"), "2021-12-01 23:59:00");

    assert_int_equal(TYPE_OF("2021/2/29"), TYPE_TEXT);
    assert_int_equal(TYPE_OF("2021/13/1"), TYPE_TEXT);
    assert_int_equal(TYPE_OF("2021/003/1"), TYPE_TEXT);
    assert_int_equal(TYPE_OF("2021/3/14T08:00"), TYPE_TEXT);
}

static void test_dmy_proven(void **state)
{
    (void)state;
    struct type_infer t;
    struct inferred col = INFER(&t, "02/03/2021", "13/01/2021", "1/2/2021");
    assert_int_equal(col.type, TYPE_DATE);
    assert_int_equal(col.form, DATE_DMY);
    assert_int_equal(col.ambiguous, 0);
    assert_string_equal(convert_text(&col, "02/03/2021"), "2021-03-02");
    assert_string_equal(convert_text(&col, "13/01/2021"), "2021-01-13");
    assert_string_equal(convert_text(&col, "1/2/2021"), "2021-02-01");
    struct converted out;
    assert_int_equal(type_convert(&col, "01/13/2021", 10, &out), -1);

    /* marketing_campaign's Dt_Customer. */
    col = INFER(&t, "04-09-2012", "08-03-2014", "21-08-2013");
    assert_int_equal(col.type, TYPE_DATE);
    assert_int_equal(col.form, DATE_DMY);
    assert_int_equal(col.ambiguous, 0);
    assert_string_equal(convert_text(&col, "04-09-2012"), "2012-09-04");
}

static void test_mdy_proven(void **state)
{
    (void)state;
    struct type_infer t;
    struct inferred col = INFER(&t, "02/03/2021", "01/13/2021", "12/31/2020");
    assert_int_equal(col.type, TYPE_DATE);
    assert_int_equal(col.form, DATE_MDY);
    assert_int_equal(col.ambiguous, 0);
    assert_string_equal(convert_text(&col, "02/03/2021"), "2021-02-03");
    assert_string_equal(convert_text(&col, "12/31/2020"), "2020-12-31");

    /* UCI Online Retail's InvoiceDate. */
    col = INFER(&t, "12/1/2010 8:26", "12/1/2010 8:28", "12/13/2010 9:01", "1/4/2011 10:00");
    assert_int_equal(col.type, TYPE_DATETIME);
    assert_int_equal(col.form, DATE_MDY);
    assert_int_equal(col.ambiguous, 0);
    assert_string_equal(convert_text(&col, "12/1/2010 8:26"), "2010-12-01 08:26:00");
    assert_string_equal(convert_text(&col, " 1/4/2011 10:00 "), "2011-01-04 10:00:00");
}

static void test_dmy_and_mdy_both_proven_is_text(void **state)
{
    (void)state;
    assert_int_equal(TYPE_OF("13/01/2021", "01/13/2021"), TYPE_TEXT);
    assert_int_equal(TYPE_OF("01/13/2021", "02/03/2021", "13/01/2021"), TYPE_TEXT);
    assert_int_equal(TYPE_OF("13-01-2021", "01-13-2021"), TYPE_TEXT);
}

static void test_dm_order_ambiguous(void **state)
{
    (void)state;
    struct type_infer t;
    struct inferred col = INFER(&t, "02/03/2021", "12/11/2020");
    assert_int_equal(col.type, TYPE_DATE);
    assert_int_equal(col.form, DATE_MDY);
    assert_int_equal(col.ambiguous, 1);
    assert_string_equal(convert_text(&col, "02/03/2021"), "2021-02-03");

    col = INFER(&t, "02-03-2021", "12-11-2020");
    assert_int_equal(col.form, DATE_DMY);
    assert_int_equal(col.ambiguous, 1);
    assert_string_equal(convert_text(&col, "02-03-2021"), "2021-03-02");

    col = INFER(&t, "02.03.2021", "1.2.2020");
    assert_int_equal(col.type, TYPE_DATE);
    assert_int_equal(col.form, DATE_DMY);
    assert_int_equal(col.ambiguous, 1);
    assert_string_equal(convert_text(&col, "1.2.2020"), "2020-02-01");

    col = INFER(&t, "02.03.2021", "01-02-2020");
    assert_int_equal(col.form, DATE_DMY);
    assert_int_equal(col.ambiguous, 1);

    /* '/' says M/D/Y and '-' says D/M/Y: nothing decides, so TEXT keeps them. */
    assert_int_equal(TYPE_OF("02/03/2021", "02-03-2021"), TYPE_TEXT);
    /* Unless a value proves the order. */
    col = INFER(&t, "02/03/2021", "02-03-2021", "13/03/2021");
    assert_int_equal(col.type, TYPE_DATE);
    assert_int_equal(col.form, DATE_DMY);
    assert_int_equal(col.ambiguous, 0);
    assert_string_equal(convert_text(&col, "02-03-2021"), "2021-03-02");
}

static void test_calendar(void **state)
{
    (void)state;
    struct type_infer t;
    struct inferred col = INFER(&t, "29/02/2020", "15/06/2021");
    assert_int_equal(col.type, TYPE_DATE);
    assert_int_equal(col.form, DATE_DMY);
    assert_string_equal(convert_text(&col, "29/02/2020"), "2020-02-29");
    assert_int_equal(TYPE_OF("29/02/2000"), TYPE_DATE);
    assert_int_equal(TYPE_OF("15/06/2021", "29/02/2021"), TYPE_TEXT);
    assert_int_equal(TYPE_OF("29/02/1900"), TYPE_TEXT);
    assert_int_equal(TYPE_OF("31/02/2021"), TYPE_TEXT);
    assert_int_equal(TYPE_OF("31/04/2021"), TYPE_TEXT);
    assert_int_equal(TYPE_OF("04/31/2021"), TYPE_TEXT);
    assert_int_equal(TYPE_OF("00/01/2021"), TYPE_TEXT);
    assert_int_equal(TYPE_OF("13/13/2021"), TYPE_TEXT);
    assert_int_equal(TYPE_OF("1/1/0000"), TYPE_TEXT);
    assert_int_equal(TYPE_OF("31/12/9999"), TYPE_DATE);
    assert_int_equal(value_types("31/02/2021", 10), BIT(TYPE_TEXT));
}

static void test_am_pm(void **state)
{
    (void)state;
    struct type_infer t;
    struct inferred col = INFER(&t, "3/14/2021 12:00 AM", "3/14/2021 12:30 PM",
                                "3/14/2021 1:05:09 pm", "3/14/2021 11:59 Am", "3/14/2021 8:26PM",
                                "3/14/2021 23:59");
    assert_int_equal(col.type, TYPE_DATETIME);
    assert_int_equal(col.form, DATE_MDY);
    assert_int_equal(col.ambiguous, 0);
    assert_string_equal(convert_text(&col, "3/14/2021 12:00 AM"), "2021-03-14 00:00:00");
    assert_string_equal(convert_text(&col, "3/14/2021 12:30 PM"), "2021-03-14 12:30:00");
    assert_string_equal(convert_text(&col, "3/14/2021 1:05:09 pm"), "2021-03-14 13:05:09");
    assert_string_equal(convert_text(&col, "3/14/2021 11:59 Am"), "2021-03-14 11:59:00");
    assert_string_equal(convert_text(&col, "3/14/2021 8:26PM"), "2021-03-14 20:26:00");
    assert_string_equal(convert_text(&col, "3/14/2021 0:05"), "2021-03-14 00:05:00");

    static const char *const bad[] = {
        "3/14/2021 0:30 AM", "3/14/2021 13:00 PM", "3/14/2021 24:00", "3/14/2021 8:60",
        "3/14/2021 8:26:60", "3/14/2021 8:6", "3/14/2021 8", "3/14/2021 8:26 XM",
        "3/14/2021 8:26:00.5", "3/14/2021  8:26", "3/14/2021T08:26", "3/14/2021 8:26 P",
        "3/14/2021 123:00", "3/14/2021 8:26 AMX",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        if (TYPE_OF(bad[i]) != TYPE_TEXT)
            fail_msg("\"%s\" should be TEXT", bad[i]);
}

static void test_dmy_date_and_datetime_column(void **state)
{
    (void)state;
    struct type_infer t;
    struct inferred col = INFER(&t, "14/03/2021", "15/03/2021 08:00");
    assert_int_equal(col.type, TYPE_DATETIME);
    assert_int_equal(col.form, DATE_DMY);
    assert_string_equal(convert_text(&col, "14/03/2021"), "2021-03-14 00:00:00");
    assert_string_equal(convert_text(&col, "15/03/2021 08:00"), "2021-03-15 08:00:00");
}

static void test_dm_syntax_rejected(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "14/03/21", "3-14-21", "14/03/021", "14/03/20210", "14/03-2021", "14-03/2021",
        "14.03-2021", "114/03/2021", "14/003/2021", "14//2021", "/03/2021", "14 03 2021",
        "14:03:2021", "14/03/2021 ", "14/03", "14/03/2021/",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        /* "14/03/2021 " is the one value trimming repairs. */
        enum col_type want = strcmp(bad[i], "14/03/2021 ") == 0 ? TYPE_DATE : TYPE_TEXT;
        if (TYPE_OF(bad[i]) != want)
            fail_msg("\"%s\" has the wrong type", bad[i]);
    }
}

static void test_mixed_families_are_text(void **state)
{
    (void)state;
    assert_int_equal(TYPE_OF("2021-03-14", "14/03/2021"), TYPE_TEXT);
    assert_int_equal(TYPE_OF("2021/03/14", "2021-03-14"), TYPE_TEXT);
    assert_int_equal(TYPE_OF("2021/03/14", "14/03/2021"), TYPE_TEXT);
    assert_int_equal(TYPE_OF("2021-03-14", "42"), TYPE_TEXT);
    assert_int_equal(TYPE_OF("42", "2021-03-14"), TYPE_TEXT);
    assert_int_equal(TYPE_OF("1.5", "14/03/2021"), TYPE_TEXT);
    assert_int_equal(TYPE_OF("2021-03-14", "yesterday"), TYPE_TEXT);
    assert_int_equal(TYPE_OF("20210314", "2021-03-14"), TYPE_TEXT);
}

static void test_value_types(void **state)
{
    (void)state;
    const unsigned text = BIT(TYPE_TEXT);
    assert_int_equal(value_types("Age", 3), text);
    assert_int_equal(value_types("42", 2), BIT(TYPE_INTEGER) | BIT(TYPE_REAL) | text);
    assert_int_equal(value_types(" -42 ", 5), BIT(TYPE_INTEGER) | BIT(TYPE_REAL) | text);
    assert_int_equal(value_types("4.2", 3), BIT(TYPE_REAL) | text);
    assert_int_equal(value_types("4e2", 3), BIT(TYPE_REAL) | text);
    assert_int_equal(value_types("2021-03-14", 10), BIT(TYPE_DATE) | BIT(TYPE_DATETIME) | text);
    assert_int_equal(value_types("14/03/2021", 10), BIT(TYPE_DATE) | BIT(TYPE_DATETIME) | text);
    assert_int_equal(value_types("2021-03-14 08:00", 16), BIT(TYPE_DATETIME) | text);
    assert_int_equal(value_types("12/1/2010 8:26", 14), BIT(TYPE_DATETIME) | text);
    assert_int_equal(value_types("", 0), BIT(TYPE_NULL));
    assert_int_equal(value_types(" \t\r\n", 4), BIT(TYPE_NULL));
    assert_int_equal(value_types("customer_id", 11), text);
    assert_int_equal(value_types("+33", 3), text);
}

static void test_convert_mismatch(void **state)
{
    (void)state;
    struct converted out;
    struct inferred integer = { TYPE_INTEGER, DATE_ISO, 0 };
    assert_int_equal(type_convert(&integer, "abc", 3, &out), -1);
    assert_int_equal(out.type, TYPE_NULL);
    assert_int_equal(type_convert(&integer, "1.5", 3, &out), -1);
    assert_int_equal(type_convert(&integer, "007", 3, &out), -1);
    struct inferred real = { TYPE_REAL, DATE_ISO, 0 };
    assert_int_equal(type_convert(&real, "x", 1, &out), -1);
    assert_int_equal(type_convert(&real, "inf", 3, &out), -1);
    struct inferred date = { TYPE_DATE, DATE_ISO, 0 };
    assert_int_equal(type_convert(&date, "2021-03-14 08:00", 16, &out), -1);
    assert_int_equal(type_convert(&date, "14/03/2021", 10, &out), -1);
    assert_int_equal(type_convert(&date, "2021-02-30", 10, &out), -1);
    struct inferred dmy = { TYPE_DATETIME, DATE_DMY, 0 };
    assert_int_equal(type_convert(&dmy, "2021-03-14", 10, &out), -1);
    assert_int_equal(type_convert(&dmy, "12/31/2020", 10, &out), -1);
    assert_int_equal(type_convert(&dmy, "   ", 3, &out), 0);
    assert_int_equal(out.type, TYPE_NULL);
}

static void test_names(void **state)
{
    (void)state;
    assert_string_equal(col_type_name(TYPE_NULL), "TEXT");
    assert_string_equal(col_type_name(TYPE_INTEGER), "INTEGER");
    assert_string_equal(col_type_name(TYPE_REAL), "REAL");
    assert_string_equal(col_type_name(TYPE_DATE), "DATE");
    assert_string_equal(col_type_name(TYPE_DATETIME), "DATETIME");
    assert_string_equal(col_type_name(TYPE_TEXT), "TEXT");
    assert_string_equal(date_form_name(DATE_ISO), "ISO");
    assert_string_equal(date_form_name(DATE_YMD), "Y/M/D");
    assert_string_equal(date_form_name(DATE_DMY), "D/M/Y");
    assert_string_equal(date_form_name(DATE_MDY), "M/D/Y");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_integers),
        cmocka_unit_test(test_integer_overflow_is_text),
        cmocka_unit_test(test_leading_zeros),
        cmocka_unit_test(test_plus_sign_is_text),
        cmocka_unit_test(test_reals),
        cmocka_unit_test(test_reals_rejected),
        cmocka_unit_test(test_mixed_integer_real_is_real),
        cmocka_unit_test(test_blank_cells),
        cmocka_unit_test(test_all_blank_column),
        cmocka_unit_test(test_text_kept_byte_for_byte),
        cmocka_unit_test(test_text_column_stays_text),
        cmocka_unit_test(test_cells_are_not_nul_terminated),
        cmocka_unit_test(test_iso_dates),
        cmocka_unit_test(test_iso_datetimes),
        cmocka_unit_test(test_iso_rejected),
        cmocka_unit_test(test_iso_date_and_datetime_column),
        cmocka_unit_test(test_ymd),
        cmocka_unit_test(test_dmy_proven),
        cmocka_unit_test(test_mdy_proven),
        cmocka_unit_test(test_dmy_and_mdy_both_proven_is_text),
        cmocka_unit_test(test_dm_order_ambiguous),
        cmocka_unit_test(test_calendar),
        cmocka_unit_test(test_am_pm),
        cmocka_unit_test(test_dmy_date_and_datetime_column),
        cmocka_unit_test(test_dm_syntax_rejected),
        cmocka_unit_test(test_mixed_families_are_text),
        cmocka_unit_test(test_value_types),
        cmocka_unit_test(test_convert_mismatch),
        cmocka_unit_test(test_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
