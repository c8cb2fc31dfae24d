package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/relwatch/relwatch"
	"github.com/relwatch/relwatch/history"
	"github.com/relwatch/relwatch/internal/testsite"
	"github.com/relwatch/relwatch/track"
)

// site is a local stand-in for nato.int: a testsite.Site answering every
// path but robots.txt with one page that the test swaps or edits between
// scrapes. Every answer carries a fresh token in its page chrome, as real
// share links do, so chrome differs on every request. It only keeps what
// the page is and scripts the site with it.
type site struct {
	*testsite.Site
	mu     sync.Mutex
	status int
	body   string
	delay  time.Duration // before each answer
}

func newSite(t testing.TB) *site {
	s := &site{Site: testsite.New(t)}
	s.On("/robots.txt", testsite.Answer(http.StatusNotFound, "text/plain; charset=utf-8", "404 page not found"))
	s.serve(200, "kazakhstan-fr-v1.html")
	return s
}

// serve answers status with the testdata fixture.
func (s *site) serve(status int, fixture string) {
	data, err := os.ReadFile(filepath.Join("testdata", fixture))
	if err != nil {
		panic(err)
	}
	s.script(func() { s.status, s.body = status, string(data) })
}

// edit changes the page's body, its status kept.
func (s *site) edit(change func(body string) string) {
	s.script(func() { s.body = change(s.body) })
}

// slow holds every answer back for d, or until the client gives up.
func (s *site) slow(d time.Duration) { s.script(func() { s.delay = d }) }

// script applies change to the page and scripts the site with the result.
func (s *site) script(change func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	change()
	s.Fallback(testsite.Slow(s.delay, testsite.Tokened(s.status, s.body)))
}

// pageRequests counts the requests for anything but robots.txt.
func (s *site) pageRequests() int {
	return len(s.AllHits()) - len(s.Hits("/robots.txt"))
}

// testEnv is a temporary working directory with a config pointing at a
// local site.
type testEnv struct {
	t    *testing.T
	site *site
	dir  string
	cfg  string
	db   string
}

