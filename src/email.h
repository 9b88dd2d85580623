/* email.h — email addresses in the form mail systems and ad platforms compare.
 *
 * An address is cleaned in this order: characters nobody sees are removed anywhere
 * in it (zero-width space, joiners, word joiner, byte-order mark, soft hyphen,
 * no-break space); blanks are trimmed; the address is taken out of a display form
 * ("Ann Lee <ann@example.com>", "mailto:ann@example.com"); it is lower-cased
 * (Unicode case folding, as platforms do before hashing); an internationalised
 * domain is converted to its ASCII form by IDNA2008 with UTS #46 (libidn2:
 * "müller.de" → "xn--mller-kva.de"), so its hash matches the one an ad platform
 * computes.  The local part keeps its non-ASCII letters (SMTPUTF8).  Anything
 * still not an address is left to the caller to keep and report. */
#ifndef PERSONA_EMAIL_H
#define PERSONA_EMAIL_H

#include <stddef.h>

struct strbuf;

/* Writes the cleaned address of [s, s+len) into out (reset first).  Returns 0, or
 * -1 with why set when the result is not an address (out then holds the cleaned
 * text so far). */
int email_normalize(const char *s, size_t len, struct strbuf *out, char *why, size_t whylen);

/* Checks an address (as written, case kept) against the syntax of RFC 5321/5322 as
 * mail systems accept it: one '@'; a local part of 1-64 bytes of letters, digits,
 * !#$%&'*+/=?^_`{|}~- and non-ASCII, with dots between (not first, last or
 * doubled); a domain of at least two dot-separated labels of letters, digits and
 * hyphens (not first or last), each 1-63 bytes, 253 in all, the last alphabetic
 * (or xn--).  Quoted local parts and address literals are not accepted.  Returns 0,
 * or -1 with why set. */
int email_check(const char *s, size_t len, char *why, size_t whylen);

#endif
