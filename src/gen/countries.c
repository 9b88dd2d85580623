/* countries.c — writes the country lookup table (country_table.c) at build time
 * from Debian's iso-codes data, so Persona knows every name iso-codes knows and
 * nobody copies names by hand.
 *
 *   make-countries ISO_3166-1.JSON LOCALE_DIR > country_table.c
 *
 * Sources, in the order they win when two give one folded name to two countries:
 *  1. the codes: alpha-2, alpha-3, numeric ("DE", "DEU", "276");
 *  2. a short list of colloquial forms of our own (UK, Holland, Russia, UAE, …);
 *  3. the English name, official name and common name;
 *  4. their translations, from the gettext catalogues iso-codes ships
 *     (LOCALE_DIR/LANG/LC_MESSAGES/iso_3166-1.mo, about 150 languages);
 * and, below each source, the written variants of its names: "Korea, Republic of"
 * as "Republic of Korea", without a parenthesis ("Bolivia"), "St" for "Saint",
 * German umlauts as ae/oe/ue ("Oesterreich"), without the word for "and" (so that
 * "Trinidad & Tobago" matches).  A name that two countries share at the best source
 * that has it is ambiguous and left out: the lookup then says it does not know it,
 * rather than guess.  Names are keys after country_fold(), the lookup's own
 * folding.  Only countries are read: regions, cities and continents are not in the
 * data, so they never become a country. */
#include <glob.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "country.h"

enum source { BY_CODE, BY_COLLOQUIAL, BY_ENGLISH, BY_TRANSLATION, N_SOURCES };

/* Ours: what people write that iso-codes does not have.  Alpha-2, then names. */
static const char *const colloquial[][2] = {
    {"GB", "UK|U.K.|Great Britain|Britain|England|Scotland|Wales|Northern Ireland|GBR"},
    {"US", "USA|U.S.|U.S.A.|America|United States of America|the States"},
    {"NL", "Holland|the Netherlands"},
    {"DE", "GER|BRD|Deutschland|West Germany"},
    {"RU", "Russia"},
    {"TR", "Turkey"},
    {"AE", "UAE|U.A.E.|Emirates"},
    {"SA", "KSA"},
    {"KR", "Korea|ROK|S. Korea"},
    {"KP", "DPRK|N. Korea"},
    {"CN", "PRC|Mainland China"},
    {"CZ", "Czech Republic|Czech"},
    {"CD", "DRC|DR Congo|Congo-Kinshasa|Congo Kinshasa"},
    {"CG", "Congo-Brazzaville|Congo Brazzaville"},
    {"CI", "Ivory Coast"},
    {"CV", "Cape Verde"},
    {"SZ", "Swaziland"},
    {"MM", "Burma"},
    {"TL", "East Timor"},
    {"MK", "Macedonia"},
    {"VA", "Vatican|Vatican City"},
    {"IE", "Eire|Republic of Ireland"},
    {"JP", "Nippon|Nihon"},
    {"GR", "EL|Hellas"},
    {"ZA", "RSA"},
    {"NZ", "Aotearoa"},
    {"LA", "Laos"},
    {"MO", "Macau"},
    {"FM", "Micronesia"},
    {"PS", "Palestine"},
    {"SY", "Syria"},
    {"IR", "Iran"},
    {"MD", "Moldova"},
    {"TZ", "Tanzania"},
    {"VE", "Venezuela"},
    {"BO", "Bolivia"},
    {"BN", "Brunei"},
    {"VN", "Vietnam"},
};

struct country {
    char alpha2[3], alpha3[4], numeric[4];
    char *name, *official, *common;
};

struct key {
    char *text;
    int country;        /* index into countries */
    enum source source;
    int variant;        /* 1: a written variant of the source's name */
};

static struct country *countries;
static int ncountries;
static struct key *keys;
static size_t nkeys, capkeys;

static void die(const char *what, const char *detail)
{
    fprintf(stderr, "make-countries: %s: %s\n", what, detail);
    exit(1);
}

static char *dup_or_null(const unsigned char *s) { return s ? strdup((const char *)s) : NULL; }

