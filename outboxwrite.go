package relwatch

import (
	"encoding/json"
	"fmt"

	"github.com/relwatch/relwatch/snapshots"
)

// OutboxWriter is the outbox of one store inside one of its write
// transactions: the SQL of each step, while the rules of what is written
// (which version an event is about, when an event counts as added, which
// delivery states a loaded event brings) live in the functions below, once
// for every store.
type OutboxWriter interface {
	// PagePK returns the store's key of page, which must be in it.
	PagePK(page snapshots.PageKey) (int64, error)
	// PutEvent writes ev, encoded as data, for the page with key pk unless
	// an event with its id is there, and reports whether it did.
	PutEvent(pk int64, ev Event, data string) (bool, error)
	// PutDestination registers od unless a destination of its name is
	// registered.
	PutDestination(od OutboxDestination) error
	// PutDelivery writes s for the event with id eventID.
	PutDelivery(eventID string, s DeliveryState) error
}

// PutEvents writes a check's events for the page with key pk; version,
// when not 0, is the number of the version the check stored, which its new
// or changed event (and a recovery that came with it) is about (see
// Event). An event whose id is already there (the same check recorded
// twice cannot happen, but a retried write may) is not written again.
func PutEvents(w OutboxWriter, pk int64, events []Event, version int) error {
	for _, ev := range events {
		if version != 0 && (ev.Kind == EventNew || ev.Kind == EventChanged || ev.Version == 0) {
			ev.Version = version
		}
		if _, err := putEvent(w, pk, ev); err != nil {
			return err
		}
	}
	return nil
}

// putEvent checks and encodes ev and writes it unless its id is there.
func putEvent(w OutboxWriter, pk int64, ev Event) (bool, error) {
	if ev.ID == "" || ev.Kind == "" {
		return false, fmt.Errorf("outbox: event %+v has no id or kind", ev)
	}
	data, err := json.Marshal(ev)
	if err != nil {
		return false, fmt.Errorf("outbox: encode event %s: %w", ev.ID, err)
	}
	return w.PutEvent(pk, ev, string(data))
}

// eventPage is the page an event is about, which must name a language.
func eventPage(ev Event) (snapshots.PageKey, error) {
	key, err := snapshots.ParsePageRef(ev.Page)
	if err != nil || key.Lang == "" {
		return snapshots.PageKey{}, fmt.Errorf("outbox: event %s: page %q is not <id>/<lang>", ev.ID, ev.Page)
	}
	return key, nil
}

// AddEvents writes events of no check through w, each once, and returns
// how many it added (see Outbox.AddEvents).
func AddEvents(w OutboxWriter, events []Event) (int, error) {
	added := 0
	for _, ev := range events {
		key, err := eventPage(ev)
		if err != nil {
			return 0, err
		}
		pk, err := w.PagePK(key)
		if err != nil {
			return 0, err
		}
		ok, err := putEvent(w, pk, ev)
		if err != nil {
			return 0, err
		}
		if ok {
			added++
		}
	}
	return added, nil
}

// LoadOutbox adds the dumped outbox d through w and returns how many
// events it added (see OutboxMover.LoadOutbox): an event already there
// keeps its own delivery states, an added one comes with d's.
func LoadOutbox(w OutboxWriter, d OutboxDump) (int, error) {
	for _, od := range d.Destinations {
		if err := w.PutDestination(od); err != nil {
			return 0, err
		}
	}
	added := 0
	pks := map[string]int64{}
	for _, e := range d.Events {
		pk, ok := pks[e.Event.Page]
		if !ok {
			key, err := eventPage(e.Event)
			if err != nil {
				return 0, err
			}
			if pk, err = w.PagePK(key); err != nil {
				return 0, fmt.Errorf("outbox: event %s: %w", e.Event.ID, err)
			}
			pks[e.Event.Page] = pk
		}
		isNew, err := putEvent(w, pk, e.Event)
		if err != nil {
			return 0, err
		}
		if !isNew {
			continue
		}
		added++
		for _, s := range e.Deliveries {
			if err := w.PutDelivery(e.Event.ID, s); err != nil {
				return 0, fmt.Errorf("outbox: event %s for %s: %w", e.Event.ID, s.Destination, err)
			}
		}
	}
	return added, nil
}

// SettleAttempts checks the state of d, an outcome Outbox.Settle records
// for destination, and returns how many failed attempts it adds: one for a
// failed attempt (DeliveryPending), none for a final state.
func SettleAttempts(destination string, d Delivery) (int, error) {
	switch d.State {
	case DeliveryPending:
		return 1, nil
	case DeliveryDelivered, DeliveryDropped, DeliveryFiltered:
		return 0, nil
	}
	return 0, fmt.Errorf("settle events for %s: unknown state %q", destination, d.State)
}

// DecodeEvent reads an event in the form the outbox stores it (its JSON);
// one that does not decode means the archive is corrupt.
func DecodeEvent(data string) (Event, error) {
	var ev Event
	if err := json.Unmarshal([]byte(data), &ev); err != nil {
		return Event{}, Fail(ErrCorrupt, "outbox event does not decode: %v", err)
	}
	return ev, nil
}

// OutboxDumper builds an OutboxDump from a store's rows: the events in
// the outbox's order, then the delivery states, each naming its event by
// the store's sequence number.
type OutboxDumper struct {
	Dump  OutboxDump
	bySeq map[int64]int
}

// Event adds the event stored as data with sequence number seq.
func (b *OutboxDumper) Event(seq int64, data string) error {
	ev, err := DecodeEvent(data)
	if err != nil {
		return err
	}
	if b.bySeq == nil {
		b.bySeq = map[int64]int{}
	}
	b.bySeq[seq] = len(b.Dump.Events)
	b.Dump.Events = append(b.Dump.Events, OutboxEntry{Event: ev})
	return nil
}

// Delivery adds s to the event with sequence number seq, which Event must
// have added.
func (b *OutboxDumper) Delivery(seq int64, s DeliveryState) error {
	i, ok := b.bySeq[seq]
	if !ok {
		return Fail(ErrCorrupt, "outbox delivery of event %d, which the outbox does not have", seq)
	}
	b.Dump.Events[i].Deliveries = append(b.Dump.Events[i].Deliveries, s)
	return nil
}
