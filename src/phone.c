/* phone.c — what Persona makes of libphonenumber's reading (the rules are in
 * phone.h). */
#include "phone.h"

#include <stdio.h>
#include <string.h>

int phone_region_known(const char *iso2) { return pn_region_known(iso2); }

const char *phone_type_name(enum pn_type t)
{
    static const char *const names[] = {
        [PN_FIXED_LINE] = "fixed line", [PN_MOBILE] = "mobile", [PN_FIXED_LINE_OR_MOBILE] = "fixed line or mobile",
        [PN_TOLL_FREE] = "toll free", [PN_PREMIUM_RATE] = "premium rate", [PN_SHARED_COST] = "shared cost",
        [PN_VOIP] = "VoIP", [PN_PERSONAL_NUMBER] = "personal number", [PN_PAGER] = "pager", [PN_UAN] = "UAN",
        [PN_VOICEMAIL] = "voicemail", [PN_UNKNOWN] = "unknown",
    };
    return (unsigned)t < sizeof names / sizeof names[0] ? names[t] : "unknown";
}

/* Where an international call prefix ends when the number begins with one that
 * the region's own reading did not take: 00, the prefix of most of the world, and
 * with no region 011, the NANP's; 0 otherwise.  ("011" in a region is a national
 * number: 0113 is Leeds.) */
static size_t call_prefix_end(const char *s, const char *region)
{
    size_t i = strspn(s, " \t(");
    if (strncmp(s + i, "00", 2) == 0)
        return i + 2;
    if (!region && strncmp(s + i, "011", 3) == 0)
        return i + 3;
    return 0;
}

/* Why a number libphonenumber read is not valid, for the report. */
static void explain_fit(const struct pn_number *p, char *why, size_t whylen)
{
    switch (p->fit) {
    case PN_VALID:
        why[0] = '\0';
        break;
    case PN_UNALLOCATED:
        snprintf(why, whylen, "%s is in no range of the +%d numbering plan (only its length is right)", p->e164,
                 p->country_code);
        break;
    case PN_LOCAL_ONLY:
        snprintf(why, whylen, "a local +%d number without its area code", p->country_code);
        break;
    case PN_TOO_SHORT:
        snprintf(why, whylen, "too short for a +%d number", p->country_code);
        break;
    case PN_TOO_LONG:
        snprintf(why, whylen, "too long for a +%d number", p->country_code);
        break;
    case PN_BAD_LENGTH:
        snprintf(why, whylen, "a length no +%d number has", p->country_code);
        break;
    case PN_BAD_COUNTRY_CODE:
        snprintf(why, whylen, "+%d is not a country calling code", p->country_code);
        break;
    }
}

static void explain_error(enum pn_error e, const char *region, char *why, size_t whylen)
{
    switch (e) {
    case PN_PARSED:
        why[0] = '\0';
        break;
    case PN_NO_COUNTRY:
        if (region)
            snprintf(why, whylen, "not a country calling code after the international prefix");
        else
            snprintf(why, whylen, "a national number, and no country to read it in (phone:CC, or phone:COL "
                                  "with each row's country)");
        break;
    case PN_NOT_A_NUMBER:
        snprintf(why, whylen, "not a phone number");
        break;
    case PN_SHORT_AFTER_PREFIX:
    case PN_SHORT:
        snprintf(why, whylen, "too short to be a phone number");
        break;
    case PN_LONG:
        snprintf(why, whylen, "too long to be a phone number");
        break;
    }
}

int phone_read(const char *s, size_t len, const char *default_region, struct phone_number *n, char *why,
               size_t whylen)
{
    char text[256];
    memset(n, 0, sizeof *n);
    if (len >= sizeof text || memchr(s, '\0', len)) {
        snprintf(why, whylen, len >= sizeof text ? "too long to be a phone number" : "not a phone number");
        return -1;
    }
    memcpy(text, s, len);
    text[len] = '\0';
    const char *region = default_region && *default_region ? default_region : NULL;
    struct pn_number p;
    enum pn_error e = pn_parse(text, region, &p);
    if (e != PN_PARSED || p.fit != PN_VALID) {
        /* "0044 20 …" in a US column, or with no region: 00 and 011 are the
         * international prefixes of most of the world, and what follows them is
         * accepted only if it is a valid number of its own country */
        size_t end = call_prefix_end(text, region);
        struct pn_number q;
        if (end && end < len) {
            char intl[sizeof text + 1];
            snprintf(intl, sizeof intl, "+%s", text + end);
            if (pn_parse(intl, NULL, &q) == PN_PARSED && q.fit == PN_VALID) {
                e = PN_PARSED;
                p = q;
            }
        }
    }
    if (e != PN_PARSED) {
        explain_error(e, region, why, whylen);
        return -1;
    }
    if (p.fit != PN_VALID) {
        explain_fit(&p, why, whylen);
        return -1;
    }
    memcpy(n->e164, p.e164, sizeof n->e164);
    memcpy(n->extension, p.extension, sizeof n->extension);
    n->type = p.type;
    return 0;
}

void phone_clean_form(const struct phone_number *n, char *out, size_t size)
{
    if (n->extension[0])
        snprintf(out, size, "%s;ext=%s", n->e164, n->extension);
    else
        snprintf(out, size, "%s", n->e164);
}
