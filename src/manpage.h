/* manpage.h — persona(1), written from the command table so it cannot drift. */
#ifndef PERSONA_MANPAGE_H
#define PERSONA_MANPAGE_H

struct strbuf;

/* Appends the whole man page, in troff (man macros), to out. */
void manpage_write(struct strbuf *out);

#endif
