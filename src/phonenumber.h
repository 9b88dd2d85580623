/* phonenumber.h — the C face of Google's libphonenumber (phonenumber.cc, the one
 * C++ file of the project).
 *
 * libphonenumber has only a C++ API; this header is all the rest of Persona sees of
 * it.  It reads and checks a number against the library's metadata and nothing
 * else: what Persona makes of the result (fallbacks, messages, the cleaned form) is
 * decided in phone.c. */
#ifndef PERSONA_PHONENUMBER_H
#define PERSONA_PHONENUMBER_H

#ifdef __cplusplus
extern "C" {
#endif

/* Why a text could not be read as a number at all (libphonenumber's ErrorType). */
enum pn_error {
    PN_PARSED,              /* read; see the validity in struct pn_number */
    PN_NO_COUNTRY,          /* no or unknown country calling code, and no region to assume */
    PN_NOT_A_NUMBER,        /* too few digits, or not a phone number's characters */
    PN_SHORT_AFTER_PREFIX,  /* only a few digits after the international prefix */
    PN_SHORT,               /* too short to be a number of any country */
    PN_LONG,                /* longer than any number can be */
};

/* How a read number fits its country's plan (IsPossibleNumberWithReason, IsValidNumber). */
enum pn_fit {
    PN_VALID,               /* in a range of the plan */
    PN_UNALLOCATED,         /* a length the plan allows, but no range of the plan holds it */
    PN_LOCAL_ONLY,          /* dialable only inside its area: the area code is missing */
    PN_TOO_SHORT,
    PN_TOO_LONG,
    PN_BAD_LENGTH,          /* between lengths the plan allows */
    PN_BAD_COUNTRY_CODE,
};

/* libphonenumber's number types. */
enum pn_type {
    PN_FIXED_LINE, PN_MOBILE, PN_FIXED_LINE_OR_MOBILE, PN_TOLL_FREE, PN_PREMIUM_RATE, PN_SHARED_COST,
    PN_VOIP, PN_PERSONAL_NUMBER, PN_PAGER, PN_UAN, PN_VOICEMAIL, PN_UNKNOWN,
};

struct pn_number {
    char e164[20];          /* "+442079460959" */
    char extension[24];     /* digits, "" when none (or one longer than this) */
    char region[4];         /* the region the number belongs to, "" when not valid; "001" non-geographic */
    int country_code;
    enum pn_fit fit;
    enum pn_type type;      /* PN_UNKNOWN unless valid */
};

/* Reads the NUL-terminated UTF-8 text as a phone number, with default_region
 * (alpha-2, or NULL) as the country of a number written without its calling code.
 * The library itself understands '+' and the region's international prefix, tel:
 * URIs (RFC 3966), extensions ("x123", "ext. 45", ";ext="), a national prefix
 * after the country code, full-width and other Unicode digits, and vanity letters.
 * Returns PN_PARSED and fills *n, or the reason it could not read one.
 * Thread-safe; the metadata is loaded on the first call. */
enum pn_error pn_parse(const char *text, const char *default_region, struct pn_number *n);

/* Whether libphonenumber has a numbering plan for the alpha-2 region. */
int pn_region_known(const char *iso2);

/* How many regions libphonenumber knows. */
int pn_region_count(void);

#ifdef __cplusplus
}
#endif

#endif
