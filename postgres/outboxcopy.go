package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/relwatch/relwatch"
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
		b := relwatch.OutboxDumper{Dump: d}
		err = eachRow(ctx, tx, `SELECT event_seq, event FROM outbox ORDER BY event_seq`, func(rows pgx.Rows) error {
			var seq int64
			var data string
			if err := rows.Scan(&seq, &data); err != nil {
				return err
			}
			return b.Event(seq, data)
		})
		if err != nil {
			return err
		}
		err = eachRow(ctx, tx, `SELECT event_seq, destination, state, attempts, last_error, updated
			FROM outbox_deliveries ORDER BY event_seq, destination`, func(rows pgx.Rows) error {
			var seq, updated int64
			var s relwatch.DeliveryState
			if err := rows.Scan(&seq, &s.Destination, &s.State, &s.Attempts, &s.LastError, &updated); err != nil {
				return err
			}
			s.Updated = fromNS(updated)
			return b.Delivery(seq, s)
		})
		d = b.Dump
		return err
	})
	return d, err
}

// LoadOutbox adds a dumped outbox (see relwatch.OutboxMover).
func (a *Archive) LoadOutbox(ctx context.Context, d relwatch.OutboxDump) (int, error) {
	added := 0
	err := a.write(ctx, "load outbox", func(tx pgx.Tx) (err error) {
		added, err = relwatch.LoadOutbox(outboxWriter{ctx, tx}, d)
		return err
	})
	return added, err
}
