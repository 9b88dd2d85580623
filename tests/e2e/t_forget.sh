#!/usr/bin/env bash
# forget erases a person everywhere Persona keeps data: after a whole analysis (load,
# normalize, dedupe, merge, profile, rfm, cluster, segment, export, undo), a byte
# search of the workspace and its WAL for their email, phone or name finds nothing;
# undo cannot bring them back and says so; later loads and exports suppress them.
. "$(dirname "$0")/lib.sh"
cd "$WORK" || exit 1
SAMPLES=$ROOT/samples

# the person: the first customer of the samples, known by email
row=$(grep '^C00001,' "$SAMPLES/customers.csv")
IFS=, read -r key first last email phone _ <<<"$row"
[ -n "$email" ] && [ -n "$phone" ] && ok "the person: $key" || not_ok "the person" "$row"

expect_ok "a whole analysis" -c "load $SAMPLES/customers.csv key=customer_id
load $SAMPLES/orders.csv key=order_id
load $SAMPLES/events.csv key=event_id
load $SAMPLES/rates.csv key=currency
normalize customers phone=phone:country email=email country=country
validate customers email=email
dedupe customers
dedupe merge customers
profile build rates=rates in=USD
rfm orders rates=rates in=USD
cluster kmeans profiles features=orders,revenue nulls=drop k=3 as cust_k3
segment define big where revenue > 0
segment snapshot big as big_frozen
export big to big.csv
sql UPDATE customers SET city = city WHERE email = '$email'
undo"
e164=$(q "SELECT phone FROM customers WHERE customer_id = '$key'")
expect_match "the phone was normalised (so both forms are searched)" '^\+' "$e164"
grep -qaF "$email" ws.db ws.db-wal 2>/dev/null && ok "before: the email is in the workspace" ||
    not_ok "before: the email is in the workspace"

# ---- subject: everything about them, before they go ----
expect_ok "consent events for them" -c "consent record $key purpose=ads denied at=2026-01-02 source=call"
expect_ok "a segment and an export that hold them" \
    -c "segment define theirs where customer_id = '$key'; export theirs to theirs.csv consent=none"
expect_ok "the subject access export" -c "subject $email to subject.json"
expect_eq "subject: every table that holds them, with as many rows as sqlite3 finds" \
    "$(for t in customers events orders profiles; do n=$(sqlite3 ws.db "SELECT count(*) FROM $t WHERE customer_id = '$key'"); [ "$n" -gt 0 ] && echo "$t $n"; done | paste -sd' ')" \
    "$(python3 -c "import json; d = json.load(open('subject.json')); print(' '.join(f'{t} {len(r)}' for t, r in sorted(d['tables'].items()) if t in ('customers', 'events', 'orders', 'profiles')))")"
expect_eq "subject: rfm and cluster results too" "rfm cust_k3" \
    "$(python3 -c "import json; d = json.load(open('subject.json')); print(' '.join(t for t in ('rfm', 'cust_k3') if t in d['tables']))")"
expect_eq "subject: the consent event, in force" "ads denied call 1" \
    "$(python3 -c "import json; e = json.load(open('subject.json'))['consent_events'][0]; print(e['purpose'], e['consent'], e['source'], e['in_force'])")"
expect_eq "subject: the segments (rule, snapshot, cluster) and the exports that held them" "big,big_frozen,cust_k3,theirs big.csv,theirs.csv" \
    "$(python3 -c "import json; d = json.load(open('subject.json')); print(','.join(sorted(s.split('/')[0] for s in d['segments'])), ','.join(sorted(e['file'] for e in d['exports'])))")"
expect_eq "subject: its log entry does not name them" "subject" \
    "$(q "SELECT command FROM _persona_log WHERE command LIKE 'subject%'")"
rm -f subject.json

expect_ok "forget by email" -c "forget $email reason=\"request 42\""
expect_match "one customer record" '^customer records +1$' "$OUT"
expect_match "rows erased from several tables" '^tables +[4-9]$' "$OUT"
for s in "$email" "$phone" "$e164" "$first $last"; do
    hits=$(cat ws.db ws.db-wal 2>/dev/null | grep -caF -- "$s")
    expect_eq "no byte of '$s' is left in the workspace or its WAL" "0" "$hits"
done
expect_eq "no consent event or export record is left for them" "0|0" \
    "$(q "SELECT (SELECT count(*) FROM _persona_consent) || '|' || (SELECT count(*) FROM _persona_export_members WHERE export_id = (SELECT id FROM _persona_exports WHERE file = 'theirs.csv'))")"
expect_eq "no row anywhere names the key" "0" \
    "$(q "SELECT (SELECT count(*) FROM customers WHERE customer_id = '$key') + (SELECT count(*) FROM orders WHERE customer_id = '$key') + (SELECT count(*) FROM events WHERE customer_id = '$key') + (SELECT count(*) FROM profiles WHERE customer_id = '$key') + (SELECT count(*) FROM rfm WHERE customer = '$key') + (SELECT count(*) FROM cust_k3 WHERE key = '$key') + (SELECT count(*) FROM big_frozen WHERE customer_id = '$key')")"
expect_eq "the history stays readable, the identifier redacted" "1" \
    "$(q "SELECT count(*) FROM _persona_log WHERE command LIKE 'sql UPDATE customers SET city = city WHERE email = ''[erased]''%'")"
expect_eq "the log keeps no trace of what forget was given" "forget" \
    "$(q "SELECT command FROM _persona_log WHERE command LIKE 'forget%'")"
expect_eq "the erasure is recorded: a hash, the reason, no personal data" "request 42|64" \
    "$(q "SELECT reason || '|' || length(identity_hash) FROM _persona_erasures")"
expect_fail "undo cannot bring them back, and says so" 1 "undo: nothing to undo: 'forget' erased the undo store" -c "undo"

# ---- suppression ----
expect_ok "the CRM export is loaded again" -c "load $SAMPLES/customers.csv as crm_again key=customer_id"
expect_match "… the erased person is not kept, and the load says so" 'load: 1 rows of erased people' "$ERR"
expect_eq "… not in the new table" "0" "$(q "SELECT count(*) FROM crm_again WHERE customer_id = '$key'")"
expect_ok "orders loaded again" -c "load $SAMPLES/orders.csv as orders_again key=order_id"
expect_eq "… their orders are not kept either" "0" "$(q "SELECT count(*) FROM orders_again WHERE customer_id = '$key'")"
expect_ok "a table that still holds them (made with sql)" \
    -c "sql CREATE TABLE sneaky AS SELECT 'x' AS customer_id, '$email' AS email, 'yes' AS consent"
expect_fail "… an export never includes them" 1 'export: all 1 candidates were left out' -c "export sneaky to sneaky.csv"
expect_fail "forget someone nobody knows" 1 'forget: nobody known by that identifier' -c "forget nobody@nowhere.example"
expect_eq "… and the failure does not log the identifier" "0" \
    "$(q "SELECT count(*) FROM _persona_log WHERE command LIKE '%nobody@nowhere%' OR summary LIKE '%nobody@nowhere%'")"
