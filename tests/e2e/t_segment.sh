#!/usr/bin/env bash
# Segments on the sample workspace (load + profile build): dynamic segments as views
# with the event helpers (did … within N days, count of … OP N) checked against
# sqlite3's own answer, combine, snapshot, overlap, show, list, from-cluster and drop;
# undo of each; every bad input fails clearly and leaves the workspace as it was.
. "$(dirname "$0")/lib.sh"
cd "$WORK" || exit 1
SAMPLES=$ROOT/samples

# The workspace as the analyst sees it: ws_state without the undo data, which the
# oldest commands lose as new ones come (only the last ten can be undone).
state() { ws_state | grep -Ev '^_persona_undo:|_persona_stash_'; }
same() { local now; now=$(state); if [ "$now" == "$2" ]; then ok "$1"; else not_ok "$1" "$(diff <(printf '%s\n' "$2") <(printf '%s\n' "$now") | head -20)"; fi; }

# s SQL: the answer of sqlite3 itself.
s() { sqlite3 "$DB" "$1"; }
members() { q "SELECT count(*) FROM ($(q "SELECT definition FROM _persona_segments WHERE name = '$1'" | sed -e 's/^"//' -e 's/"$//' -e 's/""/"/g'))"; }

expect_ok "setup: load the samples and build profiles" -c "load $SAMPLES/customers.csv key=customer_id
load $SAMPLES/orders.csv key=order_id
load $SAMPLES/events.csv key=event_id
load $SAMPLES/rates.csv key=currency
profile build rates=rates in=USD"
ASOF=$(s "SELECT asof FROM _persona_profiles")
expect_eq "setup: profiles as of the day after the data" "2026-01-01" "$ASOF"

# ---- define: plain conditions ----
s0=$(state)
expect_ok "define a rule-based segment" -c "segment define vip where revenue > 1000 and orders >= 5"
VIP=$(s "SELECT count(*) FROM profiles WHERE revenue > 1000 AND orders >= 5")
expect_match "define: reports its members" "^members +$VIP$" "$OUT"
expect_match "define: and the share of the table" '^of +5000$' "$OUT"
expect_eq "define: a dynamic segment of profiles" "dynamic|profiles|revenue > 1000 and orders >= 5" \
    "$(s "SELECT kind || '|' || source_table || '|' || label FROM _persona_segments WHERE name = 'vip'")"
expect_eq "define: a view of the members' rows" "$VIP" "$(s "SELECT count(*) FROM vip")"
expect_eq "define: the definition selects the members' keys" "$VIP" "$(members vip)"
expect_ok "undo define" -c "undo"
same "undo define: view and segment gone, workspace as before" "$s0"
expect_ok "define again" -c "segment define vip where revenue > 1000 and orders >= 5"

# re-evaluated at each use: a change to the data moves the members
FIRST=$(s "SELECT customer_id FROM vip ORDER BY customer_id LIMIT 1")
expect_ok "a member's revenue drops" -c "sql UPDATE profiles SET revenue = 0 WHERE customer_id = '$FIRST'"
expect_eq "dynamic: re-evaluated, one member fewer" "$((VIP - 1))" "$(members vip)"
expect_ok "undo the update" -c "undo"

expect_ok "define from another table, 'from' at the end" -c "segment define fr where country IN ('France', 'FR') from customers"
expect_eq "from TABLE: the segment reads customers" "customers|$(s "SELECT count(*) FROM customers WHERE country IN ('France', 'FR')")" \
    "$(s "SELECT source_table FROM _persona_segments WHERE name = 'fr'")|$(members fr)"
expect_ok "define with 'from' before 'where'" -c "segment define young from customers where age < 30"
expect_eq "from TABLE where: the members" "$(s "SELECT count(*) FROM customers WHERE age < 30")" "$(members young)"

# ---- define: the event helpers ----
expect_ok "did EVENT where … within N days" \
    -c "segment define electronics where did product_view where category = 'Electronics' within 7 days"
expect_eq "did … within 7 days: the customers sqlite3 finds" \
    "$(s "SELECT count(DISTINCT customer_id) FROM events WHERE event_type = 'product_view' AND category = 'Electronics' AND julianday(event_time) >= julianday('$ASOF') - 7 AND julianday(event_time) < julianday('$ASOF')")" \
    "$(members electronics)"
expect_ok "count of any within 30 days = 0" -c "segment define quiet where count of any within 30 days = 0"
expect_eq "count … = 0: the customers with events_30d = 0" "$(s "SELECT count(*) FROM profiles WHERE events_30d = 0")" "$(members quiet)"
expect_ok "count of EVENT ≥ N, in parentheses, and more" \
    -c "segment define loyal where (count of purchase within 90 days ≥ 3) and revenue > 500"
expect_eq "count ≥ 3 and revenue: the customers sqlite3 finds" \
    "$(s "SELECT count(*) FROM profiles WHERE revenue > 500 AND customer_id IN (SELECT customer_id FROM events WHERE event_type = 'purchase' AND julianday(event_time) >= julianday('$ASOF') - 90 AND julianday(event_time) < julianday('$ASOF') GROUP BY 1 HAVING count(*) >= 3)")" \
    "$(members loyal)"
expect_ok "count < N counts customers without any such event too" -c "segment define few_carts where count of add_to_cart < 2"
expect_eq "count < 2: events_add_to_cart < 2" "$(s "SELECT count(*) FROM profiles WHERE events_add_to_cart < 2")" "$(members few_carts)"
expect_ok "not (did …) and weeks, with the event in quotes" -c "segment define lapsed where not (did 'purchase' within 4 weeks) and orders > 0"
expect_eq "not did within 4 weeks" \
    "$(s "SELECT count(*) FROM profiles WHERE orders > 0 AND customer_id NOT IN (SELECT customer_id FROM events WHERE customer_id IS NOT NULL AND event_type = 'purchase' AND julianday(event_time) >= julianday('$ASOF') - 28 AND julianday(event_time) < julianday('$ASOF'))")" \
    "$(members lapsed)"

# ---- bad conditions: a clear message with the position; nothing changes ----
# Bad inputs come in groups, the workspace's state taken around each group (a state
# reads every table, the 200,000 events too).
bad() {  # NAME PATTERN COMMAND
    expect_fail "$1" 1 "$2" -c "$3"
}
before=$(state)
bad "unknown column, with its position" \
    'segment define: no such column: revnue \(at column 16 of the condition: "revnue > 5"\)' \
    "segment define x where orders > 1 and revnue > 5"
bad "syntax error, with its position" \
    'segment define: near ">": syntax error \(at column 11 of the condition: "> 5"\)' \
    "segment define x where revenue > > 5"
bad "unknown event type, with a suggestion" \
    "segment define: no 'product_veiw' events in events \(did you mean 'product_view'\?\); types: .* \(at column 5 of the condition" \
    "segment define x where did product_veiw within 7 days"
bad "a helper followed by more conditions" \
    "segment define: did product_view: expected 'where CONDITION' or 'within N days' here; .*put it in parentheses.* \(at column 18 of the condition" \
    "segment define x where did product_view within 7 days and revenue > 5"
bad "a profile column in an event condition" \
    'segment define: no such column: revenue \(at column 24 of the condition: "revenue > 5' \
    "segment define x where did product_view where revenue > 5 within 7 days"
bad "count without a comparison" "segment define: count of: expected a comparison with a whole number at the end" \
    "segment define x where count of purchase within 7 days"
bad "within without a unit" "segment define: within N: expected days, weeks or hours" \
    "segment define x where did purchase within 7 fortnights"
bad "an empty condition" "segment define: missing arguments; usage: segment define NAME where CONDITION" "segment define x where"
bad "a comment in the condition" "segment define: comments are not allowed in a condition" "segment define x where revenue > 5 -- big"
bad "unknown table" "segment define: no table named 'profile' \(did you mean 'profiles'\?\)" "segment define x where 1 from profile"
bad "a name that is taken by a table" "segment define: a table or view named 'customers' already exists" "segment define customers where 1"
bad "a name that is taken by a segment" "segment define: a segment named 'vip' already exists; drop it first" "segment define VIP where 1"
bad "a name that is not one" "segment define: 'a-b' cannot name a segment" "segment define a-b where 1"
bad "unknown subcommand" "segment: expected one of define, combine" "segment defne x where 1"
same "bad conditions: the workspace unchanged" "$before"

# ---- combine ----
expect_ok "combine with and, or, not and parentheses" -c "segment combine mix = vip and (electronics or not quiet)"
expect_eq "combine: the members sqlite3 finds" \
    "$(s "SELECT count(*) FROM profiles WHERE customer_id IN (SELECT customer_id FROM vip) AND (customer_id IN (SELECT customer_id FROM electronics) OR customer_id NOT IN (SELECT customer_id FROM quiet))")" \
    "$(members mix)"
before=$(state)
expect_eq "combine: a view too" "$(members mix)" "$(s "SELECT count(*) FROM mix")"
bad "combine: unknown segment, with a suggestion and position" \
    "segment combine: no segment named 'vipp' \(did you mean 'vip'\?\) \(at column 10 of the combination: \"vipp\"\)" "segment combine m2 = quiet or vipp"
bad "combine: segments of different tables" "segment combine: 'fr' is a segment of customers, not of profiles" \
    "segment combine m2 = vip and fr"
bad "combine: a dangling operator" "segment combine: expected a segment name \(at column 8 of the combination" "segment combine m2 = vip and"
bad "combine: no '='" "segment combine: expected 'segment combine NAME = A and" "segment combine m2 vip and quiet"
same "bad combinations: the workspace unchanged" "$before"

# ---- snapshot ----
expect_ok "snapshot as a name" -c "segment snapshot vip as vip_jan"
expect_match "snapshot: its members" "^members +$VIP$" "$OUT"
expect_eq "snapshot: a static segment over a table of keys with the time" "static|$VIP|$VIP|customer_id" \
    "$(s "SELECT kind, (SELECT count(*) FROM vip_jan), (SELECT count(DISTINCT snapshot_at = substr(created_at, 1, 20)) + count(*) - 1 FROM vip_jan), (SELECT key_column FROM _persona_tables WHERE name = 'vip_jan') FROM _persona_segments WHERE name = 'vip_jan'")"
expect_ok "a member's revenue drops" -c "sql UPDATE profiles SET revenue = 0 WHERE customer_id = '$FIRST'"
expect_eq "snapshot: frozen, the dynamic one moves" "$VIP|$((VIP - 1))" "$(members vip_jan)|$(members vip)"
expect_ok "undo the update" -c "undo"
expect_ok "snapshot with the default name" -c "segment snapshot vip"
expect_match "snapshot: named NAME_YYYYMMDD_HHMMSS" '^segment +vip_[0-9]{8}_[0-9]{6}$' "$OUT"
expect_ok "undo the snapshot" -c "undo"
expect_eq "undo snapshot: table and segment gone" "0|0" \
    "$(s "SELECT (SELECT count(*) FROM sqlite_master WHERE name LIKE 'vip\_2%' ESCAPE '\\'), (SELECT count(*) FROM _persona_segments WHERE name LIKE 'vip\_2%' ESCAPE '\\')")"
before=$(state)
bad "snapshot: unknown segment" "segment snapshot: no segment named 'vpi' \(did you mean 'vip'\?\)" "segment snapshot vpi"
bad "snapshot: name taken" "segment snapshot: a segment named 'vip_jan' already exists" "segment snapshot vip as vip_jan"
same "bad snapshots: the workspace unchanged" "$before"

# ---- overlap, show, list ----
before=$(state)
expect_ok "overlap" -c "segment overlap vip loyal"
BOTH=$(s "SELECT count(*) FROM vip WHERE customer_id IN (SELECT customer_id FROM loyal)")
LOYAL=$(members loyal)
expect_match "overlap: both" "^both +$BOTH$" "$OUT"
expect_match "overlap: only a" "^only a +$((VIP - BOTH))$" "$OUT"
expect_match "overlap: either" "^either +$((VIP + LOYAL - BOTH))$" "$OUT"
expect_match "overlap: Jaccard" "^jaccard +$(python3 -c "print(round($BOTH / ($VIP + $LOYAL - $BOTH), 4))")$" "$OUT"
bad "overlap: unknown segment" "segment overlap: no segment named 'nope'" "segment overlap vip nope"

expect_ok "show, as JSON" --format json -c "segment show vip sample=3"
expect_eq "show: definition, size, sample, metrics" "vip|$VIP|3|$(s "SELECT round(avg(revenue), 2) FROM vip")|$(s "SELECT round(avg(revenue), 2) FROM profiles")" \
    "$(python3 -c "import json,sys; d=json.load(sys.stdin); m={r['metric']: r for r in d['metrics']}; print('|'.join(str(x) for x in [d['segment']['segment'], d['segment']['members'], len(d['sample']), m['revenue']['members'], m['revenue']['all']]))" <<<"$OUT")"
expect_eq "show: the sample are members, in key order" "$(s "SELECT group_concat(customer_id) FROM (SELECT customer_id FROM vip ORDER BY 1 LIMIT 3)")" \
    "$(python3 -c "import json,sys; print(','.join(r['customer_id'] for r in json.load(sys.stdin)['sample']))" <<<"$OUT")"
bad "show: unknown segment" "segment show: no segment named 'vap' \(did you mean 'vip'\?\)" "segment show vap"
same "overlap, show, list and their bad inputs: the workspace unchanged" "$before"

expect_ok "list, as CSV" --format csv -c "segment list"
expect_eq "list: every segment with its members now" \
    "electronics $(members electronics)|few_carts $(members few_carts)|fr $(members fr)|lapsed $(members lapsed)|loyal $LOYAL|mix $(members mix)|quiet $(members quiet)|vip $VIP|vip_jan $VIP|young $(members young)" \
    "$(python3 -c "import csv,sys; print('|'.join(r['name'] + ' ' + r['members'] for r in csv.DictReader(sys.stdin)))" <<<"$OUT")"

# ---- drop ----
expect_ok "setup: a combination that reads a snapshot" -c "segment combine m3 = vip_jan and quiet"
bad "drop: a snapshot that a combination reads" "segment drop: the segments m3 read the members of 'vip_jan'; drop them first" \
    "segment drop vip_jan"
expect_ok "drop the combination" -c "segment drop m3"
s1=$(state)
expect_ok "drop a dynamic segment" -c "segment drop electronics"
expect_eq "drop: view and segment gone" "0|0" \
    "$(s "SELECT (SELECT count(*) FROM sqlite_master WHERE name = 'electronics'), (SELECT count(*) FROM _persona_segments WHERE name = 'electronics')")"
expect_ok "undo drop" -c "undo"
same "undo drop: view and segment back" "$s1"
expect_ok "drop a snapshot" -c "segment drop vip_jan"
expect_eq "drop snapshot: its table goes" "0" "$(s "SELECT count(*) FROM sqlite_master WHERE name = 'vip_jan'")"
expect_ok "undo drop snapshot" -c "undo"
same "undo drop snapshot: table and segment back" "$s1"
bad "drop: unknown segment" "segment drop: no segment named 'vipp' \(did you mean 'vip'\?\)" "segment drop vipp"
same "bad drop: the workspace unchanged" "$s1"

# ---- segments from a clustering ----
expect_ok "setup: a clustering of the profiles" -c "cluster kmeans profiles features=orders,revenue,events_total k=3 seed=1 as ck"
NCK=$(s "SELECT count(*) FROM _persona_segments WHERE kind = 'cluster'")
expect_eq "the clustering wrote one segment per cluster" "3" "$NCK"
CK0=$(s "SELECT name FROM _persona_segments WHERE kind = 'cluster' ORDER BY name LIMIT 1")
expect_ok "drop one cluster segment" -c "segment drop '$CK0'"
s2=$(state)
expect_ok "from-cluster rewrites them" --format csv -c "segment from-cluster ck"
expect_eq "from-cluster: lists one segment per cluster, their members add up to the profiles" "3|5000" \
    "$(python3 -c "import csv,sys; r=list(csv.DictReader(sys.stdin)); print(len(r), sum(int(x['members']) for x in r), sep='|')" <<<"$OUT")"
expect_eq "from-cluster: one segment per cluster again" "3" "$(s "SELECT count(*) FROM _persona_segments WHERE kind = 'cluster'")"
expect_eq "from-cluster: members are the cluster's rows" "$(s "SELECT count(*) FROM ck WHERE cluster = 0")" \
    "$(members "$(s "SELECT name FROM _persona_segments WHERE definition LIKE '%cluster = 0'")")"
expect_ok "undo from-cluster" -c "undo"
same "undo from-cluster: as before" "$s2"
bad "from-cluster: unknown model" "segment from-cluster: no clustering named 'kc' \(did you mean 'ck'\?\)" "segment from-cluster kc"
same "bad from-cluster: the workspace unchanged" "$s2"
expect_ok "combine with a quoted cluster segment name" \
    -c "segment combine big_vip = vip and '$(s "SELECT name FROM _persona_segments WHERE kind = 'cluster' ORDER BY name LIMIT 1 OFFSET 1")'"

# ---- plot bar: the size of every segment ----
expect_ok "plot bar draws every segment's size" -c "plot bar out=$WORK/sizes.png"
expect_eq "plot bar: a PNG" "89504e47" "$(head -c 4 "$WORK/sizes.png" | od -An -tx1 | tr -d ' \n')"
p -c "plot bar segments width=100 height=30"
expect_match "plot bar (text) names the segments" "vip" "$OUT"
