/* datenorm.c — reading written dates (the forms are listed in datenorm.h).
 *
 * Numeric forms go through one strict scanner; everything with words goes through a
 * small tokenizer (numbers and folded words, punctuation dropped) and a handful of
 * token patterns, so "March 16, 2021", "16 mars 2021" and "Tue, 16-Mar-2021" are
 * one rule each, not one parser each. */
#include "datenorm.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

static const char *const month_names[13] = {
    "", "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
    "November", "December",
};

static int is_leap(int y) { return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0); }

static int days_in_month(int y, int m)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return days[m - 1] + (m == 2 && is_leap(y));
}

/* Why y-m-d is not a date, into why; 0 when it is one. */
static int check_date(int y, int m, int d, char *why, size_t whylen)
{
    if (y < 1) {
        snprintf(why, whylen, "year %d is not a calendar year", y);
        return -1;
    }
    if (m < 1 || m > 12) {
        snprintf(why, whylen, "month %d does not exist", m);
        return -1;
    }
    if (d < 1 || d > days_in_month(y, m)) {
        snprintf(why, whylen, "not a calendar date: %s %d has %d days, not %d", month_names[m], y,
                 days_in_month(y, m), d);
        return -1;
    }
    return 0;
}

/* 0 Sunday … 6 Saturday (Sakamoto's method). */
static int weekday(int y, int m, int d)
{
    static const int t[] = {0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4};
    y -= m < 3;
    return (y + y / 4 - y / 100 + y / 400 + t[m - 1] + d) % 7;
}

static void write_iso(char *out, int y, int m, int d, int has_time, int hh, int mm, int ss)
{
    if (has_time)
        snprintf(out, 32, "%04d-%02d-%02d %02d:%02d:%02d", y, m, d, hh, mm, ss);
    else
        snprintf(out, 32, "%04d-%02d-%02d", y, m, d);
}

/* ---- numeric forms ---- */

static int digits_at(const char **pp, const char *end, int min, int max, int *out)
{
    const char *p = *pp;
    int v = 0, n = 0;
    while (p < end && n < max && isdigit((unsigned char)*p)) {
        v = v * 10 + (*p++ - '0');
        n++;
    }
    if (n < min || (p < end && isdigit((unsigned char)*p)))
        return 0;
    *pp = p;
    *out = v;
    return n;
}

/* " H:MM[:SS][ AM|PM]" to end, or nothing. */
static int loose_time(const char *p, const char *end, int *has, int *hh, int *mm, int *ss)
{
    *has = 0;
    *hh = *mm = *ss = 0;
    if (p == end)
        return 1;
    if (*p != ' ' && *p != 'T')
        return 0;
    p++;
    if (!digits_at(&p, end, 1, 2, hh) || p == end || *p++ != ':' || !digits_at(&p, end, 2, 2, mm))
        return 0;
    if (p < end && *p == ':' && (p++, !digits_at(&p, end, 2, 2, ss)))
        return 0;
    if (p < end && *p == ' ')
        p++;
    if (end - p == 2 && tolower((unsigned char)p[1]) == 'm' &&
        (tolower((unsigned char)p[0]) == 'a' || tolower((unsigned char)p[0]) == 'p')) {
        if (*hh < 1 || *hh > 12)
            return 0;
        *hh = *hh % 12 + (tolower((unsigned char)p[0]) == 'p' ? 12 : 0);
        p = end;
    }
    if (p != end || *hh > 23 || *mm > 59 || *ss > 59)
        return 0;
    *has = 1;
    return 1;
}

/* The ISO time after the date: HH:MM[:SS[.frac]][Z|±HH[:]MM], to end. */
static int iso_time(const char *p, const char *end)
{
    int hh, mm, ss = 0, zh, zm;
    if (!digits_at(&p, end, 2, 2, &hh) || p == end || *p++ != ':' || !digits_at(&p, end, 2, 2, &mm))
        return 0;
    if (p < end && *p == ':') {
        p++;
        if (!digits_at(&p, end, 2, 2, &ss))
            return 0;
        if (p < end && (*p == '.' || *p == ',')) {
            const char *f = ++p;
            while (p < end && isdigit((unsigned char)*p))
                p++;
            if (p == f)
                return 0;
        }
    }
    if (p < end && (*p == 'Z' || *p == 'z')) {
        p++;
    } else if (p < end && (*p == '+' || *p == '-')) {
        p++;
        if (!digits_at(&p, end, 2, 2, &zh))
            return 0;
        if (p < end && *p == ':')
            p++;
        if (!digits_at(&p, end, 2, 2, &zm) || zh > 23 || zm > 59)
            return 0;
    }
    return p == end && hh <= 23 && mm <= 59 && ss <= 60;
}

