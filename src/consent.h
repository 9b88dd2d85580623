/* consent.h — what counts as a customer granting or refusing consent.
 *
 * Consent is read exactly, never guessed from part of a name.  A column is a
 * consent column when its name says so in whole words: affirmative (consent,
 * marketing_consent, opt_in, subscribed, newsletter, permission, accepts_marketing)
 * or negating (unsubscribed, opt_out, consent_withdrawn, do_not_contact,
 * no_consent, suppressed, …): a yes in a negating column refuses.  Its values are
 * read by vocabulary: yes-words (yes, y, true, t, 1, on) and no-words (no, n, false,
 * f, 0, off) follow the column's polarity; words with their own meaning (granted,
 * opted_in, subscribed / denied, revoked, withdrawn, unsubscribed, opted_out, …)
 * mean the same in any column.  Anything else, and NULL, is not consent: exports
 * leave such people out and count them as unknown. */
#ifndef PERSONA_CONSENT_H
#define PERSONA_CONSENT_H

#include <stddef.h>

struct strbuf;

enum { CONSENT_NEGATES = -1, CONSENT_NOT = 0, CONSENT_GRANTS = 1 };

/* How a column name reads as consent: CONSENT_GRANTS, CONSENT_NEGATES, or
 * CONSENT_NOT when it names no consent.  Whole name parts, split at '_', '-',
 * blanks and case changes; a negating part wins ("consent_withdrawn"). */
int consent_column_polarity(const char *name);

/* 1 granted, 0 refused, -1 neither, for a value (compared ignoring case and
 * surrounding blanks) in a column of that polarity (CONSENT_NOT reads as
 * CONSENT_GRANTS: a column named consent=COL by the analyst). */
int consent_read(const char *s, size_t len, int polarity);

/* Appends an SQL expression that is 1, 0 or NULL for expr, a value of a column of
 * that polarity, by the same rules as consent_read(). */
void consent_sql(struct strbuf *b, const char *expr, int polarity);

/* The consent column among n column names: its index, with *polarity set; -1 when
 * none names consent; -2 when more than one does (they are listed in candidates,
 * ", "-separated, for the message asking the analyst to choose with consent=). */
int consent_find_column(const char *const *names, int n, int *polarity, struct strbuf *candidates);

/* The values that grant and refuse in an affirmative column, NULL-terminated, for
 * manifests. */
extern const char *const consent_granted[];
extern const char *const consent_denied[];

#endif
