package main

import (
	"strings"
	"testing"
	"time"

	"github.com/relwatch/relwatch/archive"
	"github.com/relwatch/relwatch/snapshots"
)

// TestNewLanguageRaisesNoLagAlarm: a language just added to the config has
// only its first capture, today. That is not a change of the page, so the
// language tracked for months (last real change 40 days ago) must not be
// flagged as lagging behind it.
func TestNewLanguageRaisesNoLagAlarm(t *testing.T) {
	now := time.Date(2026, 12, 6, 6, 0, 0, 0, time.UTC)
	daysAgo := func(d int) time.Time { return now.Add(-time.Duration(d) * 24 * time.Hour) }
	en := []archive.VersionInfo{{Version: 1, FirstSeen: daysAgo(300)}, {Version: 2, FirstSeen: daysAgo(40)}}
	fr := []archive.VersionInfo{{Version: 1, FirstSeen: daysAgo(0)}} // newly configured
	states := []langState{
		{Key: snapshots.PageKey{ID: "kazakhstan", Lang: "en"}, LastContentChange: lastContentChange(en)},
		{Key: snapshots.PageKey{ID: "kazakhstan", Lang: "fr"}, LastContentChange: lastContentChange(fr)},
	}
	if lags := languageLags(states, 14*24*time.Hour); len(lags) != 0 {
		t.Errorf("false lag alarm for a newly added language: %v", lags)
	}
}

// TestPageInSeveralLanguagesIsAUsageError: "kazakhstan" alone, archived in
// en and fr, is the user's mistake: exit 2, naming the languages.
func TestPageInSeveralLanguagesIsAUsageError(t *testing.T) {
	cfg := fixtureArchive(t, t.TempDir())
	for _, args := range [][]string{
		{"log", "kazakhstan"},
		{"show", "kazakhstan"},
		{"diff", "kazakhstan"},
		{"feed", "--page", "kazakhstan"},
	} {
		e := &testEnv{t: t}
		_, errOut, code := e.relwatch(append([]string{"--config", cfg}, args...)...)
		if code != exitUsage {
			t.Errorf("relwatch %v: exit %d, want %d (usage)\n%s", args, code, exitUsage, errOut)
		}
		if !strings.Contains(errOut, "several languages (en, fr)") || !strings.Contains(errOut, "kazakhstan/en or kazakhstan/fr") {
			t.Errorf("relwatch %v: message does not list the languages:\n%s", args, errOut)
		}
	}
}
