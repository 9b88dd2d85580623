/* infer.c — column type inference and cell conversion (the rules are in infer.h).
 *
 * Two hand-written scanners, one for numbers and one for dates, decide a cell's
 * syntax in one pass without allocating.  type_infer_add(), value_types() and
 * type_convert() all go through them, so the first pass and the second pass cannot
 * disagree about a value.  Number and date syntaxes never overlap (every date has a
 * separator no number can hold), so each value belongs to at most one family. */
#include "infer.h"

#include <sqlite3.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define BIT(n)      (1u << (n))
#define TEXT_BIT    BIT(TYPE_TEXT)
#define NUMBER_BITS (BIT(TYPE_INTEGER) | BIT(TYPE_REAL))
#define DATE_BITS   (BIT(TYPE_DATE) | BIT(TYPE_DATETIME))
#define DM_FORMS    (BIT(DATE_DMY) | BIT(DATE_MDY))
#define ALL_FORMS   (BIT(DATE_ISO) | BIT(DATE_YMD) | DM_FORMS)

/* Longest real accepted, in bytes after trimming.  Longer digit runs hold more
 * precision than a double keeps, so TEXT is the lossless home for them; the bound
 * also lets conversion copy a value to the stack for strtod(), which needs a NUL. */
#define REAL_MAX_LEN 128

/* A decimal magnitude this far from zero cannot overflow or underflow a double, so
 * only values beyond it (written with an exponent) are checked with strtod(). */
#define SAFE_MAGNITUDE 300

static int is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static int is_digit(char c)
{
    return (unsigned char)(c - '0') < 10;
}

/* Narrows [*p, *end) to the value without surrounding blanks; 0 if nothing is left. */
static int trim(const char **p, const char **end)
{
    while (*p < *end && is_blank(**p))
        (*p)++;
    if (*p == *end)
        return 0;
    while (is_blank((*end)[-1]))
        (*end)--;
    return 1;
}

/* ---- numbers ---------------------------------------------------------------- */

enum number_kind { NOT_NUMBER, NUMBER_INTEGER, NUMBER_REAL };

/* Converts a real that scan_number() accepted.  The copy is needed because cells are
 * not NUL-terminated and strtod() would read on into the next field. */
