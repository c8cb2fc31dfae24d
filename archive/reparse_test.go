package archive

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/relwatch/relwatch"

	"github.com/relwatch/relwatch/snapshots"
)

// Raw bodies in these tests are "para;para#extra". Parser 1 ignores what
// follows '#'; parser 2 reads it as one more paragraph.
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

func fakeCompare(old, new snapshots.Snapshot) relwatch.ChangeRecord {
	d := len(new.Sections[0].Blocks) - len(old.Sections[0].Blocks)
	return relwatch.ChangeRecord{DiffJSON: fmt.Appendf(nil, `{"delta":%d}`, d), Summary: map[string]int{"delta": d}}
}

// record plays a live run with the given parser over a list of bodies ("" =
// a failed capture).
func record(t *testing.T, a *Archive, parse relwatch.ParseFunc, bodies ...string) {
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

func TestReparse(t *testing.T) {
	ctx := context.Background()
	a := openRW(t, tempPath(t))
	record(t, a, fakeParse(1), "a;b#x", "a;b#x", "a;c#x", "a;c#y", "", "a;c#y")
	if vs, _ := a.Versions(ctx, kzEN); len(vs) != 2 {
		t.Fatalf("parser 1 made %d versions, want 2", len(vs))
	}

	// Parser 1 again: nothing to do.
	rep, err := a.Reparse(ctx, nil, fakeParse(1), fakeCompare, false)
	if err != nil {
		t.Fatal(err)
	}
	if p := rep.Pages[0]; p.Changed || p.Before != 2 || p.After != 2 || len(p.Rewritten) != 0 || p.Captures != 5 {
		t.Errorf("reparse with the same parser = %+v", p)
	}

	// Dry run with parser 2 reports and changes nothing.
	a.Close()
	before, _ := os.ReadFile(a.Path())
	a = openRW(t, a.Path())
	defer func() { a.Close() }()
	rep, err = a.Reparse(ctx, &kzEN, fakeParse(2), fakeCompare, true)
	if err != nil {
		t.Fatal(err)
	}
	want := relwatch.PageReparse{Page: kzEN, Captures: 5, Before: 2, After: 3, Rewritten: []int{1, 2, 3}, ParserChanges: []int{3}, Changed: true}
	if !rep.DryRun || !reflect.DeepEqual(rep.Pages, []relwatch.PageReparse{want}) {
		t.Errorf("dry run = %+v\nwant %+v", rep, want)
	}
	if vs, _ := a.Versions(ctx, kzEN); len(vs) != 2 {
		t.Errorf("dry run left %d versions, want 2", len(vs))
	}
	a.Close()
	if after, _ := os.ReadFile(a.Path()); !bytes.Equal(before, after) {
		t.Error("a dry run changed the archive file")
	}
	a = openRW(t, a.Path())

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
	mustCheckClean(t, a)

	// Recording continues on top of the rebuilt history.
	if v := mustVersion(t, a, capture(kzEN, 10, "a;d#y"), snap(kzEN, "", "a", "d", "y"), nil); v != 4 {
		t.Errorf("next version = %d, want 4", v)
	}
	mustCheckClean(t, a)
}
