/* normalize.c — the kinds of `normalize` on single values (the rules are in
 * normalize.h). */
#include "normalize.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "country.h"
#include "email.h"
#include "phone.h"
#include "strbuf.h"

static const char *const kind_names[] = {
    [NORM_TRIM] = "trim", [NORM_LOWER] = "lower", [NORM_UPPER] = "upper", [NORM_TITLE] = "title",
    [NORM_UNICODE] = "unicode", [NORM_EMAIL] = "email", [NORM_PHONE] = "phone", [NORM_DATE] = "date",
    [NORM_COUNTRY] = "country", [NORM_POSTCODE] = "postcode",
};
enum { N_KINDS = sizeof kind_names / sizeof kind_names[0] };

const char *norm_kind_list(void)
{
    return "trim, lower, upper, title, unicode, email, phone[:CC|:COL], date[:DMY|:MDY][:pivot=YYYY], "
           "date:excel|excel1904|epoch, country, postcode:CC|:COL";
}

/* A country given as ARG: a column of the table, or a country the table knows that
 * has what the kind needs. */
static int parse_country_arg(const char *kind, const char *arg, struct norm_spec *spec,
                             int (*is_column)(void *, const char *), void *cbarg, char *err, size_t errlen)
{
    if (is_column && is_column(cbarg, arg)) {
        spec->country_column = xstrdup(arg);
        return 0;
    }
    const char *iso = country_code(arg, strlen(arg));
    int phone = spec->kind == NORM_PHONE;
    if (iso && (phone ? phone_region_known(iso) : postcode_has_format(iso))) {
        memcpy(spec->country, iso, 3);
        return 0;
    }
    if (iso && phone)
        snprintf(err, errlen, "phone:%s: libphonenumber has no numbering plan for %s", arg, iso);
    else if (iso)
        snprintf(err, errlen, "postcode:%s: no postcode format for %s yet; known: %s", arg, iso,
                 postcode_format_list());
    else
        snprintf(err, errlen, "%s:%s: neither a country code nor a column of the table; e.g. %s:US, or %s:country "
                              "for each row's country", kind, arg, kind, kind);
    return -1;
}

/* date's options, ':'-separated: DMY or MDY, pivot=YYYY, or one of the number
 * systems excel (excel1900), excel1904, epoch. */
static int parse_date_options(const char *karg, struct norm_spec *spec, char *err, size_t errlen)
{
    static const struct { const char *name; char order, number; } words[] = {
        {"DMY", 'D', 0}, {"D/M/Y", 'D', 0}, {"MDY", 'M', 0}, {"M/D/Y", 'M', 0},
        {"excel", 0, DATE_EXCEL1900}, {"excel1900", 0, DATE_EXCEL1900}, {"excel1904", 0, DATE_EXCEL1904},
        {"epoch", 0, DATE_EPOCH},
    };
    for (const char *p = karg; *p;) {
        size_t n = strcspn(p, ":");
        int known = 0;
        for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
            if (strlen(words[i].name) == n && strncasecmp(words[i].name, p, n) == 0) {
                known = 1;
                if (words[i].order)
                    spec->date_order = words[i].order;
                if (words[i].number)
                    spec->date_number = words[i].number;
            }
        if (!known && n > 6 && strncasecmp(p, "pivot=", 6) == 0) {
            char *endp;
            long y = strtol(p + 6, &endp, 10);
            known = endp == p + n && y >= 1000 && y <= 9899;
            spec->date_pivot = (int)y;
            if (!known) {
                snprintf(err, errlen, "date:%.*s: the pivot is a four-digit year (pivot=1950 reads 00-99 as "
                                      "1950-2049)", (int)n, p);
                return -1;
            }
        }
        if (!known) {
            snprintf(err, errlen, "date:%.*s: expected DMY (day first), MDY (month first), pivot=YYYY (two-digit "
                                  "years), excel, excel1904 or epoch", (int)n, p);
            return -1;
        }
        p += n + (p[n] == ':');
    }
    if (spec->date_number && (spec->date_order || spec->date_pivot)) {
        snprintf(err, errlen, "date:%s: excel and epoch read numbers, which have no day/month order or "
                              "two-digit years", karg);
        return -1;
    }
    return 0;
}

