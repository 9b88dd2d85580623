/* jobs.h — running command lines on a worker thread, for the workbench.
 *
 * A job runner owns one worker thread with its own connection to the workspace and
 * its own context: output goes to a memory sink, notes are collected, progress is
 * kept where the front end can read it, and the job has its own cancel flag.  The
 * front end starts a command line, keeps drawing and reading keys while it runs
 * (WAL lets its own connection go on reading), polls the runner for progress, and
 * takes the result — output text, error, notes — when the job is done.
 *
 * One job at a time: the workspace has one writer, and commands are logged in the
 * order they ran.  A workspace that lives in memory cannot be opened twice, so
 * there the runner runs each job on the caller's connection, in the caller's
 * thread, before job_start() returns. */
#ifndef PERSONA_JOBS_H
#define PERSONA_JOBS_H

#include <stdint.h>

#include "ctx.h"

struct job_runner;

enum job_state {
    JOB_IDLE,       /* nothing to report */
    JOB_RUNNING,    /* started and not finished */
    JOB_DONE,       /* finished; job_take() collects the result */
};

/* What the front end shows while a job runs. */
struct job_status {
    enum job_state state;
    char line[256];         /* the command line, cut to fit */
    double elapsed;         /* seconds since it started */
    int64_t done, total;    /* progress, total 0 when unknown */
    char phase[32];         /* "scanning", "loading", … ("" before the first report) */
    int cancelling;         /* cancel was asked for and the job has not ended yet */
};

/* A finished job.  Strings are malloc'ed and owned by the struct. */
struct job_result {
    char *line;             /* the command line */
    int failed;             /* run_line() failed */
    int cancelled;          /* it failed because it was cancelled */
    char *error;            /* the error message when failed, else NULL */
    char *output;           /* what the commands printed (table format), maybe "" */
    char *notes;            /* notes, one per line, maybe "" */
    int changed;            /* rows of user tables or Persona's state were written
                             * (also when that was then rolled back): what the
                             * front end shows may be out of date */
    char summary[512];      /* the log summary of the last command */
    double seconds;         /* how long it ran */
};

/* Opens a runner for the workspace c->db_path.  c is the front end's context: its
 * colour setting is copied; for a workspace in memory its connection is used.
 * Returns NULL with c->err set when the workspace cannot be opened a second time. */
struct job_runner *job_runner_open(ctx *c);

/* Cancels a running job, waits for the worker to end, and frees the runner. */
void job_runner_close(struct job_runner *r);

/* Starts running a command line (copied).  Returns 0, or -1 when a job is already
 * running or its result has not been taken. */
int job_start(struct job_runner *r, const char *line);

/* Fills *st without waiting. */
void job_status(struct job_runner *r, struct job_status *st);

/* Asks the running job to stop: its cancel flag is set and a running SQLite
 * statement is interrupted.  A command that changes data then rolls back.  Does
 * nothing when no job runs. */
void job_cancel(struct job_runner *r);

/* Takes the result of a finished job into *res (free with job_result_free()) and
 * makes the runner idle.  Returns 0, or -1 when no job has finished. */
int job_take(struct job_runner *r, struct job_result *res);
void job_result_free(struct job_result *res);

#endif
