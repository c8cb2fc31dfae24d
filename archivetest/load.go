package archivetest

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/relwatch/relwatch"
	"github.com/relwatch/relwatch/archivecopy"
	"github.com/relwatch/relwatch/snapshots"
)

// history builds a page history with every kind of row: live versions, an
// unchanged check, failures with and without a body, Wayback captures
// before and between live ones, a revert, and a parser change by reparse;
// and a second page.
func history(t *testing.T, a relwatch.Store) {
	ctx := context.Background()
	record(t, a, fakeParse(1), "a;b#x", "a;b#x", "a;c#x", "", "a;b#y", "a;c#y")
	errPage := capture(kzEN, 20, "<h1>502</h1>")
	errPage.Status, errPage.ErrorKind, errPage.ErrorMessage = 502, "http", "502 Bad Gateway"
	if err := a.RecordFailure(ctx, errPage); err != nil {
		t.Fatal(err)
	}
	recordPast(t, a, -10, "w;0", snap(kzEN, "", "w", "0"))
	recordPast(t, a, 2, "a;b#x", snap(kzEN, "", "a", "b"))
	if _, err := a.Reparse(ctx, &kzEN, fakeParse(2), fakeCompare, false); err != nil {
		t.Fatal(err)
	}
	mustVersion(t, a, capture(kzFR, 0, "fr"), snap(kzFR, "12 Dec. 2017", "Sécurité."), nil)
	outbox(t, a)
}

