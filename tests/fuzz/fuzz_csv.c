/* fuzz_csv.c — libFuzzer target for the CSV reader.
 *
 * The first byte picks the delimiter (sniffed or given) and the encoding; the rest is
 * the file.  Every record is checked (fields NUL-terminated, valid UTF-8 under
 * CSV_UTF8, lines increasing, bad records with a reason), then the reader is rewound and
 * must give exactly the same records again: the loader reads every file twice and
 * relies on that.  Any breach aborts. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "fuzz_csv: %s\n", what);
        abort();
    }
}

/* True when s[0..n) is well-formed UTF-8 (shortest forms, no surrogates). */
static int valid_utf8(const unsigned char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        unsigned c = s[i], cp, k;
        if (c < 0x80) {
            i++;
            continue;
        }
        if (c >= 0xC2 && c <= 0xDF)
            k = 1, cp = c & 0x1F;
        else if (c >= 0xE0 && c <= 0xEF)
            k = 2, cp = c & 0x0F;
        else if (c >= 0xF0 && c <= 0xF4)
            k = 3, cp = c & 0x07;
        else
            return 0;
        if (n - i <= k)
            return 0;
        for (unsigned j = 1; j <= k; j++) {
            if ((s[i + j] & 0xC0) != 0x80)
                return 0;
            cp = cp << 6 | (s[i + j] & 0x3F);
        }
        if ((k == 2 && cp < 0x800) || (k == 3 && cp < 0x10000) || cp > 0x10FFFF ||
            (cp >= 0xD800 && cp <= 0xDFFF))
            return 0;
        i += k + 1;
    }
    return 1;
}

/* Appends one record's rendering to the growing log *log of *len bytes. */
static void append(char **log, size_t *len, size_t *cap, const void *p, size_t n)
{
    if (*len + n > *cap) {
        *cap = (*len + n) * 2;
        *log = realloc(*log, *cap);
        check(*log != NULL, "out of memory");
    }
    memcpy(*log + *len, p, n);
    *len += n;
}

/* Reads every record, checking each, and returns their rendering. */
static char *read_all(struct csv_reader *r, enum csv_encoding enc, size_t *len)
{
    char *log = NULL;
    size_t cap = 0;
    int64_t last_line = 0;
    struct csv_record rec;
    int rc;
    *len = 0;
    while ((rc = csv_next(r, &rec)) == CSV_RECORD || rc == CSV_BAD) {
        check(rec.line > last_line, "record lines must increase");
        last_line = rec.line;
        append(&log, len, &cap, &rc, sizeof rc);
        append(&log, len, &cap, &rec.line, sizeof rec.line);
        if (rc == CSV_BAD) {
            check(rec.reason && rec.reason[0], "a bad record needs a reason");
            check(rec.raw && rec.raw[rec.raw_len] == '\0', "raw must be NUL-terminated");
            append(&log, len, &cap, rec.reason, strlen(rec.reason) + 1);
            append(&log, len, &cap, &rec.raw_len, sizeof rec.raw_len);
            append(&log, len, &cap, rec.raw, rec.raw_len);
            continue;
        }
        check(rec.nfields > 0, "a record has at least one field");
        append(&log, len, &cap, &rec.nfields, sizeof rec.nfields);
        for (int i = 0; i < rec.nfields; i++) {
            check(rec.field[i][rec.len[i]] == '\0', "fields must be NUL-terminated");
            check(memchr(rec.field[i], '\0', rec.len[i]) == NULL, "NUL inside a good field");
            check(enc == CSV_LATIN1 ||
                      valid_utf8((const unsigned char *)rec.field[i], rec.len[i]),
                  "invalid UTF-8 in a good record");
            append(&log, len, &cap, &rec.len[i], sizeof rec.len[i]);
            append(&log, len, &cap, rec.field[i], rec.len[i]);
        }
    }
    check(rc == CSV_EOF, "a memory reader cannot fail");
    return log;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const int delimiters[] = { 0, ',', ';', '\t', '|', ':' };
    if (size == 0)
        return 0;
    struct csv_options opt = {
        delimiters[data[0] % 6],
        data[0] & 0x80 ? CSV_LATIN1 : CSV_UTF8,
    };
    struct csv_reader *r = csv_open_memory((const char *)data + 1, size - 1, &opt);
    check(r != NULL, "csv_open_memory failed");
    size_t len1, len2;
    char *first = read_all(r, opt.encoding, &len1);
    check(csv_offset(r) == csv_size(r), "the offset must reach the size");
    check(csv_rewind(r) == 0, "rewind failed");
    char *second = read_all(r, opt.encoding, &len2);
    check(len1 == len2 && (len1 == 0 || memcmp(first, second, len1) == 0),
          "the second pass differs from the first");
    free(first);
    free(second);
    csv_close(r);
    return 0;
}
