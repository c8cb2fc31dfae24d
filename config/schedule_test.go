package config

import (
	"strings"
	"testing"
	"time"
)

func TestParseSchedule(t *testing.T) {
	at := time.Date(2026, 12, 3, 9, 7, 0, 0, time.UTC)
	for _, tt := range []struct {
		every time.Duration
		spec  string
		want  time.Time
	}{
		{6 * time.Hour, "", at.Add(6 * time.Hour)},
		{0, "*/5 * * * *", time.Date(2026, 12, 3, 9, 10, 0, 0, time.UTC)},
		{0, "0 6 * * *", time.Date(2026, 12, 4, 6, 0, 0, 0, time.UTC)},
		{0, "CRON_TZ=Europe/Brussels 0 6 * * *", time.Date(2026, 12, 4, 5, 0, 0, 0, time.UTC)},
	} {
		next, err := ParseSchedule(tt.every, tt.spec)
		if err != nil {
			t.Errorf("%v %q: %v", tt.every, tt.spec, err)
			continue
		}
		if got := next(at); !got.Equal(tt.want) {
			t.Errorf("%v %q: next %v, want %v", tt.every, tt.spec, got, tt.want)
		}
	}
	for _, tt := range []struct {
		every time.Duration
		spec  string
		want  string
	}{
		{0, "TZ=UTC", "--cron"},
		{0, "0 0 31 2 *", "never fires"},
		{0, "61 * * * *", "--cron"},
		{-time.Hour, "", "positive"},
		{time.Hour, "@daily", "not both"},
		{0, "", "give a schedule"},
	} {
		if _, err := ParseSchedule(tt.every, tt.spec); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%v %q: got %v, want an error with %q", tt.every, tt.spec, err, tt.want)
		}
	}
}
