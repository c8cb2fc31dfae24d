package scraper

import (
	"context"
	"log/slog"
	"strings"
	"testing"
)

// TestRespectRobotsOffWarns: with respect_robots off, a run says so at
// Warn level (relwatch's default log level is warn), once per host.
func TestRespectRobotsOffWarns(t *testing.T) {
	t.Parallel()
	a, b := newFaultServer(t), newFaultServer(t)
	for _, s := range []*faultServer{a, b} {
		s.on("/robots.txt", fsTyped("text/plain", "User-agent: *\nDisallow: /\n"))
		s.on("/p1", fsPage(fsOKHTML))
		s.on("/p2", fsPage(fsOKHTML))
	}
	p := fetchTestPolicy()
	p.RespectRobots = false
	logs := &fsLogBuf{}
	f := NewFetcher(4, slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelWarn})))
	caps := f.Fetch(context.Background(), []Target{
		fetchTarget(a.url("/p1"), p), fetchTarget(a.url("/p2"), p), fetchTarget(b.url("/p1"), p),
	}, nil)
	for _, c := range caps {
		wantFetchOK(t, c, 1)
	}
	var lines []string
	for l := range strings.Lines(logs.String()) {
		if strings.Contains(l, "robots.txt not consulted") {
			lines = append(lines, l)
		}
	}
	if len(lines) != 2 {
		t.Fatalf("%d log lines about robots.txt at warn level, want one per host (2):\n%s", len(lines), logs.String())
	}
	for _, l := range lines {
		if !strings.Contains(l, "level=WARN") {
			t.Errorf("not a warning: %s", l)
		}
	}
}
