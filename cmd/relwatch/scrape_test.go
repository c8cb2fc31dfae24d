package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/relwatch/relwatch"
	"github.com/relwatch/relwatch/history"
)

// writeTarget replaces the env's config with one target,
// kazakhstan/fr at url, and the given extra top-level lines.
func (e *testEnv) writeTarget(url, extra string) {
	e.t.Helper()
	yaml := fmt.Sprintf("archive: history.db\ndelay: 0s\nretries: 0\ntimeout: 5s\n%stargets:\n  - id: kazakhstan\n    lang: fr\n    url: '%s'\n", extra, url)
	if err := os.WriteFile(e.cfg, []byte(yaml), 0o644); err != nil {
		e.t.Fatal(err)
	}
}

// TestURLCredentialsNeverStored: a target URL with a secret in it — a
// password, a user name given alone (a token), a secret query parameter,
// built in or named by redact_params — is fetched, but the secret reaches
// none of the archive's files, the scrape's output, logs at debug level
// (the "fetch failed" line included), reports and summary, config check,
// nor what the read commands print from the archive.
func TestURLCredentialsNeverStored(t *testing.T) {
	const secret = "sekret7731"
	for _, tc := range []struct {
		name, userinfo, query, extra string
	}{
		{name: "password", userinfo: "u:" + secret + "@"},
		{name: "user only", userinfo: secret + "@"},
		{name: "query parameters", query: "&token=" + secret + "&access_token=" + secret + "%2Fx&session=" + secret, extra: "redact_params: [session]\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newTestEnv(t)
			target := strings.Replace(e.site.URL, "http://", "http://"+tc.userinfo, 1) + "/cps/fr/natohq/topics_49598.htm?selectedLocale=fr" + tc.query
			e.writeTarget(target, tc.extra)
			checkSecretNeverShown(t, e, secret)
		})
	}
}

func checkSecretNeverShown(t *testing.T, e *testEnv, secret string) {
	t.Helper()
	var outputs []string
	runs := func(want int, args ...string) string {
		t.Helper()
		out, errOut, code := e.relwatch(args...)
		if code != want {
			t.Fatalf("relwatch %s: exit %d, want %d\n%s\n%s", strings.Join(args, " "), code, want, out, errOut)
		}
		outputs = append(outputs, "relwatch "+strings.Join(args, " ")+" stdout:\n"+out, "relwatch "+strings.Join(args, " ")+" stderr:\n"+errOut)
		return out
	}
	reports, summary, export := filepath.Join(e.dir, "reports"), filepath.Join(e.dir, "summary.md"), filepath.Join(e.dir, "export")
	runs(0, "config", "check")
	first := scrapeJSON(t, runs(0, "--log-level", "debug", "scrape", "--json"))
	if first.Status != relwatch.StatusNew || first.URL == "" {
		t.Fatalf("first scrape: %+v", first)
	}
	if !strings.Contains(first.URL, "127.0.0.1") || !strings.Contains(first.URL, "topics_49598.htm") || !strings.Contains(first.URL, "xxxxx") {
		t.Errorf("scrape --json url %q should still name the page, its secret masked", first.URL)
	}
	e.site.serve(200, "kazakhstan-fr-v2.html")
	runs(0, "--log-level", "debug", "scrape", "--report-dir", reports, "--summary", summary)
	e.site.serve(503, "maintenance.html")
	runs(exitFailed, "--log-level", "debug", "--log-format", "text", "scrape", "--json")
	if !strings.Contains(outputs[len(outputs)-1], "fetch failed") {
		t.Errorf("no fetch failed line to check:\n%s", outputs[len(outputs)-1])
	}
	runs(0, "import", "kazakhstan/fr", filepath.Join("testdata", "kazakhstan-fr-v1.html"), "--at", "2020-01-01T00:00:00Z")
	runs(0, "show", "kazakhstan/fr", "--format", "json")
	runs(0, "show", "kazakhstan/fr", "--version", "1", "--format", "markdown")
	runs(0, "pages", "--json")
	runs(0, "pages")
	runs(0, "log", "kazakhstan/fr", "--json")
	runs(0, "feed")
	runs(0, "export", export)
	runs(0, "diff", "kazakhstan/fr", "--format", "json")

	for _, o := range outputs {
		if strings.Contains(o, secret) {
			t.Errorf("the secret leaked into %s", o)
		}
	}
	for name, data := range readTree(t, e.dir) {
		if name == "relwatch.yaml" {
			continue // the user's own config
		}
		if strings.Contains(data, secret) {
			t.Errorf("the secret leaked into %s", name)
		}
	}
	// The archive itself, main file and WAL, byte for byte.
	for _, suffix := range []string{"", "-wal"} {
		data, err := os.ReadFile(e.db + suffix)
		if err != nil {
			if suffix != "" && os.IsNotExist(err) {
				continue
			}
			t.Fatal(err)
		}
		if strings.Contains(string(data), secret) {
			t.Errorf("the secret is in %s", filepath.Base(e.db+suffix))
		}
	}
}

