/*
 * generate.c: the deterministic generator of Persona's sample data.
 *
 * Run from samples/ (the Makefile does `cd samples && ../build/generate`); it writes
 *
 *   customers.csv        ~5,000 CRM rows with the mess of a real export, ~5% of them
 *                        planted duplicates of another row's person
 *   customers_truth.csv  customer_id -> person_id: the answer key for scoring dedupe
 *   orders.csv           ~60,000 orders, 2024-01-01 .. 2025-12-31, with refunds
 *   events.csv           ~200,000 web and app events of Q4 2025, funnel-shaped
 *   experiment.csv       ~20,000 users of an A/B test, with a pre-period covariate
 *
 * Why it is built this way:
 *
 * - The files are committed and golden tests read them, so the bytes must be the same
 *   on every machine. Hence our own PRNG (xoshiro256** seeded by splitmix64; rand()
 *   differs between libcs), our own exp() and log() made of + - * / only (libms
 *   disagree in the last bit, and one bit can move a rounded cent), no fused
 *   multiply-add (gcc's -std=c17 turns contraction off; clang needs the pragma below),
 *   money in integer minor units, and sorts whose comparators never return 0 for two
 *   different elements (qsort is not stable and libcs order ties differently). Two
 *   draws never share an unsequenced expression (function arguments, initializer
 *   lists, `a() + b()`): gcc and clang evaluate those in different orders. No
 *   time(), no setlocale(): printf in the "C" locale prints the same digits everywhere.
 *   This assumes IEEE-754 doubles evaluated in double precision (FLT_EVAL_METHOD 0,
 *   as on x86-64 and arm64); an x87-only build may differ in rare last-cent cases.
 * - Every file draws from its own named RNG stream, so changing how orders are drawn
 *   does not reshuffle customers, and the experiment does not depend on either.
 * - The mess is the product's reason to exist: each kind of dirt below is something
 *   `load`, `normalize`, `validate`, `impute`, `dedupe` or `outliers` must cope with,
 *   and it is correlated the way real dirt is (the legacy CRM writes "March 16, 2021"
 *   and "granted"; the German shop tills write 14.03.2021; a planted duplicate is the
 *   same person signing up again in another channel).
 * - All people are fictional: names are drawn independently per field, a short list
 *   of famous combinations is refused, US and Canadian numbers are in 555-0100..0199
 *   and UK numbers in Ofcom's drama ranges, which are never assigned to anyone.
 */
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef __clang__
#pragma STDC FP_CONTRACT OFF
#endif

#if defined(__GNUC__)
#define PRINTF_LIKE(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define PRINTF_LIKE(fmt, args)
#endif

#define COUNT(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* ------------------------------------------------------------------------------ */
/* Sizes and fixed dates                                                          */
/* ------------------------------------------------------------------------------ */

#define MASTER_SEED 0x50455253304E41ULL /* "PERS0NA": change it and every file changes */

enum {
	N_PERSONS = 4750,      /* distinct people behind customers.csv */
	N_DUP_PERSONS = 240,   /* people who got a second customer row ... */
	N_TRIPLE_PERSONS = 10, /* ... of whom these got a third: 250 extra rows, 5,000 in all */
	N_HOUSEHOLDS = 45,     /* partners sharing surname, address and landline: not duplicates */
	TARGET_ORDERS = 59400, /* orders before refund rows are added (~1% more) */
	TARGET_EVENTS = 200000,
	N_EXPERIMENT_USERS = 20000,
	MAX_ORDERS_PER_PERSON = 450,
	PRODUCTS_PER_CATEGORY = 400,
};

/* Days since 1970-01-01 are filled in by main() from the calendar functions below. */
static int day_2019_01_01, day_legacy_migration, day_2024_01_01, day_2025_12_31,
	day_events_start, day_experiment_start, day_experiment_end;
/* The CRM export was taken at the end of 2025: ages are as of this day. */
#define EXPORT_Y 2025
#define EXPORT_M 12
#define EXPORT_D 31

/* ------------------------------------------------------------------------------ */
/* Errors and memory                                                              */
/* ------------------------------------------------------------------------------ */

static _Noreturn PRINTF_LIKE(1, 2) void fatal(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("generate: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(1);
}

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);
	if (!p)
		fatal("out of memory (%zu x %zu bytes)", n, size);
	return p;
}

/* Formats into a fixed buffer; a field that does not fit is a bug in the tables. */
static PRINTF_LIKE(3, 4) void sfmt(char *dst, size_t cap, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(dst, cap, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= cap)
		fatal("internal: field longer than %zu bytes (format \"%s\")", cap, fmt);
}

static PRINTF_LIKE(3, 4) void sappend(char *dst, size_t cap, const char *fmt, ...)
{
	size_t len = strlen(dst);
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(dst + len, cap - len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= cap - len)
		fatal("internal: field longer than %zu bytes (format \"%s\")", cap, fmt);
}

/* ------------------------------------------------------------------------------ */
/* Random numbers: xoshiro256** with named streams                                */
/* ------------------------------------------------------------------------------ */

typedef struct {
	uint64_t s[4];
} rng;

static uint64_t splitmix64(uint64_t *state)
{
	uint64_t z = (*state += 0x9E3779B97F4A7C15ULL);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

static uint64_t rotl64(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static uint64_t rng_next(rng *r)
{
	uint64_t *s = r->s;
	uint64_t result = rotl64(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl64(s[3], 45);
	return result;
}

/* A stream per purpose: the seed is the master seed mixed with the FNV-1a of the name. */
static rng rng_stream(const char *name)
{
	uint64_t h = 0xCBF29CE484222325ULL;
	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		h = (h ^ *p) * 0x100000001B3ULL;
	uint64_t state = MASTER_SEED ^ h;
	rng r;
	for (int i = 0; i < 4; i++)
		r.s[i] = splitmix64(&state);
	return r;
}

/* Uniform in [0, n) without modulo bias. */
static uint64_t rng_below(rng *r, uint64_t n)
{
	uint64_t threshold = (0 - n) % n;
	for (;;) {
		uint64_t x = rng_next(r);
		if (x >= threshold)
			return x % n;
	}
}

static int rng_int(rng *r, int lo, int hi)
{
	return lo + (int)rng_below(r, (uint64_t)(hi - lo + 1));
}

/* Uniform in [0, 1) with 53 random bits. */
static double rng_unit(rng *r)
{
	return (double)(rng_next(r) >> 11) * 0x1.0p-53;
}

static bool rng_chance(rng *r, double p)
{
	return rng_unit(r) < p;
}

/* 1 + the number of successes before the first failure, capped: counts of items, views. */
static int rng_geometric(rng *r, double p_more, int cap)
{
	int n = 1;
	while (n < cap && rng_chance(r, p_more))
		n++;
	return n;
}

/*
 * Weighted choice over a table of structs that each have an `int weight` member:
 * PICK(r, table, n) returns the index. Tables stay readable as data this way.
 */
static int pick_weighted(rng *r, const int *first_weight, int n, size_t stride)
{
	long total = 0;
	for (int i = 0; i < n; i++)
		total += *(const int *)((const char *)first_weight + (size_t)i * stride);
	if (total <= 0)
		fatal("internal: weighted table with no weight");
	long x = (long)rng_below(r, (uint64_t)total);
	for (int i = 0; i < n; i++) {
		x -= *(const int *)((const char *)first_weight + (size_t)i * stride);
		if (x < 0)
			return i;
	}
	return n - 1;
}
#define PICK(r, table, n) pick_weighted((r), &(table)[0].weight, (n), sizeof (table)[0])

static int pick_int_weights(rng *r, const int *weights, int n)
{
	return pick_weighted(r, weights, n, sizeof weights[0]);
}

/* ------------------------------------------------------------------------------ */
/* exp and log from + - * / only, so every libm gives the same bits               */
/* ------------------------------------------------------------------------------ */

static double det_exp(double x)
{
	if (x < -700.0)
		return 0.0;
	if (x > 700.0)
		fatal("internal: det_exp(%g) overflows", x);
	/* x = k ln2 + r with |r| <= ln2/2; ldexp is exact, so it is deterministic too. */
	const double ln2_hi = 6.93147180369123816490e-01, ln2_lo = 1.90821492927058770002e-10;
	double kf = x * 1.44269504088896338700;
	int k = (int)(kf < 0 ? kf - 0.5 : kf + 0.5);
	double rr = (x - k * ln2_hi) - k * ln2_lo;
	/* Taylor series to r^13: the next term is below 1e-17 for |r| <= 0.347. */
	double p = 1.0 / 6227020800.0;
	static const double inv_fact[] = {1.0 / 479001600.0, 1.0 / 39916800.0,
		1.0 / 3628800.0, 1.0 / 362880.0, 1.0 / 40320.0, 1.0 / 5040.0, 1.0 / 720.0,
		1.0 / 120.0, 1.0 / 24.0, 1.0 / 6.0, 1.0 / 2.0, 1.0, 1.0};
	for (int i = 0; i < COUNT(inv_fact); i++)
		p = p * rr + inv_fact[i];
	return ldexp(p, k);
}

static double det_log(double x)
{
	if (!(x > 0.0))
		fatal("internal: det_log(%g)", x);
	int e;
	double m = frexp(x, &e); /* exact: x = m 2^e, m in [0.5, 1) */
	if (m < 0.70710678118654752440) {
		m *= 2.0;
		e -= 1;
	}
	/* log m = 2 atanh(s) with s = (m-1)/(m+1), |s| <= 0.172: a short odd series. */
	double f = m - 1.0, s = f / (2.0 + f), s2 = s * s, t = 0.0;
	for (int k = 25; k >= 1; k -= 2)
		t = t * s2 + 1.0 / k;
	return e * 0.69314718055994530942 + 2.0 * s * t;
}

/* Standard normal by Marsaglia's polar method (sqrt is exact-rounded IEEE). */
static double rng_normal(rng *r)
{
	for (;;) {
		double u = 2.0 * rng_unit(r) - 1.0, v = 2.0 * rng_unit(r) - 1.0;
		double s = u * u + v * v;
		if (s > 0.0 && s < 1.0)
			return u * sqrt(-2.0 * det_log(s) / s);
	}
}

static double rng_lognormal(rng *r, double median, double sigma)
{
	return median * det_exp(sigma * rng_normal(r));
}

static double logistic(double x)
{
	return 1.0 / (1.0 + det_exp(-x));
}

/* ------------------------------------------------------------------------------ */
/* Calendar: proleptic Gregorian days since 1970-01-01 (Howard Hinnant's algorithm) */
/* ------------------------------------------------------------------------------ */

static int days_from_civil(int y, int m, int d)
{
	y -= m <= 2;
	int era = (y >= 0 ? y : y - 399) / 400;
	int yoe = y - era * 400;
	int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void civil_from_days(int z, int *y, int *m, int *d)
{
	z += 719468;
	int era = (z >= 0 ? z : z - 146096) / 146097;
	int doe = z - era * 146097;
	int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp + (mp < 10 ? 3 : -9);
	*y = yoe + era * 400 + (*m <= 2);
}

/* 0 = Sunday. 1970-01-01 was a Thursday. */
static int weekday(int day)
{
	int w = (day + 4) % 7;
	return w < 0 ? w + 7 : w;
}

/* Age in whole years on the export day, from a written y-m-d (which may be invalid). */
static int age_on_export(int y, int m, int d)
{
	int age = EXPORT_Y - y;
	if (EXPORT_M < m || (EXPORT_M == m && EXPORT_D < d))
		age--;
	return age;
}

static const char *const month_names[12] = {"January", "February", "March", "April",
	"May", "June", "July", "August", "September", "October", "November", "December"};

/* The date spellings the different source systems use. */
typedef enum {
	DF_ISO,       /* 2021-03-14: web sign-up form, and what normalize should produce */
	DF_US,        /* 03/14/2021: US and Canadian store tills */
	DF_DE,        /* 14.03.2021: German store tills */
	DF_LONG,      /* March 14, 2021: the legacy CRM's report writer */
	DF_SLASH_YMD, /* 2021/03/14: the mobile app's backend */
} date_format;

static void format_ymd(char *out, size_t cap, int y, int m, int d, date_format f)
{
	switch (f) {
	case DF_ISO: sfmt(out, cap, "%04d-%02d-%02d", y, m, d); break;
	case DF_US: sfmt(out, cap, "%02d/%02d/%04d", m, d, y); break;
	case DF_DE: sfmt(out, cap, "%02d.%02d.%04d", d, m, y); break;
	case DF_LONG: sfmt(out, cap, "%s %d, %04d", month_names[m - 1], d, y); break;
	case DF_SLASH_YMD: sfmt(out, cap, "%04d/%02d/%02d", y, m, d); break;
	}
}

static void format_day(char *out, size_t cap, int day, date_format f)
{
	int y, m, d;
	civil_from_days(day, &y, &m, &d);
	format_ymd(out, cap, y, m, d, f);
}

/* Seconds since 1970-01-01 00:00:00 (local time of the shop; no zones in the exports). */
static void format_timestamp(char *out, size_t cap, int64_t ts)
{
	int day = (int)(ts / 86400), sec = (int)(ts % 86400);
	int y, m, d;
	civil_from_days(day, &y, &m, &d);
	sfmt(out, cap, "%04d-%02d-%02d %02d:%02d:%02d", y, m, d, sec / 3600, sec / 60 % 60,
		sec % 60);
}

/* Thanksgiving is the fourth Thursday of November; Black Friday and Cyber Monday follow. */
static int thanksgiving(int year)
{
	int nov1 = days_from_civil(year, 11, 1);
	return nov1 + (4 - weekday(nov1) + 7) % 7 + 21;
}

/*
 * Relative order volume of a day in 2024-2025: a growing shop, quiet Januaries, busy
 * Novembers and Decembers, Black Friday and Cyber Monday peaks, a dead Christmas Day,
 * and a little more shopping on Sundays and Mondays.
 */
static double shopping_day_weight(int day)
{
	static const double month_factor[12] = {0.82, 0.80, 0.90, 0.92, 0.95, 0.93, 1.00,
		0.92, 0.95, 1.02, 1.25, 1.40};
	static const double weekday_factor[7] = {1.08, 1.05, 0.97, 0.97, 0.98, 0.95, 1.00};
	int y, m, d;
	civil_from_days(day, &y, &m, &d);
	double w = (1.0 + 0.12 * (day - day_2024_01_01) / 730.0) * month_factor[m - 1] *
		weekday_factor[weekday(day)];
	int tg = thanksgiving(y);
	if (day == tg + 1)
		w *= 2.6; /* Black Friday */
	else if (day == tg + 4)
		w *= 2.0; /* Cyber Monday */
	else if (day > tg + 1 && day < tg + 4)
		w *= 1.4; /* the weekend between */
	if (m == 12 && d >= 10 && d <= 20)
		w *= 1.15; /* last shipping days before Christmas */
	if (m == 12 && d == 24)
		w *= 0.6;
	if (m == 12 && d == 25)
		w *= 0.35;
	if (m == 1 && d == 1)
		w *= 0.5;
	return w;
}

/* Sign-ups 2019-2025: about 15% more each year than the year before. */
static double signup_day_weight(int day)
{
	int y, m, d;
	civil_from_days(day, &y, &m, &d);
	double w = det_exp(0.14 * (day - day_2019_01_01) / 365.25);
	return (m >= 11) ? 1.3 * w : w;
}

/* Draws days from [lo, hi] in proportion to a weight, by rejection. */
typedef struct {
	int lo, hi;
	double (*weight)(int day);
	double wmax;
} day_sampler;

static day_sampler day_sampler_make(int lo, int hi, double (*weight)(int))
{
	day_sampler s = {lo, hi, weight, 0.0};
	for (int day = lo; day <= hi; day++)
		if (weight(day) > s.wmax)
			s.wmax = weight(day);
	return s;
}

static int day_sample(rng *r, const day_sampler *s)
{
	for (;;) {
		int day = rng_int(r, s->lo, s->hi);
		if (rng_unit(r) * s->wmax < s->weight(day))
			return day;
	}
}

/* Hour-of-day weights: online shopping peaks in the evening, tills keep shop hours. */
static const int hour_weight_online[24] = {15, 9, 5, 3, 3, 5, 12, 22, 30, 36, 40, 42, 48,
	46, 43, 42, 43, 46, 50, 56, 62, 60, 45, 28};
static const int hour_weight_store[24] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 20, 35, 45, 60, 58,
	45, 42, 48, 60, 62, 45, 25, 0, 0, 0};

static int64_t timestamp_in_day(rng *r, int day, const int *hour_weights)
{
	int hour = pick_int_weights(r, hour_weights, 24);
	return (int64_t)day * 86400 + hour * 3600 + rng_int(r, 0, 3599);
}

/* ------------------------------------------------------------------------------ */
/* UTF-8 and names: typos must move letters, not bytes                            */
/* ------------------------------------------------------------------------------ */

enum { MAX_CODEPOINTS = 128 };

/* Decodes our own tables' UTF-8 (always valid) into code points; returns the count. */
static int utf8_decode(const char *s, uint32_t *cp, int cap)
{
	int n = 0;
	const unsigned char *p = (const unsigned char *)s;
	while (*p && n < cap) {
		uint32_t c = *p;
		int extra = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : 0;
		if (extra)
			c &= 0x3Fu >> extra;
		p++;
		for (int i = 0; i < extra && (*p & 0xC0) == 0x80; i++)
			c = (c << 6) | (*p++ & 0x3Fu);
		cp[n++] = c;
	}
	return n;
}

static void utf8_encode(const uint32_t *cp, int n, char *out, size_t cap)
{
	size_t len = 0;
	for (int i = 0; i < n; i++) {
		unsigned char buf[4];
		int k;
		uint32_t c = cp[i];
		if (c < 0x80) {
			buf[0] = (unsigned char)c;
			k = 1;
		} else if (c < 0x800) {
			buf[0] = (unsigned char)(0xC0 | (c >> 6));
			buf[1] = (unsigned char)(0x80 | (c & 0x3F));
			k = 2;
		} else if (c < 0x10000) {
			buf[0] = (unsigned char)(0xE0 | (c >> 12));
			buf[1] = (unsigned char)(0x80 | ((c >> 6) & 0x3F));
			buf[2] = (unsigned char)(0x80 | (c & 0x3F));
			k = 3;
		} else {
			buf[0] = (unsigned char)(0xF0 | (c >> 18));
			buf[1] = (unsigned char)(0x80 | ((c >> 12) & 0x3F));
			buf[2] = (unsigned char)(0x80 | ((c >> 6) & 0x3F));
			buf[3] = (unsigned char)(0x80 | (c & 0x3F));
			k = 4;
		}
		if (len + (size_t)k + 1 > cap)
			fatal("internal: name longer than %zu bytes", cap);
		memcpy(out + len, buf, (size_t)k);
		len += (size_t)k;
	}
	out[len] = '\0';
}

/*
 * Case mapping for the scripts our names use: ASCII, Latin-1, Latin Extended-A (Polish,
 * Turkish, Nordic letters) and the Vietnamese letters. Unicode's default mapping,
 * not Turkish locale rules: ı upper-cases to I, as a CRM built on a C library would.
 */
static uint32_t cp_upper(uint32_t c)
{
	if (c >= 'a' && c <= 'z')
		return c - 32;
	if (c >= 0xE0 && c <= 0xFE && c != 0xF7)
		return c - 32;
	if (c == 0xFF)
		return 0x178;
	if (c == 0x131)
		return 'I';
	if ((c >= 0x100 && c <= 0x137) || (c >= 0x14A && c <= 0x177))
		return c & ~1u;
	if ((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E))
		return (c & 1u) ? c : c - 1;
	if (c == 0x1A1 || c == 0x1B0)
		return c - 1;
	if (c >= 0x1EA0 && c <= 0x1EF9)
		return c & ~1u;
	return c;
}

static uint32_t cp_lower(uint32_t c)
{
	if (c >= 'A' && c <= 'Z')
		return c + 32;
	if (c >= 0xC0 && c <= 0xDE && c != 0xD7)
		return c + 32;
	if (c == 0x178)
		return 0xFF;
	if (c == 0x130)
		return 'i';
	if ((c >= 0x100 && c <= 0x137) || (c >= 0x14A && c <= 0x177))
		return c | 1u;
	if ((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E))
		return (c & 1u) ? c + 1 : c;
	if (c == 0x1A0 || c == 0x1AF)
		return c + 1;
	if (c >= 0x1EA0 && c <= 0x1EF9)
		return c | 1u;
	return c;
}

static bool cp_is_letter(uint32_t c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		(c >= 0xC0 && c != 0xD7 && c != 0xF7);
}

typedef enum { CASE_UPPER, CASE_LOWER } case_style;

static void utf8_recase(char *s, size_t cap, case_style style)
{
	uint32_t cp[MAX_CODEPOINTS];
	int n = utf8_decode(s, cp, MAX_CODEPOINTS);
	for (int i = 0; i < n; i++)
		cp[i] = style == CASE_UPPER ? cp_upper(cp[i]) : cp_lower(cp[i]);
	utf8_encode(cp, n, s, cap);
}

static bool is_ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x80)
			return false;
	return true;
}

/* The typing mistakes of a second sign-up: two letters swapped, one dropped, one doubled. */
typedef enum { TYPO_SWAP, TYPO_DROP, TYPO_DOUBLE } typo_kind;

/* Returns false when the name is too short or has no suitable letters to misspell. */
static bool utf8_typo(rng *r, char *s, size_t cap, typo_kind kind)
{
	uint32_t cp[MAX_CODEPOINTS + 1];
	int n = utf8_decode(s, cp, MAX_CODEPOINTS);
	if (n < 4)
		return false;
	/* Never the first letter: people rarely mistype the start of a name. */
	for (int attempt = 0; attempt < 12; attempt++) {
		int i = rng_int(r, 1, n - 2);
		if (!cp_is_letter(cp[i]))
			continue;
		switch (kind) {
		case TYPO_SWAP:
			if (!cp_is_letter(cp[i + 1]) || cp[i] == cp[i + 1])
				continue;
			uint32_t t = cp[i];
			cp[i] = cp[i + 1];
			cp[i + 1] = t;
			break;
		case TYPO_DROP:
			memmove(cp + i, cp + i + 1, (size_t)(n - i - 1) * sizeof cp[0]);
			n--;
			break;
		case TYPO_DOUBLE:
			memmove(cp + i + 1, cp + i, (size_t)(n - i) * sizeof cp[0]);
			n++;
			break;
		}
		utf8_encode(cp, n, s, cap);
		return true;
	}
	return false;
}

/* Lower-case ASCII letters and digits of a romanized name, for e-mail addresses. */
static void email_token(const char *ascii, char *out, size_t cap, bool keep_hyphen)
{
	size_t len = 0;
	for (const char *p = ascii; *p && len + 1 < cap; p++) {
		char c = *p;
		if (c >= 'A' && c <= 'Z')
			out[len++] = (char)(c + 32);
		else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
			out[len++] = c;
		else if (c == '-' && keep_hyphen)
			out[len++] = c;
	}
	out[len] = '\0';
}

/* ------------------------------------------------------------------------------ */
/* A set of strings, to keep e-mail addresses and phone numbers unique             */
/* ------------------------------------------------------------------------------ */

typedef struct {
	char **slots;
	size_t cap, n;
} strset;

static uint64_t fnv1a(const char *s)
{
	uint64_t h = 0xCBF29CE484222325ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001B3ULL;
	return h;
}

static void strset_grow(strset *set)
{
	size_t old_cap = set->cap;
	char **old = set->slots;
	set->cap = old_cap ? old_cap * 2 : 1024;
	set->slots = xcalloc(set->cap, sizeof *set->slots);
	set->n = 0;
	for (size_t i = 0; i < old_cap; i++) {
		if (!old[i])
			continue;
		size_t j = fnv1a(old[i]) & (set->cap - 1);
		while (set->slots[j])
			j = (j + 1) & (set->cap - 1);
		set->slots[j] = old[i];
		set->n++;
	}
	free(old);
}

/* Adds a copy of key; returns false if it was already there. */
static bool strset_add(strset *set, const char *key)
{
	if (2 * (set->n + 1) > set->cap)
		strset_grow(set);
	size_t j = fnv1a(key) & (set->cap - 1);
	while (set->slots[j]) {
		if (strcmp(set->slots[j], key) == 0)
			return false;
		j = (j + 1) & (set->cap - 1);
	}
	size_t len = strlen(key) + 1;
	set->slots[j] = memcpy(xcalloc(len, 1), key, len);
	set->n++;
	return true;
}

static void strset_free(strset *set)
{
	for (size_t i = 0; i < set->cap; i++)
		free(set->slots[i]);
	free(set->slots);
	*set = (strset){0};
}

/* ------------------------------------------------------------------------------ */
/* CSV output: RFC 4180, UTF-8, LF, written to a temporary file and renamed       */
/* ------------------------------------------------------------------------------ */

typedef struct {
	FILE *f;
	char path[128], tmp[140];
	int column;
	long rows;
} csv_writer;

static void csv_open(csv_writer *w, const char *path, const char *const *header, int n)
{
	*w = (csv_writer){0};
	sfmt(w->path, sizeof w->path, "%s", path);
	sfmt(w->tmp, sizeof w->tmp, "%s.tmp", path);
	/* "wb": LF line ends on every platform, as the golden files expect. */
	w->f = fopen(w->tmp, "wb");
	if (!w->f)
		fatal("cannot create %s", w->tmp);
	for (int i = 0; i < n; i++) {
		if (i)
			fputc(',', w->f);
		fputs(header[i], w->f);
	}
	fputc('\n', w->f);
}

/*
 * Quotes what RFC 4180 requires (comma, quote, CR, LF) and also leading or trailing
 * blanks: the spaces around " anna@web.de " are planted dirt that must survive a
 * reader that trims unquoted fields.
 */
static void csv_field(csv_writer *w, const char *s)
{
	if (w->column++)
		fputc(',', w->f);
	size_t len = strlen(s);
	bool quote = strpbrk(s, ",\"\r\n") != NULL ||
		(len && (s[0] == ' ' || s[0] == '\t' || s[len - 1] == ' ' || s[len - 1] == '\t'));
	if (!quote) {
		fputs(s, w->f);
		return;
	}
	fputc('"', w->f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', w->f);
		fputc(*s, w->f);
	}
	fputc('"', w->f);
}

static PRINTF_LIKE(2, 3) void csv_fieldf(csv_writer *w, const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof buf)
		fatal("internal: CSV field too long");
	csv_field(w, buf);
}

