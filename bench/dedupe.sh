#!/usr/bin/env bash
# bench/dedupe.sh — dedupe on 100,000 generated FEBRL-like records (target: under 15 s),
# with precision and recall against the generator's truth (rec-K-org / rec-K-dup-J).
set -eu
cd "$(dirname "$0")/.."
PERSONA=${PERSONA:-./persona}
work=bench/data
mkdir -p "$work"
csv=$work/febrl-100k.csv
[ -s "$csv" ] || awk -v n=100000 -f bench/gen-febrl.awk > "$csv"
rm -f "$work"/dd.db*
"$PERSONA" -d "$work/dd.db" -c "load $csv as people key=rec_id" >/dev/null
t0=$(date +%s.%N)
rss=$(/usr/bin/time -f %M "$PERSONA" -d "$work/dd.db" -c "dedupe people" 2>&1 >/dev/null | tail -1)
t1=$(date +%s.%N)
# truth: records with the same rec-K prefix are one person
read -r tp fp fn < <(sqlite3 -separator ' ' "$work/dd.db" "
    CREATE TEMP TABLE ent AS SELECT rec_id, substr(rec_id, 1, 3 + instr(substr(rec_id, 5), '-')) AS e FROM people;
    CREATE INDEX temp.ent_e ON ent(e);
    CREATE TEMP TABLE truth AS SELECT a.rec_id l, b.rec_id r FROM ent a JOIN ent b ON a.e = b.e AND a.rec_id < b.rec_id;
    CREATE TEMP TABLE found AS SELECT min(key_l, key_r) l, max(key_l, key_r) r FROM people_matches WHERE probability >= 0.5;
    SELECT (SELECT count(*) FROM found JOIN truth USING (l, r)),
           (SELECT count(*) FROM found) - (SELECT count(*) FROM found JOIN truth USING (l, r)),
           (SELECT count(*) FROM truth) - (SELECT count(*) FROM found JOIN truth USING (l, r))")
printf 'dedupe 100,000 FEBRL-like records: %.1f s (target < 15 s), peak RSS %d MiB, precision %.4f recall %.4f (%d true pairs)\n' \
    "$(echo "$t1 - $t0" | bc)" "$((rss / 1024))" "$(echo "$tp / ($tp + $fp)" | bc -l)" "$(echo "$tp / ($tp + $fn)" | bc -l)" "$((tp + fn))"
rm -f "$work"/dd.db*
