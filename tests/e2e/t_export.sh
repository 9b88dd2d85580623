#!/usr/bin/env bash
# export on the sample workspace (load + profile build): consent filtering counted
# against sqlite3, every preset's header and value rules (hashes recomputed with
# Python's hashlib from the raw values), formula neutralising, the same bytes twice,
# refusal to overwrite, no partial file after a failure, the manifest and its
# SHA-256; Python's csv module and csvkit's csvclean (when installed) read every
# export; bad inputs fail clearly and leave the workspace as it was.
. "$(dirname "$0")/lib.sh"
cd "$WORK" || exit 1
SAMPLES=$ROOT/samples

s() { sqlite3 "$DB" "$1"; }
# state without the command log and the record of exports: exports read the data
state() { ws_state | grep -Ev '^_persona_undo:|_persona_stash_|^_persona_export'; }
same() { local now; now=$(state); if [ "$now" == "$2" ]; then ok "$1"; else not_ok "$1" "$(diff <(printf '%s\n' "$2") <(printf '%s\n' "$now") | head -20)"; fi; }
# manifest FILE EXPR: a Python expression on the manifest of FILE (as m)
manifest() { python3 -c "import json, sys; m = json.load(open(sys.argv[1] + '.manifest.json')); print($2)" "$1"; }
# csv_check FILE: rows and columns as Python's csv module reads the file ("rows cols"),
# or an error when a row's width differs from the header's
csv_check() {
    python3 - "$1" <<'PY'
import csv, sys
with open(sys.argv[1], newline='', encoding='utf-8-sig') as f:
    rows = list(csv.reader(f, strict=True))
widths = {len(r) for r in rows}
print(f"{len(rows) - 1} {rows[0].__len__()}" if len(widths) == 1 else f"ragged {widths}")
PY
}
csvclean_check() {  # NAME FILE
    if ! command -v csvclean >/dev/null; then ok "$1 # skip csvclean not installed (Debian csvkit)"; return; fi
    local out
    out=$(csvclean -n "$2" 2>&1)
    if [ $? -eq 0 ] && [ "$out" == "No errors." ]; then ok "$1"; else not_ok "$1" "$out"; fi
}

expect_ok "setup: load the samples and build profiles" -c "load $SAMPLES/customers.csv key=customer_id
load $SAMPLES/orders.csv key=order_id
load $SAMPLES/events.csv key=event_id
load $SAMPLES/rates.csv key=currency
profile build rates=rates in=USD
segment define vip where revenue > 1000 and orders >= 5"
VIP=$(s "SELECT count(*) FROM vip")
YES=$(s "SELECT count(*) FROM vip WHERE consent = 1")
NO=$(s "SELECT count(*) FROM vip WHERE consent = 0")
UNKNOWN=$(s "SELECT count(*) FROM vip WHERE consent IS NULL")

# ---- a plain export of a segment ----
expect_ok "export a segment" -c "export vip to vip.csv"
expect_match "export: rows written" "^rows +$YES$" "$OUT"
expect_match "export: the segment's members" "^candidates +$VIP$" "$OUT"
expect_match "export: left out, consent denied" "^left out: consent denied +$NO$" "$OUT"
expect_match "export: left out, consent unknown" "^left out: consent unknown +$UNKNOWN$" "$OUT"
expect_match "export: the consent in force, read from the customers the profiles were built from" \
    '^consent column +customers\.marketing_consent$' "$OUT"
expect_match "export: the summary says how many were left out and why" \
    "export: left out $((NO + UNKNOWN)) of $VIP rows: $NO consent denied, $UNKNOWN consent unknown" "$ERR"
expect_eq "export: Python's csv reads it: rows and columns" "$YES $(s "SELECT count(*) FROM pragma_table_info('profiles')")" "$(csv_check vip.csv)"
csvclean_check "export: csvclean finds nothing wrong" vip.csv
expect_eq "export: the members who consented, in key order" \
    "$(s "SELECT group_concat(customer_id) FROM (SELECT customer_id FROM vip WHERE consent = 1 ORDER BY 1)")" \
    "$(python3 -c "import csv,sys; print(','.join(r['customer_id'] for r in csv.DictReader(open(sys.argv[1], newline=''))))" vip.csv)"
