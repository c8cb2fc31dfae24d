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
	if reworded.VanishedIn == nil || *reworded.VanishedIn != 3 || reworded.VanishedSeen == nil || !reworded.VanishedSeen.Equal(log[2].FirstSeen.Time) {
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
		history.ShortTime(log[1].FirstSeen.Time), history.ShortTime(log[1].LastSeen.Time), history.ShortTime(log[2].FirstSeen.Time))
	if !strings.HasSuffix(blocks[1], want) {
		t.Errorf("hit that vanished:\n%s\nwant it to end with %q", blocks[1], want)
	}
}

// TestBareIDMeansEveryLanguage: --page with an id alone searches and
// feeds every language of the page, as scrape --only does; log, which
// needs one page, still asks which.
func TestBareIDMeansEveryLanguage(t *testing.T) {
	e := newTestEnv(t)
	e.writeConfig(e.site.URL, [2]string{"kazakhstan", "en"}, [2]string{"kazakhstan", "fr"}, [2]string{"georgia", "en"})
	e.mustRun(0, "scrape")
	e.site.serve(200, "kazakhstan-fr-v2.html")
	e.mustRun(0, "scrape")

	out := e.mustRun(0, "search", "Kazakhstan", "--page", "kazakhstan", "--json")
	var hits []struct{ Page string }
	if err := json.Unmarshal([]byte(out), &hits); err != nil {
		t.Fatal(err)
	}
	pages := map[string]bool{}
	for _, h := range hits {
		pages[h.Page] = true
	}
	if !pages["kazakhstan/en"] || !pages["kazakhstan/fr"] || pages["georgia/en"] {
		t.Errorf("search --page kazakhstan found pages %v", pages)
	}
	feed := e.mustRun(0, "feed", "--page", "kazakhstan")
	if strings.Count(feed, "<entry") != 2 || strings.Contains(feed, "georgia") {
		t.Errorf("feed --page kazakhstan:\n%s", feed)
	}
	if _, stderr, code := e.relwatch("log", "kazakhstan"); code != exitUsage || !strings.Contains(stderr, "en") || !strings.Contains(stderr, "fr") {
		t.Errorf("log kazakhstan: exit %d, stderr %q", code, stderr)
	}
}

// TestSearchFindsHeadingsAndSaysWhatEachHitIs: headings are found under the
// headings around them, and every hit, in text and JSON, says whether it
// is the title, lead, a caption, a heading, a paragraph or a bullet.
func TestSearchFindsHeadingsAndSaysWhatEachHitIs(t *testing.T) {
	e := newTestEnv(t)
	e.mustRun(0, "scrape")
	var hits []history.SearchHit
	out := e.mustRun(0, "search", "Renforcement des capacités", "--json")
	if err := json.Unmarshal([]byte(out), &hits); err != nil {
		t.Fatalf("search --json: %v\n%s", err, out)
	}
	if len(hits) != 1 || hits[0].Kind != "heading" || strings.Join(hits[0].Path, " › ") != "Principaux domaines de coopération" {
		t.Fatalf("heading search: %+v", hits)
	}
	text := e.mustRun(0, "search", "Renforcement des capacités")
	if !strings.Contains(text, "kazakhstan/fr › Principaux domaines de coopération\n  heading: Renforcement des capacités et de l’interopérabilité\n") {
		t.Errorf("search text of a heading:\n%s", text)
	}

	kinds := map[string]bool{}
	for _, q := range []string{"Kazakhstan", "Palace of Independence", "Steppe Eagle"} {
		var raw []map[string]any
		if err := json.Unmarshal([]byte(e.mustRun(0, "search", q, "--json")), &raw); err != nil {
			t.Fatal(err)
		}
		for _, h := range raw {
			k, _ := h["kind"].(string)
			if k == "" {
				t.Errorf("hit without a kind: %v", h)
			}
			kinds[k] = true
		}
	}
	for _, want := range []string{"title", "caption"} {
		if !kinds[want] {
			t.Errorf("no %s hit among kinds %v", want, kinds)
		}
	}
	if text := e.mustRun(0, "search", "Palace of Independence"); !strings.Contains(text, "\n  caption: Views of the Palace") {
		t.Errorf("a caption hit is not labelled:\n%s", text)
	}
}