// TestPagesNamesTheErrorKindOnce: the archive stores a failed check's kind
// and message apart, and pages joins them; scrape once stored the whole
// error text, kind included, as the message ("http_status: http_status:
// HTTP 503").
func TestPagesNamesTheErrorKindOnce(t *testing.T) {
	e := newTestEnv(t)
	e.mustRun(0, "scrape")
	lastError := func() string {
		t.Helper()
		var pages []history.PageEntry
		if err := json.Unmarshal([]byte(e.mustRun(0, "pages", "--json")), &pages); err != nil || len(pages) != 1 {
			t.Fatalf("pages --json: %v %+v", err, pages)
		}
		if pages[0].LastError == nil {
			return ""
		}
		return *pages[0].LastError
	}
	for _, tt := range []struct {
		name, kind string
		prepare    func()
		args       []string
	}{
		{"HTTP 503", "http_status", func() { e.site.serve(503, "kazakhstan-fr-v1.html") }, nil},
		{"maintenance page", "no_title", func() { e.site.serve(200, "maintenance.html") }, nil},
		{"deadline", "deadline", func() {
			e.site.serve(200, "kazakhstan-fr-v1.html")
			e.site.slow(3 * time.Second)
		}, []string{"--deadline", "100ms"}},
	} {
		tt.prepare()
		r := scrapeJSON(t, e.mustRun(exitFailed, append([]string{"scrape", "--json"}, tt.args...)...))
		if r.ErrorKind != tt.kind {
			t.Errorf("%s: scrape --json %+v, want error_kind %s", tt.name, r, tt.kind)
		}
		got := lastError()
		rest, ok := strings.CutPrefix(got, tt.kind+": ")
		if !ok || strings.HasPrefix(rest, tt.kind) || strings.HasPrefix(rest, strings.ReplaceAll(tt.kind, "_", " ")+":") {
			t.Errorf("%s: pages last_error %q, want the kind %s once, then the message", tt.name, got, tt.kind)
		}
		if out := e.mustRun(0, "pages"); strings.Contains(out, tt.kind+": "+tt.kind) {
			t.Errorf("%s: pages repeats the kind:\n%s", tt.name, out)
		}
	}
}

// TestSummaryStampAfter304AndFailure: the summary's page stamp is the
// latest version's, also when the server answered 304 and when the check
// failed but the page has versions.
func TestSummaryStampAfter304AndFailure(t *testing.T) {
	e, _ := newETagEnv(t)
	e.mustRun(0, "scrape")
	summary := filepath.Join(e.dir, "summary.md")
	r := scrapeJSON(t, e.mustRun(0, "scrape", "--json", "--summary", summary))
	if r.Status != relwatch.StatusUnchanged || r.UpdatedRaw != "23 May. 2022 15:38" {
		t.Errorf("scrape --json after a 304: %+v, want updated_raw 23 May. 2022 15:38", r)
	}
	data, err := os.ReadFile(summary)
	if err != nil {
		t.Fatal(err)
	}
	if want := "| kazakhstan/fr | unchanged | v1 | 23 May. 2022 15:38 |"; !strings.Contains(string(data), want) {
		t.Errorf("summary after a 304 lacks %q:\n%s", want, data)
	}

	f := newTestEnv(t)
	f.mustRun(0, "scrape")
	f.site.serve(503, "kazakhstan-fr-v1.html")
	summary = filepath.Join(f.dir, "summary.md")
	r = scrapeJSON(t, f.mustRun(exitFailed, "scrape", "--json", "--summary", summary))
	if r.Status != relwatch.StatusFailed || r.UpdatedRaw != "23 May. 2022 15:38" {
		t.Errorf("scrape --json of a failed check: %+v, want updated_raw 23 May. 2022 15:38", r)
	}
	if data, err = os.ReadFile(summary); err != nil {
		t.Fatal(err)
	}
	if want := "| kazakhstan/fr | failed | - | 23 May. 2022 15:38 |"; !strings.Contains(string(data), want) {
		t.Errorf("summary after a failed check lacks %q:\n%s", want, data)
	}
}

