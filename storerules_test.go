package relwatch

import (
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/relwatch/relwatch/snapshots"
)

// fakeOutbox records what the outbox rules ask a store to write.
type fakeOutbox struct {
	events     []Event
	have       map[string]bool
	deliveries []string
}

func (f *fakeOutbox) PagePK(page snapshots.PageKey) (int64, error) { return 7, nil }

func (f *fakeOutbox) PutEvent(pk int64, ev Event, data string) (bool, error) {
	if f.have[ev.ID] {
		return false, nil
	}
	if f.have == nil {
		f.have = map[string]bool{}
	}
	f.have[ev.ID] = true
	f.events = append(f.events, ev)
	return true, nil
}

func (f *fakeOutbox) PutDestination(od OutboxDestination) error { return nil }

func (f *fakeOutbox) PutDelivery(eventID string, s DeliveryState) error {
	f.deliveries = append(f.deliveries, eventID+" "+s.Destination)
	return nil
}

func TestPutEventsStampsTheStoredVersion(t *testing.T) {
	var f fakeOutbox
	events := []Event{
		{ID: "a", Kind: EventChanged, Version: 9},
		{ID: "b", Kind: EventRecovered},
		{ID: "c", Kind: EventFailed, Version: 4},
	}
	if err := PutEvents(&f, 1, events, 5); err != nil {
		t.Fatal(err)
	}
	var got []int
	for _, ev := range f.events {
		got = append(got, ev.Version)
	}
	// A changed event is about the stored version, a recovery without one
	// too; another event keeps its own.
	if want := []int{5, 5, 4}; !slices.Equal(got, want) {
		t.Errorf("versions %v, want %v", got, want)
	}
	if err := PutEvents(&f, 1, []Event{{ID: "x"}}, 0); err == nil || !strings.Contains(err.Error(), "has no id or kind") {
		t.Errorf("an event without kind: %v", err)
	}
}

func TestLoadOutboxKeepsWhatIsThere(t *testing.T) {
	f := fakeOutbox{have: map[string]bool{"old": true}}
	d := OutboxDump{Events: []OutboxEntry{
		{Event: Event{ID: "old", Kind: EventNew, Page: "p/en"}, Deliveries: []DeliveryState{{Destination: "mail"}}},
		{Event: Event{ID: "new", Kind: EventNew, Page: "p/en"}, Deliveries: []DeliveryState{{Destination: "mail"}}},
	}}
	n, err := LoadOutbox(&f, d)
	if err != nil || n != 1 {
		t.Fatalf("added %d, %v; want 1", n, err)
	}
	if len(f.deliveries) != 1 || f.deliveries[0] != "new mail" {
		t.Errorf("deliveries %v: only the added event brings its own", f.deliveries)
	}
	if _, err := AddEvents(&f, []Event{{ID: "z", Kind: EventStale, Page: "p"}}); err == nil {
		t.Error("an event of a page without language was added")
	}
}

func TestSettleAttempts(t *testing.T) {
	for state, want := range map[string]int{DeliveryPending: 1, DeliveryDelivered: 0, DeliveryDropped: 0, DeliveryFiltered: 0} {
		if n, err := SettleAttempts("mail", Delivery{State: state}); n != want || err != nil {
			t.Errorf("%s: %d, %v; want %d", state, n, err, want)
		}
	}
	if _, err := SettleAttempts("mail", Delivery{State: "lost"}); err == nil {
		t.Error("an unknown state was accepted")
	}
}

func TestOutboxDumperNeedsTheEvent(t *testing.T) {
	var b OutboxDumper
	if err := b.Event(3, `{"id":"a","event":"new"}`); err != nil {
		t.Fatal(err)
	}
	if err := b.Delivery(3, DeliveryState{Destination: "mail"}); err != nil {
		t.Fatal(err)
	}
	if err := b.Delivery(4, DeliveryState{Destination: "mail"}); !errors.Is(err, ErrCorrupt) {
		t.Errorf("a delivery of an unknown event: %v", err)
	}
	if err := b.Event(5, `{`); !errors.Is(err, ErrCorrupt) {
		t.Errorf("an event that does not decode: %v", err)
	}
	if len(b.Dump.Events) != 1 || len(b.Dump.Events[0].Deliveries) != 1 {
		t.Errorf("dump %+v", b.Dump)
	}
}

