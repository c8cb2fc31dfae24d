package scrapejob

import (
	"context"
	"log/slog"
	"time"

	"github.com/relwatch/relwatch"
	"github.com/relwatch/relwatch/config"
	"github.com/relwatch/relwatch/history"
	"github.com/relwatch/relwatch/notify"
	"github.com/relwatch/relwatch/snapshots"
	"github.com/relwatch/relwatch/track"
)

// NewSender is the sender of the config's destinations over arc.
func NewSender(cfg config.Config, arc relwatch.Store, log *slog.Logger) *notify.Sender {
	return &notify.Sender{Store: arc, Destinations: cfg.Notify.Destinations, Policy: cfg.Notify.Policy, Log: log}
}

// subscribeAll registers the run's own reports and every destination with
// the outbox before the run's checks, so that each is owed their events.
func subscribeAll(ctx context.Context, arc relwatch.Store, sender *notify.Sender, now time.Time) error {
	if _, err := arc.Subscribe(ctx, notify.ReportsDestination, now); err != nil {
		return err
	}
	return sender.Subscribe(ctx, now)
}

// unreported are the changes an earlier run archived and did not report
// (it was killed, or lost power, between the archive's commit and its
// output): results for this run to report, marked Earlier, and the ids of
// every event the reports destination is owed, this run's (mine)
// included, to settle once the reports are written. It is called only
// when no other run is in progress, so that every event not in mine is a
// finished run's.
func unreported(ctx context.Context, arc relwatch.Store, mine map[string]bool) ([]track.Result, []string, error) {
	var results []track.Result
	var ids []string
	for {
		pending, err := arc.Pending(ctx, notify.ReportsDestination, 500)
		if err != nil {
			return nil, nil, err
		}
		for _, p := range pending {
			ids = append(ids, p.ID)
			if mine[p.ID] {
				continue
			}
			var r track.Result
			var ok bool
			switch p.Kind {
			case relwatch.EventNew, relwatch.EventChanged:
				r, ok = track.Result{Page: p.Page, URL: p.URL, Status: p.Kind, Version: p.Version, PreviousVersion: p.PreviousVersion,
					UpdatedRaw: p.UpdatedRaw, Suspect: p.Suspect, Earlier: true}, true
				if p.Kind == relwatch.EventChanged {
					if r.Report, err = notify.Report(ctx, arc, p.Event); err != nil {
						return nil, nil, err
					}
				}
			case relwatch.EventRemoved, relwatch.EventRestored:
				if r, ok, err = earlierRemoval(ctx, arc, p.Event); err != nil {
					return nil, nil, err
				}
			}
			if ok {
				results = append(results, r)
			}
		}
		if len(pending) < 500 {
			return results, ids, nil
		}
		// Settle this batch now, so that the next read gets the next one.
		if err := notify.SettleReports(ctx, arc, ids); err != nil {
			return nil, nil, err
		}
	}
}

// eventsOf are the ids of the events archived with the results' checks.
func eventsOf(results []track.Result) map[string]bool {
	ids := map[string]bool{}
	for _, r := range results {
		for _, id := range r.EventIDs {
			ids[id] = true
		}
	}
	return ids
}

// earlierRemoval is the result that reports ev, the removed or restored
// event of an earlier run's check, with the removal as the archive's checks
// tell it (history.Removals, as log shows it); ok is false when the checks
// no longer hold it.
func earlierRemoval(ctx context.Context, arc relwatch.Store, ev relwatch.Event) (track.Result, bool, error) {
	key, err := snapshots.ParsePageRef(ev.Page)
	if err != nil || ev.RemovedSince == nil {
		return track.Result{}, false, nil
	}
	removals, err := history.Removals(ctx, arc, key)
	if err != nil {
		return track.Result{}, false, err
	}
	for _, rm := range removals {
		if !rm.Since.Equal(*ev.RemovedSince) {
			continue
		}
		r := track.Result{Page: ev.Page, URL: ev.URL, Status: relwatch.StatusFailed, Version: rm.Version, ErrorKind: rm.ErrorKind,
			Event: ev.Kind, Removal: &rm, Earlier: true}
		if ev.Error != "" {
			r.Error = ev.ErrorKind + ": " + ev.Error // as the run that checked it printed it
		}
		if ev.Kind == relwatch.EventRestored {
			r.Status, r.Version, r.ErrorKind, r.Error = relwatch.StatusUnchanged, rm.RestoredVersion, "", ""
		}
		return r, true, nil
	}
	return track.Result{}, false, nil
}

// Deliver sends what the destinations are owed and logs what did not go;
// it reports whether everything owed was delivered (or dropped).
func Deliver(ctx context.Context, sender *notify.Sender) (bool, error) {
	return sender.DeliverAndLog(ctx)
}

// offerHealthEvents gives the outbox the stale and lag events of the
// run's pages at now, when a destination may want them (working them out
// reads every page's latest changes). A page the run checked is not stale.
func offerHealthEvents(ctx context.Context, log *slog.Logger, cfg config.Config, arc relwatch.Store, targets []config.Target, results []track.Result, now time.Time) error {
	if !notify.WantsHealth(cfg.Notify.Destinations) {
		return nil
	}
	keys := make([]snapshots.PageKey, len(targets))
	for i, t := range targets {
		keys[i] = t.Key()
	}
	var checked []snapshots.PageKey
	for i, r := range results[:len(targets)] {
		if r.Checked() {
			checked = append(checked, keys[i])
		}
	}
	n, err := history.OfferHealthEvents(ctx, arc, keys, checked, now, cfg.StaleAfter, cfg.LagAfter)
	if n > 0 {
		log.Info("stale or lagging pages to notify", "events", n)
	}
	return err
}
