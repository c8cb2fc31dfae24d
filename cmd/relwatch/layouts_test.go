package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/relwatch/relwatch"
	"github.com/relwatch/relwatch/internal/testsite"
)

// TestLayoutsFromTheCLI scrapes every layout fixture of the parser through
// the whole CLI and checks that `show --format json` gives the content the
// parser's golden files hold, and that the broken pages fail the check.
func TestLayoutsFromTheCLI(t *testing.T) {
	pages := filepath.Join("..", "..", "scraper", "testdata", "pages")
	goldens, err := filepath.Glob(filepath.Join("..", "..", "scraper", "testdata", "golden", "*.json"))
	if err != nil || len(goldens) < 10 {
		t.Fatalf("parser golden files: %v (%d)", err, len(goldens))
	}
	// Served as plain text/html, without the charset=utf-8 that
	// http.FileServer would add: the windows-1252 page declares its
	// encoding only in a <meta>, and a header charset would rightly win.
	srv := testsite.New(t)
	serve := func(name string) string {
		path := "/pages/" + name + ".html"
		srv.On(path, testsite.Typed("text/html", readFixture(t, filepath.Join(pages, name+".html"))))
		return srv.At(path)
	}

	var cfg strings.Builder
	cfg.WriteString("archive: layouts.db\ndelay: 0s\nretries: 0\ntargets:\n")
	want := map[string]map[string]any{}
	for _, g := range goldens {
		name := strings.TrimSuffix(filepath.Base(g), ".json")
		var snap map[string]any
		data, err := os.ReadFile(g)
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(data, &snap); err != nil {
			t.Fatal(err)
		}
		want[name+"/"+snap["lang"].(string)] = snap
		fmt.Fprintf(&cfg, "  - {id: %s, lang: %s, url: '%s'}\n", name, snap["lang"], serve(name))
	}
	for _, broken := range []string{"maintenance-200", "error-page-200"} {
		fmt.Fprintf(&cfg, "  - {id: %s, lang: en, url: '%s'}\n", broken, serve(broken))
	}
	dir := t.TempDir()
	e := &testEnv{t: t, dir: dir, cfg: filepath.Join(dir, "relwatch.yaml")}
	if err := os.WriteFile(e.cfg, []byte(cfg.String()), 0o644); err != nil {
		t.Fatal(err)
	}

	out, _, code := e.relwatch("scrape", "--json")
	if code != exitFailed {
		t.Fatalf("scrape: exit %d, want %d (the two broken pages fail)\n%s", code, exitFailed, out)
	}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		r := scrapeJSON(t, line)
		if strings.HasPrefix(r.Page, "maintenance-200") || strings.HasPrefix(r.Page, "error-page-200") {
			if r.Status != relwatch.StatusFailed || r.ErrorKind != "no_content" {
				t.Errorf("%s: %+v, want failed with no_content", r.Page, r)
			}
			continue
		}
		if r.Status != relwatch.StatusNew {
			t.Errorf("%s: %+v, want new", r.Page, r)
		}
	}
	for page, golden := range want {
		var got map[string]any
		if err := json.Unmarshal([]byte(e.mustRun(0, "show", page, "--format", "json")), &got); err != nil {
			t.Fatal(err)
		}
		for _, field := range []string{"content_hash", "title", "updated_raw", "updated_at", "lead"} {
			if fmt.Sprint(got[field]) != fmt.Sprint(golden[field]) {
				t.Errorf("%s: %s = %v, parser golden says %v", page, field, got[field], golden[field])
			}
		}
	}
}

// TestRestructureFromTheCLI scrapes the 2017 accordion page, then the 2022
// flat page that replaced it, and checks that `diff` reports the sentences
// that survived as moved or reworded, not as removed and re-added.
func TestRestructureFromTheCLI(t *testing.T) {
	pages := filepath.Join("..", "..", "scraper", "testdata", "pages")
	const path = "/cps/fr/natohq/topics_49598.htm"
	srv := testsite.New(t)
	srv.On(path, testsite.Page(readFixture(t, filepath.Join(pages, "layout3-2017-fr.html"))))
	dir := t.TempDir()
	e := &testEnv{t: t, dir: dir, cfg: filepath.Join(dir, "relwatch.yaml")}
	yaml := fmt.Sprintf("archive: r.db\ndelay: 0s\ntargets:\n  - {id: kazakhstan, lang: fr, url: '%s?selectedLocale=fr'}\n", srv.At(path))
	if err := os.WriteFile(e.cfg, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	e.mustRun(0, "scrape")
	srv.On(path, testsite.Page(readFixture(t, filepath.Join(pages, "layout4-2022-fr.html"))))
	e.mustRun(0, "scrape")

	var d struct {
		Summary map[string]int `json:"summary"`
	}
	if err := json.Unmarshal([]byte(e.mustRun(0, "diff", "kazakhstan/fr", "--format", "json")), &d); err != nil {
		t.Fatal(err)
	}
	survived := d.Summary["block_moved"] + d.Summary["block_changed"]
	if survived < 5 || d.Summary["block_removed"] > survived {
		t.Fatalf("restructure: %v; want the surviving sentences moved or reworded, not removed", d.Summary)
	}
	for _, format := range []string{"text", "markdown", "html"} {
		if out := e.mustRun(0, "diff", "kazakhstan/fr", "--format", format); !strings.Contains(strings.ToLower(out), "moved") {
			t.Errorf("diff --format %s does not report moves", format)
		}
	}
}
