/* country.c — the country table, name folding, and postcode formats. */
#include "country.h"

#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "strbuf.h"

/* ISO 3166-1: alpha-2, alpha-3, English short name. */
static const char *const iso3166[][3] = {
    {"AD", "AND", "Andorra"}, {"AE", "ARE", "United Arab Emirates"}, {"AF", "AFG", "Afghanistan"},
    {"AG", "ATG", "Antigua and Barbuda"}, {"AI", "AIA", "Anguilla"}, {"AL", "ALB", "Albania"},
    {"AM", "ARM", "Armenia"}, {"AO", "AGO", "Angola"}, {"AQ", "ATA", "Antarctica"},
    {"AR", "ARG", "Argentina"}, {"AS", "ASM", "American Samoa"}, {"AT", "AUT", "Austria"},
    {"AU", "AUS", "Australia"}, {"AW", "ABW", "Aruba"}, {"AX", "ALA", "Åland Islands"},
    {"AZ", "AZE", "Azerbaijan"}, {"BA", "BIH", "Bosnia and Herzegovina"}, {"BB", "BRB", "Barbados"},
    {"BD", "BGD", "Bangladesh"}, {"BE", "BEL", "Belgium"}, {"BF", "BFA", "Burkina Faso"},
    {"BG", "BGR", "Bulgaria"}, {"BH", "BHR", "Bahrain"}, {"BI", "BDI", "Burundi"},
    {"BJ", "BEN", "Benin"}, {"BL", "BLM", "Saint Barthélemy"}, {"BM", "BMU", "Bermuda"},
    {"BN", "BRN", "Brunei Darussalam"}, {"BO", "BOL", "Bolivia"}, {"BQ", "BES", "Bonaire, Sint Eustatius and Saba"},
    {"BR", "BRA", "Brazil"}, {"BS", "BHS", "Bahamas"}, {"BT", "BTN", "Bhutan"},
    {"BV", "BVT", "Bouvet Island"}, {"BW", "BWA", "Botswana"}, {"BY", "BLR", "Belarus"},
    {"BZ", "BLZ", "Belize"}, {"CA", "CAN", "Canada"}, {"CC", "CCK", "Cocos (Keeling) Islands"},
    {"CD", "COD", "Congo, Democratic Republic of the"}, {"CF", "CAF", "Central African Republic"},
    {"CG", "COG", "Congo"}, {"CH", "CHE", "Switzerland"}, {"CI", "CIV", "Côte d'Ivoire"},
    {"CK", "COK", "Cook Islands"}, {"CL", "CHL", "Chile"}, {"CM", "CMR", "Cameroon"},
    {"CN", "CHN", "China"}, {"CO", "COL", "Colombia"}, {"CR", "CRI", "Costa Rica"},
    {"CU", "CUB", "Cuba"}, {"CV", "CPV", "Cabo Verde"}, {"CW", "CUW", "Curaçao"},
    {"CX", "CXR", "Christmas Island"}, {"CY", "CYP", "Cyprus"}, {"CZ", "CZE", "Czechia"},
    {"DE", "DEU", "Germany"}, {"DJ", "DJI", "Djibouti"}, {"DK", "DNK", "Denmark"},
    {"DM", "DMA", "Dominica"}, {"DO", "DOM", "Dominican Republic"}, {"DZ", "DZA", "Algeria"},
    {"EC", "ECU", "Ecuador"}, {"EE", "EST", "Estonia"}, {"EG", "EGY", "Egypt"},
    {"EH", "ESH", "Western Sahara"}, {"ER", "ERI", "Eritrea"}, {"ES", "ESP", "Spain"},
    {"ET", "ETH", "Ethiopia"}, {"FI", "FIN", "Finland"}, {"FJ", "FJI", "Fiji"},
    {"FK", "FLK", "Falkland Islands"}, {"FM", "FSM", "Micronesia"}, {"FO", "FRO", "Faroe Islands"},
    {"FR", "FRA", "France"}, {"GA", "GAB", "Gabon"}, {"GB", "GBR", "United Kingdom"},
    {"GD", "GRD", "Grenada"}, {"GE", "GEO", "Georgia"}, {"GF", "GUF", "French Guiana"},
    {"GG", "GGY", "Guernsey"}, {"GH", "GHA", "Ghana"}, {"GI", "GIB", "Gibraltar"},
    {"GL", "GRL", "Greenland"}, {"GM", "GMB", "Gambia"}, {"GN", "GIN", "Guinea"},
    {"GP", "GLP", "Guadeloupe"}, {"GQ", "GNQ", "Equatorial Guinea"}, {"GR", "GRC", "Greece"},
    {"GS", "SGS", "South Georgia and the South Sandwich Islands"}, {"GT", "GTM", "Guatemala"},
    {"GU", "GUM", "Guam"}, {"GW", "GNB", "Guinea-Bissau"}, {"GY", "GUY", "Guyana"},
    {"HK", "HKG", "Hong Kong"}, {"HM", "HMD", "Heard Island and McDonald Islands"}, {"HN", "HND", "Honduras"},
    {"HR", "HRV", "Croatia"}, {"HT", "HTI", "Haiti"}, {"HU", "HUN", "Hungary"},
    {"ID", "IDN", "Indonesia"}, {"IE", "IRL", "Ireland"}, {"IL", "ISR", "Israel"},
    {"IM", "IMN", "Isle of Man"}, {"IN", "IND", "India"}, {"IO", "IOT", "British Indian Ocean Territory"},
    {"IQ", "IRQ", "Iraq"}, {"IR", "IRN", "Iran"}, {"IS", "ISL", "Iceland"},
    {"IT", "ITA", "Italy"}, {"JE", "JEY", "Jersey"}, {"JM", "JAM", "Jamaica"},
    {"JO", "JOR", "Jordan"}, {"JP", "JPN", "Japan"}, {"KE", "KEN", "Kenya"},
    {"KG", "KGZ", "Kyrgyzstan"}, {"KH", "KHM", "Cambodia"}, {"KI", "KIR", "Kiribati"},
    {"KM", "COM", "Comoros"}, {"KN", "KNA", "Saint Kitts and Nevis"}, {"KP", "PRK", "North Korea"},
    {"KR", "KOR", "South Korea"}, {"KW", "KWT", "Kuwait"}, {"KY", "CYM", "Cayman Islands"},
    {"KZ", "KAZ", "Kazakhstan"}, {"LA", "LAO", "Laos"}, {"LB", "LBN", "Lebanon"},
    {"LC", "LCA", "Saint Lucia"}, {"LI", "LIE", "Liechtenstein"}, {"LK", "LKA", "Sri Lanka"},
    {"LR", "LBR", "Liberia"}, {"LS", "LSO", "Lesotho"}, {"LT", "LTU", "Lithuania"},
    {"LU", "LUX", "Luxembourg"}, {"LV", "LVA", "Latvia"}, {"LY", "LBY", "Libya"},
    {"MA", "MAR", "Morocco"}, {"MC", "MCO", "Monaco"}, {"MD", "MDA", "Moldova"},
    {"ME", "MNE", "Montenegro"}, {"MF", "MAF", "Saint Martin (French part)"}, {"MG", "MDG", "Madagascar"},
    {"MH", "MHL", "Marshall Islands"}, {"MK", "MKD", "North Macedonia"}, {"ML", "MLI", "Mali"},
    {"MM", "MMR", "Myanmar"}, {"MN", "MNG", "Mongolia"}, {"MO", "MAC", "Macao"},
    {"MP", "MNP", "Northern Mariana Islands"}, {"MQ", "MTQ", "Martinique"}, {"MR", "MRT", "Mauritania"},
    {"MS", "MSR", "Montserrat"}, {"MT", "MLT", "Malta"}, {"MU", "MUS", "Mauritius"},
    {"MV", "MDV", "Maldives"}, {"MW", "MWI", "Malawi"}, {"MX", "MEX", "Mexico"},
    {"MY", "MYS", "Malaysia"}, {"MZ", "MOZ", "Mozambique"}, {"NA", "NAM", "Namibia"},
    {"NC", "NCL", "New Caledonia"}, {"NE", "NER", "Niger"}, {"NF", "NFK", "Norfolk Island"},
    {"NG", "NGA", "Nigeria"}, {"NI", "NIC", "Nicaragua"}, {"NL", "NLD", "Netherlands"},
    {"NO", "NOR", "Norway"}, {"NP", "NPL", "Nepal"}, {"NR", "NRU", "Nauru"},
    {"NU", "NIU", "Niue"}, {"NZ", "NZL", "New Zealand"}, {"OM", "OMN", "Oman"},
    {"PA", "PAN", "Panama"}, {"PE", "PER", "Peru"}, {"PF", "PYF", "French Polynesia"},
    {"PG", "PNG", "Papua New Guinea"}, {"PH", "PHL", "Philippines"}, {"PK", "PAK", "Pakistan"},
    {"PL", "POL", "Poland"}, {"PM", "SPM", "Saint Pierre and Miquelon"}, {"PN", "PCN", "Pitcairn"},
    {"PR", "PRI", "Puerto Rico"}, {"PS", "PSE", "Palestine"}, {"PT", "PRT", "Portugal"},
    {"PW", "PLW", "Palau"}, {"PY", "PRY", "Paraguay"}, {"QA", "QAT", "Qatar"},
    {"RE", "REU", "Réunion"}, {"RO", "ROU", "Romania"}, {"RS", "SRB", "Serbia"},
    {"RU", "RUS", "Russia"}, {"RW", "RWA", "Rwanda"}, {"SA", "SAU", "Saudi Arabia"},
    {"SB", "SLB", "Solomon Islands"}, {"SC", "SYC", "Seychelles"}, {"SD", "SDN", "Sudan"},
    {"SE", "SWE", "Sweden"}, {"SG", "SGP", "Singapore"}, {"SH", "SHN", "Saint Helena, Ascension and Tristan da Cunha"},
    {"SI", "SVN", "Slovenia"}, {"SJ", "SJM", "Svalbard and Jan Mayen"}, {"SK", "SVK", "Slovakia"},
    {"SL", "SLE", "Sierra Leone"}, {"SM", "SMR", "San Marino"}, {"SN", "SEN", "Senegal"},
    {"SO", "SOM", "Somalia"}, {"SR", "SUR", "Suriname"}, {"SS", "SSD", "South Sudan"},
    {"ST", "STP", "Sao Tome and Principe"}, {"SV", "SLV", "El Salvador"}, {"SX", "SXM", "Sint Maarten (Dutch part)"},
    {"SY", "SYR", "Syria"}, {"SZ", "SWZ", "Eswatini"}, {"TC", "TCA", "Turks and Caicos Islands"},
    {"TD", "TCD", "Chad"}, {"TF", "ATF", "French Southern Territories"}, {"TG", "TGO", "Togo"},
    {"TH", "THA", "Thailand"}, {"TJ", "TJK", "Tajikistan"}, {"TK", "TKL", "Tokelau"},
    {"TL", "TLS", "Timor-Leste"}, {"TM", "TKM", "Turkmenistan"}, {"TN", "TUN", "Tunisia"},
    {"TO", "TON", "Tonga"}, {"TR", "TUR", "Türkiye"}, {"TT", "TTO", "Trinidad and Tobago"},
    {"TV", "TUV", "Tuvalu"}, {"TW", "TWN", "Taiwan"}, {"TZ", "TZA", "Tanzania"},
    {"UA", "UKR", "Ukraine"}, {"UG", "UGA", "Uganda"}, {"UM", "UMI", "United States Minor Outlying Islands"},
    {"US", "USA", "United States"}, {"UY", "URY", "Uruguay"}, {"UZ", "UZB", "Uzbekistan"},
    {"VA", "VAT", "Holy See"}, {"VC", "VCT", "Saint Vincent and the Grenadines"}, {"VE", "VEN", "Venezuela"},
    {"VG", "VGB", "British Virgin Islands"}, {"VI", "VIR", "U.S. Virgin Islands"}, {"VN", "VNM", "Viet Nam"},
    {"VU", "VUT", "Vanuatu"}, {"WF", "WLF", "Wallis and Futuna"}, {"WS", "WSM", "Samoa"},
    {"YE", "YEM", "Yemen"}, {"YT", "MYT", "Mayotte"}, {"ZA", "ZAF", "South Africa"},
    {"ZM", "ZMB", "Zambia"}, {"ZW", "ZWE", "Zimbabwe"},
};
enum { N_ISO = sizeof iso3166 / sizeof iso3166[0] };