static void add_key(const char *name, size_t len, int country, enum source source, int variant)
{
    char folded[512];
    if (country_fold(name, len, folded, sizeof folded) == 0)
        return;
    if (nkeys == capkeys) {
        capkeys = capkeys ? capkeys * 2 : 4096;
        keys = realloc(keys, capkeys * sizeof *keys);
        if (!keys)
            die("memory", "out of memory");
    }
    keys[nkeys++] = (struct key){strdup(folded), country, source, variant};
}

/* Replaces each whole word `from` of the folded text with `to` ("" removes it). */
static int replace_word(const char *text, const char *from, const char *to, char *out, size_t size)
{
    size_t o = 0, flen = strlen(from);
    int changed = 0;
    for (const char *p = text; *p;) {
        const char *end = strchr(p, ' ');
        size_t wlen = end ? (size_t)(end - p) : strlen(p);
        const char *w = p;
        if (wlen == flen && memcmp(p, from, flen) == 0) {
            w = to;
            wlen = strlen(to);
            changed = 1;
        }
        if (wlen && o + wlen + 2 < size) {
            if (o)
                out[o++] = ' ';
            memcpy(out + o, w, wlen);
            o += wlen;
        }
        p += end ? (size_t)(end - p) + 1 : strlen(p);
    }
    out[o] = '\0';
    return changed;
}

/* German umlauts and ß as they are written without them ("Oesterreich"). */
static int spell_umlauts(const char *s, char *out, size_t size)
{
    static const char *const from[] = {"ä", "ö", "ü", "Ä", "Ö", "Ü", "ß"};
    static const char *const to[] = {"ae", "oe", "ue", "Ae", "Oe", "Ue", "ss"};
    size_t o = 0;
    int changed = 0;
    for (const char *p = s; *p && o + 3 < size;) {
        int hit = -1;
        for (int i = 0; i < 7; i++)
            if (strncmp(p, from[i], strlen(from[i])) == 0)
                hit = i;
        if (hit >= 0) {
            memcpy(out + o, to[hit], strlen(to[hit]));
            o += strlen(to[hit]);
            p += strlen(from[hit]);
            changed = 1;
        } else {
            out[o++] = *p++;
        }
    }
    out[o] = '\0';
    return changed;
}

/* The name and the ways it is also written, each a key. */
static void add_name(const char *name, int country, enum source source)
{
    if (!name || !*name)
        return;
    add_key(name, strlen(name), country, source, 0);
    char buf[512], folded[512], other[512];
    /* "Korea, Republic of" → "Republic of Korea" */
    const char *comma = strstr(name, ", ");
    if (comma) {
        snprintf(buf, sizeof buf, "%s %.*s", comma + 2, (int)(comma - name), name);
        add_key(buf, strlen(buf), country, source, 1);
    }
    /* "Bolivia (Plurinational State of)" → "Bolivia", and "Plurinational State of Bolivia" */
    const char *paren = strchr(name, '(');
    const char *close = paren ? strchr(paren, ')') : NULL;
    if (paren && close) {
        snprintf(buf, sizeof buf, "%.*s%s", (int)(paren - name), name, close + 1);
        add_key(buf, strlen(buf), country, source, 1);
        snprintf(buf, sizeof buf, "%.*s %.*s", (int)(close - paren - 1), paren + 1, (int)(paren - name), name);
        add_key(buf, strlen(buf), country, source, 1);
    }
    if (spell_umlauts(name, buf, sizeof buf))
        add_key(buf, strlen(buf), country, source, 1);
    /* on the folded name: "St" for "Saint", the word for "and" left out ("&") */
    country_fold(name, strlen(name), folded, sizeof folded);
    static const char *const words[][2] = {{"saint", "st"}, {"sainte", "ste"}, {"and", ""}, {"und", ""},
                                           {"et", ""},     {"y", ""},          {"e", ""},   {"en", ""}};
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (replace_word(folded, words[i][0], words[i][1], other, sizeof other))
            add_key(other, strlen(other), country, source, 1);
}

