// Package civil converts between days since the Unix epoch and dates of
// the proleptic Gregorian calendar, without the time package's general
// machinery (locations, months as types, normalisation): a long history
// listing reads and writes tens of thousands of UTC times, and
// time.Date, Time.Date and Time.Clock were a tenth of `log`. The
// conversions are Howard Hinnant's days_from_civil and civil_from_days
// (https://howardhinnant.github.io/date_algorithms.html).
package civil

// DaysFromDate is the number of days from 1970-01-01 to year-month-day
// (month 1 to 12, day 1 to 31; not checked, see Valid).
func DaysFromDate(year, month, day int) int64 {
	y := int64(year)
	if month <= 2 {
		y--
	}
	era := y
	if era < 0 {
		era -= 399
	}
	era /= 400
	yoe := y - era*400 // [0, 399]
	mp := int64(month) + 9
	if month > 2 {
		mp = int64(month) - 3
	}
	doy := (153*mp+2)/5 + int64(day) - 1 // [0, 365]
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

// DateFromDays is the date days after 1970-01-01.
func DateFromDays(days int64) (year, month, day int) {
	z := days + 719468
	era := z
	if era < 0 {
		era -= 146096
	}
	era /= 146097
	doe := z - era*146097                                  // [0, 146096]
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365 // [0, 399]
	doy := doe - (365*yoe + yoe/4 - yoe/100)               // [0, 365]
	mp := (5*doy + 2) / 153                                // [0, 11], from March
	day = int(doy - (153*mp+2)/5 + 1)
	month = int(mp + 3)
	if mp >= 10 {
		month = int(mp - 9)
	}
	year = int(yoe + era*400)
	if month <= 2 {
		year++
	}
	return year, month, day
}

// Valid reports whether year-month-day is a date: month 1 to 12 and a day
// the month has.
func Valid(year, month, day int) bool {
	if month < 1 || month > 12 || day < 1 {
		return false
	}
	if month == 2 {
		leap := year%4 == 0 && (year%100 != 0 || year%400 == 0)
		return day <= 28 || day == 29 && leap
	}
	return day <= monthDays[month-1]
}

var monthDays = [12]int{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}

// SplitUnix is the UTC date, hour and minute of a time unix seconds after
// 1970-01-01 00:00 UTC.
func SplitUnix(unix int64) (year, month, day, hour, minute int) {
	days := unix / 86400
	rem := unix % 86400
	if rem < 0 {
		days, rem = days-1, rem+86400
	}
	year, month, day = DateFromDays(days)
	return year, month, day, int(rem / 3600), int(rem % 3600 / 60)
}