static void csv_end_row(csv_writer *w)
{
	fputc('\n', w->f);
	w->column = 0;
	w->rows++;
}

static long csv_close(csv_writer *w)
{
	if (fflush(w->f) != 0 || ferror(w->f) || fclose(w->f) != 0)
		fatal("write error on %s", w->tmp);
	if (rename(w->tmp, w->path) != 0)
		fatal("cannot rename %s to %s", w->tmp, w->path);
	return w->rows;
}

/* Money in minor units (cents; whole yen times 100): "-12.50", "1980.00". */
static void format_money(char *out, size_t cap, int64_t minor)
{
	int64_t a = minor < 0 ? -minor : minor;
	sfmt(out, cap, "%s%lld.%02lld", minor < 0 ? "-" : "", (long long)(a / 100),
		(long long)(a % 100));
}

/* Rounds half away from zero: the same on every machine for the same double. */
static int64_t round_to_int64(double x)
{
	return (int64_t)(x < 0 ? x - 0.5 : x + 0.5);
}

/* ------------------------------------------------------------------------------ */
/* Reference tables: names                                                        */
/* ------------------------------------------------------------------------------ */

/*
 * `ascii` is how the name is written without diacritics (Müller -> Mueller, as
 * Germans transliterate) or, for names in Chinese, Japanese or Korean script, its
 * romanization. NULL means the name is plain ASCII already. E-mail addresses are
 * built from it, and a duplicate row may use it where the original had the accents.
 */
typedef struct {
	const char *name, *ascii;
	char sex; /* 'F' or 'M' */
} given_name;

typedef struct {
	const char *name, *ascii;
} family_name;

static const given_name anglo_given[] = {
	{"Mary", 0, 'F'}, {"Jennifer", 0, 'F'}, {"Elizabeth", 0, 'F'}, {"Sarah", 0, 'F'},
	{"Jessica", 0, 'F'}, {"Emily", 0, 'F'}, {"Emma", 0, 'F'}, {"Olivia", 0, 'F'},
	{"Sophie", 0, 'F'}, {"Charlotte", 0, 'F'}, {"Hannah", 0, 'F'}, {"Rebecca", 0, 'F'},
	{"Katherine", 0, 'F'}, {"Margaret", 0, 'F'}, {"Susan", 0, 'F'}, {"Linda", 0, 'F'},
	{"Patricia", 0, 'F'}, {"Amanda", 0, 'F'}, {"Megan", 0, 'F'}, {"Lauren", 0, 'F'},
	{"Rachel", 0, 'F'}, {"Samantha", 0, 'F'}, {"Victoria", 0, 'F'}, {"Abigail", 0, 'F'},
	{"Grace", 0, 'F'}, {"Zoë", "Zoe", 'F'}, {"Chloe", 0, 'F'}, {"Amelia", 0, 'F'},
	{"Lucy", 0, 'F'}, {"Deborah", 0, 'F'}, {"Karen", 0, 'F'}, {"Ashley", 0, 'F'},
	{"Madison", 0, 'F'}, {"Harper", 0, 'F'}, {"Ava", 0, 'F'}, {"Mary-Beth", 0, 'F'},
	{"Renée", "Renee", 'F'}, {"Brittany", 0, 'F'}, {"Ellie", 0, 'F'}, {"Naomi", 0, 'F'},
	{"James", 0, 'M'}, {"John", 0, 'M'}, {"Robert", 0, 'M'}, {"Michael", 0, 'M'},
	{"William", 0, 'M'}, {"David", 0, 'M'}, {"Richard", 0, 'M'}, {"Joseph", 0, 'M'},
	{"Thomas", 0, 'M'}, {"Christopher", 0, 'M'}, {"Daniel", 0, 'M'}, {"Matthew", 0, 'M'},
	{"Anthony", 0, 'M'}, {"Mark", 0, 'M'}, {"Steven", 0, 'M'}, {"Andrew", 0, 'M'},
	{"Joshua", 0, 'M'}, {"Benjamin", 0, 'M'}, {"Samuel", 0, 'M'}, {"Nicholas", 0, 'M'},
	{"Alexander", 0, 'M'}, {"Jonathan", 0, 'M'}, {"Timothy", 0, 'M'}, {"Edward", 0, 'M'},
	{"Oliver", 0, 'M'}, {"Harry", 0, 'M'}, {"George", 0, 'M'}, {"Jack", 0, 'M'},
	{"Ethan", 0, 'M'}, {"Noah", 0, 'M'}, {"Liam", 0, 'M'}, {"Tyler", 0, 'M'},
	{"Kevin", 0, 'M'}, {"Brian", 0, 'M'}, {"Gary", 0, 'M'}, {"Jason", 0, 'M'},
	{"Bob", 0, 'M'}, {"Zachary", 0, 'M'}, {"Nathan", 0, 'M'}, {"Aaron", 0, 'M'},
};

static const family_name anglo_family[] = {
	{"Smith", 0}, {"Johnson", 0}, {"Williams", 0}, {"Brown", 0}, {"Jones", 0},
	{"Miller", 0}, {"Davis", 0}, {"Wilson", 0}, {"Anderson", 0}, {"Taylor", 0},
	{"Moore", 0}, {"Jackson", 0}, {"Thompson", 0}, {"White", 0}, {"Harris", 0},
	{"Clark", 0}, {"Lewis", 0}, {"Robinson", 0}, {"Walker", 0}, {"Young", 0},
	{"Allen", 0}, {"King", 0}, {"Wright", 0}, {"Scott", 0}, {"Hill", 0}, {"Green", 0},
	{"Adams", 0}, {"Baker", 0}, {"Nelson", 0}, {"Carter", 0}, {"Mitchell", 0},
	{"Roberts", 0}, {"Turner", 0}, {"Phillips", 0}, {"Campbell", 0}, {"Parker", 0},
	{"Evans", 0}, {"Edwards", 0}, {"Collins", 0}, {"Stewart", 0}, {"Morris", 0},
	{"Cook", 0}, {"Rogers", 0}, {"Reed", 0}, {"Bell", 0}, {"Hughes", 0}, {"Price", 0},
	{"Wood", 0}, {"Barnes", 0}, {"Fisher", 0}, {"Henderson", 0}, {"Coleman", 0},
	{"Patterson", 0}, {"Jenkins", 0}, {"Cooper", 0}, {"Ward", 0}, {"Bennett", 0},
	{"Gray", 0}, {"Foster", 0}, {"Butler", 0}, {"Simmons", 0}, {"Hall", 0},
	{"Russell", 0}, {"Griffin", 0}, {"Hayes", 0}, {"Palmer", 0}, {"Fletcher", 0},
	{"Ashworth", 0}, {"Whitaker", 0}, {"Pemberton", 0},
};

static const given_name gaelic_given[] = {
	{"Siobhán", "Siobhan", 'F'}, {"Aoife", 0, 'F'}, {"Niamh", 0, 'F'},
	{"Róisín", "Roisin", 'F'}, {"Saoirse", 0, 'F'}, {"Caoimhe", 0, 'F'}, {"Fiona", 0, 'F'},
	{"Isla", 0, 'F'}, {"Mairead", 0, 'F'}, {"Eilidh", 0, 'F'}, {"Orla", 0, 'F'},
	{"Seán", "Sean", 'M'}, {"Ciarán", "Ciaran", 'M'}, {"Pádraig", "Padraig", 'M'},
	{"Eoin", 0, 'M'}, {"Oisín", "Oisin", 'M'}, {"Declan", 0, 'M'}, {"Ewan", 0, 'M'},
	{"Callum", 0, 'M'}, {"Conor", 0, 'M'}, {"Lachlan", 0, 'M'}, {"Fergus", 0, 'M'},
};

static const family_name gaelic_family[] = {
	{"O'Neil", 0}, {"O'Brien", 0}, {"O'Sullivan", 0}, {"O'Connor", 0}, {"O'Reilly", 0},
	{"McDonald", 0}, {"MacLeod", 0}, {"McCarthy", 0}, {"Murphy", 0}, {"Kelly", 0},
	{"Walsh", 0}, {"Byrne", 0}, {"Ryan", 0}, {"Doyle", 0}, {"Gallagher", 0},
	{"MacKenzie", 0}, {"McLaughlin", 0}, {"Ó Briain", "O Briain"}, {"Fitzgerald", 0},
	{"Kennedy", 0}, {"Quinn", 0}, {"McGregor", 0}, {"MacDonald", 0}, {"McKenna", 0},
	{"Ní Bhriain", "Ni Bhriain"}, {"Mac Giolla", 0},
};

static const given_name hispanic_given[] = {
	{"María", "Maria", 'F'}, {"Lucía", "Lucia", 'F'}, {"Carmen", 0, 'F'},
	{"Sofía", "Sofia", 'F'}, {"Isabel", 0, 'F'}, {"Ana", 0, 'F'}, {"Laura", 0, 'F'},
	{"Marta", 0, 'F'}, {"Elena", 0, 'F'}, {"Paula", 0, 'F'}, {"Dolores", 0, 'F'},
	{"Pilar", 0, 'F'}, {"Rocío", "Rocio", 'F'}, {"Inés", "Ines", 'F'}, {"Ximena", 0, 'F'},
	{"Guadalupe", 0, 'F'}, {"Valentina", 0, 'F'}, {"Camila", 0, 'F'},
	{"María José", "Maria Jose", 'F'}, {"Ángela", "Angela", 'F'}, {"Nuria", 0, 'F'},
	{"José", "Jose", 'M'}, {"Antonio", 0, 'M'}, {"Manuel", 0, 'M'}, {"Francisco", 0, 'M'},
	{"Juan", 0, 'M'}, {"Javier", 0, 'M'}, {"Carlos", 0, 'M'}, {"Miguel", 0, 'M'},
	{"Alejandro", 0, 'M'}, {"Pablo", 0, 'M'}, {"Sergio", 0, 'M'}, {"Jorge", 0, 'M'},
	{"Álvaro", "Alvaro", 'M'}, {"Raúl", "Raul", 'M'}, {"Andrés", "Andres", 'M'},
	{"Jesús", "Jesus", 'M'}, {"Iñaki", "Inaki", 'M'}, {"Joaquín", "Joaquin", 'M'},
	{"Luis", 0, 'M'}, {"Fernando", 0, 'M'}, {"Diego", 0, 'M'}, {"Mateo", 0, 'M'},
	{"Guillermo", 0, 'M'}, {"Ignacio", 0, 'M'},
};

static const family_name hispanic_family[] = {
	{"García", "Garcia"}, {"Rodríguez", "Rodriguez"}, {"González", "Gonzalez"},
	{"Fernández", "Fernandez"}, {"López", "Lopez"}, {"Martínez", "Martinez"},
	{"Sánchez", "Sanchez"}, {"Pérez", "Perez"}, {"Gómez", "Gomez"}, {"Martín", "Martin"},
	{"Jiménez", "Jimenez"}, {"Ruiz", 0}, {"Hernández", "Hernandez"}, {"Díaz", "Diaz"},
	{"Moreno", 0}, {"Muñoz", "Munoz"}, {"Álvarez", "Alvarez"}, {"Romero", 0},
	{"Navarro", 0}, {"Torres", 0}, {"Domínguez", "Dominguez"}, {"Vázquez", "Vazquez"},
	{"Ramos", 0}, {"Gil", 0}, {"Ramírez", "Ramirez"}, {"Serrano", 0}, {"Blanco", 0},
	{"Molina", 0}, {"Morales", 0}, {"Suárez", "Suarez"}, {"Ortega", 0}, {"Delgado", 0},
	{"Castro", 0}, {"Ortiz", 0}, {"Rubio", 0}, {"Marín", "Marin"}, {"Sanz", 0},
	{"Núñez", "Nunez"}, {"Peña", "Pena"}, {"Ibáñez", "Ibanez"}, {"Castillo", 0},
	{"Cruz", 0}, {"Reyes", 0}, {"Flores", 0}, {"Rivera", 0}, {"Gutiérrez", "Gutierrez"},
	{"de la Fuente", 0}, {"del Río", "del Rio"},
};

static const given_name german_given[] = {
	{"Anna", 0, 'F'}, {"Lena", 0, 'F'}, {"Julia", 0, 'F'}, {"Lea", 0, 'F'},
	{"Hannah", 0, 'F'}, {"Katharina", 0, 'F'}, {"Sabine", 0, 'F'}, {"Ursula", 0, 'F'},
	{"Monika", 0, 'F'}, {"Petra", 0, 'F'}, {"Claudia", 0, 'F'}, {"Susanne", 0, 'F'},
	{"Jana", 0, 'F'}, {"Ann-Kathrin", 0, 'F'}, {"Marie", 0, 'F'}, {"Emilia", 0, 'F'},
	{"Greta", 0, 'F'}, {"Birgit", 0, 'F'}, {"Heike", 0, 'F'}, {"Anja", 0, 'F'},
	{"Jutta", 0, 'F'}, {"Käthe", "Kaethe", 'F'}, {"Jördis", "Joerdis", 'F'},
	{"Lukas", 0, 'M'}, {"Leon", 0, 'M'}, {"Jonas", 0, 'M'}, {"Felix", 0, 'M'},
	{"Maximilian", 0, 'M'}, {"Paul", 0, 'M'}, {"Thomas", 0, 'M'}, {"Michael", 0, 'M'},
	{"Andreas", 0, 'M'}, {"Stefan", 0, 'M'}, {"Wolfgang", 0, 'M'}, {"Klaus", 0, 'M'},
	{"Jürgen", "Juergen", 'M'}, {"Jörg", "Joerg", 'M'}, {"Günter", "Guenter", 'M'},
	{"Dieter", 0, 'M'}, {"Uwe", 0, 'M'}, {"Hans-Peter", 0, 'M'}, {"Karl-Heinz", 0, 'M'},
	{"Matthias", 0, 'M'}, {"Tobias", 0, 'M'}, {"Florian", 0, 'M'}, {"Sebastian", 0, 'M'},
	{"Björn", "Bjoern", 'M'}, {"Johannes", 0, 'M'}, {"Friedrich", 0, 'M'},
	{"Moritz", 0, 'M'}, {"Niklas", 0, 'M'}, {"Ralf", 0, 'M'},
};

