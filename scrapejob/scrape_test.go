package scrapejob

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/relwatch/relwatch"
	"github.com/relwatch/relwatch/config"
	"github.com/relwatch/relwatch/relwatchtest"
	"github.com/relwatch/relwatch/snapshots"
	"github.com/relwatch/relwatch/track"
)

// TestFromArchive: a failed check shows the stamp of the page's latest
// version; a page whose last success is older than staleAfter is stale
// unless this run checked it; staleAfter 0 (an interrupted run) judges
// nothing.
func TestFromArchive(t *testing.T) {
	h := relwatchtest.New()
	day := time.Date(2026, 11, 20, 6, 0, 0, 0, time.UTC)
	for _, ref := range []string{"kazakhstan/en", "kazakhstan/fr", "georgia/en"} {
		h.Add(ref, snapshots.Snapshot{Title: ref, UpdatedRaw: "14 Nov. 2026 10:05",
			Sections: []snapshots.Section{{Blocks: []snapshots.Block{{Kind: snapshots.Paragraph, Text: ref}}}}}, day, relwatch.Provenance{})
	}
	targets := []config.Target{{ID: "kazakhstan", Lang: "en"}, {ID: "kazakhstan", Lang: "fr"}, {ID: "georgia", Lang: "en"}, {ID: "new", Lang: "en"}}
	fresh := func() []track.Result {
		return []track.Result{
			{Page: "kazakhstan/en", Status: relwatch.StatusFailed},
			{Page: "kazakhstan/fr", Status: relwatch.StatusUnchanged, UpdatedRaw: "its own stamp"},
			{Page: "georgia/en", Status: relwatch.StatusSkipped},
			{Page: "new/en", Status: relwatch.StatusFailed},
		}
	}
	now := day.Add(8 * 24 * time.Hour)
	results := fresh()
	if err := fromArchive(context.Background(), h, targets, results, now, 7*24*time.Hour); err != nil {
		t.Fatal(err)
	}
	if got := results[0].UpdatedRaw; got != "14 Nov. 2026 10:05" {
		t.Errorf("failed check's stamp %q, want the latest version's", got)
	}
	if got := results[1].UpdatedRaw; got != "its own stamp" {
		t.Errorf("a checked page's stamp was replaced: %q", got)
	}
	for i, want := range []bool{true, false, true, false} {
		if results[i].Stale != want {
			t.Errorf("%s: stale %v, want %v", results[i].Page, results[i].Stale, want)
		}
	}
	if r := results[0]; r.StaleSince == nil || !r.StaleSince.Equal(day.Add(7*24*time.Hour)) || r.LastSuccess == nil || !r.LastSuccess.Equal(day) {
		t.Errorf("stale since %v, last success %v", r.StaleSince, r.LastSuccess)
	}
	results = fresh()
	if err := fromArchive(context.Background(), h, targets, results, now, 0); err != nil {
		t.Fatal(err)
	}
	for _, r := range results {
		if r.Stale {
			t.Errorf("%s judged stale with staleAfter 0", r.Page)
		}
	}
}

// failingPages is a History whose Pages fails.
type failingPages struct{ relwatch.History }

func (failingPages) Pages(context.Context) ([]relwatch.PageStatus, error) {
	return nil, errors.New("Pages read")
}

// TestFromArchiveAllChecked: when every page was checked, the results are
// complete as they are (each has its own stamp and none is stale): the
// archive is not read, and nothing changes.
func TestFromArchiveAllChecked(t *testing.T) {
	targets := []config.Target{{ID: "kazakhstan", Lang: "en"}, {ID: "kazakhstan", Lang: "fr"}, {ID: "georgia", Lang: "en"}}
	results := []track.Result{
		{Page: "kazakhstan/en", Status: relwatch.StatusUnchanged, UpdatedRaw: "14 Nov. 2026 10:05"},
		{Page: "kazakhstan/fr", Status: relwatch.StatusChanged, UpdatedRaw: "15 Nov. 2026 09:00"},
		{Page: "georgia/en", Status: relwatch.StatusNew},
	}
	want := append([]track.Result(nil), results...)
	now := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
	if err := fromArchive(context.Background(), failingPages{relwatchtest.New()}, targets, results, now, time.Hour); err != nil {
		t.Fatalf("every page checked, yet the archive was read: %v", err)
	}
	for i := range results {
		if results[i].UpdatedRaw != want[i].UpdatedRaw || results[i].Stale {
			t.Errorf("%s: stamp %q stale %v, want %q and not stale", results[i].Page, results[i].UpdatedRaw, results[i].Stale, want[i].UpdatedRaw)
		}
	}
	// One page not checked: the archive is read (and here fails).
	results[2].Status = relwatch.StatusFailed
	if err := fromArchive(context.Background(), failingPages{relwatchtest.New()}, targets, results, now, time.Hour); err == nil {
		t.Error("a failed page's stamp and staleness were not read from the archive")
	}
}