int norm_spec_parse(const char *text, struct norm_spec *spec, int (*is_column)(void *, const char *), void *arg,
                    char *err, size_t errlen)
{
    memset(spec, 0, sizeof *spec);
    const char *colon = strchr(text, ':');
    size_t klen = colon ? (size_t)(colon - text) : strlen(text);
    const char *karg = colon ? colon + 1 : NULL;
    int kind = -1;
    for (int i = 0; i < N_KINDS; i++)
        if (strlen(kind_names[i]) == klen && strncmp(kind_names[i], text, klen) == 0)
            kind = i;
    if (kind < 0) {
        snprintf(err, errlen, "unknown kind '%.*s'; kinds: %s", (int)klen, text, norm_kind_list());
        return -1;
    }
    spec->kind = (enum norm_kind)kind;
    if (karg && !*karg) {
        snprintf(err, errlen, "%s: nothing after ':'", kind_names[kind]);
        return -1;
    }
    switch (spec->kind) {
    case NORM_PHONE:
        return karg ? parse_country_arg("phone", karg, spec, is_column, arg, err, errlen) : 0;
    case NORM_POSTCODE:
        if (!karg) {
            snprintf(err, errlen, "postcode needs a country: postcode:GB, or postcode:COL with a column of countries");
            return -1;
        }
        return parse_country_arg("postcode", karg, spec, is_column, arg, err, errlen);
    case NORM_DATE:
        return karg ? parse_date_options(karg, spec, err, errlen) : 0;
    default:
        if (karg) {
            snprintf(err, errlen, "%s takes no argument (got '%s')", kind_names[kind], karg);
            return -1;
        }
        return 0;
    }
}

void norm_spec_free(struct norm_spec *spec)
{
    free(spec->country_column);
    spec->country_column = NULL;
}

/* ---- text kinds ---- */

static int is_space_cp(utf8proc_int32_t cp)
{
    return cp == '\t' || cp == '\n' || cp == '\v' || cp == '\f' || cp == '\r' || cp == 0x85 || cp == 0xFEFF ||
           cp == 0x200B || utf8proc_category(cp) == UTF8PROC_CATEGORY_ZS;
}

/* Decodes the character at s; invalid bytes give -1 and length 1. */
static size_t next_cp(const char *s, size_t len, utf8proc_int32_t *cp)
{
    utf8proc_ssize_t n = utf8proc_iterate((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)len, cp);
    if (n <= 0) {
        *cp = -1;
        return 1;
    }
    return (size_t)n;
}

static void put_cp(struct strbuf *b, utf8proc_int32_t cp)
{
    utf8proc_uint8_t buf[4];
    utf8proc_ssize_t n = utf8proc_encode_char(cp, buf);
    strbuf_append(b, (const char *)buf, (size_t)n);
}

static int valid_utf8(const char *s, size_t len)
{
    for (size_t i = 0; i < len;) {
        utf8proc_int32_t cp;
        i += next_cp(s + i, len - i, &cp);
        if (cp < 0)
            return 0;
    }
    return 1;
}

void trim_blanks(const char **s, size_t *len)
{
    const char *p = *s, *end = *s + *len;
    while (p < end) {
        utf8proc_int32_t cp;
        size_t n = next_cp(p, (size_t)(end - p), &cp);
        if (cp < 0 || !is_space_cp(cp))
            break;
        p += n;
    }
    /* from the end: find the last non-blank character by walking forward */
    const char *last_end = p;
    for (const char *q = p; q < end;) {
        utf8proc_int32_t cp;
        size_t n = next_cp(q, (size_t)(end - q), &cp);
        q += n;
        if (cp < 0 || !is_space_cp(cp))
            last_end = q;
    }
    *s = p;
    *len = (size_t)(last_end - p);
}

static void map_case(const char *s, size_t len, struct strbuf *out, int upper)
{
    for (size_t i = 0; i < len;) {
        utf8proc_int32_t cp;
        i += next_cp(s + i, len - i, &cp);
        put_cp(out, upper ? utf8proc_toupper(cp) : utf8proc_tolower(cp));
    }
}

/* ---- title case for names ---- */

static const char *const particles[] = {"van", "von", "der", "den", "de", "del", "della", "di", "da", "du", "des",
                                        "la", "le", "dos", "das", "do", "y", "e", "zu", "ter", "ten", "bin",
                                        "ibn", "al"};
