/* consent.h — what counts as a customer granting or refusing consent.
 *
 * CRM exports write consent as yes/no, true/false, 1/0, granted/denied, opt-in/
 * opt-out and more.  The profile build and the exports must read them the same way,
 * so the lists live here once. */
#ifndef PERSONA_CONSENT_H
#define PERSONA_CONSENT_H

#include <stddef.h>

struct strbuf;

/* The values (lowercase, NULL-terminated) that grant and that refuse consent. */
extern const char *const consent_granted[];
extern const char *const consent_denied[];

/* 1 granted, 0 refused, -1 neither, for a value compared ignoring case and
 * surrounding blanks. */
int consent_of(const char *s, size_t len);

/* Appends the values as an SQL list ('yes', 'y', …) for `lower(trim(x)) IN (…)`. */
void consent_sql_list(struct strbuf *b, const char *const *values);

#endif
