package main

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"
)

// kinds lists the event kinds a receiver path got, in order.
func (r *receiver) kinds(path string) []string {
	var out []string
	for _, d := range r.deliveries(path) {
		out = append(out, fmt.Sprint(d.fields["event"]))
	}
	return out
}

func countOf(kinds []string, kind string) int {
	n := 0
	for _, k := range kinds {
		if k == kind {
			n++
		}
	}
	return n
}

// TestNotifyStaleOncePerStreak: a page that stays stale for three runs is
// told once, with its last success; a good check ends the streak, and the
// next streak is told again.
func TestNotifyStaleOncePerStreak(t *testing.T) {
	t.Setenv("RELWATCH_TEST_SECRET", testSecret)
	r := newReceiver(t, testSecret)
	e := notifyEnv(t, "stale_after: 50ms\n"+webhookYAML(r, "", "/h"))
	e.mustRun(0, "scrape")
	time.Sleep(100 * time.Millisecond)
	e.site.serve(503, "kazakhstan-fr-v1.html")
	for range 3 {
		e.mustRun(exitFailed, "scrape")
	}
	kinds := r.kinds("/h")
	if strings.Join(kinds, ",") != "new,failed,stale" {
		t.Fatalf("three stale runs: events %v, want new, failed, stale", kinds)
	}
	stale := r.deliveries("/h")[2]
	r.check(stale, "stale")
	if stale.fields["last_success"] == nil || stale.fields["stale_since"] == nil || !strings.HasPrefix(fmt.Sprint(stale.fields["summary"]), "no successful check since ") {
		t.Errorf("stale event: %s", stale.body)
	}

	e.site.serve(200, "kazakhstan-fr-v1.html")
	e.mustRun(0, "scrape")
	time.Sleep(100 * time.Millisecond)
	e.site.serve(503, "kazakhstan-fr-v1.html")
	e.mustRun(exitFailed, "scrape")
	e.mustRun(exitFailed, "scrape")
	if kinds := r.kinds("/h"); countOf(kinds, "stale") != 2 || countOf(kinds, "failed") != 2 {
		t.Fatalf("a second streak: events %v, want a second failed and a second stale", kinds)
	}
}

// TestNotifyLagOncePerEpisode: a language whose latest content change is
// older than its sibling's by more than lag_after is told once, however
// many runs see it, and a destination that asks for other events only is
// not told.
func TestNotifyLagOncePerEpisode(t *testing.T) {
	t.Setenv("RELWATCH_TEST_SECRET", testSecret)
	r := newReceiver(t, testSecret)
	fr, en := newSite(t), newSite(t)
	e := newTestEnv(t)
	yaml := fmt.Sprintf("archive: history.db\ndelay: 0s\nretries: 0\ntimeout: 5s\nlag_after: 10ms\nnotify_backoff: 1ms\n%s"+
		"  - name: changes\n    kind: webhook\n    url: %s\n    secret: ${RELWATCH_TEST_SECRET}\n    events: [changed]\n"+
		"targets:\n  - {id: kazakhstan, lang: fr, url: '%s/fr'}\n  - {id: kazakhstan, lang: en, url: '%s/en'}\n",
		webhookYAML(r, "", "/h"), r.url("/changes"), fr.URL, en.URL)
	if err := os.WriteFile(e.cfg, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	e.mustRun(0, "scrape")
	fr.serve(200, "kazakhstan-fr-v2.html")
	e.mustRun(0, "scrape") // fr changes first
	time.Sleep(50 * time.Millisecond)
	en.serve(200, "kazakhstan-fr-v2.html")
	e.mustRun(0, "scrape") // en changes later: fr lags
	for range 2 {
		e.mustRun(0, "scrape")
	}
	var lags []delivery
	for _, d := range r.deliveries("/h") {
		if d.fields["event"] == "lag" {
			lags = append(lags, d)
		}
	}
	if len(lags) != 1 {
		t.Fatalf("%d lag events, want 1 (events: %v)", len(lags), r.kinds("/h"))
	}
	r.check(lags[0], "lag")
	if lags[0].fields["page"] != "kazakhstan/fr" || lags[0].fields["ahead"] != "kazakhstan/en" || lags[0].fields["last_change"] == nil ||
		!strings.Contains(fmt.Sprint(lags[0].fields["summary"]), "before kazakhstan/en") {
		t.Errorf("lag event: %s", lags[0].body)
	}
	if kinds := r.kinds("/changes"); countOf(kinds, "lag") != 0 || countOf(kinds, "changed") != 2 {
		t.Errorf("events: [changed] destination got %v", kinds)
	}
}