// outbox gives a store's outbox two destinations and events in every
// delivery state: delivered, failed twice and pending, dropped, filtered,
// never tried, and one added outside a check (stale).
func outbox(t *testing.T, a relwatch.Store) {
	ctx := context.Background()
	for i, name := range []string{"desk", "hook"} {
		if _, err := a.Subscribe(ctx, name, t0.Add(time.Duration(i-60)*time.Minute)); err != nil {
			t.Fatal(err)
		}
	}
	var ids []string
	for i := range 4 {
		c := capture(kzFR, 40+i, "")
		id := fmt.Sprintf("ev%d", i)
		c.Events = []relwatch.Event{{ID: id, Kind: relwatch.EventFailed, Page: kzFR.String(), Created: t0.Add(time.Duration(i) * time.Second), Error: "HTTP 503"}}
		if err := a.RecordFailure(ctx, c); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	last := t0.Add(-time.Hour)
	if _, err := a.AddEvents(ctx, []relwatch.Event{{ID: "stale", Kind: relwatch.EventStale, Page: kzFR.String(), Created: t0.Add(time.Minute), LastSuccess: &last}}); err != nil {
		t.Fatal(err)
	}
	at := t0.Add(2 * time.Minute)
	for _, s := range []struct {
		dest, id, state, why string
	}{
		{"desk", ids[0], relwatch.DeliveryDelivered, ""},
		{"desk", ids[1], relwatch.DeliveryPending, "receiver answered 500"},
		{"desk", ids[1], relwatch.DeliveryPending, "receiver answered 502"},
		{"desk", ids[2], relwatch.DeliveryDropped, "older than notify_max_age (1h0m0s)"},
		{"hook", ids[0], relwatch.DeliveryFiltered, ""},
		{"hook", "stale", relwatch.DeliveryDelivered, ""},
	} {
		at = at.Add(time.Second)
		if err := a.Settle(ctx, s.dest, []string{s.id}, relwatch.Delivery{State: s.state, Error: s.why, At: at}); err != nil {
			t.Fatal(err)
		}
	}
}

// outboxOf is what a store's outbox says, for comparing two stores.
func outboxOf(t *testing.T, a relwatch.Store) string {
	t.Helper()
	ctx := context.Background()
	d, err := a.DumpOutbox(ctx)
	if err != nil {
		t.Fatal(err)
	}
	st, err := a.OutboxStatus(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var pending []relwatch.PendingEvent
	for _, od := range d.Destinations {
		p, err := a.Pending(ctx, od.Name, 100)
		if err != nil {
			t.Fatal(err)
		}
		pending = append(pending, p...)
	}
	b, err := json.Marshal(struct {
		Dump    relwatch.OutboxDump
		Status  []relwatch.DestinationStatus
		Pending []relwatch.PendingEvent
	}{d, st, pending})
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// testLoadPageKeepsEverything copies a store into an empty one of the same
// engine: the copy answers every read exactly as the original does, and
// checks clean; copying again skips every page.
func testLoadPageKeepsEverything(t *testing.T, e Engine) {
	ctx := context.Background()
	src := e.New(t)(t, true)
	history(t, src)
	dst := e.New(t)(t, true)
	if _, ok := dst.(relwatch.Loader); !ok {
		t.Fatalf("the %s store is not a relwatch.Loader", e.Name)
	}
	rep, err := archivecopy.Copy(ctx, src, dst.(archivecopy.Destination), nil)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Pages != 2 || rep.Copied != 2 || rep.Skipped != 0 || rep.Captures != 14 {
		t.Errorf("report = %+v", rep)
	}
	want, got := mustDump(t, src), mustDump(t, dst)
	if got != want {
		t.Errorf("the copy answers differently:\n%s\nwant\n%s", got, want)
	}
	if rep.Events != 5 {
		t.Errorf("%d outbox events copied, want 5", rep.Events)
	}
	if want, got := outboxOf(t, src), outboxOf(t, dst); got != want {
		t.Errorf("the copy's outbox differs (a delivered event would be sent again, or a pending one lost):\n%s\nwant\n%s", got, want)
	}
	for _, q := range []string{"securite", "b", "y"} {
		hs, _ := src.Search(ctx, q, nil)
		hd, _ := dst.Search(ctx, q, nil)
		if len(hs) == 0 || len(hs) != len(hd) {
			t.Errorf("search %q: %d hits in the copy, %d in the source", q, len(hd), len(hs))
		}
	}
	MustCheckClean(t, dst)
	rep, err = archivecopy.Copy(ctx, src, dst.(archivecopy.Destination), nil)
	if err != nil || rep.Copied != 0 || rep.Skipped != 2 || rep.Events != 0 {
		t.Errorf("copy again = %+v, %v; want every page and event skipped", rep, err)
	}
	// A page with another history in the destination stops the copy.
	other := e.New(t)(t, true)
	mustVersion(t, other, capture(kzFR, 0, "other"), snap(kzFR, "", "Autre."), nil)
	if _, err := archivecopy.Copy(ctx, src, other.(archivecopy.Destination), nil); err == nil {
		t.Error("copy into an archive with another history of a page succeeded")
	}
	if vs, _ := other.Versions(ctx, kzFR); len(vs) != 1 {
		t.Errorf("the refused copy changed the destination: %d versions", len(vs))
	}
}

// testLoadManyPages copies a store of many pages whose captures share raw
// bodies and responses (the same error page, the same URL), as a copy
// into a store that loads several pages at once takes them: the copy
// answers every read as the original does and checks clean.
func testLoadManyPages(t *testing.T, e Engine) {
	ctx := context.Background()
	src := e.New(t)(t, true)
	const pages = 12
	for i := range pages {
		page := snapshots.PageKey{ID: fmt.Sprintf("partner-%02d", i), Lang: "en"}
		v := mustVersion(t, src, capture(page, 0, "shared first body"), snap(page, "", "a", "b"), nil)
		mustUnchanged(t, src, capture(page, 1, "shared first body"), v)
		failed := capture(page, 2, "<h1>502</h1>")
		failed.Status, failed.ErrorKind, failed.ErrorMessage = 502, "http", "502 Bad Gateway"
		if err := src.RecordFailure(ctx, failed); err != nil {
			t.Fatal(err)
		}
		ch := fakeCompare(snap(page, "", "a", "b"), snap(page, "", "a", fmt.Sprint("c", i)))
		mustVersion(t, src, capture(page, 3, fmt.Sprint("body ", i)), snap(page, "", "a", fmt.Sprint("c", i)), &ch)
	}
	dst := e.New(t)(t, true)
	rep, err := archivecopy.Copy(ctx, src, dst.(archivecopy.Destination), nil)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Copied != pages || rep.Versions != 2*pages || rep.Captures != 4*pages {
		t.Errorf("report = %+v, want %d pages, %d versions, %d captures", rep, pages, 2*pages, 4*pages)
	}
	if want, got := mustDump(t, src), mustDump(t, dst); got != want {
		t.Errorf("the copy answers differently:\n%s\nwant\n%s", got, want)
	}
	MustCheckClean(t, dst)
}
