package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/relwatch/relwatch"
	"github.com/relwatch/relwatch/archive"
	"github.com/relwatch/relwatch/config"
	"github.com/relwatch/relwatch/history"
	"github.com/relwatch/relwatch/track"
)

// TestScrapeExit: interrupted beats failed or stale, which beat changed;
// the message names the stale pages.
func TestScrapeExit(t *testing.T) {
	unchanged := track.Result{Page: "kazakhstan/en", Status: relwatch.StatusUnchanged}
	changed := track.Result{Page: "kazakhstan/en", Status: relwatch.StatusChanged}
	failed := track.Result{Page: "georgia/en", Status: relwatch.StatusFailed}
	stale := track.Result{Page: "kazakhstan/fr", Status: relwatch.StatusFailed, Stale: true}
	staleOK := track.Result{Page: "kazakhstan/fr", Status: relwatch.StatusSkipped, Stale: true}
	stopped, stop := context.WithCancel(context.Background())
	stop()
	tests := []struct {
		name     string
		ctx      context.Context
		results  []track.Result
		wantCode int
		wantMsg  string
	}{
		{"OKNothingStale", context.Background(), []track.Result{unchanged}, exitOK, ""},
		{"ChangedNothingStale", context.Background(), []track.Result{changed}, exitChanged, ""},
		{"OKButStale", context.Background(), []track.Result{unchanged, staleOK}, exitFailed, "stale (no successful check for over 168h0m0s): kazakhstan/fr"},
		{"ChangedButStale", context.Background(), []track.Result{changed, staleOK}, exitFailed, "kazakhstan/fr"},
		{"FailedAndStale", context.Background(), []track.Result{failed, stale}, exitFailed, "2 of 2 pages failed; stale (no successful check for over 168h0m0s): kazakhstan/fr"},
		{"InterruptedWins", stopped, []track.Result{failed, stale}, exitInterrupted, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := scrapeExit(tt.ctx, tt.results, true, 168*time.Hour)
			if got := exitCode(err); got != tt.wantCode {
				t.Fatalf("exit %d, want %d (%v)", got, tt.wantCode, err)
			}
			if tt.wantMsg != "" && !strings.Contains(err.Error(), tt.wantMsg) {
				t.Errorf("message %q, want %q", err, tt.wantMsg)
			}
		})
	}
	if err := scrapeExit(context.Background(), []track.Result{changed}, false, time.Hour); err != nil {
		t.Errorf("a change without --exit-code: %v", err)
	}
}

// TestPagesHealthAndScrapeStale runs the real commands: pages --json has
// the health fields, and the page is stale once the clock is moved past
// stale_after.
func TestPagesHealthAndScrapeStale(t *testing.T) {
	e := newTestEnv(t)
	e.mustRun(0, "scrape")
	var pages []history.PageEntry
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
		stale := []string{}
		for _, p := range archived {
			if history.IsStale(p, time.Now().Add(tt.after), cfg.StaleAfter) {
				stale = append(stale, p.Page.String())
			}
		}
		if fmt.Sprint(stale) != tt.want {
			t.Errorf("%v after the scrape: stale %v, want %v", tt.after, stale, tt.want)
		}
	}
}
