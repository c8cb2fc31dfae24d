package archive

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/relwatch/relwatch"
)

// TestMigrateV5Fixture migrates an archive written by schema 5 (two
// versions of kazakhstan/fr, an unchanged check and two failed ones, made
// by relwatch scrape before the outbox existed): the history reads back
// as before, and the outbox works.
func TestMigrateV5Fixture(t *testing.T) {
	ctx := context.Background()
	a := openRW(t, copyFixture(t, "testdata/schema5.db"))
	defer a.Close()
	if a.Schema() != SchemaVersion || SchemaVersion != 6 {
		t.Fatalf("schema %d after migration, want %d (6)", a.Schema(), SchemaVersion)
	}
	mustCheckClean(t, a)
	versions, err := a.Versions(ctx, kzFR)
	if err != nil || len(versions) != 2 || versions[0].Checks != 2 {
		t.Fatalf("versions after migration: %+v, %v", versions, err)
	}
	caps, err := a.Captures(ctx, kzFR)
	if err != nil || len(caps) != 5 {
		t.Fatalf("%d captures after migration, want 5: %v", len(caps), err)
	}
	// Nothing is owed for what was archived before the outbox.
	if _, err := a.Subscribe(ctx, "hook", time.Now()); err != nil {
		t.Fatal(err)
	}
	if p, err := a.Pending(ctx, "hook", 10); err != nil || len(p) != 0 {
		t.Fatalf("pending after migration: %v, %v", p, err)
	}
	latest, err := a.Snapshot(ctx, kzFR, 0)
	if err != nil {
		t.Fatal(err)
	}
	c := capture(kzFR, 1000, "v3")
	c.Started = time.Now()
	c.Events = []relwatch.Event{{ID: "e3", Kind: relwatch.EventChanged, Page: kzFR.String(), Created: time.Now(), PreviousVersion: latest.Version}}
	v := mustVersion(t, a, c, snap(kzFR, "", "Nouveau."), &relwatch.ChangeRecord{})
	p, err := a.Pending(ctx, "hook", 10)
	if err != nil || len(p) != 1 || p[0].Version != v || p[0].ID != "e3" {
		t.Fatalf("pending after a new version: %+v, %v", p, err)
	}
	mustCheckClean(t, a)
}

// TestOutboxStates walks one event through a destination's states, and
// checks that destinations are independent and that an event written
// before a destination subscribed is not owed to it.
func TestOutboxStates(t *testing.T) {
	ctx := context.Background()
	a := TestArchive(t)
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
	mustCheckClean(t, a)
}

// TestOutboxEventsCommitWithTheirCheck: a check whose transaction fails
// leaves no event, and an event is written once even if offered twice.
func TestOutboxEventsCommitWithTheirCheck(t *testing.T) {
	ctx := context.Background()
	a := TestArchive(t)
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
