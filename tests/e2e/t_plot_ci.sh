#!/usr/bin/env bash
# plot ci: the forest plot of an experiment's comparisons, on the sample experiment.
# The PNG and SVG are real files, the text plot has its labels, undrawable intervals
# are left out with a note, bad input gets a clear message, and the numbers drawn
# are abtest's: gnuplot runs through a wrapper that keeps every script it is sent,
# and the plot's datablocks ($above, $below, $flat: y, estimate, low, high, label)
# are compared number for number with `abtest … --format json`.
. "$(dirname "$0")/lib.sh"
cd "$WORK" || exit 1
if ! command -v gnuplot >/dev/null; then
    ok "plot ci: skipped (no gnuplot)"
    exit 0
fi

expect_ok "load the sample experiment" -c "load $ROOT/samples/experiment.csv key=user_id"
# three arms, a country too small to compare (ES) and one whose control never
# converts (JP: no relative interval)
expect_ok "a three-arm copy with an empty segment and a zero control rate" -c "sql CREATE TABLE exp3 AS \
SELECT user_id, CASE WHEN variant = 'treatment' AND CAST(substr(user_id, 2) AS INT) % 2 = 0 THEN 'treatment_b' \
ELSE variant END AS variant, CASE WHEN country = 'JP' AND variant = 'control' THEN 0 ELSE converted END AS converted, \
revenue, country, device FROM experiment WHERE country <> 'ES' OR CAST(substr(user_id, 2) AS INT) % 40 = 0"
expect_ok "a view of control alone" -c "sql CREATE VIEW control_only AS SELECT * FROM experiment WHERE variant = 'control'"
expect_ok "a table too small for any comparison" -c "sql CREATE TABLE tiny AS SELECT * FROM experiment LIMIT 40"

# ---- files ----
expect_ok "plot ci to a PNG" -c "plot ci experiment variant=variant metric=converted out=$WORK/ci.png"
expect_eq "PNG: the magic bytes" "89504e470d0a1a0a" "$(head -c 8 "$WORK/ci.png" | od -An -tx1 | tr -d ' \n')"
expect_match "PNG: the record names the plot" "^plot +ci$" "$OUT"
expect_match "PNG: one comparison drawn" "^points +1$" "$OUT"
expect_ok "plot ci by device to an SVG" \
    -c "plot ci experiment variant=variant metric=converted by=device correction=holm out=$WORK/ci.svg"
svg_texts() {
    python3 - "$1" <<'PY'
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
assert root.tag == "{http://www.w3.org/2000/svg}svg", root.tag
for t in root.iter("{http://www.w3.org/2000/svg}text"):
    print("".join(t.itertext()))
PY
}
texts=$(svg_texts "$WORK/ci.svg" 2>&1)
expect_eq "SVG: parses as XML (python3 xml.etree)" "0" "$?"
for want in "desktop: treatment vs control" "mobile: treatment vs control" "tablet: treatment vs control" \
    "relative lift in the rate of converted against control (%)" \
    "significantly above control (Holm-adjusted p < 0.05)" "not significant"; do
    expect_match "SVG: has the text '$want'" "^$(sed 's/[().%+]/\\&/g' <<<"$want")$" "$texts"
done
expect_eq "no temporary files left beside the plots" "" "$(ls "$WORK" | grep '\.tmp' || true)"

# ---- text in script mode ----
expect_ok "plot ci as text" -c "plot ci experiment variant=variant metric=converted by=device correction=holm width=100 height=25"
for want in "desktop: treatment vs control" "mobile: treatment vs control" "tablet: treatment vs control" \
    "relative lift in the rate of converted against control (%)" "significantly above control (Holm-adjusted p < 0.05)"; do
    expect_match "text: has '$want'" "$(sed 's/[().%+]/\\&/g' <<<"$want")" "$OUT"
done
expect_match "text: the title says the intervals follow the correction" "experiment: relative lift in converted against control, by device \(Holm-adjusted intervals\)" "$OUT"
expect_ok "plot ci as text, absolute" -c "plot ci experiment variant=variant metric=revenue lift=absolute width=80 height=15"
expect_match "text: absolute difference of a mean" "difference in the mean of revenue from control" "$OUT"
expect_ok "plot ci of three arms by country" \
    -c "plot ci exp3 variant=variant metric=converted by=country width=110 height=40"
