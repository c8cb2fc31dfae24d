package history

import (
	"fmt"
	"testing"
	"time"

	"github.com/relwatch/relwatch"
	"github.com/relwatch/relwatch/snapshots"
)

var healthNow = time.Date(2026, 11, 28, 6, 0, 0, 0, time.UTC)

func ago(d time.Duration) *time.Time {
	t := healthNow.Add(-d)
	return &t
}

func TestIsStale(t *testing.T) {
	const week = 7 * 24 * time.Hour
	tests := []struct {
		name string
		page relwatch.PageStatus
		want bool
	}{
		{"FreshSuccess", relwatch.PageStatus{LastSuccess: ago(6 * time.Hour), LastCheck: ago(6 * time.Hour)}, false},
		{"ExactlyStaleAfter", relwatch.PageStatus{LastSuccess: ago(week)}, false},
		{"JustOverStaleAfter", relwatch.PageStatus{LastSuccess: ago(week + time.Second)}, true},
		{"FailingSinceLongAgo", relwatch.PageStatus{LastSuccess: ago(30 * 24 * time.Hour), LastCheck: ago(time.Hour), ConsecutiveFailures: 120}, true},
		{"NeverSucceeded", relwatch.PageStatus{LastCheck: ago(time.Hour), ConsecutiveFailures: 3}, false},
		{"NeverChecked", relwatch.PageStatus{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := IsStale(tt.page, healthNow, week); got != tt.want {
				t.Errorf("IsStale = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestLastContentChange(t *testing.T) {
	day := func(d int) time.Time { return time.Date(2026, 1, d, 6, 0, 0, 0, time.UTC) }
	tests := []struct {
		name     string
		versions []relwatch.VersionInfo
		want     time.Time
	}{
		{"NoVersion", nil, time.Time{}},
		{"OnlyFirstIsNoChange", []relwatch.VersionInfo{{Version: 1, FirstSeen: day(1)}}, time.Time{}},
		{"ContentChange", []relwatch.VersionInfo{{Version: 1, FirstSeen: day(1)}, {Version: 2, FirstSeen: day(5)}}, day(5)},
		{"StampOnlySkipped", []relwatch.VersionInfo{{Version: 1, FirstSeen: day(1)}, {Version: 2, FirstSeen: day(5)}, {Version: 3, FirstSeen: day(9), StampOnly: true}}, day(5)},
		{"ParserChangeSkipped", []relwatch.VersionInfo{{Version: 1, FirstSeen: day(1)}, {Version: 2, FirstSeen: day(5)}, {Version: 3, FirstSeen: day(9), ParserChange: true}}, day(5)},
		{"ParserChangeAfterFirstIsNoChange", []relwatch.VersionInfo{{Version: 1, FirstSeen: day(1)}, {Version: 2, FirstSeen: day(9), ParserChange: true}}, time.Time{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := LastContentChange(tt.versions); !got.Equal(tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestLanguageLags(t *testing.T) {
	key := func(ref string) snapshots.PageKey {
		k, _ := snapshots.ParsePageRef(ref)
		return k
	}
	st := func(ref string, daysAgo int) LangState {
		var at time.Time
		if daysAgo >= 0 {
			at = healthNow.Add(-time.Duration(daysAgo) * 24 * time.Hour)
		}
		return LangState{Key: key(ref), LastContentChange: at}
	}
	const lagAfter = 14 * 24 * time.Hour
	tests := []struct {
		name   string
		states []LangState
		want   map[string]string
	}{
		{"OneLanguage", []LangState{st("kazakhstan/en", 1)}, map[string]string{}},
		{"InStep", []LangState{st("kazakhstan/en", 1), st("kazakhstan/fr", 3)}, map[string]string{}},
		{"ExactlyLagAfter", []LangState{st("kazakhstan/en", 1), st("kazakhstan/fr", 15)}, map[string]string{}},
		{"FrenchBehind", []LangState{st("kazakhstan/en", 2), st("kazakhstan/fr", 40)},
			map[string]string{"kazakhstan/fr": "last changed 38 days before kazakhstan/en"}},
		{"EnglishBehind", []LangState{st("kazakhstan/en", 60), st("kazakhstan/fr", 0)},
			map[string]string{"kazakhstan/en": "last changed 60 days before kazakhstan/fr"}},
		{"ThreeLanguagesAgainstNewest", []LangState{st("georgia/en", 20), st("georgia/fr", 0), st("georgia/ru", 10)},
			map[string]string{"georgia/en": "last changed 20 days before georgia/fr"}},
		{"OtherIDsIndependent", []LangState{st("kazakhstan/en", 100), st("georgia/fr", 0)}, map[string]string{}},
		{"NoVersionIgnored", []LangState{st("kazakhstan/en", 100), st("kazakhstan/fr", -1)}, map[string]string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := map[string]string{}
			for k, v := range LanguageLags(tt.states, lagAfter) {
				got[k.String()] = v
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

// TestNewLanguageRaisesNoLagAlarm: a language just added to the config has
// only its first capture, today. That is not a change of the page, so the
// language tracked for months (last real change 40 days ago) must not be
// flagged as lagging behind it.
func TestNewLanguageRaisesNoLagAlarm(t *testing.T) {
	now := time.Date(2026, 12, 6, 6, 0, 0, 0, time.UTC)
	daysAgo := func(d int) time.Time { return now.Add(-time.Duration(d) * 24 * time.Hour) }
	en := []relwatch.VersionInfo{{Version: 1, FirstSeen: daysAgo(300)}, {Version: 2, FirstSeen: daysAgo(40)}}
	fr := []relwatch.VersionInfo{{Version: 1, FirstSeen: daysAgo(0)}} // newly configured
	states := []LangState{
		{Key: snapshots.PageKey{ID: "kazakhstan", Lang: "en"}, LastContentChange: LastContentChange(en)},
		{Key: snapshots.PageKey{ID: "kazakhstan", Lang: "fr"}, LastContentChange: LastContentChange(fr)},
	}
	if lags := LanguageLags(states, 14*24*time.Hour); len(lags) != 0 {
		t.Errorf("false lag alarm for a newly added language: %v", lags)
	}
}