/* Other ways of writing a country: common English forms and codes, then the names
 * in French, German, Spanish, Italian, Dutch, Portuguese and Japanese ('|'-separated;
 * folded like the input, so accents and case do not matter). */
static const char *const aliases[][2] = {
    {"US", "usa|u s a|u s|us of a|united states of america|america|vereinigte staaten|etats unis|"
           "estados unidos|eeuu|stati uniti|verenigde staten|estados unidos da america|アメリカ|アメリカ合衆国|米国"},
    {"GB", "uk|u k|great britain|britain|england|scotland|wales|northern ireland|united kingdom of great britain "
           "and northern ireland|royaume uni|grande bretagne|angleterre|vereinigtes konigreich|grossbritannien|"
           "england|reino unido|gran bretana|inglaterra|regno unito|gran bretagna|inghilterra|verenigd koninkrijk|"
           "groot brittannie|engeland|イギリス|英国"},
    {"DE", "ger|brd|deutschland|federal republic of germany|allemagne|alemania|germania|duitsland|alemanha|"
           "ドイツ|bundesrepublik deutschland"},
    {"FR", "frankreich|francia|frankrijk|franca|フランス|republique francaise"},
    {"ES", "espana|espagne|spanien|spagna|spanje|espanha|スペイン|reino de espana"},
    {"IT", "italia|italie|italien|italie|italië|italy|イタリア"},
    {"NL", "holland|the netherlands|nederland|pays bas|niederlande|paises bajos|paesi bassi|holanda|"
           "ned|オランダ"},
    {"JP", "nippon|nihon|japon|giappone|japan|日本|日本国"},
    {"CA", "kanada|canada|カナダ"},
    {"CH", "sui|schweiz|suisse|svizzera|suiza|zwitserland|suica|スイス|swiss confederation"},
    {"AT", "osterreich|autriche|austria|oostenrijk|オーストリア"},
    {"BE", "belgique|belgien|belgica|belgio|belgie|ベルギー"},
    {"IE", "eire|irland|irlande|irlanda|ierland|republic of ireland|アイルランド"},
    {"PT", "por|portugal|portogallo|ポルトガル"},
    {"DK", "den|danemark|danemark|dinamarca|danimarca|denemarken|dänemark|デンマーク"},
    {"SE", "schweden|suede|suecia|svezia|zweden|sverige|スウェーデン"},
    {"NO", "norwegen|norvege|noruega|norvegia|noorwegen|norge|ノルウェー"},
    {"FI", "finnland|finlande|finlandia|finland|suomi|フィンランド"},
    {"PL", "polen|pologne|polonia|polska|ポーランド"},
    {"GR", "el|gre|griechenland|grece|grecia|griekenland|hellas|ギリシャ"},
    {"HR", "cro|kroatien|croatie|croacia|croazia|kroatie|hrvatska"},
    {"CZ", "czech republic|tschechien|republique tcheque|republica checa|repubblica ceca|tsjechie|チェコ"},
    {"RU", "russian federation|russland|russie|rusia|russia|rusland|ロシア"},
    {"CN", "people s republic of china|prc|chine|volksrepublik china|中国|中華人民共和国"},
    {"KR", "korea|republic of korea|korea republic of|south korea|sudkorea|coree du sud|corea del sur|"
           "韓国|大韓民国"},
    {"KP", "democratic people s republic of korea|nordkorea|coree du nord|corea del norte|北朝鮮"},
    {"TW", "taiwan province of china|republic of china|台湾"},
    {"IN", "indien|inde|インド"},
    {"BR", "brasil|bresil|brasilien|brasile|ブラジル"},
    {"MX", "mexiko|mexique|mejico|messico|メキシコ"},
    {"AU", "australien|australie|オーストラリア"},
    {"NZ", "neuseeland|nouvelle zelande|nueva zelanda|nuova zelanda|nieuw zeeland|ニュージーランド"},
    {"ZA", "rsa|sudafrika|afrique du sud|sudafrica|zuid afrika|南アフリカ"},
    {"AE", "uae|u a e|emirates|vereinigte arabische emirate|emirats arabes unis|emiratos arabes unidos"},
    {"TR", "turkey|turkei|turquie|turquia|turchia|turkije|トルコ"},
    {"VN", "vietnam|ベトナム"},
    {"IR", "iran islamic republic of"},
    {"SY", "syrian arab republic"},
    {"LA", "lao people s democratic republic"},
    {"MD", "republic of moldova|moldova republic of"},
    {"TZ", "united republic of tanzania|tanzania united republic of"},
    {"BO", "bolivia plurinational state of"},
    {"VE", "venezuela bolivarian republic of"},
    {"CZ", "czech"},
    {"MK", "macedonia|former yugoslav republic of macedonia"},
    {"SZ", "swaziland"},
    {"CV", "cape verde"},
    {"CI", "ivory coast|elfenbeinkuste|cote divoire"},
    {"MM", "burma"},
    {"TL", "east timor"},
    {"VA", "vatican|vatican city"},
    {"PS", "palestine state of|state of palestine"},
    {"CD", "dr congo|drc|democratic republic of the congo|congo kinshasa"},
    {"CG", "republic of the congo|congo brazzaville"},
    {"FM", "micronesia federated states of"},
    {"LU", "luxemburg"},
    {"HU", "ungarn|hongrie|hungria|ungheria|hongarije"},
    {"RO", "rumanien|roumanie|rumania|romania|roemenie"},
    {"MA", "marokko|maroc|marruecos|marocco"},
    {"EG", "agypten|egypte|egipto|egitto"},
    {"IL", "israel"},
    {"SG", "singapur|singapour"},
    {"AR", "argentinien|argentine"},
    {"CL", "chili"},
    {"CO", "kolumbien|colombie"},
    {"PE", "perou"},
    {"UA", "ukraine|ucrania|ucraina|oekraine"},
    {"IS", "island|islande|islandia|islanda|ijsland"},
    {"LT", "litauen|lituanie|lituania|litouwen"},
    {"LV", "lettland|lettonie|letonia|lettonia|letland"},
    {"EE", "estland|estonie|estonia"},
    {"SK", "slowakei|slovaquie|eslovaquia|slovacchia|slowakije"},
    {"SI", "slowenien|slovenie|eslovenia|slovenia"},
    {"BG", "bulgarien|bulgarie"},
    {"RS", "serbien|serbie"},
    {"CY", "zypern|chypre|chipre|cipro"},
    {"MT", "malte"},
    {"MC", "monaco|monako"},
};
enum { N_ALIASES = sizeof aliases / sizeof aliases[0] };

