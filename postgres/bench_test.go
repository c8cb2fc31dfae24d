package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/relwatch/relwatch"
	"github.com/relwatch/relwatch/relwatchtest"
	"github.com/relwatch/relwatch/snapshots"
)

// The benchmarks of docs/performance.md's PostgreSQL column, on the test
// server: go test -run '^$' -bench . ./postgres (with RELWATCH_TEST_POSTGRES).

var benchPage = snapshots.PageKey{ID: "kazakhstan", Lang: "en"}

func benchArchive(b *testing.B) *Archive {
	b.Helper()
	a, err := Open(context.Background(), TestDSN(b), ReadWrite)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { a.Close() })
	return a
}

// benchSnap is a page-sized snapshot (30 blocks in 5 sections) of which one
// block changes with i.
func benchSnap(i int) snapshots.Snapshot {
	s := snapshots.Snapshot{Page: benchPage.String(), Lang: "en", Title: "Relations with Kazakhstan", Lead: "Lead."}
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

var benchBody = strings.Repeat("<div><p>NATO and Kazakhstan, cooperation in security.</p></div>\n", 900) // about 60 KB

func benchCapture(i int) relwatch.Capture {
	t := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Minute)
	return relwatch.Capture{Page: benchPage, URL: "https://www.nato.int/cps/en/natohq/topics_49598.htm",
		FinalURL: "https://www.nato.int/cps/en/natohq/topics_49598.htm", Source: relwatch.SourceLive,
		Started: t, Finished: t.Add(300 * time.Millisecond), Status: 200, ContentType: "text/html; charset=utf-8",
		Header: map[string]string{"ETag": `"e1"`, "Date": t.Format("Mon, 02 Jan 2006 15:04:05 GMT")},
		Body:   []byte(benchBody + fmt.Sprint(i)),
	}
}

func BenchmarkRecordUnchanged(b *testing.B) {
	ctx := context.Background()
	a := benchArchive(b)
	if _, err := a.RecordVersion(ctx, benchCapture(0), benchSnap(0), 1, nil); err != nil {
		b.Fatal(err)
	}
	c := benchCapture(1)
	b.ResetTimer()
	for i := range b.N {
		c.Started = c.Started.Add(time.Duration(i) * time.Second)
		if err := a.RecordUnchanged(ctx, c, 1); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRecordVersion(b *testing.B) {
	ctx := context.Background()
	a := benchArchive(b)
	b.ResetTimer()
	for i := range b.N {
		if _, err := a.RecordVersion(ctx, benchCapture(i), benchSnap(i), 1, &relwatch.ChangeRecord{Summary: map[string]int{"changed": 1}}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkHistory5000 reads a page of 5,000 versions: Versions (log),
// with the client's CPU time per call (cpu-ms/op), and SnapshotAt (show
// --at).
func BenchmarkHistory5000(b *testing.B) {
	ctx := context.Background()
	a := benchArchive(b)
	for i := range 5000 {
		c := benchCapture(i)
		c.Body = nil
		if _, err := a.RecordVersion(ctx, c, benchSnap(i), 1, &relwatch.ChangeRecord{Summary: map[string]int{"changed": 1}}); err != nil {
			b.Fatal(err)
		}
	}
	b.Run("Versions", func(b *testing.B) {
		cpu := relwatchtest.ProcessCPU()
		defer func() { b.ReportMetric(float64(relwatchtest.ProcessCPU()-cpu)/1e6/float64(b.N), "cpu-ms/op") }()
		for range b.N {
			if vs, err := a.Versions(ctx, benchPage); err != nil || len(vs) != 5000 {
				b.Fatal(len(vs), err)
			}
		}
	})
	b.Run("SnapshotAt", func(b *testing.B) {
		at := time.Date(2026, 1, 2, 12, 0, 0, 0, time.UTC)
		for range b.N {
			if _, err := a.SnapshotAt(ctx, benchPage, at); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkOpenShowAt is what `relwatch show --at` does on PostgreSQL,
// less the process: open the archive read-only (connect, check the
// schema), read the version current at a time with its page and its
// provenance, close. Its time is mostly round trips and the server's
// start of a connection. Separate is the same reads one statement each
// (ResolvePage, SnapshotAt, VersionProvenance), as show made them before
// SourcedSnapshot; Sourced is SourcedSnapshot, as show makes them now.
func BenchmarkOpenShowAt(b *testing.B) {
	ctx := context.Background()
	dsn := TestDSN(b)
	a, err := Open(ctx, dsn, ReadWrite)
	if err != nil {
		b.Fatal(err)
	}
	for i := range 3 {
		if _, err := a.RecordVersion(ctx, benchCapture(i), benchSnap(i), 1, nil); err != nil {
			b.Fatal(err)
		}
	}
	a.Close()
	at := benchCapture(1).Started
	reads := map[string]func(ro *Archive) error{
		"Separate": func(ro *Archive) error {
			page, err := ro.ResolvePage(ctx, benchPage)
			if err != nil {
				return err
			}
			s, err := ro.SnapshotAt(ctx, page, at)
			if err != nil {
				return err
			}
			_, err = ro.VersionProvenance(ctx, page, s.Version)
			return err
		},
		"Sourced": func(ro *Archive) error {
			_, source, err := ro.SourcedSnapshot(ctx, benchPage, 0, at)
			if err == nil && source == nil {
				err = errors.New("no provenance")
			}
			return err
		},
	}
	for _, name := range []string{"Separate", "Sourced"} {
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				ro, err := Open(ctx, dsn, ReadOnly)
				if err != nil {
					b.Fatal(err)
				}
				if err := reads[name](ro); err != nil {
					b.Fatal(err)
				}
				ro.Close()
			}
		})
	}
}
