/* csv.c — a streaming RFC 4180 reader (the interface is in csv.h).
 *
 * The unread input sits in one buffer, in[pos..end).  A record is always parsed from its
 * first byte to its last in one call: when the buffer ends inside a record, the reader
 * moves the record to the front of the buffer, reads more behind it (doubling the buffer
 * when the record fills more than half of it) and parses the record again from its
 * start.  The parser therefore keeps no state between calls, what it returns cannot
 * depend on where a read() happened to stop (the loader reads a file twice and relies on
 * both passes agreeing), and the price is one re-parse of the record that straddles each
 * refill.  A memory reader works the same way over a window of the caller's buffer that
 * widens instead of refilling, so both kinds of reader share every line of the parser.
 *
 * Fields are unescaped into `out`, which never grows during a parse: unescaping only
 * shortens, and each field's terminating NUL takes the place of the delimiter or line end
 * after it (the last field of a file without a final newline needs one byte more).
 *
 * Scanning is the hot loop.  Runs of ordinary bytes are skipped eight at a time with a
 * word test that flags any byte below 0x0E (NUL, TAB, LF, CR) or equal to the one
 * interesting printable byte (the delimiter outside quotes, '"' inside); a flagged word is
 * then settled byte by byte with a 256-entry class table. */
#include "csv.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

/* Bytes per read.  Tests and fuzzing may build with a tiny chunk so that records
 * straddle refills all the time. */
#ifndef CSV_CHUNK
#define CSV_CHUNK (256 * 1024)
#endif
#define SNIFF_BYTES (CSV_CHUNK < 65536 ? CSV_CHUNK : 65536)
#define SNIFF_RECORDS 50
#define RECORD_MAX ((size_t)256 << 20)
/* A parse never looks further than RECORD_MAX + 2 bytes (the longest record plus CRLF),
 * so the buffer never needs to be bigger than that plus one read. */
#define WINDOW_MAX (RECORD_MAX + 2)
#define BUF_MAX (WINDOW_MAX + CSV_CHUNK)

#define ONES 0x0101010101010101ULL
#define HIGHS 0x8080808080808080ULL

/* Class bits: which bytes end a run of ordinary bytes in each scanning state. */
enum { C_UNQUOTED = 1, C_QUOTED = 2, C_EOL = 4 };

enum { PARSE_RECORD, PARSE_BLANK, PARSE_MORE, PARSE_UNTERMINATED, PARSE_NOMEM };

struct csv_reader {
    int fd;                 /* plain file, or -1 */
    gzFile gz;              /* gzip file (or a pipe, read transparently), or NULL */
    char *path;             /* for messages; NULL for a memory reader */
    int64_t size;           /* file size for progress, 0 if unknown */

    const char *in;         /* the input: own for files, the caller's buffer for memory */
    char *own;              /* the buffer files are read into; NULL for memory readers */
    size_t cap;             /* size of own */
    size_t total;           /* memory readers: length of the caller's buffer */
    size_t pos, end;        /* in[pos..end) is read but not yet returned */
    int64_t in_off;         /* file offset of in[0] (uncompressed) */
    int eof;                /* nothing lies beyond in[end] */

    int delim;
    enum csv_encoding enc;
    unsigned char cls[256];
    int64_t line;           /* physical line at in[pos] */

    char *out;              /* unescaped fields of the current record */
    size_t out_cap;
    char *wide;             /* the same, transcoded from Latin-1 */
    size_t wide_cap;
    char **field;
    size_t *len;
    int field_cap;
    char *raw;              /* CSV_BAD: a NUL-terminated copy of the raw text */
    size_t raw_cap;
    char reason[96];
    char err[512];
};

/* The outcome of parse_record(). */
struct parse {
    int nfields;
    int nul_field;          /* first field holding a NUL byte, or -1 */
    size_t consumed;        /* bytes through the record's line end */
    size_t raw_len;         /* bytes before the line end */
    int64_t lines;          /* line ends consumed, the record's own included */
    int64_t quote_line;     /* PARSE_UNTERMINATED: line ends before the opening quote */
    size_t out_len;         /* bytes of out in use */
};

static void set_error(struct csv_reader *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void set_error(struct csv_reader *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->err, sizeof r->err, fmt, ap);
    va_end(ap);
}