expect_eq "export: CRLF line ends, no BOM" "0|$((YES + 1))" \
    "$(python3 -c "import sys; b = open(sys.argv[1], 'rb').read(); print(int(b.startswith(b'\xef\xbb\xbf')), b.count(b'\r\n'), sep='|')" vip.csv)"

# ---- the manifest ----
expect_eq "manifest: the file's SHA-256 and size" "$(sha256sum vip.csv | cut -d' ' -f1) $(stat -c %s vip.csv)" \
    "$(manifest vip.csv "m['sha256'], m['bytes']")"
expect_eq "manifest: the source and its definition SQL" \
    "vip|segment|dynamic|profiles|$(s "SELECT definition FROM _persona_segments WHERE name = 'vip'")" \
    "$(manifest vip.csv "'|'.join([m['source']['name'], m['source']['type'], m['source']['segment_kind'], m['source']['table'], m['source']['definition']])")"
expect_eq "manifest: rows and rows left out by reason" "$YES $VIP $NO $UNKNOWN 0" \
    "$(manifest vip.csv "m['rows'], m['candidates'], m['left_out']['consent_denied'], m['left_out']['consent_unknown'], m['left_out']['no_identifier']")"
expect_eq "manifest: no preset, no hash, the consent column" "None None customers.marketing_consent" \
    "$(manifest vip.csv "m['preset'], m['hash'], m['consent']['column']")"
expect_eq "manifest: the Persona version" "$("$PERSONA" --version | awk '{print $2}')" "$(manifest vip.csv "m['persona_version']")"
expect_match "manifest: the creation time" '^20[0-9]{2}-[01][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]Z$' \
    "$(manifest vip.csv "m['created_at']")"
expect_eq "manifest: the command log entry that made it" \
    "$(s "SELECT id || '|' || command FROM _persona_log WHERE command = 'export vip to vip.csv'")" \
    "$(manifest vip.csv "str(m['command']['log_id']) + '|' + m['command']['line']")"

# ---- the same bytes twice; no overwrite without force ----
expect_ok "the same export to another file" -c "export vip to vip2.csv"
expect_eq "the same export gives the same bytes" "$(sha256sum <vip.csv)" "$(sha256sum <vip2.csv)"
before=$(sha256sum vip.csv vip.csv.manifest.json)
expect_fail "an existing file without force: refused" 1 \
    'export: vip\.csv: already exists \(add .force. to replace it\)' -c "export vip to vip.csv columns=customer_id"
expect_eq "refused: the file and its manifest untouched" "$before" "$(sha256sum vip.csv vip.csv.manifest.json)"
rm vip2.csv
expect_fail "an existing manifest without force: refused" 1 'export: vip2\.csv\.manifest\.json: already exists' \
    -c "export vip to vip2.csv"
expect_ok "force replaces file and manifest" -c "export vip to vip.csv force"
expect_eq "force: the same bytes again" "$(cut -d' ' -f1 <<<"$before" | head -1)" "$(sha256sum vip.csv | cut -d' ' -f1)"

# ---- columns= picks and renames ----
expect_ok "columns= picks and renames" -c "export vip to picked.csv columns=\"email:Email,first_name:First Name,customer_id\" bom"
expect_eq "columns=: the header, after the BOM" $'\xef\xbb\xbfEmail,First Name,customer_id\r' "$(head -1 picked.csv)"
expect_eq "columns=: Python reads it (with the BOM)" "$YES 3" "$(csv_check picked.csv)"
csvclean_check "columns=: csvclean reads it" picked.csv

# ---- formula neutralising ----
M=$(s "SELECT customer_id FROM vip WHERE consent = 1 ORDER BY 1 LIMIT 1")
expect_ok "setup: formulas in a member's text cells" -c "sql UPDATE profiles SET first_name = '=HYPERLINK(\"http://evil\",\"x\")', last_name = '+1+1', city = '@SUM(A1)', loyalty_tier = '-2', phone = '+1 212 555 0100' WHERE customer_id = '$M'"
expect_ok "export with the formulas" -c "export vip to formulas.csv columns=customer_id,first_name,last_name,city,loyalty_tier,phone,revenue"
ROW=$(grep "^$M," formulas.csv | tr -d '\r')
expect_eq "formulas: text cells neutralised, the phone and numbers left exact" \
    "$M,\"'=HYPERLINK(\"\"http://evil\"\",\"\"x\"\")\",'+1+1,'@SUM(A1),'-2,+1 212 555 0100,$(s "SELECT revenue FROM profiles WHERE customer_id = '$M'")" "$ROW"
