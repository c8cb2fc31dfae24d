package archive

import (
	"time"

	"github.com/relwatch/relwatch/internal/civil"
)

// A fast path for what Versions reads thousands of times for `log`: times
// in the archive's own fixed-width form (change summaries have theirs in
// relwatch.DecodeSummary, which both stores use). Anything else goes
// through the general parser, which gives the same result.

// parseTime reads a time the archive wrote (timeFormat) or any RFC 3339
// time.
func parseTime(s string) (time.Time, error) {
	if t, ok := parseFixedTime(s); ok {
		return t, nil
	}
	return time.Parse(time.RFC3339Nano, s)
}

// parseFixedTime reads exactly timeFormat: 2006-01-02T15:04:05.000000000Z.
func parseFixedTime(s string) (time.Time, bool) {
	if len(s) != len(timeFormat) || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' ||
		s[16] != ':' || s[19] != '.' || s[29] != 'Z' {
		return time.Time{}, false
	}
	var bad byte // 1 once a character is not a digit
	num := func(from, to int) int {
		n := 0
		for i := from; i < to; i++ {
			c := s[i] - '0'
			if c > 9 {
				bad = 1
			}
			n = n*10 + int(c)
		}
		return n
	}
	y, mo, d := num(0, 4), num(5, 7), num(8, 10)
	h, mi, sec, ns := num(11, 13), num(14, 16), num(17, 19), num(20, 29)
	if bad != 0 || !civil.Valid(y, mo, d) || h > 23 || mi > 59 || sec > 59 {
		return time.Time{}, false // time.Parse refuses these too (31 April among them)
	}
	unix := civil.DaysFromDate(y, mo, d)*86400 + int64(h*3600+mi*60+sec)
	return time.Unix(unix, int64(ns)).UTC(), true
}
