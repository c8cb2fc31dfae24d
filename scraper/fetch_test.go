package scraper

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/relwatch/relwatch"
	"github.com/relwatch/relwatch/internal/testsite"
)

func TestFetchOKSendsIdentityAndKeepsRawBytes(t *testing.T) {
	t.Parallel()
	s := testsite.New(t)
	// windows-1252 bytes declared in the header: colly would convert its
	// copy to UTF-8; the capture must keep the raw bytes for the parser.
	raw := "<html><head><title>Caf\xe9</title></head><body>na\xefve</body></html>"
	s.On("/page", testsite.Typed("text/html; charset=windows-1252", raw,
		"ETag", `"v1"`, "Last-Modified", "Sat, 28 Nov 2026 00:00:00 GMT", "Set-Cookie", "session=secret", "X-Other", "1"))
	h := newFetchHarness(t, false)
	c := h.fetchOne(t, fetchTarget(s.At("/page"), fetchTestPolicy()))
	wantFetchOK(t, c, 1)
	if string(c.Body) != raw {
		t.Errorf("body = %q, want the raw windows-1252 bytes %q", c.Body, raw)
	}
	if c.Status != 200 || c.FinalURL != s.At("/page") || c.ContentType != "text/html; charset=windows-1252" {
		t.Errorf("status %d, final %q, type %q", c.Status, c.FinalURL, c.ContentType)
	}
	if c.Header["ETag"] != `"v1"` || c.Header["Last-Modified"] == "" || c.Header["Date"] == "" {
		t.Errorf("kept headers = %v", c.Header)
	}
	for k := range c.Header {
		if k != "Content-Type" && k != "ETag" && k != "Last-Modified" && k != "Date" && k != "Content-Length" {
			t.Errorf("unexpected header kept: %s", k)
		}
	}
	if c.Started.IsZero() || c.Finished.Before(c.Started) {
		t.Errorf("times %v → %v", c.Started, c.Finished)
	}
	hs := s.Hits("/page")
	if len(hs) != 1 {
		t.Fatalf("%d requests, want 1", len(hs))
	}
	hd := hs[0].Header
	if ua := hd.Get("User-Agent"); ua != "relwatch/test (+https://github.com/relwatch/relwatch)" {
		t.Errorf("User-Agent = %q", ua)
	}
	if ae := hd.Get("Accept-Encoding"); ae != "gzip" {
		t.Errorf("Accept-Encoding = %q, want the transport's own \"gzip\"", ae)
	}
	if hd.Get(attemptHeader) != "" {
		t.Errorf("internal %s header leaked to the server", attemptHeader)
	}
	if hd.Get("If-None-Match") != "" || hd.Get("If-Modified-Since") != "" {
		t.Errorf("validators sent without a previous capture")
	}
	// robots.txt was asked for first (and answered 404: allowed).
	if all := s.AllHits(); len(all) != 2 || all[0].Path != "/robots.txt" {
		t.Errorf("requests = %v, want robots.txt then the page", all)
	}
}

func TestFetchTimeouts(t *testing.T) {
	t.Parallel()
	t.Run("slow headers", func(t *testing.T) {
		t.Parallel()
		s := testsite.New(t)
		s.On("/page", testsite.Slow(5*time.Second, testsite.Page(fsOKHTML)))
		p := fetchTestPolicy()
		p.Timeout, p.Retries = 300*time.Millisecond, 1
		start := time.Now()
		c := newFetchHarness(t, false).fetchOne(t, fetchTarget(s.At("/page"), p))
		wantFetchErr(t, c, KindTimeout, 0, 2)
		if el := time.Since(start); el > 2*time.Second {
			t.Errorf("took %v for two 300ms attempts", el)
		}
		if !strings.Contains(c.Err.Msg, "no response headers within the 300ms timeout") {
			t.Errorf("message does not name the phase: %q", c.Err.Msg)
		}
	})
	t.Run("headers late in the timeout are in time", func(t *testing.T) {
		// timeout is the whole request: response headers may take most
		// of it (they once had only half).
		t.Parallel()
		s := testsite.New(t)
		s.On("/page", testsite.Slow(1200*time.Millisecond, testsite.Page(fsOKHTML)))
		p := fetchTestPolicy()
		p.Timeout, p.Retries, p.RespectRobots = 2*time.Second, 0, false
		c := newFetchHarness(t, false).fetchOne(t, fetchTarget(s.At("/page"), p))
		wantFetchOK(t, c, 1)
	})
	t.Run("one byte per second", func(t *testing.T) {
		t.Parallel()
		s := testsite.New(t)
		s.On("/page", testsite.Trickle(time.Second))
		p := fetchTestPolicy()
		p.Timeout, p.Retries = 500*time.Millisecond, 0
		start := time.Now()
		c := newFetchHarness(t, false).fetchOne(t, fetchTarget(s.At("/page"), p))
		wantFetchErr(t, c, KindTimeout, 200, 1)
		if el := time.Since(start); el > 1500*time.Millisecond {
			t.Errorf("slow-drip body not cut by the whole-request timeout: took %v", el)
		}
	})
}

