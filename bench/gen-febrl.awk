# bench/gen-febrl.awk — N FEBRL-like person records (rec-K-org, and rec-K-dup-J
# copies with typos, swapped or missing fields) for the dedupe benchmark:
#   awk -v n=100000 -f bench/gen-febrl.awk > febrl-100k.csv
# About 20% of the originals get one to three duplicates, as in FEBRL's datasets.
BEGIN {
    srand(7)
    split("james john robert michael william david richard joseph thomas charles mary patricia jennifer linda elizabeth barbara susan jessica sarah karen emily chloe olivia isabella mia ava jack lachlan oliver noah liam ethan joshua lucas harrison cooper", given, " ")
    split("smith jones williams brown wilson taylor johnson white martin anderson thompson nguyen thomas walker harris lee ryan robinson kelly king davis wright evans roberts green hall wood jackson clarke patel khan lewis james phillips mccarthy oconnor campbell stewart", sur, " ")
    split("street road avenue place crescent close drive parade circuit way", kind, " ")
    split("wallaby kangaroo banksia acacia river hill park ocean beach station church victoria george king queen elizabeth", street, " ")
    split("cleveland marsden milton richmond carlton fitzroy brunswick newtown glebe manly bondi coogee toowong kenmore ascot hawthorn", suburb, " ")
    split("nsw vic qld sa wa tas act nt", state, " ")
    print "rec_id,given_name,surname,street_number,address_1,suburb,postcode,state,date_of_birth,soc_sec_id"
    orig = int(n / 1.35); made = 0
    for (k = 0; k < orig && made < n; k++) {
        g = given[int(rand() * 40) + 1]; s = sur[int(rand() * 40) + 1]
        num = int(rand() * 300) + 1; addr = street[int(rand() * 17) + 1] " " kind[int(rand() * 10) + 1]
        sub_ = suburb[int(rand() * 16) + 1]; pc = 2000 + int(rand() * 5000); st = state[int(rand() * 8) + 1]
        dob = sprintf("19%02d%02d%02d", 20 + int(rand() * 80), 1 + int(rand() * 12), 1 + int(rand() * 28))
        ssn = 1000000 + int(rand() * 8999999)
        printf "rec-%d-org,%s,%s,%d,%s,%s,%d,%s,%s,%d\n", k, g, s, num, addr, sub_, pc, st, dob, ssn; made++
        if (rand() < 0.2) {
            dups = 1 + int(rand() * 3)
            for (j = 0; j < dups && made < n; j++) {
                printf "rec-%d-dup-%d,%s,%s,%s,%s,%s,%d,%s,%s,%d\n", k, j, typo(g), typo(typo(s)),
                    (rand() < 0.1 ? "" : num), typo(addr), sub_, pc, st, (rand() < 0.1 ? swapdm(dob) : dob), (rand() < 0.3 ? ssn + 1 + int(rand() * 9) : ssn); made++
            }
        }
    }
}
# one edit in half the cases: a dropped, doubled or swapped letter
function typo(w,   i, r) {
    if (rand() < 0.5 || length(w) < 3) return w
    i = 2 + int(rand() * (length(w) - 2)); r = rand()
    if (r < 0.33) return substr(w, 1, i - 1) substr(w, i + 1)
    if (r < 0.66) return substr(w, 1, i) substr(w, i)
    return substr(w, 1, i - 2) substr(w, i, 1) substr(w, i - 1, 1) substr(w, i + 1)
}
function swapdm(d) { return substr(d, 1, 4) substr(d, 7, 2) substr(d, 5, 2) }
