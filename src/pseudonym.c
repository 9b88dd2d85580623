/* pseudonym.c — keyed tokens and masks (see pseudonym.h). */
#include "pseudonym.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "digest.h"
#include "identity.h"
#include "strbuf.h"
#include "workspace.h"

static int hex_value(int ch)
{
    return ch >= '0' && ch <= '9' ? ch - '0' : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 : ch >= 'A' && ch <= 'F' ? ch - 'A' + 10 : -1;
}

static int parse_key(const char *hex, unsigned char key[PSEUDONYM_KEY_BYTES])
{
    for (int i = 0; i < PSEUDONYM_KEY_BYTES; i++) {
        int hi = hex_value((unsigned char)hex[2 * i]), lo = hi < 0 ? -1 : hex_value((unsigned char)hex[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return -1;
        key[i] = (unsigned char)(hi << 4 | lo);
    }
    return 0;
}

int pseudonym_key_load(ctx *c, const char *cmd, const char *path, unsigned char key[PSEUDONYM_KEY_BYTES])
{
    if (c->db_path && strcmp(c->db_path, ":memory:") != 0 && strncmp(path, c->db_path, strlen(c->db_path)) == 0)
        return ctx_error(c, "%s: keyfile=%s: keep the key outside the workspace, or the workspace carries what "
                            "reverses its tokens", cmd, path);
    char hex[2 * PSEUDONYM_KEY_BYTES + 2];
    FILE *f = fopen(path, "r");
    if (!f && errno == ENOENT) {
        unsigned char raw[PSEUDONYM_KEY_BYTES];
        if (RAND_bytes(raw, sizeof raw) != 1)
            return ctx_error(c, "%s: no random bytes for a new key", cmd);
        int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
        if (fd < 0)
            return ctx_error(c, "%s: keyfile=%s: %s", cmd, path, strerror(errno));
        hex_encode(raw, sizeof raw, hex);
        hex[2 * PSEUDONYM_KEY_BYTES] = '\n';
        int bad = write(fd, hex, 2 * PSEUDONYM_KEY_BYTES + 1) != 2 * PSEUDONYM_KEY_BYTES + 1;
        bad |= fsync(fd) != 0;
        bad |= close(fd) != 0;
        if (bad)
            return ctx_error(c, "%s: keyfile=%s: could not be written", cmd, path);
        ctx_note(c, "%s: a new key is in %s: keep it safe and outside the workspace; without it the tokens cannot "
                    "be made again", cmd, path);
        memcpy(key, raw, sizeof raw);
        return 0;
    }
    if (!f)
        return ctx_error(c, "%s: keyfile=%s: %s", cmd, path, strerror(errno));
    size_t n = fread(hex, 1, sizeof hex - 1, f);
    fclose(f);
    hex[n] = '\0';
    if (n < 2 * PSEUDONYM_KEY_BYTES || parse_key(hex, key))
        return ctx_error(c, "%s: keyfile=%s: not a key (64 hex digits)", cmd, path);
    return 0;
}

static void sql_pseudonym(sqlite3_context *cx, int argc, sqlite3_value **argv)
{
    (void)argc;
    const char *kind = (const char *)sqlite3_value_text(argv[0]);
    const char *value = (const char *)sqlite3_value_text(argv[1]);
    const char *keyhex = (const char *)sqlite3_value_text(argv[2]);
    unsigned char key[PSEUDONYM_KEY_BYTES];
    if (!kind || !value || !keyhex || strlen(keyhex) < 2 * PSEUDONYM_KEY_BYTES || parse_key(keyhex, key)) {
        sqlite3_result_null(cx);
        return;
    }
    struct strbuf in = {0};
    strbuf_printf(&in, "%s:", kind);
    identity_normalise(kind, value, &in);
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    HMAC(EVP_sha256(), key, sizeof key, (const unsigned char *)in.buf, in.len, mac, &len);
    char hex[2 * EVP_MAX_MD_SIZE + 1];
    hex_encode(mac, len, hex);
    sqlite3_result_text(cx, hex, (int)(2 * len), SQLITE_TRANSIENT);
    strbuf_free(&in);
}

static void mask_trimmed(const char *kind, const char *value, struct strbuf *out)
{
    const char *at = strchr(value, '@');
    if (kind && strcmp(kind, IDENTITY_EMAIL) == 0 && at && at > value) {
        strbuf_printf(out, "%c***%s", value[0], at);
        return;
    }
    if (kind && strcmp(kind, IDENTITY_PHONE) == 0) {
        size_t digits = 0, n = strlen(value);
        const char *last2 = NULL;
        for (size_t i = n; i > 0 && !last2; i--)
            if (isdigit((unsigned char)value[i - 1]) && ++digits == 2)
                last2 = value + i - 1;
        strbuf_printf(out, "***%s", last2 ? last2 : "");
        return;
    }
    /* the first character, whole (a UTF-8 sequence is not cut) */
    size_t k = 1;
    while (value[k] && ((unsigned char)value[k] & 0xC0) == 0x80)
        k++;
    if (*value)
        strbuf_append(out, value, k);
    strbuf_puts(out, "***");
}

void mask_value(const char *kind, const char *raw, struct strbuf *out)
{
    struct strbuf trimmed = {0};
    identity_normalise("text", raw, &trimmed);   /* blanks around a value show nothing */
    const char *value = strbuf_str(&trimmed);
    mask_trimmed(kind, value, out);
    strbuf_free(&trimmed);
}

static void sql_mask(sqlite3_context *cx, int argc, sqlite3_value **argv)
{
    (void)argc;
    const char *kind = (const char *)sqlite3_value_text(argv[0]);
    const char *value = (const char *)sqlite3_value_text(argv[1]);
    if (!value) {
        sqlite3_result_null(cx);
        return;
    }
    struct strbuf out = {0};
    mask_value(kind, value, &out);
    sqlite3_result_text(cx, out.buf ? out.buf : "", (int)out.len, SQLITE_TRANSIENT);
    strbuf_free(&out);
}

int pseudonym_register(ctx *c)
{
    if (sqlite3_create_function(c->db, "persona_pseudonym", 3, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL,
                                sql_pseudonym, NULL, NULL) != SQLITE_OK)
        return ctx_sqlite_error(c, "workspace functions");
    return 0;
}

int mask_register(ctx *c)
{
    if (sqlite3_create_function(c->db, "persona_mask", 2, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL, sql_mask, NULL,
                                NULL) != SQLITE_OK)
        return ctx_sqlite_error(c, "workspace functions");
    return 0;
}
