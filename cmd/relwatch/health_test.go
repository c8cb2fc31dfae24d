package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/relwatch/relwatch"

	"github.com/relwatch/relwatch/archive"
	"github.com/relwatch/relwatch/config"
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
			if got := isStale(tt.page, healthNow, week); got != tt.want {
				t.Errorf("isStale = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestStaleTargets(t *testing.T) {
	en := snapshots.PageKey{ID: "kazakhstan", Lang: "en"}
	fr := snapshots.PageKey{ID: "kazakhstan", Lang: "fr"}
	pages := []relwatch.PageStatus{
		{Page: en, LastSuccess: ago(time.Hour)},
		{Page: fr, LastSuccess: ago(9 * 24 * time.Hour)},
		{Page: snapshots.PageKey{ID: "georgia", Lang: "en"}, LastSuccess: ago(90 * 24 * time.Hour)}, // not a target
	}
	targets := []config.Target{{ID: "kazakhstan", Lang: "fr"}, {ID: "kazakhstan", Lang: "en"}, {ID: "armenia", Lang: "en"}}
	got := staleTargets(pages, targets, healthNow, 7*24*time.Hour)
	if fmt.Sprint(got) != "[kazakhstan/fr]" {
		t.Fatalf("staleTargets = %v, want [kazakhstan/fr]", got)
	}
}

func TestWithStale(t *testing.T) {
	stale := []string{"kazakhstan/fr"}
	tests := []struct {
		name     string
		exit     error
		stale    []string
		wantCode int
	}{
		{"OKNothingStale", nil, nil, exitOK},
		{"ChangedNothingStale", &exitError{code: exitChanged}, nil, exitChanged},
		{"OKButStale", nil, stale, exitFailed},
		{"ChangedButStale", &exitError{code: exitChanged}, stale, exitFailed},
		{"FailedStaysFailed", &exitError{code: exitFailed, err: errors.New("1 of 2 pages failed")}, stale, exitFailed},
		{"InterruptedWins", &exitError{code: exitInterrupted}, stale, exitInterrupted},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := withStale(tt.exit, tt.stale, 168*time.Hour)
			if got := exitCode(err); got != tt.wantCode {
				t.Fatalf("exit %d, want %d (%v)", got, tt.wantCode, err)
			}
			if tt.exit == nil && tt.stale != nil && !strings.Contains(err.Error(), "kazakhstan/fr") {
				t.Errorf("message %q does not name the stale page", err)
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
			if got := lastContentChange(tt.versions); !got.Equal(tt.want) {
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
	st := func(ref string, daysAgo int) langState {
		var at time.Time
		if daysAgo >= 0 {
			at = healthNow.Add(-time.Duration(daysAgo) * 24 * time.Hour)
		}
		return langState{Key: key(ref), LastContentChange: at}
	}
	const lagAfter = 14 * 24 * time.Hour
	tests := []struct {
		name   string
		states []langState
		want   map[string]string
	}{
		{"OneLanguage", []langState{st("kazakhstan/en", 1)}, map[string]string{}},
		{"InStep", []langState{st("kazakhstan/en", 1), st("kazakhstan/fr", 3)}, map[string]string{}},
		{"ExactlyLagAfter", []langState{st("kazakhstan/en", 1), st("kazakhstan/fr", 15)}, map[string]string{}},
		{"FrenchBehind", []langState{st("kazakhstan/en", 2), st("kazakhstan/fr", 40)},
			map[string]string{"kazakhstan/fr": "last changed 38 days before kazakhstan/en"}},
		{"EnglishBehind", []langState{st("kazakhstan/en", 60), st("kazakhstan/fr", 0)},
			map[string]string{"kazakhstan/en": "last changed 60 days before kazakhstan/fr"}},
		{"ThreeLanguagesAgainstNewest", []langState{st("georgia/en", 20), st("georgia/fr", 0), st("georgia/ru", 10)},
			map[string]string{"georgia/en": "last changed 20 days before georgia/fr"}},
		{"OtherIDsIndependent", []langState{st("kazakhstan/en", 100), st("georgia/fr", 0)}, map[string]string{}},
		{"NoVersionIgnored", []langState{st("kazakhstan/en", 100), st("kazakhstan/fr", -1)}, map[string]string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := map[string]string{}
			for k, v := range languageLags(tt.states, lagAfter) {
				got[k.String()] = v
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

// TestPagesHealthAndScrapeStale runs the real commands: pages --json has
// the health fields, and staleTargets finds the page stale once the clock
// is moved past stale_after.
func TestPagesHealthAndScrapeStale(t *testing.T) {
	e := newTestEnv(t)
	e.mustRun(0, "scrape")
	var pages []pageEntry
	if err := json.Unmarshal([]byte(e.mustRun(0, "pages", "--json")), &pages); err != nil {
		t.Fatal(err)
	}
	// One version and no change yet: last_content_change is null (version
	// 1 is the first capture, not a change of the page).
	if len(pages) != 1 || pages[0].Stale || pages[0].Lag != "" || pages[0].LastContentChange != nil {
		t.Fatalf("pages --json after one good scrape: %+v", pages)
	}
	if out := e.mustRun(0, "pages"); !strings.Contains(out, "HEALTH") || !strings.Contains(out, " ok") {
		t.Errorf("pages text lacks health:\n%s", out)
	}

	cfg, err := config.Load(e.cfg)
	if err != nil {
		t.Fatal(err)
	}
	arc, err := archive.Open(t.Context(), e.db, archive.ReadOnly)
	if err != nil {
		t.Fatal(err)
	}
	defer arc.Close()
	archived, err := arc.Pages(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		after time.Duration
		want  string
	}{{time.Hour, "[]"}, {8 * 24 * time.Hour, "[kazakhstan/fr]"}} {
		stale := staleTargets(archived, cfg.Targets, time.Now().Add(tt.after), cfg.StaleAfter)
		if fmt.Sprint(stale) != tt.want {
			t.Errorf("%v after the scrape: stale %v, want %v", tt.after, stale, tt.want)
		}
	}
}
