/* export.h — a segment or a table to a CSV file a marketing tool imports, and a
 * manifest that says what is in it.
 *
 * The file is RFC 4180 CSV in UTF-8 (csvwrite.h), optionally with a byte order mark
 * for Excel: the source's columns (picked and renamed by columns=), or a tool's
 * shape (a preset, audience.h).  Rows come in key order, so the same export of the
 * same data gives the same bytes.
 *
 * Consent: when the source has a consent column (named by consent=, or the one the
 * profile build settled on, or one named like consent/opt-in), only rows that
 * granted it are written: yes, y, true, t, 1, granted, opt-in, subscribed, … as the
 * profile build reads them.  Others are left out and counted as denied (no, false,
 * 0, denied, opt-out, unsubscribed, …) or unknown (empty or anything else).  Without
 * a consent column, consent=none must say that everyone may be exported.  With a
 * preset, rows without an identifier the tool can match on are left out and counted.
 *
 * Safety: text cells a spreadsheet would run as a formula are neutralised; phone
 * numbers written as phones and hashes are left exact.  The file is streamed into a
 * temporary file in the same folder and renamed into place when complete (a failure
 * leaves no file behind); an existing file is an error unless force.
 *
 * The manifest, PATH.manifest.json, records the source and its definition SQL, the
 * query run, the preset and columns, the consent rule, the row count and the rows
 * left out by reason, the hash method, the file's SHA-256 and size, the time, the
 * Persona version and the command log entry. */
#ifndef PERSONA_EXPORT_H
#define PERSONA_EXPORT_H

#include <stdint.h>

#include "ctx.h"
#include "digest.h"

struct export_options {
    const char *source;     /* a segment, else a table or view */
    const char *path;
    const char *preset;     /* NULL: the source's own columns */
    const char *columns;    /* "col[:Header],…"; with a preset, "col:Header" feeds that
                               preset column from col; NULL: all, or the preset's guesses */
    const char *hash;       /* "sha256" or "none"; NULL: as the preset does (plain: none) */
    const char *consent;    /* a column, "none", or NULL: detected */
    const char *purpose;    /* the consent purpose to check in the ledger; a preset's own when NULL */
    const char *tags;       /* Mailchimp's Tags; NULL: the segment's name */
    int bom, force;
    const char *command;    /* the command line, for the manifest */
};

struct export_report {
    int64_t rows;           /* written */
    int64_t candidates;     /* rows of the source (members of the segment) */
    int64_t consent_denied, consent_unknown, no_identifier;
    int64_t suppressed;     /* rows of erased people (forget), never exported */
    char consent_column[256];   /* "" with consent=none */
    char consent_purpose[16];   /* the purpose checked, "" none */
    int consent_ledger;         /* the ledger had a word for it */
    char hash[16];          /* "sha256" or "none" */
    int hashed_columns;
    char sha256[SHA256_HEX];
    uint64_t bytes;
    char *manifest;         /* the manifest's path, malloc'ed */
};

/* Runs the export.  Returns 0, or -1 with c->err set and no file written (nor left
 * half-written).  Polls the cancel flag and reports progress in rows.  Free the
 * report with export_report_free() either way. */
int export_run(ctx *c, const struct export_options *o, struct export_report *rep);
void export_report_free(struct export_report *rep);

#endif
