/* test_export.c — exports for marketing tools: each preset's headers, hashing and
 * identifier rule; every value rule against tests/fixtures/export/values.tsv
 * (normalised values and SHA-256 digests computed by Python's str, unicodedata and
 * hashlib, see make_fixtures.py); SHA-256 against the FIPS 180-2 test vectors; the
 * RFC 4180 writer (quoting, CRLF, formula neutralising, digest of the bytes); and
 * whole exports on an in-memory workspace: consent, exact bytes, refusal to
 * overwrite, the manifest. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audience.h"
#include "cmd.h"
#include "csvwrite.h"
#include "digest.h"
#include "export.h"
#include "sink.h"
#include "strbuf.h"
#include "workspace.h"

#define FIXTURE "tests/fixtures/export/values.tsv"

/* ---- SHA-256 ---- */

static void test_sha256_vectors(void **state)
{
    (void)state;
    struct sha256 *h = sha256_new();
    char hex[SHA256_HEX];
    sha256_hex(h, "", 0, hex);
    assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    sha256_hex(h, "abc", 3, hex);
    assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    sha256_hex(h, two, strlen(two), hex);
    assert_string_equal(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    /* a stream in pieces is the digest of the whole */
    for (int i = 0; i < 1000; i++)
        sha256_update(h, "aaaaaaaaaa", 10);
    for (int i = 0; i < 99000; i++)
        sha256_update(h, "aaaaaaaaaa", 10);
    sha256_final_hex(h, hex);
    assert_string_equal(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    sha256_free(h);
}

/* ---- value rules against the fixture ---- */

static enum value_rule rule_named(const char *name)
{
    static const struct { const char *name; enum value_rule rule; } rules[] = {
        {"email", RULE_EMAIL}, {"name", RULE_NAME}, {"name_meta", RULE_NAME_META}, {"place_meta", RULE_PLACE_META},
        {"state_meta", RULE_STATE_META}, {"zip", RULE_ZIP}, {"zip_meta", RULE_ZIP_META}, {"phone", RULE_PHONE},
        {"phone_digits", RULE_PHONE_DIGITS}, {"country", RULE_COUNTRY}, {"country_lower", RULE_COUNTRY_LOWER},
        {"country_name", RULE_COUNTRY_NAME}, {"gender", RULE_GENDER}, {"text", RULE_TEXT},
    };
    for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++)
        if (strcmp(rules[i].name, name) == 0)
            return rules[i].rule;
    fail_msg("unknown rule %s in %s", name, FIXTURE);
    return RULE_TEXT;
}

/* Splits a fixture line on tabs in place, undoing \t \n \\ escapes. */
static int split_tsv(char *line, char **fields, int max)
{
    int n = 0;
    char *p = line;
    while (n < max) {
        fields[n++] = p;
        char *w = p;
        for (; *p && *p != '\t' && *p != '\n'; p++) {
            if (*p == '\\' && p[1]) {
                p++;
                *w++ = *p == 't' ? '\t' : *p == 'n' ? '\n' : *p;
            } else {
                *w++ = *p;
            }
        }
        char end = *p;
        *w = '\0';
        if (end != '\t')
            break;
        p++;
    }
    return n;
}

static void test_value_rules_match_python(void **state)
{
    (void)state;
    FILE *f = fopen(FIXTURE, "r");
    assert_non_null(f);
    char line[1024];
    assert_non_null(fgets(line, sizeof line, f));   /* the header */
    struct strbuf out = {0};
    struct sha256 *h = sha256_new();
    int cases = 0;
    while (fgets(line, sizeof line, f)) {
        char *fld[5];
        assert_int_equal(split_tsv(line, fld, 5), 5);
        struct row_facts row = {.country = fld[1][0] ? fld[1] : NULL};
        int ok = value_apply(rule_named(fld[0]), fld[2], strlen(fld[2]), &row, &out);
        if (strcmp(ok ? strbuf_str(&out) : "", fld[3]) != 0)
            fail_msg("%s(%s) gave '%s' (%s), Python '%s'", fld[0], fld[2], strbuf_str(&out), ok ? "ok" : "no value",
                     fld[3]);
        assert_int_equal(ok, fld[3][0] != '\0');
        if (ok) {
            char hex[SHA256_HEX];
            sha256_hex(h, out.buf, out.len, hex);
            assert_string_equal(hex, fld[4]);
        }
        cases++;
    }
    fclose(f);
    assert_true(cases >= 50);
    strbuf_free(&out);
    sha256_free(h);
}

static void test_dates_for_braze(void **state)
{
    (void)state;
    struct date_orders orders;
    date_orders_init(&orders, 0);
    const char *column[] = {"25.12.1973", "01/02/1990", "1961-11-28", "March 16, 2021"};
    for (int i = 0; i < 4; i++)
        date_orders_vote(&orders, column[i], strlen(column[i]));
    date_orders_settle(&orders);
    struct row_facts row = {.dates = &orders};
    struct strbuf out = {0};
    const char *want[] = {"1973-12-25", "1990-01-02", "1961-11-28", "2021-03-16"};
    for (int i = 0; i < 4; i++) {
        assert_true(value_apply(RULE_DATE, column[i], strlen(column[i]), &row, &out));
        assert_string_equal(strbuf_str(&out), want[i]);
    }
    assert_false(value_apply(RULE_DATE, "31/02/2021", 10, &row, &out));
    strbuf_free(&out);
}

/* ---- presets ---- */

/* The headers of a preset, comma-separated, with * after hashed ones. */
static const char *headers(const char *name)
{
    static char buf[512];
    const struct preset *p = preset_find(name);
    assert_non_null(p);
    buf[0] = '\0';
    for (int i = 0; i < p->ncols; i++) {
        strcat(buf, i ? "," : "");
        strcat(buf, p->cols[i].header);
        strcat(buf, p->cols[i].hashed ? "*" : "");
    }
    return buf;
}

static void test_preset_headers(void **state)
{
    (void)state;
    assert_string_equal(headers("mailchimp"), "Email Address,First Name,Last Name,Tags");
    assert_string_equal(headers("hubspot"),
                        "Email,First Name,Last Name,Phone Number,City,State/Region,Postal Code,Country/Region");
    assert_string_equal(headers("klaviyo"), "Email,Phone Number,First Name,Last Name,City,Region,Country,Zip Code");
    assert_string_equal(headers("braze"), "external_id,email,phone,first_name,last_name,dob,gender,home_city,country");
    assert_string_equal(headers("google-customer-match"), "Email*,Phone*,First Name*,Last Name*,Country,Zip");
    assert_string_equal(headers("meta"), "email*,phone*,fn*,ln*,ct*,st*,zip*,country*");
    assert_null(preset_find("facebook"));
    int n;
    assert_non_null(preset_table(&n));
    assert_int_equal(n, 6);
}

static void test_preset_value_rules(void **state)
{
    (void)state;
    const struct preset *g = preset_find("google-customer-match"), *m = preset_find("meta");
    const struct preset *b = preset_find("braze");
    assert_int_equal(g->cols[1].rule, RULE_PHONE);          /* E.164 with '+' */
    assert_int_equal(m->cols[1].rule, RULE_PHONE_DIGITS);   /* without */
    assert_int_equal(g->cols[2].rule, RULE_NAME);
    assert_int_equal(m->cols[2].rule, RULE_NAME_META);
    assert_int_equal(g->cols[4].rule, RULE_COUNTRY);        /* GB, unhashed */
    assert_int_equal(m->cols[7].rule, RULE_COUNTRY_LOWER);  /* gb, hashed */
    assert_int_equal(b->cols[5].rule, RULE_DATE);
    assert_int_equal(b->cols[6].rule, RULE_GENDER);
    assert_int_equal(b->cols[0].role, ROLE_KEY);
}

static void test_identifiers(void **state)
{
    (void)state;
    size_t l[9] = {0};
    const struct preset *mc = preset_find("mailchimp"), *kl = preset_find("klaviyo");
    const struct preset *g = preset_find("google-customer-match");
    l[0] = 5;
    assert_true(preset_row_usable(mc, l));
    memset(l, 0, sizeof l);
    l[1] = 4;                                   /* first name only */
    assert_false(preset_row_usable(mc, l));
    memset(l, 0, sizeof l);
    l[1] = 12;                                  /* klaviyo: a phone is enough */
    assert_true(preset_row_usable(kl, l));
    memset(l, 0, sizeof l);
    l[2] = l[3] = l[4] = 4;                     /* google: names and country, no zip */
    assert_false(preset_row_usable(g, l));
    l[5] = 5;                                   /* … and the zip: an address match */
    assert_true(preset_row_usable(g, l));
    memset(l, 0, sizeof l);
    l[0] = 64;
    assert_true(preset_row_usable(preset_find("braze"), l));
}

/* ---- the CSV writer ---- */

static void test_csv_writer(void **state)
{
    (void)state;
    struct sha256 *h = sha256_new();
    struct csv_writer w;
    csv_writer_init(&w, -1, h);
    const char *cells[] = {"plain", "a,b", "say \"hi\"", "two\nlines", "=SUM(A1:A2)", "+1", "-2", "@cmd", "\tx",
                           "", "x=1"};
    for (size_t i = 0; i < sizeof cells / sizeof cells[0]; i++)
        csv_put_field(&w, cells[i], strlen(cells[i]), 1);
    csv_end_row(&w);
    csv_put_field(&w, "+442079460959", 13, 0);       /* a phone, left exact */
    csv_put_field(&w, "=\"x\"", 4, 1);                /* neutralised and quoted */
    csv_end_row(&w);
    assert_int_equal(csv_writer_flush(&w), 0);
    const char *want = "plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",'=SUM(A1:A2),'+1,'-2,'@cmd,'\tx,,x=1\r\n"
                       "+442079460959,\"'=\"\"x\"\"\"\r\n";
    assert_string_equal(strbuf_str(&w.buf), want);
    assert_int_equal(w.bytes, strlen(want));
    char hex[SHA256_HEX], whole[SHA256_HEX];
    sha256_final_hex(h, hex);
    sha256_hex(h, want, strlen(want), whole);
    assert_string_equal(hex, whole);
    assert_true(csv_formula_risk("=1", 2));
    assert_true(csv_formula_risk("\r", 1));
    assert_false(csv_formula_risk("1=1", 3));
    assert_false(csv_formula_risk("", 0));
    csv_writer_free(&w);
    sha256_free(h);
}

/* ---- whole exports ---- */

struct fixture {
    ctx c;
    char dir[64];
};

static int setup_workspace(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    if (!f || workspace_open(&f->c, ":memory:") != 0)
        return -1;
    f->c.out = sink_open_buffer(FMT_JSON);
    snprintf(f->dir, sizeof f->dir, "/tmp/persona-test-export-XXXXXX");
    if (!mkdtemp(f->dir))
        return -1;
    /* a customer table: consent in every spelling, a formula in a name, messy phones */
    if (run_line(&f->c, "sql CREATE TABLE people(id TEXT PRIMARY KEY, first_name TEXT, last_name TEXT, email TEXT, "
                        "phone TEXT, country TEXT, spend REAL, consent TEXT); INSERT INTO people VALUES "
                        "('p3', '=HYPERLINK(\"http://x\")', 'Evil', 'evil@example.com', '+1 212 555 0100', 'US', "
                        "-3.5, 'yes'),"
                        "('p1', 'Ann', 'Lee', ' Ann.Lee@Example.com ', '020 7946 0715', 'UK', 10, 'Granted'),"
                        "('p2', 'Bob', 'Ng', 'bob@example.com', NULL, 'FR', 20, 'no'),"
                        "('p4', 'Cy', '@home', NULL, '06 82 60 03 85', 'France', 5, ' TRUE '),"
                        "('p5', 'Di', 'Ko', 'di@example.com', NULL, 'DE', 1, NULL),"
                        "('p6', 'Ed', 'Wu', 'not-an-email', NULL, 'DE', 1, 1)") != 0)
        return -1;
    *state = f;
    return 0;
}

static int teardown_workspace(void **state)
{
    struct fixture *f = *state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
    if (system(cmd) != 0)
        return -1;
    sink_close(f->c.out);
    workspace_close(&f->c);
    free(f);
    return 0;
}

static char *slurp(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return NULL;
    struct strbuf b = {0};
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, fp)) > 0)
        strbuf_append(&b, buf, n);
    fclose(fp);
    *len = b.len;
    return b.buf ? b.buf : xstrdup("");
}

