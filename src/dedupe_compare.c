/* dedupe_compare.c — column kinds, canonical values, value dictionaries, levels. */
#include "dedupe_compare.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "datenorm.h"
#include "strbuf.h"
#include "strsim.h"

/* The tests between "exact" and "else", best first. */
enum test { T_DL1, T_DL2, T_TOKENS, T_JW90, T_JW80, T_LOCAL, T_LOCAL_JW90, T_LAST9, T_SWAP };

static const char *const test_labels[] = {
    [T_DL1] = "dl<=1", [T_DL2] = "dl<=2", [T_TOKENS] = "same tokens", [T_JW90] = "jw>=0.90",
    [T_JW80] = "jw>=0.80", [T_LOCAL] = "same local part", [T_LOCAL_JW90] = "local jw>=0.90",
    [T_LAST9] = "same last 9 digits", [T_SWAP] = "day/month swapped",
};

enum { MAX_TESTS = 5 };

struct kind_def {
    const char *name;
    int ntests;
    enum test tests[MAX_TESTS];
};

#define NAME_TESTS 4, {T_DL1, T_TOKENS, T_JW90, T_JW80}
#define DATE_TESTS 3, {T_SWAP, T_DL1, T_DL2}
static const struct kind_def kinds[DD_NKINDS] = {
    [DD_GIVEN_NAME] = {"given_name", NAME_TESTS},
    [DD_SURNAME] = {"surname", NAME_TESTS},
    [DD_NAME] = {"name", NAME_TESTS},
    [DD_EMAIL] = {"email", 3, {T_LOCAL, T_DL1, T_LOCAL_JW90}},
    [DD_PHONE] = {"phone", 2, {T_LAST9, T_DL1}},
    [DD_BIRTH_DATE] = {"birth_date", DATE_TESTS},
    [DD_DATE] = {"date", DATE_TESTS},
    [DD_POSTCODE] = {"postcode", 1, {T_DL1}},
    [DD_STREET_NUMBER] = {"street_number", 1, {T_DL1}},
    [DD_ADDRESS] = {"address", NAME_TESTS},
    [DD_CITY] = {"city", 2, {T_DL1, T_JW90}},
    [DD_REGION] = {"region", 0, {0}},
    [DD_COUNTRY] = {"country", 0, {0}},
    [DD_ID] = {"id", 2, {T_DL1, T_DL2}},
    [DD_TEXT] = {"text", 3, {T_DL1, T_JW90, T_JW80}},
    [DD_CATEGORY] = {"category", 0, {0}},
};

const char *dd_kind_name(enum dd_kind k) { return kinds[k].name; }

int dd_kind_parse(const char *name)
{
    for (int k = 0; k < DD_NKINDS; k++)
        if (strcmp(kinds[k].name, name) == 0)
            return k;
    return -1;
}

const char *dd_kind_list(void)
{
    static char list[256];
    if (!list[0])
        for (int k = 0; k < DD_NKINDS; k++) {
            if (k)
                strcat(list, ", ");
            strcat(list, kinds[k].name);
        }
    return list;
}

int dd_kind_levels(enum dd_kind k) { return kinds[k].ntests + 2; }

const char *dd_level_label(enum dd_kind k, int level)
{
    int n = kinds[k].ntests;
    if (level < 0)
        return "missing";
    if (level == n + 1)
        return "exact";
    if (level == 0)
        return "else";
    return test_labels[kinds[k].tests[n - level]];
}

/* ---- guessing a column's kind from its name ---- */

/* Whether word occurs in name as a whole word of its '_'-separated parts, or, for a
 * word of four letters or more, anywhere ("emailaddress", "zipcode"). */
static int has_word(const char *name, const char *word)
{
    size_t n = strlen(word);
    for (const char *p = strstr(name, word); p; p = strstr(p + 1, word)) {
        int start = p == name || p[-1] == '_';
        int end = p[n] == '\0' || p[n] == '_';
        if ((start && end) || n >= 4)
            return 1;
    }
    return 0;
}

