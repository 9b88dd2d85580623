/* identity.c — salted hashes of identifiers (see identity.h). */
#include "identity.h"

#include <ctype.h>
#include <openssl/rand.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "digest.h"
#include "infer.h"
#include "strbuf.h"
#include "workspace.h"

int identity_salt_ensure(ctx *c)
{
    if (query_int(c, "SELECT count(*) FROM _persona_secrets WHERE name = 'salt'") > 0)
        return 0;
    unsigned char raw[16];
    if (RAND_bytes(raw, sizeof raw) != 1)
        return ctx_error(c, "forget: no random bytes for the workspace's salt");
    char hex[2 * sizeof raw + 1];
    hex_encode(raw, sizeof raw, hex);
    char *sql = sqlite3_mprintf("INSERT INTO _persona_secrets(name, value) VALUES ('salt', %Q)", hex);
    int rc = exec_sql(c, "forget", sql);
    sqlite3_free(sql);
    return rc;
}

void identity_normalise(const char *kind, const char *v, struct strbuf *b)
{
    /* keys are compared as text: 12346 and '12346' are one customer */
    if (strcmp(kind, IDENTITY_PHONE) == 0) {
        for (; *v; v++)
            if (isdigit((unsigned char)*v))
                strbuf_putc(b, *v);
        return;
    }
    while (isspace((unsigned char)*v))
        v++;
    size_t n = strlen(v);
    while (n && isspace((unsigned char)v[n - 1]))
        n--;
    for (size_t i = 0; i < n; i++)
        strbuf_putc(b, strcmp(kind, IDENTITY_EMAIL) == 0 ? (char)tolower((unsigned char)v[i]) : v[i]);
}

static void sql_identity(sqlite3_context *cx, int argc, sqlite3_value **argv)
{
    (void)argc;
    const char *kind = (const char *)sqlite3_value_text(argv[0]);
    const char *value = (const char *)sqlite3_value_text(argv[1]);
    const char *salt = (const char *)sqlite3_value_text(argv[2]);
    if (!kind || !value || !salt) {
        sqlite3_result_null(cx);
        return;
    }
    struct strbuf norm = {0}, in = {0};
    identity_normalise(kind, value, &norm);
    if (norm.len == 0) {
        sqlite3_result_null(cx);
        strbuf_free(&norm);
        return;
    }
    strbuf_printf(&in, "%s:%s:", salt, kind);
    strbuf_append(&in, norm.buf, norm.len);
    /* one digest context per connection (its user data): an export hashes a row
     * key at a time, and a context per call cost more than the hashing */
    char hex[SHA256_HEX];
    sha256_hex(sqlite3_user_data(cx), in.buf, in.len, hex);
    sqlite3_result_text(cx, hex, -1, SQLITE_TRANSIENT);
    strbuf_free(&norm);
    strbuf_free(&in);
}

static void free_digest(void *h) { sha256_free(h); }

int identity_register(ctx *c)
{
    if (sqlite3_create_function_v2(c->db, "persona_identity", 3, SQLITE_UTF8 | SQLITE_DETERMINISTIC, sha256_new(),
                                   sql_identity, NULL, NULL, free_digest) != SQLITE_OK)
        return ctx_sqlite_error(c, "workspace functions");
    return 0;
}

void identity_sql(struct strbuf *b, const char *kind, const char *expr)
{
    strbuf_printf(b, "persona_identity('%s', %s, (SELECT value FROM _persona_secrets WHERE name = 'salt'))", kind,
                  expr);
}

const char *identity_kind_of_column(const char *name)
{
    char lower[128];
    size_t n = 0;
    for (; name[n] && n < sizeof lower - 1; n++)
        lower[n] = (char)tolower((unsigned char)name[n]);
    lower[n] = '\0';
    if (strstr(lower, "email") || strcmp(lower, "mail") == 0 || strcmp(lower, "e_mail") == 0)
        return IDENTITY_EMAIL;
    const char *id = identifier_column_name(name);
    static const char *const phones[] = {"phone", "telephone", "tel", "mobile", "cell", "cellphone", "fax", "msisdn",
                                         "whatsapp"};
    for (size_t i = 0; id && i < sizeof phones / sizeof phones[0]; i++)
        if (strcmp(id, phones[i]) == 0)
            return IDENTITY_PHONE;
    return NULL;
}

const char *identity_key_kind(const char *column, char *buf, size_t size)
{
    size_t n = (size_t)snprintf(buf, size, "key:%s", column);
    for (size_t i = 4; i < n && i < size; i++)
        buf[i] = (char)tolower((unsigned char)buf[i]);
    return buf;
}

void identity_suppressed_sql(ctx *c, const char *table, struct strbuf *b)
{
    if (query_int(c, "SELECT count(*) FROM _persona_suppressed") <= 0) {
        strbuf_puts(b, "0");
        return;
    }
    int n, terms = 0;
    char **cols = table_columns(c, "suppression", table, &n);
    strbuf_puts(b, "(");
    for (int i = 0; i < n; i++) {
        char key_kind[160];
        const char *kind = identity_kind_of_column(cols[i]);
        if (!kind) {
            identity_key_kind(cols[i], key_kind, sizeof key_kind);
            if (query_int(c, "SELECT count(*) FROM _persona_suppressed WHERE kind = %Q", key_kind) <= 0)
                continue;
            kind = key_kind;
        }
        struct strbuf col = {0};
        strbuf_put_ident(&col, table);
        strbuf_putc(&col, '.');
        strbuf_put_ident(&col, cols[i]);
        strbuf_puts(b, terms++ ? " OR " : "");
        identity_sql(b, kind, strbuf_str(&col));
        char *in = sqlite3_mprintf(" IN (SELECT hash FROM _persona_suppressed WHERE kind = %Q)", kind);
        strbuf_puts(b, in);
        sqlite3_free(in);
        strbuf_free(&col);
    }
    if (!terms)
        strbuf_puts(b, "0");
    strbuf_puts(b, ")");
    free_names(cols, n);
}
