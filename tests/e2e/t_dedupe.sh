#!/usr/bin/env bash
# dedupe: the unsupervised Fellegi–Sunter model on the sample customers (with their
# truth file) and, when ../shared/data is there, on FEBRL 1–3 and the two restaurant
# guides; results tables, review decisions, undo, the string functions in sql, and
# every bad input with a clear message and the workspace unchanged.
. "$(dirname "$0")/lib.sh"
cd "$WORK" || exit 1
SAMPLES=$ROOT/samples

# precision|recall of TABLE_matches at probability >= 0.5 against a truth query that
# gives (key, entity) pairs, as a "p r" line with 4 decimals.
pr() {  # TABLE TRUTH_SQL
    q "$(tr '\n' ' ' <<<"WITH t(k, e) AS ($2), m AS (SELECT key_l, key_r FROM $1_matches WHERE probability >= 0.5),
       tp AS (SELECT count(*) AS n FROM m JOIN t a ON a.k = m.key_l JOIN t b ON b.k = m.key_r WHERE a.e = b.e),
       tr AS (SELECT sum(c * (c - 1) / 2) AS n FROM (SELECT count(*) AS c FROM t GROUP BY e))
       SELECT printf('%.4f %.4f', 1.0 * tp.n / (SELECT count(*) FROM m), 1.0 * tp.n / tr.n) FROM tp, tr")"
}
# at_least NAME FLOOR VALUE: VALUE >= FLOOR (decimals).
at_least() {
    if awk -v v="$3" -v f="$2" 'BEGIN { exit !(v + 0 >= f + 0) }'; then ok "$1 ($3 >= $2)"; else not_ok "$1" "$3 is below $2"; fi
}

# ---- the string functions analysts use in sql ----
expect_eq "sql: jaro_winkler, levenshtein, soundex" "0.9611|3|A261|R163" \
    "$(q "SELECT round(jaro_winkler('martha', 'marhta'), 4) || '|' || levenshtein('kitten', 'sitting') || '|' || soundex('Ashcraft') || '|' || soundex('Rupert')")"

# ---- the sample customers ----
expect_ok "setup: load customers and truth" -c "load $SAMPLES/customers.csv key=customer_id
load $SAMPLES/customers_truth.csv as truth key=customer_id"
s0=$(ws_state)
expect_ok "dedupe customers" -c "dedupe customers"
expect_match "summary: records" '^records +5000$' "$OUT"
expect_match "summary: columns and kinds" 'first_name:given_name, last_name:surname, email:email, phone:phone' "$OUT"
expect_match "rules: email with its pairs" '^email +[0-9]+ +[0-9]+' "$OUT"
expect_match "rules: soundex(surname)+birth date proposed" '^soundex\(last_name\)\+birth_date +[0-9]+' "$OUT"
expect_match "model: m and u per level" '^email +email +exact +0\.[0-9]+ +[0-9.e-]+ +[0-9.]+$' "$OUT"
expect_eq "matches table: columns" "key_l,key_r,probability,weight,rule,decision,first_name_level,last_name_level,email_level,phone_level,city_level,country_level,postcode_level,birth_date_level" \
    "$(q "SELECT group_concat(name, ',') FROM pragma_table_info('customers_matches')" | tr -d '"')"
expect_eq "clusters table: columns" "key,cluster_id,cluster_size" \
    "$(q "SELECT group_concat(name, ',') FROM pragma_table_info('customers_clusters')" | tr -d '"')"
expect_eq "each pair once, in table order" "0|0" \
    "$(q "SELECT (SELECT count(*) - count(DISTINCT key_l || '|' || key_r) FROM customers_matches) || '|' || (SELECT count(*) FROM customers_matches WHERE key_l >= key_r)")"
expect_eq "clusters: one row per record with a duplicate, sizes agree" "0|0" \
    "$(q "SELECT (SELECT count(*) FROM customers_clusters WHERE cluster_size < 2) || '|' || (SELECT count(*) FROM (SELECT cluster_id, count(*) AS n, max(cluster_size) AS s FROM customers_clusters GROUP BY 1) WHERE n <> s)")"
