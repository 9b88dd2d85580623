/* phone.c — E.164 from a numbering-plan table (the rules are in phone.h).
 *
 * The table holds what is needed to tell a possible number from an impossible one,
 * not every range an operator has been given: the country code, the national and
 * international prefixes, the lengths of the national significant number (NSN) and
 * its allowed first digits, and a check for the countries whose length depends on
 * the leading digits.  Sources: the ITU-T E.164 national numbering plans and NANPA. */
#include "phone.h"

#include <stdio.h>
#include <string.h>

struct plan {
    const char *iso;        /* ISO 3166 alpha-2 */
    const char *cc;         /* country calling code */
    const char *trunk;      /* national prefix of national numbers; "" none */
    const char *intl;       /* international call prefix dialled from the country */
    int min, max;           /* NSN length */
    const char *lead;       /* digits an NSN may start with */
    /* further rules; returns 0 or -1 with why set */
    int (*check)(const struct plan *p, const char *nsn, int len, char *why, size_t whylen);
};

static int starts(const char *nsn, const char *prefix)
{
    return strncmp(nsn, prefix, strlen(prefix)) == 0;
}

static int need_length(const struct plan *p, int len, int min, int max, const char *what,
                       char *why, size_t whylen)
{
    if (len >= min && len <= max)
        return 0;
    if (min == max)
        snprintf(why, whylen, "%s %s numbers have %d digits after +%s, this has %d", p->iso, what, min, p->cc, len);
    else
        snprintf(why, whylen, "%s %s numbers have %d to %d digits after +%s, this has %d", p->iso, what, min, max,
                 p->cc, len);
    return -1;
}

/* NANP: NPA-NXX-XXXX; area code and exchange start with 2-9 and are not N11 (those
 * are service codes such as 411 and 911). */
static int check_nanp(const struct plan *p, const char *nsn, int len, char *why, size_t whylen)
{
    (void)p;
    (void)len;
    if (nsn[0] < '2')
        snprintf(why, whylen, "the area code %.3s cannot start with %c", nsn, nsn[0]);
    else if (nsn[1] == '1' && nsn[2] == '1')
        snprintf(why, whylen, "%.3s is a service code, not an area code", nsn);
    else if (nsn[3] < '2')
        snprintf(why, whylen, "the exchange %.3s cannot start with %c", nsn + 3, nsn[3]);
    else if (nsn[4] == '1' && nsn[5] == '1')
        snprintf(why, whylen, "the exchange %.3s is a service code", nsn + 3);
    else
        return 0;
    return -1;
}

/* UK: London (2x), non-geographic (3x), mobile (7x) and premium (9x) numbers have
 * ten digits; some 01 areas and 0800/0500 numbers nine. */
static int check_gb(const struct plan *p, const char *nsn, int len, char *why, size_t whylen)
{
    if (strchr("2379", nsn[0]))
        return need_length(p, len, 10, 10, nsn[0] == '7' ? "mobile" : "02, 03 and 09", why, whylen);
    return 0;
}

/* Germany: mobile numbers (15x, 16x, 17x) have 10 or 11 digits; area code plus
 * subscriber number vary from 6 to 13 otherwise. */
static int check_de(const struct plan *p, const char *nsn, int len, char *why, size_t whylen)
{
    if (nsn[0] == '1' && strchr("567", nsn[1]))
        return need_length(p, len, 10, 11, "mobile", why, whylen);
    return 0;
}

/* The French overseas departments have their own country codes but are dialled from
 * France with ordinary 0 numbers. */
static const struct { const char *prefix, *iso; } fr_overseas[] = {
    {"262", "RE"}, {"263", "RE"}, {"692", "RE"}, {"693", "RE"}, {"269", "YT"}, {"639", "YT"},
    {"590", "GP"}, {"690", "GP"}, {"691", "GP"}, {"594", "GF"}, {"694", "GF"},
    {"596", "MQ"}, {"696", "MQ"}, {"697", "MQ"},
};
enum { N_OVERSEAS = sizeof fr_overseas / sizeof fr_overseas[0] };

static const char *fr_overseas_iso(const char *nsn)
{
    for (int i = 0; i < N_OVERSEAS; i++)
        if (starts(nsn, fr_overseas[i].prefix))
            return fr_overseas[i].iso;
    return NULL;
}