/* strerror() with its first letter lowered, to fit "path: what went wrong". */
static void describe_errno(char *buf, size_t n, int e)
{
    snprintf(buf, n, "%s", e == ENOENT ? "no such file" : strerror(e));
    if (buf[0] >= 'A' && buf[0] <= 'Z')
        buf[0] = (char)(buf[0] - 'A' + 'a');
}

static const char *source_name(const struct csv_reader *r)
{
    return r->path ? r->path : "memory";
}

static int out_of_memory(struct csv_reader *r)
{
    set_error(r, "%s: out of memory", source_name(r));
    return CSV_ERROR;
}

static void set_delimiter(struct csv_reader *r, int delim)
{
    r->delim = delim;
    memset(r->cls, 0, sizeof r->cls);
    r->cls[(unsigned char)delim] |= C_UNQUOTED;
    r->cls['"'] |= C_QUOTED;
    r->cls['\0'] |= C_UNQUOTED | C_QUOTED;
    r->cls['\r'] |= C_UNQUOTED | C_QUOTED | C_EOL;
    r->cls['\n'] |= C_UNQUOTED | C_QUOTED | C_EOL;
}

/* Returns the first byte in [p, e) whose class has a bit of mask, copying the bytes
 * before it to *o and advancing *o past them when o is not NULL.  Every wanted byte must
 * be below 0x0E or equal to target: the word test only looks for those.  Its borrows can
 * only flag bytes after a real candidate, so the lowest flagged byte is the first
 * candidate; the class table then says whether it is really wanted.  Whole words are
 * stored to *o before they are looked at, which is safe because out always has room
 * for as many bytes as the input window holds. */
static inline const unsigned char *scan_run(const unsigned char *p, const unsigned char *e,
                                            const unsigned char *cls, unsigned mask,
                                            unsigned char target, char **o)
{
    const uint64_t t = ONES * target;
    while (e - p >= 8) {
        uint64_t w, x, m;
        memcpy(&w, p, 8);
        if (o)
            memcpy(*o, &w, 8);
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
        w = __builtin_bswap64(w);
#endif
        x = w ^ t;
        m = (((w - ONES * 0x0E) & ~w) | ((x - ONES) & ~x)) & HIGHS;
        if (!m) {
            p += 8;
            if (o)
                *o += 8;
            continue;
        }
        unsigned k = (unsigned)__builtin_ctzll(m) >> 3;
        p += k;
        if (o)
            *o += k;
        if (cls[*p] & mask)
            return p;
        p++;
        if (o)
            (*o)++;
    }
    for (; p < e && !(cls[*p] & mask); p++)
        if (o)
            *(*o)++ = (char)*p;
    return p;
}

/* Grows the field arrays; the parser calls it when a record has more fields than any
 * before it. */
static int grow_fields(struct csv_reader *r)
{
    int n = r->field_cap ? r->field_cap * 2 : 64;
    char **f = realloc(r->field, (size_t)n * sizeof *f);
    if (!f)
        return -1;
    r->field = f;
    size_t *l = realloc(r->len, (size_t)n * sizeof *l);
    if (!l)
        return -1;
    r->len = l;
    r->field_cap = n;
    return 0;
}

static int reserve(char **buf, size_t *cap, size_t need)
{
    if (need <= *cap)
        return 0;
    char *p = realloc(*buf, need);
    if (!p)
        return -1;
    *buf = p;
    *cap = need;
    return 0;
}

/* Parses one record from [s, e) into r->out, r->field and r->len.  at_eof says that
 * nothing follows e; otherwise reaching e inside the record gives PARSE_MORE and the
 * caller retries with more input.  out must hold (e - s) + 1 bytes. */
