/* datenorm.h — written dates to ISO 8601 for `normalize COL=date`.
 *
 * Forms read (blanks around them ignored):
 *  - ISO 8601: 2021-03-14, with a time ('T' or ' ') and zone: kept as written;
 *  - year first: 2021/03/17, 2021.03.17, 2021-3-7, 20210317 (eight digits);
 *  - day and month as numbers with a four-digit year: 03/14/2021, 15.03.2021,
 *    14-03-2021, optionally with a time " H:MM[:SS][ AM|PM]";
 *  - month names in English, French, German, Spanish, Italian and Dutch, full or
 *    abbreviated, with an optional weekday (checked against the date) and ordinal
 *    suffixes: "March 16, 2021", "Tue 16 Mar 2021", "16-Mar-2021", "1er mars 2021",
 *    "16. März 2021", "16 de marzo de 2021";
 *  - Japanese 2021年3月16日.
 * Output is "YYYY-MM-DD", or "YYYY-MM-DD HH:MM:SS" with a time.  A two-digit year
 * is not guessed at (its century is unknown) unless a pivot is given: pivot=1950
 * reads 00-99 as the years 1950-2049 (14/03/21 → 2021-03-14, 7 Jun 68 → 1968-06-07).
 * A date that is not on the calendar (31/02/2021) is reported, never converted.
 *
 * Day-first or month-first is decided for the whole column, per separator, the way
 * the loader decides it: a value that is a calendar date only when read day first
 * proves day-first (25/12/2021), one that is a date only month first proves
 * month-first; a value that is no date either way (31/02/2021) proves nothing; with no proof '/' means month-first and '.' and '-' day-first.  A
 * separator with proof both ways converts only the values that can be read one way,
 * and reports the others as ambiguous.  date:DMY or date:MDY decides it outright. */
#ifndef PERSONA_DATENORM_H
#define PERSONA_DATENORM_H

#include <stddef.h>

/* How the day-first/month-first values of a column are to be read, per separator
 * ('/', '-', '.'): 'D' day first, 'M' month first, '?' proven both ways. */
struct date_orders {
    char order[3];
    unsigned proof[3];      /* seen while voting: 1 day-first proven, 2 month-first proven */
    long values[3];         /* day/month values seen per separator */
    int by_default[3];      /* the order was not proven: the separator's default */
    int pivot;              /* two-digit years are pivot .. pivot + 99; 0: not read */
};

/* Starts voting (forced: 'D', 'M', or 0 to decide from the values); set pivot
 * after it to read two-digit years. */
void date_orders_init(struct date_orders *o, char forced);

/* Counts one value's evidence. */
void date_orders_vote(struct date_orders *o, const char *s, size_t len);

/* Settles the orders after the votes: unproven separators get their default. */
void date_orders_settle(struct date_orders *o);

/* Writes the date [s, s+len) as ISO into out (at least 32 bytes).  Returns 0, or -1
 * with a reason in why. */
int date_to_iso(const struct date_orders *o, const char *s, size_t len, char *out, char *why, size_t whylen);

/* Whether [s, s+len) is an ISO 8601 date or date and time on the calendar
 * ("2021-03-14", "2021-03-14 08:26:00", "2021-03-14T08:26:00Z"); *ymd receives
 * year*10000 + month*100 + day when it is. */
int iso_date_valid(const char *s, size_t len, long *ymd);

/* Dates written as numbers: Excel's serial days in its 1900 system (Windows, the
 * default) and its 1904 system (old Mac workbooks), a fraction being the time of
 * day; Unix time in seconds, or in milliseconds from 1e11 on (as seconds that would
 * be after the year 5000), read as UTC. */
enum { DATE_EXCEL1900 = 'X', DATE_EXCEL1904 = 'Y', DATE_EPOCH = 'E' };

/* Writes the number [s, s+len) in the system (above) as an ISO date, with the time
 * when there is one ("2021-03-14", "2021-03-14 12:00:00", "2021-03-14 08:26:00.250"),
 * into out (at least 32 bytes).  Returns 0, or -1 with why set. */
int date_from_number(char system, const char *s, size_t len, char *out, char *why, size_t whylen);

#endif
