#!/usr/bin/env bash
# tests/e2e/run.sh — end-to-end tests: every tests/e2e/t_*.sh against $PERSONA.
# Each test file sources lib.sh and prints "ok - …" / "not ok - …" lines.
set -u
here=$(cd "$(dirname "$0")" && pwd)
export PERSONA=$(cd "$(dirname "${PERSONA:-./persona}")" && pwd)/$(basename "${PERSONA:-./persona}")
export LABEL=${LABEL:-e2e}
for t in "$here"/t_*.sh; do
    echo "# $LABEL $(basename "$t")"
    bash "$t" || echo "not ok - $LABEL $(basename "$t"): the test script itself failed"
done