static const char *const numerals[] = {"ii", "iii", "iv", "vi", "vii", "viii", "ix"};

static int in_list(const char *const *list, size_t n, const char *w)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(list[i], w) == 0)
            return 1;
    return 0;
}

static int is_upper_cp(utf8proc_int32_t cp)
{
    int c = utf8proc_category(cp);
    return c == UTF8PROC_CATEGORY_LU || c == UTF8PROC_CATEGORY_LT;
}

static int is_lower_cp(utf8proc_int32_t cp) { return utf8proc_category(cp) == UTF8PROC_CATEGORY_LL; }

static int is_apostrophe(utf8proc_int32_t cp) { return cp == '\'' || cp == 0x2019; }

/* A word written in a name's mixed case, to keep as written. */
static int mixed_case_name(const char *w, size_t len)
{
    utf8proc_int32_t cp;
    size_t i = next_cp(w, len, &cp);
    if (!is_upper_cp(cp))
        return 0;
    int lower = 0, run = 1;
    while (i < len) {
        i += next_cp(w + i, len - i, &cp);
        if (is_lower_cp(cp)) {
            lower = 1;
            run = 0;
        } else if (is_upper_cp(cp) && ++run >= 3) {
            return 0;
        } else if (!is_upper_cp(cp)) {
            run = 0;
        }
    }
    return lower;
}

/* Capital first, lower case after, restarting after a hyphen, after "X'" and after
 * "Mc". */
static void recase_word(const char *w, size_t len, struct strbuf *out)
{
    int start = 1;              /* the next letter starts a part */
    size_t part_letters = 0;    /* letters in the current part so far */
    utf8proc_int32_t prev[2] = {0, 0};
    for (size_t i = 0; i < len;) {
        utf8proc_int32_t cp;
        i += next_cp(w + i, len - i, &cp);
        if (cp == '-') {
            put_cp(out, cp);
            start = 1;
            part_letters = 0;
            continue;
        }
        if (is_apostrophe(cp)) {
            put_cp(out, cp);
            start = part_letters == 1;  /* O'Neil, D'Angelo; not "Jones's" */
            continue;
        }
        int mc = part_letters == 2 && utf8proc_tolower(prev[0]) == 'm' && utf8proc_tolower(prev[1]) == 'c' &&
                 i < len;
        if (start || mc) {
            put_cp(out, utf8proc_totitle(cp));
            start = 0;
        } else {
            put_cp(out, utf8proc_tolower(cp));
        }
        if (part_letters < 2)
            prev[part_letters] = cp;
        part_letters++;
    }
}

/* Calls fn for each blank-separated word of [s, s+len). */
static void each_word(const char *s, size_t len, void (*fn)(void *arg, const char *w, size_t wlen), void *arg)
{
    const char *p = s, *end = s + len;
    while (p < end) {
        utf8proc_int32_t cp;
        size_t n = next_cp(p, (size_t)(end - p), &cp);
        if (cp >= 0 && is_space_cp(cp)) {
            p += n;
            continue;
        }
        const char *w = p;
        while (p < end) {
            n = next_cp(p, (size_t)(end - p), &cp);
            if (cp >= 0 && is_space_cp(cp))
                break;
            p += n;
        }
        fn(arg, w, (size_t)(p - w));
    }
}

static void note_mixed(void *arg, const char *w, size_t wlen) { *(int *)arg |= mixed_case_name(w, wlen); }

struct title_state {
    struct strbuf *out, lower;
    int first, cased_value;
};

static void title_word(void *arg, const char *w, size_t wlen)
{
    struct title_state *st = arg;
    if (!st->first)
        strbuf_putc(st->out, ' ');
    strbuf_reset(&st->lower);
    map_case(w, wlen, &st->lower, 0);
    const char *lw = strbuf_str(&st->lower);
    int particle = in_list(particles, sizeof particles / sizeof particles[0], lw);
    /* a lower-case particle the writer chose, in a value written in mixed case, stays */
    int kept_particle = particle && st->cased_value && st->lower.len == wlen && memcmp(lw, w, wlen) == 0;
    if (mixed_case_name(w, wlen))
        strbuf_append(st->out, w, wlen);
    else if (particle && (!st->first || kept_particle))
        strbuf_puts(st->out, lw);
    else if (!st->first && in_list(numerals, sizeof numerals / sizeof numerals[0], lw))
        map_case(w, wlen, st->out, 1);
    else
        recase_word(w, wlen, st->out);
    st->first = 0;
}

