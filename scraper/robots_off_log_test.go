package scraper

import (
	"context"
	"log/slog"
	"strings"
	"testing"

	"github.com/relwatch/relwatch/internal/testsite"
)

// TestRespectRobotsOffWarns: with respect_robots off, a run says so at
// Warn level (relwatch's default log level is warn), once per host.
func TestRespectRobotsOffWarns(t *testing.T) {
	t.Parallel()
	a, b := testsite.New(t), testsite.New(t)
	for _, s := range []*testsite.Site{a, b} {
		s.On("/robots.txt", testsite.Typed("text/plain", "User-agent: *\nDisallow: /\n"))
		s.On("/p1", testsite.Page(fsOKHTML))
		s.On("/p2", testsite.Page(fsOKHTML))
	}
	p := fetchTestPolicy()
	p.RespectRobots = false
	logs := &fsLogBuf{}
	f := NewFetcher(4, slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelWarn})))
	caps := f.Fetch(context.Background(), []Target{
		fetchTarget(a.At("/p1"), p), fetchTarget(a.At("/p2"), p), fetchTarget(b.At("/p1"), p),
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
