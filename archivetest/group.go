package archivetest

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/relwatch/relwatch"
)

func init() {
	register("RecordGroup", testRecordGroup)
	register("RecordGroupAllOrNothing", testRecordGroupAllOrNothing)
	register("GroupAsChecksCome", testGroupAsChecksCome)
}

// newVersion is a check of a group that saw snap s.
func newVersion(c relwatch.Capture, s relwatch.NewVersion) relwatch.Checked {
	return relwatch.Checked{Capture: c, New: &s}
}

// testRecordGroup: a group of new versions and unchanged checks is each
// check recorded as RecordVersion or RecordUnchanged would, in order: a
// page's first version, an unchanged check of another page, two versions
// of one page (the second sees the first), every new version searchable
// as soon as the group is committed, and events kept.
func testRecordGroup(t *testing.T, open Opener) {
	ctx := context.Background()
	a := open(t, true)
	if _, err := a.Subscribe(ctx, "hook", at(0).Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
	mustVersion(t, a, capture(kzFR, 0, "fr-1"), snap(kzFR, "", "Coopération de sécurité"), nil)

	en1, en2 := snap(kzEN, "09 May 2025", "Partnership began in 1995"), snap(kzEN, "10 May 2025", "Partnership began in 1996")
	changed := capture(kzEN, 2, "en-2")
	changed.Events = []relwatch.Event{{ID: "ev-changed", Kind: relwatch.EventChanged, Page: kzEN.String(), Created: at(2)}}
	versions, err := a.RecordGroup(ctx, []relwatch.Checked{
		newVersion(capture(kzEN, 1, "en-1"), relwatch.NewVersion{Snap: en1, ParserVersion: 1}),
		{Capture: capture(kzFR, 1, "fr-1"), Version: 1},
		newVersion(changed, relwatch.NewVersion{Snap: en2, ParserVersion: 1, Change: &relwatch.ChangeRecord{Summary: map[string]int{"changed": 1}}}),
	})
	if err != nil {
		t.Fatalf("RecordGroup: %v", err)
	}
	if want := []int{1, 1, 2}; !slices.Equal(versions, want) {
		t.Errorf("RecordGroup = %v, want %v", versions, want)
	}
	vs, err := a.Versions(ctx, kzEN)
	if err != nil || len(vs) != 2 || vs[0].ContentHash != en1.ContentHash || vs[1].ContentHash != en2.ContentHash {
		t.Fatalf("kazakhstan/en versions: %+v, %v; want the group's two", vs, err)
	}
	if _, since, err := a.Change(ctx, kzEN, 2); err != nil || since == nil || !since.Equal(at(1)) {
		t.Errorf("the change into version 2: window from %v (%v), want the first version's sighting at %v", since, err, at(1))
	}
	fr, err := a.Versions(ctx, kzFR)
	if err != nil || len(fr) != 1 || fr[0].Checks != 2 {
		t.Errorf("kazakhstan/fr: %+v, %v; want one version seen twice", fr, err)
	}
	for _, q := range []string{"1995", "1996"} {
		if hits, err := a.Search(ctx, q, &kzEN); err != nil || len(hits) != 1 {
			t.Errorf("Search(%s) = %+v, %v; want the group's version", q, hits, err)
		}
	}
	pending, err := a.Pending(ctx, "hook", 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(pending) != 1 || pending[0].ID != "ev-changed" {
		t.Errorf("outbox: %+v, want the changed event", pending)
	}
	MustCheckClean(t, a)
}

// testRecordGroupAllOrNothing: a group with one check that cannot be
// recorded (an unchanged check of a version the page does not have; an
// unsealed snapshot) records none of its checks.
func testRecordGroupAllOrNothing(t *testing.T, open Opener) {
	ctx := context.Background()
	a := open(t, true)
	mustVersion(t, a, capture(kzFR, 0, "fr-1"), snap(kzFR, "", "x"), nil)
	unsealed := snap(kzEN, "", "y")
	unsealed.Lead = "edited after sealing"
	for name, bad := range map[string]relwatch.Checked{
		"no such version": {Capture: capture(kzFR, 2, "fr-1"), Version: 7},
		"unsealed":        newVersion(capture(kzEN, 2, "en-2"), relwatch.NewVersion{Snap: unsealed, ParserVersion: 1}),
	} {
		_, err := a.RecordGroup(ctx, []relwatch.Checked{
			newVersion(capture(kzEN, 1, "en-1"), relwatch.NewVersion{Snap: snap(kzEN, "", "z"), ParserVersion: 1}),
			{Capture: capture(kzFR, 1, "fr-1"), Version: 1},
			bad,
		})
		if err == nil {
			t.Fatalf("%s: RecordGroup accepted the group", name)
		}
		if n := len(captures(t, a, kzFR)); n != 1 {
			t.Errorf("%s: kazakhstan/fr has %d captures after a refused group, want 1", name, n)
		}
		if vs, _ := a.Versions(ctx, kzEN); len(vs) != 0 {
			t.Errorf("%s: kazakhstan/en has %d versions after a refused group, want none", name, len(vs))
		}
	}
	MustCheckClean(t, a)
}

// testGroupAsChecksCome: a group begun with relwatch.BeginGroup (written
// as its checks come on a store that can, held until the commit on one
// that cannot) shows nothing of its checks before Commit, all of them
// after it, with each check's version; a group rolled back, or one whose
// check cannot be recorded and is then rolled back, leaves nothing.
func testGroupAsChecksCome(t *testing.T, open Opener) {
	ctx := context.Background()
	a := open(t, true)
	mustVersion(t, a, capture(kzFR, 0, "fr-1"), snap(kzFR, "", "x"), nil)
	g, err := relwatch.BeginGroup(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	en := snap(kzEN, "", "Partnership began in 1995")
	for _, ch := range []relwatch.Checked{
		{Capture: capture(kzFR, 1, "fr-1"), Version: 1},
		newVersion(capture(kzEN, 1, "en-1"), relwatch.NewVersion{Snap: en, ParserVersion: 1}),
		{Capture: capture(kzEN, 2, "en-1"), Version: 1},
	} {
		if err := g.Add(ch); err != nil {
			t.Fatalf("Add: %v", err)
		}
	}
	if fr, err := a.Versions(ctx, kzFR); err != nil || len(fr) != 1 || fr[0].Checks != 1 {
		t.Errorf("before Commit: kazakhstan/fr %+v, %v; want its one check", fr, err)
	}
	if vs, _ := a.Versions(ctx, kzEN); len(vs) != 0 {
		t.Errorf("before Commit: kazakhstan/en has %d versions, want none", len(vs))
	}
	versions, err := g.Commit()
	if err != nil || !slices.Equal(versions, []int{1, 1, 1}) {
		t.Fatalf("Commit = %v, %v; want [1 1 1]", versions, err)
	}
	g.Rollback() // after Commit: nothing
	if vs, err := a.Versions(ctx, kzEN); err != nil || len(vs) != 1 || vs[0].Checks != 2 {
		t.Errorf("after Commit: kazakhstan/en %+v, %v; want one version seen twice", vs, err)
	}
	if fr, err := a.Versions(ctx, kzFR); err != nil || len(fr) != 1 || fr[0].Checks != 2 {
		t.Errorf("after Commit: kazakhstan/fr %+v, %v; want two checks", fr, err)
	}
	if hits, err := a.Search(ctx, "1995", &kzEN); err != nil || len(hits) != 1 {
		t.Errorf("after Commit: search %+v, %v; want the new version", hits, err)
	}

	for _, bad := range []bool{false, true} {
		g, err := relwatch.BeginGroup(ctx, a)
		if err != nil {
			t.Fatal(err)
		}
		if err := g.Add(relwatch.Checked{Capture: capture(kzFR, 3, "fr-1"), Version: 1}); err != nil {
			t.Fatal(err)
		}
		if bad {
			// A version the page does not have: refused now, or at the
			// commit by a store that holds the checks.
			err := g.Add(relwatch.Checked{Capture: capture(kzFR, 4, "fr-1"), Version: 7})
			if err == nil {
				_, err = g.Commit()
			}
			if err == nil {
				t.Fatal("a check of a version the page does not have was recorded")
			}
		}
		g.Rollback()
		if n := len(captures(t, a, kzFR)); n != 2 {
			t.Errorf("rolled back (bad check %v): kazakhstan/fr has %d captures, want 2", bad, n)
		}
	}
	MustCheckClean(t, a)
}