int iso_date_valid(const char *s, size_t len, long *ymd)
{
    const char *p = s, *end = s + len;
    int y, m, d;
    char why[8];
    if (!digits_at(&p, end, 4, 4, &y) || p == end || *p++ != '-' || !digits_at(&p, end, 2, 2, &m) ||
        p == end || *p++ != '-' || !digits_at(&p, end, 2, 2, &d) || check_date(y, m, d, why, sizeof why))
        return 0;
    if (p != end && !((*p == 'T' || *p == 't' || *p == ' ') && iso_time(p + 1, end)))
        return 0;
    if (ymd)
        *ymd = (long)y * 10000 + m * 100 + d;
    return 1;
}

/* What the numeric scanner found. */
enum numeric_kind { NUM_NONE, NUM_ISO_KEEP, NUM_YMD, NUM_DM, NUM_SHORT_YEAR };

struct numeric_date {
    enum numeric_kind kind;
    int year, p1, p2;       /* YMD: p1 month, p2 day; DM: as written */
    int sep;                /* DM: 0 '/', 1 '-', 2 '.' */
    int has_time, hh, mm, ss;
};

static int sep_index(char c) { return c == '/' ? 0 : c == '-' ? 1 : c == '.' ? 2 : -1; }

static enum numeric_kind scan_numeric(const char *p, const char *end, struct numeric_date *nd)
{
    memset(nd, 0, sizeof *nd);
    int a;
    int n = digits_at(&p, end, 1, 8, &a);
    if (!n)
        return nd->kind = NUM_NONE;
    if (n == 8 && p == end) {        /* 20210317 */
        nd->year = a / 10000;
        nd->p1 = a / 100 % 100;
        nd->p2 = a % 100;
        return nd->kind = nd->year >= 1000 ? NUM_YMD : NUM_NONE;
    }
    if (p == end || sep_index(*p) < 0 || n > 4 || n == 3)
        return nd->kind = NUM_NONE;
    char sep = *p++;
    if (n == 4) {               /* year first */
        nd->year = a;
        int m2, d2;
        int nm = digits_at(&p, end, 1, 2, &nd->p1);
        if (!nm || p == end || *p++ != sep || !(d2 = digits_at(&p, end, 1, 2, &nd->p2)))
            return nd->kind = NUM_NONE;
        m2 = nm;
        if (sep == '-' && m2 == 2 && d2 == 2 && (p == end || ((*p == 'T' || *p == 't' || *p == ' ') &&
                                                               iso_time(p + 1, end))))
            return nd->kind = NUM_ISO_KEEP;
        if (!loose_time(p, end, &nd->has_time, &nd->hh, &nd->mm, &nd->ss))
            return nd->kind = NUM_NONE;
        return nd->kind = NUM_YMD;
    }
    nd->p1 = a;
    nd->sep = sep_index(sep);
    if (!digits_at(&p, end, 1, 2, &nd->p2) || p == end || *p++ != sep)
        return nd->kind = NUM_NONE;
    int ny = digits_at(&p, end, 2, 4, &nd->year);
    if (!ny || ny == 3 || !loose_time(p, end, &nd->has_time, &nd->hh, &nd->mm, &nd->ss))
        return nd->kind = NUM_NONE;
    return nd->kind = ny == 2 ? NUM_SHORT_YEAR : NUM_DM;
}

static void trim(const char **p, const char **end)
{
    while (*p < *end && isspace((unsigned char)**p))
        (*p)++;
    while (*end > *p && isspace((unsigned char)(*end)[-1]))
        (*end)--;
}

/* The year from pivot to pivot + 99 that ends in the two digits yy. */
static int full_year(const struct date_orders *o, int yy)
{
    int y = o->pivot / 100 * 100 + yy;
    return y < o->pivot ? y + 100 : y;
}

void date_orders_init(struct date_orders *o, char forced)
{
    memset(o, 0, sizeof *o);
    for (int i = 0; i < 3; i++)
        o->order[i] = forced;
}