size_t country_fold(const char *s, size_t len, char *out, size_t size)
{
    utf8proc_uint8_t *folded = NULL;
    utf8proc_ssize_t n = utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)len, &folded,
                                      UTF8PROC_STABLE | UTF8PROC_COMPAT | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD |
                                          UTF8PROC_STRIPMARK | UTF8PROC_IGNORE);
    const char *src = n >= 0 ? (const char *)folded : s;
    size_t srclen = n >= 0 ? (size_t)n : len;
    size_t o = 0;
    int space = 0;
    for (size_t i = 0; i < srclen && o + 4 < size; i++) {
        unsigned char ch = (unsigned char)src[i];
        if (ch == '.' || ch == '\'' || ch == '`')
            continue;
        if (ch == 0xE2 && i + 2 < srclen && (unsigned char)src[i + 1] == 0x80 &&
            ((unsigned char)src[i + 2] == 0x99 || (unsigned char)src[i + 2] == 0x98)) {
            i += 2;     /* ’ and ‘ */
            continue;
        }
        if (ch < 0x80 && !isalnum(ch)) {
            space = o > 0;
            continue;
        }
        if (space)
            out[o++] = ' ';
        space = 0;
        out[o++] = (char)(ch < 0x80 ? tolower(ch) : ch);
    }
    out[o] = '\0';
    free(folded);
    if (o > 4 && strncmp(out, "the ", 4) == 0) {
        memmove(out, out + 4, o - 3);
        o -= 4;
    }
    return o;
}