func TestProblemsVersionNumbering(t *testing.T) {
	var p Problems
	for _, v := range []int{1, 3} {
		p.Version(VersionRow{Page: "p/en", Version: v, DecodeErr: errors.New("bad"), CaptureVersion: v, Outcome: OutcomeChanged, SamePage: true})
	}
	p.Version(VersionRow{Page: "q/en", Version: 1, DecodeErr: errors.New("bad"), CaptureVersion: 2, Outcome: OutcomeNew, SamePage: true})
	var got []string
	for _, pr := range p.List {
		got = append(got, pr.String())
	}
	want := []string{
		"version: p/en version 1: snapshot does not decode: bad",
		"version: p/en: version 3 follows version 1",
		"version: p/en version 3: snapshot does not decode: bad",
		"version: q/en version 1: snapshot does not decode: bad",
		`version: q/en version 1: its capture does not record it (capture version 2, outcome "new")`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if err := CheckError(errors.New("disk I/O error")); !errors.Is(err, ErrCorrupt) {
		t.Errorf("a failed read: %v", err)
	}
}

func TestLatestValidatorsOnlyForTheLatestVersion(t *testing.T) {
	page := snapshots.PageKey{ID: "p", Lang: "en"}
	headers := `{"Content-Type":"text/html","Date":"Thu, 03 Dec 2026 13:00:00 GMT","etag":"\"x\""}`
	if etag, _, err := LatestValidators(page, headers, 2, 2); etag != `"x"` || err != nil {
		t.Errorf("latest: %q, %v", etag, err)
	}
	// The names are matched whatever their case.
	hj, _ := SplitDate(map[string]string{"ETAG": `"x"`, "last-modified": "y", "Date": "z"})
	if e, lm, err := LatestValidators(page, hj, 2, 2); e != `"x"` || lm != "y" || err != nil {
		t.Errorf("validators of %s = %q, %q, %v", hj, e, lm, err)
	}
	if _, _, err := LatestValidators(page, "{not json", 2, 2); !errors.Is(err, ErrCorrupt) {
		t.Errorf("headers that are not JSON: %v", err)
	}
	for _, seen := range []int{0, 1} {
		if etag, _, err := LatestValidators(page, headers, seen, 2); etag != "" || err != nil {
			t.Errorf("seen %d of 2: %q, %v", seen, etag, err)
		}
	}
}

func TestResolveLang(t *testing.T) {
	ref := snapshots.PageKey{ID: "p"}
	if k, err := ResolveLang(ref, []string{"fr"}); err != nil || k.Lang != "fr" {
		t.Errorf("one language: %v, %v", k, err)
	}
	if _, err := ResolveLang(ref, nil); !errors.Is(err, ErrNotFound) {
		t.Errorf("none: %v", err)
	}
	if _, err := ResolveLang(ref, []string{"en", "fr"}); err == nil || !strings.Contains(err.Error(), "e.g. p/en") {
		t.Errorf("two: %v", err)
	}
}

func TestAppendVersionWindow(t *testing.T) {
	last := time.Date(2026, 1, 2, 3, 0, 0, 0, time.UTC)
	w := &fakeRecorder{prev: 2, lastSeen: &last, stamp: "old"}
	snap := snapshots.Snapshot{UpdatedRaw: "new"}
	c := Capture{Started: last.Add(time.Hour)}
	v, err := AppendVersion(w, &c, snap, 3, nil)
	if err != nil || v != 3 || c.Outcome != OutcomeChanged {
		t.Fatalf("version %d, outcome %s, %v", v, c.Outcome, err)
	}
	if want := "capture 3; version 3 by parser 3; change into 3 after 03:00, old → new; index 3; events 3"; strings.Join(w.log, "; ") != want {
		t.Errorf("wrote %q, want %q", strings.Join(w.log, "; "), want)
	}
	first := &fakeRecorder{}
	c = Capture{Started: last}
	if v, err := AppendVersion(first, &c, snap, 3, nil); v != 1 || err != nil || c.Outcome != OutcomeNew || strings.Contains(strings.Join(first.log, ";"), "change") {
		t.Errorf("first version: %d, %s, %v, %v", v, c.Outcome, err, first.log)
	}
}

type fakeRecorder struct {
	prev     int
	lastSeen *time.Time
	stamp    string
	log      []string
}

func (f *fakeRecorder) Latest() (int, *time.Time, string, error) {
	return f.prev, f.lastSeen, f.stamp, nil
}

func (f *fakeRecorder) InsertCapture(c *Capture, version int) (int64, error) {
	f.log = append(f.log, "capture "+strconv.Itoa(version))
	return 11, nil
}

func (f *fakeRecorder) PutVersion(v int, captureID int64, snap snapshots.Snapshot, parser int, parseKey string, first, last time.Time, checks int) error {
	f.log = append(f.log, "version "+strconv.Itoa(v)+" by parser "+strconv.Itoa(parser))
	return nil
}

func (f *fakeRecorder) PutChange(v int, change *ChangeRecord, observed time.Time, window *time.Time, stampBefore, stampAfter string) error {
	f.log = append(f.log, "change into "+strconv.Itoa(v)+" after "+window.Format("15:04")+", "+stampBefore+" → "+stampAfter)
	return nil
}

func (f *fakeRecorder) IndexVersion(v int, snap *snapshots.Snapshot) error {
	f.log = append(f.log, "index "+strconv.Itoa(v))
	return nil
}

func (f *fakeRecorder) PutEvents(events []Event, version int) error {
	f.log = append(f.log, "events "+strconv.Itoa(version))
	return nil
}

// FuzzLatestValidators holds the reading of headers as relwatch writes
// them (flatValidators) to encoding/json's: whatever text it reads, it
// reads as encoding/json does, and it leaves every other text to it.
func FuzzLatestValidators(f *testing.F) {
	for _, seed := range []string{
		`{}`, ` { } `, `{"ETag":"\"x\""}`, `{"ETag":"x","Last-Modified":"y"}`,
		`{"Content-Type":"text/html; charset=utf-8","ETag":"\"6560a1b2-17800\"","Last-Modified":"Fri, 24 Nov 2023 12:00:00 GMT","Server":"nginx"}`,
		`{"etag":"a","ETAG":"b"}`, `{"LAST-MODIFIED":"z"}`, `{"ETag":"a",}`, `{"ETag":5}`, `{"ETag":null}`,
		`{"ETag":"a"} x`, `{"ETag" "a"}`, `{"laſt-modified":"y"}`, `{"ETag":"caf\u00e9"}`, `[]`, ``, `{"a":"b","c":"d"}`,
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, headers string) {
		etag, lastModified, ok := flatValidators(headers)
		if !ok {
			return
		}
		var v struct {
			ETag         string `json:"etag"`
			LastModified string `json:"last-modified"`
		}
		if err := json.Unmarshal([]byte(headers), &v); err != nil {
			t.Fatalf("flatValidators read %q, which encoding/json refuses: %v", headers, err)
		}
		if etag != v.ETag || lastModified != v.LastModified {
			t.Fatalf("%q: flatValidators read %q, %q; encoding/json %q, %q", headers, etag, lastModified, v.ETag, v.LastModified)
		}
	})
}