// closedPort is a loopback address that nothing listens on: a connection
// to it is refused.
func closedPort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Skipf("cannot listen on loopback: %v", err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

// TestFetchUnreachableHost: a host that cannot be reached fails its pages
// with the network cause as the kind, never as a robots.txt problem, and
// the cause is told once for the host, not once per page.
func TestFetchUnreachableHost(t *testing.T) {
	t.Parallel()
	for _, robots := range []bool{true, false} {
		t.Run(fmt.Sprintf("respect_robots %v", robots), func(t *testing.T) {
			t.Parallel()
			addr := closedPort(t)
			p := fetchTestPolicy()
			p.RespectRobots = robots
			h := newFetchHarness(t, true)
			cs := h.f.Fetch(context.Background(), []Target{
				{Page: "test/a", URL: "http://" + addr + "/a", Policy: p},
				{Page: "test/b", URL: "http://" + addr + "/b", Policy: p},
			}, nil)
			first, second := cs[0].Err, cs[1].Err
			if first == nil || first.Kind != KindConnect || !strings.Contains(first.Msg, "connection to "+addr+" refused") {
				t.Fatalf("first page: %v, want a connect error naming the refused address", first)
			}
			if second == nil || second.Kind != KindConnect || !strings.Contains(second.Msg, "unreachable in this run (see test/a)") ||
				strings.Contains(second.Msg, "refused") || cs[1].Attempts != 0 {
				t.Errorf("second page: %v after %d attempts, want a connect error pointing at test/a, not requested", second, cs[1].Attempts)
			}
			logs := h.logs.String()
			for _, e := range []*FetchError{first, second} {
				if strings.Contains(e.Msg, "robots") || strings.Contains(e.Msg, "RFC 9309") {
					t.Errorf("the page's error blames robots.txt: %s", e.Msg)
				}
			}
			if strings.Contains(logs, "RFC 9309") || strings.Contains(logs, "robots.txt unavailable") {
				t.Errorf("the log blames robots.txt:\n%s", logs)
			}
			if n := strings.Count(logs, "refused"); n != 1 {
				t.Errorf("the cause is logged %d times, want once:\n%s", n, logs)
			}
			if n := strings.Count(logs, "fetch failed"); n != 1 {
				t.Errorf("%d fetch failed lines, want one for the host:\n%s", n, logs)
			}
		})
	}
}

func TestFetchBrokenBodiesAreRetried(t *testing.T) {
	t.Parallel()
	t.Run("reset mid-body", func(t *testing.T) {
		t.Parallel()
		s := testsite.New(t)
		s.On("/page", testsite.Cut(true))
		h := newFetchHarness(t, false)
		c := h.fetchOne(t, fetchTarget(s.At("/page"), fetchTestPolicy()))
		wantFetchErr(t, c, KindNetwork, 200, 3)
		if w := h.waits.all(); len(w) != 2 || w[0] < 5*time.Millisecond || w[1] < 10*time.Millisecond {
			t.Errorf("backoff waits = %v, want two growing jittered waits", w)
		}
		for i, g := range testsite.Gaps(s.Hits("/page")) {
			if g < 20*time.Millisecond {
				t.Errorf("gap %d = %v < delay", i, g)
			}
		}
	})
	t.Run("short body under Content-Length then OK", func(t *testing.T) {
		t.Parallel()
		s := testsite.New(t)
		s.On("/page", testsite.Cut(false), testsite.Page(fsOKHTML))
		c := newFetchHarness(t, false).fetchOne(t, fetchTarget(s.At("/page"), fetchTestPolicy()))
		wantFetchOK(t, c, 2)
		if string(c.Body) != fsOKHTML {
			t.Errorf("body = %q", fsTrunc(c.Body))
		}
	})
}

// allocBounded runs fn and fails if it allocated more than limit bytes.
func allocBounded(t *testing.T, limit uint64, fn func()) {
	t.Helper()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	fn()
	runtime.ReadMemStats(&after)
	if got := after.TotalAlloc - before.TotalAlloc; got > limit {
		t.Errorf("allocated %d MiB, want ≤ %d MiB", got>>20, limit>>20)
	}
}

// Not parallel: the allocation bound is measured process-wide.
func TestFetchBodyLimits(t *testing.T) {
	t.Run("endless body", func(t *testing.T) {
		s := testsite.New(t)
		var written atomic.Int64
		s.On("/page", testsite.Endless(&written))
		var c Capture
		allocBounded(t, 48<<20, func() { c = newFetchHarness(t, false).fetchOne(t, fetchTarget(s.At("/page"), fetchTestPolicy())) })
		wantFetchErr(t, c, KindTooLarge, 200, 1)
		if w := written.Load(); w > 64<<20 {
			t.Errorf("server wrote %d MiB before the client gave up", w>>20)
		}
	})
	t.Run("gzip bomb", func(t *testing.T) {
		s := testsite.New(t)
		s.On("/page", testsite.GzipBomb(200, "gzip"))
		var c Capture
		allocBounded(t, 48<<20, func() { c = newFetchHarness(t, false).fetchOne(t, fetchTarget(s.At("/page"), fetchTestPolicy())) })
		wantFetchErr(t, c, KindTooLarge, 200, 1)
		if !strings.Contains(c.Err.Msg, "after decompression") {
			t.Errorf("msg = %q", c.Err.Msg)
		}
	})
	t.Run("declared Content-Length over the limit", func(t *testing.T) {
		s := testsite.New(t)
		s.On("/page", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			w.Header().Set("Content-Length", "1073741824")
			w.WriteHeader(200)
			w.Write([]byte("<html>"))
		})
		c := newFetchHarness(t, false).fetchOne(t, fetchTarget(s.At("/page"), fetchTestPolicy()))
		wantFetchErr(t, c, KindTooLarge, 200, 1)
		if !strings.Contains(c.Err.Msg, "Content-Length 1073741824") {
			t.Errorf("msg = %q", c.Err.Msg)
		}
	})
	t.Run("exactly at the limit is fine", func(t *testing.T) {
		s := testsite.New(t)
		body := "<html>" + strings.Repeat("x", 1000-6)
		s.On("/page", testsite.Page(body))
		p := fetchTestPolicy()
		p.MaxBody = 1000
		c := newFetchHarness(t, false).fetchOne(t, fetchTarget(s.At("/page"), p))
		wantFetchOK(t, c, 1)
		if len(c.Body) != 1000 {
			t.Errorf("len = %d", len(c.Body))
		}
	})
}

func TestFetchRejectsUnsupportedEncodings(t *testing.T) {
	t.Parallel()
	for _, enc := range []string{"br", "gzip, gzip", "zstd"} {
		t.Run(enc, func(t *testing.T) {
			t.Parallel()
			s := testsite.New(t)
			s.On("/page", testsite.GzipBomb(1, enc))
			c := newFetchHarness(t, false).fetchOne(t, fetchTarget(s.At("/page"), fetchTestPolicy()))
			wantFetchErr(t, c, KindWrongType, 200, 1)
			if !strings.Contains(c.Err.Msg, "Content-Encoding") {
				t.Errorf("msg = %q", c.Err.Msg)
			}
		})
	}
}

func TestFetchStatusRetries(t *testing.T) {
	t.Parallel()
	t.Run("500 twice then 200", func(t *testing.T) {
		t.Parallel()
		s := testsite.New(t)
		s.On("/page", testsite.Status(500), testsite.Status(500), testsite.Page(fsOKHTML))
		h := newFetchHarness(t, false)
		c := h.fetchOne(t, fetchTarget(s.At("/page"), fetchTestPolicy()))
		wantFetchOK(t, c, 3)
		if string(c.Body) != fsOKHTML || c.Status != 200 {
			t.Errorf("status %d body %q", c.Status, fsTrunc(c.Body))
		}
		hs := s.Hits("/page")
		if len(hs) != 3 {
			t.Fatalf("%d requests, want 3", len(hs))
		}
		w := h.waits.all()
		for i, g := range testsite.Gaps(hs) {
			if g < w[i] || g < 20*time.Millisecond {
				t.Errorf("gap %d = %v, want ≥ backoff %v and ≥ delay", i, g, w[i])
			}
		}
	})
	t.Run("always 500", func(t *testing.T) {
		t.Parallel()
		s := testsite.New(t)
		s.On("/page", testsite.Status(500))
		c := newFetchHarness(t, false).fetchOne(t, fetchTarget(s.At("/page"), fetchTestPolicy()))
		wantFetchErr(t, c, KindHTTPStatus, 500, 3)
	})
	for _, code := range []int{404, 410, 401, 501} {
		t.Run(fmt.Sprintf("%d not retried", code), func(t *testing.T) {
			t.Parallel()
			s := testsite.New(t)
			s.On("/page", testsite.Status(code))
			c := newFetchHarness(t, false).fetchOne(t, fetchTarget(s.At("/page"), fetchTestPolicy()))
			wantFetchErr(t, c, KindHTTPStatus, code, 1)
			if n := len(s.Hits("/page")); n != 1 {
				t.Errorf("%d requests", n)
			}
		})
	}
}