void name_title_case(const char *s, size_t len, struct strbuf *out)
{
    struct title_state st = {.out = out, .first = 1};
    each_word(s, len, note_mixed, &st.cased_value);
    each_word(s, len, title_word, &st);
    strbuf_free(&st.lower);
}

/* ---- one value ---- */

enum norm_outcome norm_value(const struct norm_spec *spec, const char *row_country,
                             const struct date_orders *orders, const char *s, size_t len,
                             struct strbuf *out, char *why, size_t whylen, int *phone_type)
{
    strbuf_reset(out);
    why[0] = '\0';
    if (!valid_utf8(s, len)) {
        snprintf(why, whylen, "not valid UTF-8");
        return NORM_BAD;
    }
    const char *t = s;
    size_t tlen = len;
    trim_blanks(&t, &tlen);
    int trims = spec->kind != NORM_LOWER && spec->kind != NORM_UPPER && spec->kind != NORM_UNICODE;
    if (trims && tlen == 0)
        return NORM_TO_NULL;
    char buf[64];
    const char *country = row_country ? row_country : spec->country[0] ? spec->country : NULL;
    switch (spec->kind) {
    case NORM_TRIM:
        strbuf_append(out, t, tlen);
        break;
    case NORM_LOWER:
    case NORM_UPPER:
        map_case(s, len, out, spec->kind == NORM_UPPER);
        break;
    case NORM_UNICODE: {
        utf8proc_uint8_t *nfkc = NULL;
        utf8proc_ssize_t n = utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)len, &nfkc,
                                          UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT);
        if (n < 0) {
            snprintf(why, whylen, "%s", utf8proc_errmsg(n));
            return NORM_BAD;
        }
        strbuf_append(out, (const char *)nfkc, (size_t)n);
        free(nfkc);
        break;
    }
    case NORM_TITLE:
        name_title_case(t, tlen, out);
        break;
    case NORM_EMAIL:
        if (email_normalize(t, tlen, out, why, whylen))
            return NORM_BAD;
        break;
    case NORM_PHONE: {
        struct phone_number n;
        if (phone_read(t, tlen, country, &n, why, whylen)) {
            if (!country && spec->country_column && strncmp(why, "a national number", 17) == 0)
                snprintf(why, whylen, "a national number, and the row's %s is not a country",
                         spec->country_column);
            return NORM_BAD;
        }
        if (phone_type)
            *phone_type = (int)n.type;
        phone_clean_form(&n, buf, sizeof buf);
        strbuf_puts(out, buf);
        break;
    }
    case NORM_DATE:
        if (spec->date_number && iso_date_valid(t, tlen, NULL))
            snprintf(buf, sizeof buf, "%.*s", (int)tlen, t);     /* converted before: the kind is idempotent */
        else if (spec->date_number ? date_from_number(spec->date_number, t, tlen, buf, why, whylen)
                                   : date_to_iso(orders, t, tlen, buf, why, whylen))
            return NORM_BAD;
        strbuf_puts(out, buf);
        break;
    case NORM_COUNTRY: {
        char folded[8];
        if (country_fold(t, tlen, folded, sizeof folded) == 2 && strcmp(folded, "na") == 0) {
            snprintf(why, whylen, "'NA' is Namibia's code but usually means 'not available'; left as written");
            return NORM_BAD;
        }
        const char *iso = country_code(t, tlen);
        if (!iso) {
            snprintf(why, whylen, "not a country name or code the table knows");
            return NORM_BAD;
        }
        strbuf_puts(out, iso);
        break;
    }
    case NORM_POSTCODE:
        if (!country) {
            snprintf(why, whylen, "the row's %s is not a country the table knows", spec->country_column);
            return NORM_BAD;
        }
        if (!postcode_has_format(country)) {
            snprintf(why, whylen, "no postcode format for %s", country);
            return NORM_BAD;
        }
        if (postcode_normalize(country, t, tlen, buf, why, whylen))
            return NORM_BAD;
        strbuf_puts(out, buf);
        break;
    }
    if (out->len == len && memcmp(strbuf_str(out), s, len) == 0)
        return NORM_SAME;
    return NORM_NEW;
}
