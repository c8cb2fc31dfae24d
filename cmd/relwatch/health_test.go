package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/relwatch/relwatch/archive"
	"github.com/relwatch/relwatch/config"
	"github.com/relwatch/relwatch/history"
)

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
