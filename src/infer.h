/* infer.h — column type inference and cell conversion for the loader.
 *
 * The loader feeds every cell of a column to type_infer_add() in a first pass, asks
 * type_infer_result() for the column's type, then converts each cell with
 * type_convert() in the second pass.  Types: INTEGER, REAL, DATE, DATETIME, TEXT.
 * Rules (so that nothing is lost):
 *  - blank or whitespace-only cells are NULL and do not vote;
 *  - integers: optional '-', digits, no leading zero ("0001" stays TEXT), no '+'
 *    (phone numbers keep their plus), must fit in int64 (else TEXT);
 *  - reals: decimal or exponent notation, same leading-zero rule; no inf/nan/hex,
 *    no thousands separators; a column of integers and reals is REAL;
 *  - dates: ISO 8601 (YYYY-MM-DD, with 'T' or ' ' and a time, optional fraction and
 *    zone), Y/M/D with '/', and D/M/Y or M/D/Y with '/', '-' or '.' and a 4-digit
 *    year, optional H:MM[:SS] and AM/PM.  The order is decided per column: a value
 *    with a first part > 12 proves D/M/Y, a second part > 12 proves M/D/Y; if nothing
 *    decides, '.' and '-' mean D/M/Y and '/' means M/D/Y, and the result says it was
 *    ambiguous.  Every value must be a real calendar date.  DATE and DATETIME values
 *    are stored as ISO text ("2021-03-14", "2021-03-14 08:26:00"); ISO input is kept
 *    byte for byte;
 *  - a column of integers with values in exponent notation and no plain decimals
 *    ("2262649", "7.73E+016") is identifiers a spreadsheet mangled: TEXT, so
 *    no value is rewritten as a real;
 *  - anything else, or a column mixing families, is TEXT, kept exactly.
 * The loader also keeps as TEXT whatever its name says is an identifier
 * (identifier_column_name()). */
#ifndef PERSONA_INFER_H
#define PERSONA_INFER_H

#include <stddef.h>
#include <stdint.h>

enum col_type { TYPE_NULL, TYPE_INTEGER, TYPE_REAL, TYPE_DATE, TYPE_DATETIME, TYPE_TEXT };

enum date_form {
    DATE_ISO,   /* YYYY-MM-DD[ T]time */
    DATE_YMD,   /* YYYY/MM/DD */
    DATE_DMY,
    DATE_MDY,
};

/* Per-column state of the first pass.  Zero it with type_infer_init(). */
struct type_infer {
    int64_t values;         /* non-blank cells seen */
    int64_t nulls;          /* blank cells seen */
    unsigned candidates;    /* bit set of (1u << enum col_type) still possible */
    unsigned date_forms;    /* bit set of (1u << enum date_form) still possible */
    unsigned date_seps;     /* separators seen in D/M/Y-M/D/Y values: 1 '/', 2 '-', 4 '.' */
    int has_time;           /* some date value carried a time */
    int64_t exponent_reals; /* numbers written with an exponent (7.73E+016) */
    int64_t plain_reals;    /* numbers with a decimal point and no exponent */
};

/* The decision for a column. */
struct inferred {
    enum col_type type;     /* TYPE_NULL when every cell was blank */
    enum date_form form;    /* DATE and DATETIME: how to read the values */
    int ambiguous;          /* D/M/Y vs M/D/Y was decided by the separator alone */
    const char *kept_text;  /* why a column that reads as numbers is TEXT, or NULL */
};

void type_infer_init(struct type_infer *t);

/* Counts one cell (not NUL-terminated; len bytes). */
void type_infer_add(struct type_infer *t, const char *s, size_t len);

struct inferred type_infer_result(const struct type_infer *t);

/* The identifier a column name says its values are (phone, postcode, account,
 * IBAN, …), as a static word, or NULL: such values are strings of characters, not
 * quantities, and a numeric type would drop leading zeros and '+' from later
 * values and refuse their cleaned forms.  Name parts split at '_', '-', blanks and
 * lower-to-upper case changes ("PostalCode", "mobile_no"). */
const char *identifier_column_name(const char *name);

/* Whether a column name says it holds row identifiers ("id", "customer_id",
 * "orderId", "uuid", "row_key"): numbers that measure nothing, so never a distance
 * feature. */
int key_column_name(const char *name);

/* "INTEGER", "REAL", "DATE", "DATETIME", "TEXT" (TYPE_NULL declares as TEXT). */
const char *col_type_name(enum col_type type);

/* "ISO", "Y/M/D", "D/M/Y", "M/D/Y". */
const char *date_form_name(enum date_form form);

/* The bit set of (1u << enum col_type) that one value on its own could be, with
 * TEXT always set; blank gives (1u << TYPE_NULL).  Used to tell a header row from a
 * data row. */
unsigned value_types(const char *s, size_t len);

/* A converted cell for the second pass. */
struct converted {
    enum col_type type;     /* TYPE_NULL, TYPE_INTEGER, TYPE_REAL or TYPE_TEXT */
    int64_t i;
    double d;
    const char *text;       /* TYPE_TEXT: points into s or into buf */
    size_t len;
    char buf[40];           /* room for a rewritten date */
};

/* Converts one cell to the column's type.  Returns 0, or -1 if the value does not
 * fit the type (cannot happen for values that went through type_infer_add() for
 * the same column).  TEXT columns keep the cell as it is; an empty TEXT cell is NULL. */
int type_convert(const struct inferred *col, const char *s, size_t len,
                 struct converted *out);

#endif
