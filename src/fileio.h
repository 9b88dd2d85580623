/* fileio.h — reading whole small files and writing files atomically. */
#ifndef PERSONA_FILEIO_H
#define PERSONA_FILEIO_H

#include <stddef.h>

#include "ctx.h"

struct strbuf;

/* Reads a text file (a script) into out.  Errors name the file: "what: PATH: no
 * such file", "is a directory". */
int read_text_file(ctx *c, const char *what, const char *path, struct strbuf *out);

/* Writes data to path through a temporary file in the same folder and a rename, so
 * readers see the old file or the new one, never half of one.  With overwrite 0 an
 * existing file is an error. */
int write_file_atomic(ctx *c, const char *what, const char *path, const char *data, size_t len,
                      int overwrite);

/* Makes a temporary file for path in its folder, "PATH.tmp.PID.XXXXXX", into tmp
 * (an empty strbuf), first removing what a killed run of Persona left there (the
 * temporary files of processes that no longer exist).  Returns the open descriptor,
 * or -1 with c->err naming what. */
struct strbuf;
int temp_file_beside(ctx *c, const char *what, const char *path, struct strbuf *tmp);

/* Puts the finished temporary file tmp in place as path: with force it replaces
 * what is there (rename); without, it is linked in exclusively, so of two runs
 * racing for one new path the second fails instead of replacing the first.  tmp is
 * gone afterwards either way.  Returns 0, or -1 with c->err naming what. */
int install_file(ctx *c, const char *what, const char *tmp, const char *path, int force);

/* The one rule for every command that writes a file: a folder, the workspace
 * itself or one of its -wal, -shm and -journal files are refused always; an
 * existing file is refused unless force is set.  Errors read "what: PATH: …". */
int output_target_check(ctx *c, const char *what, const char *path, int force);

#endif
