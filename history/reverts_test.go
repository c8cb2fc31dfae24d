package history

import (
	"context"
	"reflect"
	"testing"

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
	if tl.Total != 4 || len(tl.Marks) != 4 || len(tl.Versions) != 2 || tl.Versions[0].Version != 2 || tl.Versions[1].Version != 3 {
		t.Errorf("ReadTimeline(before 4, 2) = total %d, versions %+v", tl.Total, tl.Versions)
	}
	if !reflect.DeepEqual(tl.Reverts, map[int]int{3: 1}) {
		t.Errorf("reverts %v, want version 3 back to version 1", tl.Reverts)
	}
	if newest, err := ReadTimeline(ctx, f, kzEN, 0, 100); err != nil || len(newest.Versions) != 4 {
		t.Errorf("ReadTimeline(newest 100): %d versions, %v", len(newest.Versions), err)
	}
	perYear := ChangesPerYear([]relwatch.VersionMark{
		{Version: 1, FirstSeen: onDay(0)}, {Version: 2, FirstSeen: onDay(4)}, {Version: 3, FirstSeen: onDay(90), ParserChange: true}, {Version: 4, FirstSeen: onDay(400)},
	})
	if !reflect.DeepEqual(perYear, map[int]int{2026: 1, 2027: 1}) {
		t.Errorf("ChangesPerYear = %v: version 1 and parser changes are not changes", perYear)
	}
}
