/* test_normalize.c — the value-level kinds of `normalize`: phones to E.164 by the
 * numbering-plan table, written dates to ISO with the column's day/month order,
 * country names to ISO codes, names in title case, email syntax, postcodes, and the
 * text kinds.  Tables of cases: input, argument, and the exact output or the reason
 * it is left alone. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "country.h"
#include "datenorm.h"
#include "normalize.h"
#include "phone.h"
#include "strbuf.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* An expected outcome: the clean value, or NULL and a fragment of the reason. */
struct vcase {
    const char *in, *arg, *want, *why;
};

/* The issue's cases, with python-phonenumbers' reading as the expected value (the
 * bulk comparison is tests/e2e/t_clean_reference.sh on tests/fixtures/phones). */
static void test_phone(void **state)
{
    (void)state;
    static const struct vcase cases[] = {
        {"(818) 555-0166", "US", "+18185550166", NULL},
        {"+1 (720) 555-0194", "GB", "+17205550194", NULL},
        {"011 44 20 7946 0959", "US", "+442079460959", NULL},
        {"1-800-FLOWERS", "US", "+18003569377", NULL},                     /* vanity letters */
        {"+44 0121 234 5678", NULL, "+441212345678", NULL},                 /* trunk 0 after +44 */
        {"+49 (0)176 45902565", NULL, "+4917645902565", NULL},
        {"tel:+1-201-555-0123;ext=12", NULL, "+12015550123;ext=12", NULL},
        {"020 7946 0959 x123", "GB", "+442079460959;ext=123", NULL},
        {"+1 201-555-0123 ext. 45", NULL, "+12015550123;ext=45", NULL},
        {"\xef\xbc\x90\xef\xbc\x92\xef\xbc\x90 7946 0959", "GB", "+442079460959", NULL},   /* full width */
        {"(11) 96123-4567", "BR", "+5511961234567", NULL},
        {"010-1234-5678", "KR", "+821012345678", NULL},
        {"+86 138 0013 8000", NULL, "+8613800138000", NULL},
        {"021 123 4567", "ZA", "+27211234567", NULL},
        {"0803 123 4567", "NG", "+2348031234567", NULL},
        {"03-3063-9876", "JP", "+81330639876", NULL},
        /* 00 and 011 read as international prefixes where nothing else reads them */
        {"0034 976 98 12 70", NULL, "+34976981270", NULL},
        {"011 44 20 7946 0959", NULL, "+442079460959", NULL},
        {"0044 20 7946 0959", "US", "+442079460959", NULL},
        /* the right length is not enough: the plan must hold the number */
        {"(555) 555-5555", "US", NULL, "+15555555555 is in no range of the +1 numbering plan"},
        {"8001234", "IT", NULL, "+39"},
        {"08001234", "AT", NULL, "+43"},
        {"976 98 12 70", NULL, NULL, "a national number, and no country"},
        {"+999 1234567", "US", NULL, "calling code"},
        {"call me", "US", NULL, "not a phone number"},
        {"--", "US", NULL, "not a phone number"},
        {"12", "GB", NULL, "too short for a +44 number"},
    };
    for (size_t i = 0; i < COUNT(cases); i++) {
        char out[64], why[256];
        struct phone_number n;
        int rc = phone_read(cases[i].in, strlen(cases[i].in), cases[i].arg, &n, why, sizeof why);
        if (rc == 0)
            phone_clean_form(&n, out, sizeof out);
        if (cases[i].want && (rc != 0 || strcmp(out, cases[i].want) != 0))
            fail_msg("phone %s (%s): want %s, got %s", cases[i].in, cases[i].arg ? cases[i].arg : "-",
                     cases[i].want, rc ? why : out);
        if (!cases[i].want && (rc == 0 || !strstr(why, cases[i].why)))
            fail_msg("phone %s (%s): want failure '%s', got %s", cases[i].in, cases[i].arg ? cases[i].arg : "-",
                     cases[i].why, rc ? why : out);
        if (rc == 0) {      /* the cleaned form reads back to itself */
            struct phone_number again;
            char back[64];
            assert_int_equal(phone_read(out, strlen(out), NULL, &again, why, sizeof why), 0);
            phone_clean_form(&again, back, sizeof back);
            assert_string_equal(back, out);
        }
    }
    assert_true(phone_region_known("BR"));
    assert_true(phone_region_known("JP"));
    assert_false(phone_region_known("ZZ"));
    assert_true(pn_region_count() >= 240);
    struct phone_number n;
    char why[256];
    assert_int_equal(phone_read("07400 123456", 12, "GB", &n, why, sizeof why), 0);
    assert_string_equal(phone_type_name(n.type), "mobile");
    assert_int_equal(phone_read("0800 123 4567", 13, "GB", &n, why, sizeof why), 0);
    assert_string_equal(phone_type_name(n.type), "toll free");
}