/* The folded keys, sorted for bsearch, built once. */
struct country_key {
    char *key;
    const char *iso;
};
static struct country_key *keys;
static size_t nkeys;
static pthread_once_t keys_once = PTHREAD_ONCE_INIT;

static void add_key(size_t *cap, const char *name, size_t len, const char *iso)
{
    char folded[256];
    size_t n = country_fold(name, len, folded, sizeof folded);
    if (n == 0)
        return;
    if (nkeys == *cap) {
        *cap = *cap ? *cap * 2 : 1024;
        keys = xrealloc(keys, *cap * sizeof *keys);
    }
    keys[nkeys].key = xstrdup(folded);
    keys[nkeys].iso = iso;
    nkeys++;
}

static int key_cmp(const void *a, const void *b)
{
    return strcmp(((const struct country_key *)a)->key, ((const struct country_key *)b)->key);
}

static void build_keys(void)
{
    size_t cap = 0;
    for (int i = 0; i < N_ISO; i++)
        for (int k = 0; k < 3; k++)
            add_key(&cap, iso3166[i][k], strlen(iso3166[i][k]), iso3166[i][0]);
    for (int i = 0; i < N_ALIASES; i++) {
        const char *iso = country_name(aliases[i][0]) ? aliases[i][0] : NULL;
        for (const char *p = aliases[i][1]; iso && *p;) {
            const char *bar = strchr(p, '|');
            size_t len = bar ? (size_t)(bar - p) : strlen(p);
            add_key(&cap, p, len, iso);
            p += len + (bar != NULL);
        }
    }
    qsort(keys, nkeys, sizeof *keys, key_cmp);
}