func TestFetchRetryAfter(t *testing.T) {
	t.Parallel()
	t.Run("503 with Retry-After 1 really waits", func(t *testing.T) {
		t.Parallel()
		s := testsite.New(t)
		s.On("/page", testsite.Status(503, "Retry-After", "1"), testsite.Page(fsOKHTML))
		c := newFetchHarness(t, false).fetchOne(t, fetchTarget(s.At("/page"), fetchTestPolicy()))
		wantFetchOK(t, c, 2)
		if g := testsite.Gaps(s.Hits("/page")); len(g) != 1 || g[0] < time.Second {
			t.Errorf("gaps = %v, want one ≥ 1s", g)
		}
	})
	t.Run("429 with Retry-After in seconds", func(t *testing.T) {
		t.Parallel()
		s := testsite.New(t)
		s.On("/page", testsite.Status(429, "Retry-After", "7"), testsite.Page(fsOKHTML))
		h := newFetchHarness(t, true)
		c := h.fetchOne(t, fetchTarget(s.At("/page"), fetchTestPolicy()))
		wantFetchOK(t, c, 2)
		if w := h.waits.all(); len(w) != 1 || w[0] != 7*time.Second {
			t.Errorf("waits = %v, want [7s]", w)
		}
	})
	t.Run("429 with Retry-After as an HTTP date", func(t *testing.T) {
		t.Parallel()
		now := time.Date(2026, 11, 28, 5, 0, 0, 0, time.UTC)
		s := testsite.New(t)
		s.On("/page", testsite.Status(429, "Retry-After", now.Add(90*time.Second).Format(http.TimeFormat)), testsite.Page(fsOKHTML))
		h := newFetchHarness(t, true)
		h.f.clock = func() time.Time { return now }
		c := h.fetchOne(t, fetchTarget(s.At("/page"), fetchTestPolicy()))
		wantFetchOK(t, c, 2)
		if w := h.waits.all(); len(w) != 1 || w[0] != 90*time.Second {
			t.Errorf("waits = %v, want [1m30s]", w)
		}
	})
	t.Run("long Retry-After defers without a storm", func(t *testing.T) {
		t.Parallel()
		s := testsite.New(t)
		s.On("/page", testsite.Status(429, "Retry-After", "86400"))
		h := newFetchHarness(t, true)
		c := h.fetchOne(t, fetchTarget(s.At("/page"), fetchTestPolicy()))
		wantFetchErr(t, c, KindDeferred, 429, 1)
		if c.Err.RetryAfter != 24*time.Hour || c.Header["Retry-After"] != "86400" {
			t.Errorf("RetryAfter %v, header %q", c.Err.RetryAfter, c.Header["Retry-After"])
		}
		if n := len(s.Hits("/page")); n != 1 || len(h.waits.all()) != 0 {
			t.Errorf("%d requests and waits %v after a 1-day Retry-After", n, h.waits.all())
		}
	})
	t.Run("Retry-After too big to parse defers", func(t *testing.T) {
		t.Parallel()
		s := testsite.New(t)
		s.On("/page", testsite.Status(503, "Retry-After", "99999999999999999999"), testsite.Page(fsOKHTML))
		h := newFetchHarness(t, true)
		c := h.fetchOne(t, fetchTarget(s.At("/page"), fetchTestPolicy()))
		wantFetchErr(t, c, KindDeferred, 503, 1)
		if n := len(s.Hits("/page")); n != 1 || len(h.waits.all()) != 0 {
			t.Errorf("%d requests and waits %v after an overflowing Retry-After", n, h.waits.all())
		}
	})
	t.Run("deferral covers the rest of the host", func(t *testing.T) {
		t.Parallel()
		s := testsite.New(t)
		s.On("/a", testsite.Status(503, "Retry-After", time.Now().Add(3*time.Hour).UTC().Format(http.TimeFormat)))
		s.On("/b", testsite.Page(fsOKHTML))
		other := testsite.New(t)
		other.On("/c", testsite.Page(fsOKHTML))
		cs := newFetchHarness(t, true).f.Fetch(context.Background(), []Target{
			fetchTarget(s.At("/a"), fetchTestPolicy()),
			fetchTarget(s.At("/b"), fetchTestPolicy()),
			fetchTarget(other.At("/c"), fetchTestPolicy()),
		}, nil)
		wantFetchErr(t, cs[0], KindDeferred, 503, 1)
		wantFetchErr(t, cs[1], KindDeferred, 0, 0)
		wantFetchOK(t, cs[2], 1)
		if cs[0].Err.RetryAfter < 2*time.Hour || len(s.Hits("/b")) != 0 {
			t.Errorf("RetryAfter %v; /b requested %d times", cs[0].Err.RetryAfter, len(s.Hits("/b")))
		}
	})
	t.Run("Retry-After on the last attempt is reported", func(t *testing.T) {
		t.Parallel()
		s := testsite.New(t)
		s.On("/page", testsite.Status(503, "Retry-After", "2"))
		p := fetchTestPolicy()
		p.Retries = 1
		h := newFetchHarness(t, true)
		c := h.fetchOne(t, fetchTarget(s.At("/page"), p))
		wantFetchErr(t, c, KindHTTPStatus, 503, 2)
		if c.Err.RetryAfter != 2*time.Second {
			t.Errorf("RetryAfter = %v", c.Err.RetryAfter)
		}
	})
}