func newTestEnv(t *testing.T) *testEnv {
	t.Helper()
	s := newSite(t)
	dir := t.TempDir()
	cfg := filepath.Join(dir, "relwatch.yaml")
	yaml := fmt.Sprintf(`archive: history.db
delay: 0s
retries: 0
timeout: 5s
targets:
  - id: kazakhstan
    lang: fr
    url: %s/cps/fr/natohq/topics_49598.htm?selectedLocale=fr
`, s.URL)
	if err := os.WriteFile(cfg, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	return &testEnv{t: t, site: s, dir: dir, cfg: cfg, db: filepath.Join(dir, "history.db")}
}

// relwatch runs one command line in-process against the env's config.
func (e *testEnv) relwatch(args ...string) (stdout, stderr string, code int) {
	e.t.Helper()
	var out, errb bytes.Buffer
	code = run(context.Background(), append([]string{"--config", e.cfg}, args...), streams{In: strings.NewReader(""), Out: &out, Err: &errb})
	return out.String(), errb.String(), code
}

func (e *testEnv) mustRun(wantCode int, args ...string) string {
	e.t.Helper()
	out, errOut, code := e.relwatch(args...)
	if code != wantCode {
		e.t.Fatalf("relwatch %s: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), code, wantCode, out, errOut)
	}
	return out
}

func scrapeJSON(t *testing.T, out string) track.Result {
	t.Helper()
	var r track.Result
	if err := json.Unmarshal([]byte(strings.TrimSpace(out)), &r); err != nil {
		t.Fatalf("scrape --json printed %q: %v", out, err)
	}
	return r
}

// TestScrapeArchiveDiff walks the whole path: first scrape, unchanged
// re-scrape, an edited page, then history queries over the result.
func TestScrapeArchiveDiff(t *testing.T) {
	e := newTestEnv(t)

	r := scrapeJSON(t, e.mustRun(0, "scrape", "--json"))
	if r.Page != "kazakhstan/fr" || r.Status != relwatch.StatusNew || r.Version != 1 {
		t.Fatalf("first scrape: %+v", r)
	}
	r = scrapeJSON(t, e.mustRun(0, "scrape", "--json"))
	if r.Status != relwatch.StatusUnchanged || r.Version != 1 {
		t.Fatalf("same page, new chrome tokens: %+v, want unchanged v1", r)
	}

	e.site.serve(200, "kazakhstan-fr-v2.html")
	out := e.mustRun(exitChanged, "scrape", "--exit-code")
	if !strings.Contains(out, "kazakhstan/fr") || !strings.Contains(out, "changed") || !strings.Contains(out, "v2") {
		t.Fatalf("edited page: %q", out)
	}

	var log []history.LogEntry
	if err := json.Unmarshal([]byte(e.mustRun(0, "log", "kazakhstan/fr", "--json")), &log); err != nil {
		t.Fatal(err)
	}
	if len(log) != 2 || log[0].Checks != 2 || log[1].Version != 2 || log[0].UpdatedRaw == nil || *log[0].UpdatedRaw != "23 May. 2022 15:38" {
		t.Fatalf("log: %+v", log)
	}
	if *log[1].UpdatedOn != "2026-11-14" || *log[1].UpdatedAt != "2026-11-14T09:05:00Z" {
		t.Fatalf("v2 stamp: on %v at %v", *log[1].UpdatedOn, *log[1].UpdatedAt)
	}
	if text := e.mustRun(0, "log", "kazakhstan"); !strings.Contains(text, "first version") || !strings.Contains(text, "14 Nov. 2026 10:05") {
		t.Fatalf("log text:\n%s", text)
	}

	var d struct {
		Changes []struct {
			Kind    string   `json:"kind"`
			NewPath []string `json:"new_path"`
			Old     string   `json:"old"`
			New     string   `json:"new"`
		} `json:"changes"`
	}
	if err := json.Unmarshal([]byte(e.mustRun(0, "diff", "kazakhstan/fr", "--format", "json")), &d); err != nil {
		t.Fatal(err)
	}
	var kinds []string
	found := false
	for _, c := range d.Changes {
		kinds = append(kinds, c.Kind)
		if c.Kind == "block_changed" && strings.Contains(c.New, "multinationaux") &&
			strings.Join(c.NewPath, " › ") == "Principaux domaines de coopération › Renforcement des capacités et de l’interopérabilité" {
			found = true
		}
	}
	if !found || len(d.Changes) != 2 {
		t.Fatalf("diff should name the edited bullet with its section and the stamp; got kinds %v: %+v", kinds, d.Changes)
	}
	for _, format := range []string{"text", "markdown", "html"} {
		if out := e.mustRun(0, "diff", "kazakhstan/fr", "--from", "1", "--to", "2", "--format", format); !strings.Contains(out, "multinationaux") {
			t.Errorf("diff --format %s does not show the edit:\n%s", format, out)
		}
	}

	var snap map[string]any
	if err := json.Unmarshal([]byte(e.mustRun(0, "show", "kazakhstan/fr", "--version", "1", "--format", "json")), &snap); err != nil {
		t.Fatal(err)
	}
	for _, field := range []string{"page", "version", "lang", "url", "final_url", "title", "updated_raw", "updated_on", "updated_at", "lead", "captions", "sections", "content_hash", "first_seen", "last_seen"} {
		if _, ok := snap[field]; !ok {
			t.Errorf("show --format json lacks %q", field)
		}
	}
	if snap["title"] != "Relations avec le Kazakhstan" || snap["lang"] != "fr" || snap["version"] != 1.0 {
		t.Errorf("show: title %v lang %v version %v", snap["title"], snap["lang"], snap["version"])
	}
	if strings.Contains(e.mustRun(0, "show", "kazakhstan/fr", "--format", "markdown"), "tok0") {
		t.Error("page chrome (share token) leaked into the snapshot")
	}
	if _, stderr, code := e.relwatch("show", "kazakhstan/fr", "--at", "2000-01-01"); code != exitUsage || !strings.Contains(stderr, "no version yet") {
		t.Errorf("show --at before the first version: exit %d, stderr %q", code, stderr)
	}
	atV1 := e.mustRun(0, "show", "kazakhstan/fr", "--at", log[0].LastSeen.Format(time.RFC3339Nano), "--format", "json")
	if !strings.Contains(atV1, `"version": 1`) {
		t.Errorf("show --at the last check of v1 did not give v1:\n%s", atV1)
	}
}

func TestScrapeFailuresLeaveArchiveAlone(t *testing.T) {
	e := newTestEnv(t)
	e.mustRun(0, "scrape")
	e.site.serve(500, "kazakhstan-fr-v2.html")
	r := scrapeJSON(t, e.mustRun(exitFailed, "scrape", "--json"))
	if r.Status != relwatch.StatusFailed || r.Error == "" || r.Version != 0 {
		t.Fatalf("500: %+v", r)
	}
	e.site.serve(200, "maintenance.html")
	r = scrapeJSON(t, e.mustRun(exitFailed, "scrape", "--json"))
	if r.Status != relwatch.StatusFailed || !strings.Contains(r.Error, "title") {
		t.Fatalf("maintenance page: %+v, want a failure saying the title is missing", r)
	}
	e.site.serve(200, "kazakhstan-fr-v1.html")
	r = scrapeJSON(t, e.mustRun(0, "scrape", "--json"))
	if r.Status != relwatch.StatusUnchanged || r.Version != 1 {
		t.Fatalf("after failures the baseline must still be v1: %+v", r)
	}

	var pages []history.PageEntry
	if err := json.Unmarshal([]byte(e.mustRun(0, "pages", "--json")), &pages); err != nil {
		t.Fatal(err)
	}
	if len(pages) != 1 || pages[0].LatestVersion == nil || *pages[0].LatestVersion != 1 || pages[0].ConsecutiveFailures != 0 || pages[0].LastCheck == nil {
		t.Fatalf("pages: %+v", pages)
	}
}

func TestReadOnlyCommandsNeverCreateAnArchive(t *testing.T) {
	e := newTestEnv(t)
	for _, args := range [][]string{
		{"log", "kazakhstan/fr"}, {"show", "kazakhstan/fr"}, {"diff", "kazakhstan/fr"}, {"pages"},
		{"reparse", "--dry-run"}, {"reparse"}, {"reparse", "kazakhstan/fr"}, {"search", "Kazakhstan"},
		{"check"}, {"export", filepath.Join(e.dir, "export")}, {"feed"},
	} {
		_, stderr, code := e.relwatch(args...)
		if code != exitUnusable || !strings.Contains(stderr, "history.db") {
			t.Errorf("relwatch %v on a missing archive: exit %d, stderr %q", args, code, stderr)
		}
		for _, f := range []string{e.db, e.db + ".lock", e.db + "-wal", filepath.Join(e.dir, "export")} {
			if _, err := os.Stat(f); !os.IsNotExist(err) {
				t.Fatalf("relwatch %v created %s", args, filepath.Base(f))
			}
		}
	}
}

func TestUsageErrors(t *testing.T) {
	e := newTestEnv(t)
	e.mustRun(0, "scrape")
	for _, args := range [][]string{
		{"frobnicate"},
		{"scrape", "--no-such-flag"},
		{"show"},
		{"show", "kazakhstan/fr", "--format", "pdf"},
		{"show", "kazakhstan/fr", "--at", "yesterday"},
		{"show", "kazakhstan/fr", "--version", "1", "--at", "2026-01-01"},
		{"show", "kazakhstan/fr", "--version", "0"}, // versions are numbered from 1
		{"show", "kazakhstan/fr", "--version", "sha256:12"},
		{"diff", "kazakhstan/fr"}, // only one version
		{"scrape", "--only", "georgia/en"},
	} {
		if _, stderr, code := e.relwatch(args...); code != exitUsage || stderr == "" {
			t.Errorf("relwatch %v: exit %d (stderr %q), want %d with a message", args, code, stderr, exitUsage)
		}
	}
	if _, stderr, code := e.relwatch("show", "georgia"); code == exitOK || !strings.Contains(stderr, "georgia") {
		t.Errorf("unknown page: exit %d, stderr %q", code, stderr)
	}
}

func TestHelpListsExitCodes(t *testing.T) {
	e := newTestEnv(t)
	out := e.mustRun(0, "--help")
	for _, want := range []string{"Exit codes:", "130", "scrape", "log", "show", "diff", "pages"} {
		if !strings.Contains(out, want) {
			t.Errorf("relwatch --help lacks %q", want)
		}
	}
}

func TestCheckSearchReparse(t *testing.T) {
	e := newTestEnv(t)
	e.mustRun(0, "scrape")
	e.site.serve(200, "kazakhstan-fr-v2.html")
	e.mustRun(0, "scrape")

	if out := e.mustRun(0, "check"); !strings.Contains(out, "ok") {
		t.Fatalf("check on a healthy archive: %q", out)
	}

	var hits []history.SearchHit
	if err := json.Unmarshal([]byte(e.mustRun(0, "search", "Steppe Eagle", "--json")), &hits); err != nil {
		t.Fatal(err)
	}
	if len(hits) != 2 || fmt.Sprint(hits[0].Versions, hits[1].Versions) != "[1] [2]" {
		t.Fatalf("Steppe Eagle: want the old bullet in v1 and the reworded one in v2, got %+v", hits)
	}
	if want := "Principaux domaines de coopération › Renforcement des capacités et de l’interopérabilité"; strings.Join(hits[0].Path, " › ") != want {
		t.Errorf("hit path %q, want %q", hits[0].Path, want)
	}
	// Accent-insensitive: "securite environnementale" finds "sécurité environnementale", in both versions.
	out := e.mustRun(0, "search", "securite environnementale", "--page", "kazakhstan/fr")
	if !strings.Contains(out, "sécurité environnementale") || !strings.Contains(out, "versions 1-2") {
		t.Fatalf("accent-insensitive search:\n%s", out)
	}

	if out := e.mustRun(0, "reparse", "--dry-run"); !strings.Contains(out, "kazakhstan/fr") || !strings.Contains(out, "unchanged") {
		t.Fatalf("reparse with the same parser should change nothing: %q", out)
	}
	var log []history.LogEntry
	if err := json.Unmarshal([]byte(e.mustRun(0, "log", "kazakhstan/fr", "--json")), &log); err != nil || len(log) != 2 {
		t.Fatalf("versions after reparse: %v %+v", err, log)
	}
}

func TestScrapeReportsAndSummary(t *testing.T) {
	e := newTestEnv(t)
	e.mustRun(0, "scrape")
	e.site.serve(200, "kazakhstan-fr-v2.html")
	reports := filepath.Join(e.dir, "reports")
	summary := filepath.Join(e.dir, "summary.md")
	out := e.mustRun(0, "scrape", "--report-dir", reports, "--summary", summary)
	if !strings.Contains(out, "1 page: 1 changed") {
		t.Errorf("run summary line missing: %q", out)
	}
	for _, ext := range []string{"md", "html", "json"} {
		data, err := os.ReadFile(filepath.Join(reports, "kazakhstan", "fr-v2."+ext))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(data), "multinationaux") {
			t.Errorf("report .%s does not show the edit", ext)
		}
	}
	data, err := os.ReadFile(summary)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"| kazakhstan/fr | changed | v2 | 14 Nov. 2026 10:05 |", "multinationaux"} {
		if !strings.Contains(string(data), want) {
			t.Errorf("summary lacks %q:\n%s", want, data)
		}
	}
}