static double real_value(const char *p, const char *end)
{
    /* Clinger's fast path: a decimal with at most 15 digits and no exponent is an
     * integer below 2^53 divided by an exact power of ten, and IEEE division rounds
     * that correctly — the same double strtod() gives, several times faster. */
    static const double pow10[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8,
                                   1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
    const char *q = p + (*p == '-');
    uint64_t m = 0;
    int digits = 0, frac = -1;
    for (; q < end && digits <= 15; q++) {
        if (is_digit(*q)) {
            m = m * 10 + (uint64_t)(*q - '0');
            digits++;
            frac += frac >= 0;
        } else if (*q == '.' && frac < 0) {
            frac = 0;
        } else {
            break;
        }
    }
    if (q == end && digits <= 15) {
        double d = (double)m / pow10[frac > 0 ? frac : 0];
        return *p == '-' ? -d : d;
    }
    char buf[REAL_MAX_LEN + 1];
    size_t n = (size_t)(end - p);
    memcpy(buf, p, n);
    buf[n] = '\0';
    return strtod(buf, NULL);
}

/* Decides whether the trimmed, non-empty [p, end) is an integer that fits int64
 * (its value goes to *value), a real, or neither.  An integer too big for int64 is
 * neither: it is an identifier, and TEXT keeps all of its digits where REAL would not. */
static enum number_kind scan_number(const char *p, const char *end, int64_t *value)
{
    const char *start = p;
    int negative = *p == '-';
    p += negative;

    const char *int_digits = p;
    uint64_t acc = 0;           /* exact up to 19 digits; wraps harmlessly beyond */
    while (p < end && is_digit(*p))
        acc = acc * 10 + (uint64_t)(*p++ - '0');
    size_t n_int = (size_t)(p - int_digits);
    if (n_int > 1 && *int_digits == '0')
        return NOT_NUMBER;

    if (p == end) {
        if (n_int == 0 || n_int > 19 || acc > (uint64_t)INT64_MAX + (uint64_t)negative)
            return NOT_NUMBER;
        /* -(acc - 1) - 1 reaches INT64_MIN without overflowing int64. */
        *value = !negative ? (int64_t)acc : acc == 0 ? 0 : -(int64_t)(acc - 1) - 1;
        return NUMBER_INTEGER;
    }

    /* The power of ten of the first significant digit, tracked so that only values
     * near the limits of a double need strtod() to tell whether they fit. */
    int zero = 1, magnitude = 0;
    if (n_int > 0 && *int_digits != '0') {
        zero = 0;
        magnitude = (int)n_int - 1;
    }
    size_t n_frac = 0;
    if (*p == '.') {
        const char *frac = ++p;
        while (p < end && is_digit(*p)) {
            if (zero && *p != '0') {
                zero = 0;
                magnitude = -(int)(p - frac) - 1;
            }
            p++;
        }
        n_frac = (size_t)(p - frac);
    }
    if (n_int + n_frac == 0)
        return NOT_NUMBER;

    int exponent = 0;
    if (p < end && (*p == 'e' || *p == 'E')) {
        p++;
        int exp_negative = p < end && *p == '-';
        if (p < end && (*p == '+' || *p == '-'))
            p++;
        const char *exp_digits = p;
        while (p < end && is_digit(*p)) {
            if (exponent < 100000)  /* saturate: far beyond any double already */
                exponent = exponent * 10 + (*p - '0');
            p++;
        }
        if (p == exp_digits)
            return NOT_NUMBER;
        if (exp_negative)
            exponent = -exponent;
    }
    if (p != end || end - start > REAL_MAX_LEN)
        return NOT_NUMBER;
    if (!zero && abs(magnitude + exponent) > SAFE_MAGNITUDE) {
        double d = real_value(start, end);
        if (!isfinite(d) || d == 0)     /* overflow to inf, or underflow to zero */
            return NOT_NUMBER;
    }
    return NUMBER_REAL;
}

/* ---- dates ------------------------------------------------------------------ */

/* What the date scanner learnt about one value. */
struct date_value {
    unsigned forms;         /* (1u << enum date_form) the value is valid in; 0: no date */
    unsigned sep;           /* D/M/Y-M/D/Y separator: 1 '/', 2 '-', 4 '.' */
    int has_time;
    int year;
    int part1, part2;       /* ISO, Y/M/D: month and day; else as written (D/M or M/D) */
    int hour, minute, second;   /* 24-hour clock */
};

/* Reads min..max digits at *pp into *out and advances; 0 (nothing moved) if fewer. */
static int read_digits(const char **pp, const char *end, int min, int max, int *out)
{
    const char *p = *pp;
    int v = 0, n = 0;
    while (n < max && p < end && is_digit(*p)) {
        v = v * 10 + (*p++ - '0');
        n++;
    }
    if (n < min)
        return 0;
    *pp = p;
    *out = v;
    return 1;
}

/* Consumes c at *pp if it is there. */
static int accept(const char **pp, const char *end, char c)
{
    if (*pp == end || **pp != c)
        return 0;
    (*pp)++;
    return 1;
}

static int valid_date(int year, int month, int day)
{
    static const unsigned char days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    if (year < 1 || month < 1 || month > 12 || day < 1)
        return 0;
    int leap = month == 2 && year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    return day <= days[month - 1] + leap;
}

static int set_time(struct date_value *dv, int hour, int minute, int second)
{
    if (hour > 23 || minute > 59 || second > 59)
        return 0;
    dv->has_time = 1;
    dv->hour = hour;
    dv->minute = minute;
    dv->second = second;
    return 1;
}

/* The ISO time after 'T' or ' ': HH:MM[:SS[.fraction]][Z|±HH:MM|±HHMM], to end. */
static int scan_iso_time(const char *p, const char *end, struct date_value *dv)
{
    int hour, minute, second = 0, zone_hour, zone_minute;
    if (!read_digits(&p, end, 2, 2, &hour) || !accept(&p, end, ':') ||
        !read_digits(&p, end, 2, 2, &minute))
        return 0;
    if (accept(&p, end, ':')) {
        if (!read_digits(&p, end, 2, 2, &second))
            return 0;
        if (accept(&p, end, '.')) {
            const char *fraction = p;
            while (p < end && is_digit(*p))
                p++;
            if (p == fraction)
                return 0;
        }
    }
    if (!accept(&p, end, 'Z') && !accept(&p, end, 'z') &&
        (accept(&p, end, '+') || accept(&p, end, '-'))) {
        if (!read_digits(&p, end, 2, 2, &zone_hour))
            return 0;
        accept(&p, end, ':');   /* ±HH:MM or ±HHMM */
        if (!read_digits(&p, end, 2, 2, &zone_minute) || zone_hour > 23 || zone_minute > 59)
            return 0;
    }
    return p == end && set_time(dv, hour, minute, second);
}

/* The optional time of the Y/M/D, D/M/Y and M/D/Y forms, to end:
 * " H:MM[:SS][ AM|PM]".  No fraction: the ISO text it becomes has none, and
 * dropping digits would lose data. */
static int scan_loose_time(const char *p, const char *end, struct date_value *dv)
{
    int hour, minute, second = 0;
    if (p == end)
        return 1;
    if (!accept(&p, end, ' ') || !read_digits(&p, end, 1, 2, &hour) ||
        !accept(&p, end, ':') || !read_digits(&p, end, 2, 2, &minute))
        return 0;
    if (accept(&p, end, ':') && !read_digits(&p, end, 2, 2, &second))
        return 0;
    accept(&p, end, ' ');
    if (end - p == 2 && (p[1] | 0x20) == 'm' && ((p[0] | 0x20) == 'a' || (p[0] | 0x20) == 'p')) {
        if (hour < 1 || hour > 12)
            return 0;
        hour = hour % 12 + ((p[0] | 0x20) == 'p' ? 12 : 0);
        p = end;
    }
    return p == end && set_time(dv, hour, minute, second);
}

/* Scans the trimmed, non-empty [p, end) as a date or datetime of any form; fills
 * *dv and returns dv->forms, the forms in which the value is a real date (both
 * D/M/Y and M/D/Y when its first two parts are both ≤ 12). */
static unsigned scan_date(const char *p, const char *end, struct date_value *dv)
{
    memset(dv, 0, sizeof *dv);
    const char *q = p;
    while (q < end && q - p < 5 && is_digit(*q))
        q++;
    int first;
    if (q - p == 4) {
        read_digits(&p, end, 4, 4, &dv->year);
        if (accept(&p, end, '-')) {
            if (!read_digits(&p, end, 2, 2, &dv->part1) || !accept(&p, end, '-') ||
                !read_digits(&p, end, 2, 2, &dv->part2) ||
                !valid_date(dv->year, dv->part1, dv->part2))
                return 0;
            if (p != end && !((*p == 'T' || *p == 't' || *p == ' ') &&
                              scan_iso_time(p + 1, end, dv)))
                return 0;
            return dv->forms = BIT(DATE_ISO);
        }
        if (!accept(&p, end, '/') || !read_digits(&p, end, 1, 2, &dv->part1) ||
            !accept(&p, end, '/') || !read_digits(&p, end, 1, 2, &dv->part2) ||
            !valid_date(dv->year, dv->part1, dv->part2) || !scan_loose_time(p, end, dv))
            return 0;
        return dv->forms = BIT(DATE_YMD);
    }
    if (q - p > 2 || !read_digits(&p, end, 1, 2, &first) || p == end)
        return 0;
    char sep = *p;
    dv->sep = sep == '/' ? 1 : sep == '-' ? 2 : sep == '.' ? 4 : 0;
    if (dv->sep == 0)
        return 0;
    p++;
    dv->part1 = first;
    if (!read_digits(&p, end, 1, 2, &dv->part2) || !accept(&p, end, sep) ||
        !read_digits(&p, end, 4, 4, &dv->year) || !scan_loose_time(p, end, dv))
        return 0;
    if (valid_date(dv->year, dv->part2, dv->part1))
        dv->forms |= BIT(DATE_DMY);
    if (valid_date(dv->year, dv->part1, dv->part2))
        dv->forms |= BIT(DATE_MDY);
    return dv->forms;
}

static char *put_digits(char *out, int value, int width)
{
    for (int i = width - 1; i >= 0; i--) {
        out[i] = (char)('0' + value % 10);
        value /= 10;
    }
    return out + width;
}

/* Writes dv, read in form, as "YYYY-MM-DD" or "YYYY-MM-DD HH:MM:SS" into buf (which
 * needs 19 bytes; no NUL is written) and returns the length. */
static size_t format_date(char *buf, const struct date_value *dv, enum date_form form,
                          int with_time)
{
    int month = form == DATE_DMY ? dv->part2 : dv->part1;
    int day = form == DATE_DMY ? dv->part1 : dv->part2;
    char *p = put_digits(buf, dv->year, 4);
    *p++ = '-';
    p = put_digits(p, month, 2);
    *p++ = '-';
    p = put_digits(p, day, 2);
    if (with_time) {
        *p++ = ' ';
        p = put_digits(p, dv->hour, 2);
        *p++ = ':';
        p = put_digits(p, dv->minute, 2);
        *p++ = ':';
        p = put_digits(p, dv->second, 2);
    }
    return (size_t)(p - buf);
}

/* ---- inference -------------------------------------------------------------- */

/* The types a column holding the trimmed, non-empty [p, end) could have, looking
 * only for the families in wanted (a family the column has already ruled out need
 * not be scanned: the families never overlap, so skipping it changes nothing once
 * intersected with the column's candidates).  A date-only value allows DATETIME as
 * well, because a column mixing dates and datetimes is DATETIME. */
static unsigned classify(const char *p, const char *end, unsigned wanted,
                         struct date_value *dv)
{
    if (wanted & NUMBER_BITS) {
        int64_t ignored;
        enum number_kind kind = scan_number(p, end, &ignored);
        if (kind == NUMBER_INTEGER)
            return NUMBER_BITS | TEXT_BIT;
        if (kind == NUMBER_REAL)
            return BIT(TYPE_REAL) | TEXT_BIT;
    }
    if ((wanted & DATE_BITS) && scan_date(p, end, dv))
        return (dv->has_time ? BIT(TYPE_DATETIME) : DATE_BITS) | TEXT_BIT;
    return TEXT_BIT;
}

/* Sets up t for a new column: no cells seen, every type and date form possible. */
void type_infer_init(struct type_infer *t)
{
    memset(t, 0, sizeof *t);
    t->candidates = NUMBER_BITS | DATE_BITS | TEXT_BIT;
    t->date_forms = ALL_FORMS;
}

/* Narrows t by one cell of len bytes at s (need not be NUL-terminated; not kept).
 * Called for every cell of a file, so a column already known to be TEXT costs only
 * the blank check. */
void type_infer_add(struct type_infer *t, const char *s, size_t len)
{
    const char *p = s, *end = s + len;
    if (!trim(&p, &end)) {
        t->nulls++;
        return;
    }
    t->values++;
    if (t->candidates == TEXT_BIT)
        return;

    struct date_value dv;
    unsigned types = classify(p, end, t->candidates, &dv);
    t->candidates &= types;
    if ((types & NUMBER_BITS) == BIT(TYPE_REAL)) {
        if (memchr(p, 'e', (size_t)(end - p)) || memchr(p, 'E', (size_t)(end - p)))
            t->exponent_reals++;
        else
            t->plain_reals++;
    }
    if (types & DATE_BITS) {
        t->date_forms &= dv.forms;
        if (dv.forms & DM_FORMS)
            t->date_seps |= dv.sep;
        t->has_time |= dv.has_time;
        if (t->date_forms == 0)         /* families mixed, or D/M/Y and M/D/Y both proven */
            t->candidates &= ~DATE_BITS;
    }
}

/* Picks the date form of a date column into r; 0 if the column cannot be read as
 * dates after all.  Undecided D/M/Y-M/D/Y columns go by separator; one mixing '/'
 * with '-' or '.' has no answer, and TEXT keeps it as written. */
static int resolve_form(const struct type_infer *t, struct inferred *r)
{
    if (t->date_forms == DM_FORMS) {
        if (t->date_seps != 1 && (t->date_seps & 1))
            return 0;
        r->form = t->date_seps == 1 ? DATE_MDY : DATE_DMY;
        r->ambiguous = 1;
        return 1;
    }
    for (int form = DATE_ISO; form <= DATE_MDY; form++) {
        if (t->date_forms == BIT(form)) {
            r->form = (enum date_form)form;
            return 1;
        }
    }
    return 0;
}

/* The column's type from everything t has seen.  Non-date columns report form
 * DATE_ISO and ambiguous 0. */
struct inferred type_infer_result(const struct type_infer *t)
{
    struct inferred r = { TYPE_TEXT, DATE_ISO, 0 };
    unsigned c = t->candidates;
    if (t->values == 0)
        r.type = TYPE_NULL;
    else if (c & BIT(TYPE_INTEGER))
        r.type = TYPE_INTEGER;
    else if ((c & BIT(TYPE_REAL)) && t->exponent_reals > 0 && t->plain_reals == 0 &&
             t->exponent_reals < t->values)
        r.kept_text = "integers and exponent forms: identifiers a spreadsheet rewrote";
    else if (c & BIT(TYPE_REAL))
        r.type = TYPE_REAL;
    else if ((c & DATE_BITS) && resolve_form(t, &r))
        r.type = (c & BIT(TYPE_DATE)) ? TYPE_DATE : TYPE_DATETIME;
    return r;
}

/* Whether word is one of the n words. */
static const char *word_in(const char *word, const char *const *words, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(word, words[i]) == 0)
            return words[i];
    return NULL;
}

