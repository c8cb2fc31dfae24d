package relwatch

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"
)

// Kinds of Event.
const (
	EventNew       = "new"       // the first version of a page
	EventChanged   = "changed"   // a new version of a page
	EventFailed    = "failed"    // the first failed check of a failure streak
	EventRecovered = "recovered" // the first good check after a failure streak
	EventStale     = "stale"     // a page with no good check for longer than stale_after: once per streak
	EventLag       = "lag"       // a language behind a sibling language for longer than lag_after: once per episode
	EventRemoved   = "removed"   // the check that made the page removed (see Removal)
	EventRestored  = "restored"  // the first good check after the page was removed
	EventTest      = "test"      // a sample event, sent by `notify test`; never stored
)

// Event is something a check found that people may want to be told: a new
// or changed version, the start or the end of a failure streak, the page's
// removal or its restoration. The Record
// methods of a Store write the events of a check (Capture.Events) to its
// outbox in the check's own transaction, so that an event exists exactly
// when its check does; senders then deliver it from there. Its JSON form
// is what the outbox stores.
type Event struct {
	// ID is stable: the same event always has the same id, so that a
	// receiver can drop a delivery it has already seen.
	ID      string    `json:"id"`
	Kind    string    `json:"event"`
	Page    string    `json:"page"` // "<id>/<lang>"
	URL     string    `json:"url"`  // as shown: credentials redacted
	Created time.Time `json:"created"`
	Source  string    `json:"source"` // SourceLive, ...

	// Of a new or changed version. RecordVersion sets Version.
	Version         int            `json:"version,omitempty"`
	PreviousVersion int            `json:"previous_version,omitempty"`
	ContentHash     string         `json:"content_hash,omitempty"`
	PreviousHash    string         `json:"previous_hash,omitempty"`
	FirstSeen       *time.Time     `json:"first_seen,omitempty"`
	WindowStart     *time.Time     `json:"window_start,omitempty"` // last check that still saw the previous version
	UpdatedRaw      string         `json:"updated_raw,omitempty"`
	UpdatedAt       string         `json:"updated_at,omitempty"`
	Summary         map[string]int `json:"summary,omitempty"` // change counts per kind
	StampOnly       bool           `json:"stamp_only,omitempty"`
	ParserChange    bool           `json:"parser_change,omitempty"`
	Suspect         string         `json:"suspect,omitempty"`

	// Of a failed check (the one that started the streak) or a recovery
	// (Failures is how many checks failed in a row before it).
	ErrorKind string `json:"error_kind,omitempty"`
	Error     string `json:"error,omitempty"`
	Failures  int    `json:"failures,omitempty"`

	// Of a stale page: its last good check, and when it became stale
	// (that plus stale_after).
	LastSuccess *time.Time `json:"last_success,omitempty"`
	StaleSince  *time.Time `json:"stale_since,omitempty"`

	// Of a lagging language: its latest content change, and the sibling
	// language that changed later (Ahead, "<id>/<lang>") with the time of
	// that change. Summary-like wording is in Lag ("last changed 38 days
	// before kazakhstan/en").
	LastChange   *time.Time `json:"last_change,omitempty"`
	Ahead        string     `json:"ahead,omitempty"`
	AheadChanged *time.Time `json:"ahead_changed,omitempty"`
	Lag          string     `json:"lag,omitempty"`

	// Of a removal, and of the restoration that ended it: since when the
	// page was gone (the first check that said so), and why (its error
	// kind, its HTTP status, "HTTP 404 Not Found").
	RemovedSince *time.Time `json:"removed_since,omitempty"`
	Status       int        `json:"status,omitempty"`
	Reason       string     `json:"reason,omitempty"`
}

// EventID is the stable id of the event of kind about page produced by a
// check at seen: hex of a SHA-256, as short as a UUID.
func EventID(kind, page string, seen time.Time) string {
	sum := sha256.Sum256(fmt.Appendf(nil, "%s\x00%s\x00%d", kind, page, seen.UnixNano()))
	return hex.EncodeToString(sum[:16])
}

// Delivery states of an event for one destination.
const (
	DeliveryPending   = "pending"   // tried, and to be tried again
	DeliveryDelivered = "delivered" // the destination accepted it
	DeliveryDropped   = "dropped"   // given up: older than the maximum age
	DeliveryFiltered  = "filtered"  // not for this destination (its pages: or events: filters)
)

// DeliverySending is the error a sender records, with the pending state,
// just before a send that a receiver could not tell from a repeat: until
// the outcome replaces it, a run that dies during the send leaves the
// event marked as possibly delivered. It is no failure: OutboxStatus
// does not show it as a destination's last error.
const DeliverySending = "outcome unknown: sending; a run stopped now cannot tell whether it arrived"

// PendingEvent is an event a destination has not settled yet.
type PendingEvent struct {
	Event
	Attempts  int    // failed delivery attempts so far
	LastError string // of the last failed attempt
}

// Delivery is the outcome of one attempt to deliver events to a destination.
type Delivery struct {
	State string // DeliveryPending (a failed attempt), DeliveryDelivered, DeliveryDropped or DeliveryFiltered
	Error string // why the attempt failed, or why the event was dropped
	At    time.Time
}

// DestinationStatus is what an outbox knows of one destination.
type DestinationStatus struct {
	Name       string
	Subscribed time.Time // events created before were never meant for it
	Pending    int       // events not settled yet (never tried, or tried and failed)
	Delivered  int
	Dropped    int
	Filtered   int
	Retrying   int        // of Pending: tried and failed at least once
	LastError  string     // of the most recent failed attempt, "" when none
	LastTry    *time.Time // of the most recent attempt
	Oldest     *time.Time // creation time of the oldest pending event
}

// Outbox keeps the events of checks until each destination has settled
// them. Besides these methods, a store's Record methods write the
// capture's Events to it in the check's transaction. Destinations are
// names; the store knows nothing of how events are sent.
type Outbox interface {
	// Subscribe registers destination at now unless it is registered, and
	// returns when it was: it is owed the events created from then on.
	Subscribe(ctx context.Context, destination string, now time.Time) (time.Time, error)
	// Pending lists the events created at or after the destination's
	// subscription that it has not settled (delivered, dropped or filtered), oldest
	// first, at most limit.
	Pending(ctx context.Context, destination string, limit int) ([]PendingEvent, error)
	// Settle records one attempt's outcome for the events with these ids.
	Settle(ctx context.Context, destination string, ids []string, d Delivery) error
	// OutboxStatus describes every subscribed destination, by name.
	OutboxStatus(ctx context.Context) ([]DestinationStatus, error)
	// AddEvents writes events that belong to no check (a page gone stale,
	// a language lagging behind another) to the outbox, each once: an
	// event whose id is there already is left as it is, so that every run
	// and every worker may offer the same event. It returns how many were
	// new. An event's page must be in the archive.
	AddEvents(ctx context.Context, events []Event) (int, error)
}