static void test_plain_export(void **state)
{
    struct fixture *f = *state;
    char path[128];
    snprintf(path, sizeof path, "%s/people.csv", f->dir);
    struct export_options o = {.source = "people", .path = path,
                               .columns = "id,first_name:First,last_name,phone,spend"};
    struct export_report rep;
    assert_int_equal(export_run(&f->c, &o, &rep), 0);
    assert_int_equal(rep.candidates, 6);
    assert_int_equal(rep.rows, 4);              /* Granted, yes, TRUE, 1 */
    assert_int_equal(rep.consent_denied, 1);
    assert_int_equal(rep.consent_unknown, 1);
    assert_string_equal(rep.consent_column, "consent");
    size_t len;
    char *text = slurp(path, &len);
    assert_non_null(text);
    /* rowid order: the table has no recorded key */
    assert_string_equal(text, "id,First,last_name,phone,spend\r\n"
                              "p3,\"'=HYPERLINK(\"\"http://x\"\")\",Evil,+1 212 555 0100,-3.5\r\n"
                              "p1,Ann,Lee,020 7946 0715,10.0\r\n"
                              "p4,Cy,'@home,06 82 60 03 85,5.0\r\n"
                              "p6,Ed,Wu,,1.0\r\n");
    /* the report's digest is the file's */
    struct sha256 *h = sha256_new();
    char hex[SHA256_HEX];
    sha256_hex(h, text, len, hex);
    assert_string_equal(hex, rep.sha256);
    assert_int_equal(rep.bytes, len);
    sha256_free(h);
    free(text);
    /* the manifest names the digest and the counts */
    text = slurp(rep.manifest, &len);
    assert_non_null(text);
    assert_non_null(strstr(text, rep.sha256));
    assert_non_null(
        strstr(text, "\"left_out\": {\"consent_denied\": 1, \"consent_unknown\": 1, \"no_identifier\": 0, \"suppressed\": 0}"));
    assert_non_null(strstr(text, "\"persona_version\": \"" PERSONA_VERSION "\""));
    free(text);
    export_report_free(&rep);
    /* again: refused without force, the same bytes with it */
    assert_int_equal(export_run(&f->c, &o, &rep), -1);
    assert_non_null(strstr(f->c.err, "already exists (add 'force' to replace it)"));
    export_report_free(&rep);
    char first[SHA256_HEX];
    snprintf(first, sizeof first, "%s", hex);
    o.force = 1;
    assert_int_equal(export_run(&f->c, &o, &rep), 0);
    assert_string_equal(rep.sha256, first);
    export_report_free(&rep);
}

