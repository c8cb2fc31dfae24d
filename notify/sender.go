package notify

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/relwatch/relwatch"
)

// Policy is how hard a sender tries.
type Policy struct {
	Retries int           // attempts after the first, within one delivery
	Backoff time.Duration // wait before the first retry, doubling after each
	MaxWait time.Duration // longest wait; a Retry-After longer than this ends the delivery (the event stays pending)
	MaxAge  time.Duration // an event older than this is dropped, not sent
	Timeout time.Duration // of one attempt
}

// DefaultPolicy: 3 retries 2 s, 4 s, 8 s apart, a Retry-After of up to 5
// minutes honoured, a week's events kept, 30 s per attempt.
func DefaultPolicy() Policy {
	return Policy{Retries: 3, Backoff: 2 * time.Second, MaxWait: 5 * time.Minute, MaxAge: 7 * 24 * time.Hour, Timeout: 30 * time.Second}
}

// Sender delivers an outbox's events to destinations.
type Sender struct {
	Store        Store
	Destinations []Destination
	Policy       Policy
	Log          *slog.Logger
	// Client sends the webhooks; nil: one with the policy's timeout.
	Client *http.Client
}

// Outcome is what one delivery did for one destination.
type Outcome struct {
	Destination string
	Delivered   int   // events accepted by the destination
	Dropped     int   // events older than the maximum age, given up
	Filtered    int   // events the destination's filters do not want
	Pending     int   // events still owed after this delivery
	Err         error // why the delivery stopped early; nil when everything owed was settled
}

// Subscribe registers every destination with the outbox at now (those
// already registered keep their date): each is owed the events created
// from its first subscription on. Call it before the checks whose events
// it should get.
func (s *Sender) Subscribe(ctx context.Context, now time.Time) error {
	for _, d := range s.Destinations {
		if _, err := s.Store.Subscribe(ctx, d.Name, now); err != nil {
			return fmt.Errorf("notify %s: %w", d.Name, err)
		}
	}
	return nil
}

// Deliver sends each destination what it is owed, all destinations at
// once and independently, and returns one outcome per destination, in
// config order. An archive error is returned as well as put in the
// outcomes.
func (s *Sender) Deliver(ctx context.Context) ([]Outcome, error) {
	out := make([]Outcome, len(s.Destinations))
	var wg sync.WaitGroup
	for i, d := range s.Destinations {
		wg.Go(func() { out[i] = s.deliver(ctx, d) })
	}
	wg.Wait()
	var archiveErr error
	for _, o := range out {
		var ae *archiveError
		if errors.As(o.Err, &ae) && archiveErr == nil {
			archiveErr = ae.err
		}
	}
	return out, archiveErr
}

// DeliverAndLog is Deliver with a log line for each destination that
// dropped events, could not be delivered to, or was delivered to; it
// reports whether everything owed was delivered (or dropped).
func (s *Sender) DeliverAndLog(ctx context.Context) (bool, error) {
	if len(s.Destinations) == 0 || ctx.Err() != nil {
		return true, nil
	}
	log := cmp.Or(s.Log, slog.Default())
	outcomes, err := s.Deliver(ctx)
	if err != nil {
		return false, err
	}
	ok := true
	for _, o := range outcomes {
		if o.Dropped > 0 {
			log.Warn("notifications dropped", "destination", o.Destination, "dropped", o.Dropped, "reason", fmt.Sprintf("older than notify_max_age (%s)", s.Policy.MaxAge))
		}
		if o.Err != nil {
			ok = false
			log.Warn("notifications not delivered; the next run tries again", "destination", o.Destination, "delivered", o.Delivered, "pending", o.Pending, "err", o.Err.Error())
		} else if o.Delivered > 0 {
			log.Info("notifications delivered", "destination", o.Destination, "delivered", o.Delivered)
		}
	}
	return ok, nil
}

// archiveError marks an error of the archive, not of the destination.
type archiveError struct{ err error }

func (e *archiveError) Error() string { return e.err.Error() }
func (e *archiveError) Unwrap() error { return e.err }

// batchSize is how many events one read of the outbox takes.
const batchSize = 200

