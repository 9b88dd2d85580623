# bench/gen-customers.awk — a deterministic customer CSV of N rows and 10 columns
# (ids, names, email, country, dates, integers, reals, a consent flag) for the load
# benchmark:  awk -v n=1000000 -f bench/gen-customers.awk > customers-1m.csv
BEGIN {
    srand(42)
    split("Anna José Zoë Liam Noah Emma Mia Lucas Ahmed Yuki Olga Marta Pierre Sofía Chen", first, " ")
    split("Müller Smith García Rossi Dubois Novak Kowalski Tanaka O'Neil Johnson Silva Nguyen", last, " ")
    split("US GB DE FR ES CA IT NL SE JP", country, " ")
    print "customer_id,first_name,last_name,email,country,signup_date,birth_year,orders,lifetime_value,consent"
    for (i = 1; i <= n; i++) {
        f = first[int(rand() * 15) + 1]; l = last[int(rand() * 12) + 1]
        name = (index(l, "'") ? "\"" l "\"" : l)
        printf "C%07d,%s,%s,%s.%s%d@example.com,%s,20%02d-%02d-%02d,%d,%d,%.2f,%s\n",
            i, f, name, tolower(f), tolower(l), i, country[int(rand() * 10) + 1],
            15 + int(rand() * 10), 1 + int(rand() * 12), 1 + int(rand() * 28),
            1940 + int(rand() * 65), int(rand() * 40), rand() * 5000, (rand() < 0.6 ? "yes" : "no")
    }
}
