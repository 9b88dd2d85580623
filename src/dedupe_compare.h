/* dedupe_compare.h — what the dedupe engine compares: column kinds, the canonical
 * form of a value, the dictionary of a column's distinct values, and comparison
 * levels.
 *
 * Every column to compare has a kind (given name, surname, email, phone, birth
 * date, postcode, address, …), guessed from its name or given as on=COL:KIND.  The
 * kind says how a raw value becomes canonical (case-folded and accent-free; phones
 * to digits; dates to YYYYMMDD from the common written forms) and which comparison
 * levels a pair of values can reach, best first:
 *
 *     exact, then kind-specific levels (Damerau–Levenshtein ≤ 1 or ≤ 2, same token
 *     set, Jaro–Winkler ≥ 0.9 or ≥ 0.8, same email local part, same last 9 phone
 *     digits, day and month swapped), then "else".
 *
 * A level is a number: 0 is "else", nlevels - 1 is "exact", -1 means a value is
 * missing (it counts for nothing).  Each distinct canonical value is kept once per
 * column, decoded and tokenised, with the number of records that hold it (the term
 * frequency); records refer to values by id. */
#ifndef PERSONA_DEDUPE_COMPARE_H
#define PERSONA_DEDUPE_COMPARE_H

#include <stddef.h>
#include <stdint.h>

enum dd_kind {
    DD_GIVEN_NAME, DD_SURNAME, DD_NAME, DD_EMAIL, DD_PHONE, DD_BIRTH_DATE, DD_DATE,
    DD_POSTCODE, DD_STREET_NUMBER, DD_ADDRESS, DD_CITY, DD_REGION, DD_COUNTRY, DD_ID,
    DD_TEXT, DD_CATEGORY, DD_NKINDS
};

/* The kind's name ("given_name", "email", …), and back (-1 when unknown). */
const char *dd_kind_name(enum dd_kind k);
int dd_kind_parse(const char *name);

/* The kind a column's name suggests ("date_of_birth" → birth_date), or -1 when the
 * name says nothing about who a record is (signup_date, consent, amount, …). */
int dd_kind_guess(const char *column);

/* "given_name, surname, …": every kind, for error messages. */
const char *dd_kind_list(void);

/* How many levels the kind's comparison has, missing excluded, and each level's
 * label ("exact", "dl<=1", "jw>=0.90", "else"). */
int dd_kind_levels(enum dd_kind k);
const char *dd_level_label(enum dd_kind k, int level);

/* One distinct canonical value of a column. */
struct dd_value {
    char *s;                /* canonical text */
    int32_t *cp;            /* its code points */
    uint32_t ncp;
    uint32_t at;            /* emails: position of '@' in cp (ncp if none) */
    uint64_t hash;          /* of s */
    uint64_t aux;           /* phones: hash of the last 9 digits; dates: hash of the
                               day/month-swapped form; 0: none */
    uint64_t *tokens;       /* sorted distinct token hashes */
    uint32_t ntokens;
    uint32_t count;         /* records holding it */
};

/* The distinct values of one column. */
struct dd_dict {
    enum dd_kind kind;
    struct dd_value *v;
    uint32_t n, cap;
    uint32_t *slots;        /* open addressing: value id + 1, 0 empty */
    uint32_t nslots;
    uint64_t nonnull;       /* records with a value */
};

void dd_dict_init(struct dd_dict *d, enum dd_kind kind);
void dd_dict_free(struct dd_dict *d);

/* Makes raw (len bytes, not NUL-terminated) canonical for the dictionary's kind and
 * counts it: returns its value id + 1, or 0 when the value is missing (NULL, blank,
 * or a placeholder such as "n/a", "unknown", "-"). */
uint32_t dd_dict_add(struct dd_dict *d, const char *raw, size_t len);

/* The canonical form of raw for a kind, malloc'ed, or NULL when missing. */
char *dd_canonical(enum dd_kind k, const char *raw, size_t len);

/* The comparison level of two values of a column (ids + 1 as dd_dict_add returned
 * them; 0 is missing). */
int dd_compare(const struct dd_dict *d, uint32_t a, uint32_t b);

/* 64-bit FNV-1a, then mixed: the hash used for values and blocking keys. */
uint64_t dd_hash(const void *data, size_t len);

#endif
