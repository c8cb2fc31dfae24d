package archive

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/relwatch/relwatch"

	"github.com/relwatch/relwatch/snapshots"
)

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

func recordPast(t *testing.T, a *Archive, n int, body string, s snapshots.Snapshot) relwatch.Placed {
	t.Helper()
	p, err := a.RecordInOrder(context.Background(), past(n, body), s, 1, fakeCompare)
	if err != nil {
		t.Fatalf("RecordInOrder at hour %d: %v", n, err)
	}
	return p
}

func hashes(t *testing.T, a *Archive) (out []string, firsts []time.Time) {
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

// TestRecordInOrder places past captures before, between and after live
// ones, in any arrival order, and checks the timeline.
func TestRecordInOrder(t *testing.T) {
	ctx := context.Background()
	a := TestArchive(t)
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
	if len(got) != 4 || got[0] != want[0] || got[1] != want[1] || got[2] != want[2] || got[3] != want[3] {
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
	mustCheckClean(t, a)

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
	if err != nil || len(pc) != 3 || !pc[0].Started.Equal(at(10)) || pc[0].OriginalDigest != "DIGESTa" {
		t.Errorf("PastCaptures = %+v, %v", pc, err)
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
	mustCheckClean(t, a)
}

func TestInTimeOrder(t *testing.T) {
	e := []timelineEntry{
		{id: 1, live: true, seen: at(5)},
		{id: 2, live: true, seen: at(3)}, // the clock jumped back: still after 1
		{id: 3, seen: at(4)},
		{id: 4, seen: at(1)},
		{id: 5, seen: at(9)},
	}
	got := inTimeOrder(e)
	var ids []int64
	for _, i := range got {
		ids = append(ids, e[i].id)
	}
	if len(ids) != 5 || ids[0] != 4 || ids[1] != 3 || ids[2] != 1 || ids[3] != 2 || ids[4] != 5 {
		t.Errorf("order %v, want [4 3 1 2 5]", ids)
	}
}

// BenchmarkRecordInOrder places one past capture at the start of a page
// with 400 captures in 30 versions: the whole timeline is rebuilt.
func BenchmarkRecordInOrder(b *testing.B) {
	ctx := context.Background()
	a := TestArchive(b)
	for i := range 400 {
		c := capture(kzEN, 10000+i, fmt.Sprint("live", i))
		s := benchSnap(i / 14)
		if i%14 == 0 {
			mustVersion(b, a, c, s, nil)
		} else {
			mustUnchanged(b, a, c, i/14+1)
		}
	}
	b.ResetTimer()
	for i := range b.N {
		c := past(-1-i, fmt.Sprint("past", i))
		if _, err := a.RecordInOrder(ctx, c, benchSnap(1000+i%3), 1, fakeCompare); err != nil {
			b.Fatal(err)
		}
	}
}
