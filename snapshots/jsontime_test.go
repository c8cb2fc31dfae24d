package snapshots

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// TestJSONTimeFixedPrecision: every JSON time has the same width (nine
// digits of fraction, UTC), whatever its fraction or zone, and reads back
// to the same instant.
func TestJSONTimeFixedPrecision(t *testing.T) {
	cet := time.FixedZone("CET", 3600)
	for _, c := range []struct {
		in   time.Time
		want string
	}{
		{time.Date(2026, 11, 28, 6, 0, 0, 0, time.UTC), `"2026-11-28T06:00:00.000000000Z"`},
		{time.Date(2026, 11, 28, 7, 0, 0, 120000000, cet), `"2026-11-28T06:00:00.120000000Z"`},
		{time.Date(2026, 11, 28, 6, 0, 0, 123456789, time.UTC), `"2026-11-28T06:00:00.123456789Z"`},
	} {
		b, err := json.Marshal(JSONTime{c.in})
		if err != nil || string(b) != c.want {
			t.Errorf("%v: %s, %v; want %s", c.in, b, err, c.want)
		}
		var back JSONTime
		if err := json.Unmarshal(b, &back); err != nil || !back.Equal(c.in) {
			t.Errorf("%s read back as %v, %v", b, back, err)
		}
	}
	var plain JSONTime
	if err := json.Unmarshal([]byte(`"2026-11-28T06:00:00Z"`), &plain); err != nil || !plain.Equal(time.Date(2026, 11, 28, 6, 0, 0, 0, time.UTC)) {
		t.Errorf("a time without fraction: %v, %v", plain, err)
	}
	if _, err := json.Marshal(JSONTime{time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}); err == nil {
		t.Error("year 10000 encoded")
	}
	snap := MarshalIndent(Snapshot{FirstSeen: &[]time.Time{time.Date(2026, 11, 28, 7, 0, 0, 0, cet)}[0]})
	if want := `"first_seen": "2026-11-28T06:00:00.000000000Z"`; !json.Valid(snap) || !strings.Contains(string(snap), want) {
		t.Errorf("MarshalIndent: %s, want %s", snap, want)
	}
}
