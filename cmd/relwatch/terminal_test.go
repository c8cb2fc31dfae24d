package main

import (
	"bytes"
	"encoding/json"
	"os/exec"
	"strings"
	"testing"
)

// TestHostileTextNeverReachesTheTerminal: a page whose text carries a
// right-to-left override and an isolate (the parser already drops C0
// controls such as ESC) is shown with both escaped, and its JSON still
// decodes to the page's own text.
func TestHostileTextNeverReachesTheTerminal(t *testing.T) {
	bin := relwatchBinary(t)
	e := newTestEnv(t)
	e.site.edit(func(body string) string {
		return strings.Replace(body, "Les relations avec le Kazakhstan", "Les relations \u202eavec le\u2066 Kazakhstan", 1)
	})
	e.mustRun(0, "scrape")
	text, err := exec.Command(bin, "--config", e.cfg, "show", "kazakhstan/fr").Output()
	if err != nil {
		t.Fatal(err)
	}
	if bytes.ContainsAny(text, "\u202e\u2066") || !bytes.Contains(text, []byte(`Les relations \u202eavec le\u2066 Kazakhstan`)) {
		t.Errorf("show printed the hostile text unescaped or not at all:\n%q", text)
	}
	js, err := exec.Command(bin, "--config", e.cfg, "show", "kazakhstan/fr", "--format", "json").Output()
	if err != nil {
		t.Fatal(err)
	}
	if bytes.ContainsAny(js, "\u202e\u2066") {
		t.Errorf("show --format json printed a raw control: %q", js)
	}
	var snap struct {
		Sections []struct {
			Blocks []struct{ Text string } `json:"blocks"`
		} `json:"sections"`
	}
	if err := json.Unmarshal(js, &snap); err != nil {
		t.Fatalf("show --format json is not JSON: %v", err)
	}
	found := false
	for _, s := range snap.Sections {
		for _, b := range s.Blocks {
			found = found || strings.Contains(b.Text, "Les relations \u202eavec le\u2066 Kazakhstan")
		}
	}
	if !found {
		t.Errorf("the JSON lost the page's own text: %s", js)
	}
}