/* Converts each value with the orders the whole column votes for. */
static void check_dates(const char *const *column, size_t n, char forced, const struct vcase *cases, size_t ncases)
{
    struct date_orders o;
    date_orders_init(&o, forced);
    for (size_t i = 0; i < n; i++)
        date_orders_vote(&o, column[i], strlen(column[i]));
    date_orders_settle(&o);
    for (size_t i = 0; i < ncases; i++) {
        char out[32], why[256];
        int rc = date_to_iso(&o, cases[i].in, strlen(cases[i].in), out, why, sizeof why);
        if (cases[i].want && (rc != 0 || strcmp(out, cases[i].want) != 0))
            fail_msg("date %s: want %s, got %s", cases[i].in, cases[i].want, rc ? why : out);
        if (!cases[i].want && (rc == 0 || !strstr(why, cases[i].why)))
            fail_msg("date %s: want failure '%s', got %s", cases[i].in, cases[i].why, rc ? why : out);
    }
}

static void test_dates(void **state)
{
    (void)state;
    /* the issue's examples in one column: '/' proven month-first, '.' day-first */
    static const char *const column[] = {"03/14/2021", "15.03.2021", "March 16, 2021", "2021/03/17", "01/02/2021",
                                         "01.02.2021"};
    static const struct vcase cases[] = {
        {"03/14/2021", NULL, "2021-03-14", NULL},
        {"15.03.2021", NULL, "2021-03-15", NULL},
        {"March 16, 2021", NULL, "2021-03-16", NULL},
        {"2021/03/17", NULL, "2021-03-17", NULL},
        {"01/02/2021", NULL, "2021-01-02", NULL},       /* '/' is month first here */
        {"01.02.2021", NULL, "2021-02-01", NULL},       /* '.' is day first */
        {" 2021-03-14 ", NULL, "2021-03-14", NULL},
        {"2021-03-14T08:26:00Z", NULL, "2021-03-14T08:26:00Z", NULL},
        {"2021-3-7", NULL, "2021-03-07", NULL},
        {"20210317", NULL, "2021-03-17", NULL},
        {"2021.03.17", NULL, "2021-03-17", NULL},
        {"03/14/2021 8:26 PM", NULL, "2021-03-14 20:26:00", NULL},
        {"Mar 16 2021", NULL, "2021-03-16", NULL},
        {"16 March 2021", NULL, "2021-03-16", NULL},
        {"16-Mar-2021", NULL, "2021-03-16", NULL},
        {"March 1st, 2021", NULL, "2021-03-01", NULL},
        {"Tuesday, March 16, 2021", NULL, "2021-03-16", NULL},
        {"Tue 16 Mar 2021", NULL, "2021-03-16", NULL},
        {"1er mars 2021", NULL, "2021-03-01", NULL},
        {"16. März 2021", NULL, "2021-03-16", NULL},
        {"16 de marzo de 2021", NULL, "2021-03-16", NULL},
        {"16 marzo 2021", NULL, "2021-03-16", NULL},
        {"16 maart 2021", NULL, "2021-03-16", NULL},
        {"DECEMBER 31, 1999", NULL, "1999-12-31", NULL},
        {"2021年3月16日", NULL, "2021-03-16", NULL},
        {"29/02/2020", NULL, NULL, "month 29 does not exist (read month first"},
        {"31.02.2021", NULL, NULL, "not a calendar date: February 2021 has 28 days, not 31"},
        {"February 29, 2021", NULL, NULL, "February 2021 has 28 days"},
        {"2021-02-30", NULL, NULL, "February 2021 has 28 days"},
        {"Monday, March 16, 2021", NULL, NULL, "2021-03-16 is a Tuesday, not a Monday"},
        {"03/14/21", NULL, NULL, "two-digit year"},
        {"March 16, 21", NULL, NULL, "the year has 2 digits"},
        {"March 2021", NULL, NULL, "a month without a day"},
        {"soon", NULL, NULL, "not a date"},
        {"20211", NULL, NULL, "a number, not a date"},
    };
    check_dates(column, COUNT(column), 0, cases, COUNT(cases));

    /* date:DMY decides outright; a month-first value is then impossible */
    static const struct vcase dmy[] = {
        {"01/02/2021", NULL, "2021-02-01", NULL},
        {"03/14/2021", NULL, NULL, "month 14 does not exist (read day first, D/M/Y)"},
        {"31/02/2021", NULL, NULL, "not a calendar date: February 2021 has 28 days, not 31"},
    };
    check_dates(column, COUNT(column), 'D', dmy, COUNT(dmy));

    /* no proof: '/' means month first, '-' and '.' day first (the loader's rule) */
    static const char *const undecided[] = {"01/02/2021", "01-02-2021"};
    static const struct vcase by_default[] = {
        {"01/02/2021", NULL, "2021-01-02", NULL},
        {"01-02-2021", NULL, "2021-02-01", NULL},
    };
    check_dates(undecided, COUNT(undecided), 0, by_default, COUNT(by_default));

    /* both orders proven for '/': only values with one reading convert */
    static const char *const mixed[] = {"13/01/2021", "01/13/2021", "02/03/2021"};
    static const struct vcase both[] = {
        {"13/01/2021", NULL, "2021-01-13", NULL},
        {"01/13/2021", NULL, "2021-01-13", NULL},
        {"05/05/2021", NULL, "2021-05-05", NULL},
        {"02/03/2021", NULL, NULL, "ambiguous"},
    };
    check_dates(mixed, COUNT(mixed), 0, both, COUNT(both));

    long ymd;
    assert_true(iso_date_valid("2020-02-29", 10, &ymd));
    assert_int_equal(ymd, 20200229);
    assert_true(iso_date_valid("2020-02-29 10:00:00", 19, NULL));
    assert_false(iso_date_valid("2021-02-29", 10, NULL));
    assert_false(iso_date_valid("2021/02/28", 10, NULL));
}

