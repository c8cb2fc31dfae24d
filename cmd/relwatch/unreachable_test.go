package main

import (
	"encoding/json"
	"fmt"
	"net"
	"os"
	"strings"
	"testing"
)

// TestScrapeUnreachableHost: through the CLI, the pages of a host that
// refuses connections fail with kind connect and no word of robots.txt, and
// the cause is told once: on the first page and in one log line.
func TestScrapeUnreachableHost(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Skipf("cannot listen on loopback: %v", err)
	}
	addr := l.Addr().String()
	l.Close() // nothing listens there now: connections are refused
	e := newTestEnv(t)
	yaml := fmt.Sprintf("archive: history.db\ndelay: 0s\nretries: 0\ntimeout: 5s\ntargets:\n"+
		"  - {id: kazakhstan, lang: en, url: 'http://%[1]s/en'}\n  - {id: kazakhstan, lang: fr, url: 'http://%[1]s/fr'}\n", addr)
	if err := os.WriteFile(e.cfg, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	out, errOut, code := e.relwatch("--log-format", "text", "scrape", "--json")
	if code != exitFailed {
		t.Fatalf("exit %d, want %d\n%s\n%s", code, exitFailed, out, errOut)
	}
	type result struct {
		Page      string `json:"page"`
		Error     string `json:"error"`
		ErrorKind string `json:"error_kind"`
	}
	var results []result
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var r result
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("scrape --json line %q: %v", line, err)
		}
		results = append(results, r)
	}
	if len(results) != 2 {
		t.Fatalf("%d results, want 2:\n%s", len(results), out)
	}
	for _, r := range results {
		if r.ErrorKind != "connect" || strings.Contains(r.Error, "robots") || strings.Contains(r.Error, "RFC 9309") {
			t.Errorf("%s: %s (%s), want kind connect and no word of robots.txt", r.Page, r.Error, r.ErrorKind)
		}
	}
	if !strings.Contains(results[0].Error, "refused") || !strings.Contains(results[1].Error, "see kazakhstan/en") {
		t.Errorf("the first page should say why, the second point at it:\n%s", out)
	}
	if n := strings.Count(errOut, "refused"); n != 1 || strings.Contains(errOut, "robots") {
		t.Errorf("stderr tells the cause %d times (want once), or blames robots.txt:\n%s", n, errOut)
	}
}
