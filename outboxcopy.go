package relwatch

import (
	"context"
	"time"
)

// OutboxDump is a whole outbox as `archive copy` moves it from one store
// to another: the destinations with their subscriptions, and every event
// in the outbox's order with what became of it for each destination, so
// that a moved archive neither sends again what was delivered nor loses
// what is pending.
type OutboxDump struct {
	Destinations []OutboxDestination
	Events       []OutboxEntry
}

// OutboxDestination is a subscribed destination.
type OutboxDestination struct {
	Name       string
	Subscribed time.Time
}

// OutboxEntry is one event and its delivery states, by destination name
// order. A destination with no state for it has never tried it.
type OutboxEntry struct {
	Event      Event
	Deliveries []DeliveryState
}

// DeliveryState is what became of one event for one destination.
type DeliveryState struct {
	Destination string
	State       string // DeliveryPending, DeliveryDelivered, DeliveryDropped or DeliveryFiltered
	Attempts    int    // failed attempts
	LastError   string
	Updated     time.Time
}

// OutboxMover is a store whose outbox can be read and loaded whole.
type OutboxMover interface {
	// DumpOutbox reads the whole outbox in one consistent moment.
	DumpOutbox(ctx context.Context) (OutboxDump, error)
	// LoadOutbox adds d to the outbox in one transaction: a destination or
	// an event the store has already is kept as it is (a copy run again
	// changes nothing), and an event it adds comes with its delivery
	// states. Every event's page must be in the store. It returns how
	// many events were added.
	LoadOutbox(ctx context.Context, d OutboxDump) (int, error)
}
