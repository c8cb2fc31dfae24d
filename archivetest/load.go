package archivetest

import (
	"context"
	"testing"

	"github.com/relwatch/relwatch"
	"github.com/relwatch/relwatch/archivecopy"
)

// history builds a page history with every kind of row: live versions, an
// unchanged check, failures with and without a body, Wayback captures
// before and between live ones, a revert, and a parser change by reparse;
// and a second page.
func history(t *testing.T, a relwatch.Store) {
	ctx := context.Background()
	record(t, a, fakeParse(1), "a;b#x", "a;b#x", "a;c#x", "", "a;b#y", "a;c#y")
	errPage := capture(kzEN, 20, "<h1>502</h1>")
	errPage.Status, errPage.ErrorKind, errPage.ErrorMessage = 502, "http", "502 Bad Gateway"
	if err := a.RecordFailure(ctx, errPage); err != nil {
		t.Fatal(err)
	}
	recordPast(t, a, -10, "w;0", snap(kzEN, "", "w", "0"))
	recordPast(t, a, 2, "a;b#x", snap(kzEN, "", "a", "b"))
	if _, err := a.Reparse(ctx, &kzEN, fakeParse(2), fakeCompare, false); err != nil {
		t.Fatal(err)
	}
	mustVersion(t, a, capture(kzFR, 0, "fr"), snap(kzFR, "12 Dec. 2017", "Sécurité."), nil)
}

// testLoadPageKeepsEverything copies a store into an empty one of the same
// engine: the copy answers every read exactly as the original does, and
// checks clean; copying again skips every page.
func testLoadPageKeepsEverything(t *testing.T, e Engine) {
	ctx := context.Background()
	src := e.New(t)(t, true)
	history(t, src)
	dst := e.New(t)(t, true)
	if _, ok := dst.(relwatch.Loader); !ok {
		t.Fatalf("the %s store is not a relwatch.Loader", e.Name)
	}
	rep, err := archivecopy.Copy(ctx, src, dst.(archivecopy.Destination), nil)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Pages != 2 || rep.Copied != 2 || rep.Skipped != 0 || rep.Captures != 10 {
		t.Errorf("report = %+v", rep)
	}
	want, got := mustDump(t, src), mustDump(t, dst)
	if got != want {
		t.Errorf("the copy answers differently:\n%s\nwant\n%s", got, want)
	}
	for _, q := range []string{"securite", "b", "y"} {
		hs, _ := src.Search(ctx, q, nil)
		hd, _ := dst.Search(ctx, q, nil)
		if len(hs) == 0 || len(hs) != len(hd) {
			t.Errorf("search %q: %d hits in the copy, %d in the source", q, len(hd), len(hs))
		}
	}
	MustCheckClean(t, dst)
	rep, err = archivecopy.Copy(ctx, src, dst.(archivecopy.Destination), nil)
	if err != nil || rep.Copied != 0 || rep.Skipped != 2 {
		t.Errorf("copy again = %+v, %v; want every page skipped", rep, err)
	}
	// A page with another history in the destination stops the copy.
	other := e.New(t)(t, true)
	mustVersion(t, other, capture(kzFR, 0, "other"), snap(kzFR, "", "Autre."), nil)
	if _, err := archivecopy.Copy(ctx, src, other.(archivecopy.Destination), nil); err == nil {
		t.Error("copy into an archive with another history of a page succeeded")
	}
	if vs, _ := other.Versions(ctx, kzFR); len(vs) != 1 {
		t.Errorf("the refused copy changed the destination: %d versions", len(vs))
	}
}