static int parse_record(struct csv_reader *r, const unsigned char *s, const unsigned char *e,
                        int at_eof, struct parse *pr)
{
    const unsigned char *p = s;
    const unsigned char *cls = r->cls;
    const unsigned char delim = (unsigned char)r->delim;
    /* Locals, because every store through o may alias the reader's fields. */
    char **field = r->field;
    size_t *len = r->len;
    int field_cap = r->field_cap;
    char *o = r->out;
    int nf = 0;
    int64_t lines = 0;

    pr->nul_field = -1;
    for (;;) {
        if (nf == field_cap) {
            if (grow_fields(r) < 0)
                return PARSE_NOMEM;
            field = r->field;
            len = r->len;
            field_cap = r->field_cap;
        }
        field[nf] = o;
        if (p < e && *p == '"') {
            pr->quote_line = lines;
            p++;
            for (;;) {
                p = scan_run(p, e, cls, C_QUOTED, '"', &o);
                if (p == e)
                    return at_eof ? PARSE_UNTERMINATED : PARSE_MORE;
                if (*p == '"') {
                    if (p + 1 < e && p[1] == '"') {
                        *o++ = '"';
                        p += 2;
                        continue;
                    }
                    if (p + 1 == e && !at_eof)
                        return PARSE_MORE; /* a closing quote, or the first of "" */
                    p++;
                    break;
                }
                if (*p == '\0') {
                    if (pr->nul_field < 0)
                        pr->nul_field = nf;
                } else if (*p == '\n' || p + 1 == e || p[1] != '\n') {
                    lines++; /* a CR counts only when no LF completes it */
                }
                *o++ = (char)*p++;
            }
        }
        /* An unquoted field, or whatever follows a closing quote: taken literally. */
        for (;;) {
            p = scan_run(p, e, cls, C_UNQUOTED, delim, &o);
            if (p == e || *p != '\0')
                break;
            if (pr->nul_field < 0)
                pr->nul_field = nf;
            *o++ = '\0';
            p++;
        }
        len[nf] = (size_t)(o - field[nf]);
        *o++ = '\0';
        nf++;
        if (p == e) {
            if (!at_eof)
                return PARSE_MORE;
            pr->raw_len = (size_t)(p - s);
            break;
        }
        if (*p == delim) {
            p++;
            continue;
        }
        pr->raw_len = (size_t)(p - s);
        if (*p++ == '\r') {
            if (p == e && !at_eof)
                return PARSE_MORE; /* CR, or the first half of CRLF */
            if (p < e && *p == '\n')
                p++;
        }
        lines++;
        break;
    }
    pr->nfields = nf;
    pr->consumed = (size_t)(p - s);
    pr->lines = lines;
    pr->out_len = (size_t)(o - r->out);
    return pr->raw_len == 0 ? PARSE_BLANK : PARSE_RECORD;
}

/* Drops the copies that only a long record needed; they come back on demand.  (raw is
 * trimmed in bad() instead: a bad record's raw text must outlive the refills that step
 * over its line.) */
static void release_spare(struct csv_reader *r)
{
    free(r->wide);
    r->wide = NULL;
    r->wide_cap = 0;
    if (r->out_cap > r->cap + 1) {
        char *p = realloc(r->out, r->cap + 1);
        if (p) {
            r->out = p;
            r->out_cap = r->cap + 1;
        }
    }
}

/* zlib prefixes its messages with the name it was opened under, "<fd:3>" here. */
static const char *zlib_message(gzFile gz, int *zerr)
{
    const char *msg = gzerror(gz, zerr);
    const char *colon = msg[0] == '<' ? strstr(msg, ": ") : NULL;
    return colon ? colon + 2 : msg;
}

static ssize_t read_input(struct csv_reader *r, char *dst, size_t n)
{
    if (r->gz) {
        int zerr;
        int got = gzread(r->gz, dst, (unsigned)n);
        const char *msg = zlib_message(r->gz, &zerr);
        /* Data that came before a fault is still good: hand it out, and let the next
         * read, which finds the same fault, report it. */
        if (got <= 0 && zerr != Z_OK) {
            char why[128];
            if (zerr == Z_ERRNO)
                describe_errno(why, sizeof why, errno);
            else
                snprintf(why, sizeof why, "corrupt gzip data (%s)", msg);
            set_error(r, "%s: %s", r->path, why);
            return -1;
        }
        return got;
    }
    for (;;) {
        ssize_t got = read(r->fd, dst, n);
        if (got >= 0)
            return got;
        if (errno != EINTR) {
            char why[128];
            describe_errno(why, sizeof why, errno);
            set_error(r, "%s: read error: %s", r->path, why);
            return -1;
        }
    }
}

/* Makes more input visible behind in[pos..end), keeping that part: a file reader moves
 * it to the front and reads, a memory reader widens its window.  Sets eof when there is
 * no more.  Returns 0, or -1 with the error set. */
