package archive

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/relwatch/relwatch"
	"github.com/relwatch/relwatch/snapshots"
)

// schema6 adds the outbox (see relwatch.Outbox): the events of checks,
// written in the check's transaction, and per destination what became of
// each. An event a destination has no row for in outbox_deliveries is
// owed to it when it was created after the destination subscribed.
const schema6 = `
CREATE TABLE outbox (
	event_seq INTEGER PRIMARY KEY,   -- order of writing: senders deliver in this order
	event_id  TEXT NOT NULL UNIQUE,  -- relwatch.Event.ID, stable
	page_pk   INTEGER NOT NULL REFERENCES pages (page_pk),
	kind      TEXT NOT NULL,
	created   TEXT NOT NULL,
	event     TEXT NOT NULL          -- relwatch.Event as JSON
);
CREATE TABLE outbox_destinations (
	name       TEXT PRIMARY KEY,
	subscribed TEXT NOT NULL         -- events created before are not for it
);
CREATE TABLE outbox_deliveries (
	destination TEXT NOT NULL REFERENCES outbox_destinations (name),
	event_seq   INTEGER NOT NULL REFERENCES outbox (event_seq),
	state       TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'dropped', 'filtered')),
	attempts    INTEGER NOT NULL,    -- failed attempts
	last_error  TEXT NOT NULL DEFAULT '',
	updated     TEXT NOT NULL,
	PRIMARY KEY (destination, event_seq)
) WITHOUT ROWID;
`

// outboxWriter is the outbox inside one write transaction (see
// relwatch.OutboxWriter).
type outboxWriter struct {
	ctx context.Context
	tx  *sql.Tx
}

// putEvents writes a check's events in its transaction (see
// relwatch.PutEvents).
func putEvents(ctx context.Context, tx *sql.Tx, pk int64, events []relwatch.Event, version int) error {
	return relwatch.PutEvents(outboxWriter{ctx, tx}, pk, events, version)
}

func (w outboxWriter) PagePK(page snapshots.PageKey) (int64, error) {
	return pagePK(w.ctx, w.tx, page)
}