func TestFetchRedirects(t *testing.T) {
	t.Parallel()
	t.Run("same host, final URL recorded", func(t *testing.T) {
		t.Parallel()
		s := testsite.New(t)
		s.On("/old", testsite.Redirect(301, "/new"))
		s.On("/new", testsite.Page(fsOKHTML))
		c := newFetchHarness(t, false).fetchOne(t, fetchTarget(s.At("/old"), fetchTestPolicy()))
		wantFetchOK(t, c, 1)
		if c.FinalURL != s.At("/new") || c.URL != s.At("/old") {
			t.Errorf("URL %q final %q", c.URL, c.FinalURL)
		}
	})
	t.Run("loop", func(t *testing.T) {
		t.Parallel()
		s := testsite.New(t)
		s.On("/a", testsite.Redirect(302, "/b"))
		s.On("/b", testsite.Redirect(302, "/a"))
		c := newFetchHarness(t, false).fetchOne(t, fetchTarget(s.At("/a"), fetchTestPolicy()))
		wantFetchErr(t, c, KindRedirectLoop, 0, 1)
		if n := len(s.Hits("/a")) + len(s.Hits("/b")); n != 2 {
			t.Errorf("%d requests for a 2-hop loop", n)
		}
	})
	t.Run("more than 10 hops", func(t *testing.T) {
		t.Parallel()
		s := testsite.New(t)
		for i := range 12 {
			s.On(fmt.Sprintf("/r%d", i), testsite.Redirect(302, fmt.Sprintf("/r%d", i+1)))
		}
		c := newFetchHarness(t, false).fetchOne(t, fetchTarget(s.At("/r0"), fetchTestPolicy()))
		wantFetchErr(t, c, KindRedirectLoop, 0, 1)
		if n := len(s.AllHits()) - 1; n != 11 {
			t.Errorf("%d page requests, want the target and 10 hops", n)
		}
	})
	t.Run("cookie bounce through the same URL", func(t *testing.T) {
		t.Parallel()
		s := testsite.New(t)
		s.On("/page", func(w http.ResponseWriter, r *http.Request) {
			http.SetCookie(w, &http.Cookie{Name: "s", Value: "1"})
			testsite.Redirect(302, "/page")(w, r)
		}, testsite.Page(fsOKHTML))
		c := newFetchHarness(t, false).fetchOne(t, fetchTarget(s.At("/page"), fetchTestPolicy()))
		wantFetchOK(t, c, 1)
		if _, ok := c.Header["Set-Cookie"]; ok {
			t.Errorf("Set-Cookie kept")
		}
	})
	// 127.0.0.1 on another port is the same site (same host name), so the
	// redirect passes the site check and is stopped by the connect-time
	// address check: only the configured target's own host:port may be
	// private.
	t.Run("other port on loopback is a private address", func(t *testing.T) {
		t.Parallel()
		other := testsite.New(t)
		other.On("/secret", testsite.Page("<html>internal</html>"))
		s := testsite.New(t)
		s.On("/page", testsite.Redirect(302, other.At("/secret")))
		c := newFetchHarness(t, false).fetchOne(t, fetchTarget(s.At("/page"), fetchTestPolicy()))
		wantFetchErr(t, c, KindPrivateAddress, 0, 1)
		if n := len(other.AllHits()); n != 0 {
			t.Errorf("the private server got %d requests", n)
		}
	})
	t.Run("other port allowed with allow_private_networks", func(t *testing.T) {
		t.Parallel()
		other := testsite.New(t)
		other.On("/mirror", testsite.Page(fsOKHTML))
		s := testsite.New(t)
		s.On("/page", testsite.Redirect(302, other.At("/mirror")))
		p := fetchTestPolicy()
		p.AllowPrivateNetworks = true
		c := newFetchHarness(t, false).fetchOne(t, fetchTarget(s.At("/page"), p))
		wantFetchOK(t, c, 1)
		if c.FinalURL != other.At("/mirror") {
			t.Errorf("final = %q", c.FinalURL)
		}
	})
	// "localhost" is a name, not an address: this is caught by
	// net.Dialer.Control after DNS, not by looking at the URL.
	t.Run("host name resolving to loopback is refused at connect", func(t *testing.T) {
		t.Parallel()
		other := testsite.New(t)
		s := testsite.New(t)
		_, otherPort, _ := strings.Cut(other.Listener.Addr().String(), ":")
		_, port, _ := strings.Cut(s.Listener.Addr().String(), ":")
		s.On("/page", testsite.Redirect(302, "http://localhost:"+otherPort+"/x"))
		c := newFetchHarness(t, false).fetchOne(t, fetchTarget("http://localhost:"+port+"/page", fetchTestPolicy()))
		wantFetchErr(t, c, KindPrivateAddress, 0, 1)
		if !strings.Contains(c.Err.Msg, "non-public address 127.0.0.1") && !strings.Contains(c.Err.Msg, "::1") {
			t.Errorf("msg = %q", c.Err.Msg)
		}
	})
	// 127.0.0.2 is another host name, hence another site.
	t.Run("other loopback host is another site", func(t *testing.T) {
		t.Parallel()
		other := testsite.NewOn(t, "127.0.0.2:0")
		s := testsite.New(t)
		s.On("/page", testsite.Redirect(302, other.At("/x")))
		c := newFetchHarness(t, false).fetchOne(t, fetchTarget(s.At("/page"), fetchTestPolicy()))
		wantFetchErr(t, c, KindRedirectOffsite, 0, 1)
		if n := len(other.AllHits()); n != 0 {
			t.Errorf("the other host got %d requests", n)
		}
	})
	t.Run("metadata address", func(t *testing.T) {
		t.Parallel()
		s := testsite.New(t)
		s.On("/page", testsite.Redirect(302, "http://169.254.169.254/latest/meta-data/"))
		c := newFetchHarness(t, false).fetchOne(t, fetchTarget(s.At("/page"), fetchTestPolicy()))
		wantFetchErr(t, c, KindRedirectOffsite, 0, 1)
	})
	// The configured target may be loopback (as every test here is), but
	// never link-local: refused before any packet is sent.
	t.Run("target on the metadata address", func(t *testing.T) {
		t.Parallel()
		for _, robots := range []bool{false, true} {
			p := fetchTestPolicy()
			p.RespectRobots = robots
			c := newFetchHarness(t, false).fetchOne(t, fetchTarget("http://169.254.169.254:9/latest/meta-data/", p))
			wantFetchErr(t, c, KindPrivateAddress, 0, map[bool]int{false: 1, true: 0}[robots])
		}
	})
	t.Run("non-http scheme", func(t *testing.T) {
		t.Parallel()
		s := testsite.New(t)
		s.On("/page", testsite.Redirect(302, "file:///etc/passwd"))
		c := newFetchHarness(t, false).fetchOne(t, fetchTarget(s.At("/page"), fetchTestPolicy()))
		wantFetchErr(t, c, KindRedirectOffsite, 0, 1)
	})
}

func TestFetchContentTypes(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		step     http.HandlerFunc
		kind     string // "" for success
		wantType string
	}{
		{"html as text/plain", testsite.Typed("text/plain; charset=iso-8859-1", fsOKHTML), "", "text/html; charset=iso-8859-1"},
		{"no content type, html bytes", testsite.Typed("", "  \n"+fsOKHTML), "", "text/html"},
		{"octet-stream, html bytes", testsite.Typed("application/octet-stream", fsOKHTML), "", "text/html"},
		{"xhtml", testsite.Typed("application/xhtml+xml", fsOKHTML), "", "application/xhtml+xml"},
		{"203 is a success status", testsite.Answer(203, "text/html", fsOKHTML), "", "text/html"},
		{"pdf", testsite.Typed("application/pdf", "%PDF-1.7\n..."), KindWrongType, ""},
		{"json", testsite.Typed("application/json", `{"a":1}`), KindWrongType, ""},
		{"image", testsite.Typed("image/png", "\x89PNG\r\n\x1a\n"), KindWrongType, ""},
		{"plain text that is not html", testsite.Typed("text/plain", "just words"), KindWrongType, ""},
		{"no content type, pdf bytes", testsite.Typed("", "%PDF-1.7\n..."), KindWrongType, ""},
		{"gzip file", testsite.Typed("application/gzip", "\x1f\x8b..."), KindWrongType, ""},
		{"204 no content", testsite.Status(204), KindWrongType, ""},
		{"206 partial content", testsite.Answer(206, "text/html", fsOKHTML), KindWrongType, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := testsite.New(t)
			s.On("/page", tc.step)
			c := newFetchHarness(t, false).fetchOne(t, fetchTarget(s.At("/page"), fetchTestPolicy()))
			if tc.kind != "" {
				wantFetchErr(t, c, tc.kind, c.Status, 1)
				if c.Status < 200 || c.Status > 299 {
					t.Errorf("status = %d", c.Status)
				}
				return
			}
			wantFetchOK(t, c, 1)
			if c.ContentType != tc.wantType || !strings.Contains(string(c.Body), "Kazakhstan") {
				t.Errorf("type %q (want %q), body %q", c.ContentType, tc.wantType, fsTrunc(c.Body))
			}
		})
	}
}

