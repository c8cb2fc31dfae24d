// Package archivetest is the contract of a relwatch store: one suite of
// tests that every engine (the SQLite archive, PostgreSQL) runs, so that a
// behaviour is tested once and holds for all of them. A store's package
// calls Run from its own tests with a way to make an empty store.
package archivetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/relwatch/relwatch"
	"github.com/relwatch/relwatch/snapshots"
)

// Opener opens the store that New made, read-write or read-only, once more.
// The test's cleanup closes what it opens.
type Opener func(t testing.TB, writable bool) relwatch.Store

// Engine is one kind of store under test.
type Engine struct {
	Name string
	// New makes a new, empty store for one test (a file in t.TempDir(), a
	// schema of its own) and returns how to open it.
	New func(t testing.TB) Opener
	// WithoutParseKeys makes a new store, has fill write to it, and turns
	// it back into the schema before parse keys (SQLite 7, PostgreSQL 3:
	// no versions.parse_key), as a relwatch of that schema would have left
	// it; opened read-write it is upgraded. nil: the engine skips the test.
	WithoutParseKeys func(t testing.TB, fill func(relwatch.Store)) Opener
}

// Run runs the whole contract against the engine.
func Run(t *testing.T, e Engine) {
	for _, c := range contract {
		t.Run(c.name, func(t *testing.T) {
			c.test(t, e.New(t))
		})
	}
	t.Run("LoadPageKeepsEverything", func(t *testing.T) { testLoadPageKeepsEverything(t, e) })
	t.Run("LoadManyPages", func(t *testing.T) { testLoadManyPages(t, e) })
	t.Run("ParseKeysMigration", func(t *testing.T) { testParseKeysMigration(t, e) })
}

type contractTest struct {
	name string
	test func(t *testing.T, open Opener)
}

// contract lists every test of the suite; each file adds its own.
var contract []contractTest

func register(name string, test func(t *testing.T, open Opener)) {
	contract = append(contract, contractTest{name, test})
}

var (
	kzEN = snapshots.PageKey{ID: "kazakhstan", Lang: "en"}
	kzFR = snapshots.PageKey{ID: "kazakhstan", Lang: "fr"}
	t0   = time.Date(2017, 12, 13, 9, 0, 0, 0, time.UTC)
)

// at is the n-th hour after t0.
func at(n int) time.Time { return t0.Add(time.Duration(n) * time.Hour) }

// The suite's fixtures, for an engine's own tests of what only it has:
// its pages, hours, snapshots and live captures.
var KzEN, KzFR = kzEN, kzFR

// At is the n-th hour after the suite's start (13 December 2017, 09:00 UTC).
func At(n int) time.Time { return at(n) }

// Snap is a sealed snapshot of page whose content depends on paras.
func Snap(page snapshots.PageKey, stamp string, paras ...string) snapshots.Snapshot {
	return snap(page, stamp, paras...)
}

// Capture is a live capture of page at hour n with body.
func Capture(page snapshots.PageKey, n int, body string) relwatch.Capture {
	return capture(page, n, body)
}

// snap builds a sealed snapshot whose content depends on paras.
func snap(page snapshots.PageKey, stamp string, paras ...string) snapshots.Snapshot {
	s := snapshots.Snapshot{
		Page: page.String(), Lang: page.Lang,
		URL: "https://www.nato.int/cps/" + page.Lang + "/natohq/topics_49598.htm", Title: "Relations with Kazakhstan",
		UpdatedRaw: snapshots.NullString(stamp), Lead: "NATO and Kazakhstan cooperate.",
	}
	sec := snapshots.Section{Heading: "Highlights", Level: 2}
	for _, p := range paras {
		sec.Blocks = append(sec.Blocks, snapshots.Block{Kind: snapshots.Paragraph, Text: p})
	}
	s.Sections = []snapshots.Section{sec}
	s.Seal()
	return s
}

// capture is a live capture of page at hour n.
func capture(page snapshots.PageKey, n int, body string) relwatch.Capture {
	c := relwatch.Capture{
		Page: page, URL: "https://www.nato.int/cps/" + page.Lang + "/natohq/topics_49598.htm",
		FinalURL: "https://www.nato.int/cps/" + page.Lang + "/natohq/topics_49598.htm",
		Source:   "live", Started: at(n), Finished: at(n).Add(time.Second), Status: 200,
		Header:      map[string]string{"ETag": fmt.Sprintf(`"e%d"`, n), "Last-Modified": at(n).Format(time.RFC1123)},
		ContentType: "text/html; charset=utf-8",
	}
	if body != "" {
		c.Body = []byte(body)
	}
	return c
}

// past is a Wayback capture of kzEN made at hour n.
func past(n int, body string) relwatch.Capture {
	c := capture(kzEN, n, body)
	c.Source, c.Header = relwatch.SourceWayback, nil
	c.OriginalURL = "http://www.nato.int/cps/en/natolive/topics_49598.htm"
	c.OriginalDigest = "DIGEST" + body
	c.Origin = "https://web.archive.org/web/" + at(n).Format("20060102150405") + "id_/" + c.OriginalURL
	c.Retrieved = at(1000)
	return c
}

func mustVersion(t testing.TB, a relwatch.Store, c relwatch.Capture, s snapshots.Snapshot, change *relwatch.ChangeRecord) int {
	t.Helper()
	v, err := a.RecordVersion(context.Background(), c, s, 1, change)
	if err != nil {
		t.Fatalf("RecordVersion: %v", err)
	}
	return v
}

func mustUnchanged(t testing.TB, a relwatch.Store, c relwatch.Capture, v int) {
	t.Helper()
	if err := a.RecordUnchanged(context.Background(), c, v); err != nil {
		t.Fatalf("RecordUnchanged: %v", err)
	}
}

func recordPast(t testing.TB, a relwatch.Store, n int, body string, s snapshots.Snapshot) relwatch.Placed {
	t.Helper()
	p, err := a.RecordInOrder(context.Background(), past(n, body), s, 1, fakeCompare)
	if err != nil {
		t.Fatalf("RecordInOrder at hour %d: %v", n, err)
	}
	return p
}

// MustCheckClean fails the test when Check finds anything.
func MustCheckClean(t testing.TB, a relwatch.Store) {
	t.Helper()
	probs, err := a.Check(context.Background())
	if err != nil {
		t.Fatalf("Check: %v", err)
	}
	if len(probs) > 0 {
		t.Fatalf("Check found problems: %v", probs)
	}
}

func captures(t testing.TB, a relwatch.Store, page snapshots.PageKey) []relwatch.StoredCapture {
	t.Helper()
	cs, err := a.Captures(context.Background(), page)
	if err != nil {
		t.Fatalf("Captures(%s): %v", page, err)
	}
	return cs
}

func fakeCompare(old, new snapshots.Snapshot) relwatch.ChangeRecord {
	d := len(new.Sections[0].Blocks) - len(old.Sections[0].Blocks)
	return relwatch.ChangeRecord{DiffJSON: fmt.Appendf(nil, `{"delta":%d}`, d), Summary: map[string]int{"delta": d}}
}
