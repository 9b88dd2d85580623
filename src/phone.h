/* phone.h — phone numbers read by libphonenumber (phonenumber.h) and written as
 * E.164, the form ad platforms hash and any system can dial.
 *
 * A number is accepted only when libphonenumber's metadata holds it in a range of
 * its country's plan: a number of the right length that no range holds ("(555)
 * 555-5555" in the US) is refused, with the reason.  Written forms understood:
 * '+CC …', the default region's international prefix, and 00 or 011 before a
 * calling code where the region's own reading is not a valid number; "(0)" or a
 * trunk 0 after the calling code; tel: URIs; extensions ("x123", "ext. 45",
 * ";ext=45"); full-width digits; vanity letters ("1-800-FLOWERS").
 *
 * The cleaned form is E.164, followed by RFC 3966's ";ext=N" when the number has an
 * extension ("+441212345678;ext=123"): one cell keeps everything the number says,
 * and phone_read() reads the cleaned form back to the same number.  Code that needs
 * the dialable number alone (hashing for an ad platform) takes .e164. */
#ifndef PERSONA_PHONE_H
#define PERSONA_PHONE_H

#include <stddef.h>

#include "phonenumber.h"

struct phone_number {
    char e164[20];
    char extension[24];     /* digits; "" none */
    enum pn_type type;
};

/* Whether libphonenumber has a numbering plan for the alpha-2 code (upper case). */
int phone_region_known(const char *iso2);

/* Reads the phone number [s, s+len) with default_region (alpha-2; NULL or "": none)
 * as the country of a number written without its calling code.  Returns 0 and fills
 * *n, or -1 with the reason in why ("+15555555555 is in no range of the +1
 * numbering plan (only its length is right)"). */
int phone_read(const char *s, size_t len, const char *default_region, struct phone_number *n, char *why,
               size_t whylen);

/* Writes the cleaned form of n (see above) into out, which has room for 48 bytes. */
void phone_clean_form(const struct phone_number *n, char *out, size_t size);

/* The number type in words: "mobile", "fixed line", "toll free", … */
const char *phone_type_name(enum pn_type t);

#endif
