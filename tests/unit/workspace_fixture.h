/* workspace_fixture.h — a cmocka group fixture: a fresh ":memory:" workspace whose
 * results go to a JSON buffer sink, as *state (a ctx *). */
#ifndef PERSONA_TEST_WORKSPACE_FIXTURE_H
#define PERSONA_TEST_WORKSPACE_FIXTURE_H

#include <stdlib.h>

#include "ctx.h"
#include "sink.h"
#include "workspace.h"

static inline int open_workspace(void **state)
{
    ctx *c = calloc(1, sizeof *c);
    if (!c || workspace_open(c, ":memory:") != 0)
        return -1;
    c->out = sink_open_buffer(FMT_JSON);
    *state = c;
    return 0;
}

static inline int close_workspace(void **state)
{
    ctx *c = *state;
    sink_close(c->out);
    workspace_close(c);
    free(c);
    return 0;
}

#endif
