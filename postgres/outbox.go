package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/relwatch/relwatch"
	"github.com/relwatch/relwatch/snapshots"
)

// outboxWriter is the outbox inside one write transaction (see
// relwatch.OutboxWriter).
type outboxWriter struct {
	ctx context.Context
	tx  pgx.Tx
}

// putEvents writes a check's events in its transaction (see
// relwatch.PutEvents).
func putEvents(ctx context.Context, tx pgx.Tx, pk int64, events []relwatch.Event, version int) error {
	return relwatch.PutEvents(outboxWriter{ctx, tx}, pk, events, version)
}

func (w outboxWriter) PagePK(page snapshots.PageKey) (int64, error) {
	return pagePK(w.ctx, w.tx, page)
}

func (w outboxWriter) PutEvent(pk int64, ev relwatch.Event, data string) (bool, error) {
	tag, err := w.tx.Exec(w.ctx, `INSERT INTO outbox (event_id, page_pk, kind, created, event)
		VALUES ($1, $2, $3, $4, $5) ON CONFLICT (event_id) DO NOTHING`,
		ev.ID, pk, ev.Kind, ns(ev.Created), data)
	return tag.RowsAffected() == 1, err
}

func (w outboxWriter) PutDestination(od relwatch.OutboxDestination) error {
	_, err := w.tx.Exec(w.ctx, `INSERT INTO outbox_destinations (name, subscribed) VALUES ($1, $2)
		ON CONFLICT (name) DO NOTHING`, od.Name, ns(od.Subscribed))
	return err
}

func (w outboxWriter) PutDelivery(eventID string, s relwatch.DeliveryState) error {
	_, err := w.tx.Exec(w.ctx, `INSERT INTO outbox_deliveries (destination, event_seq, state, attempts, last_error, updated)
		SELECT $1, event_seq, $2, $3, $4, $5 FROM outbox WHERE event_id = $6`,
		s.Destination, s.State, s.Attempts, s.LastError, ns(s.Updated), eventID)
	return err
}

// AddEvents writes events of no check to the outbox, each once (see
// relwatch.Outbox). Several workers may offer the same event at once: the
// unique event id lets one insert win and the others do nothing.
func (a *Archive) AddEvents(ctx context.Context, events []relwatch.Event) (int, error) {
	if len(events) == 0 {
		return 0, nil
	}
	added := 0
	err := a.write(ctx, "add events", func(tx pgx.Tx) (err error) {
		added, err = relwatch.AddEvents(outboxWriter{ctx, tx}, events)
		return err
	})
	return added, err
}

// Subscribe registers a destination of the outbox (see relwatch.Outbox).
func (a *Archive) Subscribe(ctx context.Context, destination string, now time.Time) (time.Time, error) {
	var since int64
	err := a.write(ctx, "subscribe "+destination, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO outbox_destinations (name, subscribed) VALUES ($1, $2)
			ON CONFLICT (name) DO NOTHING`, destination, ns(now)); err != nil {
			return err
		}
		return tx.QueryRow(ctx, `SELECT subscribed FROM outbox_destinations WHERE name = $1`, destination).Scan(&since)
	})
	return fromNS(since), err
}

// Pending lists what destination is owed (see relwatch.Outbox).
func (a *Archive) Pending(ctx context.Context, destination string, limit int) ([]relwatch.PendingEvent, error) {
	var out []relwatch.PendingEvent
	err := eachRow(ctx, a.pool, `SELECT o.event, coalesce(d.attempts, 0), coalesce(d.last_error, '')
		FROM outbox_destinations s
		JOIN outbox o ON o.created >= s.subscribed
		LEFT JOIN outbox_deliveries d ON d.destination = s.name AND d.event_seq = o.event_seq
		WHERE s.name = $1 AND coalesce(d.state, 'pending') = 'pending'
		ORDER BY o.event_seq LIMIT $2`, func(rows pgx.Rows) error {
		var data string
		var p relwatch.PendingEvent
		if err := rows.Scan(&data, &p.Attempts, &p.LastError); err != nil {
			return err
		}
		var err error
		if p.Event, err = relwatch.DecodeEvent(data); err != nil {
			return err
		}
		out = append(out, p)
		return nil
	}, destination, limit)
	if err != nil {
		return nil, a.wrap("read outbox", err)
	}
	return out, nil
}

// Settle records one delivery attempt's outcome (see relwatch.Outbox).
func (a *Archive) Settle(ctx context.Context, destination string, ids []string, d relwatch.Delivery) error {
	failed, err := relwatch.SettleAttempts(destination, d)
	if err != nil {
		return err
	}
	return a.write(ctx, "settle events", func(tx pgx.Tx) error {
		for _, id := range ids {
			tag, err := tx.Exec(ctx, `INSERT INTO outbox_deliveries (destination, event_seq, state, attempts, last_error, updated)
				SELECT $1, event_seq, $2, $3, $4, $5 FROM outbox WHERE event_id = $6
				ON CONFLICT (destination, event_seq) DO UPDATE SET state = excluded.state,
					attempts = outbox_deliveries.attempts + excluded.attempts,
					last_error = CASE WHEN excluded.last_error = '' THEN outbox_deliveries.last_error ELSE excluded.last_error END,
					updated = excluded.updated`,
				destination, d.State, failed, d.Error, ns(d.At), id)
			if err != nil {
				return err
			}
			if tag.RowsAffected() != 1 {
				return fmt.Errorf("event %s: %w", id, relwatch.ErrNotFound)
			}
		}
		return nil
	})
}

// OutboxStatus describes every subscribed destination (see relwatch.Outbox).
func (a *Archive) OutboxStatus(ctx context.Context) ([]relwatch.DestinationStatus, error) {
	var out []relwatch.DestinationStatus
	err := eachRow(ctx, a.pool, `SELECT s.name, s.subscribed,
			count(o.event_seq) FILTER (WHERE coalesce(d.state, 'pending') = 'pending'),
			count(o.event_seq) FILTER (WHERE d.state = 'delivered'),
			count(o.event_seq) FILTER (WHERE d.state = 'dropped'),
			count(o.event_seq) FILTER (WHERE d.state = 'filtered'),
			count(o.event_seq) FILTER (WHERE d.state = 'pending'),
			min(o.created) FILTER (WHERE coalesce(d.state, 'pending') = 'pending'),
			max(d.updated)
		FROM outbox_destinations s
		LEFT JOIN outbox o ON o.created >= s.subscribed
		LEFT JOIN outbox_deliveries d ON d.destination = s.name AND d.event_seq = o.event_seq
		GROUP BY s.name, s.subscribed ORDER BY s.name`, func(rows pgx.Rows) error {
		var st relwatch.DestinationStatus
		var since int64
		var oldest, last *int64
		if err := rows.Scan(&st.Name, &since, &st.Pending, &st.Delivered, &st.Dropped, &st.Filtered, &st.Retrying, &oldest, &last); err != nil {
			return err
		}
		st.Subscribed, st.Oldest, st.LastTry = fromNS(since), fromNSPtr(oldest), fromNSPtr(last)
		out = append(out, st)
		return nil
	})
	if err != nil {
		return nil, a.wrap("read outbox", err)
	}
	for i := range out {
		err := a.pool.QueryRow(ctx, `SELECT last_error FROM outbox_deliveries
			WHERE destination = $1 AND last_error != '' AND last_error != $2 ORDER BY updated DESC LIMIT 1`, out[i].Name, relwatch.DeliverySending).Scan(&out[i].LastError)
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return nil, a.wrap("read outbox", err)
		}
	}
	return out, nil
}