static const struct plan *plan_by_iso(const char *iso);

static int check_fr(const struct plan *p, const char *nsn, int len, char *why, size_t whylen)
{
    (void)len;
    const char *iso = fr_overseas_iso(nsn);
    if (!iso)
        return 0;
    snprintf(why, whylen, "%.3s… is a number of %s, whose country code is +%s, not +%s", nsn, iso,
             plan_by_iso(iso)->cc, p->cc);
    return -1;
}

/* The overseas plans: their NSN starts with one of their own prefixes. */
static int check_overseas(const struct plan *p, const char *nsn, int len, char *why, size_t whylen)
{
    (void)len;
    const char *iso = fr_overseas_iso(nsn);
    if (iso && strcmp(plan_by_iso(iso)->cc, p->cc) == 0)
        return 0;
    snprintf(why, whylen, "%.3s… is not a number of %s (+%s)", nsn, p->iso, p->cc);
    return -1;
}

/* Italy: the 0 of fixed numbers is part of the number (no trunk prefix); mobiles
 * (3xx) have 9 or 10 digits, fixed numbers 6 to 11. */
static int check_it(const struct plan *p, const char *nsn, int len, char *why, size_t whylen)
{
    if (nsn[0] == '3')
        return need_length(p, len, 9, 10, "mobile", why, whylen);
    if (nsn[0] == '8')
        return need_length(p, len, 6, 10, "toll-free and shared-cost", why, whylen);
    return 0;
}

/* Netherlands: nine digits, but 0800 and 090x service numbers have 7 to 10. */
static int check_nl(const struct plan *p, const char *nsn, int len, char *why, size_t whylen)
{
    if (starts(nsn, "800") || starts(nsn, "90"))
        return need_length(p, len, 7, 10, "service", why, whylen);
    return need_length(p, len, 9, 9, "", why, whylen);
}

/* Japan: mobile (70, 80, 90), IP (50) and 800 numbers have ten digits, the others
 * (fixed lines, 120 freephone) nine. */
static int check_jp(const struct plan *p, const char *nsn, int len, char *why, size_t whylen)
{
    if (strchr("5789", nsn[0]) && nsn[1] == '0')
        return need_length(p, len, 10, 10, nsn[0] == '5' ? "IP" : nsn[0] == '8' && nsn[2] == '0' ? "800" : "mobile",
                           why, whylen);
    return need_length(p, len, 9, 9, "fixed-line", why, whylen);
}

/* Belgium: mobiles (4xx) have nine digits, fixed numbers eight. */
static int check_be(const struct plan *p, const char *nsn, int len, char *why, size_t whylen)
{
    if (nsn[0] == '4')
        return need_length(p, len, 9, 9, "mobile", why, whylen);
    return need_length(p, len, 8, 8, "fixed-line", why, whylen);
}

/* Ireland: mobiles (8x) have nine digits. */
static int check_ie(const struct plan *p, const char *nsn, int len, char *why, size_t whylen)
{
    if (nsn[0] == '8' && nsn[1] >= '3' && nsn[1] <= '9')
        return need_length(p, len, 9, 9, "mobile", why, whylen);
    return 0;
}