static struct norm_spec spec_of(const char *text)
{
    struct norm_spec s;
    char err[256];
    if (norm_spec_parse(text, &s, NULL, NULL, err, sizeof err))
        fail_msg("%s: %s", text, err);
    return s;
}

/* An impossible date in a month-first column proves nothing: the issue's 31/02/2021
 * made 39 month-first dates "ambiguous". */
static void test_impossible_date_is_no_evidence(void **state)
{
    (void)state;
    const char *column[40];
    char text[39][16];
    for (int i = 0; i < 39; i++) {
        snprintf(text[i], sizeof text[i], "%02d/%02d/2021", i % 12 + 1, i % 28 + 1);
        column[i] = text[i];
    }
    column[39] = "31/02/2021";
    static const struct vcase cases[] = {
        {"12/13/2021", NULL, "2021-12-13", NULL},
        {"01/02/2021", NULL, "2021-01-02", NULL},
        {"31/02/2021", NULL, NULL, "month 31 does not exist"},
    };
    check_dates(column, 40, 0, cases, COUNT(cases));
}

/* Numbers as dates and two-digit years, against Python's datetime
 * (tests/fixtures/dates, made by make_dates.py). */
static void test_dates_reference(void **state)
{
    (void)state;
    FILE *f = fopen("tests/fixtures/dates/dates.tsv", "r");
    assert_non_null(f);
    char line[256], why[256];
    struct strbuf out = {0};
    int rows = 0;
    assert_non_null(fgets(line, sizeof line, f));
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = '\0';
        char *kind = strtok(line, "\t"), *in = strtok(NULL, "\t"), *want = strtok(NULL, "\t");
        assert_non_null(want);
        struct norm_spec spec = spec_of(kind);
        struct date_orders o;
        date_orders_init(&o, spec.date_order);
        o.pivot = spec.date_pivot;
        date_orders_settle(&o);
        enum norm_outcome r = norm_value(&spec, NULL, &o, in, strlen(in), &out, why, sizeof why, NULL);
        if ((r != NORM_NEW && r != NORM_SAME) || strcmp(strbuf_str(&out), want) != 0)
            fail_msg("%s %s: want %s, got %s", kind, in, want, r == NORM_BAD ? why : strbuf_str(&out));
        rows++;
    }
    fclose(f);
    strbuf_free(&out);
    assert_true(rows > 200);
    /* what is not one: reported with the reason */
    static const struct { const char *kind, *in, *why; } bad[] = {
        {"date:excel", "60", "did not exist"},        {"date:excel", "0", "not an Excel date serial"},
        {"date:excel", "-5", "not a number"},        {"date:excel", "2958466", "not an Excel date serial"},
        {"date:epoch", "1.5", "whole numbers"},      {"date:epoch", "9e99", "not a number"},
        {"date:epoch", "abc", "not a number"},       {"date", "14/03/21", "date:pivot=1950"},
        {"date", "44197", "date:excel or date:epoch"},
    };
    for (size_t i = 0; i < COUNT(bad); i++) {
        struct norm_spec spec = spec_of(bad[i].kind);
        struct date_orders o;
        date_orders_init(&o, spec.date_order);
        date_orders_settle(&o);
        enum norm_outcome r = norm_value(&spec, NULL, &o, bad[i].in, strlen(bad[i].in), &out, why, sizeof why, NULL);
        if (r != NORM_BAD || !strstr(why, bad[i].why))
            fail_msg("%s %s: want failure '%s', got %s", bad[i].kind, bad[i].in, bad[i].why,
                     r == NORM_BAD ? why : strbuf_str(&out));
    }
    strbuf_free(&out);
}

