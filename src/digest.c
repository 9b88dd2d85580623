/* digest.c — SHA-256 contexts over libcrypto's EVP interface. */
#include "digest.h"

#include <openssl/evp.h>
#include <stdlib.h>

struct sha256 {
    EVP_MD *md;         /* fetched once: the lookup costs more than hashing an email */
    EVP_MD_CTX *ctx;
};

static void start(struct sha256 *h)
{
    if (EVP_DigestInit_ex(h->ctx, h->md, NULL) != 1)
        abort();
}

struct sha256 *sha256_new(void)
{
    struct sha256 *h = calloc(1, sizeof *h);
    if (!h || !(h->md = EVP_MD_fetch(NULL, "SHA256", NULL)) || !(h->ctx = EVP_MD_CTX_new()))
        abort();
    start(h);
    return h;
}

void sha256_free(struct sha256 *h)
{
    if (!h)
        return;
    EVP_MD_CTX_free(h->ctx);
    EVP_MD_free(h->md);
    free(h);
}

void sha256_update(struct sha256 *h, const void *data, size_t len)
{
    if (len && EVP_DigestUpdate(h->ctx, data, len) != 1)
        abort();
}

void hex_encode(const unsigned char *bytes, size_t n, char *hex)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        hex[2 * i] = digits[bytes[i] >> 4];
        hex[2 * i + 1] = digits[bytes[i] & 15];
    }
    hex[2 * n] = '\0';
}

void sha256_final_hex(struct sha256 *h, char hex[SHA256_HEX])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    if (EVP_DigestFinal_ex(h->ctx, md, &n) != 1 || n != 32)
        abort();
    hex_encode(md, n, hex);
    start(h);
}

void sha256_hex(struct sha256 *h, const void *data, size_t len, char hex[SHA256_HEX])
{
    sha256_update(h, data, len);
    sha256_final_hex(h, hex);
}
