package snapshots

import (
	"fmt"
	"time"
)

// JSONTimeLayout is how every JSON output of relwatch writes a time:
// RFC 3339 in UTC with always nine digits of fraction
// ("2026-11-28T06:00:00.000000000Z", "2026-11-28T06:00:00.123456789Z").
// One width everywhere, so that the times of two outputs compare as text,
// and the archive's full precision (live checks are timed to the
// nanosecond), so that a time copied from JSON into show --at or import
// --at means exactly that instant.
const JSONTimeLayout = "2006-01-02T15:04:05.000000000Z07:00"

// JSONTime is a time in a JSON output: it encodes as JSONTimeLayout and
// decodes any RFC 3339 time. Every JSON view of relwatch (scrape --json,
// log --json, pages --json, show and diff --format json, search --json,
// serve's API, the export, the webhook) writes its times as JSONTime.
type JSONTime struct{ time.Time }

// JSONTimeOf is t as a JSONTime, in UTC.
func JSONTimeOf(t time.Time) JSONTime { return JSONTime{t.UTC()} }

// JSONTimePtr is JSONTimeOf(*t), nil for nil or the zero time.
func JSONTimePtr(t *time.Time) *JSONTime {
	if t == nil || t.IsZero() {
		return nil
	}
	j := JSONTimeOf(*t)
	return &j
}

// MarshalJSON writes the time as JSONTimeLayout.
func (t JSONTime) MarshalJSON() ([]byte, error) {
	u := t.UTC()
	if y := u.Year(); y < 0 || y > 9999 {
		return nil, fmt.Errorf("JSONTime: year %d outside of [0,9999]", y)
	}
	b := make([]byte, 0, len(JSONTimeLayout)+2)
	b = append(b, '"')
	b = u.AppendFormat(b, JSONTimeLayout)
	return append(b, '"'), nil
}

// UnmarshalJSON reads an RFC 3339 time, with any fraction or none.
func (t *JSONTime) UnmarshalJSON(b []byte) error { return t.Time.UnmarshalJSON(b) }
