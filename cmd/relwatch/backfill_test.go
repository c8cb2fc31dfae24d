package main

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/relwatch/relwatch"
	"github.com/relwatch/relwatch/archive"
	"github.com/relwatch/relwatch/history"
	"github.com/relwatch/relwatch/internal/testsite"
)

// newFakeWayback is the Wayback Machine of the backfill tests: the page's
// layouts over the years under its old (natolive) and new (natohq) URLs,
// a capture collapsed by digest, one filtered out (302), an error page
// archived as 200, one listed but missing, one redirected from an inexact
// timestamp, and a 429 without Retry-After on the 2012 capture.
func newFakeWayback(t *testing.T) *testsite.Wayback {
	live := "http://www.nato.int:80/cps/en/natolive/topics_49598.htm"
	hq := "https://www.nato.int/cps/en/natohq/topics_49598.htm"
	wb := testsite.NewWayback(t, filepath.Join("testdata", "wayback"), []testsite.Capture{
		{Timestamp: "20100315120000", Original: live, Status: "200", Digest: "D1", Fixture: "layout1-2010-en.html"},
		{Timestamp: "20100601120000", Original: live, Status: "200", Digest: "D1", Fixture: "layout1-2010-en.html"}, // collapsed
		{Timestamp: "20110101000000", Original: live, Status: "302", Digest: "DR", Fixture: "layout1-2010-en.html"}, // filtered out
		{Timestamp: "20120405120000", Original: live, Status: "200", Digest: "D2", Fixture: "layout2-2012-en.html"},
		{Timestamp: "20130101000000", Original: live, Status: "200", Digest: "DE", Fixture: "error-page-200.html"},
		{Timestamp: "20140101000000", Original: live, Status: "200", Digest: "D2", Fixture: "layout2-2012-en.html"},
		{Timestamp: "20150101000000", Original: hq, Status: "200", Digest: "DG", Missing: true},
		{Timestamp: "20171001000000", Original: hq, Status: "200", Digest: "D3", Fixture: "layout3-2017-en.html"},
		{Timestamp: "20180101000000", Original: hq, Status: "200", Digest: "D3b", RedirectTo: "20180102030405"},
		{Timestamp: "20180102030405", Original: hq, Status: "200", Digest: "D3b", Fixture: "layout3-2018-en-nohighlights.html", Unlisted: true},
		{Timestamp: "20220602101245", Original: hq, Status: "200", Digest: "D4", Fixture: "layout4-2022-en-wayback.html"},
		{Timestamp: "20220701000000", Original: hq + "?selectedLocale=en", Status: "200", Digest: "D4x", Fixture: "layout4-2022-en.html"},
	})
	wb.Limited["20120405120000"] = true
	return wb
}

