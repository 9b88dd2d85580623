/* audience.c — the presets' tables and the value rules. */
#include "audience.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "country.h"
#include "normalize.h"
#include "email.h"
#include "phone.h"
#include "strbuf.h"

/* ---- the presets ---- */

static const struct preset_column mailchimp[] = {
    {"Email Address", ROLE_EMAIL, RULE_EMAIL, 0},
    {"First Name", ROLE_FIRST, RULE_TEXT, 0},
    {"Last Name", ROLE_LAST, RULE_TEXT, 0},
    {"Tags", ROLE_TAGS, RULE_TEXT, 0},
};

static const struct preset_column hubspot[] = {
    {"Email", ROLE_EMAIL, RULE_EMAIL, 0},
    {"First Name", ROLE_FIRST, RULE_TEXT, 0},
    {"Last Name", ROLE_LAST, RULE_TEXT, 0},
    {"Phone Number", ROLE_PHONE, RULE_PHONE, 0},
    {"City", ROLE_CITY, RULE_TEXT, 0},
    {"State/Region", ROLE_STATE, RULE_TEXT, 0},
    {"Postal Code", ROLE_ZIP, RULE_ZIP, 0},
    {"Country/Region", ROLE_COUNTRY, RULE_COUNTRY_NAME, 0},
};

static const struct preset_column klaviyo[] = {
    {"Email", ROLE_EMAIL, RULE_EMAIL, 0},
    {"Phone Number", ROLE_PHONE, RULE_PHONE, 0},
    {"First Name", ROLE_FIRST, RULE_TEXT, 0},
    {"Last Name", ROLE_LAST, RULE_TEXT, 0},
    {"City", ROLE_CITY, RULE_TEXT, 0},
    {"Region", ROLE_STATE, RULE_TEXT, 0},
    {"Country", ROLE_COUNTRY, RULE_COUNTRY_NAME, 0},
    {"Zip Code", ROLE_ZIP, RULE_ZIP, 0},
};

static const struct preset_column braze[] = {
    {"external_id", ROLE_KEY, RULE_TEXT, 0},
    {"email", ROLE_EMAIL, RULE_EMAIL, 0},
    {"phone", ROLE_PHONE, RULE_PHONE, 0},
    {"first_name", ROLE_FIRST, RULE_TEXT, 0},
    {"last_name", ROLE_LAST, RULE_TEXT, 0},
    {"dob", ROLE_DOB, RULE_DATE, 0},
    {"gender", ROLE_GENDER, RULE_GENDER, 0},
    {"home_city", ROLE_CITY, RULE_TEXT, 0},
    {"country", ROLE_COUNTRY, RULE_COUNTRY, 0},
};

static const struct preset_column google[] = {
    {"Email", ROLE_EMAIL, RULE_EMAIL, 1},
    {"Phone", ROLE_PHONE, RULE_PHONE, 1},
    {"First Name", ROLE_FIRST, RULE_NAME, 1},
    {"Last Name", ROLE_LAST, RULE_NAME, 1},
    {"Country", ROLE_COUNTRY, RULE_COUNTRY, 0},
    {"Zip", ROLE_ZIP, RULE_ZIP, 0},
};

static const struct preset_column meta[] = {
    {"email", ROLE_EMAIL, RULE_EMAIL, 1},
    {"phone", ROLE_PHONE, RULE_PHONE_DIGITS, 1},
    {"fn", ROLE_FIRST, RULE_NAME_META, 1},
    {"ln", ROLE_LAST, RULE_NAME_META, 1},
    {"ct", ROLE_CITY, RULE_PLACE_META, 1},
    {"st", ROLE_STATE, RULE_STATE_META, 1},
    {"zip", ROLE_ZIP, RULE_ZIP_META, 1},
    {"country", ROLE_COUNTRY, RULE_COUNTRY_LOWER, 1},
};

