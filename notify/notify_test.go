package notify

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/relwatch/relwatch"
	"github.com/relwatch/relwatch/snapshots"
)

// memStore is an outbox in memory: events in order, and per destination
// what became of each.
type memStore struct {
	mu      sync.Mutex
	events  []relwatch.Event
	settled map[string]map[string]string // destination → event id → state
	tries   map[string]map[string]int
	errs    map[string]map[string]string // destination → event id → last error
}

func newMemStore(events ...relwatch.Event) *memStore {
	return &memStore{events: events, settled: map[string]map[string]string{}, tries: map[string]map[string]int{}, errs: map[string]map[string]string{}}
}

func (m *memStore) Subscribe(_ context.Context, d string, now time.Time) (time.Time, error) {
	return time.Time{}, nil
}

func (m *memStore) Pending(_ context.Context, d string, limit int) ([]relwatch.PendingEvent, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []relwatch.PendingEvent
	for _, ev := range m.events {
		if st := m.settled[d][ev.ID]; st == "" || st == relwatch.DeliveryPending {
			out = append(out, relwatch.PendingEvent{Event: ev, Attempts: m.tries[d][ev.ID], LastError: m.errs[d][ev.ID]})
		}
		if len(out) == limit {
			break
		}
	}
	return out, nil
}

func (m *memStore) Settle(_ context.Context, d string, ids []string, del relwatch.Delivery) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.settled[d] == nil {
		m.settled[d], m.tries[d] = map[string]string{}, map[string]int{}
	}
	if m.errs[d] == nil {
		m.errs[d] = map[string]string{}
	}
	for _, id := range ids {
		m.settled[d][id] = del.State
		if del.Error != "" {
			m.errs[d][id] = del.Error
		}
		if del.State == relwatch.DeliveryPending {
			m.tries[d][id]++
		}
	}
	return nil
}

func (m *memStore) AddEvents(_ context.Context, events []relwatch.Event) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	n := 0
	for _, ev := range events {
		if !slices.ContainsFunc(m.events, func(e relwatch.Event) bool { return e.ID == ev.ID }) {
			m.events = append(m.events, ev)
			n++
		}
	}
	return n, nil
}

func (m *memStore) OutboxStatus(context.Context) ([]relwatch.DestinationStatus, error) {
	return nil, nil
}

func (m *memStore) Snapshot(context.Context, snapshots.PageKey, int) (snapshots.Snapshot, error) {
	return snapshots.Snapshot{}, relwatch.ErrNotFound
}

func event(id, kind string, created time.Time) relwatch.Event {
	return relwatch.Event{ID: id, Kind: kind, Page: "kazakhstan/fr", URL: "https://example.org/kz", Created: created, Source: relwatch.SourceLive}
}

func TestWants(t *testing.T) {
	ev := event("a", relwatch.EventChanged, time.Now())
	stamp := ev
	stamp.StampOnly = true
	parser := ev
	parser.ParserChange = true
	suspect := ev
	suspect.Suspect = "text shrank by 90%"
	failed := event("b", relwatch.EventFailed, time.Now())
	for _, tc := range []struct {
		name string
		d    Destination
		ev   relwatch.Event
		want bool
	}{
		{"default", Destination{}, ev, true},
		{"default failed", Destination{}, failed, true},
		{"stamp only left out", Destination{}, stamp, false},
		{"stamp only asked for", Destination{IncludeStampOnly: true}, stamp, true},
		{"parser change left out", Destination{}, parser, false},
		{"parser change asked for", Destination{IncludeParserChanges: true}, parser, true},
		{"other page", Destination{Pages: []snapshots.PageKey{{ID: "kazakhstan", Lang: "en"}}}, ev, false},
		{"id alone", Destination{Pages: []snapshots.PageKey{{ID: "kazakhstan"}}}, ev, true},
		{"not that event", Destination{Events: []string{"failed"}}, ev, false},
		{"suspect only", Destination{Events: []string{"suspect"}}, suspect, true},
		{"suspect only, plain change", Destination{Events: []string{"suspect"}}, ev, false},
	} {
		if got := tc.d.Wants(tc.ev); got != tc.want {
			t.Errorf("%s: Wants = %v, want %v", tc.name, got, tc.want)
		}
	}
}

