package relwatch

import (
	"strconv"
	"time"
)

// A page that is taken down, moved to another site or emptied is not a
// failed check like any other: it is an event of the page's history, as
// much as a change. This file is the one rule that says when a page was
// removed and when it was restored, over its live checks; the read side
// (log, feed, export, reports) and the pipeline (the removed and restored
// events of the outbox) both apply it, so they always agree.
//
// The rule:
//
//   - A failed check says the page is gone when the server answered 404
//     Not Found or 410 Gone (error kind http_status), redirected to
//     another site (redirect_offsite), or served a page with a title and
//     nothing under it (no_content).
//   - The page is removed when, in one failure streak (failed checks with
//     no good check between them), a redirect to another site says so
//     once, or a 404, 410 or empty page says so twice. The removal is
//     dated by the first check of the streak that said the page is gone.
//   - Other failures (a timeout, a 500, a DNS failure, a robots.txt
//     refusal) never remove a page, and in a streak they neither count
//     nor break it: 404, 500, 404 is a removal dated by the first 404;
//     404, 200 and 404, 500, 200 are not (the page was there again).
//   - Only a page that had a good live check can be removed: a URL that
//     answered 404 from its first check was never there.
//   - A removed page is restored by the next good check, whatever version
//     it sees (the same content as before, or a new one).

// Check is one live check of a page, as the removal rule reads it.
type Check struct {
	Seen      time.Time // when the check started
	Failed    bool
	ErrorKind string // of a failed check
	Status    int    // the HTTP status it was answered with; 0 without an answer
	Version   int    // the version a good check saw
}

// Removal is one time a page was removed: from the first check that said
// it was gone until the good check that restored it.
type Removal struct {
	Since     time.Time // the first check of the streak that said the page was gone
	Confirmed time.Time // the check that made it a removal (the second 404, the redirect itself)
	ErrorKind string    // of the check at Since
	Status    int       // of the check at Since
	Version   int       // the page's version when it went (the last good check's)
	// Restored is the good check that ended it, nil while the page is
	// still removed; RestoredVersion is the version that check saw.
	Restored        *time.Time
	RestoredVersion int
}

// Reason words why the page counts as removed: "HTTP 404 Not Found",
// "HTTP 410 Gone", "redirected to another site", "no content".
func (r Removal) Reason() string { return goneReason(r.ErrorKind, r.Status) }

// Kinds of failed check that can say a page is gone (the scraper's and the
// parser's error kinds).
const (
	KindHTTPStatus      = "http_status"
	KindRedirectOffsite = "redirect_offsite"
	KindNoContent       = "no_content"
)

// goneWeight is how much a failed check says the page is gone: 0 not at
// all, 1 once (it takes two), 2 by itself.
func goneWeight(kind string, status int) int {
	switch {
	case kind == KindRedirectOffsite:
		return 2
	case kind == KindNoContent:
		return 1
	case kind == KindHTTPStatus && (status == 404 || status == 410):
		return 1
	}
	return 0
}

// SaysGone reports whether a failed check of this error kind and HTTP
// status says the page is gone (a removal takes one or two of them).
func SaysGone(kind string, status int) bool { return goneWeight(kind, status) > 0 }

func goneReason(kind string, status int) string {
	switch {
	case kind == KindRedirectOffsite:
		return "redirected to another site"
	case kind == KindNoContent:
		return "no content"
	case status == 404:
		return "HTTP 404 Not Found"
	case status == 410:
		return "HTTP 410 Gone"
	}
	return kind + " " + strconv.Itoa(status)
}

// RemovalTracker applies the rule to a page's checks, one at a time, in
// the order they were made. The zero value is a page with no checks.
type RemovalTracker struct {
	removals []Removal
	seen     bool  // a good check has been seen
	version  int   // the version of the last good check
	first    Check // the first check of the current streak that said the page is gone
	weight   int   // how much the current streak has said so
	removed  bool  // the last removal is not restored
}

// Add reads the next check and says what it did: EventRemoved when it
// made the page removed, EventRestored when it restored it, "" otherwise.
func (t *RemovalTracker) Add(c Check) string {
	if !c.Failed {
		t.seen, t.version, t.weight = true, c.Version, 0
		if t.removed {
			t.removed = false
			r := &t.removals[len(t.removals)-1]
			at := c.Seen
			r.Restored, r.RestoredVersion = &at, c.Version
			return EventRestored
		}
		return ""
	}
	w := goneWeight(c.ErrorKind, c.Status)
	if !t.seen || t.removed || w == 0 {
		return ""
	}
	if t.weight == 0 {
		t.first = c
	}
	t.weight += w
	if t.weight < 2 {
		return ""
	}
	t.removed = true
	t.removals = append(t.removals, Removal{Since: t.first.Seen, Confirmed: c.Seen,
		ErrorKind: t.first.ErrorKind, Status: t.first.Status, Version: t.version})
	return EventRemoved
}

// Removals are the removals found so far, oldest first.
func (t *RemovalTracker) Removals() []Removal { return t.removals }

// Removed is the removal in force after the checks read so far, if any.
func (t *RemovalTracker) Removed() (Removal, bool) {
	if !t.removed {
		return Removal{}, false
	}
	return t.removals[len(t.removals)-1], true
}

// DecidingChecks are the checks, of a page's live checks in the order
// made, that decide its removals: every failed check, the good check just
// before and just after each failed one, and the last good check. The
// rule finds the same removals in them as in all the checks, and a
// RemovalTracker that has read them is in the same state for the next
// check: a good check between two good checks neither restores a page
// nor ends a streak, and the next good check overwrites the version it
// leaves. So a store lists only these (Reader.RemovalChecks), and a page
// that never failed costs it one row, whatever its number of checks.
func DecidingChecks(checks []Check) []Check {
	lastGood := -1
	for i, c := range checks {
		if !c.Failed {
			lastGood = i
		}
	}
	var out []Check
	for i, c := range checks {
		if c.Failed || i == lastGood || (i > 0 && checks[i-1].Failed) || (i+1 < len(checks) && checks[i+1].Failed) {
			out = append(out, c)
		}
	}
	return out
}

// Removals applies the rule to a page's checks, in the order made.
func Removals(checks []Check) []Removal {
	var t RemovalTracker
	for _, c := range checks {
		t.Add(c)
	}
	return t.Removals()
}