void date_orders_vote(struct date_orders *o, const char *s, size_t len)
{
    const char *p = s, *end = s + len;
    trim(&p, &end);
    struct numeric_date nd;
    enum numeric_kind kind = scan_numeric(p, end, &nd);
    if (kind != NUM_DM && kind != NUM_SHORT_YEAR)
        return;
    o->values[nd.sep]++;
    /* a value proves an order only when it is a calendar date read that way and
     * not the other: 31/02/2021 is no date either way and proves nothing.  With
     * its century unknown, a two-digit year is taken as a leap year, so that
     * 29/02 is never called impossible on a guess. */
    int year = kind == NUM_DM ? nd.year : o->pivot ? full_year(o, nd.year) : 2000;
    char why[8];
    int dmy_ok = check_date(year, nd.p2, nd.p1, why, sizeof why) == 0;
    int mdy_ok = check_date(year, nd.p1, nd.p2, why, sizeof why) == 0;
    if (dmy_ok && !mdy_ok)
        o->proof[nd.sep] |= 1;
    if (mdy_ok && !dmy_ok)
        o->proof[nd.sep] |= 2;
}

void date_orders_settle(struct date_orders *o)
{
    for (int i = 0; i < 3; i++) {
        if (o->order[i] == 'D' || o->order[i] == 'M')
            continue;
        static const char defaults[3] = {'M', 'D', 'D'};
        o->by_default[i] = o->proof[i] == 0 && o->values[i] > 0;
        o->order[i] = o->proof[i] == 1 ? 'D' : o->proof[i] == 2 ? 'M' : o->proof[i] == 3 ? '?' : defaults[i];
    }
}

static int day_month(const struct date_orders *o, const struct numeric_date *nd, char *out, char *why,
                     size_t whylen)
{
    static const char seps[3] = {'/', '-', '.'};
    char order = o->order[nd->sep];
    int dmy_ok = check_date(nd->year, nd->p2, nd->p1, why, whylen) == 0;
    int mdy_ok = check_date(nd->year, nd->p1, nd->p2, why, whylen) == 0;
    int month, day;
    if (order == '?') {
        if (dmy_ok && mdy_ok && nd->p1 != nd->p2) {
            snprintf(why, whylen, "ambiguous: the column has both day-first and month-first dates with '%c'; "
                                  "give date:DMY or date:MDY", seps[nd->sep]);
            return -1;
        }
        if (!dmy_ok && !mdy_ok) {
            snprintf(why, whylen, "not a calendar date in either day/month order");
            return -1;
        }
        order = dmy_ok ? 'D' : 'M';
    }
    if (order == 'D') {
        day = nd->p1;
        month = nd->p2;
    } else {
        month = nd->p1;
        day = nd->p2;
    }
    if (check_date(nd->year, month, day, why, whylen)) {
        size_t n = strlen(why);
        snprintf(why + n, whylen - n, " (read %s)", order == 'D' ? "day first, D/M/Y" : "month first, M/D/Y");
        return -1;
    }
    write_iso(out, nd->year, month, day, nd->has_time, nd->hh, nd->mm, nd->ss);
    return 0;
}

/* ---- forms with words ---- */

struct word_entry {
    const char *word;
    int value;
};

static const struct word_entry months[] = {
    {"january", 1}, {"jan", 1}, {"february", 2}, {"feb", 2}, {"march", 3}, {"mar", 3}, {"april", 4},
    {"apr", 4}, {"may", 5}, {"june", 6}, {"jun", 6}, {"july", 7}, {"jul", 7}, {"august", 8}, {"aug", 8},
    {"september", 9}, {"sep", 9}, {"sept", 9}, {"october", 10}, {"oct", 10}, {"november", 11}, {"nov", 11},
    {"december", 12}, {"dec", 12},
    /* French */
    {"janvier", 1}, {"janv", 1}, {"fevrier", 2}, {"fevr", 2}, {"fev", 2}, {"mars", 3}, {"avril", 4},
    {"avr", 4}, {"mai", 5}, {"juin", 6}, {"juillet", 7}, {"juil", 7}, {"aout", 8}, {"septembre", 9},
    {"octobre", 10}, {"novembre", 11}, {"decembre", 12},
    /* German */
    {"januar", 1}, {"janner", 1}, {"februar", 2}, {"marz", 3}, {"mrz", 3}, {"juni", 6}, {"juli", 7},
    {"oktober", 10}, {"okt", 10}, {"dezember", 12}, {"dez", 12},
    /* Spanish */
    {"enero", 1}, {"ene", 1}, {"febrero", 2}, {"marzo", 3}, {"abril", 4}, {"abr", 4}, {"mayo", 5},
    {"junio", 6}, {"julio", 7}, {"agosto", 8}, {"ago", 8}, {"septiembre", 9}, {"setiembre", 9},
    {"octubre", 10}, {"noviembre", 11}, {"diciembre", 12}, {"dic", 12},
    /* Italian */
    {"gennaio", 1}, {"gen", 1}, {"febbraio", 2}, {"aprile", 4}, {"maggio", 5}, {"mag", 5}, {"giugno", 6},
    {"giu", 6}, {"luglio", 7}, {"lug", 7}, {"settembre", 9}, {"set", 9}, {"ottobre", 10}, {"ott", 10},
    {"dicembre", 12},
    /* Dutch */
    {"januari", 1}, {"februari", 2}, {"maart", 3}, {"mrt", 3}, {"mei", 5}, {"augustus", 8},
};

