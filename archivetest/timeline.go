package archivetest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/relwatch/relwatch"
	"github.com/relwatch/relwatch/snapshots"
)

func init() {
	register("RecordInOrder", testRecordInOrder)
	register("ValidatorsOnlyForTheLatestVersion", testValidatorsOnlyForTheLatestVersion)
	register("ChecksCountEverySighting", testChecksCountEverySighting)
	register("Reparse", testReparse)
	register("ReparseParseErrorChangesNothing", testReparseParseErrorChangesNothing)
	register("ReadViewIsOneSnapshot", testReadViewIsOneSnapshot)
	register("ConcurrentWriters", testConcurrentWriters)
	register("Lock", testLock)
}

func hashes(t *testing.T, a relwatch.Store) (out []string, firsts []time.Time) {
	t.Helper()
	vs, err := a.Versions(context.Background(), kzEN)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range vs {
		out = append(out, v.ContentHash)
		firsts = append(firsts, v.FirstSeen)
	}
	return out, firsts
}

// testRecordInOrder places past captures before, between and after live
// ones, in any arrival order, and checks the timeline.
func testRecordInOrder(t *testing.T, open Opener) {
	ctx := context.Background()
	a := open(t, true)
	sA, sB, sC, sD := snap(kzEN, "", "a"), snap(kzEN, "", "a", "b"), snap(kzEN, "", "c"), snap(kzEN, "", "d")

	// Live: C at hours 100 and 101, then D at 102.
	mustVersion(t, a, capture(kzEN, 100, "c"), sC, nil)
	mustUnchanged(t, a, capture(kzEN, 101, "c2"), 1)
	cr := fakeCompare(sC, sD)
	mustVersion(t, a, capture(kzEN, 102, "d"), sD, &cr)

	// The past arrives out of order: B (hour 20), A (hour 10), C (hour 50).
	if p := recordPast(t, a, 20, "b", sB); p.Version != 1 || p.Outcome != relwatch.OutcomeNew || !p.Shifted {
		t.Errorf("B before the live versions: %+v", p)
	}
	if p := recordPast(t, a, 10, "a", sA); p.Version != 1 || p.Outcome != relwatch.OutcomeNew {
		t.Errorf("A before B: %+v", p)
	}
	if p := recordPast(t, a, 50, "c0", sC); p.Version != 3 || p.Outcome != relwatch.OutcomeChanged || p.Shifted {
		t.Errorf("C's earlier sighting: %+v", p)
	}
	got, firsts := hashes(t, a)
	want := []string{sA.ContentHash, sB.ContentHash, sC.ContentHash, sD.ContentHash}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("versions %v, want A B C D", got)
	}
	if !firsts[2].Equal(at(50)) || !firsts[3].Equal(at(102)) {
		t.Errorf("first seen %v", firsts)
	}
	vs, _ := a.Versions(ctx, kzEN)
	if vs[0].Source != relwatch.SourceWayback || vs[2].Source != relwatch.SourceWayback || vs[3].Source != relwatch.SourceLive || vs[2].Checks != 3 {
		t.Errorf("provenance %+v", vs)
	}
	if vs[1].WindowStart == nil || !vs[1].WindowStart.Equal(at(10)) {
		t.Errorf("window into B: %v", vs[1].WindowStart)
	}
	if p, err := a.VersionProvenance(ctx, kzEN, 1); err != nil || p.Source != relwatch.SourceWayback || p.Origin != past(10, "a").Origin {
		t.Errorf("VersionProvenance(1) = %+v, %v", p, err)
	}
	MustCheckClean(t, a)

	// The live change C → D is kept as it was; a new live capture goes on top.
	ch, _, err := a.Change(ctx, kzEN, 4)
	if err != nil || string(ch.DiffJSON) != string(cr.DiffJSON) {
		t.Errorf("change into D: %s %v", ch.DiffJSON, err)
	}
	if v := mustVersion(t, a, capture(kzEN, 103, "e"), snap(kzEN, "", "e"), nil); v != 5 {
		t.Errorf("live after backfill: v%d", v)
	}
	// Health ignores past captures.
	pages, _ := a.Pages(ctx)
	if pages[0].LastCheck == nil || !pages[0].LastCheck.Equal(at(103)) {
		t.Errorf("last check %v", pages[0].LastCheck)
	}
	pc, err := a.PastCaptures(ctx, kzEN, relwatch.SourceWayback)
	if err != nil || len(pc) != 3 || !pc[0].Started.Equal(at(10)) || pc[0].OriginalDigest != "DIGESTa" || pc[0].BodyDigest == "" {
		t.Errorf("PastCaptures = %+v, %v", pc, err)
	}
	if pc, err := a.PastCaptures(ctx, kzFR, relwatch.SourceWayback); err != nil || len(pc) != 0 {
		t.Errorf("PastCaptures of a page not archived = %+v, %v", pc, err)
	}

	// Reparse keeps the time order.
	rep, err := a.Reparse(ctx, &kzEN, func(raw []byte, _, _ string) (snapshots.Snapshot, int, error) {
		switch string(raw) {
		case "a":
			return sA, 1, nil
		case "b":
			return sB, 1, nil
		case "c", "c0", "c2":
			return sC, 1, nil
		case "d":
			return sD, 1, nil
		}
		return snap(kzEN, "", "e"), 1, nil
	}, fakeCompare, false)
	if err != nil || rep.Pages[0].After != 5 {
		t.Fatalf("reparse: %+v %v", rep, err)
	}
	if again, _ := hashes(t, a); again[0] != sA.ContentHash || again[3] != sD.ContentHash {
		t.Errorf("reparse reordered the timeline")
	}
	MustCheckClean(t, a)
}

