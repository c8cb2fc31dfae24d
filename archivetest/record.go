package archivetest

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/relwatch/relwatch"
	"github.com/relwatch/relwatch/snapshots"
)

func init() {
	register("RecordSequence", testRecordSequence)
	register("RecoveryResetsFailures", testRecoveryResetsFailures)
	register("RecordUnchangedUnknownVersion", testRecordUnchangedUnknownVersion)
	register("RecordVersionNeedsSeal", testRecordVersionNeedsSeal)
	register("RawBodyDedup", testRawBodyDedup)
	register("ResolvePage", testResolvePage)
	register("ReopenAndReadOnly", testReopenAndReadOnly)
	register("SuspectIsArchived", testSuspectIsArchived)
	register("CapturesReadBack", testCapturesReadBack)
}

func testRecordSequence(t *testing.T, open Opener) {
	ctx := context.Background()
	a := open(t, true)

	s1 := snap(kzEN, "12 Dec. 2017", "First paragraph.")
	s2 := snap(kzEN, "13 Feb. 2018", "First paragraph.", "Second paragraph.")

	if v := mustVersion(t, a, capture(kzEN, 0, "<html>1</html>"), s1, nil); v != 1 {
		t.Fatalf("first version = %d, want 1", v)
	}
	mustUnchanged(t, a, capture(kzEN, 1, "<html>1</html>"), 1)
	mustUnchanged(t, a, capture(kzEN, 2, "<html>1</html>"), 1)
	fail := capture(kzEN, 3, "")
	fail.Status, fail.ErrorKind, fail.ErrorMessage = 503, "http", "503 Service Unavailable"
	if err := a.RecordFailure(ctx, fail); err != nil {
		t.Fatal(err)
	}
	change := &relwatch.ChangeRecord{DiffJSON: []byte(`{"added":1}`), Summary: map[string]int{"added": 1}}
	if v := mustVersion(t, a, capture(kzEN, 4, "<html>2</html>"), s2, change); v != 2 {
		t.Fatalf("second version = %d, want 2", v)
	}
	for i := 5; i < 7; i++ {
		f := capture(kzEN, i, "")
		f.ErrorKind, f.ErrorMessage = "timeout", "no answer in 30s"
		if err := a.RecordFailure(ctx, f); err != nil {
			t.Fatal(err)
		}
	}

	vs, err := a.Versions(ctx, kzEN)
	if err != nil {
		t.Fatal(err)
	}
	if len(vs) != 2 {
		t.Fatalf("got %d versions, want 2", len(vs))
	}
	v1, v2 := vs[0], vs[1]
	if !v1.FirstSeen.Equal(at(0)) || !v1.LastSeen.Equal(at(2)) || v1.Checks != 3 || v1.Summary != nil || v1.WindowStart != nil {
		t.Errorf("version 1 = %+v", v1)
	}
	if !v2.FirstSeen.Equal(at(4)) || !v2.LastSeen.Equal(at(4)) || v2.Checks != 1 {
		t.Errorf("version 2 = %+v", v2)
	}
	if v2.WindowStart == nil || !v2.WindowStart.Equal(at(2)) {
		t.Errorf("version 2 window start = %v, want %v (the last capture that saw version 1)", v2.WindowStart, at(2))
	}
	if !reflect.DeepEqual(v2.Summary, map[string]int{"added": 1}) || v2.UpdatedRaw != "13 Feb. 2018" || v2.ContentHash != s2.ContentHash {
		t.Errorf("version 2 = %+v", v2)
	}

	got, err := a.Snapshot(ctx, kzEN, 0)
	if err != nil {
		t.Fatal(err)
	}
	if got.Version != 2 || got.ContentHash != s2.ContentHash || !got.FirstSeen.Equal(at(4)) || !got.VerifyHash() {
		t.Errorf("latest snapshot = version %d hash %s first %v", got.Version, got.ContentHash, got.FirstSeen)
	}
	got, err = a.Snapshot(ctx, kzEN, 1)
	if err != nil || got.Version != 1 || !got.LastSeen.Equal(at(2)) || got.Sections[0].Blocks[0].Text != "First paragraph." {
		t.Errorf("snapshot 1 = %+v, %v", got, err)
	}
	if _, err := a.Snapshot(ctx, kzEN, 3); !errors.Is(err, relwatch.ErrNotFound) {
		t.Errorf("snapshot 3: err = %v, want relwatch.ErrNotFound", err)
	}

	for _, tc := range []struct {
		t    time.Time
		want int
	}{{at(0), 1}, {at(3), 1}, {at(4), 2}, {at(100), 2}} {
		s, err := a.SnapshotAt(ctx, kzEN, tc.t)
		if err != nil || s.Version != tc.want {
			t.Errorf("SnapshotAt(%v) = version %d, %v; want %d", tc.t, s.Version, err, tc.want)
		}
	}
	if _, err := a.SnapshotAt(ctx, kzEN, at(-1)); !errors.Is(err, relwatch.ErrNotFound) {
		t.Errorf("SnapshotAt before first: err = %v, want relwatch.ErrNotFound", err)
	}

	cr, ws, err := a.Change(ctx, kzEN, 2)
	if err != nil || string(cr.DiffJSON) != `{"added":1}` || ws == nil || !ws.Equal(at(2)) {
		t.Errorf("Change(2) = %+v, %v, %v", cr, ws, err)
	}
	if _, _, err := a.Change(ctx, kzEN, 1); !errors.Is(err, relwatch.ErrNotFound) {
		t.Errorf("Change(1): err = %v, want relwatch.ErrNotFound", err)
	}

	pages, err := a.Pages(ctx)
	if err != nil || len(pages) != 1 {
		t.Fatalf("Pages = %+v, %v", pages, err)
	}
	p := pages[0]
	if p.Page != kzEN || p.Latest != 2 || p.LatestHash != s2.ContentHash || p.UpdatedRaw != "13 Feb. 2018" ||
		p.ConsecutiveFailures != 2 || !p.LastCheck.Equal(at(6)) || !p.LastSuccess.Equal(at(4)) ||
		!p.LastChange.Equal(at(4)) || p.LastError != "timeout: no answer in 30s" {
		t.Errorf("page status = %+v", p)
	}

	if st := checkState(t, a, kzEN); st.ETag != `"e4"` || st.LastModified != at(4).Format(time.RFC1123) {
		t.Errorf("validators = %q %q, want the capture at hour 4's", st.ETag, st.LastModified)
	}

	// The outcomes are set by the Record methods.
	var outcomes []string
	for _, c := range captures(t, a, kzEN) {
		outcomes = append(outcomes, c.Outcome)
	}
	want := []string{"new", "unchanged", "unchanged", "failed", "changed", "failed", "failed"}
	if !reflect.DeepEqual(outcomes, want) {
		t.Errorf("outcomes = %v, want %v", outcomes, want)
	}
	MustCheckClean(t, a)
}

