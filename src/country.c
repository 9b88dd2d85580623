/* country.c — countries by name through the generated table, and postcode formats. */
#include "country.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "country_table.h"
#include "strbuf.h"

static int key_cmp(const void *a, const void *b)
{
    return strcmp(((const struct country_key *)a)->name, ((const struct country_key *)b)->name);
}

const char *country_code(const char *s, size_t len)
{
    char folded[256];
    if (country_fold(s, len, folded, sizeof folded) == 0)
        return NULL;
    struct country_key probe = {.name = folded};
    const struct country_key *hit =
        bsearch(&probe, country_keys, (size_t)country_key_count, sizeof *country_keys, key_cmp);
    return hit ? country_rows[hit->row].alpha2 : NULL;
}

const char *country_name(const char *iso2)
{
    for (int i = 0; iso2 && i < country_row_count; i++)
        if (strcmp(country_rows[i].alpha2, iso2) == 0)
            return country_rows[i].name;
    return NULL;
}

/* ---- postcodes ---- */

/* Patterns of the standard form: '9' a digit, 'A' a letter, '?' either; other
 * characters are the separators written between them.  Input is matched with its
 * blanks and hyphens removed, upper-cased. */
static const struct { const char *iso, *patterns; } postcode_formats[] = {
    {"US", "99999|99999-9999"}, {"CA", "A9A 9A9"}, {"GB", NULL /* check_gb */},
    {"DE", "99999"}, {"FR", "99999"}, {"ES", "99999"}, {"IT", "99999"}, {"NL", "9999 AA"},
    {"JP", "999-9999"}, {"BE", "9999"}, {"CH", "9999"}, {"AT", "9999"}, {"DK", "9999"},
    {"NO", "9999"}, {"AU", "9999"}, {"NZ", "9999"}, {"SE", "999 99"}, {"PL", "99-999"},
    {"PT", "9999-999"}, {"IE", "A9? ????"}, {"IN", "999999"}, {"SG", "999999"},
    {"BR", "99999-999"}, {"MX", "99999"}, {"FI", "99999"}, {"LU", "9999"},
};
enum { N_POSTCODE = sizeof postcode_formats / sizeof postcode_formats[0] };

static int postcode_index(const char *iso2)
{
    for (int i = 0; i < N_POSTCODE; i++)
        if (iso2 && strcmp(postcode_formats[i].iso, iso2) == 0)
            return i;
    return -1;
}

int postcode_has_format(const char *iso2) { return postcode_index(iso2) >= 0; }

const char *postcode_format_list(void)
{
    static char list[N_POSTCODE * 4 + 1];
    if (!list[0])
        for (int i = 0; i < N_POSTCODE; i++)
            snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", i ? ", " : "",
                     postcode_formats[i].iso);
    return list;
}

/* Fits the compact code (no separators) to one pattern, writing the standard form. */
static int fit_pattern(const char *code, const char *pattern, size_t plen, char *out)
{
    size_t o = 0, i = 0;
    for (size_t k = 0; k < plen; k++) {
        char p = pattern[k];
        if (p != '9' && p != 'A' && p != '?') {
            out[o++] = p;
            continue;
        }
        char ch = code[i++];
        if (!ch || (p == '9' && !isdigit((unsigned char)ch)) || (p == 'A' && !isupper((unsigned char)ch)) ||
            (p == '?' && !isalnum((unsigned char)ch)))
            return -1;
        out[o++] = ch;
    }
    out[o] = '\0';
    return code[i] == '\0' ? 0 : -1;
}

/* UK postcodes: an outward code (A9, A99, AA9, AA99, A9A, AA9A) and an inward code
 * (digit and two letters other than C I K M O V), one space between. */
static int gb_postcode(const char *code, char *out, char *why, size_t whylen)
{
    size_t n = strlen(code);
    if (strcmp(code, "GIR0AA") == 0) {
        strcpy(out, "GIR 0AA");
        return 0;
    }
    static const char *const outward[] = {"A9", "A99", "AA9", "AA99", "A9A", "AA9A"};
    if (n >= 5 && n <= 7 && isdigit((unsigned char)code[n - 3]) && isupper((unsigned char)code[n - 2]) &&
        isupper((unsigned char)code[n - 1]) && !strchr("CIKMOV", code[n - 2]) && !strchr("CIKMOV", code[n - 1])) {
        char head[8];
        memcpy(head, code, n - 3);
        head[n - 3] = '\0';
        for (size_t i = 0; i < sizeof outward / sizeof outward[0]; i++) {
            char tmp[16];
            if (strlen(outward[i]) == n - 3 && fit_pattern(head, outward[i], n - 3, tmp) == 0) {
                snprintf(out, 16, "%s %s", head, code + n - 3);
                return 0;
            }
        }
    }
    snprintf(why, whylen, "not a UK postcode (like SW1A 1AA)");
    return -1;
}

int postcode_normalize(const char *iso2, const char *s, size_t len, char *out, char *why, size_t whylen)
{
    int idx = postcode_index(iso2);
    if (idx < 0) {
        snprintf(why, whylen, "no postcode format for %s", iso2 ? iso2 : "no country");
        return -1;
    }
    char code[24];
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch == ' ' || ch == '-' || ch == '\t')
            continue;
        if (!isalnum(ch) || n >= sizeof code - 1) {
            snprintf(why, whylen, "not a %s postcode", iso2);
            return -1;
        }
        code[n++] = (char)toupper(ch);
    }
    code[n] = '\0';
    if (strcmp(iso2, "GB") == 0)
        return gb_postcode(code, out, why, whylen);
    const char *patterns = postcode_formats[idx].patterns;
    for (const char *p = patterns; *p;) {
        const char *bar = strchr(p, '|');
        size_t plen = bar ? (size_t)(bar - p) : strlen(p);
        if (fit_pattern(code, p, plen, out) == 0) {
            int bad = 0;
            if (strcmp(iso2, "CA") == 0)    /* no D F I O Q U; W and Z never first */
                bad = strpbrk(code, "DFIOQU") != NULL || code[0] == 'W' || code[0] == 'Z';
            else if (strcmp(iso2, "NL") == 0)
                bad = code[0] == '0' || strcmp(code + 4, "SA") == 0 || strcmp(code + 4, "SD") == 0 ||
                      strcmp(code + 4, "SS") == 0;
            else if (strcmp(iso2, "ES") == 0)
                bad = (code[0] - '0') * 10 + (code[1] - '0') < 1 || (code[0] - '0') * 10 + (code[1] - '0') > 52;
            if (!bad)
                return 0;
        }
        p += plen + (bar != NULL);
    }
    size_t digits = 0;
    while (patterns[digits] == '9')
        digits++;
    if (digits >= 5 && n == digits - 1 && strspn(code, "0123456789") == n)
        snprintf(why, whylen, "%zu digits: %s postcodes have %zu (a leading zero lost?)", n, iso2, digits);
    else
        snprintf(why, whylen, "not a %s postcode (like %s)", iso2, patterns);
    return -1;
}