static void read_countries(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        die(path, "cannot open (is Debian's iso-codes installed? make deps)");
    char *text = NULL;
    size_t len = 0, cap = 0, n;
    char buf[65536];
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
        if (len + n + 1 > cap) {
            cap = (len + n + 1) * 2;
            text = realloc(text, cap);
        }
        memcpy(text + len, buf, n);
        len += n;
    }
    fclose(f);
    if (!text)
        die(path, "empty");
    text[len] = '\0';
    sqlite3 *db;
    sqlite3_stmt *st;
    if (sqlite3_open(":memory:", &db) != SQLITE_OK ||
        sqlite3_prepare_v2(db,
                           "SELECT json_extract(value, '$.alpha_2'), json_extract(value, '$.alpha_3'), "
                           "json_extract(value, '$.numeric'), json_extract(value, '$.name'), "
                           "json_extract(value, '$.official_name'), json_extract(value, '$.common_name') "
                           "FROM json_each(?1, '$.\"3166-1\"') ORDER BY 1",
                           -1, &st, NULL) != SQLITE_OK)
        die(path, sqlite3_errmsg(db));
    sqlite3_bind_text(st, 1, text, (int)len, SQLITE_STATIC);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        countries = realloc(countries, (size_t)(ncountries + 1) * sizeof *countries);
        struct country *c = &countries[ncountries++];
        memset(c, 0, sizeof *c);
        snprintf(c->alpha2, sizeof c->alpha2, "%s", (const char *)sqlite3_column_text(st, 0));
        snprintf(c->alpha3, sizeof c->alpha3, "%s", (const char *)sqlite3_column_text(st, 1));
        snprintf(c->numeric, sizeof c->numeric, "%s", (const char *)sqlite3_column_text(st, 2));
        c->name = dup_or_null(sqlite3_column_text(st, 3));
        c->official = dup_or_null(sqlite3_column_text(st, 4));
        c->common = dup_or_null(sqlite3_column_text(st, 5));
        if (strlen(c->alpha2) != 2 || !c->name)
            die(path, "a country without alpha_2 or name");
    }
    if (rc != SQLITE_DONE || ncountries < 200)
        die(path, rc != SQLITE_DONE ? sqlite3_errmsg(db) : "fewer than 200 countries: not ISO 3166-1");
    sqlite3_finalize(st);
    sqlite3_close(db);
    free(text);
}

/* ---- gettext catalogues (.mo): a header, then tables of (length, offset) ---- */

static uint32_t u32(const unsigned char *p, int swap)
{
    uint32_t v = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
    return swap ? __builtin_bswap32(v) : v;
}

/* The country whose English name, official or common name is msgid, or -1. */
static int country_of_msgid(const char *msgid)
{
    for (int i = 0; i < ncountries; i++) {
        const struct country *c = &countries[i];
        if (strcmp(c->name, msgid) == 0 || (c->official && strcmp(c->official, msgid) == 0) ||
            (c->common && strcmp(c->common, msgid) == 0))
            return i;
    }
    return -1;
}

/* Adds the translations of one catalogue; returns how many it had. */
static int read_catalogue(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return 0;
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *mo = size > 20 ? malloc((size_t)size) : NULL;
    if (!mo || fread(mo, 1, (size_t)size, f) != (size_t)size)
        die(path, "cannot read");
    fclose(f);
    uint32_t magic = u32(mo, 0);
    int swap = magic == 0xde120495u;
    if (magic != 0x950412deu && !swap)
        die(path, "not a gettext catalogue");
    uint32_t count = u32(mo + 8, swap), orig = u32(mo + 12, swap), trans = u32(mo + 16, swap);
    int added = 0;
    for (uint32_t i = 0; i < count; i++) {
        uint32_t olen = u32(mo + orig + 8 * i, swap), ooff = u32(mo + orig + 8 * i + 4, swap);
        uint32_t tlen = u32(mo + trans + 8 * i, swap), toff = u32(mo + trans + 8 * i + 4, swap);
        if ((long)ooff + olen >= size || (long)toff + tlen >= size)
            die(path, "an entry past the end of the file");
        const char *msgid = (const char *)mo + ooff, *msgstr = (const char *)mo + toff;
        const char *ctx_end = memchr(msgid, '\004', olen);
        if (ctx_end)
            msgid = ctx_end + 1;
        int country = olen && tlen ? country_of_msgid(msgid) : -1;
        if (country >= 0) {
            add_name(msgstr, country, BY_TRANSLATION);
            added++;
        }
    }
    free(mo);
    return added;
}