static const struct plan plans[] = {
    {"US", "1", "1", "011", 10, 10, "23456789", check_nanp},
    {"CA", "1", "1", "011", 10, 10, "23456789", check_nanp},
    {"GB", "44", "0", "00", 9, 10, "1235789", check_gb},
    {"DE", "49", "0", "00", 6, 13, "123456789", check_de},
    {"FR", "33", "0", "00", 9, 9, "123456789", check_fr},
    {"RE", "262", "0", "00", 9, 9, "26", check_overseas},
    {"YT", "262", "0", "00", 9, 9, "26", check_overseas},
    {"GP", "590", "0", "00", 9, 9, "56", check_overseas},
    {"GF", "594", "0", "00", 9, 9, "56", check_overseas},
    {"MQ", "596", "0", "00", 9, 9, "56", check_overseas},
    {"ES", "34", "", "00", 9, 9, "6789", NULL},
    {"IT", "39", "", "00", 6, 11, "038", check_it},
    {"NL", "31", "0", "00", 7, 10, "123456789", check_nl},
    {"JP", "81", "0", "010", 9, 10, "123456789", check_jp},
    {"BE", "32", "0", "00", 8, 9, "123456789", check_be},
    {"CH", "41", "0", "00", 9, 9, "23456789", NULL},
    {"AT", "43", "0", "00", 4, 13, "123456789", NULL},
    {"IE", "353", "0", "00", 7, 9, "12456789", check_ie},
    {"PT", "351", "", "00", 9, 9, "23789", NULL},
    {"DK", "45", "", "00", 8, 8, "23456789", NULL},
    {"NO", "47", "", "00", 8, 8, "23456789", NULL},
    {"SE", "46", "0", "00", 7, 9, "123456789", NULL},
    {"PL", "48", "", "00", 9, 9, "123456789", NULL},
    {"AU", "61", "0", "0011", 9, 9, "23478", NULL},
    {"NZ", "64", "0", "00", 8, 10, "2345679", NULL},
    {"IN", "91", "0", "00", 10, 10, "123456789", NULL},
    {"MX", "52", "", "00", 10, 10, "123456789", NULL},
    {"SG", "65", "", "000", 8, 8, "3689", NULL},
};
enum { N_PLANS = sizeof plans / sizeof plans[0] };

static const struct plan *plan_by_iso(const char *iso)
{
    for (int i = 0; i < N_PLANS; i++)
        if (iso && strcmp(plans[i].iso, iso) == 0)
            return &plans[i];
    return NULL;
}

int phone_has_plan(const char *iso2) { return plan_by_iso(iso2) != NULL; }

const char *phone_plan_list(void)
{
    static char list[N_PLANS * 4 + 1];
    if (!list[0])
        for (int i = 0; i < N_PLANS; i++)
            snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", i ? ", " : "", plans[i].iso);
    return list;
}

/* The plan whose country code starts the digits, the longest such code (codes are
 * prefix-free across countries, but the NANP shares +1 and France's overseas +262). */
static const struct plan *plan_by_code(const char *digits)
{
    const struct plan *best = NULL;
    for (int i = 0; i < N_PLANS; i++)
        if (starts(digits, plans[i].cc) && (!best || strlen(plans[i].cc) > strlen(best->cc)))
            best = &plans[i];
    return best;
}

/* Checks an NSN against its plan; intl: it followed a country code. */
static int check_nsn(const struct plan *p, const char *nsn, int intl, char *why, size_t whylen)
{
    int len = (int)strlen(nsn);
    if (len == 0) {
        snprintf(why, whylen, "no digits after +%s", p->cc);
        return -1;
    }
    if (!strchr(p->lead, nsn[0])) {
        if (p->check == check_nanp && len >= 6)
            return check_nanp(p, nsn, len, why, whylen);
        if (intl && p->trunk[0] && nsn[0] == p->trunk[0])
            snprintf(why, whylen, "the national prefix %s is written after the country code +%s "
                                  "(write it as (%s) or leave it out)", p->trunk, p->cc, p->trunk);
        else
            snprintf(why, whylen, "%s numbers (+%s) cannot start with %c", p->iso, p->cc, nsn[0]);
        return -1;
    }
    if (need_length(p, len, p->min, p->max, "", why, whylen))
        return -1;
    return p->check ? p->check(p, nsn, len, why, whylen) : 0;
}

/* Collapses the double space need_length() leaves when `what` is empty. */
static void tidy(char *why)
{
    char *d = strstr(why, "  ");
    if (d)
        memmove(d, d + 1, strlen(d + 1) + 1);
}

/* The digits of a written number, with where a "(0)" was and whether it began with
 * '+'.  Returns 0, or -1 with why set for a character no phone number has. */
struct written_number {
    char digits[40];
    int n;
    int plus;
    int paren_zero;         /* index in digits of the 0 written "(0)", or -1 */
};

