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

// TestConfigSchedule: the schedule: key takes what --every and --cron
// take, flags override it, and a bad one is an error naming its line.
func TestConfigSchedule(t *testing.T) {
	targets := "targets:\n  - {id: a, lang: en, url: 'https://example.org/'}\n"
	for _, tt := range []struct {
		yaml string
		want ScheduleSpec
	}{
		{"schedule: 6h\n", ScheduleSpec{Every: 6 * time.Hour}},
		{"schedule: \"17 */6 * * *\"\n", ScheduleSpec{Cron: "17 */6 * * *"}},
		{"schedule: CRON_TZ=Europe/Brussels 0 6 * * *\n", ScheduleSpec{Cron: "CRON_TZ=Europe/Brussels 0 6 * * *"}},
		{"", ScheduleSpec{}},
	} {
		cfg, err := Parse("relwatch.yaml", []byte(tt.yaml+targets))
		if err != nil {
			t.Errorf("%q: %v", tt.yaml, err)
			continue
		}
		if cfg.Schedule != tt.want {
			t.Errorf("%q: schedule %+v, want %+v", tt.yaml, cfg.Schedule, tt.want)
		}
	}
	for _, bad := range []string{"schedule: soon\n", "schedule: 0 0 31 2 *\n", "schedule: -1h\n", "schedule: 0s\n", "schedule: [6h]\n"} {
		_, err := Parse("relwatch.yaml", []byte(targets+bad))
		if err == nil || !strings.Contains(err.Error(), "relwatch.yaml:3:") || !strings.Contains(err.Error(), "schedule") {
			t.Errorf("%q: got %v, want an error naming line 3 and the field", bad, err)
		}
	}

	at := time.Date(2026, 12, 3, 9, 7, 0, 0, time.UTC)
	cfg := Config{Source: "relwatch.yaml", Schedule: ScheduleSpec{Cron: "0 6 * * *"}}
	spec, next, err := cfg.ScheduleOf(ScheduleSpec{})
	if err != nil || spec.Cron != "0 6 * * *" || !next(at).Equal(time.Date(2026, 12, 4, 6, 0, 0, 0, time.UTC)) {
		t.Errorf("config's schedule: %+v %v", spec, err)
	}
	if p := spec.Period(next, at); p != 24*time.Hour {
		t.Errorf("period of a daily cron: %v", p)
	}
	spec, next, err = cfg.ScheduleOf(ScheduleSpec{Every: time.Hour})
	if err != nil || spec.Every != time.Hour || !next(at).Equal(at.Add(time.Hour)) || spec.Period(next, at) != time.Hour {
		t.Errorf("--every over the config's schedule: %+v %v", spec, err)
	}
	if _, _, err := (Config{}).ScheduleOf(ScheduleSpec{}); err == nil || !strings.Contains(err.Error(), "schedule: in the config") {
		t.Errorf("no schedule anywhere: %v", err)
	}
	if _, _, err := cfg.ScheduleOf(ScheduleSpec{Every: time.Hour, Cron: "0 * * * *"}); err == nil || !strings.Contains(err.Error(), "not both") {
		t.Errorf("both flags: %v", err)
	}
}
