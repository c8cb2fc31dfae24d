package scraper

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// faultServer is a scripted, fault-injecting loopback HTTP server
// (every failure mode the fetcher must survive is served from loopback).
// Each path has a sequence of steps; request n gets
// step n and the last step repeats. Every request is recorded with its
// arrival time, for politeness assertions. Unscripted paths, robots.txt
// included, answer 404.
type faultServer struct {
	*httptest.Server
	mu     sync.Mutex
	routes map[string][]http.HandlerFunc
	hits   []fsHit
}

type fsHit struct {
	at     time.Time
	path   string // path and raw query
	header http.Header
}

func newFaultServer(t *testing.T) *faultServer { return newFaultServerOn(t, "127.0.0.1:0") }

// newFaultServerOn listens on addr: "127.0.0.2:0" gives a second loopback
// host name.
func newFaultServerOn(t *testing.T, addr string) *faultServer {
	t.Helper()
	l, err := net.Listen("tcp", addr)
	if err != nil {
		t.Skipf("cannot listen on %s: %v", addr, err)
	}
	s := &faultServer{routes: map[string][]http.HandlerFunc{}}
	s.Server = httptest.NewUnstartedServer(http.HandlerFunc(s.serve))
	s.Listener.Close()
	s.Listener = l
	s.Start()
	t.Cleanup(s.Close)
	return s
}

func (s *faultServer) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.hits = append(s.hits, fsHit{at: time.Now(), path: r.URL.RequestURI(), header: r.Header.Clone()})
	steps := s.routes[r.URL.Path]
	n := 0
	for _, h := range s.hits {
		if strings.SplitN(h.path, "?", 2)[0] == r.URL.EscapedPath() {
			n++
		}
	}
	s.mu.Unlock()
	if len(steps) == 0 {
		http.NotFound(w, r)
		return
	}
	steps[min(n, len(steps))-1](w, r)
}

// on scripts path (without query).
func (s *faultServer) on(path string, steps ...http.HandlerFunc) *faultServer {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.routes[path] = steps
	return s
}

func (s *faultServer) url(path string) string { return s.URL + path }

// hitsFor returns the requests for path (without query), in arrival order.
func (s *faultServer) hitsFor(path string) []fsHit {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []fsHit
	for _, h := range s.hits {
		if strings.SplitN(h.path, "?", 2)[0] == path {
			out = append(out, h)
		}
	}
	return out
}

func (s *faultServer) allHits() []fsHit {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]fsHit(nil), s.hits...)
}

// ---- steps ----

const fsOKHTML = "<!doctype html><html><head><title>Relations with Kazakhstan</title></head><body><p>Text.</p></body></html>"

func fsSetHeaders(w http.ResponseWriter, kv []string) {
	for i := 0; i+1 < len(kv); i += 2 {
		w.Header().Set(kv[i], kv[i+1])
	}
}

// fsPage answers 200 with an HTML body; kv are extra header pairs.
func fsPage(body string, kv ...string) http.HandlerFunc {
	return fsTyped("text/html; charset=utf-8", body, kv...)
}

func fsTyped(ct, body string, kv ...string) http.HandlerFunc {
	return fsStatusTyped(http.StatusOK, ct, body, kv...)
}

func fsStatusTyped(code int, ct, body string, kv ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if ct != "" {
			w.Header().Set("Content-Type", ct)
		} else {
			w.Header()["Content-Type"] = nil // stop net/http sniffing one in
		}
		fsSetHeaders(w, kv)
		w.WriteHeader(code)
		fmt.Fprint(w, body)
	}
}

// fsStatus answers code with a small HTML error body (which must never come
// back as content).
func fsStatus(code int, kv ...string) http.HandlerFunc {
	return fsStatusTyped(code, "text/html", "<html><title>error "+strconv.Itoa(code)+"</title>ERROR BODY</html>", kv...)
}

func fsRedirect(code int, location string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Location", location)
		w.WriteHeader(code)
		fmt.Fprint(w, "Found. REDIRECT BODY")
	}
}

// fsSleepThen waits d before answering (slow headers); it gives up when the
// client goes away so the server can shut down.
func fsSleepThen(d time.Duration, next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(d):
			next(w, r)
		case <-r.Context().Done():
		}
	}
}

// fsTrickle sends headers at once, then one byte every interval, forever.
func fsTrickle(every time.Duration) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusOK)
		w.(http.Flusher).Flush()
		for {
			if _, err := w.Write([]byte("x")); err != nil {
				return
			}
			w.(http.Flusher).Flush()
			select {
			case <-time.After(every):
			case <-r.Context().Done():
				return
			}
		}
	}
}

// fsCutBody declares Content-Length: 1000, sends 20 bytes and drops the
// connection: with a TCP reset when rst, else with a plain close (EOF).
func fsCutBody(rst bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		conn, buf, err := w.(http.Hijacker).Hijack()
		if err != nil {
			panic(err)
		}
		defer conn.Close()
		fmt.Fprint(buf, "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 1000\r\n\r\n<html><title>cut</ti")
		buf.Flush()
		if rst {
			time.Sleep(10 * time.Millisecond)
			conn.(*net.TCPConn).SetLinger(0)
		}
	}
}