/* Email tools need consent to email; advertising audiences consent to ads. */
#define PRESET(name, cols, id, purpose) {name, (int)(sizeof cols / sizeof cols[0]), cols, id, purpose}
static const struct preset presets[] = {
    PRESET("mailchimp", mailchimp, ID_EMAIL, "email"),
    PRESET("hubspot", hubspot, ID_EMAIL, "email"),
    PRESET("klaviyo", klaviyo, ID_EMAIL_OR_PHONE, "email"),
    PRESET("braze", braze, ID_KEY, "email"),
    PRESET("google-customer-match", google, ID_CONTACT_OR_ADDRESS, "ads"),
    PRESET("meta", meta, ID_CONTACT_OR_ADDRESS, "ads"),
};
enum { NPRESETS = sizeof presets / sizeof presets[0] };

const struct preset *preset_find(const char *name)
{
    for (int i = 0; i < NPRESETS; i++)
        if (strcmp(presets[i].name, name) == 0)
            return &presets[i];
    return NULL;
}

const struct preset *preset_table(int *n)
{
    *n = NPRESETS;
    return presets;
}

const char *const *role_column_names(enum audience_role role)
{
    static const char *const none[] = {NULL};
    static const char *const names[NROLES][12] = {
        [ROLE_EMAIL] = {"email", "emailaddress", "mail", "emailaddr", NULL},
        [ROLE_PHONE] = {"phone", "phonenumber", "mobile", "mobilephone", "mobilenumber", "cellphone", "cell",
                        "telephone", "tel", "msisdn", NULL},
        [ROLE_FIRST] = {"firstname", "givenname", "forename", "fname", "first", NULL},
        [ROLE_LAST] = {"lastname", "surname", "familyname", "lname", "last", NULL},
        [ROLE_CITY] = {"city", "town", "homecity", "locality", NULL},
        [ROLE_STATE] = {"state", "region", "province", "stateregion", "stateprovince", NULL},
        [ROLE_ZIP] = {"postcode", "postalcode", "zip", "zipcode", "postal", NULL},
        [ROLE_COUNTRY] = {"country", "countrycode", "countryname", NULL},
        [ROLE_DOB] = {"birthdate", "dateofbirth", "dob", "birthday", NULL},
        [ROLE_GENDER] = {"gender", "sex", NULL},
    };
    return names[role][0] ? names[role] : none;
}

const char *value_rule_name(enum value_rule rule)
{
    static const char *const names[] = {
        [RULE_AS_IS] = "as stored", [RULE_TEXT] = "text, trimmed", [RULE_EMAIL] = "email, trimmed and lower-cased",
        [RULE_PHONE] = "phone, E.164", [RULE_PHONE_DIGITS] = "phone, E.164 digits without +",
        [RULE_NAME] = "name, lower-cased", [RULE_NAME_META] = "name, lower-cased without punctuation",
        [RULE_PLACE_META] = "city, lower-cased letters", [RULE_STATE_META] = "state, lower-cased letters or US code",
        [RULE_ZIP] = "postcode, standard form (US: 5 digits)", [RULE_ZIP_META] = "postcode, lower-cased without blanks",
        [RULE_COUNTRY] = "country, ISO 3166-1 alpha-2", [RULE_COUNTRY_LOWER] = "country, ISO 3166-1 alpha-2 lower-case",
        [RULE_COUNTRY_NAME] = "country, English name", [RULE_DATE] = "date, YYYY-MM-DD",
        [RULE_GENDER] = "gender, M F O N P",
    };
    return names[rule];
}

/* ---- text folding ---- */

static void trim(const char **s, size_t *len)
{
    while (*len && isspace((unsigned char)**s)) {
        (*s)++;
        (*len)--;
    }
    while (*len && isspace((unsigned char)(*s)[*len - 1]))
        (*len)--;
}

enum fold {
    FOLD_PUNCT = 1,     /* drop punctuation (Unicode P*) */
    FOLD_PLACE = 2,     /* drop digits, blanks, '.', '-', '(' and ')' (Meta's SDK) */
};

