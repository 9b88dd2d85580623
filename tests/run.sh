#!/usr/bin/env bash
# tests/run.sh — runs every test suite, plain and under ASan+UBSan, and ends with the
# line "N passed, N failed".  Each suite prints TAP-style "ok - …" / "not ok - …"
# lines; this script counts them.  Called by `make test` after the builds.
set -u
cd "$(dirname "$0")/.."
B=${B:-build}
BIN=${BIN:-./persona}
case $BIN in /*|./*) ;; *) BIN=./$BIN ;; esac
log=$(mktemp)
trap 'rm -f "$log"' EXIT

# unit tests (cmocka, TAP output)
run_unit() {   # $1: folder of test binaries, $2: label
    for t in "$1"/test_*; do
        [ -x "$t" ] || continue
        echo "# $2 $(basename "$t")"
        CMOCKA_MESSAGE_OUTPUT=TAP "$t" 2>&1 | grep -E '^(not )?ok ' | sed "s/^\(\(not \)\{0,1\}ok\) [0-9]* -\{0,1\} */\1 - $2 $(basename "$t"): /"
        # a binary that crashes before printing its plan is a failure too
        [ "${PIPESTATUS[0]}" -le 1 ] || echo "not ok - $2 $(basename "$t"): exited abnormally"
    done
}

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:exitcode=99
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:exitcode=98
{
    run_unit "$B/tests" unit
    PERSONA="$BIN" LABEL=e2e tests/e2e/run.sh
    run_unit "$B/asan/tests" asan-unit
    PERSONA="$B/asan/persona" LABEL=asan-e2e tests/e2e/run.sh
    if [ -x tests/workbench/run.sh ]; then
        PERSONA="$BIN" tests/workbench/run.sh
        PERSONA="$(cd "$B/asan" && pwd)/persona" tests/workbench/run.sh | sed "s/^\(\(not \)\{0,1\}ok\) - /\1 - asan-/"
    fi
} 2>&1 | tee "$log" | grep -E '^(not ok|#)' || true

passed=$(grep -c '^ok ' "$log")
failed=$(grep -c '^not ok' "$log")
echo "${passed} passed, ${failed} failed"
[ "$failed" -eq 0 ]
