/* strsim.c — Jaro–Winkler, Levenshtein, optimal string alignment, Soundex, folding. */
#include "strsim.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "strbuf.h"
#include "utf8.h"

/* Strings up to this many code points use stack buffers; longer ones the heap. */
enum { SHORT = 128 };

double strsim_jaro_cp(const int32_t *a, size_t na, const int32_t *b, size_t nb)
{
    if (na == 0 && nb == 0)
        return 1.0;
    if (na == 0 || nb == 0)
        return 0.0;
    size_t longest = na > nb ? na : nb;
    size_t window = longest / 2 >= 1 ? longest / 2 - 1 : 0;
    unsigned char stack_flags[2 * SHORT];
    unsigned char *flags = na + nb <= 2 * SHORT ? stack_flags : xmalloc(na + nb);
    unsigned char *fa = flags, *fb = flags + na;
    memset(flags, 0, na + nb);
    size_t common = 0;
    for (size_t i = 0; i < na; i++) {
        size_t lo = i > window ? i - window : 0;
        size_t hi = i + window < nb - 1 ? i + window : nb - 1;
        for (size_t j = lo; j <= hi; j++) {
            if (!fb[j] && b[j] == a[i]) {
                fa[i] = fb[j] = 1;
                common++;
                break;
            }
        }
    }
    double sim = 0.0;
    if (common) {
        /* the matched characters of a and of b, in order: half the mismatches
         * between the two sequences are transpositions */
        size_t half_transpositions = 0, k = 0;
        for (size_t i = 0; i < na; i++) {
            if (!fa[i])
                continue;
            while (!fb[k])
                k++;
            if (a[i] != b[k])
                half_transpositions++;
            k++;
        }
        double m = (double)common;
        sim = (m / (double)na + m / (double)nb + (m - (double)(half_transpositions / 2)) / m) / 3.0;
    }
    if (flags != stack_flags)
        free(flags);
    return sim;
}

double strsim_jaro_winkler_cp(const int32_t *a, size_t na, const int32_t *b, size_t nb)
{
    double sim = strsim_jaro_cp(a, na, b, nb);
    if (sim <= 0.7)
        return sim;
    size_t limit = na < nb ? na : nb;
    if (limit > 4)
        limit = 4;
    size_t prefix = 0;
    while (prefix < limit && a[prefix] == b[prefix])
        prefix++;
    return sim + 0.1 * (double)prefix * (1.0 - sim);
}

static int min3(int x, int y, int z)
{
    int m = x < y ? x : y;
    return m < z ? m : z;
}

/* The edit distance DP, with adjacent transpositions when osa is set, over a band
 * of cells within `bound` of the diagonal: a distance above bound comes out as
 * bound + 1, and the DP stops as soon as a whole row is above it.  Three rows (two
 * back for transpositions, one back, current) over b. */
static int edit_dp(const int32_t *a, size_t na, const int32_t *b, size_t nb, int osa, int bound)
{
    size_t k = (size_t)bound;
    if ((na > nb ? na - nb : nb - na) > k)
        return bound + 1;
    if (na == 0 || nb == 0)
        return (int)(na + nb);
    int over = bound + 1;
    int stack_rows[3 * (SHORT + 1)];
    int *rows = nb + 1 <= SHORT + 1 ? stack_rows : xmalloc(3 * (nb + 1) * sizeof *rows);
    int *prev2 = rows, *prev = rows + nb + 1, *cur = rows + 2 * (nb + 1);
    for (size_t j = 0; j <= nb; j++)
        prev[j] = j <= k ? (int)j : over;
    int d = over;
    for (size_t i = 1; i <= na; i++) {
        size_t lo = i > k ? i - k : 1, hi = i + k < nb ? i + k : nb;
        cur[lo - 1] = lo == 1 ? (int)i : over;  /* the cell left of the band */
        int row_min = cur[lo - 1];
        for (size_t j = lo; j <= hi; j++) {
            int v = min3(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] != b[j - 1]));
            if (osa && i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && prev2[j - 2] + 1 < v)
                v = prev2[j - 2] + 1;
            cur[j] = v < over ? v : over;
            if (cur[j] < row_min)
                row_min = cur[j];
        }
        if (hi < nb)
            cur[hi + 1] = over;     /* the cell right of the band, read by the next row */
        if (row_min > bound)
            goto done;
        int *t = prev2;
        prev2 = prev;
        prev = cur;
        cur = t;
    }
    d = prev[nb];
done:
    if (rows != stack_rows)
        free(rows);
    return d;
}

/* No band: every distance is within the longer length. */
static int unbounded(size_t na, size_t nb) { return (int)(na > nb ? na : nb); }

