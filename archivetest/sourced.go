package archivetest

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/relwatch/relwatch"
	"github.com/relwatch/relwatch/snapshots"
)

func init() {
	register("SourcedSnapshotIsTheSeparateReads", testSourcedSnapshot)
}

// testSourcedSnapshot: a store that reads a version with its page and
// provenance in one read (relwatch.SourcedReader) answers what
// ResolvePage, Snapshot or SnapshotAt and VersionProvenance answer one by
// one, errors included, for a timeline of Wayback and live versions. A
// store without it skips.
func testSourcedSnapshot(t *testing.T, open Opener) {
	ctx := context.Background()
	a := open(t, true)
	sr, ok := a.(relwatch.SourcedReader)
	if !ok {
		t.Skip("the store reads versions and provenance separately (no relwatch.SourcedReader)")
	}
	sA, sB, sC := snap(kzEN, "", "a"), snap(kzEN, "", "b"), snap(kzEN, "", "c")
	mustVersion(t, a, capture(kzEN, 100, "b"), sB, nil)
	cr := fakeCompare(sB, sC)
	mustVersion(t, a, capture(kzEN, 102, "c"), sC, &cr)
	recordPast(t, a, 10, "a", sA) // a Wayback version before the live ones
	mustVersion(t, a, capture(kzFR, 100, "b"), snap(kzFR, "", "b"), nil)

	type read struct {
		version int
		at      time.Time
	}
	for _, page := range []snapshots.PageKey{kzEN, kzFR, {ID: "kazakhstan", Lang: "de"}, {ID: "nowhere", Lang: "en"}} {
		for _, r := range []read{{0, time.Time{}}, {1, time.Time{}}, {2, time.Time{}}, {3, time.Time{}}, {4, time.Time{}},
			{0, at(9)}, {0, at(10)}, {0, at(50)}, {0, at(101)}, {0, at(102)}, {0, at(500)}} {
			var want snapshots.Snapshot
			var err error
			if r.at.IsZero() {
				want, err = a.Snapshot(ctx, page, r.version)
			} else {
				want, err = a.SnapshotAt(ctx, page, r.at)
			}
			var wantSource *relwatch.Provenance
			if err == nil {
				p, perr := a.VersionProvenance(ctx, page, want.Version)
				switch {
				case perr == nil:
					wantSource = &p
				case !errors.Is(perr, relwatch.ErrNotFound):
					t.Fatal(perr)
				}
			}
			if _, rerr := a.ResolvePage(ctx, page); rerr != nil && !errors.Is(rerr, relwatch.ErrNotFound) {
				t.Fatal(rerr)
			} else if rerr != nil && (err == nil || err.Error() != rerr.Error()) {
				t.Fatalf("%s %+v: the separate reads say %v, ResolvePage %v", page, r, err, rerr)
			}

			got, gotSource, gerr := sr.SourcedSnapshot(ctx, page, r.version, r.at)
			switch {
			case err != nil:
				if gerr == nil || gerr.Error() != err.Error() || errors.Is(gerr, relwatch.ErrNotFound) != errors.Is(err, relwatch.ErrNotFound) {
					t.Errorf("%s %+v: SourcedSnapshot error %v, want %v", page, r, gerr, err)
				}
			case gerr != nil:
				t.Errorf("%s %+v: SourcedSnapshot error %v, want version %d", page, r, gerr, want.Version)
			case !reflect.DeepEqual(got, want) || !reflect.DeepEqual(gotSource, wantSource):
				t.Errorf("%s %+v: SourcedSnapshot = version %d from %+v, want version %d from %+v", page, r, got.Version, gotSource, want.Version, wantSource)
			}
		}
	}
}
