package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/relwatch/relwatch"
	"github.com/relwatch/relwatch/history"
	"github.com/relwatch/relwatch/internal/testsite"
	"github.com/relwatch/relwatch/track"
)

// faultSite is a loopback stand-in for nato.int whose answers (to the
// page, on every path, and to robots.txt) are swapped between scrapes, to
// play every way a fetch can fail through the CLI.
type faultSite struct{ *testsite.Site }

// faultPagePath is the target's path and query on the fault site.
const faultPagePath = "/cps/fr/natohq/topics_49598.htm?selectedLocale=fr"

// set replaces the answers and forgets the requests so far: page answers
// every path but /robots.txt, robots /robots.txt (nil: 404).
func (s *faultSite) set(page, robots testsite.Step) {
	s.Reset()
	s.Fallback(page)
	if robots != nil {
		s.On("/robots.txt", robots)
	} else {
		s.On("/robots.txt")
	}
}

// pageHits and robotsHits count the requests since set.
func (s *faultSite) pageHits() int64 {
	return int64(len(s.AllHits()) - len(s.Hits("/robots.txt")))
}

func (s *faultSite) robotsHits() int64 { return int64(len(s.Hits("/robots.txt"))) }

func (s *faultSite) url(path string) string { return s.At(path) }

// fixture answers 200 with a testdata page, its chrome token fresh on
// every request.
func (s *faultSite) fixture(name string) testsite.Step {
	return testsite.Fixture(filepath.Join("testdata", name))
}

func faultRedirect(location string) testsite.Step {
	return testsite.Redirect(http.StatusFound, location)
}

// faultMaxBody is the test config's max_body; the fixtures are ~6 KB.
const faultMaxBody = 64 << 10

// faultBig is a well-formed page of twice max_body: it would parse.
func faultBig() string {
	var b strings.Builder
	b.WriteString("<!DOCTYPE html><html><head><title>Relations avec le Kazakhstan</title></head><body><h1>Relations avec le Kazakhstan</h1>")
	for b.Len() < 2*faultMaxBody {
		b.WriteString("<p>L’OTAN et le Kazakhstan coopèrent dans de nombreux domaines depuis des années.</p>\n")
	}
	b.WriteString("</body></html>")
	return b.String()
}

// faultShortTimeout is the target setting of the timeout rows: robots.txt
// is not asked for, so that only the page meets the short timeout.
const faultShortTimeout = "    timeout: 300ms\n    respect_robots: false\n"

// faultEnv is a temporary archive and config pointing at a fault site.
type faultEnv struct {
	*testEnv
	fs *faultSite
}

// newFaultEnv starts a fault site serving version A and writes a config
// with small retries, timeouts and body limit.
func newFaultEnv(t *testing.T) *faultEnv {
	t.Helper()
	fs := &faultSite{testsite.New(t)}
	fs.set(fs.fixture("kazakhstan-fr-v1.html"), nil)
	dir := t.TempDir()
	e := &faultEnv{
		testEnv: &testEnv{t: t, dir: dir, cfg: filepath.Join(dir, "relwatch.yaml"), db: filepath.Join(dir, "history.db")},
		fs:      fs,
	}
	e.configure("")
	return e
}

// configure rewrites the config; targetExtra is added to the target's own
// settings (indented YAML lines), e.g. a short timeout for one scrape.
func (e *faultEnv) configure(targetExtra string) {
	e.t.Helper()
	yaml := fmt.Sprintf(`archive: history.db
delay: 0s
retries: 1
timeout: 3s
max_body: %d
targets:
  - id: kazakhstan
    lang: fr
    url: %s
%s`, faultMaxBody, e.fs.url(faultPagePath), targetExtra)
	if err := os.WriteFile(e.cfg, []byte(yaml), 0o644); err != nil {
		e.t.Fatal(err)
	}
}

// log returns `log kazakhstan/fr --json`, raw and decoded.
func (e *faultEnv) log() (string, []history.LogEntry) {
	e.t.Helper()
	raw := e.mustRun(0, "log", "kazakhstan/fr", "--json")
	var entries []history.LogEntry
	if err := json.Unmarshal([]byte(raw), &entries); err != nil {
		e.t.Fatalf("log --json: %v\n%s", err, raw)
	}
	return raw, entries
}

