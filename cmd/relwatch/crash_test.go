package main

import (
	"encoding/json"
	"math/rand/v2"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/relwatch/relwatch/history"
)

// TestScrapeSurvivesKill9 kills `relwatch scrape` inside its write path
// (named crash points just before and just after the commit) and at random
// moments, and checks after each kill that the archive is intact and the
// next scrape carries on with no duplicate and no lost version.
func TestScrapeSurvivesKill9(t *testing.T) {
	bin := relwatchBinary(t)
	e := newTestEnv(t)
	scrape := func(crashAt string) error {
		cmd := exec.Command(bin, "--config", e.cfg, "scrape")
		cmd.Env = append(os.Environ(), "RELWATCH_CRASH_AT="+crashAt)
		return cmd.Run()
	}
	killed := func(err error) bool {
		ee, ok := err.(*exec.ExitError)
		return ok && ee.Sys().(syscall.WaitStatus).Signal() == syscall.SIGKILL
	}
	fixtures := []string{"kazakhstan-fr-v1.html", "kazakhstan-fr-v2.html"}
	committed := 0 // versions the archive must hold
	assertArchive := func(when string) {
		t.Helper()
		if out, stderr, code := e.relwatch("check"); code != exitOK {
			t.Fatalf("%s: check: exit %d\n%s%s", when, code, out, stderr)
		}
		versions := e.versionsOf("kazakhstan/fr")
		if len(versions) != committed {
			t.Fatalf("%s: %d versions, want %d", when, len(versions), committed)
		}
		for i := 1; i < len(versions); i++ {
			if versions[i].ContentHash == versions[i-1].ContentHash {
				t.Fatalf("%s: versions %d and %d are the same content", when, i, i+1)
			}
		}
	}

	for round, point := range []string{
		"record version:before-commit", "record version:after-commit",
		"record unchanged capture:before-commit", "record unchanged capture:after-commit",
		"record failure:before-commit", "record failure:after-commit",
	} {
		// Make the next scrape take the write path the point is on.
		switch {
		case strings.HasPrefix(point, "record version"):
			e.site.serve(200, fixtures[committed%2])
		case strings.HasPrefix(point, "record unchanged"):
			e.site.serve(200, fixtures[(committed+1)%2])
		default:
			e.site.serve(500, fixtures[0])
		}
		if err := scrape(point); !killed(err) {
			t.Fatalf("round %d: scrape with RELWATCH_CRASH_AT=%q was not killed: %v", round, point, err)
		}
		if point == "record version:after-commit" {
			committed++
		}
		assertArchive("after a kill at " + point)
		if err := scrape(""); err != nil && !strings.HasPrefix(point, "record failure") {
			t.Fatalf("scrape after a kill at %s: %v", point, err)
		}
		if strings.HasPrefix(point, "record version") && point != "record version:after-commit" {
			committed++ // the killed write is redone by the next run
		}
		assertArchive("after the scrape that followed a kill at " + point)
	}

	// Random kills anywhere in the run, the page changing every time.
	for range 8 {
		e.site.serve(200, fixtures[committed%2])
		cmd := exec.Command(bin, "--config", e.cfg, "scrape")
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(rand.IntN(60)) * time.Millisecond)
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
		if err := scrape(""); err != nil {
			t.Fatalf("scrape after a random kill: %v", err)
		}
		committed++ // killed or not, the content differs from the last version
		assertArchive("after a random kill")
	}
	var log []history.LogEntry
	if err := json.Unmarshal([]byte(e.mustRun(0, "log", "kazakhstan/fr", "--json")), &log); err != nil {
		t.Fatal(err)
	}
	for i, v := range log {
		if v.Version != i+1 {
			t.Fatalf("version numbers have a gap: %+v", log)
		}
	}
}
