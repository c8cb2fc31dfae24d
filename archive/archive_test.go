package archive

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/relwatch/relwatch"

	"github.com/relwatch/relwatch/snapshots"
)

func TestRecordSequence(t *testing.T) {
	ctx := context.Background()
	a := TestArchive(t)

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

	etag, lm, err := a.Validators(ctx, kzEN)
	if err != nil || etag != `"e4"` || lm != at(4).Format(time.RFC1123) {
		t.Errorf("Validators = %q %q %v, want the capture at hour 4", etag, lm, err)
	}

	// The outcomes are set by the Record methods.
	rows, err := a.db.Query(`SELECT outcome FROM captures ORDER BY capture_id`)
	if err != nil {
		t.Fatal(err)
	}
	var outcomes []string
	for rows.Next() {
		var o string
		rows.Scan(&o)
		outcomes = append(outcomes, o)
	}
	rows.Close()
	want := []string{"new", "unchanged", "unchanged", "failed", "changed", "failed", "failed"}
	if !reflect.DeepEqual(outcomes, want) {
		t.Errorf("outcomes = %v, want %v", outcomes, want)
	}
	mustCheckClean(t, a)
}

func TestRecoveryResetsFailures(t *testing.T) {
	ctx := context.Background()
	a := TestArchive(t)
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

func TestRecordUnchangedUnknownVersion(t *testing.T) {
	a := TestArchive(t)
	mustVersion(t, a, capture(kzEN, 0, "b"), snap(kzEN, "", "x"), nil)
	err := a.RecordUnchanged(context.Background(), capture(kzEN, 1, "b"), 7)
	if !errors.Is(err, relwatch.ErrNotFound) {
		t.Fatalf("err = %v, want relwatch.ErrNotFound", err)
	}
	if n := count(t, a, "captures"); n != 1 {
		t.Errorf("captures = %d after a refused write, want 1 (rolled back)", n)
	}
}

func TestRecordVersionNeedsSeal(t *testing.T) {
	a := TestArchive(t)
	s := snap(kzEN, "", "x")
	s.Lead = "edited after sealing"
	if _, err := a.RecordVersion(context.Background(), capture(kzEN, 0, "b"), s, 1, nil); err == nil {
		t.Fatal("RecordVersion accepted a snapshot whose hash does not match")
	}
}

func TestRawBodyDedup(t *testing.T) {
	ctx := context.Background()
	a := TestArchive(t)
	body := strings.Repeat("<p>NATO and Kazakhstan</p>", 100)
	mustVersion(t, a, capture(kzEN, 0, body), snap(kzEN, "", "x"), nil)
	mustUnchanged(t, a, capture(kzEN, 1, body), 1)
	mustVersion(t, a, capture(kzFR, 2, body), snap(kzFR, "", "x"), nil)
	if n := count(t, a, "raw_bodies"); n != 1 {
		t.Errorf("raw_bodies = %d, want 1", n)
	}
	var digest string
	a.db.QueryRow(`SELECT b.digest FROM captures c JOIN raw_bodies b USING (body_id) LIMIT 1`).Scan(&digest)
	raw, err := a.RawBody(ctx, digest)
	if err != nil || string(raw) != body {
		t.Errorf("RawBody = %d bytes, %v", len(raw), err)
	}
	var stored int
	a.db.QueryRow(`SELECT length(data) FROM raw_bodies`).Scan(&stored)
	if stored >= len(body) {
		t.Errorf("stored %d bytes for a %d-byte body: not compressed", stored, len(body))
	}
}

func TestResolvePage(t *testing.T) {
	ctx := context.Background()
	a := TestArchive(t)
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
	pages, _ := a.Pages(ctx)
	var keys []string
	for _, p := range pages {
		keys = append(keys, p.Page.String())
	}
	if strings.Join(keys, " ") != "kazakhstan/en kazakhstan/fr ukraine/fr" {
		t.Errorf("Pages order = %v", keys)
	}
}

func TestReopenAndReadOnly(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "sub", "dir", "archive.db")
	a, err := Open(ctx, path, ReadWrite)
	if err != nil {
		t.Fatal(err)
	}
	mustVersion(t, a, capture(kzEN, 0, "b"), snap(kzEN, "", "x"), nil)
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	ro, err := Open(ctx, path, ReadOnly)
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	if vs, err := ro.Versions(ctx, kzEN); err != nil || len(vs) != 1 {
		t.Errorf("read-only Versions = %v, %v", vs, err)
	}
	if err := ro.RecordFailure(ctx, capture(kzEN, 1, "")); err == nil {
		t.Error("a read-only archive accepted a write")
	}
	if _, err := Open(ctx, filepath.Join(t.TempDir(), "missing.db"), ReadOnly); !errors.Is(err, relwatch.ErrNoArchive) || !errors.Is(err, relwatch.ErrUnusable) {
		t.Errorf("missing archive: %v, want relwatch.ErrNoArchive", err)
	}
}

func TestSuspectIsArchived(t *testing.T) {
	ctx := context.Background()
	a := TestArchive(t)
	mustVersion(t, a, capture(kzEN, 0, "b"), snap(kzEN, "", "x", "y", "z"), nil)
	c := capture(kzEN, 1, "short")
	c.Suspect = "text shrank by 90%"
	mustVersion(t, a, c, snap(kzEN, "", "x"), &relwatch.ChangeRecord{})
	vs, err := a.Versions(ctx, kzEN)
	if err != nil || len(vs) != 2 || vs[0].Suspect != "" || vs[1].Suspect != "text shrank by 90%" {
		t.Errorf("Versions = %+v, %v", vs, err)
	}
}

func TestCloseLeavesOneFile(t *testing.T) {
	path := tempPath(t)
	a := openRW(t, path)
	mustVersion(t, a, capture(kzEN, 0, "b"), snap(kzEN, "", "x"), nil)
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(path + "-wal"); err == nil && fi.Size() > 0 {
		t.Errorf("after Close the WAL still holds %d bytes", fi.Size())
	}
}
