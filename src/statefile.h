/* statefile.h — where Persona keeps per-user state (the command-line history). */
#ifndef PERSONA_STATEFILE_H
#define PERSONA_STATEFILE_H

/* $XDG_STATE_HOME/persona/NAME (default ~/.local/state/persona/NAME), with its
 * folders created; malloc'ed (the caller frees it), or NULL when there is neither
 * XDG_STATE_HOME nor HOME. */
char *state_file_path(const char *name);

#endif
