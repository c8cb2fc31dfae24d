package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// rfc3339 finds every RFC 3339 time in a JSON text, with its key.
var rfc3339 = regexp.MustCompile(`"([a-z_]+)": ?"([0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2}))"`)

// fixedWidth is the one way JSON outputs write a time: UTC, nine digits
// of fraction.
var fixedWidth = regexp.MustCompile(`^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{9}Z$`)

// TestJSONTimesOneFormat: every time in every JSON output (scrape --json,
// log --json, pages --json, show and diff --format json, search --json,
// the --report-dir and export JSON, the webhook body) is RFC 3339 in UTC
// with nine digits of fraction. updated_at is the page's own stamp, as
// the page gives it, not one of relwatch's times.
func TestJSONTimesOneFormat(t *testing.T) {
	t.Setenv("RELWATCH_TEST_SECRET", testSecret)
	r := newReceiver(t, testSecret)
	e := notifyEnv(t, webhookYAML(r, "", "/h"))
	reports := filepath.Join(e.dir, "reports")
	outputs := map[string]string{}
	outputs["scrape v1"] = e.mustRun(0, "scrape", "--json")
	// An imported file dated to the second: its times have no fraction of
	// their own, and are written at the same width all the same.
	e.mustRun(0, "import", "kazakhstan/fr", filepath.Join("testdata", "kazakhstan-fr-v2.html"), "--at", "2019-01-01T00:00:00Z")
	e.site.serve(200, "kazakhstan-fr-v2.html")
	outputs["scrape v2"] = e.mustRun(0, "scrape", "--json", "--report-dir", reports)
	e.site.serve(503, "kazakhstan-fr-v2.html")
	outputs["scrape failed"] = e.mustRun(exitFailed, "scrape", "--json")
	outputs["log"] = e.mustRun(0, "log", "kazakhstan/fr", "--json")
	outputs["pages"] = e.mustRun(0, "pages", "--json")
	outputs["show"] = e.mustRun(0, "show", "kazakhstan/fr", "--format", "json")
	outputs["diff"] = e.mustRun(0, "diff", "kazakhstan/fr", "--format", "json")
	outputs["diff 1 2"] = e.mustRun(0, "diff", "kazakhstan/fr", "--from", "1", "--to", "2", "--format", "json")
	outputs["search"] = e.mustRun(0, "search", "Kazakhstan", "--json")
	dir := filepath.Join(e.dir, "export")
	e.mustRun(0, "export", dir)
	files, _ := filepath.Glob(filepath.Join(reports, "kazakhstan", "*.json"))
	if len(files) == 0 {
		t.Fatal("no --report-dir JSON")
	}
	for _, f := range append(files, filepath.Join(dir, "kazakhstan", "fr.json")) {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		outputs[f] = string(b)
	}
	for i, d := range r.deliveries("/h") {
		outputs["webhook "+string(rune('0'+i))] = string(d.body)
	}
	seen := 0
	for name, out := range outputs {
		for _, m := range rfc3339.FindAllStringSubmatch(out, -1) {
			if m[1] == "updated_at" {
				continue
			}
			seen++
			if !fixedWidth.MatchString(m[2]) {
				t.Errorf("%s: %s is %q, want UTC with nine digits of fraction", name, m[1], m[2])
			}
		}
	}
	if seen < 30 {
		t.Errorf("only %d times found in the outputs", seen)
	}
}

// TestShowAtATimeFromLogJSON: a last_seen or first_seen copied from
// log --json into show --at finds that version.
func TestShowAtATimeFromLogJSON(t *testing.T) {
	e := newTestEnv(t)
	e.mustRun(0, "scrape")
	e.mustRun(0, "scrape")
	e.site.serve(200, "kazakhstan-fr-v2.html")
	e.mustRun(0, "scrape")
	log := e.versionsOf("kazakhstan/fr")
	if len(log) != 2 {
		t.Fatalf("log: %+v", log)
	}
	raw := e.mustRun(0, "log", "kazakhstan/fr", "--json")
	for _, c := range []struct {
		at      time.Time
		version float64
	}{{log[0].FirstSeen.Time, 1}, {log[0].LastSeen.Time, 1}, {log[1].FirstSeen.Time, 2}} {
		at := c.at.UTC().Format("2006-01-02T15:04:05.000000000Z")
		if !strings.Contains(raw, `"`+at+`"`) {
			t.Fatalf("%s is not written so in log --json:\n%s", at, raw)
		}
		var shown map[string]any
		if err := json.Unmarshal([]byte(e.mustRun(0, "show", "kazakhstan/fr", "--at", at, "--format", "json")), &shown); err != nil {
			t.Fatal(err)
		}
		if shown["version"] != c.version {
			t.Errorf("show --at %s: version %v, want %v", at, shown["version"], c.version)
		}
	}
}
