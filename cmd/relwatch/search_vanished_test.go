package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/relwatch/relwatch/history"
)

// TestSearchSaysWhenTextVanished: a hit says the version its text vanished
// in (the one after the last containing it) and when that version was first
// seen, or that the latest version still has it — in text and in JSON.
func TestSearchSaysWhenTextVanished(t *testing.T) {
	e := newTestEnv(t)
	e.mustRun(0, "scrape") // v1: the old Steppe Eagle bullet
	e.site.serve(200, "kazakhstan-fr-v2.html")
	e.mustRun(0, "scrape") // v2: reworded
	e.site.serve(200, "kazakhstan-fr-v1.html")
	e.mustRun(0, "scrape") // v3: back to the old wording

	var log []history.LogEntry
	if err := json.Unmarshal([]byte(e.mustRun(0, "log", "kazakhstan/fr", "--json")), &log); err != nil || len(log) != 3 {
		t.Fatalf("log: %v %+v", err, log)
	}
	var raw []map[string]any
	out := e.mustRun(0, "search", "Steppe Eagle", "--json")
	if err := json.Unmarshal([]byte(out), &raw); err != nil || len(raw) != 2 {
		t.Fatalf("search --json: %v\n%s", err, out)
	}
	for _, h := range raw {
		_, in := h["vanished_in"]
		_, seen := h["vanished_seen"]
		if !in || !seen {
			t.Errorf("hit without vanished_in/vanished_seen: %v", h)
		}
	}
	var hits []history.SearchHit
	if err := json.Unmarshal([]byte(out), &hits); err != nil {
		t.Fatal(err)
	}
	old, reworded := hits[0], hits[1]
	if fmt.Sprint(old.Versions, reworded.Versions) != "[1 3] [2]" {
		t.Fatalf("versions: %v %v", old.Versions, reworded.Versions)
	}
	if old.VanishedIn != nil || old.VanishedSeen != nil {
		t.Errorf("text in the latest version: vanished_in %v, vanished_seen %v; want null", old.VanishedIn, old.VanishedSeen)
	}
	if reworded.VanishedIn == nil || *reworded.VanishedIn != 3 || reworded.VanishedSeen == nil || !reworded.VanishedSeen.Equal(log[2].FirstSeen) {
		t.Errorf("text last in v2: vanished_in %v, vanished_seen %v; want 3 at %s", reworded.VanishedIn, reworded.VanishedSeen, log[2].FirstSeen)
	}

	text := e.mustRun(0, "search", "Steppe Eagle")
	blocks := strings.Split(strings.TrimSpace(text), "\n\n")
	if len(blocks) != 2 {
		t.Fatalf("search text:\n%s", text)
	}
	if !strings.Contains(blocks[0], "in versions 1, 3;") || !strings.HasSuffix(blocks[0], "; still present") {
		t.Errorf("hit in the latest version:\n%s", blocks[0])
	}
	want := fmt.Sprintf("in version 2; first seen %s, last seen %s; vanished in version 3 (%s)",
		history.ShortTime(log[1].FirstSeen), history.ShortTime(log[1].LastSeen), history.ShortTime(log[2].FirstSeen))
	if !strings.HasSuffix(blocks[1], want) {
		t.Errorf("hit that vanished:\n%s\nwant it to end with %q", blocks[1], want)
	}
}