const char *country_code(const char *s, size_t len)
{
    pthread_once(&keys_once, build_keys);
    char folded[256];
    struct country_key probe = {.key = folded};
    if (country_fold(s, len, folded, sizeof folded) == 0)
        return NULL;
    const struct country_key *hit = bsearch(&probe, keys, nkeys, sizeof *keys, key_cmp);
    return hit ? hit->iso : NULL;
}

const char *country_name(const char *iso2)
{
    for (int i = 0; i < N_ISO; i++)
        if (iso2 && strcmp(iso3166[i][0], iso2) == 0)
            return iso3166[i][2];
    return NULL;
}

/* ---- postcodes ---- */

/* Patterns of the standard form: '9' a digit, 'A' a letter, '?' either; other
 * characters are the separators written between them.  Input is matched with its
 * blanks and hyphens removed, upper-cased. */
static const struct { const char *iso, *patterns; } postcode_formats[] = {
    {"US", "99999|99999-9999"}, {"CA", "A9A 9A9"}, {"GB", NULL /* check_gb */},
    {"DE", "99999"}, {"FR", "99999"}, {"ES", "99999"}, {"IT", "99999"}, {"NL", "9999 AA"},
    {"JP", "999-9999"}, {"BE", "9999"}, {"CH", "9999"}, {"AT", "9999"}, {"DK", "9999"},
    {"NO", "9999"}, {"AU", "9999"}, {"NZ", "9999"}, {"SE", "999 99"}, {"PL", "99-999"},
    {"PT", "9999-999"}, {"IE", "A9? ????"}, {"IN", "999999"}, {"SG", "999999"},
    {"BR", "99999-999"}, {"MX", "99999"}, {"FI", "99999"}, {"LU", "9999"},
};
enum { N_POSTCODE = sizeof postcode_formats / sizeof postcode_formats[0] };