static const family_name german_family[] = {
	{"Müller", "Mueller"}, {"Schmidt", 0}, {"Schneider", 0}, {"Fischer", 0},
	{"Weber", 0}, {"Meyer", 0}, {"Wagner", 0}, {"Becker", 0}, {"Schulz", 0},
	{"Hoffmann", 0}, {"Schäfer", "Schaefer"}, {"Koch", 0}, {"Bauer", 0}, {"Richter", 0},
	{"Klein", 0}, {"Wolf", 0}, {"Schröder", "Schroeder"}, {"Neumann", 0}, {"Schwarz", 0},
	{"Zimmermann", 0}, {"Braun", 0}, {"Krüger", "Krueger"}, {"Hartmann", 0},
	{"Lange", 0}, {"Schmitt", 0}, {"Werner", 0}, {"Krause", 0}, {"Lehmann", 0},
	{"Köhler", "Koehler"}, {"Herrmann", 0}, {"König", "Koenig"}, {"Huber", 0},
	{"Kaiser", 0}, {"Fuchs", 0}, {"Peters", 0}, {"Scholz", 0}, {"Möller", "Moeller"},
	{"Weiß", "Weiss"}, {"Jung", 0}, {"Hahn", 0}, {"Vogel", 0}, {"Keller", 0},
	{"Günther", "Guenther"}, {"Berger", 0}, {"Winkler", 0}, {"Lorenz", 0},
	{"Baumann", 0}, {"Albrecht", 0}, {"Böhm", "Boehm"}, {"Krämer", "Kraemer"},
	{"Jäger", "Jaeger"}, {"Groß", "Gross"}, {"Brandt", 0}, {"Engel", 0},
	{"Kühn", "Kuehn"}, {"Pfeiffer", 0}, {"von Bergen", 0}, {"von der Heide", 0},
};

static const given_name french_given[] = {
	{"Marie", 0, 'F'}, {"Camille", 0, 'F'}, {"Léa", "Lea", 'F'}, {"Chloé", "Chloe", 'F'},
	{"Manon", 0, 'F'}, {"Inès", "Ines", 'F'}, {"Emma", 0, 'F'}, {"Jade", 0, 'F'},
	{"Louise", 0, 'F'}, {"Zoé", "Zoe", 'F'}, {"Élodie", "Elodie", 'F'},
	{"Hélène", "Helene", 'F'}, {"Céline", "Celine", 'F'}, {"Amélie", "Amelie", 'F'},
	{"Anaïs", "Anais", 'F'}, {"Nathalie", 0, 'F'}, {"Isabelle", 0, 'F'}, {"Sylvie", 0, 'F'},
	{"Françoise", "Francoise", 'F'}, {"Anne-Marie", 0, 'F'}, {"Marie-Claire", 0, 'F'},
	{"Béatrice", "Beatrice", 'F'}, {"Margaux", 0, 'F'}, {"Clémence", "Clemence", 'F'},
	{"Océane", "Oceane", 'F'}, {"Maëlle", "Maelle", 'F'},
	{"Jean", 0, 'M'}, {"Pierre", 0, 'M'}, {"Michel", 0, 'M'}, {"Philippe", 0, 'M'},
	{"Alain", 0, 'M'}, {"Nicolas", 0, 'M'}, {"François", "Francois", 'M'},
	{"Julien", 0, 'M'}, {"Antoine", 0, 'M'}, {"Hugo", 0, 'M'}, {"Lucas", 0, 'M'},
	{"Louis", 0, 'M'}, {"Gabriel", 0, 'M'}, {"Mathieu", 0, 'M'},
	{"Sébastien", "Sebastien", 'M'}, {"Jérôme", "Jerome", 'M'},
	{"Stéphane", "Stephane", 'M'}, {"Frédéric", "Frederic", 'M'},
	{"Jean-Pierre", 0, 'M'}, {"Jean-Baptiste", 0, 'M'}, {"Théo", "Theo", 'M'},
	{"Benoît", "Benoit", 'M'}, {"Gaël", "Gael", 'M'}, {"Noël", "Noel", 'M'},
	{"Loïc", "Loic", 'M'}, {"Raphaël", "Raphael", 'M'}, {"Clément", "Clement", 'M'},
	{"Alexandre", 0, 'M'}, {"Christophe", 0, 'M'},
};

static const family_name french_family[] = {
	{"Martin", 0}, {"Bernard", 0}, {"Dubois", 0}, {"Thomas", 0}, {"Robert", 0},
	{"Richard", 0}, {"Petit", 0}, {"Durand", 0}, {"Leroy", 0}, {"Moreau", 0},
	{"Simon", 0}, {"Laurent", 0}, {"Lefèvre", "Lefevre"}, {"Michel", 0}, {"David", 0},
	{"Bertrand", 0}, {"Roux", 0}, {"Vincent", 0}, {"Fournier", 0}, {"Morel", 0},
	{"Girard", 0}, {"André", "Andre"}, {"Mercier", 0}, {"Dupont", 0}, {"Lambert", 0},
	{"Bonnet", 0}, {"Legrand", 0}, {"Garnier", 0}, {"Faure", 0}, {"Rousseau", 0},
	{"Guérin", "Guerin"}, {"Perrin", 0}, {"Morin", 0}, {"Gauthier", 0}, {"Fontaine", 0},
	{"Chevalier", 0}, {"Gérard", "Gerard"}, {"Boyer", 0}, {"Lemaire", 0}, {"Duval", 0},
	{"Noël", "Noel"}, {"Marchand", 0}, {"Dufour", 0}, {"Leclerc", 0}, {"Rivière", "Riviere"},
	{"Da Silva", 0}, {"Le Gall", 0}, {"Le Roux", 0}, {"Ménard", "Menard"},
	{"Prévost", "Prevost"}, {"Carré", "Carre"}, {"Côté", "Cote"}, {"Tremblay", 0},
	{"Gagnon", 0}, {"Bélanger", "Belanger"}, {"Lévesque", "Levesque"}, {"Bouchard", 0},
	{"Pelletier", 0}, {"Gagné", "Gagne"}, {"Bergeron", 0},
};

static const given_name nordic_given[] = {
	{"Ingrid", 0, 'F'}, {"Astrid", 0, 'F'}, {"Sigrid", 0, 'F'}, {"Åsa", "Asa", 'F'},
	{"Solveig", 0, 'F'}, {"Kari", 0, 'F'}, {"Liv", 0, 'F'}, {"Maja", 0, 'F'},
	{"Freja", 0, 'F'}, {"Ebba", 0, 'F'}, {"Linnéa", "Linnea", 'F'}, {"Signe", 0, 'F'},
	{"Mette", 0, 'F'}, {"Bjørn", "Bjorn", 'M'}, {"Søren", "Soren", 'M'}, {"Lars", 0, 'M'},
	{"Anders", 0, 'M'}, {"Erik", 0, 'M'}, {"Henrik", 0, 'M'}, {"Nils", 0, 'M'},
	{"Jens", 0, 'M'}, {"Håkon", "Hakon", 'M'}, {"Sindre", 0, 'M'}, {"Mikkel", 0, 'M'},
	{"Rasmus", 0, 'M'}, {"Torbjørn", "Torbjorn", 'M'}, {"Øystein", "Oystein", 'M'},
};

static const family_name nordic_family[] = {
	{"Ødegaard", "Odegaard"}, {"Hansen", 0}, {"Johansen", 0}, {"Olsen", 0},
	{"Larsen", 0}, {"Andersen", 0}, {"Pedersen", 0}, {"Nilsen", 0}, {"Jensen", 0},
	{"Sørensen", "Sorensen"}, {"Bakke", 0}, {"Haugen", 0}, {"Lindqvist", 0},
	{"Lindström", "Lindstrom"}, {"Bergström", "Bergstrom"}, {"Johansson", 0},
	{"Karlsson", 0}, {"Nyström", "Nystrom"}, {"Åberg", "Aberg"}, {"Strøm", "Strom"},
	{"Dahl", 0}, {"Holm", 0}, {"Lund", 0}, {"Kjær", "Kjaer"}, {"Nørgaard", "Norgaard"},
	{"Østergaard", "Ostergaard"},
};

static const given_name polish_given[] = {
	{"Agnieszka", 0, 'F'}, {"Katarzyna", 0, 'F'}, {"Małgorzata", "Malgorzata", 'F'},
	{"Joanna", 0, 'F'}, {"Magdalena", 0, 'F'}, {"Ewa", 0, 'F'}, {"Zofia", 0, 'F'},
	{"Aleksandra", 0, 'F'}, {"Natalia", 0, 'F'}, {"Dorota", 0, 'F'}, {"Wiktoria", 0, 'F'},
	{"Łukasz", "Lukasz", 'M'}, {"Piotr", 0, 'M'}, {"Krzysztof", 0, 'M'},
	{"Tomasz", 0, 'M'}, {"Paweł", "Pawel", 'M'}, {"Michał", "Michal", 'M'},
	{"Marcin", 0, 'M'}, {"Jakub", 0, 'M'}, {"Kamil", 0, 'M'}, {"Grzegorz", 0, 'M'},
	{"Wojciech", 0, 'M'}, {"Mateusz", 0, 'M'}, {"Bartłomiej", "Bartlomiej", 'M'},
};

/* Polish surnames in -ski/-cki take -ska/-cka for women: see person_family_name(). */
static const family_name polish_family[] = {
	{"Nowak", 0}, {"Kowalski", 0}, {"Wiśniewski", "Wisniewski"}, {"Wójcik", "Wojcik"},
	{"Kowalczyk", 0}, {"Kamiński", "Kaminski"}, {"Zieliński", "Zielinski"},
	{"Szymański", "Szymanski"}, {"Woźniak", "Wozniak"}, {"Dąbrowski", "Dabrowski"},
	{"Kozłowski", "Kozlowski"}, {"Jankowski", 0}, {"Mazur", 0}, {"Kwiatkowski", 0},
	{"Krawczyk", 0}, {"Piotrowski", 0}, {"Grabowski", 0}, {"Pawłowski", "Pawlowski"},
	{"Michalski", 0}, {"Król", "Krol"}, {"Wieczorek", 0}, {"Jabłoński", "Jablonski"},
	{"Wróbel", "Wrobel"}, {"Zając", "Zajac"}, {"Stępień", "Stepien"}, {"Dudek", 0},
	{"Kaczmarek", 0}, {"Sikora", 0}, {"Gorecki", 0},
};

static const given_name turkish_given[] = {
	{"Ayşe", "Ayse", 'F'}, {"Fatma", 0, 'F'}, {"Emine", 0, 'F'}, {"Zeynep", 0, 'F'},
	{"Elif", 0, 'F'}, {"Merve", 0, 'F'}, {"Büşra", "Busra", 'F'}, {"Esra", 0, 'F'},
	{"Özlem", "Ozlem", 'F'}, {"Şeyma", "Seyma", 'F'}, {"Derya", 0, 'F'},
	{"İrem", "Irem", 'F'}, {"Mehmet", 0, 'M'}, {"Mustafa", 0, 'M'}, {"Ahmet", 0, 'M'},
	{"Ali", 0, 'M'}, {"Hüseyin", "Hueseyin", 'M'}, {"Hasan", 0, 'M'},
	{"İbrahim", "Ibrahim", 'M'}, {"Murat", 0, 'M'}, {"Emre", 0, 'M'}, {"Burak", 0, 'M'},
	{"Serkan", 0, 'M'}, {"Özgür", "Oezguer", 'M'}, {"Yusuf", 0, 'M'},
	{"Çağlar", "Caglar", 'M'},
};

static const family_name turkish_family[] = {
	{"Yılmaz", "Yilmaz"}, {"Kaya", 0}, {"Demir", 0}, {"Şahin", "Sahin"},
	{"Çelik", "Celik"}, {"Yıldız", "Yildiz"}, {"Yıldırım", "Yildirim"},
	{"Öztürk", "Oeztuerk"}, {"Aydın", "Aydin"}, {"Özdemir", "Oezdemir"}, {"Arslan", 0},
	{"Doğan", "Dogan"}, {"Kılıç", "Kilic"}, {"Aslan", 0}, {"Çetin", "Cetin"},
	{"Kara", 0}, {"Koç", "Koc"}, {"Kurt", 0}, {"Özkan", "Oezkan"}, {"Şimşek", "Simsek"},
	{"Polat", 0}, {"Güneş", "Guenes"}, {"Aksoy", 0}, {"Tekin", 0},
};

static const given_name italian_given[] = {
	{"Giulia", 0, 'F'}, {"Francesca", 0, 'F'}, {"Chiara", 0, 'F'}, {"Martina", 0, 'F'},
	{"Giorgia", 0, 'F'}, {"Alessia", 0, 'F'}, {"Federica", 0, 'F'}, {"Elisa", 0, 'F'},
	{"Silvia", 0, 'F'}, {"Rossella", 0, 'F'}, {"Marco", 0, 'M'}, {"Alessandro", 0, 'M'},
	{"Andrea", 0, 'M'}, {"Luca", 0, 'M'}, {"Matteo", 0, 'M'}, {"Lorenzo", 0, 'M'},
	{"Giuseppe", 0, 'M'}, {"Francesco", 0, 'M'}, {"Giovanni", 0, 'M'}, {"Davide", 0, 'M'},
	{"Riccardo", 0, 'M'}, {"Niccolò", "Niccolo", 'M'}, {"Simone", 0, 'M'},
};

static const family_name italian_family[] = {
	{"Rossi", 0}, {"Russo", 0}, {"Ferrari", 0}, {"Esposito", 0}, {"Bianchi", 0},
	{"Romano", 0}, {"Colombo", 0}, {"Ricci", 0}, {"Marino", 0}, {"Greco", 0},
	{"Bruno", 0}, {"Gallo", 0}, {"Conti", 0}, {"De Luca", 0}, {"Mancini", 0},
	{"Costa", 0}, {"Giordano", 0}, {"Rizzo", 0}, {"Lombardi", 0}, {"Moretti", 0},
	{"D'Angelo", 0}, {"Dell'Acqua", 0}, {"Lo Russo", 0}, {"Fabbri", 0},
};

static const given_name south_asian_given[] = {
	{"Priya", 0, 'F'}, {"Ananya", 0, 'F'}, {"Aisha", 0, 'F'}, {"Fatima", 0, 'F'},
	{"Sana", 0, 'F'}, {"Pooja", 0, 'F'}, {"Neha", 0, 'F'}, {"Divya", 0, 'F'},
	{"Kavya", 0, 'F'}, {"Meera", 0, 'F'}, {"Ayesha", 0, 'F'}, {"Simran", 0, 'F'},
	{"Harpreet", 0, 'F'}, {"Rahul", 0, 'M'}, {"Arjun", 0, 'M'}, {"Vikram", 0, 'M'},
	{"Rohan", 0, 'M'}, {"Amit", 0, 'M'}, {"Sanjay", 0, 'M'}, {"Mohammed", 0, 'M'},
	{"Imran", 0, 'M'}, {"Hamza", 0, 'M'}, {"Aditya", 0, 'M'}, {"Karan", 0, 'M'},
	{"Raj", 0, 'M'}, {"Gurpreet", 0, 'M'},
};

static const family_name south_asian_family[] = {
	{"Patel", 0}, {"Shah", 0}, {"Sharma", 0}, {"Singh", 0}, {"Kumar", 0}, {"Gupta", 0},
	{"Khan", 0}, {"Ahmed", 0}, {"Hussain", 0}, {"Iyer", 0}, {"Reddy", 0}, {"Nair", 0},
	{"Mehta", 0}, {"Chopra", 0}, {"Malik", 0}, {"Rahman", 0}, {"Chaudhry", 0},
	{"Desai", 0}, {"Joshi", 0}, {"Kapoor", 0}, {"Bose", 0}, {"Das", 0},
};

static const given_name chinese_given[] = {
	{"芳", "Fang", 'F'}, {"娜", "Na", 'F'}, {"敏", "Min", 'F'}, {"静", "Jing", 'F'},
	{"婷", "Ting", 'F'}, {"欣怡", "Xinyi", 'F'}, {"丽", "Li", 'F'}, {"秀英", "Xiuying", 'F'},
	{"雪", "Xue", 'F'}, {"梓涵", "Zihan", 'F'}, {"伟", "Wei", 'M'}, {"磊", "Lei", 'M'},
	{"洋", "Yang", 'M'}, {"杰", "Jie", 'M'}, {"强", "Qiang", 'M'}, {"军", "Jun", 'M'},
	{"浩然", "Haoran", 'M'}, {"子轩", "Zixuan", 'M'}, {"明", "Ming", 'M'},
	{"建国", "Jianguo", 'M'},
};

static const family_name chinese_family[] = {
	{"王", "Wang"}, {"李", "Li"}, {"张", "Zhang"}, {"刘", "Liu"}, {"陈", "Chen"},
	{"杨", "Yang"}, {"黄", "Huang"}, {"赵", "Zhao"}, {"吴", "Wu"}, {"周", "Zhou"},
	{"徐", "Xu"}, {"孙", "Sun"}, {"马", "Ma"}, {"朱", "Zhu"}, {"胡", "Hu"}, {"郭", "Guo"},
	{"林", "Lin"}, {"何", "He"}, {"高", "Gao"}, {"罗", "Luo"},
};

static const given_name japanese_given[] = {
	{"陽菜", "Hina", 'F'}, {"結衣", "Yui", 'F'}, {"美咲", "Misaki", 'F'},
	{"さくら", "Sakura", 'F'}, {"葵", "Aoi", 'F'}, {"由美", "Yumi", 'F'},
	{"恵子", "Keiko", 'F'}, {"直子", "Naoko", 'F'}, {"愛", "Ai", 'F'},
	{"七海", "Nanami", 'F'}, {"健太", "Kenta", 'M'}, {"翔太", "Shota", 'M'},
	{"大輔", "Daisuke", 'M'}, {"拓也", "Takuya", 'M'}, {"蓮", "Ren", 'M'},
	{"悠真", "Yuma", 'M'}, {"浩二", "Koji", 'M'}, {"誠", "Makoto", 'M'},
	{"隆", "Takashi", 'M'}, {"和也", "Kazuya", 'M'}, {"直樹", "Naoki", 'M'},
};

static const family_name japanese_family[] = {
	{"佐藤", "Sato"}, {"鈴木", "Suzuki"}, {"高橋", "Takahashi"}, {"田中", "Tanaka"},
	{"伊藤", "Ito"}, {"渡辺", "Watanabe"}, {"山本", "Yamamoto"}, {"中村", "Nakamura"},
	{"小林", "Kobayashi"}, {"加藤", "Kato"}, {"吉田", "Yoshida"}, {"山田", "Yamada"},
	{"佐々木", "Sasaki"}, {"山口", "Yamaguchi"}, {"松本", "Matsumoto"}, {"井上", "Inoue"},
	{"木村", "Kimura"}, {"林", "Hayashi"}, {"清水", "Shimizu"}, {"斎藤", "Saito"},
};

static const given_name korean_given[] = {
	{"서연", "Seo-yeon", 'F'}, {"하은", "Ha-eun", 'F'}, {"지우", "Ji-woo", 'F'},
	{"수빈", "Su-bin", 'F'}, {"민지", "Min-ji", 'F'}, {"예린", "Ye-rin", 'F'},
	{"은지", "Eun-ji", 'F'}, {"민준", "Min-jun", 'M'}, {"도윤", "Do-yun", 'M'},
	{"서준", "Seo-jun", 'M'}, {"현우", "Hyun-woo", 'M'}, {"지훈", "Ji-hoon", 'M'},
	{"성민", "Sung-min", 'M'}, {"준호", "Jun-ho", 'M'}, {"동현", "Dong-hyun", 'M'},
};

