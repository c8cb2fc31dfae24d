package track

import (
	"context"
	"errors"
	"time"

	"github.com/relwatch/relwatch"
	"github.com/relwatch/relwatch/snapshots"
)

// The events of a live check (see relwatch.Event). They go into the
// capture, so that the archive writes them in the check's transaction: an
// event exists exactly when the check that produced it is archived.
//
// A page that keeps failing tells it once: the first failed check of a
// streak gives a failed event, the first good check after it a recovered
// event, and the failures in between give none. prior is the page's state
// before this run (the writer lock keeps it true during the run).
//
// A page that is gone (relwatch.Removal: two 404s, a redirect off the
// site) gives a removed event from the check that made it removed, and its
// first good check after that a restored event instead of a recovered
// one. The removal rule reads the page's earlier checks; only a failed
// check that says the page is gone, or the first good check after
// failures, can remove or restore a page, so only those read them.

// removalEvent applies the removal rule to check c, the next after the
// page's stored checks: relwatch.EventRemoved, relwatch.EventRestored or
// "", and the removal it made or ended.
func removalEvent(ctx context.Context, arc Archive, prior relwatch.PageStatus, c relwatch.Capture, version int) (string, relwatch.Removal, error) {
	check := relwatch.Check{Seen: c.Seen(), Failed: c.ErrorKind != "", ErrorKind: c.ErrorKind, Status: c.Status, Version: version}
	switch {
	case check.Failed && (prior.LastSuccess == nil || !relwatch.SaysGone(check.ErrorKind, check.Status)):
		return "", relwatch.Removal{}, nil
	case !check.Failed && prior.ConsecutiveFailures == 0:
		return "", relwatch.Removal{}, nil
	}
	earlier, err := arc.RemovalChecks(ctx, c.Page)
	if err != nil && !errors.Is(err, relwatch.ErrNotFound) {
		return "", relwatch.Removal{}, err
	}
	var t relwatch.RemovalTracker
	for _, e := range earlier {
		t.Add(e)
	}
	kind := t.Add(check)
	if kind == "" {
		return "", relwatch.Removal{}, nil
	}
	removals := t.Removals()
	return kind, removals[len(removals)-1], nil
}

// removalEventOf is the event of a check that removed or restored the page
// (kind from removalEvent).
func removalEventOf(kind string, r relwatch.Removal, prior relwatch.PageStatus, c relwatch.Capture, now time.Time, version int, hash string) relwatch.Event {
	ev := baseEvent(kind, c, now)
	since := r.Since.UTC()
	ev.RemovedSince, ev.Reason, ev.ErrorKind = &since, r.Reason(), r.ErrorKind
	if r.ErrorKind == relwatch.KindHTTPStatus {
		ev.Status = r.Status // 404 or 410; a redirect or an empty page has no status that says it
	}
	if kind == relwatch.EventRemoved {
		ev.Error = c.ErrorMessage
		ev.Version, ev.ContentHash, ev.UpdatedRaw = prior.Latest, prior.LatestHash, prior.UpdatedRaw
	} else {
		ev.Failures = prior.ConsecutiveFailures
		ev.Version, ev.ContentHash = version, hash
	}
	return ev
}

// failureEvents are the events of a failed check; removal is what
// removalEvent said of it.
func failureEvents(prior relwatch.PageStatus, c relwatch.Capture, now time.Time, removal string, r relwatch.Removal) []relwatch.Event {
	if removal == relwatch.EventRemoved {
		// The removal says what a failed event would (when this check
		// starts the streak) and more.
		return []relwatch.Event{removalEventOf(removal, r, prior, c, now, 0, "")}
	}
	if prior.ConsecutiveFailures > 0 {
		return nil
	}
	ev := baseEvent(relwatch.EventFailed, c, now)
	ev.ErrorKind, ev.Error = c.ErrorKind, c.ErrorMessage
	ev.Version, ev.ContentHash, ev.UpdatedRaw = prior.Latest, prior.LatestHash, prior.UpdatedRaw
	return []relwatch.Event{ev}
}

// recoveryEvents are the events of a good check that saw the latest
// version, seen (the page's number and hash; 0 for a new version, which
// the archive numbers); removal is what removalEvent said of it.
func recoveryEvents(prior relwatch.PageStatus, c relwatch.Capture, now time.Time, version int, hash string, removal string, r relwatch.Removal) []relwatch.Event {
	if removal == relwatch.EventRestored {
		return []relwatch.Event{removalEventOf(removal, r, prior, c, now, version, hash)}
	}
	if prior.ConsecutiveFailures == 0 {
		return nil
	}
	ev := baseEvent(relwatch.EventRecovered, c, now)
	ev.Failures = prior.ConsecutiveFailures
	ev.Version, ev.ContentHash = version, hash
	return []relwatch.Event{ev}
}

// versionEvent is the event of a check that found a new version, snap,
// after latest (hasLatest false: the page's first version). The archive
// sets its version number.
func versionEvent(c relwatch.Capture, now time.Time, snap snapshots.Snapshot, latest snapshots.Snapshot, hasLatest bool, change *relwatch.ChangeRecord) relwatch.Event {
	ev := baseEvent(relwatch.EventNew, c, now)
	seen := c.Seen().UTC()
	ev.FirstSeen = &seen
	ev.ContentHash, ev.UpdatedRaw, ev.UpdatedAt = snap.ContentHash, string(snap.UpdatedRaw), string(snap.UpdatedAt)
	ev.Suspect = c.Suspect
	if hasLatest {
		ev.Kind = relwatch.EventChanged
		ev.ID = relwatch.EventID(ev.Kind, ev.Page, c.Seen())
		ev.PreviousVersion, ev.PreviousHash = latest.Version, latest.ContentHash
		if latest.LastSeen != nil {
			w := latest.LastSeen.UTC()
			ev.WindowStart = &w
		}
	}
	if change != nil {
		ev.Summary, ev.StampOnly, ev.ParserChange = change.Summary, change.StampOnly, change.ParserChange
	}
	return ev
}

func baseEvent(kind string, c relwatch.Capture, now time.Time) relwatch.Event {
	page := c.Page.String()
	return relwatch.Event{
		ID: relwatch.EventID(kind, page, c.Seen()), Kind: kind, Page: page, URL: c.URL,
		Created: now.UTC(), Source: c.Source,
	}
}