// TestScrapeShowsStalePages: a page whose last success is older than
// stale_after is marked stale in scrape's text and JSON output, the run
// summary line, the Markdown summary and the exit message, not only in the
// exit code.
func TestScrapeShowsStalePages(t *testing.T) {
	e := newTestEnv(t)
	e.writeTarget(e.site.URL+"/cps/fr/natohq/topics_49598.htm?selectedLocale=fr", "stale_after: 50ms\n")
	e.mustRun(0, "scrape")
	time.Sleep(100 * time.Millisecond)
	e.site.serve(503, "kazakhstan-fr-v1.html")

	out, errOut, code := e.relwatch("scrape")
	if code != exitFailed {
		t.Fatalf("scrape of a stale page: exit %d, want %d\n%s%s", code, exitFailed, out, errOut)
	}
	if !strings.Contains(out, "failed    stale since ") || !strings.Contains(out, "(last success ") {
		t.Errorf("scrape's line does not say the page is stale:\n%s", out)
	}
	if !strings.Contains(out, "1 page: 1 failed (1 stale)") {
		t.Errorf("run summary line does not count the stale page:\n%s", out)
	}
	if !strings.Contains(errOut, "relwatch: 1 of 1 pages failed; stale (no successful check for over 50ms): kazakhstan/fr") {
		t.Errorf("exit message does not name the stale page:\n%s", errOut)
	}

	summary := filepath.Join(e.dir, "summary.md")
	jsonOut := e.mustRun(exitFailed, "scrape", "--json", "--summary", summary)
	var raw map[string]any
	if err := json.Unmarshal([]byte(jsonOut), &raw); err != nil {
		t.Fatal(err)
	}
	if raw["stale"] != true || raw["stale_since"] == nil || raw["last_success"] == nil {
		t.Errorf("scrape --json of a stale page: %s", jsonOut)
	}
	data, err := os.ReadFile(summary)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), "| kazakhstan/fr | failed, stale | - |") || !strings.Contains(string(data), "stale since ") {
		t.Errorf("Markdown summary does not mark the stale page:\n%s", data)
	}

	// A page checked successfully is not stale, and says so in JSON.
	e.site.serve(200, "kazakhstan-fr-v1.html")
	ok := e.mustRun(0, "scrape", "--json")
	if !strings.Contains(ok, `"stale":false`) || !strings.Contains(ok, `"stale_since":null`) {
		t.Errorf("scrape --json of a fresh page: %s", ok)
	}
}