// fsEndless streams HTML forever, counting what it manages to write.
func fsEndless(written *atomic.Int64) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		chunk := bytes.Repeat([]byte("<p>more</p>\n"), 2730) // ~32 KiB
		for {
			n, err := w.Write(chunk)
			written.Add(int64(n))
			if err != nil {
				return
			}
		}
	}
}

// fsGzipMember is one gzip member of 1 MiB of HTML-ish zeros: about 1 KiB on
// the wire. Members concatenate into one valid gzip stream.
var fsGzipMember = sync.OnceValue(func() []byte {
	var b bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
	zw.Write(bytes.Repeat([]byte{' '}, 1<<20))
	zw.Close()
	return b.Bytes()
})

// fsGzipBomb sends n MiB of whitespace as Content-Encoding: gzip.
func fsGzipBomb(mib int, encoding string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.Header().Set("Content-Encoding", encoding)
		bw := bufio.NewWriter(w)
		for range mib {
			if _, err := bw.Write(fsGzipMember()); err != nil {
				return
			}
		}
		bw.Flush()
	}
}

// ---- fetcher helpers ----

// fsLogBuf collects log output for assertions.
type fsLogBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *fsLogBuf) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *fsLogBuf) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// waitLog records the backoff and Retry-After waits a Fetcher asked for.
type waitLog struct {
	mu sync.Mutex
	d  []time.Duration
}

func (w *waitLog) all() []time.Duration {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]time.Duration(nil), w.d...)
}

type fetchHarness struct {
	f     *Fetcher
	logs  *fsLogBuf
	waits *waitLog
}

// newFetchHarness returns a Fetcher whose backoff is scaled down (base 10ms) and
// whose waits are recorded. When fake is true, waits are recorded but cut
// to at most 5ms, so multi-second Retry-After values can be asserted
// without sleeping.
func newFetchHarness(t *testing.T, fake bool) *fetchHarness {
	t.Helper()
	h := &fetchHarness{logs: &fsLogBuf{}, waits: &waitLog{}}
	h.f = NewFetcher(4, slog.New(slog.NewTextHandler(h.logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
	h.f.backoffBase = 10 * time.Millisecond
	h.f.backoffMax = 80 * time.Millisecond
	h.f.wait = func(ctx context.Context, d time.Duration) error {
		h.waits.mu.Lock()
		h.waits.d = append(h.waits.d, d)
		h.waits.mu.Unlock()
		if fake {
			d = min(d, 5*time.Millisecond)
		}
		return sleepCtx(ctx, d)
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("fetcher log:\n%s", h.logs.String())
		}
	})
	return h
}

// fetchTestPolicy is DefaultPolicy with test-sized delays and limits.
func fetchTestPolicy() Policy {
	p := DefaultPolicy()
	p.UserAgent = UserAgent("test")
	p.Delay = 20 * time.Millisecond
	p.Timeout = 2 * time.Second
	p.Retries = 2
	p.MaxBody = 1 << 20
	return p
}

func (h *fetchHarness) fetchOne(t *testing.T, target Target) Capture {
	t.Helper()
	return h.f.Fetch(context.Background(), []Target{target}, nil)[0]
}

func fetchTarget(url string, p Policy) Target { return Target{Page: "test/en", URL: url, Policy: p} }

// wantFetchErr checks a capture's error kind, status and attempt count.
func wantFetchErr(t *testing.T, c Capture, kind string, status, attempts int) {
	t.Helper()
	if c.Err == nil {
		t.Fatalf("got success (status %d, %d bytes), want %s", c.Status, len(c.Body), kind)
	}
	if c.Err.Kind != kind {
		t.Errorf("kind = %s (%s), want %s", c.Err.Kind, c.Err.Msg, kind)
	}
	if c.Err.Status != status || c.Status != status {
		t.Errorf("status = %d / capture %d, want %d", c.Err.Status, c.Status, status)
	}
	if c.Attempts != attempts {
		t.Errorf("attempts = %d, want %d", c.Attempts, attempts)
	}
	if c.Body != nil {
		t.Errorf("an error capture carries a body: %q", fsTrunc(c.Body))
	}
}

func wantFetchOK(t *testing.T, c Capture, attempts int) {
	t.Helper()
	if c.Err != nil {
		t.Fatalf("error %v (status %d, attempts %d)", c.Err, c.Status, c.Attempts)
	}
	if c.Attempts != attempts {
		t.Errorf("attempts = %d, want %d", c.Attempts, attempts)
	}
}

func fsTrunc(b []byte) string {
	if len(b) > 80 {
		return string(b[:80]) + "…"
	}
	return string(b)
}

// hitGaps returns the time between consecutive hits.
func hitGaps(hs []fsHit) []time.Duration {
	var out []time.Duration
	for i := 1; i < len(hs); i++ {
		out = append(out, hs[i].at.Sub(hs[i-1].at))
	}
	return out
}