for want in "CA: treatment vs control" "CA: treatment_b vs control" "US: treatment_b vs control" \
    "ES: treatment vs control" "not enough data: treatment has 0 units \(30 needed\)" \
    "relative interval undefined: control rate is 0" "sample ratio mismatch \(chi-square p < 0.001\)"; do
    expect_match "text: three arms: '$want'" "$want" "$OUT"
done
expect_match "an undrawn comparison is a note" \
    "^plot ci: ES: treatment_b vs control: not drawn: not enough data: treatment_b has 19 units \(30 needed\)$" "$ERR"
expect_match "an undefined relative interval is a note with the way out" \
    "^plot ci: JP: treatment vs control: not drawn: relative interval undefined: control rate is 0 \(lift=absolute draws the difference\)$" "$ERR"
expect_match "the sample-ratio mismatch is a note" "^plot ci: sample ratio mismatch: control 9216, treatment 4602" "$ERR"

# ---- the numbers drawn are abtest's ----
cat >gnuplot-log <<'SH'
#!/usr/bin/env bash
# gnuplot, keeping a copy of every script it is sent in $GNUPLOT_LOG
exec gnuplot < <(tee -a "$GNUPLOT_LOG")
SH
chmod +x gnuplot-log
# same_numbers NAME OPTIONS…: plot ci and abtest --format json with the same options
# (lift=absolute among them draws the difference); every comparison abtest has an
# interval for is drawn at exactly its numbers, in the block of its significance
# and sign, labelled "[SEGMENT: ]VARIANT vs CONTROL", and no other.
same_numbers() {
    local name=$1; shift
    local opts=("$@") lift=relative abopts=() o
    for o in "${opts[@]}"; do
        case $o in lift=*) lift=${o#lift=} ;; *) abopts+=("$o") ;; esac
    done
    rm -f "$WORK/script.gp"
    GNUPLOT_LOG=$WORK/script.gp PERSONA_GNUPLOT=$WORK/gnuplot-log p -c "plot ci ${opts[*]} out=$WORK/n.png force"
    if [ "$RC" -ne 0 ]; then not_ok "$name" "plot ci: exit $RC" "$ERR"; return; fi
    p --format json -c "abtest ${abopts[*]}"
    if [ "$RC" -ne 0 ]; then not_ok "$name" "abtest: exit $RC" "$ERR"; return; fi
    local diff
    printf '%s\n' "$OUT" >"$WORK/abtest.json"
    diff=$(python3 - "$WORK/script.gp" "$WORK/abtest.json" "$lift" 2>&1 <<'PY'
import json, re, shlex, sys
script, lift = open(sys.argv[1]).read(), sys.argv[3]
drawn = {}
for block, body in re.findall(r"^\$(above|below|flat) << EOD\n(.*?)^EOD$", script, re.S | re.M):
    for line in body.splitlines():
        y, est, lo, hi, label = shlex.split(line)
        assert label not in drawn, "drawn twice: " + label
        drawn[label] = (block, float(est), float(lo), float(hi))
ab = json.load(open(sys.argv[2]))
expected = {}
for cmp in ab["comparisons"]:
    label = ("%s: " % cmp["segment"] if "segment" in cmp else "") + "%s vs %s" % (cmp["variant"], cmp["control"])
    est, ci = (cmp["rel_lift"], cmp["rel_ci"]) if lift == "relative" else (cmp["diff"], cmp["diff_ci"])
    if est is None or ci is None:  # not enough data, or no relative interval
        continue
    block = "flat" if not cmp["significant"] else "above" if cmp["diff"] > 0 else "below"
    expected[label] = (block, est, ci[0], ci[1])
for label in sorted(set(drawn) | set(expected)):
    if drawn.get(label) != expected.get(label):
        print("%s: drawn %s, abtest %s" % (label, drawn.get(label), expected.get(label)))
print("compared %d" % len(expected))
PY
)
    if grep -q "^compared [1-9]" <<<"$diff" && [ "$(wc -l <<<"$diff")" -eq 1 ]; then
        ok "$name ($diff)"
    else
        not_ok "$name" "$diff"
    fi
}
same_numbers "numbers: conversion, relative lift" experiment variant=variant metric=converted
same_numbers "numbers: conversion, absolute difference" experiment variant=variant metric=converted lift=absolute
same_numbers "numbers: by device with Holm" experiment variant=variant metric=converted by=device correction=holm
same_numbers "numbers: revenue by device, Welch, absolute" experiment variant=variant metric=revenue by=device lift=absolute
# a rank test has no interval about the means to draw (#19): the plot says so
expect_fail "Mann-Whitney: nothing to draw, and why" 1 "no comparison has an interval to draw .*the rank test's effect is rank_biserial" \
    -c "plot ci experiment variant=variant metric=revenue test=mannwhitney alpha=0.1"