int dd_kind_guess(const char *column)
{
    char name[128];
    size_t k = 0;
    for (const char *p = column; *p && k + 1 < sizeof name; p++)
        name[k++] = isalnum((unsigned char)*p) ? (char)tolower((unsigned char)*p) : '_';
    name[k] = '\0';
    /* first match wins: specific names before the general words they contain */
    static const struct {
        const char *word;
        int kind;
    } words[] = {
        {"email", DD_EMAIL}, {"e_mail", DD_EMAIL}, {"mail", DD_EMAIL},
        {"phone", DD_PHONE}, {"mobile", DD_PHONE}, {"tel", DD_PHONE}, {"cell", DD_PHONE},
        {"birth", DD_BIRTH_DATE}, {"dob", DD_BIRTH_DATE}, {"born", DD_BIRTH_DATE},
        {"first_name", DD_GIVEN_NAME}, {"firstname", DD_GIVEN_NAME}, {"given", DD_GIVEN_NAME},
        {"forename", DD_GIVEN_NAME}, {"fname", DD_GIVEN_NAME},
        {"last_name", DD_SURNAME}, {"lastname", DD_SURNAME}, {"surname", DD_SURNAME},
        {"family_name", DD_SURNAME}, {"lname", DD_SURNAME},
        {"postcode", DD_POSTCODE}, {"post_code", DD_POSTCODE}, {"postal", DD_POSTCODE}, {"zip", DD_POSTCODE},
        {"street_number", DD_STREET_NUMBER}, {"streetnumber", DD_STREET_NUMBER},
        {"house_number", DD_STREET_NUMBER}, {"street_no", DD_STREET_NUMBER}, {"house_no", DD_STREET_NUMBER},
        {"address", DD_ADDRESS}, {"addr", DD_ADDRESS}, {"street", DD_ADDRESS},
        {"city", DD_CITY}, {"town", DD_CITY}, {"suburb", DD_CITY}, {"locality", DD_CITY},
        {"state", DD_REGION}, {"region", DD_REGION}, {"province", DD_REGION}, {"county", DD_REGION},
        {"country", DD_COUNTRY},
        {"ssn", DD_ID}, {"soc_sec", DD_ID}, {"social_security", DD_ID}, {"national_id", DD_ID},
        {"passport", DD_ID}, {"tax_id", DD_ID},
        {"name", DD_NAME},
    };
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (has_word(name, words[i].word))
            return words[i].kind;
    return -1;
}

/* ---- canonical values ---- */

static int is_placeholder(const char *s)
{
    static const char *const missing[] = {"null", "n/a", "na", "none", "-", "--", "?", "unknown", "nan"};
    for (size_t i = 0; i < sizeof missing / sizeof missing[0]; i++)
        if (strcmp(s, missing[i]) == 0)
            return 1;
    return 0;
}

/* Keeps only the characters of s for which keep() holds, in place. */
static void keep_only(char *s, int (*keep)(int))
{
    char *w = s;
    for (char *r = s; *r; r++)
        if (keep((unsigned char)*r))
            *w++ = *r;
    *w = '\0';
}

static int not_blank(int c) { return c != ' '; }
static int is_digit(int c) { return c >= '0' && c <= '9'; }
static int not_separator(int c) { return c != ' ' && c != '-' && c != '.' && c != '/'; }

/* Day-first or month-first for values seen one at a time: the separators'
 * defaults ('/' month-first, '.' and '-' day-first), as normalize uses them. */
static const struct date_orders *default_orders(void)
{
    static struct date_orders orders;
    static int ready;
    if (!ready) {
        date_orders_init(&orders, 0);
        date_orders_settle(&orders);
        ready = 1;
    }
    return &orders;
}

/* A date in any form normalize reads, as YYYYMMDD (9 bytes with the NUL); -1 if it
 * is not one. */
static int date_digits(const char *raw, size_t len, char out[9])
{
    char iso[64], why[128];
    if (date_to_iso(default_orders(), raw, len, iso, why, sizeof why) != 0 || strlen(iso) < 10)
        return -1;
    memcpy(out, iso, 4);
    memcpy(out + 4, iso + 5, 2);
    memcpy(out + 6, iso + 8, 2);
    out[8] = '\0';
    return 0;
}