func testRecoveryResetsFailures(t *testing.T, open Opener) {
	ctx := context.Background()
	a := open(t, true)
	mustVersion(t, a, capture(kzEN, 0, "b"), snap(kzEN, "", "x"), nil)
	f := capture(kzEN, 1, "")
	f.ErrorKind = "dns"
	if err := a.RecordFailure(ctx, f); err != nil {
		t.Fatal(err)
	}
	mustUnchanged(t, a, capture(kzEN, 2, "b"), 1)
	pages, _ := a.Pages(ctx)
	if pages[0].ConsecutiveFailures != 0 || pages[0].LastError != "" {
		t.Errorf("after recovery: %+v", pages[0])
	}
}

func testRecordUnchangedUnknownVersion(t *testing.T, open Opener) {
	a := open(t, true)
	mustVersion(t, a, capture(kzEN, 0, "b"), snap(kzEN, "", "x"), nil)
	err := a.RecordUnchanged(context.Background(), capture(kzEN, 1, "b"), 7)
	if !errors.Is(err, relwatch.ErrNotFound) {
		t.Fatalf("err = %v, want relwatch.ErrNotFound", err)
	}
	if n := len(captures(t, a, kzEN)); n != 1 {
		t.Errorf("captures = %d after a refused write, want 1 (rolled back)", n)
	}
}