// TestDeliverDropsOldFiltersAndKeepsOrder: an event older than the
// maximum age is dropped and counted, an unwanted one filtered, and a
// destination that fails stops at its first undelivered event so that it
// gets them in order later, while another destination gets everything.
func TestDeliverDropsOldFiltersAndKeepsOrder(t *testing.T) {
	now := time.Now()
	st := newMemStore(
		event("old", relwatch.EventChanged, now.Add(-48*time.Hour)),
		event("e1", relwatch.EventFailed, now),
		event("e2", relwatch.EventRecovered, now),
	)
	var mu sync.Mutex
	var got []string
	down := true
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		mu.Lock()
		defer mu.Unlock()
		if strings.HasPrefix(r.URL.Path, "/flaky") && down {
			w.WriteHeader(http.StatusBadGateway)
			return
		}
		got = append(got, r.URL.Path+" "+r.Header.Get("X-Relwatch-Delivery"))
	}))
	defer srv.Close()
	s := &Sender{Store: st, Policy: Policy{Retries: 1, Backoff: time.Millisecond, MaxWait: time.Second, MaxAge: 24 * time.Hour, Timeout: 5 * time.Second},
		Destinations: []Destination{
			{Name: "flaky", Kind: KindWebhook, URL: srv.URL + "/flaky", Secret: "k"},
			{Name: "steady", Kind: KindWebhook, URL: srv.URL + "/steady", Secret: "k", Events: []string{"recovered"}},
		}}
	out, err := s.Deliver(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if out[0].Err == nil || out[0].Dropped != 1 || out[0].Delivered != 0 {
		t.Errorf("flaky: %+v", out[0])
	}
	if out[1].Err != nil || out[1].Delivered != 1 || out[1].Filtered != 2 || out[1].Dropped != 0 {
		t.Errorf("steady: %+v", out[1])
	}
	if st.tries["flaky"]["e1"] != 1 || st.settled["flaky"]["e2"] != "" {
		t.Errorf("flaky after a failed delivery: %v %v", st.settled["flaky"], st.tries["flaky"])
	}
	mu.Lock()
	down = false
	mu.Unlock()
	if out, _ := s.Deliver(context.Background()); out[0].Delivered != 2 || out[0].Err != nil {
		t.Errorf("flaky when back: %+v", out[0])
	}
	want := "/steady e2,/flaky e1,/flaky e2"
	if strings.Join(got, ",") != want {
		t.Errorf("deliveries %v, want %s", got, want)
	}
}

func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		h    string
		want time.Duration
		ok   bool
	}{
		{"120", 2 * time.Minute, true},
		{"Thu, 03 Dec 2026 09:00:30 GMT", 30 * time.Second, true},
		{"", 0, false},
		{"soon", 0, false},
	} {
		got, ok := retryAfter(tc.h, now)
		if got != tc.want || ok != tc.ok {
			t.Errorf("retryAfter(%q) = %v, %v; want %v, %v", tc.h, got, ok, tc.want, tc.ok)
		}
	}
}

func TestScrub(t *testing.T) {
	d := Destination{URL: "telegram://123456:ABCDEFtokenXYZ@telegram?chats=@news-channel-x", Secret: "hmac-secret"}
	msg := d.Scrub(`Post "telegram://123456:ABCDEFtokenXYZ@telegram?chats=@news-channel-x": bad; token 123456:ABCDEFtokenXYZ; key hmac-secret`)
	for _, s := range []string{"ABCDEFtokenXYZ", "hmac-secret", "news-channel-x"} {
		if strings.Contains(msg, s) {
			t.Errorf("%q left in %q", s, msg)
		}
	}
}

// TestMessageFormats renders a change in each format.
func TestMessageFormats(t *testing.T) {
	first, win := time.Date(2026, 11, 28, 6, 0, 0, 0, time.UTC), time.Date(2026, 11, 27, 6, 0, 0, 0, time.UTC)
	ev := event("c", relwatch.EventChanged, first)
	ev.Version, ev.PreviousVersion, ev.FirstSeen, ev.WindowStart, ev.UpdatedRaw = 4, 3, &first, &win, "14 Nov. 2026 10:05"
	ev.PreviousHash, ev.ContentHash = "sha256:0123456789abcdef0123", "sha256:fedcba9876543210fedc"
	ev.Summary = map[string]int{"block_changed": 1, "stamp_changed": 1}
	v := view{Event: ev, PageLink: ev.URL, DiffLink: diffLink("https://rw.example/", ev)}
	v.Line = oneLine(v)
	if v.Line != "1 stamp changed, 1 block changed" {
		t.Errorf("one line %q", v.Line)
	}
	// With the counts per block kind the archive keeps, the blocks are
	// named as the report names them.
	named := v
	named.Summary = map[string]int{"block_changed": 2, "block_changed:bullet": 1, "block_changed:paragraph": 1, "stamp_changed": 1}
	if line := oneLine(named); line != "1 stamp changed, 1 paragraph changed, 1 bullet changed" {
		t.Errorf("one line with block kinds %q", line)
	}
	if v.DiffLink != "https://rw.example/p/kazakhstan/fr/diff?from=0123456789abcdef&to=fedcba9876543210" {
		t.Errorf("diff link %q", v.DiffLink)
	}
	for format, want := range map[string]string{
		"text":     "Changed between 2026-11-27 06:00 and 2026-11-28 06:00 UTC",
		"markdown": "[Diff](https://rw.example/p/kazakhstan/fr/diff?from=0123456789abcdef&to=fedcba9876543210)",
		"html":     `<a href="https://rw.example/p/kazakhstan/fr/diff?from=0123456789abcdef&amp;to=fedcba9876543210">Diff</a>`,
	} {
		m := v.render(format)
		if !strings.Contains(m.Body, want) || !strings.Contains(m.Title, "kazakhstan/fr changed (version 3 → 4)") {
			t.Errorf("%s: %q / %q, want %q", format, m.Title, m.Body, want)
		}
	}
}

