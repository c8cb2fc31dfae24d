package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/relwatch/relwatch/history"
	"github.com/relwatch/relwatch/output"
)

// TestRemovedAndRestored: a page that answers 200, 404, 404, 200 was
// removed (dated by the first 404) and restored: scrape says so on the
// checks that decide it, log shows a removed row then a restored row (and
// log --json has the removal under version 1), the feed and the export
// have both entries, --report-dir has both reports, and a webhook gets
// each event once.
func TestRemovedAndRestored(t *testing.T) {
	t.Setenv("RELWATCH_TEST_SECRET", testSecret)
	r := newReceiver(t, testSecret)
	e := notifyEnv(t, webhookYAML(r, "", "/h"))
	reports := filepath.Join(e.dir, "reports")

	e.mustRun(0, "scrape")
	e.site.serve(404, "kazakhstan-fr-v1.html")
	out := e.mustRun(exitFailed, "scrape", "--report-dir", reports)
	if strings.Contains(out, "removed") {
		t.Errorf("one 404 already says removed:\n%s", out)
	}
	js := e.mustRun(exitFailed, "scrape", "--json", "--report-dir", reports)
	res := scrapeJSON(t, js)
	if res.Event != "removed" || res.Removal == nil || !strings.Contains(js, `"removed_reason":"HTTP 404 Not Found"`) {
		t.Errorf("second 404: %s", js)
	}
	if pages := e.mustRun(0, "pages"); !strings.Contains(pages, "removed since ") || !strings.Contains(pages, ": HTTP 404 Not Found") {
		t.Errorf("pages does not say the page is removed:\n%s", pages)
	}
	if p := pagesJSON(t, e); p.RemovedReason == nil || *p.RemovedReason != "HTTP 404 Not Found" || p.RemovedSince == nil {
		t.Errorf("pages --json has no removal: %+v", p)
	}
	e.site.serve(200, "kazakhstan-fr-v1.html")
	out = e.mustRun(0, "scrape", "--report-dir", reports)
	if !strings.Contains(out, "restored at version 1 (removed ") {
		t.Errorf("the good check after the removal does not say restored:\n%s", out)
	}
	if p := pagesJSON(t, e); p.RemovedSince != nil || p.RemovedReason != nil {
		t.Errorf("pages --json still says removed after the restoration: %+v", p)
	}

	// log: version 1, then the removal (dated by the first 404), then the
	// restoration.
	log := e.mustRun(0, "log", "kazakhstan/fr")
	rows := strings.Split(strings.TrimSpace(log), "\n")
	if len(rows) != 4 || !strings.HasPrefix(rows[1], "1 ") ||
		!strings.HasPrefix(rows[2], "- ") || !strings.Contains(rows[2], "removed: HTTP 404 Not Found") ||
		!strings.HasPrefix(rows[3], "- ") || !strings.Contains(rows[3], "restored at version 1") {
		t.Fatalf("log:\n%s", log)
	}
	var entries []history.LogEntry
	if err := json.Unmarshal([]byte(e.mustRun(0, "log", "kazakhstan/fr", "--json")), &entries); err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 || len(entries[0].Removals) != 1 {
		t.Fatalf("log --json: %+v", entries)
	}
	rm := entries[0].Removals[0]
	if rm.Reason != "HTTP 404 Not Found" || rm.Status == nil || *rm.Status != 404 || rm.Restored == nil ||
		rm.RestoredVersion == nil || *rm.RestoredVersion != 1 || !rm.Confirmed.After(rm.Removed.Time) || !rm.Restored.After(rm.Confirmed.Time) {
		t.Errorf("log --json removal: %+v", rm)
	}

	feed := e.mustRun(0, "feed")
	if !strings.Contains(feed, "kazakhstan/fr removed: HTTP 404 Not Found") || !strings.Contains(feed, "kazakhstan/fr restored at version 1") ||
		!strings.Contains(feed, "/removed/") || !strings.Contains(feed, "/restored/") {
		t.Errorf("feed lacks the removed and restored entries:\n%s", feed)
	}
	dir := filepath.Join(e.dir, "export")
	e.mustRun(0, "export", dir)
	readme, err := os.ReadFile(filepath.Join(dir, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(readme), "kazakhstan/fr removed: HTTP 404 Not Found") || !strings.Contains(string(readme), "kazakhstan/fr restored at version 1") {
		t.Errorf("export README:\n%s", readme)
	}

	files, _ := filepath.Glob(filepath.Join(reports, "kazakhstan", "fr-*"))
	var names []string
	for _, f := range files {
		names = append(names, filepath.Base(f))
	}
	if len(files) != 4 || !strings.Contains(strings.Join(names, " "), "fr-removed-") || !strings.Contains(strings.Join(names, " "), "fr-restored-") {
		t.Errorf("report dir: %v, want a removed and a restored report (md, json)", names)
	}

	got := r.deliveries("/h")
	var kinds []string
	for _, d := range got {
		kinds = append(kinds, d.header.Get("X-Relwatch-Event"))
	}
	if strings.Join(kinds, ",") != "new,failed,removed,restored" {
		t.Fatalf("webhook got %v, want new, failed, removed, restored once each", kinds)
	}
	for i, kind := range []string{"removed", "restored"} {
		d := got[2+i]
		r.check(d, kind)
		if d.fields["reason"] != "HTTP 404 Not Found" || d.fields["status"] != 404.0 || d.fields["removed_since"] == nil {
			t.Errorf("%s webhook body: %s", kind, d.body)
		}
	}
	e.mustRun(0, "scrape")
	if n := len(r.deliveries("/h")); n != 4 {
		t.Errorf("a later good check sent more: %d deliveries", n)
	}
}

// pagesJSON is the one page of e's `pages --json`.
func pagesJSON(t *testing.T, e *testEnv) history.PageEntry {
	t.Helper()
	var pages []history.PageEntry
	if err := json.Unmarshal([]byte(e.mustRun(0, "pages", "--json")), &pages); err != nil || len(pages) != 1 {
		t.Fatalf("pages --json: %d pages, %v", len(pages), err)
	}
	return pages[0]
}

// TestServerErrorsAreNotRemoval: 500 twice is a failure streak, never a
// removal: no removed event, nothing in log, and its end is recovered.
func TestServerErrorsAreNotRemoval(t *testing.T) {
	t.Setenv("RELWATCH_TEST_SECRET", testSecret)
	r := newReceiver(t, testSecret)
	e := notifyEnv(t, webhookYAML(r, "", "/h"))
	e.mustRun(0, "scrape")
	e.site.serve(500, "kazakhstan-fr-v1.html")
	for range 2 {
		if out := e.mustRun(exitFailed, "scrape"); strings.Contains(out, "removed") {
			t.Errorf("a 500 says removed:\n%s", out)
		}
	}
	e.site.serve(200, "kazakhstan-fr-v1.html")
	e.mustRun(0, "scrape")
	if log := e.mustRun(0, "log", "kazakhstan/fr"); strings.Contains(log, "removed") || strings.Contains(log, "restored") {
		t.Errorf("log:\n%s", log)
	}
	if feed := e.mustRun(0, "feed"); strings.Contains(feed, "removed") {
		t.Errorf("feed has a removal:\n%s", feed)
	}
	var kinds []string
	for _, d := range r.deliveries("/h") {
		kinds = append(kinds, d.header.Get("X-Relwatch-Event"))
	}
	if strings.Join(kinds, ",") != "new,failed,recovered" {
		t.Errorf("webhook got %v, want new, failed, recovered", kinds)
	}
}

// TestRestoredWithNewContent: a page that comes back changed is restored
// at its new version, which is a change as well.
func TestRestoredWithNewContent(t *testing.T) {
	e := newTestEnv(t)
	e.mustRun(0, "scrape")
	e.site.serve(410, "kazakhstan-fr-v1.html")
	e.mustRun(exitFailed, "scrape")
	if out := e.mustRun(exitFailed, "scrape"); !strings.Contains(out, "removed since ") || !strings.Contains(out, ": HTTP 410 Gone") {
		t.Errorf("second 410:\n%s", out)
	}
	e.site.serve(200, "kazakhstan-fr-v2.html")
	if out := e.mustRun(0, "scrape"); !strings.Contains(out, "changed   v2 (was v1)") || !strings.Contains(out, "restored at version 2 (removed ") {
		t.Errorf("back with new content:\n%s", out)
	}
	log := e.mustRun(0, "log", "kazakhstan/fr")
	rows := strings.Split(strings.TrimSpace(log), "\n")
	if len(rows) != 5 || !strings.Contains(rows[2], "removed: HTTP 410 Gone") || !strings.Contains(rows[3], "restored at version 2") || !strings.HasPrefix(rows[4], "2 ") {
		t.Errorf("log:\n%s", log)
	}
}

// TestRemovalReportedAfterKill9: a scrape killed right after it archived
// the check that made the page removed never reported it; the next run
// reports that removal (its line, --report-dir) as an earlier run's, then
// its own check: here the page is back, so restored, with exit 0. A third
// run reports neither again.
func TestRemovalReportedAfterKill9(t *testing.T) {
	bin := relwatchBinary(t)
	e := newTestEnv(t)
	reports := filepath.Join(e.dir, "reports")
	scrape := func(crashAt string, args ...string) (string, error) {
		cmd := exec.Command(bin, append([]string{"--config", e.cfg, "scrape"}, args...)...)
		cmd.Env = append(os.Environ(), "RELWATCH_CRASH_AT="+crashAt)
		out, err := cmd.Output()
		return string(out), err
	}
	e.mustRun(0, "scrape")
	e.site.serve(404, "kazakhstan-fr-v1.html")
	e.mustRun(exitFailed, "scrape")
	_, err := scrape("record failure:after-commit")
	if ee, ok := err.(*exec.ExitError); !ok || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		t.Fatalf("scrape was not killed: %v", err)
	}
	e.site.serve(200, "kazakhstan-fr-v1.html")
	out, err := scrape("", "--exit-code", "--report-dir", reports)
	if err != nil {
		t.Fatalf("next run: %v, want exit 0 (the page is back)\n%s", err, out)
	}
	if !strings.Contains(out, "removed since ") || !strings.Contains(out, output.EarlierNote) || !strings.Contains(out, "restored at version 1 (removed ") {
		t.Errorf("the next run does not report the earlier removal and its own restoration:\n%s", out)
	}
	names, _ := filepath.Glob(filepath.Join(reports, "kazakhstan", "fr-removed-*.md"))
	if len(names) != 1 {
		t.Errorf("--report-dir: %v, want the earlier removal's report", names)
	}
	out, err = scrape("", "--exit-code")
	if err != nil || strings.Contains(out, output.EarlierNote) || strings.Contains(out, "removed") {
		t.Errorf("reported twice: %v\n%s", err, out)
	}
}
