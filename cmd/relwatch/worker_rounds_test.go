package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/relwatch/relwatch/internal/testsite"
	"github.com/relwatch/relwatch/postgres"
)

// editedHost is a local host whose pages the test edits between rounds:
// each page's first paragraph ends with its edition number. With a pause,
// it answers slowly, so that a worker can be killed while it checks the
// host.
type editedHost struct {
	*testsite.Site
	body    string
	pause   time.Duration
	edition map[string]int // by path; 0 until edited
}

func newEditedHost(t *testing.T, body string, pause time.Duration) *editedHost {
	h := &editedHost{Site: testsite.New(t), body: body, pause: pause, edition: map[string]int{}}
	h.On("/robots.txt", testsite.Answer(http.StatusNotFound, "text/plain; charset=utf-8", "404 page not found"))
	h.Fallback(h.page(0))
	return h
}

// edit makes a new edition of the page at path.
func (h *editedHost) edit(path string) {
	h.edition[path]++
	h.On(path, h.page(h.edition[path]))
}

func (h *editedHost) page(edition int) testsite.Step {
	body := strings.Replace(h.body, "autres domaines.</p>", fmt.Sprintf("autres domaines (édition %d).</p>", edition), 1)
	return testsite.Slow(h.pause, testsite.Page(body))
}

// TestWorkersRoundsWithEdits: three workers (rounds from the config's
// schedule: and worker --start-round) over three hosts; the pages are
// edited between rounds, and in the second round the worker checking the
// slow host is killed with SIGKILL after its first page there. Every edit
// becomes exactly one version, every round checks every page exactly once
// (no round misses a page, none checks one twice), no host gets two
// requests at once, and check passes.
//
// Nothing waits for a fixed time: each step waits for the archive to show
// what it expects (the killed worker's host is taken over once River's
// rescuer sees its job, within about a minute).
func TestWorkersRoundsWithEdits(t *testing.T) {
	dsn := postgres.TestDSN(t)
	bin := relwatchBinary(t)
	body, err := os.ReadFile(filepath.Join("testdata", "kazakhstan-fr-v1.html"))
	if err != nil {
		t.Fatal(err)
	}
	hosts := []*editedHost{
		newEditedHost(t, string(body), 700*time.Millisecond), // the slow one
		newEditedHost(t, string(body), 0),
		newEditedHost(t, string(body), 0),
	}
	type page struct {
		key  string
		host *editedHost
		path string
	}
	var pages []page
	var cfg strings.Builder
	cfg.WriteString("schedule: " + farRounds + "\ndelay: 0s\nretries: 0\ntimeout: 30s\ntargets:\n")
	urls := make([]string, len(hosts))
	for h, host := range hosts {
		urls[h] = host.URL
		for p := range 3 {
			pg := page{key: fmt.Sprintf("h%d-p%d/fr", h, p), host: host, path: fmt.Sprintf("/cps/fr/p%d.htm", p)}
			pages = append(pages, pg)
			fmt.Fprintf(&cfg, "  - {id: h%d-p%d, lang: fr, url: '%s%s'}\n", h, p, host.URL, pg.path)
		}
	}
	cfgPath := writeConfig(t, cfg.String())
	ctx := context.Background()
	a := workerArchive(t, dsn, false)

	versionsWanted := map[string]int{}
	edit := func(which func(i int) bool) {
		for i, p := range pages {
			if which(i) {
				p.host.edit(p.path)
				versionsWanted[p.key]++
			}
		}
	}

	edit(func(int) bool { return true }) // the first editions, which round 1 finds

	// No --every or --cron: the rounds start on the config's schedule (the
	// first at once, the next a day later) and by --start-round.
	procs := startWorkers(t, bin, cfgPath, dsn, 3, nil, "--lease", "2s")
	captures := captureCounter(t, a)
	waitFor := func(what string, ok func() bool) {
		t.Helper()
		waitForWorkers(t, cfgPath, dsn, what, ok)
	}
	// roundDone waits until every page has been checked n times, then
	// checks that none was checked more often and that each has the
	// versions its editions made.
	roundDone := func(n int) {
		t.Helper()
		waitFor(fmt.Sprintf("round %d", n), func() bool {
			for _, p := range pages {
				if captures(p.key) < n {
					return false
				}
			}
			return true
		})
		for _, p := range pages {
			if c := captures(p.key); c != n {
				t.Errorf("after round %d, %s was checked %d times", n, p.key, c)
			}
			vs, err := a.Versions(ctx, mustKey(t, p.key))
			if err != nil || len(vs) != versionsWanted[p.key] {
				t.Errorf("after round %d, %s has %d versions (%v), want %d", n, p.key, len(vs), err, versionsWanted[p.key])
			}
		}
	}
	startRound := func() {
		t.Helper()
		var out bytes.Buffer
		code := run(ctx, []string{"--config", cfgPath, "--db", dsn, "worker", "--start-round"}, streams{In: strings.NewReader(""), Out: &out, Err: &out})
		if code != exitOK || !strings.Contains(out.String(), "enqueued\n") || strings.Contains(out.String(), "already") {
			t.Fatalf("worker --start-round: exit %d: %s", code, out.String())
		}
	}
	// Round 1, from the schedule: every page is new.
	roundDone(1)

	// Round 2: every page edited; the worker on the slow host dies there.
	edit(func(int) bool { return true })
	startRound()
	waitFor("round 2's first page on the slow host", func() bool { return captures(pages[0].key) == 2 })
	killClaimHolder(t, dsn, procs, "host "+strings.TrimPrefix(urls[0], "http://"))
	roundDone(2)

	// Round 3: every other page edited, by the two workers left.
	edit(func(i int) bool { return i%2 == 0 })
	startRound()
	roundDone(3)

	for h, host := range hosts {
		if m := host.MaxInFlight(); m != 1 {
			t.Errorf("host %d had %d requests in flight at once", h, m)
		}
	}
	var out bytes.Buffer
	if code := run(ctx, []string{"--config", cfgPath, "--db", dsn, "check"}, streams{In: strings.NewReader(""), Out: &out, Err: &out}); code != exitOK {
		t.Errorf("check: exit %d\n%s", code, out.String())
	}
	for _, cmd := range procs {
		cmd.Process.Signal(syscall.SIGTERM)
	}
	for pid, cmd := range procs {
		if err := cmd.Wait(); err != nil {
			t.Errorf("worker %d after SIGTERM: %v", pid, err)
		}
	}
}
