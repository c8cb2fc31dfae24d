package relwatch_test

import (
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"github.com/relwatch/relwatch"
)

func TestRemovals(t *testing.T) {
	t0 := time.Date(2026, 11, 20, 6, 0, 0, 0, time.UTC)
	good := func(v int) relwatch.Check { return relwatch.Check{Version: v} }
	status := func(s int) relwatch.Check {
		return relwatch.Check{Failed: true, ErrorKind: relwatch.KindHTTPStatus, Status: s}
	}
	kind := func(k string) relwatch.Check { return relwatch.Check{Failed: true, ErrorKind: k} }
	type want struct {
		since, confirmed, restored int // check indexes; restored -1: still removed
		restoredVersion            int
	}
	cases := []struct {
		name   string
		checks []relwatch.Check
		want   []want
		events []string // what Add said of each check
	}{
		{"404 twice, then back", []relwatch.Check{good(1), status(404), status(404), good(1)},
			[]want{{1, 2, 3, 1}}, []string{"", "", "removed", "restored"}},
		{"410 then 404, back with new content", []relwatch.Check{good(1), status(410), status(404), status(404), good(2)},
			[]want{{1, 2, 4, 2}}, []string{"", "", "removed", "", "restored"}},
		{"one 404 is not a removal", []relwatch.Check{good(1), status(404), good(1)}, nil, []string{"", "", ""}},
		{"404 then 500 then back is not", []relwatch.Check{good(1), status(404), status(500), good(1)}, nil, []string{"", "", "", ""}},
		{"a 500 between two 404s neither counts nor breaks", []relwatch.Check{good(1), status(404), status(500), status(404)},
			[]want{{1, 3, -1, 0}}, []string{"", "", "", "removed"}},
		{"500s are never a removal", []relwatch.Check{good(1), status(500), status(500), kind("dns"), kind("timeout"), status(503)}, nil,
			[]string{"", "", "", "", "", ""}},
		{"a redirect off the site removes at once", []relwatch.Check{good(1), kind(relwatch.KindRedirectOffsite), good(1)},
			[]want{{1, 1, 2, 1}}, []string{"", "removed", "restored"}},
		{"gutted twice", []relwatch.Check{good(1), kind(relwatch.KindNoContent), kind(relwatch.KindNoContent)},
			[]want{{1, 2, -1, 0}}, []string{"", "", "removed"}},
		{"dated by the first 404 of the streak, not a 500 before it", []relwatch.Check{good(1), status(500), status(404), status(404)},
			[]want{{2, 3, -1, 0}}, []string{"", "", "", "removed"}},
		{"never there: 404 from the first check", []relwatch.Check{status(404), status(404), good(1)}, nil, []string{"", "", ""}},
		{"removed twice", []relwatch.Check{good(1), status(404), status(404), status(404), good(1), status(410), status(410)},
			[]want{{1, 2, 4, 1}, {5, 6, -1, 0}}, []string{"", "", "removed", "", "restored", "", "removed"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for i := range c.checks {
				c.checks[i].Seen = t0.Add(time.Duration(i) * time.Hour)
			}
			var tr relwatch.RemovalTracker
			for i, ch := range c.checks {
				if got := tr.Add(ch); got != c.events[i] {
					t.Errorf("check %d: event %q, want %q", i, got, c.events[i])
				}
			}
			got := relwatch.Removals(c.checks)
			if len(got) != len(c.want) {
				t.Fatalf("removals %+v, want %d", got, len(c.want))
			}
			for i, w := range c.want {
				r := got[i]
				if !r.Since.Equal(c.checks[w.since].Seen) || !r.Confirmed.Equal(c.checks[w.confirmed].Seen) {
					t.Errorf("removal %d: since %v confirmed %v, want checks %d and %d", i, r.Since, r.Confirmed, w.since, w.confirmed)
				}
				switch {
				case w.restored < 0 && r.Restored != nil:
					t.Errorf("removal %d: restored %v, want still removed", i, r.Restored)
				case w.restored >= 0 && (r.Restored == nil || !r.Restored.Equal(c.checks[w.restored].Seen) || r.RestoredVersion != w.restoredVersion):
					t.Errorf("removal %d: restored %v v%d, want check %d v%d", i, r.Restored, r.RestoredVersion, w.restored, w.restoredVersion)
				}
			}
			_, removed := tr.Removed()
			if wantRemoved := len(c.want) > 0 && c.want[len(c.want)-1].restored < 0; removed != wantRemoved {
				t.Errorf("Removed() = %v, want %v", removed, wantRemoved)
			}
		})
	}
}