func TestFetchConditional(t *testing.T) {
	t.Parallel()
	t.Run("304 to our validators is not modified", func(t *testing.T) {
		t.Parallel()
		s := testsite.New(t)
		s.On("/page", func(w http.ResponseWriter, r *http.Request) {
			if r.Header.Get("If-None-Match") == `"v1"` {
				w.WriteHeader(http.StatusNotModified)
				return
			}
			testsite.Page(fsOKHTML)(w, r)
		})
		tg := fetchTarget(s.At("/page"), fetchTestPolicy())
		tg.ETag, tg.LastModified = `"v1"`, "Sat, 28 Nov 2026 00:00:00 GMT"
		c := newFetchHarness(t, false).fetchOne(t, tg)
		wantFetchOK(t, c, 1)
		if !c.NotModified || c.Status != 304 || c.Body != nil {
			t.Errorf("NotModified %v status %d body %q", c.NotModified, c.Status, c.Body)
		}
		if got := s.Hits("/page")[0].Header.Get("If-Modified-Since"); got != tg.LastModified {
			t.Errorf("If-Modified-Since = %q", got)
		}
	})
	t.Run("304 without validators is an error", func(t *testing.T) {
		t.Parallel()
		s := testsite.New(t)
		s.On("/page", testsite.Status(304))
		c := newFetchHarness(t, false).fetchOne(t, fetchTarget(s.At("/page"), fetchTestPolicy()))
		wantFetchErr(t, c, KindHTTPStatus, 304, 1)
	})
}

func TestFetchBlocked(t *testing.T) {
	t.Parallel()
	cases := map[string]http.HandlerFunc{
		"cloudflare 403":    testsite.Status(403, "cf-mitigated", "challenge"),
		"cloudflare 503":    testsite.Status(503, "cf-mitigated", "challenge"),
		"akamai 403":        testsite.Status(403, "Server", "AkamaiGHost"),
		"plain 403 is http": testsite.Status(403),
	}
	for name, step := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			s := testsite.New(t)
			s.On("/page", step)
			c := newFetchHarness(t, false).fetchOne(t, fetchTarget(s.At("/page"), fetchTestPolicy()))
			kind := KindBlocked
			if strings.HasPrefix(name, "plain") {
				kind = KindHTTPStatus
			}
			wantFetchErr(t, c, kind, c.Status, 1)
		})
	}
}

