package archivetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/relwatch/relwatch"
	"github.com/relwatch/relwatch/snapshots"
)

func init() {
	register("LatestParse", testLatestParse)
	register("CheckStatesOfARun", testCheckStatesOfARun)
	register("UnchangedGroup", testUnchangedGroup)
	register("UnchangedGroupAllOrNothing", testUnchangedGroupAllOrNothing)
}

// keyed is a live capture of kzEN at hour n that was parsed with key.
func keyed(n int, body, key string) relwatch.Capture {
	c := capture(kzEN, n, body)
	c.ParseKey = key
	return c
}

// checkState is page's CheckState, read alone.
func checkState(t testing.TB, a relwatch.Store, page snapshots.PageKey) relwatch.CheckState {
	t.Helper()
	states, err := a.CheckStates(context.Background(), []snapshots.PageKey{page})
	if err != nil {
		t.Fatalf("CheckStates(%s): %v", page, err)
	}
	if len(states) > 1 {
		t.Fatalf("CheckStates(%s) = %+v: more than the page asked for", page, states)
	}
	return states[page]
}

func mustLatestParse(t testing.TB, a relwatch.Store, want relwatch.LatestParse) {
	t.Helper()
	if got := checkState(t, a, kzEN).Latest; got != want {
		t.Fatalf("CheckStates: latest = %+v, want %+v", got, want)
	}
}

// testLatestParse: a version keeps the parse key of the capture that made
// it, an unchanged check with a key replaces it, one without leaves it,
// and a new version without a key (a capture not parsed live) has none.
func testLatestParse(t *testing.T, open Opener) {
	a := open(t, true)
	mustLatestParse(t, a, relwatch.LatestParse{})
	s1 := snap(kzEN, "09 May 2025", "x")
	mustVersion(t, a, keyed(0, "b1", "key-1"), s1, nil)
	mustLatestParse(t, a, relwatch.LatestParse{Version: 1, ContentHash: s1.ContentHash, ParseKey: "key-1", UpdatedRaw: "09 May 2025"})

	mustUnchanged(t, a, keyed(1, "b2", "key-2"), 1) // other bytes, same content
	mustUnchanged(t, a, capture(kzEN, 2, "b3"), 1)  // not parsed (a 304): the key stays
	mustLatestParse(t, a, relwatch.LatestParse{Version: 1, ContentHash: s1.ContentHash, ParseKey: "key-2", UpdatedRaw: "09 May 2025"})

	s2 := snap(kzEN, "", "x", "y")
	mustVersion(t, a, capture(kzEN, 3, "b4"), s2, &relwatch.ChangeRecord{})
	mustLatestParse(t, a, relwatch.LatestParse{Version: 2, ContentHash: s2.ContentHash})
	if st := checkState(t, a, kzFR); st != (relwatch.CheckState{}) {
		t.Errorf("a page never checked: %+v; want the zero CheckState", st)
	}
	MustCheckClean(t, a)
}

// testUnchangedGroup: a group is each of its checks recorded as
// RecordUnchanged would, in order, events included.
func testUnchangedGroup(t *testing.T, open Opener) {
	ctx := context.Background()
	a := open(t, true)
	mustVersion(t, a, keyed(0, "en", "key-en"), snap(kzEN, "", "x"), nil)
	mustVersion(t, a, capture(kzFR, 0, "fr"), snap(kzFR, "", "x"), nil)
	since := time.Now().Add(-time.Hour)
	if _, err := a.Subscribe(ctx, "hook", since); err != nil {
		t.Fatal(err)
	}
	recovered := capture(kzFR, 2, "fr")
	recovered.Events = []relwatch.Event{{ID: "r", Kind: relwatch.EventRecovered, Page: kzFR.String(), Created: since.Add(time.Minute)}}
	group := []relwatch.Checked{
		{Capture: keyed(1, "en", "key-en"), Version: 1},
		{Capture: recovered, Version: 1},
		{Capture: keyed(3, "en2", "key-en2"), Version: 1},
	}
	group[0].Capture.BodyDigest = relwatch.BodyDigest([]byte("en")) // worked out by the caller
	if _, err := a.RecordGroup(ctx, group); err != nil {
		t.Fatalf("RecordGroup: %v", err)
	}
	if group[0].Capture.Outcome != "" {
		t.Errorf("the caller's capture was changed: outcome %q", group[0].Capture.Outcome)
	}
	vs, err := a.Versions(ctx, kzEN)
	if err != nil || len(vs) != 1 || vs[0].Checks != 3 || !vs[0].LastSeen.Equal(at(3)) {
		t.Fatalf("en after the group: %+v, %v; want one version, 3 checks, last seen %v", vs, err, at(3))
	}
	cs := captures(t, a, kzEN)
	if len(cs) != 3 || cs[1].Outcome != relwatch.OutcomeUnchanged || cs[2].BodyDigest != relwatch.BodyDigest([]byte("en2")) {
		t.Fatalf("en captures: %+v", cs)
	}
	if cs[1].BodyDigest != cs[0].BodyDigest {
		t.Errorf("the same body stored under two digests: %s, %s", cs[0].BodyDigest, cs[1].BodyDigest)
	}
	mustLatestParse(t, a, relwatch.LatestParse{Version: 1, ContentHash: vs[0].ContentHash, ParseKey: "key-en2"})
	if fr, _ := a.Versions(ctx, kzFR); len(fr) != 1 || fr[0].Checks != 2 {
		t.Errorf("fr after the group: %+v", fr)
	}
	if p, err := a.Pending(ctx, "hook", 10); err != nil || len(p) != 1 || p[0].ID != "r" {
		t.Errorf("the group's event: %+v, %v", p, err)
	}
	if _, err := a.RecordGroup(ctx, nil); err != nil {
		t.Errorf("an empty group: %v", err)
	}
	MustCheckClean(t, a)
}