func (e *faultEnv) pages() history.PageEntry {
	e.t.Helper()
	var pages []history.PageEntry
	if err := json.Unmarshal([]byte(e.mustRun(0, "pages", "--json")), &pages); err != nil {
		e.t.Fatal(err)
	}
	if len(pages) != 1 {
		e.t.Fatalf("pages: %+v", pages)
	}
	return pages[0]
}

// scrape runs `scrape --json` and checks the exit code.
func (e *faultEnv) scrape(wantCode int) track.Result {
	e.t.Helper()
	return scrapeJSON(e.t, e.mustRun(wantCode, "scrape", "--json"))
}

// TestScrapeFaults plays every fetch failure mode through the CLI after a
// good scrape of version A: the run exits 3, scrape --json names the
// error kind, the page's log is unchanged byte for byte (no version, no
// change, no moved last_seen or checks), the failure is recorded as a
// failed check, and the next good answer is still v1, unchanged.
func TestScrapeFaults(t *testing.T) {
	// A host name other than 127.0.0.1 is another site; nothing listens
	// there and nothing must be asked (the redirect is refused before).
	offsite := "http://127.0.0.2:9/cps/fr/natohq/topics_49598.htm"
	rows := []struct {
		name   string
		extra  string // target settings
		page   func(s *faultSite) testsite.Step
		robots testsite.Step
		kind   string // "" for a check that succeeds (unchanged v1)
		hits   int64  // page requests expected; -1: not checked
	}{
		{name: "500 every time", page: func(*faultSite) testsite.Step { return testsite.Status(500) }, kind: "http_status", hits: 2},
		{name: "502 every time", page: func(*faultSite) testsite.Step { return testsite.Status(502) }, kind: "http_status", hits: 2},
		{name: "503 every time", page: func(*faultSite) testsite.Step { return testsite.Status(503) }, kind: "http_status", hits: 2},
		{name: "504 every time", page: func(*faultSite) testsite.Step { return testsite.Status(504) }, kind: "http_status", hits: 2},
		{name: "404", page: func(*faultSite) testsite.Step { return testsite.Status(404) }, kind: "http_status", hits: 1},
		{name: "410", page: func(*faultSite) testsite.Step { return testsite.Status(410) }, kind: "http_status", hits: 1},
		{name: "403", page: func(*faultSite) testsite.Step { return testsite.Status(403) }, kind: "http_status", hits: 1},
		{name: "401", page: func(*faultSite) testsite.Step { return testsite.Status(401) }, kind: "http_status", hits: 1},
		{name: "403 bot challenge", page: func(*faultSite) testsite.Step { return testsite.Status(403, "cf-mitigated", "challenge") }, kind: "blocked", hits: 1},
		{name: "403 from Akamai", page: func(*faultSite) testsite.Step { return testsite.Status(403, "Server", "AkamaiGHost") }, kind: "blocked", hits: 1},
		{name: "503 bot challenge", page: func(*faultSite) testsite.Step { return testsite.Status(503, "cf-mitigated", "challenge") }, kind: "blocked", hits: 1},
		{name: "429 Retry-After 1 then A", page: func(s *faultSite) testsite.Step {
			return testsite.Seq(testsite.Status(429, "Retry-After", "1"), s.fixture("kazakhstan-fr-v1.html"))
		}, kind: "", hits: 2},
		{name: "500 then A", page: func(s *faultSite) testsite.Step {
			return testsite.Seq(testsite.Status(500), s.fixture("kazakhstan-fr-v1.html"))
		}, kind: "", hits: 2},
		{name: "429 every time", page: func(*faultSite) testsite.Step { return testsite.Status(429) }, kind: "http_status", hits: 2},
		{name: "429 Retry-After beyond the cap", page: func(*faultSite) testsite.Step { return testsite.Status(429, "Retry-After", "86400") }, kind: "deferred", hits: 1},
		{name: "503 Retry-After date beyond the cap", page: func(*faultSite) testsite.Step {
			return testsite.Status(503, "Retry-After", time.Now().Add(3*time.Hour).UTC().Format(http.TimeFormat))
		}, kind: "deferred", hits: 1},
		{name: "redirect to another host", page: func(*faultSite) testsite.Step { return faultRedirect(offsite) }, kind: "redirect_offsite", hits: 1},
		{name: "redirect to a non-http scheme", page: func(*faultSite) testsite.Step { return faultRedirect("file:///etc/passwd") }, kind: "redirect_offsite", hits: 1},
		{name: "redirect loop", page: func(s *faultSite) testsite.Step {
			return func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == "/moved" {
					faultRedirect(faultPagePath)(w, r)
					return
				}
				faultRedirect("/moved")(w, r)
			}
		}, kind: "redirect_loop", hits: 2},
		{name: "more than 10 redirects", page: func(s *faultSite) testsite.Step {
			return func(w http.ResponseWriter, r *http.Request) {
				var n int
				fmt.Sscanf(r.URL.Path, "/hop/%d", &n)
				faultRedirect(fmt.Sprintf("/hop/%d", n+1))(w, r)
			}
		}, kind: "redirect_loop", hits: 11},
		{name: "wrong content type pdf", page: func(*faultSite) testsite.Step {
			return testsite.Answer(200, "application/pdf", "%PDF-1.4\n% relations avec le Kazakhstan\n")
		}, kind: "wrong_type", hits: 1},
		{name: "wrong content type json", page: func(*faultSite) testsite.Step {
			return testsite.Answer(200, "application/json", `{"title":"Relations avec le Kazakhstan"}`)
		}, kind: "wrong_type", hits: 1},
		{name: "wrong content type png", page: func(*faultSite) testsite.Step {
			return testsite.Answer(200, "image/png", "\x89PNG\r\n\x1a\n")
		}, kind: "wrong_type", hits: 1},
		{name: "206 partial content", page: func(*faultSite) testsite.Step {
			return testsite.Answer(206, "text/html; charset=utf-8", "<!DOCTYPE html><html><head><title>Relations")
		}, kind: "wrong_type", hits: 1},
		{name: "unsupported Content-Encoding", page: func(*faultSite) testsite.Step { return testsite.GzipBomb(1, "br") }, kind: "wrong_type", hits: 1},
		{name: "gzip bomb over max_body", page: func(*faultSite) testsite.Step { return testsite.GzipBomb(2, "gzip") }, kind: "too_large", hits: 1},
		{name: "204 no content", page: func(*faultSite) testsite.Step { return testsite.Answer(204, "text/html", "") }, kind: "wrong_type", hits: 1},
		{name: "body over max_body", page: func(*faultSite) testsite.Step {
			big := faultBig()
			return func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/html; charset=utf-8")
				w.(http.Flusher).Flush() // chunked: no Content-Length to judge by
				fmt.Fprint(w, big)
			}
		}, kind: "too_large", hits: 1},
		{name: "Content-Length over max_body", page: func(*faultSite) testsite.Step {
			big := faultBig()
			return testsite.Answer(200, "text/html; charset=utf-8", big, "Content-Length", strconv.Itoa(len(big)))
		}, kind: "too_large", hits: 1},
		{name: "truncated body", page: func(*faultSite) testsite.Step { return testsite.Cut(false) }, kind: "network", hits: 2},
		{name: "connection reset mid-body", page: func(*faultSite) testsite.Step { return testsite.Cut(true) }, kind: "network", hits: 2},
		{name: "connection reset before the answer", page: func(*faultSite) testsite.Step { return testsite.Reset }, kind: "network", hits: 2},
		{name: "timeout waiting for headers", extra: faultShortTimeout, page: func(s *faultSite) testsite.Step {
			return testsite.Slow(5*time.Second, s.fixture("kazakhstan-fr-v2.html"))
		}, kind: "timeout", hits: 2},
		{name: "timeout on a trickling body", extra: faultShortTimeout, page: func(*faultSite) testsite.Step { return testsite.Trickle(100 * time.Millisecond) }, kind: "timeout", hits: 2},
		{name: "robots.txt disallows the page", page: func(s *faultSite) testsite.Step { return s.fixture("kazakhstan-fr-v2.html") },
			robots: testsite.Answer(200, "text/plain", "User-agent: *\nDisallow: /cps/\n"), kind: "robots_disallowed", hits: 0},
		{name: "robots.txt disallows relwatch", page: func(s *faultSite) testsite.Step { return s.fixture("kazakhstan-fr-v2.html") },
			robots: testsite.Answer(200, "text/plain", "User-agent: *\nAllow: /\n\nUser-agent: relwatch\nDisallow: /\n"), kind: "robots_disallowed", hits: 0},
		{name: "robots.txt 500", page: func(s *faultSite) testsite.Step { return s.fixture("kazakhstan-fr-v2.html") },
			robots: testsite.Status(500), kind: "robots_unavailable", hits: 0},
		{name: "robots.txt 503", page: func(s *faultSite) testsite.Step { return s.fixture("kazakhstan-fr-v2.html") },
			robots: testsite.Status(503), kind: "robots_unavailable", hits: 0},
		{name: "robots.txt 429", page: func(s *faultSite) testsite.Step { return s.fixture("kazakhstan-fr-v2.html") },
			robots: testsite.Status(429), kind: "robots_unavailable", hits: 0},
		{name: "robots.txt times out", extra: "    timeout: 300ms\n", page: func(s *faultSite) testsite.Step { return s.fixture("kazakhstan-fr-v2.html") },
			robots: testsite.Slow(5*time.Second, testsite.Answer(200, "text/plain", "")), kind: "robots_unavailable", hits: 0},
		{name: "robots.txt 404 allows", page: func(s *faultSite) testsite.Step { return s.fixture("kazakhstan-fr-v1.html") },
			robots: testsite.Status(404), kind: "", hits: 1},
		{name: "robots.txt 403 allows", page: func(s *faultSite) testsite.Step { return s.fixture("kazakhstan-fr-v1.html") },
			robots: testsite.Status(403), kind: "", hits: 1},
		{name: "robots.txt allowing the page", page: func(s *faultSite) testsite.Step { return s.fixture("kazakhstan-fr-v1.html") },
			robots: testsite.Answer(200, "text/plain", "User-agent: *\nDisallow: /private/\n"), kind: "", hits: 1},
		{name: "empty 200 body", page: func(*faultSite) testsite.Step { return testsite.Answer(200, "text/html; charset=utf-8", "") }, kind: "no_title", hits: 1},
		{name: "maintenance page", page: func(s *faultSite) testsite.Step { return s.fixture("maintenance.html") }, kind: "no_title", hits: 1},
		{name: "title but no content", page: func(*faultSite) testsite.Step {
			return testsite.Answer(200, "text/html; charset=utf-8",
				"<!DOCTYPE html><html><head><title>Relations avec le Kazakhstan</title></head><body><h1>Relations avec le Kazakhstan</h1></body></html>")
		}, kind: "no_content", hits: 1},
	}
	for _, row := range rows {
		t.Run(row.name, func(t *testing.T) {
			t.Parallel()
			e := newFaultEnv(t)
			if r := e.scrape(0); r.Status != relwatch.StatusNew || r.Version != 1 {
				t.Fatalf("good scrape of A: %+v", r)
			}
			before, _ := e.log()

			e.configure(row.extra)
			e.fs.set(row.page(e.fs), row.robots)
			if row.kind == "" {
				r := e.scrape(0)
				if r.Status != relwatch.StatusUnchanged || r.Version != 1 || r.ErrorKind != "" {
					t.Fatalf("scrape --json: %+v, want unchanged v1", r)
				}
				_, entries := e.log()
				if len(entries) != 1 || entries[0].Checks != 2 {
					t.Fatalf("log after a good check: %+v, want v1 seen by 2 checks", entries)
				}
			} else {
				r := e.scrape(exitFailed)
				if r.Status != relwatch.StatusFailed || r.ErrorKind != row.kind || r.Version != 0 || r.Error == "" {
					t.Fatalf("scrape --json: %+v, want failed with error_kind %s", r, row.kind)
				}
				after, entries := e.log()
				if row.kind == relwatch.KindRedirectOffsite {
					// A redirect off the site removes the page at once:
					// the log gains that removal, and nothing else.
					if len(entries) != 1 || len(entries[0].Removals) != 1 || entries[0].Removals[0].ErrorKind != row.kind {
						t.Fatalf("log after a redirect off the site: %s, want v1 with one removal", after)
					}
					entries[0].Removals = []history.RemovalView{}
					var b bytes.Buffer
					history.WriteLogJSON(&b, entries)
					after = b.String()
				}
				if after != before {
					t.Fatalf("a failed check changed the log:\nbefore %s\nafter  %s", before, after)
				}
				p := e.pages()
				if p.LatestVersion == nil || *p.LatestVersion != 1 || p.ConsecutiveFailures != 1 || p.LastError == nil || !strings.Contains(*p.LastError, row.kind) {
					t.Fatalf("pages after the failure: %+v, want v1, 1 failed check naming %s", p, row.kind)
				}
			}
			if row.hits >= 0 {
				if n := e.fs.pageHits(); n != row.hits {
					t.Errorf("%d page requests, want %d", n, row.hits)
				}
			}
			if row.robots != nil {
				if n := e.fs.robotsHits(); n < 1 {
					t.Errorf("robots.txt requested %d times", n)
				}
			}

			// The baseline did not move: A again is unchanged v1.
			e.configure("")
			e.fs.set(e.fs.fixture("kazakhstan-fr-v1.html"), nil)
			if r := e.scrape(0); r.Status != relwatch.StatusUnchanged || r.Version != 1 {
				t.Fatalf("A after the fault: %+v, want unchanged v1", r)
			}
		})
	}

	t.Run("other port on loopback is a private address", func(t *testing.T) {
		t.Parallel()
		other := testsite.New(t) // unscripted: every request a 404
		e := newFaultEnv(t)
		e.scrape(0)
		before, _ := e.log()
		e.fs.set(faultRedirect(other.URL+faultPagePath), nil)
		if r := e.scrape(exitFailed); r.ErrorKind != "private_address" {
			t.Fatalf("scrape --json: %+v, want private_address", r)
		}
		if after, _ := e.log(); after != before {
			t.Fatalf("log changed:\nbefore %s\nafter  %s", before, after)
		}
		if n := len(other.AllHits()); n != 0 {
			t.Errorf("the other server got %d requests", n)
		}
	})

	// 200 (A) → 500 → 200 (B): one change, A → B, dated from the last good
	// check of A, not from the failed check.
	t.Run("A 500 B is one change", func(t *testing.T) {
		t.Parallel()
		e := newFaultEnv(t)
		e.scrape(0)
		_, v1 := e.log()
		e.fs.set(testsite.Status(500), nil)
		failedAt := time.Now()
		e.scrape(exitFailed)
		e.fs.set(e.fs.fixture("kazakhstan-fr-v2.html"), nil)
		if r := e.scrape(0); r.Status != relwatch.StatusChanged || r.Version != 2 || r.PreviousVersion != 1 {
			t.Fatalf("B after the 500: %+v, want changed v2 (was v1)", r)
		}
		_, entries := e.log()
		if len(entries) != 2 || entries[0].Version != 1 || entries[1].Version != 2 {
			t.Fatalf("log: %+v, want v1 and v2", entries)
		}
		if entries[0].Checks != 1 || !entries[0].LastSeen.Equal(v1[0].LastSeen.Time) {
			t.Errorf("v1 after the failed check: checks %d last seen %v, want 1 and %v", entries[0].Checks, entries[0].LastSeen, v1[0].LastSeen)
		}
		if ca := entries[1].ChangedAfter; ca == nil || !ca.Equal(v1[0].LastSeen.Time) || !ca.Before(failedAt) {
			t.Errorf("v2 changed after %v, want the last good check of A, %v (the failed check was at %v)", ca, v1[0].LastSeen, failedAt)
		}
		var d struct {
			Changes []json.RawMessage `json:"changes"`
		}
		if err := json.Unmarshal([]byte(e.mustRun(0, "diff", "kazakhstan/fr", "--format", "json")), &d); err != nil || len(d.Changes) == 0 {
			t.Errorf("diff v1 → v2: %v, %d changes", err, len(d.Changes))
		}
	})

	// 200 (A) → 429 → 200 (A): nothing changed; only the good checks count.
	t.Run("A 429 A is no change", func(t *testing.T) {
		t.Parallel()
		e := newFaultEnv(t)
		e.scrape(0)
		e.fs.set(testsite.Status(429), nil)
		if r := e.scrape(exitFailed); r.ErrorKind != "http_status" {
			t.Fatalf("429: %+v", r)
		}
		e.fs.set(e.fs.fixture("kazakhstan-fr-v1.html"), nil)
		if r := e.scrape(0); r.Status != relwatch.StatusUnchanged || r.Version != 1 {
			t.Fatalf("A after the 429: %+v, want unchanged v1", r)
		}
		_, entries := e.log()
		if len(entries) != 1 || entries[0].Version != 1 || entries[0].Checks != 2 || entries[0].ChangedAfter != nil {
			t.Fatalf("log: %+v, want only v1, seen by the 2 good checks", entries)
		}
	})
}