static void test_countries(void **state)
{
    (void)state;
    static const struct { const char *in, *want; } cases[] = {
        {"United States", "US"}, {"USA", "US"}, {"usa", "US"}, {"U.S.", "US"}, {"U.S.A.", "US"},
        {"United States of America", "US"}, {"America", "US"}, {"us", "US"}, {"UNITED STATES", "US"},
        {"United Kingdom", "GB"}, {"UK", "GB"}, {"U.K.", "GB"}, {"uk", "GB"}, {"England", "GB"},
        {"Great Britain", "GB"}, {"GBR", "GB"}, {"Royaume-Uni", "GB"}, {"Deutschland", "DE"}, {"GER", "DE"},
        {"BRD", "DE"}, {"germany", "DE"}, {"DEU", "DE"}, {"Allemagne", "DE"}, {"España", "ES"},
        {"Espana", "ES"}, {"ESPAÑA", "ES"}, {"Spanien", "ES"}, {"France", "FR"}, {"FRA", "FR"},
        {"Frankreich", "FR"}, {"日本", "JP"}, {"Japan", "JP"}, {"JPN", "JP"}, {"CAN", "CA"}, {"Canada", "CA"},
        {"The Netherlands", "NL"}, {"Holland", "NL"}, {"Nederland", "NL"}, {"Italia", "IT"}, {"ITA", "IT"},
        {"Côte d'Ivoire", "CI"}, {"Cote dIvoire", "CI"}, {"Korea, Republic of", "KR"}, {"Türkiye", "TR"},
        {"Turkey", "TR"}, {"  Schweiz ", "CH"}, {"Österreich", "AT"}, {"ＵＳＡ", "US"},
        /* the issue's misses: a numeric code, umlauts written out, '&', "St." */
        {"276", "DE"}, {"040", "AT"}, {"Oesterreich", "AT"}, {"Trinidad & Tobago", "TT"}, {"St. Lucia", "LC"},
        {"St Kitts & Nevis", "KN"}, {"Republic of Korea", "KR"}, {"Bolivia", "BO"}, {"Vereinigtes Königreich", "GB"},
        {"Estados Unidos", "US"}, {"Royaume-Uni de Grande-Bretagne et d'Irlande du Nord", "GB"}, {"Российская Федерация", "RU"},
    };
    for (size_t i = 0; i < COUNT(cases); i++) {
        const char *got = country_code(cases[i].in, strlen(cases[i].in));
        if (!got || strcmp(got, cases[i].want) != 0)
            fail_msg("country %s: want %s, got %s", cases[i].in, cases[i].want, got ? got : "NULL");
    }
    /* regions, cities and continents are never countries; nor is a name two share */
    static const char *const unknown[] = {"Narnia", "", "U", "Europe", "123", "Europa", "Asia", "Africa",
                                          "South America", "North America", "Scandinavia", "Bavaria", "Bayern",
                                          "California", "London", "Paris", "Middle East", "Caribbean",
                                          "Virgin Islands", "EU"};
    for (size_t i = 0; i < COUNT(unknown); i++)
        if (country_code(unknown[i], strlen(unknown[i])))
            fail_msg("country %s: want unknown, got %s", unknown[i], country_code(unknown[i], strlen(unknown[i])));
    assert_string_equal(country_name("GB"), "United Kingdom");
}

