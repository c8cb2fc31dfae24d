package archivetest

import (
	"context"
	"errors"
	"testing"

	"github.com/relwatch/relwatch"
)

func init() {
	register("ChecksForRemovals", testChecksForRemovals)
}

// testChecksForRemovals: Checks lists a page's live checks in order, with
// the status and kind of each failed one (what decides a removal), and
// not its Wayback captures; in a view as in the store.
func testChecksForRemovals(t *testing.T, open Opener) {
	ctx := context.Background()
	a := open(t, true)
	mustVersion(t, a, capture(kzEN, 10, "b"), snap(kzEN, "", "x"), nil)
	for _, n := range []int{11, 12} {
		f := capture(kzEN, n, "")
		f.Status, f.ErrorKind, f.ErrorMessage = 404, relwatch.KindHTTPStatus, "HTTP 404 Not Found from …"
		if err := a.RecordFailure(ctx, f); err != nil {
			t.Fatal(err)
		}
	}
	mustUnchanged(t, a, capture(kzEN, 13, "b"), 1)
	recordPast(t, a, 1, "old", snap(kzEN, "", "old")) // not a live check: not listed

	want := []relwatch.Check{
		{Seen: at(10), Version: 2}, // the Wayback version before them renumbered version 1
		{Seen: at(11), Failed: true, ErrorKind: relwatch.KindHTTPStatus, Status: 404},
		{Seen: at(12), Failed: true, ErrorKind: relwatch.KindHTTPStatus, Status: 404},
		{Seen: at(13), Version: 2},
	}
	same := func(got []relwatch.Check) {
		t.Helper()
		if len(got) != len(want) {
			t.Fatalf("Checks: %+v, want %+v", got, want)
		}
		for i := range want {
			g, w := got[i], want[i]
			if !g.Seen.Equal(w.Seen) || g.Failed != w.Failed || g.ErrorKind != w.ErrorKind || g.Version != w.Version ||
				(w.Failed && g.Status != w.Status) {
				t.Errorf("check %d: %+v, want %+v", i, g, w)
			}
		}
	}
	got, err := a.Checks(ctx, kzEN)
	if err != nil {
		t.Fatal(err)
	}
	same(got)
	if err := a.ReadView(ctx, func(r relwatch.Reader) error {
		got, err := r.Checks(ctx, kzEN)
		if err != nil {
			return err
		}
		same(got)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if rs := relwatch.Removals(got); len(rs) != 1 || !rs[0].Since.Equal(at(11)) || rs[0].Restored == nil || !rs[0].Restored.Equal(at(13)) || rs[0].Version != 2 {
		t.Errorf("Removals of the stored checks: %+v", rs)
	}
	if _, err := a.Checks(ctx, kzFR); !errors.Is(err, relwatch.ErrNotFound) {
		t.Errorf("Checks of a page not archived: %v, want ErrNotFound", err)
	}
}
