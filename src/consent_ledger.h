/* consent_ledger.h — consent as a history of events, per purpose.
 *
 * Consent is given and withdrawn over time, for a purpose: email, sms, ads,
 * analytics.  The ledger (_persona_consent) keeps every event — customer key,
 * purpose, granted or denied, when, from where — and the consent in force for a
 * customer and purpose is their latest event.  A plain consent column of the
 * customers table counts as an event older than every event of the ledger, for
 * every purpose: the ledger decides wherever it has a word. */
#ifndef PERSONA_CONSENT_LEDGER_H
#define PERSONA_CONSENT_LEDGER_H

#include "ctx.h"

struct strbuf;

/* Whether purpose is one of the ledger's: email, sms, ads, analytics. */
int ledger_purpose_ok(const char *purpose);

/* Records one event for customer (a key, as text) by the running command.  granted
 * is 1 or 0; at is an ISO 8601 date or time, NULL for now.  Returns 0 or -1. */
int ledger_record(ctx *c, const char *customer, const char *purpose, int granted, const char *at, const char *source);

/* Appends SQL giving the ledger's word for key_expr (a row's customer key) and
 * purpose: 1, 0, or NULL when it has none. */
void ledger_state_sql(const char *key_expr, const char *purpose, struct strbuf *b);

/* Whether the ledger holds any event for purpose. */
int ledger_has(ctx *c, const char *purpose);

#endif