func testRecordVersionNeedsSeal(t *testing.T, open Opener) {
	a := open(t, true)
	s := snap(kzEN, "", "x")
	s.Lead = "edited after sealing"
	if _, err := a.RecordVersion(context.Background(), capture(kzEN, 0, "b"), s, 1, nil); err == nil {
		t.Fatal("RecordVersion accepted a snapshot whose hash does not match")
	}
}

func testRawBodyDedup(t *testing.T, open Opener) {
	ctx := context.Background()
	a := open(t, true)
	body := strings.Repeat("<p>NATO and Kazakhstan</p>", 100)
	mustVersion(t, a, capture(kzEN, 0, body), snap(kzEN, "", "x"), nil)
	mustUnchanged(t, a, capture(kzEN, 1, body), 1)
	mustVersion(t, a, capture(kzFR, 2, body), snap(kzFR, "", "x"), nil)
	digests := map[string]bool{}
	for _, p := range []snapshots.PageKey{kzEN, kzFR} {
		for _, c := range captures(t, a, p) {
			digests[c.BodyDigest] = true
		}
	}
	if len(digests) != 1 {
		t.Fatalf("one body has %d digests: %v", len(digests), digests)
	}
	for d := range digests {
		raw, err := a.RawBody(ctx, d)
		if err != nil || string(raw) != body {
			t.Errorf("RawBody = %d bytes, %v", len(raw), err)
		}
	}
	if _, err := a.RawBody(ctx, "sha256:0000"); !errors.Is(err, relwatch.ErrNotFound) {
		t.Errorf("RawBody of an unknown digest: %v, want relwatch.ErrNotFound", err)
	}
}

func testResolvePage(t *testing.T, open Opener) {
	ctx := context.Background()
	a := open(t, true)
	mustVersion(t, a, capture(kzEN, 0, "b"), snap(kzEN, "", "x"), nil)
	other := snapshots.PageKey{ID: "ukraine", Lang: "fr"}
	mustVersion(t, a, capture(other, 0, "b"), snap(other, "", "x"), nil)

	if k, err := a.ResolvePage(ctx, snapshots.PageKey{ID: "ukraine"}); err != nil || k != other {
		t.Errorf("ResolvePage(ukraine) = %v, %v", k, err)
	}
	if k, err := a.ResolvePage(ctx, kzEN); err != nil || k != kzEN {
		t.Errorf("ResolvePage(kazakhstan/en) = %v, %v", k, err)
	}
	if _, err := a.ResolvePage(ctx, kzFR); !errors.Is(err, relwatch.ErrNotFound) {
		t.Errorf("ResolvePage(kazakhstan/fr): %v, want relwatch.ErrNotFound", err)
	}
	mustVersion(t, a, capture(kzFR, 0, "b"), snap(kzFR, "", "x"), nil)
	_, err := a.ResolvePage(ctx, snapshots.PageKey{ID: "kazakhstan"})
	if err == nil || !strings.Contains(err.Error(), "en, fr") {
		t.Errorf("ambiguous ResolvePage: %v, want a list of languages", err)
	}
	// Byte order, whatever the database's collation: "Z" before "a".
	upper := snapshots.PageKey{ID: "Zambia", Lang: "en"}
	mustVersion(t, a, capture(upper, 0, "b"), snap(upper, "", "x"), nil)
	pages, _ := a.Pages(ctx)
	var keys []string
	for _, p := range pages {
		keys = append(keys, p.Page.String())
	}
	if strings.Join(keys, " ") != "Zambia/en kazakhstan/en kazakhstan/fr ukraine/fr" {
		t.Errorf("Pages order = %v", keys)
	}
}