same_numbers "numbers: three arms by country with BH (undrawn ones left out)" \
    exp3 variant=variant metric=converted by=country correction=bh
same_numbers "numbers: three arms by country, absolute" exp3 variant=variant metric=converted by=country lift=absolute
expect_ok "segment mobile" -c "segment define mobile where device = 'mobile' from experiment"
expect_ok "segment handheld" -c "segment define handheld where device = 'mobile' or device = 'tablet' from experiment"
same_numbers "numbers: by saved segments with Holm" experiment variant=variant metric=converted by=segment correction=holm
same_numbers "numbers: by=segment:NAME, revenue" experiment variant=variant metric=revenue by=segment:mobile lift=absolute
expect_ok "plot ci by=segment as text" \
    -c "plot ci experiment variant=variant metric=converted by=segment:mobile,handheld width=100 height=25"
expect_match "text: a segment's label" "handheld: treatment vs control" "$OUT"
expect_fail "plot ci: an unknown segment" 1 "^-c:1: error: plot ci: no segment named 'mobil'" \
    -c "plot ci experiment variant=variant metric=converted by=segment:mobil"
same_numbers "numbers: a significant loss" experiment variant=variant metric=converted control=treatment by=device
expect_match "a significant loss is drawn in its own colour" "^plot \\\$below using .* lc rgb '#e15759'" \
    "$(grep '^plot ' "$WORK/script.gp")"
expect_match "the line at 0" "^set arrow from first 0, graph 0 to first 0, graph 1 nohead" "$(cat "$WORK/script.gp")"

# ---- bad input: a clear message, exit 1, nothing changed ----
STATE=$(ws_state)
expect_fail "no such column" 1 \
    "^-c:1: error: plot ci: metric=convert: no column 'convert' in experiment \(did you mean 'converted'\?\)$" \
    -c "plot ci experiment variant=variant metric=convert"
expect_fail "no such by= column" 1 "^-c:1: error: plot ci: by=devise: no column 'devise' in experiment \(did you mean 'device'\?\)$" \
    -c "plot ci experiment variant=variant metric=converted by=devise"
expect_fail "no control of that name" 1 \
    "^-c:1: error: plot ci: control=A: no variant of that name \(variants: control, treatment\)$" \
    -c "plot ci experiment variant=variant metric=converted control=A"
expect_fail "a control and nothing to compare it with" 1 \
    "^-c:1: error: plot ci: variant=variant has 1 variant; an experiment needs a control and at least one variant$" \
    -c "plot ci control_only variant=variant metric=converted"
expect_fail "variant= missing" 1 "^-c:1: error: plot ci: variant= is required: the column naming each row's variant; usage: plot ci TABLE" \
    -c "plot ci experiment metric=converted"
expect_fail "no table" 1 "^-c:1: error: plot ci: usage: plot ci TABLE variant=COL metric=COL" -c "plot ci"
expect_fail "no such table" 1 "^-c:1: error: plot ci: no table named 'experiments' \(did you mean 'experiment'\?\)$" \
    -c "plot ci experiments variant=variant metric=converted"
expect_fail "lift= neither" 1 "^-c:1: error: plot ci: lift=both: expected relative or absolute$" \
    -c "plot ci experiment variant=variant metric=converted lift=both"
expect_fail "alpha= out of range" 1 "^-c:1: error: plot ci: alpha=2: expected a number between 0 and 1$" \
    -c "plot ci experiment variant=variant metric=converted alpha=2"
expect_fail "nothing to draw" 1 \
    "^-c:1: error: plot ci: no comparison has an interval to draw \(treatment vs control: not enough data: [a-z]+ has [0-9]+ units \(30 needed\)\)$" \
    -c "plot ci tiny variant=variant metric=converted out=$WORK/tiny.png"
expect_eq "nothing to draw: no file" "no" "$([ -e "$WORK/tiny.png" ] && echo yes || echo no)"
expect_fail "a bad file name" 1 "^-c:1: error: plot: out=x.jpg: expected a file name ending in .png or .svg$" \
    -c "plot ci experiment variant=variant metric=converted out=x.jpg"
unchanged "bad input leaves the workspace as it was" "$STATE"
expect_eq "no temporary files left after failures" "" "$(ls "$WORK" | grep '\.tmp' || true)"