func TestFetchRobots(t *testing.T) {
	t.Parallel()
	t.Run("503 means unavailable", func(t *testing.T) {
		t.Parallel()
		s := testsite.New(t)
		s.On("/robots.txt", testsite.Status(503))
		s.On("/page", testsite.Page(fsOKHTML))
		c := newFetchHarness(t, false).fetchOne(t, fetchTarget(s.At("/page"), fetchTestPolicy()))
		wantFetchErr(t, c, KindRobotsUnavailable, 0, 0)
		if n := len(s.Hits("/page")); n != 0 {
			t.Errorf("page fetched %d times despite a 503 robots.txt", n)
		}
	})
	t.Run("slow means unavailable", func(t *testing.T) {
		t.Parallel()
		s := testsite.New(t)
		s.On("/robots.txt", testsite.Slow(5*time.Second, testsite.Typed("text/plain", "")))
		s.On("/page", testsite.Page(fsOKHTML))
		p := fetchTestPolicy()
		p.Timeout = 300 * time.Millisecond
		start := time.Now()
		c := newFetchHarness(t, false).fetchOne(t, fetchTarget(s.At("/page"), p))
		wantFetchErr(t, c, KindRobotsUnavailable, 0, 0)
		if !strings.Contains(c.Err.Msg, "timeout") && !strings.Contains(c.Err.Msg, "within") {
			t.Errorf("msg = %q", c.Err.Msg)
		}
		if el := time.Since(start); el > time.Second || len(s.Hits("/page")) != 0 {
			t.Errorf("took %v, page hits %d", el, len(s.Hits("/page")))
		}
	})
	t.Run("disallow", func(t *testing.T) {
		t.Parallel()
		s := testsite.New(t)
		s.On("/robots.txt", testsite.Typed("text/plain", "User-agent: *\nDisallow: /private\n\nUser-agent: relwatch\nDisallow: /news\n"))
		s.On("/news/1", testsite.Page(fsOKHTML))
		s.On("/private/1", testsite.Page(fsOKHTML))
		h := newFetchHarness(t, false)
		cs := h.f.Fetch(context.Background(), []Target{
			fetchTarget(s.At("/news/1"), fetchTestPolicy()),
			fetchTarget(s.At("/private/1"), fetchTestPolicy()),
		}, nil)
		wantFetchErr(t, cs[0], KindRobotsDisallowed, 0, 0)
		wantFetchOK(t, cs[1], 1) // our own group replaces the * group
		if n := len(s.Hits("/robots.txt")); n != 1 {
			t.Errorf("robots.txt fetched %d times, want once per host per run", n)
		}
	})
	t.Run("query prefix matched as written", func(t *testing.T) {
		t.Parallel()
		s := testsite.New(t)
		s.On("/robots.txt", testsite.Typed("text/plain", "User-agent: *\nDisallow: /page?b=1\n"))
		s.On("/page", testsite.Page(fsOKHTML))
		cs := newFetchHarness(t, false).f.Fetch(context.Background(), []Target{
			fetchTarget(s.At("/page?b=1&a=2"), fetchTestPolicy()), // colly would test "/page?a=2&b=1" and allow it
			fetchTarget(s.At("/page?a=2&b=1"), fetchTestPolicy()),
		}, nil)
		wantFetchErr(t, cs[0], KindRobotsDisallowed, 0, 0)
		wantFetchOK(t, cs[1], 1)
		if hs := s.Hits("/page"); len(hs) != 1 || hs[0].Path != "/page?a=2&b=1" {
			t.Errorf("page requests = %v", hs)
		}
	})
	t.Run("non-ASCII and lower-case escapes match the encoded path", func(t *testing.T) {
		// RFC 9309 §2.2.2: rules and paths compare percent-encoded.
		t.Parallel()
		s := testsite.New(t)
		s.On("/robots.txt", testsite.Typed("text/plain", "User-agent: *\nDisallow: /café\nDisallow: /caf%c3%a9-lower\nDisallow: /%7Euser\nDisallow: /a%2fb\n"))
		for _, p := range []string{"/cafe", "/a/b", "/été"} {
			s.On(p, testsite.Page(fsOKHTML))
		}
		p := fetchTestPolicy()
		p.Delay = 0
		var targets []Target
		disallowed := []string{"/café", "/caf%C3%A9/menu", "/caf%c3%a9", "/café-lower", "/caf%C3%A9-lower", "/~user/x", "/%7euser", "/a%2Fb"}
		allowed := []string{"/cafe", "/a/b", "/été"}
		for _, path := range append(disallowed, allowed...) {
			targets = append(targets, fetchTarget(s.URL+path, p))
		}
		cs := newFetchHarness(t, false).f.Fetch(context.Background(), targets, nil)
		for i, path := range disallowed {
			if cs[i].Err == nil || cs[i].Err.Kind != KindRobotsDisallowed {
				t.Errorf("%s: %v, want robots_disallowed", path, cs[i].Err)
			}
		}
		for i := range allowed {
			wantFetchOK(t, cs[len(disallowed)+i], 1)
		}
	})
	t.Run("crawl-delay raises spacing", func(t *testing.T) {
		t.Parallel()
		s := testsite.New(t)
		s.On("/robots.txt", testsite.Typed("text/plain", "User-agent: *\nCrawl-delay: 0.3\n"))
		s.On("/a", testsite.Page(fsOKHTML))
		s.On("/b", testsite.Page(fsOKHTML))
		cs := newFetchHarness(t, false).f.Fetch(context.Background(), []Target{
			fetchTarget(s.At("/a"), fetchTestPolicy()), fetchTarget(s.At("/b"), fetchTestPolicy()),
		}, nil)
		wantFetchOK(t, cs[0], 1)
		wantFetchOK(t, cs[1], 1)
		g := testsite.Gaps(s.AllHits()) // robots, /a, /b
		if len(g) != 2 || g[0] < 20*time.Millisecond || g[1] < 300*time.Millisecond {
			t.Errorf("gaps = %v, want ≥ 20ms (delay) then ≥ 300ms (crawl-delay)", g)
		}
	})
	t.Run("crawl-delay is capped", func(t *testing.T) {
		t.Parallel()
		s := testsite.New(t)
		s.On("/robots.txt", testsite.Typed("text/plain", "User-agent: *\nCrawl-delay: 3600\n"))
		s.On("/a", testsite.Page(fsOKHTML))
		h := newFetchHarness(t, false)
		h.f.crawlDelayCap = 50 * time.Millisecond
		start := time.Now()
		cs := h.f.Fetch(context.Background(), []Target{fetchTarget(s.At("/a"), fetchTestPolicy()), fetchTarget(s.At("/a"), fetchTestPolicy())}, nil)
		wantFetchOK(t, cs[1], 1)
		if g := testsite.Gaps(s.Hits("/a")); len(g) != 1 || g[0] < 50*time.Millisecond || time.Since(start) > 2*time.Second {
			t.Errorf("gaps = %v", g)
		}
	})
	t.Run("huge robots.txt is read up to 500 KiB", func(t *testing.T) {
		t.Parallel()
		s := testsite.New(t)
		s.On("/robots.txt", testsite.Typed("text/plain", "User-agent: *\nDisallow: /no\n"+strings.Repeat("# padding\n", 200_000)))
		c := newFetchHarness(t, false).fetchOne(t, fetchTarget(s.At("/no"), fetchTestPolicy()))
		wantFetchErr(t, c, KindRobotsDisallowed, 0, 0)
	})
	t.Run("redirect loop means absent", func(t *testing.T) {
		t.Parallel()
		s := testsite.New(t)
		s.On("/robots.txt", testsite.Redirect(302, "/robots2.txt"))
		s.On("/robots2.txt", testsite.Redirect(302, "/robots.txt"))
		s.On("/page", testsite.Page(fsOKHTML))
		c := newFetchHarness(t, false).fetchOne(t, fetchTarget(s.At("/page"), fetchTestPolicy()))
		wantFetchOK(t, c, 1)
	})
	t.Run("invalid lines are ignored, valid rules kept", func(t *testing.T) {
		t.Parallel()
		s := testsite.New(t)
		s.On("/robots.txt", testsite.Typed("text/plain", "Disallow: /stray\r\nUser-agent: *\r\nCrawl-delay: soon\r\nDisallow: /private # comment\r\n"))
		s.On("/stray", testsite.Page(fsOKHTML))
		cs := newFetchHarness(t, false).f.Fetch(context.Background(), []Target{
			fetchTarget(s.At("/private/x"), fetchTestPolicy()),
			fetchTarget(s.At("/stray"), fetchTestPolicy()),
		}, nil)
		wantFetchErr(t, cs[0], KindRobotsDisallowed, 0, 0)
		wantFetchOK(t, cs[1], 1)
	})
	t.Run("respect_robots off skips it and says so", func(t *testing.T) {
		t.Parallel()
		s := testsite.New(t)
		s.On("/robots.txt", testsite.Typed("text/plain", "User-agent: *\nDisallow: /\n"))
		s.On("/page", testsite.Page(fsOKHTML))
		p := fetchTestPolicy()
		p.RespectRobots = false
		h := newFetchHarness(t, false)
		c := h.fetchOne(t, fetchTarget(s.At("/page"), p))
		wantFetchOK(t, c, 1)
		if n := len(s.Hits("/robots.txt")); n != 0 {
			t.Errorf("robots.txt fetched %d times", n)
		}
		if !strings.Contains(h.logs.String(), "robots.txt not consulted") {
			t.Errorf("no log line about skipping robots.txt")
		}
	})
}

func TestFetchPacing(t *testing.T) {
	t.Parallel()
	t.Run("same host spaced by delay", func(t *testing.T) {
		t.Parallel()
		s := testsite.New(t)
		s.On("/a", testsite.Page(fsOKHTML))
		s.On("/b", testsite.Page(fsOKHTML))
		p := fetchTestPolicy()
		p.Delay = 150 * time.Millisecond
		cs := newFetchHarness(t, false).f.Fetch(context.Background(), []Target{fetchTarget(s.At("/a"), p), fetchTarget(s.At("/b"), p)}, nil)
		wantFetchOK(t, cs[0], 1)
		wantFetchOK(t, cs[1], 1)
		for i, g := range testsite.Gaps(s.AllHits()) { // robots, /a, /b
			if g < 150*time.Millisecond {
				t.Errorf("gap %d = %v < delay 150ms", i, g)
			}
		}
	})
	t.Run("different hosts in parallel", func(t *testing.T) {
		t.Parallel()
		slow := testsite.Slow(400*time.Millisecond, testsite.Page(fsOKHTML))
		s1, s2 := testsite.New(t), testsite.New(t)
		s1.On("/page", slow)
		s2.On("/page", slow)
		p := fetchTestPolicy()
		p.RespectRobots = false
		start := time.Now()
		cs := newFetchHarness(t, false).f.Fetch(context.Background(), []Target{fetchTarget(s1.At("/page"), p), fetchTarget(s2.At("/page"), p)}, nil)
		el := time.Since(start)
		wantFetchOK(t, cs[0], 1)
		wantFetchOK(t, cs[1], 1)
		if el > 790*time.Millisecond {
			t.Errorf("two 400ms hosts took %v: not parallel", el)
		}
		if d := s1.Hits("/page")[0].At.Sub(s2.Hits("/page")[0].At).Abs(); d > 200*time.Millisecond {
			t.Errorf("arrivals %v apart", d)
		}
	})
	t.Run("parallel 1 serialises hosts", func(t *testing.T) {
		t.Parallel()
		slow := testsite.Slow(200*time.Millisecond, testsite.Page(fsOKHTML))
		s1, s2 := testsite.New(t), testsite.New(t)
		s1.On("/page", slow)
		s2.On("/page", slow)
		p := fetchTestPolicy()
		p.RespectRobots = false
		h := newFetchHarness(t, false)
		h.f.parallel = 1
		cs := h.f.Fetch(context.Background(), []Target{fetchTarget(s1.At("/page"), p), fetchTarget(s2.At("/page"), p)}, nil)
		wantFetchOK(t, cs[1], 1)
		if d := s1.Hits("/page")[0].At.Sub(s2.Hits("/page")[0].At).Abs(); d < 200*time.Millisecond {
			t.Errorf("arrivals only %v apart with parallel=1", d)
		}
	})
}

