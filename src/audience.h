/* audience.h — the shapes marketing tools import customer lists in (presets), and
 * the value rules that put each cell in the form the tool expects.
 *
 * A preset is a list of columns: the header the tool reads, the role of the source
 * column that feeds it (email, phone, first name, …, found by name in the source),
 * the rule its values follow, and whether the normalised value is sent as its
 * SHA-256 (lowercase hex).  A row is only worth sending when it carries an identifier
 * the tool can match on; which one depends on the tool.
 *
 *   mailchimp              Email Address, First Name, Last Name, Tags
 *   hubspot                Email, First Name, Last Name, Phone Number, City,
 *                          State/Region, Postal Code, Country/Region
 *   klaviyo                Email, Phone Number, First Name, Last Name, City, Region,
 *                          Country, Zip Code
 *   braze                  external_id, email, phone, first_name, last_name, dob,
 *                          gender, home_city, country
 *   google-customer-match  Email, Phone, First Name, Last Name (hashed), Country, Zip
 *   meta                   email, phone, fn, ln, ct, st, zip, country (all hashed)
 *
 * The rules (value_rule):
 *   email        cleaned as email.h says (invisible characters, "Name <…>", lower
 *                case, punycode domain) and a valid address, else no value
 *   phone        E.164 ("+442079460959", phone.h), national numbers read in the
 *                row's country; a number that does not fit its plan gives no value
 *   phone digits E.164 without the '+' (Meta)
 *   name         NFC, lower-cased, blanks trimmed and runs of them one space
 *   name, meta   as name, with punctuation dropped ("O'Neil" → "oneil")
 *   place, meta  a city as Meta's SDK writes it: lower-cased, without digits,
 *                blanks, '.', '-', '(' and ')' ("New York" → "newyork")
 *   state, meta  the same, and a US state (in a US row) as its two letters
 *                ("California" → "ca")
 *   zip          the country's standard postcode (country.h), a US one as its five
 *                digits; as written (trimmed) when the country has no format
 *   zip, meta    lower-cased, no blanks, the part before a '-'
 *   country      ISO 3166-1 alpha-2 ("GB"); country, lower: "gb"; country name: the
 *                English short name ("United Kingdom")
 *   date         YYYY-MM-DD (datenorm.h), day or month first as the column says
 *   gender       Braze's M, F, O (other), N (not applicable), P (prefer not to
 *                say); unknown values give none
 *   text         blanks trimmed */
#ifndef PERSONA_AUDIENCE_H
#define PERSONA_AUDIENCE_H

#include <stddef.h>

#include "datenorm.h"

struct strbuf;

enum audience_role {
    ROLE_NONE, ROLE_KEY, ROLE_EMAIL, ROLE_PHONE, ROLE_FIRST, ROLE_LAST, ROLE_CITY, ROLE_STATE, ROLE_ZIP,
    ROLE_COUNTRY, ROLE_DOB, ROLE_GENDER, ROLE_TAGS, NROLES
};

enum value_rule {
    RULE_AS_IS,         /* plain exports: the value as stored */
    RULE_TEXT, RULE_EMAIL, RULE_PHONE, RULE_PHONE_DIGITS, RULE_NAME, RULE_NAME_META, RULE_PLACE_META,
    RULE_STATE_META, RULE_ZIP, RULE_ZIP_META, RULE_COUNTRY, RULE_COUNTRY_LOWER, RULE_COUNTRY_NAME, RULE_DATE,
    RULE_GENDER
};

enum identifier_rule {
    ID_EMAIL,               /* a valid email */
    ID_EMAIL_OR_PHONE,
    ID_KEY,                 /* the row's key (Braze's external_id) */
    ID_CONTACT_OR_ADDRESS,  /* email, phone, or first and last name with country and zip */
};

struct preset_column {
    const char *header;
    enum audience_role role;
    enum value_rule rule;
    int hashed;
};

struct preset {
    const char *name;
    int ncols;
    const struct preset_column *cols;
    enum identifier_rule identifier;
    const char *purpose;    /* the consent it needs: "email" or "ads" (consent ledger) */
};

/* The preset of that name (exact), or NULL. */
const struct preset *preset_find(const char *name);

/* All the presets (*n of them, static), for messages and suggestions. */
const struct preset *preset_table(int *n);

/* The column names (lower case, without '_', ' ' and '-') a source column playing
 * the role is found by; NULL-terminated, static.  ROLE_KEY and ROLE_TAGS have none. */
const char *const *role_column_names(enum audience_role role);

/* The rule's name for the manifest ("email", "phone", …). */
const char *value_rule_name(enum value_rule rule);

/* What a row offers the rules beside the value: its country (alpha-2, NULL when
 * unknown) for phones and postcodes, and the date column's orders for dates. */
struct row_facts {
    const char *country;
    const struct date_orders *dates;
};

/* Puts the value [s, s+len) in the rule's form into out (emptied first).  Returns 1,
 * or 0 when the value gives nothing the tool could use (empty, invalid). */
int value_apply(enum value_rule rule, const char *s, size_t len, const struct row_facts *row, struct strbuf *out);

/* Whether a row whose columns hold the values in vals (one per preset column, len 0:
 * none) carries an identifier the preset's tool matches on. */
int preset_row_usable(const struct preset *p, const size_t *lens);

#endif