// TestStaleAndLagMessages: stale and lag events read like the others: a
// title, one line, the facts, and the filters know them.
func TestStaleAndLagMessages(t *testing.T) {
	last, since := time.Date(2026, 11, 20, 6, 0, 0, 0, time.UTC), time.Date(2026, 11, 27, 6, 0, 0, 0, time.UTC)
	stale := event("s", relwatch.EventStale, since)
	stale.LastSuccess, stale.StaleSince, stale.Failures, stale.Error = &last, &since, 4, "HTTP 503"
	changed, ahead := time.Date(2026, 10, 1, 6, 0, 0, 0, time.UTC), time.Date(2026, 11, 8, 6, 0, 0, 0, time.UTC)
	lag := event("l", relwatch.EventLag, since)
	lag.LastChange, lag.Ahead, lag.AheadChanged, lag.Lag = &changed, "kazakhstan/en", &ahead, "last changed 38 days before kazakhstan/en"
	for _, tc := range []struct {
		ev                relwatch.Event
		title, line, fact string
	}{
		{stale, "relwatch: kazakhstan/fr is stale", "no successful check since 2026-11-20 06:00 UTC", "Stale since 2026-11-27 06:00 UTC"},
		{lag, "relwatch: kazakhstan/fr lags behind kazakhstan/en", "last changed 38 days before kazakhstan/en",
			"Last content change 2026-10-01 06:00 UTC; kazakhstan/en changed 2026-11-08 06:00 UTC"},
	} {
		v := view{Event: tc.ev, PageLink: tc.ev.URL}
		v.Line = oneLine(v)
		m := v.render("text")
		if m.Title != tc.title || v.Line != tc.line || !strings.Contains(m.Body, tc.fact) {
			t.Errorf("%s: title %q, line %q, body:\n%s", tc.ev.Kind, m.Title, v.Line, m.Body)
		}
		if !(Destination{}).Wants(tc.ev) || (Destination{Events: []string{"changed"}}).Wants(tc.ev) || !(Destination{Events: []string{tc.ev.Kind}}).Wants(tc.ev) {
			t.Errorf("%s: filters", tc.ev.Kind)
		}
	}
	if !AnyWants([]Destination{{Events: []string{"changed"}}, {}}, relwatch.EventLag) || AnyWants([]Destination{{Events: []string{"stale"}}}, relwatch.EventLag) {
		t.Error("AnyWants")
	}
}

// TestUnknownOutcomeSentOnceMore: a chat message whose last send has an
// unknown outcome (a run killed while sending it leaves that mark) is
// sent once more without retries; failing again, it is dropped, as it
// may have arrived.
func TestUnknownOutcomeSentOnceMore(t *testing.T) {
	var mu sync.Mutex
	tries := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		mu.Lock()
		tries++
		mu.Unlock()
		w.WriteHeader(http.StatusInternalServerError)
	}))
	defer srv.Close()
	st := newMemStore(event("e", relwatch.EventFailed, time.Now()))
	d := Destination{Name: "chat", Kind: KindShoutrrr, URL: "generic+" + srv.URL + "/chat?template=json"}
	if !strings.HasPrefix(relwatch.DeliverySending, unknownPrefix) {
		t.Fatalf("%q does not mark an unknown outcome", relwatch.DeliverySending)
	}
	st.errs["chat"] = map[string]string{"e": relwatch.DeliverySending} // a run died while sending it
	s := &Sender{Store: st, Destinations: []Destination{d}, Policy: Policy{Retries: 3, Backoff: time.Millisecond, MaxWait: time.Second, Timeout: 5 * time.Second}}
	out, err := s.Deliver(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if tries != 1 || out[0].Dropped != 1 || st.settled["chat"]["e"] != relwatch.DeliveryDropped || !strings.Contains(st.errs["chat"]["e"], "it may have arrived") {
		t.Fatalf("%d tries, outcome %+v, state %q (%s); want one try, then dropped", tries, out[0], st.settled["chat"]["e"], st.errs["chat"]["e"])
	}
	// A fresh event on the same failing channel is retried as usual: the
	// failure is definite, nothing arrived.
	st.events = append(st.events, event("f", relwatch.EventFailed, time.Now()))
	if _, err := s.Deliver(context.Background()); err != nil {
		t.Fatal(err)
	}
	if tries != 1+4 || st.settled["chat"]["f"] != relwatch.DeliveryPending || strings.HasPrefix(st.errs["chat"]["f"], unknownPrefix) {
		t.Errorf("a definite failure: %d tries in all, state %q (%s); want 4 more tries, pending", tries, st.settled["chat"]["f"], st.errs["chat"]["f"])
	}
}