static const family_name korean_family[] = {
	{"김", "Kim"}, {"이", "Lee"}, {"박", "Park"}, {"최", "Choi"}, {"정", "Jung"},
	{"강", "Kang"}, {"조", "Cho"}, {"윤", "Yoon"}, {"장", "Jang"}, {"임", "Lim"},
	{"한", "Han"}, {"오", "Oh"}, {"신", "Shin"},
};

static const given_name vietnamese_given[] = {
	{"Linh", 0, 'F'}, {"Trang", 0, 'F'}, {"Hương", "Huong", 'F'}, {"Thảo", "Thao", 'F'},
	{"Ngọc", "Ngoc", 'F'}, {"Phương", "Phuong", 'F'}, {"Mai", 0, 'F'}, {"Lan", 0, 'F'},
	{"Minh", 0, 'M'}, {"Tuấn", "Tuan", 'M'}, {"Hùng", "Hung", 'M'}, {"Dũng", "Dung", 'M'},
	{"Nam", 0, 'M'}, {"Đức", "Duc", 'M'}, {"Quang", 0, 'M'}, {"Huy", 0, 'M'},
};

static const family_name vietnamese_family[] = {
	{"Nguyễn", "Nguyen"}, {"Trần", "Tran"}, {"Lê", "Le"}, {"Phạm", "Pham"},
	{"Hoàng", "Hoang"}, {"Huỳnh", "Huynh"}, {"Phan", 0}, {"Vũ", "Vu"}, {"Võ", "Vo"},
	{"Đặng", "Dang"}, {"Bùi", "Bui"}, {"Đỗ", "Do"},
};

enum { CT_US, CT_GB, CT_DE, CT_FR, CT_ES, CT_CA, CT_JP, N_COUNTRIES };
#define IN(c) (1u << (c))

enum {
	POOL_ANGLO, POOL_GAELIC, POOL_HISPANIC, POOL_GERMAN, POOL_FRENCH, POOL_NORDIC,
	POOL_POLISH, POOL_TURKISH, POOL_ITALIAN, POOL_SOUTH_ASIAN, POOL_CHINESE,
	POOL_JAPANESE, POOL_KOREAN, POOL_VIETNAMESE, N_POOLS
};

/* A naming tradition, and how its names change when its people live elsewhere. */
typedef struct {
	const given_name *given;
	int n_given;
	const family_name *family;
	int n_family;
	unsigned home;          /* countries where these names are at home (IN(CT_x) bits) */
	bool native_script;     /* names have a CJK form besides the romanization */
	int double_barrel_pct;  /* hyphenated surnames: Smith-Jones, García-López */
	int abroad_ascii_pct;   /* abroad, diacritics often get lost: Nguyen, Jose Garcia */
	int abroad_western_pct; /* abroad, a local given name: Kevin Zhang, Jennifer Kim */
} name_pool;

#define POOL(g, f) g, COUNT(g), f, COUNT(f)
static const name_pool pools[N_POOLS] = {
	[POOL_ANGLO] = {POOL(anglo_given, anglo_family), IN(CT_US) | IN(CT_GB) | IN(CT_CA), false, 3, 0, 0},
	[POOL_GAELIC] = {POOL(gaelic_given, gaelic_family), IN(CT_GB), false, 2, 40, 30},
	[POOL_HISPANIC] = {POOL(hispanic_given, hispanic_family), IN(CT_ES), false, 8, 45, 10},
	[POOL_GERMAN] = {POOL(german_given, german_family), IN(CT_DE), false, 3, 30, 10},
	[POOL_FRENCH] = {POOL(french_given, french_family), IN(CT_FR) | IN(CT_CA), false, 3, 20, 10},
	[POOL_NORDIC] = {POOL(nordic_given, nordic_family), 0, false, 0, 25, 15},
	[POOL_POLISH] = {POOL(polish_given, polish_family), 0, false, 2, 30, 10},
	[POOL_TURKISH] = {POOL(turkish_given, turkish_family), 0, false, 0, 20, 10},
	[POOL_ITALIAN] = {POOL(italian_given, italian_family), 0, false, 0, 30, 20},
	[POOL_SOUTH_ASIAN] = {POOL(south_asian_given, south_asian_family), 0, false, 0, 0, 15},
	[POOL_CHINESE] = {POOL(chinese_given, chinese_family), 0, true, 0, 0, 40},
	[POOL_JAPANESE] = {POOL(japanese_given, japanese_family), IN(CT_JP), true, 0, 0, 20},
	[POOL_KOREAN] = {POOL(korean_given, korean_family), 0, true, 0, 0, 45},
	[POOL_VIETNAMESE] = {POOL(vietnamese_given, vietnamese_family), 0, false, 0, 65, 35},
};

/* Names of the famous, real or fictional: a random draw must not recreate them. */
static const struct {
	const char *given, *family;
} famous_names[] = {
	{"Michael", "Jackson"}, {"Will", "Smith"}, {"John", "Adams"}, {"Samuel", "Adams"},
	{"James", "Taylor"}, {"James", "Brown"}, {"Charlie", "Brown"}, {"Michael", "Scott"},
	{"Jack", "White"}, {"John", "Lewis"}, {"Emma", "Thompson"}, {"Tom", "Jones"},
	{"Samuel", "Johnson"}, {"Andrew", "Johnson"}, {"John", "Williams"}, {"James", "Cook"},
	{"Thomas", "Cook"}, {"Joseph", "Smith"}, {"Conor", "McGregor"}, {"Ronald", "McDonald"},
	{"Thomas", "Mueller"}, {"Michael", "Schumacher"}, {"Raj", "Kapoor"}, {"Imran", "Khan"},
	{"Amit", "Shah"}, {"Sanjay", "Gupta"}, {"Arjun", "Kapoor"}, {"Na", "Li"},
	{"Ichiro", "Suzuki"}, {"Ji-eun", "Lee"}, {"Jean-Luc", "Picard"}, {"Martin", "Odegaard"},
	{"Harry", "Potter"}, {"Mark", "Wright"}, {"Jennifer", "Lopez"}, {"Bob", "Dylan"},
};

/* Short forms a person uses on one sign-up and not on the other. */
static const struct {
	const char *formal, *nick;
} nicknames[] = {
	{"Robert", "Bob"}, {"Robert", "Rob"}, {"Robert", "Bobby"}, {"William", "Bill"},
	{"William", "Will"}, {"Elizabeth", "Liz"}, {"Elizabeth", "Beth"},
	{"Katherine", "Kate"}, {"Katherine", "Katie"}, {"Margaret", "Maggie"},
	{"Margaret", "Peggy"}, {"Michael", "Mike"}, {"Jennifer", "Jen"}, {"Jennifer", "Jenny"},
	{"Richard", "Rick"}, {"Richard", "Rich"}, {"James", "Jim"}, {"James", "Jimmy"},
	{"Thomas", "Tom"}, {"Thomas", "Tommy"}, {"Christopher", "Chris"}, {"Daniel", "Dan"},
	{"Daniel", "Danny"}, {"Matthew", "Matt"}, {"Alexander", "Alex"}, {"Nicholas", "Nick"},
	{"Joseph", "Joe"}, {"Anthony", "Tony"}, {"Edward", "Ed"}, {"Edward", "Eddie"},
	{"Samuel", "Sam"}, {"Benjamin", "Ben"}, {"Jonathan", "Jon"}, {"Timothy", "Tim"},
	{"Andrew", "Andy"}, {"Steven", "Steve"}, {"Rebecca", "Becky"}, {"Samantha", "Sam"},
	{"Victoria", "Vicky"}, {"Patricia", "Pat"}, {"Patricia", "Trish"},
	{"Deborah", "Debbie"}, {"Susan", "Sue"}, {"Abigail", "Abby"}, {"Joshua", "Josh"},
	{"Amanda", "Mandy"}, {"Oliver", "Ollie"}, {"Zachary", "Zach"},
	{"José", "Pepe"}, {"Francisco", "Paco"}, {"Manuel", "Manolo"}, {"Dolores", "Lola"},
	{"Guillermo", "Memo"}, {"Alejandro", "Álex"}, {"Jesús", "Chuy"}, {"Ignacio", "Nacho"},
	{"Javier", "Javi"}, {"Guadalupe", "Lupe"}, {"Johannes", "Hannes"},
	{"Katharina", "Kathi"}, {"Maximilian", "Max"}, {"Friedrich", "Fritz"},
	{"Andreas", "Andi"}, {"Susanne", "Susi"}, {"Frédéric", "Fred"}, {"Nicolas", "Nico"},
	{"Sébastien", "Seb"}, {"Isabelle", "Isa"}, {"Alexandre", "Alex"},
	{"Christophe", "Chris"}, {"Giuseppe", "Beppe"}, {"Giovanni", "Gianni"},
	{"Alessandro", "Sandro"}, {"Małgorzata", "Gosia"}, {"Katarzyna", "Kasia"},
	{"Aleksandra", "Ola"}, {"Wojciech", "Wojtek"}, {"Tomasz", "Tomek"},
	{"Joanna", "Asia"}, {"Mohammed", "Mo"},
};

/* ------------------------------------------------------------------------------ */
/* Reference tables: countries, cities, phone numbering plans                     */
/* ------------------------------------------------------------------------------ */

typedef struct {
	const char *text;
	int weight;
} wtext;

/*
 * How a country's numbers are made: an area code (digits after the trunk prefix;
 * '#' is a random digit) and a subscriber number that starts with `prefix` and has
 * `len` digits in all, written in the groups given (the rest forms the last group).
 */
typedef struct {
	const char *area[6];
	const char *prefix;
	int len;
	int groups[4];
} phone_plan;

typedef struct {
	const char *name;
	const char *alias[3]; /* other spellings a clerk might type: Munich, Köln/Cologne */
	int weight;
	const char *postcode[8]; /* '#' digit, '@' digit 1-9, '?' a letter valid there */
	phone_plan landline;
	int local_pool, local_pool_pct; /* Montréal and Québec: mostly French names */
} city;

typedef enum { PH_NATIONAL, PH_PLUS, PH_PLUS_TRUNK, PH_00, PH_NANP_ONE } phone_prefix;

/* One way people write numbers there: "(415) 555-0132" is {PH_NATIONAL, ' ', '-', paren}. */
typedef struct {
	phone_prefix prefix;
	char area_sep; /* between the area code and the subscriber number; 0 = none */
	char sep;      /* between the subscriber groups; 0 = none */
	bool paren;    /* area code in parentheses */
	int weight;
} phone_style;

typedef struct {
	int pool, weight;
} pool_share;

typedef struct {
	const char *iso;    /* ISO 3166 code: the experiment platform writes only these */
	int weight;
	wtext labels[8];    /* what the CRM's free-text country field holds */
	const city *cities;
	int n_cities;
	const char *cc, *trunk; /* calling code, national trunk prefix */
	phone_plan mobile;
	int mobile_pct;
	const phone_style *styles;
	int n_styles;
	pool_share pools[12];   /* the first entry is the local tradition */
	wtext email_domains[10];
	const char *postcode_letters;
	date_format store_dates; /* how the tills in this country write dates */
	const char *currency;
	double per_usd;          /* units of the currency per US dollar, 2024-25 average */
	int shipping_fee, free_shipping_over; /* minor units */
	int channel_weights[3];  /* web, app, store */
} country;

/* NANP numbers 555-0100..0199 are reserved for fiction in every area code. */
#define NANP(...) {{__VA_ARGS__}, "55501", 7, {3, 4}}
static const city us_cities[] = {
	{"New York", {"New York City", "NYC"}, 18, {"100##", "101##", "112##", "113##", "104##"}, NANP("212", "646", "718", "917", "347", "929"), 0, 0},
	{"Los Angeles", {"LA"}, 10, {"900##", "913##"}, NANP("213", "310", "323", "818", "424"), 0, 0},
	{"Chicago", {0}, 8, {"606##"}, NANP("312", "773", "872"), 0, 0},
	{"Houston", {0}, 6, {"770##"}, NANP("713", "281", "832"), 0, 0},
	{"Phoenix", {0}, 4, {"850##"}, NANP("602", "480"), 0, 0},
	{"Philadelphia", {"Philly"}, 4, {"191##"}, NANP("215", "267"), 0, 0},
	{"San Antonio", {0}, 3, {"782##"}, NANP("210", "726"), 0, 0},
	{"San Diego", {0}, 3, {"921##"}, NANP("619", "858"), 0, 0},
	{"Dallas", {0}, 4, {"752##"}, NANP("214", "469", "972"), 0, 0},
	{"San Francisco", {"San Fransisco", "SF"}, 5, {"941##"}, NANP("415", "628"), 0, 0},
	{"Seattle", {0}, 4, {"981##"}, NANP("206", "425"), 0, 0},
	{"Boston", {0}, 4, {"021##", "022##"}, NANP("617", "857"), 0, 0},
	{"Denver", {0}, 3, {"802##"}, NANP("303", "720"), 0, 0},
	{"Atlanta", {0}, 4, {"303##"}, NANP("404", "470", "678"), 0, 0},
	{"Miami", {0}, 3, {"331##"}, NANP("305", "786"), 0, 0},
	{"Portland", {0}, 2, {"972##"}, NANP("503", "971"), 0, 0},
	{"Austin", {0}, 3, {"787##"}, NANP("512", "737"), 0, 0},
	{"Minneapolis", {0}, 2, {"554##"}, NANP("612"), 0, 0},
	{"Newark", {0}, 1, {"071##"}, NANP("973", "862"), 0, 0},
	{"Washington", {"Washington, D.C.", "Washington DC"}, 3, {"200##"}, NANP("202", "771"), 0, 0},
};

static const city ca_cities[] = {
	{"Toronto", {0}, 30, {"M5V #?#", "M4C #?#", "M6G #?#", "M2N #?#"}, NANP("416", "647", "437"), 0, 0},
	{"Montréal", {"Montreal"}, 18, {"H2X #?#", "H3B #?#", "H1A #?#"}, NANP("514", "438"), POOL_FRENCH, 60},
	{"Vancouver", {0}, 14, {"V6B #?#", "V5K #?#"}, NANP("604", "778", "236"), 0, 0},
	{"Calgary", {0}, 9, {"T2P #?#", "T3A #?#"}, NANP("403", "587"), 0, 0},
	{"Ottawa", {0}, 8, {"K1P #?#", "K2B #?#"}, NANP("613", "343"), 0, 0},
	{"Edmonton", {0}, 7, {"T5J #?#", "T6E #?#"}, NANP("780", "587"), 0, 0},
	{"Québec", {"Quebec City", "Québec City"}, 5, {"G1R #?#"}, NANP("418", "581"), POOL_FRENCH, 80},
	{"Winnipeg", {0}, 5, {"R3C #?#"}, NANP("204", "431"), 0, 0},
	{"Halifax", {0}, 4, {"B3H #?#"}, NANP("902", "782"), 0, 0},
};

/* Ofcom's drama ranges: 1,000 numbers per city that are never given to anyone. */
#define OFCOM(area, prefix, len, g1, g2) {{area}, prefix, len, {g1, g2}}
static const city gb_cities[] = {
	{"London", {0}, 35, {"SW11 #??", "E14 #??", "N1 #??", "NW3 #??", "SE15 #??", "W2 #??", "EC1V #??", "WC2H #??"}, OFCOM("20", "79460", 8, 4, 4), 0, 0},
	{"Manchester", {0}, 10, {"M1 #??", "M4 #??", "M14 #??", "M20 #??"}, OFCOM("161", "4960", 7, 3, 4), 0, 0},
	{"Birmingham", {0}, 9, {"B1 #??", "B15 #??", "B29 #??"}, OFCOM("121", "4960", 7, 3, 4), 0, 0},
	{"Leeds", {0}, 6, {"LS1 #??", "LS6 #??"}, OFCOM("113", "4960", 7, 3, 4), 0, 0},
	{"Glasgow", {0}, 6, {"G1 #??", "G12 #??"}, OFCOM("141", "4960", 7, 3, 4), 0, 0},
	{"Edinburgh", {0}, 5, {"EH1 #??", "EH3 #??"}, OFCOM("131", "4960", 7, 3, 4), 0, 0},
	{"Bristol", {0}, 5, {"BS1 #??", "BS8 #??"}, OFCOM("117", "4960", 7, 3, 4), 0, 0},
	{"Liverpool", {0}, 5, {"L1 #??", "L17 #??"}, OFCOM("151", "4960", 7, 3, 4), 0, 0},
	{"Sheffield", {0}, 4, {"S1 #??", "S10 #??"}, OFCOM("114", "4960", 7, 3, 4), 0, 0},
	{"Newcastle upon Tyne", {"Newcastle"}, 4, {"NE1 #??", "NE6 #??"}, OFCOM("191", "4980", 7, 3, 4), 0, 0},
	{"Nottingham", {0}, 4, {"NG1 #??", "NG7 #??"}, OFCOM("115", "4960", 7, 3, 4), 0, 0},
	{"Cardiff", {0}, 4, {"CF10 #??", "CF24 #??"}, OFCOM("29", "20180", 8, 4, 4), 0, 0},
	{"Belfast", {0}, 3, {"BT1 #??", "BT9 #??"}, OFCOM("28", "90180", 8, 4, 4), 0, 0},
};

/* Germany, France, Spain and Japan have no published fiction ranges: random numbers. */
#define LOCAL(area, len, ...) {{area}, "", len, {__VA_ARGS__}}
static const city de_cities[] = {
	{"Berlin", {0}, 20, {"10###", "12###", "13###"}, LOCAL("30", 8, 0), 0, 0},
	{"Hamburg", {0}, 10, {"20###", "22###"}, LOCAL("40", 8, 0), 0, 0},
	{"München", {"Munich", "Muenchen"}, 9, {"80###", "81###"}, LOCAL("89", 8, 0), 0, 0},
	{"Köln", {"Cologne", "Koeln"}, 7, {"50###", "51###"}, LOCAL("221", 7, 0), 0, 0},
	{"Frankfurt am Main", {"Frankfurt"}, 6, {"60###", "65###"}, LOCAL("69", 8, 0), 0, 0},
	{"Stuttgart", {0}, 5, {"70###"}, LOCAL("711", 7, 0), 0, 0},
	{"Düsseldorf", {"Duesseldorf", "Dusseldorf"}, 5, {"40###"}, LOCAL("211", 7, 0), 0, 0},
	{"Leipzig", {0}, 4, {"041##", "043##"}, LOCAL("341", 7, 0), 0, 0},
	{"Dresden", {0}, 4, {"010##", "011##"}, LOCAL("351", 7, 0), 0, 0},
	{"Nürnberg", {"Nuremberg", "Nuernberg"}, 4, {"904##"}, LOCAL("911", 7, 0), 0, 0},
	{"Hannover", {"Hanover"}, 4, {"30###"}, LOCAL("511", 7, 0), 0, 0},
	{"Bremen", {0}, 3, {"28###"}, LOCAL("421", 7, 0), 0, 0},
};

static const city fr_cities[] = {
	{"Paris", {0}, 25, {"7500@", "7501#"}, LOCAL("1", 8, 2, 2, 2, 2), 0, 0},
	{"Lyon", {0}, 8, {"6900@"}, LOCAL("4", 8, 2, 2, 2, 2), 0, 0},
	{"Marseille", {0}, 8, {"1300@", "1301#"}, LOCAL("4", 8, 2, 2, 2, 2), 0, 0},
	{"Toulouse", {0}, 6, {"31000", "31@00"}, LOCAL("5", 8, 2, 2, 2, 2), 0, 0},
	{"Nice", {0}, 4, {"06@00"}, LOCAL("4", 8, 2, 2, 2, 2), 0, 0},
	{"Nantes", {0}, 4, {"44000", "44@00"}, LOCAL("2", 8, 2, 2, 2, 2), 0, 0},
	{"Strasbourg", {0}, 4, {"67000", "67@00"}, LOCAL("3", 8, 2, 2, 2, 2), 0, 0},
	{"Montpellier", {0}, 3, {"340@0"}, LOCAL("4", 8, 2, 2, 2, 2), 0, 0},
	{"Bordeaux", {0}, 4, {"33000", "33@00"}, LOCAL("5", 8, 2, 2, 2, 2), 0, 0},
	{"Lille", {0}, 4, {"59000", "590@0"}, LOCAL("3", 8, 2, 2, 2, 2), 0, 0},
	{"Rennes", {0}, 3, {"35000", "350@0"}, LOCAL("2", 8, 2, 2, 2, 2), 0, 0},
};