char *dd_canonical(enum dd_kind k, const char *raw, size_t len)
{
    char *s = strsim_fold(raw, len);
    if (!s || is_placeholder(s)) {
        free(s);
        return NULL;
    }
    switch (k) {
    case DD_EMAIL:
        keep_only(s, not_blank);
        break;
    case DD_PHONE:
        keep_only(s, is_digit);
        if (strlen(s) < 5) {
            free(s);
            return NULL;
        }
        break;
    case DD_BIRTH_DATE:
    case DD_DATE: {
        char ymd[9];
        if (date_digits(raw, len, ymd) == 0) {
            free(s);
            s = xstrdup(ymd);
        }
        break;
    }
    case DD_POSTCODE: {
        keep_only(s, not_blank);
        size_t n = strlen(s);
        /* a US ZIP+4 compares as its ZIP */
        if (n == 10 && s[5] == '-' && strspn(s, "0123456789") == 5 && strspn(s + 6, "0123456789") == 4)
            s[5] = '\0';
        keep_only(s, not_separator);
        break;
    }
    case DD_ID:
        keep_only(s, not_separator);
        break;
    default:
        break;
    }
    if (!*s) {
        free(s);
        return NULL;
    }
    return s;
}

/* ---- the dictionary ---- */

uint64_t dd_hash(const void *data, size_t len)
{
    const unsigned char *p = data;
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < len; i++) {
        h ^= p[i];
        h *= 1099511628211ULL;
    }
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    return h ? h : 1;
}

void dd_dict_init(struct dd_dict *d, enum dd_kind kind)
{
    memset(d, 0, sizeof *d);
    d->kind = kind;
}

void dd_dict_free(struct dd_dict *d)
{
    for (uint32_t i = 0; i < d->n; i++) {
        free(d->v[i].s);
        free(d->v[i].cp);
        free(d->v[i].tokens);
    }
    free(d->v);
    free(d->slots);
    memset(d, 0, sizeof *d);
}