func TestRemovalReason(t *testing.T) {
	for _, c := range []struct {
		r    relwatch.Removal
		want string
	}{
		{relwatch.Removal{ErrorKind: relwatch.KindHTTPStatus, Status: 404}, "HTTP 404 Not Found"},
		{relwatch.Removal{ErrorKind: relwatch.KindHTTPStatus, Status: 410}, "HTTP 410 Gone"},
		{relwatch.Removal{ErrorKind: relwatch.KindRedirectOffsite, Status: 301}, "redirected to another site"},
		{relwatch.Removal{ErrorKind: relwatch.KindNoContent, Status: 200}, "no content"},
	} {
		if got := c.r.Reason(); got != c.want {
			t.Errorf("%+v: %q, want %q", c.r, got, c.want)
		}
	}
}

// TestDecidingChecks: over the checks DecidingChecks keeps, the removal
// rule finds what it finds over all of them, and a tracker that read them
// takes the next check as one that read all of them does; on every page
// of up to 30 checks drawn from the kinds that matter (a fixed seed, so a
// failure repeats).
func TestDecidingChecks(t *testing.T) {
	t0 := time.Date(2026, 11, 20, 6, 0, 0, 0, time.UTC)
	kinds := []relwatch.Check{
		{Version: 1}, {Version: 2}, {Version: 3},
		{Failed: true, ErrorKind: relwatch.KindHTTPStatus, Status: 404},
		{Failed: true, ErrorKind: relwatch.KindHTTPStatus, Status: 410},
		{Failed: true, ErrorKind: relwatch.KindHTTPStatus, Status: 500},
		{Failed: true, ErrorKind: relwatch.KindRedirectOffsite},
		{Failed: true, ErrorKind: relwatch.KindNoContent},
		{Failed: true, ErrorKind: "timeout"},
	}
	rng := rand.New(rand.NewPCG(17, 18))
	for n := range 5000 {
		all := make([]relwatch.Check, rng.IntN(31))
		good := 0.2 + 0.7*rng.Float64() // pages that rarely fail, and pages that often do
		for i := range all {
			k := kinds[3+rng.IntN(len(kinds)-3)]
			if rng.Float64() < good {
				k = kinds[rng.IntN(3)]
			}
			k.Seen = t0.Add(time.Duration(i) * time.Hour)
			all[i] = k
		}
		kept := relwatch.DecidingChecks(all)
		if !reflect.DeepEqual(relwatch.Removals(all), relwatch.Removals(kept)) {
			t.Fatalf("page %d: removals differ\nall:  %+v\nkept: %+v", n, all, kept)
		}
		for _, next := range kinds {
			next.Seen = t0.Add(time.Duration(len(all)) * time.Hour)
			var a, k relwatch.RemovalTracker
			for _, c := range all {
				a.Add(c)
			}
			for _, c := range kept {
				k.Add(c)
			}
			if ea, ek := a.Add(next), k.Add(next); ea != ek || !reflect.DeepEqual(a.Removals(), k.Removals()) {
				t.Fatalf("page %d, then %+v: %q %+v after all, %q %+v after kept\nall:  %+v\nkept: %+v",
					n, next, ea, a.Removals(), ek, k.Removals(), all, kept)
			}
		}
	}
	// What is kept, on one page: the good check before a failure, the
	// failures, the good check after, and the last good check.
	g := func(h int) relwatch.Check {
		return relwatch.Check{Seen: t0.Add(time.Duration(h) * time.Hour), Version: 1}
	}
	f := func(h int) relwatch.Check {
		return relwatch.Check{Seen: t0.Add(time.Duration(h) * time.Hour), Failed: true, ErrorKind: "timeout"}
	}
	page := []relwatch.Check{g(0), g(1), g(2), f(3), f(4), g(5), g(6), g(7)}
	if got, want := relwatch.DecidingChecks(page), []relwatch.Check{g(2), f(3), f(4), g(5), g(7)}; !reflect.DeepEqual(got, want) {
		t.Errorf("DecidingChecks: %+v, want %+v", got, want)
	}
	if got := relwatch.DecidingChecks(page[:3]); !reflect.DeepEqual(got, []relwatch.Check{g(2)}) {
		t.Errorf("DecidingChecks of a page that never failed: %+v, want its last check", got)
	}
}
