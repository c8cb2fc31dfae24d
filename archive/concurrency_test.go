package archive

import (
	"context"
	"database/sql"
	"fmt"
	"runtime"
	"sync"
	"testing"

	"github.com/relwatch/relwatch"
	"github.com/relwatch/relwatch/relwatchtest"
	"github.com/relwatch/relwatch/snapshots"
)

// TestReaderDuringWrites reads versions in a loop, through a second handle
// as another process would, while a writer records. Every version the
// reader sees must be complete: listed, readable, hash-verified and indexed.
func TestReaderDuringWrites(t *testing.T) {
	ctx := context.Background()
	w := TestArchive(t)
	mustVersion(t, w, capture(kzEN, 0, "0"), snap(kzEN, "", "p0"), nil)
	r, err := Open(ctx, w.Path(), ReadOnly)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()

	const n = 25
	var wg sync.WaitGroup
	done := make(chan struct{})
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer close(done)
		for i := 1; i <= n; i++ {
			c := capture(kzEN, i*2, fmt.Sprint("body ", i))
			if _, err := w.RecordVersion(ctx, c, snap(kzEN, "", fmt.Sprint("p", i)), 1, &relwatch.ChangeRecord{Summary: map[string]int{"changed": 1}}); err != nil {
				t.Error(err)
				return
			}
			if err := w.RecordUnchanged(ctx, capture(kzEN, i*2+1, fmt.Sprint("body ", i)), i+1); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	reads, last := 0, 0
	for running := true; running; reads++ {
		select {
		case <-done:
			running = false
		default:
		}
		vs, err := r.Versions(ctx, kzEN)
		if err != nil {
			t.Fatal(err)
		}
		if len(vs) < last {
			t.Fatalf("versions went from %d to %d", last, len(vs))
		}
		last = len(vs)
		for i, v := range vs {
			if v.Version != i+1 || (i > 0 && (v.WindowStart == nil || v.Summary["changed"] != 1)) {
				t.Fatalf("incomplete version %+v", v)
			}
		}
		s, err := r.Snapshot(ctx, kzEN, last)
		if err != nil || !s.VerifyHash() || s.ContentHash != vs[last-1].ContentHash {
			t.Fatalf("snapshot %d: %v (hash ok %v)", last, err, s.VerifyHash())
		}
		want := fmt.Sprint("p", last-1)
		hits, err := r.Search(ctx, want, &kzEN)
		if err != nil || len(hits) != 1 || hits[0].Versions[len(hits[0].Versions)-1] != last {
			t.Fatalf("search %s at version %d: %+v, %v", want, last, hits, err)
		}
	}
	wg.Wait()
	if last != n+1 {
		t.Errorf("reader ended at version %d, want %d", last, n+1)
	}
	t.Logf("%d read rounds during %d writes", reads, 2*n)
	mustCheckClean(t, r)
}

func BenchmarkRecordUnchanged(b *testing.B) {
	// "same body": the usual case, the body is already stored and only its
	// digest is computed. "new body": a page whose HTML changes around
	// unchanged content (tokens, timestamps) costs a compression more.
	for _, fresh := range []bool{false, true} {
		name := map[bool]string{false: "same body", true: "new body"}[fresh]
		b.Run(name, func(b *testing.B) {
			a := TestArchive(b)
			body := benchBody()
			mustVersion(b, a, capture(kzEN, 0, body), benchSnap(0), nil)
			b.ResetTimer()
			for i := range b.N {
				c := capture(kzEN, i+1, body)
				if fresh {
					c.Body = fmt.Append(c.Body, i)
				}
				mustUnchanged(b, a, c, 1)
			}
		})
	}
}

// BenchmarkRecordUnchangedGroup is BenchmarkRecordUnchanged's "same body"
// case recorded as a scrape does since schema 8: 50 checks (of 50 pages)
// in one transaction, one commit for all, each body's digest worked out
// before (the pipeline's workers do it) and the same response headers as
// the page's last check. ns/op is per check.
func BenchmarkRecordUnchangedGroup(b *testing.B) {
	const group = 50
	ctx := context.Background()
	a := TestArchive(b)
	body := benchBody()
	pages := make([]snapshots.PageKey, group)
	for i := range pages {
		pages[i] = snapshots.PageKey{ID: fmt.Sprintf("p%02d", i), Lang: "en"}
		mustVersion(b, a, capture(pages[i], 0, body), benchSnap(0), nil)
	}
	digest := relwatch.BodyDigest([]byte(body))
	check := func(page snapshots.PageKey, n int) relwatch.Checked {
		c := capture(page, n, body)
		c.Header = map[string]string{"Content-Type": c.ContentType, "Server": "nginx"}
		c.BodyDigest = digest
		return relwatch.Checked{Capture: c, Version: 1}
	}
	checks := make([]relwatch.Checked, 0, group)
	for _, p := range pages {
		checks = append(checks, check(p, 1))
	}
	if _, err := a.RecordGroup(ctx, checks); err != nil {
		b.Fatal(err)
	}
	checks = checks[:0]
	n := 1
	for b.Loop() {
		checks = append(checks, check(pages[len(checks)], n+1))
		n++
		if len(checks) == group {
			if _, err := a.RecordGroup(ctx, checks); err != nil {
				b.Fatal(err)
			}
			checks = checks[:0]
		}
	}
	if _, err := a.RecordGroup(ctx, checks); err != nil {
		b.Fatal(err)
	}
}

func BenchmarkRecordVersion(b *testing.B) {
	a := TestArchive(b)
	body := benchBody()
	change := &relwatch.ChangeRecord{DiffJSON: []byte(`[{"op":"changed"}]`), Summary: map[string]int{"changed": 1}}
	snaps := make([]snapshotsSnapshot, b.N)
	for i := range snaps {
		snaps[i] = benchSnap(i)
	}
	b.ResetTimer()
	for i := range b.N {
		// A fresh body each time, as a changed page brings: hashed and compressed.
		mustVersion(b, a, capture(kzEN, i, body+fmt.Sprint(i)), snaps[i], change)
	}
}

// TestPragmasOnEveryConnection: database/sql is a pool, so the pragmas must
// hold on every connection, not only the first.
func TestPragmasOnEveryConnection(t *testing.T) {
	ctx := context.Background()
	a := TestArchive(t)
	var conns []*sql.Conn
	for range 4 {
		c, err := a.db.Conn(ctx) // held, so each is a distinct connection
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		conns = append(conns, c)
	}
	for i, c := range conns {
		var journal string
		var sync, fk, busy int
		for q, dst := range map[string]any{
			"PRAGMA journal_mode": &journal, "PRAGMA synchronous": &sync,
			"PRAGMA foreign_keys": &fk, "PRAGMA busy_timeout": &busy,
		} {
			if err := c.QueryRowContext(ctx, q).Scan(dst); err != nil {
				t.Fatal(err)
			}
		}
		if journal != "wal" || sync != 2 || fk != 1 || busy != 5000 {
			t.Errorf("connection %d: journal_mode %s, synchronous %d, foreign_keys %d, busy_timeout %d", i, journal, sync, fk, busy)
		}
	}
}

// TestConcurrentWriters: four handles (four pools, as four processes would
// have) write at once, each alternating RecordVersion with a transaction
// that reads before it writes. With deferred transactions the latter fail
// at once with SQLITE_BUSY (a deferred transaction cannot upgrade its read
// lock while another connection writes); every write of the
// package goes through write(), whose BEGIN IMMEDIATE makes them all wait
// their turn instead.
func TestConcurrentWriters(t *testing.T) {
	ctx := context.Background()
	a := TestArchive(t)
	mustVersion(t, a, capture(kzEN, 0, "0"), snap(kzEN, "", "start"), nil)
	const writers, each = 4, 8
	var wg sync.WaitGroup
	for w := range writers {
		h, err := Open(ctx, a.Path(), ReadWrite)
		if err != nil {
			t.Fatal(err)
		}
		defer h.Close()
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				s := snap(kzEN, "", fmt.Sprint("writer ", w, " edit ", i))
				if _, err := h.RecordVersion(ctx, capture(kzEN, i, fmt.Sprint(w, i)), s, 1, nil); err != nil {
					t.Error(err)
					return
				}
				err := h.write(ctx, "bump", func(tx *sql.Tx) error {
					var v int
					if err := tx.QueryRowContext(ctx, `SELECT max(version) FROM versions`).Scan(&v); err != nil {
						return err
					}
					_, err := tx.ExecContext(ctx, `UPDATE versions SET checks = checks + 1 WHERE version = ?`, v)
					return err
				})
				if err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	vs, err := a.Versions(ctx, kzEN)
	if err != nil || len(vs) != 1+writers*each {
		t.Fatalf("%d versions, %v; want %d", len(vs), err, 1+writers*each)
	}
	checks := 0
	for _, v := range vs {
		checks += v.Checks
	}
	if want := 1 + 2*writers*each; checks != want {
		t.Errorf("checks add up to %d, want %d", checks, want)
	}
	mustCheckClean(t, a)
}

// BenchmarkRecordFirstRun is the writer of a first run: new pages' first
// versions, ten to a group (about what a run's 1 MB of bodies makes), each
// with a body of its own whose digest and compressed bytes are worked out
// before (the pipeline's workers do it), as track.Run records them. ns/op
// and cpu-ms/op are per version.
//
//	go test ./archive -run '^$' -bench RecordFirstRun -benchtime 400x -count 5
func BenchmarkRecordFirstRun(b *testing.B) {
	const group = 10
	ctx := context.Background()
	a := TestArchive(b)
	base := benchBody()
	checks := make([]relwatch.Checked, b.N)
	for i := range checks {
		page := snapshots.PageKey{ID: fmt.Sprintf("p%05d", i), Lang: "en"}
		c := capture(page, 0, base+fmt.Sprint(i))
		c.BodyDigest = relwatch.BodyDigest(c.Body)
		c.BodyGzip = relwatch.Gzip(c.Body, relwatch.GzipFast)
		s := benchSnap(i)
		s.Page = page.String()
		checks[i] = relwatch.Checked{Capture: c, New: &relwatch.NewVersion{Snap: s, ParserVersion: 1}}
	}
	runtime.GC()
	cpu0 := relwatchtest.ProcessCPU()
	b.ResetTimer()
	for i := 0; i < b.N; i += group {
		g, err := a.BeginGroup(ctx)
		if err != nil {
			b.Fatal(err)
		}
		for _, ch := range checks[i:min(i+group, b.N)] {
			if err := g.Add(ch); err != nil {
				b.Fatal(err)
			}
		}
		if _, err := g.Commit(); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64((relwatchtest.ProcessCPU()-cpu0).Microseconds())/1000/float64(b.N), "cpu-ms/op")
}
