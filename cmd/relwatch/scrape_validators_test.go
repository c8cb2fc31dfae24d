package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/relwatch/relwatch"
	"github.com/relwatch/relwatch/internal/testsite"
)

// etagPath is the page's path on the validating site.
const etagPath = "/cps/fr/natohq/topics_49598.htm"

// etagSite serves one fixture with an ETag (and Last-Modified), and
// answers a matching If-None-Match with 304.
type etagSite struct {
	*testsite.Site
	etag string // the ETag it sends
}

// lastIfNoneMatch is the If-None-Match of the latest page request, ""
// when it had none.
func (s *etagSite) lastIfNoneMatch(t *testing.T) string {
	t.Helper()
	hits := s.Hits(etagPath)
	if len(hits) == 0 {
		t.Fatal("the site got no request")
	}
	return hits[len(hits)-1].Header.Get("If-None-Match")
}

// newETagEnv is a test env whose page is served by an etagSite.
func newETagEnv(t *testing.T) (*testEnv, *etagSite) {
	t.Helper()
	e := newTestEnv(t)
	data, err := os.ReadFile(filepath.Join("testdata", "kazakhstan-fr-v1.html"))
	if err != nil {
		t.Fatal(err)
	}
	body := strings.ReplaceAll(string(data), "{{TOKEN}}", "tok")
	modified := time.Date(2026, 11, 20, 6, 0, 0, 0, time.UTC)
	s := &etagSite{Site: testsite.New(t), etag: testsite.ETagOf(body)}
	s.On(etagPath, testsite.Validated(func() string { return body }, func() time.Time { return modified }))
	yaml := fmt.Sprintf(`archive: history.db
delay: 0s
retries: 0
timeout: 5s
targets:
  - id: kazakhstan
    lang: fr
    url: %s%s?selectedLocale=fr
`, s.URL, etagPath)
	if err := os.WriteFile(e.cfg, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	return e, s
}

// TestNoValidatorsAfterANewerImportedVersion: a live scrape keeps the
// page's ETag; an import then records a newer version of the page. The
// next scrape must not ask "has it changed since the live capture?": a
// 304 would be recorded against the imported version, which the server
// never served. It must fetch the page and record what it really holds.
func TestNoValidatorsAfterANewerImportedVersion(t *testing.T) {
	e, s := newETagEnv(t)
	if r := scrapeJSON(t, e.mustRun(0, "scrape", "--json")); r.Status != relwatch.StatusNew || r.Version != 1 {
		t.Fatalf("first scrape: %+v", r)
	}
	// While the live capture's version is the latest, validators are sent.
	if r := scrapeJSON(t, e.mustRun(0, "scrape", "--json")); r.Status != relwatch.StatusUnchanged || r.Version != 1 {
		t.Fatalf("second scrape: %+v", r)
	}
	if got := s.lastIfNoneMatch(t); got != s.etag {
		t.Fatalf("second scrape sent If-None-Match %q, want the stored ETag", got)
	}
	live := e.versionsOf("kazakhstan/fr")
	if len(live) != 1 {
		t.Fatalf("log after live scrapes: %+v", live)
	}

	// A saved copy of another content, captured after the live checks.
	at := live[0].LastSeen.Add(time.Millisecond).Format(time.RFC3339Nano)
	saved := filepath.Join("testdata", "kazakhstan-fr-v2.html")
	if out := e.mustRun(0, "import", "kazakhstan/fr", saved, "--at", at); !strings.Contains(out, "v2") {
		t.Fatalf("import: %s", out)
	}
	imported := e.versionsOf("kazakhstan/fr")
	if len(imported) != 2 || imported[1].Source != "import" {
		t.Fatalf("log after import: %+v", imported)
	}

	r := scrapeJSON(t, e.mustRun(0, "scrape", "--json"))
	if got := s.lastIfNoneMatch(t); got != "" {
		t.Errorf("scrape after the import sent If-None-Match %q; want no validators", got)
	}
	if r.Status != relwatch.StatusChanged || r.Version != 3 || r.PreviousVersion != 2 {
		t.Errorf("scrape after the import: %+v, want changed v3 (was v2)", r)
	}
	l := e.versionsOf("kazakhstan/fr")
	if len(l) != 3 || l[2].ContentHash != l[0].ContentHash || l[2].Source != "live" {
		t.Errorf("log after the scrape: %+v; want v3 with v1's content, live", l)
	}

	// The new live capture saw the latest version: validators again.
	if r := scrapeJSON(t, e.mustRun(0, "scrape", "--json")); r.Status != relwatch.StatusUnchanged || r.Version != 3 {
		t.Errorf("scrape after that: %+v", r)
	}
	if got := s.lastIfNoneMatch(t); got != s.etag {
		t.Errorf("last scrape sent If-None-Match %q, want the stored ETag", got)
	}
}

// writeConfig points the env's config at the env's site with the given
// targets (id, lang pairs).
func (e *testEnv) writeConfig(siteURL string, pages ...[2]string) {
	e.t.Helper()
	yaml := "archive: history.db\ndelay: 0s\nretries: 0\ntimeout: 5s\ntargets:\n"
	for i, p := range pages {
		yaml += fmt.Sprintf("  - id: %q\n    lang: %q\n    url: %s/page%d.htm\n", p[0], p[1], siteURL, i)
	}
	if err := os.WriteFile(e.cfg, []byte(yaml), 0o644); err != nil {
		e.t.Fatal(err)
	}
}

// TestReportDirNamesCannotCollide: pages a-b/c and a/b-c once both wrote
// a-b-c-<version>.* and one page's report overwrote the other's.
func TestReportDirNamesCannotCollide(t *testing.T) {
	e := newTestEnv(t)
	e.writeConfig(e.site.URL, [2]string{"a-b", "c"}, [2]string{"a", "b-c"})
	e.mustRun(0, "scrape")
	e.site.serve(200, "kazakhstan-fr-v2.html")
	reports := filepath.Join(e.dir, "reports")
	e.mustRun(0, "scrape", "--report-dir", reports)

	got := map[string]string{}
	err := filepath.WalkDir(reports, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		rel, _ := filepath.Rel(reports, path)
		got[filepath.ToSlash(rel)] = string(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{}
	for _, ext := range []string{"md", "html", "json"} {
		want["a-b/c-v2."+ext] = "a-b/c"
		want["a/b-c-v2."+ext] = "a/b-c"
	}
	if len(got) != len(want) {
		t.Errorf("report files %v, want %d: %v", sortedKeys(got), len(want), sortedKeys(want))
	}
	for name, page := range want {
		data, ok := got[name]
		switch {
		case !ok:
			t.Errorf("no report %s", name)
		case !strings.Contains(data, page) || !strings.Contains(data, "multinationaux"):
			t.Errorf("report %s is not the change of %s:\n%.300s", name, page, data)
		}
	}

	// An id that is no plain file name is refused before anything is
	// fetched, not written outside DIR.
	e.writeConfig(e.site.URL, [2]string{"..", "fr"})
	before := e.site.pageRequests()
	_, stderr, code := e.relwatch("scrape", "--report-dir", reports)
	if code != exitUsage || !strings.Contains(stderr, `".."`) {
		t.Errorf("scrape --report-dir with id \"..\": exit %d, stderr %q", code, stderr)
	}
	if n := e.site.pageRequests(); n != before {
		t.Errorf("a refused scrape fetched %d pages", n-before)
	}
}

// TestReportDatesAreTheArchives: the report scrape writes for a change
// must give the new version the first_seen that log and diff give it (the
// archive dates a version by when its first check started, not when it
// finished), and end the change's window there too.
func TestReportDatesAreTheArchives(t *testing.T) {
	e := newTestEnv(t)
	e.mustRun(0, "scrape")
	e.site.serve(200, "kazakhstan-fr-v2.html")
	e.site.slow(50 * time.Millisecond) // the check lasts: started and finished differ
	reports := filepath.Join(e.dir, "reports")
	e.mustRun(0, "scrape", "--report-dir", reports)

	type dates struct {
		To struct {
			FirstSeen *time.Time `json:"first_seen"`
		} `json:"to"`
		WindowStart *time.Time `json:"window_start"`
		WindowEnd   *time.Time `json:"window_end"`
	}
	read := func(what string, data []byte) dates {
		t.Helper()
		var d dates
		if err := json.Unmarshal(data, &d); err != nil {
			t.Fatalf("%s: %v\n%s", what, err, data)
		}
		if d.To.FirstSeen == nil || d.WindowStart == nil || d.WindowEnd == nil {
			t.Fatalf("%s lacks a date: %s", what, data)
		}
		return d
	}
	data, err := os.ReadFile(filepath.Join(reports, "kazakhstan", "fr-v2.json"))
	if err != nil {
		t.Fatal(err)
	}
	report := read("scrape report", data)
	l := e.versionsOf("kazakhstan/fr")
	if len(l) != 2 {
		t.Fatalf("log: %+v", l)
	}
	if !report.To.FirstSeen.Equal(l[1].FirstSeen.Time) {
		t.Errorf("report first_seen %s, log --json first_seen %s", report.To.FirstSeen, l[1].FirstSeen)
	}
	if !report.WindowEnd.Equal(l[1].FirstSeen.Time) {
		t.Errorf("report window_end %s, want log's first_seen %s", report.WindowEnd, l[1].FirstSeen)
	}
	if l[1].ChangedAfter == nil || !report.WindowStart.Equal(l[1].ChangedAfter.Time) {
		t.Errorf("report window_start %s, log changed_after %v", report.WindowStart, l[1].ChangedAfter)
	}
	d := read("diff --format json", []byte(e.mustRun(0, "diff", "kazakhstan/fr", "--format", "json")))
	if !d.To.FirstSeen.Equal(*report.To.FirstSeen) || !d.WindowEnd.Equal(*report.WindowEnd) || !d.WindowStart.Equal(*report.WindowStart) {
		t.Errorf("scrape report dates %+v, diff's %+v", report, d)
	}
}