// testValidatorsOnlyForTheLatestVersion: validators come from the latest
// live capture only while that capture saw the page's latest version.
func testValidatorsOnlyForTheLatestVersion(t *testing.T, open Opener) {
	a := open(t, true)
	mustVersion(t, a, capture(kzEN, 2, "b2"), snap(kzEN, "", "x"), nil)
	recordPast(t, a, 1, "w1", snap(kzEN, "", "old"))
	if st := checkState(t, a, kzEN); st.ETag != `"e2"` || st.LastModified == "" {
		t.Fatalf("after an older backfill: validators = %q %q, want the live capture's", st.ETag, st.LastModified)
	}
	recordPast(t, a, 3, "w3", snap(kzEN, "", "newer"))
	if st := checkState(t, a, kzEN); st.ETag != "" || st.LastModified != "" {
		t.Errorf("after a newer backfill: validators = %q %q, want none", st.ETag, st.LastModified)
	}
	mustVersion(t, a, capture(kzEN, 4, "b4"), snap(kzEN, "", "x"), nil)
	if st := checkState(t, a, kzEN); st.ETag != `"e4"` {
		t.Errorf("after a live capture of the latest version: validators = %q", st.ETag)
	}
}

// testChecksCountEverySighting: versions.checks counts every successful
// capture that saw the version, live or past; failed checks are not
// counted.
func testChecksCountEverySighting(t *testing.T, open Opener) {
	ctx := t.Context()
	a := open(t, true)
	mustVersion(t, a, capture(kzEN, 2, "b2"), snap(kzEN, "", "x"), nil)
	mustUnchanged(t, a, capture(kzEN, 3, "b3"), 1)
	failed := capture(kzEN, 4, "")
	failed.ErrorKind, failed.ErrorMessage = "timeout", "no answer"
	if err := a.RecordFailure(ctx, failed); err != nil {
		t.Fatal(err)
	}
	recordPast(t, a, 1, "w1", snap(kzEN, "", "x"))
	vs, err := a.Versions(ctx, kzEN)
	if err != nil || len(vs) != 1 {
		t.Fatalf("Versions = %+v, %v", vs, err)
	}
	if vs[0].Checks != 3 || !vs[0].FirstSeen.Equal(at(1)) || !vs[0].LastSeen.Equal(at(3)) {
		t.Errorf("checks %d, first %s, last %s; want 3 sightings from hour 1 to hour 3", vs[0].Checks, vs[0].FirstSeen, vs[0].LastSeen)
	}
}

