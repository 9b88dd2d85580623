/* country_table.h — the country table the build generates from Debian's iso-codes
 * (src/gen/countries.c writes $(B)/gen/country_table.c). */
#ifndef PERSONA_COUNTRY_TABLE_H
#define PERSONA_COUNTRY_TABLE_H

/* One ISO 3166-1 country. */
struct country_row {
    const char *alpha2, *alpha3, *numeric;
    const char *name;       /* English: the common name where iso-codes has one ("Bolivia"), else the name */
};

/* A folded name (country_fold()) and the index of its country in country_rows;
 * sorted by strcmp of the name, one entry per name. */
struct country_key {
    const char *name;
    int row;
};

extern const struct country_row country_rows[];
extern const int country_row_count;
extern const struct country_key country_keys[];
extern const int country_key_count;

#endif
