// phonenumber.cc — the C interface to libphonenumber (see phonenumber.h).
//
// The only C++ in Persona: libphonenumber has no C API, and writing numbering plans
// for every country by hand is what this file replaces.  It translates, and
// decides nothing.
#include "phonenumber.h"

#include <cstring>
#include <set>
#include <string>

#include <phonenumbers/logger.h>
#include <phonenumbers/phonenumber.pb.h>
#include <phonenumbers/phonenumberutil.h>

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

namespace {

// The library's singleton, with its logging silenced: it would write to stdout,
// which is the command's output.
const PhoneNumberUtil &util()
{
    static PhoneNumberUtil *u = [] {
        PhoneNumberUtil *p = PhoneNumberUtil::GetInstance();
        p->SetLogger(new i18n::phonenumbers::NullLogger());
        return p;
    }();
    return *u;
}

enum pn_error from_error(PhoneNumberUtil::ErrorType e)
{
    switch (e) {
    case PhoneNumberUtil::NO_PARSING_ERROR: return PN_PARSED;
    case PhoneNumberUtil::INVALID_COUNTRY_CODE_ERROR: return PN_NO_COUNTRY;
    case PhoneNumberUtil::NOT_A_NUMBER: return PN_NOT_A_NUMBER;
    case PhoneNumberUtil::TOO_SHORT_AFTER_IDD: return PN_SHORT_AFTER_PREFIX;
    case PhoneNumberUtil::TOO_SHORT_NSN: return PN_SHORT;
    case PhoneNumberUtil::TOO_LONG_NSN: return PN_LONG;
    }
    return PN_NOT_A_NUMBER;
}

enum pn_fit from_validation(PhoneNumberUtil::ValidationResult v)
{
    switch (v) {
    case PhoneNumberUtil::IS_POSSIBLE: return PN_UNALLOCATED;
    case PhoneNumberUtil::IS_POSSIBLE_LOCAL_ONLY: return PN_LOCAL_ONLY;
    case PhoneNumberUtil::INVALID_COUNTRY_CODE: return PN_BAD_COUNTRY_CODE;
    case PhoneNumberUtil::TOO_SHORT: return PN_TOO_SHORT;
    case PhoneNumberUtil::INVALID_LENGTH: return PN_BAD_LENGTH;
    case PhoneNumberUtil::TOO_LONG: return PN_TOO_LONG;
    }
    return PN_BAD_LENGTH;
}

enum pn_type from_type(PhoneNumberUtil::PhoneNumberType t)
{
    switch (t) {
    case PhoneNumberUtil::FIXED_LINE: return PN_FIXED_LINE;
    case PhoneNumberUtil::MOBILE: return PN_MOBILE;
    case PhoneNumberUtil::FIXED_LINE_OR_MOBILE: return PN_FIXED_LINE_OR_MOBILE;
    case PhoneNumberUtil::TOLL_FREE: return PN_TOLL_FREE;
    case PhoneNumberUtil::PREMIUM_RATE: return PN_PREMIUM_RATE;
    case PhoneNumberUtil::SHARED_COST: return PN_SHARED_COST;
    case PhoneNumberUtil::VOIP: return PN_VOIP;
    case PhoneNumberUtil::PERSONAL_NUMBER: return PN_PERSONAL_NUMBER;
    case PhoneNumberUtil::PAGER: return PN_PAGER;
    case PhoneNumberUtil::UAN: return PN_UAN;
    case PhoneNumberUtil::VOICEMAIL: return PN_VOICEMAIL;
    case PhoneNumberUtil::UNKNOWN: return PN_UNKNOWN;
    }
    return PN_UNKNOWN;
}

void copy(char *dst, size_t size, const std::string &s)
{
    size_t n = s.size() < size ? s.size() : 0;     // too long: left empty, never cut
    memcpy(dst, s.data(), n);
    dst[n] = '\0';
}

}  // namespace

extern "C" enum pn_error pn_parse(const char *text, const char *default_region, struct pn_number *n)
{
    const PhoneNumberUtil &u = util();
    memset(n, 0, sizeof *n);
    PhoneNumber number;
    PhoneNumberUtil::ErrorType e = u.Parse(text, default_region && *default_region ? default_region : "ZZ", &number);
    if (e != PhoneNumberUtil::NO_PARSING_ERROR)
        return from_error(e);
    std::string s;
    u.Format(number, PhoneNumberUtil::E164, &s);
    copy(n->e164, sizeof n->e164, s);
    if (number.has_extension())
        copy(n->extension, sizeof n->extension, number.extension());
    n->country_code = number.country_code();
    n->type = PN_UNKNOWN;
    if (u.IsValidNumber(number)) {
        n->fit = PN_VALID;
        n->type = from_type(u.GetNumberType(number));
        u.GetRegionCodeForNumber(number, &s);
        copy(n->region, sizeof n->region, s);
    } else {
        n->fit = from_validation(u.IsPossibleNumberWithReason(number));
    }
    return PN_PARSED;
}

namespace {

const std::set<std::string> &regions()
{
    static const std::set<std::string> known = [] {
        std::set<std::string> r;
        util().GetSupportedRegions(&r);
        return r;
    }();
    return known;
}

}  // namespace

extern "C" int pn_region_known(const char *iso2) { return iso2 && regions().count(iso2) > 0; }

extern "C" int pn_region_count(void) { return (int)regions().size(); }
