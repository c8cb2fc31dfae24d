package archive

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/relwatch/relwatch"

	"github.com/relwatch/relwatch/archivetest"
	"github.com/relwatch/relwatch/snapshots"
)

// The contract suite's fixtures, shared with these SQLite-only tests.
var (
	kzEN, kzFR = archivetest.KzEN, archivetest.KzFR
	at         = archivetest.At
	snap       = archivetest.Snap
	capture    = archivetest.Capture
)

func mustVersion(t testing.TB, a *Archive, c relwatch.Capture, s snapshots.Snapshot, change *relwatch.ChangeRecord) int {
	t.Helper()
	v, err := a.RecordVersion(context.Background(), c, s, 1, change)
	if err != nil {
		t.Fatalf("RecordVersion: %v", err)
	}
	return v
}

func mustUnchanged(t testing.TB, a *Archive, c relwatch.Capture, v int) {
	t.Helper()
	if err := a.RecordUnchanged(context.Background(), c, v); err != nil {
		t.Fatalf("RecordUnchanged: %v", err)
	}
}

func mustCheckClean(t testing.TB, a *Archive) {
	t.Helper()
	probs, err := a.Check(context.Background())
	if err != nil {
		t.Fatalf("Check: %v", err)
	}
	if len(probs) > 0 {
		t.Fatalf("Check found problems: %v", probs)
	}
}

func count(t testing.TB, a *Archive, table string) int {
	t.Helper()
	var n int
	if err := a.db.QueryRow("SELECT count(*) FROM " + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func tempPath(t testing.TB) string { return t.TempDir() + "/archive.db" }

// openRW opens an archive the test closes itself.
func openRW(t testing.TB, path string) *Archive {
	t.Helper()
	a, err := Open(context.Background(), path, ReadWrite)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

type snapshotsSnapshot = snapshots.Snapshot

// benchBody is about the size of the real NATO page (60 KB of HTML).
func benchBody() string {
	var b strings.Builder
	for i := 0; b.Len() < 60_000; i++ {
		fmt.Fprintf(&b, "<div class=\"c%d\"><p>NATO and Kazakhstan paragraph %d, cooperation in security.</p></div>\n", i%7, i)
	}
	return b.String()
}

// benchSnap is a page-sized snapshot (30 blocks in 5 sections) of which one
// block changes with i.
func benchSnap(i int) snapshots.Snapshot {
	s := snapshots.Snapshot{Page: kzEN.String(), Lang: "en", Title: "Relations with Kazakhstan", Lead: "Lead."}
	for j := range 5 {
		sec := snapshots.Section{Heading: fmt.Sprint("Section ", j), Level: 2}
		for k := range 6 {
			sec.Blocks = append(sec.Blocks, snapshots.Block{Kind: snapshots.Paragraph, Text: fmt.Sprintf("Paragraph %d.%d about partnership and dialogue.", j, k)})
		}
		s.Sections = append(s.Sections, sec)
	}
	s.Sections[0].Blocks[0].Text = fmt.Sprint("Changing paragraph, edition ", i)
	s.Seal()
	return s
}
