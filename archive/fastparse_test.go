package archive

import (
	"testing"
	"time"
)

// FuzzParseTime: the fast path reads what time.Parse reads.
func FuzzParseTime(f *testing.F) {
	for _, s := range []string{"2017-12-13T09:00:00.000000000Z", "2026-02-29T00:00:00.000000000Z", "2024-02-29T23:59:59.999999999Z",
		"2026-04-31T00:00:00.000000000Z", "2026-13-01T00:00:00.000000000Z", "2026-01-01T24:00:00.000000000Z",
		"2026-01-01T00:00:00Z", "2026-01-01T00:00:00.5+02:00", "0000-01-01T00:00:00.000000000Z", "2026-01-01T00:00:60.000000000Z"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := parseTime(s)
		want, wantErr := time.Parse(time.RFC3339Nano, s)
		// The same zone, not the same *Location: time.Parse makes a
		// new fixed zone for each offset it reads.
		gotZone, gotOffset := got.Zone()
		wantZone, wantOffset := want.Zone()
		if (err != nil) != (wantErr != nil) || (err == nil && (!got.Equal(want) || gotZone != wantZone || gotOffset != wantOffset || (got.Location() == time.UTC) != (want.Location() == time.UTC))) {
			t.Errorf("parseTime(%q) = %v, %v; time.Parse: %v, %v", s, got, err, want, wantErr)
		}
	})
}