expect_eq "clusters: the id is the smallest key" "0" \
    "$(q "SELECT count(*) FROM (SELECT cluster_id, min(key) AS k FROM customers_clusters GROUP BY 1) WHERE k <> cluster_id")"
read -r p r <<<"$(pr customers "SELECT customer_id, person_id FROM truth")"
echo "# customers sample: precision $p recall $r"
at_least "customers: precision" 0.78 "$p"
at_least "customers: recall" 0.97 "$r"
expect_eq "the run and its model are recorded" "1|customers_matches|1" \
    "$(q "SELECT count(*) || '|' || max(matches_table) || '|' || (SELECT count(DISTINCT command_id) FROM _persona_dedupe_params) FROM _persona_dedupe_runs")"

# --format json: one value with the summary, the rules and the model
p --format json -c "dedupe customers"
expect_eq "json: one object with summary, rules, model" "summary rules model" \
    "$(python3 -c 'import json,sys; print(" ".join(json.load(sys.stdin).keys()))' <<<"$OUT" 2>&1)"

# ---- review ----
p -c "dedupe review customers limit=3"
expect_match "review lists undecided pairs near the threshold" '^key_l +key_r +probability +rule +differs' "$OUT"
pair=$(q "SELECT key_l || ' ' || key_r FROM customers_matches WHERE probability >= 0.5 ORDER BY probability DESC, key_l LIMIT 1")
read -r k1 k2 <<<"$pair"
expect_ok "review a pair side by side" -c "dedupe review customers $k1 $k2"
expect_match "side by side: the compared columns with their level" '^first_name +[^ ].* +(exact|else|dl<=1|jw>=0\.[0-9]+|same tokens) +(true|false)$' "$OUT"
s1=$(ws_state)
expect_ok "reject a pair" -c "dedupe review customers reject $k1 $k2"
expect_eq "reject: kept as a decision" "reject" "$(q "SELECT decision FROM _persona_dedupe_decisions")"
expect_eq "reject: marked in the matches" "reject" "$(q "SELECT decision FROM customers_matches WHERE key_l = '$k1' AND key_r = '$k2'")"
expect_ok "rerun after the decision" -c "dedupe customers"
expect_eq "rerun: the decision is respected" "reject" "$(q "SELECT decision FROM customers_matches WHERE key_l = '$k1' AND key_r = '$k2'")"
expect_ok "undo the rerun" -c "undo"
expect_ok "undo the reject" -c "undo"
unchanged "undo reject: matches, clusters, decisions as before" "$s1"
far=$(q "SELECT min(customer_id) || ' ' || max(customer_id) FROM customers")
read -r f1 f2 <<<"$far"
expect_ok "accept a pair blocking never produced" -c "dedupe review customers accept $f2 $f1"
expect_eq "accept: added to the matches in table order" "$f1|$f2|review|accept" \
    "$(q "SELECT key_l || '|' || key_r || '|' || rule || '|' || decision FROM customers_matches WHERE rule = 'review'")"
expect_eq "accept: the two are one cluster" "1" \
    "$(q "SELECT count(DISTINCT cluster_id) FROM customers_clusters WHERE key IN ('$f1', '$f2')")"
expect_ok "undo the accept" -c "undo"
unchanged "undo accept: as before" "$s1"

# ---- undo of the run itself: back to before any dedupe ----
expect_ok "undo the json run" -c "undo"
expect_ok "undo the first run" -c "undo"
unchanged "undo dedupe: no results, no run recorded" "$s0"

# ---- options ----
expect_ok "dedupe with on= and block=" -c "dedupe customers on=first_name,last_name,email:email,birth_date block=email,soundex(last_name)+birth_date,left(first_name,3)+last_name threshold=0.9"
expect_match "block=: the rules given" '^left\(first_name,3\)\+last_name +[0-9]+' "$OUT"
expect_eq "on=: only those columns compared" "4" \
    "$(q "SELECT count(*) FROM pragma_table_info('customers_matches') WHERE name LIKE '%_level'")"