static utf8proc_int32_t next_cp_at(const utf8proc_uint8_t *s, utf8proc_ssize_t n)
{
    utf8proc_int32_t cp;
    utf8proc_iterate(s, n, &cp);
    return cp;
}

static int is_letter(utf8proc_int32_t cp)
{
    utf8proc_category_t cat = cp < 0 ? UTF8PROC_CATEGORY_CN : utf8proc_category(cp);
    return cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO;
}

/* Appends the lower case of cp as the Unicode full mapping has it (Python's
 * str.lower(), JavaScript's toLowerCase()), which the tools' own hashing follows:
 * İ becomes i and a combining dot, and a capital sigma that ends a word the final
 * form ς.  Everything else maps one to one. */
static void put_lower(struct strbuf *out, utf8proc_int32_t cp, int prev_letter, utf8proc_int32_t next)
{
    if (cp == 0x130) {
        strbuf_puts(out, "i\xCC\x87");
        return;
    }
    utf8proc_int32_t lower = cp == 0x3A3 && prev_letter && !is_letter(next) ? 0x3C2 : utf8proc_tolower(cp);
    utf8proc_uint8_t enc[4];
    utf8proc_ssize_t k = utf8proc_encode_char(lower, enc);
    strbuf_append(out, (const char *)enc, (size_t)k);
}

/* NFC, lower case, blanks trimmed and collapsed to one space; flags drop more.
 * Returns 0 for text that is not valid UTF-8. */
static int fold_text(const char *s, size_t len, int flags, struct strbuf *out)
{
    int ascii = 1;
    for (size_t i = 0; i < len && ascii; i++)
        ascii = (unsigned char)s[i] < 0x80;
    if (ascii) {    /* most names: no NFC, no Unicode tables */
        int pending_space = 0;
        for (size_t i = 0; i < len; i++) {
            unsigned char ch = (unsigned char)s[i];
            int blank = ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n';
            if ((flags & FOLD_PLACE) && (blank || isdigit(ch) || strchr(".-()", ch)))
                continue;
            if ((flags & FOLD_PUNCT) && ispunct(ch) && !strchr("$+<=>^`|~", ch))  /* those are symbols (S*) */
                continue;
            if (blank) {
                pending_space = out->len > 0;
                continue;
            }
            if (pending_space)
                strbuf_putc(out, ' ');
            pending_space = 0;
            strbuf_putc(out, (char)tolower(ch));
        }
        return 1;
    }
    utf8proc_uint8_t *nfc = NULL;
    utf8proc_ssize_t n = (utf8proc_ssize_t)len;
    if ((n = utf8proc_map((const utf8proc_uint8_t *)s, n, &nfc, UTF8PROC_STABLE | UTF8PROC_COMPOSE)) < 0)
        return 0;
    const utf8proc_uint8_t *text = nfc;
    int pending_space = 0, prev_letter = 0;
    for (utf8proc_ssize_t i = 0; i < n;) {
        utf8proc_int32_t cp;
        i += utf8proc_iterate(text + i, n - i, &cp);
        utf8proc_category_t cat = utf8proc_category(cp);
        int blank = cp == ' ' || cp == '\t' || cp == '\r' || cp == '\n' || cat == UTF8PROC_CATEGORY_ZS;
        if ((flags & FOLD_PLACE) && (blank || (cp >= '0' && cp <= '9') || cp == '.' || cp == '-' || cp == '(' ||
                                     cp == ')'))
            continue;
        if ((flags & FOLD_PUNCT) && cat >= UTF8PROC_CATEGORY_PC && cat <= UTF8PROC_CATEGORY_PO)
            continue;
        if (blank) {
            pending_space = out->len > 0;
            continue;
        }
        if (pending_space)
            strbuf_putc(out, ' ');
        pending_space = 0;
        put_lower(out, cp, prev_letter, i < n ? next_cp_at(text + i, n - i) : -1);
        prev_letter = cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO;
    }
    free(nfc);
    return 1;
}

