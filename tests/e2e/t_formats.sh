#!/usr/bin/env bash
# Output formats: show and sql in table, csv (RFC 4180, CRLF), tsv and json, against
# golden files; table alignment by display width (accents, CJK) and truncation with
# "…"; and every command's --format json output is exactly one JSON value.
. "$(dirname "$0")/lib.sh"
cd "$WORK" || exit 1
cp "$ROOT/tests/fixtures/e2e/people.csv" .

expect_golden "load summary (table)" load.table.txt -c "load people.csv key=id"
expect_golden "tables (table)" tables.table.txt -c "tables"
expect_golden "describe (table)" describe.table.txt -c "describe people"

# ---- show in every format ----
expect_golden "show (table)" show.table.txt -c "show people"
expect_golden "show (csv)" show.csv -c "show people" --format csv
expect_golden "show (tsv)" show.tsv -c "show people" --format tsv
expect_golden "show (json)" show.json -c "show people" --format json
expect_golden "show columns=, truncated with … (table)" show-truncated.table.txt -c "show people columns=note,name,id"

# ---- sql in every format ----
query="sql SELECT id, name, score, score * 2 AS twice, joined IS NULL AS no_date, NULL AS missing FROM people ORDER BY id DESC"
expect_golden "sql (table)" sql.table.txt -c "$query"
expect_golden "sql (csv)" sql.csv -c "$query" --format csv
expect_golden "sql (tsv)" sql.tsv -c "$query" --format tsv
expect_golden "sql (json)" sql.json -c "$query" --format json
expect_golden "sql change count (table)" sql-change.table.txt -c "sql UPDATE people SET score = score WHERE id < 3"

# ---- CSV: RFC 4180 ----
p --format csv -c "show people"
expect_eq "csv: header first" "id,name,city,score,joined,note" "$(head -1 <<<"$OUT" | tr -d '\r')"
expect_eq "csv: every record ends in CRLF (7 records, 8 physical lines with the quoted newline)" "7 8" \
    "$(grep -c $'\r$' <<<"$OUT") $(wc -l <<<"$OUT")"
if command -v python3 >/dev/null; then
    expect_eq "csv: reads back with Python's csv module as the table's cells" "same" \
        "$(python3 - "$DB" "$WORK/.out" 2>&1 <<'PY'
import csv, sqlite3, sys
rows = list(csv.reader(open(sys.argv[2], newline="", encoding="utf-8")))
db = sqlite3.connect(sys.argv[1])
want = [["" if v is None else repr(v) if isinstance(v, float) else str(v) for v in r]
        for r in db.execute("SELECT * FROM people ORDER BY id")]
head = [d[0] for d in db.execute("SELECT * FROM people").description]
print("same" if rows == [head] + want else "differs:\n%r\n%r" % (rows, [head] + want))
PY
)"
fi
expect_match "csv: quotes doubled, fields with , \" or newline quoted" '^1,Zoë Ångström,Zürich,3\.5,2021-03-04,"says ""hi"", then leaves"'$'\r''$' "$OUT"
expect_match "csv: leading/trailing blanks kept, quoted" '^6," padded ","a,b",1000\.0,' "$OUT"
expect_match "csv: NULL is an empty field" '^4,Ann,,,2019-01-02,plain'$'\r''$' "$OUT"

# ---- TSV: no quoting, escapes ----
p --format tsv -c "show people"
expect_match "tsv: embedded newline escaped as \\n" $'^3\tO\'Neil\tNew\\\\nYork\t-0\\.25\t\t' "$OUT"
expect_match "tsv: embedded tab escaped as \\t" $'\ttab\\\\tinside$' "$OUT"
expect_eq "tsv: 7 lines, LF only" "7 0" "$(wc -l <<<"$OUT") $(grep -c $'\r' <<<"$OUT")"

# ---- JSON: array of row objects, numbers as numbers, NULL as null ----
if command -v python3 >/dev/null; then
    p --format json -c "$query"
    expect_eq "json: python3 -m json.tool accepts the sql output" "0" \
        "$(python3 -m json.tool <"$WORK/.out" >/dev/null 2>&1; echo $?)"
    expect_eq "json: types of an array of row objects" \
        "list 6 dict id:int name:str score:float twice:float no_date:int missing:NoneType" \
        "$(python3 -c '
import json, sys
v = json.load(sys.stdin)
r = v[0]
print(type(v).__name__, len(v), type(r).__name__, " ".join(k + ":" + type(x).__name__ for k, x in r.items()))
' <"$WORK/.out" 2>&1)"
    expect_eq "json: NULL as null" "None None" \
        "$(python3 -c '
