package snapshots

import "time"

// JSONTime is t as every JSON output of relwatch shows it: RFC 3339 in
// UTC ("2026-11-28T06:00:00Z"), with the fraction of a second the archive
// keeps when there is one (a live check's "2026-11-28T06:00:00.123456789Z"),
// so that a time copied from JSON into show --at or import --at means
// exactly that instant.
func JSONTime(t time.Time) time.Time { return t.UTC() }

// JSONTimePtr is JSONTime of *t, nil for nil or the zero time.
func JSONTimePtr(t *time.Time) *time.Time {
	if t == nil || t.IsZero() {
		return nil
	}
	j := JSONTime(*t)
	return &j
}