static int refill(struct csv_reader *r)
{
    size_t keep = r->end - r->pos;
    if (!r->own) {
        size_t more = keep > CSV_CHUNK ? keep : CSV_CHUNK;
        r->end = r->total - r->end > more ? r->end + more : r->total;
        r->eof = r->end == r->total;
        return 0;
    }
    if (r->pos) {
        memmove(r->own, r->own + r->pos, keep);
        r->in_off += (int64_t)r->pos;
        r->pos = 0;
        r->end = keep;
    }
    size_t cap = r->cap;
    if (keep > cap / 2)
        cap = cap < BUF_MAX / 2 ? cap * 2 : BUF_MAX;
    else if (cap > CSV_CHUNK && keep < CSV_CHUNK / 2)
        cap = CSV_CHUNK; /* a long record has gone by: give its memory back */
    if (cap != r->cap) {
        char *p = realloc(r->own, cap);
        if (!p)
            return out_of_memory(r);
        r->own = p;
        r->in = p;
        r->cap = cap;
        if (cap == CSV_CHUNK)
            release_spare(r);
    }
    ssize_t got = read_input(r, r->own + r->end, r->cap - r->end);
    if (got < 0)
        return -1;
    if (got == 0)
        r->eof = 1;
    r->end += (size_t)got;
    return 0;
}

/* Positions the reader on the first record: fills the first block (for sniffing and
 * the NUL check) and steps over a byte-order mark. */
static int start(struct csv_reader *r)
{
    r->pos = 0;
    r->in_off = 0;
    r->line = 1;
    if (r->own) {
        r->end = 0;
        r->eof = 0;
    } else {
        r->end = r->total < CSV_CHUNK ? r->total : CSV_CHUNK;
        r->eof = r->end == r->total;
    }
    while (!r->eof && r->end < SNIFF_BYTES)
        if (refill(r) < 0)
            return -1;
    if (r->end >= 3 && memcmp(r->in, "\xEF\xBB\xBF", 3) == 0)
        r->pos = 3;
    return 0;
}

/* Picks the delimiter among , ; TAB | that splits the first records of the first block
 * into the same number (> 1) of fields most often; more fields break a tie, and ','
 * wins when nothing decides. */
static int sniff_delimiter(struct csv_reader *r)
{
    static const char candidates[] = { ',', ';', '\t', '|' };
    size_t avail = r->end - r->pos;
    size_t n = avail < SNIFF_BYTES ? avail : SNIFF_BYTES;
    int at_eof = r->eof && n == avail;
    int best = ',', best_agree = 0, best_count = 1;

    if (n == 0) { /* nothing to look at, and in may be NULL */
        set_delimiter(r, best);
        return 0;
    }
    if (reserve(&r->out, &r->out_cap, n + 1) < 0)
        return -1;
    for (size_t c = 0; c < sizeof candidates; c++) {
        const unsigned char *s = (const unsigned char *)r->in + r->pos, *e = s + n;
        int count[SNIFF_RECORDS], nrec = 0;
        struct parse pr;

        set_delimiter(r, candidates[c]);
        while (nrec < SNIFF_RECORDS && s < e) {
            int rc = parse_record(r, s, e, at_eof, &pr);
            if (rc == PARSE_NOMEM)
                return -1;
            if (rc != PARSE_RECORD && rc != PARSE_BLANK)
                break;
            s += pr.consumed;
            if (rc == PARSE_RECORD)
                count[nrec++] = pr.nfields;
        }
        for (int i = 0; i < nrec; i++) {
            int agree = 0;
            for (int j = 0; j < nrec; j++)
                agree += count[j] == count[i];
            if (count[i] > 1 && (agree > best_agree ||
                                 (agree == best_agree && count[i] > best_count))) {
                best = candidates[c];
                best_agree = agree;
                best_count = count[i];
            }
        }
    }
    set_delimiter(r, best);
    return 0;
}

/* The delimiter must not be a byte the grammar already uses, nor part of UTF-8. */
static int valid_delimiter(const struct csv_options *opt)
{
    int d = opt ? opt->delimiter : 0;
    return d >= 0 && d < 0x80 && d != '"' && d != '\r' && d != '\n';
}

static struct csv_reader *reader_new(const struct csv_options *opt)
{
    int delim = opt ? opt->delimiter : 0;
    struct csv_reader *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    r->fd = -1;
    r->enc = opt ? opt->encoding : CSV_UTF8;
    set_delimiter(r, delim ? delim : ',');
    if (grow_fields(r) < 0) {
        csv_close(r);
        return NULL;
    }
    return r;
}

/* Opens PATH (see csv.h).  Under a NULL opt the delimiter is sniffed and the input taken
 * as UTF-8.  A path that is not a regular file (a pipe) is read through zlib, which passes
 * plain text through: such input can be read once but not rewound. */
