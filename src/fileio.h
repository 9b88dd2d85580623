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

/* The one rule for every command that writes a file: a folder, the workspace
 * itself or one of its -wal, -shm and -journal files are refused always; an
 * existing file is refused unless force is set.  Errors read "what: PATH: …". */
int output_target_check(ctx *c, const char *what, const char *path, int force);

#endif