// Raw bodies in the reparse tests are "para;para#extra". Parser 1 ignores
// what follows '#'; parser 2 reads it as one more paragraph.
func fakeParse(version int) relwatch.ParseFunc {
	return func(raw []byte, _, _ string) (snapshots.Snapshot, int, error) {
		main, extra, _ := strings.Cut(string(raw), "#")
		paras := strings.Split(main, ";")
		if version >= 2 && extra != "" {
			paras = append(paras, extra)
		}
		return snap(kzEN, "", paras...), version, nil
	}
}

// record plays a live run with the given parser over a list of bodies ("" =
// a failed capture).
func record(t *testing.T, a relwatch.Store, parse relwatch.ParseFunc, bodies ...string) {
	t.Helper()
	ctx := context.Background()
	var prev snapshots.Snapshot
	latest := 0
	for i, b := range bodies {
		c := capture(kzEN, i, b)
		if b == "" {
			c.ErrorKind = "timeout"
			if err := a.RecordFailure(ctx, c); err != nil {
				t.Fatal(err)
			}
			continue
		}
		s, pv, _ := parse([]byte(b), "", "")
		switch {
		case latest > 0 && s.ContentHash == prev.ContentHash:
			mustUnchanged(t, a, c, latest)
		case latest == 0:
			latest, _ = a.RecordVersion(ctx, c, s, pv, nil)
		default:
			cr := fakeCompare(prev, s)
			latest, _ = a.RecordVersion(ctx, c, s, pv, &cr)
		}
		prev = s
	}
}