import json, sys
v = {r["id"]: r for r in json.load(sys.stdin)}
print(v[4]["score"], v[4]["missing"])' <"$WORK/.out" 2>&1)"
    expect_match "json: written as null, numbers bare" '"score":null,"twice":null,"no_date":0,"missing":null' "$(cat "$WORK/.out")"
fi

# ---- table format: alignment by display width, truncation ----
if command -v python3 >/dev/null; then
    # display width as a terminal counts it: East Asian wide and fullwidth count 2
    width_py='
import sys, unicodedata
def w(s): return sum(0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)
'
    p -c "show people columns=name,city,joined,id"
    expect_eq "table: every line the same display width (accents, CJK, ↵ in cells)" "1" \
        "$(python3 -c "$width_py"'
print(len({w(l) for l in sys.stdin.read().splitlines()}))' <"$WORK/.out" 2>&1)"
    p -c "show people columns=note,id"
    expect_eq "table: cut cells keep the columns aligned" "1 44" \
        "$(python3 -c "$width_py"'
ws = {w(l) for l in sys.stdin.read().splitlines()}
print(len(ws), *ws)' <"$WORK/.out" 2>&1)"
fi
p -c "show people columns=note,id"
expect_match "table: truncated latin text" '^a very long note that goes on and on we…  +3$' "$OUT"
expect_match "table: truncated CJK text (19 wide characters, …, one space)" '^東京都渋谷区神南一丁目二十三番十号ビル…   +5$' "$OUT"
p -c "show people columns=id,note"
expect_match "table: the last column is never cut" 'well past forty columns of text$' "$OUT"

# ---- every command's --format json is exactly one JSON value ----
if command -v python3 >/dev/null; then
    # Each command's output is kept, then one Python run parses them all (strict:
    # json.loads refuses trailing data, so two values in one output fail).
    mkdir "$WORK/json"
    json_one() {    # SLUG ARGS…: keep stdout of persona --format json ARGS as SLUG.json
        local slug=$1
        shift
        p --format json "$@"
        cp "$WORK/.out" "$WORK/json/$slug.json"
    }
    json_one load -c "load people.csv as p2"
    json_one tables -c "tables"
    json_one describe -c "describe people"
    json_one show -c "show people"
    json_one show-no-rows -c "show people where='id > 99'"
    json_one sql-query -c "sql SELECT * FROM people"
    json_one sql-change -c "sql UPDATE people SET score = 1 WHERE id = 4"
    json_one sql-two-statements -c "sql SELECT 1 AS a; SELECT 2 AS b"
    json_one drop -c "drop p2"
    json_one history -c "history"
    json_one history-save -c "history save h.persona"
    json_one undo -c "undo"
    json_one help -c "help"
    json_one help-load -c "help load"
    json_one failing-command -c "load nope.csv"
    while read -r status slug why; do
        if [ "$status" = ok ]; then ok "json: $slug: one JSON value"
        else not_ok "json: $slug: one JSON value" "$why" "$(head -c 300 "$WORK/json/$slug.json")"; fi
    done < <(python3 - "$WORK"/json/*.json <<'PY' 2>&1
import json, os, sys
for path in sys.argv[1:]:
    slug = os.path.basename(path)[:-len(".json")]
    try:
        json.loads(open(path, encoding="utf-8").read())
        print("ok", slug)
    except ValueError as e:
        print("bad", slug, str(e).splitlines()[0])
PY
)
    p --format json -c "tables; describe people"
    expect_eq "json: two commands print two values, one per line group" "2" \
        "$(python3 -c '
import json, sys
s, d, n, i = sys.stdin.read(), json.JSONDecoder(), 0, 0
while i < len(s):
    while i < len(s) and s[i].isspace(): i += 1
    if i == len(s): break
    _, i = d.raw_decode(s, i); n += 1
print(n)' <"$WORK/.out" 2>&1)"
    p --format json -c "load people.csv as p3"
    expect_eq "json: load summary fields" "p3 6 6 0 True , id:INTEGER,name:TEXT,city:TEXT,score:REAL,joined:DATE,note:TEXT" \
        "$(python3 -c '
import json, sys
v = json.load(sys.stdin)
l = v["load"]
print(l["table"], l["rows"], l["columns"], l["rejected"], l["header"], l["delimiter"], ",".join(c["column"] + ":" + c["type"] for c in v["columns"]))' <"$WORK/.out" 2>&1)"
fi
