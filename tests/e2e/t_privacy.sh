#!/usr/bin/env bash
# pseudonymize, mask and anonymity: tokens checked against Python's hmac on the same
# key, the same person getting the same token in two tables; masks as documented;
# k-anonymity groups as pandas counts them.
. "$(dirname "$0")/lib.sh"
cd "$WORK" || exit 1
export XDG_CONFIG_HOME=$WORK/config

printf 'customer_id,email,phone,postcode,gender,last_name\n1,A@x.com ,+44 20 7946 0000,SW1A,F,Smith\n2,b@y.org,0044 20 7946 0001,SW1A,F,Jones\n3,c@z.net,020 7946 0002,EC1,M,Brown\n4,d@w.io,555-0199,SW1A,F,Green\n' >c.csv
printf 'order_id,customer_id,email\n10,1,a@x.com\n11,3,c@z.net\n' >o.csv
expect_ok "load customers and orders" -c "load c.csv key=customer_id; load o.csv key=order_id"
s0=$(ws_state)

# ---- pseudonymize ----
expect_ok "pseudonymize the customers" -c "pseudonymize c customer_id,email,phone keyfile=$WORK/key.hex"
expect_match "a new key file is made, and the analyst told" 'a new key is in .*key\.hex' "$ERR"
expect_eq "the key file is private" "600" "$(stat -c %a key.hex)"
expect_ok "pseudonymize the orders with the same key" -c "pseudonymize o customer_id,email keyfile=$WORK/key.hex"
expect_eq "the same person, the same tokens in both tables (an email written two ways)" "2" \
    "$(q "SELECT count(*) FROM c JOIN o ON o.customer_id = c.customer_id AND o.email = c.email")"
key=$(tr -d '\n' <key.hex)
ref=$(python3 -c "
import hmac, hashlib
k = bytes.fromhex('$key')
t = lambda kind, v: hmac.new(k, (kind + ':' + v).encode(), hashlib.sha256).hexdigest()
print(t('email', 'a@x.com'), t('phone', '442079460000'), t('id', '1'))")
expect_eq "tokens are HMAC-SHA256 of kind:normalised value (Python's hmac agrees)" "$ref" \
    "$(q "SELECT email || ' ' || phone || ' ' || customer_id FROM c WHERE postcode = 'SW1A' AND last_name = 'Smith'")"
expect_ok "undo both" -c "undo; undo"
unchanged "undo brings the values back" "$s0"
expect_fail "a key file that is not a key" 1 'pseudonymize: keyfile=.*: not a key' \
    -c "pseudonymize c email keyfile=$WORK/c.csv"
expect_fail "a column that is not there" 1 "pseudonymize: no column 'mail' in c" -c "pseudonymize c mail keyfile=$WORK/key.hex"
unchanged "bad pseudonymize: workspace unchanged" "$s0"

# ---- mask ----
expect_ok "mask a copy" -c "mask c email,phone,last_name"
expect_eq "emails keep a letter and the domain, phones two digits, names a letter" \
    "A***@x.com|***00|S***,b***@y.org|***01|J***,c***@z.net|***02|B***,d***@w.io|***99|G***" \
    "$(q "SELECT group_concat(email || '|' || phone || '|' || last_name) FROM (SELECT * FROM c_masked ORDER BY customer_id)" | tr -d '"')"
expect_eq "the original is untouched" "1" "$(q "SELECT email = 'A@x.com ' FROM c WHERE customer_id = 1")"
expect_fail "mask over an existing copy needs replace" 1 "mask: table 'c_masked' already exists" -c "mask c email"

# ---- anonymity ----
expect_ok "k-anonymity of postcode and gender, k=2" -c "anonymity c cols=postcode,gender k=2"
ref=$(python3 -c "
import csv, collections
rows = list(csv.DictReader(open('c.csv')))
g = collections.Counter((r['postcode'], r['gender']) for r in rows)
small = [n for n in g.values() if n < 2]
print(len(g), len(small), sum(small), min(g.values()))")
got="$(sed -n 's/^groups  *\([0-9]*\)$/\1/p' <<<"$OUT") $(sed -n 's/^groups smaller than k  *//p' <<<"$OUT") $(sed -n 's/^rows in them  *//p' <<<"$OUT") $(sed -n 's/^smallest group  *//p' <<<"$OUT")"
expect_eq "groups, small groups, rows in them, smallest: as Python counts them" "$ref" "$got"
expect_match "the small group is listed" '^EC1 +M +1$' "$OUT"
expect_fail "anonymity without cols=" 1 'anonymity: name the quasi-identifiers with cols=' -c "anonymity c"
