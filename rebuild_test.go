package relwatch

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/relwatch/relwatch/snapshots"
)

// fakeTimeline records what WriteTimeline asks a store to write.
type fakeTimeline struct{ log []string }

func (f *fakeTimeline) PutVersion(v int, captureID int64, snap snapshots.Snapshot, parser int, parseKey string, first, last time.Time, checks int) error {
	f.log = append(f.log, fmt.Sprintf("version %d: capture %d, seen %02d..%02d, %d checks", v, captureID, first.Hour(), last.Hour(), checks))
	return nil
}

func (f *fakeTimeline) PutChange(v int, cr *ChangeRecord, observed time.Time, window *time.Time, stampBefore, stampAfter string) error {
	f.log = append(f.log, fmt.Sprintf("change into %d: %02d after %02d, stamp %q → %q, parser %t", v, observed.Hour(), window.Hour(), stampBefore, stampAfter, cr.ParserChange))
	return nil
}

func (f *fakeTimeline) Clear() error { f.log = append(f.log, "clear"); return nil }

func (f *fakeTimeline) IndexVersion(v int, snap *snapshots.Snapshot) error { return nil }

func (f *fakeTimeline) SetOutcomes(caps []TimelineCapture) error {
	for _, c := range caps {
		f.log = append(f.log, fmt.Sprintf("capture %d: v%d %s", c.ID, c.NewVersion, c.Outcome()))
	}
	return nil
}

func sealed(text, stamp string) snapshots.Snapshot {
	s := snapshots.Snapshot{Page: "a/en", Lang: "en", Title: "T", UpdatedRaw: snapshots.NullString(stamp),
		Sections: []snapshots.Section{{Blocks: []snapshots.Block{{Kind: snapshots.Paragraph, Text: text}}}}}
	s.Seal()
	return s
}

// TestWriteTimelineGroupsAndPlaces: consecutive captures of one content
// are one version; a past capture placed before the live ones renumbers
// them; the changes come from the known ones or compare.
func TestWriteTimelineGroupsAndPlaces(t *testing.T) {
	at := func(h int) time.Time { return time.Date(2026, 1, 1, h, 0, 0, 0, time.UTC) }
	a, b := sealed("a", "1 Jan"), sealed("b", "2 Jan")
	versions := map[int]StoredVersion{1: {a, 1}, 2: {b, 1}}
	caps := []TimelineCapture{
		{ID: 1, Live: true, Seen: at(10), OldVersion: 1},
		{ID: 2, Live: true, Seen: at(11), OldVersion: 1},
		{ID: 3, Live: true, Seen: at(12), OldVersion: 2},
		{ID: 4, Seen: at(1)}, // a Wayback capture of b, before them all
	}
	ordered, err := InOrderTimeline(caps, versions, 4, b)
	if err != nil {
		t.Fatal(err)
	}
	compared := 0
	known := map[ChangeKey]ChangeRecord{{a.ContentHash, b.ContentHash}: {Summary: map[string]int{"known": 1}}}
	var w fakeTimeline
	_, err = WriteTimeline(&w, ordered, KeepKnownChanges(known, func(old, new snapshots.Snapshot) ChangeRecord {
		compared++
		return ChangeRecord{}
	}))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"clear",
		"version 1: capture 4, seen 01..01, 1 checks",
		"version 2: capture 1, seen 10..11, 2 checks", `change into 2: 10 after 01, stamp "2 Jan" → "1 Jan", parser false`,
		"version 3: capture 3, seen 12..12, 1 checks", `change into 3: 12 after 11, stamp "1 Jan" → "2 Jan", parser false`,
		"capture 4: v1 new", "capture 1: v2 changed", "capture 2: v2 unchanged", "capture 3: v3 changed",
	}
	if !slices.Equal(w.log, want) {
		t.Errorf("wrote\n%s\nwant\n%s", strings.Join(w.log, "\n"), strings.Join(want, "\n"))
	}
	if compared != 1 {
		t.Errorf("compare ran %d times, want 1 (b → a is new, a → b is known)", compared)
	}
	if p := PlacedIn(ordered, 4); p != (Placed{Version: 1, Outcome: OutcomeNew, Shifted: true}) {
		t.Errorf("placed %+v", p)
	}
	if _, err := InOrderTimeline([]TimelineCapture{{ID: 1, OldVersion: 9}}, versions, 2, b); !errors.Is(err, ErrCorrupt) {
		t.Errorf("a capture of a missing version: %v", err)
	}
}

// TestReparseTimeline: each body is parsed once, a capture without a body
// takes the content before it, and a split of one old version is a parser
// change.
func TestReparseTimeline(t *testing.T) {
	at := func(h int) time.Time { return time.Date(2026, 1, 1, h, 0, 0, 0, time.UTC) }
	rows := []ReparseCapture{
		{TimelineCapture: TimelineCapture{ID: 1, Live: true, Seen: at(1), OldVersion: 1}, BodyID: 10},
		{TimelineCapture: TimelineCapture{ID: 2, Live: true, Seen: at(2), OldVersion: 1}},
		{TimelineCapture: TimelineCapture{ID: 3, Live: true, Seen: at(3), OldVersion: 1}, BodyID: 11},
		{TimelineCapture: TimelineCapture{ID: 4, Live: true, Seen: at(4), OldVersion: 1}, BodyID: 10},
	}
	loads := 0
	caps, err := ReparseTimeline(rows, func(capture, body int64) ([]byte, string, error) {
		loads++
		return []byte(fmt.Sprint(body)), fmt.Sprint("sha256:", body), nil
	}, func(raw []byte, _, _ string) (snapshots.Snapshot, int, error) {
		return sealed(string(raw), ""), 2, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if loads != 2 {
		t.Errorf("loaded %d bodies, want 2", loads)
	}
	var w fakeTimeline
	parserChanges, err := WriteTimeline(&w, caps, MarkParserChanges(func(old, new snapshots.Snapshot) ChangeRecord { return ChangeRecord{} }))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(parserChanges, []int{2, 3}) || caps[1].Snap.ContentHash != caps[0].Snap.ContentHash {
		t.Errorf("parser changes %v; capture 2 has %s, capture 1 %s", parserChanges, caps[1].Snap.ContentHash, caps[0].Snap.ContentHash)
	}
	if _, err := ReparseTimeline(rows[1:2], nil, nil); err == nil {
		t.Error("a first capture without a body was accepted")
	}

	before := []VersionFingerprint{{1, 1, "s1", "a1"}, {2, 3, "s2", "a2"}}
	after := []VersionFingerprint{{1, 1, "s1", "a1"}, {2, 3, "s2'", "a2'"}}
	if re, changed := Rewritten(before, after); !slices.Equal(re, []int{2}) || !changed {
		t.Errorf("Rewritten = %v, %t", re, changed)
	}
	if re, changed := Rewritten(before, before); re != nil || changed {
		t.Errorf("Rewritten of the same = %v, %t", re, changed)
	}
}