struct csv_reader *csv_open(const char *path, const struct csv_options *opt,
                            char *err, size_t errlen)
{
    char why[128];
    struct stat st;
    if (!valid_delimiter(opt)) {
        snprintf(err, errlen, "%s: invalid delimiter", path);
        return NULL;
    }
    struct csv_reader *r = reader_new(opt);
    if (!r) {
        snprintf(err, errlen, "%s: out of memory", path);
        return NULL;
    }
    r->fd = open(path, O_RDONLY | O_CLOEXEC);
    if (r->fd < 0 || fstat(r->fd, &st) < 0) {
        describe_errno(why, sizeof why, errno);
        snprintf(err, errlen, "%s: %s", path, why);
        csv_close(r);
        return NULL;
    }
    if (S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, "%s: is a directory", path);
        csv_close(r);
        return NULL;
    }
    r->size = S_ISREG(st.st_mode) ? (int64_t)st.st_size : 0;
    r->cap = CSV_CHUNK;
    r->own = malloc(r->cap);
    r->path = strdup(path);
    if (!r->own || !r->path || reserve(&r->out, &r->out_cap, r->cap + 1) < 0) {
        snprintf(err, errlen, "%s: out of memory", path);
        csv_close(r);
        return NULL;
    }
    r->in = r->own;

    unsigned char magic[2];
    if (!S_ISREG(st.st_mode) ||
        (pread(r->fd, magic, 2, 0) == 2 && magic[0] == 0x1f && magic[1] == 0x8b)) {
        r->gz = gzdopen(r->fd, "rb");
        if (!r->gz) {
            snprintf(err, errlen, "%s: out of memory", path);
            csv_close(r);
            return NULL;
        }
        r->fd = -1; /* the gzFile owns it now */
        gzbuffer(r->gz, CSV_CHUNK);
    } else {
        posix_fadvise(r->fd, 0, 0, POSIX_FADV_SEQUENTIAL); /* a hint: larger readahead */
    }
    if (start(r) < 0) {
        snprintf(err, errlen, "%s", r->err);
        csv_close(r);
        return NULL;
    }
    size_t head = r->end < SNIFF_BYTES ? r->end : SNIFF_BYTES;
    const char *nul = memchr(r->in, '\0', head);
    if (nul) {
        snprintf(err, errlen, "%s: not a text file (NUL byte at offset %zu)", path,
                 (size_t)(nul - r->in));
        csv_close(r);
        return NULL;
    }
    if (!(opt && opt->delimiter) && sniff_delimiter(r) < 0) {
        snprintf(err, errlen, "%s: out of memory", path);
        csv_close(r);
        return NULL;
    }
    return r;
}

/* Reads from the caller's buffer (see csv.h).  Unlike csv_open() it takes any bytes as
 * text: a NUL byte only makes its record CSV_BAD.  Returns NULL when out of memory or
 * for a delimiter the grammar cannot use ('"', CR, LF, or a byte >= 0x80). */
struct csv_reader *csv_open_memory(const char *data, size_t len,
                                   const struct csv_options *opt)
{
    struct csv_reader *r = valid_delimiter(opt) ? reader_new(opt) : NULL;
    if (!r)
        return NULL;
    r->in = data;
    r->total = len;
    if (start(r) < 0 || (!(opt && opt->delimiter) && sniff_delimiter(r) < 0)) {
        csv_close(r);
        return NULL;
    }
    return r;
}

/* Returns the offset of the first byte in s[0..n) that does not begin a well-formed,
 * shortest-form UTF-8 sequence of a scalar value, or n when all is valid. */
static size_t utf8_invalid(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned c = s[i];
        unsigned lo = 0x80, hi = 0xBF;
        size_t k;
        if (c < 0x80) {
            i++;
            continue;
        }
        if (c >= 0xC2 && c <= 0xDF) {
            k = 1;
        } else if (c >= 0xE0 && c <= 0xEF) {
            k = 2;
            if (c == 0xE0)
                lo = 0xA0; /* overlong */
            else if (c == 0xED)
                hi = 0x9F; /* surrogates */
        } else if (c >= 0xF0 && c <= 0xF4) {
            k = 3;
            if (c == 0xF0)
                lo = 0x90; /* overlong */
            else if (c == 0xF4)
                hi = 0x8F; /* beyond U+10FFFF */
        } else {
            return i;
        }
        if (n - i <= k || s[i + 1] < lo || s[i + 1] > hi)
            return i;
        for (size_t j = 2; j <= k; j++)
            if ((s[i + j] & 0xC0) != 0x80)
                return i;
        i += k + 1;
    }
    return n;
}