func testReopenAndReadOnly(t *testing.T, open Opener) {
	ctx := context.Background()
	a := open(t, true)
	mustVersion(t, a, capture(kzEN, 0, "b"), snap(kzEN, "", "x"), nil)
	ro := open(t, false)
	if vs, err := ro.Versions(ctx, kzEN); err != nil || len(vs) != 1 {
		t.Errorf("read-only Versions = %v, %v", vs, err)
	}
	if err := ro.RecordFailure(ctx, capture(kzEN, 1, "")); err == nil {
		t.Error("a read-only archive accepted a write")
	}
	if _, err := ro.Lock(ctx, 0); err == nil {
		t.Error("a read-only archive gave the writer lock")
	}
}

func testSuspectIsArchived(t *testing.T, open Opener) {
	ctx := context.Background()
	a := open(t, true)
	mustVersion(t, a, capture(kzEN, 0, "b"), snap(kzEN, "", "x", "y", "z"), nil)
	c := capture(kzEN, 1, "short")
	c.Suspect = "text shrank by 90%"
	mustVersion(t, a, c, snap(kzEN, "", "x"), &relwatch.ChangeRecord{})
	vs, err := a.Versions(ctx, kzEN)
	if err != nil || len(vs) != 2 || vs[0].Suspect != "" || vs[1].Suspect != "text shrank by 90%" {
		t.Errorf("Versions = %+v, %v", vs, err)
	}
}

// testCapturesReadBack: a capture reads back with the times (to the
// nanosecond), headers (a Date header in the standard form and one in
// another), URLs and provenance it was recorded with.
func testCapturesReadBack(t *testing.T, open Opener) {
	ctx := context.Background()
	a := open(t, true)
	c := capture(kzEN, 0, "b")
	c.Started = c.Started.Add(123456789 * time.Nanosecond)
	c.Finished = c.Started.Add(987654321 * time.Nanosecond)
	c.Header["Date"] = "Wed, 13 Dec 2017 09:00:01 GMT"
	c.CanonicalURL = "https://www.nato.int/cps/en/natohq/topics_49598.htm"
	mustVersion(t, a, c, snap(kzEN, "", "x"), nil)
	odd := capture(kzEN, 1, "")
	odd.Header = map[string]string{"Date": "Wednesday, 13-Dec-17 10:00:00 GMT"}
	odd.Status, odd.ErrorKind, odd.ErrorMessage = 500, "http", "500"
	if err := a.RecordFailure(ctx, odd); err != nil {
		t.Fatal(err)
	}
	p := past(-5, "w")
	recordPast(t, a, -5, "w", snap(kzEN, "", "old"))
	cs := captures(t, a, kzEN)
	if len(cs) != 3 {
		t.Fatalf("%d captures, want 3", len(cs))
	}
	got := cs[0]
	if !got.Started.Equal(c.Started) || !got.Finished.Equal(c.Finished) || !reflect.DeepEqual(got.Header, c.Header) ||
		got.CanonicalURL != c.CanonicalURL || got.FinalURL != c.FinalURL || got.Status != 200 || got.Version != 2 ||
		got.Outcome != relwatch.OutcomeChanged || got.Source != relwatch.SourceLive {
		t.Errorf("live capture = %+v\nwant %+v", got, c)
	}
	if !reflect.DeepEqual(cs[1].Header, odd.Header) || cs[1].Version != 0 || cs[1].ErrorMessage != "500" {
		t.Errorf("failed capture = %+v", cs[1])
	}
	w := cs[2]
	if w.Source != relwatch.SourceWayback || w.OriginalURL != p.OriginalURL || w.OriginalDigest != p.OriginalDigest ||
		w.Origin != p.Origin || !w.Retrieved.Equal(p.Retrieved) || w.Version != 1 || w.Outcome != relwatch.OutcomeNew {
		t.Errorf("wayback capture = %+v", w)
	}
	MustCheckClean(t, a)
}
