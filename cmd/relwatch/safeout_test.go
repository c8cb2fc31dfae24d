package main

import (
	"bytes"
	"encoding/json"
	"os/exec"
	"strings"
	"testing"
)

func TestSafeWriter(t *testing.T) {
	in := "ok\tline\nesc\x1b[2J bell\a cr\r del\x7f c1\u0085 rlo\u202eevil\u202c iso\u2066x\u2069 é中"
	want := "ok\tline\nesc\\x1b[2J bell\\x07 cr\\x0d del\\x7f c1\\u0085 rlo\\u202eevil\\u202c iso\\u2066x\\u2069 é中"
	// Written one byte at a time, so that every multi-byte rune is split.
	var out bytes.Buffer
	w := newSafeWriter(&out)
	for i := range len(in) {
		if n, err := w.Write([]byte{in[i]}); n != 1 || err != nil {
			t.Fatalf("Write: %d, %v", n, err)
		}
	}
	if out.String() != want {
		t.Errorf("got  %q\nwant %q", out.String(), want)
	}
}

// TestHostileTextNeverReachesTheTerminal: a page whose text carries a
// right-to-left override and an isolate (the parser already drops C0
// controls such as ESC) is shown with both escaped, and its JSON still
// decodes to the page's own text.
func TestHostileTextNeverReachesTheTerminal(t *testing.T) {
	bin := relwatchBinary(t)
	e := newTestEnv(t)
	e.site.mu.Lock()
	e.site.body = strings.Replace(e.site.body, "Les relations avec le Kazakhstan", "Les relations \u202eavec le\u2066 Kazakhstan", 1)
	e.site.mu.Unlock()
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