static const city es_cities[] = {
	{"Madrid", {0}, 30, {"280##"}, LOCAL("91", 7, 3, 2, 2), 0, 0},
	{"Barcelona", {0}, 22, {"080##"}, LOCAL("93", 7, 3, 2, 2), 0, 0},
	{"Valencia", {"València"}, 10, {"460##"}, LOCAL("96", 7, 3, 2, 2), 0, 0},
	{"Sevilla", {"Seville"}, 8, {"410##"}, LOCAL("954", 6, 2, 2, 2), 0, 0},
	{"Zaragoza", {0}, 6, {"500##"}, LOCAL("976", 6, 2, 2, 2), 0, 0},
	{"Málaga", {"Malaga"}, 6, {"290##"}, LOCAL("952", 6, 2, 2, 2), 0, 0},
	{"Bilbao", {0}, 5, {"480##"}, LOCAL("94", 7, 3, 2, 2), 0, 0},
	{"A Coruña", {"La Coruña", "A Coruna"}, 3, {"150##"}, LOCAL("981", 6, 2, 2, 2), 0, 0},
	{"Palma", {"Palma de Mallorca"}, 3, {"070##"}, LOCAL("971", 6, 2, 2, 2), 0, 0},
};

static const city jp_cities[] = {
	{"Tokyo", {"東京"}, 35, {"1##-####"}, LOCAL("3", 8, 4, 4), 0, 0},
	{"Osaka", {"大阪"}, 15, {"5##-####"}, LOCAL("6", 8, 4, 4), 0, 0},
	{"Yokohama", {"横浜"}, 12, {"22#-####"}, LOCAL("45", 7, 3, 4), 0, 0},
	{"Nagoya", {"名古屋"}, 10, {"45#-####"}, LOCAL("52", 7, 3, 4), 0, 0},
	{"Sapporo", {"札幌"}, 8, {"06#-####"}, LOCAL("11", 7, 3, 4), 0, 0},
	{"Fukuoka", {"福岡"}, 8, {"81#-####"}, LOCAL("92", 7, 3, 4), 0, 0},
	{"Kyoto", {"京都"}, 7, {"60#-####"}, LOCAL("75", 7, 3, 4), 0, 0},
};

static const phone_style nanp_styles[] = {
	{PH_NATIONAL, ' ', '-', true, 35},  /* (415) 555-0132 */
	{PH_NATIONAL, '.', '.', false, 12}, /* 415.555.0132 */
	{PH_NATIONAL, '-', '-', false, 20}, /* 415-555-0132 */
	{PH_PLUS, ' ', ' ', false, 12},     /* +1 415 555 0132 */
	{PH_NATIONAL, 0, 0, false, 10},     /* 4155550132 */
	{PH_NANP_ONE, '-', '-', false, 5},  /* 1-415-555-0132 */
	{PH_PLUS, ' ', '-', true, 6},       /* +1 (415) 555-0132 */
};
static const phone_style gb_styles[] = {
	{PH_NATIONAL, ' ', ' ', false, 45},   /* 020 7946 0959 */
	{PH_PLUS, ' ', ' ', false, 25},       /* +44 20 7946 0959 */
	{PH_NATIONAL, 0, 0, false, 12},       /* 02079460959 */
	{PH_PLUS_TRUNK, ' ', ' ', false, 8},  /* +44 (0)20 7946 0959 */
	{PH_PLUS, 0, 0, false, 5},            /* +442079460959 */
	{PH_NATIONAL, ' ', ' ', true, 5},     /* (020) 7946 0959 */
};
static const phone_style de_styles[] = {
	{PH_NATIONAL, ' ', ' ', false, 35},  /* 030 1234567 */
	{PH_NATIONAL, '/', ' ', false, 20},  /* 030/1234567 */
	{PH_PLUS, ' ', ' ', false, 20},      /* +49 30 1234567 */
	{PH_NATIONAL, '-', ' ', false, 8},   /* 030-1234567 */
	{PH_NATIONAL, ' ', ' ', true, 7},    /* (030) 1234567 */
	{PH_PLUS_TRUNK, ' ', ' ', false, 5}, /* +49 (0)30 1234567 */
	{PH_00, ' ', ' ', false, 5},         /* 0049 30 1234567 */
};
static const phone_style fr_styles[] = {
	{PH_NATIONAL, ' ', ' ', false, 45},  /* 06 12 34 56 78 */
	{PH_PLUS, ' ', ' ', false, 20},      /* +33 6 12 34 56 78 */
	{PH_NATIONAL, 0, 0, false, 15},      /* 0612345678 */
	{PH_NATIONAL, '.', '.', false, 10},  /* 06.12.34.56.78 */
	{PH_PLUS_TRUNK, ' ', ' ', false, 5}, /* +33 (0)6 12 34 56 78 */
	{PH_PLUS, 0, 0, false, 5},           /* +33612345678 */
};
static const phone_style es_styles[] = {
	{PH_NATIONAL, ' ', ' ', false, 50}, /* 612 34 56 78 */
	{PH_PLUS, ' ', ' ', false, 20},     /* +34 612 34 56 78 */
	{PH_NATIONAL, 0, 0, false, 20},     /* 612345678 */
	{PH_00, ' ', ' ', false, 5},        /* 0034 612 34 56 78 */
	{PH_PLUS, 0, 0, false, 5},          /* +34612345678 */
};
static const phone_style jp_styles[] = {
	{PH_NATIONAL, '-', '-', false, 55}, /* 03-1234-5678 */
	{PH_PLUS, '-', '-', false, 10},     /* +81 3-1234-5678 */
	{PH_PLUS, ' ', ' ', false, 10},     /* +81 3 1234 5678 */
	{PH_NATIONAL, ' ', '-', true, 10},  /* (03) 1234-5678 */
	{PH_NATIONAL, 0, 0, false, 15},     /* 0312345678 */
};

#define CITIES(t) t, COUNT(t)
#define STYLES(t) t, COUNT(t)
static const country countries[N_COUNTRIES] = {
	[CT_US] = {"US", 40,
		{{"United States", 38}, {"USA", 25}, {"US", 14}, {"U.S.", 6}, {"United States of America", 6}, {"U.S.A.", 4}, {"us", 3}, {"America", 2}},
		CITIES(us_cities), "1", "", {{0}, "", 0, {0}}, 0, STYLES(nanp_styles),
		{{POOL_ANGLO, 52}, {POOL_HISPANIC, 18}, {POOL_GAELIC, 7}, {POOL_GERMAN, 4}, {POOL_ITALIAN, 4}, {POOL_SOUTH_ASIAN, 4}, {POOL_CHINESE, 3}, {POOL_KOREAN, 2}, {POOL_VIETNAMESE, 2}, {POOL_POLISH, 2}, {POOL_JAPANESE, 1}, {POOL_NORDIC, 1}},
		{{"gmail.com", 40}, {"yahoo.com", 15}, {"outlook.com", 8}, {"icloud.com", 8}, {"hotmail.com", 7}, {"aol.com", 4}, {"comcast.net", 4}, {"att.net", 2}, {"protonmail.com", 2}, {"msn.com", 2}},
		"", DF_US, "USD", 1.0, 599, 3500, {55, 25, 20}},
	[CT_GB] = {"GB", 15,
		{{"United Kingdom", 40}, {"UK", 30}, {"GB", 10}, {"Great Britain", 6}, {"England", 6}, {"U.K.", 5}, {"uk", 3}},
		CITIES(gb_cities), "44", "0", {{"7700"}, "900", 6, {0}}, 55, STYLES(gb_styles),
		{{POOL_ANGLO, 60}, {POOL_GAELIC, 12}, {POOL_SOUTH_ASIAN, 10}, {POOL_POLISH, 5}, {POOL_CHINESE, 3}, {POOL_NORDIC, 2}, {POOL_FRENCH, 2}, {POOL_ITALIAN, 2}, {POOL_HISPANIC, 2}, {POOL_TURKISH, 2}},
		{{"gmail.com", 35}, {"hotmail.co.uk", 15}, {"yahoo.co.uk", 10}, {"outlook.com", 8}, {"btinternet.com", 8}, {"icloud.com", 7}, {"sky.com", 5}, {"live.co.uk", 5}, {"virginmedia.com", 4}},
		"ABDEFGHJLNPQRSTUWXYZ", DF_ISO, "GBP", 0.79, 399, 3000, {55, 25, 20}},
	[CT_DE] = {"DE", 13,
		{{"Germany", 42}, {"Deutschland", 22}, {"DE", 20}, {"GER", 5}, {"germany", 5}, {"BRD", 2}},
		CITIES(de_cities), "49", "0", {{"151", "160", "170", "171", "176", "179"}, "", 8, {0}}, 60, STYLES(de_styles),
		{{POOL_GERMAN, 72}, {POOL_TURKISH, 10}, {POOL_POLISH, 7}, {POOL_ITALIAN, 3}, {POOL_NORDIC, 3}, {POOL_FRENCH, 2}, {POOL_VIETNAMESE, 2}, {POOL_ANGLO, 1}},
		{{"gmail.com", 30}, {"gmx.de", 22}, {"web.de", 22}, {"t-online.de", 12}, {"outlook.de", 5}, {"yahoo.de", 4}, {"posteo.de", 3}},
		"", DF_DE, "EUR", 0.92, 490, 4000, {55, 20, 25}},
	[CT_FR] = {"FR", 12,
		{{"France", 70}, {"FR", 22}, {"france", 5}, {"FRA", 3}},
		CITIES(fr_cities), "33", "0", {{"6", "7"}, "", 8, {2, 2, 2, 2}}, 65, STYLES(fr_styles),
		{{POOL_FRENCH, 80}, {POOL_ITALIAN, 5}, {POOL_HISPANIC, 4}, {POOL_VIETNAMESE, 3}, {POOL_GERMAN, 2}, {POOL_CHINESE, 2}, {POOL_ANGLO, 2}, {POOL_POLISH, 2}},
		{{"gmail.com", 35}, {"orange.fr", 18}, {"hotmail.fr", 12}, {"free.fr", 10}, {"laposte.net", 8}, {"sfr.fr", 7}, {"yahoo.fr", 6}, {"wanadoo.fr", 4}},
		"", DF_ISO, "EUR", 0.92, 490, 4000, {55, 25, 20}},
	[CT_ES] = {"ES", 8,
		{{"Spain", 40}, {"España", 30}, {"ES", 20}, {"Espana", 10}},
		CITIES(es_cities), "34", "", {{"6##", "6##", "6##", "71#", "72#"}, "", 6, {2, 2, 2}}, 70, STYLES(es_styles),
		{{POOL_HISPANIC, 88}, {POOL_ITALIAN, 3}, {POOL_ANGLO, 2}, {POOL_FRENCH, 2}, {POOL_GERMAN, 2}, {POOL_CHINESE, 2}, {POOL_NORDIC, 1}},
		{{"gmail.com", 45}, {"hotmail.com", 20}, {"yahoo.es", 10}, {"outlook.es", 8}, {"telefonica.net", 7}, {"icloud.com", 5}},
		"", DF_ISO, "EUR", 0.92, 490, 4000, {55, 25, 20}},
	[CT_CA] = {"CA", 9,
		{{"Canada", 70}, {"CA", 25}, {"CAN", 5}},
		CITIES(ca_cities), "1", "", {{0}, "", 0, {0}}, 0, STYLES(nanp_styles),
		{{POOL_ANGLO, 50}, {POOL_GAELIC, 10}, {POOL_FRENCH, 8}, {POOL_CHINESE, 8}, {POOL_SOUTH_ASIAN, 8}, {POOL_KOREAN, 3}, {POOL_VIETNAMESE, 3}, {POOL_ITALIAN, 3}, {POOL_POLISH, 3}, {POOL_NORDIC, 2}, {POOL_HISPANIC, 2}},
		{{"gmail.com", 40}, {"hotmail.com", 12}, {"yahoo.ca", 8}, {"outlook.com", 8}, {"icloud.com", 8}, {"rogers.com", 8}, {"shaw.ca", 6}, {"videotron.ca", 4}, {"sympatico.ca", 4}},
		"ABCEGHJKLMNPRSTVWXYZ", DF_US, "CAD", 1.36, 799, 5000, {55, 25, 20}},
	[CT_JP] = {"JP", 3,
		{{"Japan", 60}, {"JP", 25}, {"日本", 15}},
		CITIES(jp_cities), "81", "0", {{"90", "80", "70"}, "", 8, {4, 4}}, 70, STYLES(jp_styles),
		{{POOL_JAPANESE, 96}, {POOL_CHINESE, 2}, {POOL_KOREAN, 2}},
		{{"gmail.com", 30}, {"yahoo.co.jp", 25}, {"docomo.ne.jp", 12}, {"icloud.com", 12}, {"ezweb.ne.jp", 8}, {"softbank.ne.jp", 8}, {"outlook.jp", 5}},
		"", DF_ISO, "JPY", 150.0, 50000, 500000, {40, 45, 15}},
};

static int count_wtext(const wtext *t, int cap)
{
	int n = 0;
	while (n < cap && t[n].text)
		n++;
	return n;
}

static int count_pools(const pool_share *p, int cap)
{
	int n = 0;
	while (n < cap && p[n].weight)
		n++;
	return n;
}

static int count_strings(const char *const *s, int cap)
{
	int n = 0;
	while (n < cap && s[n])
		n++;
	return n;
}

/* ------------------------------------------------------------------------------ */
/* Reference tables: what the shop sells                                          */
/* ------------------------------------------------------------------------------ */

enum { N_CATEGORIES = 8 };
typedef struct {
	const char *name, *sku_prefix;
	int weight;
	double median_usd, sigma; /* log-normal price of one item */
	double p_more_items;      /* chance of one more item in the basket */
} category;

static const category categories[N_CATEGORIES] = {
	{"Electronics", "ELE", 15, 95.0, 0.95, 0.22},
	{"Books", "BOO", 14, 16.0, 0.45, 0.50},
	{"Home", "HOM", 16, 38.0, 0.80, 0.40},
	{"Fashion", "FAS", 20, 42.0, 0.60, 0.45},
	{"Sports", "SPO", 10, 40.0, 0.80, 0.30},
	{"Beauty", "BEA", 12, 22.0, 0.55, 0.50},
	{"Toys", "TOY", 7, 26.0, 0.70, 0.40},
	{"Grocery", "GRO", 6, 9.0, 0.60, 0.75},
};

enum { CH_WEB, CH_APP, CH_STORE, N_CHANNELS };
static const char *const channel_names[N_CHANNELS] = {"web", "app", "store"};

enum { DEV_DESKTOP, DEV_MOBILE, DEV_TABLET, N_DEVICES };
static const char *const device_names[N_DEVICES] = {"desktop", "mobile", "tablet"};

/* ------------------------------------------------------------------------------ */
/* People: the truth behind the customer rows                                     */
/* ------------------------------------------------------------------------------ */

typedef struct {
	char area[8], sub[16];
	const phone_plan *plan;
} phone_number;

typedef struct {
	int country, city, pool;
	char sex;       /* 'F' or 'M', from the given name */
	bool nonbinary; /* says so where the form offers it */
	bool script;    /* name written in Chinese, Japanese or Korean script */
	char first[64], first_ascii[64];
	char last[112], last_ascii[112];
	char email[128]; /* canonical, lower case */
	phone_number phone;
	char postcode[16];
	int birth_day, signup_day;
	bool consent;
	int household_of; /* the partner whose home and landline this person shares, or -1 */
	/* shopping behaviour */
	int n_orders;
	int fav_category[2];
	int channel_pref, device_pref;
	int rows[3], n_rows;
} person;

/* Keeps e-mail addresses and phone numbers unique across different people. */
static strset used_emails, used_phones;
static int phone_fallbacks; /* fiction range full: a random number was used instead */

static bool is_famous(const char *given_ascii, const char *family_ascii)
{
	for (int i = 0; i < COUNT(famous_names); i++)
		if (strcmp(famous_names[i].given, given_ascii) == 0 &&
			strcmp(famous_names[i].family, family_ascii) == 0)
			return true;
	return false;
}

static const given_name *pick_given(rng *r, const name_pool *pool, char sex)
{
	for (;;) {
		const given_name *g = &pool->given[rng_below(r, (uint64_t)pool->n_given)];
		if (g->sex == sex)
			return g;
	}
}

static const char *ascii_of(const char *name, const char *ascii)
{
	return ascii ? ascii : name;
}

/* Kowalski -> Kowalska, Gorecki -> Gorecka: Polish surnames agree with the bearer. */
static void feminize_polish(char *s)
{
	size_t n = strlen(s);
	if (n >= 3 && (strcmp(s + n - 3, "ski") == 0 || strcmp(s + n - 3, "cki") == 0))
		s[n - 1] = 'a';
}

/* One surname, or two for a Spaniard or a double-barrelled Briton. */
static void person_family_name(rng *r, person *p, const name_pool *pool, bool drop_diacritics)
{
	const family_name *f = &pool->family[rng_below(r, (uint64_t)pool->n_family)];
	bool spanish = p->pool == POOL_HISPANIC && p->country == CT_ES;
	const family_name *f2 = NULL;
	if ((spanish && rng_chance(r, 0.85)) || rng_chance(r, pool->double_barrel_pct / 100.0))
		do
			f2 = &pool->family[rng_below(r, (uint64_t)pool->n_family)];
		while (f2 == f);
	const char *joiner = spanish ? " " : "-";
	const char *a1 = ascii_of(f->name, f->ascii);
	const char *n1 = p->script ? f->name : (drop_diacritics || pool->native_script) ? a1 : f->name;
	sfmt(p->last_ascii, sizeof p->last_ascii, "%s", a1);
	sfmt(p->last, sizeof p->last, "%s", n1);
	if (f2) {
		const char *a2 = ascii_of(f2->name, f2->ascii);
		sappend(p->last_ascii, sizeof p->last_ascii, "%s%s", joiner, a2);
		sappend(p->last, sizeof p->last, "%s%s", joiner, drop_diacritics ? a2 : f2->name);
	}
	if (p->pool == POOL_POLISH && p->sex == 'F') {
		feminize_polish(p->last);
		feminize_polish(p->last_ascii);
	}
}

static void person_name(rng *r, person *p)
{
	const country *c = &countries[p->country];
	const city *ct = &c->cities[p->city];
	if (ct->local_pool_pct && rng_chance(r, ct->local_pool_pct / 100.0))
		p->pool = ct->local_pool;
	else
		p->pool = c->pools[PICK(r, c->pools, count_pools(c->pools, 12))].pool;
	const name_pool *pool = &pools[p->pool];
	bool abroad = !(pool->home & IN(p->country));
	for (int attempt = 0; attempt < 50; attempt++) {
		p->sex = rng_chance(r, 0.5) ? 'F' : 'M';
		bool western = abroad && rng_chance(r, pool->abroad_western_pct / 100.0);
		const name_pool *given_pool = western ? &pools[c->pools[0].pool] : pool;
		const given_name *g = pick_given(r, given_pool, p->sex);
		p->script = !western && pool->native_script &&
			rng_chance(r, p->country == CT_JP ? 0.75 : 0.15);
		bool drop = abroad && rng_chance(r, pool->abroad_ascii_pct / 100.0);
		const char *ga = ascii_of(g->name, g->ascii);
		sfmt(p->first_ascii, sizeof p->first_ascii, "%s", ga);
		sfmt(p->first, sizeof p->first, "%s",
			p->script ? g->name : (drop || given_pool->native_script) ? ga : g->name);
		person_family_name(r, p, pool, drop);
		if (!is_famous(p->first_ascii, p->last_ascii))
			return;
	}
	fatal("internal: could not draw a name that is not famous");
}