// testUnchangedGroupAllOrNothing: a group with a check the store refuses
// writes none of its checks.
func testUnchangedGroupAllOrNothing(t *testing.T, open Opener) {
	ctx := context.Background()
	a := open(t, true)
	mustVersion(t, a, keyed(0, "en", "key-en"), snap(kzEN, "", "x"), nil)
	_, err := a.RecordGroup(ctx, []relwatch.Checked{
		{Capture: keyed(1, "en", "key-other"), Version: 1},
		{Capture: capture(kzEN, 2, "en"), Version: 7},
	})
	if !errors.Is(err, relwatch.ErrNotFound) {
		t.Fatalf("a group with a missing version: %v, want relwatch.ErrNotFound", err)
	}
	if n := len(captures(t, a, kzEN)); n != 1 {
		t.Errorf("captures = %d after a refused group, want 1 (rolled back)", n)
	}
	vs, _ := a.Versions(ctx, kzEN)
	mustLatestParse(t, a, relwatch.LatestParse{Version: 1, ContentHash: vs[0].ContentHash, ParseKey: "key-en"})
	MustCheckClean(t, a)
}

// testParseKeysMigration: a store from before parse keys keeps its
// history; its versions have no key (the next check parses), and the
// first checks after the upgrade record keys.
func testParseKeysMigration(t *testing.T, e Engine) {
	if e.WithoutParseKeys == nil {
		t.Skip("the engine cannot make a store of the previous schema")
	}
	s1 := snap(kzEN, "09 May 2025", "x")
	open := e.WithoutParseKeys(t, func(a relwatch.Store) {
		mustVersion(t, a, keyed(0, "b1", "key-1"), s1, nil)
		mustUnchanged(t, a, keyed(1, "b1", "key-1"), 1)
	})
	ro := open(t, false)
	mustLatestParse(t, ro, relwatch.LatestParse{}) // read-only, old schema: nothing to skip with
	a := open(t, true)
	mustLatestParse(t, a, relwatch.LatestParse{Version: 1, ContentHash: s1.ContentHash, UpdatedRaw: "09 May 2025"})
	if vs, err := a.Versions(context.Background(), kzEN); err != nil || len(vs) != 1 || vs[0].Checks != 2 {
		t.Fatalf("history after the upgrade: %+v, %v", vs, err)
	}
	MustCheckClean(t, a)
	mustUnchanged(t, a, keyed(2, "b1", "key-1"), 1)
	mustLatestParse(t, a, relwatch.LatestParse{Version: 1, ContentHash: s1.ContentHash, ParseKey: "key-1", UpdatedRaw: "09 May 2025"})
	MustCheckClean(t, a)
}

// testCheckStatesOfARun: one call reads every page of a run, each as it
// would be read alone; a page the archive has never seen is not in the
// map, and a page only ever failed has no validators and no version.
func testCheckStatesOfARun(t *testing.T, open Opener) {
	ctx := context.Background()
	a := open(t, true)
	s1 := snap(kzEN, "09 May 2025", "x")
	mustVersion(t, a, keyed(0, "b1", "key-1"), s1, nil)
	mustUnchanged(t, a, keyed(1, "b2", "key-2"), 1)
	failed := capture(kzFR, 2, "")
	failed.Status, failed.ErrorKind, failed.ErrorMessage = 503, relwatch.KindHTTPStatus, "HTTP 503 Service Unavailable"
	if err := a.RecordFailure(ctx, failed); err != nil {
		t.Fatal(err)
	}
	never := snapshots.PageKey{ID: "never-seen", Lang: "en"}
	states, err := a.CheckStates(ctx, []snapshots.PageKey{kzEN, kzFR, never})
	if err != nil {
		t.Fatal(err)
	}
	want := map[snapshots.PageKey]relwatch.CheckState{
		kzEN: {ETag: `"e1"`, LastModified: at(1).Format(time.RFC1123),
			Latest: relwatch.LatestParse{Version: 1, ContentHash: s1.ContentHash, ParseKey: "key-2", UpdatedRaw: "09 May 2025"}},
		kzFR: {},
	}
	if len(states) != len(want) {
		t.Errorf("CheckStates = %+v, want %+v", states, want)
	}
	for page, w := range want {
		got, ok := states[page]
		if !ok || got != w {
			t.Errorf("CheckStates[%s] = %+v (present %v), want %+v", page, got, ok, w)
		}
		if alone := checkState(t, a, page); alone != got {
			t.Errorf("%s read alone = %+v, in a run %+v", page, alone, got)
		}
	}
	if states, err := a.CheckStates(ctx, nil); err != nil || len(states) != 0 {
		t.Errorf("CheckStates(no pages) = %+v, %v", states, err)
	}
}