/* ---- US states, for Meta's st ---- */

static const char *const us_states[][2] = {
    {"al", "alabama"}, {"ak", "alaska"}, {"az", "arizona"}, {"ar", "arkansas"}, {"ca", "california"},
    {"co", "colorado"}, {"ct", "connecticut"}, {"de", "delaware"}, {"dc", "district of columbia"},
    {"fl", "florida"}, {"ga", "georgia"}, {"hi", "hawaii"}, {"id", "idaho"}, {"il", "illinois"},
    {"in", "indiana"}, {"ia", "iowa"}, {"ks", "kansas"}, {"ky", "kentucky"}, {"la", "louisiana"},
    {"me", "maine"}, {"md", "maryland"}, {"ma", "massachusetts"}, {"mi", "michigan"}, {"mn", "minnesota"},
    {"ms", "mississippi"}, {"mo", "missouri"}, {"mt", "montana"}, {"ne", "nebraska"}, {"nv", "nevada"},
    {"nh", "new hampshire"}, {"nj", "new jersey"}, {"nm", "new mexico"}, {"ny", "new york"},
    {"nc", "north carolina"}, {"nd", "north dakota"}, {"oh", "ohio"}, {"ok", "oklahoma"}, {"or", "oregon"},
    {"pa", "pennsylvania"}, {"ri", "rhode island"}, {"sc", "south carolina"}, {"sd", "south dakota"},
    {"tn", "tennessee"}, {"tx", "texas"}, {"ut", "utah"}, {"vt", "vermont"}, {"va", "virginia"},
    {"wa", "washington"}, {"wv", "west virginia"}, {"wi", "wisconsin"}, {"wy", "wyoming"},
};

/* The two-letter code of a US state written by name or code (lower case, one space
 * between words, '.' dropped), or NULL. */
static const char *us_state_code(const char *folded)
{
    char key[32];
    size_t k = 0;
    for (const char *p = folded; *p && k + 1 < sizeof key; p++)
        if (*p != '.')
            key[k++] = *p;
    key[k] = '\0';
    for (size_t i = 0; i < sizeof us_states / sizeof us_states[0]; i++)
        if (strcmp(key, us_states[i][0]) == 0 || strcmp(key, us_states[i][1]) == 0)
            return us_states[i][0];
    return NULL;
}

/* ---- the rules ---- */

static int gender_code(const char *s, size_t len, struct strbuf *out)
{
    static const char *const words[][2] = {
        {"m", "M"}, {"male", "M"}, {"man", "M"}, {"h", "M"}, {"homme", "M"}, {"masculin", "M"},
        {"masculino", "M"}, {"männlich", "M"}, {"f", "F"}, {"female", "F"}, {"woman", "F"}, {"w", "F"},
        {"femme", "F"}, {"féminin", "F"}, {"femenino", "F"}, {"weiblich", "F"}, {"o", "O"}, {"other", "O"},
        {"x", "O"}, {"non-binary", "O"}, {"nonbinary", "O"}, {"non binary", "O"}, {"diverse", "O"},
        {"divers", "O"}, {"n", "N"}, {"not applicable", "N"}, {"n/a", "N"}, {"p", "P"},
        {"prefer not to say", "P"}, {"prefer not to answer", "P"}, {"undisclosed", "P"},
    };
    struct strbuf low = {0};
    int found = 0;
    if (fold_text(s, len, 0, &low))
        for (size_t i = 0; !found && i < sizeof words / sizeof words[0]; i++)
            if (strcmp(strbuf_str(&low), words[i][0]) == 0) {
                strbuf_puts(out, words[i][1]);
                found = 1;
            }
    strbuf_free(&low);
    return found;
}