const char *identifier_column_name(const char *name)
{
    static const char *const words[] = {
        "phone", "telephone", "tel", "mobile", "cell", "cellphone", "fax", "msisdn", "whatsapp",
        "zip", "zipcode", "postcode", "postal", "plz", "cep", "pincode",
        "account", "iban", "bic", "swift", "ssn", "nin", "passport", "vat", "ein", "tin",
        "ean", "upc", "gtin", "isbn", "barcode",
    };
    /* what may follow the word and still name the identifier: "phone_number",
     * "PostalCode", "account_no", "mobile2" */
    static const char *const suffixes[] = {"number", "no", "nr", "num", "code", "id", "e164"};
    char parts[8][32];
    int nparts = 0;
    size_t n = 0;
    for (const char *p = name;; p++) {
        int lower_to_upper = *p >= 'A' && *p <= 'Z' && p > name && p[-1] >= 'a' && p[-1] <= 'z';
        int digit_after_letter = *p >= '0' && *p <= '9' && p > name && !(p[-1] >= '0' && p[-1] <= '9');
        int ends = !*p || *p == '_' || *p == '-' || *p == ' ' || *p == '.' || lower_to_upper || digit_after_letter;
        if (ends && n > 0) {
            parts[nparts % 8][n] = '\0';
            nparts++;
            n = 0;
        }
        if (!*p)
            break;
        if (ends && !lower_to_upper && !digit_after_letter)
            continue;
        if (n < sizeof parts[0] - 1)
            parts[nparts % 8][n++] = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
    }
    int last = nparts - 1;
    while (last > 0 && nparts - last < 8 &&
           (word_in(parts[last % 8], suffixes, sizeof suffixes / sizeof suffixes[0]) ||
            (parts[last % 8][0] >= '0' && parts[last % 8][0] <= '9')))
        last--;
    return last >= 0 && nparts - last <= 8 ? word_in(parts[last % 8], words, sizeof words / sizeof words[0]) : NULL;
}