/* Writes a fresh address for the person into out; unique across the whole file. */
static void make_email(rng *r, const person *p, char *out, size_t cap)
{
	static const int pattern_weights[] = {30, 12, 5, 10, 7, 12, 6, 4, 6, 4};
	const country *c = &countries[p->country];
	char f[48], l[64], local[96];
	email_token(p->first_ascii, f, sizeof f, false);
	email_token(p->last_ascii, l, sizeof l, rng_chance(r, 0.4));
	int by, bm, bd;
	civil_from_days(p->birth_day, &by, &bm, &bd);
	switch (pick_int_weights(r, pattern_weights, COUNT(pattern_weights))) {
	case 0: sfmt(local, sizeof local, "%s.%s", f, l); break;
	case 1: sfmt(local, sizeof local, "%s%s", f, l); break;
	case 2: sfmt(local, sizeof local, "%s_%s", f, l); break;
	case 3: sfmt(local, sizeof local, "%s.%s%02d", f, l, rng_int(r, 1, 99)); break;
	case 4: sfmt(local, sizeof local, "%s%02d", f, by % 100); break;
	case 5: sfmt(local, sizeof local, "%c%s", f[0], l); break;
	case 6: sfmt(local, sizeof local, "%s.%s%d", f, l, by); break;
	case 7: sfmt(local, sizeof local, "%s.%s", l, f); break;
	case 8: sfmt(local, sizeof local, "%c.%s", f[0], l); break;
	default: sfmt(local, sizeof local, "%s%c", l, f[0]); break;
	}
	local[40] = '\0'; /* providers cap the length; so does patience */
	const char *domain = c->email_domains[PICK(r, c->email_domains, count_wtext(c->email_domains, 10))].text;
	sfmt(out, cap, "%s@%s", local, domain);
	while (!strset_add(&used_emails, out))
		sfmt(out, cap, "%s%d@%s", local, rng_int(r, 2, 999), domain);
}

/* Area code and subscriber digits; '#' in an area code is a random digit. */
static void draw_number(rng *r, const phone_plan *plan, bool use_prefix, phone_number *out)
{
	const char *area = plan->area[rng_below(r, (uint64_t)count_strings(plan->area, 6))];
	size_t i;
	for (i = 0; area[i] && i + 1 < sizeof out->area; i++)
		out->area[i] = area[i] == '#' ? (char)('0' + rng_int(r, 0, 9)) : area[i];
	out->area[i] = '\0';
	const char *prefix = use_prefix ? plan->prefix : "";
	int n = 0;
	for (; prefix[n]; n++)
		out->sub[n] = prefix[n];
	for (; n < plan->len; n++)
		out->sub[n] = (char)('0' + (n == 0 ? rng_int(r, 2, 9) : rng_int(r, 0, 9)));
	out->sub[n] = '\0';
	out->plan = plan;
}

static void make_phone(rng *r, person *p)
{
	const country *c = &countries[p->country];
	bool mobile = c->mobile_pct && rng_chance(r, c->mobile_pct / 100.0);
	const phone_plan *plan = mobile ? &c->mobile : &c->cities[p->city].landline;
	char key[40];
	for (int attempt = 0; attempt < 400; attempt++) {
		bool fiction = attempt < 40 || !plan->prefix[0];
		if (!fiction && attempt == 40)
			phone_fallbacks++;
		draw_number(r, plan, fiction, &p->phone);
		if (!fiction && strncmp(p->phone.sub, "555", 3) == 0)
			continue;
		sfmt(key, sizeof key, "+%s%s%s", c->cc, p->phone.area, p->phone.sub);
		if (strset_add(&used_phones, key))
			return;
	}
	fatal("internal: no free phone number in %s", c->cities[p->city].name);
}

static void make_postcode(rng *r, const country *c, const city *ct, char *out, size_t cap)
{
	const char *pattern = ct->postcode[rng_below(r, (uint64_t)count_strings(ct->postcode, 8))];
	size_t i;
	int n_letters = (int)strlen(c->postcode_letters);
	for (i = 0; pattern[i] && i + 1 < cap; i++) {
		char ch = pattern[i];
		if (ch == '#')
			ch = (char)('0' + rng_int(r, 0, 9));
		else if (ch == '@')
			ch = (char)('0' + rng_int(r, 1, 9));
		else if (ch == '?' && n_letters)
			ch = c->postcode_letters[rng_int(r, 0, n_letters - 1)];
		out[i] = ch;
	}
	out[i] = '\0';
}

static void make_person(rng *r, person *p, const day_sampler *signups)
{
	*p = (person){0};
	p->household_of = -1;
	p->country = PICK(r, countries, N_COUNTRIES);
	const country *c = &countries[p->country];
	p->city = PICK(r, c->cities, c->n_cities);
	person_name(r, p);
	p->nonbinary = rng_chance(r, 0.012);

	/* Ages as of the export: adults, centred on the early forties. */
	int age = (int)round_to_int64(41.0 + 14.0 * rng_normal(r));
	age = age < 18 ? 18 + rng_int(r, 0, 6) : age > 89 ? 89 : age;
	p->birth_day = rng_int(r, days_from_civil(EXPORT_Y - age, 1, 1),
		days_from_civil(EXPORT_Y - age, 12, 31));
	int by, bm, bd;
	civil_from_days(p->birth_day, &by, &bm, &bd);
	int adult = days_from_civil(by + 18, bm, bd);
	p->signup_day = day_sample(r, signups);
	if (p->signup_day < adult)
		p->signup_day = rng_int(r, adult, day_2025_12_31);

	make_email(r, p, p->email, sizeof p->email);
	make_phone(r, p);
	make_postcode(r, c, &c->cities[p->city], p->postcode, sizeof p->postcode);
	p->consent = rng_chance(r, 0.62);
	p->fav_category[0] = PICK(r, categories, N_CATEGORIES);
	p->fav_category[1] = PICK(r, categories, N_CATEGORIES);
	p->channel_pref = pick_int_weights(r, c->channel_weights, N_CHANNELS);
	static const int device_weights[N_DEVICES] = {45, 45, 10};
	p->device_pref = pick_int_weights(r, device_weights, N_DEVICES);
}

/*
 * Partners: same surname, home and landline, a different first name and birthday.
 * They are different people, so they are hard negatives for dedupe: a matcher that
 * leans on phone and address alone will merge them.
 */
static void make_household(rng *r, person *people, int a, int b)
{
	person *pa = &people[a], *pb = &people[b];
	const name_pool *pool = &pools[pa->pool];
	pb->country = pa->country;
	pb->city = pa->city;
	pb->pool = pa->pool;
	pb->script = pa->script;
	pb->sex = pa->sex == 'F' ? (rng_chance(r, 0.9) ? 'M' : 'F') : (rng_chance(r, 0.9) ? 'F' : 'M');
	do {
		const given_name *g = pick_given(r, pool, pb->sex);
		const char *ga = ascii_of(g->name, g->ascii);
		sfmt(pb->first_ascii, sizeof pb->first_ascii, "%s", ga);
		sfmt(pb->first, sizeof pb->first, "%s",
			pb->script ? g->name : pool->native_script ? ga : g->name);
	} while (strcmp(pb->first_ascii, pa->first_ascii) == 0 ||
		is_famous(pb->first_ascii, pa->last_ascii));
	memcpy(pb->last, pa->last, sizeof pb->last);
	memcpy(pb->last_ascii, pa->last_ascii, sizeof pb->last_ascii);
	memcpy(pb->postcode, pa->postcode, sizeof pb->postcode);
	pb->phone = pa->phone;
	pb->birth_day = pa->birth_day + rng_int(r, -6 * 365, 6 * 365);
	if (pb->birth_day > days_from_civil(EXPORT_Y - 18, 12, 31))
		pb->birth_day = days_from_civil(EXPORT_Y - 18, 12, 31) - rng_int(r, 0, 300);
	make_email(r, pb, pb->email, sizeof pb->email);
	pb->household_of = a;
	pa->household_of = b;
}

/* ------------------------------------------------------------------------------ */
/* Customer rows: how each source system writes a person down                     */
/* ------------------------------------------------------------------------------ */

/*
 * Where a row came from decides its spelling of dates, consent and gender, as in a
 * real CRM fed by several systems. The legacy CRM was migrated in 2022, so only older
 * sign-ups come from it.
 */
typedef enum { SRC_WEB, SRC_APP, SRC_STORE, SRC_LEGACY, N_SOURCES } source;

static const int source_weights[N_SOURCES] = {45, 20, 20, 15};
static const char *const consent_labels[N_SOURCES][2] = {
	{"false", "true"}, {"0", "1"}, {"no", "yes"}, {"denied", "granted"}};
static const int consent_blank_pct[N_SOURCES] = {3, 5, 12, 20};
/* female, male, non-binary */
static const char *const gender_labels[N_SOURCES][3] = {
	{"female", "male", "non-binary"}, {"F", "M", "X"}, {"Female", "Male", "Other"},
	{"f", "m", "u"}};
static const int gender_blank_pct[N_SOURCES] = {5, 4, 10, 15};
static const char *const tier_names[] = {"Bronze", "Silver", "Gold", "Platinum"};

typedef struct {
	int person, dup_rank, signup_day;
	source src;
	uint64_t sort_key; /* random order among rows that signed up the same day */
	char customer_id[8];
	char first_name[128], last_name[160], email[160], phone[56], city[64], country[40],
		postcode[24], birth_date[24], signup_date[32], age[8], gender[24], consent[16];
	int phone_style; /* index into the country's styles; -1 when the phone is blank */
	bool first_is_nick;
	/* filled in from the orders */
	int n_orders;
	int64_t spend_usd_cents;
	int tier; /* -1: none */
} customer_row;

static const char *nickname_of(rng *r, const char *formal)
{
	int matches[4], n = 0;
	for (int i = 0; i < COUNT(nicknames) && n < 4; i++)
		if (strcmp(nicknames[i].formal, formal) == 0)
			matches[n++] = i;
	return n ? nicknames[matches[rng_below(r, (uint64_t)n)]].nick : NULL;
}

static void phone_format(char *out, size_t cap, const country *c, const phone_number *ph,
	const phone_style *st)
{
	bool compact = !st->area_sep && !st->sep;
	const char *cc_sep = compact ? "" : " ";
	out[0] = '\0';
	switch (st->prefix) {
	case PH_NATIONAL:
		sappend(out, cap, st->paren ? "(%s%s)" : "%s%s", c->trunk, ph->area);
		break;
	case PH_PLUS:
		sappend(out, cap, st->paren ? "+%s%s(%s)" : "+%s%s%s", c->cc, cc_sep, ph->area);
		break;
	case PH_PLUS_TRUNK:
		sappend(out, cap, "+%s (%s)%s", c->cc, c->trunk, ph->area);
		break;
	case PH_00:
		sappend(out, cap, "00%s%s%s", c->cc, cc_sep, ph->area);
		break;
	case PH_NANP_ONE:
		sappend(out, cap, "1%c%s", st->area_sep, ph->area);
		break;
	}
	if (st->area_sep)
		sappend(out, cap, "%c", st->area_sep);
	const phone_plan *plan = ph->plan;
	int pos = 0, len = (int)strlen(ph->sub);
	for (int g = 0; g < 4 && plan->groups[g] && pos + plan->groups[g] < len; g++) {
		sappend(out, cap, "%.*s", plan->groups[g], ph->sub + pos);
		if (st->sep)
			sappend(out, cap, "%c", st->sep);
		pos += plan->groups[g];
	}
	sappend(out, cap, "%s", ph->sub + pos);
}

static void render_phone(rng *r, customer_row *row, const person *p, int style)
{
	const country *c = &countries[p->country];
	row->phone_style = style;
	phone_format(row->phone, sizeof row->phone, c, &p->phone, &c->styles[style]);
	/* A few office numbers with an extension, as people type them into store forms. */
	if (c->cc[0] == '1' && row->src == SRC_STORE && rng_chance(r, 0.03))
		sappend(row->phone, sizeof row->phone, " x%d", rng_int(r, 100, 4999));
}

/* E-mail as typed: case, stray blanks, and now and then something invalid. */
static void render_email(rng *r, customer_row *row, const char *address)
{
	static const char *const domain_typos[][2] = {{"gmail.com", "gmial.com"},
		{"gmail.com", "gmail.co"}, {"hotmail.com", "hotmial.com"},
		{"yahoo.com", "yahoo.con"}, {"outlook.com", "outlok.com"}};
	char *e = row->email;
	size_t cap = sizeof row->email;
	sfmt(e, cap, "%s", address);
	double u = rng_unit(r);
	if (u < 0.02) {
		utf8_recase(e, cap, CASE_UPPER);
	} else if (u < 0.06) { /* John.Smith@Gmail.com */
		bool start = true;
		for (char *q = e; *q; q++) {
			if (start && *q >= 'a' && *q <= 'z')
				*q = (char)(*q - 32);
			start = (*q == '.' || *q == '@' || *q == '_');
			if (*q == '@' && q[1] && rng_chance(r, 0.5))
				break;
		}
	} else if (u < 0.07) { /* broken: the validator's job */
		char *at = strchr(e, '@');
		int typo = -1;
		for (int i = 0; i < COUNT(domain_typos); i++)
			if (strcmp(at + 1, domain_typos[i][0]) == 0 && (typo < 0 || rng_chance(r, 0.5)))
				typo = i;
		int kind = rng_int(r, 0, 3);
		if (kind == 2 && typo < 0)
			kind = 3;
		switch (kind) {
		case 0:
			memmove(at + 1, at, strlen(at) + 1); /* john@@gmail.com */
			break;
		case 1:
			*at = ' '; /* john gmail.com */
			break;
		case 2: /* john@gmial.com: well-formed, but nobody's */
			sfmt(at + 1, cap - (size_t)(at + 1 - e), "%s", domain_typos[typo][1]);
			break;
		default:
			*strrchr(e, '.') = ','; /* john@gmail,com */
			break;
		}
	}
	u = rng_unit(r);
	if (u < 0.012) {
		memmove(e + 1, e, strlen(e) + 1);
		e[0] = ' ';
	} else if (u < 0.025) {
		sappend(e, cap, " ");
	}
}

static void render_birth_and_age(rng *r, customer_row *row, const person *p)
{
	int y, m, d;
	civil_from_days(p->birth_day, &y, &m, &d);
	double blank = row->src == SRC_STORE ? 0.08 : 0.035;
	double u = rng_unit(r);
	bool have_date = true, valid = true;
	if (u < blank) {
		have_date = false;
	} else if (row->dup_rank == 0 && u < blank + 0.004) {
		y = 1900, m = 1, d = 1; /* the legacy form's placeholder */
	} else if (row->dup_rank == 0 && u < blank + 0.0055) {
		/* Impossible days: what a form without a date picker accepts. */
		static const int short_months[] = {2, 4, 6, 9, 11};
		m = short_months[rng_int(r, 0, COUNT(short_months) - 1)];
		d = m == 2 ? rng_int(r, 30, 31) : 31;
	} else if (row->dup_rank == 0 && u < blank + 0.0065) {
		y += 100; /* 1987 typed as 2087 */
		valid = false;
	}
	const country *c = &countries[p->country];
	date_format f = DF_ISO;
	if (row->src == SRC_LEGACY && rng_chance(r, 0.35))
		f = c->store_dates;
	if (have_date)
		format_ymd(row->birth_date, sizeof row->birth_date, y, m, d, f);
	/* Age is stored, not derived: blank ~8%, otherwise it agrees with the date shown. */
	bool age_blank = have_date ? rng_chance(r, 0.063) : rng_chance(r, 0.5);
	if (!valid || age_blank)
		row->age[0] = '\0';
	else
		sfmt(row->age, sizeof row->age, "%d", age_on_export(y, m, d));
}

static void render_postcode(rng *r, customer_row *row, const person *p)
{
	char *pc = row->postcode;
	size_t cap = sizeof row->postcode;
	sfmt(pc, cap, "%s", p->postcode);
	if (rng_chance(r, 0.02)) {
		pc[0] = '\0';
		return;
	}
	char *space = strchr(pc, ' ');
	char *dash = strchr(pc, '-');
	if (space && rng_chance(r, 0.08))
		memmove(space, space + 1, strlen(space)); /* SW112AB */
	if (space && rng_chance(r, 0.04))
		utf8_recase(pc, cap, CASE_LOWER);
	if (dash && rng_chance(r, 0.10))
		memmove(dash, dash + 1, strlen(dash)); /* 1000005 */
	if (p->country == CT_US && rng_chance(r, 0.04))
		sappend(pc, cap, "-%04d", rng_int(r, 1, 9999)); /* ZIP+4 */
	/* The legacy CRM kept postcodes in a number column: Barcelona's 08001 became 8001. */
	if (row->src == SRC_LEGACY && pc[0] == '0' && strspn(pc, "0123456789") == strlen(pc))
		memmove(pc, pc + 1, strlen(pc));
}

static void render_city(rng *r, customer_row *row, const person *p)
{
	const city *ct = &countries[p->country].cities[p->city];
	int n_alias = count_strings(ct->alias, 3);
	const char *name = n_alias && rng_chance(r, 0.12) ?
		ct->alias[rng_below(r, (uint64_t)n_alias)] : ct->name;
	sfmt(row->city, sizeof row->city, "%s", name);
	double u = rng_unit(r);
	if (u < 0.03)
		utf8_recase(row->city, sizeof row->city, CASE_UPPER);
	else if (u < 0.04)
		utf8_recase(row->city, sizeof row->city, CASE_LOWER);
	else if (u < 0.05)
		sappend(row->city, sizeof row->city, " ");
}

static void render_consent(rng *r, customer_row *row, bool consent)
{
	if (rng_chance(r, consent_blank_pct[row->src] / 100.0))
		row->consent[0] = '\0';
	else if (row->src == SRC_STORE && rng_chance(r, 0.2))
		sfmt(row->consent, sizeof row->consent, "%s", consent ? "Y" : "N");
	else
		sfmt(row->consent, sizeof row->consent, "%s", consent_labels[row->src][consent]);
}

static void render_gender(rng *r, customer_row *row, const person *p)
{
	if (rng_chance(r, gender_blank_pct[row->src] / 100.0))
		row->gender[0] = '\0';
	else if (row->src == SRC_WEB && rng_chance(r, 0.01))
		sfmt(row->gender, sizeof row->gender, "prefer not to say");
	else
		sfmt(row->gender, sizeof row->gender, "%s",
			gender_labels[row->src][p->nonbinary ? 2 : p->sex == 'F' ? 0 : 1]);
}

/* Everything about a row that any row of this person could look like. */
static void render_row(rng *r, customer_row *row, const person *p)
{
	const country *c = &countries[p->country];

	/* Names: some people sign up as Bob; the legacy CRM shouted in capitals. */
	const char *nick = p->script ? NULL : nickname_of(r, p->first);
	row->first_is_nick = nick && rng_chance(r, 0.08) &&
		!is_famous(nick, p->last_ascii);
	sfmt(row->first_name, sizeof row->first_name, "%s", row->first_is_nick ? nick : p->first);
	if (nick && !row->first_is_nick && row->src == SRC_LEGACY && rng_chance(r, 0.08))
		sappend(row->first_name, sizeof row->first_name, " \"%s\"", nick); /* Robert "Bob" */
	sfmt(row->last_name, sizeof row->last_name, "%s", p->last);
	bool shouting = row->src == SRC_LEGACY && rng_chance(r, 0.2);
	if (shouting) {
		utf8_recase(row->first_name, sizeof row->first_name, CASE_UPPER);
		utf8_recase(row->last_name, sizeof row->last_name, CASE_UPPER);
	} else if (row->src == SRC_WEB && rng_chance(r, 0.02)) {
		utf8_recase(row->first_name, sizeof row->first_name, CASE_LOWER);
		utf8_recase(row->last_name, sizeof row->last_name, CASE_LOWER);
	} else if (rng_chance(r, 0.005)) {
		sappend(row->first_name, sizeof row->first_name, " ");
	}

	if (rng_chance(r, row->src == SRC_STORE ? 0.07 : 0.035))
		row->email[0] = '\0';
	else
		render_email(r, row, p->email);

	if (rng_chance(r, row->src == SRC_LEGACY ? 0.10 : row->src == SRC_APP ? 0.01 : 0.035)) {
		row->phone[0] = '\0';
		row->phone_style = -1;
	} else {
		render_phone(r, row, p, PICK(r, c->styles, c->n_styles));
	}

	render_city(r, row, p);
	const char *label = c->labels[PICK(r, c->labels, count_wtext(c->labels, 8))].text;
	sfmt(row->country, sizeof row->country, "%s", label);
	if (shouting)
		utf8_recase(row->country, sizeof row->country, CASE_UPPER);
	render_postcode(r, row, p);
	render_birth_and_age(r, row, p);

	static const date_format source_dates[N_SOURCES] = {DF_ISO, DF_SLASH_YMD, DF_ISO, DF_LONG};
	date_format f = row->src == SRC_STORE ? c->store_dates : source_dates[row->src];
	format_day(row->signup_date, sizeof row->signup_date, row->signup_day, f);

	render_gender(r, row, p);
	render_consent(r, row, p->consent);
}

