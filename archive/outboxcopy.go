package archive

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/relwatch/relwatch"
	"github.com/relwatch/relwatch/snapshots"
)

var _ relwatch.OutboxMover = (*Archive)(nil)

// DumpOutbox reads the whole outbox (see relwatch.OutboxMover).
func (a *Archive) DumpOutbox(ctx context.Context) (relwatch.OutboxDump, error) {
	var d relwatch.OutboxDump
	err := a.readTx(ctx, "read outbox", func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT name, subscribed FROM outbox_destinations ORDER BY name`)
		if err != nil {
			return err
		}
		for rows.Next() {
			var od relwatch.OutboxDestination
			var since string
			if err := rows.Scan(&od.Name, &since); err != nil {
				rows.Close()
				return err
			}
			if od.Subscribed, err = parseTime(since); err != nil {
				rows.Close()
				return fail(relwatch.ErrCorrupt, "outbox destination %s: bad time %q", od.Name, since)
			}
			d.Destinations = append(d.Destinations, od)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		bySeq := map[int64]int{}
		rows, err = tx.QueryContext(ctx, `SELECT event_seq, event FROM outbox ORDER BY event_seq`)
		if err != nil {
			return err
		}
		for rows.Next() {
			var seq int64
			var data string
			var e relwatch.OutboxEntry
			if err := rows.Scan(&seq, &data); err != nil {
				rows.Close()
				return err
			}
			if err := json.Unmarshal([]byte(data), &e.Event); err != nil {
				rows.Close()
				return fail(relwatch.ErrCorrupt, "outbox event does not decode: %v", err)
			}
			bySeq[seq] = len(d.Events)
			d.Events = append(d.Events, e)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		rows, err = tx.QueryContext(ctx, `SELECT event_seq, destination, state, attempts, last_error, updated
			FROM outbox_deliveries ORDER BY event_seq, destination`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var seq int64
			var s relwatch.DeliveryState
			var updated string
			if err := rows.Scan(&seq, &s.Destination, &s.State, &s.Attempts, &s.LastError, &updated); err != nil {
				return err
			}
			if s.Updated, err = parseTime(updated); err != nil {
				return fail(relwatch.ErrCorrupt, "outbox delivery of event %d: bad time %q", seq, updated)
			}
			i, ok := bySeq[seq]
			if !ok {
				return fail(relwatch.ErrCorrupt, "outbox delivery of event %d, which the outbox does not have", seq)
			}
			d.Events[i].Deliveries = append(d.Events[i].Deliveries, s)
		}
		return rows.Err()
	})
	return d, err
}

// LoadOutbox adds a dumped outbox (see relwatch.OutboxMover).
func (a *Archive) LoadOutbox(ctx context.Context, d relwatch.OutboxDump) (int, error) {
	added := 0
	err := a.write(ctx, "load outbox", func(tx *sql.Tx) error {
		added = 0
		for _, od := range d.Destinations {
			if _, err := tx.ExecContext(ctx, `INSERT INTO outbox_destinations (name, subscribed) VALUES (?, ?)
				ON CONFLICT (name) DO NOTHING`, od.Name, fmtTime(od.Subscribed)); err != nil {
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
				if _, err := tx.ExecContext(ctx, `INSERT INTO outbox_deliveries (destination, event_seq, state, attempts, last_error, updated)
					SELECT ?, event_seq, ?, ?, ?, ? FROM outbox WHERE event_id = ?`,
					s.Destination, s.State, s.Attempts, s.LastError, fmtTime(s.Updated), e.Event.ID); err != nil {
					return fmt.Errorf("outbox: event %s for %s: %w", e.Event.ID, s.Destination, err)
				}
			}
		}
		return nil
	})
	return added, err
}