func (s *Sender) deliver(ctx context.Context, d Destination) Outcome {
	o := Outcome{Destination: d.Name}
	log := s.logger().With("destination", d.Name)
	client := s.Client
	if client == nil {
		client = &http.Client{Timeout: s.Policy.Timeout}
	}
	ch, err := newChannel(d, client, s.Policy.Timeout)
	if err != nil {
		o.Err = err
		o.Pending = s.pendingCount(ctx, d.Name)
		return o
	}
	for {
		pending, err := s.Store.Pending(ctx, d.Name, batchSize)
		if err != nil {
			o.Err = &archiveError{err}
			return o
		}
		if len(pending) == 0 {
			return o
		}
		var owed []view
		now := time.Now()
		for _, p := range pending {
			switch {
			case !d.Wants(p.Event):
				err = s.settle(ctx, d, relwatch.DeliveryFiltered, "", p.ID)
				o.Filtered++
			case s.Policy.MaxAge > 0 && now.Sub(p.Created) > s.Policy.MaxAge:
				reason := fmt.Sprintf("older than notify_max_age (%s)", s.Policy.MaxAge)
				log.Warn("notification dropped", "event", p.ID, "kind", p.Kind, "page", p.Page, "created", p.Created.UTC().Format(time.RFC3339), "reason", reason)
				err = s.settle(ctx, d, relwatch.DeliveryDropped, reason, p.ID)
				o.Dropped++
			default:
				v, lerr := load(ctx, s.Store, p.Event, d.BaseURL)
				if lerr != nil {
					o.Err = &archiveError{lerr}
					return o
				}
				v.MayHaveArrived = strings.HasPrefix(p.LastError, unknownPrefix)
				owed = append(owed, v)
			}
			if err != nil {
				o.Err = &archiveError{err}
				return o
			}
		}
		if err := s.send(ctx, d, ch, owed, &o); err != nil {
			o.Err = err
			o.Pending = s.pendingCount(ctx, d.Name)
			return o
		}
		if len(pending) < batchSize {
			return o
		}
	}
}

// send delivers owed in order: as one digest when there are more than the
// destination's digest_above and the channel can, else one by one,
// stopping at the first event that cannot be delivered, so that the
// destination gets events in order.
func (s *Sender) send(ctx context.Context, d Destination, ch channel, owed []view, o *Outcome) error {
	if len(owed) == 0 {
		return nil
	}
	// An event that may have arrived already is sent alone: its one more
	// try must not take others' tries with it.
	if len(owed) > d.digestAbove() && !slices.ContainsFunc(owed, func(v view) bool { return v.MayHaveArrived }) {
		sent := false
		err := s.attempt(ctx, d, ch, owed, o, func() error {
			ok, err := ch.digest(ctx, owed)
			sent = ok
			return err
		})
		if sent || err != nil {
			return err
		}
	}
	for _, v := range owed {
		if err := s.attempt(ctx, d, ch, []view{v}, o, func() error { return ch.send(ctx, v) }); err != nil {
			return err
		}
	}
	return nil
}

// unknownPrefix starts the last error of an event whose last send has an
// unknown outcome (relwatch.DeliverySending included): it may have arrived.
const unknownPrefix = "outcome unknown: "