/*
 * What makes a planted duplicate: the same person, typed again somewhere else. Each
 * duplicate gets its phone in another style and its e-mail in another case, plus one
 * to three of these edits.
 */
typedef enum {
	EDIT_TYPO_FIRST, EDIT_TYPO_LAST, EDIT_NICKNAME, EDIT_STRIP_ACCENTS, EDIT_ROMANIZE,
	EDIT_CASE, EDIT_SWAP_NAMES, EDIT_NO_EMAIL, EDIT_OTHER_EMAIL, EDIT_NO_PHONE,
	EDIT_DROP_FIELDS, EDIT_CITY_ALIAS, N_EDITS
} dup_edit;

static const int dup_edit_weights[N_EDITS] = {18, 16, 16, 12, 10, 6, 4, 7, 7, 5, 10, 5};

static bool apply_edit(rng *r, customer_row *row, const person *p, const customer_row *orig,
	dup_edit edit)
{
	switch (edit) {
	case EDIT_TYPO_FIRST:
		return !p->script && utf8_typo(r, row->first_name, sizeof row->first_name, TYPO_SWAP);
	case EDIT_TYPO_LAST:
		return !p->script && utf8_typo(r, row->last_name, sizeof row->last_name,
			(typo_kind)rng_int(r, 0, 2));
	case EDIT_NICKNAME: {
		if (p->script)
			return false;
		const char *nick = nickname_of(r, p->first);
		if (!nick || is_famous(nick, p->last_ascii))
			return false;
		sfmt(row->first_name, sizeof row->first_name, "%s", orig->first_is_nick ? p->first : nick);
		return true;
	}
	case EDIT_STRIP_ACCENTS:
		if (p->script || (is_ascii(p->first) && is_ascii(p->last)))
			return false;
		sfmt(row->first_name, sizeof row->first_name, "%s", p->first_ascii);
		sfmt(row->last_name, sizeof row->last_name, "%s", p->last_ascii);
		return true;
	case EDIT_ROMANIZE:
		if (!p->script)
			return false;
		sfmt(row->first_name, sizeof row->first_name, "%s", p->first_ascii);
		sfmt(row->last_name, sizeof row->last_name, "%s", p->last_ascii);
		if (rng_chance(r, 0.3))
			utf8_recase(row->last_name, sizeof row->last_name, CASE_UPPER); /* Kenta SATO */
		return true;
	case EDIT_CASE: {
		if (p->script)
			return false;
		case_style cs = rng_chance(r, 0.6) ? CASE_UPPER : CASE_LOWER;
		utf8_recase(row->first_name, sizeof row->first_name, cs);
		utf8_recase(row->last_name, sizeof row->last_name, cs);
		return true;
	}
	case EDIT_SWAP_NAMES: {
		char tmp[sizeof row->first_name];
		sfmt(tmp, sizeof tmp, "%s", row->first_name);
		sfmt(row->first_name, sizeof row->first_name, "%s", row->last_name);
		sfmt(row->last_name, sizeof row->last_name, "%s", tmp);
		return true;
	}
	case EDIT_NO_EMAIL:
		row->email[0] = '\0';
		return true;
	case EDIT_OTHER_EMAIL: {
		char other[128];
		make_email(r, p, other, sizeof other);
		sfmt(row->email, sizeof row->email, "%s", other);
		return true;
	}
	case EDIT_NO_PHONE:
		row->phone[0] = '\0';
		row->phone_style = -1;
		return true;
	case EDIT_DROP_FIELDS:
		if (rng_chance(r, 0.6))
			row->birth_date[0] = row->age[0] = '\0';
		if (rng_chance(r, 0.5))
			row->postcode[0] = '\0';
		if (rng_chance(r, 0.4))
			row->gender[0] = '\0';
		if (rng_chance(r, 0.2))
			row->city[0] = '\0';
		return true;
	case EDIT_CITY_ALIAS: {
		const city *ct = &countries[p->country].cities[p->city];
		int n = count_strings(ct->alias, 3);
		if (!n)
			return false;
		sfmt(row->city, sizeof row->city, "%s", ct->alias[rng_below(r, (uint64_t)n)]);
		return true;
	}
	case N_EDITS:
		break;
	}
	return false;
}

static bool email_is_lower(const char *e)
{
	for (; *e; e++)
		if (*e >= 'A' && *e <= 'Z')
			return false;
	return true;
}

static void make_duplicate(rng *r, customer_row *row, const person *p, const customer_row *orig)
{
	render_row(r, row, p);
	const country *c = &countries[p->country];
	if (row->phone_style >= 0 && orig->phone_style >= 0 && c->n_styles > 1) {
		int style;
		do
			style = PICK(r, c->styles, c->n_styles);
		while (style == orig->phone_style);
		render_phone(r, row, p, style);
	}
	if (row->email[0] && orig->email[0]) {
		/* The same address in another case: JOHN.SMITH@GMAIL.COM or John.smith@... */
		sfmt(row->email, sizeof row->email, "%s", p->email);
		if (email_is_lower(orig->email) && rng_chance(r, 0.4))
			utf8_recase(row->email, sizeof row->email, CASE_UPPER);
		else if (email_is_lower(orig->email) && row->email[0] >= 'a' && row->email[0] <= 'z')
			row->email[0] = (char)(row->email[0] - 32);
	}
	int n_edits = 1 + rng_chance(r, 0.45);
	n_edits += rng_chance(r, 0.2);
	for (int done = 0, attempts = 0; done < n_edits && attempts < 30; attempts++)
		done += apply_edit(r, row, p, orig,
			(dup_edit)pick_int_weights(r, dup_edit_weights, N_EDITS));
	/* People change their minds about marketing between sign-ups. */
	if (rng_chance(r, 0.2))
		render_consent(r, row, !p->consent);
}

static source pick_source(rng *r, int signup_day)
{
	for (;;) {
		source s = (source)pick_int_weights(r, source_weights, N_SOURCES);
		if (s != SRC_LEGACY || signup_day < day_legacy_migration)
			return s;
	}
}

typedef struct {
	customer_row *v;
	int n;
	int *by_id; /* row indexes in customer_id order */
} customer_table;

static const customer_row *sort_rows; /* qsort has no context argument */

static int compare_rows_by_signup(const void *a, const void *b)
{
	int i = *(const int *)a, j = *(const int *)b;
	const customer_row *x = &sort_rows[i], *y = &sort_rows[j];
	if (x->signup_day != y->signup_day)
		return x->signup_day < y->signup_day ? -1 : 1;
	if (x->sort_key != y->sort_key)
		return x->sort_key < y->sort_key ? -1 : 1;
	return (i > j) - (i < j);
}

/*
 * One row per person, then the planted duplicates: a later sign-up (or the same day
 * in another channel) of the same person. Ids are handed out in sign-up order, as a
 * CRM's sequence would, so a duplicate's id is usually well after the original's.
 */
static customer_table build_customers(rng *r, person *people)
{
	customer_table t = {0};
	t.v = xcalloc(N_PERSONS + N_DUP_PERSONS + N_TRIPLE_PERSONS, sizeof *t.v);
	for (int i = 0; i < N_PERSONS; i++) {
		person *p = &people[i];
		customer_row *row = &t.v[t.n];
		row->person = i;
		row->signup_day = p->signup_day;
		row->src = pick_source(r, row->signup_day);
		row->sort_key = rng_next(r);
		render_row(r, row, p);
		p->rows[p->n_rows++] = t.n++;
	}

	int *perm = xcalloc(N_PERSONS, sizeof *perm);
	for (int i = 0; i < N_PERSONS; i++)
		perm[i] = i;
	for (int k = 0; k < N_DUP_PERSONS; k++) {
		int j = rng_int(r, k, N_PERSONS - 1), tmp = perm[k];
		perm[k] = perm[j];
		perm[j] = tmp;
	}
	for (int k = 0; k < N_DUP_PERSONS; k++) {
		person *p = &people[perm[k]];
		int copies = k < N_TRIPLE_PERSONS ? 2 : 1;
		for (int c = 0; c < copies; c++) {
			customer_row *row = &t.v[t.n];
			int prev = t.v[p->rows[p->n_rows - 1]].signup_day;
			row->person = perm[k];
			row->dup_rank = p->n_rows;
			row->signup_day = rng_chance(r, 0.25) ? prev :
				prev + 1 + (int)rng_lognormal(r, 150.0, 1.0);
			if (row->signup_day > day_2025_12_31)
				row->signup_day = day_2025_12_31;
			row->src = pick_source(r, row->signup_day);
			row->sort_key = rng_next(r);
			make_duplicate(r, row, p, &t.v[p->rows[0]]);
			p->rows[p->n_rows++] = t.n++;
		}
	}
	free(perm);

	t.by_id = xcalloc((size_t)t.n, sizeof *t.by_id);
	for (int i = 0; i < t.n; i++)
		t.by_id[i] = i;
	sort_rows = t.v;
	qsort(t.by_id, (size_t)t.n, sizeof *t.by_id, compare_rows_by_signup);
	for (int k = 0; k < t.n; k++)
		sfmt(t.v[t.by_id[k]].customer_id, sizeof t.v[0].customer_id, "C%05d", k + 1);
	return t;
}

/* ------------------------------------------------------------------------------ */
/* Orders                                                                         */
/* ------------------------------------------------------------------------------ */

typedef enum { ST_COMPLETED, ST_PENDING, ST_CANCELLED, ST_REFUNDED, ST_REFUND, N_STATUSES } order_status;
static const char *const status_names[N_STATUSES] = {"completed", "pending", "cancelled",
	"refunded", "refund"};

typedef struct {
	int64_t ts;
	int row, category, items, channel, product;
	order_status status;
	int currency;   /* the country whose currency the amount is in */
	int64_t amount; /* minor units; negative on refund rows */
	uint32_t seq;
} order;

typedef struct {
	order *v;
	int n, cap;
} order_list;

static void *grow(void *v, int *cap, size_t elem)
{
	*cap = *cap ? *cap * 2 : 4096;
	void *p = realloc(v, (size_t)*cap * elem);
	if (!p)
		fatal("out of memory");
	return p;
}

static order *push_order(order_list *l)
{
	if (l->n == l->cap)
		l->v = grow(l->v, &l->cap, sizeof *l->v);
	order *o = &l->v[l->n];
	*o = (order){0};
	o->seq = (uint32_t)l->n++;
	return o;
}

/*
 * How many orders each person places in 2024-25: 18% never order, 27% once, and the
 * rest draw from a Pareto tail, scaled by how much of the two years they were
 * customers. The scale is found by bisection so the total lands on TARGET_ORDERS.
 */
static void assign_order_counts(rng *r, person *people)
{
	double *weight = xcalloc(N_PERSONS, sizeof *weight);
	for (int i = 0; i < N_PERSONS; i++) {
		person *p = &people[i];
		int start = p->signup_day > day_2024_01_01 ? p->signup_day : day_2024_01_01;
		double active = (day_2025_12_31 - start + 1) / 731.0;
		double u = rng_unit(r), tail = rng_unit(r);
		if (u < 0.18) {
			weight[i] = -1.0; /* never */
		} else if (u < 0.45) {
			weight[i] = 0.0; /* once */
		} else {
			double w = det_exp(-det_log(1.0 - tail) / 1.5); /* Pareto, alpha 1.5 */
			weight[i] = (w > 200.0 ? 200.0 : w) * active;
		}
	}
	double lo = 0.0, hi = 1000.0;
	for (int iter = 0; iter < 80; iter++) {
		double mid = 0.5 * (lo + hi);
		long total = 0;
		for (int i = 0; i < N_PERSONS; i++) {
			if (weight[i] < 0.0)
				continue;
			long n = weight[i] == 0.0 ? 1 : 2 + (long)(mid * weight[i]);
			total += n > MAX_ORDERS_PER_PERSON ? MAX_ORDERS_PER_PERSON : n;
		}
		if (total >= TARGET_ORDERS)
			hi = mid;
		else
			lo = mid;
	}
	for (int i = 0; i < N_PERSONS; i++) {
		long n = weight[i] < 0.0 ? 0 : weight[i] == 0.0 ? 1 : 2 + (long)(hi * weight[i]);
		people[i].n_orders = (int)(n > MAX_ORDERS_PER_PERSON ? MAX_ORDERS_PER_PERSON : n);
	}
	free(weight);
}

/* Popular products get most of the traffic: a quadratic head over the catalogue. */
static int pick_product(rng *r)
{
	double u = rng_unit(r);
	return (int)(PRODUCTS_PER_CATEGORY * u * u);
}

/* One item's shelf price in minor units, with the shop's .99 / ¥..80 price endings. */
static int64_t item_price(rng *r, const category *cat, const country *cur)
{
	double local = rng_lognormal(r, cat->median_usd, cat->sigma) * cur->per_usd;
	if (cur->per_usd >= 100.0) { /* yen: no minor unit */
		int64_t yen = (int64_t)(local / 100.0) * 100 + 80;
		return yen * 100;
	}
	int64_t units = (int64_t)local;
	double u = rng_unit(r);
	int64_t cents = u < 0.70 ? units * 100 + 99 : u < 0.85 ? units * 100 + 49 : round_to_int64(local * 100.0);
	return cents < 99 ? 99 : cents;
}

static int64_t order_amount(rng *r, order *o, const category *cat, const country *cur)
{
	bool yen = cur->per_usd >= 100.0;
	int64_t amount = 0;
	if (rng_chance(r, 0.0015)) {
		/* A bulk order (an office kitting out its staff): the outliers command's prey. */
		o->items = rng_int(r, 20, 60);
		amount = item_price(r, cat, cur) * o->items;
	} else {
		o->items = rng_geometric(r, cat->p_more_items, 12);
		for (int i = 0; i < o->items; i++)
			amount += item_price(r, cat, cur);
	}
	if (rng_chance(r, 0.12)) { /* a promo code: 10, 15 or 20% off */
		int pct = 10 + 5 * rng_int(r, 0, 2);
		amount = (amount * (100 - pct) + 50) / 100;
		if (yen)
			amount = amount / 100 * 100;
	}
	if (o->channel != CH_STORE && amount < cur->free_shipping_over)
		amount += cur->shipping_fee;
	return amount;
}

static order_list generate_orders(rng *r, person *people, customer_table *customers)
{
	order_list l = {0};
	day_sampler all = day_sampler_make(day_2024_01_01, day_2025_12_31, shopping_day_weight);
	int64_t end_ts = (int64_t)(day_2025_12_31 + 1) * 86400;
	for (int i = 0; i < N_PERSONS; i++) {
		person *p = &people[i];
		const country *c = &countries[p->country];
		day_sampler mine = all; /* the full range's maximum still bounds a sub-range */
		if (p->signup_day > mine.lo)
			mine.lo = p->signup_day;
		for (int k = 0; k < p->n_orders; k++) {
			int day = day_sample(r, &mine);
			order *o = push_order(&l);
			o->channel = rng_chance(r, 0.7) ? p->channel_pref :
				pick_int_weights(r, c->channel_weights, N_CHANNELS);
			o->ts = timestamp_in_day(r, day,
				o->channel == CH_STORE ? hour_weight_store : hour_weight_online);
			/* Orders go to whichever of the person's accounts existed then. */
			int candidates[3], n = 0;
			for (int j = 0; j < p->n_rows; j++)
				if (customers->v[p->rows[j]].signup_day <= day)
					candidates[n++] = p->rows[j];
			o->row = candidates[rng_below(r, (uint64_t)n)];
			o->category = rng_chance(r, 0.6) ? p->fav_category[rng_int(r, 0, 1)] :
				PICK(r, categories, N_CATEGORIES);
			o->product = pick_product(r);
			/* Cross-border web orders are sometimes charged in dollars. */
			o->currency = p->country != CT_US && o->channel != CH_STORE && rng_chance(r, 0.01) ?
				CT_US : p->country;
			const country *cur = &countries[o->currency];
			o->amount = order_amount(r, o, &categories[o->category], cur);

			double u = rng_unit(r);
			if (o->ts >= end_ts - 2 * 86400 && rng_chance(r, 0.7)) {
				o->status = ST_PENDING;
			} else if (u < 0.012) {
				o->status = ST_CANCELLED;
			} else if (u < 0.022) {
				o->status = ST_REFUNDED; /* refunded in full, on the order itself */
			} else if (u < 0.032) {
				/* Refunded later as a row of its own: the whole order or one item. */
				int64_t ts = o->ts + (int64_t)rng_int(r, 2, 45) * 86400;
				ts += rng_int(r, 0, 28800);
				if (ts < end_ts) {
					order base = *o;
					order *ref = push_order(&l);
					uint32_t seq = ref->seq;
					*ref = base;
					ref->seq = seq;
					ref->ts = ts;
					ref->status = ST_REFUND;
					bool full = base.items == 1 || rng_chance(r, 0.5);
					int64_t back = full ? base.amount : base.amount / base.items;
					if (countries[base.currency].per_usd >= 100.0)
						back = back / 100 * 100;
					ref->amount = -back;
					ref->items = -(full ? base.items : 1);
				}
			}
		}
	}
	return l;
}

static int compare_orders(const void *a, const void *b)
{
	const order *x = a, *y = b;
	if (x->ts != y->ts)
		return x->ts < y->ts ? -1 : 1;
	return (x->seq > y->seq) - (x->seq < y->seq);
}

/*
 * Loyalty tiers follow spend, as the loyalty programme computes them: the top 3% of
 * spenders are Platinum, the next 9% Gold, the next 25% Silver, the rest Bronze.
 * Accounts without orders are mostly tierless; some were enrolled at sign-up.
 */
static const customer_row *tier_rows;
static int compare_by_spend(const void *a, const void *b)
{
	int i = *(const int *)a, j = *(const int *)b;
	if (tier_rows[i].spend_usd_cents != tier_rows[j].spend_usd_cents)
		return tier_rows[i].spend_usd_cents > tier_rows[j].spend_usd_cents ? -1 : 1;
	return (i > j) - (i < j);
}

static void assign_tiers(rng *r, customer_table *t, const order_list *orders)
{
	for (int i = 0; i < orders->n; i++) {
		const order *o = &orders->v[i];
		customer_row *row = &t->v[o->row];
		if (o->status != ST_REFUND)
			row->n_orders++;
		if (o->status == ST_COMPLETED || o->status == ST_PENDING || o->status == ST_REFUND)
			row->spend_usd_cents += round_to_int64(o->amount / countries[o->currency].per_usd);
	}
	int *buyers = xcalloc((size_t)t->n, sizeof *buyers), n = 0;
	for (int i = 0; i < t->n; i++) {
		t->v[i].tier = -1;
		if (t->v[i].spend_usd_cents > 0)
			buyers[n++] = i;
		else if (rng_chance(r, 0.35))
			t->v[i].tier = 0;
	}
	tier_rows = t->v;
	qsort(buyers, (size_t)n, sizeof *buyers, compare_by_spend);
	for (int k = 0; k < n; k++) {
		double rank = (double)k / n;
		t->v[buyers[k]].tier = rank < 0.03 ? 3 : rank < 0.12 ? 2 : rank < 0.37 ? 1 : 0;
	}
	free(buyers);
}