int value_apply(enum value_rule rule, const char *s, size_t len, const struct row_facts *row, struct strbuf *out)
{
    strbuf_reset(out);
    if (rule != RULE_AS_IS)
        trim(&s, &len);
    if (len == 0)
        return 0;
    char buf[64], why[256];
    const char *iso;
    switch (rule) {
    case RULE_AS_IS:
    case RULE_TEXT:
        strbuf_append(out, s, len);
        return 1;
    case RULE_EMAIL:
        return email_normalize(s, len, out, why, sizeof why) == 0;
    case RULE_PHONE:
    case RULE_PHONE_DIGITS: {
        struct phone_number n;
        if (phone_read(s, len, row->country, &n, why, sizeof why))
            return 0;
        strbuf_puts(out, rule == RULE_PHONE ? n.e164 : n.e164 + 1);
        return 1;
    }
    case RULE_NAME:
    case RULE_NAME_META:
    case RULE_PLACE_META:
        return fold_text(s, len, rule == RULE_NAME ? 0 : rule == RULE_NAME_META ? FOLD_PUNCT : FOLD_PLACE, out) &&
               out->len > 0;
    case RULE_STATE_META: {
        if (!fold_text(s, len, 0, out))
            return 0;
        const char *code = row->country && strcmp(row->country, "US") == 0 ? us_state_code(strbuf_str(out)) : NULL;
        strbuf_reset(out);
        if (code)
            strbuf_puts(out, code);
        else if (!fold_text(s, len, FOLD_PLACE, out))
            return 0;
        return out->len > 0;
    }
    case RULE_ZIP:
        if (row->country && postcode_has_format(row->country) &&
            postcode_normalize(row->country, s, len, buf, why, sizeof why) == 0) {
            strbuf_append(out, buf, strcmp(row->country, "US") == 0 ? strcspn(buf, "-") : strlen(buf));
            return 1;
        }
        strbuf_append(out, s, len);
        return 1;
    case RULE_ZIP_META:
        for (size_t i = 0; i < len && s[i] != '-'; i++)
            if (!isspace((unsigned char)s[i]))
                strbuf_putc(out, (char)tolower((unsigned char)s[i]));
        return out->len > 0;
    case RULE_COUNTRY:
    case RULE_COUNTRY_LOWER:
    case RULE_COUNTRY_NAME:
        if (!(iso = country_code(s, len)))
            return 0;
        if (rule == RULE_COUNTRY_NAME) {
            if (!country_name(iso))
                return 0;
            strbuf_puts(out, country_name(iso));
        } else {
            for (const char *p = iso; *p; p++)
                strbuf_putc(out, rule == RULE_COUNTRY ? *p : (char)tolower((unsigned char)*p));
        }
        return 1;
    case RULE_DATE:
        if (!row->dates || date_to_iso(row->dates, s, len, buf, why, sizeof why))
            return 0;
        strbuf_append(out, buf, 10);
        return 1;
    case RULE_GENDER:
        return gender_code(s, len, out);
    }
    return 0;
}

int preset_row_usable(const struct preset *p, const size_t *lens)
{
    size_t by_role[NROLES] = {0};
    for (int i = 0; i < p->ncols; i++)
        by_role[p->cols[i].role] += lens[i];
    switch (p->identifier) {
    case ID_EMAIL:
        return by_role[ROLE_EMAIL] > 0;
    case ID_EMAIL_OR_PHONE:
        return by_role[ROLE_EMAIL] > 0 || by_role[ROLE_PHONE] > 0;
    case ID_KEY:
        return by_role[ROLE_KEY] > 0;
    case ID_CONTACT_OR_ADDRESS:
        return by_role[ROLE_EMAIL] > 0 || by_role[ROLE_PHONE] > 0 ||
               (by_role[ROLE_FIRST] > 0 && by_role[ROLE_LAST] > 0 && by_role[ROLE_COUNTRY] > 0 &&
                by_role[ROLE_ZIP] > 0);
    }
    return 0;
}