expect_eq "threshold recorded" "0.9" "$(q "SELECT threshold FROM _persona_dedupe_runs ORDER BY command_id DESC LIMIT 1")"
expect_ok "undo" -c "undo"
expect_ok "max_block skips big blocks and says so" -c "dedupe customers block=country max_block=50"
expect_match "max_block: reported" '^country +[0-9]+ +[0-9]+ +[0-9]+ +[1-9][0-9]* +blocks over max_block=50 skipped' "$OUT"
expect_ok "undo" -c "undo"

# ---- merge: one survivor per cluster, audited, undoable ----
expect_ok "setup: a run to merge" -c "dedupe customers"
# (undo of a copied table re-adds its _persona_tables row last, so that table's row
# order changes: compare the customers and the audit instead of the whole state)
customers_state() { sqlite3 -csv "$DB" "SELECT rowid, * FROM customers ORDER BY rowid" | md5sum; q "SELECT count(*) FROM _persona_merges"; }
s2=$(customers_state)
clustered=$(q "SELECT count(*) - count(DISTINCT cluster_id) FROM customers_clusters")
expect_ok "dedupe merge customers" -c "dedupe merge customers"
expect_match "merge: records removed" "^records removed +$clustered\$" "$OUT"
expect_eq "merge: the others are gone, the survivors stay" "$((5000 - clustered))|0" \
    "$(q "SELECT count(*) || '|' || (SELECT count(*) FROM _persona_merges m WHERE column_name IS NULL AND NOT EXISTS (SELECT 1 FROM customers WHERE customer_id = m.survivor)) FROM customers")"
expect_eq "merge: every merged record audited with its survivor" "$clustered" \
    "$(q "SELECT count(*) FROM _persona_merges WHERE column_name IS NULL AND source = 'most-complete'")"
expect_eq "merge: filled values are the survivor's now" "0" \
    "$(q "SELECT count(*) FROM _persona_merges m WHERE column_name = 'email' AND chosen_value IS NOT (SELECT email FROM customers WHERE customer_id = m.survivor)")"
expect_ok "undo the merge" -c "undo"
expect_eq "undo merge: every record and value back, the audit gone" "$s2" "$(customers_state)"
expect_ok "merge keeping the most recent by a column" -c "dedupe merge customers keep=most-recent:signup_date"
expect_ok "undo" -c "undo"
expect_ok "undo the run" -c "undo"

# ---- bad inputs: a clear message, exit 1, the workspace unchanged ----
bad() {  # NAME PATTERN COMMAND
    local before
    before=$(ws_state)
    expect_fail "$1" 1 "$2" -c "$3"
    unchanged "$1: workspace unchanged" "$before"
}
bad "unknown table" "dedupe: no table named 'custmers' \(did you mean 'customers'\?\)" "dedupe custmers"
bad "unknown column in on=" "dedupe: on=nosuch: no column 'nosuch' in customers" "dedupe customers on=nosuch"
bad "unknown kind in on=" "dedupe: on=email:mail: unknown kind 'mail'; kinds: given_name, surname" "dedupe customers on=email:mail"
bad "block= on a column not compared" "dedupe: block=city: 'city' is not a compared column" "dedupe customers on=email block=city"
bad "block= with an unknown function" "dedupe: block=metaphone\(email\): unknown function 'metaphone'" "dedupe customers block=metaphone(email)"
bad "threshold out of range" "dedupe: option threshold=2: expected a probability between 0 and 1" "dedupe customers threshold=2"
bad "unknown key column" "dedupe: key=nosuch: no such column in customers" "dedupe customers key=nosuch"
bad "a key that is not unique" "dedupe: key column country is not unique in customers \('.*' appears twice\)" "dedupe customers key=country on=email"
printf 'id,amount\n1,10\n2,20\n' >plain.csv
expect_ok "setup: a table without person columns, an empty one" -c "load plain.csv key=id; sql CREATE TABLE empty(id, email)"
bad "no column to compare" "dedupe: no column of plain looks like a name, email, phone, birth date or address; choose columns with on=" "dedupe plain"
bad "empty table" "dedupe: empty has no rows; there is nothing to compare" "dedupe empty"
bad "review before any run" "dedupe review: no dedupe results for plain; run 'dedupe plain' first" "dedupe review plain"
bad "merge before any run" "dedupe merge: no dedupe results for plain; run 'dedupe plain' first" "dedupe merge plain"

