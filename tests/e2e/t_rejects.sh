#!/usr/bin/env bash
# Rows the loader cannot take go to _persona_rejects with file, line, reason and raw
# text, and the load goes on; the rejects= option sets how many are too many.
. "$(dirname "$0")/lib.sh"
cd "$WORK" || exit 1

# 500 data rows, one of them (file line 201) with a field too many.
awk 'BEGIN {
    print "id,name,amount"
    for (i = 1; i <= 500; i++)
        if (i == 200) print "200,Bad \"row\",12.5,extra"
        else print i ",name" i "," i * 1.5
}' >one_bad.csv

expect_ok "1 bad row in 500 loads" -c "load one_bad.csv"
expect_match "the summary counts the reject" '^rejected +1$' "$OUT"
expect_match "a note on stderr says where it went" \
    '^load: 1 rows of one_bad\.csv could not be read and are kept in _persona_rejects \(first: line 201: too many fields\)' "$ERR"
expect_eq "499 rows loaded" "499" "$(q "SELECT count(*) FROM one_bad")"
expect_eq "the bad row is not in the table" "0" "$(q "SELECT count(*) FROM one_bad WHERE id = 200")"
expect_eq "one reject" "1" "$(q "SELECT count(*) FROM _persona_rejects")"
expect_eq "reject: table, file, line" "one_bad|one_bad.csv|201" \
    "$(q "SELECT table_name || '|' || file || '|' || line FROM _persona_rejects")"
expect_eq "reject: reason" "4 fields, expected 3" "$(sqlite3 "$DB" "SELECT reason FROM _persona_rejects")"
expect_eq "reject: raw text as in the file" '200,"Bad ""row""",12.5,extra' \
    "$(sqlite3 "$DB" "SELECT raw FROM _persona_rejects")"
expect_eq "reject: tied to the load in the log" "load one_bad.csv" \
    "$(sqlite3 "$DB" "SELECT l.command FROM _persona_rejects r JOIN _persona_log l ON l.id = r.command_id")"

# An unterminated quote costs one row: the reader starts again on the next line.
awk 'BEGIN {
    print "id,name"
    for (i = 1; i <= 300; i++)
        if (i == 50) print "50,\"never closed"
        else print i ",n" i
}' >stray_quote.csv
expect_ok "an unterminated quote in 300 rows loads" -c "load stray_quote.csv"
expect_eq "299 rows loaded, the rest of the file intact" "299|300" \
    "$(q "SELECT count(*) || '|' || max(id) FROM stray_quote")"
expect_eq "reject: unterminated quote on line 51" "51|unterminated quoted field" \
    "$(q "SELECT line || '|' || substr(reason, 1, 25) FROM _persona_rejects WHERE table_name = 'stray_quote'")"
expect_eq "reject: its raw text" '50,"never closed' \
    "$(sqlite3 "$DB" "SELECT raw FROM _persona_rejects WHERE table_name = 'stray_quote'" | tr -d '\r\n')"

# rejects=0: not even one bad row.
before=$(ws_state)
expect_fail "rejects=0 fails on one bad row" 1 \
    '^-c:1: error: load: one_bad\.csv: 1 rows could not be read, more than rejects=0 \(first: line 201: .*\); nothing was loaded' \
    -c "load one_bad.csv as strict rejects=0"
unchanged "rejects=0: workspace unchanged (no table, no new rejects)" "$before"
expect_ok "rejects=1 accepts one" -c "load one_bad.csv as one_ok rejects=1"
printf 'a;b\n1;2\n3;4\n' >semi.csv
expect_ok "rejects=0 with a clean file loads" -c "load semi.csv rejects=0 delimiter=';'"
expect_eq "… with the delimiter given" "2|2" \
    "$(q "SELECT count(*) || '|' || (SELECT count(*) FROM pragma_table_info('semi')) FROM semi")"

# A mostly-bad file fails by default (over 1%) and says what to do …
awk 'BEGIN { print "a,b,c"; for (i = 1; i <= 100; i++) print (i % 10 == 0 ? i ",x,y" : i ",only-two") }' >mostly_bad.csv
before=$(ws_state)
expect_fail "a mostly-bad file fails" 1 \
    '^-c:1: error: load: mostly_bad\.csv: 90 of 100 rows could not be read \(first: line 2: too few fields\); nothing was loaded; rejects=all' \
    -c "load mostly_bad.csv"
unchanged "mostly-bad: workspace unchanged" "$before"
expect_fail "rejects=5% is still too few" 1 '90 of 100 rows could not be read' -c "load mostly_bad.csv rejects=5%"
# … and rejects=all takes what it can.
expect_ok "rejects=all accepts a mostly-bad file" -c "load mostly_bad.csv rejects=all"
expect_match "rejects=all: summary" '^rejected +90$' "$OUT"
expect_eq "rejects=all: the 10 good rows" "10" "$(q "SELECT count(*) FROM mostly_bad")"
expect_eq "rejects=all: 90 rejects with their lines" "90|2|100" \
    "$(q "SELECT count(*) || '|' || min(line) || '|' || max(line) FROM _persona_rejects WHERE table_name = 'mostly_bad'")"
expect_eq "rejects=all: reasons" "2 fields, expected 3" \
    "$(sqlite3 "$DB" "SELECT DISTINCT reason FROM _persona_rejects WHERE table_name = 'mostly_bad'")"

# Undo of a load takes its rejects with it; other loads' rejects stay.
expect_ok "undo the rejects=all load" -c "undo"
expect_eq "undo: its rejects are gone" "0" "$(q "SELECT count(*) FROM _persona_rejects WHERE table_name = 'mostly_bad'")"
expect_eq "undo: other rejects stay" "3" "$(q "SELECT count(*) FROM _persona_rejects")"
