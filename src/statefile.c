/* statefile.c — the per-user state folder. */
#include "statefile.h"

#include <stdlib.h>
#include <sys/stat.h>

#include "strbuf.h"

char *state_file_path(const char *name)
{
    const char *state = getenv("XDG_STATE_HOME");
    const char *home = getenv("HOME");
    struct strbuf path = {0};
    if (state && *state)
        strbuf_puts(&path, state);
    else if (home && *home)
        strbuf_printf(&path, "%s/.local/state", home);
    else
        return NULL;
    strbuf_puts(&path, "/persona");
    /* mkdir -p: each level in turn (existing ones fail harmlessly) */
    for (char *p = path.buf + 1; *p; p++) {
        if (*p == '/') {
            *p = '\0';
            mkdir(path.buf, 0700);
            *p = '/';
        }
    }
    mkdir(path.buf, 0700);
    strbuf_printf(&path, "/%s", name);
    return path.buf;
}
