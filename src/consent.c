/* consent.c — the consent vocabulary and column polarity (rules in consent.h). */
#include "consent.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "strbuf.h"

/* Follow the column's polarity. */
static const char *const yes_words[] = {"yes", "y", "true", "t", "1", "on", NULL};
static const char *const no_words[] = {"no", "n", "false", "f", "0", "off", NULL};
/* Mean the same in any column. */
static const char *const granting[] = {"granted", "opt-in", "opt in", "optin", "opt_in", "opted in", "opted-in",
                                       "opted_in", "subscribed", "accepted", "agreed", "consented", NULL};
static const char *const refusing[] = {"denied", "opt-out", "opt out", "optout", "opt_out", "opted out",
                                       "opted-out", "opted_out", "unsubscribed", "declined", "refused", "withdrawn",
                                       "revoked", NULL};

const char *const consent_granted[] = {"yes", "y", "true", "t", "1", "on", "granted", "opt-in", "opt in", "optin",
                                       "opt_in", "opted in", "opted-in", "opted_in", "subscribed", "accepted",
                                       "agreed", "consented", NULL};
const char *const consent_denied[] = {"no", "n", "false", "f", "0", "off", "denied", "opt-out", "opt out", "optout",
                                      "opt_out", "opted out", "opted-out", "opted_out", "unsubscribed", "declined",
                                      "refused", "withdrawn", "revoked", NULL};

static int in_list(const char *const *list, const char *s, size_t len)
{
    for (int i = 0; list[i]; i++)
        if (strlen(list[i]) == len && strncasecmp(list[i], s, len) == 0)
            return 1;
    return 0;
}

int consent_read(const char *s, size_t len, int polarity)
{
    while (len && isspace((unsigned char)*s)) {
        s++;
        len--;
    }
    while (len && isspace((unsigned char)s[len - 1]))
        len--;
    int grants = polarity != CONSENT_NEGATES;
    if (in_list(yes_words, s, len))
        return grants;
    if (in_list(no_words, s, len))
        return !grants;
    return in_list(granting, s, len) ? 1 : in_list(refusing, s, len) ? 0 : -1;
}

static void sql_list(struct strbuf *b, const char *const *values)
{
    for (int i = 0; values[i]; i++)
        strbuf_printf(b, "%s'%s'", i ? ", " : "", values[i]);
}

void consent_sql(struct strbuf *b, const char *expr, int polarity)
{
    int grants = polarity != CONSENT_NEGATES;
    strbuf_printf(b, "CASE WHEN lower(trim(%s)) IN (", expr);
    sql_list(b, yes_words);
    strbuf_printf(b, ") THEN %d WHEN lower(trim(%s)) IN (", grants, expr);
    sql_list(b, no_words);
    strbuf_printf(b, ") THEN %d WHEN lower(trim(%s)) IN (", !grants, expr);
    sql_list(b, granting);
    strbuf_printf(b, ") THEN 1 WHEN lower(trim(%s)) IN (", expr);
    sql_list(b, refusing);
    strbuf_puts(b, ") THEN 0 END");
}

/* Splits a name into lower-case parts at '_', '-', blanks, '.' and lower-to-upper
 * case changes; returns how many (at most max). */
static int name_parts(const char *name, char parts[][32], int max)
{
    int n = 0;
    size_t len = 0;
    for (const char *p = name;; p++) {
        int upper_after_lower = isupper((unsigned char)*p) && p > name && islower((unsigned char)p[-1]);
        int ends = !*p || strchr("_- .", *p) || upper_after_lower;
        if (ends && len && n < max) {
            parts[n++][len] = '\0';
            len = 0;
        }
        if (!*p)
            return n;
        if (ends && !upper_after_lower)
            continue;
        if (n < max && len < sizeof parts[0] - 1)
            parts[n][len++] = (char)tolower((unsigned char)*p);
    }
}

static int word_is(const char *w, const char *const *list)
{
    for (int i = 0; list[i]; i++)
        if (strcmp(w, list[i]) == 0)
            return 1;
    return 0;
}

int consent_column_polarity(const char *name)
{
    static const char *const negating[] = {"unsubscribed", "unsubscribe", "unsub", "withdrawn", "withdraw",
                                           "revoked", "revoke", "suppressed", "suppress", "suppression", "dnc",
                                           "optout", "optedout", "blacklisted", "blocklisted", "blocked", NULL};
    static const char *const affirming[] = {"consent", "consents", "consented", "optin", "optedin", "subscribed",
                                            "subscriber", "subscription", "newsletter", "permission", "gdpr",
                                            NULL};
    char parts[12][32];
    int n = name_parts(name, parts, 12);
    int affirm = 0;
    for (int i = 0; i < n; i++) {
        const char *w = parts[i], *next = i + 1 < n ? parts[i + 1] : "";
        if (word_is(w, negating) || ((strcmp(w, "opt") == 0 || strcmp(w, "opted") == 0) && strcmp(next, "out") == 0) ||
            (strcmp(w, "do") == 0 && strcmp(next, "not") == 0) || ((strcmp(w, "no") == 0 || strcmp(w, "not") == 0) && i == 0 && n > 1))
            return CONSENT_NEGATES;
        if (word_is(w, affirming) || ((strcmp(w, "opt") == 0 || strcmp(w, "opted") == 0) && strcmp(next, "in") == 0) ||
            (strcmp(w, "accepts") == 0 && strcmp(next, "marketing") == 0))
            affirm = 1;
    }
    return affirm ? CONSENT_GRANTS : CONSENT_NOT;
}

int consent_find_column(const char *const *names, int n, int *polarity, struct strbuf *candidates)
{
    int found = -1, count = 0;
    for (int i = 0; i < n; i++) {
        int p = consent_column_polarity(names[i]);
        if (p == CONSENT_NOT)
            continue;
        if (count++ == 0) {
            found = i;
            *polarity = p;
        }
        if (candidates)
            strbuf_printf(candidates, "%s%s", candidates->len ? ", " : "", names[i]);
    }
    return count > 1 ? -2 : found;
}