/* normalize's own rules around the table: NA is not taken for Namibia. */

/* Runs one kind over cases; want NULL: left alone with why containing the case's why;
 * want "" : becomes NULL. */
static void check_kind(const char *kind, const struct vcase *cases, size_t n)
{
    struct norm_spec s = spec_of(kind);
    struct date_orders o;
    date_orders_init(&o, 0);
    date_orders_settle(&o);
    struct strbuf out = {0};
    for (size_t i = 0; i < n; i++) {
        char why[256];
        enum norm_outcome r = norm_value(&s, cases[i].arg, &o, cases[i].in, strlen(cases[i].in), &out, why, sizeof why, NULL);
        const char *got = r == NORM_SAME ? cases[i].in : r == NORM_NEW ? strbuf_str(&out) : r == NORM_TO_NULL ? "" : NULL;
        if (cases[i].want && (!got || strcmp(got, cases[i].want) != 0))
            fail_msg("%s '%s': want '%s', got %s%s%s", kind, cases[i].in, cases[i].want, got ? "'" : "",
                     got ? got : why, got ? "'" : "");
        if (!cases[i].want && (got || !strstr(why, cases[i].why)))
            fail_msg("%s '%s': want it left alone ('%s'), got '%s'", kind, cases[i].in, cases[i].why, got ? got : why);
        if (cases[i].want && strcmp(cases[i].want, cases[i].in) == 0 && r != NORM_SAME)
            fail_msg("%s '%s': a clean value must count as unchanged", kind, cases[i].in);
    }
    strbuf_free(&out);
    norm_spec_free(&s);
}

static void test_title(void **state)
{
    (void)state;
    static const struct vcase cases[] = {
        {"PATRICIA", NULL, "Patricia", NULL},
        {"patricia edwards", NULL, "Patricia Edwards", NULL},
        {"mcdonald", NULL, "McDonald", NULL},
        {"MCDONALD", NULL, "McDonald", NULL},
        {"McDonald", NULL, "McDonald", NULL},
        {"McDONALD", NULL, "McDonald", NULL},
        {"o'neil", NULL, "O'Neil", NULL},
        {"O'NEIL", NULL, "O'Neil", NULL},
        {"d’angelo", NULL, "D’Angelo", NULL},
        {"siobhán mccarthy-fitzgerald", NULL, "Siobhán McCarthy-Fitzgerald", NULL},
        {"SMITH-JONES", NULL, "Smith-Jones", NULL},
        {"ludwig van beethoven", NULL, "Ludwig van Beethoven", NULL},
        {"LUDWIG VAN BEETHOVEN", NULL, "Ludwig van Beethoven", NULL},
        {"van der berg", NULL, "Van der Berg", NULL},
        {"von Bergen", NULL, "von Bergen", NULL},
        {"Dick Van Dyke", NULL, "Dick Van Dyke", NULL},
        {"DeShawn", NULL, "DeShawn", NULL},
        {"MacArthur", NULL, "MacArthur", NULL},
        {"macarthur", NULL, "Macarthur", NULL},
        {"de la fuente", NULL, "De la Fuente", NULL},
        {"GUADALUPE SÁNCHEZ ORTEGA", NULL, "Guadalupe Sánchez Ortega", NULL},
        {"john smith iii", NULL, "John Smith III", NULL},
        {"ÉMILE ZOLA", NULL, "Émile Zola", NULL},
        {"  mary   ann  ", NULL, "Mary Ann", NULL},
        {"健太 中村", NULL, "健太 中村", NULL},
        {"   ", NULL, "", NULL},
    };
    check_kind("title", cases, COUNT(cases));
}

