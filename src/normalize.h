/* normalize.h — the value-level kinds of `normalize TABLE COL=KIND[:ARG]`.
 *
 * Each kind turns one value into its clean form, says it is already clean, or says
 * why it cannot be cleaned (the command then leaves it and reports it):
 *   trim      blanks (Unicode spaces too) off both ends
 *   lower, upper   Unicode case mapping
 *   unicode   NFKC (full-width letters and digits, ligatures, compatibility forms)
 *   title     names: see name_title_case()
 *   email     see email_normalize(): invisible characters out, the address out of
 *             "Name <a@b.com>", lower case, the domain in punycode, then checked
 *   phone[:CC|:COL]    E.164, with ";ext=N" for an extension (phone.h); the default
 *             country for national numbers is CC, or each row's country read from COL
 *   date[:DMY|:MDY][:pivot=YYYY]   ISO 8601 (datenorm.h); pivot=1950 reads a
 *             two-digit year as 1950-2049
 *   date:excel, date:excel1904, date:epoch   numbers as dates: Excel serial days
 *             (1900 or 1904 system), Unix seconds or milliseconds (datenorm.h)
 *   country   ISO 3166-1 alpha-2 (country.h)
 *   postcode:CC|:COL   the country's standard form (country.h)
 * A value that is only blanks becomes NULL under the kinds that trim (all but lower,
 * upper and unicode): it was a missing value written as spaces. */
#ifndef PERSONA_NORMALIZE_H
#define PERSONA_NORMALIZE_H

#include <stddef.h>

#include "datenorm.h"

struct strbuf;

enum norm_kind {
    NORM_TRIM, NORM_LOWER, NORM_UPPER, NORM_TITLE, NORM_UNICODE, NORM_EMAIL, NORM_PHONE, NORM_DATE,
    NORM_COUNTRY, NORM_POSTCODE,
};

struct norm_spec {
    enum norm_kind kind;
    char country[3];        /* phone, postcode: the country given as ARG; "" none */
    char *country_column;   /* phone, postcode: the column holding each row's country */
    char date_order;        /* date: 'D', 'M', or 0 to decide from the column */
    int date_pivot;         /* date: two-digit years are pivot .. pivot + 99; 0: not read */
    char date_number;       /* date: DATE_EXCEL1900, DATE_EXCEL1904 or DATE_EPOCH: numbers; 0: text */
};

/* Parses "KIND[:ARG]" into *spec.  is_column(arg, name) tells whether name is a
 * column of the table (for phone:COL and postcode:COL).  Returns 0, or -1 with a
 * message in err naming what would be accepted.  Free with norm_spec_free(). */
int norm_spec_parse(const char *text, struct norm_spec *spec, int (*is_column)(void *arg, const char *name),
                    void *arg, char *err, size_t errlen);
void norm_spec_free(struct norm_spec *spec);

/* The kinds' names, " "-separated, for messages. */
const char *norm_kind_list(void);

enum norm_outcome {
    NORM_SAME,      /* already clean */
    NORM_NEW,       /* out holds the clean text */
    NORM_TO_NULL,   /* only blanks: becomes NULL */
    NORM_BAD,       /* cannot be cleaned: why says why */
};

/* Cleans the text [s, s+len).  row_country is the row's alpha-2 code from the
 * country column (NULL: none or unknown); orders are the date column's orders.  A
 * phone read as a valid number has its enum pn_type stored in *phone_type (when
 * not NULL), whether it changed or not. */
enum norm_outcome norm_value(const struct norm_spec *spec, const char *row_country,
                             const struct date_orders *orders, const char *s, size_t len,
                             struct strbuf *out, char *why, size_t whylen, int *phone_type);

/* Narrows [*s, *s+*len) to the text between leading and trailing blanks: ASCII
 * white space, Unicode spaces (Zs), NEL, the byte-order mark and the zero-width
 * space. */
void trim_blanks(const char **s, size_t *len);

/* Names in title case, the rule:
 *  - blanks are trimmed and runs of them become one space;
 *  - a word already written in a name's mixed case is kept as written (a capital
 *    first, some lower case, no run of three capitals: "McDonald", "DeShawn",
 *    "MacArthur", "Van" in "Dick Van Dyke");
 *  - other words get a capital first and lower case after it, also after a hyphen
 *    ("Smith-Jones") and after a one-letter prefix with an apostrophe ("O'Neil",
 *    "D'Angelo"); "Mc" is followed by a capital ("McDonald"), "Mac" is not
 *    (Mack, Macey, Machado would break);
 *  - particles are lower case: van, von, der, den, de, del, della, di, da, du, des,
 *    la, le, dos, das, do, y, e, zu, ter, ten, bin, ibn, al ("Ludwig van
 *    Beethoven"), except one that begins a value written all in one case ("VAN DER
 *    BERG" → "Van der Berg"); "von Bergen" keeps the case it was written in;
 *  - roman numerals after the first word are capitals ("John Smith III");
 *  - scripts without case are left alone. */
void name_title_case(const char *s, size_t len, struct strbuf *out);

#endif
