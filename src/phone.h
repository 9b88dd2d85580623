/* phone.h — phone numbers to E.164 ("+442079460959"), by a compact numbering-plan
 * table.
 *
 * A number written with '+' or an international call prefix (00; 011 in the NANP,
 * 010 in Japan, 0011 in Australia) carries its country code; any other number is
 * national and read in the default country.  The national (trunk) prefix is dropped
 * from national numbers (0 in most of Europe and Japan, 1 in the NANP), and from an
 * international number only where it is written "(0)".  The remaining national
 * significant number must fit its country's plan: allowed leading digits and
 * lengths, and for the NANP an area code and exchange that start with 2-9 and are
 * not N11.  French overseas numbers dialled through France (0692…, 0590…) get their
 * own country codes (+262, +590, +594, +596).  A number that does not fit is not
 * changed: the caller reports why. */
#ifndef PERSONA_PHONE_H
#define PERSONA_PHONE_H

#include <stddef.h>

/* Whether the table has a plan for this ISO 3166 alpha-2 code (upper case). */
int phone_has_plan(const char *iso2);

/* The alpha-2 codes with a plan, ", "-separated (for messages); a static string. */
const char *phone_plan_list(void);

/* Converts the phone number [s, s+len) to E.164 in out (at least 20 bytes) with
 * default_iso2 (NULL or "": none) as the country of national numbers.  Returns 0, or
 * -1 with a reason in why ("US numbers have 10 digits after +1, this has 11"). */
int phone_to_e164(const char *s, size_t len, const char *default_iso2, char *out, char *why, size_t whylen);

#endif