// TestInterruptedPagesAreSkippedNotFailed: Ctrl-C during a run leaves the
// pages not yet checked "skipped": not failed in the output, the summary
// line or the Markdown summary, and not recorded; the exit is 130.
func TestInterruptedPagesAreSkippedNotFailed(t *testing.T) {
	e := newTestEnv(t)
	slowSite := newSite(t)
	yaml := fmt.Sprintf("archive: history.db\ndelay: 0s\nretries: 0\ntimeout: 10s\ntargets:\n"+
		"  - {id: kazakhstan, lang: fr, url: '%s/cps/fr/natohq/topics_49598.htm?selectedLocale=fr'}\n"+
		"  - {id: georgia, lang: fr, url: '%s/cps/fr/natohq/topics_38988.htm?selectedLocale=fr'}\n", e.site.URL, slowSite.URL)
	if err := os.WriteFile(e.cfg, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	e.mustRun(0, "scrape")
	slowSite.slow(5 * time.Second)
	summary := filepath.Join(e.dir, "summary.md")

	interrupted := func(args ...string) string {
		t.Helper()
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		// The stop signal comes once the fast page is checked (the log
		// says so), while the slow one is still being fetched: no clock,
		// so a busy machine gives the same run.
		var out bytes.Buffer
		errb := &cancelOnLine{want: `"msg":"checked","page":"kazakhstan/fr"`, cancel: cancel}
		args = append([]string{"--config", e.cfg, "--log-level", "info", "--log-format", "json"}, args...)
		code := run(ctx, args, streams{Out: &out, Err: errb})
		if code != exitInterrupted {
			t.Fatalf("interrupted scrape: exit %d, want %d\n%s%s", code, exitInterrupted, out.String(), errb.String())
		}
		return out.String()
	}
	out := interrupted("scrape", "--summary", summary)
	if !strings.Contains(out, "2 pages: 1 unchanged, 1 skipped (interrupted)") {
		t.Errorf("run summary line:\n%s", out)
	}
	if !strings.Contains(out, "georgia/fr               skipped") || strings.Contains(out, "failed") {
		t.Errorf("the page not checked should be skipped, not failed:\n%s", out)
	}
	data, err := os.ReadFile(summary)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), "| georgia/fr | skipped |") || strings.Contains(string(data), "failed") {
		t.Errorf("Markdown summary:\n%s", data)
	}

	var statuses []string
	for _, line := range strings.Split(strings.TrimSpace(interrupted("scrape", "--json")), "\n") {
		statuses = append(statuses, scrapeJSON(t, line).Status)
	}
	if fmt.Sprint(statuses) != "[unchanged skipped]" {
		t.Errorf("scrape --json statuses %v, want [unchanged skipped]", statuses)
	}
	var pages []history.PageEntry
	if err := json.Unmarshal([]byte(e.mustRun(0, "pages", "--json")), &pages); err != nil {
		t.Fatal(err)
	}
	for _, p := range pages {
		if p.ConsecutiveFailures != 0 {
			t.Errorf("a skipped page was recorded as failed: %+v", p)
		}
	}
}

// TestSummaryChangeHeadingsNestUnderTheRunHeading: each change's report in
// the Markdown summary is a part of the run's "## relwatch:" section, so
// its headings are ### and deeper (they were # and ##, which broke the
// job summary's outline).
func TestSummaryChangeHeadingsNestUnderTheRunHeading(t *testing.T) {
	e := newTestEnv(t)
	e.mustRun(0, "scrape")
	e.site.serve(200, "kazakhstan-fr-v2.html")
	summary := filepath.Join(e.dir, "summary.md")
	e.mustRun(0, "scrape", "--summary", summary)
	data, err := os.ReadFile(summary)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(data), "\n")
	if !strings.HasPrefix(lines[0], "## relwatch: ") {
		t.Fatalf("summary starts with %q", lines[0])
	}
	headings := 0
	for _, l := range lines[1:] {
		if !strings.HasPrefix(l, "#") {
			continue
		}
		headings++
		if !strings.HasPrefix(l, "### ") && !strings.HasPrefix(l, "####") {
			t.Errorf("heading %q is not below the run's ## heading", l)
		}
	}
	if headings < 2 {
		t.Errorf("summary has %d change headings, want the change's title and its sections:\n%s", headings, data)
	}
}

// cancelOnLine is a stderr that calls cancel once the log has a line
// containing want.
type cancelOnLine struct {
	mu     sync.Mutex
	b      bytes.Buffer
	want   string
	cancel func()
	done   bool
}

func (c *cancelOnLine) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.b.Write(p)
	if !c.done && strings.Contains(c.b.String(), c.want) {
		c.done = true
		c.cancel()
	}
	return len(p), nil
}

func (c *cancelOnLine) String() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.b.String()
}