static int read_number(const char *s, size_t len, struct written_number *w, char *why, size_t whylen)
{
    w->n = 0;
    w->plus = 0;
    w->paren_zero = -1;
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch >= '0' && ch <= '9') {
            if (w->n >= (int)sizeof w->digits - 1) {
                snprintf(why, whylen, "too many digits for a phone number");
                return -1;
            }
            w->digits[w->n++] = (char)ch;
        } else if (ch == '+' && w->n == 0 && !w->plus) {
            w->plus = 1;
        } else if (ch == '(' && i + 2 < len && s[i + 1] == '0' && s[i + 2] == ')' && w->n > 0) {
            w->paren_zero = w->n;
            w->digits[w->n++] = '0';
            i += 2;
        } else if (ch == 0xC2 && i + 1 < len && (unsigned char)s[i + 1] == 0xA0) {
            i++;    /* no-break space */
        } else if (!strchr(" \t-./()", ch)) {
            const char *rest = s + i;
            /* the value is len bytes, not a C string: compare no further than it goes */
            int ext = len - i >= 3 && (memcmp(rest, "ext", 3) == 0 || memcmp(rest, "Ext", 3) == 0);
            if (ch == 'x' || ch == 'X' || ch == '#' || ext)
                snprintf(why, whylen, "has an extension (%.*s), which E.164 has no place for", (int)(len - i), rest);
            else if (ch >= 0x80)
                snprintf(why, whylen, "unexpected character in a phone number");
            else
                snprintf(why, whylen, "unexpected '%c' in a phone number", ch);
            return -1;
        }
    }
    w->digits[w->n] = '\0';
    if (w->n == 0) {
        snprintf(why, whylen, "no digits");
        return -1;
    }
    return 0;
}

static int international(const struct written_number *w, const char *digits, char *out, char *why, size_t whylen)
{
    const struct plan *p = plan_by_code(digits);
    if (!p) {
        snprintf(why, whylen, "+%.3s…: country code not in the numbering-plan table (%s)", digits, phone_plan_list());
        return -1;
    }
    size_t cc = strlen(p->cc);
    char nsn[40];
    snprintf(nsn, sizeof nsn, "%s", digits + cc);
    /* "+44 (0)20 …": the bracketed national prefix is not dialled from abroad */
    if (w->paren_zero == (int)((size_t)(digits - w->digits) + cc) && p->trunk[0] == '0')
        memmove(nsn, nsn + 1, strlen(nsn));
    /* +262 is shared by Réunion and Mayotte: the number tells which */
    if (p->check == check_overseas && fr_overseas_iso(nsn) &&
        strcmp(plan_by_iso(fr_overseas_iso(nsn))->cc, p->cc) == 0)
        p = plan_by_iso(fr_overseas_iso(nsn));
    if (check_nsn(p, nsn, 1, why, whylen))
        return -1;
    snprintf(out, 20, "+%s%s", p->cc, nsn);
    return 0;
}

int phone_to_e164(const char *s, size_t len, const char *default_iso2, char *out, char *why, size_t whylen)
{
    struct written_number w;
    why[0] = '\0';
    if (read_number(s, len, &w, why, whylen))
        return -1;
    const struct plan *home = default_iso2 && *default_iso2 ? plan_by_iso(default_iso2) : NULL;
    int rc;
    if (w.plus) {
        rc = international(&w, w.digits, out, why, whylen);
    } else if (home && starts(w.digits, home->intl)) {
        rc = international(&w, w.digits + strlen(home->intl), out, why, whylen);
    } else if (!home && starts(w.digits, "00")) {
        rc = international(&w, w.digits + 2, out, why, whylen);
    } else if (!home) {
        snprintf(why, whylen, "a national number and no default country (phone:CC)");
        return -1;
    } else {
        const char *nsn = w.digits;
        /* the national prefix, where no number of the plan starts like it; the
         * NANP's 1 only before ten digits, as "(123) 555-0166" is a bad area code */
        size_t t = strlen(home->trunk);
        if (t && starts(nsn, home->trunk) && !strchr(home->lead, home->trunk[0]) && w.n > (int)t &&
            (home->check != check_nanp || w.n - (int)t == home->min))
            nsn += t;
        const struct plan *p = home;
        if (strcmp(home->iso, "FR") == 0 && fr_overseas_iso(nsn))
            p = plan_by_iso(fr_overseas_iso(nsn));
        rc = check_nsn(p, nsn, 0, why, whylen);
        if (rc == 0)
            snprintf(out, 20, "+%s%s", p->cc, nsn);
    }
    if (rc)
        tidy(why);
    return rc;
}