static int has_high_bytes(const char *p, size_t n)
{
    uint64_t w, any = 0;
    if (n < 8) {
        for (size_t i = 0; i < n; i++)
            any |= (unsigned char)p[i];
        return (any & 0x80) != 0;
    }
    for (size_t i = 0; i + 8 <= n; i += 8) {
        memcpy(&w, p + i, 8);
        any |= w;
    }
    memcpy(&w, p + n - 8, 8); /* the tail, overlapping the last whole word */
    return ((any | w) & HIGHS) != 0;
}

/* Rewrites the record's fields from Latin-1 into UTF-8 in r->wide. */
static int widen_latin1(struct csv_reader *r, const struct parse *pr)
{
    if (reserve(&r->wide, &r->wide_cap, 2 * pr->out_len) < 0)
        return -1;
    char *o = r->wide;
    for (int i = 0; i < pr->nfields; i++) {
        const unsigned char *f = (const unsigned char *)r->field[i];
        size_t n = r->len[i];
        r->field[i] = o;
        for (size_t j = 0; j < n; j++) {
            if (f[j] < 0x80) {
                *o++ = (char)f[j];
            } else {
                *o++ = (char)(0xC0 | f[j] >> 6);
                *o++ = (char)(0x80 | (f[j] & 0x3F));
            }
        }
        r->len[i] = (size_t)(o - r->field[i]);
        *o++ = '\0';
    }
    return 0;
}

/* Fills rec as CSV_BAD with reason and a NUL-terminated copy of raw. */
static int bad(struct csv_reader *r, struct csv_record *rec, int64_t line,
               const char *raw, size_t raw_len)
{
    if (r->raw_cap > CSV_CHUNK && raw_len < r->raw_cap / 4) {
        free(r->raw); /* a long bad record has gone by */
        r->raw = NULL;
        r->raw_cap = 0;
    }
    if (reserve(&r->raw, &r->raw_cap, raw_len + 1) < 0)
        return out_of_memory(r);
    memcpy(r->raw, raw, raw_len);
    r->raw[raw_len] = '\0';
    rec->nfields = 0;
    rec->field = r->field;
    rec->len = r->len;
    rec->line = line;
    rec->reason = r->reason;
    rec->raw = r->raw;
    rec->raw_len = raw_len;
    return CSV_BAD;
}

/* Gives up on the record at in[pos] whose end cannot be found: reports its first
 * physical line and goes on from the next one, so a stray quote costs one row. */
static int bad_first_line(struct csv_reader *r, struct csv_record *rec)
{
    const unsigned char *s = (const unsigned char *)r->in + r->pos;
    size_t avail = r->end - r->pos;
    const unsigned char *q = scan_run(s, s + (avail < RECORD_MAX ? avail : RECORD_MAX),
                                      r->cls, C_EOL, '\n', NULL);
    int64_t line = r->line;
    int rc = bad(r, rec, line, (const char *)s, (size_t)(q - s));
    if (rc != CSV_BAD)
        return rc;
    /* Step over the first line end, reading on where the line is longer than the
     * buffer; the raw copy above keeps rec valid through the refills. */
    for (;;) {
        s = (const unsigned char *)r->in + r->pos;
        q = scan_run(s, (const unsigned char *)r->in + r->end, r->cls, C_EOL, '\n', NULL);
        r->pos = (size_t)((const char *)q - r->in);
        if (r->pos < r->end) {
            r->pos++;
            r->line = line + 1;
            if (*q == '\r') {
                if (r->pos == r->end && !r->eof && refill(r) < 0)
                    return CSV_ERROR;
                if (r->pos < r->end && r->in[r->pos] == '\n')
                    r->pos++;
            }
            return CSV_BAD;
        }
        if (r->eof)
            return CSV_BAD;
        if (refill(r) < 0)
            return CSV_ERROR;
    }
}

/* Reads the next record (see csv.h).  rec's fields and raw text point into the reader
 * and stay valid until the next csv_next(), csv_rewind() or csv_close(). */
