#!/usr/bin/env bash
# kill -9 in the middle of a 1M-row load: the load is one transaction, so reopening
# finds the workspace as it was before (integrity ok, no table, no rejects), and the
# command log says the load was interrupted.
. "$(dirname "$0")/lib.sh"
cd "$WORK" || exit 1

# 1,000,000 rows, 10 columns (~60 MB), with an early row of the wrong width: by the
# time of the kill the load has written it to _persona_rejects (uncommitted).
awk 'BEGIN {
    OFS = ","
    print "id,first,last,email,age,city,country,signup,score,spend"
    for (i = 1; i <= 1000000; i++) {
        if (i == 10) { print "bad,row"; continue }
        print i, "Ann" i % 97, "Lee" i % 89, "u" i "@x.org", 18 + i % 60, "City" i % 300, "FR",
              "2023-0" (1 + i % 9) "-1" (i % 9), i % 100, (i % 1000) / 10
    }
}' >big.csv

printf 'id,name\n1,Ann\n2,Bob\n' >small.csv
expect_ok "setup: a table that must survive" -c "load small.csv key=id"
before=$(ws_state)

"$PERSONA" -d "$DB" -c "load big.csv" >"$WORK/kill.out" 2>"$WORK/kill.err" </dev/null &
pid=$!

# Mid-load: the insert pass spills its pages into the WAL, so a WAL well past what
# the small table needs means rows are going in.  Poll, never sleep blind.
wal_size() { stat -c %s "$DB-wal" 2>/dev/null || echo 0; }
mid=0
for _ in $(seq 1 3000); do            # at most ~30 s (slow sanitizer builds)
    kill -0 "$pid" 2>/dev/null || break
    if [ "$(wal_size)" -gt 8000000 ]; then mid=1; break; fi
    sleep 0.01
done
if [ "$mid" = 1 ] && kill -9 "$pid" 2>/dev/null; then
    wait "$pid" 2>/dev/null
    ok "the load was killed mid-way (WAL at $(wal_size) bytes)"
else
    wait "$pid"
    not_ok "the load was killed mid-way" "the load ended (exit $?) before the WAL reached 8 MB" "$(cat "$WORK/kill.err")"
fi

expect_ok "the workspace reopens" -c "tables"
expect_eq "integrity_check ok" "ok" "$(q "PRAGMA integrity_check")"
expect_eq "no table big" "0" "$(q "SELECT count(*) FROM sqlite_master WHERE name = 'big'")"
expect_eq "no stash or other leftover table" "" \
    "$(q "SELECT name FROM sqlite_master WHERE type = 'table' AND name <> 'small' AND (name LIKE '\_persona\_stash%' ESCAPE '\' OR name NOT LIKE '\_persona\_%' ESCAPE '\')")"
expect_eq "no rows in _persona_rejects" "0" "$(q "SELECT count(*) FROM _persona_rejects")"
expect_eq "no undo data for the load" "0" \
    "$(q "SELECT count(*) FROM _persona_undo WHERE command_id = (SELECT max(id) FROM _persona_log WHERE command = 'load big.csv')")"
p -c "history"
expect_match "history lists it as interrupted" 'interrupted +load big\.csv' "$OUT"
unchanged "the workspace is as before the load" "$before"
expect_eq "the table that was there is intact" "1 Ann|2 Bob" \
    "$(q "SELECT group_concat(id || ' ' || name, '|') FROM small")"
expect_ok "the workspace works after the kill: a load" -c "load small.csv as again"
# reading wrote nothing; the next changing command recorded the killed one
expect_eq "the log shows the load as interrupted" "interrupted" \
    "$(q "SELECT status FROM _persona_log WHERE command = 'load big.csv'")"
expect_ok "… and its undo" -c "undo"
expect_eq "… which removes it" "0" "$(q "SELECT count(*) FROM sqlite_master WHERE name = 'again'")"

# ---- Ctrl-C (SIGINT) in the middle of a load cancels it: exit 1, a message, the
# transaction rolled back, the log says 'cancelled' ----
before=$(ws_state)
"$PERSONA" -d "$DB" -c "load big.csv as cancelled_big" >"$WORK/int.out" 2>"$WORK/int.err" </dev/null &
pid=$!
mid=0
for _ in $(seq 1 3000); do
    kill -0 "$pid" 2>/dev/null || break
    if [ "$(wal_size)" -gt 8000000 ]; then mid=1; break; fi
    sleep 0.01
done
[ "$mid" = 1 ] && kill -INT "$pid" 2>/dev/null
wait "$pid"
rc=$?
expect_eq "Ctrl-C mid-load: exit 1" "1" "$rc"
expect_match "Ctrl-C mid-load: says it was cancelled" "^-c:1: error: load: cancelled; the workspace is unchanged" \
    "$(cat "$WORK/int.err")"
expect_eq "Ctrl-C mid-load: the log says cancelled" "cancelled" \
    "$(q "SELECT status FROM _persona_log WHERE command = 'load big.csv as cancelled_big'")"
unchanged "Ctrl-C mid-load: the workspace is as before" "$before"
