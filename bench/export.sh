#!/usr/bin/env bash
# bench/export.sh — exporting a 1M-row segment (target: under 2 s), against what an
# analyst would otherwise run: sqlite3's CSV output of the same rows, in the same
# run on the same workspace, alternated; median of ROUNDS runs each.
#
#   plain    every column of the members who consented (1M members, ~60% consent),
#            RFC 4180 with the file's SHA-256 and the manifest
#   hashed   the same members as google-customer-match: emails and names normalised
#            and hashed with SHA-256, countries as ISO codes
#   sqlite3  `sqlite3 -csv -header` of the same consented members, no manifest, no
#            digest, no formula neutralising (the floor, not an equal)
set -eu
cd "$(dirname "$0")/.."
PERSONA=${PERSONA:-./persona}
ROUNDS=${ROUNDS:-3}
work=bench/data
mkdir -p "$work"

gen=$work/customers-1m.csv
[ -s "$gen" ] || awk -v n=1000000 -f bench/gen-customers.awk > "$gen"
db=$work/export.db
if [ ! -s "$db" ]; then
    "$PERSONA" -d "$db" -c "load $gen as customers key=customer_id
segment define everyone where orders >= 0 from customers" >/dev/null
fi
members=$(sqlite3 "$db" "SELECT count(*) FROM everyone")

elapsed() { local t0 t1; t0=$(date +%s.%N); "$@" >/dev/null 2>&1; t1=$(date +%s.%N); echo "$t1 - $t0" | bc; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

out=$work/export-out.csv
export_plain() { rm -f "$out" "$out.manifest.json"; "$PERSONA" -d "$db" -c "export everyone to $out"; }
export_hashed() { rm -f "$out" "$out.manifest.json"; "$PERSONA" -d "$db" -c "export everyone to $out preset=google-customer-match"; }
export_sqlite() {
    sqlite3 -csv -header "$db" "SELECT * FROM customers WHERE customer_id IN (SELECT customer_id FROM everyone) AND consent = 'yes' ORDER BY customer_id" >"$out"
}

plain=() hashed=() sq=()
for i in $(seq "$ROUNDS"); do
    plain+=("$(elapsed export_plain)")
    hashed+=("$(elapsed export_hashed)")
    sq+=("$(elapsed export_sqlite)")
done
rows=$(sqlite3 "$db" "SELECT count(*) FROM customers WHERE consent = 'yes'")
rss=$(/usr/bin/time -f %M "$PERSONA" -d "$db" -c "export everyone to $out force" 2>&1 >/dev/null | tail -1)
pm=$(printf '%s\n' "${plain[@]}" | median)
hm=$(printf '%s\n' "${hashed[@]}" | median)
sm=$(printf '%s\n' "${sq[@]}" | median)
rm -f "$out" "$out.manifest.json"
echo "export benchmark: a segment of $members members, $rows with consent; median of $ROUNDS alternated runs"
printf '%-34s %6.2fs  (target < 2 s: %s)  sqlite3 -csv %6.2fs  ratio %.2f  peak RSS %d MiB\n' \
    "plain CSV + manifest" "$pm" "$(echo "$pm < 2" | bc | sed 's/1/met/;s/0/MISSED/')" "$sm" "$(echo "$pm / $sm" | bc -l)" "$((rss / 1024))"
printf '%-34s %6.2fs\n' "google-customer-match (hashed)" "$hm"
