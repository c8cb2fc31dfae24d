package notify

import (
	"strings"
	"testing"
	"time"

	"github.com/relwatch/relwatch"
)

// TestWriteStatus: the config's destinations in its order (one the outbox
// has not seen yet says so), then the reports destination, then one the
// config dropped.
func TestWriteStatus(t *testing.T) {
	at := time.Date(2026, 11, 28, 6, 0, 0, 0, time.UTC)
	status := []relwatch.DestinationStatus{
		{Name: ReportsDestination, Delivered: 3},
		{Name: "old-hook", Pending: 1, Oldest: &at},
		{Name: "desk", Pending: 2, Retrying: 1, Delivered: 5, LastTry: &at, LastError: "HTTP 500"},
	}
	var b strings.Builder
	if err := WriteStatus(&b, []Destination{{Name: "desk"}, {Name: "new-chat"}}, status); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	if len(lines) != 5 {
		t.Fatalf("%d lines, want a header and 4 rows:\n%s", len(lines), b.String())
	}
	for i, want := range []string{"DESTINATION", "desk ", "new-chat ", ReportsDestination + " ", "old-hook "} {
		if !strings.HasPrefix(lines[i], want) {
			t.Errorf("line %d is %q, want it to start with %q", i, lines[i], want)
		}
	}
	for i, want := range []string{"", "2026-11-28 06:00 UTC  HTTP 500", "no run since it was added", "", "not in the config any more"} {
		if !strings.HasSuffix(lines[i], want) {
			t.Errorf("line %d is %q, want it to end with %q", i, lines[i], want)
		}
	}
}

func TestNamed(t *testing.T) {
	dests := []Destination{{Name: "desk"}, {Name: "chat"}}
	if got, err := Named(dests, "", "relwatch.yaml"); err != nil || len(got) != 2 {
		t.Errorf("every destination: %v, %v", got, err)
	}
	if got, err := Named(dests, "chat", "relwatch.yaml"); err != nil || len(got) != 1 || got[0].Name != "chat" {
		t.Errorf("one destination: %v, %v", got, err)
	}
	if _, err := Named(dests, "mail", "relwatch.yaml"); err == nil || !strings.Contains(err.Error(), `no destination "mail" in relwatch.yaml (known: [desk chat])`) {
		t.Errorf("an unknown destination: %v", err)
	}
	if _, err := Named(nil, "", "relwatch.yaml"); err == nil || !strings.Contains(err.Error(), "relwatch.yaml has no notify: destinations") {
		t.Errorf("no destinations: %v", err)
	}
}
