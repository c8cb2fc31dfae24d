package main

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/relwatch/relwatch/history"
	"github.com/relwatch/relwatch/internal/testsite"
)

// flipSite serves /page<i>.htm as one of two fixtures each, flipped page
// by page between runs, with a fresh token on every answer (so every
// check parses, and the unchanged ones are grouped).
type flipSite struct {
	*testsite.Site
	bodies [2]string
	state  map[string]int // path → which fixture
}

func newFlipSite(t *testing.T, fixtures ...string) *flipSite {
	s := &flipSite{Site: testsite.New(t), state: map[string]int{}}
	for i, f := range fixtures {
		s.bodies[i] = readFixture(t, filepath.Join("testdata", f))
	}
	s.On("/robots.txt", testsite.Answer(http.StatusNotFound, "text/plain; charset=utf-8", "404 page not found"))
	s.Fallback(testsite.Tokened(http.StatusOK, s.bodies[0]))
	return s
}

func (s *flipSite) flip(path string) {
	s.state[path] = 1 - s.state[path]
	s.On(path, testsite.Tokened(http.StatusOK, s.bodies[s.state[path]]))
}

// TestScrapeSurvivesKill9InAGroupedRun kills `relwatch scrape` while it
// records a run of many pages, some changed and most not, committed in
// groups of new versions and unchanged checks: at the first group's commit
// (before and after it), and at random moments. After each kill `relwatch check` passes and no
// committed version is lost; the next scrape records exactly the versions
// that were still missing.
func TestScrapeSurvivesKill9InAGroupedRun(t *testing.T) {
	bin := relwatchBinary(t)
	e := newTestEnv(t)
	s := newFlipSite(t, "kazakhstan-fr-v1.html", "kazakhstan-fr-v2.html")
	const n = 16
	var pages [][2]string
	for i := range n {
		pages = append(pages, [2]string{fmt.Sprintf("p%02d", i), "fr"})
	}
	e.writeConfig(s.URL, pages...)
	e.mustRun(0, "scrape")
	want := map[string]int{} // versions each page must have once a run completes
	for _, p := range pages {
		want[p[0]+"/fr"] = 1
	}
	// versions is each page's latest version number: its number of
	// versions, as check has found them numbered 1..N without a gap.
	versions := func() map[string]int {
		var entries []history.PageEntry
		if err := json.Unmarshal([]byte(e.mustRun(0, "pages", "--json")), &entries); err != nil {
			t.Fatal(err)
		}
		got := map[string]int{}
		for _, p := range entries {
			if p.LatestVersion != nil {
				got[p.Page] = *p.LatestVersion
			}
		}
		return got
	}
	checkClean := func(when string) {
		t.Helper()
		if out, stderr, code := e.relwatch("check"); code != exitOK {
			t.Fatalf("%s: check: exit %d\n%s%s", when, code, out, stderr)
		}
	}

	for round := range 5 {
		// A few pages change; the rest are unchanged checks. The crash
		// point is the commit of the first group with a new version in it
		// (the archive names such a transaction "record version").
		for i := round % 4; i < n; i += 4 {
			s.flip(fmt.Sprintf("/page%d.htm", i))
			want[pages[i][0]+"/fr"]++
		}
		before := versions()
		cmd := exec.Command(bin, "--config", e.cfg, "scrape")
		if round < 2 {
			cmd.Env = append(os.Environ(), "RELWATCH_CRASH_AT=record version:before-commit")
			if round == 1 {
				cmd.Env[len(cmd.Env)-1] = "RELWATCH_CRASH_AT=record version:after-commit"
			}
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		if round >= 2 {
			time.Sleep(time.Duration(rand.IntN(150)) * time.Millisecond)
			cmd.Process.Signal(syscall.SIGKILL)
		}
		err := cmd.Wait()
		if ee, ok := err.(*exec.ExitError); round < 2 && (!ok || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL) {
			t.Fatalf("round %d: scrape was not killed at its crash point: %v", round, err)
		}
		when := fmt.Sprintf("round %d, after the kill", round)
		checkClean(when)
		after := versions()
		for page := range want {
			if v := after[page]; v < before[page] || v > want[page] {
				t.Fatalf("%s: %s has %d versions, had %d before the run, wants %d", when, page, v, before[page], want[page])
			}
		}
		e.mustRun(0, "scrape")
		checkClean(fmt.Sprintf("round %d, after the next scrape", round))
		for page, v := range versions() {
			if v != want[page] {
				t.Fatalf("round %d: after the next scrape %s has %d versions, want %d", round, page, v, want[page])
			}
		}
	}
	for page := range want {
		vs := e.versionsOf(page)
		for i := 1; i < len(vs); i++ {
			if vs[i].ContentHash == vs[i-1].ContentHash {
				t.Fatalf("%s: versions %d and %d are the same content", page, i, i+1)
			}
		}
	}
}
