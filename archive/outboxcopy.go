package archive

import (
	"context"
	"database/sql"

	"github.com/relwatch/relwatch"
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
		b := relwatch.OutboxDumper{Dump: d}
		rows, err = tx.QueryContext(ctx, `SELECT event_seq, event FROM outbox ORDER BY event_seq`)
		if err != nil {
			return err
		}
		for rows.Next() {
			var seq int64
			var data string
			if err := rows.Scan(&seq, &data); err != nil {
				rows.Close()
				return err
			}
			if err := b.Event(seq, data); err != nil {
				rows.Close()
				return err
			}
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
			if err := b.Delivery(seq, s); err != nil {
				return err
			}
		}
		d = b.Dump
		return rows.Err()
	})
	return d, err
}

// LoadOutbox adds a dumped outbox (see relwatch.OutboxMover).
func (a *Archive) LoadOutbox(ctx context.Context, d relwatch.OutboxDump) (int, error) {
	added := 0
	err := a.write(ctx, "load outbox", func(tx *sql.Tx) (err error) {
		added, err = relwatch.LoadOutbox(outboxWriter{ctx, tx}, d)
		return err
	})
	return added, err
}