func TestScrapeDeadline(t *testing.T) {
	e := newTestEnv(t)
	// The page would answer after 30 s: a scrape that ends well before
	// that did not wait for it (the bound is loose so that a busy
	// machine cannot fail it).
	e.site.slow(30 * time.Second)
	start := time.Now()
	r := scrapeJSON(t, e.mustRun(exitFailed, "scrape", "--json", "--deadline", "200ms"))
	if took := time.Since(start); took > 15*time.Second {
		t.Errorf("scrape --deadline 200ms took %v: it waited for the page", took)
	}
	if r.Status != relwatch.StatusFailed || r.ErrorKind != "deadline" {
		t.Fatalf("page not fetched by the deadline: %+v", r)
	}
	var pages []history.PageEntry
	if err := json.Unmarshal([]byte(e.mustRun(0, "pages", "--json")), &pages); err != nil {
		t.Fatal(err)
	}
	if len(pages) != 1 || pages[0].ConsecutiveFailures != 1 || pages[0].LastError == nil || !strings.Contains(*pages[0].LastError, "deadline") {
		t.Fatalf("the missed deadline should be a recorded failed check: %+v", pages)
	}
}

func TestScrapeInterrupted(t *testing.T) {
	e := newTestEnv(t)
	e.mustRun(0, "scrape")
	e.site.slow(30 * time.Second) // longer than the bound below
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(200*time.Millisecond, cancel) // what Ctrl-C does to the root context
	start := time.Now()
	var out, errb bytes.Buffer
	code := run(ctx, []string{"--config", e.cfg, "scrape"}, streams{Out: &out, Err: &errb})
	if code != exitInterrupted {
		t.Fatalf("interrupted scrape: exit %d, want %d\n%s%s", code, exitInterrupted, out.String(), errb.String())
	}
	if took := time.Since(start); took > 15*time.Second {
		t.Errorf("interrupted scrape took %v to stop: it waited for the page", took)
	}
	var pages []history.PageEntry
	if err := json.Unmarshal([]byte(e.mustRun(0, "pages", "--json")), &pages); err != nil {
		t.Fatal(err)
	}
	if pages[0].ConsecutiveFailures != 0 {
		t.Fatalf("an interrupted check was recorded as a failure: %+v", pages[0])
	}
}

