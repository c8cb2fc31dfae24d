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
	if len(s) != len(timeFormat) || s[19] != '.' || s[28]-'0' > 9 || s[29] != 'Z' {
		return time.Time{}, false
	}
	unix, ok := civil.ParseDateTime(s[:19])
	tens, ok2 := civil.EightDigits(s[20:]) // tens of nanoseconds; the ninth digit is s[28]
	if !ok || !ok2 {
		return time.Time{}, false // time.Parse refuses these too (31 April among them)
	}
	return time.Unix(unix, int64(tens*10+int(s[28]-'0'))).UTC(), true
}
