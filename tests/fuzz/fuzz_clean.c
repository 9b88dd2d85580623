/* fuzz_clean.c — libFuzzer target for the value cleaners and segment conditions.
 *
 * The first byte picks what to run; the rest is the value.  Every normalize kind
 * (with and without a default country, each date order, numbers as dates, pivots),
 * the country and postcode tables, the e-mail cleaner and the segment-condition
 * parser get the bytes exactly
 * as a loaded cell would hold them: not NUL-terminated where the API takes a
 * length, so a read past the end is caught by ASan.  A cleaned value must be
 * clean: cleaning it again gives NORM_SAME (the kinds are idempotent), never a
 * failure. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "country.h"
#include "datenorm.h"
#include "email.h"
#include "normalize.h"
#include "segment_expr.h"
#include "strbuf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "fuzz_clean: %s\n", what);
        abort();
    }
}

static const char *const specs[] = {
    "trim", "lower", "upper", "title", "unicode", "email", "phone:US", "phone:DE", "phone:FR",
    "phone:GB", "phone:JP", "date", "date:DMY", "date:MDY", "country", "postcode:GB",
    "postcode:US", "postcode:NL", "postcode:CA", "phone", "postcode:DE", "phone:BR", "phone:KR", "phone:CN",
    "date:excel", "date:excel1904", "date:epoch", "date:DMY:pivot=1950", "date:pivot=1930",
};
enum { NSPECS = sizeof specs / sizeof specs[0] };

/* Cleans value with spec, then cleans the result again. */
static void clean_twice(const struct norm_spec *spec, const struct date_orders *orders, const char *row_country,
                        const char *value, size_t len)
{
    struct strbuf out = {0}, again = {0};
    char why[256];
    enum norm_outcome o = norm_value(spec, row_country, orders, value, len, &out, why, sizeof why, NULL);
    if (o == NORM_NEW) {
        /* the clean form is clean: a second pass keeps it (dates and phones are in
         * their canonical form, names and cases are fixed points) */
        char *copy = malloc(out.len ? out.len : 1);
        check(copy != NULL, "out of memory");
        memcpy(copy, out.buf, out.len);
        enum norm_outcome o2 = norm_value(spec, row_country, orders, copy, out.len, &again, why, sizeof why, NULL);
        check(o2 != NORM_BAD && o2 != NORM_TO_NULL, "a cleaned value does not clean again");
        free(copy);
    }
    strbuf_free(&out);
    strbuf_free(&again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    unsigned pick = data[0];
    const char *value = (const char *)data + 1;
    size_t len = size - 1;
    /* an exact-size copy: the cleaners take a length and must not read past it */
    char *exact = malloc(len ? len : 1);
    check(exact != NULL, "out of memory");
    memcpy(exact, value, len);

    if (pick % 4 == 3) {
        /* a segment condition is NUL-terminated text */
        char *text = malloc(len + 1);
        check(text != NULL, "out of memory");
        memcpy(text, value, len);
        text[len] = '\0';
        struct seg_condition cond;
        size_t at = 0;
        char err[256];
        if (seg_condition_parse(text, &cond, &at, err, sizeof err) != 0)
            check(at <= len && err[0], "a failed parse must say why and where");
        seg_condition_free(&cond);
        free(text);
    } else {
        const char *spec_text = specs[(pick / 4) % NSPECS];
        struct norm_spec spec;
        char err[256];
        check(norm_spec_parse(spec_text, &spec, NULL, NULL, err, sizeof err) == 0 || strcmp(spec_text, "phone") == 0,
              "a listed spec does not parse");
        struct date_orders orders;
        date_orders_init(&orders, 0);
        orders.pivot = pick % 8 < 4 ? 1950 : 0;
        date_orders_vote(&orders, exact, len);
        date_orders_settle(&orders);
        if (norm_spec_parse(spec_text, &spec, NULL, NULL, err, sizeof err) == 0) {
            clean_twice(&spec, &orders, pick % 4 == 1 ? "BR" : NULL, exact, len);
            norm_spec_free(&spec);
        }
        char out[64];
        country_code(exact, len);
        struct strbuf mail = {0};
        email_normalize(exact, len, &mail, err, sizeof err);
        strbuf_free(&mail);
        postcode_normalize("GB", exact, len, out, err, sizeof err);
        email_check(exact, len, err, sizeof err);
        char iso[32];
        date_to_iso(&orders, exact, len, iso, err, sizeof err);
    }
    free(exact);
    return 0;
}
