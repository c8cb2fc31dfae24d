package history

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/relwatch/relwatch"
)

// TestRecentChangesAreTheNewestOfAll checks that reading each page's
// newest changes only gives the same entries as reading them all.
func TestRecentChangesAreTheNewestOfAll(t *testing.T) {
	ctx := context.Background()
	f := historyFake()
	pages, err := f.Pages(ctx)
	if err != nil {
		t.Fatal(err)
	}
	all, err := LoadChanges(ctx, f, pages)
	if err != nil || len(all) != 4 {
		t.Fatalf("LoadChanges: %d entries, %v", len(all), err)
	}
	for limit := 1; limit <= 5; limit++ {
		recent, err := LoadRecentChanges(ctx, f, pages, limit)
		if err != nil || !reflect.DeepEqual(recent, all[:min(limit, len(all))]) {
			t.Errorf("LoadRecentChanges(%d) = %d entries, %v; want the first %d of LoadChanges", limit, len(recent), err, limit)
		}
	}
}

// TestReadTimeline reads a stretch of kazakhstan/en's four versions,
// through a store without relwatch.TimelineReader (the fake).
func TestReadTimeline(t *testing.T) {
	ctx := context.Background()
	f := historyFake()
	tl, err := ReadTimeline(ctx, f, kzEN, 4, 2)
	if err != nil {
		t.Fatal(err)
	}
	if tl.TimelineSummary.Versions != 4 || len(tl.Versions) != 2 || tl.Versions[0].Version != 2 || tl.Versions[1].Version != 3 ||
		tl.Before == nil || tl.Before.Version != 1 {
		t.Errorf("ReadTimeline(before 4, 2) = %d versions in all, the stretch %+v, before it %+v", tl.TimelineSummary.Versions, tl.Versions, tl.Before)
	}
	if !reflect.DeepEqual(tl.Reverts, map[int]int{3: 1}) {
		t.Errorf("reverts %v, want version 3 back to version 1", tl.Reverts)
	}
	if !reflect.DeepEqual(tl.ChangesPerYear, map[int]int{2026: 3}) {
		t.Errorf("changes per year %v", tl.ChangesPerYear)
	}
	if newest, err := ReadTimeline(ctx, f, kzEN, 0, 100); err != nil || len(newest.Versions) != 4 || newest.Before != nil {
		t.Errorf("ReadTimeline(newest 100): %d versions, before %v, %v", len(newest.Versions), newest.Before, err)
	}
}

func TestSummarizeVersions(t *testing.T) {
	at := func(n int) time.Time { return onDay(n) }
	sum := relwatch.SummarizeVersions([]relwatch.VersionInfo{
		{Version: 1, ContentHash: "a", FirstSeen: at(0)}, {Version: 2, ContentHash: "b", FirstSeen: at(4)},
		{Version: 3, ContentHash: "a", FirstSeen: at(90), ParserChange: true}, {Version: 4, ContentHash: "a", FirstSeen: at(400)},
	})
	want := relwatch.TimelineSummary{Versions: 4, ChangesPerYear: map[int]int{2026: 1, 2027: 1}, Repeats: map[string][]int{"a": {1, 3, 4}}}
	if !reflect.DeepEqual(sum, want) {
		t.Errorf("SummarizeVersions = %+v, want %+v: version 1 and parser changes are not changes", sum, want)
	}
	if got := Reverts(sum.Repeats); !reflect.DeepEqual(got, map[int]int{3: 1, 4: 3}) {
		t.Errorf("Reverts = %v", got)
	}
}