// attempt sends vs (one event, or several in a digest) with sendOnce,
// with retries, and records the outcome; it returns the error that ends
// the delivery, nil when vs were delivered.
//
// A channel whose receiver can drop a repeat by the event's id (the
// webhook) is simply retried, a timeout included: at least once, and a
// repeat carries the same X-Relwatch-Delivery. Other channels (chat,
// email: a second message is a second message) are retried only after a
// definite failure. The attempt is recorded before the send, so that a
// run killed during it leaves the outcome unknown rather than untried;
// an event whose outcome is unknown (no answer within the timeout) is
// sent once more, in a later delivery and without retries, and if that
// does not succeed either it is dropped: it may have arrived, and a third
// copy is worse than none. Such an event arrives at most twice.
func (s *Sender) attempt(ctx context.Context, d Destination, ch channel, vs []view, o *Outcome, sendOnce func() error) error {
	ids := make([]string, len(vs))
	for i, v := range vs {
		ids[i] = v.ID
	}
	lastTry := !ch.dedupes() && slices.ContainsFunc(vs, func(v view) bool { return v.MayHaveArrived })
	if !ch.dedupes() {
		if err := s.settle(ctx, d, relwatch.DeliveryPending, relwatch.DeliverySending, ids...); err != nil {
			return &archiveError{err}
		}
	}
	var err error
	if lastTry {
		err = sendOnce()
	} else {
		err = s.retry(ctx, d, !ch.dedupes(), sendOnce)
	}
	var unknown *unknownOutcome
	switch {
	case err == nil:
		if err := s.settle(ctx, d, relwatch.DeliveryDelivered, "", ids...); err != nil {
			return &archiveError{err}
		}
		o.Delivered += len(ids)
		return nil
	case lastTry:
		reason := "sent twice with no answer that it arrived; not sent again (it may have arrived): " + err.Error()
		s.logger().Warn("notification dropped", "destination", d.Name, "events", len(ids), "reason", reason)
		if err := s.settle(ctx, d, relwatch.DeliveryDropped, reason, ids...); err != nil {
			return &archiveError{err}
		}
		o.Dropped += len(ids)
		return err
	case !ch.dedupes() && errors.As(err, &unknown):
		if err := s.settle(ctx, d, relwatch.DeliveryPending, unknownPrefix+err.Error()+"; sent once more by the next delivery", ids...); err != nil {
			return &archiveError{err}
		}
		return err
	}
	if err := s.settle(ctx, d, relwatch.DeliveryPending, err.Error(), ids...); err != nil {
		return &archiveError{err}
	}
	return err
}

// retry runs attempt up to 1+Retries times, waiting Backoff, then twice
// as long each time (at most MaxWait), or as long as a 429's Retry-After
// says when that is at most MaxWait. With stopOnUnknown, an attempt whose
// outcome is unknown is not retried.
func (s *Sender) retry(ctx context.Context, d Destination, stopOnUnknown bool, attempt func() error) error {
	wait := s.Policy.Backoff
	for try := 0; ; try++ {
		err := attempt()
		if err == nil {
			return nil
		}
		var unknown *unknownOutcome
		if stopOnUnknown && errors.As(err, &unknown) {
			return err
		}
		if try >= s.Policy.Retries || ctx.Err() != nil {
			return fmt.Errorf("%w (after %s)", err, plural(try+1, "attempt"))
		}
		next := min(wait, s.Policy.MaxWait)
		var ra *retryAfterError
		if errors.As(err, &ra) {
			if ra.after > s.Policy.MaxWait {
				return fmt.Errorf("%w: longer than the longest wait (%s); left for the next run", err, s.Policy.MaxWait)
			}
			next = ra.after
		}
		s.logger().Info("notification not delivered, retrying", "destination", d.Name, "err", err.Error(), "in", next.String())
		t := time.NewTimer(next)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return fmt.Errorf("%w (stopped before retrying)", err)
		}
		wait *= 2
	}
}

func (s *Sender) settle(ctx context.Context, d Destination, state, reason string, ids ...string) error {
	return s.Store.Settle(context.WithoutCancel(ctx), d.Name, ids, relwatch.Delivery{State: state, Error: reason, At: time.Now()})
}

// pendingCount is how many events d is still owed, for an outcome; -1
// when the outbox cannot say.
func (s *Sender) pendingCount(ctx context.Context, name string) int {
	status, err := s.Store.OutboxStatus(context.WithoutCancel(ctx))
	if err != nil {
		return -1
	}
	for _, st := range status {
		if st.Name == name {
			return st.Pending
		}
	}
	return 0
}

func (s *Sender) logger() *slog.Logger {
	if s.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return s.Log
}

// Test sends a sample event to d now, outside the outbox, and says what
// happened: nil when the destination accepted it.
func Test(ctx context.Context, d Destination, p Policy, client *http.Client) error {
	if client == nil {
		client = &http.Client{Timeout: p.Timeout}
	}
	ch, err := newChannel(d, client, p.Timeout)
	if err != nil {
		return err
	}
	now := time.Now().UTC()
	ev := relwatch.Event{
		ID: relwatch.EventID(relwatch.EventTest, "relwatch/test", now), Kind: relwatch.EventTest,
		Page: "relwatch/test", Created: now, Source: "",
	}
	v := view{Event: ev, Line: oneLine(view{Event: ev})}
	return ch.send(ctx, v)
}
