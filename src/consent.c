/* consent.c — the consent vocabulary. */
#include "consent.h"

#include <ctype.h>
#include <strings.h>
#include <string.h>

#include "strbuf.h"

const char *const consent_granted[] = {"yes", "y", "true", "t", "1", "granted", "opt-in", "opt in", "optin",
                                       "opted in", "subscribed", "on", "accepted", "agreed", "consented", NULL};
const char *const consent_denied[] = {"no", "n", "false", "f", "0", "denied", "opt-out", "opt out", "optout",
                                      "opted out", "unsubscribed", "off", "declined", "refused", "withdrawn",
                                      "revoked", NULL};

static int in_list(const char *const *list, const char *s, size_t len)
{
    for (int i = 0; list[i]; i++)
        if (strlen(list[i]) == len && strncasecmp(list[i], s, len) == 0)
            return 1;
    return 0;
}

int consent_of(const char *s, size_t len)
{
    while (len && isspace((unsigned char)*s)) {
        s++;
        len--;
    }
    while (len && isspace((unsigned char)s[len - 1]))
        len--;
    return in_list(consent_granted, s, len) ? 1 : in_list(consent_denied, s, len) ? 0 : -1;
}

void consent_sql_list(struct strbuf *b, const char *const *values)
{
    for (int i = 0; values[i]; i++)
        strbuf_printf(b, "%s'%s'", i ? ", " : "", values[i]);
}