int strsim_levenshtein_cp(const int32_t *a, size_t na, const int32_t *b, size_t nb)
{
    return edit_dp(a, na, b, nb, 0, unbounded(na, nb));
}

int strsim_osa_cp(const int32_t *a, size_t na, const int32_t *b, size_t nb)
{
    return edit_dp(a, na, b, nb, 1, unbounded(na, nb));
}

int strsim_osa_within_cp(const int32_t *a, size_t na, const int32_t *b, size_t nb, int bound)
{
    return edit_dp(a, na, b, nb, 1, bound);
}

int32_t *strsim_decode(const char *s, size_t len, size_t *n)
{
    int32_t *cp = xmalloc((len + 1) * sizeof *cp);
    size_t k = 0;
    for (size_t i = 0; i < len;) {
        int c;
        i += utf8_decode(s + i, len - i, &c);
        cp[k++] = c < 0 ? 0xFFFD : c;
    }
    *n = k;
    return cp;
}

/* Runs a code-point measure on two UTF-8 strings. */
#define ON_UTF8(fn, a, b, result)                                                        \
    do {                                                                                 \
        size_t na_, nb_;                                                                 \
        int32_t *ca_ = strsim_decode(a, strlen(a), &na_), *cb_ = strsim_decode(b, strlen(b), &nb_); \
        result = fn(ca_, na_, cb_, nb_);                                                 \
        free(ca_);                                                                       \
        free(cb_);                                                                       \
    } while (0)

double strsim_jaro(const char *a, const char *b)
{
    double r;
    ON_UTF8(strsim_jaro_cp, a, b, r);
    return r;
}

double strsim_jaro_winkler(const char *a, const char *b)
{
    double r;
    ON_UTF8(strsim_jaro_winkler_cp, a, b, r);
    return r;
}

int strsim_levenshtein(const char *a, const char *b)
{
    int r;
    ON_UTF8(strsim_levenshtein_cp, a, b, r);
    return r;
}

int strsim_osa(const char *a, const char *b)
{
    int r;
    ON_UTF8(strsim_osa_cp, a, b, r);
    return r;
}

/* The Soundex digit of an upper-case letter: '0' for vowels (and Y), 'h' for H and W
 * (which do not separate equal digits). */
static char soundex_code(char c)
{
    static const char codes[] = "01230120022455012623010202";
    if (c == 'H' || c == 'W')
        return 'h';
    return codes[c - 'A'];
}

char *strsim_soundex(const char *s, char out[5])
{
    out[0] = '\0';
    char *folded = strsim_fold(s, strlen(s));
    if (!folded)
        return NULL;
    const char *p = folded;
    while (*p && !(*p >= 'a' && *p <= 'z'))
        p++;
    if (!*p) {
        free(folded);
        return NULL;
    }
    int n = 0;
    out[n++] = (char)(*p - 'a' + 'A');
    char last = soundex_code(out[0]);
    for (p++; *p && n < 4; p++) {
        if (!(*p >= 'a' && *p <= 'z')) {
            last = '0';     /* a space or a sign separates, as a vowel does */
            continue;
        }
        char code = soundex_code((char)(*p - 'a' + 'A'));
        if (code == 'h')
            continue;
        if (code != '0' && code != last)
            out[n++] = code;
        last = code;
    }
    while (n < 4)
        out[n++] = '0';
    out[4] = '\0';
    free(folded);
    return out;
}

static int is_blank(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

char *strsim_fold(const char *s, size_t len)
{
    utf8proc_uint8_t *mapped = NULL;
    utf8proc_ssize_t n = utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)len, &mapped,
                                      UTF8PROC_COMPOSE | UTF8PROC_COMPAT | UTF8PROC_CASEFOLD |
                                          UTF8PROC_STRIPMARK | UTF8PROC_LUMP);
    const char *src = (const char *)mapped;
    char *ascii = NULL;
    if (n < 0) {    /* not UTF-8: fold ASCII letters and keep the other bytes */
        ascii = xmalloc(len + 1);
        for (size_t i = 0; i < len; i++)
            ascii[i] = (char)((s[i] >= 'A' && s[i] <= 'Z') ? s[i] - 'A' + 'a' : s[i]);
        src = ascii;
        n = (utf8proc_ssize_t)len;
    }
    char *out = xmalloc((size_t)n + 1);
    size_t k = 0;
    int gap = 0;
    for (utf8proc_ssize_t i = 0; i < n; i++) {
        if (is_blank((unsigned char)src[i])) {
            gap = k > 0;
            continue;
        }
        if (gap)
            out[k++] = ' ';
        gap = 0;
        out[k++] = src[i];
    }
    out[k] = '\0';
    free(mapped);
    free(ascii);
    if (k == 0) {
        free(out);
        return NULL;
    }
    return out;
}