expect_ok "setup: a run to review" -c "dedupe customers"
bad "review: unknown key" "dedupe review: no row of customers has customer_id 'NOPE'" "dedupe review customers accept C00001 NOPE"
bad "review: a record with itself" "dedupe review: C00001 and C00001 are the same record" "dedupe review customers reject C00001 C00001"
bad "merge: a bad survivor rule" "dedupe merge: keep=best: expected most-complete, most-recent:COL or first" "dedupe merge customers keep=best"
bad "merge: most-recent by an unknown column" "dedupe merge: keep=most-recent:seen: no column 'seen' in customers" "dedupe merge customers keep=most-recent:seen"
bad "review: a bad verb" "dedupe review: expected 'dedupe review customers', 'dedupe review customers K1 K2' or" "dedupe review customers merge C00001 C00002"

# ---- real data: FEBRL and the restaurant guides ----
FEBRL=$DATA/dedupe/febrl
if [ -d "$FEBRL" ]; then
    DB=$WORK/febrl.db
    # the person of rec-N-org and rec-N-dup-k is N
    person="SELECT rec_id, substr(rec_id, 5, instr(substr(rec_id, 5), '-') - 1) FROM"
    for i in 1 2 3; do
        expect_ok "febrl$i: load and dedupe with defaults" -c "load $FEBRL/dataset$i.csv as febrl$i key=rec_id
dedupe febrl$i"
        read -r p r <<<"$(pr febrl$i "$person febrl$i")"
        echo "# febrl$i: precision $p recall $r"
        at_least "febrl$i: precision" 0.995 "$p"
        at_least "febrl$i: recall" 0.985 "$r"
    done
else
    echo "# skipped FEBRL: $FEBRL not found"
fi
FZ=$DATA/dedupe/fodors_zagat
if [ -d "$FZ" ]; then
    DB=$WORK/fz.db
    # two tables are linked by deduping them concatenated (there is no link mode)
    expect_ok "fodors+zagat: load, concatenate, dedupe" -c "load $FZ/fodors.csv; load $FZ/zagats.csv; load $FZ/fodors-zagats_perfectMapping.csv as truth
sql CREATE TABLE restaurants AS SELECT 'f' || id AS rid, name, addr, city, phone, type FROM fodors UNION ALL SELECT 'z' || id, name, addr, city, phone, type FROM zagats
dedupe restaurants key=rid"
    found=$(q "SELECT count(*) FROM restaurants_matches m JOIN truth t ON m.key_l = 'f' || t.fodors_id AND m.key_r = 'z' || t.zagats_id WHERE probability >= 0.5")
    cross=$(q "SELECT count(*) FROM restaurants_matches WHERE probability >= 0.5 AND substr(key_l, 1, 1) <> substr(key_r, 1, 1)")
    echo "# fodors-zagat: $found of 112 true pairs found, $cross cross-guide pairs predicted"
    at_least "fodors-zagat: recall" 0.95 "$(awk -v f="$found" 'BEGIN { print f / 112 }')"
    at_least "fodors-zagat: precision across the guides" 0.9 "$(awk -v f="$found" -v c="$cross" 'BEGIN { print f / c }')"
else
    echo "# skipped fodors-zagat: $FZ not found"
fi
