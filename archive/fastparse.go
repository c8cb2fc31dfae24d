package archive

import (
	"time"
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
	num := func(from, to int) (int, bool) {
		n := 0
		for _, c := range []byte(s[from:to]) {
			if c < '0' || c > '9' {
				return 0, false
			}
			n = n*10 + int(c-'0')
		}
		return n, true
	}
	y, ok1 := num(0, 4)
	mo, ok2 := num(5, 7)
	d, ok3 := num(8, 10)
	h, ok4 := num(11, 13)
	mi, ok5 := num(14, 16)
	sec, ok6 := num(17, 19)
	ns, ok7 := num(20, 29)
	if !ok1 || !ok2 || !ok3 || !ok4 || !ok5 || !ok6 || !ok7 ||
		mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 59 {
		return time.Time{}, false
	}
	t := time.Date(y, time.Month(mo), d, h, mi, sec, ns, time.UTC)
	if t.Day() != d { // 31 April: time.Date normalises, time.Parse refuses
		return time.Time{}, false
	}
	return t, true
}
