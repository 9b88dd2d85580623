/* csvwrite.h — writing RFC 4180 CSV: fields quoted only when they must be (a comma,
 * a double quote, CR or LF), quotes doubled, rows ended by CRLF.  Output is buffered
 * and written to a file descriptor (or kept in memory), with a running SHA-256 and
 * byte count of everything written, for the export's manifest.
 *
 * Spreadsheets run a cell that starts with = + - @ (or a tab or CR, which some of
 * them skip first) as a formula: a text cell meant as data is "neutralised" by a
 * leading apostrophe, the OWASP advice for CSV injection, which the spreadsheet
 * hides and every other reader keeps as text. */
#ifndef PERSONA_CSVWRITE_H
#define PERSONA_CSVWRITE_H

#include <stddef.h>
#include <stdint.h>

#include "strbuf.h"

struct sha256;

struct csv_writer {
    int fd;                 /* -1: keep everything in buf */
    struct strbuf buf;
    struct sha256 *sha;     /* NULL: no digest */
    size_t hashed;          /* bytes of buf already digested */
    uint64_t bytes;         /* written so far, buffered bytes included */
    int err;                /* errno of the first failed write; 0 */
    int fields;             /* in the current row */
};

/* Starts a writer on fd (-1: in memory) with an optional digest to feed (not owned). */
void csv_writer_init(struct csv_writer *w, int fd, struct sha256 *sha);

/* Appends bytes as they are (the UTF-8 byte order mark). */
void csv_put_raw(struct csv_writer *w, const char *s, size_t len);

/* Appends one field of the current row; neutralise: a text cell that a spreadsheet
 * would run as a formula gets a leading apostrophe. */
void csv_put_field(struct csv_writer *w, const char *s, size_t len, int neutralise);

/* Ends the current row with CRLF. */
void csv_end_row(struct csv_writer *w);

/* Digests and writes out what is buffered (in memory: digests it); returns 0 or the
 * errno of the first failure, which also stops every later write.  Call it once more
 * at the end, before reading the digest. */
int csv_writer_flush(struct csv_writer *w);

void csv_writer_free(struct csv_writer *w);

/* Whether a text cell starts the way a spreadsheet formula does: with = + - @, also
 * after leading blanks, or with a control character (tab, carriage return, line
 * feed, …). */
int csv_formula_risk(const char *s, size_t len);

#endif