static void test_preset_export(void **state)
{
    struct fixture *f = *state;
    char path[128];
    snprintf(path, sizeof path, "%s/meta.csv", f->dir);
    struct export_options o = {.source = "people", .path = path, .preset = "google-customer-match", .bom = 1};
    struct export_report rep;
    assert_int_equal(export_run(&f->c, &o, &rep), 0);
    assert_int_equal(rep.rows, 3);              /* p6: an invalid email, no phone: no identifier */
    assert_int_equal(rep.no_identifier, 1);
    assert_int_equal(rep.hashed_columns, 4);
    size_t len;
    char *text = slurp(path, &len);
    /* the BOM, the header, then p1: its email trimmed and lowered, its phone read in the UK */
    const char *head = "\xEF\xBB\xBF" "Email,Phone,First Name,Last Name,Country,Zip\r\n";
    assert_memory_equal(text, head, strlen(head));
    struct sha256 *h = sha256_new();
    char email[SHA256_HEX], phone[SHA256_HEX], first[SHA256_HEX], last[SHA256_HEX];
    sha256_hex(h, "ann.lee@example.com", 19, email);
    sha256_hex(h, "+442079460715", 13, phone);
    sha256_hex(h, "ann", 3, first);
    sha256_hex(h, "lee", 3, last);
    char row[512];
    snprintf(row, sizeof row, "\r\n%s,%s,%s,%s,GB,\r\n", email, phone, first, last);
    assert_non_null(strstr(text, row));
    sha256_free(h);
    free(text);
    export_report_free(&rep);
}