expect_ok "the same through a preset" -c "export vip to formulas-hubspot.csv preset=hubspot"
expect_eq "hubspot: the name neutralised, the E.164 phone exact" \
    "'+1+1|+12125550100" \
    "$(python3 -c "import csv,sys; r=[r for r in csv.DictReader(open(sys.argv[1], newline='')) if r['Last Name'].startswith(\"'\")][0]; print(r['Last Name'], r['Phone Number'], sep='|')" formulas-hubspot.csv)"
expect_ok "undo the formulas" -c "undo"
s0=$(state)

# ---- presets: headers, value rules, identifiers ----
header() { head -1 "$1" | tr -d '\r'; }
for preset in mailchimp hubspot klaviyo braze google-customer-match meta; do
    expect_ok "preset $preset" -c "export vip to $preset.csv preset=$preset"
    expect_eq "preset $preset: Python reads every row" "ok" \
        "$(python3 -c "import csv,sys; r=list(csv.reader(open(sys.argv[1], newline=''), strict=True)); print('ok' if len({len(x) for x in r}) == 1 else 'ragged')" "$preset.csv")"
    csvclean_check "preset $preset: csvclean reads it" "$preset.csv"
    expect_eq "preset $preset: the manifest names it, rows add up" "$preset $VIP" \
        "$(manifest "$preset.csv" "m['preset'], m['rows'] + sum(m['left_out'].values())")"
done
expect_eq "mailchimp header" "Email Address,First Name,Last Name,Tags" "$(header mailchimp.csv)"
expect_eq "hubspot header" "Email,First Name,Last Name,Phone Number,City,State/Region,Postal Code,Country/Region" "$(header hubspot.csv)"
expect_eq "klaviyo header" "Email,Phone Number,First Name,Last Name,City,Region,Country,Zip Code" "$(header klaviyo.csv)"
expect_eq "braze header" "external_id,email,phone,first_name,last_name,dob,gender,home_city,country" "$(header braze.csv)"
expect_eq "google-customer-match header" "Email,Phone,First Name,Last Name,Country,Zip" "$(header google-customer-match.csv)"
expect_eq "meta header" "email,phone,fn,ln,ct,st,zip,country" "$(header meta.csv)"

# mailchimp: only members with a valid email, tagged with the segment
expect_eq "mailchimp: members without a usable email left out and counted" \
    "$(python3 - "$DB" <<'PY'
import re, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
ok = re.compile(r"[^@\s]+@([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}$")
emails = [r[0] for r in db.execute("SELECT email FROM vip WHERE consent = 1")]
print(sum(1 for e in emails if not (e and ok.match(e.strip().lower()))))
PY
)" "$(manifest mailchimp.csv "m['left_out']['no_identifier']")"
expect_eq "mailchimp: Tags is the segment" "vip" "$(python3 -c "import csv,sys; print(','.join(sorted({r['Tags'] for r in csv.DictReader(open(sys.argv[1], newline=''))})))" mailchimp.csv)"

# google-customer-match and meta: the hashes are SHA-256 of the normalised values,
# recomputed here from the raw profile values with Python's hashlib
python3 - "$DB" google-customer-match.csv meta.csv braze.csv >hashes.out <<'PY'
import csv, hashlib, re, sqlite3, sys, unicodedata
db = sqlite3.connect(sys.argv[1])
h = lambda s: hashlib.sha256(s.encode()).hexdigest()
rows = db.execute("SELECT customer_id, email, first_name, last_name, country, gender, birth_date FROM vip "
                  "WHERE consent = 1 ORDER BY customer_id").fetchall()
ok = re.compile(r"[^@\s]+@([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}$")
def email(e):
    e = (e or "").strip().lower()
    return h(e) if ok.match(e) else ""
def name(n):
    n = unicodedata.normalize("NFC", n or "").lower()
    return " ".join(n.split())