static const struct word_entry weekdays[] = {
    {"sunday", 0}, {"sun", 0}, {"monday", 1}, {"mon", 1}, {"tuesday", 2}, {"tue", 2}, {"tues", 2},
    {"wednesday", 3}, {"wed", 3}, {"thursday", 4}, {"thu", 4}, {"thur", 4}, {"thurs", 4}, {"friday", 5},
    {"fri", 5}, {"saturday", 6}, {"sat", 6},
    {"dimanche", 0}, {"lundi", 1}, {"mardi", 2}, {"mercredi", 3}, {"jeudi", 4}, {"vendredi", 5}, {"samedi", 6},
    {"sonntag", 0}, {"montag", 1}, {"dienstag", 2}, {"mittwoch", 3}, {"donnerstag", 4}, {"freitag", 5},
    {"samstag", 6}, {"sonnabend", 6},
    {"domingo", 0}, {"lunes", 1}, {"martes", 2}, {"miercoles", 3}, {"jueves", 4}, {"viernes", 5}, {"sabado", 6},
    {"domenica", 0}, {"lunedi", 1}, {"martedi", 2}, {"mercoledi", 3}, {"giovedi", 4}, {"venerdi", 5},
    {"sabato", 6},
    {"zondag", 0}, {"maandag", 1}, {"dinsdag", 2}, {"woensdag", 3}, {"donderdag", 4}, {"vrijdag", 5},
    {"zaterdag", 6},
};

static const char *const weekday_names[7] = {"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday",
                                             "Friday", "Saturday"};

/* Words that carry nothing: ordinal suffixes after a day, and "of", "de", "le". */
static const char *const filler[] = {"st", "nd", "rd", "th", "er", "e", "eme", "o", "a", "de", "del", "of",
                                     "the", "le", "den"};

static int lookup(const struct word_entry *table, size_t n, const char *w)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(table[i].word, w) == 0)
            return table[i].value;
    return -1;
}

enum { MAX_TOKENS = 8 };

struct token {
    int is_num;
    int value, ndigits;     /* numbers */
    char word[32];          /* folded words; 年 月 日 as themselves */
};

/* Splits into numbers and folded words; punctuation and blanks separate. */
static int tokenize_date(const char *p, const char *end, struct token *t, int max)
{
    int n = 0;
    while (p < end) {
        unsigned char ch = (unsigned char)*p;
        if (isdigit(ch)) {
            if (n == max)
                return -1;
            int v = 0, nd = 0;
            while (p < end && isdigit((unsigned char)*p)) {
                if (nd < 9)
                    v = v * 10 + (*p - '0');
                nd++;
                p++;
            }
            t[n].is_num = 1;
            t[n].value = v;
            t[n].ndigits = nd;
            n++;
        } else if (isalpha(ch) || ch >= 0x80) {
            const char *w = p;
            while (p < end && (isalpha((unsigned char)*p) || (unsigned char)*p >= 0x80)) {
                /* 年 月 日 end a word of their own (E5 B9 B4, E6 9C 88, E6 97 A5) */
                if (p > w && (unsigned char)*p >= 0xE5 && (unsigned char)*p <= 0xE6)
                    break;
                p++;
                if ((unsigned char)w[0] >= 0xE5 && (unsigned char)w[0] <= 0xE6 && p - w == 3)
                    break;
            }
            if (n == max)
                return -1;
            utf8proc_uint8_t *folded = NULL;
            utf8proc_ssize_t len = utf8proc_map((const utf8proc_uint8_t *)w, p - w, &folded,
                                                UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT |
                                                    UTF8PROC_CASEFOLD | UTF8PROC_STRIPMARK);
            if (len < 0 || (size_t)len >= sizeof t[n].word) {
                free(folded);
                return -1;
            }
            memcpy(t[n].word, folded, (size_t)len);
            t[n].word[len] = '\0';
            free(folded);
            t[n].is_num = 0;
            int is_filler = 0;
            for (size_t i = 0; i < sizeof filler / sizeof filler[0]; i++)
                is_filler |= strcmp(t[n].word, filler[i]) == 0;
            if (!is_filler)
                n++;
        } else if (strchr(" \t,./-'", ch)) {
            p++;
        } else {
            return -1;
        }
    }
    return n;
}

