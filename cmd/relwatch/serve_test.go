package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/relwatch/relwatch/archive"
	"github.com/relwatch/relwatch/config"
	"github.com/relwatch/relwatch/internal/testsite"
	"github.com/relwatch/relwatch/scraper"
	"github.com/relwatch/relwatch/serve"
)

// fixedPage answers body with its chrome token fixed, so that two
// versions differ only where the test edits them.
func fixedPage(body string) testsite.Step {
	return testsite.Page(strings.ReplaceAll(body, "{{TOKEN}}", "tok"))
}

func readFixture(t testing.TB, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// The two variants of the XSS page whose content hashes share their first
// six hex digits (2fc23a), for "a hash prefix shared by two versions";
// collidingVariants finds others if a parser change moved the hashes.
var collidingPair = [2]string{"c3671", "c7577"}

func collidingVariants(t testing.TB, page string) (a, b, prefix string) {
	t.Helper()
	hash := func(variant string) string {
		body := strings.ReplaceAll(page, "{{VARIANT}}", variant)
		p, err := scraper.Parse([]byte(body), "text/html; charset=utf-8", "http://127.0.0.1/collide", scraper.ParseOptions{})
		if err != nil {
			t.Fatalf("parse the XSS fixture: %v", err)
		}
		return strings.TrimPrefix(p.Snapshot.ContentHash, "sha256:")
	}
	if ha, hb := hash(collidingPair[0]), hash(collidingPair[1]); ha[:6] == hb[:6] && ha != hb {
		return collidingPair[0], collidingPair[1], ha[:6]
	}
	seen := map[string]string{}
	for i := range 200000 {
		v := fmt.Sprintf("c%d", i)
		h := hash(v)
		if o, ok := seen[h[:6]]; ok {
			t.Logf("the XSS fixture's colliding variants are now %s and %s: update collidingPair", o, v)
			return o, v, h[:6]
		}
		seen[h[:6]] = v
	}
	t.Fatal("no two variants of the XSS fixture share a 6-digit hash prefix")
	return
}

// serveFixture is an archive scraped from the fixture pages (five
// layouts, the French edit and back, the XSS page edited, two versions
// whose hashes share a prefix) and relwatch serve's handler over it.
type serveFixture struct {
	env    *testEnv
	site   *testsite.Site
	arc    *archive.Archive
	srv    *httptest.Server
	prefix string // a 6-hex prefix of versions 1 and 2 of collide/en
	xss    string // the XSS page, {{VARIANT}} unfilled
}

func newServeFixture(t *testing.T, opts serve.Options) *serveFixture {
	t.Helper()
	pages := filepath.Join("..", "..", "scraper", "testdata", "pages")
	site := testsite.New(t)

	layouts := map[string]string{ // page → layout fixture
		"layout1/en": "layout1-2010-en.html", "layout2/fr": "layout2-2012-fr.html", "layout3/en": "layout3-2017-en.html",
		"layout4/fr": "layout4-2022-fr.html", "layout5/en": "layout5-2025-en.html",
	}
	var cfg strings.Builder
	cfg.WriteString("archive: serve.db\ndelay: 0s\nretries: 0\ntargets:\n")
	add := func(page, body string) {
		id, lang, _ := strings.Cut(page, "/")
		path := "/" + id + "-" + lang + ".htm"
		site.On(path, fixedPage(body))
		fmt.Fprintf(&cfg, "  - {id: %s, lang: %s, url: '%s%s'}\n", id, lang, site.URL, path)
	}
	for _, page := range []string{"layout1/en", "layout2/fr", "layout3/en", "layout4/fr", "layout5/en"} {
		add(page, readFixture(t, filepath.Join(pages, layouts[page])))
	}
	frV1, frV2 := readFixture(t, "testdata/kazakhstan-fr-v1.html"), readFixture(t, "testdata/kazakhstan-fr-v2.html")
	xss := readFixture(t, "testdata/xss.html")
	ca, cb, prefix := collidingVariants(t, xss)
	add("kazakhstan/fr", frV1)
	add("xss/en", strings.ReplaceAll(xss, "{{VARIANT}}", "one"))
	add("collide/en", strings.ReplaceAll(xss, "{{VARIANT}}", ca))

	dir := t.TempDir()
	e := &testEnv{t: t, dir: dir, cfg: filepath.Join(dir, "relwatch.yaml"), db: filepath.Join(dir, "serve.db")}
	if err := os.WriteFile(e.cfg, []byte(cfg.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	e.mustRun(0, "scrape")
	site.On("/kazakhstan-fr.htm", fixedPage(frV2))
	site.On("/xss-en.htm", fixedPage(strings.ReplaceAll(xss, "{{VARIANT}}", "two")))
	site.On("/collide-en.htm", fixedPage(strings.ReplaceAll(xss, "{{VARIANT}}", cb)))
	e.mustRun(0, "scrape")
	site.On("/kazakhstan-fr.htm", fixedPage(frV1)) // back to version 1: a revert
	e.mustRun(0, "scrape", "--only", "kazakhstan/fr")

	loaded, err := config.Load(e.cfg)
	if err != nil {
		t.Fatal(err)
	}
	arc, err := archive.Open(context.Background(), e.db, archive.ReadOnly)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { arc.Close() })
	opts.StaleAfter, opts.LagAfter = loaded.StaleAfter, loaded.LagAfter
	srv := httptest.NewServer(serve.New(arc, opts).Handler())
	t.Cleanup(srv.Close)
	return &serveFixture{env: e, site: site, arc: arc, srv: srv, prefix: prefix, xss: xss}
}

// get fetches a path from the server.
func (f *serveFixture) get(t *testing.T, path string, header ...string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, f.srv.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := f.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(body)
}

// mustGet fetches a path that must answer 200.
func (f *serveFixture) mustGet(t *testing.T, path string) string {
	t.Helper()
	resp, body := f.get(t, path)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s\n%.500s", path, resp.Status, body)
	}
	return body
}

// rawGet sends a request line as given, unnormalised by any client.
func (f *serveFixture) rawGet(t *testing.T, target string) (*http.Response, string) {
	t.Helper()
	conn, err := net.Dial("tcp", f.srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: relwatch.test\r\nConnection: close\r\n\r\n", target)
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}

// TestServeAPIMatchesCLI checks that each API answer is byte for byte
// what the CLI's --json output says about the same archive.
func TestServeAPIMatchesCLI(t *testing.T) {
	f := newServeFixture(t, serve.Options{})
	e := f.env
	frLog := e.mustRun(0, "log", "kazakhstan/fr", "--json")
	hash := regexp.MustCompile(`"content_hash": "sha256:([0-9a-f]{64})"`).FindAllStringSubmatch(frLog, -1)
	if len(hash) != 3 {
		t.Fatalf("kazakhstan/fr has %d versions, want 3:\n%s", len(hash), frLog)
	}
	v2 := hash[1][1]
	for _, c := range []struct {
		api string
		cli []string
	}{
		{"/api/pages", []string{"pages", "--json"}},
		{"/api/pages/kazakhstan/fr/versions", []string{"log", "kazakhstan/fr", "--json"}},
		{"/api/pages/layout3/en/versions", []string{"log", "layout3/en", "--json"}},
		{"/api/pages/kazakhstan/fr/versions/2", []string{"show", "kazakhstan/fr", "--version", "2", "--format", "json"}},
		{"/api/pages/kazakhstan/fr/versions/" + v2[:12], []string{"show", "kazakhstan/fr", "--version", v2[:12], "--format", "json"}},
		{"/api/pages/kazakhstan/fr/versions/latest", []string{"show", "kazakhstan/fr", "--format", "json"}},
		{"/api/pages/kazakhstan/fr/versions/latest?at=2999-01-01", []string{"show", "kazakhstan/fr", "--at", "2999-01-01", "--format", "json"}},
		{"/api/pages/xss/en/versions/1", []string{"show", "xss/en", "--version", "1", "--format", "json"}},
		{"/api/pages/kazakhstan/fr/diff", []string{"diff", "kazakhstan/fr", "--format", "json"}},
		{"/api/pages/kazakhstan/fr/diff?from=1&to=2", []string{"diff", "kazakhstan/fr", "--from", "1", "--to", "2", "--format", "json"}},
		{"/api/pages/kazakhstan/fr/diff?to=sha256:" + v2[:8], []string{"diff", "kazakhstan/fr", "--to", "sha256:" + v2[:8], "--format", "json"}},
		{"/api/pages/xss/en/diff?from=1&to=2", []string{"diff", "xss/en", "--from", "1", "--to", "2", "--format", "json"}},
		{"/api/search?q=role+actif", []string{"search", "role actif", "--json"}},
		{"/api/search?q=Steppe+Eagle&page=kazakhstan/fr", []string{"search", "Steppe Eagle", "--page", "kazakhstan/fr", "--json"}},
		{"/api/search?q=script", []string{"search", "script", "--json"}},
		{"/api/search?q=nowhere+to+be+found", []string{"search", "nowhere to be found", "--json"}},
	} {
		resp, got := f.get(t, c.api)
		want := e.mustRun(0, c.cli...)
		if resp.StatusCode != http.StatusOK || got != want {
			t.Errorf("GET %s: %s\n%.600s\nwant what relwatch %s prints:\n%.600s", c.api, resp.Status, got, strings.Join(c.cli, " "), want)
		}
		if ct := resp.Header.Get("Content-Type"); ct != "application/json; charset=utf-8" {
			t.Errorf("GET %s: Content-Type %q", c.api, ct)
		}
	}
}

// TestServeBadInputs checks the answers to questions that cannot be
// answered: each a JSON error with its status and kind for the API, an
// HTML page for the pages, and never a 200 or a 500.
func TestServeBadInputs(t *testing.T) {
	f := newServeFixture(t, serve.Options{})
	long := "/api/search?q=" + strings.Repeat("a", 10<<10)
	for _, c := range []struct {
		path   string
		status int
		kind   string
		says   string
	}{
		{"/api/pages/nope/en/versions", 404, "not_found", "nope/en"},
		{"/api/pages/kazakhstan/de/versions", 404, "not_found", "kazakhstan/de"},
		{"/api/pages/kazakhstan/fr/versions/0", 400, "bad_input", "numbered from 1"},
		{"/api/pages/kazakhstan/fr/versions/9", 404, "not_found", "9"},
		{"/api/pages/kazakhstan/fr/versions/x", 400, "bad_input", "want a version number or a content hash prefix"},
		{"/api/pages/kazakhstan/fr/versions/abc", 400, "bad_input", "want a version number or a content hash prefix"},
		{"/api/pages/kazakhstan/fr/versions/ffffffffff", 404, "not_found", "no version of kazakhstan/fr has a content hash starting with ffffffffff"},
		{"/api/pages/collide/en/versions/" + f.prefix, 400, "bad_input", "names several versions of collide/en with different contents: v1"},
		{"/api/pages/collide/en/diff?from=" + f.prefix, 400, "bad_input", "give a longer prefix"},
		{"/api/pages/kazakhstan/fr/diff?from=3&to=1", 400, "bad_input", "swap them: from 1 to 3"},
		{"/api/pages/kazakhstan/fr/diff?to=1", 400, "bad_input", "there is no version before it"},
		{"/api/pages/layout1/en/diff", 400, "bad_input", "has only version 1"},
		{"/api/pages/kazakhstan/fr/versions/2?at=2026-01-01", 400, "bad_input", "not both"},
		{"/api/pages/kazakhstan/fr/versions/latest?at=yesterday", 400, "bad_input", "want RFC 3339"},
		{"/api/pages/kazakhstan/fr/versions/latest?at=1999-01-01", 404, "not_found", "no version yet at 1999-01-01"},
		{"/api/search?q=", 400, "bad_input", "empty q"},
		{"/api/search?q=x&page=nope", 404, "not_found", "nope"},
		{long, 400, "bad_input", "query string of"},
		{"/api/pages/kazakhstan%2Ffr/versions", 400, "bad_input", "encoded slashes"},
		{"/api/pages/kazakhstan/fr%2F..%2F..%2Fetc/versions", 400, "bad_input", "encoded slashes"},
		{"/api/pages/.../en/versions", 400, "bad_input", "page id"},
		{"/api/nothing", 404, "not_found", "no such address"},
	} {
		resp, body := f.get(t, c.path)
		want := fmt.Sprintf(`"kind":%q`, c.kind)
		if resp.StatusCode != c.status || !strings.Contains(body, want) || !strings.Contains(body, c.says) ||
			resp.Header.Get("Content-Type") != "application/json; charset=utf-8" || !strings.Contains(body, `{"error":`) {
			t.Errorf("GET %.80s: %s %s\n%.400s\nwant %d, kind %s, saying %q", c.path, resp.Status, resp.Header.Get("Content-Type"), body, c.status, c.kind, c.says)
		}
	}
	// The HTML pages answer the same errors with an HTML page.
	for _, c := range []struct {
		path   string
		status int
		says   string
	}{
		{"/p/nope/en", 404, "nope/en"},
		{"/p/kazakhstan/fr?before=x", 400, "want a version number"},
		{"/p/kazakhstan/fr/v/0", 400, "numbered from 1"},
		{"/p/collide/en/v/" + f.prefix, 400, "different contents"},
		{"/p/kazakhstan/fr/diff?from=3&amp;to=1", 400, "newer than"},
		{"/p/kazakhstan/fr/diff?view=sideways", 400, "want inline or side"},
		{"/nothing/here", 404, "no such address"},
		{"/search?q=x&page=nope/en", 404, "nope/en"},
	} {
		resp, body := f.get(t, strings.ReplaceAll(c.path, "&amp;", "&"))
		if resp.StatusCode != c.status || !strings.Contains(body, c.says) || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
			t.Errorf("GET %s: %s %s\n%.400s\nwant %d saying %q", c.path, resp.Status, resp.Header.Get("Content-Type"), body, c.status, c.says)
		}
	}
	// Dot segments never reach a route, encoded or not.
	for _, target := range []string{"/p/../../etc/passwd", "/static/../../../etc/passwd", "/p/kazakhstan/fr/%2e%2e/%2e%2e/x", "/static/%2e%2e/serve.go"} {
		resp, body := f.rawGet(t, target)
		if resp.StatusCode != http.StatusBadRequest || strings.Contains(body, "root:") {
			t.Errorf("GET %s: %s\n%.300s\nwant 400", target, resp.Status, body)
		}
	}
}

// TestServePages checks every HTML page against the fixture archive: what
// it shows, and that page text, the XSS page's included, is only text.
func TestServePages(t *testing.T) {
	f := newServeFixture(t, serve.Options{})
	index := f.mustGet(t, "/")
	for _, page := range []string{"kazakhstan/fr", "layout1/en", "layout2/fr", "layout3/en", "layout4/fr", "layout5/en", "xss/en", "collide/en"} {
		if !strings.Contains(index, `href="/p/`+page+`"`) {
			t.Errorf("/ does not link to %s", page)
		}
	}
	if !strings.Contains(index, `<span class="badge ok">ok</span>`) {
		t.Errorf("/ shows no healthy page:\n%s", index)
	}

	timeline := f.mustGet(t, "/p/kazakhstan/fr")
	for _, want := range []string{
		`<h1 lang="fr">Relations avec le Kazakhstan</h1>`, `3 versions`, `the page came back to <a href="#v1">version 1</a>`,
		`first version`, `1 stamp changed, 1 bullet changed`, `<figure class="chart">`, `live check`,
	} {
		if !strings.Contains(timeline, want) {
			t.Errorf("/p/kazakhstan/fr does not show %q:\n%s", want, timeline)
		}
	}
	if strings.Index(timeline, `id="v3"`) > strings.Index(timeline, `id="v1"`) {
		t.Error("the timeline is not newest first")
	}
	older := f.mustGet(t, "/p/kazakhstan/fr?before=3")
	if strings.Contains(older, `id="v3"`) || !strings.Contains(older, `id="v2"`) || !strings.Contains(older, `id="v1"`) ||
		!strings.Contains(older, `<a href="/p/kazakhstan/fr">← newer versions</a>`) || !strings.Contains(older, "3 versions") {
		t.Errorf("the timeline before version 3:\n%s", older)
	}

	v2 := f.mustGet(t, "/p/kazakhstan/fr/v/2")
	for _, want := range []string{
		`<h1 lang="fr">Relations avec le Kazakhstan</h1>`, `<article class="snapshot" lang="fr">`, `<h2>Principaux domaines de coopération</h2>`,
		`<h3>Renforcement des capacités et de l’interopérabilité</h3>`, `multinationaux`, `14 Nov. 2026 10:05`,
		`rel="prev">← version 1</a>`, `rel="next">version 3 →</a>`,
	} {
		if !strings.Contains(v2, want) {
			t.Errorf("/p/kazakhstan/fr/v/2 does not show %q", want)
		}
	}
	if at := f.mustGet(t, "/p/kazakhstan/fr/v/latest?at=2999-12-31"); !strings.Contains(at, "version 3, as relwatch archived it") {
		t.Errorf("?at= far in the future is not the latest version:\n%.2000s", at)
	}

	d := f.mustGet(t, "/p/kazakhstan/fr/diff?from=1&to=2")
	for _, want := range []string{
		`<ins>multinationaux </ins>`, `<del>23 May. 2022 15:38</del>`, `<ins>14 Nov. 2026 10:05</ins>`,
		`<h2>Principaux domaines de coopération › Renforcement des capacités et de l’interopérabilité</h2>`,
		`2 changes: 1 stamp changed, 1 bullet changed`, `aria-current="page">Inline</a>`,
	} {
		if !strings.Contains(d, want) {
			t.Errorf("the diff page does not show %q:\n%s", want, d)
		}
	}
	side := f.mustGet(t, "/p/kazakhstan/fr/diff?from=1&to=2&view=side")
	if !strings.Contains(side, `<table class="sides">`) || !strings.Contains(side, `aria-current="page">Side by side</a>`) ||
		!strings.Contains(side, `<ins>multinationaux </ins>`) {
		t.Errorf("the side-by-side diff:\n%s", side)
	}

	search := f.mustGet(t, "/search?q=role+actif")
	if !strings.Contains(search, "4 matches for “role actif”") || !strings.Contains(search, `<blockquote lang="fr"><a href="/p/kazakhstan/fr/v/3">Le Kazakhstan joue un rôle actif`) {
		t.Errorf("search for a French phrase without accents:\n%s", search)
	}
	if empty := f.mustGet(t, "/search"); !strings.Contains(empty, `<h1>Search</h1>`) {
		t.Errorf("/search without a query:\n%s", empty)
	}

	// The XSS page: every piece of markup in its text is shown as text.
	for _, path := range []string{"/", "/p/xss/en", "/p/xss/en/v/1", "/p/xss/en/diff", "/p/xss/en/diff?view=side", "/search?q=alert", "/search?q=%3Cscript%3E"} {
		body := f.mustGet(t, path)
		for _, bad := range []string{"<script", "<img", "<style>body", `<a href="javascript`, "</ul></section>"} {
			if strings.Contains(strings.ToLower(body), bad) {
				t.Errorf("GET %s: page text became markup (%s):\n%s", path, bad, body)
			}
		}
	}
	if v1 := f.mustGet(t, "/p/xss/en/v/1"); !strings.Contains(v1, `&lt;script&gt;alert(&#34;title&#34;)&lt;/script&gt;`) {
		t.Errorf("the XSS page's title is not shown as text:\n%s", v1)
	}
	css := f.mustGet(t, "/static/style.css")
	if !strings.Contains(css, "prefers-color-scheme: dark") {
		t.Error("/static/style.css is not the stylesheet")
	}
}

// TestServeFeeds checks both feeds: their self links, and entries that
// link to diff pages that open.
func TestServeFeeds(t *testing.T) {
	f := newServeFixture(t, serve.Options{})
	all := f.mustGet(t, "/feed.atom")
	if !strings.Contains(all, `<link rel="self" href="`+f.srv.URL+`/feed.atom" type="application/atom+xml">`) {
		t.Errorf("/feed.atom has no self link:\n%.1000s", all)
	}
	one := f.mustGet(t, "/p/kazakhstan/fr/feed.atom")
	if !strings.Contains(one, `<link rel="self" href="`+f.srv.URL+`/p/kazakhstan/fr/feed.atom"`) ||
		!strings.Contains(one, "/feed/kazakhstan/fr</id>") || strings.Contains(one, "xss/en") {
		t.Errorf("/p/kazakhstan/fr/feed.atom:\n%.1500s", one)
	}
	links := regexp.MustCompile(`<link rel="alternate" href="([^"]+/diff\?[^"]+)"`).FindAllStringSubmatch(one, -1)
	if len(links) != 2 {
		t.Fatalf("kazakhstan/fr's feed links %d diff pages, want 2:\n%s", len(links), one)
	}
	for _, l := range links {
		href := strings.ReplaceAll(l[1], "&amp;", "&")
		d := f.mustGet(t, strings.TrimPrefix(href, f.srv.URL))
		if !strings.Contains(d, "kazakhstan/fr: version") {
			t.Errorf("%s:\n%.500s", href, d)
		}
	}
	if !strings.Contains(f.mustGet(t, "/p/kazakhstan/fr/diff?from=2&to=3"), "version 2 → version 3") {
		t.Error("the revert's diff page")
	}
}

// TestServeHeaders checks the security headers on every kind of answer,
// the method filter, and the caching of versions named by hash.
func TestServeHeaders(t *testing.T) {
	f := newServeFixture(t, serve.Options{})
	for _, path := range []string{"/", "/p/kazakhstan/fr", "/p/kazakhstan/fr/v/1", "/p/kazakhstan/fr/diff", "/search?q=otan", "/feed.atom",
		"/static/style.css", "/api/pages", "/api/search?q=otan", "/p/nope/en", "/api/pages/nope/en/versions"} {
		resp, _ := f.get(t, path)
		h := resp.Header
		csp := h.Get("Content-Security-Policy")
		if !strings.Contains(csp, "default-src 'none'") || !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") ||
			h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Referrer-Policy") != "no-referrer" || h.Get("X-Frame-Options") != "DENY" {
			t.Errorf("GET %s: security headers %v", path, h)
		}
	}
	for _, method := range []string{"POST", "PUT", "DELETE", "PATCH", "OPTIONS"} {
		req, _ := http.NewRequest(method, f.srv.URL+"/api/pages", strings.NewReader("{}"))
		resp, err := f.srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusMethodNotAllowed || resp.Header.Get("Allow") != "GET, HEAD" || !strings.Contains(string(body), `"kind":"method_not_allowed"`) {
			t.Errorf("%s /api/pages: %s %v %s", method, resp.Status, resp.Header, body)
		}
	}
	head, err := f.srv.Client().Head(f.srv.URL + "/p/kazakhstan/fr")
	if err != nil || head.StatusCode != http.StatusOK {
		t.Errorf("HEAD /p/kazakhstan/fr: %v %v", head, err)
	}

	log := f.env.mustRun(0, "log", "kazakhstan/fr", "--json")
	h1 := regexp.MustCompile(`sha256:([0-9a-f]{16})`).FindStringSubmatch(log)[1]
	byHash, _ := f.get(t, "/api/pages/kazakhstan/fr/versions/"+h1)
	byNumber, _ := f.get(t, "/api/pages/kazakhstan/fr/versions/1")
	if cc := byHash.Header.Get("Cache-Control"); cc != "public, max-age=300" {
		t.Errorf("a version by hash: Cache-Control %q", cc)
	}
	if cc := byNumber.Header.Get("Cache-Control"); cc != "no-cache" {
		t.Errorf("a version by number: Cache-Control %q, want no-cache (numbers shift with a backfill)", cc)
	}
	etag := byHash.Header.Get("ETag")
	again, body := f.get(t, "/api/pages/kazakhstan/fr/versions/"+h1, "If-None-Match", etag)
	if etag == "" || again.StatusCode != http.StatusNotModified || body != "" {
		t.Errorf("If-None-Match %s: %s %q", etag, again.Status, body)
	}
}