static int has_test(enum dd_kind k, enum test t)
{
    for (int i = 0; i < kinds[k].ntests; i++)
        if (kinds[k].tests[i] == t)
            return 1;
    return 0;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* The sorted distinct hashes of the runs of letters and digits in s. */
static void tokenize_value(struct dd_value *v)
{
    size_t cap = 4, n = 0;
    uint64_t *t = xmalloc(cap * sizeof *t);
    const char *p = v->s;
    while (*p) {
        while (*p && !isalnum((unsigned char)*p) && (unsigned char)*p < 0x80)
            p++;
        const char *q = p;
        while (*q && (isalnum((unsigned char)*q) || (unsigned char)*q >= 0x80))
            q++;
        if (q > p) {
            if (n == cap)
                t = xrealloc(t, (cap *= 2) * sizeof *t);
            t[n++] = dd_hash(p, (size_t)(q - p));
        }
        p = q;
    }
    qsort(t, n, sizeof *t, cmp_u64);
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (k == 0 || t[i] != t[k - 1])
            t[k++] = t[i];
    v->tokens = t;
    v->ntokens = (uint32_t)k;
}

/* Fills in what comparisons need beyond the text. */
static void prepare_value(enum dd_kind k, struct dd_value *v)
{
    size_t len = strlen(v->s);
    size_t ncp;
    v->cp = strsim_decode(v->s, len, &ncp);
    v->ncp = (uint32_t)ncp;
    v->at = v->ncp;
    if (k == DD_EMAIL) {
        for (uint32_t i = 0; i < v->ncp; i++)
            if (v->cp[i] == '@') {
                v->at = i;
                break;
            }
        const char *at = strchr(v->s, '@');
        v->aux = dd_hash(v->s, at ? (size_t)(at - v->s) : len);
    } else if (k == DD_PHONE && len >= 9) {
        v->aux = dd_hash(v->s + len - 9, 9);
    } else if ((k == DD_BIRTH_DATE || k == DD_DATE) && len == 8 && strspn(v->s, "0123456789") == 8) {
        char swapped[8];
        memcpy(swapped, v->s, 4);
        memcpy(swapped + 4, v->s + 6, 2);
        memcpy(swapped + 6, v->s + 4, 2);
        if (memcmp(swapped, v->s, 8) != 0)
            v->aux = dd_hash(swapped, 8);
    }
    if (has_test(k, T_TOKENS))
        tokenize_value(v);
}

static void grow_slots(struct dd_dict *d)
{
    uint32_t nslots = d->nslots ? d->nslots * 2 : 64;
    uint32_t *slots = xcalloc(nslots, sizeof *slots);
    for (uint32_t i = 0; i < d->n; i++) {
        uint32_t s = (uint32_t)d->v[i].hash & (nslots - 1);
        while (slots[s])
            s = (s + 1) & (nslots - 1);
        slots[s] = i + 1;
    }
    free(d->slots);
    d->slots = slots;
    d->nslots = nslots;
}

uint32_t dd_dict_add(struct dd_dict *d, const char *raw, size_t len)
{
    if (!raw)
        return 0;
    char *s = dd_canonical(d->kind, raw, len);
    if (!s)
        return 0;
    d->nonnull++;
    if ((d->n + 1) * 2 > d->nslots)
        grow_slots(d);
    uint64_t h = dd_hash(s, strlen(s));
    uint32_t slot = (uint32_t)h & (d->nslots - 1);
    while (d->slots[slot]) {
        struct dd_value *v = &d->v[d->slots[slot] - 1];
        if (v->hash == h && strcmp(v->s, s) == 0) {
            free(s);
            v->count++;
            return d->slots[slot];
        }
        slot = (slot + 1) & (d->nslots - 1);
    }
    if (d->n == d->cap) {
        d->cap = d->cap ? d->cap * 2 : 64;
        d->v = xrealloc(d->v, d->cap * sizeof *d->v);
    }
    struct dd_value *v = &d->v[d->n];
    memset(v, 0, sizeof *v);
    v->s = s;
    v->hash = h;
    v->count = 1;
    prepare_value(d->kind, v);
    d->slots[slot] = ++d->n;
    return d->n;
}

/* ---- comparing ---- */

/* Whether the smaller token set is within the larger one, and the larger has more
 * than one token ("gomez perez" and "perez gomez"; "mary" and "mary beth"). */
static int same_tokens(const struct dd_value *a, const struct dd_value *b)
{
    const struct dd_value *small = a->ntokens <= b->ntokens ? a : b, *big = small == a ? b : a;
    if (small->ntokens == 0 || big->ntokens < 2)
        return 0;
    uint32_t j = 0;
    for (uint32_t i = 0; i < small->ntokens; i++) {
        while (j < big->ntokens && big->tokens[j] < small->tokens[i])
            j++;
        if (j == big->ntokens || big->tokens[j] != small->tokens[i])
            return 0;
    }
    return 1;
}

/* The measures a comparison needs, each computed at most once. */
struct lazy {
    const struct dd_value *a, *b;
    int osa;            /* -1: not yet */
    double jw;          /* < 0: not yet */
};

static int lazy_osa(struct lazy *z)
{
    if (z->osa < 0)     /* the levels ask for at most two edits */
        z->osa = strsim_osa_within_cp(z->a->cp, z->a->ncp, z->b->cp, z->b->ncp, 2);
    return z->osa;
}

static double lazy_jw(struct lazy *z)
{
    if (z->jw < 0)
        z->jw = strsim_jaro_winkler_cp(z->a->cp, z->a->ncp, z->b->cp, z->b->ncp);
    return z->jw;
}

static int passes(enum test t, struct lazy *z)
{
    const struct dd_value *a = z->a, *b = z->b;
    switch (t) {
    case T_DL1: return lazy_osa(z) <= 1;
    case T_DL2: return lazy_osa(z) <= 2;
    case T_TOKENS: return same_tokens(a, b);
    case T_JW90: return lazy_jw(z) >= 0.9;
    case T_JW80: return lazy_jw(z) >= 0.8;
    case T_LOCAL: return a->at < a->ncp && b->at < b->ncp && a->aux == b->aux;
    case T_LOCAL_JW90: return strsim_jaro_winkler_cp(a->cp, a->at, b->cp, b->at) >= 0.9;
    case T_LAST9: return a->aux && a->aux == b->aux;
    case T_SWAP: return a->aux && a->aux == b->hash;
    }
    return 0;
}

int dd_compare(const struct dd_dict *d, uint32_t a, uint32_t b)
{
    if (!a || !b)
        return -1;
    const struct kind_def *k = &kinds[d->kind];
    if (a == b)
        return k->ntests + 1;
    struct lazy z = {.a = &d->v[a - 1], .b = &d->v[b - 1], .osa = -1, .jw = -1};
    for (int i = 0; i < k->ntests; i++)
        if (passes(k->tests[i], &z))
            return k->ntests - i;
    return 0;
}
