#!/usr/bin/env bash
# bench/clean.sh — cleaning against its references, as `make bench` reports it:
#  - accuracy: tests/e2e/t_clean_reference.sh's figures (phones against
#    python-phonenumbers, countries against pycountry and its gettext translations);
#  - speed: `normalize COL=phone:region` on 200,000 written numbers (the fixture's
#    forms repeated) against python-phonenumbers parsing, validating and formatting
#    the same numbers (the anchor, Debian's python3-phonenumbers as shipped).
set -eu
cd "$(dirname "$0")/.."
PERSONA=${PERSONA:-./persona}
case $PERSONA in /*) ;; *) PERSONA=$PWD/$PERSONA ;; esac
PERSONA=$PERSONA LABEL=bench bash tests/e2e/t_clean_reference.sh | grep '^# ' | sed 's/^# /clean accuracy: /'
work=bench/data
mkdir -p "$work"
tsv=$work/phones-200k.tsv
[ -s "$tsv" ] || awk -F'\t' 'NR == 1 { print; next } { rows[++n] = $0 }
    END { for (i = 0; i < 200000; i++) print rows[i % n + 1] }' tests/fixtures/phones/phones.tsv > "$tsv"
rm -f "$work"/ph.db*
"$PERSONA" -d "$work/ph.db" -c "load $tsv as phones" >/dev/null
t0=$(date +%s.%N)
"$PERSONA" -d "$work/ph.db" -c "normalize phones input=phone:region" >/dev/null 2>&1
t1=$(date +%s.%N)
/usr/bin/python3 - "$tsv" <<'PY'
import csv, sys, time
import phonenumbers as pn
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8"), delimiter="\t"))[1:]
t0 = time.time()
for region, _form, text, *_ in rows:
    try:
        n = pn.parse(text, region)
        if pn.is_valid_number(n):
            pn.format_number(n, pn.PhoneNumberFormat.E164)
    except pn.NumberParseException:
        pass
open(sys.argv[1] + ".anchor", "w").write("%.3f" % (time.time() - t0))
PY
anchor=$(cat "$tsv.anchor")
persona=$(echo "$t1 - $t0" | bc)
printf 'normalize phone 200,000 numbers: %.2f s; python-phonenumbers %.2f s; ratio %.2f (anchor / persona)\n' \
    "$persona" "$anchor" "$(echo "$anchor / $persona" | bc -l)"
rm -f "$work"/ph.db* "$tsv.anchor"