// TestFlatValidatorsReadsWhatRelwatchWrites: the headers of a live
// capture, as SplitDate stores them, are read without encoding/json.
func TestFlatValidatorsReadsWhatRelwatchWrites(t *testing.T) {
	hj, _ := SplitDate(map[string]string{"Content-Type": "text/html", "ETag": `"6560a1b2-17800"`,
		"Last-Modified": "Fri, 24 Nov 2023 12:00:00 GMT", "Date": "Fri, 24 Nov 2023 12:00:01 GMT", "Server": "nginx"})
	etag, lm, ok := flatValidators(hj)
	if !ok || etag != `"6560a1b2-17800"` || lm != "Fri, 24 Nov 2023 12:00:00 GMT" {
		t.Errorf("flatValidators(%s) = %q, %q, %v", hj, etag, lm, ok)
	}
}

func BenchmarkLatestValidators(b *testing.B) {
	hj, _ := SplitDate(map[string]string{"Content-Type": "text/html; charset=utf-8", "ETag": `"6560a1b2-17800"`,
		"Last-Modified": "Fri, 24 Nov 2023 12:00:00 GMT", "Content-Length": "96256", "Server": "nginx/1.26.3"})
	page := snapshots.PageKey{ID: "page-001", Lang: "en"}
	b.Run("flat", func(b *testing.B) {
		for b.Loop() {
			LatestValidators(page, hj, 1, 1)
		}
	})
	b.Run("encoding/json", func(b *testing.B) {
		var v struct {
			ETag         string `json:"etag"`
			LastModified string `json:"last-modified"`
		}
		for b.Loop() {
			json.Unmarshal([]byte(hj), &v)
		}
	})
}