/* The declared SQL type of a column type; a static string. */
const char *col_type_name(enum col_type type)
{
    switch (type) {
    case TYPE_INTEGER:  return "INTEGER";
    case TYPE_REAL:     return "REAL";
    case TYPE_DATE:     return "DATE";
    case TYPE_DATETIME: return "DATETIME";
    case TYPE_NULL:
    case TYPE_TEXT:     break;
    }
    return "TEXT";
}

/* The name of a date form as shown to the user; a static string. */
const char *date_form_name(enum date_form form)
{
    switch (form) {
    case DATE_ISO: return "ISO";
    case DATE_YMD: return "Y/M/D";
    case DATE_DMY: return "D/M/Y";
    case DATE_MDY: return "M/D/Y";
    }
    return "ISO";
}

/* The types a column holding this one value could have (see infer.h).  An integer
 * also sets REAL and a date-only value also sets DATETIME, since such columns can
 * hold them; a D/M/Y-M/D/Y value counts as a date if either order makes it one. */
unsigned value_types(const char *s, size_t len)
{
    const char *p = s, *end = s + len;
    struct date_value dv;
    if (!trim(&p, &end))
        return BIT(TYPE_NULL);
    return classify(p, end, ~0u, &dv);
}

/* ---- conversion ------------------------------------------------------------- */