func TestFetchCancel(t *testing.T) {
	t.Parallel()
	t.Run("mid-request", func(t *testing.T) {
		t.Parallel()
		s := testsite.New(t)
		s.On("/slow", testsite.Slow(10*time.Second, testsite.Page(fsOKHTML)))
		s.On("/next", testsite.Page(fsOKHTML))
		p := fetchTestPolicy()
		p.Timeout = 30 * time.Second
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(200*time.Millisecond, cancel)
		start := time.Now()
		cs := newFetchHarness(t, false).f.Fetch(ctx, []Target{fetchTarget(s.At("/slow"), p), fetchTarget(s.At("/next"), p)}, nil)
		if el := time.Since(start); el > 1200*time.Millisecond {
			t.Errorf("returned %v after start; cancel came at 200ms", el)
		}
		wantFetchErr(t, cs[0], KindCanceled, 0, 1)
		wantFetchErr(t, cs[1], KindCanceled, 0, 0)
		if n := len(s.Hits("/next")); n != 0 {
			t.Errorf("/next fetched after cancel")
		}
	})
	t.Run("during a Retry-After wait", func(t *testing.T) {
		t.Parallel()
		s := testsite.New(t)
		s.On("/page", testsite.Status(503, "Retry-After", "60"))
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(200*time.Millisecond, cancel)
		start := time.Now()
		c := newFetchHarness(t, false).f.Fetch(ctx, []Target{fetchTarget(s.At("/page"), fetchTestPolicy())}, nil)[0]
		if el := time.Since(start); el > 1200*time.Millisecond {
			t.Errorf("returned after %v", el)
		}
		wantFetchErr(t, c, KindCanceled, 503, 1)
	})
	t.Run("during a robots.txt fetch", func(t *testing.T) {
		t.Parallel()
		s := testsite.New(t)
		s.On("/robots.txt", testsite.Slow(10*time.Second, testsite.Typed("text/plain", "")))
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(200*time.Millisecond, cancel)
		start := time.Now()
		p := fetchTestPolicy()
		p.Timeout = 30 * time.Second
		c := newFetchHarness(t, false).f.Fetch(ctx, []Target{fetchTarget(s.At("/page"), p)}, nil)[0]
		if el := time.Since(start); el > 1200*time.Millisecond {
			t.Errorf("returned after %v", el)
		}
		wantFetchErr(t, c, KindCanceled, 0, 0)
	})
}

func TestFetchCredentialsNeverShown(t *testing.T) {
	t.Parallel()
	s := testsite.New(t)
	s.On("/missing", testsite.Status(404, "Set-Cookie", "sid=cookie-secret"))
	s.On("/loop", testsite.Redirect(302, "/loop"))
	s.On("/ok", testsite.Page(fsOKHTML))
	u, _ := url.Parse(s.URL)
	u.User = url.UserPassword("user", "s3cret/pw")
	base := u.String()
	h := newFetchHarness(t, false)
	cs := h.f.Fetch(context.Background(), []Target{
		fetchTarget(base+"/missing", fetchTestPolicy()),
		fetchTarget(base+"/loop", fetchTestPolicy()),
		fetchTarget(base+"/ok", fetchTestPolicy()),
		fetchTarget("http://user:s3cret@127.0.0.1:1/x", fetchTestPolicy()),    // connection refused
		fetchTarget("http://user:s3cret/pw@127.0.0.1:1/x", fetchTestPolicy()), // unparsable
		fetchTarget("http://l0ne-t0ken@127.0.0.1:1/x", fetchTestPolicy()),     // a user name alone is a token
		fetchTarget(s.At("/missing?lang=fr&token=q-s3cret"), fetchTestPolicy()),
		{Page: "test/en", URL: s.At("/missing?session=sess-s3cret"), Policy: fetchTestPolicy(), Redact: relwatch.Redactor{Extra: []string{"session"}}},
	}, nil)
	for i, c := range cs[:2] {
		if c.Err == nil {
			t.Fatalf("target %d: no error", i)
		}
	}
	wantFetchOK(t, cs[2], 1)
	if strings.Contains(cs[2].FinalURL, "user") {
		t.Errorf("FinalURL keeps credentials: %s", cs[2].FinalURL)
	}
	if got := s.Hits("/ok")[0].Header.Get("Authorization"); !strings.HasPrefix(got, "Basic ") {
		t.Errorf("basic auth from the URL not sent: %q", got)
	}
	var all strings.Builder
	for _, c := range cs {
		fmt.Fprintln(&all, c.FinalURL)
		if c.Err != nil {
			fmt.Fprintln(&all, c.Err.Error())
		}
		for k, v := range c.Header {
			fmt.Fprintln(&all, k, v)
		}
	}
	all.WriteString(h.logs.String())
	for _, secret := range []string{"s3cret", "s3cret%2Fpw", "cookie-secret", "l0ne-t0ken"} {
		if strings.Contains(all.String(), secret) {
			t.Errorf("%q appears in messages, headers or logs:\n%s", secret, all.String())
		}
	}
}

