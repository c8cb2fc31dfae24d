package archivetest

import (
	"context"
	"errors"
	"testing"

	"github.com/relwatch/relwatch"
)

func init() {
	register("ChecksForRemovals", testChecksForRemovals)
	register("RemovalChecksDeciding", testRemovalChecksDeciding)
}

// testChecksForRemovals: RemovalChecks lists a page's live checks in order, with
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
	got, err := a.RemovalChecks(ctx, kzEN)
	if err != nil {
		t.Fatal(err)
	}
	same(got)
	if err := a.ReadView(ctx, func(r relwatch.Reader) error {
		got, err := r.RemovalChecks(ctx, kzEN)
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
	if _, err := a.RemovalChecks(ctx, kzFR); !errors.Is(err, relwatch.ErrNotFound) {
		t.Errorf("Checks of a page not archived: %v, want ErrNotFound", err)
	}
}

// testRemovalChecksDeciding: of a page's many live checks, RemovalChecks
// lists only those that decide its removals (relwatch.DecidingChecks),
// stepping over Wayback captures recorded between them; a page that never
// failed lists its last check alone.
func testRemovalChecksDeciding(t *testing.T, open Opener) {
	ctx := context.Background()
	a := open(t, true)
	mustVersion(t, a, capture(kzFR, 1, "fr"), snap(kzFR, "", "fr"), nil)
	for n := 2; n <= 6; n++ {
		mustUnchanged(t, a, capture(kzFR, n, "fr"), 1)
	}
	mustVersion(t, a, capture(kzEN, 10, "b"), snap(kzEN, "", "x"), nil)
	fail := func(n, status int, kind string) {
		t.Helper()
		f := capture(kzEN, n, "")
		f.Status, f.ErrorKind, f.ErrorMessage = status, kind, "failed"
		if err := a.RecordFailure(ctx, f); err != nil {
			t.Fatal(err)
		}
	}
	mustUnchanged(t, a, capture(kzEN, 11, "b"), 1)
	mustUnchanged(t, a, capture(kzEN, 12, "b"), 1)
	fail(13, 500, relwatch.KindHTTPStatus)
	recordPast(t, a, 1, "old", snap(kzEN, "", "old")) // between two live checks in the order recorded
	mustUnchanged(t, a, capture(kzEN, 14, "b"), 2)
	mustUnchanged(t, a, capture(kzEN, 15, "b"), 2)
	fail(16, 404, relwatch.KindHTTPStatus)
	fail(17, 0, "timeout")
	fail(18, 410, relwatch.KindHTTPStatus)
	mustUnchanged(t, a, capture(kzEN, 19, "b"), 2)
	mustUnchanged(t, a, capture(kzEN, 20, "b"), 2)
	mustUnchanged(t, a, capture(kzEN, 21, "b"), 2)

	g := func(n int) relwatch.Check { return relwatch.Check{Seen: at(n), Status: 200, Version: 2} }
	f := func(n, status int, kind string) relwatch.Check {
		return relwatch.Check{Seen: at(n), Failed: true, ErrorKind: kind, Status: status}
	}
	all := []relwatch.Check{g(10), g(11), g(12), f(13, 500, relwatch.KindHTTPStatus), g(14), g(15),
		f(16, 404, relwatch.KindHTTPStatus), f(17, 0, "timeout"), f(18, 410, relwatch.KindHTTPStatus), g(19), g(20), g(21)}
	want := relwatch.DecidingChecks(all)
	if len(want) != 9 {
		t.Fatalf("the test's own checks: %d deciding, want 9", len(want))
	}
	got, err := a.RemovalChecks(ctx, kzEN)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Fatalf("RemovalChecks: %+v\nwant %+v", got, want)
	}
	for i := range want {
		if g, w := got[i], want[i]; !g.Seen.Equal(w.Seen) || g.Failed != w.Failed || g.ErrorKind != w.ErrorKind ||
			g.Status != w.Status || g.Version != w.Version {
			t.Errorf("check %d: %+v, want %+v", i, g, w)
		}
	}
	if rs := relwatch.Removals(got); len(rs) != 1 || !rs[0].Since.Equal(at(16)) || !rs[0].Confirmed.Equal(at(18)) ||
		rs[0].Restored == nil || !rs[0].Restored.Equal(at(19)) {
		t.Errorf("Removals of the listed checks: %+v", rs)
	}
	fr, err := a.RemovalChecks(ctx, kzFR)
	if err != nil {
		t.Fatal(err)
	}
	if len(fr) != 1 || !fr[0].Seen.Equal(at(6)) || fr[0].Failed || fr[0].Version != 1 {
		t.Errorf("RemovalChecks of a page that never failed: %+v, want its last check alone", fr)
	}
}