// TestServeSeesNewVersions checks that a version a scrape records while
// the server runs is served at once.
func TestServeSeesNewVersions(t *testing.T) {
	f := newServeFixture(t, serve.Options{})
	before := f.mustGet(t, "/api/pages/xss/en/versions")
	f.site.On("/xss-en.htm", fixedPage(strings.ReplaceAll(f.xss, "{{VARIANT}}", "three")))
	f.env.mustRun(0, "scrape", "--only", "xss/en")
	after := f.mustGet(t, "/api/pages/xss/en/versions")
	if strings.Count(before, `"version":`) != 2 || strings.Count(after, `"version":`) != 3 {
		t.Errorf("before the scrape:\n%s\nafter:\n%s", before, after)
	}
	if tl := f.mustGet(t, "/p/xss/en"); !strings.Contains(tl, `id="v3"`) {
		t.Error("the timeline does not show the new version")
	}
}

// TestServeAuthToken checks that with a token every request needs it.
func TestServeAuthToken(t *testing.T) {
	const token = "0123456789abcdef-token"
	f := newServeFixture(t, serve.Options{AuthToken: token})
	for _, path := range []string{"/", "/api/pages", "/static/style.css", "/nothing"} {
		resp, body := f.get(t, path)
		if resp.StatusCode != http.StatusUnauthorized || resp.Header.Get("WWW-Authenticate") == "" {
			t.Errorf("GET %s without the token: %s %s", path, resp.Status, body)
		}
		if resp, _ := f.get(t, path, "Authorization", "Bearer wrong"); resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("GET %s with a wrong token: %s", path, resp.Status)
		}
	}
	if resp, body := f.get(t, "/api/pages", "Authorization", "Bearer "+token); resp.StatusCode != http.StatusOK {
		t.Errorf("GET /api/pages with the bearer token: %s %s", resp.Status, body)
	}
	req, _ := http.NewRequest(http.MethodGet, f.srv.URL+"/p/kazakhstan/fr", nil)
	req.SetBasicAuth("anyone", token)
	resp, err := f.srv.Client().Do(req)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Errorf("GET /p/kazakhstan/fr with the token as the Basic password: %v %v", resp, err)
	}
}

