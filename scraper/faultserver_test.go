package scraper

import (
	"bytes"
	"context"
	"log/slog"
	"sync"
	"testing"
	"time"
)

// fsOKHTML is a small page that parses.
const fsOKHTML = "<!doctype html><html><head><title>Relations with Kazakhstan</title></head><body><p>Text.</p></body></html>"

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