func mustDump(t *testing.T, a relwatch.Store) string {
	t.Helper()
	d, err := Dump(context.Background(), a)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func testReparse(t *testing.T, open Opener) {
	ctx := context.Background()
	a := open(t, true)
	record(t, a, fakeParse(1), "a;b#x", "a;b#x", "a;c#x", "a;c#y", "", "a;c#y")
	if vs, _ := a.Versions(ctx, kzEN); len(vs) != 2 {
		t.Fatalf("parser 1 made %d versions, want 2", len(vs))
	}

	// Parser 1 again: nothing to do.
	before := mustDump(t, a)
	rep, err := a.Reparse(ctx, nil, fakeParse(1), fakeCompare, false)
	if err != nil {
		t.Fatal(err)
	}
	if p := rep.Pages[0]; p.Changed || p.Before != 2 || p.After != 2 || len(p.Rewritten) != 0 || p.Captures != 5 {
		t.Errorf("reparse with the same parser = %+v", p)
	}
	if mustDump(t, a) != before {
		t.Error("a reparse that changes nothing changed what the archive answers")
	}

	// Dry run with parser 2 reports and changes nothing.
	rep, err = a.Reparse(ctx, &kzEN, fakeParse(2), fakeCompare, true)
	if err != nil {
		t.Fatal(err)
	}
	want := relwatch.PageReparse{Page: kzEN, Captures: 5, Before: 2, After: 3, Rewritten: []int{1, 2, 3}, ParserChanges: []int{3}, Changed: true}
	if !rep.DryRun || !reflect.DeepEqual(rep.Pages, []relwatch.PageReparse{want}) {
		t.Errorf("dry run = %+v\nwant %+v", rep, want)
	}
	if mustDump(t, a) != before {
		t.Error("a dry run changed what the archive answers")
	}

	rep, err = a.Reparse(ctx, &kzEN, fakeParse(2), fakeCompare, false)
	if err != nil || !reflect.DeepEqual(rep.Pages, []relwatch.PageReparse{want}) {
		t.Fatalf("reparse = %+v, %v", rep, err)
	}
	vs, err := a.Versions(ctx, kzEN)
	if err != nil || len(vs) != 3 {
		t.Fatalf("versions after reparse = %+v, %v", vs, err)
	}
	// Version 2 is the real edit (b → c), version 3 only the parser's doing.
	if vs[1].ParserChange || !vs[2].ParserChange || vs[2].ParserVersion != 2 {
		t.Errorf("parser_change flags: v2 %v, v3 %v", vs[1].ParserChange, vs[2].ParserChange)
	}
	if !vs[0].LastSeen.Equal(at(1)) || vs[0].Checks != 2 || !vs[2].FirstSeen.Equal(at(3)) || !vs[2].LastSeen.Equal(at(5)) ||
		vs[2].Checks != 2 || vs[2].WindowStart == nil || !vs[2].WindowStart.Equal(at(2)) {
		t.Errorf("versions after reparse = %+v", vs)
	}
	if s, _ := a.Snapshot(ctx, kzEN, 3); s.Sections[0].Blocks[2].Text != "y" {
		t.Errorf("version 3 = %+v", s.Sections[0].Blocks)
	}
	if hits, _ := a.Search(ctx, "y", &kzEN); len(hits) != 1 || !reflect.DeepEqual(hits[0].Versions, []int{3}) {
		t.Errorf("search after reparse = %+v", hits)
	}
	pages, _ := a.Pages(ctx)
	if pages[0].Latest != 3 || pages[0].ConsecutiveFailures != 0 {
		t.Errorf("page status after reparse = %+v", pages[0])
	}
	MustCheckClean(t, a)

	// Recording continues on top of the rebuilt history.
	if v := mustVersion(t, a, capture(kzEN, 10, "a;d#y"), snap(kzEN, "", "a", "d", "y"), nil); v != 4 {
		t.Errorf("next version = %d, want 4", v)
	}
	MustCheckClean(t, a)
	if _, err := a.Reparse(ctx, &kzFR, fakeParse(2), fakeCompare, false); !errors.Is(err, relwatch.ErrNotFound) {
		t.Errorf("reparse of a page not archived: %v, want relwatch.ErrNotFound", err)
	}
}

func testReparseParseErrorChangesNothing(t *testing.T, open Opener) {
	ctx := context.Background()
	a := open(t, true)
	record(t, a, fakeParse(1), "a#x", "b#x")
	before := mustDump(t, a)
	n := 0
	failing := func(raw []byte, ct, url string) (snapshots.Snapshot, int, error) {
		if n++; n == 2 {
			return snapshots.Snapshot{}, 0, fmt.Errorf("boom")
		}
		return fakeParse(2)(raw, ct, url)
	}
	if _, err := a.Reparse(ctx, nil, failing, fakeCompare, false); err == nil || !strings.Contains(err.Error(), "boom") {
		t.Fatalf("Reparse = %v, want the parse error", err)
	}
	if mustDump(t, a) != before {
		t.Error("a failed reparse changed the archive")
	}
	MustCheckClean(t, a)
}

// testReadViewIsOneSnapshot: a version written while a view is open is
// not seen by any of the view's reads, which otherwise answer exactly as
// the store's own methods do.
func testReadViewIsOneSnapshot(t *testing.T, open Opener) {
	ctx := context.Background()
	a := open(t, true)
	mustVersion(t, a, capture(kzFR, 0, "1"), snap(kzFR, "", "Un."), nil)
	mustVersion(t, a, capture(kzFR, 24, "2"), snap(kzFR, "", "Un.", "Deux."), &relwatch.ChangeRecord{Summary: map[string]int{"added": 1}})

	wantPages, _ := a.Pages(ctx)
	wantVersions, _ := a.Versions(ctx, kzFR)
	wantSnap, _ := a.Snapshot(ctx, kzFR, 0)
	wantChange, wantWindow, _ := a.Change(ctx, kzFR, 2)
	wantProv, _ := a.VersionProvenance(ctx, kzFR, 2)

	err := a.ReadView(ctx, func(v relwatch.Reader) error {
		pages, err := v.Pages(ctx)
		if err != nil || !reflect.DeepEqual(pages, wantPages) {
			t.Errorf("View.Pages = %+v, %v; want %+v", pages, err, wantPages)
		}
		// Another writer adds version 3 between the view's reads.
		mustVersion(t, a, capture(kzFR, 48, "3"), snap(kzFR, "", "Un.", "Deux.", "Trois."), &relwatch.ChangeRecord{Summary: map[string]int{"added": 1}})

		if vs, err := v.Versions(ctx, kzFR); err != nil || !reflect.DeepEqual(vs, wantVersions) {
			t.Errorf("View.Versions after a write = %+v, %v; want %+v", vs, err, wantVersions)
		}
		if s, err := v.Snapshot(ctx, kzFR, 0); err != nil || !reflect.DeepEqual(s, wantSnap) {
			t.Errorf("View.Snapshot(latest) after a write = v%d, %v; want v%d", s.Version, err, wantSnap.Version)
		}
		if _, err := v.Snapshot(ctx, kzFR, 3); !errors.Is(err, relwatch.ErrNotFound) {
			t.Errorf("View.Snapshot(3) = %v, want relwatch.ErrNotFound", err)
		}
		if cr, w, err := v.Change(ctx, kzFR, 2); err != nil || !reflect.DeepEqual(cr, wantChange) || !reflect.DeepEqual(w, wantWindow) {
			t.Errorf("View.Change(2) = %+v %v, %v", cr, w, err)
		}
		if _, _, err := v.Change(ctx, kzFR, 3); !errors.Is(err, relwatch.ErrNotFound) {
			t.Errorf("View.Change(3) = %v, want relwatch.ErrNotFound", err)
		}
		if p, err := v.VersionProvenance(ctx, kzFR, 2); err != nil || p != wantProv {
			t.Errorf("View.VersionProvenance(2) = %+v, %v", p, err)
		}
		if _, err := v.VersionProvenance(ctx, kzFR, 3); !errors.Is(err, relwatch.ErrNotFound) {
			t.Errorf("View.VersionProvenance(3) = %v, want relwatch.ErrNotFound", err)
		}
		if pages, _ := v.Pages(ctx); pages[0].Latest != 2 {
			t.Errorf("View.Pages after a write: latest v%d, want v2", pages[0].Latest)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if pages, _ := a.Pages(ctx); pages[0].Latest != 3 {
		t.Errorf("after the view: latest v%d, want v3", pages[0].Latest)
	}
	sentinel := errors.New("fn's own error")
	if err := a.ReadView(ctx, func(relwatch.Reader) error { return sentinel }); err != sentinel {
		t.Errorf("ReadView returned %v, want fn's error as it is", err)
	}
}

// testConcurrentWriters: four handles (as four processes would have)
// record versions of one page at once; every one is kept, numbered 1..N
// without a gap, and the archive checks clean.
func testConcurrentWriters(t *testing.T, open Opener) {
	ctx := context.Background()
	a := open(t, true)
	mustVersion(t, a, capture(kzEN, 0, "0"), snap(kzEN, "", "start"), nil)
	const writers, each = 4, 6
	var wg sync.WaitGroup
	for w := range writers {
		h := open(t, true)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				s := snap(kzEN, "", fmt.Sprint("writer ", w, " edit ", i))
				v, err := h.RecordVersion(ctx, capture(kzEN, 1+i, fmt.Sprint(w, i)), s, 1, nil)
				if err == nil {
					err = h.RecordUnchanged(ctx, capture(kzEN, 1+i, fmt.Sprint(w, i)), v)
				}
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
	for i, v := range vs {
		if v.Version != i+1 {
			t.Errorf("version %d is numbered %d", i+1, v.Version)
		}
		checks += v.Checks
	}
	if want := 1 + 2*writers*each; checks != want {
		t.Errorf("checks add up to %d, want %d", checks, want)
	}
	MustCheckClean(t, a)
}

// testLock: the writer lock is held by one handle at a time, says who
// holds it, and is free again once released.
func testLock(t *testing.T, open Opener) {
	ctx := context.Background()
	a, b := open(t, true), open(t, true)
	unlock, err := a.Lock(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	_, err = b.Lock(ctx, 0)
	var le *relwatch.LockedError
	if !errors.As(err, &le) || !errors.Is(err, relwatch.ErrUnusable) {
		t.Fatalf("second Lock: %v, want a *LockedError", err)
	}
	if le.PID == 0 || le.Since.IsZero() {
		t.Errorf("LockedError %+v does not say who holds the lock", le)
	}
	if err := unlock(); err != nil {
		t.Fatal(err)
	}
	unlock, err = b.Lock(ctx, 0)
	if err != nil {
		t.Fatalf("Lock after release: %v", err)
	}
	unlock()
}