static int is_word(const struct token *t, const char *w) { return !t->is_num && strcmp(t->word, w) == 0; }

static int month_of(const struct token *t)
{
    return t->is_num ? -1 : lookup(months, sizeof months / sizeof months[0], t->word);
}

static int words_date(const struct date_orders *o, const char *p, const char *end, char *out, char *why,
                      size_t whylen)
{
    struct token t[MAX_TOKENS];
    int n = tokenize_date(p, end, t, MAX_TOKENS);
    if (n < 0) {
        snprintf(why, whylen, "not a date in a form normalize reads");
        return -1;
    }
    int wd = -1, i = 0;
    if (n > 0 && !t[0].is_num && (wd = lookup(weekdays, sizeof weekdays / sizeof weekdays[0], t[0].word)) >= 0)
        i = 1;
    const struct token *a = &t[i], *b = &t[i + 1], *c = &t[i + 2];
    int y = -1, m = -1, d = -1, ydigits = 0;
    if (n - i == 6 && a->is_num && is_word(b, "年") && c->is_num && is_word(&t[i + 3], "月") && t[i + 4].is_num &&
        is_word(&t[i + 5], "日")) {
        y = a->value, ydigits = a->ndigits, m = c->value, d = t[i + 4].value;
    } else if (n - i == 3) {
        if (month_of(a) > 0 && b->is_num && c->is_num && b->ndigits <= 2)
            m = month_of(a), d = b->value, y = c->value, ydigits = c->ndigits;
        else if (a->is_num && a->ndigits <= 2 && month_of(b) > 0 && c->is_num)
            d = a->value, m = month_of(b), y = c->value, ydigits = c->ndigits;
        else if (a->is_num && a->ndigits == 4 && month_of(b) > 0 && c->is_num && c->ndigits <= 2)
            y = a->value, ydigits = 4, m = month_of(b), d = c->value;
    } else if (n - i == 2 && ((month_of(a) > 0 && b->is_num) || (a->is_num && month_of(b) > 0))) {
        snprintf(why, whylen, "a month without a day");
        return -1;
    }
    if (y < 0) {
        snprintf(why, whylen, "not a date in a form normalize reads");
        return -1;
    }
    if (ydigits == 2 && o->pivot) {
        y = full_year(o, y);
    } else if (ydigits != 4) {
        snprintf(why, whylen, "the year has %d digits: the century is unknown%s", ydigits,
                 ydigits == 2 ? " (date:pivot=1950 reads 00-99 as 1950-2049)" : "");
        return -1;
    }
    if (check_date(y, m, d, why, whylen))
        return -1;
    if (wd >= 0 && weekday(y, m, d) != wd) {
        snprintf(why, whylen, "%04d-%02d-%02d is a %s, not a %s", y, m, d, weekday_names[weekday(y, m, d)],
                 weekday_names[wd]);
        return -1;
    }
    write_iso(out, y, m, d, 0, 0, 0, 0);
    return 0;
}

int date_to_iso(const struct date_orders *o, const char *s, size_t len, char *out, char *why, size_t whylen)
{
    const char *p = s, *end = s + len;
    trim(&p, &end);
    why[0] = '\0';
    struct numeric_date nd;
    switch (scan_numeric(p, end, &nd)) {
    case NUM_ISO_KEEP:
        if (check_date(nd.year, nd.p1, nd.p2, why, whylen))
            return -1;
        snprintf(out, 32, "%.*s", (int)(end - p), p);
        return 0;
    case NUM_YMD:
        if (check_date(nd.year, nd.p1, nd.p2, why, whylen))
            return -1;
        write_iso(out, nd.year, nd.p1, nd.p2, nd.has_time, nd.hh, nd.mm, nd.ss);
        return 0;
    case NUM_DM:
        return day_month(o, &nd, out, why, whylen);
    case NUM_SHORT_YEAR:
        if (!o->pivot) {
            snprintf(why, whylen, "two-digit year: the century is unknown (date:pivot=1950 reads 00-99 as "
                                  "1950-2049)");
            return -1;
        }
        nd.year = full_year(o, nd.year);
        return day_month(o, &nd, out, why, whylen);
    case NUM_NONE:
        break;
    }
    const char *q = p;
    while (q < end && isdigit((unsigned char)*q))
        q++;
    if (p < end && q == end) {
        snprintf(why, whylen, "a number, not a date (date:excel or date:epoch read numbers as dates)");
        return -1;
    }
    return words_date(o, p, end, out, why, whylen);
}

