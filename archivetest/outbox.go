package archivetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/relwatch/relwatch"
)

func init() {
	register("OutboxStates", testOutboxStates)
	register("OutboxEventsCommitWithTheirCheck", testOutboxEventsCommitWithTheirCheck)
	register("OutboxVersionNumbers", testOutboxVersionNumbers)
	register("OutboxAddEventsOnce", testOutboxAddEventsOnce)
	register("OutboxSendingIsNoError", testOutboxSendingIsNoError)
}

// testOutboxStates walks one event through a destination's states, and
// checks that destinations are independent and that an event written
// before a destination subscribed is not owed to it.
func testOutboxStates(t *testing.T, open Opener) {
	ctx := context.Background()
	a := open(t, true)
	base := time.Now().Add(-time.Hour)
	if _, err := a.Subscribe(ctx, "one", base); err != nil {
		t.Fatal(err)
	}
	record := func(n int, id string, created time.Time) {
		c := capture(kzFR, n, "")
		c.Events = []relwatch.Event{{ID: id, Kind: relwatch.EventFailed, Page: kzFR.String(), Created: created}}
		if err := a.RecordFailure(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	record(0, "a", base.Add(time.Minute))
	if since, err := a.Subscribe(ctx, "two", base.Add(2*time.Minute)); err != nil || !since.Equal(base.Add(2*time.Minute)) {
		t.Fatalf("subscribe: %v %v", since, err)
	}
	record(1, "b", base.Add(3*time.Minute))
	ids := func(dest string) []string {
		p, err := a.Pending(ctx, dest, 10)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, e := range p {
			out = append(out, e.ID)
		}
		return out
	}
	if got := ids("one"); len(got) != 2 || got[0] != "a" || got[1] != "b" {
		t.Fatalf("one is owed %v, want [a b]", got)
	}
	if got := ids("two"); len(got) != 1 || got[0] != "b" {
		t.Fatalf("two is owed %v, want [b] (a is older than its subscription)", got)
	}
	fail := relwatch.Delivery{State: relwatch.DeliveryPending, Error: "receiver answered 500", At: time.Now()}
	if err := a.Settle(ctx, "one", []string{"a"}, fail); err != nil {
		t.Fatal(err)
	}
	if err := a.Settle(ctx, "one", []string{"a"}, fail); err != nil {
		t.Fatal(err)
	}
	p, _ := a.Pending(ctx, "one", 10)
	if p[0].Attempts != 2 || p[0].LastError != "receiver answered 500" {
		t.Fatalf("after two failed attempts: %+v", p[0])
	}
	if err := a.Settle(ctx, "one", []string{"a"}, relwatch.Delivery{State: relwatch.DeliveryDelivered, At: time.Now()}); err != nil {
		t.Fatal(err)
	}
	if err := a.Settle(ctx, "one", []string{"b"}, relwatch.Delivery{State: relwatch.DeliveryDropped, Error: "too old", At: time.Now()}); err != nil {
		t.Fatal(err)
	}
	if got := ids("one"); len(got) != 0 {
		t.Fatalf("one still owed %v", got)
	}
	if got := ids("two"); len(got) != 1 {
		t.Fatalf("settling for one changed two: %v", got)
	}
	if err := a.Settle(ctx, "one", []string{"nosuch"}, fail); !errors.Is(err, relwatch.ErrNotFound) {
		t.Fatalf("settling an unknown event: %v", err)
	}
	st, err := a.OutboxStatus(ctx)
	if err != nil || len(st) != 2 {
		t.Fatalf("status: %+v %v", st, err)
	}
	if s := st[0]; s.Name != "one" || s.Delivered != 1 || s.Dropped != 1 || s.Pending != 0 || s.LastError == "" {
		t.Errorf("status of one: %+v", s)
	}
	if s := st[1]; s.Name != "two" || s.Pending != 1 || s.Oldest == nil {
		t.Errorf("status of two: %+v", s)
	}
	MustCheckClean(t, a)
}

// testOutboxEventsCommitWithTheirCheck: a check whose transaction fails
// leaves no event, and an event is written once even if offered twice.
func testOutboxEventsCommitWithTheirCheck(t *testing.T, open Opener) {
	ctx := context.Background()
	a := open(t, true)
	if _, err := a.Subscribe(ctx, "d", t0.Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
	c := capture(kzFR, 0, "")
	c.Events = []relwatch.Event{{ID: "x", Kind: relwatch.EventRecovered, Page: kzFR.String(), Created: t0}}
	// An unchanged check of a version that does not exist fails, and takes
	// its event with it.
	if err := a.RecordUnchanged(ctx, c, 7); err == nil {
		t.Fatal("RecordUnchanged of a missing version succeeded")
	}
	if p, _ := a.Pending(ctx, "d", 10); len(p) != 0 {
		t.Fatalf("an event outlived its failed check: %+v", p)
	}
	if err := a.RecordFailure(ctx, c); err != nil {
		t.Fatal(err)
	}
	c.Started = c.Started.Add(time.Second)
	if err := a.RecordFailure(ctx, c); err != nil {
		t.Fatal(err)
	}
	if p, _ := a.Pending(ctx, "d", 10); len(p) != 1 {
		t.Fatalf("%d events, want 1", len(p))
	}

}

// testOutboxVersionNumbers: RecordVersion gives the events of the check
// the number of the version it stored.
func testOutboxVersionNumbers(t *testing.T, open Opener) {
	ctx := context.Background()
	a := open(t, true)
	if _, err := a.Subscribe(ctx, "d", t0.Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
	mustVersion(t, a, capture(kzFR, 0, "1"), snap(kzFR, "", "Un."), nil)
	c := capture(kzFR, 1, "2")
	c.Events = []relwatch.Event{
		{ID: "r", Kind: relwatch.EventRecovered, Page: kzFR.String(), Created: t0},
		{ID: "c", Kind: relwatch.EventChanged, Page: kzFR.String(), Created: t0, PreviousVersion: 1},
	}
	v := mustVersion(t, a, c, snap(kzFR, "", "Deux."), &relwatch.ChangeRecord{})
	p, err := a.Pending(ctx, "d", 10)
	if err != nil || len(p) != 2 {
		t.Fatalf("pending: %+v %v", p, err)
	}
	for _, e := range p {
		if e.Version != v {
			t.Errorf("event %s has version %d, want %d", e.ID, e.Version, v)
		}
	}
}

// testOutboxAddEventsOnce: events of no check (stale, lag) are written
// once however often they are offered, after the events already there,
// and only for pages the archive has.
func testOutboxAddEventsOnce(t *testing.T, open Opener) {
	ctx := context.Background()
	a := open(t, true)
	if _, err := a.Subscribe(ctx, "d", t0.Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
	mustVersion(t, a, capture(kzFR, 0, "1"), snap(kzFR, "", "Un."), nil)
	c := capture(kzFR, 1, "")
	c.Events = []relwatch.Event{{ID: "f", Kind: relwatch.EventFailed, Page: kzFR.String(), Created: t0}}
	if err := a.RecordFailure(ctx, c); err != nil {
		t.Fatal(err)
	}
	last := t0.UTC()
	stale := relwatch.Event{ID: "s", Kind: relwatch.EventStale, Page: kzFR.String(), Created: t0.Add(time.Minute), LastSuccess: &last}
	for i, want := range []int{1, 0} {
		later := stale
		later.Created = stale.Created.Add(time.Duration(i) * time.Hour) // a later run offers it again
		if n, err := a.AddEvents(ctx, []relwatch.Event{later}); err != nil || n != want {
			t.Fatalf("AddEvents, offer %d: %d added, %v; want %d", i+1, n, err, want)
		}
	}
	p, err := a.Pending(ctx, "d", 10)
	if err != nil || len(p) != 2 || p[0].ID != "f" || p[1].ID != "s" {
		t.Fatalf("pending: %+v %v; want f, then s once", p, err)
	}
	if got := p[1]; got.Kind != relwatch.EventStale || got.LastSuccess == nil || !got.LastSuccess.Equal(last) || !got.Created.Equal(stale.Created) {
		t.Errorf("stale event read back as %+v; want the first offer's", got.Event)
	}
	gone := relwatch.Event{ID: "g", Kind: relwatch.EventStale, Page: "nosuch/fr", Created: t0}
	if _, err := a.AddEvents(ctx, []relwatch.Event{gone}); !errors.Is(err, relwatch.ErrNotFound) {
		t.Errorf("an event of a page not in the archive: %v, want ErrNotFound", err)
	}
	MustCheckClean(t, a)
}

// testOutboxSendingIsNoError: the mark a sender sets before a send is
// kept on the event (a run that dies leaves it) but is not shown as the
// destination's last error once the send went through.
func testOutboxSendingIsNoError(t *testing.T, open Opener) {
	ctx := context.Background()
	a := open(t, true)
	if _, err := a.Subscribe(ctx, "chat", t0.Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
	c := capture(kzFR, 0, "")
	c.Events = []relwatch.Event{{ID: "x", Kind: relwatch.EventFailed, Page: kzFR.String(), Created: t0}}
	if err := a.RecordFailure(ctx, c); err != nil {
		t.Fatal(err)
	}
	sending := relwatch.Delivery{State: relwatch.DeliveryPending, Error: relwatch.DeliverySending, At: t0.Add(time.Minute)}
	if err := a.Settle(ctx, "chat", []string{"x"}, sending); err != nil {
		t.Fatal(err)
	}
	if p, err := a.Pending(ctx, "chat", 10); err != nil || len(p) != 1 || p[0].LastError != relwatch.DeliverySending {
		t.Fatalf("while sending: %+v %v; want the event pending with the mark", p, err)
	}
	if err := a.Settle(ctx, "chat", []string{"x"}, relwatch.Delivery{State: relwatch.DeliveryDelivered, At: t0.Add(2 * time.Minute)}); err != nil {
		t.Fatal(err)
	}
	st, err := a.OutboxStatus(ctx)
	if err != nil || len(st) != 1 || st[0].Delivered != 1 || st[0].LastError != "" {
		t.Errorf("after the send: %+v %v; want delivered and no last error", st, err)
	}
}