/* ------------------------------------------------------------------------------ */
/* Web and app events, Q4 2025                                                    */
/* ------------------------------------------------------------------------------ */

enum { EV_PAGE_VIEW, EV_PRODUCT_VIEW, EV_ADD_TO_CART, EV_PURCHASE, N_EVENT_TYPES };
static const char *const event_names[N_EVENT_TYPES] = {"page_view", "product_view",
	"add_to_cart", "purchase"};
#define NO_CATEGORY N_CATEGORIES

typedef struct {
	int64_t ts;
	int session, row, product; /* row -1: anonymous; product -1: none */
	uint8_t type, category, device;
	uint32_t seq;
} event;

typedef struct {
	event *v;
	int n, cap, sessions;
} event_list;

typedef struct {
	uint8_t type, category;
	int product;
} step;

enum { MAX_STEPS = 24 };

static int random_category_near(rng *r, int interest)
{
	return rng_chance(r, 0.8) ? interest : PICK(r, categories, N_CATEGORIES);
}

/*
 * The clicks of one visit: a landing page, then page and product views in some order,
 * then cart adds of viewed products, then (when bought >= 0) the purchase.
 */
static int build_steps(rng *r, step *s, int interest, int n_pv, int n_prod, int n_cart,
	int bought)
{
	int n = 0;
	s[n++] = (step){EV_PAGE_VIEW, rng_chance(r, 0.55) ? NO_CATEGORY : (uint8_t)interest, -1};
	for (int i = 1; i < n_pv; i++)
		s[n++] = (step){EV_PAGE_VIEW,
			rng_chance(r, 0.35) ? NO_CATEGORY : (uint8_t)random_category_near(r, interest), -1};
	for (int i = 0; i < n_prod; i++) {
		int cat = random_category_near(r, interest);
		s[n++] = (step){EV_PRODUCT_VIEW, (uint8_t)cat, pick_product(r)};
	}
	for (int i = n - 1; i > 1; i--) { /* shuffle all but the landing page */
		int j = rng_int(r, 1, i);
		step t = s[i];
		s[i] = s[j];
		s[j] = t;
	}
	int last_view = -1;
	for (int i = 0; i < n; i++)
		if (s[i].type == EV_PRODUCT_VIEW)
			last_view = i;
	if (bought >= 0 && last_view >= 0)
		s[last_view] = (step){EV_PRODUCT_VIEW, (uint8_t)interest, bought};
	int viewed = n;
	for (int i = 0; i < n_cart && last_view >= 0; i++) {
		if (i == 0 && bought >= 0) {
			s[n++] = (step){EV_ADD_TO_CART, (uint8_t)interest, bought};
			continue;
		}
		int j;
		do
			j = rng_int(r, 0, viewed - 1);
		while (s[j].type != EV_PRODUCT_VIEW);
		s[n++] = (step){EV_ADD_TO_CART, s[j].category, s[j].product};
	}
	if (bought >= 0)
		s[n++] = (step){EV_PURCHASE, (uint8_t)interest, bought};
	return n;
}

/* Seconds between two clicks: mostly under a minute, sometimes a long read. */
static int click_gap(rng *r)
{
	int gap = 4 + (int)rng_lognormal(r, 30.0, 0.9);
	return gap > 900 ? 900 : gap;
}

static void emit_session(event_list *l, const step *s, int n, const int64_t *times, int row,
	int device)
{
	int session = l->sessions++;
	for (int i = 0; i < n; i++) {
		if (l->n == l->cap)
			l->v = grow(l->v, &l->cap, sizeof *l->v);
		l->v[l->n] = (event){times[i], session, row, s[i].product, s[i].type, s[i].category,
			(uint8_t)device, (uint32_t)l->n};
		l->n++;
	}
}

static int session_device(rng *r, const person *p, bool known)
{
	static const int anonymous_weights[N_DEVICES] = {35, 55, 10};
	if (known && rng_chance(r, 0.7))
		return p->device_pref;
	return pick_int_weights(r, anonymous_weights, N_DEVICES);
}

/*
 * Every web or app order of the quarter becomes a visit that ends in its purchase
 * event, so events and orders agree; then browsing visits (a third of them
 * anonymous) are added until the file has TARGET_EVENTS events. The funnel follows:
 * many page views, fewer product views, fewer cart adds, fewest purchases.
 */
static event_list generate_events(rng *r, const person *people, const customer_table *customers,
	const order_list *orders)
{
	event_list l = {0};
	step s[MAX_STEPS];
	int64_t times[MAX_STEPS];
	int64_t start_ts = (int64_t)day_events_start * 86400, end_ts = (int64_t)(day_2025_12_31 + 1) * 86400;

	for (int i = 0; i < orders->n; i++) {
		const order *o = &orders->v[i];
		if (o->ts < start_ts + 3600 || o->channel == CH_STORE || o->status == ST_REFUND)
			continue;
		const person *p = &people[customers->v[o->row].person];
		int device = o->channel == CH_APP ? (rng_chance(r, 0.8) ? DEV_MOBILE : DEV_TABLET) :
			session_device(r, p, true);
		int n_pv = rng_geometric(r, 0.45, 4);
		int n_prod = rng_geometric(r, 0.5, 6);
		int n_cart = rng_geometric(r, 0.3, o->items < 3 ? o->items : 3);
		int n = build_steps(r, s, o->category, n_pv, n_prod, n_cart, o->product);
		times[n - 1] = o->ts;
		for (int k = n - 2; k >= 0; k--)
			times[k] = times[k + 1] - click_gap(r);
		emit_session(&l, s, n, times, o->row, device);
	}

	day_sampler window = day_sampler_make(day_events_start, day_2025_12_31, shopping_day_weight);
	while (l.n < TARGET_EVENTS) {
		int day = day_sample(r, &window);
		int64_t ts = timestamp_in_day(r, day, hour_weight_online);
		if (ts > end_ts - 3600)
			ts -= 3600;
		int row = -1;
		if (!rng_chance(r, 0.38)) {
			row = rng_chance(r, 0.55) ? orders->v[rng_below(r, (uint64_t)orders->n)].row :
				(int)rng_below(r, (uint64_t)customers->n);
			if (customers->v[row].signup_day > day)
				row = -1;
		}
		const person *p = row >= 0 ? &people[customers->v[row].person] : NULL;
		int device = session_device(r, p, row >= 0);
		int interest = p && rng_chance(r, 0.5) ? p->fav_category[0] : PICK(r, categories, N_CATEGORIES);
		int n_prod = rng_chance(r, 0.62) ? rng_geometric(r, 0.5, 8) : 0;
		int n_cart = n_prod && rng_chance(r, 0.22) ? rng_geometric(r, 0.25, 3) : 0;
		int n_pv = rng_geometric(r, 0.5, 8);
		int n = build_steps(r, s, interest, n_pv, n_prod, n_cart, -1);
		times[0] = ts;
		for (int k = 1; k < n; k++)
			times[k] = times[k - 1] + click_gap(r);
		emit_session(&l, s, n, times, row, device);
	}
	return l;
}

static int compare_events(const void *a, const void *b)
{
	const event *x = a, *y = b;
	if (x->ts != y->ts)
		return x->ts < y->ts ? -1 : 1;
	return (x->seq > y->seq) - (x->seq < y->seq);
}

/* Session ids in order of each session's first event, as a tracker would issue them. */
static void renumber_sessions(event_list *l)
{
	int *map = xcalloc((size_t)l->sessions, sizeof *map), next = 0;
	for (int i = 0; i < l->sessions; i++)
		map[i] = -1;
	for (int i = 0; i < l->n; i++) {
		int *m = &map[l->v[i].session];
		if (*m < 0)
			*m = next++;
		l->v[i].session = *m;
	}
	free(map);
}

/* ------------------------------------------------------------------------------ */
/* The A/B test                                                                   */
/* ------------------------------------------------------------------------------ */

typedef struct {
	int64_t ts;
	uint32_t seq;
	int treatment, converted, country, device;
	int64_t revenue, pre_revenue; /* cents, USD */
} exp_user;

/*
 * A checkout redesign tested in November 2025. Each user has a latent engagement e
 * that drives both how often they buy and how much: pre_revenue is what they spent
 * in the 8 weeks before the test (four two-week chances at their usual conversion
 * rate), revenue what they spent during it. That shared cause is what CUPED exploits
 * (corr ~0.45, ~20% less variance). The treatment multiplies the conversion
 * probability by 1.12 (10% -> 11.2%) and leaves the basket size alone.
 */
static exp_user *generate_experiment(rng *r)
{
	static const int device_weights[N_DEVICES] = {40, 50, 10};
	static const double device_effect[N_DEVICES] = {0.15, -0.15, 0.0};
	exp_user *u = xcalloc(N_EXPERIMENT_USERS, sizeof *u);
	double *engagement = xcalloc(N_EXPERIMENT_USERS, sizeof *engagement);
	day_sampler window = day_sampler_make(day_experiment_start, day_experiment_end, shopping_day_weight);
	for (int i = 0; i < N_EXPERIMENT_USERS; i++) {
		u[i].seq = (uint32_t)i;
		u[i].ts = timestamp_in_day(r, day_sample(r, &window), hour_weight_online);
		u[i].country = PICK(r, countries, N_COUNTRIES);
		u[i].device = pick_int_weights(r, device_weights, N_DEVICES);
		u[i].treatment = rng_chance(r, 0.5);
		engagement[i] = rng_normal(r);
	}
	/* The intercept that makes the control conversion rate 10% for these users. */
	double lo = -10.0, hi = 5.0;
	for (int iter = 0; iter < 80; iter++) {
		double mid = 0.5 * (lo + hi), sum = 0.0;
		for (int i = 0; i < N_EXPERIMENT_USERS; i++)
			sum += logistic(mid + 1.6 * engagement[i] + device_effect[u[i].device]);
		if (sum / N_EXPERIMENT_USERS > 0.10)
			hi = mid;
		else
			lo = mid;
	}
	for (int i = 0; i < N_EXPERIMENT_USERS; i++) {
		double e = engagement[i];
		double usual = logistic(lo + 1.6 * e + device_effect[u[i].device]);
		double spend_level = det_exp(0.5 * e);
		int64_t before = 0;
		for (int k = 0; k < 4; k++)
			if (rng_chance(r, usual))
				before += round_to_int64(rng_lognormal(r, 40.0, 0.5) * spend_level * 100.0);
		u[i].pre_revenue = before;
		u[i].converted = rng_chance(r, u[i].treatment ? 1.12 * usual : usual);
		double basket = rng_lognormal(r, 40.0, 0.5) * spend_level;
		u[i].revenue = u[i].converted ? round_to_int64(basket * 100.0) : 0;
	}
	free(engagement);
	return u;
}

static int compare_exp_users(const void *a, const void *b)
{
	const exp_user *x = a, *y = b;
	if (x->ts != y->ts)
		return x->ts < y->ts ? -1 : 1;
	return (x->seq > y->seq) - (x->seq < y->seq);
}

/* ------------------------------------------------------------------------------ */
/* Writing the files                                                              */
/* ------------------------------------------------------------------------------ */

static long write_customers(const customer_table *t)
{
	static const char *const header[] = {"customer_id", "first_name", "last_name", "email",
		"phone", "city", "country", "postcode", "birth_date", "signup_date", "age", "gender",
		"marketing_consent", "loyalty_tier"};
	csv_writer w;
	csv_open(&w, "customers.csv", header, COUNT(header));
	for (int k = 0; k < t->n; k++) {
		const customer_row *row = &t->v[t->by_id[k]];
		char tier[16] = "";
		if (row->tier >= 0) {
			sfmt(tier, sizeof tier, "%s", tier_names[row->tier]);
			if (row->src == SRC_LEGACY && row->person % 3 == 0)
				utf8_recase(tier, sizeof tier, CASE_UPPER); /* GOLD */
		}
		const char *fields[] = {row->customer_id, row->first_name, row->last_name, row->email,
			row->phone, row->city, row->country, row->postcode, row->birth_date,
			row->signup_date, row->age, row->gender, row->consent, tier};
		for (int i = 0; i < COUNT(fields); i++)
			csv_field(&w, fields[i]);
		csv_end_row(&w);
	}
	return csv_close(&w);
}

static long write_truth(const customer_table *t)
{
	static const char *const header[] = {"customer_id", "person_id"};
	csv_writer w;
	csv_open(&w, "customers_truth.csv", header, COUNT(header));
	for (int k = 0; k < t->n; k++) {
		const customer_row *row = &t->v[t->by_id[k]];
		csv_field(&w, row->customer_id);
		csv_fieldf(&w, "P%05d", row->person + 1);
		csv_end_row(&w);
	}
	return csv_close(&w);
}

static long write_orders(const order_list *l, const customer_table *t)
{
	static const char *const header[] = {"order_id", "customer_id", "order_date", "amount",
		"currency", "items", "category", "status", "channel"};
	csv_writer w;
	csv_open(&w, "orders.csv", header, COUNT(header));
	char buf[32];
	for (int i = 0; i < l->n; i++) {
		const order *o = &l->v[i];
		csv_fieldf(&w, "O%06d", i + 1);
		csv_field(&w, t->v[o->row].customer_id);
		format_timestamp(buf, sizeof buf, o->ts);
		csv_field(&w, buf);
		format_money(buf, sizeof buf, o->amount);
		csv_field(&w, buf);
		csv_field(&w, countries[o->currency].currency);
		csv_fieldf(&w, "%d", o->items);
		csv_field(&w, categories[o->category].name);
		csv_field(&w, status_names[o->status]);
		csv_field(&w, channel_names[o->channel]);
		csv_end_row(&w);
	}
	return csv_close(&w);
}

static long write_events(const event_list *l, const customer_table *t)
{
	static const char *const header[] = {"event_id", "customer_id", "session_id",
		"event_time", "event_type", "category", "product_id", "device"};
	csv_writer w;
	csv_open(&w, "events.csv", header, COUNT(header));
	char buf[32];
	for (int i = 0; i < l->n; i++) {
		const event *e = &l->v[i];
		csv_fieldf(&w, "E%06d", i + 1);
		csv_field(&w, e->row >= 0 ? t->v[e->row].customer_id : "");
		csv_fieldf(&w, "S%06d", e->session + 1);
		format_timestamp(buf, sizeof buf, e->ts);
		csv_field(&w, buf);
		csv_field(&w, event_names[e->type]);
		csv_field(&w, e->category == NO_CATEGORY ? "" : categories[e->category].name);
		if (e->product >= 0)
			csv_fieldf(&w, "%s-%04d", categories[e->category].sku_prefix, e->product + 1);
		else
			csv_field(&w, "");
		csv_field(&w, device_names[e->device]);
		csv_end_row(&w);
	}
	return csv_close(&w);
}

static long write_experiment(const exp_user *u)
{
	static const char *const header[] = {"user_id", "variant", "exposed_at", "converted",
		"revenue", "pre_revenue", "country", "device"};
	csv_writer w;
	csv_open(&w, "experiment.csv", header, COUNT(header));
	char buf[32];
	for (int i = 0; i < N_EXPERIMENT_USERS; i++) {
		csv_fieldf(&w, "U%05d", i + 1);
		csv_field(&w, u[i].treatment ? "treatment" : "control");
		format_timestamp(buf, sizeof buf, u[i].ts);
		csv_field(&w, buf);
		csv_fieldf(&w, "%d", u[i].converted);
		format_money(buf, sizeof buf, u[i].revenue);
		csv_field(&w, buf);
		format_money(buf, sizeof buf, u[i].pre_revenue);
		csv_field(&w, buf);
		csv_field(&w, countries[u[i].country].iso);
		csv_field(&w, device_names[u[i].device]);
		csv_end_row(&w);
	}
	return csv_close(&w);
}

/* The rates the orders were priced with: the value of one unit of each currency
 * in US dollars (the inverse of per_usd), for `profile build rates=rates in=USD`. */
static long write_rates(void)
{
	static const char *const header[] = {"currency", "rate"};
	csv_writer w;
	csv_open(&w, "rates.csv", header, COUNT(header));
	long n = 0;
	for (int i = 0; i < N_COUNTRIES; i++) {
		int seen = 0;
		for (int k = 0; k < i; k++)
			seen |= strcmp(countries[k].currency, countries[i].currency) == 0;
		if (seen)
			continue;
		csv_field(&w, countries[i].currency);
		csv_fieldf(&w, "%.8g", 1.0 / countries[i].per_usd);
		csv_end_row(&w);
		n++;
	}
	csv_close(&w);
	return n;
}

int main(void)
{
	day_2019_01_01 = days_from_civil(2019, 1, 1);
	day_legacy_migration = days_from_civil(2022, 1, 1);
	day_2024_01_01 = days_from_civil(2024, 1, 1);
	day_2025_12_31 = days_from_civil(2025, 12, 31);
	day_events_start = days_from_civil(2025, 10, 1);
	day_experiment_start = days_from_civil(2025, 11, 3);
	day_experiment_end = days_from_civil(2025, 11, 30);

	rng people_rng = rng_stream("people");
	day_sampler signups = day_sampler_make(day_2019_01_01, day_2025_12_31, signup_day_weight);
	person *people = xcalloc(N_PERSONS, sizeof *people);
	for (int i = 0; i < N_PERSONS; i++)
		make_person(&people_rng, &people[i], &signups);
	/* Households: pick a landline owner outside Spain (where surnames do not change
	 * on marriage) and Poland's naming pool (where they change form), and move a
	 * partner in with them. */
	for (int h = 0; h < N_HOUSEHOLDS;) {
		int a = (int)rng_below(&people_rng, N_PERSONS), b = (int)rng_below(&people_rng, N_PERSONS);
		person *pa = &people[a];
		if (a == b || pa->household_of >= 0 || people[b].household_of >= 0 ||
			pa->country == CT_ES || pa->pool == POOL_POLISH ||
			pa->phone.plan != &countries[pa->country].cities[pa->city].landline)
			continue;
		make_household(&people_rng, people, a, b);
		h++;
	}

	rng rows_rng = rng_stream("customer rows");
	customer_table customers = build_customers(&rows_rng, people);

	rng orders_rng = rng_stream("orders");
	assign_order_counts(&orders_rng, people);
	order_list orders = generate_orders(&orders_rng, people, &customers);
	qsort(orders.v, (size_t)orders.n, sizeof *orders.v, compare_orders);
	assign_tiers(&orders_rng, &customers, &orders);

	rng events_rng = rng_stream("events");
	event_list events = generate_events(&events_rng, people, &customers, &orders);
	qsort(events.v, (size_t)events.n, sizeof *events.v, compare_events);
	renumber_sessions(&events);

	rng experiment_rng = rng_stream("experiment");
	exp_user *users = generate_experiment(&experiment_rng);
	qsort(users, N_EXPERIMENT_USERS, sizeof *users, compare_exp_users);

	long n_customers = write_customers(&customers);
	long n_truth = write_truth(&customers);
	long n_orders = write_orders(&orders, &customers);
	long n_events = write_events(&events, &customers);
	long n_users = write_experiment(users);
	long n_rates = write_rates();
	printf("customers.csv        %6ld rows (%d people, %ld planted duplicate rows, %d households)\n",
		n_customers, N_PERSONS, n_customers - N_PERSONS, N_HOUSEHOLDS);
	printf("customers_truth.csv  %6ld rows\n", n_truth);
	printf("orders.csv           %6ld rows\n", n_orders);
	printf("events.csv           %6ld rows (%d sessions)\n", n_events, events.sessions);
	printf("experiment.csv       %6ld rows\n", n_users);
	printf("rates.csv            %6ld rows\n", n_rates);
	if (phone_fallbacks)
		printf("note: %d phone numbers fell outside the fiction ranges\n", phone_fallbacks);

	free(users);
	free(events.v);
	free(orders.v);
	free(customers.v);
	free(customers.by_id);
	free(people);
	strset_free(&used_emails);
	strset_free(&used_phones);
	return 0;
}