// TestServeCommand runs relwatch serve itself: it refuses a public
// address without a token, serves on a free port, and stops cleanly when
// its context ends (Ctrl-C, SIGTERM).
func TestServeCommand(t *testing.T) {
	f := newServeFixture(t, serve.Options{})
	e := f.env
	_, stderr, code := e.relwatch("serve", "--addr", "0.0.0.0:0")
	if code != exitUsage || !strings.Contains(stderr, "--auth-token") {
		t.Errorf("serve on 0.0.0.0 without a token: exit %d\n%s", code, stderr)
	}
	_, stderr, code = e.relwatch("serve", "--addr", "0.0.0.0:0", "--auth-token", "short")
	if code != exitUsage || !strings.Contains(stderr, "at least 16") {
		t.Errorf("serve with a short token: exit %d\n%s", code, stderr)
	}
	_, stderr, code = e.relwatch("serve", "--db", filepath.Join(e.dir, "missing.db"), "--addr", "127.0.0.1:0")
	if code != exitUnusable {
		t.Errorf("serve of a missing archive: exit %d\n%s", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(e.dir, "missing.db")); err == nil {
		t.Error("serve created an archive")
	}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	done := make(chan int, 1)
	go func() {
		code := run(ctx, []string{"--config", e.cfg, "serve", "--addr", "127.0.0.1:0"}, streams{In: strings.NewReader(""), Out: io.Discard, Err: pw})
		pw.Close()
		done <- code
	}()
	lines := bufio.NewScanner(pr)
	if !lines.Scan() {
		t.Fatal("serve printed nothing")
	}
	addr := regexp.MustCompile(`http://[0-9.:]+/`).FindString(lines.Text())
	if addr == "" {
		t.Fatalf("serve's first line names no address: %q", lines.Text())
	}
	go io.Copy(io.Discard, pr) // the access log
	resp, err := http.Get(addr + "api/pages")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if want := e.mustRun(0, "pages", "--json"); string(body) != want {
		t.Errorf("serve's /api/pages:\n%s\nwant:\n%s", body, want)
	}
	cancel()
	if code := <-done; code != exitOK {
		t.Errorf("serve stopped with exit %d, want 0", code)
	}
}