static int postcode_index(const char *iso2)
{
    for (int i = 0; i < N_POSTCODE; i++)
        if (iso2 && strcmp(postcode_formats[i].iso, iso2) == 0)
            return i;
    return -1;
}

int postcode_has_format(const char *iso2) { return postcode_index(iso2) >= 0; }

const char *postcode_format_list(void)
{
    static char list[N_POSTCODE * 4 + 1];
    if (!list[0])
        for (int i = 0; i < N_POSTCODE; i++)
            snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", i ? ", " : "",
                     postcode_formats[i].iso);
    return list;
}

/* Fits the compact code (no separators) to one pattern, writing the standard form. */
static int fit_pattern(const char *code, const char *pattern, size_t plen, char *out)
{
    size_t o = 0, i = 0;
    for (size_t k = 0; k < plen; k++) {
        char p = pattern[k];
        if (p != '9' && p != 'A' && p != '?') {
            out[o++] = p;
            continue;
        }
        char ch = code[i++];
        if (!ch || (p == '9' && !isdigit((unsigned char)ch)) || (p == 'A' && !isupper((unsigned char)ch)) ||
            (p == '?' && !isalnum((unsigned char)ch)))
            return -1;
        out[o++] = ch;
    }
    out[o] = '\0';
    return code[i] == '\0' ? 0 : -1;
}

