package track

import (
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

// failureEvents are the events of a failed check.
func failureEvents(prior relwatch.PageStatus, c relwatch.Capture, now time.Time) []relwatch.Event {
	if prior.ConsecutiveFailures > 0 {
		return nil
	}
	ev := baseEvent(relwatch.EventFailed, c, now)
	ev.ErrorKind, ev.Error = c.ErrorKind, c.ErrorMessage
	ev.Version, ev.ContentHash, ev.UpdatedRaw = prior.Latest, prior.LatestHash, prior.UpdatedRaw
	return []relwatch.Event{ev}
}

// recoveryEvents are the events of a good check that saw the latest
// version, seen (the page's number and hash).
func recoveryEvents(prior relwatch.PageStatus, c relwatch.Capture, now time.Time, version int, hash string) []relwatch.Event {
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