/* ---- dates written as numbers ---- */

/* Year, month and day of the day z days after 1970-01-01 (Hinnant's
 * civil_from_days, exact over the proleptic Gregorian calendar). */
static void civil_from_days(long long z, int *y, int *m, int *d)
{
    z += 719468;
    long long era = (z >= 0 ? z : z - 146096) / 146097;
    long long doe = z - era * 146097;
    long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long long mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

/* Reads [p, end) as a decimal number: digits with an optional sign and fraction. */
static int plain_number(const char *p, const char *end, int sign_ok, double *out)
{
    char buf[40];
    size_t n = (size_t)(end - p);
    if (n == 0 || n >= sizeof buf)
        return 0;
    int digits = 0, dots = 0;
    for (size_t i = 0; i < n; i++) {
        char ch = p[i];
        if (isdigit((unsigned char)ch))
            digits++;
        else if (ch == '.')
            dots++;
        else if (!(ch == '-' && i == 0 && sign_ok))
            return 0;
    }
    if (!digits || dots > 1)
        return 0;
    memcpy(buf, p, n);
    buf[n] = '\0';
    *out = strtod(buf, NULL);
    return 1;
}

/* day (days since 1970-01-01) and the seconds into it (0 .. 86399) as ISO text,
 * with milliseconds when millis > 0. */
static void write_instant(char *out, long long day, long long seconds, int millis, int has_time)
{
    int y, m, d;
    civil_from_days(day, &y, &m, &d);
    unsigned sec = (unsigned)seconds % 86400u;
    write_iso(out, y, m, d, has_time, (int)(sec / 3600u), (int)(sec / 60u % 60u), (int)(sec % 60u));
    if (millis > 0)
        snprintf(out + strlen(out), 8, ".%03u", (unsigned)millis % 1000u);
}

int date_from_number(char system, const char *s, size_t len, char *out, char *why, size_t whylen)
{
    const char *p = s, *end = s + len;
    trim(&p, &end);
    double v;
    if (!plain_number(p, end, system == DATE_EPOCH, &v)) {
        snprintf(why, whylen, "not a number");
        return -1;
    }
    if (system == DATE_EPOCH) {
        /* milliseconds from 1e11 on: as seconds that would be after the year 5000 */
        int ms = fabs(v) >= 1e11;
        double seconds = ms ? floor(v / 1000) : floor(v);
        if (fabs(seconds) > 253402300799.0) {
            snprintf(why, whylen, "beyond the year 9999 as Unix time");
            return -1;
        }
        long long t = (long long)seconds;
        long long day = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
        int millis = ms ? (int)(v - seconds * 1000) : -1;
        if (!ms && v != seconds) {
            snprintf(why, whylen, "Unix seconds are whole numbers");
            return -1;
        }
        write_instant(out, day, t - day * 86400, millis, 1);
        return 0;
    }
    /* Excel: whole days since 1899-12-31 (1900 system, which also counts the 29
     * February 1900 that Lotus 1-2-3 invented) or 1904-01-01, a fraction for the time */
    double whole = floor(v);
    if (v < (system == DATE_EXCEL1904 ? 0 : 1) || v >= 2958466) {
        snprintf(why, whylen, "not an Excel date serial (1 = 1900-01-01 ... 2958465 = 9999-12-31)");
        return -1;
    }
    if (system == DATE_EXCEL1900 && whole == 60) {
        snprintf(why, whylen, "serial 60 is 29 February 1900, a day that did not exist (Excel's leap-year bug)");
        return -1;
    }
    long long day = (long long)whole - (system == DATE_EXCEL1904 ? 24107 : whole < 60 ? 25568 : 25569);
    long long seconds = llround((v - whole) * 86400);
    if (seconds == 86400) {
        day++;
        seconds = 0;
    }
    write_instant(out, day, seconds, 0, v != whole);
    return 0;
}