static void test_email(void **state)
{
    (void)state;
    static const struct vcase cases[] = {
        {"patriciaedwards@hotmail.com", NULL, "patriciaedwards@hotmail.com", NULL},
        {" Garydavis@Gmail.Com ", NULL, "garydavis@gmail.com", NULL},
        {"WALSH.CAOIMHE@GMAIL.COM", NULL, "walsh.caoimhe@gmail.com", NULL},
        {"a+tag@sub.example.co.uk", NULL, "a+tag@sub.example.co.uk", NULL},
        {"jose@xn--bcher-kva.example", NULL, "jose@xn--bcher-kva.example", NULL},
        {"olewis@@outlook.com", NULL, NULL, "more than one @"},
        {"fernando84 gmail.com", NULL, NULL, "no @"},
        {"joerg.hahn1988@gmx,de", NULL, NULL, "',' is not allowed in the domain"},
        {"@example.com", NULL, NULL, "nothing before the @"},
        {"x@", NULL, NULL, "nothing after the @"},
        {"a..b@example.com", NULL, NULL, "two in a row"},
        {".a@example.com", NULL, NULL, "a dot at the start"},
        {"a@localhost", NULL, NULL, "has no dot"},
        {"a@example.c", NULL, NULL, "'c' is not a top-level domain"},
        {"a@example..com", NULL, NULL, "an empty label"},
        {"a@-example.com", NULL, NULL, "starts or ends with '-'"},
        {"a b@example.com", NULL, NULL, "a space"},
        {"  ", NULL, "", NULL},
    };
    check_kind("email", cases, COUNT(cases));
}

static void test_postcodes(void **state)
{
    (void)state;
    static const struct vcase cases[] = {
        {"91333-6404", "US", "91333-6404", NULL},
        {"913336404", "US", "91333-6404", NULL},
        {"02166", "US", "02166", NULL},
        {"2166", "US", NULL, "4 digits: US postcodes have 5 (a leading zero lost?)"},
        {"nw3 1la", "GB", "NW3 1LA", NULL},
        {"SW1A1AA", "GB", "SW1A 1AA", NULL},
        {"EC1V 2AQ", "GB", "EC1V 2AQ", NULL},
        {"B156QY", "GB", "B15 6QY", NULL},
        {"NW3 1CA", "GB", NULL, "not a UK postcode"},
        {"v5k 4l4", "CA", "V5K 4L4", NULL},
        {"H2X2S7", "CA", "H2X 2S7", NULL},
        {"D2X 2S7", "CA", NULL, "not a CA postcode"},
        {"75002", "FR", "75002", NULL},
        {"8025", "ES", NULL, "a leading zero lost?"},
        {"99001", "ES", NULL, "not a ES postcode"},
        {"1012ab", "NL", "1012 AB", NULL},
        {"1012 SA", "NL", NULL, "not a NL postcode"},
        {"1369094", "JP", "136-9094", NULL},
        {"136-9094", "JP", "136-9094", NULL},
        {"12345", "XX", NULL, "no postcode format"},
    };
    for (size_t i = 0; i < COUNT(cases); i++) {
        char out[16], why[256];
        int rc = postcode_normalize(cases[i].arg, cases[i].in, strlen(cases[i].in), out, why, sizeof why);
        if (cases[i].want && (rc || strcmp(out, cases[i].want) != 0))
            fail_msg("postcode %s %s: want %s, got %s", cases[i].arg, cases[i].in, cases[i].want, rc ? why : out);
        if (!cases[i].want && (rc == 0 || !strstr(why, cases[i].why)))
            fail_msg("postcode %s %s: want failure '%s', got %s", cases[i].arg, cases[i].in, cases[i].why,
                     rc ? why : out);
    }
}

