package history

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/relwatch/relwatch"
	"github.com/relwatch/relwatch/snapshots"
)

// HealthEvents are the stale and lag events of the pages in only (every
// page when only is nil) at now: a relwatch.EventStale for each page with
// no successful check for longer than staleAfter, a relwatch.EventLag for
// each language behind a sibling for longer than lagAfter (see Overview).
// A page in checked (checked successfully by the run that asks) is not
// stale, however long the run took since.
//
// They belong to no check, so they are offered again at the end of every
// run; their ids make that harmless. A stale event's id comes from the
// page and its last successful check, which is the same for the whole
// streak and moves when the streak ends; a lag event's from the page and
// its latest content change, which is the same for the whole episode (the
// sibling changing again does not end it; this language changing does).
// The outbox keeps the first event of each id (relwatch.Outbox.AddEvents),
// so a streak or an episode is told once, however many runs or workers
// see it.
func HealthEvents(ctx context.Context, r relwatch.History, only, checked []snapshots.PageKey, now time.Time, staleAfter, lagAfter time.Duration) ([]relwatch.Event, error) {
	health, err := Overview(ctx, r, now, staleAfter, lagAfter)
	if err != nil {
		return nil, err
	}
	var out []relwatch.Event
	for _, h := range health {
		p := h.Status
		if only != nil && !slices.Contains(only, p.Page) {
			continue
		}
		base := relwatch.Event{Page: p.Page.String(), URL: p.URL, Created: now.UTC(),
			Version: p.Latest, ContentHash: p.LatestHash, UpdatedRaw: p.UpdatedRaw}
		if h.Stale && !slices.Contains(checked, p.Page) {
			ev := base
			last := p.LastSuccess.UTC()
			since := last.Add(staleAfter)
			ev.Kind, ev.ID = relwatch.EventStale, relwatch.EventID(relwatch.EventStale, ev.Page, last)
			ev.LastSuccess, ev.StaleSince = &last, &since
			ev.Error, ev.Failures = p.LastError, p.ConsecutiveFailures
			out = append(out, ev)
		}
		if l := h.Behind; l != nil {
			ev := base
			last, ahead := l.LastChange.UTC(), l.AheadChanged.UTC()
			ev.Kind, ev.ID = relwatch.EventLag, relwatch.EventID(relwatch.EventLag, ev.Page, last)
			ev.LastChange, ev.Ahead, ev.AheadChanged, ev.Lag = &last, l.Ahead.String(), &ahead, l.Note()
			out = append(out, ev)
		}
	}
	return out, nil
}

// HealthOutbox is a store that HealthEvents can read and offer its events
// to.
type HealthOutbox interface {
	relwatch.History
	AddEvents(ctx context.Context, events []relwatch.Event) (int, error)
}

// OfferHealthEvents writes HealthEvents to the outbox of st: the end of
// every scrape run, watch run and worker job does, and the ids make each
// streak and episode one event. It returns how many events were new.
func OfferHealthEvents(ctx context.Context, st HealthOutbox, only, checked []snapshots.PageKey, now time.Time, staleAfter, lagAfter time.Duration) (int, error) {
	evs, err := HealthEvents(ctx, st, only, checked, now, staleAfter, lagAfter)
	if err != nil {
		return 0, fmt.Errorf("stale and lag events: %w", err)
	}
	n, err := st.AddEvents(ctx, evs)
	if err != nil {
		return 0, fmt.Errorf("stale and lag events: %w", err)
	}
	return n, nil
}
