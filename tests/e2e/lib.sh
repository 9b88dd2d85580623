# tests/e2e/lib.sh — helpers for end-to-end tests.  Source it from a t_*.sh file.
#
# Each test file gets a fresh folder $WORK (removed at exit) and a workspace $DB in
# it.  Checks print one TAP line each.  Golden files live in tests/e2e/golden/;
# run with UPDATE_GOLDEN=1 to (re)write them, then review the diff before committing.
set -u
E2E=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$E2E/../.." && pwd)
DATA=$ROOT/../shared/data
WORK=$(mktemp -d)
DB=$WORK/ws.db
FILE=$(basename "$0" .sh)
trap 'rm -rf "$WORK"' EXIT
export NO_COLOR=1 XDG_STATE_HOME=$WORK/state

ok()     { echo "ok - $LABEL $FILE: $1"; }
not_ok() { echo "not ok - $LABEL $FILE: $1"; shift; [ $# -gt 0 ] && printf '%s\n' "$@" | sed 's/^/#   /'; return 0; }

# p ARGS…: persona on the test workspace; stdout in $OUT, stderr in $ERR, status in $RC.
p() {
    "$PERSONA" -d "$DB" "$@" >"$WORK/.out" 2>"$WORK/.err" </dev/null
    RC=$?
    OUT=$(cat "$WORK/.out")
    ERR=$(cat "$WORK/.err")
}

# expect_ok NAME ARGS…: the command exits 0.
expect_ok() {
    local name=$1; shift
    p "$@"
    if [ "$RC" -eq 0 ]; then ok "$name"; else not_ok "$name" "exit $RC" "$ERR"; fi
}

# expect_fail NAME STATUS PATTERN ARGS…: exits STATUS with stderr matching the
# extended regex PATTERN.
expect_fail() {
    local name=$1 status=$2 pattern=$3; shift 3
    p "$@"
    if [ "$RC" -ne "$status" ]; then
        not_ok "$name" "expected exit $status, got $RC" "stderr: $ERR"
    elif ! grep -Eq -- "$pattern" <<<"$ERR"; then
        not_ok "$name" "stderr does not match /$pattern/" "stderr: $ERR"
    else
        ok "$name"
    fi
}

# expect_eq NAME EXPECTED ACTUAL
expect_eq() {
    if [ "$2" == "$3" ]; then ok "$1"; else not_ok "$1" "expected: $2" "actual:   $3"; fi
}

# expect_match NAME REGEX TEXT
expect_match() {
    if grep -Eq -- "$2" <<<"$3"; then ok "$1"; else not_ok "$1" "no match for /$2/ in:" "$3"; fi
}

# expect_golden NAME GOLDEN ARGS…: stdout equals tests/e2e/golden/GOLDEN, with $WORK
# written as <work> and the data folder as <data>, and lines matching $GOLDEN_IGNORE
# (an ERE, when set) left out.
expect_golden() {
    local name=$1 golden=$E2E/golden/$2; shift 2
    p "$@"
    local actual
    actual=$(if [ -n "${GOLDEN_IGNORE:-}" ]; then grep -Ev -- "$GOLDEN_IGNORE" "$WORK/.out"; else cat "$WORK/.out"; fi |
        sed -e "s|$WORK|<work>|g" -e "s|$DATA|<data>|g")
    if [ "${UPDATE_GOLDEN:-0}" = 1 ]; then
        printf '%s\n' "$actual" >"$golden"
    fi
    if [ "$RC" -ne 0 ]; then
        not_ok "$name" "exit $RC" "$ERR"
    elif [ ! -f "$golden" ]; then
        not_ok "$name" "missing golden file $golden (run with UPDATE_GOLDEN=1)"
    elif [ "$actual" == "$(cat "$golden")" ]; then
        ok "$name"
    else
        not_ok "$name" "$(diff <(printf '%s\n' "$actual") "$golden" | head -20)"
    fi
}

# q SQL: one value (or CSV rows) from the workspace through persona's sql.
q() {
    "$PERSONA" -d "$DB" --format csv -c "sql $1" </dev/null 2>/dev/null | tail -n +2 | tr -d '\r'
}

# ws_state: the user-visible state of the workspace: schema, row counts and a
# content checksum of every table (Persona's command log excluded: it records the
# failed attempt, by design).
ws_state() {
    [ -f "$DB" ] || { echo "no workspace"; return; }
    local t
    q "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE '_persona_log%' ORDER BY 1, 2"
    for t in $(q "SELECT name FROM sqlite_master WHERE type='table' AND name <> '_persona_log' ORDER BY 1"); do
        echo "$t: $(sqlite3 "$DB" "SELECT count(*) FROM \"$t\"") rows, $(sqlite3 -csv "$DB" "SELECT * FROM \"$t\"" | md5sum | cut -c1-12)"
    done
}

# unchanged NAME BEFORE: the workspace state equals BEFORE (from ws_state).
unchanged() {
    local now
    now=$(ws_state)
    if [ "$now" == "$2" ]; then ok "$1"; else not_ok "$1" "$(diff <(printf '%s\n' "$2") <(printf '%s\n' "$now") | head -20)"; fi
}