static int key_order(const void *a, const void *b)
{
    const struct key *x = a, *y = b;
    int c = strcmp(x->text, y->text);
    if (c)
        return c;
    if (x->source != y->source)
        return (int)x->source - (int)y->source;
    return x->variant - y->variant;
}

static void put_c_string(const char *s)
{
    putchar('"');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            printf("\\%c", *p);
        else if (*p < 0x20 || *p >= 0x7f)
            printf("\\%03o", *p);
        else
            putchar(*p);
    }
    putchar('"');
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fputs("usage: make-countries ISO_3166-1.JSON LOCALE_DIR > country_table.c\n", stderr);
        return 2;
    }
    read_countries(argv[1]);
    for (int i = 0; i < ncountries; i++) {
        struct country *c = &countries[i];
        add_key(c->alpha2, 2, i, BY_CODE, 0);
        add_key(c->alpha3, strlen(c->alpha3), i, BY_CODE, 0);
        add_key(c->numeric, strlen(c->numeric), i, BY_CODE, 0);
        add_name(c->name, i, BY_ENGLISH);
        add_name(c->official, i, BY_ENGLISH);
        add_name(c->common, i, BY_ENGLISH);
    }
    for (size_t i = 0; i < sizeof colloquial / sizeof colloquial[0]; i++) {
        int country = -1;
        for (int k = 0; k < ncountries; k++)
            if (strcmp(countries[k].alpha2, colloquial[i][0]) == 0)
                country = k;
        if (country < 0)
            die("colloquial names", colloquial[i][0]);
        for (const char *p = colloquial[i][1]; *p;) {
            const char *bar = strchr(p, '|');
            size_t len = bar ? (size_t)(bar - p) : strlen(p);
            add_key(p, len, country, BY_COLLOQUIAL, 0);
            p += len + (bar != NULL);
        }
    }
    char pattern[4096];
    snprintf(pattern, sizeof pattern, "%s/*/LC_MESSAGES/iso_3166-1.mo", argv[2]);
    glob_t g;
    int languages = 0;
    if (glob(pattern, 0, NULL, &g) == 0) {
        for (size_t i = 0; i < g.gl_pathc; i++)
            languages += read_catalogue(g.gl_pathv[i]) > 0;
        globfree(&g);
    }
    if (languages < 20)
        die(pattern, "fewer than 20 languages: iso-codes' translations are missing");

    /* one key per folded name: the best source and variant; ambiguous ones out */
    qsort(keys, nkeys, sizeof *keys, key_order);
    printf("/* generated by src/gen/countries.c from %s and %d languages' iso_3166-1.mo; do not edit */\n"
           "#include \"country_table.h\"\n\n"
           "const struct country_row country_rows[] = {\n",
           argv[1], languages);
    for (int i = 0; i < ncountries; i++) {
        const struct country *c = &countries[i];
        printf("    {\"%s\", \"%s\", \"%s\", ", c->alpha2, c->alpha3, c->numeric);
        put_c_string(c->common ? c->common : c->name);
        puts("},");
    }
    printf("};\nconst int country_row_count = %d;\n\nconst struct country_key country_keys[] = {\n", ncountries);
    size_t written = 0, ambiguous = 0;
    for (size_t i = 0; i < nkeys;) {
        size_t j = i + 1;
        while (j < nkeys && strcmp(keys[j].text, keys[i].text) == 0)
            j++;
        int clash = 0;
        for (size_t k = i + 1; k < j; k++)
            if (keys[k].source == keys[i].source && keys[k].variant == keys[i].variant &&
                keys[k].country != keys[i].country)
                clash = 1;
        if (clash) {
            ambiguous++;
        } else {
            printf("    {");
            put_c_string(keys[i].text);
            printf(", %d},\n", keys[i].country);
            written++;
        }
        i = j;
    }
    printf("};\nconst int country_key_count = %zu;\n", written);
    fprintf(stderr, "make-countries: %d countries, %zu names from %d languages, %zu ambiguous left out\n",
            ncountries, written, languages, ambiguous);
    return 0;
}