// TestFetchCookiesStayWithTheirTarget: a cookie set for one target is sent
// on that target's own redirects and retries, never with another target's
// requests to the same host (which may use other credentials), nor with
// robots.txt.
func TestFetchCookiesStayWithTheirTarget(t *testing.T) {
	t.Parallel()
	s := testsite.New(t)
	s.On("/robots.txt", testsite.Status(404, "Set-Cookie", "robots=r1; Path=/"))
	s.On("/login", func(w http.ResponseWriter, r *http.Request) {
		http.SetCookie(w, &http.Cookie{Name: "sid", Value: "for-login", Path: "/"})
		http.Redirect(w, r, "/session", http.StatusFound)
	})
	s.On("/session", testsite.Status(503, "Set-Cookie", "retry=1; Path=/"), testsite.Page(fsOKHTML))
	s.On("/other", testsite.Page(fsOKHTML))
	p := fetchTestPolicy()
	u, _ := url.Parse(s.URL)
	u.User = url.UserPassword("someone-else", "pw")
	cs := newFetchHarness(t, true).f.Fetch(context.Background(), []Target{
		fetchTarget(s.At("/login"), p),
		fetchTarget(u.String()+"/other", p),
	}, nil)
	wantFetchOK(t, cs[0], 2)
	wantFetchOK(t, cs[1], 1)
	session := s.Hits("/session")
	if len(session) != 2 {
		t.Fatalf("/session asked %d times, want 2 (a 503, then the retry)", len(session))
	}
	if got := session[0].Header.Get("Cookie"); got != "sid=for-login" {
		t.Errorf("the redirect after login sent Cookie %q, want the session cookie", got)
	}
	if got := session[1].Header.Get("Cookie"); !strings.Contains(got, "sid=for-login") || !strings.Contains(got, "retry=1") {
		t.Errorf("the retry sent Cookie %q, want the target's cookies", got)
	}
	if c := s.Hits("/login")[0].Header.Get("Cookie"); c != "" {
		t.Errorf("the first request of a target was sent Cookie %q", c)
	}
	for _, path := range []string{"/other", "/robots.txt"} {
		for _, h := range s.Hits(path) {
			if c := h.Header.Get("Cookie"); c != "" {
				t.Errorf("%s was sent Cookie %q, set for another target", path, c)
			}
		}
	}
}

// colly applies COLLY_* environment variables after its options; none of
// them may loosen our limits or serve cached pages.
func TestFetchIgnoresCollyEnvironment(t *testing.T) {
	t.Setenv("COLLY_MAX_BODY_SIZE", "10")
	t.Setenv("COLLY_CACHE_DIR", t.TempDir())
	t.Setenv("COLLY_IGNORE_ROBOTSTXT", "n")
	t.Setenv("COLLY_FOLLOW_REDIRECTS", "n")
	t.Setenv("COLLY_MAX_REQUESTS", "1")
	s := testsite.New(t)
	s.On("/old", testsite.Redirect(302, "/page"))
	s.On("/page", testsite.Page(fsOKHTML))
	p := fetchTestPolicy()
	p.Delay = 0
	cs := newFetchHarness(t, false).f.Fetch(context.Background(), []Target{fetchTarget(s.At("/old"), p), fetchTarget(s.At("/page"), p)}, nil)
	for i, c := range cs {
		wantFetchOK(t, c, 1)
		if string(c.Body) != fsOKHTML {
			t.Errorf("target %d body %q", i, fsTrunc(c.Body))
		}
	}
	if n := len(s.Hits("/page")); n != 2 {
		t.Errorf("/page served %d times: cache or request cap in effect", n)
	}
}

func TestFetchZeroPolicyIsDefault(t *testing.T) {
	t.Parallel()
	s := testsite.New(t)
	s.On("/robots.txt", testsite.Typed("text/plain", "User-agent: *\nDisallow: /\n"))
	c := newFetchHarness(t, false).fetchOne(t, Target{Page: "p", URL: s.At("/page")})
	wantFetchErr(t, c, KindRobotsDisallowed, 0, 0)
	if ua := s.Hits("/robots.txt")[0].Header.Get("User-Agent"); ua != UserAgent("dev") {
		t.Errorf("User-Agent = %q", ua)
	}
}

func TestFetchOrderAndDone(t *testing.T) {
	t.Parallel()
	s1, s2 := testsite.New(t), testsite.New(t)
	s1.On("/", testsite.Slow(100*time.Millisecond, testsite.Page(fsOKHTML)))
	s2.On("/", testsite.Page(fsOKHTML))
	p := fetchTestPolicy()
	p.Delay = 0
	targets := []Target{
		{Page: "a", URL: s1.At("/"), Policy: p},
		{Page: "b", URL: s2.At("/"), Policy: p},
		{Page: "c", URL: "ftp://example.org/", Policy: p},
		{Page: "d", URL: s1.At("/"), Policy: p},
		{Page: "e", URL: s2.At("/nope"), Policy: p},
	}
	var inDone atomic.Int32
	var mu sync.Mutex
	seen := map[int]string{}
	cs := newFetchHarness(t, false).f.Fetch(context.Background(), targets, func(i int, c Capture) {
		if inDone.Add(1) != 1 {
			t.Error("done called concurrently")
		}
		time.Sleep(5 * time.Millisecond)
		mu.Lock()
		seen[i] = c.Page
		mu.Unlock()
		inDone.Add(-1)
	})
	if len(cs) != len(targets) || len(seen) != len(targets) {
		t.Fatalf("%d captures, %d done calls", len(cs), len(seen))
	}
	for i, c := range cs {
		if c.Page != targets[i].Page || seen[i] != c.Page {
			t.Errorf("capture %d is %q (done saw %q)", i, c.Page, seen[i])
		}
	}
	wantFetchErr(t, cs[2], KindNetwork, 0, 0)
	wantFetchErr(t, cs[4], KindHTTPStatus, 404, 1)
}

// TestFetchOverlapsCallerWork proves the pipeline: while the caller is still
// busy with a host's first page, that host's next request has gone out.
func TestFetchOverlapsCallerWork(t *testing.T) {
	t.Parallel()
	s := testsite.New(t)
	s.On("/a", testsite.Page(fsOKHTML))
	s.On("/b", testsite.Page(fsOKHTML))
	p := fetchTestPolicy()
	p.Delay = 0
	targets := []Target{{Page: "a", URL: s.At("/a"), Policy: p}, {Page: "b", URL: s.At("/b"), Policy: p}}
	overlapped := false
	newFetchHarness(t, false).f.Fetch(context.Background(), targets, func(i int, c Capture) {
		if i != 0 {
			return
		}
		for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
			if len(s.Hits("/b")) > 0 {
				overlapped = true
				return
			}
		}
	})
	if !overlapped {
		t.Error("the second page was not requested while the caller handled the first")
	}
}

// TestFetchLogLines: each page's info line names the page, its URL and
// its attempts when info lines are written; at warn level only the
// failures are, with the same attributes.
func TestFetchLogLines(t *testing.T) {
	t.Parallel()
	s := testsite.New(t)
	s.On("/page", testsite.Page(fsOKHTML))
	s.On("/gone", testsite.Status(404))
	for _, level := range []slog.Level{slog.LevelInfo, slog.LevelWarn} {
		var logs bytes.Buffer
		f := NewFetcher(1, slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: level})))
		p := fetchTestPolicy()
		p.Retries = 0
		f.Fetch(context.Background(), []Target{
			{Page: "ok/en", URL: s.At("/page"), Policy: p},
			{Page: "gone/en", URL: s.At("/gone"), Policy: p},
		}, nil)
		out := logs.String()
		fetched := `msg=fetched page=ok/en url=` + s.At("/page") + ` attempts=1 status=200`
		failed := `msg="fetch failed" page=gone/en url=` + s.At("/gone") + ` attempts=1 kind=`
		if got := strings.Contains(out, fetched); got != (level == slog.LevelInfo) {
			t.Errorf("level %v: the fetched line written %v, want %v:\n%s", level, got, level == slog.LevelInfo, out)
		}
		if !strings.Contains(out, failed) {
			t.Errorf("level %v: no failure line with its page, URL and attempts:\n%s", level, out)
		}
	}
}
