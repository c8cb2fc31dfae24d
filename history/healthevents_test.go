package history

import (
	"testing"
	"time"

	"github.com/relwatch/relwatch"
	"github.com/relwatch/relwatch/snapshots"
)

// TestHealthEventsOncePerEpisode: the stale and lag events of a page keep
// their ids from run to run while the streak or the episode lasts, and
// get new ones when a new one starts.
func TestHealthEventsOncePerEpisode(t *testing.T) {
	ctx := t.Context()
	f := historyFake()
	f.Add("kazakhstan/fr", page("Relations avec le Kazakhstan", "3 nov. 2026", "Sécurité et défense."), onDay(2), relwatch.Provenance{})
	const staleAfter, lagAfter = 20 * 24 * time.Hour, 5 * 24 * time.Hour
	only := []snapshots.PageKey{kzEN, kzFR}
	byKind := func(now time.Time) map[string]relwatch.Event {
		t.Helper()
		evs, err := HealthEvents(ctx, f, only, nil, now, staleAfter, lagAfter)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]relwatch.Event{}
		for _, ev := range evs {
			if ev.Page == geoEN.String() {
				t.Errorf("event of a page not asked for: %+v", ev)
			}
			out[ev.Kind+" "+ev.Page] = ev
		}
		return out
	}
	first := byKind(onDay(40))
	stale, ok := first["stale kazakhstan/en"]
	if !ok || stale.LastSuccess == nil || !stale.LastSuccess.Equal(onDay(9)) || !stale.StaleSince.Equal(onDay(29)) {
		t.Fatalf("day 40: stale event of kazakhstan/en %+v (all: %v)", stale, first)
	}
	lag, ok := first["lag kazakhstan/fr"]
	if !ok || lag.Ahead != "kazakhstan/en" || !lag.LastChange.Equal(onDay(2)) || !lag.AheadChanged.Equal(onDay(9)) || lag.Lag != "last changed 7 days before kazakhstan/en" {
		t.Fatalf("day 40: lag event of kazakhstan/fr %+v (all: %v)", lag, first)
	}
	if len(first) != 3 { // kazakhstan/fr is stale too, since day 22
		t.Errorf("day 40: %d events, want 3: %v", len(first), first)
	}
	// Later runs, the same streak and episode: the same ids.
	for _, day := range []int{41, 55} {
		again := byKind(onDay(day))
		for k, ev := range first {
			if again[k].ID != ev.ID {
				t.Errorf("day %d: %s has id %s, on day 40 %s", day, k, again[k].ID, ev.ID)
			}
		}
	}
	// kazakhstan/en is checked again and changes: its stale streak ends,
	// and kazakhstan/fr's lag is a new episode (another sibling change does
	// not end it, but fr's own change would).
	f.Add("kazakhstan/en", page("Relations with Kazakhstan", "60 Nov. 2026", "Something new."), onDay(60), relwatch.Provenance{})
	later := byKind(onDay(61))
	if _, ok := later["stale kazakhstan/en"]; ok {
		t.Errorf("day 61: kazakhstan/en still stale after a good check")
	}
	if l := later["lag kazakhstan/fr"]; l.ID != lag.ID || l.Ahead != "kazakhstan/en" {
		t.Errorf("day 61: fr's lag %+v, want the same episode as on day 40", l)
	}
	f.Add("kazakhstan/fr", page("Relations avec le Kazakhstan", "62 nov. 2026", "Nouveau."), onDay(62), relwatch.Provenance{})
	if l, ok := byKind(onDay(63))["lag kazakhstan/fr"]; ok {
		t.Errorf("day 63: fr changed after en, still lagging: %+v", l)
	}
	f.Add("kazakhstan/en", page("Relations with Kazakhstan", "70 Nov. 2026", "Newer still."), onDay(70), relwatch.Provenance{})
	if l := byKind(onDay(71))["lag kazakhstan/fr"]; l.ID == "" || l.ID == lag.ID {
		t.Errorf("day 71: a new lag episode has id %q, the old one %q", l.ID, lag.ID)
	}
	if s := byKind(onDay(91))["stale kazakhstan/en"]; s.ID == "" || s.ID == stale.ID {
		t.Errorf("day 91: a new stale streak has id %q, the old one %q", s.ID, stale.ID)
	}
}
