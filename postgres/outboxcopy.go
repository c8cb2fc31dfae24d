package postgres

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/relwatch/relwatch"
	"github.com/relwatch/relwatch/snapshots"
)

var _ relwatch.OutboxMover = (*Archive)(nil)

// DumpOutbox reads the whole outbox (see relwatch.OutboxMover).
func (a *Archive) DumpOutbox(ctx context.Context) (relwatch.OutboxDump, error) {
	var d relwatch.OutboxDump
	err := a.readTx(ctx, "read outbox", func(tx pgx.Tx) error {
		err := eachRow(ctx, tx, `SELECT name, subscribed FROM outbox_destinations ORDER BY name`, func(rows pgx.Rows) error {
			var od relwatch.OutboxDestination
			var since int64
			if err := rows.Scan(&od.Name, &since); err != nil {
				return err
			}
			od.Subscribed = fromNS(since)
			d.Destinations = append(d.Destinations, od)
			return nil
		})
		if err != nil {
			return err
		}
		bySeq := map[int64]int{}
		err = eachRow(ctx, tx, `SELECT event_seq, event FROM outbox ORDER BY event_seq`, func(rows pgx.Rows) error {
			var seq int64
			var data string
			var e relwatch.OutboxEntry
			if err := rows.Scan(&seq, &data); err != nil {
				return err
			}
			if err := json.Unmarshal([]byte(data), &e.Event); err != nil {
				return fail(relwatch.ErrCorrupt, "outbox event does not decode: %v", err)
			}
			bySeq[seq] = len(d.Events)
			d.Events = append(d.Events, e)
			return nil
		})
		if err != nil {
			return err
		}
		return eachRow(ctx, tx, `SELECT event_seq, destination, state, attempts, last_error, updated
			FROM outbox_deliveries ORDER BY event_seq, destination`, func(rows pgx.Rows) error {
			var seq, updated int64
			var s relwatch.DeliveryState
			if err := rows.Scan(&seq, &s.Destination, &s.State, &s.Attempts, &s.LastError, &updated); err != nil {
				return err
			}
			s.Updated = fromNS(updated)
			i, ok := bySeq[seq]
			if !ok {
				return fail(relwatch.ErrCorrupt, "outbox delivery of event %d, which the outbox does not have", seq)
			}
			d.Events[i].Deliveries = append(d.Events[i].Deliveries, s)
			return nil
		})
	})
	return d, err
}

// LoadOutbox adds a dumped outbox (see relwatch.OutboxMover).
func (a *Archive) LoadOutbox(ctx context.Context, d relwatch.OutboxDump) (int, error) {
	added := 0
	err := a.write(ctx, "load outbox", func(tx pgx.Tx) error {
		added = 0
		for _, od := range d.Destinations {
			if _, err := tx.Exec(ctx, `INSERT INTO outbox_destinations (name, subscribed) VALUES ($1, $2)
				ON CONFLICT (name) DO NOTHING`, od.Name, ns(od.Subscribed)); err != nil {
				return err
			}
		}
		pks := map[string]int64{}
		for _, e := range d.Events {
			pk, ok := pks[e.Event.Page]
			if !ok {
				key, err := snapshots.ParsePageRef(e.Event.Page)
				if err != nil || key.Lang == "" {
					return fmt.Errorf("outbox: event %s: page %q is not <id>/<lang>", e.Event.ID, e.Event.Page)
				}
				if pk, err = pagePK(ctx, tx, key); err != nil {
					return fmt.Errorf("outbox: event %s: %w", e.Event.ID, err)
				}
				pks[e.Event.Page] = pk
			}
			isNew, err := putEvent(ctx, tx, pk, e.Event)
			if err != nil {
				return err
			}
			if !isNew {
				continue
			}
			added++
			for _, s := range e.Deliveries {
				if _, err := tx.Exec(ctx, `INSERT INTO outbox_deliveries (destination, event_seq, state, attempts, last_error, updated)
					SELECT $1, event_seq, $2, $3, $4, $5 FROM outbox WHERE event_id = $6`,
					s.Destination, s.State, s.Attempts, s.LastError, ns(s.Updated), e.Event.ID); err != nil {
					return fmt.Errorf("outbox: event %s for %s: %w", e.Event.ID, s.Destination, err)
				}
			}
		}
		return nil
	})
	return added, err
}