// newBackfillEnv is a test env whose config tracks kazakhstan/en on a local
// site and backfills it from a fake Wayback Machine.
func newBackfillEnv(t *testing.T) (*testEnv, *testsite.Wayback) {
	t.Helper()
	s := newSite(t)
	s.serve(200, "wayback/layout5-2025-en.html")
	fw := newFakeWayback(t)
	dir := t.TempDir()
	cfg := filepath.Join(dir, "relwatch.yaml")
	yaml := fmt.Sprintf(`archive: history.db
delay: 0s
retries: 0
timeout: 5s
wayback:
  cdx_url: %s/cdx
  replay_url: %s/web/
  cdx_interval: 1ms
  capture_interval: 50ms
  backoff: 80ms
  retries: 2
targets:
  - id: kazakhstan
    lang: en
    url: %s/cps/en/natohq/topics_49598.htm
`, fw.URL, fw.URL, s.URL)
	if err := os.WriteFile(cfg, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	return &testEnv{t: t, site: s, dir: dir, cfg: cfg, db: filepath.Join(dir, "history.db")}, fw
}

// backfillLog is `log --json`, decoded.
type backfillLog []history.LogEntry

func readLog(t *testing.T, e *testEnv, extra ...string) (backfillLog, string) {
	t.Helper()
	out := e.mustRun(0, append([]string{"log", "kazakhstan/en", "--json"}, extra...)...)
	var l backfillLog
	if err := json.Unmarshal([]byte(out), &l); err != nil {
		t.Fatalf("log --json: %v\n%s", err, out)
	}
	return l, out
}

// wantHistory is the fake Wayback's history of the page: first seen, the
// capture count and the stamp of each version.
var wantHistory = []struct {
	first  string
	checks int
	stamp  string
}{
	{"2010-03-15T12:00:00Z", 1, ""},
	{"2012-04-05T12:00:00Z", 2, "02-Mar-2012 15:38"}, // seen again in 2014, after an error page
	{"2017-10-01T00:00:00Z", 1, "20 Sep. 2017 16:22"},
	{"2018-01-02T03:04:05Z", 1, "20 Sep. 2017 16:22"}, // asked for 20180101000000, served this one
	{"2022-06-02T10:12:45Z", 2, "23 May. 2022 15:32"},
}

func checkHistory(t *testing.T, l backfillLog) {
	t.Helper()
	if len(l) < len(wantHistory) {
		t.Fatalf("%d versions, want at least %d: %+v", len(l), len(wantHistory), l)
	}
	for i, w := range wantHistory {
		v := l[i]
		stamp := ""
		if v.UpdatedRaw != nil {
			stamp = *v.UpdatedRaw
		}
		if v.Version != i+1 || v.FirstSeen.Format(time.RFC3339) != w.first || v.Checks != w.checks || stamp != w.stamp || v.Source != "wayback" {
			t.Errorf("version %d: v%d first %s checks %d stamp %q source %q; want first %s checks %d stamp %q from wayback",
				i+1, v.Version, v.FirstSeen.Format(time.RFC3339), v.Checks, stamp, v.Source, w.first, w.checks, w.stamp)
		}
		if i > 0 && (v.ChangedAfter == nil || len(v.Summary) == 0) {
			t.Errorf("version %d: no change recorded from version %d: %+v", i+1, i, v)
		}
	}
}

// TestBackfill runs a whole backfill against the fake Wayback Machine,
// then runs it again.
func TestBackfill(t *testing.T) {
	e, fw := newBackfillEnv(t)

	out := e.mustRun(0, "backfill", "kazakhstan/en", "--dry-run")
	if !strings.Contains(out, "9 captures listed under 4 URLs, 0 already archived, 9 to fetch") {
		t.Errorf("dry run:\n%s", out)
	}
	if _, err := os.Stat(e.db); !os.IsNotExist(err) {
		t.Error("backfill --dry-run created the archive")
	}

	out = e.mustRun(exitFailed, "backfill", "kazakhstan/en")
	if !strings.Contains(out, "archived 7 captures (5 new versions), 2 failed, 0 skipped") ||
		!strings.Contains(out, "2015-01-01 00:00:00  https://www.nato.int/cps/en/natohq/topics_49598.htm  http_status") ||
		!strings.Contains(out, "2013-01-01 00:00:00  http://www.nato.int:80/cps/en/natolive/topics_49598.htm") ||
		!strings.Contains(out, "no text under the title") || !strings.Contains(out, "recorded as a failed capture") {
		t.Errorf("backfill:\n%s", out)
	}
	l, _ := readLog(t, e)
	checkHistory(t, l)
	if len(l) != 5 {
		t.Errorf("%d versions, want 5", len(l))
	}
	if !strings.Contains(e.mustRun(0, "check"), "ok") {
		t.Error("check after backfill")
	}

	// Every CDX request asked for what the Wayback docs say.
	for _, q := range fw.CDXQueries {
		if q.Get("output") != "json" || q.Get("fl") != "timestamp,original,statuscode,mimetype,digest" ||
			q.Get("filter") != "statuscode:200" || q.Get("collapse") != "digest" || q.Get("showResumeKey") != "true" {
			t.Errorf("CDX query %v", q)
		}
	}
	// The 2014 capture has the 2012 capture's digest: its bytes were taken
	// from the archive, not fetched again.
	if slices.Contains(fw.Requested, "20140101000000") || !slices.Contains(fw.Requested, "20120405120000") {
		t.Errorf("replay requests %v: want 2012 fetched and 2014 (same digest) not", fw.Requested)
	}

	// Captures were paced 50ms apart, the 429 retried after the 80ms
	// backoff floor. The server sees arrivals, which jitter by a few ms
	// around the client's paced starts: allow 15ms.
	const jitter = 15 * time.Millisecond
	starts := fw.CaptureStarts
	for i := 1; i < len(starts); i++ {
		if gap := starts[i].Sub(starts[i-1]); gap < 50*time.Millisecond-jitter {
			t.Errorf("capture requests %d and %d were %s apart, want 50ms", i, i+1, gap)
		}
	}
	if span := starts[len(starts)-1].Sub(starts[0]); span < time.Duration(len(starts)-1)*50*time.Millisecond-jitter {
		t.Errorf("%d capture requests in %s, want at least 50ms between starts", len(starts), span)
	}
	if len(fw.LimitedAt) != 2 || fw.LimitedAt[1].Sub(fw.LimitedAt[0]) < 80*time.Millisecond-jitter {
		t.Errorf("429 then retry at %v, want a retry at least 80ms later", fw.LimitedAt)
	}

	// A second run finds everything archived.
	before := len(fw.CaptureStarts)
	out = e.mustRun(0, "backfill", "kazakhstan/en")
	if !strings.Contains(out, "9 already archived, 0 to fetch") || len(fw.CaptureStarts) != before {
		t.Errorf("second run fetched %d captures:\n%s", len(fw.CaptureStarts)-before, out)
	}
	if l2, _ := readLog(t, e); len(l2) != 5 {
		t.Errorf("second run: %d versions", len(l2))
	}
}

// TestBackfillInterruptedThenResumed stops a backfill half way (the
// context is cancelled during the fifth capture request), runs it again,
// and compares the result with an uninterrupted run into another archive.
func TestBackfillInterruptedThenResumed(t *testing.T) {
	e, fw := newBackfillEnv(t)
	whole := filepath.Join(e.dir, "whole.db")
	e.mustRun(exitFailed, "--db", whole, "backfill", "kazakhstan/en")
	_, wantLog := readLog(t, e, "--db", whole)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	fw.Mu.Lock()
	fw.Limited = map[string]bool{"20120405120000": true}
	fw.LimitedAt = nil
	start := len(fw.CaptureStarts)
	fw.OnCapture = func(n int) {
		if n == start+5 {
			cancel()
		}
	}
	fw.Mu.Unlock()
	var out, errb strings.Builder
	code := run(ctx, []string{"--config", e.cfg, "backfill", "kazakhstan/en"}, streams{In: strings.NewReader(""), Out: &out, Err: &errb})
	if code != exitInterrupted {
		t.Fatalf("interrupted backfill: exit %d, want %d\n%s%s", code, exitInterrupted, out.String(), errb.String())
	}
	fw.Mu.Lock()
	fw.OnCapture = nil
	fw.Mu.Unlock()
	partial, _ := readLog(t, e)
	if len(partial) == 0 || len(partial) >= 5 {
		t.Fatalf("interrupted run archived %d versions, want some but not all", len(partial))
	}
	if !strings.Contains(e.mustRun(0, "check"), "ok") {
		t.Error("check after an interrupted backfill")
	}

	out2 := e.mustRun(exitFailed, "backfill", "kazakhstan/en") // the missing 2015 capture comes after the interruption
	if !strings.Contains(out2, "already archived") || strings.Contains(out2, " 0 already archived") {
		t.Errorf("resumed run skipped nothing:\n%s", out2)
	}
	l, gotLog := readLog(t, e)
	checkHistory(t, l)
	// The same history, hashes included; only where the bytes were read
	// (the same fake server) could differ, and does not.
	if gotLog != wantLog {
		t.Errorf("resumed history differs from an uninterrupted run:\n%s\nwant\n%s", gotLog, wantLog)
	}
	if !strings.Contains(e.mustRun(0, "backfill", "kazakhstan/en", "--dry-run"), "0 to fetch") {
		t.Error("a third run would fetch more")
	}
}

// TestBackfillBeforeLiveVersions backfills a page that already has live
// versions: the past goes before them, and the change into the first live
// version is recomputed.
func TestBackfillBeforeLiveVersions(t *testing.T) {
	e, _ := newBackfillEnv(t)
	e.mustRun(0, "scrape")
	live, _ := readLog(t, e)
	if len(live) != 1 || live[0].Source != "live" {
		t.Fatalf("live log %+v", live)
	}
	liveHash := live[0].ContentHash

	out := e.mustRun(exitFailed, "backfill", "kazakhstan/en")
	if !strings.Contains(out, "renumbered") {
		t.Errorf("backfill should say versions were renumbered:\n%s", out)
	}
	l, _ := readLog(t, e)
	checkHistory(t, l)
	if len(l) != 6 || l[5].ContentHash != liveHash || l[5].Source != "live" || l[5].Version != 6 {
		t.Fatalf("the live version should now be v6: %+v", l[len(l)-1])
	}
	if l[5].ChangedAfter == nil || l[5].ChangedAfter.Format(time.RFC3339) != "2022-07-01T00:00:00Z" || len(l[5].Summary) == 0 {
		t.Errorf("change into the live version: after %v, summary %v", l[5].ChangedAfter, l[5].Summary)
	}
	if !strings.Contains(e.mustRun(0, "check"), "ok") {
		t.Error("check after backfill into live history")
	}
	// The diff into the live version is the 2022 → 2025 change, and the
	// version can be named by its hash.
	d := e.mustRun(0, "diff", "kazakhstan/en", "--format", "json")
	var rep struct {
		From struct{ Version int } `json:"from"`
		To   struct{ Version int } `json:"to"`
	}
	if err := json.Unmarshal([]byte(d), &rep); err != nil || rep.From.Version != 5 || rep.To.Version != 6 {
		t.Errorf("diff: %v %+v", err, rep)
	}
	byHash := e.mustRun(0, "show", "kazakhstan/en", "--version", strings.TrimPrefix(liveHash, "sha256:")[:8], "--format", "json")
	if !strings.Contains(byHash, `"version": 6`) {
		t.Errorf("show --version <hash prefix> did not find v6:\n%.300s", byHash)
	}
	if out := e.mustRun(0, "diff", "kazakhstan/en", "--from", l[0].ContentHash[:14], "--to", "2"); !strings.Contains(out, "Wayback Machine capture of 2010-03-15") {
		t.Errorf("diff --from <hash> should say where v1 came from:\n%.600s", out)
	}
	if out := e.mustRun(0, "log", "kazakhstan/en"); !strings.Contains(out, "from the Wayback Machine capture of 2012-04-05") {
		t.Errorf("log does not say where versions came from:\n%s", out)
	}

	// Live checks carry on after the backfill; health ignores past captures.
	r := scrapeJSON(t, e.mustRun(0, "scrape", "--json"))
	if r.Status != relwatch.StatusUnchanged || r.Version != 6 {
		t.Errorf("scrape after backfill: %+v", r)
	}
	var pages []history.PageEntry
	if err := json.Unmarshal([]byte(e.mustRun(0, "pages", "--json")), &pages); err != nil || len(pages) != 1 || pages[0].ConsecutiveFailures != 0 {
		t.Errorf("pages after backfill: %v %+v", err, pages)
	}
}

// TestImport archives saved files: with --at, as a saved HTTP response
// dated by its headers, and refuses a file with no time.
func TestImport(t *testing.T) {
	e, _ := newBackfillEnv(t)
	page := filepath.Join("testdata", "wayback", "layout3-2017-en.html")

	_, stderr, code := e.relwatch("import", "kazakhstan/en", page)
	if code != exitUsage || !strings.Contains(stderr, "--at") {
		t.Errorf("import without a time: exit %d, stderr %q", code, stderr)
	}
	if _, err := os.Stat(e.db); !os.IsNotExist(err) {
		t.Error("a refused import created the archive")
	}

	out := e.mustRun(0, "import", "kazakhstan/en", page, "--at", "2017-10-05T08:00:00Z")
	if !strings.Contains(out, "new v1") {
		t.Errorf("import --at: %s", out)
	}
	body, err := os.ReadFile(filepath.Join("testdata", "wayback", "layout2-2012-en.html"))
	if err != nil {
		t.Fatal(err)
	}
	saved := filepath.Join(e.dir, "2012.http")
	resp := fmt.Sprintf("HTTP/1.1 200 OK\r\nDate: Thu, 05 Apr 2012 12:00:00 GMT\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: %d\r\n\r\n%s", len(body), body)
	if err := os.WriteFile(saved, []byte(resp), 0o644); err != nil {
		t.Fatal(err)
	}
	out = e.mustRun(0, "import", "kazakhstan/en", saved)
	if !strings.Contains(out, "2012-04-05 12:00:00") || !strings.Contains(out, "new v1") {
		t.Errorf("import of a saved response: %s", out)
	}
	if out := e.mustRun(0, "import", "kazakhstan/en", saved); !strings.Contains(out, "already imported") {
		t.Errorf("second import: %s", out)
	}
	errPage := filepath.Join("testdata", "wayback", "error-page-200.html")
	if out := e.mustRun(exitFailed, "import", "kazakhstan/en", errPage, "--at", "2013-01-01"); !strings.Contains(out, "failed") {
		t.Errorf("import of an error page: %s", out)
	}
	l, _ := readLog(t, e)
	if len(l) != 2 || l[0].Source != "import" || l[0].FirstSeen.Format(time.RFC3339) != "2012-04-05T12:00:00Z" ||
		l[1].FirstSeen.Format(time.RFC3339) != "2017-10-05T08:00:00Z" || l[0].Origin == nil || !strings.HasSuffix(*l[0].Origin, "2012.http") {
		t.Errorf("imported history: %+v", l)
	}
	if !strings.Contains(e.mustRun(0, "check"), "ok") {
		t.Error("check after import")
	}
	if out := e.mustRun(0, "show", "kazakhstan/en", "--version", "1"); !strings.Contains(out, "imported from") {
		t.Errorf("show does not say the version was imported:\n%.400s", out)
	}
}

// TestDiffSaysWhereVersionsCameFrom checks every diff format names the
// Wayback capture behind each side.
func TestDiffSaysWhereVersionsCameFrom(t *testing.T) {
	e, fw := newBackfillEnv(t)
	fw.Limited = nil
	if out := e.mustRun(0, "backfill", "kazakhstan/en", "--from", "2010-03-01", "--to", "2012"); !strings.Contains(out, "2 captures listed") {
		t.Errorf("--from 2010-03-01 --to 2012: %s", out)
	}
	var rep struct {
		From, To   struct{ Version int }
		FromSource struct {
			Source      string `json:"source"`
			OriginalURL string `json:"original_url"`
		} `json:"from_source"`
		ToSource struct{ Source string } `json:"to_source"`
	}
	if err := json.Unmarshal([]byte(e.mustRun(0, "diff", "kazakhstan/en", "--format", "json")), &rep); err != nil ||
		rep.FromSource.Source != "wayback" || rep.ToSource.Source != "wayback" || !strings.Contains(rep.FromSource.OriginalURL, "natolive") {
		t.Errorf("diff json: %v %+v", err, rep)
	}
	for _, format := range []string{"text", "markdown", "html"} {
		if out := e.mustRun(0, "diff", "kazakhstan/en", "--format", format); !strings.Contains(out, "Version 1: from the Wayback Machine capture of 2010-03-15") ||
			!strings.Contains(out, "Version 2: from the Wayback Machine capture of 2012-04-05") {
			t.Errorf("diff --format %s does not say where the versions came from:\n%s", format, out[max(0, len(out)-500):])
		}
	}
}

// TestEveryReportSaysWhereVersionsCameFrom: after a backfill, the
// --report-dir files of the next live scrape, the export's change files
// and the Atom entries all say where both sides came from.
func TestEveryReportSaysWhereVersionsCameFrom(t *testing.T) {
	e, fw := newBackfillEnv(t)
	fw.Limited = nil
	e.mustRun(0, "backfill", "kazakhstan/en", "--from", "2010-03-01", "--to", "2012")
	reports := filepath.Join(e.dir, "reports")
	e.mustRun(0, "scrape", "--report-dir", reports) // v3, live, against the 2012 capture
	const wayback2012 = "Version 2: from the Wayback Machine capture of 2012-04-05"
	read := func(path string) string {
		t.Helper()
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		return string(data)
	}
	var rep struct {
		FromSource struct{ Source, OriginalURL string } `json:"from_source"`
		ToSource   struct{ Source string }              `json:"to_source"`
	}
	if err := json.Unmarshal([]byte(read(filepath.Join(reports, "kazakhstan", "en-v3.json"))), &rep); err != nil ||
		rep.FromSource.Source != "wayback" || rep.ToSource.Source != "live" {
		t.Errorf("--report-dir json: %v %+v", err, rep)
	}
	// The JSON report is the one diff prints.
	if got, want := read(filepath.Join(reports, "kazakhstan", "en-v3.json")), e.mustRun(0, "diff", "kazakhstan/en", "--format", "json"); got != want {
		t.Errorf("--report-dir JSON and diff --format json differ:\n%s\n---\n%s", got, want)
	}
	for _, ext := range []string{"md", "html"} {
		if out := read(filepath.Join(reports, "kazakhstan", "en-v3."+ext)); !strings.Contains(out, wayback2012) {
			t.Errorf("--report-dir .%s does not say where version 2 came from:\n%s", ext, out)
		}
	}
	exp := filepath.Join(e.dir, "export")
	e.mustRun(0, "export", exp)
	tree := readTree(t, exp)
	found := 0
	for name, data := range tree {
		if strings.HasPrefix(name, "changes/") && strings.Contains(data, "from the Wayback Machine capture of 2010-03-15") {
			found++
		}
	}
	if found != 2 { // the Markdown and the HTML of the change into v2
		t.Errorf("%d change files say where version 1 came from, want 2: %v", found, slices.Collect(maps.Keys(tree)))
	}
	if feed := e.mustRun(0, "feed"); !strings.Contains(feed, wayback2012) || !strings.Contains(feed, "Version 1: from the Wayback Machine capture of 2010-03-15") {
		t.Errorf("the feed's entries do not say where the versions came from:\n%s", feed)
	}
}

// TestBackfillTakesTheWriterLock: a backfill or an import while another
// run holds the archive exits 4 and changes nothing.
func TestBackfillTakesTheWriterLock(t *testing.T) {
	e, fw := newBackfillEnv(t)
	e.mustRun(0, "scrape")
	arc, err := archive.Open(context.Background(), e.db, archive.ReadWrite)
	if err != nil {
		t.Fatal(err)
	}
	defer arc.Close()
	unlock, err := arc.Lock(context.Background(), 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	for _, args := range [][]string{
		{"backfill", "kazakhstan/en"},
		{"import", "kazakhstan/en", filepath.Join("testdata", "wayback", "layout1-2010-en.html"), "--at", "2010-01-01"},
	} {
		if _, stderr, code := e.relwatch(args...); code != exitUnusable || !strings.Contains(stderr, "locked") {
			t.Errorf("%s while locked: exit %d, stderr %q", args[0], code, stderr)
		}
	}
	if len(fw.CaptureStarts) != 0 {
		t.Error("a locked-out backfill fetched captures")
	}
}

// TestImportSaysWhatHappened: an import that adds no version says so, and
// a capture time in the future is refused before the archive is touched.
func TestImportSaysWhatHappened(t *testing.T) {
	e, _ := newBackfillEnv(t)
	page := filepath.Join("testdata", "wayback", "layout3-2017-en.html")
	e.mustRun(0, "import", "kazakhstan/en", page, "--at", "2017-10-05T08:00:00Z")
	out := e.mustRun(0, "import", "kazakhstan/en", page, "--at", "2016-03-15T00:00:00Z")
	if !strings.Contains(out, "same content as v1: first seen moved to 2016-03-15 00:00:00") || strings.Contains(out, "new v1") {
		t.Errorf("import of an earlier copy of v1: %s", out)
	}
	out = e.mustRun(0, "import", "kazakhstan/en", page, "--at", "2018-01-01T00:00:00Z")
	if !strings.Contains(out, "same content as v1") || strings.Contains(out, "moved") {
		t.Errorf("import of a later copy of v1: %s", out)
	}
	older := filepath.Join("testdata", "wayback", "layout2-2012-en.html")
	out = e.mustRun(0, "import", "kazakhstan/en", older, "--at", "2012-01-01T00:00:00Z")
	if !strings.Contains(out, "new v1 (later versions renumbered)") || !strings.Contains(out, "renumbered; content_hash is the stable reference") {
		t.Errorf("import before every version: %s", out)
	}
	_, stderr, code := e.relwatch("import", "kazakhstan/en", page, "--at", "2099-01-01")
	if code != exitUsage || !strings.Contains(stderr, "is in the future") {
		t.Errorf("import --at 2099: exit %d, stderr %q", code, stderr)
	}
	if l, _ := readLog(t, e); len(l) != 2 {
		t.Errorf("the refused import changed the history: %+v", l)
	}
	if out := e.mustRun(0, "check"); !strings.Contains(out, "ok") {
		t.Errorf("check: %s", out)
	}
}
