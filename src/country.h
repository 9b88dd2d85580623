/* country.h — country names to ISO 3166-1 alpha-2 codes, and postcodes by country.
 *
 * Names are matched after folding: NFKC, case folding, accents stripped, '.' and
 * apostrophes dropped, other punctuation read as a space, a leading "the" ignored —
 * so "U.K.", "uk", "Great Britain" and "Royaume-Uni" are all GB.  The table is made
 * at build time from Debian's iso-codes (src/gen/countries.c): every ISO 3166-1
 * country by alpha-2, alpha-3 and numeric code ("276"), English name, official and
 * common name, their translations into the ~150 languages iso-codes ships, the
 * usual written variants ("St. Lucia", "Oesterreich", "Trinidad & Tobago",
 * "Republic of Korea"), and a short list of colloquial forms (UK, Holland, UAE).  A
 * name two countries share is not in it; neither are regions, cities or continents. */
#ifndef PERSONA_COUNTRY_H
#define PERSONA_COUNTRY_H

#include <stddef.h>

/* The alpha-2 code (a static string) of a country written any way the table knows,
 * or NULL. */
const char *country_code(const char *s, size_t len);

/* The English short name of an alpha-2 code (a static string), or NULL. */
const char *country_name(const char *iso2);

/* Whether postcode_normalize() knows the country's postcodes. */
int postcode_has_format(const char *iso2);

/* The alpha-2 codes with a postcode format, ", "-separated; a static string. */
const char *postcode_format_list(void);

/* Writes the postcode [s, s+len) in the country's standard form ("SW1A 1AA",
 * "75002", "K1A 0B1", "1012 AB", "100-0001") into out (at least 16 bytes): upper
 * case, the standard separator.  Returns 0, or -1 with why set when it cannot be a
 * postcode of that country. */
int postcode_normalize(const char *iso2, const char *s, size_t len, char *out, char *why, size_t whylen);

/* Folds a name for matching (see above) into out (NUL-terminated, at most size - 1
 * bytes); returns the length. */
size_t country_fold(const char *s, size_t len, char *out, size_t size);

#endif