static void test_bad_exports(void **state)
{
    struct fixture *f = *state;
    char path[128];
    snprintf(path, sizeof path, "%s/bad.csv", f->dir);
    struct { struct export_options o; const char *error; } cases[] = {
        {{.source = "peple", .path = path}, "export: no segment or table named 'peple' (did you mean 'people'?)"},
        {{.source = "people", .path = path, .preset = "hubspott"},
         "export: unknown preset 'hubspott' (did you mean 'hubspot'?); presets: mailchimp, hubspot, klaviyo, braze, "
         "google-customer-match, meta"},
        {{.source = "people", .path = path, .columns = "id,emial"},
         "export: columns=: no column 'emial' in people (did you mean 'email'?)"},
        {{.source = "people", .path = path, .preset = "meta", .columns = "email:mail"},
         "export: columns=email:mail: with preset=meta, columns= feeds its columns as COL:HEADER; its headers: "
         "email, phone, fn, ln, ct, st, zip, country"},
        {{.source = "people", .path = path, .hash = "md5"}, "export: hash=md5: expected sha256 or none"},
        {{.source = "people", .path = path, .preset = "hubspot", .hash = "sha256"},
         "export: hash=sha256: hubspot matches on contact details in clear"},
        {{.source = "people", .path = path, .consent = "opt"},
         "export: consent=: no column 'opt' in people"},
        {{.source = "people", .path = "/nonexistent-folder/x.csv", .consent = "none"},
         "export: /nonexistent-folder/x.csv: no such file"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct export_report rep;
        assert_int_equal(export_run(&f->c, &cases[i].o, &rep), -1);
        if (strncmp(f->c.err, cases[i].error, strlen(cases[i].error)) != 0)
            fail_msg("case %zu: got '%s', want '%s'", i, f->c.err, cases[i].error);
        export_report_free(&rep);
        assert_int_equal(access(path, F_OK), -1);
    }
    /* no consent column at all: consent=none must be said */
    assert_int_equal(run_line(&f->c, "sql CREATE TABLE plain AS SELECT id, email FROM people"), 0);
    struct export_options o = {.source = "plain", .path = path};
    struct export_report rep;
    assert_int_equal(export_run(&f->c, &o, &rep), -1);
    assert_string_equal(f->c.err, "export: plain has no consent column: name it with consent=COL, record consent "
                                  "with 'consent record', or write consent=none to export every row without asking");
    export_report_free(&rep);
    o.consent = "none";
    assert_int_equal(export_run(&f->c, &o, &rep), 0);
    assert_int_equal(rep.rows, 6);
    export_report_free(&rep);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sha256_vectors),
        cmocka_unit_test(test_value_rules_match_python),
        cmocka_unit_test(test_dates_for_braze),
        cmocka_unit_test(test_preset_headers),
        cmocka_unit_test(test_preset_value_rules),
        cmocka_unit_test(test_identifiers),
        cmocka_unit_test(test_csv_writer),
        cmocka_unit_test_setup_teardown(test_plain_export, setup_workspace, teardown_workspace),
        cmocka_unit_test_setup_teardown(test_preset_export, setup_workspace, teardown_workspace),
        cmocka_unit_test_setup_teardown(test_bad_exports, setup_workspace, teardown_workspace),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