g = list(csv.DictReader(open(sys.argv[2], newline="")))
m = list(csv.DictReader(open(sys.argv[3], newline="")))
b = list(csv.DictReader(open(sys.argv[4], newline="")))
# every consented member has an email, a phone or an address here: one line each, in key order
print("google rows", len(g) == len(rows))
print("google Email", all(r["Email"] == email(x[1]) for r, x in zip(g, rows)))
print("google First Name", all(r["First Name"] == (h(name(x[2])) if name(x[2]) else "") for r, x in zip(g, rows)))
print("google Last Name", all(r["Last Name"] == (h(name(x[3])) if name(x[3]) else "") for r, x in zip(g, rows)))
print("google Country", all(len(r["Country"]) == 2 and r["Country"].isupper() for r in g))
print("meta email", all(r["email"] == email(x[1]) for r, x in zip(m, rows)))
print("meta country", all(r["country"] == h(gr["Country"].lower()) for r, gr in zip(m, g)))
print("meta phone", all((r["phone"] == "") == (gr["Phone"] == "") for r, gr in zip(m, g)))
print("hex", all(re.fullmatch("[0-9a-f]{64}", v) for r in g for k, v in r.items() if k in ("Email", "Phone", "First Name", "Last Name") and v))
print("braze ids", [r["external_id"] for r in b] == [x[0] for x in rows])
print("braze dob", all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", r["dob"]) for r in b if r["dob"]))
print("braze gender", {r["gender"] for r in b} <= {"M", "F", "O", "N", "P", ""})
print("braze male", all(r["gender"] == "M" for r, x in zip(b, rows) if (x[5] or "").strip().lower() in ("m", "male")))
PY
while read -r line; do expect_eq "hashes and rules: ${line% *}" "True" "${line##* }"; done <hashes.out
expect_eq "google: a phone is the hash of its E.164 form" \
    "$(python3 -c "import hashlib; print(hashlib.sha256(b'+14165550155').hexdigest())")" \
    "$(python3 -c "import csv,sys; print([r['Phone'] for r in csv.DictReader(open(sys.argv[1], newline=''))][0])" google-customer-match.csv)"
expect_eq "meta: a phone is the hash of its digits without +" \
    "$(python3 -c "import hashlib; print(hashlib.sha256(b'14165550155').hexdigest())")" \
    "$(python3 -c "import csv,sys; print([r['phone'] for r in csv.DictReader(open(sys.argv[1], newline=''))][0])" meta.csv)"
expect_ok "google-customer-match with hash=none: the normalised values in clear" -c "export vip to clear.csv preset=google-customer-match hash=none"
expect_eq "hash=none: E.164 phone, lower-case names" "+14165550155|elizabeth|harris|CA" \
    "$(python3 -c "import csv,sys; r=list(csv.DictReader(open(sys.argv[1], newline='')))[0]; print(r['Phone'], r['First Name'], r['Last Name'], r['Country'], sep='|')" clear.csv)"
expect_ok "a plain export with hash=sha256" -c "export vip to hashed.csv columns=customer_id,email,phone,city hash=sha256"
expect_eq "plain hash=sha256: email and phone hashed, the rest in clear" "True|True|Toronto" \
    "$(python3 -c "
import csv, hashlib, sys
r = list(csv.DictReader(open(sys.argv[1], newline='')))[0]
print(r['email'] == hashlib.sha256(b'elizabeth89@gmail.com').hexdigest(), r['phone'] == hashlib.sha256(b'+14165550155').hexdigest(), r['city'], sep='|')" hashed.csv)"
expect_eq "plain hash=sha256: the manifest lists the hashed columns" "sha256 ['email', 'phone']" \
    "$(manifest hashed.csv "m['hash']['method'], m['hash']['columns']")"

# ---- consent from the customers table and consent=none ----
expect_ok "export a table: consent read from the column profile build found" -c "export customers to customers.csv"
expect_match "customers: its consent column" '^consent column +marketing_consent$' "$OUT"
expect_match "customers: granted as the profile counts them" "^rows +$(s "SELECT count(*) FROM profiles WHERE consent = 1")$" "$OUT"
expect_ok "consent=none exports everyone" -c "export vip to everyone.csv consent=none"
expect_match "consent=none: every member" "^rows +$VIP$" "$OUT"
expect_eq "consent=none: the manifest says so" "none" "$(manifest everyone.csv "m['consent']")"
expect_ok "consent=COL: another column" -c "export vip to raw-consent.csv consent=marketing_consent"
expect_match "consent=COL: the raw column, read the same way" "^rows +$YES$" "$OUT"
same "exports leave the workspace as it was" "$s0"
expect_eq "every export that wrote a file is recorded, with its members' hashed keys" "ok" \
    "$(s "SELECT CASE WHEN count(*) > 0 AND sum(rows) = (SELECT count(*) FROM _persona_export_members WHERE export_id IN (SELECT id FROM _persona_exports WHERE source = 'vip')) THEN 'ok' END FROM _persona_exports WHERE source = 'vip'")"

# ---- no partial file after a failure ----
mkdir out
p -c "export vip to out/big.csv consent=none" 2>/dev/null   # the size of a full export
SIZE=$(stat -c %s out/big.csv)
rm out/*
( ulimit -f $((SIZE / 2048)); trap '' XFSZ; "$PERSONA" -d "$DB" -c "export vip to out/big.csv consent=none" >/dev/null 2>"$WORK/xfsz.err" </dev/null; echo $? >"$WORK/xfsz.rc" )
expect_eq "a write that fails midway: exit 1" "1" "$(cat xfsz.rc)"
expect_match "a write that fails midway: the reason" 'export: out/big\.csv: file too large' "$(cat xfsz.err)"
expect_eq "a write that fails midway: no file, no temporary file, no manifest" "" "$(ls -A out)"
chmod a-w out
if [ "$(id -u)" -ne 0 ]; then
    expect_fail "a folder that cannot be written: refused" 1 'export: out/x\.csv: permission denied' -c "export vip to out/x.csv"
    expect_eq "a folder that cannot be written: nothing left" "" "$(ls -A out)"
else
    ok "a folder that cannot be written # skip root writes anywhere"
fi
chmod u+w out

# ---- bad inputs: clear messages, nothing written, the workspace unchanged ----
NEXPORTS=$(s "SELECT count(*) FROM _persona_exports")
bad() {  # NAME PATTERN COMMAND
    expect_fail "$1" 1 "$2" -c "$3"
    expect_eq "$1: nothing written" "" "$(ls -A out)"
}
bad "unknown segment or table" "export: no segment or table named 'vpi' \(did you mean 'vip'\?\)" "export vpi to out/x.csv"
bad "unknown preset" "export: unknown preset 'mailchimpp' \(did you mean 'mailchimp'\?\); presets: mailchimp, hubspot, klaviyo, braze, google-customer-match, meta" \
    "export vip to out/x.csv preset=mailchimpp"
bad "unknown column" "export: columns=: no column 'emial' in profiles \(did you mean 'email'\?\)" "export vip to out/x.csv columns=emial"
bad "unknown consent column" "export: consent=: no column 'opt_in' in profiles" "export vip to out/x.csv consent=opt_in"
bad "a table without consent needs consent=none" \
    "export: orders has no consent column: name it with consent=COL, record consent with 'consent record', or write consent=none" "export orders to out/x.csv"
bad "a preset column that is not one" "export: columns=email:E-mail: with preset=meta, columns= feeds its columns as COL:HEADER; its headers: email, phone" \
    "export vip to out/x.csv preset=meta columns=email:E-mail"
bad "hash for a tool that matches in clear" "export: hash=sha256: mailchimp matches on contact details in clear" \
    "export vip to out/x.csv preset=mailchimp hash=sha256"
bad "an unknown hash" "export: hash=md5: expected sha256 or none" "export vip to out/x.csv hash=md5"
bad "a missing 'to'" "export: expected 'export SOURCE to PATH'" "export vip into out/x.csv"
bad "the workspace itself" "export: .*ws\.db: is the workspace's own file" "export vip to $DB force"
bad "a folder" "export: out: is a directory" "export vip to out force"
same "bad exports leave the workspace as it was" "$s0"
expect_eq "bad exports are not recorded as exports" "$NEXPORTS" "$(s "SELECT count(*) FROM _persona_exports")"
