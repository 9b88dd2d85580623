/* csv.h — a streaming RFC 4180 reader.
 *
 * Reads a CSV file record by record without holding the file in memory: quoted fields,
 * doubled quotes, embedded CR/LF, CRLF/LF/CR line ends, a UTF-8 byte-order mark,
 * gzip-compressed input (detected by its magic bytes, read through zlib), and
 * delimiter sniffing among ',' ';' TAB '|'.  Blank lines are skipped.
 *
 * Malformed input never stops the reader: a record it cannot take (an unterminated
 * quoted field at end of file, invalid UTF-8 under CSV_UTF8, a NUL byte) comes back as
 * CSV_BAD with a reason and its raw text, and reading goes on after it; for an
 * unterminated quote, the reader resynchronises at the line after the one the record
 * started on, so one stray quote costs one row, not the rest of the file. */
#ifndef PERSONA_CSV_H
#define PERSONA_CSV_H

#include <stddef.h>
#include <stdint.h>

enum csv_encoding { CSV_UTF8, CSV_LATIN1 };

struct csv_options {
    int delimiter;              /* ',', ';', '\t', '|', or 0 to sniff */
    enum csv_encoding encoding; /* CSV_LATIN1 input is transcoded to UTF-8 */
};

enum csv_status {
    CSV_ERROR = -1,  /* I/O or decompression failure: csv_error() says why */
    CSV_EOF = 0,
    CSV_RECORD = 1,
    CSV_BAD = 2,     /* a record the reader cannot take; reason and raw are set */
};

struct csv_record {
    int nfields;
    char **field;        /* UTF-8, each NUL-terminated; valid until the next csv_next() */
    size_t *len;         /* byte length of each field */
    int64_t line;        /* physical line (1-based) on which the record starts */
    const char *reason;  /* CSV_BAD: "unterminated quoted field", "invalid UTF-8 in field 3" */
    const char *raw;     /* CSV_BAD: the record's raw bytes as they stand in the file */
    size_t raw_len;
};

struct csv_reader;

/* Opens PATH for reading.  Fails (NULL, message in err) for a missing or unreadable
 * file, a directory, or a file whose first block holds a NUL byte (not text).  An empty
 * file opens and yields CSV_EOF.  With opt->delimiter 0 the first 64 KiB are sniffed.
 * The caller owns the reader and frees it with csv_close(). */
struct csv_reader *csv_open(const char *path, const struct csv_options *opt,
                            char *err, size_t errlen);

/* Same over a memory buffer (tests, fuzzing); the buffer must outlive the reader. */
struct csv_reader *csv_open_memory(const char *data, size_t len,
                                   const struct csv_options *opt);

/* Reads the next record into *rec: CSV_RECORD, CSV_BAD, CSV_EOF or CSV_ERROR. */
int csv_next(struct csv_reader *r, struct csv_record *rec);

/* Starts again from the first record (the loader reads a file twice: once to infer
 * types, once to insert).  Returns 0, or -1 with csv_error() set. */
int csv_rewind(struct csv_reader *r);

/* The delimiter in use (given or sniffed). */
int csv_delimiter(const struct csv_reader *r);

/* Bytes of the file consumed so far, and the file's size (0 if unknown): progress. */
int64_t csv_offset(const struct csv_reader *r);
int64_t csv_size(const struct csv_reader *r);

/* The message for the last CSV_ERROR. */
const char *csv_error(const struct csv_reader *r);

void csv_close(struct csv_reader *r);

#endif
