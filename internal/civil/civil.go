// Package civil converts between days since the Unix epoch and dates of
// the proleptic Gregorian calendar, without the time package's general
// machinery (locations, months as types, normalisation): a long history
// listing reads and writes tens of thousands of UTC times, and
// time.Date, Time.Date and Time.Clock were a tenth of `log`. The
// conversions are Howard Hinnant's days_from_civil and civil_from_days
// (https://howardhinnant.github.io/date_algorithms.html).
package civil

import "encoding/binary"

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

// ParseDateTime reads s written as 2006-01-02T15:04:05, a UTC date and
// time of day to the second, as seconds after 1970-01-01 00:00 UTC. ok is
// false for any other text, and for a date or a time of day that does not
// exist (31 April, 24:00, a 60th second), which time.Parse refuses too.
//
// Digits are tested eight bytes at a time and read without a loop: `log`
// reads three times a version, and a loop a digit was most of its cost.
func ParseDateTime(s string) (unix int64, ok bool) {
	if len(s) != len("2006-01-02T15:04:05") || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':' {
		return 0, false
	}
	// Bytes 0–7 are "2006-01-", 11–18 "15:04:05", 8–9 "02". The
	// separators, checked already, are read as '0' to test the rest.
	date := load8(s[0:])&^0xff00_00ff_0000_0000 | 0x3000_0030_0000_0000
	clock := load8(s[11:])&^0x0000_ff00_00ff_0000 | 0x0000_3000_0030_0000
	if !allDigits(date) || !allDigits(clock) || s[8]-'0' > 9 || s[9]-'0' > 9 {
		return 0, false
	}
	year := digit(s[0])*1000 + digit(s[1])*100 + digit(s[2])*10 + digit(s[3])
	month, day := digit(s[5])*10+digit(s[6]), digit(s[8])*10+digit(s[9])
	hour, minute, sec := digit(s[11])*10+digit(s[12]), digit(s[14])*10+digit(s[15]), digit(s[17])*10+digit(s[18])
	if !Valid(year, month, day) || hour > 23 || minute > 59 || sec > 59 {
		return 0, false
	}
	return DaysFromDate(year, month, day)*86400 + int64(hour*3600+minute*60+sec), true
}

// EightDigits reads the first eight bytes of s, which must be there, as a
// decimal number; ok is false when one of them is not a digit.
func EightDigits(s string) (n int, ok bool) {
	w := load8(s)
	if !allDigits(w) {
		return 0, false
	}
	// Pairs, then fours, then all eight, each step one multiplication:
	// the first digit is the lowest byte (a little-endian load).
	w = (w & 0x0f0f_0f0f_0f0f_0f0f) * (10<<8 + 1) >> 8
	w = (w & 0x00ff_00ff_00ff_00ff) * (100<<16 + 1) >> 16
	w = (w & 0x0000_ffff_0000_ffff) * (10000<<32 + 1) >> 32
	return int(w), true
}

// load8 is the first eight bytes of s, the first of them lowest.
func load8(s string) uint64 { return binary.LittleEndian.Uint64([]byte(s[:8])) }

// allDigits reports whether each byte of w is an ASCII digit. Each byte
// that is not has its top bit set in the sum below, or the difference, or
// itself; a borrow or a carry can spill into the byte above, but only from
// a byte that is not a digit, so the lowest of those always shows.
func allDigits(w uint64) bool {
	const ones = 0x0101_0101_0101_0101
	return ((w-'0'*ones)|(w+(0x7f-'9')*ones)|w)&0x8080_8080_8080_8080 == 0
}

func digit(c byte) int { return int(c - '0') }