int csv_next(struct csv_reader *r, struct csv_record *rec)
{
    struct parse pr;
    for (;;) {
        if (r->pos == r->end) {
            if (r->eof)
                return CSV_EOF;
            if (refill(r) < 0)
                return CSV_ERROR;
            continue;
        }
        size_t avail = r->end - r->pos;
        size_t window = avail < WINDOW_MAX ? avail : WINDOW_MAX;
        if (reserve(&r->out, &r->out_cap, window + 1) < 0)
            return out_of_memory(r);
        const unsigned char *s = (const unsigned char *)r->in + r->pos;
        int rc = parse_record(r, s, s + window, r->eof && window == avail, &pr);
        if (rc == PARSE_MORE && window < WINDOW_MAX) {
            if (refill(r) < 0)
                return CSV_ERROR;
            continue;
        }
        if (rc == PARSE_NOMEM)
            return out_of_memory(r);
        if (rc == PARSE_MORE || (rc != PARSE_UNTERMINATED && pr.raw_len > RECORD_MAX)) {
            snprintf(r->reason, sizeof r->reason, "record longer than 256 MiB");
            return bad_first_line(r, rec);
        }
        if (rc == PARSE_UNTERMINATED) {
            snprintf(r->reason, sizeof r->reason,
                     "unterminated quoted field (opened on line %lld)",
                     (long long)(r->line + pr.quote_line));
            return bad_first_line(r, rec);
        }
        int64_t line = r->line;
        r->pos += pr.consumed;
        r->line += pr.lines;
        if (rc == PARSE_BLANK)
            continue;

        if (pr.nul_field >= 0) {
            snprintf(r->reason, sizeof r->reason, "NUL byte in field %d", pr.nul_field + 1);
            return bad(r, rec, line, (const char *)s, pr.raw_len);
        }
        if (has_high_bytes(r->out, pr.out_len)) {
            if (r->enc == CSV_LATIN1) {
                if (widen_latin1(r, &pr) < 0)
                    return out_of_memory(r);
            } else {
                for (int i = 0; i < pr.nfields; i++) {
                    const unsigned char *f = (const unsigned char *)r->field[i];
                    size_t at = utf8_invalid(f, r->len[i]);
                    if (at < r->len[i]) {
                        snprintf(r->reason, sizeof r->reason,
                                 "invalid UTF-8 in field %d (byte 0x%02X)", i + 1, f[at]);
                        return bad(r, rec, line, (const char *)s, pr.raw_len);
                    }
                }
            }
        }
        rec->nfields = pr.nfields;
        rec->field = r->field;
        rec->len = r->len;
        rec->line = line;
        rec->reason = NULL;
        rec->raw = NULL;
        rec->raw_len = 0;
        return CSV_RECORD;
    }
}

/* Starts again from the first record (see csv.h); the delimiter stays as it was given
 * or sniffed. */
int csv_rewind(struct csv_reader *r)
{
    if (r->gz ? gzrewind(r->gz) < 0 : r->own && lseek(r->fd, 0, SEEK_SET) < 0) {
        char why[128];
        if (r->gz)
            snprintf(why, sizeof why, "not a regular file");
        else
            describe_errno(why, sizeof why, errno);
        set_error(r, "%s: cannot rewind: %s", r->path, why);
        return -1;
    }
    return start(r);
}

/* The delimiter in use: as given, or as sniffed by the open. */
int csv_delimiter(const struct csv_reader *r)
{
    return r->delim;
}

/* Compressed bytes for gzip input, since csv_size() is the compressed size too. */
int64_t csv_offset(const struct csv_reader *r)
{
    if (r->gz)
        return (int64_t)gzoffset(r->gz);
    return r->in_off + (int64_t)r->pos;
}

/* The file's size as it lies on disk (compressed for gzip), the buffer's length for a
 * memory reader, 0 for a pipe. */
int64_t csv_size(const struct csv_reader *r)
{
    return r->own ? r->size : (int64_t)r->total;
}

/* The returned string belongs to the reader. */
const char *csv_error(const struct csv_reader *r)
{
    return r->err;
}

/* Closes the file and frees the reader and everything its records pointed to. */
void csv_close(struct csv_reader *r)
{
    if (!r)
        return;
    if (r->gz)
        gzclose(r->gz);
    else if (r->fd >= 0)
        close(r->fd);
    free(r->path);
    free(r->own);
    free(r->out);
    free(r->wide);
    free(r->field);
    free(r->len);
    free(r->raw);
    free(r);
}