static void test_text_kinds(void **state)
{
    (void)state;
    static const struct vcase trim[] = {
        {"  Ann ", NULL, "Ann", NULL},
        {"\xC2\xA0" "Ann\xE3\x80\x80", NULL, "Ann", NULL},    /* no-break and ideographic spaces */
        {"Ann", NULL, "Ann", NULL},
        {"a  b", NULL, "a  b", NULL},
        {" \t ", NULL, "", NULL},
        {"\xff", NULL, NULL, "not valid UTF-8"},
    };
    check_kind("trim", trim, COUNT(trim));
    static const struct vcase lower[] = {{"ÉCOLE Straße", NULL, "école straße", NULL}, {"  ", NULL, "  ", NULL}};
    check_kind("lower", lower, COUNT(lower));
    static const struct vcase upper[] = {{"école", NULL, "ÉCOLE", NULL}};
    check_kind("upper", upper, COUNT(upper));
    static const struct vcase unicode[] = {
        {"ＡＢＣ１２３", NULL, "ABC123", NULL},    /* full-width */
        {"ﬁne", NULL, "fine", NULL},              /* ligature */
        {"e\xCC\x81", NULL, "é", NULL},           /* composed */
        {"plain", NULL, "plain", NULL},
    };
    check_kind("unicode", unicode, COUNT(unicode));
    static const struct vcase country[] = {
        {"U.K.", NULL, "GB", NULL}, {"GB", NULL, "GB", NULL}, {"NA", NULL, NULL, "usually means 'not available'"},
        {"Atlantis", NULL, NULL, "not a country"},
    };
    check_kind("country", country, COUNT(country));
    /* phone with a row's country (the arg column of vcase), and without one */
    static const struct vcase phone[] = {
        {"020 7946 0959", "GB", "+442079460959", NULL},
        {"+33 6 12 34 56 78", NULL, "+33612345678", NULL},
        {"976 98 12 70", NULL, NULL, "a national number"},
        {"(11) 96123-4567", "BR", "+5511961234567", NULL},
        {"020 7946 0959 x123", "GB", "+442079460959;ext=123", NULL},
    };
    check_kind("phone", phone, COUNT(phone));
}

static void test_kind_specs(void **state)
{
    (void)state;
    static const struct { const char *text, *err; } bad[] = {
        {"phonez", "unknown kind 'phonez'; kinds: trim, lower"},
        {"phone:XX", "phone:XX: neither a country code nor a column of the table"},
        {"phone:Antarctica", "phone:Antarctica: libphonenumber has no numbering plan for AQ"},
        {"date:YMD", "date:YMD: expected DMY (day first), MDY (month first), pivot=YYYY"},
        {"date:pivot=50", "date:pivot=50: the pivot is a four-digit year"},
        {"date:excel:DMY", "excel and epoch read numbers"},
        {"postcode", "postcode needs a country"},
        {"trim:x", "trim takes no argument"},
        {"email:", "email: nothing after ':'"},
    };
    for (size_t i = 0; i < COUNT(bad); i++) {
        struct norm_spec s;
        char err[512];
        if (norm_spec_parse(bad[i].text, &s, NULL, NULL, err, sizeof err) == 0)
            fail_msg("%s: accepted", bad[i].text);
        if (!strstr(err, bad[i].err))
            fail_msg("%s: got '%s', want '%s'", bad[i].text, err, bad[i].err);
    }
    struct norm_spec s = spec_of("phone:UK");
    assert_string_equal(s.country, "GB");
    s = spec_of("phone:Brazil");
    assert_string_equal(s.country, "BR");
    s = spec_of("date:mdy");
    assert_int_equal(s.date_order, 'M');
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_phone),      cmocka_unit_test(test_dates),       cmocka_unit_test(test_countries),
        cmocka_unit_test(test_impossible_date_is_no_evidence), cmocka_unit_test(test_dates_reference),
        cmocka_unit_test(test_title),      cmocka_unit_test(test_email),       cmocka_unit_test(test_postcodes),
        cmocka_unit_test(test_text_kinds), cmocka_unit_test(test_kind_specs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