func TestScrapeFlagsAShrunkPageAsSuspect(t *testing.T) {
	e := newTestEnv(t)
	e.mustRun(0, "scrape")
	e.site.serve(200, "kazakhstan-fr-shrunk.html")
	out := e.mustRun(0, "scrape", "--json")
	if !strings.Contains(out, `"error":null`) || !strings.Contains(out, `"error_kind":null`) || !strings.Contains(out, `"previous_version":1`) {
		t.Errorf("scrape --json must always carry its keys: %s", out)
	}
	r := scrapeJSON(t, out)
	if r.Status != relwatch.StatusChanged || r.Version != 2 || r.Suspect == "" {
		t.Fatalf("a page that lost most of its text: %+v, want changed v2 flagged suspect", r)
	}
	if log := e.mustRun(0, "log", "kazakhstan/fr"); !strings.Contains(log, "suspect") {
		t.Fatalf("log does not show the suspect version:\n%s", log)
	}
}

// TestRevertsAreCalledOut: a page that goes back to earlier content is
// said to have come back to that version in log, diff, reports and feed.
func TestRevertsAreCalledOut(t *testing.T) {
	e := newTestEnv(t)
	e.mustRun(0, "scrape")
	e.site.serve(200, "kazakhstan-fr-v2.html")
	e.mustRun(0, "scrape")
	e.site.serve(200, "kazakhstan-fr-v1.html")
	reports := filepath.Join(e.dir, "reports")
	e.mustRun(0, "scrape", "--report-dir", reports)

	const said = "the page came back to version 1"
	if out := e.mustRun(0, "log", "kazakhstan/fr"); !strings.Contains(out, said) {
		t.Errorf("log:\n%s", out)
	}
	var entries []struct {
		Version    int  `json:"version"`
		CameBackTo *int `json:"came_back_to"`
	}
	if err := json.Unmarshal([]byte(e.mustRun(0, "log", "kazakhstan/fr", "--json")), &entries); err != nil {
		t.Fatal(err)
	}
	for _, en := range entries {
		want := en.Version == 3
		if got := en.CameBackTo != nil; got != want || (want && *en.CameBackTo != 1) {
			t.Errorf("log --json version %d: came_back_to %v", en.Version, en.CameBackTo)
		}
	}
	if out := e.mustRun(0, "diff", "kazakhstan/fr"); !strings.Contains(out, said) {
		t.Errorf("diff:\n%s", out)
	}
	for _, ext := range []string{"md", "html"} {
		data, err := os.ReadFile(filepath.Join(reports, "kazakhstan", "fr-v3."+ext))
		if err != nil || !strings.Contains(strings.ToLower(string(data)), said) {
			t.Errorf("report .%s lacks %q (%v)", ext, said, err)
		}
	}
	data, err := os.ReadFile(filepath.Join(reports, "kazakhstan", "fr-v3.json"))
	if err != nil || !strings.Contains(string(data), `"came_back_to": {`) {
		t.Errorf("report .json lacks came_back_to (%v):\n%s", err, data)
	}
	if out := e.mustRun(0, "feed"); !strings.Contains(strings.ToLower(out), said) {
		t.Errorf("feed lacks %q:\n%s", said, out)
	}
	if out := e.mustRun(0, "diff", "kazakhstan/fr", "--from", "1", "--to", "2"); strings.Contains(out, "came back") {
		t.Errorf("diff 1→2 is no revert:\n%s", out)
	}
}
