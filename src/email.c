/* email.c — cleaning and checking email addresses (the rules are in email.h). */
#include "email.h"

#include <ctype.h>
#include <idn2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "normalize.h"
#include "strbuf.h"

/* Characters that show as nothing (or as a plain space) and so cannot have been
 * meant as part of an address. */
static int invisible(utf8proc_int32_t cp)
{
    return cp == 0x00A0 || cp == 0x00AD || cp == 0x180E || (cp >= 0x200B && cp <= 0x200F) || cp == 0x2060 ||
           cp == 0x202F || cp == 0xFEFF;
}

/* The text without invisible characters, lower-cased, into out; -1 on bytes that
 * are not UTF-8. */
static int visible_lower(const char *s, size_t len, struct strbuf *out)
{
    for (size_t i = 0; i < len;) {
        unsigned char ch = (unsigned char)s[i];
        if (ch < 0x80) {        /* most addresses: no Unicode tables needed */
            strbuf_putc(out, (char)tolower(ch));
            i++;
            continue;
        }
        utf8proc_int32_t cp;
        utf8proc_ssize_t n = utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(len - i), &cp);
        if (n <= 0)
            return -1;
        i += (size_t)n;
        if (invisible(cp))
            continue;
        utf8proc_uint8_t buf[4];
        utf8proc_ssize_t m = utf8proc_encode_char(utf8proc_tolower(cp), buf);
        strbuf_append(out, (const char *)buf, (size_t)m);
    }
    return 0;
}

/* The address inside "Name <address>" or after "mailto:". */
static void strip_display_form(const char **s, size_t *len)
{
    const char *p = *s;
    size_t n = *len;
    if (n > 2 && p[n - 1] == '>') {
        const char *lt = NULL;
        for (size_t i = n - 1; i-- > 0;)
            if (p[i] == '<') {
                lt = p + i;
                break;
            }
        if (lt) {
            *s = lt + 1;
            *len = (size_t)(p + n - 1 - *s);
            trim_blanks(s, len);
            return;
        }
    }
    if (n > 7 && strncasecmp(p, "mailto:", 7) == 0) {
        *s = p + 7;
        *len = n - 7;
    }
}

/* Replaces a non-ASCII domain after the '@' in out by its IDNA2008 ASCII form. */
static int ascii_domain(struct strbuf *out, char *why, size_t whylen)
{
    char *at = strrchr(out->buf, '@');
    if (!at)
        return 0;
    int ascii = 1;
    for (const char *p = at + 1; *p; p++)
        ascii &= (unsigned char)*p < 0x80;
    if (ascii)
        return 0;
    char *converted = NULL;
    int rc = idn2_to_ascii_8z(at + 1, &converted, IDN2_NONTRANSITIONAL | IDN2_NFC_INPUT);
    if (rc != IDN2_OK) {
        snprintf(why, whylen, "the domain is not a valid internationalised name (%s)", idn2_strerror(rc));
        return -1;
    }
    out->len = (size_t)(at + 1 - out->buf);
    strbuf_puts(out, converted);
    idn2_free(converted);
    return 0;
}

int email_normalize(const char *s, size_t len, struct strbuf *out, char *why, size_t whylen)
{
    strbuf_reset(out);
    struct strbuf visible = {0};
    int rc = visible_lower(s, len, &visible);
    if (rc) {
        snprintf(why, whylen, "not valid UTF-8");
    } else {
        const char *p = strbuf_str(&visible);
        size_t n = visible.len;
        trim_blanks(&p, &n);
        strip_display_form(&p, &n);
        strbuf_append(out, p, n);
        rc = ascii_domain(out, why, whylen) || email_check(out->buf, out->len, why, whylen) ? -1 : 0;
    }
    strbuf_free(&visible);
    return rc;
}

static int atext(unsigned char ch)
{
    return isalnum(ch) || ch >= 0x80 || strchr("!#$%&'*+/=?^_`{|}~-", ch) != NULL;
}

int email_check(const char *s, size_t len, char *why, size_t whylen)
{
    const char *at = memchr(s, '@', len);
    if (!at) {
        snprintf(why, whylen, "no @");
        return -1;
    }
    if (memchr(at + 1, '@', len - (size_t)(at - s) - 1)) {
        snprintf(why, whylen, "more than one @");
        return -1;
    }
    size_t local = (size_t)(at - s), dlen = len - local - 1;
    const char *d = at + 1;
    if (local == 0) {
        snprintf(why, whylen, "nothing before the @");
        return -1;
    }
    if (local > 64) {
        snprintf(why, whylen, "the part before the @ has %zu characters, more than 64", local);
        return -1;
    }
    for (size_t i = 0; i < local; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch == '.') {
            if (i == 0 || i == local - 1 || s[i - 1] == '.') {
                snprintf(why, whylen, "a dot at the start or end of the part before the @, or two in a row");
                return -1;
            }
        } else if (!atext(ch)) {
            snprintf(why, whylen, ch == ' ' ? "a space in the address" : "'%c' is not allowed before the @", ch);
            return -1;
        }
    }
    if (dlen == 0) {
        snprintf(why, whylen, "nothing after the @");
        return -1;
    }
    if (dlen > 253) {
        snprintf(why, whylen, "the domain is longer than 253 characters");
        return -1;
    }
    int labels = 0;
    for (size_t i = 0; i <= dlen;) {
        size_t j = i;
        while (j < dlen && d[j] != '.')
            j++;
        size_t l = j - i;
        const char *label = d + i;
        if (l == 0) {
            snprintf(why, whylen, dlen && d[dlen - 1] == '.' && j == dlen ? "the domain ends with a dot"
                                                                        : "an empty label in the domain (two dots?)");
            return -1;
        }
        if (l > 63) {
            snprintf(why, whylen, "a domain label longer than 63 characters");
            return -1;
        }
        for (size_t k = 0; k < l; k++) {
            unsigned char ch = (unsigned char)label[k];
            if (!(isalnum(ch) || ch == '-' || ch >= 0x80)) {
                snprintf(why, whylen, ch == ' ' ? "a space in the address" : "'%c' is not allowed in the domain", ch);
                return -1;
            }
        }
        if (label[0] == '-' || label[l - 1] == '-') {
            snprintf(why, whylen, "a domain label starts or ends with '-'");
            return -1;
        }
        labels++;
        if (j == dlen) {        /* the top-level domain */
            int alpha = l >= 2;
            for (size_t k = 0; k < l; k++)
                alpha &= isalpha((unsigned char)label[k]) || (unsigned char)label[k] >= 0x80;
            if (!alpha && !(l > 4 && strncasecmp(label, "xn--", 4) == 0)) {
                snprintf(why, whylen, "'%.*s' is not a top-level domain", (int)l, label);
                return -1;
            }
        }
        i = j + 1;
    }
    if (labels < 2) {
        snprintf(why, whylen, "the domain '%.*s' has no dot", (int)dlen, d);
        return -1;
    }
    return 0;
}