/* Fills *out with the cell of len bytes at s read as col's type.  out->text points
 * into s (the caller keeps s alive while it uses out) or into out->buf; nothing is
 * allocated.  Cells of non-TEXT columns are trimmed, and blank ones are NULL.
 * Returns -1 (out->type TYPE_NULL) if the value is not of the column's type. */
int type_convert(const struct inferred *col, const char *s, size_t len,
                 struct converted *out)
{
    out->type = TYPE_NULL;
    out->i = 0;
    out->d = 0;
    out->text = NULL;
    out->len = 0;
    if (col->type == TYPE_TEXT || col->type == TYPE_NULL) {
        if (len > 0) {
            out->type = TYPE_TEXT;
            out->text = s;
            out->len = len;
        }
        return 0;
    }

    const char *p = s, *end = s + len;
    if (!trim(&p, &end))
        return 0;
    if (col->type == TYPE_INTEGER) {
        if (scan_number(p, end, &out->i) != NUMBER_INTEGER)
            return -1;
        out->type = TYPE_INTEGER;
        return 0;
    }
    if (col->type == TYPE_REAL) {
        int64_t ignored;
        if (scan_number(p, end, &ignored) == NOT_NUMBER)
            return -1;
        out->type = TYPE_REAL;
        out->d = real_value(p, end);
        return 0;
    }

    struct date_value dv;
    int datetime = col->type == TYPE_DATETIME;
    if (!(scan_date(p, end, &dv) & BIT(col->form)) || (dv.has_time && !datetime))
        return -1;
    out->type = TYPE_TEXT;
    if (col->form == DATE_ISO && dv.has_time == datetime) {
        out->text = p;          /* ISO input is kept as written */
        out->len = (size_t)(end - p);
    } else {
        out->text = out->buf;
        out->len = format_date(out->buf, &dv, col->form, datetime);
    }
    return 0;
}

int key_column_name(const char *name)
{
    static const char *const words[] = {"id", "uuid", "guid", "key", "pk", "rowid"};
    size_t n = strlen(name);
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
        size_t w = strlen(words[i]);
        if (n < w || sqlite3_strnicmp(name + n - w, words[i], (int)w) != 0)
            continue;
        /* the whole name, or a word of it: "customer_id", "order-id", "orderId" */
        char before = n > w ? name[n - w - 1] : '_';
        int upper_start = name[n - w] >= 'A' && name[n - w] <= 'Z';
        if (n == w || before == '_' || before == '-' || before == ' ' || before == '.' ||
            (upper_start && before >= 'a' && before <= 'z'))
            return 1;
    }
    return 0;
}
