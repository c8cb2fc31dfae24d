package archive

import (
	"context"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/relwatch/relwatch"
	"github.com/relwatch/relwatch/snapshots"
)

// TestTimelineReads checks VersionRange, TimelineSummary and VersionsByHash,
// which read only part of a page's versions, against Versions.
func TestTimelineReads(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "t.db")
	if _, err := Generate(ctx, path, GenerateOptions{Pages: 2, Versions: 30}); err != nil {
		t.Fatal(err)
	}
	a, err := Open(ctx, path, ReadOnly)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	page := snapshots.PageKey{ID: "topic-001", Lang: "en"}
	all, err := a.Versions(ctx, page)
	if err != nil || len(all) != 30 {
		t.Fatalf("Versions: %d, %v", len(all), err)
	}
	some, err := a.VersionRange(ctx, page, 5, 9)
	if err != nil || !reflect.DeepEqual(some, all[4:9]) {
		t.Errorf("VersionRange(5, 9) = %d versions, %v; want versions 5 to 9 as Versions has them", len(some), err)
	}
	if none, err := a.VersionRange(ctx, page, 31, 40); err != nil || len(none) != 0 {
		t.Errorf("VersionRange past the end: %v, %v", none, err)
	}
	sum, err := a.TimelineSummary(ctx, page)
	if want := relwatch.SummarizeVersions(all); err != nil || !reflect.DeepEqual(sum, want) {
		t.Errorf("TimelineSummary = %+v, %v; want %+v", sum, err, want)
	}
	byHash, err := a.VersionsByHash(ctx, page, all[11].ContentHash[:20])
	if err != nil || len(byHash) != 1 || !reflect.DeepEqual(byHash[0], all[11]) {
		t.Errorf("VersionsByHash(v12's prefix) = %v, %v", byHash, err)
	}
	if _, err := a.TimelineSummary(ctx, snapshots.PageKey{ID: "nope", Lang: "en"}); err == nil {
		t.Error("TimelineSummary of an unknown page: no error")
	}
}