/* UK postcodes: an outward code (A9, A99, AA9, AA99, A9A, AA9A) and an inward code
 * (digit and two letters other than C I K M O V), one space between. */
static int gb_postcode(const char *code, char *out, char *why, size_t whylen)
{
    size_t n = strlen(code);
    if (strcmp(code, "GIR0AA") == 0) {
        strcpy(out, "GIR 0AA");
        return 0;
    }
    static const char *const outward[] = {"A9", "A99", "AA9", "AA99", "A9A", "AA9A"};
    if (n >= 5 && n <= 7 && isdigit((unsigned char)code[n - 3]) && isupper((unsigned char)code[n - 2]) &&
        isupper((unsigned char)code[n - 1]) && !strchr("CIKMOV", code[n - 2]) && !strchr("CIKMOV", code[n - 1])) {
        char head[8];
        memcpy(head, code, n - 3);
        head[n - 3] = '\0';
        for (size_t i = 0; i < sizeof outward / sizeof outward[0]; i++) {
            char tmp[16];
            if (strlen(outward[i]) == n - 3 && fit_pattern(head, outward[i], n - 3, tmp) == 0) {
                snprintf(out, 16, "%s %s", head, code + n - 3);
                return 0;
            }
        }
    }
    snprintf(why, whylen, "not a UK postcode (like SW1A 1AA)");
    return -1;
}

int postcode_normalize(const char *iso2, const char *s, size_t len, char *out, char *why, size_t whylen)
{
    int idx = postcode_index(iso2);
    if (idx < 0) {
        snprintf(why, whylen, "no postcode format for %s", iso2 ? iso2 : "no country");
        return -1;
    }
    char code[24];
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch == ' ' || ch == '-' || ch == '\t')
            continue;
        if (!isalnum(ch) || n >= sizeof code - 1) {
            snprintf(why, whylen, "not a %s postcode", iso2);
            return -1;
        }
        code[n++] = (char)toupper(ch);
    }
    code[n] = '\0';
    if (strcmp(iso2, "GB") == 0)
        return gb_postcode(code, out, why, whylen);
    const char *patterns = postcode_formats[idx].patterns;
    for (const char *p = patterns; *p;) {
        const char *bar = strchr(p, '|');
        size_t plen = bar ? (size_t)(bar - p) : strlen(p);
        if (fit_pattern(code, p, plen, out) == 0) {
            int bad = 0;
            if (strcmp(iso2, "CA") == 0)    /* no D F I O Q U; W and Z never first */
                bad = strpbrk(code, "DFIOQU") != NULL || code[0] == 'W' || code[0] == 'Z';
            else if (strcmp(iso2, "NL") == 0)
                bad = code[0] == '0' || strcmp(code + 4, "SA") == 0 || strcmp(code + 4, "SD") == 0 ||
                      strcmp(code + 4, "SS") == 0;
            else if (strcmp(iso2, "ES") == 0)
                bad = (code[0] - '0') * 10 + (code[1] - '0') < 1 || (code[0] - '0') * 10 + (code[1] - '0') > 52;
            if (!bad)
                return 0;
        }
        p += plen + (bar != NULL);
    }
    size_t digits = 0;
    while (patterns[digits] == '9')
        digits++;
    if (digits >= 5 && n == digits - 1 && strspn(code, "0123456789") == n)
        snprintf(why, whylen, "%zu digits: %s postcodes have %zu (a leading zero lost?)", n, iso2, digits);
    else
        snprintf(why, whylen, "not a %s postcode (like %s)", iso2, patterns);
    return -1;
}
