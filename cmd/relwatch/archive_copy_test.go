package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/relwatch/relwatch/postgres"
)

// richArchive builds, through the CLI, an archive with every kind of
// history: five layouts from the Wayback Machine (two failed captures
// among them), live checks, an imported file, a revert and a failed check.
func richArchive(t *testing.T) *testEnv {
	t.Helper()
	e, _ := newBackfillEnv(t)
	e.mustRun(exitFailed, "backfill", "kazakhstan/en")
	e.mustRun(0, "scrape")
	e.mustRun(0, "import", "kazakhstan/en", filepath.Join("testdata", "wayback", "layout3-2018-en-nohighlights.html"), "--at", "2019-01-01T00:00:00Z")
	e.site.serve(200, "wayback/layout4-2022-en.html") // back to the 2022 content: a revert
	e.mustRun(0, "scrape")
	e.site.serve(500, "wayback/layout4-2022-en.html")
	e.mustRun(exitFailed, "scrape")
	return e
}

// readAll runs every read command for every version against db, and
// returns their outputs by command line.
func readAll(t *testing.T, e *testEnv, db string) map[string]string {
	t.Helper()
	out := map[string]string{}
	run := func(args ...string) string {
		t.Helper()
		s := e.mustRun(0, append([]string{"--db", db}, args...)...)
		out[strings.Join(args, " ")] = s
		return s
	}
	var pages []struct {
		Page string `json:"page"`
	}
	if err := json.Unmarshal([]byte(run("pages", "--json")), &pages); err != nil || len(pages) == 0 {
		t.Fatalf("pages --json: %v", err)
	}
	for _, p := range pages {
		var log []struct {
			Version int `json:"version"`
		}
		if err := json.Unmarshal([]byte(run("log", p.Page, "--json")), &log); err != nil {
			t.Fatal(err)
		}
		run("log", p.Page)
		for _, v := range log {
			run("show", p.Page, "--version", fmt.Sprint(v.Version), "--format", "json")
			if v.Version > 1 {
				run("diff", p.Page, "--to", fmt.Sprint(v.Version), "--format", "json")
			}
		}
	}
	run("search", "Kazakhstan", "--json")
	run("search", "securite", "--json")
	return out
}

func compareReads(t *testing.T, what string, want, got map[string]string) {
	t.Helper()
	for cmd, w := range want {
		if got[cmd] != w {
			t.Errorf("%s: relwatch %s differs:\n%s\nwant\n%s", what, cmd, got[cmd], w)
		}
	}
}

// TestArchiveCopyRoundTrip copies a file archive to PostgreSQL and back:
// every read command answers byte for byte the same on all three, and so
// does notify status; check passes on each, and copying again skips every
// page. The copy's outbox sends what was pending and nothing that was
// delivered.
func TestArchiveCopyRoundTrip(t *testing.T) {
	dsn := postgres.TestDSN(t)
	e := richArchive(t)
	// A recovery, delivered to one destination and pending for the other.
	t.Setenv("RELWATCH_TEST_SECRET", testSecret)
	up, down := newReceiver(t, testSecret), newDownReceiver(t, testSecret)
	cfg, err := os.ReadFile(e.cfg)
	if err != nil {
		t.Fatal(err)
	}
	hooks := "notify_backoff: 1ms\n" + webhookYAML(up, "", "/up") + strings.TrimPrefix(webhookYAML(down, "", "/down"), "notify:\n")
	if err := os.WriteFile(e.cfg, append([]byte(hooks), cfg...), 0o644); err != nil {
		t.Fatal(err)
	}
	e.site.serve(200, "wayback/layout4-2022-en.html")
	e.mustRun(0, "scrape")
	if n := len(up.deliveries("/up")); n != 1 {
		t.Fatalf("the recovery: %d deliveries, want 1", n)
	}
	want := readAll(t, e, e.db)
	if len(want) < 16 {
		t.Fatalf("only %d read commands: the archive is not rich enough", len(want))
	}
	want["notify status"] = e.mustRun(0, "--db", e.db, "notify", "status")
	if !strings.Contains(want["notify status"], "hook-down    1 ") {
		t.Fatalf("notify status before the copy:\n%s", want["notify status"])
	}

	out := e.mustRun(0, "archive", "copy", e.db, dsn)
	if !strings.Contains(out, "copied 1 pages") || strings.Contains(out, password(t, dsn)) || strings.Contains(out, " 0 notification events") {
		t.Errorf("copy to PostgreSQL: %q", out)
	}
	readsOf := func(db string) map[string]string {
		got := readAll(t, e, db)
		got["notify status"] = e.mustRun(0, "--db", db, "notify", "status")
		return got
	}
	compareReads(t, "SQLite → PostgreSQL", want, readsOf(dsn))
	e.mustRun(0, "--db", dsn, "check")

	back := filepath.Join(e.dir, "back.db")
	e.mustRun(0, "archive", "copy", dsn, back)
	compareReads(t, "PostgreSQL → SQLite", want, readsOf(back))
	e.mustRun(0, "--db", back, "check")

	if out := e.mustRun(0, "archive", "copy", e.db, dsn); !strings.Contains(out, "copied 0 pages") || !strings.Contains(out, "and 0 notification events") || !strings.Contains(out, "1 already there") {
		t.Errorf("copy again: %q", out)
	}

	// The moved archive delivers the pending event, and only it.
	down.up()
	e.mustRun(0, "--db", back, "scrape")
	if got := down.deliveries("/down"); len(got) != 1 || got[0].fields["event"] != "recovered" {
		t.Errorf("the pending recovery after the move: %d deliveries", len(got))
	}
	if n := len(up.deliveries("/up")); n != 1 {
		t.Errorf("the delivered recovery was sent again after the move: %d deliveries", n)
	}
}

// TestArchiveCopyRefusesAnotherHistory: a destination that has a page with
// another history is not mixed into (exit 4), and is left as it was.
func TestArchiveCopyRefusesAnotherHistory(t *testing.T) {
	e := newTestEnv(t)
	e.mustRun(0, "scrape")
	other := filepath.Join(e.dir, "other.db")
	e.site.serve(200, "kazakhstan-fr-v2.html")
	e.mustRun(0, "--db", other, "scrape")
	before := e.mustRun(0, "--db", other, "log", "kazakhstan/fr", "--json")
	_, stderr, code := e.relwatch("archive", "copy", e.db, other)
	if code != exitUnusable || !strings.Contains(stderr, "another history") {
		t.Errorf("copy onto another history: exit %d, %q", code, stderr)
	}
	if after := e.mustRun(0, "--db", other, "log", "kazakhstan/fr", "--json"); after != before {
		t.Error("the refused copy changed the destination")
	}
	if _, stderr, code := e.relwatch("archive", "copy", e.db, e.db); code != exitUsage {
		t.Errorf("copy onto itself: exit %d, %q", code, stderr)
	}
}