func (w outboxWriter) PutEvent(pk int64, ev relwatch.Event, data string) (bool, error) {
	res, err := w.tx.ExecContext(w.ctx, `INSERT INTO outbox (event_id, page_pk, kind, created, event)
		VALUES (?, ?, ?, ?, ?) ON CONFLICT (event_id) DO NOTHING`,
		ev.ID, pk, ev.Kind, fmtTime(ev.Created), data)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

func (w outboxWriter) PutDestination(od relwatch.OutboxDestination) error {
	_, err := w.tx.ExecContext(w.ctx, `INSERT INTO outbox_destinations (name, subscribed) VALUES (?, ?)
		ON CONFLICT (name) DO NOTHING`, od.Name, fmtTime(od.Subscribed))
	return err
}

func (w outboxWriter) PutDelivery(eventID string, s relwatch.DeliveryState) error {
	_, err := w.tx.ExecContext(w.ctx, `INSERT INTO outbox_deliveries (destination, event_seq, state, attempts, last_error, updated)
		SELECT ?, event_seq, ?, ?, ?, ? FROM outbox WHERE event_id = ?`,
		s.Destination, s.State, s.Attempts, s.LastError, fmtTime(s.Updated), eventID)
	return err
}

// AddEvents writes events of no check to the outbox, each once (see
// relwatch.Outbox).
func (a *Archive) AddEvents(ctx context.Context, events []relwatch.Event) (int, error) {
	if len(events) == 0 {
		return 0, nil
	}
	added := 0
	err := a.write(ctx, "add events", func(tx *sql.Tx) (err error) {
		added, err = relwatch.AddEvents(outboxWriter{ctx, tx}, events)
		return err
	})
	return added, err
}

// Subscribe registers a destination of the outbox (see relwatch.Outbox).
func (a *Archive) Subscribe(ctx context.Context, destination string, now time.Time) (time.Time, error) {
	var since string
	// Every run subscribes its destinations: read first, so that a known
	// one costs no write transaction.
	err := a.db.QueryRowContext(ctx, `SELECT subscribed FROM outbox_destinations WHERE name = ?`, destination).Scan(&since)
	if err == nil {
		return parseTime(since)
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, a.wrap("read outbox", err)
	}
	err = a.write(ctx, "subscribe "+destination, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO outbox_destinations (name, subscribed) VALUES (?, ?)
			ON CONFLICT (name) DO NOTHING`, destination, fmtTime(now)); err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, `SELECT subscribed FROM outbox_destinations WHERE name = ?`, destination).Scan(&since)
	})
	if err != nil {
		return time.Time{}, err
	}
	return parseTime(since)
}

// Pending lists what destination is owed (see relwatch.Outbox).
func (a *Archive) Pending(ctx context.Context, destination string, limit int) ([]relwatch.PendingEvent, error) {
	rows, err := a.db.QueryContext(ctx, `SELECT o.event, coalesce(d.attempts, 0), coalesce(d.last_error, '')
		FROM outbox_destinations s
		JOIN outbox o ON o.created >= s.subscribed
		LEFT JOIN outbox_deliveries d ON d.destination = s.name AND d.event_seq = o.event_seq
		WHERE s.name = ? AND coalesce(d.state, 'pending') = 'pending'
		ORDER BY o.event_seq LIMIT ?`, destination, limit)
	if err != nil {
		return nil, a.wrap("read outbox", err)
	}
	defer rows.Close()
	var out []relwatch.PendingEvent
	for rows.Next() {
		var data string
		var p relwatch.PendingEvent
		if err := rows.Scan(&data, &p.Attempts, &p.LastError); err != nil {
			return nil, a.wrap("read outbox", err)
		}
		if p.Event, err = relwatch.DecodeEvent(data); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
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
	return a.write(ctx, "settle events", func(tx *sql.Tx) error {
		for _, id := range ids {
			res, err := tx.ExecContext(ctx, `INSERT INTO outbox_deliveries (destination, event_seq, state, attempts, last_error, updated)
				SELECT ?, event_seq, ?, ?, ?, ? FROM outbox WHERE event_id = ?
				ON CONFLICT (destination, event_seq) DO UPDATE SET state = excluded.state,
					attempts = attempts + excluded.attempts,
					last_error = CASE WHEN excluded.last_error = '' THEN last_error ELSE excluded.last_error END,
					updated = excluded.updated`,
				destination, d.State, failed, d.Error, fmtTime(d.At), id)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n != 1 {
				return fmt.Errorf("event %s: %w", id, relwatch.ErrNotFound)
			}
		}
		return nil
	})
}

// OutboxStatus describes every subscribed destination (see relwatch.Outbox).
func (a *Archive) OutboxStatus(ctx context.Context) ([]relwatch.DestinationStatus, error) {
	rows, err := a.db.QueryContext(ctx, `SELECT s.name, s.subscribed,
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
		GROUP BY s.name ORDER BY s.name`)
	if err != nil {
		return nil, a.wrap("read outbox", err)
	}
	var out []relwatch.DestinationStatus
	for rows.Next() {
		var st relwatch.DestinationStatus
		var since string
		var oldest, last sql.NullString
		if err := rows.Scan(&st.Name, &since, &st.Pending, &st.Delivered, &st.Dropped, &st.Filtered, &st.Retrying, &oldest, &last); err != nil {
			rows.Close()
			return nil, a.wrap("read outbox", err)
		}
		var err error
		if st.Subscribed, err = parseTime(since); err != nil {
			rows.Close()
			return nil, fail(relwatch.ErrCorrupt, "outbox destination %s: bad time %q", st.Name, since)
		}
		st.Oldest, st.LastTry = optTime(oldest), optTime(last)
		out = append(out, st)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, a.wrap("read outbox", err)
	}
	for i := range out {
		err := a.db.QueryRowContext(ctx, `SELECT last_error FROM outbox_deliveries
			WHERE destination = ? AND last_error != '' AND last_error != ? ORDER BY updated DESC LIMIT 1`, out[i].Name, relwatch.DeliverySending).Scan(&out[i].LastError)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return nil, a.wrap("read outbox", err)
		}
	}
	return out, nil
}

func optTime(s sql.NullString) *time.Time {
	if !s.Valid {
		return nil
	}
	t, err := parseTime(s.String)
	if err != nil {
		return nil
	}
	return &t
}
