/* subject.h — the data-subject access export: everything about one person.
 *
 * `subject KEY|EMAIL to FILE.json` finds the person as forget does (person.h) and
 * writes, as one JSON document: every row about them from every user table, their
 * consent events and the consent in force per purpose, the segments they belong to
 * now, and the exports that contained them (recorded as salted hashes of the
 * exported keys). */
#ifndef PERSONA_SUBJECT_H
#define PERSONA_SUBJECT_H

#include <stdint.h>

#include "ctx.h"

struct subject_report {
    int64_t records, rows, segments, exports, consent_events;
    int tables;
};

/* Writes the document to path (force: over an existing file).  Returns 0, or -1
 * with c->err set and no file written. */
int subject_export(ctx *c, const char *who, const char *customers, const char *path, int force,
                   struct subject_report *rep);

#endif
